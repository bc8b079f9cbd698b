"""Every write to golden-autumn campaigns and applications, and the awards that the review
chain's top approval commits against the budget (R10–R12)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.aid.models import (
    EXCLUDED_SCHOOL_TYPES,
    Application,
    ApplicationDocument,
    Award,
    Campaign,
    DistrictBudget,
    DocumentKind,
    HouseholdMember,
    SchoolStage,
    SchoolType,
    Tier,
)
from gonghui.aid.services.hardship import district_of
from gonghui.core.models import Org, User
from gonghui.core.money import format_yuan, yuan
from gonghui.core.permissions import Perm
from gonghui.core.personal_data import lookup_hash, mask_name, resident_id_validate
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.core.uploads import upload_check
from gonghui.orgs.models import Person
from gonghui.orgs.selectors import standing_membership
from gonghui.review import services as review
from gonghui.review.models import CaseState, Decision, ReviewCase

PROGRAM = "aid.autumn"
GRASSROOTS = 4

# R12's guard: the campaign row is locked while the budget is checked and the award written.
# Only the concurrency test turns it off, to show the overdraw it prevents.
BUDGET_LOCK = True
# The concurrency test widens the gap between reading what is committed and writing the
# award, so that unguarded approvals overlap as they would under load.
RACE_WINDOW = 0.0


# --- Campaigns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignData:
    title: str
    year: int
    budget: Decimal
    opens_on: object
    closes_on: object
    other_schemes: str = ""


def _tiers_set(campaign: Campaign, tiers: Mapping[tuple[str, bool], Decimal | None]) -> None:
    for (stage, on_file), amount in tiers.items():
        if stage not in SchoolStage.values:
            raise ValidationError(_("Unknown school stage %(stage)s.") % {"stage": stage})
        if amount in (None, ""):
            Tier.objects.filter(campaign=campaign, stage=stage, on_file=on_file).delete()
            continue
        value = yuan(amount)  # type: ignore[arg-type]  # None and "" handled above
        if value <= 0:
            raise ValidationError(_("Tier amounts are above zero."))
        Tier.objects.update_or_create(
            campaign=campaign, stage=stage, on_file=on_file, defaults={"amount": value}
        )


def _district_budgets_set(campaign: Campaign, budgets: Mapping[Org, Decimal | None]) -> None:
    for district, amount in budgets.items():
        if district.level != 2 or not district.path.startswith(campaign.org.path):
            raise ValidationError(_("District budgets are for districts under the campaign."))
        if amount in (None, ""):
            DistrictBudget.objects.filter(campaign=campaign, district=district).delete()
            continue
        DistrictBudget.objects.update_or_create(
            campaign=campaign,
            district=district,
            defaults={"amount": yuan(amount)},  # type: ignore[arg-type]
        )


@transaction.atomic
def campaign_save(
    *,
    actor: User,
    org: Org,
    data: CampaignData,
    tiers: Mapping[tuple[str, bool], Decimal | None],
    district_budgets: Mapping[Org, Decimal | None] | None = None,
    campaign: Campaign | None = None,
) -> Campaign:
    """Creates or edits a campaign with its tier table (R10) and district budgets (R12).
    The budget cannot drop below what is already committed."""
    if not actor_can(actor, Perm.AID_MANAGE, org):
        raise PermissionDenied
    budget = yuan(data.budget)
    if budget <= 0:
        raise ValidationError(_("The budget is above zero."))
    if data.closes_on < data.opens_on:  # type: ignore[operator]  # dates
        raise ValidationError(_("Applications close after they open."))
    if campaign is None:
        campaign = Campaign(org=org, created_by=actor)
        action = "aid.campaign_create"
    else:
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.org_id != org.pk:
            raise PermissionDenied
        if budget < committed(campaign):
            raise ValidationError(
                _("The budget cannot go below the %(amount)s already committed.")
                % {"amount": format_yuan(committed(campaign))}
            )
        action = "aid.campaign_update"
    campaign.title = data.title.strip()
    campaign.year = data.year
    campaign.budget = budget
    campaign.opens_on = data.opens_on  # type: ignore[assignment]  # a date
    campaign.closes_on = data.closes_on  # type: ignore[assignment]  # a date
    campaign.other_schemes = data.other_schemes.strip()
    campaign.save()
    _tiers_set(campaign, tiers)
    _district_budgets_set(campaign, district_budgets or {})
    audit_record(
        actor=actor,
        action=action,
        org=org,
        obj=campaign,
        after={"budget": budget, "tiers": campaign.tiers.count(), "year": data.year},
    )
    return campaign


# --- Money committed -------------------------------------------------------------------------


def committed(campaign: Campaign, district: Org | None = None) -> Decimal:
    """Uncancelled awards less their reversals: what the budget has given."""
    awards = Award.objects.filter(campaign=campaign, cancelled_at__isnull=True)
    if district is not None:
        awards = awards.filter(district=district)
    return awards.net()


# --- Applications ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StudentData:
    student_name: str
    student_id_number: str
    stage: str
    school: str
    school_type: str
    other_scheme: str
    phone: str
    account_holder: str
    bank: str
    account_number: str


def open_campaigns_for(org: Org) -> list[Campaign]:
    """Campaigns run by the org or a federation above it whose window is open today."""
    today = timezone.localdate()
    ids = [int(pk) for pk in org.path.strip("/").split("/")]
    return list(Campaign.objects.filter(org_id__in=ids, opens_on__lte=today, closes_on__gte=today))


def _open_file_of(worker_hash: str) -> HouseholdMember | None:
    return (
        HouseholdMember.objects.filter(id_hash=worker_hash, file_open=True)
        .select_related("file")
        .first()
    )


def _tier(campaign: Campaign, stage: str, on_file: bool) -> Tier | None:
    return Tier.objects.filter(campaign=campaign, stage=stage, on_file=on_file).first()


def refusals(
    *,
    campaign: Campaign,
    worker_hash: str,
    student_hash: str,
    stage: str,
    school_type: str,
    other_scheme: str,
    exclude_application: int | None = None,
    check_window: bool = True,
) -> list[str]:
    """Everything that stops an application, each naming its rule (R8, R10, R11), shown to
    the applicant before anything is submitted."""
    found: list[str] = []
    today = timezone.localdate()
    if check_window and not campaign.opens_on <= today <= campaign.closes_on:
        found.append(
            _("Applications are taken from %(opens)s to %(closes)s.")
            % {"opens": campaign.opens_on, "closes": campaign.closes_on}
        )
    if school_type in EXCLUDED_SCHOOL_TYPES:
        found.append(
            _("R11: %(kind)s is excluded from golden-autumn aid.")
            % {"kind": SchoolType(school_type).label}
        )
    if other_scheme.strip():
        found.append(
            _("R11: the student is already aided by %(scheme)s; no second award.")
            % {"scheme": other_scheme.strip()}
        )
    earlier = Application.objects.filter(year=campaign.year, student_hash=student_hash, live=True)
    awarded = Award.objects.filter(
        year=campaign.year, student_hash=student_hash, cancelled_at__isnull=True
    )
    if exclude_application is not None:
        earlier = earlier.exclude(pk=exclude_application)
        awarded = awarded.exclude(application_id=exclude_application)
    if earlier.exists() or awarded.exists():
        found.append(
            _("R11: this student already has an application or award this year, in this city.")
        )
    on_file = _open_file_of(worker_hash) is not None
    if _tier(campaign, stage, on_file) is None:
        if not on_file and _tier(campaign, stage, True) is not None:
            found.append(
                _(
                    "R8: no hardship file: at this stage the campaign aids families on file "
                    "only; the union opens a file first."
                )
            )
        else:
            found.append(_("R10: the campaign's tier table has no award for this stage."))
    return found


def worker_for(
    actor: User, worker_id_number: str | None
) -> tuple[Org, Person | None, str, str, User | None]:
    """The worker's union, record, ID hash, name and login: the actor themselves when they
    apply for their own child, else the member whose ID the union entered."""
    if worker_id_number is None:
        person = Person.objects.filter(user=actor).first()
        if person is None or not actor_can(actor, Perm.AID_APPLY):
            raise PermissionDenied
    else:
        number = resident_id_validate(worker_id_number)
        person = Person.objects.filter(id_hash=lookup_hash(number)).first()
        if person is None:
            raise ValidationError(_("No member has this ID number."), code="not_member")
    membership = standing_membership(person)
    if membership is None or membership.state not in ("active", "retained"):
        raise ValidationError(
            _("Golden-autumn aid is for union members; %(name)s has no current membership.")
            % {"name": person.name},
            code="not_member",
        )
    org = membership.org
    if worker_id_number is not None and not actor_can(actor, Perm.CASE_OPEN, org):
        raise ValidationError(
            _("%(name)s is not a member of your union.") % {"name": person.name},
            code="not_member",
        )
    if org.level != GRASSROOTS:
        raise ValidationError(_("Applications are made through a grassroots union."))
    return org, person, person.id_hash, person.name, person.user


@transaction.atomic
def application_submit(
    *,
    actor: User,
    campaign: Campaign,
    data: StudentData,
    documents: Mapping[str, UploadedFile],
    worker_id_number: str | None = None,
) -> Application:
    """A worker applies for their child (worker_id_number None), or the union applies on a
    member's behalf. Refusals are all named at once; nothing is kept when one applies. The
    case opens at the worker's union, which checks and submits it."""
    org, _person, worker_hash, worker_name, worker_user = worker_for(actor, worker_id_number)
    if not org.path.startswith(campaign.org.path):
        raise ValidationError(_("This campaign is not run for your union."))
    student_number = resident_id_validate(data.student_id_number)
    student_hash = lookup_hash(student_number)
    problems = refusals(
        campaign=campaign,
        worker_hash=worker_hash,
        student_hash=student_hash,
        stage=data.stage,
        school_type=data.school_type,
        other_scheme=data.other_scheme,
    )
    missing = [DocumentKind(k).label for k in DocumentKind.values if k not in documents]
    if missing:
        problems.append(
            _("Upload these documents: %(list)s.") % {"list": "、".join(map(str, missing))}
        )
    kinds = _documents_checked(documents, problems)
    if problems:
        raise ValidationError(problems, code="refused")
    member = _open_file_of(worker_hash)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                campaign=campaign,
                year=campaign.year,
                org=org,
                district=district_of(org),
                worker_name=worker_name,
                worker_hash=worker_hash,
                worker_user=worker_user,
                phone=data.phone.strip(),
                student_name=data.student_name.strip(),
                student_id_number=student_number,
                student_hash=student_hash,
                stage=data.stage,
                school=data.school.strip(),
                school_type=data.school_type,
                other_scheme="",
                hardship_file=member.file if member else None,
                account_holder=data.account_holder.strip(),
                bank=data.bank.strip(),
                account_number="".join(data.account_number.split()),
                by_union=worker_id_number is not None,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("R11: this student already has an application or award this year, in this city."),
            code="second_award",
        ) from exc
    for kind, upload in documents.items():
        ApplicationDocument.objects.create(
            application=application, kind=kind, file=upload, content_kind=kinds[kind]
        )
    case = review.case_open(
        actor=actor,
        program=PROGRAM,
        subject=application,
        org=org,
        title=public_label(application),
        beneficiary=worker_user,
    )
    application.case = case
    application.save(update_fields=["case"])
    audit_record(
        actor=actor,
        action="aid.application_submit",
        org=org,
        obj=application,
        after={"campaign": campaign.pk, "stage": data.stage, "on_file": member is not None},
    )
    return application


