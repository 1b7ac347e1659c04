"""JSON Schemas of the fact store files: data/sources/*.json, data/facts/*.json, data/series/*.json,
data/claims.json and data/corrections.json (docs/fact-store.md describes them for editors)."""
from __future__ import annotations

from . import units
from .derived_operations import OPERATIONS
from .facts import SOURCE_KINDS

ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
DATE = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
LANGUAGE = {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"}
# A unit of store/units.py, which says how a value in each is written: its name, or a currency with its ISO 4217
# code ("currency:JPY"), and ":scale" for the scale display ("number:scale"). A wrong name gets the enum's message,
# which lists what to write; the entries with "<" are that advice, never a unit (the first pattern refuses "<").
UNIT = {"type": "string", "pattern": "^[^<>]*$",
        "if": {"pattern": ":"},
        "then": {"if": {"pattern": units.unit_names_pattern()},
                 "else": {"enum": ["currency:<ISO 4217 code in capitals: JPY, KRW, USD…>", "<any unit but percent>:scale"]}},
        "else": {"enum": units.plain_unit_names() + ["currency:<ISO 4217 code>"]}}
TEXT = {"type": "string", "minLength": 1}


def in_languages(text: dict) -> dict:
    """Words readers see, per language: a string in the site's language, or {"en": "…", "ko": "…"} (facts.Text)."""
    return {"anyOf": [text, {"type": "object", "minProperties": 1, "propertyNames": LANGUAGE,
                             "additionalProperties": text}]}


WORDS = in_languages(TEXT)
NOTE = in_languages({"type": "string"})
CELL = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"row": TEXT, "column": TEXT},
}
AS_OF = {
    "anyOf": [
        DATE,
        {"type": "object", "required": ["start", "end"], "additionalProperties": False,
         "properties": {"start": DATE, "end": DATE}},
    ]
}
CITATION = {  # a source's excerpt, as the evidence of a claim or a correction
    "type": "object",
    "required": ["source", "excerpt"],
    "additionalProperties": False,
    "properties": {"source": ID, "excerpt": ID, "cell": CELL, "highlight": TEXT},
}

TABLE = {
    "type": "object",
    "required": ["header", "rows"],
    "additionalProperties": False,
    "properties": {
        "header": {"type": "array", "minItems": 2, "items": {"type": "string"}},
        "rows": {"type": "array", "minItems": 1, "items": {"type": "array", "minItems": 2, "items": {"type": "string"}}},
    },
}

SOURCE = {
    "type": "object",
    "required": ["id", "title", "publisher", "published", "accessed"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "title": TEXT,
        "title_language": LANGUAGE,
        "title_translation": WORDS,
        "publisher": TEXT,
        "url": {"type": "string", "pattern": "^https?://"},
        "published": {"anyOf": [DATE, {"type": "null"}]},
        "accessed": DATE,
        "language": LANGUAGE,
        "note": NOTE,
        "kind": {"enum": list(SOURCE_KINDS)},
        # An archive's copy of the same page (e.g. the Wayback Machine's), for when the address dies.
        "archived_url": {"type": "string", "pattern": r"^https://\S+$"},
        # When the publisher is expected to publish new figures; the note says why (`check` lists it once past).
        "next_update": DATE,
        "excerpts": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "oneOf": [{"required": ["text"]}, {"required": ["table"]}],
                "additionalProperties": False,
                "properties": {"id": ID, "text": TEXT, "table": TABLE, "language": LANGUAGE, "translation": WORDS},
            },
        },
    },
}

DERIVED = {
    "type": "object",
    "required": ["op", "of"],
    "additionalProperties": False,
    "properties": {
        "op": {"enum": list(OPERATIONS)},
        # How many inputs each operation takes is derived_operations' rule, checked when the store is loaded
        # (store_loading._operation_problems), with a message that says which count the operation needs.
        "of": {"type": "array", "items": ID},
        "tolerance": {"type": "number", "minimum": 0},
    },
}

