"""The fact store as downloadable files: every fact and every series as JSON and as CSV."""
from __future__ import annotations

import csv
import io
import json

from .facts import FactStore, Series

FACT_COLUMNS = ["id", "label", "value", "unit", "display", "as_of", "source", "source_title", "source_url", "quote",
                "note"]


def json_bytes(value) -> bytes:
    """Indented UTF-8 JSON ending in a newline: the form of every JSON download."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 CSV with "\n" line ends, an empty cell for None: the form of every CSV download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


def fact_rows(store: FactStore) -> list[list]:
    rows = []
    for fact in store.facts.values():
        source = store.sources.get(fact.source_id)
        rows.append([fact.id, fact.label, fact.value, fact.unit, fact.display, fact.as_of, fact.source_id,
                     source.title if source else None, source.url if source else None, fact.quote, fact.note])
    return rows


def series_table(series: Series) -> tuple[list[str], list[list]]:
    """Header and rows of a series, with each row's source and quote, exactly as the site shows them."""
    names = [column.name for column in series.columns]
    rows = [[row.values.get(name) for name in names] + [series.row_source(row), series.row_quote(row), row.note]
            for row in series.rows]
    return names + ["source", "quote", "note"], rows


def download_files(store: FactStore) -> dict[str, bytes]:
    """Site-relative path → bytes, for data/facts.{json,csv}, data/sources.json and data/series/<id>.{json,csv}."""
    files = {
        "data/facts.json": json_bytes([dict(zip(FACT_COLUMNS, row)) for row in fact_rows(store)]),
        "data/facts.csv": csv_bytes(FACT_COLUMNS, fact_rows(store)),
        "data/sources.json": json_bytes([{"id": s.id, "title": s.title, "publisher": s.publisher, "url": s.url,
                                     "published": s.published, "accessed": s.accessed, "note": s.note}
                                    for s in store.sources.values()]),
    }
    for series in store.series.values():
        header, rows = series_table(series)
        files[f"data/series/{series.id}.json"] = json_bytes({"id": series.id, "title": series.title,
                                                         "rows": [dict(zip(header, row)) for row in rows]})
        files[f"data/series/{series.id}.csv"] = csv_bytes(header, rows)
    return files
