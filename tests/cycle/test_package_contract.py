"""One contract between the package schema, validation and the database.

For every table of the package, the longest and most precise valid value of every column is
imported into the database (whichever DATABASE_URL runs the tests: run them on SQLite and on
PostgreSQL) and exported again byte for byte; the first invalid value (one character too long,
one decimal too many, just out of range) is refused by validation with its table, row and column.
"""

from __future__ import annotations

import csv
import filecmp
import io
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import models

from fordela.catalogue.models import Cycle
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import MODELS, cycle_import
from fordela.engine import model as m
from fordela.engine.allocate import allocate
from fordela.engine.amounts import NOT_A_COST_CHANGE
from fordela.engine.parse import NumberFormat
from fordela.package.codec import format_cell, rows_of
from fordela.package.errors import PackageError
from fordela.package.reader import read_package
from fordela.package.schema import TABLES, TABLES_BY_NAME
from fordela.package.schema_types import Column, Kind, Table
from fordela.package.writer import write_package

# Letters of several scripts, a sign and a character outside the BMP: lengths count characters.
PATTERN = "Åäö €ÆØ ñ 🙂 Ж "


def _long_text(length: int) -> str:
    text = (PATTERN * (length // len(PATTERN) + 1))[: length - 1]
    return text + "x"  # no trailing space: it would be kept, but is hard to see in a failure


def _long_code(code: str, length: int) -> str:
    return f"{code}-{'z' * (length - len(code) - 1)}"


def _ulp(fmt: NumberFormat) -> Decimal:
    return Decimal(1).scaleb(-fmt.places)


def _most_digits(fmt: NumberFormat) -> Decimal:
    """The largest value of the format with all its digits: 9999999.99999999, 0.999999."""
    top = fmt.maximum
    return top if len(top.normalize().as_tuple().digits) >= fmt.max_digits else top - _ulp(fmt)


def _value(column: Column, number: Decimal) -> Any:
    return int(number * 100) if column.kind is Kind.MONEY else number


def _free_proposals(data: m.CycleData) -> list[str]:
    """Proposals whose amounts change no service's cost (no consistency rule binds them)."""
    return [p.code for p in data.proposals if p.service is None or p.kind in NOT_A_COST_CHANGE]


def _bound_services(data: m.CycleData) -> set[str]:
    return {p.service for p in data.proposals if p.service and p.kind not in NOT_A_COST_CHANGE}


# Money whose value a cross-table rule ties to others; given extremes separately below.
BOUND = {("service_years", "cost"), ("proposal_amounts", "amount"), ("proposals", "future_management_cost")}
# Whole numbers other than years: only a stage's position, given its maximum on the last stage.
POSITION = ("review_stages", "position")


def extreme(data: m.CycleData) -> m.CycleData:
    """`data` with the longest codes and texts and the most precise and largest numbers."""
    tables: dict[str, list[Any]] = {t.name: rows_of(data, t) for t in TABLES}
    # Codes: every code gets the longest length, and every reference follows.
    renames = {
        t.name: {r.code: _long_code(r.code, t.column("code").max_length or 0) for r in tables[t.name]}
        for t in TABLES
        if "code" in t.column_names
    }
    for t in TABLES:
        for i, row in enumerate(tables[t.name]):
            changes = {}
            for c in t.columns:
                target = c.ref or (t.name if c.name == "code" else None)
                value = getattr(row, c.name)
                if target in renames and value in renames[target]:
                    changes[c.name] = renames[target][value]
            tables[t.name][i] = replace(row, **changes)
    for t in TABLES:
        rows = tables[t.name]
        for i, row in enumerate(rows[:3]):
            changes: dict[str, Any] = {}
            for c in t.columns:
                fmt = c.number
                if i == 0 and c.kind is Kind.TEXT:
                    changes[c.name] = _long_text(c.max_length or 0)
                if fmt is None or (t.name, c.name) in BOUND or c.kind in (Kind.YEAR, Kind.INTEGER):
                    continue
                if c.kind is Kind.DECIMAL:
                    # the largest on row 1, the smallest step on row 2 (a product with money stays in range)
                    changes[c.name] = {0: _most_digits(fmt), 1: _ulp(fmt)}.get(i, getattr(row, c.name))
                elif c.kind is Kind.MONEY:
                    top = _most_digits(fmt)
                    if i == min(1, len(rows) - 1):
                        changes[c.name] = _value(c, top)
                    elif i == 2 and not c.non_negative and t.name != "allocation_history":
                        # (a frozen key refuses to repeat a negative amount, and the demo's 2026 uses it)
                        changes[c.name] = _value(c, -top)
            rows[i] = replace(row, **changes)
    subscriptions = tables["subscriptions"]
    # the largest quantity at 1 kr a unit: quantity × unit_price must stay an amount (validate.py)
    subscriptions[0] = replace(subscriptions[0], unit_price=100)
    stages = tables["review_stages"]
    last = max(range(len(stages)), key=lambda i: stages[i].position)
    stages[last] = replace(
        stages[last], position=int(TABLES_BY_NAME["review_stages"].column("position").number.maximum)
    )
    money = _value(
        TABLES_BY_NAME["proposal_amounts"].column("amount"),
        _most_digits(TABLES_BY_NAME["proposal_amounts"].column("amount").number),
    )
    free = _free_proposals(data)
    free = [renames["proposals"].get(code, code) for code in free]
    assert free, "the package needs a proposal that changes no service's cost"
    amounts = tables["proposal_amounts"]
    touched = [i for i, a in enumerate(amounts) if a.proposal in free][:2]
    assert touched, "the package needs amounts of such a proposal"
    for sign, i in zip((1, -1), touched, strict=False):
        amounts[i] = replace(amounts[i], amount=sign * money)
    proposals = tables["proposals"]
    first_free = next(i for i, p in enumerate(proposals) if p.code in free)
    proposals[first_free] = replace(
        proposals[first_free], future_management_cost=-money, future_management_from_year=data.cycle.target_year
    )
    bound = {renames["services"].get(s, s) for s in _bound_services(data)}
    unbound = next(s.code for s in tables["services"] if s.code not in bound)
    years = tables["service_years"]
    for i, sy in enumerate(years):
        if sy.service == unbound and sy.cost is not None:
            years[i] = replace(sy, cost=money)  # the same every year: base plus no proposals
    built = {t.name: (tables[t.name][0] if t.single_row else tuple(tables[t.name])) for t in TABLES}
    return m.CycleData(**built)


def _cells(folder: Path, table: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((folder / f"{table}.csv").read_text(encoding="utf-8"), newline="")))


@pytest.fixture(scope="module")
def extreme_folder(tmp_path_factory: pytest.TempPathFactory, demo: m.CycleData) -> Path:
    folder = tmp_path_factory.mktemp("extreme") / "package"
    write_package(extreme(demo), folder)
    return folder


@pytest.mark.django_db
def test_the_longest_and_most_precise_values_round_trip_byte_identical(extreme_folder: Path, tmp_path: Path) -> None:
    try:
        data = read_package(extreme_folder)  # validates
    except PackageError as error:  # pragma: no cover - shows what the builder got wrong
        pytest.fail("\n".join(str(p) for p in error.problems))
    cycle_import(data=data)
    write_package(data, tmp_path / "from-file")
    write_package(cycle_data(data.cycle.code), tmp_path / "from-db")
    comparison = filecmp.dircmp(tmp_path / "from-file", tmp_path / "from-db")
    assert comparison.left_only == comparison.right_only == comparison.diff_files == []
    assert len(comparison.same_files) == len(TABLES)
    for t in TABLES:
        assert (extreme_folder / f"{t.name}.csv").read_bytes() == (tmp_path / "from-db" / f"{t.name}.csv").read_bytes()
    # The extremes really are in the files, not rounded or cut on the way.
    exported = {t.name: _cells(tmp_path / "from-db", t.name) for t in TABLES}
    for t in TABLES:
        assert len(exported[t.name]) > 1, f"{t.name} has no rows: every table must be tried"
        for c in t.columns:
            if c.kind in (Kind.CODE, Kind.TEXT) and c.choices is None:
                longest = max(len(r[t.column_names.index(c.name)]) for r in exported[t.name][1:])
                assert longest == c.max_length, (t.name, c.name, longest)
    assert {"9999999.99999999", "0.00000001"} <= {r[2] for r in exported["key_shares"][1:]}
    assert exported["cycle"][1][TABLES_BY_NAME["cycle"].column_names.index("index_rate")] == "0.999999"
    assert any("999999999999.99" in r for r in exported["budget_lines"][1:])
    assert any("-999999999999.99" in r for r in exported["proposal_amounts"][1:])
    # and the engine computes with them (a 22-decimal share once crashed it with an OverflowError)
    allocate(data, data.cycle.target_year)


def _invalid_values(table: Table, c: Column, data: m.CycleData) -> list[tuple[str, str]]:
    """The first invalid texts of a column and a fragment of the problem they give."""
    cases: list[tuple[str, str]] = []
    if c.kind is Kind.CODE:
        cases.append(("a" * ((c.max_length or 0) + 1), f"longer than {c.max_length} characters"))
    elif c.kind is Kind.TEXT:
        cases.append(("x" * ((c.max_length or 0) + 1), f"longer than {c.max_length} characters"))
    fmt = c.number
    if fmt is not None:
        ulp = _ulp(fmt)
        too_precise = f"{fmt.maximum - ulp:f}5" if fmt.places else f"{int(fmt.maximum) - 1}.5"
        cases.append((too_precise, "decimals" if fmt.places else "not a whole number"))
        cases.append((format_cell(replace(c, kind=Kind.DECIMAL), fmt.maximum + ulp), "outside"))
        below = fmt.minimum - ulp
        cases.append(
            (
                format_cell(replace(c, kind=Kind.DECIMAL), below),
                "must not be negative" if below < 0 <= fmt.minimum else "outside",
            )
        )
    if c.kind is Kind.YEAR and not table.single_row:  # the cycle's own years make the range
        cases.append((str(data.cycle.years.stop), "outside the cycle's years"))
        cases.append((str(data.cycle.years.start - 1), "outside the cycle's years"))
    return cases


def test_the_first_invalid_value_is_refused_with_table_row_and_column(
    extreme_folder: Path, tmp_path: Path, demo: m.CycleData
) -> None:
    checked = 0
    for t in TABLES:
        original = (extreme_folder / f"{t.name}.csv").read_text(encoding="utf-8")
        rows = _cells(extreme_folder, t.name)
        for c in t.columns:
            for text, fragment in _invalid_values(t, c, demo):
                edited = [list(r) for r in rows]
                edited[1][rows[0].index(c.name)] = text
                buffer = io.StringIO(newline="")
                csv.writer(buffer, lineterminator="\n").writerows(edited)
                (extreme_folder / f"{t.name}.csv").write_text(buffer.getvalue(), encoding="utf-8")
                try:
                    with pytest.raises(PackageError) as raised:
                        read_package(extreme_folder)
                finally:
                    (extreme_folder / f"{t.name}.csv").write_text(original, encoding="utf-8")
                found = [p for p in raised.value.problems if (p.table, p.row, p.column) == (t.name, 2, c.name)]
                assert found, (t.name, c.name, text[:80], [str(p) for p in raised.value.problems][:5])
                assert any(fragment in p.message for p in found), (t.name, c.name, text[:80], [str(p) for p in found])
                checked += 1
    assert checked > 100


def test_a_key_whose_shares_are_all_zero_is_refused_at_validation(extreme_folder: Path) -> None:
    original = (extreme_folder / "key_shares.csv").read_text(encoding="utf-8")
    rows = _cells(extreme_folder, "key_shares")
    key = rows[1][0]
    edited = [r if r[0] != key or i == 0 else [r[0], r[1], "0"] for i, r in enumerate(rows)]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(edited)
    (extreme_folder / "key_shares.csv").write_text(buffer.getvalue(), encoding="utf-8")
    try:
        with pytest.raises(PackageError) as raised:
            read_package(extreme_folder)
    finally:
        (extreme_folder / "key_shares.csv").write_text(original, encoding="utf-8")
    assert [(p.table, p.row, p.column) for p in raised.value.problems] == [("key_shares", 2, "share")]
    assert f"every share of key '{key}' is zero" in raised.value.problems[0].message


# -- the models are sized by the schema ----------------------------------------------------------------


def _model(table: str) -> type[models.Model]:
    return Cycle if TABLES_BY_NAME[table].single_row else MODELS[table]


@pytest.mark.parametrize("table", [t.name for t in TABLES])
def test_every_model_field_keeps_exactly_what_the_schema_allows(table: str) -> None:
    for c in TABLES_BY_NAME[table].columns:
        field = _model(table)._meta.get_field(c.name)
        if isinstance(field, models.ForeignKey):
            target = _model(c.ref or "")._meta.get_field("code")
            assert target.max_length == TABLES_BY_NAME[c.ref or ""].column("code").max_length
        elif c.kind is Kind.ENUM:
            assert c.choices is not None
            assert max(len(e.value) for e in c.choices) <= field.max_length, (table, c.name)
        elif c.kind in (Kind.CODE, Kind.TEXT):
            if isinstance(field, models.TextField):
                assert c.max_length == 32_767, (table, c.name)  # the workbook's cell limit
            else:
                assert field.max_length == c.max_length, (table, c.name)
        elif c.kind is Kind.DECIMAL:
            assert c.number is not None
            assert (field.max_digits, field.decimal_places) == (c.number.max_digits, c.number.places), (table, c.name)
            assert c.number.max_digits <= 15, "SQLite keeps decimals exact to 15 significant digits"
        elif c.kind is Kind.MONEY:
            assert isinstance(field, models.BigIntegerField) and c.number is not None
            assert c.number.maximum * 100 < 2**63 // 10_000, "room to add up ten thousand of the largest amounts"
        elif c.kind in (Kind.YEAR, Kind.INTEGER):
            assert isinstance(field, models.IntegerField) and c.number is not None
            assert c.number.minimum >= -(2**31) and c.number.maximum < 2**31, (table, c.name)
        elif c.kind is Kind.BOOL:
            assert isinstance(field, models.BooleanField), (table, c.name)
