"""Fraud signals and the staff's answers to them (R22).

`fraud_scan` runs in the background (a task after each voting hour, and on demand) and
writes one flag per suspicious cluster, with its evidence and its votes:

- burst: a candidate drawing BURST_PER_MINUTE votes or more in one minute;
- address: SHARED_ADDRESS voters or more from one address block (IPv4 /24, IPv6 /64);
- device: SHARED_DEVICE voters or more on one device id;
- new phones: NEW_PHONES voters or more verified within the hour before voting for one
  candidate in the same hour;
- speed: a voter casting SPEED_VOTES votes within SPEED_SECONDS;
- midnight: a candidate taking MIDNIGHT_SHARE or more of a day's votes (at least
  MIDNIGHT_MIN) in the ten minutes after midnight.

Staff void a flag's votes, dismiss it, zero a candidate or disqualify one, each with a
reason, audited; voided votes leave the tally in the same transaction."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.appraisal.models import (
    Campaign,
    Candidate,
    CandidateState,
    FlagKind,
    FlagState,
    FraudFlag,
    TallyShard,
    Vote,
)
from gonghui.core.models import User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record

BURST_PER_MINUTE = 60
SHARED_ADDRESS = 30
SHARED_DEVICE = 3
NEW_PHONES = 20
SPEED_VOTES = 3
SPEED_SECONDS = 3
MIDNIGHT_SHARE = 0.5
MIDNIGHT_MIN = 30


def address_block(ip: str) -> str:
    """The block an address belongs to: a whole office or a vote farm shares one."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip or "?"
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _flag(
    campaign: Campaign,
    kind: FlagKind,
    key: str,
    votes: list[Vote],
    evidence: dict[str, object],
    candidate: Candidate | None = None,
) -> FraudFlag:
    flag, _created = FraudFlag.objects.get_or_create(
        campaign=campaign,
        kind=kind,
        key=key[:120],
        defaults={"candidate": candidate, "evidence": evidence},
    )
    if flag.state == FlagState.OPEN:
        flag.evidence = evidence
        flag.save(update_fields=["evidence"])
    flag.votes.add(*votes)
    return flag


@transaction.atomic
def fraud_scan(*, campaign: Campaign) -> list[FraudFlag]:
    """Every signal over the campaign's counted votes; returns the flags it wrote or grew."""
    votes = list(
        Vote.objects.filter(campaign=campaign, voided_at__isnull=True)
        .select_related("voter")
        .order_by("cast_at", "pk")
    )
    flags: list[FraudFlag] = []
    candidates = {c.pk: c for c in Candidate.objects.filter(campaign=campaign)}

    by_minute: dict[tuple[int, dt.datetime], list[Vote]] = defaultdict(list)
    by_block: dict[str, list[Vote]] = defaultdict(list)
    by_device: dict[str, list[Vote]] = defaultdict(list)
    by_voter: dict[int, list[Vote]] = defaultdict(list)
    fresh: dict[tuple[int, dt.datetime], list[Vote]] = defaultdict(list)
    for vote in votes:
        minute = vote.cast_at.replace(second=0, microsecond=0)
        by_minute[(vote.candidate_id, minute)].append(vote)
        by_block[address_block(vote.ip)].append(vote)
        if vote.device:
            by_device[vote.device].append(vote)
        by_voter[vote.voter_id].append(vote)
        if vote.cast_at - vote.voter.verified_at <= dt.timedelta(hours=1):
            hour = vote.cast_at.replace(minute=0, second=0, microsecond=0)
            fresh[(vote.candidate_id, hour)].append(vote)

    for (candidate_id, minute), group in by_minute.items():
        if len(group) >= BURST_PER_MINUTE:
            local = timezone.localtime(minute).strftime("%Y-%m-%d %H:%M")
            flags.append(
                _flag(
                    campaign,
                    FlagKind.BURST,
                    f"{_number(candidates[candidate_id])} @ {local}",
                    group,
                    {"votes": len(group), "minute": local},
                    candidates[candidate_id],
                )
            )
    for block, group in by_block.items():
        voters = {v.voter_id for v in group}
        if len(voters) >= SHARED_ADDRESS:
            per = Counter(v.candidate_id for v in group).most_common(3)
            flags.append(
                _flag(
                    campaign,
                    FlagKind.SHARED_ADDRESS,
                    block,
                    group,
                    {"voters": len(voters), "votes": len(group), "top": _named(per, candidates)},
                )
            )
    for device, group in by_device.items():
        voters = {v.voter_id for v in group}
        if len(voters) >= SHARED_DEVICE:
            flags.append(
                _flag(
                    campaign,
                    FlagKind.SHARED_DEVICE,
                    device,
                    group,
                    {"voters": len(voters), "votes": len(group)},
                )
            )
    for (candidate_id, hour), group in fresh.items():
        voters = {v.voter_id for v in group}
        if len(voters) >= NEW_PHONES:
            local = timezone.localtime(hour).strftime("%Y-%m-%d %H:00")
            flags.append(
                _flag(
                    campaign,
                    FlagKind.NEW_PHONES,
                    f"{_number(candidates[candidate_id])} @ {local}",
                    group,
                    {"voters": len(voters), "hour": local},
                    candidates[candidate_id],
                )
            )
    for voter_id, group in by_voter.items():
        fast = [
            group[i : i + SPEED_VOTES]
            for i in range(len(group) - SPEED_VOTES + 1)
            if (group[i + SPEED_VOTES - 1].cast_at - group[i].cast_at).total_seconds()
            < SPEED_SECONDS
        ]
        if fast:
            flags.append(
                _flag(
                    campaign,
                    FlagKind.SPEED,
                    f"voter:{voter_id}",
                    [v for run in fast for v in run],
                    {"votes": len(group), "seconds": SPEED_SECONDS},
                )
            )
    per_day: dict[tuple[int, dt.date], list[Vote]] = defaultdict(list)
    for vote in votes:
        per_day[(vote.candidate_id, vote.day)].append(vote)
    for (candidate_id, day), group in per_day.items():
        early = [v for v in group if timezone.localtime(v.cast_at).time() < dt.time(0, 10)]
        if len(early) >= MIDNIGHT_MIN and len(early) >= MIDNIGHT_SHARE * len(group):
            flags.append(
                _flag(
                    campaign,
                    FlagKind.MIDNIGHT,
                    f"{_number(candidates[candidate_id])} @ {day}",
                    early,
                    {"votes": len(early), "of_day": len(group), "day": str(day)},
                    candidates[candidate_id],
                )
            )
    return flags


