"""The names the site generates are taken from render/layout.py's table, never a list of its own: a chapter whose file the
site would write over (content/search.md → search.html) is an error at its first line naming the generated page,
and every file a build writes is answered by the table (OUTPUTS and FOLDERS)."""
import json
import shutil
from pathlib import Path

import pytest

from conftest import SITES
from explainer.site_folder.inputs import read_inputs
from explainer.render.layout import FOLDERS, OUTPUTS, Folder, Output, taken_by
from explainer.site_folder.pages import read_pages
from explainer.effects.boundary import BuildEffects
from explainer.pipeline import build

PAGE = "---\ntitle: A chapter\nsummary: One sentence.\norder: 9\n---\nSome words.\n"


def site_with(tmp_path: Path, name: str) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITES / "tiny", root)
    (root / "content" / name).write_text(PAGE, encoding="utf-8")
    return root


def build_site(root: Path):
    inputs, problems = read_inputs(root)
    assert problems == []
    return build(inputs, BuildEffects(index_search=None))


@pytest.mark.parametrize("name, message", [
    ("search.md", "the site generates search.html (the search page): rename this file."),
    ("404.md", "the site generates 404.html (the page shown for an address that does not exist): rename this file."),
    ("sources.md", "the site generates sources.html (the Sources page): rename this file."),
])
def test_a_page_the_site_generates_is_an_error_at_its_first_line(tmp_path, name, message):
    root = site_with(tmp_path, name)
    result = build_site(root)
    assert result.failed(strict=False) and result.files == {}
    problem = next(p for p in result.problems if p.path == root / "content" / name)
    assert (problem.line, problem.col, problem.severity) == (1, 1, "error")
    assert problem.message == message
    assert problem.format(relative_to=root).startswith(f"content/{name}:1:1: the site generates ")


@pytest.mark.parametrize("output", [output for output in OUTPUTS if output.is_page and output.members is None],
                         ids=lambda output: output.path)
def test_every_generated_page_of_the_table_is_reserved(output):
    """Each page of OUTPUTS, read from the table: a new entry is reserved with no second list to keep in step."""
    _, problems = read_pages({Path("content") / output.path.replace(".html", ".md"): PAGE})
    assert [(p.line, p.col) for p in problems] == [(1, 1)]
    assert problems[0].message.startswith(f"the site generates {output.path} ({output.what})")


def test_a_name_differing_only_in_case_is_the_same_file_on_some_disks():
    _, problems = read_pages({Path("content/Search.md"): PAGE})
    assert [p.message for p in problems] == [
        "the site generates search.html (the search page), the same file as Search.html on macOS and Windows "
        "disks: rename this file."]


@pytest.mark.parametrize("name", ["embed.md", "assets.md", "pagefind.md", "charts.md", "sitemap.md", "robots.md",
                                  "index.md", "share.md"])
def test_a_page_named_like_a_folder_or_a_machine_file_is_fine(name):
    """A chapter writes <name>.html at the top: beside the folder embed/ or the file sitemap.xml, never over them."""
    pages, problems = read_pages({Path("content") / name: PAGE})
    assert problems == [] and [page.url for page in pages] == [name.replace(".md", ".html")]


def test_the_table_answers_for_every_path_a_family_or_folder_writes():
    assert taken_by("embed/arrivals.html").path == "embed/{name}.html"
    assert taken_by("embed/.html") is None and taken_by("embed/a/b.html") is None
    assert taken_by("pagefind/pagefind.js").path == "pagefind/"
    assert taken_by("data/facts.csv").path == "data/"
    assert taken_by("data.html").path == "data.html" and taken_by("life.html") is None
    assert all(output.what for output in OUTPUTS) and all(folder.what for folder in FOLDERS)


def test_every_file_a_build_writes_is_a_chapter_or_in_the_table(tmp_path):
    """Whatever stage writes it, each file of a built site is a chapter or is answered by render/layout.py's table (what
    it is, whether it is a page and listed): so the reserved names cannot fall out of step with what is written."""
    root = tmp_path / "site"
    shutil.copytree(SITES / "tiny", root)
    result = build_site(root)
    assert not result.failed(strict=False), [p.format() for p in result.problems]
    chapters = {page.url for page in result.pages}
    unanswered = [path for path in result.files if path not in chapters and taken_by(path) is None]
    assert unanswered == []
    assert not chapters & {path for path in result.files if taken_by(path) is not None}
    for path in result.files:
        entry = taken_by(path)
        assert entry is None or isinstance(entry, (Output, Folder)) and entry.what


def test_every_file_of_the_project_site_is_answered_by_the_table(built_project_site):
    """The project's own site has charts, embeds, share cards, downloads and the search index."""
    content = Path(__file__).parent.parent / "content"
    editions = json.loads((content.parent / "site.json").read_text(encoding="utf-8")).get("editions", [])[1:]
    chapters = {path.stem + ".html" for path in content.glob("*.md")}
    written = [path.relative_to(built_project_site).as_posix() for path in built_project_site.rglob("*")
               if path.is_file() and path.name != ".explainer-site"]  # the writer's marker (publish/site_writer.py), not the build's

    def in_its_edition(path: str) -> str:  # a further edition's files sit under its folder, as the default's at the root
        first, _, rest = path.partition("/")
        return rest if first in editions else path

    assert editions  # the project has a Korean edition: its files are checked too
    assert [path for path in map(in_its_edition, written) if path not in chapters and taken_by(path) is None] == []
