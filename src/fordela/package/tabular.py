"""The one writer of CSV and XLSX for every export of fordela (no Django here).

Package export, invoicing base, open data, report tables and web downloads all write through
this module, so that the two rules a spreadsheet needs hold everywhere:

* **Every record stays one record.** A field holding a comma, a quote, a line feed *or a lone
  carriage return* is quoted (Python's csv module leaves a lone CR bare when the line ends in LF,
  and every reader then splits the row there).
* **No text cell runs as a formula.** Text starting with ``= + - @``, a tab or a carriage return
  gets a leading ``'`` (OWASP, CSV injection); so does text that already starts with ``'``, which
  makes the guard reversible: :func:`uninert` gives the original back, which is how the package
  reader accepts exactly what the package writer writes. Numbers we format ourselves (amounts,
  shares) are not text and are never guarded — callers say which columns are text.

XLSX is written in openpyxl's write-only mode (streamed, constant memory); every text cell is
stored as a string, never as a formula, and the control characters XML cannot hold are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import islice
from pathlib import Path
from typing import IO, Any

# A cell starting with one of these can start a formula when the file is opened in a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_GUARD = "'"
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')
# What XML 1.0 cannot hold (openpyxl refuses it): C0 controls except tab, LF and CR.
# Records formatted together: large enough to amortise the per-block work, small enough to stream.
_BLOCK = 16_384
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Cell = str | int | Decimal | Fraction | float | None


def inert(text: str) -> str:
    """`text` safe to open in a spreadsheet: a leading ``'`` before a formula start (or a ``'``)."""
    return _GUARD + text if text.startswith((*FORMULA_STARTS, _GUARD)) else text


def uninert(text: str) -> str:
    """The inverse of :func:`inert`: ``uninert(inert(t)) == t`` for every text ``t``."""
    if text.startswith(_GUARD) and text[1:].startswith((*FORMULA_STARTS, _GUARD)):
        return text[1:]
    return text


def _text(value: Cell, guarded: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return inert(value) if guarded else value
    return str(value)


def csv_field(text: str) -> str:
    """One CSV field: quoted (quotes doubled) when it holds a comma, a quote, a CR or an LF."""
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(values: Sequence[str]) -> str:
    """One record ending in LF. A record of one empty field is written ``""`` so it is not a blank line."""
    if len(values) == 1 and values[0] == "":
        return '""\n'
    return ",".join(csv_field(v) for v in values) + "\n"


def csv_lines(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], *, text: Collection[int] | None = None
) -> Iterator[str]:
    """The header and rows as CSV (streamed, a block of records at a time). `text`: the indexes of
    the columns whose string cells are text to guard (None: every string cell). Numbers are
    written with str()."""
    yield csv_line([inert(h) for h in header])
    width = len(header)
    iterator = iter(rows)
    while block := list(islice(iterator, _BLOCK)):
        if width == 0 or any(len(row) != width for row in block):
            # A ragged block (never written by fordela itself): record by record.
            yield "".join(csv_line([_text(v, text is None or i in text) for i, v in enumerate(row)]) for row in block)
            continue
        yield from csv_column_blocks(width, [list(zip(*block, strict=True))], text=text)


def csv_columns(
    header: Sequence[str], columns: Sequence[Sequence[Cell]], *, text: Collection[int] | None = None
) -> Iterator[str]:
    """:func:`csv_lines` of rows given column by column (equal lengths), the same bytes: the fast
    path for large exports, which never build a tuple per row."""
    yield csv_line([inert(h) for h in header])
    length = len(columns[0]) if columns else 0
    blocks = ([c[start : start + _BLOCK] for c in columns] for start in range(0, length, _BLOCK))
    yield from csv_column_blocks(len(header), blocks, text=text)


def csv_column_blocks(
    width: int, blocks: Iterable[Sequence[Sequence[Cell]]], *, text: Collection[int] | None = None
) -> Iterator[str]:
    """Records (no header) from blocks of `width` equally long columns, one string per block.

    Each column is formatted as a whole: its distinct strings are guarded and quoted once (names
    and codes repeat on every line of a large export), numbers go through str() in one map, and
    the fields of a record are joined once."""
    for columns in blocks:
        if len(columns) != width:
            raise ValueError(f"{len(columns)} columns for a header of {width}")
        fields = [_column_fields(column, text is None or i in text) for i, column in enumerate(columns)]
        if width == 1:
            # A record of one empty field is written "" so it is not a blank line (as csv_line).
            fields = [['""' if f == "" else f for f in fields[0]]]
        if fields and fields[0]:
            yield "\n".join(map(",".join, zip(*fields, strict=True))) + "\n"


def _column_fields(column: Sequence[Cell], guarded: bool) -> list[str]:
    """Every cell of one column as a CSV field, exactly as `csv_field(_text(cell, guarded))`."""
    kinds = set(map(type, column))
    if kinds <= {int, Decimal}:
        # str() of a number never holds a comma, a quote, a CR or an LF: nothing to quote.
        return list(map(str, column))
    if kinds == {str}:
        formatted = {v: csv_field(inert(v) if guarded else v) for v in set(column)}  # type: ignore[arg-type]
        return list(map(formatted.__getitem__, column))  # type: ignore[arg-type]
    memo: dict[str, str] = {}
    fields = []
    for value in column:
        if isinstance(value, str):
            field_ = memo.get(value)
            if field_ is None:
                field_ = memo[value] = csv_field(inert(value) if guarded else value)
        else:
            field_ = csv_field(_text(value, guarded))
        fields.append(field_)
    return fields


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]], *, text: Collection[int] | None = None) -> str:
    return "".join(csv_lines(header, rows, text=text))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]], *, text: Collection[int] | None = None) -> bytes:
    """CSV as UTF-8 bytes, LF line ends."""
    return csv_text(header, rows, text=text).encode("utf-8")


def xlsx_text(text: str) -> str:
    """A text cell for a workbook: guarded and without the control characters XML cannot hold."""
    return inert(_XML_ILLEGAL.sub("", text))


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a bold header row (frozen), then rows. `formats`: column index → number
    format (e.g. ``#,##0.00`` for amounts given as Decimal kr); `text`: as for :func:`csv_lines`."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    formats: Mapping[int, str] = field(default_factory=dict)
    text: Collection[int] | None = None


def write_xlsx(target: Path | IO[bytes], sheets: Iterable[Sheet]) -> None:
    """Write the sheets as one workbook to a path or a binary file, streamed (write-only mode)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = book.create_sheet(title=_XML_ILLEGAL.sub("", spec.title)[:31] or "sheet")
        sheet.freeze_panes = "A2"

        sheet.append([_text_cell(sheet, h, bold) for h in spec.header])
        for row in spec.rows:
            cells: list[Any] = []
            for i, value in enumerate(row):
                if value is None:
                    cells.append(None)
                elif isinstance(value, str):
                    guarded = spec.text is None or i in spec.text
                    cells.append(_text_cell(sheet, value) if guarded else _number_or_text(sheet, value))
                else:
                    cell = WriteOnlyCell(sheet, value=float(value) if isinstance(value, Fraction) else value)
                    if i in spec.formats:
                        cell.number_format = spec.formats[i]
                    cells.append(cell)
            sheet.append(cells)
    book.save(target)


def _text_cell(sheet: Any, value: str, font: Any = None) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=xlsx_text(value))
    cell.data_type = "s"  # never a formula, whatever it says
    if font is not None:
        cell.font = font
    return cell


def _number_or_text(sheet: Any, value: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=_XML_ILLEGAL.sub("", value))
    cell.data_type = "s"
    return cell


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    import io

    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    return buffer.getvalue()
