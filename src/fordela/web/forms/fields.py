"""Form fields for numbers, one per kind of input, all reading through ``fordela.engine.parse``.

A field hands the typed text to the one parser of its kind and turns a refusal
(:class:`~fordela.engine.parsing.InputError`) into a Swedish message next to the field that says
how to type the number. The parsers never raise anything else, so no input reaches a 500.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fordela.engine import parse as parsing
from fordela.engine.money import swedish_number


def _messages(example: str) -> dict[str, str]:
    """The Swedish message for each refusal code of the parsers, with an example of the kind."""
    values = {"example": example}
    return {
        "too_long": gettext("Too long for a number: type at most %(limit)s characters.")
        % {"limit": parsing.MAX_INPUT_LENGTH},
        "control": gettext("Contains an invisible control character: type the number again, e.g. %(example)s.")
        % values,
        "foreign_digits": gettext("Use the digits 0–9, e.g. %(example)s.") % values,
        "exponent": gettext("Write the number out without an exponent (e), e.g. %(example)s.") % values,
        "dot": gettext(
            "A dot is ambiguous: put a space between thousands and a comma before the decimals, e.g. %(example)s."
        )
        % values,
        "whole": gettext("Enter a whole number without decimals, e.g. %(example)s.") % values,
        "negative": gettext("Must not be negative.") % values,
    }


def _show(value: Decimal) -> str:
    """A bound in Swedish, with just the decimals it has: ``999 999 999 999,99``, ``1 000``."""
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return swedish_number(value, places)


class NumberField(forms.CharField):
    """A number typed the Swedish way, parsed by one function of ``fordela.engine.parse``.

    Subclasses set ``fmt`` (decimals and range), ``example`` and the ``invalid`` message, and
    implement :meth:`parse`.
    """

    fmt: parsing.NumberFormat = parsing.DECIMAL
    example: Any = "1 250"
    default_error_messages: dict[str, Any] = {"invalid": _("Enter a number, e.g. 1 250 or 1 250,5.")}
    # Shown scaled for the range message: 1 for plain numbers, 100 for percentages.
    display_scale = 1

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def message(self, error: parsing.InputError) -> str:
        example = str(self.example)
        if error.code == "decimals":
            return gettext("At most %(places)s decimals, e.g. %(example)s.") % {
                "places": error.params.get("places", self.fmt.places),
                "example": example,
            }
        if error.code == "range":
            low, high = (_show(v * self.display_scale) for v in (self.fmt.minimum, self.fmt.maximum))
            return gettext("Must be between %(minimum)s and %(maximum)s.") % {"minimum": low, "maximum": high}
        known = _messages(example)
        return known.get(error.code) or str(self.error_messages["invalid"])

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return self.parse(text)
        except parsing.InputError as error:
            raise forms.ValidationError(self.message(error), code=error.code) from None

    def validate(self, value: Any) -> None:
        # CharField's validation checks text; the value here is already a parsed number.
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class MoneyField(NumberField):
    """An amount in kr typed the Swedish way (``1 091 600,50``, ``-9 000 000``) → int öre."""

    fmt = parsing.AMOUNT
    example = "1 250 000,50"
    default_error_messages = {"invalid": _("Enter an amount in kronor, e.g. 1 250 000 or 1 250 000,50.")}

    def __init__(self, *, non_negative: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.non_negative = non_negative
        self.widget.attrs["class"] = "money"

    def parse(self, text: str) -> int:
        ore = parsing.parse_amount(text)
        if self.non_negative and ore < 0:
            raise parsing.InputError("negative", "must not be negative")
        return ore

    def message(self, error: parsing.InputError) -> str:
        if error.code == "decimals":
            return gettext("At most two decimals (öre), e.g. 1 250 000,50.")
        return super().message(error)


class YearField(NumberField):
    """A year of four digits → int."""

    fmt = parsing.YEAR
    example = "2026"
    default_error_messages = {"invalid": _("Enter a year with four digits, e.g. 2026.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs["inputmode"] = "numeric"

    def parse(self, text: str) -> int:
        return parsing.parse_year(text)


class PercentField(NumberField):
    """A percentage such as the index rate (``3`` or ``3,5``) → the fraction as Decimal (0.035)."""

    fmt = parsing.RATE
    example = "3,5"
    display_scale = 100
    default_error_messages = {"invalid": _("Enter a percentage, e.g. 3 or 3,5.")}

    def parse(self, text: str) -> Decimal:
        return parsing.parse_percent(text)


class QuantityField(NumberField):
    """A quantity (a subscription's, a driver's value) → Decimal."""

    example = "1 250,5"

    def parse(self, text: str) -> Decimal:
        return parsing.parse_quantity(text)


class ShareField(NumberField):
    """A share of a fixed key → Decimal."""

    example = "0,25"
    default_error_messages = {"invalid": _("Enter a share, e.g. 0,25 or 1.")}

    def parse(self, text: str) -> Decimal:
        return parsing.parse_share(text)
