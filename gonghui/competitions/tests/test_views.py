"""The contest pages as their users work them (R18, R19): staff create and run a contest step
by step, a union enters its members, a worker enters himself, an entrant appeals and an
arbiter answers, results are published only after the window, certificates and promotions
follow; every refusal shows its reason and nothing is lost. Figures of the subtree."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import cast

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.competitions import appeals, services
from gonghui.competitions.models import Appeal, Certificate, Contest, ContestState, Registration
from gonghui.competitions.selectors import contest_figures
from gonghui.competitions.tests.factories import ended, judged, open_contest, registration_closed
from gonghui.core.models import Org, User
from gonghui.orgs.models import SkillGradeChange
from gonghui.orgs.tests.factories import member
from gonghui.scoring import engine
from gonghui.scoring.models import PanelState

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]

FACTORY = "HH-DH-JD1-001"
PRIZES = [engine.PrizeTier("first", 1), engine.PrizeTier("second", 1)]


def _text(response: HttpResponseBase) -> str:
    """The page as a reader sees it: entities such as &#x27; turned back into characters."""
    return html.unescape(cast(HttpResponse, response).content.decode())


@pytest.fixture
def contest(personas: dict[str, User], orgs: dict[str, Org]) -> Contest:
    return open_contest(
        personas["donghu_staff"],
        orgs["HH-DH"],
        title="东湖区电工技能竞赛",
        job=("electrician", "电工"),
        prizes=PRIZES,
    )


def _form(**overrides: str) -> dict[str, str]:
    start = timezone.localtime() + dt.timedelta(days=20)
    data = {
        "org": "",
        "title": "东湖区焊工技能竞赛",
        "theme": "焊接",
        "new_job_types": "焊工",
        "starts_at": start.strftime("%Y-%m-%dT09:00"),
        "ends_at": start.strftime("%Y-%m-%dT11:00"),
        "closes_at": (start - dt.timedelta(days=5)).strftime("%Y-%m-%dT17:00"),
        "venue": "东湖区职业技能实训基地",
        "entry_kind": "individual",
        "team_size": "1",
        "time_limit_minutes": "60",
        "theory_percent": "30",
        "prize_first": "1",
        "prize_second": "2",
        "prize_third": "3",
        "money_first": "3000",
        "money_second": "",
        "money_third": "",
    }
    return data | overrides


def test_staff_create_a_contest_in_the_browser_form_with_the_r18_weights(
    client_for: ClientFor, orgs: dict[str, Org]
) -> None:
    client = client_for("donghu_staff")
    assert client.get(reverse("competitions:contest_new")).status_code == 200
    response = client.post(reverse("competitions:contest_new"), _form(org=str(orgs["HH-DH"].pk)))
    contest = Contest.objects.get(title="东湖区焊工技能竞赛")
    assert response["Location"] == reverse("competitions:contest", args=[contest.pk])
    assert contest.state == ContestState.DRAFT
    assert [str(w) for w in (contest.theory_weight, contest.practical_weight)] == ["0.30", "0.70"]
    assert [jt.name for jt in contest.job_types.all()] == ["焊工"]
    assert contest.prize_money == {"first": "3000.00"}


def test_a_contest_whose_registration_closes_after_its_start_is_refused_and_kept(
    client_for: ClientFor, orgs: dict[str, Org]
) -> None:
    client = client_for("donghu_staff")
    start = timezone.localtime() + dt.timedelta(days=20)
    response = client.post(
        reverse("competitions:contest_new"),
        _form(org=str(orgs["HH-DH"].pk), closes_at=start.strftime("%Y-%m-%dT10:00")),
    )
    assert response.status_code == 400
    assert _("Registration closes by the start, and the contest ends after it starts.") in _text(
        response
    )
    assert 'value="东湖区焊工技能竞赛"' in _text(response)
    assert not Contest.objects.filter(title="东湖区焊工技能竞赛").exists()


