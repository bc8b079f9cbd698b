"""R1: every URL and API operation the site serves is declared here with what each persona
gets, so a new view without a rule fails this suite. Missing and forbidden both answer 404."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gonghui.core.models import Org, User
from gonghui.orgs.models import Membership
from gonghui.orgs.tests.factories import member

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "city_admin",
    "donghu_staff",
    "xishan_staff",
    "factory_chair",
    "courier_worker",
]
LOGIN = 302  # anonymous is sent to the login page
NOWHERE = str(uuid.UUID(int=0))

World = dict[str, object]


def rule(default: int, anonymous: int = LOGIN, **persona: int) -> dict[str, int]:
    return {p: persona.get(p, anonymous if p == "anonymous" else default) for p in PERSONAS}


STAFF = rule(200, courier_worker=404)  # every union role, not the worker
DONGHU = rule(404, city_admin=200, donghu_staff=200)  # 东湖区 itself
DONGHU_MEMBER = rule(404, city_admin=200, donghu_staff=200, factory_chair=200)
POST_ONLY = rule(405)


def no_args(world: World) -> dict[str, object]:
    return {}


def org_dh(world: World) -> dict[str, object]:
    return {"pk": world["HH-DH"].pk}  # type: ignore[attr-defined]


def person_dh(world: World) -> dict[str, object]:
    return {"pk": world["donghu_member"].person_id}  # type: ignore[attr-defined]


def membership_dh(world: World) -> dict[str, object]:
    return {"pk": world["donghu_member"].pk}  # type: ignore[attr-defined]


def nowhere(world: World) -> dict[str, object]:
    return {"pk": NOWHERE}


def nowhere_int(world: World) -> dict[str, object]:
    return {"pk": 2**40}


def contest(world: World) -> dict[str, object]:
    return {"pk": world["contest"].pk}  # type: ignore[attr-defined]


def appraisal(world: World) -> dict[str, object]:
    return {"pk": world["appraisal"].pk}  # type: ignore[attr-defined]


def candidate_page(world: World) -> dict[str, object]:
    return {"pk": world["appraisal"].pk, "number": 1}  # type: ignore[attr-defined]


def candidate(world: World) -> dict[str, object]:
    return {"pk": world["appraisal"].pk, "candidate_pk": world["candidate"].pk}  # type: ignore[attr-defined]


def campaign(world: World) -> dict[str, object]:
    return {"pk": world["campaign"].pk}  # type: ignore[attr-defined]


def application(world: World) -> dict[str, object]:
    return {"pk": world["application"].pk}  # type: ignore[attr-defined]


def document(world: World) -> dict[str, object]:
    return {"pk": world["application"].documents.first().pk}  # type: ignore[attr-defined]


CITY = rule(404, city_admin=200)
WORKER = rule(404, courier_worker=200)
# The courier's application at the 东湖 courier station: the city and 东湖 see it, and the
# courier, whose own it is.
COURIER_CASE = rule(404, city_admin=200, donghu_staff=200, courier_worker=200)

Args = Callable[[World], dict[str, object]]


# --- innovation: studios and the alliance (R15) ---
def _studio_world(world: World) -> World:
    """Built on first use: the city's alliance, a city-level studio at the 东湖 factory named
    through review and notice, the city's annual review, a squad and the factory HR's request."""
    if "studio" not in world:
        from gonghui.innovation.services import alliance as alliances
        from gonghui.innovation.services import studios
        from gonghui.innovation.tests import factories_studios as f

        people = {u.username: u for u in User.objects.all()}
        orgs = {o.code: o for o in Org.objects.all()}
        f.alliance(people, orgs)
        world["studio"] = f.named(people, orgs, "矩阵工作室")
        world["review_round"] = studios.review_round_open(
            actor=people["city_admin"], org=orgs["HH"], year=2026
        )
        world["squad"] = f.squad(people, orgs)
        world["service_request"] = alliances.request_open(
            actor=people["employer_hr"], org=orgs[f.FACTORY], kind="patent", description="专利"
        )
    return world


def studio(world: World) -> dict[str, object]:
    return {"pk": _studio_world(world)["studio"].pk}  # type: ignore[attr-defined]


def review_round(world: World) -> dict[str, object]:
    return {"pk": _studio_world(world)["review_round"].pk}  # type: ignore[attr-defined]


def review_outcome(world: World) -> dict[str, object]:
    return {**review_round(world), "studio_pk": _studio_world(world)["studio"].pk}  # type: ignore[attr-defined]


def service_request(world: World) -> dict[str, object]:
    return {"pk": _studio_world(world)["service_request"].pk}  # type: ignore[attr-defined]


def squad(world: World) -> dict[str, object]:
    return {"pk": _studio_world(world)["squad"].pk}  # type: ignore[attr-defined]


INNOVATION_MANAGERS = rule(404, city_admin=200, donghu_staff=200, xishan_staff=200)
INNOVATION_MATRIX: dict[str, tuple[Args, dict[str, int]]] = {
    "innovation:studios": (no_args, rule(200)),
    # the figures of the subtrees one runs innovation at (federation staff)
    "innovation:figures": (
        no_args,
        rule(404, anonymous=302, city_admin=200, donghu_staff=200, xishan_staff=200),
    ),
    "innovation:studio_new": (no_args, STAFF),
    "innovation:studio": (studio, DONGHU_MEMBER),
    "innovation:studio_approve": (studio, POST_ONLY),
    "innovation:studio_publish": (studio, POST_ONLY),
    "innovation:project_add": (studio, POST_ONLY),
    "innovation:subsidy_add": (studio, POST_ONLY),
    "innovation:studio_join": (studio, POST_ONLY),
    "innovation:review_rounds": (no_args, INNOVATION_MANAGERS),
    "innovation:review_round": (review_round, CITY),
    "innovation:review_outcome": (review_outcome, POST_ONLY),
    "innovation:alliance": (no_args, rule(200)),
    "innovation:seat_decide": (nowhere_int, POST_ONLY),
    "innovation:squad_close": (squad, POST_ONLY),
    "innovation:help": (no_args, rule(200)),
    "innovation:requests": (no_args, INNOVATION_MANAGERS),
    "innovation:request": (service_request, DONGHU_MEMBER),
    "innovation:request_assign": (service_request, POST_ONLY),
    "innovation:request_start": (service_request, POST_ONLY),
    "innovation:request_close": (service_request, POST_ONLY),
    "innovation:titles": (no_args, INNOVATION_MANAGERS),
    "innovation:subsidy_rates": (no_args, INNOVATION_MANAGERS),
    "innovation:team_add": (studio, DONGHU_MEMBER),  # the host union and staff above it
    "innovation:advisor_new": (no_args, CITY),  # the alliance is the city's
    "innovation:squad_new": (no_args, CITY),
}
# Empty POSTs: an invalid project re-renders the studio page; joining (the city studio is a
# member already) and closing without an outcome are refused with a message.
INNOVATION_POST_MATRIX: dict[str, tuple[Args, dict[str, int]]] = {
    "innovation:project_add": (studio, DONGHU_MEMBER),
    "innovation:studio_join": (
        studio,
        rule(404, city_admin=302, donghu_staff=302, factory_chair=302),
    ),
    "innovation:request_close": (service_request, rule(404, city_admin=302, donghu_staff=302)),
    "innovation:review_outcome": (review_outcome, rule(404, city_admin=302)),
    "innovation:squad_close": (squad, rule(404, city_admin=302)),
    "innovation:seat_decide": (nowhere_int, rule(404)),
}


# --- innovation: pairings, five-small results (R14) and the exhibition ---
def _results_world(world: World) -> World:
    """Built on first use: 东湖's pairing of the factory (state-owned) and a courier firm, the
    city's open five-small round with a factory result not yet pledged, and 东湖's exhibition."""
    if "pairing" not in world:
        from gonghui.innovation.services import exhibition, pairings
        from gonghui.innovation.tests import factories_results as f

        people = {u.username: u for u in User.objects.all()}
        orgs = {o.code: o for o in Org.objects.all()}
        factory, station = orgs["HH-DH-JD1-001"], orgs["HH-DH-KD-001"]
        world["pairing"] = pairings.pairing_create(
            actor=people["donghu_staff"],
            org=orgs["HH-DH"],
            state_enterprise=f.enterprise(factory, "矩阵国企", "state"),
            private_enterprise=f.enterprise(station, "矩阵民企", "private"),
            signed_on=dt.date(2026, 3, 1),
            areas="共建",
        )
        round_ = f.five_small_round(people["city_admin"], orgs["HH"])
        world["five_small_round"] = round_
        world["five_small_result"] = f.result(
            people["factory_chair"], round_, [f.worker(factory, "矩阵创新")]
        )
        world["exhibition"] = exhibition.exhibition_create(
            actor=people["donghu_staff"],
            org=orgs["HH-DH"],
            title="矩阵成果展",
            venue="东湖",
            starts_on=dt.date(2026, 12, 1),
            ends_on=dt.date(2026, 12, 9),
            capacity=50,
        )
    return world


def pairing(world: World) -> dict[str, object]:
    return {"pk": _results_world(world)["pairing"].pk}  # type: ignore[attr-defined]


def five_small_round(world: World) -> dict[str, object]:
    return {"pk": _results_world(world)["five_small_round"].pk}  # type: ignore[attr-defined]


def five_small_result(world: World) -> dict[str, object]:
    return {"pk": _results_world(world)["five_small_result"].pk}  # type: ignore[attr-defined]


def exhibition(world: World) -> dict[str, object]:
    return {"pk": _results_world(world)["exhibition"].pk}  # type: ignore[attr-defined]


RESULTS_MATRIX: dict[str, tuple[Args, dict[str, int]]] = {
    "innovation:pairings": (no_args, rule(200, courier_worker=404)),
    "innovation:pairing_new": (no_args, INNOVATION_MANAGERS),
    "innovation:pairing": (pairing, DONGHU_MEMBER),  # the factory's union is a side
    "innovation:pairing_plan_add": (pairing, POST_ONLY),
    "innovation:pairing_plan_done": (lambda w: {**pairing(w), "item_pk": 2**40}, POST_ONLY),
    "innovation:pairing_activity_add": (pairing, POST_ONLY),
    "innovation:pairing_outcome_add": (pairing, POST_ONLY),
    "innovation:five_small": (no_args, rule(200)),
    "innovation:five_small_round_new": (no_args, INNOVATION_MANAGERS),
    "innovation:five_small_round": (five_small_round, rule(200)),
    "innovation:five_small_submit": (five_small_round, rule(200)),
    "innovation:five_small_judging_open": (five_small_round, POST_ONLY),
    "innovation:five_small_award": (five_small_round, POST_ONLY),
    "innovation:five_small_result": (five_small_result, DONGHU_MEMBER),
    "innovation:five_small_pledge": (five_small_result, POST_ONLY),
    "innovation:five_small_attach": (five_small_result, POST_ONLY),
    "innovation:five_small_patent": (five_small_result, POST_ONLY),
    "innovation:five_small_value": (five_small_result, POST_ONLY),
    "innovation:five_small_attachment": (nowhere_int, rule(404)),
    "innovation:exhibitions": (no_args, rule(200)),
    "innovation:exhibition_new": (no_args, INNOVATION_MANAGERS),
    "innovation:exhibition": (exhibition, rule(200, xishan_staff=404)),
    "innovation:exhibition_result_add": (exhibition, POST_ONLY),
    "innovation:exhibition_slot_add": (exhibition, POST_ONLY),
    "innovation:exhibition_book": (exhibition, POST_ONLY),
    "innovation:exhibition_public": (exhibition, rule(200, anonymous=200)),
}
# Empty POSTs: the city's staff get the refusal as a message (the result is not pledged, the
# round is not being judged); an empty form re-renders for those who may use it.
RESULTS_POST_MATRIX: dict[str, tuple[Args, dict[str, int]]] = {
    "innovation:five_small_judging_open": (five_small_round, rule(404, city_admin=302)),
    "innovation:five_small_award": (five_small_round, rule(404, city_admin=302)),
    "innovation:five_small_pledge": (
        five_small_result,
        rule(404, city_admin=400, donghu_staff=400, factory_chair=400),
    ),
    "innovation:five_small_value": (
        five_small_result,
        rule(404, city_admin=400, donghu_staff=400, factory_chair=400),
    ),
    "innovation:pairing_plan_add": (pairing, rule(404, city_admin=400, donghu_staff=400)),
    "innovation:exhibition_slot_add": (exhibition, rule(404, city_admin=400, donghu_staff=400)),
    "innovation:exhibition_book": (
        exhibition,
        rule(404, city_admin=400, donghu_staff=400, factory_chair=400),
    ),
}
# url name → (its arguments, what a GET answers each persona)
MATRIX: dict[str, tuple[Args, dict[str, int]]] = {
    "core:home": (no_args, rule(200)),
    "core:login": (no_args, rule(302, anonymous=200)),
    "core:login_otp": (no_args, rule(302, anonymous=302)),
    "core:logout": (no_args, rule(405, anonymous=405)),
    "core:account": (no_args, rule(200)),
    "core:password_change": (no_args, rule(200)),
    "core:totp_start": (no_args, POST_ONLY),
    "core:mobile_set": (no_args, POST_ONLY),
    "core:totp_confirm": (no_args, POST_ONLY),
    "core:totp_remove": (no_args, POST_ONLY),
    "core:audit": (no_args, rule(404, city_admin=200)),
    "core:calendar": (no_args, STAFF),
    "core:calendar_year": (lambda w: {"year": 2030}, rule(404, city_admin=200)),
    "core:progress": (nowhere, rule(404)),
    "core:notifications": (no_args, rule(200)),
    "orgs:tree": (no_args, STAFF),
    "orgs:org": (org_dh, DONGHU),
    "orgs:children": (org_dh, DONGHU),
    "orgs:org_edit": (org_dh, rule(404, city_admin=200)),
    "orgs:members": (no_args, STAFF),
    "orgs:member": (person_dh, DONGHU_MEMBER),
    "orgs:member_reveal": (person_dh, POST_ONLY),
    "orgs:member_transfer": (membership_dh, POST_ONLY),
    "orgs:member_end": (membership_dh, POST_ONLY),
    "orgs:member_export": (no_args, POST_ONLY),
    "orgs:member_export_file": (nowhere, rule(404)),
    "orgs:join": (no_args, rule(200, anonymous=200)),
    "orgs:join_status": (no_args, rule(200, anonymous=200)),
    "orgs:my_membership": (no_args, rule(404, courier_worker=200)),
    "orgs:applications": (no_args, STAFF),
    "orgs:application_decide": (membership_dh, POST_ONLY),
    "orgs:roster_upload": (no_args, STAFF),
    "orgs:roster_template": (no_args, STAFF),
    "orgs:roster_map": (nowhere, rule(404)),
    "orgs:roster_check": (nowhere, rule(404)),
    "orgs:roster_errors": (nowhere, rule(404)),
    "review:notice": (lambda w: {"pk": w["notice"].pk}, rule(200, anonymous=200)),  # type: ignore[attr-defined]
    "review:objections": (
        lambda w: {"pk": w["notice"].pk},  # type: ignore[attr-defined]
        rule(404, city_admin=200),
    ),
    "review:objection_answer": (nowhere_int, POST_ONLY),
    "review:objection_attachment": (nowhere_int, rule(404)),
    "review:waiting": (no_args, STAFF),
    "review:case": (nowhere_int, rule(404)),
    "review:bulk": (no_args, POST_ONLY),
    "review:publish": (no_args, STAFF),
    # --- aid: golden autumn ---
    "aid:campaigns": (no_args, STAFF),
    "aid:campaign_new": (no_args, rule(200, factory_chair=404, courier_worker=404)),
    "aid:campaign": (campaign, STAFF),
    "aid:campaign_edit": (campaign, CITY),
    "aid:batches": (campaign, CITY),
    "aid:apply": (no_args, WORKER),
    "aid:apply_check": (no_args, POST_ONLY),
    "aid:mine": (no_args, WORKER),
    "aid:applications": (no_args, STAFF),
    "aid:apply_for": (no_args, STAFF),
    "aid:application": (application, COURIER_CASE),
    "aid:document": (document, COURIER_CASE),
    "aid:amend": (application, COURIER_CASE),
    "aid:batch": (nowhere_int, rule(404)),
    "aid:batch_xlsx": (nowhere_int, rule(404)),
    "aid:award_reverse": (nowhere_int, POST_ONLY),
    "aid:donors": (no_args, rule(200, factory_chair=404, courier_worker=404)),
    "aid:donor": (nowhere_int, rule(404)),
    # --- aid: hardship files ---
    "aid:files": (no_args, STAFF),
    "aid:file_new": (no_args, STAFF),
    "aid:file": (lambda w: {"pk": w["dh_file"].pk}, DONGHU_MEMBER),  # type: ignore[attr-defined]
    "aid:file_recheck": (lambda w: {"pk": w["dh_file"].pk}, POST_ONLY),  # type: ignore[attr-defined]
    "aid:file_close": (lambda w: {"pk": w["dh_file"].pk}, POST_ONLY),  # type: ignore[attr-defined]
    "aid:spot_check": (no_args, POST_ONLY),
    "aid:living_lines": (no_args, rule(200, factory_chair=404, courier_worker=404)),
    # --- competitions: certificates (the verification page is public; a code nowhere is 404) ---
    "competitions:verify": (lambda w: {"code": "NOWHERE234"}, rule(404, anonymous=404)),
    "competitions:certificate_download": (nowhere_int, rule(404)),
    # --- competitions: an open 东湖 contest; 西山 neither sees nor enters it ---
    "competitions:contests": (no_args, rule(200)),
    "competitions:contest_new": (no_args, rule(200, factory_chair=404, courier_worker=404)),
    "competitions:contest": (contest, rule(200, xishan_staff=404)),
    "competitions:contest_open": (contest, POST_ONLY),
    "competitions:lot_draw": (contest, POST_ONLY),
    "competitions:judging_open": (contest, POST_ONLY),
    "competitions:results_publish": (contest, POST_ONLY),
    "competitions:certificates_issue": (contest, POST_ONLY),
    "competitions:promotions_apply": (contest, POST_ONLY),
    "competitions:register": (contest, rule(200, xishan_staff=404, courier_worker=404)),
    "competitions:enter_self": (contest, POST_ONLY),
    "competitions:appeal_file": (contest, POST_ONLY),
    "competitions:results": (contest, rule(404, anonymous=404)),  # not published yet
    "competitions:appeal": (nowhere_int, rule(404)),
    # --- appraisal: 东湖's open vote; the public pages are everyone's ---
    "appraisal:campaign": (appraisal, rule(200, anonymous=200)),
    "appraisal:verify": (appraisal, rule(200, anonymous=200)),
    "appraisal:candidate": (candidate_page, rule(200, anonymous=200)),
    "appraisal:vote": (candidate, rule(405, anonymous=405)),
    "appraisal:like": (candidate, rule(405, anonymous=405)),
    "appraisal:campaigns": (no_args, rule(200, courier_worker=404)),
    "appraisal:campaign_new": (
        no_args,
        rule(404, city_admin=200, donghu_staff=200, xishan_staff=200),
    ),
    "appraisal:manage": (appraisal, rule(200, xishan_staff=404, courier_worker=404)),
    "appraisal:nominate": (appraisal, rule(200, xishan_staff=404, courier_worker=404)),
    "appraisal:flags": (appraisal, rule(404, city_admin=200, donghu_staff=200)),
    "appraisal:decide": (nowhere_int, POST_ONLY),
    "appraisal:candidate_action": (appraisal, POST_ONLY),
    "appraisal:flag_decide": (nowhere_int, POST_ONLY),
    "appraisal:jury_open": (appraisal, POST_ONLY),
    "appraisal:results_compute": (appraisal, POST_ONLY),
    "appraisal:results_publish": (appraisal, POST_ONLY),
    "appraisal:poster": (candidate_page, rule(200, anonymous=200)),
    # WeChat sign-in exists only where a backend is configured (none in the tests): R21
    "appraisal:wechat_start": (appraisal, rule(404, anonymous=404)),
    "appraisal:wechat_callback": (appraisal, rule(404, anonymous=404)),
    "appraisal:wechat_dev_consent": (no_args, rule(404, anonymous=404)),
    # --- scoring: panels (the contest's panel is not open yet) ---
    "scoring:mine": (no_args, rule(404, city_admin=200, donghu_staff=200, xishan_staff=200)),
    "scoring:panel": (nowhere_int, rule(404)),
    "scoring:mark": (nowhere_int, rule(404)),
    "scoring:judge_add": (nowhere_int, POST_ONLY),
    "scoring:lock": (nowhere_int, POST_ONLY),
    "scoring:sheet_save": (lambda w: {"pk": 2**40, "entry_pk": 2**40}, POST_ONLY),
    "scoring:entry_time": (lambda w: {"pk": 2**40, "entry_pk": 2**40}, POST_ONLY),
    # --- proposals (R13): the courier's own proposal at his 东湖 station ---
    "proposals:list": (no_args, rule(200, courier_worker=302)),  # a worker's list is "mine"
    "proposals:submit": (no_args, rule(200)),
    "proposals:mine": (no_args, rule(200)),
    "proposals:submit_for": (no_args, rule(200, courier_worker=404)),  # case.open holders
    "proposals:tiers": (no_args, rule(200, courier_worker=404)),  # a chair sees, read-only
    "proposals:detail": (lambda w: {"pk": w["proposal"].pk}, COURIER_CASE),  # type: ignore[attr-defined]
    "proposals:act": (lambda w: {"pk": w["proposal"].pk}, POST_ONLY),  # type: ignore[attr-defined]
    "proposals:evidence": (lambda w: {"pk": w["proposal"].pk}, rule(404)),  # type: ignore[attr-defined]  # not assessed
    "proposals:attachment": (nowhere_int, rule(404)),
    "proposals:rounds": (no_args, rule(200, courier_worker=404)),
    "proposals:round": (nowhere_int, rule(404)),
    "proposals:batches": (no_args, rule(200, courier_worker=404)),
    "proposals:batch": (nowhere_int, rule(404)),
    "proposals:batch_xlsx": (nowhere_int, rule(404)),
    "proposals:figures": (no_args, rule(200, courier_worker=404)),
    "set_language": (no_args, rule(302, anonymous=302)),
    **INNOVATION_MATRIX,
    **RESULTS_MATRIX,
}
# POST-only URLs: what a POST with no data answers (302 back with a message when allowed).
POST_MATRIX: dict[str, tuple[Args, dict[str, int]]] = {
    "orgs:member_reveal": (person_dh, rule(404, city_admin=200, factory_chair=200)),
    "orgs:member_transfer": (
        membership_dh,
        rule(404, city_admin=302, donghu_staff=302, factory_chair=302),
    ),
    "orgs:member_end": (
        membership_dh,
        rule(404, city_admin=302, donghu_staff=302, factory_chair=302),
    ),
    "orgs:application_decide": (
        membership_dh,
        rule(404, city_admin=302, donghu_staff=302, factory_chair=302),
    ),
    "orgs:member_export": (no_args, STAFF),
    "core:mobile_set": (no_args, rule(302)),
    # --- aid: golden autumn (POST) ---
    "aid:apply_check": (no_args, rule(200)),
    "aid:award_reverse": (nowhere_int, rule(404)),
    # --- aid: hardship files (POST) ---
    # an empty re-check or close re-renders the file page with the form's messages
    "aid:file_recheck": (lambda w: {"pk": w["dh_file"].pk}, DONGHU_MEMBER),  # type: ignore[attr-defined]
    "aid:file_close": (lambda w: {"pk": w["dh_file"].pk}, DONGHU_MEMBER),  # type: ignore[attr-defined]
    "aid:spot_check": (no_args, rule(302, courier_worker=404)),
    # --- competitions (POST): staff of 东湖 and above get the refusal as a message ---
    "competitions:contest_open": (contest, rule(404, city_admin=302, donghu_staff=302)),
    "competitions:lot_draw": (contest, rule(404, city_admin=302, donghu_staff=302)),
    "competitions:results_publish": (contest, rule(404, city_admin=302, donghu_staff=302)),
    "competitions:enter_self": (contest, rule(404, courier_worker=302)),
    "competitions:appeal_file": (contest, rule(302, xishan_staff=404)),
    "scoring:lock": (nowhere_int, rule(404)),
    # --- proposals (POST): with no action chosen the page comes back with the message ---
    "proposals:act": (lambda w: {"pk": w["proposal"].pk}, COURIER_CASE),  # type: ignore[attr-defined]
    # --- appraisal (POST): without htmx a vote or like goes back to the candidate page ---
    "appraisal:vote": (candidate, rule(302, anonymous=302)),
    "appraisal:like": (candidate, rule(302, anonymous=302)),
    "appraisal:flags": (appraisal, rule(404, city_admin=302, donghu_staff=302)),
    "appraisal:candidate_action": (appraisal, rule(404, city_admin=302, donghu_staff=302)),
    "appraisal:jury_open": (appraisal, rule(404, anonymous=302, city_admin=302, donghu_staff=302)),
    "appraisal:results_publish": (
        appraisal,
        rule(404, anonymous=302, city_admin=302, donghu_staff=302),
    ),
    **INNOVATION_POST_MATRIX,
    **RESULTS_POST_MATRIX,
}
API_RULES: dict[str, dict[str, int]] = {
    "/api/v1/me": rule(200, anonymous=401),
    "/api/docs": rule(200, anonymous=200),
    "/api/openapi.json": rule(200, anonymous=200),
    "/api/v1/members": rule(200, anonymous=401, courier_worker=404),
    "/api/v1/members/{person_id}": rule(
        404, anonymous=401, city_admin=200, donghu_staff=200, factory_chair=200
    ),
    "/api/v1/orgs/{org_id}/children": rule(404, anonymous=401, city_admin=200, donghu_staff=200),
    "/api/v1/aid/campaigns": rule(200, anonymous=401, courier_worker=404),
    "/api/v1/aid/campaigns/{campaign_id}": rule(200, anonymous=401, courier_worker=404),
    "/api/v1/aid/applications/mine": rule(404, anonymous=401, courier_worker=200),
    "/api/v1/contests": rule(200, anonymous=401),
    "/api/v1/contests/{contest_id}/results": rule(404, anonymous=401),  # not judged yet
    "/api/v1/contests/figures": rule(
        404, anonymous=401, city_admin=200, donghu_staff=200, xishan_staff=200
    ),
}
# Every API operation and who may call it; test_api.py and orgs' tests prove each rule.
API_OPERATIONS = {
    ("get", "/api/v1/me"): "any logged-in user (session or bearer token)",
    ("post", "/api/v1/tokens"): "anyone with a username and password (axes lockout applies)",
    ("delete", "/api/v1/tokens/{token_id}"): "the token's owner; others get 404",
    ("get", "/api/v1/members"): "member.view, scoped; masked",
    ("get", "/api/v1/members/{person_id}"): "member.view at one of the person's unions",
    ("get", "/api/v1/orgs/{org_id}/children"): "org.view at the org",
    ("get", "/api/v1/aid/campaigns"): "aid staff (aid.manage, case.open or case.review)",
    ("get", "/api/v1/aid/campaigns/{campaign_id}"): "aid staff of an org above or below it",
    ("get", "/api/v1/aid/applications/mine"): "aid.apply: the worker's own applications",
    ("get", "/api/v1/contests"): "contest.view or contest.manage: the contests the actor sees",
    ("get", "/api/v1/contests/{contest_id}/results"): "published, to whoever sees the contest",
    ("get", "/api/v1/contests/figures"): "contest.manage: the figures of the actor's subtrees",
    ("put", "/api/v1/scoring/panels/{panel_id}/entries/{entry_id}/sheet"): "a judge of the panel",
}
IGNORED_NAMESPACES = {"admin", "api"}  # Django's admin (superusers only) and the API below


def _names(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace or ""
            if namespace in IGNORED_NAMESPACES:
                continue
            yield from _names(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name


@pytest.fixture
def world(orgs: dict[str, Org], personas: dict[str, User]) -> World:
    from gonghui.review.models import Notice

    notice = Notice.objects.create(
        program="test",
        org=orgs["HH"],
        title="公示",
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 1, 12),
        published_by=personas["city_admin"],
    )
    return {
        **orgs,
        "donghu_member": member(orgs["HH-DH-JD1-001"], "矩阵甲"),
        "notice": notice,
        **_aid_world(orgs, personas),
        "contest": _contest(orgs, personas),
        **_appraisal(orgs, personas),
        "proposal": _proposal(personas),
    }


def _proposal(personas: dict[str, User]) -> object:
    """The courier's proposal (his membership comes from _aid_world)."""
    from gonghui.orgs.models import Person
    from gonghui.proposals.tests.factories import submitted

    courier = Person.objects.get(user=personas["courier_worker"])
    return submitted(personas["courier_worker"], courier)


