"""Which proposals a scenario includes, with which amounts.

A scenario is resolved into one `Decision` per proposal. Three kinds (PRODUCT.md, "Scenarios"):
everything proposed; an explicit selection (as proposed); or "as decided by stage X", where each
proposal takes the outcome of its latest review at X or an earlier stage, so a later stage
overrules an earlier one (the coordination group removed the HR chatbot that the preparation
had approved). A proposal no stage has reviewed is not included in a stage scenario.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from fordela.engine.amounts import amount_in_year, proposal_management
from fordela.engine.model import (
    AmountType,
    CycleData,
    Proposal,
    Review,
    ReviewCondition,
    ReviewOutcome,
    ReviewStage,
    Scenario,
    ScenarioKind,
)

APPROVING = frozenset({ReviewOutcome.APPROVE, ReviewOutcome.APPROVE_WITH_CONDITIONS})

AmountRows = tuple[tuple[int, AmountType, int], ...]
R = TypeVar("R")


class ScenarioError(ValueError):
    """A scenario or stage that the cycle does not have."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What a scenario makes of one proposal.

    `included`: counts in the bridge, the frames and the distribution. `as_add_on`: approved to
    be financed as an add-on service by the customers who buy it (outside the frames).
    `outcome`/`stage`: the deciding review, None when the scenario is not a stage decision.
    """

    proposal: Proposal
    included: bool
    amounts: AmountRows
    future_management_included: bool
    outcome: ReviewOutcome | None = None
    stage: str | None = None
    comment: str = ""
    conditions: tuple[ReviewCondition, ...] = ()
    as_add_on: bool = False

    def amount(self, year: int, amount_type: AmountType) -> int:
        """This decision's amount of `amount_type` in `year` (management levels held, see amounts)."""
        return amount_in_year(self.amounts, year, amount_type)

    def management(self, year: int) -> int:
        """Management level change in `year`, with the future management cost where included."""
        if not self.future_management_included:
            return self.amount(year, AmountType.MANAGEMENT)
        p = self.proposal
        return proposal_management(self.amounts, p.future_management_cost, p.future_management_from_year, year)


@dataclass(frozen=True, slots=True)
class Resolution:
    """A resolved scenario: a decision for every proposal of the cycle, by proposal code."""

    code: str
    name: str
    decisions: Mapping[str, Decision]

    def included(self) -> list[Decision]:
        return [d for d in self.decisions.values() if d.included]

    def anything_decided(self) -> bool:
        """Whether any stage has decided anything: before the first review the target year's
        figures are only the base year carried forward and the suppliers' proposals, which
        nobody has decided (open data and the pages across cycles show no target year then)."""
        return any(d.stage is not None for d in self.decisions.values())


def _proposed_amounts(data: CycleData) -> dict[str, AmountRows]:
    rows: dict[str, list[tuple[int, AmountType, int]]] = defaultdict(list)
    for a in data.proposal_amounts:
        rows[a.proposal].append((a.year, a.type, a.amount))
    return {p.code: tuple(rows.get(p.code, ())) for p in data.proposals}


def _as_proposed(proposal: Proposal, amounts: AmountRows, included: bool) -> Decision:
    return Decision(proposal=proposal, included=included, amounts=amounts, future_management_included=included)


def deciding_review(reviews: Iterable[R], position: Callable[[R], int], *, up_to: int | None = None) -> R | None:
    """The review that decides a proposal: the one at the latest stage (at or before the stage at
    position `up_to`, if given), so a later stage overrules an earlier one; None if none is there.

    `reviews` are one proposal's reviews (engine rows or database rows alike); `position` gives a
    review's stage position.
    """
    considered = [r for r in reviews if up_to is None or position(r) <= up_to]
    return max(considered, key=position, default=None)


def stages_in_order(data: CycleData) -> tuple[ReviewStage, ...]:
    """The review stages in process order (preparation, coordination group, council): by their
    position, never by code, wherever a person picks one."""
    return tuple(sorted(data.review_stages, key=lambda s: (s.position, s.code)))


def scenarios_in_order(data: CycleData) -> tuple[Scenario, ...]:
    """Scenarios as the process runs: everything proposed, then each stage's decision in stage
    order, then the explicit selections (in the cycle's order)."""
    positions = {s.code: s.position for s in data.review_stages}

    def rank(scenario: Scenario) -> tuple[int, int]:
        if scenario.kind is ScenarioKind.ALL_PROPOSED:
            return (0, 0)
        if scenario.kind is ScenarioKind.STAGE:
            return (1, positions.get(scenario.stage or "", 0))
        return (2, 0)

    return tuple(sorted(data.scenarios, key=rank))  # stable: explicit ones keep their order


def first_stage(data: CycleData) -> str | None:
    """The first review stage (the one that recommends), None in a cycle without stages."""
    return min(data.review_stages, key=lambda s: s.position).code if data.review_stages else None


def decided_stage(data: CycleData) -> str | None:
    """The stage whose decisions stand when nobody names one: the cycle's current stage, else the
    latest stage with any review, else the first stage (before any review nothing is decided, so
    nothing is included). None only in a cycle without review stages.
    """
    if data.cycle.current_stage:
        return data.cycle.current_stage
    positions = {s.code: s.position for s in data.review_stages}
    reviewed = {r.stage for r in data.reviews}
    return max(reviewed, key=positions.__getitem__) if reviewed else first_stage(data)


