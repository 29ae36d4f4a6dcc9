"""`{% thread_slot %}`: the consultation slot of a proposal or a bill line, in one tag.

    {% load consultation %}
    {% thread_slot view proposal=proposal.code %}
    {% thread_slot view line_object=line.object organisation=line.organisation year=line.year compact=True %}

`view` is the page's CycleView (or the cycle's code). The tag needs `request` in the context
(the request context processor is on). See fordela.web.views.consultation.consultation_slot.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("web/consultation/_thread_slot.html", takes_context=True)
def thread_slot(
    context: template.Context,
    cycle: Any,
    *,
    proposal: str | None = None,
    line_object: str | None = None,
    organisation: str | None = None,
    year: int | None = None,
    level: int = 2,
    compact: bool = False,
) -> dict[str, Any]:
    from fordela.web.views.consultation import consultation_slot

    request = context["request"]
    line = (line_object, organisation or "", int(year or 0)) if line_object else None
    slot = consultation_slot(request, cycle, proposal=proposal, line=line, level=level, compact=compact)
    # The include's {% csrf_token %} needs the token from the page's context.
    return {"slot": slot, "csrf_token": context.get("csrf_token")}
