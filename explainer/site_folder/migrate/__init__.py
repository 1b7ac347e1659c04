"""`python build.py migrate`: move a site from the old fact store to the current one (docs/migrate.md).

The old store kept every source in one file, data/sources.json, and the source's words as a `quote` on each
fact, series and series row. The current one keeps each source in data/sources/<id>.json with its words as
`excerpts`, and a fact, series or row names the excerpt (`"excerpt": "<id>"`).

    moving.py          the old texts → the new texts (pure), checked verbatim against the old
    left_to_decide.py  what no program may decide (translations, unstated values, …), as notes at their place
    site_files.py      the edges: reading the site folder, writing every file or none, the command
"""
from __future__ import annotations

from pathlib import Path

from ...errors import Problem
from .left_to_decide import left_to_decide
from .moving import OLD_SOURCES, Migration, MigrationError, move_store, parse

__all__ = ["Migration", "MigrationError", "migrate_texts"]


def migrate_texts(root: Path, files: dict[Path, str], site_language: str = "en") -> Migration:
    """The migration of an old-form site, from its files' texts (path → text: data/sources.json, the facts and
    series files, content/*.md, chart modules). Raises MigrationError when the old files cannot be read."""
    problems: list[Problem] = []
    documents = {path: parse(path, text, problems) for path, text in files.items() if path.suffix == ".json"}
    if problems:
        raise MigrationError(problems)
    moved = move_store(root, files, documents)
    decisions = left_to_decide(root, files, documents, moved, site_language)
    return Migration(moved.written, (root / OLD_SOURCES,), decisions,
                     sum(len(found.by_text) for found in moved.excerpts.values()), moved.computed)
