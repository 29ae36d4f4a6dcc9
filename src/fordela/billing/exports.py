"""The invoicing base as CSV and Excel, safe to open in a spreadsheet (no Django here).

Written through the one CSV/XLSX writer, `fordela.package.tabular`: a text cell that starts with
``= + - @``, a tab or a carriage return gets a leading ``'`` (CSV/formula injection, OWASP), and
CR/LF inside a cell are quoted. Only text cells are guarded — names come from users; amounts are
numbers we write ourselves.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import IO, Any

from fordela.engine.invoicing import InvoiceLine, line_columns
from fordela.engine.model import CycleData
from fordela.engine.money import machine
from fordela.engine.records import without_gc
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


# Lines exported at a time: the columns of every line of a large cycle at once (a tuple per line
# to read them, then a list per column) were gigabytes.
_BLOCK = 65_536


def _column_blocks(lines: Sequence[InvoiceLine], data: CycleData) -> Iterator[list[list[Any]]]:
    """The export's columns (in HEADER order; amounts in öre), a block of `_BLOCK` lines at a time."""
    names = {o.code: o.name for o in data.organisations}
    objects = {s.code: s.name for s in data.services} | {p.code: p.title for p in data.proposals}
    for start in range(0, len(lines), _BLOCK):
        yield _columns(lines[start : start + _BLOCK], names, objects)


def _columns(lines: Sequence[InvoiceLine], names: dict[str, str], objects: dict[str, str]) -> list[list[Any]]:
    """The export's columns of `lines`, made column by column: a name, a period or a category is
    looked up once per distinct value, not once per line (a large cycle's period has hundreds of
    thousands of lines)."""
    years, periods, suppliers, organisations, codes, kinds, categories, nets, rates, vats = line_columns(lines)
    return [
        years,
        _each_distinct(lambda p: p.value, periods),
        suppliers,
        _each_distinct(lambda c: names.get(c, ""), suppliers),
        organisations,
        _each_distinct(lambda c: names.get(c, ""), organisations),
        codes,
        _each_distinct(lambda c: objects.get(c, ""), codes),
        kinds,
        _each_distinct(lambda c: c.value, categories),
        nets,
        rates,
        vats,
        list(map(operator.add, nets, vats)),
    ]


def _each_distinct(convert: Callable[[Any], Any], column: list[Any]) -> list[Any]:
    converted = {value: convert(value) for value in set(column)}
    return list(map(converted.__getitem__, column))


TEXT_COLUMNS = frozenset(i for i, h in enumerate(HEADER) if h not in MONEY_COLUMNS | {"year", "vat_rate"})
_MONEY_INDEXES = frozenset(i for i, h in enumerate(HEADER) if h in MONEY_COLUMNS)


def lines_csv(lines: Sequence[InvoiceLine], data: CycleData) -> str:
    """The lines as CSV: amounts in SEK with a dot and two decimals, text cells guarded."""
    return "".join(lines_csv_records(lines, data))


def lines_csv_records(lines: Sequence[InvoiceLine], data: CycleData) -> Iterator[str]:
    """`lines_csv` a block of records at a time, for a download streamed as it is written.

    Amounts are written as their machine text (`machine`: the text of `to_sek`, made with
    integers rather than Decimal arithmetic)."""
    yield tabular.csv_line([tabular.inert(h) for h in HEADER])
    blocks = (
        [list(map(machine, c)) if i in _MONEY_INDEXES else c for i, c in enumerate(columns)]
        for columns in _column_blocks(lines, data)
    )
    yield from tabular.csv_column_blocks(len(HEADER), blocks, text=TEXT_COLUMNS)


def _kr(column: list[int]) -> list[Decimal]:
    """`to_sek` of every amount: the same Decimal with two decimals. An öre amount of fewer than
    27 digits moved two places is already exact to the öre, so `to_sek`'s quantize changes
    nothing; it is left out (a third of the cost per cell)."""
    return [Decimal(ore).scaleb(-2) for ore in column]


def lines_xlsx(lines: Sequence[InvoiceLine], data: CycleData, target: Path | IO[bytes]) -> None:
    """The lines as one sheet: amounts as numbers in kr (exact Decimal), every text cell as text."""
    formats = {i: MONEY_FORMAT for i, h in enumerate(HEADER) if h in MONEY_COLUMNS}
    # The rows of each block chained in C: a generator step per line cost a third of the export.
    rows = chain.from_iterable(
        zip(*[_kr(c) if i in _MONEY_INDEXES else c for i, c in enumerate(columns)], strict=True)
        for columns in _column_blocks(lines, data)
    )
    sheet = tabular.Sheet("fakturaunderlag", HEADER, rows, formats, TEXT_COLUMNS)
    with without_gc():  # a tuple per line and a string per cell, and no reference cycles among them
        tabular.write_xlsx(target, [sheet])
