"""The one parser per kind of input: amounts, years, rates, quantities and shares.

Every form, the package reader (CSV and workbook) and the CLI read numbers through these
functions, so that a number is either understood exactly or refused with a reason. Two
spellings exist:

* **Swedish**, as people type it in forms and on the command line: ``1 250 000``,
  ``1 250 000,50``, ``-9 000 000`` or ``−9 000 000`` (U+2212), thousands separated by a
  space, a non-breaking space or a thin space, in groups of three, and a decimal comma.
* **machine**, as the package files write it: ``1250000.50``, a dot and no separators.

Anything ambiguous or foreign is refused rather than guessed: a dot in Swedish text
(``1.500`` is one and a half in English and fifteen hundred in Swedish), a comma in machine
text, ``1,500,00``, exponents (``1e9``), digits of other scripts (Arabic-Indic, full-width),
more decimals than the kind keeps, values outside the kind's range, control characters.
Every check runs on a bounded text (``MAX_INPUT_LENGTH``) with linear regular expressions
and integer arithmetic on at most a few dozen digits, so no input can cost unbounded time.

A refusal is an :class:`InputError` with a ``code`` (``"dot"``, ``"decimals"``, …) and its
parameters: the web layer turns the code into a Swedish message next to the field, the
package and the CLI use the English text. Nothing else is ever raised.

The ranges are chosen so that every accepted value is stored exactly by both databases and
never overflows the engine's int64 arithmetic:

* amounts: at most 999 999 999 999,99 kr in magnitude (< 10¹⁴ öre). The database keeps öre in
  a BigIntegerField (up to 9,2·10¹⁸), so more than 90 000 maximal amounts still add up
  without overflow.
* decimals (shares, quantities, driver values): at most 8 decimals and below 10 000 000, i.e.
  15 significant digits: SQLite keeps decimals as REAL, exact to 15 significant digits, and
  the engine scales weights to int64 (< 10¹⁵ ≪ 9,2·10¹⁸).
* rates (index, VAT): a fraction between 0 and 1 with at most 6 decimals.
* years: four digits, 1000–9999.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

ORE_PER_SEK: Final = 100
MINUS: Final = "\u2212"
# Spaces people (and spreadsheets) put between thousands: space, no-break, thin, narrow no-break.
_GROUP_SPACES: Final = " \u00a0\u2009\u202f"
# Far longer than any valid number (an amount of 999 999 999 999,99 with signs and spaces is
# 20 characters); longer text is refused before any other work.
MAX_INPUT_LENGTH: Final = 64


@dataclass(frozen=True)
class NumberFormat:
    """What one kind of number may hold: decimals and an inclusive range (in its own unit)."""

    name: str
    places: int
    minimum: Decimal
    maximum: Decimal
    example: str = ""  # how to write one in machine form, for messages about whole numbers

    @property
    def max_digits(self) -> int:
        """Digits a database column needs to hold every value: integer digits + decimals."""
        whole = int(self.maximum.max(abs(self.minimum)))
        return max(len(str(whole)), 1) + self.places


# Money in SEK (kronor); returned as int öre.
AMOUNT: Final = NumberFormat("amount", 2, Decimal("-999999999999.99"), Decimal("999999999999.99"))
# Shares of a fixed key, subscription quantities and driver values.
DECIMAL: Final = NumberFormat("decimal", 8, Decimal(0), Decimal("9999999.99999999"))
# A rate as a fraction: the price index (0.03) or a VAT rate (0.25).
RATE: Final = NumberFormat("rate", 6, Decimal(0), Decimal(1))
YEAR: Final = NumberFormat("year", 0, Decimal(1000), Decimal(9999), "2026")
# Small counts such as a review stage's position.
COUNT: Final = NumberFormat("count", 0, Decimal(0), Decimal(999999), "3")


class InputError(ValueError):
    """A text that is not a number of the asked kind. ``code`` says why, ``params`` the details.

    Codes: ``empty``, ``too_long``, ``control``, ``foreign_digits``, ``exponent``, ``dot``
    (a dot in Swedish text), ``comma`` (a comma in machine text), ``invalid`` (not a number as
    written), ``decimals`` (more than ``places``), ``whole`` (decimals where only whole numbers
    go), ``negative`` (below zero where that is the minimum), ``range`` (outside
    ``minimum``–``maximum``).
    """

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


_SWEDISH_RE: Final = re.compile(rf"([+\-{MINUS}]?)([0-9]{{1,3}}(?:[{_GROUP_SPACES}][0-9]{{3}})+|[0-9]+)(?:,([0-9]+))?")
_MACHINE_RE: Final = re.compile(r"([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# Control, format (RTL override, zero-width space), separator and surrogate characters.
_CONTROL_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_SWEDISH_HINT: Final = "write it like 1 250 000 or 1 250 000,50"
_MACHINE_HINT: Final = "write it with a dot and no separators, like 1250000.50"


_WORDS: Final = {1: "one", 2: "two", 4: "four", 6: "six", 8: "eight"}


def _hint(machine: bool, fmt: NumberFormat) -> str:
    if fmt.places == 0:
        return f"write digits 0–9 only, like {fmt.example or 3}"
    return _MACHINE_HINT if machine else _SWEDISH_HINT


def _screen(text: str, machine: bool, fmt: NumberFormat) -> str:
    """Refuse what no number may contain; the stripped text otherwise."""
    if not isinstance(text, str):
        raise InputError("invalid", f"not a text: {type(text).__name__}")
    if len(text) > MAX_INPUT_LENGTH:
        raise InputError("too_long", f"longer than {MAX_INPUT_LENGTH} characters", limit=MAX_INPUT_LENGTH)
    stripped = text.strip(" \t\n\r\u00a0\u2009\u202f")
    if not stripped:
        raise InputError("empty", "empty")
    for char in stripped:
        if unicodedata.category(char) in _CONTROL_CATEGORIES:
            raise InputError("control", f"contains a control character (U+{ord(char):04X})")
        if char.isdigit() and not "0" <= char <= "9":
            raise InputError("foreign_digits", f"contains a digit other than 0–9: {char!r}; {_hint(machine, fmt)}")
    if "e" in stripped.lower():
        message = f"not a number: {stripped!r}: exponents such as 1e9 are not accepted; {_hint(machine, fmt)}"
        raise InputError("exponent", message)
    if fmt.places == 0 and ("." in stripped or "," in stripped):
        # 2026.0 is not how anyone writes a year: a separator here is a mistake somewhere.
        raise InputError("whole", f"not a whole number: {stripped!r}")
    if not machine and "." in stripped:
        raise InputError(
            "dot",
            f"a dot is ambiguous in {stripped!r}: use a space between thousands and a comma "
            f"before the decimals, like 1 250 000 or 1 250 000,50",
        )
    if machine and "," in stripped:
        raise InputError("comma", f"not a number: {stripped!r} (use a dot as decimal separator)")
    return stripped


def _split(text: str, machine: bool, fmt: NumberFormat) -> tuple[bool, str, str]:
    """(negative, whole digits, decimal digits) of a screened text."""
    found = (_MACHINE_RE if machine else _SWEDISH_RE).fullmatch(text)
    if found is None:
        what = "a whole number" if fmt.places == 0 else "a number"
        raise InputError("invalid", f"not {what}: {text!r}; {_hint(machine, fmt)}")
    sign, whole = found.group(1), found.group(2)
    if machine:
        whole, _dot, fraction = whole.partition(".")
    else:
        fraction = found.group(3) or ""
    for space in _GROUP_SPACES:
        whole = whole.replace(space, "")
    return sign in ("-", MINUS), whole or "0", fraction


def parse_decimal(text: str, fmt: NumberFormat, *, machine: bool = False) -> Decimal:
    """Text → an exact Decimal of `fmt` (at most ``fmt.places`` decimals, within its range).

    Swedish spelling unless `machine`. Raises :class:`InputError` and nothing else.
    """
    stripped = _screen(text, machine, fmt)
    negative, whole, fraction = _split(stripped, machine, fmt)
    fraction = fraction.rstrip("0")
    if len(fraction) > fmt.places:
        places = _WORDS.get(fmt.places, str(fmt.places))
        raise InputError("decimals", f"more than {places} decimals: {stripped!r}", places=fmt.places)
    # At most MAX_INPUT_LENGTH digits: exact and cheap.
    value = Decimal(f"{'-' if negative else ''}{whole}{'.' + fraction if fraction else ''}")
    if value < 0 <= fmt.minimum:
        raise InputError("negative", f"must not be negative: {stripped!r}")
    if not fmt.minimum <= value <= fmt.maximum:
        raise InputError(
            "range",
            f"{stripped!r} is outside {_plain(fmt.minimum)}–{_plain(fmt.maximum)}",
            minimum=fmt.minimum,
            maximum=fmt.maximum,
        )
    return value if value else Decimal(0)


def _plain(value: Decimal) -> str:
    return format(value, "f")


def parse_amount(text: str, *, machine: bool = False, fmt: NumberFormat = AMOUNT) -> int:
    """An amount in kronor → int öre: ``"1 250 000,50"`` → 125000050; ``"−9 000 000"`` → -900000000.

    Swedish spelling unless `machine` (``"1250000.50"``, the package's files).
    Raises :class:`InputError`.
    """
    return int(parse_decimal(text, fmt, machine=machine) * ORE_PER_SEK)


def parse_year(text: str, *, fmt: NumberFormat = YEAR) -> int:
    """A year of four digits, ``"2026"`` → 2026. Raises :class:`InputError`."""
    return int(parse_decimal(text, fmt, machine=True))


def parse_count(text: str, *, fmt: NumberFormat = COUNT) -> int:
    """A small whole number such as a position, ``"3"`` → 3. Raises :class:`InputError`."""
    return int(parse_decimal(text, fmt, machine=True))


def parse_quantity(text: str, *, machine: bool = False, fmt: NumberFormat = DECIMAL) -> Decimal:
    """A quantity or driver value (``"1 250,5"``; machine ``"1250.5"``). Raises :class:`InputError`."""
    return parse_decimal(text, fmt, machine=machine)


def parse_share(text: str, *, machine: bool = False, fmt: NumberFormat = DECIMAL) -> Decimal:
    """A share of a fixed key (``"0,25"``; machine ``"0.25"``). Raises :class:`InputError`."""
    return parse_decimal(text, fmt, machine=machine)


def parse_percent(text: str, *, fmt: NumberFormat = RATE) -> Decimal:
    """A percentage as people type it → the fraction: ``"3,5"`` or ``"3,5 %"`` → Decimal("0.035").

    The result has at most ``fmt.places`` decimals (``"3,1234"`` % is refused: 0.031234 has 6,
    ``"3,12345"`` % would need 7). Raises :class:`InputError`.
    """
    stripped = text.strip() if isinstance(text, str) else text
    if isinstance(stripped, str) and stripped.endswith("%"):
        stripped = stripped[:-1]
    percent_format = NumberFormat("percent", max(fmt.places - 2, 0), fmt.minimum * 100, fmt.maximum * 100)
    return (parse_decimal(stripped, percent_format) / 100).normalize()


def parse_rate(text: str, *, machine: bool = True, fmt: NumberFormat = RATE) -> Decimal:
    """A rate as a fraction, the package's spelling: ``"0.03"``. Raises :class:`InputError`."""
    return parse_decimal(text, fmt, machine=machine)


def format_amount(ore: int) -> str:
    """int öre → the Swedish text :func:`parse_amount` reads back: ``1 250 000`` or ``1 250 000,50``."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), ORE_PER_SEK)
    digits = str(kronor)
    groups = []
    while len(digits) > 3:
        groups.append(digits[-3:])
        digits = digits[:-3]
    groups.append(digits)
    text = "\u00a0".join(reversed(groups))
    return f"{sign}{text},{rest:02d}" if rest else f"{sign}{text}"


def year(text: str) -> int:
    """:func:`parse_year` for ``argparse``'s ``type=``: its name makes the message read
    ``argument --year: invalid year value: '2026.0'``."""
    return parse_year(text)
