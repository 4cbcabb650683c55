"""The desk's list filters: states, roles, and pickers for tables too big to list.

A filter over events (50,000 of them in a big archive) never lists every event: it is
a search box (``EventPicker``) that shows the few events matching what was typed,
plus the one chosen, and works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import QuerySet
from django.http import HttpRequest

from claims.models import Attribution, ConflictFlag, Corroboration, Event, Source

from . import display, inputs


class CorroborationFilter(admin.SimpleListFilter):
    title = "corroboration"
    parameter_name = "corroboration"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(status.value, label) for status, (_, _, label, _) in display.CORROBORATION.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in Corroboration.values:
            return queryset.filter(corroboration=self.value())
        return queryset


class SourceKindFilter(admin.SimpleListFilter):
    """The kind of the source at ``source_path`` (the claimant, or an attribution's source)."""

    title = "source's kind"
    parameter_name = "kind"
    source_path: ClassVar[str] = "source"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        # The first letter up, the rest as written ("NGO" stays "NGO").
        return [
            (value, str(label)[:1].upper() + str(label)[1:]) for value, label in Source.Kind.choices
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in Source.Kind.values:
            return queryset.filter(**{f"{self.source_path}__kind": self.value()})
        return queryset


class ClaimantKindFilter(SourceKindFilter):
    title = "claimant's kind"
    source_path = "claimant"


class AssignedFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("me", "Me"), ("nobody", "Nobody")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "me":
            return queryset.filter(assignee_id=request.user.pk)
        if self.value() == "nobody":
            return queryset.filter(assignee__isnull=True)
        return queryset


class VerificationFilter(admin.SimpleListFilter):
    """Defaults to the work still to do: unverified attributions."""

    title = "verification"
    parameter_name = "verification"
    default = Attribution.Verification.UNVERIFIED.value
    # Each state is one value of the queue's order (Attribution.verification_rank), so a
    # state's rows are one range of the queue's index.
    ranks: ClassVar[dict[str, int]] = {"unverified": 0, "rejected": 1, "verified": 2}

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("unverified", "To check (unverified)"),
            ("verified", "Verified"),
            ("rejected", "Rejected"),
            ("all", "All"),
        ]

    def value(self) -> str:
        return super().value() or self.default

    def choices(self, changelist: Any) -> Iterator[Any]:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        rank = self.ranks.get(self.value())
        return queryset if rank is None else queryset.filter(verification_rank=rank)


class EventPicker(admin.ListFilter):
    """Pick one event by typing part of its title: a search box and a few matches.

    ``event__id__exact`` holds the chosen event (the links elsewhere on the desk use it);
    ``event_q`` what was typed. Without a term, ``suggestions`` are shown (none here).
    """

    title = "event"
    template = "admin/claims/picker_filter.html"
    parameter_name = "event__id__exact"
    search_parameter = "event_q"
    shown = 8

    def __init__(self, request: HttpRequest, params: dict[str, list[str]], *args: Any) -> None:
        super().__init__(request, params, *args)
        self.chosen: Event | None = None
        self.term = ""
        self.hidden: list[tuple[str, str]] = []
        if self.parameter_name in params:
            value = params.pop(self.parameter_name)[-1]
            self.used_parameters[self.parameter_name] = value
            self.chosen = self._event(value)
        if self.search_parameter in params:
            self.term = params.pop(self.search_parameter)[-1].strip()[:100]
            self.used_parameters[self.search_parameter] = self.term

    @staticmethod
    def _event(value: str) -> Event:
        try:
            return Event.objects.get(pk=inputs.object_pk(Event, value))
        except Exception as exc:  # the admin answers a bad filter with "?e=1" and a note
            raise IncorrectLookupParameters(f"No event #{value}.") from exc

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str | None]:
        return [self.parameter_name, self.search_parameter]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.chosen is not None:
            return queryset.filter(event_id=self.chosen.pk)
        return queryset

    def suggestions(self) -> QuerySet[Event]:
        return Event.objects.none()

    def matches(self) -> list[Event]:
        found = (
            Event.objects.filter(title__icontains=self.term) if self.term else self.suggestions()
        )
        return [e for e in found.order_by("-date", "title")[: self.shown] if e != self.chosen]

    def choices(self, changelist: Any) -> Iterator[Any]:
        # The filter's template is given this filter, not the changelist: keep for it
        # the list's other parameters, which the picker's search form carries along.
        self.hidden = self.hidden_fields(changelist)
        clear = [self.parameter_name, self.search_parameter]
        yield {
            "selected": self.chosen is None,
            "query_string": changelist.get_query_string(remove=clear),
            "display": "All events",
        }
        for event in [e for e in (self.chosen,) if e is not None] + self.matches():
            yield {
                "selected": event == self.chosen,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: event.pk}, remove=[self.search_parameter]
                ),
                "display": event.title,
            }

    def hidden_fields(self, changelist: Any) -> list[tuple[str, str]]:
        """The list's other parameters, kept by the picker's search form."""
        keep = dict(changelist.params)
        for name in (self.search_parameter, self.parameter_name, "p"):
            keep.pop(name, None)
        return [(name, value) for name, values in keep.items() for value in _listed(values)]


class FlaggedEventPicker(EventPicker):
    """On the conflict desk, the events with open flags come up before anything is typed."""

    def suggestions(self) -> QuerySet[Event]:
        return Event.objects.filter(
            pk__in=ConflictFlag.objects.open().values("event_id")[: self.shown]
        )


def _listed(values: Any) -> list[str]:
    return [str(v) for v in values] if isinstance(values, list) else [str(values)]
