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
from fordela.reports.i18n import gettext as _
from fordela.reports.i18n import gettext_noop as N_
from fordela.reports.tables import Col, Table, ratio

KIND_LABELS = {"service": N_("Service"), "initiative": N_("Change initiative"), "subscription": N_("Subscription")}


def cause_labels(data: CycleData) -> dict[ex.Cause, str]:
    """What each part of the explained change is called (the waterfall's steps)."""
    return {
        ex.Cause.COST: _("The service's cost"),
        ex.Cause.OWN_DRIVER: _("Own driver values"),
        ex.Cause.OTHERS_DRIVERS: _("Others' driver values"),
        ex.Cause.PARTICIPATION: _("Joining and leaving"),
        ex.Cause.KEY: _("Changed distribution key"),
        ex.Cause.NEW_SERVICES: _("New services"),
        ex.Cause.INITIATIVES: _("Change initiatives"),
        ex.Cause.INDEX: _("Index %(index)s") % {"index": index_percent(data)},
    }


# Column headings where every cause is a column (the headings say "kr" too, so keep them short);
# translated where used.
CAUSE_SHORT_LABELS = {
    ex.Cause.COST: N_("Cost"),
    ex.Cause.OWN_DRIVER: N_("Own values"),
    ex.Cause.OTHERS_DRIVERS: N_("Others' values"),
    ex.Cause.PARTICIPATION: N_("Joining/leaving"),
    ex.Cause.KEY: N_("Key"),
    ex.Cause.NEW_SERVICES: N_("New services"),
    ex.Cause.INITIATIVES: N_("Initiatives"),
    ex.Cause.INDEX: N_("Index"),
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
        Col("object", _("Code"), shown=False),
        Col("name", _("Service or initiative")),
        Col("kind", _("Type"), shown=False),
        Col("key", _("Key")),
        Col("before", f"{a}", MONEY, Unit.KR),
        Col("after", f"{b_year}", MONEY, Unit.KR),
        Col("change", _("Total change"), MONEY, Unit.KR),
        Col("change_percent", "%", PERCENT),
        Col("after_with_index", _("%(year)s incl. index") % {"year": b_year}, MONEY, Unit.KR),
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
                _(KIND_LABELS[o.kind]) if o.kind in KIND_LABELS else o.kind,
                key_text(o),
                o.before,
                o.after,
                o.change,
                ratio(o.change, o.before),
                o.after_with_index,
            )
        )
    e = explanation
    rows.append(("", _("Sum"), "", "", e.before, e.after, e.change, ratio(e.change, e.before), e.after_with_index))
    title = _("%(organisation)s: cost per service %(before)s and %(after)s") % {
        "organisation": organisation_name(data, e.organisation),
        "before": a,
        "after": b_year,
    }
    notes = (_("Subscriptions (number × price) are not indexed."),)
    return Table(title, columns, tuple(rows), notes, frozenset({len(rows) - 1}))


def explained_change_table(data: CycleData, explanation: ex.Explanation) -> Table:
    """The change of every service billed in both years taken apart by cause (the substitution
    steps); each row sums to its change."""
    names = _object_names(data)
    causes = list(ex.SUBSTITUTION_ORDER)
    columns = (
        Col("object", _("Code"), shown=False),
        Col("name", _("Service")),
        *(Col(c.value, _(CAUSE_SHORT_LABELS[c]), MONEY, Unit.KR) for c in causes),
        Col("change", _("Sum"), MONEY, Unit.KR),
        Col("index", _(CAUSE_SHORT_LABELS[ex.Cause.INDEX]), MONEY, Unit.KR),
    )
    shown = [o for o in explanation.objects if o.kind == "service" and o.key_before is not None]
    rows: list[tuple[Any, ...]] = [
        (o.object, names.get(o.object, o.object), *(o.part(c) for c in causes), o.change, o.part(ex.Cause.INDEX))
        for o in sorted(shown, key=lambda o: names.get(o.object, o.object))
    ]
    rows.append(
        (
            "",
            _("Sum"),
            *(sum(o.part(c) for o in shown) for c in causes),
            sum(o.change for o in shown),
            sum(o.part(ex.Cause.INDEX) for o in shown),
        )
    )
    e = explanation
    title = _("Services in both years: the change %(before)s–%(after)s by cause") % {
        "before": e.from_year,
        "after": e.to_year,
    }
    labels = cause_labels(data)
    notes = (
        _("The columns: %(columns)s. Index is counted on top of the change.")
        % {"columns": "; ".join(f"{_(CAUSE_SHORT_LABELS[c])} = {labels[c].lower()}" for c in causes)},
    )
    return Table(title, columns, tuple(rows), notes, frozenset({len(rows) - 1}))


