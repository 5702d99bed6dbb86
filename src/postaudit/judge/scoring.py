"""Scores: rule outcomes -> category scores -> page score -> site score (pure).

A rule that applies scores 1.0 (passed), 0.0 (failed) or a fraction (3 of 4 images
fine = 0.75); a rule that does not apply is left out, not counted as passed. A
category score is the weighted mean of its rules' scores x 100; the page score is the
weighted mean of the category scores that exist; the site score is the mean of the
page scores. Scores are shown as integers 0-100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from postaudit.model import SCORED_CATEGORIES, Category, RuleOutcome

#: How much each category weighs in the page score (documented in docs/usage.md, Scoring).
CATEGORY_WEIGHTS: Mapping[Category, float] = {
    Category.ALT_TEXT: 1.0,
    Category.HEADINGS: 1.0,
    Category.KEYWORDS: 1.0,
    Category.READABILITY: 1.0,
    Category.LINKS: 1.0,
    Category.METADATA: 1.0,
    # equal to the others: a share card and a search snippet are seen before the post
    # is read, as much as its title is (docs/appearance.md)
    Category.APPEARANCE: 1.0,
}


def weighted_mean(pairs: Iterable[tuple[float | None, float]]) -> float | None:
    """Mean of (score, weight) pairs, skipping None scores and zero weights."""
    total = 0.0
    weights = 0.0
    for score, weight in pairs:
        if score is None or weight <= 0:
            continue
        total += score * weight
        weights += weight
    if weights == 0:
        return None
    return total / weights


def category_scores(outcomes: Sequence[RuleOutcome]) -> dict[Category, int | None]:
    out: dict[Category, int | None] = {}
    for category in SCORED_CATEGORIES:
        mean = weighted_mean((o.score, o.weight) for o in outcomes if o.category is category)
        out[category] = None if mean is None else round(mean * 100)
    return out


def page_score(categories: Mapping[Category, int | None]) -> int | None:
    mean = weighted_mean(
        (float(s) if s is not None else None, CATEGORY_WEIGHTS.get(c, 0.0))
        for c, s in categories.items()
    )
    return None if mean is None else round(mean)


def site_score(page_scores: Iterable[int | None]) -> int | None:
    mean = weighted_mean((float(s) if s is not None else None, 1.0) for s in page_scores)
    return None if mean is None else round(mean)


def band(score: int | None) -> str:
    """Lighthouse's colour bands: 90-100 pass, 50-89 average, 0-49 fail."""
    if score is None:
        return "none"
    if score >= 90:
        return "pass"
    if score >= 50:
        return "average"
    return "fail"
