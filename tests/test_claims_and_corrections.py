"""Claims checked as data, and corrections with ours first (issue 21, items 2 and 3):

- a sentence cites the claim it rests on, [@claim:id]: a mark leading to the claim's row in the claims table
  (on its own page, on the page that shows the table, or in a table added to the citing page when no page
  shows it), an error at path:line:col for an unknown id, and links the output gate accepts;
- each claim's evidence states its key (words as written, or the number however the excerpt writes it);
- pages with a claims table publish a schema.org ClaimReview per claim, as JSON-LD;
- data/corrections.json: our own corrections listed first on the Corrections page, the changed pages linking to
  them, an Atom feed of the same entries (well formed, stable ids, the same bytes every build);
- a cached build equals a clean one when a claim, a correction or a page showing the claims changes.
"""
from __future__ import annotations

import json
import re
import shutil
import unicodedata
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from conftest import PROJECT, SITES
from explainer.pipeline import build
from explainer.prose.markdown_stage import render_markdown
from explainer.site_folder.inputs import read_inputs
from explainer.site_folder.pages import read_pages
from explainer.store.checks import check_claim_key, check_fact_store
from explainer.store.loading import load_fact_store
from test_citations import STORE, tree

# --- citing a claim ---------------------------------------------------------------------------------------------


def render_pages(bodies: dict[str, str]):
    """Pages (slug → body, in that order) converted together, as the Markdown stage converts a site."""
    files = {Path(f"content/{slug}.md"): f"---\ntitle: {slug}\norder: {order}\n---\n{body}"
             for order, (slug, body) in enumerate(bodies.items())}
    pages, problems = read_pages(files)
    problems += render_markdown(pages, STORE, {})
    return {page.slug: page for page in pages}, problems


def claim_links(html: str) -> list[str]:
    return re.findall(r'data-claim="[^"]*" href="([^"]*)"', html)


def test_a_claim_citation_leads_to_its_row_on_the_page_that_shows_it():
    pages, problems = render_pages({"story": "Defectors hold jobs [@claim:jobs-claim].\n",
                                    "checks": "{{claims:gazette}}\n\nAnd here [@claim:residents-claim].\n"})
    assert problems == []
    assert claim_links(pages["story"].html) == ["checks.html#claim-jobs-claim"]
    assert claim_links(pages["checks"].html) == ["#claim-residents-claim"]  # the row is on the same page
    assert 'id="claim-jobs-claim"' in pages["checks"].html and "claims-cited" not in pages["story"].html
    mark = tree(pages["story"].html).one(cls="claim-citation")
    assert mark.one("sup").text() == "[checked]" and "verdict-wrong" in mark.one("sup").classes
    card = mark.one(cls="fact-card")
    assert card.one("strong", "verdict").text() == "Wrong as written"
    assert card.one("q").text() == "By the end of 2024, 211 defectors held jobs"  # the report's words
    assert card.one(cls="card-note").text() == "The ministry's count is *lower* <b>still</b>."  # text, not markup
    assert mark.one("a", "fact-value").attrs["aria-describedby"] == card.attrs["id"]


def test_the_first_page_showing_the_claim_is_its_home_and_groups_mix_claims_and_sources():
    pages, problems = render_pages({"all": "{{claims}}\n", "story": "Both [@claim:total-claim; @gazette].\n",
                                    "again": "{{claims:news-one}}\n"})
    assert problems == []
    assert claim_links(pages["story"].html) == ["all.html#claim-total-claim"]
    assert "source-citation" in pages["story"].html and pages["story"].references[0].source_id == "gazette"


def test_a_claim_no_page_shows_brings_its_report_s_table_to_the_citing_page():
    pages, problems = render_pages({"story": "A round figure [@claim:residents-claim].\n"})
    assert problems == []
    assert claim_links(pages["story"].html) == ["#claim-residents-claim"]
    section = tree(pages["story"].html).one("section", "claims-cited")
    assert section.one("h2").text() == "The claims this page rests on, checked"
    assert {row.attrs["id"] for row in section.all("tr") if "id" in row.attrs} == {
        "claim-jobs-claim", "claim-residents-claim"}  # the report's whole table


