"""Snapshots of sources: the stored words of a source's page, kept next to its record and checked every build.

`data/sources/<id>.snapshot.txt` is a header of `name: value` lines (address, retrieved, kept from, sha256),
one blank line, then the body: the page's text as it was stored. Every build checks that the header is well
formed, that the body still has the hash the header records (so an accidental edit is caught), and that every
excerpt of the source is in the body, after both are normalised alike (normalised()). docs/fact-store.md
describes the format for editors.

The body is read as the build reads every text file (site_folder/inputs.decode_text: line ends as "\\n"), and
hashed in that form: for a file saved with "\\n" line ends that is its bytes exactly, and a checkout that turns
them into "\\r\\n" (git on Windows) gives the same hash instead of failing every snapshot.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, did_you_mean, problem_at
from .dates import is_valid_date
from .facts import Excerpt, FactStore, Location, Source, SourceSnapshot

SUFFIX = ".snapshot.txt"
HEADER_NAMES = ("address", "retrieved", "kept from", "sha256")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_HEADER_LINE = re.compile(r"([A-Za-z0-9 _-]+):[ \t]*(.*)")


def is_snapshot(path: Path) -> bool:
    return path.name.endswith(SUFFIX)


def source_id_of(path: Path) -> str:
    return path.name[:-len(SUFFIX)]


def normalised(text: str) -> str:
    """The form in which an excerpt is looked for (found_in): Unicode NFC, every run of whitespace (no-break
    spaces and line breaks too) one space. Used alike for the snapshot at build time and the live page by
    `verify`."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def excerpt_words(excerpt: Excerpt) -> list[str]:
    """What must be found of an excerpt: its text, or each header and cell text of its table (a page lays a
    table out in its own way, so the cells are looked for one by one)."""
    if excerpt.text is not None:
        return [excerpt.text]
    cells = [*excerpt.table.header, *(cell for row in excerpt.table.rows for cell in row)]
    return list(dict.fromkeys(cell for cell in cells if normalised(cell)))


ELISION = "…"  # in an excerpt, words left out: the parts on either side are looked for in turn


def found_in(words: str, text: str) -> bool:
    """Whether an excerpt's words are in a text, both normalised(); an excerpt that leaves words out ("…")
    is found when its parts are, in their order. A figure is not found inside a longer one: a table's cell "4"
    is not in "48,250", nor "17 more" in "217 more"."""
    at = 0
    for part in normalised(words).split(ELISION):
        part = part.strip()
        if part:
            at = _find_whole_figures(part, text, at)
            if at == -1:
                return False
            at += len(part)
    return True


def _find_whole_figures(part: str, text: str, start: int) -> int:
    at = text.find(part, start)
    while at != -1:
        before = text[at - 1] if at > 0 else ""
        after = text[at + len(part)] if at + len(part) < len(text) else ""
        if not (part[0].isdigit() and before.isdigit()) and not (part[-1].isdigit() and after.isdigit()):
            return at
        at = text.find(part, at + 1)
    return -1


def body_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """One snapshot file, parsed: its header's values (with where each was written) and its body."""

    path: Path
    text: str
    header: dict[str, str]
    header_offsets: dict[str, int]  # header name → offset of its value in text
    body: str

    def at(self, name: str, message: str) -> Problem:
        return problem_at(self.path, self.text, self.header_offsets.get(name, 0), message)

    def record(self) -> SourceSnapshot:
        return SourceSnapshot(self.path.name, self.header["address"], self.header["retrieved"],
                              self.header["kept from"], self.header["sha256"])


