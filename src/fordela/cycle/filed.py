"""A stored proposal as the package holds it (`Filed`: its row and amounts), and the form field
of one amount cell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fordela.cycle.models import Proposal
from fordela.engine import model as m

AmountRow = tuple[int, m.AmountType, int]  # (year, type, öre)


def amount_field(year: int, amount_type: m.AmountType | str) -> str:
    """The form field of one amount cell: ``amount_2026_development``."""
    return f"amount_{year}_{m.AmountType(amount_type).value}"


@dataclass(frozen=True)
class Filed:
    """A proposal as the package holds it: its row and its amounts."""

    proposal: m.Proposal
    amounts: tuple[m.ProposalAmount, ...]

    def rows(self) -> tuple[AmountRow, ...]:
        return tuple((a.year, a.type, a.amount) for a in self.amounts)


def _code(obj: Any) -> str | None:
    return None if obj is None else obj.code


def proposal_filed(proposal: Proposal) -> Filed:
    """The engine's view of a stored proposal (draft or deleted too)."""
    row = m.Proposal(
        code=proposal.code,
        supplier=proposal.supplier.code,
        kind=m.ProposalKind(proposal.kind),
        title=proposal.title,
        financing=m.Financing(proposal.financing),
        service=_code(proposal.service),
        key=_code(proposal.key),
        proposed_category=m.ServiceCategory(proposal.proposed_category) if proposal.proposed_category else None,
        proposed_key=_code(proposal.proposed_key),
        future_management_cost=proposal.future_management_cost,
        future_management_from_year=proposal.future_management_from_year,
        already_decided=proposal.already_decided,
        description=proposal.description,
    )
    amounts = tuple(
        sorted(
            (m.ProposalAmount(proposal.code, a.year, m.AmountType(a.type), a.amount) for a in proposal.amounts.all()),
            key=lambda a: (a.year, a.type.value),
        )
    )
    return Filed(row, amounts)


def _is_live(proposal: Proposal) -> bool:
    """Part of the cycle's data: submitted and not deleted (as `cycle_data` loads it)."""
    return proposal.status == "submitted" and proposal.deleted_at is None
