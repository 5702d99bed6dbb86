"""Links (`L`): previous/next post links, broken and redirected links, link text.

Two kinds of rules live here. Pure ones read only the parsed page (link text, empty
links, self links). Network ones read `page.link_status`, which the
runner's link phase fills before judging (see `linkcheck.py`); they do not apply to a
link that was not checked (`--links none`, excluded, or outside the `--links` scope),
so an unchecked link never counts as passed or failed. A rule's `needs` names the
link scope it wants checked ("links:pagination", "links:internal", "links:external").

"Article links" are the `<a href>` elements inside the article scope that are not
hidden and are not the previous/next links themselves (those have their own rules).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import unquote, urlsplit

from postaudit.measure.affiliates import affiliate_network
from postaudit.model import Category, Hit, LinkState, LinkStatus, Severity
from postaudit.parse.page import Link, Page
from postaudit.parse.pagination import PagerLink
from postaudit.rules.base import Options, rule, site_level
from postaudit.urls import is_internal, link_key, same_page

NEEDS_PAGINATION = ("links:pagination",)
NEEDS_INTERNAL = ("links:internal",)
NEEDS_EXTERNAL = ("links:external",)

_SIDE_NAME = {"prev": "previous", "next": "next"}
#: Schemes that are not navigation to a page (never judged for text or status).
_NOT_PAGES = ("javascript:", "mailto:", "tel:", "sms:", "data:")

# --------------------------------------------------------------------------- helpers


def status_of(page: Page, url: str | None) -> LinkStatus | None:
    """The link phase's result for `url`, or None when it was not checked (or skipped)."""
    if not url:
        return None
    status = page.link_status.get(link_key(url))
    if status is None or status.state is LinkState.SKIPPED:
        return None
    return status


def _pager_name(p: PagerLink) -> str:
    if p.markup.startswith("link[rel="):
        return f'<link rel="{p.side}">'
    return f"{_SIDE_NAME[p.side]} post link"


def _shown(p: PagerLink | Link) -> str:
    return p.href.strip() or (p.url or "")


def _chain(status: LinkStatus) -> str:
    hops = " -> ".join(f"{h.status} {h.url}" for h in status.chain)
    end = status.final_url or "?"
    return f"{hops} -> {end}" + (f" ({status.status})" if status.status else "")


def _pagination_key(p: PagerLink) -> str:
    return f"{p.side}:{p.url or p.href}"


def _is_page_link(link: Link) -> bool:
    href = link.href.strip().lower()
    return bool(href) and not href.startswith(_NOT_PAGES)


def article_links(page: Page) -> list[Link]:
    """Visible `<a href>` in the article scope, previous/next links left out."""
    pager = {p.location.selector for p in page.pagination.links if p.location.selector}
    return [
        link
        for link in page.links
        if link.in_article and not link.hidden and link.location.selector not in pager
    ]


def _navigation_links(page: Page) -> list[Link]:
    """Article links that lead somewhere else (no javascript:/mailto:, no same-page #)."""
    out = []
    for link in article_links(page):
        if not _is_page_link(link) or link.url is None:
            continue
        if link.href.strip().startswith("#") or link_key(link.url) == link_key(page.final_url):
            continue
        out.append(link)
    return out


def site_url(page: Page) -> str:
    """Where the page is published (`Page.site_url`): for a local file, its canonical,
    og:url or `--base-url`, so links to the post's own site count as internal."""
    return page.site_url or page.final_url


def _internal(page: Page, link: Link) -> bool:
    """Same site as the page: as the fetched or local page itself (a relative link of
    a local file is a local file), or on the host the page is published at."""
    if is_internal(link.url, page.final_url):
        return True
    site = site_url(page)
    return site != page.final_url and is_internal(link.url, site)


def _checked(page: Page, internal: bool) -> list[tuple[Link, LinkStatus]]:
    out = []
    for link in _navigation_links(page):
        if _internal(page, link) != internal:
            continue
        status = status_of(page, link.url)
        if status is not None:
            out.append((link, status))
    return out


