"""Loading data/ into a FactStore: parsing and validating each JSON file, building the records, tying each
series fact to its cell, and checking that every id, excerpt and table cell a record names exists.

Reading the files is the caller's job (side effects at the edges); every problem becomes a `path:line:col`
Problem pointing at the offending JSON value.
"""
from __future__ import annotations

import dataclasses
import datetime
import functools
import json
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

from . import schema as fact_schema
from .dates import ISO_DATE, as_of_from_json, is_valid_date, last_day
from .derived_operations import OPERATIONS
from ..errors import Problem, did_you_mean, problem_at, root_cause
from .facts import (Acknowledgement, Citation, Claim, Column, Correction, Derived, Excerpt, ExcerptTable, Fact,
                    FactStore, Location, Series, SeriesCell, SeriesRow, SiteCorrection, Source, Text,
                    same_language)
from ..site_folder.inputs import CONTROL_CHARACTER, control_character_message
from .snapshots import check_snapshots, is_snapshot
from .json_positions import JsonPath, duplicate_key_message, first_duplicate_key, json_limits_problem, offset_of, value_offsets

if TYPE_CHECKING:  # imported where a file is validated (_schema_findings): a build whose store is kept never validates
    import jsonschema

_SCHEMAS = {"sources": fact_schema.SOURCE, "facts": fact_schema.FACTS, "series": fact_schema.SERIES,
            "claims": fact_schema.CLAIMS, "corrections": fact_schema.SITE_CORRECTIONS}
_ROW_FIELDS = set(fact_schema.ROW_FIELDS)


def load_fact_store(files: dict[Path, str], site_language: str = "en",
                    editions: tuple[str, ...] = ()) -> tuple[FactStore, list[Problem]]:
    """Parse data/ files (path → text). Excerpts not in the site's language must carry a translation. The site's
    further editions (their languages: site.json's "editions" after the first) are told where data/ has no
    words in their language (missing_words); each is shown with FactStore.in_language."""
    store = FactStore(language=site_language)
    problems: list[Problem] = []
    snapshots = {path: text for path, text in files.items() if is_snapshot(path)}
    for path in sorted(files.keys() - snapshots.keys()):
        read = _records_of_file(path, files[path], site_language)
        problems += read.problems
        if read.unreadable:  # which records the file held is a guess: later stages must not report them unknown
            store.unreadable.append(path)
        for table, record, id_location, noun in read.records:
            _add(getattr(store, table), record, id_location, noun, problems)
    # Every figure is written in the site's language ("2.914" on an Icelandic site): the one place it is set.
    # Made so by _fact: the same objects, build after build, while their file is unchanged (_records_of_file).
    store.facts = {key: fact if fact.display_language == site_language else
                   dataclasses.replace(fact, display_language=site_language) for key, fact in store.facts.items()}
    problems += check_snapshots(store, snapshots)  # each source's excerpts against its kept words
    problems += _fill_series_facts(store)
    problems += _check_references(store, site_language)
    problems += missing_words(store, editions)
    return store, _with_dependants(problems, store)


@dataclasses.dataclass(frozen=True)
class _FileRecords:
    """What one data file gives the store: each record with the table it joins, where its id is written and what
    it is called in a problem; the problems found in the file alone; whether its records are unknown (unread)."""

    records: tuple[tuple[str, object, Location, str], ...]
    problems: tuple[Problem, ...]
    unreadable: bool = False


@functools.lru_cache(maxsize=1024)
def _records_of_file(path: Path, text: str, site_language: str) -> _FileRecords:
    """The records of one data file, made once for each text of it: the preview loads every data file again after
    one is edited, and parsing, checking and placing the project's fifty took 20 ms of a fact edit's rebuild. Its
    records are frozen, so the same objects serve every build that reads the same text."""
    problems: list[Problem] = []
    records: list[tuple[str, object, Location, str]] = []
    kind = kind_of(path)
    document, listed = _parse(path, text, kind, problems)
    if document is None:
        return _FileRecords((), tuple(problems), unreadable=not listed)
    offsets = value_offsets(text)
    where = lambda json_path: Location(path, text, offset_of(offsets, json_path))  # noqa: E731
    if kind == "sources":
        source = _source(document, where, problems, site_language)
        if source.id != path.stem:
            problems.append(where(("id",)).problem(
                f'source id "{source.id}" differs from its file name "{path.name}": name the file {source.id}.json.'))
        records.append(("sources", source, where(("id",)), "source"))
    elif kind == "facts":
        for index, raw in enumerate(document["facts"]):
            if raw is None:  # failed its schema: reported, and only this fact is missing
                continue
            records.append(("facts", _fact(raw, lambda p, i=index: where(("facts", i, *p)), site_language),
                            where(("facts", index, "id")), "fact"))
    elif kind == "series":
        records.append(("series", _series(document, where, site_language), where(("id",)), "series"))
    elif kind == "corrections":
        for index, raw in enumerate(document["corrections"]):
            if raw is not None:
                records.append(("site_corrections", _site_correction(raw, where(("corrections", index)), site_language),
                                where(("corrections", index, "id")), "correction"))
    else:
        for index, raw in enumerate(document["claims"]):
            if raw is None:
                continue
            records.append(("claims", _claim(raw, lambda p, i=index: where(("claims", i, *p)), site_language),
                            where(("claims", index, "id")), "claim"))
    return _FileRecords(tuple(records), tuple(problems))


