"""Reading a cycle package: a folder of CSV files, a .zip of them, or an .xlsx workbook.

A workbook is either plain (row 1 the column names, data from row 2) or the people-friendly
layout of `fordela.package.workbook` (declared by the defined name ``fordela_header_rows``:
row 1 the column names, row 2 Swedish headings, data from row 3, plus an ``Instruktioner``
sheet that is skipped). Row numbers in problems are the sheet's own.

Each format is turned into :class:`~fordela.package.rows.RawTable` objects (text cells
with the row numbers a person sees) and handed to the one validator, so all three formats
obey the same rules. Containers are inspected before anything is unpacked: a package is
untrusted input, and a zip bomb must be refused from its directory alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import warnings
import zipfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from fordela.engine import model as m
from fordela.engine.records import without_gc
from fordela.package.errors import PackageError, Problem
from fordela.package.rows import RawCells, RawRow, RawTable
from fordela.package.schema import TABLES_BY_NAME
from fordela.package.schema_types import Kind, guarded
from fordela.package.tabular import uninert
from fordela.package.validate import check_tables

# Data rows per table. Participation grows with organisations × services: a city distributing to
# ~2 600 cost centres over ~2 200 services has ~4.5 million rows (issue 12's 100× benchmark).
MAX_ROWS = 5_000_000
MAX_ENTRIES = 1_000  # files in a .zip / parts in an .xlsx
MAX_TOTAL_SIZE = 400 * 1024 * 1024  # bytes, unpacked (and on disk); the 100× benchmark package is ~210 MB
MAX_RATIO = 200  # unpacked / packed size of one entry
# Tiny entries (an empty table, a header) can compress beyond any ratio without being a
# threat; the ratio only says something once an entry is large enough to hurt.
RATIO_MIN_SIZE = 1024 * 1024
MAX_COLUMNS = 200  # columns per sheet: a cell far to the right must not make every row huge

# The people-friendly workbook (fordela.package.workbook) carries this workbook-level name with
# the number of header rows: row 1 the machine column names, the rows below it headings for
# people. Without it a sheet is the plain layout: one header row, data from row 2.
HEADER_ROWS_NAME = "fordela_header_rows"
MAX_HEADER_ROWS = 5
# Sheets that explain the workbook to people and are never tables.
INSTRUCTIONS_SHEET = "Instruktioner"
# A DTD has no place in an Office Open XML part; it is how entity-expansion attacks start.
_DTD_MARKERS = tuple(
    marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)

_SKIPPED = ("__MACOSX/",)  # folders that archivers add on their own


def read_package(path: Path) -> m.CycleData:
    """Read, validate and return the cycle package at `path`.

    `path` is a folder of ``<table>.csv`` files, a ``.zip`` of such files (at its root or in
    one top folder) or an ``.xlsx`` workbook with one sheet per table. Raises
    :class:`PackageError` listing every problem found; nothing is returned half.
    """
    with without_gc():
        raw, problems = read_raw(path)
        data, more = check_tables(raw)
    problems = problems + more
    if problems or data is None:
        raise PackageError(problems)
    return data


def read_raw(path: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    """The tables of the package at `path` as text, and the problems met while reading.

    Raises :class:`PackageError` at once when `path` is no readable package at all (missing,
    not a folder/zip/xlsx, a damaged or hostile container): nothing more could be said.
    """
    path = Path(path)
    if not path.exists():
        raise _fatal(path, f"no package at {path}")
    if path.is_dir():
        return _read_folder(path)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _read_zip(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise _fatal(path, "not a package: expected a folder of CSV files, a .zip or an .xlsx workbook")


def _fatal(path: Path, message: str) -> PackageError:
    return PackageError([Problem("", None, None, message, path.name or str(path))])


# -- CSV ---------------------------------------------------------------------------------


def parse_csv(name: str, data: bytes, source: str) -> tuple[RawTable | None, list[Problem]]:
    """One table from the bytes of a CSV file (UTF-8, comma, header row).

    Read by column: the rows are split (by `str.split` where the text has no quoting, see
    `_plain_lines`, else by the standard library's reader), each batch of rows is turned into
    columns, and every cell is passed once through its column's table of distinct texts, so a
    code repeated on a million rows is one string (and unguarded once).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        message = f"not UTF-8 (byte 0x{byte:02x}); save the file as CSV UTF-8"
        return None, [Problem(name, row, None, message, source)]
    text = text.removeprefix("\ufeff")  # Excel writes a byte order mark
    lines = _plain_lines(text)
    if lines is not None:
        return _columns_of_lines(name, lines, source)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        first = next(reader, None)
        if first is None:
            return None, [Problem(name, None, None, "the file is empty: it needs a header row", source)]
        header, refused = _csv_header(name, first, source)
        if refused:
            return None, refused
        columns = _Columns(name, header)
        while batch := list(itertools.islice(reader, _BATCH)):
            if columns.count + len(batch) > MAX_ROWS:
                return None, [Problem(name, MAX_ROWS + 2, None, f"more than {MAX_ROWS} rows", source)]
            columns.add(batch)
    except csv.Error as error:
        return None, [Problem(name, _failing_record(text), None, f"not valid CSV: {error}", source)]
    return RawTable.from_columns(name, header, columns.cells(), source), []


def _csv_header(name: str, first: list[str], source: str) -> tuple[tuple[str, ...], list[Problem]]:
    header = _header(first)
    if len(header) == 1 and ";" in header[0]:
        message = "columns are separated by ';'; a package uses commas"
        return header, [Problem(name, 1, None, message, source)]
    return header, []


def _plain_lines(text: str) -> list[str] | None:
    """The lines of a CSV text that the csv module would only split at commas, or None.

    Text without quotes, carriage returns that are not line ends, NUL characters or lines
    beyond the module's field size limit has no quoting to interpret: each line is a row and
    each comma ends a cell, so splitting the text with str.split (in C, a whole column at a
    time below) gives exactly the csv module's rows, several times faster. That covers the
    large tables that systems export; anything else is read by the csv module.
    """
    if '"' in text or "\x00" in text:
        return None
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return None
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last row
    if lines and max(map(len, lines)) > csv.field_size_limit():
        return None
    return lines


def _columns_of_lines(name: str, lines: list[str], source: str) -> tuple[RawTable | None, list[Problem]]:
    if not lines:
        return None, [Problem(name, None, None, "the file is empty: it needs a header row", source)]
    # The csv module reads an empty line as a row without cells.
    header, refused = _csv_header(name, lines[0].split(",") if lines[0] else [], source)
    if refused:
        return None, refused
    if len(lines) - 1 > MAX_ROWS:
        return None, [Problem(name, MAX_ROWS + 2, None, f"more than {MAX_ROWS} rows", source)]
    columns = _Columns(name, header)
    width = len(header)
    for start in range(1, len(lines), _BATCH):
        batch = lines[start : start + _BATCH]
        if width > 1 and set(map(str.count, batch, itertools.repeat(","))) == {width - 1}:
            # Every row has its cells: split them all at once and take every width-th cell.
            cells = ",".join(batch).split(",")
            columns.add_columns([cells[j::width] for j in range(width)], len(batch))
        else:
            columns.add([line.split(",") if line else [] for line in batch])
    return RawTable.from_columns(name, header, columns.cells(), source), []


class _Columns:
    """The columns of one table as its rows come in, a batch at a time."""

    def __init__(self, name: str, header: tuple[str, ...]) -> None:
        guarded_at = _guarded_columns(name, header)
        self.width = len(header)
        self.columns: list[list[str]] = [[] for _ in header]
        self.distinct = [_Distinct(uninert if i in guarded_at else None) for i in range(self.width)]
        self.overflow: list[int] = []
        self.count = 0

    def add(self, batch: list[list[str]]) -> None:
        if len(set(map(len, batch))) != 1 or len(batch[0]) != self.width:
            _align(batch, self.width, self.count, self.overflow)
        self.add_columns(list(zip(*batch, strict=False)) if self.width else [], len(batch))

    def add_columns(self, cells: Sequence[Sequence[str]], rows: int) -> None:
        for column, texts, distinct in zip(self.columns, cells, self.distinct, strict=True):
            column.extend(map(distinct.__getitem__, texts))
        self.count += rows

    def cells(self) -> RawCells:
        return RawCells(range(2, 2 + self.count), self.columns, frozenset(self.overflow))


# Rows turned into columns at a time: enough to amortise the work per batch, little memory.
_BATCH = 65_536
# A column keeps one string per distinct text up to this many texts; beyond it (amounts, free
# text) sharing saves little and the table would only grow.
_MAX_DISTINCT = 200_000


class _Distinct(dict[str, str]):
    """Text → the one string kept for it (unguarded when the column is guarded)."""

    def __init__(self, transform: Callable[[str], str] | None) -> None:
        super().__init__()
        self.transform = transform

    def __missing__(self, text: str) -> str:
        value = self.transform(text) if self.transform else text
        if len(self) < _MAX_DISTINCT:
            self[text] = value
        return value


def _align(batch: list[list[str]], width: int, before: int, overflow: list[int]) -> None:
    """Pad short rows with empty cells and cut long ones to the header, noting text beyond it."""
    for i, values in enumerate(batch):
        if len(values) == width:
            continue
        if any(v.strip() for v in values[width:]):
            overflow.append(before + i)
        batch[i] = (values + [""] * width)[:width]


def _failing_record(text: str) -> int:
    """The row number (header = 1) of the record the CSV reader refuses: read again one by one,
    which only a broken file pays for."""
    number = 1  # the row being read
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), strict=True):
            number += 1
    except csv.Error:
        return number
    return number


