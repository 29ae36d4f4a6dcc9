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
from fordela.reports.cycle import organisation_name, outcome_label
from fordela.reports.i18n import gettext as _
from fordela.reports.i18n import gettext_noop as N_
from fordela.reports.tables import Col, ColumnKind, Table, ratio

MONEY, PERCENT = ColumnKind.MONEY, ColumnKind.PERCENT

# English msgids, translated where shown (`financing_label`, `kind_label`).
FINANCING_LABELS = {
    Financing.SOLIDARITY: N_("Solidarity financing"),
    Financing.ADD_ON: N_("Add-on service"),
    Financing.USERS: N_("Those who join pay"),
    Financing.OWN_FUNDS: N_("Own funds"),
    Financing.MUNICIPAL_GRANT: N_("Municipal grant"),
    Financing.GRANT_CALL: N_("Grant call"),
}
KIND_LABELS = {
    ProposalKind.NEW_SERVICE: N_("New services"),
    ProposalKind.RECATEGORISATION: N_("Proposals to change a service's category"),
    ProposalKind.KEY_CHANGE: N_("Changed distribution keys"),
    ProposalKind.CHANGE_INITIATIVE: N_("Change initiatives"),
    ProposalKind.DEVELOPMENT_WITHIN_SERVICE: N_("Development within the service"),
    ProposalKind.SUPPLIER_CONTRACT: N_("Supplier contracts"),
    ProposalKind.SETTLEMENT: N_("Settlement of development carried out"),
    ProposalKind.EFFICIENCY: N_("Efficiencies"),
    ProposalKind.VOLUME_CHANGE: N_("Volume changes"),
}
UNKNOWN_SERVICE = N_("Not known")  # as the deck writes it when an initiative has no service yet


def financing_label(financing: Financing) -> str:
    return _(FINANCING_LABELS[financing])


def kind_label(kind: ProposalKind) -> str:
    return _(KIND_LABELS[kind])


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
            return _("Outcome %(year)s") % {"year": year}
        if year == cycle.base_year:
            return _("Budget %(year)s") % {"year": year}
        return _("Proposed budget %(year)s") % {"year": year}

    columns = (
        Col("year", _("Year")),
        Col("label", ""),
        Col("amount", _("Total management cost of existing base services"), MONEY, Unit.KR),
        Col("development_within_service", _("of which development within the service"), MONEY, Unit.KR),
    )
    rows = tuple((y, label(y), *rows_by_year[y]) for y in sorted(rows_by_year))
    title = _("Management cost of existing base services, %(supplier)s") % {
        "supplier": organisation_name(data, supplier)
    }
    return Table(title, columns, rows)


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
        parts.append(_("development %(years)s") % {"years": years})
    if by_type[AmountType.MANAGEMENT]:
        years = ", ".join(
            _("%(amount)s from %(year)s") % {"amount": _mkr(a), "year": y}
            for y, a in sorted(by_type[AmountType.MANAGEMENT])
        )
        parts.append(_("management %(years)s") % {"years": years})
    if proposal.future_management_cost is not None and proposal.future_management_from_year is not None:
        parts.append(
            _("estimated management cost %(amount)s/year from %(year)s")
            % {"amount": _mkr(proposal.future_management_cost), "year": proposal.future_management_from_year}
        )
    return "; ".join(parts)


def _service_name(data: CycleData, code: str | None) -> str:
    if code is None:
        return _(UNKNOWN_SERVICE)
    return lookups(data).service_name(code)


def _key_name(data: CycleData, code: str | None) -> str:
    return next((k.name for k in data.keys if k.code == code), code or "")


def recommendation_text(resolution: Resolution, proposal: str) -> str:
    """The deciding stage's outcome with its conditions, e.g. ``Tillstyrks med villkor: …``."""
    d = resolution.decisions[proposal]
    if d.outcome is None:
        return _("Included") if d.included else _("Not included")
    text = outcome_label(d.outcome)
    conditions = [c.text or c.kind.value for c in d.conditions]
    return f"{text}: {' '.join(conditions)}" if conditions else text


