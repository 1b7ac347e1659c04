"""The preview's web server: the built site from memory, livereload's client and socket, and the reloads.

Built on livereload's parts rather than its Server, which cannot be told to do what the preview needs:

- LiveReloadHandler (the WebSocket the livereload.js client connects to, and reload_waiters) is subclassed to
  refuse foreign Hosts and Origins, to remember which page each connection shows, and to reload a page at
  once if it connected after a rebuild it missed.
- LiveReloadJSHandler (the client script) is subclassed to refuse foreign Hosts.
- livereload's Server is not used: it serves a folder from disk (here: the site in memory), injects its
  script with a transform that cannot vary per response, watches by polling every 800 ms, ignores changes for
  3 s after each reload, reloads every open page about 2 s after starting, answers GET /forcereload from
  anyone, and sends absolute file paths in its reload messages. Reloads are sent from here instead, as soon
  as a build is published (publish()).

A page that changed is patched in place rather than reloaded (PATCH_PAGE; preview-morph.js, served in
/livereload.js), so the reader keeps their scroll position and open card; a changed script or picture reloads
every page (RELOAD_WHOLE_PAGE), a changed stylesheet is swapped by livereload.js.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.watcher import Watcher
from tornado import escape, web

from ..errors import Problem
from .access import AccessPolicy, Refused, site_path
from .overlay import PLUGIN_ID, inject, overlay, placeholder_page, plugin_script
from .preview_scripts import patch_scripts

logger = logging.getLogger("explainer.preview.serve")


@dataclass(frozen=True)
class Snapshot:
    """What the server shows; replaced whole by publish(), so a request never sees half a build."""

    files: dict[str, bytes] = field(default_factory=dict)  # the last good build; empty before the first one
    generation: int = 0  # counts published builds, good or failed
    overlay: bytes | None = None  # the failed build's problems, or None when the last build was good


class PreviewState:
    def __init__(self, root: Path, strict: bool):
        self.root = root
        self.strict = strict
        self.snapshot = Snapshot()
        self.ready = asyncio.Event()  # set when the first build is published

    def publish(self, files: dict[str, bytes] | None, problems: tuple[Problem, ...]) -> None:
        """Serve a new build (files None: it failed, keep the last good files) and reload the pages it changes.

        Runs on the server's event loop, like every request and WebSocket handler, so it is atomic for them.
        """
        old = self.snapshot
        failed = files is None
        new = Snapshot(old.files if failed else files, old.generation + 1,
                       overlay(problems, self.root, self.strict) if failed else None)
        self.snapshot = new
        self.ready.set()
        ReloadSocket.reload_changed(old, new)


    def add_files(self, built: dict[str, bytes], extra: dict[str, bytes]) -> None:
        """Serve extra files (the search index) beside the build whose files are built, if that build is still
        the one served; no page reloads, as nothing a page shows has changed."""
        if self.snapshot.files is built:
            self.snapshot = dataclasses.replace(self.snapshot, files={**built, **extra})


class GuardedHandler(web.RequestHandler):
    """Refuses requests whose Host is not this server (DNS rebinding)."""

    policy: AccessPolicy

    def prepare(self) -> None:
        if not self.policy.allows_host(self.request.headers.get("Host")):
            logger.warning("refused a request for Host %r (only this server's own address is served)",
                           self.request.headers.get("Host"))
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("403: this preview server answers only to its own address (127.0.0.1 or localhost).\n")


class SiteHandler(GuardedHandler):
    """The built site, from memory, with the reload scripts (and the overlay while a build fails) in its pages."""

    state: PreviewState

    async def get(self) -> None:
        await self._answer(include_body=True)

    async def head(self) -> None:
        await self._answer(include_body=False)

    async def _answer(self, include_body: bool) -> None:
        await self.state.ready.wait()
        snapshot = self.state.snapshot
        try:
            path = site_path(self.request.path)
        except Refused:
            return self._plain(403, "403: this path leaves the site.\n", include_body)
        status, path, body = _find(snapshot, path)
        if body is None:
            return self._plain(404, "404: no such file in the built site.\n", include_body)
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if content_type == "text/html":
            body = (inject(body, snapshot.generation, snapshot.overlay) if snapshot.files
                    else placeholder_page(snapshot.generation, snapshot.overlay))
        if content_type.startswith("text/") or content_type in ("application/javascript", "image/svg+xml",
                                                                 "application/json"):
            content_type += "; charset=utf-8"
        self.set_status(status)
        self._headers_for(content_type)
        self.set_header("Content-Length", str(len(body)))
        self.finish(body if include_body else None)

    def _plain(self, status: int, message: str, include_body: bool) -> None:
        self.set_status(status)
        self._headers_for("text/plain; charset=utf-8")
        self.finish(message if include_body else None)

    def _headers_for(self, content_type: str) -> None:
        self.set_header("Content-Type", content_type)
        # A reload must show the new build: pages are never stored (each has this build's number in it);
        # other files are stored but checked with the server each time (ETag), since they rarely change.
        self.set_header("Cache-Control", "no-store" if content_type.startswith("text/html") else "no-cache")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cross-Origin-Resource-Policy", "same-origin")  # other sites cannot embed the preview
        self.set_header("Referrer-Policy", "no-referrer")

    def compute_etag(self) -> str | None:
        """Pages (no-store) get none; assets get one, so a reload revalidates them instead of fetching them."""
        if self._headers.get("Cache-Control") == "no-store":
            return None
        return super().compute_etag()


class ReloadScript(LiveReloadJSHandler, GuardedHandler):
    """livereload.js, the client, for this server's own pages only; in front of it the page patcher (Idiomorph
    and preview-morph.js) and our plugin, which hands page reloads to the patcher."""

    def get(self) -> None:
        try:
            generation = int(self.get_argument("generation", "0"))
        except ValueError:
            generation = 0
        self.set_header("Cache-Control", "no-store")
        self.write(patch_scripts())
        self.write(plugin_script(generation))
        super().get()


class ReloadSocket(LiveReloadHandler, GuardedHandler):
    """livereload's WebSocket, refusing other Hosts and Origins, and reloading exactly the pages that changed."""

    state: PreviewState
    watcher = Watcher()  # livereload's reload_waiters logs its watcher's file path: give it an idle one
    live_css = True

    def check_origin(self, origin: str) -> bool:
        allowed = self.policy.allows_origin(origin)
        if not allowed:
            logger.warning("refused a live-reload connection from a page of %s", origin)
        return allowed

    def on_message(self, message) -> None:
        """livereload's handshake, plus: remember the page, and reload it if it missed a build while loading."""
        super().on_message(message)
        command = escape.json_decode(message)
        if command.get("command") != "info" or "url" not in command:
            return
        self.page_path = _page_of(command["url"])
        plugin = (command.get("plugins") or {}).get(PLUGIN_ID) or {}
        if plugin.get("generation") != self.state.snapshot.generation:
            self.send_message(_reload_message(PATCH_PAGE))

    @classmethod
    def reload_changed(cls, old: Snapshot, new: Snapshot) -> None:
        """Reload the open pages that the new build changes; restyle for a stylesheet-only change."""
        if not cls.waiters:
            return
        if (old.overlay is None) != (new.overlay is None) or old.overlay != new.overlay:
            cls.reload_waiters(PATCH_PAGE)  # the overlay appears, changes or goes: on every page
            return
        changed = {path for path in old.files.keys() | new.files.keys() if old.files.get(path) != new.files.get(path)}
        if not changed:
            return
        pages = {path for path in changed if path.endswith(".html")}
        stylesheets = {path for path in changed if path.endswith(".css")}
        if any(path.lower().endswith(LOADED_BY_PAGES) and not path.startswith(SEARCH_INDEX) for path in changed):
            # a script, a picture, a chart: any page may use it, so reload them all
            cls.reload_waiters(RELOAD_WHOLE_PAGE)  # not "*": a patch would keep the old scripts and pictures
            return
        for waiter in cls.waiters.copy():
            page = getattr(waiter, "page_path", None)
            if page is None or page in pages or (page not in new.files and "404.html" in pages):
                waiter.send_message(_reload_message(PATCH_PAGE))
            elif stylesheets:
                waiter.send_message(_reload_message(sorted(stylesheets)[0]))  # livereload.js restyles in place


