"""Reading a site folder from disk: the one place the build reads files.

A site folder has its own content/ and data/; charts/, templates/ and assets/ are its own where it has
them and otherwise fall back to the project's, so a small site needs only its story and its facts.

A theme extends the default rather than replacing it: a site's assets/site.css is linked after the default
stylesheet (a site's assets/style.css, like any asset of the same name, replaces the project's), its
templates can extend the project's as "default/base.html", and site.json sets the charts' colours and font.
"""
from __future__ import annotations

import codecs
import dataclasses
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import Problem, problem_at
from ..incremental.reads import Recorded
from ..store.json_positions import duplicate_key_message, first_duplicate_key, json_limits_problem, offset_of, value_offsets

PROJECT = Path(__file__).resolve().parent.parent.parent


# A CSS colour as Vega reads it: "#0072b2", "#07b", "rgb(0, 114, 178)", "hsl(…)" or a name ("teal").
COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|(?:rgba?|hsla?)\([^()]*\)|[a-zA-Z]+")
SITE_CSS = "site.css"  # a site's additions to the default stylesheet


@dataclass(frozen=True)
class Licence:
    """Under what terms readers may reuse the text and the data."""

    name: str
    url: str = ""  # the licence's own page, linked from every page's footer


DEFAULT_LICENCE = Licence("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")


@dataclass(frozen=True)
class SiteSettings(Recorded):
    """site.json, and (the one field not written there) the stylesheets read_inputs found."""

    TOKEN_KIND = "settings"  # its reads are recorded (incremental/reads.py)

    title: str = "Explainer"
    description: str = ""  # the home page's meta description, and that of any page without a summary
    language: str = "en"
    chart_colors: tuple[str, ...] = ()  # the charts' colours in light mode, first for single-series marks
    chart_colors_dark: tuple[str, ...] = ()  # in dark mode; chart_colors when not given
    chart_font: str = ""  # a CSS font stack for the charts' labels; the page's own when not given
    chart_timeout: float = 20.0  # seconds a chart module may run before it is stopped (charts/isolation.py)
    # Where the site is published, ending in "/": canonical links, share tags, sitemap.xml and citations use it.
    # Without it no absolute URL is written (a preview, or a site read from disk, does not know its address).
    url: str = ""
    author: str = ""  # who publishes the site: the byline and the citation
    licence: Licence = field(default_factory=lambda: DEFAULT_LICENCE)
    # The site's editions, BCP 47 tags, the default (= language) first; empty: one edition, `language`
    # (site_folder/editions.py). edition_names: (tag, name) pairs, each edition's name in its own language.
    editions: tuple[str, ...] = ()
    edition_names: tuple[tuple[str, str], ...] = ()
    # Per further edition, its own words for the text settings (EDITION_TEXT_SETTINGS), in its language:
    # (tag, ((setting, words), …)) pairs; the stages of that edition see them as title, description, author.
    edition_settings: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # Filled by read_inputs, never from site.json: the stylesheets every page links, in order.
    stylesheets: tuple[str, ...] = ("style.css",)


_FROM_READ_INPUTS = {"stylesheets"}


@dataclass(frozen=True)
class TemplateFolder:
    """One folder of templates, read whole: Jinja loads them from here (render.make_environment), not from disk."""

    folder: Path
    files: dict[str, str]  # name within the folder ("page.html", "partials/x.html") → text


@dataclass(frozen=True)
class SiteInputs:
    root: Path
    settings: SiteSettings
    content: dict[Path, str]
    data: dict[Path, str]
    templates: tuple[TemplateFolder, ...]  # searched in order: the site's own first, the project's last
    chart_dirs: tuple[Path, ...]
    assets: dict[str, bytes] = field(default_factory=dict)  # site-relative path → bytes
    # Every Python file under the chart folders (a chart module and the helpers it imports): what the charts
    # stage's results are keyed by. The modules themselves are run from disk by the chart worker.
    chart_modules: dict[Path, bytes] = field(default_factory=dict)
    # The content of each edition after the default: language → content/<language>/*.md (path → text).
    edition_content: dict[str, dict[Path, str]] = field(default_factory=dict)

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        return tuple(templates.folder for templates in self.templates)


