"""The CPU side of a batch: parse, link needs and rules, in-process or in worker processes.

A page is parsed and its rules applied in the same worker (its `Page` never crosses a
process boundary: only the `Document` goes in, the link targets it needs come back,
their statuses go in, and the `PageResult` comes back), so the results are the same
either way. `Worker` does the work with the steps of `pipeline.py`; `Workers` is what
the batch calls: `InProcessWorkers` (`--workers 1`) or `ProcessWorkers`, worker
processes fed from the event loop. Each process has two pipes, driven by the event
loop without threads (`_Process`); processes fork from a fork server that loaded the
parser, the rules and textstat once (`worker_preload`), or are spawned where there is
none.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from postaudit.config import Config, RuleSettings
from postaudit.gather.linkcheck import Need, collect_needs
from postaudit.judge.site import SITE_FACTS, page_facts
from postaudit.model import LinkStatus, PageResult
from postaudit.parse.content import SelectorError
from postaudit.run.pipeline import Document, apply_rules, crash_result, parse_document
from postaudit.run.start import spawn_context, worker_context


@dataclass(frozen=True, slots=True)
class Job:
    """One fetched page to parse and apply the rules to (plain data: it may go to a
    process); `id` finds the parsed page again between the two calls."""

    id: int
    document: Document


class Worker:
    """The CPU side of a batch: parse, collect link needs, apply the rules. One per
    process (or one in-process). Pages wait here between the two calls."""

    def __init__(self, config: Config, scopes: frozenset[str]) -> None:
        self.config = config
        self.ruleset: tuple[RuleSettings, ...] = config.ruleset()
        self.scopes = scopes
        self.exclude = tuple(re.compile(p) for p in config.exclude_links)
        self.context = config.context()
        self.pages: dict[int, tuple[Any, Job]] = {}

    def parse(self, job: Job) -> list[Need] | PageResult:
        """Parse; the link targets to check, or the finished result when there are none."""
        document = job.document
        try:
            page = parse_document(document, self.config)
            needs = collect_needs(page, self.scopes, exclude=self.exclude) if self.scopes else []
        except SelectorError:
            raise
        except Exception as exc:  # a parser bug must not lose the batch
            return crash_result(document.url, exc, document.status)
        if not needs:
            return self._apply_rules(page, job, {})
        self.pages[job.id] = (page, job)
        return needs

    def apply_rules(self, job_id: int, statuses: Mapping[str, LinkStatus]) -> PageResult:
        page, job = self.pages.pop(job_id)
        return self._apply_rules(page, job, statuses)

    def drop(self, job_id: int) -> None:
        self.pages.pop(job_id, None)

    def audit(self, job: Job, statuses: Mapping[str, LinkStatus]) -> PageResult:
        """Parse and apply the rules in one call, the link statuses already known (a
        page whose first process died)."""
        out = self.parse(job)
        return out if isinstance(out, PageResult) else self.apply_rules(job.id, statuses)

    def warm(self) -> None:
        """Judge a tiny page once: imports and dictionaries load before real pages come."""
        html = (
            "<!doctype html><html lang='en'><head><title>Warming up the worker</title></head>"
            "<body><article><h1>Warm up</h1><p>One sentence of prose to measure.</p>"
            "</article></body></html>"
        )
        url = "https://warm.invalid/"
        job = Job(-1, Document(url, html, base_url=url, final_url=url, status=200))
        out = self.parse(job)
        if not isinstance(out, PageResult):
            self.apply_rules(job.id, {})

    def _apply_rules(self, page: Any, job: Job, statuses: Mapping[str, LinkStatus]) -> PageResult:
        document = job.document
        try:
            if statuses:
                page = replace(page, link_status=dict(statuses))
            facts = {**document.facts, SITE_FACTS: page_facts(page, self.context)}
            return apply_rules(
                page, self.config, self.ruleset, facts=facts, final_url=document.final_url
            )
        except Exception as exc:  # a rule bug must not lose the batch
            return crash_result(document.url, exc, document.status)


class Workers(Protocol):
    """Where the batch's CPU work runs: `parse`, then `apply_rules` with the link
    statuses the parse asked for (or `drop` when the page is given up)."""

    workers: int

    async def parse(self, job: Job) -> list[Need] | PageResult: ...

    async def apply_rules(self, job: Job, statuses: Mapping[str, LinkStatus]) -> PageResult: ...

    def drop(self, job: Job) -> None: ...

    def close(self) -> None: ...


class InProcessWorkers:
    """Parse and apply the rules in the event loop's own process (`--workers 1`)."""

    workers = 1

    def __init__(self, config: Config, scopes: frozenset[str]) -> None:
        self.worker = Worker(config, scopes)

    async def parse(self, job: Job) -> list[Need] | PageResult:
        return self.worker.parse(job)

    async def apply_rules(self, job: Job, statuses: Mapping[str, LinkStatus]) -> PageResult:
        return self.worker.apply_rules(job.id, statuses)

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

    def apply_rules(job_id: int, statuses: Mapping[str, LinkStatus]) -> PageResult | None:
        # None: this process holds no such page (it was parsed by a process that died
        # and was replaced since), so the caller audits the page again from its job
        return worker.apply_rules(job_id, statuses) if job_id in worker.pages else None

    ops: dict[str, Callable[..., Any]] = {
        "parse": worker.parse,
        "apply_rules": apply_rules,
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
            self.process = spawn_context().Process(target=_serve, args=args, daemon=True)
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


class ProcessWorkers:
    """Parse and apply the rules in `workers` processes fed from the event loop.

    The second call for a page (apply_rules) goes to the process that parsed it and still
    holds its `Page`. A page goes to the process with the fewest pages in hand. A
    process that dies (killed, out of memory) is replaced, and its pages are audited
    again in the new one (parse and apply the rules in one call, with the link statuses already
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
            if op == "apply_rules":  # the page died with the process: start over
                return None
            return await self.processes[index].call(op, *args)

    async def parse(self, job: Job) -> list[Need] | PageResult:
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
            return crash_result(job.document.url, exc, job.document.status)
        if isinstance(out, PageResult):
            self.load[index] -= 1
        else:
            self.home[job.id] = index
        return out

    async def apply_rules(self, job: Job, statuses: Mapping[str, LinkStatus]) -> PageResult:
        index = self.home.pop(job.id)
        plain = dict(statuses)
        try:
            out: PageResult | None = await self._call(index, "apply_rules", job.id, plain)
            if out is None:
                out = await self._call(index, "audit", job, plain)
            assert out is not None
            return out
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            return crash_result(job.document.url, exc, job.document.status)
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


def start_workers(config: Config, scopes: frozenset[str], workers: int) -> Workers:
    if workers <= 1:
        return InProcessWorkers(config, scopes)
    return ProcessWorkers(config, scopes, workers)
