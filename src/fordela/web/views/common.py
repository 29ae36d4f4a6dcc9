"""Shared by the views: load the cycle of the URL, pick the scenario, build common context."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest

from fordela.catalogue.models import Cycle
from fordela.cycle.selectors import CycleNotFound, cycle_data
from fordela.engine.bridge import suppliers
from fordela.engine.model import CycleData
from fordela.engine.scenario import Resolution, ScenarioError, decided_scenario, proposed_scenario, resolve_code


@dataclass(frozen=True)
class CycleView:
    cycle: Cycle
    data: CycleData

    @property
    def code(self) -> str:
        return self.cycle.code

    def organisation_name(self, code: str) -> str:
        return next((o.name for o in self.data.organisations if o.code == code), code)

    def suppliers(self) -> list[tuple[str, str]]:
        return [(s, self.organisation_name(s)) for s in suppliers(self.data)]

    def scenario_choices(self) -> list[tuple[str, str]]:
        return [(s.code, s.name) for s in self.data.scenarios]

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


def chosen_scenario(request: HttpRequest, view: CycleView, default: str | None = None) -> Resolution:
    """The scenario named by ?scenario=, else `default`, else the decided one."""
    code = request.GET.get("scenario") or default or view.decided_scenario()
    try:
        return resolve_code(view.data, code)
    except ScenarioError:
        raise Http404(f"scenario {code}") from None
