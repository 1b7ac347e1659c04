"""`python build.py new DIR --edition LANG`: the starter with a second edition. For Korean, a prepared edition
that builds with --strict at once (its pages current, its words complete, the same figures as the English); for
another language, the edition set up to translate, with the next steps naming what the build will ask for; a
bad tag refused before anything is written; and a plain `new DIR` still exactly the one-edition starter."""
import importlib.util
import json
import re
import shlex
from pathlib import Path

from conftest import PROJECT
from test_new_site import printed_commands, run

from explainer.site_folder.scaffold import EDITIONS, STARTER
from explainer.store.loading import load_fact_store

KOREAN = EDITIONS / "ko"


def facts_cited(html):
    return sorted(re.findall(r'data-fact="([^"]+)"', html))


def test_new_with_the_korean_edition_builds_both_editions_with_strict_by_the_command_it_prints(tmp_path):
    started = run("new", tmp_path / "two", "--edition", "ko")
    assert started.returncode == 0, started.stderr
    folder = (tmp_path / "two").resolve()
    build = printed_commands(started.stdout)[0]
    assert build[2:] == ["--root", str(folder), "--strict"]
    built = run(*build[2:])
    assert built.returncode == 0, built.stderr
    # Not one warning, and no note that a translation is out of date: the prepared pages translate the English
    # starter pages as they are.
    assert built.stderr == "", built.stderr
    assert json.loads((folder / "site.json").read_text(encoding="utf-8"))["editions"] == ["en", "ko"]
    site = folder / "site"
    for name in ("index.html", "loans.html"):
        english, korean = ((site / name).read_text(encoding="utf-8"), (site / "ko" / name).read_text(encoding="utf-8"))
        assert '<html lang="ko"' in korean and '<html lang="en"' in english
        assert facts_cited(korean) == facts_cited(english) != []
        assert 'hreflang="en"' in korean and 'hreflang="ko"' in english
    korean_chapter = (site / "ko" / "loans.html").read_text(encoding="utf-8")
    assert "해마다 빌려준 책" in korean_chapter and "48,250" in korean_chapter  # the chart's Korean words, a figure
    assert "예시 마을 도서관의 대출" in (site / "ko" / "index.html").read_text(encoding="utf-8")  # edition_settings


def test_the_korean_pages_record_exactly_what_the_translations_command_writes(tmp_path):
    started = run("new", tmp_path / "two", "--edition", "ko")
    pages = tmp_path / "two" / "content" / "ko"
    assert sorted(path.name for path in pages.iterdir()) == ["index.md", "loans.md"]
    before = {path.name: path.read_bytes() for path in pages.iterdir()}
    assert all(b"\ntranslated_from: " in text for text in before.values())
    # The next steps' command, as printed: it records the page as it is now, which changes nothing.
    accept = next(shlex.split(line) for line in started.stdout.splitlines() if "--accept" in line)
    assert Path(accept[-1]) == (pages / "loans.md").resolve()
    recorded = run(*accept[2:], "--accept", pages / "index.md")
    assert recorded.returncode == 0, recorded.stderr
    assert {path.name: path.read_bytes() for path in pages.iterdir()} == before
    for named in (str(pages.resolve()), "content/ko/", "WORDS", "edition_settings", "docs/editions.md"):
        assert named in started.stdout, named


def without_korean(value):
    """A data/ value with its Korean words taken out: {"en": x, "ko": y} is x, {"ko": y} is not there at all."""
    is_text = isinstance(value, dict) and value and set(value) <= {"en", "ko"}
    if is_text and all(isinstance(words, str) for words in value.values()):
        return value.get("en")
    if isinstance(value, dict):
        return {key: without_korean(item) for key, item in value.items() if without_korean(item) is not None}
    if isinstance(value, list):
        return [without_korean(item) for item in value]
    return value


def test_the_prepared_data_files_are_the_starters_with_korean_words_added():
    overlaid = sorted(path.relative_to(KOREAN) for path in (KOREAN / "data").rglob("*.json"))
    assert overlaid == sorted(path.relative_to(STARTER) for path in (STARTER / "data").rglob("*.json"))
    for relative in overlaid:
        prepared = json.loads((KOREAN / relative).read_text(encoding="utf-8"))
        assert without_korean(prepared) == json.loads((STARTER / relative).read_text(encoding="utf-8")), relative


