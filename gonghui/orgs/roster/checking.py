"""Checking roster rows (R2–R4): every row gets every error it has, with its row number, the
column and the reason, before anything is written."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import Org
from gonghui.core.personal_data import lookup_hash, resident_id_validate
from gonghui.orgs.models import (
    CURRENT_STATES,
    Education,
    Enterprise,
    Membership,
    MembershipState,
    NewEmploymentForm,
    Person,
    PoliticalStatus,
)
from gonghui.orgs.roster.reading import FIELDS, REQUIRED_FIELDS, Cell, normalise, to_date

CHUNK = 1000
MIN_AGE = 16  # the Trade Union Law: workers who earn wages may join; child labour is unlawful


def sixteen_years_before(day: dt.date) -> dt.date:
    return day.replace(
        year=day.year - MIN_AGE, day=28 if (day.month, day.day) == (2, 29) else day.day
    )


def sixteen_years_after(day: dt.date) -> dt.date:
    return day.replace(
        year=day.year + MIN_AGE, day=28 if (day.month, day.day) == (2, 29) else day.day
    )


PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")

SEX = {"男": "M", "女": "F", "M": "M", "F": "F", "男性": "M", "女性": "F"}
EDUCATION = {
    "小学": Education.PRIMARY,
    "初中": Education.JUNIOR,
    "高中": Education.SENIOR,
    "中专": Education.SENIOR,
    "职高": Education.SENIOR,
    "技校": Education.SENIOR,
    "中技": Education.SENIOR,
    "大专": Education.COLLEGE,
    "专科": Education.COLLEGE,
    "高职": Education.COLLEGE,
    "本科": Education.BACHELOR,
    "大学": Education.BACHELOR,
    "学士": Education.BACHELOR,
    "研究生": Education.POSTGRADUATE,
    "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
}
POLITICAL = {
    "群众": PoliticalStatus.MASSES,
    "共青团员": PoliticalStatus.LEAGUE,
    "团员": PoliticalStatus.LEAGUE,
    "中共党员": PoliticalStatus.PARTY,
    "党员": PoliticalStatus.PARTY,
    "中共预备党员": PoliticalStatus.PARTY,
    "预备党员": PoliticalStatus.PARTY,
    "民主党派": PoliticalStatus.OTHER_PARTY,
    "无党派人士": PoliticalStatus.MASSES,
}
NEW_FORM = {
    "": NewEmploymentForm.NONE,
    "否": NewEmploymentForm.NONE,
    "无": NewEmploymentForm.NONE,
    "快递员": NewEmploymentForm.COURIER,
    "快递": NewEmploymentForm.COURIER,
    "快递小哥": NewEmploymentForm.COURIER,
    "外卖骑手": NewEmploymentForm.RIDER,
    "骑手": NewEmploymentForm.RIDER,
    "外卖员": NewEmploymentForm.RIDER,
    "送餐员": NewEmploymentForm.RIDER,
    "网约配送员": NewEmploymentForm.RIDER,
    "网约车司机": NewEmploymentForm.RIDE_HAILING,
    "网约车": NewEmploymentForm.RIDE_HAILING,
    "货车司机": NewEmploymentForm.TRUCK,
    "货车": NewEmploymentForm.TRUCK,
}
SKILL = {
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
    "5": 5,
    "一级": 1,
    "二级": 2,
    "三级": 3,
    "四级": 4,
    "五级": 5,
    "高级技师": 1,
    "技师": 2,
    "高级工": 3,
    "中级工": 4,
    "初级工": 5,
    "一级/高级技师": 1,
    "二级/技师": 2,
    "三级/高级工": 3,
    "四级/中级工": 4,
    "五级/初级工": 5,
    "": 0,
    "无": 0,
}


@dataclass
class CheckedRow:
    """One data row: its spreadsheet row number (1-based, as Excel shows it), the clean values
    when it is valid, and its errors as (column, reason)."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    skip: bool = False  # already a current member of the same union

    @property
    def valid(self) -> bool:
        return not self.errors and not self.skip


