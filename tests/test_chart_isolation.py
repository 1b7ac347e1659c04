"""Chart modules run in a worker process: whatever one does (raise anything, exit, crash, loop, print), the build
reports it as a path:line problem naming the chart and goes on; the command line exits 1 and writes no site;
the preview shows it and keeps rebuilding."""
from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from serve_support import edit, start_server

from conftest import PROJECT, SITES, stop
from explainer.charts import FAILED, load_charts
from explainer.site_folder.inputs import read_inputs
from explainer.pipeline import build
from explainer.store.loading import load_fact_store

# Tests assert no speed. A chart that works takes at most about 0.5 s in a fresh worker on a quiet 2-core machine
# and 1 s on a busy one (the worker loads Vega-Lite's schema first), so only the looping chart reaches the time
# limit; each test with that chart waits it out once.
TIMEOUT = 8  # seconds: the charts' time limit in these tests
# A build of the fixture site with failing charts takes about 2 s (quiet) to 5 s (busy) besides that one time
# limit: the limit catches a build that waits on a dead or stuck chart, not a slow machine.
BUILD_LIMIT = TIMEOUT + 30  # seconds
PREVIEW_WAIT = 120  # seconds: a rebuild in the preview that waits out the looping chart

HEADER = """import os, sys
import altair as alt
from explainer.charts import ROWS, ChartColumn, ChartDefinition


def chart(store):
"""  # the body's first line is line 7
GOOD_RETURN = ("    return ChartDefinition(title='t', caption='c', alt='a', cites=('arrivals-by-year',), "
               "columns=(ChartColumn('a', 'A'),), rows=({'a': 1},), chart=alt.Chart(ROWS).mark_bar().encode(x='a:Q'))\n")

# name → (body of chart(), expected line, words the message must contain)
FAILURES = {
    "raises": ("    raise ValueError('no data for 2024')\n", 7, "ValueError: no data for 2024"),
    "interrupts": ("    raise KeyboardInterrupt\n", 7, "KeyboardInterrupt"),
    "raises_exit": ("    raise SystemExit(3)\n", 7, "sys.exit(3)"),
    "exits": ("    x = 1\n    sys.exit(0)\n", 8, "sys.exit(0)"),
    "hard_exits": ("    os._exit(0)\n", 1, "exit code 0"),
    "segfaults": ("    import ctypes\n    ctypes.string_at(0)\n", 1, "SIGSEGV"),
    "killed": ("    import signal\n    os.kill(os.getpid(), signal.SIGKILL)\n", 1, "SIGKILL"),
    "loops": ("    while True:\n        pass\n", 1, f"did not finish within {TIMEOUT} s"),
    "prints": ("    x = 1\n    print('debugging', x)\n" + GOOD_RETURN, 8, 'wrote "debugging 1"'),
    "writes_native": ("    os.write(2, b'native noise')\n" + GOOD_RETURN, 1, 'wrote "native noise"'),
}


def site_with(tmp_path: Path, charts: dict[str, str]) -> Path:
    """A copy of the charts fixture site with these chart modules (name → body of chart()) shown on a page,
    and the short time limit."""
    root = tmp_path / "site"
    shutil.copytree(SITES / "charts", root, ignore=shutil.ignore_patterns(".cache"))
    settings = json.loads((root / "site.json").read_text(encoding="utf-8"))
    (root / "site.json").write_text(json.dumps({**settings, "chart_timeout": TIMEOUT}), encoding="utf-8")
    (root / "charts").mkdir(exist_ok=True)
    page = root / "content" / "plain.md"
    text = page.read_text(encoding="utf-8")
    for name, body in charts.items():
        (root / "charts" / f"{name}.py").write_text(HEADER + body, encoding="utf-8")
        text += f"\n{{{{chart:{name}}}}}\n"
    page.write_text(text, encoding="utf-8")
    return root


def errors_of(root: Path):
    inputs, problems = read_inputs(root)
    assert not problems, [p.format() for p in problems]
    result = build(inputs)
    return result, [p for p in result.problems if p.severity == "error"]


