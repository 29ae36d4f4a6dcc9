"""Writes of the written annual analysis (`analysis_texts`): one section of a supplier's text.

The supplier's editors write the supplier's sections, coordinators the coordination group's
(`engine.model.AnalysisSection.by_coordination_group`); the check is repeated here whatever the
view did. Every save names the `version` the user saw: an UPDATE … WHERE version = expected, or
for a new section an INSERT that the partial unique indexes refuse if someone created it first;
either way `TextConflict` and nothing is overwritten. An empty text deletes the section. History
keeps old → new; `cycle_touch` marks the cycle changed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F

from fordela.accounts.permissions import can_edit_supplier, can_review
from fordela.catalogue.models import Cycle, Organisation, Service
from fordela.cycle.models import AnalysisText, Proposal
from fordela.cycle.services import cycle_touch
from fordela.engine import model as m
from fordela.history.services import history_record
from fordela.package.schema_types import MAX_TEXT_LENGTH


class TextConflict(Exception):
    """Someone else saved the section after the user loaded it; `current` is what is there now."""

    def __init__(self, current: AnalysisText | None) -> None:
        self.current = current
        super().__init__("the section was changed by someone else")


class TextInvalid(ValueError):
    pass


def can_write_section(user: Any, supplier: str, section: m.AnalysisSection) -> bool:
    return can_review(user) if section.by_coordination_group else can_edit_supplier(user, supplier)


@transaction.atomic
def analysis_text_save(
    *,
    cycle: Cycle,
    by: Any,
    supplier: str,
    section: m.AnalysisSection,
    text: str,
    expected_version: int | None,
    service: str | None = None,
    proposal: str | None = None,
) -> AnalysisText | None:
    """Save one section; `expected_version` None for a section that did not exist when loaded.
    Returns the saved row, or None when an empty text deleted it."""
    if not can_write_section(by, supplier, section):
        raise PermissionDenied(f"write {section} of {supplier}")
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise TextInvalid(f"the text is longer than {MAX_TEXT_LENGTH} characters")
    if section.per_service != (service is not None) or section.per_proposal != (proposal is not None):
        raise TextInvalid(f"a {section} section names {'a service' if section.per_service else 'no service'}")
    try:
        owner = Organisation.objects.get(cycle=cycle, code=supplier)
        service_row = Service.objects.get(cycle=cycle, code=service, supplier=owner) if service else None
        proposal_row = Proposal.objects.get(cycle=cycle, code=proposal, supplier=owner) if proposal else None
    except (Organisation.DoesNotExist, Service.DoesNotExist, Proposal.DoesNotExist):
        raise TextInvalid(
            f"{supplier} has no {'service ' + service if service else 'proposal ' + str(proposal)}"
        ) from None
    slot = {"cycle": cycle, "supplier": owner, "section": section.value, "service": service_row}
    slot["proposal"] = proposal_row
    current = AnalysisText.objects.filter(**slot).first()
    slot_name = f"{supplier}/{section.value}" + (f"/{service or proposal}" if service or proposal else "")
    if expected_version is None:
        if current is not None:
            raise TextConflict(current)
        if not text:
            return None
        try:
            with transaction.atomic():
                row = AnalysisText.objects.create(text=text, **slot)
        except IntegrityError:
            raise TextConflict(AnalysisText.objects.filter(**slot).first()) from None
        history_record(
            user=by,
            cycle=cycle.code,
            table="analysis_texts",
            object=slot_name,
            action="create",
            changes={"text": (None, text)},
        )
        cycle_touch(cycle=cycle)
        return row
    if current is None:
        raise TextConflict(None)
    old = current.text
    # An empty text deletes the section; either write is conditional on the version the form saw.
    seen = AnalysisText.objects.filter(pk=current.pk, version=expected_version)
    written = seen.delete()[0] if not text else seen.update(text=text, version=F("version") + 1)
    if not written:
        raise TextConflict(AnalysisText.objects.filter(pk=current.pk).first())
    history_record(
        user=by,
        cycle=cycle.code,
        table="analysis_texts",
        object=slot_name,
        action="update" if text else "delete",
        changes={"text": (old, text or None)},
    )
    cycle_touch(cycle=cycle)
    if not text:
        return None
    current.refresh_from_db()
    return current


def analysis_texts_of(*, cycle: Cycle, supplier: str) -> list[AnalysisText]:
    """The sections of `supplier`'s analysis as stored (with their versions), in reading order."""
    order = {s.value: i for i, s in enumerate(m.AnalysisSection)}
    rows = AnalysisText.objects.filter(cycle=cycle, supplier__code=supplier).select_related("service", "proposal")
    return sorted(
        rows,
        key=lambda r: (order[r.section], r.service.code if r.service else "", r.proposal.code if r.proposal else ""),
    )