def read_inputs(root: Path, project: Path = PROJECT) -> tuple[SiteInputs, list[Problem]]:
    root = root.resolve()
    problems: list[Problem] = []
    for required in ("content", "data"):
        if not (root / required).is_dir():
            problems.append(Problem(root / required, 1, 1, f"the site folder has no {required}/ folder: "
                                    f"create it, or point --root at a site folder that has one."))
    content = _read_texts(sorted((root / "content").glob("*.md")), problems)
    if (root / "content").is_dir() and not (root / "content" / "index.md").exists():
        problems.append(Problem(root / "content" / "index.md", 1, 1, "there is no content/index.md: every page "
                                "links to the home page, so create it (front matter with a title, then the text)."))
    # A source's snapshot (store/snapshots.py) is data like its record: read with it, checked with it.
    data_paths = [*sorted((root / "data" / "sources").glob("*.json")),
                  *sorted((root / "data" / "sources").glob("*.snapshot.txt")), *sorted((root / "data" / "facts").glob("*.json")),
                  *sorted((root / "data" / "series").glob("*.json"))]
    for single in ("claims.json", "corrections.json"):  # the claims checked; our own corrections
        if (root / "data" / single).exists():
            data_paths.append(root / "data" / single)
    if (root / "data" / "sources.json").exists():
        problems.append(Problem(root / "data" / "sources.json", 1, 1, "data/sources.json is the old form of the "
                                "fact store: give each source a file of its own, data/sources/<id>.json, with its "
                                "excerpts (docs/fact-store.md)."))
    data = _read_texts([p for p in data_paths if p.exists()], problems)
    assets: dict[str, bytes] = {}
    for folder in _fallback(root, project, "assets")[::-1]:  # the site's own files override the project's
        inside = folder.resolve()
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            if not path.resolve().is_relative_to(inside):  # a symlink out of assets/ must not publish that file
                problems.append(Problem(path, 1, 1, "this asset is a link to a file outside assets/: copy the "
                                        "file into assets/ instead, so only what is meant to be public is."))
                continue
            assets[path.relative_to(folder).as_posix()] = path.read_bytes()
    settings = _read_settings(root, problems)
    edition_content = _read_edition_content(root, settings, content, problems)
    if SITE_CSS in assets:  # linked after the default, so the site's rules win where both set something
        settings = dataclasses.replace(settings, stylesheets=(*settings.stylesheets, SITE_CSS))
    templates = tuple(TemplateFolder(folder, _read_template_files(folder, problems))
                      for folder in _fallback(root, project, "templates"))
    chart_dirs = tuple(_fallback(root, project, "charts"))
    inputs = SiteInputs(root, settings, content, data, templates, chart_dirs, assets, _read_chart_modules(chart_dirs),
                        edition_content)
    return inputs, problems


def _read_edition_content(root: Path, settings: SiteSettings, content: dict[Path, str],
                          problems: list[Problem]) -> dict[str, dict[Path, str]]:
    """content/<language>/*.md for each edition after the default. Without "editions" no folder is read, as before."""
    if not settings.editions:
        return {}
    folders = sorted(path for path in (root / "content").glob("*") if path.is_dir() and any(path.glob("*.md")))
    for folder in folders:
        if folder.name not in settings.editions[1:]:
            problems.append(Problem(folder, 1, 1, f'content/{folder.name}/ holds pages, but "{folder.name}" is not '
                                    f'one of site.json\'s "editions" after the first ({", ".join(settings.editions)}): '
                                    "add it there, or move the pages out of the folder."))
    return {language: _read_texts(sorted((root / "content" / language).glob("*.md")), problems)
            for language in settings.editions[1:]}


def reread_templates_and_charts(inputs: SiteInputs) -> tuple[SiteInputs, list[Problem]]:
    """inputs with its templates and chart modules read again (the preview, after one of them changed)."""
    problems: list[Problem] = []
    templates = tuple(TemplateFolder(folder, _read_template_files(folder, problems)) for folder in inputs.template_dirs)
    return dataclasses.replace(inputs, templates=templates, chart_modules=_read_chart_modules(inputs.chart_dirs)), \
        problems


