"""The cycle and its catalogue: organisations, drivers, keys, services and their years.

One model per table of the cycle package (fordela.package.schema); field names equal column
names and `TABLE` names the table, so import and export map rows generically. Money is
BigIntegerField öre; codes are unique within their cycle.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import models

from fordela.engine import model as m
from fordela.package.schema import TABLES_BY_NAME
from fordela.package.schema_types import CODE_LENGTH, Kind


def schema_field(table: str, column: str, **options: Any) -> Any:
    """The model field of a package column, sized by the schema: the one contract.

    Codes and names get a CharField of the column's max_length, decimals a DecimalField with
    the digits and decimals of its number format, so validation refuses whatever the database
    would cut, round or crash on (tests/package/test_contract.py).
    """
    col = TABLES_BY_NAME[table].column(column)
    if col.kind in (Kind.CODE, Kind.TEXT):
        return models.CharField(max_length=col.max_length, **options)
    if col.kind is Kind.DECIMAL:
        assert col.number is not None
        return models.DecimalField(max_digits=col.number.max_digits, decimal_places=col.number.places, **options)
    raise AssertionError(f"{table}.{column}: no derived field for {col.kind}")


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(e.value, e.value) for e in enum]


class Cycle(models.Model):
    TABLE = "cycle"
    code = models.SlugField(max_length=CODE_LENGTH, unique=True)
    title = schema_field("cycle", "title")
    target_year = models.IntegerField()
    base_year = models.IntegerField()
    index_rate = schema_field("cycle", "index_rate")
    first_year = models.IntegerField(null=True, blank=True)
    last_year = models.IntegerField(null=True, blank=True)
    current_stage = schema_field("cycle", "current_stage", blank=True, default="")
    note = models.TextField(blank=True, default="")
    imported_at = models.DateTimeField(auto_now=True)
    # Bumped by every write to the cycle: computed results are cached per (code, revision).
    revision = models.PositiveIntegerField(default=1)
    # Bumped by every write except those that only change which proposals explicit scenarios
    # include (a scenario toggle): what does not depend on those scenarios stays cached across
    # toggles (fordela.cycle.selectors, fordela.cycle.computed, fordela.web.pagecache).
    data_revision = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return self.code


class CycleRow(models.Model):
    """A row that belongs to one cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class Versioned(models.Model):
    """A row edited in the web (fordela.cycle.catalogue): every save names the version it was made
    on and bumps it in a conditional UPDATE, so a stale form is refused instead of overwriting.
    A change to the row's children (a service's years, a driver's values, a key's shares) bumps
    it too."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


def unique_per_cycle(name: str, *columns: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["cycle", *columns], name=name)


class Organisation(CycleRow, Versioned):
    TABLE = "organisations"
    code = schema_field("organisations", "code")
    name = schema_field("organisations", "name")
    kind = models.CharField(max_length=20, choices=choices(m.OrganisationKind))
    note = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("organisation_code", "code")]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Driver(CycleRow, Versioned):
    TABLE = "drivers"
    code = schema_field("drivers", "code")
    name = schema_field("drivers", "name")
    unit = schema_field("drivers", "unit")

    class Meta:
        constraints = [unique_per_cycle("driver_code", "code")]


class DriverValue(CycleRow):
    TABLE = "driver_values"
    driver = models.ForeignKey(Driver, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    year = models.IntegerField()
    value = schema_field("driver_values", "value")
    note = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("driver_value", "driver", "organisation", "year")]


class DistributionKey(CycleRow, Versioned):
    TABLE = "keys"
    code = schema_field("keys", "code")
    name = schema_field("keys", "name")
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
    share = schema_field("key_shares", "share")
    note = models.TextField(blank=True, default="")

    class Meta:
        constraints = [unique_per_cycle("key_share", "key", "organisation")]


class Service(CycleRow, Versioned):
    TABLE = "services"
    code = schema_field("services", "code")
    name = schema_field("services", "name")
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
    quantity = schema_field("subscriptions", "quantity")
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