def _with_dependants(problems: list[Problem], store: FactStore) -> list[Problem]:
    """Each root cause also loses the facts that take their value from what it lost: a cell of its series, or
    a derived fact computed from one (their checks would fail on a stand-in value, and are its echoes too)."""
    roots = [problem for problem in problems if problem.lost_ids]
    if not roots:
        return problems
    closures = {}
    for root in roots:
        lost = dict.fromkeys(root.lost_ids)
        while True:
            found = [fact.id for fact in store.facts.values() if fact.id not in lost and (
                fact.series_cell is not None and fact.series_cell.series_id in lost
                or fact.derived is not None and any(input_id in lost for input_id in fact.derived.inputs))]
            if not found:
                break
            lost.update(dict.fromkeys(found))
        closures[root] = root_cause(root, lost)
    return [closures.get(problem, problem) for problem in problems]


def kind_of(path: Path) -> str:
    if path.parent.name == "facts":
        return "facts"
    if path.parent.name == "series":
        return "series"
    if path.name == "claims.json":
        return "claims"
    if path.name == "corrections.json":
        return "corrections"
    return "sources"


def _parse(path: Path, text: str, kind: str, problems: list[Problem]) -> tuple[dict | None, bool]:
    """The document, with each record of a facts or claims file that fails its schema replaced by None; or None
    when the file is lost as a whole. Second: whether the lost records are known (False: guessed from the text).

    Every problem found here is a root cause (errors.root_cause) carrying the ids of the records it lost, so
    that what names them elsewhere is held back as its echo rather than reported as unknown.
    """
    limit = json_limits_problem(text)
    if limit is not None:  # too big or too deep to parse safely: json.loads would recurse past Python's stack
        offset, message = limit
        problems.append(root_cause(problem_at(path, text, offset, message), _ids_written_in(path, text, kind)))
        return None, kind in ("sources", "claims", "corrections")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        position = error.pos
        if error.msg.startswith("Expecting ',' delimiter"):  # the comma is missing after the previous value
            position = len(text[:position].rstrip())
        problem = problem_at(path, text, position, f"this is not valid JSON: {error.msg}. "
                             "Check for a missing comma or quote, or a trailing comma, here.")
        problems.append(root_cause(problem, _ids_written_in(path, text, kind)))
        return None, kind in ("sources", "claims", "corrections")  # a source's id is its file's name; no id names a claim
    duplicate = first_duplicate_key(text)
    if duplicate is not None:  # json.loads kept the last silently: which one the editor meant is unknown
        problem = problem_at(path, text, duplicate[0], duplicate_key_message(duplicate[1]))
        problems.append(root_cause(problem, _ids_written_in(path, text, kind)))
        return None, kind in ("sources", "claims", "corrections")
    findings = _schema_findings(kind, text)
    offsets = value_offsets(text) if findings else None
    broken: dict[int | None, list[tuple[JsonPath, str]]] = {}  # record index (None: the whole file) → problems
    for json_path, message in findings:
        broken.setdefault(_record_index(kind, json_path), []).append((json_path, message))
    failed_schema = set(broken)
    if None not in broken:  # in the records that passed their schema, does each date name a real month and day?
        for json_path, message in _impossible_values(document, ()):
            record = _record_index(kind, json_path)
            if record not in failed_schema:
                broken.setdefault(record, []).append((json_path, f'{"/".join(map(str, json_path))}: {message}'))
        # … and does each derived figure name as many inputs as its operation takes? A record that does not is
        # dropped like one that fails its schema: its card would write inputs its check never computed.
        for json_path, message in _operation_problems(document, kind):
            record = _record_index(kind, json_path)
            if record not in failed_schema:
                broken.setdefault(record, []).append((json_path, message))
        # … and does each total of a series name its columns? A series that does not is dropped: its cards
        # would show parts that do not exist.
        for json_path, message in _sum_columns_problems(document, kind):
            broken.setdefault(None, []).append((json_path, message))
    if not broken:
        return document, True
    offsets = offsets or value_offsets(text)
    records = document.get(kind) if kind in ("facts", "claims", "corrections") and None not in broken else None
    for index, found in broken.items():
        if records is not None:
            raw = records[index]
            lost = [raw["id"]] if isinstance(raw, dict) and isinstance(raw.get("id"), str) else []
        else:
            lost = _ids_of_document(path, document, kind)
        for json_path, message in found:
            problems.append(root_cause(problem_at(path, text, offset_of(offsets, json_path), message), lost))
    if records is None:
        known = {"sources": True, "claims": True, "corrections": True, "series": isinstance(document, dict) and isinstance(
            document.get("id"), str), "facts": isinstance(document, dict) and isinstance(document.get("facts"), list)}
        return None, known[kind]
    return {**document, kind: [None if index in broken else raw for index, raw in enumerate(records)]}, True


