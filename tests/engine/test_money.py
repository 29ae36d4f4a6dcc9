from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fordela.engine.money import (
    MoneyError,
    Unit,
    display,
    machine,
    percent,
    round_half_up,
    to_ore,
    to_sek,
)


def test_seed_formats():
    assert display(109_160_000_000) == "1\u00a0091,6"
    assert display(3_835_000_000, Unit.TKR) == "38\u00a0350"
    assert display(8_690_000_000, Unit.KR) == "86\u00a0900\u00a0000"
    assert display(4_615_000_000, Unit.MKR, label=True) == "46,2\u00a0mkr"
    assert display(-6_610_000_000) == "\u221266,1"


def test_half_up_from_exact_amount():
    # 64 850 tkr is exactly halfway: half-up gives 64,9 where banker's rounding gives 64,8
    assert display(6_485_000_000) == "64,9"
    assert display(-6_485_000_000) == "\u221264,9"
    assert display(4_999_999) == "0,0"
    assert display(5_000_000) == "0,1"


def test_percent():
    assert percent(445_000_000 * 10, 109_160_000_000) == "4,1\u00a0%"
    assert percent(1, 0) == "–"


def test_to_ore_and_back():
    assert to_ore("1136000000.00") == 113_600_000_000
    assert to_ore(Decimal("-0.01")) == -1
    assert machine(-6_610_000_000) == "-66100000.00"
    assert to_sek(12345) == Decimal("123.45")


@pytest.mark.parametrize("bad", ["1.234", "abc", "NaN", "Infinity", ""])
def test_to_ore_rejects(bad):
    with pytest.raises(MoneyError):
        to_ore(bad)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_machine_round_trip(ore):
    assert to_ore(machine(ore)) == ore


@given(st.fractions(), st.integers(min_value=0, max_value=4))
def test_round_half_up_is_nearest(value, decimals):
    rounded = round_half_up(value, decimals)
    step = Fraction(1, 10**decimals)
    assert abs(rounded - value) <= step / 2
    assert (rounded * 10**decimals).denominator == 1
