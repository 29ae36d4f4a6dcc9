"""Tables of the annual analysis (seeds/004…) and the coordination deck's proposal tables.

Like `fordela.reports.cycle`, every function returns a `Table` computed by the engine, so the
documents, the CLI and the web show the same figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from fordela.engine import bridge as b
from fordela.engine.allocate import allocate
from fordela.engine.allocation_types import Allocation
from fordela.engine.lookups import lookups
from fordela.engine.model import AmountType, CycleData, Financing, Proposal, ProposalKind
from fordela.engine.money import Unit, display
from fordela.engine.scenario import Resolution, with_proposals
from fordela.reports.cycle import OUTCOME_LABELS, organisation_name
from fordela.reports.tables import Col, ColumnKind, Table, ratio

MONEY, PERCENT = ColumnKind.MONEY, ColumnKind.PERCENT

FINANCING_LABELS = {
    Financing.SOLIDARITY: "Solidarisk finansiering",
    Financing.ADD_ON: "Tilläggstjänst",
    Financing.USERS: "De som ansluter betalar",
    Financing.OWN_FUNDS: "Egna medel",
    Financing.MUNICIPAL_GRANT: "Kommunbidrag",
    Financing.GRANT_CALL: "Utlysning",
}
KIND_LABELS = {
    ProposalKind.NEW_SERVICE: "Nya tjänster",
    ProposalKind.RECATEGORISATION: "Förslag på ändrad kategorisering av tjänst",
    ProposalKind.KEY_CHANGE: "Förändrade fördelningsnycklar",
    ProposalKind.CHANGE_INITIATIVE: "Förändringsinsatser",
    ProposalKind.DEVELOPMENT_WITHIN_SERVICE: "Utveckling inom tjänst",
    ProposalKind.SUPPLIER_CONTRACT: "Leverantörsavtal",
    ProposalKind.SETTLEMENT: "Avräkning genomförd utveckling",
    ProposalKind.EFFICIENCY: "Effektiviseringar",
    ProposalKind.VOLUME_CHANGE: "Volymförändringar",
}
UNKNOWN_SERVICE = "Ej känt"  # as the deck writes it when an initiative has no service yet


def existing_services(data: CycleData, supplier: str) -> list[str]:
    """The supplier's services in the management budget that have a cost in the base year."""
    in_budget = {s.code for s in data.services if s.supplier == supplier and s.category in b.IN_MANAGEMENT_BUDGET}
    base = data.cycle.base_year
    return sorted({sy.service for sy in data.service_years if sy.service in in_budget and sy.year == base and sy.cost})


def cost_history_table(data: CycleData, supplier: str) -> Table:
    """Management cost of the existing services per year, as the annual analysis shows it:
    outcome for past years, budget for the base year, the proposal for the target year, each
    with its development within service where recorded."""
    cycle = data.cycle
    services = set(existing_services(data, supplier))
    rows_by_year: dict[int, list[Any]] = {}
    for sy in data.service_years:
        if sy.service not in services:
            continue
        if sy.year < cycle.base_year:
            amount, development = sy.outcome, None
        elif sy.year in (cycle.base_year, cycle.target_year):
            amount, development = sy.cost, sy.development_within_service
        else:
            continue
        if amount is None:
            continue
        row = rows_by_year.setdefault(sy.year, [0, None])
        row[0] += amount
        if development is not None:
            row[1] = (row[1] or 0) + development

    return cost_history_layout(data, supplier, rows_by_year)


def cost_history_layout(data: CycleData, supplier: str, rows_by_year: dict[int, list[Any]]) -> Table:
    """The management-cost history as the annual analysis lays it out: a row per year (outcome,
    budget, proposal) with the total and "of which development within service"."""
    cycle = data.cycle

    def label(year: int) -> str:
        if year < cycle.base_year:
            return f"Utfall {year}"
        return f"Budget {year}" if year == cycle.base_year else f"Förslag budget {year}"

    columns = (
        Col("year", "År"),
        Col("label", ""),
        Col("amount", "Total förvaltningskostnad befintliga bastjänster", MONEY, Unit.KR),
        Col("development_within_service", "varav utveckling inom tjänst", MONEY, Unit.KR),
    )
    rows = tuple((y, label(y), *rows_by_year[y]) for y in sorted(rows_by_year))
    return Table(f"Förvaltningskostnad befintliga bastjänster, {organisation_name(data, supplier)}", columns, rows)


def _mkr(ore: int) -> str:
    """mkr, or tkr below one million, as the deck writes amounts (``1,2 mkr``, ``900 tkr``)."""
    unit = Unit.MKR if abs(ore) >= Unit.MKR.ore else Unit.TKR
    return display(ore, unit, label=True)


def proposal_summary(data: CycleData, proposal: Proposal) -> str:
    """A proposal's amounts in words, as the deck writes them: ``6,3 mkr 2026, 6,3 mkr 2027``."""
    by_type: dict[AmountType, list[tuple[int, int]]] = defaultdict(list)
    for a in data.proposal_amounts:
        if a.proposal == proposal.code:
            by_type[a.type].append((a.year, a.amount))
    parts = []
    if by_type[AmountType.DEVELOPMENT]:
        years = ", ".join(f"{_mkr(a)} {y}" for y, a in sorted(by_type[AmountType.DEVELOPMENT]))
        parts.append(f"utveckling {years}")
    if by_type[AmountType.MANAGEMENT]:
        years = ", ".join(f"{_mkr(a)} från {y}" for y, a in sorted(by_type[AmountType.MANAGEMENT]))
        parts.append(f"förvaltning {years}")
    if proposal.future_management_cost is not None and proposal.future_management_from_year is not None:
        parts.append(
            f"uppskattad förvaltningskostnad {_mkr(proposal.future_management_cost)}/år "
            f"från {proposal.future_management_from_year}"
        )
    return "; ".join(parts)


