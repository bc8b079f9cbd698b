"""Pairing agreements (结对共建): a state-owned and a private enterprise's unions, recorded by a
federation above both, with plan items, joint activities and outcomes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from gonghui.core.models import AuditEntry, Org, User
from gonghui.innovation.models import (
    ActivityKind,
    OutcomeKind,
    PairingAgreement,
    PairingPlanItem,
)
from gonghui.innovation.selectors_results import pairings_for
from gonghui.innovation.services import pairings as services
from gonghui.innovation.tests.factories_results import enterprise
from gonghui.orgs.models import Enterprise

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def english() -> None:
    """Messages are read in English: the Chinese catalogue is filled in separately."""
    translation.activate("en")


@pytest.fixture
def firms(orgs: dict[str, Org]) -> dict[str, Enterprise]:
    return {
        "state": enterprise(orgs["HH-DH-JD1-001"], "淮河东湖电力集团", "state"),
        "private": enterprise(orgs["HH-DH-KD-001"], "东湖顺达物流有限公司", "private"),
        "private_xs": enterprise(orgs["HH-XS-JD1-001"], "西山纺织有限公司", "private"),
    }


def _pair(actor: User, org: Org, firms: dict[str, Enterprise]) -> PairingAgreement:
    return services.pairing_create(
        actor=actor,
        org=org,
        state_enterprise=firms["state"],
        private_enterprise=firms["private"],
        signed_on=dt.date(2026, 3, 1),
        areas="劳动竞赛、创新工作室共建",
    )


def test_pairing_recorded_with_both_unions_and_audited(
    personas: dict[str, User], orgs: dict[str, Org], firms: dict[str, Enterprise]
) -> None:
    agreement = _pair(personas["donghu_staff"], orgs["HH-DH"], firms)
    assert agreement.state_union == orgs["HH-DH-JD1-001"]
    assert agreement.private_union == orgs["HH-DH-KD-001"]
    assert AuditEntry.objects.filter(action="innovation.pairing_create").count() == 1


def test_pairing_refuses_wrong_ownership_outside_unions_and_duplicates(
    personas: dict[str, User], orgs: dict[str, Org], firms: dict[str, Enterprise]
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.pairing_create(
            actor=personas["donghu_staff"],
            org=orgs["HH-DH"],
            state_enterprise=firms["private"],
            private_enterprise=firms["private_xs"],
            signed_on=dt.date(2026, 3, 1),
            areas="",
        )
    text = " ".join(refused.value.messages)
    assert "东湖顺达物流有限公司 is not a state-owned enterprise." in text
    assert "西山纺织有限公司" in text and "东湖区总工会" in text
    assert "Name the areas" in text
    _pair(personas["donghu_staff"], orgs["HH-DH"], firms)
    with pytest.raises(ValidationError, match="paired already"):
        _pair(personas["city_admin"], orgs["HH"], firms)


def test_pairing_needs_innovation_manage_at_the_recording_org(
    personas: dict[str, User], orgs: dict[str, Org], firms: dict[str, Enterprise]
) -> None:
    for username, org in (("xishan_staff", orgs["HH-DH"]), ("factory_chair", orgs["HH-DH"])):
        with pytest.raises(PermissionDenied):
            _pair(personas[username], org, firms)


def test_plan_items_activities_outcomes_and_done_once(
    personas: dict[str, User], orgs: dict[str, Org], firms: dict[str, Enterprise]
) -> None:
    staff = personas["donghu_staff"]
    agreement = _pair(staff, orgs["HH-DH"], firms)
    item = services.pairing_plan_item_add(
        actor=staff,
        agreement=agreement,
        text="联合举办技能比武",
        owner="双方工会",
        due_on=dt.date(2026, 6, 1),
    )
    with pytest.raises(ValidationError, match="before the agreement was signed"):
        services.pairing_plan_item_add(
            actor=staff, agreement=agreement, text="x", owner="y", due_on=dt.date(2026, 1, 1)
        )
    services.pairing_plan_item_done(actor=staff, item=item)
    with pytest.raises(ValidationError, match="done already"):
        services.pairing_plan_item_done(actor=staff, item=item)
    item.refresh_from_db()
    assert item.done_by == staff and item.done_at is not None
    services.pairing_activity_add(
        actor=staff,
        agreement=agreement,
        kind=ActivityKind.PROPOSAL_DRIVE,
        held_on=dt.date(2026, 4, 1),
        note="合理化建议征集",
    )
    services.pairing_outcome_add(
        actor=staff, agreement=agreement, kind=OutcomeKind.FIRM_HELPED, count=1, note=""
    )
    with pytest.raises(ValidationError):
        services.pairing_outcome_add(
            actor=staff, agreement=agreement, kind=OutcomeKind.PLATFORM, count=0, note=""
        )
    assert agreement.activities.count() == 1 and agreement.outcomes.count() == 1


def test_other_district_cannot_see_a_pairing(
    personas: dict[str, User],
    orgs: dict[str, Org],
    firms: dict[str, Enterprise],
    client_for: ClientFor,
) -> None:
    agreement = _pair(personas["donghu_staff"], orgs["HH-DH"], firms)
    assert list(pairings_for(personas["xishan_staff"])) == []
    url = reverse("innovation:pairing", args=[agreement.pk])
    assert client_for("xishan_staff").get(url).status_code == 404
    # the factory's chair is a side of it and sees it, without the forms to change it
    page = client_for("factory_chair").get(url)
    assert page.status_code == 200
    assert reverse("innovation:pairing_plan_add", args=[agreement.pk]) not in page.content.decode()


def test_pairing_pages_create_and_add_through_forms(
    personas: dict[str, User],
    orgs: dict[str, Org],
    firms: dict[str, Enterprise],
    client_for: ClientFor,
) -> None:
    client = client_for("donghu_staff")
    form = client.get(reverse("innovation:pairing_new"))
    assert form.status_code == 200
    bad = client.post(
        reverse("innovation:pairing_new"),
        {
            "org": orgs["HH-DH"].pk,
            "state_enterprise": firms["state"].pk,
            "private_enterprise": firms["private"].pk,
            "signed_on": "2099-01-01",
            "areas": "共建",
        },
        headers=EN,
    )
    assert bad.status_code == 400 and "cannot be in the future" in bad.content.decode()
    done = client.post(
        reverse("innovation:pairing_new"),
        {
            "org": orgs["HH-DH"].pk,
            "state_enterprise": firms["state"].pk,
            "private_enterprise": firms["private"].pk,
            "signed_on": "2026-03-01",
            "areas": "共建",
        },
    )
    agreement = PairingAgreement.objects.get()
    assert done.status_code == 302
    page = reverse("innovation:pairing", args=[agreement.pk])
    assert (
        client.post(
            reverse("innovation:pairing_plan_add", args=[agreement.pk]),
            {"text": "共建工作室", "owner": "国企工会", "due_on": "2026-09-01"},
        )["Location"]
        == page
    )
    missing = client.post(reverse("innovation:pairing_activity_add", args=[agreement.pk]), {})
    assert missing.status_code == 400
    client.post(
        reverse("innovation:pairing_outcome_add", args=[agreement.pk]),
        {"kind": "firm_helped", "count": "1", "note": ""},
    )
    item = PairingPlanItem.objects.get()
    client.post(reverse("innovation:pairing_plan_done", args=[agreement.pk, item.pk]))
    item.refresh_from_db()
    assert item.done_at is not None
    listing = client.get(reverse("innovation:pairings")).content.decode()
    assert "淮河东湖电力集团 × 东湖顺达物流有限公司" in listing and "1/1" in listing
