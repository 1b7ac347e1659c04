"""The search index (explainer/publish/search.py): which pages and what text it holds, the same bytes from two builds,
the disk cache, and a path:line:col problem, never a traceback, when Pagefind is missing or fails."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from explainer import cli
from explainer.publish import pagefind_service, search, search_pages
from explainer.site_folder.inputs import read_inputs
from explainer.pipeline import build

from conftest import PROJECT, SITES

FRAGMENT_HEADER = b"pagefind_dcd"  # what Pagefind writes before the JSON of a page, inside the gzip


@pytest.fixture(scope="module")
def tiny_pages(tmp_path_factory) -> dict[str, bytes]:
    """Every file the tiny site's build writes except the index: what the search stage is given."""
    root = tmp_path_factory.mktemp("tiny") / "tiny"
    shutil.copytree(SITES / "tiny", root)
    inputs, problems = read_inputs(root)
    assert not problems
    result = build(inputs)
    assert not result.failed(strict=False), [p.format() for p in result.problems]
    return {path: data for path, data in result.files.items() if not path.startswith("pagefind/")}


def fragments(files: dict[str, bytes]) -> dict[str, dict]:
    """The page records of an index, by their URL: what a result shows (title, text, sections)."""
    records = {}
    for path, data in files.items():
        if path.startswith("pagefind/fragment/"):
            unpacked = gzip.decompress(data)
            assert unpacked.startswith(FRAGMENT_HEADER)
            record = json.loads(unpacked[len(FRAGMENT_HEADER):])
            records[record["url"]] = record
    return records


def test_the_reader_pages_are_searched_and_the_others_not():
    for path in ("index.html", "elite.html", "sources.html", "data.html", "corrections.html"):
        assert search.searchable(path), path
    for path in ("404.html", "contents.html", "search.html", "embed/arrivals.html", "data/facts.json",
                 "assets/style.css"):
        assert not search.searchable(path), path


def test_the_index_holds_each_page_with_its_text_but_not_the_header_cards_or_citation_marks(tiny_pages, tmp_path):
    index, problems = search.search_index(tiny_pages, tmp_path)
    assert problems == []
    records = fragments(index.files)
    # Results link to the file as written (index.html, not "/"), so they work from any folder.
    assert set(records) == {"/index.html", "/elite.html", "/sources.html", "/data.html", "/corrections.html"}
    assert index.pages == 5
    elite = records["/elite.html"]
    assert elite["meta"]["title"] == "Elites"
    assert "Elites were" in elite["content"]
    assert [anchor["id"] for anchor in elite["anchors"] if anchor["element"] == "h2"] == ["share"]
    for record in records.values():
        assert "Skip to the text" not in record["content"]
        assert "[1]" not in record["content"]  # the citation marks inside sentences
    # A fact card repeats the fact's label and source at the figure; the results quote the sentence instead.
    assert "Source:" in tiny_pages["elite.html"].decode() and "Source:" not in elite["content"]


def test_only_the_search_runtime_and_the_index_are_published(tiny_pages, tmp_path):
    index, _ = search.search_index(tiny_pages, tmp_path)
    names = {path.removeprefix("pagefind/") for path in index.files}
    assert all(path.startswith("pagefind/") for path in index.files)
    assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.en.pagefind"} <= names
    assert not [name for name in names if "-ui." in name or "highlight" in name]  # Pagefind's own interfaces
    assert not [name for name in names if name.startswith("wasm.") and name != "wasm.en.pagefind"]


def test_two_runs_on_the_same_pages_give_the_same_bytes(tiny_pages, tmp_path):
    first, _ = search.search_index(tiny_pages, tmp_path / "one")
    second, _ = search.search_index(dict(reversed(tiny_pages.items())), tmp_path / "two")
    assert not first.cached and not second.cached  # both made by Pagefind, not one copied from the cache
    assert first.files == second.files


def test_unchanged_pages_come_from_the_cache_without_running_pagefind(tiny_pages, tmp_path, monkeypatch):
    made, _ = search.search_index(tiny_pages, tmp_path)
    runs = []
    real_run = search.run_pagefind
    monkeypatch.setattr(search, "run_pagefind", lambda *arguments: runs.append(1) or real_run(*arguments))
    again, problems = search.search_index(tiny_pages, tmp_path)
    assert problems == [] and again.cached and again.files == made.files and runs == []
    # A page that changes is indexed again; a page that is not searched (404) changes nothing.
    edited = {**tiny_pages, "elite.html": tiny_pages["elite.html"].replace(b"Elites were", b"Elites made up")}
    changed, _ = search.search_index(edited, tmp_path)
    assert not changed.cached and runs == [1]
    assert "Elites made up" in fragments(changed.files)["/elite.html"]["content"]
    other_404 = {**tiny_pages, "404.html": tiny_pages["404.html"] + b"<!-- changed -->"}
    assert search.search_index(other_404, tmp_path)[0].cached


def test_a_damaged_cache_is_made_again(tiny_pages, tmp_path):
    made, _ = search.search_index(tiny_pages, tmp_path)
    stored = tmp_path / ".cache" / "search"
    for path in stored.iterdir():
        if not path.name.endswith(".json"):
            path.write_bytes(b"damaged")
    again, problems = search.search_index(tiny_pages, tmp_path)
    assert problems == [] and not again.cached and again.files == made.files


