"""The invoicing base: a year's distribution as invoice lines per organisation, period and service.

The rules (docs/invoicing.md says them for users):

* **Exact by construction.** Every yearly amount (one per cost object and organisation) is split
  over the twelve months with the exact split (`split_one`, equal weights, the öre left over to the
  earliest months); a quarter is the sum of its three months. So monthly and quarterly invoicing
  agree, and the periods of a year always sum to the year to the öre.
* **Index as decided.** Budgets after the base year are in base-year prices and the frames are
  decided "plus index": a cost object's yearly total after the base year is indexed by the cycle's
  `index_rate`, compounded per year since the base year (the target year: once), rounded half-up to
  the öre, and re-split over the same organisations by their distributed amounts — so the indexed
  lines again sum exactly to the indexed total. Subscriptions are quantity × the unit price agreed
  for that year and are not indexed.
* **Invoice after incurred.** A change initiative approved with that condition is charged only
  as its incurred costs are recorded (`incurred_costs`), in the period holding the end of the
  period they were recorded for, cumulatively never beyond the approved amount with index; what
  is not incurred by the end of the year is never charged (reported as not invoiced).
* **Dispens.** An organisation exempted from a service for some periods is not charged for it
  then; its share of those months is re-split among the service's other participants by their
  distributed amounts (the seeds: the customers taking part share the service's whole cost, so the
  supplier's frame stays financed). Nobody left to pay → reported as not invoiced.
* **Own services.** A supplier is not invoiced for its own use of its services (it would book
  revenue and cost against itself) unless configured per supplier (`own_services`); what it uses
  is reported as not invoiced (`own_service`).
* **VAT.** A line carries VAT at the `vat_rules` rate for the organisation's kind and the service's
  category (companies are separate legal entities; no rule = no VAT), rounded half-up per line.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

import numpy as np

from fordela.engine.allocate import allocate
from fordela.engine.allocation_types import Allocation, SplitBlock
from fordela.engine.bridge import with_index
from fordela.engine.model import ConditionKind, CycleData, Period, ServiceCategory
from fordela.engine.money import round_half_up_ratio
from fordela.engine.records import build_rows, without_gc
from fordela.engine.scenario import Resolution
from fordela.engine.split import split_one, split_rows

MONTHS = tuple(range(1, 13))
QUARTERS = (Period.Q1, Period.Q2, Period.Q3, Period.Q4)
MONTH_PERIODS = tuple(p for p in Period if p.value.startswith("m"))


class Granularity(StrEnum):
    QUARTER = "quarter"
    MONTH = "month"

    @property
    def periods(self) -> tuple[Period, ...]:
        return QUARTERS if self is Granularity.QUARTER else MONTH_PERIODS


class InvoicingError(ValueError):
    """Every problem found while building an invoicing base, one message each."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One line of an invoice: what `organisation` pays `supplier` for `object` in `period`."""

    year: int
    period: Period
    supplier: str
    organisation: str
    object: str  # service code, or the proposal code of a change initiative
    kind: str  # service | initiative | subscription | incurred | exemption_share
    category: ServiceCategory
    net: int
    vat_rate: Decimal
    vat: int

    @property
    def gross(self) -> int:
        return self.net + self.vat


LINE_FIELDS = ("year", "period", "supplier", "organisation", "object", "kind", "category", "net", "vat_rate", "vat")
_LINE_GETTERS = tuple(map(operator.attrgetter, LINE_FIELDS))


def line_columns(lines: Sequence[InvoiceLine]) -> list[list[Any]]:
    """Every field of `lines` as a column, in `LINE_FIELDS` order, each read in C. A field at a
    time, not a tuple of fields per line: millions of short-lived tuples kept the garbage
    collector busy (the exports and the table of lines read large cycles' lines this way)."""
    return [list(map(get, lines)) for get in _LINE_GETTERS]


@dataclass(frozen=True, slots=True)
class NotInvoiced:
    """An amount of the distribution that is not charged to anyone, and why."""

    year: int
    object: str
    kind: str  # not_incurred | exempted_unshared | own_service
    amount: int
    period: Period | None = None
    organisation: str | None = None


@dataclass(frozen=True, slots=True)
class Exempted:
    """What an exempted organisation was not charged in a period (re-split among the others)."""

    year: int
    period: Period
    service: str
    organisation: str
    amount: int


