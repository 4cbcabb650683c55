"""Admin registrations (plain for now; the review desk is built on these)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from claims.models import Attribution, Claim, ConflictFlag, Event, Source


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "date", "region", "country", "needs_recheck_since"]
    search_fields = ["title", "place", "region", "country"]


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "origin", "reliability"]
    list_filter = ["kind", "reliability"]
    search_fields = ["name", "origin"]


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["event", "claimant", "measure", "group", "count_text", "status", "verdict"]
    list_select_related = ["event", "claimant"]
    list_filter = ["status", "measure"]
    search_fields = ["text", "claimant__name", "event__title"]


@admin.register(Attribution)
class AttributionAdmin(SimpleHistoryAdmin):
    list_display = ["claim", "source", "stance", "count_text", "verification"]
    list_select_related = ["claim__event", "claim__claimant", "source"]
    list_filter = ["verification", "stance"]


@admin.register(ConflictFlag)
class ConflictFlagAdmin(SimpleHistoryAdmin):
    list_display = ["event", "measure", "group", "status", "explanation", "opened_at"]
    list_select_related = ["event"]
    list_filter = ["status", "measure"]
