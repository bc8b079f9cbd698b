"""Test data made through the real services: valid fictional resident IDs and members."""

from __future__ import annotations

import datetime as dt
import itertools

from stdnum.cn import ric

from gonghui.core.models import Org
from gonghui.orgs.models import Membership, Person
from gonghui.orgs.services import membership_admit, person_create

_serial = itertools.count(1)


def resident_id(birth: dt.date = dt.date(1990, 1, 15), sex: str = "M") -> str:
    """A valid, fictional 18-character resident ID, different on every call."""
    n = next(_serial)
    seq = (n % 50) * 2 + (1 if sex == "M" else 0)
    body = f"340102{birth:%Y%m%d}{n // 50 % 10}{seq:02d}"
    return body + ric.calc_check_digit(body + "0")


def member(
    org: Org,
    name: str = "张三",
    *,
    sex: str = "M",
    birth: dt.date = dt.date(1990, 1, 15),
    **fields: object,
) -> Membership:
    person = person_create(
        actor=None, org=org, id_number=resident_id(birth, sex), name=name, **fields
    )
    return membership_admit(actor=None, person=person, org=org, start_date=dt.date(2020, 5, 1))


def person(org: Org, name: str = "李四", **fields: object) -> Person:
    return person_create(actor=None, org=org, id_number=resident_id(), name=name, **fields)
