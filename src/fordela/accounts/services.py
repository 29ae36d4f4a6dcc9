"""Writes of accounts: the demo accounts, one per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from fordela.accounts.models import Profile, Role

DEMO_PASSWORD = "fordela-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: Role
    organisation: str


DEMO_ACCOUNTS = (
    DemoAccount("alice", "Alice Andersson", Role.SUPPLIER_EDITOR, "intraservice"),
    DemoAccount("fatima", "Fatima Said", Role.SUPPLIER_EDITOR, "dms"),
    DemoAccount("bob", "Bob Berg", Role.COORDINATOR, ""),
    DemoAccount("charlie", "Charlie Carlsson", Role.CUSTOMER_VIEWER, "grundskola"),
    DemoAccount("gustav", "Gustav Gran", Role.CUSTOMER_VIEWER, "forskola"),
    DemoAccount("dana", "Dana Dahl", Role.FINANCE, ""),
    DemoAccount("erik", "Erik Ek", Role.ADMIN, ""),
)


@transaction.atomic
def demo_accounts_create(*, password: str = DEMO_PASSWORD) -> tuple[DemoAccount, ...]:
    """Create the demo accounts that do not exist yet. For demonstrations only; never in production.

    An existing user of the same name is left as it is (password, role, organisation): loading
    the demo must never reopen an account someone has secured.
    """
    users = get_user_model()
    for account in DEMO_ACCOUNTS:
        first, _, last = account.full_name.partition(" ")
        user, created = users.objects.get_or_create(username=account.username)
        if not created:
            continue
        user.first_name, user.last_name = first, last
        user.email = f"{account.username}@demo.fordela.invalid"  # a reserved domain: mail reaches no one
        user.is_staff = account.role is Role.ADMIN
        user.set_password(password)
        user.save()
        Profile.objects.update_or_create(
            user=user, defaults={"role": account.role, "organisation": account.organisation}
        )
    return DEMO_ACCOUNTS
