"""Words, not codes: history in sentences (Swedish and English), times in Europe/Stockholm,
names where a person reads, the stages in process order."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from fordela.history.describe import FIELD_LABELS, TABLE_FIELD_LABELS, TABLE_LABELS, VALUE_LABELS, describe
from fordela.history.models import ChangeRecord
from fordela.history.services import history_record
from fordela.package.labels import ENUMS
from fordela.package.schema import TABLES
from tests.web.conftest import CYCLE

HISTORY = f"/c/{CYCLE}/historik/"
NBSP = "\u00a0"


def _texts(table, changes, language):
    with translation.override(language):
        return [s.text for s in describe(table, changes)]


def test_a_proposal_change_reads_as_sentences_in_swedish_and_english():
    changes = {
        "status": ["draft", "submitted"],
        "already_decided": [None, "false"],
        "kind": [None, "change_initiative"],
    }
    assert _texts("proposals", changes, "sv") == [
        "Status ändrades från Utkast till Inlämnat",
        "Redan beslutad: nej",
        "Typ av förslag: Förändringsinsats",
    ]
    assert _texts("proposals", changes, "en") == [
        "Status changed from Draft to Submitted",
        "Already decided: no",
        "Kind of proposal: Change initiative",
    ]


def test_a_review_and_its_amounts_read_as_sentences():
    changes = {
        "outcome": [None, "reject"],
        "future_management_approved": ["True", "False"],
        f"approved 2026 {'development'}": ["1\u00a0400\u00a0000", None],
        "condition invoice_after_incurred": [None, "✓"],
    }
    assert _texts("reviews", changes, "sv") == [
        "Beslut: Avslås",
        "Framtida förvaltning tillstyrkt ändrades från ja till nej",
        "Tillstyrkt 2026, utveckling togs bort (var 1\u00a0400\u00a0000)",
        "Villkor: Fakturering efter upparbetade kostnader: ✓",
    ]
    assert _texts("reviews", changes, "en")[0] == "Decision: Reject"


def test_money_is_shown_in_kronor_whether_recorded_as_package_text_or_ore():
    # service_years.outcome: package text (two decimals) now, öre in records written before.
    changes = {"outcome": ["7867500000", "80123456.50"]}
    assert _texts("service_years", changes, "sv") == [
        f"Utfall ändrades från 78{NBSP}675{NBSP}000{NBSP}kr till 80{NBSP}123{NBSP}456,50{NBSP}kr"
    ]


def test_every_table_column_and_value_of_the_package_has_words():
    """A new table, column or enumeration value must get a label here, or history shows its code."""
    assert {t.name for t in TABLES} <= set(TABLE_LABELS)
    columns = {(t.name, c.name) for t in TABLES for c in t.columns}
    assert {(t, c) for t, c in columns if c not in FIELD_LABELS and (t, c) not in TABLE_FIELD_LABELS} == set()
    values = {member.value for enum in ENUMS for member in enum}
    assert values - set(VALUE_LABELS) == set()


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime.datetime(2026, 1, 15, 8, 0, tzinfo=datetime.UTC), "2026-01-15 09:00"),  # CET, +1 h
        (datetime.datetime(2026, 7, 15, 8, 0, tzinfo=datetime.UTC), "2026-07-15 10:00"),  # CEST, +2 h
        (datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC), "2026-03-29 01:30"),  # before the switch
        (datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC), "2026-03-29 03:30"),  # after it
    ],
)
def test_times_are_shown_in_stockholm_time(as_user, moment, shown):
    record = history_record(
        user=None,
        cycle=CYCLE,
        table="proposals",
        object="is-hr-chatbot",
        action="delete",
        changes={"deleted_at": (None, moment.isoformat(timespec="seconds"))},
    )
    ChangeRecord.objects.filter(pk=record.pk).update(at=moment)
    page = as_user("bob").get(HISTORY, {"object": "is-hr-chatbot"}).content.decode()
    row = page[page.index('<table id="history-table">') :]
    assert f'<th scope="row">{shown}</th>' in row  # when it was recorded
    assert f"Borttaget {shown}" in row  # and the time inside the change
    assert moment.strftime("%Y-%m-%dT%H") not in row  # never the UTC text


def test_the_history_page_names_tables_objects_and_changes(as_user):
    history_record(
        user=None,
        cycle=CYCLE,
        table="proposals",
        object="is-hr-chatbot",
        action="submit",
        changes={"status": ("draft", "submitted")},
    )
    history_record(
        user=None,
        cycle=CYCLE,
        table="reviews",
        object="is-hr-chatbot/coordination_group",
        action="review",
        changes={"outcome": ("approve", "reject")},
    )
    bob = as_user("bob")
    page = bob.get(HISTORY).content.decode()
    assert "Status ändrades från Utkast till Inlämnat" in page
    assert "Beslut ändrades från Tillstyrks till Avslås" in page
    assert "<td>Ställningstaganden</td>" in page and "<td>reviews</td>" not in page
    assert "Chatbot för HR-frågor / Strategisk samordningsgrupp" in page  # the objects by name
    table = page[page.index('<table id="history-table">') :]
    assert "status</strong>:" not in table and "→" not in table
    bob.cookies["django_language"] = "en"
    page = bob.get(HISTORY).content.decode()
    assert "Status changed from Draft to Submitted" in page and "Decision changed from Approve to Reject" in page
    assert "<td>Reviews</td>" in page


def test_a_service_page_says_what_a_line_and_a_key_are(as_user):
    page = as_user("bob").get(f"/c/{CYCLE}/tjanster/kontaktcenter/").content.decode()
    assert "(driver)" not in page and "<td>service</td>" not in page
    assert "<td>Tjänst</td>" in page


def test_the_header_names_the_organisation(as_user):
    page = as_user("charlie").get(f"/c/{CYCLE}/").content.decode()
    header = page[page.index('<div class="account">') : page.index("</header>")]
    assert "Grundskoleförvaltningen" in header and "· grundskola" not in header


PROCESS = ("Beredning (SLK)", "Strategisk samordningsgrupp", "Kommunfullmäktige")  # codes sort the other way


def _in_process_order(html: str) -> bool:
    found = [html.index(name) for name in PROCESS]
    return found == sorted(found)


@pytest.mark.parametrize(
    ("path", "start"),
    [("brygga/", 'id="bridge-stage"'), ("", 'id="id_decide_stage"'), ("dokument/", 'name="stage"')],
)
def test_stage_pickers_follow_the_process_not_the_codes(as_user, path, start):
    page = as_user("bob").get(f"/c/{CYCLE}/{path}").content.decode()
    picker = page[page.index(start) :]
    assert _in_process_order(picker[: picker.index("</select>")])


def test_scenario_pickers_follow_the_process(as_user):
    page = as_user("bob").get(f"/c/{CYCLE}/jamfor-scenarier/").content.decode()
    choices = page[page.index('id="compare-form"') : page.index("</fieldset>")]
    assert choices.index("cmp-proposed") < choices.index("cmp-preparation") < choices.index("cmp-coordination_group")
    assert choices.index("cmp-coordination_group") < choices.index("cmp-utan-nya-insatser")


def test_what_someone_wrote_is_shown_as_written():
    assert _texts("reviews", {"comment": [None, "base"]}, "sv") == ["Kommentar: base"]
    assert _texts("services", {"category": ["base", "add_on"]}, "sv") == [
        "Kategori ändrades från Bastjänst till Tilläggstjänst"
    ]
