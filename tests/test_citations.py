"""The Markdown extension: facts and their cards, source citations, the claims table, references, and problems
placed in the file; and the pages the fact store generates (references, Data, Corrections)."""
from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from conftest import SITES
from explainer.site_folder.inputs import read_inputs
from explainer.site_folder.pages import read_pages
from explainer.pipeline import build
from explainer.prose.markdown_stage import render_markdown
from explainer.store.loading import load_fact_store

HOSTILE = "*x* [@gazette] {{jobs}} <script>alert(1)</script> [a](javascript:alert(2)) 5 people"


def source_file(record: dict) -> tuple[Path, str]:
    return Path(f"data/sources/{record['id']}.json"), json.dumps(record, ensure_ascii=False)


SOURCES = [
    {"id": "gazette", "title": "A report", "publisher": "Gazette", "url": "https://example.org/report",
     "published": "2025-05-16", "accessed": "2026-11-22",
     "excerpts": [{"id": "jobs", "text": "By the end of 2024, 211 defectors held jobs"},
                  {"id": "residents", "text": "There are about 30,000 defectors in the South"}]},
    {"id": "news-one", "title": "탈북민 통계", "title_translation": "Defector statistics", "publisher": "News1",
     "published": "2025-02-04", "accessed": "2026-11-22", "language": "ko",
     "excerpts": [{"id": "total", "text": "누적 탈북민 수는 총 3만 4314명(남 9568명·여 2만 4746명)",
                   "translation": "The cumulative number of defectors is 34,314 in all"}]},
    {"id": "ministry", "title": "脱北居民现况", "title_translation": "Defectors: current status",
     "publisher": "Ministry", "published": None, "accessed": "2026-11-22", "language": "zh",
     "excerpts": [{"id": "annual", "table": {"header": ["类别", "'08", "'09"],
                                            "rows": [["男(名)", "608", "662"], ["合计(名)", "2,803", "2,914"]]},
                   "translation": "类别: category; 男(名): men; 合计(名): total"}]},
    {"id": "mbc", "title": "2025년 입국 탈북민", "title_translation": "Defectors arriving in 2025",
     "publisher": "MBC", "published": "2026-01-20", "accessed": "2026-11-22", "language": "ko",
     "excerpts": [{"id": "arrivals", "text": "여자 198명, 남자 25명 등 모두 223명",
                   "translation": "198 women, 25 men: 223 in all"}]},
    {"id": "hostile", "title": "A <b>bold</b> title", "publisher": "Hostile *press*", "published": "2025",
     "accessed": "2026-11-22", "note": HOSTILE, "excerpts": [{"id": "words", "text": HOSTILE}]},
]
FACTS = [
    {"id": "jobs", "value": 211, "unit": "people", "label": "Jobs", "as_of": "2024-12-31", "source": "gazette",
     "excerpt": "jobs"},
    {"id": "residents", "value": 30000, "unit": "people", "label": "Residents", "as_of": "2025-05",
     "source": "gazette", "excerpt": "residents", "approximate": True},
    {"id": "total", "value": 34314, "unit": "people", "label": "Total", "as_of": "2024-12-31",
     "source": "news-one", "excerpt": "total", "highlight": "3만 4314명"},
    {"id": "total-2009", "value": 2914, "unit": "people", "label": "Arrivals in 2009", "as_of": "2009",
     "source": "ministry", "excerpt": "annual", "cell": {"row": "合计(名)", "column": "'09"}},
    {"id": "women-2025", "value": 198, "unit": "people", "label": "Women arriving in 2025", "as_of": "2025",
     "source": "mbc", "excerpt": "arrivals"},
    {"id": "arrivals-2025", "value": 223, "unit": "people", "label": "Arrivals in 2025", "as_of": "2025",
     "source": "mbc", "excerpt": "arrivals", "provisional": True,
     "corrections": [{"value": 224, "date": "2026-02-04", "reason": "The ministry corrected its count."}]},
    {"id": "women-share-2025", "value": 88.8, "unit": "percent", "decimals": 1, "label": "Women's share, 2025",
     "as_of": "2025", "derived": {"op": "share", "of": ["women-2025", "arrivals-2025"], "tolerance": 0.05}},
    {"id": "hostile", "value": 5, "unit": "people", "label": "Hostile", "as_of": "2025", "source": "hostile",
     "excerpt": "words", "note": HOSTILE},
]
CLAIMS = [
    {"id": "jobs-claim", "source": "gazette", "excerpt": "jobs", "verdict": "wrong",
     "finding": "The ministry's count is *lower* <b>still</b>.", "key": "3만 4314명",
     "evidence": [{"source": "news-one", "excerpt": "total"},
                  {"source": "ministry", "excerpt": "annual", "cell": {"row": "合计(名)", "column": "'09"}}]},
    {"id": "residents-claim", "source": "gazette", "excerpt": "residents", "verdict": "caveat",
     "finding": "Roughly so.", "key": "about 30,000", "evidence": []},
    {"id": "total-claim", "source": "news-one", "excerpt": "total", "verdict": "correct", "key": "608",
     "finding": "The ministry's own count.", "evidence": [{"source": "ministry", "excerpt": "annual",
                                                           "cell": {"row": "男(名)", "column": "'08"}}]},
]
STORE_FILES = {**dict(map(source_file, SOURCES)),
               Path("data/facts/main.json"): json.dumps({"facts": FACTS}, ensure_ascii=False),
               Path("data/claims.json"): json.dumps({"claims": CLAIMS}, ensure_ascii=False)}
