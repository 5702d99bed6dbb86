"""Batch audits of a whole site from its sitemap: fast, polite, streaming, stoppable.

`audit_sitemap` reads the sitemap (`sitemap.collect`), then audits every entry with the
per-page steps of `pipeline.py` (fetch -> parse -> link phase -> rules), and hands each
`PageResult` to `on_result` as soon as it is ready. Nothing keeps a `Page` after it
is judged; what the caller keeps of each result is its business (see `Keeper`).

Politeness
- robots.txt (one fetch per origin, shared with the sitemap discovery) is respected
  for the pages audited: a disallowed entry is not fetched; it is a counted skip,
  listed in the summary (`skipped.robots`, `disallowed`), not a finding. Link checks
  honour robots.txt only with `respect_robots` (config or `--respect-robots`), as in
  the `links` phase of `audit`.
  `ignore_robots` turns all of this off, Crawl-delay included.
- per-host (`per_host`, default 4) and global (`concurrency`) limits on requests in
  flight are the Fetcher's; a per-host minimum interval between request starts
  (`Pacer`) is the larger of `delay` and the host's robots.txt `Crawl-delay`, and it
  applies to every request of the run (sitemaps, pages, link checks).
- a page answered with 429 or 503 is retried (`link_retries` times) after its
  `Retry-After` (capped by `retry_after_cap`) or an exponential backoff, like link
  checks; a Retry-After also pauses the whole host for the other requests.

One link cache for the run (`LinkChecker`): each URL is requested once. A page's
link phase that needs another audited page waits for that page's own fetch instead
of requesting it again; if that page was not fetched yet, its fetch is started at
once (it is then audited by the next free slot, before the sitemap order resumes),
so no slot can wait for a fetch that never starts.

CPU work (parse, rules, facts) runs in `Workers` (`workers.py`): in-process
(`workers=1`), or in worker processes fed from the event loop, which keeps the event
loop for I/O only; the results are the same either way.

Stopping: Ctrl-C (the task is cancelled) or `max_time` stop the run cleanly: pages in
flight are cancelled, finished pages have all been handed to `on_result`, and the
result lists the pages not audited.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from postaudit.config import Config
from postaudit.gather.fetch import Fetcher, FetchErrorKind, FetchOptions, RawPage, header_key
from postaudit.gather.linkcheck import LinkChecker, Need, page_status
from postaudit.gather.retry import pauses_host, retry_delay
from postaudit.gather.robots import RobotsCache
from postaudit.gather.sitemap import collect, site_boundary
from postaudit.gather.sitemap_select import Outside, SitemapOptions, SitemapResult
from postaudit.model import Category, Hop, LinkState, LinkStatus, PageResult
from postaudit.run.pacing import PacedFetcher, Pacer, host_of
from postaudit.run.pipeline import (
    document_from_raw,
    fetch_options,
    link_check_options,
    link_scopes,
)
from postaudit.run.workers import Job, Workers, start_workers
from postaudit.urls import link_key

#: Runs this small are audited in-process unless workers are asked for.
SMALL_RUN = 20


# --------------------------------------------------------------------------- options


@dataclass(frozen=True, slots=True)
class BatchOptions:
    concurrency: int = 16  # requests in flight (all hosts), and pages in audit at once
    per_host: int = 4  # requests in flight per host
    delay: float = 0.0  # minimum seconds between two request starts on one host
    respect_robots: bool = True
    workers: int | None = None  # processes for parse + rules; 1 = in-process; None = auto
    max_time: float | None = None  # seconds for the whole run
    done: frozenset[str] = frozenset()  # URLs already audited (--resume): not audited again

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.per_host < 1:
            raise ValueError("concurrency and per_host must be at least 1")
        if self.delay < 0:
            raise ValueError("delay must not be negative")
        if self.workers is not None and self.workers < 1:
            raise ValueError("workers must be at least 1")
        if self.max_time is not None and self.max_time <= 0:
            raise ValueError("max_time must be positive")


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What happened, besides the pages (those went to `on_result`)."""

    source: str
    sitemap: SitemapResult | None  # None when the run stopped during intake
    audited: int  # pages handed to on_result by this run
    disallowed: tuple[str, ...]  # entries robots.txt disallows (not fetched)
    not_audited: tuple[str, ...]  # entries left when the run stopped
    stopped: str | None = None  # None (complete) | "interrupted" | "max-time"
    workers: int = 1
    elapsed: float = 0.0
    crawl_delays: Mapping[str, float] = field(default_factory=dict)
    outside: tuple[Outside, ...] = ()  # pages that redirect out of the site (not audited)

    @property
    def complete(self) -> bool:
        return self.stopped is None


