"""Five-small pages (五小, R14): the rounds and one's own results, a new round, a round's page
(its results, opening the judging panel, the awards), submitting a result (a worker's own, or
their union's for them), and a result's page (pledge, attachments, patents, value created)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.http import form_step, request_user, run_step
from gonghui.core.models import Org
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.innovation import selectors_results as selectors
from gonghui.innovation.forms_results import (
    AWARD_LABELS,
    AttachmentForm,
    PatentForm,
    PledgeForm,
    ResultForm,
    RoundForm,
    ValueForm,
)
from gonghui.innovation.models import (
    FiveSmallAttachment,
    FiveSmallKind,
    FiveSmallResult,
    FiveSmallRound,
    PatentKind,
    RoundState,
)
from gonghui.innovation.services import result_records as records
from gonghui.innovation.services import results as services
from gonghui.orgs.selectors import standing_membership
from gonghui.scoring.models import PanelState


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not actor_can(actor, Perm.INNOVATION_VIEW):
        raise Http404
    mine = selectors.results_for(actor).filter(Q(submitted_by=actor) | Q(authors__user=actor))
    return render(
        request,
        "innovation/results/rounds.html",
        {
            "rounds": list(selectors.rounds_for(actor)[:50]),
            "mine": list(mine.distinct()[:50]),
            "can_create": bool(selectors.round_orgs(actor)),
            "awards": AWARD_LABELS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    orgs = selectors.round_orgs(actor)
    if not orgs:
        raise Http404
    form = RoundForm(request.POST or None, orgs=orgs, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_create(
                actor=actor,
                org=data["org"],
                year=data["year"],
                title=data["title"],
                prize_table=form.prize_table(),
                merit_limit=data["merit"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The round is open for results."))
            return redirect("innovation:five_small_round", pk=round_.pk)
    return render(
        request,
        "innovation/results/round_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    round_ = selectors.round_get_for(actor, pk)
    manage = selectors.can_manage_round(actor, round_)
    results = list(selectors.results_for(actor, round_)[:300])
    panel = services.round_panel(round_)
    kinds = dict(FiveSmallKind.choices)
    return render(
        request,
        "innovation/results/round.html",
        {
            "round": round_,
            "manage": manage,
            "results": results,
            "winners": selectors.round_winners(round_),
            "panel": panel,
            "panel_locked": panel is not None and panel.state != PanelState.OPEN,
            "unpledged": sum(1 for r in results if not r.pledged),
            "can_submit": round_.state == RoundState.OPEN
            and (selectors.own_person(actor) is not None or bool(selectors.submit_units(actor))),
            "awards": AWARD_LABELS,
            "kinds": kinds,
            "prizes": [
                {"label": AWARD_LABELS.get(t["name"], t["name"]), "count": t["count"]}
                for t in round_.prize_table
            ],
        },
    )


def _own_unit(form: ResultForm) -> Org | None:
    if form.own is None:
        return None
    membership = standing_membership(form.own)
    return membership.org if membership is not None else None


@login_required
@require_http_methods(["GET", "POST"])
def result_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    round_ = selectors.round_get_for(actor, pk)
    own = selectors.own_person(actor)
    units = [u for u in selectors.submit_units(actor) if u.path.startswith(round_.org.path)]
    if round_.state != RoundState.OPEN or (own is None and not units):
        raise Http404
    form = ResultForm(request.POST or None, request.FILES or None, units=units, own=own)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = data.get("unit")
        unit = chosen or _own_unit(form)
        people = form.people(unit, include_own=chosen is None) if unit is not None else []
        earlier = (
            FiveSmallResult.objects.filter(pk=data["resubmission_of"]).first()
            if data["resubmission_of"] and data["resubmission_of"] < 2**63
            else None
        )
        if data["resubmission_of"] and earlier is None:
            form.add_error("resubmission_of", _("There is no result with this number."))
        if not form.errors:
            try:
                with transaction.atomic():
                    result = services.result_submit(
                        actor=actor,
                        round_=round_,
                        kind=FiveSmallKind(data["kind"]),
                        title=data["title"],
                        problem=data["problem"],
                        solution=data["solution"],
                        in_use_at=data["in_use_at"],
                        in_use_since=data["in_use_since"],
                        benefit_yuan=data["benefit_yuan"],
                        benefit_text=data["benefit_text"],
                        authors=people,
                        resubmission_of=earlier,
                    )
                    if data.get("attachment"):
                        records.result_attachment_add(
                            actor=actor, result=result, upload=data["attachment"]
                        )
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(
                    request,
                    _("Result no. %(n)s is entered; the unit union pledges it before judging.")
                    % {"n": result.pk},
                )
                return redirect("innovation:five_small_result", pk=result.pk)
    return render(
        request,
        "innovation/results/result_new.html",
        {"round": round_, "form": form},
        status=400 if form.errors else 200,
    )


def _result_page(
    request: HttpRequest, result: FiveSmallResult, **forms_: forms.Form
) -> HttpResponse:
    actor = request_user(request)
    open_round = result.round.state == RoundState.OPEN
    unit_staff = services.is_unit_staff(actor, result.unit)
    may_record = records.may_record(actor, result)
    context: dict[str, Any] = {
        "result": result,
        "authors": list(result.authors.all()),
        "award": AWARD_LABELS.get(result.award, ""),
        "can_pledge": unit_staff and open_round and not result.pledged,
        "can_attach": open_round and records.can_edit(actor, result),
        "may_record": may_record,
        "pledge_form": forms_.get("pledge_form") or PledgeForm(),
        "attachment_form": forms_.get("attachment_form") or AttachmentForm(),
        "patent_form": forms_.get("patent_form") or PatentForm(),
        "value_form": forms_.get("value_form")
        or ValueForm(initial={"value": result.value_created}),
        "patent_kinds": dict(PatentKind.choices),
    }
    status = 400 if any(f.errors for f in forms_.values()) else 200
    return render(request, "innovation/results/result.html", context, status=status)


@login_required
@require_GET
def result_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _result_page(request, selectors.result_get_for(request_user(request), pk))


@login_required
@require_POST
def result_pledge(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    result = selectors.result_get_for(actor, pk)
    if not services.is_unit_staff(actor, result.unit):
        raise Http404
    form = PledgeForm(request.POST)
    if form.is_valid() and form_step(
        form, lambda: services.result_pledge(actor=actor, result=result)
    ):
        messages.success(request, _("The unit's pledge is recorded."))
        return redirect("innovation:five_small_result", pk=result.pk)
    return _result_page(request, result, pledge_form=form)


@login_required
@require_POST
def result_attach(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    result = selectors.result_get_for(actor, pk)
    if not records.can_edit(actor, result):
        raise Http404
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid() and form_step(
        form,
        lambda: records.result_attachment_add(
            actor=actor, result=result, upload=form.cleaned_data["attachment"]
        ),
    ):
        messages.success(request, _("Attachment added."))
        return redirect("innovation:five_small_result", pk=result.pk)
    return _result_page(request, result, attachment_form=form)


@login_required
@require_POST
def result_patent(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    result = selectors.result_get_for(actor, pk)
    if not records.may_record(actor, result):
        raise Http404
    form = PatentForm(request.POST)
    if form.is_valid() and form_step(
        form,
        lambda: records.result_patent_add(
            actor=actor,
            result=result,
            number=form.cleaned_data["number"],
            kind=PatentKind(form.cleaned_data["kind"]),
            granted_on=form.cleaned_data["granted_on"],
        ),
    ):
        messages.success(request, _("Patent recorded."))
        return redirect("innovation:five_small_result", pk=result.pk)
    return _result_page(request, result, patent_form=form)


@login_required
@require_POST
def result_value(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    result = selectors.result_get_for(actor, pk)
    if not records.may_record(actor, result):
        raise Http404
    form = ValueForm(request.POST)
    if form.is_valid() and form_step(
        form,
        lambda: records.result_value_record(
            actor=actor,
            result=result,
            value=form.cleaned_data["value"],
            note=form.cleaned_data["note"],
        ),
    ):
        messages.success(request, _("Value created recorded."))
        return redirect("innovation:five_small_result", pk=result.pk)
    return _result_page(request, result, value_form=form)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment of a result the actor may see; reading someone else's is audited."""
    actor = request_user(request)
    attachment = FiveSmallAttachment.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if attachment is None:
        raise Http404
    result = selectors.result_get_for(actor, attachment.result_id)
    if result.submitted_by_id != actor.pk:
        audit_record(
            actor=actor,
            action="innovation.result_attachment_read",
            org=result.unit,
            obj=result,
            after={"attachment": attachment.name},
        )
    content_type = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
    response = FileResponse(
        attachment.file.open("rb"), content_type=content_type[attachment.content_kind]
    )
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def round_judging_open(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    round_ = selectors.round_get_for(actor, pk)
    panel = run_step(
        request,
        lambda: services.round_judging_open(
            actor=actor,
            round_=round_,
            leave_out_unpledged=request.POST.get("leave_out_unpledged") == "1",
        ),
    )
    if panel is None:
        return redirect("innovation:five_small_round", pk=round_.pk)
    messages.success(request, _("Judging is open: seat the judges on the panel."))
    return redirect("scoring:panel", pk=panel.pk)


@login_required
@require_POST
def round_award(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    round_: FiveSmallRound = selectors.round_get_for(actor, pk)
    awarded = run_step(request, lambda: services.round_award(actor=actor, round_=round_))
    if awarded is not None:
        messages.success(
            request, _("The awards are published: %(n)s results awarded.") % {"n": len(awarded)}
        )
    return redirect("innovation:five_small_round", pk=round_.pk)
