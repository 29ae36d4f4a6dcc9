"""Validation of a cycle package: raw text cells → typed ``CycleData`` plus every problem.

This is the seam every input goes through. Readers (CSV folder, .zip, .xlsx) turn their
files into :class:`RawTable` objects — header and rows of text, with the row numbers a
person sees — and a web form can build the same objects with :meth:`RawTable.from_records`.
:func:`check_tables` then parses every cell by its column kind from ``schema`` and runs the
table-level and semantic rules, collecting *all* problems instead of stopping at the first.

Rules that need a value skip rows where that value failed to parse: the parse failure is
already reported, and a second, derived complaint would only send a person looking for a
mistake that is not there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from decimal import Decimal
from typing import Any

from fordela.engine import model as m
from fordela.engine import parse
from fordela.engine.amounts import NOT_A_COST_CHANGE, proposal_management
from fordela.engine.money import machine
from fordela.package.codec import CellError, Value, all_text_rows, parse_cell, sort_rows
from fordela.package.errors import PackageError, Problem, sort_problems
from fordela.package.schema import TABLES, TABLES_BY_NAME, Kind, Table

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


@dataclass(frozen=True)
class RawRow:
    """One row of text cells as read, aligned with its table's header.

    ``number`` is the row as a person sees it (header = 1). ``reported`` holds the positions
    of cells a reader has already reported (a formula or a date in a workbook) so they are
    treated as invalid without a second message.
    """

    number: int
    values: tuple[str, ...]
    reported: frozenset[int] = frozenset()


@dataclass(frozen=True)
class RawTable:
    """One table as text: its header as found, its rows, and where it came from.

    ``source`` is how problems name the place, e.g. ``services.csv`` or ``sheet services``.
    ``unreadable`` marks a table whose file a reader could not parse and has reported
    (not UTF-8, broken CSV): it counts as empty, without complaints that it lacks rows.
    """

    name: str
    header: tuple[str, ...]
    rows: tuple[RawRow, ...] = ()
    source: str | None = None
    unreadable: bool = False

    @classmethod
    def from_records(
        cls,
        name: str,
        records: Sequence[Mapping[str, str]],
        *,
        first_row: int = 2,
        source: str | None = None,
    ) -> RawTable:
        """A table from dicts of column → text, e.g. the rows of a web form.

        The header is the schema's columns (plus any unknown keys, which are then reported),
        so a field left out of a record counts as an empty cell rather than a missing column.
        """
        table = TABLES_BY_NAME.get(name)
        header = list(table.column_names) if table else []
        for record in records:
            header.extend(k for k in record if k not in header)
        rows = tuple(
            RawRow(first_row + i, tuple(record.get(h, "") for h in header)) for i, record in enumerate(records)
        )
        return cls(name, tuple(header), rows, source)


@dataclass
class _Row:
    number: int
    values: dict[str, Value]  # the cells that parsed; an empty optional cell is None
    ok: bool = True


@dataclass
class _Parsed:
    table: Table
    rows: list[_Row] = field(default_factory=list)
    present: frozenset[str] = frozenset()  # schema columns found in the header


def _defaults(row_type: type[Any]) -> dict[str, Any]:
    return {f.name: f.default for f in fields(row_type) if f.default is not MISSING}


def _q(value: object) -> str:
    return f"'{value}'"


class _Checker:
    """Runs every rule over one set of raw tables, collecting problems."""

    def __init__(self, raw: Mapping[str, RawTable]) -> None:
        self.raw = raw
        self.problems: list[Problem] = []
        self.parsed: dict[str, _Parsed] = {}
        self.sources = {name: table.source for name, table in raw.items()}

    def add(self, table: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(table, row, column, message, self.sources.get(table)))

    def rows(self, name: str) -> list[_Row]:
        return self.parsed[name].rows

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

    # -- semantics -----------------------------------------------------------------------

    def semantics(self, cycle: m.Cycle | None) -> None:
        self._keys()
        self._scenarios()
        self._proposals()
        self._reviews()
        self._subscriptions()
        self._participation()
        self._invoicing()
        self._analysis_texts()
        if cycle is not None:
            self._consistency(cycle.base_year)

    def _flag(self, table: str, row: _Row, column: str, message: str) -> None:
        self.add(table, row.number, column, message)
        row.ok = False

    def _keys(self) -> None:
        with_shares = {r.values.get("key") for r in self.rows("key_shares")}
        methods: dict[Value, Value] = {}
        needs = {
            m.KeyMethod.DRIVER: "driver",
            m.KeyMethod.HYBRID: "solidarity_driver",
            m.KeyMethod.FROZEN: "frozen_year",
        }
        for row in self.rows("keys"):
            code, method = row.values.get("code"), row.values.get("method")
            methods[code] = method
            if not isinstance(method, m.KeyMethod):
                continue
            needed = needs.get(method)
            # `in` rather than get(): a cell that failed to parse is not "missing".
            if needed and needed in row.values and row.values[needed] is None:
                self._flag("keys", row, needed, f"a {method} key needs a {needed}")
            if method is m.KeyMethod.FIXED and code is not None and code not in with_shares:
                self._flag("keys", row, "method", f"fixed key {_q(code)} has no key_shares")
        positive: set[Value] = set()
        first_share: dict[Value, _Row] = {}
        for row in self.rows("key_shares"):
            key = row.values.get("key")
            method = methods.get(key)
            if method is not None and method is not m.KeyMethod.FIXED:
                message = f"key {_q(key)} is a {method} key: shares belong to fixed keys"
                self._flag("key_shares", row, "key", message)
            share = row.values.get("share")
            if "share" not in row.values or share is None or share != 0:
                positive.add(key)  # a share that failed to parse is reported already
            first_share.setdefault(key, row)
        for key, row in first_share.items():
            if key not in positive and methods.get(key) is m.KeyMethod.FIXED:
                # Nothing could be split by it: refuse it here, not at invoicing time.
                self._flag(
                    "key_shares", row, "share", f"every share of key {_q(key)} is zero: at least one must be more"
                )

    def _scenarios(self) -> None:
        kinds: dict[Value, Value] = {}
        for row in self.rows("scenarios"):
            kind = row.values.get("kind")
            kinds[row.values.get("code")] = kind
            stage_missing = "stage" in row.values and row.values["stage"] is None
            if kind is m.ScenarioKind.STAGE and stage_missing:
                self._flag("scenarios", row, "stage", "a stage scenario needs a stage")
        for row in self.rows("scenario_proposals"):
            scenario = row.values.get("scenario")
            kind = kinds.get(scenario)
            if kind is not None and kind is not m.ScenarioKind.EXPLICIT:
                self._flag(
                    "scenario_proposals",
                    row,
                    "scenario",
                    f"scenario {_q(scenario)} is {kind}: only explicit scenarios list proposals",
                )

    def _proposals(self) -> None:
        needs = {
            m.ProposalKind.KEY_CHANGE: ("service", "proposed_key"),
            m.ProposalKind.RECATEGORISATION: ("service", "proposed_category"),
        }
        for row in self.rows("proposals"):
            kind = row.values.get("kind")
            for column in needs.get(kind, ()) if isinstance(kind, m.ProposalKind) else ():
                if column in row.values and row.values[column] is None:
                    self._flag("proposals", row, column, f"a {kind} proposal needs a {column}")

    def _analysis_texts(self) -> None:
        """A per-service section names its service, a per-proposal one its proposal (of the same
        supplier), and no other section names either."""
        suppliers = {r.values.get("code"): r.values.get("supplier") for r in self.rows("proposals")}
        for row in self.rows("analysis_texts"):
            section = row.values.get("section")
            if not isinstance(section, m.AnalysisSection):
                continue
            for column, wanted in (("service", section.per_service), ("proposal", section.per_proposal)):
                if column not in row.values:
                    continue
                if wanted and row.values[column] is None:
                    self._flag("analysis_texts", row, column, f"a {section} section needs a {column}")
                elif not wanted and row.values[column] is not None:
                    self._flag("analysis_texts", row, column, f"a {section} section is not per {column}")
            proposal = row.values.get("proposal")
            if proposal is not None and proposal in suppliers and suppliers[proposal] != row.values.get("supplier"):
                self._flag("analysis_texts", row, "proposal", f"proposal {proposal} is not the supplier's")

    def _reviews(self) -> None:
        outcomes = {
            (r.values.get("proposal"), r.values.get("stage")): r.values.get("outcome") for r in self.rows("reviews")
        }
        refusing = (m.ReviewOutcome.REJECT, m.ReviewOutcome.DEFER)
        for row in self.rows("review_amounts"):
            proposal, stage = row.values.get("proposal"), row.values.get("stage")
            outcome = outcomes.get((proposal, stage))
            if outcome in refusing:
                self._flag(
                    "review_amounts",
                    row,
                    "proposal, stage",
                    f"the review of proposal {_q(proposal)} at stage {_q(stage)} is {outcome}: it approves no amounts",
                )

    def _subscriptions(self) -> None:
        categories = {r.values.get("code"): r.values.get("category") for r in self.rows("services")}
        allowed = (m.ServiceCategory.ADD_ON, m.ServiceCategory.OPT_IN)
        limit = parse.AMOUNT.maximum * parse.ORE_PER_SEK
        for row in self.rows("subscriptions"):
            quantity, price = row.values.get("quantity"), row.values.get("unit_price")
            if isinstance(quantity, Decimal) and isinstance(price, int) and quantity * price > limit:
                # Each factor fits, the product would overflow the engine's int64 sums.
                message = f"quantity × unit_price is more than {machine(int(limit))} SEK"
                self._flag("subscriptions", row, "quantity", message)
            service = row.values.get("service")
            category = categories.get(service)
            if category is not None and category not in allowed:
                self._flag(
                    "subscriptions",
                    row,
                    "service",
                    f"service {_q(service)} is {category}: subscriptions are for add_on and opt_in services",
                )

    def _invoicing(self) -> None:
        for row in self.rows("exemptions"):
            start, end = row.values.get("from_period"), row.values.get("to_period")
            if isinstance(start, m.Period) and isinstance(end, m.Period) and end.months.stop <= start.months.start:
                self._flag("exemptions", row, "to_period", f"to_period {end} ends before from_period {start}")
        conditioned = {
            r.values.get("proposal")
            for r in self.rows("review_conditions")
            if r.values.get("kind") is m.ConditionKind.INVOICE_AFTER_INCURRED
        }
        for row in self.rows("incurred_costs"):
            proposal = row.values.get("proposal")
            if proposal is not None and proposal not in conditioned:
                message = f"proposal {_q(proposal)} has no condition invoice_after_incurred"
                self._flag("incurred_costs", row, "proposal", message)

    def _participation(self) -> None:
        for row in self.rows("participation"):
            start, end = row.values.get("from_year"), row.values.get("to_year")
            if isinstance(start, int) and isinstance(end, int) and end < start:
                message = f"to_year {end} is before from_year {start}"
                self._flag("participation", row, "to_year", message)

    def _consistency(self, base_year: int) -> None:
        """A later service year's cost = base-year cost + the management of its proposals."""
        tainted: set[Value] = set()  # services whose inputs have a reported problem
        base: dict[Value, int] = {}
        for row in self.rows("service_years"):
            service = row.values.get("service")
            if row.values.get("year") == base_year and service not in base:
                if "cost" not in row.values:
                    tainted.add(service)
                cost = row.values.get("cost")
                base[service] = cost if isinstance(cost, int) else 0
        service_of: dict[Value, Value] = {}
        proposals: dict[Value, list[_Row]] = defaultdict(list)
        for row in self.rows("proposals"):
            service = row.values.get("service")
            # a key change or re-categorisation alters who pays and how, not the service's cost
            if service is None or row.values.get("kind") in NOT_A_COST_CHANGE:
                continue
            service_of[row.values.get("code")] = service
            proposals[service].append(row)
            if not {"future_management_cost", "future_management_from_year"} <= row.values.keys():
                tainted.add(service)
        amounts: dict[Value, list[tuple[int, m.AmountType, int]]] = defaultdict(list)
        for row in self.rows("proposal_amounts"):
            proposal = row.values.get("proposal")
            year, kind, amount = (row.values.get(c) for c in ("year", "type", "amount"))
            if isinstance(year, int) and isinstance(kind, m.AmountType) and isinstance(amount, int):
                amounts[proposal].append((year, kind, amount))
            else:
                tainted.add(service_of.get(proposal))
        for row in self.rows("service_years"):
            service, year, cost = (row.values.get(c) for c in ("service", "year", "cost"))
            if not isinstance(year, int) or year <= base_year or not isinstance(cost, int):
                continue
            if service is None or service in tainted:
                continue
            delta = 0
            for proposal_row in proposals.get(service, []):
                code = proposal_row.values.get("code")
                fm_cost = proposal_row.values.get("future_management_cost")
                fm_year = proposal_row.values.get("future_management_from_year")
                delta += proposal_management(
                    amounts.get(code, []),
                    fm_cost if isinstance(fm_cost, int) else None,
                    fm_year if isinstance(fm_year, int) else None,
                    year,
                )
            expected = base.get(service, 0) + delta
            if cost != expected:
                self._flag(
                    "service_years",
                    row,
                    "cost",
                    f"cost {machine(cost)} SEK does not add up: expected {machine(expected)} SEK "
                    f"(base-year cost {machine(base.get(service, 0))} + management of the "
                    f"service's proposals {machine(delta)})",
                )

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
