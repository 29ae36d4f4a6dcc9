"""Writes of many rows at once: a cycle changed by a diff, the rest kept.

`rows_apply` is the one writer behind every catalogue edit in the web (fordela.cycle.catalogue),
driver values loaded from a file (fordela.cycle.drivers) and an uploaded workbook or package
(`cycle_merge`, also ``fordela import PATH --merge``). It writes only the rows the diff names, so
drafts, deleted proposals, reviews, scenarios, consultation threads and history that the change
does not touch stay as they are (unlike `cycle_import(replace=True)`, which deletes them), and it
records every row in the history, old → new, as the package writes the values.

A proposal the new version no longer has is deleted softly, as `proposal_delete` does: its reviews
and amounts stay with it and it can be restored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from fordela.catalogue import models as catalogue
from fordela.cycle.models import Proposal, Scenario
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import MODELS, _cell, _is_fk, cycle_touch
from fordela.cycle.validation import NON_FIELD, CycleInvalid
from fordela.engine import model as m
from fordela.history.services import history_record
from fordela.package.diff import RowDiff, TableDiff, cycle_diff
from fordela.package.schema_types import Table
from fordela.package.validate import validate_cycle_data
from fordela.reports.effect import Effect, effect
from fordela.reports.tables import Col, ColumnKind
from fordela.reports.tables import Table as ReportTable

# A child table's rows belong to one parent row, whose version a change of them bumps.
PARENTS: dict[str, tuple[str, str]] = {
    "service_years": ("service", "services"),
    "participation": ("service", "services"),
    "subscriptions": ("service", "services"),
    "driver_values": ("driver", "drivers"),
    "key_shares": ("key", "keys"),
}


class StaleCycle(Exception):
    """The cycle changed after the preview was made; nothing was written."""


@dataclass(frozen=True)
class MergePreview:
    """What applying `new` to the cycle would do: the rows per table and every organisation's bill."""

    old: m.CycleData
    new: m.CycleData
    diffs: tuple[TableDiff, ...]
    effect: Effect
    revision: int

    @property
    def empty(self) -> bool:
        return not self.diffs


def _lookups(table: Table, model: type[models.Model], key: tuple[str, ...]) -> dict[str, Any]:
    lookups: dict[str, Any] = {}
    for column, text in zip(table.primary_key, key, strict=True):
        name = f"{column}__code" if table.column(column).ref and _is_fk(model, column) else column
        lookups[name] = text
    return lookups


class _Refs:
    """Rows of the cycle by table and code, to resolve reference columns; filled as rows are added."""

    def __init__(self, cycle: catalogue.Cycle) -> None:
        self.cycle = cycle
        self._by_table: dict[str, dict[str, models.Model]] = {}

    def get(self, table: str, code: str) -> models.Model:
        if table not in self._by_table:
            self._by_table[table] = {o.code: o for o in MODELS[table].objects.filter(cycle=self.cycle)}  # type: ignore[attr-defined]
        return self._by_table[table][code]

    def add(self, table: str, obj: models.Model) -> None:
        if table in self._by_table:
            self._by_table[table][obj.code] = obj  # type: ignore[attr-defined]


