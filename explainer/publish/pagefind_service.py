"""Pagefind's service: one run of the pagefind-bin package's binary, `pagefind --service`, indexing the pages of
one search shard (publish/search.py decides which, and keeps what it makes).

It speaks the protocol Pagefind's own Python and Node wrappers use (base64 JSON messages, each ending in ","),
sending every page at once and reading the answers as they come: 0.2 s for the project's site. The Python wrapper
(PyPI `pagefind`) sleeps 0.1 s before reading each answer: 1.2 s for the same pages. A program that answers
anything else (garbage, no end of it, nothing, or never reads its input) is stopped, with every process it
started, and the run fails with PagefindFailed naming why, within TIMEOUT.
"""
from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import selectors
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from .search_pages import EXCLUDED

# Pagefind is given each page as search_pages.search_page makes it, the EXCLUDED elements emptied; it still
# leaves them out, and so whatever a page has that search_page left whole.
SETTINGS = {"exclude_selectors": list(EXCLUDED),
            # Results link to arrivals.html and index.html as written: the site also works from a folder
            # without a server's index.html rule.
            "keep_index_url": True}
TIMEOUT = 120  # seconds; the project's site takes a tenth of one


def pagefind_binary() -> Path:
    """The Pagefind executable that pagefind-bin installs (raises FileNotFoundError or ImportError)."""
    import pagefind_bin

    return pagefind_bin.get_executable()


class PagefindFailed(Exception):
    def __init__(self, path: Path, message: str):
        super().__init__(message)
        self.path, self.message = path, message


def run_pagefind(binary: Path, pages: dict[str, bytes], niceness: int = 0) -> dict[str, bytes]:
    """Every page of a shard to one Pagefind service, all requests at once; the files the site will serve, by
    Pagefind's names. Whatever the program answers (nothing, garbage, no end of it), it is stopped within
    TIMEOUT seconds."""
    requests = [{"type": "NewIndex", "config": SETTINGS}]
    requests += [{"type": "AddFile", "index_id": 0, "file_path": None, "url": f"/{path}",
                  "file_contents": html.decode("utf-8")} for path, html in pages.items()]
    requests.append({"type": "GetFiles", "index_id": 0})
    message = b"".join(base64.b64encode(json.dumps({"message_id": number, "payload": payload}).encode("utf-8"))
                       + b"," for number, payload in enumerate(requests))
    unreadable = PagefindFailed(binary, "it answered in a form this build does not read: install the version "
                                "requirements.txt pins with python -m pip install -r requirements.txt.")
    # The service answers in order; it leaves at the end of its input, so that stays open until the last answer.
    with tempfile.TemporaryFile() as errors:
        try:
            # A session of its own: a program that started others (a wrapper script) is stopped with all of them.
            process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=errors, start_new_session=True)
        except OSError as error:
            raise PagefindFailed(binary, f"it did not start ({error.strerror or error}): reinstall it with "
                                 "python -m pip install -r requirements.txt.") from None
        if niceness:  # set at once, while it starts: the threads it makes later inherit it
            with contextlib.suppress(OSError, AttributeError):  # lowering a child's priority may not be allowed
                os.setpriority(os.PRIO_PROCESS, process.pid, os.getpriority(os.PRIO_PROCESS, 0) + niceness)
        answers = _Answers(limit=_ANSWER_ROOM + 4 * len(message))
        finished = False
        try:
            timed_out = not _exchange(process, message, answers, len(requests), time.monotonic() + TIMEOUT)
            finished = len(answers.read) >= len(requests)
        except ValueError:  # not base64 JSON: not the service this module was written for
            raise unreadable from None
        finally:
            _stop(process, finished)
        if not finished:
            errors.seek(0)
            said = errors.read().decode("utf-8", errors="replace").strip().splitlines()
            why = (f"it took more than {TIMEOUT} s" if timed_out else
                   f"it stopped after {len(answers.read)} of {len(requests)} answers"
                   + (f" and said: {said[-1]}" if said else ""))
            raise PagefindFailed(binary, f"{why}. Reinstall it with python -m pip install -r requirements.txt, "
                                 "or report this with the command python build.py --debug.")
    for request, answer in zip(requests, answers.read):
        payload = answer["payload"]
        if payload.get("type") == "Error":
            # A page it could not read is named by its built file, as the output gate names one.
            raise PagefindFailed(Path(request["url"][1:]) if request["type"] == "AddFile" else binary,
                                 " ".join(str(payload.get("message", "an error it did not name")).split()))
    try:
        return _published(answers.read[-1]["payload"]["files"])
    except (KeyError, TypeError, ValueError, AttributeError):  # JSON, but not the files of an index
        raise unreadable from None


