"""Site level: findings that need several pages, and the site summary (pure).

A batch (`postaudit sitemap`, `postaudit merge`) keeps no `Page` after judging. What
the site rules need from each page is extracted while the page is still parsed
(`page_facts`, stored in `PageResult.facts["site"]`, so it also travels in the JSON
and JSONL reports and a merge or a resume can recompute everything from them):

- the title, meta description and main h1 (text and where they are), the canonical
  URL and whether the page is noindexed: duplicate titles (M620), descriptions (M621)
  and h1s (M622). Pages that are noindexed or name another page as canonical declare
  themselves duplicates and are left out;
- the previous/next post links (URL, side, `direction`, where): chains that are not
  reciprocal (L520), that loop (L521) or skip a post (L522), and orphans (L523);
- the (keyphrase, location) pairs its title or main h1 targets: cannibalisation (K220).

The main h1: with several, those inside the article scope first, then the one sharing
the most words with the `<title>`, the later one on a tie (a logo h1 comes first).

Previous/next are compared on a time axis: a link's `direction` (older/newer) when
the markup says it (Hexo NexT's rel="next" is the OLDER post), else prev = older and
next = newer. A's link to B on one axis is reciprocal when B's link on the other axis
leads back to A, so themes that reverse rel values are judged correctly.

`SiteCollector` accumulates, page by page in any order, everything the summary needs
(counts, score distribution, worst pages, most frequent findings) plus the compact
facts above; the result does not depend on the order pages arrive in.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from postaudit.judge.scoring import band
from postaudit.model import Finding, Location, PageResult, Severity, number_occurrences

#: The key of `PageResult.facts` holding a page's compact site facts.
SITE_FACTS = "site"
#: Score bands of the distribution (Lighthouse's colours).
BANDS: Mapping[str, str] = {"pass": "90-100", "average": "50-89", "fail": "0-49"}
#: How many pages a site finding's message names before "and N more".
NAMED = 3
WORST = 10
FREQUENT = 10

_NOINDEX = frozenset({"noindex", "none"})


# --------------------------------------------------------------------------- page facts


def _where(location: Location | None) -> list[Any] | None:
    if location is None or (location.selector is None and location.line is None):
        return None
    return [location.selector, location.line]


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    out = " ".join(text.split())
    return out or None


def main_h1(page: Any) -> Any:
    """The article's main h1, or None. With several h1s: those inside the article scope
    (when the scope is not the whole body), then the one sharing the most words with
    the `<title>`, the later one on a tie (a logo h1 in the header comes first)."""
    h1s = [h for h in page.headings if h.level == 1 and _clean(h.text) and not h.after_article]
    if len(h1s) <= 1:
        return h1s[0] if h1s else None
    inside = [h for h in h1s if h.in_article]
    if inside and len(inside) < len(h1s):
        h1s = inside
    title = set(_words(page.title or ""))
    best = max(range(len(h1s)), key=lambda i: (len(title & set(_words(h1s[i].text))), i))
    return h1s[best]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())


def _pager(link: Any) -> dict[str, Any] | None:
    if link is None or not link.url:
        return None
    return {
        "url": link.url,
        "side": link.side,
        "direction": link.direction,
        "where": _where(link.location),
    }


def _targets(page: Any, title: str | None, h1: str | None, context: Mapping[str, Any]) -> list[Any]:
    from postaudit.measure.coverage import article_title
    from postaudit.measure.matching import parse_keyphrases, parse_places

    lang = context.get("lang") or page.lang
    phrases = parse_keyphrases(context.get("keywords") or (), lang)
    places = parse_places(context.get("locations") or ())
    if not phrases or not places:
        return []
    named = article_title(page) if title else None
    texts = [t for t in (named, h1) if t]
    out: list[Any] = []
    for k in phrases:
        if not any(k.found_in(t) for t in texts):
            continue
        for p in places:
            if not any(p.found_in(t) for t in texts):
                continue
            in_h1 = bool(h1) and k.found_in(h1) and p.found_in(h1)
            in_title = bool(named) and k.found_in(named) and p.found_in(named)
            out.append([k.spec, p.spec, "h1" if in_h1 and not in_title else "title"])
    return out


def page_facts(page: Any, context: Mapping[str, Any]) -> dict[str, Any]:
    """The compact facts the site rules read, from a parsed `Page` (see the module
    docstring). `context` is the run context (keywords, locations, lang)."""
    title = _clean(page.title)
    description = _clean(page.meta_description)
    h1 = main_h1(page)
    h1_text = _clean(h1.text) if h1 is not None else None
    canonical = None
    if page.canonicals:
        href = page.canonicals[0].strip()
        if href:
            try:
                canonical = urljoin(page.final_url or page.url, href)
            except ValueError:
                canonical = None
    pagination = page.pagination
    return {
        "title": title,
        "title_at": _where(page.locate("title")) if title else None,
        "description": description,
        "description_at": _where(page.locate("description")) if description else None,
        "h1": h1_text,
        "h1_at": _where(h1.location) if h1 is not None else None,
        "canonical": canonical,
        "noindex": bool(_NOINDEX & set(page.robots)),
        "post": bool(pagination.found),
        "prev": _pager(pagination.prev),
        "next": _pager(pagination.next),
        "targets": _targets(page, title, h1_text, context),  # [keyphrase, place, "title"|"h1"]
        "ignore": sorted(page.ignored),
    }


# --------------------------------------------------------------------------- digests


@dataclass(frozen=True, slots=True)
class SitePage:
    """What the site rules keep of one audited page."""

    url: str
    final_url: str | None
    facts: Mapping[str, Any]

    @classmethod
    def of(cls, result: PageResult) -> SitePage | None:
        facts = result.facts.get(SITE_FACTS)
        if result.error is not None or not isinstance(facts, Mapping):
            return None
        return cls(result.url, result.final_url, facts)

    def at(self, key: str) -> Location:
        where = self.facts.get(key)
        if isinstance(where, list | tuple) and len(where) == 2:
            selector, line = where
            return Location(
                selector if isinstance(selector, str) else None,
                line if isinstance(line, int) and not isinstance(line, bool) else None,
            )
        return Location()

    def text(self, key: str) -> str | None:
        value = self.facts.get(key)
        return value if isinstance(value, str) and value else None

    def link(self, side: str) -> Mapping[str, Any] | None:
        value = self.facts.get(side)
        if isinstance(value, Mapping) and isinstance(value.get("url"), str):
            return value
        return None


def page_key(url: str | None) -> str | None:
    """URLs that name the same page compare equal: no fragment, scheme and host case,
    http = https, default ports, `index.html` and a trailing slash ignored."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower()
    scheme = parts.scheme.lower()
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = re.sub(r"/index\.html?$", "/", parts.path or "/").rstrip("/") or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


