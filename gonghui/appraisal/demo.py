"""The demo city's appraisal: 东湖's "most beautiful courier and delivery rider" vote, open,
with 40 candidates nominated by the courier and rider federations and checked by 东湖, some
hundreds of ordinary voters through the day, and one vote farm (a /24 of fresh phones at 20
votes a second for one candidate) that the fraud scan has flagged for 东湖 to review.
Votes go through `vote_cast`; their times are then spread over the day they were cast."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from faker import Faker

from gonghui.appraisal.models import Campaign, CountDisplay, Vote, Voter
from gonghui.appraisal.services import campaigns, fraud, voting
from gonghui.core.models import Org, User
from gonghui.core.personal_data import lookup_hash
from gonghui.orgs.demo import resident_id
from gonghui.orgs.models import Membership, MembershipState, NewEmploymentForm, Person

TITLE = "东湖区“最美快递员（网约送餐员）”评选"
CANDIDATES = 40
VOTERS = 300
STORIES = (
    "十年如一日穿梭在大街小巷，暴雨天把药品准时送到独居老人家中。",
    "送餐途中发现居民楼起火，第一时间报警并帮助疏散群众。",
    "坚持为社区老人免费代收代寄，被居民称为“小区里的好儿子”。",
    "年派件量超过六万件，零投诉，带出了十几名新徒弟。",
)


def load(*, size: int = 0) -> None:
    if Campaign.objects.filter(title=TITLE).exists():
        return
    with transaction.atomic():
        staff = User.objects.get(username="donghu_staff")
        chair = User.objects.get(username="courier_chair")
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
        made = []
        for n in range(CANDIDATES):
            station = stations[n % len(stations)]
            rider = station.code.startswith("HH-DH-WY")
            birth = dt.date(rng.randint(1975, 2000), rng.randint(1, 12), rng.randint(1, 28))
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
                start_date=dt.date(rng.randint(2015, 2023), 5, 1),
            )
            nomination = campaigns.nomination_submit(
                actor=chair if not rider else staff,
                campaign=campaign,
                person=person,
                story=rng.choice(STORIES),
            )
            made.append(campaigns.candidate_decide(actor=staff, candidate=nomination, approve=True))
        Campaign.objects.filter(pk=campaign.pk).update(
            nominations_close=now - dt.timedelta(days=3), voting_starts=now - dt.timedelta(days=2)
        )
        campaign.refresh_from_db()
        popularity = [rng.paretovariate(1.2) for _ in made]
        midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        elapsed = max(60, int((timezone.localtime(now) - midnight).total_seconds()) - 60)
        for i in range(VOTERS):
            voter = Voter.objects.create(
                kind="phone", key=f"demo-voter-{i}", verified_at=now - dt.timedelta(days=2)
            )
            picks = set(rng.choices(range(CANDIDATES), weights=popularity, k=rng.randint(1, 5)))
            client = voting.Client(
                ip=".".join(
                    str(rng.randint(lo, hi)) for lo, hi in ((36, 223), (0, 255), (0, 255), (1, 254))
                ),
                user_agent=rng.choice(["MicroMessenger/8.0", "Safari/604.1", "Chrome/120"]),
                device=f"demo-device-{i}",
            )
            at = midnight + dt.timedelta(seconds=rng.randint(0, elapsed))
            for pick in picks:
                vote = voting.vote_cast(
                    campaign=campaign, candidate=made[pick], voter=voter, client=client
                )
                Vote.objects.filter(pk=vote.pk).update(cast_at=at)
                at += dt.timedelta(seconds=rng.randint(5, 40))
        # The vote farm: fresh phones from one /24, 20 votes a second, all for No. 7.
        farm_at = now - dt.timedelta(minutes=20)
        for i in range(80):
            voter = Voter.objects.create(kind="phone", key=f"demo-farm-{i}", verified_at=farm_at)
            vote = voting.vote_cast(
                campaign=campaign,
                candidate=made[6],
                voter=voter,
                client=voting.Client(ip=f"117.8.9.{i + 2}", user_agent="okhttp/3.12", device=""),
            )
            Vote.objects.filter(pk=vote.pk).update(
                cast_at=farm_at + dt.timedelta(milliseconds=50 * i)
            )
        fraud.fraud_scan(campaign=campaign)
