"""Sitemap intake: turn a sitemap URL, a site root or a sitemap file into page URLs.

`collect` (async, I/O through the project's `Fetcher`) resolves SOURCE, follows
`<sitemapindex>` files level by level (children of one level fetched concurrently),
parses each body with `postaudit.gather.sitemap_xml.parse_sitemap`, then runs the entry
pipeline of `postaudit.gather.sitemap_select` (rewrite, normalise, de-duplicate, site
boundary, filters, shard, sort, limit). Failures of single sitemaps become
`SitemapProblem` records; only "no sitemap with page URLs could be read at all" raises
`SitemapError`.

SOURCE resolution: an http(s) URL whose path is empty or ends in `/` is a site root:
the `Sitemap:` lines of its robots.txt are read (all of them; for a root below the
host, only those under that root), else `ROOT/sitemap.xml`, else
`ROOT/sitemap_index.xml` (and, for a root below the host, the URL itself). Any other
URL is a sitemap. Anything else is a local file path (its index children, if any, are
fetched over HTTP).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Final
from urllib.parse import urljoin, urlsplit

from postaudit.gather.boundary import SiteBoundary
from postaudit.gather.fetch import Fetcher, FetchErrorKind
from postaudit.gather.robots import RobotsCache
from postaudit.gather.sitemap_select import (
    Outside,
    SitemapOptions,
    SitemapProblem,
    SitemapResult,
    rewrite_url,
    select_entries,
)
from postaudit.gather.sitemap_xml import (
    MB,
    ParsedSitemap,
    SitemapEntry,
    SitemapError,
    normalise_url,
    parse_sitemap,
    size_text,
)
from postaudit.urls import host_of

#: Sitemap bodies held at once, at their cap each: the children of one index level
#: are fetched concurrently, but never more than this many bytes' worth (4 at 50 MB).
BYTES_IN_FLIGHT: Final = 200 * MB


# --------------------------------------------------------------------------- collecting


def is_site_root(url: str) -> bool:
    """Is an http(s) URL a site root (path empty or ending in `/`), not a sitemap?"""
    path = urlsplit(url).path
    return not path or path.endswith("/")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def site_boundary(source: str, options: SitemapOptions) -> SiteBoundary | None:
    """The site a sitemap run fetches from: SOURCE's (when a URL) and the rewrite
    targets', widened by `allow_hosts`; None for a local file without rewrites."""
    urls = [target for _, target in options.rewrite]
    if urlsplit(source.strip()).scheme.lower() in ("http", "https"):
        url = normalise_url(source.strip())
        if url is not None:
            urls.insert(0, url)
    return SiteBoundary.of(urls, options.allow_hosts)


