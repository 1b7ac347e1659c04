"""Edit-to-browser latency of `python build.py serve`: from the file write until the browser shows the new text.

    python bench/edit_latency.py                      # the project's site and a 1,000-page corpus, 10 runs each
    python bench/edit_latency.py --sites project --runs 20

For each site (copied to a temporary folder, with a copy of the project's templates so that they can be
edited), it starts the server, opens a page in Debian's Chromium (Playwright), and times three kinds of edit:
a Markdown edit of that page, a fact edit (the value of a fact the page shows) and a template edit (page.html);
and, as a baseline, the same page reloaded with no edit (what the browser alone takes to show it again).

Both ends use the same clock (the system's wall clock): Python reads it just before writing the file; in the
page, a script (installed before any page script, and in the open page before each edit, since the preview
patches the page in place rather than reloading it) records `performance.timeOrigin + performance.now()` at the
first animation frame after the new text is in the document. The server's own log line gives the rebuild time, and
the rest of each edit's time is "outside the rebuild" (the watcher noticing the save, the reload message, the
page fetched and patched); each row also says how many of its edits were patched in place (the rest reloaded
the page). The edits start once the preview is at rest: its first search index served (the index of a thousand
pages, made in the background after the first build, would otherwise still be running under the first edits).
Also times a cold `python build.py` of the corpus. Not a test: it asserts nothing, it prints figures.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))
from users_environment import run_as_users  # noqa: E402

from explainer.store.numbers import format_value  # noqa: E402
from generate_corpus import generate  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SHOWN = """(() => {
  const marker = sessionStorage.getItem("bench-marker");
  if (!marker) return;
  const observer = new MutationObserver(() => {
    if (document.documentElement.textContent.includes(marker)) {
      observer.disconnect();
      requestAnimationFrame(() => sessionStorage.setItem(
        "bench-shown", String(performance.timeOrigin + performance.now())));
    }
  });
  observer.observe(document, {childList: true, subtree: true, characterData: true});
})();"""
# "… 1 page(s) re-rendered (1 from Markdown), 0 chart(s), 41 ms", and maybe "; problems: 60 as before …" after it.
REBUILD_LINE = re.compile(r" → .*?(\d+) ms(?:;.*)?$")


def prepare(kind: str, folder: Path, pages: int) -> tuple[Path, str]:
    """A site folder to edit, and the slug of the page to watch."""
    root = folder / kind
    if kind == "project":
        root.mkdir()
        for name in ("content", "data"):
            shutil.copytree(PROJECT / name, root / name)
        shutil.copy(PROJECT / "site.json", root / "site.json")
        slug = "arrivals"  # a chapter with facts and a chart
    else:
        generate(root, pages)
        # The middle page, or the first after it that shows a fact the fact edit can change alone.
        slug = next((f"page-{number:04d}" for number in range(pages // 2, pages)
                     if editable_fact(root, f"page-{number:04d}")), f"page-{pages // 2:04d}")
    shutil.copytree(PROJECT / "templates", root / "templates")  # the site's own copy, to edit
    if (PROJECT / ".cache").is_dir():  # the charts' pictures: the same specs, so no need to render them again
        shutil.copytree(PROJECT / ".cache", root / ".cache")
    return root, slug


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, root: Path, log: Path):
        self.port = free_port()
        self.log_path = log
        with open(log, "wb") as output:
            self.process = subprocess.Popen([sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(root),
                                             "--port", str(self.port)], stdout=output, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, cwd=PROJECT)
        deadline = time.monotonic() + 600
        while "first build →" not in self.log():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit(f"the server did not start:\n{self.log()}")
            time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_search_index(self, timeout: float = 120) -> None:
        """Until the first build's search index is served: the preview at rest."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/pagefind/pagefind-entry.json", timeout=5):
                    return
            except OSError:  # 404 until the index is served (urllib's HTTPError is an OSError)
                time.sleep(0.1)
        raise SystemExit(f"the preview served no search index within {timeout:.0f} s:\n{self.log()}")

    def rebuild_milliseconds(self) -> list[int]:
        return [int(match.group(1)) for line in self.log().splitlines() if (match := REBUILD_LINE.search(line))]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def time_edit(page, write, marker: str) -> tuple[float, bool]:
    """Milliseconds from just before write() until the page shows marker, and whether the page was patched in
    place (the same document) rather than reloaded."""
    page.evaluate("m => { sessionStorage.setItem('bench-marker', m); sessionStorage.removeItem('bench-shown'); "
                  "window.benchSameDocument = true; }", marker)
    if write != "reload":
        page.evaluate(SHOWN)  # the preview patches the open page: watch this document too, not only a reloaded one
    started = time.time() * 1000
    if write == "reload":
        page.evaluate("location.reload()")
    else:
        write()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            shown = page.evaluate("sessionStorage.getItem('bench-shown')")
        except Exception:  # the page is navigating: ask again
            shown = None
        if shown:
            patched = bool(page.evaluate("window.benchSameDocument === true"))
            return float(shown) - started, patched
        time.sleep(0.01)
    raise SystemExit(f"the browser never showed {marker!r}")


