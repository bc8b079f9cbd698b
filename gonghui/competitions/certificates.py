"""Winners' certificates: issuing them from a contest's published results, and the PDF, in
Chinese with its TrueType font embedded, so it reads the same on a machine without CJK fonts."""

from __future__ import annotations

import io
import secrets

import qrcode
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from gonghui.competitions.models import Certificate, Contest, Registration
from gonghui.competitions.services import contest_panel
from gonghui.core import fonts
from gonghui.core.models import User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.scoring.models import PanelState, Result

FONT_PATH = fonts.FONT_PATH  # a test points it elsewhere
FONT_NAME = "WenQuanYiMicroHei"
# No 0/O, 1/I/L: read aloud or typed from paper without doubt.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
PRIZE_TITLES = {
    "first": gettext_lazy("First prize"),
    "second": gettext_lazy("Second prize"),
    "third": gettext_lazy("Third prize"),
}
MERIT_TITLE = gettext_lazy("Merit award")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def verify_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("competitions:verify", args=[certificate.code])


def _award_title(result: Result) -> str:
    """The award as printed: the tier's Chinese name (any tier of a custom table as named)."""
    with translation.override("zh-hans"):
        if result.prize_tier:
            return str(PRIZE_TITLES.get(result.prize_tier, result.prize_tier))
        return str(MERIT_TITLE)


@transaction.atomic
def certificates_issue(*, actor: User, contest: Contest) -> list[Certificate]:
    """R19: a certificate for every contestant of each entry with a prize tier or a merit
    award, once the contest's results are published; by contest staff at its org. Issuing
    again adds only the certificates still missing, and returns those."""
    contest = (
        Contest.objects.select_for_update(of=("self",)).select_related("org").get(pk=contest.pk)
    )
    if not actor_can(actor, Perm.CONTEST_MANAGE, contest.org):
        raise PermissionDenied
    panel = contest_panel(contest)
    if panel is None or panel.state != PanelState.PUBLISHED:
        raise ValidationError(
            _("Certificates are issued once the contest's results are published."),
            code="not_published",
        )
    results = Result.objects.filter(panel=panel).exclude(prize_tier="", merit=False)
    titles = {int(r.entry.object_id): _award_title(r) for r in results.select_related("entry")}
    registrations = Registration.objects.filter(contest=contest, pk__in=titles).prefetch_related(
        "contestants"
    )
    issued_already = set(
        Certificate.objects.filter(contest=contest).values_list("registration_id", "person_id")
    )
    issued = []
    for registration in registrations:
        for contestant in registration.contestants.all():
            if (registration.pk, contestant.person_id) in issued_already:
                continue
            issued.append(
                Certificate.objects.create(
                    contest=contest,
                    registration=registration,
                    person_id=contestant.person_id,
                    title=titles[registration.pk],
                    code=new_code(),
                    issued_by=actor,
                )
            )
    audit_record(
        actor=actor,
        action="competitions.certificates_issue",
        org=contest.org,
        obj=contest,
        after={"certificates": [c.pk for c in issued]},
    )
    return issued


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Withdraws a certificate, with the reason, by contest staff at its org; the verification
    page then says it is revoked. Once: a revoked certificate stays revoked."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("contest__org")
        .get(pk=certificate.pk)
    )
    if not actor_can(actor, Perm.CONTEST_MANAGE, certificate.contest.org):
        raise PermissionDenied
    if certificate.revoked_at is not None:
        raise ValidationError(_("This certificate is revoked already."), code="revoked")
    if not reason.strip():
        raise ValidationError(_("Say why the certificate is revoked."), code="reason")
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason.strip()
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    audit_record(
        actor=actor,
        action="competitions.certificate_revoke",
        org=certificate.contest.org,
        obj=certificate,
        reason=certificate.revoked_reason,
    )
    return certificate


def _font() -> str:
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        path = fonts.cjk_font("Certificates", FONT_PATH)
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME


def _qr_png(url: str) -> ImageReader:
    buffer = io.BytesIO()
    qrcode.make(url, box_size=8, border=2).save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def certificate_pdf(certificate: Certificate) -> bytes:
    """One A4 landscape page in Chinese: the contest, the winner, the award, the organiser,
    the date, the verification code and a QR code of the public verification page."""
    font = _font()
    contest = certificate.contest
    width, height = landscape(A4)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    pdf.setTitle(f"{contest.title} {certificate.title}")
    with translation.override("zh-hans"):
        heading = _("Certificate of award")
        body = _("at the %(contest)s, won the") % {"contest": contest.title}
        code_line = _("Verification code: %(code)s") % {"code": certificate.code}
        scan = _("Scan to verify")
    issued = timezone.localtime(certificate.issued_at).date()
    centre = width / 2
    pdf.setLineWidth(3)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.setFont(font, 40)
    pdf.drawCentredString(centre, height - 120, heading)
    pdf.setFont(font, 30)
    pdf.drawCentredString(centre, height - 200, certificate.person.name)
    pdf.setFont(font, 18)
    pdf.drawCentredString(centre, height - 250, body)
    pdf.setFont(font, 34)
    pdf.drawCentredString(centre, height - 310, certificate.title)
    pdf.setFont(font, 16)
    pdf.drawRightString(width - 90, 150, contest.org.name)
    pdf.drawRightString(width - 90, 125, f"{issued.year}年{issued.month}月{issued.day}日")
    pdf.drawImage(_qr_png(verify_url(certificate)), 70, 80, width=110, height=110)
    pdf.setFont(font, 11)
    pdf.drawString(70, 68, scan)
    pdf.drawString(200, 90, code_line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
