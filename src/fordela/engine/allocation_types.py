"""What a distribution produces: its lines, under/over-recoveries, the cost objects it split, and
the error that lists every problem of a year."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import numpy as np

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


@dataclass(frozen=True, eq=False)
class SplitBlock:
    """The weighted cost objects of one distribution, split in one vectorised call and kept as
    arrays: row i is `objects[i]`, column j is `organisations[j]` (sorted codes), `amounts[i, j]`
    the öre it pays (0 where it takes no part) and `member[i, j]` whether it takes part (has a
    line, possibly of 0 öre). A large cycle has millions of cells: most uses (totals per
    organisation or object, the indexed re-split of the invoicing base) read the arrays, and
    `AllocationLine`s are made only where a reader asks for lines."""

    objects: tuple[CostObject, ...]
    costs: tuple[int, ...]  # what was split per row (a hybrid object's cost less its subscriptions)
    weights: tuple[Mapping[str, Decimal | int], ...]  # each row's weights (the trail of its lines)
    organisations: tuple[str, ...]
    amounts: np.ndarray  # (rows, columns) int64
    member: np.ndarray  # (rows, columns) bool

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SplitBlock):
            return NotImplemented
        return (
            (self.objects, self.costs, self.weights, self.organisations)
            == (other.objects, other.costs, other.weights, other.organisations)
            and np.array_equal(self.amounts, other.amounts)
            and np.array_equal(self.member, other.member)
        )

    __hash__ = None  # type: ignore[assignment]

    def row(self, i: int, amounts: np.ndarray | None = None) -> dict[str, int]:
        """Row i as organisation → öre, in code order (its participants only); of `amounts`
        (an array shaped like `self.amounts`, e.g. the amounts with index) if given."""
        columns = np.flatnonzero(self.member[i]).tolist()
        values = (self.amounts if amounts is None else amounts)[i, columns].tolist()
        names = self.organisations
        return {names[j]: value for j, value in zip(columns, values, strict=True)}

    def column(self, organisation: str) -> int | None:
        """The organisation's column, None if it takes part in no row."""
        j = bisect_left(self.organisations, organisation)
        return j if j < len(self.organisations) and self.organisations[j] == organisation else None

    def organisation_totals(self, amounts: np.ndarray | None = None) -> dict[str, int]:
        """organisation → the sum of its column (of `amounts` if given), for every organisation
        that takes part in some row."""
        sums = (self.amounts if amounts is None else amounts).sum(axis=0).tolist()
        return {self.organisations[j]: sums[j] for j in np.flatnonzero(self.member.any(axis=0)).tolist()}

    def lines(self, year: int, rows: Iterable[int] | None = None) -> list[AllocationLine]:
        """The lines of every row, or of `rows`, in row order and then organisation code."""
        lines: list[AllocationLine] = []
        for i in range(len(self.objects)) if rows is None else rows:
            obj = self.objects[i]
            key, method, kind, cost, weights = obj.key.code, obj.key.method, obj.kind, self.costs[i], self.weights[i]
            lines.extend(
                AllocationLine(obj.code, org, year, amount, key, method, kind, weights[org], cost)
                for org, amount in self.row(i).items()
            )
        return lines


@dataclass(frozen=True)
class Allocation:
    year: int
    scenario: str | None
    objects: tuple[CostObject, ...]
    subscriptions: tuple[AllocationLine, ...]  # the subscription lines, in object order
    split: SplitBlock | None  # every weighted object's lines, as arrays
    recoveries: tuple[Recovery, ...] = field(default=())

    @cached_property
    def lines(self) -> tuple[AllocationLine, ...]:
        """Every line: the subscriptions, then the weighted objects' lines (object order, then
        organisation code). Made on first use: prefer the totals or `split` for large cycles."""
        if self.split is None:
            return self.subscriptions
        return self.subscriptions + tuple(self.split.lines(self.year))

    def object_lines(self, code: str) -> tuple[AllocationLine, ...]:
        """The lines of one object (its subscriptions, then its weighted lines), without making the others'."""
        own = tuple(line for line in self.subscriptions if line.object == code)
        split = self.split
        if split is None:
            return own
        rows = [i for i, obj in enumerate(split.objects) if obj.code == code]
        return own + tuple(split.lines(self.year, rows))

    def organisation_lines(self, organisation: str) -> tuple[AllocationLine, ...]:
        """The lines of one organisation in line order, without making the others'."""
        own = tuple(line for line in self.subscriptions if line.organisation == organisation)
        split = self.split
        if split is None:
            return own
        j = split.column(organisation)
        if j is None:
            return own
        lines = []
        for i in np.flatnonzero(split.member[:, j]).tolist():
            obj = split.objects[i]
            weight, cost = split.weights[i][organisation], split.costs[i]
            amount = int(split.amounts[i, j])
            lines.append(
                AllocationLine(
                    obj.code, organisation, self.year, amount, obj.key.code, obj.key.method, obj.kind, weight, cost
                )
            )
        return own + tuple(lines)

    def cells(self) -> Iterator[tuple[str, str, int]]:
        """(object, organisation, öre) of every line, in line order, without making the lines."""
        for line in self.subscriptions:
            yield line.object, line.organisation, line.amount
        split = self.split
        if split is not None:
            for i, obj in enumerate(split.objects):
                code = obj.code
                for org, amount in split.row(i).items():
                    yield code, org, amount

    def by_organisation(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for line in self.subscriptions:
            totals[line.organisation] += line.amount
        if self.split is not None:
            for org, amount in self.split.organisation_totals().items():
                totals[org] += amount
        return dict(totals)

    def by_object(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for line in self.subscriptions:
            totals[line.object] += line.amount
        if self.split is not None:
            for obj, amount in zip(self.split.objects, self.split.amounts.sum(axis=1).tolist(), strict=True):
                totals[obj.code] += amount
        return dict(totals)
