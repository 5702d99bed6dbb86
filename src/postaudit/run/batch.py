"""Batch audits of a whole site from its sitemap: fast, polite, streaming, stoppable.

`run_sitemap` reads the sitemap (`sitemap.collect`), then audits every entry with the
per-page steps of `runner.py` (fetch -> parse -> link phase -> judge), and hands each
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

CPU work (parse, rules, facts) runs in a `Judge`: in-process (`workers=1`), or in
worker processes fed from the event loop (`ProcessJudge`), which keeps the event loop
for I/O only. A page is parsed and judged in the same worker (its `Page` never
crosses a process boundary: only the HTML goes in, the link targets it needs come
back, their statuses go in, and the `PageResult` comes back), so the results are the
same either way. Each worker is one process with two pipes, driven by the event loop
without threads (`_Process`); workers fork from a fork server that loaded the parser,
the rules and textstat once (`worker_preload`), or are spawned where there is none.

Stopping: Ctrl-C (the task is cancelled) or `max_time` stop the run cleanly: pages in
flight are cancelled, finished pages have all been handed to `on_result`, and the
result lists the pages not audited.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import urlsplit

from postaudit.config import Config, RuleSettings
from postaudit.gather.fetch import Fetcher, FetchErrorKind, FetchOptions, RawPage
from postaudit.gather.linkcheck import LinkChecker, Need, collect_needs, page_status
from postaudit.gather.retry import pauses_host, retry_delay
from postaudit.gather.robots import RobotsCache
from postaudit.gather.sitemap import (
    Outside,
    SitemapOptions,
    SitemapResult,
    collect,
    describe_skip,
    site_boundary,
)
from postaudit.model import Category, Hop, LinkState, LinkStatus, PageResult
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


# --------------------------------------------------------------------------- politeness


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class Pacer:
    """A minimum interval between request starts per host, and host-wide pauses."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.intervals: dict[str, float] = {}
        self._next: dict[str, float] = {}
        self._paused: dict[str, float] = {}

    def set_interval(self, host: str, seconds: float) -> None:
        self.intervals[host] = max(self.intervals.get(host, 0.0), seconds)

    def interval(self, host: str) -> float:
        return max(self.delay, self.intervals.get(host, 0.0))

    def pause(self, host: str, seconds: float) -> None:
        """No request to `host` starts in the next `seconds` (a Retry-After)."""
        until = asyncio.get_running_loop().time() + seconds
        self._paused[host] = max(self._paused.get(host, 0.0), until)

    async def wait(self, url: str) -> None:
        host = host_of(url)
        interval = self.interval(host)
        paused = self._paused.get(host, 0.0)
        if interval <= 0 and not paused:
            return
        now = asyncio.get_running_loop().time()
        start = max(now, self._next.get(host, 0.0), paused)
        if interval > 0:
            self._next[host] = start + interval
        if start > now:
            await asyncio.sleep(start - now)


class PacedFetcher(Fetcher):
    """The run's Fetcher, waiting for the `Pacer` before every request."""

    def __init__(self, options: FetchOptions, pacer: Pacer) -> None:
        super().__init__(options)
        self.pacer = pacer

    async def fetch_page(self, url: str, **kwargs: Any) -> RawPage:
        await self.pacer.wait(url)
        return await super().fetch_page(url, **kwargs)

    async def request(self, method: str, url: str, **kwargs: Any) -> RawPage:
        await self.pacer.wait(url)
        return await super().request(method, url, **kwargs)


# --------------------------------------------------------------------------- CPU work


@dataclass(frozen=True, slots=True)
class Job:
    """One fetched page to parse and judge (plain data: it may go to a process)."""

    id: int
    url: str  # as listed (the report's URL)
    html: str
    final_url: str
    status: int | None
    headers: Mapping[str, str]
    encoding: str | None
    facts: Mapping[str, Any]  # e.g. redirects, merged into the page's facts


