"""Links (`L`): the family's rules in catalogue order, and its facts.

The rules live in `rules.pagination` (previous/next post links), `rules.link_checks`
(broken, redirected and insecure links, in-page fragments) and `rules.link_text` (link
text and names, affiliate marking); what they share is in `rules.link_common`. Pure
rules read only the parsed page; network rules read `page.link_status` and do not apply
to a link that was not checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from postaudit.parse.page import Page
from postaudit.parse.pagination import PagerLink
from postaudit.rules.link_checks import (
    external_link_broken,
    fragment_target_missing,
    link_broken,
    link_insecure,
    link_redirect,
)
from postaudit.rules.link_common import (
    accessible_name,
    is_internal_link,
    navigation_links,
    status_of,
)
from postaudit.rules.link_text import (
    affiliate_link_unmarked,
    link_name_missing,
    link_text_ambiguous,
    link_text_generic,
)
from postaudit.rules.pagination import (
    pagination_broken,
    pagination_chain_loop,
    pagination_chain_skip,
    pagination_head_mismatch,
    pagination_not_reciprocal,
    pagination_orphan,
    pagination_redirect,
    pagination_self,
    pagination_stale_title,
)
from postaudit.urls import link_key

RULES = (
    pagination_broken,
    pagination_redirect,
    pagination_self,
    pagination_stale_title,
    pagination_head_mismatch,
    link_broken,
    external_link_broken,
    link_redirect,
    link_insecure,
    link_text_generic,
    link_name_missing,
    link_text_ambiguous,
    pagination_not_reciprocal,
    pagination_chain_loop,
    pagination_chain_skip,
    pagination_orphan,
    fragment_target_missing,
    affiliate_link_unmarked,
)


# --------------------------------------------------------------------------- facts


def _pager_row(page: Page, p: PagerLink) -> dict[str, Any]:
    row = p.to_dict()
    status = status_of(page, p.url) or page.link_status.get(link_key(p.url or ""))
    row["status"] = status.to_dict() if status is not None else None
    return row


def facts(page: Page, context: Mapping[str, Any]) -> dict[str, Any]:
    """`pagination`: the previous/next links found (markup, title, direction, status)
    and the head's rel=prev/next; `links`: one row per checked link target (role,
    text, URL, state, HTTP status, final URL, redirect chain, error), in page order."""
    pag = page.pagination
    pagination = pag.to_dict()
    for side in ("prev", "next"):
        p = pag.side(side)
        if p is not None:
            pagination[side] = _pager_row(page, p)
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()

    def add(role: str, text: str, href: str, url: str | None) -> None:
        if not url:
            return
        key = link_key(url)
        status = page.link_status.get(key)
        if status is None or (role, key) in seen:
            return
        seen.add((role, key))
        rows.append({"role": role, "text": text, "href": href, **status.to_dict()})

    for p in pag.links:
        add(p.side, p.title or p.text, p.href, p.url)
    for link in navigation_links(page):
        role = "internal" if is_internal_link(page, link) else "external"
        add(role, accessible_name(link), link.href, link.url)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    return {"pagination": pagination, "links": {"checked": rows, "counts": counts}}