class _Run:
    """The mutable state of one `collect` call."""

    def __init__(self, fetcher: Fetcher, options: SitemapOptions, robots: RobotsCache) -> None:
        self.fetcher = fetcher
        self.options = options
        self.limits = options.limits
        self.robots = robots
        self.problems: list[SitemapProblem] = []
        self.read: list[str] = []
        self.raw: list[SitemapEntry] = []
        self.visited: set[str] = set()
        self.urlsets_read = 0
        self.invalid = 0  # listed entries that are not http(s) URLs
        self.sitemaps_left = options.limits.max_sitemaps
        self.dropped_sitemaps = 0
        self.full = False
        self.home: str | None = None  # host of a URL SOURCE, for the foreign-host note
        self.foreign: Counter[str] = Counter()
        self.site: SiteBoundary | None = None
        self.outside: list[Outside] = []
        self.readers = asyncio.Semaphore(max(1, BYTES_IN_FLIGHT // self.limits.max_bytes))

    def _outside(self, url: str, what: str) -> bool:
        """Is `url` outside the site? Then it is recorded, with `what` it is."""
        reason = self.site.reason(url) if self.site is not None else None
        if reason is None:
            return False
        self.outside.append(Outside(url, f"{what} {reason}: not read"))
        return True

    # ------------------------------------------------------------------ reading

    async def _read(self, location: str) -> ParsedSitemap | SitemapProblem:
        """Fetch (or read from disk) and parse one sitemap; failures become problems.
        At most `BYTES_IN_FLIGHT // max_bytes` run at once (their bodies are held)."""
        async with self.readers:
            return await self._read_one(location)

    async def _read_one(self, location: str) -> ParsedSitemap | SitemapProblem:
        if urlsplit(location).scheme in ("http", "https"):
            raw = await self.fetcher.request(
                "GET", location, max_bytes=self.limits.max_bytes, site=self.site
            )
            if raw.error is not None:
                if raw.error.kind is FetchErrorKind.OFF_SITE:
                    self.outside.append(Outside(location, f"sitemap {raw.error.message}"))
                return SitemapProblem(location, raw.error.message)
            data, base = raw.body or b"", raw.final_url
        else:
            try:
                path = Path(location)
                size = path.stat().st_size
                if size > self.limits.max_bytes:
                    return SitemapProblem(
                        location,
                        f"file is {size_text(size)}, over the {size_text(self.limits.max_bytes)} limit",
                    )
                data = path.read_bytes()
            except OSError as exc:
                return SitemapProblem(location, exc.strerror or str(exc))
            base = None
        try:
            return parse_sitemap(data, base_url=base, limits=self.limits, source=location)
        except SitemapError as exc:
            return SitemapProblem(location, str(exc))
        except Exception as exc:  # a parser bug must not lose the other sitemaps
            return SitemapProblem(location, f"internal error: {type(exc).__name__}: {exc}")

    async def crawl(
        self, roots: Sequence[str], *, quiet: bool = False
    ) -> tuple[int, list[SitemapProblem]]:
        """Read `roots` and everything their indexes list, level by level.

        Returns how many roots were read and the problems of the roots that were not;
        those are also recorded unless `quiet` (discovery probes: a 404 on /sitemap.xml
        is no problem when /sitemap_index.xml exists).
        """
        level: list[tuple[str, int]] = []
        for root in roots:
            if root not in self.visited and self.sitemaps_left > 0:
                self.visited.add(root)
                self.sitemaps_left -= 1
                level.append((root, 0))
        roots_read = 0
        root_failures: list[SitemapProblem] = []
        while level and not self.full:
            results = await asyncio.gather(*(self._read(loc) for loc, _ in level))
            upcoming: list[tuple[str, int]] = []
            for (location, depth), result in zip(level, results, strict=True):
                if isinstance(result, SitemapProblem):
                    if depth == 0:
                        root_failures.append(result)
                    if depth > 0 or not quiet:
                        self.problems.append(result)
                    continue
                roots_read += depth == 0
                self.read.append(location)
                self.problems.extend(SitemapProblem(location, note) for note in result.notes)
                if result.kind == "sitemapindex":
                    upcoming.extend(self._children(location, depth, result.children))
                else:
                    self.urlsets_read += 1
                    self.invalid += result.invalid
                    self._take(location, result.entries)
            level = upcoming
        if self.dropped_sitemaps:
            self.problems.append(
                SitemapProblem(
                    roots[0],
                    f"{self.dropped_sitemaps:,} more sitemaps not read: at most "
                    f"{self.limits.max_sitemaps:,} are read per run",
                )
            )
            self.dropped_sitemaps = 0
        return roots_read, root_failures

    def _children(
        self, location: str, depth: int, children: Sequence[SitemapEntry]
    ) -> list[tuple[str, int]]:
        out: list[tuple[str, int]] = []
        too_deep = 0
        for child in children:
            url = normalise_url(rewrite_url(child.url, self.options.rewrite))
            if url is None:
                self.problems.append(
                    SitemapProblem(location, f"child sitemap {child.url!r} is not an http(s) URL")
                )
                continue
            if url in self.visited:
                self.problems.append(
                    SitemapProblem(
                        location, f"lists {url} again (an index cycle or a repeat); read once"
                    )
                )
                continue
            if self._outside(url, "child sitemap"):
                continue
            if depth + 1 > self.limits.max_depth:
                too_deep += 1
                continue
            if self.sitemaps_left <= 0:
                self.dropped_sitemaps += 1
                continue
            self.visited.add(url)
            self.sitemaps_left -= 1
            out.append((url, depth + 1))
        if too_deep:
            self.problems.append(
                SitemapProblem(
                    location,
                    f"{too_deep:,} child sitemap{'s' * (too_deep != 1)} not read: indexes "
                    f"nested deeper than {self.limits.max_depth} levels",
                )
            )
        return out

    def _take(self, location: str, entries: Sequence[SitemapEntry]) -> None:
        room = self.limits.max_total_urls - len(self.raw)
        if len(entries) > room:
            entries = entries[:room]
            self.full = True
            self.problems.append(
                SitemapProblem(
                    location,
                    f"stopped reading sitemaps after {self.limits.max_total_urls:,} URLs",
                )
            )
        self.raw.extend(entries)
        if self.home is not None and not self.options.rewrite:
            home = self.home
            self.foreign.update(_origin(e.url) for e in entries if host_of(e.url) != home)

    def _foreign_note(self, source: str) -> None:
        """Point out entries on another host than SOURCE (a dev host leaked into a build)."""
        if not self.foreign:
            return
        origin, _ = self.foreign.most_common(1)[0]
        count = sum(self.foreign.values())
        site = _origin(source)
        self.problems.append(
            SitemapProblem(
                source,
                f"{count:,} of {len(self.raw):,} URLs are on another host ({origin}) than "
                f"{urlsplit(source).hostname}; a rewrite {origin}/={site}/ would audit "
                "this site instead",
            )
        )

    # ------------------------------------------------------------------ sources

    async def discover(self, root: str) -> None:
        """Site root: robots.txt Sitemap lines, then /sitemap.xml, then /sitemap_index.xml."""
        robots = await self.robots.get(root)
        if robots.problem is not None:
            self.problems.append(SitemapProblem(robots.url, robots.problem))
        below_host = urlsplit(root).path not in ("", "/")
        listed: list[str] = []
        for url in robots.sitemaps():
            normal = normalise_url(url)
            wanted = normal is not None and (not below_host or normal.startswith(root))
            if (
                normal is not None
                and wanted
                and normal not in listed
                and not self._outside(normal, "sitemap listed in robots.txt")
            ):
                listed.append(normal)
        tried: list[str] = []
        if listed:
            read, _failures = await self.crawl(listed)
            if read:
                return
            n = len(listed)
            tried.append(f"robots.txt lists {n} sitemap{'s' * (n != 1)}, none readable")
        else:
            tried.append("robots.txt lists none")
        candidates = [urljoin(root, "sitemap.xml"), urljoin(root, "sitemap_index.xml")]
        if below_host:
            candidates.append(root)
        for candidate in candidates:
            if candidate in self.visited:
                continue
            read, failures = await self.crawl([candidate], quiet=True)
            if read:
                return
            if failures:
                tried.append(f"{urlsplit(candidate).path}: {failures[0].message}")
        raise SitemapError(f"no sitemap found for {root} ({'; '.join(tried)})")

    async def start(self, source: str) -> None:
        text = source.strip()
        scheme = urlsplit(text).scheme.lower()
        self.site = site_boundary(source, self.options)
        if scheme in ("http", "https"):
            url = normalise_url(text)
            if url is None:
                raise SitemapError(f"{source!r} is not a valid URL")
            self.home = host_of(url)
            if is_site_root(url):
                await self.discover(url)
            else:
                _read, failures = await self.crawl([url], quiet=True)
                if failures:
                    raise SitemapError(f"cannot read sitemap {url}: {failures[0].message}")
            self._foreign_note(url)
            return
        if len(scheme) > 1 and "://" in text:
            raise SitemapError(f"{source!r}: a sitemap must be an http(s) URL or a local file")
        path = Path(text)
        if path.is_dir():
            raise SitemapError(f"{source!r} is a folder; give the sitemap file inside it")
        if not path.is_file():
            raise SitemapError(f"{source!r}: no such file or URL")
        _read, failures = await self.crawl([text], quiet=True)
        if failures:
            raise SitemapError(f"cannot read sitemap {text}: {failures[0].message}")

    # ------------------------------------------------------------------ result

    def result(self, source: str) -> SitemapResult:
        if self.urlsets_read == 0:
            if self.outside:
                n = len(self.outside)
                off = self.outside[0]
                host = urlsplit(off.url).hostname or off.url
                raise SitemapError(
                    f"no sitemap with page URLs could be read from {source}: {n} sitemap"
                    f"{'s' * (n != 1)} outside the site (first: {off.url}, {off.reason}); "
                    f"--allow-host {host} reads them"
                )
            if self.problems:
                first = self.problems[0]
                more = len(self.problems) - 1
                suffix = f" (and {more} more problem{'s' * (more != 1)})" if more else ""
                raise SitemapError(f"no sitemap with page URLs could be read: {first}{suffix}")
            raise SitemapError(f"no sitemap with page URLs could be read from {source}")
        result = select_entries(
            self.raw,
            self.options,
            self.read,
            self.problems,
            invalid=self.invalid,
            site=self.site,
            outside=self.outside,
        )
        _all_off_site(source, result)
        return result


def _all_off_site(source: str, result: SitemapResult) -> None:
    """Raise when every listed page is outside the site: the run would audit nothing and
    say so only under `-v`. Names the count and the `--allow-host` values that read them
    (as an index whose children are all elsewhere does)."""
    off = result.skipped.get("off-site", 0)
    if not off or result.entries or set(result.skipped) - {"off-site", "duplicate", "invalid-url"}:
        return
    pages = [o for o in result.outside if o.reason.startswith("page ")]
    hosts = list(dict.fromkeys(urlsplit(o.url).hostname or o.url for o in pages))
    flags = " ".join(f"--allow-host {h}" for h in hosts[:3])
    if len(hosts) > 3:
        flags += f" (and {len(hosts) - 3} more hosts)"
    first = pages[0]
    reason = first.reason.removeprefix("page ").removesuffix(": not audited")
    message = (
        f"no page to audit in {source}: all {off:,} entr{'ies' if off != 1 else 'y'} "
        f"outside the site (first: {first.url}, {reason}); {flags} "
        f"read{'s' * (len(hosts) == 1)} them"
    )
    rewrite = next((p.message for p in result.problems if "a rewrite " in p.message), None)
    if rewrite is not None:
        message += "; or " + rewrite[rewrite.index("a rewrite ") :]
    raise SitemapError(message)


async def collect(
    source: str,
    fetcher: Fetcher,
    options: SitemapOptions | None = None,
    *,
    robots: RobotsCache | None = None,
) -> SitemapResult:
    """Resolve SOURCE (sitemap URL, site root or local file) into the entries to audit.

    `robots` shares one robots.txt cache with the page audit (robots.txt is then fetched
    once per host per run). Problems with single sitemaps are in the result; raises
    `SitemapError` (one-line message) only when no sitemap with page URLs was read.
    """
    opts = options if options is not None else SitemapOptions()
    run = _Run(fetcher, opts, robots if robots is not None else RobotsCache(fetcher))
    await run.start(source)
    return run.result(source)