class Worker:
    """The CPU side of a batch: parse, collect link needs, judge. One per process (or
    one in-process). Pages wait here between the two calls."""

    def __init__(self, config: Config, scopes: frozenset[str]) -> None:
        self.config = config
        self.ruleset: tuple[RuleSettings, ...] = config.ruleset()
        self.scopes = scopes
        self.exclude = tuple(re.compile(p) for p in config.exclude_links)
        self.context = config.context()
        self.pages: dict[int, tuple[Any, Job]] = {}

    def parse(self, job: Job) -> list[Need] | PageResult:
        """Parse; the link targets to check, or the finished result when there are none."""
        from postaudit.parse.content import SelectorError
        from postaudit.run.runner import _crashed, parse_html

        try:
            page = parse_html(
                job.html,
                job.url,
                self.config,
                base_url=job.final_url,
                status=job.status,
                headers=job.headers,
                encoding=job.encoding,
            )
            needs = collect_needs(page, self.scopes, exclude=self.exclude) if self.scopes else []
        except SelectorError:
            raise
        except Exception as exc:  # a parser bug must not lose the batch
            return _crashed(job.url, exc, job.status)
        if not needs:
            return self._judge(page, job, {})
        self.pages[job.id] = (page, job)
        return needs

    def judge(self, job_id: int, statuses: Mapping[str, LinkStatus]) -> PageResult:
        page, job = self.pages.pop(job_id)
        return self._judge(page, job, statuses)

    def drop(self, job_id: int) -> None:
        self.pages.pop(job_id, None)

    def audit(self, job: Job, statuses: Mapping[str, LinkStatus]) -> PageResult:
        """Parse and judge in one call, the link statuses already known (a page whose
        first process died)."""
        out = self.parse(job)
        return out if isinstance(out, PageResult) else self.judge(job.id, statuses)

    def warm(self) -> None:
        """Judge a tiny page once: imports and dictionaries load before real pages come."""
        html = (
            "<!doctype html><html lang='en'><head><title>Warming up the worker</title></head>"
            "<body><article><h1>Warm up</h1><p>One sentence of prose to measure.</p>"
            "</article></body></html>"
        )
        job = Job(-1, "https://warm.invalid/", html, "https://warm.invalid/", 200, {}, None, {})
        out = self.parse(job)
        if not isinstance(out, PageResult):
            self.judge(job.id, {})

    def _judge(self, page: Any, job: Job, statuses: Mapping[str, LinkStatus]) -> PageResult:
        from postaudit.judge.site import SITE_FACTS, page_facts
        from postaudit.run.runner import _crashed, judge

        try:
            if statuses:
                page = replace(page, link_status=dict(statuses))
            facts = {**job.facts, SITE_FACTS: page_facts(page, self.context)}
            return judge(page, self.config, self.ruleset, facts=facts, final_url=job.final_url)
        except Exception as exc:  # a rule bug must not lose the batch
            return _crashed(job.url, exc, job.status)


class Judge(Protocol):
    workers: int

    async def parse(self, job: Job) -> list[Need] | PageResult: ...

    async def judge(self, job: Job, statuses: Mapping[str, LinkStatus]) -> PageResult: ...

    def drop(self, job: Job) -> None: ...

    def close(self) -> None: ...


class LocalJudge:
    """Parse and judge in the event loop's own process (`--workers 1`)."""

    workers = 1

    def __init__(self, config: Config, scopes: frozenset[str]) -> None:
        self.worker = Worker(config, scopes)

    async def parse(self, job: Job) -> list[Need] | PageResult:
        return self.worker.parse(job)

    async def judge(self, job: Job, statuses: Mapping[str, LinkStatus]) -> PageResult:
        return self.worker.judge(job.id, statuses)

    def drop(self, job: Job) -> None:
        self.worker.drop(job.id)

    def close(self) -> None:
        self.worker.pages.clear()


def calm_gc() -> None:
    """Garbage collection for a worker that builds and drops one parse tree per page:
    what is loaded by now (modules, the syllable dictionary) is frozen out of the
    collector's walks, and automatic collections run about 14x less often (a tree is
    thousands of objects in parent/child cycles, so collecting after every 700
    allocations walks each tree many times): 5-10% less CPU than the defaults in our
    runs, for a few MB more at peak. (Collecting the young generations by hand after
    each page looked better in a one-page-at-a-time test, but in a batch the pages
    waiting for link statuses are alive at that moment: their trees moved to the old
    generation, which such calls never collect, and memory grew with the run.)"""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


class WorkerDied(RuntimeError):
    """The worker process ended (killed, out of memory) with calls in hand."""


