"""My organisation (the explained change), the key simulator and the outlook: figures and permissions."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from fordela.accounts.models import AuditEvent
from fordela.catalogue import models as catalogue
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import cycle_touch
from fordela.engine.allocate import allocate
from fordela.engine.explain import Cause
from fordela.engine.scenario import resolve_code
from fordela.reports.cycle import organisation_bill_table

from .conftest import CYCLE

pytestmark = pytest.mark.django_db

BASE = f"/c/{CYCLE}"
EVERYONE = ("alice", "fatima", "bob", "charlie", "gustav", "dana", "erik")


def refusals() -> int:
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.REFUSED).count()


# --- My organisation -------------------------------------------------------------------------------


def test_waterfall_of_grundskola_sums_exactly_to_its_bill_change(as_user):
    response = as_user("charlie").get(f"{BASE}/organisation/grundskola/", {"scenario": "preparation"})
    assert response.status_code == 200
    explanation = response.context["explanation"]
    data = cycle_data(CYCLE)
    bill = {
        year: organisation_bill_table(data, allocate(data, year, resolve_code(data, "preparation")), "grundskola")
        for year in (2025, 2026)
    }
    change = bill[2026].column("amount")[-1] - bill[2025].column("amount")[-1]  # the sum rows
    parts = dict(explanation.parts())
    assert explanation.change == change
    assert sum(amount for cause, amount in parts.items() if cause is not Cause.INDEX) == change
    assert parts[Cause.INDEX] > 0 and parts[Cause.INITIATIVES] > 0
    assert explanation.after + parts[Cause.INDEX] == explanation.after_with_index
    html = response.content.decode()
    assert "Index 3\u00a0%" in html and "Förändringsinsatser" in html
    assert 'id="chart-waterfall"' in html and "Kostnad 2026 inkl. index" in html


def test_organisation_page_follows_the_scenario(as_user):
    client = as_user("bob")
    proposed = client.get(f"{BASE}/organisation/grundskola/", {"scenario": "proposed"}).context["explanation"]
    prepared = client.get(f"{BASE}/organisation/grundskola/", {"scenario": "preparation"}).context["explanation"]
    # DMS' key changes are only in "everything proposed": a key part there, none in the preparation,
    # whose only key parts are the services that repeat 2025's percentage split instead of their driver.
    assert proposed.part(Cause.KEY) != 0
    dms = ("demokrati", "extern-service", "oppna-data")
    assert all(o.part(Cause.KEY) == 0 for o in prepared.objects if o.object in dms)
    assert any(o.part(Cause.KEY) != 0 for o in proposed.objects if o.object in dms)
    frozen = {o.object for o in prepared.objects if o.part(Cause.KEY) != 0}
    assert frozen and frozen <= {"lan", "telefoni", "domino"}
    assert proposed.before == prepared.before
    assert client.get(f"{BASE}/organisation/grundskola/", {"scenario": "nope"}).status_code == 404


@pytest.mark.parametrize(
    "user,own", [("charlie", "grundskola"), ("gustav", "forskola"), ("alice", "intraservice"), ("fatima", "dms")]
)
def test_home_sends_customers_and_suppliers_to_their_own(as_user, user, own):
    response = as_user(user).get(f"{BASE}/organisation/", {"scenario": "proposed"})
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/organisation/{own}/?scenario=proposed"


@pytest.mark.parametrize("user", ["bob", "dana", "erik"])
def test_home_lets_the_central_roles_pick(as_user, user):
    response = as_user(user).get(f"{BASE}/organisation/")
    assert response.status_code == 200
    html = response.content.decode()
    for code in ("grundskola", "forskola", "intraservice", "energi"):
        assert f"{BASE}/organisation/{code}/" in html


@pytest.mark.parametrize(
    "user,allowed",
    [
        ("charlie", {"grundskola"}),
        ("gustav", {"forskola"}),
        ("alice", {"intraservice"}),
        ("fatima", {"dms"}),
        ("bob", {"grundskola", "forskola", "intraservice", "dms"}),
        ("dana", {"grundskola", "forskola", "intraservice", "dms"}),
        ("erik", {"grundskola", "forskola", "intraservice", "dms"}),
    ],
)
def test_other_organisations_are_hidden(as_user, user, allowed):
    client = as_user(user)
    for code in ("grundskola", "forskola", "intraservice", "dms"):
        before = refusals()
        response = client.get(f"{BASE}/organisation/{code}/")
        if code in allowed:
            assert response.status_code == 200, (user, code)
            assert refusals() == before
        else:
            assert response.status_code == 404, (user, code)
            assert refusals() == before + 1
            assert "explanation" not in (response.context or {})
    assert client.get(f"{BASE}/organisation/no-such-org/").status_code == 404


def test_a_user_without_a_role_is_refused(demo_db):
    client = Client()
    client.force_login(get_user_model().objects.create_user("nobody", password="x"))
    for url in ("organisation/", "nyckelsimulator/", "prognos/"):
        assert client.get(f"{BASE}/{url}").status_code == 403
    assert client.get(f"{BASE}/organisation/grundskola/").status_code == 404


def test_pages_are_read_only(as_user):
    client = as_user("erik")
    revision = catalogue.Cycle.objects.get(code=CYCLE).revision
    for url in ("organisation/", "organisation/grundskola/", "nyckelsimulator/", "prognos/"):
        assert client.post(f"{BASE}/{url}").status_code == 405
    assert catalogue.Cycle.objects.get(code=CYCLE).revision == revision


# --- The key simulator -----------------------------------------------------------------------------

DMS_QUESTION = {"service": "extern-service", "key": "k-employees", "year": "2026", "scenario": "preparation"}


def test_simulator_extern_service_computers_to_employees_sums_to_zero(as_user):
    response = as_user("fatima").get(f"{BASE}/nyckelsimulator/", DMS_QUESTION)
    assert response.status_code == 200
    simulation = response.context["simulation"]
    assert simulation.current_key.code == "k-computers"
    assert simulation.alternative_key.code == "k-employees"
    assert sum(r.change for r in simulation.rows) == 0
    assert simulation.current_total == simulation.alternative_total == 30_500_000_00
    html = response.content.decode()
    for name in ("Grundskoleförvaltningen", "Förskoleförvaltningen", "Nämnden för Intraservice"):
        assert name in html
    assert 'id="chart-simulation"' in html


def test_simulator_shows_a_customer_its_own_row_and_the_sum(as_user):
    response = as_user("charlie").get(f"{BASE}/nyckelsimulator/", DMS_QUESTION)
    assert response.status_code == 200
    table = response.context["table"]
    assert [cells[0][0] for cells, _ in table.rows] == ["Grundskoleförvaltningen", "Summa alla organisationer"]
    html = response.content.decode()
    assert "Förskoleförvaltningen" not in html and "Nämnden för Intraservice" not in html
    assert 'id="simulation-own"' in html


def test_simulator_defaults_to_the_first_key_change_and_keeps_last_year(as_user):
    client = as_user("bob")
    response = client.get(f"{BASE}/nyckelsimulator/")
    assert response.status_code == 200
    assert response.context["simulation"].service == "demokrati"
    assert response.context["simulation"].alternative_key.code == "k-employees"
    kept = client.get(f"{BASE}/nyckelsimulator/", DMS_QUESTION | {"key": "keep-last-year"}).context["simulation"]
    assert kept.alternative_key.frozen_year == 2025
    assert sum(r.change for r in kept.rows) == 0


def test_simulator_htmx_returns_the_result_only(as_user):
    response = as_user("bob").get(f"{BASE}/nyckelsimulator/", DMS_QUESTION, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="simulation-result"')
    assert "<h1>" not in html


def test_simulator_reports_problems_and_bad_input_without_a_traceback(as_user):
    client = as_user("bob")
    bad = client.get(f"{BASE}/nyckelsimulator/", DMS_QUESTION | {"key": "no-such-key"})
    assert bad.status_code == 200 and "simulation" not in bad.context
    assert 'aria-describedby="sim-key-error"' in bad.content.decode()
    # A service with no cost in the base year (new in 2026) has nothing to split in 2025.
    missing = client.get(f"{BASE}/nyckelsimulator/", DMS_QUESTION | {"service": "automatisering", "year": "2025"})
    assert missing.status_code == 200 and missing.context["problems"]
    assert 'id="simulation-problems"' in missing.content.decode()


# --- The outlook -----------------------------------------------------------------------------------


def test_outlook_shows_domino_saving_from_2028_by_default(as_user):
    response = as_user("bob").get(f"{BASE}/prognos/")
    assert response.status_code == 200
    assert response.context["resolution"].code == "proposed"
    tables = {code: table for code, _, table in response.context["supplier_tables"]}
    rows = {cells[0][0]: cells for cells, _ in tables["intraservice"].rows}
    assert rows["2027"][1][0] == "1\u00a0140,4" and rows["2028"][1][0] == "1\u00a0138,9"
    assert response.context["organisation_table"] is not None
    assert not response.context["failed_years"]


@pytest.mark.parametrize("user,own,other", [("charlie", "grundskola", "forskola"), ("alice", "intraservice", "dms")])
def test_outlook_per_organisation_is_limited_to_ones_own(as_user, user, own, other):
    client = as_user(user)
    response = client.get(f"{BASE}/prognos/")
    assert response.status_code == 200 and response.context["chosen"] == own
    assert response.context["choices"] == [(own, response.context["view"].organisation_name(own))]
    before = refusals()
    assert client.get(f"{BASE}/prognos/", {"organisation": other}).status_code == 404
    assert refusals() == before + 1
    assert as_user("bob").get(f"{BASE}/prognos/", {"organisation": other}).context["chosen"] == other


def test_outlook_explains_years_without_driver_values(as_user):
    cycle = catalogue.Cycle.objects.get(code=CYCLE)
    catalogue.DriverValue.objects.filter(cycle=cycle, year__gte=2029).delete()
    cycle_touch(cycle=cycle)
    response = as_user("charlie").get(f"{BASE}/prognos/")
    assert response.status_code == 200
    assert response.context["failed_years"] == [2029, 2030]
    html = response.content.decode()
    assert 'id="outlook-problems"' in html and "2029 kan inte fördelas" in html


def test_a_customer_whose_organisation_is_not_in_the_cycle_is_told_so(as_user):
    from fordela.accounts.models import Profile

    Profile.objects.filter(user__username="gustav").update(organisation="not-here")
    response = as_user("gustav").get(f"{BASE}/organisation/")
    assert response.status_code == 200
    assert 'id="organisation-missing"' in response.content.decode()
    assert as_user("gustav").get(f"{BASE}/prognos/").context["chosen"] == ""
