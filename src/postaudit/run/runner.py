"""Orchestration: targets -> raw pages -> Page -> link phase -> PageResult -> Report.

The only async code path. Per page: fetch (or read), parse, then the link phase
(async: every link target the enabled `L` rules need, checked through ONE cache shared
by the whole run, see `linkcheck.py`), then judge (pure rules read the results from
`Page.link_status`). Fetching is bounded by the Fetcher's limits; parsing and judging
are synchronous. Every failure becomes an `X` finding on its page, so one bad page
never loses the others' results; results are emitted as pages finish.

Audited pages are seeded into the link cache from their own fetch, so a post's
previous/next links to other audited posts cost no extra request. Files and folders
resolve their links against the folder (`LocalSite`); `--base-url` maps the site's
absolute URLs onto it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from postaudit import rules as registry
from postaudit.config import Config, RuleSettings
from postaudit.gather.fetch import (
    Fetcher,
    FetchErrorKind,
    FetchOptions,
    RawPage,
    binary_body,
    decode_html,
    header_key,
)
from postaudit.gather.linkcheck import (
    LINK_MODES,
    LinkChecker,
    LinkCheckOptions,
    LocalSite,
    collect_needs,
    page_status,
)
from postaudit.gather.robots import RobotsCache
from postaudit.gather.sources import Target, read_file
from postaudit.judge.engine import audit_page, failed_page
from postaudit.judge.scoring import site_score
from postaudit.model import PageResult, Report, Severity
from postaudit.parse.content import SelectorError
from postaudit.parse.page import Page, parse_page

OnResult = Callable[[PageResult], None]

#: Extra attempts when an audited page answers 429 or 503 (Retry-After honoured up to
#: --retry-after-cap): a rate limit or a restart is not a broken page.
PAGE_RETRIES = 2

_KIND_RULE = {
    FetchErrorKind.HTTP_STATUS: "X002",
    FetchErrorKind.NOT_HTML: "X003",
    FetchErrorKind.TOO_LARGE: "X004",
}


# --------------------------------------------------------------------------- parse + judge


def parse_html(
    html: str,
    url: str,
    config: Config,
    *,
    base_url: str | None = None,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    encoding: str | None = None,
) -> Page:
    """Parse one decoded document (no rules run)."""
    return parse_page(
        html,
        url,
        final_url=base_url or url,
        status=status,
        headers=headers,
        content_selector=config.content_selector,
        encoding=encoding,
        site_url=config.base_url,
    )


def judge(
    page: Page,
    config: Config,
    ruleset: Sequence[RuleSettings],
    *,
    facts: Mapping[str, Any] | None = None,
    final_url: str | None = None,
) -> PageResult:
    """Run the rules on a parsed page. Local files report no final URL."""
    result = audit_page(
        page, ruleset, ignored=config.ignored_for(page.url), facts=facts, context=config.context()
    )
    return result if final_url == result.final_url else replace(result, final_url=final_url)


def _crashed(url: str, exc: Exception, status: int | None) -> PageResult:
    return failed_page(
        url,
        registry.BY_CODE["X005"],
        f"audit failed: {type(exc).__name__}: {exc}",
        status=status,
    )


def audit_html(
    html: str,
    url: str,
    config: Config,
    ruleset: Sequence[RuleSettings],
    *,
    base_url: str | None = None,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    encoding: str | None = None,
    facts: Mapping[str, Any] | None = None,
    final_url: str | None = None,
) -> PageResult:
    """Parse and judge one decoded document without a link phase (links unchecked);
    an internal error becomes X005."""
    try:
        page = parse_html(
            html, url, config, base_url=base_url, status=status, headers=headers, encoding=encoding
        )
        return judge(page, config, ruleset, facts=facts, final_url=final_url)
    except SelectorError:
        raise  # a usage error for the whole run, not a page problem
    except Exception as exc:  # a parser or rule bug must not lose the batch
        return _crashed(url, exc, status)


# --------------------------------------------------------------------------- link phase


def link_scopes(config: Config, ruleset: Sequence[RuleSettings]) -> frozenset[str]:
    """What the link phase checks: the `--links` mode, narrowed to what the enabled
    rules need ("links:pagination", "links:internal", "links:external")."""
    allowed = LINK_MODES.get(config.links, frozenset())
    needed = {n.split(":", 1)[1] for s in ruleset for n in s.rule.needs if n.startswith("links:")}
    return frozenset(allowed & needed)


@dataclass(frozen=True, slots=True)
class LinkPhase:
    """The run's link phase: which scopes, which exclusions, and the shared checker."""

    checker: LinkChecker
    scopes: frozenset[str]
    exclude: tuple[re.Pattern[str], ...] = ()

    async def run(self, page: Page, site: LocalSite | None = None) -> Page:
        """`page` with `link_status` filled for the targets its scopes call for."""
        needs = collect_needs(page, self.scopes, exclude=self.exclude, site=site)
        if not needs:
            return page
        statuses = await self.checker.check_many(needs, site)
        return replace(page, link_status=statuses)