@functools.lru_cache(maxsize=1024)
def _schema_findings(kind: str, text: str) -> tuple[tuple[JsonPath, str], ...]:
    """What the schema of its kind finds wrong in a file's JSON text (valid JSON), each (where, in the editor's
    words), in document order. Validating is most of the time loading data/ takes, and a preview loads every data
    file again after one is edited: the same text of the same kind always has the same findings."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_SCHEMAS[kind])
    errors = sorted(validator.iter_errors(json.loads(text)), key=lambda e: list(map(str, e.absolute_path)))
    return tuple(_explain(error, tuple(error.absolute_path)) for error in errors)


def _record_index(kind: str, json_path: JsonPath) -> int | None:
    """Which record of a facts or claims file a problem is in; None: the file as a whole (a source or series
    file is one record)."""
    if kind in ("facts", "claims", "corrections") and len(json_path) >= 2 and json_path[0] == kind and isinstance(json_path[1], int):
        return json_path[1]
    return None


def _ids_of_document(path: Path, document, kind: str) -> list[str]:
    """The ids of the records a document that failed its schema as a whole would have given."""
    if kind == "sources":
        return [path.stem, *([document["id"]] if isinstance(document, dict) and isinstance(document.get("id"), str)
                             else [])]
    if kind == "series":
        return [document["id"]] if isinstance(document, dict) and isinstance(document.get("id"), str) else []
    records = document.get(kind) if isinstance(document, dict) else None
    return [raw["id"] for raw in records if isinstance(raw, dict) and isinstance(raw.get("id"), str)] \
        if isinstance(records, list) else []


_WRITTEN_ID = re.compile(r'"id"\s*:\s*"([^"\\]+)"')


def _ids_written_in(path: Path, text: str, kind: str) -> list[str]:
    """The ids a file that is not valid JSON seems to give: a source's is its file's name; a series' is its
    first "id"; a facts file's are all of them (a guess: the file's facts are also kept out of later stages)."""
    written = _WRITTEN_ID.findall(text)
    if kind == "sources":
        return [path.stem, *written[:1]]
    if kind == "series":
        return written[:1]
    return written if kind == "facts" else []


_DATE_FIELDS = {"published", "accessed", "as_of", "start", "end", "date", "next_update"}


# A lone surrogate ("\\ud800" in a JSON escape) is no character at all: it cannot be written as UTF-8.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _impossible_values(value, json_path: JsonPath):
    """(path, what is wrong) for values the schema lets through but no page may show: a date naming no real
    month or day ("2025-13"), a number that is not finite (NaN, Infinity, 1e309), a control character."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _DATE_FIELDS and isinstance(item, str) and not is_valid_date(item):
                yield (*json_path, key), (f'"{item}" is no date: write YYYY-MM-DD, YYYY-MM or YYYY with a month '
                                          "from 01 to 12 and a day from 01 to 31.")
            else:
                yield from _impossible_values(item, (*json_path, key))
        start, end = value.get("start"), value.get("end")  # a period (an as-of date from start to end)
        if isinstance(start, str) and isinstance(end, str) and is_valid_date(start) and is_valid_date(end) \
                and last_day(end) < _first_day(start):
            yield (*json_path, "end"), (f'the period ends ("{end}") before it starts ("{start}"): swap "start" '
                                        'and "end", or correct the one that is wrong.')
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _impossible_values(item, (*json_path, index))
    elif isinstance(value, float) and not math.isfinite(value):
        yield json_path, f"{value} is not a number a page can show: write a finite number."
    elif isinstance(value, str) and (surrogate := _LONE_SURROGATE.search(value)):
        yield json_path, (f"the text holds a lone surrogate U+{ord(surrogate.group(0)):04X} (half of an escaped "
                          "character pair), which is no character: write the character itself.")
    elif isinstance(value, str) and (control := CONTROL_CHARACTER.search(value)):
        yield json_path, control_character_message(control.group(0))


