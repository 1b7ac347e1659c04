"""The preview's incremental build gives the same bytes as a full build, and rebuilds only what changed.

Also the parts of the preview server that need no server: the watcher, the access rules, the overlay.
"""
from __future__ import annotations

import gc
import json
import shutil
import time
import weakref
import zlib
from pathlib import Path

import pytest
from serve_support import copy_site, edit

from conftest import PROJECT, SITES
from explainer.errors import Problem
from explainer.site_folder.inputs import read_inputs
from explainer.pipeline import build
from explainer.publish.search import search_index
from explainer.effects.boundary import BuildEffects
from explainer.preview.access import AccessPolicy, Refused, site_path
from explainer.preview.overlay import inject, overlay
from explainer.preview.rebuild import Rebuilder
from explainer.prose.markdown_pool import Converter
from explainer.incremental.build_cache import TemplateCache
from explainer.incremental.read_index import STORE_KINDS
from explainer.preview.source_watch import Changes, SourceWatcher


def full_build(root: Path, search=None) -> dict[str, bytes]:
    """What a build without a cache makes: by default without the search index, as the preview serves a build
    before its index is ready (preview/search_refresh.py)."""
    inputs, problems = read_inputs(root)
    assert not problems
    result = build(inputs, BuildEffects(index_search=search))
    assert not result.failed(strict=False), [p.format() for p in result.problems]
    return result.files


class Session:
    """A Rebuilder fed by a SourceWatcher, as in the server, without the server."""

    def __init__(self, root: Path):
        self.root = root
        self.watcher = SourceWatcher(root, PROJECT)
        self.watcher.start()
        self.rebuilder = Rebuilder(root, strict=False)
        self.outcome = self.rebuilder.rebuild(None)
        assert self.outcome.files is not None, [p.format() for p in self.outcome.problems]

    def rebuild(self):
        changes = self.watcher.check()
        assert changes, "the watcher saw no change"
        self.outcome = self.rebuilder.rebuild(changes)
        return self.rebuilder.cache.stats

    def close(self):
        self.watcher.stop()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exception) -> None:
        self.close()


@pytest.fixture
def session(tmp_path):
    with Session(copy_site(tmp_path)) as started:
        yield started


def test_incremental_builds_match_full_builds(session):
    root = session.root
    assert session.outcome.files == full_build(root)
    pages = len([path for path in session.outcome.files if path.endswith(".html")])

    edit(root / "content" / "elite.md", "## Share", "## Share\n\nA new paragraph.")
    stats = session.rebuild()
    assert (stats.markdown_rendered, stats.pages_rendered) == (1, 1)  # not the sources or data pages
    assert session.outcome.files == full_build(root)

    edit(root / "content" / "elite.md", "title: Elites", "title: Elite defectors")  # in every page's navigation
    stats = session.rebuild()
    # Its own Markdown again (a page's body is known by its whole file: build_cache.MarkdownCache._body_key), no other
    assert stats.markdown_rendered == 1 and stats.pages_rendered == pages
    assert session.outcome.files == full_build(root)

    facts = root / "data" / "facts" / "main.json"
    edit(facts, '"value": 1.22', '"value": 1.25')
    stats = session.rebuild()
    # elite.md alone shows elite-share: kept, with the fact's value and card written again (prose/fact_slots.py)
    assert stats.markdown_rendered == 0 and stats.slots_refilled == 1
    assert session.outcome.files == full_build(root)

    (root / "templates").mkdir(exist_ok=True)
    shutil.copy(PROJECT / "templates" / "page.html", root / "templates" / "page.html")
    edit(root / "templates" / "page.html", "<h1>", '<h1 class="edited">')  # a site template now overrides
    stats = session.rebuild()
    # The chapters, made from page.html; not the sources or data pages, made from templates of their own
    chapters = [path for path, data in session.outcome.files.items() if b'<h1 class="edited">' in data]
    assert stats.markdown_rendered == 0 and stats.pages_rendered == len(chapters) < pages
    assert "index.html" in chapters
    assert session.outcome.files == full_build(root)

    (root / "content" / "new.md").write_text("---\ntitle: New\norder: 5\n---\nAbout {{residents}}.\n")
    session.rebuild()
    assert session.outcome.files == full_build(root)
    (root / "content" / "new.md").unlink()
    session.rebuild()
    assert "new.html" not in session.outcome.files
    assert session.outcome.files == full_build(root)


def test_a_card_follows_the_facts_it_shows_without_citing_them(session):
    """A derived fact's card shows its inputs (value and label): a page showing only the derived fact is
    converted again when an input changes."""
    root = session.root
    (root / "content" / "rise.md").write_text("---\ntitle: Rise\norder: 3\n---\nThe rise was {{public-sector-rise}}.\n",
                                              encoding="utf-8")
    session.rebuild()
    assert b'title="Defectors in public-sector jobs">194</a>' in session.outcome.files["rise.html"]
    facts = root / "data" / "facts" / "main.json"
    edit(facts, '"label": "Defectors in public-sector jobs",\n      "as_of": "2023-12-31"',
         '"label": "Public-sector jobs, end of 2023",\n      "as_of": "2023-12-31"')
    session.rebuild()
    assert b'title="Public-sector jobs, end of 2023">194</a>' in session.outcome.files["rise.html"]
    assert session.outcome.files == full_build(root)


