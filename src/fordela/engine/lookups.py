"""Code → row lookups of one cycle, built once per CycleData and shared by every caller.

Reports and pages ask "what is this organisation called?" once per line; scanning the
organisations for each answer made them quadratic in the size of the cycle. `lookups(data)`
builds the dictionaries in one pass and keeps them for the few CycleData objects in use (the
same object is reused for a cycle revision, see `fordela.cycle.loading`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from fordela.engine.model import CycleData, DistributionKey, Organisation, Proposal, Service

_KEEP = 8  # CycleData objects whose lookups are kept (a few cycles and revisions at a time)


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


_cache: OrderedDict[int, tuple[CycleData, Lookups]] = OrderedDict()
_lock = threading.Lock()


def lookups(data: CycleData) -> Lookups:
    """The lookups of `data` (built on first use; the entry keeps `data` alive, so its id is unique)."""
    with _lock:
        entry = _cache.get(id(data))
        if entry is not None and entry[0] is data:
            _cache.move_to_end(id(data))
            return entry[1]
    built = Lookups(
        organisations={o.code: o for o in data.organisations},
        services={s.code: s for s in data.services},
        proposals={p.code: p for p in data.proposals},
        keys={k.code: k for k in data.keys},
    )
    with _lock:
        _cache[id(data)] = (data, built)
        while len(_cache) > _KEEP:
            _cache.popitem(last=False)
    return built
