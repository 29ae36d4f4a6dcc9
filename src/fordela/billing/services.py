"""Writes of invoicing: freeze a period, export it to the ledger once, record outcome.

A freeze stores the cycle's canonical inputs (every package table as CSV), their sha256, the
scenario it was computed under and its lines. `invoice_reproduce` recomputes the lines from the
stored inputs alone, so a freeze gives the same lines to the öre whatever happens to the cycle
afterwards; `invoice_verify` checks that it does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fordela.accounts.notifications import notify_period_frozen
from fordela.billing.inputs import canonical_inputs, data_from_inputs, inputs_sha256
from fordela.billing.models import ExportBatch, FrozenLine, InvoicingFreeze
from fordela.billing.sie import Accounts, invoices, sie_4i
from fordela.catalogue.models import Cycle, Service, ServiceYear
from fordela.cycle.services import cycle_touch
from fordela.engine.invoicing import InvoiceLine, granularity_of, invoicing_base
from fordela.engine.model import CycleData, Period, ServiceCategory
from fordela.engine.scenario import resolve_code


class BillingError(ValueError):
    """A request the invoicing rules refuse (already frozen, already exported, unknown service)."""


def _lines_sha256(lines: list[InvoiceLine]) -> str:
    text = "\n".join(",".join(str(value) for value in row) for row in _normalised(lines))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compute_lines(data: CycleData, *, year: int, period: Period, scenario: str) -> list[InvoiceLine]:
    """The lines of one period, computed from `data` under `scenario` (pure: no database)."""
    resolution = resolve_code(data, scenario) if year > data.cycle.base_year else None
    base = invoicing_base(data, year, resolution, granularity=granularity_of(period))
    return list(base.for_period(period))


def _overlapping(cycle: str, year: int, period: Period) -> InvoicingFreeze | None:
    months = set(period.months)
    for freeze in InvoicingFreeze.objects.filter(cycle_code=cycle, year=year):
        if months & set(Period(freeze.period).months):
            return freeze
    return None


def _require_invoicing(user: Any) -> None:
    """Defence in depth for requests from the web (`user` given); the CLI is the server's operator."""
    from fordela.accounts.permissions import can_invoice

    if user is not None and not can_invoice(user):
        raise PermissionDenied("only finance or an administrator may freeze or export invoicing")


@transaction.atomic
def invoice_freeze(
    *, cycle: str, year: int, period: Period, scenario: str, data: CycleData, by: str = "", user: Any = None
) -> InvoicingFreeze:
    """Freeze the invoicing of `period`: store `data`'s canonical inputs, their hash and the lines.

    `data` is the cycle as loaded now (`cycle_data(cycle)`). Refused with BillingError when a
    freeze of the cycle already covers any month of the period (q1 and m02 overlap).
    """
    _require_invoicing(user)
    existing = _overlapping(cycle, year, period)
    if existing is not None:
        raise BillingError(
            f"{cycle} {year}-{existing.period} is already frozen (on {existing.created_at:%Y-%m-%d}); "
            f"it covers {year}-{period}: an invoiced period is never invoiced twice"
        )
    lines = compute_lines(data, year=year, period=period, scenario=scenario)
    inputs = canonical_inputs(data)
    try:
        with transaction.atomic():
            freeze = InvoicingFreeze.objects.create(
                cycle_code=cycle,
                year=year,
                period=period.value,
                scenario=scenario,
                inputs=inputs,
                inputs_sha256=inputs_sha256(inputs),
                lines_sha256=_lines_sha256(lines),
                net_total=sum(ln.net for ln in lines),
                vat_total=sum(ln.vat for ln in lines),
                created_by=by,
            )
    except IntegrityError:
        raise BillingError(f"{cycle} {year}-{period} is already frozen") from None
    FrozenLine.objects.bulk_create(
        FrozenLine(
            freeze=freeze,
            supplier=ln.supplier,
            organisation=ln.organisation,
            object=ln.object,
            kind=ln.kind,
            category=ln.category.value,
            net=ln.net,
            vat_rate=ln.vat_rate,
            vat=ln.vat,
        )
        for ln in lines
    )
    # i7-billing may move freezing into a lifecycle service; the notification goes with the freeze
    notify_period_frozen(cycle=cycle, period=f"{year}-{period.value}", by=user)
    return freeze


def frozen_lines(freeze: InvoicingFreeze) -> list[InvoiceLine]:
    """The stored lines of a freeze as the engine's InvoiceLine."""
    period = Period(freeze.period)
    return [
        InvoiceLine(
            freeze.year,
            period,
            row.supplier,
            row.organisation,
            row.object,
            row.kind,
            ServiceCategory(row.category),
            row.net,
            Decimal(row.vat_rate).normalize(),
            row.vat,
        )
        for row in freeze.lines.order_by("id")
    ]