def test_a_card_kept_from_the_last_rebuild_shows_the_fact_s_new_value(session):
    """The Markdown converter, with the values and cards it made once per fact (prose/fact_slots.py), lasts from
    rebuild to rebuild (build_cache.MarkdownCache._converter): a page edit converts with them, and after a fact edit
    each is kept only while what it read is unchanged in the new store, so one made before the edit never shows the
    old figure; the page showing the fact is not converted again, its slots are written again."""
    root = session.root
    cache = session.rebuilder.cache.markdown
    edit(root / "content" / "elite.md", "## Share", "## Share\n\nShown with {{elite-share}} and {{residents}} again.")
    session.rebuild()
    converter = cache._converters["en"][2]
    made = dict(converter.slots._memo)
    assert {"card:elite-share", "value:elite-share", "card:residents", "value:residents"} <= made.keys()
    assert session.outcome.files == full_build(root)
    edit(root / "content" / "elite.md", "again.", "once more.")
    session.rebuild()
    assert cache._converters["en"][2] is converter  # the same store: its slots serve this page
    assert b"once more." in session.outcome.files["elite.html"]
    edit(root / "data" / "facts" / "main.json", '"value": 1.22', '"value": 1.25')
    stats = session.rebuild()
    assert (stats.markdown_rendered, stats.slots_refilled) == (0, 1) and cache._converters["en"][2] is converter
    now = converter.slots._memo
    assert now["card:residents"] is made["card:residents"]  # read nothing that changed: kept
    assert now["value:elite-share"] is not made["value:elite-share"] and "1.25" in now["value:elite-share"][0]
    assert now["card:elite-share"] is not made["card:elite-share"] and "1.25" in now["card:elite-share"][0]
    assert b'<data value="1.25">' in session.outcome.files["elite.html"]
    assert session.outcome.files == full_build(root)


def test_a_card_s_own_words_edited_write_the_cards_again_without_converting_the_pages(session):
    """A fact's label shows only in its card: the pages showing the fact keep their conversion and have their cards
    written again (prose/fact_slots.py); the site is what a build without a cache makes."""
    root = session.root
    showing = [path for path, data in session.outcome.files.items() if b'data-fact="residents"' in data]
    assert showing
    edit(root / "data" / "facts" / "main.json", '"label": "Defectors living in South Korea"',
         '"label": "Defectors resident in South Korea"')
    stats = session.rebuild()
    assert stats.markdown_rendered == 0 and stats.slots_refilled == len(showing)
    for path in showing:
        data = session.outcome.files[path]
        assert b"Defectors resident in South Korea" in data and b"Defectors living in South Korea" not in data
    assert session.outcome.files == full_build(root)
    edit(root / "content" / "elite.md", "## Share", "## Share\n\nA new paragraph.")
    stats = session.rebuild()  # the cards written again are kept as they now are
    assert stats.markdown_rendered == 1 and stats.slots_refilled == 0
    assert session.outcome.files == full_build(root)


def test_a_fact_in_a_heading_is_converted_again_when_its_figure_changes(session):
    """A heading's id and its line in the contents are made from its text: a fact's value there is written by the
    conversion, not into a slot, so a new figure converts that page again; a provisional figure keeps its mark in
    the text and in its slot alike."""
    root = session.root
    (root / "content" / "heading.md").write_text(
        "---\ntitle: Heading\norder: 4\n---\n## About {{residents}} of them\n\nSome {{public-sector-2024}} work.\n",
        encoding="utf-8")
    session.rebuild()
    assert b'id="about-about-30000-of-them"' in session.outcome.files["heading.html"]
    facts = root / "data" / "facts" / "main.json"
    edit(facts, '"value": 30000', '"value": 31000')
    stats = session.rebuild()
    assert stats.markdown_rendered >= 1
    assert b'id="about-about-31000-of-them"' in session.outcome.files["heading.html"]
    assert session.outcome.files == full_build(root)
    edit(facts, '"id": "public-sector-2024",', '"id": "public-sector-2024",\n      "provisional": true,')
    stats = session.rebuild()
    assert b"provisional-mark" in session.outcome.files["heading.html"]
    assert session.outcome.files == full_build(root)


def test_a_markdown_edit_checks_no_other_page_s_reads_again(session):
    """The other pages' conversions read the same store and charts' figures, the very objects they were last found
    to hold for (build_cache.MarkdownCache._valid_in): a Markdown edit makes none of their reads again; a data edit,
    with a new store, makes them again; the site is what a build without a cache makes."""
    root = session.root
    markdown = session.rebuilder.cache.markdown
    edit(root / "content" / "elite.md", "## Share", "## Share\n\nA new paragraph.")
    stats = session.rebuild()
    assert stats.markdown_rendered == 1 and markdown._checked == {}
    assert session.outcome.files == full_build(root)
    edit(root / "data" / "facts" / "main.json", '"label": "Defectors living in South Korea"',
         '"label": "Defectors resident in South Korea"')
    session.rebuild()
    assert markdown._checked
    assert session.outcome.files == full_build(root)


