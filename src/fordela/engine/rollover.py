"""From one cycle to the next: the decided cycle of year t becomes the cycle of year t + 1.

The rules in words are in docs/distribution.md ("From one cycle to the next"). In short: the
catalogue, keys, shares, participation, subscriptions and drivers carry over; the new base year
(t) is the decided budget — per supplier the decided management frame with the index, split over
the supplier's services by the engine's exact split with each service's decided cost as weight, so
the parts sum to the frame to the öre — and the decided development frame with the index becomes
the base year's change-initiative budget line; proposals approved with amounts after t carry those
amounts (as changes against the new base) and their deciding review; nothing undecided carries;
past years' costs and outcomes stay.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from fordela.engine import model as m
from fordela.engine.amounts import NOT_A_COST_CHANGE, amount_in_year, proposal_management
from fordela.engine.bridge import IN_MANAGEMENT_BUDGET, frame, suppliers, with_index
from fordela.engine.scenario import Decision, Resolution, decided_stage, deciding_review, resolve_stage
from fordela.engine.split import split_one

Rows = tuple[tuple[int, m.AmountType, int], ...]


class RolloverError(ValueError):
    pass


def decided_costs(data: m.CycleData, resolution: Resolution) -> dict[str, int]:
    """Each service's decided cost in the target year (öre, without index): its base-year cost plus
    the management of the included proposals on it, as the distribution computes it."""
    year = data.cycle.target_year
    base = {sy.service: sy.cost or 0 for sy in data.service_years if sy.year == data.cycle.base_year}
    costs = {s.code: base.get(s.code, 0) for s in data.services}
    for d in resolution.included():
        if d.proposal.service in costs and d.proposal.kind not in NOT_A_COST_CHANGE:
            costs[d.proposal.service] += d.management(year)
    return costs


def decided_budget(data: m.CycleData, resolution: Resolution) -> dict[str, int]:
    """The new base year's budget per service (öre, index included).

    Per supplier, the services within the management budget share the decided management frame
    with the index, split exactly by their decided costs; an add-on service (outside the frames)
    gets its own decided cost with the index, rounded half-up to the öre.
    """
    costs = decided_costs(data, resolution)
    rate = data.cycle.index_rate
    budget: dict[str, int] = {}
    for supplier in suppliers(data):
        inside = [
            s for s in data.services if s.supplier == supplier and _category(s, resolution) in IN_MANAGEMENT_BUDGET
        ]
        weights = [max(costs[s.code], 0) for s in inside]
        total = frame(data, supplier, resolution).management_with_index
        if inside and sum(weights) > 0:
            budget |= {s.code: part for s, part in zip(inside, split_one(total, weights), strict=True)}
        elif total:
            raise RolloverError(f"supplier {supplier}: a management frame of {total} öre but no service to carry it")
    for s in data.services:
        if s.code not in budget:
            budget[s.code] = with_index(costs[s.code], rate)
    return budget


def _included_on(resolution: Resolution, service: str) -> list[Decision]:
    return [d for d in resolution.included() if d.proposal.service == service]


def _category(service: m.Service, resolution: Resolution) -> m.ServiceCategory:
    for d in _included_on(resolution, service.code):
        if d.proposal.kind is m.ProposalKind.RECATEGORISATION and d.proposal.proposed_category is not None:
            return d.proposal.proposed_category
    return service.category


def _key(data: m.CycleData, service: str, resolution: Resolution) -> str | None:
    key = next(
        (sy.key for sy in data.service_years if sy.service == service and sy.year == data.cycle.target_year), None
    )
    if key is None:
        earlier = [sy for sy in data.service_years if sy.service == service and sy.year <= data.cycle.target_year]
        key = max(earlier, key=lambda sy: sy.year).key if earlier else None
    for d in _included_on(resolution, service):
        if d.proposal.kind in NOT_A_COST_CHANGE and d.proposal.proposed_key:
            key = d.proposal.proposed_key
    return key


def later_rows(rows: Rows, after: int) -> Rows:
    """A proposal's rows after year `after`, as changes against a base that already holds its
    management level of `after` (management amounts are levels that hold, engine.amounts)."""
    held = amount_in_year(rows, after, m.AmountType.MANAGEMENT)
    out: list[tuple[int, m.AmountType, int]] = [
        (y, t, a) for y, t, a in rows if y > after and t is m.AmountType.DEVELOPMENT
    ]
    out += [(y, t, a - held) for y, t, a in rows if y > after and t is m.AmountType.MANAGEMENT]
    return tuple(sorted(out, key=lambda r: (r[0], r[1].value)))


def _carries(d: Decision, after: int) -> bool:
    p = d.proposal
    future = d.future_management_included and (p.future_management_from_year or 0) > after
    return bool(later_rows(d.amounts, after)) or future


def next_cycle(data: m.CycleData, *, code: str, title: str | None = None) -> m.CycleData:
    """The cycle of the year after `data`'s target year, from `data` as decided (see the module)."""
    old = data.cycle
    stage = decided_stage(data)
    positions = {s.code: s.position for s in data.review_stages}
    if stage is None or not any(positions[r.stage] <= positions[stage] for r in data.reviews):
        raise RolloverError(f"cycle {old.code}: nothing is decided yet, so there is no next cycle")
    resolution = resolve_stage(data, stage)
    t = old.target_year
    budget = decided_budget(data, resolution)
    costs = decided_costs(data, resolution)
    kept = [
        s
        for s in data.services
        if any(sy.service == s.code and sy.year < t for sy in data.service_years) or costs[s.code]
    ]
    keep = {s.code for s in kept}
    carried = [d for d in resolution.included() if _carries(d, t) and (d.proposal.service in keep | {None})]
    carry = {d.proposal.code for d in carried}

    amounts: list[m.ProposalAmount] = []
    reviews: list[m.Review] = []
    review_amounts: list[m.ReviewAmount] = []
    conditions: list[m.ReviewCondition] = []
    proposed: dict[str, list[tuple[int, m.AmountType, int]]] = defaultdict(list)
    for a in data.proposal_amounts:
        proposed[a.proposal].append((a.year, a.type, a.amount))
    for d in carried:
        p = d.proposal
        amounts += [m.ProposalAmount(p.code, y, ty, a) for y, ty, a in later_rows(tuple(proposed[p.code]), t)]
        review = deciding_review(
            [r for r in data.reviews if r.proposal == p.code], lambda r: positions[r.stage], up_to=positions[stage]
        )
        assert review is not None  # an included proposal of a stage resolution has its deciding review
        reviews.append(review)
        approved = tuple(
            (ra.year, ra.type, ra.amount)
            for ra in data.review_amounts
            if ra.proposal == p.code and ra.stage == review.stage
        )
        if approved:
            review_amounts += [m.ReviewAmount(p.code, review.stage, y, ty, a) for y, ty, a in later_rows(approved, t)]
        conditions += [c for c in data.review_conditions if c.proposal == p.code and c.stage == review.stage]
    proposals = []
    for d in carried:
        p = d.proposal
        started = p.future_management_from_year is not None and p.future_management_from_year <= t
        proposals.append(
            replace(
                p,
                already_decided=True,
                future_management_cost=None if started else p.future_management_cost,
                future_management_from_year=None if started else p.future_management_from_year,
            )
        )
    # The new target year's row of every service: the new base plus its carried proposals (the
    # package's rule for a row after the base year).
    decisions = {d.proposal.code: d for d in carried}
    service_years = [sy for sy in data.service_years if sy.service in keep and sy.year < t]
    for s in kept:
        key = _key(data, s.code, resolution)
        assert key is not None
        row = next((sy for sy in data.service_years if sy.service == s.code and sy.year == t), None)
        note = f"beslutad budget {t} med index ({old.code}, {stage})"
        dev = row.development_within_service if row else None
        service_years.append(
            m.ServiceYear(s.code, t, key, cost=budget[s.code], development_within_service=dev, note=note)
        )
        change = 0
        for pc in carry:
            pr = decisions[pc].proposal
            if pr.service == s.code and pr.kind not in NOT_A_COST_CHANGE:
                new_rows = tuple((a.year, a.type, a.amount) for a in amounts if a.proposal == pc)
                fut = next(x for x in proposals if x.code == pc)
                change += proposal_management(
                    new_rows, fut.future_management_cost, fut.future_management_from_year, t + 1
                )
        service_years.append(m.ServiceYear(s.code, t + 1, key, cost=budget[s.code] + change, note=note))
    mandatory = {o.code for o in data.organisations if o.kind is not m.OrganisationKind.COMPANY}
    participation = [p for p in data.participation if p.service in keep]
    for s in kept:
        if _category(s, resolution) is m.ServiceCategory.BASE and s.category is not m.ServiceCategory.BASE:
            inside = {p.organisation for p in participation if p.service == s.code and p.covers(t)}
            participation += [m.Participation(s.code, o, t) for o in sorted(mandatory - inside)]
    subscriptions = [x for x in data.subscriptions if x.service in keep]
    have = {(x.service, x.organisation) for x in subscriptions if x.year == t + 1}
    subscriptions += [
        replace(x, year=t + 1) for x in subscriptions if x.year == t and (x.service, x.organisation) not in have
    ]
    budget_lines = list(data.budget_lines)
    for supplier in suppliers(data):
        development = frame(data, supplier, resolution).development_with_index
        if development:
            budget_lines.append(
                m.BudgetLine(
                    supplier,
                    t,
                    m.BudgetLineKind.CHANGE_INITIATIVES,
                    development,
                    f"Beslutad ram för utveckling {t} med index ({old.code}, {stage})",
                )
            )
    scenarios = [sc for sc in data.scenarios if sc.kind is not m.ScenarioKind.EXPLICIT]
    last = max(old.last_year or t + 4, t + 1)
    return replace(
        data,
        cycle=m.Cycle(
            code,
            title or old.title.replace(str(t), str(t + 1)),
            t + 1,
            t,
            old.index_rate,
            first_year=old.first_year,
            last_year=last,
            current_stage=None,
            note=f"Skapad från {old.code} som beslutad av {stage}. "
            f"Index för {t + 1}: {old.index_rate} tills det beslutas.",
        ),
        services=tuple(replace(s, category=_category(s, resolution)) for s in kept),
        service_years=tuple(service_years),
        participation=tuple(participation),
        subscriptions=tuple(subscriptions),
        allocation_history=tuple(h for h in data.allocation_history if h.service in keep),
        proposals=tuple(proposals),
        proposal_amounts=tuple(amounts),
        reviews=tuple(reviews),
        review_amounts=tuple(review_amounts),
        review_conditions=tuple(conditions),
        scenarios=tuple(scenarios),
        scenario_proposals=(),
        budget_lines=tuple(budget_lines),
        incurred_costs=tuple(c for c in data.incurred_costs if c.proposal in carry),
        exemptions=tuple(e for e in data.exemptions if e.service in keep),
        # the supplier's own text is the start of next year's analysis; the coordination group's
        # framing and comments were about this year's proposals and do not carry
        analysis_texts=tuple(
            x
            for x in data.analysis_texts
            if not x.section.by_coordination_group and (x.service is None or x.service in keep)
        ),
    )
