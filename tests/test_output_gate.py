"""The output gate reads every URL of the built files as a browser does, and lets through only safe ones."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import PROJECT, SITES
from explainer.site_folder.inputs import read_inputs
from explainer.publish.output_gate import browser_url, check_output
from explainer.pipeline import build
from pool_support import CountedWorkers

PAGE = "<!doctype html><html><body><p id=top>{}</p></body></html>"
SITE = {"index.html": b"", "other.html": PAGE.format("<span id=here></span>").encode(), "assets/style.css": b""}


def gate(markup: str, name: str = "index.html") -> list[str]:
    files = {**SITE, name: (PAGE.format(markup) if name.endswith(".html") else markup).encode()}
    return [problem.message for problem in check_output(files)]


@pytest.mark.parametrize("link", [
    "javascript:alert(1)", "jav&#x61;script:alert(1)", "&#106;avascript:alert(1)", "javascript&colon;alert(1)",
    "java&#9;script:alert(1)", "java&#10;script:alert(1)", " \x01javascript:alert(1)", "JaVaScRiPt:alert(1)",
    "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd",
])
def test_script_and_other_schemes_are_refused_however_they_are_written(link):
    assert gate(f'<a href="{link}">x</a>')


@pytest.mark.parametrize("markup", [
    '<img src="https://tracker.example/p.gif" alt="">', '<img src="//tracker.example/p.gif" alt="">',
    '<img srcset="a.png 1x, https://tracker.example/p.png 2x" alt="">',
    '<link rel="stylesheet" href="https://cdn.example/x.css">', '<script src="https://cdn.example/x.js"></script>',
    '<p style="background: url(https://tracker.example/p.gif)">x</p>',
    '<style>@import "https://cdn.example/x.css";</style>', '<form action="https://example.org/"></form>',
    '<p style="background: url(\\68 ttps://tracker.example/p.gif)">x</p>',
    '<meta http-equiv="refresh" content="0; url=https://tracker.example/">',
])
def test_nothing_remote_is_loaded(markup):
    assert gate(markup)


def test_remote_urls_in_a_stylesheet_are_refused():
    assert gate('body { background: url("https://tracker.example/p.gif") }', "assets/style.css")
    assert gate('@import url(//cdn.example/x.css);', "assets/style.css")


@pytest.mark.parametrize("markup", [
    '<a href="https://example.org/page">x</a>', '<a href="mailto:desk@example.org">x</a>',
    '<a href="other.html">x</a>', '<a href="other.html#here">x</a>', '<a href="#top">x</a>',
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="">', '<link rel="icon" href="data:,">',
    '<link rel="stylesheet" href="assets/style.css">',
])
def test_the_sites_own_files_and_ordinary_links_pass(markup):
    assert gate(markup) == []


@pytest.mark.parametrize("markup", ['<a href="missing.html">x</a>', '<a href="other.html#nowhere">x</a>',
                                    '<a href="#nowhere">x</a>', '<a href="../outside.html">x</a>'])
def test_internal_links_and_anchors_that_lead_nowhere_are_refused(markup):
    assert gate(markup)


def test_control_characters_and_whitespace_are_removed_as_a_browser_does():
    assert browser_url(" \x00\tjava\nscript:x \x1f") == "javascript:x"


def test_a_refused_link_in_a_page_is_placed_at_its_line_in_the_markdown(tmp_path):
    problems = check_output({**SITE, "index.html": PAGE.format('<a href="missing.html">x</a>').encode()},
                            {"index.html": (tmp_path / "index.md", "# Home\n\nSee [this](missing.html).\n")})
    assert [(p.path.name, p.line, p.col) for p in problems] == [("index.md", 3, 12)]


@pytest.mark.parametrize("root", [PROJECT, SITES / "tiny", SITES / "charts"])
def test_every_site_we_build_passes_the_gate(root):
    inputs, _ = read_inputs(Path(root))
    result = build(inputs)
    assert [p.format() for p in check_output(result.files)] == []


@pytest.mark.parametrize("line", ["See [this](jav&#x61;script:alert(1)).", "See ![a dot](https://tracker.example/p.gif).",
                                  "See ![a dot](//tracker.example/p.gif).", "See [the top](#nowhere-at-all).",
                                  "See [elsewhere](missing-page.html)."])
def test_a_page_with_a_refused_url_does_not_build_and_names_its_line(tmp_path, line):
    import shutil

    site = tmp_path / "site"
    shutil.copytree(SITES / "tiny", site)
    index = site / "content" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    inputs, _ = read_inputs(site)
    result = build(inputs)
    assert result.failed(strict=False)
    refused = [p for p in result.problems if p.path == index.resolve() or p.path == index]
    assert refused and refused[0].line == index.read_text(encoding="utf-8").count("\n")


def test_kept_verdicts_never_hide_a_problem_that_another_files_change_makes():
    """A rebuild checks again only the files whose bytes changed, unless the site's files or ids changed."""
    from explainer.publish.output_gate import GateMemory

    memory = GateMemory()
    files = {"index.html": PAGE.format('<a href="other.html#here">x</a>').encode(),
             "other.html": PAGE.format("<span id=here></span>").encode(),
             "third.html": PAGE.format('<a href="index.html">home</a>').encode()}
    assert check_output(files, memory=memory) == []
    assert check_output(files, memory=memory) == []
    # A changed file is checked.
    broken = {**files, "third.html": PAGE.format('<a href="missing.html">x</a>').encode()}
    assert [p.path.name for p in check_output(broken, memory=memory)] == ["third.html"]
    assert check_output(files, memory=memory) == []
    # The id an unchanged page links to is gone: that page is checked again.
    no_anchor = {**files, "other.html": PAGE.format("<span id=elsewhere></span>").encode()}
    assert [p.path.name for p in check_output(no_anchor, memory=memory)] == ["index.html"]
    assert check_output(files, memory=memory) == []
    # The file an unchanged page links to is gone.
    no_target = {name: data for name, data in files.items() if name != "other.html"}
    assert [p.path.name for p in check_output(no_target, memory=memory)] == ["index.html"]
    # A file with a problem is reported on every build, even unchanged.
    assert [p.path.name for p in check_output(no_target, memory=memory)] == ["index.html"]


