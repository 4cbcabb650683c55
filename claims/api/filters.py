"""List filters: the fields people filter by, as query parameters.

Ids are plain integer filters (an unknown id gives an empty page, not an extra query
to check it exists); groups compare as the conflict rules do (case and spacing do
not matter); ``updated_since`` serves integrations that sync what changed. The group's
class is ``?class=``, as the JSON names it (``KeywordNames``: ``class`` cannot be a
Python attribute).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter

from claims.api.fields import MAX_ID
from claims.models import (
    Attribution,
    Claim,
    ConflictFlag,
    Corroboration,
    Credibility,
    Event,
    GroupClass,
    Measure,
    Source,
    Toll,
)


class KeywordNames(filters.FilterSet):
    """Query parameters named ``class``: declared as ``group_class``, renamed here."""

    renamed = {"group_class": "class"}

    @classmethod
    def get_filters(cls) -> dict[str, filters.Filter]:  # type: ignore[override]
        return {cls.renamed.get(name, name): f for name, f in super().get_filters().items()}


_DIGITS = re.compile(r"[0-9]+")


class WholeNumberField(forms.IntegerField):
    """Digits only: Django's own reads "1.0" as 1, so ``?event=1.0`` named event 1."""

    def to_python(self, value: Any) -> int | None:
        text = "" if value is None else str(value).strip()
        if text and not _DIGITS.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """An object's id: a whole number in the database's range (else a 400 naming it)."""

    field_class = WholeNumberField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.BOOL)
class YesNoFilter(filters.BooleanFilter):
    """true/false (also 1/0)."""


class UtcDateTimeField(IsoDateTimeField):
    """ISO 8601, turned into UTC here: the database refuses some offsets Python accepts."""

    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("This time is out of range.", code="invalid") from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


def _updated_since() -> UtcDateTimeFilter:
    return UtcDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Only what changed at or after this time (ISO 8601).",
    )


def _spaces(value: str) -> str:
    return " ".join(value.split())


class EventFilter(filters.FilterSet):
    country = filters.CharFilter(lookup_expr="iexact")
    region = filters.CharFilter(lookup_expr="iexact")
    needs_recheck = filters.BooleanFilter(
        field_name="needs_recheck_since",
        lookup_expr="isnull",
        exclude=True,
        label="Events whose conflicts wait for a recheck.",
    )
    updated_since = _updated_since()

    class Meta:
        model = Event
        fields: list[str] = []


class SourceFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Source.Kind.choices)
    reliability = filters.ChoiceFilter(choices=Source.Reliability.choices)
    origin = filters.CharFilter(lookup_expr="iexact")
    name = filters.CharFilter(lookup_expr="icontains", label="Part of the name.")
    updated_since = _updated_since()

    class Meta:
        model = Source
        fields: list[str] = []


def _group_class(**kwargs: Any) -> filters.ChoiceFilter:
    return filters.ChoiceFilter(
        field_name="group_class", choices=GroupClass.choices, label="The group's class.", **kwargs
    )


class ClaimFilter(KeywordNames):
    status = filters.ChoiceFilter(choices=Claim.Status.choices)
    verdict = filters.ChoiceFilter(choices=[c for c in Claim.Verdict.choices if c[0]])
    event = IdFilter(field_name="event_id", label="An event's id.")
    claimant = IdFilter(field_name="claimant_id", label="The claimant's (a source's) id.")
    measure = filters.ChoiceFilter(choices=Measure.choices)
    group = filters.CharFilter(method="filter_group", label="Who was counted (any case).")
    group_class = _group_class()
    assignee = filters.CharFilter(field_name="assignee__username", label="A username.")
    corroboration = filters.ChoiceFilter(
        choices=Corroboration.choices, label="The derived corroboration status."
    )
    credibility = filters.TypedChoiceFilter(
        method="filter_credibility",
        choices=Credibility.choices,
        coerce=int,
        label="Credibility 1 to 6 (an editor's rating where given, else the proposed one).",
    )
    updated_since = _updated_since()

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_group(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return queryset.filter(group__iexact=_spaces(value))

    def filter_credibility(
        self, queryset: QuerySet[Claim], name: str, value: int
    ) -> QuerySet[Claim]:
        return queryset.filter(
            Q(credibility_override=value) | Q(credibility_override__isnull=True, credibility=value)
        )


class AttributionFilter(filters.FilterSet):
    claim = IdFilter(field_name="claim_id", label="A claim's id.")
    event = IdFilter(field_name="claim__event_id", label="An event's id (its claims').")
    source = IdFilter(field_name="source_id", label="A source's id.")
    stance = filters.ChoiceFilter(choices=Attribution.Stance.choices)
    verification = filters.ChoiceFilter(choices=Attribution.Verification.choices)
    updated_since = _updated_since()

    class Meta:
        model = Attribution
        fields: list[str] = []


class FlagFilter(KeywordNames):
    status = filters.ChoiceFilter(choices=ConflictFlag.Status.choices)
    event = IdFilter(field_name="event_id", label="An event's id.")
    measure = filters.ChoiceFilter(choices=Measure.choices)
    group = filters.CharFilter(method="filter_group", label="The counted group as written.")
    group_class = _group_class()
    updated_since = _updated_since()

    class Meta:
        model = ConflictFlag
        fields: list[str] = []

    def filter_group(
        self, queryset: QuerySet[ConflictFlag], name: str, value: str
    ) -> QuerySet[ConflictFlag]:
        return queryset.filter(group_label__iexact=_spaces(value))


class TollFilter(KeywordNames):
    measure = filters.ChoiceFilter(choices=Measure.choices)
    group_class = _group_class()
    confirmed = YesNoFilter()

    class Meta:
        model = Toll
        fields: list[str] = []


class StableOrdering(OrderingFilter):
    """One field from ``?ordering=`` (or the view's default), then the id in the same
    direction: the order the keyset pages (``claims.api.pagination``) rely on."""

    def get_ordering(self, request: Any, queryset: QuerySet[Any], view: Any) -> list[str]:
        ordering = list(super().get_ordering(request, queryset, view) or ["id"])
        first = ordering[0]
        tiebreak = "-id" if first.startswith("-") else "id"
        if first.lstrip("-") in {"id", "pk"}:
            return [tiebreak]
        return [first, tiebreak]

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        fields = list(getattr(view, "ordering_fields", []))
        default = ",".join(getattr(view, "ordering", ["id"]))
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"One field, with - for descending (default {default}); "
                "rows with the same value come in id order.",
                "schema": {"type": "string", "enum": [*fields, *(f"-{f}" for f in fields)]},
            }
        ]
