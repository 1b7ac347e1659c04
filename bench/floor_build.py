"""The floor that bench/compare_generators.py measures every build against: the least a Python site generator does.

    python bench/floor_build.py SOURCE OUT

SOURCE holds one Markdown file per page (compare_generators.py writes them: the corpus with its facts and
citations already plain text), each starting with a front matter of `title:` and `summary:` lines between `---`
lines. One process, one loop: each page is converted by one Python-Markdown instance (reset between pages) with
the extensions our build uses (explainer/prose/markdown_pool.py make_markdown: tables, footnotes, toc to depth
2-3, sane_lists; ours adds its facts extension, which has nothing to do on plain text), put through one Jinja2
template (title, table of contents, content; the home page also lists every page) and written to
OUT/NAME/index.html (OUT/index.html for the home page) before the next page is read. Nothing else: no cache,
no search index, no share images, no checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

import jinja2
from markdown import Markdown

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<header><a href="/">Home</a></header>
<main>
<h1>{{ title }}</h1>
<nav>{{ toc | safe }}</nav>
{{ content | safe }}
{% if pages %}<ul>{% for page in pages %}
<li><a href="/{{ page.name }}/">{{ page.title }}</a></li>{% endfor %}</ul>{% endif %}
</main>
</body>
</html>
"""


def front_matter(text: str) -> tuple[dict[str, str], str]:
    _, header, body = text.split("---\n", 2)
    return dict(line.split(": ", 1) for line in header.splitlines() if line), body


def floor_markdown() -> Markdown:
    """Python-Markdown with the built-in extensions ours uses (tests/test_bench_smoke.py holds the two together)."""
    return Markdown(extensions=["tables", "footnotes", "toc", "sane_lists"],
                    extension_configs={"toc": {"toc_depth": "2-3"}}, output_format="html")


def build(source: Path, out: Path) -> int:
    """Every page of SOURCE written to OUT; the number of pages."""
    paths = sorted(source.glob("*.md"))
    # The home page lists every page by title, so the titles are read before the loop (as every generator must).
    titles = [{"name": path.stem, "title": front_matter(path.read_text(encoding="utf-8"))[0]["title"]}
              for path in paths if path.stem != "index"]
    md = floor_markdown()
    template = jinja2.Environment(autoescape=True).from_string(TEMPLATE)
    for path in paths:
        fields, body = front_matter(path.read_text(encoding="utf-8"))
        md.reset()
        content = md.convert(body)
        html = template.render(title=fields["title"], toc=md.toc, content=content,
                               pages=titles if path.stem == "index" else [])
        target = out / "index.html" if path.stem == "index" else out / path.stem / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    return len(paths)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.splitlines()[2].strip(), file=sys.stderr)
        return 2
    build(Path(sys.argv[1]), Path(sys.argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
