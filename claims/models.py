"""The domain model: events, sources, claims, attributions and conflict flags.

Words as in DESIGN.md. Fields, choices, constraints and small querysets live here;
every write goes through ``claims.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from simple_history.models import HistoricalRecords

from claims.choices import Corroboration, Credibility, GroupClass, Measure, Qualifier


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


class SourceAlias(models.Model):
    """Another name a source goes by ("Al Qaeda-linked group JNIM" for JNIM).

    Ingestion matches claimants against names and aliases, so one body stays one
    origin. ``key`` is the alias as compared (casefolded, single-spaced) and is unique
    across all sources: one name cannot point at two sources.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "source aliases"

    def __str__(self) -> str:
        return self.name


class GroupTerm(models.Model):
    """The vocabulary of counted groups: a word as written and the class it names.

    Seeded with ANALYSIS.md's table in English and French; editors extend it in the
    admin. A group as written takes the class of the longest term it contains
    ("Kenyan soldiers" contains "soldiers": security forces), see ``claims.groups``.
    """

    term = models.CharField(
        max_length=100, unique=True, help_text="Lower case, as it appears in a group."
    )
    group_class = models.CharField("class", max_length=20, choices=GroupClass.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["group_class", "term"]
        verbose_name = "group word"
        constraints = [
            models.CheckConstraint(
                condition=~Q(group_class="other"),
                name="group_term_names_a_class",
                violation_error_message="A group word must name a class other than “other”.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.get_group_class_display()}"


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
    group = models.CharField(max_length=200, help_text="Who was counted, as the source put it.")
    group_class_override = models.CharField(
        "class set by hand",
        max_length=20,
        choices=GroupClass.choices,
        blank=True,
        help_text="Leave empty to take the class from the group words.",
    )
    count_text = models.CharField("count as written", max_length=200)
    count_low = models.PositiveIntegerField()
    count_high = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: no upper bound."
    )
    count_qualifier = models.CharField(max_length=12, choices=Qualifier.choices)
    # Derived by the recheck from the event's figures and evidence (claims.analysis);
    # never typed, and not history: the history keeps the edits they follow from.
    group_class = models.CharField(
        "class", max_length=20, choices=GroupClass.choices, default=GroupClass.OTHER
    )
    group_key = models.CharField(
        max_length=200, blank=True, help_text="The group as compared (claims.groups)."
    )
    corroboration = models.CharField(
        max_length=20, choices=Corroboration.choices, default=Corroboration.UNVERIFIED
    )
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility.choices, default=Credibility.CANNOT_BE_JUDGED
    )
    superseded = models.BooleanField(
        default=False, help_text="Its origin has given a later figure for the same count."
    )
    responsibility_disputed = models.BooleanField(default=False)
    # An editor's own credibility rating, with its reason in the history.
    credibility_override = models.PositiveSmallIntegerField(
        choices=Credibility.choices, null=True, blank=True
    )
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
    # The ClaimReview the editor approved by publishing (claims.claimreview.review_body),
    # served as it is until an editor republishes: later edits to the evidence never
    # reach readers by themselves. Empty while the claim is not published.
    published_review = models.JSONField(null=True, blank=True, editable=False)
    # Optimistic locking: every write states the version it read; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The desk's queue order (unreviewed first, then judged, then published), kept by
    # the database so that an index can serve "ORDER BY queue_rank, created_at, id".
    queue_rank = models.GeneratedField(
        expression=Case(
            When(status__in=["new", "in_review"], then=Value(0)),
            When(status="reviewed", then=Value(1)),
            default=Value(2),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )

    # The fields above that the recheck derives (services.recheck writes exactly these).
    ASSESSED = (
        "group_class",
        "group_key",
        "corroboration",
        "credibility",
        "superseded",
        "responsibility_disputed",
    )
    history = HistoricalRecords(excluded_fields=["queue_rank", *ASSESSED])

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
            models.Index(fields=["corroboration", "created_at"], name="claim_corroboration"),
            # The desk's queue: whole, by status, and one person's (claims.admin).
            models.Index(fields=["queue_rank", "created_at", "id"], name="claim_queue_order"),
            models.Index(
                fields=["status", "queue_rank", "created_at", "id"], name="claim_status_order"
            ),
            models.Index(
                fields=["assignee", "queue_rank", "created_at", "id"], name="claim_assignee_order"
            ),
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

    class Disputes(models.TextChoices):
        # What a contradiction disputes (ANALYSIS.md section 2).
        TOLL = "toll", "the toll"
        EVENT = "event", "that the event took place"
        PERPETRATOR = "perpetrator", "who carried it out"

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
    count_qualifier = models.CharField(max_length=12, choices=Qualifier.choices, blank=True)
    disputes = models.CharField(
        max_length=12,
        choices=Disputes.choices,
        blank=True,
        help_text="For a contradiction: what it disputes. Required when it gives no figure.",
    )
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
    # The fact-checkers' queue order (unverified, then rejected, then verified), kept by
    # the database for the index "attribution_check_order".
    verification_rank = models.GeneratedField(
        expression=Case(
            When(verification="unverified", then=Value(0)),
            When(verification="rejected", then=Value(1)),
            default=Value(2),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["verification_rank"])

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("verify_attribution", "Can verify or reject an attribution")]
        indexes = [
            models.Index(fields=["verification", "created_at"], name="attribution_queue"),
            models.Index(fields=["updated_at"], name="attribution_updated"),
            models.Index(
                fields=["verification_rank", "created_at", "id"], name="attribution_check_order"
            ),
        ]
        constraints = [
            *count_interval_constraints("attribution"),
            models.UniqueConstraint(
                fields=["claim", "source"],
                name="one_attribution_per_source_per_claim",
                violation_error_message="This source is already attributed on this claim.",
            ),
            models.CheckConstraint(
                condition=Q(disputes="") | Q(stance="contradicts"),
                name="attribution_only_contradictions_dispute",
                violation_error_message="Only a contradiction says what it disputes.",
            ),
            models.CheckConstraint(
                condition=~Q(stance="contradicts") | ~Q(disputes="") | Q(count_low__isnull=False),
                name="attribution_contradiction_has_scope",
                violation_error_message=(
                    "A contradiction without a figure must say what it disputes: the toll, "
                    "the event, or who carried it out."
                ),
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
    # Which figures the flag is about: the group's class and, for a named part of it,
    # the words that name the part ("security_forces:kenyan"); see claims.groups.
    group = models.CharField(max_length=200, help_text="The counted group's comparison key.")
    group_label = models.CharField(
        "group", max_length=200, blank=True, help_text="The counted group, as written."
    )
    group_class = models.CharField(
        "class", max_length=20, choices=GroupClass.choices, default=GroupClass.OTHER
    )
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
        label = self.group_label or self.group
        return f"{self.event}: {label} {self.get_measure_display()} ({self.status})"


class Toll(models.Model):
    """The toll the desk can publish for one event, measure and group (ANALYSIS.md §6).

    The recheck keeps the proposal (low, best, high, with the claims behind each
    number) up to date; an editor confirms it or overrides it with a reason, both
    kept in the history. A changed proposal needs confirming again.
    """

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="tolls")
    measure = models.CharField(max_length=20, choices=Measure.choices)
    group = models.CharField(max_length=200, help_text="The counted group's comparison key.")
    group_label = models.CharField("group", max_length=200)
    group_class = models.CharField("class", max_length=20, choices=GroupClass.choices)
    low = models.PositiveIntegerField(null=True, blank=True)
    best = models.PositiveIntegerField(null=True, blank=True)
    high = models.PositiveIntegerField(null=True, blank=True)
    # {"low": [claim ids], "best": [...], "high": [...], "candidates": [{...}, ...]}
    basis = models.JSONField(default=dict)
    method = models.TextField(blank=True)
    confirmed = models.BooleanField(default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="confirmed_tolls",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    override_low = models.PositiveIntegerField(null=True, blank=True)
    override_best = models.PositiveIntegerField(null=True, blank=True)
    override_high = models.PositiveIntegerField(null=True, blank=True)
    override_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "measure", "group"]
        permissions = [("confirm_toll", "Can confirm or override an event's toll")]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "measure", "group"], name="one_toll_per_event_measure_group"
            ),
            models.CheckConstraint(
                condition=(
                    Q(override_best__isnull=True)
                    | (
                        Q(override_low__lte=F("override_best"))
                        & Q(override_best__lte=F("override_high"))
                    )
                ),
                name="toll_override_in_order",
                violation_error_message="An override needs low ≤ best ≤ high.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.group_label} {self.get_measure_display()}"

    @property
    def overridden(self) -> bool:
        return self.override_best is not None

    @property
    def published(self) -> tuple[int | None, int | None, int | None]:
        """What the desk publishes: the editor's override, else the proposal."""
        if self.overridden:
            return (self.override_low, self.override_best, self.override_high)
        return (self.low, self.best, self.high)


class Notification(models.Model):
    """One message the desk is owed about a flag: an outbox row, sent at least once.

    Recorded in the transaction that opens the flag, so a flag never exists without
    the email and webhook that announce it; a worker, or the periodic sweep if the
    broker or the database was down meanwhile, sends it and records how it went. What
    was sent, or failed to send and why, stays visible here.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "email to the Editors"
        WEBHOOK = "webhook", "webhook"

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        SENT = "sent", "sent"

    flag = models.ForeignKey(ConflictFlag, on_delete=models.PROTECT, related_name="notifications")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The message as composed when the flag opened: {"subject", "body", "to"} for an
    # email, the JSON body for a webhook. Sent as recorded, however late.
    payload = models.JSONField()
    # Sent with the message (webhook JSON and header, email header): a receiver that
    # sees the same key twice can drop the second, the rare duplicate of a send whose
    # success could not be recorded.
    idempotency_key = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(help_text="When a pending message is next tried.")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} about flag #{self.flag_id} ({self.status})"
