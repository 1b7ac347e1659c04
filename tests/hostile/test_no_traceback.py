"""Hostile inputs end in `path:line:col` errors, never a traceback; an unexpected fault ends in one clear line."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PROJECT, SITES
from explainer import cli

LOCATED = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+):(?P<column>\d+): ", re.MULTILINE)


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "tiny"
    shutil.copytree(SITES / "tiny", root)
    return root


def check(root: Path) -> subprocess.CompletedProcess:
    started = time.monotonic()
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--root", str(root)],
                            capture_output=True, text=True, timeout=120)
    # A stall, not a slow machine: the slowest input here (the deep list and quotes under the size limits) takes
    # about 4 s on a quiet 2-core machine and 7-9 s on a busy one; the others under 1 s.
    assert time.monotonic() - started < 60, "a hostile input must not stall the build"
    return result


def assert_clean_error(result: subprocess.CompletedProcess, path: str, message: str) -> re.Match:
    """The build failed with exit code 1, with no traceback, and with an error in path at line, column >= 1."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    located = [m for m in LOCATED.finditer(result.stderr) if m.group("path") == path]
    assert located, result.stderr
    assert all(int(m.group("line")) >= 1 and int(m.group("column")) >= 1 for m in located)
    assert message in result.stderr, result.stderr
    return located[0]


def set_order(root: Path, order: str) -> None:
    page = root / "content" / "elite.md"
    page.write_text(re.sub(r"order: .*", lambda _: f"order: {order}", page.read_text(), count=1))


def replace_in_facts(root: Path, old: str, new: str) -> str:
    path = root / "data" / "facts" / "main.json"
    text = path.read_text()
    assert old in text
    text = text.replace(old, new, 1)
    path.write_text(text)
    return text


# --- the last guard ------------------------------------------------------------------------------------------

def fail_inside_the_build(*arguments, **keywords):
    raise ZeroDivisionError("a fault injected by the test")


def test_an_unexpected_exception_is_one_clear_line_with_a_hint(monkeypatch, capsys):
    monkeypatch.setattr("explainer.pipeline.build", fail_inside_the_build)  # cli imports it when it builds
    code = cli.main(["check", "--root", str(SITES / "tiny")])
    error = capsys.readouterr().err
    assert code == cli.EXIT_PROBLEMS == 1
    assert "Traceback" not in error
    assert "internal error (ZeroDivisionError: a fault injected by the test)" in error
    assert "this is a bug in the engine, not in your files" in error and "--debug" in error


def test_debug_prints_the_traceback(monkeypatch, capsys):
    monkeypatch.setattr(cli, "read_inputs", fail_inside_the_build)
    code = cli.main(["check", "--root", str(SITES / "tiny"), "--debug"])
    error = capsys.readouterr().err
    assert code == 1
    assert "Traceback (most recent call last)" in error and "fail_inside_the_build" in error
    assert "internal error" in error


# --- front matter ------------------------------------------------------------------------------------------

ODD_ORDERS = ["²", "٣", "９", "9" * 5000, "1.5", "", "1e3", "--1", "- 1", "0x10", "1_000"]


@pytest.mark.parametrize("order", ODD_ORDERS, ids=[f"order-{index}" for index in range(len(ODD_ORDERS))])
def test_an_odd_order_is_an_error_at_its_line(site, order):
    set_order(site, order)
    match = assert_clean_error(check(site), "content/elite.md", "order must be a whole number")
    assert int(match.group("line")) > 1  # the line of "order:", not the top of the file


@pytest.mark.parametrize("order", ["-3", "0", "999999999"])
def test_a_plain_order_builds(site, order):
    set_order(site, order)
    assert check(site).returncode == 0


# --- Markdown nesting ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "\n".join("  " * depth + "- item" for depth in range(2000)),
    ">" * 20000 + " quoted",
    "*_" * 20000 + "x" + "_*" * 20000,
    "[" * 5000 + "x" + "]" * 5000,
    "\n".join("  " * depth + "- item" for depth in range(985)),  # under the size limits, past Python's stack
    "\n".join("> " * depth + "quote" for depth in range(1, 990)),
], ids=["list", "quote", "emphasis", "brackets", "list-under-limits", "quotes-under-limits"])
def test_deeply_nested_markdown_is_an_error_at_the_page(site, body):
    page = site / "content" / "elite.md"
    page.write_text(page.read_text() + "\n\n" + body + "\n")
    result = check(site)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    if result.returncode:
        assert_clean_error(result, "content/elite.md", "")


# --- JSON size, depth and numbers ---------------------------------------------------------------------------

@pytest.mark.parametrize("extra, message", [
    ("[" * 100_000 + "]" * 100_000, "nested more than"),
    ("{\"a\": " * 5_000 + "1" + "}" * 5_000, "nested more than"),
    ("\"" + "x" * 5_100_000 + "\"", "more than the limit"),
    ("9" * 5000, "digits"),
    ("-" + "1" * 401, "digits"),
], ids=["array-depth", "object-depth", "size", "digits", "negative-digits"])
def test_huge_or_deep_json_is_an_error_at_its_place(site, extra, message):
    replace_in_facts(site, '"unit": "people",', f'"unit": "people", "extra": {extra},')
    assert_clean_error(check(site), "data/facts/main.json", message)


def test_a_deep_site_json_is_an_error(site):
    (site / "site.json").write_text('{"title": "x", "deep": ' + "[" * 50_000 + "]" * 50_000 + "}")
    assert_clean_error(check(site), "site.json", "nested more than")


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\uDBFF", "a\\ud83d"])
def test_a_lone_surrogate_is_an_error_at_its_json_position(site, escape):
    text = replace_in_facts(site, '"label": "Defectors in public-sector jobs"',
                            f'"label": "Defectors {escape} in jobs"')
    match = assert_clean_error(check(site), "data/facts/main.json", "lone surrogate")
    assert '"label"' in text.splitlines()[int(match.group("line")) - 1]