def decided_scenario(data: CycleData) -> str | None:
    """`decided_stage` as the cycle's own scenario of that stage when it has one (so pages show the
    scenario's name), else the stage's code; a cycle without stages: its first scenario."""
    stage = decided_stage(data)
    if stage is None:
        return next((s.code for s in data.scenarios), None)
    return next((s.code for s in data.scenarios if s.kind is ScenarioKind.STAGE and s.stage == stage), stage)


def proposed_scenario(data: CycleData) -> str | None:
    """The cycle's "everything proposed" scenario, else its first scenario (None without scenarios)."""
    proposed = [s.code for s in data.scenarios if s.kind is ScenarioKind.ALL_PROPOSED]
    return next(iter(proposed or [s.code for s in data.scenarios]), None)


def default_comparison(data: CycleData) -> list[str]:
    """What the deck compares when nobody names scenarios: everything proposed next to the first
    stage's recommendation (either may be missing in a small cycle)."""
    codes = [s.code for s in data.scenarios if s.kind is ScenarioKind.ALL_PROPOSED][:1]
    stage = first_stage(data)
    if stage is not None:
        codes.append(stage)
    return codes or [s.code for s in data.scenarios][:1]


def resolve_stage(data: CycleData, stage: str, *, code: str | None = None, name: str | None = None) -> Resolution:
    """Decisions as made by `stage` and the stages before it; the latest review wins."""
    positions = {s.code: s.position for s in data.review_stages}
    if stage not in positions:
        raise ScenarioError(f"unknown review stage '{stage}'")
    limit = positions[stage]
    proposed = _proposed_amounts(data)
    approved_rows: dict[tuple[str, str], list[tuple[int, AmountType, int]]] = defaultdict(list)
    for ra in data.review_amounts:
        approved_rows[(ra.proposal, ra.stage)].append((ra.year, ra.type, ra.amount))
    conditions: dict[tuple[str, str], list[ReviewCondition]] = defaultdict(list)
    for c in data.review_conditions:
        conditions[(c.proposal, c.stage)].append(c)
    by_proposal: dict[str, list[Review]] = defaultdict(list)
    for review in data.reviews:
        by_proposal[review.proposal].append(review)
    latest: dict[str, Review] = {}
    for proposal, reviews in by_proposal.items():
        deciding = deciding_review(reviews, lambda r: positions[r.stage], up_to=limit)
        if deciding is not None:
            latest[proposal] = deciding
    decisions: dict[str, Decision] = {}
    for p in data.proposals:
        decided = latest.get(p.code)
        if decided is None:
            decisions[p.code] = _as_proposed(p, proposed[p.code], included=False)
            continue
        key = (p.code, decided.stage)
        amounts = tuple(approved_rows[key]) if key in approved_rows else proposed[p.code]
        decisions[p.code] = Decision(
            proposal=p,
            included=decided.outcome in APPROVING,
            amounts=amounts,
            future_management_included=decided.outcome in APPROVING and decided.future_management_approved,
            outcome=decided.outcome,
            stage=decided.stage,
            comment=decided.comment,
            conditions=tuple(conditions[key]),
            as_add_on=decided.outcome is ReviewOutcome.APPROVE_AS_ADD_ON,
        )
    stage_name = next(s.name for s in data.review_stages if s.code == stage)
    return Resolution(code=code or stage, name=name or stage_name, decisions=decisions)


def resolve(data: CycleData, scenario: Scenario) -> Resolution:
    """Resolve one of the cycle's scenarios into a decision per proposal."""
    if scenario.kind is ScenarioKind.STAGE:
        if scenario.stage is None:
            raise ScenarioError(f"scenario '{scenario.code}' has no stage")
        return resolve_stage(data, scenario.stage, code=scenario.code, name=scenario.name)
    proposed = _proposed_amounts(data)
    if scenario.kind is ScenarioKind.ALL_PROPOSED:
        chosen = {p.code for p in data.proposals}
    else:
        chosen = {sp.proposal for sp in data.scenario_proposals if sp.scenario == scenario.code}
    decisions = {p.code: _as_proposed(p, proposed[p.code], included=p.code in chosen) for p in data.proposals}
    return Resolution(code=scenario.code, name=scenario.name, decisions=decisions)


def resolve_code(data: CycleData, code: str) -> Resolution:
    """Resolve a scenario by code; a review stage's code works too ("as decided by that stage")."""
    for scenario in data.scenarios:
        if scenario.code == code:
            return resolve(data, scenario)
    if any(s.code == code for s in data.review_stages):
        return resolve_stage(data, code)
    known = ", ".join(sorted([s.code for s in data.scenarios] + [s.code for s in data.review_stages]))
    raise ScenarioError(f"unknown scenario '{code}' (known: {known})")


def with_proposals(data: CycleData, base: Resolution, toggled: Mapping[str, bool], code: str = "custom") -> Resolution:
    """A copy of `base` with some proposals switched on (as proposed) or off: live what-if."""
    proposed = _proposed_amounts(data)
    decisions = dict(base.decisions)
    for proposal_code, on in toggled.items():
        current = decisions[proposal_code]
        if on and not current.included:
            decisions[proposal_code] = _as_proposed(current.proposal, proposed[proposal_code], True)
        elif not on and current.included:
            decisions[proposal_code] = Decision(
                proposal=current.proposal,
                included=False,
                amounts=current.amounts,
                future_management_included=False,
                outcome=current.outcome,
                stage=current.stage,
            )
    return Resolution(code=code, name=code, decisions=decisions)
