"""The desk's form bases: re-shown with a service's refusal, and carrying what was loaded.

``VersionedForm`` carries the version the user loaded (claims and attributions have
one), ``StampedForm`` when the object was last saved (events and sources); the
services refuse a stale one. While ``claims.admin.refusals.showing()`` is active (the
second pass of a refused save) these forms take the refusal's errors and, for a stale
edit, the merged values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.utils.dateparse import parse_datetime

from . import refusals

# Native pickers: one input per field (so a re-shown form can carry any value as
# posted), nothing to download, and the browser's own date widgets.
DATE_WIDGETS: dict[type[models.Field], dict[str, Any]] = {
    models.DateTimeField: {
        "form_class": forms.DateTimeField,
        "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    },
    models.DateField: {
        "form_class": forms.DateField,
        "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    },
}


def reason_field() -> forms.CharField:
    # The history keeps 100 characters of a reason.
    return forms.CharField(
        required=False,
        max_length=100,
        label="Why (kept in the history)",
        widget=forms.TextInput(attrs={"placeholder": "e.g. corrected from the original"}),
    )


class DeskForm(forms.ModelForm):
    """A model form that, on a refused save's second pass, shows the refusal."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        refusal = refusals.current()
        stale = refusal.stale if refusal is not None else None
        if self.is_bound and stale is not None:
            data = cast(QueryDict, self.data).copy()
            for name, value in stale.data.items():
                data[self.add_prefix(name)] = value
            self.data = data

    def full_clean(self) -> None:
        super().full_clean()
        refusal = refusals.current()
        if self.is_bound and refusal is not None and refusal.formset_prefix is None:
            refusal.apply(self)


class LockedForm(DeskForm):
    """Carries what the user loaded (``lock_field``) and why they change it (``reason``);
    a new object has neither."""

    reason = reason_field()
    lock_field: ClassVar[str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields.pop(self.lock_field)
            self.fields.pop("reason")
        else:
            self.initial.setdefault(self.lock_field, self.loaded())

    def loaded(self) -> Any:
        raise NotImplementedError


class VersionedForm(LockedForm):
    """Carries the version the user loaded (claims and attributions have one)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    lock_field = "version"

    def loaded(self) -> int:
        return int(self.instance.version)


class StampedForm(LockedForm):
    """Carries when the object was last saved, as a version for models without one."""

    loaded_at = forms.CharField(widget=forms.HiddenInput, required=False)
    lock_field = "loaded_at"

    def loaded(self) -> str:
        return str(self.instance.updated_at.isoformat())

    def clean_loaded_at(self) -> datetime | None:
        value = self.cleaned_data.get("loaded_at") or ""
        parsed = parse_datetime(value) if value else None
        if self.instance.pk is not None and parsed is None:
            raise ValidationError("This form is missing when you opened it; reload the page.")
        return parsed


class NewRowsFormSet(forms.BaseInlineFormSet):
    """An inline formset of rows to add, saved through a service by the admin's
    ``save_formset``; on a refused save's second pass, the refused row shows why."""

    adds_rows = True

    def full_clean(self) -> None:
        super().full_clean()
        refusal = refusals.current()
        if (
            self.is_bound
            and refusal is not None
            and refusal.formset_prefix == self.prefix
            and refusal.form_index is not None
            and refusal.form_index < len(self.forms)
        ):
            refusal.apply(self.forms[refusal.form_index])
