"""Pages anyone may open: the verification of a certificate and a contest's published winners;
and a certificate's PDF for its holder and the contest's staff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.competitions.certificates import certificate_pdf
from gonghui.competitions.models import Certificate, Contest
from gonghui.competitions.selectors import standings
from gonghui.core import ratelimit
from gonghui.core.models import User
from gonghui.core.permissions import Perm
from gonghui.core.personal_data import mask_name
from gonghui.core.scoping import actor_can
from gonghui.scoring.models import PanelState

VERIFICATIONS_PER_HOUR = 60


def get_certificate_for(actor: User, pk: int) -> Certificate:
    """The certificate when the actor is its holder or runs contests at its org; else 404."""
    certificate = (
        Certificate.objects.select_related("contest__org", "person").filter(pk=pk).first()
        if 0 < pk < 2**63
        else None
    )
    if certificate is None or not (
        (certificate.person.user_id is not None and certificate.person.user_id == actor.pk)
        or actor_can(actor, Perm.CONTEST_MANAGE, certificate.contest.org)
    ):
        raise Http404
    return certificate


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone holding a certificate's code (or its QR) sees whether it is genuine and valid;
    the winner's name is masked. Rate-limited per address, so codes cannot be guessed."""
    if not ratelimit.allow(ratelimit.client_key(request, "certificate"), VERIFICATIONS_PER_HOUR):
        return render(request, "competitions/verify.html", {"limited": True}, status=429)
    certificate = (
        Certificate.objects.select_related("contest__org", "person")
        .filter(code=code.strip().upper()[:16])
        .first()
    )
    if certificate is None:
        raise Http404
    context = {"certificate": certificate, "masked_name": mask_name(certificate.person.name)}
    return render(request, "competitions/verify.html", context)


@login_required
@require_GET
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    certificate = get_certificate_for(request.user, pk)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


@require_GET
def results_public(request: HttpRequest, pk: int) -> HttpResponse:
    """The published list of a contest's winners (R19: all at once), for anyone: prizes and
    merit awards with the winners' names and units, as a results announcement prints them."""
    contest = (
        Contest.objects.select_related("org").filter(pk=pk).first() if 0 < pk < 2**63 else None
    )
    if contest is None:
        raise Http404
    panel, rows = standings(contest)
    if panel is None or panel.state != PanelState.PUBLISHED:
        raise Http404
    winners = [row for row in rows if row.result.prize_tier or row.result.merit]
    context = {"contest": contest, "panel": panel, "winners": winners, "entrants": len(rows)}
    return render(request, "competitions/results_public.html", context)
