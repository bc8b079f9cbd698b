"""Long work shows a live progress bar (ARCHITECTURE rule 8): the task reports, the owner's page
polls until the work ends, and nobody else can watch it."""

from __future__ import annotations

import uuid

import pytest
from django_tasks import task

from gonghui.core.models import ProgressState, TaskProgress, User
from gonghui.core.progress import progress_advance, progress_fail, progress_finish, progress_start

pytestmark = pytest.mark.django_db


@task()
def count_to(progress_id: str, n: int) -> None:
    for i in range(1, n + 1):
        progress_advance(progress_id=uuid.UUID(progress_id), done=i, total=n)
    progress_finish(progress_id=uuid.UUID(progress_id), message="全部完成", result_url="/audit/")


def test_queued_work_polls_until_it_ends(client_for, personas: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    item = progress_start(actor=personas["factory_chair"], label="导入花名册", total=40)
    progress_advance(progress_id=item.pk, done=10)
    body = client_for("factory_chair").get(f"/progress/{item.pk}/").content.decode()
    assert 'aria-valuenow="25"' in body
    assert 'hx-trigger="every 1s"' in body
    assert "10 / 40" in body


def test_task_reports_progress_and_finishes_with_a_result_link(  # type: ignore[no-untyped-def]
    client_for, personas: dict[str, User]
) -> None:
    item = progress_start(actor=personas["factory_chair"], label="导入花名册")
    count_to.enqueue(str(item.pk), 7)
    item.refresh_from_db()
    assert (item.state, item.done, item.total) == (ProgressState.SUCCEEDED, 7, 7)
    body = client_for("factory_chair").get(f"/progress/{item.pk}/").content.decode()
    assert 'aria-valuenow="100"' in body
    assert "hx-trigger" not in body
    assert 'href="/audit/"' in body and "全部完成" in body


def test_failed_work_says_why(client_for, personas: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    item = progress_start(actor=personas["factory_chair"], label="导出", total=5)
    progress_fail(progress_id=item.pk, message="第 3 行身份证号校验位不正确")
    body = client_for("factory_chair").get(f"/progress/{item.pk}/").content.decode()
    assert "第 3 行身份证号校验位不正确" in body and "hx-trigger" not in body
    assert "bg-danger" in body


def test_only_the_owner_watches_the_work(client_for, personas: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    item = progress_start(actor=personas["factory_chair"], label="导入", total=5)
    assert client_for("city_admin").get(f"/progress/{item.pk}/").status_code == 404
    assert client_for("factory_chair").get(f"/progress/{uuid.uuid4()}/").status_code == 404


def test_done_never_exceeds_total(personas: dict[str, User]) -> None:
    from django.db import IntegrityError, transaction

    item = progress_start(actor=personas["factory_chair"], label="导入", total=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        progress_advance(progress_id=item.pk, done=6)
    assert TaskProgress.objects.get(pk=item.pk).done == 0


def test_finished_work_tells_the_page_to_refresh(client_for, personas: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    item = progress_start(actor=personas["factory_chair"], label="导入", total=5)
    client = client_for("factory_chair")
    assert "HX-Refresh" not in client.get(f"/progress/{item.pk}/", HTTP_HX_REQUEST="true")
    progress_finish(progress_id=item.pk)
    assert client.get(f"/progress/{item.pk}/", HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
