"""The aid API answers what the pages show, scoped the same way (R1) and masked (R6)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gonghui.aid.models import Campaign
from gonghui.aid.tests.factories import application, campaign, living_lines
from gonghui.core.models import Org, User
from gonghui.orgs.tests.factories import member
from gonghui.review import services as review

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas: dict[str, User], orgs: dict[str, Org]) -> Campaign:
    member(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"])
    living_lines(personas["city_admin"], [orgs["HH-DH"]])
    c = campaign(personas["city_admin"], orgs["HH"], budget=Decimal(50_000))
    app = application(personas["courier_worker"], c)
    review.case_submit(actor=personas["courier_chair"], case=app.case)  # type: ignore[arg-type]
    review.case_approve(actor=personas["donghu_staff"], case=app.case)  # type: ignore[arg-type]
    review.case_approve(actor=personas["city_admin"], case=app.case)  # type: ignore[arg-type]
    return c


def test_r12_campaign_figures_for_the_city_and_scoped_for_a_district(world, client_for) -> None:  # type: ignore[no-untyped-def]
    city = client_for("city_admin").get(f"/api/v1/aid/campaigns/{world.pk}").json()
    assert (city["committed"], city["left"], city["applications"]) == ("5000.00", "45000.00", 1)
    assert {"district": "东湖区总工会", "applications": 1, "awarded": "5000.00"} in city[
        "by_district"
    ]
    xishan = client_for("xishan_staff").get(f"/api/v1/aid/campaigns/{world.pk}").json()
    assert (xishan["scoped_to_actor"], xishan["left"], xishan["applications"]) == (True, None, 0)
    listed = client_for("donghu_staff").get("/api/v1/aid/campaigns").json()
    assert [c["id"] for c in listed] == [world.pk] and listed[0]["applications"] == 1


def test_worker_reads_own_applications_only(world, client_for) -> None:  # type: ignore[no-untyped-def]
    mine = client_for("courier_worker").get("/api/v1/aid/applications/mine").json()
    assert len(mine) == 1
    assert (mine[0]["state"], mine[0]["award"]) == ("approved", "5000.00")
    assert client_for("courier_worker").get(f"/api/v1/aid/campaigns/{world.pk}").status_code == 404
    assert client_for("city_admin").get("/api/v1/aid/applications/mine").status_code == 404
