"""Computed results of a cycle revision, cached in this process: many viewers, one computation.

**What is cached.** A scenario's allocations, explanations, summaries (bridges, lists and
bills), invoicing bases and open datasets — everything the pages recompute from one cycle.
**Key**: the CycleData object of the revision (``cycle_data`` hands out one object per
(cycle, import, revision), see `fordela.cycle.selectors`) plus the name of the result and its
arguments (year, scenario code, organisation, ...). A write that changes computed results bumps
the cycle's revision (`fordela.cycle.services.cycle_touch`, called by every write service — the
one place to hook a new write), the next request loads a new CycleData, and every entry of the old
revision is simply never asked for again and falls out of the LRU. So a stale result cannot be
served, in one process or in many: each process checks the revision in the database (one indexed
query) on every request before it looks here.

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

from fordela.cycle.selectors import cache_enabled
from fordela.engine.allocate import allocate
from fordela.engine.allocation_types import Allocation, AllocationError
from fordela.engine.explain import (
    Explanation,
    KeySimulation,
    YearBill,
    explain_organisation,
    simulate_key,
    with_index_by_object,
)
from fordela.engine.invoicing import Granularity, InvoicingBase, invoicing_base
from fordela.engine.model import CycleData
from fordela.engine.scenario import Resolution, resolve_code

T = TypeVar("T")
Key = tuple[int, str, tuple[Hashable, ...]]

_entries: OrderedDict[Key, tuple[CycleData, object]] = OrderedDict()
_building: dict[Key, threading.Lock] = {}
_current: dict[str, CycleData] = {}  # cycle code → the CycleData whose entries are kept
_lock = threading.Lock()


def computed(data: CycleData, name: str, args: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """`build()`, once per (revision of the cycle `data`, `name`, `args`) in this process.

    An exception from `build` is not cached (the next request tries again and reports it).
    """
    if not cache_enabled():
        return build()
    key: Key = (id(data), name, args)
    with _lock:
        entry = _entries.get(key)
        if entry is not None and entry[0] is data:
            _entries.move_to_end(key)
            return cast(T, entry[1])
        building = _building.setdefault(key, threading.Lock())
    with building:
        with _lock:
            entry = _entries.get(key)
            if entry is not None and entry[0] is data:
                return cast(T, entry[1])
            _forget_older(data)
        try:
            value = build()
        finally:
            with _lock:
                _building.pop(key, None)
        with _lock:
            # The entry holds `data`, so id(data) cannot be reused by another object meanwhile.
            _entries[key] = (data, value)
            limit = int(getattr(settings, "FORDELA_CACHE_ENTRIES", 256))
            while len(_entries) > limit:
                _entries.popitem(last=False)
    return value


def _forget_older(data: CycleData) -> None:
    """Drop the entries of the cycle's other CycleData objects (earlier revisions) once a new one
    is in use, so a burst of writes does not keep many copies of a large cycle alive. Called
    with `_lock` held."""
    code = data.cycle.code
    if _current.get(code) is data:
        return
    _current[code] = data
    for key in [k for k, (d, _) in _entries.items() if d is not data and d.cycle.code == code]:
        del _entries[key]


def cache_clear() -> None:
    with _lock:
        _entries.clear()
        _current.clear()


def resolution_of(data: CycleData, scenario: str) -> Resolution:
    """The scenario (or review stage) `scenario` resolved. Raises ScenarioError."""
    return computed(data, "resolution", (scenario,), lambda: resolve_code(data, scenario))


def allocation_of(data: CycleData, year: int, scenario: str | None) -> Allocation:
    """`allocate` of `year` under the scenario (ignored up to the base year). Raises AllocationError."""
    if scenario is None or year <= data.cycle.base_year:
        return computed(data, "allocation", (year, None), lambda: allocate(data, year))
    resolution = resolution_of(data, scenario)
    return computed(data, "allocation", (year, scenario), lambda: allocate(data, year, resolution))


def totals_of(data: CycleData, year: int, scenario: str | None) -> dict[str, int]:
    """Every organisation's total of `year` under the scenario (organisation → öre)."""
    key = scenario if year > data.cycle.base_year else None
    return computed(data, "totals", (year, key), lambda: allocation_of(data, year, key).by_organisation())


def simulation_of(data: CycleData, resolution: Resolution, service: str, key: str, year: int) -> KeySimulation:
    """`simulate_key` of the service under the alternative key (a resolution of `data` by code)."""
    return computed(
        data,
        "simulation",
        (resolution.code, service, key, year),
        lambda: simulate_key(data, resolution, service, key, year),
    )


def explanation_of(data: CycleData, scenario: str, organisation: str) -> Explanation:
    """The organisation's change from the base year to the target year under the scenario."""

    def build() -> Explanation:
        before = allocation_of(data, data.cycle.base_year, None)
        after = allocation_of(data, data.cycle.target_year, scenario)
        resolution = resolution_of(data, scenario)
        return explain_organisation(data, resolution, organisation, before=before, after=after)

    return computed(data, "explanation", (scenario, organisation), build)


def invoicing_base_of(
    data: CycleData, year: int, scenario: str, granularity: Granularity, own_services: frozenset[str] = frozenset()
) -> InvoicingBase:
    """The invoicing base of `year` as decided by `scenario`, suppliers in `own_services` invoiced
    for their own services too. Raises InvoicingError/AllocationError."""

    def build() -> InvoicingBase:
        resolution = resolution_of(data, scenario) if year > data.cycle.base_year else None
        return invoicing_base(data, year, resolution, granularity=granularity, own_services=own_services)

    key = (year, scenario, granularity.value, tuple(sorted(own_services)))
    return computed(data, "invoicing-base", key, build)


def indexed_totals_of(data: CycleData, year: int, scenario: str | None) -> dict[str, int]:
    """Every organisation's total of `year` with index, as invoiced (organisation → öre)."""
    key = scenario if year > data.cycle.base_year else None

    def build() -> dict[str, int]:
        totals: dict[str, int] = {}
        for amounts in with_index_by_object(data, allocation_of(data, year, key)).values():
            for organisation, amount in amounts.items():
                totals[organisation] = totals.get(organisation, 0) + amount
        return totals

    return computed(data, "indexed-totals", (year, key), build)


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
