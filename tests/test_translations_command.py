"""`python build.py translations` records what each translated page translates, and the build names a translation
whose English page has changed since, with the paragraph that changed; --accept clears it. On a copy of the tiny
fixture site given a Korean edition, end to end through build.py."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import PROJECT, SITES
from explainer.editions.translation_record import record_of
from explainer.editions.translations_command import with_record

KOREAN_HOME = """---
title: 개요
summary: 시험용 작은 사이트.
order: 0
---
오늘 {{residents}}의 탈북민이 남한에 산다.[^aside]

## 일자리

{{public-sector-2024}}이 공공 부문에서 일했고, 한 해 전보다 {{public-sector-rise}} 늘었다 [@gazette].

[^aside]: 각주.
"""


def run(*arguments, cwd=PROJECT):
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *map(str, arguments)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "tiny"
    shutil.copytree(SITES / "tiny", root, ignore=shutil.ignore_patterns(".cache"))
    settings = json.loads((root / "site.json").read_text())
    (root / "site.json").write_text(json.dumps({**settings, "editions": ["en", "ko"]}))
    (root / "content" / "ko").mkdir()
    (root / "content" / "ko" / "index.md").write_text(KOREAN_HOME, encoding="utf-8")
    return root


def out_of_date(output: str) -> list[str]:
    return [line for line in output.splitlines() if "this translation is out of date" in line]


def test_translate_record_edit_the_english_paragraph_then_accept(site):
    korean = site / "content" / "ko" / "index.md"
    english = site / "content" / "index.md"

    first = run("check", "--root", site)
    assert "content/ko/index.md:1:1: warning: content/ko/index.md does not record which text" in first.stderr

    recorded = run("translations", "--root", site)
    assert recorded.returncode == 0, recorded.stderr
    assert "content/ko/index.md: recorded: translates content/index.md as it is now." in recorded.stdout
    record = record_of(english.read_text(encoding="utf-8"))
    # One line added to the front matter, and not a character of the page changed besides.
    assert korean.read_text(encoding="utf-8") == KOREAN_HOME.replace(
        "order: 0\n", f"order: 0\ntranslated_from: {record.written()}\n")

    current = run("check", "--root", site)
    assert "does not record" not in current.stderr and not out_of_date(current.stderr)

    english.write_text(english.read_text(encoding="utf-8").replace("held public-sector jobs",
                                                                   "worked in the public sector"), encoding="utf-8")
    behind = run("check", "--strict", "--root", site)
    lines = out_of_date(behind.stderr)
    assert len(lines) == 1, behind.stderr
    assert lines[0].startswith("content/ko/index.md:5:18: note: this translation is out of date: in "
                               'content/index.md: changed: line 10 ("At the end of 2024, {{public-sector-2024}} …")')
    assert "error: this translation" not in behind.stderr  # --strict does not hold an English correction back

    unasked = run("translations", "--root", site)
    assert unasked.returncode == 0 and "1 translation(s) out of date, left as they are" in unasked.stdout
    assert "translated_from: " + record.written() in korean.read_text(encoding="utf-8")

    accepted = run("translations", "--root", site, "--accept", "content/ko/index.md")
    assert accepted.returncode == 0, accepted.stderr
    assert "content/ko/index.md: accepted as current" in accepted.stdout
    after = run("check", "--root", site)
    assert not out_of_date(after.stderr) and "does not record" not in after.stderr


def test_accept_names_a_translated_page_or_says_which_there_are(site):
    result = run("translations", "--root", site, "--accept", "content/index.md")
    assert result.returncode == 2
    assert "not a translated page of this site: name one of content/ko/index.md" in result.stderr
    assert run("check", "--root", site, "--accept", "content/ko/index.md").returncode == 2


def test_a_site_with_one_edition_has_nothing_to_record(tmp_path):
    root = tmp_path / "tiny"
    shutil.copytree(SITES / "tiny", root, ignore=shutil.ignore_patterns(".cache"))
    result = run("translations", "--root", root)
    assert result.returncode == 2 and "one edition (en)" in result.stderr


def test_the_record_line_is_the_only_change_whatever_the_line_endings():
    windows = "\ufeff---\r\ntitle: 개요\r\n---\r\n본문\r\n"
    assert with_record(windows, "abc") == "\ufeff---\r\ntitle: 개요\r\ntranslated_from: abc\r\n---\r\n본문\r\n"
    again = with_record(with_record(windows, "abc"), "def")
    assert again == "\ufeff---\r\ntitle: 개요\r\ntranslated_from: def\r\n---\r\n본문\r\n"
    assert with_record("no front matter\n", "abc") is None
    assert with_record("---\ntitle: never closed\n", "abc") is None


def test_a_page_whose_front_matter_does_not_parse_is_left_as_it_is(site):
    korean = site / "content" / "ko" / "index.md"
    broken = KOREAN_HOME.replace("order: 0\n---\n", "order: 0\n")  # never closed
    korean.write_text(broken, encoding="utf-8")
    result = run("translations", "--root", site)
    assert result.returncode == 0
    assert "content/ko/index.md: its front matter does not parse, so translated_from was not recorded" in result.stderr
    assert korean.read_text(encoding="utf-8") == broken
