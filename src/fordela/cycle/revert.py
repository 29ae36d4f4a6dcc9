"""Changing a recorded row change back, and the history of a catalogue object with its rows.

Every row that `rows_apply` writes (catalogue edits, driver files, uploads) is recorded with its
columns old → new as the package writes them. `change_revert` writes the old values back as a new,
recorded change, through the same validation and writer, if the row is still as the change left it
(otherwise `RevertConflict`: a later change stands in the way, and nothing is written).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from fordela.accounts.permissions import can_edit_drivers, can_edit_service, can_upload_package
from fordela.catalogue.models import Cycle
from fordela.cycle.merge import rows_apply
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import cycle_touch
from fordela.cycle.validation import NON_FIELD, CycleInvalid, problems_as_errors
from fordela.engine import model as m
from fordela.history.models import ChangeRecord
from fordela.package.codec import CellError, format_cell, parse_cell, rows_of
from fordela.package.diff import cycle_diff
from fordela.package.schema import TABLES_BY_NAME
from fordela.package.schema_types import Table
from fordela.reports.effect import Effect, effect

SERVICE_TABLES = ("services", "service_years", "participation", "subscriptions")
DRIVER_TABLES = ("drivers", "driver_values", "keys", "key_shares", "organisations")
REVERTIBLE_ACTIONS = ("create", "update", "delete")


class RevertConflict(Exception):
    """The row is no longer as the change left it."""


def change_history(*, cycle: str, table: str, code: str) -> list[ChangeRecord]:
    """The changes of a service, driver, key or organisation and of the rows that belong to it."""
    prefix = Q(object=code) | Q(object__startswith=f"{code}/")
    if table == "services":
        query = Q(table__in=SERVICE_TABLES) & prefix
    elif table == "drivers":
        query = Q(table__in=("drivers", "driver_values")) & prefix
    elif table == "keys":
        query = Q(table__in=("keys", "key_shares")) & prefix
    elif table == "organisations":
        query = (
            (Q(table="organisations") & Q(object=code))
            | (
                Q(table__in=("participation", "subscriptions", "driver_values", "key_shares"))
                & Q(object__contains=f"/{code}/")
            )
            | (Q(table="key_shares") & Q(object__endswith=f"/{code}"))
        )
    else:
        query = Q(table=table) & prefix
    return list(ChangeRecord.objects.filter(Q(cycle=cycle) & query).select_related("user")[:200])


def is_revertible(record: ChangeRecord) -> bool:
    table = TABLES_BY_NAME.get(record.table)
    return table is not None and not table.single_row and record.action in REVERTIBLE_ACTIONS


def _may_revert(user: Any, data: m.CycleData, table: str, key: tuple[str, ...]) -> bool:
    if can_upload_package(user):
        return True
    if table in SERVICE_TABLES:
        supplier = next((s.supplier for s in data.services if s.code == key[0]), None)
        return supplier is not None and can_edit_service(user, supplier)
    return table in DRIVER_TABLES and can_edit_drivers(user)


def _texts(row: Any, table: Table) -> dict[str, str | None]:
    return {
        c.name: (None if getattr(row, c.name) is None else format_cell(c, getattr(row, c.name))) for c in table.columns
    }


def _typed(table: Table, texts: dict[str, str | None]) -> dict[str, Any]:
    try:
        return {c.name: parse_cell(c, texts.get(c.name) or "") for c in table.columns}
    except CellError as error:
        raise CycleInvalid({NON_FIELD: [f"the recorded values cannot be written back: {error}"]}) from None


def _reverted(data: m.CycleData, record: ChangeRecord) -> m.CycleData:
    table = TABLES_BY_NAME[record.table]
    key = tuple(record.object.split("/"))
    rows = rows_of(data, table)
    index = next((i for i, r in enumerate(rows) if tuple(_texts(r, table)[c] for c in table.primary_key) == key), None)
    changes = {name: values for name, values in record.changes.items() if name in table.column_names}
    old = {name: values[0] for name, values in changes.items()}
    new = {name: values[1] for name, values in changes.items()}
    if record.action == "delete":
        if index is not None:
            raise RevertConflict(f"{record.table} {record.object} exists again")
        rows.append(table.row_type(**_typed(table, old)))
    else:
        if index is None:
            raise RevertConflict(f"{record.table} {record.object} no longer exists")
        now = _texts(rows[index], table)
        if any((now[name] or None) != (value or None) for name, value in new.items()):
            raise RevertConflict(f"{record.table} {record.object} has changed since")
        if record.action == "create":
            del rows[index]
        else:
            texts = {**now, **old}
            typed = _typed(table, texts)
            rows[index] = dataclasses.replace(rows[index], **{name: typed[name] for name in old})
    return dataclasses.replace(data, **{table.name: tuple(rows)})


def revert_preview(*, record: ChangeRecord, by: Any) -> tuple[Effect, ...]:
    """What changing `record` back would do to every organisation in the target year."""
    data, candidate = _check(record, by)
    return (effect(data, candidate, year=data.cycle.target_year),)


def _check(record: ChangeRecord, by: Any) -> tuple[m.CycleData, m.CycleData]:
    if not is_revertible(record):
        raise CycleInvalid({NON_FIELD: ["this change cannot be changed back here"]})
    data = cycle_data(record.cycle)
    if not _may_revert(by, data, record.table, tuple(record.object.split("/"))):
        raise PermissionDenied(f"may not change back {record.table} {record.object}")
    candidate = _reverted(data, record)
    errors = problems_as_errors(candidate, data, lambda problem, row: None)
    if errors:
        raise CycleInvalid(errors)
    return data, candidate


@transaction.atomic
def change_revert(*, record: ChangeRecord, by: Any) -> int:
    """Write the old values of `record` back, recorded as a new change; returns the rows written."""
    cycle = Cycle.objects.select_for_update().get(code=record.cycle)
    data, candidate = _check(record, by)
    diffs = cycle_diff(data, candidate)
    written = rows_apply(cycle=cycle, diffs=diffs, by=by, source=f"change {record.pk} changed back")
    cycle_touch(cycle=cycle)
    return written
