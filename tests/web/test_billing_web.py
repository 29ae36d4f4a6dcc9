"""Invoicing and outcome pages: who sees which lines, freezing, SIE export once, verification,
CSV/Excel, and recording an outcome with validation and history."""

from __future__ import annotations

import io
import json
import re

import pytest

from fordela.billing.freezes import compute_lines
from fordela.billing.models import ExportBatch, InvoicingFreeze
from fordela.catalogue.models import ServiceYear
from fordela.cycle.selectors import cycle_data
from fordela.engine.model import Period
from fordela.engine.money import Unit, display
from tests.billing.sieparse import parse_sie
from tests.web.conftest import CYCLE

PAGE = f"/c/{CYCLE}/fakturering/"
Q1 = {"year": "2026", "period": "q1"}
NBSP = "\u00a0"


def _freeze(client, period=Q1):
    """Freeze as a person does: the confirmation page first, then its form's post."""
    page = client.get(f"{PAGE}las/", period)
    if page.status_code != 200:
        return page
    revision = re.search(r'name="revision" value="(\d+)"', page.content.decode())
    return client.post(f"{PAGE}las/", {**period, "revision": revision.group(1) if revision else ""})


def test_freezing_asks_first_and_a_get_never_freezes(as_user):
    dana = as_user("dana")
    page = dana.get(PAGE, Q1).content.decode()
    assert 'id="freeze-form"' in page and 'method="get"' in page  # the button leads to the question
    confirm = dana.get(f"{PAGE}las/", Q1)
    assert confirm.status_code == 200 and not InvoicingFreeze.objects.exists()
    text = confirm.content.decode()
    lines = compute_lines(cycle_data(CYCLE), year=2026, period=Period.Q1, scenario="coordination_group")
    gross = sum(ln.net + ln.vat for ln in lines)
    assert f'<dd id="freeze-lines">{len(lines)}</dd>' in text
    assert "Kvartal 1 (januari–mars) 2026" in text
    assert f"{display(gross, Unit.KR)} kr" in text and NBSP in display(gross, Unit.KR)  # 12 345 678 kr, Swedish
    assert 'id="confirm-freeze"' in text and "Ja, lås 2026-q1" in text
    # A post that did not come from this page (no revision) only shows the question again.
    assert dana.post(f"{PAGE}las/", Q1).status_code == 200 and not InvoicingFreeze.objects.exists()
    # The cycle changed after the page was shown: asked again, with the figures computed anew.
    stale = dana.post(f"{PAGE}las/", {**Q1, "revision": "0"})
    assert 'id="freeze-changed"' in stale.content.decode() and not InvoicingFreeze.objects.exists()
    assert _freeze(dana).status_code == 302 and InvoicingFreeze.objects.count() == 1
    freeze = InvoicingFreeze.objects.get()
    assert freeze.net_total + freeze.vat_total == gross
    again = dana.get(f"{PAGE}las/", Q1, follow=True).content.decode()  # frozen: nothing to ask
    assert "2026-q1 är redan låst." in again and InvoicingFreeze.objects.count() == 1


def test_finance_sees_every_invoice_and_a_customers_lines(as_user):
    dana = as_user("dana")
    page = dana.get(PAGE, Q1).content.decode()
    assert "Fakturaunderlag 2026-q1 per faktura" in page and 'id="choose-customer"' in page
    assert page.count("<td>Förskoleförvaltningen</td>") == 3  # one invoice per supplier
    page = dana.get(PAGE, {**Q1, "organisation": "grundskola"}).content.decode()
    assert 'id="lines-heading"' in page and "Göteborgs Stads kontaktcenter" in page  # its lines per service
    assert 'id="freeze"' in page and 'id="not-invoiced-heading"' in page