def test_a_markdown_edit_asks_the_kept_files_nothing_of_the_store_or_of_the_unchanged_pages(session):
    """The kept files' reads are not made again where what they read cannot have changed (incremental/read_index.py):
    the store is the very same object, and so are the other pages' fields; the edited page's are asked, and the
    mappings each build makes afresh. The site is what a build without a cache makes."""
    root = session.root
    templates = session.rebuilder.cache.templates
    edit(root / "content" / "elite.md", "## Share", "## Share\n\nA new paragraph.")
    stats = session.rebuild()
    asked = {read if isinstance(read, str) else read[0] for read in templates._checked}
    assert stats.pages_rendered == 1
    assert not [token for token in asked if token.partition(":")[0] in STORE_KINDS]
    assert [token for token in asked if token.startswith("page:")] == [f"page:{root.resolve() / 'content' / 'elite.md'}"]
    assert "map:fact_pages" in asked
    assert session.outcome.files == full_build(root)
    # A fact's label: the store is another, so its records are asked again, and the files that show it are made again.
    edit(root / "data" / "facts" / "main.json", '"label": "Defectors living in South Korea"',
         '"label": "Defectors resident in South Korea"')
    stats = session.rebuild()
    assert stats.pages_rendered >= 2 and "fact:residents" in {
        read if isinstance(read, str) else read[0] for read in templates._checked}
    assert session.outcome.files == full_build(root)


def test_the_view_s_lists_of_pages_last_while_the_same_and_follow_a_page_that_starts_showing_a_fact(session):
    """The site view's lists of the pages that show each fact are the very lists of the last build while they hold the
    same pages (BuildCache.kept_lists), so their fingerprints last (an edited page is a new object); a page that
    starts showing a fact gets a new list, and the Sources page, whose links to each page are made once per build
    (render/templates.py page_links), lists it, and then its new title. Each time, the site is what a build without
    a cache makes."""
    root = session.root
    lists = session.rebuilder.cache._lists
    before = dict(lists["fact_pages en"])
    edit(root / "content" / "elite.md", "## Share", "## Share\n\nA new paragraph.")
    session.rebuild()
    # The edited page is a new object: the lists it is in are new; every other list is the last build's.
    kept = {key for key, value in before.items() if lists["fact_pages en"][key] is value}
    assert kept == {key for key, value in before.items() if "elite" not in [page.slug for page in value]} != set()
    assert session.outcome.files == full_build(root)

    def used_in(files):  # the Sources page's "Used in" list of elite-share
        return files["sources.html"].decode("utf-8").split('id="fact-elite-share"')[1].split("</li>")[0]

    link = '<a href="index.html">Overview</a>'
    assert link not in used_in(session.outcome.files)
    edit(root / "content" / "index.md", "live in the South.", "live in the South, {{elite-share}} of them elites.")
    session.rebuild()
    shown = lists["fact_pages en"]["elite-share"]
    assert shown is not before["elite-share"] and [page.slug for page in shown] == ["index", "elite"]
    assert link in used_in(session.outcome.files)
    assert session.outcome.files == full_build(root)

    edit(root / "content" / "index.md", "title: Overview", "title: At a glance")
    session.rebuild()
    assert '<a href="index.html">At a glance</a>' in used_in(session.outcome.files)
    assert session.outcome.files == full_build(root)


def test_a_fact_s_value_edited_keeps_the_contents_page_and_a_correction_dates_it_again(session, monkeypatch):
    """The contents page shows no fact, only the date the site was last checked or corrected, which reads the facts'
    corrections and not their values (SiteView.updated_on, recorded field by field): a value edited leaves it kept; a
    correction added makes it again with the new date. Each time, the site is what a build without a cache makes."""
    root = session.root
    made: list[str] = []
    kept_or_made = TemplateCache._kept_or_made

    def noting(self, name, key, registry, make):
        result = kept_or_made(self, name, key, registry, make)
        if not result[1]:
            made.append(name)
        return result

    monkeypatch.setattr(TemplateCache, "_kept_or_made", noting)
    facts = root / "data" / "facts" / "main.json"
    edit(facts, '"value": 1.22', '"value": 1.25')
    session.rebuild()
    assert "sources.html" in made and "elite.html" in made and "contents.html" not in made
    assert session.outcome.files == full_build(root)

    made.clear()
    edit(facts, '"source": "desk",\n      "excerpt": "excerpt-2"\n', '"source": "desk",\n      "excerpt": "excerpt-2",\n'
         '      "corrections": [{"value": 1.22, "date": "2026-12-01", "reason": "A test.", "source": "desk", '
         '"excerpt": "excerpt-2"}]\n')
    session.rebuild()
    assert "contents.html" in made and b'"2026-12-01"' in session.outcome.files["contents.html"]
    assert session.outcome.files == full_build(root)