# --------------------------------------------------------------------------- rules

#: Emits one site finding: (rule code, page, message, location, key).
Emit = Callable[[str, SitePage, str, Location, str], None]


def _q(text: str, limit: int = 80) -> str:
    shown = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return f'"{shown}"'


def _others(pages: Sequence[SitePage]) -> str:
    named = ", ".join(p.url for p in pages[:NAMED])
    more = len(pages) - NAMED
    return f"{named} and {more} more" if more > 0 else named


def _indexable(page: SitePage) -> bool:
    if page.facts.get("noindex"):
        return False
    canonical = page.text("canonical")
    if canonical is None:
        return True
    return page_key(canonical) in (page_key(page.url), page_key(page.final_url))


def _duplicates(pages: Sequence[SitePage], emit: Emit) -> None:
    what = {
        "M620": ("title", "title"),
        "M621": ("description", "meta description"),
        "M622": ("h1", "h1"),
    }
    eligible = [p for p in pages if _indexable(p)]
    for code, (key, label) in what.items():
        groups: dict[str, list[SitePage]] = defaultdict(list)
        for p in eligible:
            value = p.text(key)
            if value is not None:
                groups[" ".join(value.split()).casefold()].append(p)
        for group in groups.values():
            if len(group) < 2:
                continue
            for p in group:
                others = [q for q in group if q is not p]
                value = p.text(key) or ""
                n = len(others)
                emit(
                    code,
                    p,
                    f"{label} {_q(value)} is also the {label} of {n} other "
                    f"page{'s' * (n != 1)}: {_others(others)}",
                    p.at(f"{key}_at"),
                    " ".join(value.split()).casefold(),
                )


