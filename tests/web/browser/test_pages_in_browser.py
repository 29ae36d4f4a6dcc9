"""Every role logs in; every page passes axe-core; the main pages are saved as screenshots."""

from __future__ import annotations

import pytest

from tests.web.browser.conftest import check_axe, login, screenshot
from tests.web.conftest import CYCLE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("username", "role_label"),
    [
        ("alice", "Leverantörsredaktör"),
        ("bob", "Samordnare"),
        ("charlie", "Kundläsare"),
        ("dana", "Ekonomi"),
        ("erik", "Administratör"),
    ],
)
def test_each_role_logs_in(page, site, username, role_label):
    login(page, site, username)
    assert page.url.endswith(f"/c/{CYCLE}/")
    header = page.locator("header").inner_text()
    assert role_label in header or role_label.lower() in header.lower(), header


def test_login_page_and_statement_pass_axe(page, site):
    page.goto(f"{site}/login/")
    check_axe(page)
    screenshot(page, "login")
    page.goto(f"{site}/tillganglighet/")
    check_axe(page)
    assert "DIGG" in page.content()


def test_keyboard_reaches_the_skip_link_and_main(page, site):
    login(page, site, "bob")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def _menu_urls(page) -> list[str]:
    return page.eval_on_selector_all("nav .menu a", "links => links.map(a => a.getAttribute('href'))")


def test_every_menu_page_passes_axe(page, site):
    login(page, site, "bob")
    urls = _menu_urls(page)
    assert len(urls) >= 2
    extra = [f"/c/{CYCLE}/tjanster/kontaktcenter/?year=2025", f"/c/{CYCLE}/tjanster/automatisering/"]
    for url in urls + extra:
        page.goto(site + url)
        page.wait_for_load_state("networkidle")
        check_axe(page)
        name = url.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "home"
        screenshot(page, name)
