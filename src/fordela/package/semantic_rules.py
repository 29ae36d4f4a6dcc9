"""The semantic rules of a package, over rows whose cells have parsed: keys, scenarios,
proposals, analysis texts, reviews, subscriptions, invoicing, participation, and that proposals
and service costs agree. `validate` runs them after the cell and table rules."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from fordela.engine import model as m
from fordela.engine import parse
from fordela.engine.amounts import NOT_A_COST_CHANGE, proposal_management
from fordela.engine.money import machine
from fordela.package.codec import Value
from fordela.package.errors import Problem
from fordela.package.rows import RawTable, _Parsed, _Row


def _q(value: object) -> str:
    return f"'{value}'"


class _Rules:
    """What every rule works on (the raw tables, the problems so far, the parsed rows) and the
    semantic rules; `validate._Checker` adds the cell and table rules and builds the result."""

    def __init__(self, raw: Mapping[str, RawTable]) -> None:
        self.raw = raw
        self.problems: list[Problem] = []
        self.parsed: dict[str, _Parsed] = {}
        self.sources = {name: table.source for name, table in raw.items()}
        self._views: dict[str, list[_Row]] = {}

    def add(self, table: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(table, row, column, message, self.sources.get(table)))

    def rows(self, name: str) -> list[_Row]:
        """The rows of a table one by one, for the rules over small tables (a large table's rules
        work on its columns: `_Parsed.column`)."""
        if name not in self._views:
            self._views[name] = self.parsed[name].row_views()
        return self._views[name]

    def _flag_at(self, parsed: _Parsed, index: int, column: str, message: str) -> None:
        self.add(parsed.table.name, parsed.numbers[index], column, message)
        parsed.bad.add(index)

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
        parsed = self.parsed["subscriptions"]
        quantities, prices = parsed.column("quantity"), parsed.column("unit_price")
        for i, (quantity, price) in enumerate(zip(quantities, prices, strict=True)):
            if isinstance(quantity, Decimal) and isinstance(price, int) and quantity * price > limit:
                # Each factor fits, the product would overflow the engine's int64 sums.
                message = f"quantity × unit_price is more than {machine(int(limit))} SEK"
                self._flag_at(parsed, i, "quantity", message)
        services = parsed.column("service")
        refused = {s for s in set(services) if categories.get(s) is not None and categories[s] not in allowed}
        for i, service in enumerate(services) if refused else ():
            if service in refused:
                self._flag_at(
                    parsed,
                    i,
                    "service",
                    f"service {_q(service)} is {categories[service]}: subscriptions are for add_on and opt_in services",
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
        parsed = self.parsed["participation"]
        ends = parsed.column("to_year")
        if not any(isinstance(end, int) for end in set(ends)):
            return  # every participation is open-ended (or its end is reported already)
        for i, (start, end) in enumerate(zip(parsed.column("from_year"), ends, strict=True)):
            if isinstance(start, int) and isinstance(end, int) and end < start:
                self._flag_at(parsed, i, "to_year", f"to_year {end} is before from_year {start}")

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
