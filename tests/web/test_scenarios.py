"""Scenario pages: the builder's live toggle, the comparison, the bridge page and its exports,
and who may change what."""

from __future__ import annotations

import csv
import io

import pytest

from fordela.accounts.models import AuditEvent
from fordela.cycle.models import Proposal, Scenario, ScenarioProposal
from fordela.cycle.selectors import cycle_data
from fordela.engine import bridge as b
from fordela.engine.allocate import allocate
from fordela.engine.money import Unit, display
from fordela.engine.scenario import resolve_code
from fordela.history.models import ChangeRecord
from tests.web.conftest import CYCLE

BASE = f"/c/{CYCLE}"
HTMX = {"HTTP_HX_REQUEST": "true"}
NBSP = "\u00a0"
CHATBOT = "is-hr-chatbot"


def _copy(client, code="kopia", copy_from="preparation"):
    response = client.post(f"{BASE}/scenarier/", {"code": code, "name": "Kopia av beredningen", "copy_from": copy_from})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"{BASE}/scenarier/{code}/"
    return code


def _state():
    """Everything a refused write must leave alone."""
    return (
        sorted(Scenario.objects.values_list("code", flat=True)),
        sorted(ScenarioProposal.objects.values_list("scenario__code", "proposal__code")),
        ChangeRecord.objects.count(),
    )


def test_toggling_the_hr_chatbot_off_lowers_the_bridge_and_the_bills_by_exactly_its_cost(as_user):
    bob = as_user("bob")
    code = _copy(bob)
    data = cycle_data(CYCLE)
    before = resolve_code(data, code)
    assert before.decisions[CHATBOT].included  # the preparation approved it
    bridge_before = b.bridge(data, "intraservice", before)
    allocation_before = allocate(data, 2026, before)
    chatbot_lines = {ln.organisation: ln.amount for ln in allocation_before.lines if ln.object == CHATBOT}
    assert sum(chatbot_lines.values()) == 140_000_000  # 1 400 000 kr, split by payslips

    response = bob.post(f"{BASE}/scenarier/{code}/", {"proposal": CHATBOT}, **HTMX)  # box unticked
    assert response.status_code == 200

    data = cycle_data(CYCLE)
    after = resolve_code(data, code)
    assert not after.decisions[CHATBOT].included
    bridge_after = b.bridge(data, "intraservice", after)
    assert bridge_before.change_initiatives - bridge_after.change_initiatives == 140_000_000
    assert bridge_before.total - bridge_after.total == 140_000_000
    totals_before = allocation_before.by_organisation()
    totals_after = allocate(data, 2026, after).by_organisation()
    assert sum(totals_before.values()) - sum(totals_after.values()) == 140_000_000
    for organisation, amount in chatbot_lines.items():
        assert totals_before[organisation] - totals_after[organisation] == amount
    assert chatbot_lines["grundskola"] > 0

    # the swapped-in results show the new figures: Intraservice's initiatives 38,4 → 37,0 mkr
    text = response.content.decode()
    assert f"1{NBSP}173,0" in text and "37,0" in text
    assert display(totals_after["grundskola"], Unit.KR) in text
    record = ChangeRecord.objects.get(table="scenarios", object=code, action="toggle")
    assert record.changes == {CHATBOT: ["included", "excluded"]}
    assert record.user.username == "bob"

    # ticking it in again restores every figure
    bob.post(f"{BASE}/scenarier/{code}/", {"proposal": CHATBOT, "included": [CHATBOT]}, **HTMX)
    assert allocate(cycle_data(CYCLE), 2026, resolve_code(cycle_data(CYCLE), code)).by_organisation() == totals_before


def test_an_htmx_toggle_returns_only_the_results_partial(as_user):
    bob = as_user("bob")
    code = _copy(bob)
    response = bob.post(f"{BASE}/scenarier/{code}/", {"proposal": CHATBOT}, **HTMX)
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text and "site-header" not in text and "proposals-heading" not in text
    assert 'id="results-heading"' in text and 'id="results-intraservice"' in text
    assert 'id="toggle-status" hx-swap-oob="innerHTML"' in text and "Chatbot för HR-frågor" in text
    full = bob.get(f"{BASE}/scenarier/{code}/").content.decode()
    assert "<html" in full and 'id="scenario-results"' in full and f'id="inc-{CHATBOT}"' in full