def _fraction(good: int, total: int) -> float:
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
                f"{_pager_name(p)} {_shown(p)!r} is broken: {status.message}",
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
                f"{_pager_name(p)} {_shown(p)!r} redirects: {_chain(status)}",
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
                f"{_pager_name(p)} {_shown(p)!r} points to this page itself",
                p.location,
                key=_pagination_key(p),
            )
    prev, nxt = pag.prev, pag.next
    if prev and nxt and same_page(prev.url, nxt.url) and not _is_self(page, nxt):
        yield Hit(
            f"the previous and next post links both point to {_shown(nxt)!r}",
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
                    f"{name} points to {_shown(head)!r} but the visible {_SIDE_NAME[side]} "
                    f"post link points to {_shown(shown)!r}",
                    head.location,
                    key=f"head-{side}",
                )
        elif other is not None and same_page(head.url, other.url):
            yield Hit(
                f"{name} points to {_shown(head)!r}, which the page shows as the "
                f"{_SIDE_NAME[other.side]} post link",
                head.location,
                key=f"head-{side}",
            )
        else:
            yield Hit(
                f"{name} points to {_shown(head)!r} but the page shows no "
                f"{_SIDE_NAME[side]} post link",
                head.location,
                key=f"head-{side}",
            )


# --------------------------------------------------------------------------- other links


def _checked_applies(internal: bool) -> Callable[[Page, Options], bool]:
    def applies(page: Page, options: Options) -> bool:
        return bool(_checked(page, internal))

    return applies


def _broken_hits(page: Page, internal: bool) -> Iterator[Hit]:
    checked = _checked(page, internal)
    broken = [(link, s) for link, s in checked if s.state is LinkState.BROKEN]
    score = _fraction(len(checked) - len(broken), len(checked))
    for link, status in broken:
        text = accessible_name(link)
        what = f"link {_shown(link)!r}" + (f" ({text!r})" if text else "")
        yield Hit(
            f"{what} is broken: {status.message}", link.location, score=score, key=link.url or ""
        )


@rule(
    code="L510",
    name="link-broken",
    category=Category.LINKS,
    title="Links to the site's own pages work",
    fix="update the link to the page's current URL or remove it",
    severity=Severity.ERROR,
    weight=2,
    applies=_checked_applies(True),
    needs=NEEDS_INTERNAL,
)
def link_broken(page: Page, options: Options) -> Iterator[Hit]:
    """Article links to the same site answer (4xx/5xx, DNS, refused, timeout = broken).

    In a folder audit these links are looked up as files below the folder
    (`x.html`, `dir/index.html`, `post` -> `post.html`), so a build can be checked
    before it is deployed. Bot walls are "unverified", not broken. The score is the
    share of checked internal links that work.

    Fails: <a href="/services/old-page">our services</a> (404)
    Passes: <a href="/services">our services</a> (200)
    """
    yield from _broken_hits(page, True)


@rule(
    code="L511",
    name="external-link-broken",
    category=Category.LINKS,
    title="Links to other sites work",
    fix="update the link, link to an archived copy, or remove it",
    severity=Severity.WARNING,
    applies=_checked_applies(False),
    needs=NEEDS_EXTERNAL,
)
def external_link_broken(page: Page, options: Options) -> Iterator[Hit]:
    """Article links to other sites answer. Checked only with `--links all`.

    Other sites move pages without asking; a dead reference undermines the article.
    Sites that block robots (403 with `cf-mitigated`, LinkedIn's 999), need a login
    (401) or keep rate-limiting after the retries are "unverified" and not reported.

    Fails: <a href="https://example.org/gone">the study</a> (404)
    Passes: <a href="https://example.org/study">the study</a> (200)
    """
    yield from _broken_hits(page, False)


