"""The preview serves each build at once and its search index when ready (explainer/preview/search_refresh.py):
the index follows an edit, is never lost between builds, and its arrival reloads no page."""
from __future__ import annotations

import json
import threading
import time

import pytest
from serve_support import copy_site, edit, start_server

from conftest import stop


@pytest.fixture
def preview(tmp_path):
    server = start_server(copy_site(tmp_path), tmp_path / "serve.log")
    yield server
    stop(server.process)


def index_entry(server) -> dict | None:
    status, body, _ = server.request("/pagefind/pagefind-entry.json")
    return json.loads(body) if status == 200 else None


def test_the_index_is_served_after_the_first_build_and_follows_an_edit(preview):
    preview.wait_until(lambda: index_entry(preview) is not None, "the first search index")
    status, _, _ = preview.request("/pagefind/pagefind.js")
    assert status == 200
    first = index_entry(preview)
    edit(preview.root / "content" / "index.md", "defectors live in the South.",
         "defectors live in the South. Zanzibarish is a word no other page has.")
    preview.wait_until(lambda: "content/index.md changed" in preview.log(), "the rebuild")
    # Served at once with the old index, then with the new one, whose page hashes differ.
    preview.wait_until(lambda: index_entry(preview) not in (None, first), "the new search index")
    assert preview.request("/pagefind/pagefind.js")[0] == 200
    assert "search index:" not in preview.log()


def test_the_index_is_added_to_the_build_it_was_made_from_without_a_reload(monkeypatch, tmp_path):
    from explainer.preview import server

    reloads = []
    monkeypatch.setattr(server.ReloadSocket, "reload_changed", classmethod(lambda cls, old, new: reloads.append(new)))
    state = server.PreviewState(tmp_path, strict=False)
    built = {"index.html": b"<p>one</p>"}
    state.publish(built, ())
    assert len(reloads) == 1
    state.add_files(built, {"pagefind/pagefind.js": b"//"})
    assert state.snapshot.files == {**built, "pagefind/pagefind.js": b"//"} and len(reloads) == 1
    newer = {"index.html": b"<p>two</p>"}
    state.publish(newer, ())
    state.add_files(built, {"pagefind/pagefind.js": b"// old"})  # made from a build no longer served: dropped
    assert state.snapshot.files == newer


def test_the_index_waits_until_no_rebuild_has_run_for_a_while(monkeypatch, tmp_path):
    """Made beside a rebuild, the index would slow it down: it waits for the edits to pause, then indexes only
    the newest build."""
    from explainer.preview import search_refresh

    indexed, delivered = [], threading.Event()
    monkeypatch.setattr(search_refresh, "search_index",
                        lambda files, root, niceness, may_go_on: indexed.append(files) or (FakeIndex(), []))
    refresh = search_refresh.SearchRefresh(tmp_path, lambda files, index: delivered.set(), quiet=1.0)
    first = {"index.html": b"<p>one</p>"}
    refresh.index(first)
    assert delivered.wait(10) and indexed == [first]  # nothing was rebuilding: at once
    delivered.clear()
    newest = {}
    for number in range(8):  # a save every 0.05 s: a rebuild runs, then its build is served
        with refresh.rebuilding():
            newest = {"index.html": f"<p>{number}</p>".encode()}
        refresh.index(newest)
        time.sleep(0.05)
        assert len(indexed) == 1, "indexed while the edits went on"
    assert delivered.wait(10) and indexed == [first, newest]