class Progress(Protocol):
    """What the batch tells a progress display."""

    def start(self, total: int) -> None: ...

    def advance(self, result: PageResult) -> None: ...


OnResult = Callable[[PageResult], None]
OnNote = Callable[[str], None]


# --------------------------------------------------------------------------- the pages


class _Pages:
    """The entries to audit: which are fetched, promoted, taken.

    `take` hands out pages whose fetch was started early (a link target of a page in
    audit) first, then the rest in sitemap order. A fetch, once started, runs to the
    end whatever else waits, so nothing can wait on a fetch that never starts.
    """

    def __init__(
        self, urls: Sequence[str], fetch: Callable[[str], Any], checker: LinkChecker
    ) -> None:
        self.order: deque[str] = deque(urls)
        self.keys: dict[str, str] = {link_key(u): u for u in urls}
        self.fetching: dict[str, asyncio.Task[RawPage]] = {}
        self.ready: deque[str] = deque()
        self.taken: set[str] = set()
        self.finished: set[str] = set()
        self._fetch = fetch
        self._checker = checker

    def start(self, url: str) -> asyncio.Task[RawPage]:
        task = self.fetching.get(url)
        if task is None:
            self._checker.expect(url)
            task = self.fetching[url] = asyncio.ensure_future(self._fetch(url))
        return task

    def promote(self, needs: Iterable[Need]) -> None:
        """Start the fetch of every audited page among `needs` not started yet."""
        for need in needs:
            url = self.keys.get(need.key)
            if url is not None and url not in self.taken and url not in self.fetching:
                self.start(url).add_done_callback(self._arrived(url))

    def _arrived(self, url: str) -> Callable[[asyncio.Task[RawPage]], None]:
        def done(_task: asyncio.Task[RawPage]) -> None:
            self.ready.append(url)

        return done

    def take(self) -> str | None:
        while self.ready:
            url = self.ready.popleft()
            if url not in self.taken:
                self.taken.add(url)
                return url
        while self.order:
            url = self.order.popleft()
            if url not in self.taken:
                self.taken.add(url)
                return url
        return None

    async def fetched(self, url: str) -> RawPage:
        try:
            return await self.start(url)
        finally:
            self.fetching.pop(url, None)

    def cancel(self) -> list[asyncio.Task[RawPage]]:
        tasks = list(self.fetching.values())
        for task in tasks:
            task.cancel()
        return tasks


# --------------------------------------------------------------------------- the run


def _header_hosts(source: str, sitemap_options: SitemapOptions) -> frozenset[str]:
    """Where --header credentials may go: SOURCE's host and the rewrite targets
    (host:port). Empty for a local SOURCE without rewrites: the Fetcher then takes
    the host of the first page it fetches."""
    urls = [source, *(target for _, target in sitemap_options.rewrite)]
    return frozenset(key for url in urls if (key := header_key(url)) is not None)


def fetch_options_for(
    config: Config, source: str, sitemap_options: SitemapOptions, options: BatchOptions
) -> FetchOptions:
    return replace(
        fetch_options(config),
        per_host=options.per_host,
        concurrency=options.concurrency,
        header_hosts=_header_hosts(source, sitemap_options),
    )


