"""What the benchmarks share: a PostgreSQL database of their own, migrated, emptied between
runs. Each benchmark sets ``DATABASE_URL`` to its own database before calling these."""

from __future__ import annotations

# The group words the migrations seed stay: the rules read them.
KEPT = {"groupterm", "historicalgroupterm"}


def setup_django() -> None:
    """Django on ``DATABASE_URL``, the database created if missing and migrated."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("ensure_database")
    call_command("migrate", verbosity=0)


def empty_claims() -> None:
    """Every event, source, claim, flag, toll and notification gone, with their history."""
    from django.apps import apps
    from django.db import connection

    models = apps.get_app_config("claims").get_models()
    tables = [m._meta.db_table for m in models if m._meta.model_name not in KEPT]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
