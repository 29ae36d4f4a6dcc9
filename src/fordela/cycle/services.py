"""Writes of whole cycles: import a validated package into the database, replace or delete one.

Rows map to models generically through the package schema: every model has `TABLE`, field names
equal column names, and a reference column is a ForeignKey resolved by code within the cycle.
"""

from __future__ import annotations

from dataclasses import fields
from enum import StrEnum
from typing import Any

from django.db import models, transaction
from django.dispatch import Signal

from fordela.billing import models as billing_models
from fordela.catalogue import models as catalogue
from fordela.cycle import models as cycle_models
from fordela.engine.model import CycleData
from fordela.package.schema import TABLES, Table

MODELS: dict[str, type[models.Model]] = {
    model.TABLE: model  # type: ignore[attr-defined]
    for module in (catalogue, cycle_models, billing_models)
    for model in vars(module).values()
    if isinstance(model, type) and issubclass(model, models.Model) and hasattr(model, "TABLE")
}


class CycleExistsError(ValueError):
    pass


def _is_fk(model: type[models.Model], column: str) -> bool:
    return isinstance(model._meta.get_field(column), models.ForeignKey)


def _cell(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    return value


# Sent inside every write to a cycle (import, cycle_touch) with `code`; a receiver refuses the
# write by raising. Lets fordela.billing guard frozen periods without cycle importing billing.
cycle_changed = Signal()


@transaction.atomic
def cycle_import(*, data: CycleData, replace: bool = False) -> catalogue.Cycle:
    """Store a validated cycle package. All or nothing: any failure rolls the whole import back.

    An existing cycle with the same code is an error unless `replace`, which deletes it first.
    """
    code = data.cycle.code
    existing = catalogue.Cycle.objects.filter(code=code).first()
    if existing is not None:
        if not replace:
            raise CycleExistsError(f"cycle '{code}' already exists (use --replace to replace it)")
        cycle_delete(cycle=existing)
    cycle_row = {f.name: _cell(getattr(data.cycle, f.name)) for f in fields(data.cycle)}
    cycle_row["current_stage"] = cycle_row["current_stage"] or ""
    cycle = catalogue.Cycle.objects.create(**cycle_row)
    by_code: dict[str, dict[str, models.Model]] = {}
    for table in TABLES:
        if table.single_row:
            continue
        model = MODELS[table.name]
        instances = [model(cycle=cycle, **_row_kwargs(table, model, row, by_code)) for row in getattr(data, table.name)]
        created = model.objects.bulk_create(instances, batch_size=2000)
        if "code" in table.column_names:
            by_code[table.name] = {obj.code: obj for obj in created}  # type: ignore[attr-defined]
    # Inside the transaction: a receiver may refuse the import (frozen invoicing), rolling it back.
    cycle_changed.send(sender=catalogue.Cycle, code=code)
    return cycle


def _row_kwargs(
    table: Table, model: type[models.Model], row: Any, by_code: dict[str, dict[str, models.Model]]
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for column in table.columns:
        value = _cell(getattr(row, column.name))
        if column.ref and _is_fk(model, column.name):
            kwargs[column.name] = None if value is None else by_code[column.ref][value]
        elif value is None and isinstance(model._meta.get_field(column.name), (models.CharField, models.TextField)):
            kwargs[column.name] = ""
        else:
            kwargs[column.name] = value
    return kwargs


@transaction.atomic
def cycle_delete(*, cycle: catalogue.Cycle) -> None:
    """Delete a cycle and every row of it, children before the rows they reference."""
    for table in reversed(TABLES):
        if not table.single_row:
            MODELS[table.name].objects.filter(cycle=cycle).delete()
    cycle.delete()


def cycle_touch(*, cycle: catalogue.Cycle) -> None:
    """Mark the cycle changed: every write calls this so cached computations are redone.

    Called inside the write's transaction: `cycle_changed` receivers (the frozen-invoicing guard
    of fordela.billing) may refuse the write by raising, which rolls it back.
    """
    catalogue.Cycle.objects.filter(pk=cycle.pk).update(revision=models.F("revision") + 1)
    cycle.refresh_from_db(fields=["revision"])
    cycle_changed.send(sender=catalogue.Cycle, code=cycle.code)
