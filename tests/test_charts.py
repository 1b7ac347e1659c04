"""Charts: each chart module plots what the fact store says, and the build turns it into a safe, cached figure."""
from __future__ import annotations

import json
import posixpath
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import PROJECT, SITES
from explainer.charts.figure import script_json
from explainer.charts.modules import find_chart_files, run_chart_module
from explainer.charts.svg import normalise_ids
from explainer.charts.spec import chart_spec
from explainer.store.loading import load_fact_store
from explainer.site_folder.inputs import read_inputs
from explainer.publish.site_writer import write_site
from explainer.pipeline import build

REQUIRED = {"arrivals", "women_share", "elite_defectors", "public_sector"}


def clean_store(root: Path):
    """The fact store of a site folder, or None if it does not load without errors."""
    inputs, problems = read_inputs(root)
    if problems:
        return None
    store, problems = load_fact_store(inputs.data, inputs.settings.language)
    return None if any(p.severity == "error" for p in problems) else store


@pytest.fixture(scope="module")
def store():
    """The project's own fact store while it loads cleanly; otherwise (its data/ may be mid-migration) the
    charts fixture site's, which has every figure the project's chart modules read."""
    found = clean_store(PROJECT) or clean_store(SITES / "charts")
    assert found is not None, "the charts fixture site's data/ does not load"
    return found


def made(name: str, store) -> tuple:
    """The project's chart module `name`, run against the store: its definition and its spec."""
    module, problems = run_chart_module(name, PROJECT / "charts" / f"{name}.py", store)
    assert not problems, [p.format() for p in problems]
    spec, problems = chart_spec(module)
    assert spec is not None and not problems, [p.format() for p in problems]
    return module.definition, spec


def plotted(spec: dict) -> list[dict]:
    return spec["datasets"]["rows"]


_warmed = []


def copy_site(tmp_path: Path, warm: bool = True) -> Path:
    """A copy of the charts fixture site; warm: with its chart cache, so only what a test changes renders."""
    root = tmp_path / "site"
    source = SITES / "charts"
    if warm and not _warmed:  # bring the fixture's own cache (git-ignored) up to date with the chart modules
        build(read_inputs(source)[0])
        _warmed.append(True)
    shutil.copytree(source, root, ignore=None if warm else shutil.ignore_patterns(".cache"))
    return root


def built(root: Path):
    inputs, problems = read_inputs(root)
    assert not problems
    return build(inputs)


# --- each chart module plots the fact store ---------------------------------------------------------------

def test_the_project_has_every_required_chart():
    assert REQUIRED <= set(find_chart_files((PROJECT / "charts",)))


def test_arrivals_plots_every_year_of_the_series(store):
    definition, spec = made("arrivals", store)
    series = store.series["arrivals-by-year"]
    expected = [{"period": row.values["period"], "total": row.values["total"]} for row in series.rows
                if str(row.values["period"]).isdigit()]
    assert plotted(spec) == expected == list(definition.rows)
    assert (expected[0]["period"], expected[-1]["period"]) == ("1998", "2025")
    peak = max(expected, key=lambda row: row["total"])
    assert f"{peak['total']:,} in {peak['period']}" in definition.alt
    assert definition.cites == ("arrivals-by-year",)


def test_women_share_is_computed_from_the_counts_and_agrees_with_the_published_shares(store):
    definition, spec = made("women_share", store)
    series = store.series["arrivals-by-year"]
    counted = [row.values for row in series.rows if row.values["women"] is not None]
    assert [row["period"] for row in plotted(spec)] == [values["period"] for values in counted]
    for row, values in zip(plotted(spec), counted):
        assert (row["women"], row["total"]) == (values["women"], values["total"])
        assert row["share"] == round(values["women"] / values["total"] * 100, 1)
        published = store.facts.get(f"women-share-{row['period']}")
        if published is not None:  # the ministry's own table, and the research desk's derived shares
            assert abs(published.value - row["share"]) <= 0.05, row
    assert plotted(spec)[0]["period"] == "2002" and plotted(spec)[-1]["period"] == "2025"
    assert "computed" in definition.note and "Ministry of Unification" in definition.note


