"""The search index in shards (explainer/publish/search_shards.py, search.py): which shard holds a page, that an
edit indexes only its shard again (Pagefind's runs counted through the function that runs it), the layout of
the shards in the site, the same bytes from two builds, and a broken Pagefind failing once. The results in a
browser, merged against one index of the same pages: tests/test_search_shards_browser.py."""
from __future__ import annotations

import gzip
import json
import threading
import time
from concurrent.futures import Future
from types import SimpleNamespace

import pytest

from explainer.effects.worker_pool import threads, worker_count
from pool_support import CountedWorkers
from explainer.publish import search
from explainer.publish.search_shards import shard_count, shard_of, split

FRAGMENT_HEADER = b"pagefind_dcd"
PER_SHARD = 4  # pages per shard in these tests: 30 pages are 8 shards


def page(title: str, words: str, language: str = "en") -> bytes:
    return (f'<!doctype html><html lang="{language}"><head><title>{title}</title></head>'
            f"<body><main><h1>{title}</h1><p>{words}</p></main></body></html>").encode("utf-8")


def site(pages: int = 30) -> dict[str, bytes]:
    """A site's files: pages, one of them the home page, and files that are not searched."""
    files = {f"chapter-{number:02d}.html": page(f"Chapter {number}", f"chapter{number} common words here")
             for number in range(1, pages)}
    files["index.html"] = page("Home", "welcome common words")
    files["404.html"] = page("Not found", "nothing")  # not searched
    files["assets/style.css"] = b"body {}"
    return files


class CountedRuns:
    """search_index's run: Pagefind itself, with the pages of every run kept: the shards' (runs) and the
    vocabulary's (vocabulary: its pages are named <shard>/<language>.html)."""

    def __init__(self):
        self.runs: list[set[str]] = []
        self.vocabulary: list[set[str]] = []
        self._lock = threading.Lock()

    def __call__(self, binary, pages, niceness):
        with self._lock:
            vocabulary = all(path.split("/")[0].isdigit() for path in pages)
            (self.vocabulary if vocabulary else self.runs).append(set(pages))
        return search.run_pagefind(binary, pages, niceness)

    def clear(self):
        self.runs.clear()
        self.vocabulary.clear()


def records(files: dict[str, bytes], folder: str = "pagefind/") -> dict[str, dict]:
    """The page records under one shard's folder (or every shard's, with folder="pagefind/"), by URL."""
    found = {}
    for path, data in files.items():
        if path.startswith(folder) and "/fragment/" in path and not path.startswith("pagefind/vocabulary/"):
            unpacked = gzip.decompress(data)
            record = json.loads(unpacked[len(FRAGMENT_HEADER):])
            found[record["url"]] = record
    return found


def test_the_number_of_shards_grows_in_powers_of_two_of_about_50_to_100_pages():
    assert [shard_count(pages) for pages in (0, 1, 12, 100, 101, 200, 201, 1003, 4000)] == [1, 1, 1, 1, 2, 2, 4, 16, 64]
    assert shard_count(30, PER_SHARD) == 8
    for pages in range(101, 5000, 97):
        assert 50 < pages / shard_count(pages) <= 100


def test_a_page_s_shard_depends_on_its_path_only_and_its_translations_share_it():
    assert shard_of("index.html", 16) == shard_of("ko/index.html", 16) == 0  # every language in the primary
    assert shard_of("chapter-07.html", 16) == shard_of("ko/chapter-07.html", 16) == shard_of("pt-BR/chapter-07.html", 16)
    assert shard_of("chapter-07.html", 1) == 0
    # Other pages, added or removed, move no page: the shards are the same, less or plus the page.
    pages = {path: b"" for path in site()}
    fewer = {path: b"" for path in list(pages)[5:]}
    before = {path: number for number, shard in split(pages, PER_SHARD).items() for path in shard}
    after = {path: number for number, shard in split(fewer, PER_SHARD).items() for path in shard}
    assert after == {path: before[path] for path in fewer}
    assert len(set(before.values())) > 4  # the test's pages are spread over several shards


