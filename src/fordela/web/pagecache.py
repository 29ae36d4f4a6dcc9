"""Rendered pages shared by their viewers: many viewers of one scenario cost one rendering.

Computed results are cached per cycle version (`fordela.cycle.computed`), but turning them into a
page — tables of formatted amounts, chart specifications, the template — still cost 35–70 ms of
CPU per request on the demo. `shared_page` keeps the rendered *content* of a read-only page (what
the page template puts in ``{% block content %}``, between the markers in web/base.html, and its
``<title>``) and serves it to every later viewer who would be shown the same thing:

**Key.** The view, the full path with its query string, htmx or not, the language, the viewer's
*scope* — role and organisation, all that fordela's permission rules look at
(`fordela.accounts.permissions`) — and the cycle's version. The version is the data version
(import and data revision: every write but a scenario toggle bumps it, `cycle_touch`) and what
the page says it depends on besides: the proposals of the one explicit scenario it shows (start
page, organisation, key simulator: a toggle elsewhere does not make them stale), nothing more
(bridge) or every revision (default: any write at all, e.g. the scenario page with its history).
The version is read from the database on every request, before the cache is asked, so a write
is seen by the next request in every process. Only 200 responses to GET are stored; a page that
refuses (403/404) is never stored, so a hit can only be what the same scope was allowed to see.

**What is never shared.** Everything per person is outside the cached content and rendered for
each request by web/base.html: the account menu, messages, the language form and its CSRF token.
A CSRF token inside the content (forms of the page) is found by unmasking every token-shaped
string against the request's own secret, stored as a slot, and filled with the viewer's token on
each hit: a viewer never receives another's token. No inline script (the Content-Security-Policy
forbids it), so there is no nonce to share.

**Backend.** Django's cache framework, alias ``pages`` (settings.CACHES): local memory in each
process by default, so production needs no cache server. Each gunicorn process renders a page
once per version; a shared backend (Django's Redis backend in ``CACHES["pages"]``) would save
the other processes' first rendering but add a service to run and a network round trip per hit.
Entries are small HTML strings, so the pickling the framework does is cheap (unlike the computed
results, which stay in-process).
``FORDELA_CACHE=0`` turns this off along with the computed results.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token  # no public API tells a token's secret
from django.shortcuts import render
from django.utils import translation
from django.utils.safestring import mark_safe

from fordela.accounts.permissions import organisation_of, role_of
from fordela.cycle.selectors import CycleNotFound, cache_enabled, cycle_data_at, explicit_members
from fordela.engine.model import CycleData

# Around {% block content %} in web/base.html: a page without them is not cached.
CONTENT_START = "<!--fordela:content-->"
CONTENT_END = "<!--/fordela:content-->"
TITLE = re.compile(r"<title>.*?</title>", re.S)
# Where the viewer's CSRF token goes. A NUL never occurs in a page: no field can hold one
# (fordela.web.middleware refuses it in input, PostgreSQL in storage).
CSRF_SLOT = "\x00csrf\x00"
CSRF_SHAPED = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")

# What a page depends on besides the data version: `EVERY_REVISION` (any write at all, the default),
# `NO_SCENARIO`, or a function (request, data) -> the scenario code whose proposals it shows.
EVERY_REVISION = "every-revision"
NO_SCENARIO = "no-scenario"
ScenarioOf = Callable[[HttpRequest, CycleData], str | None]


def scope_of(request: HttpRequest) -> tuple[str, str]:
    """(role, organisation): everything the permission rules distinguish viewers by."""
    role = role_of(request.user)
    return (role.value if role is not None else "", organisation_of(request.user))


def shared_page(depends: str | ScenarioOf = EVERY_REVISION, *, cycle_kwarg: str = "cycle") -> Callable[..., Any]:
    """Serve the view's content from the cache when its key (see the module) was rendered before."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        name = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "GET" or not cache_enabled() or not request.user.is_authenticated:
                return view(request, *args, **kwargs)
            try:
                version, data = cycle_data_at(kwargs[cycle_kwarg])
            except CycleNotFound:
                return view(request, *args, **kwargs)
            if depends == EVERY_REVISION:
                dependency: Any = version
            elif depends == NO_SCENARIO:
                dependency = version[:3]
            else:
                assert callable(depends)
                dependency = (version[:3], explicit_members(data, depends(request, data)))
            htmx = bool(getattr(request, "htmx", False))
            key = _key(request, "page", name, htmx, dependency)
            cache = caches["pages"]
            entry = cache.get(key)
            if entry is not None:
                return _from_cache(request, entry)
            with _building(key):
                entry = cache.get(key)  # rendered by a request this one waited for
                if entry is not None:
                    return _from_cache(request, entry)
                response = view(request, *args, **kwargs)
                entry = _to_cache(request, response, htmx)
                if entry is not None:
                    cache.set(key, entry)
            return response

        return wrapper

    return decorate


