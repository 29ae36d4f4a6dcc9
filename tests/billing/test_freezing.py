"""Freezing: an invoiced period reproduces its lines to the öre whatever changes afterwards;
a period is frozen once and exported to the ledger once; outcome is recorded with history."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fordela.billing.freezes import FrozenPeriodsChanged
from fordela.billing.models import ExportBatch, InvoicingFreeze
from fordela.billing.services import (
    BillingError,
    compute_lines,
    frozen_lines,
    invoice_export_sie,
    invoice_freeze,
    invoice_reproduce,
    invoice_reverse,
    invoice_verify,
    outcome_record,
)
from fordela.catalogue.models import Cycle, ServiceYear
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import cycle_import
from fordela.engine.model import Period
from fordela.history.models import ChangeRecord

pytestmark = pytest.mark.django_db
CODE = "goteborg-2026"


@pytest.fixture
def frozen(demo):
    cycle_import(data=demo)
    return invoice_freeze(cycle=CODE, year=2026, period=Period.Q1, scenario="coordination_group", by="alice")


def test_a_freeze_stores_the_lines_and_hashed_inputs(frozen, demo):
    lines = frozen_lines(frozen)
    assert lines == compute_lines(demo, year=2026, period=Period.Q1, scenario="coordination_group")
    assert frozen.net_total == sum(ln.net for ln in lines) and frozen.vat_total == sum(ln.vat for ln in lines) > 0
    assert len(frozen.inputs_sha256) == 64 and set(frozen.inputs) >= {"cycle", "service_years", "incurred_costs"}
    assert invoice_verify(freeze=frozen)


def test_replacing_the_cycle_with_frozen_periods_is_refused_until_reversed(frozen, demo):
    # A cycle where a service costs more and nobody has incurred anything: other Q1 lines.
    changed = replace(
        demo,
        service_years=tuple(
            replace(sy, cost=sy.cost + 10_000_000_00) if sy.service == "office365" and sy.cost else sy
            for sy in demo.service_years
        ),
        incurred_costs=(),
    )
    with pytest.raises(FrozenPeriodsChanged, match="2026-q1") as refused:
        cycle_import(data=changed, replace=True)
    assert refused.value.periods == ["2026-q1"] and "ändringen skulle" in str(refused.value)
    assert compute_lines(cycle_data(CODE), year=2026, period=Period.Q1, scenario="coordination_group") == frozen_lines(
        frozen
    )  # the import was rolled back whole
    cycle_import(data=demo, replace=True)  # the same data again changes no frozen line: accepted
    invoice_reverse(freeze=frozen, reason="fel kostnad för office365", by="alice")
    cycle_import(data=changed, replace=True)
    now = compute_lines(cycle_data(CODE), year=2026, period=Period.Q1, scenario="coordination_group")
    assert now != frozen_lines(frozen)
    InvoicingFreeze.objects.get(pk=frozen.pk)  # the reversed freeze stays, with its lines
    assert invoice_reproduce(freeze=frozen) == frozen_lines(frozen)
    result = invoice_verify(freeze=InvoicingFreeze.objects.get(pk=frozen.pk))
    assert not result.ok and not result.stored  # the stored inputs still give the frozen lines
    keys = {d.key for d in result.current}
    assert keys and all(key[2] == "office365" or key[3] == "incurred" for key in keys)
    changed_line = next(d for d in result.current if d.frozen and d.other)
    assert f"net {changed_line.frozen.net} ≠ {changed_line.other.net}" in changed_line.describe()


def test_altered_inputs_are_detected(frozen):
    frozen.inputs["cycle"] = frozen.inputs["cycle"].replace("0.03", "0.04")
    with pytest.raises(BillingError, match="stämmer inte med sin sha256"):
        invoice_reproduce(freeze=frozen)


def test_a_period_is_frozen_once_and_overlaps_are_refused(frozen):
    for period in (Period.Q1, Period.M02):
        with pytest.raises(BillingError, match="redan låst"):
            invoice_freeze(cycle=CODE, year=2026, period=period, scenario="coordination_group")
    invoice_freeze(cycle=CODE, year=2026, period=Period.M04, scenario="coordination_group")
    assert InvoicingFreeze.objects.count() == 2


def test_an_export_batch_is_produced_once_unless_asked_again(frozen):
    first = invoice_export_sie(freeze=frozen, company="Göteborgs Stad", by="alice")
    assert first.content.startswith(b"#FLAGGA 0") and first.batch.vouchers == first.content.count(b"#VER") > 0
    with pytest.raises(BillingError, match="redan exporterats till SIE"):
        invoice_export_sie(freeze=frozen, company="Göteborgs Stad")
    again = invoice_export_sie(freeze=frozen, company="Göteborgs Stad", again=True)
    assert again.content == first.content and again.again
    batch = ExportBatch.objects.get()
    assert batch.exported_again == 1 and batch.last_exported_at is not None


def test_outcome_is_recorded_with_history(demo):
    cycle = cycle_import(data=demo)
    revision = Cycle.objects.get(pk=cycle.pk).revision
    outcome_record(cycle=cycle, service="kontaktcenter", year=2025, amount=41_000_000_00)
    outcome_record(cycle=cycle, service="kontaktcenter", year=2022, amount=30_000_000_00)  # a year with no row yet
    assert ServiceYear.objects.get(cycle=cycle, service__code="kontaktcenter", year=2025).outcome == 41_000_000_00
    assert ServiceYear.objects.get(cycle=cycle, service__code="kontaktcenter", year=2022).outcome == 30_000_000_00
    assert Cycle.objects.get(pk=cycle.pk).revision == revision + 2
    record = ChangeRecord.objects.filter(cycle=CODE, table="service_years", object="kontaktcenter/2025").get()
    assert record.changes == {"outcome": [None, "41000000.00"]}  # as the package writes money
    with pytest.raises(BillingError, match="Okänd tjänst"):
        outcome_record(cycle=cycle, service="nope", year=2025, amount=1)


def test_the_services_refuse_a_web_user_who_may_not_invoice(demo):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    from fordela.accounts.services import demo_accounts_create

    cycle_import(data=demo)
    demo_accounts_create()
    users = get_user_model().objects
    with pytest.raises(PermissionDenied):
        invoice_freeze(
            cycle=CODE,
            year=2026,
            period=Period.Q1,
            scenario="coordination_group",
            user=users.get(username="charlie"),
        )
    assert not InvoicingFreeze.objects.exists()
    freeze = invoice_freeze(
        cycle=CODE,
        year=2026,
        period=Period.Q1,
        scenario="coordination_group",
        user=users.get(username="dana"),
    )
    with pytest.raises(PermissionDenied):
        invoice_export_sie(freeze=freeze, company="Göteborgs Stad", user=users.get(username="bob"))
    assert not ExportBatch.objects.exists()