def _read_chart_modules(chart_dirs: tuple[Path, ...]) -> dict[Path, bytes]:
    # Chart modules import the Python files beside them and in their subfolders (charts/_lib/words.py).
    return {path: path.read_bytes() for folder in chart_dirs for path in files_under(folder, "*.py")}


def _read_template_files(folder: Path, problems: list[Problem]) -> dict[str, str]:
    """Every file under a templates folder (any may be included or extended), by its name within the folder."""
    files = {}
    for path in files_under(folder, "*"):
        try:
            files[path.relative_to(folder).as_posix()] = decode_text(path.read_bytes())
        except UnicodeDecodeError as error:
            problems.append(Problem(path, 1, 1, f"this template is not UTF-8 text (byte {error.start + 1}): save "
                                    "it as UTF-8, or move it out of templates/."))
    return files


def files_under(folder: Path, pattern: str) -> list[Path]:
    """The files under folder matching pattern, through linked folders too (Jinja follows them), each once."""
    found, seen = [], set()
    for top, folders, _ in os.walk(folder, followlinks=True):
        real = os.path.realpath(top)
        if real in seen or "__pycache__" in Path(top).parts:
            folders[:] = []
            continue
        seen.add(real)
        found += [path for path in Path(top).glob(pattern) if path.is_file()]
    return sorted(found)


def _fallback(root: Path, project: Path, name: str) -> list[Path]:
    folders = [root / name, project / name]
    unique = []
    for folder in folders:
        if folder.is_dir() and folder.resolve() not in [f.resolve() for f in unique]:
            unique.append(folder)
    return unique


# Control characters other than tab and newline: invisible in an editor, and NUL breaks HTML parsers. Also
# U+FFFE and U+FFFF, no characters at all, which XML refuses: a title holding one stopped its share card.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def control_character_message(character: str) -> str:
    if character in "\ufffe\uffff":
        return (f"the text holds U+{ord(character):04X}, which is no character (XML and SVG refuse it): delete it "
                "(it often comes with pasted text).")
    return (f"the text holds the invisible control character U+{ord(character):04X}: delete it (it often comes "
            "with pasted text).")


def decode_text(raw: bytes) -> str:
    """The one way the build and the preview turn a file's bytes into text: UTF-8, an editor's byte-order mark
    dropped (it is not content), universal newlines. Raises UnicodeDecodeError; not_utf8 says where."""
    return raw.removeprefix(codecs.BOM_UTF8).decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def not_utf8(path: Path, raw: bytes, error: UnicodeDecodeError) -> Problem:
    """The problem for a byte that is not UTF-8, at the line and column (in characters) where an editor shows it."""
    before = decode_text(raw.removeprefix(codecs.BOM_UTF8)[:error.start])  # valid: the decoder stopped here
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    byte = raw.removeprefix(codecs.BOM_UTF8)[error.start]
    return Problem(path, line, column, f"this file is not UTF-8 text: the byte 0x{byte:02X} here is not UTF-8 "
                   "(perhaps Latin-1 or Windows-1252): save the file as UTF-8.")


def read_text(path: Path) -> str:
    return decode_text(path.read_bytes())


def _read_texts(paths: list[Path], problems: list[Problem]) -> dict[Path, str]:
    texts = {}
    for path in paths:
        raw = path.read_bytes()
        try:
            texts[path] = decode_text(raw)
        except UnicodeDecodeError as error:
            problems.append(not_utf8(path, raw, error))
    return texts


