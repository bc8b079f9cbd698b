"""Applying for golden-autumn aid: the worker on a phone page (or the union on a member's
behalf), the refusals shown before submitting (R11), the union's check, and the documents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.aid import selectors
from gonghui.aid.forms.autumn import ApplicationForm, CheckForm, OnBehalfForm
from gonghui.aid.models import (
    Application,
    ApplicationDocument,
    Campaign,
    DocumentKind,
    SchoolStage,
)
from gonghui.aid.services import autumn
from gonghui.core.models import User
from gonghui.core.pagination import CappedPaginator
from gonghui.core.permissions import Perm
from gonghui.core.personal_data import lookup_hash, mask_id_number, resident_id_validate
from gonghui.core.scoping import actor_can, grants_for, require
from gonghui.core.services import audit_record
from gonghui.orgs.models import Person
from gonghui.orgs.selectors import standing_membership
from gonghui.review import services as review
from gonghui.review.models import CaseState


def _worker_campaigns(actor: User) -> tuple[Person | None, list[Campaign]]:
    person = Person.objects.filter(user=actor).first()
    membership = standing_membership(person) if person else None
    if membership is None or membership.state not in ("active", "retained"):
        return person, []
    return person, autumn.open_campaigns_for(membership.org)


def _union_campaigns(actor: User) -> list[Campaign]:
    found: dict[int, Campaign] = {}
    for grant in grants_for(actor, Perm.CASE_OPEN):
        for c in autumn.open_campaigns_for(grant.org):
            found[c.pk] = c
    return list(found.values())


def _submit(
    request: HttpRequest, form: ApplicationForm, worker_id: str | None
) -> Application | None:
    actor: User = request.user  # type: ignore[assignment]  # login_required
    try:
        return autumn.application_submit(
            actor=actor,
            campaign=form.cleaned_data["campaign"],
            data=form.student_data(),
            documents=form.documents(),
            worker_id_number=worker_id,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
    except PermissionDenied:
        form.add_error(None, _("You cannot apply for this campaign."))
    return None


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """The worker's own application, made on a phone."""
    actor: User = request.user  # type: ignore[assignment]  # login_required
    require(actor, Perm.AID_APPLY)
    person, campaigns = _worker_campaigns(actor)
    form = ApplicationForm(request.POST or None, request.FILES or None, campaigns=campaigns)
    if request.method == "POST" and campaigns and form.is_valid():
        application = _submit(request, form, None)
        if application is not None:
            messages.success(request, _("Your application is received; your union checks it next."))
            return redirect("aid:application", pk=application.pk)
    context = {"form": form, "campaigns": campaigns, "person": person, "on_behalf": False}
    return render(request, "aid/apply.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def apply_for(request: HttpRequest) -> HttpResponse:
    """The union applies on behalf of a member (one without a phone, say)."""
    actor: User = request.user  # type: ignore[assignment]  # login_required
    require(actor, Perm.CASE_OPEN)
    campaigns = _union_campaigns(actor)
    form = OnBehalfForm(request.POST or None, request.FILES or None, campaigns=campaigns)
    if request.method == "POST" and campaigns and form.is_valid():
        application = _submit(request, form, form.cleaned_data["worker_id_number"])
        if application is not None:
            messages.success(request, _("The application is entered; check it and submit it."))
            return redirect("aid:application", pk=application.pk)
    context = {"form": form, "campaigns": campaigns, "on_behalf": True}
    return render(request, "aid/apply.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    """The worker or the union corrects a draft or an application sent back; documents are
    replaced only where a new file is chosen."""
    actor: User = request.user  # type: ignore[assignment]  # login_required
    application = selectors.application_get_for(actor, pk)
    own = actor.pk == application.worker_user_id
    case = application.case
    if not (own or actor_can(actor, Perm.CASE_OPEN, application.org)):
        raise Http404
    if case is None or case.state not in autumn.AMENDABLE:
        messages.error(request, _("Only a draft or an application sent back can be corrected."))
        return redirect("aid:application", pk=application.pk)
    initial = {
        "campaign": application.campaign_id,
        "student_name": application.student_name,
        "student_id_number": application.student_id_number,
        "stage": application.stage,
        "school": application.school,
        "school_type": application.school_type,
        "phone": application.phone,
        "account_holder": application.account_holder,
        "bank": application.bank,
        "account_number": application.account_number,
    }
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        campaigns=[application.campaign],
        initial=initial,
    )
    for kind in DocumentKind.values:
        form.fields[kind].required = False
        form.fields[kind].help_text = _("Choose a file only to replace the one sent before.")
    if request.method == "POST" and form.is_valid():
        try:
            autumn.application_amend(
                actor=actor,
                application=application,
                data=form.student_data(),
                documents=form.documents(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The corrections are saved; the union checks the application again.")
            )
            return redirect("aid:application", pk=application.pk)
    if request.method == "GET" and not own:
        audit_record(
            actor=actor,
            action="aid.application_read_full",
            org=application.org,
            obj=application,
        )
    context = {
        "form": form,
        "campaigns": [application.campaign],
        "application": application,
        "amend": True,
        "on_behalf": False,
    }
    return render(request, "aid/apply.html", context)


@login_required
@require_POST
def apply_check(request: HttpRequest) -> HttpResponse:
    """The refusals that would stop this application, shown as the form is filled in (htmx),
    before any document is uploaded or anything is kept."""
    actor: User = request.user  # type: ignore[assignment]  # login_required
    if not (actor_can(actor, Perm.AID_APPLY) or actor_can(actor, Perm.CASE_OPEN)):
        raise Http404
    problems: list[str] = []
    amending: Application | None = None
    if (request.POST.get("application") or "").isdigit():  # a correction: not a second one
        amending = selectors.application_get_for(actor, int(request.POST["application"]))
    campaign = Campaign.objects.filter(pk=request.POST.get("campaign") or 0).first()
    typed = request.POST.get("student_id_number", "").strip()
    try:
        student = resident_id_validate(typed)
    except ValidationError as exc:
        student = None
        if len(typed) >= 18:  # typed in full, and wrong: say so now, not after the uploads
            problems.append(_("Student's ID number: %(why)s") % {"why": " ".join(exc.messages)})
    worker_hash = ""
    worker_label = ""
    if amending is not None:
        worker_hash = amending.worker_hash
    elif request.POST.get("worker_id_number"):
        try:
            org, _person, worker_hash, name, _user = autumn.worker_for(
                actor, request.POST["worker_id_number"]
            )
            worker_label = f"{name} · {org.name}"
        except ValidationError as exc:
            problems.extend(exc.messages)
    else:
        person = Person.objects.filter(user=actor).first()
        worker_hash = person.id_hash if person else ""
    if campaign is not None and student is not None and request.POST.get("stage"):
        problems += autumn.refusals(
            campaign=campaign,
            worker_hash=worker_hash,
            student_hash=lookup_hash(student),
            stage=request.POST["stage"],
            school_type=request.POST.get("school_type", ""),
            other_scheme=request.POST.get("other_scheme", ""),
            exclude_application=amending.pk if amending else None,
            check_window=amending is None,
        )
        ready = True
    else:
        ready = False
    context = {"problems": problems, "ready": ready, "worker": worker_label}
    return render(request, "aid/_partials/check.html", context)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]  # login_required
    require(actor, Perm.AID_APPLY)
    apps = list(selectors.my_applications(actor))
    rows = [(a, selectors.application_status(a), selectors.live_award(a)) for a in apps]
    offers = selectors.offers_for_aided(actor) if any(r[2] for r in rows) else []
    return render(request, "aid/mine.html", {"rows": rows, "offers": offers})


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """The applications of the actor's unions, with where each stands."""
    actor: User = request.user  # type: ignore[assignment]  # login_required
    if not selectors.is_aid_staff(actor):
        raise Http404
    apps = selectors.applications_for(actor).order_by("-created_at")
    campaign_id = request.GET.get("campaign", "")
    if campaign_id.isdigit():
        apps = apps.filter(campaign_id=int(campaign_id))
    state = request.GET.get("state", "")
    if state in CaseState.values:
        apps = apps.filter(case__state=state)
    stage = request.GET.get("stage", "")
    if stage in SchoolStage.values:
        apps = apps.filter(stage=stage)
    page = CappedPaginator(apps, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(a, selectors.application_status(a)) for a in page.object_list],
        "campaigns": selectors.campaigns_for(actor)[:20],
        "states": [(value, str(label)) for value, label in selectors.STATE_LABELS.items()],
        "stages": SchoolStage.choices,
        "chosen": {"campaign": campaign_id, "state": state, "stage": stage},
        "can_enter": actor_can(actor, Perm.CASE_OPEN),
        "today": timezone.localdate(),
        "query": _without_page(request),
    }
    return render(request, "aid/applications.html", context)


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_http_methods(["GET", "POST"])
def application_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One application: what was entered, its documents, the refusals as things stand, where
    it is on the chain; the union checks it here and submits, sends back or rejects it."""
    actor: User = request.user  # type: ignore[assignment]  # login_required
    application = selectors.application_get_for(actor, pk)
    case = application.case
    can_check = (
        case is not None
        and case.state in (CaseState.DRAFT, CaseState.SENT_BACK)
        and actor_can(actor, Perm.CASE_OPEN, application.org)
        and actor.pk != application.worker_user_id
    )
    can_reveal = actor_can(actor, Perm.PERSONAL_DATA_VIEW, application.org)
    revealed = request.method == "POST" and "reveal" in request.POST
    if revealed:
        if not can_reveal:
            raise Http404
        audit_record(
            actor=actor, action="aid.application_reveal", org=application.org, obj=application
        )
    form = CheckForm(None if revealed else (request.POST or None))
    if request.method == "POST" and not revealed:
        if not can_check or case is None:
            raise Http404
        if form.is_valid():
            decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
            try:
                if decision == "forward":
                    autumn.application_forward(actor=actor, application=application)
                elif decision == "send_back":
                    review.case_send_back(actor=actor, case=case, reason=reason)
                else:
                    review.case_reject(actor=actor, case=case, reason=reason)
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied:
                form.add_error(None, _("Your level does not decide this case now."))
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect("aid:application", pk=application.pk)
    problems = (
        autumn.refusals(
            campaign=application.campaign,
            worker_hash=application.worker_hash,
            student_hash=application.student_hash,
            stage=application.stage,
            school_type=application.school_type,
            other_scheme=application.other_scheme,
            exclude_application=application.pk,
            check_window=False,  # it was open when the application came in
        )
        if can_check
        else []
    )
    staff = selectors.is_aid_staff(actor) and actor.pk != application.worker_user_id
    can_amend = (
        case is not None
        and case.state in autumn.AMENDABLE
        and (
            actor.pk == application.worker_user_id
            or actor_can(actor, Perm.CASE_OPEN, application.org)
        )
    )
    context = {
        "application": application,
        "case": case,
        "status": selectors.application_status(application),
        "award": selectors.live_award(application),
        "documents": application.documents.all(),
        "student_id": application.student_id_number
        if revealed
        else mask_id_number(application.student_id_number),
        "account": application.account_number
        if revealed
        else mask_id_number(application.account_number),
        "can_reveal": can_reveal and not revealed,
        "problems": problems,
        "can_amend": can_amend,
        "can_check": can_check,
        "form": form,
        "staff": staff,
        "trail": case.steps.select_related("actor", "org").order_by("at", "pk") if case else [],
    }
    return render(request, "aid/application.html", context)


@login_required
@require_GET
def document(request: HttpRequest, pk: int) -> FileResponse:
    """A document of an application the actor may see; staff reading it is audited."""
    actor: User = request.user  # type: ignore[assignment]  # login_required
    doc = (
        ApplicationDocument.objects.select_related("application").filter(pk=pk).first()
        if 0 < pk < 2**63
        else None
    )
    if doc is None:
        raise Http404
    application = selectors.application_get_for(actor, doc.application_id)
    if actor.pk != application.worker_user_id:
        audit_record(
            actor=actor,
            action="aid.document_read",
            org=application.org,
            obj=application,
            after={"document": doc.kind},
        )
    content_type = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
    response = FileResponse(doc.file.open("rb"), content_type=content_type[doc.content_kind])
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response