def _values(table: Table, model: type[models.Model], row: Any, refs: _Refs, columns: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in columns:
        column = table.column(name)
        value = _cell(getattr(row, name))
        if column.ref and _is_fk(model, name):
            values[name] = None if value is None else refs.get(column.ref, value)
        elif value is None and isinstance(model._meta.get_field(name), (models.CharField, models.TextField)):
            values[name] = ""
        else:
            values[name] = value
    return values


def _has_version(model: type[models.Model]) -> bool:
    return any(f.name == "version" for f in model._meta.get_fields())


def _record(cycle: str, row: RowDiff, table: Table, by: Any, action: str, source: str) -> int:
    changes: dict[str, tuple[Any, Any]] = dict(row.cells(table))
    if source:
        changes["source"] = (None, source)
    history_record(user=by, cycle=cycle, table=row.table, object=row.label, action=action, changes=changes)
    return 1


def _apply_cycle_row(cycle: catalogue.Cycle, diff: TableDiff, by: Any, source: str) -> int:
    written = 0
    for row in diff.rows:
        if row.change != "changed":
            continue
        changed = {c: _cell(getattr(row.new, c)) for c in row.columns if c != "code"}
        if "current_stage" in changed:
            changed["current_stage"] = changed["current_stage"] or ""
        catalogue.Cycle.objects.filter(pk=cycle.pk).update(**changed)
        written += _record(cycle.code, row, diff.table, by, "update", source)
    return written


def rows_apply(*, cycle: catalogue.Cycle, diffs: tuple[TableDiff, ...], by: Any, source: str = "") -> int:
    """Write `diffs` to the cycle's rows, recording each; the caller holds the transaction.

    Adds and changes go in schema order (a row after the rows it references), removals in
    reverse. Returns the number of rows written. Raises CycleInvalid when the database refuses a
    row (a draft proposal still naming a removed service, a code a draft already has).
    """
    refs = _Refs(cycle)
    removed_proposals = {r.key[0] for d in diffs if d.table.name == "proposals" for r in d.of("removed")}
    # A file that brings a scenario under the code of a deleted one replaces that one (its history
    # stays): the deleted scenario is out of the cycle's data, so the diff sees the code as new.
    added_scenarios = {r.key[0] for d in diffs if d.table.name == "scenarios" for r in d.of("added")}
    if added_scenarios:
        Scenario.objects.filter(cycle=cycle, code__in=added_scenarios, deleted_at__isnull=False).delete()
    parents: dict[str, set[str]] = {}
    now = timezone.now()
    written = 0
    try:
        for diff in diffs:
            table = diff.table
            if table.single_row:
                written += _apply_cycle_row(cycle, diff, by, source)
                continue
            model = MODELS[table.name]
            for row in diff.rows:
                if row.change == "removed":
                    continue
                if row.change == "added":
                    obj = model.objects.create(cycle=cycle, **_values(table, model, row.new, refs, table.column_names))
                    if "code" in table.column_names:
                        refs.add(table.name, obj)
                    written += _record(cycle.code, row, table, by, "create", source)
                else:
                    query = model.objects.filter(cycle=cycle, **_lookups(table, model, row.key))
                    values = _values(table, model, row.new, refs, row.columns)
                    if _has_version(model):
                        values["version"] = F("version") + 1
                    query.update(**values)
                    written += _record(cycle.code, row, table, by, "update", source)
                _note_parent(parents, table.name, row)
        for diff in reversed(diffs):
            table = diff.table
            if table.single_row:
                continue
            model = MODELS[table.name]
            for row in diff.of("removed"):
                query = model.objects.filter(cycle=cycle, **_lookups(table, model, row.key))
                if table.name == "proposals":
                    query.update(deleted_at=now, version=F("version") + 1)
                    written += _record(cycle.code, row, table, by, "delete", source)
                    continue
                if any(c.ref == "proposals" and getattr(row.old, c.name) in removed_proposals for c in table.columns):
                    continue  # stays with its softly deleted proposal
                query.delete()
                written += _record(cycle.code, row, table, by, "delete", source)
                _note_parent(parents, table.name, row)
        for table_name, codes in parents.items():
            MODELS[table_name].objects.filter(cycle=cycle, code__in=codes).update(version=F("version") + 1)
    except (IntegrityError, models.ProtectedError) as error:
        raise CycleInvalid({NON_FIELD: [f"the database refused the change: {error}"]}) from None
    return written


def _note_parent(parents: dict[str, set[str]], table: str, row: RowDiff) -> None:
    if table in PARENTS:
        column, parent = PARENTS[table]
        parents.setdefault(parent, set()).add(getattr(row.new or row.old, column))


# -- an uploaded workbook or package ---------------------------------------------------------


def merge_preview(*, cycle: catalogue.Cycle, data: m.CycleData) -> MergePreview:
    """What merging `data` (a validated package of the same cycle) into the cycle would change."""
    if data.cycle.code != cycle.code:
        raise CycleInvalid(
            {NON_FIELD: [f"the package is cycle '{data.cycle.code}', not '{cycle.code}': upload it to that cycle"]}
        )
    cycle.refresh_from_db(fields=["revision"])
    old = cycle_data(cycle.code)
    problems = validate_cycle_data(data)
    if problems:
        raise CycleInvalid({NON_FIELD: [str(p) for p in problems]})
    year = data.cycle.target_year
    return MergePreview(old, data, cycle_diff(old, data), effect(old, data, year=year), cycle.revision)


@transaction.atomic
def cycle_merge(*, cycle: catalogue.Cycle, data: m.CycleData, expected_revision: int, by: Any, source: str) -> int:
    """Merge `data` into the cycle as one change, if the cycle is still at `expected_revision`
    (the revision the preview was made on): else StaleCycle and nothing is written.

    Returns the number of rows written. Proposals that exist only as drafts or deleted ones with
    a code the package adds are refused (CycleInvalid), so no draft is overwritten unseen.
    """
    locked = catalogue.Cycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.revision != expected_revision:
        raise StaleCycle(f"cycle {cycle.code} changed since the preview (revision {locked.revision})")
    preview = merge_preview(cycle=locked, data=data)
    added = [r.key[0] for d in preview.diffs if d.table.name == "proposals" for r in d.of("added")]
    hidden = list(Proposal.objects.filter(cycle=locked, code__in=added).values_list("code", flat=True))
    if hidden:
        message = f"proposals {', '.join(sorted(hidden))} exist as drafts or deleted proposals: change them in the web"
        raise CycleInvalid({NON_FIELD: [message]})
    written = rows_apply(cycle=locked, diffs=preview.diffs, by=by, source=source)
    if preview.diffs:
        cycle_touch(cycle=locked)
    cycle.refresh_from_db()
    return written


# -- the preview as report tables (web, CLI) -----------------------------------------------------

CHANGE_LABELS = {"added": "Tillagd", "changed": "Ändrad", "removed": "Borttagen"}


def diff_summary_table(diffs: Sequence[TableDiff]) -> ReportTable:
    columns = (
        Col("table", "Tabell"),
        Col("added", "Tillagda", ColumnKind.NUMBER),
        Col("changed", "Ändrade", ColumnKind.NUMBER),
        Col("removed", "Borttagna", ColumnKind.NUMBER),
    )
    rows = tuple((d.table.name, len(d.of("added")), len(d.of("changed")), len(d.of("removed"))) for d in diffs)
    return ReportTable("Skillnader per tabell", columns, rows)


def diff_rows_table(diff: TableDiff) -> ReportTable:
    """Every added, changed and removed row of one table, a line per changed column: old → new."""
    columns = (
        Col("change", "Ändring"),
        Col("row", "Rad"),
        Col("column", "Kolumn"),
        Col("old", "Före"),
        Col("new", "Efter"),
    )
    rows = []
    for row in diff.rows:
        for column, (old, new) in row.cells(diff.table).items():
            if row.change != "changed" and (old if row.change == "removed" else new) is None:
                continue
            rows.append((CHANGE_LABELS[row.change], row.label, column, old or "", new or ""))
    return ReportTable(f"Tabell {diff.table.name}", columns, tuple(rows))
