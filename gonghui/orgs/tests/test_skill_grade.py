"""Skill-grade promotion through the orgs service (R19): one grade up, never past the top,
once per source, audited, scoped, and kept append-only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from gonghui.core.models import AppendOnlyError, AuditEntry, Org, User
from gonghui.orgs.models import Person, SkillGradeChange
from gonghui.orgs.services import skill_grade_promote
from gonghui.orgs.tests.factories import member

pytestmark = pytest.mark.django_db

FACTORY = "HH-DH-JD1-001"


def _worker(orgs: dict[str, Org], grade: int | None) -> Person:
    return member(orgs[FACTORY], "钱焊工", skill_grade=grade).person


def _promote(actor: User | None, person: Person, ref: str = "contest:1") -> SkillGradeChange:
    return skill_grade_promote(
        actor=actor, person=person, reason="一等奖", source="competition", source_ref=ref
    )


def test_r19_promotion_is_one_grade_up_and_audited(
    personas: dict[str, User], orgs: dict[str, Org]
) -> None:
    worker = _worker(orgs, 3)
    change = _promote(personas["donghu_staff"], worker)
    worker.refresh_from_db()
    assert (change.from_grade, change.to_grade, worker.skill_grade) == (3, 2, 2)
    assert (change.from_name, change.to_name) == ("高级工", "技师")
    entry = AuditEntry.objects.get(action="person.skill_grade_promote")
    assert entry.actor == personas["donghu_staff"]
    assert entry.org == orgs[FACTORY]
    assert (entry.before, entry.after, entry.reason) == (
        {"skill_grade": 3},
        {"skill_grade": 2, "source": "competition", "source_ref": "contest:1"},
        "一等奖",
    )


def test_r19_promotion_refused_at_the_top_grade_and_without_a_grade(
    orgs: dict[str, Org],
) -> None:
    for grade, code in ((1, "top_grade"), (None, "no_grade")):
        worker = _worker(orgs, grade)
        with pytest.raises(ValidationError) as excinfo:
            _promote(None, worker)
        assert excinfo.value.code == code
        worker.refresh_from_db()
        assert worker.skill_grade == grade
    assert not SkillGradeChange.objects.exists()


def test_r19_same_source_promotes_once(personas: dict[str, User], orgs: dict[str, Org]) -> None:
    worker = _worker(orgs, 4)
    first = _promote(personas["donghu_staff"], worker)
    again = _promote(personas["donghu_staff"], worker)
    worker.refresh_from_db()
    assert again.pk == first.pk
    assert worker.skill_grade == 3
    _promote(personas["donghu_staff"], worker, ref="contest:2")
    worker.refresh_from_db()
    assert worker.skill_grade == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        SkillGradeChange.objects.create(
            person=worker, from_grade=2, to_grade=1, source="competition", source_ref="contest:2"
        )


def test_r19_other_district_cannot_promote(personas: dict[str, User], orgs: dict[str, Org]) -> None:
    worker = _worker(orgs, 3)
    with pytest.raises(PermissionDenied):
        _promote(personas["xishan_staff"], worker)
    worker.refresh_from_db()
    assert worker.skill_grade == 3


def test_r19_skill_grade_changes_are_append_only(orgs: dict[str, Org]) -> None:
    change = _promote(None, _worker(orgs, 3))
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        change.delete()
    with pytest.raises(AppendOnlyError):
        SkillGradeChange.objects.filter(pk=change.pk).update(to_grade=1)
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE orgs_skillgradechange SET reason = 'x' WHERE id = %s", [change.pk])
