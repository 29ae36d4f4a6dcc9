"""What a distribution produces: its lines, under/over-recoveries, the cost objects it split, and
the error that lists every problem of a year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from fordela.engine.model import DistributionKey, KeyMethod


class AllocationError(ValueError):
    """Every problem found while distributing one year, one message each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class AllocationLine:
    object: str  # service code, or the proposal code of a change initiative
    organisation: str
    year: int
    amount: int
    key: str
    method: KeyMethod
    kind: str = "service"  # service | initiative | subscription
    # The trail of a weighted split (None for subscriptions): this organisation's weight under the
    # key (driver value, share, 1, or the frozen year's amount) and the total that was split.
    weight: Decimal | int | None = None
    split_total: int | None = None


@dataclass(frozen=True, slots=True)
class Recovery:
    """What subscriptions did not cover (under), covered twice (over) or left over (surplus)."""

    object: str
    year: int
    kind: str  # under_recovery | over_recovery | surplus
    amount: int


@dataclass(frozen=True, slots=True)
class CostObject:
    """One thing to distribute: its cost, key and participants for the year."""

    code: str
    kind: str
    cost: int
    key: DistributionKey
    participants: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Allocation:
    year: int
    scenario: str | None
    objects: tuple[CostObject, ...]
    lines: tuple[AllocationLine, ...]
    recoveries: tuple[Recovery, ...] = field(default=())

    def by_organisation(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for line in self.lines:
            totals[line.organisation] += line.amount
        return dict(totals)

    def by_object(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for line in self.lines:
            totals[line.object] += line.amount
        return dict(totals)
