"""The roster import's steps, each a service: upload (find the header, guess the mapping), map
(remember it for the union), check (a task: every row, with progress), import (a task: all or
nothing, or the valid rows only, in one transaction so nothing is ever half-written)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.models import Org, User
from gonghui.core.permissions import Perm
from gonghui.core.personal_data import encrypt, resident_id_birth_date, resident_id_sex
from gonghui.core.progress import progress_advance, progress_fail, progress_finish, progress_start
from gonghui.core.scoping import actor_can
from gonghui.core.services import audit_record
from gonghui.orgs.models import (
    CURRENT_STATES,
    ImportMode,
    ImportState,
    Membership,
    MembershipState,
    Person,
    RosterImport,
    RosterMapping,
)
from gonghui.orgs.roster.checking import CheckedRow, RowChecker
from gonghui.orgs.roster.reading import (
    EXTENSIONS,
    FIELDS,
    UnreadableFileError,
    bytes_look_like_spreadsheet,
    find_header,
    guess_mapping,
    iter_rows,
)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_ERRORS_KEPT = 100_000
PROGRESS_EVERY = 1000


def _unions_in_scope(actor: User) -> list[Org]:
    from gonghui.orgs.selectors import unions_for

    return list(unions_for(actor))


@transaction.atomic
def roster_upload(*, actor: User, org: Org, upload: UploadedFile) -> RosterImport:
    """Keeps the upload, finds its header row and guesses the column mapping (remembered
    mappings of this union first). Refuses what is not a readable roster, writing nothing."""
    if not actor_can(actor, Perm.MEMBER_MANAGE, org):
        raise PermissionDenied
    name = Path(upload.name or "roster").name
    suffix = Path(name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise ValidationError(_("Upload an .xlsx, .xls or .csv file."))
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 50 MB. Split it into smaller files."))
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    head = upload.read(8)
    upload.seek(0)
    if not bytes_look_like_spreadsheet(head, suffix):
        raise ValidationError(
            _(
                "The file's content is not a %(kind)s spreadsheet. Save it again from Excel or "
                "WPS and upload that."
            )
            % {"kind": suffix}
        )
    item = RosterImport(org=org, owner=actor, file_name=name[:200])
    item.file.save(f"{uuid.uuid4().hex}{suffix}", upload, save=False)
    try:
        header_row, headers = find_header(Path(item.file.path))
    except UnreadableFileError as exc:
        item.file.delete(save=False)
        raise ValidationError(str(exc)) from exc
    if len(headers) > MAX_COLUMNS:
        item.file.delete(save=False)
        raise ValidationError(
            _(
                "The header row has %(n)d columns; a roster has at most %(max)d. Delete the empty "
                "or extra columns and upload again."
            )
            % {"n": len(headers), "max": MAX_COLUMNS}
        )
    remembered = RosterMapping.objects.filter(org=org).values_list("headers", flat=True).first()
    item.header_row = header_row
    item.headers = headers
    item.mapping = guess_mapping(headers, remembered or {})
    item.save()
    audit_record(
        actor=actor,
        action="roster.upload",
        org=org,
        obj=item,
        after={"file": name, "header_row": header_row},
    )
    return item


@transaction.atomic
def roster_map(*, actor: User, item: RosterImport, mapping: dict[str, str]) -> RosterImport:
    """Saves the user's column mapping, remembers it for the union, and starts the check."""
    if item.owner_id != actor.pk:
        raise PermissionDenied
    if item.state not in (ImportState.UPLOADED, ImportState.CHECKED, ImportState.NOTHING):
        raise ValidationError(_("This import is under way already."))
    chosen = [f for f in mapping.values() if f]
    doubled = sorted({FIELDS[f][0] for f in chosen if chosen.count(f) > 1})
    if doubled:
        raise ValidationError(
            _("Each field can come from one column only: %(fields)s")
            % {"fields": ", ".join(doubled)}
        )
    missing = [FIELDS[f][0] for f in ("name", "id_number") if f not in chosen]
    if missing:
        raise ValidationError(
            _("Choose the column that holds: %(fields)s") % {"fields": ", ".join(missing)}
        )
    item.mapping = mapping
    item.state = ImportState.CHECKING
    item.progress = progress_start(
        actor=actor, label=_("Checking %(file)s") % {"file": item.file_name}, org=item.org
    )
    item.save()
    remembered = {
        item.headers[int(i)]: f
        for i, f in mapping.items()
        if f and int(i) < len(item.headers) and item.headers[int(i)]
    }
    RosterMapping.objects.update_or_create(org=item.org, defaults={"headers": remembered})
    from gonghui.orgs.tasks import roster_check_task

    transaction.on_commit(lambda: roster_check_task.enqueue(str(item.pk)))
    return item


def _data_rows(item: RosterImport) -> Iterator[tuple[int, list[Any]]]:
    for index, row in enumerate(iter_rows(Path(item.file.path))):
        if index <= item.header_row:
            continue
        if all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        yield index + 1, row