def test_the_pause_before_the_index_counts_from_the_end_of_a_long_rebuild(monkeypatch, tmp_path):
    """A rebuild longer than the pause (a template edit of a thousand pages) does not leave an index due the moment
    it ends: the index would run beside the next edit's rebuild."""
    from explainer.preview import search_refresh

    indexed = []
    monkeypatch.setattr(search_refresh, "search_index",
                        lambda files, root, niceness, may_go_on: indexed.append(files) or (FakeIndex(), []))
    refresh = search_refresh.SearchRefresh(tmp_path, lambda files, index: None, quiet=0.5)
    with refresh.rebuilding():
        time.sleep(0.8)  # longer than the pause
    built = {"index.html": b"<p>one</p>"}
    ended = time.monotonic()
    refresh.index(built)
    while not indexed and time.monotonic() < ended + 10:
        time.sleep(0.01)
    assert indexed == [built] and time.monotonic() - ended >= 0.45


class FakeIndex:
    files = {"pagefind/pagefind-entry.json": b"{}"}


def test_an_index_under_way_waits_while_a_rebuild_runs(tmp_path):
    """What the index does in Python (reading each page, starting each shard's Pagefind) waits for the rebuild to
    end (SearchRefresh.rebuilding), and then gives the index it would have given."""
    from explainer.publish import search

    files = {f"chapter-{number}.html": f'<!doctype html><html lang="en"><body><main><h1>Chapter {number}</h1>'
             f"<p>words {number}</p></main></body></html>".encode() for number in range(40)}
    alone, _ = search.search_index(files, tmp_path / "alone")
    may_go_on, reads = WatchedEvent(), []  # cleared: a rebuild runs
    may_go_on.waited = lambda: reads.append(time.monotonic())

    runs = []

    def run(binary, pages, niceness):
        runs.append(len(pages))
        return search.run_pagefind(binary, pages, niceness)

    made = {}
    indexing = threading.Thread(target=lambda: made.update(
        result=search.search_index(files, tmp_path / "paused", may_go_on=may_go_on, run=run)))
    indexing.start()
    deadline = time.monotonic() + 30
    while not reads and time.monotonic() < deadline:  # it comes to its first page
        time.sleep(0.01)
    time.sleep(0.3)
    assert indexing.is_alive() and len(reads) == 1 and runs == []  # and is held there
    may_go_on.set()
    indexing.join(60)
    index, problems = made["result"]
    assert problems == [] and index.files == alone.files and runs


class WatchedEvent(threading.Event):
    """An event that tells when someone waits for it while it is clear."""

    waited = staticmethod(lambda: None)

    def wait(self, timeout=None):
        if not self.is_set():
            self.waited()
        return super().wait(timeout)


def test_a_rebuild_that_starts_while_shards_are_indexed_holds_back_the_next_shard(tmp_path):
    """Between shards too: once a rebuild starts, no further Pagefind run starts, in this thread or the pool's, until
    it ends; the index is then the one it would have been."""
    from explainer.publish import search

    files = {f"chapter-{number}.html": f'<!doctype html><html lang="en"><body><main><h1>Chapter {number}</h1>'
             f"<p>words {number}</p></main></body></html>".encode() for number in range(40)}
    alone, _ = search.search_index(files, tmp_path / "alone", pages_per_shard=10)
    may_go_on, started, rebuild = threading.Event(), [], {}
    may_go_on.set()

    def run(binary, pages, niceness):
        started.append(time.monotonic())
        if len(started) == 1:  # the editor saves as the first shard is indexed; the rebuild takes half a second
            rebuild["start"] = time.monotonic()
            may_go_on.clear()
            threading.Timer(0.5, lambda: rebuild.update(end=time.monotonic()) or may_go_on.set()).start()
        return search.run_pagefind(binary, pages, niceness)

    index, problems = search.search_index(files, tmp_path / "paused", pages_per_shard=10, may_go_on=may_go_on,
                                          run=run)
    assert problems == [] and index.files == alone.files
    assert len(started) == 5  # the four shards and the vocabulary
    # A lane that had taken its shard an instant before the rebuild started may start it; none starts later.
    during = [at for at in started[1:] if rebuild["start"] + 0.02 < at < rebuild["end"]]
    assert during == [], "a Pagefind run started while the rebuild ran"
