"""Running the chart modules in a worker process, so that no chart can stop, hang or crash the build.

A chart module is code from a colleague: it may raise anything (SystemExit, KeyboardInterrupt), call
os._exit(), crash the interpreter, loop for ever or print. Each of these becomes a Problem at the module's
line (line 1 when the line is unknown: a crash or a timeout), and the build goes on with the other charts.

One worker serves all the charts of a build; it starts when the first chart must run (a build whose charts
all come from the preview's cache starts none) and is replaced only after a chart killed it or ran out of time.
The worker does the whole per-chart work (run the module, check its cites, make the spec), and sends back
plain data: the ChartModule without its Altair chart (the spec replaces it), and the problems.

The worker starts as every process of the build does (worker_pool.process_context: from a fork server that has
already imported Altair, cheap and safe although the preview has threads; never plain "fork").
"""
from __future__ import annotations

import dataclasses
import io
import os
import signal
import sys
import tempfile
import warnings
from pathlib import Path

from ..errors import Problem
from ..effects.worker_pool import deaf_to_ctrl_c, process_context
from ..store.facts import FactStore

DEFAULT_TIMEOUT = 20.0  # seconds per chart; site.json "chart_timeout" changes it
class ChartWorker:
    """prepare() runs one chart in the worker; close() ends the worker. Used by one thread."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT):
        self.timeout = timeout
        self._process = None
        self._connection = None
        self._store_sent: FactStore | None = None
        self.started = 0  # processes started, for tests and measurements

    def prepare(self, name: str, path: Path, store: FactStore, themes: dict[str, dict], default_language: str = ""):
        """(ChartModule without its chart, spec) or None, the problems, and what the run read of the store
        (prepared_cache.Reads; None when the run did not finish); never raises for the chart's sake."""
        try:
            self._ensure_running(store)
            self._connection.send(("chart", name, path, themes, default_language))
        except (OSError, EOFError, BrokenPipeError):
            return None, [self._ended(path)], None
        if not self._connection.poll(self.timeout):
            self.close()
            return None, [Problem(path, 1, 1, f'the chart "{name}" did not finish within {self.timeout:g} s and '
                                  "was stopped (an endless loop, or too much work): make chart() faster, or raise "
                                  '"chart_timeout" (seconds) in site.json.')], None
        try:
            return self._connection.recv()
        except (OSError, EOFError):
            return None, [self._ended(path, name)], None

    def close(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            self._connection.close()
        self._process = self._connection = self._store_sent = None

    def _ensure_running(self, store: FactStore) -> None:
        if self._process is None:
            parent, child = process_context().Pipe()
            process = process_context().Process(target=_serve, args=(child,), name="chart-worker", daemon=True)
            try:
                with deaf_to_ctrl_c():
                    process.start()
            except BaseException:  # Ctrl+C while it started: nothing to stop or join later
                parent.close()
                raise
            finally:
                child.close()
            self._process, self._connection = process, parent
            self.started += 1
        if self._store_sent is not store:  # the store goes once per worker, not once per chart
            self._connection.send(("store", store))
            self._store_sent = store

    def _ended(self, path: Path, name: str = "") -> Problem:
        """The worker died while running the chart: say how, and start a new one for the next chart."""
        process = self._process
        if process is not None:
            process.join(5)
        code = process.exitcode if process is not None else None
        self.close()
        what = f'the chart "{name}"' if name else "the chart"
        if code is not None and code < 0:
            try:
                how = signal.Signals(-code).name
            except ValueError:
                how = f"signal {-code}"
            return Problem(path, 1, 1, f"{what} crashed the process that runs it ({how}) before returning: "
                           "look for ctypes, a native library or a kill in the module, and run it alone "
                           "(python -c 'import runpy; runpy.run_path(...)') to find the line.")
        return Problem(path, 1, 1, f"{what} ended the process that runs it (exit code {code}, e.g. os._exit()) "
                       "before returning: chart() must return a ChartDefinition; remove the exit.")


def _serve(connection) -> None:
    """The worker's loop: receive the store, then charts, and answer each with plain data."""
    from . import _prepare  # the package is imported already where the fork server preloaded it

    store = None
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if message[0] == "store":
            store = message[1]
            continue
        _, name, path, themes, default_language = message
        try:
            answer = _run_captured(lambda: _prepare(name, path, store, themes, default_language), path)
        except BaseException as error:  # noqa: BLE001 — whatever escaped is the chart's problem, not the worker's end
            answer = None, [Problem(path, 1, 1, f"while making the chart: {type(error).__name__}: {error}")], None
        try:
            connection.send(answer)
        except (BrokenPipeError, EOFError, ConnectionError):
            return  # the build that asked is gone (stopped or killed): end quietly
        except BaseException as error:  # noqa: BLE001 — something in the answer would not pickle
            try:
                connection.send((None, [Problem(path, 1, 1, f"the chart's result cannot be sent back: {error}")], None))
            except (BrokenPipeError, EOFError, ConnectionError, OSError):
                return


def _run_captured(prepare, path: Path):
    """prepare() with its output caught, at the Python level and the file-descriptor level (native code,
    subprocesses): any output is an error at the line that wrote it, since nobody would see it."""
    capture = _Capture(str(path))
    saved = sys.stdout, sys.stderr
    with tempfile.TemporaryFile() as native, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Altair's deprecation notes are not the module's output
        descriptors = [os.dup(1), os.dup(2)]
        for fd in (1, 2):
            os.dup2(native.fileno(), fd)
        sys.stdout = sys.stderr = capture
        try:
            prepared, problems, reads = prepare()
        finally:
            sys.stdout, sys.stderr = saved
            for fd, saved_fd in zip((1, 2), descriptors):
                os.dup2(saved_fd, fd)
                os.close(saved_fd)
        native.seek(0)
        written = capture.text.getvalue() + native.read().decode("utf-8", "replace")
    if prepared is not None:
        module, spec = prepared
        plain = dataclasses.replace(module.definition, chart=None)  # an Altair object; the spec replaces it
        prepared = dataclasses.replace(module, definition=plain), spec
    if written.strip():
        shown = " ".join(written.split())
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        problems = [*problems, Problem(path, capture.line or 1, 1, f'the chart module wrote "{shown}" to the '
                                       "terminal, where no reader sees it: remove the print() (to report a "
                                       "problem, raise an exception with a message).")]
        prepared = None
    return prepared, problems, reads


class _Capture(io.TextIOBase):
    """sys.stdout and sys.stderr while a chart runs: keeps the text and the module's line that first wrote."""

    def __init__(self, filename: str):
        self.text = io.StringIO()
        self.filename = filename
        self.line = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text and not self.line:
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_filename != self.filename:
                frame = frame.f_back
            self.line = frame.f_lineno if frame is not None else 0
        return self.text.write(text)
