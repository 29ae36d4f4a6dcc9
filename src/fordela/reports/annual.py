"""The figures of a supplier's written annual analysis (seeds/004…) and of the coordination group's
assessment of it (seeds/000…), each a `Table` computed by the engine, so the .docx shows nothing
the engine did not compute: the cost history ending in the bridge's existing delivery, the bridge
with every proposal that makes up each of its lines, the change initiatives, the assessment per
proposal and the frames recommended to the council.
"""

from __future__ import annotations

from typing import Any

from fordela.engine import bridge as b
from fordela.engine.model import AmountType, AnalysisSection, CycleData, ProposalKind
from fordela.engine.money import Unit
from fordela.engine.scenario import Decision, Resolution
from fordela.reports.analysis import cost_history_layout, existing_services, financing_label, recommendation_text
from fordela.reports.cycle import index_percent, line_labels, organisation_name
from fordela.reports.i18n import gettext as _
from fordela.reports.tables import Col, ColumnKind, Table

MONEY = ColumnKind.MONEY
KINDS = dict(b.EXISTING_DELIVERY_LINES + b.GROWTH_LINES)


def history_table(data: CycleData, supplier: str, resolution: Resolution) -> Table:
    """Management cost of the existing services per year: outcome for past years, the decided budget of
    the base year, and for the target year the bridge's existing delivery under `resolution` (the
    supplier's proposal), each with its development within service — for the target year what is
    recorded on the services plus the bridge's line of development within service."""
    cycle = data.cycle
    services = set(existing_services(data, supplier))
    rows: dict[int, list[Any]] = {}
    for sy in data.service_years:
        if sy.service not in services or sy.year > cycle.base_year:
            continue
        amount = sy.outcome if sy.year < cycle.base_year else sy.cost
        if amount is None:
            continue
        row = rows.setdefault(sy.year, [0, None])
        row[0] += amount
        if sy.year == cycle.base_year and sy.development_within_service is not None:
            row[1] = (row[1] or 0) + sy.development_within_service
    x = b.bridge(data, supplier, resolution)
    recorded = [
        sy.development_within_service
        for sy in data.service_years
        if sy.service in services and sy.year == cycle.target_year and sy.development_within_service is not None
    ]
    development = sum(recorded) + x.line("development_within_service")
    rows[cycle.target_year] = [x.existing_delivery, development if recorded or development else None]
    return cost_history_layout(data, supplier, rows)


def _service(data: CycleData, code: str | None) -> str:
    return next((s.name for s in data.services if s.code == code), "") if code else ""


def bridge_contribution(decision: Decision, line: str, year: int) -> int:
    """What one included proposal adds to a bridge line in `year` (0 when it is not on that line)."""
    kind = decision.proposal.kind
    if line == "change_initiatives":
        return decision.amount(year, AmountType.DEVELOPMENT) if kind is ProposalKind.CHANGE_INITIATIVE else 0
    if line == "initiative_management":
        return decision.management(year) if kind is ProposalKind.CHANGE_INITIATIVE else 0
    return decision.management(year) if kind in KINDS.get(line, ()) else 0


def bridge_detail_table(data: CycleData, supplier: str, resolution: Resolution) -> Table:
    """The bridge in deck order, every line followed by the proposals that make it up."""
    year = data.cycle.target_year
    x = b.bridge(data, supplier, resolution)
    labels = line_labels(data)
    decisions = [d for d in b.supplier_decisions(resolution, supplier) if d.included]
    rows: list[tuple[Any, ...]] = []
    emphasis: set[int] = set()

    def total(line: str, amount: int) -> None:
        emphasis.add(len(rows))
        rows.append((line, "", labels[line], "", amount))

    def line_with_proposals(line: str, amount: int) -> None:
        rows.append((line, "", labels[line], "", amount))
        for d in decisions:
            part = bridge_contribution(d, line, year)
            if part:
                rows.append((line, d.proposal.code, f"– {d.proposal.title}", _service(data, d.proposal.service), part))

    total("management_budget_base", x.management_budget_base)
    for line, _kinds in b.EXISTING_DELIVERY_LINES:
        line_with_proposals(line, x.line(line))
    total("existing_delivery", x.existing_delivery)
    for line, amount in x.lines[len(b.EXISTING_DELIVERY_LINES) :]:
        line_with_proposals(line, amount)
    total("management_cost", x.management_cost)
    line_with_proposals("change_initiatives", x.change_initiatives)
    total("total", x.total)
    rows.append(("total_with_index", "", labels["total_with_index"], "", x.total_with_index))
    columns = (
        Col("line", _("Line"), shown=False),
        Col("proposal", _("Proposal"), shown=False),
        Col("label", _("Changes in the annual analysis %(year)s") % {"year": year}),
        Col("service", _("Service")),
        Col("amount", _("Amount %(year)s") % {"year": year}, MONEY, Unit.KR),
    )
    return Table(
        _("Budget bridge %(supplier)s – %(scenario)s")
        % {"supplier": organisation_name(data, supplier), "scenario": resolution.name},
        columns,
        tuple(rows),
        emphasis=frozenset(emphasis),
    )


