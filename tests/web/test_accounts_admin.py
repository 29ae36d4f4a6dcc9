"""Administrators manage accounts in the web and with `fordela user`; every change is audited."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from fordela.accounts.models import AuditEvent, Profile
from fordela.cli import main


def _password(html: str) -> str:
    return re.search(r"<code>([^<]+)</code>", html).group(1)


def test_only_administrators_see_the_accounts(as_user):
    assert as_user("erik").get("/konton/").status_code == 200
    for persona in ("bob", "dana", "charlie"):
        assert as_user(persona).get("/konton/").status_code == 403
        assert as_user(persona).get("/konton/bob/").status_code == 403
    assert AuditEvent.objects.filter(kind="refused", object="accounts").count() == 6


def test_an_administrator_creates_changes_deactivates_and_resets(as_user):
    erik = as_user("erik")
    page = erik.get("/konton/").content.decode()
    assert "Kundläsare" in page and "grundskola" in page  # who has what

    created = erik.post(
        "/konton/",
        {"username": "nora", "full_name": "Nora Nilsson", "role": "customer_viewer", "organisation": "grundskola"},
    )
    assert created.status_code == 200
    password = _password(created.content.decode())
    nora = Client()
    assert nora.post("/login/", {"username": "nora", "password": password}).status_code == 302
    assert Profile.objects.get(user__username="nora").organisation == "grundskola"

    assert erik.post("/konton/nora/", {"action": "role", "role": "finance", "organisation": ""}).status_code == 200
    assert Profile.objects.get(user__username="nora").role == "finance"

    assert erik.post("/konton/nora/", {"action": "deactivate"}).status_code == 200
    assert nora.get("/").status_code == 302  # the open session ends at the next request
    assert Client().post("/login/", {"username": "nora", "password": password}).status_code == 200

    erik.post("/konton/nora/", {"action": "activate"})
    reset = erik.post("/konton/nora/", {"action": "reset"}).content.decode()
    new_password = _password(reset)
    assert new_password != password
    assert Client().post("/login/", {"username": "nora", "password": new_password}).status_code == 302

    changes = list(AuditEvent.objects.filter(kind="account").order_by("at", "pk").values_list("username", "object"))
    assert [who for who, _ in changes] == ["erik"] * 5
    assert [what.split(": ", 1)[1].split(" ")[0] for _, what in changes] == [
        "created",
        "role",
        "deactivated",
        "activated",
        "access",
    ]


@pytest.mark.parametrize(
    "post",
    [
        {"username": "x y", "role": "finance"},
        {"username": "bob", "role": "finance"},  # taken
        {"username": "new", "role": "customer_viewer"},  # no organisation
        {"username": "new", "role": "finance", "organisation": "grundskola"},  # sees every organisation
        {"username": "new", "role": "emperor"},
        {"username": "new", "role": "customer_viewer", "organisation": "<script>"},
        {"username": "nul\x00name", "role": "finance"},
        {"username": "new", "role": "finance", "email": "not-an-address"},
    ],
)
def test_mistakes_are_refused_next_to_the_form(as_user, post):
    response = as_user("erik").post("/konton/", post)
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(kind="account").exists()


def test_hostile_account_urls_are_not_found(as_user):
    erik = as_user("erik")
    assert erik.get("/konton/nobody/").status_code == 404
    assert erik.get("/konton/%00%27/").status_code == 404
    assert erik.post("/konton/bob/", {"action": "explode"}).status_code == 400
    assert erik.post("/konton/erik/", {"action": "deactivate"}).status_code == 400  # not oneself


def test_the_command_line_does_the_same(demo_db, capsys):
    assert main(["user", "add", "olle", "--role", "supplier_editor", "--organisation", "dms"]) == 0
    assert "first password" in capsys.readouterr().err
    assert main(["user", "set-role", "olle", "coordinator"]) == 0
    assert main(["user", "deactivate", "olle"]) == 0
    assert main(["user", "set-role", "olle", "customer_viewer"]) == 2
    assert "företräder en organisation" in capsys.readouterr().err
    assert main(["user", "list", "--format", "csv"]) == 0
    listing = capsys.readouterr().out
    assert "olle,,coordinator,,no,password" in listing
    assert not get_user_model().objects.get(username="olle").is_active
    events = AuditEvent.objects.filter(kind="account", username="(kommandorad)").count()
    assert events == 3
