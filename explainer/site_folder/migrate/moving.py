"""Moving the old fact store's texts to the current form (the pure part of `python build.py migrate`).

Each old `quote` member of a fact, series or row becomes an `excerpt` member at the same place of the same
text (so the file's diff shows only the migration), and each source's distinct quotes become its `excerpts`
in a file of its own, data/sources/<id>.json, written from the old object's own text. The result is checked
against the old documents before anything is returned: every quote verbatim, every other field unchanged.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring
from pathlib import Path

from ...errors import Problem, problem_at
from ...store.json_positions import value_offsets
from ...store.numbers import states

OLD_SOURCES = Path("data") / "sources.json"
NEW_SOURCES = Path("data") / "sources"
_ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DATE = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
_PERIOD_SEPARATORS = re.compile(r"\s*(?:–|—|-|\bto\b)\s*")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")  # as the old store's English as_of texts wrote them ("May 2024")
_MONTH_YEAR = re.compile(r"^\s*([A-Za-z]+)\s+(\d{4})\s*$")
_scan_value = json.JSONDecoder().scan_once


class MigrationError(Exception):
    """The site cannot be migrated as it is: the problems say where and what to do; nothing is written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message if problems else "cannot migrate")
        self.problems = problems


@dataclass(frozen=True)
class Migration:
    """What migrating a site gives: each file's new text, the old file to remove, and what is left to decide."""

    written: dict[Path, str]  # changed and new files (data/facts/*.json, data/series/*.json, data/sources/<id>.json)
    removed: tuple[Path, ...]  # data/sources.json
    decisions: list[Problem]  # notes at the place to edit, in the new files (or content/, charts/)
    excerpts: int = 0  # how many excerpts the quotes became
    computed: tuple[str, ...] = ()  # the series totals migrate found computed, and named in "sum_columns"


@dataclass
class SourceExcerpts:
    """The excerpts one source gets: each distinct quote once, in the order first cited, named after the
    records that cite it (names: decided once every citation is known; see shared_name)."""

    source_id: str
    language: str
    names: dict[str, str] = field(default_factory=dict)  # the quote → the name its citers share
    by_text: dict[str, str] = field(default_factory=dict)  # the quote, verbatim → its excerpt id
    citers: dict[str, list[tuple[bool, str]]] = field(default_factory=dict)  # quote → (a fact?, its name), in order

    def id_for(self, quote: str, named_after: str, by_fact: bool = False) -> str:
        self.citers.setdefault(quote, []).append((by_fact, named_after))
        if quote not in self.by_text:
            base = _slug(self.names.get(quote, named_after))
            name, number = base, 2
            while name in self.by_text.values():
                name, number = f"{base}-{number}", number + 1
            self.by_text[quote] = name
        return self.by_text[quote]


def shared_name(citers: list[tuple[bool, str]]) -> str:
    """An excerpt's name from the records citing it, facts first (their ids are what editors know): the words
    their names begin with alike ("arrivals-2020" for arrivals-2020-men, arrivals-2020-women and
    arrivals-2020), or the first's name when they share none."""
    named = [name for by_fact, name in citers if by_fact] or [name for _, name in citers]
    words = [name.split("-") for name in named]
    common = []
    for column in zip(*words):
        if len(set(column)) != 1:
            break
        common.append(column[0])
    return "-".join(common) or named[0]


