"""Core value types shared by every stage: severities, categories, findings, results.

Everything here is a frozen dataclass or an enum, cheap to build and to serialise.
Rules yield `Hit`s; the engine stamps them into `Finding`s; scoring and reports
read `PageResult`s and the `Report`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How sure a finding is, and so how much it asks of the reader (`SEVERITY_CONTRACT`).

    A rule's default severity keeps this contract on real pages; a rule that cannot
    (a heuristic, a score, a matter of style) is given the lower severity. A note about
    the tool itself (a language it cannot measure, a scope it could not find) is no
    finding at all: it is a fact in the report."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """3 for an error down to 1 for info: the higher, the worse (`SEVERITY_ORDER`)."""
        return _SEVERITY_RANK[self]

    @property
    def meaning(self) -> str:
        """What a finding of this severity promises (shown by `postaudit rules`)."""
        return SEVERITY_CONTRACT[self]


#: The one severity order, worst first: every list, count and sort by severity uses it.
SEVERITY_ORDER: tuple[Severity, ...] = (Severity.ERROR, Severity.WARNING, Severity.INFO)

_SEVERITY_RANK = {s: len(SEVERITY_ORDER) - i for i, s in enumerate(SEVERITY_ORDER)}

#: The severity contract, worst first: what each severity promises the reader.
SEVERITY_CONTRACT: dict[Severity, str] = {
    Severity.ERROR: "a certain failure: the page is wrong and the finding proves it",
    Severity.WARNING: "a likely problem a careful editor would fix",
    Severity.INFO: "an actionable suggestion; the page may be fine as it is",
}


class Category(StrEnum):
    ALT_TEXT = "alt_text"
    HEADINGS = "headings"
    KEYWORDS = "keywords"
    READABILITY = "readability"
    LINKS = "links"
    METADATA = "metadata"
    APPEARANCE = "appearance"  # S rules: share cards, structured data, image layout
    FETCH = "fetch"  # X rules: fetch and tool errors; never scored

    @property
    def label(self) -> str:
        return _CATEGORY_LABELS[self]


_CATEGORY_LABELS = {
    Category.ALT_TEXT: "Alt text",
    Category.HEADINGS: "Headings",
    Category.KEYWORDS: "Keywords",
    Category.READABILITY: "Readability",
    Category.LINKS: "Links",
    Category.METADATA: "Metadata",
    Category.APPEARANCE: "Appearance",
    Category.FETCH: "Fetch",
}

#: The categories that carry a score, in report order.
SCORED_CATEGORIES: tuple[Category, ...] = (
    Category.ALT_TEXT,
    Category.HEADINGS,
    Category.KEYWORDS,
    Category.READABILITY,
    Category.LINKS,
    Category.METADATA,
    Category.APPEARANCE,
)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is: a CSS selector, the source line when known, a markup excerpt."""

    selector: str | None = None
    line: int | None = None
    excerpt: str | None = None
    #: Rule selectors (codes, prefixes, names; "*" = all) switched off here by
    #: `data-postaudit-ignore` on the element or an ancestor. Not part of the JSON.
    suppressed: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"selector": self.selector, "line": self.line, "excerpt": self.excerpt}

    # By value, whatever the class: a `LazyLocation` equals the `Location` it works out
    # to (records are matched by location, say a heading's to its prose block).
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Location):
            return NotImplemented
        return (self.selector, self.line, self.excerpt) == (
            other.selector,
            other.line,
            other.excerpt,
        )

    def __hash__(self) -> int:
        return hash((self.selector, self.line, self.excerpt))

    def plain(self) -> Location:
        """This location as a plain `Location` (a `LazyLocation` is worked out)."""
        return self


class LazyLocation(Location):
    """A `Location` worked out on first use: most of a page's links are never reported,
    and a selector and an excerpt cost more than the rest of a link's record. Reads
    behave as `Location`'s; `plain()` gives the plain value a finding keeps (the engine
    stamps findings with it, so reports, pickles and comparisons never see this class)."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], Location]) -> None:
        object.__setattr__(self, "_make", make)

    def __getattr__(self, name: str) -> Any:
        # only reached while a field is unset: fill every field from the real location
        if name not in ("selector", "line", "excerpt", "suppressed"):
            raise AttributeError(name)
        real = self._make()
        for key in ("selector", "line", "excerpt", "suppressed"):
            object.__setattr__(self, key, getattr(real, key))
        object.__setattr__(self, "_make", None)  # let the parse tree go
        return getattr(real, name)

    def plain(self) -> Location:
        return Location(self.selector, self.line, self.excerpt, self.suppressed)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Location, (self.selector, self.line, self.excerpt, self.suppressed))


NOWHERE = Location()


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule yields: a specific message, where, and optionally a partial score.

    `key` is a stable locator for the fingerprint (an image src, a heading's text);
    when empty, the location's selector is used. `score` is for graded rules (0..1);
    binary rules leave it None, which counts as 0 for the rule.
    """

    message: str
    location: Location = NOWHERE
    score: float | None = None
    key: str = ""
    fix: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """A hit stamped by the engine with the page url, rule id and configured severity."""

    url: str
    code: str
    name: str
    category: Category
    severity: Severity
    message: str
    location: Location
    fix: str
    key: str = ""
    occurrence: int = 0  # index among the page's findings with the same locator (engine)

    @property
    def locator(self) -> str:
        """The stable part of the identity: the rule's `key` (an image src, a heading's
        text); else the selector without positional `:nth-of-type(n)` steps (a paragraph
        inserted above must not shift it); else the message."""
        if self.key:
            return self.key
        if self.location.selector:
            return _NTH.sub("", self.location.selector)
        return self.message

    @property
    def fingerprint(self) -> str:
        """Line-insensitive identity: url + code + locator (+ occurrence when > 0).

        Neither the line nor the message is part of it, so edits elsewhere on the page
        do not make a finding "new"; two identical problems get different occurrence
        numbers, so a second one is new against a baseline that had one."""
        parts = [self.url, self.code, self.locator]
        if self.occurrence:
            parts.append(str(self.occurrence))
        raw = "\x1f".join(parts)
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "category": str(self.category),
            "severity": str(self.severity),
            "message": self.message,
            "location": self.location.to_dict(),
            "fix": self.fix,
            "fingerprint": self.fingerprint,
        }


