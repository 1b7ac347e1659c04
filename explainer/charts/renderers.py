"""vl-convert's work (a chart's SVG, a card's PNG) done in processes of its own, so that pictures render on every
core while the build's own process goes on.

Why processes: vl-convert 1.9 holds Python's lock for the whole of each call and has one JavaScript engine per
process behind a lock of its own (vl-convert-python/src/lib.rs: no allow_threads), so threads in the build's process
rendered one picture after another and held up the build's own Python (keeping the charts' results waited on the
lock) while they did.

    start()                 the renderers, once per program: the chart stage calls it as the first chart module
                            runs, so each renderer starts its engine (about half a second) while that module does
    submit(function, item, when)
                            function(item) in a renderer when they run (else in the build's thread pool); when: NOW
                            for what the build waits for at once (a picture), LATER for what it collects only when
                            it makes the files (the chart cards, the runtime bundle). A free renderer takes the
                            first job that came of the most urgent kind, so that pictures never queue behind cards
    result(future, ...)     its value; what a renderer that died left undone is done in this process

The renderers live as long as the program (the preview's are warm from one rebuild to the next), started from the
fork server as every process of the build (worker_pool.process_context). Each takes one job at a time over a pipe
of its own, as the chart worker does (isolation.py), and ends when the program's end of it closes, however the
program ended (Ctrl+C ends the command with os._exit, cli.py: a process pool's workers outlived it, kept the fork
server and the terminal's pipes open, and left semaphores behind). Where they cannot be used (no fork server, one
core, every renderer dead) the work is done in this process: slower, never different, since a picture depends only
on its spec (svg.normalise_ids) and a card only on its SVG.
"""
from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

from ..effects.worker_pool import deaf_to_ctrl_c, has_fork_server, process_context, threads, worker_count

MOST_RENDERERS = 4  # each holds a JavaScript engine: about 0.5 s of CPU to start, 150 MB resident (much shared)
# When the build waits for a job (submit's when): the chart stage waits for its pictures before the pages can be made,
# and for the cards and the runtime only when the files are (charts.chart_files). On two cores the renderers are
# the build's busiest processes: a picture that waited behind a card held up the pages, and the next edition's charts.
NOW, LATER = 0, 1


class _Renderers:
    """The running renderers, and the jobs waiting for one: (when, order of coming, future, function, item)."""

    def __init__(self):
        self.jobs: queue.PriorityQueue = queue.PriorityQueue()
        self.coming = itertools.count()
        self.processes: list = []
        self.alive = 0


_running: _Renderers | None = None
_lock = threading.Lock()


def start() -> None:
    """Start the renderers unless they run (or cannot): one per core, each starting its engine at once."""
    global _running
    count = min(worker_count(), MOST_RENDERERS)
    if count < 2 or not has_fork_server():
        return  # on one core a renderer would only take turns with this process
    with _lock:
        if _running is not None:
            return
        renderers = _Renderers()
        # With Ctrl+C held back (worker_pool.deaf_to_ctrl_c), so that they never print a traceback on it.
        with deaf_to_ctrl_c():
            for _ in range(count):
                parent, child = process_context().Pipe()
                process = process_context().Process(target=_serve, args=(child,), name="renderer", daemon=True)
                try:
                    process.start()
                except OSError:
                    parent.close()
                    break
                finally:
                    child.close()
                renderers.processes.append(process)
                renderers.alive += 1
                threading.Thread(target=_feed, args=(renderers, parent), name="renderer", daemon=True).start()
        if renderers.alive:
            _running = renderers


def submit(function: Callable, item, when: int = NOW) -> Future:
    """function(item), in a renderer when they run, else in the build's thread pool; a renderer takes the jobs of
    when NOW before those of LATER, each kind in the order they came."""
    with _lock:
        if _running is not None:
            future: Future = Future()
            _running.jobs.put((when, next(_running.coming), future, function, item))
            return future
    return threads().submit(function, item)


def result(future: Future, function: Callable, item):
    """future's value; function(item) computed here if the renderer that had it died."""
    try:
        return future.result()
    except BrokenProcessPool:
        return function(item)


def _feed(renderers: _Renderers, connection) -> None:
    """Hand one renderer its jobs, one at a time, and settle each job's future with its answer."""
    while True:
        _, _, future, function, item = renderers.jobs.get()
        if not future.set_running_or_notify_cancel():
            continue
        try:
            connection.send((function, item))
            succeeded, value = connection.recv()
        except (OSError, EOFError):  # the renderer died (or could not take the job): this process does it
            future.set_exception(BrokenProcessPool("a renderer ended"))
            _lost(renderers)
            connection.close()
            return
        if succeeded:
            future.set_result(value)
        else:
            future.set_exception(value)


def _lost(renderers: _Renderers) -> None:
    """One renderer fewer: the others go on with the jobs; with none left, what waits and what comes is done in this
    process, and the next chart stage starts new renderers."""
    global _running
    with _lock:
        renderers.alive -= 1
        if renderers.alive == 0:
            if _running is renderers:
                _running = None
            while True:
                try:
                    _, _, future, _, _ = renderers.jobs.get_nowait()
                except queue.Empty:
                    break
                if future.set_running_or_notify_cancel():
                    future.set_exception(BrokenProcessPool("no renderer left"))


def _serve(connection) -> None:
    """A renderer: start vl-convert's JavaScript engine, which the first picture would wait for, then do each job
    sent, until the program's end of the pipe closes."""
    from .chart_font import engine

    try:
        engine().vegalite_to_svg({"mark": "point"})
    except Exception:  # noqa: BLE001 -- a picture's own call reports whatever is wrong with the renderer
        pass
    while True:
        try:
            function, item = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            answer = True, function(item)
        except Exception as error:  # noqa: BLE001 -- the caller's to handle, as if it had called function itself
            answer = False, error
        try:
            connection.send(answer)
        except (BrokenPipeError, EOFError, ConnectionError):
            return
        except Exception as error:  # noqa: BLE001 -- an answer that would not pickle
            connection.send((False, RuntimeError(f"{type(error).__name__}: {error}")))
