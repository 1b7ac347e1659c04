"""What the preview server adds to each HTML page it serves, and only there: never to `python build.py` output.

- In <head>: livereload's client (/livereload.js, served with a small livereload plugin in front that tells
  the server which build the page came from). The server compares it with its latest build when the page
  connects, and reloads a page that missed a rebuild while it was loading (livereload would leave it stale).
  The plugin also takes livereload's page reloads: the page is patched in place instead (preview_scripts.py),
  unless what it loads and runs changed (the script's data-resources).
- Before </body>, while the latest build fails: the problems as an overlay, `path:line:col: message` with
  the offending line, HTML-escaped. The page under it is the last good build.
"""
from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from ..errors import Problem

PLUGIN_ID = "explainer-preview"

# A script file, not inline: the site's Content-Security-Policy allows scripts from 'self' only. data-resources:
# what the page loads and runs (page_resources), which a patch in place must not change (preview-morph.js).
_HEAD = '<script src="/livereload.js?generation=%d" data-resources="%s" async></script>\n'
# The tags that load or govern a page's scripts and stylesheets. Read from the page as built, since the page's
# scripts add their own later (charts.js: the chart runtime), which a patch must not take for a change.
_RESOURCE_TAGS = re.compile(rb"<(?:script|link|base)\b[^>]*>|<meta\b[^>]*\bhttp-equiv\b[^>]*>", re.IGNORECASE)

# Put before livereload.js in the same file: livereload.js adds every window.LiveReloadPlugin* it finds when
# it starts, and sends each plugin's analyze() to the server when it connects.
_PLUGIN = """/* python build.py serve: live reload (never part of the built site) */
window.LiveReloadPluginExplainerPreview = (function () {
  function Plugin() {}
  Plugin.identifier = "%(plugin)s";
  Plugin.version = "1";
  // After a patch the page shows a later build than the one it loaded (preview-morph.js records which).
  Plugin.prototype.analyze = function () {
    return {generation: (window.explainerPreview && window.explainerPreview.generation) || %(generation)d};
  };
  // A page reload ("*"): patched in place (preview-morph.js), which reloads by itself when it cannot. A
  // stylesheet's path: livereload.js restyles the page.
  Plugin.prototype.reload = function (path) {
    return path === "*" && Boolean(window.explainerPreview) && window.explainerPreview.patch();
  };
  return Plugin;
})();
// The site's Content-Security-Policy refuses style attributes written in the page; styles set from a script
// file are allowed, so the overlay carries its styles as data and this applies them.
function explainerStyleOverlay() {
  document.querySelectorAll("[data-explainer-style]").forEach(function (element) {
    element.style.cssText = element.getAttribute("data-explainer-style");
  });
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", explainerStyleOverlay);
} else {
  explainerStyleOverlay();
}
document.addEventListener("click", function (event) {
  if (event.target.matches && event.target.matches("[data-explainer-hide]")) {
    event.target.closest("[role=alert]").remove();
  }
});
"""

_OVERLAY_STYLE = ("position:fixed;top:0;left:0;right:0;max-height:70vh;overflow:auto;z-index:2147483647;"
                  "margin:0;padding:1em 1.25em;background:#fff4f4;color:#1b1b1b;border-bottom:4px solid #b3001b;"
                  "box-shadow:0 2px 12px rgba(0,0,0,.3);font:15px/1.45 system-ui,sans-serif;text-align:left")
_PROBLEM_STYLE = ("margin:.5em 0;padding:.5em .75em;background:#fff;border-left:4px solid #b3001b;"
                  "white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.4 ui-monospace,monospace;color:#1b1b1b")


def head_scripts(generation: int, resources: str) -> bytes:
    return (_HEAD % (generation, resources)).encode("utf-8")


def page_resources(page: bytes) -> str:
    """A short fingerprint of a page's script, stylesheet, base and http-equiv tags: equal when a patch can apply."""
    return hashlib.sha256(b"\n".join(_RESOURCE_TAGS.findall(page))).hexdigest()[:16]


def plugin_script(generation: int) -> bytes:
    """The livereload plugin that reports which build the page came from (served with livereload.js)."""
    return (_PLUGIN % {"plugin": PLUGIN_ID, "generation": generation}).encode("utf-8")


def overlay(problems: tuple[Problem, ...], root: Path, strict: bool) -> bytes:
    """The problems of a failed build as a fixed panel over the page; each one escaped."""
    errors = [p for p in problems if p.stops_build(strict)] or list(problems)
    shown = [p for p in problems if p in errors or p.severity == "note"]  # a note: how many were held back
    items = "".join(f'<pre data-explainer-style="{_PROBLEM_STYLE}">'
                    f"{html.escape(p.format(relative_to=root, strict=strict))}</pre>" for p in shown)
    count = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
    return (f'<div id="explainer-preview-problems" role="alert" data-explainer-style="{_OVERLAY_STYLE}">'
            f'<p data-explainer-style="margin:0 0 .5em"><strong>The site does not build: {count}.</strong> '
            "This page is the last version that built. Fix the file and save: the page reloads by itself. "
            '<button type="button" data-explainer-hide>Hide</button></p>'
            f"{items}</div>\n").encode("utf-8")


def inject(page: bytes, generation: int, problems_overlay: bytes | None) -> bytes:
    """The page with the reload scripts in its head and, if given, the overlay at the end of its body."""
    scripts = head_scripts(generation, page_resources(page))
    page = page.replace(b"</head>", scripts + b"</head>", 1) if b"</head>" in page else scripts + page
    if problems_overlay:
        index = page.rfind(b"</body>")
        page = page[:index] + problems_overlay + page[index:] if index != -1 else page + problems_overlay
    return page


def placeholder_page(generation: int, problems_overlay: bytes | None) -> bytes:
    """Served in place of every page until a first build succeeds: the overlay, and a reload when fixed."""
    body = problems_overlay or "<p>Building the site…</p>".encode("utf-8")
    page = (b'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Preview: the site does not '
            b"build</title></head><body><main><h1>The site does not build yet</h1></main></body></html>\n")
    return inject(page, generation, body)
