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