def test_without_javascript_the_form_posts_and_only_what_changed_is_saved(as_user):
    bob = as_user("bob")
    code = _copy(bob, copy_from="")
    assert not ScenarioProposal.objects.filter(scenario__code=code).exists()
    response = bob.post(f"{BASE}/scenarier/{code}/", {"included": [CHATBOT, "is-it-sakerhet"], "was": []})
    assert response.status_code == 302 and response["Location"] == f"{BASE}/scenarier/{code}/"
    assert set(ScenarioProposal.objects.filter(scenario__code=code).values_list("proposal__code", flat=True)) == {
        CHATBOT,
        "is-it-sakerhet",
    }
    # a stale page that showed the chatbot as included, posted with the box unticked: only it goes
    bob.post(f"{BASE}/scenarier/{code}/", {"included": [], "was": [CHATBOT]})
    assert list(ScenarioProposal.objects.filter(scenario__code=code).values_list("proposal__code", flat=True)) == [
        "is-it-sakerhet"
    ]
    page = bob.get(response["Location"]).content.decode()
    assert 'class="messages"' in page  # what was saved, said after the redirect


def test_stage_and_everything_proposed_scenarios_are_read_only(as_user):
    bob = as_user("bob")
    for code in ("preparation", "proposed"):
        page = bob.get(f"{BASE}/scenarier/{code}/")
        assert page.status_code == 200
        text = page.content.decode()
        assert 'id="read-only"' in text and 'type="checkbox"' not in text
        before = _state()
        response = bob.post(f"{BASE}/scenarier/{code}/", {"proposal": CHATBOT}, **HTMX)
        assert response.status_code == 403
        assert _state() == before
        assert bob.post(f"{BASE}/scenarier/{code}/ta-bort/").status_code == 403


@pytest.mark.parametrize("persona", ["alice", "fatima", "charlie", "gustav", "dana"])
def test_only_coordinators_and_admins_change_scenarios(as_user, persona):
    as_user("bob").post(f"{BASE}/scenarier/", {"code": "kopia", "name": "Kopia", "copy_from": "preparation"})
    client = as_user(persona)
    page = client.get(f"{BASE}/scenarier/kopia/").content.decode()
    assert 'type="checkbox"' not in page and 'id="read-only"' in page
    assert 'id="scenario-create"' not in client.get(f"{BASE}/scenarier/").content.decode()
    before = _state()
    refused = AuditEvent.objects.filter(kind="refused", username=persona).count()
    attempts = [
        client.post(f"{BASE}/scenarier/kopia/", {"proposal": CHATBOT}, **HTMX),
        client.post(f"{BASE}/scenarier/kopia/", {"included": [], "was": [CHATBOT]}),
        client.post(f"{BASE}/scenarier/", {"code": "min", "name": "Min", "copy_from": "proposed"}),
        client.post(f"{BASE}/scenarier/kopia/ta-bort/"),
    ]
    assert [r.status_code for r in attempts] == [403, 403, 403, 403]
    assert _state() == before
    assert AuditEvent.objects.filter(kind="refused", username=persona).count() == refused + 4


def test_the_admin_may_change_scenarios_too(as_user):
    erik = as_user("erik")
    code = _copy(erik, code="eriks")
    assert erik.post(f"{BASE}/scenarier/{code}/", {"proposal": CHATBOT}, **HTMX).status_code == 200
    assert erik.post(f"{BASE}/scenarier/{code}/ta-bort/").status_code == 302
    assert Scenario.objects.get(code=code).deleted_at is not None
    assert ChangeRecord.objects.filter(object=code, action="delete").exists()