AMENDABLE = (CaseState.DRAFT, CaseState.SENT_BACK)


@transaction.atomic
def application_amend(
    *,
    actor: User,
    application: Application,
    data: StudentData,
    documents: Mapping[str, UploadedFile],
) -> Application:
    """Corrects a draft or an application sent back (R5): the worker or their union fixes what
    the reason said and may replace documents; the union then checks and submits it again.
    The same refusals apply; the application window no longer does."""
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("campaign", "case", "org")
        .get(pk=application.pk)
    )
    own = actor.pk is not None and actor.pk == app.worker_user_id
    if not (own or actor_can(actor, Perm.CASE_OPEN, app.org)):
        raise PermissionDenied
    if app.case is None or app.case.state not in AMENDABLE:
        raise ValidationError(_("Only a draft or an application sent back can be corrected."))
    student_number = resident_id_validate(data.student_id_number)
    student_hash = lookup_hash(student_number)
    problems = refusals(
        campaign=app.campaign,
        worker_hash=app.worker_hash,
        student_hash=student_hash,
        stage=data.stage,
        school_type=data.school_type,
        other_scheme=data.other_scheme,
        exclude_application=app.pk,
        check_window=False,
    )
    kinds = _documents_checked(documents, problems)
    if problems:
        raise ValidationError(problems, code="refused")
    before = {"stage": app.stage, "school": app.school, "school_type": app.school_type}
    app.student_name = data.student_name.strip()
    app.student_id_number = student_number
    app.student_hash = student_hash
    app.stage = data.stage
    app.school = data.school.strip()
    app.school_type = data.school_type
    app.phone = data.phone.strip()
    app.account_holder = data.account_holder.strip()
    app.bank = data.bank.strip()
    app.account_number = "".join(data.account_number.split())
    try:
        with transaction.atomic():
            app.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("R11: this student already has an application or award this year, in this city."),
            code="second_award",
        ) from exc
    for kind, upload in documents.items():
        ApplicationDocument.objects.update_or_create(
            application=app,
            kind=kind,
            defaults={"file": upload, "content_kind": kinds[kind], "uploaded_at": timezone.now()},
        )
    audit_record(
        actor=actor,
        action="aid.application_amend",
        org=app.org,
        obj=app,
        before=before,
        after={
            "stage": app.stage,
            "school": app.school,
            "school_type": app.school_type,
            "documents": sorted(documents),
        },
    )
    return app


