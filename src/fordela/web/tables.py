"""Report tables (fordela.reports) as rows ready for the HTML table partial.

The same `Table` feeds the CLI, documents and pages, so a figure reads the same everywhere; here
it only gets its display strings (Swedish format, from fordela.engine.money) and alignment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fordela.reports.render import display_cell, heading
from fordela.reports.tables import ColumnKind, Table


@dataclass(frozen=True)
class HtmlTable:
    title: str
    headings: list[tuple[str, bool]]  # (text, numeric)
    rows: list[tuple[list[tuple[str, bool]], bool]]  # (cells, emphasised)
    notes: tuple[str, ...]
    caption: str = ""


def html_table(table: Table, *, caption: str = "") -> HtmlTable:
    shown = [i for i, c in enumerate(table.columns) if c.shown]
    numeric = {i: table.columns[i].kind is not ColumnKind.TEXT for i in shown}
    rows = []
    for r, row in enumerate(table.rows):
        cells = [(display_cell(table.columns[i], row[i]), numeric[i]) for i in shown]
        rows.append((cells, r in table.emphasis))
    return HtmlTable(
        title=table.title,
        headings=[(heading(table.columns[i]), numeric[i]) for i in shown],
        rows=rows,
        notes=table.notes,
        caption=caption or table.title,
    )


def table_values(table: Table, key: str) -> list[Any]:
    return table.column(key)