def test_a_deleted_scenario_can_be_undone_from_the_message(as_user):
    """Delete → the list says so with an "Ångra" button (a real form, no JavaScript needed) →
    the scenario is back with its proposals, and both steps are in its history."""
    bob = as_user("bob")
    code = _copy(bob)
    bob.post(f"{BASE}/scenarier/{code}/", {"proposal": CHATBOT}, **HTMX)  # the chatbot left out
    page = bob.get(f"{BASE}/scenarier/{code}/").content.decode()
    history = page.split('id="changes-heading"')[1]
    assert "Chatbot för HR-frågor har tagits bort." in history and CHATBOT not in history  # by title, in words
    selection = sorted(ScenarioProposal.objects.filter(scenario__code=code).values_list("proposal__code", flat=True))
    response = bob.post(f"{BASE}/scenarier/{code}/ta-bort/")
    assert response.status_code == 302 and response["Location"] == f"{BASE}/scenarier/?deleted={code}"
    # A second click on the same button is harmless: still one deletion.
    assert bob.post(f"{BASE}/scenarier/{code}/ta-bort/").status_code == 302
    assert ChangeRecord.objects.filter(object=code, action="delete").count() == 1
    page = bob.get(response["Location"]).content.decode()
    assert 'id="scenario-deleted"' in page and "Scenariot Kopia av beredningen har tagits bort." in page
    assert f'action="{BASE}/scenarier/{code}/aterstall/"' in page and "Ångra" in page
    assert 'id="deleted-scenarios"' in page
    assert code not in {s.code for s in cycle_data(CYCLE).scenarios}
    assert bob.get(f"{BASE}/scenarier/{code}/").status_code == 404
    assert f"{BASE}/scenarier/{code}/" not in bob.get(f"{BASE}/jamfor-scenarier/").content.decode()
    assert bob.get(f"{BASE}/scenarier/{code}/aterstall/").status_code == 403  # only a POST restores
    response = bob.post(f"{BASE}/scenarier/{code}/aterstall/")
    assert response.status_code == 302 and response["Location"] == f"{BASE}/scenarier/{code}/"
    assert Scenario.objects.get(code=code).deleted_at is None
    assert sorted(ScenarioProposal.objects.filter(scenario__code=code).values_list("proposal__code", flat=True)) == (
        selection
    )
    page = bob.get(response["Location"]).content.decode()
    assert "Scenariot Kopia av beredningen är återställt." in page
    assert "Borttaget " in page and "Återställt (borttaget " in page  # the history, in words
    assert [r.action for r in ChangeRecord.objects.filter(object=code)][:2] == ["restore", "delete"]


@pytest.mark.parametrize("persona", ["alice", "charlie"])
def test_only_those_who_edit_scenarios_restore_them(as_user, persona):
    bob = as_user("bob")
    code = _copy(bob)
    bob.post(f"{BASE}/scenarier/{code}/ta-bort/")
    client = as_user(persona)
    page = client.get(f"{BASE}/scenarier/?deleted={code}").content.decode()
    assert "/aterstall/" not in page
    assert client.post(f"{BASE}/scenarier/{code}/aterstall/").status_code == 403
    assert Scenario.objects.get(code=code).deleted_at is not None


def test_create_form_shows_errors_next_to_the_field(as_user):
    bob = as_user("bob")
    response = bob.post(f"{BASE}/scenarier/", {"code": "Har Mellanslag", "name": "", "copy_from": "nope"})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="id_code_error"' in text and 'aria-describedby="id_code_helptext id_code_error"' in text
    assert 'aria-invalid="true"' in text
    response = bob.post(f"{BASE}/scenarier/", {"code": "preparation", "name": "Dubblett"})
    assert response.status_code == 400 and 'id="id_code_error"' in response.content.decode()
    assert Scenario.objects.filter(code="preparation").count() == 1