def _cannibalisation(pages: Sequence[SitePage], emit: Emit) -> None:
    groups: dict[tuple[str, str], list[SitePage]] = defaultdict(list)
    specs: dict[tuple[str, str], tuple[str, str]] = {}
    spots: dict[tuple[str, str, str], str] = {}  # (page, keyword, place) -> title | h1
    for p in pages:
        if not _indexable(p):
            continue
        seen: set[tuple[str, str]] = set()
        for pair in p.facts.get("targets") or ():
            if not (isinstance(pair, list | tuple) and len(pair) >= 2):
                continue
            keyword, place = str(pair[0]), str(pair[1])
            ident = (keyword.casefold(), place.casefold())
            if ident in seen:
                continue
            seen.add(ident)
            specs.setdefault(ident, (keyword, place))
            spots[(p.url, *ident)] = str(pair[2]) if len(pair) > 2 else "title"
            groups[ident].append(p)
    for ident, group in groups.items():
        if len(group) < 2:
            continue
        keyword, place = specs[ident]
        for p in group:
            others = [q for q in group if q is not p]
            n = len(others)
            spot = spots.get((p.url, *ident), "title")
            where = p.at("h1_at") if spot == "h1" or not p.text("title") else p.at("title_at")
            emit(
                "K220",
                p,
                f"keyphrase {_q(keyword)} with location {_q(place)} is also targeted in the "
                f"title or h1 of {n} other page{'s' * (n != 1)}: {_others(others)}",
                where,
                f"{keyword.casefold()} @ {place.casefold()}",
            )


_OPPOSITE = {"older": "newer", "newer": "older"}
_SIDE_WORD = {"prev": "previous", "next": "next"}


def axis(link: Mapping[str, Any]) -> str:
    """The time axis of a previous/next link: its direction, else prev = older."""
    direction = link.get("direction")
    if direction in _OPPOSITE:
        return str(direction)
    return "older" if link.get("side") == "prev" else "newer"


class _Chain:
    """The previous/next links between audited pages, on the time axis."""

    def __init__(self, pages: Sequence[SitePage]) -> None:
        self.pages = pages
        self.by_key: dict[str, SitePage] = {}
        for p in pages:
            for url in (p.final_url, p.url):
                key = page_key(url)
                if key is not None:
                    self.by_key.setdefault(key, p)
        #: page url -> axis -> the link on that axis
        self.links: dict[str, dict[str, Mapping[str, Any]]] = {}
        for p in pages:
            out: dict[str, Mapping[str, Any]] = {}
            for side in ("prev", "next"):
                link = p.link(side)
                if link is not None:
                    out.setdefault(axis(link), link)
            self.links[p.url] = out

        self._keys: dict[str, str | None] = {}  # link URL -> page_key, computed once

    def target(self, link: Mapping[str, Any] | None, source: SitePage) -> SitePage | None:
        """The audited page a link leads to (None: not audited, or the page itself)."""
        if link is None:
            return None
        url = str(link["url"])
        key = self._keys.get(url, "")
        if key == "":
            key = self._keys[url] = page_key(url)
        found = self.by_key.get(key or "")
        return None if found is None or found is source else found

    def on(self, page: SitePage, direction: str) -> Mapping[str, Any] | None:
        return self.links.get(page.url, {}).get(direction)


def _side(link: Mapping[str, Any]) -> str:
    return _SIDE_WORD.get(str(link.get("side")), str(link.get("side")))


def _link_at(link: Mapping[str, Any]) -> Location:
    where = link.get("where")
    if isinstance(where, list | tuple) and len(where) == 2:
        selector, line = where
        return Location(
            selector if isinstance(selector, str) else None,
            line if isinstance(line, int) and not isinstance(line, bool) else None,
        )
    return Location()


def _pagination(pages: Sequence[SitePage], emit: Emit) -> None:
    """The previous/next chain over the audited pages: skips, then links that are not
    reciprocal (unless a skip explains them), loops and orphans."""
    chain = _Chain(pages)
    explained = _skips(pages, chain, emit)
    _not_reciprocal(pages, chain, emit, explained)
    _loops(pages, chain, emit)
    _orphans(pages, chain, emit)


def _skips(pages: Sequence[SitePage], chain: _Chain, emit: Emit) -> set[tuple[str, str]]:
    """Skips (L522): A's newer link goes to C, C's older link goes to B, and B's older
    link comes back to A: A's link jumps over B. B's correct link to A is then no
    reciprocity problem of its own, nor is A's link to C: the (page url, axis) of the
    links a skip explains are returned."""
    explained: set[tuple[str, str]] = set()
    for a in pages:
        for direction, link in sorted(chain.links[a.url].items()):
            c = chain.target(link, a)
            if c is None:
                continue
            opposite = _OPPOSITE[direction]
            back = chain.on(c, opposite)
            b = chain.target(back, c)
            if b is None or b is a:
                continue
            b_link = chain.on(b, opposite)
            if chain.target(b_link, b) is not a:
                continue
            explained.add((a.url, direction))
            explained.add((b.url, opposite))
            emit(
                "L522",
                a,
                f"the {_side(link)} post link goes to {c.url}, skipping {b.url}, "
                f"which links to this page as its {_side(b_link or {})} post",
                _link_at(link),
                str(link.get("side")),
            )
    return explained