def test_a_customer_sees_only_its_own_lines_and_no_finance_buttons(as_user):
    charlie = as_user("charlie")
    page = charlie.get(PAGE, {**Q1, "organisation": "forskola"}).content.decode()
    assert "Grundskoleförvaltningen" in page and "Förskoleförvaltningen" not in page
    assert 'id="freeze"' not in page and 'id="export-sie"' not in page
    csv = charlie.get(f"{PAGE}export/", {**Q1, "organisation": "forskola", "format": "csv"}).getvalue().decode()
    customers = {row.split(",")[4] for row in csv.splitlines()[1:]}
    assert customers == {"grundskola"}


@pytest.mark.parametrize("persona", ["charlie", "gustav", "alice", "fatima", "bob"])
def test_only_finance_and_admin_freeze_and_export(as_user, persona):
    client = as_user(persona)
    assert _freeze(client).status_code == 403
    assert client.post(f"{PAGE}sie/", Q1).status_code == 403
    assert not InvoicingFreeze.objects.exists() and not ExportBatch.objects.exists()
    if persona != "bob":
        assert client.post(f"{PAGE}kontrollera/", Q1).status_code == 403


def test_freeze_verify_and_export_sie_once(as_user):
    dana = as_user("dana")
    assert dana.post(f"{PAGE}sie/", Q1).status_code == 302  # not frozen yet: nothing exported
    assert not ExportBatch.objects.exists()

    response = _freeze(dana)
    assert response.status_code == 302
    freeze = InvoicingFreeze.objects.get()
    assert (freeze.year, freeze.period, freeze.created_by) == (2026, "q1", "dana")
    assert freeze.scenario == "coordination_group"
    page = dana.get(response["Location"]).content.decode()
    assert 'class="state frozen"' in page and 'id="export-sie"' in page and 'id="freeze"' not in page
    assert _freeze(dana).status_code == 302 and InvoicingFreeze.objects.count() == 1  # never twice

    verified = dana.post(f"{PAGE}kontrollera/", Q1, follow=True).content.decode()
    assert 'class="message success"' in verified and "2026-q1" in verified

    export = dana.post(f"{PAGE}sie/", Q1)
    assert export.status_code == 200 and export["Content-Disposition"].endswith('2026-q1.se"')
    content = export.content
    assert content.startswith(b"#FLAGGA 0\r\n") and b"#FORMAT PC8" in content
    _, vouchers = parse_sie(content)
    assert vouchers and all(sum(t[2] for t in v["trans"]) == 0 for v in vouchers)
    receivables = sum(v["trans"][0][2] for v in vouchers)
    assert receivables == freeze.net_total + freeze.vat_total

    again = dana.post(f"{PAGE}sie/", Q1, follow=True)
    assert "exporterades redan" in again.content.decode() and 'id="sie-again"' in again.content.decode()
    batch = ExportBatch.objects.get()
    assert batch.exported_again == 0

    repeated = dana.post(f"{PAGE}sie/", {**Q1, "again": "on"})
    assert repeated.status_code == 200 and repeated.content == content
    batch.refresh_from_db()
    assert batch.exported_again == 1 and ExportBatch.objects.count() == 1


def test_excel_export_opens_and_sums_to_the_invoices(as_user):
    from openpyxl import load_workbook

    response = as_user("erik").get(f"{PAGE}export/", {**Q1, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content))["fakturaunderlag"]
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {r[header.index("period")] for r in rows} == {"q1"}
    csv_lines = as_user("erik").get(f"{PAGE}export/", {**Q1, "format": "csv"}).getvalue().decode().splitlines()
    assert len(csv_lines) - 1 == len(rows) > 100


# -- outcome ------------------------------------------------------------------------------------

OUTCOME = f"/c/{CYCLE}/utfall/"


def _outcome(service: str, year: int):
    from fordela.catalogue.models import ServiceYear

    row = ServiceYear.objects.filter(cycle__code=CYCLE, service__code=service, year=year).first()
    return row.outcome if row else None


