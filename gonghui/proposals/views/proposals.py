"""Pages of proposals: the worker's form and list (phone first), the staff list and a
proposal's page with every action its stage allows, panel rounds, batches to the province
with their workbook, and the figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.http import request_user, run_step
from gonghui.core.models import User
from gonghui.core.pagination import CappedPaginator
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can, orgs_for, require
from gonghui.core.uploads import upload_kind
from gonghui.orgs.models import Person
from gonghui.proposals import selectors
from gonghui.proposals.forms import (
    AssessForm,
    BatchAddForm,
    DecideForm,
    FilterForm,
    HeldAtForm,
    ImplementForm,
    ProposalForm,
    ReasonForm,
)
from gonghui.proposals.models import ADOPTED, Attachment, Proposal, Stage
from gonghui.proposals.services import batches, lifecycle, panel
from gonghui.review.models import CaseState

PAGE_SIZE = 50
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


# --- The worker ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """A worker files a proposal from a phone, with joint proposers of the same union."""
    actor = request_user(request)
    require(actor, Perm.PROPOSAL_SUBMIT)
    person = Person.objects.filter(user=actor).first()
    union = lifecycle.current_union(person) if person else None
    form = ProposalForm(request.POST or None, request.FILES or None, union=union)
    if request.method == "POST" and person and union and form.is_valid():
        try:
            proposal = lifecycle.proposal_submit(
                actor=actor,
                data=form.data_obj(),
                lead=person,
                co_proposers=form.people,
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            form.add_error(None, _("You cannot file a proposal at this union."))
        else:
            messages.success(
                request, _("Your proposal is submitted; your union checks it and sends it on.")
            )
            return redirect("proposals:detail", pk=proposal.pk)
    return render(
        request, "proposals/submit.html", {"form": form, "person": person, "union": union}
    )


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    require(actor, Perm.PROPOSAL_SUBMIT)
    rows = selectors.proposals_mine(actor=actor)[:200]
    context = {"rows": rows, "can_file_for": actor_can(actor, Perm.CASE_OPEN)}
    return render(request, "proposals/mine.html", context)


# --- Staff lists ---------------------------------------------------------------------------


@login_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponseBase:
    actor = request_user(request)
    if not actor_can(actor, Perm.PROPOSAL_MANAGE) and actor_can(actor, Perm.PROPOSAL_SUBMIT):
        return redirect("proposals:mine")  # a worker's "Proposals" are their own
    require(actor, Perm.PROPOSAL_MANAGE)
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.proposals_for(
        actor=actor,
        stage=filters.get("stage") or "",
        year=filters.get("year"),
        q=filters.get("q") or "",
    )
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "proposals/list.html"
    if request.headers.get("HX-Request") == "true":
        template += "#results"
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})


# --- A proposal ----------------------------------------------------------------------------


def _forms(actor: User, proposal: Proposal) -> dict[str, forms.Form]:
    """The action forms the actor may use at the proposal's stage."""
    found: dict[str, forms.Form] = {}
    if not actor_can(actor, Perm.PROPOSAL_MANAGE, proposal.org):
        return found
    if (
        proposal.stage == Stage.PANEL
        and proposal.round is not None
        and actor_can(actor, Perm.PROPOSAL_MANAGE, proposal.round.org)
    ):
        found["decide"] = DecideForm()
    if proposal.stage == Stage.DECIDED and proposal.outcome in ADOPTED:
        implement = ImplementForm()
        implement.fields["implementing_org"].queryset = orgs_for(  # type: ignore[attr-defined]
            actor, Perm.PROPOSAL_MANAGE
        ).order_by("path")
        implement.fields["implementing_org"].initial = proposal.org_id
        found["implement"] = implement
    if proposal.stage == Stage.IMPLEMENTING:
        found["assess"] = AssessForm()
    if proposal.stage == Stage.REWARDED and proposal.reward.cancelled_at is None:
        found["cancel_reward"] = ReasonForm()
    if proposal.outcome in ADOPTED and not hasattr(proposal, "batch_item"):
        choices = selectors.batches_for(actor=actor).filter(org__path__in=_ancestor_paths(proposal))
        if choices.exists():
            add = BatchAddForm()
            add.fields["batch"].queryset = choices  # type: ignore[attr-defined]
            found["batch_add"] = add
    return found


def _ancestor_paths(proposal: Proposal) -> list[str]:
    from gonghui.core.scoping import ancestor_paths

    return ancestor_paths(proposal.org)


