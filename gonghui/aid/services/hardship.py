"""Every write to hardship files: open (R8, R9), re-check, spot-check draw, close."""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.aid.models import (
    CloseReason,
    HardshipCategory,
    HardshipCheck,
    HardshipFile,
    HouseholdMember,
    LivingLine,
    Relation,
    SpotCheck,
)
from gonghui.core.models import Org, User
from gonghui.core.money import format_yuan, yuan
from gonghui.core.permissions import Perm
from gonghui.core.personal_data import lookup_hash, resident_id_validate
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.orgs.models import CURRENT_STATES, Membership

SPOT_CHECK_SHARE = Decimal("0.30")  # at least 30% of open files a year


@dataclass(frozen=True)
class MemberData:
    name: str
    relation: str
    id_number: str
    income: Decimal = Decimal(0)
    health: str = ""
    occupation: str = ""


@dataclass(frozen=True)
class Finances:
    """What R9 computes from: a year's household income and rigid spending, and the flags."""

    spending_illness: Decimal = Decimal(0)
    spending_disability: Decimal = Decimal(0)
    spending_schooling: Decimal = Decimal(0)
    homes_owned: int = 0
    employs_others: bool = False
    high_fee_schooling: bool = False
    accident: bool = False


def district_of(org: Org) -> Org:
    """The district or county federation (level 2) above or at `org`."""
    ids = [int(pk) for pk in org.path.strip("/").split("/")]
    found = Org.objects.filter(pk__in=ids, level=2).first()
    if found is None:
        raise ValidationError(_("%(org)s is not under a district or county.") % {"org": org})
    return found


def living_line(district: Org, year: int) -> Decimal:
    line = LivingLine.objects.filter(org=district, year=year).first()
    if line is None:
        raise ValidationError(
            _(
                "No minimum-living line is entered for %(district)s in %(year)d; the "
                "federation enters it on the hardship files page first."
            )
            % {"district": district.name, "year": year},
            code="no_living_line",
        )
    return line.monthly


def refusals(finances: Finances) -> list[str]:
    """R9: households that no file may be opened for, each with its named rule."""
    found = []
    if finances.homes_owned >= 2:
        found.append(_("R9: the household owns two or more homes."))
    if finances.employs_others:
        found.append(_("R9: the household runs a business that employs others."))
    if finances.high_fee_schooling:
        found.append(_("R9: a child is in high-fee private schooling or self-funded study abroad."))
    return found


def category_compute(
    *, income: Decimal, finances: Finances, size: int, monthly_line: Decimal
) -> tuple[Decimal, str | None]:
    """R9: (household income − rigid spending) ÷ household size, a month, against the line:
    below 1× deep, else an accident gives accident hardship, else below 2× relative; None
    when the household does not qualify."""
    rigid = finances.spending_illness + finances.spending_disability + finances.spending_schooling
    per_head = ((income - rigid) / max(size, 1) / 12).quantize(Decimal("0.01"), ROUND_HALF_UP)
    if per_head < monthly_line:
        return per_head, HardshipCategory.DEEP
    if finances.accident:
        return per_head, HardshipCategory.ACCIDENT
    if per_head < 2 * monthly_line:
        return per_head, HardshipCategory.RELATIVE
    return per_head, None


def _assess(
    *, district: Org, year: int, income: Decimal, finances: Finances, size: int
) -> tuple[Decimal, str]:
    problems = refusals(finances)
    line = living_line(district, year)
    per_head, category = category_compute(
        income=income, finances=finances, size=size, monthly_line=line
    )
    if category is None:
        problems.append(
            _(
                "R9: income per head after rigid spending is %(per_head)s a month, not below "
                "twice the minimum-living line (%(line)s)."
            )
            % {"per_head": format_yuan(per_head), "line": format_yuan(line * 2)}
        )
    if problems:
        raise ValidationError(problems, code="refused")
    assert category is not None
    return per_head, category


def _member_under(id_number: str, org: Org) -> bool:
    """Whether the person holds a current membership at `org` or a union below it."""
    return Membership.objects.filter(
        person__id_hash=lookup_hash(id_number),
        state__in=CURRENT_STATES,
        org__path__startswith=org.path,
    ).exists()


