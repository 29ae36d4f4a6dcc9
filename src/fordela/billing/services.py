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
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from fordela.billing.freezes import (
    BillingError,
    FrozenPeriodsChanged,
    FrozenTotals,
    _require_invoicing,
    compute_lines,
    freeze_of,
    frozen_data,
    frozen_lines,
    frozen_totals,
    invoice_freeze,
    invoice_reproduce,
    invoice_reverse,
    invoice_verify,
    lines_sha256,
    own_services_of,
    periods_overlap,
)
from fordela.billing.models import ExportBatch, InvoicingFreeze, InvoicingReversal
from fordela.billing.sie import Accounts, invoices, sie_4i
from fordela.catalogue.models import Cycle, Service, ServiceYear
from fordela.cycle.services import cycle_lock, cycle_touch
from fordela.engine.money import machine

__all__ = [  # the freeze lifecycle lives in fordela.billing.freezes; callers may import it from here
    "BillingError",
    "FrozenPeriodsChanged",
    "compute_lines",
    "frozen_data",
    "frozen_lines",
    "FrozenTotals",
    "frozen_totals",
    "invoice_reproduce",
    "lines_sha256",
    "freeze_of",
    "invoice_freeze",
    "invoice_reverse",
    "invoice_verify",
    "own_services_of",
    "periods_overlap",
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
    reversal: bool = False,
    by: str = "",
    user: Any = None,
) -> Export:
    """The SIE 4I file of a frozen period (or, `reversal`, the reversing vouchers of its reversal),
    recorded as an export batch.

    A second export of the same freeze and kind is refused (BillingError) unless `again`, which
    gives the very same bytes (the file is dated by the freeze or reversal) and counts it. The
    invoice of a reversed freeze is not exported; a reversal is exported only after its invoice.
    """
    _require_invoicing(user)
    kind = "reversal" if reversal else "invoice"
    batches = ExportBatch.objects.select_for_update().filter(freeze=freeze, format="sie")
    existing = batches.filter(kind=kind).first()
    shown = f"{freeze.year}-{freeze.period}"
    record = InvoicingReversal.objects.filter(freeze=freeze).first()
    if reversal:
        if record is None:
            raise BillingError(_("%(period)s is not reversed: there are no reversing vouchers.") % {"period": shown})
        if not batches.filter(kind="invoice").exists():
            raise BillingError(
                _("%(period)s was never exported to the ledger: there is nothing to reverse there.") % {"period": shown}
            )
    elif record is not None and existing is None:
        raise BillingError(
            _("%(period)s was reversed on %(at)s: freeze the period again before exporting it.")
            % {"period": shown, "at": f"{record.created_at:%Y-%m-%d}"}
        )
    content = sie_bytes(freeze, company=company, accounts=accounts, reversal=record if reversal else None)
    digest = hashlib.sha256(content).hexdigest()
    if existing is not None:
        if not again:
            raise BillingError(
                _(
                    "%(period)s was already exported to SIE on %(at)s (batch %(batch)s, %(vouchers)s vouchers); "
                    "%(again)s to export the same batch again"
                )
                % {
                    "period": freeze,
                    "at": f"{existing.created_at:%Y-%m-%d %H:%M}",
                    "batch": existing.pk,
                    "vouchers": existing.vouchers,
                    "again": _("use --again"),
                }
            )
        if existing.sha256 != digest:
            raise BillingError(
                _("%(period)s: the file no longer matches batch %(batch)s (other accounts?)")
                % {"period": freeze, "batch": existing.pk}
            )
        ExportBatch.objects.filter(pk=existing.pk).update(
            exported_again=F("exported_again") + 1, last_exported_at=timezone.now()
        )
        existing.refresh_from_db()
        return Export(content, existing, again=True)
    try:
        with transaction.atomic():
            batch = ExportBatch.objects.create(
                freeze=freeze, format="sie", kind=kind, sha256=digest, vouchers=content.count(b"#VER"), created_by=by
            )
    except IntegrityError:
        raise BillingError(_("%(period)s was already exported to SIE") % {"period": freeze}) from None
    return Export(content, batch, again=False)