def test_a_fact_s_line_in_the_references_is_rendered_once_a_build_and_follows_the_fact_on_every_page(session, monkeypatch):
    """Both pages cite "residents": its line in their references is rendered once a build (SiteView.once) and given to
    both, with what rendering it read: a label edited makes both pages again, each with the new label, as a build
    without a cache makes them."""
    from explainer.render.templates import SiteView

    root = session.root
    rendered: list[tuple] = []
    once = SiteView.once

    def counting(self, *key, caller):
        return once(self, *key, caller=lambda: rendered.append(key) or caller())

    monkeypatch.setattr(SiteView, "once", counting)
    edit(root / "data" / "facts" / "main.json", '"label": "Defectors living in South Korea"',
         '"label": "Defectors resident in South Korea"')
    stats = session.rebuild()
    assert rendered.count(("reference fact", "residents")) == 1 and stats.pages_rendered >= 2
    for page in ("index.html", "elite.html"):
        line = session.outcome.files[page].decode("utf-8").split('<section class="references"')[1]
        assert "Defectors resident in South Korea" in line and "Defectors living in South Korea" not in line
    assert session.outcome.files == full_build(root)


def test_a_build_that_fails_among_its_templates_leaves_every_kept_file_to_be_checked(session, monkeypatch):
    """A rebuild that raises after making one of the files a fact edit changed, and before the others, must not leave
    the others to be kept by the index at the next rebuild (read_index.py): it checks every file's reads."""
    root = session.root
    made = []
    real_made = TemplateCache._made

    def made_failing_once(self, make):
        made.append(make)
        if len(made) == 2:  # not an Exception, which the templates' stage reports as the file's problem and goes on
            raise KeyboardInterrupt
        return real_made(self, make)

    monkeypatch.setattr(TemplateCache, "_made", made_failing_once)
    edit(root / "data" / "facts" / "main.json", '"label": "Defectors living in South Korea"',
         '"label": "Defectors resident in South Korea"')
    session.rebuild()
    assert session.outcome.files is None and len(made) == 2  # the build failed after one file, before the others
    edit(root / "content" / "index.md", "## Jobs", "## Jobs\n\nA new paragraph.")
    session.rebuild()
    assert session.outcome.files == full_build(root)


def test_pages_that_move_to_another_edition_are_checked_there(tmp_path):
    """The index is kept per edition (read_index.py): when the default edition changes, index.html, made until then
    in the English edition's lane, is made in the Korean one's, whose index never held it. It must be checked there,
    not kept unchecked: its language and its links changed (found by a review of the index)."""
    root = tmp_path / "two-editions"
    shutil.copytree(SITES / "two-editions", root, ignore=shutil.ignore_patterns(".cache"))
    with Session(root) as session:
        assert session.outcome.files == full_build(root)
        settings = json.loads((root / "site.json").read_text(encoding="utf-8"))
        (root / "site.json").write_text(json.dumps({**settings, "language": "ko", "editions": ["ko", "en"]},
                                                   ensure_ascii=False), encoding="utf-8")
        shutil.move(root / "content" / "ko", root / "content" / "en")
        session.rebuild()
        assert session.outcome.files is not None, [p.format() for p in session.outcome.problems]
        assert b'<html lang="ko"' in session.outcome.files["index.html"]
        assert session.outcome.files == full_build(root)
        # The edition moved back: each file is in its first lane again, and is checked there as it comes back.
        (root / "site.json").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
        shutil.move(root / "content" / "en", root / "content" / "ko")
        session.rebuild()
        assert session.outcome.files == full_build(root)


def test_a_build_that_fails_while_writing_a_page_s_facts_again_leaves_that_page_to_be_checked(session, monkeypatch):
    """A rebuild that raises while a page's slots are written again (an engine bug, memory running out) must not
    leave the page marked as holding for the new store: the next rebuild, with that same store, writes its facts."""
    root = session.root
    calls = []
    real_refill = Converter.refill

    def refill_failing_once(self, converted):
        calls.append(converted)
        if len(calls) == 1:
            raise MemoryError("while writing the facts again")
        return real_refill(self, converted)

    monkeypatch.setattr(Converter, "refill", refill_failing_once)
    edit(root / "data" / "facts" / "main.json", '"value": 1.22', '"value": 1.25')
    session.rebuild()
    assert session.outcome.files is None  # the build failed
    edit(root / "content" / "index.md", "## Jobs", "## Jobs\n\nA new paragraph.")
    session.rebuild()
    assert len(calls) == 2 and b'<data value="1.25">' in session.outcome.files["elite.html"]
    assert session.outcome.files == full_build(root)


def test_the_kept_converter_lets_go_of_earlier_fact_stores(session):
    """The converter lasts from rebuild to rebuild; the fact stores of earlier builds must not (each data edit
    would keep one more alive for as long as the preview runs)."""
    root = session.root
    edit(root / "content" / "elite.md", "## Share", "## Share\n\nShown with {{elite-share}} again.")
    session.rebuild()
    earlier = weakref.ref(session.rebuilder.cache.markdown._converters["en"][0])
    for old, new in (("1.22", "1.25"), ("1.25", "1.26")):
        edit(root / "data" / "facts" / "main.json", f'"value": {old}', f'"value": {new}')
        session.rebuild()
    gc.collect()
    assert earlier() is None


