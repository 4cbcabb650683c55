"""Publishing freezes the ClaimReview readers get (``Claim.published_review``).

Claims already published get the review they serve today frozen here, built by the
same code that served it, so nothing changes for readers on upgrade; from then on
only an editor's republish changes it. The history table gets the field too, so
every later freeze, republish or unpublish is kept.
"""

from typing import Any

from django.db import migrations, models
from django.db.models import Prefetch

BATCH = 500


def freeze_published_reviews(apps: Any, schema_editor: Any) -> None:
    from claims.claimreview import review_body

    claim_model = apps.get_model("claims", "Claim")
    attribution_model = apps.get_model("claims", "Attribution")
    evidence = attribution_model.objects.select_related("source").order_by("created_at", "id")
    published = (
        claim_model.objects.filter(status="published", published_review__isnull=True)
        .select_related("claimant")
        .prefetch_related(Prefetch("attributions", queryset=evidence))
        .order_by("id")
    )
    batch = []
    for claim in published.iterator(chunk_size=BATCH):
        claim.published_review = review_body(claim)
        batch.append(claim)
        if len(batch) == BATCH:
            claim_model.objects.bulk_update(batch, ["published_review"])
            batch = []
    claim_model.objects.bulk_update(batch, ["published_review"])


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0010_desk_queue_and_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="published_review",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="published_review",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(freeze_published_reviews, migrations.RunPython.noop),
    ]