@pytest.mark.parametrize("number, shard", [(9, 6), (7, 0)])  # a shard of its own, and the primary
def test_an_edit_indexes_only_the_shard_of_the_edited_page_again(tmp_path, number, shard):
    name = f"chapter-{number:02d}.html"
    assert shard_of(name, shard_count(30, PER_SHARD)) == shard
    files = site()
    counted = CountedRuns()
    first, problems = search.search_index(files, tmp_path, pages_per_shard=PER_SHARD, run=counted)
    assert problems == [] and first.pages == 30 and first.shards == len(counted.runs) > 4
    assert first.indexed == first.shards + 1 and len(counted.vocabulary) == 1  # and the vocabulary, once
    assert sorted(path for run in counted.runs for path in run) == sorted(filter(search.searchable, files))
    counted.clear()
    again, _ = search.search_index(files, tmp_path, pages_per_shard=PER_SHARD, run=counted)
    assert counted.runs == counted.vocabulary == [] and again.cached and again.files == first.files

    edited = {**files, name: page(f"Chapter {number}", f"chapter{number} common words zanzibarish")}
    changed, problems = search.search_index(edited, tmp_path, pages_per_shard=PER_SHARD, run=counted)
    [run] = counted.runs
    assert problems == [] and name in run and changed.indexed == 2 and not changed.cached
    [vocabulary] = counted.vocabulary  # a new word: the vocabulary, with a page per shard, is indexed again
    assert len(vocabulary) == first.shards
    assert run == set(split({path: b"" for path in files if search.searchable(path)}, PER_SHARD)[shard])
    folder = "pagefind/" if shard == 0 else f"pagefind/shards/{shard}/"
    assert "zanzibarish" in records(changed.files, folder)[f"/{name}"]["content"]
    # Only that shard's files (and the vocabulary's, which shards.json names) changed; the others are the same bytes.
    differing = {path for path in first.files.keys() | changed.files.keys()
                 if first.files.get(path) != changed.files.get(path)
                 and not path.startswith(("pagefind/vocabulary/", "pagefind/shards.json"))}
    inside = [path.startswith(folder) and not (shard == 0 and path.startswith("pagefind/shards/"))
              for path in differing]
    assert differing and all(inside), differing

    # A page that is not searched changes no shard.
    counted.clear()
    search.search_index({**edited, "404.html": b"changed"}, tmp_path, pages_per_shard=PER_SHARD, run=counted)
    assert counted.runs == counted.vocabulary == []


def test_the_primary_carries_the_runtime_and_the_manifest_lists_the_others_with_their_languages(tmp_path):
    files = site()
    files["ko/index.html"] = page("홈", "환영합니다", "ko")
    files["ko/chapter-12.html"] = page("장 12", "탈북민 이야기", "ko")
    index, problems = search.search_index(files, tmp_path, pages_per_shard=PER_SHARD)
    assert problems == []
    manifest = json.loads(index.files["pagefind/shards.json"])
    folders = {path.split("/")[2] for path in index.files if path.startswith("pagefind/shards/")}
    assert sorted(entry["path"] for entry in manifest["shards"]) == sorted(f"shards/{k}/" for k in folders)
    assert sorted(entry["shard"] for entry in manifest["shards"]) == sorted(folders)
    assert len(folders) == index.shards - 1 > 3 and manifest["primary"] == "0"
    # The vocabulary: a page per shard and language (two shards have Korean pages), each named with its shard.
    assert sorted(set(manifest["vocabulary"]["pages"].values())) == sorted(["0", *folders])
    assert manifest["vocabulary"]["path"] == "vocabulary/" and len(manifest["vocabulary"]["pages"]) == index.shards + 2 and "pagefind/vocabulary/pagefind-entry.json" in index.files
    korean = shard_of("ko/chapter-12.html", shard_count(32, PER_SHARD))
    assert korean == shard_of("chapter-12.html", 8) == 4  # with its English page, not in the primary
    for entry in manifest["shards"]:
        assert entry["languages"] == (["en", "ko"] if entry["path"] == f"shards/{korean}/" else ["en"])
    entry = json.loads(index.files["pagefind/pagefind-entry.json"])
    assert sorted(entry["languages"]) == ["en", "ko"]  # the primary holds every language, with its WebAssembly
    assert {"pagefind/pagefind.js", "pagefind/pagefind-worker.js", "pagefind/wasm.en.pagefind",
            "pagefind/wasm.unknown.pagefind"} <= set(index.files)
    # The others hold their index only: the primary's script and WebAssembly search them.
    assert not [path for path in index.files if path.startswith(("pagefind/shards/", "pagefind/vocabulary/"))
                and not path.endswith((".json", ".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter"))]
    # Every page is in exactly one shard, with the record one index of all pages gives it.
    single, _ = search.search_index(files, tmp_path / "single", pages_per_shard=1000)
    assert single.shards == 1 and json.loads(single.files["pagefind/shards.json"]) == {"primary": "0", "shards": []}
    per_shard = [records(index.files, "pagefind/fragment/")] + [records(index.files, f"pagefind/shards/{k}/")
                                                                for k in folders]
    assert sum(len(found) for found in per_shard) == len(records(single.files)) == 32
    assert records(index.files) == records(single.files)