def _appraisal(orgs: dict[str, Org], personas: dict[str, User]) -> World:
    from gonghui.appraisal.tests.factories import candidates, open_campaign

    vote = open_campaign(personas["donghu_staff"], orgs["HH-DH"])
    [first] = candidates(personas["donghu_staff"], vote, orgs["HH-DH-KD-001"], 1)
    return {"appraisal": vote, "candidate": first}


def _contest(orgs: dict[str, Org], personas: dict[str, User]) -> object:
    from gonghui.competitions.tests.factories import open_contest
    from gonghui.scoring.engine import DEFAULT_PRIZE_TABLE

    return open_contest(
        personas["donghu_staff"],
        orgs["HH-DH"],
        title="东湖区电工技能竞赛",
        job=("electrician", "电工"),
        prizes=DEFAULT_PRIZE_TABLE,
    )


def _aid_world(orgs: dict[str, Org], personas: dict[str, User]) -> World:
    """In 东湖: a hardship file at the factory, a city campaign and a courier's application."""
    from gonghui.aid.tests import factories as aid

    courier = member(orgs["HH-DH-KD-001"], "周骑手", user=personas["courier_worker"])
    aid.living_lines(personas["city_admin"], [orgs["HH-DH"], orgs["HH-XS"]])
    worker = member(orgs["HH-DH-JD1-001"], "矩阵困难").person
    dh_file = aid.household_file(personas["factory_chair"], orgs["HH-DH-JD1-001"], worker)
    campaign = aid.campaign(personas["city_admin"], orgs["HH"])
    application = aid.application(personas["courier_worker"], campaign)
    return {
        "dh_file": dh_file,
        "campaign": campaign,
        "application": application,
        "courier": courier,
    }


