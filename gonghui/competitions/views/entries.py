"""Entering a contest (a union enters its members, a worker enters themself) and appeals: an
entrant or their union files one within R19's window; the arbitration panel answers it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.competitions import appeals, selectors, services
from gonghui.competitions.forms import AnswerForm, AppealForm, EntryForm
from gonghui.competitions.models import Appeal, ContestState
from gonghui.core.http import request_user
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.orgs.models import Person


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """A union enters its members: the eligible ones are listed (search narrows a long list);
    every refusal of the service is shown, and what was chosen stays chosen."""
    actor = request_user(request)
    contest = selectors.contest_get_for(actor, pk)
    if contest.state != ContestState.OPEN:
        messages.error(request, _("Registration for this contest is closed."))
        return redirect("competitions:contest", pk=contest.pk)
    q = request.GET.get("q", "")[:40]
    candidates, total = selectors.candidates_for(actor, contest, q)
    kept = [request.POST.get(f"person_{n}", "") for n in range(1, contest.team_size + 1)]
    if not (actor_can(actor, Perm.MEMBER_MANAGE) or actor_can(actor, Perm.CASE_OPEN)):
        raise Http404
    choices = [
        (str(m.person_id), f"{m.person.name} · {m.org.name} · {m.person.job_type}")
        for m in candidates
    ]
    known = {c[0] for c in choices}
    extra = Person.objects.filter(pk__in=[int(k) for k in kept if k.isdigit() and k not in known])
    choices += [(str(p.pk), p.name) for p in extra]
    form = EntryForm(request.POST or None, size=contest.team_size, choices=choices)
    if request.method == "POST" and form.is_valid():
        people = list(Person.objects.filter(pk__in=form.people_ids()))
        try:
            registration = services.registration_submit(
                actor=actor,
                contest=contest,
                people=people,
                team_name=form.cleaned_data.get("team_name", ""),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            form.add_error(None, _("You may enter only members of the unions you work for."))
        else:
            names = "、".join(c.person.name for c in registration.contestants.all())
            messages.success(
                request,
                _("Entered: %(entry)s. %(n)s entries so far.")
                % {
                    "entry": registration.team_name or names,
                    "n": contest.registrations.count(),
                },
            )
            return redirect("competitions:register", pk=contest.pk)
    context = {
        "contest": contest,
        "form": form,
        "q": q,
        "total": total,
        "shown": len(candidates),
        "entries": selectors.registrations_visible(actor, contest),
    }
    return render(
        request, "competitions/register.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def enter_self(request: HttpRequest, pk: int) -> HttpResponse:
    """A worker enters an individual contest themself; the reasons of a refusal are shown."""
    actor = request_user(request)
    contest = selectors.contest_get_for(actor, pk)
    person = selectors.own_person(actor)
    if person is None:
        raise Http404
    try:
        services.registration_submit(actor=actor, contest=contest, people=[person])
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("You are entered. Good luck on the day!"))
    return redirect("competitions:contest", pk=contest.pk)


@login_required
@require_POST
def appeal_file(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    contest = selectors.contest_get_for(actor, pk)
    form = AppealForm(request.POST)
    raw = request.POST.get("registration", "")
    registration = contest.registrations.filter(pk=int(raw)).first() if raw.isdigit() else None
    if registration is None:
        messages.error(request, _("Choose the entry the appeal is for."))
    elif not form.is_valid():
        messages.error(request, _("Give the grounds of the appeal."))
    else:
        try:
            appeals.appeal_file(
                actor=actor,
                contest=contest,
                registration=registration,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(
                request, _("The appeal is filed; the arbitration panel will answer it.")
            )
    return redirect("competitions:contest", pk=contest.pk)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An appeal for the contest's staff and arbiters; an arbiter answers it here, once."""
    actor = request_user(request)
    appeal = (
        Appeal.objects.select_related("contest", "contest__org", "registration")
        .filter(pk=pk)
        .first()
        if 0 < pk < 2**63
        else None
    )
    if appeal is None:
        raise Http404
    contest = selectors.contest_get_for(actor, appeal.contest_id)
    panel = services.contest_panel(contest)
    arbiter = appeals.is_arbiter(actor, panel)
    if not (arbiter or selectors.can_manage(actor, contest)):
        raise Http404
    form = AnswerForm(request.POST or None) if arbiter and appeal.answered_at is None else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                appeals.appeal_answer(
                    actor=actor,
                    appeal=appeal,
                    answer=form.cleaned_data["answer"],
                    upheld=form.cleaned_data["upheld"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The answer is recorded; it is final (R19)."))
                return redirect("competitions:contest", pk=contest.pk)
    context = {"appeal": appeal, "contest": contest, "form": form, "panel": panel}
    return render(
        request,
        "competitions/appeal.html",
        context,
        status=400 if form is not None and form.errors else 200,
    )
