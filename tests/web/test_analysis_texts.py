"""The written annual analysis in the web: read by every role, written by the supplier's editors and
the coordinators, with optimistic locking and history."""

from __future__ import annotations

from fordela.engine.model import AnalysisSection

CYCLE = "goteborg-2026"
DMS = f"/c/{CYCLE}/arlig-analys/dms/text/"
IS = f"/c/{CYCLE}/arlig-analys/intraservice/text/"


def _texts(supplier: str):
    from fordela.cycle.selectors import cycle_data

    return {(t.section, t.service, t.proposal): t for t in cycle_data(CYCLE).analysis_texts if t.supplier == supplier}


def _row(supplier: str, section: str, **slot):
    from fordela.cycle.models import AnalysisText

    return AnalysisText.objects.get(cycle__code=CYCLE, supplier__code=supplier, section=section, **slot)


def test_the_supplier_editor_reads_and_writes_the_seed_text(as_user):
    fatima = as_user("fatima")
    page = fatima.get(DMS).content.decode()
    assert "sedan 2023 en av Göteborgs stads tre leverantörer" in page and "seeds/004" in page
    assert 'id="text-introduction"' in page and 'id="text-framing"' not in page  # not the coordinators' part
    row = _row("dms", "introduction")
    new = row.text + "\n\n- Ny punkt om uppdraget."
    response = fatima.post(DMS, {"section": "introduction", "version": row.version, "text": new})
    assert response.status_code == 302 and response["Location"].endswith("#introduction")
    assert _texts("dms")[(AnalysisSection.INTRODUCTION, None, None)].text == new.strip()
    assert "<li>Ny punkt om uppdraget.</li>" in fatima.get(DMS).content.decode()
    from fordela.history.models import ChangeRecord

    record = ChangeRecord.objects.get(cycle=CYCLE, table="analysis_texts", object="dms/introduction")
    assert record.action == "update" and record.changes["text"][1] == new.strip()
    # a form loaded before that save is stale: refused, the user's text kept, nothing overwritten
    stale = fatima.post(DMS, {"section": "introduction", "version": row.version, "text": "Min text"})
    assert stale.status_code == 409 and "Min text" in stale.content.decode()
    assert _row("dms", "introduction").text == new.strip()


def test_per_service_text_and_deleting_by_emptying(as_user):
    fatima = as_user("fatima")
    row = _row("dms", "service_development", service__code="oppna-data")
    assert (
        fatima.post(
            DMS, {"section": "service_development", "service": "oppna-data", "version": row.version, "text": "  "}
        ).status_code
        == 302
    )
    assert (AnalysisSection.SERVICE_DEVELOPMENT, "oppna-data", None) not in _texts("dms")
    assert (
        fatima.post(
            DMS, {"section": "service_development", "service": "oppna-data", "version": "", "text": "Ny text."}
        ).status_code
        == 302
    )
    assert _texts("dms")[(AnalysisSection.SERVICE_DEVELOPMENT, "oppna-data", None)].text == "Ny text."
    # a service of another supplier is no slot of this analysis
    assert (
        fatima.post(DMS, {"section": "service_development", "service": "lan", "version": "", "text": "x"}).status_code
        == 400
    )


def test_coordinators_write_the_coordination_groups_part(as_user):
    bob = as_user("bob")
    page = bob.get(IS).content.decode()
    assert (
        "Inramning förutsättningar" in page and "Förvaltningskostnaden på Intraservice är den stora kostnaden" in page
    )
    response = bob.post(
        IS,
        {
            "section": "proposal_comment",
            "proposal": "is-hr-chatbot",
            "version": "",
            "text": "Medel har beviljats i AI-utlysningen.",
        },
    )
    assert response.status_code == 302
    assert _texts("intraservice")[(AnalysisSection.PROPOSAL_COMMENT, None, "is-hr-chatbot")].text.startswith("Medel")
    # someone created it first: a second "new" save is a conflict, not a second row
    again = bob.post(IS, {"section": "proposal_comment", "proposal": "is-hr-chatbot", "version": "", "text": "Annat"})
    assert again.status_code == 409
    assert bob.post(IS, {"section": "introduction", "version": "", "text": "x"}).status_code == 403


def test_others_read_only(as_user):
    charlie = as_user("charlie")
    page = charlie.get(DMS)
    assert page.status_code == 200 and "<textarea" not in page.content.decode()
    assert charlie.post(DMS, {"section": "introduction", "version": "1", "text": "x"}).status_code == 403
    alice = as_user("alice")  # Intraservice's editor
    assert alice.post(DMS, {"section": "introduction", "version": "1", "text": "x"}).status_code == 403
    assert as_user("bob").get(f"/c/{CYCLE}/arlig-analys/nobody/text/").status_code == 404
    assert 'id="text-dms"' in charlie.get(f"/c/{CYCLE}/forslag/").content.decode()


def test_an_empty_text_deletes_the_section_only_from_the_version_seen(as_user):
    from fordela.cycle.models import AnalysisText
    from fordela.history.models import ChangeRecord

    fatima = as_user("fatima")
    row = _row("dms", "introduction")
    stale = fatima.post(DMS, {"section": "introduction", "version": row.version - 1, "text": ""})
    assert stale.status_code == 409 and AnalysisText.objects.filter(pk=row.pk).exists()
    deleted = fatima.post(DMS, {"section": "introduction", "version": row.version, "text": "  "})
    assert deleted.status_code == 302 and not AnalysisText.objects.filter(pk=row.pk).exists()
    record = ChangeRecord.objects.get(cycle=CYCLE, table="analysis_texts", object="dms/introduction")
    assert record.action == "delete" and record.changes["text"] == [row.text, None]
