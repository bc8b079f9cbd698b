"""The public notice page (no login) with its objection form, and the staff page that answers
the objections (R6)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core import ratelimit
from gonghui.core.models import User
from gonghui.core.permissions import Perm
from gonghui.core.progress import get_progress_for, progress_start
from gonghui.core.scoping import actor_can, grants_for, org_scope_q, require
from gonghui.core.uploads import upload_kind
from gonghui.review import notices, selectors, services
from gonghui.review.forms import (
    AnswerForm,
    BulkForm,
    DecisionForm,
    ObjectionForm,
    PublishForm,
)
from gonghui.review.models import CaseState, Notice, Objection, ReviewCase
from gonghui.review.programs import PROGRAMS, program_for

OBJECTIONS_PER_HOUR = 5


def _notice(pk: int) -> Notice:
    notice = Notice.objects.select_related("org").filter(pk=pk).first() if 0 < pk < 2**63 else None
    if notice is None:
        raise Http404
    return notice


@require_http_methods(["GET", "POST"])
def public_notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(pk)
    entries = notice.entries.filter(withdrawn=False).order_by("pk")
    form = ObjectionForm(request.POST or None, request.FILES or None)
    form.fields["entry"].queryset = entries  # type: ignore[attr-defined]  # ModelChoiceField
    if request.method == "POST":
        address = str(request.META.get("REMOTE_ADDR", ""))
        if not ratelimit.allow(ratelimit.client_key(request, "objection"), OBJECTIONS_PER_HOUR):
            form.add_error(None, _("Too many objections from this network; try again in an hour."))
        elif form.is_valid():
            try:
                notices.objection_file(
                    notice=notice,
                    entry=form.cleaned_data["entry"],
                    reason=form.cleaned_data["reason"],
                    contact=form.cleaned_data["contact"],
                    attachment=form.cleaned_data["attachment"],
                    address=address,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("Your objection is received; the union will answer it.")
                )
                return redirect("review:notice", pk=notice.pk)
    staff = actor_can(request.user, Perm.CASE_REVIEW, notice.org)
    # Each entry keeps its number when another is withdrawn: objections cite "No. 3".
    numbered = [
        (n, entry)
        for n, entry in enumerate(notice.entries.order_by("pk"), 1)
        if not entry.withdrawn
    ]
    context = {
        "notice": notice,
        "entries": numbered,
        "form": form,
        "staff": staff,
        "unanswered": notice.objections.filter(answered_at__isnull=True).count() if staff else 0,
    }
    return render(request, "review/notice.html", context)


@login_required
@require_http_methods(["GET"])
def notice_objections(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(pk)
    if not actor_can(request.user, Perm.CASE_REVIEW, notice.org):
        raise Http404
    objections = [
        (o, AnswerForm(auto_id=f"id_{o.pk}_%s"))  # one form per objection, ids of its own
        for o in notice.objections.select_related("entry", "answered_by")
    ]
    return render(request, "review/objections.html", {"notice": notice, "objections": objections})


@login_required
@require_http_methods(["GET"])
def objection_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """An objection's attachment, for the staff who answer it."""
    objection = (
        Objection.objects.select_related("notice__org").filter(pk=pk).first()
        if 0 < pk < 2**63
        else None
    )
    if (
        objection is None
        or not objection.attachment
        or not actor_can(request.user, Perm.CASE_REVIEW, objection.notice.org)
    ):
        raise Http404
    kind = upload_kind(objection.attachment)
    types = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
    response = FileResponse(
        objection.attachment.open("rb"), content_type=types.get(kind or "", "application/pdf")
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    objection = (
        Objection.objects.select_related("notice").filter(pk=pk).first() if 0 < pk < 2**63 else None
    )
    actor: User = request.user  # type: ignore[assignment]  # login_required
    if objection is None or not actor_can(actor, Perm.CASE_REVIEW, objection.notice.org):
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            notices.objection_answer(
                actor=actor,
                objection=objection,
                answer=form.cleaned_data["answer"],
                sustained=form.cleaned_data["sustained"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The answer is recorded."))
    else:
        messages.error(request, _("Write the answer; it is kept with the objection."))
    return redirect("review:objections", pk=objection.notice_id)


def _case_for(actor: User, pk: int) -> ReviewCase:
    """A case the actor may see: its org lies in the actor's case.review or case.open scope."""
    case = (
        ReviewCase.objects.select_related("org", "reviewing_org").filter(pk=pk).first()
        if 0 < pk < 2**63
        else None
    )
    if case is None or not (
        actor_can(actor, Perm.CASE_REVIEW, case.org) or actor_can(actor, Perm.CASE_OPEN, case.org)
    ):
        raise Http404
    return case


def _detail_url(case: ReviewCase) -> str:
    """The program's own page for the case's subject, else the case page."""
    spec = PROGRAMS.get(case.program)
    if spec is not None and spec.detail_url is not None:
        return spec.detail_url(case)
    return reverse("review:case", args=[case.pk])


@login_required
@require_http_methods(["GET"])
def waiting(request: HttpRequest) -> HttpResponse:
    """Cases waiting for the actor's level, and the overdue ones of the levels below."""
    require(request.user, Perm.CASE_REVIEW)
    progress = None
    try:
        progress = get_progress_for(request.user, uuid.UUID(request.GET.get("progress", "")))
    except (ValueError, Http404):
        progress = None
    context = {
        "progress": progress,
        "waiting": selectors.cases_waiting_for(actor=request.user)[:200],
        "overdue": selectors.cases_overdue_below(actor=request.user)[:200],
        "notices": selectors.notices_open_for(actor=request.user)[:50],
        "drafts": [
            (case, _detail_url(case)) for case in selectors.drafts_for(actor=request.user)[:200]
        ],
        "bulk": BulkForm(),
        "today": timezone.localdate(),
    }
    return render(request, "review/waiting.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]  # login_required
    case = _case_for(actor, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        try:
            if decision == "approve":
                services.case_approve(actor=actor, case=case, reason=reason)
            elif decision == "reject":
                services.case_reject(actor=actor, case=case, reason=reason)
            else:
                services.case_send_back(actor=actor, case=case, reason=reason)
        except PermissionDenied:
            messages.error(request, _("Your level does not decide this case now."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("review:case", pk=case.pk)
    spec = PROGRAMS.get(case.program)
    context = {
        "case": case,
        "detail_url": spec.detail_url(case) if spec and spec.detail_url else "",
        "trail": selectors.case_trail(case=case),
        "form": DecisionForm(),
        "can_decide": case.state == CaseState.UNDER_REVIEW
        and case.reviewing_org is not None
        and any(g.org_id == case.reviewing_org_id for g in grants_for(actor, Perm.CASE_REVIEW)),
    }
    return render(request, "review/case.html", context)


@login_required
@require_POST
def bulk_decide(request: HttpRequest) -> HttpResponse:
    """Approve or reject many cases at once: a task with a progress bar, each case audited."""
    actor: User = request.user  # type: ignore[assignment]  # login_required
    require(actor, Perm.CASE_REVIEW)
    form = BulkForm(request.POST)
    if not form.is_valid() or not form.case_ids():
        messages.error(request, _("Choose the cases and the decision."))
        return redirect("review:waiting")
    if form.cleaned_data["decision"] == "reject" and not form.cleaned_data["reason"].strip():
        messages.error(request, _("Give the reason; the applicant will see it."))
        return redirect("review:waiting")
    ids = form.case_ids()[:1000]
    progress = progress_start(
        actor=actor, label=_("Deciding %(n)d cases") % {"n": len(ids)}, total=len(ids)
    )
    from gonghui.review.tasks import bulk_decide_task

    transaction.on_commit(
        lambda: bulk_decide_task.enqueue(
            str(progress.pk),
            actor.pk,
            ids,
            form.cleaned_data["decision"],
            form.cleaned_data["reason"],
        )
    )
    # A GET page shows the bar: when the work ends htmx reloads that page, never this POST.
    return redirect(f"{reverse('review:waiting')}?progress={progress.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest) -> HttpResponse:
    """Approved cases at the actor's level, grouped by program, to put under public notice."""
    actor: User = request.user  # type: ignore[assignment]  # login_required
    require(actor, Perm.CASE_REVIEW)
    orgs = [g.org for g in grants_for(actor, Perm.CASE_REVIEW)]
    approved = (
        ReviewCase.objects.filter(state=CaseState.APPROVED)
        .filter(org_scope_q(actor, Perm.CASE_REVIEW))
        .select_related("org")
        .order_by("program", "pk")[:1000]
    )
    labels = {code: str(spec.label) for code, spec in PROGRAMS.items()}
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = [c for c in approved if c.pk in set(form.case_ids())]
        programs = {c.program for c in chosen}
        if len(programs) != 1:
            form.add_error(None, _("Tick the cases of one program."))
        else:
            program = program_for(programs.pop())
            top = next(
                (o for o in orgs if all(c.org.path.startswith(o.path) for c in chosen)), None
            )
            if top is None:
                form.add_error(None, _("These cases are not all under one of your orgs."))
            else:
                try:
                    notice = notices.notice_publish(
                        actor=actor,
                        program=program.code,
                        org=top,
                        title=form.cleaned_data["title"],
                        cases=[(c, program.label_for(c)) for c in chosen],
                    )
                except (ValidationError, PermissionDenied) as exc:
                    form.add_error(
                        None,
                        exc
                        if isinstance(exc, ValidationError)
                        else _("Your level does not decide this case now."),
                    )
                else:
                    messages.success(request, _("The public notice is published."))
                    return redirect("review:notice", pk=notice.pk)
    rows = [(case, labels.get(case.program, case.program)) for case in approved]
    return render(request, "review/publish.html", {"approved": rows, "form": form})
