"""The main flows driven through the real UI in Chromium, by mouse and keyboard, with axe-core on
every page reached and a screenshot of each main state (test-artifacts/screenshots/flow-*.png).

The interface is Swedish by default while its catalogue is being filled in, so the assertions use
ids, URLs and numbers (as the pages display them: a non-breaking space between thousands and a
decimal comma), not words; the report tables' own texts (Swedish, from fordela.reports) are fixed.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest

from tests.web.browser.conftest import check_axe, login, screenshot
from tests.web.conftest import CYCLE

pytestmark = pytest.mark.browser

BASE = f"/c/{CYCLE}"
NBSP = "\u00a0"
CHATBOT = "is-hr-chatbot"
NEW_PROPOSAL = "is-e-arkiv"


@contextmanager
def _as(browser, site: str, username: str):
    """A page in a fresh browser context, logged in as `username` (a second person at the same time)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, site, username)
        yield page
    finally:
        context.close()


def _goto(page, site: str, path: str) -> None:
    page.goto(site + path)
    page.wait_for_load_state("networkidle")


def _path(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def _number(text: str) -> float:
    """A number as the pages show it (``1 250 000``, ``−3,5``, ``38,4``) as a float."""
    cleaned = text.strip().replace(NBSP, "").replace(" ", "").replace("\u2212", "-").replace(",", ".")
    return float(cleaned)


def _row_cells(page, table: str, row_heading: str) -> list[str]:
    """The data cells of the row of `table` (a CSS selector) whose row heading starts with `row_heading`."""
    cells = page.eval_on_selector(
        table,
        """(table, heading) => {
            const row = [...table.querySelectorAll('tbody tr')]
              .find(tr => tr.querySelector('th') && tr.querySelector('th').innerText.trim().startsWith(heading));
            return row ? [...row.querySelectorAll('td')].map(td => td.innerText.trim()) : null;
        }""",
        row_heading,
    )
    assert cells is not None, f"no row {row_heading!r} in {table}"
    return cells


# --- 1 and 2: a supplier files a proposal, a coordinator reviews it ------------------------------------


def test_a_supplier_files_a_proposal_and_a_coordinator_reviews_it(browser, page, site):
    from fordela.cycle.models import Proposal, Review, ReviewCondition

    login(page, site, "alice")
    # From the menu to the annual analysis, then the button for a new proposal.
    page.click(f"nav .menu a[href='{BASE}/forslag/']")
    page.wait_for_load_state("networkidle")
    assert _path(page) == f"{BASE}/forslag/"
    check_axe(page)
    page.click("#new-proposal")
    page.wait_for_load_state("networkidle")
    assert _path(page) == f"{BASE}/nytt-forslag/"
    check_axe(page)

    page.fill("#id_code", NEW_PROPOSAL)
    page.select_option("#id_kind", "change_initiative")
    page.fill("#id_title", "E-arkiv för förvaltningarna")
    page.select_option("#id_financing", "solidarity")
    page.select_option("#id_key", "k-employees")
    page.fill("#id_description", "Ett gemensamt e-arkiv.")
    page.fill("#id_amount_2026_development", "1 250 000")  # typed the Swedish way
    screenshot(page, "flow-proposal-form")
    page.click("#save-proposal")
    page.wait_for_load_state("networkidle")

    # Saved as a draft: the proposal's own page, its amount read back in Swedish format.
    assert _path(page) == f"{BASE}/forslag/{NEW_PROPOSAL}/"
    assert "warn" in page.get_attribute("#proposal-status", "class")
    assert Proposal.objects.get(code=NEW_PROPOSAL).status == "draft"
    amounts = page.locator("#amounts-heading + .table-wrap table").inner_text()
    assert f"1{NBSP}250{NBSP}000" in amounts
    check_axe(page)
    screenshot(page, "flow-proposal-draft")

    page.click("#submit-proposal")
    page.wait_for_load_state("networkidle")
    assert _path(page) == f"{BASE}/forslag/{NEW_PROPOSAL}/"
    assert "warn" not in page.get_attribute("#proposal-status", "class")
    assert page.locator("#submit-proposal").count() == 0
    stored = Proposal.objects.get(code=NEW_PROPOSAL)
    assert stored.status == "submitted" and stored.kind == "change_initiative"
    assert {(a.year, a.type, a.amount) for a in stored.amounts.all()} == {(2026, "development", 125_000_000)}
    check_axe(page)
    screenshot(page, "flow-proposal-submitted")

    # The coordinator opens it from the annual analysis and reviews it at the preparation stage.
    with _as(browser, site, "bob") as bob:
        _goto(bob, site, f"{BASE}/forslag/")
        bob.click(f"#proposal-list a[href='{BASE}/forslag/{NEW_PROPOSAL}/']")
        bob.wait_for_load_state("networkidle")
        bob.click("#review-preparation")
        bob.wait_for_load_state("networkidle")
        assert _path(bob) == f"{BASE}/forslag/{NEW_PROPOSAL}/granskning/preparation/"
        check_axe(bob)
        bob.check("input[name=outcome][value=approve_with_conditions]")
        assert bob.is_checked("#id_as_proposed")
        bob.check("#id_invoice_after_incurred")
        bob.fill("#id_comment", "Tillstyrks, faktureras efter upparbetade kostnader.")
        screenshot(bob, "flow-review-form")
        bob.click("#save-review")
        bob.wait_for_load_state("networkidle")

        assert _path(bob) == f"{BASE}/forslag/{NEW_PROPOSAL}/"
        grid = bob.locator("#review-grid").inner_text()
        assert "Tillstyrks, faktureras efter upparbetade kostnader." in grid
        assert "Fakturering sker efter det att kostnaderna är upparbetade." in grid  # the condition's wording
        assert bob.locator("#review-grid th.decides").count() == 1
        review = Review.objects.get(proposal__code=NEW_PROPOSAL)
        assert (review.stage.code, review.outcome) == ("preparation", "approve_with_conditions")
        assert list(ReviewCondition.objects.filter(proposal__code=NEW_PROPOSAL).values_list("kind", flat=True)) == [
            "invoice_after_incurred"
        ]
        check_axe(bob)
        screenshot(bob, "flow-proposal-reviewed")

    # The supplier now sees the review, and can no longer change the proposal.
    page.reload()
    page.wait_for_load_state("networkidle")
    assert "Tillstyrks" in page.locator("#review-grid").inner_text()
    assert page.locator("#edit-proposal").count() == 0


# --- 3: a scenario toggle changes the bridge and an organisation's bill -----------------------------


def test_a_scenario_toggle_changes_the_bridge_and_a_bill_live(page, site):
    from fordela.cycle.selectors import cycle_data
    from fordela.engine.allocate import allocate
    from fordela.engine.money import Unit, display
    from fordela.engine.scenario import resolve_code

    login(page, site, "bob")
    page.click(f"nav .menu a[href='{BASE}/scenarier/']")
    page.wait_for_load_state("networkidle")
    check_axe(page)
    page.fill("#scenario-create #id_code", "utan-chatbot")
    page.fill("#scenario-create #id_name", "Utan chatbot")
    page.select_option("#scenario-create #id_copy_from", "preparation")
    screenshot(page, "flow-scenario-create")
    page.click("#scenario-create button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert _path(page) == f"{BASE}/scenarier/utan-chatbot/"
    check_axe(page)
    screenshot(page, "flow-scenario-before")

    bridge = "#results-intraservice table"
    bills = "#results-organisations table"
    assert _row_cells(page, bridge, "Förändringsinsatser 2026")[0] == "38,4"
    data = cycle_data(CYCLE)
    before = allocate(data, 2026, resolve_code(data, "utan-chatbot")).by_organisation()["grundskola"]
    assert _row_cells(page, bills, "Grundskoleförvaltningen")[1] == display(before, Unit.KR)
    assert page.is_checked(f"#inc-{CHATBOT}")

    # Untick: htmx posts the box and swaps the results in; the page itself is not reloaded.
    page.evaluate("window.notReloaded = true")
    page.uncheck(f"#inc-{CHATBOT}")
    page.wait_for_function("() => document.querySelector('#toggle-status').innerText.trim() !== ''")
    page.wait_for_function(
        """() => [...document.querySelectorAll('#results-intraservice tbody tr')]
             .some(tr => tr.innerText.includes('Förändringsinsatser 2026') && tr.innerText.includes('37,0'))"""
    )
    assert page.evaluate("window.notReloaded") is True
    assert _path(page) == f"{BASE}/scenarier/utan-chatbot/"

    assert _row_cells(page, bridge, "Förändringsinsatser 2026")[0] == "37,0"
    data = cycle_data(CYCLE)
    after = allocate(data, 2026, resolve_code(data, "utan-chatbot")).by_organisation()["grundskola"]
    assert 0 < before - after < 140_000_000  # grundskola's share of the chatbot's 1 400 000 kr
    assert _row_cells(page, bills, "Grundskoleförvaltningen")[1] == display(after, Unit.KR)
    assert not page.is_checked(f"#inc-{CHATBOT}")
    check_axe(page)
    screenshot(page, "flow-scenario-after")

    # The change is saved: a reload shows the same figures.
    page.reload()
    page.wait_for_load_state("networkidle")
    assert not page.is_checked(f"#inc-{CHATBOT}")
    assert _row_cells(page, bridge, "Förändringsinsatser 2026")[0] == "37,0"


# --- 4: the key simulator -------------------------------------------------------------------------------


def test_the_key_simulator_shows_every_organisations_change_summing_to_zero(page, site):
    from fordela.cycle.selectors import cycle_data

    login(page, site, "bob")
    page.click(f"nav .menu a[href='{BASE}/nyckelsimulator/']")
    page.wait_for_load_state("networkidle")
    check_axe(page)

    page.select_option("#sim-service", "extern-service")
    page.wait_for_function("() => location.search.includes('service=extern-service')")
    page.select_option("#sim-key", "k-employees")
    page.wait_for_function("() => location.search.includes('key=k-employees')")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#simulation-result table")

    rows = page.eval_on_selector_all(
        "#simulation-result table tbody tr",
        "rows => rows.map(tr => [tr.querySelector('th').innerText.trim(),"
        " ...[...tr.querySelectorAll('td')].map(td => td.innerText.trim())])",
    )
    organisations = {o.name for o in cycle_data(CYCLE).organisations}
    *each, total = rows
    assert total[0] == "Summa alla organisationer"
    assert {name for name, *_ in each} <= organisations and len(each) >= 3
    changes = [_number(change) for _name, _current, _alternative, change, _percent in each]
    assert any(changes)  # the key matters to someone ...
    assert sum(changes) == pytest.approx(0, abs=len(changes))  # ... but moves nothing in total (rounded kr)
    assert _number(total[3]) == 0
    assert _number(total[1]) == _number(total[2])
    check_axe(page)
    screenshot(page, "flow-simulator")


# --- 5: a form by keyboard only -----------------------------------------------------------------------


def _tab_to(page, element_id: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_logging_in_and_creating_a_scenario_by_keyboard_only(page, site):
    from fordela.accounts.services import DEMO_PASSWORD

    page.goto(f"{site}/login/")
    _tab_to(page, "id_username")
    page.keyboard.type("bob")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert _path(page) == f"{BASE}/"

    _goto(page, site, f"{BASE}/scenarier/")
    _tab_to(page, "id_code")
    page.keyboard.type("tangentbord")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_name"
    page.keyboard.type("Med tangentbordet")
    # Visible focus: the focused field has an outline or a box shadow.
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()"
    )
    assert style[0] != "none" or style[2] != "none", style
    screenshot(page, "flow-keyboard-form")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a text field submits the form
    page.wait_for_load_state("networkidle")
    assert _path(page) == f"{BASE}/scenarier/tangentbord/"
    # Space on the focused checkbox toggles a proposal in the new (empty) scenario.
    page.focus(f"#inc-{CHATBOT}")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('#toggle-status').innerText.trim() !== ''")
    assert page.is_checked(f"#inc-{CHATBOT}")


# --- axe-core on every page type ----------------------------------------------------------------------


def _thread(username: str) -> int:
    """A consultation thread about a bill line, opened by a customer (the demo has none)."""
    from django.contrib.auth import get_user_model

    from fordela.catalogue.models import Cycle
    from fordela.consultation.services import thread_open
    from fordela.cycle.selectors import cycle_data
    from fordela.engine.allocate import allocate
    from fordela.engine.scenario import resolve_code

    data = cycle_data(CYCLE)
    line = next(
        ln for ln in allocate(data, 2026, resolve_code(data, "preparation")).lines if ln.organisation == "grundskola"
    )
    created = thread_open(
        cycle=Cycle.objects.get(code=CYCLE),
        by=get_user_model().objects.get(username=username),
        line_object=line.object,
        line_year=2026,
        organisation="grundskola",
        text="Varför ökar den här raden?",
    )
    return created.pk


PAGES_BY_USER = {
    "bob": [
        ("proposals", "/forslag/"),
        ("proposal", f"/forslag/{CHATBOT}/"),
        ("review", f"/forslag/{CHATBOT}/granskning/preparation/"),
        ("scenarios", "/scenarier/"),
        ("scenario-stage", "/scenarier/coordination_group/"),
        ("compare", "/jamfor-scenarier/?s=proposed&s=preparation&s=coordination_group"),
        ("bridge", "/brygga/?supplier=intraservice&stage=preparation"),
        ("organisation", "/organisation/grundskola/"),
        ("outlook", "/prognos/"),
        ("history", "/historik/"),
        ("documents", "/dokument/"),
        ("opendata", "/oppna-data/"),
        ("catalogue", "/tjanster/"),
        ("service", "/tjanster/extern-service/"),
    ],
    "charlie": [
        ("my-organisation", "/organisation/"),
        ("outlook-customer", "/prognos/"),
        ("simulator-customer", "/nyckelsimulator/"),
        ("threads", "/samrad/"),
        ("thread", "/samrad/{thread}/"),
        ("forbidden", "/nytt-forslag/"),
        ("not-found", "/forslag/finns-inte/"),
    ],
    "dana": [
        ("invoicing", "/fakturering/"),
        ("outcome", "/utfall/"),
    ],
}


def test_every_page_type_passes_axe(browser, site):
    thread = _thread("charlie")
    statuses = {}
    for username, pages in PAGES_BY_USER.items():
        with _as(browser, site, username) as page:
            for name, path in pages:
                response = page.goto(site + BASE + path.format(thread=thread))
                page.wait_for_load_state("networkidle")
                statuses[name] = response.status
                check_axe(page)
                screenshot(page, f"axe-{username}-{name}")
    assert statuses.pop("forbidden") == 403 and statuses.pop("not-found") == 404
    assert set(statuses.values()) == {200}, statuses
