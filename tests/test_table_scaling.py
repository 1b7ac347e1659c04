"""A series checked cell by cell against a table excerpt costs time in proportion to its rows, not their square:
every lookup in a table, a series or a glossary is indexed, and an excerpt's numbers are read once.

Counted, never timed (speed is in bench/README.md): the cells a check touches, the readings made, the glossaries
parsed. Each count would be about the square of the rows with the scans these lookups replaced.
"""
from __future__ import annotations

import pickle
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings, strategies as st

from explainer.incremental.reads import Fingerprints, recording
from explainer.render import cards
from explainer.store import checks
from explainer.store.checks import check_fact_store
from explainer.store.facts import (Citation, Column, Excerpt, ExcerptTable, FactStore, Location, Series, SeriesRow,
                                   Source)

ROWS = 2000
HERE = Location(Path("data/series/big.json"), "{}", 0)


class CountedRow(tuple):
    """A table row that counts how often its cells are read."""

    reads = 0

    def __getitem__(self, index):
        CountedRow.reads += 1
        return super().__getitem__(index)


class CountedValues(dict):
    """A series row's values that count how often they are read."""

    reads = 0

    def get(self, key, default=None):
        CountedValues.reads += 1
        return super().get(key, default)


def big_store(rows: int = ROWS, text: str | None = None) -> FactStore:
    """A source with a table of `rows` rows (or a long text), and a series placing each row's figure in it."""
    figures = [(n * 7919) % 100_000 + 1 for n in range(rows)]
    table = None if text is not None else ExcerptTable(
        ("item", "count"), tuple(CountedRow((f"row {n}", f"{figure:,}")) for n, figure in enumerate(figures)))
    excerpt = Excerpt("big", "source", "en", text, table, None, HERE)
    source = Source("source", "A table", "en", None, "Publisher", None, None, "2026-12-06", "en", None,
                    {"big": excerpt}, HERE)
    columns = (Column("item", "Item", None), Column("count", "Count", "people", table_column="count"))
    series_rows = tuple(SeriesRow(CountedValues(item=f"{n}", count=figure),
                                  Citation("source", "big", f"row {n}" if text is None else None), None, HERE)
                        for n, figure in enumerate(figures))
    series = Series("big", "Big", "", "item", columns, {}, None, series_rows, HERE)
    store = FactStore()
    store.sources, store.series = {"source": source}, {"big": series}
    return store


def test_checking_a_series_against_its_table_reads_each_cell_a_few_times():
    store = big_store()
    CountedRow.reads = 0
    assert check_fact_store(store) == []
    assert CountedRow.reads <= 3 * ROWS  # the index reads each label once; each check reads its cell


def test_a_wrong_cell_is_still_found():
    store = big_store()
    row = store.series["big"].rows[1234]
    row.values["count"] += 1
    [problem] = check_fact_store(store)
    assert 'the cell (row 1234, count) of table "big"' in problem.message


def test_looking_rows_up_by_key_reads_each_row_once():
    series = big_store().series["big"]
    CountedValues.reads = 0
    assert all(series.row_by_key(f"{n}") is series.rows[n] for n in range(ROWS))
    assert series.row_by_key("no such row") is None
    assert CountedValues.reads <= ROWS


def test_a_long_excerpt_cited_by_every_row_is_read_once(monkeypatch):
    """Each row of a series citing one text excerpt: its numbers are read once, not once a row."""
    text = " ".join(f"{(n * 7919) % 100_000 + 1:,} people." for n in range(ROWS))
    store = big_store(text=text)
    readings = []
    real = checks.numbers_with_spans
    monkeypatch.setattr(checks, "numbers_with_spans", lambda words, language: readings.append(words)
                        or real(words, language))
    checks._readings.cache_clear()
    checks._numbers_of.cache_clear()
    assert check_fact_store(store) == []
    assert readings == [text]