def _checked_rows(item: RosterImport) -> Iterator[CheckedRow]:
    checker = RowChecker(
        org=item.org,
        headers=item.headers,
        mapping=item.mapping,
        unions=_unions_in_scope(item.owner),
    )
    yield from checker.check(_data_rows(item))


def roster_check(*, import_id: uuid.UUID) -> RosterImport:
    """Checks every row and keeps every error; writes no member (the task runs this)."""
    item = RosterImport.objects.select_related("org", "owner", "progress").get(pk=import_id)
    assert item.progress is not None
    total = errors_kept = valid = 0
    errors: list[list[Any]] = []
    try:
        with _checked_path(item).open("w", encoding="utf-8") as checked:
            for row in _checked_rows(item):
                total += 1
                if total > MAX_ROWS:
                    raise UnreadableFileError(
                        _("The file has more than %(max)d rows; split it into smaller files.")
                        % {"max": MAX_ROWS}
                    )
                if row.valid:
                    valid += 1
                    checked.write(_serialise(row) + "\n")
                for column, reason in row.errors:
                    if errors_kept < MAX_ERRORS_KEPT:
                        errors.append([row.number, column, reason])
                        errors_kept += 1
                if total % PROGRESS_EVERY == 0:
                    progress_advance(progress_id=item.progress.pk, done=total, total=0)
    except UnreadableFileError as exc:
        RosterImport.objects.filter(pk=item.pk).update(state=ImportState.FAILED)
        progress_fail(progress_id=item.progress.pk, message=str(exc))
        return item
    if total == 0:
        RosterImport.objects.filter(pk=item.pk).update(state=ImportState.FAILED)
        progress_fail(
            progress_id=item.progress.pk,
            message=_("The file has a header row but no members below it."),
        )
        return item
    RosterImport.objects.filter(pk=item.pk).update(
        state=ImportState.CHECKED, row_count=total, valid_count=valid, errors=errors
    )
    progress_finish(
        progress_id=item.progress.pk,
        message=_("%(total)d rows checked: %(valid)d valid, %(bad)d with errors.")
        % {"total": total, "valid": valid, "bad": total - valid},
    )
    return item


@transaction.atomic
def roster_commit(*, actor: User, item: RosterImport, mode: str) -> RosterImport:
    """The user's choice after the check: all or nothing, or the valid rows only."""
    if item.owner_id != actor.pk:
        raise PermissionDenied
    locked = RosterImport.objects.select_for_update().get(pk=item.pk)
    if locked.state != ImportState.CHECKED:
        raise ValidationError(_("Check the file before importing it."))
    if mode not in ImportMode.values:
        raise ValidationError(_("Choose how to import."))
    locked.mode = mode
    locked.state = ImportState.IMPORTING
    locked.progress = progress_start(
        actor=actor,
        label=_("Importing %(file)s") % {"file": locked.file_name},
        org=locked.org,
        total=locked.row_count,
    )
    locked.save()
    from gonghui.orgs.tasks import roster_import_task

    transaction.on_commit(lambda: roster_import_task.enqueue(str(locked.pk)))
    return locked


def _checked_path(item: RosterImport) -> Path:
    """Where the check leaves the valid rows for the import: ID numbers and phones already
    encrypted, so no clear personal data is written beyond the upload itself."""
    return Path(item.file.path).with_suffix(".checked.jsonl")


def _serialise(row: CheckedRow) -> str:
    v = row.values
    number = v["id_number"]
    return json.dumps(
        {
            "row": row.number,
            "id_hash": v["id_hash"],
            "id_number": encrypt(number),
            "name": v["name"],
            "sex": resident_id_sex(number),
            "birth_date": resident_id_birth_date(number).isoformat(),
            "phone": encrypt(v["phone"]) if v["phone"] else "",
            "education": v["education"],
            "skill_grade": v["skill_grade"],
            "political_status": v["political_status"],
            "employer_id": v["employer_id"],
            "employer_name": v["employer_name"],
            "job_type": v["job_type"],
            "new_employment_form": v["new_employment_form"],
            "platform": v["platform"],
            "union_id": v["union"].pk,
            "start_date": v["start_date"].isoformat(),
        },
        ensure_ascii=False,
    )


