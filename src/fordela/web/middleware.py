"""Request-wide rules: a NUL character anywhere in the input is refused before any view sees
it, and the idle expiry of sessions moves with use.

No field of fordela can hold a NUL: PostgreSQL refuses it in every text column and in every
query parameter compared with one ("text fields cannot contain NUL"), so a `%00` in a filter or a
form field would otherwise end in a 500 on PostgreSQL and pass on SQLite. One check here keeps
every view, helper and form from having to repeat it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render


def _has_nul(data: QueryDict) -> str | None:
    for key, values in data.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return key.replace("\x00", "")[:60]
    return None


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        # In process_view, after the login and CSRF checks: a stranger is still sent to log in.
        field = _has_nul(request.GET)
        if field is None and request.method == "POST":
            field = _has_nul(request.POST)
        if field is None:
            return None
        return render(request, "web/bad_input.html", {"field": field}, status=400)


class IdleSessionMiddleware:
    """Sessions end after SESSION_COOKIE_AGE idle seconds; the expiry moves with use, but is
    written at most once a minute instead of on every request (Django's
    SESSION_SAVE_EVERY_REQUEST writes the session row on every page view, a database write per
    read that caps how many pages a server can answer). The idle limit is so kept to the minute."""

    REFRESH_SECONDS = 60
    KEY = "_idle_refreshed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.modified and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= self.REFRESH_SECONDS:
                session[self.KEY] = now  # marks the session modified: saved with a new expiry
        return response