STORE, STORE_PROBLEMS = load_fact_store(STORE_FILES)


def render(body: str, charts=None):
    path = Path("content/page.md")
    text = f"---\ntitle: A page\n---\n{body}"
    pages, problems = read_pages({path: text})
    problems += render_markdown(pages, STORE, charts or {})
    return pages[0], problems


# --- a small HTML tree, to check structure rather than strings ---------------------------------------------------

VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "col"}


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None = None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def elements(self) -> list[Node]:
        return [child for child in self.children if isinstance(child, Node)]

    def all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        found = []
        for child in self.elements():
            if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                found.append(child)
            found += child.all(tag, cls)
        return found

    def one(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.all(tag, cls)
        assert len(found) == 1, (tag, cls, len(found))
        return found[0]

    def ancestors(self) -> list[Node]:
        node, found = self.parent, []
        while node is not None:
            found.append(node)
            node = node.parent
        return found


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#root", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None, f"</{tag}> closes nothing"
        self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def tree(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def facts_in(html: str) -> list[Node]:
    """The fact and source-citation wrappers of the prose (not those nested in another: there must be none)."""
    return tree(html).all("span", "fact")


def focusable(node: Node) -> list[Node]:
    return [element for element in [node, *node.all()]
            if element.attrs.get("tabindex") != "-1"
            and ((element.tag == "a" and "href" in element.attrs) or element.tag in ("button", "input")
                 or element.attrs.get("tabindex") is not None)]


def card_of(html: str, index: int = 0) -> Node:
    return facts_in(html)[index].one("span", "fact-card")


# --- facts and their cards --------------------------------------------------------------------------------------

def test_the_store_of_these_tests_loads_cleanly():
    assert STORE_PROBLEMS == []


def test_a_fact_renders_its_value_citation_and_card_in_one_wrapper():
    page, problems = render("Some {{residents}} people.")
    assert problems == []
    (wrapper,) = facts_in(page.html)
    assert wrapper.classes == ["fact"] and [child.tag for child in wrapper.elements()] == ["a", "span"]
    link, card = wrapper.elements()
    assert link.classes == ["fact-value"] and link.attrs["href"] == "#ref-1" and link.attrs["id"] == "cite-1-1"
    assert [(child.tag, child.text()) for child in link.elements()] == [("data", "about 30,000"), ("sup", "[1]")]
    assert link.one("data").attrs["value"] == "30000" and link.one("sup").classes == ["cite"]
    assert card.classes == ["fact-card"] and card.attrs["role"] == "tooltip"
    assert link.attrs["aria-describedby"] == card.attrs["id"] == "card-1"
    assert card.one(cls="card-head").text() == "Residents about 30,000 · May 2025"


def test_card_ids_are_unique_on_a_page_and_each_fact_has_one_tab_stop():
    page, problems = render("{{jobs}}, {{jobs}}, {{total}}, {{total-2009}}, {{women-share-2025}}, "
                            "{{arrivals-2025}}, {{hostile}}. Then [@gazette], [@news-one#total] and [@ministry].")
    assert problems == []
    wrappers = facts_in(page.html)
    assert len(wrappers) == 10
    card_ids = [wrapper.one("span", "fact-card").attrs["id"] for wrapper in wrappers]
    assert card_ids == [f"card-{n}" for n in range(1, 11)]
    for wrapper in wrappers:
        assert not any("fact" in ancestor.classes for ancestor in wrapper.ancestors()), "a card inside a card"
        assert focusable(wrapper) == [wrapper.elements()[0]], wrapper.one("span", "fact-card").text()
        card = wrapper.one("span", "fact-card")
        assert card.all("a") and all(link.attrs.get("tabindex") == "-1" for link in card.all("a"))


def test_a_text_excerpts_figure_is_highlighted():
    page, _ = render("{{jobs}}")
    excerpt = card_of(page.html).one("span", "excerpt")
    quote = excerpt.one("q")
    assert quote.text() == "By the end of 2024, 211 defectors held jobs" and quote.attrs["lang"] == "en"
    assert [mark.text() for mark in quote.all("mark")] == ["211"]  # not the 2024 before it
    assert not excerpt.all(cls="translation")


def test_a_highlight_marks_the_words_given_and_a_foreign_excerpt_shows_our_translation():
    page, _ = render("{{total}}")
    card = card_of(page.html)
    quote = card.one("q")
    assert quote.attrs["lang"] == "ko" and [mark.text() for mark in quote.all("mark")] == ["3만 4314명"]
    translation = card.one(cls="translation")
    assert translation.attrs["lang"] == "en"
    assert translation.text() == "Our translation from Korean: The cumulative number of defectors is 34,314 in all"


def test_a_table_excerpt_shows_its_header_row_label_and_the_cell_marked():
    page, _ = render("{{total-2009}}")
    card = card_of(page.html)
    table = card.one(cls="excerpt-table")
    assert table.attrs["role"] == "table" and table.attrs["lang"] == "zh"
    rows = [[(cell.attrs["role"], cell.text()) for cell in row.elements()] for row in table.all(cls="excerpt-row")]
    assert rows == [[("columnheader", "类别"), ("columnheader", "'09")], [("rowheader", "合计(名)"), ("cell", "2,914")]]
    assert [mark.text() for mark in table.all("mark")] == ["2,914"]
    assert "608" not in card.text() and "2,803" not in card.text()  # one cell in context, not the whole table
    assert card.one(cls="translation").text().startswith("Our translation from Chinese: 类别: category")


def test_a_derived_fact_shows_its_working_linked_to_its_inputs_and_links_to_its_calculation():
    page, problems = render("Women were {{women-share-2025}} of arrivals.")
    assert problems == []
    (wrapper,) = facts_in(page.html)
    link = wrapper.elements()[0]
    assert link.attrs["href"] == "#calc-women-share-2025" and "id" not in link.attrs
    assert not link.all("sup") and "[" not in link.text()  # our own calculation: no numbered citation
    assert page.references == [] and page.calculations == ["women-share-2025"]
    working = wrapper.one(cls="working")
    assert working.text() == "Our calculation: 198 ÷ 223 × 100 = 88.8%"
    assert [(a.attrs["href"], a.text()) for a in working.all("a")] == [
        ("data.html#fact-women-2025", "198"), ("data.html#fact-arrivals-2025", "223")]
    assert "Computed by us" in wrapper.one(cls="card-source").text()


def test_a_corrected_provisional_fact_says_so_in_the_text_and_its_card():
    page, _ = render("{{arrivals-2025}}")
    link = facts_in(page.html)[0].elements()[0]
    assert link.one("small", "provisional-mark").text() == "(provisional)"
    assert link.text() == "223 (provisional)[1]"
    card = card_of(page.html)
    assert card.one(cls="card-flag").text() == "provisional"
    assert card.one(cls="card-correction").text() == (
        "Corrected on 4 February 2026: earlier 224. The ministry corrected its count.")


def test_excerpts_notes_and_titles_are_shown_verbatim_never_as_markup():
    page, problems = render("{{hostile}}. Then [@hostile].")  # a sentence of its own: else one mark cites both
    assert problems == []
    wrappers = facts_in(page.html)
    assert len(wrappers) == 2  # no card was made from the {{jobs}} or [@gazette] inside the excerpt
    for wrapper in wrappers:
        card = wrapper.one("span", "fact-card")
        assert card.one("q").text() == HOSTILE
        assert not card.all("script") and not card.all("em") and not card.all("b")
        assert not [a for a in card.all("a") if "javascript" in a.attrs.get("href", "")]
        assert "A <b>bold</b> title" in card.text()
    assert facts_in(page.html)[0].one(cls="card-note").text() == HOSTILE
    assert "<script>" not in page.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.html
    assert page.references[0].source_id == "hostile" and len(page.references) == 1


def test_a_citation_mark_is_never_read_as_a_reference_link():
    """Numbered reference definitions ("[1]: https://…") are ordinary Markdown; the mark [1] must stay text."""
    page, _ = render("{{jobs}} and [@gazette].\n\n[1]: https://example.org/elsewhere\n")
    for wrapper in facts_in(page.html):
        link = wrapper.elements()[0]
        assert not link.all("a"), f"a link inside the citation mark: {page.html}"
        assert focusable(wrapper) == [link]


# --- source citations -------------------------------------------------------------------------------------------

def test_citation_numbers_follow_the_text_and_reuse_a_source():
    page, _ = render("[@news-one] first, then {{jobs}} and {{residents}} and {{total}}.")
    assert [(r.number, r.source_id, r.fact_ids) for r in page.references] == [
        (1, "news-one", ("total",)), (2, "gazette", ("jobs", "residents"))]
    assert page.html.index("[1]") < page.html.index("[2]")
    assert page.references[0].citation_ids == ("cite-1-1", "cite-1-2")


def test_a_source_citation_renders_the_same_wrapper():
    page, problems = render("In the North [@gazette]. Then {{jobs}}.")
    assert problems == []
    wrapper = facts_in(page.html)[0]
    assert wrapper.classes == ["fact", "source-citation"]
    link, card = wrapper.elements()
    assert (link.attrs["href"], link.attrs["aria-describedby"], card.attrs["id"]) == ("#ref-1", "card-1", "card-1")
    assert [child.tag for child in link.elements()] == ["sup"] and link.text() == "[1]"
    assert card.one("cite", "card-label").text() == "A report"
    assert not card.all(cls="excerpt")  # two excerpts: a plain [@gazette] names none of them
    assert "North<span" in page.html and "Then <span" in page.html  # the mark takes the space before it


def test_a_source_with_one_excerpt_shows_it_and_its_translated_title():
    page, _ = render("Counted [@news-one].")
    card = card_of(page.html)
    assert card.one("q").text().startswith("누적 탈북민 수는") and not card.all("mark")
    assert "Title in English: Defector statistics" in card.text()
    assert "Our translation from Korean" in card.text()


def test_a_source_citation_of_an_excerpt_shows_that_excerpt():
    page, problems = render("Most stay [@gazette#residents].")
    assert problems == []
    card = card_of(page.html)
    assert card.one("q").text() == "There are about 30,000 defectors in the South"
    assert "211" not in card.text()
    assert [(r.source_id, r.fact_ids) for r in page.references] == [("gazette", ())]


def test_a_source_citation_of_a_table_shows_the_table():
    page, _ = render("See [@ministry#annual].")
    rows = card_of(page.html).all(cls="excerpt-row")
    assert [[cell.text() for cell in row.elements()] for row in rows] == [
        ["类别", "'08", "'09"], ["男(名)", "608", "662"], ["合计(名)", "2,803", "2,914"]]


def test_an_unknown_excerpt_is_placed_at_its_line_and_column_with_did_you_mean():
    page, problems = render("Intro.\n\nMost stay [@gazette#resident].\n")
    assert len(problems) == 1
    problem = problems[0]
    assert (str(problem.path), problem.line, problem.col, problem.severity) == ("content/page.md", 6, 11, "error")
    assert 'unknown excerpt "gazette#resident". Did you mean "gazette#residents"?' in problem.message
    assert problem.format().startswith("content/page.md:6:11: unknown excerpt")
    assert facts_in(page.html) == [] and page.references == []


def test_unknown_fact_and_source_are_placed_at_their_line_and_column():
    page, problems = render("Intro.\n\nThe count is {{job}} and [@gazete].\n")
    assert [(p.line, p.col) for p in problems] == [(6, 14), (6, 26)]
    assert 'unknown fact "job". Did you mean "jobs"?' in problems[0].message
    assert 'unknown source "gazete". Did you mean "gazette"?' in problems[1].message
    assert all(str(p.path) == "content/page.md" for p in problems)


def test_the_same_unknown_id_twice_is_placed_at_each_occurrence():
    _, problems = render("{{nope}}\n\n{{nope}}\n")
    assert [(p.line, p.col) for p in problems] == [(4, 1), (6, 1)]


# --- the claims table -------------------------------------------------------------------------------------------

def test_claims_render_as_a_table_with_verdicts_and_evidence():
    page, problems = render("Intro.\n\n{{claims}}\n\nAfter.\n")
    assert problems == []
    region = tree(page.html).one("div", "claims")
    assert region.attrs["role"] == "region" and region.attrs["tabindex"] == "0"
    table = region.one("table", "claims-table")
    assert [th.text() for th in table.one("thead").all("th")] == ["The report says", "Verdict",
                                                                  "What the sources show"]
    rows = table.one("tbody").all("tr")
    assert [(row.attrs["id"], row.classes) for row in rows] == [("claim-jobs-claim", ["verdict-wrong"]),
                                                                ("claim-residents-claim", ["verdict-caveat"]),
                                                                ("claim-total-claim", ["verdict-correct"])]
    assert rows[2].all("td")[1].text() == "Correct" and [m.text() for m in rows[2].all("mark")] == ["608"]
    said, verdict, shown = rows[0].all("td")
    assert said.one("q").text() == "By the end of 2024, 211 defectors held jobs"
    assert said.one("a", "claim-source").attrs["href"] == "sources.html#source-gazette"
    assert verdict.one("strong", "verdict").text() == "Wrong as written"
    assert rows[1].all("td")[1].text() == "Correct, with a caveat"
    assert shown.one("p").text() == "The ministry's count is *lower* <b>still</b>."  # our words, verbatim too
    assert [mark.text() for mark in shown.all("mark")] == ["2,914"]  # the evidence's table cell
    assert "Our translation from Korean" in shown.text()
    assert [a.attrs["href"] for a in shown.all("a", "claim-source")] == ["sources.html#source-news-one",
                                                                         "sources.html#source-ministry"]
    assert "<p>After.</p>" in page.html and not page.facts_used


def test_claims_of_one_report_and_an_unknown_report():
    page, problems = render("{{claims: gazette}}\n")
    assert problems == []
    rows = tree(page.html).one("table", "claims-table").one("tbody").all("tr")
    assert [row.attrs["id"] for row in rows] == ["claim-jobs-claim", "claim-residents-claim"]
    page, problems = render("Intro.\n\n{{claims:gazete}}\n")
    assert [(p.line, p.col, p.severity) for p in problems] == [(6, 1, "error")]
    assert 'unknown source "gazete". Did you mean "gazette"?' in problems[0].message
    assert "claims-table" not in page.html


def test_claims_inside_a_paragraph_are_an_error():
    _, problems = render("See {{claims}} here.\n")
    assert [(p.line, p.col, p.severity) for p in problems] == [(4, 5, "error")]


# --- the rest of the Markdown -----------------------------------------------------------------------------------

def test_a_fact_in_a_heading_names_the_heading_by_its_words_not_its_card():
    page, problems = render("## Peak of {{jobs}} jobs\n\nText.\n")
    assert problems == []
    (heading,) = page.toc
    assert "By the end of 2024" not in heading["name"] and "Source" not in heading["name"], heading["name"]
    assert len(heading["id"]) < 40, f"the card's words went into the heading's id: {heading['id']}"


def test_code_is_left_alone():
    page, problems = render("Write `{{jobs}}` to insert a fact.\n\n    {{nope}}\n")
    assert problems == []
    assert "<code>{{jobs}}</code>" in page.html and page.references == []


def test_raw_html_is_shown_as_text_never_run():
    page, _ = render('<script>alert(1)</script>\n\nText <img src=x onerror="alert(1)">\n')
    assert "<script>" not in page.html and "<img" not in page.html
    assert "&lt;script&gt;" in page.html


def test_bare_numbers_are_warnings_but_years_facts_and_cards_are_not():
    _, problems = render("In 2009, {{jobs}} held jobs; 12 others and 3.5% did not. {{total-2009}} {{hostile}}\n")
    assert [(p.severity, p.message.split('"')[1], p.col) for p in problems] == [
        ("warning", "12", 30), ("warning", "3.5%", 44)]


def test_footnotes_tables_and_toc():
    page, _ = render("## First\n\nText.[^1]\n\n## Second\n\n| a | b |\n|---|---|\n| {{jobs}} | x |\n\n[^1]: Aside.\n")
    assert [heading["id"] for heading in page.toc] == ["first", "second"]
    assert "<table>" in page.html and 'class="footnote"' in page.html
    assert page.facts_used == ["jobs"] and len(facts_in(page.html)) == 1


def test_chart_embeds_insert_prepared_html_and_report_unknown_names():
    page, problems = render("{{chart:arrivals}}\n\n{{chart:arrivls}}\n", charts={"arrivals": "<figure>chart</figure>"})
    assert "<figure>chart</figure>" in page.html and page.charts_used == ["arrivals"]
    assert len(problems) == 1 and (problems[0].line, problems[0].col) == (6, 1)
    assert 'unknown chart "arrivls". Did you mean "arrivals"?' in problems[0].message


def test_markup_that_matches_no_pattern_is_an_error_at_its_place():
    _, problems = render("Text {{residents} and {{arrivals 2009}}.\n\nSee {{chart:arrivals}} inline.\n")
    assert [(p.severity, p.line, p.col) for p in problems] == [("error", 4, 6), ("error", 4, 23), ("error", 6, 5)]
    assert "starts no fact, source or chart" in problems[0].message


def test_script_links_and_attribute_lists_cannot_run_script():
    page, problems = render('[x](javascript:alert(1)) and text\n{: onmouseover="alert(1)"}\n')
    assert [(p.line, p.col) for p in problems if "could run script" in p.message] == [(4, 5)]
    assert not re.search(r"<[^>]*onmouseover", page.html)  # shown as text, never an attribute


# --- the generated pages ----------------------------------------------------------------------------------------

def built_tiny(tmp_path: Path, edit=None):
    """The tiny fixture site, changed by edit(root), built in memory."""
    root = tmp_path / "tiny"
    shutil.copytree(SITES / "tiny", root)
    if edit is not None:
        edit(root)
    inputs, problems = read_inputs(root)
    assert problems == []
    result = build(inputs)
    assert not result.failed(strict=False), [p.format() for p in result.problems]
    return result


def edit_json(path: Path, change) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")


def add_corrections(root: Path) -> None:
    by_id = {}

    def change(document):
        by_id.update({fact["id"]: fact for fact in document["facts"]})
        by_id["residents"]["corrections"] = [
            {"value": 31000, "date": "2025-09-01", "reason": "Rounded <em>down</em>.", "source": "gazette",
             "excerpt": "excerpt-3"},
            {"value": 29000, "date": "2025-06", "reason": "First estimate."}]
        by_id["elite-share"]["corrections"] = [{"value": 1.2, "date": "2026-02-04", "reason": "Recomputed."}]
        by_id["public-sector-2023"]["corrections"] = [{"value": 193, "date": "2024", "reason": "Typo."}]
    edit_json(root / "data" / "facts" / "main.json", change)


def test_the_corrections_page_lists_corrections_newest_first(tmp_path):
    result = built_tiny(tmp_path, add_corrections)
    page = tree(result.files["corrections.html"].decode("utf-8"))
    items = page.one("ol", "source-corrections").elements()  # the sources' corrections, after our own (none here)
    assert [item.one("time").attrs["datetime"] for item in items] == ["2026-02-04", "2025-09-01", "2025-06", "2024"]
    assert [item.one("time").text() for item in items] == ["4 February 2026", "1 September 2025", "June 2025", "2024"]
    assert [item.one("h3").text().split(": ", 1)[1] for item in items] == [
        "Elite share of defectors under Kim Jong Un (2012 – 2024)", "Defectors living in South Korea (May 2025)",
        "Defectors living in South Korea (May 2025)", "Defectors in public-sector jobs (31 December 2023)"]
    first, second = items[0], items[1]
    assert "Now 1.22%; earlier 1.2%. Recomputed." in first.text()
    assert "Now about 30,000; earlier about 31,000. Rounded <em>down</em>." in second.text()
    assert not second.all("em")
    assert second.one("q").text() == "There are about 30,000 North Korean defectors residing in South Korea"
    assert "Announced by Example Gazette" in second.one("p", "correction-source").text()
    assert [a.attrs["href"] for a in first.one("p", "used-on").all("a")] == ["elite.html"]
    assert len({item.attrs["id"] for item in items}) == len(items)  # each can be linked to
    index = result.files["index.html"].decode("utf-8")
    assert 'href="corrections.html"' in index
    corrections = [node.text() for node in tree(index).all(cls="card-correction")]
    assert "Corrected on 1 September 2025: earlier about 31,000. Rounded <em>down</em>." in corrections


def remove_corrections(root: Path) -> None:
    edit_json(root / "data" / "facts" / "main.json",
              lambda document: [fact.pop("corrections", None) for fact in document["facts"]])


def test_without_corrections_the_page_says_so(tmp_path):
    result = built_tiny(tmp_path, remove_corrections)
    page = result.files["corrections.html"].decode("utf-8")
    assert "No figure on this site has been corrected." in page and "corrections-list" not in page
    assert "card-correction" not in result.files["index.html"].decode("utf-8")


def add_calculation(root: Path) -> None:
    share = {"id": "rise-share", "value": 8.8, "unit": "percent", "decimals": 1, "as_of": "2024",
             "label": "Rise as a share of the year before",
             "derived": {"op": "share", "of": ["public-sector-rise", "public-sector-2023"], "tolerance": 0.05}}
    edit_json(root / "data" / "facts" / "main.json", lambda document: document["facts"].append(share))
    page = root / "content" / "elite.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nJobs rose by {{rise-share}}.\n", encoding="utf-8")


def test_a_calculation_links_to_its_working_below_the_references(tmp_path):
    result = built_tiny(tmp_path, add_calculation)
    elite = tree(result.files["elite.html"].decode("utf-8"))
    wrapper = [node for node in elite.all("span", "fact") if "8.8%" in node.elements()[0].text()]
    (link,) = [node.elements()[0] for node in wrapper]
    assert link.attrs["href"] == "#calc-rise-share" and link.text() == "8.8%"
    (target,) = [node for node in elite.all("li") if node.attrs.get("id") == "calc-rise-share"]
    assert "section" in [ancestor.tag for ancestor in target.ancestors()]
    working = target.one(cls="working")
    assert working.text() == "Our calculation: 17 ÷ 194 × 100 = 8.8%"
    assert all(a.attrs.get("tabindex") != "-1" for a in working.all("a"))  # below the text, keyboard links
    data = result.files["data.html"].decode("utf-8")
    for a in working.all("a"):
        page, anchor = a.attrs["href"].split("#")
        assert page == "data.html" and f'id="{anchor}"' in data
    assert 'id="fact-rise-share"' in data and "Our calculation" in data


def test_references_and_the_data_page_show_the_evidence_with_keyboard_links(tmp_path):
    result = built_tiny(tmp_path)
    index = tree(result.files["index.html"].decode("utf-8"))
    references = index.one("section", "references")
    evidence = references.all("div", "evidence")
    assert len(evidence) == 3  # residents, public-sector-2024, public-sector-rise from the gazette
    assert all(link.attrs.get("tabindex") != "-1" for box in evidence for link in box.all("a"))
    working = references.one(cls="working")
    assert [a.attrs["href"] for a in working.all("a")] == ["data.html#fact-public-sector-2024",
                                                          "data.html#fact-public-sector-2023"]
    data = tree(result.files["data.html"].decode("utf-8"))
    ids = {node.attrs["id"] for node in data.all("tr") if "id" in node.attrs}
    assert {"fact-public-sector-2024", "fact-public-sector-2023", "fact-public-sector-rise"} <= ids


def test_the_lists_of_where_a_fact_is_used_link_each_page_by_its_title_escaped():
    """render/templates.py page_links, which the Sources and Corrections pages use for their "Used in" lists, writes
    what the template loop it replaced wrote: titles and addresses escaped, the links separated by commas."""
    import jinja2
    from types import SimpleNamespace

    from explainer.render.templates import page_links

    pages = [SimpleNamespace(url="a.html", title='Arrivals <b>"2009"</b> & after'),
             SimpleNamespace(url='b".html', title="Women's share"), SimpleNamespace(url="c.html", title="")]
    loop = jinja2.Environment(autoescape=True).from_string(
        '{% for used in pages %}<a href="{{ used.url }}">{{ used.title }}</a>{% if not loop.last %}, {% endif %}'
        '{% endfor %}')
    for count in range(len(pages) + 1):
        assert str(page_links(pages[:count])) == loop.render(pages=pages[:count])
        memo: dict = {}  # a build's: each page's link made once
        assert str(page_links(pages[:count] * 2, memo)) == loop.render(pages=pages[:count] * 2)
    assert "<b>" not in page_links(pages) and "&lt;b&gt;" in page_links(pages)
