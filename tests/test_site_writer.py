"""The site writer (explainer/publish/site_writer.py) as `python build.py` uses it: each finished file goes into a
temporary folder as the build makes it, and that folder replaces the site only when the build succeeds. A build
that fails after it began writing (an error the output gate finds, a disk that fills up) leaves the previous site
byte for byte as it was, and no temporary folder behind."""
from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from conftest import SITES
from explainer.cli import main
from explainer.publish import site_writer
from explainer.publish.site_writer import SITE_MARKER, site_id, staged_site, write_site


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def leftovers(out: Path) -> list[str]:
    """Temporary folders of builds of out (site_writer._prefix), which a finished build must not leave."""
    return sorted(path.name for path in out.parent.iterdir() if path.name.startswith(f".{out.name}."))


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path]:
    """A copy of tests/sites/tiny, built once into out: the previous site of the tests below."""
    root = tmp_path / "tiny"
    shutil.copytree(SITES / "tiny", root, ignore=shutil.ignore_patterns(".tmp-*"))
    out = tmp_path / "out"
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    return root, out


def count_writes(monkeypatch) -> list[str]:
    """The paths each StagedSite is given, as the build gives them."""
    written: list[str] = []
    real = site_writer.StagedSite.__setitem__

    def spy(staged, relative, content):
        written.append(relative)
        real(staged, relative, content)
    monkeypatch.setattr(site_writer.StagedSite, "__setitem__", spy)
    return written


def test_an_error_found_after_files_were_written_leaves_the_previous_site_and_no_temporary_folder(
        built, monkeypatch, capsys):
    root, out = built
    before, before_id = tree(out), site_id(out)
    index = root / "content" / "index.md"
    # A link to a page the site does not have: only the output gate, after the files are made, finds it.
    index.write_text(index.read_text(encoding="utf-8") + "\nSee [the missing page](missing-page.html).\n",
                     encoding="utf-8")
    written = count_writes(monkeypatch)
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--out", str(out)]) == 1
    error = capsys.readouterr().err
    assert "missing-page.html" in error and "The previous site was left as it was." in error
    assert "index.html" in written  # the failure came after the pages were written into the temporary folder
    assert tree(out) == before and site_id(out) == before_id
    assert leftovers(out) == []


def test_a_disk_that_fills_up_while_the_build_writes_leaves_the_previous_site(built, monkeypatch, capsys):
    root, out = built
    before = tree(out)
    (root / "content" / "index.md").write_text((root / "content" / "index.md").read_text(encoding="utf-8")
                                               + "\nOne more sentence.\n", encoding="utf-8")
    real = site_writer.StagedSite._write
    calls = []

    def full(staged, relative, content):
        calls.append(relative)
        if len(calls) > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(staged, relative, content)
    monkeypatch.setattr(site_writer.StagedSite, "_write", full)
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--out", str(out)]) == 1
    error = capsys.readouterr().err
    assert "cannot write the site: No space left on device. The previous site was left as it was." in error
    assert "Traceback" not in error
    assert tree(out) == before
    assert leftovers(out) == []


def test_the_build_after_a_failed_one_writes_the_same_site_as_a_clean_build(built, tmp_path, capsys):
    root, out = built
    index = root / "content" / "index.md"
    good = index.read_text(encoding="utf-8")
    index.write_text(good + "\nSee [the missing page](missing-page.html).\n", encoding="utf-8")
    assert main(["build", "--root", str(root), "--out", str(out)]) == 1
    index.write_text(good + "\nOne more sentence.\n", encoding="utf-8")
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    clean = tmp_path / "clean"
    assert main(["build", "--root", str(root), "--out", str(clean), "--no-cache"]) == 0
    assert tree(out) == tree(clean)
    assert leftovers(out) == []


def test_a_file_written_again_never_changes_the_old_sites_file_it_was_linked_to(tmp_path):
    out = tmp_path / "out"
    write_site({"404.html": b"not found", "index.html": b"home"}, out)
    with staged_site(out) as staged:
        staged["404.html"] = b"not found"  # the old site's bytes: a hard link to its file
        staged["index.html"] = b"home"
        staged["404.html"] = b"not found, from the root"  # as the build makes 404.html root-relative
        assert (out / "404.html").read_bytes() == b"not found"
        assert staged["404.html"] == b"not found, from the root"
        written = staged.finish()
    assert tree(out) == {SITE_MARKER: tree(out)[SITE_MARKER], "404.html": b"not found, from the root",
                         "index.html": b"home"}
    assert site_id(out) == written
    assert leftovers(out) == []


def test_leaving_a_staged_site_without_finishing_removes_it_and_keeps_the_old_site(tmp_path):
    out = tmp_path / "out"
    write_site({"index.html": b"old"}, out)
    before = tree(out)
    with pytest.raises(RuntimeError):
        with staged_site(out) as staged:
            staged["index.html"] = b"new"
            staged["more.html"] = b"more"
            raise RuntimeError("a stage failed")
    assert tree(out) == before
    assert leftovers(out) == []
