"""Reading spreadsheets as unions keep them: .xlsx, .xls (python-calamine, the fastest reader)
and .csv (UTF-8 or GB18030). Title rows above the header are skipped, merged cells are filled
from their top-left value, and the header row is found by the names it holds."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

Cell = Any
EXTENSIONS = (".xlsx", ".xls", ".csv")
HEADER_SCAN_ROWS = 15

# Our fields, and the header names unions use for them. Compared after normalising (no spaces,
# full-width folded), so "身份证号码" and "身份证 号码" both match.
FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "会员姓名", "职工姓名", "名字"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码", "身份证件号码"),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日"),
    "phone": ("手机", "手机号", "手机号码", "联系电话", "电话", "联系方式"),
    "education": ("学历", "文化程度", "最高学历"),
    "skill_grade": ("技能等级", "职业技能等级", "技术等级"),
    "political_status": ("政治面貌",),
    "employer": ("工作单位", "单位", "单位名称", "所在单位", "企业名称"),
    "job_type": ("工种", "岗位", "职业", "职务"),
    "new_employment_form": ("新就业形态", "就业形态", "新就业形态类型"),
    "platform": ("平台", "所属平台", "服务平台"),
    "union": ("所属工会", "工会", "基层工会", "工会名称"),
    "start_date": ("入会时间", "入会日期", "入会年月"),
}
IGNORED_HEADERS = ("序号", "编号", "备注", "说明")
REQUIRED_FIELDS = ("name", "id_number")


def normalise(value: Cell) -> str:
    """Text as people mean it: full-width digits and letters folded (NFKC), every kind of space
    removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(text.split())


class UnreadableFileError(ValueError):
    """The upload is not a spreadsheet we can read; the message says what to do."""


MAX_MERGED_CELLS = 100_000