def _serve(config: Config, scopes: frozenset[str], inbox: Any, outbox: Any) -> None:
    """A worker process: answer `(call_id, op, args)` messages from `inbox` until it
    closes, one at a time, with `(call_id, ok, value)` on `outbox` (no answer to a
    call_id of None). Ctrl-C is the parent's business."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker = Worker(config, scopes)
    with contextlib.suppress(Exception):  # warming up is an optimisation only
        worker.warm()
    calm_gc()

    def judge(job_id: int, statuses: Mapping[str, LinkStatus]) -> PageResult | None:
        # None: this process holds no such page (it was parsed by a process that died
        # and was replaced since), so the caller audits the page again from its job
        return worker.judge(job_id, statuses) if job_id in worker.pages else None

    ops: dict[str, Callable[..., Any]] = {
        "parse": worker.parse,
        "judge": judge,
        "audit": worker.audit,
        "drop": worker.drop,
    }
    while True:
        try:
            call_id, op, args = inbox.recv()
        except (EOFError, OSError):
            return
        try:
            value, ok = ops[op](*args), True
        except Exception as exc:
            value, ok = exc, False
        if call_id is None:
            continue
        try:
            try:
                outbox.send((call_id, ok, value))
            except OSError:
                raise
            except Exception as exc:  # an answer that cannot be pickled
                outbox.send((call_id, False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        except OSError:  # the main process closed the pipes (Ctrl-C, max time): stop
            return


class _Frames(asyncio.Protocol):
    """Reads `multiprocessing.Connection` messages (a 4-byte big-endian length, or -1
    and an 8-byte one, then a pickle) from a worker's pipe without blocking the loop."""

    def __init__(self, on_message: Callable[[Any], None], on_lost: Callable[[], None]) -> None:
        self.buffer = bytearray()
        self.on_message = on_message
        self.on_lost = on_lost

    def data_received(self, data: bytes) -> None:
        import pickle
        import struct

        self.buffer += data
        while len(self.buffer) >= 4:
            (size,) = struct.unpack_from("!i", self.buffer)
            head = 4
            if size == -1:
                if len(self.buffer) < 12:
                    return
                (size,) = struct.unpack_from("!Q", self.buffer, 4)
                head = 12
            if len(self.buffer) < head + size:
                return
            message = pickle.loads(memoryview(self.buffer)[head : head + size])
            del self.buffer[: head + size]
            self.on_message(message)

    def connection_lost(self, exc: Exception | None) -> None:
        self.on_lost()


def _frame(message: Any) -> bytes:
    """`message` framed as `multiprocessing.Connection.send` does."""
    import pickle
    import struct

    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    n = len(data)
    head = struct.pack("!i", n) if n <= 0x7FFFFFFF else struct.pack("!iQ", -1, n)
    return head + data


def _spawn_context() -> Any:
    import multiprocessing

    return multiprocessing.get_context("spawn")


