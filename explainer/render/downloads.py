"""The fact store as downloadable files: every fact and every series as JSON and as CSV."""
from __future__ import annotations

import csv
import io
import json

from ..store.facts import Citation, FactStore, Series

FACT_COLUMNS = ["id", "label", "value", "unit", "display", "as_of", "provisional", "source", "source_title",
                "source_url", "excerpt", "quote", "translation", "derived", "note", "earlier_values"]


def json_bytes(value) -> bytes:
    """Indented UTF-8 JSON ending in a newline: the form of every JSON download."""
    return (json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 CSV with "\n" line ends, an empty cell for None: the form of every CSV download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


def quoted_words(store: FactStore, citation: Citation | None) -> tuple[str | None, str | None, str | None]:
    """(excerpt id, the words that state the figure, their translation): for a table, its cell with its labels."""
    excerpt = store.excerpt(citation)
    if excerpt is None:
        return None, None, None
    if excerpt.table is not None and citation.row and citation.column:
        words = f"{excerpt.table.header[0]} {citation.column} / {citation.row}: {excerpt.table.cell(citation.row, citation.column)}"
        return excerpt.id, words, excerpt.translation
    return excerpt.id, excerpt.words, excerpt.translation


def fact_rows(store: FactStore) -> list[list]:
    rows = []
    for fact in store.facts.values():
        source = store.sources.get(fact.source_id or "")
        derived = f"{fact.derived.op} of {', '.join(fact.derived.inputs)}" if fact.derived else None
        earlier = "; ".join(f"{c.value} until {c.date}" for c in fact.corrections) or None
        rows.append([fact.id, fact.label, fact.value, fact.unit, fact.display, fact.as_of.iso, fact.provisional,
                     fact.source_id, source.title if source else None, source.url if source else None,
                     *quoted_words(store, fact.citation), derived, fact.note, earlier])
    return rows


def series_table(series: Series, store: FactStore) -> tuple[list[str], list[list]]:
    """Header and rows of a series, with each row's source and excerpt, exactly as the site shows them."""
    names = [column.name for column in series.columns]
    # Only a series with rounded figures gets the column saying which: the others' files stay as they were.
    rounded = any(row.approximate for row in series.rows)
    rows = []
    for row in series.rows:
        citation = series.row_citation(row)
        excerpt = store.excerpt(citation)
        rows.append([row.values.get(name) for name in names]
                    + [series.row_source(row), excerpt.id if excerpt else None, row.note]
                    + ([" ".join(name for name in names if row.is_approximate(name)) or None] if rounded else []))
    return names + ["source", "excerpt", "note"] + (["approximate"] if rounded else []), rows


def download_files(store: FactStore) -> dict[str, bytes]:
    """Site-relative path → bytes, for data/facts.{json,csv}, data/sources.json and data/series/<id>.{json,csv}."""
    files = {
        "data/facts.json": json_bytes([dict(zip(FACT_COLUMNS, row)) for row in fact_rows(store)]),
        "data/facts.csv": csv_bytes(FACT_COLUMNS, fact_rows(store)),
        "data/sources.json": json_bytes([{"id": s.id, "title": s.title, "title_translation": s.title_translation,
                                          "publisher": s.publisher, "url": s.url, "published": s.published,
                                          "accessed": s.accessed, "language": s.language, "note": s.note,
                                          "excerpts": [{"id": e.id, "language": e.language, "text": e.text,
                                                        "table": [list(e.table.header), *map(list, e.table.rows)]
                                                        if e.table else None, "translation": e.translation}
                                                       for e in s.excerpts.values()]}
                                         for s in store.sources.values()]),
    }
    for series in store.series.values():
        header, rows = series_table(series, store)
        files[f"data/series/{series.id}.json"] = json_bytes({"id": series.id, "title": series.title,
                                                         "rows": [dict(zip(header, row)) for row in rows]})
        files[f"data/series/{series.id}.csv"] = csv_bytes(header, rows)
    return files
