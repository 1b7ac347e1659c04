"""The schema.org ClaimReview of the claims a page's claims tables show, as JSON-LD: what fact-check readers
(Google's Fact Check Explorer among them) read of our verdicts.

Each review: the claim in the report's words (claimReviewed), the report it appears in (itemReviewed: a Claim,
its author the report's publisher, its appearance the report's address), our verdict as a rating from 1 (wrong
as written) to 3 (correct) with the verdict's words and our finding, the address of the claim's row, and the
date it was checked: the latest access date of the report and of the sources that decide it (as "Last
updated" counts, render/page_meta.py: the build never writes today's date). The JSON is made by json.dumps and
escaped for a <script> element (page_meta.script_json); a ld+json script is data, which no browser runs, so the
pages' Content-Security-Policy needs no exception for it.
"""
from __future__ import annotations

from markupsafe import Markup

from ..site_folder.inputs import SiteSettings
from ..store.facts import Claim, FactStore
from .cards import VERDICTS
from .page_meta import address, script_json

# The verdicts as schema.org Rating values, worst to best.
RATINGS = {"wrong": 1, "caveat": 2, "correct": 3}


def claim_reviews(settings: SiteSettings, store: FactStore, page_url: str, claim_ids: list[str]) -> Markup:
    """One <script type="application/ld+json"> holding a ClaimReview per claim; nothing when there is none."""
    reviews = [claim_review(settings, store, page_url, store.claims[claim_id]) for claim_id in claim_ids
               if claim_id in store.claims]
    if not reviews:
        return Markup("")
    return Markup(f'<script type="application/ld+json">{script_json(reviews)}</script>')


def claim_review(settings: SiteSettings, store: FactStore, page_url: str, claim: Claim) -> dict:
    report = store.sources[claim.citation.source_id]
    said = store.excerpt(claim.citation)
    checked = [store.sources[citation.source_id].accessed for citation in (claim.citation, *claim.evidence)
               if citation.source_id in store.sources]
    row = f"{page_url}#claim-{claim.id}"
    item = {"@type": "Claim", "author": {"@type": "Organization", "name": report.publisher}}
    if report.published:
        item["datePublished"] = report.published
    if report.url:
        item["appearance"] = {"@type": "CreativeWork", "url": report.url, "headline": report.title}
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": address(settings, row) or row,  # relative without a url: no absolute address is ever invented
        "claimReviewed": said.words if said is not None else "",
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": settings.author or settings.title,
                   **({"url": settings.url} if settings.url else {})},
        "datePublished": max(checked),
        "inLanguage": settings.language,
        "reviewRating": {"@type": "Rating", "ratingValue": RATINGS[claim.verdict], "bestRating": 3,
                         "worstRating": 1, "alternateName": str(VERDICTS[claim.verdict]),
                         "ratingExplanation": claim.finding},
    }