@rule(
    code="L512",
    name="link-redirect",
    category=Category.LINKS,
    title="Links to the site's own pages point at final URLs",
    fix="link straight to the URL the redirect ends at",
    severity=Severity.INFO,
    weight=0.5,
    applies=_checked_applies(True),
    needs=NEEDS_INTERNAL,
)
def link_redirect(page: Page, options: Options) -> Iterator[Hit]:
    """Article links to the same site do not go through redirects.

    An internal redirect is in your hands to fix (a moved page, a missing trailing
    slash, http to https) and costs every reader a round trip.

    Fails: <a href="/about">about me</a> (301 to /about/)
    Passes: <a href="/about/">about me</a> (200)
    """
    checked = _checked(page, True)
    moved = [(link, s) for link, s in checked if s.state is LinkState.REDIRECTED]
    score = _fraction(len(checked) - len(moved), len(checked))
    for link, status in moved:
        yield Hit(
            f"link {_shown(link)!r} redirects: {_chain(status)}",
            link.location,
            score=score,
            key=link.url or "",
            fix=f"link to {status.final_url}",
        )


def _https_page(page: Page, options: Options) -> bool:
    return urlsplit(page.final_url).scheme == "https" and bool(_navigation_links(page))


@rule(
    code="L513",
    name="link-insecure",
    category=Category.LINKS,
    title="Links from an https page use https",
    fix="change the link to https:// (most sites serve both)",
    severity=Severity.INFO,
    weight=0.5,
    applies=_https_page,
)
def link_insecure(page: Page, options: Options) -> Iterator[Hit]:
    """An `https:` page links to `https:` URLs, not `http:`.

    Readers leave a secure page for an insecure one (browsers may warn), and the
    referrer is dropped. Usually the target serves https too.

    Fails: <a href="http://example.org/guide">the guide</a> on an https page
    Passes: <a href="https://example.org/guide">the guide</a>
    """
    links = _navigation_links(page)
    insecure = [link for link in links if urlsplit(link.url or "").scheme == "http"]
    score = _fraction(len(links) - len(insecure), len(links))
    for link in insecure:
        yield Hit(
            f"link {_shown(link)!r} uses http: on an https page",
            link.location,
            score=score,
            key=link.url or "",
        )


# --------------------------------------------------------------------------- link text

