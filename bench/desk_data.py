"""The archive that bench/desk.py times the desk against, built in PostgreSQL.

``build(claims)`` fills an empty, migrated database with ``claims`` claims over
``claims // 20`` events, ``claims // 200`` sources (at least 60), one or two attributions
a claim (1.5 on average), an open conflict flag on every tenth event and a closed one
on every twenty-fifth, a toll per event, and one history record per claim and per
attribution, as an import would leave them. Everything is made by ``INSERT ... SELECT
FROM generate_series`` in the server, with the big tables' secondary indexes dropped
during the load and made again after it, then ``VACUUM ANALYZE`` as autovacuum would.

The data is varied the way a desk's is: a claim's status, assignee, corroboration,
measure, group and figure come from small pools, so that every filter and badge has
rows and search terms match a realistic share (a place: about 2 % of the claims; a
source's name: about 0.5 %).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, User
from django.db import connection

PLACES = [
    "Mopti", "Gao", "Kidal", "Timbuktu", "Menaka", "Segou", "Tinzaouaten", "Djibo",
    "Dori", "Fada", "Diffa", "Tillaberi", "Maiduguri", "Bama", "Gwoza", "Ngarbuh",
    "Bamenda", "Kumba", "Beni", "Butembo", "Bunia", "Goma", "Rutshuru", "Kalehe",
    "Bangui", "Bambari", "Ndele", "Kaga-Bandoro", "Ouaddai", "Abeche", "El Fasher",
    "Nyala", "Geneina", "Kadugli", "Malakal", "Bor", "Juba", "Mogadishu", "Kismayo",
    "Baidoa", "Beledweyne", "Marib", "Taiz", "Hodeidah", "Idlib", "Aleppo", "Deir ez-Zor",
    "Raqqa", "Mosul", "Kirkuk",
]  # fmt: skip
GROUPS = [  # (as written, class)
    ("civilians", "civilians"), ("soldiers", "security_forces"),
    ("Wagner fighters", "fighters"), ("people", "people"), ("militants", "fighters"),
    ("villagers", "civilians"), ("police officers", "security_forces"),
    ("children", "children"), ("rebels", "fighters"), ("passengers", "civilians"),
]  # fmt: skip
COUNTS = [  # (as written, low, high, qualifier)
    ("at least six", 6, None, "at_least"), ("12", 12, 12, "exact"),
    ("nearly 50", 45, 50, "approx"), ("several", 3, 9, "vague"),
    ("more than 100", 101, None, "at_least"), ("84", 84, 84, "exact"),
    ("about 30", 27, 33, "approx"), ("two", 2, 2, "exact"),
]  # fmt: skip
SOURCE_WORDS = [
    "Ministry of Defence", "Army", "Police", "Radio", "Herald", "Tribune", "Monitor",
    "Human Rights League", "Red Cross", "Governor", "Militia", "Front",
]  # fmt: skip
KINDS = ["government", "military", "official", "news_outlet", "news_outlet", "news_outlet",
         "ngo", "international_organisation", "official", "party", "party", "party"]  # fmt: skip


def sql_array(values: list[Any]) -> str:
    """A literal ARRAY[...] of strings or integers (NULL for None), for the SELECTs below."""

    def literal(value: Any) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, int):
            return str(value)
        return "'" + str(value).replace("'", "''") + "'"

    return "ARRAY[" + ", ".join(literal(v) for v in values) + "]"


def pick(values: list[Any], index_sql: str) -> str:
    """SQL for values[index mod len] (PostgreSQL arrays count from 1)."""
    return f"({sql_array(values)})[1 + (({index_sql}) % {len(values)})]"


BIG_TABLES = [
    "claims_claim",
    "claims_attribution",
    "claims_historicalclaim",
    "claims_historicalattribution",
]


def make_users() -> list[int]:
    """editor and factchecker (the bench logs in as editor), and 18 colleagues."""
    ids = []
    for index in range(20):
        role = "Editors" if index % 2 == 0 else "Fact-checkers"
        name = ("editor" if role == "Editors" else "factchecker") + (
            "" if index < 2 else str(index)
        )
        user = User.objects.create_user(name, f"{name}@example.org", "bench", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        ids.append(user.pk)
    return ids


def secondary_indexes(cursor: Any) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the big tables' indexes that no constraint owns."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s) AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)
        """,
        [BIG_TABLES],
    )
    return list(cursor.fetchall())