@dataclass(frozen=True, slots=True)
class InvoicingBase:
    year: int
    granularity: Granularity
    index_rate: Decimal
    index_years: int
    lines: tuple[InvoiceLine, ...]
    exempted: tuple[Exempted, ...] = ()
    not_invoiced: tuple[NotInvoiced, ...] = ()
    # The periods whose lines were computed (None: every period of the granularity).
    only: Period | None = None

    def for_period(self, period: Period) -> tuple[InvoiceLine, ...]:
        if self.only is not None and period is not self.only:
            raise ValueError(f"this invoicing base holds the lines of {self.only} only, not of {period}")
        if self.only is period:
            return self.lines
        return tuple(line for line in self.lines if line.period is period)

    def net_total(self) -> int:
        return sum(line.net for line in self.lines)


def periods_of(granularity: Granularity) -> tuple[Period, ...]:
    return granularity.periods


def period_part(amount: int, start: int, stop: int) -> int:
    """``sum(month_split(amount)[start:stop])`` without the twelve parts: the whole öre of each
    month in the span plus the left-over öre that fall in it (they go to the earliest months)."""
    whole, left = divmod(abs(amount), 12)
    part = whole * (stop - start) + max(0, min(stop, left) - start)
    return part if amount >= 0 else -part


def month_split(amount: int) -> list[int]:
    """`amount` öre over the twelve months, exactly (the öre left over to the earliest months).

    The same as ``split_one(amount, [1] * 12)`` (equal remainders, ties to the lower index),
    in two integer operations: it runs once per object and organisation.
    """
    whole, left = divmod(abs(amount), 12)
    parts = [whole + 1] * left + [whole] * (12 - left)
    return parts if amount >= 0 else [-p for p in parts]


def indexed_split(total: int, amounts: Mapping[str, int], rate: Decimal, years: int) -> dict[str, int]:
    """The indexed `total` re-split over the organisations of `amounts` by those amounts.

    Returns organisation → indexed amount, summing exactly to `with_index(total, rate, years)`.
    """
    if years == 0 or total == 0:
        return dict(amounts)
    orgs = sorted(amounts)
    weights = [abs(amounts[o]) for o in orgs]
    if sum(weights) == 0:
        return dict(amounts)
    parts = split_one(with_index(total, rate, years), weights)
    return dict(zip(orgs, parts, strict=True))


def indexed_amounts(split: SplitBlock, rate: Decimal, years: int) -> np.ndarray:
    """`indexed_split` of every row of `split` at once: each object's total with index re-split
    over its organisations by their amounts, in one vectorised `split_rows` call (the same
    answer as `split_one` per row). Returns an int64 array shaped like `split.amounts`."""
    amounts = split.amounts
    if years == 0:
        return amounts
    totals = amounts.sum(axis=1)
    weights = np.abs(amounts)
    # A row with nothing to index (total 0, or every amount 0) keeps its amounts.
    rows = np.flatnonzero((totals != 0) & (weights.sum(axis=1) != 0))
    result = amounts.copy()
    if rows.size:
        indexed = [with_index(total, rate, years) for total in totals[rows].tolist()]
        result[rows] = split_rows(np.array(indexed, dtype=np.int64), weights[rows])
    return result


def charged_after_incurred(incurred_by_month: Mapping[int, int], cap: int) -> tuple[list[int], int]:
    """Monthly charges of an invoice-after-incurred initiative, and what is never charged.

    Charged through a month = what is incurred through that month, kept between 0 and `cap`
    (the approved amount with index), so the charges never exceed what is incurred nor what is
    approved. Returns (12 monthly charges, cap − charged in the year).
    """
    low, high = min(0, cap), max(0, cap)
    charges, cumulative, charged = [], 0, 0
    for month in MONTHS:
        cumulative += incurred_by_month.get(month, 0)
        through = min(max(cumulative, low), high)
        charges.append(through - charged)
        charged = through
    return charges, cap - charged


