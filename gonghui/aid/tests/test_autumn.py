"""Golden-autumn aid through the real services and the review chain: R10 the award is the
tier at approval, R11 exclusions and one award per student a year, R12 the budget, payment
once and reversals instead of edits, R8 the on-file rate needs an open file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from gonghui.aid.models import Application, Award, Campaign, SchoolStage, Tier
from gonghui.aid.services import autumn, hardship, payments
from gonghui.aid.tests.factories import (
    PDF,
    application,
    campaign,
    documents,
    household_file,
    living_lines,
    student_data,
)
from gonghui.core.models import Org, User
from gonghui.orgs.models import Person
from gonghui.orgs.tests.factories import member
from gonghui.review import notices
from gonghui.review import services as review
from gonghui.review.models import CaseState

pytestmark = pytest.mark.django_db


def _through_city(
    personas: dict[str, User], app: Application, chair: str = "courier_chair"
) -> None:
    assert app.case is not None
    autumn.application_forward(actor=personas[chair], application=app)
    review.case_approve(actor=personas["donghu_staff"], case=app.case)
    review.case_approve(actor=personas["city_admin"], case=app.case)


def _confirm(personas: dict[str, User], orgs: dict[str, Org], apps: list[Application]) -> None:
    notice = notices.notice_publish(
        actor=personas["city_admin"],
        program=autumn.PROGRAM,
        org=orgs["HH"],
        title="公示",
        cases=[(a.case, autumn.public_label(a)) for a in apps],  # type: ignore[misc]
        starts_on=dt.date(2026, 1, 5),
    )
    notices.notice_close(notice_id=notice.pk)


def test_worker_applies_and_the_case_opens_at_their_union(personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    app = application(personas["courier_worker"], world)
    assert app.case is not None
    assert (app.case.state, app.case.org, app.org) == (
        CaseState.DRAFT,
        orgs["HH-DH-KD-001"],
        orgs["HH-DH-KD-001"],
    )
    assert app.case.beneficiary == personas["courier_worker"]
    assert app.district == orgs["HH-DH"] and not app.on_file
    assert sorted(app.documents.values_list("kind", "content_kind")) == [
        ("admission", "pdf"),
        ("fees", "png"),
        ("income", "pdf"),
    ]
    # The worker cannot submit their own case upward (R5): their union does.
    with pytest.raises(PermissionDenied):
        autumn.application_forward(actor=personas["courier_worker"], application=app)
    assert "学生" not in app.case.title and "*" in app.case.title  # masked


def test_r10_award_is_the_tier_at_approval(personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    app = application(personas["courier_worker"], world, stage=SchoolStage.UNDERGRADUATE)
    Tier.objects.filter(campaign=world, stage="undergrad", on_file=False).update(amount=5200)
    _through_city(personas, app)
    award = Award.objects.get(application=app)
    assert (award.amount, award.on_file) == (Decimal(5200), False)


def test_r08_on_file_rate_needs_an_open_file(personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    worker = Person.objects.get(user=personas["courier_worker"])
    file = household_file(personas["courier_chair"], orgs["HH-DH-KD-001"], worker)
    app = application(personas["courier_worker"], world, stage=SchoolStage.PRIMARY)
    assert app.on_file
    _through_city(personas, app)
    assert Award.objects.get(application=app).amount == Decimal(2000)

    # Another child of a household whose file is then closed: no off-file tier at primary.
    other = application(personas["courier_worker"], world, stage=SchoolStage.PRIMARY)
    hardship.hardship_file_close(actor=personas["courier_chair"], file=file, reason="left")
    autumn.application_forward(actor=personas["courier_chair"], application=other)
    review.case_approve(actor=personas["donghu_staff"], case=other.case)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="R10"):
        review.case_approve(actor=personas["city_admin"], case=other.case)  # type: ignore[arg-type]
    other.case.refresh_from_db()  # type: ignore[union-attr]
    assert other.case.state == CaseState.UNDER_REVIEW  # type: ignore[union-attr]  # undone whole


def test_r08_a_file_opened_after_applying_gives_the_on_file_rate(personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    app = application(personas["courier_worker"], world, stage=SchoolStage.UNDERGRADUATE)
    assert not app.on_file  # 5,000 off file, had it been approved now
    worker = Person.objects.get(user=personas["courier_worker"])
    household_file(personas["courier_chair"], orgs["HH-DH-KD-001"], worker)
    _through_city(personas, app)
    app.refresh_from_db()
    assert app.on_file and Award.objects.get(application=app).amount == Decimal(6280)
    assert autumn.case_label(app.case).endswith("东湖快递站点联合工会 · 本科 · ¥6,280.00")


def test_r08_no_file_refused_before_submission(personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="R8：未建困难档案"):
        application(personas["courier_worker"], world, stage=SchoolStage.JUNIOR)
    assert not Application.objects.exists()


def test_r11_exclusions_are_named_all_at_once(personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        application(
            personas["courier_worker"],
            world,
            school_type="military",
            other_scheme="国家助学金",
        )
    text = " ".join(refused.value.messages)
    assert "军事院校不在金秋助学资助范围内" in text and "已获国家助学金资助" in text
    for kind in ("free_teacher", "directed", "sino_foreign", "high_fee", "overseas"):
        with pytest.raises(ValidationError, match="R11"):
            application(personas["courier_worker"], world, school_type=kind)
    assert not Application.objects.exists()


def test_r11_one_award_per_student_per_year_across_the_city(personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    first = application(personas["courier_worker"], world)
    # The other parent, a member in 西山, applies for the same child through their union.
    spouse = member(orgs["HH-XS-JD1-001"], "配偶甲")
    with pytest.raises(ValidationError, match="每生每年限一次"):
        application(
            personas["xishan_staff"],
            world,
            worker_id_number=spouse.person.id_number,
            student_id_number=first.student_id_number,
        )
    # The database refuses a second live application and a second award as well.
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            **{
                f.attname: getattr(first, f.attname)
                for f in Application._meta.concrete_fields
                if f.attname not in ("id", "case_id")
            }
        )
    # Once the first is rejected, the child may be applied for again.
    autumn.application_forward(actor=personas["courier_chair"], application=first)
    review.case_reject(actor=personas["donghu_staff"], case=first.case, reason="材料不实")  # type: ignore[arg-type]
    first.refresh_from_db()
    assert not first.live
    again = application(
        personas["xishan_staff"],
        world,
        worker_id_number=spouse.person.id_number,
        student_id_number=first.student_id_number,
    )
    assert again.by_union and again.org == orgs["HH-XS-JD1-001"]


def test_union_applies_only_for_its_own_members(personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    stranger = member(orgs["HH-XS-JD1-001"], "别处职工")
    with pytest.raises(ValidationError, match="不是本工会会员"):
        application(personas["factory_chair"], world, worker_id_number=stranger.person.id_number)


def test_uploads_must_be_pdf_or_image_by_content(personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    docs = documents()
    docs["fees"] = SimpleUploadedFile(
        "缴费单.pdf", b"MZ\x90\x00 this is a program", "application/pdf"
    )
    docs["income"] = SimpleUploadedFile(
        "证明.pdf", PDF + b"0" * (5 * 1024 * 1024), "application/pdf"
    )
    docs["admission"] = SimpleUploadedFile(
        "通知书.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 10, "image/png"
    )
    with pytest.raises(ValidationError) as refused:
        autumn.application_submit(
            actor=personas["courier_worker"], campaign=world, data=student_data(), documents=docs
        )
    text = " ".join(refused.value.messages)
    assert "缴费单.pdf 不是 PDF" in text and "证明.pdf 超过 5 MB" in text
    assert "通知书.pdf 不是 PDF" in text  # a PNG named .pdf
    with pytest.raises(ValidationError, match="请上传以下材料"):
        autumn.application_submit(
            actor=personas["courier_worker"], campaign=world, data=student_data(), documents={}
        )


def test_window_closed_is_refused(personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=world.pk).update(
        closes_on=dt.date(2026, 1, 31), opens_on=dt.date(2026, 1, 1)
    )
    world.refresh_from_db()
    with pytest.raises(ValidationError, match="申报时间为 2026-01-01 至 2026-01-31"):
        application(personas["courier_worker"], world)


def test_r12_budget_refuses_the_award_that_would_overdraw(personas, orgs) -> None:  # type: ignore[no-untyped-def]
    member(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"])
    living_lines(personas["city_admin"], [orgs["HH-DH"]])
    small = campaign(personas["city_admin"], orgs["HH"], budget=Decimal(10_000))
    first = application(personas["courier_worker"], small)  # off file: 5,000
    second = application(personas["courier_worker"], small)
    third = application(personas["courier_worker"], small)
    _through_city(personas, first)
    _through_city(personas, second)
    with pytest.raises(ValidationError, match=r"R12：预算已用尽：剩余 ¥0\.00"):
        _through_city(personas, third)
    assert autumn.committed(small) == Decimal(10_000)
    third.case.refresh_from_db()  # type: ignore[union-attr]
    assert third.case.reviewing_org == orgs["HH"]  # type: ignore[union-attr]  # still waiting
    assert not Award.objects.filter(application=third).exists()


def test_r12_district_budget_caps_its_district(personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    autumn.campaign_save(
        actor=personas["city_admin"],
        org=orgs["HH"],
        campaign=world,
        data=autumn.CampaignData(
            title=world.title,
            year=world.year,
            budget=world.budget,
            opens_on=world.opens_on,
            closes_on=world.closes_on,
        ),
        tiers={},
        district_budgets={orgs["HH-DH"]: Decimal(5000)},
    )
    a, b = (application(personas["courier_worker"], world) for _ in range(2))
    _through_city(personas, a)
    with pytest.raises(ValidationError, match="东湖区总工会的预算已用尽"):
        _through_city(personas, b)


def test_r12_sustained_objection_releases_the_award(personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    app = application(personas["courier_worker"], world)
    _through_city(personas, app)
    notice = notices.notice_publish(
        actor=personas["city_admin"],
        program=autumn.PROGRAM,
        org=orgs["HH"],
        title="公示",
        cases=[(app.case, autumn.public_label(app))],  # type: ignore[list-item]
    )
    objection = notices.objection_file(
        notice=notice, entry=notice.entries.get(), reason="家庭条件不符"
    )
    notices.objection_answer(
        actor=personas["city_admin"], objection=objection, answer="经核实属实", sustained=True
    )
    assert Award.objects.get(application=app).cancelled_at is not None
    assert autumn.committed(world) == 0


def test_r12_paid_once_then_only_reversed(personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    apps = [application(personas["courier_worker"], world) for _ in range(3)]
    for app in apps:
        _through_city(personas, app)
    with pytest.raises(ValidationError, match="R6：3 笔已批准的资助正在等待公示结束"):
        payments.batch_create(actor=personas["city_admin"], campaign=world)
    _confirm(personas, orgs, apps[:2])
    batch = payments.batch_create(actor=personas["city_admin"], campaign=world)
    assert (batch.count, batch.total) == (2, Decimal(10_000))
    with pytest.raises(ValidationError, match="R6：1 笔"):  # the third is not on a notice
        payments.batch_create(actor=personas["city_admin"], campaign=world)
    payments.batch_mark_paid(actor=personas["city_admin"], batch=batch, bank_reference="ICBC-1")
    award = Award.objects.get(application=apps[0])
    # A paid award cannot be cancelled: not by the service, not by the database.
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.filter(pk=award.pk).update(
            cancelled_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        )
    reversal = payments.award_reverse(actor=personas["city_admin"], award=award, reason="重复发放")
    award.refresh_from_db()
    assert (award.amount, award.cancelled_at, reversal.amount) == (
        Decimal(5000),
        None,
        Decimal(5000),
    )
    assert payments.paid_total(world) == Decimal(5000)
    assert autumn.committed(world) == Decimal(10_000)  # 3 × 5,000 − 5,000 reversed
    with pytest.raises(ValidationError):
        payments.award_reverse(actor=personas["city_admin"], award=award, reason="再来")
    with pytest.raises(ValidationError, match="只有已发放"):
        payments.award_reverse(
            actor=personas["city_admin"], award=Award.objects.get(application=apps[2]), reason="x"
        )


def test_bank_file_lists_each_award_with_full_account(personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    import io

    import openpyxl

    apps = [application(personas["courier_worker"], world) for _ in range(2)]
    for app in apps:
        _through_city(personas, app)
    _confirm(personas, orgs, apps)
    batch = payments.batch_create(actor=personas["city_admin"], campaign=world)
    book = openpyxl.load_workbook(
        io.BytesIO(payments.batch_xlsx(actor=personas["city_admin"], batch=batch))
    )
    rows = list(book.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[1][:5] == ("序号", "户名", "账号", "开户行", "金额（元）")
    assert rows[2][2] == "6222021234567890123" and rows[2][4] == 5000
    assert rows[4][3:5] == ("合计", 10000)
    with pytest.raises(PermissionDenied):
        payments.batch_xlsx(actor=personas["donghu_staff"], batch=batch)


def test_donor_pairs_one_to_one_with_an_aided_student(personas, orgs, world) -> None:  # type: ignore[no-untyped-def]
    app = application(personas["courier_worker"], world)
    donor = payments.donor_create(
        actor=personas["city_admin"], org=orgs["HH"], name="淮河钢铁集团", kind="firm"
    )
    with pytest.raises(ValidationError, match="只能与已获资助"):
        payments.pairing_create(actor=personas["city_admin"], donor=donor, application=app)
    _through_city(personas, app)
    payments.pairing_create(
        actor=personas["city_admin"], donor=donor, application=app, yearly=Decimal(3000)
    )
    other = payments.donor_create(
        actor=personas["city_admin"], org=orgs["HH"], name="劳模张", kind="model_worker"
    )
    with pytest.raises(ValidationError, match="已有结对"):
        payments.pairing_create(actor=personas["city_admin"], donor=other, application=app)
    offer = payments.offer_create(
        actor=personas["city_admin"], donor=donor, kind="internship", title="暑期实习", places=5
    )
    assert offer.places == 5
