"""Keeping the catalogue and the drivers in the web, and uploading an edited workbook, driven in
Chromium: the effect is shown before anything is saved, axe-core passes on every new page, and
the pages fit a 320 px wide screen."""

from __future__ import annotations

import pytest

from tests.web.browser.conftest import check_axe, login, screenshot
from tests.web.conftest import CYCLE

pytestmark = pytest.mark.browser

BASE = f"/c/{CYCLE}"


def _goto(page, site: str, path: str) -> None:
    page.goto(site + path)
    page.wait_for_load_state("networkidle")


def _fits_320(page) -> None:
    """At 320 px nothing but a scrollable table region may be wider than the screen."""
    page.set_viewport_size({"width": 320, "height": 800})
    wide = page.evaluate("document.documentElement.scrollWidth")
    # What sticks out, named in the failure (the first few elements past the right edge).
    culprits = page.evaluate(
        "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 321)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    assert wide <= 320, f"{page.url} is {wide} px wide at 320 px: {culprits}"


def test_a_supplier_editor_changes_key_and_cost_and_sees_every_organisation_first(page, site):
    from fordela.catalogue.models import ServiceYear

    login(page, site, "alice")
    _goto(page, site, f"{BASE}/tjanster/datacenter/")
    page.click("#edit-service")
    page.wait_for_load_state("networkidle")
    check_axe(page)
    _fits_320(page)
    page.fill("#id_cost_2025", "75 000 000")
    page.select_option("#id_key_2026", "k-employees")
    page.focus("#preview-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # keyboard, not mouse
    preview = page.locator("#preview")
    assert preview.is_visible()
    rows = preview.locator("table", has_text="Effekt per organisation 2026").locator("tbody tr")
    assert rows.count() > 10  # every organisation, and the sum
    total = rows.last.inner_text()
    assert "63\u00a0600\u00a0000" in total and "68\u00a0600\u00a0000" in total
    assert ServiceYear.objects.get(service__code="datacenter", year=2026).key.code == "k-computers"
    check_axe(page)
    _fits_320(page)
    screenshot(page, "catalogue-service-effect")
    with page.expect_navigation():
        page.click("#save-button")
    assert page.url.endswith(f"{BASE}/tjanster/datacenter/")
    row = ServiceYear.objects.get(service__code="datacenter", year=2026)
    assert (row.key.code, row.cost) == ("k-employees", 68_600_000_00)


def test_finance_loads_employee_counts_from_a_file_and_the_bills_change(page, site, tmp_path):
    from fordela.cycle.selectors import cycle_data
    from fordela.reports.effect import organisation_totals

    before = organisation_totals(cycle_data(CYCLE), 2026)
    export = tmp_path / "anstallda.csv"
    export.write_bytes(
        "Förvaltning;Antal anställda\ngrundskola;15 000\nforskola;9 000\nPåhittad nämnd;12\n".encode("cp1252")
    )
    login(page, site, "dana")
    _goto(page, site, f"{BASE}/tjanster/")
    page.click("#catalogue-admin")
    page.wait_for_load_state("networkidle")
    check_axe(page)
    page.click(f"a[href^='{BASE}/katalog/drivare/employees/']")
    page.wait_for_load_state("networkidle")
    check_axe(page)
    page.set_input_files("#id_file", str(export))
    with page.expect_navigation():
        page.click("#file-button")
    assert "Påhittad nämnd" in page.locator("#file-problems").inner_text()
    page.click("#preview details summary")  # open the rows that change
    changes = page.locator("#preview details").inner_text()
    assert "employees/grundskola/2026" in changes and "15000" in changes
    check_axe(page)
    _fits_320(page)
    screenshot(page, "catalogue-driver-file")
    assert organisation_totals(cycle_data(CYCLE), 2026) == before  # nothing saved yet
    with page.expect_navigation():
        page.click("#save-button")
    after = organisation_totals(cycle_data(CYCLE), 2026)
    assert after["grundskola"] != before["grundskola"] and after["forskola"] != before["forskola"]
    assert sum(after.values()) == sum(before.values())
    _goto(page, site, f"{BASE}/organisation/grundskola/")
    assert page.locator("main").is_visible()


def test_a_coordinator_uploads_an_edited_workbook_and_proposals_and_reviews_stay(page, site, tmp_path):
    import openpyxl
    from django.contrib.auth import get_user_model

    from fordela.catalogue.models import ServiceYear
    from fordela.cycle.models import Proposal, Review
    from fordela.cycle.proposals import proposal_create
    from fordela.cycle.selectors import cycle_data, cycle_get
    from fordela.engine import model as m
    from fordela.package.writer import write_package

    draft = m.Proposal(
        code="is-utkast",
        supplier="intraservice",
        kind=m.ProposalKind.VOLUME_CHANGE,
        title="Utkast",
        financing=m.Financing.SOLIDARITY,
        service="office365",
    )
    alice = get_user_model().objects.get(username="alice")
    proposal_create(cycle=cycle_get(CYCLE), values=draft, amounts=[], by=alice)
    proposals, reviews = Proposal.objects.count(), Review.objects.count()
    # The workbook as Documents makes it, edited as a person would in Excel.
    path = tmp_path / "arbetsbok.xlsx"
    write_package(cycle_data(CYCLE), path)
    book = openpyxl.load_workbook(path)
    sheet = book["service_years"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=3):
        cells = dict(zip(header, row, strict=False))
        if cells["service"].value == "datacenter" and cells["year"].value == 2025:
            cells["cost"].value = 71_000_000
        if cells["service"].value == "datacenter" and cells["year"].value == 2026:
            cells["cost"].value = 64_600_000
    book.save(path)
    login(page, site, "bob")
    _goto(page, site, f"{BASE}/katalog/")
    page.click(f"a[href='{BASE}/katalog/ladda-upp/']")
    page.wait_for_load_state("networkidle")
    check_axe(page)
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("#upload-button")
    summary = page.locator("#upload-preview table").first.inner_text()
    assert "service_years" in summary
    assert "datacenter/2025" in page.locator("#upload-preview").text_content()
    assert ServiceYear.objects.get(service__code="datacenter", year=2025).cost == 70_000_000_00
    check_axe(page)
    _fits_320(page)
    screenshot(page, "catalogue-upload-preview")
    with page.expect_navigation():
        page.click("#apply-button")
    assert page.url.endswith(f"{BASE}/historik/")
    assert ServiceYear.objects.get(service__code="datacenter", year=2025).cost == 71_000_000_00
    assert (Proposal.objects.count(), Review.objects.count()) == (proposals, reviews)
    assert Proposal.objects.get(code="is-utkast").status == "draft"
    _goto(page, site, f"{BASE}/forslag/")
    assert page.locator("main").is_visible()


@pytest.mark.parametrize(
    "path", ["katalog/nycklar/k-stadsnat/", "katalog/organisationer/dms/", "katalog/drivare/payslips/?year=2025"]
)
def test_the_other_edit_pages_pass_axe_and_fit_320_with_their_preview(page, site, path):
    login(page, site, "dana")
    _goto(page, site, f"{BASE}/{path}")
    check_axe(page)
    _fits_320(page)
    with page.expect_navigation():
        page.click("#preview-button")
    assert page.locator("#preview").is_visible()
    check_axe(page)
    _fits_320(page)
