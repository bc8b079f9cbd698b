"""Member export to .xlsx, written row by row to disk (openpyxl's write-only mode) from a
server-side cursor, so a million members never sit in memory. Masked unless the role may see
full values and asked to; a full export is audited."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook

from gonghui.core.models import Org, User
from gonghui.core.permissions import Perm
from gonghui.core.personal_data import mask_id_number, mask_phone
from gonghui.core.progress import progress_advance, progress_finish
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.orgs.models import Membership
from gonghui.orgs.roster.reading import template_rows
from gonghui.orgs.selectors import members_for

HEADERS = [
    "姓名",
    "身份证号码",
    "性别",
    "出生日期",
    "手机号码",
    "学历",
    "职业技能等级",
    "政治面貌",
    "工作单位",
    "工种",
    "新就业形态",
    "平台",
    "所属工会",
    "会籍状态",
    "入会时间",
    "离会时间",
]


def export_path(progress_id: uuid.UUID) -> Path:
    return Path(settings.MEDIA_ROOT) / "exports" / f"{progress_id}.xlsx"


def member_export_run(
    *, progress_id: uuid.UUID, actor_id: int, org_id: int | None, reveal: bool
) -> Path:
    actor = User.objects.get(pk=actor_id)
    org = Org.objects.filter(pk=org_id).first() if org_id else None
    reveal = reveal and org is not None and actor_can(actor, Perm.PERSONAL_DATA_VIEW, org)
    rows = members_for(actor=actor, org=org, state="current")
    total = rows.count()
    progress_advance(progress_id=progress_id, done=0, total=total)
    path = export_path(progress_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Members"))
    sheet.append(HEADERS)
    for done, membership in enumerate(rows.order_by("pk").iterator(chunk_size=2000), start=1):
        sheet.append(_row(membership, reveal))
        if done % 5000 == 0:
            progress_advance(progress_id=progress_id, done=done)
    book.save(path)
    audit_record(
        actor=actor,
        action="members.export_full" if reveal else "members.export",
        org=org,
        after={"rows": total},
    )
    progress_finish(
        progress_id=progress_id,
        message=_("%(count)d members exported.") % {"count": total},
        result_url=f"/members/export/{progress_id}/",
    )
    return path


def _row(membership: Membership, reveal: bool) -> list[object]:
    person = membership.person
    employer = person.employer.name if person.employer else person.employer_name
    return [
        person.name,
        person.id_number if reveal else mask_id_number(person.id_number),
        person.get_sex_display(),
        person.birth_date if reveal else person.birth_date.strftime("%Y-%m"),
        person.phone if reveal else mask_phone(person.phone),
        person.get_education_display(),
        person.skill_grade or "",
        person.get_political_status_display(),
        employer,
        person.job_type,
        person.get_new_employment_form_display() if person.new_employment_form else "",
        person.platform,
        membership.org.name,
        membership.get_state_display(),
        membership.start_date,
        membership.end_date,
    ]


def template_workbook(path: Path | BinaryIO) -> Path | BinaryIO:
    """The roster template with Chinese headers, for unions that start fresh."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("会员花名册")
    for row in template_rows():
        sheet.append(row)
    book.save(path)
    return path


def error_report(
    item_path: Path, header_row: int, errors: list[list[object]], out: Path | BinaryIO
) -> Path | BinaryIO:
    """The uploaded rows that have errors, as they were, with a 错误原因 column added."""
    from gonghui.orgs.roster.reading import iter_rows

    reasons: dict[int, list[str]] = {}
    for number, column, reason in errors:
        reasons.setdefault(int(number), []).append(f"{column}：{reason}")  # type: ignore[call-overload]  # JSON ints
    book = Workbook(write_only=True)
    sheet = book.create_sheet("错误报告")
    for index, row in enumerate(iter_rows(item_path)):
        if index == header_row:
            sheet.append(["行号", *row, "错误原因"])
        elif index > header_row and index + 1 in reasons:
            sheet.append([index + 1, *row, "；".join(reasons[index + 1])])
    book.save(out)
    return out
