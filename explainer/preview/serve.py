"""`python build.py serve`: build the site, serve it from memory, rebuild on every change and reload the pages.

    watcher thread   SourceWatcher: native file events wake it; a scan says what changed (source_watch.py)
    rebuild thread   Rebuilder: the same pipeline.build() as `python build.py`, with a cache (rebuild.py);
                     what it keeps is kept out of Python's full collections while edits come (garbage.py)
    event loop       tornado: the site from memory and livereload's socket; publish() swaps in a build and
                     patches in place (or reloads) the pages it changed (server.py, preview-morph.js)

What livereload 2.7.1 could not do, and what this does instead (see server.py and source_watch.py):
it polls every 800 ms and ignores changes for 3 s after a reload (here: native events, a 5–50 ms debounce, and
reloads sent the moment a build is published); it has no Host check and accepts any Origin (here: both
checked); it serves files from disk (here: from memory, only the built site); its script would be injected
into any HTML (here: only in served pages, never in `python build.py` output).

The site is served from memory: site/ (or --out) is not written; `python build.py` publishes. The browser
shows every problem of a failed build; the terminal only those new since the previous build (ProblemLog).
"""
from __future__ import annotations

import asyncio
import logging
import signal
import sys
import threading
from pathlib import Path

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from ..site_folder.inputs import PROJECT
from .access import AccessPolicy
from .garbage import Collector
from .server import PreviewState, make_application
from .rebuild import Outcome, ProblemLog, Rebuilder
from .search_refresh import SearchRefresh
from .source_watch import SourceWatcher

logger = logging.getLogger("explainer.preview.serve")
EXIT_OK, EXIT_USAGE = 0, 2
MOST_RETRIES = 5  # rebuilds in a row whose files changed again during the build, before one is shown anyway


def serve(root: Path, out: Path, host: str = "127.0.0.1", port: int = 8000, strict: bool = False) -> int:
    """Serve the site at root until interrupted (Ctrl+C or SIGTERM). Returns the exit code."""
    _configure_logging()
    try:
        sockets = bind_sockets(port, address=host)
    except OSError as error:
        print(f"cannot listen on {host}:{port}: {error.strerror or error}. Choose another port with --port.",
              file=sys.stderr)
        return EXIT_USAGE
    policy = AccessPolicy(host, sockets[0].getsockname()[1])
    if not policy.is_loopback_only:
        print(f"warning: serving on {host}, not only on this machine: anyone who can reach it on port "
              f"{policy.port} can read the preview, drafts included. Omit --host to serve on 127.0.0.1 only.",
              file=sys.stderr, flush=True)
    # Ctrl+C before the event loop's own handler is in place (_run) is kept for it: interrupting asyncio while it
    # makes its loop printed a traceback from the half-made loop.
    stop_requested = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop_requested.set())
    try:
        return asyncio.run(_run(root, strict, sockets, policy, stop_requested))
    except KeyboardInterrupt:  # where the platform has no signal handlers for the event loop
        logger.info("Stopped.")
        return EXIT_OK
    finally:
        signal.signal(signal.SIGINT, previous)


async def _run(root: Path, strict: bool, sockets, policy: AccessPolicy, stop_requested: threading.Event) -> int:
    loop = asyncio.get_running_loop()
    state = PreviewState(root, strict)
    server = HTTPServer(make_application(state, policy))
    server.add_sockets(sockets)
    watcher = SourceWatcher(root, PROJECT)
    watcher.start()
    stopping = asyncio.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signal_number, stopping.set)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C raises KeyboardInterrupt instead
            if signal_number == signal.SIGINT:
                signal.signal(signal.SIGINT, signal.default_int_handler)
    if stop_requested.is_set():  # Ctrl+C came while the loop was being made
        stopping.set()
    shown_host = f"[{policy.host}]" if ":" in policy.host else policy.host
    logger.info("serving http://%s:%d/ from memory (site/ is not written; `python build.py` publishes). "
                "Ctrl+C stops.", shown_host if policy.host not in ("0.0.0.0", "::") else "127.0.0.1", policy.port)
    rebuilder = Rebuilder(root, strict)

    def deliver(built: dict[str, bytes], index: dict[str, bytes]) -> None:  # in the search thread
        rebuilder.search_files = index
        loop.call_soon_threadsafe(state.add_files, built, index)

    search = SearchRefresh(root, deliver)
    rebuilds = threading.Thread(target=_rebuild_forever, name="rebuild", daemon=True,
                                args=(watcher, rebuilder, state, loop, root, ProblemLog(), search))
    rebuilds.start()
    await stopping.wait()
    server.stop()  # first, so that the port is free at once; stopping the watcher's threads can take a second
    watcher.stop()
    logger.info("Stopped.")  # as `python build.py` says it
    return EXIT_OK


def _rebuild_forever(watcher: SourceWatcher, rebuilder: Rebuilder, state: PreviewState, loop, root: Path,
                     log: ProblemLog, search: SearchRefresh) -> None:
    """The rebuild thread: the first build, then one rebuild per burst of changes, for ever; the search index of
    the last good build follows in its own thread once the edits pause."""
    collector = Collector()  # garbage.py: no full collection walks what the rebuilds keep while edits come
    outcome = rebuilder.rebuild(None)
    _publish(outcome, state, loop, root, "first build", log, rebuilder.strict, search)
    collector.after_rebuild()
    while True:
        try:
            changes = watcher.wait_for_changes(collector.idle_timeout())
            if not changes:  # the edits paused
                collector.idle()
                continue
            described = changes
            with search.rebuilding():  # the index waits for the edits to pause: it would slow this rebuild down
                outcome = rebuilder.rebuild(changes)
            for _ in range(MOST_RETRIES):  # files changed during the build: build again, show only the last
                later = watcher.check(everything=False)
                if not later:
                    break
                described = described.merge(later)
                with search.rebuilding():
                    outcome = rebuilder.rebuild(later)
            _publish(outcome, state, loop, root, described.describe(root, PROJECT) if described else "rebuild", log,
                     rebuilder.strict, search)
            collector.after_rebuild()
        except BaseException:  # the watcher or the publishing failed (even by SystemExit): log, serve, watch on
            logger.exception("the preview could not rebuild; it keeps serving the last build")


def _publish(outcome: Outcome, state: PreviewState, loop, root: Path, what: str, log: ProblemLog,
             strict: bool, search: SearchRefresh) -> None:
    # An asset linked from outside assets/ is a build problem (site_folder/inputs.py): it never reaches these files.
    loop.call_soon_threadsafe(state.publish, outcome.files, outcome.problems)
    if outcome.files is not None:
        search.index(outcome.files)
    new, unchanged, fixed = log.compare(outcome.problems)  # the terminal shows what changed, the browser all
    changes = [f"{len(new)} new (below)" if new and (unchanged or fixed) else "",
               f"{unchanged} as before (not repeated)" if unchanged else "", f"{fixed} fixed" if fixed else ""]
    changed = ", ".join(filter(None, changes))
    logger.info("%s → %s", what, outcome.summary + (f"; problems: {changed}" if changed else ""))
    for problem in new:
        print(problem.format(relative_to=root, strict=strict), file=sys.stderr, flush=True)


def _configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    # livereload logs every connection and reload at INFO; tornado logs each request: the one line per rebuild
    # above says what matters.
    logging.getLogger("livereload").setLevel(logging.WARNING)
    logging.getLogger("tornado.access").setLevel(logging.ERROR)
