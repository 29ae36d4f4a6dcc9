"""Rendered pages shared between viewers (fordela.web.pagecache) never show stale data, another
organisation's or role's page, another language, or another person's CSRF token."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from fordela.accounts.models import Profile, Role
from fordela.cycle import computed
from fordela.cycle.models import Proposal, ReviewStage, Scenario, ScenarioProposal
from fordela.engine import model as m

from .conftest import CYCLE

BASE = f"/c/{CYCLE}"
EXPLICIT = "utan-nya-insatser"
TOGGLED = "is-ai-infrastruktur"  # a change initiative of Intraservice, not in EXPLICIT
PAGES = (
    f"{BASE}/",
    f"{BASE}/?scenario={EXPLICIT}",
    f"{BASE}/scenarier/{EXPLICIT}/",
    f"{BASE}/brygga/",
    f"{BASE}/organisation/grundskola/",
    f"{BASE}/nyckelsimulator/?service=demokrati&key=k-employees",
)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture(autouse=True)
def _caches(settings):
    settings.FORDELA_CACHE = True
    caches["pages"].clear()
    computed.cache_clear()
    yield
    caches["pages"].clear()
    computed.cache_clear()


def cached(response) -> bool:
    """Whether the page's content came from the cache (the view did not run)."""
    return "web/cached_page.html" in [t.name for t in response.templates]


def without_tokens(response) -> str:
    return re.sub(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])", "TOKEN", response.content.decode())


def fresh(client: Client, path: str, settings) -> str:
    """The page as the view renders it with every cache off."""
    settings.FORDELA_CACHE = False
    try:
        response = client.get(path)
    finally:
        settings.FORDELA_CACHE = True
    assert response.status_code == 200 and not cached(response)
    return without_tokens(response)


def toggle(client: Client, included: bool) -> None:
    fields = {"proposal": TOGGLED, **({"included": TOGGLED} if included else {})}
    response = client.post(f"{BASE}/scenarier/{EXPLICIT}/", fields, HTTP_HX_REQUEST="true")
    assert response.status_code == 200


def test_the_second_viewer_of_a_scope_gets_the_same_page_from_the_cache(as_user, settings):
    charlie = as_user("charlie")
    for path in PAGES:
        first = charlie.get(path)
        assert first.status_code == 200 and not cached(first), path
        second = charlie.get(path)
        assert cached(second), path
        assert without_tokens(second) == without_tokens(first) == fresh(charlie, path, settings), path


def test_a_scenario_toggle_shows_at_once_and_keeps_the_pages_it_does_not_change(as_user, settings):
    bob, charlie = as_user("bob"), as_user("charlie")
    for path in PAGES:
        charlie.get(path)
    before = {path: without_tokens(charlie.get(path)) for path in PAGES}
    toggle(bob, included=True)
    after = {path: charlie.get(path) for path in PAGES}
    for path, response in after.items():
        assert without_tokens(response) == fresh(charlie, path, settings), path
    # What shows the toggled scenario changed; the pages as decided were served from the cache.
    for path in (f"{BASE}/?scenario={EXPLICIT}", f"{BASE}/scenarier/{EXPLICIT}/"):
        assert not cached(after[path]) and without_tokens(after[path]) != before[path], path
    for path in (f"{BASE}/", f"{BASE}/brygga/", f"{BASE}/organisation/grundskola/"):
        assert cached(after[path]), path
    # Back out: the scenario page shows the new history line, not the page of the same selection before.
    toggle(bob, included=False)
    page = charlie.get(f"{BASE}/scenarier/{EXPLICIT}/")
    assert without_tokens(page) == fresh(charlie, f"{BASE}/scenarier/{EXPLICIT}/", settings)
    assert without_tokens(page) != before[f"{BASE}/scenarier/{EXPLICIT}/"]