def test_missing_pagefind_is_a_problem_at_the_line_that_pins_it(tiny_pages, tmp_path, monkeypatch):
    def missing():
        raise FileNotFoundError("no pagefind binary")

    monkeypatch.setattr(search, "pagefind_binary", missing)
    index, problems = search.search_index(tiny_pages, tmp_path)
    assert index.files == {}
    [problem] = problems
    pinned = (PROJECT / "requirements.txt").read_text().splitlines()
    assert pinned[problem.line - 1].startswith("pagefind-bin==")
    assert problem.format(relative_to=PROJECT).startswith(f"requirements.txt:{problem.line}:1: Pagefind, which "
                                                          "makes the search index, is not installed: run python "
                                                          "-m pip install -r requirements.txt.")


def fake_pagefind(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "pagefind"
    script.write_text(f"#!{sys.executable}\nimport sys, time\n{body}\n")
    script.chmod(0o755)
    return script


@pytest.mark.parametrize("body, said", [
    ("sys.stderr.write('pagefind: cannot allocate\\n'); sys.exit(3)", "and said: pagefind: cannot allocate"),
    ("sys.stdout.write('not base64 at all,'); sys.stdout.flush(); time.sleep(5)", "in a form this build does not read"),
])
def test_a_failing_pagefind_is_one_clear_problem(tiny_pages, tmp_path, monkeypatch, body, said):
    binary = fake_pagefind(tmp_path, body)
    monkeypatch.setattr(search, "pagefind_binary", lambda: binary)
    index, problems = search.search_index(tiny_pages, tmp_path)
    assert index.files == {}
    [problem] = problems
    assert problem.path == binary and (problem.line, problem.col) == (1, 1)
    assert problem.message.startswith("Pagefind could not make the search index: ") and said in problem.message


def test_a_pagefind_that_never_answers_is_stopped(tiny_pages, tmp_path, monkeypatch):
    binary = fake_pagefind(tmp_path, "time.sleep(60)")
    monkeypatch.setattr(search, "pagefind_binary", lambda: binary)
    monkeypatch.setattr(pagefind_service, "TIMEOUT", 1)
    _, [problem] = search.search_index(tiny_pages, tmp_path)
    assert "it took more than 1 s" in problem.message


def test_the_build_command_reports_missing_pagefind_without_a_traceback(tmp_path, monkeypatch, capsys):
    root = tmp_path / "tiny"
    shutil.copytree(SITES / "tiny", root)

    def missing():
        raise ImportError("No module named 'pagefind_bin'")

    monkeypatch.setattr(search, "pagefind_binary", missing)
    assert cli.main(["--root", str(root), "--out", str(tmp_path / "out")]) == 1
    errors = capsys.readouterr().err
    assert "requirements.txt:" in errors and "Pagefind, which makes the search index, is not installed" in errors
    assert "Traceback" not in errors and not (tmp_path / "out").exists()


def test_every_left_out_selector_is_in_the_project_site(built_project_site):
    """EXCLUDED names classes of other templates: a renamed class would quietly put its text back."""
    html = "".join(path.read_text(encoding="utf-8") for path in built_project_site.glob("*.html"))
    for selector in search_pages.EXCLUDED:
        assert f'class="{selector[1:]}"' in html or f'class="{selector[1:]} ' in html \
            or f' {selector[1:]}"' in html, selector


def test_the_preview_runs_pagefind_below_its_own_priority(tiny_pages, tmp_path, monkeypatch):
    """The preview indexes while the next edit rebuilds (preview/search_refresh.py): Pagefind yields the cores.
    Its priority is lowered as it starts, before it is sent any work: the stand-in looks once it has work (looking
    at once raced the lowering, and once lost under CI's load)."""
    seen = tmp_path / "priority"
    binary = fake_pagefind(tmp_path, f"import os\nsys.stdin.buffer.read(1)\n"
                                     f"open({str(seen)!r}, 'w').write(str(os.getpriority(os.PRIO_PROCESS, 0)))")
    monkeypatch.setattr(search, "pagefind_binary", lambda: binary)
    search.search_index(tiny_pages, tmp_path, niceness=10)
    assert int(seen.read_text()) == min(os.getpriority(os.PRIO_PROCESS, 0) + 10, 19)


def test_pages_handed_over_one_at_a_time_as_a_build_makes_them_give_the_index_of_the_same_files(tiny_pages, tmp_path):
    """The pipeline hands each page to SearchPages as it writes it, from its own thread, while the index's thread
    reads them: the same index as from the files at once, and each page is let go once Pagefind is given it."""
    from_files, problems = search.search_index(tiny_pages, tmp_path / "files")
    assert problems == []
    pages = search.SearchPages(tmp_path / "handed")
    indexing = search.threads().submit(search.search_index, pages, tmp_path / "handed")
    for path in reversed(list(tiny_pages)):  # any order: the index sorts the pages by path
        pages.add(path, tiny_pages[path])
    pages.close()
    handed, problems = indexing.result(timeout=60)
    assert problems == [] and handed.files == from_files.files and handed.pages == from_files.pages
    assert not pages._reduced and not pages._whole


def test_a_build_stopped_before_its_pages_were_all_made_makes_no_index(tiny_pages, tmp_path):
    ran = []
    pages = search.SearchPages(tmp_path)
    pages.add("index.html", tiny_pages["index.html"])
    pages.abandon()
    index, problems = search.search_index(pages, tmp_path, run=lambda *arguments: ran.append(arguments))
    assert (index.files, problems, ran) == ({}, [], [])
