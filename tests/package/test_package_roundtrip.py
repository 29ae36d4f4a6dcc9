"""export → import → export gives the same cycle and the same bytes, in every format."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from package_testkit import MINI

from fordela.engine.model import Cycle, CycleData
from fordela.package.reader import read_package
from fordela.package.schema import TABLES
from fordela.package.writer import write_package


def csv_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_fixture_is_in_canonical_form(mini_data: CycleData, tmp_path: Path) -> None:
    write_package(mini_data, tmp_path / "out")
    assert csv_files(tmp_path / "out") == csv_files(MINI)


@pytest.mark.parametrize("suffix", ["", ".zip", ".xlsx"])
def test_round_trip(mini_data: CycleData, tmp_path: Path, suffix: str) -> None:
    first = tmp_path / f"first{suffix}"
    write_package(mini_data, first)
    again = read_package(first)
    assert again == mini_data
    write_package(again, tmp_path / "second")
    assert read_package(tmp_path / "second") == mini_data
    assert csv_files(tmp_path / "second") == csv_files(MINI)


def test_zip_bytes_are_identical(mini_data: CycleData, tmp_path: Path) -> None:
    write_package(mini_data, tmp_path / "a.zip")
    write_package(read_package(tmp_path / "a.zip"), tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def sheet_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    finally:
        book.close()


def test_xlsx_cell_values_are_identical(mini_data: CycleData, tmp_path: Path) -> None:
    write_package(mini_data, tmp_path / "a.xlsx")
    write_package(read_package(tmp_path / "a.xlsx"), tmp_path / "b.xlsx")
    assert sheet_values(tmp_path / "a.xlsx") == sheet_values(tmp_path / "b.xlsx")


def test_xlsx_holds_numbers_as_numbers(mini_data: CycleData, tmp_path: Path) -> None:
    write_package(mini_data, tmp_path / "a.xlsx")
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    lines = book["budget_lines"]
    assert [c.value for c in lines[1]] == ["supplier", "year", "line", "amount", "note"]
    assert lines["B3"].value == 2025
    assert lines["D3"].value == 27_100_000
    assert lines["D3"].number_format == "#,##0.00"
    history = book["service_years"]
    assert history["F4"].value == pytest.approx(395000.5)  # archive 2024 outcome
    assert book["cycle"]["E3"].value == pytest.approx(0.03)
    assert book["organisations"]["A3"].value == "adm-north"


def test_every_table_is_written_even_when_empty(tmp_path: Path) -> None:
    from decimal import Decimal

    data = CycleData(cycle=Cycle("empty", "Empty", 2026, 2025, Decimal("0")))
    write_package(data, tmp_path / "out")
    files = csv_files(tmp_path / "out")
    assert sorted(files) == sorted(f"{t.name}.csv" for t in TABLES)
    assert files["services.csv"] == b"code,name,supplier,category,description\n"
    assert read_package(tmp_path / "out") == data
    write_package(data, tmp_path / "out.xlsx")
    assert read_package(tmp_path / "out.xlsx") == data


def test_text_that_looks_like_a_formula_stays_text(mini_data: CycleData, tmp_path: Path) -> None:
    from dataclasses import replace

    data = replace(mini_data, cycle=replace(mini_data.cycle, title="=1+1", note="00123"))
    write_package(data, tmp_path / "a.xlsx")
    assert read_package(tmp_path / "a.xlsx") == data
    write_package(data, tmp_path / "out")
    assert read_package(tmp_path / "out") == data


def test_xlsx_keeps_the_extreme_values_of_the_contract(mini_data: CycleData, tmp_path: Path) -> None:
    from dataclasses import replace
    from decimal import Decimal

    # 15 significant digits and the largest amount: what the schema lets through (engine.parse).
    shares = (
        replace(mini_data.key_shares[0], share=Decimal("0.33333333")),
        replace(mini_data.key_shares[1], share=Decimal("9999999.99999999")),
    )
    lines = (replace(mini_data.budget_lines[0], amount=-99_999_999_999_999),)
    data = replace(mini_data, key_shares=shares, budget_lines=lines)
    write_package(data, tmp_path / "a.xlsx")
    assert read_package(tmp_path / "a.xlsx") == data
