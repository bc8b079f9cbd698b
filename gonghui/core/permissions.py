"""The one place that says who may do what: roles → permissions, held at an org and valid for
its subtree (R1). Every view, selector and service asks `core.scoping`, which reads this table;
`docs/permissions.md` is generated from it (`manage.py permissions_doc`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Perm(StrEnum):
    HOME_VIEW = "home.view"
    AUDIT_VIEW = "audit.view"
    CALENDAR_VIEW = "calendar.view"
    # Holds only at a root org: the holiday calendar is national, not a district's to change.
    CALENDAR_MANAGE = "calendar.manage"
    ORG_VIEW = "org.view"
    ORG_MANAGE = "org.manage"
    MEMBER_VIEW = "member.view"
    MEMBER_MANAGE = "member.manage"
    PERSONAL_DATA_VIEW = "personal_data.view"
    OWN_MEMBERSHIP_VIEW = "own_membership.view"
    CASE_OPEN = "case.open"
    CASE_REVIEW = "case.review"
    HARDSHIP_MANAGE = "hardship.manage"
    AID_MANAGE = "aid.manage"
    AID_APPLY = "aid.apply"
    SCORE_ENTER = "score.enter"
    SCORE_MANAGE = "score.manage"
    CONTEST_MANAGE = "contest.manage"
    CONTEST_VIEW = "contest.view"
    APPRAISAL_MANAGE = "appraisal.manage"
    INNOVATION_VIEW = "innovation.view"
    INNOVATION_MANAGE = "innovation.manage"
    PROPOSAL_SUBMIT = "proposal.submit"
    PROPOSAL_MANAGE = "proposal.manage"


PERM_LABELS: dict[Perm, Promise] = {
    Perm.HOME_VIEW: _("See the home page"),
    Perm.AUDIT_VIEW: _("Read the audit log of the subtree"),
    Perm.CALENDAR_VIEW: _("See the working-day calendar"),
    Perm.CALENDAR_MANAGE: _("Enter a year's official holiday arrangement"),
    Perm.ORG_VIEW: _("See the organisations of the subtree"),
    Perm.ORG_MANAGE: _("Create and edit organisations of the subtree"),
    Perm.MEMBER_VIEW: _("See the members of the subtree"),
    Perm.MEMBER_MANAGE: _("Admit, transfer and edit members of the subtree"),
    Perm.PERSONAL_DATA_VIEW: _("See full ID numbers and phones (audited)"),
    Perm.OWN_MEMBERSHIP_VIEW: _("See one's own membership and applications"),
    Perm.CASE_OPEN: _("Open and submit cases for review at the org"),
    Perm.CASE_REVIEW: _("Decide cases waiting at the org (R5: the org's own level only)"),
    Perm.HARDSHIP_MANAGE: _("Open, re-check and close hardship files of the subtree"),
    Perm.AID_MANAGE: _("Run golden-autumn campaigns: budgets, tiers, payments, donors"),
    Perm.AID_APPLY: _("Apply for golden-autumn aid for one's own child"),
    Perm.SCORE_ENTER: _("Enter marks as a judge of a panel"),
    Perm.SCORE_MANAGE: _("Set up panels, lock and publish results"),
    Perm.CONTEST_MANAGE: _("Run labour and skills contests"),
    Perm.CONTEST_VIEW: _("See the contests open to the org's members, and enter them"),
    Perm.APPRAISAL_MANAGE: _("Run public appraisal votes: candidates, fraud review, results"),
    Perm.INNOVATION_VIEW: _(
        "See studios, the alliance and the exhibition; ask the alliance for help; submit "
        "five-small results"
    ),
    Perm.INNOVATION_MANAGE: _(
        "Run innovation studios, the alliance, pairings, five-small results and exhibitions"
    ),
    Perm.PROPOSAL_SUBMIT: _("Submit rationalisation proposals, one's own or on a worker's behalf"),
    Perm.PROPOSAL_MANAGE: _(
        "Review, decide, follow and reward rationalisation proposals; recommend them upward"
    ),
}

# Permissions that only count when held at the root of the tree.
ROOT_ONLY: frozenset[Perm] = frozenset({Perm.CALENDAR_MANAGE})


@dataclass(frozen=True)
class RoleSpec:
    label: Promise
    perms: frozenset[Perm]


_STAFF = frozenset(
    {
        Perm.HOME_VIEW,
        Perm.CALENDAR_VIEW,
        Perm.ORG_VIEW,
        Perm.MEMBER_VIEW,
        Perm.CONTEST_VIEW,
        Perm.INNOVATION_VIEW,
        Perm.PROPOSAL_SUBMIT,
    }
)

ROLES: dict[str, RoleSpec] = {
    "federation_admin": RoleSpec(
        _("Federation admin"),
        _STAFF
        | {
            Perm.AUDIT_VIEW,
            Perm.CALENDAR_MANAGE,
            Perm.ORG_MANAGE,
            Perm.MEMBER_MANAGE,
            Perm.PERSONAL_DATA_VIEW,
            Perm.CASE_OPEN,
            Perm.CASE_REVIEW,
            Perm.HARDSHIP_MANAGE,
            Perm.AID_MANAGE,
            Perm.SCORE_MANAGE,
            Perm.CONTEST_MANAGE,
            Perm.APPRAISAL_MANAGE,
            Perm.INNOVATION_MANAGE,
            Perm.PROPOSAL_MANAGE,
        },
    ),
    "federation_staff": RoleSpec(
        _("Federation staff"),
        _STAFF
        | {
            Perm.MEMBER_MANAGE,
            Perm.CASE_OPEN,
            Perm.CASE_REVIEW,
            Perm.HARDSHIP_MANAGE,
            Perm.AID_MANAGE,
            Perm.SCORE_MANAGE,
            Perm.CONTEST_MANAGE,
            Perm.APPRAISAL_MANAGE,
            Perm.INNOVATION_MANAGE,
            Perm.PROPOSAL_MANAGE,
        },
    ),
    "grassroots_chair": RoleSpec(
        _("Grassroots union chair"),
        _STAFF
        | {
            Perm.MEMBER_MANAGE,
            Perm.PERSONAL_DATA_VIEW,
            Perm.CASE_OPEN,
            Perm.CASE_REVIEW,
            Perm.HARDSHIP_MANAGE,
            Perm.PROPOSAL_MANAGE,
        },
    ),
    "grassroots_staff": RoleSpec(
        _("Grassroots union staff"),
        _STAFF | {Perm.MEMBER_MANAGE, Perm.CASE_OPEN, Perm.HARDSHIP_MANAGE},
    ),
    "reviewer": RoleSpec(
        _("Reviewer"), frozenset({Perm.HOME_VIEW, Perm.CALENDAR_VIEW, Perm.CASE_REVIEW})
    ),
    "judge": RoleSpec(_("Judge"), frozenset({Perm.HOME_VIEW, Perm.SCORE_ENTER, Perm.CONTEST_VIEW})),
    "bank_officer": RoleSpec(_("Bank officer"), frozenset({Perm.HOME_VIEW})),
    "employer_hr": RoleSpec(_("Employer HR"), frozenset({Perm.HOME_VIEW, Perm.INNOVATION_VIEW})),
    "worker": RoleSpec(
        _("Worker"),
        frozenset(
            {
                Perm.HOME_VIEW,
                Perm.OWN_MEMBERSHIP_VIEW,
                Perm.AID_APPLY,
                Perm.CONTEST_VIEW,
                Perm.INNOVATION_VIEW,
                Perm.PROPOSAL_SUBMIT,
            }
        ),
    ),
}
