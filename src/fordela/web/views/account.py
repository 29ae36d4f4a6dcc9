"""The user's own settings: e-mail notifications on or off."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from fordela.accounts.models import Profile
from fordela.accounts.notifications import wants_mail


def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        enabled = request.POST.get("notify_by_email") == "on"
        Profile.objects.filter(user=request.user).update(notify_by_email=enabled)
        messages.success(
            request,
            gettext("You will get e-mail notifications.") if enabled else gettext("E-mail notifications are off."),
        )
        return redirect("notifications")
    return render(
        request,
        "web/notifications.html",
        {"enabled": wants_mail(request.user), "has_profile": Profile.objects.filter(user=request.user).exists()},
    )
