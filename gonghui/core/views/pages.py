"""Home, the audit log and the working-day calendar."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core import selectors, services
from gonghui.core.forms import AuditFilterForm, CalendarYearForm, WorkdayCalculatorForm
from gonghui.core.models import AuditEntry, Notification, User
from gonghui.core.navigation import NAV
from gonghui.core.notify import notifications_read
from gonghui.core.pagination import CappedPaginator
from gonghui.core.permissions import ROLES, Perm
from gonghui.core.progress import get_progress_for
from gonghui.core.scoping import actor_can, orgs_for, require, roles_of
from gonghui.core.workdays import (
    CC_LAST_YEAR,
    add_working_days,
    working_days_between,
    year_sources,
)

AUDIT_PAGE_SIZE = 50


@login_required
@require_GET
def progress(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The live progress bar of one piece of long work (polled by htmx)."""
    item = get_progress_for(request.user, pk)
    response = render(request, "core/_partials/progress.html", {"progress": item})
    if item.finished and request.headers.get("HX-Request") == "true":
        # The page around the bar shows the work's outcome: htmx reloads it once.
        response["HX-Refresh"] = "true"
    return response


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    require(user, Perm.HOME_VIEW)
    today = timezone.localdate()
    context = {
        "roles": [(ROLES[a.role].label, a.org) for a in roles_of(user)],
        "cards": [item for item in NAV[1:] if actor_can(user, item.perm)],
        "today": today,
        "notice_end": add_working_days(today, 5),
    }
    return render(request, "core/home.html", context)


@login_required
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    require(user, Perm.AUDIT_VIEW)
    form = AuditFilterForm(request.GET or None)
    form.fields["org"].queryset = orgs_for(user, Perm.AUDIT_VIEW)  # type: ignore[attr-defined]  # ModelChoiceField
    entries: QuerySet[AuditEntry]
    if request.GET and not form.is_valid():
        entries = AuditEntry.objects.none()  # say what is wrong rather than show everything
        filters: dict[str, Any] = {}
    else:
        filters = form.cleaned_data if request.GET else {}
        entries = selectors.audit_entries_for(
            actor=user,
            action=filters.get("action") or "",
            org=filters.get("org"),
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
    page = CappedPaginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "core/audit.html#results" if _is_htmx(request) else "core/audit.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    require(user, Perm.CALENDAR_VIEW)
    today = timezone.localdate()
    form = WorkdayCalculatorForm(request.GET or None, initial={"start": today, "days": 5})
    result = count = None
    if request.GET and form.is_valid():
        start: dt.date = form.cleaned_data["start"]
        result = add_working_days(start, form.cleaned_data["days"])
        end: dt.date | None = form.cleaned_data.get("end")
        if end is not None:
            count = working_days_between(start, end)
    years = year_sources(range(today.year - 1, today.year + 3))
    context = {
        "form": form,
        "result": result,
        "count": count,
        "years": [(year, source) for year, source in years.items()],
        "packaged_until": CC_LAST_YEAR,
        "can_manage": actor_can(user, Perm.CALENDAR_MANAGE),
    }
    template = "core/calendar.html#result" if _is_htmx(request) else "core/calendar.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    require(user, Perm.CALENDAR_MANAGE)
    if not 2000 <= year <= 2100:
        raise Http404
    existing = selectors.calendar_year_for(year=year)
    initial: dict[str, object] = {"year": year}
    if existing is not None:
        days = list(existing.days.all())
        initial |= {
            "holidays": "\n".join(f"{d.date} {d.name}" for d in days if not d.is_workday),
            "workdays": "\n".join(f"{d.date} {d.name}" for d in days if d.is_workday),
            "source_note": existing.source_note,
        }
    form = CalendarYearForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.calendar_year_enter(
                actor=user,
                year=form.cleaned_data["year"],
                holidays=form.cleaned_data["holidays_parsed"],
                workdays=form.cleaned_data["workdays_parsed"],
                source_note=form.cleaned_data["source_note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            require(user, Perm.CALENDAR_MANAGE)
        else:
            messages.success(
                request,
                _("The official arrangement for %(year)d is saved.")
                % {"year": form.cleaned_data["year"]},
            )
            return redirect("core:calendar")
    return render(
        request, "core/calendar_year.html", {"form": form, "year": year, "existing": existing}
    )


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    """The person's in-app inbox; opening it (or the button) marks everything read."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    items = list(Notification.objects.filter(recipient=user)[:100])
    if request.method == "POST":
        notifications_read(actor=user)
        return redirect("core:notifications")
    return render(request, "core/notifications.html", {"items": items})
