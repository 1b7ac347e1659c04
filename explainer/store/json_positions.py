"""Where each value of a JSON document starts, so schema errors can name a line and column.

The standard json module throws positions away once a document parses; jsonschema reports errors by path
(`facts/3/value`). This walks an already-valid document once and maps each path to its character offset.
"""
from __future__ import annotations

import json
import re
from json.decoder import scanstring

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_scan_scalar = json.JSONDecoder().scan_once

JsonPath = tuple  # of str keys and int indices


def value_offsets(text: str) -> dict[JsonPath, int]:
    """Map every path in a valid JSON text to the offset of its value (for object members: of their key)."""
    offsets: dict[JsonPath, int] = {}
    _walk(text, _skip(text, 0), (), offsets)
    return offsets


def offset_of(offsets: dict[JsonPath, int], path: JsonPath) -> int:
    """The offset of the deepest existing prefix of path: a missing key points at its parent object."""
    path = tuple(path)
    while path not in offsets and path:
        path = path[:-1]
    return offsets.get(path, 0)


def _skip(text: str, index: int) -> int:
    return _WHITESPACE.match(text, index).end()


def _walk(text: str, index: int, path: JsonPath, offsets: dict[JsonPath, int]) -> int:
    offsets.setdefault(path, index)
    opener = text[index]
    if opener == "{":
        index = _skip(text, index + 1)
        while text[index] != "}":
            key_start = index
            key, index = scanstring(text, index + 1)
            offsets[path + (key,)] = key_start
            index = _skip(text, index)  # at ':'
            index = _walk(text, _skip(text, index + 1), path + (key,), offsets)
            index = _skip(text, index)
            if text[index] == ",":
                index = _skip(text, index + 1)
        return index + 1
    if opener == "[":
        index = _skip(text, index + 1)
        position = 0
        while text[index] != "]":
            index = _walk(text, index, path + (position,), offsets)
            position += 1
            index = _skip(text, index)
            if text[index] == ",":
                index = _skip(text, index + 1)
        return index + 1
    _, end = _scan_scalar(text, index)
    return end


# Limits on one data file: a data file is a table of facts, not a dump. Beyond these, json.loads recurses past
# Python's stack (RecursionError, at about 1,000 levels) or the build stalls; both are reported as errors.
MAX_JSON_CHARACTERS = 5_000_000
MAX_JSON_DEPTH = 50
MAX_NUMBER_DIGITS = 400  # Python refuses to read integers past 4,300 digits; no count has more than a few dozen
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|[0-9]{%d,}' % (MAX_NUMBER_DIGITS + 1))


def json_limits_problem(text: str) -> tuple[int, str] | None:
    """(offset, message) when text is too large, nested too deeply or holds too long a number to read safely;
    None when it is fine."""
    if len(text) > MAX_JSON_CHARACTERS:
        return 0, (f"this data file has {len(text):,} characters, more than the limit of {MAX_JSON_CHARACTERS:,}: "
                   "split it into several files.")
    depth = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group(0)
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return match.start(), (f"the data is nested more than {MAX_JSON_DEPTH} levels deep here: "
                                       "no fact needs that; check for a stray bracket.")
        elif token in "]}":
            depth -= 1
        elif token[0].isdigit():
            return match.start(), (f"this number has {len(token):,} digits, more than the {MAX_NUMBER_DIGITS} a "
                                   "figure can have: check it.")
    return None


def duplicate_key_message(key: str) -> str:
    return f'"{key}" is given twice in this object: JSON would keep only the last one silently; delete one.'


def first_duplicate_key(text: str) -> tuple[int, str] | None:
    """(offset, key) of the first key given twice in one object of a valid JSON text, at its second writing;
    None when there is none. json.loads keeps the last silently, so a fact could change without a word."""
    found: list[tuple[int, str]] = []
    _find_duplicates(text, _skip(text, 0), found)
    return found[0] if found else None


def _find_duplicates(text: str, index: int, found: list[tuple[int, str]]) -> int:
    opener = text[index]
    if opener in "{[":
        closer, seen = ("}" if opener == "{" else "]"), set()
        index = _skip(text, index + 1)
        while text[index] != closer and not found:
            if opener == "{":
                key_start = index
                key, index = scanstring(text, index + 1)
                if key in seen:
                    found.append((key_start, key))
                    return index
                seen.add(key)
                index = _skip(text, _skip(text, index) + 1)  # past ':'
            index = _skip(text, _find_duplicates(text, index, found))
            if text[index] == ",":
                index = _skip(text, index + 1)
        return index + 1
    _, end = _scan_scalar(text, index)
    return end
