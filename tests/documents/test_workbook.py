"""The people-friendly workbook: layout, drop-down lists, and export → edit → import."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from tests.conftest import MINI

from fordela.engine.model import CycleData
from fordela.package.errors import PackageError
from fordela.package.reader import INSTRUCTIONS_SHEET, read_package
from fordela.package.schema import TABLES
from fordela.package.writer import write_package


@pytest.fixture(scope="module")
def demo_book(demo: CycleData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("book") / "demo.xlsx"
    write_package(demo, path)
    return path


@pytest.fixture
def mini_book(mini: CycleData, tmp_path: Path) -> Path:
    path = tmp_path / "mini.xlsx"
    write_package(mini, path)
    return path


def edit(path: Path, *cells: tuple[str, str, object]) -> None:
    book = openpyxl.load_workbook(path)
    for sheet, cell, value in cells:
        book[sheet][cell] = value
    book.save(path)


def test_layout(demo_book: Path) -> None:
    book = openpyxl.load_workbook(demo_book)
    assert book.sheetnames == [INSTRUCTIONS_SHEET] + [t.name for t in TABLES]
    assert book.active.title == INSTRUCTIONS_SHEET
    assert book.defined_names["fordela_header_rows"].attr_text == "2"
    for table in TABLES:
        sheet = book[table.name]
        assert tuple(c.value for c in sheet[1]) == table.column_names
        assert all(c.value for c in sheet[2]), table.name
        assert sheet.freeze_panes == "A3"
    services = book["services"]
    assert [c.value for c in services[2]] == ["Kod", "Namn", "Leverantör", "Kategori", "Beskrivning"]
    assert services.column_dimensions["B"].width > 20
    history = book["service_years"]
    assert history["D2"].value == "Budget/förslag (kr)"
    cost = next(r[3] for r in history.iter_rows(min_row=3) if r[0].value == "extern-service" and r[1].value == 2025)
    assert cost.value == 30_500_000 and cost.number_format == "#,##0.00"


def test_drop_down_lists(demo_book: Path) -> None:
    book = openpyxl.load_workbook(demo_book)
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in book["services"].data_validations.dataValidation}
    assert lists["C3"] == "organisations!$A$3:$A$1048576"  # supplier: codes from the organisations sheet
    assert lists["D3"] == '"base,add_on,infrastructure,opt_in"'  # category
    proposals = {str(v.sqref).split(":")[0]: v.formula1 for v in book["proposals"].data_validations.dataValidation}
    assert proposals["L3"] == '"true,false"'  # already_decided
    assert proposals["I3"] == "keys!$A$3:$A$1048576"  # proposed_key


def test_instructions_explain_every_table(demo_book: Path) -> None:
    sheet = openpyxl.load_workbook(demo_book)[INSTRUCTIONS_SHEET]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "Data börjar på rad 3" in text
    for table in TABLES:
        assert table.name in text
    assert "base (bastjänst)" in text and "Ställningstagande" in text


def test_demo_round_trip(demo: CycleData, demo_book: Path) -> None:
    assert read_package(demo_book) == demo


def test_edit_a_cell_and_import(mini: CycleData, mini_book: Path) -> None:
    edit(mini_book, ("budget_lines", "D3", 30_000_000.5), ("services", "B3", "AI-assistent"))
    again = read_package(mini_book)
    assert again.budget_lines[0].amount == 3_000_000_050
    assert again.services[0].name == "AI-assistent"
    expected = replace(
        mini,
        budget_lines=(replace(mini.budget_lines[0], amount=3_000_000_050),),
        services=(replace(mini.services[0], name="AI-assistent"), *mini.services[1:]),
    )
    assert again == expected


def test_a_broken_workbook_lists_every_problem(mini_book: Path) -> None:
    edit(mini_book, ("services", "D4", "okänd"), ("budget_lines", "D3", "tolv"), ("budget_lines", "B3", "=2025"))
    with pytest.raises(PackageError) as raised:
        read_package(mini_book)
    places = [(p.table, p.row, p.column) for p in raised.value.problems]
    assert places == [("services", 4, "category"), ("budget_lines", 3, "year"), ("budget_lines", 3, "amount")]
    assert str(raised.value.problems[0]).startswith("sheet services row 4, column category:")


def test_the_plain_layout_still_reads(mini: CycleData, tmp_path: Path) -> None:
    """A workbook of one header row and data from row 2 (other tools, older exports)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for csv_file in sorted(MINI.iterdir()):
        sheet = book.create_sheet(csv_file.stem)
        for row in csv.reader(io.StringIO(csv_file.read_text(encoding="utf-8"), newline="")):
            sheet.append(row)
    book.save(tmp_path / "plain.xlsx")
    assert read_package(tmp_path / "plain.xlsx") == mini


def test_empty_rows_and_instructions_are_ignored(mini: CycleData, mini_book: Path) -> None:
    edit(mini_book, (INSTRUCTIONS_SHEET, "A200", "egna anteckningar"))
    book = openpyxl.load_workbook(mini_book)
    book["services"].insert_rows(4)  # a blank line a person left between rows
    book.save(mini_book)
    assert read_package(mini_book) == mini
