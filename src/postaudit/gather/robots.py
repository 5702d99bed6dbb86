"""robots.txt: fetch once per origin, parse, and answer "may this URL be fetched?".

Matching follows RFC 9309 and Google's open-source parser, not `urllib.robotparser`:

- the group whose `User-agent` equals the crawler's product token (case-insensitive,
  `postaudit` for the user agent `postaudit/0.1.0`) applies, else the `*` group; several
  groups naming the same agent are merged;
- within the group the rule with the LONGEST matching pattern wins, `Allow` wins a tie;
- `*` in a pattern matches any run of characters and a final `$` anchors the end, so
  `Disallow: /*.pdf$` blocks `/files/a.pdf` but not `/a.pdf?download=1`;
- paths are compared after percent-encoding normalisation (`%7E` equals `~`, non-ASCII
  is percent-encoded, hex digits upper-cased); `/robots.txt` itself is always allowed.

The standard library's parser takes the first rule that matches (not the longest),
has no wildcards (it compares `/*.pdf$` literally) and matches user agents by
substring, so it gets exactly those common cases wrong.

Fetch outcomes (RFC 9309 section 2.3.1): 2xx is parsed (the first 500 KiB); 4xx means
"no robots.txt": everything is allowed. 5xx and network errors make RFC 9309 crawlers
assume everything is DISALLOWED; postaudit audits a site at its owner's request, so it
treats them as "allow everything" too and records a `problem` the report can show,
instead of refusing to audit a site whose robots.txt is briefly down.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final
from urllib.parse import urljoin, urlsplit

from postaudit.gather.fetch import Fetcher, FetchErrorKind

#: RFC 9309: crawlers must parse at least the first 500 KiB; Google stops there.
PARSE_LIMIT: Final = 500 * 1024
#: Download cap; a larger robots.txt is reported and treated as absent.
DEFAULT_MAX_BYTES: Final = 2 * 1024 * 1024

_USER_AGENT_KEYS: Final = frozenset({"user-agent", "useragent", "user agent"})
_DISALLOW_KEYS: Final = frozenset(
    {"disallow", "dissallow", "dissalow", "disalow", "diasllow", "disallaw"}
)
_ALLOW_KEYS: Final = frozenset({"allow"})
_SITEMAP_KEYS: Final = frozenset({"sitemap", "site-map"})
_CRAWL_DELAY_KEYS: Final = frozenset({"crawl-delay", "crawldelay", "crawl delay"})

_TOKEN: Final = re.compile(r"[A-Za-z_-]+")
_UNRESERVED: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_HEX: Final = frozenset("0123456789abcdefABCDEF")


class RobotsStatus(StrEnum):
    OK = "ok"  # fetched and parsed
    MISSING = "missing"  # 4xx: no robots.txt, everything allowed
    UNREACHABLE = "unreachable"  # 5xx, network error, too large: allowed, with a problem


@dataclass(frozen=True, slots=True)
class RobotsRule:
    allow: bool
    pattern: str  # as normalised for matching

    def __str__(self) -> str:
        return f"{'Allow' if self.allow else 'Disallow'}: {self.pattern}"


@dataclass(frozen=True, slots=True)
class RobotsGroup:
    agents: tuple[str, ...]  # lower-cased product tokens, "*" for everyone
    rules: tuple[RobotsRule, ...]
    crawl_delay: float | None = None


@dataclass(frozen=True, slots=True)
class RobotsTxt:
    """One parsed robots.txt (or the stand-in for a missing/unreachable one)."""

    url: str  # the robots.txt URL ("" when parsed from text without one)
    groups: tuple[RobotsGroup, ...] = ()
    sitemap_urls: tuple[str, ...] = ()
    status: RobotsStatus = RobotsStatus.OK
    problem: str | None = None  # one line, set when robots.txt could not be read

    def rules_for(self, user_agent: str) -> tuple[RobotsRule, ...]:
        """The rules of the group that applies to `user_agent` (merged when repeated)."""
        return tuple(rule for group in self._groups_for(user_agent) for rule in group.rules)

    def matching_rule(self, url: str, user_agent: str) -> RobotsRule | None:
        """The rule that decides `url` for `user_agent`, None when no rule matches."""
        path = _url_path(url)
        if path == "/robots.txt":
            return None
        return decide(self.rules_for(user_agent), path)

    def can_fetch(self, url: str, user_agent: str) -> bool:
        """May `user_agent` fetch `url` (absolute URL or path)?"""
        rule = self.matching_rule(url, user_agent)
        return rule is None or rule.allow

    def crawl_delay(self, user_agent: str) -> float | None:
        """The `Crawl-delay` (seconds) of the group that applies to `user_agent`."""
        delays = [g.crawl_delay for g in self._groups_for(user_agent) if g.crawl_delay is not None]
        return max(delays) if delays else None

    def sitemaps(self) -> tuple[str, ...]:
        """Absolute URLs of the `Sitemap:` lines, in file order, without repeats."""
        return self.sitemap_urls

    def _groups_for(self, user_agent: str) -> list[RobotsGroup]:
        token = product_token(user_agent)
        if token:
            named = [g for g in self.groups if token in g.agents]
            if named:
                return named
        return [g for g in self.groups if "*" in g.agents]


# --------------------------------------------------------------------------- matching


def product_token(user_agent: str) -> str:
    """The lower-cased product token robots.txt groups are matched on.

    `postaudit/0.1.0` -> `postaudit`; `Googlebot-News` -> `googlebot-news`; `*` -> `*`.
    """
    text = user_agent.strip()
    if text.startswith("*"):
        return "*"
    found = _TOKEN.match(text)
    return found.group(0).lower() if found else ""


def normalise_path(path: str) -> str:
    """Percent-encoding normalisation used on both patterns and URL paths (RFC 9309 2.2.2).

    Non-ASCII characters are UTF-8 percent-encoded, existing escapes get upper-case hex,
    and escapes of unreserved characters (`%7E` -> `~`) are decoded.
    """
    out: list[str] = []
    i = 0
    n = len(path)
    while i < n:
        ch = path[i]
        if ch == "%" and i + 2 < n and path[i + 1] in _HEX and path[i + 2] in _HEX:
            decoded = chr(int(path[i + 1 : i + 3], 16))
            out.append(decoded if decoded in _UNRESERVED else "%" + path[i + 1 : i + 3].upper())
            i += 3
            continue
        if ord(ch) > 0x7F or ord(ch) <= 0x20:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8", errors="surrogatepass"))
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def path_matches(pattern: str, path: str) -> bool:
    """Does a robots.txt `pattern` match `path` (both already normalised)?

    `*` matches any sequence (also empty); a `$` ending the pattern anchors it at the end
    of the path; otherwise the pattern must match a prefix of the path. Runs in
    O(len(pattern) * len(path)) with no backtracking (Google's algorithm), so a hostile
    pattern full of `*` cannot stall the audit.
    """
    length = len(path)
    positions = [0]  # the path offsets the pattern so far can end at, ascending
    last = len(pattern) - 1
    for index, ch in enumerate(pattern):
        if ch == "$" and index == last:
            return positions[-1] == length
        if ch == "*":
            positions = list(range(positions[0], length + 1))
            continue
        positions = [p + 1 for p in positions if p < length and path[p] == ch]
        if not positions:
            return False
    return True


def decide(rules: Iterable[RobotsRule], path: str) -> RobotsRule | None:
    """The winning rule for `path`: the longest matching pattern, `Allow` on a tie."""
    best: RobotsRule | None = None
    for rule in rules:
        if not path_matches(rule.pattern, path):
            continue
        if (
            best is None
            or len(rule.pattern) > len(best.pattern)
            or (len(rule.pattern) == len(best.pattern) and rule.allow and not best.allow)
        ):
            best = rule
    return best


def _url_path(url: str) -> str:
    """The normalised path + query of an absolute URL or a bare path."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "/"
    path = parts.path or "/"
    if not path.startswith("/"):
        path = "/" + path
    if parts.query:
        path += "?" + parts.query
    return normalise_path(path)


# --------------------------------------------------------------------------- parsing


@dataclass(slots=True)
class _OpenGroup:
    agents: list[str] = field(default_factory=list)
    rules: list[RobotsRule] = field(default_factory=list)
    crawl_delay: float | None = None
    has_members: bool = False  # a rule (or crawl-delay) followed the user-agent lines

    def close(self) -> RobotsGroup:
        return RobotsGroup(tuple(self.agents), tuple(self.rules), self.crawl_delay)


def _crawl_delay(value: str) -> float | None:
    try:
        delay = float(value)
    except ValueError:
        return None
    if delay != delay or delay < 0 or delay == float("inf"):
        return None
    return delay


def parse_robots(text: str, url: str = "") -> RobotsTxt:
    """Parse robots.txt `text` (pure). `url` resolves relative `Sitemap:` values.

    Lines before the first `User-agent` are ignored except `Sitemap:`; consecutive
    `User-agent` lines share one group; unknown lines are skipped without ending a group.
    """
    text = text.removeprefix("\ufeff")[:PARSE_LIMIT]
    groups: list[_OpenGroup] = []
    current: _OpenGroup | None = None
    sitemaps: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0]
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key = " ".join(key.split()).lower()
        value = value.strip()
        if key in _USER_AGENT_KEYS:
            if current is None or current.has_members:
                current = _OpenGroup()
                groups.append(current)
            token = product_token(value)
            if token:
                current.agents.append(token)
        elif key in _SITEMAP_KEYS:
            if value:
                absolute = urljoin(url, value) if url else value
                if urlsplit(absolute).scheme in ("http", "https") and absolute not in sitemaps:
                    sitemaps.append(absolute)
        elif current is None:
            continue  # a rule outside any group
        elif key in _ALLOW_KEYS or key in _DISALLOW_KEYS:
            current.has_members = True
            if value:  # an empty pattern matches nothing
                current.rules.append(RobotsRule(key in _ALLOW_KEYS, normalise_path(value)))
        elif key in _CRAWL_DELAY_KEYS:
            current.has_members = True
            current.crawl_delay = _crawl_delay(value)
    return RobotsTxt(
        url=url,
        groups=tuple(g.close() for g in groups if g.agents),
        sitemap_urls=tuple(sitemaps),
    )