def test_the_evidence_of_facts_lasts_while_the_fact_store_does(session):
    """Each fact's evidence, as the references show it, is made once (BuildCache.evidence_memo): kept through a page
    edit, and through a data edit unless it read what changed; the site is what a build without a cache makes."""
    root = session.root
    cache = session.rebuilder.cache
    store, memo = cache._evidence["en"]
    assert memo  # the first build's references made some
    edit(root / "content" / "elite.md", "## Share", "## Share\n\nA new paragraph.")
    session.rebuild()
    assert cache._evidence["en"][1] is memo
    kept = dict(memo)
    edit(root / "data" / "facts" / "main.json", '"value": 1.22', '"value": 1.25')
    session.rebuild()
    now = cache._evidence["en"][1]
    assert cache._evidence["en"][0] is not store and now is not memo
    # What read the edited fact is made again; what did not is kept.
    assert "elite-share" not in now or now["elite-share"] is not kept.get("elite-share")
    assert any(now.get(fact_id) is entry for fact_id, entry in kept.items())
    assert session.outcome.files == full_build(root)


def test_an_edition_no_longer_built_lets_go_of_its_fact_store(tmp_path):
    """What the preview keeps per edition (the Markdown converter, the facts' evidence) goes with the edition: a
    language dropped from site.json must not keep its fact store alive for the rest of the session."""
    root = tmp_path / "site"
    shutil.copytree(SITES / "two-editions", root)
    with Session(root) as session:
        korean = weakref.ref(session.rebuilder.cache._evidence["ko"][0])
        shutil.rmtree(root / "content" / "ko")
        settings = json.loads((root / "site.json").read_text(encoding="utf-8"))
        settings["editions"] = ["en"]
        settings["edition_names"] = {"en": "English"}
        (root / "site.json").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
        session.rebuild()
        assert session.outcome.files is not None, [p.format() for p in session.outcome.problems]
        gc.collect()
        assert korean() is None
        assert set(session.rebuilder.cache._evidence) == {"en"}


def test_a_template_edit_renders_every_page_from_html_unpacked_once(session, monkeypatch):
    """The preview keeps each page's HTML unpacked from rebuild to rebuild (site_folder/pages.html_of); what it
    renders is what a build without a cache renders."""
    from explainer.site_folder import pages

    root = session.root
    unpacked = []
    monkeypatch.setattr(pages, "unpacked", lambda data: unpacked.append(data) or zlib.decompress(data))
    pages._unpacked_html.cache_clear()
    (root / "templates").mkdir(exist_ok=True)
    shutil.copy(PROJECT / "templates" / "page.html", root / "templates" / "page.html")
    edit(root / "templates" / "page.html", "<h1>", '<h1 class="edited">')
    stats = session.rebuild()
    assert stats.pages_rendered > 1 and unpacked == []
    assert session.outcome.files == full_build(root)
    assert unpacked  # a build without the preview's memory unpacks each page's HTML as its template reads it


def test_the_claims_table_and_the_corrections_page_follow_the_store(session):
    root = session.root
    claims = root / "data" / "claims.json"
    claims.write_text(json.dumps({"claims": [{"id": "record", "source": "gazette", "excerpt": "excerpt-1",
                                              "verdict": "correct", "finding": "The ministry's count.",
                                              "key": "17 more", "evidence": [{"source": "gazette",
                                                                              "excerpt": "excerpt-2"}]}]}),
                      encoding="utf-8")
    (root / "content" / "claims.md").write_text("---\ntitle: Claims\norder: 4\n---\n{{claims}}\n", encoding="utf-8")
    session.rebuild()
    assert b"Correct</strong>" in session.outcome.files["claims.html"]
    edit(claims, '"verdict": "correct"', '"verdict": "wrong"')
    stats = session.rebuild()
    assert stats.markdown_rendered == 1  # the claims page alone shows the claims
    assert b"Wrong as written</strong>" in session.outcome.files["claims.html"]
    assert session.outcome.files == full_build(root)

    facts = root / "data" / "facts" / "main.json"
    edit(facts, '"value": 1.22,', '"value": 1.22,\n      "corrections": [{"value": 1.2, "date": "2026-02-04", '
         '"reason": "Recomputed."}],')
    session.rebuild()
    assert b"Recomputed." in session.outcome.files["corrections.html"]
    assert b"Corrected on 4 February 2026" in session.outcome.files["elite.html"]
    assert session.outcome.files == full_build(root)


def test_a_failed_build_keeps_the_cache_and_recovers(session):
    root = session.root
    edit(root / "content" / "index.md", "{{residents}}", "{{no-such-fact}}")
    session.rebuild()
    assert session.outcome.failed and session.outcome.files is None
    assert any('unknown fact "no-such-fact"' in p.message for p in session.outcome.problems)
    edit(root / "content" / "index.md", "{{no-such-fact}}", "{{residents}}")
    stats = session.rebuild()
    assert not session.outcome.failed
    # Every page came from the cache kept through the failure: index.md's Markdown is converted again, gives
    # the HTML it gave before the failure, and so its page's recorded reads still hold.
    assert stats.markdown_rendered == 1 and stats.pages_rendered == 0
    assert session.outcome.files == full_build(root)


