"""`python build.py` end to end: exit codes, clear errors, and a failed build never touching the last good site."""
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, SITES

EXPECTED = SITES / "tiny.expected"


def run(*arguments, cwd=PROJECT):
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *map(str, arguments)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def tree(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "tiny"
    shutil.copytree(SITES / "tiny", root, ignore=shutil.ignore_patterns(".cache"))  # builds in place leave one
    return root


def test_build_writes_the_site_and_prints_one_summary_line(site, tmp_path):
    result = run("--root", site, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"2 pages, 5 facts, 1 series, 2 sources.* in \d+\.\d\d s → .*out\n", result.stdout)
    written = set(tree(tmp_path / "out"))
    assert {"index.html", "elite.html", "sources.html", "data.html", "corrections.html", "404.html",
            "data/facts.csv", "data/facts.json", "data/sources.json", "data/series/arrivals.csv"} <= written
    # Stylesheet and scripts carry a content hash in their name (hosts may cache them for a year), and the
    # pages link to exactly those files.
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    for stem, suffix in (("style", "css"), ("facts", "js")):
        hashed = [name for name in written if re.fullmatch(rf"assets/{stem}\.[0-9a-f]{{10}}\.{suffix}", name)]
        assert len(hashed) == 1, (stem, sorted(written))
        assert f'"{hashed[0]}"' in index and f"assets/{stem}.{suffix}" not in written


# A picture's bytes, and so its content-hashed name, depend on the fonts the machine has (resvg draws the text of
# share cards with them): the pages are compared with those names' hashes left out.
_PICTURE_NAME = re.compile(rb"((?:share|charts)/[\w-]+)\.[0-9a-f]{10}\.(png|svg)")


def pages_and_data(folder: Path) -> dict[str, str]:
    """The pages, data and host files of a built site, each with a hash of its bytes, picture hashes left out."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(_PICTURE_NAME.sub(rb"\1.HASH.\2",
                                                                                  path.read_bytes())).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()
            and (path.suffix == ".html" or path.relative_to(folder).parts[0] == "data"
                 or path.name in ("_headers", "robots.txt", "sitemap.xml"))}


def test_the_fixture_site_matches_its_expected_output(site, tmp_path):
    assert run("--root", site, "--out", tmp_path / "out").returncode == 0
    built = tmp_path / "out"
    if os.environ.get("UPDATE_EXPECTED"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        # Pages, data and the host files; not the assets, the search index or the share pictures (binary).
        shutil.copytree(built, EXPECTED, ignore=shutil.ignore_patterns("assets", "pagefind", "share"))
    differing = sorted(set(pages_and_data(built).items()) ^ set(pages_and_data(EXPECTED).items()))
    assert not differing, (f"{sorted({name for name, _ in differing})} differ from {EXPECTED}: after an intended "
                           "change, run with UPDATE_EXPECTED=1 and review the diff")


def test_two_builds_are_byte_identical(site, tmp_path):
    assert run("--root", site, "--out", tmp_path / "a").returncode == 0
    assert run("--root", site, "--out", tmp_path / "b").returncode == 0
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_check_validates_and_writes_nothing(site, tmp_path):
    result = run("check", "--root", site, "--out", tmp_path / "out")
    assert result.returncode == 0 and "nothing written" in result.stdout
    assert not (tmp_path / "out").exists()


def test_bad_arguments_exit_2(site):
    assert run("--no-such-flag").returncode == 2
    assert run("publish").returncode == 2
    assert run("--root", site / "missing").returncode == 2


def break_unknown_fact(root):
    edit(root / "content/index.md", "{{residents}}", "{{resident}}")
    return "content/index.md:6:7:", 'unknown fact "resident". Did you mean "residents"?'


def break_unknown_source(root):
    edit(root / "content/index.md", "[@gazette]", "[@gazete]")
    return "content/index.md:11:8:", 'unknown source "gazete". Did you mean "gazette"?'


def break_json(root):
    edit(root / "data/facts/main.json", '"value": 194,', '"value": 194')
    return "data/facts/main.json:14:19:", "not valid JSON"


def break_front_matter(root):
    edit(root / "content/elite.md", "order: 1", "order one")
    return "content/elite.md:4:1:", "front matter lines are 'key: value'"


def break_fact_source(root):
    edit(root / "data/facts/main.json", '"source": "desk"', '"source": "desc"', count=1)
    return "data/facts/main.json:18:7:", 'cites unknown source "desc". Did you mean "desk"?'


def break_excerpt_id(root):
    path = root / "data/facts/main.json"
    edit(path, '"excerpt": "excerpt-3"', '"excerpt": "excerpt-33"', count=1)  # residents, from the gazette
    line, col = position_of(path, '"source": "gazette"', after='"id": "residents"')
    return f"data/facts/main.json:{line}:{col}:", 'source "gazette" has no excerpt "excerpt-33". Did you mean "excerpt-3"?'


def break_source_citation_excerpt(root):
    edit(root / "content/index.md", "[@gazette]", "[@gazette#exerpt-3]")
    return "content/index.md:11:8:", 'unknown excerpt "gazette#exerpt-3". Did you mean "gazette#excerpt-3"?'


def break_translation(root):
    path = root / "data/sources/desk.json"
    edit(path, ',\n      "translation": "This is 17 more than the year before (194)"', "")
    line, col = position_of(path, "{", after='"excerpts": [')
    return f"data/sources/desk.json:{line}:{col}:", 'excerpt "excerpt-1" of source "desk" is in "ko": add a "translation"'


def break_source_file_name(root):
    (root / "data/sources/desk.json").rename(root / "data/sources/research-desk.json")
    line, col = position_of(root / "data/sources/research-desk.json", '"id"')
    return f"data/sources/research-desk.json:{line}:{col}:", 'source id "desk" differs from its file name'


def break_old_sources_file(root):
    (root / "data/sources.json").write_text('{"sources": []}\n')
    return "data/sources.json:1:1:", "data/sources.json is the old form of the fact store"


def position_of(path: Path, text: str, after: str = "") -> tuple[int, int]:
    """Line and column (from 1) of the first `text` in the file after `after`."""
    content = path.read_text()
    offset = content.index(text, content.index(after) + len(after) if after else 0)
    line_start = content.rfind("\n", 0, offset) + 1
    return content.count("\n", 0, offset) + 1, offset - line_start + 1


def edit(path: Path, old: str, new: str, count: int = -1) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, count))


@pytest.mark.parametrize("breaker", [break_unknown_fact, break_unknown_source, break_json, break_front_matter,
                                     break_fact_source, break_excerpt_id, break_source_citation_excerpt,
                                     break_translation, break_source_file_name])
def test_bad_input_names_the_place_and_leaves_the_last_good_site(site, tmp_path, breaker):
    out = tmp_path / "out"
    assert run("--root", site, "--out", out).returncode == 0
    before = tree(out)
    location, message = breaker(site)
    result = run("--root", site, "--out", out)
    assert result.returncode == 1
    assert f"{location} " in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert "The previous site was left as it was." in result.stderr
    assert tree(out) == before


def test_the_old_sources_file_is_refused_and_the_last_good_site_kept(site, tmp_path):
    out = tmp_path / "out"
    assert run("--root", site, "--out", out).returncode == 0
    before = tree(out)
    location, message = break_old_sources_file(site)
    result = run("--root", site, "--out", out)
    assert result.returncode == 1 and f"{location} {message}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and tree(out) == before


def test_all_problems_are_reported_together(site):
    break_unknown_fact(site)
    break_unknown_source(site)
    break_fact_source(site)
    result = run("check", "--root", site)
    assert result.returncode == 1
    assert result.stderr.count(": unknown ") == 2 and result.stderr.count("cites unknown source") == 1


def test_strict_turns_warnings_into_errors(site, tmp_path):
    edit(site / "content/elite.md", "Elites were", "Some 12 elites were")
    relaxed = run("--root", site, "--out", tmp_path / "out")
    assert relaxed.returncode == 0 and "content/elite.md:8:6: warning: the number \"12\"" in relaxed.stderr
    strict = run("--root", site, "--out", tmp_path / "out2", "--strict")
    assert strict.returncode == 1 and not (tmp_path / "out2").exists()


def test_a_site_without_templates_falls_back_to_the_projects(site, tmp_path):
    assert not (site / "templates").exists()
    run("--root", site, "--out", tmp_path / "out")
    assert "<nav class=\"site-nav\"" in (tmp_path / "out/index.html").read_text()


def test_a_template_error_names_the_template_line(site, tmp_path):
    (site / "templates").mkdir()
    for name in ("base.html", "sources.html", "data.html", "404.html", "_references.html", "_source.html"):
        shutil.copy(PROJECT / "templates" / name, site / "templates" / name)
    (site / "templates/page.html").write_text('{% extends "base.html" %}\n{% block main %}\n{{ page.titel }}\n'
                                              "{% endblock %}\n")
    result = run("--root", site, "--out", tmp_path / "out")
    assert result.returncode == 1
    assert re.search(r"templates/page\.html:3:1: while rendering index\.html: .*titel", result.stderr), result.stderr
    assert "Traceback" not in result.stderr


def test_an_asset_linking_outside_assets_is_refused(site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    (site / "assets").mkdir()
    (site / "assets" / "leak.txt").symlink_to(secret)
    result = run("--root", site, "--out", tmp_path / "out")
    assert result.returncode == 1 and "assets/leak.txt:1:1: this asset is a link to a file outside assets/" in result.stderr
    assert not (tmp_path / "out").exists()


def test_out_never_replaces_the_site_or_a_folder_it_did_not_build(site, tmp_path):
    for out in (site, site / "content", site / "data" / "x", tmp_path):
        result = run("--root", site, "--out", out)
        assert result.returncode == 2 and "choose" in result.stderr, (out, result.stderr)
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"not ours")
    assert run("--root", site, "--out", foreign).returncode == 2
    assert (foreign / "holiday.jpg").exists() and (site / "content" / "index.md").exists()
    assert run("--root", site, "--out", tmp_path / "out").returncode == 0
    assert run("--root", site, "--out", tmp_path / "out").returncode == 0  # its own earlier build: replaced


def test_odd_settings_and_ports_get_clear_errors(site):
    (site / "site.json").write_text("[1, 2]")
    result = run("check", "--root", site)
    assert result.returncode == 1 and "site.json:1:1: site.json must be one object" in result.stderr
    assert "Traceback" not in result.stderr
    assert run("serve", "--root", site, "--port", "70000").returncode == 2


def test_a_site_without_a_home_page_is_an_error(site):
    (site / "content" / "index.md").unlink()
    result = run("check", "--root", site)
    assert result.returncode == 1 and "content/index.md:1:1: there is no content/index.md" in result.stderr
