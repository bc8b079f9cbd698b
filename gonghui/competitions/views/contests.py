"""Contest pages for the people who run them and those who enter: the list with the subtree's
figures, a new contest, and the contest's page, where each step of its year is one button
(open registration, draw lots, open judging, publish, certificates, promotions)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.competitions import appeals, certificates, promotions, selectors, services
from gonghui.competitions.forms import TIERS, AppealForm, ContestForm
from gonghui.competitions.models import Contest, ContestState, EntryKind, JobType
from gonghui.core.http import request_user, run_step
from gonghui.core.models import Org, OrgKind, User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can, grants_for
from gonghui.orgs.models import SkillGradeChange
from gonghui.scoring import engine
from gonghui.scoring.models import Panel, PanelState


def _chart(rows: list[tuple[str, int]]) -> dict[str, list[Any]]:
    return {"labels": [r[0] for r in rows], "values": [r[1] for r in rows]}


@login_required
@require_GET
def contest_list(request: HttpRequest) -> HttpResponse:
    """Contests the actor sees, newest first; for those who run contests, the figures of their
    subtree (contests, job types, units, participant-times), for a year or all years."""
    actor = request_user(request)
    if not (actor_can(actor, Perm.CONTEST_VIEW) or actor_can(actor, Perm.CONTEST_MANAGE)):
        raise Http404
    contests = list(selectors.contests_for(actor)[:100])
    roots = selectors.statistics_roots(actor)
    year_raw = request.GET.get("year", "")
    year = int(year_raw) if year_raw.isdigit() and 2000 <= int(year_raw) <= 2100 else None
    figures = [selectors.contest_figures(org=org, year=year) for org in roots]
    context = {
        "contests": contests,
        "figures": figures,
        "year": year,
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        "level_chart": _chart(figures[0].by_level) if figures else None,
        "job_chart": _chart(figures[0].by_job_type) if figures else None,
        "can_create": bool(grants_for(actor, Perm.CONTEST_MANAGE)),
        "entries": list(selectors.my_entries(actor)[:20]),
    }
    return render(request, "competitions/contests.html", context)


def _organisers(actor: User) -> list[Org]:
    """Where the actor may organise: each org they run contests at that can organise one, and
    the district federations just below a city they run contests for."""
    orgs: dict[int, Org] = {}
    for grant in sorted(grants_for(actor, Perm.CONTEST_MANAGE), key=lambda g: g.org.path):
        if grant.org.kind in services.LEVEL_OF_KIND:
            orgs[grant.org.pk] = grant.org
        for child in grant.org.children.filter(kind=OrgKind.DISTRICT_FEDERATION).order_by("code"):
            orgs[child.pk] = child
    return list(orgs.values())


@login_required
@require_http_methods(["GET", "POST"])
def contest_new(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    organisers = _organisers(actor)
    if not organisers:
        raise Http404
    finals = selectors.contests_for(actor).filter(parent__isnull=True).order_by("-starts_at")[:50]
    finals_qs = Contest.objects.filter(pk__in=[c.pk for c in finals])
    form = ContestForm(request.POST or None, orgs=organisers, finals=finals_qs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        theory, practical = form.weights()
        try:
            with transaction.atomic():
                kinds = list(data.get("job_types", []))
                for name in form.new_job_type_names():
                    existing = JobType.objects.filter(name=name).first()
                    kinds.append(
                        existing
                        or services.job_type_create(
                            actor=actor, code=f"jt-{secrets.token_hex(4)}", name=name
                        )
                    )
                contest = services.contest_create(
                    actor=actor,
                    org=data["org"],
                    title=data["title"],
                    theme=data["theme"],
                    job_types=kinds,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    closes_at=data["closes_at"],
                    venue=data["venue"],
                    time_limit_minutes=data["time_limit_minutes"],
                    entry_kind=EntryKind(data["entry_kind"]),
                    team_size=data["team_size"],
                    theory_weight=theory,
                    practical_weight=practical,
                    prize_table=form.prize_table(),
                    prize_money=form.prize_money(),
                    parent=data["parent"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                _("The contest is saved in preparation; open it for registration when ready."),
            )
            return redirect("competitions:contest", pk=contest.pk)
    return render(
        request, "competitions/contest_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _tiers(contest: Contest) -> list[dict[str, Any]]:
    labels = {name: label for name, label, _count in TIERS}
    return [
        {
            "label": labels.get(t["name"], t["name"]),
            "count": t["count"],
            "money": contest.prize_money_for(t["name"]),
        }
        for t in contest.prize_table
    ]


@login_required
@require_GET
def contest_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    contest = selectors.contest_get_for(actor, pk)
    manage = selectors.can_manage(actor, contest)
    panel, standings = selectors.standings(contest)
    published = panel is not None and panel.state == PanelState.PUBLISHED
    visible = selectors.registrations_visible(actor, contest)
    now = timezone.now()
    appeal_open = contest.starts_at <= now <= contest.ends_at + appeals.APPEAL_WINDOW
    appealable = [r for r in visible if not r.appeals.exists()] if appeal_open else []
    person = selectors.own_person(actor)
    arbiter = appeals.is_arbiter(actor, panel)
    all_appeals = contest.appeals.select_related("registration").order_by("filed_at")
    candidate_total = (
        selectors.candidates_for(actor, contest, limit=0)[1]
        if contest.state == ContestState.OPEN
        else 0
    )
    context = {
        "contest": contest,
        "manage": manage,
        "panel": panel,
        "published": published,
        "standings": standings if (published or manage) else [],
        "registrations": visible,
        "registration_count": contest.registrations.count(),
        "contestant_count": sum(r.contestants.count() for r in visible) if manage else None,
        "stations": selectors.stations_of(contest),
        "draw": getattr(contest, "lot_draw", None),
        "tiers": _tiers(contest),
        "theory_percent": int(contest.theory_weight * 100),
        "practical_percent": int(contest.practical_weight * 100),
        "registration_open": contest.state == ContestState.OPEN and now <= contest.closes_at,
        "after_close": now > contest.closes_at,
        "can_enter_members": candidate_total > 0,
        "can_enter_self": person is not None
        and contest.entry_kind == EntryKind.INDIVIDUAL
        and not contest.registrations.filter(contestants__person=person).exists(),
        "appeal_form": AppealForm() if appealable else None,
        "appealable": appealable,
        "appeal_until": contest.ends_at + appeals.APPEAL_WINDOW,
        "appeals": all_appeals
        if manage or arbiter
        else all_appeals.filter(registration__in=visible),
        "is_arbiter": arbiter,
        "promotions": SkillGradeChange.objects.filter(
            source_ref=promotions.source_ref_for(contest)
        ).select_related("person")
        if published
        else [],
        "preliminaries": contest.preliminaries.all(),
        "certificates_issued": contest.certificates.exists(),
        "candidate_total": candidate_total,
        "aggregations": Panel._meta.get_field("aggregation").choices,
    }
    return render(request, "competitions/contest.html", context)


def _step(request: HttpRequest, pk: int, run: Callable[[User, Contest], str]) -> HttpResponse:
    """One step of the contest by its staff: the service runs, its refusal shows as it is."""
    actor = request_user(request)
    contest = selectors.contest_get_for(actor, pk)
    message = run_step(request, lambda: run(actor, contest))
    if message is not None:
        messages.success(request, message)
    return redirect("competitions:contest", pk=contest.pk)


@login_required
@require_POST
def contest_open(request: HttpRequest, pk: int) -> HttpResponse:
    def run(actor: User, contest: Contest) -> str:
        services.contest_open(actor=actor, contest=contest)
        return _("Registration is open until %(at)s.") % {
            "at": timezone.localtime(contest.closes_at).strftime("%Y-%m-%d %H:%M")
        }

    return _step(request, pk, run)


@login_required
@require_POST
def lot_draw(request: HttpRequest, pk: int) -> HttpResponse:
    def run(actor: User, contest: Contest) -> str:
        draw = services.lot_draw(actor=actor, contest=contest)
        return _("Lots drawn with the public seed %(seed)s.") % {"seed": draw.seed}

    return _step(request, pk, run)


def _aggregation(value: str) -> engine.Aggregation:
    try:
        return engine.Aggregation(value)
    except ValueError:
        return engine.Aggregation.TRIMMED_MEAN


@login_required
@require_POST
def judging_open(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    contest = selectors.contest_get_for(actor, pk)
    panel = run_step(
        request,
        lambda: services.contest_panel_open(
            actor=actor,
            contest=contest,
            aggregation=_aggregation(request.POST.get("aggregation", "")),
            double_entry=request.POST.get("double_entry") == "1",
        ),
    )
    if panel is None:
        return redirect("competitions:contest", pk=contest.pk)
    messages.success(request, _("Judging is open: seat the judges and an arbiter."))
    return redirect("scoring:panel", pk=panel.pk)


@login_required
@require_POST
def results_publish(request: HttpRequest, pk: int) -> HttpResponse:
    def run(actor: User, contest: Contest) -> str:
        appeals.contest_results_publish(actor=actor, contest=contest)
        return _("The results are published, all at once (R19).")

    return _step(request, pk, run)


@login_required
@require_POST
def certificates_issue(request: HttpRequest, pk: int) -> HttpResponse:
    def run(actor: User, contest: Contest) -> str:
        issued = certificates.certificates_issue(actor=actor, contest=contest)
        return _("%(n)s certificates issued.") % {"n": len(issued)}

    return _step(request, pk, run)


@login_required
@require_POST
def promotions_apply(request: HttpRequest, pk: int) -> HttpResponse:
    def run(actor: User, contest: Contest) -> str:
        changes = promotions.promotions_apply(actor=actor, contest=contest)
        return _("%(n)s winners moved up one skill grade.") % {"n": len(changes)}

    return _step(request, pk, run)
