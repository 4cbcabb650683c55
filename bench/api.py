"""Benchmark the REST API under gunicorn on PostgreSQL, against the framework's floor.

Run from the project root (PostgreSQL on 127.0.0.1:5432; Redis used when reachable):

    .venv/bin/python bench/api.py            # 100,000 claims, 15 s per endpoint
    .venv/bin/python bench/api.py --quick    # 10,000 claims, 4 s per endpoint

It builds a database of its own, ``verifier_bench_api`` (never the test or development
one, nor the conflict benchmark's ``verifier_bench``, which that benchmark empties;
``BENCH_API_DATABASE`` names another), fills it once with N claims about 500 events,
each with three attributions (kept for later runs with the same N), starts gunicorn
with 2 sync workers in
production settings (DEBUG off, token auth, throttling through Redis when it is up),
and loads it from a second process on loopback: wrk when installed (Debian's ``wrk``),
else a Python client. Every endpoint is measured in the same server and run:

- ``django hello``: a plain Django JsonResponse, no authentication (the floor of Django);
- ``drf hello``: a DRF view returning {"hello": "world"} with the API's authentication,
  permission and throttle classes (the floor of any authenticated API request);
- ``claims list``: ``/api/claims/?limit=50``, a page of 50 with their attributions;
- ``claim detail``: ``/api/claims/{id}/``;
- ``plain DRF list``: the same page through a ``ModelSerializer`` with a nested
  attributions ``ModelSerializer`` and no prefetching: what most Django APIs ship.

It prints a markdown table with requests per second, p99 latency and each endpoint's
throughput as a share of the two hello-world views. The Django hello is the yardstick
that does not move with the API's code: to compare two versions of the API, run this
file from each checkout in turn and compare their "vs Django hello" columns.

When gunicorn imports this file (``bench.api:application``) it is the server: the
API's URLs plus the three comparison views above.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = os.environ.get("BENCH_API_DATABASE", "verifier_bench_api")
PG = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/13"  # not the tests' (15) nor the conflict bench's (14)
PORT = 8157


# ============================================================================================
# The server side: imported by gunicorn as bench.api
# ============================================================================================
def _server() -> tuple[Any, list[Any]]:
    """The WSGI application and the URLs: the API plus the comparison views."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verifier.settings")
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    settings.ROOT_URLCONF = __name__  # this module's urlpatterns, below

    from django.http import HttpRequest, JsonResponse
    from django.urls import include, path
    from rest_framework import generics, serializers
    from rest_framework.permissions import IsAuthenticated
    from rest_framework.request import Request
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from claims.models import Attribution, Claim

    def django_hello(request: HttpRequest) -> JsonResponse:
        return JsonResponse({"hello": "world"})

    class DrfHello(APIView):
        # The API's authentication and throttle classes (settings), a permission that
        # needs no database: the least an authenticated API request costs.
        permission_classes = [IsAuthenticated]

        def get(self, request: Request) -> Response:
            return Response({"hello": "world"})

    class PlainAttribution(serializers.ModelSerializer):
        class Meta:
            model = Attribution
            fields = "__all__"

    class PlainClaim(serializers.ModelSerializer):
        attributions = PlainAttribution(many=True, read_only=True)

        class Meta:
            model = Claim
            fields = "__all__"

    class PlainClaimList(generics.ListAPIView):
        queryset = Claim.objects.order_by("id")
        serializer_class = PlainClaim
        filter_backends: list[Any] = []

    urlpatterns = [
        path("bench/django-hello/", django_hello),
        path("bench/drf-hello/", DrfHello.as_view()),
        path("bench/plain-claims/", PlainClaimList.as_view()),
        path("api/", include("claims.api.urls")),
    ]
    return application, urlpatterns


# ============================================================================================
# The bench side: python bench/api.py
# ============================================================================================
@dataclass
class Result:
    name: str
    url: str
    requests_per_second: float
    p99_ms: float
    errors: int


def database_url() -> str:
    return f"{PG}/{BENCH_DB}"


def redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except Exception:
        return False


def setup_django() -> None:
    os.environ["DATABASE_URL"] = database_url()
    os.environ.setdefault("DJANGO_DEBUG", "1")  # this process only: the server runs DEBUG off
    os.environ.pop("REDIS_URL", None)  # seeding queues no rechecks
    os.environ["DJANGO_SETTINGS_MODULE"] = "verifier.settings"
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("ensure_database")


MEASURES = ["killed", "injured", "missing", "abducted"]
GROUPS = ["soldiers", "civilians", "Wagner fighters", "police officers"]
STATUSES = ["new", "in_review", "reviewed", "published"]


