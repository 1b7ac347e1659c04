"""Files rendered from templates in the pool's workers (render/template_pool.py) are the files rendered in the
build's own process, and the memo keeps them with the reads the workers recorded: an edit after a pooled build
makes again exactly what a clean build makes. The pool is forced here (two workers, from the first file): the
fixture sites are far below the hundred files that start it in a real build."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from conftest import PROJECT, SITES
from explainer.cli import main
from explainer.render import template_pool, templates


def files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "editions"
    shutil.copytree(SITES / "two-editions", root, ignore=shutil.ignore_patterns(".cache"))
    shutil.copytree(PROJECT / "templates", root / "templates")  # its own, so a template edit stays here
    return root


@pytest.fixture
def pooled(monkeypatch) -> list[int]:
    """Force the pool for every batch of files; returns how many files each batch rendered in workers."""
    monkeypatch.setattr(template_pool, "POOL_MIN_FILES", 1)
    monkeypatch.setattr("explainer.effects.worker_pool.worker_count", lambda: 2)
    batches: list[int] = []
    real = templates.render_in_workers

    def counting(folders, view, jobs, record):
        rendered = real(folders, view, jobs, record)
        assert rendered is not None, "the pool could not be used"
        batches.append(0)
        for done in rendered:  # handed on as they come, counted as they pass
            batches[-1] += done is not None and done.text is not None
            yield done

    monkeypatch.setattr(templates, "render_in_workers", counting)
    return batches


def build(root: Path, out: Path, *options: str) -> dict[str, bytes]:
    assert main(["build", "--root", str(root), "--out", str(out), *options]) == 0
    return files(out)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_pooled_files_are_the_files_rendered_in_process(site, tmp_path, monkeypatch):
    in_process = build(site, tmp_path / "here", "--no-cache")
    batches: list[int] = []
    real = templates.render_in_workers
    monkeypatch.setattr(template_pool, "POOL_MIN_FILES", 1)
    monkeypatch.setattr("explainer.effects.worker_pool.worker_count", lambda: 2)
    monkeypatch.setattr(templates, "render_in_workers",
                        lambda *arguments, **options: batches.append(1) or real(*arguments, **options))
    assert build(site, tmp_path / "pooled", "--no-cache") == in_process
    assert batches  # the workers really rendered them


def test_an_edit_after_a_pooled_build_remakes_what_a_clean_build_makes(site, tmp_path, pooled):
    first = build(site, tmp_path / "cached")
    assert sum(pooled) >= 10  # every page of both editions, the outputs
    # A fact's label: shown in its cards (Markdown) and on the Data and Sources pages (templates), in English.
    facts = next((site / "data" / "facts").glob("*.json"))
    text = facts.read_text(encoding="utf-8")
    label = text.split('"label": "', 1)[1].split('"', 1)[0]
    edit(facts, f'"label": "{label}"', f'"label": "{label}, edited"')
    pooled.clear()
    cached = build(site, tmp_path / "cached")
    assert cached == build(site, tmp_path / "clean", "--no-cache")
    assert cached != first
    assert any(f"{label}, edited".encode() in data for name, data in cached.items() if name.endswith(".html"))
    # A template edit: every file from it is rendered again, and again equals a clean build.
    edit(site / "templates" / "page.html", "{% block main %}", "{% block main %}<!-- edited -->")
    cached = build(site, tmp_path / "cached")
    assert cached == build(site, tmp_path / "clean2", "--no-cache")
    assert b"<!-- edited -->" in cached["index.html"]


def test_an_error_in_a_pooled_file_is_reported_at_its_template_line(site, tmp_path, pooled, capsys):
    edit(site / "templates" / "page.html", "{% block main %}", "{% block main %}{{ page.no_such_field.x }}")
    assert main(["build", "--root", str(site), "--out", str(tmp_path / "out"), "--no-cache"]) == 1
    said = capsys.readouterr().err
    assert "templates/page.html:" in said and "while rendering index.html" in said
    assert "Traceback" not in said


def test_jobs_the_pool_did_not_give_are_rendered_here():
    """A worker that died ends the pool's results early (worker_pool.each_in_workers): each missing one is None,
    which _render_all renders here. A context that cannot be pickled means no pool at all."""
    given = [template_pool.Rendered("<p>one</p>", {}, True)]
    assert list(template_pool._every_job((done for done in given), 3)) == [given[0], None, None]

    @dataclasses.dataclass
    class View:
        _memo: dict

    jobs = [("page.html", {"when": lambda: "unpicklable"})] * template_pool.POOL_MIN_FILES
    assert template_pool.render_in_workers((), View({}), jobs, record=True) is None