def _pages_linking_onward(count: int) -> dict[str, bytes]:
    """count pages, each linking to the next one's #top; every seventh also to an id no page has."""
    return {f"p{number}.html": PAGE.format(
        f'<a href="p{(number + 1) % count}.html#top">next</a>'
        + (f'<a href="p0.html#gone{number}">gone</a>' if number % 7 == 0 else "")).encode()
        for number in range(count)}


@pytest.mark.parametrize("broken", [False, True])
def test_pages_scanned_by_workers_as_they_are_finished_are_checked_as_pages_read_at_the_end(broken):
    """GateScans: what the build hands over as it finishes each page, scanned in worker processes a batch at a time
    (or here, when a worker dies), gives the same problems as the files read at the end; a rebuild whose pages
    are unchanged hands nothing to the workers."""
    from explainer.effects.worker_pool import background_workers, start_processes_early
    from explainer.publish.output_gate import GateMemory, GateScans

    start_processes_early()  # as a first build of many pages does: without a fork server, scans stay here
    count = 2 * GateScans.BATCH + GateScans.BATCH // 2  # two batches and a rest
    files = _pages_linking_onward(count)
    expected = [problem.format() for problem in check_output(files)]
    assert len(expected) == len(range(0, count, 7))
    memory = GateMemory()
    with background_workers() as pool:
        workers = CountedWorkers(pool, dying=broken)
        for rebuild in (False, True):
            scans = GateScans(memory, workers)
            for name, data in files.items():
                scans.add(name, data)
            scans.finished()
            assert [problem.format() for problem in check_output(files, memory=memory, scans=scans)] == expected
            if not rebuild:
                assert workers.submitted == 3
        assert workers.submitted == 3  # the rebuild found every scan kept


