"""Refuse a NUL character anywhere in the input, before any view sees it.

No field of fordela can hold a NUL: PostgreSQL refuses it in every text column and in every
query parameter compared with one ("text fields cannot contain NUL"), so a `%00` in a filter or a
form field would otherwise end in a 500 on PostgreSQL and pass on SQLite. One check here keeps
every view, helper and form from having to repeat it.
"""

from __future__ import annotations

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
