"""What every page of the desk shares: writes through services, refusals, safe edits.

The admin never saves a model itself. ``save_model`` and ``save_formset`` call the
services in ``claims.services``; when a service refuses (a stale edit, a validation
error, a rule of the workflow) the whole save is rolled back and the same form is
shown again with the user's input and the reason, so nothing they typed is lost.

Stale edits are merged for the user: fields only the other person changed take the
saved value, fields only this user changed keep their input, and fields both changed
are marked. Saving again is then a deliberate choice, never a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from simple_history.admin import SimpleHistoryAdmin

from claims.services import ServiceError, StaleEdit

from .pagination import EstimatedCountPaginator

REFUSAL_ATTR = "_desk_refusal"


# --- Refusals -------------------------------------------------------------------------------
@dataclass
class Clash:
    """One field both people changed: what it was, what is saved now, what this user typed."""

    name: str
    label: str
    loaded: str
    saved: str
    typed: str


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


# --- Forms ----------------------------------------------------------------------------------
class DeskForm(forms.ModelForm):
    """A model form that can be re-shown with a service's refusal attached."""

    refusal: ClassVar[Refusal | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stale = self.refusal.stale if self.refusal is not None else None
        if self.is_bound and stale is not None:
            data = cast(QueryDict, self.data).copy()
            for name, value in stale.data.items():
                data[self.add_prefix(name)] = value
            self.data = data

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and self.refusal is not None and self.refusal.formset_prefix is None:
            self.refusal.apply(self)


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


class VersionedForm(DeskForm):
    """Carries the version the user loaded (claims and attributions have one)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = reason_field()
    lock_field: ClassVar[str] = "version"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields.pop("version")
            self.fields.pop("reason")
        else:
            self.initial.setdefault("version", self.instance.version)


class StampedForm(DeskForm):
    """Carries when the object was last saved, as a version for models without one."""

    loaded_at = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = reason_field()
    lock_field: ClassVar[str] = "loaded_at"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields.pop("loaded_at")
            self.fields.pop("reason")
        else:
            self.initial.setdefault("loaded_at", self.instance.updated_at.isoformat())

    def clean_loaded_at(self) -> datetime | None:
        value = self.cleaned_data.get("loaded_at") or ""
        parsed = parse_datetime(value) if value else None
        if self.instance.pk is not None and parsed is None:
            raise ValidationError("This form is missing when you opened it; reload the page.")
        return parsed


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
    history = model.history  # type: ignore[attr-defined]
    loaded = history.filter(id=pk, **lock_filter).order_by("-history_id").first()
    latest = history.filter(id=pk).select_related("history_user").order_by("-history_id").first()
    who = "Someone"
    when = None
    if latest is not None:
        when = latest.history_date
        if latest.history_user is not None:
            who = latest.history_user.get_username()
    details = StaleDetails(who=who, when=when, data={form.lock_field: new_token})  # type: ignore[attr-defined]
    model_fields = {f.name: f for f in model._meta.concrete_fields}
    for name in form.fields:
        model_field = model_fields.get(name)
        if model_field is None or name == form.lock_field or name not in form.cleaned_data:  # type: ignore[attr-defined]
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


class DeskInlineFormSet(forms.BaseInlineFormSet):
    """An inline formset that can be re-shown with a refusal on one of its forms."""

    refusal: ClassVar[Refusal | None] = None

    def full_clean(self) -> None:
        super().full_clean()
        refusal = self.refusal
        if (
            self.is_bound
            and refusal is not None
            and refusal.formset_prefix == self.prefix
            and refusal.form_index is not None
            and refusal.form_index < len(self.forms)
        ):
            refusal.apply(self.forms[refusal.form_index])


# --- The admin base -------------------------------------------------------------------------
def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class DeskChangeList(ChangeList):
    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        super().__init__(request, *args, **kwargs)

    def _get_default_ordering(self) -> list[Any]:
        # The desk's orderings are annotations (open first, unverified first), named by
        # get_ordering(); Django's default reads only the class attribute, and would
        # mark the wrong column as the sort in the header.
        ordering = self.model_admin.get_ordering(self.request)
        return list(ordering or super()._get_default_ordering())  # type: ignore[misc]


class DeskAdmin(SimpleHistoryAdmin):
    """Base for every model on the desk: service writes, no deletes, no full-table counts."""

    formfield_overrides = DATE_WIDGETS
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    list_per_page = 50
    # The history pages are for reading: a revert would bypass the services.
    history_list_per_page = 50

    # The permission that the list's one-click "row_actions" column acts with; people
    # without it do not see the column (the views behind it refuse them anyway).
    row_actions_permission: ClassVar[str | None] = None

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return DeskChangeList

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        columns = list(super().get_list_display(request))
        permission = self.row_actions_permission
        if permission and "row_actions" in columns and not request.user.has_perm(permission):
            columns.remove("row_actions")
        return columns

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Nothing is deleted from the desk's record, by anyone, from here.
        return False

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied("Old versions are read-only; edit the current one.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, REFUSAL_ATTR, None)
        if refusal is not None:
            form_class = type(form_class.__name__, (form_class,), {"refusal": refusal})
        return form_class

    def _changeform_view(
        self, request: HttpRequest, object_id: str | None, form_url: str, extra_context: Any
    ) -> HttpResponse:
        try:
            # Its own savepoint: a refusal undoes every write of this save, not just the
            # service call that refused.
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super()._changeform_view(request, object_id, form_url, extra_context)
        except Refusal as refusal:
            setattr(request, REFUSAL_ATTR, refusal)
            context = {**(extra_context or {}), "refusal": refusal}
            return super()._changeform_view(request, object_id, form_url, context)

    def copy_saved(self, obj: models.Model, saved: models.Model) -> None:
        """Make the admin's instance the one the service saved (for messages and redirects)."""
        for model_field in obj._meta.concrete_fields:
            setattr(obj, model_field.attname, getattr(saved, model_field.attname))
        obj._state.adding = False
        obj._state.db = saved._state.db

    def locked_call(self, form: forms.BaseForm, obj: models.Model, call: Any) -> models.Model:
        """Run a versioned service call; a stale edit becomes a merged, re-shown form."""
        try:
            with refused_as_form_errors():
                return call()
        except StaleEdit as exc:
            details = stale_details(
                form,
                model=type(obj),
                pk=obj.pk,
                lock_filter={"version": exc.expected},
                current=exc.obj,
                new_token=str(exc.current),
            )
            raise stale_refusal(details, str(obj._meta.verbose_name)) from exc

    def save_through_services(
        self,
        request: HttpRequest,
        obj: models.Model,
        form: forms.BaseForm,
        change: bool,
        *,
        fields: list[str],
        create: Any,
        update: Any,
        create_fields: list[str] | None = None,
    ) -> None:
        """save_model through the services, for every desk model.

        Adding calls ``create(by=, reason=, **fields)`` with ``create_fields`` (default
        ``fields``). Changing calls ``update(obj, by=, reason=, **changes)`` with only what
        the form changed; a model with a ``version`` passes the one the user loaded and is
        refused if stale (locked_call), one without is compared on ``updated_at``
        (stamped_call).
        """
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in fields}
            if not changes:
                return
            reason = data.get("reason") or "Edited in the admin"
            if "version" in data:
                version = data["version"]
                saved = self.locked_call(
                    form,
                    obj,
                    lambda: update(obj, version=version, by=request.user, reason=reason, **changes),
                )
            else:
                saved = self.stamped_call(
                    form, obj, lambda: update(obj, by=request.user, reason=reason, **changes)
                )
        else:
            with refused_as_form_errors():
                saved = create(
                    by=request.user,
                    reason="Added in the admin",
                    **{name: data[name] for name in (create_fields or fields) if name in data},
                )
        self.copy_saved(obj, saved)

    def stamped_call(self, form: forms.BaseForm, obj: models.Model, call: Any) -> models.Model:
        """For models without a version: refuse if it was saved since the user loaded it.

        The row is locked first, so a save cannot slip in between the check and ours.
        """
        model = type(obj)
        current = model._default_manager.select_for_update().get(pk=obj.pk)
        loaded_at = form.cleaned_data.get("loaded_at")
        if loaded_at is not None and current.updated_at != loaded_at:  # type: ignore[attr-defined]
            details = stale_details(
                form,
                model=model,
                pk=obj.pk,
                lock_filter={"updated_at": loaded_at},
                current=current,
                new_token=current.updated_at.isoformat(),  # type: ignore[attr-defined]
            )
            raise stale_refusal(details, str(obj._meta.verbose_name))
        with refused_as_form_errors():
            return call()

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Sequence[Any], change: bool
    ) -> None:
        # No many-to-many fields on the desk's models; formsets save through services.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Read-only inlines: nothing to save. Subclasses handle the ones that add rows.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def change_url(self, obj: models.Model) -> str:
        opts = obj._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def report(request: HttpRequest, done: list[str], failed: list[str], verb: str) -> None:
    """One message for a bulk action: how many went through, and why the others did not."""
    if done:
        messages.success(
            request,
            f"{verb}: {len(done)} ({', '.join(done[:10])}" + ("…" if len(done) > 10 else "") + ").",
        )
    for failure in failed[:10]:
        messages.error(request, failure)
    if len(failed) > 10:
        messages.error(request, f"…and {len(failed) - 10} more refused.")


def redirect_back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next(request, default))