def _first_day(iso: str) -> datetime.date:
    """The first day a valid ISO date names: "2027" → 2027-01-01, "2027-02" → 2027-02-01, a day itself."""
    year, month, day = ISO_DATE.match(iso).groups()
    return datetime.date(int(year), int(month or 1), int(day or 1))


def _sum_columns_problems(document, kind: str):
    """(path of the name, what is wrong) for each name in a series' "sum_columns" that is not one of its columns."""
    if kind != "series" or not isinstance(document.get("sum_columns"), dict):
        return
    names = [column.get("name") for column in document.get("columns", []) if isinstance(column, dict)]
    for total, parts in document["sum_columns"].items():
        if total not in names:
            yield ("sum_columns", total), (f'sum_columns of series "{document.get("id")}" names "{total}", which is '
                                           f"not one of its columns.{did_you_mean(total, names)} Name the column "
                                           "that holds the total.")
        for index, name in enumerate(parts):
            if name not in names:
                yield ("sum_columns", total, index), (
                    f'sum_columns of series "{document.get("id")}" names "{name}", which is not one of its columns.'
                    f"{did_you_mean(name, names)} Name the columns whose figures add up to {total}.")


def _operation_problems(document, kind: str):
    """(path of "of", what is wrong) for each derived fact or series column whose "of" names a count of inputs
    its operation does not take (derived_operations.Operation.count_problem). Records that failed their schema
    may have any shape here: they are skipped by what they hold, and by the caller."""
    if kind == "facts":
        records = [(("facts", index), raw, f'derived fact "{raw.get("id")}"', "facts")
                   for index, raw in enumerate(document.get("facts", [])) if isinstance(raw, dict)]
    elif kind == "series":
        records = [(("columns", index), raw, f'column "{raw.get("name")}" of series "{document.get("id")}"',
                    "columns") for index, raw in enumerate(document.get("columns", [])) if isinstance(raw, dict)]
    else:
        return
    for json_path, raw, whose, inputs in records:
        derived = raw.get("derived")
        if not (isinstance(derived, dict) and derived.get("op") in OPERATIONS and isinstance(derived.get("of"), list)):
            continue
        message = OPERATIONS[derived["op"]].count_problem(len(derived["of"]), whose, inputs)
        if message is not None:
            yield (*json_path, "derived", "of"), message


# Fields of the fact store before excerpts (data/sources.json, a "quote" on each fact, series and row):
# `python build.py migrate` moves a site from it (explainer/site_folder/migrate.py).
OLD_FIELDS = ("quote",)


def old_field_message(name: str) -> str:
    return (f'unknown field "{name}": a field of the old fact store; run python build.py migrate to move this '
            "site to the current one (docs/migrate.md).")


def _explain(error: jsonschema.ValidationError, json_path: JsonPath) -> tuple[JsonPath, str]:
    """A schema error in an editor's words, and the path of the value it is about."""
    where = "/".join(map(str, json_path)) or "the top level"
    last = json_path[-1] if json_path else None
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return json_path, f'{where} is missing the required field "{missing}": add it.'
    if error.validator == "oneOf":
        return json_path, f"{where}: an excerpt has either \"text\" (the source's words) or \"table\", not both or neither."
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = [name for name in error.instance if name not in allowed]
        name = extra[0] if extra else "?"
        if name in OLD_FIELDS:  # never "did you mean" another field: "note" would turn the source's words into ours
            return json_path + (name,), old_field_message(name)
        return json_path + (name,), (f'unknown field "{name}" in {where}.{did_you_mean(name, allowed)} '
                                     f'Allowed fields: {", ".join(allowed)}.')
    if error.validator == "pattern" and last in ("language",):
        return json_path, f"{where}: {error.instance!r} is not a language tag: write e.g. en, ko, zh, is or pt-BR."
    if error.validator == "pattern" and last in ("url", "archived_url"):
        scheme = "https" if last == "archived_url" else "http(s)"
        return json_path, f"{where}: {error.instance!r} is not an address: write the page's full {scheme}:// address."
    if error.validator == "pattern" and last in ("published", "accessed", "date", "start", "end", "as_of",
                                                 "next_update"):
        return json_path, f"{where}: {error.instance!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY."
    if error.validator == "pattern":
        return json_path, f"{where}: {error.instance!r} is not a valid id: use lower-case words joined by hyphens."
    if error.validator == "anyOf" and last == "as_of":
        return json_path, (f"{where}: {error.instance!r} is not a date or period: write \"2025\", \"2025-05\", "
                           '"2025-05-14" or {"start": "1997-07", "end": "2011-12"}.')
    if error.validator == "anyOf" and any("propertyNames" in branch for branch in error.validator_value):
        return json_path, (f"{where}: expected string (the words in the site's language) or the words per language, "
                           f'e.g. {{"en": "…", "ko": "…"}}, found {error.instance!r}.')
    if error.validator == "enum":
        options = ", ".join(map(str, error.validator_value))
        return json_path, f"{where}: {error.instance!r} is not one of the allowed values: {options}."
    if error.validator == "type":
        expected = error.validator_value
        hint = " (write numbers without quotes or thousands separators: 2914, not \"2,914\")" \
            if "number" in (expected if isinstance(expected, list) else [expected]) else ""
        return json_path, f"{where}: expected {expected}, found {type(error.instance).__name__}{hint}."
    return json_path, f"{where}: {error.message}."