def _slug(text: str) -> str:
    """An excerpt id from a record's id or a row's key: lower-case words joined by hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "excerpt"


@dataclass(frozen=True)
class Moved:
    """The store moved: each changed or new file's text, and each source's excerpts (with their language)."""

    written: dict[Path, str]
    excerpts: dict[str, SourceExcerpts]
    computed: tuple[str, ...]  # the series totals found computed, and named in "sum_columns"


def move_store(root: Path, files: dict[Path, str], documents: dict[Path, object]) -> Moved:
    """The new texts of data/ (changed files only). Raises MigrationError when a quote has nowhere to go."""
    problems: list[Problem] = []
    sources_path = root / OLD_SOURCES
    sources = old_sources(sources_path, files[sources_path], documents[sources_path])
    # Twice: the first pass learns who cites each quote, the second names each excerpt after all of them.
    names: dict[str, dict[str, str]] = {source_id: {} for source_id in sources}
    for _ in range(2):
        excerpts = {source_id: SourceExcerpts(source_id, raw.get("language", "en"), names[source_id])
                    for source_id, (raw, _) in sources.items()}
        written: dict[Path, str] = {}
        citations: list[tuple[Path, tuple, str, str, str]] = []  # (file, path of the record, source, excerpt, quote)
        computed: list[str] = []
        for path in sorted(documents):
            if path == sources_path:
                continue
            kind = path.parent.name
            if kind == "facts":
                written[path] = _migrate_facts(path, files[path], documents[path], excerpts, citations, problems)
            elif kind == "series":
                written[path] = _migrate_series(path, files[path], documents[path], excerpts, citations, problems,
                                                computed)
        if problems:
            raise MigrationError(problems)
        names = {source_id: {quote: shared_name(citers) for quote, citers in found.citers.items()}
                 for source_id, found in excerpts.items()}
    for source_id, (raw, span) in sources.items():
        text = _source_file(files[sources_path][span[0]:span[1]], span[2], excerpts[source_id])
        written[root / NEW_SOURCES / f"{source_id}.json"] = text
    written = {path: text for path, text in written.items() if text != files.get(path)}
    _check_verbatim(written, files, citations, root)
    return Moved(written, excerpts, tuple(computed))


def parse(path: Path, text: str, problems: list[Problem]):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(problem_at(path, text, error.pos, f"this is not valid JSON ({error.msg}): fix it, then run "
                                   "migrate again (nothing was written)."))
        return None


def old_sources(path: Path, text: str, document) -> dict[str, tuple[dict, tuple[int, int, str]]]:
    """Each old source by id: its record, and where its object is written (start, end, its line's indent)."""
    if not (isinstance(document, dict) and isinstance(document.get("sources"), list)):
        raise MigrationError([problem_at(path, text, 0, 'data/sources.json should hold {"sources": [...]}, as '
                                         "the old fact store wrote it: fix it, then run migrate again.")])
    offsets = value_offsets(text)
    found: dict[str, tuple[dict, tuple[int, int, str]]] = {}
    problems = []
    for index, raw in enumerate(document["sources"]):
        start = offsets[("sources", index)]
        if not (isinstance(raw, dict) and isinstance(raw.get("id"), str) and _ID_PATTERN.match(raw["id"])):
            problems.append(problem_at(path, text, start, 'this source has no "id" of lower-case words joined by '
                                       "hyphens, which will be its file's name: give it one, then run migrate again."))
            continue
        if raw["id"] in found:
            problems.append(problem_at(path, text, start, f'a second source with id "{raw["id"]}": give each source '
                                       "its own id (each becomes a file of its own), then run migrate again."))
            continue
        if "excerpts" in raw:
            problems.append(problem_at(path, text, start, f'source "{raw["id"]}" already has "excerpts": this file '
                                       "is not in the old form; move it by hand."))
            continue
        _, end = _scan_value(text, start)
        line_start = text.rfind("\n", 0, start) + 1
        indent = text[line_start:start] if not text[line_start:start].strip() else ""
        found[raw["id"]] = (raw, (start, end, indent))
    if problems:
        raise MigrationError(problems)
    return found


# --- facts and series: each old "quote" member becomes an "excerpt" member in place ---------------------------

@dataclass
class _Edits:
    """Replacements of spans of one file's text, applied at once from the end so offsets stay true."""

    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)

    def replace(self, start: int, end: int, new: str) -> None:
        self.spans.append((start, end, new))

    def result(self) -> str:
        text = self.text
        for start, end, new in sorted(self.spans, reverse=True):
            text = text[:start] + new + text[end:]
        return text


