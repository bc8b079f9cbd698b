"""R6 and R22: the final ranking goes through the review app's public notice. The campaign's
staff publish it once the ranking is computed (once only); the public sees the recognised and
the merit awards by rank, masked, never an ID number; when the notice closes with no sustained
objection the results are confirmed, and a sustained objection shows on the staff's page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from gonghui.appraisal.models import AppraisalResult, Campaign, Voter
from gonghui.appraisal.services import results, voting
from gonghui.appraisal.tests.factories import candidates, open_campaign
from gonghui.core.models import AuditEntry, Org, User
from gonghui.core.personal_data import mask_id_number
from gonghui.review import notices
from gonghui.review.models import Notice
from gonghui.scoring import services as scoring

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str], Client]
# Candidate index → (votes, jury marks deeds/service/skill): finals 82, 68, 71, 30 of 100
FIELD = {0: (50, (30, 20, 20)), 1: (10, (40, 30, 30)), 2: (25, (35, 25, 25)), 3: (0, (20, 15, 15))}


@pytest.fixture
def campaign(personas: dict[str, User], orgs: dict[str, Org]) -> Campaign:
    """东湖's vote, voted and judged: four candidates, one recognised, one merit award."""
    staff = personas["donghu_staff"]
    campaign = open_campaign(staff, orgs["HH-DH"], winners=1)
    field = candidates(staff, campaign, orgs["HH-DH-KD-001"], 4)
    for index, (votes, _marks) in FIELD.items():
        for n in range(votes):
            voter, _created = Voter.objects.get_or_create(kind="phone", key=f"v{index}-{n}")
            voting.vote_cast(
                campaign=campaign, candidate=field[index], voter=voter, client=voting.Client()
            )
    Campaign.objects.filter(pk=campaign.pk).update(voting_ends=timezone.now())
    campaign.refresh_from_db()
    panel = results.jury_open(actor=staff, campaign=campaign)
    scoring.judge_add(actor=staff, panel=panel, user=personas["judge"])
    for entry in panel.entries.all():
        deeds, service, skill = FIELD[[c.pk for c in field].index(int(entry.object_id))][1]
        scoring.sheet_save(
            actor=personas["judge"],
            panel=panel,
            entry=entry,
            marks={"deeds": str(deeds), "service": str(service), "skill": str(skill)},
        )
    scoring.results_lock(actor=staff, panel=panel)
    return campaign


@pytest.fixture
def ranked(campaign: Campaign, personas: dict[str, User]) -> Campaign:
    results.results_compute(actor=personas["donghu_staff"], campaign=campaign)
    return campaign


def _after(notice: Notice, monkeypatch: pytest.MonkeyPatch) -> None:
    day = notice.ends_on + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)


def test_r06_r22_the_notice_waits_for_the_ranking_and_is_published_once(
    campaign: Campaign, personas: dict[str, User]
) -> None:
    staff = personas["donghu_staff"]
    with pytest.raises(ValidationError) as before:
        results.results_publish(actor=staff, campaign=campaign)
    assert before.value.code == "no_results"
    results.results_compute(actor=staff, campaign=campaign)
    with pytest.raises(PermissionDenied):
        results.results_publish(actor=personas["xishan_staff"], campaign=campaign)
    notice = results.results_publish(actor=staff, campaign=campaign)
    with pytest.raises(ValidationError) as again:
        results.results_publish(actor=staff, campaign=campaign)
    assert again.value.code == "published"
    campaign.refresh_from_db()
    assert campaign.result_notice == notice and campaign.results_confirmed_at is None
    assert notice.program == results.NOTICE_PROGRAM and notice.org == campaign.org
    assert campaign.title in notice.title
    # the recognised and the merit award, by rank; the other two are not on the notice
    shown = AppraisalResult.objects.filter(campaign=campaign, rank__in=[1, 2]).order_by("rank")
    entries = list(notice.entries.order_by("pk"))
    assert [e.subject for e in entries] == list(shown)
    assert [e.public_label for e in entries] == [results.result_label(r) for r in shown]
    audit = AuditEntry.objects.get(action="appraisal.results_publish")
    assert audit.after is not None
    assert (audit.actor, audit.after["notice"], audit.after["entries"]) == (staff, notice.pk, 2)


