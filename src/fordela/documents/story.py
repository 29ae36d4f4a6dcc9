"""The story of the review stages in words: what one stage proposed, what a later stage changed
and why, and what that does to the frame — as the coordination group's deck tells it (seeds/000…:
"Rekommendation följa beredningens förslag samt ta bort HR chat bot").

Every figure is `money.display` of exact öre from the engine; the reasons are the later stage's
review comments.
"""

from __future__ import annotations

from dataclasses import dataclass

from fordela.engine import bridge as b
from fordela.engine.model import AmountType, CycleData
from fordela.engine.money import Unit, display
from fordela.engine.scenario import Decision, Resolution
from fordela.reports.cycle import outcome_label


@dataclass(frozen=True, slots=True)
class Change:
    """A proposal that the later stage decided differently from the earlier one."""

    title: str
    development: int  # öre in the target year, as proposed
    before: str
    after: str
    reason: str


def _outcome(decision: Decision) -> str:
    if decision.outcome is None:
        return "Föreslagen" if decision.included else "Ej med"
    return outcome_label(decision.outcome)


def changes(data: CycleData, supplier: str, earlier: Resolution, later: Resolution) -> list[Change]:
    """The supplier's proposals whose outcome or inclusion differs between the two stages."""
    year = data.cycle.target_year
    found = []
    for proposal in data.proposals:
        if proposal.supplier != supplier:
            continue
        before, after = earlier.decisions[proposal.code], later.decisions[proposal.code]
        if (before.outcome, before.included, before.as_add_on) == (after.outcome, after.included, after.as_add_on):
            continue
        found.append(
            Change(
                proposal.title,
                before.amount(year, AmountType.DEVELOPMENT),
                _outcome(before),
                _outcome(after),
                after.comment.strip(),
            )
        )
    return found


def stage_story(data: CycleData, supplier: str, earlier: Resolution, later: Resolution) -> list[str]:
    """Sentences: what `earlier` proposed, what `later` changed and why, and the resulting frame."""
    year = data.cycle.target_year
    proposed, decided = b.frame(data, supplier, earlier), b.frame(data, supplier, later)
    lines = [
        f"{earlier.name}: förvaltning {display(proposed.management, Unit.KR)} kr och utveckling "
        f"{display(proposed.development, Unit.TKR)} tkr {year} (förändringsinsatser som finansieras "
        "solidariskt inom ramen)."
    ]
    found = changes(data, supplier, earlier, later)
    if not found:
        lines.append(f"{later.name} följer {earlier.name.lower()} utan ändringar.")
    for change in found:
        text = f"{later.name} ändrar: {change.title}"
        if change.development:
            text += f" ({display(change.development, Unit.TKR)} tkr {year})"
        text += f" – {change.before.lower()} → {change.after.lower()}."
        lines.append(text + (f" Motivering: {change.reason}" if change.reason else " Ingen motivering angiven."))
    difference = decided.development - proposed.development
    if found or difference or decided.management != proposed.management:
        text = (
            f"Ekonomisk ram enligt {later.name.lower()}: förvaltning {display(decided.management, Unit.KR)} kr "
            f"och utveckling {display(decided.development, Unit.KR)} kr + index"
        )
        if difference:
            sign = "+" if difference > 0 else ""
            text += f" ({sign}{display(difference, Unit.TKR)} tkr jämfört med {earlier.name.lower()})"
        lines.append(text + ".")
    return lines
