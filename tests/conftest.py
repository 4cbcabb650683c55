"""Shared fixtures: users in each role, a real Celery worker on Redis, a real browser.

Under CI (CI=true) PostgreSQL, Redis and Chromium are required: the session stops at
once with a clear message if one is missing, and no test that needs them skips.
Elsewhere such tests skip, saying what to set.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def redis_reachable() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def pytest_sessionstart(session: pytest.Session) -> None:
    if not IN_CI:
        return
    missing = []
    if not on_postgres():
        missing.append("PostgreSQL (DATABASE_URL must point at it)")
    if not redis_reachable():
        missing.append(f"Redis (REDIS_URL={settings.REDIS_URL or 'unset'})")
    if not Path(CHROMIUM).exists():
        missing.append("Debian's chromium (/usr/bin/chromium)")
    if missing:
        pytest.exit("CI needs " + ", ".join(missing) + "; .ci/run starts them.", returncode=3)


def need(condition: bool, what: str) -> None:
    """Skip outside CI when a real service is missing; under CI that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI")
    pytest.skip(f"needs {what}")


def data_path(name: str) -> Path:
    path = DATA / name
    if not path.exists():
        pytest.fail(f"{path} is missing: the shared data sits beside the project")
    return path


# --- Users ----------------------------------------------------------------------------------
def make_user(username: str, group: str | None, *, superuser: bool = False) -> Any:
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(
        username, f"{username}@example.org", "pw-" + username, is_staff=True
    )
    user.is_superuser = superuser
    user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    # A fresh object: permission caches are per instance.
    return User.objects.get(pk=user.pk)


@pytest.fixture
def editor(db: None) -> Any:
    return make_user("editor", "Editors")


@pytest.fixture
def factchecker(db: None) -> Any:
    return make_user("factchecker", "Fact-checkers")


@pytest.fixture
def outsider(db: None) -> Any:
    return make_user("outsider", None)


# --- A real Celery worker -------------------------------------------------------------------
class WorkerProcess:
    """`celery worker` in a subprocess, on the test database and the real Redis."""

    def __init__(self, env: dict[str, str], concurrency: int = 1) -> None:
        self.env = env
        self.concurrency = concurrency
        self.procs: list[subprocess.Popen[bytes]] = []
        self.names: set[str] = set()

    def start(self, name: str = "w1") -> subprocess.Popen[bytes]:
        # A fresh log for each test (tests read it for errors; an earlier run's
        # shutdown must not count), appended to when the test restarts that worker.
        mode = "ab" if name in self.names else "wb"
        self.names.add(name)
        log = open(ARTIFACTS / f"worker-{name}.log", mode)  # noqa: SIM115
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "verifier",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={self.concurrency}",
                "--pool=prefork",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        self.wait_ready(name)
        return proc

    def wait_ready(self, name: str, timeout: float = 30) -> None:
        from verifier.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=0.5) or []
            if any(name in next(iter(r)) for r in replies):
                return
        raise RuntimeError(f"worker {name} did not start; see test-artifacts/worker-{name}.log")

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(settings.REDIS_URL).flushdb()


@pytest.fixture
def celery_worker_process(transactional_db: None) -> Iterator[WorkerProcess]:
    """A real worker process. Tests using it commit their data (transactional_db)."""
    need(redis_reachable(), "Redis (set REDIS_URL)")
    need(on_postgres(), "PostgreSQL (set DATABASE_URL): a worker cannot share SQLite's test db")
    ARTIFACTS.mkdir(exist_ok=True)
    flush_redis()
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT'] or 5432}/"
        f"{db['NAME']}"
    )
    env["DJANGO_DEBUG"] = "1"
    env["RECHECK_COALESCE_SECONDS"] = str(settings.RECHECK_COALESCE_SECONDS)
    workers = WorkerProcess(env)
    try:
        yield workers
    finally:
        workers.stop_all()
        flush_redis()


def wait_for(predicate: Any, timeout: float = 15, interval: float = 0.1) -> Any:
    """Poll until predicate() is truthy; returns its value or fails after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"not true within {timeout}s: {getattr(predicate, '__doc__', '')}")


# --- A real browser -------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    need(Path(CHROMIUM).exists(), "Debian's chromium at /usr/bin/chromium")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Any:
    """shot("step-name") saves a PNG under test-artifacts/screenshots/<test name>/."""
    folder = ARTIFACTS / "screenshots" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def shot(page: Any, step: str) -> Path:
        path = folder / f"{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shot


@pytest.fixture
def login(live_server: Any, browser: Any) -> Any:
    """login(username) -> a Playwright page logged in to the admin as that user."""
    contexts = []

    def do_login(username: str, password: str | None = None) -> Any:
        context = browser.new_context(viewport={"width": 1366, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password or "pw-" + username)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        return page

    yield do_login
    for context in contexts:
        context.close()
