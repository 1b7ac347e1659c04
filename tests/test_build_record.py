"""A build whose inputs and output folder are as the last good build left them builds nothing
(explainer/incremental/build_record.py); any change to what a build reads, to its options, or to the folder it wrote, builds
again. And a build that writes links the previous site's unchanged files instead of writing them again
(explainer/publish/site_writer.py)."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import PROJECT, SITES
from explainer import pipeline
from explainer.cli import main
from explainer.incremental.disk_store import DiskCache
from explainer.publish.site_writer import write_site

UNCHANGED = "(unchanged since the last build)"


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "tiny"
    shutil.copytree(SITES / "tiny", root, ignore=shutil.ignore_patterns(".cache"))
    shutil.copytree(PROJECT / "templates", root / "templates")  # so a template edit stays in this test
    # With the address it is published at: without one, --strict stops at the share images' warning.
    settings = json.loads((root / "site.json").read_text(encoding="utf-8"))
    (root / "site.json").write_text(json.dumps({**settings, "url": "https://example.org/tiny-explainer/"}),
                                    encoding="utf-8")
    return root


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """One entry per run of the pipeline: a build that was not answered by the record."""
    runs: list[int] = []
    real = pipeline.build
    monkeypatch.setattr(pipeline, "build", lambda *arguments, **options: runs.append(1) or real(*arguments, **options))
    return runs


def build(root: Path, out: Path, capsys, *options: str) -> tuple[int, str, str]:
    status = main(["build", "--root", str(root), "--out", str(out), *options])
    said = capsys.readouterr()
    return status, said.out, said.err


def listing(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each file's inode, modification time and bytes."""
    return {path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns, path.read_bytes())
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_an_unchanged_site_is_not_built_again_and_says_its_warnings_again(site, tmp_path, capsys, builds):
    page = site / "content" / "elite.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nAbout 4,321 people left.\n", encoding="utf-8")
    out = tmp_path / "out"
    status, first, warned = build(site, out, capsys)
    assert status == 0 and builds == [1] and "4,321" in warned and "warning" in warned
    before = listing(out)
    status, again, warned_again = build(site, out, capsys)
    assert status == 0 and builds == [1]  # the pipeline did not run
    assert warned_again == warned  # the same warnings, word for word
    assert again.endswith(f"→ {out} {UNCHANGED}\n")
    assert again.split(" in ")[0] == first.split(" in ")[0]  # the same counts
    assert listing(out) == before  # not one file written, touched or replaced


@pytest.mark.parametrize("change", ["content", "data", "template", "asset", "settings", "chart", "strict", "url"])
def test_a_change_to_anything_the_build_reads_builds_again(site, tmp_path, capsys, builds, change):
    out = tmp_path / "out"
    assert build(site, out, capsys)[0] == 0
    options: list[str] = []
    if change == "content":
        (site / "content" / "elite.md").write_text((site / "content" / "elite.md").read_text() + "\nMore.\n")
    elif change == "data":
        path = site / "data" / "sources" / "desk.json"
        record = json.loads(path.read_text())
        record["title"] = record["title"] + " (renamed)"
        path.write_text(json.dumps(record))
    elif change == "template":
        (site / "templates" / "page.html").write_text((site / "templates" / "page.html").read_text() + "\n{# edited #}\n")
    elif change == "asset":
        (site / "assets").mkdir()
        (site / "assets" / "site.css").write_text("body { margin: 0; }\n")
    elif change == "settings":
        settings = json.loads((site / "site.json").read_text())
        (site / "site.json").write_text(json.dumps({**settings, "author": "A new byline"}))
    elif change == "chart":
        (site / "charts").mkdir()
        (site / "charts" / "_helper.py").write_text("WIDTH = 3\n")
    elif change == "strict":
        options = ["--strict"]
    elif change == "url":
        options = ["--url", "https://example.org/tiny/"]
    status, said, _ = build(site, out, capsys, *options)
    assert builds == [1, 1] and UNCHANGED not in said
    assert status == 0
    # And the build after it, with nothing changed again, is answered by the record.
    status, said, _ = build(site, out, capsys, *options)
    assert status == 0 and builds == [1, 1] and UNCHANGED in said