def proposals_table(
    data: CycleData, supplier: str, kinds: Iterable[ProposalKind], resolution: Resolution, *, title: str | None = None
) -> Table:
    """The supplier's proposals of `kinds` with the proposal, the comment and the recommendation
    of `resolution` (a stage), as the coordination deck lays them out."""
    wanted = tuple(kinds)
    columns = (
        Col("proposal", _("Code"), shown=False),
        Col("service", _("Service")),
        Col("title", _("Proposal in the annual analysis")),
        Col("amounts", _("Amount")),
        Col("financing", _("Financing")),
        Col("comment", _("Comment")),
        Col("recommendation", _("Proposal %(year)s") % {"year": data.cycle.target_year}),
    )
    rows = tuple(
        (
            p.code,
            _service_name(data, p.service),
            p.title,
            proposal_summary(data, p),
            financing_label(p.financing),
            resolution.decisions[p.code].comment,
            recommendation_text(resolution, p.code),
        )
        for p in data.proposals
        if p.supplier == supplier and p.kind in wanted
    )
    name = title or ", ".join(kind_label(k) for k in wanted)
    return Table(f"{name}, {organisation_name(data, supplier)} – {resolution.name}", columns, rows)


def allocate_year(data: CycleData, year: int, resolution: Resolution | None) -> Allocation:
    """The distribution of `year`: recorded costs up to the base year, `resolution` after it."""
    return allocate(data, year, resolution if year > data.cycle.base_year else None)


def key_change_table(data: CycleData, supplier: str) -> Table:
    """The supplier's proposed key changes: service, current key, proposed key."""
    base_keys = {sy.service: sy.key for sy in data.service_years if sy.year == data.cycle.base_year}
    columns = (
        Col("proposal", _("Code"), shown=False),
        Col("service", _("Base service/digital infrastructure")),
        Col("current_key", _("Current distribution key")),
        Col("proposed_key", _("Proposed new distribution key")),
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
    title = _("Proposed changes of distribution key, %(supplier)s") % {"supplier": organisation_name(data, supplier)}
    return Table(title, columns, rows)


def key_change_effect_table(data: CycleData, proposal: str, base: Resolution, year: int | None = None) -> Table:
    """What one key change does to each organisation's share of its service in `year` (default
    the target year): `base` with the proposal switched off and on. The changes sum to zero."""
    year = year or data.cycle.target_year
    p = next(x for x in data.proposals if x.code == proposal)
    without = allocate_year(data, year, with_proposals(data, base, {proposal: False}, code="utan"))
    with_ = allocate_year(data, year, with_proposals(data, base, {proposal: True}, code="med"))

    def amounts(allocation: Allocation) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for line in allocation.object_lines(p.service) if p.service else ():
            totals[line.organisation] += line.amount
        return totals

    before, after = amounts(without), amounts(with_)
    columns = (
        Col("organisation", _("Code"), shown=False),
        Col("name", _("Organisation")),
        Col("without", _("Current key"), MONEY, Unit.KR),
        Col("with", _("Proposed key"), MONEY, Unit.KR),
        Col("change", _("Total change"), MONEY, Unit.KR),
        Col("change_percent", _("Change %"), PERCENT),
    )
    rows: list[tuple[Any, ...]] = []
    for org in sorted(set(before) | set(after)):
        old, new = before.get(org, 0), after.get(org, 0)
        rows.append((org, organisation_name(data, org), old, new, new - old, ratio(new - old, old)))
    total_old, total_new = sum(before.values()), sum(after.values())
    rows.append(("", _("Sum"), total_old, total_new, total_new - total_old, ratio(total_new - total_old, total_old)))
    return Table(
        _("Effect per organisation %(year)s: %(service)s, %(key)s")
        % {"year": year, "service": _service_name(data, p.service), "key": _key_name(data, p.proposed_key)},
        columns,
        tuple(rows),
        emphasis=frozenset({len(rows) - 1}),
    )
