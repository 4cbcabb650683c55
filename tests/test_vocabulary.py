"""Editors extend the group vocabulary in the admin; classes follow on the next recheck."""

from typing import Any

from django.test import Client
from django.urls import reverse

from claims import services
from claims.models import Claim, Event, GroupTerm


def test_an_editor_teaches_a_word_and_its_claims_take_the_class(
    editor: Any, factchecker: Any
) -> None:
    event = services.event_create(by=None, title="Raid on a post")
    army = services.source_create(by=None, name="Army", kind="military")
    claim = services.claim_create(
        by=None, event=event, claimant=army, measure="killed", group="Askaris", count_text="4"
    )
    services.recheck_event(event_id=event.pk, force=True)
    assert Claim.objects.get(pk=claim.pk).group_class == "other"

    checker, desk = Client(), Client()
    checker.force_login(factchecker)
    desk.force_login(editor)
    add = reverse("admin:claims_groupterm_add")
    assert checker.get(reverse("admin:claims_groupterm_changelist")).status_code == 200
    assert (
        checker.post(add, {"term": "askaris", "group_class": "security_forces"}).status_code == 403
    )
    response = desk.post(add, {"term": "  Askaris ", "group_class": "security_forces"})
    assert response.status_code == 302
    word = GroupTerm.objects.get(term="askaris")
    assert word.history.get().history_user == editor
    assert Event.objects.get(pk=event.pk).needs_recheck_since is not None
    services.recheck_event(event_id=event.pk)
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.group, stored.group_class, stored.group_key) == (
        "Askaris",
        "security_forces",
        "security_forces",
    )
    refused = desk.post(add, {"term": "people", "group_class": "civilians"})
    assert refused.status_code == 200 and "already exists" in refused.content.decode()
