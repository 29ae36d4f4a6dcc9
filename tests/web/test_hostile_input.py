"""No input gives a 5xx: every URL, as every persona, with hostile values in every query parameter
a view reads and every field of every form it shows.

The parameters are discovered, not listed by hand: a test middleware records every key a view asks
request.GET / request.POST for (directly, through a helper or through a Django form), and every
<form> on a page adds its fields to the URL it posts to. Then each (URL, method) gets every nasty
value in every parameter once — the values rotate over the parameters and the personas so that the
suite stays fast — and each parameter also gets half of the values alone (the other fields of a
form as the page filled them in, other query parameters absent), so that a refusal of one cannot
hide a crash in the next and a hostile value reaches the service behind a valid form. Path
parameters get what their converter lets through. Every request runs in a savepoint that is rolled
back: a hostile delete or a valid-by-accident save does not change what the next request sees.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve

from tests.web.conftest import CYCLE, PERSONAS
from tests.web.test_pages import _patterns

NASTY: tuple[str | list[str], ...] = (
    "\x00",
    "2026\x00",
    "\r",
    "a\rb",
    "a\r\nb",
    "\u202eabc",
    "x" * 100_000,
    "1.500",
    "1e9",
    "1e999999999",
    "9" * 30,
    "-0",
    "abc",
    "2026.0",
    "",
    " ",
    "-1",
    "٢٠٢٦",  # Arabic-Indic digits: int() accepts them, the database does not expect them
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "' OR 1=1 --",
    ["2026", "abc"],  # a duplicated parameter
    ["\x00", ""],
)

# Real objects of the demo cycle for the URL parameters; a thread and a finished document job
# are made by the fixture below.
OBJECTS = {
    "cycle": CYCLE,
    "service": "office365",
    "proposal": "is-ai-infrastruktur",  # open: its edit and review forms are reachable
    "organisation": "grundskola",
    "scenario": "utan-nya-insatser",  # an explicit one: its toggles can be posted
    "stage": "preparation",
    "filename": "open-data.zip",
}

# What Django's path converters let through.
CONVERTERS = {"str": r"[^/]+", "slug": r"[-a-zA-Z0-9_]+", "int": r"[0-9]+"}

MUST_FIND = (
    ("c/<cycle>/tjanster/<service>/", "get", "year"),
    ("c/<cycle>/historik/", "get", "object"),
    ("c/<cycle>/samrad/", "get", "supplier"),
    ("c/<cycle>/scenarier/<scenario>/", "post", "included"),
    ("c/<cycle>/nyckelsimulator/", "get", "key"),
    ("c/<cycle>/forslag/<proposal>/granskning/<stage>/", "post", "amount_2026_development"),
    ("c/<cycle>/utfall/", "post", "amount"),
)

# Recorded keys, per (path, method), filled by the middleware while it is installed.
_SEEN: dict[tuple[str, str], set[str]] = defaultdict(set)


class _Recording(QueryDict):
    """A QueryDict that notes which keys the view asked for."""

    _where = ("", "")  # a copy the view makes (request.POST.copy()) notes nowhere

    def _note(self, key):
        _SEEN[self._where].add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)


def _recording(data: QueryDict, where: tuple[str, str]) -> QueryDict:
    copy = _Recording(mutable=True)
    copy._where = where
    for key, values in data.lists():
        copy.setlist(key, values)
    copy._mutable = False
    return copy


class RecordParameters:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _recording(request.GET, (request.path, "get"))
        if request.method == "POST":
            request.POST = _recording(request.POST, (request.path, "post"))
        return self.get_response(request)


FIELDS = ("input", "select", "textarea", "button")


class _Forms(HTMLParser):
    """The forms of a page: (action, method, {field name: the values the page fills in})."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, str, dict[str, list[str]]]] = []
        self._select: tuple[str, list[str], list[str]] | None = None  # name, selected, first option
        self._textarea: str | None = None

    def _fill(self, name: str, value: str | None) -> None:
        values = self.forms[-1][2].setdefault(name, [])
        if value is not None:
            values.append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self.forms.append((attrs.get("action") or "", (attrs.get("method") or "get").lower(), {}))
        elif not self.forms:
            return
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            self._select[2].append(value)
            if "selected" in attrs:
                self._select[1].append(value)
        elif tag not in FIELDS or name in (None, "csrfmiddlewaretoken"):
            return
        elif tag == "select":
            self._select = (name, [], [])
        elif tag == "textarea":
            self._textarea = name
            self._fill(name, None)
        elif tag == "button" or attrs.get("type") in ("submit", "button", "reset"):
            self._fill(name, None)  # a field, but not part of what the form normally sends
        elif attrs.get("type") in ("checkbox", "radio"):
            self._fill(name, attrs.get("value", "on") if "checked" in attrs else None)
        else:
            self._fill(name, attrs.get("value") or "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._fill(self._textarea, data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, selected, options = self._select
            self._fill(name, (selected or options or [None])[0])
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@pytest.fixture
def objects(demo_db):
    from django.contrib.auth import get_user_model

    from fordela.catalogue.models import Cycle
    from fordela.consultation.services import thread_open
    from fordela.jobs.models import Job
    from fordela.jobs.queue import heartbeat

    # /health/ answers 503 without a live worker (as it should); a heartbeat makes it a page to walk.
    heartbeat(worker="hostile-input-test")
    users = get_user_model().objects
    thread = thread_open(
        cycle=Cycle.objects.get(code=CYCLE),
        by=users.get(username="charlie"),
        line_object="office365",
        line_year=2026,
        organisation="grundskola",
        text="Varför ökar Office 365 för oss?",
    )
    job = Job.objects.create(
        cycle_code=CYCLE,
        kind="bill",
        params={"organisation": "grundskola"},
        status=Job.Status.DONE,
        created_by=users.get(username="bob"),
        filename="x.pdf",
        content_type="application/pdf",
        content=b"%PDF-1.4",
    )
    return OBJECTS | {"thread": str(thread.pk), "job": str(job.pk)}


def _url(route: str, objects: dict[str, str]) -> str:
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: objects.get(m.group(2), "x"), route)


