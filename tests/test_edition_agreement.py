"""Every edition cites the same facts (explainer/editions/agreement.py), and translation records say when the
default edition's page has changed, and which paragraphs (explainer/editions/translation_record.py,
translations_current.py): on pages made here, as the Markdown stage leaves them."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import SITES
from explainer.editions.agreement import check_same_facts
from explainer.editions.translation_record import (Change, TranslationRecord, changes_since, page_hash, paragraphs,
                                                   read_record, record_of)
from explainer.editions.translations_current import check_translations_current
from explainer.pipeline import build
from explainer.site_folder.inputs import read_inputs
from explainer.site_folder.pages import read_pages

ROOT = Path("/site")

ENGLISH = """---
title: Arrivals
order: 1
---
In 2024, {{arrivals-2024}} people arrived.

{{chart:arrivals}}

Most of them were women: {{women-share-2024}}.
"""

KOREAN = """---
title: 입국
order: 1
---
2024년에는 {{arrivals-2024}}이 입국했다.

{{chart:arrivals}}

대부분이 여성이었다: {{women-share-2024}}.
"""


def page(path: str, text: str, facts: list[str], charts: list[str] = ()):
    """A page as read_pages reads it, with what the Markdown stage would say it cites."""
    pages, problems = read_pages({ROOT / path: text})
    assert not problems, [p.format() for p in problems]
    pages[0].facts_used, pages[0].charts_used = list(facts), list(charts)
    return pages[0]


def editions(english: str, korean: str, english_facts, korean_facts, english_charts=("arrivals",),
             korean_charts=("arrivals",)):
    return (["en", "ko"], [[page("content/arrivals.md", english, english_facts, english_charts)],
                           [page("content/ko/arrivals.md", korean, korean_facts, korean_charts)]])


FACTS = ["arrivals-2024", "women-share-2024"]


def test_pages_citing_the_same_facts_agree_in_any_order():
    assert check_same_facts(*editions(ENGLISH, KOREAN, FACTS, FACTS[::-1])) == []


def test_a_missing_fact_is_an_error_at_the_translated_page_naming_it_and_its_line_in_the_original():
    korean = KOREAN.replace("{{women-share-2024}}", "대부분")
    problems = check_same_facts(*editions(ENGLISH, korean, FACTS, FACTS[:1]))
    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.path == ROOT / "content/ko/arrivals.md" and (problem.line, problem.col) == (1, 1)
    assert "{{women-share-2024}} (line 9)" in problem.message  # where content/arrivals.md cites it
    assert "cites_differ: <reason>" in problem.message


def test_an_extra_fact_is_an_error_where_the_translation_first_cites_it():
    korean = KOREAN.replace("입국했다.", "입국했다. 누적 {{cumulative-2024}}.")
    problems = check_same_facts(*editions(ENGLISH, korean, FACTS, [*FACTS, "cumulative-2024"]))
    assert len(problems) == 1
    problem = problems[0]
    assert problem.path == ROOT / "content/ko/arrivals.md"
    assert problem.line == 5 and problem.col == korean.split("\n")[4].index("{{cumulative") + 1
    assert "{{cumulative-2024}} (line 5)" in problem.message


def test_a_missing_chart_counts_as_missing_figures():
    korean = KOREAN.replace("{{chart:arrivals}}\n\n", "")
    problems = check_same_facts(*editions(ENGLISH, korean, FACTS, FACTS, korean_charts=()))
    assert len(problems) == 1 and "{{chart:arrivals}} (line 7)" in problems[0].message


def test_a_fact_in_a_figures_line_is_placed_at_that_line():
    korean = KOREAN + "\n{{figures: arrivals-2024, women-2024}}\n"
    problems = check_same_facts(*editions(ENGLISH, korean, FACTS, [*FACTS, "women-2024"]))
    assert [problem.line for problem in problems] == [11]


def test_a_declared_difference_with_a_reason_is_accepted():
    korean = KOREAN.replace("order: 1\n", "order: 1\ncites_differ: 한국어판은 여성 비율 대신 설명을 싣는다\n")
    assert check_same_facts(*editions(ENGLISH, korean, FACTS, FACTS[:1])) == []


def test_a_declared_difference_without_a_reason_is_an_error_at_its_line():
    korean = KOREAN.replace("order: 1\n", "order: 1\ncites_differ:\n")
    problems = check_same_facts(*editions(ENGLISH, korean, FACTS, FACTS[:1]))
    assert len(problems) == 1 and problems[0].line == 4 and "needs its reason" in problems[0].message


def test_a_declaration_in_the_original_page_is_an_error():
    english = ENGLISH.replace("order: 1\n", "order: 1\ncites_differ: why not\n")
    problems = check_same_facts(*editions(english, KOREAN, FACTS, FACTS))
    assert len(problems) == 1 and problems[0].path == ROOT / "content/arrivals.md" and problems[0].line == 4


def test_a_page_without_an_original_is_left_to_the_editions_check_and_one_edition_has_nothing_to_compare():
    lone = page("content/ko/extra.md", KOREAN, ["x"])
    assert check_same_facts(["en", "ko"], [[], [lone]]) == []
    assert check_same_facts(["en"], [[page("content/arrivals.md", ENGLISH, FACTS)]]) == []


# Translation records


def test_paragraphs_are_front_matter_lines_and_blocks_with_their_lines():
    found = paragraphs(ENGLISH)
    assert [(p.line, p.text.split()[0]) for p in found] == [(2, "title:"), (3, "order:"), (5, "In"),
                                                          (7, "{{chart:arrivals}}"), (9, "Most")]
    assert found[2].first_words == "In 2024, {{arrivals-2024}} people arrived."


def test_a_record_reads_back_and_a_bare_page_hash_is_a_record_too():
    record = record_of(ENGLISH)
    assert record.page == page_hash(ENGLISH) and len(record.paragraphs) == 5
    assert read_record(record.written()) == record
    assert read_record(page_hash(ENGLISH)) == TranslationRecord(page_hash(ENGLISH))
    for bad in ("", "abc", page_hash(ENGLISH) + " xyz", page_hash(ENGLISH).upper()):
        assert read_record(bad) is None


def test_changes_name_the_changed_new_and_removed_paragraphs():
    record = record_of(ENGLISH)
    edited = ENGLISH.replace("people arrived.", "people arrived, fewer than before.")
    assert [(c.kind, c.paragraph.line) for c in changes_since(record, edited)] == [("changed", 5)]
    added = ENGLISH + "\nA new paragraph at the end.\n"
    assert [(c.kind, c.paragraph.line) for c in changes_since(record, added)] == [("new", 11)]
    removed = ENGLISH.replace("{{chart:arrivals}}\n\n", "")
    assert changes_since(record, removed) == [Change("removed", paragraphs(removed)[2], 1)]
    retitled = ENGLISH.replace("title: Arrivals", "title: Arrivals by year")
    assert [(c.kind, c.paragraph.text) for c in changes_since(record, retitled)] == [
        ("changed", "title: Arrivals by year")]
    assert changes_since(record, ENGLISH.replace("\n\n", "\n\n\n")) == []  # spacing only
    assert changes_since(TranslationRecord(record.page), edited) == []  # nothing recorded to compare


def recorded(korean: str, english: str) -> str:
    return korean.replace("order: 1\n", f"order: 1\ntranslated_from: {record_of(english).written()}\n")


def test_a_current_translation_passes():
    assert check_translations_current(*editions(ENGLISH, recorded(KOREAN, ENGLISH), FACTS, FACTS)) == []


def test_an_out_of_date_translation_is_a_note_naming_the_page_and_the_paragraph():
    edited = ENGLISH.replace("people arrived.", "people arrived, fewer than before.")
    korean = recorded(KOREAN, ENGLISH)
    problems = check_translations_current(*editions(edited, korean, FACTS, FACTS))
    assert len(problems) == 1
    problem = problems[0]
    # A note: not even --strict stops the build, so a correction to the English page is published at once.
    assert problem.severity == "note" and not problem.stops_build(strict=True)
    assert problem.path == ROOT / "content/ko/arrivals.md" and problem.line == 4
    assert 'changed: line 5 ("In 2024, {{arrivals-2024}} people arrived, fewer …")' in problem.message
    assert "content/arrivals.md" in problem.message
    assert "python build.py translations --accept content/ko/arrivals.md" in problem.message


def test_a_translation_with_no_record_is_a_warning_and_a_bad_record_too():
    problems = check_translations_current(*editions(ENGLISH, KOREAN, FACTS, FACTS))
    assert [(p.severity, p.line) for p in problems] == [("warning", 1)]
    assert "python build.py translations" in problems[0].message and problems[0].stops_build(strict=True)
    bad = KOREAN.replace("order: 1\n", "order: 1\ntranslated_from: yesterday\n")
    problems = check_translations_current(*editions(ENGLISH, bad, FACTS, FACTS))
    assert [(p.severity, p.line, p.col) for p in problems] == [("warning", 4, 18)]


def test_a_record_in_the_original_page_is_an_error():
    english = ENGLISH.replace("order: 1\n", f"order: 1\ntranslated_from: {page_hash('x')}\n")
    problems = check_translations_current(*editions(english, recorded(KOREAN, english), FACTS, FACTS))
    assert [(p.path.name, p.severity, p.line) for p in problems] == [("arrivals.md", "error", 4)]
    assert problems[0].path == ROOT / "content/arrivals.md"


# Through the build: the checks run on every edition, and the typed-number rule in each edition's language.

KOREAN_HOME = """---
title: 개요
summary: 시험용 작은 사이트.
order: 0
---
오늘 {{residents}}의 탈북민이 남한에 산다.[^aside] 통일부는 2026. 2. 4. 이 수를 고쳤다.

