"""The public notice page (no login) with its objection form, and the staff page that answers
the objections (R6)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.models import User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.review import notices
from gonghui.review.forms import AnswerForm, ObjectionForm
from gonghui.review.models import Notice, Objection

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
        key = f"review:objections:{notices.source_hash(address)}"
        if int(cache.get_or_set(key, 0, 3600) or 0) >= OBJECTIONS_PER_HOUR:
            form.add_error(None, _("Too many objections from this network; try again in an hour."))
        elif form.is_valid():
            cache.incr(key)
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
    return render(
        request, "review/notice.html", {"notice": notice, "entries": entries, "form": form}
    )


@login_required
@require_http_methods(["GET"])
def notice_objections(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(pk)
    if not actor_can(request.user, Perm.CASE_REVIEW, notice.org):
        raise Http404
    objections = notice.objections.select_related("entry", "answered_by")
    return render(
        request,
        "review/objections.html",
        {"notice": notice, "objections": objections, "form": AnswerForm()},
    )


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
