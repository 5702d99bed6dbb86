"""The batch runner's parts: politeness, retries, what is kept, reports read back, and
`audit_sitemap` against a local server (no deadlock, each URL once, Crawl-delay)."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from oracles import merge_reports, read_report
from postaudit.config import Config
from postaudit.gather.fetch import FetchError, FetchErrorKind, RawPage
from postaudit.gather.retry import retry_delay
from postaudit.gather.sitemap_select import SitemapOptions
from postaudit.model import Category, Finding, Location, PageResult, Report, Severity
from postaudit.report.json import page_dict, render_json
from postaudit.report.jsonl import render_jsonl
from postaudit.report.load import load_page
from postaudit.run.batch import BatchOptions, Keeper, audit_sitemap
from postaudit.run.pacing import Pacer
from postaudit.run.pipeline import Document, audit_html
from postaudit.run.sitemap_run import read_resume

HTML = "text/html; charset=utf-8"


def raw(
    status: int | None, headers: dict[str, str] | None = None, kind: str = "http_status"
) -> RawPage:
    error = None if status == 200 else FetchError(FetchErrorKind(kind), "x")
    return RawPage("u", "u", status, headers or {}, None, None, None, None, (), error, 0.0)


def test_retry_delay_policy() -> None:
    assert retry_delay(raw(200), 1, backoff=0.5, cap=30) is None
    assert retry_delay(raw(404), 1, backoff=0.5, cap=30) is None
    assert retry_delay(raw(429, {"retry-after": "7"}), 1, backoff=0.5, cap=30) == 7
    assert retry_delay(raw(429, {"retry-after": "700"}), 1, backoff=0.5, cap=30) == 30
    assert retry_delay(raw(503), 3, backoff=0.5, cap=30) == 2.0
    assert retry_delay(raw(None, kind="connect"), 1, backoff=0.5, cap=30) == 0.5
    assert retry_delay(raw(None, kind="dns"), 1, backoff=0.5, cap=30) is None


def test_pacer_spaces_requests_per_host_and_pauses() -> None:
    async def go() -> dict[str, list[float]]:
        pacer = Pacer(0.0)
        pacer.set_interval("a.test", 0.1)
        loop = asyncio.get_running_loop()
        starts: dict[str, list[float]] = {"a": [], "b": []}

        async def hit(host: str, key: str) -> None:
            await pacer.wait(f"http://{host}/x")
            starts[key].append(loop.time())

        t0 = loop.time()
        await asyncio.gather(*(hit("a.test", "a") for _ in range(4)), hit("b.test", "b"))
        pacer.pause("b.test", 0.15)
        await hit("b.test", "b")
        return {k: [round(t - t0, 2) for t in v] for k, v in starts.items()}

    starts = asyncio.run(go())
    a = starts["a"]
    assert all(later - earlier >= 0.09 for earlier, later in itertools.pairwise(a))
    assert starts["b"][0] < 0.05, "another host is not held up"
    assert starts["b"][1] >= 0.14, "a Retry-After pause holds the host"


def _finding(code: str, severity: Severity, category: Category = Category.ALT_TEXT) -> Finding:
    return Finding("u", code, "n", category, severity, "m", Location(), "f", key=code)


def test_keeper_gate_mode_keeps_only_what_the_gate_reads() -> None:
    result = PageResult(
        "u",
        "u",
        200,
        50,
        {},
        (
            _finding("A101", Severity.ERROR),
            _finding("A104", Severity.WARNING),
            _finding("X002", Severity.INFO, Category.FETCH),
        ),
        facts={"big": "x" * 1000},
    )
    gate = Keeper(fail_on="error")
    gate.add(result)
    assert [f.code for f in gate.pages[0].findings] == ["A101", "X002"]
    assert gate.pages[0].facts == {}
    everything = Keeper(all_findings=True)
    everything.add(result)
    assert len(everything.pages[0].findings) == 3 and everything.pages[0].facts == {}


# --------------------------------------------------------------------------- reading back


def audited() -> PageResult:
    html = (
        Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "A101-img-alt-missing.html"
    ).read_text()
    return audit_html(html, "https://example.com/blog/a", Config(), Config().ruleset())


def test_a_page_reads_back_into_the_same_json() -> None:
    original = page_dict(audited())
    assert original["findings"], "a page with findings"
    assert page_dict(load_page(json.loads(json.dumps(original)))) == original


def test_json_and_jsonl_reports_read_back(tmp_path: Path) -> None:
    page = audited()
    report = Report(pages=(page,), summary={"pages": 1})
    (tmp_path / "r.json").write_text(render_json(report))
    (tmp_path / "r.jsonl").write_text(render_jsonl(report))
    for name in ("r.json", "r.jsonl"):
        back = read_report(str(tmp_path / name))
        assert [page_dict(p) for p in back.pages] == [page_dict(page)]
        assert back.summary == {"pages": 1}


def test_resume_file_keeps_complete_page_lines_only(tmp_path: Path) -> None:
    line = json.dumps(page_dict(audited()))
    partial = tmp_path / "partial.jsonl"
    partial.write_text(f'{line}\n{line}\n{{"summary": {{"pages": 1}}}}\n{line[:40]}')
    resumed = read_resume(str(partial))
    assert [p.url for p in resumed.pages] == ["https://example.com/blog/a"]
    assert resumed.damaged == 1
    assert partial.read_text() == line + "\n", "rewritten: ready for appending"
    assert read_resume(str(tmp_path / "missing.jsonl")).pages == []


def test_merge_deduplicates_pages_and_recomputes() -> None:
    page = audited()
    shard = Report(
        pages=(page,),
        summary={
            "pages": 1,
            "sitemap": {"source": "s"},
            "skipped": {"shard": 3, "robots": 0},
            "disallowed": [],
            "not_audited": [],
        },
    )
    merged = merge_reports([shard, shard], Config())
    assert len(merged.pages) == 1
    assert merged.summary["pages"] == 1 and merged.summary["skipped"] == {"robots": 0}
    assert merged.summary["complete"] is True


# --------------------------------------------------------------------------- audit_sitemap


def chain_page(i: int, n: int) -> str:
    nav = ""
    if i > 0:
        nav += f'<a rel="prev" href="/p{i - 1}.html">Previous</a>'
    if i < n - 1:
        nav += f'<a rel="next" href="/p{i + 1}.html">Next</a>'
    return (
        f"<!doctype html><html lang='en'><head><title>Post number {i} of the chain</title></head>"
        f"<body><article><h1>Post number {i}</h1><p>Text of post {i}.</p></article>"
        f"<nav>{nav}</nav></body></html>"
    )


def serve_chain(server: HTTPServer, n: int, robots: str = "") -> list[tuple[str, float]]:
    """Posts p0..p{n-1} linked both ways; the sitemap lists them newest first, so
    with one slot every page's links lead to pages not fetched yet."""
    log: list[tuple[str, float]] = []
    base = server.url_for("/").rstrip("/")
    locs = "".join(f"<url><loc>{base}/p{i}.html</loc></url>" for i in reversed(range(n)))
    routes = {
        "/sitemap.xml": (
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>',
            "application/xml",
        ),
        "/robots.txt": (robots, "text/plain"),
        **{f"/p{i}.html": (chain_page(i, n), HTML) for i in range(n)},
    }

    def handler(request: Request) -> Response:
        log.append((f"{request.method} {request.path}", time.monotonic()))
        body, kind = routes.get(request.path, ("", "text/plain"))
        status = (
            200 if request.path in routes and (request.path != "/robots.txt" or robots) else 404
        )
        return Response(body, status=status, content_type=kind)

    server.expect_request("").respond_with_handler(handler)
    return log