def test_elite_defectors_plots_the_counts_and_shares_of_both_periods(store):
    definition, spec = made("elite_defectors", store)
    facts = store.facts
    before, after = plotted(spec)
    # Each period is named by the dates its count covers, not by an era: no "era" column.
    assert set(before) == set(after) == {"period", "elite", "all_defectors", "share"}
    assert [column.name for column in definition.columns] == ["period", "elite", "all_defectors", "share"]
    assert (before["period"], after["period"]) == (facts["elite-before-kji-death"].as_of.label,
                                                   facts["elite-after-kji-death"].as_of.label)
    assert before["period"] != after["period"] and before["period"] in definition.alt
    assert (before["elite"], before["share"], before["all_defectors"]) == (
        facts["elite-before-kji-death"].value, facts["elite-share-kji"].value, facts["elite-denominator-kji"].value)
    assert (after["elite"], after["share"], after["all_defectors"]) == (
        facts["elite-after-kji-death"].value, facts["elite-share-kju"].value, facts["elite-denominator-kju"].value)
    assert set(definition.cites) >= {"elite-before-kji-death", "elite-after-kji-death", "elite-share-kji",
                                     "elite-share-kju"}
    assert "vconcat" in spec and all(view["width"] == "container" for view in spec["vconcat"])


def test_public_sector_plots_both_totals_and_the_breakdown(store):
    definition, spec = made("public_sector", store)
    facts = store.facts
    rows = plotted(spec)
    by_year: dict[str, int] = {}
    for row in rows:
        by_year[row["year_end"]] = by_year.get(row["year_end"], 0) + row["people"]
    assert list(by_year.values()) == [facts["public-sector-end-2023"].value, facts["public-sector-end-2024"].value]
    assert [row["people"] for row in rows[1:]] == [facts[f"public-sector-{kind}-2024"].value
                                                    for kind in ("central", "local", "admin")]


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_every_cited_fact_is_plotted_and_the_spec_is_responsive_and_themed(name, store):
    definition, spec = made(name, store)
    values = {value for row in plotted(spec) for value in row.values()}
    totals: dict[tuple, float] = {}  # a cited total may be plotted as its parts: sums per first column
    for row in plotted(spec):
        first, *numbers = [(key, value) for key, value in row.items()]
        for key, value in numbers:
            if isinstance(value, (int, float)):
                totals[first[1], key] = totals.get((first[1], key), 0) + value
    values |= set(totals.values())
    for cited in definition.cites:
        if cited in store.facts:
            assert store.facts[cited].value in values, cited
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert spec["description"] == definition.alt
    assert spec["config"]["background"] != spec["usermeta"]["darkConfig"]["background"]
    assert set(spec["config"]) == set(spec["usermeta"]["darkConfig"])  # one scheme can replace the other
    assert definition.title and definition.caption and len(definition.alt) > 80


# --- the figure in the page -------------------------------------------------------------------------------

class FigureParser(HTMLParser):
    """The chart figures of a page: their spec scripts' text, image sources and links."""

    def __init__(self):
        super().__init__()
        self.scripts: list[str] = []
        self.links: list[str] = []
        self._in_spec = False

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        self._in_spec = tag == "script" and attributes.get("class") == "chart-spec"
        if self._in_spec:
            self.scripts.append("")
        for name in ("href", "src", "srcset"):
            if name in attributes:
                self.links.append(attributes[name])

    def handle_endtag(self, tag):
        self._in_spec = False

    def handle_data(self, data):
        if self._in_spec:
            self.scripts[-1] += data


def parse(html: bytes) -> FigureParser:
    parser = FigureParser()
    parser.feed(html.decode("utf-8"))
    return parser


def test_script_json_escapes_everything_that_could_end_the_script():
    hostile = {"label": "</script><script>alert(1)</script><!-- & \u2028\u2029 >"}
    text = str(script_json(hostile))
    assert not re.search("[<>&\u2028\u2029]", text)
    assert json.loads(text) == hostile


