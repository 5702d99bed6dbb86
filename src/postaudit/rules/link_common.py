"""What the link rules share: which links of a page they judge, the link phase's status of
a URL, and how a finding shows a link.

"Article links" are the `<a href>` elements inside the article scope that are not
hidden and are not the previous/next links themselves (those have their own rules,
`rules.pagination`). Network rules read `page.link_status`, which the runner's link
phase fills before judging; `status_of` is None for a link that was not checked
(`--links none`, excluded, or outside the `--links` scope), so an unchecked link never
counts as passed or failed.
"""

from __future__ import annotations

from postaudit.measure.memo import last_of
from postaudit.model import LinkState, LinkStatus
from postaudit.parse.page import Link, Page
from postaudit.parse.pagination import PagerLink
from postaudit.urls import is_internal, link_key

#: Schemes that are not navigation to a page (never judged for text or status).
NOT_PAGES = ("javascript:", "mailto:", "tel:", "sms:", "data:")


def status_of(page: Page, url: str | None) -> LinkStatus | None:
    """The link phase's result for `url`, or None when it was not checked (or skipped)."""
    if not url:
        return None
    status = page.link_status.get(link_key(url))
    if status is None or status.state is LinkState.SKIPPED:
        return None
    return status


def shown_href(p: PagerLink | Link) -> str:
    return p.href.strip() or (p.url or "")


def redirect_chain(status: LinkStatus) -> str:
    hops = " -> ".join(f"{h.status} {h.url}" for h in status.chain)
    end = status.final_url or "?"
    return f"{hops} -> {end}" + (f" ({status.status})" if status.status else "")


def _is_page_link(link: Link) -> bool:
    href = link.href.strip().lower()
    return bool(href) and not href.startswith(NOT_PAGES)


def article_links(page: Page) -> list[Link]:
    """Visible `<a href>` in the article scope, previous/next links left out."""
    pager = {p.location.selector for p in page.pagination.links if p.location.selector}
    return [
        link
        for link in page.links
        if link.in_article and not link.hidden and link.location.selector not in pager
    ]


@last_of
def navigation_links(page: Page) -> tuple[Link, ...]:
    """Article links that lead somewhere else (no javascript:/mailto:, no same-page #);
    worked out once per page (the link rules each ask)."""
    out = []
    for link in article_links(page):
        if not _is_page_link(link) or link.url is None:
            continue
        if link.href.strip().startswith("#") or link_key(link.url) == link_key(page.final_url):
            continue
        out.append(link)
    return tuple(out)


def site_url(page: Page) -> str:
    """Where the page is published (`Page.site_url`): for a local file, its canonical,
    og:url or `--base-url`, so links to the post's own site count as internal."""
    return page.site_url or page.final_url


def is_internal_link(page: Page, link: Link) -> bool:
    """Same site as the page: as the fetched or local page itself (a relative link of
    a local file is a local file), or on the host the page is published at."""
    if is_internal(link.url, page.final_url):
        return True
    site = site_url(page)
    return site != page.final_url and is_internal(link.url, site)


def fraction(good: int, total: int) -> float:
    return good / total if total else 1.0


def accessible_name(link: Link) -> str:
    """The link's accessible name, in the order browsers compute it: aria-labelledby,
    aria-label, the content (text, image alts, and the aria-label or aria-labelledby
    of elements inside, as the accname recursion takes them), then title."""
    for value in (
        link.labelledby_text,
        link.aria_label,
        link.text,
        link.content_name,
        link.title,
    ):
        text = " ".join((value or "").split())
        if text:
            return text
    return ""
