"""schemathesis against /api/schema/, as an editor and as a fact-checker.

Every operation in the schema gets generated requests, valid and invalid; the app
must answer each without a server error, with a status, content type, headers and
body that the schema declares. (Not checked: that every schema-violating input is
refused. DRF and django-filter accept some on purpose: 0 for a text field is "0",
an empty filter is no filter.) Half the
requests to an object's URL are pointed at an object that exists, with its current
ETag in If-Match, so that edits and review steps get past 404 and 412 into the
services. Deterministic (the same examples every run) so that CI is repeatable;
run with SCHEMATHESIS_EXAMPLES=200 locally to fuzz harder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from test_api import api_settings, client_for, make_world  # noqa: F401  (autouse fixture)

from claims import services
from claims.api.etags import etag_for
from claims.models import Attribution, Claim, ConflictFlag, Event, Source, Toll

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MODELS = {
    "events": Event,
    "sources": Source,
    "claims": Claim,
    "attributions": Attribution,
    "flags": ConflictFlag,
}


# The schema as the app serves it (no database needed to serve it).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True)


@pytest.fixture(autouse=True)
def same_connection(db: None) -> Iterator[None]:
    """Keep the app on the test's database connection and transaction.

    Django closes the connection at the end of each request; the test client turns
    that off, and so must we, or the test's transaction goes with it.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def token_with_data(user: Any) -> str:
    """An API token for ``user``, and data to work on: the test world, a claim published."""
    world = make_world()
    claim = world.claim
    for action in ("start_review", "give_verdict", "publish"):
        claim = services.claim_transition(
            claim=claim,
            action=action,
            version=claim.version,
            by=None,
            verdict="disputed",
            override_reason="Both figures reported",
        )
    client = client_for(user)
    return client._credentials["HTTP_AUTHORIZATION"]


REFERENCES = {"event": Event, "claimant": Source, "source": Source, "claim": Claim}


def existing(model: Any, number: int) -> Any:
    pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
    return model.objects.get(pk=pks[number % len(pks)]) if pks else None


def aim_at_existing_objects(case: Any) -> None:
    """Point most generated ids at objects that exist, with their current ETag.

    Random ids would almost all be 404s (and random references 400s), and the
    services behind them would go untested. One id in four stays as generated. A
    toll's URL names its event too: both are made to agree.
    """
    parameters = case.path_parameters or {}
    identifier = parameters.get("id", parameters.get("event_pk"))
    if isinstance(identifier, int) and identifier % 4 != 3:
        model = Toll if "/tolls/" in case.path else MODELS[case.path.split("/")[2]]
        obj = existing(model, identifier)
        if obj is not None:
            if "event_pk" in parameters:
                parameters["event_pk"] = obj.event_id
            if "id" in parameters:
                parameters["id"] = obj.pk
            if case.headers and "If-Match" in case.headers:
                case.headers["If-Match"] = etag_for(obj)
    if isinstance(case.body, dict):
        for name, model in REFERENCES.items():
            value = case.body.get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                obj = existing(model, value)
                if obj is not None:
                    case.body[name] = obj.pk


@pytest.fixture
def editor_token(editor: Any) -> str:
    return token_with_data(editor)


@pytest.fixture
def factchecker_token(factchecker: Any) -> str:
    return token_with_data(factchecker)


# The data is shared by the examples of one operation on purpose: they act on it in turn.
SHARED_FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@schema.parametrize()
@SHARED_FIXTURES
def test_every_operation_as_an_editor(case: Any, editor_token: str) -> None:
    aim_at_existing_objects(case)
    case.call_and_validate(headers={"Authorization": editor_token}, checks=CHECKS)


@schema.parametrize()
@SHARED_FIXTURES
def test_every_operation_as_a_fact_checker(case: Any, factchecker_token: str) -> None:
    aim_at_existing_objects(case)
    case.call_and_validate(headers={"Authorization": factchecker_token}, checks=CHECKS)