class RowChecker:
    """Checks rows in chunks, so that look-ups against existing members are one query per
    thousand rows, and remembers the ID numbers it has seen to catch duplicates in the file."""

    def __init__(
        self, *, org: Org, headers: list[str], mapping: dict[str, str], unions: Iterable[Org]
    ) -> None:
        self.org = org
        self.columns = {
            field_name: int(index) for index, field_name in mapping.items() if field_name
        }
        self.headers = headers
        self.unions: dict[str, Org] = {}
        for union in unions:
            self.unions[normalise(union.name)] = union
            self.unions[normalise(union.code)] = union
        self.seen: dict[str, int] = {}
        self.today = timezone.localdate()
        self.youngest_birth = sixteen_years_before(self.today)
        self.choice_fields: list[tuple[str, Mapping[str, str], str]] = [
            ("education", EDUCATION, _("Unknown education; write for example 高中, 大专 or 本科.")),
            (
                "political_status",
                POLITICAL,
                _("Unknown political status; write for example 群众 or 中共党员."),
            ),
            (
                "new_employment_form",
                NEW_FORM,
                _(
                    "Unknown new employment form; write 快递员, 外卖骑手, 网约车司机 or "
                    "货车司机, or leave it empty."
                ),
            ),
        ]

    def missing_columns(self) -> list[str]:
        return [FIELDS[name][0] for name in REQUIRED_FIELDS if name not in self.columns]

    def label(self, field_name: str) -> str:
        index = self.columns.get(field_name)
        if index is not None and index < len(self.headers) and self.headers[index]:
            return self.headers[index]
        return FIELDS[field_name][0]

    def check(self, rows: Iterable[tuple[int, list[Cell]]]) -> Iterator[CheckedRow]:
        chunk: list[CheckedRow] = []
        for number, cells in rows:
            chunk.append(self._check_cells(number, cells))
            if len(chunk) >= CHUNK:
                yield from self._check_against_database(chunk)
                chunk = []
        if chunk:
            yield from self._check_against_database(chunk)

    def _cell(self, cells: list[Cell], field_name: str) -> Cell:
        index = self.columns.get(field_name)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def _text(self, cells: list[Cell], field_name: str) -> str:
        return normalise(self._cell(cells, field_name))

    def _check_cells(self, number: int, cells: list[Cell]) -> CheckedRow:
        row = CheckedRow(number)
        err = row.errors.append
        name = self._text(cells, "name")
        if not name:
            err((self.label("name"), _("The name is missing.")))
        elif len(name) > 40:
            err((self.label("name"), _("The name is longer than 40 characters.")))
        raw_id = self._text(cells, "id_number").upper()
        sex = self._text(cells, "sex")
        sex_code = SEX.get(sex) if sex else None
        if sex and sex_code is None:
            err((self.label("sex"), _("Write the sex as 男 or 女.")))
        birth_cell = self._cell(cells, "birth_date")
        birth = to_date(birth_cell)
        if birth_cell not in (None, "") and birth is None:
            err((self.label("birth_date"), _("The birth date is not a date (write 1990-01-15).")))
        number_ok = ""
        born: dt.date | None = None
        if not raw_id:
            err((self.label("id_number"), _("The ID number is missing.")))
        else:
            try:
                number_ok = resident_id_validate(raw_id, sex=sex_code)  # type: ignore[arg-type]  # "M"/"F"
            except ValidationError as exc:
                err((self.label("id_number"), exc.messages[0]))
            else:
                born = dt.date(int(number_ok[6:10]), int(number_ok[10:12]), int(number_ok[12:14]))
                if born > self.youngest_birth:
                    err((self.label("id_number"), _("Under 16: too young to join the union.")))
                if birth is not None:
                    day, exact = birth
                    if (day.year, day.month) != (born.year, born.month) or (exact and day != born):
                        err(
                            (
                                self.label("birth_date"),
                                _("The birth date does not match the ID number."),
                            )
                        )
        row.values = {
            "name": name,
            "id_number": number_ok,
            "sex": sex_code,
            "born": born if number_ok else None,
        }
        self._optional_fields(cells, row)
        if number_ok:
            id_hash = lookup_hash(number_ok)
            row.values["id_hash"] = id_hash
            first = self.seen.get(id_hash)
            if first is not None:
                err(
                    (
                        self.label("id_number"),
                        _("The same ID number as row %(row)d.") % {"row": first},
                    )
                )
            else:
                self.seen[id_hash] = number
        return row

    def _optional_fields(self, cells: list[Cell], row: CheckedRow) -> None:
        err = row.errors.append
        values = row.values
        phone = self._text(cells, "phone")
        if phone and not PHONE.match(phone):
            err((self.label("phone"), _("The phone number is not an 11-digit mobile number.")))
        values["phone"] = phone
        for field_name, table, message in self.choice_fields:
            text = self._text(cells, field_name)
            code = table.get(text) if text else ""
            if code is None:
                err((self.label(field_name), message))
            values[field_name] = code or ""
        grade_text = self._text(cells, "skill_grade")
        grade = SKILL.get(grade_text)
        if grade is None:
            err((self.label("skill_grade"), _("The skill grade is 1 to 5 (一级 to 五级).")))
        values["skill_grade"] = grade or None
        values["employer_name"] = self._text(cells, "employer")[:120]
        values["job_type"] = self._text(cells, "job_type")[:40]
        values["platform"] = self._text(cells, "platform")[:40]
        union_text = self._text(cells, "union")
        union = self.org
        if union_text:
            found = self.unions.get(union_text)
            if found is None:
                err(
                    (
                        self.label("union"),
                        _("Unknown union, or one outside your scope: %(name)s")
                        % {"name": union_text},
                    )
                )
            else:
                union = found
        values["union"] = union
        start_cell = self._cell(cells, "start_date")
        start = to_date(start_cell)
        if start_cell not in (None, "") and start is None:
            err((self.label("start_date"), _("The joining date is not a date (write 2020-01-15).")))
        elif start is not None and start[0] > self.today:
            err((self.label("start_date"), _("The joining date is in the future.")))
        values["start_date"] = start[0] if start else self.today
        born = values.get("born")
        if start is not None and born is not None and start[0] < sixteen_years_after(born):
            err((self.label("start_date"), _("The joining date is before the member turned 16.")))

    def _check_against_database(self, chunk: list[CheckedRow]) -> list[CheckedRow]:
        """Rows against the people already registered: a current member elsewhere must be
        transferred; an ID registered under another name or with an open application is not
        the file's to take over (R2, R4); a current member of the same union is skipped."""
        hashes = [row.values["id_hash"] for row in chunk if row.values.get("id_hash")]
        people = {
            h: (pk, name)
            for h, pk, name in Person.objects.filter(id_hash__in=hashes).values_list(
                "id_hash", "pk", "name"
            )
        }
        standing: dict[int, tuple[str, int, str]] = {}
        last_end: dict[int, dt.date] = {}
        for person_id, state, org_id, org_name, end in Membership.objects.filter(
            person_id__in=[pk for pk, _n in people.values()]
        ).values_list("person_id", "state", "org_id", "org__name", "end_date"):
            if state in CURRENT_STATES or state == MembershipState.APPLIED:
                standing[person_id] = (state, org_id, org_name)
            if end is not None and (person_id not in last_end or end > last_end[person_id]):
                last_end[person_id] = end
        employer_names = {row.values["employer_name"] for row in chunk} - {""}
        employers = dict(
            Enterprise.objects.filter(name__in=employer_names).values_list("name", "pk")
        )
        id_label = self.label("id_number")
        for row in chunk:
            row.values["employer_id"] = employers.get(row.values["employer_name"])
            known = people.get(row.values.get("id_hash", ""))
            if known is None:
                continue
            person_id, name = known
            if name != row.values["name"]:
                row.errors.append(
                    (
                        id_label,
                        _(
                            "This ID number is registered under another name; check the row or ask "
                            "the member's union."
                        ),
                    )
                )
                continue
            state, org_id, org_name = standing.get(person_id, ("", 0, ""))
            if state in CURRENT_STATES and org_id == row.values["union"].pk:
                row.skip = True  # already a member here: importing the file again is harmless
            elif state in CURRENT_STATES:
                row.errors.append(
                    (
                        id_label,
                        _("Already a member of %(union)s; transfer the membership instead.")
                        % {"union": org_name},
                    )
                )
            elif state == MembershipState.APPLIED:
                row.errors.append(
                    (
                        id_label,
                        _("Has an open application to %(union)s; that union decides it first.")
                        % {"union": org_name},
                    )
                )
            elif person_id in last_end and row.values["start_date"] < last_end[person_id]:
                row.errors.append(
                    (
                        self.label("start_date"),
                        _(
                            "The joining date is before the end of this person's last membership "
                            "(%(date)s)."
                        )
                        % {"date": last_end[person_id].isoformat()},
                    )
                )
        return chunk