def iter_rows(path: Path) -> Iterator[list[Cell]]:
    """Every row of the first sheet (or the CSV), merged cells filled from their top-left."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _iter_csv(path)
        return
    if suffix not in EXTENSIONS:
        raise UnreadableFileError(_("Upload an .xlsx, .xls or .csv file."))
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise UnreadableFileError(_("The workbook has no sheet."))
        sheet = workbook.get_sheet_by_index(0)
        anchors = _merged_anchors(sheet)
        first_col = sheet.start[1] if sheet.start else 0
        anchor_values: dict[tuple[int, int], Cell] = {}
        for r, raw in enumerate(sheet.iter_rows()):
            row: list[Cell] = [None if v == "" else v for v in raw]
            if anchors:
                for c, value in enumerate(row):
                    anchor = anchors.get((r, c + first_col))
                    if anchor == (r, c + first_col):
                        anchor_values[anchor] = value
                    elif anchor is not None:
                        row[c] = anchor_values.get(anchor)
            yield row
    except CalamineError as exc:
        raise UnreadableFileError(
            _(
                "This file could not be read as a spreadsheet. Save it from Excel or WPS as "
                ".xlsx and try again."
            )
        ) from exc


def _merged_anchors(sheet: Any) -> dict[tuple[int, int], tuple[int, int]]:
    ranges = sheet.merged_cell_ranges or []
    size = sum((r1 - r0 + 1) * (c1 - c0 + 1) for (r0, c0), (r1, c1) in ranges)
    if size > MAX_MERGED_CELLS:
        return {}
    return {
        (r, c): (r0, c0)
        for (r0, c0), (r1, c1) in ranges
        for r in range(r0, r1 + 1)
        for c in range(c0, c1 + 1)
    }


def _iter_csv(path: Path) -> Iterator[list[Cell]]:
    raw = path.read_bytes()[:65536]
    encoding = "utf-8-sig"
    try:
        # final=False: a character cut by the sample's end is not an error
        codecs.getincrementaldecoder("utf-8-sig")().decode(raw, final=False)
    except UnicodeDecodeError:
        encoding = "gb18030"  # Excel in China saves CSV in GBK
    if b"\x00" in raw:
        raise UnreadableFileError(
            _("This is not a text CSV file. Upload an .xlsx, .xls or .csv file.")
        )
    with path.open(encoding=encoding, newline="", errors="strict") as handle:
        try:
            for row in csv.reader(handle):
                yield [cell if cell != "" else None for cell in row]
        except (UnicodeDecodeError, csv.Error) as exc:
            raise UnreadableFileError(
                _("The CSV file could not be read; save it again as UTF-8 or as .xlsx.")
            ) from exc


def recognise(header: Cell) -> str | None:
    """Our field for a header cell, or None when we do not know it."""
    text = normalise(header)
    for field, aliases in FIELDS.items():
        if text in aliases:
            return field
    return None


def find_header(path: Path) -> tuple[int, list[str]]:
    """The header row (0-based) and its cells: among the first rows, the one that names the
    most of our fields. Refuses a file with no recognisable header or no data."""
    best_row, best_score, best_cells = -1, 0, []
    for index, row in enumerate(iter_rows(path)):
        if index >= HEADER_SCAN_ROWS:
            break
        cells = [normalise(cell) for cell in row]
        score = sum(1 for cell in cells if recognise(cell) is not None)
        if score > best_score:
            best_row, best_score, best_cells = index, score, cells
    if best_row < 0:
        raise UnreadableFileError(
            _(
                "No header row found: the first rows must name the columns, for example 姓名 "
                "and 身份证号码. Download the template to start from a layout that works."
            )
        )
    while best_cells and not best_cells[-1]:
        best_cells.pop()
    return best_row, best_cells


def guess_mapping(headers: list[str], remembered: dict[str, str]) -> dict[str, str]:
    """Column index (as text) → field, from what this union mapped before and from the names
    we know; columns we cannot place map to "" (ignored) for the user to decide."""
    mapping: dict[str, str] = {}
    for index, header in enumerate(headers):
        if not header or header in IGNORED_HEADERS:
            mapping[str(index)] = ""
            continue
        mapping[str(index)] = remembered.get(header) or recognise(header) or ""
    return mapping


def to_date(value: Cell) -> tuple[dt.date, bool] | None:
    """A date as rosters write it: a real date, an Excel serial number, 1990-01-15, 1990/1/15,
    1990.1.15, 19900115, 1990年1月15日, or month only (1990.01, 1990年1月, 199001). The bool
    says whether the day was given."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date(), True
    if isinstance(value, dt.date):
        return value, True
    if isinstance(value, int | float) and 1900 <= value <= 2100 and float(value).is_integer():
        return dt.date(int(value), 1, 1), False  # a year alone, as rosters often write it
    if isinstance(value, int | float) and 1 <= value < 2958466 and not 190001 <= value <= 299912:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value)), True
    text = normalise(value).replace("年", ".").replace("月", ".").replace("日", "")
    for sep in ("-", "/"):
        text = text.replace(sep, ".")
    text = text.strip(".")
    parts = text.split(".")
    if text.isdigit() and len(text) == 4 and 1900 <= int(text) <= 2100:
        return dt.date(int(text), 1, 1), False  # a year alone
    if text.isdigit() and 3 <= len(text) <= 5:  # an Excel serial number saved as text
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(text)), True
    try:
        if len(parts) == 1 and text.isdigit() and len(text) == 8:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])), True
        if len(parts) == 1 and text.isdigit() and len(text) == 6:
            return dt.date(int(text[:4]), int(text[4:]), 1), False
        if len(parts) == 3:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2])), True
        if len(parts) == 2:
            return dt.date(int(parts[0]), int(parts[1]), 1), False
    except ValueError:
        return None
    return None


def template_rows() -> list[list[str]]:
    """The header of the template we offer to unions that start fresh, and one example row."""
    return [
        [
            "序号",
            "姓名",
            "身份证号码",
            "性别",
            "出生日期",
            "手机号码",
            "学历",
            "职业技能等级",
            "政治面貌",
            "工作单位",
            "工种",
            "新就业形态",
            "平台",
            "入会时间",
        ],
        [
            "1",
            "张三",
            "11010519491231002X",
            "女",
            "1949-12-31",
            "13800000000",
            "高中",
            "四级",
            "群众",
            "示例有限公司",
            "装配工",
            "",
            "",
            "2024-01-01",
        ],
    ]


def read_preview(path: Path, header_row: int, limit: int = 5) -> list[list[str]]:
    rows: list[list[str]] = []
    for index, row in enumerate(iter_rows(path)):
        if index > header_row:
            rows.append([normalise(c) for c in row])
            if len(rows) >= limit:
                break
    return rows


def bytes_look_like_spreadsheet(head: bytes, suffix: str) -> bool:
    """A cheap first check of an upload's first bytes against what its name claims."""
    if suffix == ".xlsx":
        return head.startswith(b"PK\x03\x04")
    if suffix == ".xls":
        return head.startswith(bytes.fromhex("d0cf11e0a1b11ae1"))
    if suffix == ".csv":
        return b"\x00" not in head
    return False