def test_compare_three_scenarios(as_user):
    bob = as_user("bob")
    response = bob.get(f"{BASE}/jamfor-scenarier/?s=preparation&s=proposed&s=utan-nya-insatser")
    assert response.status_code == 200
    text = response.content.decode()
    for name in ("Beredningens förslag", "Scenario 3 – allt som föreslås", "Endast befintlig leverans"):
        assert name in text
    # Intraservice management 1 136,0 (preparation) and 1 137,4 (proposed): 1,4 more
    assert f"1{NBSP}136,0" in text and f"1{NBSP}137,4" in text and f"1{NBSP}174,4" in text
    assert "Skillnad mot Beredningens förslag" in text
    assert "Förskoleförvaltningen" in text and "Grundskoleförvaltningen" in text
    assert 'id="chart-compare"' in text
    assert text.count('name="s"') == 4 and text.count("checked") == 3

    # a customer sees only its own organisation's bill (and the sum over all)
    charlie = as_user("charlie").get(f"{BASE}/jamfor-scenarier/?s=preparation&s=proposed&s=coordination_group")
    text = charlie.content.decode()
    assert charlie.status_code == 200
    assert "Grundskoleförvaltningen" in text and "Förskoleförvaltningen" not in text
    assert "Summa alla organisationer" in text


def test_compare_ignores_unknown_codes_and_defaults_to_every_scenario(as_user):
    text = as_user("dana").get(f"{BASE}/jamfor-scenarier/?s=nope").content.decode()
    assert text.count("checked") == 4


def test_bridge_page_laid_out_like_the_deck(as_user):
    response = as_user("charlie").get(f"{BASE}/brygga/?supplier=intraservice&stage=preparation")
    assert response.status_code == 200
    text = response.content.decode()
    for figure in (
        f"1{NBSP}091,6",
        "60,2",
        "−66,1",
        f"1{NBSP}100,4",
        "26,9",
        "25,5",
        f"1{NBSP}137,4",
        f"1{NBSP}136,0",
        "46,2",
        "38,4",
        f"1{NBSP}183,6",
        f"1{NBSP}174,4",
        "64,9",
        "55,7",
        f"1{NBSP}209,6",
        f"38{NBSP}350",
        f"2{NBSP}100",
        f"5{NBSP}700",
    ):
        assert figure in text, figure
    assert 'id="list-recommended"' in text and 'id="list-not_recommended"' in text and 'id="list-as_add_on"' in text
    assert 'id="chart-bridge"' in text
    # the default stage is the cycle's current one: the coordination group removed the HR chatbot
    text = as_user("bob").get(f"{BASE}/brygga/").content.decode()
    assert f"1{NBSP}136{NBSP}000{NBSP}000" in text and f"36{NBSP}950{NBSP}000" in text
    assert f"86{NBSP}900{NBSP}000" in text and f"33{NBSP}750{NBSP}000" in text and f"6{NBSP}200{NBSP}000" in text
    assert as_user("bob").get(f"{BASE}/brygga/?supplier=nobody").status_code == 404


