"""Hostile text that builds must stay inert in a real browser: no dialog, no CSP violation, no request that
leaves the site, whatever a page, a quote, a note or a source title says."""
from __future__ import annotations

import json
import shutil

from conftest import SITES, build_to

PAYLOADS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>',
    "<iframe src=javascript:alert(1)></iframe>", "javascript:alert(1)", "<style>@import 'https://t.example/x.css'</style>",
    "<a href=\"https://t.example\" onclick=\"alert(1)\">x</a>", "{{residents}}", "[@gazette]", "*em* [l](https://t.example)",
    "\u202egnp.exe", "<!--", "]]>", "</script><script>alert(1)</script>",
]


def hostile_site(tmp_path):
    site = tmp_path / "hostile"
    shutil.copytree(SITES / "tiny", site)
    index = site / "content" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n\n" + "\n\n".join(
        f"Paragraph {number}: {payload}"
        for number, payload in enumerate(PAYLOADS)) + "\n", encoding="utf-8")
    facts = site / "data" / "facts" / "main.json"
    document = json.loads(facts.read_text(encoding="utf-8"))
    document["facts"][0]["note"] = " ".join(PAYLOADS)
    document["facts"][0]["label"] = PAYLOADS[0] + " residents"
    facts.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    gazette = site / "data" / "sources" / "gazette.json"
    source = json.loads(gazette.read_text(encoding="utf-8"))
    source["title"] = PAYLOADS[2] + " " + PAYLOADS[13]
    source["note"] = " ".join(PAYLOADS)
    gazette.write_text(json.dumps(source, ensure_ascii=False), encoding="utf-8")
    return site


def test_hostile_text_is_inert_in_the_browser(tmp_path, static_server, page):
    out = tmp_path / "out"
    build_to(hostile_site(tmp_path), out)
    base = static_server(out)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for name in sorted(path.name for path in out.glob("*.html")):
        page.goto(f"{base}/{name}")
        for link in page.locator(".fact-value").all()[:5]:
            link.hover()
            link.focus()
            page.keyboard.press("Escape")
            page.mouse.move(0, 0)
        page.wait_for_timeout(100)
    assert dialogs == []
    assert page.console_errors == []
    assert all(url.startswith(base) or url.startswith("data:") for url in page.requests)
    text = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text and "onerror=alert" not in text.replace("onerror=alert(1)&gt;", "")
