"""The edges of `python build.py migrate`: whether a site folder is in the old form, reading its texts, and
writing the result, every file or none (the site stays in the old form when a write fails)."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from ...errors import Problem
from ..inputs import decode_text
from . import migrate_texts
from .moving import NEW_SOURCES, OLD_SOURCES, Migration, MigrationError


def is_old_form(root: Path) -> bool:
    return (root / OLD_SOURCES).is_file()


def refusal(root: Path) -> str | None:
    """Why this site folder cannot be migrated, or None when it is in the old form."""
    if not (root / "data").is_dir():
        return f"{root}: the site folder has no data/ folder: point --root at a site folder in the old form."
    new_files = sorted((root / NEW_SOURCES).glob("*.json")) if (root / NEW_SOURCES).is_dir() else []
    if not is_old_form(root):
        return (f"{root / 'data'}: this site is already in the current form of the fact store (there is no "
                "data/sources.json; sources are data/sources/<id>.json with their excerpts): nothing to migrate.")
    if new_files:
        return (f"{root / OLD_SOURCES}: this site has both the old data/sources.json and {len(new_files)} source "
                f"file(s) of the current form in data/sources/ (e.g. {new_files[0].name}): it looks half-migrated. "
                "Move what data/sources.json still holds by hand, or restore the old form, then run migrate again.")
    return None


def read_site(root: Path) -> tuple[dict[Path, str], str]:
    """The texts migrate reads, and the site's language (site.json; "en" without one)."""
    paths = [root / OLD_SOURCES, *sorted((root / "data" / "facts").glob("*.json")),
             *sorted((root / "data" / "series").glob("*.json")), *sorted((root / "content").glob("*.md")),
             *sorted((root / "charts").glob("**/*.py"))]
    files, unreadable = {}, []
    for path in (path for path in paths if path.is_file()):
        try:
            files[path] = decode_text(path.read_bytes())
        except UnicodeDecodeError as error:
            unreadable.append(Problem(path, 1, 1, f"this file is not UTF-8 text (byte {error.start + 1}): save it as "
                                      "UTF-8, then run migrate again."))
    if unreadable:
        raise MigrationError(unreadable)
    language = "en"
    if (root / "site.json").is_file():
        try:
            settings = json.loads((root / "site.json").read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            settings = {}
        if isinstance(settings, dict) and isinstance(settings.get("language"), str):
            language = settings["language"]
    return files, language


def write_all(migration: Migration) -> None:
    """Every new text written, then the old file removed; on any failure, what was already replaced is put back
    and what was created removed, so the site stays in the old form."""
    staged: list[tuple[Path, Path]] = []
    created_folders: list[Path] = []
    try:
        for path in migration.written:
            if not path.parent.exists():
                path.parent.mkdir(parents=True)
                created_folders.append(path.parent)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".migrating")
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(migration.written[path])
            staged.append((Path(temporary), path))
    except OSError:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for folder in created_folders:
            _remove_empty(folder)
        raise
    replaced: list[tuple[Path, bytes | None]] = []
    try:
        for temporary, path in staged:
            before = path.read_bytes() if path.exists() else None
            os.replace(temporary, path)
            replaced.append((path, before))
        for path in migration.removed:
            before = path.read_bytes()
            path.unlink()
            replaced.append((path, before))
    except OSError:
        for path, before in reversed(replaced):
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(before)
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for folder in created_folders:
            _remove_empty(folder)
        raise


def _remove_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def run_migrate(root: Path) -> int:
    """`python build.py migrate [--root DIR]`: 0 when the site was moved (the notes say what is left to
    decide), 1 when it could not be (nothing written), 2 when it is not in the old form."""
    refused = refusal(root)
    if refused:
        print(refused, file=sys.stderr)
        return 2
    try:
        files, language = read_site(root)
        migration = migrate_texts(root, files, language)
    except MigrationError as error:
        for problem in error.problems:
            print(problem.format(relative_to=root), file=sys.stderr)
        print("Nothing was migrated: the site was left as it was.", file=sys.stderr)
        return 1
    try:
        write_all(migration)
    except OSError as error:
        print(f"{root}: cannot write the migrated files: {error.strerror or error}. The site was left as it was.",
              file=sys.stderr)
        return 1
    print(report_text(root, migration))
    return 0


def report_text(root: Path, migration: Migration) -> str:
    """The summary line and, one per line, what is left to decide, each at its place."""
    sources = sum(1 for path in migration.written if path.parent == root / NEW_SOURCES)
    changed = len(migration.written) - sources
    lines = [f"Migrated {root}: {sources} source file(s) in data/sources/ with {migration.excerpts} excerpt(s), "
             f"{changed} facts and series file(s) edited, data/sources.json removed."]
    lines += [f"Computed total: {line}" for line in migration.computed]
    if migration.decisions:
        lines.append(f"{len(migration.decisions)} thing(s) left to decide (docs/migrate.md):")
        lines += [problem.format(relative_to=root) for problem in migration.decisions]
    else:
        lines.append("Nothing left to decide: build with --strict.")
    return "\n".join(lines)
