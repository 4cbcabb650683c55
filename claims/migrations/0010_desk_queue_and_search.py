"""The desk at a million claims: queue orders an index can serve, and search by index.

``queue_rank`` and ``verification_rank`` are columns the database computes from the
status, so the queues' ``ORDER BY rank, created_at, id`` reads an index instead of
sorting the table. The search indexes are PostgreSQL trigram (pg_trgm) GIN indexes on
``UPPER(column)``, the expression Django's ``icontains`` compiles to there; on any other
database those two steps do nothing (a local SQLite file is small enough to scan).
"""

from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# (index name, table, column): what the desk's searches read (claims.admin.search).
SEARCHED = [
    ("claim_text_trgm", "claims_claim", "text"),
    ("claim_group_trgm", "claims_claim", "group"),
    ("claim_count_text_trgm", "claims_claim", "count_text"),
    ("source_name_trgm", "claims_source", "name"),
    ("event_title_trgm", "claims_event", "title"),
]


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in SEARCHED:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in SEARCHED:
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
