"""Validation of a cycle package: raw text cells → typed ``CycleData`` plus every problem.

This is the seam every input goes through. Readers (CSV folder, .zip, .xlsx) turn their
files into :class:`~fordela.package.rows.RawTable` objects — header and rows of text, with the
row numbers a person sees — and a web form can build the same objects with
:meth:`RawTable.from_records`. :func:`check_tables` then parses every cell by its column kind
from ``schema`` and runs the table-level rules (here) and the semantic rules
(``semantic_rules``), collecting *all* problems instead of stopping at the first.

Rules that need a value skip rows where that value failed to parse: the parse failure is
already reported, and a second, derived complaint would only send a person looking for a
mistake that is not there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, fields
from typing import Any

from fordela.engine import model as m
from fordela.package.codec import CellError, Value, all_text_rows, parse_cell, sort_rows
from fordela.package.errors import PackageError, Problem, sort_problems
from fordela.package.rows import RawRow, RawTable, _Parsed, _Row
from fordela.package.schema import TABLES, TABLES_BY_NAME
from fordela.package.schema_types import Kind, Table
from fordela.package.semantic_rules import _q, _Rules

# Singular nouns for messages such as "unknown organisation 'x'".
_NOUNS = {
    "organisations": "organisation",
    "drivers": "driver",
    "keys": "key",
    "services": "service",
    "review_stages": "review stage",
    "proposals": "proposal",
    "reviews": "review",
    "scenarios": "scenario",
}


def _defaults(row_type: type[Any]) -> dict[str, Any]:
    return {f.name: f.default for f in fields(row_type) if f.default is not MISSING}


class _Checker(_Rules):
    """Runs every rule over one set of raw tables, collecting problems."""

    # -- cells ---------------------------------------------------------------------------

    def parse(self) -> None:
        known = ", ".join(t.name for t in TABLES)
        for name in self.raw:
            if name not in TABLES_BY_NAME:  # reported even when unreadable
                self.add(name, None, None, f"unknown table {_q(name)}; the tables are: {known}")
        for table in TABLES:
            raw = self.raw.get(table.name)
            if raw is None:
                self.parsed[table.name] = _Parsed(table, present=frozenset(table.column_names))
                if table.single_row:
                    message = "table is missing: a package needs it, with exactly one row"
                    self.add(table.name, None, None, message)
                continue
            if raw.unreadable:
                # No columns count as present, so references into it are not checked.
                self.parsed[table.name] = _Parsed(table)
                continue
            self.parsed[table.name] = self._parse_table(table, raw)

    def _header(self, table: Table, raw: RawTable) -> dict[str, int]:
        name = table.name
        first: dict[str, int] = {}
        for i, column in enumerate(raw.header):
            if not column:
                self.add(name, 1, None, f"column {i + 1} has no name")
            elif column in first:
                message = f"column appears twice (columns {first[column] + 1} and {i + 1})"
                self.add(name, 1, column, message)
            else:
                first[column] = i
                if column not in table.column_names:
                    expected = ", ".join(table.column_names)
                    message = f"unknown column {_q(column)}; the columns of {name} are: {expected}"
                    self.add(name, 1, column, message)
        for column_def in table.columns:
            if column_def.required and column_def.name not in first:
                self.add(name, 1, column_def.name, "required column is missing")
        return {c: i for c, i in first.items() if c in table.column_names}

    def _parse_table(self, table: Table, raw: RawTable) -> _Parsed:
        positions = self._header(table, raw)
        parsed = _Parsed(table, present=frozenset(positions))
        width = len(raw.header)
        for raw_row in raw.rows:
            if not raw_row.reported and not any(v.strip() for v in raw_row.values):
                continue  # blank lines are layout, not data
            row = _Row(raw_row.number, {})
            if any(v.strip() for v in raw_row.values[width:]):
                message = f"more cells than the {width} columns of the header"
                self.add(table.name, raw_row.number, None, message)
                row.ok = False
            for column in table.columns:
                index = positions.get(column.name)
                if index is None:
                    # A missing required column is reported once, on the header.
                    if column.required:
                        row.ok = False
                    else:
                        row.values[column.name] = None
                    continue
                if index in raw_row.reported:
                    row.ok = False
                    continue
                text = raw_row.values[index] if index < len(raw_row.values) else ""
                try:
                    row.values[column.name] = parse_cell(column, text)
                except CellError as error:
                    self.add(table.name, raw_row.number, column.name, str(error))
                    row.ok = False
            parsed.rows.append(row)
        if table.single_row and len(parsed.rows) != 1:
            if not parsed.rows:
                self.add(table.name, None, None, "has no rows: it needs exactly one")
            for extra in parsed.rows[1:]:
                self.add(table.name, extra.number, None, "a second row: this table has exactly one")
        return parsed

    # -- tables --------------------------------------------------------------------------

    def primary_keys(self) -> None:
        for name, parsed in self.parsed.items():
            pk = parsed.table.primary_key
            seen: dict[tuple[Value, ...], int] = {}
            for row in parsed.rows:
                if any(row.values.get(c) is None for c in pk):
                    continue
                key = tuple(row.values[c] for c in pk)
                if key in seen:
                    described = ", ".join(f"{c} {_q(v)}" for c, v in zip(pk, key, strict=True))
                    message = f"duplicate {described}: already on row {seen[key]}"
                    self.add(name, row.number, ", ".join(pk), message)
                    row.ok = False
                else:
                    seen[key] = row.number

    def references(self) -> None:
        codes: dict[str, set[Value]] = {
            name: {row.values.get("code") for row in parsed.rows}
            for name, parsed in self.parsed.items()
            if "code" in parsed.table.column_names
        }
        for name, parsed in self.parsed.items():
            for column in parsed.table.columns:
                target = column.ref
                # A target without its code column has that reported already; checking
                # against nothing would flag every reference.
                if target is None or "code" not in self.parsed[target].present:
                    continue
                for row in parsed.rows:
                    value = row.values.get(column.name)
                    if value is not None and value not in codes[target]:
                        noun = _NOUNS.get(target, target)
                        self.add(name, row.number, column.name, f"unknown {noun} {_q(value)}")
                        row.ok = False
            for here, target, there in parsed.table.composite_refs:
                if not set(there) <= self.parsed[target].present:
                    continue
                keys = {tuple(r.values.get(c) for c in there) for r in self.rows(target)}
                for row in parsed.rows:
                    key = tuple(row.values.get(c) for c in here)
                    if None in key or key in keys:
                        continue
                    described = ", ".join(f"{c} {_q(v)}" for c, v in zip(here, key, strict=True))
                    noun = _NOUNS.get(target, target)
                    self.add(name, row.number, ", ".join(here), f"no {noun} with {described}")
                    row.ok = False

    def cycle(self) -> m.Cycle | None:
        rows = self.rows("cycle")
        if len(rows) != 1 or not rows[0].ok:
            return None
        return m.Cycle(**self._kwargs(self.parsed["cycle"].table, rows[0]))

    def years(self, cycle: m.Cycle) -> None:
        row = self.rows("cycle")[0].number
        if cycle.base_year >= cycle.target_year:
            message = f"base_year {cycle.base_year} must be before target_year {cycle.target_year}"
            self.add("cycle", row, "base_year", message)
        years = cycle.years
        if not years:
            message = f"last_year {years.stop - 1} is before first_year {years.start}"
            self.add("cycle", row, "last_year", message)
            return
        span = f"{years.start}–{years.stop - 1}"
        for name, parsed in self.parsed.items():
            year_columns = [c.name for c in parsed.table.columns if c.kind is Kind.YEAR]
            for r in parsed.rows:
                for column in year_columns:
                    value = r.values.get(column)
                    if isinstance(value, int) and value not in years:
                        message = f"year {value} is outside the cycle's years {span}"
                        self.add(name, r.number, column, message)
                        r.ok = False

    # -- result --------------------------------------------------------------------------

    def _kwargs(self, table: Table, row: _Row) -> dict[str, Any]:
        defaults = _defaults(table.row_type)
        return {name: defaults.get(name) if value is None else value for name, value in row.values.items()}

    def build(self) -> m.CycleData | None:
        # A row can be invalid without a problem of ours: its reader reported the cell.
        if self.problems or not all(r.ok for p in self.parsed.values() for r in p.rows):
            return None
        tables: dict[str, Any] = {}
        for table in TABLES:
            rows = [table.row_type(**self._kwargs(table, r)) for r in self.rows(table.name)]
            if table.single_row:
                tables[table.name] = rows[0]
            else:
                tables[table.name] = tuple(sort_rows(table, rows))
        return m.CycleData(**tables)


def check_tables(raw: Mapping[str, RawTable]) -> tuple[m.CycleData | None, list[Problem]]:
    """Parse and validate raw tables: the data when there is no problem, and all problems.

    `raw` maps table name → :class:`RawTable`; a table that is absent is empty (only the
    single-row ``cycle`` table is required). The problems come sorted in reading order.
    """
    checker = _Checker(raw)
    checker.parse()
    checker.primary_keys()
    checker.references()
    cycle = checker.cycle()
    if cycle is not None:
        checker.years(cycle)
    checker.semantics(cycle)
    return checker.build(), sort_problems(checker.problems)


def validate_tables(raw: Mapping[str, RawTable]) -> list[Problem]:
    """Every problem in `raw` (see :func:`check_tables`); an empty list means valid."""
    return check_tables(raw)[1]


def build_cycle_data(raw: Mapping[str, RawTable]) -> m.CycleData:
    """The ``CycleData`` of `raw`, or :class:`PackageError` listing every problem."""
    data, problems = check_tables(raw)
    if problems or data is None:
        raise PackageError(problems)
    return data


def validate_cycle_data(data: m.CycleData) -> list[Problem]:
    """Every problem in already-typed data, e.g. a cycle assembled from the database.

    The data is formatted as a package would be and checked by the same rules, so the
    database and the files can never accept different things.
    """
    raw = {
        name: RawTable(
            name,
            TABLES_BY_NAME[name].column_names,
            tuple(RawRow(i, tuple(values)) for i, values in enumerate(rows, start=2)),
        )
        for name, rows in all_text_rows(data).items()
    }
    return validate_tables(raw)
