"""What every page of the desk shares: writes through services, buttons, CSV, history.

The admin never saves a model itself. ``save_model`` and ``save_formset`` call the
services in ``claims.services``; when a service refuses, the whole save is rolled back
and the same form is shown again with the user's input and the reason
(``claims.admin.refusals``). Nothing is deleted from here, no list counts a whole
large table, and each page's buttons are small POST views declared once (``buttons``)
behind one guard (``button``). A list with ``export_name`` streams the rows it shows,
as filtered, as CSV.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, router, transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from simple_history.admin import SimpleHistoryAdmin

from claims.exports import csv_lines
from claims.selectors import with_readable_times
from claims.services import ServiceError, StaleEdit

from . import display, history, inputs, refusals
from .forms import DATE_WIDGETS
from .pagination import EstimatedCountPaginator

# A bulk action works on at most this many rows, one service call each.
MAX_BULK = 500
# Rows fetched per round trip while a CSV streams: memory stays flat at any size.
EXPORT_CHUNK = 2000
SEARCH_COUNT_CAP = 1000

Button = Callable[..., HttpResponse]


@dataclass(frozen=True)
class SavedThrough:
    """How a page's form is saved: ``creates(by=, reason=, **fields)`` and
    ``updates(<noun>=obj, by=, reason=, [version=], **changes)``, both in claims.services."""

    creates: Callable[..., Any]
    updates: Callable[..., Any]
    noun: str  # the update's keyword for the object: "claim", "event", ...
    fields: list[str]  # what the form may change
    create_fields: list[str] | None = None  # what a new one is made with (default: fields)


def button(method: Callable[..., HttpResponse]) -> Button:
    """A button's POST view: POST only; the object or a 404; a 403 without view permission.

    The method receives the object instead of its id; the service it calls checks the
    permission for the change itself (a forged POST gets the service's 403).
    """

    @wraps(method)
    def view(model_admin: DeskAdmin, request: HttpRequest, object_id: str, **kwargs: Any) -> Any:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"], "This button only takes a POST.")
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"There is no {model_admin.opts.verbose_name} #{object_id}.")
        if not model_admin.has_view_permission(request, obj):
            raise PermissionDenied
        return method(model_admin, request, obj, **kwargs)

    return view


def count_of(queryset: QuerySet[Any], link: str) -> Coalesce:
    """A correlated COUNT(*) per row: one query for the page, not one per row."""
    counted = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def bulk_action(
    description: str, permission: str, verb: str, call: Callable[[Any, HttpRequest], Any]
) -> Callable[[DeskAdmin, HttpRequest, Any], None]:
    """A bulk action of the list: ``call(row, request)`` (a service) on each selected row."""

    @admin.action(description=description, permissions=[permission])
    def act(model_admin: DeskAdmin, request: HttpRequest, queryset: Any) -> None:
        model_admin.bulk(request, queryset, verb, lambda row: call(row, request))

    return act


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def redirect_back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next(request, default))


def report(request: HttpRequest, done: list[str], failed: list[str], verb: str) -> None:
    """One message for a bulk action: how many went through, and why the others did not."""
    if done:
        shown = ", ".join(done[:10]) + ("…" if len(done) > 10 else "")
        messages.success(request, f"{verb}: {len(done)} ({shown}).")
    for failure in failed[:10]:
        messages.error(request, failure)
    if len(failed) > 10:
        messages.error(request, f"…and {len(failed) - 10} more refused.")


class DeskAdmin(SimpleHistoryAdmin):
    """Base for every model on the desk: service writes, no deletes, no full-table counts."""

    formfield_overrides = DATE_WIDGETS
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    list_per_page = 50
    history_list_per_page = 50
    object_history_template = "admin/claims/object_history.html"

    # The list's title, the same words as its link in the desk's navigation.
    list_title: ClassVar[str] = ""
    # The legend's parts each list and page shows (claims.admin.display.LEGEND).
    legend: ClassVar[tuple[str, ...]] = ()
    # The permission that the list's one-click "row_actions" column acts with; people
    # without it do not see the column (the views behind it refuse them anyway).
    row_actions_permission: ClassVar[str | None] = None
    # Buttons: (route after the object's id, name); each is served by ``<name>_view``.
    buttons: ClassVar[tuple[tuple[str, str], ...]] = ()
    # The CSV download's file name; empty: the list has none.
    export_name: ClassVar[str] = ""
    # The object page's form: its layout, and the services that save it.
    page_fields: ClassVar[list[Any]] = []
    saved_through: ClassVar[SavedThrough | None] = None
    # Counts a list shows per row: {annotation: (rows counted, their link to this row)}.
    list_counts: ClassVar[dict[str, tuple[QuerySet[Any], str]]] = {}

    # --- Lists ---------------------------------------------------------------------------
    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        columns = list(super().get_list_display(request))
        permission = self.row_actions_permission
        if permission and "row_actions" in columns and not request.user.has_perm(permission):
            columns.remove("row_actions")
        return columns

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        context: dict[str, Any] = {
            "legend_sections": display.legend(self.legend),
            "list_title": self.list_title,
        }
        if self.list_title:
            context["title"] = self.list_title
        context.update(self.list_context(request))
        if self.export_name:
            context["export_url"] = reverse(self.url_name("export"))
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def list_context(self, request: HttpRequest) -> dict[str, Any]:
        """What a list's template needs beyond Django's changelist."""
        return {}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        counts = {name: count_of(rows, link) for name, (rows, link) in self.list_counts.items()}
        # A time stored out of Python's range shows empty rather than failing the page.
        return with_readable_times(super().get_queryset(request).annotate(**counts))

    # Bulk actions name the permission they need: admin.action(permissions=["verify"])
    # asks has_verify_permission().
    def has_verify_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("claims.verify_attribution")

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("claims.assign_claim")

    def get_paginator(
        self,
        request: HttpRequest,
        queryset: Any,
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
    ) -> EstimatedCountPaginator:
        paginator = EstimatedCountPaginator(queryset, per_page, orphans, allow_empty_first_page)
        if request.GET.get("q"):
            # A search is for finding: its count stops at 1,000 ("more than 1,000"). At a
            # million claims a word in 2 % of them costs 94 ms to count to 10,000, 10 to 1,000.
            paginator.cap = SEARCH_COUNT_CAP
        return paginator

    # --- Pages ---------------------------------------------------------------------------
    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        if from_field is None:
            inputs.object_pk(self.model, object_id)  # a 404 that says why, for "abc" or "²"
        return super().get_object(request, object_id, from_field)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        try:
            # Its own savepoint: a refusal undoes every write of this save, not just the
            # service call that refused.
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changeform_view(request, object_id, form_url, extra_context)
        except refusals.Refusal as refusal:
            # The same POST again, with forms that carry the refusal: they do not
            # validate, so nothing is saved and the form is shown with the reason.
            with refusals.showing(refusal):
                context = {**(extra_context or {}), "refusal": refusal}
                return super().changeform_view(request, object_id, form_url, context)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        context["list_title"] = self.list_title
        if obj is not None and obj.pk is not None:
            context.update(self.page_context(request, obj))
        context["legend_sections"] = display.legend(context.get("legend", self.legend))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if not self.page_fields:
            return super().get_fieldsets(request, obj)
        fields = list(self.page_fields)
        if obj is not None and self.has_change_permission(request, obj):
            # Why, kept in the history, and what the user loaded (a stale save is refused).
            fields += ["reason", self.form.lock_field]  # type: ignore[attr-defined]
        return [(None, {"fields": fields})]

    def page_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        """What an object's page shows around its form (the saved object, not the input)."""
        return {}

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Nothing is deleted from the desk's record, by anyone, from here.
        return False

    def change_url(self, obj: models.Model) -> str:
        return reverse(self.url_name("change"), args=[obj.pk])

    def url_name(self, view: str) -> str:
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}"

    # --- History: read in words, never reverted ------------------------------------------
    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        """Every change to the object, newest first, as sentences (claims.admin.history)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"There is no {self.opts.verbose_name} #{object_id}.")
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        records = with_readable_times(self.model.history.filter(id=obj.pk)).order_by(  # type: ignore[attr-defined]
            "-history_id"
        )
        page = Paginator(records, self.history_list_per_page).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"History of {self.opts.verbose_name} #{obj.pk}",
            "subtitle": str(obj),
            "opts": self.opts,
            "object": obj,
            "page_obj": page,
            "entries": history.entries(self.model, list(page.object_list)),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied("Old versions are read-only; edit the current one.")
        inputs.object_pk(self.model, object_id)
        inputs.object_pk(self.model.history.model, version_id, noun="version")  # type: ignore[attr-defined]
        return super().history_form_view(request, object_id, version_id, extra_context)

    # --- Saving through the services -----------------------------------------------------
    def copy_saved(self, obj: models.Model, saved: models.Model) -> None:
        """Make the admin's instance the one the service saved (for messages and redirects)."""
        for model_field in obj._meta.concrete_fields:
            if not model_field.generated:
                setattr(obj, model_field.attname, getattr(saved, model_field.attname))
        obj._state.adding = False
        obj._state.db = saved._state.db

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved through the services (``saved_through``), never by the admin itself.

        Adding calls ``creates`` with the form's ``create_fields``; changing ``updates``
        with only what the form changed, refused if what the user loaded is stale: by
        ``version`` for a model that has one, by ``updated_at`` (``loaded_at``) otherwise.
        """
        through = self.saved_through
        assert through is not None, f"{type(self).__name__} says no saved_through"
        data = form.cleaned_data
        if not change:
            wanted = through.create_fields or through.fields
            with refusals.refused_as_form_errors():
                saved = through.creates(
                    by=request.user,
                    reason="Added in the admin",
                    **{name: data[name] for name in wanted if name in data},
                )
            self.copy_saved(obj, saved)
            return
        changes = {name: data[name] for name in form.changed_data if name in through.fields}
        if not changes:
            return
        reason = data.get("reason") or "Edited in the admin"
        if "version" in data:
            changes["version"] = data["version"]
        else:
            self.refuse_if_stamp_stale(form, obj)
        try:
            with refusals.refused_as_form_errors():
                saved = through.updates(
                    **{through.noun: obj}, by=request.user, reason=reason, **changes
                )
        except StaleEdit as exc:
            details = refusals.stale_details(
                form,
                model=type(obj),
                pk=obj.pk,
                lock_filter={"version": exc.expected},
                current=exc.obj,
                new_token=str(exc.current),
            )
            raise refusals.stale_refusal(details, str(obj._meta.verbose_name)) from exc
        self.copy_saved(obj, saved)

    def refuse_if_stamp_stale(self, form: forms.BaseForm, obj: models.Model) -> None:
        """For models without a version: refuse if it was saved since the user loaded it.

        The row is locked first, so a save cannot slip in between the check and ours.
        """
        model = type(obj)
        current = model._default_manager.select_for_update().get(pk=obj.pk)
        loaded_at = form.cleaned_data.get("loaded_at")
        saved_at = current.updated_at  # type: ignore[attr-defined]
        if loaded_at is not None and saved_at != loaded_at:
            details = refusals.stale_details(
                form,
                model=model,
                pk=obj.pk,
                lock_filter={"updated_at": loaded_at},
                current=current,
                new_token=saved_at.isoformat(),
            )
            raise refusals.stale_refusal(details, str(obj._meta.verbose_name))

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Sequence[Any], change: bool
    ) -> None:
        # No many-to-many fields on the desk's models; formsets save through services.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Read-only inlines: nothing to save. Subclasses handle the ones that add rows.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def bulk(
        self, request: HttpRequest, queryset: Any, verb: str, call: Callable[[Any], Any]
    ) -> None:
        """A bulk action: ``call`` on each selected row (at most MAX_BULK), one message."""
        rows = list(queryset.order_by("id")[: MAX_BULK + 1])
        if len(rows) > MAX_BULK:
            messages.error(request, f"Select at most {MAX_BULK} at a time. Nothing was changed.")
            return
        done: list[str] = []
        failed: list[str] = []
        for row in rows:
            try:
                call(row)
            except (ServiceError, ValidationError) as exc:
                failed.append(f"{row}: {refusals.message_for(exc)}")
            else:
                done.append(f"#{row.pk}")
        report(request, done, failed, verb)

    # --- Buttons and the CSV download ----------------------------------------------------
    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        own = [
            path(
                f"<path:object_id>/{route}/",
                wrap(getattr(self, f"{name}_view")),
                name=self.url_name(name).removeprefix("admin:"),
            )
            for route, name in self.buttons
        ]
        if self.export_name:
            own.append(
                path(
                    "export.csv",
                    wrap(self.export_view),
                    name=self.url_name("export").removeprefix("admin:"),
                )
            )
        return [*own, *super().get_urls()]

    def press(
        self,
        request: HttpRequest,
        obj: models.Model,
        form: forms.Form,
        call: Callable[[dict[str, Any]], Any],
        done: Callable[[Any], str],
    ) -> HttpResponse:
        """What every button does once its form is read: one service call, one message,
        back where the user was. A form that does not validate says why; a refusal by
        the service says why; PermissionDenied is not caught (a forged POST: 403)."""
        back = self.change_url(obj)
        if not form.is_valid():
            problems = " ".join(str(m) for errors in form.errors.values() for m in errors)
            messages.error(request, f"{problems} Nothing was changed.")
            return redirect_back(request, back)
        try:
            result = call(form.cleaned_data)
        except (ServiceError, ValidationError) as exc:
            messages.error(request, f"{obj}: {refusals.message_for(exc)}")
        else:
            messages.success(request, done(result))
        return redirect_back(request, back)

    def export_view(self, request: HttpRequest) -> HttpResponseBase:
        """The list as it is filtered, searched and ordered, streamed as CSV."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return inputs.bad_request(request, "These filters are not understood.")
        header, rows = self.export_rows(changelist.queryset)
        response = StreamingHttpResponse(
            csv_lines(header, rows), content_type="text/csv; charset=utf-8"
        )
        filename = f"{self.export_name}-{date.today().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def export_rows(self, queryset: Any) -> tuple[list[str], Iterable[Sequence[Any]]]:
        """(header, rows) of the CSV for this list's queryset; rows may be lazy."""
        raise NotImplementedError
