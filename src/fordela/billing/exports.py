"""The invoicing base as CSV and Excel, safe to open in a spreadsheet (no Django here).

A text cell that starts with ``= + - @``, a tab or a carriage return is read as a formula by
spreadsheet programs (CSV/formula injection, OWASP): such cells get a leading ``'``. Only text
cells are guarded — names and notes come from users; amounts are numbers we write ourselves.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from fordela.engine.invoicing import InvoiceLine
from fordela.engine.model import CycleData
from fordela.engine.money import machine, to_sek
from fordela.reports.render import spreadsheet_safe as safe

HEADER = (
    "year",
    "period",
    "supplier",
    "supplier_name",
    "organisation",
    "organisation_name",
    "object",
    "object_name",
    "kind",
    "category",
    "net",
    "vat_rate",
    "vat",
    "gross",
)
MONEY_COLUMNS = frozenset({"net", "vat", "gross"})
MONEY_FORMAT = "#,##0.00"


def _rows(lines: Sequence[InvoiceLine], data: CycleData) -> list[tuple[object, ...]]:
    names = {o.code: o.name for o in data.organisations}
    objects = {s.code: s.name for s in data.services} | {p.code: p.title for p in data.proposals}
    return [
        (
            ln.year,
            ln.period.value,
            ln.supplier,
            names.get(ln.supplier, ""),
            ln.organisation,
            names.get(ln.organisation, ""),
            ln.object,
            objects.get(ln.object, ""),
            ln.kind,
            ln.category.value,
            ln.net,
            ln.vat_rate,
            ln.vat,
            ln.gross,
        )
        for ln in lines
    ]


def lines_csv(lines: Sequence[InvoiceLine], data: CycleData) -> str:
    """The lines as CSV: amounts in SEK with a dot and two decimals, text cells guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for row in _rows(lines, data):
        writer.writerow(
            [
                machine(v) if h in MONEY_COLUMNS and isinstance(v, int) else safe(v) if isinstance(v, str) else v
                for h, v in zip(HEADER, row, strict=True)
            ]
        )
    return buffer.getvalue()


def lines_xlsx(lines: Sequence[InvoiceLine], data: CycleData, path: Path) -> None:
    """The lines as one sheet: amounts as numbers in kr, every text cell stored as text."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "fakturaunderlag"
    sheet.append(list(HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(_rows(lines, data), start=2):
        for c, (heading, value) in enumerate(zip(HEADER, row, strict=True), start=1):
            cell = sheet.cell(row=r, column=c)
            if heading in MONEY_COLUMNS:
                # openpyxl writes a Decimal as its exact text: the workbook holds the öre exactly.
                cell.value = to_sek(value) if isinstance(value, int) else value
                cell.number_format = MONEY_FORMAT
            elif isinstance(value, str):
                cell.value = safe(value)
                cell.data_type = "s"  # never a formula, whatever it says
            else:
                cell.value = value if isinstance(value, int) else str(value)
    sheet.freeze_panes = "A2"
    book.save(path)