def _not_reciprocal(
    pages: Sequence[SitePage], chain: _Chain, emit: Emit, explained: set[tuple[str, str]]
) -> None:
    """Not reciprocal (L520): B, the target of A's link, has no link back to A."""
    for a in pages:
        for direction, link in sorted(chain.links[a.url].items()):
            if (a.url, direction) in explained:
                continue
            b = chain.target(link, a)
            if b is None:
                continue
            back = chain.on(b, _OPPOSITE[direction])
            if back is not None and chain.target(back, b) is a:
                continue
            side = _side(link)
            if back is None:
                message = f"the {side} post {b.url} has no link back to this page"
            else:
                message = (
                    f"the {side} post {b.url} links back ({_side(back)}) to "
                    f"{back['url']}, not to this page"
                )
            emit("L520", a, message, _link_at(link), str(link.get("side")))


def _loops(pages: Sequence[SitePage], chain: _Chain, emit: Emit) -> None:
    """Loops (L521): following one axis comes back to the start."""
    reported: set[frozenset[str]] = set()
    for direction in ("older", "newer"):
        walked: set[str] = set()  # pages of earlier walks: each page is walked once (O(n))
        for start in pages:
            path: list[SitePage] = []
            seen: dict[str, int] = {}
            node: SitePage | None = start
            while node is not None and node.url not in seen and node.url not in walked:
                seen[node.url] = len(path)
                path.append(node)
                node = chain.target(chain.on(node, direction), node)
            walked.update(seen)
            if node is None or node.url not in seen:
                continue
            cycle = path[seen[node.url] :]
            members = frozenset(p.url for p in cycle)
            if len(cycle) < 2 or members in reported:
                continue
            reported.add(members)
            first = min(range(len(cycle)), key=lambda i: cycle[i].url)
            ordered = cycle[first:] + cycle[:first]
            anchor = ordered[0]
            link = chain.on(anchor, direction) or {}
            shown = " → ".join(p.url for p in ordered[:5])
            shown += " → …" if len(ordered) > 5 else f" → {anchor.url}"
            emit(
                "L521",
                anchor,
                f"following {_side(link)} post links from this page comes back to it "
                f"after {len(ordered)} posts: {shown}",
                _link_at(link),
                direction,
            )


def _orphans(pages: Sequence[SitePage], chain: _Chain, emit: Emit) -> None:
    """Orphans (L523): a post no other audited post links to, while one of its own
    links leads to an audited page (so its neighbours were audited too)."""
    posts = [p for p in pages if p.facts.get("post")]
    if len(posts) < 2:
        return
    linked: set[str] = set()
    for p in pages:
        for link in chain.links[p.url].values():
            target = chain.target(link, p)
            if target is not None:
                linked.add(target.url)
    for p in posts:
        if p.url in linked:
            continue
        if not any(chain.target(link, p) is not None for link in chain.links[p.url].values()):
            continue
        emit(
            "L523",
            p,
            "no other audited post links to this page as its previous or next post",
            p.at("title_at"),
            "orphan",
        )


#: Site rule code -> the check that emits it (several codes share one check).
SITE_CHECKS: Mapping[str, Callable[[Sequence[SitePage], Emit], None]] = {
    "L520": _pagination,
    "L521": _pagination,
    "L522": _pagination,
    "L523": _pagination,
    "M620": _duplicates,
    "M621": _duplicates,
    "M622": _duplicates,
    "K220": _cannibalisation,
}


def site_findings(
    pages: Iterable[SitePage],
    ruleset: Sequence[Any],
    *,
    ignored_for: Callable[[str], frozenset[str]] | None = None,
) -> tuple[Finding, ...]:
    """The site findings of the enabled site rules (`ruleset`: the run's
    `RuleSettings`), in a fixed order (page URL, code, locator) with occurrence numbers
    set. `ignored_for(url)` gives the codes switched off for a URL (per-url-ignores);
    a page's own ignore meta tag (kept in its facts) is honoured too."""
    from postaudit.judge.engine import suppresses

    settings = {s.rule.code: s for s in ruleset if s.rule.code in SITE_CHECKS}
    if not settings:
        return ()
    ordered = sorted(pages, key=lambda p: p.url)
    found: list[Finding] = []

    def emit(code: str, page: SitePage, message: str, location: Location, key: str) -> None:
        s = settings.get(code)
        if s is None:
            return
        if ignored_for is not None and code in ignored_for(page.url):
            return
        own = frozenset(str(x) for x in page.facts.get("ignore") or ())
        if suppresses(own, s.rule):
            return
        found.append(
            Finding(
                url=page.url,
                code=code,
                name=s.rule.name,
                category=s.rule.category,
                severity=s.severity,
                message=message,
                location=location,
                fix=s.rule.fix,
                key=key,
            )
        )

    checks = {SITE_CHECKS[code] for code in settings}
    for check in sorted(checks, key=lambda c: c.__name__):
        check(ordered, emit)
    found.sort(key=lambda f: (f.url, f.code, f.locator, f.message))
    return number_occurrences(found)


