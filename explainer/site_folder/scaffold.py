"""`python build.py new DIR [--edition LANG]`: start a new explainer from the starter site in
explainer/site_folder/starter/.

The starter is an ordinary site folder (home page, one chapter, a source with excerpts, facts of each kind, a
series and a line chart over it), kept as files so it can be read, edited and built like any other site; the
tests build it with --strict, so it can never fall out of step with the engine. Its topic, a made-up town's
library, is plainly invented, so no figure of it can be mistaken for a real one.

`--edition LANG` starts it with a second edition (docs/editions.md). starter/editions/ holds the prepared ones,
never copied as they are: editions/ko/ is the starter in Korean, laid out as the site folder (its content/ is the
edition's content/ko/; its data/ and charts/ files replace the starter's with the same figures and English words
plus the Korean ones; edition_settings.json is its title and description). Its pages record, in
`translated_from`, the English pages they translate, as `python build.py translations` wrote them: a new site
whose English page has changed since shows the translation as out of date, which the tests catch (to bring one
up to date: `new` a site with `--edition ko`, edit its page, run `translations --accept` on it, copy it back). Another
language gets the edition's settings, an empty content/LANG/ and the chart's words in a table, and `new` lists
what to translate. A plain `new DIR` writes exactly the one-edition starter.
"""
from __future__ import annotations

import json
import shlex
import shutil
import sys
from pathlib import Path

from babel import Locale, UnknownLocaleError

from ..render.words import SOURCE, words_for
from ..store.facts import same_language

STARTER = Path(__file__).resolve().parent / "starter"
EDITIONS = STARTER / "editions"
# The starter's chart with its words in a WORDS table, as a site with several editions needs it.
CHART_WITH_WORDS = Path("charts") / "loans.py"
# This project's folder: its build.py, README.md and docs/ are named in full in the next steps, so they work as
# printed from anywhere (the new folder, another terminal) and without the virtual environment active.
PROJECT = Path(__file__).resolve().parents[2]

# What to edit next, in order: the files of the starter, and what each holds.
FILES_TO_EDIT = (
    ("site.json", "the site's title, description, language and url (the address it is published at)"),
    ("data/sources/example-town-library.json", "a source: who published it, and its words verbatim (excerpts)"),
    ("data/facts/loans.json", "facts: stated in an excerpt, a cell of a series, derived, approximate"),
    ("data/series/loans-by-year.json", "a table of figures, each row citing its source"),
    ("charts/loans.py", "a line chart over the series (how to write one: "
                        f"{PROJECT / 'charts' / 'README.md'})"),
    ("content/index.md, content/loans.md", "the home page and a chapter: {{fact-id}} inserts a fact"),
)

# The words readers see of a second edition in a language with no prepared edition, beside its pages: each file's,
# as the build names them until they are translated.
WORDS_TO_TRANSLATE = (
    ("data/facts/loans.json", 'each fact\'s "label", and the "note" of card-holders'),
    ("data/series/loans-by-year.json", '"title", "description", each column\'s "label", the 2019 row\'s "note"'),
    ("data/sources/example-town-library.json", '"note"; our translations: "title_translation", each excerpt\'s '
                                               '"translation"'),
    ("charts/loans.py", "each entry of WORDS, once a page of the edition shows the chart (the Korean words "
                        "are an example)"),
)


def edition_tag(text: str) -> tuple[str | None, str | None]:
    """(the tag as site.json and content/ write it, None), or (None, why it cannot be the second edition)."""
    try:
        locale = Locale.parse(text, sep="-")
    except (ValueError, UnknownLocaleError):
        locale = None
    tag = "-".join(part for part in (locale.language, locale.script, locale.territory) if part) if locale else ""
    if tag and tag.lower() != text.lower():  # Babel dropped a part it does not know ("de-CH-1996")
        return None, f"--edition {text}: CLDR (through Babel) knows {tag}, not {text}: give {tag}."
    if not tag:
        parts = ' with "-" between its parts, not "_"' if "_" in text else ""
        return None, (f"--edition {text!r}: not a language tag that CLDR (through Babel) knows: give a BCP 47 tag"
                      f'{parts}, e.g. "ko", "fr", "pt-BR" or "zh-Hant".')
    if same_language(tag, _starter_language()):
        return None, (f'--edition {text}: the starter is in "{_starter_language()}" already: name the language of '
                      'the second edition, e.g. "ko".')
    return tag, None