#: Link texts that say nothing about the target, per primary language subtag.
#: English: Lighthouse `link-text` (core/audits/seo/link-text.js) plus "link", "click",
#: "go here", "this link", "this page", "continue", "continue reading", "details".
#: es, pt, ja, ko, sv, ta, fa: Lighthouse's lists. de, fr, it, nl, zh: ours.
GENERIC_LINK_TEXTS: Mapping[str, frozenset[str]] = {
    "en": frozenset(
        {
            "click here",
            "click this",
            "go",
            "here",
            "information",
            "learn more",
            "more",
            "more info",
            "more information",
            "right here",
            "read more",
            "see more",
            "start",
            "this",
            "link",
            "click",
            "go here",
            "this link",
            "this page",
            "continue",
            "continue reading",
            "details",
            "find out more",
            "here is the link",
        }
    ),
    "es": frozenset(
        {
            "click aquí",
            "click aqui",
            "clicka aquí",
            "clicka aqui",
            "pincha aquí",
            "pincha aqui",
            "aquí",
            "aqui",
            "más",
            "mas",
            "más información",
            "más informacion",
            "mas información",
            "mas informacion",
            "este",
            "enlace",
            "este enlace",
            "empezar",
            "leer más",
            "leer mas",
        }
    ),
    "pt": frozenset(
        {
            "clique aqui",
            "ir",
            "mais informação",
            "mais informações",
            "mais",
            "veja mais",
            "leia mais",
            "aqui",
        }
    ),
    "ja": frozenset(
        {
            "ここをクリック",
            "こちらをクリック",
            "リンク",
            "続きを読む",
            "続く",
            "全文表示",
            "こちら",
            "ここ",
        }
    ),
    "ko": frozenset(
        {
            "여기",
            "여기를 클릭",
            "클릭",
            "링크",
            "자세히",
            "자세히 보기",
            "계속",
            "이동",
            "전체 보기",
        }
    ),
    "sv": frozenset({"här", "klicka här", "läs mer", "mer", "mer info", "mer information"}),
    "ta": frozenset(
        {
            "அடுத்த பக்கம்",
            "மறுபக்கம்",
            "முந்தைய பக்கம்",
            "முன்பக்கம்",
            "மேலும் அறிக",
            "மேலும் தகவலுக்கு",
            "மேலும் தரவுகளுக்கு",
            "தயவுசெய்து இங்கே அழுத்தவும்",
            "இங்கே கிளிக் செய்யவும்",
        }
    ),
    "fa": frozenset(
        {
            "اطلاعات بیشتر",
            "اطلاعات",
            "این",
            "اینجا بزنید",
            "اینجا کلیک کنید",
            "اینجا",
            "برو",
            "بیشتر بخوانید",
            "بیشتر بدانید",
            "بیشتر",
            "شروع",
        }
    ),
    "de": frozenset(
        {
            "hier",
            "hier klicken",
            "klicken sie hier",
            "mehr",
            "mehr erfahren",
            "mehr informationen",
            "weiterlesen",
            "weiter",
            "link",
            "dieser link",
        }
    ),
    "fr": frozenset(
        {
            "ici",
            "cliquez ici",
            "cliquer ici",
            "en savoir plus",
            "lire la suite",
            "plus",
            "lien",
            "ce lien",
            "suite",
        }
    ),
    "it": frozenset(
        {"qui", "clicca qui", "leggi di più", "scopri di più", "di più", "link", "questo"}
    ),
    "nl": frozenset(
        {"hier", "klik hier", "lees meer", "meer", "meer info", "meer informatie", "link"}
    ),
    "zh": frozenset(
        {
            "这里",
            "點擊這裡",
            "点击这里",
            "点击此处",
            "更多",
            "阅读更多",
            "閱讀更多",
            "链接",
            "鏈接",
            "详情",
        }
    ),
}
_EDGES = " \t\n.,:;!?…»«›‹→←>-–—()[]\"'“”‘’"


def _norm_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()).strip(_EDGES).strip()


def _lang_of(link: Link, page: Page, options: Options) -> str | None:
    lang = link.lang or page.lang or options.get("lang")
    if not lang or not str(lang).strip():
        return None
    return str(lang).strip().lower().replace("_", "-").split("-", 1)[0]


def generic_texts(lang: str | None, options: Options) -> frozenset[str] | None:
    """The list for a language (None = no list, do not judge)."""
    extra = {_norm_text(t) for t in options.get("extra_texts", ())}
    if lang is None:
        mode = str(options.get("unknown_lang", "all"))
        if mode == "none":
            return None
        if mode == "all":
            return frozenset().union(*GENERIC_LINK_TEXTS.values()) | extra
        base = GENERIC_LINK_TEXTS.get(mode)
        return None if base is None else base | extra
    base = GENERIC_LINK_TEXTS.get(lang)
    if base is None:
        return frozenset(extra) if extra else None
    return base | extra


def _text_links(page: Page) -> list[Link]:
    return [link for link in _navigation_links(page) if _norm_text(link.text)]


