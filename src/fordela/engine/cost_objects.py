"""The cost objects of a year: each service's cost, key and participants as the scenario's
included proposals change them, and the solidarity-financed change initiatives."""

from __future__ import annotations

from collections import defaultdict

from fordela.engine.allocation_types import CostObject
from fordela.engine.amounts import NOT_A_COST_CHANGE
from fordela.engine.cycle_index import CycleIndex
from fordela.engine.model import AmountType, Financing, OrganisationKind, ProposalKind, ServiceCategory
from fordela.engine.scenario import Decision, Resolution

MANDATORY_KINDS = frozenset({OrganisationKind.ADMINISTRATION, OrganisationKind.BOARD})


def _cost_objects(index: CycleIndex, year: int, resolution: Resolution | None, problems: list[str]) -> list[CostObject]:
    data = index.data
    base_year = data.cycle.base_year
    decisions: list[Decision] = [] if resolution is None or year <= base_year else resolution.included()
    by_service: dict[str, list[Decision]] = defaultdict(list)
    for d in decisions:
        if d.proposal.service is not None:
            by_service[d.proposal.service].append(d)
    objects: list[CostObject] = []
    for service in data.services:
        recorded_cost, key_code = index.service_year(service.code, year)
        participants = index.participants(service.code, year)
        if year <= base_year:
            cost = recorded_cost
        else:
            base_cost, _ = index.service_year(service.code, base_year)
            cost = (base_cost or 0) + sum(
                d.management(year) for d in by_service[service.code] if d.proposal.kind not in NOT_A_COST_CHANGE
            )
        for d in by_service[service.code]:
            if d.proposal.kind in (ProposalKind.KEY_CHANGE, ProposalKind.RECATEGORISATION) and d.proposal.proposed_key:
                key_code = d.proposal.proposed_key
            if (
                d.proposal.kind is ProposalKind.RECATEGORISATION
                and d.proposal.proposed_category is ServiceCategory.BASE
            ):
                participants |= {c for c, o in index.organisations.items() if o.kind in MANDATORY_KINDS}
        if cost is None or (cost == 0 and not participants):
            continue
        if key_code is None:
            problems.append(f"service {service.code}, year {year}: no key")
            continue
        objects.append(CostObject(service.code, "service", cost, index.keys[key_code], tuple(sorted(participants))))
    supplier_participants: dict[str, set[str]] = defaultdict(set)
    for service in data.services:
        if service.category in (ServiceCategory.BASE, ServiceCategory.INFRASTRUCTURE):
            supplier_participants[service.supplier] |= index.participants(service.code, year)
    for d in decisions:
        p = d.proposal
        if p.kind is not ProposalKind.CHANGE_INITIATIVE or p.financing is not Financing.SOLIDARITY:
            continue
        cost = d.amount(year, AmountType.DEVELOPMENT) + (0 if p.service else d.management(year))
        if cost == 0:
            continue
        if p.key is None:
            problems.append(f"initiative {p.code}, year {year}: solidarity financing but no key")
            continue
        participants = index.participants(p.service, year) if p.service else supplier_participants[p.supplier]
        objects.append(CostObject(p.code, "initiative", cost, index.keys[p.key], tuple(sorted(participants))))
    return objects
