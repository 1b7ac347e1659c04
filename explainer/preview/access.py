"""Who may talk to the preview server and which paths it answers: the rules, as pure functions.

- Host: a request must name the address the server was started on (127.0.0.1:PORT, localhost:PORT,
  [::1]:PORT, or --host:PORT). A web page on another site can make the browser connect to 127.0.0.1 through
  DNS rebinding, but its requests then carry that site's name as Host: they are refused. When bound to every
  interface (--host 0.0.0.0), any IP address is accepted as Host: rebinding needs a name, not an address.
- Origin: the reload WebSocket accepts pages from those same addresses only, so another site cannot listen
  for reloads or keep a connection open. livereload accepts any Origin and checks no Host; serve.py wraps it.
- Paths: only files of the built site are served. A path with `..` or `.` segments, encoded (`%2e%2e`) or
  not, a backslash or a NUL is refused outright; anything else that is not a built file is not found.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WILDCARDS = ("0.0.0.0", "::", "")


@dataclass(frozen=True)
class AccessPolicy:
    host: str  # as given to --host
    port: int  # the port actually bound

    def allows_host(self, header: str | None) -> bool:
        """Whether a request's Host header names this server."""
        if not header:
            return False
        parsed = urlsplit(f"//{header}")
        try:
            port = parsed.port or 80
        except ValueError:
            return False
        return port == self.port and self._allows_name(parsed.hostname or "")

    def allows_origin(self, origin: str | None) -> bool:
        """Whether a page from this Origin may open the reload WebSocket."""
        if not origin:
            return True  # not a browser (browsers always send Origin on WebSockets): no cross-site risk
        parsed = urlsplit(origin)
        if parsed.scheme not in ("http", "https"):
            return False
        try:
            port = parsed.port or (443 if parsed.scheme == "https" else 80)
        except ValueError:
            return False
        return port == self.port and self._allows_name(parsed.hostname or "")

    def _allows_name(self, name: str) -> bool:
        name = name.lower().rstrip(".")
        if name in LOOPBACK_NAMES or name == self.host.lower().strip("[]"):
            return True
        if self.host in WILDCARDS:
            try:
                ipaddress.ip_address(name)
                return True
            except ValueError:
                return False
        return False

    @property
    def is_loopback_only(self) -> bool:
        if self.host.lower() == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host.strip("[]")).is_loopback
        except ValueError:
            return False


class Refused(Exception):
    """A request path that tries to leave the site."""


def site_path(request_path: str) -> str:
    """The site-relative file a URL path asks for: "/" → "index.html", "/a/" → "a/index.html".

    Raises Refused for `..`, `.`, backslashes and NUL, before or after percent-decoding.
    """
    segments = request_path.split("/")[1:]
    try:
        decoded = [unquote(segment, errors="strict") for segment in segments]
    except UnicodeDecodeError:
        raise Refused(request_path) from None
    for raw, segment in zip(segments, decoded):
        if segment in ("..", ".") or raw in ("..", ".") or any(c in segment for c in ("/", "\\", "\x00")):
            raise Refused(request_path)
    path = "/".join(decoded)
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path
