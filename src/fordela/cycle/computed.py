"""Computed results of a cycle revision, cached in this process: many viewers, one computation.

**What is cached.** A scenario's allocations, explanations, summaries (bridges, lists and
bills), invoicing bases and open datasets — everything the pages recompute from one cycle.
**Key**: the cycle's data version (``cycle_data`` loads one CycleData per (cycle, import,
data_revision), see `fordela.cycle.selectors`) plus the name of the result, its arguments (year,
scenario code, organisation, ...) and, for a result that depends on an explicit scenario, the
proposals that scenario includes. A write that changes computed results bumps the cycle's
revisions (`fordela.cycle.services.cycle_touch`, called by every write service — the one place to
hook a new write); a scenario toggle bumps only the revision, not the data revision, so results
that do not depend on the toggled scenario stay (the allocation as decided, every organisation's
bill) and those that do are keyed by its new set of proposals. Entries of an old data version
are never asked for again and are dropped. So a stale result cannot be served, in one process or
in many: each process checks the revisions in the database (one indexed query) on every request
before it looks here. A result that does not say which scenario it depends on
(``scenario=ALL_SCENARIOS``, the default) is keyed by the CycleData object itself.

**Why not Django's cache framework.** Its local-memory backend pickles every value on each
``set`` and ``get``; for these results (immutable engine objects, up to millions of lines on a
large cycle) unpickling costs as much as recomputing. The values here are immutable and shared
as they are. A shared cache (Redis, database) between processes would have to pickle too, and
would only save the first computation per process; the revision key would keep it correct.

**One computation for many viewers.** When an entry is missing, the first request computes it;
concurrent requests for the same entry wait for that result instead of computing it again.

``FORDELA_CACHE=0`` (setting ``FORDELA_CACHE``) turns caching off — also the per-revision
CycleData — so every request reloads and recomputes (how the load benchmark measures "before").
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

from django.conf import settings

from fordela.cycle.selectors import cache_enabled, data_version, explicit_members
from fordela.engine.allocate import allocate
from fordela.engine.allocation_types import Allocation, AllocationError
from fordela.engine.explain import (
    Explanation,
    KeySimulation,
    YearBill,
    explain_organisation,
    simulate_key,
    with_index_by_organisation,
)
from fordela.engine.invoicing import Granularity, InvoicingBase, invoicing_base
from fordela.engine.model import CycleData
from fordela.engine.scenario import Resolution, resolve_code

T = TypeVar("T")
# (the data version or id of the CycleData, name, args, proposals of the explicit scenario it depends on)
Key = tuple[Hashable, str, tuple[Hashable, ...], Hashable]


class _AllScenarios:
    """`computed(scenario=ALL_SCENARIOS)`: the result may depend on every explicit scenario."""


ALL_SCENARIOS = _AllScenarios()

# key → (identity: the CycleData or the data version the key was made of, cycle code,
#         generation: the data version, or the CycleData when it has none; value)
_entries: OrderedDict[Key, tuple[object, str, object, object]] = OrderedDict()
_building: dict[Key, threading.Lock] = {}
_current: dict[str, object] = {}  # cycle code → the generation whose entries are kept
_lock = threading.Lock()


def computed(
    data: CycleData,
    name: str,
    args: tuple[Hashable, ...],
    build: Callable[[], T],
    *,
    scenario: str | None | _AllScenarios = ALL_SCENARIOS,
) -> T:
    """`build()`, once per (version of the cycle `data`, `name`, `args`) in this process.

    `scenario`: the one scenario (or stage) code the result depends on, None for none; by default
    it may depend on all of them. A result that depends on no explicit scenario is kept across
    scenario toggles, one that does is keyed by the proposals that scenario includes.
    An exception from `build` is not cached (the next request tries again and reports it).
    """
    if not cache_enabled():
        return build()
    version = data_version(data)
    if version is None or isinstance(scenario, _AllScenarios):
        # Keyed by this very CycleData (held by the entry, so its id is not reused meanwhile).
        identity: object = data
        key: Key = (id(data), name, args, None)
    else:
        # Keyed by value: every CycleData of this data version with the same proposals in
        # `scenario` gives the same result.
        identity = version
        key = (version, name, args, explicit_members(data, scenario))
    code = data.cycle.code
    generation: object = data if version is None else version
    with _lock:
        entry = _entries.get(key)
        if entry is not None and _same(entry[0], identity):
            _entries.move_to_end(key)
            return cast(T, entry[3])
        building = _building.setdefault(key, threading.Lock())
    with building:
        with _lock:
            entry = _entries.get(key)
            if entry is not None and _same(entry[0], identity):
                return cast(T, entry[3])
            _forget_older(code, generation)
        try:
            value = build()
        finally:
            with _lock:
                _building.pop(key, None)
        with _lock:
            _entries[key] = (identity, code, generation, value)
            limit = int(getattr(settings, "FORDELA_CACHE_ENTRIES", 256))
            while len(_entries) > limit:
                _entries.popitem(last=False)
    return value


def _forget_older(code: str, generation: object) -> None:
    """Drop the entries of the cycle's earlier data versions (or CycleData objects) once a new one
    is in use, so a burst of writes does not keep many copies of a large cycle alive. Called with
    `_lock` held."""
    if _same(_current.get(code), generation):
        return
    _current[code] = generation
    for key in [k for k, (_, c, g, _) in _entries.items() if c == code and not _same(g, generation)]:
        del _entries[key]


def _same(identity: object, other: object) -> bool:
    """A data version is compared by value, a CycleData by identity (its __eq__ compares every row)."""
    return identity is other or (isinstance(identity, tuple) and identity == other)


def cache_clear() -> None:
    with _lock:
        _entries.clear()
        _current.clear()


def resolution_of(data: CycleData, scenario: str) -> Resolution:
    """The scenario (or review stage) `scenario` resolved. Raises ScenarioError."""
    return computed(data, "resolution", (scenario,), lambda: resolve_code(data, scenario), scenario=scenario)


def allocation_of(data: CycleData, year: int, scenario: str | None) -> Allocation:
    """`allocate` of `year` under the scenario (ignored up to the base year). Raises AllocationError."""
    if scenario is None or year <= data.cycle.base_year:
        return computed(data, "allocation", (year, None), lambda: allocate(data, year), scenario=None)
    resolution = resolution_of(data, scenario)
    return computed(data, "allocation", (year, scenario), lambda: allocate(data, year, resolution), scenario=scenario)


def totals_of(data: CycleData, year: int, scenario: str | None) -> dict[str, int]:
    """Every organisation's total of `year` under the scenario (organisation → öre)."""
    key = scenario if year > data.cycle.base_year else None
    build = lambda: allocation_of(data, year, key).by_organisation()  # noqa: E731
    return computed(data, "totals", (year, key), build, scenario=key)


