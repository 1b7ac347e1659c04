"""The records of the fact store: sources and their excerpts, facts, series and claims.

Loading them from data/ is store_loading's job; these records are what every later stage reads. Each
excerpt is written once, in its source; a fact or a series row points at it through a Citation.
"""
from __future__ import annotations

import bisect
import dataclasses
import datetime
import hashlib
import json
import re
from collections.abc import KeysView, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .dates import AsOf, is_valid_date, last_day
from .derived_operations import OPERATIONS, Operation
from ..errors import Problem, problem_at
from .numbers import format_value
from ..incremental.reads import Recorded, RecordedTable, not_recording, remembered
from ..render.words import lazy_gettext


# A dataclass (its fields typed, and kept builds may hold it: incremental/kept_pickle.py) that is also the str it
# shows: equal to, and hashed as, that text.
@dataclass(frozen=True, eq=False, repr=False, init=False)
class Text(str):
    """Words of data/ readers see (a label, a note, a translation), given in one language or several: data/ writes
    a string, in the site's default language, or {"en": "...", "ko": "..."}.

    It is the text in the language its store shows (a str: every stage reads it as one), and keeps every language
    it was given, so FactStore.in_language shows it in another. `in_language(tag)` asks for one language's
    words; a language it lacks falls back to the default language's (missing_words reports it)."""

    languages: tuple[tuple[str, str], ...]  # every language given, (tag, words), tag as written
    default: str  # the site's default language: what a missing language falls back to

    def __new__(cls, shown: str, languages: Mapping[str, str], default: str) -> Text:
        text = super().__new__(cls, shown)
        object.__setattr__(text, "languages", tuple(sorted(dict(languages).items())))
        object.__setattr__(text, "default", default)
        return text

    @classmethod
    def from_json(cls, raw: str | Mapping[str, str] | None, default: str) -> Text | None:
        """data/'s value (a string in the default language, or language → words), shown in the default
        language: "" (falsy) when it gives none, so a translation only into Korean is no English one."""
        if raw is None:
            return None
        languages = {default: raw} if isinstance(raw, str) else dict(raw)
        return cls(_pick(languages, default) or "", languages, default)

    def in_language(self, language: str, default: str | None = None) -> str | None:
        """The words in this language (an exact tag, else the same primary language: "ko" for "ko-KR"), or
        `default` when it was given none."""
        found = _pick(dict(self.languages), language)
        return default if found is None else found

    def has(self, language: str) -> bool:
        return self.in_language(language) is not None

    def shown_in(self, language: str) -> Text:
        """The same words, shown in this language, or in the default language where it has none."""
        shown = self.in_language(language, self.in_language(self.default, ""))
        return Text(shown, dict(self.languages), self.default)

    def __reduce__(self):  # pickled (the kept build, the Markdown workers) as its languages, never its __dict__
        return Text, (str(self), dict(self.languages), self.default)

    def __repr__(self) -> str:
        # One language: as the string it was before there were others (what fingerprints of records read), so
        # a site with one edition keeps every key. Several: every language's words.
        if self.languages == ((self.default, str(self)),):
            return str.__repr__(self)
        return f"Text({str.__repr__(self)}, {self.languages!r})"


def _pick(languages: Mapping[str, str], language: str) -> str | None:
    if language in languages:
        return languages[language]
    primary = language.split("-")[0].lower()
    return next((words for tag, words in languages.items() if tag.split("-")[0].lower() == primary), None)


def same_language(one: str, other: str) -> bool:
    """Whether two tags name the same language for a reader ("ko", "ko-KR"): the primary subtag."""
    return one.split("-")[0].lower() == other.split("-")[0].lower()


@dataclass(frozen=True)
class Location:
    """Where a record was written, so checks made later can point back at it."""

    path: Path
    text: str
    offset: int

    def problem(self, message: str, severity: str = "error") -> Problem:
        return problem_at(self.path, self.text, self.offset, message, severity)

    def read_fingerprint(self) -> tuple:
        """What a page could show of it (incremental/reads.py): its file, its offset (a site's template may print it)
        and its line, not the whole file's text, so an edit elsewhere in the file that moves nothing before it is
        not a change of every record written there."""
        return str(self.path), self.offset, _line_fingerprint(self.text, self.offset)