def test_two_builds_of_the_same_pages_give_the_same_bytes(tmp_path):
    files = site()
    first, _ = search.search_index(files, tmp_path / "one", pages_per_shard=PER_SHARD)
    second, _ = search.search_index(dict(reversed(files.items())), tmp_path / "two", pages_per_shard=PER_SHARD)
    assert first.indexed == second.indexed == first.shards + 1 > 5 and first.files == second.files


def test_a_broken_pagefind_fails_once_and_starts_no_further_shard(tmp_path):
    runs = []

    def broken(binary, pages, niceness):
        runs.append(pages)
        raise search.PagefindFailed(binary, "it stopped after 0 of 3 answers")

    index, problems = search.search_index(site(), tmp_path, pages_per_shard=PER_SHARD, run=broken)
    assert index.files == {} and len(problems) == 1 and "it stopped after 0 of 3 answers" in problems[0].message
    assert 1 <= len(runs) <= worker_count()  # the runs already started when the first failed, no more


def test_a_busy_pool_does_not_hold_the_index_up(tmp_path):
    """The calling thread indexes every shard itself when no pool thread is free (no deadlock)."""
    release = threading.Event()
    blockers = [threads().submit(release.wait, 60) for _ in range(8)]
    try:
        counted = CountedRuns()
        index, problems = search.search_index(site(), tmp_path, pages_per_shard=PER_SHARD, run=counted)
        assert problems == [] and index.indexed == len(counted.runs) + 1 == index.shards + 1 > 5
    finally:
        release.set()
        for blocker in blockers:
            blocker.result()


@pytest.mark.parametrize("listing", [
    {"pagefind/index/x.pf_index": "0" * 64},  # the format of before the shards: made again
    {"pagefind-entry.json": "0" * 64, "pagefind.js": "0" * 64},  # of before the packs: made again
    {"shared": {}, "packed": {"pagefind-entry.json": [0, 1], "../../escape": [0, 1]}, "pack": "0" * 64},
])
def test_a_foreign_listing_in_the_cache_is_indexed_again(tmp_path, listing):
    cache = search.DiskCache(search.cache_folder(tmp_path) / "search")
    assert search._restore(cache, "key") is None
    cache.put("0" * 64, b"x")
    cache.put("key.json", json.dumps(listing).encode())
    assert search._restore(cache, "key") is None



class RunsWithPriority(CountedRuns):
    """CountedRuns, also keeping each shard run's niceness: the runs started early are the lower priority ones."""

    def __init__(self, broken: bool = False):
        super().__init__()
        self.niceness: list[int] = []
        self.broken = broken

    def __call__(self, binary, pages, niceness):
        if not all(path.split("/")[0].isdigit() for path in pages):
            self.niceness.append(niceness)
        if self.broken:
            raise search.PagefindFailed(binary, "it stopped after 0 of 3 answers")
        return super().__call__(binary, pages, niceness)