def toggled(client: Client, included: bool) -> str:
    fields = {"proposal": TOGGLED, **({"included": TOGGLED} if included else {})}
    response = client.post(f"{BASE}/scenarier/{EXPLICIT}/", fields, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return without_tokens(response)


def test_a_toggle_answers_with_the_results_of_what_it_chose_shared_by_scope(as_user, settings, monkeypatch):
    """A toggle's results are rendered once per selection and scope: toggling back, or another
    coordinator making the same choice, gets the same results as rendering them afresh, with
    its own status line; a customer reader's results (own organisation only) are never shared."""
    bob = as_user("bob")
    bob_profile = Profile.objects.get(user__username="bob")
    second = get_user_model().objects.create_user("bea", password="x")
    Profile.objects.create(user=second, role=bob_profile.role, organisation=bob_profile.organisation)
    bea = as_user("bea")
    first_in = toggled(bob, included=True)
    first_out = toggled(bob, included=False)
    settings.FORDELA_CACHE = False
    try:
        fresh_in = toggled(bob, included=True)
        fresh_out = toggled(bob, included=False)
    finally:
        settings.FORDELA_CACHE = True
    assert first_in == fresh_in and first_out == fresh_out
    assert first_in != first_out and first_in.startswith('<div id="toggle-status"')
    # bea (another coordinator: the same scope) is served bob's rendering of the same selection.
    monkeypatch.setattr(caches["pages"], "set", None)  # a miss now would fail: nothing is rendered again
    assert toggled(bea, included=True) == first_in


def test_a_review_changes_the_next_page(as_user, settings):
    from fordela.cycle.reviews import review_record

    bob = as_user("bob")
    path = f"{BASE}/brygga/?stage=coordination_group&supplier=intraservice"
    before = without_tokens(bob.get(path))
    assert cached(bob.get(path))
    stage = ReviewStage.objects.get(cycle__code=CYCLE, code="coordination_group")
    proposal = Proposal.objects.get(cycle__code=CYCLE, code=TOGGLED)
    review_record(
        proposal=proposal,
        stage=stage,
        outcome=m.ReviewOutcome.REJECT,
        approved_amounts=None,
        conditions={},
        future_management_approved=False,
        comment="Avvakta.",
        by=get_user_model().objects.get(username="bob"),
    )
    after = bob.get(path)
    assert not cached(after)
    assert without_tokens(after) == fresh(bob, path, settings) != before


def test_an_import_changes_the_next_page(as_user, settings, demo):
    import dataclasses

    from fordela.cycle.services import cycle_import

    bob = as_user("bob")
    path = f"{BASE}/"
    bob.get(path)
    assert cached(bob.get(path))
    cycle_import(data=dataclasses.replace(demo, cycle=dataclasses.replace(demo.cycle, title="Omräknad")), replace=True)
    after = bob.get(path)
    assert not cached(after)
    assert "Omräknad" in after.content.decode()
    assert without_tokens(after) == fresh(bob, path, settings)


def test_no_viewer_gets_a_page_rendered_for_another_organisation_or_role(as_user, settings):
    bob, charlie, gustav = as_user("bob"), as_user("charlie"), as_user("gustav")
    for path in PAGES:
        bob.get(path)  # the coordinator's pages are cached first
        charlie.get(path)
    for path in PAGES:
        response = gustav.get(path)
        if path.endswith("/organisation/grundskola/"):
            assert response.status_code == 404  # another organisation's bill, cached or not
            continue
        assert not cached(response), path  # gustav's scope (Förskoleförvaltningen) was never rendered
        assert without_tokens(response) == fresh(gustav, path, settings), path
    scenario = f"{BASE}/scenarier/{EXPLICIT}/"
    assert without_tokens(charlie.get(scenario)) != without_tokens(bob.get(scenario))
    assert without_tokens(charlie.get(scenario)) == fresh(charlie, scenario, settings)


def test_languages_do_not_share_pages(as_user, settings):
    charlie = as_user("charlie")
    path = f"{BASE}/brygga/"
    swedish = charlie.get(path)
    charlie.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = charlie.get(path)
    assert not cached(english)
    assert 'lang="en"' in english.content.decode()
    assert without_tokens(english) != without_tokens(swedish)
    assert without_tokens(english) == fresh(charlie, path, settings)
    assert cached(charlie.get(path))


def test_the_csrf_token_in_a_cached_page_is_the_viewers_own_and_works(as_user):
    bob = as_user("bob")
    other = get_user_model().objects.create_user("berit", password="x" * 12)
    Profile.objects.create(user=other, role=Role.COORDINATOR.value, organisation="")
    berit = Client(enforce_csrf_checks=True)
    berit.force_login(other)
    path = f"{BASE}/scenarier/{EXPLICIT}/"
    assert TOKEN.search(bob.get(path).content.decode())  # bob warms the page with his token
    page = berit.get(path)
    assert cached(page)
    secret = berit.cookies["csrftoken"].value
    tokens = TOKEN.findall(page.content.decode())
    assert tokens and all(_unmask_cipher_token(t) == secret for t in tokens)
    response = berit.post(path, {"csrfmiddlewaretoken": tokens[0], "included": TOGGLED})
    assert response.status_code == 302  # the plain (no JavaScript) form: saved, back to the page
    scenario = Scenario.objects.get(cycle__code=CYCLE, code=EXPLICIT)
    assert ScenarioProposal.objects.filter(scenario=scenario, proposal__code=TOGGLED).exists()


def test_switched_off_nothing_is_cached(as_user, settings):
    settings.FORDELA_CACHE = False
    charlie = as_user("charlie")
    charlie.get(f"{BASE}/")
    assert not cached(charlie.get(f"{BASE}/"))


def test_requests_for_the_same_missing_fragment_render_it_once(monkeypatch, settings):
    """After a write, the threads of a process asking for the same page wait for the first
    one's rendering instead of all rendering it (they would share the GIL and the writer's
    request would wait behind all of them)."""
    import threading
    import time

    from django.test import RequestFactory

    from fordela.web import pagecache

    monkeypatch.setattr(pagecache, "scope_of", lambda request: ("coordinator", ""))
    renderings = []
    started = threading.Event()

    def build() -> str:
        renderings.append(1)
        started.set()
        time.sleep(0.2)
        return "<p>results</p>"

    answers = []

    def ask() -> None:
        request = RequestFactory().get("/c/x/scenarier/y/")
        answers.append(pagecache.shared_fragment(request, "results", ("v", 1), build))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    threads[0].start()
    started.wait(5)
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert answers == ["<p>results</p>"] * 4
    assert len(renderings) == 1
    assert not pagecache._renderings  # nothing left behind
