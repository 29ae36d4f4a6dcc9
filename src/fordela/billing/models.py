"""Invoicing: its package tables (incurred costs, VAT rules, exemptions) and frozen invoicing.

The first three are tables of the cycle package like those in fordela.catalogue.models (`TABLE`,
field names = column names). The frozen ones deliberately do not reference the cycle's rows: a
cycle can be edited or replaced after invoicing, and a freeze must still reproduce its lines from
the inputs it stored.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from fordela.catalogue.models import CycleRow, Organisation, Service, choices, schema_field, unique_per_cycle
from fordela.cycle.models import Proposal
from fordela.engine import model as m


class IncurredCost(CycleRow):
    TABLE = "incurred_costs"
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE)
    year = models.IntegerField()
    period = models.CharField(max_length=3, choices=choices(m.Period))
    amount = models.BigIntegerField()
    note = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("incurred_cost", "proposal", "year", "period")]


class VatRule(CycleRow):
    TABLE = "vat_rules"
    organisation_kind = models.CharField(max_length=20, choices=choices(m.OrganisationKind))
    category = models.CharField(max_length=20, choices=choices(m.ServiceCategory))
    rate = schema_field("vat_rules", "rate")
    note = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("vat_rule", "organisation_kind", "category")]


class Exemption(CycleRow):
    TABLE = "exemptions"
    service = models.ForeignKey(Service, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    year = models.IntegerField()
    from_period = models.CharField(max_length=3, choices=choices(m.Period))
    to_period = models.CharField(max_length=3, choices=choices(m.Period))
    reason = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("exemption", "service", "organisation", "year", "from_period")]


class InvoicingFreeze(models.Model):
    """One invoiced period: the inputs it was computed from, their hash, and its lines.

    Never deleted: a freeze is undone only by an `InvoicingReversal`, which sets `reversed` in
    the same transaction; then the period may be frozen again (a new row). At most one freeze
    per period is live (a partial unique constraint); overlapping periods (q2 and m04) are kept
    apart by `invoice_freeze`, which holds a row lock on the cycle while it checks and writes.
    """

    cycle_code = models.CharField(max_length=64)
    year = models.IntegerField()
    period = models.CharField(max_length=3, choices=choices(m.Period))
    scenario = models.CharField(max_length=64)  # the decided scenario or stage it was computed under
    # {table: CSV text} exactly as the package writer writes it: canonical bytes, re-readable years later
    inputs = models.JSONField()
    inputs_sha256 = models.CharField(max_length=64)
    lines_sha256 = models.CharField(max_length=64)
    net_total = models.BigIntegerField()
    vat_total = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=150, blank=True, default="")
    # The suppliers invoiced for their own use of their services when frozen (default none).
    own_services = models.JSONField(default=list)
    reversed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cycle_code", "year", "period"],
                condition=models.Q(reversed=False),
                name="freeze_live_once_per_period",
            )
        ]
        ordering = ["cycle_code", "year", "period", "created_at"]

    def __str__(self) -> str:
        return f"{self.cycle_code} {self.year}-{self.period}"


class FrozenLine(models.Model):
    freeze = models.ForeignKey(InvoicingFreeze, on_delete=models.CASCADE, related_name="lines")
    supplier = models.CharField(max_length=64)
    organisation = models.CharField(max_length=64)
    object = models.CharField(max_length=64)
    kind = models.CharField(max_length=20)
    category = models.CharField(max_length=20, choices=choices(m.ServiceCategory))
    net = models.BigIntegerField()
    vat_rate = models.DecimalField(max_digits=12, decimal_places=6)
    vat = models.BigIntegerField()

    class Meta:
        ordering = ["id"]


class InvoicingReversal(models.Model):
    """The recorded undoing of a freeze: who, when, why. Exported as reversing vouchers."""

    freeze = models.OneToOneField(InvoicingFreeze, on_delete=models.PROTECT, related_name="reversal")
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=150, blank=True, default="")

    def __str__(self) -> str:
        return f"reversal of {self.freeze}"


class OwnServiceInvoicing(models.Model):
    """A supplier of a cycle that is invoiced for its own use of its services (default: not)."""

    cycle_code = models.CharField(max_length=64)
    supplier = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle_code", "supplier"], name="own_service_once")]


class ExportBatch(models.Model):
    """A file sent to the ledger. Once per freeze, format and kind: the ledger must not book it twice.

    `kind` is "invoice" (the freeze's vouchers) or "reversal" (the reversing vouchers of its reversal).
    """

    freeze = models.ForeignKey(InvoicingFreeze, on_delete=models.PROTECT, related_name="exports")
    format = models.CharField(max_length=10, choices=[("sie", "SIE 4I")])
    kind = models.CharField(
        max_length=10, choices=[("invoice", "invoice"), ("reversal", "reversal")], default="invoice"
    )
    sha256 = models.CharField(max_length=64)
    vouchers = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=150, blank=True, default="")
    # Deliberate re-exports of the same frozen batch (`--again`): the same bytes, counted.
    exported_again = models.PositiveIntegerField(default=0)
    last_exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["freeze", "format", "kind"], name="export_once_per_freeze_kind")]