def _member_end(text: str, key_start: int) -> tuple[int, int]:
    """For an object member whose key starts at key_start: where its value starts, and where it ends."""
    _, index = scanstring(text, key_start + 1)
    index = text.index(":", index) + 1
    while text[index] in " \t\n\r":
        index += 1
    _, end = _scan_value(text, index)
    return index, end


def _cite(edits: _Edits, offsets: dict, record_path: tuple, raw: dict, source_id: str, excerpt_id: str,
          write_source: bool) -> None:
    """The record's "quote" member becomes "excerpt" (and "source" too, for a row that took the series')."""
    key_start = offsets[(*record_path, "quote")]
    _, end = _member_end(edits.text, key_start)
    new = f'"excerpt": {json.dumps(excerpt_id)}'
    if write_source:
        new = f'"source": {json.dumps(source_id, ensure_ascii=False)}, {new}'
    edits.replace(key_start, end, new)


def _as_of(edits: _Edits, offsets: dict, record_path: tuple, raw: dict) -> None:
    """An old as_of written as a range of dates ("2012–2024") becomes the current form's period object; any
    other text is left as it is and listed (_periods_left)."""
    value = raw.get("as_of")
    if not isinstance(value, str) or re.fullmatch(DATE, value):
        return
    new = _date_of(value) or _period_of(value)
    if new is None:
        return
    start, end = _member_end(edits.text, offsets[(*record_path, "as_of")])
    edits.replace(start, end, json.dumps(new))


def _date_of(text: str) -> str | None:
    """"2024", "2024-05", or "May 2024" as "2024-05"; None for anything else."""
    if re.fullmatch(DATE, text.strip()):
        return text.strip()
    month = _MONTH_YEAR.match(text)
    if month is not None and month.group(1).lower() in _MONTHS:
        return f"{month.group(2)}-{_MONTHS.index(month.group(1).lower()) + 1:02d}"
    return None


def _period_of(text: str) -> dict | None:
    """"2012–2024", "1998 to 2003-08", "July 1997 to December 2011" as {"start", "end"}; None otherwise."""
    for separator in _PERIOD_SEPARATORS.finditer(text):
        start, end = _date_of(text[:separator.start()]), _date_of(text[separator.end():])
        if start and end:
            return {"start": start, "end": end}
    return None


def _migrate_facts(path, text, document, excerpts, citations, problems) -> str:
    if not (isinstance(document, dict) and isinstance(document.get("facts"), list)):
        problems.append(problem_at(path, text, 0, 'a facts file should hold {"facts": [...]}: fix it, then run '
                                   "migrate again."))
        return text
    offsets, edits = value_offsets(text), _Edits(text)
    for index, raw in enumerate(document["facts"]):
        if not isinstance(raw, dict):
            continue
        record_path = ("facts", index)
        _as_of(edits, offsets, record_path, raw)
        if "quote" not in raw:
            continue
        source_id = raw.get("source")
        if source_id not in excerpts or not isinstance(raw["quote"], str):
            problems.append(_unplaced(path, text, offsets, record_path, f'fact "{raw.get("id")}"', source_id, excerpts))
            continue
        excerpt_id = excerpts[source_id].id_for(raw["quote"], str(raw.get("id", "fact")), by_fact=True)
        _cite(edits, offsets, record_path, raw, source_id, excerpt_id, write_source=False)
        citations.append((path, record_path, source_id, excerpt_id, raw["quote"]))
    return edits.result()


