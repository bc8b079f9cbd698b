"""The panel pages of a contest (R18, R19): staff seat judges with their employers, record
times and lock; a judge marks on the tablet page through htmx, marks above a maximum are
refused with the reason and the typed marks kept, a recused judge cannot mark, and nothing
changes after the lock."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import cast

import pytest
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gonghui.competitions import services
from gonghui.competitions.models import Contest
from gonghui.competitions.tests.factories import open_contest, registration_closed
from gonghui.core.models import Org, User
from gonghui.core.services import role_grant
from gonghui.orgs.models import Enterprise
from gonghui.orgs.tests.factories import member
from gonghui.scoring.engine import PrizeTier
from gonghui.scoring.models import Panel, PanelJudge, PanelState, ScoreSheet

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]

FACTORY = "HH-DH-JD1-001"
HX = {"HX-Request": "true"}


def _text(response: HttpResponseBase) -> str:
    return html.unescape(cast(HttpResponse, response).content.decode())


@pytest.fixture
def firm(orgs: dict[str, Org]) -> Enterprise:
    return Enterprise.objects.create(
        name="淮河东湖精密机械有限公司",
        credit_code="91340100MA2T000009",
        ownership="private",
        union=orgs[FACTORY],
    )


@pytest.fixture
def panel(personas: dict[str, User], orgs: dict[str, Org], firm: Enterprise) -> Panel:
    """Two electricians of the factory and one courier, judging open."""
    contest: Contest = open_contest(
        personas["donghu_staff"],
        orgs["HH-DH"],
        title="东湖区电工技能竞赛",
        job=("electrician", "电工"),
        prizes=[PrizeTier("first", 1)],
    )
    for name, union in (("吴电工", FACTORY), ("郑电工", FACTORY), ("周电工", "HH-DH-KD-001")):
        person = member(orgs[union], name, job_type="电工").person
        if union == FACTORY:
            person.employer = firm
            person.save(update_fields=["employer"])
        services.registration_submit(
            actor=personas["donghu_staff"], contest=contest, people=[person]
        )
    return services.contest_panel_open(
        actor=personas["donghu_staff"], contest=registration_closed(contest)
    )


def _seat(
    client: Client, panel: Panel, user: User, employer: str = "", role: str = "judge"
) -> HttpResponseBase:
    return client.post(
        reverse("scoring:judge_add", args=[panel.pk]),
        {"user": str(user.pk), "role": role, "employer_key": employer, "conflict_note": ""},
    )


def test_staff_seat_judges_with_their_employer_and_the_page_shows_whom_they_are_recused_from(
    client_for: ClientFor, personas: dict[str, User], panel: Panel, firm: Enterprise
) -> None:
    """R18: the employer is chosen among the entrants' employers, by name."""
    staff = client_for("donghu_staff")
    page = _text(staff.get(reverse("scoring:panel", args=[panel.pk])))
    assert f'<option value="{firm.pk}">淮河东湖精密机械有限公司</option>' in page
    _seat(staff, panel, personas["judge"])
    _seat(staff, panel, personas["judge3"], employer=str(firm.pk))
    seat = PanelJudge.objects.get(panel=panel, user=personas["judge3"])
    assert seat.employer_key == str(firm.pk)
    page = _text(staff.get(reverse("scoring:panel", args=[panel.pk])))
    assert ngettext("%(n)s entrant", "%(n)s entrants", 2) % {"n": 2} in page
    # Someone without a judge role cannot be seated as a judge: refused with the reason.
    refused = _seat(staff, panel, personas["factory_chair"])
    assert refused.status_code == 400
    assert not PanelJudge.objects.filter(user=personas["factory_chair"]).exists()