# How long one answer may grow (base64 without its closing ","): the index files of a site are a fraction of its
# pages, which the request holds; past this, the program is writing no end of something else.
_ANSWER_ROOM = 64 << 20
_PROTOCOL_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=,"


class _Answers:
    """The service's answers as they arrive: base64 JSON objects, each ending in ",". Anything else raises
    ValueError at once, and so does an answer longer than limit bytes: garbage is never kept in memory."""

    def __init__(self, limit: int) -> None:
        self.read: list[dict] = []
        self._limit = limit
        self._pending = bytearray()  # the answer being received: only the new bytes are searched for its end

    def take(self, chunk: bytes) -> None:
        if chunk.translate(None, _PROTOCOL_BYTES):
            raise ValueError("bytes outside base64")
        *ends, rest = chunk.split(b",")
        for part in ends:
            self._pending += part
            if self._pending:
                answer = json.loads(base64.b64decode(bytes(self._pending), validate=True))
                if not isinstance(answer, dict) or not isinstance(answer.get("payload"), dict):
                    raise ValueError("not an answer of the service")
                self.read.append(answer)
            self._pending.clear()
        self._pending += rest
        if len(self._pending) > self._limit:
            raise ValueError("an answer with no end")


def _exchange(process: subprocess.Popen, message: bytes, answers: _Answers, expected: int, deadline: float) -> bool:
    """Writes the requests while reading the answers, in one loop that waits on both pipes (neither may fill up
    while the other waits, and no thread is left blocked on one), until every answer, the end of the answers or
    the deadline. False if the deadline came first."""
    to_write = memoryview(message)
    writing, reading = process.stdin.fileno(), process.stdout.fileno()
    os.set_blocking(writing, False)
    with selectors.DefaultSelector() as selector:
        selector.register(writing, selectors.EVENT_WRITE)
        selector.register(reading, selectors.EVENT_READ)
        while len(answers.read) < expected:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            for key, _ in selector.select(left):
                if key.fd == reading:
                    chunk = os.read(reading, 1 << 20)
                    if not chunk:
                        return True  # it closed its output: run_pagefind says after how many answers
                    answers.take(chunk)
                    continue
                try:
                    to_write = to_write[os.write(writing, to_write[:1 << 20]):]
                except BlockingIOError:
                    continue
                except BrokenPipeError:  # it stopped reading: what it answers, or its end, says why
                    to_write = to_write[:0]
                if not to_write:
                    selector.unregister(writing)
    return True


def _stop(process: subprocess.Popen, finished: bool) -> None:
    """The service leaves when its input ends: one that answered everything is given 5 s to; any other is
    killed at once, with every process it started."""
    if finished:
        with contextlib.suppress(OSError):
            process.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
    if not finished or process.poll() is None:
        with contextlib.suppress(OSError):  # its session: it and whatever it started, though it has left
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    for stream in (process.stdin, process.stdout):
        with contextlib.suppress(OSError):
            stream.close()


# Pagefind's own search interfaces (default, modular, component) and its highlighter: the site has its own.
KEPT = re.compile(r"pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|pagefind\.[\w-]+\.pf_meta"
                   r"|wasm\.[\w-]+\.pagefind|(index|fragment|filter)/[\w-]+\.pf_\w+")


def _published(answered: list[dict]) -> dict[str, bytes]:
    files = {item["path"]: base64.b64decode(item["content"]) for item in answered}
    entry = json.loads(files["pagefind-entry.json"])
    languages = entry["languages"]
    # Each language's WebAssembly carries its word stemmer; only the site's languages are loaded. A language
    # Pagefind has no stemmer for ("wasm": null, e.g. Korean) loads wasm.unknown.pagefind (pagefind.js).
    wasm = {f"wasm.{language['wasm'] or 'unknown'}.pagefind" for language in languages.values()}
    if len(languages) > 1:  # Pagefind lists a site's languages in no fixed order: sorted, two builds agree
        entry["languages"] = dict(sorted(languages.items()))
        files["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return {name: data for name, data in sorted(files.items())
            if KEPT.fullmatch(name) and (not name.startswith("wasm.") or name in wasm)}
