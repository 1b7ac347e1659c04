"""The preview server serves only the built site, only to its own address, and only to its own pages."""
from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys

import pytest
from serve_support import copy_site, edit, start_server

from conftest import PROJECT, stop


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """One server for the read-only checks."""
    tmp_path = tmp_path_factory.mktemp("serve-safety")
    root = copy_site(tmp_path)
    server = start_server(root, tmp_path / "serve.log")
    yield server
    stop(server.process)


def test_binds_to_loopback_only_by_default(preview):
    assert preview.request("/index.html")[0] == 200
    with pytest.raises(OSError):  # 127.0.0.2 is loopback too, but only a wildcard bind would answer there
        socket.create_connection(("127.0.0.2", preview.port), timeout=5).close()
    assert f"serving http://127.0.0.1:{preview.port}/" in preview.log()
    assert "warning" not in preview.log().lower()


def test_another_host_prints_a_warning(tmp_path):
    server = start_server(copy_site(tmp_path), tmp_path / "serve.log", "--host", "0.0.0.0")
    try:
        assert "warning: serving on 0.0.0.0" in server.log()
    finally:
        stop(server.process)


@pytest.mark.parametrize("path", ["/content/index.md", "/data/facts/main.json", "/data/sources/gazette.json",
                                  "/data/sources.json.bak",
                                  "/site.json", "/build.py", "/.git/HEAD", "/.git/config", "/templates/base.html",
                                  "/explainer/preview/serve.py"])
def test_source_files_are_not_served(preview, path):
    status, body, _ = preview.request(path)
    assert status == 404, (path, status)
    assert b"TOP SECRET" not in body


@pytest.mark.parametrize("path", ["/../build.py", "/%2e%2e/build.py", "/%2E%2E/%2E%2E/etc/passwd",
                                  "/assets/../../build.py", "/assets/%2e%2e/%2e%2e/build.py", "/assets/..%2fstyle.css",
                                  "/./index.html", "/assets/%2e/style.css", "/..%5c..%5cbuild.py", "/index.html%00"])
def test_paths_that_leave_the_site_are_refused(preview, path):
    status, body, _ = preview.request(path)
    assert status == 403, (path, status)


def test_symlinks_out_of_the_site_are_never_served(tmp_path):
    root = copy_site(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET outside the site\n", encoding="utf-8")
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets" / "secret.txt").symlink_to(secret)
    (root / "assets" / "outside").symlink_to(tmp_path, target_is_directory=True)
    server = start_server(root, tmp_path / "serve.log")
    try:
        for path in ("/assets/secret.txt", "/assets/outside/secret.txt", "/index.html"):
            status, body, _ = server.request(path)
            assert status != 200 and b"TOP SECRET" not in body, (path, status)
        # the build refuses the link, and the server says so in its log and on the page
        # (printed just after the first build's log line, which start_server waits for)
        server.wait_until(lambda: "assets/secret.txt:1:1: this asset is a link to a file outside assets/"
                          in server.log(), "the problem in the log")
        assert b"this asset is a link to a file outside assets/" in server.request("/index.html")[1]
    finally:
        stop(server.process)


def test_built_files_are_served(preview):
    for path in ("/", "/index.html", "/elite.html", "/sources.html", "/data.html", "/corrections.html",
                 "/data/facts.csv", "/data/sources.json", "/assets/style.css", "/assets/facts.js"):
        assert preview.request(path)[0] == 200, path
    assert preview.request("/no-such-page.html")[0] == 404


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1.evil.example:{port}",
                                  "127.0.0.1:1", "localhost.:1", ""])
def test_requests_for_another_host_are_refused(preview, host):
    """DNS rebinding: a page of evil.example resolved to 127.0.0.1 sends Host: evil.example."""
    headers = {"Host": host.format(port=preview.port)}
    for path in ("/index.html", "/livereload.js", "/livereload"):
        status, body, _ = preview.request(path, headers)
        assert status == 403, (host, path, status)
        assert b"livereload" not in body.lower() or path == "/livereload"


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_requests_for_this_server_are_answered(preview, host):
    assert preview.request("/index.html", {"Host": host.format(port=preview.port)})[0] == 200


def _websocket_status(port: int, headers: dict[str, str]) -> int:
    key = base64.b64encode(os.urandom(16)).decode()
    request = ("GET /livereload HTTP/1.1\r\n" + "".join(f"{name}: {value}\r\n" for name, value in {
        "Host": f"127.0.0.1:{port}", "Upgrade": "websocket", "Connection": "Upgrade",
        "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": "13", **headers}.items()) + "\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request.encode())
        status_line = connection.recv(4096).split(b"\r\n", 1)[0]
    return int(status_line.split()[1])


@pytest.mark.parametrize("origin", ["http://evil.example", "http://evil.example:{port}", "null",
                                    "http://127.0.0.1:1", "file://", "http://127.0.0.1.evil.example:{port}"])
def test_reload_socket_refuses_other_origins(preview, origin):
    assert _websocket_status(preview.port, {"Origin": origin.format(port=preview.port)}) == 403


def test_reload_socket_accepts_its_own_pages(preview):
    for origin in (f"http://127.0.0.1:{preview.port}", f"http://localhost:{preview.port}"):
        assert _websocket_status(preview.port, {"Origin": origin}) == 101


def test_livereload_endpoints_that_need_no_authentication_are_not_exposed(preview):
    assert preview.request("/forcereload")[0] == 404  # livereload's: reload every page, from anyone


def test_livereload_script_is_only_in_served_pages(preview, tmp_path):
    status, body, _ = preview.request("/index.html")
    assert status == 200 and b'src="/livereload.js' in body
    out = tmp_path / "built"
    subprocess.run([sys.executable, str(PROJECT / "build.py"), "--root", str(preview.root), "--out", str(out)],
                   check=True, cwd=PROJECT, capture_output=True)
    for path in out.rglob("*"):
        if path.is_file():
            assert b"livereload" not in path.read_bytes().lower(), path


def test_deleting_a_page_removes_it_from_the_served_site(tmp_path):
    server = start_server(copy_site(tmp_path), tmp_path / "serve.log")
    try:
        assert server.request("/elite.html")[0] == 200
        (server.root / "content" / "elite.md").unlink()
        server.wait_until(lambda: server.request("/elite.html")[0] == 404, "elite.html to be gone")
        assert b"elite.html" not in server.request("/index.html")[1]  # nor in the navigation
        # The log line comes just after the build is served (serve.py _publish: the browser first)
        server.wait_until(lambda: "content/elite.md deleted →" in server.log(), "the log line of the deletion")
    finally:
        stop(server.process)


def test_a_burst_of_saves_is_built_once_with_the_final_text(tmp_path):
    server = start_server(copy_site(tmp_path), tmp_path / "serve.log")
    try:
        before = len(server.rebuild_lines())
        page = server.root / "content" / "elite.md"
        for number in range(20):
            edit(page, "## Share" if number == 0 else f"Draft {number - 1}.", ("## Share\n\n" if number == 0 else "")
                 + f"Draft {number}.")
        server.wait_until(lambda: b"Draft 19." in server.request("/elite.html")[1], "the final draft")
        rebuilds = len(server.rebuild_lines()) - before
        assert 1 <= rebuilds < 20  # debounced: in practice exactly one
        assert b"Draft 18." not in server.request("/elite.html")[1]
    finally:
        stop(server.process)
