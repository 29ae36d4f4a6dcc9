"""Render report tables: Swedish display text, or machine CSV/JSON (SEK with two decimals)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from fordela.engine.money import display, machine, percent, swedish_number, to_sek
from fordela.package.tabular import Sheet, column_blocks, csv_column_blocks, csv_line, inert, xlsx_bytes
from fordela.reports.tables import Col, ColumnKind, Table

FORMATS = ("table", "csv", "json")


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


def _machine_column(col: Col, values: Sequence[Any]) -> list[Any]:
    """`_machine_cell` of every value of one column; each distinct amount is formatted once."""
    kinds = set(map(type, values))
    if kinds == {str} and col.kind in (ColumnKind.TEXT, ColumnKind.NUMBER):
        return list(values)
    if kinds == {int} and col.kind is not ColumnKind.PERCENT:
        if col.kind is ColumnKind.MONEY:
            formatted = {v: machine(v) for v in set(values)}
            return list(map(formatted.__getitem__, values))
        return list(map(str, values))
    # Other cells (e.g. a VAT rate, the same few Decimal objects on millions of lines) are
    # formatted once per object: by identity, not equality (Decimal 25 and 25.0 are equal but
    # read differently); `values` keeps every object alive meanwhile.
    distinct = dict(zip(map(id, values), values, strict=True))
    by_id = {key: _machine_cell(col, value) for key, value in distinct.items()}
    return list(map(by_id.__getitem__, map(id, values)))


def _machine_columns(table: Table, columns: Sequence[Sequence[Any]]) -> list[list[Any]]:
    return [_machine_column(c, values) for c, values in zip(table.columns, columns, strict=True)]


# Rows turned into CSV text at a time: a large table (millions of invoice lines) is never held
# as one string per cell, only as its rows (or `ColumnRows`) and a block's text.
_CSV_BLOCK = 65_536


def _text_columns(table: Table) -> frozenset[int]:
    # Text may come from users (names, comments): guarded in spreadsheets. Numbers stay numbers.
    return frozenset(i for i, c in enumerate(table.columns) if c.kind is ColumnKind.TEXT)


def as_csv_chunks(table: Table) -> Iterator[str]:
    """`as_csv` a block of rows at a time: the header, then one string per `_CSV_BLOCK` rows."""
    header = [c.key for c in table.columns]
    yield csv_line([inert(h) for h in header])
    blocks = (_machine_columns(table, columns) for columns in column_blocks(table.rows, _CSV_BLOCK))
    yield from csv_column_blocks(len(header), blocks, text=_text_columns(table))


def as_csv(table: Table) -> str:
    """The table as CSV through the one writer (`fordela.package.tabular`)."""
    return "".join(as_csv_chunks(table))


def as_xlsx(table: Table) -> bytes:
    """One sheet: a header row with units, money as numbers in kr (exact Decimal, ``#,##0``),
    percentages as numbers (``0.0%``), text as text — through the one writer."""
    headings = [c.label or c.key for c in table.columns]
    headings = [f"{h} (kr)" if c.kind is ColumnKind.MONEY else h for h, c in zip(headings, table.columns, strict=True)]
    formats = {
        i: "#,##0" if c.kind is ColumnKind.MONEY else "0.0%"
        for i, c in enumerate(table.columns)
        if c.kind in (ColumnKind.MONEY, ColumnKind.PERCENT)
    }

    def cells() -> Iterator[list[Any]]:
        for row in table.rows:
            yield [
                None if v is None else to_sek(v) if c.kind is ColumnKind.MONEY else v
                for c, v in zip(table.columns, row, strict=True)
            ]

    return xlsx_bytes([Sheet("tabell", headings, cells(), formats, _text_columns(table))])


def as_records(table: Table) -> list[dict[str, str | None]]:
    return [{c.key: _machine_cell(c, v) for c, v in zip(table.columns, row, strict=True)} for row in table.rows]


def render_chunks(tables: Sequence[Table], fmt: str) -> Iterator[str]:
    """`render` as consecutive pieces of text: CSV a block of rows at a time, so a table of
    millions of lines is written out without ever being one string. Raises ValueError for an
    unknown format at once (not when the pieces are read)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose {', '.join(FORMATS)})")
    return _chunks(tables, fmt)


def _chunks(tables: Sequence[Table], fmt: str) -> Iterator[str]:
    if fmt == "json":
        yield json.dumps([{"title": t.title, "rows": as_records(t)} for t in tables], ensure_ascii=False, indent=2)
        yield "\n"
        return
    for i, table in enumerate(tables):
        if i:
            yield "\n"  # CSV: a blank line between tables; text: one between a table's last line and the next title
        if fmt == "table":
            yield as_text(table)
        else:
            yield from as_csv_chunks(table)


def render(tables: Sequence[Table], fmt: str) -> str:
    """All tables in one format. CSV separates tables with a blank line; JSON is a list of
    {title, rows} with money as strings of SEK with two decimals (exact, never floats)."""
    return "".join(render_chunks(tables, fmt))