def run(source: str, config: Config, **options: Any) -> tuple[list[PageResult], Any]:
    results: list[PageResult] = []
    outcome = asyncio.run(
        audit_sitemap(
            source,
            config,
            SitemapOptions(),
            BatchOptions(**options),
            on_result=results.append,
        )
    )
    return results, outcome


def test_one_slot_never_waits_for_a_fetch_that_does_not_start(httpserver: HTTPServer) -> None:
    log = serve_chain(httpserver, 6)
    results, outcome = run(httpserver.url_for("/sitemap.xml"), Config(), concurrency=1, workers=1)
    assert outcome.complete and outcome.audited == 6
    assert all(r.error is None for r in results)
    asked = Counter(request for request, _ in log)
    assert set(asked.values()) == {1}, asked
    statuses = [row["state"] for r in results for row in r.facts["links"]["checked"]]
    assert statuses and set(statuses) == {"ok"}


def test_crawl_delay_spaces_the_requests(httpserver: HTTPServer) -> None:
    log = serve_chain(httpserver, 3, robots="User-agent: *\nCrawl-delay: 0.2\n")
    notes: list[str] = []
    results: list[PageResult] = []
    asyncio.run(
        audit_sitemap(
            httpserver.url_for("/sitemap.xml"),
            Config(),
            SitemapOptions(),
            BatchOptions(workers=1),
            on_result=results.append,
            on_note=notes.append,
        )
    )
    pages = [t for request, t in log if request.startswith("GET /p")]
    assert len(pages) == 3
    assert all(b - a >= 0.18 for a, b in itertools.pairwise(pages))
    assert any("Crawl-delay of 0.2 s" in n for n in notes)
    log.clear()
    run(httpserver.url_for("/sitemap.xml"), Config(), workers=1, respect_robots=False)
    pages = [t for request, t in log if request.startswith("GET /p")]
    assert pages[-1] - pages[0] < 0.2, "--ignore-robots ignores Crawl-delay too"