def _add(table: dict, record, id_location: Location, kind: str, problems: list[Problem]) -> None:
    if record.id in table:
        first = table[record.id].location
        problems.append(id_location.problem(
            f'duplicate {kind} id "{record.id}" (first defined at {first.path.name}); give each {kind} its own id.'))
        return
    table[record.id] = record


def _citation(raw: dict) -> Citation | None:
    if "source" not in raw:
        return None
    cell = raw.get("cell", {})
    return Citation(raw["source"], raw.get("excerpt"), cell.get("row"), cell.get("column"), raw.get("highlight"))


def _source(raw: dict, where, problems: list[Problem], site_language: str) -> Source:
    language = raw.get("language", "en")
    excerpts = {}
    for index, item in enumerate(raw.get("excerpts", [])):
        table = item.get("table")
        if item["id"] in excerpts:
            problems.append(where(("excerpts", index, "id")).problem(
                f'duplicate excerpt id "{item["id"]}" in source "{raw["id"]}": give each excerpt its own id.'))
            continue
        excerpts.setdefault(item["id"], Excerpt(
            item["id"], raw["id"], item.get("language", language), item.get("text"),
            ExcerptTable(tuple(table["header"]), tuple(map(tuple, table["rows"]))) if table else None,
            Text.from_json(item.get("translation"), site_language), where(("excerpts", index))))
    return Source(raw["id"], raw["title"], raw.get("title_language", language),
                  Text.from_json(raw.get("title_translation"), site_language), raw["publisher"], raw.get("url"),
                  raw["published"], raw["accessed"], language, Text.from_json(raw.get("note"), site_language),
                  excerpts, where(()), raw.get("kind"), raw.get("archived_url"), raw.get("next_update"))


def _fact(raw: dict, where, language: str) -> Fact:
    derived = None
    if "derived" in raw:
        spec = raw["derived"]
        derived = Derived(spec["op"], tuple(spec["of"]), float(spec.get("tolerance", 0.05)))
    cell = raw.get("series")
    corrections = tuple(Correction(item["value"], item["date"], Text.from_json(item["reason"], language),
                                   _citation(item)) for item in raw.get("corrections", []))
    cited_at = ("source",) if "source" in raw else ("series",) if cell else ()
    return Fact(raw["id"], raw.get("value"), raw["unit"], Text.from_json(raw["label"], language),
                as_of_from_json(raw["as_of"]),
                _citation(raw), SeriesCell(cell["id"], cell["row"], cell["column"]) if cell else None, derived,
                raw.get("approximate", False), raw.get("provisional", False), raw.get("decimals"),
                Text.from_json(raw.get("note"), language), corrections, where(()), where(cited_at),
                Acknowledgement(raw["acknowledged"], where(("acknowledged",))) if "acknowledged" in raw else None,
                display_language=language)


def _series(raw: dict, where, language: str) -> Series:
    figures = frozenset(c["name"] for c in raw["columns"] if c["name"] != raw["key"])
    # A row without its own source still places itself in the series' table: {"cell": {"column": "'09"}}.
    rows = tuple(
        SeriesRow({k: v for k, v in row.items() if k not in _ROW_FIELDS},
                  _citation(row if "source" in row or not ("cell" in row or "highlight" in row)
                            else {**row, "source": raw.get("source"), "excerpt": raw.get("excerpt")}),
                  Text.from_json(row.get("note"), language), where(("rows", index)),
                  # "approximate": true rounds every figure of the row; a list names the columns
                  figures if row.get("approximate") is True else frozenset(row.get("approximate") or ()))
        for index, row in enumerate(raw["rows"]))
    columns = tuple(Column(c["name"], Text.from_json(c["label"], language), c.get("unit"), c.get("table_row"),
                           c.get("table_column"),
                           Derived(c["derived"]["op"], tuple(c["derived"]["of"]),
                                   float(c["derived"].get("tolerance", 0.05))) if "derived" in c else None)
                    for c in raw["columns"])
    sums = {name: tuple(parts) for name, parts in raw.get("sum_columns", {}).items()}
    return Series(raw["id"], Text.from_json(raw["title"], language),
                  Text.from_json(raw.get("description", ""), language), raw["key"], columns, sums, _citation(raw), rows,
                  where(()))


