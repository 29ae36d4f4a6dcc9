"""The one place that formats money (text people type is read by ``fordela.engine.parse``).

Inside fordela money is ``int`` öre. At the edges it is ``Decimal`` SEK (machine formats, with
a dot and two decimals) or Swedish display text as the seed documents write it: ``1 091,6``
mkr, ``38 350`` tkr, ``86 900 000`` kr, with a non-breaking space between thousands, a decimal
comma and a real minus sign; in English ``1,091.6`` (the active `NumberStyle`, which the web sets
from the page's language through `use_number_style`). Display figures are rounded half-up from the exact amount, never
from an already-rounded one (64 850 tkr → ``64,9``; banker's rounding would print 64,8).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from fractions import Fraction

ORE_PER_SEK = 100
NBSP = "\u00a0"
MINUS = "\u2212"


class MoneyError(ValueError):
    """A text or number that is not an amount of money in SEK with at most two decimals."""


class Unit(Enum):
    """Display units: the number of öre in one unit and the decimals the seeds show."""

    KR = (100, 0, "kr")
    TKR = (100_000, 0, "tkr")
    MKR = (100_000_000, 1, "mkr")

    def __init__(self, ore: int, decimals: int, label: str) -> None:
        self.ore = ore
        self.decimals = decimals
        self.label = label


@dataclass(frozen=True, slots=True)
class NumberStyle:
    """How a language writes a number: decimal mark, thousands separator, space before ``%``."""

    decimal: str
    thousands: str
    percent_space: str
    language: str


SWEDISH = NumberStyle(decimal=",", thousands=NBSP, percent_space=NBSP, language="sv")
ENGLISH = NumberStyle(decimal=".", thousands=",", percent_space="", language="en")
_style_source: Callable[[], NumberStyle] = lambda: SWEDISH  # noqa: E731 - replaced by use_number_style


def use_number_style(source: Callable[[], NumberStyle]) -> None:
    """Install the function that says which style is active (the web: the request's language).
    The engine knows no request; without a source every figure is Swedish."""
    global _style_source
    _style_source = source


def number_style() -> NumberStyle:
    return _style_source()


def to_ore(sek: Decimal | int | str) -> int:
    """SEK (Decimal, int or machine text such as ``"1136000000.00"``) → int öre.

    Raises MoneyError for anything that is not a finite number with at most two decimals.
    """
    try:
        value = sek if isinstance(sek, Decimal) else Decimal(str(sek).strip())
    except InvalidOperation:
        raise MoneyError(f"not a number: {sek!r}") from None
    if not value.is_finite():
        raise MoneyError(f"not a number: {sek!r}")
    # Refused before any arithmetic: 1e999999999 overflows the decimal context, and 1e200000
    # costs seconds of CPU to turn into an int. 10**17 SEK is beyond any int64 öre column.
    if value and value.adjusted() >= 17:
        raise MoneyError(f"too large: {sek!r}")
    ore = value * ORE_PER_SEK
    if ore != ore.to_integral_value():
        raise MoneyError(f"more than two decimals: {sek!r}")
    return int(ore)


def to_sek(ore: int) -> Decimal:
    """int öre → Decimal SEK with exactly two decimals."""
    return Decimal(ore).scaleb(-2).quantize(Decimal("0.01"))


def machine(ore: int) -> str:
    """int öre → machine text with a dot and two decimals, e.g. ``-66100000.00``."""
    if not isinstance(ore, int):
        return f"{to_sek(ore):.2f}"
    # Integer arithmetic, not Decimal: this runs once per cell of every export.
    whole, cents = divmod(abs(ore), ORE_PER_SEK)
    return f"{'-' if ore < 0 else ''}{whole}.{cents:02d}"


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator (denominator > 0) rounded half away from zero, in integers."""
    whole, rest = divmod(abs(numerator), denominator)
    if 2 * rest >= denominator:
        whole += 1
    return -whole if numerator < 0 else whole


def round_half_up(value: Fraction, decimals: int = 0) -> Fraction:
    """Round an exact fraction half away from zero to `decimals` decimals."""
    scale = 10**decimals
    return Fraction(_half_up(value.numerator * scale, value.denominator), scale)


def round_half_up_ratio(numerator: int, denominator: int) -> int:
    """The integer nearest numerator / denominator, halves away from zero (no Fraction made)."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    return _half_up(numerator, denominator)


def _group(digits: str, separator: str) -> str:
    parts = []
    while len(digits) > 3:
        parts.append(digits[-3:])
        digits = digits[:-3]
    parts.append(digits)
    return separator.join(reversed(parts))


def swedish_number(value: Fraction | int | Decimal, decimals: int = 0) -> str:
    """An exact number as Swedish text whatever the page's language (what a Swedish form field shows)."""
    exact = value if isinstance(value, Fraction) else Fraction(value)
    return _format(exact.numerator, exact.denominator, decimals, SWEDISH)


def number(value: Fraction | int | Decimal, decimals: int = 0) -> str:
    """An exact number as text in the active style: grouped thousands, decimal mark, minus sign."""
    exact = value if isinstance(value, Fraction) else Fraction(value)
    return _format(exact.numerator, exact.denominator, decimals, _style_source())


def _format(numerator: int, denominator: int, decimals: int, style: NumberStyle) -> str:
    # Integers only (no Fraction per cell): pages and exports format many thousands of amounts.
    rounded = _half_up(numerator * 10**decimals, denominator)
    digits = str(abs(rounded)).rjust(decimals + 1, "0")
    whole, frac = (digits[:-decimals], digits[-decimals:]) if decimals else (digits, "")
    text = (_group(whole, style.thousands) if len(whole) > 3 else whole) + (style.decimal + frac if frac else "")
    return (MINUS + text) if rounded < 0 else text


def display(ore: int, unit: Unit = Unit.MKR, *, decimals: int | None = None, label: bool = False) -> str:
    """int öre → display text in `unit` in the active style (``1 091,6``; with label ``1 091,6 mkr``;
    English ``1,091.6``)."""
    places = unit.decimals if decimals is None else decimals
    text = _format(ore, unit.ore, places, _style_source())
    return f"{text}{NBSP}{unit.label}" if label else text


def percent(part: int, whole: int, decimals: int = 1) -> str:
    """The exact ratio part/whole as a percentage in the active style, e.g. ``4,2 %`` (English
    ``4.2%``); ``–`` when whole is 0."""
    if whole == 0:
        return "–"
    style = _style_source()
    return f"{_format(part * 100, whole, decimals, style)}{style.percent_space}%"
