"""Fetch and tool errors (`X`): a page that could not be audited becomes a finding.

These rules never run against a `Page` (there is none); the runner raises them when
fetching or parsing fails, so that one bad page never stops a batch. They are in the
registry so they can be listed, documented, ignored and re-graded like any rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from postaudit.model import Category, Hit, Severity
from postaudit.parse.page import Page
from postaudit.rules.base import Options, rule


def never(page: Page, options: Options) -> bool:
    return False


def _raised_by_runner(page: Page, options: Options) -> Iterator[Hit]:
    return iter(())


def _synthetic(code: str, name: str, title: str, fix: str, doc: str):  # type: ignore[no-untyped-def]
    def check(page: Page, options: Options) -> Iterator[Hit]:
        return _raised_by_runner(page, options)

    check.__doc__ = doc
    check.__name__ = name.replace("-", "_")
    return rule(
        code=code,
        name=name,
        category=Category.FETCH,
        title=title,
        fix=fix,
        severity=Severity.ERROR,
        weight=0,
        applies=never,
    )(check)


page_unreachable = _synthetic(
    "X001",
    "page-unreachable",
    "The page can be fetched",
    "check the URL, DNS, TLS certificate and that the server answers within --timeout",
    """The page could not be fetched: DNS failure, refused connection, TLS error,
    timeout, a redirect loop or more than 10 redirects, or a connection dropped mid-body.

    Raised by the fetcher, not by reading the page. The message names the cause.

    Fails: a URL whose host does not resolve ; a server that never answers
    Passes: any URL that answers with an HTML page
    """,
)

http_error = _synthetic(
    "X002",
    "http-error",
    "The page answers with a success status",
    "fix the URL or restore the page; a published article must answer 200",
    """The page answered with an HTTP error status (4xx or 5xx).

    Fails: HTTP 404 Not Found ; HTTP 500 Internal Server Error
    Passes: HTTP 200 OK (after redirects)
    """,
)

not_html = _synthetic(
    "X003",
    "not-html",
    "The target is an HTML page",
    "point postaudit at the article's HTML page, not a PDF, image or feed",
    """The response is not HTML (its Content-Type is not text/html or
    application/xhtml+xml, or the body is binary), so there is no article to audit.

    Fails: Content-Type: application/pdf
    Passes: Content-Type: text/html; charset=utf-8
    """,
)

page_too_large = _synthetic(
    "X004",
    "page-too-large",
    "The page is within the size limit",
    "raise --max-bytes if the page is legitimately this large",
    """The page body exceeds the size cap (default 5 MB, `--max-bytes`), measured after
    decompression while streaming; the rest is not downloaded.

    Fails: a 50 MB HTML page with the default cap
    Passes: a 120 KB blog post
    """,
)

audit_failed = _synthetic(
    "X005",
    "audit-failed",
    "The page can be read and audited",
    "check the input file exists and is readable; report a bug if the page is valid HTML",
    """The page could not be read or audited: a missing or unreadable file, or an
    internal error while parsing or running a rule. The message says which; the other
    pages of the run are unaffected.

    Fails: postaudit audit missing.html
    Passes: postaudit audit post.html
    """,
)


RULES = (page_unreachable, http_error, not_html, page_too_large, audit_failed)
