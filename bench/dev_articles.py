"""Score article drafts against the annotated dev articles (../shared/data/articles).

Used by ``bench/ingest.py`` (which prints the figures beside its speed) and by
``tests/test_ingest_dev_articles.py`` (which runs every article through
``ingest_article --dry-run --format json``). Both hand over the dry-run JSON, so the
same drafts are scored however they were made.

The three figures of issue #13, per article:

- **figure recall**: an annotated figure is found when a draft gives the same
  interval and its count phrase lies inside the annotated quote (a draft that stands
  for repeats of its figure counts at each place it lists in ``mentions``). Matching
  by place, not by interval alone, so that "five" found in one sentence does not
  stand for another sentence's "five";
- **claimant right**: of the figures found, those where a draft found for it (not the
  publisher's relay, unless the annotation is itself a relay) names a claimant that
  shares a content word with the annotated claimant;
- **kept apart**: figures the annotation puts in a later event (an earlier, separate
  or cumulative incident) that no draft of the first event gives;
- **non-counts taken**: drafts whose count phrase lies inside one of the annotation's
  ``not_counts`` (dates, ages, vehicles, attackers...): must be zero.

Also, for information: the main event's date (exact) and place (shares a content word).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claims.counts import extract_counts

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "articles"

# Words that say nothing about who spoke: articles, prepositions, and the annotation's
# own bracketed remarks ("(headline)", "(anonymous)", "repeat mention").
STOP = frozenset(
    " ".join(
        [
            "a an the of in on at to for from by with and or as who which that this these",
            "those its his her their our it he she they said says told according also other",
            "another some le la les l de du des d un une et au aux en par pour sur dans avec",
            "qui headline attribution anonymous unnamed statement copy repeat mention",
            "mentions speaking republished wire via same",
        ]
    ).split()
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def content_words(name: str) -> set[str]:
    """Lower-case words of a name, without articles or elisions, singular-ish."""
    words = set()
    for raw in _WORD.findall(unicodedata.normalize("NFC", name).casefold()):
        word = re.sub(r"^[ldjnsc]['’]", "", raw).strip("'’-")
        if len(word) > 1 and word not in STOP:
            words.add(word.removesuffix("s") if len(word) > 3 else word)
    return words


def article_ids() -> list[str]:
    return sorted(p.stem for p in DATA.glob("dev-*.json"))


def load(article_id: str) -> tuple[str, dict[str, Any]]:
    text = (DATA / f"{article_id}.txt").read_text(encoding="utf-8")
    annotation = json.loads((DATA / f"{article_id}.json").read_text(encoding="utf-8"))
    return text, annotation


def publisher_of(annotation: dict[str, Any]) -> str:
    """The publisher's own name: "The Sun Daily (Malaysia); AFP wire copy" -> "The Sun Daily"."""
    name = annotation["publisher"].split(";")[0]
    return re.sub(r"\s*[(,].*$", "", name).strip()


def published_of(annotation: dict[str, Any]) -> datetime:
    """Noon UTC on the publication day (the annotations give days, not times)."""
    day = datetime.fromisoformat(annotation["published"])
    return day.replace(hour=12, tzinfo=UTC)


def _spans(text: str, fragment: str) -> Iterator[tuple[int, int]]:
    start = text.find(fragment)
    while start != -1:
        yield start, start + len(fragment)
        start = text.find(fragment, start + 1)


def _places(claim: dict[str, Any]) -> list[tuple[int, int]]:
    places = [(claim["start"], claim["end"])]
    places += [tuple(m) for m in claim.get("mentions") or []]
    return places  # type: ignore[return-value]


def _inside(places: list[tuple[int, int]], spans: list[tuple[int, int]]) -> bool:
    return any(a <= s and e <= b for s, e in places for a, b in spans)


@dataclass
class Tally:
    """What is counted figure by figure, for one article or for all of them."""

    figures: int = 0
    found: int = 0
    claimant_right: int = 0
    later: int = 0
    kept_apart: int = 0
    non_counts_taken: int = 0
    # Figures missed because claims.counts finds no count with that interval there.
    missed_by_counts: int = 0


@dataclass
class ArticleScore(Tally):
    article: str = ""
    date_right: bool = False
    place_right: bool = False
    notes: list[str] = field(default_factory=list)