def _read_settings(root: Path, problems: list[Problem]) -> SiteSettings:
    path = root / "site.json"
    if not path.exists():
        return SiteSettings()
    try:
        text = read_text(path)
        limit = json_limits_problem(text)
        if limit is not None:  # json.loads would recurse past Python's stack
            problems.append(problem_at(path, text, limit[0], limit[1]))
            return SiteSettings()
        raw = json.loads(text)
    except UnicodeDecodeError as error:
        problems.append(not_utf8(path, path.read_bytes(), error))
        return SiteSettings()
    except json.JSONDecodeError as error:
        problems.append(Problem(path, error.lineno, error.colno, f"this is not valid JSON: {error.msg}."))
        return SiteSettings()
    duplicate = first_duplicate_key(text)
    if duplicate is not None:
        problems.append(problem_at(path, text, duplicate[0], duplicate_key_message(duplicate[1])))
        return SiteSettings()
    if not isinstance(raw, dict):
        problems.append(Problem(path, 1, 1, 'site.json must be one object, e.g. {"title": "My explainer"}.'))
        return SiteSettings()
    known = set(SiteSettings.__dataclass_fields__) - _FROM_READ_INPUTS
    offsets = value_offsets(text)
    at = lambda key, message: problem_at(path, text, offset_of(offsets, (key,)), message)  # noqa: E731
    unknown = sorted(set(raw) - known)
    if unknown:
        problems.append(at(unknown[0], f'unknown setting "{unknown[0]}": known settings are '
                           f'{", ".join(sorted(known))}.'))
    values = {}
    for key, value in raw.items():
        if key not in known:
            continue
        if key in ("chart_colors", "chart_colors_dark"):
            colours = _colours(value)
            if colours is None:
                problems.append(at(key, f'"{key}" must be a list of CSS colours, e.g. ["#0072b2", "#e69f00"]: '
                                   "the first colours single-series marks, the rest categories in order."))
                continue
            values[key] = colours
        elif key == "url":
            url = site_url(value)
            if url is None:
                problems.append(at(key, '"url" must be the absolute http(s) address the site is published at, e.g. '
                                   '"https://example.org/explainer/", without a query or fragment; leave it out '
                                   "while the site has no address (then no absolute URL is written)."))
                continue
            values[key] = url
        elif key == "licence":
            name = value.get("name") if isinstance(value, dict) else None
            problem = _text_setting_problem("licence", name) if isinstance(name, str) else None
            if problem is not None:  # the footer of every page shows it: checked as the other texts are
                problems.append(at(key, problem))
                continue
            licence = _licence(value)
            if licence is None:
                problems.append(at(key, '"licence" must be {"name": "CC BY 4.0", "url": '
                                   '"https://creativecommons.org/licenses/by/4.0/"}: the licence\'s short name and '
                                   "the http(s) address of its text (the url may be left out)."))
                continue
            values[key] = licence
        elif key in ("editions", "edition_names", "edition_settings"):
            problem = _editions_problem(key, value)
            if problem is not None:
                problems.append(at(key, problem))
                continue
            values[key] = (tuple(value) if key == "editions" else tuple(value.items()) if key == "edition_names"
                           else tuple((tag, tuple(own.items())) for tag, own in value.items()))
        elif key == "chart_timeout":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 3600:
                problems.append(at(key, '"chart_timeout" must be a number of seconds between 0 and 3600, e.g. '
                                   "20: how long a chart module may run before it is stopped."))
                continue
            values[key] = float(value)
        else:
            problem = _text_setting_problem(key, value)
            if problem is not None:
                problems.append(at(key, problem))
                continue
            values[key] = value
    editions = values.get("editions", ())
    if editions and "language" in raw and values.get("language") != editions[0]:
        problems.append(at("editions", f'the first of "editions" is the default edition, so it must be the site\'s '
                           f'"language" ("{raw["language"]}"): put it first, or change "language".'))
        values.pop("editions")
    elif editions:
        values["language"] = editions[0]
    for key in ("edition_names", "edition_settings"):
        unnamed = [tag for tag, _ in values.get(key, ()) if tag not in values.get("editions", ())]
        if unnamed:
            problems.append(at(key, f'"{key}" names "{unnamed[0]}", which is not one of "editions": '
                               "name only the editions the site has."))
            values.pop(key)
    return SiteSettings(**values)


# The settings a further edition may give in its own language ("edition_settings"); the rest are the site's.
EDITION_TEXT_SETTINGS = ("title", "description", "author")


