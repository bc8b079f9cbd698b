"""Studio and alliance test data, made through the real services (R15)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gonghui.core.models import Org, User
from gonghui.innovation.models import (
    Advisor,
    AdvisorField,
    Alliance,
    Squad,
    Studio,
    StudioLevel,
    TitleKind,
    TitleLevel,
)
from gonghui.innovation.services import alliance as alliance_services
from gonghui.innovation.services import studios as services
from gonghui.orgs.models import Person
from gonghui.orgs.tests.factories import member
from gonghui.review.models import Notice
from gonghui.review.notices import notice_close

FACTORY = "HH-DH-JD1-001"


def titled(
    org: Org,
    name: str = "劳模甲",
    *,
    kind: str = TitleKind.MODEL_WORKER,
    level: str = TitleLevel.CITY,
    year: int = 2020,
) -> Person:
    person = member(org, name).person
    services.title_record(actor=None, person=person, org=org, kind=kind, level=level, year=year)
    return person


def alliance(personas: dict[str, User], orgs: dict[str, Org]) -> Alliance:
    found = Alliance.objects.filter(org=orgs["HH"]).first()
    return found or alliance_services.alliance_create(
        actor=personas["city_admin"], org=orgs["HH"], name="淮河市劳模工匠创新工作室联盟"
    )


def proposed(
    personas: dict[str, User],
    orgs: dict[str, Org],
    name: str = "赵劳模创新工作室",
    *,
    level: str = StudioLevel.CITY,
    leader: Person | None = None,
) -> Studio:
    return services.studio_propose(
        actor=personas["factory_chair"],
        org=orgs[FACTORY],
        name=name,
        level=level,
        field="manufacturing",
        leader=leader or titled(orgs[FACTORY], f"{name[:2]}领衔"),
        premises="二号厂房三楼",
    )


def named(
    personas: dict[str, User],
    orgs: dict[str, Org],
    name: str = "赵劳模创新工作室",
    *,
    level: str = StudioLevel.CITY,
) -> Studio:
    """Proposed by the factory's chair, approved by 东湖 and the city, published, and
    confirmed when the notice period is over (R5, R6)."""
    studio = proposed(personas, orgs, name, level=level)
    services.studio_naming_approve(actor=personas["donghu_staff"], studio=studio)
    studio = services.studio_naming_approve(actor=personas["city_admin"], studio=studio)
    notice_over(studio)
    studio.refresh_from_db()
    return studio


def notice_over(studio: Studio) -> None:
    """The studio's public notice runs its days with no objection and closes."""
    assert studio.case is not None
    notice = Notice.objects.get(entries__case=studio.case)
    past = timezone.localdate() - dt.timedelta(days=1)
    Notice.objects.filter(pk=notice.pk).update(starts_on=past, ends_on=past)
    notice_close(notice_id=notice.pk)


def squad(personas: dict[str, User], orgs: dict[str, Org], name: str = "技能服务队") -> Squad:
    return alliance_services.squad_create(
        actor=personas["city_admin"],
        alliance=alliance(personas, orgs),
        name=name,
        speciality="技术攻关",
    )


def advisor(personas: dict[str, User], orgs: dict[str, Org]) -> Advisor:
    person = member(orgs["HH-XS-JD1-001"], "钱顾问").person
    return alliance_services.advisor_add(
        actor=personas["city_admin"],
        alliance=alliance(personas, orgs),
        person=person,
        field=AdvisorField.PATENTS,
        note="知识产权代理师",
    )
