"""The pages of the written analysis, next year's cycle, notifications and open data pass axe-core;
a coordinator creates next year's cycle with the button and an anonymous visitor reads the open data."""

from __future__ import annotations

import pytest

from tests.web.browser.conftest import check_axe, login
from tests.web.conftest import CYCLE

pytestmark = pytest.mark.browser


def test_open_data_without_login(page, site):
    page.goto(f"{site}/oppna-data/")
    check_axe(page)
    page.click(f"a[href='/c/{CYCLE}/oppna-data/']")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/c/{CYCLE}/oppna-data/") and "kostnadsfordelning.csv" in page.content()
    check_axe(page)


def test_written_analysis_next_cycle_and_notifications(page, site):
    login(page, site, "bob")
    for url in (f"/c/{CYCLE}/arlig-analys/dms/text/", "/konto/aviseringar/", "/over-tid/tjanst/lan/"):
        page.goto(site + url)
        check_axe(page)
    page.goto(f"{site}/c/{CYCLE}/")
    page.click("#cycle-next")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/c/goteborg-2027/")
    check_axe(page)
    page.goto(f"{site}/over-tid/organisation/grundskola/")
    assert "goteborg-2027" in page.content()
    check_axe(page)
