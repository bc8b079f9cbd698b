"""Voters, votes, likes and views (R20, R21).

- A voter is a verified phone (a 6-digit code by SMS through `core.sms`) or a WeChat OpenID;
  the identity is kept as a keyed hash.
- `vote_cast` holds R21 in the database: one vote per voter, candidate and local day (a
  unique constraint), and the day's allowance as numbered slots 1..n (unique per voter and
  day), so concurrent votes can never exceed it. The vote and its tally shard commit
  together; a popular candidate's votes spread over TALLY_SHARDS rows.
- Views and likes are counted apart from votes (R20); a view costs no write on the hot path
  (`counters`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.appraisal.models import (
    TALLY_SHARDS,
    Campaign,
    Candidate,
    CandidateState,
    PhoneCode,
    TallyShard,
    Vote,
    Voter,
    VoterKind,
)
from gonghui.core.personal_data import lookup_hash
from gonghui.core.sms import sms_send

CODE_MINUTES = 10
CODE_TRIES = 5
CODES_PER_PHONE_PER_HOUR = 5


def _code_hash(phone_key: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{phone_key}:{code}".encode(), "sha256"
    ).hexdigest()


def valid_phone(phone: str) -> str:
    phone = phone.strip().replace(" ", "").replace("-", "")
    if len(phone) != 11 or not phone.isdigit() or not phone.startswith("1"):
        raise ValidationError(_("Enter an 11-digit mobile number."), code="phone")
    return phone


@transaction.atomic
def phone_code_send(*, phone: str) -> PhoneCode:
    """A 6-digit code by SMS, valid CODE_MINUTES; at most CODES_PER_PHONE_PER_HOUR a phone."""
    phone = valid_phone(phone)
    key = lookup_hash(phone)
    now = timezone.now()
    recent = PhoneCode.objects.filter(
        phone_key=key, sent_at__gte=now - dt.timedelta(hours=1)
    ).count()
    if recent >= CODES_PER_PHONE_PER_HOUR:
        raise ValidationError(
            _("Too many codes for this number; try again in an hour."), code="too_many"
        )
    code = f"{secrets.randbelow(10**6):06d}"
    sent = PhoneCode.objects.create(
        phone_key=key,
        code_hash=_code_hash(key, code),
        expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
    )
    sms_send(
        phone=phone,
        text=_("Your voting code is %(code)s, valid for %(minutes)s minutes.")
        % {"code": code, "minutes": CODE_MINUTES},
    )
    return sent


@transaction.atomic
def phone_code_check(*, phone: str, code: str, ip: str = "") -> Voter:
    """The voter behind a phone, once its latest code is confirmed (CODE_TRIES attempts)."""
    phone = valid_phone(phone)
    key = lookup_hash(phone)
    now = timezone.now()
    sent = (
        PhoneCode.objects.select_for_update()
        .filter(phone_key=key, used_at__isnull=True, expires_at__gt=now)
        .order_by("-sent_at")
        .first()
    )
    if sent is None or sent.tries >= CODE_TRIES:
        raise ValidationError(_("The code has expired; ask for a new one."), code="expired")
    if not hmac.compare_digest(sent.code_hash, _code_hash(key, code.strip())):
        PhoneCode.objects.filter(pk=sent.pk).update(tries=F("tries") + 1)
        raise ValidationError(_("That code is not right."), code="wrong_code")
    PhoneCode.objects.filter(pk=sent.pk).update(used_at=now)
    voter, _created = Voter.objects.get_or_create(
        key=key, defaults={"kind": VoterKind.PHONE, "first_seen_ip": ip[:64]}
    )
    return voter


def wechat_voter(*, openid: str, ip: str = "") -> Voter:
    """The voter behind a WeChat OpenID that the configured OAuth backend vouched for."""
    key = hashlib.sha256(f"{settings.SECRET_KEY}:wechat:{openid}".encode()).hexdigest()
    voter, _created = Voter.objects.get_or_create(
        key=key, defaults={"kind": VoterKind.WECHAT, "first_seen_ip": ip[:64]}
    )
    return voter


@dataclass(frozen=True)
class Client:
    """What a vote records of where it came from (R22)."""

    ip: str = ""
    user_agent: str = ""
    device: str = ""


def voting_open(campaign: Campaign, at: object = None) -> bool:
    now = timezone.now() if at is None else at
    return campaign.voting_starts <= now < campaign.voting_ends  # type: ignore[operator]


def _standing(
    campaign: Campaign, voter: Voter, day: dt.date, candidate: Candidate
) -> tuple[int, bool]:
    """The voter's votes of the day so far, and whether one is for this candidate. Read
    before writing, so concurrent votes may all pass it: the constraints decide."""
    mine = list(
        Vote.objects.filter(campaign=campaign, voter=voter, day=day).values_list(
            "candidate_id", flat=True
        )
    )
    return len(mine), candidate.pk in mine


@transaction.atomic
def vote_cast(*, campaign: Campaign, candidate: Candidate, voter: Voter, client: Client) -> Vote:
    """One vote, or a refusal with its reason: voting not open; not a candidate of the
    campaign; already voted for this candidate today; the day's allowance used (R21). The
    database holds both limits whatever the concurrency: a race for the last slot or for the
    same candidate ends in one vote and one refusal."""
    now = timezone.now()
    if not voting_open(campaign, now):
        raise ValidationError(_("Voting is not open."), code="window")
    if candidate.campaign_id != campaign.pk or candidate.state != CandidateState.APPROVED:
        raise ValidationError(_("This is not a candidate of this appraisal."), code="candidate")
    day = timezone.localtime(now).date()
    used, again = _standing(campaign, voter, day, candidate)
    if again:
        raise ValidationError(_("You have voted for this candidate today."), code="again")
    for slot in range(used + 1, campaign.votes_per_day + 1):
        shard = random.randrange(TALLY_SHARDS)  # noqa: S311  # spreading load, not a secret
        try:
            with transaction.atomic():
                vote = Vote.objects.create(
                    campaign=campaign,
                    candidate=candidate,
                    voter=voter,
                    day=day,
                    slot=slot,
                    shard=shard,
                    cast_at=now,
                    ip=client.ip[:64],
                    user_agent=client.user_agent[:300],
                    device=client.device[:64],
                )
                TallyShard.objects.filter(candidate=candidate, shard=shard).update(
                    votes=F("votes") + 1
                )
            return vote
        except IntegrityError:
            if Vote.objects.filter(
                campaign=campaign, voter=voter, day=day, candidate=candidate
            ).exists():
                raise ValidationError(
                    _("You have voted for this candidate today."), code="again"
                ) from None
            continue  # a concurrent vote took this slot: try the next
    raise ValidationError(
        _("You have used today's %(n)s votes; come back tomorrow.") % {"n": campaign.votes_per_day},
        code="daily_limit",
    )


def tally(candidate: Candidate) -> int:
    """The candidate's counted votes: the sum of its shards."""
    return int(TallyShard.objects.filter(candidate=candidate).aggregate(n=Sum("votes"))["n"] or 0)


def tallies(campaign: Campaign) -> dict[int, int]:
    rows = (
        TallyShard.objects.filter(candidate__campaign=campaign)
        .values("candidate")
        .annotate(n=Sum("votes"))
        .values_list("candidate", "n")
    )
    return {pk: int(n or 0) for pk, n in rows}


def votes_left(campaign: Campaign, voter: Voter) -> int:
    day = timezone.localdate()
    used = Vote.objects.filter(campaign=campaign, voter=voter, day=day).count()
    return max(0, campaign.votes_per_day - used)


def voted_today(campaign: Campaign, voter: Voter) -> set[int]:
    day = timezone.localdate()
    return set(
        Vote.objects.filter(campaign=campaign, voter=voter, day=day).values_list(
            "candidate_id", flat=True
        )
    )