def test_a_union_enters_members_and_a_refused_entry_names_each_reason(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    """Registration by the grassroots union (PROGRAMS §7); eligibility refusals are shown."""
    electrician = member(orgs[FACTORY], "吴电工", job_type="电工").person
    welder = member(orgs[FACTORY], "郑焊工", job_type="焊工").person
    client = client_for("factory_chair")
    page = _text(client.get(reverse("competitions:register", args=[contest.pk])))
    assert "吴电工" in page and "郑焊工" not in page  # only the eligible are offered
    url = reverse("competitions:register", args=[contest.pk])
    response = client.post(url, {"person_1": str(electrician.pk)})
    assert response.status_code == 302
    assert Registration.objects.get(contest=contest).union == orgs[FACTORY]
    # A crafted post of an ineligible person: refused with the reason, nothing written.
    refused = client.post(url, {"person_1": str(welder.pk)})
    assert refused.status_code == 400
    assert "郑焊工" in _text(refused)
    assert Registration.objects.filter(contest=contest).count() == 1


def test_a_worker_enters_himself_and_sees_why_he_cannot_enter_twice(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    member(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"], job_type="电工")
    client = client_for("courier_worker")
    page = _text(client.get(reverse("competitions:contest", args=[contest.pk])))
    assert reverse("competitions:enter_self", args=[contest.pk]) in page
    client.post(reverse("competitions:enter_self", args=[contest.pk]))
    assert contest.registrations.get().registered_by == "worker"
    client.post(reverse("competitions:enter_self", args=[contest.pk]))
    page = _text(client.get(reverse("competitions:contest", args=[contest.pk])))
    assert contest.registrations.count() == 1
    assert "周骑手" in page


def test_entries_after_registration_closes_are_refused_with_the_reason(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    electrician = member(orgs[FACTORY], "吴电工", job_type="电工").person
    registration_closed(contest)
    client = client_for("factory_chair")
    response = client.post(
        reverse("competitions:register", args=[contest.pk]), {"person_1": str(electrician.pk)}
    )
    assert response.status_code == 400
    assert _("Registration for this contest is closed.") in _text(response)
    assert not contest.registrations.exists()


def _entered(personas: dict[str, User], orgs: dict[str, Org], contest: Contest) -> None:
    for name in ("吴电工", "郑电工", "王电工"):
        person = member(orgs[FACTORY], name, job_type="电工").person
        services.registration_submit(
            actor=personas["factory_chair"], contest=contest, people=[person]
        )


def test_staff_draw_lots_and_open_judging_from_the_contest_page(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    _entered(personas, orgs, contest)
    client = client_for("donghu_staff")
    early = client.post(reverse("competitions:lot_draw", args=[contest.pk]), follow=True)
    assert _("Lots are drawn once registration has closed, before judging.") in _text(early)
    registration_closed(contest)
    client.post(reverse("competitions:lot_draw", args=[contest.pk]))
    contest.refresh_from_db()
    assert sorted(contest.lot_draw.stations.values()) == [1, 2, 3]
    response = client.post(reverse("competitions:judging_open", args=[contest.pk]))
    panel = services.contest_panel(contest)
    assert panel is not None
    assert response["Location"] == reverse("scoring:panel", args=[panel.pk])
    # Entrants are listed by their drawn station.
    assert [e.position for e in panel.entries.all()] == [1, 2, 3]


def test_results_publish_waits_for_the_appeal_window_and_the_arbiters_answer(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    """R19: appeals until 2 hours after the end, answered by the arbitration panel, final;
    the results are published together once the window has passed."""
    _entered(personas, orgs, contest)
    marks = {"吴电工": (90, 95), "郑电工": (80, 85), "王电工": (60, 70)}
    panel = judged(
        personas["donghu_staff"],
        personas["judge"],
        contest,
        marks,
        arbiters=[personas["city_admin"]],
    )
    ended(contest, dt.timedelta(hours=1))
    staff, chair = client_for("donghu_staff"), client_for("factory_chair")
    registration = contest.registrations.order_by("pk").last()
    assert registration is not None
    chair.post(
        reverse("competitions:appeal_file", args=[contest.pk]),
        {"registration": str(registration.pk), "reason": "实操评分漏计一项"},
    )
    appeal = Appeal.objects.get()
    publish = reverse("competitions:results_publish", args=[contest.pk])
    page = _text(staff.post(publish, follow=True))
    assert _("R19: results are published after the 2-hour appeal window.") in page
    ended(contest, dt.timedelta(hours=4))
    page = _text(staff.post(publish, follow=True))
    assert _("R19: an appeal waits for the arbitration's answer.") in page
    # The arbiter answers, once.
    arbiter = client_for("city_admin")
    url = reverse("competitions:appeal", args=[appeal.pk])
    assert arbiter.get(url).status_code == 200
    arbiter.post(url, {"upheld": "0", "answer": "经复核，评分无误。"})
    appeal.refresh_from_db()
    assert appeal.upheld is False and appeal.answered_by == personas["city_admin"]
    assert arbiter.post(url, {"upheld": "1", "answer": "改判"}).status_code == 404
    # Answered and past the window: the results go out together; the contest is finished.
    staff.post(publish)
    panel.refresh_from_db()
    contest.refresh_from_db()
    assert panel.state == PanelState.PUBLISHED and contest.state == ContestState.FINISHED
    # An appeal now is refused with R19's reason.
    late = chair.post(
        reverse("competitions:appeal_file", args=[contest.pk]),
        {"registration": str(registration.pk), "reason": "再次申诉"},
        follow=True,
    )
    assert Appeal.objects.count() == 1
    message = _("R19: appeals were accepted until %(until)s, 2 hours after the contest ended.")
    assert message.split("%")[0] in _text(late)


def test_certificates_promotions_and_the_public_results_follow_publication(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    _entered(personas, orgs, contest)
    for person in contest.registrations.all():
        for c in person.contestants.all():
            c.person.skill_grade = 3
            c.person.save(update_fields=["skill_grade"])
    marks = {"吴电工": (90, 95), "郑电工": (80, 85), "王电工": (60, 70)}
    panel = judged(personas["donghu_staff"], personas["judge"], contest, marks)
    anonymous = Client()
    results_url = reverse("competitions:results", args=[contest.pk])
    assert anonymous.get(results_url).status_code == 404  # locked, not published
    staff = client_for("donghu_staff")
    refused = staff.post(reverse("competitions:certificates_issue", args=[contest.pk]), follow=True)
    assert not Certificate.objects.exists()
    assert _("Certificates are issued once the contest's results are published.") in _text(refused)
    ended(contest, dt.timedelta(hours=4))
    appeals.contest_results_publish(actor=personas["donghu_staff"], contest=contest)
    staff.post(reverse("competitions:certificates_issue", args=[contest.pk]))
    assert sorted(Certificate.objects.values_list("person__name", flat=True)) == [
        "吴电工",
        "郑电工",
    ]
    staff.post(reverse("competitions:promotions_apply", args=[contest.pk]))
    assert sorted(SkillGradeChange.objects.values_list("person__name", "to_grade")) == [
        ("吴电工", 2),
        ("郑电工", 2),
    ]
    public = _text(anonymous.get(results_url))
    assert "吴电工" in public and "王电工" not in public  # winners only
    assert panel.state == PanelState.LOCKED


def test_the_figures_of_a_federation_count_its_subtree(
    client_for: ClientFor, personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    """Contests, job types, participating units and participant-times (PROGRAMS §7)."""
    _entered(personas, orgs, contest)
    open_contest(
        personas["xishan_staff"],
        orgs["HH-XS"],
        title="西山区焊工技能竞赛",
        job=("welder", "焊工"),
        prizes=PRIZES,
    )
    city = contest_figures(org=orgs["HH"])
    donghu = contest_figures(org=orgs["HH-DH"])
    assert (city.contests, city.job_types, city.units, city.participants) == (2, 2, 1, 3)
    assert (donghu.contests, donghu.job_types, donghu.units, donghu.participants) == (1, 1, 1, 3)
    page = _text(client_for("donghu_staff").get(reverse("competitions:contests")))
    assert 'data-testid="figure-participants">3<' in page
    # A worker sees the contests open to his union, never the figures.
    worker_page = _text(client_for("courier_worker").get(reverse("competitions:contests")))
    assert "东湖区电工技能竞赛" in worker_page and "西山区焊工技能竞赛" not in worker_page
    assert "figure-participants" not in worker_page


def test_a_worker_outside_the_organiser_is_refused_with_the_reason(
    personas: dict[str, User], orgs: dict[str, Org], contest: Contest
) -> None:
    outsider = member(orgs["HH-XS-JD1-001"], "西山电工", job_type="电工").person
    with pytest.raises(ValidationError) as excinfo:
        services.registration_submit(
            actor=personas["city_admin"], contest=contest, people=[outsider]
        )
    assert [e.code for e in excinfo.value.error_list] == ["outside"]
    assert "东湖区总工会" in excinfo.value.messages[0]
