"""A package diff (fordela.package.diff) as tables: the count per table, and every row."""

from __future__ import annotations

from collections.abc import Sequence

from fordela.package.diff import TableDiff
from fordela.reports.tables import Col, ColumnKind, Table

CHANGE_LABELS = {"added": "Tillagd", "changed": "Ändrad", "removed": "Borttagen"}


def diff_summary_table(diffs: Sequence[TableDiff]) -> Table:
    columns = (
        Col("table", "Tabell"),
        Col("added", "Tillagda", ColumnKind.NUMBER),
        Col("changed", "Ändrade", ColumnKind.NUMBER),
        Col("removed", "Borttagna", ColumnKind.NUMBER),
    )
    rows = tuple((d.table.name, len(d.of("added")), len(d.of("changed")), len(d.of("removed"))) for d in diffs)
    return Table("Skillnader per tabell", columns, rows)


def diff_rows_table(diff: TableDiff) -> Table:
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
    return Table(f"Tabell {diff.table.name}", columns, tuple(rows))
