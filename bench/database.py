"""What the benchmarks share: a PostgreSQL database of their own, migrated, emptied between
runs. Each benchmark sets ``DATABASE_URL`` to its own database before calling these."""

from __future__ import annotations

# Everything a benchmark writes (history included); the migrations' group words stay.
CLAIM_TABLES = (
    "claims_conflictflag", "claims_toll", "claims_attribution", "claims_claim",
    "claims_source", "claims_event", "claims_notification", "claims_historicalconflictflag",
    "claims_historicaltoll", "claims_historicalattribution", "claims_historicalclaim",
    "claims_historicalsource", "claims_historicalevent",
)  # fmt: skip


def setup_django() -> None:
    """Django on ``DATABASE_URL``, the database created if missing and migrated."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("ensure_database")
    call_command("migrate", verbosity=0)


def empty_claims() -> None:
    """Every event, source, claim, flag, toll and notification gone, with their history."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(CLAIM_TABLES)} CASCADE")
