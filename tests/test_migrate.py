"""`python build.py migrate`: a site in the old form of the fact store (tests/sites/old-store/, written by hand
after the old format: data/sources.json, a "quote" on facts and rows) is moved to the current form, its
report lists exactly what is left to decide, and once those are decided it builds with --strict."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, SITES
from explainer.site_folder.migrate import migrate_texts, site_files
from explainer.store.loading import load_fact_store

OLD_STORE = SITES / "old-store"


def run(*arguments):
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *map(str, arguments)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=300)


def copy_of_old_store(tmp_path: Path) -> Path:
    return Path(shutil.copytree(OLD_STORE, tmp_path / "site", ignore=shutil.ignore_patterns(".cache", "site")))


def tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def notes(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if ": note: " in line]


def test_migrate_moves_the_old_store_and_lists_exactly_what_is_left_to_decide(tmp_path):
    site = copy_of_old_store(tmp_path)
    moved = run("migrate", "--root", site)
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.splitlines()[0] == (f"Migrated {site}: 3 source file(s) in data/sources/ with 3 excerpt(s), "
                                            "2 facts and series file(s) edited, data/sources.json removed.")
    assert notes(moved.stdout) == [
        "content/index.md:12:58: note: citation whose card changes: [@saudi-gazette-2025-05-16] will show the "
        'source\'s only excerpt, "residents"; check its words support this sentence (write '
        "[@saudi-gazette-2025-05-16#residents] to say so), or cite the fact they state.",
        'data/facts/overview.json:28:31: note: value no excerpt states: fact "arrivals-2020" is 229, which its words '
        'do not state as the build reads them: if it is their total, make it "derived": {"op": "sum", "of": '
        '["arrivals-2020-men", "arrivals-2020-women"]}, so its card shows the working; or add "acknowledged" saying '
        "how the value follows from them, or cite words that state it.",
        'data/sources/sbs-2021-01.json:3:3: note: translation to write: the title is in "ko"; add '
        '"title_translation" in the site\'s language ("en").',
        'data/sources/sbs-2021-01.json:11:5: note: translation to write: excerpt "arrivals-2020" is in "ko"; '
        'add "translation" in the site\'s language ("en").',
    ]
    assert not (site / "data" / "sources.json").exists()
    assert sorted(path.name for path in (site / "data" / "sources").iterdir()) == [
        "bangladeshi-help-2024-08.json", "saudi-gazette-2025-05-16.json", "sbs-2021-01.json"]

    # Until they are decided, the build stops at exactly those (the changed card is for the editor's eyes only).
    checked = run("check", "--strict", "--root", site)
    assert checked.returncode == 1
    stopped = sorted(line.split(": ", 1)[0] for line in checked.stderr.splitlines() if line.startswith("data/"))
    assert sorted(stopped) == sorted(["data/facts/overview.json:28:6", "data/sources/sbs-2021-01.json:1:1",
                                      "data/sources/sbs-2021-01.json:11:5"]), checked.stderr

    # The editor decides them (our translations, and how 229 follows from the words), then publishes.
    source_path = site / "data" / "sources" / "sbs-2021-01.json"
    source = source_path.read_text(encoding="utf-8")
    source = source.replace('"publisher"', '"title_translation": "229 defectors arrived last year… \\"a fall '
                            'because of COVID-19\\"",\n  "publisher"', 1)
    source = source.replace('남성이 72명"}', '남성이 72명", "translation": "By sex, 157 women and 72 men"}', 1)
    source_path.write_text(source, encoding="utf-8")
    facts_path = site / "data" / "facts" / "overview.json"
    facts = facts_path.read_text(encoding="utf-8").replace(
        '"excerpt": "arrivals-2020"}\n  ]',
        '"excerpt": "arrivals-2020",\n     "acknowledged": "the sum of the 157 women and 72 men it gives"}\n  ]')
    facts_path.write_text(facts, encoding="utf-8")
    built = run("--strict", "--url", "https://example.org/x/", "--root", site, "--out", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    assert built.stderr == ""
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "성별로는 여성이 157명, 남성이 72명" in page and "about 30,000" in page


def test_the_diff_shows_only_the_migration_and_every_quote_is_kept_verbatim(tmp_path):
    site = copy_of_old_store(tmp_path)
    old = {name: data.decode("utf-8") for name, data in tree(site).items()}
    assert run("migrate", "--root", site).returncode == 0
    new = {name: data.decode("utf-8") for name, data in tree(site).items()}
    # Facts and series files: only lines holding a quote or an as_of changed; every other line is as it was.
    for name in ("data/facts/overview.json", "data/series/arrivals-by-year.json"):
        before, after = old[name].splitlines(), new[name].splitlines()
        assert len(before) == len(after)
        changed = [(a, b) for a, b in zip(before, after) if a != b]
        assert changed and all('"quote"' in a or '"as_of"' in a for a, _ in changed), changed
    assert new["content/index.md"] == old["content/index.md"]
    # Every old record, field for field, is in the new form; each quote is now its excerpt's text.
    sources = {json.loads(new[name])["id"]: json.loads(new[name]) for name in new if name.startswith("data/sources/")}
    for old_source in json.loads(old["data/sources.json"])["sources"]:
        moved = sources[old_source["id"]]
        assert {key: value for key, value in moved.items() if key != "excerpts"} == old_source
        assert list(moved)[:-1] == list(old_source)  # the key order kept, excerpts last

    def words(record, default_source=None):
        source = sources[record.get("source", default_source)]
        return next(item["text"] for item in source["excerpts"] if item["id"] == record["excerpt"])

    old_facts = json.loads(old["data/facts/overview.json"])["facts"]
    new_facts = json.loads(new["data/facts/overview.json"])["facts"]
    for before, after in zip(old_facts, new_facts, strict=True):
        assert words(after) == before["quote"]
        rest = {key: value for key, value in before.items() if key != "quote"}
        if before["as_of"] == "July 1997 to July 2024":
            rest["as_of"] = {"start": "1997-07", "end": "2024-07"}
        assert {key: value for key, value in after.items() if key != "excerpt"} == rest
    old_series = json.loads(old["data/series/arrivals-by-year.json"])
    new_series = json.loads(new["data/series/arrivals-by-year.json"])
    (old_row,), (new_row,) = old_series["rows"], new_series["rows"]
    assert words(new_row) == old_row["quote"]
    assert new_row["source"] == old_series["source"]  # named beside the row's excerpt
    assert {k: v for k, v in new_row.items() if k not in ("excerpt", "source")} == \
        {k: v for k, v in old_row.items() if k != "quote"}
    # One quote cited four times is one excerpt.
    assert len(sources["sbs-2021-01"]["excerpts"]) == 1


@pytest.mark.parametrize("declared", [True, False])
def test_a_computed_series_total_is_kept_as_a_checked_sum_showing_its_parts(tmp_path, declared):
    # The 2020 row's words state its men and women, not the total 229: a computed cell. Declared in the old
    # series' sum_columns, it needs nothing; not declared, migrate finds it (the stated men and women add up to
    # it) and names it in sum_columns, so the build checks it against its parts and shows the working.
    site = copy_of_old_store(tmp_path)
    series_path = site / "data" / "series" / "arrivals-by-year.json"
    if not declared:
        series_path.write_text(series_path.read_text(encoding="utf-8").replace(
            '  "sum_columns": {"total": ["men", "women"]},\n', ""), encoding="utf-8")
    before = series_path.read_text(encoding="utf-8").splitlines()
    moved = run("migrate", "--root", site)
    assert not [line for line in notes(moved.stdout) if "arrivals-by-year" in line]
    after = series_path.read_text(encoding="utf-8").splitlines()
    computed = [line for line in moved.stdout.splitlines() if line.startswith("Computed total:")]
    if declared:
        assert computed == [] and len(after) == len(before)
    else:
        assert computed == ['Computed total: series "arrivals-by-year": total = men + women where its words do not '
                            'state it; added "sum_columns", so the build checks it against its parts and shows the '
                            "working."]
        assert after[9] == '  ],' and after[10] == '  "sum_columns": {"total": ["men", "women"]},'
        assert len(after) == len(before) + 1
    files = {path: path.read_text(encoding="utf-8") for path in (site / "data").rglob("*.json")}
    store, problems = load_fact_store(files, "en")
    assert not [p for p in problems if "arrivals-by-year" in p.message or p.path.parent.name == "series"]
    assert store.series["arrivals-by-year"].sum_columns == {"total": ("men", "women")}
    assert store.series["arrivals-by-year"].row_by_key("2020").values["total"] == 229


def test_migrate_refuses_a_site_already_in_the_current_form_and_changes_nothing(tmp_path):
    site = Path(shutil.copytree(SITES / "tiny", tmp_path / "tiny", ignore=shutil.ignore_patterns(".cache", "site")))
    before = tree(site)
    refused = run("migrate", "--root", site)
    assert refused.returncode == 2
    assert "already in the current form of the fact store" in refused.stderr and "nothing to migrate" in refused.stderr
    assert tree(site) == before


def test_a_migration_that_fails_writes_nothing(tmp_path):
    site = copy_of_old_store(tmp_path)
    facts = site / "data" / "facts" / "overview.json"
    facts.write_text(facts.read_text(encoding="utf-8").replace('"source": "bangladeshi-help-2024-08"',
                                                               '"source": "bangladeshi-help"'), encoding="utf-8")
    before = tree(site)
    failed = run("migrate", "--root", site)
    assert failed.returncode == 1
    assert ('data/facts/overview.json:20:7: fact "elite-protected-total" quotes unknown source "bangladeshi-help"'
            in failed.stderr)
    assert "Nothing was migrated" in failed.stderr
    assert tree(site) == before


def test_a_write_that_fails_half_way_puts_every_file_back(tmp_path, monkeypatch):
    site = copy_of_old_store(tmp_path)
    before = tree(site)
    files, language = site_files.read_site(site)
    migration = migrate_texts(site, files, language)
    real_replace, calls = os.replace, []

    def failing_replace(source, target):
        calls.append(target)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(site_files.os, "replace", failing_replace)
    with pytest.raises(OSError):
        site_files.write_all(migration)
    assert tree(site) == before
    assert not (site / "data" / "sources").exists()


def _load(path: str, text: str):
    return load_fact_store({Path(path): text}, "en")[1]


@pytest.mark.parametrize("path, text, line_col", [
    ("data/facts/x.json", '{"facts": [\n  {"id": "a", "value": 1, "unit": "people", "label": "A", "as_of": "2020",\n'
                          '   "source": "s", "quote": "1 person"}\n]}', "3:19"),
    ("data/series/s.json", '{"id": "s", "title": "S", "key": "year", "source": "s", "quote": "1 person",\n'
                           ' "columns": [{"name": "year", "label": "Year"}, {"name": "n", "label": "N"}],\n'
                           ' "rows": [{"year": "2020", "n": 1}]}', "1:57"),
    ("data/series/s.json", '{"id": "s", "title": "S", "key": "year", "source": "s",\n'
                           ' "columns": [{"name": "year", "label": "Year"}, {"name": "n", "label": "N"}],\n'
                           ' "rows": [{"year": "2020", "n": 1,\n   "quote": "1 person"}]}', "4:4"),
])
def test_an_old_field_names_the_migration_never_another_field(path, text, line_col):
    problems = [p for p in _load(path, text) if "quote" in p.message]
    assert [f"{p.line}:{p.col}" for p in problems] == [line_col]
    assert problems[0].message == ('unknown field "quote": a field of the old fact store; run python build.py '
                                   "migrate to move this site to the current one (docs/migrate.md).")
    assert "Did you mean" not in problems[0].message


def test_a_half_migrated_site_and_a_file_that_is_not_text_are_refused_and_left_alone(tmp_path):
    site = copy_of_old_store(tmp_path)
    (site / "data" / "sources").mkdir()
    (site / "data" / "sources" / "desk.json").write_text("{}", encoding="utf-8")
    before = tree(site)
    refused = run("migrate", "--root", site)
    assert refused.returncode == 2 and "half-migrated" in refused.stderr
    assert tree(site) == before
    (site / "data" / "sources" / "desk.json").unlink()
    (site / "data" / "sources").rmdir()
    (site / "data" / "facts" / "latin1.json").write_bytes('{"facts": [], "note": "Reykjavík"}'.encode("latin-1"))
    before = tree(site)
    failed = run("migrate", "--root", site)
    assert failed.returncode == 1
    assert "data/facts/latin1.json:1:1: this file is not UTF-8 text" in failed.stderr
    assert tree(site) == before
