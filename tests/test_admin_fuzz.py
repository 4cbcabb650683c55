"""Bad input anywhere on the desk gets a 4xx, never a server error (issue #15).

Every URL the admin serves is requested with ids of every kind in its id slots ("abc",
"1.5", NUL, "²" — a digit to ``str.isdigit`` but not to ``int`` —, Arabic-Indic and
full-width digits, a number past any column's range), by GET and by POST; every
button is posted with each of its fields set to such values; every list is asked for
with each of its filters, its search, its page and its order set to them. Nothing
may answer 5xx. A few hundred requests more come from Hypothesis, on the search and
on the review button.
"""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims import services
from claims.models import Attribution, Claim, ConflictFlag, Event, Toll

BAD_IDS = ["abc", "1.5", "\x00", "²", "٣", "１", "-1", "0", "99999999999999999999", "1 2", "%"]
BAD_VALUES = ["", "abc", "\x00", "²", "١٢", "-1", "1.5", "99999999999999999999", "x" * 600]
LIST_PARAMS = [
    "q", "p", "o", "e", "all", "_to_field", "status__exact", "measure__exact",
    "group_class__exact", "event__id__exact", "event_q", "assigned", "kind", "corroboration",
    "verification", "stance__exact", "source__reliability__exact", "claimant__id__exact",
    "source__id__exact", "country", "date_precision__exact",
]  # fmt: skip
BUTTON_FIELDS = {
    "review": ["action", "version", "verdict", "override_reason", "note", "next"],
    "assign": ["assignee", "version", "next"],
    "credibility": ["credibility", "reason", "version"],
    "verify": ["version", "note"],
    "reject": ["version", "note"],
    "close": ["decision", "reason", "next"],
    "recheck": ["next"],
    "toll": ["decision", "low", "best", "high", "reason"],
}


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def desk(db: None, editor: User, monkeypatch: pytest.MonkeyPatch) -> Client:
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo", stdout=StringIO())
    for event_id in Event.objects.values_list("pk", flat=True):
        services.recheck_event(event_id=event_id)
    # A superuser sees every page of every table, the desk's and Django's own.
    boss = User.objects.create_superuser("boss", "boss@example.org", "pw-boss")
    client = Client(raise_request_exception=False)
    client.force_login(boss)
    return client


def admin_routes() -> list[str]:
    """Every admin URL, with "{id}" where an object id goes (and real ids elsewhere)."""
    routes = []
    for model, model_admin in admin.site._registry.items():
        prefix = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for pattern in model_admin.get_urls():
            route = route_of(pattern)
            if route is not None:
                routes.append(prefix + route)
    return sorted(set(routes))


def route_of(pattern: URLPattern | URLResolver) -> str | None:
    text = str(pattern.pattern)
    if text.startswith("^"):  # a regex (django-simple-history's old versions)
        return re.sub(r"\(\[\^/\]\+\)", "{id}", text.strip("^$"))
    if "<" not in text:
        return text
    text = text.replace("<int:toll_id>", "1")
    return re.sub(r"<(path:)?object_id>", "{id}", text)


def fail_on_5xx(response: Any, what: str, failures: list[str]) -> None:
    if response.status_code >= 500:
        failures.append(f"{response.status_code} {what}")


def test_every_admin_url_answers_bad_ids_without_a_server_error(desk: Client) -> None:
    failures: list[str] = []
    routes = [r for r in admin_routes() if "{id}" in r]
    assert any("/history/" in r for r in routes) and any("/review/" in r for r in routes)
    for route in routes:
        for bad in BAD_IDS:
            url = route.replace("{id}", bad.replace("%", "%25"))
            fail_on_5xx(desk.get(url), f"GET {url!r}", failures)
            fail_on_5xx(desk.post(url, {"version": "1"}), f"POST {url!r}", failures)
    assert failures == []


def test_a_bad_id_is_a_404_that_says_why(desk: Client) -> None:
    for bad in ("abc", "²", "1.5"):
        response = desk.get(f"/admin/claims/claim/{bad}/history/")
        assert response.status_code == 404
        assert "is not a claim id" in response.content.decode()


def button_urls() -> dict[str, str]:
    claim = Claim.objects.order_by("id").first()
    attribution = Attribution.objects.order_by("id").first()
    flag = ConflictFlag.objects.order_by("id").first()
    toll = Toll.objects.order_by("id").first()
    assert claim and attribution and flag and toll
    return {
        "review": reverse("admin:claims_claim_review", args=[claim.pk]),
        "assign": reverse("admin:claims_claim_assign", args=[claim.pk]),
        "credibility": reverse("admin:claims_claim_credibility", args=[claim.pk]),
        "verify": reverse("admin:claims_attribution_verify", args=[attribution.pk]),
        "reject": reverse("admin:claims_attribution_reject", args=[attribution.pk]),
        "close": reverse("admin:claims_conflictflag_close", args=[flag.pk]),
        "recheck": reverse("admin:claims_event_recheck", args=[toll.event_id]),
        "toll": reverse("admin:claims_event_toll", args=[toll.event_id, toll.pk]),
    }


def test_every_button_answers_bad_values_without_a_server_error(desk: Client) -> None:
    failures: list[str] = []
    urls = button_urls()
    for name, fields in BUTTON_FIELDS.items():
        for field in fields:
            for bad in BAD_VALUES:
                data = {"version": "1", "action": "start_review", "decision": "resolve"}
                data[field] = bad
                response = desk.post(urls[name], data)
                fail_on_5xx(response, f"{name} {field}={bad!r}", failures)
    assert failures == []


def test_every_list_answers_bad_filters_without_a_server_error(desk: Client) -> None:
    failures: list[str] = []
    lists = [r for r in admin_routes() if r.endswith("/") and r.count("/") == 4]
    lists += ["/admin/", "/admin/claims/"]
    exports = [r for r in admin_routes() if r.endswith("export.csv")]
    for url in lists + exports:
        for param in LIST_PARAMS:
            for bad in BAD_VALUES:
                response = desk.get(url, {param: bad})
                fail_on_5xx(response, f"GET {url}?{param}={bad!r}", failures)
    for param in ("term", "app_label", "model_name", "field_name"):
        for bad in BAD_VALUES:
            query = {"term": "a", "app_label": "claims", "model_name": "claim",
                     "field_name": "event", param: bad}  # fmt: skip
            fail_on_5xx(desk.get("/admin/autocomplete/", query), f"autocomplete {param}", failures)
    assert failures == []


def test_a_nul_anywhere_is_a_400_that_says_so(desk: Client) -> None:
    response = desk.get(reverse("admin:claims_claim_changelist"), {"q": "wagner\x00"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    claim = Claim.objects.order_by("id").first()
    assert claim is not None
    # In a posted form, the form says so and nothing changes.
    response = desk.post(
        reverse("admin:claims_claim_review", args=[claim.pk]),
        {"action": "start_review", "version": str(claim.version), "note": "a\x00b"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == "new"


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(term=st.text(max_size=40), version=st.text(max_size=12))
def test_generated_searches_and_versions_never_fail(desk: Client, term: str, version: str) -> None:
    queue = desk.get(reverse("admin:claims_claim_changelist"), {"q": term})
    assert queue.status_code < 500, term
    claim = Claim.objects.order_by("id").first()
    assert claim is not None
    button = desk.post(
        reverse("admin:claims_claim_assign", args=[claim.pk]),
        {"assignee": "me", "version": version},
    )
    assert button.status_code < 500, version