@pytest.mark.parametrize("touch", ["edited", "removed", "added", "folder removed"])
def test_a_touched_output_folder_is_built_again_and_made_whole(site, tmp_path, capsys, builds, touch):
    out = tmp_path / "out"
    assert build(site, out, capsys)[0] == 0
    good = {path: content for path, (_, _, content) in listing(out).items()}
    if touch == "edited":
        (out / "elite.html").write_text("defaced")
    elif touch == "removed":
        (out / "elite.html").unlink()
    elif touch == "added":
        (out / "extra.html").write_text("not built")
    else:
        shutil.rmtree(out)
    status, said, _ = build(site, out, capsys)
    assert status == 0 and builds == [1, 1] and UNCHANGED not in said
    assert {path: content for path, (_, _, content) in listing(out).items()} == good


def test_a_damaged_record_means_a_build(site, tmp_path, capsys, builds):
    out = tmp_path / "out"
    assert build(site, out, capsys)[0] == 0
    record = site / ".cache" / "build" / "last-build.json"
    store = DiskCache(record.parent)  # the record is an entry of the store: damage it inside a good frame too
    good = json.loads(store.get(record.name))
    for damage in (b"{not json", b'{"key": 3}', b"[]", json.dumps({**good, "files": "x"}).encode(),
                   json.dumps({**good, "site_id": "0:0:0"}).encode()):
        store.put(record.name, damage)
        status, said, _ = build(site, out, capsys)
        assert status == 0 and UNCHANGED not in said
    record.write_bytes(record.read_bytes()[:-10])  # and a record cut short
    status, said, _ = build(site, out, capsys)
    assert status == 0 and UNCHANGED not in said
    assert len(builds) == 7


def test_no_cache_ignores_the_record_and_a_failed_build_keeps_it(site, tmp_path, capsys, builds):
    out = tmp_path / "out"
    assert build(site, out, capsys)[0] == 0
    status, said, _ = build(site, out, capsys, "--no-cache")
    assert status == 0 and builds == [1, 1] and UNCHANGED not in said
    page = site / "content" / "elite.md"
    good_text = page.read_text()
    page.write_text(good_text + "\n{{no-such-fact}}\n")
    assert build(site, out, capsys)[0] == 1 and builds == [1, 1, 1]
    page.write_text(good_text)  # back to what the site folder holds: nothing to build
    status, said, _ = build(site, out, capsys)
    assert status == 0 and builds == [1, 1, 1] and UNCHANGED in said


def test_check_always_checks(site, tmp_path, capsys, builds):
    out = tmp_path / "out"
    assert build(site, out, capsys)[0] == 0
    status = main(["check", "--root", str(site)])
    assert status == 0 and builds == [1, 1] and UNCHANGED not in capsys.readouterr().out


def test_unchanged_files_are_linked_from_the_previous_site_and_changed_ones_written(tmp_path):
    out = tmp_path / "site"
    write_site({"same.html": b"same", "changed.html": b"before", "grown.html": b"short"}, out)
    old = listing(out)
    write_site({"same.html": b"same", "changed.html": b"after!", "grown.html": b"longer", "new.html": b"new"}, out)
    new = listing(out)
    assert new["same.html"][0] == old["same.html"][0]  # the very same file, under the new folder
    assert new["changed.html"][0] != old["changed.html"][0] and new["changed.html"][2] == b"after!"
    assert new["grown.html"][2] == b"longer" and new["new.html"][2] == b"new"


