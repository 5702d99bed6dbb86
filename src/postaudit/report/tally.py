"""Figures of a report's pages counted in one pass, for the formats written page by
page: how many pages, how many could not be audited, the page scores and the findings
by severity. A page is read, counted and let go, so memory stays flat (the scores are
one small integer a page, kept only when the site score must be computed)."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from postaudit.model import Finding, PageResult, Severity

T = TypeVar("T")


@dataclass(slots=True)
class PageTally:
    """Counts over the pages passed through `count` (see the module docstring)."""

    keep_scores: bool = True
    pages: int = 0
    errors: int = 0  # pages with an error
    unscored_errors: int = 0  # pages with an error and no score
    scores: list[int | None] = field(default_factory=list)
    severities: dict[Severity, int] = field(default_factory=lambda: dict.fromkeys(Severity, 0))

    def add(self, page: PageResult) -> None:
        self.pages += 1
        if page.error is not None:
            self.errors += 1
            if page.score is None:
                self.unscored_errors += 1
        if self.keep_scores:
            self.scores.append(page.score)
        for f in page.findings:
            self.severities[f.severity] += 1

    def add_findings(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            self.severities[f.severity] += 1

    def count(self, pages: Iterable[PageResult]) -> Iterator[PageResult]:
        """`pages` as they come, each one counted."""
        for page in pages:
            self.add(page)
            yield page


class Smallest(Generic[T]):
    """The `n` smallest items by `key`, in order, from items added one at a time: what
    `sorted(items, key=key)[:n]` gives (ties keep the order they were added in), while
    holding at most about 2n items."""

    def __init__(self, n: int, key: Callable[[T], Any]) -> None:
        self._n = n
        self._key = key
        self._items: list[tuple[Any, int, T]] = []
        self._seq = itertools.count()
        self.total = 0  # every item added

    def add(self, item: T) -> None:
        self.total += 1
        self._items.append((self._key(item), next(self._seq), item))
        if len(self._items) > 2 * self._n + 64:
            self._items = heapq.nsmallest(self._n, self._items, key=_rank)

    def result(self) -> list[T]:
        return [item for _, _, item in heapq.nsmallest(self._n, self._items, key=_rank)]


def _rank(entry: tuple[Any, int, Any]) -> tuple[Any, int]:
    return entry[0], entry[1]


__all__ = ["PageTally", "Smallest"]
