"""`python build.py` keeps what it made in .cache/build/ (explainer/incremental/build_cache.py) and makes again only what
changed; whatever changed, the site it writes is byte for byte the one a build without the cache writes."""
from __future__ import annotations

import io
import json
import pickle
import shutil
from pathlib import Path

import pytest

from conftest import PROJECT, SITES
from explainer.incremental import kept_pickle
from explainer.incremental.disk_store import DiskCache
from explainer.prose import markdown_pool
from explainer.cli import main


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "tiny"
    shutil.copytree(SITES / "tiny", root, ignore=shutil.ignore_patterns(".cache"))  # builds in place leave one
    # Its own copy of the project's templates, so a template edit stays in this test.
    shutil.copytree(PROJECT / "templates", root / "templates")
    return root


@pytest.fixture
def converted(monkeypatch) -> list[int]:
    """How many pages' Markdown each build converted."""
    counts: list[int] = []
    real = markdown_pool.convert_all

    def counting(bodies, *arguments):
        counts.append(len(bodies))
        return real(bodies, *arguments)

    monkeypatch.setattr("explainer.prose.markdown_pool.convert_all", counting)  # what convert_pages calls
    return counts


def files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def cached_and_cold(root: Path, tmp_path: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "cached")]) == 0
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "cold"), "--no-cache"]) == 0
    return files(tmp_path / "cached"), files(tmp_path / "cold")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unchanged_site_converts_no_markdown_and_writes_the_same_bytes(site, tmp_path, converted):
    cached, cold = cached_and_cold(site, tmp_path)
    assert cached == cold
    assert converted == [2, 2]  # the first build, and the one with --no-cache
    cached_again, _ = cached_and_cold(site, tmp_path)
    assert converted[2] == 0 and cached_again == cold
    assert (site / ".cache" / "build" / "build-cache.pickle").is_file()


@pytest.mark.parametrize("change", ["markdown", "front matter", "fact", "source", "template", "settings"])
def test_after_any_change_the_cached_build_equals_a_build_without_the_cache(site, tmp_path, converted, change):
    cached_and_cold(site, tmp_path)
    if change == "markdown":
        edit(site / "content" / "elite.md", "\n\n", "\n\nA new paragraph of prose.\n\n")
    elif change == "front matter":
        edit(site / "content" / "elite.md", "title: ", "title: Renamed ")
    elif change == "fact":
        facts = site / "data" / "facts" / "main.json"
        data = json.loads(facts.read_text(encoding="utf-8"))
        data["facts"][0]["label"] += " (relabelled)"
        facts.write_text(json.dumps(data, indent=2), encoding="utf-8")
    elif change == "source":
        edit(site / "data" / "sources" / "gazette.json", '"accessed": "2026-11-22"', '"accessed": "2026-12-02"')
    elif change == "template":
        edit(site / "templates" / "page.html", "<article", "<p class=\"banner\">A new banner</p>\n<article")
    else:
        edit(site / "site.json", '"title": "', '"title": "Renamed ')
    cached, cold = cached_and_cold(site, tmp_path)
    assert cached == cold, change
    if change == "markdown":
        assert converted[2] == 1  # only the edited page


def test_a_damaged_cache_file_means_a_full_build_never_a_wrong_page(site, tmp_path, converted):
    cached_and_cold(site, tmp_path)
    kept = site / ".cache" / "build" / "build-cache.pickle"
    for damage in (b"", kept.read_bytes()[:-40], kept.read_bytes().replace(b"build-cache", b"build-cachf", 1)):
        kept.write_bytes(damage)
        cached, cold = cached_and_cold(site, tmp_path)
        assert cached == cold
    assert converted[-2] == 2  # the damaged file was not used


