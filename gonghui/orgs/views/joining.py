"""Joining online (R3): a worker applies on a phone page; the union decides within its
deadline; overdue applications are highlighted for the level above."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import ratelimit
from gonghui.core.models import User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import require
from gonghui.orgs import selectors, services
from gonghui.orgs.forms import JoinForm, RefuseForm, StatusForm
from gonghui.orgs.models import Membership, MembershipState, Person

JOIN_LIMIT = 10  # applications per address per hour


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """The public application page; no login needed, so it is rate-limited per address."""
    form = JoinForm(request.POST or None, initial={"union": request.GET.get("union")})
    unions = selectors.joinable_unions()
    form.fields["union"].queryset = unions  # type: ignore[attr-defined]  # ModelChoiceField
    form.fields["union"].widget.choices = [
        ("", _("Choose your union")),
        *selectors.union_choices(unions),
    ]
    standing: Membership | None = None
    if request.method == "POST":
        if not ratelimit.allow(ratelimit.client_key(request, "join"), JOIN_LIMIT):
            form.add_error(
                None, _("Too many applications from this network; try again in an hour.")
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                person = services.person_find(data["id_number"]) or services.person_create(
                    actor=None,
                    org=data["union"],
                    id_number=data["id_number"],
                    name=data["name"],
                    phone=data["phone"],
                    employer_name=data["employer_name"],
                    new_employment_form=data["new_employment_form"] or "",
                    platform=data["platform"],
                )
                if person.name != data["name"].strip():
                    person = services.person_name_correct(person=person, name=data["name"])
                if person.name != data["name"].strip():
                    raise ValidationError(
                        _(
                            "The name does not match the one registered with "
                            "this ID number. Ask your union for help."
                        )
                    )
                membership = services.membership_apply(person=person, org=data["union"])
            except ValidationError as exc:
                known = services.person_find(data["id_number"])
                if known is not None and known.name == data["name"].strip():
                    standing = services.application_status(known)  # only to the person
                form.add_error(None, exc)
            else:
                return render(request, "orgs/join_done.html", {"membership": membership})
    return render(request, "orgs/join.html", {"form": form, "standing": standing})


@login_required
@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    """Open applications in the actor's scope, the overdue first; the level above sees the
    overdue ones of its unions highlighted."""
    require(request.user, Perm.MEMBER_VIEW)
    overdue_only = request.GET.get("overdue") == "1"
    rows = selectors.applications_for(actor=request.user, overdue_only=overdue_only)
    context = {
        "rows": rows[:200],
        "overdue_only": overdue_only,
        "refuse_form": RefuseForm(),
        "total": rows.count(),
    }
    return render(request, "orgs/applications.html", context)


@login_required
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]  # login_required
    membership = selectors.membership_get_for(actor, pk)
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            services.membership_approve(actor=actor, membership=membership)
            messages.success(
                request, _("%(name)s is now a member.") % {"name": membership.person.name}
            )
        else:
            form = RefuseForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the reason for refusing; the applicant will see it."))
            services.membership_refuse(
                actor=actor,
                membership=membership,
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request,
                _("The application of %(name)s is refused.") % {"name": membership.person.name},
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("orgs:applications")


@require_http_methods(["GET", "POST"])
def join_status(request: HttpRequest) -> HttpResponse:
    """The applicant looks up their application (R3): its union, deadline and decision, with
    the reason when refused. Name and ID number must both match; rate-limited like joining."""
    form = StatusForm(request.POST or None)
    found: Membership | None = None
    refused: Membership | None = None
    looked = False
    if request.method == "POST":
        if not ratelimit.allow(ratelimit.client_key(request, "join-status"), JOIN_LIMIT * 3):
            form.add_error(None, _("Too many look-ups from this network; try again in an hour."))
        elif form.is_valid():
            looked = True
            person = services.person_find(form.cleaned_data["id_number"])
            if person is not None and person.name == form.cleaned_data["name"].strip():
                found = services.application_status(person)
                refused = (
                    Membership.objects.filter(person=person, state=MembershipState.REFUSED)
                    .select_related("org")
                    .order_by("-decided_at")
                    .first()
                )
    context = {"form": form, "found": found, "refused": refused, "looked": looked}
    return render(request, "orgs/join_status.html", context)


@login_required
@require_GET
def my_membership(request: HttpRequest) -> HttpResponse:
    """A worker's own membership, applications and history."""
    require(request.user, Perm.OWN_MEMBERSHIP_VIEW)
    user: User = request.user  # type: ignore[assignment]  # login_required
    person = Person.objects.filter(user=user).first()
    context = {
        "person": person,
        "standing": selectors.standing_membership(person) if person else None,
        "history": selectors.membership_history(person=person) if person else [],
    }
    return render(request, "orgs/my_membership.html", context)