def test_pages_are_judged_the_same_in_and_out_of_process(httpserver: HTTPServer) -> None:
    serve_chain(httpserver, 3)
    reports = []
    for workers in (1, 2):
        results, outcome = run(httpserver.url_for("/sitemap.xml"), Config(), workers=workers)
        assert outcome.workers == workers
        reports.append({r.url: page_dict(r) for r in results})
    assert reports[0] == reports[1]
    assert len(reports[0]) == 3 and all("site" in d["facts"] for d in reports[0].values())


def test_progress_bar_only_on_a_terminal() -> None:
    from postaudit.run.progress import BarProgress, wanted

    class Tty:
        def isatty(self) -> bool:
            return True

    assert wanted(quiet=False, stream=Tty())
    assert not wanted(quiet=True, stream=Tty())
    assert not wanted(quiet=False, stream=object())
    bar = BarProgress(no_color=True)
    bar.start(2)
    bar.advance(audited())
    bar.stop()
    assert bar.task is not None and bar.progress.tasks[0].completed == 1


def test_a_worker_process_that_dies_loses_no_page(httpserver: HTTPServer) -> None:
    import multiprocessing
    import os
    import signal

    serve_chain(httpserver, 24)
    results: list[PageResult] = []

    def on_result(result: PageResult) -> None:
        results.append(result)
        if len(results) == 3:
            victim = multiprocessing.active_children()[0]
            os.kill(victim.pid or 0, signal.SIGKILL)

    outcome = asyncio.run(
        audit_sitemap(
            httpserver.url_for("/sitemap.xml"),
            Config(),
            SitemapOptions(),
            BatchOptions(workers=2, concurrency=4),
            on_result=on_result,
        )
    )
    assert outcome.complete and len(results) == 24
    assert [r.url for r in results if r.error is not None] == []


# --------------------------------------------------------------------------- worker pipes


def _big_page(n: int) -> str:
    """A page of about 300 KB (more than a pipe holds) whose result is large too: 800
    images without alt text are 800 findings."""
    links = "".join(
        f'<li><a href="/post-{i}-{n}/">Post number {i} about sourdough, kneading and ovens</a></li>'
        for i in range(2500)
    )
    images = "".join(f'<p><img src="/photo-{i}.jpg" width="400"></p>' for i in range(800))
    prose = " ".join(
        f"Sentence {i} says the loaf rose slowly in the cold kitchen overnight." for i in range(400)
    )
    return (
        f"<!doctype html><html lang='en'><head><title>Big page {n} of the benchmark</title>"
        f"</head><body><nav><ul>{links}</ul></nav><article><h1>Big page {n}</h1><p>{prose}</p>"
        f"<p>Read <a href='/about/'>here</a>.</p>{images}</article></body></html>"
    )


def test_worker_pipes_carry_messages_larger_than_a_pipe_both_ways() -> None:
    """Jobs and results beyond the 64 KB a pipe holds, many in flight at once: no
    deadlock, each answer to its own call, the same result as in-process; closing
    lets the workers exit on their own (EOF), not by a signal."""
    import pickle

    from postaudit.run.pipeline import link_scopes
    from postaudit.run.workers import InProcessWorkers, Job, ProcessWorkers

    config = Config()
    scopes = link_scopes(config, config.ruleset())
    jobs = [
        Job(
            i,
            Document(
                f"https://big.test/{i}/",
                _big_page(i),
                f"https://big.test/{i}/",
                f"https://big.test/{i}/",
                200,
            ),
        )
        for i in range(6)
    ]
    assert all(len(j.document.html) > 200_000 for j in jobs)

    async def audit_all(judge: Any) -> list[PageResult]:
        async def one(job: Job) -> PageResult:
            first = await judge.parse(job)
            return first if isinstance(first, PageResult) else await judge.apply_rules(job, {})

        return list(await asyncio.gather(*(one(j) for j in jobs)))

    async def in_processes() -> tuple[list[PageResult], list[Any]]:
        judge = ProcessWorkers(config, scopes, 2)
        try:
            return await audit_all(judge), [p.process for p in judge.processes]
        finally:
            judge.close()

    remote, processes = asyncio.run(in_processes())
    local = asyncio.run(audit_all(InProcessWorkers(config, scopes)))
    assert [r.error for r in remote] == [None] * 6
    assert len(pickle.dumps(remote[0])) > 70_000
    assert [page_dict(r) for r in remote] == [page_dict(r) for r in local]
    assert [p.exitcode for p in processes] == [0, 0]


