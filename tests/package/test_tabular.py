"""The one CSV/XLSX writer: CR/LF never split a record, no text cell is a live formula, and the
package reader gives back exactly what the package writer wrote. SIE text fields carry no
control characters."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fordela.engine.model import CycleData
from fordela.package.reader import read_package
from fordela.package.tabular import FORMULA_STARTS, Sheet, csv_text, inert, uninert, xlsx_bytes
from fordela.package.writer import write_package

HOSTILE = (
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "\tTab",
    "\rCR first",
    "a lone\rcarriage return",
    "line\nfeed",
    "crlf\r\nin the middle",
    "'already quoted",
    "''=twice",
    'quote " and, comma',
)
WITH_NUL = (*HOSTILE, "nul\x00inside", "bell\x07")


def _live_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_STARTS)


@given(st.text())
def test_the_guard_is_reversible(text: str) -> None:
    assert uninert(inert(text)) == text
    assert not _live_formula(inert(text))


@given(st.lists(st.lists(st.text(), min_size=2, max_size=4), max_size=5))
def test_csv_reads_back_the_same_records(rows: list[list[str]]) -> None:
    width = max((len(r) for r in rows), default=2)
    rows = [r + [""] * (width - len(r)) for r in rows]
    text = csv_text([f"c{i}" for i in range(width)], rows)
    back = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert len(back) == len(rows) + 1
    assert [[uninert(c) for c in r] for r in back[1:]] == rows
    assert not any(_live_formula(c) for r in back for c in r)


def test_numbers_are_never_guarded() -> None:
    text = csv_text(["name", "amount"], [["-x", Decimal("-12.50")], ["y", "-3.00"]], text={0})
    assert text.splitlines() == ["name,amount", "'-x,-12.50", "y,-3.00"]


def _hostile(data: CycleData, names: tuple[str, ...]) -> CycleData:
    """`data` with the hostile texts as names and notes of organisations, services and drivers
    (each name made unique by a suffix once the texts run out)."""
    texts = iter(range(10_000))

    def text() -> str:
        i = next(texts)
        return names[i % len(names)] + ("" if i < len(names) else f" {i}")

    return replace(
        data,
        organisations=tuple(replace(o, name=text(), note=text()) for o in data.organisations),
        services=tuple(replace(x, name=text()) for x in data.services),
        drivers=tuple(replace(x, name=text()) for x in data.drivers),
    )


@pytest.mark.parametrize("suffix", ["", ".zip"])
def test_the_package_round_trips_hostile_text_and_writes_no_live_formula(
    mini_data: CycleData, tmp_path: Path, suffix: str
) -> None:
    data = _hostile(mini_data, HOSTILE)
    assert {o.name for o in data.organisations} & set(HOSTILE)
    first = tmp_path / f"first{suffix}"
    write_package(data, first)
    again = read_package(first)
    assert again == data
    write_package(again, tmp_path / "second")
    for path in (tmp_path / "second").iterdir():
        records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""), strict=True))
        assert not any(_live_formula(c) for r in records for c in r if not _number(c)), path.name
        assert len({len(r) for r in records}) == 1, f"{path.name}: a record was split"
    text = "".join(p.read_bytes().decode("utf-8") for p in (tmp_path / "second").iterdir())
    assert "'=HYPERLINK(" in text and '"a lone\rcarriage return"' in text


def test_every_csv_export_keeps_records_whole_and_formulas_dead(demo: CycleData) -> None:
    from fordela.billing.exports import lines_csv
    from fordela.engine.invoicing import invoicing_base
    from fordela.engine.scenario import resolve_code
    from fordela.opendata.datasets import open_datasets
    from fordela.opendata.publish import dataset_csv
    from fordela.reports import cycle as reports
    from fordela.reports.render import as_csv

    data = _hostile(demo, WITH_NUL)
    decided = resolve_code(data, "coordination_group")
    lines = invoicing_base(data, 2026, decided).for_period(invoicing_period())
    outputs = {
        "invoicing base": lines_csv(lines, data),
        "report table": as_csv(reports.frames_table(data, decided)),
        **{f"open data {d.name}": dataset_csv(d).decode("utf-8") for d in open_datasets(data, decided)},
    }
    organisation_names = {o.name for o in data.organisations}
    for what, text in outputs.items():
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        assert len({len(r) for r in records}) == 1, f"{what}: a record was split"
        assert not any(_live_formula(c) for r in records for c in r if c and not _number(c)), what
        cells = {uninert(c) for r in records for c in r}
        assert cells & organisation_names or "frames" in what or "report" in what, what


def invoicing_period():  # noqa: ANN201 - a small helper
    from fordela.engine.model import Period

    return Period.Q1


def _number(cell: str) -> bool:
    try:
        Decimal(cell)
    except ArithmeticError:
        return False
    return True


def test_every_xlsx_export_stores_text_as_text(demo: CycleData, tmp_path: Path) -> None:
    from fordela.billing.exports import lines_xlsx
    from fordela.engine.invoicing import invoicing_base
    from fordela.engine.scenario import resolve_code
    from fordela.reports import billing as billing_reports
    from fordela.reports.render import as_xlsx

    data = _hostile(demo, WITH_NUL)
    decided = resolve_code(data, "coordination_group")
    lines = invoicing_base(data, 2026, decided).for_period(invoicing_period())
    lines_xlsx(lines, data, tmp_path / "lines.xlsx")
    books = {
        "lines": openpyxl.load_workbook(tmp_path / "lines.xlsx"),
        "table": openpyxl.load_workbook(io.BytesIO(as_xlsx(billing_reports.invoice_lines_table(data, lines, "x")))),
        "plain": openpyxl.load_workbook(io.BytesIO(xlsx_bytes([Sheet("s", ["a"], [[t] for t in WITH_NUL])]))),
    }
    for what, book in books.items():
        cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
        assert cells and all(c.data_type != "f" for c in cells), what
        texts = [c.value for c in cells if isinstance(c.value, str)]
        assert not any(_live_formula(t) for t in texts), what
        assert not any("\x00" in t or "\x07" in t for t in texts), what
    plain = [c.value for row in books["plain"].active.iter_rows(min_row=2) for c in row]
    assert [uninert(v) for v in plain] == [t.replace("\x00", "").replace("\x07", "") for t in WITH_NUL]
    money = [c for c in books["lines"].active[2] if c.number_format == "#,##0.00"]
    assert money and all(isinstance(c.value, int | float) for c in money)


def test_sie_text_fields_carry_no_control_characters(demo: CycleData) -> None:
    from datetime import date

    from fordela.billing.sie import invoices, sie_4i
    from fordela.engine.invoicing import invoicing_base
    from fordela.engine.scenario import resolve_code

    data = _hostile(demo, WITH_NUL)
    lines = invoicing_base(data, 2026, resolve_code(data, "coordination_group")).for_period(invoicing_period())
    content = sie_4i(invoices(lines), data, company='Stad\r\n#VER "x"', generated=date(2026, 1, 1), year=2026)
    text = content.decode("cp437")
    records = text.split("\r\n")
    assert records[-1] == ""
    for record in records[:-1]:
        assert record.startswith(("#", "{", "}", "   #TRANS")), repr(record)
        assert not any(ord(ch) < 32 for ch in record), repr(record)
    assert '#FNAMN "Stad  #VER \\"x\\""' in text
    assert sum(r.startswith("#VER ") for r in records) == len(invoices(lines))


def test_a_sheet_longer_than_a_worksheet_goes_on_in_continuation_sheets_with_the_header(tmp_path):
    import openpyxl

    from fordela.package.tabular import Sheet, write_xlsx

    path = tmp_path / "long.xlsx"
    rows = ([f"r{i}", i] for i in range(5))  # a generator: counted only as it is written
    write_xlsx(path, [Sheet("Fakturaunderlag", ["rad", "n"], rows), Sheet("Kort", ["a"], [["x"]])], max_rows=3)
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["Fakturaunderlag", "Fakturaunderlag (2)", "Fakturaunderlag (3)", "Kort"]
    values = [list(book[name].values) for name in book.sheetnames]
    assert values[0] == [("rad", "n"), ("r0", 0), ("r1", 1)]
    assert values[1] == [("rad", "n"), ("r2", 2), ("r3", 3)]
    assert values[2] == [("rad", "n"), ("r4", 4)]
    assert values[3] == [("a",), ("x",)]


def test_a_large_table_is_written_as_csv_a_block_of_rows_at_a_time(monkeypatch) -> None:
    """The same bytes whether a table is formatted whole or a block of rows at a time (what a
    table of millions of invoice lines takes, so no string per cell is held for all of it)."""
    from fordela.reports import render
    from fordela.reports.tables import Col, ColumnKind, Table

    columns = (Col("code", "Code"), Col("amount", "Amount", ColumnKind.MONEY), Col("note", "Note"))
    rows = tuple(
        (["a", "=b", "c,d", 'e"'][i % 4], (i * 7919) % 100_003 - 50_000, None if i % 3 else "n") for i in range(50)
    )
    table = Table("t", columns, rows)
    whole = render.as_csv(table)
    monkeypatch.setattr(render, "_CSV_BLOCK", 7)
    assert render.as_csv(table) == whole
    assert whole.count("\n") == 51


def test_rendering_piece_by_piece_gives_the_same_text_as_rendering_whole(monkeypatch, demo) -> None:
    """What the CLI writes piece by piece (`render_chunks`) is `render`'s text in every format,
    and a table whose rows are made a block at a time (`ColumnRows`, the invoice lines) reads as
    the same rows as a tuple of them."""
    from fordela.engine.invoicing import invoicing_base
    from fordela.engine.model import Period
    from fordela.reports import billing, render
    from fordela.reports.tables import ColumnRows

    base = invoicing_base(demo, 2025)
    lines = list(base.for_period(Period.Q2))
    table = billing.invoice_lines_table(demo, lines, "Fakturaunderlag")
    assert isinstance(table.rows, ColumnRows)
    monkeypatch.setattr(ColumnRows, "BLOCK", 5)
    rows = tuple(table.rows)
    assert len(rows) == len(lines) > 10
    assert table.rows[3:17] == rows[3:17] and table.rows[-1] == rows[-1] and table.rows[::7] == rows[::7]
    assert rows[0][8] == lines[0].net and rows[0][11] == lines[0].net + lines[0].vat
    with pytest.raises(IndexError):
        table.rows[len(rows)]
    tables = [table, replace(table, rows=rows), billing.not_invoiced_table(demo, base)]
    monkeypatch.setattr(render, "_CSV_BLOCK", 7)
    for fmt in render.FORMATS:
        chunks = list(render.render_chunks(tables, fmt))
        assert "".join(chunks) == render.render(tables, fmt)
        if fmt == "csv":
            assert len(chunks) > len(rows) // 7  # a block of rows at a time
            whole = render.as_csv(tables[1])
            assert render.as_csv(table) == whole and whole.count("\n") == len(rows) + 1
    with pytest.raises(ValueError, match="unknown format"):
        render.render_chunks(tables, "xml")
