"""Faults injected into every stage of a real build, and builds killed at random moments: the command line never
prints a traceback (without --debug), exits non-zero, and the previous site stays whole and byte-identical."""
from __future__ import annotations

import errno
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import explainer.cli
import explainer.publish.site_writer
import explainer.pipeline
from conftest import PROJECT, SITES
from explainer.cli import main
from explainer.publish.site_writer import SITE_MARKER

STAGES = ["load_fact_store", "read_pages", "load_charts", "render_markdown", "check_fact_store", "render_pages",
          "chart_files", "download_files", "check_output"]
FAULTS = {
    "exception": lambda: RuntimeError("injected fault"),
    "memory": lambda: MemoryError(),
    "no-space": lambda: OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
}


def fingerprint(out: Path) -> dict[str, str]:
    """Every file under out, by relative path, with a hash of its bytes."""
    return {str(path.relative_to(out)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(out.rglob("*")) if path.is_file()}


@pytest.fixture
def built_tiny(tmp_path):
    """A copy of the tiny site, built once into tmp_path/out; returns (root, out)."""
    root = tmp_path / "tiny"
    shutil.copytree(SITES / "tiny", root)
    out = tmp_path / "out"
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    return root, out


def edited(root: Path) -> Path:
    """root with a blank line added to a page: a build that has something to do (a build of unchanged inputs
    into an untouched site does nothing at all: explainer/incremental/build_record.py), and writes the same site."""
    page = root / "content" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    return root


def run_failing_build(root: Path, out: Path, capsys, debug: bool = False) -> str:
    before = fingerprint(out)
    edited(root)
    code = main(["build", "--root", str(root), "--out", str(out)] + (["--debug"] if debug else []))
    captured = capsys.readouterr()
    printed = captured.out + captured.err
    assert code != 0, f"a build with an injected fault exited 0:\n{printed}"
    assert fingerprint(out) == before, "the previous site changed after a failed build"
    leftovers = sorted(path.name for path in out.parent.iterdir() if path.name.startswith(f".{out.name}."))
    assert leftovers == [], f"temporary folders left beside the site: {leftovers}"
    return printed


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("stage", STAGES)
def test_a_fault_in_any_stage_leaves_the_previous_site_and_prints_no_traceback(built_tiny, capsys, monkeypatch,
                                                                               stage, fault):
    root, out = built_tiny

    def broken(*arguments, **keywords):
        raise FAULTS[fault]()

    monkeypatch.setattr(explainer.pipeline, stage, broken)
    printed = run_failing_build(root, out, capsys)
    assert "Traceback" not in printed, f"{stage} raising {fault} printed a traceback without --debug:\n{printed}"
    assert "internal error" in printed or "cannot write" in printed, \
        f"{stage} raising {fault} gave no clear one-line error:\n{printed}"


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_fault_in_write_site_leaves_the_previous_site(built_tiny, capsys, monkeypatch, fault):
    """The build writes each file into the staged site as it is made (explainer/publish/site_writer.py): a fault
    while writing one, after others were written, comes through the build."""
    root, out = built_tiny
    real_write = explainer.publish.site_writer.StagedSite._write
    written = []

    def broken(staged, relative, content):
        if len(written) >= 2:
            raise FAULTS[fault]()
        written.append(relative)
        real_write(staged, relative, content)

    monkeypatch.setattr(explainer.publish.site_writer.StagedSite, "_write", broken)
    printed = run_failing_build(root, out, capsys)
    assert len(written) == 2
    assert "Traceback" not in printed, f"writing the site raising {fault} printed a traceback:\n{printed}"


@pytest.mark.parametrize("after", [0, 1, 5])
def test_a_disk_that_fills_while_writing_leaves_the_previous_site(built_tiny, capsys, monkeypatch, after):
    """The real write_site, with the file system running out of space after a few files, written or linked
    (an unchanged file is a hard link to the previous site's: explainer/publish/site_writer.py)."""
    root, out = built_tiny
    real_write_bytes, real_link = Path.write_bytes, os.link
    written = []

    def room_for(target) -> None:
        if len(written) >= after:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        written.append(target)

    def filling(self, data):
        room_for(self)
        return real_write_bytes(self, data)

    def linking(source, target, **options):
        room_for(target)
        return real_link(source, target, **options)

    monkeypatch.setattr(Path, "write_bytes", filling)
    monkeypatch.setattr(explainer.publish.site_writer.os, "link", linking)
    printed = run_failing_build(root, out, capsys)
    assert "Traceback" not in printed and "cannot write the site" in printed, printed


def test_debug_prints_the_traceback_of_an_internal_error(built_tiny, capsys, monkeypatch):
    root, out = built_tiny

    def broken(*arguments, **keywords):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(explainer.pipeline, "render_pages", broken)
    printed = run_failing_build(root, out, capsys, debug=True)
    assert "Traceback" in printed and "injected fault" in printed, printed


# Killing the real command line at random moments.

def site_files(out: Path) -> set[str]:
    return {str(path.relative_to(out)) for path in out.rglob("*") if path.is_file()}


def assert_whole(out: Path, expected: set[str], moment: str) -> None:
    assert (out / SITE_MARKER).exists() and (out / "index.html").exists(), f"no whole site after {moment}"
    missing = expected - site_files(out)
    assert not missing, f"pages missing after {moment}: {sorted(missing)[:5]}"


def command(root: Path, out: Path) -> list[str]:
    return [sys.executable, str(PROJECT / "build.py"), "--root", str(root), "--out", str(out)]


def test_the_real_build_killed_at_random_moments_leaves_a_whole_site(tmp_path):
    out = tmp_path / "out"
    first = tmp_path / "charts-first"
    shutil.copytree(SITES / "charts", first)
    subprocess.run(command(first, out), check=True, capture_output=True, timeout=300)
    started = time.perf_counter()
    subprocess.run(command(edited(first), out), check=True, capture_output=True, timeout=300)
    warm = time.perf_counter() - started
    expected = site_files(out)
    chooser = random.Random(9)
    for attempt in range(12):
        # A few kills hit a cold build (a fresh copy without its chart cache, seconds of chart rendering), the
        # rest a warm one, where the delay spans the whole build, the swap at its end included.
        if attempt % 4 == 0:
            root = tmp_path / f"charts-{attempt}"
            shutil.copytree(SITES / "charts", root, ignore=shutil.ignore_patterns(".cache"))
            delay = chooser.uniform(0.5, 4.0)
        else:  # with a page changed, so that it builds (from its caches) and swaps in a new site
            root = edited(first)
            delay = chooser.uniform(0.05, warm * 1.1)
        builder = subprocess.Popen(command(root, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        builder.send_signal(signal.SIGKILL)
        builder.wait()
        assert_whole(out, expected, f"SIGKILL at {delay:.2f} s (attempt {attempt})")
    subprocess.run(command(first, out), check=True, capture_output=True, timeout=300)
    assert_whole(out, expected, "the next build")
    debris = sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".out."))
    assert debris == [], f"temporary folders the next build did not remove: {debris}"


def test_sigterm_stops_the_real_build_cleanly(tmp_path):
    out = tmp_path / "out"
    root = tmp_path / "charts"
    shutil.copytree(SITES / "charts", root)
    subprocess.run(command(root, out), check=True, capture_output=True, timeout=300)
    expected = site_files(out)
    chooser = random.Random(11)
    interrupted = 0
    for attempt in range(5):
        if attempt % 2:  # cold: signalled while it renders charts; warm: anywhere in the build
            shutil.rmtree(root / ".cache", ignore_errors=True)
        edited(root)
        builder = subprocess.Popen(command(root, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(chooser.uniform(0.1, 0.6))
        builder.terminate()
        stdout, stderr = builder.communicate(timeout=60)
        if builder.returncode == 0:
            continue  # it finished before the signal arrived: nothing to check but the site below
        interrupted += 1
        assert "Traceback" not in stderr, f"SIGTERM printed a traceback:\n{stderr}"
        assert_whole(out, expected, f"SIGTERM (attempt {attempt})")
        debris = sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".out."))
        assert debris == [], f"SIGTERM left temporary folders: {debris}"
    assert interrupted, "no SIGTERM arrived while a build was running: shorten the delays"
