"""An incremental build is byte-identical to a clean build, after any sequence of edits (issue 17, item 1).

The differential proof: a hypothesis state machine edits a starter site (`python build.py new DIR`, with a
second source added) one input at a time (facts and the source they quote, sources, series, Markdown, front
matter, site.json, a site template that reads facts, pages and settings, an overridden default template, an
asset, the chart module and a helper it loads from a subfolder, pages added and removed, edits that make the
build fail, the command line's --url and --strict) and after every step compares

- `python build.py` with what the earlier builds kept in ROOT/.cache/, into one output folder kept across
  steps, with `python build.py --no-cache` into a fresh folder: same exit code, and the same bytes in every
  file; a failed build leaves the last site exactly as it was;
- the preview's rebuild (preview/rebuild.py: one Rebuilder, its in-memory cache kept across steps, fed the
  changed files as its watcher hands them on) with pipeline.build() of the same inputs, no cache and the
  preview's options (plain names, no search index: the preview adds the index after serving).

Both run in this process (cli.main), which is what `python build.py` runs. A clean build must not see what
the incremental ones kept: it runs with ROOT/.cache/ moved out of the site folder, and what it writes there is
deleted before the kept folder is moved back, so the incremental builds never see the clean ones' work either.
Both builds read the same site folder at the same path, so nothing may differ but what they made.

Then plain regression tests for the reproductions in issue 17: a site template printing a fact goes stale
when the fact changes; an output that lists each page's HTML (a feed) goes stale after a page edit; a chart
helper in charts/_lib/ is edited and the old chart is published.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import explainer
from explainer import cli
from explainer.render import layout as outputs_table
from explainer.site_folder.inputs import read_inputs
from explainer.effects.boundary import BuildEffects
from explainer.pipeline import build
from explainer.preview.rebuild import Rebuilder
from explainer.preview.source_watch import Changes

pytestmark = pytest.mark.slow

# ---------------------------------------------------------------------------------------------------------------
# The site: the starter, plus a site template that reads facts, pages and settings, and a chart helper.

FACTS = "data/facts/loans.json"
SOURCE = "data/sources/example-town-library.json"
SERIES = "data/series/loans-by-year.json"
SITE_TEMPLATE = "templates/base.html"
OVERRIDDEN = "templates/_page_meta.html"  # a default template the site may override; base.html includes it
SITE_CSS = "assets/site.css"
CHART = "charts/loans.py"
HELPER = "charts/_lib/words.py"
EXTRA_PAGE = "content/extra.md"
SURVEY = "data/sources/library-survey.json"  # added: a source that states card-holders, not cited by index.md
QUOTED_IN = {"example-town-library": "summary", "library-survey": "cards"}  # the excerpt stating card-holders
SNAPSHOT = "data/sources/example-town-library.snapshot.txt"  # added: the source's kept words (store/snapshots.py)

# Each variant extends the default theme's base.html and prints what it reads of the store, the pages and
# the settings: in the <head> (every page) and at the end of the body.
SITE_TEMPLATES = (
    '{% extends "default/base.html" %}\n'
    '{% block head %}<meta name="x-card-holders" content="{{ site.store.facts[\'card-holders\'].display }} · '
    '{{ site.store.facts[\'card-holders\'].label }}">\n'
    '<meta name="x-pages" content="{% for p in site.pages %}{{ p.title }}; {% endfor %}">\n'
    '<meta name="x-site" content="{{ site.settings.title }}">{% endblock %}\n',

    '{% extends "default/base.html" %}\n'
    '{% block head %}<meta name="x-facts" content="{% for id, fact in site.store.facts.items() %}'
    '{{ id }}={{ fact.display }} ({{ fact.label }}); {% endfor %}">{% endblock %}\n'
    '{% block scripts %}<p hidden>{{ site.settings.title }}: {{ site.pages | length }} pages, '
    '{% for p in site.pages %}{{ p.title }} / {% endfor %}</p>{% endblock %}\n',

    '{% extends "default/base.html" %}\n'
    '{% block head %}<meta name="x-source" content="{{ site.store.sources[\'example-town-library\'].title }}">\n'
    '<meta name="x-series" content="{% for row in site.store.series[\'loans-by-year\'].rows %}'
    '{{ row.values[\'loans\'] }} {% endfor %}">\n'
    '<meta name="x-note" content="{{ site.store.facts[\'card-holders\'].label }}: '
    '{{ site.store.facts[\'card-holders\'].note }}">\n'
    '<meta name="x-site" content="{{ site.settings.title }} · {{ site.pages[0].title }}">{% endblock %}\n',
)
OVERRIDES = (
    None,  # the default theme's
    '{% include "default/_page_meta.html" %}\n<p class="x-desk">Checked by the data desk.</p>\n',
    '{% include "default/_page_meta.html" %}\n<p class="x-desk">Checked twice, by {{ site.settings.title }}.</p>\n',
)
STYLES = (None, ":root { --accent: #8a2be2; }\n", ".x-desk { color: teal; }\n")
CAPTIONS = ("Invented figures, for the example.", "Invented figures.", "All figures made up, for the example.")
HELPER_WORDS = ("Counted at the desk.", "Counted by the library.", "Counted twice.")

# The chart module loads its helper by path with runpy (no sys.modules, no bytecode file), so what it reads
# is always the file as it is now: any staleness is the build's.
CHART_HELPER_LOADER = '''
import runpy
from pathlib import Path


def helper_words() -> str:
    return runpy.run_path(str(Path(__file__).parent / "_lib" / "words.py"))["WORDS"]
'''

BODY_ADDITIONS = (
    "",
    "An edited paragraph about the town and its library.",
    "Library cards are held by {{card-holders}} residents.",
    "The rise was {{loans-growth}} books [@example-town-library].",
    "{{chart:loans}}",
    "## Cards held: {{card-holders}}\n\n{{figures: card-holders, loans-growth \"Growth\"}}",  # written by the conversion
    "This cites a fact that does not exist: {{loans-2042}}.",  # the build fails, and the next edit may fix it
)
TITLES = ("Books lent, year by year", "Loans by year", "Example Town library loans", "The library in figures")
LABELS = ("Residents holding a library card", "Card holders", "People with a library card")
NOTES = ("The report rounds this figure.", "Rounded by the library.", "A rounded count of card holders.")
SOURCE_TITLES = ("Example Town Library: annual report 2024 (an invented example)", "Example Town Library report",
                 "The library's annual report (invented)")
SITE_TITLES = ("Example Town library loans", "Loans in Example Town", "The library explainer")
# site.json's url (None: none, and the build warns): in the chart's PNGs, the share tags and 404.html's addresses
SITE_URLS = ("https://example.org/library-loans/", None, "https://example.org/loans/")
OPTIONS = ((), ("--url", "https://example.org/town/"), ("--strict",))  # of `python build.py`, both builds
RETRIEVED = ("2025-02-01", "2025-03-15", "2025-04")  # the snapshot's retrieval date, shown on the Sources page
SNAPSHOT_EXTRAS = ("", "The library opens on Sundays.", "Loans rose again in 2024.")  # more of the kept page
NEXT_UPDATES = (None, "2026-06", "2027-01-15")  # the source's next_update (None: not given)
CARD_HOLDERS = (3100, 3200, 3300, 3450)
LOANS_2022 = (40050, 40100, 39990)


@pytest.fixture(scope="module", autouse=True)
def vega_runtime_made_once():
    """vl_convert.javascript_bundle, which makes the chart runtime (2 s, and the same bytes for one version of
    vl-convert), called once per module: a memo of the library's own function, below the engine, so every
    clean build here still makes everything the engine makes, without waiting 2 s for the same bundle."""
    import vl_convert

    made: dict = {}
    original = vl_convert.javascript_bundle

    def javascript_bundle(*arguments, **options):
        key = (arguments, tuple(sorted(options.items())))
        if key not in made:
            made[key] = original(*arguments, **options)
        return made[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vl_convert, "javascript_bundle", javascript_bundle)
        yield


def run_cli(*argv: str) -> tuple[int, str]:
    """cli.main, in this process (what `python build.py` runs): its exit code and what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = cli.main(list(argv))
    return code, printed.getvalue()


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder, hidden ones included, site-relative path → bytes."""
    files = {}
    for directory, _, names in os.walk(folder):
        for name in names:
            path = Path(directory, name)
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def differences(incremental: dict[str, bytes], clean: dict[str, bytes]) -> list[str]:
    """The files that differ, each with how: `index.html (differs)`, `feed.xml (only in the incremental)`."""
    return ([f"{name} (differs)" for name in sorted(incremental.keys() & clean.keys())
             if incremental[name] != clean[name]]
            + [f"{name} (only in the incremental)" for name in sorted(incremental.keys() - clean.keys())]
            + [f"{name} (only in the clean)" for name in sorted(clean.keys() - incremental.keys())])


def first_difference(incremental: bytes, clean: bytes, around: int = 90) -> str:
    """Where two files first differ, as text either side, for the failure message."""
    at = next((i for i, (a, b) in enumerate(zip(incremental, clean)) if a != b), min(len(incremental), len(clean)))
    start = max(at - around, 0)
    return (f"incremental: …{incremental[start:at + around].decode('utf-8', 'replace')!r}…\n"
            f"       clean: …{clean[start:at + around].decode('utf-8', 'replace')!r}…")


def describe(incremental: dict[str, bytes], clean: dict[str, bytes], limit: int = 3) -> str:
    differing = differences(incremental, clean)
    shown = [name for name in sorted(incremental.keys() & clean.keys()) if incremental[name] != clean[name]][:limit]
    return (f"{len(differing)} file(s) differ: {', '.join(differing)}\n"
            + "\n".join(f"{name}:\n{first_difference(incremental[name], clean[name])}" for name in shown))


@contextlib.contextmanager
def nothing_kept(root: Path):
    """Within this block the site has no ROOT/.cache/: the one kept by the incremental builds waits outside
    the site folder, and what a clean build writes there is deleted before it comes back."""
    kept = root / ".cache"
    aside = root.parent / f"{root.name}.kept-cache"
    if kept.exists():
        kept.rename(aside)
    try:
        yield
    finally:
        shutil.rmtree(kept, ignore_errors=True)
        if aside.exists():
            aside.rename(kept)


def clean_cli_build(root: Path, out: Path, *options: str) -> tuple[int, str, dict[str, bytes] | None]:
    """`python build.py --no-cache` into a new folder, with nothing kept: exit code, output, files (None if
    the folder was not written)."""
    shutil.rmtree(out, ignore_errors=True)
    with nothing_kept(root):
        code, printed = run_cli("--root", str(root), "--out", str(out), "--no-cache", *options)
    return code, printed, tree(out) if out.exists() else None


def clean_preview_build(root: Path) -> tuple[dict[str, bytes] | None, list[str]]:
    """pipeline.build() as the preview calls it (plain names, no search index), with no cache and nothing kept:
    the files, or None with the problems when it fails."""
    with nothing_kept(root):
        inputs, problems = read_inputs(root)
        if problems:
            return None, [problem.format() for problem in problems]
        result = build(inputs, BuildEffects(index_search=None))
    if result.failed(strict=False):
        return None, [problem.format() for problem in result.problems]
    return result.files, []


def watched(root: Path) -> dict[Path, bytes]:
    """What the preview's watcher sees (preview/source_watch.py): the site's source folders and site.json.

    Compared by content here rather than by the watcher's scan, which trusts an unchanged size and mtime: an
    edit of the same length within one clock tick would be a change the test made and the watcher missed.
    """
    files = {}
    for name in ("content", "data", "charts", "templates", "assets"):
        for directory, folders, names in os.walk(root / name):
            folders[:] = [folder for folder in folders if not folder.startswith(".") and folder != "__pycache__"]
            for file in names:
                if not file.startswith(".") and not file.endswith((".pyc", "~")):
                    files[Path(directory, file)] = Path(directory, file).read_bytes()
    if (root / "site.json").exists():
        files[root / "site.json"] = (root / "site.json").read_bytes()
    return files


def changes_between(before: dict[Path, bytes], after: dict[Path, bytes]) -> Changes:
    """What the watcher hands the rebuild: each changed file with its new bytes."""
    return Changes({path: data for path, data in after.items() if path in before and before[path] != data},
                   {path: data for path, data in after.items() if path not in before},
                   frozenset(before.keys() - after.keys()))


class Site:
    """A starter site, and the edits the tests make to it, each writing the files as an editor saves them."""

    def __init__(self, root: Path):
        self.root = root.resolve()

    @classmethod
    def new(cls, root: Path, template: str | None = SITE_TEMPLATES[0], helper: bool = True) -> Site:
        code, printed = run_cli("new", str(root))
        assert code == 0, printed
        site = cls(root)
        if template is not None:
            site.write(SITE_TEMPLATE, template)
        if helper:
            site.write(HELPER, f"WORDS = {HELPER_WORDS[0]!r}\n")
            chart = site.read(CHART)
            assert "def chart(store" in chart and f"{CAPTIONS[0]}\"" in chart, "the starter's chart changed"
            chart = chart.replace("\n\ndef chart(store", f"{CHART_HELPER_LOADER}\n\ndef chart(store", 1)
            site.write(CHART, chart.replace(f'{CAPTIONS[0]}"', f'{CAPTIONS[0]} " + helper_words()', 1))
        return site

    def path(self, name: str) -> Path:
        return self.root / name

    def read(self, name: str) -> str:
        return self.path(name).read_text(encoding="utf-8")

    def write(self, name: str, text: str | None) -> None:
        """Write the file (None: delete it)."""
        path = self.path(name)
        if text is None:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def edit_json(self, name: str, change) -> None:
        value = json.loads(self.read(name))
        change(value)
        self.write(name, json.dumps(value, indent=2, ensure_ascii=False) + "\n")

    def fact(self, data: dict, fact_id: str) -> dict:
        return next(fact for fact in data["facts"] if fact["id"] == fact_id)

    def set_fact(self, fact_id: str, **fields) -> None:
        self.edit_json(FACTS, lambda data: self.fact(data, fact_id).update(fields))

    def add_survey(self) -> None:
        """A second source, which the home page does not cite, that states card-holders too."""
        source = json.loads(self.read(SOURCE))
        value = self.fact(json.loads(self.read(FACTS)), "card-holders")["value"]
        source.update(id="library-survey", title="Example Town library card survey (an invented example)",
                      excerpts=[{"id": "cards", "text": f"About {value:,} residents hold a library card."}])
        self.write(SURVEY, json.dumps(source, indent=2) + "\n")

    def _reword(self, source: str, excerpt: str, value: int) -> None:
        def reword(data):
            quoted = next(item for item in data["excerpts"] if item["id"] == excerpt)
            before, _, after = quoted["text"].partition("About ")
            quoted["text"] = f"{before}About {value:,} {after.split(' ', 1)[1]}"

        self.edit_json(source, reword)
        self.keep_snapshot()

    def keep_snapshot(self, retrieved: str | None = None, extra: str | None = None, tampered: bool = False) -> None:
        """The source's snapshot written again from its excerpts as they are now (so edits of their words stay
        valid), with its hash; a retrieval date or more words of the page when given. tampered: the body
        edited after its hash was taken (the build fails)."""
        if not self.path(SNAPSHOT).exists() and retrieved is None:
            return
        header, _, body = self.read(SNAPSHOT).partition("\n\n") if self.path(SNAPSHOT).exists() else ("", "", "")
        retrieved = retrieved or re.search(r"^retrieved: (.*)$", header, re.MULTILINE).group(1)
        if extra is None:
            extra = next((line for line in body.split("\n") if line in SNAPSHOT_EXTRAS), "")
        words = []
        for item in json.loads(self.read(SOURCE))["excerpts"]:
            table = item.get("table")
            words += [item["text"]] if "text" in item else [" | ".join(row) for row in (table["header"], *table["rows"])]
        body = "\n\n".join([*words, extra]) + "\n"
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
        self.write(SNAPSHOT, f"address: https://example.org/library/report-2024\nretrieved: {retrieved}\n"
                             f"kept from: written by the test\nsha256: {digest}\n\n"
                             + (body + "Edited after the hash was taken.\n" if tampered else body))

    def set_card_holders(self, value: int) -> None:
        """The fact's value, and the words of the excerpt it quotes, so the site stays valid."""
        fact = self.fact(json.loads(self.read(FACTS)), "card-holders")
        self._reword(f"data/sources/{fact['source']}.json", fact["excerpt"], value)
        self.set_fact("card-holders", value=value, highlight=f"{value:,}")

    def quote_card_holders_from(self, source_id: str) -> None:
        """card-holders quoted from another source (its words made to state the fact's value first)."""
        value = self.fact(json.loads(self.read(FACTS)), "card-holders")["value"]
        excerpt = QUOTED_IN[source_id]
        self._reword(f"data/sources/{source_id}.json", excerpt, value)
        self.set_fact("card-holders", source=source_id, excerpt=excerpt)

    def set_loans_2022(self, value: int) -> None:
        """A series cell, and the cell of the source's table that states it."""
        def in_series(data):
            next(row for row in data["rows"] if row["year"] == "2022")["loans"] = value

        def in_source(data):
            table = next(item for item in data["excerpts"] if item["id"] == "loans-table")["table"]
            table["rows"][0][table["header"].index("2022")] = f"{value:,}"

        self.edit_json(SERIES, in_series)
        self.edit_json(SOURCE, in_source)
        self.keep_snapshot()

    def page(self, slug: str) -> tuple[dict[str, str], str]:
        """A content file's front matter (as ordered key → text) and body."""
        _, front, body = self.read(f"content/{slug}.md").split("---\n", 2)
        return dict(line.split(": ", 1) for line in front.splitlines()), body

    def write_page(self, slug: str, front: dict[str, str], body: str) -> None:
        self.write(f"content/{slug}.md", "---\n" + "".join(f"{key}: {value}\n" for key, value in front.items())
                   + "---\n" + body)

    def set_front(self, slug: str, key: str, value: str) -> None:
        front, body = self.page(slug)
        front[key] = value
        self.write_page(slug, front, body)

    def edit_body(self, slug: str, old: str, new: str) -> None:
        front, body = self.page(slug)
        assert old in body, f"{old!r} is not in content/{slug}.md"
        self.write_page(slug, front, body.replace(old, new, 1))


