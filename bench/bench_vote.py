"""Votes per second on PostgreSQL, three ways in one run, side by side (R21):

(a) the vote's own two statements (the voter's standing read, then the insert with both
    unique constraints and its tally shard in one statement) driven by pgbench at 16
    clients in extended mode, as the endpoint sends them: the database's ceiling;
(b) a do-nothing Django view served by gunicorn (sync workers, 2 × cores + 1, gunicorn's
    own rule; GUNICORN_CLASS, GUNICORN_WORKERS, GUNICORN_THREADS change it), under wrk at
    200 connections: the framework's ceiling on this machine;
(c) the real vote endpoint with every rule (the voter's signed cookie, CSRF, window,
    limits, sharded tally) under wrk with 200 concurrent voters, served the same way.

Targets: (c) ≥ 0.35 × (a) and ≥ 0.25 × (b). After the run: rows counted = votes
acknowledged = tally sum, and no voter has two votes for a candidate on a day. Also p50/p99
latency of (c) and the candidate page's throughput with its view counter. Needs pgbench and
wrk (`make system-deps`)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

if TYPE_CHECKING:
    from gonghui.appraisal.models import Campaign, Candidate

DATABASE = "postgres"
SECONDS = int(os.environ.get("VOTE_SECONDS", "15"))
VOTERS = int(os.environ.get("VOTERS", "40000"))
CANDIDATES = 30
PORT = 8765
CSRF = "b" * 32  # an unmasked secret: Django accepts the header equal to the cookie

WRK_VOTE = r"""
local voters = {}
local n = 0
for line in io.lines(os.getenv("VOTERS_FILE")) do
  local key, cand = line:match("(%S+) (%S+)")
  n = n + 1
  voters[n] = {key, cand}
end
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  i = id
  acked = 0
  refused = 0
  errors = 0
end
function request()
  i = i + 2
  local v = voters[(i % n) + 1]
  local cand = os.getenv("CANDIDATES")
  local pick = math.random(1, tonumber(os.getenv("NCAND")))
  local pk = tonumber(cand) + pick - 1
  return wrk.format("POST", "/vote/" .. os.getenv("CAMPAIGN") .. "/candidates/" .. pk .. "/vote/", {
    ["Cookie"] = v[1] .. "; csrftoken=" .. os.getenv("CSRF"),
    ["X-CSRFToken"] = os.getenv("CSRF"),
    ["HX-Request"] = "true",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "")
end
function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
  elseif body:find("alert%-success") then
    acked = acked + 1
  else
    refused = refused + 1
  end
end
function done(summary, latency, requests)
  local a, r, e = 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("acked")
    r = r + t:get("refused")
    e = e + t:get("errors")
  end
  io.write(string.format("ACKED %d REFUSED %d ERRORS %d\n", a, r, e))
  local p50, p99 = latency:percentile(50) / 1000, latency:percentile(99) / 1000
  io.write(string.format("P50 %.2f P99 %.2f\n", p50, p99))
end
"""


def _pgbench_script() -> str:
    """The endpoint's own two statements (`voting._STANDING_SQL`, then `voting._CAST_PG`
    with the slot the read gave), as pgbench runs them: random voter, candidate and shard;
    no write once the voter's day is used, as the endpoint refuses then."""
    from gonghui.appraisal.services import voting

    values = {
        "campaign": ":camp",
        "candidate": ":c",
        "voter": ":v",
        "day": "CURRENT_DATE",
        "at": "now()",
        "slot": ":slot",
        "shard": ":s",
        "ip": "'127.0.0.1'",
        "user_agent": "'pgbench'",
        "device": "''",
    }

    def one_line(sql: str) -> str:  # pgbench reads a statement to the end of its line
        return " ".join((sql % values).split())

    return "\n".join(
        [
            "\\set v random(:vlo, :vhi)",
            "\\set c random(:clo, :chi)",
            "\\set s random(0, 15)",
            one_line(voting._STANDING_SQL) + " \\gset",
            "\\if :used < :per_day",
            "\\set slot :used + 1",
            one_line(voting._CAST_PG) + ";",
            "\\endif",
            "",
        ]
    )


