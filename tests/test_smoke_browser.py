"""A fact's card shows its quote on hover and on keyboard focus, in a real browser."""
from conftest import SITES, build_to


def test_fact_card_appears_on_hover_and_focus(tmp_path, static_server, page):
    build_to(SITES / "tiny", tmp_path / "site")
    base = static_server(tmp_path / "site")
    page.goto(f"{base}/index.html")
    fact = page.locator(".fact").first
    card = fact.locator(".fact-card")
    assert not card.is_visible()
    fact.hover()
    assert card.is_visible()
    assert "There are about 30,000 North Korean defectors" in card.inner_text()
    page.mouse.move(0, 0)
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # site title
    for _ in range(10):
        if page.evaluate("document.activeElement.classList.contains('fact')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('fact')")
    assert page.locator(".fact:focus .fact-card").is_visible()
    assert page.console_errors == []
    assert all(url.startswith(base) for url in page.requests)