def prepared_edition(tag: str) -> Path | None:
    """The prepared edition of the language of tag ("ko" also for "ko-KR"), or None."""
    folder = EDITIONS / tag.split("-")[0].lower()
    return folder if folder.is_dir() else None


def next_steps(folder: Path, tag: str | None = None) -> str:
    """What `new` prints: how to build and preview the new site, and which files to edit. The commands name
    this interpreter and this project's build.py in full, and the folder absolutely, so they can be pasted as
    they are into any terminal."""
    width = max(len(name) for name, _ in FILES_TO_EDIT) + 2
    files = "\n".join(f"    {name:<{width}}{what}" for name, what in FILES_TO_EDIT)
    folder = folder.resolve()
    build = f"{shlex.quote(sys.executable)} {shlex.quote(str(PROJECT / 'build.py'))}"
    root = shlex.quote(str(folder))
    first = f"Started a new explainer in {folder}. Build it, then preview it while you edit:"
    if tag is not None and prepared_edition(tag) is None:  # it builds, with a warning for each word to translate
        commands = f"    {build} --root {root}\n    {build} serve --root {root}"
    else:
        commands = f"    {build} --root {root} --strict\n    {build} serve --root {root}"
    steps = (f"{first}\n\n{commands}\n\n"
             f"Its figures are invented (a made-up town's library): replace them with your own. In {folder}/, "
             f"edit:\n\n{files}\n\n{PROJECT / 'README.md'}, section \"Start a new explainer\", walks through each "
             f"file; {PROJECT / 'docs' / 'fact-store.md'} gives every field.")
    if tag is None:
        return steps
    return f"{steps}\n\n{_edition_steps(folder, tag, build, root)}"


def _edition_steps(folder: Path, tag: str, build: str, root: str) -> str:
    """The next steps' paragraph on the second edition: where its pages are, and how to keep them current."""
    name = Locale.parse(tag.split("-")[0]).get_display_name(_starter_language())  # "Korean", also for ko-KR
    pages = folder / "content" / tag
    accept = shlex.quote(str(pages / "loans.md"))
    guide = PROJECT / "docs" / "editions.md"
    prepared = prepared_edition(tag)
    if prepared is not None:  # its words in data/ and the chart are under the language's tag, "ko" for ko-KR too
        return (f"The {name} edition ({tag}) is the same site in {name}: its pages are in {pages}/ (published "
                f"under {tag}/), the same file names as content/. Its words for the data are beside the English "
                f'ones in data/ ({{"en": "…", "{prepared.name}": "…"}}), the chart\'s in the WORDS table of '
                f'charts/loans.py, its title and description in site.json\'s "edition_settings". When you change '
                f"an English page, the build names its {name} page as out of date: bring that page up to date, then "
                f"record it:\n\n"
                f"    {build} translations --root {root} --accept {accept}\n\n"
                f"A new page: write it in content/ and in content/{tag}/ with the same facts, then record it with "
                f"`{build} translations --root {root}`. {guide} tells how editions work.")
    listed = [*WORDS_TO_TRANSLATE]
    catalogue = ""
    if words_for(tag) is SOURCE:  # the theme's words come from the project's catalogue of the language
        locale = PROJECT / "locale"
        language = tag.split("-")[0].lower()
        listed.append((str(locale / language / "LC_MESSAGES" / "messages.po"),
                       'the theme\'s words ("Sources", "Previous"): this project has none yet'))
        pybabel = shlex.quote(str(Path(sys.executable).parent / "pybabel"))
        catalogue = (f"\n\nStart the catalogue from the project's template, then translate each message "
                     f"({PROJECT / 'docs' / 'themes.md'}, \"Words readers see\"):\n\n"
                     f"    {pybabel} init -i {shlex.quote(str(locale / 'messages.pot'))} -d "
                     f"{shlex.quote(str(locale))} -l {language}")
    width = max(len(path) for path, _ in listed) + 2
    words = "\n".join(f"    {path:<{width}}{what}" for path, what in listed)
    return (f"A {name} edition ({tag}) is set up (site.json \"editions\"), with no page yet. Write each page in "
            f"{pages}/, fresh in {name}, from the English page of the same name, with the same facts "
            f"({{{{loans-2024}}}}) and charts ({{{{chart:loans}}}}): content/{tag}/index.md first (until it is "
            f"there, the edition's links to its home page lead to its notice of the pages not yet translated), then "
            f"content/{tag}/loans.md. Record what each translates:\n\n"
            f"    {build} translations --root {root}\n\n"
            f"Then give the words readers see beside the pages in {name}. Until each has them, the {tag} edition "
            f"shows the English words, and the build names each with a warning ('has no \"{tag}\" words', "
            f"'has no \"{tag}\" translation'), an error under --strict:\n\n{words}{catalogue}\n\n"
            f"The build does not check the edition's title and description: give them in site.json, "
            f'"edition_settings": {{"{tag}": {{"title": "…", "description": "…"}}}}. {guide} tells how '
            "editions work.")


