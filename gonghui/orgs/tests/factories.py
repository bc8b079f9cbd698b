"""Test data made through the real services: valid fictional resident IDs and members."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Sequence

import openpyxl
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


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def roster_xlsx(rows: Sequence[Sequence[object]], *, extra_header: str = "工号") -> bytes:
    """A roster as unions keep them: a merged title row, a blank row, 序号, our headers."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["淮河东湖精密机械有限公司工会会员花名册"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["序号", "姓 名", "公民身份号码", "出生年月", "入会时间", extra_header])
    for i, row in enumerate(rows, start=1):
        sheet.append([i, *row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_rows(n: int) -> list[list[object]]:
    return [
        [f"职工{i}", resident_id(dt.date(1990, 1, 15)), "1990.01", "2020年3月", f"A{i}"]
        for i in range(n)
    ]
