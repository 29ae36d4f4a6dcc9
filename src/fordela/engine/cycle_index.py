"""The lookups over one cycle that distributing, explaining and simulating share."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from fordela.engine.lookups import per_data
from fordela.engine.model import CycleData, ServiceYear
from fordela.engine.money import round_half_up


class CycleIndex:
    """Lookups over one cycle, built in one pass over each table; `CycleIndex.of(data)` builds it
    once per CycleData and shares it (allocations, explanations and simulations of one cycle).
    Never changed after it is built."""

    @staticmethod
    def of(data: CycleData) -> CycleIndex:
        return per_data(data, "allocation-index", CycleIndex)

    def __init__(self, data: CycleData) -> None:
        self.data = data
        self.keys = {k.code: k for k in data.keys}
        self.organisations = {o.code: o for o in data.organisations}
        self.org_order = sorted(self.organisations)
        self.column = {code: i for i, code in enumerate(self.org_order)}
        self.driver_codes = {d.code for d in data.drivers}
        self.driver_values = {(v.driver, v.organisation, v.year): v.value for v in data.driver_values}
        self.shares: dict[str, dict[str, Decimal]] = defaultdict(dict)
        for s in data.key_shares:
            self.shares[s.key][s.organisation] = s.share
        self.service_years = {(sy.service, sy.year): sy for sy in data.service_years}
        self.history: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
        for h in data.allocation_history:
            self.history[(h.service, h.year)][h.organisation] = h.amount
        self.subscriptions: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
        for sub in data.subscriptions:
            price = int(round_half_up(Fraction(sub.quantity) * sub.unit_price))
            self.subscriptions[(sub.service, sub.year)].append((sub.organisation, price))
        # One pass over the participation rows, grouped by service: looking a service up must
        # never scan every row (that made allocating quadratic in the size of the cycle).
        # Within a service, organisations are grouped by the years their rows cover (a few distinct
        # spans: most rows run from one year on), so a service's participants in a year are a
        # union of a few groups, not a test of each of its rows.
        self.participation: dict[str, dict[tuple[int, int | None], list[str]]] = defaultdict(lambda: defaultdict(list))
        for p in data.participation:
            self.participation[p.service][(p.from_year, p.to_year)].append(p.organisation)
        # Each service's years in order, for "the key carries on from the latest earlier row".
        self.years_of: dict[str, list[ServiceYear]] = defaultdict(list)
        for sy in sorted(data.service_years, key=lambda sy: sy.year):
            self.years_of[sy.service].append(sy)
        # Weight → (integer digits, exponent), memoised: the same driver values are scaled for
        # every object that uses the driver. Filled while splitting; a value's entry never changes.
        self.decimal_parts: dict[Decimal | int, tuple[int, int]] = {}
        # Year → object → organisation → öre of the allocation a frozen key repeats (years up to
        # the base year depend on the data alone). Filled on first use; an entry never changes.
        self.repeated: dict[int, dict[str, dict[str, int]]] = {}
        self._participants: dict[tuple[str, int], frozenset[str]] = {}
        self._driver_year: dict[tuple[str, int], dict[str, Decimal | int]] = {}

    def driver_year(self, driver: str, year: int) -> dict[str, Decimal | int]:
        """organisation → its value of `driver` in `year`: one dict per driver and year, so a
        weight is one lookup by organisation (every object using the driver reads it)."""
        if not self._driver_year and self.driver_values:
            grouped: dict[tuple[str, int], dict[str, Decimal | int]] = defaultdict(dict)
            for (d, org, y), value in self.driver_values.items():  # one pass for every driver and year
                grouped[(d, y)][org] = value
            self._driver_year.update(grouped)
        return self._driver_year.get((driver, year), {})

    def service_year(self, service: str, year: int) -> tuple[int | None, str | None]:
        """(cost, key) recorded for the service in `year`; the key carries on from the latest earlier row."""
        row = self.service_years.get((service, year))
        if row is not None:
            return row.cost, row.key
        earlier = [sy for sy in self.years_of.get(service, ()) if sy.year < year]
        if not earlier:
            return None, None
        return None, earlier[-1].key

    def participants(self, service: str, year: int) -> set[str]:
        """The organisations taking part in `service` in `year` (a new set the caller may change)."""
        key = (service, year)
        found = self._participants.get(key)
        if found is None:
            # Once per service and year: allocating asks for each service twice, and a cycle's
            # allocations of several years and scenarios share the index.
            spans = self.participation.get(service, {})
            found = frozenset().union(
                *(orgs for (start, end), orgs in spans.items() if start <= year and (end is None or year <= end))
            )
            self._participants[key] = found
        return set(found)
