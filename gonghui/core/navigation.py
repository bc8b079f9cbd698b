"""The main menu. Each entry names the permission it needs, so each person sees only what their
roles allow; a later domain adds its entries here."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gonghui.core.permissions import Perm


@dataclass(frozen=True)
class NavItem:
    label: Promise
    url_name: str
    perm: Perm


NAV: tuple[NavItem, ...] = (
    NavItem(_("Home"), "core:home", Perm.HOME_VIEW),
    NavItem(_("My membership"), "orgs:my_membership", Perm.OWN_MEMBERSHIP_VIEW),
    NavItem(_("Organisations"), "orgs:tree", Perm.ORG_VIEW),
    NavItem(_("Members"), "orgs:members", Perm.MEMBER_VIEW),
    NavItem(_("Applications"), "orgs:applications", Perm.MEMBER_VIEW),
    NavItem(_("Roster import"), "orgs:roster_upload", Perm.MEMBER_MANAGE),
    NavItem(_("Reviews"), "review:waiting", Perm.CASE_REVIEW),
    NavItem(_("Student aid"), "aid:campaigns", Perm.CASE_OPEN),
    NavItem(_("My student aid"), "aid:mine", Perm.AID_APPLY),
    NavItem(_("Hardship files"), "aid:files", Perm.HARDSHIP_MANAGE),
    NavItem(_("Contests"), "competitions:contests", Perm.CONTEST_VIEW),
    NavItem(_("Innovation"), "innovation:studios", Perm.INNOVATION_VIEW),
    NavItem(_("Proposals"), "proposals:list", Perm.PROPOSAL_SUBMIT),
    NavItem(_("Appraisals"), "appraisal:campaigns", Perm.APPRAISAL_MANAGE),
    NavItem(_("Judging"), "scoring:mine", Perm.SCORE_ENTER),
    NavItem(_("Working-day calendar"), "core:calendar", Perm.CALENDAR_VIEW),
    NavItem(_("Audit log"), "core:audit", Perm.AUDIT_VIEW),
)