def test_a_script_tag_in_the_data_cannot_break_out_of_the_page(tmp_path):
    root = copy_site(tmp_path)
    (root / "charts").mkdir()
    (root / "charts" / "hostile.py").write_text('''
import altair as alt
from explainer.charts import ROWS, ChartColumn, ChartDefinition

LABEL = "</script><script>alert(1)</script><!-- \\u2028 & </SCRIPT >"

def chart(store):
    return ChartDefinition(title="A </script> title", caption="Caption", alt="A bar <b>chart</b> of one row.",
                           cites=("arrivals-by-year",), columns=(ChartColumn("name", "Name"),
                           ChartColumn("value", "Value", "people")), rows=({"name": LABEL, "value": 1},),
                           chart=alt.Chart(ROWS).mark_bar().encode(x="value:Q", y="name:N"))
''', encoding="utf-8")
    page = root / "content" / "plain.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n{{chart:hostile}}\n", encoding="utf-8")
    result = built(root)
    assert not result.failed(strict=False), [p.format() for p in result.problems]
    html = result.files["plain.html"]
    figure = parse(html)
    assert len(figure.scripts) == 1
    assert json.loads(figure.scripts[0])["datasets"]["rows"][0]["name"].startswith("</script><script>")
    # The header's search.js, the spec, the cards' facts.js and charts.js (which loads the runtime the
    # figure names in data-runtime, on demand): nothing injected.
    assert re.findall(rb"<script[^>]*>", html) == [
        b'<script src="assets/search.js" defer>', b'<script type="application/json" class="chart-spec">',
        b'<script src="assets/facts.js" defer>', b'<script src="assets/charts.js" defer>']
    assert re.findall(rb"<figure[^>]*>", html) == [
        b'<figure class="chart" id="chart-hostile" data-runtime="assets/vendor/vega-embed.js">']
    assert b"<b>chart</b>" not in html and b"A &lt;/script&gt; title" in html
    rows = json.loads(result.files["charts/hostile.json"])["rows"]
    assert rows == [{"name": "</script><script>alert(1)</script><!-- \u2028 & </SCRIPT >", "value": 1}]


def test_each_figure_has_pictures_table_source_line_and_downloads_of_exactly_the_plotted_rows(tmp_path):
    result = built(copy_site(tmp_path))
    assert not result.failed(strict=False), [p.format() for p in result.problems]
    html = result.files["index.html"].decode("utf-8") + result.files["people.html"].decode("utf-8")
    for name in REQUIRED:
        figure = html[html.index(f'<figure class="chart" id="chart-{name}" data-runtime="'):]
        figure = figure[:figure.index("</figure>")]
        for picture in (f"charts/{name}.svg", f"charts/{name}-dark.svg", f"charts/{name}-narrow.svg",
                        f"charts/{name}-narrow-dark.svg"):
            assert picture in figure and result.files[picture].startswith(b"<svg")
        assert '<img src="charts/' in figure and ' alt="' in figure
        assert "<details" in figure and "<table" in figure and "<th scope=\"row\">" in figure
        assert re.search(r'Sources?: <a href="sources.html#source-[a-z0-9-]+">', figure)
        assert re.search(r"\. Data as of [^<.]+\.</p>", figure), name
        spec_rows = json.loads(parse(figure.encode()).scripts[0])["datasets"]["rows"]
        assert json.loads(result.files[f"charts/{name}.json"])["rows"] == spec_rows
        csv_lines = result.files[f"charts/{name}.csv"].decode().splitlines()
        assert csv_lines[0].split(",") == list(json.loads(result.files[f"charts/{name}.json"])["rows"][0])
        assert set(csv_lines[0].split(",")) == set(spec_rows[0]) and len(csv_lines) == len(spec_rows) + 1
        for source_id in re.findall(r'href="sources.html#source-([a-z0-9-]+)"', figure):
            assert f'id="source-{source_id}"' in result.files["sources.html"].decode()