class _Builder:
    """Amounts per (object, organisation, kind), then periods, VAT and the reports.

    Most amounts are a yearly amount split evenly over the months (`month_split`): those are
    kept as the yearly amount alone (`even`) and a period's part is computed when its line is
    made. Only what exemptions and incurred costs change is kept month by month (`months`).
    A large cycle has millions of (object, organisation) cells: twelve ints each was most of
    the memory and the time."""

    def __init__(
        self,
        data: CycleData,
        year: int,
        allocation: Allocation,
        resolution: Resolution | None,
        own_services: frozenset[str] = frozenset(),
    ) -> None:
        self.data = data
        self.own_services = own_services
        self.year = year
        self.allocation = allocation
        self.resolution = resolution
        self.index_years = max(0, year - data.cycle.base_year)
        self.services = {s.code: s for s in data.services}
        self.proposals = {p.code: p for p in data.proposals}
        self.kinds = {o.code: o.kind for o in data.organisations}
        self.vat = {(r.organisation_kind, r.category): r.rate for r in data.vat_rules}
        self.even: dict[tuple[str, str, str], int] = {}
        self.months: dict[tuple[str, str, str], list[int]] = {}
        # The weighted objects' yearly amounts with index, as arrays (object × organisation, the
        # allocation's SplitBlock): `charged` marks the cells still charged evenly from them. A
        # cell that exemptions change, or an after-incurred object's, moves to `months`; one not
        # invoiced (own services) is unmarked.
        self.split = allocation.split
        self.indexed: np.ndarray | None = None
        self.charged: np.ndarray | None = None
        self.row_of: dict[str, int] = {}
        self.exempted: list[Exempted] = []
        self.not_invoiced: list[NotInvoiced] = []
        self.problems: list[str] = []

    def after_incurred(self) -> set[str]:
        if self.resolution is None:
            return set()
        return {
            d.proposal.code
            for d in self.resolution.included()
            if any(c.kind is ConditionKind.INVOICE_AFTER_INCURRED for c in d.conditions)
        }

    def distribute(self) -> None:
        for line in self.allocation.subscriptions:  # not indexed: the price agreed for the year
            self.even[(line.object, line.organisation, "subscription")] = line.amount
        split = self.split
        if split is None:
            return
        self.indexed = indexed_amounts(split, self.data.cycle.index_rate, self.index_years)
        self.charged = split.member.copy()
        self.row_of = {obj.code: i for i, obj in enumerate(split.objects)}
        for code in sorted(self.after_incurred()):
            i = self.row_of.get(code)
            if i is not None:
                self.charged[i] = False
                self._after_incurred(code, self.yearly(code))

    def yearly(self, obj: str) -> dict[str, int]:
        """organisation → the weighted object's yearly amount with index."""
        assert self.split is not None
        return self.split.row(self.row_of[obj], self.indexed)

    def _cell(self, obj: str, org: str, kind: str) -> tuple[int, int] | None:
        """(row, column) of a cell still charged evenly from the arrays, else None."""
        i = self.row_of.get(obj)
        if i is None or self.split is None or self.charged is None or self.split.objects[i].kind != kind:
            return None
        j = self.split.column(org)
        if j is None or not self.charged[i, j]:
            return None
        return i, j

    def _after_incurred(self, obj: str, yearly: Mapping[str, int]) -> None:
        incurred: dict[int, int] = defaultdict(int)
        for row in self.data.incurred_costs:
            if row.proposal == obj and row.year == self.year:
                incurred[row.period.months[-1]] += row.amount
        charges, rest = charged_after_incurred(incurred, sum(yearly.values()))
        orgs = sorted(yearly)
        weights = [abs(yearly[o]) for o in orgs]
        per_org: dict[str, list[int]] = {o: [0] * 12 for o in orgs}
        for i, charge in enumerate(charges):
            if charge and sum(weights):
                for org, part in zip(orgs, split_one(charge, weights), strict=True):
                    per_org[org][i] = part
        for org in orgs:
            self.months[(obj, org, "incurred")] = per_org[org]
        if rest:
            self.not_invoiced.append(NotInvoiced(self.year, obj, "not_incurred", rest))

    def exempt(self) -> None:
        months_of: dict[tuple[str, str], set[int]] = defaultdict(set)
        for e in self.data.exemptions:
            if e.year != self.year:
                continue
            key = (e.service, e.organisation, "service")
            if key not in self.even and key not in self.months and self._cell(*key) is None:
                self.problems.append(
                    f"exemption: organisation {e.organisation} is not charged for service {e.service} in {self.year} "
                    "through its key (only key-distributed base services can be exempted)"
                )
                continue
            months_of[(e.service, e.organisation)] |= set(range(e.from_period.months[0], e.to_period.months[-1] + 1))
        for (service, org), months in sorted(months_of.items()):
            for month in sorted(months):
                self._exempt_month(service, org, month, months_of)

    def _exempt_month(self, service: str, org: str, month: int, months_of: Mapping[tuple[str, str], set[int]]) -> None:
        i = month - 1
        key = (service, org, "service")
        cell = self._cell(*key)
        if cell is not None:  # from now on kept month by month
            assert self.indexed is not None and self.charged is not None
            self.months[key] = month_split(int(self.indexed[cell]))
            self.charged[cell] = False
        own = self.months[key]
        amount = own[i]
        if amount == 0:
            return
        own[i] = 0
        period = MONTH_PERIODS[i]
        self.exempted.append(Exempted(self.year, period, service, org, amount))
        yearly = self.yearly(service)
        others = sorted(o for o in yearly if o != org and month not in months_of.get((service, o), set()))
        weights = [abs(yearly[o]) for o in others]
        if not others or sum(weights) == 0:
            self.not_invoiced.append(NotInvoiced(self.year, service, "exempted_unshared", amount, period, org))
            return
        for other, part in zip(others, split_one(amount, weights), strict=True):
            self.months.setdefault((service, other, "exemption_share"), [0] * 12)[i] += part

    def category(self, obj: str) -> ServiceCategory:
        service = self.services.get(obj)
        if service is None:
            proposal = self.proposals.get(obj)
            service = self.services.get(proposal.service) if proposal and proposal.service else None
        # An initiative of no service is shared by the supplier's base and infrastructure customers.
        return service.category if service else ServiceCategory.BASE

    def supplier(self, obj: str) -> str:
        service = self.services.get(obj)
        return service.supplier if service else self.proposals[obj].supplier

    def drop_own(self) -> None:
        """A supplier's own use of its services is not invoiced unless configured: not invoiced."""
        dropped: dict[tuple[str, str], int] = defaultdict(int)
        suppliers = {obj: self.supplier(obj) for obj, _, _ in (*self.even, *self.months)}
        for (obj, org, kind), amount in list(self.even.items()):
            if org == suppliers[obj] and org not in self.own_services:
                del self.even[(obj, org, kind)]
                dropped[(obj, org)] += amount
        for (obj, org, kind), months in list(self.months.items()):
            if org == suppliers[obj] and org not in self.own_services:
                del self.months[(obj, org, kind)]
                dropped[(obj, org)] += sum(months)
        if self.split is not None:
            assert self.indexed is not None and self.charged is not None
            for weighted in self.split.objects:
                supplier = self.supplier(weighted.code)
                cell = None if supplier in self.own_services else self._cell(weighted.code, supplier, weighted.kind)
                if cell is not None:
                    self.charged[cell] = False
                    dropped[(weighted.code, supplier)] += int(self.indexed[cell])
        for (obj, org), amount in sorted(dropped.items()):
            if amount:
                self.not_invoiced.append(NotInvoiced(self.year, obj, "own_service", amount, None, org))

    def lines(self, periods: Iterable[Period]) -> list[InvoiceLine]:
        """The lines of `periods`, in period, supplier, organisation, object and kind order.

        The cells charged evenly from the arrays (most of a large cycle) are worked out as arrays:
        each period's part, the VAT and the order; a line object is made only for a line with
        an amount. The other cells (subscriptions, exemptions, incurred costs) one by one."""
        split, indexed, charged = self.split, self.indexed, self.charged
        if split is not None and charged is not None and indexed is not None:
            rows, columns = np.nonzero(charged)
            yearly = indexed[rows, columns]
            row_objects = [obj.code for obj in split.objects]
            row_kinds = [obj.kind for obj in split.objects]
        else:
            rows = columns = yearly = np.zeros(0, dtype=np.int64)
            row_objects, row_kinds = [], []
        others = list((*self.even, *self.months))
        codes = {*row_objects, *(c[0] for c in others)}
        # Looked up once per object and rate, not per line: a large cycle has millions of lines.
        objects = {obj: (self.category(obj), self.supplier(obj)) for obj in codes}
        zero = Decimal(0)
        rate_of = {
            (org, category): self.vat.get((kind, category), zero)
            for org, kind in self.kinds.items()
            for category in {c for c, _ in objects.values()}
        }
        organisations = sorted({*(split.organisations if split is not None else ()), *(c[1] for c in others)})
        # Every cell's (supplier, organisation, object, kind) as ranks, the arrays' first.
        rank = _ranks
        supplier_rank, org_rank = rank(s for _, s in objects.values()), rank(organisations)
        object_rank, kind_rank = rank(codes), rank({*row_kinds, *(c[2] for c in others)})
        row_supplier = np.array([supplier_rank[objects[o][1]] for o in row_objects], dtype=np.int64)
        column_org = np.array([org_rank[o] for o in (split.organisations if split is not None else ())], dtype=np.int64)
        row_object = np.array([object_rank[o] for o in row_objects], dtype=np.int64)
        row_kind = np.array([kind_rank[k] for k in row_kinds], dtype=np.int64)
        keys = [
            np.concatenate([row_supplier[rows], [supplier_rank[objects[c[0]][1]] for c in others]]),
            np.concatenate([column_org[columns], [org_rank[c[1]] for c in others]]),
            np.concatenate([row_object[rows], [object_rank[c[0]] for c in others]]),
            np.concatenate([row_kind[rows], [kind_rank[c[2]] for c in others]]),
        ]
        order = np.lexsort(keys[::-1])
        del keys  # a large cycle's cells are millions: what is done with goes before the lines are made
        names = split.organisations if split is not None else ()
        # Each cell's VAT rate as an index into `rates`, from the object's category (per row) and
        # the organisation's kind (per column).
        rates = sorted(set(rate_of.values()) | {zero})
        rate_index = {rate: i for i, rate in enumerate(rates)}
        categories = sorted({c for c, _ in objects.values()})
        column_rates = np.array(
            [[rate_index[rate_of.get((org, c), zero)] for c in categories] for org in names], dtype=np.int64
        ).reshape(len(names), len(categories))
        row_category = np.array([categories.index(objects[o][0]) for o in row_objects], dtype=np.int64)
        other_rates = np.array(
            [rate_index[rate_of.get((c[1], objects[c[0]][0]), zero)] for c in others], dtype=np.int64
        )
        cell_rates = np.concatenate([column_rates[columns, row_category[rows]], other_rates]).astype(np.int64)

        # Every cell's texts as object arrays (arrays' cells, then the others), taken in line order
        # per period and made into lines a column at a time (`build_rows`).
        def texts(per_row: list[Any], per_column: Sequence[Any], of_other: list[Any]) -> np.ndarray:
            out = np.empty(len(yearly) + len(others), dtype=object)
            if per_row:
                out[: len(yearly)] = np.array(per_row, dtype=object)[rows]
            if len(per_column):
                out[: len(yearly)] = np.array(per_column, dtype=object)[columns]
            out[len(yearly) :] = of_other
            return out

        cell_object = texts(row_objects, (), [c[0] for c in others])
        cell_org = texts([], names, [c[1] for c in others])
        cell_kind = texts(row_kinds, (), [c[2] for c in others])
        cell_category = texts([objects[o][0] for o in row_objects], (), [objects[c[0]][0] for c in others])
        cell_supplier = texts([objects[o][1] for o in row_objects], (), [objects[c[0]][1] for c in others])
        rate_objects = np.empty(len(rates), dtype=object)
        rate_objects[:] = rates
        lines: list[InvoiceLine] = []
        for period in sorted(periods, key=list(Period).index):
            start, stop = period.months[0] - 1, period.months[-1]
            other_nets = [self._other_part(c, start, stop) for c in others]
            nets = np.concatenate([_period_parts(yearly, start, stop), np.array(other_nets, dtype=np.int64)])
            vats = _vat(nets, cell_rates, rates)
            shown_all = order[nets[order] != 0]
            # A block of lines at a time: the columns of all of a large cycle's lines at once
            # (a list per field) were a gigabyte beside the lines themselves.
            for first in range(0, len(shown_all), _LINE_BLOCK):
                shown = shown_all[first : first + _LINE_BLOCK]
                count = len(shown)
                columns_of_lines = [
                    [self.year] * count,
                    [period] * count,
                    cell_supplier[shown].tolist(),
                    cell_org[shown].tolist(),
                    cell_object[shown].tolist(),
                    cell_kind[shown].tolist(),
                    cell_category[shown].tolist(),
                    nets[shown].tolist(),
                    rate_objects[cell_rates[shown]].tolist(),
                    vats[shown].tolist(),
                ]
                lines.extend(build_rows(InvoiceLine, LINE_FIELDS, columns_of_lines))
        return lines

    def _other_part(self, cell: tuple[str, str, str], start: int, stop: int) -> int:
        even = self.even.get(cell)
        return period_part(even, start, stop) if even is not None else sum(self.months[cell][start:stop])


