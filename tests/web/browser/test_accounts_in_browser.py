"""The administrators' account screens pass axe-core and work from the keyboard-free flow."""

from __future__ import annotations

import pytest

from tests.web.browser.conftest import check_axe, login

pytestmark = pytest.mark.browser


def test_an_administrator_creates_an_account_and_the_screens_pass_axe(page, site):
    login(page, site, "erik")
    page.click("header a[href='/konton/']")
    page.wait_for_load_state("networkidle")
    check_axe(page)
    page.fill("#id_username", "nora")
    page.fill("#id_full_name", "Nora Nilsson")
    page.select_option("#id_role", "customer_viewer")
    page.select_option("#id_organisation", "grundskola")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Kontot nora är skapat" in page.inner_text("main")
    check_axe(page)
    page.click("main table a[href='/konton/nora/']")
    page.wait_for_load_state("networkidle")
    check_axe(page)
    page.click("button[value=deactivate]")
    page.wait_for_load_state("networkidle")
    assert "Kontot är inaktiverat." in page.inner_text("main")
