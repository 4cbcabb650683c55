"""The domain model: events, sources, claims, attributions and conflict flags.

Words as in DESIGN.md. Fields, choices, constraints and small querysets live here;
every write goes through ``claims.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class Measure(models.TextChoices):
    KILLED = "killed", "killed"
    INJURED = "injured", "injured"
    KILLED_OR_INJURED = "killed_or_injured", "killed or injured"
    MISSING = "missing", "missing"
    ABDUCTED = "abducted", "abducted"
    CAPTURED = "captured", "captured"
    OTHER = "other", "other"


class Qualifier(models.TextChoices):
    EXACT = "exact", "exactly"
    AT_LEAST = "at_least", "at least"
    AT_MOST = "at_most", "at most"
    APPROX = "approx", "approximately"
    RANGE = "range", "range"
    VAGUE = "vague", "vague amount"


def count_interval_constraints(prefix: str) -> list[models.CheckConstraint]:
    """low <= high (an open high is NULL), and no high without a low."""
    return [
        models.CheckConstraint(
            condition=Q(count_high__isnull=True) | Q(count_low__lte=F("count_high")),
            name=f"{prefix}_count_low_lte_high",
            violation_error_message="The lowest figure must not be above the highest.",
        ),
        models.CheckConstraint(
            condition=Q(count_high__isnull=True) | Q(count_low__isnull=False),
            name=f"{prefix}_count_high_needs_low",
        ),
    ]


class Event(models.Model):
    class DatePrecision(models.TextChoices):
        DAY = "day", "day"
        WEEK = "week", "week"
        MONTH = "month", "month"
        YEAR = "year", "year"
        UNKNOWN = "unknown", "unknown"

    title = models.CharField(max_length=300, unique=True)
    date = models.DateField(null=True, blank=True)
    date_end = models.DateField(
        null=True, blank=True, help_text="Last day, when the incident spans several days."
    )
    date_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    place = models.CharField(max_length=300, blank=True)
    region = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True)
    # Set in the same transaction as any change that can alter the event's conflicts;
    # cleared by the recheck that saw that change. The sweep requeues what stays set.
    needs_recheck_since = models.DateTimeField(null=True, blank=True, db_index=True)
    # The latest such change: while changes keep coming, the recheck waits for a lull
    # so that one recheck sees a whole burst (see services.recheck.seconds_until_due).
    last_change_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "title"]
        permissions = [("recheck_event", "Can ask for an event's conflicts to be rechecked")]
        indexes = [models.Index(fields=["-date", "title"], name="event_date_title")]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_end__isnull=True) | Q(date__lte=F("date_end")),
                name="event_date_before_end",
                violation_error_message="The incident cannot end before it starts.",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Source(models.Model):
    class Kind(models.TextChoices):
        PARTY = "party", "party to the conflict"
        GOVERNMENT = "government", "government"
        MILITARY = "military", "military"
        OFFICIAL = "official", "official"
        ANONYMOUS_OFFICIAL = "anonymous_official", "anonymous official"
        NEWS_OUTLET = "news_outlet", "news outlet"
        NGO = "ngo", "NGO"
        INTERNATIONAL_ORGANISATION = "international_organisation", "international organisation"
        EYEWITNESS = "eyewitness", "eyewitness"
        SOCIAL_MEDIA = "social_media", "social media"

    class Reliability(models.TextChoices):
        # The Admiralty (NATO) scale for source reliability.
        A = "A", "A: completely reliable"
        B = "B", "B: usually reliable"
        C = "C", "C: fairly reliable"
        D = "D", "D: not usually reliable"
        E = "E", "E: unreliable"
        F = "F", "F: reliability cannot be judged"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    origin = models.CharField(
        max_length=200,
        help_text=(
            "The origin group: sources that speak for the same party share one "
            "(JNIM and its media channel are one origin). Defaults to the name."
        ),
    )
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default=Reliability.F)
    url = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["origin"], name="source_origin")]

    def __str__(self) -> str:
        return self.name


class Claim(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "new"
        IN_REVIEW = "in_review", "in review"
        REVIEWED = "reviewed", "verdict given"
        PUBLISHED = "published", "published"

    class Verdict(models.TextChoices):
        NONE = "", "no verdict"
        CONFIRMED = "confirmed", "confirmed"
        DISPUTED = "disputed", "disputed"
        FALSE = "false", "false"
        UNVERIFIABLE = "unverifiable", "unverifiable"

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="claims")
    claimant = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="claims")
    text = models.TextField(blank=True, help_text="The statement, as the claimant made it.")
    measure = models.CharField(max_length=20, choices=Measure.choices)
    group = models.CharField(max_length=200, help_text='Who was counted: "Wagner mercenaries".')
    count_text = models.CharField(max_length=200, help_text='As written: "at least six".')
    count_low = models.PositiveIntegerField()
    count_high = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: no upper bound."
    )
    count_qualifier = models.CharField(max_length=10, choices=Qualifier.choices)
    made_at = models.DateTimeField(null=True, blank=True, help_text="When the claim was made.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    verdict = models.CharField(max_length=15, choices=Verdict.choices, default="", blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_claims",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: every write states the version it read; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [
            ("give_verdict", "Can give a verdict on a claim"),
            ("publish_claim", "Can publish a claim"),
            ("assign_claim", "Can assign a claim"),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="claim_queue"),
            models.Index(fields=["event", "measure", "group"], name="claim_event_measure_group"),
            models.Index(fields=["assignee", "status"], name="claim_assignee_status"),
            models.Index(fields=["updated_at"], name="claim_updated"),
        ]
        constraints = [
            *count_interval_constraints("claim"),
            models.CheckConstraint(
                condition=~Q(status="reviewed") | ~Q(verdict=""),
                name="claim_reviewed_has_verdict",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | ~Q(verdict=""),
                name="claim_published_has_verdict",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claimant}: {self.count_text} {self.group} {self.get_measure_display()}"


class Attribution(models.Model):
    class Stance(models.TextChoices):
        ASSERTS = "asserts", "asserts"
        CORROBORATES = "corroborates", "corroborates"
        CONTRADICTS = "contradicts", "contradicts"
        RELAYS = "relays", "relays"

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", "unverified"
        VERIFIED = "verified", "verified"
        REJECTED = "rejected", "rejected"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="attributions")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="attributions")
    stance = models.CharField(max_length=15, choices=Stance.choices)
    quote = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    archive_url = models.URLField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    count_text = models.CharField(max_length=200, blank=True)
    count_low = models.PositiveIntegerField(null=True, blank=True)
    count_high = models.PositiveIntegerField(null=True, blank=True)
    count_qualifier = models.CharField(max_length=10, choices=Qualifier.choices, blank=True)
    verification = models.CharField(
        max_length=10, choices=Verification.choices, default=Verification.UNVERIFIED
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="verified_attributions",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("verify_attribution", "Can verify or reject an attribution")]
        indexes = [
            models.Index(fields=["verification", "created_at"], name="attribution_queue"),
            models.Index(fields=["updated_at"], name="attribution_updated"),
        ]
        constraints = [
            *count_interval_constraints("attribution"),
            models.UniqueConstraint(
                fields=["claim", "source"],
                name="one_attribution_per_source_per_claim",
                violation_error_message="This source is already attributed on this claim.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_stance_display()} claim #{self.claim_id}"

    @property
    def has_count(self) -> bool:
        return self.count_low is not None


class ConflictFlagQuerySet(models.QuerySet["ConflictFlag"]):
    def open(self) -> ConflictFlagQuerySet:
        return self.filter(status=ConflictFlag.Status.OPEN)


class ConflictFlag(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "open"
        RESOLVED = "resolved", "resolved"
        DISMISSED = "dismissed", "dismissed"

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="flags")
    measure = models.CharField(max_length=20, choices=Measure.choices)
    group = models.CharField(max_length=200, help_text="The counted group, normalised.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    explanation = models.TextField()
    # The counts involved, as the worker saw them: [{"key", "speaker", "origin", "low",
    # "high", "count_text", "claim_id", "attribution_id"}]. Kept as data, not as links,
    # so the flag still says what it said after the counts change.
    sides = models.JSONField(default=list)
    fingerprint = models.CharField(max_length=64, help_text="Which counts are involved.")
    opened_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="closed_flags",
    )
    resolution_note = models.TextField(blank=True)

    objects = ConflictFlagQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "id"]
        permissions = [("resolve_flag", "Can resolve or dismiss a conflict flag")]
        indexes = [
            models.Index(fields=["status", "opened_at"], name="flag_queue"),
            models.Index(fields=["event", "status"], name="flag_event_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "measure", "group"],
                condition=Q(status="open"),
                name="one_open_flag_per_conflict",
                violation_error_message="This conflict already has an open flag.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.get_measure_display()} of {self.group} ({self.status})"