def test_a_big_page_goes_to_the_workers_at_once_and_small_ones_a_batch_at_a_time():
    """GateScans hands a page over as soon as the pages waiting reach BATCH_BYTES (the corpus' Sources page, scanned
    while the templates make the chapters), or BATCH pages; the scans are those of the files read at the end."""
    from explainer.effects.worker_pool import background_workers, start_processes_early
    from explainer.publish.output_gate import GateMemory, GateScans

    start_processes_early()
    files = _pages_linking_onward(GateScans.BATCH + 1)
    big = PAGE.format('<a href="p1.html#top">next</a>' + "<p>words</p>" * (GateScans.BATCH_BYTES // 12)).encode()
    assert len(big) >= GateScans.BATCH_BYTES
    files["p0.html"] = big
    expected = [problem.format() for problem in check_output(files)]
    with background_workers() as pool:
        workers = CountedWorkers(pool)
        memory = GateMemory()
        scans = GateScans(memory, workers)
        scans.add("p0.html", big)
        assert workers.submitted == 1  # alone, at once
        for name in sorted(files.keys() - {"p0.html"}, key=lambda name: int(name[1:-5])):
            scans.add(name, files[name])
        assert workers.submitted == 2  # then BATCH pages together
        assert [problem.format() for problem in check_output(files, memory=memory, scans=scans)] == expected


def test_what_the_worker_has_not_started_when_the_build_ends_is_half_scanned_here(monkeypatch):
    """GateScans.finished: of the batches the worker has not started, the last half is taken back and scanned by the
    build while the worker does the others (a template edit's pages left the worker behind the templates); the
    problems are those of the files read at the end."""
    import time

    from explainer.effects.worker_pool import BackgroundWorkers, Handed, start_processes_early
    from explainer.publish.output_gate import GateMemory, GateScans

    start_processes_early()
    taken_back = []
    take_back = Handed.take_back
    monkeypatch.setattr(Handed, "take_back", lambda self: taken_back.append(take_back(self)) or taken_back[-1])
    files = _pages_linking_onward(4 * GateScans.BATCH)
    expected = [problem.format() for problem in check_output(files)]
    workers = BackgroundWorkers(1)
    try:
        workers.submit(time.sleep, 0.5)  # the worker is busy
        memory = GateMemory()
        scans = GateScans(memory, workers)
        for name, data in files.items():
            scans.add(name, data)
        scans.finished()
        # Four batches behind a busy worker: one may already be on its way to it (a pool queues one ahead); of the
        # others, the last half came back.
        assert taken_back.count(True) == 2
        assert [problem.format() for problem in check_output(files, memory=memory, scans=scans)] == expected
    finally:
        workers.close()


def test_without_a_fork_server_the_pages_are_scanned_here(monkeypatch):
    """Starting the fork server would hold the build up longer than scanning a fact edit's pages takes: a program
    that has started no process hands nothing to background workers."""
    from explainer.effects import worker_pool

    monkeypatch.setattr(worker_pool, "_processes_started", False)
    with worker_pool.background_workers() as workers:
        assert workers.submit(len, [1, 2]) is None


def test_a_file_handed_over_again_is_checked_as_its_last_bytes():
    """A file finished twice (its second bytes replace the first) is scanned as the second, whichever scan comes
    back last."""
    from explainer.publish.output_gate import GateMemory, GateScans

    good = PAGE.format('<a href="#top">top</a>').encode()
    broken = PAGE.format('<a href="missing.html">x</a>').encode()
    memory = GateMemory()
    assert check_output({"index.html": good}, memory=memory) == []  # the good bytes' scan is kept
    scans = GateScans(memory)
    scans.add("index.html", broken)  # waits to be scanned
    scans.add("index.html", good)  # kept: found at once
    assert check_output({"index.html": good}, memory=memory, scans=scans) == []
    again = GateScans(GateMemory())
    again.add("index.html", good)
    again.add("index.html", broken)
    assert [p.path.name for p in check_output({"index.html": broken}, scans=again)] == ["index.html"]
