"""The one progress mechanism for long work (ARCHITECTURE rule 8).

A view creates a TaskProgress with `progress_start`, enqueues its task on commit with the
progress id, and renders `{% progress_bar progress %}`; the bar polls `core:progress` with htmx
until the task calls `progress_finish` or `progress_fail`. The task reports with
`progress_advance` as it goes."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.http import Http404

from gonghui.core.models import Org, ProgressState, TaskProgress, User
from gonghui.core.scoping import Actor


@transaction.atomic
def progress_start(
    *, actor: User, label: str, total: int = 0, org: Org | None = None
) -> TaskProgress:
    return TaskProgress.objects.create(owner=actor, org=org, label=label[:120], total=total)


def progress_advance(*, progress_id: uuid.UUID, done: int, total: int | None = None) -> None:
    """Called by the task as it goes: one UPDATE, no read."""
    fields: dict[str, object] = {"done": done, "state": ProgressState.RUNNING}
    if total is not None:
        fields["total"] = total
    TaskProgress.objects.filter(pk=progress_id).update(**fields)


def progress_finish(*, progress_id: uuid.UUID, message: str = "", result_url: str = "") -> None:
    progress = TaskProgress.objects.get(pk=progress_id)
    progress.state = ProgressState.SUCCEEDED
    progress.done = progress.total
    progress.message = message
    progress.result_url = result_url
    progress.save(update_fields=["state", "done", "message", "result_url", "updated_at"])


def progress_fail(*, progress_id: uuid.UUID, message: str) -> None:
    """The message is for the person watching: what went wrong and what to do."""
    TaskProgress.objects.filter(pk=progress_id).update(state=ProgressState.FAILED, message=message)


def get_progress_for(actor: Actor, pk: uuid.UUID) -> TaskProgress:
    """Only the person who started the work watches it; anyone else gets a 404."""
    progress = TaskProgress.objects.filter(pk=pk, owner_id=actor.pk).first()
    if progress is None or not actor.is_authenticated:
        raise Http404
    return progress
