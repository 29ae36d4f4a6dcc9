"""Cells and rows: machine text ⇄ typed values, by column kind from ``schema``.

One place decides how every kind is written and read, so the CSV writer, the workbook
writer and the validator can never disagree about a format.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from fordela.engine import model as m
from fordela.engine.money import machine
from fordela.engine.parse import InputError, parse_amount, parse_decimal
from fordela.package.schema import TABLES
from fordela.package.schema_types import MAX_TEXT_LENGTH, Column, Kind, Table

# What a parsed cell can be; None stands for an empty optional cell.
Value = str | int | Decimal | bool | StrEnum | None

CODE_RE = re.compile(r"[a-z0-9_-]+")
# Control characters that neither a workbook cell nor a careful CSV reader accepts.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_TRUE = {"true", "1", "yes", "ja"}
_FALSE = {"false", "0", "no", "nej"}


class CellError(ValueError):
    """A cell whose text is not a value of its column's kind; the message says why."""


def _quote(text: str) -> str:
    return f"'{text}'"


def _number(column: Column, text: str) -> Decimal:
    """The exact number of a machine-written cell, within the column's format (schema)."""
    assert column.number is not None, f"number column {column.name} has no format"
    try:
        return parse_decimal(text, column.number, machine=True)
    except InputError as error:
        if error.code == "whole":
            raise CellError(f"not a whole number: {_quote(text)}") from None
        raise CellError(str(error)) from None


def parse_cell(column: Column, text: str) -> Value:
    """The typed value of one cell's text, ``None`` when it is empty and optional.

    Raises :class:`CellError` with a message for a person when the text does not fit.
    """
    if _CONTROL_RE.search(text):
        raise CellError("contains a control character")
    limit = column.max_length or MAX_TEXT_LENGTH
    if len(text) > limit:
        raise CellError(f"longer than {limit} characters")
    stripped = text.strip()
    if not stripped:
        if column.required:
            raise CellError("required, but empty")
        return None
    kind = column.kind
    # Free text is kept exactly as written; every other kind ignores surrounding spaces.
    if kind is Kind.TEXT:
        return text
    if kind is Kind.CODE:
        if not CODE_RE.fullmatch(stripped):
            hint = " (codes are lowercase)" if CODE_RE.fullmatch(stripped.lower()) else ""
            raise CellError(f"not a valid code {_quote(stripped)}: use only a-z, 0-9, '_' and '-'{hint}")
        return stripped
    if kind in (Kind.YEAR, Kind.INTEGER):
        number = int(_number(column, stripped))
        if column.non_negative and number < 0:
            raise CellError(f"must not be negative: {number}")
        return number
    if kind is Kind.DECIMAL:
        decimal = _number(column, stripped)
        if column.non_negative and decimal < 0:
            raise CellError(f"must not be negative: {_quote(stripped)}")
        return decimal
    if kind is Kind.MONEY:
        assert column.number is not None
        try:
            ore = parse_amount(stripped, machine=True, fmt=column.number)
        except InputError as error:
            raise CellError(str(error)) from None
        if column.non_negative and ore < 0:
            raise CellError(f"must not be negative: {_quote(stripped)}")
        return ore
    if kind is Kind.BOOL:
        lowered = stripped.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise CellError(f"not true or false: {_quote(stripped)} (use true/false, 1/0, yes/no)")
    if kind is Kind.ENUM:
        assert column.choices is not None, f"enum column {column.name} has no choices"
        try:
            return column.choices(stripped)
        except ValueError:
            choices = ", ".join(c.value for c in column.choices)
            raise CellError(f"{_quote(stripped)} is not a valid {column.name}; choose one of: {choices}") from None
    raise AssertionError(f"unhandled kind {kind}")


def format_decimal(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: ``0.03``, ``1250``, ``12.5``."""
    if value == 0:
        return "0"  # also turns -0 into 0
    return format(value.normalize(), "f")


def format_cell(column: Column, value: Any) -> str:
    """The machine text of a typed value: the inverse of :func:`parse_cell`."""
    if value is None:
        return ""
    kind = column.kind
    if kind is Kind.MONEY:
        return machine(value)
    if kind is Kind.DECIMAL:
        return format_decimal(value)
    if kind is Kind.BOOL:
        return "true" if value else "false"
    if kind in (Kind.YEAR, Kind.INTEGER):
        return str(int(value))
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


def rows_of(data: m.CycleData, table: Table) -> list[Any]:
    """The rows of one table of `data`, sorted by primary key."""
    value = getattr(data, table.name)
    rows = [value] if table.single_row else list(value)
    return sort_rows(table, rows)


def sort_rows(table: Table, rows: Sequence[Any]) -> list[Any]:
    """Rows sorted by their primary key (enum members sort by their text)."""
    # attrgetter builds the key in C; with one key column it is the value rather than a 1-tuple,
    # which orders the same.
    return sorted(rows, key=operator.attrgetter(*table.primary_key))


def text_rows(data: m.CycleData, table: Table) -> list[list[str]]:
    """One table of `data` as machine text: columns in schema order, rows by primary key."""
    columns = table.columns
    return [[format_cell(c, getattr(row, c.name)) for c in columns] for row in rows_of(data, table)]


def text_columns(data: m.CycleData, table: Table) -> list[list[str]]:
    """One table of `data` as machine text by column (rows as in :func:`text_rows`): each
    distinct value of a column is formatted once."""
    rows = rows_of(data, table)
    columns = []
    for column in table.columns:
        texts: dict[Any, str] = {}
        values = list(map(operator.attrgetter(column.name), rows))
        for value in set(values):
            texts[value] = format_cell(column, value)
        columns.append(list(map(texts.__getitem__, values)))
    return columns


def all_text_rows(data: m.CycleData) -> dict[str, list[list[str]]]:
    """Every table of `data` as machine text, in schema order."""
    return {t.name: text_rows(data, t) for t in TABLES}