# ---------------------------------------------------------------------------------------------------------------
# The state machine.


class IncrementalEqualsClean(RuleBasedStateMachine):
    """Edits a starter site; after every step, each incremental build equals a clean one."""

    def __init__(self):
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="incremental-"))
        self.site = Site.new(self.folder / "site")
        self.site.add_survey()
        self.site.keep_snapshot(retrieved=RETRIEVED[0])
        self.root = self.site.root
        self.out_incremental = self.folder / "out-incremental"  # kept across steps, as ROOT/site is
        self.out_clean = self.folder / "out-clean"  # made afresh at every step
        self.bodies = {"index": self.site.page("index")[1], "loans": self.site.page("loans")[1]}
        self.steps: list[str] = []
        self.options: tuple[str, ...] = ()
        self.rebuilder = Rebuilder(self.root, strict=False)
        self.seen = watched(self.root)
        first = self.rebuilder.rebuild(None)
        if first.files is None:
            self.teardown()
            raise AssertionError([problem.format() for problem in first.problems])

    def teardown(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def step(self, description: str) -> None:
        self.steps.append(description)

    @property
    def history(self) -> str:
        if not self.steps:
            return "at the first build"
        earlier = f"\n(earlier steps: {' → '.join(self.steps[:-1])})" if len(self.steps) > 1 else ""
        return f"after step {len(self.steps)}, {self.steps[-1]}{earlier}"

    # The edits. ------------------------------------------------------------------------------------------------

    @rule(value=st.sampled_from(CARD_HOLDERS))
    def fact_value(self, value):
        self.site.set_card_holders(value)
        self.step(f"card-holders = {value} (and its excerpt)")

    @rule(source=st.sampled_from(sorted(QUOTED_IN)))
    def fact_source(self, source):
        self.site.quote_card_holders_from(source)
        self.step(f"card-holders quoted from {source}")

    @rule(fact=st.sampled_from(["card-holders", "loans-2024", "loans-growth", "loans-2023"]),
          label=st.sampled_from(LABELS))
    def fact_label(self, fact, label):
        self.site.set_fact(fact, label=label)
        self.step(f"{fact}.label = {label!r}")

    @rule(note=st.sampled_from(NOTES))
    def fact_note(self, note):
        self.site.set_fact("card-holders", note=note)
        self.step(f"card-holders.note = {note!r}")

    @rule(value=st.sampled_from(LOANS_2022))
    def series_cell(self, value):
        self.site.set_loans_2022(value)
        self.step(f"series loans-by-year 2022 = {value} (and its table cell)")

    @rule(title=st.sampled_from(SOURCE_TITLES))
    def source_title(self, title):
        self.site.edit_json(SOURCE, lambda data: data.update(title=title))
        self.step(f"source title = {title!r}")

    @rule(retrieved=st.sampled_from(RETRIEVED), extra=st.sampled_from(SNAPSHOT_EXTRAS))
    def snapshot(self, retrieved, extra):
        self.site.keep_snapshot(retrieved, extra)
        self.step(f"snapshot retrieved {retrieved}, body + {extra!r}")

    @rule()
    def snapshot_tampered(self):
        self.site.keep_snapshot(tampered=True)  # the build fails; the next snapshot or excerpt edit mends it
        self.step("snapshot body edited after its hash was taken")

    @rule(next_update=st.sampled_from(NEXT_UPDATES))
    def next_update(self, next_update):
        self.site.edit_json(SOURCE, lambda data: data.pop("next_update", None) if next_update is None
                            else data.update(next_update=next_update))
        self.step(f"source next_update = {next_update!r}")

    @rule(slug=st.sampled_from(["index", "loans"]), addition=st.sampled_from(BODY_ADDITIONS))
    def markdown_body(self, slug, addition):
        front, _ = self.site.page(slug)
        self.site.write_page(slug, front, self.bodies[slug] + (f"\n{addition}\n" if addition else ""))
        self.step(f"{slug}.md body + {addition!r}")

    @rule(slug=st.sampled_from(["index", "loans"]), title=st.sampled_from(TITLES))
    def front_matter_title(self, slug, title):
        self.site.set_front(slug, "title", title)
        self.step(f"{slug}.md title = {title!r}")

    @rule(slug=st.sampled_from(["index", "loans"]), order=st.integers(0, 3))
    def front_matter_order(self, slug, order):
        self.site.set_front(slug, "order", str(order))
        self.step(f"{slug}.md order = {order}")

    @rule(title=st.sampled_from(SITE_TITLES))
    def site_title(self, title):
        self.site.edit_json("site.json", lambda data: data.update(title=title))
        self.step(f"site.json title = {title!r}")

    @rule(url=st.sampled_from(SITE_URLS))
    def site_url(self, url):
        self.site.edit_json("site.json", lambda data: data.update(url=url) if url else data.pop("url", None))
        self.step(f"site.json url = {url!r}")

    @rule(variant=st.integers(0, len(SITE_TEMPLATES) - 1))
    def site_template(self, variant):
        self.site.write(SITE_TEMPLATE, SITE_TEMPLATES[variant])
        self.step(f"templates/base.html = variant {variant}")

    @rule(variant=st.integers(0, len(OVERRIDES) - 1))
    def overridden_template(self, variant):
        self.site.write(OVERRIDDEN, OVERRIDES[variant])
        self.step(f"{OVERRIDDEN} = {'the default' if OVERRIDES[variant] is None else f'variant {variant}'}")

    @rule(variant=st.integers(0, len(STYLES) - 1))
    def asset(self, variant):
        self.site.write(SITE_CSS, STYLES[variant])
        self.step(f"{SITE_CSS} = {'none' if STYLES[variant] is None else f'variant {variant}'}")

    @rule(caption=st.sampled_from(CAPTIONS))
    def chart_module(self, caption):
        text = self.site.read(CHART)
        current = next(c for c in CAPTIONS if f'{c} " + helper_words()' in text)
        self.site.write(CHART, text.replace(f'{current} "', f'{caption} "', 1))
        self.step(f"{CHART} caption = {caption!r}")

    @rule(words=st.sampled_from(HELPER_WORDS))
    def chart_helper(self, words):
        self.site.write(HELPER, f"WORDS = {words!r}\n")
        self.step(f"{HELPER} WORDS = {words!r}")

    @precondition(lambda self: not self.site.path(EXTRA_PAGE).exists())
    @rule(title=st.sampled_from(TITLES), order=st.integers(0, 3), addition=st.sampled_from(BODY_ADDITIONS))
    def add_page(self, title, order, addition):
        self.site.write_page("extra", {"title": title, "order": str(order)},
                             f"A page added by the test.\n\n{addition}\n")
        self.step(f"content/extra.md added (title {title!r}, order {order}, {addition!r})")

    @precondition(lambda self: self.site.path(EXTRA_PAGE).exists())
    @rule()
    def remove_page(self):
        self.site.write(EXTRA_PAGE, None)
        self.step("content/extra.md removed")

    @rule(options=st.sampled_from(OPTIONS))
    def build_options(self, options):
        """The command line's options (the preview has none of these): both builds take the same."""
        self.options = options
        self.step(f"python build.py {' '.join(options) or '(no options)'}")

    # After every step. -----------------------------------------------------------------------------------------

    @invariant()
    def builds_equal_clean_builds(self):
        failures = self.compare()
        assert not failures, "\n\n".join(failures)

    def compare(self) -> list[str]:
        """Both comparisons, the command line's and the preview's, each run even when the other failed: what
        each found wrong (the assertion's message, without pytest's repr of the two trees)."""
        failures = []
        for check in (self.cli_incremental_equals_no_cache, self.preview_rebuild_equals_clean_build):
            try:
                check()
            except AssertionError as error:
                failures.append(f"[{check.__name__}] {str(error).split(chr(10) + 'assert ')[0]}")
        return failures

    def forget_what_was_kept(self) -> None:
        """Start the incremental builds afresh (a new ROOT/.cache/, output folder and preview), so that the next
        step is judged on its own edit rather than on what an earlier step left stale."""
        self.steps.append("[what the builds kept dropped]")
        shutil.rmtree(self.root / ".cache", ignore_errors=True)
        shutil.rmtree(self.out_incremental, ignore_errors=True)
        self.rebuilder = Rebuilder(self.root, strict=False)
        self.rebuilder.rebuild(None)
        self.seen = watched(self.root)

    def cli_incremental_equals_no_cache(self):
        before = tree(self.out_incremental) if self.out_incremental.exists() else None
        code, printed = run_cli("--root", str(self.root), "--out", str(self.out_incremental), *self.options)
        clean_code, clean_printed, clean = clean_cli_build(self.root, self.out_clean, *self.options)
        assert code == clean_code, (f"{self.history}\n`python build.py` exited {code}, `--no-cache` {clean_code}\n"
                                    f"incremental:\n{printed}\nclean:\n{clean_printed}")
        if code != 0:  # both failed: the last good site stays exactly as it was, and no new one was written
            assert (tree(self.out_incremental) if self.out_incremental.exists() else None) == before, \
                f"{self.history}\na failed build changed the output folder"
            assert not clean, f"{self.history}\na failed --no-cache build wrote {sorted(clean or {})}"
            return
        incremental = tree(self.out_incremental)
        assert incremental == clean, (f"{self.history}\n`python build.py` (incremental) differs from "
                                      f"`python build.py --no-cache`: {describe(incremental, clean)}\n{printed}")

    def preview_rebuild_equals_clean_build(self):
        now = watched(self.root)
        changes, self.seen = changes_between(self.seen, now), now
        outcome = self.rebuilder.rebuild(changes)
        clean, problems = clean_preview_build(self.root)
        assert (outcome.files is None) == (clean is None), (
            f"{self.history}\nthe preview's rebuild {'failed' if outcome.files is None else 'succeeded'}, a "
            f"clean build {'failed' if clean is None else 'succeeded'}\npreview: "
            f"{[problem.format() for problem in outcome.problems]}\nclean: {problems}")
        if clean is not None:
            assert outcome.files == clean, (f"{self.history}\nthe preview's rebuild differs from a clean "
                                            f"pipeline.build(): {describe(outcome.files, clean)}")


# About six sites of eight edits each: a few minutes on a 2-core machine. Shrinking is off: it would rebuild a
# site hundreds of times, and the failure message already names each step and every differing file.
IncrementalEqualsClean.TestCase.settings = settings(
    max_examples=6, stateful_step_count=8, deadline=None, database=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=(HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large))
TestIncrementalEqualsClean = IncrementalEqualsClean.TestCase


def test_every_kind_of_edit_in_one_sequence():
    """Each edit the state machine knows, once, in a fixed order: hypothesis draws at random, so this makes
    sure every kind of input is edited on every run. Every step is judged: after one whose incremental build
    differs, what was kept is dropped, so the next step shows what its own edit does; all are reported."""
    machine = IncrementalEqualsClean()
    failures = []
    try:
        failures += machine.compare()
        for edit, arguments in [
            (machine.fact_label, {"fact": "card-holders", "label": LABELS[1]}),
            (machine.fact_value, {"value": 3300}),
            (machine.fact_source, {"source": "library-survey"}),
            (machine.fact_value, {"value": 3450}),
            (machine.fact_note, {"note": NOTES[1]}),
            (machine.series_cell, {"value": LOANS_2022[1]}),
            (machine.source_title, {"title": SOURCE_TITLES[1]}),
            (machine.snapshot, {"retrieved": RETRIEVED[1], "extra": SNAPSHOT_EXTRAS[1]}),
            (machine.next_update, {"next_update": NEXT_UPDATES[1]}),
            (machine.snapshot_tampered, {}),  # fails
            (machine.snapshot, {"retrieved": RETRIEVED[2], "extra": SNAPSHOT_EXTRAS[2]}),  # mended
            (machine.next_update, {"next_update": NEXT_UPDATES[2]}),
            (machine.next_update, {"next_update": NEXT_UPDATES[0]}),
            (machine.markdown_body, {"slug": "loans", "addition": BODY_ADDITIONS[1]}),
            (machine.front_matter_title, {"slug": "loans", "title": TITLES[1]}),
            (machine.front_matter_order, {"slug": "loans", "order": 3}),
            (machine.site_title, {"title": SITE_TITLES[1]}),
            (machine.site_url, {"url": SITE_URLS[1]}),  # no url: a warning, and --strict below fails
            (machine.site_url, {"url": SITE_URLS[2]}),
            (machine.site_template, {"variant": 1}),
            (machine.overridden_template, {"variant": 1}),
            (machine.asset, {"variant": 1}),
            (machine.chart_module, {"caption": CAPTIONS[1]}),
            (machine.chart_helper, {"words": HELPER_WORDS[1]}),
            (machine.add_page, {"title": TITLES[3], "order": 1, "addition": BODY_ADDITIONS[2]}),
            (machine.markdown_body, {"slug": "index", "addition": BODY_ADDITIONS[5]}),  # fails
            (machine.markdown_body, {"slug": "index", "addition": BODY_ADDITIONS[4]}),  # fixed: a chart on it
            (machine.remove_page, {}),
            (machine.build_options, {"options": OPTIONS[1]}),
            (machine.fact_label, {"fact": "loans-2024", "label": LABELS[2]}),
            (machine.build_options, {"options": OPTIONS[2]}),
            (machine.build_options, {"options": OPTIONS[0]}),
        ]:
            edit(**arguments)
            found = machine.compare()
            if found:
                failures += found
                machine.forget_what_was_kept()
    finally:
        machine.teardown()
    assert not failures, f"{len(failures)} step(s) differ from a clean build:\n\n" + "\n\n".join(failures)


# ---------------------------------------------------------------------------------------------------------------
# The reproductions of issue 17, each built incrementally by `python build.py` (its cache in ROOT/.cache/) and by
# the preview (its cache in memory).


class Builder:
    """Builds a site again and again with what earlier builds kept: the command line's or the preview's."""

    def __init__(self, site: Site, mode: str):
        self.site, self.mode = site, mode
        self.out = site.root.parent / "out"
        if mode == "preview":
            self.rebuilder = Rebuilder(site.root, strict=False)
            self.seen: dict[Path, bytes] = {}

    def build(self) -> dict[str, bytes]:
        if self.mode == "cli":
            code, printed = run_cli("--root", str(self.site.root), "--out", str(self.out))
            assert code == 0, printed
            return tree(self.out)
        now = watched(self.site.root)
        outcome = self.rebuilder.rebuild(changes_between(self.seen, now) if self.seen else None)
        self.seen = now
        assert outcome.files is not None, [problem.format() for problem in outcome.problems]
        return outcome.files

    def clean(self) -> dict[str, bytes]:
        if self.mode == "cli":
            code, printed, files = clean_cli_build(self.site.root, self.site.root.parent / "clean")
            assert code == 0, printed
            return files
        files, problems = clean_preview_build(self.site.root)
        assert files is not None, problems
        return files


MODES = pytest.mark.parametrize("mode", ["cli", "preview"])


def card_holders_meta(files: dict[str, bytes], page: str) -> str:
    text = files[page].decode("utf-8")
    start = text.index('<meta name="x-card-holders" content="') + len('<meta name="x-card-holders" content="')
    return text[start:text.index('"', start)]


@MODES
@pytest.mark.parametrize("quoted_from", ["the home page's source", "a source of its own"])
def test_a_site_template_shows_a_fact_s_new_value(tmp_path, mode, quoted_from):
    """Issue 17, "A stale figure": templates/base.html prints site.store.facts['card-holders'].display; the
    value goes from 3,200 to 3,300 (its excerpt with it, so the site stays valid)."""
    site = Site.new(tmp_path / "site", helper=False)
    if quoted_from == "a source of its own":  # which loans.md cites, and index.md does not
        site.add_survey()
        site.quote_card_holders_from("library-survey")
    site.set_card_holders(3200)
    builder = Builder(site, mode)
    first = builder.build()
    assert card_holders_meta(first, "index.html").startswith("about 3,200")
    site.set_card_holders(3300)
    files, clean = builder.build(), builder.clean()
    pages = ("index.html", "loans.html", "sources.html")
    assert all(card_holders_meta(clean, page).startswith("about 3,300") for page in pages)  # the test is right
    shown = {page: card_holders_meta(files, page) for page in pages}
    assert all(text.startswith("about 3,300") for text in shown.values()), \
        f"stale figure: {shown}\n{describe(files, clean)}"
    assert files == clean, describe(files, clean)


@MODES
def test_a_site_template_shows_a_fact_s_new_label(tmp_path, mode):
    """Issue 17: "Changing only the fact's label does the same"."""
    site = Site.new(tmp_path / "site", helper=False)
    builder = Builder(site, mode)
    builder.build()
    site.set_fact("card-holders", label="Card holders in the town")
    files, clean = builder.build(), builder.clean()
    pages = ("index.html", "loans.html", "sources.html")
    assert all(card_holders_meta(clean, page).endswith("· Card holders in the town") for page in pages)
    shown = {page: card_holders_meta(files, page) for page in pages}
    assert all(text.endswith("· Card holders in the town") for text in shown.values()), \
        f"stale label: {shown}\n{describe(files, clean)}"
    assert files == clean, describe(files, clean)


FEED_TEMPLATE = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
                 '<title>{{ site.settings.title }}</title>\n'
                 '{% for p in site.pages %}<entry><title>{{ p.title }}</title>'
                 '<content type="html">{{ p.html }}</content></entry>\n{% endfor %}</feed>\n')