def test_a_surrogate_pair_written_as_escapes_is_one_character_and_builds(site):
    replace_in_facts(site, '"label": "Defectors in public-sector jobs"', '"label": "Defectors \\ud83d\\ude00"')
    assert check(site).returncode == 0


@pytest.mark.parametrize("override", ["\\u202e", "\\u2066", "\\u200f"])
def test_right_to_left_marks_in_a_label_are_harmless_text(site, override, tmp_path):
    replace_in_facts(site, '"label": "Defectors in public-sector jobs"', f'"label": "abc {override}def"')
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "--root", str(site), "--out", str(out)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    mark = json.loads(f'"{override}"')
    assert f"abc {mark}def" in json.loads((out / "data" / "facts.json").read_text())[0]["label"]


# --- derived facts ------------------------------------------------------------------------------------------

def facts_document(root: Path) -> tuple[Path, dict]:
    path = root / "data" / "facts" / "main.json"
    return path, json.loads(path.read_text())


@pytest.mark.parametrize("first, second", [(1e308, 1e308), (1e308, -1e308), (int("9" * 400), 1.5),
                                           (int("9" * 400), int("8" * 400))],
                         ids=["float-overflow", "float-cancel", "long-int-and-float", "long-ints"])
def test_huge_inputs_to_a_derived_fact_are_errors_not_crashes(site, first, second):
    path, document = facts_document(site)
    document["facts"][0]["value"], document["facts"][1]["value"] = first, second
    path.write_text(json.dumps(document, indent=2))
    assert_clean_error(check(site), "data/facts/main.json", "")


def test_a_cycle_of_derived_facts_is_an_error_naming_them(site):
    path, document = facts_document(site)
    facts = document["facts"]
    derived = next(fact for fact in facts if "derived" in fact)
    first = facts[0]
    first.pop("excerpt", None)
    first["derived"] = {"op": "sum", "of": [derived["id"], facts[1]["id"]], "tolerance": 10 ** 6}
    derived["derived"] = {"op": "difference", "of": [first["id"], facts[1]["id"]], "tolerance": 10 ** 6}
    path.write_text(json.dumps(document, indent=2))
    result = check(site)
    assert_clean_error(result, "data/facts/main.json", "cycle")
    assert f"{first['id']} → {derived['id']} → {first['id']}" in result.stderr


def test_a_fact_derived_from_itself_is_an_error(site):
    path, document = facts_document(site)
    derived = next(fact for fact in document["facts"] if "derived" in fact)
    derived["derived"]["of"] = [derived["id"], derived["derived"]["of"][1]]
    path.write_text(json.dumps(document, indent=2))
    assert_clean_error(check(site), "data/facts/main.json", "")


# --- encodings ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad, encoding", [(b"\xff", "stray"), ("é".encode("latin-1"), "Latin-1"),
                                           ("’".encode("cp1252"), "Windows-1252"), (b"\xc3", "cut UTF-8")])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_a_non_utf8_byte_in_a_page_is_reported_at_its_real_line_and_column(site, bad, encoding, bom, newline):
    page = site / "content" / "elite.md"
    lines = page.read_bytes().split(b"\n")
    lines[3] = b"ab\xc3\xa9c" + bad + b"d"  # "abéc": the column counts characters, not bytes
    page.write_bytes(bom + newline.join(lines))
    result = check(site)
    assert re.search(r"^content/elite\.md:4:5: this file is not UTF-8", result.stderr, re.MULTILINE), result.stderr


@pytest.mark.parametrize("name", ["data/facts/main.json", "site.json"])
def test_a_non_utf8_byte_in_a_json_file_is_reported_at_its_real_line(site, name):
    path = site / name
    path.write_text(json.dumps(json.loads(path.read_text()), indent=2))  # one key a line
    lines = path.read_bytes().split(b"\n")
    number = next(index for index, line in enumerate(lines) if index and b'"' in line)
    lines[number] = lines[number].replace(b'"', b'"\xe9', 1)
    path.write_bytes(b"\n".join(lines))
    result = check(site)
    column = lines[number].index(b"\xe9") + 1
    assert re.search(rf"^{re.escape(name)}:{number + 1}:{column}: this file is not UTF-8", result.stderr,
                     re.MULTILINE), result.stderr


def test_build_and_preview_decode_bytes_alike():
    from explainer.site_folder.inputs import decode_text
    from explainer.preview import rebuild

    for raw in [b"\xef\xbb\xbfa\r\nb\rc\n", b"plain\n", "é ü 北\r\n".encode()]:
        assert decode_text(raw) == rebuild.decode_text(raw)


# --- rel on links that leave the site --------------------------------------------------------------------------

def test_external_links_in_prose_carry_rel_noopener(site, tmp_path):
    page = site / "content" / "elite.md"
    page.write_text(page.read_text() + "\n\nSee [one](https://example.org/a), [two](HTTP://example.org/b), "
                    "[three](//example.org/c) and [home](index.html).\n")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "--root", str(site), "--out", str(out)],
                            capture_output=True, text=True, timeout=60)
    html = (out / "elite.html").read_text()
    if result.returncode == 0:  # protocol-relative links may be refused by the output gate: then test without
        for address in ("https://example.org/a", "HTTP://example.org/b", "//example.org/c"):
            assert re.search(rf'<a href="{re.escape(address)}" rel="noopener noreferrer">', html), address
    assert '<a href="index.html">' in html or result.returncode
