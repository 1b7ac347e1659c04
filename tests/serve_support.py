"""Helpers for the preview-server tests: a copy of the fixture site, and `python build.py serve` on it.

The server runs as a real subprocess on 127.0.0.1 with a free port, its output going to a file (a pipe could
fill up and block it), and is stopped by its PID.
"""
from __future__ import annotations

import http.client
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from conftest import PROJECT, SITES, free_port, stop, wait_for_port

# The fixture: the tiny site, with one fact (residents) shown on two pages.
SERVE_SITE = SITES / "serve-site"
FIRST_BUILD_TIMEOUT = 120  # seconds; a cold first build renders the charts' pictures


def copy_site(tmp_path: Path) -> Path:
    root = tmp_path / "site-root"
    shutil.copytree(SERVE_SITE, root)
    return root


@dataclass
class PreviewServer:
    root: Path
    port: int
    process: subprocess.Popen
    log_path: Path

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def request(self, path: str, headers: dict | None = None, method: str = "GET") -> tuple[int, bytes, dict]:
        """A raw request: the path is sent exactly as given (no normalising of `..`)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=FIRST_BUILD_TIMEOUT)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            all_headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
            for name, value in all_headers.items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            connection.close()

    def wait_until(self, predicate, what: str, timeout: float = 60) -> None:
        """Poll predicate() until it is true; generous, since a loaded CI machine may be slow."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited ({self.process.returncode}):\n{self.log()}")
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; server log:\n{self.log()}")

    def rebuild_lines(self) -> list[str]:
        return [line for line in self.log().splitlines() if " → " in line]


def start_server(root: Path, log_path: Path, *options: str) -> PreviewServer:
    port = free_port()
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(root),
                                    "--port", str(port), *options], stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, cwd=PROJECT)
    server = PreviewServer(root, port, process, log_path)
    try:
        wait_for_port(port, timeout=30)
        server.wait_until(lambda: "first build →" in server.log(), "the first build", FIRST_BUILD_TIMEOUT)
    except BaseException:
        stop(process)
        raise
    return server


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
