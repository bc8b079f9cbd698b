"""Roster import in four steps (upload, map, check, import) with a live progress bar, the
error report, and the template for unions that start fresh."""

from __future__ import annotations

import io
import tempfile
import uuid
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core.http import request_user
from gonghui.core.permissions import Perm
from gonghui.core.scoping import require
from gonghui.orgs import selectors
from gonghui.orgs.forms import CommitForm, MappingForm, UploadForm
from gonghui.orgs.models import ImportState, RosterImport
from gonghui.orgs.roster import exporting, importing
from gonghui.orgs.roster.reading import read_preview

PREVIEW_ERRORS = 200


def _import_for(request: HttpRequest, pk: uuid.UUID) -> RosterImport:
    """An import is its uploader's own; anyone else gets a 404."""
    item = (
        RosterImport.objects.select_related("org", "progress")
        .filter(pk=pk, owner_id=request.user.pk)
        .first()
    )
    if item is None:
        raise Http404
    return item


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    require(actor, Perm.MEMBER_MANAGE)
    unions = selectors.unions_for(actor)
    form = UploadForm(request.POST or None, request.FILES or None, initial={"org": unions.first()})
    form.fields["org"].queryset = unions  # type: ignore[attr-defined]  # ModelChoiceField
    if request.method == "POST" and form.is_valid():
        try:
            item = importing.roster_upload(
                actor=actor, org=form.cleaned_data["org"], upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("orgs:roster_map", pk=item.pk)
    recent = RosterImport.objects.filter(owner=actor).select_related("org")[:10]
    return render(request, "orgs/roster_upload.html", {"form": form, "recent": recent})


@login_required
@require_http_methods(["GET", "POST"])
def map_columns(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    item = _import_for(request, pk)
    form = MappingForm(request.POST or None, headers=item.headers, mapping=item.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            importing.roster_map(actor=request_user(request), item=item, mapping=form.mapping())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("orgs:roster_check", pk=item.pk)
    context = {
        "item": item,
        "form": form,
        "preview": read_preview(Path(item.file.path), item.header_row),
    }
    return render(request, "orgs/roster_map.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The check's progress, then its findings and the choice of how to import."""
    item = _import_for(request, pk)
    form = CommitForm(request.POST or None, initial={"mode": "all" if not item.errors else "valid"})
    if request.method == "POST" and form.is_valid():
        try:
            importing.roster_commit(
                actor=request_user(request), item=item, mode=form.cleaned_data["mode"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("orgs:roster_check", pk=item.pk)
    context = {
        "item": item,
        "form": form,
        "errors": item.errors[:PREVIEW_ERRORS],
        "more_errors": max(0, len(item.errors) - PREVIEW_ERRORS),
        "checked": item.state == ImportState.CHECKED,
    }
    return render(request, "orgs/roster_check.html", context)


@login_required
@require_GET
def error_report(request: HttpRequest, pk: uuid.UUID) -> HttpResponseBase:
    item = _import_for(request, pk)
    if not item.errors:
        raise Http404
    out = tempfile.TemporaryFile()  # noqa: SIM115  # FileResponse closes it, and it vanishes
    exporting.error_report(Path(item.file.path), item.header_row, item.errors, out)
    out.seek(0)
    stem = Path(item.file_name).stem
    return FileResponse(out, as_attachment=True, filename=f"{stem}-错误报告.xlsx")


@login_required
@require_GET
def template(request: HttpRequest) -> HttpResponseBase:
    require(request.user, Perm.MEMBER_MANAGE)
    out = io.BytesIO()
    exporting.template_workbook(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename="会员花名册模板.xlsx")
