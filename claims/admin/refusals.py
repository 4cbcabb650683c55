"""When a service says no to a save: what the re-shown form says, and what it keeps.

A service refuses inside the admin's save (a stale edit, a validation error, a rule of
the workflow). ``DeskAdmin.changeform_view`` then rolls the whole save back and shows
the same form again, with the user's input and the reason, through ``showing()``: the
forms built for that second pass (``claims.admin.forms``) read ``current()``.

Stale edits are merged for the user: fields only the other person changed take the
saved value, fields only this user changed keep their input, and fields both changed
are marked. Saving again is then a deliberate choice, never a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from claims.selectors import with_readable_times
from claims.services import ServiceError, StaleEdit


@dataclass
class Clash:
    """One field both people changed: what it was, what is saved now, what this user typed."""

    name: str
    label: str
    loaded: str
    saved: str
    typed: str


@dataclass
class StaleDetails:
    """What changed under the user: for the banner above the re-shown form."""

    who: str
    when: datetime | None
    clashes: list[Clash] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    # Form data to put in the re-shown form: the other person's values for the fields
    # this user left alone, and the lock token of what is saved now.
    data: dict[str, str] = field(default_factory=dict)


class Refusal(Exception):
    """A service said no. Carries what to show on the re-displayed form."""

    def __init__(
        self,
        errors: dict[str | None, list[str]],
        *,
        headline: str = "",
        formset_prefix: str | None = None,
        form_index: int | None = None,
        stale: StaleDetails | None = None,
    ) -> None:
        self.errors = errors
        self.headline = headline or next(iter(errors.values()), ["Nothing was saved."])[0]
        self.formset_prefix = formset_prefix
        self.form_index = form_index
        self.stale = stale
        super().__init__(self.headline)

    def apply(self, form: forms.BaseForm) -> None:
        for name, errors in self.errors.items():
            target = (
                name if name in form.fields and not form.fields[name].widget.is_hidden else None
            )
            for error in errors:
                form.add_error(target, error)


# The refusal the forms of the current re-shown save should carry, if any.
_shown: ContextVar[Refusal | None] = ContextVar("desk_refusal", default=None)


@contextmanager
def showing(refusal: Refusal) -> Iterator[None]:
    """While the admin builds the re-shown form, its forms carry ``refusal``."""
    token = _shown.set(refusal)
    try:
        yield
    finally:
        _shown.reset(token)


def current() -> Refusal | None:
    return _shown.get()


def error_dict(exc: Exception) -> dict[str | None, list[str]]:
    """A service exception as {field or None: [messages]}."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return {
                (None if name == "__all__" else name): list(msgs)
                for name, msgs in exc.message_dict.items()
            }
        return {None: list(exc.messages)}
    return {None: [str(exc)]}


def message_for(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


@contextmanager
def refused_as_form_errors(
    *, formset_prefix: str | None = None, form_index: int | None = None
) -> Iterator[None]:
    """Turn a service's refusal into a Refusal for the form (PermissionDenied stays a 403)."""
    try:
        yield
    except StaleEdit:
        raise  # the caller merges it with the user's input
    except (ValidationError, ServiceError) as exc:
        raise Refusal(
            error_dict(exc), formset_prefix=formset_prefix, form_index=form_index
        ) from exc


# --- Stale edits ----------------------------------------------------------------------------
def field_data(form: forms.BaseForm, name: str, value: Any) -> str:
    """A model value as the form's widget posts it."""
    form_field = form.fields[name]
    shown = form_field.widget.format_value(form_field.prepare_value(value))
    if isinstance(shown, list | tuple):
        shown = shown[0] if shown else ""
    return "" if shown is None else str(shown)


def comparable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        return value.replace(second=0, microsecond=0)
    return value


def shown_value(form: forms.BaseForm, name: str, value: Any) -> str:
    if value in (None, ""):
        return "(empty)"
    form_field = form.fields[name]
    if isinstance(form_field, forms.ModelChoiceField) and form_field.queryset is not None:
        obj = form_field.queryset.filter(pk=value).first()
        return str(obj) if obj is not None else f"#{value}"
    if isinstance(form_field, forms.ChoiceField):
        for key, label in form_field.choices:  # type: ignore[union-attr,misc]
            if key == value and isinstance(label, str):
                return label
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d %b %Y %H:%M")
    return str(value)


def stale_details(
    form: forms.BaseForm,
    *,
    model: type[models.Model],
    pk: Any,
    lock_filter: dict[str, Any],
    current: models.Model,
    new_token: str,
) -> StaleDetails:
    """Compare what the user loaded, what is saved now and what they typed."""
    history = with_readable_times(model.history.all())  # type: ignore[attr-defined]
    loaded = history.filter(id=pk, **lock_filter).order_by("-history_id").first()
    latest = history.filter(id=pk).select_related("history_user").order_by("-history_id").first()
    who, when = "Someone", None
    if latest is not None:
        when = latest.history_date
        if latest.history_user is not None:
            who = latest.history_user.get_username()
    lock_field = form.lock_field  # type: ignore[attr-defined]
    details = StaleDetails(who=who, when=when, data={lock_field: new_token})
    model_fields = {f.name: f for f in model._meta.concrete_fields}
    for name in form.fields:
        model_field = model_fields.get(name)
        if model_field is None or name == lock_field or name not in form.cleaned_data:
            continue
        saved = model_field.value_from_object(current)
        typed = comparable(form.cleaned_data[name])
        was = model_field.value_from_object(loaded) if loaded is not None else None
        theirs = loaded is not None and comparable(was) != comparable(saved)
        mine = loaded is None or typed != comparable(was)
        if theirs and not mine:
            details.data[name] = field_data(form, name, saved)
            details.adopted.append(str(form.fields[name].label or name))
        elif (theirs or loaded is None) and mine and typed != comparable(saved):
            details.clashes.append(
                Clash(
                    name=name,
                    label=str(form.fields[name].label or name),
                    loaded=shown_value(form, name, was) if loaded is not None else "?",
                    saved=shown_value(form, name, saved),
                    typed=shown_value(form, name, form.cleaned_data[name]),
                )
            )
    return details


def stale_refusal(details: StaleDetails, noun: str) -> Refusal:
    when = timezone.localtime(details.when).strftime("%H:%M") if details.when else "just now"
    headline = (
        f"{details.who} saved this {noun} at {when}, after you opened it. Nothing was saved. "
        "Your changes are kept below on top of what they saved"
        + (
            ": check the fields you both changed, then save again."
            if details.clashes
            else "; save again to apply them."
        )
    )
    errors: dict[str | None, list[str]] = {
        None: [f"Not saved: {details.who} saved this {noun} after you opened it (see above)."]
    }
    for clash in details.clashes:
        errors[clash.name] = [f"{details.who} saved “{clash.saved}” here meanwhile; yours is kept."]
    return Refusal(errors, headline=headline, stale=details)
