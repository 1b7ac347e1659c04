"""JSON Schemas of the fact store files: data/sources.json, data/facts/*.json and data/series/*.json."""
from __future__ import annotations

ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
DATE = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
UNITS = ["people", "percent", "percentage-points", "times", "years", "number"]

SOURCES = {
    "type": "object",
    "required": ["sources"],
    "additionalProperties": False,
    "properties": {
        "sources": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "title", "publisher", "published", "accessed"],
                "additionalProperties": False,
                "properties": {
                    "id": ID,
                    "title": {"type": "string", "minLength": 1},
                    "publisher": {"type": "string", "minLength": 1},
                    "url": {"type": "string", "pattern": "^https?://"},
                    "published": {"anyOf": [DATE, {"type": "null"}]},
                    "accessed": DATE,
                    "language": {"type": "string", "enum": ["en", "ko", "zh"]},
                    "note": {"type": "string"},
                },
            },
        }
    },
}

DERIVED = {
    "type": "object",
    "required": ["op", "of"],
    "additionalProperties": False,
    "properties": {
        "op": {"enum": ["share", "ratio", "difference", "sum"]},
        "of": {"type": "array", "items": ID, "minItems": 2},
        "tolerance": {"type": "number", "minimum": 0},
    },
}

FACTS = {
    "type": "object",
    "required": ["facts"],
    "additionalProperties": False,
    "properties": {
        "facts": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "value", "unit", "label", "as_of", "source", "quote"],
                "additionalProperties": False,
                "properties": {
                    "id": ID,
                    "value": {"type": "number"},
                    "unit": {"enum": UNITS},
                    "label": {"type": "string", "minLength": 1},
                    "as_of": {"type": "string", "minLength": 4},
                    "source": ID,
                    "quote": {"type": "string", "minLength": 1},
                    "approximate": {"type": "boolean"},
                    "decimals": {"type": "integer", "minimum": 0, "maximum": 6},
                    "note": {"type": "string"},
                    "derived": DERIVED,
                },
            },
        }
    },
}

SERIES = {
    "type": "object",
    "required": ["id", "title", "key", "columns", "rows"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "title": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "key": {"type": "string"},
        "columns": {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "required": ["name", "label"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "pattern": "^[a-z_]+$"},
                    "label": {"type": "string"},
                    "unit": {"enum": UNITS},
                },
            },
        },
        "sum_columns": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "source": ID,
        "quote": {"type": "string", "minLength": 1},
        "rows": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {"source": ID, "quote": {"type": "string"}, "note": {"type": "string"}},
                "additionalProperties": {"type": ["number", "string", "null"]},
            },
        },
    },
}
