"""Sources kept with the site (issue 21, item 1): each source's snapshot is read with the data and checked at every
build (its header, its hash, every excerpt in its body); `check` lists sources overdue for an update; the
Sources page shows the retrieval date, the archived copy and the next update; the preview notices an edited
snapshot."""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, SITES
from explainer.effects.boundary import BuildEffects
from explainer.pipeline import build
from explainer.preview.rebuild import Rebuilder
from explainer.preview.source_watch import SourceWatcher
from explainer.site_folder.inputs import read_inputs
from explainer.store.snapshots import body_hash, found_in, normalised

KEPT = SITES / "kept-sources"


def run(*arguments):
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *map(str, arguments)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "kept-sources"
    shutil.copytree(KEPT, root, ignore=shutil.ignore_patterns(".cache"))
    return root


def built(root: Path):
    inputs, problems = read_inputs(root)
    assert not problems, [p.format() for p in problems]
    return build(inputs, BuildEffects(index_search=None))


def shown(result, root: Path) -> list[str]:
    return [problem.format(relative_to=root) for problem in result.problems]


def snapshot(root: Path, source_id: str) -> Path:
    return root / "data" / "sources" / f"{source_id}.snapshot.txt"


def test_the_fixture_site_keeps_every_source_and_passes_strict(site, tmp_path):
    result = run("--root", site, "--strict", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr


def test_the_sources_page_shows_the_retrieval_date_the_archived_copy_and_the_next_update(site):
    result = built(site)
    assert not result.failed(strict=True), shown(result, site)
    page = result.files["sources.html"].decode()
    entry = page[page.index('id="source-still-there"'):page.index('id="source-page-gone"')]
    assert "Our stored copy of its words: retrieved 2 March 2025." in entry
    assert '<a href="https://archive.example.org/still-there" rel="noopener noreferrer">archived copy</a>' in entry
    assert "Next update expected: June 2026." in entry
    # The date, never a computed "overdue": a build must not depend on the day it runs.
    assert "overdue" not in page.lower()
    chapter = result.files["index.html"].decode()  # the chapter's list of references
    assert "Next update expected: June 2026." in chapter and "archive.example.org/page-gone" in chapter


def test_an_edited_body_is_an_error_at_the_hash_with_the_hash_to_record(site, tmp_path):
    path = snapshot(site, "still-there")
    path.write_text(path.read_text(encoding="utf-8").replace("Annual report", "Annual  report, edited"),
                    encoding="utf-8")
    body = path.read_text(encoding="utf-8").split("\n\n", 1)[1]
    result = run("--root", site, "--out", tmp_path / "out")
    assert result.returncode == 1 and not (tmp_path / "out").exists()
    line = next(number for number, text in enumerate(path.read_text().split("\n"), 1) if text.startswith("sha256:"))
    assert (f"data/sources/still-there.snapshot.txt:{line}:9: the body of this snapshot changed since its hash was "
            "taken") in result.stderr
    assert f"record its hash: sha256: {hashlib.sha256(body.encode()).hexdigest()}" in result.stderr


def test_the_hash_is_the_one_the_format_gives(site):
    """The brief's one-liner: the SHA-256 of everything after the first blank line, as bytes."""
    raw = snapshot(site, "still-there").read_bytes()
    recorded = re.search(rb"^sha256: ([0-9a-f]{64})$", raw, re.MULTILINE).group(1).decode()
    assert recorded == hashlib.sha256(raw.split(b"\n\n", 1)[1]).hexdigest() == body_hash(raw.decode().split("\n\n", 1)[1])


def test_an_excerpt_not_in_its_snapshot_is_an_error_at_the_excerpt(site):
    path = site / "data/sources/still-there.json"
    path.write_text(path.read_text().replace("lent 48,250 books", "lent 48,205 books"), encoding="utf-8")
    problems = shown(built(site), site)
    line, column = next((number, text.index('"text"') + 1)
                        for number, text in enumerate(path.read_text().split("\n"), 1) if "48,205" in text)
    expected = (f'data/sources/still-there.json:{line}:{column}: excerpt "loans" is not found in its snapshot '
                "still-there.snapshot.txt: copy the words exactly as the snapshot has them")
    assert any(problem.startswith(expected) for problem in problems), problems


def test_a_table_excerpt_is_found_cell_by_cell_and_a_missing_cell_is_named(site):
    path = site / "data/sources/still-there.json"
    path.write_text(path.read_text().replace('["2024", "3"]', '["2024", "4"]'), encoding="utf-8")
    problems = shown(built(site), site)
    assert any('the cell "4" of table excerpt "branches" is not found in its snapshot' in p for p in problems), problems
    line = next(number for number, text in enumerate(path.read_text().split("\n"), 1) if '"4"' in text)
    assert any(p.startswith(f"data/sources/still-there.json:{line}:") for p in problems if '"branches"' in p)


def test_found_means_after_nfc_and_whitespace_collapsed_and_elisions_in_order():
    body = normalised("The library lent 48,250\u00a0books\nin 2024.\n\nCafe\u0301 open.")
    assert found_in("The library lent 48,250 books in 2024.", body)
    assert found_in("Café open.", body)  # NFC: a composed é finds e + combining accent
    assert found_in("The library lent … in 2024.", body)
    assert not found_in("in 2024 … The library lent", body)  # the parts must come in their order
    assert not found_in("The library lent 48,250 books in 2025.", body)


@pytest.mark.parametrize("header, expected", [
    ("address: https://example.org/a\nretrieved: 2025-03-02\nkept from: x\n", 'has no "sha256:" line'),
    ("address: https://example.org/a\nretrieved: 2025-13-02\nkept from: x\nsha256: {hash}\n", '"2025-13-02" is no date'),
    ("adress: https://example.org/a\nretrieved: 2025-03-02\nkept from: x\nsha256: {hash}\n",
     'unknown header "adress". Did you mean "address"?'),
    ("address: https://example.org/a\nretrieved: 2025-03-02\nkept from: x\nsha256: ABC\n",
     "sha256 must be 64 lowercase hex digits"),
    ("address: https://example.org/a\nthe page\n", "this header line is not `name: value`"),
])
def test_a_header_that_is_not_well_formed_is_an_error_in_the_snapshot(site, header, expected):
    path = snapshot(site, "page-gone")
    body = path.read_text(encoding="utf-8").split("\n\n", 1)[1]
    path.write_text(header.replace("{hash}", body_hash(body)) + "\n" + body, encoding="utf-8")
    result = built(site)
    assert result.failed(strict=False)
    assert any(p.startswith("data/sources/page-gone.snapshot.txt:") and expected in p
               for p in shown(result, site)), shown(result, site)


def test_a_snapshot_with_no_source_is_an_error(site):
    shutil.copy(snapshot(site, "page-gone"), snapshot(site, "page-gon"))
    problems = shown(built(site), site)
    assert any(p.startswith('data/sources/page-gon.snapshot.txt:1:1: this snapshot belongs to no source: there is no '
                            '"page-gon" in data/sources/. Did you mean "page-gone"?') for p in problems), problems


def test_a_source_with_an_address_and_no_snapshot_warns_and_stops_a_strict_build(site, tmp_path):
    snapshot(site, "page-gone").unlink()
    result = built(site)
    assert not result.failed(strict=False) and result.failed(strict=True)
    warnings = [p for p in result.problems if p.severity == "warning"]
    assert len(warnings) == 1 and 'source "page-gone" has an address but no snapshot' in warnings[0].message
    strict = run("--root", site, "--strict", "--out", tmp_path / "out")
    assert strict.returncode == 1 and "data/sources/page-gone.json:1:1: error: source" in strict.stderr


def test_a_site_that_keeps_no_snapshot_yet_is_not_held_to_them(site):
    """Snapshots are required from a site's first one on: a site made before them still passes --strict."""
    for path in (site / "data" / "sources").glob("*.snapshot.txt"):
        path.unlink()
    result = built(site)
    assert not result.failed(strict=True) and not [p for p in result.problems if p.severity == "warning"], \
        shown(result, site)
    assert "Our stored copy" not in result.files["sources.html"].decode()


def test_a_source_without_an_address_needs_no_snapshot(site):
    snapshot(site, "page-gone").unlink()
    path = site / "data/sources/page-gone.json"
    path.write_text(re.sub(r'\s*"url": "[^"]*",', "", path.read_text()), encoding="utf-8")
    result = built(site)
    assert not result.failed(strict=True), shown(result, site)


def test_a_broken_source_file_holds_its_snapshots_error_back_as_an_echo(site):
    (site / "data/sources/page-gone.json").write_text("{ not json", encoding="utf-8")
    problems = shown(built(site), site)
    assert problems[0].startswith("data/sources/page-gone.json:1:3: this is not valid JSON")
    assert not any("belongs to no source" in p for p in problems), problems


@pytest.mark.parametrize("field, value, expected", [
    ("archived_url", "http://archive.example.org/x", "is not an address: write the page's full https:// address"),
    ("next_update", "2026-13", '"2026-13" is no date'),
    ("next_update", "soon", "'soon' is not a date"),
])
def test_archived_url_is_https_and_next_update_a_date(site, field, value, expected):
    path = site / "data/sources/page-gone.json"
    text = re.sub(rf'"{field}": "[^"]*"', f'"{field}": "{value}"', path.read_text())
    path.write_text(text, encoding="utf-8")
    problems = shown(built(site), site)
    line = next(number for number, line in enumerate(text.split("\n"), 1) if f'"{field}"' in line)
    assert any(p.startswith(f"data/sources/page-gone.json:{line}:") and expected in p for p in problems), problems


def test_check_lists_the_sources_overdue_as_of_the_day_it_is_given(site):
    before = run("check", "--root", site, "--today", "2026-06-30")  # June 2026 not over yet
    assert before.returncode == 0 and "overdue" not in before.stdout, before.stdout + before.stderr
    after = run("check", "--root", site, "--today", "2026-07-01")
    assert after.returncode == 0, after.stderr
    assert after.stdout.splitlines()[-2:] == [
        "1 source(s) overdue for an update (next_update before 2026-07-01):",
        "data/sources/still-there.json:8:3: still-there: next update expected 2026-06"]
    later = run("check", "--root", site, "--today", "2028-01-01")
    assert later.stdout.splitlines()[-2:] == ["data/sources/still-there.json:8:3: still-there: next update expected 2026-06",
                                              "data/sources/page-gone.json:8:3: page-gone: next update expected 2027"]
    assert run("check", "--root", site, "--today", "yesterday").returncode == 2


def test_the_preview_notices_an_edited_snapshot(site):
    watcher = SourceWatcher(site, PROJECT)
    watcher.start()
    try:
        rebuilder = Rebuilder(site, strict=True)
        assert not rebuilder.rebuild().failed
        path = snapshot(site, "quote-changed")
        path.write_text(path.read_text(encoding="utf-8").replace("3,100 members", "3,000 members"), encoding="utf-8")
        changes = watcher.check()
        assert set(changes.modified) == {path}
        outcome = rebuilder.rebuild(changes)
        assert outcome.failed
        assert any("the body of this snapshot changed" in p.message and p.path == path for p in outcome.problems)
        path.unlink()  # and a snapshot deleted: a --strict preview now stops at the warning
        outcome = rebuilder.rebuild(watcher.check())
        assert outcome.failed and any('"quote-changed" has an address but no snapshot' in p.message
                                      for p in outcome.problems)
    finally:
        watcher.stop()


def test_a_rebuild_with_only_a_snapshot_changed_is_not_skipped(site, tmp_path):
    """The build record's key covers snapshots (they are read with data/): an edit is never "unchanged"."""
    out = tmp_path / "out"
    assert run("--root", site, "--out", out).returncode == 0
    path = snapshot(site, "page-gone")
    path.write_text(path.read_text(encoding="utf-8") + "More words.\n", encoding="utf-8")
    again = run("--root", site, "--out", out)
    assert again.returncode == 1 and "the body of this snapshot changed" in again.stderr


def test_crlf_line_ends_give_the_same_hash(site):
    path = snapshot(site, "still-there")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    result = built(site)
    assert not result.failed(strict=True), shown(result, site)
