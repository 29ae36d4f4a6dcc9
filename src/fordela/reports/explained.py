"""My organisation, the key simulator and the outlook per organisation: the explained bill
(`fordela.engine.explain`) as tables."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from fordela.engine import explain as ex
from fordela.engine.model import CycleData
from fordela.engine.money import Unit
from fordela.reports.cycle import (
    MONEY,
    PERCENT,
    index_percent,
    organisation_name,
)
from fordela.reports.tables import Col, Table, ratio

KIND_LABELS = {"service": "Tjänst", "initiative": "Förändringsinsats", "subscription": "Abonnemang"}


def cause_labels(data: CycleData) -> dict[ex.Cause, str]:
    """What each part of the explained change is called (the waterfall's steps)."""
    return {
        ex.Cause.COST: "Tjänstens kostnad",
        ex.Cause.OWN_DRIVER: "Egna drivarvärden",
        ex.Cause.OTHERS_DRIVERS: "Andras drivarvärden",
        ex.Cause.PARTICIPATION: "Anslutning och utträde",
        ex.Cause.KEY: "Ändrad fördelningsnyckel",
        ex.Cause.NEW_SERVICES: "Nya tjänster",
        ex.Cause.INITIATIVES: "Förändringsinsatser",
        ex.Cause.INDEX: f"Index {index_percent(data)}",
    }


# Column headings where every cause is a column (the headings say "kr" too, so keep them short).
CAUSE_SHORT_LABELS = {
    ex.Cause.COST: "Kostnad",
    ex.Cause.OWN_DRIVER: "Egna värden",
    ex.Cause.OTHERS_DRIVERS: "Andras värden",
    ex.Cause.PARTICIPATION: "In/utträde",
    ex.Cause.KEY: "Nyckel",
    ex.Cause.NEW_SERVICES: "Nya tjänster",
    ex.Cause.INITIATIVES: "Insatser",
    ex.Cause.INDEX: "Index",
}


def _object_names(data: CycleData) -> dict[str, str]:
    return {s.code: s.name for s in data.services} | {p.code: p.title for p in data.proposals}


def explained_bill_table(data: CycleData, explanation: ex.Explanation) -> Table:
    """What the organisation pays per service or initiative in both years, the change, and the
    target year with index (subscriptions are not indexed)."""
    a, b_year = explanation.from_year, explanation.to_year
    keys = {k.code: k.name for k in data.keys}
    names = _object_names(data)
    columns = (
        Col("object", "Kod", shown=False),
        Col("name", "Tjänst eller insats"),
        Col("kind", "Typ", shown=False),
        Col("key", "Nyckel"),
        Col("before", f"{a}", MONEY, Unit.KR),
        Col("after", f"{b_year}", MONEY, Unit.KR),
        Col("change", "Förändring", MONEY, Unit.KR),
        Col("change_percent", "%", PERCENT),
        Col("after_with_index", f"{b_year} inkl. index", MONEY, Unit.KR),
    )

    def key_text(o: ex.ObjectChange) -> str:
        before = keys.get(o.key_before or "", "") if o.before else ""
        after = keys.get(o.key_after or "", "") if o.after else ""
        return f"{before} → {after}" if before and after and before != after else after or before

    rows: list[tuple[Any, ...]] = []
    for o in sorted(explanation.objects, key=lambda o: (o.kind != "service", names.get(o.object, o.object))):
        rows.append(
            (
                o.object,
                names.get(o.object, o.object),
                KIND_LABELS.get(o.kind, o.kind),
                key_text(o),
                o.before,
                o.after,
                o.change,
                ratio(o.change, o.before),
                o.after_with_index,
            )
        )
    e = explanation
    rows.append(("", "Summa", "", "", e.before, e.after, e.change, ratio(e.change, e.before), e.after_with_index))
    title = f"{organisation_name(data, e.organisation)}: kostnad per tjänst {a} och {b_year}"
    notes = ("Abonnemang (antal × pris) räknas inte upp med index.",)
    return Table(title, columns, tuple(rows), notes, frozenset({len(rows) - 1}))


def explained_change_table(data: CycleData, explanation: ex.Explanation) -> Table:
    """The change of every service billed in both years taken apart by cause (the substitution
    steps); each row sums to its change."""
    names = _object_names(data)
    causes = list(ex.SUBSTITUTION_ORDER)
    columns = (
        Col("object", "Kod", shown=False),
        Col("name", "Tjänst"),
        *(Col(c.value, CAUSE_SHORT_LABELS[c], MONEY, Unit.KR) for c in causes),
        Col("change", "Summa", MONEY, Unit.KR),
        Col("index", CAUSE_SHORT_LABELS[ex.Cause.INDEX], MONEY, Unit.KR),
    )
    shown = [o for o in explanation.objects if o.kind == "service" and o.key_before is not None]
    rows: list[tuple[Any, ...]] = [
        (o.object, names.get(o.object, o.object), *(o.part(c) for c in causes), o.change, o.part(ex.Cause.INDEX))
        for o in sorted(shown, key=lambda o: names.get(o.object, o.object))
    ]
    rows.append(
        (
            "",
            "Summa",
            *(sum(o.part(c) for o in shown) for c in causes),
            sum(o.change for o in shown),
            sum(o.part(ex.Cause.INDEX) for o in shown),
        )
    )
    e = explanation
    title = f"Tjänster båda åren: förändringen {e.from_year}–{e.to_year} per orsak"
    labels = cause_labels(data)
    notes = (
        "Kolumnerna: "
        + "; ".join(f"{CAUSE_SHORT_LABELS[c]} = {labels[c].lower()}" for c in causes)
        + ". Index räknas utöver förändringen.",
    )
    return Table(title, columns, tuple(rows), notes, frozenset({len(rows) - 1}))


def explained_new_table(data: CycleData, explanation: ex.Explanation) -> Table:
    """New services and change initiatives: counted as a whole, with their index."""
    labels = cause_labels(data)
    names = _object_names(data)
    columns = (
        Col("object", "Kod", shown=False),
        Col("name", "Tjänst eller insats"),
        Col("cause", "Orsak"),
        Col("change", "Förändring", MONEY, Unit.KR),
        Col("index", labels[ex.Cause.INDEX], MONEY, Unit.KR),
    )
    shown = [o for o in explanation.objects if o.kind != "service" or o.key_before is None]
    rows: list[tuple[Any, ...]] = []
    for o in sorted(shown, key=lambda o: (o.kind, names.get(o.object, o.object))):
        cause = ex.Cause.INITIATIVES if o.kind == "initiative" else ex.Cause.NEW_SERVICES
        rows.append((o.object, names.get(o.object, o.object), labels[cause], o.change, o.part(ex.Cause.INDEX)))
    rows.append(("", "Summa", "", sum(o.change for o in shown), sum(o.part(ex.Cause.INDEX) for o in shown)))
    e = explanation
    title = f"Nya tjänster och förändringsinsatser {e.to_year}"
    return Table(title, columns, tuple(rows), (), frozenset({len(rows) - 1}))


def explained_steps_table(data: CycleData, explanation: ex.Explanation) -> Table:
    """The waterfall's steps: the base year's level, each cause, the target year, index, with index."""
    e = explanation
    labels = cause_labels(data)
    steps: list[tuple[str, str, int | None, int]] = [("before", f"Kostnad {e.from_year}", None, e.before)]
    level = e.before
    for cause in ex.CAUSES:
        if cause is ex.Cause.INDEX:
            steps.append(("after", f"Kostnad {e.to_year}", None, e.after))
        amount = e.part(cause)
        level += amount
        steps.append((cause.value, labels[cause], amount, level))
    steps.append(("after_with_index", f"Kostnad {e.to_year} inkl. index", None, e.after_with_index))
    columns = (
        Col("step", "Steg", shown=False),
        Col("label", "Steg"),
        Col("change", "Förändring", MONEY, Unit.KR),
        Col("level", "Nivå", MONEY, Unit.KR),
    )
    emphasis = frozenset(i for i, s in enumerate(steps) if s[2] is None)
    title = f"{organisation_name(data, e.organisation)}: från {e.from_year} till {e.to_year} steg för steg"
    return Table(title, columns, tuple(steps), (), emphasis)


def key_simulation_table(
    data: CycleData, simulation: ex.KeySimulation, visible: Collection[str] | None = None
) -> Table:
    """Every organisation's amount under the current and the alternative key, the change in kr
    and %; `visible` limits the organisation rows (a customer sees its own), the sum is over all."""
    columns = (
        Col("organisation", "Kod", shown=False),
        Col("name", "Organisation"),
        Col("current", simulation.current_key.name, MONEY, Unit.KR),
        Col("alternative", simulation.alternative_key.name, MONEY, Unit.KR),
        Col("change", "Förändring", MONEY, Unit.KR),
        Col("change_percent", "%", PERCENT),
    )
    ordered = sorted(simulation.rows, key=lambda r: organisation_name(data, r.organisation))
    rows: list[tuple[Any, ...]] = [
        (
            r.organisation,
            organisation_name(data, r.organisation),
            r.current,
            r.alternative,
            r.change,
            ratio(r.change, r.current),
        )
        for r in ordered
        if visible is None or r.organisation in visible
    ]
    current, alternative = simulation.current_total, simulation.alternative_total
    rows.append(
        (
            "",
            "Summa alla organisationer",
            current,
            alternative,
            alternative - current,
            ratio(alternative - current, current),
        )
    )
    notes: tuple[str, ...] = ()
    if alternative != current:
        notes = (
            "Summorna skiljer sig åt: abonnemang fördelar bara vad abonnenterna betalar, resten redovisas "
            "som under- eller överfinansiering.",
        )
    name = _object_names(data).get(simulation.service, simulation.service)
    title = f"{name} {simulation.year}: {simulation.current_key.name} och {simulation.alternative_key.name}"
    return Table(title, columns, tuple(rows), notes, frozenset({len(rows) - 1}))


def organisation_outlook_table(data: CycleData, organisation: str, bills: Sequence[ex.YearBill]) -> Table:
    """An organisation's bill per year of the outlook; a year that cannot be split is left empty
    with its problems in the notes."""
    columns = (
        Col("year", "År"),
        Col("amount", "Kostnad", MONEY, Unit.KR),
        Col("change", "Förändring mot basår", MONEY, Unit.KR),
        Col("change_percent", "%", PERCENT),
        Col("amount_with_index", "Kostnad inkl. index", MONEY, Unit.KR),
    )
    first = next((x.amount for x in bills if x.amount is not None), None)
    rows = []
    notes = []
    for x in bills:
        change = None if x.amount is None or first is None else x.amount - first
        rows.append(
            (
                x.year,
                x.amount,
                change,
                None if change is None or first is None else ratio(change, first),
                x.amount_with_index,
            )
        )
        if x.problems:
            notes.append(
                f"{x.year} kan inte fördelas: "
                + "; ".join(x.problems[:5])
                + (f" (och {len(x.problems) - 5} till)" if len(x.problems) > 5 else "")
            )
    return Table(f"Flerårsprognos {organisation_name(data, organisation)}", columns, tuple(rows), tuple(notes))