@dataclass(frozen=True, slots=True)
class _Listeners:
    """Whom a batch tells what happens."""

    on_result: OnResult
    progress: Progress | None
    note: OnNote
    on_sitemap: Callable[[SitemapResult], None] | None


class _Batch:
    """One sitemap batch under way: its clients, its pages, and what happened so far."""

    def __init__(
        self,
        source: str,
        config: Config,
        sitemap_options: SitemapOptions,
        options: BatchOptions,
        listeners: _Listeners,
    ) -> None:
        self.source = source
        self.config = config
        self.sitemap_options = sitemap_options
        self.options = options
        self.listeners = listeners
        self.scopes = link_scopes(config, config.ruleset())
        self.pacer = Pacer(options.delay)
        self.site = site_boundary(source, sitemap_options)
        self.sitemap: SitemapResult | None = None
        self.disallowed: list[str] = []
        self.urls: list[str] = []
        self.done_urls: set[str] = set()
        self.audited = 0
        self.workers: Workers | None = None
        self.worker_count = 1
        self.delays: dict[str, float] = {}
        self.outside: list[Outside] = []

    async def open_clients(self, stack: AsyncExitStack) -> None:
        """The run's fetchers (one more for link checks with their own timeout), its
        robots.txt cache and its link checker."""
        config = self.config
        fetch_opts = fetch_options_for(config, self.source, self.sitemap_options, self.options)
        self.fetcher = await stack.enter_async_context(PacedFetcher(fetch_opts, self.pacer))
        link_fetcher: Fetcher = self.fetcher
        if config.link_timeout is not None and config.link_timeout != config.timeout:
            link_opts = replace(fetch_opts, timeout=config.link_timeout)
            link_fetcher = await stack.enter_async_context(PacedFetcher(link_opts, self.pacer))
        self.robots = RobotsCache(self.fetcher)
        self.checker = LinkChecker(
            link_fetcher,
            link_check_options(config),
            robots=self.robots if config.respect_robots else None,
        )
        self.agent = self.fetcher.options.user_agent
        self.link_options = link_check_options(config)

    async def fetch(self, url: str) -> RawPage:
        """An audited page, retried on 429/503 and connection errors, and seeded into
        the link cache."""
        fetcher, link_options, pacer = self.fetcher, self.link_options, self.pacer
        attempt = 0
        while True:
            raw = await fetcher.fetch_page(url, site=self.site)
            attempt += 1
            delay = retry_delay(
                raw, attempt, backoff=link_options.backoff, cap=link_options.retry_after_cap
            )
            if delay is None or attempt > link_options.retries:
                break
            if pauses_host(raw):
                pacer.pause(host_of(url), delay)
            await asyncio.sleep(delay)
        self.checker.fulfil(url, _off_site_status(raw) or page_status(raw))
        return raw

    async def audit(
        self, url: str, pages: _Pages, workers: Workers, job_id: int
    ) -> PageResult | None:
        """One page through the pipeline; None when it redirects out of the site."""
        raw = await pages.fetched(url)
        if raw.error is not None and raw.error.kind is FetchErrorKind.OFF_SITE:
            self.outside.append(Outside(url, f"page {raw.error.message}; not audited"))
            return None
        document = document_from_raw(raw, url)
        if isinstance(document, PageResult):
            return document
        job = Job(job_id, document)
        del raw, document
        first = await workers.parse(job)
        if isinstance(first, PageResult):
            return first
        try:
            pages.promote(first)
            statuses = await self.checker.check_many(first)
        except BaseException:
            workers.drop(job)
            raise
        return await workers.apply_rules(job, statuses)

    async def read_sitemap(self) -> None:
        """The sitemap's entries to audit: those not done yet, robots.txt permitting."""
        self.sitemap = await collect(
            self.source, self.fetcher, self.sitemap_options, robots=self.robots
        )
        if self.listeners.on_sitemap is not None:
            self.listeners.on_sitemap(self.sitemap)
        entries = [e.url for e in self.sitemap.entries if e.url not in self.options.done]
        if self.options.respect_robots:
            await self._obey_robots(entries)
        else:
            self.urls.extend(entries)
        if self.disallowed:
            n = len(self.disallowed)
            self.listeners.note(f"{n} page{'s' * (n != 1)} disallowed by robots.txt, not audited")

    async def _obey_robots(self, entries: Sequence[str]) -> None:
        """Drop the entries robots.txt disallows; pace each host by its Crawl-delay."""
        for url in entries:
            if await self.robots.can_fetch(url, self.agent):
                self.urls.append(url)
            else:
                self.disallowed.append(url)
        for host in sorted({host_of(u) for u in self.urls}):
            first = next(u for u in self.urls if host_of(u) == host)
            seconds = await self.robots.crawl_delay(first, self.agent)
            if seconds:
                self.delays[host] = seconds
                self.pacer.set_interval(host, seconds)
                if seconds > self.options.delay:
                    self.listeners.note(
                        f"robots.txt of {host} asks for a Crawl-delay of {seconds:g} s: "
                        f"at most one request every {seconds:g} s to it "
                        "(--ignore-robots to override)"
                    )

    def start_workers(self, count: int) -> Workers:
        self.worker_count = count
        self.workers = start_workers(self.config, self.scopes, count)
        return self.workers

    async def audit_all(self) -> None:
        """Read the sitemap, then audit its pages in `concurrency` slots."""
        options = self.options
        if options.workers is not None and options.workers > 1:
            self.start_workers(options.workers)  # the processes start while the sitemap loads
        await self.read_sitemap()
        urls = self.urls
        workers = self.workers
        if workers is None:
            count = options.workers or (default_workers() if len(urls) >= SMALL_RUN else 1)
            workers = self.start_workers(min(count, max(1, len(urls))))
        if self.listeners.progress is not None:
            self.listeners.progress.start(len(urls))
        pages = _Pages(urls, self.fetch, self.checker)
        counter = iter(range(1 << 62))

        async def consume() -> None:
            while (url := pages.take()) is not None:
                result = await self.audit(url, pages, workers, next(counter))
                if result is None:  # redirected out of the site: named, not audited
                    self.done_urls.add(url)
                    continue
                self.finished(url, result)

        slots = max(1, min(options.concurrency, len(urls)))
        consumers = [asyncio.ensure_future(consume()) for _ in range(slots)]
        try:
            await asyncio.gather(*consumers)
        except BaseException:
            for task in consumers:
                task.cancel()
            fetches = pages.cancel()
            await asyncio.gather(*consumers, *fetches, return_exceptions=True)
            raise

    def finished(self, url: str, result: PageResult) -> None:
        self.done_urls.add(url)
        self.audited += 1
        self.listeners.on_result(result)
        if self.listeners.progress is not None:
            self.listeners.progress.advance(result)

    def result(self, stopped: str | None, elapsed: float) -> BatchResult:
        return BatchResult(
            source=self.source,
            sitemap=self.sitemap,
            audited=self.audited,
            disallowed=tuple(self.disallowed),
            not_audited=tuple(u for u in self.urls if u not in self.done_urls),
            stopped=stopped,
            workers=self.worker_count,
            elapsed=elapsed,
            crawl_delays=self.delays,
            outside=tuple(sorted(self.outside)),
        )


