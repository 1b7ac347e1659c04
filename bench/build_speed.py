"""How long `python build.py` takes on a generated corpus, cold and after each kind of edit, and how it scales.

    python bench/build_speed.py [--pages 1000] [--runs 5] [--json OUT]       the edits, on one corpus
    python bench/build_speed.py --scaling 1000,2000,4000,8000 [--runs 2]     cold and no-change builds by size
    python bench/build_speed.py --dense                                      one page with many facts / numbers
    python bench/build_speed.py --table 1000,4000,8000,100000 [--runs 1]      series checked against big tables

Every build is a new process (`python build.py --root CORPUS --out OUT`), timed from start to exit on the wall
clock, with its peak memory (the child's maximum resident set, from wait4) and the CPU time it and the
processes it waited for used (user + system, from the same wait4: the Markdown and share-card workers and
Pagefind included). The corpus is
bench/generate_corpus.py's, with its own copy of the project's templates so that a template can be edited.

The kinds of build, each repeated --runs times, median, min and max:
- cold: no .cache/ at all (chart pictures are not involved: the corpus has no chart; share cards, the
  search index and every page are made);
- no change: the same input again;
- one page edited: a word added to one page's first paragraph;
- one fact edited: the label of a fact that 40 pages show (its cards change on each of them);
- template edited: a comment added to templates/page.html (every chapter is rendered again).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))
from users_environment import run_as_users  # noqa: E402

from generate_corpus import generate  # noqa: E402

EDITED_PAGE = "page-0500.md"
EDITED_FACT = "arrivals-2009"


def timed_build(root: Path, out: Path, *options: str) -> tuple[float, float, float]:
    """(seconds, peak MB, CPU seconds) of one `python build.py` in a new process; fails loudly if it fails."""
    return timed_process([sys.executable, str(PROJECT / "build.py"), "--root", str(root), "--out", str(out), *options])


def timed_process(command: list[str]) -> tuple[float, float, float]:
    """(seconds, peak MB, CPU seconds: user + system of it and of the processes it waited for) of one new process;
    fails loudly if it fails."""
    # Its messages go to a file, not a pipe: a page with thousands of typed numbers fills a pipe's buffer with
    # warnings, and the build would wait for a reader that waits for it.
    with tempfile.TemporaryFile() as said:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=said)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        said.seek(0)
        errors = said.read().decode("utf-8", errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def corpus(folder: Path, pages: int) -> Path:
    root = folder / f"corpus-{pages}"
    generate(root, pages)
    shutil.copytree(PROJECT / "templates", root / "templates")
    return root


def edit_page(root: Path, run: int, page: str = EDITED_PAGE) -> None:
    path = root / "content" / page
    path.write_text(path.read_text(encoding="utf-8").replace("Marker ", f"Marker edit{run} ", 1), encoding="utf-8")


def edit_fact(root: Path, run: int) -> None:
    for path in (root / "data" / "facts").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for fact in data["facts"]:
            if fact["id"] == EDITED_FACT:
                # A label is one text, or one per language ({"en": …, "ko": …}): each is edited alike.
                label = fact["label"]
                edited = {language: text.split(" (edit")[0] + f" (edit {run})" for language, text in
                          (label.items() if isinstance(label, dict) else [("", label)])}
                fact["label"] = edited if isinstance(label, dict) else edited[""]
                path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
                return
    raise SystemExit(f"no fact {EDITED_FACT} in the corpus")


def edit_template(root: Path, run: int) -> None:
    path = root / "templates" / "page.html"
    path.write_text(path.read_text(encoding="utf-8") + f"{{# edit {run} #}}\n", encoding="utf-8")


def summary(samples: list[tuple[float, float, float]]) -> dict:
    seconds = [s for s, _, _ in samples]
    return {"median_s": round(statistics.median(seconds), 3), "min_s": round(min(seconds), 3),
            "max_s": round(max(seconds), 3), "peak_mb": round(max(mb for _, mb, _ in samples), 1),
            "cpu_s": round(statistics.median(cpu for _, _, cpu in samples), 3), "runs": len(samples)}


def edits(root: Path, out: Path, runs: int) -> dict[str, dict]:
    results = {}
    cold = []
    for _ in range(runs):
        shutil.rmtree(root / ".cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        cold.append(timed_build(root, out))
    results["cold"] = summary(cold)
    results["no change"] = summary([timed_build(root, out) for _ in range(runs)])
    for name, change in (("one page edited", edit_page), ("one fact edited", edit_fact),
                         ("template edited", edit_template)):
        samples = []
        for run in range(runs):
            change(root, run)
            samples.append(timed_build(root, out))
        results[name] = summary(samples)
    return results


def scaling(folder: Path, sizes: list[int], runs: int) -> dict[int, dict]:
    results = {}
    for pages in sizes:
        root, out = corpus(folder, pages), folder / f"out-{pages}"
        cold = []
        for _ in range(runs):
            shutil.rmtree(root / ".cache", ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            cold.append(timed_build(root, out))
        warm = [timed_build(root, out) for _ in range(runs)]
        results[pages] = {"cold": summary(cold), "no change": summary(warm),
                          "cold_ms_per_page": round(statistics.median(s for s, _, _ in cold) / pages * 1000, 2),
                          "cold_cpu_ms_per_page": round(statistics.median(c for _, _, c in cold) / pages * 1000, 2)}
        shutil.rmtree(root)
        shutil.rmtree(out, ignore_errors=True)
    return results


def dense(folder: Path, runs: int) -> dict[str, dict]:
    """One extra page with N facts inserted, or N numbers typed by hand, in a 10-page corpus (--no-cache)."""
    results = {}
    for kind, count in (("facts", 1000), ("facts", 2000), ("facts", 4000), ("typed numbers", 1000),
                        ("typed numbers", 2000), ("typed numbers", 4000)):
        root, out = corpus(folder, 10), folder / "out-dense"
        item = "{{arrivals-2009}}" if kind == "facts" else "{n},{n:03d} people"
        words = " ".join(f"Figure {item.format(n=n % 900 + 100)} here." for n in range(count))
        paragraphs = "\n\n".join(words[i:i + 15000].rsplit(".", 1)[0] + "." for i in range(0, len(words), 15000))
        (root / "content" / "dense.md").write_text(f"---\ntitle: Dense\n---\n{paragraphs}\n", encoding="utf-8")
        timed_build(root, out)  # the share cards and search index of the corpus, out of the way
        results[f"{count} {kind}"] = summary([timed_build(root, out, "--no-cache") for _ in range(runs)])
        shutil.rmtree(root)
    return results


# Facts shown from each series, spread over its rows: a fixed number, as each card that reads a series records
# (fingerprints) the whole series once (incremental/reads.py remembered(): see bench/README.md).
TABLE_FACTS = 20


def table_site(folder: Path, rows: int) -> Path:
    """A 10-page corpus with one synthetic source (no address, so no snapshot) whose two table excerpts hold
    `rows` figures each: a tall one (a row per figure) and a wide one (a column per figure, as the ministry
    prints its years), each with a glossary translation (a run of columns named by its first and last header,
    as the project's own). Two series of `rows` rows place every figure in those tables, so the build checks
    each against its cell; TABLE_FACTS facts of each are shown on one page, each card showing its cell and the
    glossary's entries for it. The figures are made up and say so: the corpus is never published.
    Written compactly (numbers as keys, no spaces): a data file may hold 5,000,000 characters, and a series of
    100,000 rows is one file."""
    root = corpus(folder, 10)
    numbers = range(1, rows + 1)
    labels, columns = [f"행{n}" for n in numbers], [f"열{n}" for n in numbers]
    figures = [(n * 7919) % 100_000 + 1 for n in numbers]
    written = [f"{figure:,}" for figure in figures]
    tall = {"header": ["구분", "인원(명)"], "rows": [[label, cell] for label, cell in zip(labels, written)]}
    wide = {"header": ["구분", *columns], "rows": [["인원(명)", *written]]}
    source = {
        "id": "bench-table", "title": "Synthetic benchmark table (made-up figures)", "publisher": "bench/",
        "published": None, "accessed": "2026-12-06", "language": "ko", "title_language": "en",
        "excerpts": [
            {"id": "tall", "table": tall, "translation": "구분: item; 인원(명): people; 행: row"},
            {"id": "wide", "table": wide,
             "translation": f"구분: item; 인원(명): people; {columns[0]} … {columns[-1]}: each column"},
        ]}
    series = {
        "tall": {"id": "bench-tall", "title": "Tall table", "key": "k", "source": "bench-table", "excerpt": "tall",
                 "columns": [{"name": "k", "label": "Row"},
                             {"name": "n", "label": "People", "unit": "people", "table_column": "인원(명)"}],
                 "rows": [{"k": n, "n": figure, "cell": {"row": label}}
                          for n, figure, label in zip(numbers, figures, labels)]},
        "wide": {"id": "bench-wide", "title": "Wide table", "key": "k", "source": "bench-table", "excerpt": "wide",
                 "columns": [{"name": "k", "label": "Column"},
                             {"name": "n", "label": "People", "unit": "people", "table_row": "인원(명)"}],
                 "rows": [{"k": n, "n": figure, "cell": {"column": column}}
                          for n, figure, column in zip(numbers, figures, columns)]},
    }
    facts = [{"id": f"bench-{shape}-{n}", "label": f"{shape} row {n}", "unit": "people", "as_of": "2026",
              "series": {"id": f"bench-{shape}", "row": str(n), "column": "n"}}
             for shape in series for n in numbers[::max(1, rows // TABLE_FACTS)]]
    data = root / "data"
    for path, record in ((data / "sources" / "bench-table.json", source), (data / "facts" / "bench-table.json",
                                                                          {"facts": facts}),
                         *((data / "series" / f"bench-{shape}.json", record) for shape, record in series.items())):
        path.write_text(compact_json(record), encoding="utf-8")
    shown = " ".join(f"Figure {{{{{fact['id']}}}}} here." for fact in facts)
    (root / "content" / "table.md").write_text(f"---\ntitle: Tables\n---\n{shown}\n", encoding="utf-8")
    return root


def compact_json(record: dict) -> str:
    """JSON without spaces, each item of a list of records (rows, facts) on a line of its own: a record's place
    is its line (store/facts.py Location), and a file of one line would make every record's line the whole file."""
    def value(item) -> str:
        if isinstance(item, list) and item and all(isinstance(part, dict) for part in item):
            return "[\n" + ",\n".join(value(part) for part in item) + "\n]"
        if isinstance(item, dict):
            return "{" + ",".join(f"{json.dumps(key)}:{value(part)}" for key, part in item.items()) + "}"
        return json.dumps(item, ensure_ascii=False, separators=(",", ":"))
    return value(record) + "\n"


def tables(folder: Path, sizes: list[int], runs: int) -> dict[str, dict]:
    """Cold builds (--no-cache) of table_site at each size."""
    results = {}
    for rows in sizes:
        root, out = table_site(folder, rows), folder / f"out-table-{rows}"
        results[f"{rows} rows"] = summary([timed_build(root, out, "--no-cache") for _ in range(runs)])
        shutil.rmtree(root)
        shutil.rmtree(out, ignore_errors=True)
    return results


def main() -> int:
    run_as_users()  # before any process starts: bench/users_environment.py
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scaling", default="", help="page counts, e.g. 1000,2000,4000,8000")
    parser.add_argument("--dense", action="store_true")
    parser.add_argument("--table", default="", help="table rows, e.g. 1000,4000,8000,100000")
    parser.add_argument("--json", type=Path)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="build-speed-") as temporary:
        folder = Path(temporary)
        if arguments.scaling:
            results = scaling(folder, [int(size) for size in arguments.scaling.split(",")], arguments.runs)
        elif arguments.dense:
            results = dense(folder, arguments.runs)
        elif arguments.table:
            results = tables(folder, [int(size) for size in arguments.table.split(",")], arguments.runs)
        else:
            results = edits(corpus(folder, arguments.pages), folder / "out", arguments.runs)
    print(json.dumps(results, indent=2))
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