def worker_context() -> Any:
    """How worker processes start: forked from a fork server that has imported the
    parser, the rules and textstat once (`postaudit.run.worker_preload`), where the
    platform has one; else spawned (each imports it all itself). Never a fork of this
    process: its event loop and threads must not be copied."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return _spawn_context()
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["postaudit.run.worker_preload"])
    return ctx


class _Process:
    """One worker process and its two pipes, driven from the event loop: a call is a
    message out and a future answered by the message back. No threads: writes are
    buffered by the loop's pipe transport, so the loop never blocks on a busy worker
    (nor can both sides block writing to each other)."""

    def __init__(self, config: Config, scopes: frozenset[str]) -> None:
        ctx = worker_context()
        inbox_r, inbox_w = ctx.Pipe(duplex=False)
        outbox_r, outbox_w = ctx.Pipe(duplex=False)
        args = (config, scopes, inbox_r, outbox_w)
        self.process = ctx.Process(target=_serve, args=args, daemon=True)
        try:
            self.process.start()  # imports and warm-up run while the sitemap loads
        except OSError:  # no fork server here (say, no writable temporary folder)
            self.process = _spawn_context().Process(target=_serve, args=args, daemon=True)
            self.process.start()
        inbox_r.close()
        outbox_w.close()
        self._inbox = inbox_w
        self._outbox = outbox_r
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.dead = False
        self._ids = iter(range(1 << 62))
        self._writer: asyncio.WriteTransport | None = None
        self._reader: asyncio.BaseTransport | None = None
        self._connecting: asyncio.Future[None] | None = None

    async def _connect(self) -> None:
        if self._connecting is None:
            self._connecting = asyncio.ensure_future(self._open_pipes())
        await asyncio.shield(self._connecting)

    async def _open_pipes(self) -> None:
        loop = asyncio.get_running_loop()
        read_end = os.fdopen(os.dup(self._outbox.fileno()), "rb", buffering=0)
        write_end = os.fdopen(os.dup(self._inbox.fileno()), "wb", buffering=0)
        self._outbox.close()
        self._inbox.close()
        self._reader, _ = await loop.connect_read_pipe(
            lambda: _Frames(self._answer, self._lost), read_end
        )
        self._writer, _ = await loop.connect_write_pipe(asyncio.Protocol, write_end)

    def _answer(self, message: Any) -> None:
        call_id, ok, value = message
        future = self.pending.pop(call_id, None)
        if future is None or future.done():
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def _lost(self) -> None:
        self.dead = True
        pending, self.pending = self.pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(WorkerDied("the worker process ended"))

    async def call(self, op: str, *args: Any) -> Any:
        await self._connect()
        if self.dead:
            raise WorkerDied("the worker process ended")
        assert self._writer is not None
        call_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending[call_id] = future
        self._writer.write(_frame((call_id, op, args)))
        try:
            return await future
        finally:
            self.pending.pop(call_id, None)

    def tell(self, op: str, *args: Any) -> None:
        """A call without an answer (`drop`)."""
        if self._writer is not None and not self.dead and not self._writer.is_closing():
            self._writer.write(_frame((None, op, args)))

    def close(self, *, wait: bool = True) -> None:
        """Close the pipes now (the worker reads EOF and exits), then wait for it."""
        # a transport closes its pipe on a later turn of the loop, and the join below
        # holds the loop: close the pipes here, or the worker never reads EOF
        if self._writer is not None:
            pipe = self._writer.get_extra_info("pipe")
            if not self._writer.is_closing():
                self._writer.abort()  # unsent `drop` messages do not matter any more
            pipe.close()
        if self._reader is not None:
            pipe = self._reader.get_extra_info("pipe")
            if not self._reader.is_closing():
                self._reader.close()
            pipe.close()
        if self._writer is None:  # never connected: close the raw ends
            self._inbox.close()
            self._outbox.close()
        if wait:
            self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5)


class ProcessJudge:
    """Parse and judge in `workers` processes fed from the event loop.

    The second call for a page (judge) goes to the process that parsed it and still
    holds its `Page`. A page goes to the process with the fewest pages in hand. A
    process that dies (killed, out of memory) is replaced, and its pages are audited
    again in the new one (parse and judge in one call, with the link statuses already
    known), so one lost process loses no page.
    """

    def __init__(self, config: Config, scopes: frozenset[str], workers: int) -> None:
        self.workers = workers
        self.config = config
        self.scopes = scopes
        self.processes = [_Process(config, scopes) for _ in range(workers)]
        self.load = [0] * workers
        self.home: dict[int, int] = {}
        self.respawned = 0

    def _replace(self, index: int, broken: _Process) -> None:
        if self.processes[index] is broken:
            broken.close(wait=False)
            self.processes[index] = _Process(self.config, self.scopes)
            self.respawned += 1

    async def _call(self, index: int, op: str, *args: Any) -> Any:
        """`op(*args)` in process `index`; once more in a fresh process if it died."""
        process = self.processes[index]
        try:
            return await process.call(op, *args)
        except WorkerDied:
            self._replace(index, process)
            if op == "judge":  # the page died with the process: start over
                return None
            return await self.processes[index].call(op, *args)

    async def parse(self, job: Job) -> list[Need] | PageResult:
        from postaudit.parse.content import SelectorError
        from postaudit.run.runner import _crashed

        index = min(range(self.workers), key=lambda i: self.load[i])
        self.load[index] += 1
        try:
            out: list[Need] | PageResult = await self._call(index, "parse", job)
        except asyncio.CancelledError:
            self.load[index] -= 1
            raise
        except Exception as exc:  # pickling failed, or the process died twice
            self.load[index] -= 1
            if isinstance(exc, SelectorError):
                raise
            return _crashed(job.url, exc, job.status)
        if isinstance(out, PageResult):
            self.load[index] -= 1
        else:
            self.home[job.id] = index
        return out

    async def judge(self, job: Job, statuses: Mapping[str, LinkStatus]) -> PageResult:
        from postaudit.run.runner import _crashed

        index = self.home.pop(job.id)
        plain = dict(statuses)
        try:
            out: PageResult | None = await self._call(index, "judge", job.id, plain)
            if out is None:
                out = await self._call(index, "audit", job, plain)
            assert out is not None
            return out
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            return _crashed(job.url, exc, job.status)
        finally:
            self.load[index] -= 1

    def drop(self, job: Job) -> None:
        index = self.home.pop(job.id, None)
        if index is not None:
            self.load[index] -= 1
            with contextlib.suppress(Exception):  # shutting down, or the process died
                self.processes[index].tell("drop", job.id)

    def close(self) -> None:
        for process in self.processes:
            process.close()


def make_judge(config: Config, scopes: frozenset[str], workers: int) -> Judge:
    if workers <= 1:
        return LocalJudge(config, scopes)
    return ProcessJudge(config, scopes, workers)


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
    from postaudit.gather.fetch import header_key

    urls = [source, *(target for _, target in sitemap_options.rewrite)]
    return frozenset(key for url in urls if (key := header_key(url)) is not None)


def fetch_options_for(
    config: Config, source: str, sitemap_options: SitemapOptions, options: BatchOptions
) -> FetchOptions:
    from postaudit.run.runner import fetch_options

    return replace(
        fetch_options(config),
        per_host=options.per_host,
        concurrency=options.concurrency,
        header_hosts=_header_hosts(source, sitemap_options),
    )


async def run_sitemap(
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
    from postaudit.gather.sources import Target
    from postaudit.run.runner import _raw_facts, _raw_failure, link_check_options, link_scopes

    note = on_note or (lambda _text: None)
    started = time.perf_counter()
    ruleset = config.ruleset()
    scopes = link_scopes(config, ruleset)
    pacer = Pacer(options.delay)
    sitemap: SitemapResult | None = None
    disallowed: list[str] = []
    urls: list[str] = []
    done_urls: set[str] = set()
    audited = 0
    stopped: str | None = None
    judge_: Judge | None = None
    workers = 1
    delays: dict[str, float] = {}
    site = site_boundary(source, sitemap_options)
    outside: list[Outside] = []

    def finished(url: str, result: PageResult) -> None:
        nonlocal audited
        done_urls.add(url)
        audited += 1
        on_result(result)
        if progress is not None:
            progress.advance(result)

    async with AsyncExitStack() as stack:
        fetch_opts = fetch_options_for(config, source, sitemap_options, options)
        fetcher = await stack.enter_async_context(PacedFetcher(fetch_opts, pacer))
        link_fetcher: Fetcher = fetcher
        if config.link_timeout is not None and config.link_timeout != config.timeout:
            link_opts = replace(fetch_opts, timeout=config.link_timeout)
            link_fetcher = await stack.enter_async_context(PacedFetcher(link_opts, pacer))
        robots = RobotsCache(fetcher)
        checker = LinkChecker(
            link_fetcher,
            link_check_options(config),
            robots=robots if config.respect_robots else None,
        )
        agent = fetcher.options.user_agent
        link_options = link_check_options(config)

        async def fetch(url: str) -> RawPage:
            attempt = 0
            while True:
                raw = await fetcher.fetch_page(url, site=site)
                attempt += 1
                delay = retry_delay(
                    raw, attempt, backoff=link_options.backoff, cap=link_options.retry_after_cap
                )
                if delay is None or attempt > link_options.retries:
                    break
                if pauses_host(raw):
                    pacer.pause(host_of(url), delay)
                await asyncio.sleep(delay)
            checker.fulfil(url, _off_site_status(raw) or page_status(raw))
            return raw

        async def audit(url: str, pages: _Pages, judge: Judge, job_id: int) -> PageResult | None:
            raw = await pages.fetched(url)
            if raw.error is not None and raw.error.kind is FetchErrorKind.OFF_SITE:
                outside.append(Outside(url, f"page {raw.error.message}; not audited"))
                return None
            target = Target("url", url)
            facts = _raw_facts(raw)
            failure = _raw_failure(raw, target, facts)
            if failure is not None:
                return failure
            job = Job(
                job_id,
                url,
                raw.text or "",
                raw.final_url,
                raw.status,
                dict(raw.headers),
                raw.encoding,
                facts,
            )
            del raw
            first = await judge.parse(job)
            if isinstance(first, PageResult):
                return first
            try:
                pages.promote(first)
                statuses = await checker.check_many(first)
            except BaseException:
                judge.drop(job)
                raise
            return await judge.judge(job, statuses)

        async def pipeline() -> None:
            nonlocal sitemap, judge_, workers
            if options.workers is not None and options.workers > 1:
                workers = options.workers  # start the processes while the sitemap loads
                judge_ = make_judge(config, scopes, workers)
            sitemap = await collect(source, fetcher, sitemap_options, robots=robots)
            if on_sitemap is not None:
                on_sitemap(sitemap)
            entries = [e.url for e in sitemap.entries if e.url not in options.done]
            if options.respect_robots:
                for url in entries:
                    if await robots.can_fetch(url, agent):
                        urls.append(url)
                    else:
                        disallowed.append(url)
                for host in sorted({host_of(u) for u in urls}):
                    first = next(u for u in urls if host_of(u) == host)
                    seconds = await robots.crawl_delay(first, agent)
                    if seconds:
                        delays[host] = seconds
                        pacer.set_interval(host, seconds)
                        if seconds > options.delay:
                            note(
                                f"robots.txt of {host} asks for a Crawl-delay of {seconds:g} s: "
                                f"at most one request every {seconds:g} s to it "
                                "(--ignore-robots to override)"
                            )
            else:
                urls.extend(entries)
            if disallowed:
                n = len(disallowed)
                note(f"{n} page{'s' * (n != 1)} disallowed by robots.txt, not audited")
            if judge_ is None:
                workers = options.workers or (default_workers() if len(urls) >= SMALL_RUN else 1)
                workers = min(workers, max(1, len(urls)))
                judge_ = make_judge(config, scopes, workers)
            if progress is not None:
                progress.start(len(urls))
            pages = _Pages(urls, fetch, checker)
            counter = iter(range(1 << 62))

            async def consume() -> None:
                assert judge_ is not None
                while (url := pages.take()) is not None:
                    result = await audit(url, pages, judge_, next(counter))
                    if result is None:  # redirected out of the site: named, not audited
                        done_urls.add(url)
                        continue
                    finished(url, result)

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

        try:
            async with asyncio.timeout(options.max_time):
                await pipeline()
        except TimeoutError:
            stopped = "max-time"
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is None or not task.cancelling():
                raise
            task.uncancel()
            stopped = "interrupted"
        finally:
            if judge_ is not None:
                judge_.close()
    left = tuple(u for u in urls if u not in done_urls)
    return BatchResult(
        source=source,
        sitemap=sitemap,
        audited=audited,
        disallowed=tuple(disallowed),
        not_audited=left,
        stopped=stopped,
        workers=workers,
        elapsed=time.perf_counter() - started,
        crawl_delays=delays,
        outside=tuple(sorted(outside)),
    )


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
    """What the run keeps of each finished page, for the outputs rendered at the end.

    `full`: the `PageResult` as is (text, json, html and CI formats need it). `gate`
    (only JSONL outputs, which were streamed): what the gate and a baseline read,
    nothing else: no facts, and without a baseline only the findings that count for
    `fail_on` (and `X` findings), so memory stays flat on a 50,000-page sitemap.
    """

    def __init__(self, mode: str, *, fail_on: str = "error", all_findings: bool = False) -> None:
        self.mode = mode
        self.fail_on = fail_on
        self.all_findings = all_findings
        self.pages: list[PageResult] = []

    def add(self, result: PageResult) -> None:
        if self.mode == "full":
            self.pages.append(result)
            return
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


def describe_skips(skipped: Mapping[str, int]) -> str:
    """'2 disallowed by robots.txt, 1 not HTML (.pdf)' for the terminal."""
    parts = []
    for reason, n in skipped.items():
        if not n:
            continue
        what = "disallowed by robots.txt" if reason == "robots" else describe_skip(reason)
        parts.append(f"{n:,} {what}")
    return ", ".join(parts)


__all__ = [
    "BatchOptions",
    "BatchResult",
    "Job",
    "Keeper",
    "LocalJudge",
    "PacedFetcher",
    "Pacer",
    "ProcessJudge",
    "Worker",
    "batch_summary",
    "default_workers",
    "describe_skips",
    "make_judge",
    "run_sitemap",
]