# livereload's reload messages, by path: "*" the page changed (our plugin patches it in place, or reloads it when a
# patch cannot apply: preview-morph.js); a stylesheet's path, livereload.js restyles the page; any other path that
# is neither a stylesheet nor a picture, livereload.js reloads the page (our plugin declines it).
PATCH_PAGE = "*"
RELOAD_WHOLE_PAGE = "*/reload"
# What a page loads besides stylesheets (served under the same names from build to build, so a patched page would
# keep the old ones). Any other file that changes (the search index, which changes with nearly every edit; data
# downloads; feeds) changes no page as shown.
LOADED_BY_PAGES = (".js", ".mjs", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".woff",
                   ".woff2", ".ttf", ".otf")
# The search index's folder (render/layout.py FOLDERS), scripts included: it changes with nearly every edit
# (search_refresh.py), and the search page loads it when a reader searches, not when the page is shown.
SEARCH_INDEX = "pagefind/"


def _find(snapshot: Snapshot, path: str) -> tuple[int, str, bytes | None]:
    """Status, file and bytes for a site path: the file; else the site's 404 page for a page's address."""
    if path in snapshot.files:
        return 200, path, snapshot.files[path]
    if not snapshot.files:  # no build has succeeded yet: every page shows the problems
        return 503, "index.html", b""
    if path.endswith(".html") or "." not in path.rsplit("/", 1)[-1]:
        return 404, "404.html", snapshot.files.get("404.html", b"<!doctype html><title>Not found</title>")
    return 404, path, None


def _reload_message(path: str) -> dict:
    """livereload's reload command; the path is site-relative (livereload itself sends absolute file paths)."""
    return {"command": "reload", "path": path, "liveCSS": True, "liveImg": True}


def _page_of(url: str) -> str | None:
    """The built file a page's address shows."""
    try:
        return site_path(urlsplit(url).path or "/")
    except Refused:
        return None


def make_application(state: PreviewState, policy: AccessPolicy) -> web.Application:
    """The routes: livereload's client and socket, then the site for every other path."""
    for handler in (SiteHandler, ReloadScript, ReloadSocket):
        handler.policy = policy
    SiteHandler.state = ReloadSocket.state = state
    return web.Application([
        (r"/livereload", ReloadSocket),
        (r"/livereload\.js", ReloadScript),
        (r"/.*", SiteHandler),
    ])
