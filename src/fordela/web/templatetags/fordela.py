"""Template filters that format money with fordela.engine.money (never Django's float formatting)."""

from __future__ import annotations

from django import template

from fordela.engine.money import Unit, display, percent

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
