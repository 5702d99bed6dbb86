"""One page through the stages, for `audit` (`runner.py`) and the sitemap batch (`batch.py`).

A fetch result becomes a `Document` (plain data: the decoded HTML and what the fetch
learnt) or, when the fetch failed, its `X` finding (`document_from_raw`); a document
is parsed into a `Page` (`parse_document`), the link phase fills the link statuses
its rules need (`LinkPhase`), and the rules turn it into a `PageResult`
(`apply_rules`). A parser, link phase or rule bug becomes an `X005` finding on its
page (`crash_result`), so one bad page never loses the others. `audit_document` runs
all the steps at once; the batch runs them split between the event loop and its
worker processes (`workers.py`), with the same functions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from postaudit import rules as registry
from postaudit.config import Config, RuleSettings
from postaudit.gather.fetch import FetchErrorKind, FetchOptions, RawPage
from postaudit.gather.linkcheck import (
    LINK_MODES,
    LinkChecker,
    LinkCheckOptions,
    LocalSite,
    collect_needs,
)
from postaudit.judge.engine import audit_page, failed_page
from postaudit.model import PageResult
from postaudit.parse.build import parse_page
from postaudit.parse.content import SelectorError
from postaudit.parse.page import Page

_KIND_RULE = {
    FetchErrorKind.HTTP_STATUS: "X002",
    FetchErrorKind.NOT_HTML: "X003",
    FetchErrorKind.TOO_LARGE: "X004",
}


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True, slots=True)
class Document:
    """One decoded page to audit (plain data: it may go to a worker process)."""

    url: str  # as listed (the report's URL)
    html: str
    base_url: str | None = None  # what its links resolve against (default `url`)
    final_url: str | None = None  # reported as the final URL (None for files and stdin)
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    encoding: str | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)  # e.g. redirects


def fetch_facts(raw: RawPage) -> dict[str, Any]:
    """The facts a fetch adds to its page's (the redirects it followed)."""
    if not raw.redirects:
        return {}
    return {
        "redirects": [
            {"status": r.status, "url": r.url, "location": r.location} for r in raw.redirects
        ]
    }


def fetch_failure(raw: RawPage, url: str, facts: Mapping[str, Any]) -> PageResult | None:
    """The `X` finding of a failed fetch (None when the page was fetched)."""
    if raw.error is None:
        return None
    code = _KIND_RULE.get(raw.error.kind, "X001")
    return failed_page(
        url,
        registry.BY_CODE[code],
        raw.error.message,
        final_url=raw.final_url,
        status=raw.status,
        facts=facts,
    )


def document_from_raw(raw: RawPage, url: str) -> Document | PageResult:
    """The fetched page `url` as a document, or its `X` finding when the fetch failed."""
    facts = fetch_facts(raw)
    failure = fetch_failure(raw, url, facts)
    if failure is not None:
        return failure
    return Document(
        url,
        raw.text or "",
        base_url=raw.final_url,
        final_url=raw.final_url,
        status=raw.status,
        headers=dict(raw.headers),
        encoding=raw.encoding,
        facts=facts,
    )


# --------------------------------------------------------------------------- parse + rules


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


def parse_document(document: Document, config: Config) -> Page:
    """`parse_html` of a document."""
    return parse_html(
        document.html,
        document.url,
        config,
        base_url=document.base_url,
        status=document.status,
        headers=document.headers,
        encoding=document.encoding,
    )


def apply_rules(
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


def crash_result(url: str, exc: Exception, status: int | None) -> PageResult:
    """The `X005` finding of a page whose parse, link phase or rules raised."""
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
        return apply_rules(page, config, ruleset, facts=facts, final_url=final_url)
    except SelectorError:
        raise  # a usage error for the whole run, not a page problem
    except Exception as exc:  # a parser or rule bug must not lose the batch
        return crash_result(url, exc, status)


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

    async def check(self, page: Page, site: LocalSite | None = None) -> Page:
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


async def audit_document(
    document: Document,
    config: Config,
    ruleset: Sequence[RuleSettings],
    links: LinkPhase | None,
    *,
    site: LocalSite | None = None,
) -> PageResult:
    """Parse, run the link phase, judge; an internal error becomes X005."""
    try:
        page = parse_document(document, config)
        if links is not None and links.scopes:
            page = await links.check(page, site)
        return apply_rules(
            page, config, ruleset, facts=document.facts, final_url=document.final_url
        )
    except SelectorError:
        raise
    except Exception as exc:  # a parser, link phase or rule bug must not lose the batch
        return crash_result(document.url, exc, document.status)