def _load_checked(item: RosterImport) -> list[dict[str, Any]]:
    with _checked_path(item).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def roster_import_run(*, import_id: uuid.UUID) -> RosterImport:
    """Writes the rows the check found valid, after checking them once more against the
    database as it is now, in ONE transaction: all rows or none (mode "all"), or every valid
    row (mode "valid"). Nothing is ever half-written."""
    item = RosterImport.objects.select_related("org", "owner", "progress").get(pk=import_id)
    assert item.progress is not None
    progress_id = item.progress.pk
    rows = _load_checked(item)
    progress_advance(progress_id=progress_id, done=item.row_count // 3)
    taken = _now_members(r["id_hash"] for r in rows)
    good = [r for r in rows if r["id_hash"] not in taken]
    bad = item.error_rows + len(rows) - len(good)  # rows already members here are not errors
    if (bad and item.mode == ImportMode.ALL_OR_NOTHING) or not good:
        RosterImport.objects.filter(pk=item.pk).update(state=ImportState.NOTHING)
        progress_fail(
            progress_id=progress_id,
            message=_(
                "Nothing was imported: %(bad)d rows have errors. Fix them and upload "
                "the file again, or import the valid rows only."
            )
            % {"bad": bad}
            if bad
            else _("Nothing was imported: no valid rows."),
        )
        return item
    progress_advance(progress_id=progress_id, done=item.row_count * 2 // 3)
    try:
        created = _write(item, good)
    except IntegrityError:
        RosterImport.objects.filter(pk=item.pk).update(state=ImportState.NOTHING)
        progress_fail(
            progress_id=progress_id,
            message=_(
                "Nothing was imported: someone registered some of these people while "
                "the file was being imported. Check the file again."
            ),
        )
        return item
    RosterImport.objects.filter(pk=item.pk).update(state=ImportState.DONE, imported_count=created)
    progress_finish(
        progress_id=progress_id,
        message=_("%(count)d members imported into %(org)s; %(skipped)d rows skipped.")
        % {"count": created, "org": item.org.name, "skipped": item.row_count - created},
        result_url=f"/members/?org={item.org_id}",
    )
    return item


def _now_members(hashes: Iterable[str]) -> set[str]:
    """Of these people, those who hold a current membership now (joined since the check)."""
    taken: set[str] = set()
    batch: list[str] = []
    for id_hash in [*hashes, None]:
        if id_hash is not None:
            batch.append(id_hash)
        if len(batch) >= 2000 or (id_hash is None and batch):
            taken.update(
                Membership.objects.filter(
                    person__id_hash__in=batch, state__in=CURRENT_STATES
                ).values_list("person__id_hash", flat=True)
            )
            batch = []
    return taken


PERSON_COLUMNS = (
    "id_hash",
    "id_number",
    "name",
    "sex",
    "birth_date",
    "phone",
    "education",
    "skill_grade",
    "political_status",
    "employer_id",
    "employer_name",
    "job_type",
    "new_employment_form",
    "platform",
    "created_at",
)
MEMBERSHIP_COLUMNS = (
    "org_id",
    "person_id",
    "state",
    "start_date",
    "decided_at",
    "decided_by_id",
    "applied_at",
    "decide_by",
    "end_date",
    "reason",
)


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Writes prepared rows the fastest way each database offers: COPY on PostgreSQL (its
    counting trigger then fires once per COPY), executemany on SQLite. Django's bulk_create
    would prepare every value through every field again (about 65 µs a row here); these values
    are prepared once above, ID numbers and phones already encrypted."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608  # names from the models, quoted; values are parameters
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


@transaction.atomic
def _write(item: RosterImport, rows: list[dict[str, Any]]) -> int:
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    hashes = [r["id_hash"] for r in rows]
    existing: dict[str, int] = {}
    for start in range(0, len(hashes), 2000):
        existing.update(
            Person.objects.filter(id_hash__in=hashes[start : start + 2000]).values_list(
                "id_hash", "pk"
            )
        )
    _insert(
        Person._meta.db_table,
        PERSON_COLUMNS,
        [
            (
                r["id_hash"],
                r["id_number"],
                r["name"],
                r["sex"],
                ops.adapt_datefield_value(dt.date.fromisoformat(r["birth_date"])),
                r["phone"],
                r["education"],
                r["skill_grade"],
                r["political_status"],
                r["employer_id"],
                r["employer_name"],
                r["job_type"],
                r["new_employment_form"],
                r["platform"],
                now,
            )
            for r in rows
            if r["id_hash"] not in existing
        ],
    )
    new_people = len(rows) - len(existing)
    for start in range(0, len(hashes), 2000):
        existing.update(
            Person.objects.filter(id_hash__in=hashes[start : start + 2000]).values_list(
                "id_hash", "pk"
            )
        )
    _insert(
        Membership._meta.db_table,
        MEMBERSHIP_COLUMNS,
        [
            (
                r["union_id"],
                existing[r["id_hash"]],
                MembershipState.ACTIVE,
                ops.adapt_datefield_value(dt.date.fromisoformat(r["start_date"])),
                now,
                item.owner_id,
                None,
                None,
                None,
                "",
            )
            for r in rows
        ],
    )
    audit_record(
        actor=item.owner,
        action="roster.import",
        org=item.org,
        obj=item,
        after={
            "file": item.file_name,
            "members": len(rows),
            "new_people": new_people,
            "mode": item.mode,
        },
    )
    return len(rows)


def roster_fail(*, import_id: uuid.UUID) -> None:
    """An unexpected error in a task: the import stops visibly instead of polling forever."""
    item = RosterImport.objects.select_related("progress").get(pk=import_id)
    RosterImport.objects.filter(pk=item.pk).update(state=ImportState.FAILED)
    if item.progress is not None:
        progress_fail(
            progress_id=item.progress.pk,
            message=_(
                "The import stopped on an unexpected error and nothing was saved. "
                "The error is logged; try again later or ask for help."
            ),
        )