def _claim(raw: dict, where, language: str) -> Claim:
    return Claim(raw["id"], _citation(raw), raw["verdict"], Text.from_json(raw["finding"], language),
                 tuple(_citation(item) for item in raw.get("evidence", [])), where(()), raw["key"])


def _site_correction(raw: dict, location: Location, language: str) -> SiteCorrection:
    return SiteCorrection(raw["id"], raw["date"], tuple(raw["pages"]), Text.from_json(raw["before"], language),
                          Text.from_json(raw["after"], language), Text.from_json(raw["reason"], language), location)


def _fill_series_facts(store: FactStore) -> list[Problem]:
    """A fact that is a cell of a series takes its value and citation from that cell: one figure, one place."""
    problems = []
    for fact in list(store.facts.values()):
        cell = fact.series_cell
        if cell is None:
            if fact.value is None:
                problems.append(fact.location.problem(
                    f'fact "{fact.id}" has no "value": give it one, or take it from a series with '
                    '"series": {"id", "row", "column"}.'))
                store.facts[fact.id] = dataclasses.replace(fact, value=0)
            continue
        where = fact.citation_location
        series = store.series.get(cell.series_id)
        row = series.row_by_key(cell.row) if series else None
        value = row.values.get(cell.column) if row else None
        if series is None:
            problems.append(where.problem(f'fact "{fact.id}" takes its value from unknown series "{cell.series_id}".'
                                          f"{did_you_mean(cell.series_id, set(store.series))}"))
        elif row is None:
            keys = [str(r.values.get(series.key)) for r in series.rows]
            problems.append(where.problem(f'series "{series.id}" has no row "{cell.row}".{did_you_mean(cell.row, keys)}'))
        elif series.column(cell.column) is None or not isinstance(value, (int, float)):
            names = [c.name for c in series.columns if c.name != series.key]
            problems.append(where.problem(
                f'series "{series.id}" row "{cell.row}" has no number in column "{cell.column}".'
                f"{did_you_mean(cell.column, names)} Columns: {', '.join(names)}."))
        elif fact.value is not None:
            problems.append(where.problem(
                f'fact "{fact.id}" gives a "value" and also takes it from series "{series.id}": remove "value", so '
                "the figure is written in one place only."))
        elif fact.citation is not None:
            problems.append(where.problem(
                f'fact "{fact.id}" cites a source and also takes its value from series "{series.id}": remove '
                '"source"/"excerpt"; the series row says where the figure comes from.'))
        else:
            store.facts[fact.id] = dataclasses.replace(fact, value=value,
                                                       citation=series.cell_citation(row, cell.column),
                                                       approximate=fact.approximate or row.is_approximate(cell.column))
            continue
        store.facts[fact.id] = dataclasses.replace(fact, value=fact.value if fact.value is not None else 0)
    return problems


def _texts(store: FactStore):
    """Every Text of data/ a reader sees, as (what it is, field, Text, where it is written), translations of a
    source's words apart: (…, the language of the words it translates)."""
    for fact in dict.values(store.facts):
        what = f'fact "{fact.id}"'
        yield what, "label", fact.label, fact.location, None
        yield what, "note", fact.note, fact.location, None
        for correction in fact.corrections:
            yield what, "corrections' reason", correction.reason, fact.location, None
    for series in dict.values(store.series):
        what = f'series "{series.id}"'
        yield what, "title", series.title, series.location, None
        yield what, "description", series.description, series.location, None
        for column in series.columns:
            yield f'{what}, column "{column.name}"', "label", column.label, series.location, None
        for row in series.rows:
            yield f"{what}, row {row.values.get(series.key)}", "note", row.note, row.location, None
    for claim in dict.values(store.claims):
        yield f'claim "{claim.id}"', "finding", claim.finding, claim.location, None
    for correction in dict.values(store.site_corrections):
        yield f'correction "{correction.id}"', "reason", correction.reason, correction.location, None
    for source in dict.values(store.sources):
        what = f'source "{source.id}"'
        yield what, "note", source.note, source.location, None
        yield what, "title_translation", source.title_translation, source.location, source.title_language
        for excerpt in source.excerpts.values():
            yield (f'{what}, excerpt "{excerpt.id}"', "translation", excerpt.translation, excerpt.location,
                   excerpt.language)


