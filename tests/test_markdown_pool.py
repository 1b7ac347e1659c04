"""Markdown converted on every core (explainer/prose/markdown_pool.py) gives what converting one page after the other
gives, in the same order: HTML, references, facts used, and the problems to report, a too-deep page included."""
from __future__ import annotations

import dataclasses
from concurrent.futures.process import BrokenProcessPool

import pytest

from conftest import PROJECT
from explainer.prose import markdown_pool
from explainer.effects import worker_pool
from explainer.site_folder.inputs import read_inputs
from explainer.prose.markdown_pool import Converter, convert_all
from explainer.pipeline import build
from explainer.store.loading import load_fact_store

PAGES = 40


@pytest.fixture(scope="module")
def project():
    inputs, problems = read_inputs(PROJECT)
    assert not problems
    store, _ = load_fact_store(inputs.data, inputs.settings.language)
    bodies = [text.split("\n---\n", 1)[1] for _, text in sorted(inputs.content.items())]
    return inputs, store, bodies


def bodies_of_every_kind(bodies: list[str]) -> list[str]:
    """The project's chapters, one with an unknown id and a typed number, one nested past the recursion limit."""
    broken = "A figure typed by hand: 4,321 people, and {{no-such-fact}}.\n"
    deep = "".join("  " * level + "- item\n" for level in range(1200))
    return (bodies * (PAGES // len(bodies) + 1))[:PAGES] + [broken, deep, bodies[0]]


def test_the_pool_gives_what_one_after_the_other_gives(project, monkeypatch):
    _, store, bodies = project
    monkeypatch.setattr(markdown_pool, "POOL_MIN_PAGES", 2)
    used = []
    real = worker_pool.map_in_workers
    monkeypatch.setattr(markdown_pool, "map_in_workers", lambda *arguments: used.append(real(*arguments)) or used[-1])
    pages = bodies_of_every_kind(bodies)
    pooled = convert_all(pages, store, {})
    assert used and used[0] is not None  # the workers converted them
    converter = Converter(store, {})
    serial = [converter.convert(body) for body in pages]
    assert [dataclasses.asdict(result) for result in pooled] == [dataclasses.asdict(result) for result in serial]
    assert pooled[-2].too_deep and not pooled[-1].too_deep and pooled[-1].html == pooled[0].html
    assert [mention.name for mention in pooled[-3].unknown] == ["no-such-fact"]
    assert [mention.token for mention in pooled[-3].bare_numbers] == ["4,321"]


def test_few_pages_are_converted_here_without_a_pool(project, monkeypatch):
    _, store, bodies = project
    monkeypatch.setattr(worker_pool, "ProcessPoolExecutor",
                        lambda *arguments, **options: pytest.fail("started a pool for few pages"))
    assert len(convert_all(bodies, store, {})) == len(bodies)


def test_a_pool_that_breaks_falls_back_to_converting_here(project, monkeypatch):
    _, store, bodies = project
    monkeypatch.setattr(markdown_pool, "POOL_MIN_PAGES", 2)
    class Breaking:
        def __init__(self, *arguments, **options):
            raise BrokenProcessPool("a worker died")

    monkeypatch.setattr(worker_pool, "ProcessPoolExecutor", Breaking)
    assert [result.html for result in convert_all(bodies, store, {})] == \
        [Converter(store, {}).convert(body).html for body in bodies]


def test_the_site_built_with_the_pool_is_byte_identical(monkeypatch):
    inputs, _ = read_inputs(PROJECT)
    monkeypatch.setattr(markdown_pool, "POOL_MIN_PAGES", 10**9)
    serial = build(inputs)
    monkeypatch.setattr(markdown_pool, "POOL_MIN_PAGES", 2)
    pooled = build(inputs)
    assert not pooled.failed(strict=False)
    assert pooled.files == serial.files
    assert [problem.format() for problem in pooled.problems] == [problem.format() for problem in serial.problems]
