"""Merging an edited package into a cycle (fordela.cycle.merge, ``fordela import --merge``): only
the rows that differ change, each recorded; drafts, reviews, scenarios and history stay."""

from __future__ import annotations

import dataclasses

import pytest
from django.contrib.auth import get_user_model

from fordela.accounts.services import demo_accounts_create
from fordela.catalogue.models import Cycle, DriverValue, ServiceYear
from fordela.cli import main
from fordela.cycle.merge import StaleCycle, cycle_merge, merge_preview
from fordela.cycle.models import Proposal, Review
from fordela.cycle.proposals import proposal_create
from fordela.cycle.selectors import cycle_data
from fordela.cycle.services import cycle_import
from fordela.cycle.validation import CycleInvalid
from fordela.engine import model as m
from fordela.history.models import ChangeRecord
from fordela.package.reader import read_package
from fordela.package.writer import write_package

CYCLE = "goteborg-2026"


@pytest.fixture
def cycle(db, demo) -> Cycle:
    imported = cycle_import(data=demo)
    demo_accounts_create()
    return imported


def edited(data: m.CycleData) -> m.CycleData:
    """datacenter's base-year cost +1 000 000 (and its later years with it), one driver value
    changed, and one reviewed proposal removed with everything that names it."""
    gone = next(p.code for p in data.proposals if any(r.proposal == p.code for r in data.reviews))
    years = tuple(
        dataclasses.replace(sy, cost=sy.cost + 1_000_000_00) if sy.service == "datacenter" and sy.cost else sy
        for sy in data.service_years
    )
    values = tuple(
        dataclasses.replace(v, value=v.value + 10)
        if (v.driver, v.organisation, v.year) == ("employees", "grundskola", 2026)
        else v
        for v in data.driver_values
    )
    keep = lambda rows: tuple(r for r in rows if getattr(r, "proposal", None) != gone)  # noqa: E731
    return dataclasses.replace(
        data,
        service_years=years,
        driver_values=values,
        proposals=tuple(p for p in data.proposals if p.code != gone),
        proposal_amounts=keep(data.proposal_amounts),
        reviews=keep(data.reviews),
        review_amounts=keep(data.review_amounts),
        review_conditions=keep(data.review_conditions),
        scenario_proposals=keep(data.scenario_proposals),
    ), gone


def test_merge_changes_only_the_differing_rows_and_keeps_the_rest(cycle):
    user = get_user_model().objects.get(username="bob")
    draft = m.Proposal(
        code="is-draft",
        supplier="intraservice",
        kind=m.ProposalKind.VOLUME_CHANGE,
        title="Utkast",
        financing=m.Financing.SOLIDARITY,
        service="office365",
    )
    proposal_create(cycle=cycle, values=draft, amounts=[], by=get_user_model().objects.get(username="alice"))
    reviews = Review.objects.filter(cycle=cycle).count()
    history = ChangeRecord.objects.count()
    new, gone = edited(cycle_data(CYCLE))
    preview = merge_preview(cycle=cycle, data=new)
    tables = {d.table.name: d for d in preview.diffs}
    assert set(tables) >= {"service_years", "driver_values", "proposals", "reviews"}
    assert [r.key for r in tables["driver_values"].of("changed")] == [("employees", "grundskola", "2026")]
    assert preview.effect.table is not None
    assert ServiceYear.objects.get(service__code="datacenter", year=2025).cost == 70_000_000_00  # preview only
    count = cycle_merge(cycle=cycle, data=new, expected_revision=preview.revision, by=user, source="edited.xlsx")
    assert 0 < count <= sum(len(d.rows) for d in preview.diffs)
    assert ServiceYear.objects.get(service__code="datacenter", year=2025).cost == 71_000_000_00
    assert DriverValue.objects.get(driver__code="employees", organisation__code="grundskola", year=2026).value == (
        new_value := next(
            v.value
            for v in new.driver_values
            if (v.driver, v.organisation, v.year) == ("employees", "grundskola", 2026)
        )
    )
    assert new_value > 0
    # The removed proposal is deleted softly, its reviews stay with it; the draft and history stay.
    assert Proposal.objects.get(cycle=cycle, code=gone).deleted_at is not None
    assert Review.objects.filter(cycle=cycle).count() == reviews
    assert Proposal.objects.get(cycle=cycle, code="is-draft").status == "draft"
    assert ChangeRecord.objects.count() == history + count
    record = ChangeRecord.objects.get(table="service_years", object="datacenter/2025")
    assert record.changes == {"cost": ["70000000.00", "71000000.00"], "source": [None, "edited.xlsx"]}
    assert cycle_data(CYCLE) == new


