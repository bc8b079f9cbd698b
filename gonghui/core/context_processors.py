"""Template context every page needs: the menu entries this person may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from gonghui.core.models import Notification
from gonghui.core.navigation import NAV
from gonghui.core.scoping import actor_can


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.path
    items = []
    for item in NAV:
        if actor_can(user, item.perm):
            url = reverse(item.url_name)
            active = current == url if url == "/" else current.startswith(url)
            items.append({"label": item.label, "url": url, "active": active})
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {"nav_items": items, "unread_notifications": unread}
