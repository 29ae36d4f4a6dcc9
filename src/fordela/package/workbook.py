"""The cycle package as an Excel workbook that people can work in, and import again.

Layout (the reader in `fordela.package.reader` knows it by the workbook-level defined name
``fordela_header_rows`` = 2):

- one sheet per table, named as the table; row 1 holds the machine column names (the contract,
  shown small and grey: do not edit), row 2 the Swedish headings, data from row 3 — so a problem
  in the first data row is reported as row 3, where a person finds it;
- drop-down lists: enumerations as fixed lists, references as the code column of the sheet they
  point to (so a row added there shows up in the list at once), booleans as true/false;
- money as numbers in kr with the number format ``#,##0.00`` (shown ``1 136 000 000,00`` in a
  Swedish Excel); text that looks like a formula stays text;
- the two header rows frozen, an autofilter on the headings, column widths from the content;
- a first sheet ``Instruktioner`` (Swedish) explaining the layout, the rules and every column;
  the reader skips it.

Cell values are exactly those of the plain workbook (`xlsx_value`), so
export → import gives back the same cycle.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from fordela.engine import model as m
from fordela.engine.money import to_sek
from fordela.package.codec import format_cell, rows_of
from fordela.package.document_info import document_info, xlsx_properties
from fordela.package.labels import column_heading, column_text, table_text
from fordela.package.reader import HEADER_ROWS_NAME, INSTRUCTIONS_SHEET
from fordela.package.schema import TABLES, TABLES_BY_NAME
from fordela.package.schema_types import Column, Kind, Table

HEADER_ROWS = 2
FIRST_DATA_ROW = HEADER_ROWS + 1
LAST_ROW = 1_048_576  # Excel's last row: validations cover every row a person may add
MAX_INLINE_LIST = 255  # Excel refuses a literal list longer than this
MIN_WIDTH, MAX_WIDTH = 8, 60
MONEY_FORMAT = "#,##0.00"
WIDTH_SAMPLE = 500  # rows looked at to size a column


def _exact_float(value: Decimal) -> float | None:
    """`value` as a float when the workbook reads back as exactly `value`, else None."""
    as_float = float(value)
    # openpyxl stores a float as "%.16g"; the reader takes repr() of the float it reads.
    stored = "%.16g" % as_float  # noqa: UP031 - mirrors openpyxl's own formatting
    return as_float if Decimal(repr(float(stored))) == value else None


def xlsx_value(column: Column, value: Any) -> str | int | float | None:
    """The workbook cell of a typed value: numbers as numbers, everything else as text.

    A decimal that a float cannot hold exactly (a share such as 0.333…3) is written as text
    so the workbook round trip stays exact; the reader accepts both.
    """
    if value is None:
        return None
    kind = column.kind
    if kind in (Kind.YEAR, Kind.INTEGER):
        return int(value)
    if kind in (Kind.MONEY, Kind.DECIMAL):
        decimal = to_sek(value) if kind is Kind.MONEY else value
        if decimal == decimal.to_integral_value() and abs(decimal) < 2**53:
            return int(decimal)
        exact = _exact_float(decimal)
        return exact if exact is not None else format_cell(column, value)
    text = format_cell(column, value)
    return text or None


def write_workbook(data: m.CycleData, path: Path) -> None:
    """Write `data` to `path` as the people-friendly workbook (see the module docstring)."""
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName

    book = openpyxl.Workbook()
    instructions = book.active
    instructions.title = INSTRUCTIONS_SHEET
    _write_instructions(instructions, data)
    for table in TABLES:
        _write_table(book.create_sheet(table.name), table, data)
    book.defined_names[HEADER_ROWS_NAME] = DefinedName(HEADER_ROWS_NAME, attr_text=str(HEADER_ROWS))
    book.active = 0
    # Title, author (the publisher), date, Swedish and A4: what every document of fordela records.
    xlsx_properties(book, document_info(data, data.cycle.title))
    book.save(path)


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Font, PatternFill

    return {
        "code_font": Font(size=8, italic=True, color="808080"),
        "code_fill": PatternFill("solid", fgColor="F2F2F2"),
        "heading_font": Font(bold=True),
        "heading_fill": PatternFill("solid", fgColor="DDEBF7"),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "title_font": Font(bold=True, size=14),
        "bold": Font(bold=True),
    }


def _write_table(sheet: Any, table: Table, data: m.CycleData) -> None:
    from openpyxl.utils import get_column_letter

    styles = _styles()
    rows = rows_of(data, table)
    widths = []
    for index, column in enumerate(table.columns, start=1):
        code = sheet.cell(row=1, column=index, value=column.name)
        code.font, code.fill = styles["code_font"], styles["code_fill"]
        heading = sheet.cell(row=2, column=index, value=column_heading(table, column))
        heading.font, heading.fill, heading.alignment = styles["heading_font"], styles["heading_fill"], styles["wrap"]
        widths.append(max(len(column.name), len(heading.value)))
    for row_index, row in enumerate(rows, start=FIRST_DATA_ROW):
        for index, column in enumerate(table.columns, start=1):
            value = xlsx_value(column, getattr(row, column.name))
            if value is None:
                continue
            cell = sheet.cell(row=row_index, column=index)
            cell.value = value
            if isinstance(value, str):
                # Text such as "=SUM(A1)" must stay text, never become a formula.
                cell.data_type = "s"
            elif column.kind is Kind.MONEY:
                cell.number_format = MONEY_FORMAT
            if row_index - FIRST_DATA_ROW < WIDTH_SAMPLE:
                shown = (
                    len(f"{value:,.2f}")
                    if column.kind is Kind.MONEY and not isinstance(value, str)
                    else len(str(value))
                )
                widths[index - 1] = max(widths[index - 1], shown)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
    sheet.row_dimensions[1].height = 12
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=1).coordinate
    last = get_column_letter(len(table.columns))
    sheet.auto_filter.ref = f"A{HEADER_ROWS}:{last}{max(HEADER_ROWS, HEADER_ROWS + len(rows))}"
    for index, column in enumerate(table.columns, start=1):
        validation = _validation(column)
        if validation is not None:
            letter = get_column_letter(index)
            validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_ROW}")
            sheet.add_data_validation(validation)


def _validation(column: Column) -> Any:
    """A drop-down list for `column`, or None where the column takes free values."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    if column.choices:
        formula = '"' + ",".join(e.value for e in column.choices) + '"'
        if len(formula) > MAX_INLINE_LIST:
            return None
    elif column.kind is Kind.BOOL:
        formula = '"true,false"'
    elif column.ref and column.ref in TABLES_BY_NAME and "code" in TABLES_BY_NAME[column.ref].column_names:
        target = TABLES_BY_NAME[column.ref]
        letter = get_column_letter(target.column_names.index("code") + 1)
        formula = f"{target.name}!${letter}${FIRST_DATA_ROW}:${letter}${LAST_ROW}"
    else:
        return None
    return DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Ogiltigt värde",
        error="Välj ett värde ur listan." if not column.ref else f"Välj en kod från bladet {column.ref}.",
    )


