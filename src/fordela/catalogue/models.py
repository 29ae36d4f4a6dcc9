"""The cycle and its catalogue: organisations, drivers, keys, services and their years.

One model per table of the cycle package (fordela.package.schema); field names equal column
names and `TABLE` names the table, so import and export map rows generically. Money is
BigIntegerField öre; codes are unique within their cycle.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from fordela.engine import model as m


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(e.value, e.value) for e in enum]


class Cycle(models.Model):
    TABLE = "cycle"
    code = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    target_year = models.IntegerField()
    base_year = models.IntegerField()
    index_rate = models.DecimalField(max_digits=12, decimal_places=6)
    first_year = models.IntegerField(null=True, blank=True)
    last_year = models.IntegerField(null=True, blank=True)
    current_stage = models.CharField(max_length=64, blank=True, default="")
    note = models.TextField(blank=True, default="")
    imported_at = models.DateTimeField(auto_now=True)
    # Bumped by every write to the cycle: computed results are cached per (code, revision).
    revision = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return self.code


class CycleRow(models.Model):
    """A row that belongs to one cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


def unique_per_cycle(name: str, *columns: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["cycle", *columns], name=name)


class Organisation(CycleRow):
    TABLE = "organisations"
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=choices(m.OrganisationKind))
    note = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("organisation_code", "code")]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Driver(CycleRow):
    TABLE = "drivers"
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=40)

    class Meta:
        constraints = [unique_per_cycle("driver_code", "code")]


class DriverValue(CycleRow):
    TABLE = "driver_values"
    driver = models.ForeignKey(Driver, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    year = models.IntegerField()
    value = models.DecimalField(max_digits=24, decimal_places=8)
    note = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("driver_value", "driver", "organisation", "year")]


class DistributionKey(CycleRow):
    TABLE = "keys"
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    method = models.CharField(max_length=20, choices=choices(m.KeyMethod))
    driver = models.ForeignKey(Driver, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    frozen_year = models.IntegerField(null=True, blank=True)
    solidarity_driver = models.ForeignKey(Driver, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("key_code", "code")]


class KeyShare(CycleRow):
    TABLE = "key_shares"
    key = models.ForeignKey(DistributionKey, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    share = models.DecimalField(max_digits=24, decimal_places=8)
    note = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("key_share", "key", "organisation")]


class Service(CycleRow):
    TABLE = "services"
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="services")
    category = models.CharField(max_length=20, choices=choices(m.ServiceCategory))
    description = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("service_code", "code")]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ServiceYear(CycleRow):
    TABLE = "service_years"
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="years")
    year = models.IntegerField()
    key = models.ForeignKey(DistributionKey, on_delete=models.PROTECT)
    cost = models.BigIntegerField(null=True, blank=True)
    development_within_service = models.BigIntegerField(null=True, blank=True)
    outcome = models.BigIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("service_year", "service", "year")]


class Participation(CycleRow):
    TABLE = "participation"
    service = models.ForeignKey(Service, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    from_year = models.IntegerField()
    to_year = models.IntegerField(null=True, blank=True)
    note = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("participation", "service", "organisation", "from_year")]


class Subscription(CycleRow):
    TABLE = "subscriptions"
    service = models.ForeignKey(Service, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    year = models.IntegerField()
    quantity = models.DecimalField(max_digits=24, decimal_places=8)
    unit_price = models.BigIntegerField()
    note = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("subscription", "service", "organisation", "year")]


class AllocationHistory(CycleRow):
    TABLE = "allocation_history"
    service = models.ForeignKey(Service, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    year = models.IntegerField()
    amount = models.BigIntegerField()
    note = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("allocation_history", "service", "organisation", "year")]
