"""The build cache's values kept on disk as they are made (incremental/kept_values.py): read back whole or not at
all, packs that stay few, and builds that still equal a build without the cache."""
from __future__ import annotations

from pathlib import Path

import pytest

from explainer.cli import main
from explainer.incremental.disk_store import DiskCache, no_cache_writes
from explainer.incremental.kept_values import MOST_PACKS, Held, PackedValues, Stored
from explainer.site_folder.scaffold import write_starter


def packs(folder: Path) -> list[Path]:
    return sorted(folder.glob("values-*.pack"))


def test_values_read_back_in_the_same_build_and_after_the_pack_is_sealed(tmp_path):
    store = DiskCache(tmp_path / "build")
    values = PackedValues(store)
    page, urls = values.put(b"<p>caf\xc3\xa9</p>"), values.put(["a.html", ("b", 2)])
    assert isinstance(page, Stored) and not page.pickled and isinstance(urls, Stored) and urls.pickled
    assert values.get(page) == b"<p>caf\xc3\xa9</p>" and values.get(urls) == ["a.html", ("b", 2)]
    assert values.seal([page, urls]) == {}
    [pack] = packs(tmp_path / "build")
    assert store.get(pack.name) is not None  # framed and checked like every entry of the store
    later = PackedValues(store)
    assert later.open_packs([pack.name]) == set()
    assert later.get(urls) == ["a.html", ("b", 2)] and later.get(page) == b"<p>caf\xc3\xa9</p>"
    later.close()


@pytest.mark.parametrize("damage", ["cut", "flip", "gone"])
def test_a_damaged_pack_is_not_read_at_all(tmp_path, damage):
    store = DiskCache(tmp_path / "build")
    values = PackedValues(store)
    place = values.put({"html": "x" * 10_000})
    values.seal([place])
    [pack] = packs(tmp_path / "build")
    data = pack.read_bytes()
    if damage == "cut":
        pack.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        pack.write_bytes(data[:-5] + bytes([data[-5] ^ 1]) + data[-4:])
    else:
        pack.unlink()
    later = PackedValues(store)
    assert later.open_packs([pack.name]) == {pack.name}
    assert later.get(place) is None


def test_while_writes_are_off_values_are_held_and_nothing_is_written(tmp_path):
    values = PackedValues(DiskCache(tmp_path / "build"))
    with no_cache_writes():
        place = values.put(b"page")
    assert isinstance(place, Held) and values.get(place) == b"page"
    assert values.seal([place]) == {}
    assert not (tmp_path / "build").exists()


def test_an_abandoned_pack_leaves_nothing_behind(tmp_path):
    values = PackedValues(DiskCache(tmp_path / "build"))
    values.put(b"page")
    values.abandon()
    assert list((tmp_path / "build").iterdir()) == []
    dropped = PackedValues(DiskCache(tmp_path / "build"))
    dropped.put(b"page")
    del dropped  # a build that failed: its pack goes with it
    assert list((tmp_path / "build").iterdir()) == []


def test_live_values_of_a_mostly_dead_pack_move_to_the_new_one_and_the_old_is_removed(tmp_path):
    store = DiskCache(tmp_path / "build")
    first = PackedValues(store)
    places = [first.put(bytes([n]) * 1000) for n in range(10)]
    first.seal(places)
    [old] = packs(tmp_path / "build")
    second = PackedValues(store)
    new = second.put(b"new page")
    live = [places[0], new]  # nine of the ten values no entry names any more
    moved = second.seal(live)
    assert set(moved) == {places[0]} and moved[places[0]].pack != old.name
    live = [moved.get(place, place) for place in live]
    second.prune(live)
    assert old.name not in [pack.name for pack in packs(tmp_path / "build")]
    third = PackedValues(store)
    assert [third.get(place) for place in live] == [bytes([0]) * 1000, b"new page"]
    third.close()


# --- whole builds -------------------------------------------------------------------------------------------

def site_files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def test_many_edits_keep_few_packs_and_each_build_equals_one_without_the_cache(tmp_path):
    root = tmp_path / "site"
    assert write_starter(root) is None
    page = next(iter(sorted((root / "content").glob("*.md"))))
    for number in range(MOST_PACKS + 3):
        text = page.read_text(encoding="utf-8")
        page.write_text(text + f"\n\nEdit number {number}.\n", encoding="utf-8")
        assert main(["build", "--root", str(root), "--out", str(tmp_path / "cached")]) == 0
        assert len(packs(root / ".cache" / "build")) <= MOST_PACKS
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "cold"), "--no-cache"]) == 0
    assert site_files(tmp_path / "cached") == site_files(tmp_path / "cold")