def test_an_unknown_claim_is_an_error_where_it_is_written():
    pages, problems = render_pages({"story": "Intro.\n\nIt was so [@claim:jobs-clam] and [@claim:jobs-claim].\n"})
    (problem,) = problems
    assert (problem.path, problem.line, problem.col) == (Path("content/story.md"), 7, 11)
    assert 'unknown claim "jobs-clam". Did you mean "jobs-claim"?' in problem.message
    assert "data/claims.json" in problem.message
    assert claim_links(pages["story"].html) == ["#claim-jobs-claim"]  # the rest of the page is still made


def test_a_claim_citation_inside_a_link_s_text_is_an_error():
    _, problems = render_pages({"story": "[a link [@claim:jobs-claim]](https://example.org)\n"})
    assert any("inside the text of a link" in problem.message for problem in problems)


# --- the key ------------------------------------------------------------------------------------------------------

GAZETTE = {"id": "gazette", "title": "A report", "publisher": "Gazette", "published": "2025-05-16",
           "accessed": "2026-11-22", "excerpts": [{"id": "residents", "text": "There are about 30,000 defectors"}]}
MINISTRY = {"id": "ministry", "title": "통계", "title_translation": "Statistics", "publisher": "Ministry",
            "published": "2025-05-14", "accessed": "2026-11-23", "language": "ko",
            "excerpts": [{"id": "residents", "text": "현재 국내에 거주 중인 탈북민은   3만여 명",
                          "translation": "About 30,000 defectors live in the country now"},
                         {"id": "total", "text": "누적 탈북민 수는 총 3만 4314명",
                          "translation": "34,314 defectors in all"},
                         {"id": "table", "table": {"header": ["", "'09"], "rows": [["合计", "2,914"]]},
                          "language": "zh", "translation": "合计: total"}]}


def store_with(claim: dict):
    files = {Path(f"data/sources/{record['id']}.json"): json.dumps(record, ensure_ascii=False)
             for record in (GAZETTE, MINISTRY)}
    files[Path("data/claims.json")] = json.dumps({"claims": [claim]}, ensure_ascii=False)
    store, problems = load_fact_store(files)
    assert [p for p in problems if p.severity == "error"] == []
    return store


def claim(key: str, *evidence: dict) -> dict:
    return {"id": "residents", "source": "gazette", "excerpt": "residents", "verdict": "correct",
            "finding": "The ministry's figure.", "key": key, "evidence": list(evidence)}


RESIDENTS = {"source": "ministry", "excerpt": "residents"}
TOTAL = {"source": "ministry", "excerpt": "total"}


@pytest.mark.parametrize("key, evidence", [
    ("거주 중인 탈북민은 3만여 명", [TOTAL, RESIDENTS]),  # whitespace collapsed; one of the excerpts is enough
    ("3만여\u00a0명", [RESIDENTS]),  # a no-break space is whitespace too
    ("30,000", [RESIDENTS]),  # one number: found however the excerpt writes it ("3만여")
    ("2,914", [{"source": "ministry", "excerpt": "table", "cell": {"row": "合计", "column": "'09"}}]),
    (unicodedata.normalize("NFD", "누적 탈북민"), [TOTAL]),  # written decomposed: compared as NFC
])
def test_evidence_that_states_the_key_passes(key, evidence):
    store = store_with(claim(key, *evidence))
    assert check_claim_key(store.claims["residents"], store) == []


def test_evidence_that_does_not_state_the_key_is_an_error_at_the_claim():
    store = store_with(claim("3만여 명", TOTAL))  # the cumulative total, not a residents figure
    (problem,) = check_claim_key(store.claims["residents"], store)
    assert problem.path == Path("data/claims.json") and problem.severity == "error"
    assert 'no evidence of claim "residents" states its key "3만여 명"' in problem.message
    assert '"total" of ministry' in problem.message
    assert problem in check_fact_store(store)  # the build's checks run it
    # a number is matched as a whole number, never as a part of another: "3만 4314명" states 34,314, not 4,314
    assert check_claim_key(store_with(claim("34,314", TOTAL)).claims["residents"], store) == []
    whole = store_with(claim("4,314", TOTAL))
    assert check_claim_key(whole.claims["residents"], whole) != []