@pytest.fixture
def feed_in_the_outputs_table(monkeypatch):
    """One more entry in the outputs table (explainer/render/layout.py), wherever the engine holds the table."""
    table = outputs_table.OUTPUTS
    extended = (*table, outputs_table.Output("feed.xml", "feed.xml", listed=False))
    for name, module in list(sys.modules.items()):
        if (name == explainer.__name__ or name.startswith(f"{explainer.__name__}.")) \
                and getattr(module, "OUTPUTS", None) is table:
            monkeypatch.setattr(module, "OUTPUTS", extended)
    return extended


@MODES
def test_an_output_that_lists_each_page_s_html_follows_a_page_edit(tmp_path, mode, feed_in_the_outputs_table):
    """Issue 17, "A stale output": a feed, one entry in the outputs table and its template, keeps the old text
    after a page edit."""
    site = Site.new(tmp_path / "site", helper=False)
    site.write("templates/feed.xml", FEED_TEMPLATE)
    builder = Builder(site, mode)
    first = builder.build()
    assert "feed.xml" in first, "the entry added to the outputs table was not rendered: where is the table now?"
    assert b"The library lent" in first["feed.xml"]
    site.edit_body("loans", "The library lent", "The town library lent")
    files, clean = builder.build(), builder.clean()
    assert b"The town library lent" in clean["feed.xml"]  # the test is right
    assert b"The town library lent" in files["loans.html"]
    assert b"The town library lent" in files["feed.xml"], f"stale feed.xml\n{describe(files, clean)}"
    assert files == clean, describe(files, clean)


@MODES
def test_a_chart_helper_in_a_subfolder_is_followed(tmp_path, mode):
    """Issue 17: charts/_lib/words.py, loaded by charts/loans.py, is edited: the chart must show the new words."""
    site = Site.new(tmp_path / "site", template=None)
    builder = Builder(site, mode)
    first = builder.build()
    assert HELPER_WORDS[0].encode() in first["loans.html"]
    site.write(HELPER, f"WORDS = {HELPER_WORDS[2]!r}\n")
    files, clean = builder.build(), builder.clean()
    assert HELPER_WORDS[2].encode() in clean["loans.html"]  # the test is right
    assert HELPER_WORDS[2].encode() in files["loans.html"], \
        f"the chart still shows the helper's old words\n{describe(files, clean)}"
    assert files == clean, describe(files, clean)
