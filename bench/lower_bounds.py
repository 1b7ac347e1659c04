"""The least a build of ours can take on this machine, from the parts it cannot do without, beside the floor.

    python bench/lower_bounds.py                  # 1,000 pages, 3 runs of each part
    python bench/lower_bounds.py --pages 4000 --runs 5

Issue 19's targets for `python build.py` are ratios to the floor (bench/floor_build.py: one process converting
the corpus' pages with Python-Markdown and putting them through one Jinja2 template): cold ≤ 1.2× the floor, one
page or one fact edited ≤ 0.2× it. This script measures the parts every build of ours must run whatever the engine
does around them, and the least time they add up to:

- the floor itself (wall and CPU time, as its own process): a cold build converts and renders at least what it does;
- Pagefind (the pagefind-bin the project pins, as publish/pagefind_service.py runs it), given every searchable page
  of our built corpus as the build gives them (publish/search_pages.py), in one run: the least CPU time the search
  index of a cold build takes (in shards, as the build runs it, it takes more: each run has a fixed cost);
- Pagefind given the pages of the edited page's shard, then the vocabulary (publish/search_shards.py), one after the
  other, as the build must run them after an edit to a page's words;
- Python's start with Jinja2 and Python-Markdown imported (what the floor's process also pays), and with the engine's
  build imported;
- what the engine's design adds to every page of a cold build and that no cache can spare it: the output gate's scan of
  each page for its URLs and ids (publish/url_scan.py: every URL the site writes is checked), and the reduction of
  each page to what Pagefind reads (publish/search_pages.py), CPU time in this process;
- a `python build.py` with nothing changed (what any build does to find what changed: every input hashed, the output
  folder listed), for comparison.

Printed as ratios to the floor's wall time, beside the targets, with what each target leaves for everything else:
- the least cold build on C cores, (the floor's CPU + Pagefind's CPU) / C, as if both were spread perfectly and nothing
  else ran; then with the gate's scans and the reduction added: still no fact checked, no card, no share image, no
  cache, nothing written but the pages;
- the least edit of a page's words: the start with the engine imported, then the shard, then the vocabulary, each
  waiting for the one before: no cache loaded, nothing converted, rendered, checked or written.
Not a test: it asserts nothing, it prints figures.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))
from users_environment import run_as_users  # noqa: E402

from build_speed import EDITED_PAGE, timed_process  # noqa: E402
from compare_generators import plain_pages, project_python, write_plain_pages  # noqa: E402
from generate_corpus import generate  # noqa: E402

TARGET_COLD, TARGET_EDIT = 1.2, 0.2  # issue 19's, as ratios to the floor


def timed_pagefind(binary: Path, pages: dict[str, bytes]) -> tuple[float, float, dict[str, bytes]]:
    """(wall seconds, CPU seconds of the Pagefind process, its files) of one run of Pagefind's service."""
    from explainer.publish.pagefind_service import run_pagefind

    before = os.times()
    started = time.perf_counter()
    files = run_pagefind(binary, pages)
    wall = time.perf_counter() - started
    after = os.times()
    return wall, (after.children_user + after.children_system) - (before.children_user + before.children_system), files


def medians(samples: list[tuple[float, ...]]) -> tuple[float, ...]:
    return tuple(statistics.median(column) for column in zip(*samples))