def test_an_engine_exception_becomes_a_problem(session, monkeypatch):
    def broken(*arguments, **options):
        raise RuntimeError("a bug")

    monkeypatch.setattr("explainer.preview.rebuild.build", broken)
    edit(session.root / "content" / "index.md", "Today", "Roughly")
    session.rebuild()
    assert session.outcome.failed
    assert "internal error in the build (RuntimeError: a bug)" in session.outcome.problems[0].message


def test_the_watcher_reports_what_changed_and_ignores_what_did_not(tmp_path):
    root = copy_site(tmp_path)
    watcher = SourceWatcher(root, PROJECT)
    watcher.start()
    try:
        index = root / "content" / "index.md"
        index.write_text(index.read_text())  # saved unchanged
        (root / "content" / ".index.md.swp").write_text("editor debris")
        (root / "content" / "__pycache__").mkdir()
        (root / "content" / "__pycache__" / "x.pyc").write_bytes(b"cache")
        assert not watcher.wait_for_changes(timeout=0.5)
        edit(index, "Today", "Roughly")
        (root / "content" / "new.md").write_text("---\ntitle: New\n---\n")
        (root / "content" / "elite.md").unlink()
        changes = watcher.wait_for_changes(timeout=30)
        deadline = time.monotonic() + 30
        while len(changes.modified) + len(changes.created) + len(changes.deleted) < 3 and time.monotonic() < deadline:
            changes = changes.merge(watcher.wait_for_changes(timeout=1))
        assert set(changes.modified) == {index.resolve()}
        assert b"Roughly" in changes.modified[index.resolve()]
        assert set(changes.created) == {(root / "content" / "new.md").resolve()}
        assert changes.deleted == {(root / "content" / "elite.md").resolve()}
    finally:
        watcher.stop()


def test_changes_merge_into_one_step():
    a, b = Path("/s/a.md"), Path("/s/b.md")
    merged = Changes(created={a: b"1"}).merge(Changes(modified={a: b"2"}, deleted=frozenset({b})))
    assert merged.created == {a: b"2"} and merged.deleted == {b} and not merged.modified
    assert not Changes(created={a: b"1"}).merge(Changes(deleted=frozenset({a})))
    assert Changes(deleted=frozenset({a})).merge(Changes(created={a: b"3"})).modified == {a: b"3"}
    assert Changes(modified={a: b""}).describe(Path("/s")) == "a.md changed"


def test_access_rules():
    policy = AccessPolicy("127.0.0.1", 8000)
    assert policy.allows_host("127.0.0.1:8000") and policy.allows_host("localhost:8000")
    assert policy.allows_host("[::1]:8000")
    assert not policy.allows_host("evil.example:8000") and not policy.allows_host("127.0.0.1:8001")
    assert not policy.allows_host("127.0.0.1") and not policy.allows_host(None)
    assert policy.allows_origin("http://localhost:8000") and not policy.allows_origin("http://localhost:9000")
    assert not policy.allows_origin("https://evil.example") and not policy.allows_origin("null")
    everywhere = AccessPolicy("0.0.0.0", 8000)
    assert everywhere.allows_host("192.168.1.20:8000") and not everywhere.allows_host("evil.example:8000")
    assert not everywhere.is_loopback_only and policy.is_loopback_only
    assert site_path("/") == "index.html" and site_path("/data/facts.csv") == "data/facts.csv"
    assert site_path("/caf%C3%A9.html") == "café.html"
    for path in ("/../x", "/%2e%2e/x", "/a/%2E%2E/x", "/a%2f..%2fx", "/a\\..\\x", "/%00", "/%ff"):
        with pytest.raises(Refused):
            site_path(path)


def test_the_overlay_escapes_problems_and_injection_needs_no_head():
    problem = Problem(Path("/site/content/a.md"), 3, 7, 'unknown fact "<b>x</b>"', source_line="<script>x</script>")
    shown = overlay((problem,), Path("/site"), strict=False).decode()
    assert "content/a.md:3:7: unknown fact &quot;&lt;b&gt;x&lt;/b&gt;&quot;" in shown
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    page = inject(b"<html><head></head><body><p>x</p></body></html>", 4, shown.encode())
    assert page.index(b'/livereload.js?generation=4') < page.index(b"</head>")
    assert page.index(b"explainer-preview-problems") < page.index(b"</body>")
    assert inject(b"<p>no head</p>", 1, None).startswith(b"<script")


def test_the_cache_does_not_change_python_build_output(tmp_path):
    """The same files with and without a cache: the cache only reuses."""
    root = copy_site(tmp_path)
    facts = json.loads((root / "data" / "facts" / "main.json").read_text())
    assert facts["facts"]
    from explainer.incremental.build_cache import BuildCache

    inputs, _ = read_inputs(root)
    cache = BuildCache()
    for _ in range(2):
        cache.start_build()
        cached = build(inputs, BuildEffects(memo=cache))
        cache.finish_build(succeeded=True)
        assert cached.files == full_build(root, search=search_index)


