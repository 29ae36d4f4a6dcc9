"""The validation seam without files, and the cell codec."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fordela.engine.model import CycleData
from fordela.package.codec import CellError, format_cell, format_decimal, parse_cell
from fordela.package.errors import PackageError, Problem
from fordela.package.rows import RawTable
from fordela.package.schema import TABLES_BY_NAME
from fordela.package.validate import build_cycle_data, validate_cycle_data, validate_tables

CYCLE = {
    "code": "form-2026",
    "title": "From a form",
    "target_year": "2026",
    "base_year": "2025",
    "index_rate": "0.03",
}


def test_records_from_a_form() -> None:
    raw = {
        "cycle": RawTable.from_records("cycle", [CYCLE]),
        "organisations": RawTable.from_records(
            "organisations",
            [
                {"code": "adm-a", "name": "A", "kind": "administration"},
                {"code": "adm-b", "name": "", "kind": "agency"},
            ],
        ),
    }
    assert validate_tables(raw) == [
        Problem("organisations", 3, "name", "required, but empty"),
        Problem(
            "organisations",
            3,
            "kind",
            "'agency' is not a valid kind; choose one of: administration, company, board",
        ),
    ]
    with pytest.raises(PackageError):
        build_cycle_data(raw)
    fixed = [{"code": "adm-a", "name": "A", "kind": "board"}]
    raw["organisations"] = RawTable.from_records("organisations", fixed)
    data = build_cycle_data(raw)
    assert data.organisations[0].code == "adm-a"
    assert data.cycle.index_rate == Decimal("0.03")
    assert data.cycle.note == ""


def test_unknown_field_in_a_form() -> None:
    raw = {"cycle": RawTable.from_records("cycle", [{**CYCLE, "colour": "red"}])}
    assert [(p.table, p.row, p.column) for p in validate_tables(raw)] == [("cycle", 1, "colour")]


def test_typed_data_is_checked_by_the_same_rules(mini_data: CycleData) -> None:
    assert validate_cycle_data(mini_data) == []
    first, *rest = mini_data.services
    broken = replace(mini_data, services=(replace(first, supplier="nobody"), *rest))
    found = validate_cycle_data(broken)
    assert [(p.table, p.row, p.column) for p in found] == [("services", 2, "supplier")]


def test_problem_text() -> None:
    assert str(Problem("services", 7, "supplier", "unknown organisation 'x'", "services.csv")) == (
        "services.csv row 7, column supplier: unknown organisation 'x'"
    )
    assert str(Problem("services", 1, "kind", "required column is missing")) == (
        "services row 1, column kind: required column is missing"
    )
    assert str(Problem("", None, None, "no package at /x", "x")) == "x: no package at /x"


MONEY = TABLES_BY_NAME["budget_lines"].column("amount")
SHARE = TABLES_BY_NAME["key_shares"].column("share")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("0.030"), "0.03"),
        (Decimal("1.25E+3"), "1250"),
        (Decimal("12.50"), "12.5"),
        (Decimal("-0"), "0"),
    ],
)
def test_decimal_text(value: Decimal, text: str) -> None:
    assert format_decimal(value) == text


def test_money_text() -> None:
    assert format_cell(MONEY, 113_600_000_000) == "1136000000.00"
    assert format_cell(MONEY, -5) == "-0.05"
    assert parse_cell(MONEY, " 1136000000 ") == 113_600_000_000
    with pytest.raises(CellError, match="not a number"):
        parse_cell(MONEY, "1e3")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1))
def test_money_round_trips(ore: int) -> None:
    assert parse_cell(MONEY, format_cell(MONEY, ore)) == ore


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=Decimal("9999999.99999999"), allow_nan=False, allow_infinity=False, places=8))
def test_decimals_round_trip(value: Decimal) -> None:
    text = format_cell(SHARE, value)
    assert parse_cell(SHARE, text) == value
    assert format_cell(SHARE, parse_cell(SHARE, text)) == text
