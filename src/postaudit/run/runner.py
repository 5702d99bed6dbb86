"""`audit`: targets -> documents -> the per-page pipeline -> PageResult -> Report.

The only async code path of `audit`. Per page: fetch (or read), then the steps of
`pipeline.py`: parse, the link phase (async: every link target the enabled `L` rules
need, checked through ONE cache shared by the whole run, see `linkcheck.py`), then
the rules (pure: they read the results from `Page.link_status`). Fetching is bounded
by the Fetcher's limits; parsing and judging are synchronous. Every failure becomes an
`X` finding on its page, so one bad page never loses the others' results; results are
emitted as pages finish.

Audited pages are seeded into the link cache from their own fetch, so a post's
previous/next links to other audited posts cost no extra request. Files and folders
resolve their links against the folder (`LocalSite`); `--base-url` maps the site's
absolute URLs onto it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import replace
from pathlib import Path

from postaudit import rules as registry
from postaudit.config import Config, RuleSettings
from postaudit.gather.decode import binary_body, decode_html
from postaudit.gather.fetch import Fetcher, header_key
from postaudit.gather.linkcheck import LinkChecker, LocalSite, page_status
from postaudit.gather.robots import RobotsCache
from postaudit.gather.sources import Target, read_file
from postaudit.judge.engine import failed_page
from postaudit.judge.scoring import site_score
from postaudit.model import PageResult, Report, Severity
from postaudit.run.pipeline import (
    Document,
    LinkPhase,
    audit_document,
    document_from_raw,
    fetch_options,
    link_check_options,
    link_scopes,
)

OnResult = Callable[[PageResult], None]

#: Extra attempts when an audited page answers 429 or 503 (Retry-After honoured up to
#: --retry-after-cap): a rate limit or a restart is not a broken page.
PAGE_RETRIES = 2


def _read_local(
    target: Target, config: Config, stdin_bytes: bytes | None
) -> tuple[str, str | None] | PageResult:
    """(text, encoding) of a file or stdin target, or its X finding."""
    try:
        body = stdin_bytes if target.kind == "stdin" else read_file(target, config.max_bytes)
    except OverflowError as exc:
        return failed_page(target.display, registry.BY_CODE["X004"], str(exc))
    except OSError as exc:
        return failed_page(
            target.display, registry.BY_CODE["X005"], f"cannot read {target.ref}: {exc.strerror}"
        )
    if body is None:
        body = b""
    if len(body) > config.max_bytes:
        return failed_page(
            target.display,
            registry.BY_CODE["X004"],
            f"input is over the {config.max_bytes:,} byte limit",
        )
    what = binary_body(body)
    if what is not None:
        return failed_page(target.display, registry.BY_CODE["X003"], f"the input is {what}")
    text, encoding, _source = decode_html(body)
    return text, encoding


def local_site(target: Target, config: Config) -> LocalSite | None:
    """The folder a file target's links resolve in: the folder argument it was found
    in. None for a file given on its own (the rest of its site is not there), stdin
    and URLs."""
    if target.kind != "file" or not target.root:
        return None
    return LocalSite(Path(target.root).resolve(), config.base_url)


def _local_base(target: Target, config: Config, site: LocalSite | None) -> str:
    if site is not None:
        return site.page_url(Path(target.ref))
    if target.kind == "stdin" and config.base_url:
        return config.base_url
    return target.base_url


async def _audit_all(
    targets: Sequence[Target],
    config: Config,
    ruleset: Sequence[RuleSettings],
    stdin_bytes: bytes | None,
    on_result: OnResult | None,
    max_time: float | None = None,
) -> tuple[list[PageResult], list[str] | None]:
    """The results in target order, and the targets not audited when `max_time` ran
    out (None when every target was audited)."""
    results: dict[int, PageResult] = {}

    def done(i: int, result: PageResult) -> None:
        results[i] = result
        if on_result is not None:
            on_result(result)

    scopes = link_scopes(config, ruleset)
    remote = [(i, t) for i, t in enumerate(targets) if t.kind == "url"]
    async with AsyncExitStack() as stack:
        # an audited page's own 429/503 is retried in the fetcher (batch.py has its own loop)
        page_options = replace(fetch_options(config), retries=PAGE_RETRIES)
        fetcher = await stack.enter_async_context(Fetcher(page_options))
        link_fetcher = fetcher
        if config.link_timeout is not None and config.link_timeout != config.timeout:
            # Link checks have their own timeout, so their own client; extra headers still
            # go to the audited site's host only.
            options = replace(
                fetch_options(config, timeout=config.link_timeout),
                header_hosts=frozenset(
                    key for _, t in remote[:1] if (key := header_key(t.ref)) is not None
                ),
            )
            link_fetcher = await stack.enter_async_context(Fetcher(options))
        robots = RobotsCache(link_fetcher) if config.respect_robots else None
        checker = LinkChecker(link_fetcher, link_check_options(config), robots=robots)
        phase = LinkPhase(checker, scopes, tuple(re.compile(p) for p in config.exclude_links))
        for _, t in remote:
            checker.expect(t.ref)

        async def one_local(i: int, t: Target) -> None:
            read = _read_local(t, config, stdin_bytes)
            if isinstance(read, PageResult):
                done(i, read)
                return
            text, encoding = read
            site = local_site(t, config)
            base = _local_base(t, config, site)
            document = Document(t.display, text, base_url=base, encoding=encoding)
            done(i, await audit_document(document, config, ruleset, phase, site=site))

        async def one_remote(i: int, t: Target) -> None:
            raw = await fetcher.fetch_page(t.ref)
            checker.fulfil(t.ref, page_status(raw))
            document = document_from_raw(raw, t.display)
            if isinstance(document, PageResult):
                done(i, document)
                return
            done(i, await audit_document(document, config, ruleset, phase))

        jobs = [
            one_remote(i, t) if t.kind == "url" else one_local(i, t) for i, t in enumerate(targets)
        ]
        try:
            async with asyncio.timeout(max_time):
                await asyncio.gather(*jobs)
        except TimeoutError:
            left = [t.display for i, t in enumerate(targets) if i not in results]
            return [results[i] for i in sorted(results)], left
    return [results[i] for i in range(len(targets))], None


def audit_targets(
    targets: Sequence[Target],
    config: Config,
    *,
    stdin_bytes: bytes | None = None,
    on_result: OnResult | None = None,
    max_time: float | None = None,
) -> Report:
    """Audit every target and build the report. When `max_time` (seconds) runs out,
    the pages in flight are cancelled and the report holds the finished ones, with
    `complete: false` and the rest under `not_audited` (as for a sitemap run)."""
    ruleset = config.ruleset()
    pages, left = asyncio.run(
        _audit_all(targets, config, ruleset, stdin_bytes, on_result, max_time)
    )
    report = build_report(pages)
    if left is not None:
        summary = {**report.summary, "complete": False, "not_audited": sorted(left)}
        report = replace(report, summary=summary)
    return report


def build_report(pages: Sequence[PageResult]) -> Report:
    counts = {str(s): 0 for s in Severity}
    for p in pages:
        for sev, n in p.counts().items():
            counts[str(sev)] += n
    summary = {
        "pages": len(pages),
        "failed": sum(1 for p in pages if p.error is not None),
        "score": site_score(p.score for p in pages),
        "counts": counts,
    }
    return Report(pages=tuple(pages), summary=summary)