def missing_words(store: FactStore, editions: tuple[str, ...]) -> list[Problem]:
    """Where data/ gives no words in a language that shows them: the default language's words missing from an
    object is an error (its edition would show nothing); a further edition's, a warning (it shows the default
    language's words). A translation is needed only where the words it translates are in another language."""
    problems = []
    further = [language for language in editions if not same_language(language, store.language)]
    for what, name, text, location, translates in _texts(store):
        if translates is None:
            if isinstance(text, Text) and not text.has(store.language):
                problems.append(location.problem(
                    f'{what}: "{name}" gives no words in "{store.language}", the site\'s language: add '
                    f'"{store.language}": "…" to it.'))
            needing = further if text else []
        else:  # the excerpt's (or title's) own language needs none; a missing default one _check_references says
            needing = [language for language in further if not same_language(language, translates)]
        for language in needing:
            if text is None or not text.has(language):
                shown = "nothing" if translates is not None and same_language(translates, store.language) \
                    else f'the "{store.language}" words'
                problems.append(location.problem(
                    f'{what}: "{name}" has no "{language}" words, so the "{language}" edition shows {shown}: '
                    f'write it as {{"{store.language}": "…", "{language}": "…"}}.'
                    if translates is None else
                    f'{what}: "{name}" has no "{language}" translation, so the "{language}" edition shows '
                    f'{shown}: add "{language}": "…" (our translation) to "{name}".', "warning"))
    # What a correction quotes needs the words as published; our translation of them into an edition's language
    # is optional: without one, that edition shows the published words alone, marked as such.
    for correction in dict.values(store.site_corrections):
        for name in ("before", "after"):
            if not getattr(correction, name):
                problems.append(correction.location.problem(
                    f'correction "{correction.id}": "{name}" gives no words in "{store.language}", the language the '
                    f'page was published in: add "{store.language}": "…" to it (other languages are our translation).'))
    return problems


def _check_references(store: FactStore, site_language: str) -> list[Problem]:
    """Every source, excerpt, table cell and fact a record names must exist; foreign words need a translation."""
    problems = []
    texts: dict[str, Excerpt] = {}
    for source in store.sources.values():
        if source.title_language != site_language and not source.title_translation:
            problems.append(source.location.problem(
                f'source "{source.id}" has a title in "{source.title_language}": add "title_translation" in the '
                f'site\'s language ("{site_language}"), or "title_language" if the title is not in the source\'s.'))
        for excerpt in source.excerpts.values():
            if excerpt.language != site_language and not excerpt.translation:
                problems.append(excerpt.location.problem(
                    f'excerpt "{excerpt.id}" of source "{source.id}" is in "{excerpt.language}": add a "translation" '
                    f'into the site\'s language ("{site_language}"), so readers can check it.'))
            first = texts.setdefault(" ".join(excerpt.words.split()), excerpt)
            if first is not excerpt:
                problems.append(excerpt.location.problem(
                    f'excerpt "{excerpt.id}" repeats the words of excerpt "{first.id}" of source "{first.source_id}": '
                    "keep one excerpt and point every fact at it."))
    for fact in store.facts.values():
        if fact.citation is None and fact.derived is None and fact.series_cell is None:
            problems.append(fact.location.problem(
                f'fact "{fact.id}" says nowhere where its value comes from: give "source" and "excerpt", a '
                '"series" cell, or "derived".'))
        if fact.series_cell is None:
            problems += _check_citation(fact.citation, store, fact.citation_location, f'fact "{fact.id}"')
        for correction in fact.corrections:
            problems += _check_citation(correction.citation, store, fact.location, f'a correction of "{fact.id}"')
        if fact.derived:
            for input_id in fact.derived.inputs:
                if input_id not in store.facts:
                    problems.append(fact.location.problem(
                        f'derived fact "{fact.id}" is computed from unknown fact "{input_id}".'
                        f"{did_you_mean(input_id, set(store.facts))}"))
    for series in store.series.values():
        problems += _check_series(series, store)
    for claim in store.claims.values():
        for citation in (claim.citation, *claim.evidence):
            problems += _check_citation(citation, store, claim.location, f'claim "{claim.id}"')
    return problems


