"""A plain table as an HR or asset system exports it: CSV (comma, semicolon or tab; UTF-8 or
Windows-1252, as Excel in Sweden saves it) or the first sheet of an .xlsx, read with the same
protections as a package (size limits, zip-bomb and DTD checks, defusedxml: fordela.package.reader).

Cells come back as text: typed text as it was typed (read later with engine.parse's Swedish
spelling), a number cell of a workbook in machine form, flagged so.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from fordela.package.errors import PackageError, Problem
from fordela.package.reader import MAX_COLUMNS, MAX_ROWS, MAX_TOTAL_SIZE, _cell_text, _fatal, _open_zip, _refuse_dtd


@dataclass(frozen=True)
class PlainRow:
    number: int  # as a person sees it: the first row is 1
    cells: tuple[str, ...]
    machine: tuple[bool, ...]  # per cell: a workbook number, in machine form (1234.5)


def read_plain(path: Path) -> list[PlainRow]:
    """The rows of the file at `path`; PackageError when it cannot be read at all."""
    path = Path(path)
    if path.stat().st_size > MAX_TOTAL_SIZE:
        raise _fatal(path, f"refused: larger than {MAX_TOTAL_SIZE // (1024 * 1024)} MB")
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path)
    return _read_csv(path.read_bytes(), path.name)


def _read_csv(data: bytes, name: str) -> list[PlainRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise PackageError([Problem("", None, None, "not a text file (it holds NUL characters)", name)])
    sample = text[:4096]
    delimiter = max(";,\t", key=sample.count) if any(c in sample for c in ";,\t") else ","
    rows: list[PlainRow] = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if number > MAX_ROWS:
                raise PackageError([Problem("", number, None, f"more than {MAX_ROWS} rows", name)])
            cells = cells[:MAX_COLUMNS]
            rows.append(PlainRow(number, tuple(c.strip() for c in cells), (False,) * len(cells)))
    except csv.Error as error:
        raise PackageError([Problem("", len(rows) + 1, None, f"not valid CSV: {error}", name)]) from None
    return rows


def _read_xlsx(path: Path) -> list[PlainRow]:
    import openpyxl
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        raise _fatal(path, "refused: workbooks are only read with defusedxml active (XML entity protection)")
    with _open_zip(path, ".xlsx workbook") as archive:
        _refuse_dtd(archive, path)
    rows: list[PlainRow] = []
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # noqa: BLE001 - any damage in the file is a problem to report
        raise _fatal(path, f"not a valid .xlsx workbook: {type(error).__name__}") from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            if number > MAX_ROWS:
                raise _fatal(path, f"more than {MAX_ROWS} rows")
            texts: list[str] = []
            machine: list[bool] = []
            for cell in cells:
                try:
                    texts.append(_cell_text(cell, None).strip())
                except ValueError as error:
                    raise PackageError([Problem("", number, None, str(error), path.name)]) from None
                machine.append(isinstance(cell.value, int | float) and not isinstance(cell.value, bool))
            rows.append(PlainRow(number, tuple(texts), tuple(machine)))
    finally:
        book.close()
    return rows