def load_events(cursor: Any, events: int) -> None:
    place = pick(PLACES, "g / 8")
    cursor.execute(
        f"""
        INSERT INTO claims_event (id, title, date, date_precision, place, region, country,
            summary, last_checked_at, created_at, updated_at)
        SELECT g, {
            pick(
                [
                    "Attack on",
                    "Ambush near",
                    "Strike on",
                    "Clashes in",
                    "Raid on",
                    "Shelling of",
                    "Killings in",
                    "Bombing in",
                ],
                "g",
            )
        }
                  || ' ' || {place} || ' #' || g,
            DATE '2015-01-01' + (g * 7919 % 4000)::integer, 'day', {place}, {place} || ' region',
            {
            pick(
                [
                    "Mali",
                    "Burkina Faso",
                    "Niger",
                    "Nigeria",
                    "Cameroon",
                    "DR Congo",
                    "Central African Republic",
                    "Chad",
                    "Sudan",
                    "South Sudan",
                    "Somalia",
                    "Yemen",
                    "Syria",
                    "Iraq",
                ],
                "g / 8",
            )
        },
            'Bench event.', now(), now(), now()
        FROM generate_series(1::bigint, {events}) g
        """
    )


def load_sources(cursor: Any, sources: int) -> None:
    def name(index: str) -> str:
        place = pick(PLACES, f"({index}) / 12")
        return f"{pick(SOURCE_WORDS, index)} || ' ' || {place} || ' ' || ({index})"

    cursor.execute(
        f"""
        INSERT INTO claims_source (id, name, kind, origin, reliability, url, notes,
            created_at, updated_at)
        SELECT g, {name("g")}, {pick(KINDS, "g")},
            -- every fifth source speaks for the same origin as the one before it
            CASE WHEN g % 5 = 0 THEN {name("g - 1")} ELSE {name("g")} END,
            {pick(["A", "B", "B", "C", "C", "D", "E", "F"], "g * 3")}, '', '', now(), now()
        FROM generate_series(1::bigint, {sources}) g
        """
    )


def load_claims(cursor: Any, claims: int, sources: int, users: list[int]) -> None:
    k = "(g * 31) % 8"
    event = "(1 + (g - 1) / 20)"
    status = pick(["new"] * 70 + ["in_review"] * 10 + ["reviewed"] * 15 + ["published"] * 5, "g")
    cursor.execute(
        f"""
        INSERT INTO claims_claim (id, text, measure, "group", count_text, count_low,
            count_high, count_qualifier, made_at, status, verdict, published_at, version,
            created_at, updated_at, assignee_id, event_id, claimant_id, corroboration,
            credibility, group_class, group_key, group_class_override,
            responsibility_disputed, superseded)
        SELECT g,
            -- one claim in a thousand reads like a spreadsheet formula: the CSV bench
            -- checks that the export neutralises every one of them
            CASE WHEN g % 1000 = 0 THEN '=HYPERLINK("http://example.org") ' ELSE '' END
            || 'Said that ' || c.count_text || ' ' || c.grp || ' were ' || c.measure
                  || ' in ' || {pick(PLACES, event + " / 8")} || '.',
            c.measure, c.grp, c.count_text, c.low, c.high, c.qualifier,
            TIMESTAMPTZ '2015-01-01 12:00+00' + ((({event}) * 7919 % 4000) || ' days')::interval,
            c.status,
            CASE WHEN c.status IN ('reviewed', 'published')
                 THEN {pick(["confirmed", "disputed", "unverifiable", "false"], "g / 100")}
                 ELSE '' END,
            CASE WHEN c.status = 'published' THEN now() END,
            1, TIMESTAMPTZ '2016-01-01 00:00+00' + (g || ' minutes')::interval, now(),
            CASE WHEN g % 10 = 0 THEN {pick(users, "g / 10")} END,
            {event}, 1 + (g * 7919) % {sources},
            {
            pick(
                ["unverified"] * 6
                + ["single_source"] * 4
                + ["event_confirmed"] * 3
                + ["figure_corroborated"] * 3
                + ["contested"],
                "g",
            )
        },
            {pick([6, 6, 3, 3, 4, 2, 1, 5], "g")}, c.class, c.class, '', false, false
        FROM generate_series(1::bigint, {claims}) g, LATERAL (SELECT
            {pick([n for n, _, _, _ in COUNTS], k)} AS count_text,
            {pick([lo for _, lo, _, _ in COUNTS], k)} AS low,
            {pick([hi for _, _, hi, _ in COUNTS], k)}::integer AS high,
            {pick([q for _, _, _, q in COUNTS], k)} AS qualifier,
            {pick([w for w, _ in GROUPS], "g / 3")} AS grp,
            {pick([c for _, c in GROUPS], "g / 3")} AS class,
            {pick(["killed"] * 3 + ["injured", "missing", "abducted"], "g")} AS measure,
            {status} AS status) c
        """
    )


