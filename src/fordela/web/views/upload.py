"""Upload an edited workbook or package: a preview of the differences (rows per table, every
organisation's bill), then *apply* as one change that keeps what the upload does not touch.

The file is read by the package's safe reader (fordela.package.reader: size limits, zip-bomb and
DTD checks, defusedxml) and kept, between the preview and the apply, under var/uploads with a
random name that only the uploader's session knows. Apply checks the cycle's revision against
the preview's (fordela.cycle.merge.cycle_merge): a cycle changed meanwhile is previewed again.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fordela.accounts.permissions import can_upload_package, deny
from fordela.cycle.merge import (
    MergePreview,
    StaleCycle,
    cycle_merge,
    diff_rows_table,
    diff_summary_table,
    merge_preview,
)
from fordela.cycle.validation import CycleInvalid
from fordela.package.errors import PackageError
from fordela.package.reader import read_package
from fordela.web.forms.analysis import friendly
from fordela.web.forms.catalogue import UploadForm
from fordela.web.tables import html_table
from fordela.web.views.common import cycle_view

SESSION_KEY = "fordela_upload"


KEEP_SECONDS = 24 * 3600  # an upload never applied is removed after a day


def _folder() -> Path:
    folder = Path(settings.HOME_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _clean() -> None:
    limit = time.time() - KEEP_SECONDS
    for path in _folder().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _stored(request: HttpRequest, cycle: str) -> dict[str, str] | None:
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("cycle") != cycle:
        return None
    return kept


def _forget(request: HttpRequest) -> None:
    kept = request.session.pop(SESSION_KEY, None)
    if isinstance(kept, dict) and str(kept.get("file", "")).isalnum():
        for path in _folder().glob(f"{kept['file']}.*"):
            path.unlink(missing_ok=True)


def _path(kept: dict[str, str]) -> Path | None:
    name = str(kept.get("file", ""))
    suffix = str(kept.get("suffix", ""))
    if not name.isalnum() or suffix not in (".xlsx", ".zip"):
        return None
    path = _folder() / f"{name}{suffix}"
    return path if path.exists() else None


def _preview_context(preview: MergePreview) -> dict[str, Any]:
    return {
        "summary": html_table(diff_summary_table(preview.diffs)) if preview.diffs else None,
        "diff_tables": [html_table(diff_rows_table(d)) for d in preview.diffs],
        "effect": html_table(preview.effect.table) if preview.effect.table else None,
        "effect_error": preview.effect.error_after,
        "revision": preview.revision,
    }


def catalogue_upload(request: HttpRequest, cycle: str) -> HttpResponse:
    view = cycle_view(cycle)
    if not can_upload_package(request.user):
        deny(request, f"upload to cycle {cycle}")
    context: dict[str, Any] = {"view": view, "problems": []}
    form = UploadForm()
    if request.method == "POST" and request.POST.get("action") == "apply":
        kept = _stored(request, cycle)
        path = _path(kept) if kept else None
        if kept is None or path is None or kept.get("file") != request.POST.get("upload"):
            messages.error(request, _("The uploaded file is no longer here: upload it again."))
            return redirect("catalogue_upload", cycle=cycle)
        try:
            data = read_package(path)
            text = request.POST.get("revision", "")
            revision = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0
            count = cycle_merge(
                cycle=view.cycle, data=data, expected_revision=revision, by=request.user, source=kept.get("name", "")
            )
        except StaleCycle:
            context["stale"] = True
            preview = merge_preview(cycle=view.cycle, data=data)
            context.update(_preview_context(preview))
            context["upload"], context["name"] = kept["file"], kept.get("name", "")
            return render(request, "web/catalogue/upload.html", {**context, "form": form}, status=409)
        except (PackageError, CycleInvalid) as error:
            context["problems"] = _problems(error)
        else:
            _forget(request)
            messages.success(request, _("The workbook is applied: %(count)s rows changed.") % {"count": count})
            return redirect("history", cycle=cycle)
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            _forget(request)
            _clean()
            upload = form.cleaned_data["file"]
            token, suffix = secrets.token_hex(16), Path(upload.name).suffix.lower()
            path = _folder() / f"{token}{suffix}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            request.session[SESSION_KEY] = {"cycle": cycle, "file": token, "suffix": suffix, "name": upload.name[:200]}
            try:
                preview = merge_preview(cycle=view.cycle, data=read_package(path))
            except (PackageError, CycleInvalid) as error:
                context["problems"] = _problems(error)
                _forget(request)
            else:
                context.update(_preview_context(preview))
                context["upload"], context["name"] = token, upload.name[:200]
                context["nothing_changed"] = preview.empty
    context["form"] = form
    return render(request, "web/catalogue/upload.html", context)


def _problems(error: Exception) -> list[str]:
    if isinstance(error, PackageError):
        return [str(p) for p in error.problems][:500]
    errors = getattr(error, "errors", {})
    return [friendly(message) for messages_ in errors.values() for message in messages_][:500]
