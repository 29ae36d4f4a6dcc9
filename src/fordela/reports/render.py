"""Render report tables: Swedish display text, or machine CSV/JSON (SEK with two decimals)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from fordela.engine.money import display, machine, percent, swedish_number
from fordela.reports.tables import Col, ColumnKind, Table

FORMATS = ("table", "csv", "json")
# A cell starting with one of these can start a formula when the file is opened in a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """`text` made inert for spreadsheets (no formula injection): a leading ``'`` where needed."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def display_cell(col: Col, value: Any) -> str:
    """One cell as Swedish display text (also used by the documents)."""
    if value is None:
        return ""
    if col.kind is ColumnKind.MONEY:
        return display(value, col.unit)
    if col.kind is ColumnKind.PERCENT:
        return percent(value.numerator, value.denominator)
    if col.kind is ColumnKind.NUMBER:
        return swedish_number(Fraction(value), 0 if Fraction(value).denominator == 1 else 2)
    return str(value)


def _machine_cell(col: Col, value: Any) -> str | None:
    if value is None:
        return None
    if col.kind is ColumnKind.MONEY:
        return machine(value)
    if col.kind is ColumnKind.PERCENT:
        exact = Decimal(value.numerator) * 100 / Decimal(value.denominator)
        return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return str(value)


def heading(col: Col) -> str:
    """A column heading with its unit, e.g. ``Belopp (mkr)``."""
    if col.kind is ColumnKind.MONEY:
        return f"{col.label} ({col.unit.label})"
    return col.label


def as_text(table: Table) -> str:
    shown = [i for i, c in enumerate(table.columns) if c.shown]
    columns = [table.columns[i] for i in shown]
    headings = [heading(c) for c in columns]
    cells = [[display_cell(table.columns[i], row[i]) for i in shown] for row in table.rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headings)]
    numeric = [c.kind is not ColumnKind.TEXT for c in columns]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    out = [table.title, "=" * len(table.title), line(headings), line(["-" * w for w in widths])]
    for i, row in enumerate(cells):
        if i in table.emphasis and i > 0:
            out.append(line(["-" * w if n else "" for w, n in zip(widths, numeric, strict=True)]))
        out.append(line(row))
    out.extend(table.notes)
    return "\n".join(out) + "\n"


def _csv_cell(col: Col) -> Any:
    """The function that writes one cell of `col` (chosen once per column, not per cell)."""
    if col.kind is ColumnKind.MONEY:
        return lambda v: "" if v is None else machine(v)
    if col.kind is ColumnKind.TEXT:
        # Text may come from users (names, comments): inert in spreadsheets.
        return lambda v: "" if v is None else spreadsheet_safe(str(v))
    if col.kind is ColumnKind.PERCENT:
        return lambda v: "" if v is None else _machine_cell(col, v)
    return lambda v: "" if v is None else str(v)


def as_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.key for c in table.columns])
    cells = [_csv_cell(c) for c in table.columns]
    # One pass, each cell touched once; numbers stay numbers.
    writer.writerows([f(v) for f, v in zip(cells, row, strict=True)] for row in table.rows)
    return buffer.getvalue()


def as_records(table: Table) -> list[dict[str, str | None]]:
    return [{c.key: _machine_cell(c, v) for c, v in zip(table.columns, row, strict=True)} for row in table.rows]


def render(tables: Sequence[Table], fmt: str) -> str:
    """All tables in one format. CSV separates tables with a blank line; JSON is a list of
    {title, rows} with money as strings of SEK with two decimals (exact, never floats)."""
    if fmt == "table":
        return "\n".join(as_text(t) for t in tables)
    if fmt == "csv":
        return "\n".join(as_csv(t) for t in tables)
    if fmt == "json":
        return (
            json.dumps([{"title": t.title, "rows": as_records(t)} for t in tables], ensure_ascii=False, indent=2) + "\n"
        )
    raise ValueError(f"unknown format {fmt!r} (choose {', '.join(FORMATS)})")
