"""Synthetic newsroom folders for tests and benchmarks: deterministic, mixed lengths.

The text is generated from a small phrase grammar (no copied prose); it reads like copy
enough for layout: sentences, paragraphs, subheads, pull quotes, photos.
"""

from __future__ import annotations

import random
from pathlib import Path

SUBJECTS = ["The council", "Residents", "The ministry", "Union leaders", "Farmers",
            "The mayor", "Teachers", "Port officials", "Analysts", "The court",
            "Hospital staff", "Local businesses", "The university", "Commuters"]
VERBS = ["approved", "questioned", "delayed", "welcomed", "criticized", "reviewed",
         "announced", "rejected", "expanded", "funded", "debated", "postponed"]
OBJECTS = ["a plan to rebuild the harbor", "the new rail timetable", "a budget for schools",
           "rules on short-term rentals", "the price of rice", "a wage agreement",
           "repairs to the river bridge", "a festival in the old market",
           "longer library hours", "a study of coastal erosion", "the ferry contract",
           "a program for young farmers", "plans for a solar plant"]
TAILS = ["after a long debate on Thursday", "despite objections from several members",
         "citing rising costs", "in a vote late last night", "for the second time this year",
         "as the winter season approaches", "according to documents seen by reporters",
         "following weeks of negotiations", "with support from neighboring towns", ""]
SECTIONS = ["national", "business", "world", "sports", "opinion"]


def sentence(rng: random.Random) -> str:
    tail = rng.choice(TAILS)
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    return f"{text} {tail}." if tail else f"{text}."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))


def write_story(folder: Path, n: int, rng: random.Random, section: str, priority: int,
                paragraphs: int, image: Path | None = None) -> Path:
    body = []
    for k in range(paragraphs):
        if k and k % 6 == 0:
            body.append(f"## {rng.choice(OBJECTS).capitalize()}")
        body.append(paragraph(rng))
    lines = ["---", f"headline: {rng.choice(SUBJECTS)} {rng.choice(VERBS)} "
                    f"{rng.choice(OBJECTS)}", f"section: {section}", f"priority: {priority}",
             f"byline: Reporter {n}", "published: 2026-11-27T18:00:00+09:00"]
    if paragraphs > 8 and n % 3 == 0:
        lines.append(f'pullquotes: ["{sentence(rng)}"]')
    if image is not None:
        lines += ["images:", f"  - {{src: {image.name}, caption: \"{sentence(rng)}\", "
                             "credit: \"epaper sample\"}"]
    lines.append("---")
    path = folder / f"story-{n:03d}.md"
    path.write_text("\n".join(lines) + "\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    return path


# paragraphs per story by priority: (lead, story, brief) ranges. "short" stories run about
# 60 % of wire lengths (a copy-short night: 40 of them fill about 7 broadsheet pages);
# "wire" ones run as agency copy does (leads 700-1,200 words, stories 250-800, briefs 40-130),
# a night with more copy than news hole, as desks usually have.
LENGTHS = {"short": ((10, 20), (3, 14), (1, 3)), "wire": ((20, 34), (7, 24), (1, 4))}


def make_corpus(folder: Path, count: int = 40, seed: int = 2026,
                image: Path | None = None, lengths: str = "short") -> list[Path]:
    """Write ``count`` articles into ``folder``: every section gets a long priority-1
    lead, then stories and briefs (paragraph counts from ``LENGTHS[lengths]``), the most
    important with a photo (if given)."""
    lead, story, brief = LENGTHS[lengths]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    photo = None
    if image is not None:
        photo = folder / image.name
        photo.write_bytes(image.read_bytes())
    paths = []
    for n in range(count):
        section = SECTIONS[n % len(SECTIONS)]
        priority = 1 if n < len(SECTIONS) else rng.choice([2, 3, 3, 3, 4, 5])
        # leads run long, briefs short, the rest anywhere between
        paragraphs = {1: rng.randint(*lead), 5: rng.randint(*brief)}.get(priority,
                                                                       rng.randint(*story))
        with_photo = photo if photo is not None and priority <= 2 else None
        paths.append(write_story(folder, n, rng, section, priority, paragraphs, with_photo))
    return paths
