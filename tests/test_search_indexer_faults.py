"""A search indexer that answers garbage, never reads its input or leaves at once fails the build within the
search stage's time limit (explainer/publish/search.py), with one line naming it, and the last good site stays.

Each build runs in a process of its own, with Pagefind replaced by a small program written to tmp (the way
tests/test_search.py replaces it: search.pagefind_binary), so the subprocess's timeout catches a hang; it is not
a measure of speed."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, SITES

LIMIT = 3  # seconds: pagefind_service.TIMEOUT in these builds
HANG = LIMIT + 240  # seconds: only a build that hangs takes this long, however busy the machine

BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, {project!r})
from explainer.publish import pagefind_service, search
search.pagefind_binary = lambda: Path({indexer!r})
pagefind_service.TIMEOUT = {limit}
from explainer import cli
sys.exit(cli.main(["--root", {root!r}, "--out", {out!r}]))
"""

# What each stand-in for Pagefind does; none of them reads what it is sent, except where said.
INDEXERS = {
    "prints garbage forever": "while True:\n    out.write(b'garbage, not an answer! ' * 4096)",
    "prints base64 with no end": "while True:\n    out.write(b'QUJD' * 16384)",
    "answers JSON that is no answer": "while True:\n    out.write(b'e30=,' * 4096)",  # {} again and again
    "never reads and never answers": "time.sleep(600)",
    "exits at once": "sys.exit(0)",
    "closes its output and stays": "os.close(1)\ntime.sleep(600)",
    "reads everything, then answers nothing": "sys.stdin.buffer.read()\ntime.sleep(600)",
}
WHY = {
    "prints garbage forever": "in a form this build does not read",
    "prints base64 with no end": "in a form this build does not read",
    "answers JSON that is no answer": "in a form this build does not read",
    "never reads and never answers": f"it took more than {LIMIT} s",
    "exits at once": "it stopped after 0 of",
    "closes its output and stays": "it stopped after 0 of",
    "reads everything, then answers nothing": f"it took more than {LIMIT} s",
}


def write_indexer(folder: Path, body: str) -> Path:
    script = folder / "fake-pagefind"
    script.write_text(f"#!{sys.executable}\nimport os, sys, time\nout = sys.stdout.buffer\n{body}\n",
                      encoding="utf-8")
    script.chmod(0o755)
    return script


def build(root: Path, out: Path, indexer: Path, limit: int = LIMIT) -> subprocess.CompletedProcess:
    program = BUILD.format(project=str(PROJECT), indexer=str(indexer), limit=limit, root=str(root), out=str(out))
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=HANG,
                          cwd=PROJECT)


def tree(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def good_site(tmp_path_factory) -> Path:
    """The tiny site, built with the real Pagefind: the last good site each failing build must leave alone."""
    folder = tmp_path_factory.mktemp("good")
    shutil.copytree(SITES / "tiny", folder / "tiny")
    out = folder / "out"
    done = subprocess.run([sys.executable, str(PROJECT / "build.py"), "--root", str(folder / "tiny"), "--out",
                           str(out)], capture_output=True, text=True, timeout=HANG, cwd=PROJECT)
    assert done.returncode == 0, done.stderr
    assert (out / "pagefind" / "pagefind-entry.json").exists()
    return out


def edited_site(folder: Path) -> Path:
    """The tiny site with a long paragraph added, and no cache: its build must index the pages again, and what it
    sends the indexer is more than a pipe holds (64 KiB), so an indexer that does not read blocks the writing."""
    root = folder / "tiny"
    shutil.copytree(SITES / "tiny", root)
    page = sorted((root / "content").glob("*.md"))[0]
    paragraph = " ".join(["Settlement support and education for new arrivals."] * 100)
    page.write_text(page.read_text(encoding="utf-8") + f"\n\n{paragraph}" * 60 + "\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("behaviour", INDEXERS)
def test_a_faulty_indexer_fails_the_build_in_time_naming_it_and_the_last_good_site_stays(
        behaviour, good_site, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(good_site, out)
    before = tree(out)
    indexer = write_indexer(tmp_path, INDEXERS[behaviour])
    done = build(edited_site(tmp_path), out, indexer)
    assert done.returncode == 1, done.stderr
    [line] = [line for line in done.stderr.splitlines() if "search index" in line]
    assert str(indexer) in line and "Pagefind could not make the search index: " in line, line
    assert WHY[behaviour] in line, line
    assert "Traceback" not in done.stderr
    assert tree(out) == before


def test_what_a_faulty_indexer_started_is_stopped_with_it(tmp_path):
    """A wrapper script whose own child holds the output pipe: both are gone when the build has failed."""
    child = tmp_path / "child.pid"
    indexer = tmp_path / "fake-pagefind"
    indexer.write_text(f"#!/bin/sh\nsleep 600 &\necho $! > {child}\nwait\n", encoding="utf-8")
    indexer.chmod(0o755)
    done = build(edited_site(tmp_path), tmp_path / "out", indexer)
    assert done.returncode == 1 and f"it took more than {LIMIT} s" in done.stderr, done.stderr
    assert not running(int(child.read_text()))


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie has stopped; only its parent's wait is missing
