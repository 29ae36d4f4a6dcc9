"""Shared by the views: load the cycle of the URL, pick the scenario, build common context."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest

from fordela.catalogue.models import Cycle
from fordela.cycle.computed import computed, resolution_of
from fordela.cycle.selectors import CycleNotFound, cycle_data
from fordela.engine.bridge import suppliers
from fordela.engine.lookups import lookups
from fordela.engine.model import CycleData, ScenarioKind
from fordela.engine.scenario import Resolution, ScenarioError
from fordela.reports import cycle as reports


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
        return [(s.code, s.name) for s in self.data.scenarios]

    def decided_scenario(self) -> str:
        """The scenario of the cycle's current stage, else everything proposed."""
        current = self.data.cycle.current_stage
        for s in self.data.scenarios:
            if s.kind is ScenarioKind.STAGE and s.stage == current:
                return s.code
        return current or next((s.code for s in self.data.scenarios), "")

    def proposed_scenario(self) -> str:
        return next((s.code for s in self.data.scenarios if s.kind is ScenarioKind.ALL_PROPOSED), "")


def cycle_view(code: str) -> CycleView:
    try:
        data = cycle_data(code)
    except CycleNotFound:
        raise Http404(code) from None
    return CycleView(Cycle.objects.get(code=code), data)


def scenario_summary_of(data: CycleData, code: str) -> reports.ScenarioSummary:
    """The scenario's bridges, lists and bills (`reports.scenario_summary`), once per revision."""
    return computed(
        data, "scenario-summary", (code,), lambda: reports.scenario_summary(data, resolution_of(data, code))
    )


def chosen_scenario(request: HttpRequest, view: CycleView, default: str | None = None) -> Resolution:
    """The scenario named by ?scenario=, else `default`, else the decided one."""
    code = request.GET.get("scenario") or default or view.decided_scenario()
    try:
        return resolution_of(view.data, code)
    except ScenarioError:
        raise Http404(f"scenario {code}") from None