def markdown_edits(root: Path, slug: str):
    path = root / "content" / f"{slug}.md"
    original = path.read_text(encoding="utf-8")
    for run in range(10**6):
        marker = f"Benchmarkmarker{run}x{int(time.time() * 1000) % 100000}"
        # The first paragraph of prose: not a chart, a heading, a table or a list, whose line must stay as it is.
        paragraph = re.search(r"\n\n(?=[A-Za-z])", original.split("---", 2)[2]).start()
        offset = len(original) - len(original.split("---", 2)[2]) + paragraph
        text = original[:offset] + f"\n\n{marker} " + original[offset + 2:]
        yield marker, lambda text=text: path.write_text(text, encoding="utf-8")


def editable_fact(root: Path, slug: str):
    """(file, its JSON, the fact) of a fact the page inserts whose value can change alone, or None.

    A value written in the fact itself (not a series cell), quoted from text (a table cell's value must match
    the cell: an error), used by no derived fact and no chart, so that the new value passes the build's checks.
    """
    stores = {path: json.loads(path.read_text(encoding="utf-8"))
              for path in sorted((root / "data" / "facts").glob("*.json"))}
    inputs = {input_id for store in stores.values() for fact in store["facts"]
              for input_id in fact.get("derived", {}).get("of", ())}
    charts = " ".join(path.read_text(encoding="utf-8") for path in (PROJECT / "charts").glob("*.py"))
    body = (root / "content" / f"{slug}.md").read_text(encoding="utf-8").split("---", 2)[2]
    for fact_id in re.findall(r"\{\{\s*([a-z0-9-]+)\s*\}\}", body):
        for path, store in stores.items():
            fact = next((fact for fact in store["facts"] if fact["id"] == fact_id), None)
            if (fact and "value" in fact and "cell" not in fact and "derived" not in fact
                    and fact_id not in inputs and f'"{fact_id}"' not in charts):
                return path, store, fact
    return None


def fact_edits(root: Path, slug: str):
    """The value of a fact the page inserts (editable_fact), changed each run to a value the page does not show."""
    found = editable_fact(root, slug)
    if found is None:
        raise SystemExit(f"no fact on {slug} can be edited alone")
    path, store, fact = found
    original = fact["value"]
    for run in range(10**6):
        step = run + 1
        fact["value"] = original + 7919 * step if isinstance(original, int) else round(original + 0.37 * step, 2)
        marker = format_value(fact["value"], fact["unit"], fact.get("decimals"), fact.get("approximate", False))
        text = json.dumps(store, ensure_ascii=False, indent=2) + "\n"
        yield marker, lambda text=text, path=path: path.write_text(text, encoding="utf-8")


def template_edits(root: Path, slug: str):
    path = root / "templates" / "page.html"
    original = path.read_text(encoding="utf-8")
    anchor = "{% block main %}"
    assert anchor in original
    for run in range(10**6):
        marker = f"Templatemarker{run}x{int(time.time() * 1000) % 100000}"
        text = original.replace(anchor, f'{anchor}\n<p class="bench">{marker}</p>', 1)
        yield marker, lambda text=text: path.write_text(text, encoding="utf-8")