def _service_name(data: CycleData, code: str | None) -> str:
    if code is None:
        return UNKNOWN_SERVICE
    return lookups(data).service_name(code)


def _key_name(data: CycleData, code: str | None) -> str:
    return next((k.name for k in data.keys if k.code == code), code or "")


def recommendation_text(resolution: Resolution, proposal: str) -> str:
    """The deciding stage's outcome with its conditions, e.g. ``Tillstyrks med villkor: …``."""
    d = resolution.decisions[proposal]
    if d.outcome is None:
        return "Ingår" if d.included else "Ingår inte"
    text = OUTCOME_LABELS[d.outcome]
    conditions = [c.text or c.kind.value for c in d.conditions]
    return f"{text}: {' '.join(conditions)}" if conditions else text


def proposals_table(
    data: CycleData, supplier: str, kinds: Iterable[ProposalKind], resolution: Resolution, *, title: str | None = None
) -> Table:
    """The supplier's proposals of `kinds` with the proposal, the comment and the recommendation
    of `resolution` (a stage), as the coordination deck lays them out."""
    wanted = tuple(kinds)
    columns = (
        Col("proposal", "Kod", shown=False),
        Col("service", "Tjänst"),
        Col("title", "Förslag i årlig analys"),
        Col("amounts", "Belopp"),
        Col("financing", "Finansiering"),
        Col("comment", "Kommentar"),
        Col("recommendation", f"Förslag {data.cycle.target_year}"),
    )
    rows = tuple(
        (
            p.code,
            _service_name(data, p.service),
            p.title,
            proposal_summary(data, p),
            FINANCING_LABELS[p.financing],
            resolution.decisions[p.code].comment,
            recommendation_text(resolution, p.code),
        )
        for p in data.proposals
        if p.supplier == supplier and p.kind in wanted
    )
    name = title or ", ".join(KIND_LABELS[k] for k in wanted)
    return Table(f"{name}, {organisation_name(data, supplier)} – {resolution.name}", columns, rows)


def allocate_year(data: CycleData, year: int, resolution: Resolution | None) -> Allocation:
    """The distribution of `year`: recorded costs up to the base year, `resolution` after it."""
    return allocate(data, year, resolution if year > data.cycle.base_year else None)


def key_change_table(data: CycleData, supplier: str) -> Table:
    """The supplier's proposed key changes: service, current key, proposed key."""
    base_keys = {sy.service: sy.key for sy in data.service_years if sy.year == data.cycle.base_year}
    columns = (
        Col("proposal", "Kod", shown=False),
        Col("service", "Bastjänst/digital infrastruktur"),
        Col("current_key", "Nuvarande fördelningsnyckel"),
        Col("proposed_key", "Förslag på ny fördelningsnyckel"),
    )
    rows = tuple(
        (
            p.code,
            _service_name(data, p.service),
            _key_name(data, base_keys.get(p.service or "")),
            _key_name(data, p.proposed_key),
        )
        for p in data.proposals
        if p.kind is ProposalKind.KEY_CHANGE and p.supplier == supplier
    )
    return Table(f"Förslag på förändrad fördelningsnyckel, {organisation_name(data, supplier)}", columns, rows)


def key_change_effect_table(data: CycleData, proposal: str, base: Resolution, year: int | None = None) -> Table:
    """What one key change does to each organisation's share of its service in `year` (default
    the target year): `base` with the proposal switched off and on. The changes sum to zero."""
    year = year or data.cycle.target_year
    p = next(x for x in data.proposals if x.code == proposal)
    without = allocate_year(data, year, with_proposals(data, base, {proposal: False}, code="utan"))
    with_ = allocate_year(data, year, with_proposals(data, base, {proposal: True}, code="med"))

    def amounts(allocation: Allocation) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for line in allocation.lines:
            if line.object == p.service:
                totals[line.organisation] += line.amount
        return totals

    before, after = amounts(without), amounts(with_)
    columns = (
        Col("organisation", "Kod", shown=False),
        Col("name", "Organisation"),
        Col("without", "Nuvarande nyckel", MONEY, Unit.KR),
        Col("with", "Föreslagen nyckel", MONEY, Unit.KR),
        Col("change", "Förändring", MONEY, Unit.KR),
        Col("change_percent", "Förändring %", PERCENT),
    )
    rows: list[tuple[Any, ...]] = []
    for org in sorted(set(before) | set(after)):
        old, new = before.get(org, 0), after.get(org, 0)
        rows.append((org, organisation_name(data, org), old, new, new - old, ratio(new - old, old)))
    total_old, total_new = sum(before.values()), sum(after.values())
    rows.append(("", "Summa", total_old, total_new, total_new - total_old, ratio(total_new - total_old, total_old)))
    return Table(
        f"Effekt per organisation {year}: {_service_name(data, p.service)}, {_key_name(data, p.proposed_key)}",
        columns,
        tuple(rows),
        emphasis=frozenset({len(rows) - 1}),
    )
