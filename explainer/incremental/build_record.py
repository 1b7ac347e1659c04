"""The last good build of a site folder: what it was made from and what it wrote (ROOT/.cache/build/last-build.json).

`python build.py` asks it before anything else: when every input the build reads (content/, data/, the
templates, the chart modules, the assets, site.json), the options, the engine's code and the installed
libraries' versions are those of the last good build, and the output folder still holds exactly the files that
build wrote (the same names, sizes, modes and modification times), then that folder is what a build would
write again. Nothing is built, and the last build's warnings are printed again, as the build would print them.

This is the outermost of the build's caches: incremental/build_cache.py keeps each stage's results for when something
did change. It is checked before the engine's heavy modules are imported, so that the answer costs reading
the inputs (which the build reads anyway) and listing the output folder.

The key covers every option that changes what is written (--strict, the content-hashed names, --url through
the settings, and the output folder itself), so a record of a build with other options is never taken for
this one's. The record names the id of the write that made the output folder (write_site's answer: the
identity on disk of the folder's marker file, output.site_id): a folder that another build has written
since (two builds into one folder at once) has another marker, and the record is not trusted; a build
whose folder already holds another's marker when it is done keeps no record.

The record is an entry of the build's one store (incremental/disk_store.py), checked when read. A missing, damaged or
foreign record, a touched or removed output file, or an extra one, means a build.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..effects import libraries
from .disk_store import DiskCache, canonical_json, content_key, engine_version
from ..site_folder.inputs import SiteInputs
from ..publish.site_writer import site_id

RECORD_FORMAT = "build-record-3"  # part of every key: change it when what the key covers changes
RECORD_FILE = "last-build.json"


@dataclass(frozen=True)
class BuildRecord:
    key: str  # inputs_key of what the build was made from
    out: str  # the output folder, resolved
    site_id: str = ""  # the id of the write that made out (output.write_site, output.site_id)
    files: dict[str, list[int]] = field(default_factory=dict)  # site-relative path → [size, mtime_ns, mode]
    problems: list[str] = field(default_factory=list)  # the warnings the build printed, as printed
    summary: str = ""  # its summary line's counts: "12 pages, 117 facts, …"


def inputs_key(inputs: SiteInputs, strict: bool, out: Path, hashed_names: bool = True) -> str:
    """A hash of everything a build of inputs reads, of what decides how it reads it, and of every option that
    changes what it writes where (--url is in inputs.settings)."""
    parts: list[str | bytes] = [RECORD_FORMAT, engine_version(), _library_versions(), str(inputs.root),
                                repr(inputs.settings), f"strict={strict!r}", f"hashed_names={hashed_names!r}",
                                f"out={out}"]
    for texts in (inputs.content, inputs.data, *inputs.edition_content.values()):  # editions: content/<language>/
        parts.append(str(len(texts)))
        for path, text in texts.items():
            parts += [str(path), text]
    for path, data in inputs.assets.items():
        parts += ["asset", path, data]
    # Templates may include any file of their folders; chart modules import the Python files beside them.
    for templates in inputs.templates:
        for name, text in sorted(templates.files.items()):
            parts += [str(templates.folder / name), text]
    for path, text in sorted(inputs.chart_modules.items()):
        parts += [str(path), text]
    return content_key(*parts)


def _library_versions() -> str:
    """Every installed distribution and its version (effects/libraries.py): an upgrade of any library may change
    what is written."""
    return "\n".join(sorted(libraries.installed()))


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
    if record is None or record.key != key or record.out != str(out) or not record.site_id:
        return False
    try:
        return site_id(out) == record.site_id and site_listing(out) == record.files
    except OSError:  # no output folder, or one that cannot be read: build
        return False


def written_record(key: str, out: Path, written_id: str, problems: list[str], summary: str) -> BuildRecord | None:
    """The record of the build that has just written out (its id written_id); None when out no longer holds
    what it wrote (another build wrote it since): then no record is kept, and the next build builds."""
    try:
        listing = site_listing(out)
        if site_id(out) != written_id:  # read after the listing: the listing is of this build's folder
            return None
    except OSError:
        return None
    return BuildRecord(key, str(out), written_id, listing, problems, summary)


def load_record(disk: DiskCache) -> BuildRecord | None:
    stored = disk.get(RECORD_FILE)
    if stored is None:
        return None
    try:
        values = json.loads(stored)
        record = BuildRecord(**values)
    except (ValueError, TypeError):  # damaged, or written by another version: build
        return None
    valid = (isinstance(record.key, str) and isinstance(record.out, str) and isinstance(record.site_id, str)
             and isinstance(record.files, dict) and isinstance(record.problems, list)
             and all(isinstance(line, str) for line in record.problems) and isinstance(record.summary, str))
    return record if valid else None


def save_record(disk: DiskCache, record: BuildRecord) -> None:
    disk.put(RECORD_FILE, canonical_json(asdict(record)).encode("utf-8"))
