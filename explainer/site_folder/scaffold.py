"""`python build.py new DIR`: start a new explainer from the starter site in explainer/site_folder/starter/.

The starter is an ordinary site folder (home page, one chapter, a source with excerpts, facts of each kind, a
series and a line chart over it), kept as files so it can be read, edited and built like any other site; the
tests build it with --strict, so it can never fall out of step with the engine. Its topic, a made-up town's
library, is plainly invented, so no figure of it can be mistaken for a real one.
"""
from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

STARTER = Path(__file__).resolve().parent / "starter"
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


def next_steps(folder: Path) -> str:
    """What `new` prints: how to build and preview the new site, and which files to edit. The commands name
    this interpreter and this project's build.py in full, and the folder absolutely, so they can be pasted as
    they are into any terminal."""
    width = max(len(name) for name, _ in FILES_TO_EDIT) + 2
    files = "\n".join(f"    {name:<{width}}{what}" for name, what in FILES_TO_EDIT)
    folder = folder.resolve()
    build = f"{shlex.quote(sys.executable)} {shlex.quote(str(PROJECT / 'build.py'))}"
    root = shlex.quote(str(folder))
    return (f"Started a new explainer in {folder}. Build it, then preview it while you edit:\n\n"
            f"    {build} --root {root} --strict\n    {build} serve --root {root}\n\n"
            f"Its figures are invented (a made-up town's library): replace them with your own. In {folder}/, "
            f"edit:\n\n{files}\n\n{PROJECT / 'README.md'}, section \"Start a new explainer\", walks through each "
            f"file; {PROJECT / 'docs' / 'fact-store.md'} gives every field.")


def write_starter(folder: Path) -> str | None:
    """Copy the starter site into folder; or, without writing anything, say why not."""
    if folder.exists() and not folder.is_dir():
        return "this is a file: name a new folder for the explainer."
    if folder.is_dir() and any(folder.iterdir()):
        return ("this folder is not empty, and a new explainer is never written over other files: name a new "
                "or empty folder.")
    try:
        shutil.copytree(STARTER, folder, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "site", ".cache"))
    except OSError as error:
        return f"cannot write the starter site here: {error.strerror or error}."
    return None
