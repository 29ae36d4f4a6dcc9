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

XLSX is streamed into the zip sheet by sheet (bounded memory); every text cell is stored as a
string, never as a formula, and the control characters XML cannot hold are dropped.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import partial
from itertools import chain, count, islice, repeat
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from fordela.engine.records import Memo

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
    length = len(columns[0]) if columns else 0
    blocks = ([c[start : start + _BLOCK] for c in columns] for start in range(0, length, _BLOCK))
    yield from csv_blocks(header, blocks, text=text)


def csv_blocks(
    header: Sequence[str], blocks: Iterable[Sequence[Sequence[Cell]]], *, text: Collection[int] | None = None
) -> Iterator[str]:
    """:func:`csv_lines` of rows given as blocks of equally long columns, the same bytes."""
    yield csv_line([inert(h) for h in header])
    yield from csv_column_blocks(len(header), blocks, text=text)


def column_blocks(rows: Any, size: int = _BLOCK) -> Iterator[Sequence[Sequence[Any]]]:
    """Rows as blocks of equally long columns: those of a table that makes its rows on demand
    (one with `blocks()`: the open distribution, a report's `ColumnRows`) as it makes them, a
    sequence of row tuples `size` rows at a time."""
    blocks = getattr(rows, "blocks", None)
    if callable(blocks):
        yield from blocks()
        return
    for start in range(0, len(rows), size):
        yield list(zip(*rows[start : start + size], strict=True))


def csv_column_blocks(
    width: int, blocks: Iterable[Sequence[Sequence[Cell]]], *, text: Collection[int] | None = None
) -> Iterator[str]:
    """Records (no header) from blocks of `width` equally long columns, one string per block
    (`CsvRecords`)."""
    records = CsvRecords(width, text)
    for columns in blocks:
        if block := records.block(columns):
            yield block


class CsvRecords:
    """Blocks of `width` equally long columns as CSV records, one string per block.

    Each column is formatted as a whole: its distinct strings are guarded and quoted once for all
    blocks (names and codes repeat on every line of a large export), numbers go through str() in
    one map, a `Same` column is formatted once, and the fields of a record are joined once."""

    def __init__(self, width: int, text: Collection[int] | None = None) -> None:
        self.width = width
        self.fields = [Memo(partial(_csv_cell, guarded=text is None or i in text)) for i in range(width)]

    def block(self, columns: Sequence[Sequence[Cell]]) -> str:
        if len(columns) != self.width:
            raise ValueError(f"{len(columns)} columns for a header of {self.width}")
        # str() of a number never holds a comma, a quote, a CR or an LF: nothing to quote.
        fields = [column_fields(column, memo, str) for column, memo in zip(columns, self.fields, strict=True)]
        if self.width == 1:
            # A record of one empty field is written "" so it is not a blank line (as csv_line).
            fields = [['""' if f == "" else f for f in fields[0]]]
        if not fields or not len(fields[0]):
            return ""
        return "\n".join(joined_rows(fields, ",")) + "\n"


def _csv_cell(value: Cell, guarded: bool) -> str:
    return csv_field(_text(value, guarded))


def column_fields(column: Sequence[Any], memo: Memo, numbers: Callable[[Any], str] | None = None) -> Sequence[str]:
    """Every cell of a column through `memo`: a `Same` column once, a column of numbers (and
    None, as "") through `numbers` if given, a column of exactly str, int and None by value
    (their equal values have equal text; not so for True and 1, or Decimal 1.0 and 1), any other
    cell by its own formatting."""
    if isinstance(column, Same):
        return Same(memo.convert(column.value), column.length)
    kinds = set(map(type, column))
    if numbers is not None and kinds <= {int, Decimal, type(None)}:
        # Not through the memo: amounts are mostly distinct, and it lives as long as the writer.
        if type(None) in kinds:
            return ["" if v is None else numbers(v) for v in column]
        return list(map(numbers, column))
    if kinds <= {str, int, type(None)}:
        return list(map(memo.__getitem__, column))
    return list(map(memo.convert, column))