@rule(
    code="L515",
    name="link-text-generic",
    category=Category.LINKS,
    title="Link text says where the link goes",
    fix="link the words that name the destination, e.g. 'book a consultation' instead of 'here'",
    severity=Severity.WARNING,
    defaults={
        "extra_texts": (),
        "allowed_texts": (),
        "accept_aria_label": True,
        "unknown_lang": "all",
    },
    applies=lambda page, options: bool(_text_links(page)),
)
def link_text_generic(page: Page, options: Options) -> Iterator[Hit]:
    """Link text is not a phrase that says nothing on its own ("here", "click here",
    "read more", "learn more", "more", "this", "link", "go", ...).

    Screen reader users list links out of context, and search engines read link text
    as a description of the target. The whole link text is compared, so "book a
    consultation <a>here</a>" is flagged while "<a>read more about my approach</a>" is
    not. The list follows the link's language (its nearest `lang`, else the page's, else
    `--lang`): Lighthouse's lists for English, Spanish, Portuguese, Japanese, Korean,
    Swedish, Tamil and Persian (a few common phrases added), and ours for German,
    French, Italian, Dutch and Chinese. Unlike Lighthouse, `rel="nofollow"` links are
    judged too: the text matters to readers whatever crawlers do. A language without a list is not judged, so a page in another
    language is never held to the English words. With no language known,
    `unknown_lang` decides: "all" lists (Lighthouse's behaviour), one language code,
    or "none".

    aria-label: Lighthouse ignores it, axe-core honours it. Here an `aria-label` (or
    `aria-labelledby`) is accepted when it says more than the visible text and
    contains it ("Read more about sleep hygiene" for a "Read more" link), so both
    screen readers and voice control ("click read more") work; set
    `accept_aria_label = false` for Lighthouse's stricter reading.

    Fails: book a consultation <a href="/contact">here</a> ; <a href="/post">Read more</a>
    Passes: <a href="/contact">book a consultation</a> ; <a href="/post" aria-label="Read more about sleep and anxiety">Read more</a>
    Options: extra_texts (more phrases to flag, any language), allowed_texts (phrases never flagged), accept_aria_label (true), unknown_lang ("all")
    """
    allowed = {_norm_text(t) for t in options.get("allowed_texts", ())}
    links = _text_links(page)
    flagged: list[tuple[Link, str]] = []
    for link in links:
        texts = generic_texts(_lang_of(link, page, options), options)
        norm = _norm_text(link.text)
        if texts is None or norm not in texts or norm in allowed:
            continue
        label = " ".join((link.aria_label or link.labelledby_text or "").split())
        if label and options.get("accept_aria_label", True):
            label_norm = _norm_text(label)
            if label_norm not in texts and norm in label_norm and len(label_norm) > len(norm):
                continue
            if label_norm not in texts and norm not in label_norm:
                flagged.append(
                    (
                        link,
                        f"link text {link.text!r} says nothing, and its aria-label {label!r} "
                        "does not contain it (voice control users say the visible words)",
                    )
                )
                continue
        flagged.append((link, f"link text {link.text!r} says nothing about where it goes"))
    score = _fraction(len(links) - len(flagged), len(links))
    for link, message in flagged:
        yield Hit(message, link.location, score=score, key=f"{link.text}|{link.url}")


def _named_candidates(page: Page) -> list[Link]:
    """Article links judged for a name: every visible `<a href>`, whatever it points
    at (mailto:, tel:, javascript:, a #fragment: each is a link a keyboard reaches and
    a screen reader announces). Links whose only content is an image are left to A102
    (img-link-no-name), which names the image to fix."""
    image_links = {im.link_href for im in page.images if im.link_only_content}
    return [
        link for link in article_links(page) if not (link.href in image_links and not link.text)
    ]


