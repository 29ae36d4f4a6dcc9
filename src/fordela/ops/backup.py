"""Backup and restore of everything an organisation would lose, in one deterministic JSON file.

Every model of every app is included (new models of any app are covered without a change
here) except what is rebuilt or worthless after a restore: content types and permissions
(`migrate` makes them; references to them are written by natural key), sessions, login-attempt
records (django-axes), worker heartbeats, and document jobs (their files are made again on
request). Rows are written app by app in dependency order, each table ordered by primary key,
with primary keys kept: a backup of a restored database is byte for byte the same file.

The file names the applied migrations; a restore needs the same schema (run the same fordela
version's `migrate`, which `fordela restore` does itself) and an empty database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model

FORMAT = "fordela-backup"
VERSION = 1
LEFT_OUT_APPS = frozenset({"contenttypes", "sessions", "axes", "admin"})
# cycle.acrosssummary: derived from the cycle, made again on first use (fordela.cycle.summaries).
LEFT_OUT_MODELS = frozenset({"auth.permission", "jobs.job", "jobs.workerheartbeat", "cycle.acrosssummary"})


class BackupError(ValueError):
    """A restore that cannot be done (another schema, a database that is not empty)."""


def backed_up_models() -> list[type[Model]]:
    """The models in the backup, in an order in which they can be loaded."""
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.app_label not in LEFT_OUT_APPS
        and model._meta.label_lower not in LEFT_OUT_MODELS
        and model._meta.managed
        and not model._meta.proxy
    ]
    app_list = {}
    for model in chosen:
        app_list.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)
    ordered = serializers.sort_dependencies(app_list.items(), allow_cycles=True)
    return [m for m in ordered if m in chosen]


def _migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def backup_write(*, path: Path) -> dict[str, int]:
    """Write the backup to `path`; returns rows per model."""
    counts: dict[str, int] = {}
    tables = []
    with transaction.atomic():  # one consistent snapshot (REPEATABLE READ not needed: one statement per table)
        for model in backed_up_models():
            rows = model._default_manager.order_by("pk")
            text = serializers.serialize("json", rows, use_natural_foreign_keys=True)
            objects = json.loads(text)
            counts[model._meta.label_lower] = len(objects)
            tables.append({"model": model._meta.label_lower, "rows": objects})
    document = {"format": FORMAT, "version": VERSION, "migrations": _migrations(), "tables": tables}
    content = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    temporary.write_text(content, encoding="utf-8")
    temporary.replace(path)  # never a half-written backup under the real name
    return counts


def _read(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{path} is not a readable fordela backup: {error}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("version") != VERSION:
        raise BackupError(f"{path} is not a fordela backup (format {FORMAT} version {VERSION})")
    return document


def backup_restore(*, path: Path) -> dict[str, int]:
    """Load the backup at `path` into this (migrated, empty) database; returns rows per model."""
    document = _read(path)
    if document["migrations"] != _migrations():
        raise BackupError(
            "the backup was made with another database schema: restore it with the fordela version "
            "that made it (then upgrade), or migrate this database to the same migrations"
        )
    models = {m._meta.label_lower: m for m in backed_up_models()}
    unknown = [t["model"] for t in document["tables"] if t["model"] not in models]
    if unknown:
        raise BackupError(f"the backup has tables this version does not know: {', '.join(unknown)}")
    not_empty = [label for label, model in models.items() if model._default_manager.exists()]
    if not_empty:
        raise BackupError(f"restore needs an empty database; these tables have rows: {', '.join(not_empty)}")
    counts: dict[str, int] = {}
    with transaction.atomic(), connection.constraint_checks_disabled():
        for table in document["tables"]:
            text = json.dumps(table["rows"])
            for obj in serializers.deserialize("json", text, handle_forward_references=True):
                obj.save()
            counts[table["model"]] = len(table["rows"])
        connection.check_constraints()
        # Sequences continue after the restored primary keys.
        statements = connection.ops.sequence_reset_sql(no_style(), list(models.values()))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    return counts