def shared_fragment(request: HttpRequest, name: str, dependency: Any, build: Callable[[], str]) -> str:
    """The HTML `build()` makes, shared like a page's content (same scope, language, path and
    `dependency`, which must name every version the fragment shows): what a write answers with,
    e.g. a scenario's results after a toggle, which the person toggling back or the next
    coordinator toggling the same way would otherwise render again. `dependency` None: not shared."""
    if dependency is None or not cache_enabled():
        return build()
    key = _key(request, "fragment", name, bool(getattr(request, "htmx", False)), dependency)
    cache = caches["pages"]
    entry = cache.get(key)
    if entry is not None:
        return _fill_tokens(request, entry)
    with _building(key):
        entry = cache.get(key)
        if entry is not None:
            return _fill_tokens(request, entry)
        html = build()
        cache.set(key, _token_slots(request, html))
    return html


# One rendering per key at a time in a process: after a write, the threads asking for the same
# page wait for the first one's rendering instead of all rendering it at once (with the GIL each
# would then take as long as all of them; the writer's own request waited behind them).
_lock = threading.Lock()
_renderings: dict[str, tuple[threading.Lock, int]] = {}


@contextmanager
def _building(key: str) -> Iterator[None]:
    with _lock:
        lock, waiting = _renderings.get(key, (threading.Lock(), 0))
        _renderings[key] = (lock, waiting + 1)
    try:
        with lock:
            yield
    finally:
        with _lock:
            lock, waiting = _renderings[key]
            if waiting == 1:
                del _renderings[key]
            else:
                _renderings[key] = (lock, waiting - 1)


def _key(request: HttpRequest, kind: str, name: str, htmx: bool, dependency: Any) -> str:
    parts = (name, request.get_full_path(), htmx, translation.get_language(), scope_of(request), dependency)
    return f"{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _to_cache(request: HttpRequest, response: HttpResponse, htmx: bool) -> dict[str, str] | None:
    """The response's shareable part, or None when it must not be stored."""
    if (
        response.status_code != 200
        or response.streaming
        or not response.get("Content-Type", "").startswith("text/html")
        or response.has_header("Content-Disposition")
    ):
        return None
    page = response.content.decode(response.charset)
    if htmx and CONTENT_START not in page:
        return {"partial": _token_slots(request, page)}
    start, end = page.find(CONTENT_START), page.find(CONTENT_END)
    title = TITLE.search(page)
    if start < 0 or end < start or title is None:
        return None
    return {"title": title.group(0), "content": _token_slots(request, page[start + len(CONTENT_START) : end])}


def _token_slots(request: HttpRequest, html: str) -> str:
    """`html` with every CSRF token of this request's secret replaced by the slot."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return html

    def slot(match: re.Match[str]) -> str:
        return CSRF_SLOT if _unmask_cipher_token(match.group(0)) == secret else match.group(0)

    return CSRF_SHAPED.sub(slot, html)


def _from_cache(request: HttpRequest, entry: dict[str, str]) -> HttpResponse:
    if "partial" in entry:
        return HttpResponse(_fill_tokens(request, entry["partial"]))
    response = render(
        request, "web/cached_page.html", {"cached_content": mark_safe(_fill_tokens(request, entry["content"]))}
    )
    page = response.content.decode(response.charset)
    response.content = TITLE.sub(lambda _: entry["title"], page, count=1).encode(response.charset)
    return response


def _fill_tokens(request: HttpRequest, html: str) -> str:
    return html.replace(CSRF_SLOT, get_token(request)) if CSRF_SLOT in html else html