def test_a_claim_without_evidence_is_an_error_and_a_key_is_required():
    store = store_with(claim("3만여 명"))
    (problem,) = check_claim_key(store.claims["residents"], store)
    assert 'claim "residents" gives no "evidence"' in problem.message
    record = claim("x", RESIDENTS)
    del record["key"]
    files = {Path("data/claims.json"): json.dumps({"claims": [record]})}
    _, problems = load_fact_store(files)
    assert any('missing the required field "key"' in p.message for p in problems)


def test_every_claim_of_the_project_has_evidence_that_states_its_key():
    inputs, problems = read_inputs(PROJECT)
    store, problems = load_fact_store(inputs.data, inputs.settings.language)
    assert store.claims
    for found in store.claims.values():
        assert found.key, found.id
        assert check_claim_key(found, store) == [], found.id


# --- built sites: ClaimReview, the Corrections page and its feed --------------------------------------------------

CLAIMS = [{"id": "jobs", "source": "gazette", "excerpt": "excerpt-1", "verdict": "correct",
           "finding": "The ministry's press release gives the same total.", "key": "211",
           "evidence": [{"source": "gazette", "excerpt": "excerpt-1"}]},
          {"id": "rise", "source": "gazette", "excerpt": "excerpt-2", "verdict": "caveat",
           "finding": "A <b>fair</b> comparison, with a caveat.", "key": "17 more",
           "evidence": [{"source": "gazette", "excerpt": "excerpt-2"}]}]
OWN = [{"id": "jobs-wording", "date": "2026-03-02", "pages": ["index"], "before": "Jobs <em>rose</em> by 17.",
        "after": "Jobs rose by 17 in 2024.", "reason": "The year was missing."},
       {"id": "elite-share-wording", "date": "2026-05", "pages": ["elite", "index"], "before": "A higher share.",
        "after": "A share five times higher.", "reason": "Vague."}]


def tiny(tmp_path: Path, url: str | None = "https://example.org/tiny/", claims=CLAIMS, own=OWN) -> Path:
    root = tmp_path / "tiny"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(SITES / "tiny", root)
    settings = json.loads((root / "site.json").read_text(encoding="utf-8"))
    if url:
        settings["url"] = url
    (root / "site.json").write_text(json.dumps(settings), encoding="utf-8")
    (root / "data" / "claims.json").write_text(json.dumps({"claims": claims}), encoding="utf-8")
    (root / "data" / "corrections.json").write_text(json.dumps({"corrections": own}), encoding="utf-8")
    elite = root / "content" / "elite.md"
    elite.write_text(elite.read_text(encoding="utf-8") + "\n## Checked\n\n{{claims:gazette}}\n", encoding="utf-8")
    index = root / "content" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\nJobs rose [@claim:rise].\n", encoding="utf-8")
    # The fixture's facts carry corrections of their own: the sources' list, after ours.
    facts = root / "data" / "facts" / "main.json"
    document = json.loads(facts.read_text(encoding="utf-8"))
    for fact in document["facts"]:
        if fact["id"] == "residents":
            fact["corrections"] = [{"value": 31000, "date": "2025-09-01", "reason": "Rounded."}]
    facts.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return root


def built(root: Path):
    inputs, problems = read_inputs(root)
    assert problems == []
    result = build(inputs)
    assert not result.failed(strict=False), [p.format() for p in result.problems]
    return result


def json_ld(html: str) -> list:
    return [json.loads(block) for block in
            re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)]