def test_charts_are_reused_until_a_page_embeds_another(tmp_path):
    root = tmp_path / "charts-site"
    shutil.copytree(SITES / "charts", root)
    index = root / "content" / "index.md"
    edit(index, "{{chart:women_share}}", "No chart here yet.")
    with Session(root) as session:
        edit(index, "No chart here yet.", "No chart here yet, still.")
        stats = session.rebuild()
        assert "charts" not in stats.stages_rerun
        edit(index, "No chart here yet, still.", "{{chart:women_share}}")
        stats = session.rebuild()
        assert "charts" in stats.stages_rerun
        assert session.outcome.files == full_build(root)


def test_a_fact_edit_no_chart_reads_keeps_the_charts_stage_and_one_a_chart_reads_runs_it(tmp_path):
    """The charts stage is kept by what it read of the store (BuildCache.charts), not by the store object: a fact no
    chart module and no figure reads leaves it as it was; a fact the public-sector chart plots makes it again. Each
    time the site is the one a build without a cache makes."""
    root = tmp_path / "charts-site"
    shutil.copytree(SITES / "charts", root)
    facts = root / "data" / "facts" / "charted.json"
    with Session(root) as session:
        # Shown on a page, read by no chart; as long as before, so that no record after it moves in the file (a
        # record's place is part of what reading it reads: the next test).
        edit(facts, '"Arrivals in 2009"', '"Arrivals of 2009"')
        stats = session.rebuild()
        assert "charts" not in stats.stages_rerun and "load_fact_store" in stats.stages_rerun
        assert session.outcome.files == full_build(root)
        record = json.loads(facts.read_text(encoding="utf-8"))
        plotted = next(fact for fact in record["facts"] if fact["id"] == "public-sector-end-2024")
        plotted["label"] += " (edited)"
        facts.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
        stats = session.rebuild()
        assert "charts" in stats.stages_rerun
        assert session.outcome.files == full_build(root)


def test_a_template_that_prints_where_a_fact_is_written_is_made_again_when_an_edit_above_moves_it(tmp_path):
    """A record's place in its file (Location: its offset, not only its line) is part of what reading the record
    reads: a longer label above a fact, which moves no line, still moves the fact, and a site template that prints
    its offset shows the new one (a review found the preview showing the old)."""
    root = tmp_path / "charts-site"
    shutil.copytree(SITES / "charts", root)
    (root / "templates").mkdir()
    base = (PROJECT / "templates" / "base.html").read_text(encoding="utf-8")
    assert "</footer>" in base
    (root / "templates" / "base.html").write_text(base.replace("</footer>", '</footer><p class="at">{% set f = '
                                                  'site.store.facts["public-sector-admin-2024"] %}'
                                                  "{{ f.location.path.name }}@{{ f.location.offset }}</p>", 1),
                                                  encoding="utf-8")
    with Session(root) as session:
        edit(root / "data" / "facts" / "charted.json", '"Arrivals in 2009"', '"Arrivals in the year 2009"')
        session.rebuild()
        assert session.outcome.files == full_build(root)


def test_a_site_longer_than_the_navigation_limit_rebuilds_from_the_cache(tmp_path):
    """Past NAV_LIMIT chapters the header lists only some pages; the cache must still know every page."""
    from explainer.render.templates import NAV_LIMIT

    root = copy_site(tmp_path)
    for number in range(NAV_LIMIT + 1):
        (root / "content" / f"extra-{number:02d}.md").write_text(
            f"---\ntitle: Extra {number}\norder: {10 + number}\n---\nAbout {{{{residents}}}} people.\n", encoding="utf-8")
    with Session(root) as session:
        assert b'href="contents.html"' in session.outcome.files["index.html"]
        assert b"Extra 3" not in session.outcome.files["index.html"]  # the header no longer lists every chapter
        assert b"Extra 3" in session.outcome.files["contents.html"]
        page = root / "content" / "extra-03.md"
        page.write_text(page.read_text(encoding="utf-8").replace("About", "Roughly"), encoding="utf-8")
        stats = session.rebuild()
    assert b"Roughly" in session.outcome.files["extra-03.html"]
    assert stats.pages_rendered == 1


def test_a_template_edit_compiles_that_template_alone(session, monkeypatch):
    """The next environment reuses the compiled code of every template whose source is the same (in memory: the
    templates' _CompiledInThisProcess), and the pages are those of a build without it."""
    import jinja2

    compiled = []
    compile_source = jinja2.Environment.compile

    def counted(self, source, name=None, filename=None, *arguments, **keywords):
        compiled.append(name)
        return compile_source(self, source, name, filename, *arguments, **keywords)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    root = session.root
    (root / "templates").mkdir(exist_ok=True)
    shutil.copy(PROJECT / "templates" / "_references.html", root / "templates" / "_references.html")
    edit(root / "templates" / "_references.html", '<section class="references"',
         '<section data-edited="1" class="references"')
    session.rebuild()
    assert compiled == ["_references.html"]
    assert b'data-edited="1"' in session.outcome.files["elite.html"]
    compiled.clear()
    edit(root / "templates" / "_references.html", 'data-edited="1"', 'data-edited="2"')
    session.rebuild()
    assert compiled == ["_references.html"]
    assert session.outcome.files == full_build(root)