def _documents_checked(
    documents: Mapping[str, UploadedFile], problems: list[str]
) -> dict[str, str]:
    """Each upload's kind by its content; what is wrong with any is added to `problems`."""
    kinds = {}
    for kind, upload in documents.items():
        try:
            kinds[kind] = upload_check(upload)
        except ValidationError as exc:
            problems.extend(exc.messages)
    return kinds


def public_label(application: Application) -> str:
    """How the application shows on a public notice: masked, never an ID number (R6)."""
    stage = SchoolStage(application.stage).label
    return f"{mask_name(application.student_name)} · {application.org.name} · {stage}"


def case_label(case: ReviewCase) -> str:
    """The public notice's line for a case: from the application as it is now, so that a
    corrected name shows corrected."""
    application = Application.objects.select_related("org").get(pk=int(case.object_id))
    award = Award.objects.filter(application=application, cancelled_at__isnull=True).first()
    label = public_label(application)
    return f"{label} · {format_yuan(award.amount)}" if award else label


def application_forward(*, actor: User, application: Application) -> ReviewCase:
    """The union has checked the application and its documents and sends it up (R5)."""
    if application.case is None:
        raise ValidationError(_("This application has no case."))
    return review.case_submit(actor=actor, case=application.case)


# --- The review chain's consequences (registered in apps.py) ---------------------------------


