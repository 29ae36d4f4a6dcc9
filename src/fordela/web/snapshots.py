"""What a user saw when they opened a form, carried through the form signed, so that a save
refused because the object changed meanwhile can show the difference (then → now)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core import signing

from fordela.cycle.filed import Filed
from fordela.engine import model as m

SALT = "fordela.proposal-seen"


def proposal_snapshot(filed: Filed) -> str:
    """A signed, compact text of the proposal's fields and amounts."""
    fields = {name: getattr(value, "value", value) for name, value in dataclasses.asdict(filed.proposal).items()}
    amounts = [[year, amount_type.value, amount] for year, amount_type, amount in filed.rows()]
    return signing.dumps({"p": fields, "a": amounts}, salt=SALT, compress=True)


def proposal_from_snapshot(text: str) -> tuple[m.Proposal, list[tuple[int, m.AmountType, int]]] | None:
    """The proposal and amounts of `proposal_snapshot`; None when missing or tampered with."""
    try:
        data: Any = signing.loads(text or "", salt=SALT)
        fields = dict(data["p"])
        fields["kind"] = m.ProposalKind(fields["kind"])
        fields["financing"] = m.Financing(fields["financing"])
        if fields.get("proposed_category"):
            fields["proposed_category"] = m.ServiceCategory(fields["proposed_category"])
        amounts = [(int(y), m.AmountType(t), int(a)) for y, t, a in data["a"]]
        return m.Proposal(**fields), amounts
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
