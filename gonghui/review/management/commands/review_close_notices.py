"""Closes every public notice whose period is over (a cron safety net beside the task that
each notice schedules for itself)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gonghui.review.notices import notice_close, notices_due


class Command(BaseCommand):
    help = "Close the public notices whose period is over."

    def handle(self, *args: Any, **options: Any) -> None:
        for notice_id in notices_due():
            notice = notice_close(notice_id=notice_id)
            self.stdout.write(f"{notice.pk} {notice.state}")