def test_a_symbolic_link_in_the_previous_site_is_never_linked(tmp_path):
    out = tmp_path / "site"
    write_site({"page.html": b"secret"}, out)
    outside = tmp_path / "outside.html"
    outside.write_bytes(b"secret")
    (out / "page.html").unlink()
    os.symlink(outside, out / "page.html")
    write_site({"page.html": b"secret"}, out)
    assert not (out / "page.html").is_symlink() and (out / "page.html").read_bytes() == b"secret"
    assert (out / "page.html").stat().st_ino != outside.stat().st_ino


def test_a_folder_of_the_previous_site_replaced_by_a_link_elsewhere_is_never_linked_from(tmp_path):
    out = tmp_path / "site"
    write_site({"assets/style.css": b"body {}"}, out)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "style.css").write_bytes(b"body {}")
    shutil.rmtree(out / "assets")
    os.symlink(elsewhere, out / "assets")
    write_site({"assets/style.css": b"body {}"}, out)
    assert not (out / "assets").is_symlink()
    assert (out / "assets" / "style.css").stat().st_ino != (elsewhere / "style.css").stat().st_ino


def test_a_file_with_another_mode_or_another_link_is_written_not_linked(tmp_path):
    out = tmp_path / "site"
    write_site({"private.html": b"same", "shared.html": b"same too", "plain.html": b"plain"}, out)
    (out / "private.html").chmod(0o600)
    os.link(out / "shared.html", tmp_path / "elsewhere.html")  # a second name, outside the site
    old = listing(out)
    write_site({"private.html": b"same", "shared.html": b"same too", "plain.html": b"plain"}, out)
    new = listing(out)
    assert (out / "private.html").stat().st_mode & 0o777 == (out / "plain.html").stat().st_mode & 0o777
    assert new["shared.html"][0] != (tmp_path / "elsewhere.html").stat().st_ino
    assert new["plain.html"][0] == old["plain.html"][0]


def test_a_changed_mode_in_the_output_folder_builds_again(site, tmp_path, capsys, builds):
    out = tmp_path / "out"
    assert build(site, out, capsys)[0] == 0
    mode = (out / "elite.html").stat().st_mode
    (out / "elite.html").chmod(0o600)
    status, said, _ = build(site, out, capsys)
    assert status == 0 and UNCHANGED not in said and (out / "elite.html").stat().st_mode == mode


def test_a_template_in_a_linked_folder_is_part_of_the_key(site, tmp_path, capsys, builds):
    partials = tmp_path / "partials"
    partials.mkdir()
    (partials / "note.html").write_text("<p>a note</p>")
    os.symlink(partials, site / "templates" / "partials")
    out = tmp_path / "out"
    assert build(site, out, capsys)[0] == 0
    (partials / "note.html").write_text("<p>another note</p>")
    status, said, _ = build(site, out, capsys)
    assert status == 0 and UNCHANGED not in said


def test_the_engine_s_key_covers_every_file_it_ships_not_only_its_code(tmp_path, monkeypatch):
    """The charts' fonts and the shipped chart runtime are published through (or drawn with): a change to one with no
    change to the code must still give new keys, or an unchanged site would keep the old runtime (a review's
    finding). Python's bytecode caches are not part of it."""
    from explainer.incremental import disk_store

    engine = tmp_path / "explainer"
    (engine / "charts" / "vendor").mkdir(parents=True)
    (engine / "stage.py").write_text("x = 1\n", encoding="utf-8")
    shipped = engine / "charts" / "vendor" / "runtime.js.gz"
    shipped.write_bytes(b"first")
    monkeypatch.setattr(disk_store, "_ENGINE", engine)
    first = disk_store.engine_version.__wrapped__()
    (engine / "__pycache__").mkdir()
    (engine / "__pycache__" / "stage.cpython-311.pyc").write_bytes(b"made by running it")
    assert disk_store.engine_version.__wrapped__() == first
    shipped.write_bytes(b"second")
    assert disk_store.engine_version.__wrapped__() != first
