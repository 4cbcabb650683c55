"""Load the demo: three incidents with the claims made about them, and demo users.

Idempotent: run it again and nothing is duplicated. Facts from the article in
shared/data/articles, the events in shared/data/events.dev.jsonl and the cases of
shared/ANALYSIS.md, in our own words. Between them they show each rule the desk
relies on: a figure corroborated by an independent source, a relay that is not
corroboration, a revision that is not a conflict, conflicting tolls with their
dates, a part that exceeds its whole, and a denial of responsibility.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from claims import services
from claims.models import Attribution, Claim, Event, Source

SOURCES: list[dict[str, str]] = [
    {"name": "JNIM", "kind": "party", "origin": "JNIM", "reliability": "E"},
    {
        "name": "az-Zallaqa (JNIM media channel)",
        "kind": "party",
        "origin": "JNIM",
        "reliability": "E",
    },
    {
        "name": "Local security official (anonymous)",
        "kind": "anonymous_official",
        "origin": "Malian security services",
        "reliability": "C",
    },
    {
        "name": "Associated Press",
        "kind": "news_outlet",
        "origin": "Associated Press",
        "reliability": "B",
    },
    {"name": "CSP-DPA", "kind": "party", "origin": "CSP-DPA", "reliability": "E"},
    {
        "name": "Malian armed forces (FAMa)",
        "kind": "military",
        "origin": "Malian state",
        "reliability": "D",
    },
    {
        "name": "Government of Cameroon",
        "kind": "government",
        "origin": "Government of Cameroon",
        "reliability": "C",
    },
    {
        "name": "Human Rights Watch",
        "kind": "ngo",
        "origin": "Human Rights Watch",
        "reliability": "B",
    },
    {
        "name": "UN human rights office",
        "kind": "international_organisation",
        "origin": "United Nations",
        "reliability": "A",
    },
]

EVENTS: list[dict[str, Any]] = [
    {
        "title": "Ambush on a Wagner convoy, Mopti region",
        "date": date(2024, 11, 21),
        "place": "central Mali",
        "region": "Mopti",
        "country": "Mali",
        "summary": "JNIM says it ambushed Wagner mercenaries travelling in a convoy; a local "
        "security official confirms an attack on Russian forces that day, at a checkpoint.",
    },
    {
        "title": "Battle of Tinzaouaten",
        "date": date(2024, 7, 25),
        "date_end": date(2024, 7, 27),
        "place": "Tinzaouaten, near the Algerian border",
        "region": "Kidal",
        "country": "Mali",
        "summary": "Days of fighting between Malian troops with Wagner and Tuareg separatists, "
        "with a JNIM ambush nearby. The sides give very different tolls.",
    },
    {
        "title": "Killings in Ngarbuh",
        "date": date(2020, 2, 14),
        "place": "Ngarbuh, Ntumbaw",
        "region": "North-West",
        "country": "Cameroon",
        "summary": "Civilians killed in a village in the North-West region. The government "
        "first spoke of an accident during a firefight; a rights group found more dead; the "
        "government later gave a count of its own.",
    },
]


def at(day: int, month: int, year: int = 2024, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


# (event, claimant, measure, group, count as written, text, made at, attributions)
CLAIMS: list[dict[str, Any]] = [
    {
        "event": "Ambush on a Wagner convoy, Mopti region",
        "claimant": "JNIM",
        "measure": "killed",
        "group": "Wagner fighters",
        "count_text": "at least six",
        "text": "JNIM says its fighters killed at least six Russian Wagner mercenaries in an "
        "ambush on their convoy on Thursday.",
        "made_at": at(21, 11),
        "attributions": [
            {
                "source": "az-Zallaqa (JNIM media channel)",
                "stance": "asserts",
                "count_text": "at least six",
                "quote": "Statement on the group's channel.",
            },
            {
                "source": "Local security official (anonymous)",
                "stance": "corroborates",
                "count_text": "several",
                "quote": "Confirms an attack on Russian forces that day and several personnel "
                "dead, at a checkpoint rather than on a convoy.",
                "published_at": at(21, 11, hour=15),
                # Independent of JNIM, and "several" fits "at least six": the figure is
                # corroborated (the wire's relay below never is).
                "verified": "Reached by the wire service's correspondent; quote checked.",
            },
            {
                "source": "Associated Press",
                "stance": "relays",
                "count_text": "at least six",
                "quote": "Reports JNIM's statement and the official's account.",
            },
        ],
    },
    {
        "event": "Battle of Tinzaouaten",
        "claimant": "CSP-DPA",
        "measure": "killed",
        "group": "Wagner fighters",
        "count_text": "84",
        "text": "The Tuareg separatist coalition says it killed 84 Wagner fighters.",
        "made_at": at(1, 8),
    },
    {
        "event": "Battle of Tinzaouaten",
        "claimant": "JNIM",
        "measure": "killed",
        "group": "Wagner fighters",
        "count_text": "50",
        "text": "JNIM says it killed 50 Wagner fighters in its own ambush near the town.",
        "made_at": at(29, 7),
    },
    {
        "event": "Battle of Tinzaouaten",
        "claimant": "Associated Press",
        "measure": "killed",
        "group": "Wagner fighters",
        "count_text": "nearly 50",
        "text": "The wire service later put the Wagner dead near the Algerian border at nearly 50.",
        "made_at": at(21, 11),
    },
    {
        "event": "Battle of Tinzaouaten",
        "claimant": "Malian armed forces (FAMa)",
        "measure": "killed",
        "group": "Malian soldiers",
        "count_text": "two",
        "text": "The army's provisional toll: two soldiers killed.",
        "made_at": at(27, 7),
    },
    {
        "event": "Battle of Tinzaouaten",
        "claimant": "CSP-DPA",
        "measure": "killed",
        "group": "Malian soldiers",
        "count_text": "at least 47",
        "text": "The separatists say they killed at least 47 Malian soldiers.",
        "made_at": at(1, 8),
    },
    {
        "event": "Battle of Tinzaouaten",
        "claimant": "CSP-DPA",
        "measure": "killed",
        "group": "CSP-DPA fighters",
        "count_text": "seven",
        "text": "First announcement of the coalition's own dead.",
        "made_at": at(28, 7),
        "attributions": [
            # A later figure from the same origin revises the first: not a conflict.
            {
                "source": "CSP-DPA",
                "stance": "asserts",
                "count_text": "nine",
                "published_at": at(1, 8),
                "quote": "A later statement raises its own toll.",
            },
        ],
    },
    {
        "event": "Killings in Ngarbuh",
        "claimant": "Government of Cameroon",
        "measure": "killed",
        "group": "civilians",
        "count_text": "five",
        "text": "The government says five civilians died when fuel caught fire during a "
        "firefight with separatists.",
        "made_at": at(17, 2, 2020),
    },
    {
        "event": "Killings in Ngarbuh",
        "claimant": "Human Rights Watch",
        "measure": "killed",
        "group": "civilians",
        "count_text": "at least 21",
        "text": "The rights group says soldiers and an armed group killed at least 21 "
        "civilians, among them children.",
        "made_at": at(25, 2, 2020),
        "attributions": [
            {
                "source": "Human Rights Watch",
                "stance": "asserts",
                "published_at": at(25, 2, 2020),
                "quote": "The group's report, with witness accounts.",
                "verified": "Report on the group's site; archived copy checked.",
            },
            {
                "source": "Government of Cameroon",
                "stance": "contradicts",
                "disputes": "perpetrator",
                "published_at": at(17, 2, 2020),
                "quote": "Denies that soldiers killed anyone deliberately.",
                "verified": "Statement read on state radio.",
            },
            {
                "source": "UN human rights office",
                "stance": "corroborates",
                "published_at": at(18, 2, 2020),
                "quote": "Says civilians, among them children, were killed in the village.",
                "verified": "Press briefing transcript.",
            },
        ],
    },
    {
        "event": "Killings in Ngarbuh",
        "claimant": "Government of Cameroon",
        "measure": "killed",
        "group": "people",
        "count_text": "13",
        "text": "After an inquiry the government puts the dead at 13 in all.",
        "made_at": at(21, 4, 2020),
    },
]

DEMO_USERS = [
    ("editor", "Editors", False),
    ("factchecker", "Fact-checkers", False),
    ("admin", None, True),
]


class Command(BaseCommand):
    help = "Load the demo incidents, their claims and sources, and the demo users (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            sources = {s["name"]: self.source(s) for s in SOURCES}
            events = {e["title"]: self.event(e) for e in EVENTS}
            created = sum(self.claim(c, events, sources) for c in CLAIMS)
        self.stdout.write(
            f"Demo data: {len(events)} events, {len(sources)} sources, {created} new claims."
        )
        self.users()

    def source(self, spec: dict[str, str]) -> Source:
        existing = Source.objects.filter(name=spec["name"]).first()
        return existing or services.source_create(by=None, reason="Demo data", **spec)

    def event(self, spec: dict[str, Any]) -> Event:
        existing = Event.objects.filter(title=spec["title"]).first()
        return existing or services.event_create(by=None, reason="Demo data", **spec)

    def claim(
        self, spec: dict[str, Any], events: dict[str, Event], sources: dict[str, Source]
    ) -> int:
        event, claimant = events[spec["event"]], sources[spec["claimant"]]
        if Claim.objects.filter(
            event=event, claimant=claimant, measure=spec["measure"], group=spec["group"]
        ).exists():
            return 0
        claim = services.claim_create(
            by=None,
            event=event,
            claimant=claimant,
            measure=spec["measure"],
            group=spec["group"],
            count_text=spec["count_text"],
            text=spec["text"],
            made_at=spec["made_at"],
            reason="Demo data",
        )
        for a in spec.get("attributions", []):
            source = sources[a["source"]]
            if source == claimant:
                # The claimant's own statement: its figure, if any, goes on its attribution.
                attribution = Attribution.objects.get(claim=claim, source=source)
                attribution = services.attribution_update(
                    attribution=attribution,
                    version=attribution.version,
                    by=None,
                    reason="Demo data",
                    count_text=a.get("count_text", ""),
                    published_at=a.get("published_at"),
                    quote=a.get("quote", ""),
                )
            else:
                attribution = services.attribution_create(
                    by=None,
                    claim=claim,
                    source=source,
                    stance=a["stance"],
                    disputes=a.get("disputes", ""),
                    count_text=a.get("count_text", ""),
                    quote=a.get("quote", ""),
                    published_at=a.get("published_at"),
                    reason="Demo data",
                )
            if a.get("verified"):
                services.attribution_verify(attribution=attribution, by=None, note=a["verified"])
        return 1

    def users(self) -> None:
        import os

        user_model = get_user_model()
        given = os.environ.get("DEMO_PASSWORD", "")
        for username, group_name, superuser in DEMO_USERS:
            user = user_model.objects.filter(username=username).first()
            if user is not None and not given:
                self.stdout.write(f"  {username}: exists (password unchanged)")
                continue
            password = given or secrets.token_urlsafe(9)
            if user is None:
                user = user_model(username=username, email=f"{username}@example.org")
            user.is_staff = True
            user.is_superuser = superuser
            user.set_password(password)
            user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            self.stdout.write(f"  {username}: password {password}")