@rule(
    code="L516",
    name="link-name-missing",
    category=Category.LINKS,
    title="Links have text or an accessible name",
    fix="put text in the link, give its image an alt, or add an aria-label naming the target",
    severity=Severity.ERROR,
    weight=2,
    applies=lambda page, options: bool(_named_candidates(page)),
)
def link_name_missing(page: Page, options: Options) -> Iterator[Hit]:
    """Every article link has an accessible name: text, an image alt, `aria-label`,
    `aria-labelledby` or `title` (axe-core `link-name`).

    An empty link is announced as "link" or as its URL; it usually wraps an icon font
    or an empty heading anchor. Every `<a href>` is judged, whatever its target:
    `mailto:` and `tel:` icons, `javascript:` buttons and `#fragment` anchors are
    links to a screen reader too. A link whose only content is an image without alt
    is reported by A102 (img-link-no-name) instead. The name from content follows the
    accname recursion (as axe does): an icon `<span aria-label="BY - Attribution">`
    inside the link names it.

    A comment-count placeholder is not judged: an empty link the comment system's
    script fills with "3 Comments" (Disqus `href="...#disqus_thread"`,
    `.disqus-comment-count` or `data-disqus-identifier`; a Valine or Waline counter
    inside). It is empty only without JavaScript, and every browser a screen reader
    runs in runs the theme's script, so an error (a certain failure) would not be true.

    Fails: <a href="/x"><i class="icon-arrow"></i></a> ; <a href="#section-2"></a> ; <a href="mailto:jo@example.com"><i class="icon-mail"></i></a>
    Passes: <a href="/x" aria-label="Next chapter"><i class="icon-arrow"></i></a> ; <a href="/by/"><span aria-label="Attribution"><i class="icon-by"></i></span></a> ; <a href="/post/#disqus_thread"></a>
    """
    links = [link for link in _named_candidates(page) if not link.comment_counter]
    empty = [link for link in links if not accessible_name(link)]
    score = _fraction(len(links) - len(empty), len(links))
    for link in empty:
        yield Hit(
            f"link {_shown(link)!r} has no text or accessible name",
            link.location,
            score=score,
            key=link.url or link.href,
        )


def _destination(link: Link) -> str:
    url = link.url or link.href
    parts = urlsplit(url)
    path = re.sub(r"/index\.html?$", "/", parts.path).rstrip("/") or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"//{parts.netloc.lower()}{path}{query}"  # http: and https: twins are one place


#: Folders of taxonomy pages (lists of posts on one topic), as blog engines name them.
_TAXONOMY_DIRS = frozenset(
    {"tag", "tags", "category", "categories", "topic", "topics", "label", "labels", "series"}
)


def _is_taxonomy(link: Link) -> bool:
    """A link to a list of posts on one topic: `rel="tag"` / `rel="category"`, or a
    page in a taxonomy folder (`/tags/python/`, `/category/misc/`, `?tag=x`)."""
    if link.rel & {"tag", "category"}:
        return True
    parts = urlsplit(link.url or link.href)
    folders = [p.lower() for p in parts.path.split("/") if p]
    if any(f in _TAXONOMY_DIRS for f in folders[:-1]):
        return True
    query = {q.split("=", 1)[0].lower() for q in parts.query.split("&") if q}
    return bool(query & {"tag", "category", "cat"})


