"""Backup → empty database → restore → backup is byte for byte the same file, and a restored
database still knows which periods were exported to SIE."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from fordela.billing.models import ExportBatch, InvoicingFreeze
from fordela.billing.services import BillingError, invoice_export_sie, invoice_freeze, outcome_record
from fordela.cli import main
from fordela.engine.model import Period
from fordela.ops.backup import BackupError, backup_restore, backup_write

CODE = "goteborg-2026"
pytestmark = pytest.mark.django_db(transaction=True)


def _history(demo) -> None:
    """A database with something of everything: cycle, accounts, audit, history, a thread,
    an invoicing freeze exported to SIE."""
    from fordela.accounts.services import demo_accounts_create
    from fordela.accounts.users import user_create
    from fordela.catalogue.models import Cycle
    from fordela.consultation.services import thread_open
    from fordela.cycle.services import cycle_import

    cycle_import(data=demo)
    demo_accounts_create()
    users = get_user_model().objects
    user_create(username="nora", role="finance", full_name="Nora Nilsson")
    cycle = Cycle.objects.get(code=CODE)
    outcome_record(cycle=cycle, service="kontaktcenter", year=2025, amount=41_000_000_00)
    thread_open(
        cycle=cycle,
        by=users.get(username="charlie"),
        proposal="is-ai-infrastruktur",
        organisation="grundskola",
        text="Varför?",
    )
    dana = users.get(username="dana")
    freeze = invoice_freeze(cycle=CODE, year=2026, period=Period.Q1, scenario="coordination_group", user=dana)
    invoice_export_sie(freeze=freeze, company="Göteborgs Stad", user=dana)


def test_backup_restore_backup_is_byte_for_byte_the_same(demo, tmp_path):
    _history(demo)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    counts = backup_write(path=first)
    for label in (
        "billing.exportbatch",
        "billing.frozenline",
        "history.changerecord",
        "consultation.thread",
        "accounts.auditevent",
        "cycle.review",
        "cycle.scenario",
        "catalogue.drivervalue",
    ):
        assert counts[label] > 0, label

    call_command("flush", interactive=False, verbosity=0)
    assert not InvoicingFreeze.objects.exists()
    assert backup_restore(path=first) == counts
    backup_write(path=second)
    assert second.read_bytes() == first.read_bytes()

    # The period exported before the backup is still known as exported: no second batch.
    freeze = InvoicingFreeze.objects.get()
    with pytest.raises(BillingError, match="redan exporterats"):
        invoice_export_sie(freeze=freeze, company="Göteborgs Stad")
    assert ExportBatch.objects.count() == 1
    # New rows continue after the restored keys (sequences were reset).
    from fordela.catalogue.models import Cycle

    outcome_record(cycle=Cycle.objects.get(code=CODE), service="kontaktcenter", year=2024, amount=1)

    # A restore never mixes into data that is there.
    with pytest.raises(BackupError, match="empty database"):
        backup_restore(path=first)


def test_the_commands_write_and_refuse(demo, tmp_path, capsys):
    from fordela.cycle.services import cycle_import

    cycle_import(data=demo)
    path = tmp_path / "b.json"
    assert main(["backup", str(path)]) == 0
    assert "backed up" in capsys.readouterr().err
    assert main(["restore", str(path)]) == 2
    assert "empty database" in capsys.readouterr().err
    (tmp_path / "junk.json").write_text("{}")
    assert main(["restore", str(tmp_path / "junk.json")]) == 2
    assert "not a fordela backup" in capsys.readouterr().err
