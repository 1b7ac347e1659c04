"""`python build.py translations [--root DIR] [--accept PAGE ...]`: writes each translated page's record of the
default-edition page it translates (translation_record.py), for every translated page that has none, and for each
PAGE named by --accept (a translation brought up to date). It changes one front matter line of each page it
records, and nothing else in it; a record that is there and out of date is only listed, never changed unasked.
"""
from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..site_folder.editions import edition_content, site_editions
from ..site_folder.frontmatter import parse_front_matter, value_offsets
from ..site_folder.inputs import read_inputs
from .translation_record import FIELD, is_current, read_record, record_of

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def run_translations(root: Path, accept: Sequence[Path] = (), cwd: Path | None = None) -> int:
    root = root.resolve()
    inputs, problems = read_inputs(root)
    if problems:
        for problem in problems:
            print(problem.format(relative_to=root), file=sys.stderr)
        return EXIT_PROBLEMS
    editions = site_editions(inputs.settings)
    if len(editions) < 2:
        print(f"{root / 'site.json'}: the site has one edition ({editions[0].language}), so no page is a "
              'translation: declare its editions first, e.g. "editions": ["en", "ko"] (docs/editions.md).',
              file=sys.stderr)
        return EXIT_USAGE
    originals = {path.name: text for path, text in inputs.content.items()}
    translated = {path: text for edition in editions[1:] for path, text in edition_content(inputs, edition).items()}
    accepted = set()
    for name in accept:
        path = _translated_page(name, root, cwd or Path.cwd(), translated)
        if path is None:
            print(f"--accept {name}: not a translated page of this site: name one of "
                  f"{', '.join(_shown(path, root) for path in sorted(translated)) or '(none yet)'}.", file=sys.stderr)
            return EXIT_USAGE
        accepted.add(path)
    behind = []
    for path in sorted(translated):
        original = originals.get(path.name)
        if original is None:  # the build says that this page translates nothing
            continue
        recorded = value_offsets(translated[path]).get(FIELD)
        if recorded is not None and path not in accepted:
            record = read_record(translated[path][recorded:].split("\n", 1)[0])
            if record is None or not is_current(record, original):
                behind.append(path)
            continue
        front, _ = parse_front_matter(path, translated[path])
        edited = with_record(path.read_bytes().decode("utf-8"), record_of(original).written())
        if front is None or edited is None:  # a record added to a broken block could land anywhere in it
            print(f"{_shown(path, root)}: its front matter does not parse, so {FIELD} was not recorded: fix it "
                  "(`python build.py check` says how), then run this again.", file=sys.stderr)
            continue
        _replace(path, edited.encode("utf-8"))
        print(f"{_shown(path, root)}: {'accepted as current' if path in accepted else 'recorded'}: translates "
              f"content/{path.name} as it is now.")
    if behind:
        print(f"{len(behind)} translation(s) out of date, left as they are: bring each up to date, then "
              "`python build.py translations --accept PAGE`:", *(f"  {_shown(path, root)}" for path in behind),
              sep="\n")
    return EXIT_OK


def with_record(text: str, value: str) -> str | None:
    """text (as written, line endings kept) with its front matter's `translated_from` line set to value: that line
    replaced, or added before the closing '---'. None when the text has no closed front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].lstrip("\ufeff").strip() != "---":
        return None
    ending = lines[0][len(lines[0].rstrip("\r\n")):] or "\n"
    for number in range(1, len(lines)):
        line = lines[number]
        key, colon, _ = line.partition(":")
        if colon and key.strip() == FIELD:
            lines[number] = f"{key}: {value}{line[len(line.rstrip(chr(13) + chr(10))):]}"
            return "".join(lines)
        if line.strip() == "---":
            lines.insert(number, f"{FIELD}: {value}{ending}")
            return "".join(lines)
    return None


def _translated_page(name: Path, root: Path, cwd: Path, translated: dict[Path, str]) -> Path | None:
    """The translated page --accept names: a path from the current folder or from the site's root."""
    for candidate in (name, cwd / name, root / name):
        resolved = candidate.resolve()
        if resolved in translated:
            return resolved
    return None


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _replace(path: Path, data: bytes) -> None:
    """Writes the file whole or not at all: an interrupted write must not cut a page short."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
