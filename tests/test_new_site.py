"""`python build.py new DIR`: a starter site that builds and passes --strict at once, by the commands `new` prints,
run as printed from anywhere; a folder never overwritten; and pyproject.toml in step with the requirements a new
user installs."""
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import PROJECT


def run(*arguments, cwd=PROJECT):
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *map(str, arguments)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def printed_commands(stdout):
    """The commands `new` prints, each as its words (split as a shell would)."""
    return [shlex.split(line) for line in stdout.splitlines() if line.startswith("    ") and "build.py" in line]


def test_a_new_site_builds_with_strict_by_the_command_new_prints_and_its_line_chart_is_rendered(tmp_path):
    # `new` run from one folder, with a relative folder name; its build command run as printed from another
    # folder, through a shell whose PATH has no virtual environment (no `python` of ours, nothing activated).
    (tmp_path / "here").mkdir()
    (tmp_path / "elsewhere").mkdir()
    started = run("new", "my explainer", cwd=tmp_path / "here")
    assert started.returncode == 0, started.stderr
    folder = tmp_path / "here" / "my explainer"
    build, serve = printed_commands(started.stdout)
    assert build[:2] == [sys.executable, str(PROJECT / "build.py")] and Path(build[0]).is_absolute()
    assert build[2:] == ["--root", str(folder.resolve()), "--strict"]
    assert serve == build[:2] + ["serve", "--root", str(folder.resolve())]
    shell_line = next(line.strip() for line in started.stdout.splitlines() if line.strip().endswith("--strict"))
    environment = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    environment["PATH"] = "/usr/bin:/bin"
    built = subprocess.run(["/bin/sh", "-c", shell_line], cwd=tmp_path / "elsewhere", env=environment,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    assert built.stderr == "", built.stderr  # not one warning
    assert "1 chart (1 rendered" in built.stdout
    assert list((tmp_path / "elsewhere").iterdir()) == []  # the site went into the new folder, not the cwd
    # `python build.py` names chart pictures by their content: charts/loans.<hash>.svg, linked from the page.
    charts = folder / "site" / "charts"
    pictures = [path for path in charts.iterdir() if re.fullmatch(r"loans\.[0-9a-f]{10}\.svg", path.name)]
    assert len(pictures) == 1, sorted(path.name for path in charts.iterdir())
    svg = pictures[0].read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "<path" in svg
    pages = "".join(path.read_text(encoding="utf-8") for path in (folder / "site").glob("*.html"))
    assert f'src="charts/{pictures[0].name}"' in pages
    spec = json.loads((folder / "site.json").read_text(encoding="utf-8"))
    assert "example" in spec["title"].lower() or "example" in spec["description"].lower()


def test_new_says_what_to_edit_next(tmp_path):
    started = run("new", tmp_path / "site-folder")
    for named in ("site.json", "data/sources/", "data/facts/", "data/series/", "charts/", "content/index.md",
                  "Start a new explainer", "--strict"):
        assert named in started.stdout, named
    for listed in started.stdout.split():  # every file it tells the editor to open exists
        if listed.startswith(("data/", "content/", "charts/")) and listed.endswith((".json", ".md", ".py")):
            assert (tmp_path / "site-folder" / listed.rstrip(",")).is_file(), listed
        elif listed.startswith("/") and listed.rstrip(",;.)").endswith(".md"):  # the project's README and docs
            assert Path(listed.rstrip(",;.)")).is_file(), listed
    assert f"{PROJECT / 'docs' / 'fact-store.md'}" in started.stdout


def test_the_starter_has_a_fact_of_each_kind_and_marks_its_source_as_invented(tmp_path):
    assert run("new", tmp_path / "s").returncode == 0
    facts = json.loads((tmp_path / "s" / "data" / "facts" / "loans.json").read_text())["facts"]
    assert any("derived" in item for item in facts)
    assert any(item.get("approximate") for item in facts)
    assert any("excerpt" in item for item in facts)
    assert (tmp_path / "s" / ".gitignore").read_text().split() == ["site/", ".cache/"]
    sources = list((tmp_path / "s" / "data" / "sources").glob("*.json"))
    assert sources and all("invented" in json.loads(path.read_text())["title"] for path in sources)


def test_new_refuses_a_folder_that_is_not_empty_and_leaves_it_alone(tmp_path):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.md").write_text("mine")
    refused = run("new", folder)
    assert refused.returncode == 2
    assert "not empty" in refused.stderr and str(folder) in refused.stderr
    assert [path.name for path in folder.iterdir()] == ["notes.md"]
    assert (folder / "notes.md").read_text() == "mine"


def test_new_accepts_an_empty_folder_and_refuses_a_file_or_no_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    assert run("new", tmp_path / "empty").returncode == 0
    assert (tmp_path / "empty" / "content" / "index.md").is_file()
    (tmp_path / "file").write_text("x")
    assert run("new", tmp_path / "file").returncode == 2
    missing = run("new")
    assert missing.returncode == 2 and "name the folder" in missing.stderr
    misplaced = run("build", tmp_path / "empty")
    assert misplaced.returncode == 2 and "--root" in misplaced.stderr


def pinned(path):
    """The pinned packages of a requirements file, following its -r includes."""
    found = []
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            found += pinned(path.parent / line[3:].strip())
        elif line:
            found.append(line)
    return found


def test_pyproject_lists_exactly_the_pinned_requirements():
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())
    runtime = project["project"]["dependencies"]
    assert runtime == pinned(PROJECT / "requirements.txt")
    assert runtime + project["project"]["optional-dependencies"]["test"] == pinned(PROJECT / "requirements-test.txt")
    assert project["project"]["requires-python"] == ">=3.11"
    assert project["tool"]["ruff"]["line-length"] == 120
