"""site.json's text settings are checked like data text: text only, no control characters or half characters,
bounded lengths, and a language that is a BCP 47 tag; each problem is one line at the setting's position."""
from __future__ import annotations

import json

import pytest

from explainer.site_folder.inputs import MAX_SETTING_CHARACTERS, read_inputs
from explainer.site_folder.scaffold import write_starter


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    assert write_starter(root) is None
    return root


def set_raw(root, key: str, raw_json_value: str) -> None:
    """Write site.json with key set to a JSON value written as is (so escapes like \\u0000 stay escapes)."""
    settings = json.loads((root / "site.json").read_text(encoding="utf-8"))
    settings.pop(key, None)
    text = json.dumps(settings, indent=2)
    (root / "site.json").write_text(text[:-2] + f',\n  "{key}": {raw_json_value}\n}}\n', encoding="utf-8")


@pytest.mark.parametrize("key, raw, expected", [
    ("title", '"A\\u0000B"', "control character U+0000"),
    ("author", '"x\\ud800y"', "half of a character"),
    ("description", '"tab\\u0007bell"', "control character U+0007"),
    ("title", "5", "must be text in quotes"),
    ("chart_font", '["serif"]', "must be text in quotes"),
    ("language", '"../../etc"', "BCP 47 language tag"),
    ("language", '"' + "a" * 40 + '"', "BCP 47 language tag"),
    ("author", '"' + "a" * (MAX_SETTING_CHARACTERS + 1) + '"', "more than the 1,000"),
])
def test_a_bad_text_setting_is_one_problem_at_its_line(site, key, raw, expected):
    set_raw(site, key, raw)
    _, problems = read_inputs(site)
    assert len(problems) == 1, [p.format() for p in problems]
    problem = problems[0]
    assert problem.path.name == "site.json" and expected in problem.message
    lines = (site / "site.json").read_text(encoding="utf-8").splitlines()
    assert f'"{key}"' in lines[problem.line - 1]


@pytest.mark.parametrize("tag", ["en", "ko", "pt-BR", "zh-Hant-TW", "de-CH-1996", "is"])
def test_language_tags_as_sites_write_them_are_accepted(site, tag):
    set_raw(site, "language", json.dumps(tag))
    inputs, problems = read_inputs(site)
    assert not problems and inputs.settings.language == tag
