"""Group words: the vocabulary that gives a counted group its class (ANALYSIS.md §3).

Editors teach the desk words it does not know ("askaris" are security forces); a new
or changed word rechecks the events whose groups use it (``services.group_term_*``).
Fact-checkers can read the list.
"""

from __future__ import annotations

from django.contrib import admin

from claims import services
from claims.models import GroupTerm

from .base import DeskAdmin, SavedThrough
from .forms import StampedForm

EDIT_FIELDS = list(services.GROUP_TERM_FIELDS)  # the service's own list, in its order


class GroupTermForm(StampedForm):
    class Meta:
        model = GroupTerm
        fields = EDIT_FIELDS
        help_texts = {
            "term": "Help: a word or words as they appear in a group, e.g. “askaris”. A group "
            "as written takes the class of the longest word it contains; its other words "
            "name a part of that class (“Kenyan soldiers”)."
        }


@admin.register(GroupTerm)
class GroupTermAdmin(DeskAdmin):
    form = GroupTermForm
    list_title = "Group words"
    list_display = ["term", "group_class"]
    list_filter = ["group_class"]
    search_fields = ["term"]
    search_help_text = "Search the words."
    page_fields = ["term", "group_class"]
    saved_through = SavedThrough(
        creates=services.group_term_create,
        updates=services.group_term_update,
        noun="word",
        fields=EDIT_FIELDS,
    )