def _drafts(drafts: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return [(i, c) for i, e in enumerate(drafts["events"]) for c in e["claims"] if c["count_text"]]


def score(
    article: str, text: str, annotation: dict[str, Any], drafts: dict[str, Any]
) -> ArticleScore:
    """How the dry-run JSON ``drafts`` of ``text`` compares with its ``annotation``."""
    result = ArticleScore(article=article)
    found = _drafts(drafts)
    counted = [(m.start, m.end, m.low, m.high) for m in extract_counts(text)]
    for index, event in enumerate(annotation["events"]):
        for claim in event["claims"]:
            _score_figure(result, text, claim, index, found, counted)
    for fragment in annotation.get("not_counts", []):
        spans = list(_spans(text, fragment))
        for _, c in found:
            if _inside(_places(c), spans) or any(a < c["end"] and c["start"] < b for a, b in spans):
                result.non_counts_taken += 1
                result.notes.append(f"non-count taken: {c['count_text']!r} in {fragment!r}")
    _score_main_event(result, annotation, drafts)
    return result


def _score_figure(
    result: ArticleScore,
    text: str,
    claim: dict[str, Any],
    index: int,
    found: list[tuple[int, dict[str, Any]]],
    counted: list[tuple[int, int, int, int | None]],
) -> None:
    interval = (claim["count_low"], claim["count_high"])
    spans = list(_spans(text, claim["quote"]))
    here = [
        (i, c)
        for i, c in found
        if (c["count_low"], c["count_high"]) == interval and _inside(_places(c), spans)
    ]
    result.figures += 1
    label = f"{claim['quote'][:60]!r} {list(interval)}"
    if index > 0:
        result.later += 1
        if any(i == 0 for i, _ in here):
            result.notes.append(f"in the first event, annotated in event {index + 1}: {label}")
        else:
            result.kept_apart += 1
    if not here:
        gap = not any(
            (low, high) == interval and _inside([(a, b)], spans) for a, b, low, high in counted
        )
        result.missed_by_counts += gap
        result.notes.append(f"figure missed{' (counts.py has none)' if gap else ''}: {label}")
        return
    result.found += 1
    relay = claim["stance"] == "relays"
    speakers = [c for _, c in here if (c["stance"] == "relays") == relay] or [c for _, c in here]
    want = content_words(claim["claimant"])
    if any(content_words(c["claimant"]) & want for c in speakers):
        result.claimant_right += 1
    else:
        names = sorted({c["claimant"] for c in speakers})
        result.notes.append(f"claimant {names} for {claim['claimant']!r}: {label}")


def _score_main_event(
    result: ArticleScore, annotation: dict[str, Any], drafts: dict[str, Any]
) -> None:
    main = annotation["events"][0]
    first = drafts["events"][0] if drafts["events"] else {"date": None, "place": ""}
    expected = main["date"] if main["date"] and len(main["date"]) == 10 else None
    if main["date"] and "/" in main["date"]:
        expected = main["date"].split("/")[0]
    result.date_right = first["date"] == expected
    if not result.date_right:
        result.notes.append(f"main date {first['date']} for {main['date']}")
    result.place_right = bool(content_words(first["place"]) & content_words(main["place"] or ""))
    if not result.place_right:
        result.notes.append(f"main place {first['place']!r} for {main['place']!r}")


@dataclass
class Totals(Tally):
    dates: int = 0
    places: int = 0
    articles: int = 0

    def add(self, s: ArticleScore) -> None:
        for counted in fields(Tally):
            setattr(self, counted.name, getattr(self, counted.name) + getattr(s, counted.name))
        self.dates += s.date_right
        self.places += s.place_right
        self.articles += 1

    @property
    def recall(self) -> float:
        return self.found / self.figures if self.figures else 1.0

    @property
    def claimant_rate(self) -> float:
        return self.claimant_right / self.found if self.found else 1.0


def table(scores: list[ArticleScore]) -> str:
    """A markdown table: one row per article and the totals."""
    lines = [
        "| article | figures | found | missed: no count in counts.py | claimant right "
        "| later-event figures kept apart | non-counts taken | main date | main place |",
        "|---|---:|---:|---:|---:|---:|---:|:-:|:-:|",
    ]
    totals = Totals()
    for s in scores:
        totals.add(s)
        lines.append(
            f"| {s.article} | {s.figures} | {s.found} | {s.missed_by_counts} | "
            f"{s.claimant_right} | {s.kept_apart}/{s.later} | {s.non_counts_taken} | "
            f"{'yes' if s.date_right else 'no'} | {'yes' if s.place_right else 'no'} |"
        )
    lines.append(
        f"| **all** | {totals.figures} | {totals.found} ({totals.recall:.1%}) | "
        f"{totals.missed_by_counts} | "
        f"{totals.claimant_right} ({totals.claimant_rate:.1%}) | "
        f"{totals.kept_apart}/{totals.later} | {totals.non_counts_taken} | "
        f"{totals.dates}/{totals.articles} | {totals.places}/{totals.articles} |"
    )
    return "\n".join(lines)