def test_the_index_is_a_memo_no_field_sees():
    table = big_store(10).sources["source"].excerpts["big"].table
    assert table.cell("row 3", "count") is not None and "_positions" in table.__dict__
    copy = pickle.loads(pickle.dumps(table))
    assert "_positions" not in copy.__dict__ and copy == table and copy.cell("row 3", "count") == table.cell(
        "row 3", "count")


def test_a_row_looked_up_through_the_memo_is_a_recorded_read_of_its_series():
    series = big_store(10).series["big"]
    for _ in range(2):  # the first builds the index; the second only asks it
        with recording(Fingerprints()) as recorder:
            series.row_by_key("3")
        assert "series:big" in recorder.reads


def test_the_first_of_a_repeated_label_or_header_is_the_cell_as_before():
    table = ExcerptTable(("label", "a", "a"), (("x", "1", "2"), ("x", "3", "4"), ("y", "5")))
    assert table.cell("x", "a") == "1" and table.cell("y", "a") == "5" and table.cell("z", "a") is None
    assert table.cell("x", "label") == "x" and table.cell("x", "b") is None
    assert list(table.row_labels()) == ["x", "y"] and "y" in table.row_labels()


def old_cell_glossary(translation: str, table: ExcerptTable, row_label: str, column: str) -> str:
    """cell_glossary as it was before its lookups were indexed (commit 7b17cdb): the reference."""
    entries = [entry.partition(": ") for entry in translation.split("; ")]
    if not all(separator for _, separator, _ in entries):
        return translation

    def run_holds(term: str) -> bool:
        first, separator, last = term.partition(" … ")
        if not separator or first not in table.header or last not in table.header:
            return False
        return table.header.index(first) <= table.header.index(column) <= table.header.index(last)

    kept: set[int] = set()
    for cell in [table.header[0], row_label, column]:
        whole = {index for index, (term, _, _) in enumerate(entries)
                 if cell in (term, cards._without_qualifier(term)) or (cell == column and run_holds(term))}
        kept |= whole or {index for index, (term, _, _) in enumerate(entries) if term and term in cell}
    if not kept:
        return translation
    return "; ".join("".join(entries[index]) for index in sorted(kept))


WORDS = st.sampled_from(["男(名)", "女(名)", "合计", "合计 (last column)", "'02", "’19", "暂定", "’20.09 (暂定)",
                         "类别", "名", "x"])


@settings(max_examples=300, deadline=None)
@given(header=st.lists(WORDS, min_size=2, max_size=6, unique=True), labels=st.lists(WORDS, min_size=1, max_size=4),
       terms=st.lists(st.one_of(WORDS, st.tuples(WORDS, WORDS).map(" … ".join)), min_size=1, max_size=6),
       data=st.data())
def test_the_indexed_glossary_keeps_what_the_scan_kept(header, labels, terms, data):
    table = ExcerptTable(tuple(header), tuple((label, "1") for label in labels))
    translation = "; ".join(f"{term}: meaning {index}" for index, term in enumerate(terms))
    row, column = data.draw(st.sampled_from(labels)), data.draw(st.sampled_from(header[1:]))
    assert cards.cell_glossary(translation, table, row, column) == old_cell_glossary(translation, table, row,
                                                                                     column)


def test_a_glossary_is_parsed_once_for_all_the_cards_of_its_table():
    columns = [f"열{n}" for n in range(ROWS)]
    table = ExcerptTable(("구분", *columns), (CountedRow(("인원(명)", *map(str, range(ROWS)))),))
    translation = f"구분: item; 인원(명): people; {columns[0]} … {columns[-1]}: each column"
    cards._glossary.cache_clear()
    shown = {cards.cell_glossary(translation, table, "인원(명)", column) for column in columns}
    assert shown == {translation} and cards._glossary.cache_info().misses == 1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 8)), max_size=25))
def test_the_outermost_readings_are_those_inside_no_wider_one(spans):
    readings = [(start, start + width, Decimal(index)) for index, (start, width) in enumerate(spans)]
    expected = [(start, end, value) for start, end, value in readings
                if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in readings)]
    assert checks._outermost(readings) == expected