def test_links_are_relative_and_the_runtime_loads_only_on_chart_pages(tmp_path):
    result = built(copy_site(tmp_path))
    assert "assets/vendor/vega-embed.js" in result.files and "assets/charts.js" in result.files
    for name in ("index.html", "people.html", "embed/arrivals.html"):
        html = result.files[name].decode("utf-8")
        up = "../" * name.count("/")
        # No page loads the runtime up front: charts.js loads it on first use, from the figure's data-runtime.
        assert f'<script src="{up}assets/charts.js" defer></script>' in html, name
        assert not re.search(r"<script[^>]*vega", html), name
        assert "Content-Security-Policy" in html and "unsafe-eval" not in html
        figures = re.findall(r'<figure class="chart".*?</figure>', html, flags=re.S)
        assert figures, name
        for figure in figures:
            runtime = re.match(r'<figure class="chart" id="chart-[a-z_]+" data-runtime="([^"]+)">', figure)
            assert runtime, figure[:120]
            # The runtime it names, resolved against the page, is the file the build wrote.
            assert posixpath.normpath(posixpath.join(posixpath.dirname(name), runtime[1])) \
                == "assets/vendor/vega-embed.js", (name, runtime[1])
            for link in parse(figure.encode()).links + [runtime[1]]:  # works under any URL prefix, and from disk
                assert not link.startswith("/") and "://" not in link, link
    for name in ("plain.html", "sources.html", "data.html", "corrections.html", "404.html", "search.html"):
        html = result.files[name]
        assert b"Content-Security-Policy" in html  # every page
        # Every page has the header's search script and the cards' script (the Data page also its schema.org
        # Dataset, data that never runs); only chart pages charts.js, and only their figures name the runtime.
        dataset = [b'<script type="application/ld+json">'] if name == "data.html" else []
        assert re.findall(rb"<script[^>]*>", html) == dataset + [b'<script src="assets/search.js" defer>',
                                                                 b'<script src="assets/facts.js" defer>'], name
        assert b"data-runtime" not in html and b"vega-embed" not in html, name


def test_a_site_without_chart_pages_gets_no_runtime_and_no_chart_files(tmp_path):
    result = built(SITES / "tiny")
    assert not any(path.startswith(("charts/", "assets/vendor/")) for path in result.files)
    assert result.charts.total == 0


# --- the cache and identical builds -----------------------------------------------------------------------

def test_a_second_build_renders_nothing_and_a_changed_fact_renders_only_its_chart(tmp_path):
    root = copy_site(tmp_path, warm=False)
    first = built(root)
    assert (first.charts.total, first.charts.rendered, first.charts.cached) == (4, 4, 0)
    second = built(root)
    assert (second.charts.rendered, second.charts.cached) == (0, 4)
    assert second.files == first.files
    facts = root / "data" / "facts" / "charted.json"
    facts.write_text(facts.read_text(encoding="utf-8").replace('"value": 54,', '"value": 55,'), encoding="utf-8")
    third = built(root)
    assert (third.charts.rendered, third.charts.cached) == (1, 3)


def test_two_builds_write_byte_identical_sites_whatever_the_cache_held(tmp_path):
    root = copy_site(tmp_path, warm=False)
    write_site(built(root).files, tmp_path / "cold")
    write_site(built(root).files, tmp_path / "warm")
    def tree(folder: Path) -> dict:
        return {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*") if path.is_file()}

    assert tree(tmp_path / "cold") == tree(tmp_path / "warm")


def test_svg_ids_are_renumbered_per_picture():
    svg = '<svg><clipPath id="clip7"></clipPath><g clip-path="url(#clip7)"></g><clipPath id="clip12"/>' \
          '<g clip-path="url(#clip12)"></g></svg>'
    assert normalise_ids(svg) == ('<svg><clipPath id="clip1"></clipPath><g clip-path="url(#clip1)"></g>'
                                  '<clipPath id="clip2"/><g clip-path="url(#clip2)"></g></svg>')


# --- problems, never tracebacks ---------------------------------------------------------------------------

def test_an_unknown_chart_name_is_reported_at_its_line_and_column(tmp_path):
    root = copy_site(tmp_path)
    page = root / "content" / "plain.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nText.\n\n{{chart:arivals}}\n", encoding="utf-8")
    line = page.read_text(encoding="utf-8").splitlines().index("{{chart:arivals}}") + 1
    problems = [p for p in built(root).problems if p.severity == "error"]
    assert [(p.path.name, p.line, p.col) for p in problems] == [("plain.md", line, 1)]
    assert 'unknown chart "arivals". Did you mean "arrivals"?' in problems[0].message


