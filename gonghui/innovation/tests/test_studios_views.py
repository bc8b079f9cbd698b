"""Studio and alliance pages through the test client (R15): scoping, forms that keep what
was typed, refusals shown with the rule, and list pages in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import Org, User
from gonghui.innovation.models import (
    ReviewOutcome,
    ServiceRequest,
    Studio,
    StudioLevel,
    StudioReview,
    StudioState,
    TitleLevel,
)
from gonghui.innovation.services import alliance as alliance_services
from gonghui.innovation.services import studios as services
from gonghui.innovation.tests import factories_studios as f
from gonghui.innovation.tests.test_studios import _round_scored

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
ClientFor = Callable[[str], Client]


def test_r15_studio_list_is_scoped_and_filtered(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    f.named(personas, orgs, "东湖数控工作室")
    f.proposed(personas, orgs, "东湖企业工作室", level=StudioLevel.ENTERPRISE)
    page = client_for("donghu_staff").get(reverse("innovation:studios"))
    assert page.status_code == 200
    assert "东湖数控工作室" in page.text and "东湖企业工作室" in page.text
    filtered = client_for("city_admin").get(reverse("innovation:studios"), {"level": "enterprise"})
    assert "东湖企业工作室" in filtered.text and "东湖数控工作室" not in filtered.text
    assert (
        "东湖数控工作室" not in client_for("xishan_staff").get(reverse("innovation:studios")).text
    )


def test_r15_studio_list_queries_do_not_grow(
    personas: dict[str, User],
    orgs: dict[str, Org],
    client_for: ClientFor,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for("city_admin")
    f.proposed(personas, orgs, "第一工作室")
    client.get(reverse("innovation:studios"))
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("innovation:studios"))
    for n in range(5):
        f.proposed(personas, orgs, f"第{n + 2}号工作室")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("innovation:studios"))


def test_r15_studio_page_404_out_of_scope(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    studio = f.proposed(personas, orgs)
    url = reverse("innovation:studio", args=[studio.pk])
    assert client_for("donghu_staff").get(url).status_code == 200
    assert client_for("xishan_staff").get(url).status_code == 404
    assert (
        client_for("city_admin").get(reverse("innovation:studio", args=[2**40])).status_code == 404
    )


def test_r15_propose_form_refuses_ineligible_leader_and_keeps_the_input(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    weak = f.titled(orgs[f.FACTORY], "区级劳模", level=TitleLevel.DISTRICT)
    good = f.titled(orgs[f.FACTORY], "市级劳模")
    client = client_for("factory_chair")
    data = {
        "org": orgs[f.FACTORY].pk,
        "name": "精密加工工作室",
        "level": "city",
        "field": "manufacturing",
        "leader": weak.pk,
        "premises": "一号楼",
    }
    refused = client.post(reverse("innovation:studio_new"), data)
    assert refused.status_code == 200
    assert "R15" in refused.text and "精密加工工作室" in refused.text
    assert not Studio.objects.exists()
    done = client.post(reverse("innovation:studio_new"), {**data, "leader": good.pk})
    studio = Studio.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "innovation:studio", args=[studio.pk]
    )


def test_r15_naming_approved_from_the_studio_page_goes_under_notice(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    studio = f.proposed(personas, orgs)
    for name in ("donghu_staff", "city_admin"):
        page = client_for(name).get(reverse("innovation:studio", args=[studio.pk]))
        assert reverse("innovation:studio_approve", args=[studio.pk]) in page.text
        client_for(name).post(reverse("innovation:studio_approve", args=[studio.pk]))
    studio.refresh_from_db()
    assert studio.case is not None and studio.case.state == "under_notice"


def test_r15_project_form_on_a_delisted_studio_shows_the_rule(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    studio = f.named(personas, orgs)
    review_round = _round_scored(personas, orgs)
    services.review_outcome_set(
        actor=personas["city_admin"],
        review_round=review_round,
        studio=studio,
        outcome=ReviewOutcome.DELIST,
    )
    page = client_for("factory_chair").post(
        reverse("innovation:project_add", args=[studio.pk]),
        {"year": YEAR, "title": "被拒项目", "kind": "research", "value_created": "0", "patents": 0},
    )
    assert page.status_code == 200
    assert "R15" in page.text and "被拒项目" in page.text
    assert not studio.projects.exists()


def test_r15_project_registered_from_the_studio_page(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    studio = f.named(personas, orgs)
    done = client_for("factory_chair").post(
        reverse("innovation:project_add", args=[studio.pk]),
        {
            "year": YEAR,
            "title": "焊接机器人改造",
            "kind": "improvement",
            "value_created": "12345.67",
            "patents": 1,
        },
    )
    assert done.status_code == 302
    project = studio.projects.get()
    assert project.value_created == Decimal("12345.67")


def test_r15_review_round_page_records_fix_by_deadline(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    studio = f.named(personas, orgs)
    review_round = _round_scored(personas, orgs)
    client = client_for("city_admin")
    url = reverse("innovation:review_outcome", args=[review_round.pk, studio.pk])
    client.post(url, {"outcome": "fix", "to_fix": "补报成果"})  # no deadline: refused
    assert not StudioReview.objects.exists()
    deadline = timezone.localdate() + dt.timedelta(days=60)
    client.post(url, {"outcome": "fix", "fix_by": deadline.isoformat(), "to_fix": "补报成果"})
    assert StudioReview.objects.get().fix_by == deadline
    page = client.get(reverse("innovation:review_round", args=[review_round.pk]))
    assert "补报成果" in page.text
    assert (
        client_for("donghu_staff")
        .get(reverse("innovation:review_round", args=[review_round.pk]))
        .status_code
        == 404
    )


def test_r15_firm_asks_for_help_on_its_phone_and_sees_the_outcome(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    f.alliance(personas, orgs)
    squad = f.squad(personas, orgs)
    firm = client_for("employer_hr")
    form = firm.get(reverse("innovation:help"))
    assert form.status_code == 200 and 'type="hidden" name="org"' in form.text
    sent = firm.post(
        reverse("innovation:help"),
        {"org": orgs[f.FACTORY].pk, "kind": "patent", "description": "夹具专利申请"},
    )
    item = ServiceRequest.objects.get()
    assert sent.status_code == 302 and sent["Location"] == reverse(
        "innovation:request", args=[item.pk]
    )
    staff = client_for("donghu_staff")
    assert str(orgs[f.FACTORY].name) in staff.get(reverse("innovation:requests")).text
    staff.post(
        reverse("innovation:request_assign", args=[item.pk]), {"assignee": f"squad:{squad.pk}"}
    )
    staff.post(reverse("innovation:request_close", args=[item.pk]), {"outcome": ""})
    item.refresh_from_db()
    assert item.state == "assigned"  # no outcome, not closed
    staff.post(reverse("innovation:request_close", args=[item.pk]), {"outcome": "代理机构已受理"})
    page = firm.get(reverse("innovation:request", args=[item.pk]))
    assert "代理机构已受理" in page.text
    assert firm.get(reverse("innovation:requests")).status_code == 404
    assert (
        client_for("xishan_staff").get(reverse("innovation:request", args=[item.pk])).status_code
        == 404
    )


def test_r15_assigning_to_a_closed_squad_shows_the_refusal(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    f.alliance(personas, orgs)
    squad = f.squad(personas, orgs)
    item = alliance_services.request_open(
        actor=personas["employer_hr"], org=orgs[f.FACTORY], kind="technology", description="求助"
    )
    alliance_services.squad_close(actor=personas["city_admin"], squad=squad)
    client = client_for("city_admin")
    answer = client.post(
        reverse("innovation:request_assign", args=[item.pk]),
        {"assignee": f"squad:{squad.pk}"},
        follow=True,
    )
    assert squad.name in answer.text
    item.refresh_from_db()
    assert item.state == "open"


def test_r15_alliance_page_shows_members_advisors_and_squads(
    personas: dict[str, User], orgs: dict[str, Org], client_for: ClientFor
) -> None:
    f.alliance(personas, orgs)
    studio = f.named(personas, orgs, "城市级工作室")
    f.advisor(personas, orgs)
    squad = f.squad(personas, orgs)
    page = client_for("employer_hr").get(reverse("innovation:alliance"))
    assert page.status_code == 200
    assert "钱顾问" in page.text and squad.name in page.text
    assert (
        "Close" not in page.text
        and reverse("innovation:squad_close", args=[squad.pk]) not in page.text
    )
    admin = client_for("city_admin")
    assert (
        reverse("innovation:squad_close", args=[squad.pk])
        in admin.get(reverse("innovation:alliance")).text
    )
    admin.post(reverse("innovation:squad_close", args=[squad.pk]))
    squad.refresh_from_db()
    assert squad.closed_on == timezone.localdate()
    assert studio.state == StudioState.NAMED
