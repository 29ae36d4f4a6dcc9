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
        Col("line", "Rad", shown=False),
        Col("proposal", "Förslag", shown=False),
        Col("label", f"Förändringar i årlig analys {year}"),
        Col("service", "Tjänst"),
        Col("amount", f"Belopp {year}", MONEY, Unit.KR),
    )
    return Table(
        f"Budgetbrygga {organisation_name(data, supplier)} – {resolution.name}",
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
                _service(data, p.service) or "Ej känt",
                financing_label(p.financing),
                d.amount(year, AmountType.DEVELOPMENT),
                later or None,
                p.future_management_cost,
                p.future_management_from_year,
            )
        )
    columns = (
        Col("proposal", "Kod", shown=False),
        Col("title", "Förändringsinsats"),
        Col("service", "Tjänst"),
        Col("financing", "Finansiering"),
        Col("development", f"Utveckling {year}", MONEY, Unit.KR),
        Col("later", "Utveckling senare år", MONEY, Unit.KR),
        Col("future", "Förvaltning per år därefter", MONEY, Unit.KR),
        Col("from_year", "Från år", ColumnKind.NUMBER),
    )
    return Table(f"Förändringsinsatser, {organisation_name(data, supplier)}", columns, tuple(rows))


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
        rows.append((p.code, _service(data, p.service) or "Ej känt", p.title, comments.get(p.code, ""), proposal))
    columns = (
        Col("proposal", "Kod", shown=False),
        Col("service", "Tjänst"),
        Col("title", "Förslag i årlig analys"),
        Col("comment", "SLK kommentar"),
        Col("recommendation", f"SLK:s förslag {data.cycle.target_year}"),
    )
    return Table(f"Kommentar och förslag per förslag – {decided.name}", columns, tuple(rows))


def council_frame_table(data: CycleData, supplier: str, decided: Resolution) -> Table:
    """The frames recommended to the council for `supplier`, plus index as the council decides."""
    frame = b.frame(data, supplier, decided)
    rows = [("management", "Ekonomisk ram för förvaltning av bastjänster", frame.management, "+ index")]
    if frame.development:
        rows.append(("development", "Ekonomisk ram för utveckling av bastjänster", frame.development, "+ index"))
    columns = (
        Col("frame", "Ram", shown=False),
        Col("label", organisation_name(data, supplier)),
        Col("amount", "Ekonomisk ram", MONEY, Unit.KR),
        Col("index", f"Index (i cykeln {index_percent(data)})"),
    )
    return Table(f"Rekommendation till kommunfullmäktige – {decided.name}", columns, tuple(rows))
