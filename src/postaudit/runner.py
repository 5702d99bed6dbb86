"""Orchestration: targets -> raw pages -> Page -> PageResult -> Report.

The only async code path. Fetching is bounded by the Fetcher's limits; parsing and
judging are pure and synchronous. Every failure becomes an `X` finding on its page,
so one bad page never loses the others' results.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from postaudit import rules as registry
from postaudit.config import Config, RuleSettings
from postaudit.content import SelectorError
from postaudit.engine import audit_page, failed_page
from postaudit.fetch import Fetcher, FetchErrorKind, FetchOptions, RawPage, decode_html
from postaudit.model import PageResult, Report, Severity
from postaudit.page import parse_page
from postaudit.scoring import site_score
from postaudit.sources import Target, read_file

OnResult = Callable[[PageResult], None]

_KIND_RULE = {
    FetchErrorKind.HTTP_STATUS: "X002",
    FetchErrorKind.NOT_HTML: "X003",
    FetchErrorKind.TOO_LARGE: "X004",
}


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
    """Parse and judge one decoded document; an internal error becomes X005."""
    try:
        page = parse_page(
            html,
            url,
            final_url=base_url or url,
            status=status,
            headers=headers,
            content_selector=config.content_selector,
            encoding=encoding,
        )
        result = audit_page(
            page, ruleset, ignored=config.ignored_for(url), facts=facts, context=config.context()
        )
    except SelectorError:
        raise  # a usage error for the whole run, not a page problem
    except Exception as exc:  # a parser or rule bug must not lose the batch
        return failed_page(
            url,
            registry.BY_CODE["X005"],
            f"audit failed: {type(exc).__name__}: {exc}",
            status=status,
        )
    # Local files resolve links against their file: URI, but report no final URL.
    return result if final_url == result.final_url else replace(result, final_url=final_url)


def fetch_options(config: Config) -> FetchOptions:
    kwargs: dict[str, Any] = {
        "timeout": config.timeout,
        "max_bytes": config.max_bytes,
        "headers": tuple(config.headers),
    }
    if config.user_agent:
        kwargs["user_agent"] = config.user_agent
    return FetchOptions(**kwargs)


def result_for_raw(
    raw: RawPage, target: Target, config: Config, ruleset: Sequence[RuleSettings]
) -> PageResult:
    facts: dict[str, Any] = {}
    if raw.redirects:
        facts["redirects"] = [
            {"status": r.status, "url": r.url, "location": r.location} for r in raw.redirects
        ]
    if raw.error is not None:
        code = _KIND_RULE.get(raw.error.kind, "X001")
        return failed_page(
            target.display,
            registry.BY_CODE[code],
            raw.error.message,
            final_url=raw.final_url,
            status=raw.status,
            facts=facts,
        )
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


def audit_local(
    target: Target,
    config: Config,
    ruleset: Sequence[RuleSettings],
    stdin_bytes: bytes | None = None,
) -> PageResult:
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
    text, encoding, _source = decode_html(body)
    return audit_html(
        text, target.display, config, ruleset, base_url=target.base_url, encoding=encoding
    )


async def _audit_all(
    targets: Sequence[Target],
    config: Config,
    ruleset: Sequence[RuleSettings],
    stdin_bytes: bytes | None,
    on_result: OnResult | None,
) -> list[PageResult]:
    results: dict[int, PageResult] = {}

    def done(i: int, result: PageResult) -> None:
        results[i] = result
        if on_result is not None:
            on_result(result)

    local = [(i, t) for i, t in enumerate(targets) if t.kind != "url"]
    remote = [(i, t) for i, t in enumerate(targets) if t.kind == "url"]
    for i, t in local:
        done(i, audit_local(t, config, ruleset, stdin_bytes))
    if remote:
        async with Fetcher(fetch_options(config)) as fetcher:

            async def one(i: int, t: Target) -> None:
                raw = await fetcher.fetch_page(t.ref)
                done(i, result_for_raw(raw, t, config, ruleset))

            await asyncio.gather(*(one(i, t) for i, t in remote))
    return [results[i] for i in range(len(targets))]


def run(
    targets: Sequence[Target],
    config: Config,
    *,
    stdin_bytes: bytes | None = None,
    on_result: OnResult | None = None,
) -> Report:
    """Audit every target and build the report."""
    ruleset = config.ruleset()
    pages = asyncio.run(_audit_all(targets, config, ruleset, stdin_bytes, on_result))
    return build_report(pages)


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
