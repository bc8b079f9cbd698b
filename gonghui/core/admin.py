"""Django admin, for superusers. Writes that have a service go through it, so the admin shows
org data and the audit log read-only: no add, change or delete."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from gonghui.core.models import AuditEntry, CalendarYear, Org, RoleAssignment, User


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic only in stubs
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "org", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_repr", "action"]
    date_hierarchy = "at"


@admin.register(Org)
class OrgAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "kind", "level", "parent"]
    list_filter = ["kind", "level"]
    search_fields = ["name", "code"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "org", "granted_at"]
    list_filter = ["role"]


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "entered_by", "entered_at", "source_note"]


admin.site.register(User, UserAdmin)
admin.site.site_header = "Gonghui 工会"
