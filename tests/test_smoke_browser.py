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
        if page.evaluate("document.activeElement.classList.contains('fact-value')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('fact-value')")
    assert page.locator(".fact:focus-within .fact-card").is_visible()
    assert page.console_errors == []
    assert all(url.startswith(base) for url in page.requests)


def test_a_tap_on_a_phone_opens_the_card(tmp_path, static_server, browser, page):
    build_to(SITES / "tiny", tmp_path / "site")
    base = static_server(tmp_path / "site")
    page.set_viewport_size({"width": 360, "height": 740})
    cdp = browser.new_cdp_session(page)
    cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    page.goto(f"{base}/index.html")
    fact = page.locator(".fact").nth(1)
    box = fact.locator("data").bounding_box()
    point = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    card = fact.locator(".fact-card")
    card.wait_for(state="visible", timeout=5000)
    assert "211 North Korean defectors held jobs" in card.inner_text()
    card_box = card.bounding_box()
    assert card_box["x"] >= 0 and card_box["x"] + card_box["width"] <= 360  # the card fits the phone's screen