@pytest.mark.parametrize("name", FAILURES)
def test_each_kind_of_failure_is_a_problem_at_the_module_line(tmp_path, name):
    body, line, words = FAILURES[name]
    root = site_with(tmp_path, {name: body})
    started = time.monotonic()
    result, errors = errors_of(root)
    assert time.monotonic() - started < BUILD_LIMIT
    assert len(errors) == 1, [p.format() for p in errors]
    problem = errors[0]
    assert (problem.path.name, problem.line) == (f"{name}.py", line), problem.format()
    assert words in problem.message, problem.format()
    assert problem.format().startswith(f"{root / 'charts' / name}.py:{line}:")
    assert result.failed(False)


def test_the_build_goes_on_and_reports_every_chart(tmp_path):
    charts = {name: FAILURES[name][0] for name in ("hard_exits", "raises", "segfaults", "prints", "loops")}
    root = site_with(tmp_path, {**charts, "fine": GOOD_RETURN})
    started = time.monotonic()
    result, errors = errors_of(root)
    assert time.monotonic() - started < BUILD_LIMIT  # one time limit, and worker restarts after each death
    assert sorted(p.path.stem for p in errors) == sorted(charts), [p.format() for p in errors]
    inputs, _ = read_inputs(root)
    store, _ = load_fact_store(inputs.data, inputs.settings.language)
    charts, _ = load_charts(inputs, store)
    assert charts.html["fine"] != FAILED and "charts/fine.svg" in charts.files  # made after the failures
    assert all(charts.html[name] == FAILED for name in FAILURES if name in charts.html)


def test_the_command_line_exits_1_and_writes_no_site(tmp_path):
    root = site_with(tmp_path, {"hard_exits": FAILURES["hard_exits"][0]})
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, str(PROJECT / "build.py"), "--root", str(root), "--out", str(out)],
                         capture_output=True, text=True, timeout=60, cwd=PROJECT)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "charts/hard_exits.py:1:1:" in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert not out.exists()


def test_the_chart_timeout_setting_is_checked(tmp_path):
    root = site_with(tmp_path, {})
    (root / "site.json").write_text('{"title": "t", "chart_timeout": "soon"}', encoding="utf-8")
    _, problems = read_inputs(root)
    assert [(p.path.name, p.line) for p in problems] == [("site.json", 1)]
    assert "chart_timeout" in problems[0].message


def test_the_preview_survives_a_chart_that_ends_its_process(tmp_path):
    root = site_with(tmp_path, {"fine": GOOD_RETURN})
    server = start_server(root, tmp_path / "serve.log")
    try:
        assert server.request("/plain.html")[0] == 200
        chart = root / "charts" / "fine.py"
        edit(chart, "    return", "    os._exit(0)\n    return")
        overlay = lambda: html.unescape(server.request("/plain.html")[1].decode())  # noqa: E731
        server.wait_until(lambda: "fine.py:7:" not in overlay() and "fine.py:1:" in overlay()
                          and "exit code 0" in overlay(), "the overlay naming the chart")
        assert b"chart-failed" not in server.request("/plain.html")[1]  # still the last good page
        edit(chart, "    os._exit(0)\n", "")
        server.wait_until(lambda: "exit code 0" not in overlay(), "the page after the fix")
        edit(chart, "    return", "    while True:\n        pass\n    return")
        server.wait_until(lambda: "did not finish within" in overlay(), "the overlay after a timeout", PREVIEW_WAIT)
        edit(chart, "    while True:\n        pass\n", "")
        server.wait_until(lambda: "did not finish within" not in overlay(), "the page after the second fix",
                          PREVIEW_WAIT)
        assert b'figure class="chart"' in server.request("/plain.html")[1]
    finally:
        stop(server.process)


def test_the_rebuilder_survives_even_a_system_exit_from_the_engine(tmp_path, monkeypatch):
    from explainer.preview.rebuild import Rebuilder

    root = site_with(tmp_path, {"fine": GOOD_RETURN})
    rebuilder = Rebuilder(root, strict=False)
    assert not rebuilder.rebuild(None).failed

    def exits(*arguments, **options):
        raise SystemExit(0)

    monkeypatch.setattr("explainer.preview.rebuild.build", exits)
    outcome = rebuilder.rebuild(None)
    assert outcome.failed and "SystemExit" in outcome.problems[0].message
    monkeypatch.undo()
    assert not rebuilder.rebuild(None).failed
