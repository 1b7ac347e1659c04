"""The differential proof (tests/test_incremental_equals_clean.py) for claims and our own corrections: after each
edit, a build with what earlier builds kept (`python build.py` with ROOT/.cache/, and the preview's in-memory
cache) gives the same bytes as a clean one.

The edits that reach across pages: a claim's verdict or finding changes while one page cites it and another
shows its row; the page showing the row stops showing it (the citing page's mark then leads to a table of its
own) and shows it again; data/corrections.json is added, edited, extended and redated (the Corrections page,
the feed corrections.xml and the "Corrected on" line of each page it names).
"""
from __future__ import annotations

import json

import pytest

from test_incremental_equals_clean import MODES, Builder, Site, describe, vega_runtime_made_once  # noqa: F401

pytestmark = pytest.mark.slow

CLAIMS = "data/claims.json"
CORRECTIONS = "data/corrections.json"
CLAIM = {"id": "lent-2024", "source": "example-town-library", "excerpt": "summary", "verdict": "correct",
         "finding": "The library's own table gives the same figure.", "key": "48,250",
         "evidence": [{"source": "example-town-library", "excerpt": "loans-table",
                       "cell": {"row": "Books lent", "column": "2024"}}]}
OWN = {"id": "loans-wording", "date": "2026-03-02", "pages": ["index"], "before": "Loans rose.",
       "after": "Loans rose in 2024.", "reason": "The year was missing."}


def set_claim(site: Site, **fields) -> None:
    site.write(CLAIMS, json.dumps({"claims": [{**CLAIM, **fields}]}, indent=2) + "\n")


def set_corrections(site: Site, *records: dict) -> None:
    site.write(CORRECTIONS, json.dumps({"corrections": list(records)}, indent=2) + "\n")


def append(site: Site, slug: str, text: str) -> None:
    front, body = site.page(slug)
    site.write_page(slug, front, body + text)


@MODES
def test_claims_and_our_corrections_incremental_equals_clean(tmp_path, mode):
    site = Site.new(tmp_path / "site", helper=False)
    site.edit_json("site.json", lambda settings: settings.update(url="https://example.org/town/"))  # the feed
    set_claim(site)
    append(site, "index", "\n\nThe library says it lent more books than ever [@claim:lent-2024].\n")
    append(site, "loans", "\n\n## Claims checked\n\n{{claims:example-town-library}}\n")
    builder = Builder(site, mode)
    first = builder.build()
    assert 'href="loans.html#claim-lent-2024"' in first["index.html"].decode("utf-8")
    assert "corrections.xml" in first
    steps = [
        ("verdict", lambda: set_claim(site, verdict="caveat")),
        ("finding", lambda: set_claim(site, verdict="caveat", finding="Close, with a caveat.")),
        ("our first correction", lambda: set_corrections(site, OWN)),
        ("its words", lambda: set_corrections(site, {**OWN, "before": "Loans went up."})),
        ("a second, on another page", lambda: set_corrections(site, {**OWN, "before": "Loans went up."},
                                                              {**OWN, "id": "loans-table", "pages": ["loans"],
                                                               "date": "2026-04"})),
        ("a date", lambda: set_corrections(site, {**OWN, "date": "2026-06-30"},
                                           {**OWN, "id": "loans-table", "pages": ["loans"], "date": "2026-04"})),
        ("the table leaves its page", lambda: site.edit_body("loans", "{{claims:example-town-library}}", "")),
        ("the verdict, with no table", lambda: set_claim(site, verdict="wrong")),
        ("the table comes back", lambda: site.edit_body("loans", "## Claims checked\n",
                                                        "## Claims checked\n\n{{claims:example-town-library}}\n")),
        ("the key", lambda: set_claim(site, verdict="wrong", key="48,250 books")),
        ("no corrections", lambda: set_corrections(site)),
    ]
    for name, edit in steps:
        edit()
        files, clean = builder.build(), builder.clean()
        assert files == clean, f"after the edit of {name}: {describe(files, clean)}"
    index = files["index.html"].decode("utf-8")
    assert 'href="loans.html#claim-lent-2024"' in index and "claims-cited" not in index
    assert "Wrong as written" in index and "Wrong as written" in files["loans.html"].decode("utf-8")