def handed_over(files: dict[str, bytes], root, expected, started=None) -> search.SearchPages:
    """The pages as a build hands them over (SearchPages), having said which it expects, shard by shard, from a
    thread of their own; started: how many runs have started, to wait for after each shard's pages, as a build
    making pages at its own pace would."""
    pages = search.SearchPages(root)
    pages.expect(expected)

    def hand_over():
        ordered = sorted(files, key=lambda path: (pages.shard_expected(path), path))
        for number, path in enumerate(ordered):
            pages.add(path, files[path])
            last_of_shard = number + 1 == len(ordered) or \
                pages.shard_expected(ordered[number + 1]) != pages.shard_expected(path)
            shards_so_far = len({pages.shard_expected(done) for done in ordered[:number + 1]})
            deadline = time.monotonic() + 10
            while last_of_shard and started is not None and started() < shards_so_far and time.monotonic() < deadline:
                time.sleep(0.005)
        pages.close()

    threading.Thread(target=hand_over, daemon=True).start()
    return pages


@pytest.mark.parametrize("expected", ["right", "one missing, one more"])
def test_shards_indexed_as_their_pages_come_make_the_index_of_the_finished_pages(tmp_path, expected):
    """A build that says which pages it will make has each shard indexed as soon as its last page comes (at a lower
    priority); the index is the same bytes as that of the finished pages, and a wrong expectation only costs the
    early runs of the shards it got wrong."""
    files = site(250)  # four shards of the default size
    whole, _ = search.search_index(files, tmp_path / "whole")
    assert whole.shards == 4
    # A page expected that never comes holds its shard back; an unexpected one ("chapter-99.html" is not in the
    # site: "index.html" is) moves nothing else.
    planned = sorted(files) if expected == "right" else [*sorted(files)[:-1], "chapter-999.html"]
    counted = RunsWithPriority()
    # Right, each shard's pages come once its run has started (a wrong expectation has a shard that never starts).
    started = (lambda: len(counted.niceness)) if expected == "right" else None
    early, problems = search.search_index(handed_over(files, tmp_path / "early", planned, started),
                                          tmp_path / "early", run=counted)
    assert problems == [] and early.files == whole.files and early.indexed == whole.indexed
    if expected == "right":
        assert counted.niceness == [search.EARLY_NICENESS] * 4
    else:  # chapter-999.html's shard waited for the end (and index.html's, if indexed early without it, again)
        assert counted.niceness.count(0) >= 1


def test_an_early_shard_s_files_wait_in_the_store_and_one_the_store_lost_is_indexed_again(tmp_path, monkeypatch):
    """An early run keeps its shard's files in the store and holds none in memory (17 MB at 4,000 pages); they are
    read back when the index is put together. A shard whose files the store no longer gives is indexed again, and
    the index is still the finished pages' own."""
    files = site(250)
    whole, _ = search.search_index(files, tmp_path / "whole")
    given_back: list = []
    real_index = search._EarlyShards._index

    def index(shards, key, paths):
        given_back.append(real_index(shards, key, paths))
        return given_back[-1]
    monkeypatch.setattr(search._EarlyShards, "_index", index)
    real_restore, lost = search._restore, set()

    def restore(cache, key):  # the first shard read back finds its files gone
        if given_back and not lost and cache.get(f"{key}.json") is not None:
            lost.add(key)
            return None
        return real_restore(cache, key)
    monkeypatch.setattr(search, "_restore", restore)
    counted = RunsWithPriority()
    early, problems = search.search_index(handed_over(files, tmp_path / "early", sorted(files),
                                                      lambda: len(counted.niceness)), tmp_path / "early", run=counted)
    assert problems == [] and early.files == whole.files
    assert len(given_back) == 4 and all(files is search.KEPT_IN_STORE for files in given_back)  # none held
    assert len(lost) == 1 and counted.niceness == [search.EARLY_NICENESS] * 4 + [0]  # the lost one indexed again


