"""Any text an editor or a pasted source can put in a page, its front matter, a fact or a source builds, or
fails with clean `path:line:col` problems: never an exception, never a stall, never a URL past the gate."""
from __future__ import annotations

import dataclasses
import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SITES
from explainer.site_folder.inputs import read_inputs
from explainer.publish.output_gate import check_output
from explainer.pipeline import build

TINY, _ = read_inputs(SITES / "tiny")
INDEX = next(path for path in TINY.content if path.name == "index.md")
FACTS = next(path for path in TINY.data if path.parent.name == "facts")
GAZETTE = next(path for path in TINY.data if path.name == "gazette.json")

# Text as editors and pasted sources write it, weighted towards what breaks parsers: markup characters,
# references, control characters, odd Unicode, long runs.
MARKUP = st.sampled_from(["[", "]", "(", ")", "{{", "}}", "[@", "*", "_", "`", "<", ">", "&", "#", "\\", "!",
                          "&#x61;", "javascript:", "https://", "//", ":", "\n", "\n\n", "\t", "\x00", "\u202e",
                          "\ufeff", "\u2028", "만", "合计", "2,914", "1e309", "NaN", "---", "    ", "- ", "1. "])
TEXT = st.lists(st.one_of(MARKUP, st.text(max_size=12)), max_size=40).map("".join)
QUICK = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def built_with(content: dict | None = None, data: dict | None = None):
    inputs = dataclasses.replace(TINY, content={**TINY.content, **(content or {})}, data={**TINY.data, **(data or {})})
    started = time.perf_counter()
    result = build(inputs)
    assert time.perf_counter() - started < 10
    for problem in result.problems:
        assert problem.line >= 1 and problem.col >= 1 and problem.message
        assert "Traceback" not in problem.message
    if not result.failed(strict=False):
        assert check_output(result.files) == []
        assert all(b"\x00" not in data for name, data in result.files.items() if name.endswith(".html"))
    return result


@QUICK
@given(TEXT)
def test_any_page_body(body):
    built_with(content={INDEX: f"---\ntitle: Overview\norder: 0\n---\n{body}\n"})


@QUICK
@given(TEXT, TEXT)
def test_any_front_matter(title, order):
    front = json.dumps(title)[1:-1]
    built_with(content={INDEX: f"---\ntitle: {front}\norder: {order}\nsummary: {front}\n---\nText.\n"})


@QUICK
@given(TEXT, TEXT)
def test_any_fact_label_and_note(label, note):
    document = json.loads(TINY.data[FACTS])
    document["facts"][0].update({"label": label or "x", "note": note})
    built_with(data={FACTS: json.dumps(document, ensure_ascii=False)})


@QUICK
@given(TEXT, TEXT)
def test_any_source_title_and_excerpt(title, words):
    document = json.loads(TINY.data[GAZETTE])
    document["title"] = title or "x"
    document["excerpts"].append({"id": "pasted", "text": words or "x"})
    built_with(data={GAZETTE: json.dumps(document, ensure_ascii=False)})


def test_data_text_is_never_read_as_markup():
    document = json.loads(TINY.data[FACTS])
    document["facts"][0]["note"] = '*not emphasis* [a link](javascript:alert(1)) ![x](https://t.example/p.gif) {{residents}} [@gazette] <script>alert(1)</script>'
    result = built_with(data={FACTS: json.dumps(document, ensure_ascii=False)})
    page = result.files["index.html"].decode()
    assert "*not emphasis* [a link](javascript:alert(1))" in page
    assert "<script>alert(1)</script>" not in page and "<em>not emphasis</em>" not in page
    assert 'src="https://t.example' not in page
