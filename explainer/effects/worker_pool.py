"""The build's one pool: how work is spread over the machine's cores, whichever stage asks.

- map_in_workers: a function mapped over many items in worker processes, in order (pure Python work: the
  pages' Markdown). Only where there is enough work to pay for the workers (each costs about a tenth of a second to
  start, plus whatever its initializer sends it), on a machine with more than one core; otherwise, and
  whenever a pool cannot be used (no fork server, a worker that died), the caller does the work itself and
  gets None here.
- background_workers(): worker processes for work handed over piece by piece while the caller goes on (the
  output gate's scans of the pages the templates have made), started by the first piece handed over.
- threads(): one thread pool for work that waits on another process (Pagefind's; the chart pictures where
  charts/renderers.py cannot start its renderer processes: vl-convert holds Python's lock for each call).
- process_context(): the one way a process is started (the pool's workers, the chart renderers, the chart worker of
  charts/isolation.py): from the fork server (never a plain fork: the preview has threads), so the function
  and the initializer must be importable module-level functions, and what they take must pickle. The fork
  server is one per program, configured here only.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator, Sequence
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import forkserver, resource_tracker

CHUNKS_PER_WORKER = 4  # items go out in a few chunks per worker, so a slow chunk does not hold up the others
MOST_WORKERS = 8
MOST_THREADS = 4  # vl-convert renders a picture per thread; more than four gained nothing here
# What every process needs, imported once by the fork server (charts need Altair; the chart stage is the
# first to start a process in a build, so a Markdown worker forks from a server that has it already).
PRELOADED = ["explainer.charts", "altair"]
_threads: ThreadPoolExecutor | None = None
_threads_lock = threading.Lock()


def worker_count() -> int:
    return min(os.cpu_count() or 1, MOST_WORKERS)


def map_in_workers(function: Callable, items: Sequence, minimum: int, initializer: Callable | None = None,
                   initargs: tuple = ()) -> list | None:
    """[function(item) for item in items] computed in worker processes; None when not worth it or not possible."""
    if not workers_pay(len(items), minimum):
        return None
    workers = worker_count()
    context = process_context()
    chunk = max(1, -(-len(items) // (workers * CHUNKS_PER_WORKER)))
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_leave_with_the_build,
                                 initargs=(os.getpid(), initializer, initargs)) as pool:
            return list(pool.map(function, items, chunksize=chunk))
    except (BrokenProcessPool, OSError, EOFError):  # a worker died or could not start: slower, never wrong
        return None


WATCH_SECONDS = 0.5  # how often a worker looks whether the build that started it is still there


def _leave_with_the_build(build: int, initializer: Callable | None = None, initargs: tuple = ()) -> None:
    """A pool worker's start: it leaves as soon as the build that started it has gone, then runs the caller's
    initializer. A build killed outright (SIGTERM to its process alone, as an IDE's stop button sends: its default
    action runs no clean-up) never tells its workers, which would wait for work for ever, children of the fork
    server rather than of the build."""
    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            try:
                os.kill(build, 0)
            except (ProcessLookupError, PermissionError):  # PermissionError: another user's process has its id
                os._exit(0)

    threading.Thread(target=watch, name="leave-with-the-build", daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def has_fork_server() -> bool:
    """Whether processes start from a fork server here (Linux, macOS); the pools need one (process_context)."""
    return "forkserver" in multiprocessing.get_all_start_methods()


def workers_pay(items: int, minimum: int) -> bool:
    """Whether map_in_workers, given this many items and this minimum, computes them in worker processes."""
    return items >= minimum and worker_count() >= 2 and has_fork_server()


class BackgroundWorkers:
    """Worker processes for pieces of work handed over one at a time (submit) while the caller goes on with its
    own, started by the first piece: a build that hands over nothing starts none. submit() answers None where
    processes cannot help (one core, no fork server, a pool that broke or could not start) or would cost more than
    they give: while this program has started no process, the fork server would have to start first, which
    imports PRELOADED while the caller waits (0.3 s: a fact edit's scans take 0.05). The caller then does that
    piece itself."""

    def __init__(self, count: int):
        self._count = count
        self._pool: ProcessPoolExecutor | None = None
        self._usable = count >= 1 and has_fork_server()

    def submit(self, function: Callable, *arguments) -> Future | None:
        if not self._usable or not _processes_started:
            return None
        try:
            with deaf_to_ctrl_c():  # a process may start here: it never sees a terminal's Ctrl+C
                if self._pool is None:
                    self._pool = ProcessPoolExecutor(self._count, mp_context=process_context(),
                                                     initializer=_leave_with_the_build, initargs=(os.getpid(),))
                return self._pool.submit(function, *arguments)
        except (BrokenProcessPool, OSError, RuntimeError):
            self._usable = False
            return None

    def hand_over(self, function: Callable, *arguments) -> Handed:
        """function(*arguments), handed to a worker where one takes it (submit), and worked out by whoever asks
        Handed.result() where none does, or where the worker died."""
        return Handed(function, arguments, self.submit(function, *arguments))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class Handed:
    """A piece of work handed to background workers (BackgroundWorkers.hand_over): result() is function(*arguments),
    the worker's answer, or worked out on the calling thread where no worker took the piece (taken is False) or
    the worker died: slower, never wrong."""

    def __init__(self, function: Callable, arguments: tuple, future: Future | None):
        self._function, self._arguments, self._future = function, arguments, future

    @property
    def taken(self) -> bool:
        return self._future is not None

    def done(self) -> bool:
        return self._future is None or self._future.done()

    def take_back(self) -> bool:
        """Take the piece back if no worker has started it: result() then works it out on the calling thread."""
        if self._future is not None and self._future.cancel():
            self._future = None
            return True
        return False

    def result(self):
        if self._future is not None:
            try:
                return self._future.result()
            except Exception:  # noqa: BLE001 -- a dead worker (BrokenProcessPool), a pool shut: worked out here
                pass
        return self._function(*self._arguments)


@contextlib.contextmanager
def background_workers() -> Iterator[BackgroundWorkers]:
    """Workers for the block (BackgroundWorkers), ended with it: one fewer than the cores, since the caller keeps
    working on one of them; none on one core."""
    workers = BackgroundWorkers(worker_count() - 1 if worker_count() >= 2 else 0)
    try:
        yield workers
    finally:
        workers.close()


def start_processes_early() -> None:
    """Start the fork server now, for a build that will start processes (a first build of many pages, or of
    charts), so that what it imports for every process (Altair: 0.3 s) is imported while the build reads its
    inputs, rather than while the first stage that needs a process waits for it."""
    if has_fork_server():
        process_context()  # sets what the server imports
        with deaf_to_ctrl_c():  # the server, and every process it forks, never sees a terminal's Ctrl+C
            forkserver.ensure_running()  # starts it and returns: the server imports on its own


@contextlib.contextmanager
def deaf_to_ctrl_c() -> Iterator[None]:
    """Ctrl+C held back from this thread while a process starts, so that the processes it starts (the fork
    server, which imports Altair for a second or more, and the worker) inherit the mask and never see it: a
    terminal's Ctrl+C reaches every process of the group, and each printed a traceback. The build itself is
    interrupted as soon as the mask is lifted, and close() ends the worker."""
    # The fork server starts multiprocessing's resource tracker first, which lifts the mask after starting it
    # (multiprocessing/resource_tracker.py): started before the mask is set, it leaves the mask alone.
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks (and no fork server)
        yield
        return
    resource_tracker.ensure_running()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


_processes_started = False  # whether process_context() was asked for, so that the fork server runs or is starting


def process_context() -> multiprocessing.context.BaseContext:
    """How every process of the build starts: "forkserver" where the system has it, "spawn" elsewhere."""
    global _processes_started
    _processes_started = True
    if has_fork_server():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOADED)
        return context
    return multiprocessing.get_context("spawn")


def threads() -> ThreadPoolExecutor:
    """The build's thread pool, made when first needed and kept for the program's life."""
    global _threads
    with _threads_lock:
        if _threads is None:
            _threads = ThreadPoolExecutor(max_workers=max(2, min(os.cpu_count() or 1, MOST_THREADS)),
                                          thread_name_prefix="build")
        return _threads
