"""The one parser per kind of number: what it reads, what it refuses, and that it never crashes."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fordela.engine import parse
from fordela.engine.money import Unit, display, machine
from fordela.engine.parse import InputError, format_amount, parse_amount, parse_decimal, parse_percent, parse_year

MAX_ORE = 99_999_999_999_999


@pytest.mark.parametrize(
    ("text", "ore"),
    [
        ("1 250 000", 125_000_000),
        ("1 250 000,50", 125_000_050),
        ("1 250 000,5", 125_000_050),
        ("-9 000 000", -900_000_000),
        ("\u22129 000 000", -900_000_000),  # a real minus sign, as fordela displays it
        ("1\u00a0250\u00a0000", 125_000_000),  # non-breaking spaces, as copied from a page
        ("1\u2009250\u202f000", 125_000_000),  # thin and narrow no-break spaces
        ("1250000", 125_000_000),
        ("  +7 ", 700),
        ("0,01", 1),
        ("-0", 0),
        ("999 999 999 999,99", MAX_ORE),
        ("-999 999 999 999,99", -MAX_ORE),
    ],
)
def test_reads_swedish_amounts(text: str, ore: int) -> None:
    assert parse_amount(text) == ore


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1.500", "dot"),  # fifteen hundred in Swedish, one and a half in English: refused
        ("1.5", "dot"),
        ("1,500,00", "invalid"),
        ("1 2345", "invalid"),
        ("12 50", "invalid"),
        ("1e9", "exponent"),
        ("1E9", "exponent"),
        ("1e200000", "exponent"),
        ("1e999999999", "exponent"),
        ("\u0661\u0662\u0663", "foreign_digits"),  # Arabic-Indic
        ("\uff11\uff12\uff13", "foreign_digits"),  # full-width
        ("1,234", "decimals"),
        ("1 000 000 000 000", "range"),
        ("-1 000 000 000 000", "range"),
        ("9" * 17, "range"),
        ("9" * 100_000, "too_long"),
        ("1\x00", "control"),
        ("\u202e100", "control"),  # right-to-left override
        ("1\u200b000", "control"),  # zero-width space
        ("", "empty"),
        ("   ", "empty"),
        ("NaN", "invalid"),
        ("Infinity", "invalid"),
        ("0x10", "invalid"),
        ("1_000", "invalid"),
        ("--5", "invalid"),
        ("5-", "invalid"),
        (",5", "invalid"),
        ("kr", "invalid"),
    ],
)
def test_refuses_what_is_ambiguous_or_foreign(text: str, code: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_amount(text)
    assert caught.value.code == code
    assert str(caught.value)


def test_machine_amounts_are_the_package_spelling() -> None:
    assert parse_amount("1136000000.00", machine=True) == 113_600_000_000
    assert parse_amount("-0.05", machine=True) == -5
    for text, code in (("1 000", "invalid"), ("0,5", "comma"), ("1e3", "exponent"), ("0.001", "decimals")):
        with pytest.raises(InputError) as caught:
            parse_amount(text, machine=True)
        assert caught.value.code == code


def test_hostile_input_costs_no_time() -> None:
    start = time.perf_counter()
    for text in ("1e200000", "9" * 100_000, "1 " * 50_000, "\u0661" * 100_000, "1," + "0" * 100_000):
        with pytest.raises(InputError):
            parse_amount(text)
    assert time.perf_counter() - start < 0.5


def test_years() -> None:
    assert parse_year("2026") == 2026
    assert parse_year(" 2026 ") == 2026
    for text, code in (("2026.0", "whole"), ("2026,0", "whole"), ("abc", "invalid"), ("12345", "range")):
        with pytest.raises(InputError) as caught:
            parse_year(text)
        assert caught.value.code == code


def test_percentages_are_fractions() -> None:
    assert parse_percent("3") == Decimal("0.03")
    assert parse_percent("3,5 %") == Decimal("0.035")
    assert parse_percent("100") == 1
    with pytest.raises(InputError) as caught:
        parse_percent("101")
    assert caught.value.code == "range"
    with pytest.raises(InputError) as caught:
        parse_percent("3,12345")  # 0.0312345 would need seven decimals
    assert caught.value.code == "decimals"


def test_shares_and_quantities_keep_eight_decimals() -> None:
    assert parse.parse_share("0,12345678") == Decimal("0.12345678")
    assert parse.parse_quantity("9 999 999,99999999") == Decimal("9999999.99999999")
    with pytest.raises(InputError) as caught:
        parse.parse_share("0.0000000000000000000001", machine=True)  # 22 decimals crashed allocate once
    assert caught.value.code == "decimals"
    with pytest.raises(InputError) as caught:
        parse.parse_quantity("10 000 000")
    assert caught.value.code == "range"
    with pytest.raises(InputError) as caught:
        parse.parse_share("-1")
    assert caught.value.code == "negative"


def test_the_digits_a_database_column_needs() -> None:
    assert parse.DECIMAL.max_digits == 15  # SQLite keeps 15 significant digits exactly
    assert parse.RATE.max_digits == 7
    assert parse.AMOUNT.max_digits == 14


@given(st.integers(min_value=-MAX_ORE, max_value=MAX_ORE))
def test_format_parse_round_trip(ore: int) -> None:
    assert parse_amount(format_amount(ore)) == ore
    assert parse_amount(machine(ore), machine=True) == ore
    # What fordela displays in kr (a real minus, non-breaking spaces) reads back too.
    assert parse_amount(display(ore, Unit.KR, decimals=2)) == ore


@given(st.decimals(min_value=0, max_value=Decimal("9999999.99999999"), places=8, allow_nan=False, allow_infinity=False))
def test_decimal_round_trip(value: Decimal) -> None:
    swedish = format(value, "f").replace(".", ",")
    assert parse_decimal(swedish, parse.DECIMAL) == value
    assert parse_decimal(format(value, "f"), parse.DECIMAL, machine=True) == value


@settings(max_examples=500)
@given(st.text(max_size=80), st.booleans())
def test_any_text_is_a_number_or_a_refusal_with_a_message(text: str, machine: bool) -> None:
    for fmt in (parse.AMOUNT, parse.DECIMAL, parse.RATE, parse.YEAR, parse.COUNT):
        try:
            value = parse_decimal(text, fmt, machine=machine)
        except InputError as error:
            assert error.code and str(error)
        else:
            assert fmt.minimum <= value <= fmt.maximum
            assert -value.as_tuple().exponent <= fmt.places  # type: ignore[operator]


@given(st.from_regex(r"[0-9 ,.\-+e\u2212\u00a0]{0,30}", fullmatch=True))
def test_number_like_text_is_a_number_or_a_refusal(text: str) -> None:
    try:
        parse_amount(text)
    except InputError as error:
        assert error.code and str(error)