def test_merge_of_a_stale_preview_writes_nothing(cycle):
    new, _ = edited(cycle_data(CYCLE))
    preview = merge_preview(cycle=cycle, data=new)
    Cycle.objects.filter(pk=cycle.pk).update(revision=preview.revision + 1)
    with pytest.raises(StaleCycle):
        cycle_merge(cycle=cycle, data=new, expected_revision=preview.revision, by=None, source="")
    assert ServiceYear.objects.get(service__code="datacenter", year=2025).cost == 70_000_000_00


def test_merge_into_another_cycle_is_refused(cycle):
    data = cycle_data(CYCLE)
    other = dataclasses.replace(data, cycle=dataclasses.replace(data.cycle, code="annan"))
    with pytest.raises(CycleInvalid):
        merge_preview(cycle=cycle, data=other)


def test_cli_merge_dry_run_prints_the_preview_and_writes_nothing(cycle, tmp_path, capsys):
    new, _ = edited(cycle_data(CYCLE))
    path = tmp_path / "edited.xlsx"
    write_package(new, path)
    assert read_package(path) == new
    assert main(["import", str(path), "--merge", "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert "Skillnader per tabell" in out and "service_years" in out and "datacenter/2025" in out
    assert "dry run" in err
    assert ServiceYear.objects.get(service__code="datacenter", year=2025).cost == 70_000_000_00
    assert main(["import", str(path), "--merge"]) == 0
    capsys.readouterr()
    assert ServiceYear.objects.get(service__code="datacenter", year=2025).cost == 71_000_000_00
    assert main(["import", str(path), "--merge", "--dry-run"]) == 0
    out, _ = capsys.readouterr()
    assert "datacenter/2025" not in out  # nothing left to merge


def test_uploaded_package_may_not_overwrite_a_draft_unseen(cycle):
    alice = get_user_model().objects.get(username="alice")
    draft = m.Proposal(
        code="is-draft",
        supplier="intraservice",
        kind=m.ProposalKind.VOLUME_CHANGE,
        title="Utkast",
        financing=m.Financing.SOLIDARITY,
        service="office365",
    )
    proposal_create(cycle=cycle, values=draft, amounts=[], by=alice)
    data = cycle_data(CYCLE)
    new = dataclasses.replace(data, proposals=data.proposals + (dataclasses.replace(draft, title="Uppladdad"),))
    preview = merge_preview(cycle=cycle, data=new)
    with pytest.raises(CycleInvalid):
        cycle_merge(cycle=cycle, data=new, expected_revision=preview.revision, by=None, source="")
    assert Proposal.objects.get(cycle=cycle, code="is-draft").title == "Utkast"


def test_a_package_with_the_code_of_a_deleted_scenario_replaces_it(cycle):
    from fordela.cycle.models import Scenario
    from fordela.cycle.scenarios import scenario_delete

    bob = get_user_model().objects.get(username="bob")
    before = cycle_data(CYCLE)  # with the scenario, as a package that still has it
    scenario_delete(scenario=Scenario.objects.get(cycle=cycle, code="utan-nya-insatser"), by=bob)
    assert "utan-nya-insatser" not in {s.code for s in cycle_data(CYCLE).scenarios}
    preview = merge_preview(cycle=Cycle.objects.get(pk=cycle.pk), data=before)
    cycle_merge(cycle=cycle, data=before, expected_revision=preview.revision, by=bob, source="gammal.xlsx")
    assert cycle_data(CYCLE) == before
    assert Scenario.objects.get(cycle=cycle, code="utan-nya-insatser").deleted_at is None