def _guarded_columns(name: str, header: tuple[str, ...]) -> frozenset[int]:
    """Where the package writer guards text against formulas (`fordela.package.schema_types.guarded`)."""
    table = TABLES_BY_NAME.get(name)
    if table is None:
        return frozenset()
    columns = {c.name: c for c in table.columns}
    return frozenset(i for i, h in enumerate(header) if h in columns and guarded(columns[h]))


def _header(values: Iterable[Any]) -> tuple[str, ...]:
    names = ["" if v is None else str(v).strip() for v in values]
    # Spreadsheets leave trailing empty header cells behind; they are not columns.
    while names and not names[-1]:
        names.pop()
    return tuple(names)


def _add_csv(tables: dict[str, RawTable], problems: list[Problem], file_name: str, data: bytes) -> None:
    name = file_name[: -len(".csv")]
    if name in tables:
        problems.append(Problem(name, None, None, "the table appears twice", file_name))
        return
    table, found = parse_csv(name, data, file_name)
    problems.extend(found)
    # An unreadable table stays in, so that the validator neither calls it missing nor
    # forgets to name it when it is unknown.
    tables[name] = table or RawTable(name, (), (), file_name, unreadable=True)


def _is_csv(name: str) -> bool:
    return name.lower().endswith(".csv")


