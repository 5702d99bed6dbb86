"""The sitemap entry pipeline (pure, no I/O): gathered entries -> what to audit.

`select_entries` applies these steps in this order (each skipped entry is counted once,
under the first reason that applies, in `SitemapResult.skipped`):

1. `rewrite` (FROM=TO prefix, first matching pair wins) -> every later step, and the
   report, sees the rewritten URL. Child sitemap URLs listed in an index are rewritten
   too (a staging build whose sitemap still names production); SOURCE itself is not.
2. normalisation: fragment dropped, scheme and host lower-cased, default port dropped,
   empty path -> `/`; query and percent-encoding kept as written -> `invalid-url`
3. de-duplication: the first occurrence is kept with the newest `lastmod` seen
   -> `duplicate`
3a. site boundary (`postaudit.gather.boundary`): an entry outside the site of SOURCE (and of
   the rewrite targets; widened by `allow_hosts`) is not audited -> `off-site`, and
   named with its reason in `SitemapResult.outside`. Child sitemaps outside the site
   (listed in an index or in robots.txt) are not read and are named there too; so is
   a sitemap whose fetch redirects out of the site. A local sitemap file without
   rewrites has no boundary.
4. non-HTML by extension (`.pdf`, images, media, archives, `.xml`, office files...)
   -> `non-html:pdf`, `non-html:jpg`, ...
5. `include` (keep only URLs matching at least one regex; `re.search` on the whole
   URL) -> `include`; `exclude` (drop URLs matching any) -> `exclude`
6. `since`: keep entries whose `lastmod` is strictly newer; entries WITHOUT a `lastmod`
   are kept (we cannot know) and counted in `kept_without_lastmod` -> `since`
7. `shard` K/N: keep URLs with `int(sha1(url)[:8], 16) % N == K - 1`; stable across runs
   and machines, disjoint, and the N shards cover every URL -> `shard`
8. sort by URL, then `limit` keeps the first N -> `limit`. Sorting makes the result
   independent of fetch timing and of the order a generator happens to write, matches
   the sorted order of the JSON report, and gives `--limit` with `--shard` a meaning.

Also holds the options of that pipeline (`SitemapOptions`, with the readers of their
command-line values) and its result (`SitemapResult`, `SitemapProblem`, `Outside`).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Final
from urllib.parse import unquote, urlsplit

from postaudit.gather.boundary import SiteBoundary
from postaudit.gather.sitemap_xml import SitemapEntry, SitemapLimits, normalise_url, parse_lastmod

# --------------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class SitemapProblem:
    url: str  # the sitemap (or robots.txt) concerned
    message: str  # one line

    def __str__(self) -> str:
        return f"{self.url}: {self.message}"


@dataclass(frozen=True, slots=True)
class SitemapOptions:
    include: Sequence[str] = ()  # regexes (re.search); an entry must match one
    exclude: Sequence[str] = ()  # regexes (re.search); an entry matching any is dropped
    since: datetime | None = None  # keep entries whose lastmod is newer; naive means UTC
    rewrite: Sequence[tuple[str, str]] = ()  # (FROM, TO) URL prefix pairs; stored as tuples
    shard: tuple[int, int] | None = None  # (K, N), 1 <= K <= N
    limit: int | None = None  # at most this many entries (after sorting by URL)
    limits: SitemapLimits = field(default_factory=SitemapLimits)
    allow_hosts: Sequence[str] = ()  # boundary.parse_allow_host values: hosts beyond the site

    def __post_init__(self) -> None:
        object.__setattr__(self, "include", tuple(self.include))
        object.__setattr__(self, "exclude", tuple(self.exclude))
        object.__setattr__(self, "rewrite", tuple((str(a), str(b)) for a, b in self.rewrite))
        object.__setattr__(self, "allow_hosts", tuple(self.allow_hosts))
        for pattern in (*self.include, *self.exclude):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
        for source, _target in self.rewrite:
            if not source:
                raise ValueError("a rewrite needs a non-empty FROM prefix")
        if self.shard is not None:
            k, n = self.shard
            if not (n >= 1 and 1 <= k <= n):
                raise ValueError(f"shard must be K/N with 1 <= K <= N, not {k}/{n}")
        if self.limit is not None and self.limit < 1:
            raise ValueError(f"limit must be at least 1, not {self.limit}")
        if self.since is not None and self.since.tzinfo is None:
            object.__setattr__(self, "since", self.since.replace(tzinfo=UTC))


#: Human wording of the fixed skip reasons (`non-html:EXT` is "not HTML (.EXT)").
SKIP_REASONS: Final = MappingProxyType(
    {
        "invalid-url": "not an http(s) URL",
        "duplicate": "listed more than once",
        "include": "not matched by include",
        "exclude": "matched by exclude",
        "since": "not modified since",
        "shard": "in another shard",
        "limit": "over the limit",
        "off-site": "outside the site",
    }
)


@dataclass(frozen=True, slots=True, order=True)
class Outside:
    """Something a sitemap run did not fetch because it is outside the site."""

    url: str
    reason: str  # one line: "page on another host (https://b.test) than the site ..."

    def to_dict(self) -> dict[str, str]:
        return {"url": self.url, "reason": self.reason}


def describe_skip(reason: str) -> str:
    """`non-html:pdf` -> `not HTML (.pdf)`; `since` -> `not modified since`."""
    if reason.startswith("non-html:"):
        return f"not HTML (.{reason.removeprefix('non-html:')})"
    return SKIP_REASONS.get(reason, reason)


@dataclass(frozen=True, slots=True)
class SitemapResult:
    entries: tuple[SitemapEntry, ...]  # what to audit, sorted by URL
    sitemaps_read: tuple[str, ...]  # sitemap files read successfully, in traversal order
    skipped: Mapping[str, int]  # reason -> count (see SKIP_REASONS, `non-html:EXT`)
    problems: tuple[SitemapProblem, ...]
    found: int = 0  # entries listed in all sitemaps read, before any filtering
    kept_without_lastmod: int = 0  # with `since`: kept only because they have no lastmod
    outside: tuple[Outside, ...] = ()  # entries and sitemaps outside the site, by URL

    def summary(self) -> str:
        """One line for the terminal: what was read, kept and skipped."""
        files = len(self.sitemaps_read)
        text = (
            f"{self.found:,} URL{'s' * (self.found != 1)} in {files} "
            f"sitemap{'s' * (files != 1)}, {len(self.entries):,} to audit"
        )
        if self.skipped:
            parts = [f"{n:,} {describe_skip(r)}" for r, n in self.skipped.items()]
            text += "; skipped " + ", ".join(parts)
        if self.kept_without_lastmod:
            text += f"; {self.kept_without_lastmod:,} kept without <lastmod>"
        if self.problems:
            n = len(self.problems)
            text += f"; {n} problem{'s' * (n != 1)}"
        return text


# --------------------------------------------------------------------------- helpers


#: Extensions of entries that are not HTML pages (lower-case, without the dot).
NON_HTML_EXTENSIONS: Final = frozenset(
    {
        # documents and data
        "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf",
        "epub", "csv", "tsv", "txt", "json", "xml", "rss", "atom", "ics", "vcf", "md",
        # images
        "jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "bmp", "ico", "tif", "tiff",
        "heic", "heif",
        # audio and video
        "mp3", "wav", "ogg", "oga", "m4a", "flac", "aac", "opus", "mp4", "m4v", "webm",
        "mov", "avi", "mkv", "wmv", "flv", "ogv",
        # archives, binaries, assets
        "zip", "gz", "tgz", "tar", "bz2", "xz", "7z", "rar", "exe", "dmg", "apk", "iso",
        "msi", "deb", "rpm", "css", "js", "mjs", "map", "woff", "woff2", "ttf", "otf",
        "eot",
    }
)  # fmt: skip


def non_html_extension(url: str) -> str | None:
    """The extension of `url` when it names a non-HTML file (`pdf`), else None."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    name = unquote(path.rsplit("/", 1)[-1])
    ext = posixpath.splitext(name)[1].lower().lstrip(".")
    return ext if ext in NON_HTML_EXTENSIONS else None


