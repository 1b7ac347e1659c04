"""The last good build of a site folder: what it was made from and what it wrote (ROOT/.cache/build/last-build.json).

`python build.py` asks it before anything else: when every input the build reads (content/, data/, the
templates, the chart modules, the assets, site.json), the options, the engine's code and the installed
libraries' versions are those of the last good build, and the output folder still holds exactly the files that
build wrote (the same names, sizes, modes and modification times), then that folder is what a build would
write again. Nothing is built, and the last build's warnings are printed again, as the build would print them.

This is the outermost of the build's caches: build_cache.py keeps each stage's results for when something
did change. It is checked before the engine's heavy modules are imported, so that the answer costs reading
the inputs (which the build reads anyway) and listing the output folder.

A missing, damaged or foreign record, a touched or removed output file, or an extra one, means a build.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .disk_cache import DiskCache, canonical_json, content_key, engine_version
from .inputs import SiteInputs, files_under

RECORD_FORMAT = "build-record-2"  # part of every key: change it when what the key covers changes
RECORD_FILE = "last-build.json"


@dataclass(frozen=True)
class BuildRecord:
    key: str  # inputs_key of what the build was made from
    out: str  # the output folder, resolved
    files: dict[str, list[int]] = field(default_factory=dict)  # site-relative path → [size, mtime_ns, mode]
    problems: list[str] = field(default_factory=list)  # the warnings the build printed, as printed
    summary: str = ""  # its summary line's counts: "12 pages, 117 facts, …"


def inputs_key(inputs: SiteInputs, strict: bool) -> str:
    """A hash of everything a build of inputs reads and of what decides how it reads it."""
    parts: list[str | bytes] = [RECORD_FORMAT, engine_version(), _library_versions(), str(inputs.root),
                                repr(inputs.settings), repr(strict)]
    for texts in (inputs.content, inputs.data):
        parts.append(str(len(texts)))
        for path, text in texts.items():
            parts += [str(path), text]
    for path, data in inputs.assets.items():
        parts += ["asset", path, data]
    # Templates may include any file of their folders; chart modules import the Python files beside them.
    for folders, pattern in ((inputs.template_dirs, "*"), (inputs.chart_dirs, "*.py")):
        for folder in folders:
            for path in files_under(folder, pattern):
                parts += [str(path), path.read_bytes()]
    return content_key(*parts)


def _library_versions() -> str:
    """Every installed distribution and its version, as the folders Python finds them in name them
    ("Jinja2-3.1.6.dist-info"): an upgrade of any library may change what is written. Listing the folders takes
    a millisecond; reading each package's metadata would take thirty."""
    names = []
    for folder in sys.path:
        try:
            names += [name for name in os.listdir(folder) if name.endswith((".dist-info", ".egg-info"))]
        except OSError:  # a zip, or a folder that is gone
            continue
    return "\n".join(sorted(names))


def site_listing(out: Path) -> dict[str, list[int]]:
    """Every file under out (site-relative path → [size, mtime_ns, mode]), symbolic links included as links."""
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
                    listing[relative] = [status.st_size, status.st_mtime_ns, status.st_mode]
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