def test_the_fact_store_is_read_back_while_data_is_unchanged_and_loaded_again_after_a_data_edit(site, tmp_path,
                                                                                               monkeypatch):
    """A build in a new process takes the fact store as the last build loaded it (BuildCache.kept_on_disk) rather
    than parsing and validating data/ again; an edit to data/ loads it again, and the site is the clean build's."""
    from explainer.store import loading

    assert main(["build", "--root", str(site), "--out", str(tmp_path / "first")]) == 0
    parsed: list[Path] = []
    real = loading._parse

    def counting(path, *arguments, **named):
        parsed.append(path)
        return real(path, *arguments, **named)

    monkeypatch.setattr(loading, "_parse", counting)
    edit(site / "content" / "elite.md", "\n\n", "\n\nA new paragraph of prose.\n\n")
    assert main(["build", "--root", str(site), "--out", str(tmp_path / "cached")]) == 0
    assert parsed == []
    edit(site / "data" / "sources" / "gazette.json", '"accessed": "2026-11-22"', '"accessed": "2026-12-02"')
    cached, cold = cached_and_cold(site, tmp_path)
    assert parsed and cached == cold


def test_check_reads_the_cache_but_writes_none(site, tmp_path):
    assert main(["check", "--root", str(site)]) == 0
    assert not (site / ".cache" / "build").exists()


# --- the kept file streamed to and from the store (incremental/disk_store.py: put_written, open) --------------

def test_an_entry_written_as_it_is_made_reads_back_whole_and_a_damaged_one_not_at_all(tmp_path):
    store = DiskCache(tmp_path / "build")
    value = {"pages": ["a" * 70_000, "b"], "n": 3}  # larger than one pickle frame

    def write(file) -> None:
        file.write(b"header\n\n")
        pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
    store.put_written("kept.pickle", write)
    whole = store.get("kept.pickle")
    assert whole[:8] == b"header\n\n" and pickle.loads(whole[8:]) == value
    opened = store.open("kept.pickle")
    assert opened.read(8) == b"header\n\n" and pickle.load(opened) == value
    path = tmp_path / "build" / "kept.pickle"
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 1
    path.write_bytes(bytes(damaged))
    assert store.get("kept.pickle") is None and store.open("kept.pickle") is None


def test_a_tuple_kept_in_parts_reads_back_equal_and_a_crafted_part_is_refused(tmp_path):
    """kept_pickle.dump_tuple writes each dict in parts, each pickled with a fresh memo (so the pickler never
    remembers every object of a large build at once); load_tuple gives back equal values, an object shared across
    parts included, and refuses a part that names anything but plain data, as load does."""
    shared = ("fact:arrivals", "label")  # the same object in every entry: each part writes it once
    entries = {f"page-{number}": {shared: number, "text": "x" * number} for number in range(3 * kept_pickle.PART_ITEMS + 5)}
    kept = (entries, {}, [1, 2], ("parts", 1), {"one": Path("a")})  # a value that looks like a header, too
    file = io.BytesIO()
    kept_pickle.dump_tuple(kept, file)
    file.seek(0)
    read = kept_pickle.load_tuple(file)
    assert read == kept and list(read[0]) == list(entries)  # equal, in the same order
    assert file.read() == b""  # nothing after it left unread
    parts = file.getvalue()
    assert parts.count(b"fact:arrivals") == 4  # once per part of the first dict, not once per entry

    planted = io.BytesIO()
    pickle.dump(1, planted)
    pickle.dump(1, planted)  # one part
    pickle.dump([("page", Planted())], planted)
    planted.seek(0)
    with pytest.raises(kept_pickle.Refused):
        kept_pickle.load_tuple(planted)


class Planted:
    """What a crafted cache file could name to run code as it is read."""

    def __reduce__(self):
        return (print, ("this must never run",))


def test_an_entry_whose_writer_fails_leaves_no_file_behind(tmp_path):
    store = DiskCache(tmp_path / "build")

    def failing(file) -> None:
        file.write(b"half of it")
        raise ValueError("cannot pickle this")
    with pytest.raises(ValueError):
        store.put_written("kept.pickle", failing)
    assert sorted(path.name for path in (tmp_path / "build").iterdir()) == []