def load_attributions(cursor: Any, claims: int, sources: int) -> None:
    def verification(index: str) -> str:
        return pick(["unverified"] * 6 + ["verified"] * 3 + ["rejected"], f"({index}) / 2")

    # The claimant's own statement for every claim ...
    cursor.execute(
        f"""
        INSERT INTO claims_attribution (id, stance, quote, url, archive_url, published_at,
            count_text, count_low, count_high, count_qualifier, verification, verified_at,
            verification_note, version, created_at, updated_at, claim_id, source_id, disputes)
        SELECT c.id, 'asserts', 'On the record: ' || c.text, 'https://example.org/s/' || c.id,
            '', c.made_at, c.count_text, c.count_low, c.count_high, c.count_qualifier, v.v,
            CASE WHEN v.v <> 'unverified' THEN now() END,
            CASE WHEN v.v = 'rejected' THEN 'Quote not in the source' ELSE '' END,
            1, c.created_at + interval '1 minute', now(), c.id, c.claimant_id, ''
        FROM claims_claim c, LATERAL (SELECT {verification("c.id")} AS v) v
        """
    )
    # ... and another source on every other claim: corroborating, relaying or contradicting.
    cursor.execute(
        f"""
        INSERT INTO claims_attribution (id, stance, quote, url, archive_url, published_at,
            count_text, count_low, count_high, count_qualifier, verification, verified_at,
            verification_note, version, created_at, updated_at, claim_id, source_id, disputes)
        SELECT {claims} + c.id / 2, s.stance, 'Reported: ' || c.text,
            'https://example.org/r/' || c.id, '', c.made_at + interval '1 day',
            c.count_text, c.count_low, c.count_high, c.count_qualifier, v.v,
            CASE WHEN v.v <> 'unverified' THEN now() END, '', 1,
            c.created_at + interval '2 minutes', now(), c.id,
            1 + (c.claimant_id + 16) % {sources}, ''
        FROM claims_claim c,
            LATERAL (SELECT {pick(["corroborates", "relays", "contradicts"], "c.id / 2")}
                     AS stance) s,
            LATERAL (SELECT {verification("c.id + 1")} AS v) v
        WHERE c.id % 2 = 0
        """
    )


EXPLANATION = (
    "Source A said at least 6 civilians (1 Jan 2024); Source B said 2: no figure fits both."
)