def test_a_page_with_a_claims_table_publishes_a_claim_review_per_claim(tmp_path):
    result = built(tiny(tmp_path))
    elite = result.files["elite.html"].decode("utf-8")
    (reviews,) = json_ld(elite)
    assert [review["url"] for review in reviews] == ["https://example.org/tiny/elite.html#claim-jobs",
                                                     "https://example.org/tiny/elite.html#claim-rise"]
    ids = set(re.findall(r' id="([^"]+)"', elite))
    for review, record in zip(reviews, CLAIMS):
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        assert review["url"].split("#")[1] in ids  # the row it reviews is on the page
        gazette = json.loads((SITES / "tiny" / "data" / "sources" / "gazette.json").read_text(encoding="utf-8"))
        said = next(item["text"] for item in gazette["excerpts"] if item["id"] == record["excerpt"])
        assert review["claimReviewed"] == said
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", review["datePublished"])
        assert review["author"]["@type"] == "Organization" and review["author"]["name"]
        item = review["itemReviewed"]
        assert item["@type"] == "Claim" and item["author"] == {"@type": "Organization", "name": gazette["publisher"]}
        assert item["appearance"]["url"] == gazette["url"] and item["datePublished"] == gazette["published"]
        rating = review["reviewRating"]
        assert rating["@type"] == "Rating" and rating["worstRating"] == 1 and rating["bestRating"] == 3
        assert rating["ratingExplanation"] == record["finding"]  # data as data: "<b>" is text in the JSON
    assert [(r["reviewRating"]["ratingValue"], r["reviewRating"]["alternateName"]) for r in reviews] == [
        (3, "Correct"), (2, "Correct, with a caveat")]
    assert "<b>" not in elite.split('type="application/ld+json">')[1].split("</script>")[0]  # escaped for <script>
    assert json_ld(result.files["index.html"].decode("utf-8")) == []  # cites a claim, shows no table
    # inert data under the page's policy: no inline script runs, and the policy makes no exception for it
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', elite).group(1)
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy


def test_our_corrections_come_first_and_each_changed_page_links_to_its_entries(tmp_path):
    result = built(tiny(tmp_path))
    page = result.files["corrections.html"].decode("utf-8")
    html = tree(page)
    own = html.one("ol", "own-corrections").elements()
    assert [item.attrs["id"] for item in own] == ["elite-share-wording", "jobs-wording"]  # newest first
    assert [item.one("time").attrs["datetime"] for item in own] == ["2026-05", "2026-03-02"]
    assert own[1].one("p", "correction-before").one("q").text() == "Jobs <em>rose</em> by 17."  # verbatim text
    assert own[1].one("p", "correction-after").one("q").text() == "Jobs rose by 17 in 2024."
    assert own[1].one("p", "correction-reason").text() == "The year was missing."
    assert [a.attrs["href"] for a in own[0].one("h3").all("a")] == ["elite.html", "index.html"]
    assert page.index('id="our-corrections"') < page.index('id="source-corrections"')  # ours first
    assert html.one("ol", "source-corrections").elements()[0].attrs["id"] == "correction-residents-2025-09-01"
    assert '<link rel="alternate" type="application/atom+xml" href="corrections.xml"' in page
    assert html.one("p", "feed-link").one("a").attrs["href"] == "corrections.xml"
    for slug, expected in (("index", ["elite-share-wording", "jobs-wording"]), ("elite", ["elite-share-wording"])):
        lines = tree(result.files[f"{slug}.html"].decode("utf-8")).all("p", "corrected-on")
        links = [a.attrs["href"] for line in lines for a in line.all("a")]
        assert links == [f"corrections.html#{entry}" for entry in expected]
        assert lines[0].text().startswith("Corrected on May 2026:")
    assert "corrected-on" not in result.files["search.html"].decode("utf-8")


