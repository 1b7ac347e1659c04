"""Shared fixtures: building fixture sites, a static server on 127.0.0.1, and headless Debian Chromium; and the
`browser` and `slow` markers (docs/testing.md), given here rather than in each test file."""
from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import settings

from explainer.site_folder.inputs import read_inputs
from explainer.publish.site_writer import write_site
from explainer.pipeline import build

# Tests assert behaviour, never speed (bench/ measures that): an example that is slow because it loads CLDR data
# on a busy machine is not a failure.
settings.register_profile("behaviour", deadline=None)
settings.load_profile("behaviour")

PROJECT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent


def _fixture_sites() -> Path:
    """tests/sites/, or, in a pytest-xdist worker, a copy of it of the worker's own.

    Tests build the fixture sites in place (the build keeps chart pictures, share cards and the search index in
    each site's .cache/), and copy them with that .cache/ to build variants. Two workers sharing tests/sites/
    would copy a .cache/ while the other writes into it (a temporary file listed, then renamed away), so each
    worker copies it once, leaving out those temporary files, and uses only its copy. Not with UPDATE_EXPECTED=1,
    which rewrites tests/sites/tiny.expected/ itself (tests/test_cli.py).
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or os.environ.get("UPDATE_EXPECTED"):
        return TESTS / "sites"
    folder = Path(tempfile.mkdtemp(prefix=f"explainer-sites-{worker}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Path(shutil.copytree(TESTS / "sites", folder / "sites", ignore=shutil.ignore_patterns(".tmp-*")))


SITES = _fixture_sites()
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


def build_to(root: Path, out: Path):
    inputs, problems = read_inputs(root)
    assert not problems, [p.format() for p in problems]
    result = build(inputs)
    assert not result.failed(strict=False), "\n".join(p.format() for p in result.problems)
    write_site(result.files, out)
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port}")


def stop(process: subprocess.Popen) -> None:
    """Stop a server we started, by its PID."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_static_server(folder: Path) -> tuple[subprocess.Popen, str]:
    """Python's http.server on 127.0.0.1 and a free port, serving folder; stop it with stop(process)."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                "--directory", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return process, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def built_project_site(tmp_path_factory) -> Path:
    """The project's own site, built once per test session."""
    out = tmp_path_factory.mktemp("project") / "site"
    build_to(PROJECT, out)
    return out


@pytest.fixture(scope="session")
def static_server():
    """Serve folders over HTTP on 127.0.0.1 with Python's http.server; yields a function folder → base URL."""
    processes = []

    def serve(folder: Path) -> str:
        process, base = start_static_server(folder)
        processes.append(process)
        return base

    yield serve
    for process in processes:
        stop(process)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright, with a fresh profile folder."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install chromium` (see README).")
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser):
    """A fresh tab that records console errors and every request URL."""
    tab = browser.new_page()
    tab.console_errors = []
    tab.requests = []
    tab.on("console", lambda message: message.type == "error" and tab.console_errors.append(message.text))
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    tab.on("request", lambda request: tab.requests.append(request.url))
    yield tab
    tab.close()


# --- markers (registered in pyproject.toml; docs/testing.md) -------------------------------------------------
# `browser`: the test launches Chromium through Playwright: it uses the `browser` fixture, directly or through
# `page` (the preview server's browser tests do). `slow`: about 5 s or more each on a 2-core machine (measured
# with `python -m pytest -n 0 --durations=0`), or a module of many such builds: hypothesis feeding the real build,
# builds killed at random moments, chart modules that crash or hang their worker, the Nu HTML checker. A test
# module may also mark itself: `pytestmark = pytest.mark.slow`.
BROWSER_FIXTURES = {"browser"}
SLOW_MODULES = {
    "hostile/test_any_text.py",  # hypothesis: whole builds of generated text
    "hostile/test_hypothesis_inputs.py",  # hypothesis: whole builds, also through the command line
    "hostile/test_html_validity.py",  # the Nu HTML checker, on Java, over every page
    "test_chart_isolation.py",  # chart modules that crash, hang or kill their worker process
}
SLOW_TESTS = {  # "module::test" (every parameter) or "module::test[parameter]"
    "hostile/test_faults.py::test_the_real_build_killed_at_random_moments_leaves_a_whole_site",
    "hostile/test_faults.py::test_sigterm_stops_the_real_build_cleanly",
    "hostile/test_no_traceback.py::test_deeply_nested_markdown_is_an_error_at_the_page[list-under-limits]",
    "hostile/test_no_traceback.py::test_deeply_nested_markdown_is_an_error_at_the_page[quotes-under-limits]",
    "test_markdown_pool.py::test_the_pool_gives_what_one_after_the_other_gives",
    "test_output.py::test_a_build_killed_at_any_moment_leaves_a_whole_site",
    "test_search.py::test_a_failing_pagefind_is_one_clear_problem",  # one waits out a Pagefind that stalls
    "test_series.py::test_check_writes_nothing_in_the_site_folder",
    "test_series.py::test_a_derived_column_is_recomputed_and_explained_on_the_data_page",
    "test_series.py::test_an_approximate_row_shows_about_in_the_data_page_and_the_charts_table",
    "test_chart_delivery.py::test_the_png_is_rendered_once_and_then_read_from_the_cache",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        try:
            module = Path(item.path).resolve().relative_to(TESTS).as_posix()
        except ValueError:
            continue
        if (module in SLOW_MODULES or f"{module}::{item.name}" in SLOW_TESTS
                or f"{module}::{getattr(item, 'originalname', item.name)}" in SLOW_TESTS):
            item.add_marker(pytest.mark.slow)


def pytest_sessionfinish(session, exitstatus):
    """No test collected (a wrong path or -m that selects nothing) fails the run instead of pytest's exit code 5,
    which CI could take for success."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