def _csv_name(name: str) -> str:
    # `services.CSV` is the services table: only the suffix is case-insensitive.
    return name[: -len(".csv")] + ".csv"


def _read_folder(path: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for entry in sorted(path.iterdir()):
        if entry.name.startswith("."):
            continue  # .DS_Store and friends
        if entry.is_dir():
            problems.append(Problem("", None, None, "unexpected folder in the package", entry.name))
        elif not _is_csv(entry.name):
            message = "not a CSV file; a package holds one <table>.csv per table"
            problems.append(Problem("", None, None, message, entry.name))
        elif entry.stat().st_size > MAX_TOTAL_SIZE:
            message = f"larger than {MAX_TOTAL_SIZE // (1024 * 1024)} MB"
            problems.append(Problem(entry.name[:-4], None, None, message, entry.name))
        else:
            _add_csv(tables, problems, _csv_name(entry.name), entry.read_bytes())
    return tables, problems


# -- containers --------------------------------------------------------------------------


def _open_zip(path: Path, what: str) -> zipfile.ZipFile:
    """Open `path` as a zip after checking, from its directory, that unpacking is safe."""
    if path.stat().st_size > MAX_TOTAL_SIZE:
        raise _fatal(path, f"refused: larger than {MAX_TOTAL_SIZE // (1024 * 1024)} MB")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _fatal(path, f"not a valid {what}: {error}") from None
    infos = archive.infolist()
    problems: list[Problem] = []
    if len(infos) > MAX_ENTRIES:
        message = f"refused: {len(infos)} entries, more than the limit of {MAX_ENTRIES}"
        problems.append(Problem("", None, None, message, path.name))
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_SIZE:
        message = (
            f"refused: the entries would unpack to {total} bytes, more than the limit of "
            f"{MAX_TOTAL_SIZE // (1024 * 1024)} MB (a zip bomb?)"
        )
        problems.append(Problem("", None, None, message, path.name))
    for info in infos:
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_SIZE and ratio > MAX_RATIO:
            message = (
                f"refused: entry {info.filename!r} is compressed {ratio}:1, more than the "
                f"limit of {MAX_RATIO}:1 (a zip bomb?)"
            )
            problems.append(Problem("", None, None, message, path.name))
    if problems:
        archive.close()
        raise PackageError(problems)
    return archive


def _read_zip(path: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    with _open_zip(path, "zip file") as archive:
        files = [
            i
            for i in archive.infolist()
            if not i.is_dir()
            and not i.filename.startswith(_SKIPPED)
            and not PurePosixPath(i.filename).name.startswith(".")
        ]
        prefix = _common_folder([i.filename for i in files])
        for info in files:
            inner = info.filename[len(prefix) :]
            where = f"{path.name}: {info.filename}"
            if "/" in inner:
                message = "unexpected path: put the CSV files at the zip's root or in one folder"
                problems.append(Problem("", None, None, message, where))
                continue
            if not _is_csv(inner):
                message = "not a CSV file; a package holds one <table>.csv per table"
                problems.append(Problem("", None, None, message, where))
                continue
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as error:
                # Damaged data, an encrypted entry, an unsupported compression method.
                problems.append(Problem("", None, None, f"cannot unpack: {error}", where))
                continue
            _add_csv(tables, problems, _csv_name(inner), data)
    return tables, problems


def _common_folder(names: list[str]) -> str:
    """``"top/"`` when every file sits in the same top folder, else ``""``."""
    tops = {n.split("/", 1)[0] + "/" if "/" in n else "" for n in names}
    return tops.pop() if len(tops) == 1 else ""


# -- xlsx --------------------------------------------------------------------------------


def _read_xlsx(path: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    # Imported here so that CSV-only use does not pay for openpyxl.
    import openpyxl
    from defusedxml import DefusedXmlException
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        # openpyxl parses worksheets with the standard library unless defusedxml is there (and
        # OPENPYXL_DEFUSEDXML is not "False"): fail closed rather than parse untrusted XML.
        raise _fatal(path, "refused: workbooks are only read with defusedxml active (XML entity protection)")
    with _open_zip(path, ".xlsx workbook") as archive:
        _refuse_dtd(archive, path)
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it ignores (data validation, conditional
            # formats); they carry no data, so they are no concern of the package.
            warnings.simplefilter("ignore")
            # data_only=False on purpose: with data_only=True openpyxl silently hands over a
            # formula's cached result (or None), and a formula could not be reported.
            # openpyxl never evaluates formulas either way, and keep_links=False leaves links
            # to other workbooks unread (openpyxl never fetches them).
            book = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
            try:
                header_rows = _header_rows(book, path)
                for sheet in book.worksheets:
                    if sheet.title != INSTRUCTIONS_SHEET:
                        tables[sheet.title] = _read_sheet(sheet, problems, header_rows)
            finally:
                book.close()
    except PackageError:
        raise
    except Exception as error:  # noqa: BLE001 - any damage in the file is a problem to report
        # openpyxl wraps what its parser raised; defusedxml's refusal deserves its own words.
        cause: BaseException | None = error
        while cause is not None and not isinstance(cause, DefusedXmlException):
            cause = cause.__cause__ or cause.__context__
        if cause is not None:
            message = f"refused: the workbook's XML declares entities or a DTD (a billion-laughs attack?): {cause}"
            raise _fatal(path, message) from None
        raise _fatal(path, f"not a valid .xlsx workbook: {type(error).__name__}: {error}") from None
    return tables, problems


def _refuse_dtd(archive: zipfile.ZipFile, path: Path) -> None:
    """Refuse a workbook any of whose parts declares a DTD, before an XML parser sees it.

    defusedxml would refuse entities too; this check does not depend on which parser openpyxl
    picks for which part (lxml for some, defusedxml for others) and names the part.
    """
    overlap = max(len(m) for m in _DTD_MARKERS) - 1
    for info in archive.infolist():
        if info.is_dir():
            continue
        tail = b""
        try:
            with archive.open(info) as part:
                while chunk := part.read(1024 * 1024):
                    window = tail + chunk
                    if any(marker in window for marker in _DTD_MARKERS):
                        message = (
                            f"refused: part {info.filename!r} declares a DTD or XML entities, which a workbook "
                            "never needs (a billion-laughs attack?)"
                        )
                        raise _fatal(path, message)
                    tail = window[-overlap:]
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as error:
            raise _fatal(path, f"not a valid .xlsx workbook: cannot unpack {info.filename!r}: {error}") from None


def _header_rows(book: Any, path: Path) -> int:
    """How many header rows each sheet has: 1 (plain) or what the workbook declares."""
    defined = book.defined_names.get(HEADER_ROWS_NAME)
    if defined is None:
        return 1
    text = str(defined.attr_text).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_HEADER_ROWS:
        raise _fatal(path, f"the workbook's name {HEADER_ROWS_NAME} must be a number from 1 to {MAX_HEADER_ROWS}")
    return int(text)


def _read_sheet(sheet: Any, problems: list[Problem], header_rows: int = 1) -> RawTable:
    name = sheet.title
    source = f"sheet {name}"
    table = TABLES_BY_NAME.get(name)
    if table is None:
        return RawTable(name, (), (), source)
    # The stored dimension can be wrong (files written by other tools); without it openpyxl
    # reads every row that is really there.
    sheet.reset_dimensions()
    header: tuple[str, ...] = ()
    kinds: list[Kind | None] = []
    rows: list[RawRow] = []
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        if len(cells) > MAX_COLUMNS:
            problems.append(Problem(name, number, None, f"more than {MAX_COLUMNS} columns", source))
            break
        if number == 1:
            header = _header(c.value for c in cells)
            kinds = [table.column(h).kind if h in table.column_names else None for h in header]
            continue
        if number <= header_rows:
            continue  # headings for people; row 1 is the contract
        if number - header_rows > MAX_ROWS:
            problems.append(Problem(name, number, None, f"more than {MAX_ROWS} rows", source))
            break
        values: list[str] = []
        reported: set[int] = set()
        for index, cell in enumerate(cells):
            kind = kinds[index] if index < len(kinds) else None
            column = header[index] if index < len(header) else None
            try:
                values.append(_cell_text(cell, kind))
            except ValueError as error:
                problems.append(Problem(name, number, column or None, str(error), source))
                values.append("")
                reported.add(index)
        rows.append(RawRow(number, tuple(values), frozenset(reported)))
    return RawTable(name, header, tuple(rows), source)


def _cell_text(cell: Any, kind: Kind | None) -> str:
    """A workbook cell as the machine text the CSV format would hold."""
    value = cell.value
    if getattr(cell, "data_type", None) == "f":
        raise ValueError("a formula; enter the value itself")
    if getattr(cell, "data_type", None) == "e":
        raise ValueError(f"an error value {value}")
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if kind in (Kind.YEAR, Kind.INTEGER) and value.is_integer():
            return str(int(value))
        # repr is the shortest text that gives back the same float, so 1136000000.1 stays
        # 1136000000.1; a float that is really 0.30000000000000004 shows its extra decimals
        # and is refused as money rather than silently rounded.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        raise ValueError("a date or time; enter the value as text or a plain number")
    return str(value)