def chart_module(path):
    spec = importlib.util.spec_from_file_location(f"starter_chart_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_prepared_chart_draws_the_starters_chart_in_english():
    files = {path: path.read_text(encoding="utf-8") for path in (STARTER / "data").rglob("*.json")}
    store, problems = load_fact_store(files)
    assert not problems, problems
    starter = chart_module(STARTER / "charts" / "loans.py").chart(store)
    prepared = chart_module(KOREAN / "charts" / "loans.py").chart(store)
    for field in ("title", "caption", "alt", "columns", "rows", "cites"):
        assert getattr(prepared, field) == getattr(starter, field), field
    assert prepared.chart.to_dict() == starter.chart.to_dict()


def test_new_without_an_edition_writes_exactly_the_one_edition_starter(tmp_path):
    # test_new_site.py builds this starter with --strict; here: no file of the prepared editions comes with it.
    assert run("new", tmp_path / "one").returncode == 0
    written = {path.relative_to(tmp_path / "one"): path.read_bytes()
               for path in (tmp_path / "one").rglob("*") if path.is_file()}
    starter = {path.relative_to(STARTER): path.read_bytes() for path in STARTER.rglob("*")
               if path.is_file() and EDITIONS not in path.parents and "__pycache__" not in path.parts}
    assert written == starter
    assert "editions" not in json.loads(written[Path("site.json")])
    assert not (tmp_path / "one" / "editions").exists() and not (tmp_path / "one" / "content" / "ko").exists()


def test_new_refuses_a_tag_that_is_no_language_before_writing_anything(tmp_path):
    for tag, said in (("xx", "not a language tag"), ("ko_KR", 'with "-" between its parts'),
                      ("en", 'the starter is in "en" already'), ("", "not a language tag"),
                      ("de-CH-1996", "knows de-CH, not de-CH-1996")):
        refused = run("new", tmp_path / "new", "--edition", tag)
        assert refused.returncode == 2, tag
        assert said in refused.stderr and "--edition" in refused.stderr and refused.stdout == "", refused.stderr
        assert not (tmp_path / "new").exists(), tag
    misplaced = run("check", "--root", tmp_path, "--edition", "ko")
    assert misplaced.returncode == 2 and "--edition goes with `new`" in misplaced.stderr


def test_a_korean_tag_with_a_region_gets_the_prepared_edition_under_its_own_tag(tmp_path):
    assert run("new", tmp_path / "kr", "--edition", "KO-kr").returncode == 0
    settings = json.loads((tmp_path / "kr" / "site.json").read_text(encoding="utf-8"))
    assert settings["editions"] == ["en", "ko-KR"] and "ko-KR" in settings["edition_settings"]
    assert (tmp_path / "kr" / "content" / "ko-KR" / "loans.md").is_file()


def test_another_language_is_set_up_to_translate_and_the_build_names_what_the_next_steps_list(tmp_path):
    started = run("new", tmp_path / "fr", "--edition", "fr")
    assert started.returncode == 0, started.stderr
    folder = tmp_path / "fr"
    assert json.loads((folder / "site.json").read_text(encoding="utf-8"))["editions"] == ["en", "fr"]
    assert list((folder / "content" / "fr").iterdir()) == []
    assert "WORDS = {" in (folder / "charts" / "loans.py").read_text(encoding="utf-8")
    steps = started.stdout
    for named in ("content/fr/index.md", "content/fr/loans.md", '"edition_settings": {"fr"', "translations --root",
                  "--strict", "pybabel", "-l fr", str(PROJECT / "locale" / "fr" / "LC_MESSAGES" / "messages.po")):
        assert named in steps, named
    # Before any page is translated the site builds, with warnings: the French edition's home links lead to its
    # notice's section for the home page, as its switcher does, until content/fr/index.md is written.
    without_home = run("--root", folder)
    assert without_home.returncode == 0, without_home.stderr
    assert not (folder / "site" / "fr" / "index.html").exists()
    assert '<a class="site-title" href="untranslated.html#index">' in (
        folder / "site" / "fr" / "sources.html").read_text(encoding="utf-8")
    (folder / "content" / "fr" / "index.md").write_text(
        "---\ntitle: Les prêts de la bibliothèque\norder: 0\n---\nLa bibliothèque a prêté {{loans-2024}} livres "
        "en 2024 [@example-town-library#before-the-move].\n\n`{{loans-2024}}`, "
        "`[@example-town-library#before-the-move]`.\n", encoding="utf-8")
    assert run("translations", "--root", folder).returncode == 0
    built = run("--root", folder)
    assert built.returncode == 0, built.stderr
    assert '<a class="site-title" href="index.html">' in (folder / "site" / "fr" / "sources.html").read_text(
        encoding="utf-8")
    warned = {line.split(":")[0] for line in built.stderr.splitlines() if ": warning: " in line}
    assert warned, built.stderr
    for path in warned:  # each file the build names is one the next steps list
        assert re.search(rf"^    {re.escape(path)} ", steps, re.MULTILINE), path
    assert run("--root", folder, "--strict").returncode == 1
