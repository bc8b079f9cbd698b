"""Studio pages (R15): the list, proposing a studio, a studio's record with its naming,
projects and subsidies, and the annual review with its outcomes. Every write goes through
gonghui.innovation.services.studios; reads through selectors_studios."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.http import request_user, run_step
from gonghui.core.models import Org
from gonghui.core.pagination import CappedPaginator
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can, grants_for, orgs_for, require
from gonghui.innovation import selectors_studios as select
from gonghui.innovation.forms_studios import (
    OutcomeForm,
    ProjectForm,
    ReviewRoundForm,
    StudioFilterForm,
    StudioProposeForm,
    SubsidyForm,
)
from gonghui.innovation.models import (
    MemberState,
    ReviewOutcome,
    Studio,
    StudioProject,
    StudioReview,
    StudioState,
    SubsidyKind,
)
from gonghui.innovation.services import alliance as alliance_services
from gonghui.innovation.services import studios as services
from gonghui.orgs.models import CURRENT_STATES, Person
from gonghui.orgs.selectors import unions_for
from gonghui.review.models import CaseState
from gonghui.scoring.models import PanelState, Result

PAGE_SIZE = 50


@login_required
@require_GET
def studio_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    require(actor, Perm.INNOVATION_VIEW)
    form = StudioFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = select.studios_for(
        actor,
        level=filters.get("level", ""),
        field=filters.get("field", ""),
        state=filters.get("state", ""),
        q=(filters.get("q") or "").strip(),
    )
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_propose": actor_can(actor, Perm.CASE_OPEN),
        "can_manage": actor_can(actor, Perm.INNOVATION_MANAGE),
    }
    return render(request, "innovation/studios/list.html", context)


def _leaders(unions: QuerySet[Org]) -> QuerySet[Person]:
    """People with a recorded title who are members of the actor's unions."""
    return (
        Person.objects.filter(
            titles__isnull=False,
            memberships__org__in=unions,
            memberships__state__in=CURRENT_STATES,
        )
        .distinct()
        .prefetch_related("titles")
        .order_by("name", "pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def studio_new(request: HttpRequest) -> HttpResponse:
    """A host union proposes a studio; the naming case goes up at once (R15, R5)."""
    actor = request_user(request)
    require(actor, Perm.CASE_OPEN)
    unions = unions_for(actor, Perm.CASE_OPEN)
    form = StudioProposeForm(request.POST or None)
    org_field: object = form.fields["org"]
    leader_field: object = form.fields["leader"]
    org_field.queryset = unions  # type: ignore[attr-defined]  # a ModelChoiceField
    leader_field.queryset = _leaders(unions)  # type: ignore[attr-defined]  # a ModelChoiceField
    leader_field.label_from_instance = lambda p: (  # type: ignore[attr-defined]
        f"{p.name} · {', '.join(str(t) for t in p.titles.all())}"
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        studio = run_step(
            request,
            lambda: services.studio_propose(
                actor=actor,
                org=data["org"],
                name=data["name"],
                level=data["level"],
                field=data["field"],
                leader=data["leader"],
                premises=data["premises"],
            ),
        )
        if studio is not None:
            messages.success(request, _("The studio is proposed and its naming sent for review."))
            return redirect("innovation:studio", pk=studio.pk)
    return render(request, "innovation/studios/new.html", {"form": form})


def _waits_for(actor: object, studio: Studio) -> bool:
    case = studio.case
    return (
        case is not None
        and case.state == CaseState.UNDER_REVIEW
        and any(g.org_id == case.reviewing_org_id for g in grants_for(actor, Perm.CASE_REVIEW))  # type: ignore[arg-type]
    )


def _detail(
    request: HttpRequest, studio: Studio, project_form: ProjectForm | None = None
) -> HttpResponse:
    actor = request_user(request)
    year = timezone.localdate().year
    can_manage = actor_can(actor, Perm.INNOVATION_MANAGE, studio.org)
    can_host = can_manage or actor_can(actor, Perm.CASE_OPEN, studio.org)
    record = select.studio_record(studio)
    context = {
        "studio": studio,
        "record": record,
        "can_join": can_host
        and studio.state == StudioState.NAMED
        and (record.seat is None or record.seat.state == MemberState.REFUSED),
        "year": year,
        "can_host": can_host,
        "can_manage": can_manage,
        "can_approve": _waits_for(actor, studio),
        "can_publish": studio.case is not None
        and studio.case.state == CaseState.APPROVED
        and actor_can(actor, Perm.CASE_REVIEW, studio.org),
        "delisted": studio.state == StudioState.DELISTED,
        "named": studio.state == StudioState.NAMED,
        "project_form": project_form or ProjectForm(),
        "project_open": project_form is not None,
        "subsidy_form": SubsidyForm(),
        "granted_this_year": any(s.year == year for s in record.subsidies),
        "subsidy_amounts": {
            kind.label: services.subsidy_amount(org=studio.org, year=year, kind=kind)
            for kind in SubsidyKind
        },
    }
    return render(request, "innovation/studios/detail.html", context)


@login_required
@require_GET
def studio_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, select.studio_get_for(request_user(request), pk))


@login_required
@require_POST
def studio_approve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    studio = select.studio_get_for(actor, pk)
    done = run_step(
        request,
        lambda: services.studio_naming_approve(
            actor=actor, studio=studio, reason=request.POST.get("reason", "")
        ),
    )
    if done is not None:
        messages.success(request, _("Approved."))
    return redirect("innovation:studio", pk=pk)


@login_required
@require_POST
def studio_publish(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    studio = select.studio_get_for(actor, pk)
    notice = run_step(
        request, lambda: services.studio_notice_publish(actor=actor, studios=[studio])
    )
    if notice is not None:
        messages.success(request, _("The public notice is published."))
    return redirect("innovation:studio", pk=pk)


@login_required
@require_POST
def project_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    studio = select.studio_get_for(actor, pk)
    form = ProjectForm(request.POST)
    if not form.is_valid():
        return _detail(request, studio, form)
    data = form.cleaned_data
    try:
        services.project_register(
            actor=actor,
            studio=studio,
            year=data["year"],
            title=data["title"],
            kind=data["kind"],
            outcome=data["outcome"],
            value_created=data["value_created"],
            patents=data["patents"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _detail(request, studio, form)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("The project is registered."))
    return redirect("innovation:studio", pk=pk)


@login_required
@require_POST
def subsidy_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    studio = select.studio_get_for(actor, pk)
    form = SubsidyForm(request.POST)
    if form.is_valid():
        done = run_step(
            request,
            lambda: services.subsidy_grant(
                actor=actor,
                studio=studio,
                year=form.cleaned_data["year"],
                kind=form.cleaned_data["kind"],
            ),
        )
        if done is not None:
            messages.success(request, _("The subsidy is recorded."))
    else:
        messages.error(request, _("Give the year and the kind of subsidy."))
    return redirect("innovation:studio", pk=pk)


@login_required
@require_POST
def studio_join(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    studio = select.studio_get_for(actor, pk)
    seat = run_step(request, lambda: alliance_services.alliance_apply(actor=actor, studio=studio))
    if seat is not None:
        messages.success(request, _("The studio has applied to join the alliance."))
    return redirect("innovation:studio", pk=pk)


# --- The annual review ------------------------------------------------------------------------


def _review_orgs(actor: object) -> object:
    return (
        orgs_for(actor, Perm.INNOVATION_MANAGE)  # type: ignore[arg-type]
        .filter(level__lte=2)
        .order_by("path")
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_rounds(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    require(actor, Perm.INNOVATION_MANAGE)
    form = ReviewRoundForm(request.POST or None)
    org_field: object = form.fields["org"]
    org_field.queryset = _review_orgs(actor)  # type: ignore[attr-defined]  # a ModelChoiceField
    if request.method == "POST" and form.is_valid():
        org: Org = form.cleaned_data["org"]
        made = run_step(
            request,
            lambda: services.review_round_open(
                actor=actor, org=org, year=form.cleaned_data["year"]
            ),
        )
        if made is not None:
            messages.success(request, _("The annual review is open: judges mark on its panel."))
            return redirect("innovation:review_round", pk=made.pk)
    rounds = list(select.review_rounds_for(actor))
    return render(request, "innovation/studios/reviews.html", {"form": form, "rounds": rounds})


@dataclass(frozen=True)
class _Row:
    studio: Studio
    result: Result | None
    has_result: bool
    review: StudioReview | None


@login_required
@require_GET
def review_round_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    review_round = select.review_round_get_for(actor, pk)
    panel = services.round_panel(review_round)
    entries = list(panel.entries.order_by("label", "pk")) if panel else []
    results = (
        {r.entry_id: r for r in Result.objects.filter(panel=panel)} if panel is not None else {}
    )
    studios = Studio.objects.in_bulk([int(e.object_id) for e in entries if e.object_id])
    decided = {r.studio_id: r for r in review_round.reviews.all()}
    with_result = set(
        StudioProject.objects.filter(studio__in=list(studios), year=review_round.year).values_list(
            "studio_id", flat=True
        )
    )
    rows = [
        _Row(
            studio=studios[int(e.object_id)],
            result=results.get(e.pk),
            has_result=int(e.object_id) in with_result,
            review=decided.get(int(e.object_id)),
        )
        for e in entries
        if e.object_id and int(e.object_id) in studios
    ]
    # Studios still to decide first, then by rank: the page is where staff work through them.
    rows.sort(key=lambda r: (r.review is not None, r.result.rank if r.result else 0))
    counts = Counter(r.review.outcome for r in rows if r.review is not None)
    context = {
        "round": review_round,
        "panel": panel,
        "scored": panel is not None and panel.state != PanelState.OPEN,
        "rows": rows,
        "undecided": sum(1 for r in rows if r.review is None),
        "counts": [(label, counts.get(value, 0)) for value, label in ReviewOutcome.choices],
        "form": OutcomeForm(),
        "outcomes": ReviewOutcome,
    }
    return render(request, "innovation/studios/review_round.html", context)


@login_required
@require_POST
def review_outcome(request: HttpRequest, pk: int, studio_pk: int) -> HttpResponse:
    actor = request_user(request)
    review_round = select.review_round_get_for(actor, pk)
    studio = select.studio_get_for(actor, studio_pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the outcome; a deadline is a date."))
        return redirect("innovation:review_round", pk=pk)
    data = form.cleaned_data
    done = run_step(
        request,
        lambda: services.review_outcome_set(
            actor=actor,
            review_round=review_round,
            studio=studio,
            outcome=data["outcome"],
            fix_by=data["fix_by"],
            to_fix=data["to_fix"],
        ),
    )
    if done is not None:
        messages.success(request, _("%(studio)s: outcome recorded.") % {"studio": studio.name})
    return redirect("innovation:review_round", pk=pk)
