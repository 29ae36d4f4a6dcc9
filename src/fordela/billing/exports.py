"""The invoicing base as CSV and Excel, safe to open in a spreadsheet (no Django here).

Written through the one CSV/XLSX writer, `fordela.package.tabular`: a text cell that starts with
``= + - @``, a tab or a carriage return gets a leading ``'`` (CSV/formula injection, OWASP), and
CR/LF inside a cell are quoted. Only text cells are guarded — names come from users; amounts are
numbers we write ourselves.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from fordela.engine.invoicing import InvoiceLine
from fordela.engine.model import CycleData
from fordela.engine.money import to_sek
from fordela.package import tabular

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


TEXT_COLUMNS = frozenset(i for i, h in enumerate(HEADER) if h not in MONEY_COLUMNS | {"year", "vat_rate"})


def lines_csv(lines: Sequence[InvoiceLine], data: CycleData) -> str:
    """The lines as CSV: amounts in SEK with a dot and two decimals, text cells guarded."""
    return "".join(lines_csv_records(lines, data))


def lines_csv_records(lines: Sequence[InvoiceLine], data: CycleData) -> Iterator[str]:
    """`lines_csv` record by record, for a download streamed as it is written."""
    return tabular.csv_lines(HEADER, (_sek(row) for row in _rows(lines, data)), text=TEXT_COLUMNS)


def _sek(row: tuple[object, ...]) -> list[tabular.Cell]:
    return [
        to_sek(v) if h in MONEY_COLUMNS and isinstance(v, int) else v  # type: ignore[misc]
        for h, v in zip(HEADER, row, strict=True)
    ]


def lines_xlsx(lines: Sequence[InvoiceLine], data: CycleData, target: Path | IO[bytes]) -> None:
    """The lines as one sheet: amounts as numbers in kr (exact Decimal), every text cell as text."""
    formats = {i: MONEY_FORMAT for i, h in enumerate(HEADER) if h in MONEY_COLUMNS}
    sheet = tabular.Sheet("fakturaunderlag", HEADER, (_sek(r) for r in _rows(lines, data)), formats, TEXT_COLUMNS)
    tabular.write_xlsx(target, [sheet])