def test_frames_are_read_whatever_the_chunks() -> None:
    import pickle
    import struct

    from postaudit.run.workers import _frame, _Frames

    got: list[Any] = []
    lost: list[bool] = []
    reader = _Frames(got.append, lambda: lost.append(True))
    messages = [(1, True, "x" * 70_000), (2, False, ValueError("bad")), (3, True, None)]
    stream = b"".join(_frame(m) for m in messages)
    long_form = pickle.dumps((4, True, [1, 2]))
    stream += struct.pack("!iQ", -1, len(long_form)) + long_form  # the >2 GiB header form
    for i in range(0, len(stream), 997):
        reader.data_received(stream[i : i + 997])
    assert [m[0] for m in got] == [1, 2, 3, 4]
    assert got[0][2] == "x" * 70_000 and isinstance(got[1][2], ValueError)
    assert got[3] == (4, True, [1, 2]) and not reader.buffer
    reader.connection_lost(None)
    assert lost == [True]


def test_workers_fork_from_a_server_that_loaded_everything_once() -> None:
    import multiprocessing
    import subprocess
    import sys

    from postaudit.run.workers import worker_context

    if "forkserver" in multiprocessing.get_all_start_methods():
        assert worker_context().get_start_method() == "forkserver"
    else:
        assert worker_context().get_start_method() == "spawn"
    # the preload module imports cleanly on its own and leaves the syllable table built
    probe = (
        "import postaudit.run.worker_preload, postaudit.measure.syllables as s; "
        "assert s.load_seconds() is not None; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_workers_are_spawned_when_the_fork_server_cannot_start(monkeypatch: Any) -> None:
    import multiprocessing

    from postaudit.run import workers
    from postaudit.run.pipeline import link_scopes

    class NoServer:
        def Pipe(self, duplex: bool) -> Any:
            return multiprocessing.Pipe(duplex)

        def Process(self, **kwargs: Any) -> Any:
            class Refused:
                def start(self) -> None:
                    raise OSError("no fork server today")

            return Refused()

    monkeypatch.setattr(workers, "worker_context", lambda: NoServer())
    config = Config()
    judge = workers.ProcessWorkers(config, link_scopes(config, config.ruleset()), 1)
    html = "<html lang='en'><head><title>One</title></head><body><p>Hi.</p></body></html>"
    job = workers.Job(
        1, Document("https://x.test/", html, "https://x.test/", "https://x.test/", 200)
    )

    async def go() -> Any:
        try:
            return await judge.parse(job)
        finally:
            judge.close()

    out = asyncio.run(go())
    assert isinstance(out, PageResult) and out.error is None
    assert judge.processes[0].process.exitcode == 0


def test_a_worker_leaves_quietly_when_nobody_reads_its_answer() -> None:
    """Ctrl-C or --max-time close the pipes while a worker may still be busy: its
    answer then meets a closed pipe, and it must exit cleanly (no traceback, code 0)."""
    from postaudit.run import workers
    from postaudit.run.pipeline import link_scopes

    config = Config()
    ctx = workers.worker_context()
    inbox_r, inbox_w = ctx.Pipe(duplex=False)
    outbox_r, outbox_w = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=workers._serve,
        args=(config, link_scopes(config, config.ruleset()), inbox_r, outbox_w),
        daemon=True,
    )
    process.start()
    inbox_r.close()
    outbox_w.close()
    outbox_r.close()  # nobody will read the answer
    html = "<html lang='en'><head><title>One</title></head><body><p>Hi.</p></body></html>"
    job = workers.Job(
        1, Document("https://x.test/", html, "https://x.test/", "https://x.test/", 200)
    )
    inbox_w.send((1, "parse", (job,)))
    process.join(timeout=30)
    inbox_w.close()
    assert process.exitcode == 0
