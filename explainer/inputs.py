"""Reading a site folder from disk: the one place the build reads files.

A site folder has its own content/ and data/; charts/, templates/ and assets/ are its own where it has
them and otherwise fall back to the project's, so a small site needs only its story and its facts.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem

PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class SiteSettings:
    title: str = "Explainer"
    description: str = ""
    language: str = "en"


@dataclass(frozen=True)
class SiteInputs:
    root: Path
    settings: SiteSettings
    content: dict[Path, str]
    data: dict[Path, str]
    template_dirs: tuple[Path, ...]  # searched in order: the site's own first
    chart_dirs: tuple[Path, ...]
    assets: dict[str, bytes] = field(default_factory=dict)  # site-relative path → bytes


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
    data_paths = [*sorted((root / "data" / "sources").glob("*.json")), *sorted((root / "data" / "facts").glob("*.json")),
                  *sorted((root / "data" / "series").glob("*.json"))]
    if (root / "data" / "claims.json").exists():
        data_paths.append(root / "data" / "claims.json")
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
    inputs = SiteInputs(root, _read_settings(root, problems), content, data,
                        tuple(_fallback(root, project, "templates")), tuple(_fallback(root, project, "charts")),
                        assets)
    return inputs, problems


def _fallback(root: Path, project: Path, name: str) -> list[Path]:
    folders = [root / name, project / name]
    unique = []
    for folder in folders:
        if folder.is_dir() and folder.resolve() not in [f.resolve() for f in unique]:
            unique.append(folder)
    return unique


def _read_texts(paths: list[Path], problems: list[Problem]) -> dict[Path, str]:
    texts = {}
    for path in paths:
        try:
            texts[path] = path.read_text(encoding="utf-8-sig")  # an editor's byte-order mark is not content
        except UnicodeDecodeError as error:
            problems.append(Problem(path, 1, error.start + 1, "this file is not UTF-8 text: save it as UTF-8."))
    return texts


def _read_settings(root: Path, problems: list[Problem]) -> SiteSettings:
    path = root / "site.json"
    if not path.exists():
        return SiteSettings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        problems.append(Problem(path, 1, error.start + 1, "this file is not UTF-8 text: save it as UTF-8."))
        return SiteSettings()
    except json.JSONDecodeError as error:
        problems.append(Problem(path, error.lineno, error.colno, f"this is not valid JSON: {error.msg}."))
        return SiteSettings()
    if not isinstance(raw, dict):
        problems.append(Problem(path, 1, 1, 'site.json must be one object, e.g. {"title": "My explainer"}.'))
        return SiteSettings()
    known = set(SiteSettings.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        problems.append(Problem(path, 1, 1, f'unknown setting "{unknown[0]}": known settings are '
                                f'{", ".join(sorted(known))}.'))
    return SiteSettings(**{k: str(v) for k, v in raw.items() if k in known})