def simulation_of(data: CycleData, resolution: Resolution, service: str, key: str, year: int) -> KeySimulation:
    """`simulate_key` of the service under the alternative key (a resolution of `data` by code)."""
    return computed(
        data,
        "simulation",
        (resolution.code, service, key, year),
        lambda: simulate_key(data, resolution, service, key, year),
        scenario=resolution.code,
    )


def explanation_of(data: CycleData, scenario: str, organisation: str) -> Explanation:
    """The organisation's change from the base year to the target year under the scenario."""

    def build() -> Explanation:
        before = allocation_of(data, data.cycle.base_year, None)
        after = allocation_of(data, data.cycle.target_year, scenario)
        resolution = resolution_of(data, scenario)
        return explain_organisation(data, resolution, organisation, before=before, after=after)

    return computed(data, "explanation", (scenario, organisation), build, scenario=scenario)


def invoicing_base_of(
    data: CycleData, year: int, scenario: str, granularity: Granularity, own_services: frozenset[str] = frozenset()
) -> InvoicingBase:
    """The invoicing base of `year` as decided by `scenario`, suppliers in `own_services` invoiced
    for their own services too. Raises InvoicingError/AllocationError."""

    def build() -> InvoicingBase:
        resolution = resolution_of(data, scenario) if year > data.cycle.base_year else None
        return invoicing_base(data, year, resolution, granularity=granularity, own_services=own_services)

    key = (year, scenario, granularity.value, tuple(sorted(own_services)))
    return computed(data, "invoicing-base", key, build, scenario=scenario if year > data.cycle.base_year else None)


def indexed_totals_of(data: CycleData, year: int, scenario: str | None) -> dict[str, int]:
    """Every organisation's total of `year` with index, as invoiced (organisation → öre)."""
    key = scenario if year > data.cycle.base_year else None

    build = lambda: with_index_by_organisation(data, allocation_of(data, year, key))  # noqa: E731
    return computed(data, "indexed-totals", (year, key), build, scenario=key)


def bills_of(data: CycleData, scenario: str, organisation: str, years: tuple[int, ...]) -> tuple[YearBill, ...]:
    """`fordela.engine.explain.bills_by_year` from the per-revision totals of every organisation:
    one split per year and scenario, whichever organisation is asked for."""
    bills = []
    for year in years:
        try:
            amount = totals_of(data, year, scenario).get(organisation, 0)
            indexed = indexed_totals_of(data, year, scenario).get(organisation, 0)
        except AllocationError as error:
            bills.append(YearBill(year, None, None, error.problems))
            continue
        bills.append(YearBill(year, amount, indexed))
    return tuple(bills)