@dataclass(frozen=True, slots=True)
class Same(Sequence):  # type: ignore[type-arg]
    """A column whose every cell is `value`: writers format it once, not once per record (an
    export's lines repeat what they belong to: an object's name, key and total)."""

    value: Any
    length: int

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return Same(self.value, len(range(*index.indices(self.length))))
        if not -self.length <= index < self.length:
            raise IndexError(index)
        return self.value

    def __iter__(self) -> Iterator[Any]:
        return repeat(self.value, self.length)


def joined_rows(fields: Sequence[Sequence[str]], separator: str) -> Iterator[str]:
    """Each record's fields joined by `separator` (columns of equal length, some `Same`).

    Neighbouring `Same` columns are joined once into one, so a record is joined from its varying
    fields and a few constant runs."""
    runs: list[Sequence[str]] = []
    for column in fields:
        if isinstance(column, Same) and runs and isinstance(runs[-1], Same):
            runs[-1] = Same(runs[-1].value + separator + column.value, column.length)
        else:
            runs.append(column)
    if len(runs) == 1:
        return iter(runs[0])  # one column, or every column the same (merged into one)
    # The lists are equally long (the caller's blocks); a `Same` run repeats alongside them.
    varying = (repeat(r.value) if isinstance(r, Same) else r for r in runs)
    return map(separator.join, zip(*varying, strict=False))


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


_NO_ROW = object()
# A worksheet's rows at most (the format's and Excel's limit), the header included.
XLSX_MAX_ROWS = 1_048_576


def write_xlsx(target: Path | IO[bytes], sheets: Iterable[Sheet], *, max_rows: int = XLSX_MAX_ROWS) -> None:
    """Write the sheets as one workbook to a path or a binary file, streamed into the zip.

    Hand-written SpreadsheetML (the parts every reader needs: content types, workbook, styles,
    one worksheet per sheet) rather than openpyxl: its write-only mode spends ~25 µs on each cell,
    minutes for the invoicing base of a large cycle, while here each distinct cell of a column is
    made once and a row is one join. Text is an inline string (never a formula, whatever it says),
    numbers are written exactly as they are given (Decimal without rounding), a number format per
    column, the header bold and frozen. openpyxl reads these files back in the tests.

    A sheet with more rows than a worksheet holds goes on in continuation sheets "Title (2)", …,
    each with the header, so no line of a large export is lost. The workbook's index parts are
    written last, when the number of worksheets is known (a zip's order does not matter)."""
    sheets = list(sheets)
    formats = sorted({f for spec in sheets for f in spec.formats.values()})
    style_of = {f: 2 + i for i, f in enumerate(formats)}  # 0: plain, 1: the bold header
    parts: list[str] = []
    # The fastest deflate level: a large sheet spent more time compressing than being made, and
    # the file is a fifth bigger at most.
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for spec in sheets:
            styles = {i: f' s="{style_of[f]}"' for i, f in spec.formats.items()}
            rows: Iterator[Sequence[Cell]] = iter(spec.rows)
            for continuation in count(1):
                parts.append(spec.title if continuation == 1 else f"{spec.title[:24]} ({continuation})")
                part = Sheet(spec.title, spec.header, islice(rows, max_rows - 1), spec.formats, spec.text)
                _write_worksheet(book, len(parts), part, styles)
                following = next(rows, _NO_ROW)
                if following is _NO_ROW:
                    break
                rows = chain([following], rows)  # type: ignore[list-item]
        titles = _sheet_titles(parts)
        book.writestr("[Content_Types].xml", _content_types(len(titles)))
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", _workbook(titles))
        book.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(titles)))
        book.writestr("xl/styles.xml", _styles(formats))


def _write_worksheet(book: zipfile.ZipFile, number: int, spec: Sheet, styles: Mapping[int, str]) -> None:
    with book.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as raw:
        raw.write(_SHEET_HEAD.encode())
        header = "".join(_inline(xlsx_text(h), ' s="1"') for h in spec.header)
        raw.write(f'<row r="1">{header}</row>'.encode())
        for block in _xlsx_row_blocks(spec, styles):
            raw.write(block.encode("utf-8"))
        raw.write(b"</sheetData></worksheet>")