def _letters(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _names_site(text: str, host: str, site_name: str) -> bool:
    """Whether a link text is the name of the site it leads to: the host's name
    ("GitHub" for github.com, "Multi-Etch" for www.multietch.com) or the page's
    `og:site_name` when the link stays on the page's own site."""
    name = _letters(text)
    if len(name) < 3:
        return False
    labels = [lab for lab in host.lower().split(".") if lab and lab != "www"]
    if any(name == _letters(lab) for lab in labels[:-1] or labels):
        return True
    return bool(site_name) and name == _letters(site_name)


def _same_purpose(page: Page, links: Sequence[Link]) -> bool:
    """Links with one text that serve one purpose although their URLs differ:
    taxonomy links (the tag "misc" and the category "misc" both list the posts about
    misc), or the name of a site on links into that site (a brand name links to the
    brand, whichever of its pages)."""
    if all(_is_taxonomy(link) for link in links):
        return True
    hosts = {urlsplit(link.url or link.href).netloc.lower() for link in links}
    if len(hosts) != 1:
        return False
    host = urlsplit(next(iter(links)).url or "").hostname or ""
    site_names = page.meta.get("og:site_name", ())
    own = _internal(page, links[0])
    site_name = site_names[0] if site_names and own else ""
    return _names_site(accessible_name(links[0]), host, site_name)


@rule(
    code="L517",
    name="link-text-ambiguous",
    category=Category.LINKS,
    title="The same link text leads to the same place",
    fix="reword the links so each text names its own destination",
    severity=Severity.INFO,
    weight=0.5,
    applies=lambda page, options: len(_navigation_links(page)) > 1,
)
def link_text_ambiguous(page: Page, options: Options) -> Iterator[Hit]:
    """Article links with the same text (or accessible name) go to the same place
    (axe-core `identical-links-same-purpose`).

    Readers who jump from link to link hear "Read more, Read more" and cannot tell the
    destinations apart. Reported once per text, at its second destination. Links
    with one text that serve one purpose are not ambiguous: taxonomy links (`rel="tag"`
    or `rel="category"`, or pages under `/tags/`, `/categories/`, `/topics/`, ...: the
    tag "Python" and the category "Python" both list the posts about Python), and a
    site's name on links into that site ("GitHub" to two GitHub pages, the blog's
    `og:site_name` to its home and its about page): the name says where they lead.

    Fails: <a href="/a">Read the guide</a> ... <a href="/b">Read the guide</a>
    Passes: <a href="/a">Read the sleep guide</a> ... <a href="/b">Read the stress guide</a> ; <a href="/tags/sleep/">sleep</a> ... <a href="/categories/sleep/">sleep</a>
    """
    groups: dict[str, list[Link]] = {}
    for link in _navigation_links(page):
        name = _norm_text(accessible_name(link))
        if name:
            groups.setdefault(name, []).append(link)
    for links in groups.values():
        places: dict[str, Link] = {}
        for link in links:
            places.setdefault(_destination(link), link)
        if len(places) < 2 or _same_purpose(page, list(places.values())):
            continue
        shown = ", ".join(repr(_shown(link)) for link in list(places.values())[:3])
        more = f" and {len(places) - 3} more" if len(places) > 3 else ""
        second = list(places.values())[1]
        text = accessible_name(second)
        yield Hit(
            f"link text {text!r} leads to {len(places)} different places: {shown}{more}",
            second.location,
            key=_norm_text(text),
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


# --------------------------------------------------------------------------- in-page links

#: Fragments that scroll to the top of the page without any element: "" (`#`) and
#: "top" (ASCII case-insensitive), HTML's "scroll to the fragment" steps.
_TOP = ("", "top")


def in_page_fragment(page: Page, link: Link) -> str | None:
    """The fragment of a link that stays on this page (`#x`, or `post.html#x` naming
    the page's own URL), as written; None for a link that leaves the page. A `#x`
    resolved against a `<base href>` elsewhere leaves the page, as in a browser."""
    href = link.href.strip()
    if "#" not in href or link.url is None or href.lower().startswith(_NOT_PAGES):
        return None
    if not same_page(link.url, page.final_url):
        return None
    return href.split("#", 1)[1]


def fragment_found(fragment: str, targets: frozenset[str]) -> bool:
    """Does the fragment point at something? As browsers look it up: the fragment as
    written, then percent-decoded (UTF-8), against the ids and `<a name>`s."""
    if fragment.lower() in _TOP or fragment in targets:
        return True
    decoded = _decoded(fragment)
    return decoded is not None and (decoded.lower() in _TOP or decoded in targets)


def _decoded(fragment: str) -> str | None:
    """The percent-decoded fragment; None when the bytes are not UTF-8."""
    try:
        return unquote(fragment, errors="strict")
    except UnicodeDecodeError:
        return None


def _script_fragment(fragment: str) -> bool:
    """`#!/route` (hash-bang routing) and `#:~:text=` (text fragments) name no element."""
    return fragment.startswith(("!", ":~:"))


@rule(
    code="L518",
    name="fragment-target-missing",
    category=Category.LINKS,
    title="In-page links point at ids that exist",
    fix='give the target element that id (<h2 id="...">), or correct the link\'s #fragment',
    severity=Severity.WARNING,
    applies=lambda page, options: any(
        in_page_fragment(page, link) is not None for link in page.links
    ),
)
def fragment_target_missing(page: Page, options: Options) -> Iterator[Hit]:
    """Links to a place on this page find an element with that id.

    A link to `#x` (or to the page's own URL with `#x`) needs an element with
    `id="x"` or an `<a name="x">`. Tables of contents, footnote links and skip links ("Skip to content") that point at
    an id the page lacks do nothing when followed: the reader stays where they were,
    and a keyboard or screen-reader user who took the skip link is stranded at the top
    of the menu. Every `<a href>` on the page is judged, theme chrome included (a
    broken skip link is a real failure; a working one to `#main` passes). Fragments are
    compared as browsers do: as written, then percent-decoded, so `#%E8%A7%A3` finds
    `id="解"`; `#` and `#top` scroll to the top and always pass; `#!/route` and
    `#:~:text=` are scripts' and browsers' own syntax and are left alone. An id that a
    script adds after loading cannot be seen in the HTML, hence a warning.

    Fails: <a href="#setup">Setup</a> on a page where no element has id="setup"
    Passes: <a href="#setup">Setup</a> ... <h2 id="setup">Setup</h2> ; <a href="#top">Back to top</a>
    """
    for link in page.links:
        fragment = in_page_fragment(page, link)
        if fragment is None or _script_fragment(fragment):
            continue
        if not fragment_found(fragment, page.anchors):
            shown = _decoded(fragment) or fragment
            yield Hit(
                f"link {_shown(link)!r} points at #{shown}, but no element has id={shown!r}",
                link.location,
                key=f"#{fragment}",
            )


# --------------------------------------------------------------------------- affiliate links

#: rel values Google accepts on paid links ("sponsored" asked for, "nofollow" allowed).
_PAID_REL = frozenset({"sponsored", "nofollow"})


@rule(
    code="L519",
    name="affiliate-link-unmarked",
    category=Category.LINKS,
    title='Affiliate links are marked rel="sponsored"',
    fix='add rel="sponsored" to affiliate links (rel="nofollow" also satisfies Google)',
    severity=Severity.INFO,
    weight=0.5,
    applies=lambda page, options: any(affiliate_network(link.url) for link in page.links),
)
def affiliate_link_unmarked(page: Page, options: Options) -> Iterator[Hit]:
    """A link through an affiliate network has `rel="sponsored"` (or `rel="nofollow"`).

    Google asks for paid and affiliate links to be qualified with `rel="sponsored"`
    ("nofollow" is still accepted) and may act against sites that pass ranking credit
    through them. Affiliate links are recognised by their network's tracking host, or a
    store's host with the affiliate parameter (Amazon with `tag=`); the table of
    networks names the source of each entry. General shorteners
    (bit.ly and the like) are not judged: a short link says nothing about what it
    hides. Every link on the page counts, sidebar banners included.

    Fails: <a href="https://www.amazon.com/dp/B000123?tag=myblog-20">the kettle I use</a>
    Passes: <a href="https://www.amazon.com/dp/B000123?tag=myblog-20" rel="sponsored">the kettle I use</a> ; <a href="https://www.amazon.com/dp/B000123">the kettle</a>
    """
    paid = [(link, net) for link in page.links if (net := affiliate_network(link.url))]
    unmarked = [(link, net) for link, net in paid if not link.rel & _PAID_REL]
    score = _fraction(len(paid) - len(unmarked), len(paid))
    for link, net in unmarked:
        name = accessible_name(link)
        shown = f"{name[:59]}…" if len(name) > 60 else name
        host = urlsplit(link.url or "").hostname or ""
        yield Hit(
            f'{net} link {shown!r} ({host}) has no rel="sponsored"'
            if shown
            else f'{net} link {_shown(link)!r} has no rel="sponsored"',
            link.location,
            score=score,
            key=link.url or "",
        )


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
    for link in _navigation_links(page):
        role = "internal" if _internal(page, link) else "external"
        add(role, accessible_name(link), link.href, link.url)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    return {"pagination": pagination, "links": {"checked": rows, "counts": counts}}
