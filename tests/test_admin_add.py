"""Adding events and sources from the admin goes through the services."""

import pytest
from django.urls import reverse

from claims.models import Event, Source


@pytest.mark.django_db
def test_editors_add_events_and_sources_through_the_admin(client, editor):
    client.force_login(editor)
    r = client.post(
        reverse("admin:claims_event_add"), {"title": "New ambush", "date_precision": "day"}
    )
    assert r.status_code == 302, r.content[:3000]
    assert (
        Event.objects.get(title="New ambush").history.first().history_change_reason
        == "Added in the admin"
    )
    r = client.post(
        reverse("admin:claims_source_add"),
        {"name": "Wire X", "kind": "news_outlet", "reliability": "B", "origin": ""},
    )
    assert r.status_code == 302, (r.context["adminform"].form.errors, r.context.get("errors"))
    assert Source.objects.get(name="Wire X").origin == "Wire X"
