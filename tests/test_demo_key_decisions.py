"""seeds/000… "Förändrade fördelningsnycklar": the supplier proposed a new key for Grundläggande DI, LAN,
Telefoni and Domino; the preparation rejected it and 2026 follows 2025's percentage split."""

from __future__ import annotations

from fractions import Fraction

import pytest

from fordela.engine.allocate import allocate
from fordela.engine.model import ProposalKind, ReviewOutcome
from fordela.engine.scenario import decided_scenario, resolve_code

SERVICES = {"grundlaggande-di": "stadsnat", "lan": "lan", "telefoni": "telefoni", "domino": "domino"}


def _split(allocation, service):
    lines = {ln.organisation: ln.amount for ln in allocation.lines if ln.object == service}
    total = sum(lines.values())
    return lines, total


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_rejected_proposal_carries_the_key_it_proposed(demo, service):
    proposal = next(p for p in demo.proposals if p.kind is ProposalKind.KEY_CHANGE and p.service == service)
    key_2025 = next(y.key for y in demo.service_years if y.service == SERVICES[service] and y.year == 2025)
    assert proposal.proposed_key not in (None, key_2025, "k-frozen-2025")
    if service == "grundlaggande-di":
        assert proposal.proposed_key == "k-employees"  # "fördelningsnyckeln antal anställda"
    review = next(r for r in demo.reviews if r.proposal == proposal.code and r.stage == "preparation")
    assert review.outcome is ReviewOutcome.REJECT
    assert "avslås" in review.comment  # SLK's förslag
    slk = next(t for t in demo.analysis_texts if t.proposal == proposal.code)  # SLK kommentar
    assert slk.text == "Tillämpa 2025 års (procentuella) fördelning av kostnader." and "seeds/000" in slk.note


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_decided_2026_bill_follows_the_2025_percentage_split(demo, service):
    before, before_total = _split(allocate(demo, 2025), SERVICES[service])
    resolution = resolve_code(demo, decided_scenario(demo))
    after, after_total = _split(allocate(demo, 2026, resolution), service)
    assert set(after) == set(before) and after_total > 0
    for org, amount in after.items():
        exact = Fraction(after_total * before[org], before_total)
        assert abs(amount - exact) < 1, (service, org)  # the largest-remainder split of the 2025 shares


def test_everything_proposed_applies_the_proposed_key(demo):
    resolution = resolve_code(demo, "proposed")
    allocation = allocate(demo, 2026, resolution)
    line = next(ln for ln in allocation.lines if ln.object == "grundlaggande-di")
    assert line.key == "k-employees"