def load_flags_and_tolls(cursor: Any, events: int) -> None:
    side = """jsonb_build_object('key', 'claim:' || c.id, 'speaker', s.origin, 'source', s.name,
        'via', '', 'count_text', c.count_text, 'low', c.count_low, 'high', c.count_high,
        'measure', c.measure, 'group', c."group", 'class', c.group_class,
        'published_at', to_char(c.made_at, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
        'claim_id', c.id, 'attribution_id', NULL)"""
    # An event's claims are ids 20 * (event - 1) + 1 .. 20 * event (see load_claims): the
    # first three are the sides, found by primary key while the other indexes are off.
    sides = f"""(SELECT jsonb_agg({side}) FROM claims_claim c JOIN claims_source s
        ON s.id = c.claimant_id WHERE c.id BETWEEN e.id * 20 - 19 AND e.id * 20 - 17)"""
    cursor.execute(
        f"""
        INSERT INTO claims_conflictflag (measure, "group", status, explanation, sides,
            fingerprint, opened_at, updated_at, closed_at, resolution_note, event_id,
            group_class, group_label)
        SELECT 'killed', 'civilians', CASE WHEN e.id % 10 = 0 THEN 'open' ELSE 'dismissed' END,
            '{EXPLANATION}',
            {sides}, md5(e.id::text), now() - (e.id || ' minutes')::interval, now(),
            CASE WHEN e.id % 10 <> 0 THEN now() END,
            CASE WHEN e.id % 10 <> 0 THEN 'Different engagements' ELSE '' END,
            e.id, 'civilians', 'civilians'
        FROM claims_event e WHERE e.id % 10 = 0 OR e.id % 25 = 0
        """
    )
    cursor.execute(
        f"""
        INSERT INTO claims_toll (measure, "group", group_label, group_class, low, best, high,
            basis, method, confirmed, override_reason, updated_at, event_id)
        SELECT 'killed', 'civilians', 'civilians', 'civilians', 2, 6, 84,
            jsonb_build_object('low', jsonb_build_array(e.id * 20 - 19),
                'best', jsonb_build_array(e.id * 20 - 18),
                'high', jsonb_build_array(e.id * 20 - 17),
                'candidates', coalesce({sides}, '[]'::jsonb)),
            'Low and high: the smallest and largest of 3 origins'' current figures.', false, '',
            now(), e.id
        FROM claims_event e
        """
    )


def load_history(cursor: Any) -> None:
    """One "+" record per claim and attribution, as an import leaves them."""
    for table, history in [
        ("claims_claim", "claims_historicalclaim"),
        ("claims_attribution", "claims_historicalattribution"),
    ]:
        cursor.execute(
            """SELECT column_name FROM information_schema.columns WHERE table_name = %s
               INTERSECT SELECT column_name FROM information_schema.columns
               WHERE table_name = %s""",
            [table, history],
        )
        columns = ", ".join(f'"{name}"' for (name,) in cursor.fetchall())
        cursor.execute(
            f"""INSERT INTO {history} ({columns}, history_date, history_change_reason,
                    history_type)
                SELECT {columns}, created_at, 'Imported', '+' FROM {table}"""
        )


def build(claims: int) -> None:
    """Fill the (migrated, empty) database. Prints what it does; takes minutes at 1M."""
    events, sources = claims // 20, max(60, claims // 200)
    users = make_users()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        indexes = secondary_indexes(cursor)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # No foreign-key triggers during the load: the SELECTs make consistent rows.
        cursor.execute("SET session_replication_role = replica")
        for step in (
            lambda: load_events(cursor, events),
            lambda: load_sources(cursor, sources),
            lambda: load_claims(cursor, claims, sources, users),
            lambda: load_attributions(cursor, claims, sources),
            lambda: load_flags_and_tolls(cursor, events),
            lambda: load_history(cursor),
        ):
            step()
        cursor.execute("SET session_replication_role = DEFAULT")
        for _, create in indexes:
            cursor.execute(create)
        for table in ("claims_event", "claims_source", "claims_claim", "claims_attribution",
                      "claims_conflictflag", "claims_toll", "claims_historicalclaim",
                      "claims_historicalattribution"):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', "
                f"'{'history_id' if 'historical' in table else 'id'}'), "
                f"(SELECT coalesce(max({'history_id' if 'historical' in table else 'id'}), 1) "
                f"FROM {table}))"
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
