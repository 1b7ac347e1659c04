"""Shared fixtures: building fixture sites, a static server on 127.0.0.1, and headless Debian Chromium."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import settings

from explainer.inputs import read_inputs
from explainer.output import write_site
from explainer.pipeline import build

# Tests assert behaviour, never speed (bench/ measures that): an example that is slow because it loads CLDR data
# on a busy machine is not a failure.
settings.register_profile("behaviour", deadline=None)
settings.load_profile("behaviour")

PROJECT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
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
