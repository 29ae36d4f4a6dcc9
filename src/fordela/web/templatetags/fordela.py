"""Template filters that format money with fordela.engine.money (never Django's float formatting)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from fordela.engine.money import Unit, display, percent
from fordela.history.describe import Sentence, describe, table_label
from fordela.history.models import ChangeRecord

register = template.Library()


@register.filter
def kr(ore: int | None) -> str:
    return "" if ore is None else display(int(ore), Unit.KR)


@register.filter
def tkr(ore: int | None) -> str:
    return "" if ore is None else display(int(ore), Unit.TKR)


@register.filter
def mkr(ore: int | None) -> str:
    return "" if ore is None else display(int(ore), Unit.MKR)


@register.filter
def pct(pair: tuple[int, int] | None) -> str:
    return "" if pair is None else percent(*pair)


# The actions fordela.history records, as people read them.
ACTION_LABELS = {
    "create": _("created"),
    "update": _("changed"),
    "delete": _("deleted"),
    "restore": _("restored"),
    "submit": _("submitted for review"),
    "review": _("reviewed"),
    "toggle": _("included or left out"),
    "answer": _("answered"),
    "reply": _("replied"),
    "resolve": _("resolved"),
}


@register.filter
def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


@register.filter
def change_sentences(record: ChangeRecord) -> list[Sentence]:
    """A history record's changes as sentences in the active language (fordela.history.describe)."""
    return describe(record.table, record.changes, names=getattr(record, "names", None))


@register.filter
def table_name(table: str) -> str:
    return table_label(table)