def _campaign(title: str) -> tuple[Campaign, list[Candidate]]:
    from gonghui.appraisal.models import Campaign
    from gonghui.appraisal.services import campaigns
    from gonghui.core.models import Org, User
    from gonghui.core.personal_data import lookup_hash
    from gonghui.orgs.models import Membership, MembershipState, Person

    staff = User.objects.get(username="donghu_staff")
    now = timezone.now()
    campaign = campaigns.campaign_create(
        actor=staff,
        org=Org.objects.get(code="HH-DH"),
        title=title,
        nominations_close=now + dt.timedelta(minutes=1),
        voting_starts=now + dt.timedelta(minutes=1),
        voting_ends=now + dt.timedelta(days=1),
    )
    station = Org.objects.get(code="HH-DH-KD-001")
    field = []
    for i in range(CANDIDATES):
        number = f"{title}-{i}"
        person = Person.objects.create(
            id_hash=lookup_hash(number),
            id_number=number,
            name=f"候选人{i}",
            sex="M",
            birth_date=dt.date(1990, 1, 1),
            platform="中通快递",
        )
        Membership.objects.create(
            org=station, person=person, state=MembershipState.ACTIVE, start_date=dt.date(2015, 1, 1)
        )
        nomination = campaigns.nomination_submit(
            actor=staff, campaign=campaign, person=person, story="bench"
        )
        field.append(campaigns.candidate_decide(actor=staff, candidate=nomination, approve=True))
    Campaign.objects.filter(pk=campaign.pk).update(
        nominations_close=now - dt.timedelta(hours=2), voting_starts=now - dt.timedelta(hours=1)
    )
    return campaign, field


