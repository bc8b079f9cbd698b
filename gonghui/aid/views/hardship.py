"""Hardship file pages (R8, R9): list, open, re-check, close, spot check, living lines. Every
write goes through gonghui.aid.services.hardship; reads are scoped to hardship.manage."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.aid.forms.hardship import (
    SHOWN_MEMBERS,
    CloseForm,
    FileFilterForm,
    FileOpenForm,
    FinancesForm,
    LivingLineForm,
    MemberFormSet,
    RecheckForm,
    SpotCheckForm,
)
from gonghui.aid.models import HardshipFile, HouseholdMember, LivingLine, SpotCheck
from gonghui.aid.selectors import (
    applications_of_household,
    districts_for,
    file_get_for,
    files_for,
    living_lines_for,
)
from gonghui.aid.services import hardship
from gonghui.core.http import request_user
from gonghui.core.models import Org, User
from gonghui.core.money import format_yuan
from gonghui.core.pagination import CappedPaginator
from gonghui.core.permissions import Perm
from gonghui.core.scoping import Actor, actor_can, orgs_for, require
from gonghui.orgs.selectors import org_roots_for, union_choices, unions_for

PAGE_SIZE = 50


def _top_orgs(actor: Actor) -> list[Org]:
    return sorted(org_roots_for(actor, Perm.HARDSHIP_MANAGE), key=lambda o: (o.level, o.path))


# --- The list -----------------------------------------------------------------------------------


@login_required
@require_GET
def file_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    require(actor, Perm.HARDSHIP_MANAGE)
    form = FileFilterForm(request.GET or None, initial={"state": "open"})
    filters = form.cleaned_data if form.is_valid() else {}
    state = filters.get("state", "open") if request.GET else "open"
    rows = files_for(actor)
    if state:
        rows = rows.filter(is_open=state == "open")
    if category := filters.get("category"):
        rows = rows.filter(category=category)
    if filters.get("spot"):
        rows = rows.filter(spot_checks__year=timezone.localdate().year)
    if q := (filters.get("q") or "").strip():
        named = HouseholdMember.objects.filter(relation="self", name__icontains=q)
        rows = rows.filter(Q(number__icontains=q) | Q(pk__in=named.values("file_id")))
    page = CappedPaginator(rows.order_by("-opened_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "year": timezone.localdate().year,
        "top_orgs": _top_orgs(actor),
        "can_set_lines": actor_can(actor, Perm.AID_MANAGE),
        "lines": living_lines_for(actor, timezone.localdate().year),
    }
    return render(request, "aid/hardship/files.html", context)


# --- Opening a file -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def file_new(request: HttpRequest) -> HttpResponse:
    """A household's file: the union, its members (the worker first), finances and causes.
    Refusals (R8 second file, R9 named refusals or income too high) show as form errors."""
    actor = request_user(request)
    require(actor, Perm.HARDSHIP_MANAGE)
    unions = unions_for(actor, Perm.HARDSHIP_MANAGE)
    data = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {"homes_owned": 0}
    if len(choices := union_choices(unions)) == 1 and len(choices[0][1]) == 1:
        initial["union"] = choices[0][1][0][0]
    form = FileOpenForm(data, initial=initial)
    union_field: Any = form.fields["union"]
    union_field.queryset = unions
    union_field.widget.choices = [("", "—"), *choices]
    members = MemberFormSet(data, prefix="members")
    form_ok = data is not None and form.is_valid()
    members_ok = data is not None and members.is_valid()
    if form_ok and members_ok:
        try:
            file = hardship.hardship_file_open(
                actor=actor,
                org=form.cleaned_data["union"],
                members=members.members(),
                finances=form.finances(),
                housing=form.cleaned_data["housing"],
                causes=form.cleaned_data["causes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                _("File %(number)s is opened: %(category)s.")
                % {"number": file.number, "category": file.get_category_display()},
            )
            return redirect("aid:file", pk=file.pk)
    # Rows past the first few stay folded unless they hold something.
    shown = max([SHOWN_MEMBERS] + [i + 1 for i, f in enumerate(members.forms) if f.has_changed()])
    context = {
        "form": form,
        "members": members,
        "shown_rows": list(enumerate(members.forms[:shown], 1)),
        "more_rows": list(enumerate(members.forms[shown:], shown + 1)),
        "has_errors": data is not None,  # a POST that did not redirect
    }
    return render(request, "aid/hardship/file_new.html", context)


# --- One file -------------------------------------------------------------------------------------


def _file_page(
    request: HttpRequest,
    file: HardshipFile,
    *,
    recheck_form: RecheckForm | None = None,
    close_form: CloseForm | None = None,
) -> HttpResponse:
    try:
        line = hardship.living_line(file.district, timezone.localdate().year)
    except ValidationError:
        line = None
    recheck_initial = FinancesForm.initial_from(file) | {"annual_income": file.annual_income}
    context = {
        "file": file,
        "members": file.members.order_by("pk"),
        "checks": file.checks.select_related("checked_by"),
        "applications": applications_of_household(file),
        "spot_years": list(file.spot_checks.order_by("-year").values_list("year", flat=True)),
        "line": line,
        "line_twice": line * 2 if line is not None else None,
        "year": timezone.localdate().year,
        "recheck_form": recheck_form or RecheckForm(initial=recheck_initial),
        "close_form": close_form or CloseForm(),
    }
    return render(request, "aid/hardship/file.html", context)


@login_required
@require_GET
def file_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _file_page(request, file_get_for(request_user(request), pk))


@login_required
@require_POST
def file_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    """The yearly re-check; bad figures re-render the file page with the form's messages."""
    actor = request_user(request)
    file = file_get_for(actor, pk)
    form = RecheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The re-check is not saved: correct the figures below."))
        return _file_page(request, file, recheck_form=form)
    try:
        check = hardship.hardship_file_recheck(
            actor=actor,
            file=file,
            annual_income=form.cleaned_data["annual_income"],
            finances=form.finances(),
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        if check.still_qualifies:
            file.refresh_from_db(fields=["per_head"])
            messages.success(
                request,
                _("Re-checked: %(category)s, %(per_head)s a head a month.")
                % {
                    "category": check.get_category_display(),
                    "per_head": format_yuan(file.per_head),
                },
            )
        else:
            messages.warning(
                request,
                _("Re-checked: the household no longer qualifies, so the file is closed."),
            )
    return redirect("aid:file", pk=file.pk)


@login_required
@require_POST
def file_close(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    file = file_get_for(actor, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The file is not closed: say why below."))
        return _file_page(request, file, close_form=form)
    try:
        hardship.hardship_file_close(
            actor=actor,
            file=file,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(request, _("File %(number)s is closed.") % {"number": file.number})
    return redirect("aid:file", pk=file.pk)


# --- Spot check -----------------------------------------------------------------------------------


@login_required
@require_POST
def spot_check(request: HttpRequest) -> HttpResponse:
    """Draws this year's spot check (at least 30% of open files) in the actor's top org, or
    in the org chosen."""
    actor = request_user(request)
    require(actor, Perm.HARDSHIP_MANAGE)
    form = SpotCheckForm(request.POST)
    form.fields["org"].queryset = orgs_for(actor, Perm.HARDSHIP_MANAGE)  # type: ignore[attr-defined]  # ModelChoiceField
    if not form.is_valid():
        raise Http404
    org: Org | None = form.cleaned_data["org"] or next(iter(_top_orgs(actor)), None)
    if org is None:
        raise Http404
    year = timezone.localdate().year
    try:
        drawn = hardship.spot_check_draw(actor=actor, org=org, year=year)
    except PermissionDenied as exc:
        raise Http404 from exc
    in_org = Q(file__org__path__startswith=org.path)
    listed = SpotCheck.objects.filter(in_org, year=year).count()
    open_files = HardshipFile.objects.filter(org__path__startswith=org.path, is_open=True).count()
    if drawn:
        text = ngettext(
            "%(count)d file drawn for the %(year)d spot check at %(org)s: %(listed)d of "
            "%(open)d open files are on the list.",
            "%(count)d files drawn for the %(year)d spot check at %(org)s: %(listed)d of "
            "%(open)d open files are on the list.",
            len(drawn),
        )
    else:
        text = _(
            "No file drawn: %(listed)d of %(open)d open files at %(org)s are already on the "
            "%(year)d spot-check list."
        )
    values = {"count": len(drawn), "year": year, "org": org.name, "listed": listed}
    messages.success(request, text % (values | {"open": open_files}))
    return redirect("aid:files")


# --- Minimum-living lines -------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@login_required
@require_http_methods(["GET", "POST"])
def living_lines(request: HttpRequest) -> HttpResponse:
    """The districts' minimum-living lines (低保标准) that R9 computes against."""
    actor: User = request_user(request)
    require(actor, Perm.AID_MANAGE)
    districts = districts_for(actor)
    year = timezone.localdate().year
    initial: dict[str, Any] = {"year": _int(request.GET.get("year")) or year}
    if chosen := _int(request.GET.get("district")):
        initial["district"] = chosen
        line = LivingLine.objects.filter(
            org_id=chosen, org__in=districts, year=initial["year"]
        ).first()
        if line is not None:
            initial["monthly"] = line.monthly
    form = LivingLineForm(request.POST or None, initial=initial)
    form.fields["district"].queryset = districts  # type: ignore[attr-defined]  # ModelChoiceField
    if request.method == "POST" and form.is_valid():
        try:
            saved = hardship.living_line_set(
                actor=actor,
                district=form.cleaned_data["district"],
                year=form.cleaned_data["year"],
                monthly=form.cleaned_data["monthly"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                _("Minimum-living line of %(district)s for %(year)d: %(amount)s a month.")
                % {
                    "district": saved.org.name,
                    "year": saved.year,
                    "amount": format_yuan(saved.monthly),
                },
            )
            return redirect("aid:living_lines")
    lines = list(
        LivingLine.objects.filter(org__in=districts)
        .select_related("org")
        .order_by("-year", "org__code")
    )
    has_line = {line.org_id for line in lines if line.year == year}
    context = {
        "form": form,
        "lines": lines,
        "year": year,
        "missing": [d.name for d in districts if d.pk not in has_line],
    }
    return render(request, "aid/hardship/living_lines.html", context)


urlpatterns: list[URLPattern] = [
    path("files/", file_list, name="files"),
    path("files/new/", file_new, name="file_new"),
    path("files/spot-check/", spot_check, name="spot_check"),
    path("files/<int:pk>/", file_page, name="file"),
    path("files/<int:pk>/recheck/", file_recheck, name="file_recheck"),
    path("files/<int:pk>/close/", file_close, name="file_close"),
    path("living-lines/", living_lines, name="living_lines"),
]