_CR = {"\r": "&#13;"}
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    "</sheetView></sheetViews><sheetData>"
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
# What Excel does not allow in a sheet title.
_TITLE_ILLEGAL = re.compile(r"[\\/*?:\[\]]")


def _sheet_titles(titles: Sequence[str]) -> list[str]:
    """Valid, distinct sheet titles: at most 31 characters, none of ``\\ / * ? : [ ]``."""
    result: list[str] = []
    for title in titles:
        base = _TITLE_ILLEGAL.sub("", _XML_ILLEGAL.sub("", title))[:31] or "sheet"
        candidate, n = base, 1
        while candidate.casefold() in {t.casefold() for t in result}:
            candidate = f"{base[: 31 - len(str(n))]}{n}"
            n += 1
        result.append(candidate)
    return result


def _content_types(sheets: int) -> str:
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{kind}.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{kind}.styles+xml"/>'
        f"{overrides}</Types>"
    )


def _workbook(titles: Sequence[str]) -> str:
    sheets = "".join(
        f'<sheet name="{escape(t, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
        for n, t in enumerate(titles, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheets>{sheets}</sheets></workbook>'
    )


def _workbook_rels(sheets: int) -> str:
    relations = "".join(
        f'<Relationship Id="rId{n}" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">{relations}'
        f'<Relationship Id="rId{sheets + 1}" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


def _styles(formats: Sequence[str]) -> str:
    custom = "".join(
        f'<numFmt numFmtId="{164 + i}" formatCode="{escape(f, {chr(34): "&quot;"})}"/>' for i, f in enumerate(formats)
    )
    xfs = "".join(
        f'<xf numFmtId="{164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        for i in range(len(formats))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<styleSheet xmlns="{_MAIN}">'
        f'<numFmts count="{len(formats)}">{custom}</numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{2 + len(formats)}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        f"{xfs}</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def _inline(text: str, style: str = "") -> str:
    # A CR is written as a character reference: a reader turns a bare one into a line feed.
    return f'<c t="inlineStr"{style}><is><t xml:space="preserve">{escape(text, _CR)}</t></is></c>'


def _xlsx_cell(value: Cell, guarded: bool, style: str) -> str:
    if value is None:
        return "<c/>"
    if isinstance(value, str):
        return _inline(xlsx_text(value) if guarded else _XML_ILLEGAL.sub("", value), style)
    if isinstance(value, bool):
        return f'<c t="b"{style}><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        return f"<c{style}><v>{value:f}</v></c>"
    number = float(value) if isinstance(value, Fraction) else value
    return f"<c{style}><v>{number!r}</v></c>"


def _xlsx_row_blocks(spec: Sheet, styles: Mapping[int, str]) -> Iterator[str]:
    """The sheet's rows from the second on, a block at a time: each distinct text or int cell of
    a column is made once (names and codes repeat on every line of a large export)."""
    width = len(spec.header)
    number = 2
    rows = iter(spec.rows)
    while block := list(islice(rows, _BLOCK)):
        if any(len(row) != width for row in block):
            raise ValueError(f"a row of sheet {spec.title!r} does not have the header's {width} cells")
        columns = []
        for i, column in enumerate(zip(*block, strict=True)):
            guarded, style = spec.text is None or i in spec.text, styles.get(i, "")
            kinds = set(map(type, column))
            if kinds <= {str, int, type(None)}:
                made = {v: _xlsx_cell(v, guarded, style) for v in set(column)}
                columns.append(list(map(made.__getitem__, column)))
            elif kinds == {Decimal}:
                # Amounts are mostly distinct: each written in place, as `_xlsx_cell` writes it.
                columns.append([f"<c{style}><v>{v:f}</v></c>" for v in column])
            else:
                columns.append([_xlsx_cell(v, guarded, style) for v in column])
        cells = map("".join, zip(*columns, strict=True)) if columns else [""] * len(block)
        yield "".join(map('<row r="{}">{}</row>'.format, range(number, number + len(block)), cells))
        number += len(block)


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    import io

    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    return buffer.getvalue()