def test_r06_r22_staff_publish_from_the_manage_page_and_the_public_follows_the_link(
    ranked: Campaign, client_for: ClientFor
) -> None:
    manage = f"/appraisal/{ranked.pk}/"
    assert client_for("xishan_staff").post(f"{manage}results/notice/").status_code == 404
    assert (
        'data-testid="publish-result-notice"'
        not in client_for("factory_chair").get(manage).content.decode()
    )  # a nominating union sees the page, not the button
    assert client_for("factory_chair").post(f"{manage}results/notice/").status_code == 404
    staff = client_for("donghu_staff")
    assert 'data-testid="publish-result-notice"' in staff.get(manage).content.decode()
    response = staff.post(f"{manage}results/notice/")
    assert response.status_code == 302 and response["Location"] == manage
    ranked.refresh_from_db()
    notice = ranked.result_notice
    assert notice is not None
    page = staff.get(manage).content.decode()
    assert 'data-testid="publish-result-notice"' not in page
    assert 'data-testid="result-notice"' in page and f"/notices/{notice.pk}/" in page
    assert f"/notices/{notice.pk}/objections/" in page  # 东湖 answers the objections
    staff.post(f"{manage}results/notice/")  # a second publication is refused, as a message
    assert Notice.objects.count() == 1
    public = Client().get(f"/vote/{ranked.pk}/").content.decode()
    assert f"/notices/{notice.pk}/" in public


def test_r06_r22_the_public_notice_shows_masked_labels_by_rank_never_the_id_number(
    ranked: Campaign, personas: dict[str, User]
) -> None:
    notice = results.results_publish(actor=personas["donghu_staff"], campaign=ranked)
    body = Client().get(f"/notices/{notice.pk}/").content.decode()
    first, second = AppraisalResult.objects.filter(campaign=ranked, rank__in=[1, 2]).order_by(
        "rank"
    )
    labels = [results.result_label(first), results.result_label(second)]
    assert body.index(labels[0]) < body.index(labels[1])  # the ranking, best first
    assert str(first.final) == "82.00" and "82.00" in labels[0] and "71.00" in labels[1]
    assert "快***0" in labels[0] and "中通快递" in labels[0]
    for result in AppraisalResult.objects.filter(campaign=ranked).select_related(
        "candidate__person"
    ):
        person = result.candidate.person
        assert person.name not in body and person.id_number not in body
        assert mask_id_number(person.id_number) not in body


def test_r06_r22_results_are_confirmed_when_the_notice_closes_with_no_sustained_objection(
    ranked: Campaign, personas: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    notice = results.results_publish(actor=personas["donghu_staff"], campaign=ranked)
    objection = notices.objection_file(notice=notice, reason="评审过程不公开")
    _after(notice, monkeypatch)
    notices.notice_close(notice_id=notice.pk)
    ranked.refresh_from_db()
    assert ranked.results_confirmed_at is None  # an objection is still to answer
    notices.objection_answer(
        actor=personas["donghu_staff"],
        objection=objection,
        answer="评审细则已于评选公告中公布",
        sustained=False,
    )
    ranked.refresh_from_db()
    assert ranked.results_confirmed_at is not None
    assert AuditEntry.objects.filter(action="appraisal.results_confirm").count() == 1


def test_r06_a_sustained_objection_leaves_the_results_unconfirmed_and_shows_to_staff(
    ranked: Campaign,
    personas: dict[str, User],
    client_for: ClientFor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    notice = results.results_publish(actor=personas["donghu_staff"], campaign=ranked)
    entry = notice.entries.order_by("pk").first()
    assert entry is not None
    objection = notices.objection_file(notice=notice, entry=entry, reason="该候选人有刷票行为")
    notices.objection_answer(
        actor=personas["donghu_staff"],
        objection=objection,
        answer="经查属实，撤销其当选资格",
        sustained=True,
    )
    _after(notice, monkeypatch)
    notices.notice_close(notice_id=notice.pk)
    notice.refresh_from_db()
    ranked.refresh_from_db()
    assert notice.state == "closed" and ranked.results_confirmed_at is None
    page = client_for("donghu_staff").get(f"/appraisal/{ranked.pk}/").content.decode()
    assert 'data-testid="sustained-objections"' in page
    assert "该候选人有刷票行为" in page and "经查属实，撤销其当选资格" in page
    assert entry.public_label in page
