"""Import a generated roster of ROWS rows (.xlsx) through the real services, against the time
the fastest reader (python-calamine) needs just to read the same file, in the same run. Each
phase runs in a fresh process so that its peak memory (ru_maxrss) is its own.
Target: import ≤ 3× the bare read, peak memory < 1 GB."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import resource
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook
from stdnum.cn import ric

DATABASE = "sqlite"
ROWS = int(os.environ.get("ROSTER_ROWS", "100000"))


def _make_file(path: Path) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("会员花名册")
    sheet.append(["淮河市某公司工会会员花名册"])
    sheet.append(
        [
            "序号",
            "姓名",
            "身份证号码",
            "性别",
            "出生日期",
            "手机号码",
            "学历",
            "政治面貌",
            "入会时间",
        ]
    )
    for n in range(ROWS):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=n % 12000)
        body = f"340102{birth:%Y%m%d}{n // 12000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        sheet.append(
            [
                n + 1,
                f"职工{n}",
                number,
                "男" if int(body[16]) % 2 else "女",
                birth,
                f"139{n:08d}",
                "高中",
                "群众",
                "2020.05",
            ]
        )
    book.save(path)


def _bare_read(path: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from python_calamine import CalamineWorkbook

    began = time.perf_counter()
    sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    rows = sum(1 for _ in sheet.iter_rows())
    out.put((time.perf_counter() - began, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def _import(path: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.core.demo import city
    from gonghui.core.models import Org, User
    from gonghui.orgs.models import RosterImport
    from gonghui.orgs.roster import importing

    city.load()
    chair = User.objects.get(username="factory_chair")
    union = Org.objects.get(code="HH-DH-JD1-001")
    baseline_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    upload = SimpleUploadedFile("roster.xlsx", Path(path).read_bytes())
    item = importing.roster_upload(actor=chair, org=union, upload=upload)
    importing.roster_map(actor=chair, item=item, mapping=item.mapping)  # runs the check task
    item.refresh_from_db()
    checked = time.perf_counter()
    importing.roster_commit(actor=chair, item=item, mode="all")
    item = RosterImport.objects.get(pk=item.pk)
    done = time.perf_counter()
    out.put(
        (
            done - began,
            checked - began,
            item.imported_count,
            item.state,
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            baseline_rss,
        )
    )


def _in_child(target, path: str) -> tuple:  # type: ignore[no-untyped-def, type-arg]
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(path, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result  # type: ignore[no-any-return]


def run() -> None:
    path = Path(tempfile.mkdtemp()) / "roster.xlsx"
    began = time.perf_counter()
    _make_file(path)
    print(
        f"generated {ROWS:,} rows ({path.stat().st_size / 1e6:.1f} MB) in "
        f"{time.perf_counter() - began:.1f}s",
        flush=True,
    )
    read_s, read_rows, read_rss = _in_child(_bare_read, str(path))
    total_s, check_s, imported, state, rss, base_rss = _in_child(_import, str(path))
    print(
        f"bare read (python-calamine): {read_s:.2f}s for {read_rows:,} rows, "
        f"peak RSS {read_rss / 1024:.0f} MB"
    )
    print(
        f"import ({state}, {imported:,} members): {total_s:.2f}s = {imported / total_s:,.0f} "
        f"rows/s (check {check_s:.2f}s + write {total_s - check_s:.2f}s); "
        f"{total_s / read_s:.1f}× the bare read (target ≤ 3×)"
    )
    print(
        f"import peak RSS {rss / 1024:.0f} MB (Django loaded: {base_rss / 1024:.0f} MB; "
        f"target < 1024 MB)"
    )