def test_shards_left_out_after_a_failed_run_fail_the_index_rather_than_vanish(tmp_path):
    """After a Pagefind run fails, no further shard is started, and each shard left out fails with that run's
    failure: one whose early files the store has lost since, one never started early, and one waiting in a lane.
    None is missing from the index without a problem that says why."""
    failure = search.PagefindFailed(tmp_path / "pagefind", "it stopped after 0 of 3 answers")
    kept_then_lost = Future()
    kept_then_lost.set_result(search.KEPT_IN_STORE)  # its files went to the store, which no longer has them
    early = {0: search._EarlyOutcome(SimpleNamespace(failed=failure), kept_then_lost)}

    def no_run(*shards):
        raise AssertionError("no run starts after a failure")
    made, _, problems = search._made(search.DiskCache(tmp_path / "store"), {0: "0" * 64, 1: "1" * 64},
                                     lambda numbers: {number: {} for number in numbers}, no_run, early)
    assert made == {} and [problem.message for problem in problems] == [
        "Pagefind could not make the search index: it stopped after 0 of 3 answers"]
    left = search._index_shards({2: {}, 3: {}}, tmp_path / "pagefind", 0, run=no_run, stopped=lambda: failure)
    assert left == {2: failure, 3: failure}


def test_a_broken_pagefind_fails_once_even_when_shards_start_early(tmp_path):
    files = site(250)
    broken = RunsWithPriority(broken=True)
    index, problems = search.search_index(handed_over(files, tmp_path, sorted(files)), tmp_path, run=broken)
    assert index.files == {} and len(problems) == 1 and "it stopped after 0 of 3 answers" in problems[0].message
    # The runs already started when the first failed (one early, the others' lanes), no more.
    assert 1 <= len(broken.niceness) <= 1 + worker_count()


@pytest.mark.parametrize("workers", ["the pool's", "dying"])
def test_pages_read_by_background_workers_make_the_same_index(tmp_path, workers):
    """A first build hands its pages to background workers to be read (search.reduced_pages), a batch at a time;
    the index is the same bytes, and so are the read hashes the next build starts from."""
    from explainer.effects.worker_pool import background_workers, start_processes_early

    files = site(150)
    whole, _ = search.search_index(files, tmp_path / "whole")
    start_processes_early()  # as a first build of many pages does
    with background_workers() as pool:
        helpers = CountedWorkers(pool, dying=workers == "dying")
        pages = search.SearchPages(tmp_path / "workers", helpers)
        for path in sorted(files):
            pages.add(path, files[path])
        pages.close()
        index, problems = search.search_index(pages, tmp_path / "workers")
    assert problems == [] and index.files == whole.files
    again = search.SearchPages.of(files, tmp_path / "whole")
    again.read_all()
    assert pages.read == again.read
    assert helpers.submitted == 3  # two whole batches and the rest (when dying, each read here instead)


def test_an_early_run_that_fails_late_starts_no_further_shard(tmp_path):
    """A Pagefind that hangs fails each run after its time limit. Once an early run has failed, no further shard
    starts, even on the pool thread it leaves free: the build fails about one limit after its first run started,
    not two."""
    limit = 2.0  # each run "times out" after this
    lock = threading.Lock()
    started: list[float] = []

    def hanging(binary, pages, niceness):
        with lock:
            started.append(time.monotonic())
        time.sleep(limit)
        raise search.PagefindFailed(binary, "it took more than 120 s")

    files = site(250)
    index, problems = search.search_index(handed_over(files, tmp_path, sorted(files)), tmp_path, run=hanging)
    ended = time.monotonic()
    assert index.files == {} and len(problems) == 1 and "it took more than 120 s" in problems[0].message
    assert ended - min(started) < 1.75 * limit, f"{ended - min(started):.2f} s: a run started after a failure"