# Invoice lines made at a time (`_Builder.lines`).
_LINE_BLOCK = 65_536


def _ranks(values: Iterable[str]) -> dict[str, int]:
    return {value: i for i, value in enumerate(sorted(set(values)))}


def _period_parts(yearly: np.ndarray, start: int, stop: int) -> np.ndarray:
    """`period_part` of every yearly amount at once."""
    whole, left = np.divmod(np.abs(yearly), 12)
    part = whole * (stop - start) + np.clip(np.minimum(stop, left) - start, 0, None)
    parts: np.ndarray = np.where(yearly >= 0, part, -part)
    return parts


def _vat(nets: np.ndarray, rate_at: np.ndarray, rates: list[Decimal]) -> np.ndarray:
    """Each line's VAT: net × its rate rounded half-up per line, exactly (integers: each rate is
    numerator / denominator), a rate at a time; Python integers where int64 could overflow."""
    vats = np.zeros(len(nets), dtype=np.int64)
    for index, rate in enumerate(rates):
        if not rate:
            continue
        chosen = np.flatnonzero(rate_at == index)
        exact = Fraction(rate)
        net = nets[chosen]
        if len(net) and int(np.abs(net).max()) * exact.numerator * 2 >= 2**62:
            vats[chosen] = [round_half_up_ratio(n * exact.numerator, exact.denominator) for n in net.tolist()]
            continue
        scaled = net * exact.numerator
        whole, rest = np.divmod(np.abs(scaled), exact.denominator)
        whole += 2 * rest >= exact.denominator
        vats[chosen] = np.where(scaled < 0, -whole, whole)
    return vats