def _number(candidate: Candidate) -> str:
    """How a flag's key names a candidate for the staff who read it: by public number."""
    return f"No.{candidate.number or candidate.pk}"


def _named(counts: Iterable[tuple[int, int]], candidates: dict[int, Candidate]) -> list[str]:
    return [f"{candidates[pk].number or '?'}号 {candidates[pk]}：{n}" for pk, n in counts]


# --- Staff actions ------------------------------------------------------------------------------


def _require(actor: User, campaign: Campaign) -> None:
    if not actor_can(actor, Perm.APPRAISAL_MANAGE, campaign.org):
        raise PermissionDenied


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError(_("Give the reason; it is kept with the action."), code="reason")
    return reason.strip()


def _void(votes: Iterable[Vote], reason: str) -> int:
    """Marks the votes void and takes them off their tally shards, in the caller's
    transaction: the tally never drifts from the counted rows."""
    ids = [v.pk for v in votes]
    counted = Counter(
        Vote.objects.select_for_update()
        .filter(pk__in=ids, voided_at__isnull=True)
        .values_list("candidate_id", "shard")
    )
    for (candidate_id, shard), n in counted.items():
        TallyShard.objects.filter(candidate_id=candidate_id, shard=shard).update(
            votes=F("votes") - n
        )
    return Vote.objects.filter(pk__in=ids, voided_at__isnull=True).update(
        voided_at=timezone.now(), void_reason=reason
    )


@transaction.atomic
def flag_decide(*, actor: User, flag: FraudFlag, void: bool, reason: str) -> FraudFlag:
    """Voids the flag's votes, or dismisses the flag; with a reason either way."""
    flag = FraudFlag.objects.select_for_update().select_related("campaign__org").get(pk=flag.pk)
    _require(actor, flag.campaign)
    reason = _reason(reason)
    if flag.state != FlagState.OPEN:
        raise ValidationError(_("This flag is decided already."), code="decided")
    voided = _void(flag.votes.all(), reason) if void else 0
    flag.state = FlagState.VOIDED if void else FlagState.DISMISSED
    flag.decided_by, flag.decided_at, flag.reason = actor, timezone.now(), reason
    flag.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    audit_record(
        actor=actor,
        action="appraisal.flag_void" if void else "appraisal.flag_dismiss",
        org=flag.campaign.org,
        obj=flag,
        after={"voided": voided, "kind": flag.kind, "key": flag.key},
        reason=reason,
    )
    return flag


@transaction.atomic
def candidate_zero(*, actor: User, candidate: Candidate, reason: str) -> int:
    """Voids every counted vote of the candidate (they may still be voted for)."""
    candidate = Candidate.objects.select_related("campaign__org").get(pk=candidate.pk)
    _require(actor, candidate.campaign)
    reason = _reason(reason)
    voided = _void(Vote.objects.filter(candidate=candidate), reason)
    audit_record(
        actor=actor,
        action="appraisal.candidate_zero",
        org=candidate.campaign.org,
        obj=candidate,
        after={"voided": voided},
        reason=reason,
    )
    return voided


@transaction.atomic
def candidate_disqualify(*, actor: User, candidate: Candidate, reason: str) -> Candidate:
    """Takes the candidate out of the appraisal: no more votes, no place in the result."""
    candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("campaign__org")
        .get(pk=candidate.pk)
    )
    _require(actor, candidate.campaign)
    reason = _reason(reason)
    if candidate.state != CandidateState.APPROVED:
        raise ValidationError(_("Only a candidate can be disqualified."), code="state")
    candidate.state = CandidateState.DISQUALIFIED
    candidate.reason = reason
    candidate.save(update_fields=["state", "reason"])
    audit_record(
        actor=actor,
        action="appraisal.candidate_disqualify",
        org=candidate.campaign.org,
        obj=candidate,
        reason=reason,
    )
    return candidate