async def audit_sitemap(
    source: str,
    config: Config,
    sitemap_options: SitemapOptions,
    options: BatchOptions,
    *,
    on_result: OnResult,
    progress: Progress | None = None,
    on_note: OnNote | None = None,
    on_sitemap: Callable[[SitemapResult], None] | None = None,
) -> BatchResult:
    """Read the sitemap and audit its pages (see the module docstring). Raises
    `SitemapError` when no sitemap can be read; never raises for a page."""
    started = time.perf_counter()
    listeners = _Listeners(on_result, progress, on_note or (lambda _text: None), on_sitemap)
    batch = _Batch(source, config, sitemap_options, options, listeners)
    stopped: str | None = None
    async with AsyncExitStack() as stack:
        await batch.open_clients(stack)
        try:
            async with asyncio.timeout(options.max_time):
                await batch.audit_all()
        except TimeoutError:
            stopped = "max-time"
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is None or not task.cancelling():
                raise
            task.uncancel()
            stopped = "interrupted"
        finally:
            if batch.workers is not None:
                batch.workers.close()
    return batch.result(stopped, time.perf_counter() - started)


def _off_site_status(raw: RawPage) -> LinkStatus | None:
    """The link status of an audited page that redirects out of the site: a redirect
    (its target, on another site, was not fetched), not a broken link."""
    if raw.error is None or raw.error.kind is not FetchErrorKind.OFF_SITE or not raw.redirects:
        return None
    chain = tuple(Hop(r.status, r.url, r.location) for r in raw.redirects)
    return LinkStatus(
        url=raw.url,
        state=LinkState.REDIRECTED,
        status=chain[-1].status,
        final_url=chain[-1].location,
        chain=chain,
        message=f"HTTP {chain[-1].status} to another site (not fetched)",
        elapsed=raw.elapsed,
        method="page",
        attempts=1,
    )