def parse_snapshot(path: Path, text: str) -> tuple[Snapshot | None, list[Problem]]:
    """The snapshot in text, or None with the problems of a header that is not well formed."""
    head, blank, body = text.partition("\n\n")
    if not blank:
        return None, [problem_at(path, text, len(text), "this snapshot has no blank line after its header: write "
                                 "the header (address, retrieved, kept from, sha256), one blank line, then the "
                                 "stored text of the page.")]
    header: dict[str, str] = {}
    offsets: dict[str, int] = {}
    problems: list[Problem] = []
    offset = 0
    for line in head.split("\n"):
        match = _HEADER_LINE.fullmatch(line)
        name = match.group(1) if match else None
        if name is None:
            problems.append(problem_at(path, text, offset, "this header line is not `name: value`: the header has "
                                       "the lines address, retrieved, kept from and sha256, then one blank line."))
        elif name not in HEADER_NAMES:
            problems.append(problem_at(path, text, offset, f'unknown header "{name}".{did_you_mean(name, HEADER_NAMES)} '
                                       f"The header has: {', '.join(HEADER_NAMES)}."))
        elif name in header:
            problems.append(problem_at(path, text, offset, f'"{name}" is written twice in this header: keep one.'))
        else:
            header[name] = match.group(2).strip()
            offsets[name] = offset + match.start(2)
        offset += len(line) + 1
    snapshot = Snapshot(path, text, header, offsets, body)
    for name in HEADER_NAMES:
        if name not in header:
            problems.append(problem_at(path, text, 0, f'this snapshot\'s header has no "{name}:" line: add it.'))
        elif not header[name]:
            problems.append(snapshot.at(name, f'"{name}:" is empty: write its value.'))
    if header.get("address") and not re.match(r"https?://\S+$", header["address"]):
        problems.append(snapshot.at("address", "the address must be the http(s) address the words were read at."))
    if header.get("retrieved") and not is_valid_date(header["retrieved"]):
        problems.append(snapshot.at("retrieved", f'"{header["retrieved"]}" is no date: write the day the words '
                                    "were read, YYYY-MM-DD."))
    if header.get("sha256") and not _SHA256.fullmatch(header["sha256"]):
        problems.append(snapshot.at("sha256", "sha256 must be 64 lowercase hex digits: the SHA-256 of the body "
                                    f"(everything after the first blank line), which is {body_hash(body)}."))
    if not normalised(body):
        problems.append(problem_at(path, text, len(text), "this snapshot's body is empty: after the blank line, "
                                   "paste the stored text of the page."))
    return (None if problems else snapshot), problems


def check_snapshots(store: FactStore, files: dict[Path, str]) -> list[Problem]:
    """Each snapshot (path → text) checked and recorded on its source (Source.snapshot); each snapshot with no
    source an error; in a site that keeps snapshots, each source with an address but none a warning (an error
    under --strict)."""
    problems: list[Problem] = []
    kept: set[str] = set()
    for path in sorted(files):
        source_id = source_id_of(path)
        source = store.sources.get(source_id)
        if source is None:
            # Quoting the id makes this an echo of a source file that failed to load (errors.hold_back_echoes).
            problems.append(Problem(path, 1, 1, f'this snapshot belongs to no source: there is no "{source_id}" in '
                                    f"data/sources/.{did_you_mean(source_id, set(store.sources))} Name it after its "
                                    f"source's id (<id>{SUFFIX}), or delete it if the source was removed."))
            continue
        kept.add(source_id)
        snapshot, found = parse_snapshot(path, files[path])
        problems += found
        if snapshot is None:
            continue
        problems += _check_body(snapshot, source)
        store.sources[source_id] = dataclasses.replace(source, snapshot=snapshot.record())
    # A site keeps snapshots from its first one on: then every source with an address must have one (a warning,
    # so an editor can build while keeping them; --strict, the publishing build, requires them). A site that
    # keeps none yet (a new one, or one made before snapshots existed) is not held to it: its --strict build
    # must not fail on upgrading the engine.
    for source in store.sources.values() if files else ():
        if source.url and source.id not in kept:
            problems.append(source.location.problem(
                f'source "{source.id}" has an address but no snapshot of the words we quote, while this site keeps '
                f"snapshots of its sources: keep the page's text in data/sources/{source.id}{SUFFIX} "
                '(docs/fact-store.md, "Snapshots"), so every build can check the excerpts against it.',
                severity="warning"))
    return problems


def _check_body(snapshot: Snapshot, source: Source) -> list[Problem]:
    problems = []
    recorded, actual = snapshot.header["sha256"], body_hash(snapshot.body)
    if recorded != actual:
        problems.append(snapshot.at("sha256", "the body of this snapshot changed since its hash was taken. If the "
                                    "change was deliberate (the page was kept again), record its hash: "
                                    f"sha256: {actual}; if not, restore the body as it was kept."))
    body = normalised(snapshot.body)
    for excerpt in source.excerpts.values():
        missing = [words for words in excerpt_words(excerpt) if not found_in(words, body)]
        if not missing:
            continue
        what = (f'excerpt "{excerpt.id}"' if excerpt.text is not None
                else f'the cell "{missing[0]}" of table excerpt "{excerpt.id}"'
                + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
        problems.append(_written_at(excerpt, missing[0]).problem(
            f"{what} is not found in its snapshot {snapshot.path.name}: copy the words exactly as the snapshot has "
            "them (spacing and line breaks do not matter), or, if the snapshot lacks the passage, keep the page "
            "again with it and record the new hash."))
    return problems


def _written_at(excerpt: Excerpt, words: str) -> Location:
    """Where the missing words are written in the source's file: the excerpt's "text", or the table's cell
    (where it is written as JSON would write it); else the excerpt itself."""
    where = excerpt.location
    key = '"text"' if excerpt.text is not None else json.dumps(words, ensure_ascii=False)
    found = where.text.find(key, where.offset)
    return Location(where.path, where.text, found) if found != -1 else where
