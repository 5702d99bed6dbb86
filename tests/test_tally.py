"""report.tally: the bounded "n smallest" the page-by-page formats keep, and the
one-pass page counts."""

from __future__ import annotations

import random

import pytest

from postaudit.config import Config
from postaudit.model import PageResult
from postaudit.report.tally import PageTally, Smallest
from postaudit.run.pipeline import audit_html


@pytest.mark.parametrize("n", [0, 1, 3, 10, 25])
def test_smallest_is_sorted_then_cut_ties_in_insertion_order(n: int) -> None:
    rng = random.Random(n)
    items = [(rng.randint(0, 5), i) for i in range(700)]  # many equal keys
    top: Smallest[tuple[int, int]] = Smallest(n, key=lambda item: item[0])
    for item in items:
        top.add(item)
    assert top.result() == sorted(items, key=lambda item: item[0])[:n]
    assert top.total == len(items)


def test_smallest_holds_a_bounded_number_of_items() -> None:
    top: Smallest[int] = Smallest(5, key=lambda item: -item)
    for item in range(10_000):
        top.add(item)
        assert len(top._items) <= 2 * 5 + 64 + 1
    assert top.result() == [9999, 9998, 9997, 9996, 9995]


def page(url: str, score: int | None, error: str | None = None) -> PageResult:
    return PageResult(url, None, None, score, {}, (), error=error)


def test_page_tally_counts_pages_errors_scores_and_severities() -> None:
    config = Config()
    audited = audit_html(
        '<html><body><img src="a.png"><h3>x</h3></body></html>',
        "https://example.com/d",
        config,
        config.ruleset(),
    )
    pages = [
        page("https://example.com/a", 80),
        page("https://example.com/b", None, "HTTP 404"),
        page("https://example.com/c", 40, "slow"),
        audited,
    ]
    tally = PageTally()
    assert [p.url for p in tally.count(pages)] == [p.url for p in pages]
    assert (tally.pages, tally.errors, tally.unscored_errors) == (4, 2, 1)
    assert tally.scores == [80, None, 40, audited.score]
    assert tally.severities == audited.counts() and sum(tally.severities.values()) > 2
    lean = PageTally(keep_scores=False)
    list(lean.count(pages))
    assert lean.scores == [] and lean.pages == 4
