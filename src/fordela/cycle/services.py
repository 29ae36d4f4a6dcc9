"""Writes of whole cycles: import a validated package into the database, replace or delete one.

Rows map to models generically through the package schema: every model has `TABLE`, field names
equal column names, and a reference column is a ForeignKey resolved by code within the cycle.
"""

from __future__ import annotations

from dataclasses import fields
from enum import StrEnum
from typing import Any

from django.db import connection, models, transaction

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
        rows = getattr(data, table.name)
        if "code" not in table.column_names and _copyable(table, model) and len(rows) >= COPY_FROM:
            _copy(cycle, table, model, rows, by_code)
            continue
        instances = [model(cycle=cycle, **_row_kwargs(table, model, row, by_code)) for row in rows]
        created = model.objects.bulk_create(instances, batch_size=2000)
        if "code" in table.column_names:
            by_code[table.name] = {obj.code: obj for obj in created}  # type: ignore[attr-defined]
    return cycle


# Tables with this many rows or more go to PostgreSQL with COPY instead of model instances: a large
# cycle has millions of participation rows, and building a Django model per row took most of
# the import's time (issue 12). The rows are the validated package's, so nothing is skipped.
COPY_FROM = 5_000


def _copyable(table: Table, model: type[models.Model]) -> bool:
    """PostgreSQL, and a model whose fields are exactly the package columns (no Python-side defaults)."""
    if connection.vendor != "postgresql":
        return False
    names = {f.name for f in model._meta.concrete_fields} - {"id", "cycle"}
    return names == set(table.column_names)


def _copy(
    cycle: catalogue.Cycle, table: Table, model: type[models.Model], rows: Any, by_code: dict[str, dict[str, Any]]
) -> None:
    fields_ = [model._meta.get_field(c.name) for c in table.columns]
    ids = [
        {code: obj.pk for code, obj in by_code[c.ref].items()} if c.ref and _is_fk(model, c.name) else None
        for c in table.columns
    ]
    blank = [isinstance(f, (models.CharField, models.TextField)) for f in fields_]
    columns = ", ".join(["cycle_id", *(f.column for f in fields_)])  # type: ignore[attr-defined]
    names = [c.name for c in table.columns]
    sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            values: list[Any] = [cycle.pk]
            for name, lookup, empty in zip(names, ids, blank, strict=True):
                value = _cell(getattr(row, name))
                if lookup is not None:
                    value = None if value is None else lookup[value]
                elif value is None and empty:
                    value = ""
                values.append(value)
            copy.write_row(values)


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
    """Mark the cycle changed: every write calls this so cached computations are redone."""
    catalogue.Cycle.objects.filter(pk=cycle.pk).update(revision=models.F("revision") + 1)
    cycle.refresh_from_db(fields=["revision"])
