"""Group words: the vocabulary that gives a counted group its class (ANALYSIS.md §3).

Editors teach the desk words it does not know ("askaris" are security forces); a new
or changed word rechecks the events whose groups use it (``services.group_term_*``).
Fact-checkers can read the list.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from claims import services
from claims.models import GroupTerm

from .base import DeskAdmin, StampedForm

EDIT_FIELDS = ["term", "group_class"]


class GroupTermForm(StampedForm):
    class Meta:
        model = GroupTerm
        fields = EDIT_FIELDS
        help_texts = {
            "term": "A word or words as they appear in a group, e.g. “askaris”. A group as "
            "written takes the class of the longest word it contains; its other words name "
            "a part of that class (“Kenyan soldiers”)."
        }


@admin.register(GroupTerm)
class GroupTermAdmin(DeskAdmin):
    form = GroupTermForm
    list_display = ["term", "group_class"]
    list_filter = ["group_class"]
    search_fields = ["term"]
    search_help_text = "Search the words."

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        title = {"title": "Group words (which class a counted group is)"}
        return super().changelist_view(request, {**title, **(extra_context or {})})

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields: list[Any] = ["term", "group_class"]
        if obj is not None and self.has_change_permission(request, obj):
            fields += ["reason", "loaded_at"]
        return [(None, {"fields": fields})]

    def save_model(self, request: HttpRequest, obj: GroupTerm, form: Any, change: bool) -> None:
        self.save_through_services(
            request,
            obj,
            form,
            change,
            fields=EDIT_FIELDS,
            create=services.group_term_create,
            update=lambda obj, **kw: services.group_term_update(word=obj, **kw),
        )