def test_outcome_page_and_recording_with_history(as_user):
    from fordela.history.models import ChangeRecord

    dana = as_user("dana")
    page = dana.get(OUTCOME, {"supplier": "dms"}).content.decode()
    assert "Budget och utfall, Nämnden för demokrati och medborgarservice" in page
    # The demo has outcomes for 2023–2024 and budgets for 2025–2026: no year to compare yet.
    assert 'id="chart-outcome"' not in page and 'id="outcome-chart-empty"' in page and 'id="outcome-form"' in page
    response = dana.post(OUTCOME, {"service": "kontaktcenter", "year": "2025", "amount": "80 123 456,50"})
    assert response.status_code == 302
    assert _outcome("kontaktcenter", 2025) == 8_012_345_650
    record = ChangeRecord.objects.get(table="service_years", object="kontaktcenter/2025")
    assert record.user.username == "dana" and record.changes["outcome"] == [None, "80123456.50"]
    page = dana.get(OUTCOME, {"supplier": "dms"}).content.decode()
    assert "80\u00a0123" in page
    # Now 2025 has both, and the chart compares that year only: budget and outcome of the same service.
    spec = json.loads(
        re.search(r'<script type="application/json" id="chart-outcome">(.*?)</script>', page, re.S).group(1)
    )
    values = spec["data"]["values"]
    assert {v["category"] for v in values} == {"2025"} and {v["series"] for v in values} == {"Budget", "Utfall"}
    budget = ServiceYear.objects.get(cycle__code=CYCLE, service__code="kontaktcenter", year=2025).cost
    assert next(v["figure"] for v in values if v["series"] == "Budget") == display(budget, Unit.MKR)
    history = dana.get(f"/c/{CYCLE}/historik/", {"table": "service_years"}).content.decode()
    assert "Utfall: 80\u00a0123\u00a0456,50\u00a0kr" in history and "Tjänsternas kostnad per år" in history


