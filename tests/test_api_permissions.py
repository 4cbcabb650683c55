"""Who may do what through the API: every role, every endpoint, every method.

The table says, for each endpoint, which methods it offers, what they answer on
success, and which roles succeed: the same roles as in the admin (claims migration
0002_roles). Everyone else who is logged in gets 403 (and nothing changes); a method
the endpoint does not offer is 405 for every logged-in role; anonymous is always 401.
Each cell sends a valid request with the current If-Match, so that the role is the
only reason for a refusal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from test_api import api_settings, client_for  # noqa: F401  (an autouse fixture)

from claims import services
from claims.api.etags import etag_for
from claims.models import Attribution, Claim, ConflictFlag, Event, Source, Toll

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
E, EF = "editor", "editor factchecker"


@dataclass
class Endpoint:
    name: str
    path: str  # "{id}" is the pk of ``target``, "{event}" the event's
    offers: dict[str, tuple[int, str]]  # method -> (success status, roles that succeed)
    target: str = ""  # which of make_objects() the path names

    def url(self, objects: dict[str, Any]) -> str:
        target = objects[self.target].pk if self.target else None
        return self.path.format(id=target, event=objects["event"].pk)


TABLE = [
    Endpoint("events", "/api/events/", {"GET": (200, EF), "POST": (201, E)}),
    Endpoint(
        "event",
        "/api/events/{id}/",
        {"GET": (200, EF), "PUT": (200, E), "PATCH": (200, E)},
        "event",
    ),
    Endpoint("event recheck", "/api/events/{id}/recheck/", {"POST": (202, E)}, "event"),
    Endpoint("sources", "/api/sources/", {"GET": (200, EF), "POST": (201, EF)}),
    Endpoint(
        "source",
        "/api/sources/{id}/",
        {"GET": (200, EF), "PUT": (200, EF), "PATCH": (200, EF)},
        "source",
    ),
    Endpoint("claims", "/api/claims/", {"GET": (200, EF), "POST": (201, E)}),
    Endpoint(
        "claim",
        "/api/claims/{id}/",
        {"GET": (200, EF), "PUT": (200, E), "PATCH": (200, E)},
        "new",
    ),
    Endpoint("claim start_review", "/api/claims/{id}/transition/", {"POST": (200, E)}, "new"),
    Endpoint("claim give_verdict", "/api/claims/{id}/transition/", {"POST": (200, E)}, "in_review"),
    Endpoint("claim publish", "/api/claims/{id}/transition/", {"POST": (200, E)}, "reviewed"),
    Endpoint("claim reopen", "/api/claims/{id}/transition/", {"POST": (200, E)}, "published"),
    Endpoint("claim assign", "/api/claims/{id}/assign/", {"POST": (200, EF)}, "new"),
    Endpoint("claim credibility", "/api/claims/{id}/credibility/", {"POST": (200, E)}, "new"),
    Endpoint("claim claimreview", "/api/claims/{id}/claimreview/", {"GET": (200, EF)}, "published"),
    Endpoint("attributions", "/api/attributions/", {"GET": (200, EF), "POST": (201, EF)}),
    Endpoint(
        "attribution",
        "/api/attributions/{id}/",
        {"GET": (200, EF), "PUT": (200, EF), "PATCH": (200, EF)},
        "attribution",
    ),
    Endpoint(
        "attribution verify",
        "/api/attributions/{id}/verify/",
        {"POST": (200, EF)},
        "attribution",
    ),
    Endpoint(
        "attribution reject",
        "/api/attributions/{id}/reject/",
        {"POST": (200, EF)},
        "attribution",
    ),
    Endpoint("flags", "/api/flags/", {"GET": (200, EF)}),
    Endpoint("flag", "/api/flags/{id}/", {"GET": (200, EF)}, "flag"),
    Endpoint("flag resolve", "/api/flags/{id}/resolve/", {"POST": (200, E)}, "flag"),
    Endpoint("flag dismiss", "/api/flags/{id}/dismiss/", {"POST": (200, E)}, "flag"),
    Endpoint("tolls", "/api/events/{event}/tolls/", {"GET": (200, EF)}),
    Endpoint("toll", "/api/events/{event}/tolls/{id}/", {"GET": (200, EF)}, "toll"),
    Endpoint("toll confirm", "/api/events/{event}/tolls/{id}/confirm/", {"POST": (200, E)}, "toll"),
    Endpoint(
        "toll override", "/api/events/{event}/tolls/{id}/override/", {"POST": (200, E)}, "toll"
    ),
]
ROLES = ["anonymous", "outsider", "factchecker", "editor"]


def _claim(event: Event, claimant: Source, group: str, steps: list[tuple[str, str]]) -> Claim:
    claim = services.claim_create(
        by=None,
        event=event,
        claimant=claimant,
        measure="killed",
        group=group,
        count_text="at least six",
    )
    for action, verdict in steps:
        claim = services.claim_transition(
            claim=claim, action=action, version=claim.version, by=None, verdict=verdict
        )
    return claim


def make_objects() -> dict[str, Any]:
    event = services.event_create(by=None, title="Ambush")
    jnim = services.source_create(by=None, name="JNIM", kind="party")
    wire = services.source_create(by=None, name="Wire", kind="news_outlet")
    new = _claim(event, jnim, "soldiers", [])
    in_review = _claim(event, jnim, "police", [("start_review", "")])
    reviewed = _claim(event, jnim, "guards", [("start_review", ""), ("give_verdict", "disputed")])
    published = _claim(
        event,
        jnim,
        "drivers",
        [("start_review", ""), ("give_verdict", "false"), ("publish", "")],
    )
    attribution = services.attribution_create(
        by=None, claim=new, source=wire, stance="relays", count_text="six"
    )
    flag = ConflictFlag.objects.create(
        event=event,
        measure="killed",
        group="soldiers",
        explanation="Six against two.",
        fingerprint="x",
    )
    toll = Toll.objects.create(
        event=event,
        measure="killed",
        group="security_forces",
        group_label="soldiers",
        group_class="security_forces",
        low=6,
        best=6,
        high=6,
        basis={"low": [new.pk], "best": [new.pk], "high": [new.pk], "candidates": []},
        method="One origin's current figure.",
    )
    # Writes mark events for a recheck; start clean so that asking for one shows.
    Event.objects.update(needs_recheck_since=None)
    return {
        "event": event,
        "source": wire,
        "jnim": jnim,
        "new": new,
        "in_review": in_review,
        "reviewed": reviewed,
        "published": published,
        "attribution": attribution,
        "flag": flag,
        "toll": toll,
    }


def body(endpoint: str, method: str, objects: dict[str, Any]) -> dict[str, Any]:
    """A valid request body for a success, so that only the role decides."""
    unique = timezone.now().strftime("%H%M%S%f")
    event_body = {"title": f"Event {unique}", "country": "Mali"}
    source_body = {"name": f"Outlet {unique}", "kind": "news_outlet"}
    claim_body = {
        "event": objects["event"].pk,
        "claimant": objects["jnim"].pk,
        "measure": "killed",
        "group": "soldiers",
        "count_text": "nearly 50",
    }
    attribution_body = {
        "source": objects["source"].pk,
        "stance": "corroborates",
        "count_text": "several",
    }
    bodies = {
        ("events", "POST"): event_body,
        ("event", "PUT"): event_body,
        ("event", "PATCH"): {"summary": "Updated"},
        ("sources", "POST"): source_body,
        ("source", "PUT"): source_body,
        ("source", "PATCH"): {"reliability": "B"},
        ("claims", "POST"): claim_body,
        ("claim", "PUT"): claim_body,
        ("claim", "PATCH"): {"count_text": "seven"},
        ("claim start_review", "POST"): {"action": "start_review"},
        ("claim give_verdict", "POST"): {"action": "give_verdict", "verdict": "disputed"},
        ("claim publish", "POST"): {"action": "publish"},
        ("claim reopen", "POST"): {"action": "reopen"},
        ("claim assign", "POST"): {"assignee": "editor"},
        ("claim credibility", "POST"): {"credibility": 2, "reason": "Two officials on record"},
        ("attributions", "POST"): {**attribution_body, "claim": objects["in_review"].pk},
        ("attribution", "PUT"): attribution_body,
        ("attribution", "PATCH"): {"quote": "New quote"},
        ("attribution verify", "POST"): {"note": "Checked the archive"},
        ("attribution reject", "POST"): {"note": "Another attack"},
        ("flag resolve", "POST"): {"reason": "One figure was wrong"},
        ("flag dismiss", "POST"): {"reason": "Different attacks"},
        ("toll confirm", "POST"): {"note": "Checked"},
        ("toll override", "POST"): {"low": 5, "best": 6, "high": 8, "reason": "A later count"},
    }
    return bodies.get((endpoint, method), {})


def expected(endpoint: Endpoint, method: str, role: str) -> int:
    if role == "anonymous":
        return 401
    if method not in endpoint.offers:
        return 405
    status, allowed = endpoint.offers[method]
    return status if role in allowed.split() else 403


@pytest.mark.parametrize("endpoint", TABLE, ids=[e.name for e in TABLE])
def test_role_by_endpoint_by_method(
    endpoint: Endpoint, subtests: Any, editor: Any, factchecker: Any, outsider: Any
) -> None:
    """Every method and role on one endpoint, each cell a subtest, rolled back after it."""
    users = {"anonymous": None, "outsider": outsider, "factchecker": factchecker, "editor": editor}
    clients = {role: client_for(user) for role, user in users.items()}
    objects = make_objects()
    path = endpoint.url(objects)
    for method in METHODS:
        for role in ROLES:
            with subtests.test(msg=f"{method} {path} as {role}"), transaction.atomic():
                check_cell(endpoint, method, role, clients[role], objects, path)
                transaction.set_rollback(True)


def check_cell(
    endpoint: Endpoint, method: str, role: str, client: Any, objects: dict[str, Any], path: str
) -> None:
    target = objects.get(endpoint.target)
    current = etag_for(type(target)._default_manager.get(pk=target.pk)) if target else ""
    snapshot = _snapshot()
    response = client.generic(
        method,
        path,
        data=json.dumps(body(endpoint.name, method, objects)) if method != "GET" else "",
        content_type="application/json",
        HTTP_IF_MATCH=current,
    )
    want = expected(endpoint, method, role)
    assert response.status_code == want, response.content
    assert response["Content-Type"].startswith(("application/json", "application/ld+json"))
    if want >= 400:
        assert _snapshot() == snapshot, "a refused request changed something"
    elif method != "GET":
        assert _snapshot() != snapshot, "a successful write changed nothing"


def _snapshot() -> list[Any]:
    """Every row's last change, to see whether a request wrote anything."""
    rows: list[Any] = []
    for model in (Event, Source, Claim, ConflictFlag, Toll):
        rows += list(model.objects.order_by("pk").values_list("pk", "updated_at"))
    rows += list(Event.objects.order_by("pk").values_list("needs_recheck_since"))
    rows += list(Attribution.objects.order_by("pk").values_list("pk", "version"))
    return rows
