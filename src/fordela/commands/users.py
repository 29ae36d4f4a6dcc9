"""`fordela user add|set-role|deactivate|activate|reset|list`: accounts from the command line."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fordela.commands import common as cli
from fordela.reports.tables import Table


def cmd_user(args: argparse.Namespace) -> list[Table]:
    cli.django_setup()
    from fordela.accounts import users

    try:
        if args.action == "add":
            _, password = users.user_create(
                username=args.username,
                role=args.role,
                organisation=args.organisation or "",
                full_name=args.name or "",
                email=args.email or "",
            )
            print(f"created {args.username}; first password (hand it over once): {password}", file=sys.stderr)
        elif args.action == "set-role":
            users.user_set_role(username=args.username, role=args.role, organisation=args.organisation or "")
            print(f"{args.username} is now {args.role} {args.organisation or ''}".rstrip(), file=sys.stderr)
        elif args.action in ("deactivate", "activate"):
            users.user_set_active(username=args.username, active=args.action == "activate")
            print(f"{args.username} {args.action}d", file=sys.stderr)
        elif args.action == "reset":
            password = users.user_reset_access(username=args.username)
            print(f"new password for {args.username} (hand it over once): {password}", file=sys.stderr)
        else:
            return [_table(users.users_list())]
    except users.AccountError as error:
        raise cli.UserError(str(error)) from None
    return []


def _table(accounts: list[Any]) -> Table:
    from fordela.reports.tables import Col

    headings = (
        ("user", "användare"),
        ("name", "namn"),
        ("role", "roll"),
        ("organisation", "organisation"),
        ("active", "aktiv"),
        ("sign_in", "inloggning"),
    )
    columns = tuple(Col(key, label) for key, label in headings)
    rows = tuple(
        (
            a.username,
            a.full_name,
            a.role.value if a.role else "",
            a.organisation,
            "yes" if a.active else "no",
            "single sign-on" if a.single_sign_on else "password",
        )
        for a in accounts
    )
    return Table(title="users", columns=columns, rows=rows)


def register(sub: Any) -> None:
    from fordela.reports.render import FORMATS

    # The roles as fordela.accounts.models.Role spells them (no Django setup to build the parser).
    roles = "supplier_editor, coordinator, customer_viewer, finance, admin"

    p = sub.add_parser("user", help="administer accounts: add, set-role, deactivate, activate, reset, list")
    p.set_defaults(func=cmd_user)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = actions.add_parser("add", help="create an account (prints its first password)")
    a.add_argument("username")
    a.add_argument("--role", required=True, help=roles)
    a.add_argument("--organisation", help="for supplier_editor and customer_viewer")
    a.add_argument("--name", help="full name")
    a.add_argument("--email")
    a = actions.add_parser("set-role", help="assign role and organisation")
    a.add_argument("username")
    a.add_argument("role", help=roles)
    a.add_argument("--organisation")
    for name, text in (
        ("deactivate", "no more logins"),
        ("activate", "allow logins again"),
        ("reset", "new password, lockout lifted"),
    ):
        actions.add_parser(name, help=text).add_argument("username")
    a = actions.add_parser("list", help="every account with its role and organisation")
    a.add_argument("--format", choices=FORMATS, default="table")
