"""Code → row lookups of one cycle, built once per CycleData and shared by every caller.

Reports and pages ask "what is this organisation called?" once per line; scanning the
organisations for each answer made them quadratic in the size of the cycle. `lookups(data)`
builds the dictionaries in one pass and keeps them for the few CycleData objects in use (the
same object is reused for a cycle revision, see `fordela.cycle.selectors.cycle_data`).
`per_data` does the same for any value derived from a CycleData alone (the allocation index).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from fordela.engine.model import CycleData, DistributionKey, Organisation, Proposal, Service

_KEEP = 16  # (CycleData, name) entries kept: a few cycles and revisions at a time
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Lookups:
    organisations: dict[str, Organisation]
    services: dict[str, Service]
    proposals: dict[str, Proposal]
    keys: dict[str, DistributionKey]

    def organisation_name(self, code: str) -> str:
        found = self.organisations.get(code)
        return found.name if found is not None else code

    def service_name(self, code: str) -> str:
        found = self.services.get(code)
        return found.name if found is not None else code


_cache: OrderedDict[tuple[int, str], tuple[CycleData, object]] = OrderedDict()
_lock = threading.Lock()


def per_data(data: CycleData, name: str, build: Callable[[CycleData], T]) -> T:
    """`build(data)`, computed once per CycleData object and `name` and kept for the last few.

    The entry keeps `data` alive, so its id cannot be reused while cached. Only for values that
    are never changed after they are built (they are shared between threads).
    """
    key = (id(data), name)
    # A hit takes no lock (a dict read is atomic): reports ask once per line. Eviction is
    # first-in first-out, which is what a handful of revisions in turn need.
    entry = _cache.get(key)
    if entry is not None and entry[0] is data:
        return cast(T, entry[1])
    built = build(data)
    with _lock:
        _cache[key] = (data, built)
        while len(_cache) > _KEEP:
            _cache.popitem(last=False)
    return built


def _build(data: CycleData) -> Lookups:
    return Lookups(
        organisations={o.code: o for o in data.organisations},
        services={s.code: s for s in data.services},
        proposals={p.code: p for p in data.proposals},
        keys={k.code: k for k in data.keys},
    )


def lookups(data: CycleData) -> Lookups:
    """The code → row lookups of `data`."""
    return per_data(data, "lookups", _build)
