"""Pages for anyone, without login: the list of cycles whose open data is published. The open data
of a cycle itself is in fordela.web.views.documents (opendata, opendata_file), also without login."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fordela.catalogue.models import Cycle


@login_not_required
def opendata_index(request: HttpRequest) -> HttpResponse:
    cycles = Cycle.objects.order_by("-target_year", "code").values("code", "title", "target_year")
    return render(request, "web/opendata_index.html", {"cycles": list(cycles)})
