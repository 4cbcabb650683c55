"""Notifications: every email and webhook message about a new flag, sent or not.

Read-only for everyone (the workers write them, ``claims.notifications``): the desk
can see what it was told, when, and why a message has not gone out yet.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from claims.models import Notification

from .pagination import EstimatedCountPaginator


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "created_at",
        "channel",
        "status",
        "flag",
        "attempts",
        "sent_at",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "channel"]
    list_select_related = ["flag__event"]
    raw_id_fields = ["flag"]
    search_fields = ["idempotency_key", "flag__event__title"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    list_per_page = 50
    fields = readonly_fields = (
        "flag",
        "channel",
        "status",
        "idempotency_key",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "payload_text",
    )

    @admin.display(description="Message")
    def payload_text(self, obj: Notification) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, ensure_ascii=False))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
