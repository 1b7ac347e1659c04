"""The last good build of a site folder: what it was made from and what it wrote (ROOT/.cache/build/last-build.json).

`python build.py` asks it before anything else: when every input the build reads (content/, data/, the
templates, the chart modules, the assets, site.json), the options, the engine's code and the versions of the
libraries it pins are those of the last good build, and the output folder still holds exactly the files that
build wrote (the same names, sizes and modification times), then that folder is what a build would write
again. Nothing is built, and the last build's warnings are printed again, as the build would print them.

This is the outermost of the build's caches: build_cache.py keeps each stage's results for when something
did change. It is checked before the engine's heavy modules are imported, so that the answer costs reading
the inputs (which the build reads anyway) and listing the output folder.

A missing, damaged or foreign record, a touched or removed output file, or an extra one, means a build.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .disk_cache import DiskCache, canonical_json, engine_version
from .inputs import PROJECT, SiteInputs

RECORD_FORMAT = "build-record-1"  # part of every key: change it when what the key covers changes
RECORD_FILE = "last-build.json"
_PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", re.MULTILINE)


@dataclass(frozen=True)
class BuildRecord:
    key: str  # inputs_key of what the build was made from
    out: str  # the output folder, resolved
    files: dict[str, list[int]] = field(default_factory=dict)  # site-relative path → [size, mtime_ns]
    problems: list[str] = field(default_factory=list)  # the warnings the build printed, as printed
    summary: str = ""  # its summary line's counts: "12 pages, 117 facts, …"


def inputs_key(inputs: SiteInputs, strict: bool) -> str:
    """A hash of everything a build of inputs reads and of what decides how it reads it."""
    digest = hashlib.sha256()

    def add(*parts: str | bytes) -> None:
        for part in parts:
            digest.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
            digest.update(b"\x00")  # so ("ab", "c") and ("a", "bc") differ

    add(RECORD_FORMAT, engine_version(), _library_versions(), str(inputs.root), repr(inputs.settings), repr(strict))
    for texts in (inputs.content, inputs.data):
        add(str(len(texts)))
        for path, text in texts.items():
            add(str(path), text)
    for path, data in inputs.assets.items():
        add("asset", path, data)
    # Templates may include any file of their folders; chart modules import the Python files beside them.
    for folders, pattern in ((inputs.template_dirs, "*"), (inputs.chart_dirs, "*.py")):
        for folder in folders:
            for path in sorted(folder.rglob(pattern)):
                if path.is_file() and "__pycache__" not in path.parts:
                    add(str(path), path.read_bytes())
    return digest.hexdigest()


def _library_versions() -> str:
    """The installed version of each library requirements.txt pins: an upgrade may change what is written."""
    try:
        pinned = _PINNED.findall((PROJECT / "requirements.txt").read_text(encoding="utf-8"))
    except OSError:
        return ""
    versions = []
    for name in pinned:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} missing")
    return "\n".join(versions)


def site_listing(out: Path) -> dict[str, list[int]]:
    """Every file under out (site-relative path → [size, mtime_ns]), symbolic links included as links."""
    listing: dict[str, list[int]] = {}
    pending = [(out, "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append((Path(entry.path), relative + "/"))
                else:
                    status = entry.stat(follow_symlinks=False)
                    listing[relative] = [status.st_size, status.st_mtime_ns]
    return listing


def unchanged(record: BuildRecord | None, key: str, out: Path) -> bool:
    """Whether out holds, untouched, what a build with this key wrote."""
    if record is None or record.key != key or record.out != str(out):
        return False
    try:
        return site_listing(out) == record.files
    except OSError:  # no output folder, or one that cannot be read: build
        return False


def load_record(disk: DiskCache) -> BuildRecord | None:
    stored = disk.get(RECORD_FILE)
    if stored is None:
        return None
    try:
        values = json.loads(stored)
        record = BuildRecord(**values)
    except (ValueError, TypeError):  # damaged, or written by another version: build
        return None
    valid = (isinstance(record.key, str) and isinstance(record.out, str) and isinstance(record.files, dict)
             and isinstance(record.problems, list) and isinstance(record.summary, str))
    return record if valid else None


def save_record(disk: DiskCache, record: BuildRecord) -> None:
    disk.put(RECORD_FILE, canonical_json(asdict(record)).encode("utf-8"))
