"""The build's one store (explainer/incremental/disk_store.py, ROOT/.cache/): every entry is framed and checked when read,
so an entry that is damaged, cut short or foreign is made again, never published; writes are atomic and what a
killed write leaves is removed by the next build; `check` changes nothing; the store and the output folder never
overlap; and a build record describes only the build that wrote the folder.

The sites are starters (`python build.py new`): one chart, a few pages, small enough to build many times."""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PROJECT
from explainer.incremental import disk_store as disk_cache
from explainer.publish import site_writer
from explainer.cli import main
from explainer.incremental.disk_store import DiskCache, STALE_SECONDS, no_cache_reads, no_cache_writes, remove_stale_temporaries
from explainer.site_folder.scaffold import write_starter

UNCHANGED = "(unchanged since the last build)"


# --- the framing ------------------------------------------------------------------------------------------

def test_an_entry_reads_back_whole_and_anything_else_reads_as_missing(tmp_path):
    store = DiskCache(tmp_path / "kind")
    store.put("entry", b"payload \x00 bytes")
    assert store.get("entry") == b"payload \x00 bytes"
    stored = (tmp_path / "kind" / "entry").read_bytes()
    assert stored.startswith(disk_cache.STORE_FORMAT + b" ")
    header, payload = stored.split(b"\n", 1)
    damaged = {
        "emptied": b"",
        "cut in half": stored[:len(stored) // 2],
        "cut by one byte": stored[:-1],
        "a byte changed": stored[:-3] + bytes([stored[-3] ^ 1]) + stored[-2:],
        "a byte added": stored + b"\n",
        "no header": payload,
        "another format": stored.replace(disk_cache.STORE_FORMAT, b"explainer-store-0", 1),
        "zeroed": bytes(len(stored)),
    }
    for how, data in damaged.items():
        (tmp_path / "kind" / "entry").write_bytes(data)
        assert store.get("entry") is None, how
    # Another entry's file under this name (or another kind's) is foreign: the hash covers the name.
    store.put("other", b"payload \x00 bytes")
    shutil.copy(tmp_path / "kind" / "other", tmp_path / "kind" / "entry")
    assert store.get("entry") is None
    (tmp_path / "elsewhere").mkdir()
    shutil.copy(tmp_path / "kind" / "other", tmp_path / "elsewhere" / "other")
    assert DiskCache(tmp_path / "elsewhere").get("other") is None
    store.put("entry", b"made again")  # the write replaces the damaged file
    assert store.get("entry") == b"made again"
    assert not [path for path in (tmp_path / "kind").iterdir() if path.name.startswith(".tmp-")]


def test_an_entry_crafted_without_the_key_reads_as_missing(tmp_path, monkeypatch):
    """A whole, well-framed entry made with another key (a CI cache restored from a fork, a .cache/ copied from
    elsewhere) is foreign: made again, never published."""
    store = DiskCache(tmp_path / "kind")
    real_key = disk_cache.store_key()
    monkeypatch.setattr(disk_cache, "store_key", lambda: b"k" * 32)
    store.put("picture.svg", b"<svg>crafted</svg>")
    assert store.get("picture.svg") == b"<svg>crafted</svg>"  # whole, under the key it was made with
    monkeypatch.setattr(disk_cache, "store_key", lambda: real_key)
    assert store.get("picture.svg") is None
    # The plain SHA-256 framing of the previous format does not pass either.
    payload = b"<svg>crafted</svg>"
    digest = hashlib.sha256(b"kind/picture.svg\x00" + payload).hexdigest().encode()
    (tmp_path / "kind" / "picture.svg").write_bytes(b"%s %s %d\n%s" % (disk_cache.STORE_FORMAT, digest,
                                                                      len(payload), payload))
    assert store.get("picture.svg") is None


def test_the_key_is_made_once_outside_the_site_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    disk_cache.store_key.cache_clear()
    try:
        key = disk_cache.store_key()
        assert (tmp_path / "home-cache" / "explainer" / "store-key").read_bytes() == key and len(key) == 32
        disk_cache.store_key.cache_clear()
        assert disk_cache.store_key() == key
    finally:
        monkeypatch.undo()
        disk_cache.store_key.cache_clear()


def test_check_writes_nothing_and_no_cache_reads_nothing(tmp_path):
    store = DiskCache(tmp_path / "kind")
    with no_cache_writes():
        store.put("entry", b"x")
        assert remove_stale_temporaries(tmp_path) == []
    assert not (tmp_path / "kind").exists()
    store.put("entry", b"x")
    with no_cache_reads():
        assert store.get("entry") is None
    assert store.get("entry") == b"x"


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_temporary_files_of_killed_writes_are_removed_and_live_ones_kept(tmp_path):
    root = tmp_path
    folder = disk_cache.cache_folder(root) / "charts"
    folder.mkdir(parents=True)
    dead = folder / f".tmp-{dead_pid()}-abc"
    mine = folder / f".tmp-{os.getpid()}-abc"  # another thread of this process may be writing it
    living = folder / ".tmp-1-abc"  # pid 1 is always running
    old_living = folder / ".tmp-1-old"
    unnamed_old = disk_cache.cache_folder(root) / ".tmp-old-style"
    entry = folder / "entry.svg"
    for path in (dead, mine, living, old_living, unnamed_old, entry):
        path.write_bytes(b"x" * 1000)
    past = time.time() - STALE_SECONDS - 60
    for path in (old_living, unnamed_old):
        os.utime(path, (past, past))
    removed = remove_stale_temporaries(root)
    assert sorted(removed) == sorted([dead, old_living, unnamed_old])
    assert mine.exists() and living.exists() and entry.exists()


KILLED_WRITER = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from explainer.incremental import disk_store as disk_cache

def stuck(source, target):  # the entry is written whole to its temporary file; the rename never comes
    print("written", flush=True)
    time.sleep(600)

disk_cache.os.replace = stuck
disk_cache.DiskCache(Path(sys.argv[2]) / ".cache" / "build").put("build-cache.pickle", os.urandom(2_000_000))
"""


def test_three_killed_saves_leave_nothing_after_the_next_build(tmp_path, starter_copy):
    root = starter_copy
    for _ in range(3):
        writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(PROJECT), str(root)],
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "written"
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
    left = list((root / ".cache" / "build").glob(".tmp-*"))
    assert len(left) == 3 and sum(path.stat().st_size for path in left) > 5_000_000
    assert main(["check", "--root", str(root)]) == 0
    assert len(list((root / ".cache" / "build").glob(".tmp-*"))) == 3  # check removes nothing: it writes nothing
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "out")]) == 0
    assert not list((root / ".cache").rglob(".tmp-*"))


# --- whole builds of a starter site --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def warm_starter(tmp_path_factory) -> Path:
    """A starter site, built once through the command line, so every kind of entry is in its .cache/."""
    root = tmp_path_factory.mktemp("warm") / "starter"
    assert write_starter(root) is None
    assert main(["build", "--root", str(root), "--out", str(root.parent / "first")]) == 0
    return root


@pytest.fixture
def starter_copy(warm_starter, tmp_path) -> Path:
    root = tmp_path / "starter"
    shutil.copytree(warm_starter, root)
    return root


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def entries(root: Path) -> list[Path]:
    return sorted(path for path in (root / ".cache").rglob("*") if path.is_file() and path.parent != root / ".cache")


def clean_build(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """What a build that uses nothing the store keeps writes (its own record aside, it writes the store too:
    so it runs on a copy, leaving the store under test as it is)."""
    copy = tmp_path / "clean-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".cache"))
    out = tmp_path / "clean"
    assert main(["build", "--root", str(copy), "--out", str(out), "--no-cache"]) == 0
    return tree(out)


def touch_data(root: Path) -> None:
    """Change an input's text but not what it says (a space at the end of a data file): the build must run."""
    path = root / "data" / "facts" / "loans.json"
    path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")


def damage_cut(data: bytes) -> bytes:
    return data[:len(data) // 2]


def damage_zero(data: bytes) -> bytes:
    return b""


def damage_flip(data: bytes) -> bytes:
    """One byte of the payload changed, the length kept: only the hash can tell."""
    return data[:-2] + bytes([data[-2] ^ 0x20]) + data[-1:]


@pytest.mark.slow
def test_every_damaged_entry_is_made_again_and_the_site_equals_a_clean_build(starter_copy, tmp_path, capsys):
    """Every file of .cache/ after a build, each damaged in turn (cut in half, emptied, one byte changed), then
    an input touched: the site is byte for byte the one a build with --no-cache writes, and the entry reads
    whole again."""
    root = starter_copy
    out = tmp_path / "out"
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    kinds = {path.parent.name for path in entries(root)}
    # No "runtime": the pinned vl-convert's chart runtime is shipped with the engine (charts/runtime.py).
    assert {"charts", "share", "search", "build"} <= kinds, kinds
    assert any(path.suffix == ".svg" for path in entries(root)) and any(path.suffix == ".png" for path in entries(root))
    touch_data(root)
    expected = clean_build(root, tmp_path)
    for damage in (damage_cut, damage_zero, damage_flip):
        for entry in entries(root):
            if not entry.exists():  # a pack of the build cache's values, emptied into a newer one (kept_values.py)
                continue
            entry.write_bytes(damage(entry.read_bytes()))
            touch_data(root)  # the same site, another input text: no "unchanged since the last build"
            capsys.readouterr()
            assert main(["build", "--root", str(root), "--out", str(out)]) == 0
            assert UNCHANGED not in capsys.readouterr().out
            assert tree(out) == expected, f"{entry.relative_to(root)} {damage.__name__}: not a clean build's site"
            if entry.exists():  # what the build used of it was made again and kept whole
                assert DiskCache(entry.parent).get(entry.name) is not None, \
                    f"{entry.relative_to(root)} {damage.__name__}: still damaged"


@pytest.mark.parametrize("name, damage", [("svg", damage_cut), ("png", damage_zero)])
def test_a_damaged_chart_picture_is_rendered_again(starter_copy, tmp_path, capsys, name, damage):
    root = starter_copy
    out = tmp_path / "out"
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    good = tree(out)
    pictures = sorted((root / ".cache" / "charts").glob(f"*.{name}"))
    assert pictures
    for picture in pictures:
        picture.write_bytes(damage(picture.read_bytes()))
    touch_data(root)
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    assert "1 rendered, 0 cached" in capsys.readouterr().out
    assert tree(out) == good
    assert all(DiskCache(picture.parent).get(picture.name) for picture in pictures)


def test_check_leaves_a_damaged_store_as_it_found_it(starter_copy):
    root = starter_copy
    for entry in entries(root):
        entry.write_bytes(damage_cut(entry.read_bytes()))
    stale = root / ".cache" / "charts" / f".tmp-{dead_pid()}-x"
    stale.write_bytes(b"left by a killed build")
    before = tree(root / ".cache")
    assert main(["check", "--root", str(root)]) == 0
    assert tree(root / ".cache") == before


HELPER = "TITLE = {title!r}\n"
IMPORTING = '''import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("words", Path(__file__).parent / "_lib" / "words.py")
words = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(words)
'''


def test_a_chart_helper_in_a_subfolder_is_part_of_the_charts_key(starter_copy, tmp_path, capsys):
    root = starter_copy
    (root / "charts" / "_lib").mkdir()
    helper = root / "charts" / "_lib" / "words.py"
    helper.write_text(HELPER.format(title="Loans, first words"), encoding="utf-8")
    module = root / "charts" / "loans.py"
    text = module.read_text(encoding="utf-8")
    text = text.replace("SERIES = ", IMPORTING + "\nSERIES = ", 1)
    text = text.replace('title=f"Books lent by the library each year, {first[\'year\']}–{last[\'year\']}"',
                        "title=words.TITLE", 1)
    assert "title=words.TITLE" in text
    module.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    assert b"Loans, first words" in tree(out)["loans.html"]
    helper.write_text(HELPER.format(title="Loans, second words"), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert UNCHANGED not in said
    site = tree(out)
    assert b"Loans, second words" in site["loans.html"] and b"Loans, first words" not in site["loans.html"]
    assert site == clean_build(root, tmp_path)


@pytest.mark.parametrize("inside", [".cache", ".cache/site", ".cache/charts"])
def test_the_output_folder_may_not_be_in_the_store(starter_copy, capsys, inside):
    root = starter_copy
    before = tree(root / ".cache")
    out = root / inside
    assert main(["build", "--root", str(root), "--out", str(out)]) == 2
    said = capsys.readouterr().err.strip()
    assert said.startswith(f"{out.resolve()}: --out is inside the site's .cache/ folder"), said
    assert "choose a folder of its own" in said and "\n" not in said
    assert tree(root / ".cache") == before


def test_the_store_may_not_be_in_the_output_folder(starter_copy, tmp_path, capsys):
    """A .cache/ that is a link into the output folder: the site would replace and publish it."""
    root = starter_copy
    out = tmp_path / "out"
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    moved = out / "kept"
    shutil.move(root / ".cache", moved)
    (root / ".cache").symlink_to(moved)
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--out", str(out)]) == 2
    said = capsys.readouterr().err.strip()
    assert said.startswith(f"{out.resolve()}: --out holds the site's .cache/ folder"), said


# --- crafted entries: nothing in the store runs, nothing escapes it ----------------------------------------------

class Planted:
    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (Path(self.marker), "ran"))


def test_a_crafted_chart_result_never_runs(starter_copy, tmp_path):
    root = starter_copy
    out = tmp_path / "out"
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    good = tree(out)
    marker = tmp_path / "ran"
    (entry,) = (root / ".cache" / "charts").glob("*.prepared")
    store = DiskCache(entry.parent)
    kept = json.loads(store.get(entry.name))
    crafted = [pickle.dumps(Planted(str(marker))),  # framed well, but a pickle: not JSON
               json.dumps({**kept, "prepared": {"record": "Planted", "fields": {}}}).encode(),
               json.dumps({**kept, "prepared": {"tuple": [{"record": "Path", "fields": {}}, {"dict": {}}]}}).encode()]
    for payload in crafted:
        store.put(entry.name, payload)
        touch_data(root)
        assert main(["build", "--root", str(root), "--out", str(out)]) == 0
        assert tree(out) == good and not marker.exists()
        made_again = store.get(entry.name)
        assert made_again != payload and json.loads(made_again)["prepared"]["tuple"][0]["record"] == "ChartModule"


def test_a_crafted_search_listing_cannot_publish_a_file_from_outside_the_index(tmp_path):
    from explainer.publish import search

    store = DiskCache(tmp_path / "search")
    secret = tmp_path / "secret"
    secret.write_text("not for the site")
    store.put("a" * 64, b"x")
    store.put("b" * 64, b"entrypack")

    def listing(shared=None, packed=None, pack="b" * 64):
        return {"shared": shared or {}, "packed": packed or {"pagefind-entry.json": [0, 5]}, "pack": pack}

    for crafted in (listing(shared={"pagefind/pagefind.js": "../../secret"}), listing(shared={"../escape.js": "a" * 64}),
                    listing(shared={"pagefind/../../escape.js": "a" * 64}), listing(shared={"pagefind.js": 3}),
                    listing(packed={"pagefind-entry.json": [0, 5], "../escape.js": [0, 5]}),
                    listing(packed={"pagefind-entry.json": [0, 99]}), listing(packed={"pagefind-entry.json": [-1, 2]}),
                    listing(pack="../../secret"), listing(pack="c" * 64),
                    {"pagefind-entry.json": "a" * 64}, ["pagefind/pagefind.js"]):
        store.put("key.json", json.dumps(crafted).encode())
        assert search._restore(store, "key") is None, crafted
    # A shard's listing names its files as Pagefind does (publish/search_shards.py places them in the site).
    store.put("key.json", json.dumps(listing(shared={"pagefind.js": "a" * 64},
                                             packed={"pagefind-entry.json": [0, 5], "index/x.pf_index": [5, 9]})).encode())
    assert search._restore(store, "key") == {"pagefind-entry.json": b"entry", "index/x.pf_index": b"pack",
                                             "pagefind.js": b"x"}


# --- the build record ----------------------------------------------------------------------------------------

def test_a_record_whose_folder_another_build_wrote_since_is_not_trusted(starter_copy, tmp_path, capsys,
                                                                         monkeypatch):
    """Two builds into one folder at once: the other one's site lands between this build's write and its
    record. The record must not describe the other's site as this build's."""
    root = starter_copy
    out = tmp_path / "out"
    real_finish = site_writer.StagedSite.finish

    def raced(staged):
        written = real_finish(staged)
        monkeypatch.setattr(site_writer.StagedSite, "finish", real_finish)  # the other build writes as usual
        files = {path: data for path, data in tree(out).items() if path != site_writer.SITE_MARKER}
        site_writer.write_site({**files, "index.html": b"the other build's site"}, out)  # the other build, just after
        return written

    monkeypatch.setattr(site_writer.StagedSite, "finish", raced)
    touch_data(root)
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    monkeypatch.setattr(site_writer.StagedSite, "finish", real_finish)
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    assert UNCHANGED not in capsys.readouterr().out
    assert tree(out) == clean_build(root, tmp_path)
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    assert UNCHANGED in capsys.readouterr().out


@pytest.mark.parametrize("options", [["--strict"], ["--url", "https://example.org/x/"]])
def test_builds_with_other_options_into_one_folder_never_take_each_others_record(starter_copy, tmp_path, capsys,
                                                                                  options):
    root = starter_copy
    out = tmp_path / "out"
    plain = ["build", "--root", str(root), "--out", str(out)]
    assert main(plain) == 0
    plain_site = tree(out)
    assert main([*plain, *options]) == 0
    other_site = tree(out)
    capsys.readouterr()
    assert main(plain) == 0
    assert UNCHANGED not in capsys.readouterr().out and tree(out) == plain_site
    assert main([*plain, *options]) == 0
    assert UNCHANGED not in capsys.readouterr().out and tree(out) == other_site


def test_a_record_for_another_output_folder_is_not_trusted(starter_copy, tmp_path, capsys):
    root = starter_copy
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["build", "--root", str(root), "--out", str(first)]) == 0
    assert main(["build", "--root", str(root), "--out", str(second)]) == 0
    (first / "index.html").write_bytes(b"changed by hand")  # the record now describes second/
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--out", str(first)]) == 0
    assert UNCHANGED not in capsys.readouterr().out
    assert tree(first) == tree(second)
