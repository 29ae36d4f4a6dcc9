"""Shared by the views: load the cycle of the URL, pick the scenario, build common context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from fordela.catalogue.models import Cycle
from fordela.cycle.computed import computed, resolution_of
from fordela.cycle.selectors import CycleNotFound, cycle_data
from fordela.engine.bridge import suppliers
from fordela.engine.lookups import lookups
from fordela.engine.model import CycleData, ReviewStage
from fordela.engine.scenario import (
    Resolution,
    ScenarioError,
    decided_scenario,
    proposed_scenario,
    scenarios_in_order,
    stages_in_order,
)
from fordela.reports import scenarios as scenario_reports


@dataclass(frozen=True)
class CycleView:
    cycle: Cycle
    data: CycleData

    @property
    def code(self) -> str:
        return self.cycle.code

    def organisation_name(self, code: str) -> str:
        return lookups(self.data).organisation_name(code)

    def suppliers(self) -> list[tuple[str, str]]:
        return [(s, self.organisation_name(s)) for s in suppliers(self.data)]

    def scenario_choices(self) -> list[tuple[str, str]]:
        return [(s.code, s.name) for s in scenarios_in_order(self.data)]

    @property
    def stages(self) -> tuple[ReviewStage, ...]:
        """The review stages in process order, for every picker of a stage."""
        return stages_in_order(self.data)

    def decided_scenario(self) -> str:
        """The scenario whose decisions stand (`fordela.engine.scenario.decided_scenario`)."""
        return decided_scenario(self.data) or ""

    def proposed_scenario(self) -> str:
        return proposed_scenario(self.data) or ""


def cycle_view(code: str) -> CycleView:
    try:
        data = cycle_data(code)
    except CycleNotFound:
        raise Http404(code) from None
    return CycleView(Cycle.objects.get(code=code), data)


def scenario_summary_of(data: CycleData, code: str) -> scenario_reports.ScenarioSummary:
    """The scenario's bridges, lists and bills (`reports.scenario_summary`), once per revision."""
    build = lambda: scenario_reports.scenario_summary(data, resolution_of(data, code))  # noqa: E731
    return computed(data, "scenario-summary", (code,), build)


def chosen_scenario(request: HttpRequest, view: CycleView, default: str | None = None) -> Resolution:
    """The scenario named by ?scenario=, else `default`, else the decided one."""
    code = request.GET.get("scenario") or default or view.decided_scenario()
    try:
        return resolution_of(view.data, code)
    except ScenarioError:
        raise Http404(f"scenario {code}") from None


# Longer than any code, name or text a filter could match; SQLite refuses LIKE patterns over 50 000.
QUERY_TEXT_MAX = 200


def query_year(request: HttpRequest, years: Sequence[int], default: int, name: str = "year") -> int:
    """The year of ?year= (ASCII digits, one of `years`), else `default`; anything else is a 404,
    like a year the cycle does not have. `2026.0`, `٢٠٢٦` and `abc` are not years."""
    text = request.GET.get(name, "")
    if not text:
        return default
    if not (text.isascii() and text.isdigit() and len(text) == 4) or int(text) not in years:
        raise Http404(f"year {text[:20]!r}")
    return int(text)


def query_text(request: HttpRequest, name: str) -> str:
    """A free-text filter of the query string, stripped; one longer than any value it could match
    is ignored with a message rather than sent to the database."""
    text = request.GET.get(name, "").strip()
    if len(text) > QUERY_TEXT_MAX:
        messages.warning(request, _("The search text was too long and was ignored."))
        return ""
    return text
