"""The demo city's appraisal: 东湖's "most beautiful courier and delivery rider" vote, open,
with 40 candidates nominated by the courier and rider federations and checked by 东湖, some
hundreds of ordinary voters through the day, and one vote farm (a /24 of fresh phones at 20
votes a second for one candidate) that the fraud scan has flagged for 东湖 to review.
Votes are written in bulk as `vote_cast` writes them (`_cast`), so `make run` stays fast."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from faker import Faker

from gonghui.appraisal.models import (
    TALLY_SHARDS,
    Campaign,
    Candidate,
    CountDisplay,
    TallyShard,
    Vote,
    Voter,
)
from gonghui.appraisal.services import campaigns, fraud, voting
from gonghui.core.models import Org, User
from gonghui.core.personal_data import lookup_hash
from gonghui.orgs.demo import resident_id
from gonghui.orgs.models import Membership, MembershipState, NewEmploymentForm, Person

TITLE = "东湖区“最美快递员（网约送餐员）”评选"
CANDIDATES = 40
VOTERS = 400
STORIES = (
    "十年如一日穿梭在大街小巷，暴雨天把药品准时送到独居老人家中。",
    "送餐途中发现居民楼起火，第一时间报警并帮助疏散群众。",
    "坚持为社区老人免费代收代寄，被居民称为“小区里的好儿子”。",
    "年派件量超过六万件，零投诉，带出了十几名新徒弟。",
)


@dataclass(frozen=True)
class Ballot:
    voter: Voter
    candidate: Candidate
    day: dt.date
    at: dt.datetime
    client: voting.Client


def _client(rng: random.Random, device: str) -> voting.Client:
    ranges = ((36, 223), (0, 255), (0, 255), (1, 254))
    return voting.Client(
        ip=".".join(str(rng.randint(lo, hi)) for lo, hi in ranges),
        user_agent=rng.choice(["MicroMessenger/8.0", "Safari/604.1", "Chrome/120"]),
        device=device,
    )


def _cast(campaign: Campaign, plan: list[Ballot], rng: random.Random) -> None:
    """The rows `voting.vote_cast` writes, in bulk: each voter's votes of a day numbered in
    slots within the allowance, one per candidate, a random tally shard each, and the shards
    summed from the rows (the tests prove `vote_cast` itself)."""
    Voter.objects.bulk_create({id(b.voter): b.voter for b in plan}.values(), batch_size=2000)
    slots: dict[tuple[int, dt.date], int] = {}
    votes = []
    for ballot in plan:
        key = (id(ballot.voter), ballot.day)
        slots[key] = slots.get(key, 0) + 1
        assert slots[key] <= campaign.votes_per_day
        votes.append(
            Vote(
                campaign=campaign,
                candidate=ballot.candidate,
                voter=ballot.voter,
                day=ballot.day,
                slot=slots[key],
                shard=rng.randrange(TALLY_SHARDS),
                cast_at=ballot.at,
                ip=ballot.client.ip,
                user_agent=ballot.client.user_agent,
                device=ballot.client.device,
            )
        )
    Vote.objects.bulk_create(votes, batch_size=2000)
    sums = (
        Vote.objects.filter(campaign=campaign)
        .values("candidate", "shard")
        .annotate(n=Count("pk"))
        .values_list("candidate", "shard", "n")
    )
    for candidate, shard, n in sums:
        TallyShard.objects.filter(candidate_id=candidate, shard=shard).update(votes=n)


def load(*, size: int = 0) -> None:
    if Campaign.objects.filter(title=TITLE).exists():
        return
    _finished()
    with transaction.atomic():
        staff = User.objects.get(username="donghu_staff")
        now = timezone.now()
        campaign = campaigns.campaign_create(
            actor=staff,
            org=Org.objects.get(code="HH-DH"),
            title=TITLE,
            description="由东湖区快递、网约送餐行业工会联合会推荐，经资格审核后面向社会公开投票。"
            "每人每天可投5票，每位候选人每天限投1票。最终结果按大众投票40%、评审团60%综合确定，并经公示。",
            nominations_close=now + dt.timedelta(minutes=1),
            voting_starts=now + dt.timedelta(minutes=1),
            voting_ends=now + dt.timedelta(days=7),
            count_display=CountDisplay.LIVE,
            winners=10,
        )
        rng = random.Random(2024)
        fake = Faker("zh_CN")
        fake.seed_instance(2024)
        stations = list(Org.objects.filter(code__startswith="HH-DH-KD-").order_by("code")[:4])
        stations += list(Org.objects.filter(code__startswith="HH-DH-WY-").order_by("code")[:2])
        made = _field(campaign, _people(rng, fake, stations, CANDIDATES), rng)
        Campaign.objects.filter(pk=campaign.pk).update(
            nominations_close=now - dt.timedelta(days=3), voting_starts=now - dt.timedelta(days=2)
        )
        campaign.refresh_from_db()
        popularity = [rng.paretovariate(1.2) for _ in made]
        midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        elapsed = max(60, int((timezone.localtime(now) - midnight).total_seconds()) - 60)
        plan: list[Ballot] = []
        for i in range(VOTERS):
            voter = Voter(
                kind="phone", key=f"demo-voter-{i}", verified_at=now - dt.timedelta(days=2)
            )
            picks = set(rng.choices(range(CANDIDATES), weights=popularity, k=rng.randint(1, 5)))
            client = _client(rng, f"demo-device-{i}")
            at = midnight + dt.timedelta(seconds=rng.randint(0, elapsed))
            for pick in picks:
                plan.append(Ballot(voter, made[pick], timezone.localdate(), at, client))
                at += dt.timedelta(seconds=rng.randint(5, 40))
        # The vote farm: fresh phones from one /24, 20 votes a second, all for No. 7.
        farm_at = (now - dt.timedelta(minutes=20)).replace(second=0, microsecond=0)
        for i in range(80):
            at = farm_at + dt.timedelta(milliseconds=50 * i)
            plan.append(
                Ballot(
                    Voter(kind="phone", key=f"demo-farm-{i}", verified_at=farm_at),
                    made[6],
                    timezone.localdate(),
                    at,
                    voting.Client(ip=f"117.8.9.{i + 2}", user_agent="okhttp/3.12"),
                )
            )
        _cast(campaign, plan, rng)
        fraud.fraud_scan(campaign=campaign)


FINISHED_TITLE = "2025年东湖区“最美快递员（网约送餐员）”评选"
FINISHED_CANDIDATES = 60
FINISHED_VOTERS = 2_000  # the seed's 197,453 votes, in miniature
FINISHED_DAYS = 10


def _people(rng: random.Random, fake: Faker, stations: list[Org], n: int) -> list[Person]:
    people = []
    for i in range(n):
        station = stations[i % len(stations)]
        rider = station.code.startswith("HH-DH-WY")
        birth = dt.date(rng.randint(1975, 2000), rng.randint(1, 12), rng.randint(1, 28))
        number = resident_id(rng, birth, "M")
        while Person.objects.filter(id_hash=lookup_hash(number)).exists():
            number = resident_id(rng, birth, "M")
        person = Person.objects.create(
            id_hash=lookup_hash(number),
            id_number=number,
            name=fake.name(),
            sex="M",
            birth_date=birth,
            new_employment_form=NewEmploymentForm.RIDER if rider else NewEmploymentForm.COURIER,
            platform=rng.choice(
                ["美团", "饿了么"] if rider else ["中通快递", "顺丰速运", "京东物流"]
            ),
            job_type="网约送餐员" if rider else "快递员",
        )
        Membership.objects.create(
            org=station,
            person=person,
            state=MembershipState.ACTIVE,
            start_date=dt.date(rng.randint(2012, 2021), 5, 1),
        )
        people.append(person)
    return people


def _field(campaign: Campaign, people: list[Person], rng: random.Random) -> list[Candidate]:
    """Nominated through the services (couriers by their federation's chair, riders by 东湖
    itself) and approved by 东湖's staff."""
    staff = User.objects.get(username="donghu_staff")
    chair = User.objects.get(username="courier_chair")
    field = []
    for person in people:
        nomination = campaigns.nomination_submit(
            actor=staff if person.job_type == "网约送餐员" else chair,
            campaign=campaign,
            person=person,
            story=rng.choice(STORIES),
        )
        field.append(campaigns.candidate_decide(actor=staff, candidate=nomination, approve=True))
    return field