def main() -> int:
    run_as_users()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the results here")
    arguments = parser.parse_args()
    python = str(project_python())
    cores = os.cpu_count() or 1

    from explainer.publish.pagefind_service import pagefind_binary
    from explainer.publish.search import searchable
    from explainer.publish.search_pages import search_page
    from explainer.publish.search_shards import shard_count, shard_of, split, vocabulary_pages
    from explainer.publish.url_scan import scan

    with tempfile.TemporaryDirectory(prefix="lower-bounds-") as temporary:
        folder = Path(temporary)
        corpus, site, plain = folder / "corpus", folder / "site", folder / "plain"
        generate(corpus, arguments.pages)
        timed_process([python, str(PROJECT / "build.py"), "--root", str(corpus), "--out", str(site), "--no-cache"])
        write_plain_pages(plain_pages(corpus), plain)
        floor = medians([timed_process([python, str(PROJECT / "bench" / "floor_build.py"), str(plain),
                                         str(folder / f"floor-{run}")])[::2] for run in range(arguments.runs)])  # wall, CPU

        built = {path.name: path.read_bytes() for path in sorted(site.glob("*.html"))}
        started = time.process_time()
        pages = {name: search_page(data) for name, data in built.items() if searchable(name)}
        reduction = time.process_time() - started
        started = time.process_time()
        read_tags: dict = {}
        for data in built.values():
            scan(data, read_tags)
        gate_scans = time.process_time() - started
        binary = pagefind_binary()
        whole = medians([timed_pagefind(binary, pages)[:2] for _ in range(arguments.runs)])
        shards = split(pages)
        files = {number: timed_pagefind(binary, shard)[2] for number, shard in shards.items()}
        # build_speed.py's edited page, or the middle one of a smaller corpus
        edited_page = EDITED_PAGE.removesuffix(".md") + ".html"
        edited_page = edited_page if edited_page in pages else sorted(pages)[len(pages) // 2]
        edited = shards[shard_of(edited_page, shard_count(len(pages)))]
        vocabulary = vocabulary_pages(files)
        shard_then_vocabulary = medians([(timed_pagefind(binary, edited)[0] + timed_pagefind(binary, vocabulary)[0],)
                                         for _ in range(arguments.runs)])[0]

        start_floor = medians([timed_process([python, "-c", "import jinja2, markdown"])
                               for _ in range(arguments.runs)])[0]
        start_ours = medians([timed_process([python, "-c", "import explainer.pipeline, explainer.cli"])
                              for _ in range(arguments.runs)])[0]
        build = [python, str(PROJECT / "build.py"), "--root", str(corpus), "--out", str(site)]
        timed_process(build)  # its cache kept: the next builds find nothing changed
        no_change = medians([timed_process(build) for _ in range(arguments.runs)])[0]

    least_cold = (floor[1] + whole[1]) / cores
    least_cold_checked = (floor[1] + whole[1] + gate_scans + reduction) / cores
    least_edit = start_ours + shard_then_vocabulary
    results = {
        "pages": arguments.pages, "runs": arguments.runs, "cores": cores,
        "floor": {"wall": floor[0], "cpu": floor[1]},
        "pagefind_all_pages": {"pages": len(pages), "wall": whole[0], "cpu": whole[1]},
        "pagefind_shard_then_vocabulary": {"shard_pages": len(edited), "vocabulary_pages": len(vocabulary),
                                           "wall": shard_then_vocabulary},
        "start_with_jinja2_and_markdown": start_floor, "start_with_the_engine": start_ours,
        "gate_scans_cpu": gate_scans, "reduction_cpu": reduction, "no_change_build": no_change,
        "least_cold": least_cold, "least_cold_checked": least_cold_checked,
        "least_edit": least_edit,
    }
    ratio = floor[0]
    print(f"{arguments.pages} pages, {cores} cores, medians of {arguments.runs}")
    print(f"floor: {floor[0]:.2f} s wall, {floor[1]:.2f} s CPU")
    print(f"Pagefind, the {len(pages)} searchable pages in one run: {whole[0]:.2f} s wall, {whole[1]:.2f} s CPU")
    print(f"Pagefind, the edited page's shard ({len(edited)} pages) then the vocabulary ({len(vocabulary)} pages): "
          f"{shard_then_vocabulary:.2f} s wall")
    print(f"Python started, Jinja2 and Python-Markdown imported: {start_floor:.2f} s; the engine's build imported: "
          f"{start_ours:.2f} s")
    print(f"the gate's scans of the {len(built)} pages: {gate_scans:.2f} s CPU; their reduction for Pagefind: "
          f"{reduction:.2f} s CPU")
    print(f"python build.py, nothing changed: {no_change:.2f} s")
    for what, seconds, target in (
            (f"least cold build: (floor + Pagefind CPU) / {cores} cores", least_cold, TARGET_COLD),
            ("  with the gate's scans and the reduction", least_cold_checked, TARGET_COLD),
            ("least edit of a page's words: start + shard + vocabulary", least_edit, TARGET_EDIT)):
        left = target * ratio - seconds
        print(f"{what}: {seconds:.2f} s = {seconds / ratio:.2f}× the floor; the target, {target}×, "
              + (f"leaves {left:.2f} s for everything else" if left >= 0 else f"is {-left:.2f} s below it"))
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
