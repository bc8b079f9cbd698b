"""The member list and an org page at MEMBERS members on PostgreSQL, as a district's staff and
the city admin see them, against a bare SELECT of the same page in the same run.
Target: p95 < 200 ms."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from django.db import connection
from django.test import Client

DATABASE = "postgres"
MEMBERS = int(os.environ.get("MEMBERS", "1000000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def _fill() -> None:
    from gonghui.core.demo import city
    from gonghui.core.personal_data import encrypt
    from gonghui.orgs.demo import _unions

    city.load()
    unions = [u.pk for u in _unions()]
    id_token, phone_token = encrypt("340102199001151234"), encrypt("13900001111")
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO orgs_person (id_hash, id_number, name, sex, birth_date, phone, education,
                skill_grade, political_status, employer_name, job_type, new_employment_form,
                platform, created_at)
            SELECT md5(i::text) || md5((i + 1)::text), %s,
                   (ARRAY['张','王','李','赵','刘','陈','杨','黄'])[1 + i %% 8]
                       || (ARRAY['伟','芳','娜','敏','静','磊','洋','勇'])[1 + (i / 8) %% 8],
                   CASE WHEN i %% 2 = 0 THEN 'M' ELSE 'F' END,
                   DATE '1970-01-01' + (i %% 12000), %s, 'senior', 1 + i %% 5, 'masses', '',
                   '', CASE WHEN i %% 12 = 0 THEN 'courier' ELSE '' END, '', now()
            FROM generate_series(1, %s) AS i
            """,
            [id_token, phone_token, MEMBERS],
        )
        cursor.execute(
            """
            INSERT INTO orgs_membership (org_id, person_id, state, start_date, reason)
            SELECT (%s::bigint[])[1 + (p.id %% %s)], p.id, 'active', DATE '2020-01-01', ''
            FROM orgs_person p
            """,
            [unions, len(unions)],
        )
        cursor.execute("ANALYZE")
    print(f"filled {MEMBERS:,} members in {time.perf_counter() - began:.0f}s", flush=True)


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    fn()  # warm up
    times = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def _bare(offset: int, path: str) -> Callable[[], object]:
    sql = """
        SELECT m.id, m.state, m.start_date, p.name, p.id_number, p.sex, o.name
        FROM orgs_membership m JOIN orgs_person p ON p.id = m.person_id
        JOIN core_org o ON o.id = m.org_id
        WHERE o.path LIKE %s AND m.state IN ('active', 'retained')
        ORDER BY m.id DESC LIMIT 50 OFFSET %s
    """

    def run() -> object:
        with connection.cursor() as cursor:
            cursor.execute(sql, [path + "%", offset])
            return cursor.fetchall()

    return run


def run() -> None:
    from gonghui.core.models import Org, User

    _fill()
    district = Org.objects.get(code="HH-DH")
    city_org = Org.objects.get(code="HH")
    for username, org in (("city_admin", city_org), ("donghu_staff", district)):
        client = Client()
        client.force_login(User.objects.get(username=username))
        cases = {
            "member list, page 1": ("/members/", 0),
            "member list, page 200": ("/members/?page=200", 199 * 50),
            "member list, name search": ("/members/?q=张伟&state=current", 0),
            "org page": (f"/orgs/{org.pk}/", None),
        }
        print(f"-- as {username} ({org.name})")
        for label, (url, offset) in cases.items():

            def page(url: str = url, c: Client = client) -> object:
                return c.get(url, HTTP_HOST="127.0.0.1")

            p50, p95 = _timed(page)
            line = f"{label:<26} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"
            if offset is not None:
                b50, b95 = _timed(_bare(offset, org.path))
                line += f"   (bare SELECT of the page: p50 {b50:6.1f} ms, p95 {b95:6.1f} ms)"
            print(line + ("" if p95 < 200 else "   ← over the 200 ms target"), flush=True)