_NTH = re.compile(r":nth-of-type\(\d+\)")


def number_occurrences(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Findings (in their final order) with `occurrence` set: 0 for the first with a
    given (url, code, locator), 1 for the second, ... so fingerprints are unique."""
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for f in findings:
        ident = (f.url, f.code, f.locator)
        n = seen.get(ident, 0)
        seen[ident] = n + 1
        out.append(f if f.occurrence == n else replace(f, occurrence=n))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """One rule's result on one page: its score (None = not applicable) and findings."""

    code: str
    category: Category
    weight: float
    score: float | None
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class PageResult:
    url: str
    final_url: str | None
    status: int | None
    score: int | None
    categories: Mapping[Category, int | None]
    findings: tuple[Finding, ...]
    facts: Mapping[str, Any] = field(default_factory=dict)
    error: str | None = None  # one-line reason when the page could not be audited

    def counts(self) -> dict[Severity, int]:
        out = {s: 0 for s in Severity}
        for f in self.findings:
            out[f.severity] += 1
        return out

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)


@dataclass(frozen=True, slots=True)
class Report:
    pages: tuple[PageResult, ...]
    site_findings: tuple[Finding, ...] = ()
    summary: Mapping[str, Any] = field(default_factory=dict)

    def findings(self) -> Iterator[Finding]:
        for page in self.pages:
            yield from page.findings
        yield from self.site_findings

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings()), key=lambda s: s.rank, default=None)


# --------------------------------------------------------------------------- link status
# What one link target answered: found by the link checks (gather), read by the pages
# (parse) and the link rules.


class LinkState(StrEnum):
    OK = "ok"  # 2xx (or an existing local file)
    REDIRECTED = "redirected"  # 2xx after one or more redirects
    BROKEN = "broken"  # 4xx/5xx, DNS, refused, timeout after retries, missing file
    UNVERIFIED = "unverified"  # bot wall, login required, still rate limited
    SKIPPED = "skipped"  # excluded by --exclude-link


@dataclass(frozen=True, slots=True)
class Hop:
    status: int
    url: str  # the URL that answered with `status`
    location: str  # where it pointed

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "url": self.url, "location": self.location}


@dataclass(frozen=True, slots=True)
class LinkStatus:
    """What one URL answered. Plain data; `elapsed` is left out of `to_dict` (reports
    must be deterministic)."""

    url: str
    state: LinkState
    status: int | None = None  # final HTTP status; None for local files and network errors
    final_url: str | None = None  # after redirects (local: the file's URI)
    chain: tuple[Hop, ...] = ()
    error: str | None = (
        None  # kind: http_status, dns, connect, timeout, bot_wall, missing_file, ...
    )
    message: str = ""  # one line for humans: "HTTP 404 Not Found"
    elapsed: float = 0.0  # seconds, waits for retries included
    method: str = ""  # "HEAD", "GET", "page" (the audited page's own fetch), "file", ""
    attempts: int = 0
    title: str | None = None  # the target's <title>, when its body was read
    headings: tuple[str, ...] = ()  # its <h1> texts (and og:title)
    read_body: bool = False  # title/headings are known (possibly empty)

    @property
    def fine(self) -> bool:
        """Not a problem: ok, redirected, unverified or skipped."""
        return self.state is not LinkState.BROKEN

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "state": str(self.state),
            "status": self.status,
            "final_url": self.final_url,
            "redirects": [h.to_dict() for h in self.chain],
            "error": self.error,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinkStatus:
        """Build a status from plain data (fixtures and tests)."""
        chain = tuple(
            Hop(int(h["status"]), str(h["url"]), str(h["location"]))
            for h in data.get("redirects", ())
        )
        state = LinkState(data.get("state") or _state_for(data.get("status"), chain))
        return cls(
            url=str(data["url"]),
            state=state,
            status=data.get("status"),
            final_url=data.get("final_url") or (chain[-1].location if chain else data["url"]),
            chain=chain,
            error=data.get("error"),
            message=str(data.get("message", "")),
            title=data.get("title"),
            headings=tuple(data.get("headings", ())),
            read_body="title" in data or "headings" in data,
        )


def _state_for(status: int | None, chain: Sequence[Hop]) -> LinkState:
    if status is None or status >= 400:
        return LinkState.BROKEN
    return LinkState.REDIRECTED if chain else LinkState.OK