def _voters(prefix: str, n: int) -> list[int]:
    from gonghui.appraisal.models import Voter

    Voter.objects.bulk_create(
        (Voter(kind="phone", key=f"{prefix}-{i}") for i in range(n)), batch_size=5000
    )
    return list(
        Voter.objects.filter(key__startswith=f"{prefix}-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _cookies(voter_ids: list[int]) -> list[str]:
    """The cookie a browser holds once its phone is verified, one per voter."""
    from gonghui.appraisal.views.public import VOTER_COOKIE, VOTER_SALT

    signer = signing.get_cookie_signer(salt=VOTER_COOKIE + VOTER_SALT)
    return [f"{VOTER_COOKIE}={signer.sign(str(pk))}" for pk in voter_ids]


def _pgbench(campaign: Campaign, field: list[Candidate], voter_ids: list[int]) -> float:
    url = settings.DATABASES["default"]
    script = Path(tempfile.mkstemp(suffix=".sql")[1])
    script.write_text(_pgbench_script())
    pks = [c.pk for c in field]
    args = [
        shutil.which("pgbench") or "pgbench",
        "-n",
        "-M",
        "extended",  # as the endpoint sends them: values apart from the text, unprepared
        "-c",
        "16",
        "-j",
        "2",
        "-T",
        str(SECONDS),
        "-f",
        str(script),
        "-D",
        f"camp={campaign.pk}",
        "-D",
        f"vlo={voter_ids[0]}",
        "-D",
        f"vhi={voter_ids[-1]}",
        "-D",
        f"clo={min(pks)}",
        "-D",
        f"chi={max(pks)}",
        "-h",
        str(url["HOST"] or "127.0.0.1"),
        "-p",
        str(url["PORT"] or 5432),
        "-U",
        str(url["USER"]),
        str(url["NAME"]),
    ]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    found = re.search(r"tps = ([\d.]+)", out)
    return float(found.group(1)) if found else 0.0


def _serve() -> subprocess.Popen[bytes]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings")
    server = subprocess.Popen(  # our own server
        [
            sys.executable,
            "-m",
            "gunicorn",
            "gonghui.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1) + 1)),
            "--worker-class",
            os.environ.get("GUNICORN_CLASS", "sync"),
            "--threads",
            os.environ.get("GUNICORN_THREADS", "1"),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )
    for _ in range(100):
        try:
            import urllib.request

            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/noop/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def _wrk(path: str, *, script: str = "", env: dict[str, str] | None = None) -> str:
    args = [
        shutil.which("wrk") or "wrk",
        "-t2",
        "-c200",
        f"-d{SECONDS}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if script:
        args += ["-s", script]
    args.append(f"http://127.0.0.1:{PORT}{path}")
    return subprocess.run(
        args, capture_output=True, text=True, check=True, env=dict(os.environ, **(env or {}))
    ).stdout


def _rate(out: str) -> float:
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(found.group(1)) if found else 0.0


def run() -> None:
    from gonghui.appraisal.models import TallyShard, Vote
    from gonghui.core.demo import city

    if not (shutil.which("pgbench") and shutil.which("wrk")):
        print("needs pgbench and wrk: make system-deps")
        return
    city.load()
    # (a) the statements alone, on a campaign of their own
    raw_campaign, raw_field = _campaign("bench-raw")
    raw_voters = _voters("raw", VOTERS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    raw = _pgbench(raw_campaign, raw_field, raw_voters)

    # (b) and (c) over HTTP
    campaign, field = _campaign("bench-http")
    keys = _cookies(_voters("http", VOTERS))
    voters_file = Path(tempfile.mkstemp(suffix=".txt")[1])
    voters_file.write_text("".join(f"{k} 0\n" for k in keys))
    lua = Path(tempfile.mkstemp(suffix=".lua")[1])
    lua.write_text(WRK_VOTE)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    server = _serve()
    try:
        noop = _rate(_wrk("/bench/noop/"))
        vote_out = _wrk(
            "/",
            script=str(lua),
            env={
                "VOTERS_FILE": str(voters_file),
                "CAMPAIGN": str(campaign.pk),
                "CANDIDATES": str(min(c.pk for c in field)),
                "NCAND": str(CANDIDATES),
                "CSRF": CSRF,
            },
        )
        page = _rate(_wrk(f"/vote/{campaign.pk}/1/"))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    real = _rate(vote_out)
    acked = int(re.search(r"ACKED (\d+)", vote_out).group(1))  # type: ignore[union-attr]
    errors = int(re.search(r"ERRORS (\d+)", vote_out).group(1))  # type: ignore[union-attr]
    latency = re.search(r"P50 ([\d.]+) P99 ([\d.]+)", vote_out)
    rows = Vote.objects.filter(campaign=campaign).count()
    tally = TallyShard.objects.filter(candidate__campaign=campaign).aggregate(n=Sum("votes"))["n"]
    duplicates = (
        Vote.objects.filter(campaign=campaign)
        .values("candidate", "voter", "day")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    print(f"(a) pgbench, the vote statements, 16 clients: {raw:,.0f} votes/s")
    print(f"(b) a do-nothing Django view, gunicorn, wrk 200 connections: {noop:,.0f} requests/s")
    print(f"(c) the vote endpoint with every rule, 200 concurrent voters: {real:,.0f} req/s")
    print(f"    (c)/(a) = {real / raw:.2f} (target ≥ 0.35)")
    print(f"    (c)/(b) = {real / noop:.2f} (target ≥ 0.25)")
    if latency:
        print(f"    latency p50 {latency.group(1)} ms, p99 {latency.group(2)} ms")
    # wrk stops reading at the deadline: votes in flight then are rows it never saw answered.
    print(f"    votes acknowledged {acked:,} ≤ rows {rows:,} = tally sum {tally or 0:,}")
    print(f"    duplicates {duplicates}, errors {errors}")
    print(f"the candidate page with its view counter: {page:,.0f} requests/s")