def _migrate_series(path, text, document, excerpts, citations, problems, computed) -> str:
    if not (isinstance(document, dict) and isinstance(document.get("rows"), list)):
        problems.append(problem_at(path, text, 0, "a series file should hold an object with \"rows\": fix it, "
                                   "then run migrate again."))
        return text
    offsets, edits = value_offsets(text), _Edits(text)
    series_id = str(document.get("id", path.stem))
    series_source = document.get("source")
    if "quote" in document:
        if series_source not in excerpts or not isinstance(document["quote"], str):
            problems.append(_unplaced(path, text, offsets, (), f'series "{series_id}"', series_source, excerpts))
        else:
            excerpt_id = excerpts[series_source].id_for(document["quote"], series_id)
            _cite(edits, offsets, (), document, series_source, excerpt_id, write_source=False)
            citations.append((path, (), series_source, excerpt_id, document["quote"]))
    key = document.get("key")
    for index, row in enumerate(document["rows"]):
        if not isinstance(row, dict) or "quote" not in row:
            continue
        record_path = ("rows", index)
        source_id = row.get("source", series_source)
        whose = f'row "{row.get(key)}" of series "{series_id}"'
        if source_id not in excerpts or not isinstance(row["quote"], str):
            problems.append(_unplaced(path, text, offsets, record_path, whose, source_id, excerpts))
            continue
        excerpt_id = excerpts[source_id].id_for(row["quote"], f"{series_id}-{row.get(key, index + 1)}")
        # A row that took the series' source names it: the current form reads a row's "excerpt" only beside
        # its own "source".
        _cite(edits, offsets, record_path, row, source_id, excerpt_id, write_source="source" not in row)
        citations.append((path, record_path, source_id, excerpt_id, row["quote"]))
    totals = _computed_totals(document, excerpts)
    if totals and "sum_columns" not in document and ("columns",) in offsets:
        # Named after "columns", as the current docs write it: the build then checks each such total against
        # its parts, and a fact's card and the Data page show the working.
        _, end = _member_end(text, offsets[("columns",)])
        line_start = text.rfind("\n", 0, offsets[("columns",)]) + 1
        indent = text[line_start:offsets[("columns",)]] if not text[line_start:offsets[("columns",)]].strip() else " "
        edits.replace(end, end, f',\n{indent}"sum_columns": {json.dumps(totals, ensure_ascii=False)}')
        computed += [f'series "{series_id}": {total} = {" + ".join(parts)} where its words do not state it; added '
                     f'"sum_columns", so the build checks it against its parts and shows the working.'
                     for total, parts in totals.items()]
    return edits.result()


def _computed_totals(document: dict, excerpts: dict[str, SourceExcerpts]) -> dict[str, list[str]]:
    """Columns that are totals of other columns of the same unit: in some row its words do not state the cell
    but do state the cells that add up to it, and no row where all are given disagrees."""
    key, series_source = document.get("key"), document.get("source")
    columns = [c for c in document.get("columns", []) if isinstance(c, dict) and isinstance(c.get("name"), str)]
    figures = {c["name"]: c.get("unit") for c in columns if c["name"] != key and "derived" not in c}
    found: dict[str, list[str]] = {}
    rows = [row for row in document["rows"] if isinstance(row, dict)]
    for row in rows:
        source_id = row.get("source", series_source)
        quote = row.get("quote", document.get("quote") if "source" not in row else None)
        if not isinstance(quote, str) or source_id not in excerpts:
            continue
        numbers = {name: row[name] for name in figures if isinstance(row.get(name), (int, float))
                   and not isinstance(row.get(name), bool)}
        stated = {name for name, value in numbers.items() if states(quote, value, excerpts[source_id].language)}
        for name in numbers.keys() - stated:
            parts = [other for other in figures if other != name and other in stated
                     and figures[other] == figures[name]]
            if len(parts) >= 2 and sum(numbers[part] for part in parts) == numbers[name] \
                    and found.setdefault(name, parts) != parts:
                found[name] = []  # two rows add it up from different columns: not a rule to write down
    for name, parts in list(found.items()):
        agreed = parts and name not in {part for other in found.values() for part in other} and all(
            sum(row[part] for part in parts) == row[name] for row in rows
            if all(isinstance(row.get(column), (int, float)) for column in (name, *parts)))
        if not agreed:
            del found[name]
    return found


