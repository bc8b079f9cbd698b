"""Public appraisal votes (最美快递员): campaigns, candidates, verified voters, votes with the
database guarantees of R21, a sharded tally, the view and like counters of R20, and fraud
flags with the staff actions of R22."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Org, User
from gonghui.orgs.models import Person

TALLY_SHARDS = 16  # a popular candidate's votes spread over this many rows: no hot row
MAX_VOTES_PER_DAY = 20  # the database's ceiling on a campaign's daily allowance


class CountDisplay(models.TextChoices):
    LIVE = "live", _("Counts shown live")
    DAILY = "daily", _("Counts published once a day")
    HIDDEN = "hidden", _("Counts hidden until the result")


class Campaign(models.Model):
    """One appraisal, with its rules as data: the voting window, votes per voter per day
    (R21, default 5; at most one per candidate), how counts show, the weight of the public
    vote against the jury (R22, default 40/60) or the vote only shortlisting, and how many
    are recognised. `campaign.result_notice` is the results' public notice, or None."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("run by")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("about the appraisal"), blank=True)
    nominations_close = models.DateTimeField(_("nominations close"))
    voting_starts = models.DateTimeField(_("voting starts"))
    voting_ends = models.DateTimeField(_("voting ends"))
    votes_per_day = models.PositiveSmallIntegerField(_("votes per voter per day"), default=5)
    self_nomination = models.BooleanField(_("workers may nominate themselves"), default=False)
    min_years = models.PositiveSmallIntegerField(_("years of service at least"), default=1)
    count_display = models.CharField(
        _("vote counts"), max_length=8, choices=CountDisplay.choices, default=CountDisplay.LIVE
    )
    public_weight = models.DecimalField(
        _("weight of the public vote"), max_digits=3, decimal_places=2, default=Decimal("0.40")
    )
    shortlist_only = models.BooleanField(_("the vote only shortlists for the jury"), default=False)
    winners = models.PositiveIntegerField(_("recognised"), default=30)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The public notice of the final ranking (R6, R22), published once through review, and
    # when it closed with no sustained objection: only then are the results final.
    result_notice = models.ForeignKey(
        "review.Notice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("result public notice"),
    )
    results_confirmed_at = models.DateTimeField(_("results confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal campaign")
        verbose_name_plural = _("appraisal campaigns")
        ordering = ["-voting_starts", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(voting_ends__gt=F("voting_starts")),
                name="appraisal_voting_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(nominations_close__lte=F("voting_starts")),
                name="appraisal_nominations_before_voting",
            ),
            models.CheckConstraint(
                condition=Q(votes_per_day__gte=1, votes_per_day__lte=MAX_VOTES_PER_DAY),
                name="appraisal_votes_per_day_in_range",
            ),
            models.CheckConstraint(  # R22: the public vote never decides alone
                condition=Q(public_weight__gte=0, public_weight__lt=1),
                name="appraisal_public_weight_below_1",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def jury_weight(self) -> Decimal:
        return 1 - self.public_weight


class CandidateState(models.TextChoices):
    NOMINATED = "nominated", _("Nominated, eligibility being checked")
    APPROVED = "approved", _("Candidate")
    REFUSED = "refused", _("Not eligible")
    DISQUALIFIED = "disqualified", _("Disqualified")


class Candidate(models.Model):
    """A nominated worker. `number` is the candidate's public number (1, 2, …) once approved;
    `views` and `likes` are R20's counters, flushed in batches from the cache."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="candidates")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    nominated_by_org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("nominated by")
    )
    nominated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    self_nominated = models.BooleanField(default=False)
    employer = models.CharField(_("employer"), max_length=120)
    story = models.TextField(_("story"))
    photo = models.ImageField(_("photo"), upload_to="appraisal/photos/", blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=CandidateState.choices, default=CandidateState.NOMINATED
    )
    reason = models.TextField(_("reason"), blank=True)
    number = models.PositiveIntegerField(_("candidate number"), null=True, blank=True)
    views = models.PositiveBigIntegerField(_("page views"), default=0)
    likes = models.PositiveBigIntegerField(_("likes"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["campaign", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person"], name="appraisal_person_once_per_campaign"
            ),
            models.UniqueConstraint(
                fields=["campaign", "number"],
                condition=Q(number__isnull=False),
                name="appraisal_number_once_per_campaign",
            ),
        ]

    def __str__(self) -> str:
        return self.person.name if self.person_id else str(self.pk)


class VoterKind(models.TextChoices):
    PHONE = "phone", _("Verified phone")
    WECHAT = "wechat", _("WeChat")


class Voter(models.Model):
    """A verified voter: `key` is a keyed hash of the phone number or the WeChat OpenID, so
    the identity is compared, never read back."""

    kind = models.CharField(max_length=8, choices=VoterKind.choices)
    key = models.CharField(max_length=64, unique=True)
    verified_at = models.DateTimeField(default=timezone.now)
    first_seen_ip = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")

    def __str__(self) -> str:
        return f"{self.kind}:{self.key[:8]}"


class PhoneCode(models.Model):
    """A verification code sent by SMS: stored hashed, valid 10 minutes, 5 tries."""

    phone_key = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phone verification code")
        verbose_name_plural = _("phone verification codes")

    def __str__(self) -> str:
        return f"{self.phone_key[:8]} @ {self.sent_at:%Y-%m-%d %H:%M}"


class Vote(models.Model):
    """One vote (R21, R22). The database holds the limits: one per voter, candidate and
    local day; and `slot` 1..votes_per_day numbers a voter's votes of a day, unique, so two
    votes racing for the last allowance cannot both get it. A voided vote stays, marked."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="votes")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="votes")
    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="votes")
    day = models.DateField()
    slot = models.PositiveSmallIntegerField()
    shard = models.PositiveSmallIntegerField()
    cast_at = models.DateTimeField(default=timezone.now)
    ip = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    device = models.CharField(max_length=64, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        indexes = [
            models.Index(fields=["campaign", "candidate", "cast_at"], name="vote_candidate_time"),
            models.Index(fields=["campaign", "ip"], name="vote_campaign_ip"),
            models.Index(fields=["campaign", "device"], name="vote_campaign_device"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "candidate", "voter", "day"],
                name="vote_once_per_candidate_voter_day",
            ),
            models.UniqueConstraint(
                fields=["campaign", "voter", "day", "slot"], name="vote_slot_once_per_day"
            ),
            models.CheckConstraint(
                condition=Q(slot__gte=1, slot__lte=MAX_VOTES_PER_DAY), name="vote_slot_in_range"
            ),
            models.CheckConstraint(condition=Q(shard__lt=TALLY_SHARDS), name="vote_shard_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id}@{self.day}#{self.slot}"


class TallyShard(models.Model):
    """A slice of a candidate's vote count, changed in the vote's own transaction. The
    candidate's tally is the sum of its shards, and always equals its counted votes."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="tally")
    shard = models.PositiveSmallIntegerField()
    votes = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("tally shard")
        verbose_name_plural = _("tally shards")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "shard"], name="tally_shard_once"),
            models.CheckConstraint(condition=Q(votes__gte=0), name="tally_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id}/{self.shard}: {self.votes}"


class FlagKind(models.TextChoices):
    BURST = "burst", _("Burst of votes for one candidate")
    SHARED_ADDRESS = "address", _("Many voters from one address")
    SHARED_DEVICE = "device", _("Many voters on one device")
    NEW_PHONES = "new_phones", _("Cluster of newly verified phones")
    SPEED = "speed", _("Votes at inhuman speed")
    MIDNIGHT = "midnight", _("Votes packed just after midnight")


class FlagState(models.TextChoices):
    OPEN = "open", _("To review")
    VOIDED = "voided", _("Votes voided")
    DISMISSED = "dismissed", _("Cleared: not fraud")


class FraudFlag(models.Model):
    """A suspicious cluster found by the background scan (R22), with its evidence and the
    votes it covers, for staff to void or dismiss with a reason."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("signal"), max_length=12, choices=FlagKind.choices)
    key = models.CharField(max_length=120)  # what the cluster shares: an address, a device…
    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    evidence = models.JSONField(default=dict)
    votes = models.ManyToManyField(Vote, related_name="flags")
    found_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=FlagState.choices, default=FlagState.OPEN)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("fraud flag")
        verbose_name_plural = _("fraud flags")
        ordering = ["state", "-found_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "key"], name="flag_once_per_cluster"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class AppraisalResult(models.Model):
    """A candidate's final standing (R22), written once from the locked jury panel: the
    counted votes, the vote on a 100 scale, the jury's score, the blend, the rank, and
    whether they are recognised or given a merit award."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="results")
    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="result")
    votes = models.PositiveIntegerField(_("votes"))
    vote_score = models.DecimalField(_("public vote (of 100)"), max_digits=6, decimal_places=2)
    jury_score = models.DecimalField(_("jury score"), max_digits=6, decimal_places=2)
    final = models.DecimalField(_("final score"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))
    recognised = models.BooleanField(_("recognised"), default=False)
    merit = models.BooleanField(_("merit award"), default=False)

    class Meta:
        verbose_name = _("appraisal result")
        verbose_name_plural = _("appraisal results")
        ordering = ["campaign", "rank", "candidate__number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recognised=False) | Q(merit=False), name="result_recognised_or_merit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} #{self.rank}"