def _editions_problem(key: str, value) -> str | None:
    """What is wrong with site.json's "editions" (a list of language tags), "edition_names" (tag → name) or
    "edition_settings" (tag → its own words for EDITION_TEXT_SETTINGS)."""
    if key == "edition_settings":
        example = '{"ko": {"title": "한국의 북한이탈주민", "description": "…"}}'
        if not isinstance(value, dict) or not all(isinstance(own, dict) for own in value.values()):
            return f'"edition_settings" must be an object of editions\' own settings, e.g. {example}.'
        for own in value.values():
            for name, words in own.items():
                if name not in EDITION_TEXT_SETTINGS:
                    return (f'"edition_settings": "{name}" is not a setting an edition gives in its own language: '
                            f'give {", ".join(EDITION_TEXT_SETTINGS)}.')
                if (problem := _text_setting_problem(name, words)) is not None:
                    return problem
        return None
    if key == "edition_names":
        if not isinstance(value, dict):
            return '"edition_names" must be an object, e.g. {"en": "English", "ko": "한국어"}.'
        for name in value.values():
            if (problem := _text_setting_problem("edition_names", name)) is not None:
                return problem
        return None
    if not isinstance(value, list) or not value:
        return '"editions" must be a list of language tags, the default first, e.g. ["en", "ko"].'
    for tag in value:
        if not isinstance(tag, str) or len(tag) > 35 or not _LANGUAGE_TAG.fullmatch(tag):
            return (f'"editions": {json.dumps(tag, ensure_ascii=False)} is not a BCP 47 language tag: write e.g. '
                    '"en", "ko", "pt-BR" or "zh-Hant".')
    if len(set(value)) != len(value):
        return '"editions" names an edition twice: name each once.'
    return None


MAX_SETTING_CHARACTERS = 1_000  # a title, an author or a description; a longer one is a mistake, and slows every page
# A BCP 47 tag as sites write them: a language, then subtags ("ko", "pt-BR", "zh-Hant-TW", "de-CH-1996").
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SETTING_EXAMPLES = {"title": "Births in Japan", "description": "Why fewer children are born, in figures.",
                     "language": "en", "chart_font": "Georgia, serif", "author": "The Data Desk"}


def _text_setting_problem(key: str, value) -> str | None:
    """What is wrong with a text setting of site.json (title, description, language, chart_font, author)."""
    if not isinstance(value, str):
        return f'"{key}" must be text in quotes, e.g. "{_SETTING_EXAMPLES.get(key, "")}".'
    if len(value) > MAX_SETTING_CHARACTERS:
        return (f'"{key}" has {len(value):,} characters, more than the {MAX_SETTING_CHARACTERS:,} a setting may have: '
                "shorten it.")
    if control := CONTROL_CHARACTER.search(value):
        return f'"{key}": {control_character_message(control.group(0))}'
    if _LONE_SURROGATE.search(value):
        return (f'"{key}" holds half of a character (a lone \\u{ord(_LONE_SURROGATE.search(value).group(0)):04x} '
                "escape): write the whole character, or its pair of escapes.")
    if key == "language" and (len(value) > 35 or not _LANGUAGE_TAG.fullmatch(value)):
        return ('"language" must be a BCP 47 language tag of at most 35 characters, e.g. "en", "ko", "pt-BR" or '
                '"zh-Hant".')
    return None


# Characters that would need escaping in an HTML attribute, a sitemap or a _headers line, or that no URL has.
_UNSAFE_IN_URL = re.compile(r"[\s\"'<>&\\`{}|^\x00-\x1f\x7f\ud800-\udfff]")


def site_url(value) -> str | None:
    """The site's address, ending in "/" so that a page's address is url + its path; None if it is not one."""
    if not isinstance(value, str) or _UNSAFE_IN_URL.search(value):
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:  # e.g. "https://[::1" or "https://host:port"
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment or "@" in parts.netloc:
        return None
    return value if value.endswith("/") else value + "/"


def _licence(value) -> Licence | None:
    if not isinstance(value, dict) or set(value) - {"name", "url"}:
        return None
    name, url = value.get("name"), value.get("url", "")
    if not isinstance(name, str) or not name.strip() or not isinstance(url, str):
        return None
    if url and site_url(url) is None:
        return None
    return Licence(name.strip(), url)


def _colours(value) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not value:
        return None
    if not all(isinstance(item, str) and COLOUR.fullmatch(item.strip()) for item in value):
        return None
    return tuple(item.strip() for item in value)
