"""Any value in any fact field or series cell, any front matter and any page body builds or fails with clean
`path:line:col` problems — through the pure pipeline and through the real command line — never a traceback,
never an internal error, never a stall; what builds passes the output gate and holds no NUL."""
from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import re
import shutil
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SITES
from explainer.cli import main
from explainer.site_folder.inputs import read_inputs
from explainer.publish.output_gate import check_output
from explainer.pipeline import build

TINY, _ = read_inputs(SITES / "tiny")
INDEX = next(path for path in TINY.content if path.name == "index.md")
FACTS = next(path for path in TINY.data if path.parent.name == "facts")
SERIES = next(path for path in TINY.data if path.parent.name == "series")
GAZETTE = next(path for path in TINY.data if path.name == "gazette.json")

MARKUP = st.sampled_from(["[", "]", "(", ")", "{{", "}}", "[@", "*", "_", "`", "<", ">", "&", "#", "\\", "!",
                          "&#x61;", "javascript:", "https://", "//", ":", "\n", "\n\n", "\t", "\x00", "\u202e",
                          "\ufeff", "\u2028", "\ud7a3", "\u00b2", "\u0663", "2,914", "1e309", "NaN", "-0", "---",
                          "    ", "- ", "1. ", "> ", "|", "%", "{", "}", "\r", "\x1b"])
TEXT = st.lists(st.one_of(MARKUP, st.text(max_size=12)), max_size=40).map("".join)
# Raw JSON a pasted table can hold in a value's place, including what Python's json accepts but JSON does not.
RAW_NUMBER = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e309", "-1e309", "1e-400", "-0", "0.1",
                              "9007199254740993", "1" * 400, "-12", "1.5e3", "true", "null", "\"12\"",
                              "\"−5.1\"", "[]", "{}", "[1, 2]", "\"\""])
ANY_JSON = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                     TEXT, st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(),
                                                                                 max_size=2))
QUICK = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROBLEM_LINE = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+):(?P<col>\d+): (?P<message>\S.*)$")


# The site's text files; PNGs and the search index's binary chunks hold NUL bytes by nature.
TEXT_FILES = (".html", ".css", ".js", ".svg", ".csv", ".json", ".xml", ".txt", "_headers")


def is_text(path: str) -> bool:
    return path.endswith(TEXT_FILES)


def built_with(content: dict | None = None, data: dict | None = None):
    inputs = dataclasses.replace(TINY, content={**TINY.content, **(content or {})},
                                 data={**TINY.data, **(data or {})})
    started = time.perf_counter()
    result = build(inputs)
    assert time.perf_counter() - started < 10, "a build took more than 10 s"
    for problem in result.problems:
        assert problem.line >= 1 and problem.col >= 1 and problem.message, problem.format()
        assert "Traceback" not in problem.message, problem.format()
    if not result.failed(strict=False):
        assert check_output(result.files) == []
        assert all(b"\x00" not in content for path, content in result.files.items() if is_text(path)), \
            "a NUL reached the output"
    return result


def with_raw(document_text: str, marker: str, raw: str) -> str:
    """Put raw JSON text in place of a quoted marker, so values JSON itself cannot express reach the loader."""
    return document_text.replace(json.dumps(marker), raw)


def facts_with(**fields) -> str:
    document = json.loads(TINY.data[FACTS])
    document["facts"][0].update(fields)
    return json.dumps(document, ensure_ascii=False)


@QUICK
@given(st.sampled_from(["value", "unit", "as_of", "decimals", "approximate", "label", "note"]), ANY_JSON)
def test_any_json_in_any_fact_field(field, value):
    try:
        text = facts_with(**{field: value})
    except ValueError:  # e.g. a surrogate json cannot encode: nothing to build
        return
    built_with(data={FACTS: text})


@QUICK
@given(st.sampled_from(["value", "decimals", "approximate"]), RAW_NUMBER)
def test_any_raw_number_in_a_fact(field, raw):
    built_with(data={FACTS: with_raw(facts_with(**{field: "\u0000marker"}), "\u0000marker", raw)})


@QUICK
@given(st.sampled_from(["total", "men", "women", "period"]), st.one_of(RAW_NUMBER, ANY_JSON.map(json.dumps)))
def test_any_series_cell(column, raw):
    document = json.loads(TINY.data[SERIES])
    document["rows"][0][column] = "\u0000marker"
    built_with(data={SERIES: with_raw(json.dumps(document, ensure_ascii=False), "\u0000marker", raw)})


@QUICK
@given(TEXT, TEXT)
def test_any_source_title_and_excerpt_text(title, words):
    document = json.loads(TINY.data[GAZETTE])
    document["title"] = title
    document["excerpts"][0]["text"] = words
    try:
        text = json.dumps(document, ensure_ascii=False)
        text.encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return
    built_with(data={GAZETTE: text})


@QUICK
@given(st.dictionaries(st.sampled_from(["title", "order", "summary", "slug", "charts", "draft", "x"]),
                       st.one_of(TEXT.map(lambda text: json.dumps(text)), RAW_NUMBER, TEXT.map(lambda t: t[:30])),
                       max_size=4),
       TEXT)
def test_any_front_matter_and_body(front, body):
    lines = "\n".join(f"{key}: {value}" for key, value in front.items())
    built_with(content={INDEX: f"---\n{lines}\n---\n{body}\n"})


# The same through the real command line, on a copy of the tiny site on disk.

def run_command_line(edit) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "tiny"
        shutil.copytree(SITES / "tiny", root)
        edit(root)
        printed = io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            code = main(["build", "--root", str(root), "--out", str(Path(folder) / "out")])
        assert time.perf_counter() - started < 10, "a build took more than 10 s"
        text = printed.getvalue()
        assert "Traceback" not in text and "internal error" not in text, text
        if code == 0:
            out = Path(folder) / "out"
            files = {str(path.relative_to(out)): path.read_bytes() for path in out.rglob("*") if path.is_file()}
            assert all(b"\x00" not in content for path, content in files.items() if is_text(path)), \
                "a NUL reached the output"
        else:
            # Problems name their file relative to --root (content/…, data/…, site.json).
            problems = [line for line in text.splitlines()
                        if line.startswith(("content/", "data/", "site.json", str(root)))]
            assert problems, f"a failed build named no file:\n{text}"
            for line in problems:
                match = PROBLEM_LINE.match(line)
                assert match and int(match["line"]) >= 1 and int(match["col"]) >= 1, f"not path:line:col: {line!r}"
        return code, text


def write_bytes(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", "surrogatepass"))


CLI = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CLI
@given(TEXT, TEXT)
def test_any_page_through_the_command_line(title, body):
    run_command_line(lambda root: write_bytes(root / "content" / "index.md",
                                              f"---\ntitle: {title}\norder: 0\n---\n{body}\n"))


@CLI
@given(st.sampled_from(["value", "decimals", "approximate", "as_of", "unit"]), RAW_NUMBER)
def test_any_fact_value_through_the_command_line(field, raw):
    text = with_raw(facts_with(**{field: "\u0000marker"}), "\u0000marker", raw)
    run_command_line(lambda root: write_bytes(root / "data" / "facts" / "main.json", text))


@CLI
@given(TEXT)
def test_any_source_title_through_the_command_line(title):
    document = json.loads(TINY.data[GAZETTE])
    document["title"] = title
    text = json.dumps(document)  # escaped, so even lone surrogates reach the loader
    run_command_line(lambda root: write_bytes(root / "data" / "sources" / "gazette.json", text))