def test_outcome_validation_next_to_the_field(as_user):
    before = _outcome("kontaktcenter", 2025)
    response = as_user("fatima").post(OUTCOME, {"service": "kontaktcenter", "year": "2025", "amount": "åttio"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_amount-error"' in html and 'aria-describedby="id_amount-help id_amount-error"' in html
    response = as_user("fatima").post(OUTCOME, {"service": "kontaktcenter", "year": "1999", "amount": "-5"})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_year-error"' in html and 'id="id_amount-error"' in html
    assert _outcome("kontaktcenter", 2025) == before


def test_outcome_permissions(as_user):
    before = _outcome("kontaktcenter", 2025)
    post = {"service": "kontaktcenter", "year": "2025", "amount": "1"}
    assert as_user("alice").post(OUTCOME, post).status_code == 403  # DMS' service, Intraservice's editor
    assert as_user("charlie").post(OUTCOME, post).status_code == 403
    assert 'id="outcome-form"' not in as_user("charlie").get(OUTCOME).content.decode()
    assert _outcome("kontaktcenter", 2025) == before
    assert as_user("alice").post(OUTCOME, {"service": "datacenter", "year": "2025", "amount": "1"}).status_code == 302
    assert _outcome("datacenter", 2025) == 100


def test_freeze_reverse_refreeze_and_verify_from_the_web(as_user):
    from fordela.billing.models import InvoicingReversal

    dana = as_user("dana")
    outlook = dana.post(f"{PAGE}las/", {"year": "2030", "period": "q4"}, follow=True).content.decode()
    assert "beslutade åren" in outlook or InvoicingFreeze.objects.count() == 0
    assert not InvoicingFreeze.objects.exists()

    assert _freeze(dana).status_code == 302
    page = dana.get(f"{PAGE}?year=2026&period=q1").content.decode()
    assert 'id="reverse-form"' in page and 'id="verify"' in page
    charlie = as_user("charlie")
    assert charlie.post(f"{PAGE}aterfor/", {**Q1, "reason": "x"}).status_code == 403
    export = dana.post(f"{PAGE}sie/", Q1)
    assert export.status_code == 200

    refused = dana.post(f"{PAGE}aterfor/", {**Q1, "reason": " "}, follow=True).content.decode()
    assert "Ange varför" in refused and not InvoicingReversal.objects.exists()
    # A NUL never reaches the service (fordela.web.middleware): the whole request is refused.
    assert dana.post(f"{PAGE}aterfor/", {**Q1, "reason": "fel\x00 nyckel"}).status_code == 400
    assert not InvoicingReversal.objects.exists()
    done = dana.post(f"{PAGE}aterfor/", {**Q1, "reason": "fel nyckel"}, follow=True).content.decode()
    assert "är återförd" in done and 'id="reversals"' in done and "fel nyckel" in done and 'id="freeze"' in done
    reversal = InvoicingReversal.objects.get()
    assert (reversal.created_by, reversal.freeze.reversed, reversal.reason) == ("dana", True, "fel nyckel")

    back = dana.post(f"{PAGE}sie/", {**Q1, "reversal": "on", "freeze": str(reversal.freeze_id)})
    assert back.status_code == 200 and back["Content-Disposition"].endswith('2026-q1-aterforing.se"')
    _, original = parse_sie(export.content)
    _, reversing = parse_sie(back.content)
    assert [t[2] for v in reversing for t in v["trans"]] == [-t[2] for v in original for t in v["trans"]]

    assert _freeze(dana).status_code == 302  # frozen again
    live = InvoicingFreeze.objects.get(reversed=False)
    assert live.pk != reversal.freeze_id and InvoicingFreeze.objects.count() == 2
    verified = dana.post(f"{PAGE}kontrollera/", Q1, follow=True).content.decode()
    assert "Kontrollerat" in verified and 'class="message success"' in verified


def test_verify_on_the_web_lists_every_diverging_line(as_user):
    from fordela.billing.models import FrozenLine

    dana = as_user("dana")
    _freeze(dana)
    line = FrozenLine.objects.order_by("id").first()
    FrozenLine.objects.filter(pk=line.pk).update(net=line.net + 1)  # as if the stored lines were altered
    page = dana.post(f"{PAGE}kontrollera/", Q1, follow=True).content.decode()
    assert "avviker" in page and f"net {line.net + 1} ≠ {line.net}" in page
    assert f"{line.supplier} → {line.organisation}, {line.object}" in page


def test_a_web_edit_that_would_change_a_frozen_period_is_refused_with_a_message(as_user):
    """Any view whose write ends in cycle_touch is refused through FrozenPeriodsMiddleware:
    the write is rolled back and the user is sent back with the message naming the period."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.db import transaction
    from django.test import RequestFactory

    from fordela.catalogue.models import Cycle, ServiceYear
    from fordela.cycle.services import cycle_touch
    from fordela.web.frozen import FrozenPeriodsMiddleware

    _freeze(as_user("dana"))
    cycle = Cycle.objects.get(code=CYCLE)
    row = ServiceYear.objects.filter(cycle=cycle, year=2025).order_by("-cost").first()

    def editing_view(request):
        with transaction.atomic():
            ServiceYear.objects.filter(pk=row.pk).update(cost=row.cost + 100)
            cycle_touch(cycle=cycle)
        return None

    request = RequestFactory().post("/x/", HTTP_REFERER="http://testserver/c/goteborg-2026/")
    request.session = {}
    request._messages = FallbackStorage(request)
    middleware = FrozenPeriodsMiddleware(editing_view)
    with pytest.raises(Exception) as raised:  # noqa: PT011 - handed to the middleware as Django does
        editing_view(request)
    response = middleware.process_exception(request, raised.value)
    assert response.status_code == 302 and response["Location"] == "http://testserver/c/goteborg-2026/"
    assert "2026-q1" in " ".join(str(m) for m in request._messages)
    assert ServiceYear.objects.get(pk=row.pk).cost == row.cost
    other = RequestFactory().post("/x/", HTTP_HX_REQUEST="true")
    assert middleware.process_exception(other, raised.value).status_code == 409
    assert middleware.process_exception(other, ValueError("x")) is None


def test_verify_is_a_post_only(as_user):
    assert as_user("dana").get(f"{PAGE}kontrollera/", Q1).status_code == 405