def _unplaced(path, text, offsets, record_path, whose, source_id, excerpts) -> Problem:
    """A quote that cannot become an excerpt: it names no source the old data/sources.json has."""
    at = offsets.get((*record_path, "quote"), 0)
    if source_id is None:
        message = f'{whose} has a "quote" but no "source": add the source it quotes, then run migrate again.'
    elif source_id not in excerpts:
        message = (f'{whose} quotes unknown source "{source_id}", which data/sources.json does not have: add the '
                   "source or fix the id, then run migrate again.")
    else:
        message = f'the "quote" of {whose} is not text: write the source\'s words, then run migrate again.'
    return problem_at(path, text, at, message)


# --- the per-source files ---------------------------------------------------------------------------------------

def _source_file(object_text: str, indent: str, excerpts: SourceExcerpts) -> str:
    """data/sources/<id>.json: the old source's object as it was written (dedented), with its excerpts added
    after its last field, one excerpt a line."""
    lines = object_text.split("\n")
    lines = [lines[0], *(line[len(indent):] if line.startswith(indent) else line.lstrip() for line in lines[1:])]
    body = "\n".join(lines)
    if not excerpts.by_text:
        return body + "\n"
    members = re.search(r"\n([ \t]+)\"", body)
    step = members.group(1) if members else "  "  # an object written on one line keeps that line as it is
    items = [json.dumps({"id": excerpt_id, "text": quote}, ensure_ascii=False)
             for quote, excerpt_id in excerpts.by_text.items()]
    before = body[:body.rindex("}")].rstrip()
    separator = "," if not before.endswith("{") else ""
    listed = f",\n{step}".join(f"{step}{item}" for item in items)
    return f'{before}{separator}\n{step}"excerpts": [\n{step}{listed}\n{step}]\n}}\n'


def _check_verbatim(written: dict[Path, str], files: dict[Path, str], citations, root: Path) -> None:
    """Each record now names an excerpt whose text is its old quote, character for character: a guard against
    a fault of this module, which then writes nothing."""
    problems = []
    sources = {}
    old_sources = {raw["id"]: raw for raw in json.loads(files[root / OLD_SOURCES])["sources"]}
    for path, text in written.items():
        document = json.loads(text)
        if path.parent == root / NEW_SOURCES:
            sources[document["id"]] = {item["id"]: item["text"] for item in document.get("excerpts", [])}
            if {key: value for key, value in document.items() if key != "excerpts"} != old_sources[document["id"]]:
                problems.append(Problem(path, 1, 1, "internal: this source's fields differ from the old ones"))
        elif _without_citations(document) != _without_citations(json.loads(files[path])):
            problems.append(Problem(path, 1, 1, "internal: a field other than a quote or a period changed"))
    for path, record_path, source_id, excerpt_id, quote in citations:
        record = json.loads(written.get(path, files[path]))
        for step in record_path:
            record = record[step]
        if (record.get("excerpt") != excerpt_id or record.get("source", source_id) != source_id
                or sources.get(source_id, {}).get(excerpt_id) != quote):
            problems.append(Problem(path, 1, 1, f"internal: the excerpt {source_id}#{excerpt_id} is not the old quote "
                                    "verbatim"))
    if problems:
        raise MigrationError([Problem(p.path, 1, 1, f"{p.message}; nothing was written. Please report this.")
                              for p in problems])


def _without_citations(value):
    """A facts or series document without what migrating may change: each "quote", the "excerpt" and "source"
    that replace it, "as_of", and "sum_columns" (compared field by field, the rest must be equal; a series'
    "sum_columns" is only ever added: _computed_totals)."""
    if isinstance(value, dict):
        return {key: _without_citations(item) for key, item in value.items()
                if key not in ("quote", "excerpt", "source", "as_of", "sum_columns")}
    if isinstance(value, list):
        return [_without_citations(item) for item in value]
    return value