def shard_of(url: str, count: int) -> int:
    """The 1-based shard (of `count`) a URL belongs to; stable across runs and machines."""
    return int(hashlib.sha1(url.encode("utf-8")).hexdigest()[:8], 16) % count + 1


def rewrite_url(url: str, rewrite: Sequence[tuple[str, str]]) -> str:
    """Apply the first (FROM, TO) pair whose FROM prefixes `url`."""
    for source, target in rewrite:
        if url.startswith(source):
            return target + url[len(source) :]
    return url


def parse_shard(text: str) -> tuple[int, int]:
    """`"2/4"` -> `(2, 4)`; ValueError with a one-line message otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if match:
        k, n = int(match.group(1)), int(match.group(2))
        if n >= 1 and 1 <= k <= n:
            return k, n
    raise ValueError(f"shard must be K/N with 1 <= K <= N (e.g. 2/4), not {text!r}")


def parse_rewrite(text: str) -> tuple[str, str]:
    """`"https://example.com/=http://127.0.0.1:4000/"` -> the (FROM, TO) pair."""
    source, sep, target = text.partition("=")
    source, target = source.strip(), target.strip()
    if not sep or not source or not target:
        raise ValueError(f"rewrite must be FROM=TO (two URL prefixes), not {text!r}")
    for part in (source, target):
        if urlsplit(part).scheme.lower() not in ("http", "https"):
            raise ValueError(f"rewrite prefixes must be http(s) URLs, not {part!r}")
    return source, target


def parse_since(text: str) -> datetime:
    """`"2024-05-01"` or a full ISO 8601 datetime -> an aware datetime (UTC if none)."""
    moment = parse_lastmod(text)
    if moment is None:
        raise ValueError(f"since must be a date like 2024-05-01 or 2024-05-01T12:00Z, not {text!r}")
    return moment


# --------------------------------------------------------------------------- pipeline


def select_entries(
    raw: Sequence[SitemapEntry],
    options: SitemapOptions,
    read: Sequence[str],
    problems: Sequence[SitemapProblem],
    *,
    invalid: int = 0,
    site: SiteBoundary | None = None,
    outside: Sequence[Outside] = (),
) -> SitemapResult:
    """Apply the entry pipeline (see the module docstring) to the gathered entries.

    `invalid` counts listed entries the parser already rejected (not http(s) URLs);
    `outside`, the sitemaps already left out by the site boundary `site`.
    """
    skipped: Counter[str] = Counter()
    if invalid:
        skipped["invalid-url"] = invalid
    unique: dict[str, SitemapEntry] = {}
    for entry in raw:
        url = normalise_url(rewrite_url(entry.url, options.rewrite))
        if url is None:
            skipped["invalid-url"] += 1
            continue
        kept = unique.get(url)
        if kept is None:
            unique[url] = SitemapEntry(url, entry.lastmod, entry.source)
            continue
        skipped["duplicate"] += 1
        if entry.lastmod is not None and (kept.lastmod is None or entry.lastmod > kept.lastmod):
            unique[url] = SitemapEntry(url, entry.lastmod, kept.source)

    named = list(outside)
    if site is not None:
        for url in list(unique):
            reason = site.reason(url)
            if reason is not None:
                del unique[url]
                skipped["off-site"] += 1
                named.append(Outside(url, f"page {reason}: not audited"))

    include = [re.compile(p) for p in options.include]
    exclude = [re.compile(p) for p in options.exclude]
    since = options.since
    kept_without_lastmod = 0
    selected: list[SitemapEntry] = []
    for url, entry in unique.items():
        ext = non_html_extension(url)
        if ext is not None:
            skipped[f"non-html:{ext}"] += 1
        elif include and not any(p.search(url) for p in include):
            skipped["include"] += 1
        elif any(p.search(url) for p in exclude):
            skipped["exclude"] += 1
        elif since is not None and entry.lastmod is not None and entry.lastmod <= since:
            skipped["since"] += 1
        elif options.shard is not None and shard_of(url, options.shard[1]) != options.shard[0]:
            skipped["shard"] += 1
        else:
            if since is not None and entry.lastmod is None:
                kept_without_lastmod += 1
            selected.append(entry)

    selected.sort(key=lambda e: e.url)
    if options.limit is not None and len(selected) > options.limit:
        skipped["limit"] += len(selected) - options.limit
        dropped_without_lastmod = sum(
            1 for e in selected[options.limit :] if since is not None and e.lastmod is None
        )
        kept_without_lastmod -= dropped_without_lastmod
        selected = selected[: options.limit]
    return SitemapResult(
        entries=tuple(selected),
        sitemaps_read=tuple(read),
        skipped=MappingProxyType(dict(sorted(skipped.items()))),
        problems=tuple(problems),
        found=len(raw) + invalid,
        kept_without_lastmod=kept_without_lastmod,
        outside=tuple(sorted(set(named))),
    )
