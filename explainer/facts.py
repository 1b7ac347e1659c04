"""The fact store: Source, Fact and Series records, parsed and validated from the JSON files in data/.

Reading the files is the caller's job (side effects at the edges); this module turns their text into
records, and every problem into a `path:line:col` Problem pointing at the offending JSON value.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema

from . import fact_schema
from .errors import Problem, did_you_mean, problem_at
from .json_positions import JsonPath, offset_of, value_offsets
from .numbers import format_value


@dataclass(frozen=True)
class Location:
    """Where a record was written, so checks made later can point back at it."""

    path: Path
    text: str
    offset: int

    def problem(self, message: str, severity: str = "error") -> Problem:
        return problem_at(self.path, self.text, self.offset, message, severity)


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    url: str | None
    published: str | None
    accessed: str
    language: str
    note: str | None
    location: Location


@dataclass(frozen=True)
class Derived:
    op: str  # share (a/b*100), ratio (a/b), difference (a-b) or sum
    inputs: tuple[str, ...]
    tolerance: float


@dataclass(frozen=True)
class Fact:
    id: str
    value: float | int
    unit: str
    label: str
    as_of: str
    source_id: str
    quote: str
    approximate: bool
    decimals: int | None
    note: str | None
    derived: Derived | None
    location: Location
    source_location: Location
    quote_location: Location

    @property
    def display(self) -> str:
        return format_value(self.value, self.unit, self.decimals, self.approximate)


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    unit: str | None


@dataclass(frozen=True)
class SeriesRow:
    values: dict[str, float | int | str | None]
    source_id: str | None  # None: the series' own source covers this row
    quote: str | None
    note: str | None
    location: Location


@dataclass(frozen=True)
class Series:
    id: str
    title: str
    description: str
    key: str
    columns: tuple[Column, ...]
    sum_columns: dict[str, tuple[str, ...]]
    source_id: str | None
    quote: str | None
    rows: tuple[SeriesRow, ...]
    location: Location

    def row_source(self, row: SeriesRow) -> str | None:
        return row.source_id or self.source_id

    def row_quote(self, row: SeriesRow) -> str | None:
        return row.quote or self.quote

    def source_ids(self) -> list[str]:
        ids = [self.source_id] if self.source_id else []
        for row in self.rows:
            if row.source_id and row.source_id not in ids:
                ids.append(row.source_id)
        return ids


@dataclass
class FactStore:
    sources: dict[str, Source] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    series: dict[str, Series] = field(default_factory=dict)
    unreadable: list[Path] = field(default_factory=list)  # files that failed to parse: their records are missing

    def facts_citing(self, source_id: str) -> list[Fact]:
        return [fact for fact in self.facts.values() if fact.source_id == source_id]

    def series_citing(self, source_id: str) -> list[Series]:
        return [series for series in self.series.values() if source_id in series.source_ids()]


def load_fact_store(files: dict[Path, str]) -> tuple[FactStore, list[Problem]]:
    """Parse data/ files (path → text): sources.json, facts/*.json, series/*.json. Returns every problem."""
    store = FactStore()
    problems: list[Problem] = []
    for path in sorted(files):
        text = files[path]
        kind = _kind_of(path)
        document = _parse(path, text, kind, problems)
        if document is None:
            store.unreadable.append(path)
            continue
        offsets = value_offsets(text)
        where = lambda json_path: Location(path, text, offset_of(offsets, json_path))  # noqa: E731
        if kind == "sources":
            for index, raw in enumerate(document["sources"]):
                _add(store.sources, _source(raw, where(("sources", index))), where(("sources", index, "id")),
                     "source", problems)
        elif kind == "facts":
            for index, raw in enumerate(document["facts"]):
                fact = _fact(raw, where(("facts", index)), where(("facts", index, "source")),
                             where(("facts", index, "quote")))
                _add(store.facts, fact, where(("facts", index, "id")), "fact", problems)
        else:
            _add(store.series, _series(document, where), where(("id",)), "series", problems)
    problems += _check_references(store)
    return store, problems


def _kind_of(path: Path) -> str:
    if path.parent.name == "facts" or path.name == "facts.json":
        return "facts"
    if path.parent.name == "series":
        return "series"
    return "sources"


_SCHEMAS = {"sources": fact_schema.SOURCES, "facts": fact_schema.FACTS, "series": fact_schema.SERIES}


def _parse(path: Path, text: str, kind: str, problems: list[Problem]) -> dict | None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        position = error.pos
        if error.msg.startswith("Expecting ',' delimiter"):  # the comma is missing after the previous value
            position = len(text[:position].rstrip())
        problems.append(problem_at(path, text, position, f"this is not valid JSON: {error.msg}. "
                                   "Check for a missing comma or quote, or a trailing comma, here."))
        return None
    validator = jsonschema.Draft202012Validator(_SCHEMAS[kind])
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    if not errors:
        return document
    offsets = value_offsets(text)
    for error in errors:
        json_path: JsonPath = tuple(error.absolute_path)
        json_path, message = _explain(error, json_path)
        problems.append(problem_at(path, text, offset_of(offsets, json_path), message))
    return None


def _explain(error: jsonschema.ValidationError, json_path: JsonPath) -> tuple[JsonPath, str]:
    """A schema error in an editor's words, and the path of the value it is about."""
    where = "/".join(map(str, json_path)) or "the top level"
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return json_path, f'{where} is missing the required field "{missing}": add it.'
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = [name for name in error.instance if name not in allowed]
        name = extra[0] if extra else "?"
        return json_path + (name,), (f'unknown field "{name}" in {where}.{did_you_mean(name, allowed)} '
                                     f'Allowed fields: {", ".join(allowed)}.')
    if error.validator == "pattern" and json_path and json_path[-1] in ("id", "source") or (
            error.validator == "pattern" and json_path and isinstance(json_path[-1], int)):
        return json_path, f"{where}: {error.instance!r} is not a valid id: use lower-case words joined by hyphens."
    if error.validator == "pattern" and json_path and json_path[-1] in ("published", "accessed"):
        return json_path, f"{where}: {error.instance!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY."
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


def _source(raw: dict, location: Location) -> Source:
    return Source(raw["id"], raw["title"], raw["publisher"], raw.get("url"), raw["published"], raw["accessed"],
                  raw.get("language", "en"), raw.get("note"), location)


def _fact(raw: dict, location: Location, source_location: Location, quote_location: Location) -> Fact:
    derived = None
    if "derived" in raw:
        spec = raw["derived"]
        derived = Derived(spec["op"], tuple(spec["of"]), float(spec.get("tolerance", 0.05)))
    return Fact(raw["id"], raw["value"], raw["unit"], raw["label"], raw["as_of"], raw["source"], raw["quote"],
                raw.get("approximate", False), raw.get("decimals"), raw.get("note"), derived, location,
                source_location, quote_location)


def _series(raw: dict, where) -> Series:
    rows = tuple(
        SeriesRow({k: v for k, v in row.items() if k not in ("source", "quote", "note")}, row.get("source"),
                  row.get("quote"), row.get("note"), where(("rows", index)))
        for index, row in enumerate(raw["rows"]))
    columns = tuple(Column(c["name"], c["label"], c.get("unit")) for c in raw["columns"])
    sums = {name: tuple(parts) for name, parts in raw.get("sum_columns", {}).items()}
    return Series(raw["id"], raw["title"], raw.get("description", ""), raw["key"], columns, sums,
                  raw.get("source"), raw.get("quote"), rows, where(()))


def _check_references(store: FactStore) -> list[Problem]:
    """Every source id a fact or series names must exist, as must every input of a derived fact."""
    problems = []
    known_sources = set(store.sources)
    for fact in store.facts.values():
        if fact.source_id not in known_sources:
            problems.append(fact.source_location.problem(
                f'fact "{fact.id}" cites unknown source "{fact.source_id}".{did_you_mean(fact.source_id, known_sources)}'
                " Add the source to data/sources.json or fix the id."))
        if fact.derived:
            for input_id in fact.derived.inputs:
                if input_id not in store.facts:
                    problems.append(fact.location.problem(
                        f'derived fact "{fact.id}" is computed from unknown fact "{input_id}".'
                        f"{did_you_mean(input_id, set(store.facts))}"))
    for series in store.series.values():
        column_names = {c.name for c in series.columns}
        if series.key not in column_names:
            problems.append(series.location.problem(
                f'series "{series.id}" has key "{series.key}", which is not one of its columns.'))
        for source_id in series.source_ids():
            if source_id not in known_sources:
                problems.append(series.location.problem(
                    f'series "{series.id}" cites unknown source "{source_id}".{did_you_mean(source_id, known_sources)}'))
        for total, parts in series.sum_columns.items():
            for name in (total, *parts):
                if name not in column_names:
                    problems.append(series.location.problem(
                        f'sum_columns of series "{series.id}" names "{name}", which is not one of its columns.'
                        f"{did_you_mean(name, column_names)} The sum would never be checked."))
        for row in series.rows:
            unknown = [name for name in row.values if name not in column_names]
            if unknown:
                problems.append(row.location.problem(
                    f'row has a value for "{unknown[0]}", which is not a column of series "{series.id}".'
                    f"{did_you_mean(unknown[0], column_names)}"))
            if series.row_source(row) is None:
                problems.append(row.location.problem(
                    f'row of series "{series.id}" has no source: give the row or the whole series a "source".'))
    return problems