## 일자리

{{public-sector-2024}}이 공공 부문에서 일했고, 한 해 전보다 {{public-sector-rise}} 늘었다 [@gazette].

[^aside]: 각주.
"""


@pytest.fixture
def two_editions(tmp_path):
    root = tmp_path / "tiny"
    shutil.copytree(SITES / "tiny", root, ignore=shutil.ignore_patterns(".cache"))
    settings = json.loads((root / "site.json").read_text())
    (root / "site.json").write_text(json.dumps({**settings, "editions": ["en", "ko"]}))
    (root / "content" / "ko").mkdir()
    return root


def built_problems(root: Path, korean: str) -> list:
    (root / "content" / "ko" / "index.md").write_text(korean, encoding="utf-8")
    inputs, problems = read_inputs(root)
    assert not problems, [p.format() for p in problems]
    return [p for p in build(inputs).problems if p.path.parent.name in ("content", "ko")]


def test_the_build_compares_the_facts_of_each_edition(two_editions):
    problems = built_problems(two_editions, KOREAN_HOME.replace(" 한 해 전보다 {{public-sector-rise}} 늘었다", ""))
    differences = [p for p in problems if "of the figures that content/index.md cites" in p.message]
    assert len(differences) == 1
    assert differences[0].path == two_editions / "content" / "ko" / "index.md"
    assert "{{public-sector-rise}} (line 10)" in differences[0].message


def test_each_edition_reads_typed_numbers_by_its_own_language(two_editions):
    english = two_editions / "content" / "index.md"
    english.write_text(english.read_text().replace("live in the South.", "live in the South. On 2026. 2. 4. it "
                                                   "changed."), encoding="utf-8")
    typed = KOREAN_HOME.replace("산다.", "산다. 그중 34,537명이 왔다.")
    numbers = {(p.path.relative_to(two_editions).as_posix(), p.message.split('"')[1])
               for p in built_problems(two_editions, typed) if "is typed into the prose" in p.message}
    # "2026. 2. 4." is a date as Korean writes it (CLDR's short date), but in English two stray numbers.
    assert numbers == {("content/index.md", "2"), ("content/index.md", "4"), ("content/ko/index.md", "34,537")}