CORRECTION = {
    "type": "object",
    "required": ["value", "date", "reason"],
    "additionalProperties": False,
    "properties": {"value": {"type": "number"}, "date": DATE, "reason": WORDS, "source": ID, "excerpt": ID,
                   "cell": CELL, "highlight": TEXT},
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
                "required": ["id", "unit", "label", "as_of"],
                "additionalProperties": False,
                "properties": {
                    "id": ID,
                    "value": {"type": "number"},
                    "unit": UNIT,
                    "label": WORDS,
                    "as_of": AS_OF,
                    "source": ID,
                    "excerpt": ID,
                    "cell": CELL,
                    "highlight": TEXT,
                    "series": {"type": "object", "required": ["id", "row", "column"], "additionalProperties": False,
                               "properties": {"id": ID, "row": TEXT, "column": TEXT}},
                    "approximate": {"type": "boolean"},
                    "provisional": {"type": "boolean"},
                    "decimals": {"type": "integer", "minimum": 0, "maximum": 6},
                    "note": NOTE,
                    "derived": DERIVED,
                    "corrections": {"type": "array", "items": CORRECTION},
                    "acknowledged": TEXT,
                },
            },
        }
    },
}

COLUMN_NAME = {"type": "string", "pattern": "^[a-z_]+$"}
ROW_FIELDS = {"source": ID, "excerpt": ID, "cell": CELL, "highlight": TEXT, "note": NOTE,
              "provisional": {"type": "boolean"},
              # true: every figure of the row is rounded; or the names of the columns that are
              "approximate": {"anyOf": [{"type": "boolean"}, {"type": "array", "items": COLUMN_NAME, "minItems": 1}]}}
# A column computed in every row from other columns of the same row, as a derived fact is from other facts.
COLUMN_DERIVED = {**DERIVED, "properties": {**DERIVED["properties"],
                                            "of": {"type": "array", "items": COLUMN_NAME}}}

SERIES = {
    "type": "object",
    "required": ["id", "title", "key", "columns", "rows"],
    "additionalProperties": False,
    "properties": {
        "id": ID,
        "title": WORDS,
        "description": NOTE,
        "key": {"type": "string"},
        "columns": {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "required": ["name", "label"],
                "additionalProperties": False,
                "properties": {
                    "name": COLUMN_NAME,
                    "label": NOTE,
                    "unit": UNIT,
                    "table_row": TEXT,
                    "table_column": TEXT,
                    "derived": COLUMN_DERIVED,
                },
            },
        },
        "sum_columns": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "source": ID,
        "excerpt": ID,
        "rows": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": ROW_FIELDS,
                "additionalProperties": {"type": ["number", "string", "null"]},
            },
        },
    },
}

CLAIMS = {
    "type": "object",
    "required": ["claims"],
    "additionalProperties": False,
    "properties": {
        "claims": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "source", "excerpt", "verdict", "finding", "key"],
                "additionalProperties": False,
                "properties": {
                    "id": ID,
                    "source": ID,
                    "excerpt": ID,
                    "verdict": {"enum": ["correct", "caveat", "wrong"]},
                    "finding": WORDS,
                    "evidence": {"type": "array", "items": CITATION},
                    # The figure or words, as the evidence writes them, that an evidence excerpt must state
                    "key": TEXT,
                },
            },
        }
    },
}

# data/corrections.json: the site's corrections of its own words, newest or oldest first (the page sorts them).
SITE_CORRECTIONS = {
    "type": "object",
    "required": ["corrections"],
    "additionalProperties": False,
    "properties": {
        "corrections": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "date", "pages", "before", "after", "reason"],
                "additionalProperties": False,
                "properties": {
                    "id": ID,  # also its place on the Corrections page (#id) and in the feed: never change it
                    "date": DATE,
                    "pages": {"type": "array", "minItems": 1, "items": {"type": "string",
                                                                        "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]*$"}},
                    # The words as published, in the site's language, or with our translations (facts.SiteCorrection)
                    "before": WORDS,
                    "after": WORDS,
                    "reason": WORDS,
                },
            },
        }
    },
}
