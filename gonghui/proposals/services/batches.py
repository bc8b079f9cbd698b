"""Recommending adopted proposals upward (R13): a batch to the province, each proposal in at
most one batch (a database constraint), and the batch's submission workbook."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from gonghui.core.models import Org, User
from gonghui.core.money import WAN
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.proposals.models import ADOPTED, BatchItem, Proposal, RecommendationBatch, Step

HEADERS = [
    "序号",
    "建议题目",
    "建议人",
    "所在单位",
    "采纳情况",
    "实施单位",
    "效益类别",
    "经济效益(万元)",
    "推荐意见",
]


@transaction.atomic
def batch_create(*, actor: User, org: Org, year: int, title: str) -> RecommendationBatch:
    """A batch of proposals a federation recommends to the province."""
    if not actor_can(actor, Perm.PROPOSAL_MANAGE, org) or org.level > 3:
        raise PermissionDenied
    if not title.strip():
        raise ValidationError(_("Give the batch a title."), code="title")
    batch = RecommendationBatch.objects.create(
        org=org, year=year, title=title.strip()[:200], created_by=actor
    )
    audit_record(actor=actor, action="proposals.batch_create", org=org, obj=batch)
    return batch


@transaction.atomic
def batch_add(
    *, actor: User, batch: RecommendationBatch, proposal: Proposal, opinion: str = ""
) -> BatchItem:
    """R13: only an adopted proposal of the batch's subtree, and in one batch only."""
    if not actor_can(actor, Perm.PROPOSAL_MANAGE, batch.org):
        raise PermissionDenied
    proposal = (
        Proposal.objects.select_for_update(of=("self",)).select_related("org").get(pk=proposal.pk)
    )
    if not proposal.org.path.startswith(batch.org.path):
        raise ValidationError(
            _("%(title)s is not a proposal of %(org)s.")
            % {"title": proposal.title, "org": batch.org.name},
            code="org",
        )
    if proposal.outcome not in ADOPTED:
        raise ValidationError(
            _("R13: only adopted proposals are recommended to the province; %(title)s is not.")
            % {"title": proposal.title},
            code="not_adopted",
        )
    taken = BatchItem.objects.filter(proposal=proposal).select_related("batch").first()
    if taken is not None:
        raise ValidationError(
            _("R13: %(title)s is already recommended in %(batch)s.")
            % {"title": proposal.title, "batch": taken.batch.title},
            code="in_a_batch",
        )
    try:
        with transaction.atomic():
            item = BatchItem.objects.create(
                batch=batch, proposal=proposal, opinion=opinion.strip()[:300], added_by=actor
            )
    except IntegrityError as exc:  # a concurrent add won the race
        raise ValidationError(
            _("R13: %(title)s is already recommended in another batch.")
            % {"title": proposal.title},
            code="in_a_batch",
        ) from exc
    Step.objects.create(
        proposal=proposal, actor=actor, action="recommend", stage=proposal.stage, note=batch.title
    )
    audit_record(
        actor=actor,
        action="proposals.batch_add",
        org=batch.org,
        obj=batch,
        after={"proposal": proposal.pk},
    )
    return item


def batch_workbook(*, actor: User, batch: RecommendationBatch) -> bytes:
    """The provincial submission form (.xlsx) of a batch. A batch holds a few hundred
    proposals at most, written in well under a second, so it is built in the request."""
    if not actor_can(actor, Perm.PROPOSAL_MANAGE, batch.org):
        raise PermissionDenied
    items = (
        batch.items.select_related(
            "proposal__org", "proposal__implementing_org", "proposal__assessment"
        )
        .prefetch_related("proposal__proposers__person")
        .order_by("pk")
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "合理化建议推荐表"
    sheet.append([batch.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for n, item in enumerate(items, start=1):
        p = item.proposal
        assessment = getattr(p, "assessment", None)
        sheet.append(
            [
                n,
                p.title,
                "、".join(x.person.name for x in p.proposers.all()),
                p.org.name,
                p.get_outcome_display(),
                p.implementing_org.name if p.implementing_org else "",
                assessment.get_kind_display() if assessment else "",
                (assessment.amount / WAN).quantize(Decimal("0.01")) if assessment else "",
                item.opinion,
            ]
        )
    for column, width in zip("ABCDEFGHI", (6, 36, 18, 30, 12, 30, 10, 14, 30), strict=True):
        sheet.column_dimensions[column].width = width
    out = BytesIO()
    book.save(out)
    audit_record(
        actor=actor,
        action="proposals.batch_export",
        org=batch.org,
        obj=batch,
        after={"rows": batch.items.count()},
    )
    return out.getvalue()
