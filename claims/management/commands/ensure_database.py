"""Create the PostgreSQL database that DATABASE_URL names, when it does not exist yet.

A fresh machine has a PostgreSQL server but not Verifier's database, and every other
command (migrate, check --deploy, which asks the server its version) needs it there.
SQLite creates its file itself, so there is nothing to do without DATABASE_URL.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql


class Command(BaseCommand):
    help = "Create the PostgreSQL database named by DATABASE_URL if it is missing."
    # The system checks ask the database its version: the very database not there yet.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            return
        params = connection.get_connection_params()
        name = params.pop("dbname")
        # The server's own maintenance database is there on every installation.
        params["dbname"] = "postgres"
        try:
            params.setdefault("connect_timeout", 10)
            with psycopg.connect(**params, autocommit=True) as server:
                found = server.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
                if found:
                    return
                server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as exc:
            raise CommandError(f"Cannot create the database {name!r}: {exc}") from exc
        self.stdout.write(f"Created the PostgreSQL database {name!r}.")