# --------------------------------------------------------------------------- summary


class SiteCollector:
    """Everything the site summary and the site rules need, page by page.

    Keeps per page only its compact site facts; the worst pages in a bounded heap; and
    counters. `summary()` is the same whatever order the pages were added in.
    """

    def __init__(self, *, worst: int = WORST, frequent: int = FREQUENT) -> None:
        self.pages: list[SitePage] = []
        self.audited = 0
        self.failed = 0
        self.score_sum = 0
        self.scored = 0
        self.counts: Counter[str] = Counter()
        self.bands: Counter[str] = Counter()
        self.rule_pages: Counter[tuple[str, str]] = Counter()
        self.rule_findings: Counter[tuple[str, str]] = Counter()
        self._failures: list[tuple[str, int | None, str]] = []  # the first by URL
        self._worst: list[tuple[int, str, str | None, int]] = []  # (score, url, title, n)
        self._worst_n = worst
        self._frequent_n = frequent

    def add(self, result: PageResult) -> None:
        self.audited += 1
        for f in result.findings:
            self.counts[str(f.severity)] += 1
            self.rule_findings[(f.code, f.name)] += 1
        for ident in {(f.code, f.name) for f in result.findings}:
            self.rule_pages[ident] += 1
        if result.error is not None:
            self.failed += 1
            self._failures = _keep(
                self._failures, (result.url, result.status, result.error), self._worst_n
            )
        if result.score is not None:
            self.score_sum += result.score
            self.scored += 1
            self.bands[band(result.score)] += 1
            title = result.facts.get("title")
            item = (
                result.score,
                result.url,
                title if isinstance(title, str) else None,
                len(result.findings),
            )
            self._worst = _keep(self._worst, item, self._worst_n)
        page = SitePage.of(result)
        if page is not None:
            self.pages.append(page)

    @property
    def score(self) -> int | None:
        return round(self.score_sum / self.scored) if self.scored else None

    def findings(
        self, ruleset: Sequence[Any], ignored_for: Callable[[str], frozenset[str]] | None = None
    ) -> tuple[Finding, ...]:
        return site_findings(self.pages, ruleset, ignored_for=ignored_for)

    def summary(self, site_findings: Sequence[Finding] = ()) -> dict[str, Any]:
        """The site summary (the JSON `summary` keys a batch adds to pages, failed,
        score and counts)."""
        counts = {str(s): self.counts.get(str(s), 0) for s in Severity}
        frequent = sorted(
            self.rule_pages.items(), key=lambda kv: (-kv[1], -self.rule_findings[kv[0]], kv[0])
        )[: self._frequent_n]
        site_counts = {str(s): 0 for s in Severity}
        for f in site_findings:
            site_counts[str(f.severity)] += 1
        return {
            "pages": self.audited,
            "failed": self.failed,
            "score": self.score,
            "counts": counts,
            "site_counts": site_counts,
            "distribution": {label: self.bands.get(b, 0) for b, label in BANDS.items()},
            "worst": [
                {"url": url, "score": score, "title": title, "findings": n}
                for score, url, title, n in self._worst
            ],
            "frequent": [
                {
                    "code": code,
                    "name": name,
                    "pages": n,
                    "findings": self.rule_findings[(code, name)],
                }
                for (code, name), n in frequent
            ],
            "failures": [
                {"url": url, "status": status, "error": error}
                for url, status, error in self._failures
            ],
        }


def _keep(items: list[Any], item: Any, n: int) -> list[Any]:
    """`items` (sorted) with `item` added, cut to the first `n`: the smallest by their
    first two fields (score and URL, or URL and status), whatever order they arrive in."""
    out = sorted([*items, item], key=lambda x: (x[0], x[1] if x[1] is not None else -1))
    return out[:n]


__all__ = [
    "BANDS",
    "SITE_CHECKS",
    "SITE_FACTS",
    "SiteCollector",
    "SitePage",
    "axis",
    "main_h1",
    "page_facts",
    "page_key",
    "site_findings",
]