# --------------------------------------------------------------------------- fetching


def robots_url(url: str) -> str:
    """The robots.txt URL for the origin (scheme, host, port) of `url`."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}/robots.txt"


class RobotsCache:
    """robots.txt for each origin, fetched once per run through the project's Fetcher.

    Concurrent callers asking for the same origin share one request.
    """

    def __init__(self, fetcher: Fetcher, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.fetcher = fetcher
        self.max_bytes = max_bytes
        self._files: dict[str, asyncio.Task[RobotsTxt]] = {}

    async def get(self, url: str) -> RobotsTxt:
        """The robots.txt that governs `url` (fetched on first use)."""
        key = robots_url(url)
        task = self._files.get(key)
        if task is None:
            task = self._files[key] = asyncio.ensure_future(self._load(key))
        return await asyncio.shield(task)

    async def can_fetch(self, url: str, user_agent: str | None = None) -> bool:
        """May `url` be fetched? `user_agent` defaults to the Fetcher's."""
        robots = await self.get(url)
        return robots.can_fetch(url, user_agent or self.fetcher.options.user_agent)

    async def crawl_delay(self, url: str, user_agent: str | None = None) -> float | None:
        robots = await self.get(url)
        return robots.crawl_delay(user_agent or self.fetcher.options.user_agent)

    def problems(self) -> tuple[tuple[str, str], ...]:
        """(robots.txt URL, message) for every file loaded so far that could not be read."""
        out: list[tuple[str, str]] = []
        for key, task in sorted(self._files.items()):
            if task.done() and not task.cancelled() and task.exception() is None:
                problem = task.result().problem
                if problem is not None:
                    out.append((key, problem))
        return tuple(out)

    async def _load(self, url: str) -> RobotsTxt:
        raw = await self.fetcher.request("GET", url, max_bytes=self.max_bytes)
        if raw.error is None:
            body = raw.body or b""
            return parse_robots(body[:PARSE_LIMIT].decode("utf-8", errors="replace"), url)
        if (
            raw.error.kind is FetchErrorKind.HTTP_STATUS
            and raw.status is not None
            and 400 <= raw.status < 500
        ):
            return RobotsTxt(url=url, status=RobotsStatus.MISSING)
        return RobotsTxt(
            url=url,
            status=RobotsStatus.UNREACHABLE,
            problem=f"robots.txt could not be read ({raw.error.message}); "
            "every path is treated as allowed",
        )
