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
        {
            "name": "Wire X",
            "kind": "news_outlet",
            "reliability": "B",
            "origin": "",
            "aliases-TOTAL_FORMS": 0,
            "aliases-INITIAL_FORMS": 0,
        },  # the aliases inline: none
    )
    assert r.status_code == 302, (r.context["adminform"].form.errors, r.context.get("errors"))
    assert Source.objects.get(name="Wire X").origin == "Wire X"


@pytest.mark.django_db
def test_adding_an_attribution_through_the_admin_parses_its_figure(client, editor):
    from claims import services
    from claims.models import Attribution

    event = services.event_create(by=None, title="Ambush")
    jnim = services.source_create(by=None, name="JNIM", kind="party")
    official = services.source_create(by=None, name="Official", kind="anonymous_official")
    claim = services.claim_create(
        by=None,
        event=event,
        claimant=jnim,
        measure="killed",
        group="Wagner fighters",
        count_text="at least six",
    )
    client.force_login(editor)
    data = {
        "claim": claim.pk,
        "source": official.pk,
        "stance": "corroborates",
        "count_text": "several",
        "quote": "Confirmed",
        "url": "",
        "archive_url": "",
    }
    r = client.post(reverse("admin:claims_attribution_add"), data)
    assert r.status_code == 302, r.context["adminform"].form.errors
    added = Attribution.objects.get(source=official)
    assert (added.count_low, added.count_high, added.stance) == (3, 9, "corroborates")
    assert added.history.first().history_user == editor