def _client(username: str, personas: dict[str, User]) -> Client:
    client = Client()
    if username != "anonymous":
        client.force_login(personas[username])
    return client


def _api_path(template: str, world: World) -> str:
    m: Membership = world["donghu_member"]  # type: ignore[assignment]
    template = template.replace("{campaign_id}", str(world["campaign"].pk))  # type: ignore[attr-defined]
    template = template.replace("{contest_id}", str(world["contest"].pk))  # type: ignore[attr-defined]
    return template.replace("{person_id}", str(m.person_id)).replace(
        "{org_id}",
        str(world["HH-DH"].pk),  # type: ignore[attr-defined]
    )


def test_every_url_has_a_declared_rule() -> None:
    assert sorted(set(_names(get_resolver()))) == sorted(MATRIX)


def test_every_api_operation_has_a_declared_rule() -> None:
    schema = Client().get("/api/openapi.json").json()
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert operations == set(API_OPERATIONS)
    gets = {path for method, path in API_OPERATIONS if method == "get"}
    assert gets <= set(API_RULES)


@pytest.mark.parametrize("persona", PERSONAS)
def test_r01_each_persona_gets_what_the_matrix_declares(
    persona: str, personas: dict[str, User], world: World
) -> None:
    client = _client(persona, personas)
    got, expected = {}, {}
    for name, (args, rules) in MATRIX.items():
        got[name] = client.get(reverse(name, kwargs=args(world))).status_code
        expected[name] = rules[persona]
    for name, (args, rules) in POST_MATRIX.items():
        got[f"POST {name}"] = client.post(reverse(name, kwargs=args(world))).status_code
        expected[f"POST {name}"] = rules[persona]
    for template, rules in API_RULES.items():
        got[template] = client.get(_api_path(template, world)).status_code
        expected[template] = rules[persona]
    assert got == expected
