"""The desk at a million claims: queue orders an index can serve, and search by index.

``queue_rank`` and ``verification_rank`` are columns the database computes from the
status, so the queues' ``ORDER BY rank, created_at, id`` reads an index instead of
sorting the table. Search, on PostgreSQL: a full-text GIN index over a claim's words
(text, group and figure as written; claims.admin.search.CLAIM_WORDS is the same
expression, which the queries must repeat for the planner to use it), and trigram
(pg_trgm) GIN indexes on ``UPPER(name)`` of events and sources, the expression Django's
``icontains`` compiles to there. On any other database those steps do nothing (a local
SQLite file is small enough to scan).
"""

from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

CLAIM_WORDS = (
    "to_tsvector('simple'::regconfig, "
    "\"text\" || ' ' || \"group\"::text || ' ' || \"count_text\"::text)"
)
INDEXES = [
    ("claim_words_fts", f'"claims_claim" USING gin ({CLAIM_WORDS})'),
    ("source_name_trgm", '"claims_source" USING gin (UPPER("name"::text) gin_trgm_ops)'),
    ("event_title_trgm", '"claims_event" USING gin (UPPER("title"::text) gin_trgm_ops)'),
]


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, target in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON {target}')


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0008_group_vocabulary_and_flag_groups'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_search_indexes, drop_search_indexes, elidable=False),
        migrations.AddField(
            model_name='attribution',
            name='verification_rank',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(then=models.Value(0), verification='unverified'), models.When(then=models.Value(1), verification='rejected'), default=models.Value(2)), output_field=models.PositiveSmallIntegerField()),
        ),
        migrations.AddField(
            model_name='claim',
            name='queue_rank',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(status__in=['new', 'in_review'], then=models.Value(0)), models.When(status='reviewed', then=models.Value(1)), default=models.Value(2)), output_field=models.PositiveSmallIntegerField()),
        ),
        migrations.AddIndex(
            model_name='attribution',
            index=models.Index(fields=['verification_rank', 'created_at', 'id'], name='attribution_check_order'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['queue_rank', 'created_at', 'id'], name='claim_queue_order'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['status', 'queue_rank', 'created_at', 'id'], name='claim_status_order'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['assignee', 'queue_rank', 'created_at', 'id'], name='claim_assignee_order'),
        ),
    ]