def _line_fingerprint(text: str, offset: int) -> str:
    """The line of text that holds offset: itself when short, else its digest. Found through the text's line starts
    and digested once per line, so a data file written on one line (every record on it) costs its length once, not
    once per record."""
    starts = _line_starts(text)
    line = bisect.bisect_right(starts, offset) - 1
    end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
    return _line_digest(text, starts[line], end)


@lru_cache(maxsize=64)  # the data files of a build; a text's hash is computed once and kept by the text itself
def _line_starts(text: str) -> tuple[int, ...]:
    return (0, *(found.end() for found in re.finditer("\n", text)))


@lru_cache(maxsize=4096)
def _line_digest(text: str, start: int, end: int) -> str:
    line = text[start:end]
    return line if len(line) <= 256 else "sha256:" + hashlib.sha256(line.encode("utf-8")).hexdigest()


def _fields_only(record: Any) -> dict:
    """What a record with lookup memos pickles (the Markdown workers, the kept build): its fields, not the memos
    (names starting with "_"), which the copy builds again on its first lookup."""
    return {name: value for name, value in record.__dict__.items() if not name.startswith("_")}


@dataclass(frozen=True)
class ExcerptTable:
    """A table as the source prints it: header[0] heads the row labels; each row's first cell is its label.

    A series of 100,000 rows is checked cell by cell against its table, so every lookup goes through one index
    built on the first (_positions): a dict lookup, never a scan of the rows or the header."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    __getstate__ = _fields_only

    @cached_property
    def _positions(self) -> tuple[dict[str, tuple[str, ...]], dict[str, int]]:
        """(row label → row, header text → its place): the first of a repeated label or header, as a scan finds.
        Not a field: no comparison, fingerprint or pickle of the table sees it."""
        rows: dict[str, tuple[str, ...]] = {}
        for row in self.rows:
            if row:
                rows.setdefault(row[0], row)
        columns: dict[str, int] = {}
        for place, text in enumerate(self.header):
            columns.setdefault(text, place)
        return rows, columns

    def row_labels(self) -> KeysView[str]:
        """The row labels in order; asking whether a label is one of them is a lookup."""
        return self._positions[0].keys()

    def column_place(self, column: str) -> int | None:
        """Where a header text is in the header (0: the label column's heading), or None."""
        return self._positions[1].get(column)

    def cell(self, row_label: str, column: str) -> str | None:
        row, place = self._positions[0].get(row_label), self.column_place(column)
        if row is None or place is None:
            return None
        return row[place] if place < len(row) else None


@dataclass(frozen=True)
class Excerpt:
    """The source's own words, verbatim (text or table), and our English translation where they are not English."""

    id: str
    source_id: str
    language: str
    text: str | None
    table: ExcerptTable | None
    translation: Text | None  # our translation into the language shown (FactStore.in_language)
    location: Location

    @property
    def words(self) -> str:
        """The excerpt as one string: the text, or the table's cells row by row."""
        if self.text is not None:
            return self.text
        return "\n".join(" ".join(row) for row in (self.table.header, *self.table.rows))


# What kind of document a source is, and the heading of its group on the Sources page, in the page's order. Our
# own calculations are not sources: the Sources page lists them, the derived facts, after these groups.
SOURCE_KINDS = {"official": lazy_gettext("Official statistics and statements"), "news": lazy_gettext("News reports")}


@dataclass(frozen=True)
class Source(Recorded):
    TOKEN_KIND, TOKEN_FIELD = "source", "id"  # its reads are recorded (incremental/reads.py)
    id: str
    title: str
    title_language: str  # the source's language, unless the title was given in another (e.g. a stand-in)
    title_translation: Text | None
    publisher: str
    url: str | None
    published: str | None
    accessed: str
    language: str
    note: Text | None
    excerpts: dict[str, Excerpt]
    location: Location
    kind: str | None = None  # a key of SOURCE_KINDS: which group of the Sources page it is listed in
    archived_url: str | None = None  # loading: an archive's copy of the same page (https), shown beside the url
    # loading: when the publisher is expected to publish new figures (a date); `check` lists it once past
    next_update: str | None = None
    # loading (store/snapshots.py): the header of data/sources/<id>.snapshot.txt, once its body is checked
    snapshot: SourceSnapshot | None = None


@dataclass(frozen=True)
class SourceSnapshot:
    """What the Sources page shows of a source's snapshot: where and when its words were read. The body stays
    in the snapshot file; every build checks the excerpts against it (store/snapshots.py)."""

    file: str  # "<id>.snapshot.txt", beside the source's record
    address: str
    retrieved: str  # a date
    kept_from: str
    sha256: str


@dataclass(frozen=True)
class Citation:
    """Where a figure or claim is stated: a source's excerpt and, in a table, the cell (row label, column)."""

    source_id: str
    excerpt_id: str | None
    row: str | None = None
    column: str | None = None
    highlight: str | None = None  # the words of a text excerpt that state the value, when not found by itself


@dataclass(frozen=True)
class Derived:
    op: str  # a name in derived_operations.OPERATIONS, which says how many inputs it takes and how to compute it
    inputs: tuple[str, ...]
    tolerance: float

    @property
    def operation(self) -> Operation:
        return OPERATIONS[self.op]


@dataclass(frozen=True)
class SeriesCell:
    series_id: str
    row: str  # the value of the series' key column
    column: str


def cell_name(series_id: str, row: str, column: str) -> str:
    """One series cell's name in FactStore.cell_index: a series id, a row's key and a column may hold any letter."""
    return json.dumps([series_id, row, column], ensure_ascii=False)


@dataclass(frozen=True)
class Correction:
    """An earlier value of a fact: what it was, when it was corrected, why, and who announced the correction."""

    value: float | int
    date: str
    reason: Text
    citation: Citation | None


@dataclass(frozen=True)
class Acknowledgement:
    """How a value follows from words that no parser reads ("two-thirds of 2,914, rounded"), written by the
    editor who checked it: the build then takes the excerpt's word for it, and `check` lists it."""

    text: str
    location: Location


@dataclass(frozen=True)
class Fact(Recorded):
    TOKEN_KIND, TOKEN_FIELD = "fact", "id"  # its reads are recorded (incremental/reads.py)
    id: str
    value: float | int  # for a series cell, filled from the series when the store is loaded
    unit: str
    label: Text
    as_of: AsOf
    citation: Citation | None  # None only for a figure computed from others (derived)
    series_cell: SeriesCell | None
    derived: Derived | None
    approximate: bool
    provisional: bool
    decimals: int | None
    note: Text | None
    corrections: tuple[Correction, ...]
    location: Location
    citation_location: Location
    acknowledged: Acknowledgement | None = None
    # The site's language (site.json), in which its values are written: set by load_fact_store, the one place
    # that knows it, so every page, card and download formats the figure alike.
    display_language: str = "en"

    @property
    def source_id(self) -> str | None:
        return self.citation.source_id if self.citation else None

    @property
    def display(self) -> str:
        return format_value(self.value, self.unit, self.decimals, self.approximate, self.display_language)

    def format(self, value: float | int) -> str:
        """Another value (an earlier version, an input) written as this fact's values are."""
        return format_value(value, self.unit, self.decimals, self.approximate, self.display_language)

    def display_in(self, language: str) -> str:
        """The figure as a page in this language writes it, whatever language its store shows."""
        return format_value(self.value, self.unit, self.decimals, self.approximate, language)


@dataclass(frozen=True)
class Column:
    name: str
    label: Text
    unit: str | None
    table_row: str | None = None  # in the series' table excerpt, the label of the row holding this column
    table_column: str | None = None  # … or the header of the column holding it
    derived: Derived | None = None  # computed in each row from other columns of the same row (inputs: column names)


@dataclass(frozen=True)
class SeriesRow:
    values: dict[str, float | int | str | None]
    citation: Citation | None  # None: the series' own citation covers this row
    note: Text | None
    location: Location
    approximate: frozenset[str] = frozenset()  # the columns whose figure is rounded: shown "about …"

    def is_approximate(self, column: str) -> bool:
        return column in self.approximate


@dataclass(frozen=True)
class Series(Recorded):
    TOKEN_KIND, TOKEN_FIELD = "series", "id"  # its reads are recorded (incremental/reads.py)
    id: str
    title: Text
    description: Text
    key: str
    columns: tuple[Column, ...]
    sum_columns: dict[str, tuple[str, ...]]
    citation: Citation | None
    rows: tuple[SeriesRow, ...]
    location: Location

    def row_citation(self, row: SeriesRow) -> Citation | None:
        return row.citation or self.citation

    def row_source(self, row: SeriesRow) -> str | None:
        citation = self.row_citation(row)
        return citation.source_id if citation else None

    __getstate__ = _fields_only

    @cached_property
    def _rows_by_key(self) -> dict[str, SeriesRow]:
        """Each row by its key (the first row of a repeated key): built on the first lookup, a memo, not a field."""
        by_key: dict[str, SeriesRow] = {}
        for row in self.rows:
            by_key.setdefault(str(row.values.get(self.key)), row)
        return by_key

    def row_by_key(self, key: str) -> SeriesRow | None:
        return self._read()._rows_by_key.get(key)

    def _read(self) -> Series:
        """The series, its reading recorded (incremental/reads.py) for the stage that asks a memo below: a memo's
        own reads are not recorded, and only the first stage to ask built it. Every field the memos read: a
        recording that notes fields (reads.FieldRecorder) would otherwise miss an edit to the key or the citation."""
        self.rows, self.key, self.citation
        return self

    def column(self, name: str) -> Column | None:
        return next((column for column in self.columns if column.name == name), None)

    def cell_citation(self, row: SeriesRow, column_name: str) -> Citation | None:
        """The citation of one cell: the row's (or the series'), placed in the table by the column's row/column."""
        citation = self.row_citation(row)
        column = self.column(column_name)
        if column is not None and column.derived is not None:
            return None  # computed from the row's other cells: no source states it
        # Only a row that places itself in a table (its "cell") takes its column's place there; a row citing
        # a sentence keeps the sentence.
        if citation is None or column is None or not (citation.row or citation.column):
            return citation
        return Citation(citation.source_id, citation.excerpt_id, citation.row or column.table_row,
                        citation.column or column.table_column, citation.highlight)

    @cached_property
    def _source_ids(self) -> tuple[str, ...]:
        ids = dict.fromkeys([self.citation.source_id] if self.citation else [])
        ids.update((row.citation.source_id, None) for row in self.rows if row.citation)
        return tuple(ids)

    def source_ids(self) -> list[str]:
        """The series' source, then its rows' own, each once (the Sources page asks for every source)."""
        return list(self._read()._source_ids)


@dataclass(frozen=True)
class Claim(Recorded):
    """A claim of a report we started from, our verdict on it, and the excerpts that decide it."""
    TOKEN_KIND, TOKEN_FIELD = "claim", "id"  # its reads are recorded (incremental/reads.py)

    id: str
    citation: Citation
    verdict: str  # "correct", "caveat" (correct with a caveat) or "wrong" (wrong as written)
    finding: Text
    evidence: tuple[Citation, ...]
    location: Location
    # The figure or words, as the evidence writes them, that the evidence must state (checks.check_claim_key)
    key: str = ""


@dataclass(frozen=True)
class SiteCorrection:
    """A correction of the site's own words (data/corrections.json): what a page said, what it says now, why.

    Not a Recorded record: a stage reads it through a lookup in FactStore.site_corrections, which records the
    whole record (reads.RecordedTable), so a changed word is never answered "unchanged"."""

    id: str
    date: str
    pages: tuple[str, ...]  # the slugs of the chapters it changed ("arrivals"): each links to it
    # What the site said and what it says now, verbatim, in the default edition's language (Text.default), where
    # our corrections are made; any other language's words are our translation of them. Every edition quotes the
    # published words (FactStore.in_language leaves them as they are): a translation was never published.
    before: Text
    after: Text
    reason: Text
    location: Location


@dataclass(frozen=True)
class SourceGroup:
    """One group of the Sources page: sources of one kind."""

    kind: str  # a key of SOURCE_KINDS, or "other"
    heading: str
    sources: tuple[Source, ...]


STORE_TABLES = ("sources", "facts", "series", "claims", "site_corrections")
_CITING = "_facts_citing_memo"  # FactStore.facts_citing's memo, kept in the store itself: it never changes once loaded


@dataclass
class FactStore(Recorded):
    TOKEN_KIND = "store"
    sources: dict[str, Source] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    series: dict[str, Series] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    site_corrections: dict[str, SiteCorrection] = field(default_factory=dict)  # our own, data/corrections.json
    unreadable: list[Path] = field(default_factory=list)  # files that failed to parse: their records are missing
    # The site's language (site.json), set by load_fact_store: the prose and chart checks read dates in it.
    language: str = "en"

    def __setattr__(self, name: str, value) -> None:
        # Its tables record which ids are looked up (reads.RecordedTable), however they were made.
        if name in STORE_TABLES and not isinstance(value, RecordedTable):
            value = RecordedTable(f"table:{name}", value)
        object.__setattr__(self, name, value)

    def in_language(self, language: str) -> FactStore:
        """The same records as an edition in `language` shows them: every Text in that language (the default
        language's words where it has none), every figure written in it, and no translation of an excerpt or
        title already in it. Loaded once, shown per edition: the figures and excerpts stay one record each."""
        if language == self.language:
            return self
        shown = FactStore(language=language, unreadable=list(self.unreadable))
        for name in STORE_TABLES:
            table = getattr(self, name)  # dict.items: showing every record is no page's read of them
            setattr(shown, name, {key: _shown_in(record, language) for key, record in dict.items(table)})
        shown.facts = {key: dataclasses.replace(fact, display_language=language)
                       for key, fact in dict.items(shown.facts)}
        return shown

    def excerpt(self, citation: Citation | None) -> Excerpt | None:
        if citation is None or citation.source_id not in self.sources:
            return None
        return self.sources[citation.source_id].excerpts.get(citation.excerpt_id or "")

    def cell_index(self) -> dict[str, str]:
        """Which fact states each series cell: cell_name(series, row, column) → the fact's id, the first in the facts'
        order. A chart looks a cell's fact up here (charts/definition.cell_fact), so that what it reads is that
        cell's entry and that fact, not every fact (charts/prepared_cache.py); made from the records themselves,
        which is no read of them (dict.values, not_recording): what a chart finds in it is recorded there."""
        index: dict[str, str] = {}
        with not_recording():
            for fact in dict.values(self.facts):
                if fact.series_cell is not None:
                    cell = fact.series_cell
                    index.setdefault(cell_name(cell.series_id, cell.row, cell.column), fact.id)
        return index

    def facts_citing(self, source_id: str) -> list[Fact]:
        """The facts quoting this source, in the store's order. Sorted out once per store for every source (the
        Sources page asks for each of them: it read every fact again for each source); reads.remembered hands each
        later caller the reads of every fact, as reading them itself would."""
        by_source = remembered(self.__dict__.setdefault(_CITING, {}), "by source", self._facts_by_source)
        return list(by_source.get(source_id, ()))

    def _facts_by_source(self) -> dict[str | None, list[Fact]]:
        by_source: dict[str | None, list[Fact]] = {}
        for fact in self.facts.values():
            by_source.setdefault(fact.source_id, []).append(fact)
        return by_source

    def __getstate__(self) -> dict:
        """Pickled (the kept build's loaded store, the Markdown workers) without the memo of facts_citing."""
        return {name: value for name, value in self.__dict__.items() if name != _CITING}

    def series_citing(self, source_id: str) -> list[Series]:
        return [series for series in self.series.values() if source_id in series.source_ids()]

    def source_groups(self) -> list[SourceGroup]:
        """The sources by kind, in SOURCE_KINDS' order, each group by publisher then title; sources that give
        no kind last. Empty groups are left out."""
        ordered = sorted(self.sources.values(), key=lambda source: (source.publisher, source.title, source.id))
        headings = {**SOURCE_KINDS, None: lazy_gettext("Other sources")}
        groups = [SourceGroup(kind or "other", str(heading), tuple(s for s in ordered if s.kind == kind))
                  for kind, heading in headings.items()]
        return [group for group in groups if group.sources]

    def overdue_updates(self, today: datetime.date) -> list[Source]:
        """Sources whose publisher was expected to publish new figures before today (the whole of a month or
        year named as next_update has passed), by that date then id."""
        overdue = [source for source in self.sources.values()
                   if source.next_update and is_valid_date(source.next_update) and last_day(source.next_update) < today]
        return sorted(overdue, key=lambda source: (source.next_update, source.id))

    def calculations(self) -> list[Fact]:
        """Our own calculations: the derived facts, which cite no source of their own."""
        return [fact for fact in self.facts.values() if fact.derived is not None and fact.source_id is None]

    def corrections(self) -> list[tuple[Fact, Correction]]:
        """Every correction of every fact, newest first (then by fact id, so the order never varies)."""
        found = [(fact, correction) for fact in self.facts.values() for correction in fact.corrections]
        return sorted(found, key=lambda pair: (pair[1].date, pair[0].id), reverse=True)

    def own_corrections(self) -> list[SiteCorrection]:
        """The site's corrections of its own words, newest first; those of one day in the order
        data/corrections.json gives them, so the editor decides which leads. Each is looked up by its id, so what
        a template reads of them is recorded whole."""
        table = self.site_corrections
        return sorted((table[key] for key in table), key=lambda item: item.date, reverse=True)  # a stable sort

    def own_corrections_of(self, slug: str) -> list[SiteCorrection]:
        """Our corrections that changed the page with this slug, newest first."""
        return [item for item in self.own_corrections() if slug in item.pages]


def _shown_in(value: Any, language: str) -> Any:
    """A record (or a part of one) with every Text shown in this language."""
    if isinstance(value, Text):
        return value.shown_in(language)
    if isinstance(value, SiteCorrection):  # before and after stay the words as published; the reason is shown
        return dataclasses.replace(value, reason=_shown_in(value.reason, language))
    if isinstance(value, Excerpt) and same_language(value.language, language):
        return dataclasses.replace(value, translation=None)  # readers of its own language need none
    if isinstance(value, Source):
        changes = {f.name: _shown_in(getattr(value, f.name), language) for f in fields(value)
                   if f.name in ("note", "excerpts", "title_translation")}
        if same_language(value.title_language, language):
            changes["title_translation"] = None
        return dataclasses.replace(value, **changes)
    if is_dataclass(value) and not isinstance(value, (type, Location)):
        changes = {f.name: _shown_in(getattr(value, f.name), language) for f in fields(value)}
        changes = {name: new for name, new in changes.items() if new is not getattr(value, name)}
        return dataclasses.replace(value, **changes) if changes else value
    if isinstance(value, (tuple, dict)):  # a new one only where something in it is shown differently
        items = value.items() if isinstance(value, dict) else enumerate(value)
        shown = {key: _shown_in(item, language) for key, item in items}
        if all(shown[key] is item for key, item in (value.items() if isinstance(value, dict) else enumerate(value))):
            return value
        return shown if isinstance(value, dict) else tuple(shown.values())
    return value


def record_fingerprint(record: Any) -> bytes | None:
    """A short hash of a record (a fact, source, series or claim), or of a table or store of them, from its
    values; None for a missing record. Where a record was written (its Location, which holds the whole file's
    text) is left out: an edit elsewhere in the same file does not change it."""
    if record is None:
        return None
    return hashlib.blake2b(repr(_values(record)).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _values(value: Any) -> Any:
    if isinstance(value, Text):  # the words shown and, given more than one language, every one (Text.__repr__)
        return value
    if is_dataclass(value):
        return [(f.name, _values(getattr(value, f.name))) for f in fields(value)
                if not isinstance(getattr(value, f.name), Location)]
    if isinstance(value, (tuple, list)):
        return [_values(item) for item in value]
    if isinstance(value, dict):
        return {key: _values(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):  # in an order that does not change with Python's hash seed
        return sorted(repr(_values(item)) for item in value)
    return value