def test_a_judge_marks_through_htmx_and_marks_above_a_maximum_are_refused_and_kept(
    client_for: ClientFor, personas: dict[str, User], panel: Panel
) -> None:
    _seat(client_for("donghu_staff"), panel, personas["judge"])
    judge = client_for("judge")
    page = _text(judge.get(reverse("scoring:mark", args=[panel.pk])))
    assert page.count('data-testid="sheet-card"') == 3
    entry = panel.entries.first()
    assert entry is not None
    url = reverse("scoring:sheet_save", args=[panel.pk, entry.pk])
    refused = judge.post(url, {"theory_paper": "105", "practical_task": "88"}, headers=HX)
    card = _text(refused)
    message = _("%(criterion)s: %(mark)s is above the maximum of %(maximum)s.") % {
        "criterion": _("Theory paper"),
        "mark": "105",
        "maximum": "100",
    }
    assert message in card
    assert 'value="105"' in card and 'value="88"' in card  # what was typed stays
    assert "<html" not in card  # only the card comes back
    assert not ScoreSheet.objects.exists()
    saved = _text(judge.post(url, {"theory_paper": "90.5", "practical_task": "88"}, headers=HX))
    assert _("Saved.") in saved
    sheet = ScoreSheet.objects.get()
    assert sheet.marks == {"practical_task": "88", "theory_paper": "90.5"}


def test_a_recused_judge_sees_the_entrant_as_recused_and_cannot_mark_it(
    client_for: ClientFor, personas: dict[str, User], panel: Panel, firm: Enterprise
) -> None:
    """R18: same employer as the entrant."""
    _seat(client_for("donghu_staff"), panel, personas["judge3"], employer=str(firm.pk))
    judge = client_for("judge3")
    page = _text(judge.get(reverse("scoring:mark", args=[panel.pk])))
    assert page.count('data-testid="recused"') == 2
    own = panel.entries.get(label="吴电工")
    response = judge.post(
        reverse("scoring:sheet_save", args=[panel.pk, own.pk]),
        {"theory_paper": "90", "practical_task": "90"},
        headers=HX,
    )
    assert _("You are recused from %(entrant)s (same employer or a declared conflict).") % {
        "entrant": "吴电工"
    } in _text(response)
    assert not ScoreSheet.objects.exists()


def test_lock_names_every_gap_then_locks_and_nothing_changes_after(
    client_for: ClientFor, personas: dict[str, User], panel: Panel
) -> None:
    staff = client_for("donghu_staff")
    _seat(staff, panel, personas["judge"])
    judge = client_for("judge")
    page = _text(staff.post(reverse("scoring:lock", args=[panel.pk]), follow=True))
    assert (
        _("%(entrant)s: no sheet from %(judge)s.")
        % {
            "entrant": "吴电工",
            "judge": personas["judge"],
        }
        in page
    )
    panel.refresh_from_db()
    assert panel.state == PanelState.OPEN
    for n, entry in enumerate(panel.entries.all()):
        judge.post(
            reverse("scoring:sheet_save", args=[panel.pk, entry.pk]),
            {"theory_paper": str(80 + n), "practical_task": "80"},
        )
        staff.post(
            reverse("scoring:entry_time", args=[panel.pk, entry.pk]),
            {"minutes": "50", "seconds": str(n)},
        )
    assert sorted(t or 0 for t in panel.entries.values_list("time_taken", flat=True)) == [
        3000,
        3001,
        3002,
    ]
    staff.post(reverse("scoring:lock", args=[panel.pk]))
    panel.refresh_from_db()
    assert panel.state == PanelState.LOCKED
    locked_entry = panel.entries.first()
    assert locked_entry is not None
    after = judge.post(
        reverse("scoring:sheet_save", args=[panel.pk, locked_entry.pk]),
        {"theory_paper": "100", "practical_task": "100"},
        headers=HX,
    )
    assert _("The results are locked: nothing on this panel changes now.") in _text(after)
    assert ScoreSheet.objects.get(entry=locked_entry).marks["practical_task"] == "80"
    results = _text(staff.get(reverse("scoring:panel", args=[panel.pk])))
    assert 'data-testid="panel-results"' in results


def test_a_judge_of_another_panel_or_no_judge_gets_404(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org], panel: Panel
) -> None:
    other = User.objects.create_user(username="judge_other", password="x")
    role_grant(actor=None, user=other, role="judge", org=orgs["HH-XS"])
    client = Client()
    client.force_login(other)
    assert client.get(reverse("scoring:mark", args=[panel.pk])).status_code == 404
    assert client_for("judge").get(reverse("scoring:mark", args=[panel.pk])).status_code == 404