def atom(data: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(data)


A = "{http://www.w3.org/2005/Atom}"


def test_the_feed_lists_the_same_entries_with_stable_ids(tmp_path):
    root = tiny(tmp_path)
    first, second = built(root), built(root)
    feed = first.files["corrections.xml"]
    assert feed == second.files["corrections.xml"]  # the same bytes every build
    document = atom(feed)
    assert document.tag == f"{A}feed"
    for name in ("id", "title", "updated", "author"):
        assert document.find(f"{A}{name}") is not None, name
    assert document.find(f"{A}id").text == "https://example.org/tiny/corrections.xml"
    assert document.find(f"{A}link[@rel='self']").attrib["href"] == "https://example.org/tiny/corrections.xml"
    assert document.find(f"{A}updated").text == "2026-05-01T00:00:00Z"  # the newest entry's: a month's first day
    entries = document.findall(f"{A}entry")
    ids = [entry.find(f"{A}id").text for entry in entries]
    assert ids == ["https://example.org/tiny/corrections.html#elite-share-wording",
                   "https://example.org/tiny/corrections.html#jobs-wording",
                   "https://example.org/tiny/corrections.html#correction-residents-2025-09-01"]  # ours first
    page = first.files["corrections.html"].decode("utf-8")
    for entry in entries:
        for name in ("id", "title", "updated", "link", "content"):
            assert entry.find(f"{A}{name}") is not None, name
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00Z", entry.find(f"{A}updated").text)
        assert entry.find(f"{A}link").attrib["href"] == entry.find(f"{A}id").text
        assert f'id="{entry.find(f"{A}id").text.split("#")[1]}"' in page  # each leads to its entry on the page
    content = entries[1].find(f"{A}content").text
    assert "Jobs <em>rose</em> by 17." in content and "The year was missing." in content
    # a new correction adds an entry and changes no other's id
    corrections = root / "data" / "corrections.json"
    document = json.loads(corrections.read_text(encoding="utf-8"))
    document["corrections"].append({"id": "newest", "date": "2026-11-30", "pages": ["elite"], "before": "Old.",
                                    "after": "New.", "reason": "Why."})
    corrections.write_text(json.dumps(document), encoding="utf-8")
    later = [entry.find(f"{A}id").text for entry in atom(built(root).files["corrections.xml"]).findall(f"{A}entry")]
    assert later == ["https://example.org/tiny/corrections.html#newest", *ids]


def test_without_a_url_there_is_no_feed_and_no_link_to_it(tmp_path):
    result = built(tiny(tmp_path, url=None))
    assert "corrections.xml" not in result.files
    assert "corrections.xml" not in result.files["corrections.html"].decode("utf-8")


def test_a_correction_naming_a_page_the_site_lacks_is_an_error(tmp_path):
    root = tiny(tmp_path, own=[{**OWN[0], "pages": ["index", "elites"]}])
    inputs, _ = read_inputs(root)
    result = build(inputs)
    (problem,) = [p for p in result.problems if p.severity == "error"]
    assert problem.path == root / "data" / "corrections.json" and problem.line == 1
    assert 'names the page "elites", which the site does not have' in problem.message
    assert 'Did you mean "elite"?' in problem.message
    root = tiny(tmp_path, own=[{key: value for key, value in OWN[0].items() if key != "before"}])
    result = build(read_inputs(root)[0])
    assert any('missing the required field "before"' in p.message for p in result.problems)


def test_the_project_lists_its_own_corrections_of_2026_12_01():
    inputs, _ = read_inputs(PROJECT)
    store, _ = load_fact_store(inputs.data, inputs.settings.language)
    own = store.own_corrections()
    assert {item.date for item in own} >= {"2026-12-01"}
    words = " ".join(item.before + " " + item.reason for item in own)
    for said in ("224", "34,538", "first defector elected to South Korea's National Assembly", "rose"):
        assert said in words, said
    slugs = {path.stem for path in (PROJECT / "content").glob("*.md")}
    assert all(set(item.pages) <= slugs for item in own)


def test_the_output_gate_follows_claim_marks_to_their_rows(tmp_path):
    """Every claim mark of a built site leads to a row that exists; one that leads nowhere stops the build."""
    from explainer.publish.output_gate import check_output

    result = built(tiny(tmp_path, url=None))
    index = result.files["index.html"].decode("utf-8")
    assert claim_links(index) == ["elite.html#claim-rise"]
    assert check_output(result.files) == []
    broken = {**result.files, "index.html": index.replace("elite.html#claim-rise", "elite.html#claim-gone").encode()}
    (problem,) = check_output(broken)
    assert "#claim-gone, which elite.html does not have" in problem.message


def test_a_claim_cited_in_a_heading_leaves_no_empty_link_there():
    pages, problems = render_pages({"story": "## Jobs [@claim:jobs-claim]\n\nText.\n"})
    assert problems == []
    heading = tree(pages["story"].html).all("h2")[0]
    assert heading.text() == "Jobs" and heading.all("a") == [] and heading.all(cls="fact-card") == []