def _detail(
    request: HttpRequest, proposal: Proposal, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    actor = request_user(request)
    case = lifecycle.case_of(proposal)
    action_forms = {**_forms(actor, proposal), **(bound or {})}
    manage = actor_can(actor, Perm.PROPOSAL_MANAGE, proposal.org)
    context: dict[str, Any] = {
        "proposal": proposal,
        "case": case,
        "proposers": proposal.proposers.select_related("person"),
        "attachments": proposal.attachments.all(),
        "steps": proposal.steps.select_related("actor"),
        "result": lifecycle.panel_result(proposal),
        "assessment": getattr(proposal, "assessment", None),
        "reward": getattr(proposal, "reward", None),
        "batch_item": getattr(proposal, "batch_item", None),
        "forms": action_forms,
        "manage": manage,
        "can_forward": case is not None
        and case.state in (CaseState.DRAFT, CaseState.SENT_BACK)
        and actor_can(actor, Perm.CASE_OPEN, proposal.org)
        and actor.pk != case.beneficiary_id,
        "can_reward": manage and proposal.stage == Stage.ACCEPTED,
        "can_archive": manage
        and proposal.stage in lifecycle.ARCHIVABLE
        and not (proposal.stage == Stage.DECIDED and proposal.outcome in ADOPTED),
        "can_see_case": case is not None
        and (
            actor_can(actor, Perm.CASE_REVIEW, proposal.org)
            or actor_can(actor, Perm.CASE_OPEN, proposal.org)
        ),
    }
    context["has_actions"] = bool(
        action_forms
        or context["can_forward"]
        or context["can_reward"]
        or context["can_archive"]
        or context["can_see_case"]
    )
    return render(request, "proposals/detail.html", context)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal_for(request.user, pk)
    return _detail(request, proposal)


def _run(request: HttpRequest, step: Callable[[], object]) -> bool:
    """Whether the step went through (core.http.run_step: a refusal becomes messages)."""
    return run_step(request, lambda: step() or True) is not None


@login_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    """Every action on a proposal's page, each one service call; a form with errors is shown
    again as it was filled in."""
    actor = request_user(request)
    proposal = selectors.get_proposal_for(actor, pk)
    action = request.POST.get("action", "")
    done = False
    bound: dict[str, forms.Form] = {}
    if action == "forward":
        done = _run(request, lambda: lifecycle.proposal_forward(actor=actor, proposal=proposal))
    elif action == "decide":
        form: forms.Form = DecideForm(request.POST)
        bound["decide"] = form
        if form.is_valid():
            d = form.cleaned_data
            done = _run(
                request,
                lambda: lifecycle.proposal_decide(
                    actor=actor, proposal=proposal, outcome=d["outcome"], reason=d["reason"]
                ),
            )
    elif action == "implement":
        form = ImplementForm(request.POST)
        form.fields["implementing_org"].queryset = orgs_for(  # type: ignore[attr-defined]
            actor, Perm.PROPOSAL_MANAGE
        )
        bound["implement"] = form
        if form.is_valid():
            d = form.cleaned_data
            done = _run(
                request,
                lambda: lifecycle.proposal_implement(
                    actor=actor,
                    proposal=proposal,
                    implementing_org=d["implementing_org"],
                    plan=d["plan"],
                    owner=d["owner"],
                    due=d["due"],
                ),
            )
    elif action == "assess":
        form = AssessForm(request.POST, request.FILES)
        bound["assess"] = form
        if form.is_valid():
            d = form.cleaned_data
            done = _run(
                request,
                lambda: lifecycle.proposal_assess(
                    actor=actor,
                    proposal=proposal,
                    kind=d["kind"],
                    amount=d["amount"],
                    evidence=d["evidence"],
                    note=d["note"],
                ),
            )
    elif action == "reward":
        done = _run(request, lambda: lifecycle.proposal_reward(actor=actor, proposal=proposal))
    elif action == "cancel_reward":
        form = ReasonForm(request.POST)
        bound["cancel_reward"] = form
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            done = _run(
                request,
                lambda: lifecycle.reward_cancel(actor=actor, proposal=proposal, reason=reason),
            )
    elif action == "archive":
        done = _run(request, lambda: lifecycle.proposal_archive(actor=actor, proposal=proposal))
    elif action == "batch_add":
        form = BatchAddForm(request.POST)
        form.fields["batch"].queryset = selectors.batches_for(actor=actor)  # type: ignore[attr-defined]
        bound["batch_add"] = form
        if form.is_valid():
            d = form.cleaned_data
            done = _run(
                request,
                lambda: batches.batch_add(
                    actor=actor, batch=d["batch"], proposal=proposal, opinion=d["opinion"]
                ),
            )
    else:
        messages.error(request, _("Choose an action."))
    if done:
        messages.success(request, _("Done."))
        return redirect("proposals:detail", pk=proposal.pk)
    proposal = selectors.get_proposal_for(actor, pk)  # as it is now, nothing was written
    return _detail(request, proposal, bound)


def _file_response(field_file: Any, name: str) -> FileResponse:
    kind = upload_kind(field_file)
    response = FileResponse(
        field_file.open("rb"),
        content_type=CONTENT_TYPES.get(kind or "", "application/octet-stream"),
        filename=name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    found = Attachment.objects.filter(pk=pk).first() if 0 < pk < selectors.MAX_PK else None
    if found is None:
        raise Http404
    selectors.get_proposal_for(request.user, found.proposal_id)  # 404 unless visible
    return _file_response(found.file, found.name)


@login_required
@require_GET
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    proposal = selectors.get_proposal_for(request.user, pk)
    assessment = getattr(proposal, "assessment", None)
    if assessment is None or not actor_can(request.user, Perm.PROPOSAL_MANAGE, proposal.org):
        raise Http404
    return _file_response(assessment.evidence, assessment.evidence.name.rsplit("/", 1)[-1])


# --- Panel rounds ---------------------------------------------------------------------------


def _held_at_form(request: HttpRequest, actor: User) -> HeldAtForm:
    form = HeldAtForm(
        request.POST if request.method == "POST" else None,
        initial={"year": timezone.localdate().year},
    )
    form.fields["org"].queryset = selectors.manage_orgs(actor)  # type: ignore[attr-defined]
    return form


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    require(actor, Perm.PROPOSAL_MANAGE)
    form = _held_at_form(request, actor)
    can_create = actor_can(actor, Perm.SCORE_MANAGE)
    if request.method == "POST" and can_create and form.is_valid():
        d = form.cleaned_data
        try:
            created = panel.round_create(
                actor=actor, org=d["org"], year=d["year"], title=d["title"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            form.add_error(None, _("You cannot hold a panel round at this organisation."))
        else:
            messages.success(request, _("The round is open; add its judges on the panel page."))
            return redirect("proposals:round", pk=created.pk)
    context = {
        "form": form,
        "can_create": can_create,
        "rounds": selectors.rounds_for(actor=actor)[:100],
    }
    return render(request, "proposals/rounds.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    round_ = selectors.get_round_for(actor, pk)
    waiting = selectors.proposals_waiting_panel(actor=actor, org=round_.org)
    if request.method == "POST":
        ids = [v for v in request.POST.getlist("proposal") if v.isdigit() and len(v) < 12]
        chosen = list(waiting.filter(pk__in=ids[:500]))
        if not chosen:
            messages.error(request, _("Tick the proposals to put before the panel."))
        elif _run(
            request,
            lambda: panel.round_entries_add(actor=actor, round_=round_, proposals=chosen),
        ):
            messages.success(
                request, _("%(n)d proposals are before the panel.") % {"n": len(chosen)}
            )
        return redirect("proposals:round", pk=round_.pk)
    context = {
        "round": round_,
        "panel": panel.panel_of(round_),
        "entries": round_.proposals.select_related("org").order_by("pk"),
        "waiting": waiting[:500],
    }
    return render(request, "proposals/round.html", context)


# --- Batches to the province ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def batch_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    require(actor, Perm.PROPOSAL_MANAGE)
    form = _held_at_form(request, actor)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            created = batches.batch_create(
                actor=actor, org=d["org"], year=d["year"], title=d["title"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            form.add_error(None, _("You cannot recommend proposals from this organisation."))
        else:
            messages.success(request, _("The batch is created; add adopted proposals to it."))
            return redirect("proposals:batch", pk=created.pk)
    return render(
        request,
        "proposals/batches.html",
        {"form": form, "batches": selectors.batches_for(actor=actor)[:100]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def batch_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    batch = selectors.get_batch_for(actor, pk)
    candidates = selectors.batch_candidates(actor=actor, batch=batch)
    if request.method == "POST":
        ids = [v for v in request.POST.getlist("proposal") if v.isdigit() and len(v) < 12]
        chosen = list(candidates.filter(pk__in=ids[:500]))
        opinion = request.POST.get("opinion", "")[:300]
        if not chosen:
            messages.error(request, _("Tick the adopted proposals to recommend."))
        added = 0
        for proposal in chosen:
            if _run(
                request,
                lambda p=proposal: batches.batch_add(  # type: ignore[misc]
                    actor=actor, batch=batch, proposal=p, opinion=opinion
                ),
            ):
                added += 1
        if added:
            messages.success(request, _("%(n)d proposals added to the batch.") % {"n": added})
        return redirect("proposals:batch", pk=batch.pk)
    items = batch.items.select_related("proposal__org", "proposal__assessment").prefetch_related(
        "proposal__proposers__person"
    )
    return render(
        request,
        "proposals/batch.html",
        {"batch": batch, "items": items, "candidates": candidates[:300]},
    )


@login_required
@require_GET
def batch_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    batch = selectors.get_batch_for(actor, pk)
    content = batches.batch_workbook(actor=actor, batch=batch)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="proposals-batch-{batch.pk}.xlsx"'
    return response


# --- Figures -------------------------------------------------------------------------------


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    require(actor, Perm.PROPOSAL_MANAGE)
    orgs = list(selectors.manage_orgs(actor, max_level=4)[:200])
    if not orgs:
        raise Http404
    org_id = request.GET.get("org", "")
    org = next((o for o in orgs if str(o.pk) == org_id), orgs[0])
    this_year = timezone.localdate().year
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else this_year
    data = selectors.proposal_figures(actor, org, year)
    stages = [(label, data.by_stage.get(value, 0)) for value, label in Stage.choices]
    context = {
        "figures": data,
        "stages": stages,
        "orgs": orgs,
        "years": range(this_year, this_year - 5, -1),
    }
    return render(request, "proposals/figures.html", context)
