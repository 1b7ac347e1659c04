"""Values the JSON Schema lets through but no page may show are errors at their line and column."""
from __future__ import annotations

import json

import pytest

from conftest import SITES
from explainer.site_folder.inputs import read_inputs
from explainer.store.loading import load_fact_store

TINY, _ = read_inputs(SITES / "tiny")
FACTS = next(path for path in TINY.data if path.parent.name == "facts")


def load_with_first_fact(**fields):
    document = json.loads(TINY.data[FACTS])
    document["facts"][0].update(fields)
    return load_fact_store({**TINY.data, FACTS: json.dumps(document, ensure_ascii=False, indent=2)})


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e309"])
def test_a_value_that_is_not_a_finite_number_is_an_error_at_its_line(raw):
    document = json.loads(TINY.data[FACTS])
    document["facts"][0]["value"] = "__VALUE__"
    text = json.dumps(document, indent=2).replace('"__VALUE__"', raw)
    store, problems = load_fact_store({**TINY.data, FACTS: text})
    wrong = [p for p in problems if "finite" in p.message]
    assert wrong and wrong[0].path == FACTS and text.splitlines()[wrong[0].line - 1].strip().startswith('"value"')
    assert document["facts"][0]["id"] not in store.facts


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f"])
def test_a_control_character_in_data_text_is_an_error(character):
    store, problems = load_with_first_fact(note=f"A note{character} pasted from somewhere.")
    assert any(f"U+{ord(character):04X}" in p.message for p in problems)