GENERAL_INSTRUCTIONS = (
    "Arbetsboken är cykelns paket: ett blad per tabell. Ändra värden, lägg till eller ta bort rader "
    "och läs in boken igen i webben: Tjänster → Ändra katalog och drivare → Ladda upp arbetsbok eller paket "
    "(adressen {upload}). Där ser du skillnaderna per tabell och effekten på varje organisations kostnad "
    "innan något ändras; bara de rader som skiljer sig ändras, och förslag, granskningar, scenarier, samråd "
    "och historik finns kvar. Från kommandoraden: fordela import ARBETSBOK.xlsx --merge (--dry-run visar "
    "skillnaderna utan att ändra).",
    "Rad 1 på varje blad är kolumnernas maskinnamn som fordela läser: ändra, flytta eller ta inte bort dem. "
    "Rad 2 är rubriker på svenska. Data börjar på rad 3.",
    "Belopp anges i kronor med högst två decimaler. Koder skrivs med små bokstäver a–z, siffror, - och _ "
    "(inga å, ä, ö eller mellanslag). En tom cell betyder inget värde.",
    "Celler med en listpil tar värden ur listan: tillåtna värden, eller koder från bladet de pekar på.",
    "Formler läses inte: skriv in värdet självt. Datum läses inte heller: skriv år som heltal, t.ex. 2026.",
    "Bladen kan inte döpas om, och blad med andra namn än tabellerna läses inte (utom detta blad).",
    "En arbetsbok med fel läses inte in alls: alla fel listas på en gång med blad, rad och kolumn.",
)


def _write_instructions(sheet: Any, data: m.CycleData) -> None:
    styles = _styles()
    sheet["A1"] = f"Arbetsbok för {data.cycle.title} ({data.cycle.code})"
    sheet["A1"].font = styles["title_font"]
    row = 3
    for text in GENERAL_INSTRUCTIONS:
        # The web's upload page of this cycle (fordela.web.routes.catalogue), as a path: the
        # workbook does not know the server's address.
        sheet.cell(row=row, column=1, value=text.replace("{upload}", f"/c/{data.cycle.code}/katalog/ladda-upp/"))
        row += 1
    row += 1
    headings = ("Blad", "Kolumn (rad 1)", "Rubrik (rad 2)", "Obligatorisk", "Värden")
    for index, text in enumerate(headings, start=1):
        cell = sheet.cell(row=row, column=index, value=text)
        cell.font, cell.fill = styles["heading_font"], styles["heading_fill"]
    row += 1
    for table in TABLES:
        sheet.cell(row=row, column=1, value=table.name).font = styles["bold"]
        sheet.cell(row=row, column=2, value=table_text(table))
        row += 1
        for column in table.columns:
            sheet.cell(row=row, column=2, value=column.name)
            sheet.cell(row=row, column=3, value=column_heading(table, column))
            sheet.cell(row=row, column=4, value="ja" if column.required else "nej")
            sheet.cell(row=row, column=5, value=column_text(column))
            row += 1
        row += 1
    for letter, width in zip("ABCDE", (22, 30, 40, 13, 90), strict=True):
        sheet.column_dimensions[letter].width = width