def on_decision(case: ReviewCase, decision: str) -> None:
    """Runs inside each decision's transaction: the top approval commits the award within
    the budget; a rejection ends the application; going back releases an unpaid award."""
    application = Application.objects.select_related("campaign", "district").get(
        pk=int(case.object_id)
    )
    if decision == Decision.APPROVE and case.state == CaseState.APPROVED:
        award_commit(application)
    elif decision in (Decision.REJECT, Decision.SEND_BACK):
        _award_cancel(application)
        if decision == Decision.REJECT:
            application.live = False
            application.save(update_fields=["live"])


def award_commit(application: Application) -> Award:
    """The award is the tier table's value for the student's stage, on file or not, at
    approval (R10), and only if the campaign and the district still have it (R12)."""
    campaign = application.campaign
    if BUDGET_LOCK:
        Campaign.objects.select_for_update().get(pk=campaign.pk)
    # R8: the on-file rate needs a file open now, whenever it was opened (a union may file the
    # household after the application came in).
    member = _open_file_of(application.worker_hash)
    on_file = member is not None
    if (member.file_id if member else None) != application.hardship_file_id:
        application.hardship_file_id = member.file_id if member else None
        application.save(update_fields=["hardship_file"])
    tier = _tier(campaign, application.stage, on_file)
    if tier is None:
        raise ValidationError(
            _("R10: the campaign's tier table has no award for this stage (%(file)s).")
            % {"file": _("on file") if on_file else _("off file")},
            code="no_tier",
        )
    spent = committed(campaign)
    if RACE_WINDOW:
        time.sleep(RACE_WINDOW)
    if spent + tier.amount > campaign.budget:
        raise ValidationError(
            _("R12: budget exhausted: %(left)s left, this award is %(amount)s.")
            % {"left": format_yuan(campaign.budget - spent), "amount": format_yuan(tier.amount)},
            code="budget",
        )
    cap = DistrictBudget.objects.filter(campaign=campaign, district=application.district).first()
    if cap is not None and committed(campaign, application.district) + tier.amount > cap.amount:
        raise ValidationError(
            _("R12: %(district)s's budget is exhausted.") % {"district": application.district.name},
            code="budget",
        )
    try:
        with transaction.atomic():
            award = Award.objects.create(
                application=application,
                campaign=campaign,
                year=application.year,
                district=application.district,
                student_hash=application.student_hash,
                stage=application.stage,
                on_file=on_file,
                amount=tier.amount,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("R11: this student already has an award this year."), code="second_award"
        ) from exc
    return award


def _award_cancel(application: Application) -> None:
    award = Award.objects.filter(application=application, cancelled_at__isnull=True).first()
    if award is None:
        return
    if award.batch_id is not None:
        raise ValidationError(
            _("R12: this award is in a payment batch; correct it by a reversal."),
            code="paid",
        )
    award.cancelled_at = timezone.now()
    award.save(update_fields=["cancelled_at"])
