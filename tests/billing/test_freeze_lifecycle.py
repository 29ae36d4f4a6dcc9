"""The freeze lifecycle a controller can trust: freeze only decided periods with lines, reverse
by a recorded reversal (exported as reversing vouchers), freeze again, verify per line, and no
write — import or edit — that changes a frozen period's lines."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from django.db import transaction
from tests.billing.sieparse import parse_sie
from tests.conftest import DEMO, ROOT

from fordela.billing.freezes import FrozenPeriodsChanged
from fordela.billing.models import ExportBatch, InvoicingFreeze, InvoicingReversal
from fordela.billing.services import (
    BillingError,
    compute_lines,
    frozen_lines,
    invoice_export_sie,
    invoice_freeze,
    invoice_reverse,
    invoice_verify,
    outcome_record,
    own_services_set,
)
from fordela.catalogue.models import Cycle, ServiceYear
from fordela.cycle.services import cycle_import, cycle_touch
from fordela.engine.model import Period

CODE = "goteborg-2026"
STAGE = "coordination_group"


@pytest.fixture
def imported(db, demo):
    return cycle_import(data=demo)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "period", "message"),
    [
        (2023, Period.Q1, "beslutade åren 2025–2026"),  # before the base year: nothing decided to invoice
        (2030, Period.Q4, "beslutade åren 2025–2026"),  # an outlook year, not decided
        (2027, Period.M01, "beslutade åren 2025–2026"),
    ],
)
def test_only_periods_of_decided_years_can_be_frozen(imported, year, period, message):
    with pytest.raises(BillingError, match=message):
        invoice_freeze(cycle=CODE, year=year, period=period)
    assert not InvoicingFreeze.objects.exists()


@pytest.mark.django_db
def test_a_period_without_lines_cannot_be_frozen(db, demo):
    # Every cost of 2025 at zero and no subscriptions: the base year's periods have no lines.
    empty = replace(
        demo,
        service_years=tuple(replace(sy, cost=0) if sy.year == 2025 else sy for sy in demo.service_years),
        subscriptions=tuple(s for s in demo.subscriptions if s.year != 2025),
    )
    cycle_import(data=empty)
    assert compute_lines(empty, year=2025, period=Period.Q1, scenario=STAGE) == []
    with pytest.raises(BillingError, match="har inga fakturarader"):
        invoice_freeze(cycle=CODE, year=2025, period=Period.Q1)
    assert not InvoicingFreeze.objects.exists()


@pytest.mark.django_db
def test_reverse_and_freeze_again_with_reversing_vouchers(imported):
    never_sent = invoice_freeze(cycle=CODE, year=2026, period=Period.Q2, by="dana")
    invoice_reverse(freeze=never_sent, reason="låst av misstag", by="dana")
    with pytest.raises(BillingError, match="aldrig till huvudboken"):
        invoice_export_sie(freeze=never_sent, company="Göteborgs Stad", reversal=True)

    freeze = invoice_freeze(cycle=CODE, year=2026, period=Period.Q2, by="dana")  # frozen again
    first = invoice_export_sie(freeze=freeze, company="Göteborgs Stad", by="dana")
    with pytest.raises(BillingError, match="Ange varför"):
        invoice_reverse(freeze=freeze, reason="  ", by="dana")
    with pytest.raises(BillingError, match="redan låst"):
        invoice_freeze(cycle=CODE, year=2026, period=Period.M05)
    reversal = invoice_reverse(freeze=freeze, reason="fel nyckel för april", by="erik")
    assert (reversal.created_by, reversal.reason) == ("erik", "fel nyckel för april")
    with pytest.raises(BillingError, match="återfördes redan"):
        invoice_reverse(freeze=freeze, reason="igen", by="erik")

    back = invoice_export_sie(freeze=freeze, company="Göteborgs Stad", reversal=True, by="erik")
    _, original = parse_sie(first.content)
    _, reversing = parse_sie(back.content)
    assert len(reversing) == len(original) > 0
    for a, r in zip(original, reversing, strict=True):
        assert [t[2] for t in r["trans"]] == [-t[2] for t in a["trans"]]  # the same lines, opposite signs
        assert sum(t[2] for t in r["trans"]) == 0
    assert "Återföring av faktura" in back.content.decode("cp437")
    assert ExportBatch.objects.filter(freeze=freeze, kind="reversal").count() == 1
    with pytest.raises(BillingError, match="redan exporterats"):
        invoice_export_sie(freeze=freeze, company="Göteborgs Stad", reversal=True)

    # The months of q2 are free again: m05 can be frozen; the reversed freezes and their lines stay.
    again = invoice_freeze(cycle=CODE, year=2026, period=Period.M05, by="dana")
    assert InvoicingFreeze.objects.filter(cycle_code=CODE).count() == 3 and frozen_lines(freeze)
    assert InvoicingReversal.objects.count() == 2
    assert invoice_verify(freeze=InvoicingFreeze.objects.get(pk=again.pk)).ok


@pytest.mark.django_db
def test_an_edit_that_changes_frozen_lines_is_rolled_back_and_one_that_does_not_passes(imported):
    invoice_freeze(cycle=CODE, year=2026, period=Period.Q1, by="dana")
    cycle = Cycle.objects.get(code=CODE)
    row = ServiceYear.objects.filter(cycle=cycle, year=2025).order_by("-cost").first()  # the base of 2026
    with pytest.raises(FrozenPeriodsChanged, match="2026-q1"), transaction.atomic():
        ServiceYear.objects.filter(pk=row.pk).update(cost=row.cost + 1_000_00)
        cycle_touch(cycle=cycle)  # every service's write ends with this, inside its transaction
    assert ServiceYear.objects.get(pk=row.pk).cost == row.cost  # rolled back
    # Recording an outcome changes no invoice line: accepted.
    outcome_record(cycle=cycle, service=row.service.code, year=2025, amount=1_000_00)


@pytest.mark.django_db
def test_own_services_are_configured_per_supplier_and_kept_by_the_freeze(imported, demo):
    lines = compute_lines(demo, year=2026, period=Period.Q1, scenario=STAGE)
    assert not any(ln.supplier == ln.organisation for ln in lines)
    supplier = "intraservice"
    own_services_set(cycle=CODE, supplier=supplier, invoiced=True, by="dana")
    freeze = invoice_freeze(cycle=CODE, year=2026, period=Period.Q1)
    assert freeze.own_services == [supplier]
    own = [ln for ln in frozen_lines(freeze) if ln.supplier == ln.organisation]
    assert own and {ln.supplier for ln in own} == {supplier}
    own_services_set(cycle=CODE, supplier=supplier, invoiced=False)
    # The freeze keeps its own setting: its stored inputs still reproduce it exactly.
    assert not invoice_verify(freeze=InvoicingFreeze.objects.get(pk=freeze.pk)).stored
    with pytest.raises(BillingError, match="Okänd leverantör"):
        own_services_set(cycle=CODE, supplier="nope", invoiced=True)


# -- from a fresh process ------------------------------------------------------------------------


def _fordela(env: dict[str, str], *argv: str | Path) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("fordela")), *map(str, argv)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_freeze_reverse_refreeze_and_verify_from_fresh_processes(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'fordela.sqlite3'}"
    assert _fordela(env, "migrate").returncode == 0
    assert _fordela(env, "import", DEMO).returncode == 0
    done = _fordela(env, "invoice", "freeze", CODE, "--period", "2026-q2", "--by", "dana")
    assert done.returncode == 0, done.stderr
    verified = _fordela(env, "invoice", "verify", CODE, "--period", "2026-q2")
    assert verified.returncode == 0 and "på öret" not in verified.stderr and "to the öre" in verified.stderr
    overlapping = _fordela(env, "invoice", "freeze", CODE, "--period", "2026-m04")
    assert overlapping.returncode == 2 and "2026-q2 är redan låst" in overlapping.stderr
    outlook = _fordela(env, "invoice", "freeze", CODE, "--period", "2030-q4")
    assert outlook.returncode == 2 and "beslutade åren" in outlook.stderr
    assert _fordela(env, "invoice", "sie", CODE, "--period", "2026-q2", "-o", tmp_path / "q2.se").returncode == 0

    # Replacing the cycle with other figures is refused, naming the period; nothing changes.
    changed = tmp_path / "changed"
    subprocess.run(["cp", "-r", str(DEMO), str(changed)], check=True)
    vat_rules = changed / "vat_rules.csv"
    vat_rules.write_text(vat_rules.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")  # no VAT
    refused = _fordela(env, "import", changed, "--replace")
    assert refused.returncode == 2 and "2026-q2" in refused.stderr and "Inte sparat" in refused.stderr

    reversed_ = _fordela(
        env, "invoice", "reverse", CODE, "--period", "2026-q2", "--reason", "fel nyckel", "--by", "erik"
    )
    assert reversed_.returncode == 0, reversed_.stderr
    back = _fordela(env, "invoice", "sie", CODE, "--period", "2026-q2", "--reversal", "-o", tmp_path / "back.se")
    assert back.returncode == 0, back.stderr
    _, original = parse_sie((tmp_path / "q2.se").read_bytes())
    _, reversing = parse_sie((tmp_path / "back.se").read_bytes())
    assert [t[2] for v in reversing for t in v["trans"]] == [-t[2] for v in original for t in v["trans"]]

    assert _fordela(env, "import", changed, "--replace").returncode == 0  # nothing live is frozen now
    again = _fordela(env, "invoice", "freeze", CODE, "--period", "2026-m04")
    assert again.returncode == 0, again.stderr
    assert _fordela(env, "invoice", "verify", CODE, "--period", "2026-m04").returncode == 0


@pytest.mark.django_db
def test_a_review_that_would_change_a_frozen_period_is_refused(imported):
    from django.contrib.auth import get_user_model

    from fordela.accounts.services import demo_accounts_create
    from fordela.cycle.models import Proposal, Review, ReviewStage
    from fordela.cycle.reviews import review_record
    from fordela.engine import model as m

    demo_accounts_create()
    invoice_freeze(cycle=CODE, year=2026, period=Period.Q3, by="dana")
    proposal = Proposal.objects.get(cycle=imported, code="is-hr-chatbot")
    stage = ReviewStage.objects.get(cycle=imported, code=STAGE)
    with pytest.raises(FrozenPeriodsChanged, match="2026-q3"):
        review_record(
            proposal=proposal,
            stage=stage,
            outcome=m.ReviewOutcome.APPROVE,
            approved_amounts=None,
            conditions={},
            future_management_approved=False,
            comment="godkänns ändå",
            by=get_user_model().objects.get(username="bob"),
        )
    assert Review.objects.get(proposal=proposal, stage=stage).outcome == "reject"  # rolled back


@pytest.mark.django_db
def test_a_toggle_is_checked_against_periods_frozen_under_an_explicit_scenario_only(imported, monkeypatch):
    """A toggle changes which proposals an explicit scenario includes: a period frozen under the
    decided stage cannot change and is not recomputed; one frozen under that explicit scenario
    is guarded like any other write."""
    from django.contrib.auth import get_user_model

    from fordela.accounts.services import demo_accounts_create
    from fordela.billing import freezes
    from fordela.cycle.models import Proposal, Scenario
    from fordela.cycle.scenarios import scenario_toggle

    demo_accounts_create()
    bob = get_user_model().objects.get(username="bob")
    explicit = Scenario.objects.get(cycle=imported, code="utan-nya-insatser")
    proposal = Proposal.objects.get(cycle=imported, code="is-ai-infrastruktur")
    invoice_freeze(cycle=CODE, year=2026, period=Period.Q1, by="dana")  # under the decided stage
    recomputed = []
    real = freezes.current_lines
    monkeypatch.setattr(freezes, "current_lines", lambda *a, **k: recomputed.append(a) or real(*a, **k))
    assert scenario_toggle(scenario=explicit, proposal=proposal, included=True, by=bob)
    assert recomputed == []
    assert scenario_toggle(scenario=explicit, proposal=proposal, included=False, by=bob)
    invoice_freeze(cycle=CODE, year=2026, period=Period.Q2, scenario="utan-nya-insatser", by="dana")
    with pytest.raises(FrozenPeriodsChanged, match="2026-q2"):
        scenario_toggle(scenario=explicit, proposal=proposal, included=True, by=bob)
    assert len(recomputed) == 1
    assert not explicit.scenarioproposal_set.filter(proposal=proposal).exists()  # rolled back