def link_check_options(config: Config) -> LinkCheckOptions:
    return LinkCheckOptions(
        retries=config.link_retries,
        retry_after_cap=config.retry_after_cap,
        backoff=min(0.5, config.retry_after_cap),
        max_bytes=config.max_bytes,
    )


async def audit_document(
    html: str,
    url: str,
    config: Config,
    ruleset: Sequence[RuleSettings],
    links: LinkPhase | None,
    *,
    site: LocalSite | None = None,
    base_url: str | None = None,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    encoding: str | None = None,
    facts: Mapping[str, Any] | None = None,
    final_url: str | None = None,
) -> PageResult:
    """Parse, run the link phase, judge; an internal error becomes X005."""
    try:
        page = parse_html(
            html, url, config, base_url=base_url, status=status, headers=headers, encoding=encoding
        )
        if links is not None and links.scopes:
            page = await links.run(page, site)
        return judge(page, config, ruleset, facts=facts, final_url=final_url)
    except SelectorError:
        raise
    except Exception as exc:  # a parser, link phase or rule bug must not lose the batch
        return _crashed(url, exc, status)


# --------------------------------------------------------------------------- targets


def fetch_options(config: Config, *, timeout: float | None = None) -> FetchOptions:
    kwargs: dict[str, Any] = {
        "timeout": timeout or config.timeout,
        "max_bytes": config.max_bytes,
        "headers": tuple(config.headers),
        "retry_after_cap": config.retry_after_cap,
        "backoff": min(0.5, config.retry_after_cap),
    }
    if config.user_agent:
        kwargs["user_agent"] = config.user_agent
    return FetchOptions(**kwargs)


def _raw_facts(raw: RawPage) -> dict[str, Any]:
    if not raw.redirects:
        return {}
    return {
        "redirects": [
            {"status": r.status, "url": r.url, "location": r.location} for r in raw.redirects
        ]
    }


def _raw_failure(raw: RawPage, target: Target, facts: Mapping[str, Any]) -> PageResult | None:
    if raw.error is None:
        return None
    code = _KIND_RULE.get(raw.error.kind, "X001")
    return failed_page(
        target.display,
        registry.BY_CODE[code],
        raw.error.message,
        final_url=raw.final_url,
        status=raw.status,
        facts=facts,
    )


def result_for_raw(
    raw: RawPage, target: Target, config: Config, ruleset: Sequence[RuleSettings]
) -> PageResult:
    """A fetched page judged without a link phase (see `audit_document` for the run's)."""
    facts = _raw_facts(raw)
    failure = _raw_failure(raw, target, facts)
    if failure is not None:
        return failure
    return audit_html(
        raw.text or "",
        target.display,
        config,
        ruleset,
        base_url=raw.final_url,
        status=raw.status,
        headers=raw.headers,
        encoding=raw.encoding,
        facts=facts,
        final_url=raw.final_url,
    )


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


def audit_local(
    target: Target,
    config: Config,
    ruleset: Sequence[RuleSettings],
    stdin_bytes: bytes | None = None,
) -> PageResult:
    """A file or stdin target judged without a link phase."""
    read = _read_local(target, config, stdin_bytes)
    if isinstance(read, PageResult):
        return read
    text, encoding = read
    base = _local_base(target, config, local_site(target, config))
    return audit_html(text, target.display, config, ruleset, base_url=base, encoding=encoding)


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
            done(
                i,
                await audit_document(
                    text,
                    t.display,
                    config,
                    ruleset,
                    phase,
                    site=site,
                    base_url=base,
                    encoding=encoding,
                ),
            )

        async def one_remote(i: int, t: Target) -> None:
            raw = await fetcher.fetch_page(t.ref)
            checker.fulfil(t.ref, page_status(raw))
            facts = _raw_facts(raw)
            failure = _raw_failure(raw, t, facts)
            if failure is not None:
                done(i, failure)
                return
            done(
                i,
                await audit_document(
                    raw.text or "",
                    t.display,
                    config,
                    ruleset,
                    phase,
                    base_url=raw.final_url,
                    status=raw.status,
                    headers=raw.headers,
                    encoding=raw.encoding,
                    facts=facts,
                    final_url=raw.final_url,
                ),
            )

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


def run(
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
