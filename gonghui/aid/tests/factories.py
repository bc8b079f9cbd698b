"""Aid test data made through the real services: a campaign with the demo tier table, living
lines, hardship files and applications with real (tiny) PDF and PNG documents."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.aid.defaults import DEMO_OTHER_SCHEMES, DEMO_TIERS
from gonghui.aid.models import Application, Campaign, HardshipFile, SchoolStage, SchoolType
from gonghui.aid.services import autumn, hardship
from gonghui.core.models import Org, User
from gonghui.orgs.models import Person
from gonghui.orgs.tests.factories import resident_id

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
_students = itertools.count(1)


def documents() -> dict[str, SimpleUploadedFile]:
    return {
        "admission": SimpleUploadedFile("录取通知书.pdf", PDF, "application/pdf"),
        "fees": SimpleUploadedFile("缴费单.png", PNG, "image/png"),
        "income": SimpleUploadedFile("收入证明.pdf", PDF, "application/pdf"),
    }


def campaign(
    actor: User, org: Org, *, budget: Decimal = Decimal(2_072_100), **tiers: Decimal
) -> Campaign:
    today = timezone.localdate()
    return autumn.campaign_save(
        actor=actor,
        org=org,
        data=autumn.CampaignData(
            title=f"{today.year}年金秋助学",
            year=today.year,
            budget=budget,
            opens_on=today - dt.timedelta(days=30),
            closes_on=today + dt.timedelta(days=30),
            other_schemes=DEMO_OTHER_SCHEMES,
        ),
        tiers=DEMO_TIERS,
    )


def living_lines(actor: User, districts: list[Org], monthly: Decimal = Decimal(800)) -> None:
    for district in districts:
        hardship.living_line_set(
            actor=actor, district=district, year=timezone.localdate().year, monthly=monthly
        )


def household_file(
    actor: User, union: Org, worker: Person, *, income: int = 12_000
) -> HardshipFile:
    """A household of three on file: the worker, a spouse and a child."""
    return hardship.hardship_file_open(
        actor=actor,
        org=union,
        members=[
            hardship.MemberData(worker.name, "self", worker.id_number, Decimal(income)),
            hardship.MemberData("配偶", "spouse", resident_id(dt.date(1992, 3, 3), "F")),
            hardship.MemberData("孩子", "child", resident_id(dt.date(2008, 5, 5))),
        ],
        finances=hardship.Finances(spending_illness=Decimal(2000)),
    )


def student_data(**changes: object) -> autumn.StudentData:
    n = next(_students)
    values: dict[str, object] = {
        "student_name": f"学生{n}",
        "student_id_number": resident_id(dt.date(2007, 9, 1)),
        "stage": SchoolStage.UNDERGRADUATE,
        "school": "淮河大学",
        "school_type": SchoolType.ORDINARY,
        "other_scheme": "",
        "phone": "13900001111",
        "account_holder": "周骑手",
        "bank": "中国工商银行淮河分行",
        "account_number": "6222 0212 3456 7890 123",
    }
    values.update(changes)
    return autumn.StudentData(**values)  # type: ignore[arg-type]  # test data


def application(
    actor: User,
    c: Campaign,
    *,
    worker_id_number: str | None = None,
    **changes: object,
) -> Application:
    return autumn.application_submit(
        actor=actor,
        campaign=c,
        data=student_data(**changes),
        documents=documents(),
        worker_id_number=worker_id_number,
    )


def joins(union: Org, name: str, id_number: str) -> Person:
    """Someone already known by ID (a child grown up, now at work) joins a union."""
    from gonghui.orgs.services import membership_admit, person_create

    person = person_create(actor=None, org=union, id_number=id_number, name=name)
    membership_admit(actor=None, person=person, org=union, start_date=dt.date(2024, 7, 1))
    return person