def write_module(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, line, col, message", [
    ("def chart(store)\n    return 1\n", 1, 17, "syntax error"),
    ("import altair\n\n\ndef chart(store):\n    return 1 / 0\n", 5, 12, "ZeroDivisionError: division by zero"),
    ("VALUE = 1\n", 1, 1, 'no function "chart"'),
    ("from explainer.charts import facts\n\ndef chart(store):\n    (elite,) = facts(store, 'elite-befor-kji-death')\n",
     4, 16, 'the fact store has no fact "elite-befor-kji-death". Did you mean "elite-before-kji-death"?'),
    ("from explainer.charts import series\n\ndef chart(store):\n    return series(store, 'arrivals')\n",
     4, 12, 'no series "arrivals"'),
    ("def chart(store):\n    return store.facts['nope']\n", 2, 12, "KeyError"),
    ("def chart(store):\n    return {}\n", 1, 1, "not a ChartDefinition"),
])
def test_a_failing_chart_module_is_a_problem_at_its_line(tmp_path, store, text, line, col, message):
    path = write_module(tmp_path, "broken", text)
    module, problems = run_chart_module("broken", path, store)
    assert module is None and len(problems) == 1
    problem = problems[0]
    assert (problem.path, problem.line, problem.col) == (path, line, col), problem.format()
    assert message in problem.message


def test_a_chart_with_foreign_data_bad_rows_or_unknown_cites_is_refused(tmp_path):
    header = "import altair as alt\nfrom explainer.charts import ROWS, ChartColumn, ChartDefinition\n\n"
    make = ("def chart(store):\n    return ChartDefinition(title='t', caption='c', alt='a', "
            "cites=('arrivals-by-year',), columns=(ChartColumn('a', 'A'),), rows={rows}, chart={chart})\n")
    cases = {
        "url": make.format(rows="({'a': 1},)", chart="alt.Chart('https://example.org/data.csv').mark_bar()"),
        "inline": make.format(rows="({'a': 1},)", chart="alt.Chart(alt.Data(values=[{'a': 2}])).mark_bar()"),
        "keys": make.format(rows="({'b': 1},)", chart="alt.Chart(ROWS).mark_bar()"),
        "cites": make.format(rows="({'a': 1},)", chart="alt.Chart(ROWS).mark_bar()").replace(
            "'arrivals-by-year'", "'arrival-by-year'"),
    }
    for name, body in cases.items():
        root = copy_site(tmp_path / name)
        write_module(root / "charts", name, header + body)
        page = root / "content" / "plain.md"
        page.write_text(page.read_text(encoding="utf-8") + f"\n{{{{chart:{name}}}}}\n", encoding="utf-8")
        problems = [p for p in built(root).problems if p.severity == "error"]
        assert [p.path.name for p in problems] == [f"{name}.py"], (name, [p.format() for p in problems])
        assert problems[0].line == 4


def test_the_command_line_summary_counts_rendered_and_cached_charts(tmp_path):
    import subprocess
    import sys

    root = copy_site(tmp_path)
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "--root", str(root), "--out",
                             str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    # (the fixture gives no url: its one warning says so, and is counted after the charts)
    assert re.search(r", 4 charts \(0 rendered, 4 cached\)(, 1 warning\(s\))? in \d+\.\d\d s", result.stdout), result.stdout


def test_a_static_pictures_spec_leaves_the_pages_spec_as_it_was():
    """static_spec shares the spec's data and configs rather than copying them: it must change nothing in place."""
    import copy

    from explainer.charts.spec import static_spec

    spec = {"vconcat": [{"mark": "bar", "width": "container"}, {"mark": "line", "width": "container"}],
            "datasets": {"rows": [{"year": 2021, "people": 63}]}, "config": {"background": "#fdfcfa"},
            "usermeta": {"darkConfig": {"background": "#1d1f24"}}}
    before = copy.deepcopy(spec)
    assert static_spec(spec, "dark", 328) == {
        "vconcat": [{"mark": "bar", "width": 328}, {"mark": "line", "width": 328}],
        "datasets": {"rows": [{"year": 2021, "people": 63}]}, "config": {"background": "#1d1f24"}}
    single = {"mark": "bar", "width": "container", "config": {"background": "#fdfcfa"}, "usermeta": {}}
    assert static_spec(single, "light", 640) == {"mark": "bar", "width": 640, "config": {"background": "#fdfcfa"}}
    assert spec == before and single["width"] == "container"