def invoicing_base(
    data: CycleData,
    year: int,
    resolution: Resolution | None = None,
    *,
    granularity: Granularity = Granularity.QUARTER,
    own_services: frozenset[str] = frozenset(),
    only: Period | None = None,
) -> InvoicingBase:
    """The invoicing base of `year`: invoice lines per period, organisation and service.

    Years after the base year need `resolution` (the decided scenario). Lines per object and
    organisation sum over the year's periods to the distributed amount with index (module
    docstring); subscriptions to quantity × unit price; after-incurred initiatives to what is
    incurred, capped. `own_services`: the suppliers invoiced for their own use of their services
    (default none). `only`: compute the lines of that period alone (what one invoice run needs);
    what is exempted or not invoiced is reported for the whole year either way. Raises
    InvoicingError (or AllocationError) with every problem.
    """
    if only is not None and only not in granularity.periods:
        raise InvoicingError([f"period {only} is not a {granularity} of the year"])
    if year > data.cycle.base_year and resolution is None:
        raise InvoicingError([f"{year} is after the base year {data.cycle.base_year}: name the decided scenario"])
    allocation = allocate(data, year, resolution if year > data.cycle.base_year else None)
    builder = _Builder(data, year, allocation, resolution, own_services)
    builder.distribute()
    builder.exempt()
    builder.drop_own()
    if builder.problems:
        raise InvoicingError(builder.problems)
    with without_gc():  # a large cycle's lines are millions of new objects, with no cycles among them
        lines = tuple(builder.lines(granularity.periods if only is None else (only,)))
    return InvoicingBase(
        year=year,
        granularity=granularity,
        index_rate=data.cycle.index_rate,
        index_years=builder.index_years,
        lines=lines,
        exempted=tuple(builder.exempted),
        not_invoiced=tuple(sorted(builder.not_invoiced, key=lambda n: (n.object, n.kind, str(n.period)))),
        only=only,
    )


def parse_period(text: str, year: int | None = None) -> tuple[int | None, Period]:
    """``q1``, ``2026-q1``, ``m03`` or ``2026-m03`` → (year or None, Period). Raises ValueError."""
    value = text.strip().lower()
    found_year: int | None = None
    if "-" in value:
        head, _, value = value.partition("-")
        if not head.isdigit():
            raise ValueError(f"not a period: {text!r} (write e.g. 2026-q1, q1 or 2026-m03)")
        found_year = int(head)
    if value.startswith("m") and value[1:].isdigit() and len(value) == 2:
        value = f"m0{value[1]}"  # m3 → m03
    try:
        period = Period(value)
    except ValueError:
        raise ValueError(f"not a period: {text!r} (write e.g. 2026-q1, q1 or 2026-m03)") from None
    if year is not None and found_year is not None and year != found_year:
        raise ValueError(f"period {text} is not in year {year}")
    return found_year if found_year is not None else year, period


def granularity_of(period: Period) -> Granularity:
    return Granularity.QUARTER if period.value.startswith("q") else Granularity.MONTH