def write_starter(folder: Path, tag: str | None = None) -> str | None:
    """Copy the starter site into folder, with a second edition in tag's language (as edition_tag gives it) if
    given; or, without writing anything, say why not."""
    if folder.exists() and not folder.is_dir():
        return "this is a file: name a new folder for the explainer."
    if folder.is_dir() and any(folder.iterdir()):
        return ("this folder is not empty, and a new explainer is never written over other files: name a new "
                "or empty folder.")
    try:
        shutil.copytree(STARTER, folder, dirs_exist_ok=True, ignore=_not_copied)
        if tag is not None:
            _add_edition(folder, tag)
    except OSError as error:
        return f"cannot write the starter site here: {error.strerror or error}."
    return None


def _not_copied(directory: str, names: list[str]) -> set[str]:
    """What copytree leaves out: what a build or Python made, and the prepared editions (merged in by name)."""
    left_out = shutil.ignore_patterns("__pycache__", "site", ".cache")(directory, names)
    return left_out | ({EDITIONS.name} if Path(directory) == STARTER else set())


def _add_edition(folder: Path, tag: str) -> None:
    """Make the starter in folder a site of two editions, the starter's language and tag's."""
    prepared = prepared_edition(tag)
    settings_path = folder / "site.json"
    settings = json.loads(settings_path.read_text(encoding="utf-8"))
    settings["editions"] = [settings["language"], tag]
    (folder / "content" / tag).mkdir(parents=True)
    if prepared is None:
        shutil.copyfile(EDITIONS / "ko" / CHART_WITH_WORDS, folder / CHART_WITH_WORDS)
    else:
        settings["edition_settings"] = {tag: json.loads((prepared / "edition_settings.json").read_text("utf-8"))}
        for path in sorted(prepared.rglob("*")):
            relative = path.relative_to(prepared)
            if path.is_dir() or "__pycache__" in relative.parts or relative.name == "edition_settings.json":
                continue
            if relative.parts[0] == "content":
                relative = Path("content", tag, *relative.parts[1:])
            shutil.copyfile(path, folder / relative)
    # As the starter's site.json is written, one setting a line, and a list on the line of its name.
    lines = (f"  {json.dumps(key)}: "
             + json.dumps(value, ensure_ascii=False, indent=None if isinstance(value, list) else 2).replace("\n", "\n  ")
             for key, value in settings.items())
    settings_path.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")


def _starter_language() -> str:
    return json.loads((STARTER / "site.json").read_text(encoding="utf-8"))["language"]
