"""The story's sentences against its claims table: what the two seed reports say and the site repeats is checked.

These guard the corrections of issue 21 (Tae's post, the Elite chapter's totals, the residents claim) and the audit
rule behind them: a sentence that cites one of the seed reports' own words cites a claim we have decided.
"""
from __future__ import annotations

import re
from pathlib import Path

from tests.test_project_data import project_store

PROJECT = Path(__file__).resolve().parent.parent
CONTENT = PROJECT / "content"
SEED_REPORTS = ("saudi-gazette-2025-05-16", "bangladeshi-help-2024-08")
# [@source#excerpt] inside a citation group, e.g. [@a#b; @claim:c]
CITED_EXCERPT = re.compile(r"@(?P<source>[a-z0-9-]+)#(?P<excerpt>[a-z0-9-]+)")
CITED_CLAIM = re.compile(r"@claim:\s*(?P<claim>[a-z0-9-]+)")


def pages() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(CONTENT.glob("*.md"))}


def test_every_seed_report_passage_the_pages_cite_has_a_decided_claim():
    store = project_store()
    decided = {(claim.citation.source_id, claim.citation.excerpt_id) for claim in store.claims.values()}
    undecided = [(name, match.group(0)) for name, text in pages().items()
                 for match in CITED_EXCERPT.finditer(text)
                 if match["source"] in SEED_REPORTS and (match["source"], match["excerpt"]) not in decided]
    assert undecided == []


def test_a_seed_report_cited_without_a_claim_is_named_as_the_speaker():
    """A bare [@report] is for what the report argues, so the sentence must say whose view it is."""
    bare = re.compile(r"\[@(%s)\]" % "|".join(SEED_REPORTS))
    unattributed = []
    for name, text in pages().items():
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if bare.search(sentence) and not re.search(r"\b(article|report|BBC)\b", sentence):
                unattributed.append((name, sentence))
    assert unattributed == []


def test_every_claim_a_page_cites_exists_and_its_evidence_states_its_key():
    store = project_store()
    for name, text in pages().items():
        for match in CITED_CLAIM.finditer(text):
            claim = store.claims.get(match["claim"])
            assert claim is not None, f"{name} cites unknown claim {match['claim']}"
            words = " ".join(" ".join(store.excerpt(c).words.split()) for c in claim.evidence
                             if store.excerpt(c) and store.excerpt(c).words)
            assert claim.key and claim.key in words, claim.id


def test_tae_is_called_the_councils_secretary_general_not_its_leader():
    life = pages()["life.md"]
    assert "named to lead" not in life and "secretary general of the Peaceful Unification Advisory Council" in life
    claim = project_store().claims["bbc-tae-council"]
    assert claim.verdict == "wrong" and claim.key == "secretary general"


def test_the_residents_claim_rests_on_a_residents_figure():
    store = project_store()
    claim = store.claims["bbc-residents"]
    assert any("거주" in store.excerpt(citation).words for citation in claim.evidence)


def test_the_elite_chapter_never_dates_the_earlier_total_from_july_1997():
    elite = pages()["elite.md"]
    for sentence in re.split(r"(?<=[.;])\s+", elite):
        if "{{elite-denominator-kji}}" in sentence:
            assert "from July 1997" not in sentence and "July 1997 to December 2011 they" not in sentence, sentence
    assert project_store().facts["elite-denominator-kji"].as_of.start != "1997-07"


def test_the_later_total_is_compared_with_the_ministrys_count_for_the_same_span():
    store = project_store()
    gap = store.facts["chosun-kju-total-below-mou"]
    assert gap.derived.op == "difference"
    assert gap.derived.inputs == ("mou-arrivals-2012-to-june-2024", "elite-denominator-kju")
    span = store.facts["mou-arrivals-2012-to-june-2024"]
    assert span.derived.inputs == ("mou-arrivals-2012-2023", "arrivals-first-half-2024")
    assert span.value == store.facts["mou-arrivals-2012-2023"].value + store.facts["arrivals-first-half-2024"].value
    assert gap.value == span.value - store.facts["elite-denominator-kju"].value
    assert "no published figure" not in pages()["elite.md"]