def sie_bytes(
    freeze: InvoicingFreeze,
    *,
    company: str,
    accounts: Accounts | None = None,
    reversal: InvoicingReversal | None = None,
) -> bytes:
    """The SIE 4I file of a freeze (or the reversing vouchers of its reversal), from its stored
    lines and inputs only."""
    generated: date = timezone.localdate(reversal.created_at if reversal else freeze.created_at)
    return sie_4i(
        invoices(frozen_lines(freeze)),
        frozen_data(freeze),
        company=company,
        generated=generated,
        year=freeze.year,
        accounts=accounts,
        reversal=generated if reversal else None,
    )


class OutcomeConflict(BillingError):
    """Someone else recorded this outcome after the user saw it; `current` is theirs (öre or None)."""

    def __init__(self, current: int | None) -> None:
        self.current = current
        super().__init__("the outcome was recorded by someone else in the meantime")


UNCHECKED = "unchecked"


@transaction.atomic
def outcome_record(
    *,
    cycle: Cycle,
    service: str,
    year: int,
    amount: int,
    by: Any = None,
    expected: int | None | Literal["unchecked"] = UNCHECKED,
) -> ServiceYear:
    """Record the outcome (actual cost) of `service` in `year`, in öre, with history.

    The year's row is created when the service has none, carrying on the latest earlier key.
    `expected`: the outcome the user saw (None: none yet); the write is an UPDATE … WHERE
    outcome = expected, so an outcome someone else recorded meanwhile raises OutcomeConflict
    instead of being overwritten (optimistic locking on the value itself).
    """
    from fordela.history.services import history_record

    service_row = Service.objects.filter(cycle=cycle, code=service).first()
    if service_row is None:
        raise BillingError(
            _("Unknown service '%(service)s' in cycle %(cycle)s.") % {"service": service, "cycle": cycle.code}
        )
    cycle_lock(cycle=cycle)
    row = ServiceYear.objects.filter(cycle=cycle, service=service_row, year=year).first()
    old = row.outcome if row else None
    if row is None:
        if expected not in (UNCHECKED, None):
            raise OutcomeConflict(None)
        earlier = ServiceYear.objects.filter(cycle=cycle, service=service_row, year__lt=year).order_by("-year").first()
        later = earlier or ServiceYear.objects.filter(cycle=cycle, service=service_row).order_by("year").first()
        if later is None:
            raise BillingError(
                _("The service '%(service)s' has no year with a key: record its budget first.") % {"service": service}
            )
        row = ServiceYear.objects.create(cycle=cycle, service=service_row, year=year, key=later.key, outcome=amount)
    else:
        rows = ServiceYear.objects.filter(pk=row.pk)
        if expected != UNCHECKED:
            rows = rows.filter(outcome__isnull=True) if expected is None else rows.filter(outcome=expected)
        if not rows.update(outcome=amount):
            raise OutcomeConflict(ServiceYear.objects.get(pk=row.pk).outcome)
        row.outcome = amount
    cycle_touch(cycle=cycle)
    history_record(
        user=by,
        cycle=cycle.code,
        table="service_years",
        object=f"{service}/{year}",
        action="update",
        # As the package writes money (kr with two decimals), like every other recorded amount.
        changes={"outcome": (None if old is None else machine(old), machine(amount))},
    )
    return row


@transaction.atomic
def own_services_set(*, cycle: str, supplier: str, invoiced: bool, by: str = "", user: Any = None) -> None:
    """Whether `supplier` of `cycle` is invoiced for its own use of its services (default: not).

    Applies to periods frozen afterwards; a frozen period keeps the setting it was frozen with.
    """
    from fordela.billing.models import OwnServiceInvoicing
    from fordela.cycle.selectors import cycle_data
    from fordela.engine.bridge import suppliers

    _require_invoicing(user)
    known = suppliers(cycle_data(cycle))
    if supplier not in known:
        raise BillingError(
            _("Unknown supplier %(supplier)s (suppliers: %(known)s).")
            % {"supplier": supplier, "known": ", ".join(known)}
        )
    if invoiced:
        OwnServiceInvoicing.objects.get_or_create(cycle_code=cycle, supplier=supplier, defaults={"created_by": by})
    else:
        OwnServiceInvoicing.objects.filter(cycle_code=cycle, supplier=supplier).delete()