def _clean_members(members: Sequence[MemberData]) -> list[tuple[MemberData, str]]:
    if sum(1 for m in members if m.relation == Relation.SELF) != 1:
        raise ValidationError(_("A household lists the worker exactly once, as 'the worker'."))
    cleaned, seen = [], set()
    for m in members:
        if not m.name.strip():
            raise ValidationError(_("Every household member needs a name."))
        try:
            number = resident_id_validate(m.id_number)
        except ValidationError as exc:
            raise ValidationError(f"{m.name}: {' '.join(exc.messages)}") from exc
        if number in seen:
            raise ValidationError(_("%(name)s is listed twice.") % {"name": m.name})
        seen.add(number)
        cleaned.append((m, number))
    return cleaned


@transaction.atomic
def hardship_file_open(
    *,
    actor: User,
    org: Org,
    members: Sequence[MemberData],
    finances: Finances,
    housing: str = "",
    causes: str = "",
) -> HardshipFile:
    """Opens a household's file at the worker's union (R8), its category computed (R9)."""
    if not actor_can(actor, Perm.HARDSHIP_MANAGE, org):
        raise PermissionDenied
    cleaned = _clean_members(members)
    worker = next(m for m, _n in cleaned if m.relation == Relation.SELF)
    worker_number = next(n for m, n in cleaned if m.relation == Relation.SELF)
    if not _member_under(worker_number, org):
        raise ValidationError(
            _(
                "R8: a file is opened by the union where the worker is a member; %(name)s has "
                "no current membership under %(org)s."
            )
            % {"name": worker.name, "org": org.name},
            code="not_member",
        )
    on_file = HouseholdMember.objects.filter(
        id_hash__in=[lookup_hash(n) for _m, n in cleaned], file_open=True
    ).select_related("file")
    if clash := on_file.first():
        raise ValidationError(
            _(
                "R8: %(name)s is already in an open hardship file (%(number)s): one household, "
                "one file."
            )
            % {"name": clash.name, "number": clash.file.number},
            code="second_file",
        )
    district = district_of(org)
    year = timezone.localdate().year
    income = sum((yuan(m.income) for m, _n in cleaned), Decimal(0))
    per_head, category = _assess(
        district=district, year=year, income=income, finances=finances, size=len(cleaned)
    )
    file = HardshipFile.objects.create(
        number=f"tmp{uuid.uuid4().hex[:20]}",  # replaced below, once the file has its id
        org=org,
        district=district,
        annual_income=income,
        spending_illness=yuan(finances.spending_illness),
        spending_disability=yuan(finances.spending_disability),
        spending_schooling=yuan(finances.spending_schooling),
        homes_owned=finances.homes_owned,
        employs_others=finances.employs_others,
        high_fee_schooling=finances.high_fee_schooling,
        accident=finances.accident,
        housing=housing,
        causes=causes,
        per_head=per_head,
        category=category,
        opened_by=actor,
        last_checked=timezone.localdate(),
    )
    file.number = f"KN{year}{file.pk:06d}"
    file.save(update_fields=["number"])
    try:
        with transaction.atomic():
            HouseholdMember.objects.bulk_create(
                HouseholdMember(
                    file=file,
                    name=m.name.strip(),
                    relation=m.relation,
                    id_number=number,
                    id_hash=lookup_hash(number),
                    health=m.health,
                    income=yuan(m.income),
                    occupation=m.occupation,
                )
                for m, number in cleaned
            )
    except IntegrityError as exc:  # another union filed one of them a moment ago
        raise ValidationError(
            _("R8: a member of this household is already in an open hardship file."),
            code="second_file",
        ) from exc
    audit_record(
        actor=actor,
        action="hardship.open",
        org=org,
        obj=file,
        after={"category": category, "per_head": per_head, "members": len(cleaned)},
    )
    return file


def _locked_file(actor: User, file: HardshipFile) -> HardshipFile:
    file = (
        HardshipFile.objects.select_for_update(of=("self",)).select_related("org").get(pk=file.pk)
    )
    if not actor_can(actor, Perm.HARDSHIP_MANAGE, file.org):
        raise PermissionDenied
    if not file.is_open:
        raise ValidationError(_("This file is closed."))
    return file


