"""Database constraints and roles: what the database itself refuses, on every backend."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from claims import choices, corroboration, counts, groups, validation, workflow
from claims.models import Attribution, Claim, ConflictFlag, Event, Source


@pytest.fixture
def event(db: None) -> Event:
    return Event.objects.create(title="Ambush")


@pytest.fixture
def source(db: None) -> Source:
    return Source.objects.create(name="JNIM", kind="party", origin="JNIM")


def claim_row(event: Event, source: Source, low: int, high: int | None) -> Claim:
    return Claim(
        event=event,
        claimant=source,
        measure="killed",
        group="Wagner fighters",
        count_text="x",
        count_low=low,
        count_high=high,
        count_qualifier="exact",
    )


def test_claim_count_low_above_high_is_refused_by_the_database(event, source) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        claim_row(event, source, 9, 3).save()
    claim_row(event, source, 3, 9).save()
    claim_row(event, source, 6, None).save()
    assert Claim.objects.count() == 2


def test_attribution_count_low_above_high_is_refused(event, source) -> None:
    claim = claim_row(event, source, 6, None)
    claim.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attribution.objects.create(
            claim=claim, source=source, stance="asserts", count_low=50, count_high=45
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Attribution.objects.create(claim=claim, source=source, stance="asserts", count_high=5)


def test_negative_counts_are_refused(event, source) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        claim_row(event, source, -1, 3).save()


def test_one_source_attributed_once_per_claim(event, source) -> None:
    claim = claim_row(event, source, 6, None)
    claim.save()
    Attribution.objects.create(claim=claim, source=source, stance="asserts")
    with pytest.raises(IntegrityError), transaction.atomic():
        Attribution.objects.create(claim=claim, source=source, stance="relays")


def test_one_open_flag_per_event_measure_and_group(event) -> None:
    def flag(status: str = "open", group: str = "wagner fighters") -> ConflictFlag:
        return ConflictFlag.objects.create(
            event=event,
            measure="killed",
            group=group,
            status=status,
            explanation="e",
            fingerprint="f",
        )

    flag()
    with pytest.raises(IntegrityError), transaction.atomic():
        flag()
    # Closed flags and other groups do not count against the rule.
    flag(status="resolved")
    flag(status="dismissed")
    flag(group="malian soldiers")
    assert ConflictFlag.objects.filter(status="open").count() == 2


def test_a_reviewed_claim_must_carry_a_verdict(event, source) -> None:
    claim = claim_row(event, source, 6, None)
    claim.status = "reviewed"
    with pytest.raises(IntegrityError), transaction.atomic():
        claim.save()


def test_roles_exist_with_the_right_permissions(db: None) -> None:
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    checkers = set(
        Group.objects.get(name="Fact-checkers").permissions.values_list("codename", flat=True)
    )
    assert {"give_verdict", "publish_claim", "resolve_flag", "change_claim"} <= editors
    assert {"verify_attribution", "change_source", "view_claim"} <= checkers
    assert not {"give_verdict", "publish_claim", "resolve_flag", "change_claim"} & checkers
    # Nobody in a role deletes: the record is kept whole.
    assert not any(c.startswith("delete_") for c in editors | checkers)


def test_history_records_who_and_why(event) -> None:
    event.summary = "Updated"
    event._change_reason = "Added a summary"
    event.save()
    latest = event.history.first()
    assert latest.history_change_reason == "Added a summary"
    assert event.history.count() == 2


def test_roles_come_back_after_the_database_is_emptied(transactional_db: None) -> None:
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) == {"Editors", "Fact-checkers"}
    assert Group.objects.get(name="Editors").permissions.filter(codename="publish_claim").exists()


@pytest.mark.parametrize(
    ("choices", "rule"),
    [
        (choices.Measure, counts.Measure),
        (choices.Qualifier, counts.Qualifier),
        (choices.GroupClass, groups.GroupClass),
        (choices.Corroboration, corroboration.Corroboration),
        (choices.Credibility, corroboration.Credibility),
    ],
)
def test_each_choice_lists_exactly_its_rules_values(choices: Any, rule: Any) -> None:
    """The rules own the values; the database and the forms must not drift from them."""
    assert [(c.name, c.value) for c in choices] == [(r.name, r.value) for r in rule]


def test_review_choices_list_exactly_the_workflows_values() -> None:
    """As above for the review workflow; a claim without a verdict has the empty one."""
    assert [(c.name, c.value) for c in Claim.Status] == [(r.name, r.value) for r in workflow.Status]
    given = [(c.name, c.value) for c in Claim.Verdict if c != Claim.Verdict.NONE]
    assert given == [(r.name, r.value) for r in workflow.Verdict]


def test_single_line_sizes_are_the_columns_sizes() -> None:
    """claims.validation (pure) repeats each column's size so that every interface
    refuses an overlong name with the same words; it must not drift from the models."""
    for model in apps.get_app_config("claims").get_models():
        for field in model._meta.concrete_fields:
            if field.name in validation.SINGLE_LINE and field.max_length:
                assert validation.SINGLE_LINE[field.name] == field.max_length, (model, field)