# --------------------------------------------------------------------------- results


class Keeper:
    """What the run keeps of each finished page for the verdict at the end: what the
    gate and a baseline read, nothing else: no facts, and without a baseline
    (`all_findings`) only the findings that count for `fail_on` (and `X` findings), so
    memory stays flat on a 50,000-page sitemap. The reports themselves are written
    from a spool (`report.spool`) or streamed (JSONL)."""

    def __init__(self, *, fail_on: str = "error", all_findings: bool = False) -> None:
        self.fail_on = fail_on
        self.all_findings = all_findings
        self.pages: list[PageResult] = []

    def add(self, result: PageResult) -> None:
        from postaudit.judge.gate import counts_against_fail_on

        findings = result.findings
        if not self.all_findings:
            findings = tuple(
                f
                for f in findings
                if f.category is Category.FETCH or counts_against_fail_on(f, self.fail_on)
            )
        self.pages.append(replace(result, findings=findings, facts={}))


def batch_summary(
    collector_summary: Mapping[str, Any],
    result: BatchResult,
) -> dict[str, Any]:
    """The JSON `summary` of a batch: the collector's (pages, failed, score, counts,
    distribution, worst, frequent, failures, site_counts) and the run's own."""
    sitemap = result.sitemap
    skipped: dict[str, int] = {"robots": len(result.disallowed)}
    outside = list(result.outside)
    if sitemap is not None:
        skipped.update(sitemap.skipped)
        outside.extend(sitemap.outside)
    if result.outside:
        skipped["off-site"] = skipped.get("off-site", 0) + len(result.outside)
    out = dict(collector_summary)
    out.update(
        {
            "complete": result.complete,
            "not_audited": sorted(result.not_audited),
            "skipped": skipped,
            "disallowed": sorted(result.disallowed),
            "sitemap": {
                "source": result.source,
                "found": sitemap.found if sitemap is not None else 0,
                "sitemaps": list(sitemap.sitemaps_read) if sitemap is not None else [],
                "problems": [str(p) for p in sitemap.problems] if sitemap is not None else [],
            },
        }
    )
    if outside:  # only when there is something to name (older reports have no key)
        out["outside"] = [o.to_dict() for o in sorted(set(outside))]
    return out


__all__ = [
    "BatchOptions",
    "BatchResult",
    "Keeper",
    "audit_sitemap",
    "batch_summary",
    "default_workers",
]
