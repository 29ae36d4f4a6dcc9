"""Accounts for administrators: who has what, create, change role and organisation,
deactivate or activate, reset access. Each change goes through fordela.accounts.users (audited).
A new or reset password is shown once, on the page that made it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from fordela.accounts import users
from fordela.accounts.models import AuditEvent, Role
from fordela.accounts.permissions import deny, role_of


def _organisations() -> list[tuple[str, str]]:
    from fordela.catalogue.models import Organisation

    rows = Organisation.objects.order_by("code").values_list("code", "name").distinct()
    seen: dict[str, str] = {}
    for code, name in rows:
        seen.setdefault(code, name)
    return [("", "—")] + [(code, f"{name} ({code})") for code, name in seen.items()]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = _organisations()


class NewUserForm(RoleForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=300, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    field_order = ["username", "full_name", "email", "role", "organisation"]


def _admin_only(request: HttpRequest) -> None:
    if role_of(request.user) is not Role.ADMIN:
        deny(request, "accounts")


@require_http_methods(["GET", "POST"])
def account_list(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form, created, status = NewUserForm(), None, 200
    if request.method == "POST":
        form = NewUserForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                _, password = users.user_create(
                    username=data["username"],
                    role=data["role"],
                    organisation=data["organisation"],
                    full_name=data["full_name"],
                    email=data["email"],
                    by=request.user,
                    path=request.path,
                )
                created, form = (data["username"], password), NewUserForm()
            except users.AccountError as error:
                form.add_error(None, str(error))
        if not form.is_valid() and created is None:
            status = 400
    context = {"accounts": users.users_list(), "form": form, "created": created}
    return render(request, "web/accounts/list.html", context, status=status)


@require_http_methods(["GET", "POST"])
def account_detail(request: HttpRequest, username: str) -> HttpResponse:
    _admin_only(request)
    account = next((a for a in users.users_list() if a.username == username), None)
    if account is None:
        deny(request, f"account {username}"[:300], hide=True)
    initial = {"role": account.role.value if account.role else "", "organisation": account.organisation}
    form, password, status, done, problem = RoleForm(initial=initial), None, 200, "", ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "role":
                form = RoleForm(request.POST)
                if form.is_valid():
                    users.user_set_role(
                        username=username,
                        role=form.cleaned_data["role"],
                        organisation=form.cleaned_data["organisation"],
                        by=request.user,
                        path=request.path,
                    )
                    done = _("Role saved.")
                else:
                    status = 400
            elif action in ("deactivate", "activate"):
                users.user_set_active(
                    username=username, active=action == "activate", by=request.user, path=request.path
                )
                done = _("Account deactivated.") if action == "deactivate" else _("Account activated.")
            elif action == "reset":
                password = users.user_reset_access(username=username, by=request.user, path=request.path)
            else:
                status = 400
        except users.AccountError as error:
            problem, status = str(error), 400
        account = next(a for a in users.users_list() if a.username == username)
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCOUNT, object__startswith=f"{username}:")[:20]
    context = {
        "account": account,
        "form": form,
        "password": password,
        "done": done,
        "problem": problem,
        "events": events,
    }
    return render(request, "web/accounts/detail.html", context, status=status)
