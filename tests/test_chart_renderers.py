"""Pictures rendered in the renderer processes (charts/renderers.py) are the pictures this process renders, byte for
byte; a renderer that dies costs time, never a picture."""
from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import PROJECT
from explainer.charts import renderers, svg as pictures
from explainer.charts.spec import static_spec
from explainer.charts.theme import configs as theme_configs
from explainer.incremental.disk_store import DiskCache

pytestmark = pytest.mark.skipif((os.cpu_count() or 1) < 2 or "forkserver" not in multiprocessing.get_all_start_methods(),
                                reason="renderers run only with two cores and a fork server")

ROWS = [{"year": year, "people": people} for year, people in ((2021, 63), (2022, 67), (2023, 196), (2024, 236))]
CARD = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#fdfcf8"/>'
        '<text x="4" y="24" font-size="16" fill="#1a1a1a">{}</text></svg>')


def spec(scheme: str = "light", width: int = 328) -> dict:
    configs = theme_configs()
    return static_spec({"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"name": "rows"},
                        "datasets": {"rows": ROWS}, "mark": {"type": "bar", "clip": True},
                        "encoding": {"x": {"field": "year", "type": "ordinal", "title": "Year"},
                                     "y": {"field": "people", "type": "quantitative", "title": "People"}},
                        "autosize": {"type": "fit-x", "contains": "padding"}, "width": "container",
                        "config": configs["light"], "usermeta": {"darkConfig": configs["dark"]}}, scheme, width)


def rendered_by_renderers(jobs: dict, cache: DiskCache) -> pictures.Rendered:
    renderers.start()
    assert renderers._running is not None
    rendering = pictures.PictureRendering(cache)
    rendering.add(jobs)
    return rendering.finish()


def test_a_renderer_and_this_process_render_the_same_bytes(tmp_path):
    jobs = {(scheme, width): pictures.PictureJob(spec(scheme, width)) for scheme in ("light", "dark")
            for width in (328, 640)}
    made = rendered_by_renderers(jobs, DiskCache(tmp_path / "a"))
    assert made.errors == {} and made.fresh == set(jobs)
    here = {name: pictures._render_picture(job.spec) for name, job in jobs.items()}  # this process, its engine warm
    assert {name: svg for name, (svg, _) in here.items()} == made.pictures
    cards = {f"{index}.png": CARD.format(word) for index, word in enumerate(("one", "two", "세 개"))}
    assert pictures.render_cards(cards, DiskCache(tmp_path / "c")).pictures == \
        {path: pictures.render_card(svg)[0] for path, svg in cards.items()}


def test_a_free_renderer_takes_what_the_build_waits_for_before_what_it_collects_later():
    """A picture (NOW) goes before the cards and the runtime (LATER) that came before it."""
    renderers.start()
    busy = [renderers.submit(time.sleep, 0.5) for _ in range(renderers._running.alive)]
    deadline = time.monotonic() + 30
    while not all(job.running() for job in busy) and time.monotonic() < deadline:
        time.sleep(0.01)
    later = [renderers.submit(time.sleep, 1.0, renderers.LATER) for _ in busy]
    now = renderers.submit(abs, -1)
    assert now.result(timeout=30) == 1
    assert not any(job.done() for job in later)  # none started before the picture, and each takes a second
    for job in busy + later:
        job.result(timeout=30)


def test_a_renderer_that_dies_leaves_its_work_to_this_process(tmp_path):
    renderers.start()
    running = renderers._running
    assert running is not None
    for process in running.processes:
        os.kill(process.pid, signal.SIGKILL)
        process.join()
    cards = {f"{index}.png": CARD.format(word) for index, word in enumerate(("kept", "whole", "all", "of them"))}
    rendered = pictures.render_cards(cards, DiskCache(tmp_path))
    assert rendered.errors == {} and rendered.pictures == {path: pictures.render_card(svg)[0]
                                                           for path, svg in cards.items()}
    assert renderers._running is None  # none left: the next chart stage starts new ones
    renderers.start()
    assert renderers._running is not None and renderers._running is not running


def test_renderers_end_with_the_program_however_it_ends():
    """Ctrl+C ends the command with os._exit (cli.py): its renderers end too, and with them the fork server."""
    program = subprocess.run([sys.executable, "-c", PROGRAM], cwd=PROJECT, capture_output=True, text=True, timeout=60)
    assert program.returncode == 3 and program.stderr == ""  # nothing left behind (no semaphore, no traceback)
    renderer_ids = [int(pid) for pid in program.stdout.split()]
    assert len(renderer_ids) >= 2
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in renderer_ids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in renderer_ids)


PROGRAM = """
import os, sys
from explainer.charts import renderers
if __name__ == "__main__":
    renderers.start()
    print(*(process.pid for process in renderers._running.processes), flush=True)
    os._exit(3)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
