"""The alliance (R15's circle): member studios, advisors, squads and service requests from
firms and studios, assigned by staff and closed with an outcome."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.core.models import Org, User
from gonghui.innovation.models import (
    AllianceMember,
    AllianceTier,
    MemberState,
    RequestKind,
    RequestState,
    ServiceRequest,
    StudioLevel,
)
from gonghui.innovation.selectors_studios import alliance_for, request_get_for, request_queue
from gonghui.innovation.services import alliance as services
from gonghui.innovation.tests import factories_studios as f

pytestmark = pytest.mark.django_db


def _asked(personas: dict[str, User], orgs: dict[str, Org]) -> ServiceRequest:
    f.alliance(personas, orgs)
    return services.request_open(
        actor=personas["employer_hr"],
        org=orgs[f.FACTORY],
        kind=RequestKind.PATENT,
        description="新型夹具申请实用新型专利，需要代理指导",
        contact="冯人事 13800000000",
    )


def test_r15_firm_asks_staff_assign_progress_and_close_with_outcome(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    item = _asked(personas, orgs)
    assert item.state == RequestState.OPEN
    squad = f.squad(personas, orgs)
    staff = personas["donghu_staff"]
    item = services.request_assign(actor=staff, request=item, squad=squad)
    assert (item.state, item.squad) == (RequestState.ASSIGNED, squad)
    item = services.request_start(actor=staff, request=item)
    assert item.state == RequestState.IN_PROGRESS
    item = services.request_close(actor=staff, request=item, outcome="已提交专利申请两件")
    assert item.state == RequestState.CLOSED and item.closed_at is not None
    seen = request_get_for(personas["employer_hr"], item.pk)
    assert seen.outcome == "已提交专利申请两件"


def test_r15_close_without_outcome_is_refused(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    item = _asked(personas, orgs)
    item = services.request_assign(
        actor=personas["city_admin"], request=item, advisor=f.advisor(personas, orgs)
    )
    with pytest.raises(ValidationError) as refused:
        services.request_close(actor=personas["city_admin"], request=item, outcome="  ")
    assert refused.value.messages == [
        _("Record the outcome: a request is closed only with its outcome.")
    ]
    item.refresh_from_db()
    assert item.state == RequestState.ASSIGNED


def test_r15_request_to_a_closed_squad_is_refused(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    item = _asked(personas, orgs)
    squad = f.squad(personas, orgs)
    services.squad_close(actor=personas["city_admin"], squad=squad)
    with pytest.raises(ValidationError) as caught:
        services.request_assign(actor=personas["city_admin"], request=item, squad=squad)
    assert caught.value.code == "squad_closed"
    item.refresh_from_db()
    assert item.state == RequestState.OPEN and item.squad is None


def test_r15_one_assignee_only(personas: dict[str, User], orgs: dict[str, Org]) -> None:
    item = _asked(personas, orgs)
    with pytest.raises(ValidationError):
        services.request_assign(
            actor=personas["city_admin"],
            request=item,
            squad=f.squad(personas, orgs),
            advisor=f.advisor(personas, orgs),
        )


def test_r15_other_district_neither_sees_nor_assigns(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    item = _asked(personas, orgs)
    squad = f.squad(personas, orgs)
    with pytest.raises(Http404):
        request_get_for(personas["xishan_staff"], item.pk)
    assert not request_queue(personas["xishan_staff"]).exists()
    with pytest.raises(PermissionDenied):
        services.request_assign(actor=personas["xishan_staff"], request=item, squad=squad)
    with pytest.raises(PermissionDenied):
        services.request_assign(actor=personas["employer_hr"], request=item, squad=squad)


def test_r15_no_alliance_no_request(personas: dict[str, User], orgs: dict[str, Org]) -> None:
    with pytest.raises(ValidationError):
        services.request_open(
            actor=personas["employer_hr"],
            org=orgs[f.FACTORY],
            kind=RequestKind.OTHER,
            description="求助",
        )


def test_r15_enterprise_studio_applies_and_staff_accept_as_core(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    f.alliance(personas, orgs)
    studio = f.named(personas, orgs, "车间创新工作室", level=StudioLevel.ENTERPRISE)
    seat = services.alliance_apply(actor=personas["factory_chair"], studio=studio)
    assert seat.state == MemberState.APPLIED
    with pytest.raises(ValidationError):
        services.alliance_apply(actor=personas["factory_chair"], studio=studio)
    with pytest.raises(PermissionDenied):
        services.alliance_member_decide(actor=personas["donghu_staff"], seat=seat, accept=True)
    seat = services.alliance_member_decide(
        actor=personas["city_admin"], seat=seat, accept=True, tier=AllianceTier.CORE
    )
    assert (seat.state, seat.tier) == (MemberState.MEMBER, AllianceTier.CORE)


def test_r15_proposed_studio_cannot_apply(personas: dict[str, User], orgs: dict[str, Org]) -> None:
    f.alliance(personas, orgs)
    studio = f.proposed(personas, orgs)
    with pytest.raises(ValidationError):
        services.alliance_apply(actor=personas["factory_chair"], studio=studio)
    assert not AllianceMember.objects.exists()


def test_r15_everyone_in_the_city_sees_the_alliance(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    made = f.alliance(personas, orgs)
    for name in ("employer_hr", "courier_worker", "xishan_staff", "city_admin"):
        assert alliance_for(personas[name]) == made
    assert alliance_for(personas["judge"]) is None
