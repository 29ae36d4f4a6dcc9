"""Overlapping periods frozen at the same moment (PostgreSQL): exactly one freeze wins.

q2 and m04, m05, m06 cover the same months. Four threads — as the web and the CLI would, each
with its own database connection — freeze them together; the row lock on the cycle taken by
`invoice_freeze` makes them run one after another, and every later one sees the first.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from fordela.billing.models import InvoicingFreeze
from fordela.billing.services import BillingError, invoice_freeze
from fordela.cycle.services import cycle_import
from fordela.engine.model import Period

CODE = "goteborg-2026"
pytestmark = pytest.mark.django_db(transaction=True)


def _freeze_at_once(periods: tuple[Period, ...]) -> list[tuple[Period, str]]:
    """Freeze `periods` from one thread each, released together; (period, outcome) per thread."""
    start = threading.Barrier(len(periods), timeout=60)
    outcomes: list[tuple[Period, str]] = []

    def freeze(period: Period) -> None:
        try:
            start.wait()
            invoice_freeze(cycle=CODE, year=2026, period=period, by=f"thread-{period}")
            outcomes.append((period, "frozen"))
        except BillingError as error:
            outcomes.append((period, f"refused: {error}"))
        except Exception as error:  # noqa: BLE001 - any other failure is reported by the test
            outcomes.append((period, f"failed: {error!r}"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=freeze, args=(p,)) for p in periods]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(t.is_alive() for t in threads), "a freeze hung"
    return outcomes


@pytest.fixture
def on_postgresql(demo):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks (SQLite serialises every write anyway)")
    cycle_import(data=demo)


def test_pairwise_overlapping_periods_frozen_at_once_exactly_one_succeeds(on_postgresql):
    # q2 twice (web and CLI), m04 twice: every pair overlaps.
    outcomes = _freeze_at_once((Period.Q2, Period.M04, Period.Q2, Period.M04))
    frozen = [p for p, outcome in outcomes if outcome == "frozen"]
    assert len(frozen) == 1, outcomes
    refused = [o for _p, o in outcomes if o != "frozen"]
    assert len(refused) == 3 and all(o.startswith("refused") and "redan låst" in o for o in refused), outcomes
    assert list(InvoicingFreeze.objects.values_list("period", flat=True)) == [frozen[0].value]


def test_a_quarter_and_its_months_frozen_at_once_never_both(on_postgresql):
    outcomes = _freeze_at_once((Period.Q2, Period.M04, Period.M05, Period.M06))
    assert not any(o.startswith("failed") for _p, o in outcomes), outcomes
    stored = set(InvoicingFreeze.objects.values_list("period", flat=True))
    # Either the quarter alone or (some of) its months, never the quarter and a month of it.
    assert stored and not ("q2" in stored and stored & {"m04", "m05", "m06"}), outcomes