def initiatives_detail_table(data: CycleData, supplier: str, resolution: Resolution) -> Table:
    """The supplier's change initiatives: development in the target year and after, future management."""
    year = data.cycle.target_year
    rows = []
    for d in b.supplier_decisions(resolution, supplier):
        p = d.proposal
        if p.kind is not ProposalKind.CHANGE_INITIATIVE:
            continue
        later = sum(a for y, t, a in d.amounts if t is AmountType.DEVELOPMENT and y > year)
        rows.append(
            (
                p.code,
                p.title,
                _service(data, p.service) or _("Not known"),
                financing_label(p.financing),
                d.amount(year, AmountType.DEVELOPMENT),
                later or None,
                p.future_management_cost,
                p.future_management_from_year,
            )
        )
    columns = (
        Col("proposal", _("Code"), shown=False),
        Col("title", _("Change initiative")),
        Col("service", _("Service")),
        Col("financing", _("Financing")),
        Col("development", _("Development %(year)s") % {"year": year}, MONEY, Unit.KR),
        Col("later", _("Development in later years"), MONEY, Unit.KR),
        Col("future", _("Management per year after that"), MONEY, Unit.KR),
        Col("from_year", _("From year"), ColumnKind.NUMBER),
    )
    title = _("Change initiatives, %(supplier)s") % {"supplier": organisation_name(data, supplier)}
    return Table(title, columns, tuple(rows))


def assessment_table(data: CycleData, supplier: str, decided: Resolution) -> Table:
    """Per proposal the coordination group's comment (its text) and its proposal (the deciding review)."""
    comments = {
        t.proposal: t.text
        for t in data.analysis_texts
        if t.supplier == supplier and t.section is AnalysisSection.PROPOSAL_COMMENT
    }
    rows = []
    for p in data.proposals:
        d = decided.decisions[p.code]
        if p.supplier != supplier or (p.code not in comments and d.outcome is None):
            continue
        proposal = recommendation_text(decided, p.code) + (f". {d.comment}" if d.comment else "")
        rows.append((p.code, _service(data, p.service) or _("Not known"), p.title, comments.get(p.code, ""), proposal))
    columns = (
        Col("proposal", _("Code"), shown=False),
        Col("service", _("Service")),
        Col("title", _("Proposal in the annual analysis")),
        Col("comment", _("SLK comment")),
        Col("recommendation", _("SLK's proposal %(year)s") % {"year": data.cycle.target_year}),
    )
    title = _("Comment and proposal per proposal – %(scenario)s") % {"scenario": decided.name}
    return Table(title, columns, tuple(rows))


def council_frame_table(data: CycleData, supplier: str, decided: Resolution) -> Table:
    """The frames recommended to the council for `supplier`, plus index as the council decides."""
    frame = b.frame(data, supplier, decided)
    rows = [("management", _("Budget frame for management of base services"), frame.management, "+ index")]
    if frame.development:
        rows.append(("development", _("Budget frame for development of base services"), frame.development, "+ index"))
    columns = (
        Col("frame", _("Frame"), shown=False),
        Col("label", organisation_name(data, supplier)),
        Col("amount", _("Budget frame"), MONEY, Unit.KR),
        Col("index", _("Index (in the cycle %(index)s)") % {"index": index_percent(data)}),
    )
    title = _("Recommendation to the city council – %(scenario)s") % {"scenario": decided.name}
    return Table(title, columns, tuple(rows))
