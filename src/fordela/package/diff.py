"""The difference between two versions of one cycle package, row by row and table by table.

Rows are matched by their table's primary key (`fordela.package.schema`); a row whose key is
only in the new version is *added*, only in the old one *removed*, in both but with other
values *changed* (with the columns that differ). Pure: the web's upload preview, the CLI's
``import --merge --dry-run`` and the merge itself (`fordela.cycle.merge`) all read this one diff.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from fordela.engine import model as m
from fordela.package.codec import format_cell, rows_of
from fordela.package.schema import TABLES
from fordela.package.schema_types import Table

Change = Literal["added", "changed", "removed"]


@dataclass(frozen=True)
class RowDiff:
    table: str
    key: tuple[str, ...]  # the primary key as machine text
    change: Change
    old: Any  # the row before (None when added)
    new: Any  # the row after (None when removed)
    columns: tuple[str, ...] = ()  # changed columns (all columns of an added or removed row)

    @property
    def label(self) -> str:
        return "/".join(self.key)

    def cells(self, table: Table) -> dict[str, tuple[str | None, str | None]]:
        """{column: (old text, new text)} for the columns concerned, as the package writes them."""

        def text(row: Any, column: str) -> str | None:
            if row is None:
                return None
            value = getattr(row, column)
            return None if value is None else format_cell(table.column(column), value)

        return {c: (text(self.old, c), text(self.new, c)) for c in self.columns}


@dataclass(frozen=True)
class TableDiff:
    table: Table
    rows: tuple[RowDiff, ...]

    def of(self, change: Change) -> tuple[RowDiff, ...]:
        return tuple(r for r in self.rows if r.change == change)


def _key(table: Table, row: Any) -> tuple[str, ...]:
    return tuple(format_cell(table.column(c), getattr(row, c)) for c in table.primary_key)


def table_diff(table: Table, old: m.CycleData, new: m.CycleData) -> TableDiff:
    before = {_key(table, r): r for r in rows_of(old, table)}
    after = {_key(table, r): r for r in rows_of(new, table)}
    rows: list[RowDiff] = []
    columns = table.column_names
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a is None:
            rows.append(RowDiff(table.name, key, "added", None, b, columns))
        elif b is None:
            rows.append(RowDiff(table.name, key, "removed", a, None, columns))
        else:
            changed = tuple(c for c in columns if getattr(a, c) != getattr(b, c))
            if changed:
                rows.append(RowDiff(table.name, key, "changed", a, b, changed))
    return TableDiff(table, tuple(rows))


def cycle_diff(old: m.CycleData, new: m.CycleData) -> tuple[TableDiff, ...]:
    """Every table that differs between `old` and `new`, in schema order."""
    diffs = (table_diff(t, old, new) for t in TABLES)
    return tuple(d for d in diffs if d.rows)