def reloads_alone(root: Path, slug: str, page=None):
    """No edit: the page reloaded by hand. What the browser alone costs; the rest of an edit is the server's."""
    title = (root / "content" / f"{slug}.md").read_text(encoding="utf-8").split("title:", 1)[1].split("\n")[0].strip()
    while True:
        yield title, "reload"


EDITS = {"reload alone": reloads_alone, "Markdown edit": markdown_edits, "fact edit": fact_edits,
         "template edit": template_edits}


def measure_site(kind: str, folder: Path, runs: int, pages: int, browser, edits: list[str]) -> dict:
    root, slug = prepare(kind, folder, pages)
    server = Server(root, folder / f"{kind}.log")
    results = {}
    try:
        page = browser.new_page()
        page.add_init_script(SHOWN)
        page.goto(f"http://127.0.0.1:{server.port}/{slug}.html")
        time.sleep(1.0)  # livereload.js connects
        server.wait_for_search_index()
        for name in edits:
            generator = EDITS[name](root, slug)
            latencies, rebuilds, patched = [], [], 0
            for _ in range(runs):
                marker, write = next(generator)
                before = len(server.rebuild_milliseconds())
                latency, in_place = time_edit(page, write, marker)
                latencies.append(latency)
                patched += in_place
                time.sleep(0.3)  # let the page settle and livereload reconnect before the next edit
                rebuilds += server.rebuild_milliseconds()[before:]
            results[name] = {"latency_ms": latencies, "rebuild_ms": rebuilds, "patched_in_place": patched}
            rebuilt = f"(rebuild median {statistics.median(rebuilds):.0f} ms)" if rebuilds else ""
            if len(rebuilds) == len(latencies):  # one rebuild an edit: the rest is the watcher's, the server's, the page's
                outside = [latency - rebuild for latency, rebuild in zip(latencies, rebuilds)]
                results[name]["outside_rebuild_ms"] = outside
                rebuilt += f", outside the rebuild median {statistics.median(outside):.0f} ms"
            print(f"{kind:8} {name:14} median {statistics.median(latencies):7.0f} ms, "
                  f"p90 {percentile(latencies, 90):7.0f} ms {rebuilt}, patched in place {patched}/{runs}", flush=True)
        page.close()
    finally:
        server.stop()
    return results


def cold_build(folder: Path, pages: int, repeats: int) -> list[float]:
    """Wall seconds of `python build.py` on a fresh corpus, in a new process each time."""
    root = folder / "cold"
    generate(root, pages)
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, str(PROJECT / "build.py"), "--root", str(root), "--out", str(folder / "out")],
                       check=True, cwd=PROJECT, capture_output=True)
        seconds.append(time.perf_counter() - started)
    print(f"cold build of {pages} pages: median {statistics.median(seconds):.2f} s over {repeats} "
          f"({', '.join(f'{s:.2f}' for s in seconds)})", flush=True)
    return seconds


def percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> None:
    run_as_users()  # before any process starts: bench/users_environment.py
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--sites", default="project,corpus", help="comma-separated: project, corpus")
    parser.add_argument("--cold-builds", type=int, default=3, help="cold builds of the corpus to time (0: none)")
    parser.add_argument("--edits", default=",".join(EDITS), help=f"comma-separated, of: {', '.join(EDITS)}")
    parser.add_argument("--json", type=Path, help="also write every measurement to this file")
    arguments = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results = {}
    with tempfile.TemporaryDirectory(prefix="edit-latency-") as temporary, sync_playwright() as playwright:
        folder = Path(temporary)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for kind in arguments.sites.split(","):
            results[kind] = measure_site(kind, folder, arguments.runs, arguments.pages, browser,
                                         arguments.edits.split(","))
        browser.close()
        if arguments.cold_builds:
            results["cold_build_seconds"] = cold_build(folder, arguments.pages, arguments.cold_builds)
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
