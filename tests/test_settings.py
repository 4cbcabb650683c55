"""Settings read from the environment: fallbacks, clear errors, production checks."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

BASE_ENV = {
    k: v
    for k, v in os.environ.items()
    if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY"))
}


def run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**BASE_ENV, "DJANGO_SETTINGS_MODULE": "verifier.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**BASE_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_fresh_checkout_runs_on_sqlite_with_tasks_in_process() -> None:
    result = run(
        "from django.conf import settings as s; import django; django.setup();"
        "from verifier.celery import app;"
        "print(s.DATABASES['default']['ENGINE'], s.TASKS_IN_PROCESS, app.conf.task_always_eager,"
        " s.DATABASES['default']['OPTIONS']['transaction_mode'])",
        DJANGO_DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True", "IMMEDIATE"]


def test_redis_url_makes_celery_use_the_broker_and_redis_cache() -> None:
    result = run(
        "import django; django.setup(); from django.conf import settings as s;"
        "from verifier.celery import app;"
        "print(app.conf.broker_url, app.conf.task_always_eager, s.CACHES['default']['BACKEND'],"
        " app.conf.task_acks_late, app.conf.worker_prefetch_multiplier)",
        DJANGO_DEBUG="1",
        REDIS_URL="redis://127.0.0.1:6379/9",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "redis://127.0.0.1:6379/9",
        "False",
        "django.core.cache.backends.redis.RedisCache",
        "True",
        "1",
    ]


def test_bad_database_url_is_a_clear_error() -> None:
    result = run("import django; django.setup()", DJANGO_DEBUG="1", DATABASE_URL="mysqlx:/nope")
    assert result.returncode != 0
    assert "DATABASE_URL is not a database URL Verifier understands" in result.stderr


def test_missing_secret_key_without_debug_is_a_clear_error() -> None:
    result = run("import django; django.setup()")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_check_deploy_passes_with_production_settings() -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 20 + "-a-long-random-production-key-for-the-check-" + "y" * 20,
        DJANGO_ALLOWED_HOSTS="verifier.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_ssl_redirect_can_be_turned_off_behind_a_tls_proxy() -> None:
    result = run(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE)",
        DJANGO_SECRET_KEY="k" * 60,
        DJANGO_ALLOWED_HOSTS="verifier.example.org",
        DJANGO_SSL_REDIRECT="0",
        DJANGO_BEHIND_TLS_PROXY="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ('HTTP_X_FORWARDED_PROTO', 'https') True"


def test_server_says_once_that_tasks_run_in_process() -> None:
    result = run(
        "import sys; sys.argv = ['manage.py', 'runserver'];"
        "import os; os.environ['RUN_MAIN'] = 'true'; import django; django.setup()",
        DJANGO_DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("REDIS_URL is not set") == 1
