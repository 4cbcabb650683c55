"""Benchmark claims.counts.extract_counts against quantulum3 and a bare regex scan.

Run from the project root:

    .venv/bin/python bench/counts.py            # full run, about a minute
    .venv/bin/python bench/counts.py --quick    # a few seconds

On the same inputs it prints throughput (MB/s of UTF-8 and mentions/s) on the
dev phrases (one call per phrase, as the product calls it), on synthetic
1,000-word articles (one call per article, the realistic workload: the ingest
calls it once per paragraph run of an article) and on a 5 MB synthetic
news-like text, for extract_counts, for quantulum3 and for a bare
``re.finditer(r"\\d[\\d,]*")`` scan (the floor: no tool that looks at digits can
be faster); then the accuracy of ours and quantulum3 on the dev phrases, and a
markdown table with medians and ratios. quantulum3 is a bench-only dependency.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claims.counts import extract_counts  # noqa: E402

DEV_PHRASES = ROOT.parent / "shared" / "data" / "count_phrases.dev.jsonl"
ARTICLES = "1,000-word articles"
FLOOR = re.compile(r"\d[\d,]*")

# --------------------------------------------------------------------------
# A deterministic news-like text: counts in every form, mixed with what is not
# a count (years, dates, times, money, percentages, ages, unit numbers) and
# plain prose. Our own words, not the dev phrases.

SOURCES = [
    "the army", "a local official", "the rebels", "the ministry", "witnesses",
    "a hospital source", "the governor", "aid workers", "the mayor", "residents",
]  # fmt: skip
COUNTS = [
    "12", "7", "1,400", "three", "at least 30", "more than 200", "nearly 50", "dozens of",
    "several", "about 80", "between 10 and 15", "hundreds of", "a few", "six", "up to 40",
    "some 400", "fifty-two", "no", "two hundred and five", "15-20", "over 25", "a dozen",
    "an estimated 300", "scores of", "several hundred",
]  # fmt: skip
GROUPS = ["civilians", "soldiers", "people", "fighters", "villagers", "children", "police officers"]
OUTCOMES = [
    "were killed", "were wounded", "died", "were abducted", "are missing",
    "were taken prisoner", "were injured", "were killed or wounded",
]  # fmt: skip
PROSE = [
    "The situation in the region remained tense after the attack, and schools stayed closed.",
    "Officials did not respond to requests for comment, and the claims could not be verified.",
    "The group has been active in the area for years, according to analysts who follow it.",
    "Humanitarian organisations warned that access to the villages was difficult.",
    "Local radio stations broadcast appeals for calm while patrols moved through the market.",
    "The government announced an investigation and promised to publish its findings.",
    "Families gathered outside the hospital waiting for news of their relatives.",
    "Roads leading to the town were blocked by checkpoints set up overnight.",
]
MONTHS = ["January", "March", "June", "August", "October", "December"]
DAYS = ["Monday", "Tuesday", "Thursday", "Sunday"]


def _sentence(r: random.Random) -> str:
    k = r.random()
    if k < 0.35:
        return (
            f"{r.choice(SOURCES).capitalize()} said {r.choice(COUNTS)} {r.choice(GROUPS)} "
            f"{r.choice(OUTCOMES)} in the attack on {r.choice(DAYS)}."
        )
    if k < 0.45:
        return (
            f"On {r.randint(1, 28)} {r.choice(MONTHS)} {r.randint(2015, 2024)}, the convoy "
            f"left at {r.randint(1, 12)} pm on Route {r.randint(1, 40)}."
        )
    if k < 0.55:
        return (
            f"The budget of ${r.randint(1, 90)} million, or {r.randint(100, 900)} euros a "
            f"family, has grown by {r.randint(2, 40)}% since {r.randint(2000, 2023)}."
        )
    if k < 0.6:
        return (
            f"A {r.randint(8, 17)}-year-old and the {r.randint(2, 30)}th battalion were "
            f"seen on {r.choice(MONTHS)} {r.randint(1, 28)}."
        )
    return r.choice(PROSE)


def news_text(size: int, seed: int = 2024) -> str:
    """About size characters of paragraphs, the same for the same seed."""
    r = random.Random(seed)
    paragraphs: list[str] = []
    n = 0
    while n < size:
        paragraph = " ".join(_sentence(r) for _ in range(r.randint(3, 7)))
        paragraphs.append(paragraph)
        n += len(paragraph) + 2
    return "\n\n".join(paragraphs)[:size]


def articles(text: str, words: int = 1000) -> list[str]:
    """text cut into articles of about words words, at paragraph ends."""
    found: list[str] = []
    current: list[str] = []
    n = 0
    for paragraph in text.split("\n\n"):
        current.append(paragraph)
        n += len(paragraph.split())
        if n >= words:
            found.append("\n\n".join(current))
            current, n = [], 0
    return found


# --------------------------------------------------------------------------
# Tools: each takes a list of texts (one call each) and returns the mentions found.


def ours(texts: list[str]) -> int:
    return sum(len(extract_counts(t)) for t in texts)


def floor(texts: list[str]) -> int:
    return sum(1 for t in texts for _ in FLOOR.finditer(t))


def quantulum(texts: list[str]) -> int:
    from quantulum3 import parser

    return sum(1 for t in texts for q in parser.parse(t) if q.unit.name in ("dimensionless", ""))


def measure(
    tools: Mapping[str, Callable[[list[str]], int]],
    texts: list[str],
    reps: int,
    loops: Mapping[str, int],
) -> dict[str, tuple[float, int]]:
    """Median CPU seconds per pass over texts for each tool, and the mentions of
    one pass. CPU time, and tools taking turns within each repetition, keep other
    work on the machine from skewing the comparison."""
    times: dict[str, list[float]] = {name: [] for name in tools}
    mentions = dict.fromkeys(tools, 0)
    for _ in range(reps):
        for name, tool in tools.items():
            start = time.process_time()
            for _ in range(loops.get(name, 1)):
                mentions[name] = tool(texts)
            times[name].append((time.process_time() - start) / loops.get(name, 1))
    return {name: (statistics.median(times[name]), mentions[name]) for name in tools}


# --------------------------------------------------------------------------
# Accuracy on the dev phrases: a line is right when a mention (for quantulum3,
# any quantity) has the expected interval (for quantulum3, the expected low or
# high as its value, since it has no intervals).


def accuracy_ours(rows: list[dict]) -> float:
    right = 0
    for row in rows:
        expected = (row["expected_low"], row["expected_high"])
        right += expected in [(m.low, m.high) for m in extract_counts(row["text"])]
    return right / len(rows)


def accuracy_quantulum(rows: list[dict]) -> float:
    from quantulum3 import parser

    right = 0
    for row in rows:
        wanted = {row["expected_low"]}
        if row["expected_high"] is not None:
            wanted.add(row["expected_high"])
        right += any(q.value in wanted for q in parser.parse(row["text"]))
    return right / len(rows)


def mb(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


class Results(dict[tuple[str, str], tuple[float, float]]):
    """(input, tool) -> (MB/s, mentions/s), each printed as it is recorded."""

    def record(self, inp: str, tool: str, texts: list[str], seconds: float, mentions: int) -> None:
        self[inp, tool] = (mb(texts) / seconds, mentions / seconds)
        print(
            f"{inp:<19} {tool:<11} {mb(texts):8.3f} MB  {seconds * 1000:9.1f} ms  "
            f"{mentions:7d} mentions  {mb(texts) / seconds:9.3f} MB/s  "
            f"{mentions / seconds:11.0f} mentions/s",
            flush=True,
        )


FAST = {"ours": ours, "regex floor": floor}
TOOLS = ("ours", "quantulum3", "regex floor")


def on_phrases(results: Results, phrases: list[str], reps: int) -> None:
    quantulum(["warm up 3 people"])
    timed = measure(FAST, phrases, reps, {"ours": 30, "regex floor": 200})
    timed |= measure({"quantulum3": quantulum}, phrases, 3, {})
    for name in TOOLS:
        results.record("dev phrases", name, phrases, *timed[name])


def on_articles(results: Results, arts: list[str], few: list[str], reps: int) -> dict[str, float]:
    """The realistic workload; returns the median CPU ms per article of each tool."""
    timed = measure(FAST, arts, reps, {})
    # quantulum3 paragraph by paragraph, as on the news text
    timed |= measure({"quantulum3": quantulum}, [p for a in few for p in a.split("\n\n")], 3, {})
    seconds, mentions = timed["quantulum3"]
    timed["quantulum3"] = (seconds * len(arts) / len(few), round(mentions * len(arts) / len(few)))
    print(
        f"quantulum3 on the articles: measured on {len(few)}, paragraph by paragraph, "
        f"extrapolated to {len(arts)}"
    )
    for name in TOOLS:
        results.record(ARTICLES, name, arts, *timed[name])
    return {name: timed[name][0] / len(arts) * 1000 for name in timed}


def on_news(results: Results, label: str, size: int, slice_size: int, reps: int) -> None:
    text = news_text(size)
    timed = measure(FAST, [text], reps, {})
    for name in ("ours", "regex floor"):
        results.record(label, name, [text], *timed[name])
    # quantulum3 gets slower than linear on long strings: give it the slice
    # paragraph by paragraph, as it is meant to be called, and extrapolate.
    paragraphs = news_text(slice_size).split("\n\n")
    seconds, mentions = measure({"quantulum3": quantulum}, paragraphs, 3, {})["quantulum3"]
    scale = size / slice_size
    print(
        f"quantulum3 on the news text: measured on a {slice_size // 1000} KB slice "
        f"({len(paragraphs)} paragraphs), extrapolated x{scale:g}"
    )
    results.record(label, "quantulum3", [text], seconds * scale, round(mentions * scale))


def print_tables(
    results: Results, inputs: tuple[str, ...], accuracy: tuple[float, float], lines: int,
    per_article: dict[str, float],
) -> None:  # fmt: skip
    print()
    print("| input | tool | MB/s | mentions/s | ours / tool (MB/s) |")
    print("|---|---|---:|---:|---:|")
    for inp in inputs:
        base = results[inp, "ours"][0]
        for tool in TOOLS:
            mbs, mps = results[inp, tool]
            note = " (extrapolated)" if tool == "quantulum3" and inp != "dev phrases" else ""
            ratio = "" if tool == "ours" else f"{base / mbs:.3g}x"
            print(f"| {inp} | {tool}{note} | {mbs:.3g} | {mps:,.0f} | {ratio} |")
    print()
    print("| dev phrases | ours | quantulum3 |")
    print("|---|---:|---:|")
    print(f"| accuracy ({lines} lines) | {accuracy[0]:.1%} | {accuracy[1]:.1%} |")
    print()
    print(
        f"{ARTICLES} (median CPU ms per article): ours {per_article['ours']:.3f}, "
        f"regex floor {per_article['regex floor']:.3f}, "
        f"quantulum3 {per_article['quantulum3']:.0f} (extrapolated)"
    )
    for inp in inputs:
        o, q, f = (results[inp, t][0] for t in TOOLS)
        print(
            f"{inp}: ours is {o / q:,.0f}x quantulum3 (target >= 100x) and "
            f"{f / o:.1f}x slower than the regex floor (target <= 10x)"
        )


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--quick", action="store_true", help="smaller inputs, fewer repetitions")
    quick = args.parse_args().quick
    warnings.filterwarnings("ignore")  # quantulum3 warns about its optional classifier

    size = 1_000_000 if quick else 5_000_000
    reps = 5 if quick else 9
    rows = [json.loads(line) for line in DEV_PHRASES.read_text(encoding="utf-8").splitlines()]
    phrases = [row["text"] for row in rows]
    print(
        f"CPU time, medians of {reps} repetitions (quantulum3: 3); "
        f"dev phrases: {len(phrases)} calls, one per phrase; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    results = Results()
    on_phrases(results, phrases, reps)
    arts = articles(news_text(size))[: 40 if quick else 200]
    per_article = on_articles(results, arts, arts[: 2 if quick else 5], reps)
    synthetic = f"news {size / 1e6:g} MB"
    on_news(results, synthetic, size, 20_000 if quick else 200_000, reps)
    accuracy = accuracy_ours(rows), accuracy_quantulum(rows)
    print(f"accuracy on the dev phrases: ours {accuracy[0]:.1%}, quantulum3 {accuracy[1]:.1%}")
    print_tables(results, ("dev phrases", ARTICLES, synthetic), accuracy, len(rows), per_article)


if __name__ == "__main__":
    main()