def _check_citation(citation: Citation | None, store: FactStore, where: Location, whose: str) -> list[Problem]:
    if citation is None:
        return []
    source = store.sources.get(citation.source_id)
    if source is None:
        return [where.problem(f'{whose} cites unknown source "{citation.source_id}".'
                              f"{did_you_mean(citation.source_id, set(store.sources))} Add a file for it in "
                              "data/sources/ or fix the id.")]
    if citation.excerpt_id is None:
        return [where.problem(f'{whose} names no "excerpt" of source "{source.id}": add the excerpt that states it.'
                              f" Its excerpts: {', '.join(source.excerpts) or 'none yet'}.")]
    excerpt = source.excerpts.get(citation.excerpt_id)
    if excerpt is None:
        return [where.problem(f'source "{source.id}" has no excerpt "{citation.excerpt_id}".'
                              f"{did_you_mean(citation.excerpt_id, set(source.excerpts))} Add it to "
                              f"data/sources/{source.id}.json or fix the id.")]
    if excerpt.table is None:
        if citation.row or citation.column:
            return [where.problem(f'{whose} names a table cell, but excerpt "{excerpt.id}" is text: remove "cell".')]
        return []
    table = excerpt.table
    if citation.row is None or citation.column is None:
        return [where.problem(f'{whose} cites the table "{excerpt.id}" without saying which cell: add "cell": '
                              '{"row": …, "column": …}.')]
    if citation.row not in table.row_labels():
        return [where.problem(f'table "{excerpt.id}" has no row "{citation.row}".'
                              f"{did_you_mean(citation.row, table.row_labels())} Rows: {', '.join(table.row_labels())}.")]
    if table.column_place(citation.column) in (None, 0) and citation.column not in table.header[1:]:  # scan: rare
        return [where.problem(f'table "{excerpt.id}" has no column "{citation.column}".'
                              f"{did_you_mean(citation.column, list(table.header[1:]))}")]
    return []


def _check_series(series: Series, store: FactStore) -> list[Problem]:
    problems = []
    column_names = {c.name for c in series.columns}
    if series.key not in column_names:
        problems.append(series.location.problem(
            f'series "{series.id}" has key "{series.key}", which is not one of its columns.'))
    for column in series.columns:
        if column.derived is None:
            continue
        if column.name == series.key:
            problems.append(series.location.problem(
                f'the key column "{column.name}" of series "{series.id}" cannot be derived: remove "derived".'))
        for name in column.derived.inputs:
            if name not in column_names or name in (series.key, column.name):
                problems.append(series.location.problem(
                    f'column "{column.name}" of series "{series.id}" is computed from "{name}", which is not '
                    f"another figure column of the series.{did_you_mean(name, column_names)} Name the columns of "
                    "the same row it is computed from."))
    for fact in store.facts.values():
        cell = fact.series_cell
        column = series.column(cell.column) if cell and cell.series_id == series.id else None
        if column is not None and column.derived is not None:
            problems.append(fact.citation_location.problem(
                f'fact "{fact.id}" takes its value from column "{column.name}" of series "{series.id}", which is '
                "computed, not stated by a source: make the fact derived from the facts of the cells "
                f'({", ".join(column.derived.inputs)}), so its card shows the working.'))
    numeric = [c.name for c in series.columns if c.name != series.key]
    for row in series.rows:
        unknown = [name for name in row.values if name not in column_names]
        for name in sorted(row.approximate - (column_names - {series.key})):
            problems.append(row.location.problem(
                f'"approximate" names "{name}", which is not a figure column of series "{series.id}".'
                f"{did_you_mean(name, column_names - {series.key})} Name the columns whose figures are rounded, "
                'or write "approximate": true for all of them.'))
        if unknown and unknown[0] in OLD_FIELDS:
            offset = row.location.text.find(f'"{unknown[0]}"', row.location.offset)
            problems.append(dataclasses.replace(row.location, offset=offset if offset != -1 else row.location.offset)
                            .problem(old_field_message(unknown[0])))
        elif unknown:
            problems.append(row.location.problem(
                f'row has a value for "{unknown[0]}", which is not a column of series "{series.id}".'
                f"{did_you_mean(unknown[0], column_names)}"))
        citation = series.row_citation(row)
        if citation is not None and citation.source_id not in store.sources:
            problems += _check_citation(citation, store, row.location, f'row of series "{series.id}"')
            continue
        if citation is None:
            problems.append(row.location.problem(
                f'row of series "{series.id}" has no source: give the row or the whole series a "source".'))
            continue
        for name in numeric:
            if isinstance(row.values.get(name), (int, float)):
                found = _check_citation(series.cell_citation(row, name), store, row.location,
                                        f'{series.id} {row.values.get(series.key)} ({name})')
                problems += found
                if found:
                    break
    return problems