def _claim(i: int, events: list[Any], sources: list[Any], now: Any) -> Any:
    """The i-th bench claim, shaped as the services would make it."""
    from claims.models import Claim

    status = STATUSES[i % 4]
    return Claim(
        event=events[i % 500],
        claimant=sources[i % 300],
        text=f"Bench source {i % 300} says at least {i % 90 + 2} "
        f"{GROUPS[i % 4]} were {MEASURES[i % 4]} in the attack.",
        measure=MEASURES[i % 4],
        group=GROUPS[(i // 4) % 4],
        count_text=f"at least {i % 90 + 2}",
        count_low=i % 90 + 2,
        count_high=None,
        count_qualifier="at_least",
        made_at=now,
        status=status,
        verdict="" if status in ("new", "in_review") else "disputed",
        published_at=now if status == "published" else None,
    )


def _attributions(claim: Any, sources: list[Any]) -> list[Any]:
    """The claimant's own, a corroboration with a figure, a relay."""
    from claims.models import Attribution

    i = claim.pk
    return [
        Attribution(
            claim=claim,
            source_id=claim.claimant_id,
            stance="asserts",
            quote=claim.text,
            url=f"https://example.org/statement/{i}",
        ),
        Attribution(
            claim=claim,
            source=sources[(i + 101) % 300],
            stance="corroborates",
            quote="A second account of the same attack, with its own figure.",
            url=f"https://example.org/report/{i}",
            count_text="several",
            count_low=3,
            count_high=9,
            count_qualifier="vague",
            verification="verified" if i % 2 else "unverified",
        ),
        Attribution(
            claim=claim,
            source=sources[(i + 202) % 300],
            stance="relays",
            quote="Reports the claimant's statement.",
            url=f"https://example.org/wire/{i}",
        ),
    ]


def _fill(claims: int) -> None:
    """Replace the bench data with ``claims`` claims about 500 events."""
    from django.db import transaction
    from django.utils import timezone

    from bench.database import empty_claims
    from claims.models import Attribution, Claim, ConflictFlag, Event, Source

    with transaction.atomic():
        empty_claims()  # history and notifications too
        now = timezone.now()
        events = Event.objects.bulk_create(
            Event(title=f"Bench incident {i}", place="Mopti region", country="Mali")
            for i in range(500)
        )
        sources = Source.objects.bulk_create(
            Source(
                name=f"Bench source {i}",
                kind="news_outlet" if i % 3 else "party",
                origin=f"Origin {i % 120}",
                reliability="BCDEF"[i % 5],
            )
            for i in range(300)
        )
        batch = 5000
        for start in range(0, claims, batch):
            rows = [
                _claim(i, events, sources, now) for i in range(start, min(start + batch, claims))
            ]
            made = Claim.objects.bulk_create(rows)
            Attribution.objects.bulk_create(a for c in made for a in _attributions(c, sources))
        ConflictFlag.objects.bulk_create(
            ConflictFlag(
                event=event,
                measure="killed",
                group="soldiers",
                fingerprint="bench",
                explanation="Counts for killed soldiers disagree.",
                sides=[{"key": "claim:1", "speaker": "Origin 1", "low": 2, "high": None}],
            )
            for event in events[:100]
        )


def seed(claims: int, *, force: bool) -> tuple[str, int]:
    """Fill the bench database with ``claims`` claims (once); return a token and a claim id.

    Rows are bulk-inserted rather than written through the services: the bench
    measures reads, and 400,000 rows through the services (history, rechecks) would
    take longer than the whole benchmark. The shapes are the services' (asserts
    attribution first, parsed intervals, verdicts where the status needs one).
    """
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from knox.models import AuthToken

    from claims.models import Claim

    call_command("migrate", verbosity=0)
    if force or Claim.objects.count() != claims:
        print(f"Seeding {claims:,} claims into {BENCH_DB} (once; later runs reuse them)...")
        started = time.perf_counter()
        _fill(claims)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"Seeded in {time.perf_counter() - started:.0f} s.")
    user, _ = User.objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="Editors"))
    AuthToken.objects.filter(user=user).delete()  # the last run's
    _, token = AuthToken.objects.create(user=user)
    claim_id = Claim.objects.order_by("id").values_list("id", flat=True)[claims // 2]
    return token, claim_id


def free_port(port: int) -> int:
    for candidate in range(port, 8200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", candidate)) != 0:
                return candidate
    raise SystemExit("No free port in 8157-8199.")


def start_server(port: int, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SSL_REDIRECT="0",
        DATABASE_URL=database_url(),
        API_THROTTLE_RATE="1000000000/minute",  # counted (the cost is real), never hit
        LOG_LEVEL="WARNING",
    )
    if redis_up():
        env["REDIS_URL"] = REDIS
    else:
        env.pop("REDIS_URL", None)
        print("Redis is not reachable: throttling counts in each worker's memory.")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen(
        [
            gunicorn, "bench.api:application", "--workers", "2", "--bind", f"127.0.0.1:{port}",
            "--chdir", str(ROOT), "--log-level", "warning", "--error-logfile", str(log),
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start; see {log}")
        try:
            status, _ = get(port, "/bench/django-hello/", "")
            if status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"gunicorn did not answer within 30 s; see {log}")


def get(port: int, url: str, token: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Token {token}"} if token else {}
    conn.request("GET", url, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


# --- Load generators -----------------------------------------------------------------------
def run_wrk(port: int, url: str, token: str, seconds: float, connections: int) -> Result:
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
        "--timeout", "10s", "-H", f"Authorization: Token {token}", f"http://127.0.0.1:{port}{url}",
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    assert p99, out
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    timeouts = re.search(r"Socket errors:.*?timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (int(timeouts.group(1)) if timeouts else 0)
    return Result("", url, rps, float(p99.group(1)) * scale, errors)


def _client(args: tuple[int, str, str, float]) -> tuple[list[float], int]:
    port, url, token, until = args
    latencies: list[float] = []
    errors = 0
    while time.monotonic() < until:
        started = time.perf_counter()
        status, _ = get(port, url, token)
        latencies.append((time.perf_counter() - started) * 1000)
        errors += status != 200
    return latencies, errors


def run_python(port: int, url: str, token: str, seconds: float, connections: int) -> Result:
    """The fallback when wrk is missing: one process per connection, new connection per
    request (gunicorn's sync workers close it anyway)."""
    started = time.monotonic()
    until = started + seconds
    with multiprocessing.Pool(connections) as pool:
        parts = pool.map(_client, [(port, url, token, until)] * connections)
    elapsed = time.monotonic() - started
    latencies = sorted(x for part, _ in parts for x in part)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return Result("", url, len(latencies) / elapsed, p99, sum(e for _, e in parts))


# --- Main ------------------------------------------------------------------------------------
def measure(
    endpoints: list[tuple[str, str]], token: str, load: Any, seconds: float, connections: int
) -> dict[str, Result]:
    """Each endpoint's median over rounds, against one gunicorn started for the run.

    Rounds, each endpoint in turn: other work on the machine then weighs on every
    endpoint alike instead of on whichever ran at the time.
    """
    port = free_port(PORT)
    log = ROOT / "test-artifacts" / "bench-api-gunicorn.log"
    log.parent.mkdir(exist_ok=True)
    server = start_server(port, log)
    rounds = 3
    runs: dict[str, list[Result]] = {name: [] for name, _ in endpoints}
    try:
        for _, url in endpoints:
            status, body = get(port, url, token)
            if status != 200:
                raise SystemExit(f"{url} answered {status}: {body[:300]!r}")
            load(port, url, token, 1.0, connections)  # warm up
        for _ in range(rounds):
            for name, url in endpoints:
                result = load(port, url, token, seconds / rounds, connections)
                if result.errors:
                    raise SystemExit(f"{url}: {result.errors} failed requests; see {log}")
                runs[name].append(result)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)
    return {
        name: Result(
            name,
            parts[0].url,
            statistics.median(r.requests_per_second for r in parts),
            statistics.median(r.p99_ms for r in parts),
            0,
        )
        for name, parts in runs.items()
    }


def report(results: dict[str, Result], heading: str) -> None:
    django_hello = results["django hello"].requests_per_second
    drf_hello = results["drf hello"].requests_per_second
    print(f"\n{heading}\n")
    print("| endpoint | req/s | p99 ms | vs Django hello | vs DRF hello |")
    print("|---|---:|---:|---:|---:|")
    for r in results.values():
        rps = r.requests_per_second
        print(
            f"| {r.name} | {rps:,.0f} | {r.p99_ms:.1f} | "
            f"{rps / django_hello:.1%} | {rps / drf_hello:.1%} |"
        )
    listing = results["claims list (50 + attributions)"].requests_per_second
    detail = results["claim detail"].requests_per_second
    plain = results["plain DRF list (same page)"].requests_per_second
    print(
        f"\nThe list is {listing / plain:.1f}x the plain DRF list and {listing / drf_hello:.0%} "
        f"of the authenticated DRF hello; the detail {detail / drf_hello:.0%} of it."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 claims, 4 s per endpoint")
    parser.add_argument("--claims", type=int, help="how many claims (default 100,000)")
    parser.add_argument("--seconds", type=float, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--reseed", action="store_true", help="rebuild the bench data")
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    args = parser.parse_args()
    claims = args.claims or (10_000 if args.quick else 100_000)
    seconds = args.seconds or (4.0 if args.quick else 15.0)

    setup_django()
    token, claim_id = seed(claims, force=args.reseed)

    use_wrk = shutil.which("wrk") is not None and not args.python_client
    load = run_wrk if use_wrk else run_python
    client = "wrk" if use_wrk else "a Python client (install wrk for lighter load generation)"
    endpoints = [
        ("django hello", "/bench/django-hello/"),
        ("drf hello", "/bench/drf-hello/"),
        ("claims list (50 + attributions)", "/api/claims/?limit=50"),
        ("claim detail", f"/api/claims/{claim_id}/"),
        ("plain DRF list (same page)", "/bench/plain-claims/?limit=50"),
    ]
    results = measure(endpoints, token, load, seconds, args.connections)
    report(
        results,
        f"{claims:,} claims on PostgreSQL, gunicorn 2 sync workers, {client}, "
        f"{args.connections} connections, {seconds:.0f} s per endpoint in 3 rounds "
        f"(medians), {os.cpu_count()} CPUs shared by server, database and client.",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
else:  # imported by gunicorn as bench.api:application
    application, urlpatterns = _server()
