"""Two people at once, in two browsers: nothing saved is lost, nothing is created twice.

- Two coordinators review the same stage of the same proposal: the first is saved; the second is
  refused, sees the first's decision, keeps their input, and can then replace it consciously.
- A double-clicked "save" on a new proposal creates one proposal and lands on it, with no error.
  (PostgreSQL: the live server's request threads then have their own connections. On the
  in-memory SQLite test database they share one, so two overlapping requests would share one
  transaction, which never happens in production, where SQLite is a file.)
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.web.browser.conftest import check_axe, login, screenshot
from tests.web.conftest import CYCLE

pytestmark = pytest.mark.browser

BASE = f"/c/{CYCLE}"
PROPOSAL = "is-ai-infrastruktur"


@contextmanager
def _as(browser, site: str, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, site, username)
        yield page
    finally:
        context.close()


def _path(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def test_two_reviewers_on_one_stage_the_second_is_refused_and_sees_the_first(browser, site):
    from fordela.cycle.models import Review

    url = f"{site}{BASE}/forslag/{PROPOSAL}/granskning/council/"
    with _as(browser, site, "bob") as first, _as(browser, site, "erik") as second:
        for page in (first, second):  # both open the empty form
            page.goto(url)
            page.wait_for_load_state("networkidle")
        first.check("input[name=outcome][value=approve]")
        first.fill("#id_comment", "Tillstyrks av den första.")
        second.check("input[name=outcome][value=reject]")
        second.fill("#id_comment", "Avslås av den andra.")

        first.click("#save-review")
        first.wait_for_load_state("networkidle")
        assert _path(first) == f"{BASE}/forslag/{PROPOSAL}/"

        response = None
        with second.expect_response(lambda r: r.request.method == "POST") as posted:
            second.click("#save-review")
        response = posted.value
        second.wait_for_load_state("networkidle")
        assert response.status == 409
        conflict = second.locator("#conflict")
        assert conflict.is_visible()
        assert "Tillstyrks av den första." in second.locator("#conflict-decision").inner_text()
        assert second.input_value("#id_comment") == "Avslås av den andra."  # their input is kept
        check_axe(second)
        screenshot(second, "flow-review-conflict")
        review = Review.objects.get(proposal__code=PROPOSAL, stage__code="council")
        assert (review.outcome, review.comment, review.version) == ("approve", "Tillstyrks av den första.", 1)

        # Saving again, now that they have seen the first decision, replaces it.
        second.click("#save-review")
        second.wait_for_load_state("networkidle")
        assert _path(second) == f"{BASE}/forslag/{PROPOSAL}/"
        review.refresh_from_db()
        assert (review.outcome, review.comment, review.version) == ("reject", "Avslås av den andra.", 2)


@pytest.mark.skipif(
    "sqlite" in connection.vendor, reason="the live server shares one in-memory SQLite connection between requests"
)
def test_a_double_clicked_save_creates_one_proposal(page, site, monkeypatch):
    import time

    from fordela.cycle import proposals
    from fordela.cycle.models import Proposal

    # A save takes its time (on a fast machine the first one answered within the 150 ms below, and
    # the second press landed on the next page): the second press must come while it is on its way.
    create = proposals.proposal_create

    def slow_create(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.6)
        return create(*args, **kwargs)

    monkeypatch.setattr(proposals, "proposal_create", slow_create)

    login(page, site, "alice")
    page.goto(f"{site}{BASE}/nytt-forslag/")
    page.wait_for_load_state("networkidle")
    page.fill("#id_code", "is-dubbelklick")
    page.select_option("#id_kind", "change_initiative")
    page.fill("#id_title", "Dubbelklickat förslag")
    page.select_option("#id_financing", "solidarity")
    page.select_option("#id_key", "k-employees")
    page.fill("#id_amount_2026_development", "1 000 000")
    posts: list[int] = []
    page.on("request", lambda r: posts.append(1) if r.method == "POST" and "/nytt-forslag/" in r.url else None)
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status))
    # A double click as people do it: the second press 150 ms after the first, while the first
    # request is still on its way (a browser sends the form again then).
    # (The mouse itself, not a locator's click: that would wait for the first navigation.)
    page.locator("#save-proposal").scroll_into_view_if_needed()
    box = page.locator("#save-proposal").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(150)
    page.mouse.click(x, y)
    # The first navigation is aborted by the second: wait (retrying) for where the browser ends up.
    expect(page).to_have_url(re.compile(rf"{BASE}/forslag/is-dubbelklick/$"), timeout=15_000)
    page.wait_for_load_state("networkidle")
    assert len(posts) == 2, posts  # the browser really sent the form twice
    assert not [s for s in statuses if s >= 500], statuses
    assert Proposal.objects.filter(code="is-dubbelklick").count() == 1
    assert page.locator(".message.error, .errorlist, #error-summary").count() == 0
    check_axe(page)