def explained_new_table(data: CycleData, explanation: ex.Explanation) -> Table:
    """New services and change initiatives: counted as a whole, with their index."""
    labels = cause_labels(data)
    names = _object_names(data)
    columns = (
        Col("object", _("Code"), shown=False),
        Col("name", _("Service or initiative")),
        Col("cause", _("Cause")),
        Col("change", _("Total change"), MONEY, Unit.KR),
        Col("index", labels[ex.Cause.INDEX], MONEY, Unit.KR),
    )
    shown = [o for o in explanation.objects if o.kind != "service" or o.key_before is None]
    rows: list[tuple[Any, ...]] = []
    for o in sorted(shown, key=lambda o: (o.kind, names.get(o.object, o.object))):
        cause = ex.Cause.INITIATIVES if o.kind == "initiative" else ex.Cause.NEW_SERVICES
        rows.append((o.object, names.get(o.object, o.object), labels[cause], o.change, o.part(ex.Cause.INDEX)))
    rows.append(("", _("Sum"), "", sum(o.change for o in shown), sum(o.part(ex.Cause.INDEX) for o in shown)))
    e = explanation
    title = _("New services and change initiatives %(year)s") % {"year": e.to_year}
    return Table(title, columns, tuple(rows), (), frozenset({len(rows) - 1}))


def explained_steps_table(data: CycleData, explanation: ex.Explanation) -> Table:
    """The waterfall's steps: the base year's level, each cause, the target year, index, with index."""
    e = explanation
    labels = cause_labels(data)
    steps: list[tuple[str, str, int | None, int]] = [
        ("before", _("Cost %(year)s") % {"year": e.from_year}, None, e.before)
    ]
    level = e.before
    for cause in ex.CAUSES:
        if cause is ex.Cause.INDEX:
            steps.append(("after", _("Cost %(year)s") % {"year": e.to_year}, None, e.after))
        amount = e.part(cause)
        level += amount
        steps.append((cause.value, labels[cause], amount, level))
    steps.append(("after_with_index", _("Cost %(year)s incl. index") % {"year": e.to_year}, None, e.after_with_index))
    columns = (
        Col("step", _("Step"), shown=False),
        Col("label", _("Step")),
        Col("change", _("Total change"), MONEY, Unit.KR),
        Col("level", _("Level"), MONEY, Unit.KR),
    )
    emphasis = frozenset(i for i, s in enumerate(steps) if s[2] is None)
    title = _("%(organisation)s: from %(before)s to %(after)s step by step") % {
        "organisation": organisation_name(data, e.organisation),
        "before": e.from_year,
        "after": e.to_year,
    }
    return Table(title, columns, tuple(steps), (), emphasis)


def key_simulation_table(
    data: CycleData, simulation: ex.KeySimulation, visible: Collection[str] | None = None
) -> Table:
    """Every organisation's amount under the current and the alternative key, the change in kr
    and %; `visible` limits the organisation rows (a customer sees its own), the sum is over all."""
    columns = (
        Col("organisation", _("Code"), shown=False),
        Col("name", _("Organisation")),
        Col("current", simulation.current_key.name, MONEY, Unit.KR),
        Col("alternative", simulation.alternative_key.name, MONEY, Unit.KR),
        Col("change", _("Total change"), MONEY, Unit.KR),
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
            _("Sum of all organisations"),
            current,
            alternative,
            alternative - current,
            ratio(alternative - current, current),
        )
    )
    notes: tuple[str, ...] = ()
    if alternative != current:
        notes = (
            _(
                "The sums differ: a subscription distributes only what the subscribers pay, the rest is "
                "shown as under- or over-recovery."
            ),
        )
    name = _object_names(data).get(simulation.service, simulation.service)
    title = _("%(service)s %(year)s: %(current)s and %(alternative)s") % {
        "service": name,
        "year": simulation.year,
        "current": simulation.current_key.name,
        "alternative": simulation.alternative_key.name,
    }
    return Table(title, columns, tuple(rows), notes, frozenset({len(rows) - 1}))


def organisation_outlook_table(data: CycleData, organisation: str, bills: Sequence[ex.YearBill]) -> Table:
    """An organisation's bill per year of the outlook; a year that cannot be split is left empty
    with its problems in the notes."""
    columns = (
        Col("year", _("Year")),
        Col("amount", _("Cost"), MONEY, Unit.KR),
        Col("change", _("Change from the base year"), MONEY, Unit.KR),
        Col("change_percent", "%", PERCENT),
        Col("amount_with_index", _("Cost incl. index"), MONEY, Unit.KR),
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
                _("%(year)s cannot be distributed: %(problems)s")
                % {"year": x.year, "problems": "; ".join(x.problems[:5])}
                + (_(" (and %(count)s more)") % {"count": len(x.problems) - 5} if len(x.problems) > 5 else "")
            )
    title = _("Multi-year outlook %(organisation)s") % {"organisation": organisation_name(data, organisation)}
    return Table(title, columns, tuple(rows), tuple(notes))
