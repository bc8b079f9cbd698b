"""The orgs API: the tree, members (masked), one member; scoped like the pages (R1)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from gonghui.core.permissions import Perm
from gonghui.core.personal_data import mask_id_number, mask_phone
from gonghui.core.scoping import require
from gonghui.orgs import selectors
from gonghui.orgs.models import Membership

router = Router(tags=["orgs"])


class OrgOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    level: int
    parent_id: int | None


class MemberOut(Schema):
    person_id: int
    membership_id: int
    name: str
    id_number_masked: str
    phone_masked: str
    sex: str
    union_id: int
    union_name: str
    state: str
    start_date: dt.date | None
    new_employment_form: str


class MemberPage(Schema):
    count: int
    offset: int
    items: list[MemberOut]


def _member(m: Membership) -> MemberOut:
    return MemberOut(
        person_id=m.person_id,
        membership_id=m.pk,
        name=m.person.name,
        id_number_masked=mask_id_number(m.person.id_number),
        phone_masked=mask_phone(m.person.phone),
        sex=m.person.sex,
        union_id=m.org_id,
        union_name=m.org.name,
        state=m.state,
        start_date=m.start_date,
        new_employment_form=m.person.new_employment_form,
    )


@router.get("/orgs/{org_id}/children", response=list[OrgOut])
def org_children(request: HttpRequest, org_id: int) -> list[OrgOut]:
    org = selectors.org_get_for(request.user, org_id)
    return [OrgOut.model_validate(o, from_attributes=True) for o in selectors.org_children(org=org)]


@router.get("/members", response=MemberPage)
def members(
    request: HttpRequest,
    org: int | None = None,
    q: str = "",
    state: str = "current",
    offset: int = 0,
    limit: int = 50,
) -> MemberPage:
    require(request.user, Perm.MEMBER_VIEW)
    scope = selectors.org_get_for(request.user, org, Perm.MEMBER_VIEW) if org else None
    rows = selectors.members_for(
        actor=request.user, org=scope, q=q.replace("\x00", "")[:40], state=state
    )
    limit = max(1, min(limit, 200))
    offset = max(0, min(offset, 10_000_000))
    return MemberPage(
        count=rows.count(), offset=offset, items=[_member(m) for m in rows[offset : offset + limit]]
    )


@router.get("/members/{person_id}", response=MemberOut)
def member(request: HttpRequest, person_id: int) -> MemberOut:
    _person, membership = selectors.person_get_for(request.user, person_id)
    return _member(membership)