def _rolled_back(client: Client, method: str, url: str, data):
    """The response, or the exception the view raised; the request's writes are undone."""
    with transaction.atomic():
        try:
            return getattr(client, method)(url, data)
        except Exception:  # noqa: BLE001 - any exception is the 500 we are looking for
            return traceback.format_exc(limit=-3)
        finally:
            transaction.set_rollback(True)


def _failure(response) -> str | None:
    if isinstance(response, str):
        return response.strip().splitlines()[-1]
    if response.status_code >= 500:
        return f"status {response.status_code}"
    return None


def _short(data) -> str:
    return repr({k: (v if len(repr(v)) < 40 else repr(v)[:37] + "…") for k, v in data.items()})


@pytest.fixture
def quiet():
    """Thousands of refusals would each log a warning; the failures are collected here instead."""
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)


def test_no_input_gives_a_server_error(objects, settings, quiet):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.web.test_hostile_input.RecordParameters"]
    _SEEN.clear()
    clients = {name: Client() for name in PERSONAS}
    from django.contrib.auth import get_user_model

    for name, client in clients.items():
        client.force_login(get_user_model().objects.get(username=name))

    # Logging out would end the personas' sessions; it reads no input.
    urls = [_url(route, objects) for pattern, route in _patterns(get_resolver()) if pattern.name != "logout"]
    failures: list[str] = []
    # Per form target: the first persona shown the form and the values it came filled in with.
    filled: dict[str, tuple[str, dict[str, list[str]]]] = {}

    # 1. Every URL as every persona, GET and an empty POST: nothing fails, and the keys are noted.
    for url in urls:
        for name, client in clients.items():
            for method in ("get", "post"):
                response = _rolled_back(client, method, url, {})
                if problem := _failure(response):
                    failures.append(f"{name} {method.upper()} {url}: {problem}")
                    continue
                if method == "get" and response.status_code == 200 and "html" in response.get("Content-Type", ""):
                    parser = _Forms()
                    parser.feed(response.content.decode())
                    for action, form_method, fields in parser.forms:
                        target = urlsplit(action).path or url
                        try:
                            resolve(target)
                        except Resolver404:
                            continue
                        _SEEN[(target, form_method)] |= set(fields)
                        if form_method == "post":
                            filled.setdefault(target, (name, {k: v for k, v in fields.items() if v}))
    targets = {key: sorted(keys) for key, keys in _SEEN.items() if keys and key[0] in urls}
    assert len(urls) > 30 and len(targets) > 20, (len(urls), sorted(targets))
    # The discovery works: a few parameters known to be read by helpers, forms and getlist.
    for path, method, key in MUST_FIND:
        assert key in targets.get((_url(path, objects), method), []), (path, method, key)

    # 2. Hostile values: all parameters at once (the values rotating), then each one alone.
    personas = list(clients.items())
    sent = 0
    for (url, method), keys in sorted(targets.items()):
        rounds = [{key: NASTY[(i + j) % len(NASTY)] for j, key in enumerate(keys)} for i in range(len(NASTY))]
        # A form as the page fills it in (by the persona who was shown it), else nothing.
        shown_to, defaults = filled.get(url, (None, {})) if method == "post" else (None, {})
        if len(keys) > 1 or defaults:
            # One hostile field with the rest as the page filled them in, so that a hostile value
            # reaches the service behind an otherwise valid form; every other value (alternating
            # between keys), one key per family of a grid (amount_<year>_<type>).
            alone = {re.sub(r"\d+", "N", key): key for key in reversed(keys)}.values()
            rounds += [defaults | {key: value} for j, key in enumerate(sorted(alone)) for value in NASTY[j % 2 :: 2]]
        for i, data in enumerate(rounds):
            # All-at-once rounds rotate over the personas; a filled-in form goes as the one shown it.
            name, client = personas[i % len(personas)]
            if shown_to and i >= len(NASTY):
                name, client = shown_to, clients[shown_to]
            sent += 1
            if problem := _failure(_rolled_back(client, method, url, data)):
                failures.append(f"{name} {method.upper()} {url} {_short(data)}: {problem}")

    # 3. Hostile path parameters, as far as each converter lets them through.
    for _pattern, route in _patterns(get_resolver()):
        for converter, param in re.findall(r"<(\w+):(\w+)>", route):
            accepts = CONVERTERS.get(converter, CONVERTERS["str"])
            for i, value in enumerate(v for v in NASTY if isinstance(v, str) and v and re.fullmatch(accepts, v)):
                name, client = personas[i % len(personas)]
                url = _url(route, objects | {param: quote(value)})
                sent += 1
                if problem := _failure(_rolled_back(client, "get", url, {})):
                    failures.append(f"{name} GET {url[:80]}: {problem}")
    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures[:60])


