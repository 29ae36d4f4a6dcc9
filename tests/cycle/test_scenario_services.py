"""The scenario services: create (empty or as a copy), toggle, delete; permissions re-checked."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from tests.web.conftest import CYCLE, demo_db  # noqa: F401  (the fixture)

from fordela.catalogue.models import Cycle
from fordela.cycle.models import Proposal, Scenario, ScenarioProposal
from fordela.cycle.scenarios import (
    ScenarioReadOnly,
    scenario_create,
    scenario_delete,
    scenario_restore,
    scenario_toggle,
)
from fordela.cycle.selectors import cycle_data
from fordela.engine.scenario import resolve_code
from fordela.history.models import ChangeRecord


def _user(name):
    return get_user_model().objects.get(username=name)


@pytest.fixture
def cycle(demo_db):  # noqa: F811
    return Cycle.objects.get(code=CYCLE)


def _included(code):
    return set(ScenarioProposal.objects.filter(scenario__code=code).values_list("proposal__code", flat=True))


def test_a_copy_includes_what_the_source_includes(cycle):
    created = scenario_create(cycle=cycle, code="kopia", name="Kopia", copy_from="coordination_group", by=_user("bob"))
    assert created.kind == "explicit"
    expected = {d.proposal.code for d in resolve_code(cycle_data(CYCLE), "coordination_group").included()}
    assert _included("kopia") == expected and "is-hr-chatbot" not in expected
    record = ChangeRecord.objects.get(table="scenarios", object="kopia", action="create")
    assert record.changes["copy_from"] == [None, "coordination_group"]
    assert resolve_code(cycle_data(CYCLE), "kopia").included()  # the cached cycle was reloaded


def test_create_validates(cycle):
    bob = _user("bob")
    for kwargs in (
        {"code": "Stora Bokstäver"},
        {"code": "preparation"},
        {"code": "ny", "copy_from": "nope"},
        {"code": "ny", "name": " "},
    ):
        with pytest.raises(ValidationError):
            scenario_create(cycle=cycle, **{"name": "Ny", **kwargs}, by=bob)
    assert not Scenario.objects.filter(code="ny").exists()


def test_toggle_is_idempotent_recorded_and_bumps_the_revision(cycle):
    bob = _user("bob")
    scenario = scenario_create(cycle=cycle, code="tom", name="Tom", by=bob)
    chatbot = Proposal.objects.get(cycle=cycle, code="is-hr-chatbot")
    revision = Cycle.objects.get(pk=cycle.pk).revision
    assert scenario_toggle(scenario=scenario, proposal=chatbot, included=True, by=bob) is True
    assert scenario_toggle(scenario=scenario, proposal=chatbot, included=True, by=bob) is False
    assert _included("tom") == {"is-hr-chatbot"}
    assert Cycle.objects.get(pk=cycle.pk).revision == revision + 1
    assert scenario_toggle(scenario=scenario, proposal=chatbot, included=False, by=bob) is True
    assert _included("tom") == set()
    actions = list(ChangeRecord.objects.filter(object="tom", action="toggle").values_list("changes", flat=True))
    assert actions == [{"is-hr-chatbot": ["included", "excluded"]}, {"is-hr-chatbot": ["excluded", "included"]}]


def test_derived_scenarios_drafts_and_other_roles_are_refused(cycle):
    bob = _user("bob")
    chatbot = Proposal.objects.get(cycle=cycle, code="is-hr-chatbot")
    stage = Scenario.objects.get(cycle=cycle, code="preparation")
    with pytest.raises(ScenarioReadOnly):
        scenario_toggle(scenario=stage, proposal=chatbot, included=False, by=bob)
    with pytest.raises(ScenarioReadOnly):
        scenario_delete(scenario=stage, by=bob)
    explicit = Scenario.objects.get(cycle=cycle, code="utan-nya-insatser")
    Proposal.objects.filter(pk=chatbot.pk).update(status="draft")
    chatbot.refresh_from_db()
    with pytest.raises(ValidationError):
        scenario_toggle(scenario=explicit, proposal=chatbot, included=True, by=bob)
    before = _included("utan-nya-insatser")
    for name in ("alice", "fatima", "charlie", "gustav", "dana"):
        with pytest.raises(PermissionDenied):
            scenario_toggle(
                scenario=explicit, proposal=Proposal.objects.get(code="is-it-sakerhet"), included=True, by=_user(name)
            )
        with pytest.raises(PermissionDenied):
            scenario_create(cycle=cycle, code="x", name="X", by=_user(name))
        with pytest.raises(PermissionDenied):
            scenario_delete(scenario=explicit, by=_user(name))
    assert _included("utan-nya-insatser") == before and not Scenario.objects.filter(code="x").exists()


def test_delete_is_soft_and_restore_brings_the_selection_back(cycle):
    bob = _user("bob")
    row = Scenario.objects.get(cycle=cycle, code="utan-nya-insatser")
    selection = _included("utan-nya-insatser")
    scenario_delete(scenario=row, by=bob)
    assert Scenario.objects.get(code="utan-nya-insatser").deleted_at is not None
    data = cycle_data(CYCLE)
    assert "utan-nya-insatser" not in {s.code for s in data.scenarios}
    assert "utan-nya-insatser" not in {sp.scenario for sp in data.scenario_proposals}
    scenario_delete(scenario=row, by=bob)  # a double submit records nothing more
    assert ChangeRecord.objects.filter(object="utan-nya-insatser", action="delete").count() == 1
    with pytest.raises(ValidationError):
        scenario_create(cycle=cycle, code="utan-nya-insatser", name="Ny", by=bob)
    scenario_restore(scenario=row, by=bob)
    assert "utan-nya-insatser" in {s.code for s in cycle_data(CYCLE).scenarios}
    assert _included("utan-nya-insatser") == selection
    deleted, restored = (
        ChangeRecord.objects.get(object="utan-nya-insatser", action=a).changes["deleted_at"]
        for a in ("delete", "restore")
    )
    assert deleted[0] is None and deleted[1] == restored[0] and restored[1] is None
