"""Generate a synthetic site of N pages (default 1,000) for the benchmarks: `python bench/generate_corpus.py OUT`.

The site has its own content/ and a copy of the project's data/ (templates, charts and assets fall back to the
project's), like a site folder passed to `--root`. Every page is about 700 words of filler with two headings,
a table, a footnote, five insertions of the project's real facts and a citation of a real source, so the
Markdown, the facts extension and the templates all do real work; no figure is made up. Output is
deterministic (a fixed random seed), so two runs give the same corpus.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

WORDS = ("the arrivals registry ministry settlement support office year report number figure survey census "
         "people women men families education employment training housing program region border route "
         "interview account record center data desk source count share rise fall total change trend policy "
         "service school city province income work job").split()
PROJECT = Path(__file__).resolve().parent.parent
FACTS_PER_PAGE = 5


def sentence(rng: random.Random, length: int) -> str:
    words = [rng.choice(WORDS) for _ in range(length)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


def spelled(number: int) -> str:
    """The page's number in letters ("bcd"): a number typed into a title or summary is a warning of its own."""
    letters = ""
    for _ in range(4):
        number, digit = divmod(number, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
    return letters


def page_text(number: int, rng: random.Random, fact_ids: list[str], source_ids: list[str]) -> str:
    facts = [fact_ids[(number * FACTS_PER_PAGE + k) % len(fact_ids)] for k in range(FACTS_PER_PAGE)]
    source = source_ids[number % len(source_ids)]
    parts = [
        "---",
        f"title: Page {spelled(number)}",
        f"summary: Synthetic benchmark page {spelled(number)}.",
        f"order: {number}",
        "---",
        f"Marker p{number:04d}. {paragraph(rng, 4)} It counted {{{{{facts[0]}}}}} in all.[^note]",
        "",
        paragraph(rng, 5),
        "",
        "## Background",
        "",
        f"{paragraph(rng, 5)} The registry recorded {{{{{facts[1]}}}}} by then, and {{{{{facts[2]}}}}} later.",
        "",
        "| Measure | Value |",
        "|---|---|",
        f"| First | {{{{{facts[3]}}}}} |",
        f"| Second | {{{{{facts[4]}}}}} |",
        "",
        f"{paragraph(rng, 6)} [@{source}]",
        "",
        "## Details",
        "",
        paragraph(rng, 6),
        "",
        paragraph(rng, 6),
        "",
        "[^note]: A note on how the count was made.",
        "",
    ]
    return "\n".join(parts)


def generate(out: Path, pages: int = 1000) -> None:
    if out.exists():
        shutil.rmtree(out)
    (out / "content").mkdir(parents=True)
    # Not the project's own corrections: they name the project's chapters, which the corpus does not have.
    shutil.copytree(PROJECT / "data", out / "data", ignore=shutil.ignore_patterns("corrections.json"))
    fact_ids = [fact["id"] for path in sorted((out / "data" / "facts").glob("*.json"))
                for fact in json.loads(path.read_text(encoding="utf-8"))["facts"]]
    source_ids = [path.stem for path in sorted((out / "data" / "sources").glob("*.json"))]
    (out / "site.json").write_text(json.dumps({"title": "Benchmark corpus"}) + "\n", encoding="utf-8")
    rng = random.Random(20251122)
    for number in range(pages):
        name = "index" if number == 0 else f"page-{number:04d}"
        (out / "content" / f"{name}.md").write_text(page_text(number, rng, fact_ids, source_ids), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the folder to create (replaced if it exists)")
    parser.add_argument("--pages", type=int, default=1000)
    arguments = parser.parse_args()
    generate(arguments.out, arguments.pages)
    print(f"{arguments.pages} pages → {arguments.out}")


if __name__ == "__main__":
    main()