def test_a_nul_anywhere_is_refused_with_a_clear_page(as_user):
    bob = as_user("bob")
    response = bob.get(f"/c/{CYCLE}/samrad/", {"supplier": "intra\x00service"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode() and "supplier" in response.content.decode()
    response = bob.post(f"/c/{CYCLE}/scenarier/", {"code": "x", "name": "a\x00b"})
    assert response.status_code == 400
    from fordela.cycle.models import Scenario

    assert not Scenario.objects.filter(code="x").exists()


@pytest.mark.parametrize("year", ["abc", "2026.0", "٢٠٢٦", " 2026", "1e9", "9" * 30, "1999"])
def test_a_year_that_is_not_one_of_the_cycles_is_not_found(as_user, year):
    response = as_user("charlie").get(f"/c/{CYCLE}/tjanster/office365/", {"year": year})
    assert response.status_code == 404


def test_a_year_of_the_cycle_is_shown(as_user):
    assert as_user("charlie").get(f"/c/{CYCLE}/tjanster/office365/", {"year": "2025"}).status_code == 200


def test_an_overlong_text_filter_is_ignored_with_a_message(as_user):
    response = as_user("bob").get(f"/c/{CYCLE}/historik/", {"object": "x" * 100_000})
    assert response.status_code == 200
    assert "för lång" in response.content.decode()
