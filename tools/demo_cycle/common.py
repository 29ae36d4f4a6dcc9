"""What every part of the demo builder shares: units, years, the suppliers' short codes, and the
list the proposals are added to."""

from __future__ import annotations

from fordela.engine import model as m
from fordela.engine.model import AmountType as T
from fordela.engine.model import ReviewOutcome as O

MSEK = 100_000_000  # öre
TKR = 100_000
KR = 100
ILLUSTRATIVE = "illustrativ"
YEARS = range(2023, 2031)
BASE, TARGET = 2025, 2026

IS, D, U = "intraservice", "dms", "iu"
B, A, INF, OPT = (
    m.ServiceCategory.BASE,
    m.ServiceCategory.ADD_ON,
    m.ServiceCategory.INFRASTRUCTURE,
    m.ServiceCategory.OPT_IN,
)


def p(code, supplier, kind, title, *, financing=m.Financing.SOLIDARITY, **kw) -> m.Proposal:  # noqa: ANN001
    return m.Proposal(code, supplier, kind, title, financing, **kw)


# (proposal, [(year, type, amount kr)], [(stage, outcome, comment, approved amounts or None, future approved,
#   [(condition kind, text)])])
PROPOSALS: list[tuple[m.Proposal, list[tuple[int, T, int]], list[tuple]]] = []


def add(proposal: m.Proposal, amounts: list[tuple[int, T, int]], *reviews: tuple) -> None:
    PROPOSALS.append((proposal, amounts, list(reviews)))


PREP, SSG = "preparation", "coordination_group"
OK = (PREP, O.APPROVE, "", None, False, [])
