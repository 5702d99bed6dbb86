"""Previous/next post links (`L501`-`L506` on each page; `L520`-`L523` across a site,
judged by `postaudit.judge.site`). A rule's `needs` names the link scope it wants
checked ("links:pagination")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from difflib import SequenceMatcher

from postaudit.model import Category, Hit, LinkState, Severity
from postaudit.parse.page import Page
from postaudit.parse.pagination import PagerLink
from postaudit.rules.base import Options, rule, site_level
from postaudit.rules.link_common import (
    redirect_chain,
    shown_href,
    status_of,
)
from postaudit.urls import same_page

NEEDS_PAGINATION = ("links:pagination",)

_SIDE_NAME = {"prev": "previous", "next": "next"}


def _pager_name(p: PagerLink) -> str:
    if p.markup.startswith("link[rel="):
        return f'<link rel="{p.side}">'
    return f"{_SIDE_NAME[p.side]} post link"


def _pagination_key(p: PagerLink) -> str:
    return f"{p.side}:{p.url or p.href}"


# --------------------------------------------------------------------------- pagination


def _has_pager_status(page: Page, options: Options) -> bool:
    return any(status_of(page, p.url) is not None for p in page.pagination.links)


@rule(
    code="L501",
    name="pagination-broken",
    category=Category.LINKS,
    title="Previous/next post links work",
    fix="point the link at the post's current URL, or fix the post that moved",
    severity=Severity.ERROR,
    weight=2,
    applies=_has_pager_status,
    needs=NEEDS_PAGINATION,
)
def pagination_broken(page: Page, options: Options) -> Iterator[Hit]:
    """The previous and next post links lead to a page that answers.

    A 4xx/5xx answer, a DNS failure, a refused connection or a timeout after the
    retries all count as broken (a renamed slug is the usual cause). A site that
    blocks robots (Cloudflare's challenge, LinkedIn's 999) is "unverified", not broken.
    Needs the link phase (`--links pagination` or more).

    Fails: <a class="item-pagination-link--next" href="/blog/renamed-post">Next</a> (404)
    Passes: <a rel="next" href="/blog/existing-post">Next</a> (200)
    """
    for p in page.pagination.links:
        status = status_of(page, p.url)
        if status is not None and status.state is LinkState.BROKEN:
            yield Hit(
                f"{_pager_name(p)} {shown_href(p)!r} is broken: {status.message}",
                p.location,
                key=_pagination_key(p),
            )


@rule(
    code="L502",
    name="pagination-redirect",
    category=Category.LINKS,
    title="Previous/next post links point at the final URL",
    fix="link straight to the URL the redirect ends at",
    severity=Severity.INFO,  # the link works; fixing it saves a hop, as L512 (was warning)
    applies=_has_pager_status,
    needs=NEEDS_PAGINATION,
)
def pagination_redirect(page: Page, options: Options) -> Iterator[Hit]:
    """The previous and next post links do not go through redirects.

    Every post links to its neighbours, so a redirect there costs every reader a round
    trip and tells crawlers the theme links to an old address (often a slug changed
    after publishing). The finding shows the whole chain.

    Fails: <a rel="prev" href="/blog/old-slug">Previous</a> (301 to /blog/new-slug)
    Passes: <a rel="prev" href="/blog/new-slug">Previous</a> (200)
    """
    for p in page.pagination.links:
        status = status_of(page, p.url)
        if status is not None and status.state is LinkState.REDIRECTED:
            yield Hit(
                f"{_pager_name(p)} {shown_href(p)!r} redirects: {redirect_chain(status)}",
                p.location,
                key=_pagination_key(p),
                fix=f"link to {status.final_url}",
            )


def _is_self(page: Page, p: PagerLink) -> bool:
    if same_page(p.url, page.final_url) or same_page(p.url, page.url):
        return True
    status = status_of(page, p.url)
    return status is not None and same_page(status.final_url, page.final_url)


@rule(
    code="L503",
    name="pagination-self",
    category=Category.LINKS,
    title="Previous/next post links lead to other posts",
    fix="check the theme's previous/next template and the post order (dates, slugs)",
    severity=Severity.ERROR,
    applies=lambda page, options: bool(page.pagination.links),
)
def pagination_self(page: Page, options: Options) -> Iterator[Hit]:
    """Neither link points back to this page, and previous and next are not the same.

    A self link or a previous that equals next means the theme picked the wrong post
    (a broken date sort, a duplicated slug, a hard-coded URL). A link that redirects
    back to this page counts as a self link.

    Fails: <a rel="next" href="/blog/this-post">Next</a> ; previous and next both "/blog/other"
    Passes: <a rel="prev" href="/blog/older">Previous</a><a rel="next" href="/blog/newer">Next</a>
    """
    pag = page.pagination
    for p in pag.links:
        if _is_self(page, p):
            yield Hit(
                f"{_pager_name(p)} {shown_href(p)!r} points to this page itself",
                p.location,
                key=_pagination_key(p),
            )
    prev, nxt = pag.prev, pag.next
    if prev and nxt and same_page(prev.url, nxt.url) and not _is_self(page, nxt):
        yield Hit(
            f"the previous and next post links both point to {shown_href(nxt)!r}",
            nxt.location,
            key=f"same:{nxt.url}",
        )


_TITLE_SPLIT = re.compile(r"\s+[|\-–—:·•»/]+\s+")


def _norm_title(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"(\.\.\.|…)\s*$", "", text)
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def title_similarity(shown: str, candidates: Sequence[str]) -> float:
    """How well a link's title matches the target's title/h1 (1.0 = contained)."""
    a = _norm_title(shown)
    if not a:
        return 1.0
    best = 0.0
    truncated = bool(re.search(r"(\.\.\.|…)\s*$", shown))
    for raw in candidates:
        for part in (raw, *_TITLE_SPLIT.split(raw)):
            b = _norm_title(part)
            if not b:
                continue
            if a == b or a in b or (len(b) >= 4 and b in a) or (truncated and b.startswith(a)):
                return 1.0
            best = max(best, SequenceMatcher(None, a, b).ratio())
    return best


def _stale_applies(page: Page, options: Options) -> bool:
    for p in page.pagination.links:
        status = status_of(page, p.url)
        if p.title and status and status.fine and (status.title or status.headings):
            return True
    return False


@rule(
    code="L504",
    name="pagination-stale-title",
    category=Category.LINKS,
    title="Previous/next links show the linked post's title",
    fix="rebuild the site (or fix the link) so the link shows the target's current title",
    severity=Severity.WARNING,
    defaults={"min_similarity": 0.5},
    applies=_stale_applies,
    needs=NEEDS_PAGINATION,
)
def pagination_stale_title(page: Page, options: Options) -> Iterator[Hit]:
    """The title a previous/next link shows matches the target page's `<title>` or `<h1>`.

    A mismatch means the post was renamed after its neighbours were built, or its slug
    now belongs to another post. The target is fetched with GET and only its title,
    h1 and og:title are read. A title counts as matching when one contains the other
    (site names after " | " are fine, and so is a title cut with "…"), else when the
    character similarity reaches `min_similarity`.

    Fails: <a rel="next" href="/b">Next: Ten sleep myths</a> (target h1 "Why we dream")
    Passes: <a rel="next" href="/b">Ten sleep myths</a> (target title "Ten sleep myths | Blog")
    Options: min_similarity (0.5)
    """
    threshold = float(options["min_similarity"])
    for p in page.pagination.links:
        status = status_of(page, p.url)
        if not p.title or status is None or not status.fine or not status.read_body:
            continue
        candidates = [c for c in (status.title, *status.headings) if c]
        if not candidates:
            continue
        if title_similarity(p.title, candidates) < threshold:
            target = status.headings[0] if status.headings else status.title
            yield Hit(
                f"{_pager_name(p)} shows {p.title!r} but the target page is titled {target!r}",
                p.location,
                key=_pagination_key(p),
            )


def _head_applies(page: Page, options: Options) -> bool:
    return bool(page.pagination.head_links) and page.pagination.visible


@rule(
    code="L506",
    name="pagination-head-mismatch",
    category=Category.LINKS,
    title='Head <link rel="prev/next"> agrees with the visible links',
    fix='make <link rel="prev"/"next"> in the head name the same posts as the visible links',
    severity=Severity.WARNING,
    applies=_head_applies,
)
def pagination_head_mismatch(page: Page, options: Options) -> Iterator[Hit]:
    """`<link rel="prev">`/`<link rel="next">` in the head name the same posts as the
    visible previous/next links.

    When they differ, crawlers and readers are sent different ways: usually one of
    the two templates sorts posts the other way round (Hexo's rel="next" is the older
    post). A head link without a visible counterpart (the visible side is missing or
    disabled) disagrees too; a visible link without a head link does not.

    Fails: <link rel="next" href="/a"> with a visible next link to "/b"
    Passes: <link rel="next" href="/b"> with a visible next link to "/b"
    """
    pag = page.pagination
    for side in ("prev", "next"):
        head = pag.head_prev if side == "prev" else pag.head_next
        if head is None:
            continue
        shown = pag.side(side)
        other = pag.side("next" if side == "prev" else "prev")
        name = f'<link rel="{side}">'
        if shown is not None:
            if not same_page(head.url, shown.url):
                yield Hit(
                    f"{name} points to {shown_href(head)!r} but the visible {_SIDE_NAME[side]} "
                    f"post link points to {shown_href(shown)!r}",
                    head.location,
                    key=f"head-{side}",
                )
        elif other is not None and same_page(head.url, other.url):
            yield Hit(
                f"{name} points to {shown_href(head)!r}, which the page shows as the "
                f"{_SIDE_NAME[other.side]} post link",
                head.location,
                key=f"head-{side}",
            )
        else:
            yield Hit(
                f"{name} points to {shown_href(head)!r} but the page shows no "
                f"{_SIDE_NAME[side]} post link",
                head.location,
                key=f"head-{side}",
            )


# --------------------------------------------------------------------------- site level
# Computed after a batch from every audited page's compact facts (`postaudit.judge.site`):
# on a single page they do not apply.


@rule(
    code="L520",
    name="pagination-not-reciprocal",
    category=Category.LINKS,
    title="Previous/next links between posts go both ways",
    fix="rebuild both posts so each one's previous/next link names the other",
    severity=Severity.WARNING,
    applies=site_level,
    needs=("site",),
)
def pagination_not_reciprocal(page: Page, options: Options) -> Iterator[Hit]:
    """Site level: when post A's next link leads to post B, B's previous link leads
    back to A (and the other way round).

    A one-way link usually means one of the two posts was not rebuilt after a post
    was added, removed or re-dated, so readers and crawlers walking the archive lose
    their way. Sides are compared in time: where the theme says which link is the older
    post (Hexo NexT's rel="next" is the older one, WordPress's previous link is), that
    direction is used, else previous = older; A's older link must be answered by B's
    newer link. Only links between audited pages are judged (`postaudit sitemap`,
    `postaudit merge`).

    Fails: /a's next link goes to /b, whose previous link goes to /c
    Passes: /a's next link goes to /b, whose previous link goes to /a
    """
    yield from ()


@rule(
    code="L521",
    name="pagination-chain-loop",
    category=Category.LINKS,
    title="Following previous or next links never comes back to the start",
    fix="fix the post dates or navigation so the previous/next chain runs one way",
    severity=Severity.WARNING,
    applies=site_level,
    needs=("site",),
)
def pagination_chain_loop(page: Page, options: Options) -> Iterator[Hit]:
    """Site level: following the next links (or the previous links) from a post
    never leads back to that post.

    A loop traps readers and crawlers in a few posts and hides the rest of the
    archive; it comes from duplicated dates, hand-edited navigation or a post that
    links to itself through a redirect. Reported once per loop, on its first page by
    URL.

    Fails: /a next -> /b, /b next -> /c, /c next -> /a
    Passes: /a next -> /b, /b next -> /c, /c has no next link
    """
    yield from ()


@rule(
    code="L522",
    name="pagination-chain-skip",
    category=Category.LINKS,
    title="Previous/next links do not skip a post",
    fix="rebuild the post whose link skips: it should lead to the post in between",
    severity=Severity.WARNING,
    applies=site_level,
    needs=("site",),
)
def pagination_chain_skip(page: Page, options: Options) -> Iterator[Hit]:
    """Site level: a post's next (or previous) link does not jump over a post that
    sits between the two.

    The usual cause is a post published in between without rebuilding its older
    neighbour: /a still links to /c, while /c and the new /b link to each other and /b
    links back to /a. Reported on the page whose link skips (the two pages it leaves
    out get no `L520` finding for the same gap).

    Fails: /a next -> /c; /c previous -> /b; /b previous -> /a
    Passes: /a next -> /b; /b next -> /c, each linked back
    """
    yield from ()


@rule(
    code="L523",
    name="pagination-orphan",
    category=Category.LINKS,
    title="Every post is reached by another post's previous/next link",
    fix="rebuild the neighbouring posts so their previous/next links include this one",
    severity=Severity.INFO,
    applies=site_level,
    needs=("site",),
)
def pagination_orphan(page: Page, options: Options) -> Iterator[Hit]:
    """Site level: a post with previous/next navigation is the previous or next post
    of at least one other audited post.

    A post no other post points to can only be found from lists and search: readers
    paging through the archive never see it. Judged only when at least two posts were
    audited and one of the post's own links leads to an audited page (so its
    neighbours were part of the run: a `--limit` or `--shard` run does not make false
    orphans; `postaudit merge` judges the shards together).

    Fails: /b links to /a and /c, but neither /a nor /c links to /b
    Passes: /a next -> /b and /c previous -> /b
    """
    yield from ()
