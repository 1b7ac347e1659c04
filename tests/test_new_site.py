"""`python build.py new DIR`: a starter site that builds and passes --strict at once, and a folder never overwritten;
and pyproject.toml in step with the requirements a new user installs."""
import json
import re
import subprocess
import sys
import tomllib

from conftest import PROJECT


def run(*arguments):
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *map(str, arguments)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=300)


def test_a_new_site_builds_with_strict_and_its_line_chart_is_rendered(tmp_path):
    folder = tmp_path / "my-explainer"
    started = run("new", folder)
    assert started.returncode == 0, started.stderr
    built = run("--root", folder, "--strict", "--out", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    assert built.stderr == "", built.stderr  # not one warning
    assert "1 chart (1 rendered" in built.stdout
    # `python build.py` names chart pictures by their content: charts/loans.<hash>.svg, linked from the page.
    charts = tmp_path / "out" / "charts"
    pictures = [path for path in charts.iterdir() if re.fullmatch(r"loans\.[0-9a-f]{10}\.svg", path.name)]
    assert len(pictures) == 1, sorted(path.name for path in charts.iterdir())
    svg = pictures[0].read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "<path" in svg
    pages = "".join(path.read_text(encoding="utf-8") for path in (tmp_path / "out").glob("*.html"))
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