@transaction.atomic
def _finished() -> None:
    """Last year's vote, finished: 60 candidates, 1,500 voters over ten days, the jury of
    three judges, the final ranking with 30 recognised (the seed's 30), and its public
    notice, closed, the results confirmed."""
    from gonghui.appraisal.services import results
    from gonghui.scoring import services as scoring
    from gonghui.scoring.models import JudgeRole

    staff = User.objects.get(username="donghu_staff")
    now = timezone.now()
    campaign = campaigns.campaign_create(
        actor=staff,
        org=Org.objects.get(code="HH-DH"),
        title=FINISHED_TITLE,
        description="面向全区快递员、网约送餐员，经推荐、资格审核、公开投票与评审团评分，评选出30名“最美快递员（网约送餐员）”。",
        nominations_close=now + dt.timedelta(minutes=1),
        voting_starts=now + dt.timedelta(minutes=1),
        voting_ends=now + dt.timedelta(days=1),
        count_display=CountDisplay.DAILY,
        winners=30,
    )
    rng = random.Random(2025)
    fake = Faker("zh_CN")
    fake.seed_instance(2025)
    stations = list(Org.objects.filter(code__startswith="HH-DH-KD-").order_by("code")[:4])
    stations += list(Org.objects.filter(code__startswith="HH-DH-WY-").order_by("code")[:2])
    field = _field(campaign, _people(rng, fake, stations, FINISHED_CANDIDATES), rng)
    Campaign.objects.filter(pk=campaign.pk).update(
        nominations_close=now - dt.timedelta(days=2), voting_starts=now - dt.timedelta(days=1)
    )
    campaign.refresh_from_db()
    popularity = [rng.paretovariate(1.1) for _ in field]
    first_day = timezone.localdate() - dt.timedelta(days=365)
    plan = []
    for i in range(FINISHED_VOTERS):
        voter = Voter(kind="phone", key=f"demo-2025-{i}", verified_at=now - dt.timedelta(days=400))
        picks = set(rng.choices(range(len(field)), weights=popularity, k=rng.randint(1, 5)))
        day = first_day + dt.timedelta(days=rng.randrange(FINISHED_DAYS))
        at = timezone.make_aware(
            dt.datetime.combine(day, dt.time(rng.randint(7, 22), rng.randint(0, 59)))
        )
        client = _client(rng, f"demo-2025-device-{i}")
        for pick in picks:
            plan.append(Ballot(voter, field[pick], day, at, client))
            at += dt.timedelta(seconds=rng.randint(5, 40))
    _cast(campaign, plan, rng)
    for candidate, weight in zip(field, popularity, strict=True):
        views = int(300 + weight * 400)
        Candidate.objects.filter(pk=candidate.pk).update(views=views, likes=views // 9)
    # Voting ended; the jury of three scored every candidate; the ranking was computed.
    Campaign.objects.filter(pk=campaign.pk).update(
        nominations_close=timezone.make_aware(
            dt.datetime.combine(first_day - dt.timedelta(days=7), dt.time(17))
        ),
        voting_starts=timezone.make_aware(dt.datetime.combine(first_day, dt.time(0))),
        voting_ends=timezone.make_aware(
            dt.datetime.combine(first_day + dt.timedelta(days=FINISHED_DAYS), dt.time(0))
        ),
    )
    campaign.refresh_from_db()
    panel = results.jury_open(actor=staff, campaign=campaign)
    judges = [User.objects.get(username=u) for u in ("judge", "judge2", "judge3")]
    for judge in judges:
        scoring.judge_add(actor=staff, panel=panel, user=judge)
    scoring.judge_add(
        actor=staff,
        panel=panel,
        user=User.objects.get(username="city_admin"),
        role=JudgeRole.ARBITER,
    )
    for entry in panel.entries.all():
        base = rng.randint(60, 92)
        for judge in judges:
            deeds = min(40, round(base * 0.4) + rng.randint(-2, 2))
            scoring.sheet_save(
                actor=judge,
                panel=panel,
                entry=entry,
                marks={
                    "deeds": str(max(0, deeds)),
                    "service": str(min(30, max(0, round(base * 0.3) + rng.randint(-2, 2)))),
                    "skill": str(min(30, max(0, round(base * 0.3) + rng.randint(-2, 2)))),
                },
            )
    scoring.results_lock(actor=staff, panel=panel)
    results.results_compute(actor=staff, campaign=campaign)
    _result_notice(campaign, staff, first_day + dt.timedelta(days=FINISHED_DAYS + 7))


def _result_notice(campaign: Campaign, staff: User, start: dt.date) -> None:
    """Last year's result notice, closed: published a week after voting, one objection from
    the public answered (not sustained), the results confirmed when it ended. Made through
    the services today, then moved back to last year's dates."""
    from gonghui.appraisal.services import results
    from gonghui.core.workdays import add_working_days
    from gonghui.review import notices
    from gonghui.review.models import Notice, Objection

    notice = results.results_publish(actor=staff, campaign=campaign)
    objection = notices.objection_file(
        notice=notice, reason="第12名的投票数据有无刷票情况？请说明核查方法。"
    )
    notices.objection_answer(
        actor=staff,
        objection=objection,
        answer="投票期间系统已对异常投票自动识别，经人工复核作废无效票后计分，排名无误。",
        sustained=False,
    )

    def at(day: dt.date, hour: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    end = add_working_days(start, 5).date
    Notice.objects.filter(pk=notice.pk).update(
        starts_on=start, ends_on=end, published_at=at(start, 9)
    )
    Objection.objects.filter(pk=objection.pk).update(
        created_at=at(start + dt.timedelta(days=1), 20),
        answered_at=at(start + dt.timedelta(days=3), 10),
    )
    notices.notice_close(notice_id=notice.pk)
    Campaign.objects.filter(pk=campaign.pk).update(
        results_confirmed_at=at(end + dt.timedelta(days=1), 0)
    )
