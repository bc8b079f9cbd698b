"""The staff pages of the studios and the alliance (R15) through the test client: recording
honour titles, a studio's team, the alliance's advisors and squads, and the subsidy rates.
Each form saves through its service; bad input re-renders with the rule's message and keeps
what was typed; out-of-scope users get a 404 (R1)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import AuditEntry, Org, User
from gonghui.innovation.models import (
    Advisor,
    AdvisorField,
    Squad,
    StudioMember,
    SubsidyKind,
    SubsidyRate,
    Title,
    TitleKind,
    TitleLevel,
)
from gonghui.innovation.services import studios as services
from gonghui.innovation.tests import factories_studios as f
from gonghui.orgs.services import membership_admit, person_create
from gonghui.orgs.tests.factories import member, resident_id

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
ClientFor = Callable[[str], Client]


def _title_post(union: Org, person: str, **extra: object) -> dict[str, object]:
    return {
        "union": union.pk,
        "person": person,
        "kind": TitleKind.CRAFTSMAN,
        "level": TitleLevel.CITY,
        "year": 2023,
        **extra,
    }


# --- Honour titles ----------------------------------------------------------------------------


def test_r15_titles_page_records_a_title_and_the_person_can_then_lead(
    orgs: dict[str, Org], client_for: ClientFor
) -> None:
    factory = orgs[f.FACTORY]
    person = member(factory, "孙工匠").person
    page = client_for("donghu_staff").post(
        reverse("innovation:titles"), _title_post(factory, "孙工匠")
    )
    assert page.status_code == 302
    title = Title.objects.get(person=person)
    assert (title.org, title.kind, title.level, title.year) == (
        factory,
        TitleKind.CRAFTSMAN,
        TitleLevel.CITY,
        2023,
    )
    assert AuditEntry.objects.filter(action="innovation.title_record").exists()
    listed = client_for("donghu_staff").get(reverse("innovation:titles"))
    assert "孙工匠" in listed.text
    # R15: the titled member now appears among the leaders on the propose page.
    propose = client_for("factory_chair").get(reverse("innovation:studio_new"))
    assert "孙工匠" in propose.text


def test_r15_title_for_a_stranger_rerenders_with_the_message_and_keeps_the_input(
    orgs: dict[str, Org], client_for: ClientFor
) -> None:
    page = client_for("donghu_staff").post(
        reverse("innovation:titles"), _title_post(orgs[f.FACTORY], "无此人", year=2021)
    )
    assert page.status_code == 200
    assert _("%(name)s is not a current member of this union.") % {"name": "无此人"} in page.text
    assert 'value="无此人"' in page.text and 'value="2021"' in page.text
    assert not Title.objects.exists()


def test_r15_duplicate_title_is_refused_by_the_service(
    orgs: dict[str, Org], client_for: ClientFor
) -> None:
    factory = orgs[f.FACTORY]
    f.titled(factory, "周劳模", kind=TitleKind.CRAFTSMAN, level=TitleLevel.CITY, year=2023)
    page = client_for("donghu_staff").post(
        reverse("innovation:titles"), _title_post(factory, "周劳模")
    )
    assert page.status_code == 200
    assert _("This title is recorded already.") in page.text
    assert Title.objects.count() == 1


def test_r15_a_shared_name_needs_the_id_number(orgs: dict[str, Org], client_for: ClientFor) -> None:
    factory = orgs[f.FACTORY]
    member(factory, "王同名")
    number = resident_id()
    second = person_create(actor=None, org=factory, id_number=number, name="王同名")
    membership_admit(actor=None, person=second, org=factory, start_date=timezone.localdate())
    client = client_for("donghu_staff")
    page = client.post(reverse("innovation:titles"), _title_post(factory, "王同名"))
    assert page.status_code == 200
    assert (
        _("Several members are named %(name)s: give the ID number instead.") % {"name": "王同名"}
        in page.text
    )
    done = client.post(reverse("innovation:titles"), _title_post(factory, number))
    assert done.status_code == 302
    assert Title.objects.get().person == second


def test_r1_titles_are_scoped_to_the_actors_subtree(
    orgs: dict[str, Org], client_for: ClientFor
) -> None:
    factory = orgs[f.FACTORY]
    f.titled(factory, "吴劳模")
    member(factory, "郑某")
    xishan = client_for("xishan_staff")
    assert "吴劳模" not in xishan.get(reverse("innovation:titles")).text
    # 西山's staff cannot record a title at 东湖's factory union: not a choice they have.
    refused = xishan.post(reverse("innovation:titles"), _title_post(factory, "郑某"))
    assert refused.status_code == 200
    assert not Title.objects.filter(person__name="郑某").exists()
    for persona in ("factory_chair", "courier_worker", "employer_hr"):
        assert client_for(persona).get(reverse("innovation:titles")).status_code == 404


# --- A studio's team --------------------------------------------------------------------------


def test_r15_host_union_adds_a_team_member_with_a_role(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    studio = f.proposed(personas, orgs, "团队工作室")
    person = member(orgs[f.FACTORY], "冯技师").person
    client = client_for("factory_chair")
    assert (
        'data-testid="team-add"' in client.get(reverse("innovation:studio", args=[studio.pk])).text
    )
    page = client.post(
        reverse("innovation:team_add", args=[studio.pk]), {"person": "冯技师", "role": "技术骨干"}
    )
    assert page.status_code == 302
    assert StudioMember.objects.get(studio=studio, person=person).role == "技术骨干"
    shown = client.get(reverse("innovation:studio", args=[studio.pk]))
    assert "冯技师" in shown.text and "技术骨干" in shown.text


def test_r15_team_member_from_another_union_or_twice_is_refused_with_input_kept(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    studio = f.proposed(personas, orgs, "团队工作室")
    member(orgs["HH-XS-JD1-001"], "陈外人")
    member(orgs[f.FACTORY], "褚技师")
    client = client_for("factory_chair")
    url = reverse("innovation:team_add", args=[studio.pk])
    page = client.post(url, {"person": "陈外人", "role": "顾问"})
    assert page.status_code == 200
    assert _("%(name)s is not a current member of this union.") % {"name": "陈外人"} in page.text
    assert 'value="顾问"' in page.text
    assert client.post(url, {"person": "褚技师"}).status_code == 302
    again = client.post(url, {"person": "褚技师", "role": "再加"})
    assert again.status_code == 200
    assert _("%(name)s is in the team already.") % {"name": "褚技师"} in again.text
    assert 'value="再加"' in again.text
    assert StudioMember.objects.filter(studio=studio, person__name="褚技师").count() == 1


def test_r1_team_page_is_404_outside_the_host_line(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    studio = f.proposed(personas, orgs, "团队工作室")
    member(orgs[f.FACTORY], "卫技师")
    url = reverse("innovation:team_add", args=[studio.pk])
    for persona in ("xishan_staff", "courier_chair", "courier_worker", "employer_hr"):
        client = client_for(persona)
        assert client.get(url).status_code == 404
        assert client.post(url, {"person": "卫技师"}).status_code == 404
    assert not StudioMember.objects.filter(person__name="卫技师").exists()
    assert client_for("city_admin").get(url).status_code == 200


# --- The alliance's advisors and squads -------------------------------------------------------


def test_r15_city_staff_add_an_expert_advisor(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    f.alliance(personas, orgs)
    person = member(orgs["HH-XS-JD1-001"], "蒋专家").person
    client = client_for("city_admin")
    alliance_page = client.get(reverse("innovation:alliance")).text
    assert reverse("innovation:advisor_new") in alliance_page
    page = client.post(
        reverse("innovation:advisor_new"),
        {"person": "蒋专家", "field": AdvisorField.MATERIALS, "note": "高级工程师"},
    )
    assert page.status_code == 302
    advisor = Advisor.objects.get(person=person)
    assert (advisor.field, advisor.note) == (AdvisorField.MATERIALS, "高级工程师")
    assert "蒋专家" in client.get(reverse("innovation:alliance")).text
    twice = client.post(
        reverse("innovation:advisor_new"),
        {"person": "蒋专家", "field": AdvisorField.IT, "note": "再次"},
    )
    assert twice.status_code == 200
    assert _("%(name)s advises already.") % {"name": "蒋专家"} in twice.text
    assert 'value="再次"' in twice.text
    assert Advisor.objects.count() == 1


def test_r15_city_staff_form_a_squad_and_a_duplicate_name_keeps_the_input(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    f.alliance(personas, orgs)
    client = client_for("city_admin")
    assert 'data-testid="squad-add"' in client.get(reverse("innovation:alliance")).text
    url = reverse("innovation:squad_new")
    done = client.post(url, {"name": "数控服务队", "speciality": "数控维修", "leader": "沈队长"})
    assert done.status_code == 302
    squad = Squad.objects.get(name="数控服务队")
    assert (squad.speciality, squad.leader) == ("数控维修", "沈队长")
    again = client.post(url, {"name": "数控服务队", "speciality": "另一专长"})
    assert again.status_code == 200
    assert _("Give the squad a name of its own.") in again.text
    assert 'value="另一专长"' in again.text
    missing = client.post(url, {"name": "", "speciality": "健康"})
    assert missing.status_code == 200
    assert _("This field is required.") in missing.text and 'value="健康"' in missing.text
    assert Squad.objects.count() == 1


def test_r1_alliance_forms_are_404_below_the_alliances_org(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    f.alliance(personas, orgs)
    member(orgs[f.FACTORY], "韩某")
    for persona in ("donghu_staff", "factory_chair", "courier_worker"):
        client = client_for(persona)
        assert 'data-testid="squad-add"' not in client.get(reverse("innovation:alliance")).text
        assert (
            client.post(
                reverse("innovation:squad_new"), {"name": "x", "speciality": "y"}
            ).status_code
            == 404
        )
        posted = client.post(
            reverse("innovation:advisor_new"), {"person": "韩某", "field": AdvisorField.IT}
        )
        assert posted.status_code == 404
    assert not Squad.objects.exists() and not Advisor.objects.exists()


# --- Subsidy rates ----------------------------------------------------------------------------


def test_r15_subsidy_rate_set_at_the_actors_org_is_the_one_in_force(
    orgs: dict[str, Org], client_for: ClientFor
) -> None:
    client = client_for("city_admin")
    before = client.get(reverse("innovation:subsidy_rates"))
    assert before.status_code == 200 and _("R15 default") in before.text
    page = client.post(
        reverse("innovation:subsidy_rates"),
        {"org": orgs["HH"].pk, "year": YEAR, "kind": SubsidyKind.NEW, "amount": "60000.50"},
    )
    assert page.status_code == 302
    assert SubsidyRate.objects.get(org=orgs["HH"], year=YEAR, kind=SubsidyKind.NEW).amount == (
        Decimal("60000.50")
    )
    assert services.subsidy_amount(org=orgs[f.FACTORY], year=YEAR, kind=SubsidyKind.NEW) == Decimal(
        "60000.50"
    )
    after = client.get(reverse("innovation:subsidy_rates")).text
    assert "60,000.50" in after and _("set here") in after
    # 东湖 inherits the city's rate and sees where it comes from.
    assert (
        _("set above") in client_for("donghu_staff").get(reverse("innovation:subsidy_rates")).text
    )


def test_r15_subsidy_rate_bad_input_rerenders_and_loses_nothing(
    orgs: dict[str, Org], client_for: ClientFor
) -> None:
    client = client_for("donghu_staff")
    zero = client.post(
        reverse("innovation:subsidy_rates"),
        {"org": orgs["HH-DH"].pk, "year": YEAR, "kind": SubsidyKind.RECONFIRMED, "amount": "0"},
    )
    assert zero.status_code == 200
    assert 'value="0"' in zero.text and 'name="amount"' in zero.text
    limit = _("Ensure this value is greater than or equal to %(limit_value)s.")
    assert limit % {"limit_value": "0.01"} in zero.text
    # R1: 东湖's staff set rates at 东湖, not at the city.
    above = client.post(
        reverse("innovation:subsidy_rates"),
        {"org": orgs["HH"].pk, "year": YEAR, "kind": SubsidyKind.NEW, "amount": "1.00"},
    )
    assert above.status_code == 200
    assert not SubsidyRate.objects.exists()
    assert client_for("factory_chair").get(reverse("innovation:subsidy_rates")).status_code == 404
