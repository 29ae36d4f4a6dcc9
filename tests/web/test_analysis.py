"""The annual analysis pages: proposals, their review per stage, history; permissions and locking."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from fordela.accounts.models import AuditEvent
from fordela.catalogue.models import Cycle, ServiceYear
from fordela.cycle.models import Proposal, ProposalAmount, Review, ReviewAmount, ReviewCondition
from fordela.cycle.proposals import proposal_create, proposal_delete, proposal_submit
from fordela.cycle.selectors import cycle_data
from fordela.engine import model as m
from fordela.history.models import ChangeRecord
from fordela.package.validate import validate_cycle_data
from fordela.web.forms.analysis import proposal_initial
from tests.web.conftest import CYCLE, PERSONAS

BASE = f"/c/{CYCLE}"
NBSP = "\u00a0"


def user(name: str):
    return get_user_model().objects.get(username=name)


def seen(client, url: str) -> dict[str, str]:
    """The hidden "what you saw" fields of a review form, as a browser would post them back."""
    initial = client.get(url).context["form"].initial
    return {name: str(initial[name]) for name in ("version", "proposal_version", "proposal_seen")}


def form_data(**fields: str) -> dict[str, str]:
    data = {
        "supplier": "intraservice",
        "code": "is-vol-web",
        "kind": "volume_change",
        "title": "Fler licenser",
        "financing": "solidarity",
        "service": "office365",
        "key": "",
        "proposed_category": "",
        "proposed_key": "",
        "future_management_cost": "",
        "future_management_from_year": "",
        "description": "",
    }
    data.update(fields)
    return data


def edit_data(proposal: Proposal, **fields: str) -> dict[str, str]:
    from fordela.cycle.filed import proposal_filed

    filed = proposal_filed(proposal)
    data = {k: ("" if v is None else str(v)) for k, v in proposal_initial(filed.proposal, proposal.version).items()}
    if not filed.proposal.already_decided:
        data.pop("already_decided")
    for year, amount_type, amount in filed.rows():
        data[f"amount_{year}_{amount_type.value}"] = str(amount // 100)
    data.update(fields)
    return data


# -- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_list_detail_and_history_render_for_everyone(as_user, persona):
    client = as_user(persona)
    listing = client.get(f"{BASE}/forslag/")
    assert listing.status_code == 200
    assert "Chatbot för HR-frågor" in listing.content.decode()
    assert client.get(f"{BASE}/forslag/?supplier=dms&kind=key_change").status_code == 200
    page = client.get(f"{BASE}/forslag/is-hr-chatbot/")
    text = page.content.decode()
    assert page.status_code == 200
    # both stages are shown; the coordination group's rejection decides over the preparation's approval
    assert "Beredning (SLK)" in text and "Strategisk samordningsgrupp" in text
    assert '<th scope="col" class="decides">Strategisk samordningsgrupp' in text
    assert client.get(f"{BASE}/historik/").status_code == 200


def test_the_filter_returns_only_the_list_to_htmx(as_user):
    response = as_user("charlie").get(f"{BASE}/forslag/?supplier=dms", HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200 and 'id="proposal-list"' in text and "<html" not in text
    assert "Öppna data" in text and "Chatbot" not in text


# -- filing ----------------------------------------------------------------------------------


def test_a_supplier_files_a_draft_with_swedish_amounts_and_submits_it(as_user):
    alice = as_user("alice")
    assert alice.get(f"{BASE}/nytt-forslag/").status_code == 200
    before = ServiceYear.objects.get(service__code="office365", year=2026).cost
    response = alice.post(
        f"{BASE}/nytt-forslag/",
        form_data(amount_2026_management="1 250 000,50", amount_2026_development="−300 000"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    proposal = Proposal.objects.get(code="is-vol-web")
    assert proposal.status == "draft" and proposal.supplier.code == "intraservice"
    amounts = dict(ProposalAmount.objects.filter(proposal=proposal).values_list("type", "amount"))
    assert amounts == {"management": 125_000_050, "development": -30_000_000}
    # others do not see the draft, not even its existence
    assert as_user("bob").get(f"{BASE}/forslag/is-vol-web/").status_code == 404
    assert as_user("fatima").get(f"{BASE}/forslag/is-vol-web/").status_code == 404
    assert "Fler licenser" not in as_user("bob").get(f"{BASE}/forslag/").content.decode()
    assert "Fler licenser" in alice.get(f"{BASE}/forslag/?show=drafts").content.decode()

    assert alice.post(f"{BASE}/forslag/is-vol-web/skicka/", {"version": "1"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    assert ServiceYear.objects.get(service__code="office365", year=2026).cost == before + 125_000_050
    assert validate_cycle_data(cycle_data(CYCLE)) == []
    page = as_user("charlie").get(f"{BASE}/forslag/is-vol-web/").content.decode()
    assert f"1{NBSP}250{NBSP}001" in page  # the management amount, rounded to kr for display
    assert "lämnade in för beredning" in page and "skapade" in page  # the history of changes


def test_validation_shows_the_package_problem_next_to_the_field_and_saves_nothing(as_user):
    alice = as_user("alice")
    revision = Cycle.objects.get(code=CYCLE).revision
    response = alice.post(
        f"{BASE}/nytt-forslag/",
        form_data(kind="key_change", amount_2026_development="12,345", future_management_from_year="2040"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "amount_2026_development" in form.errors  # three decimals is not an amount in kr
    response = alice.post(f"{BASE}/nytt-forslag/", form_data(kind="key_change", future_management_from_year="2040"))
    form = response.context["form"]
    assert set(form.errors) >= {"proposed_key", "future_management_from_year"}
    text = response.content.decode()
    assert 'aria-invalid="true"' in text and 'id="id_proposed_key_error"' in text
    assert 'aria-describedby="id_proposed_key_helptext id_proposed_key_error"' in text
    assert not Proposal.objects.filter(code="is-vol-web").exists()
    assert Cycle.objects.get(code=CYCLE).revision == revision


def test_two_people_editing_the_same_proposal_the_second_save_is_refused(as_user):
    alice, erik = as_user("alice"), as_user("erik")
    created = proposal_create(
        cycle=Cycle.objects.get(code=CYCLE),
        values=m.Proposal(
            "is-vol-web",
            "intraservice",
            m.ProposalKind.VOLUME_CHANGE,
            "Fler licenser",
            m.Financing.SOLIDARITY,
            service="office365",
        ),
        amounts=[(2026, m.AmountType.MANAGEMENT, 100_000_00)],
        by=user("alice"),
    )
    url = f"{BASE}/forslag/is-vol-web/andra/"
    first = alice.get(url).context["form"]
    second = erik.get(url).context["form"]
    assert first.initial["version"] == second.initial["version"] == 1
    assert (
        alice.post(url, edit_data(created, title="Alice rubrik", amount_2026_management="200 000")).status_code == 302
    )
    response = erik.post(url, edit_data(created, title="Eriks rubrik", version="1"))
    assert response.status_code == 409
    text = response.content.decode()
    assert 'id="conflict"' in text and "Alice rubrik" in text  # their saved value is shown
    assert 'value="Eriks rubrik"' in text  # the user's input is kept
    assert response.context["form"]["version"].value() == "2"  # saving again is a conscious overwrite
    proposal = Proposal.objects.get(code="is-vol-web")
    assert proposal.title == "Alice rubrik" and proposal.version == 2
    assert ProposalAmount.objects.get(proposal=proposal).amount == 200_000_00


def test_delete_is_soft_and_restorable(as_user):
    alice = as_user("alice")
    cycle = Cycle.objects.get(code=CYCLE)
    proposal = proposal_create(
        cycle=cycle,
        values=m.Proposal(
            "is-vol-web",
            "intraservice",
            m.ProposalKind.VOLUME_CHANGE,
            "Fler licenser",
            m.Financing.SOLIDARITY,
            service="office365",
        ),
        amounts=[(2026, m.AmountType.MANAGEMENT, 100_000_00)],
        by=user("alice"),
    )
    proposal_submit(proposal=proposal, expected_version=1, by=user("alice"))
    assert alice.get(f"{BASE}/forslag/is-vol-web/ta-bort/").status_code == 200  # the confirmation
    assert alice.post(f"{BASE}/forslag/is-vol-web/ta-bort/", {"version": "2"}).status_code == 302
    assert "is-vol-web" not in {p.code for p in cycle_data(CYCLE).proposals}
    deleted = as_user("bob").get(f"{BASE}/forslag/?show=deleted").content.decode()
    assert "Fler licenser" in deleted and "Chatbot" not in deleted
    assert alice.post(f"{BASE}/forslag/is-vol-web/aterstall/", {"version": "3"}).status_code == 302
    assert "is-vol-web" in {p.code for p in cycle_data(CYCLE).proposals}
    history = as_user("bob").get(f"{BASE}/historik/?table=proposals&object=is-vol-web").content.decode()
    assert "tog bort" in history and "återställde" in history
    assert validate_cycle_data(cycle_data(CYCLE)) == []


# -- review ----------------------------------------------------------------------------------


def test_a_coordinator_reviews_a_stage_with_approved_years_and_conditions(as_user):
    bob = as_user("bob")
    url = f"{BASE}/forslag/is-ai-infrastruktur/granskning/council/"
    assert bob.get(url).status_code == 200
    response = bob.post(
        url,
        {
            **seen(bob, url),
            "outcome": "approve_with_conditions",
            "amount_2026_development": "6 300 000",
            "invoice_after_incurred": "on",
            "condition_invoice_after_incurred": "",
            "condition_prerequisite": "Dialog med stadens CISO",
            "comment": "Endast 2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    review = Review.objects.get(proposal__code="is-ai-infrastruktur", stage__code="council")
    assert review.outcome == "approve_with_conditions" and review.comment == "Endast 2026"
    assert list(
        ReviewAmount.objects.filter(proposal__code="is-ai-infrastruktur", stage__code="council").values_list(
            "year", "type", "amount"
        )
    ) == [(2026, "development", 6_300_000_00)]
    assert set(
        ReviewCondition.objects.filter(proposal__code="is-ai-infrastruktur", stage__code="council").values_list(
            "kind", flat=True
        )
    ) == {"invoice_after_incurred", "prerequisite"}
    page = as_user("alice").get(f"{BASE}/forslag/is-ai-infrastruktur/").content.decode()
    assert "Dialog med stadens CISO" in page and "Endast 2026" in page
    assert ChangeRecord.objects.filter(table="reviews", object="is-ai-infrastruktur/council").exists()


def test_a_rejecting_review_with_amounts_is_refused_next_to_the_amounts(as_user):
    bob, url = as_user("bob"), f"{BASE}/forslag/is-ai-infrastruktur/granskning/council/"
    response = bob.post(
        url,
        {
            **seen(bob, url),
            "outcome": "reject",
            "amount_2026_development": "100",
            "comment": "",
        },
    )
    assert response.status_code == 200
    assert "as_proposed" in response.context["form"].errors
    assert not Review.objects.filter(proposal__code="is-ai-infrastruktur", stage__code="council").exists()


# -- the permission matrix -------------------------------------------------------------------

SUPPLIERS = {"intraservice": ("alice", "is"), "dms": ("fatima", "dms")}


def _fixtures() -> dict[str, dict[str, Proposal]]:
    """Per supplier: a draft, a submitted (unreviewed) and a deleted proposal, filed by the admin."""
    cycle, erik = Cycle.objects.get(code=CYCLE), user("erik")
    made: dict[str, dict[str, Proposal]] = {}
    for supplier, (_editor, prefix) in SUPPLIERS.items():
        made[supplier] = {}
        for state in ("draft", "submitted", "deleted"):
            values = m.Proposal(
                f"{prefix}-matrix-{state}",
                supplier,
                m.ProposalKind.CHANGE_INITIATIVE,
                f"Matris {state}",
                m.Financing.SOLIDARITY,
                key="k-employees",
            )
            p = proposal_create(
                cycle=cycle, values=values, amounts=[(2026, m.AmountType.DEVELOPMENT, 1_000_00)], by=erik
            )
            if state != "draft":
                proposal_submit(proposal=p, expected_version=1, by=erik)
            if state == "deleted":
                proposal_delete(proposal=p, expected_version=2, by=erik)
            p.refresh_from_db()
            made[supplier][state] = p
    return made


def _snapshot() -> tuple:
    return (
        tuple(Proposal.objects.order_by("code").values_list("code", "version", "status", "deleted_at", "title")),
        tuple(ProposalAmount.objects.order_by("pk").values_list("pk", "amount")),
        tuple(Review.objects.order_by("pk").values_list("pk", "outcome", "comment")),
        ChangeRecord.objects.count(),
        Cycle.objects.get(code=CYCLE).revision,
    )


def _allowed(persona: str, supplier: str, action: str) -> bool:
    if persona == "erik":
        return True
    if action == "review":
        return persona == "bob"
    return SUPPLIERS[supplier][0] == persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(as_user, persona):
    client = as_user(persona)
    made = _fixtures()
    for supplier in SUPPLIERS:
        draft, submitted, deleted = (made[supplier][s] for s in ("draft", "submitted", "deleted"))
        attempts = [
            (
                "create",
                f"{BASE}/nytt-forslag/",
                form_data(supplier=supplier, code=f"new-{supplier}", service="", kind="change_initiative"),
                None,
            ),
            ("edit", f"{BASE}/forslag/{submitted.code}/andra/", edit_data(submitted, title="Ändrad"), submitted),
            ("edit draft", f"{BASE}/forslag/{draft.code}/andra/", edit_data(draft, title="Ändrad"), draft),
            (
                "review",
                f"{BASE}/forslag/{submitted.code}/granskning/preparation/",
                {"outcome": "approve", "as_proposed": "on", "comment": "ok", "version": "0", "proposal_version": None},
                submitted,
            ),
            ("delete", f"{BASE}/forslag/{submitted.code}/ta-bort/", {"version": None}, submitted),
            ("restore", f"{BASE}/forslag/{deleted.code}/aterstall/", {"version": None}, deleted),
            ("submit", f"{BASE}/forslag/{draft.code}/skicka/", {"version": None}, draft),
        ]
        for action, url, data, target in attempts:
            if target is not None:
                target.refresh_from_db()
                if "proposal_version" in data:
                    data["proposal_version"] = str(target.version)
                elif "version" in data:
                    data["version"] = str(target.version)
            base_action = action.split()[0]
            allowed = _allowed(persona, supplier, base_action)
            on_draft = target is not None and target.status == "draft"
            before, audits = _snapshot(), AuditEvent.objects.filter(kind="refused").count()
            response = client.post(url, data)
            where = (persona, supplier, action, response.status_code)
            if allowed:
                assert response.status_code == 302, (where, response.content.decode()[:1500])
                assert _snapshot() != before, where
            else:
                # another supplier's draft does not exist for the others; the rest is forbidden
                expected = 404 if on_draft else 403
                assert response.status_code == expected, where
                assert _snapshot() == before, where
                assert AuditEvent.objects.filter(kind="refused").count() == audits + 1, where


def test_a_reviewed_proposal_is_no_longer_changed_by_its_supplier(as_user):
    chatbot = Proposal.objects.get(code="is-hr-chatbot")
    alice = as_user("alice")
    assert alice.get(f"{BASE}/forslag/is-hr-chatbot/andra/").status_code == 403
    assert alice.post(f"{BASE}/forslag/is-hr-chatbot/ta-bort/", {"version": chatbot.version}).status_code == 403
    assert as_user("erik").get(f"{BASE}/forslag/is-hr-chatbot/andra/").status_code == 200
