"""Benchmark article extraction (claims.extraction.extract_article) without a database.

Run from the project root:

    .venv/bin/python bench/ingest.py            # 300 articles of about 1,000 words
    .venv/bin/python bench/ingest.py --quick    # 60 articles
    .venv/bin/python bench/ingest.py --notes    # also say what each dev article missed

Beside its speed, it scores the drafts of the fourteen annotated dev articles
(``bench/dev_articles.py``): figure recall, claimant right, later-event figures kept
out of the first event, non-counts taken as counts.

The corpus: articles of about 1,000 words assembled (with a fixed seed) from the
paragraphs of the shared Mali article, the sentences of the dev data
(count_phrases.dev.jsonl, events.dev.jsonl), read by path and never copied, and our
own short paragraphs below (attributions, denials, anonymous sources, a second
incident, French, prose with no figure). Every article goes through, in the same
run and on one core:

- a bare regex word scan (``re.findall(r"\\w+")``): the floor for reading the text once;
- ``claims.counts.extract_counts`` alone: the count mentions the extraction starts from;
- ``extract_article``: the whole extraction (sentences, counts, attribution frames,
  claimants, stances, incidents, places, dates).

Timings are per article scaled to 1,000 words; the table gives the median and the
95th percentile, and articles per second. The target is under 50 ms per 1,000-word
article. The first call pays one-time costs (compiling regexes, and importing dateparser
when a date phrase needs it); it is measured apart and left out of the medians.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import dev_articles  # noqa: E402
from claims.counts import extract_counts  # noqa: E402
from claims.extraction import ArticleDraft, extract_article  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
PUBLISHED = datetime(2024, 11, 22, 10, 0, tzinfo=UTC)
WORDS = re.compile(r"\w+")

# Our own paragraphs, in the shapes news copy takes.
OWN = [
    "Gunmen killed 14 villagers in the village of Dounkan in the Ségou region on Monday, "
    "according to a local mayor who asked not to be named.",
    "The army said 12 soldiers were wounded when their patrol struck a roadside bomb on the "
    "road to the market town the same afternoon.",
    "In a statement posted online, the rebel coalition claimed it had killed 30 soldiers and "
    "captured several vehicles during the raid.",
    '"Twenty-three people died here," said a nurse at the district hospital, adding that '
    "dozens more were being treated for burns.",
    "The defence ministry denied the figure on Tuesday, saying two soldiers had died and "
    "eleven were wounded.",
    "A security source who requested anonymity told the agency that at least 40 people were "
    "killed, most of them herders.",
    "In a separate attack on Wednesday, four gendarmes were wounded near Djibo, the army said.",
    "Selon une source sécuritaire, au moins quinze soldats ont été tués jeudi dans la région "
    "de Tillabéri, au Niger.",
    "L'armée a démenti ce bilan, affirmant que cinq soldats avaient été tués et qu'une "
    "vingtaine de civils avaient été blessés.",
    "Months earlier, nearly 60 fighters died in an ambush near the border with Niger, "
    "residents said.",
    "The president toured the northern provinces on Friday and promised new roads, schools "
    "and a water network before the rainy season.",
    "Aid groups warned that the closure of the main road since March has left markets empty "
    "and pushed food prices up sharply across the region.",
]


def paragraphs() -> list[str]:
    found = list(OWN)
    mali = (DATA / "articles" / "mali-wagner-ambush.txt").read_text(encoding="utf-8")
    found += [p.strip() for p in mali.split("\n\n") if len(p.split()) > 20]
    for line in (DATA / "count_phrases.dev.jsonl").read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"].strip()
        found.append(text[0].upper() + text[1:] + ("" if text[-1] in '.!?”"' else "."))
    for line in (DATA / "events.dev.jsonl").read_text(encoding="utf-8").splitlines():
        for claim in json.loads(line)["claims"]:
            text = claim["text"].strip()
            found.append(text[0].upper() + text[1:] + ("" if text[-1] in '.!?”"' else "."))
    return found


def corpus(n: int, words: int = 1000, seed: int = 6) -> list[str]:
    rng = random.Random(seed)
    pool = paragraphs()
    articles = []
    for _ in range(n):
        parts: list[str] = ["Headline about an attack in the Sahel"]
        count = 0
        while count < words:
            # Sentences in threes make paragraphs of news length.
            para = " ".join(rng.choice(pool) for _ in range(3))
            parts.append(para)
            count += len(para.split())
        articles.append("\n\n".join(parts))
    return articles


def per_1000_words(fn: Callable[[str], object], articles: list[str]) -> list[float]:
    """Milliseconds per article, scaled to 1,000 words."""
    out = []
    for text in articles:
        n = len(text.split())
        start = time.perf_counter()
        fn(text)
        out.append((time.perf_counter() - start) * 1000 * 1000 / n)
    return out


def extract(text: str) -> ArticleDraft:
    # Each article its own publication time, as in real use: no date cache carries over.
    published = PUBLISHED + timedelta(hours=len(text))
    return extract_article(text, publisher="Wire Agency", published=published)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="60 articles instead of 300")
    parser.add_argument("--notes", action="store_true", help="what each dev article missed")
    args = parser.parse_args()
    articles = corpus(60 if args.quick else 300)
    words = [len(a.split()) for a in articles]

    start = time.perf_counter()
    extract(articles[0])  # compiles the regexes (and imports dateparser if a date needs it)
    cold = (time.perf_counter() - start) * 1000

    runs = {
        "bare regex word scan (floor)": per_1000_words(WORDS.findall, articles),
        "extract_counts alone (baseline)": per_1000_words(extract_counts, articles),
        "extract_article (full extraction)": per_1000_words(extract, articles),
    }
    drafts = sum(len(e.claims) for a in articles for e in extract(a).events)

    print(
        f"{len(articles)} articles, {statistics.median(words):.0f} words each (median), "
        f"{drafts} drafts in all; Python {sys.version.split()[0]}, one core."
    )
    print(f"First call (one-time set-up): {cold:.0f} ms, not counted.\n")
    full = statistics.median(runs["extract_article (full extraction)"])
    print("| what | ms per 1,000-word article (median) | p95 | articles/s | × baseline |")
    print("|---|---:|---:|---:|---:|")
    baseline = statistics.median(runs["extract_counts alone (baseline)"])
    for name, times in runs.items():
        median = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"| {name} | {median:.2f} | {p95:.2f} | {1000 / median:,.0f} | "
            f"{median / baseline:.2f} |"
        )
    verdict = "meets" if full < 50 else "MISSES"
    print(f"\nTarget: under 50 ms per 1,000-word article: {verdict} ({full:.1f} ms).")
    score_dev_articles(notes=args.notes)


def score_dev_articles(*, notes: bool) -> None:
    """The dev articles' drafts against their annotations (targets from issue #13)."""
    scores = []
    for name in dev_articles.article_ids():
        text, annotation = dev_articles.load(name)
        drafts = extract_article(
            text,
            publisher=dev_articles.publisher_of(annotation),
            published=dev_articles.published_of(annotation),
        ).to_dict()
        scores.append(dev_articles.score(name, text, annotation, drafts))
    print("\nDev articles (../shared/data/articles), each through extract_article:\n")
    print(dev_articles.table(scores))
    totals = dev_articles.Totals()
    for s in scores:
        totals.add(s)
    gap = totals.missed_by_counts
    print(
        f"\nFigure recall {totals.recall:.1%} (target 95 %); {gap} of the "
        f"{totals.figures - totals.found} missed figures have no count from claims.counts "
        f"there (recall without them: {totals.found / (totals.figures - gap):.1%}). Claimant "
        f"right {totals.claimant_rate:.1%} (target 85 %). Later-event figures kept out of "
        f"the first event {totals.kept_apart}/{totals.later} (target all). Non-counts taken "
        f"{totals.non_counts_taken} (target 0)."
    )
    if notes:
        for s in scores:
            for note in s.notes:
                print(f"- {s.article}: {note}")


if __name__ == "__main__":
    main()