@transaction.atomic
def hardship_file_recheck(
    *, actor: User, file: HardshipFile, annual_income: Decimal, finances: Finances, note: str = ""
) -> HardshipCheck:
    """The yearly re-check: the figures as found now; the category is computed again, and a
    household that no longer qualifies has its file closed, the reasons recorded."""
    file = _locked_file(actor, file)
    today = timezone.localdate()
    size = file.members.count()
    try:
        per_head, category = _assess(
            district=file.district,
            year=today.year,
            income=yuan(annual_income),
            finances=finances,
            size=size,
        )
        qualifies, reasons = True, ""
    except ValidationError as exc:
        if getattr(exc, "code", None) == "no_living_line":
            raise
        per_head, _found = category_compute(
            income=yuan(annual_income),
            finances=finances,
            size=size,
            monthly_line=living_line(file.district, today.year),
        )
        category, qualifies, reasons = "", False, " ".join(exc.messages)
    check = HardshipCheck.objects.create(
        file=file,
        year=today.year,
        checked_on=today,
        checked_by=actor,
        category=category,
        still_qualifies=qualifies,
        note="\n".join(filter(None, [note.strip(), reasons])),
    )
    before = {"category": file.category, "per_head": file.per_head}
    file.annual_income = yuan(annual_income)
    file.spending_illness = yuan(finances.spending_illness)
    file.spending_disability = yuan(finances.spending_disability)
    file.spending_schooling = yuan(finances.spending_schooling)
    file.homes_owned = finances.homes_owned
    file.employs_others = finances.employs_others
    file.high_fee_schooling = finances.high_fee_schooling
    file.accident = finances.accident
    file.per_head = per_head
    file.last_checked = today
    if qualifies:
        file.category = category
        file.save()
    else:
        file.save()
        _close(actor, file, CloseReason.RECHECK, reasons)
    audit_record(
        actor=actor,
        action="hardship.recheck",
        org=file.org,
        obj=file,
        before=before,
        after={"category": category, "per_head": per_head, "qualifies": qualifies},
    )
    return check


def _close(actor: User, file: HardshipFile, reason: str, note: str) -> None:
    file.is_open = False
    file.close_reason = reason
    file.close_note = note
    file.closed_at = timezone.now()
    file.save(update_fields=["is_open", "close_reason", "close_note", "closed_at"])
    file.members.update(file_open=False)
    audit_record(actor=actor, action="hardship.close", org=file.org, obj=file, reason=note)


@transaction.atomic
def hardship_file_close(
    *, actor: User, file: HardshipFile, reason: str, note: str = ""
) -> HardshipFile:
    """Closes a file with its reason (left hardship, retired, moved, died…); the household
    may be filed again later."""
    file = _locked_file(actor, file)
    if reason not in CloseReason.values:
        raise ValidationError(_("Choose why the file is closed."))
    if reason == CloseReason.OTHER and not note.strip():
        raise ValidationError(_("Say why the file is closed."))
    _close(actor, file, reason, note.strip())
    return file


@transaction.atomic
def spot_check_draw(*, actor: User, org: Org, year: int) -> list[SpotCheck]:
    """Draws open files of the subtree at random until at least 30% of them are on this
    year's spot-check list; files drawn before stay on it."""
    if not actor_can(actor, Perm.HARDSHIP_MANAGE, org):
        raise PermissionDenied
    open_files = list(
        HardshipFile.objects.filter(org__path__startswith=org.path, is_open=True).values_list(
            "pk", flat=True
        )
    )
    drawn = set(
        SpotCheck.objects.filter(file_id__in=open_files, year=year).values_list(
            "file_id", flat=True
        )
    )
    target = math.ceil(len(open_files) * SPOT_CHECK_SHARE)
    pool = [pk for pk in open_files if pk not in drawn]
    picked = random.SystemRandom().sample(pool, max(0, min(len(pool), target - len(drawn))))
    created = SpotCheck.objects.bulk_create(
        SpotCheck(file_id=pk, year=year, drawn_by=actor, drawn_in=org) for pk in picked
    )
    audit_record(
        actor=actor,
        action="hardship.spot_check_draw",
        org=org,
        after={"year": year, "open": len(open_files), "drawn": len(picked), "target": target},
    )
    return created


@transaction.atomic
def living_line_set(*, actor: User, district: Org, year: int, monthly: Decimal) -> LivingLine:
    """Enters (or corrects) a district's minimum-living line for a year."""
    if district.level != 2:
        raise ValidationError(_("Minimum-living lines are set per district or county."))
    if not actor_can(actor, Perm.AID_MANAGE, district):
        raise PermissionDenied
    amount = yuan(monthly)
    if amount <= 0:
        raise ValidationError(_("Enter an amount above zero."))
    line, _created = LivingLine.objects.update_or_create(
        org=district, year=year, defaults={"monthly": amount}
    )
    audit_record(
        actor=actor,
        action="hardship.living_line",
        org=district,
        obj=line,
        after={"year": year, "monthly": amount},
    )
    return line