def _csv(client, query):
    response = client.get(f"{BASE}/brygga/export/?{query}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _xlsx(client, query):
    import openpyxl

    response = client.get(f"{BASE}/brygga/export/?{query}")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    return sheet, [c.value for c in rows[0]], rows[1:]


def test_exports_parse_back_with_the_reference_figures(as_user):
    client = as_user("gustav")
    rows = {r["line"]: r for r in _csv(client, "supplier=intraservice&stage=preparation&table=bridge&format=csv")}
    assert rows["management_cost"]["amount_proposed"] == "1137400000.00"  # 113 740 000 000 öre
    assert rows["management_cost"]["amount_preparation"] == "1136000000.00"
    assert rows["total"]["change_proposed"] == "64850000.00"
    lists = _csv(client, "supplier=intraservice&stage=preparation&table=initiatives&format=csv")
    sums = {r["list"]: r["amount"] for r in lists if r["list_label"] == "Summa"}
    assert sums == {"recommended": "38350000.00", "not_recommended": "2100000.00", "as_add_on": "5700000.00"}
    frames = {r["supplier"]: r for r in _csv(client, "table=frames&format=csv")}
    assert frames["intraservice"]["management"] == "1136000000.00"
    assert frames["intraservice"]["development"] == "36950000.00"
    assert frames["dms"]["management"] == "86900000.00"
    assert frames["iu"]["management"] == "33750000.00" and frames["iu"]["development"] == "6200000.00"

    sheet, header, body = _xlsx(client, "supplier=intraservice&stage=preparation&table=bridge&format=xlsx")
    line = header.index("Rad")
    cells = {row[line].value: row for row in body}
    proposed = header.index("Belopp Scenario 3 – allt som föreslås (kr)")
    decided = header.index("Belopp Beredningens förslag (kr)")
    assert cells["management_cost"][proposed].value == 1_137_400_000
    assert cells["management_cost"][decided].value == 1_136_000_000
    assert cells["management_cost"][decided].data_type == "n"
    assert cells["management_cost"][decided].number_format == "#,##0"
    assert cells["settlement"][proposed].value == -66_100_000
    _, header, body = _xlsx(client, "table=frames&format=xlsx")
    assert [r[header.index("Ram utveckling (kr)")].value for r in body if r[0].value == "intraservice"] == [36_950_000]


def test_exports_are_safe_against_formula_injection(as_user):
    from fordela.catalogue.models import Cycle
    from fordela.cycle.services import cycle_touch

    Proposal.objects.filter(code="is-it-sakerhet").update(title='=HYPERLINK("http://evil","klicka")')
    Proposal.objects.filter(code="is-flexibilitet-di").update(title="@SUM(1+1)")
    cycle_touch(cycle=Cycle.objects.get(code=CYCLE))
    client = as_user("bob")
    rows = _csv(client, "supplier=intraservice&stage=preparation&table=initiatives&format=csv")
    titles = {r["proposal"]: r["title"] for r in rows}
    assert titles["is-it-sakerhet"] == '\'=HYPERLINK("http://evil","klicka")'
    assert titles["is-flexibilitet-di"] == "'@SUM(1+1)"
    _, header, body = _xlsx(client, "supplier=intraservice&stage=preparation&table=initiatives&format=xlsx")
    title = header.index("Förändringsinsats")
    cells = [r[title] for r in body if r[header.index("Kod")].value == "is-it-sakerhet"]
    assert cells[0].value.startswith("'=") and cells[0].data_type == "s"
    # money stays a number even when negative (it starts with a minus but is not text)
    bridge_rows = {r["line"]: r for r in _csv(client, "supplier=intraservice&table=bridge&format=csv")}
    assert bridge_rows["settlement"]["amount_proposed"] == "-66100000.00"


@pytest.mark.parametrize("query", ["table=nope&format=csv", "table=bridge&format=pdf", "stage=nope&table=frames"])
def test_bad_export_requests_are_not_found(as_user, query):
    assert as_user("bob").get(f"{BASE}/brygga/export/?{query}").status_code == 404


def test_scenario_list_and_pages_render_for_everyone(as_user):
    for persona in ("alice", "charlie", "dana", "erik"):
        client = as_user(persona)
        listing = client.get(f"{BASE}/scenarier/")
        assert listing.status_code == 200 and "Beredningens förslag" in listing.content.decode()
        assert client.get(f"{BASE}/scenarier/utan-nya-insatser/").status_code == 200
        assert client.get(f"{BASE}/scenarier/coordination_group/").status_code == 200
    assert as_user("bob").get(f"{BASE}/scenarier/nope/").status_code == 404
    assert 'id="scenario-create"' in as_user("bob").get(f"{BASE}/scenarier/").content.decode()


def test_a_long_scenario_history_is_shown_a_page_at_a_time(as_user):
    """A scenario toggled all year has thousands of history records: the page shows the newest
    50 with a pager, reads only those from the database, and refuses a page that is not one."""
    from fordela.history.services import history_record

    for i in range(60):
        history_record(
            user=None,
            cycle="goteborg-2026",
            table="scenarios",
            object="utan-nya-insatser",
            action="toggle",
            changes={f"p-{i:02d}": ("excluded", "included")},
        )
    bob = as_user("bob")
    first = bob.get("/c/goteborg-2026/scenarier/utan-nya-insatser/").content.decode()
    assert first.count('<th scope="row">') >= 50 and "changes-page=2" in first
    second = bob.get("/c/goteborg-2026/scenarier/utan-nya-insatser/?changes-page=2")
    assert second.status_code == 200 and "changes-page=1" in second.content.decode()
    for bad in ("0", "3", "abc", "1.5", "9" * 30):
        assert bob.get(f"/c/goteborg-2026/scenarier/utan-nya-insatser/?changes-page={bad}").status_code == 404