def frozen_data(freeze: InvoicingFreeze) -> CycleData:
    """The cycle exactly as it was frozen, after checking the stored inputs against their hash."""
    if inputs_sha256(freeze.inputs) != freeze.inputs_sha256:
        raise BillingError(f"the stored inputs of {freeze} do not match their sha256: they were altered")
    return data_from_inputs(freeze.inputs)


def invoice_reproduce(*, freeze: InvoicingFreeze) -> list[InvoiceLine]:
    """Recompute the freeze's lines from its stored inputs alone."""
    return compute_lines(frozen_data(freeze), year=freeze.year, period=Period(freeze.period), scenario=freeze.scenario)


def invoice_verify(*, freeze: InvoicingFreeze) -> bool:
    """True when recomputing from the stored inputs gives exactly the stored lines."""
    return _normalised(invoice_reproduce(freeze=freeze)) == _normalised(frozen_lines(freeze))


def _normalised(lines: list[InvoiceLine]) -> list[tuple[Any, ...]]:
    return [
        (ln.supplier, ln.organisation, ln.object, ln.kind, ln.category, ln.net, ln.vat_rate.normalize(), ln.vat)
        for ln in lines
    ]


@dataclass(frozen=True)
class Export:
    content: bytes
    batch: ExportBatch
    again: bool


@transaction.atomic
def invoice_export_sie(
    *,
    freeze: InvoicingFreeze,
    company: str,
    accounts: Accounts | None = None,
    again: bool = False,
    by: str = "",
    user: Any = None,
) -> Export:
    """The SIE 4I file of a frozen period, recorded as an export batch.

    A second export of the same freeze is refused (BillingError) unless `again`, which gives
    the very same bytes (the file is dated by the freeze) and counts the re-export.
    """
    _require_invoicing(user)
    content = sie_bytes(freeze, company=company, accounts=accounts)
    digest = hashlib.sha256(content).hexdigest()
    existing = ExportBatch.objects.select_for_update().filter(freeze=freeze, format="sie").first()
    if existing is not None:
        if not again:
            raise BillingError(
                f"{freeze} was already exported to SIE on {existing.created_at:%Y-%m-%d %H:%M} "
                f"(batch {existing.pk}, {existing.vouchers} vouchers); use --again to export the same batch again"
            )
        if existing.sha256 != digest:
            raise BillingError(f"{freeze}: the file no longer matches batch {existing.pk} (other accounts?)")
        ExportBatch.objects.filter(pk=existing.pk).update(
            exported_again=F("exported_again") + 1, last_exported_at=timezone.now()
        )
        existing.refresh_from_db()
        return Export(content, existing, again=True)
    try:
        with transaction.atomic():
            batch = ExportBatch.objects.create(
                freeze=freeze, format="sie", sha256=digest, vouchers=content.count(b"#VER"), created_by=by
            )
    except IntegrityError:
        raise BillingError(f"{freeze} was already exported to SIE") from None
    return Export(content, batch, again=False)


def sie_bytes(freeze: InvoicingFreeze, *, company: str, accounts: Accounts | None = None) -> bytes:
    """The SIE 4I file of a freeze, from its stored lines and inputs only."""
    generated: date = timezone.localdate(freeze.created_at)
    return sie_4i(
        invoices(frozen_lines(freeze)),
        frozen_data(freeze),
        company=company,
        generated=generated,
        year=freeze.year,
        accounts=accounts,
    )


@transaction.atomic
def outcome_record(*, cycle: Cycle, service: str, year: int, amount: int, by: Any = None) -> ServiceYear:
    """Record the outcome (actual cost) of `service` in `year`, in öre, with history.

    The year's row is created when the service has none, carrying on the latest earlier key.
    """
    from fordela.history.services import history_record

    service_row = Service.objects.filter(cycle=cycle, code=service).first()
    if service_row is None:
        raise BillingError(f"unknown service '{service}' in cycle {cycle.code}")
    row = ServiceYear.objects.select_for_update().filter(cycle=cycle, service=service_row, year=year).first()
    old = row.outcome if row else None
    if row is None:
        earlier = ServiceYear.objects.filter(cycle=cycle, service=service_row, year__lt=year).order_by("-year").first()
        later = earlier or ServiceYear.objects.filter(cycle=cycle, service=service_row).order_by("year").first()
        if later is None:
            raise BillingError(f"service '{service}' has no year with a key: record its budget first")
        row = ServiceYear.objects.create(cycle=cycle, service=service_row, year=year, key=later.key, outcome=amount)
    else:
        row.outcome = amount
        row.save(update_fields=["outcome"])
    cycle_touch(cycle=cycle)
    history_record(
        user=by,
        cycle=cycle.code,
        table="service_years",
        object=f"{service}/{year}",
        action="update",
        changes={"outcome": (old, amount)},
    )
    return row