def test_a_template_edit_renders_again_only_the_files_made_from_that_template(session):
    """The templates a rendering loads (its own, what it extends, includes and imports) are a recorded read of their
    texts (render/templates.TemplateSets): an edit to the sources page's template renders that page alone, an edit to a partial only the files that include it, an edit to base.html every page; and a site template
    that starts to override the project's renders again the files that load it. Each time the pages are those of a
    build without a cache."""
    root = session.root
    html_files = len([path for path in session.outcome.files if path.endswith(".html")])
    (root / "templates").mkdir(exist_ok=True)
    for name in ("sources.html", "_references.html", "base.html"):
        shutil.copy(PROJECT / "templates" / name, root / "templates" / name)
    session.rebuild()  # copies of the project's: the same texts, nothing to render again
    assert session.rebuilder.cache.stats.pages_rendered == 0

    edit(root / "templates" / "sources.html", '<article class="chapter">', '<article class="chapter" data-edited="1">')
    stats = session.rebuild()
    assert stats.pages_rendered == 1 and b'data-edited="1"' in session.outcome.files["sources.html"]
    assert session.outcome.files == full_build(root)

    edit(root / "templates" / "_references.html", '<section class="references"',
         '<section data-edited="2" class="references"')
    stats = session.rebuild()
    chapters = [path for path, data in session.outcome.files.items() if b'data-edited="2"' in data]
    assert "elite.html" in chapters and stats.pages_rendered == len(chapters) < html_files
    assert session.outcome.files == full_build(root)

    edit(root / "templates" / "base.html", "<body", '<body data-edited="3"')
    stats = session.rebuild()
    assert stats.pages_rendered == html_files
    assert session.outcome.files == full_build(root)

    (root / "templates" / "_csp.html").write_text((PROJECT / "templates" / "_csp.html").read_text(encoding="utf-8")
                                                  + "<!-- the site's own -->\n", encoding="utf-8")
    stats = session.rebuild()  # a new file: base.html includes it, so every page loads the site's now
    assert stats.pages_rendered == html_files
    assert all(b"the site's own" in session.outcome.files[path] for path in ("index.html", "sources.html"))
    assert session.outcome.files == full_build(root)


@pytest.mark.parametrize("case", ["include ignore missing", "include list", "import without context"])
def test_a_template_loaded_only_sometimes_is_still_part_of_what_a_file_read(tmp_path, case):
    """Templates a rendering tried and did not find, and those an imported template loaded when its module was made
    (kept by Jinja2 for every later import without context), are part of what each file read: editing one, or
    adding one, gives the pages of a build without a cache (a review found each left pages stale)."""
    root = copy_site(tmp_path)
    templates = root / "templates"
    templates.mkdir(exist_ok=True)
    page = (PROJECT / "templates" / "page.html").read_text(encoding="utf-8")
    if case == "include ignore missing":
        page = page.replace("{% block main %}", '{% block main %}{% include "_optional.html" ignore missing %}', 1)
        shutil.copy(PROJECT / "templates" / "base.html", templates / "base.html")
        edits = [lambda: edit(templates / "base.html", "<body", '<body data-edited="1"'),
                 lambda: (templates / "_optional.html").write_text("<p>optional</p>\n", encoding="utf-8")]
    elif case == "include list":
        page = page.replace('{% include "_references.html" %}',
                            '{% include ["_own_references.html", "_references.html"] %}', 1)
        shutil.copy(PROJECT / "templates" / "_references.html", templates / "_references.html")
        edits = [lambda: edit(templates / "_references.html", '<section class="references"',
                              '<section data-edited="2" class="references"'),
                 lambda: (templates / "_own_references.html").write_text(  # the first choice, now there
                     (templates / "_references.html").read_text(encoding="utf-8").replace(
                         'data-edited="2"', 'data-own="3"'), encoding="utf-8")]
    else:
        (templates / "_inner.html").write_text('{% macro hi() %}<span class="inner">v1</span>{% endmacro %}\n',
                                               encoding="utf-8")
        (templates / "_macros.html").write_text('{% import "_inner.html" as inner %}\n'
                                                "{% macro hello() %}{{ inner.hi() }}{% endmacro %}\n", encoding="utf-8")
        page = page.replace("{% block main %}", '{% block main %}{% import "_macros.html" as m %}{{ m.hello() }}', 1)
        edits = [lambda: edit(templates / "_inner.html", "v1", "v2"), lambda: edit(templates / "_inner.html", "v2", "v3")]
    (templates / "page.html").write_text(page, encoding="utf-8")
    with Session(root) as session:
        assert session.outcome.files == full_build(root)
        for change in edits:
            change()
            session.rebuild()
            assert session.outcome.files == full_build(root)
