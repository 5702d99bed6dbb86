"""Link checks: article links that are broken (`L510`, `L511`) or redirected (`L512`), from
the link phase's results ("links:internal", "links:external" in a rule's `needs`); http
links from an https page (`L513`); in-page links whose #fragment finds no element (`L518`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import unquote, urlsplit

from postaudit.measure.memo import last_of
from postaudit.model import Category, Hit, LinkState, LinkStatus, Severity
from postaudit.parse.page import Link, Page
from postaudit.rules.base import Options, rule
from postaudit.rules.link_common import (
    NOT_PAGES,
    accessible_name,
    fraction,
    is_internal_link,
    navigation_links,
    redirect_chain,
    shown_href,
    status_of,
)
from postaudit.urls import same_page

NEEDS_INTERNAL = ("links:internal",)
NEEDS_EXTERNAL = ("links:external",)


@last_of
def _statuses(page: Page) -> tuple[tuple[Link, LinkStatus, bool], ...]:
    """(link, status, internal) of every checked navigation link, once per page."""
    out = []
    for link in navigation_links(page):
        status = status_of(page, link.url)
        if status is not None:
            out.append((link, status, is_internal_link(page, link)))
    return tuple(out)


def _checked(page: Page, internal: bool) -> list[tuple[Link, LinkStatus]]:
    return [(link, status) for link, status, inside in _statuses(page) if inside == internal]


# --------------------------------------------------------------------------- other links


def _checked_applies(internal: bool) -> Callable[[Page, Options], bool]:
    def applies(page: Page, options: Options) -> bool:
        return bool(_checked(page, internal))

    return applies


def _broken_hits(page: Page, internal: bool) -> Iterator[Hit]:
    checked = _checked(page, internal)
    broken = [(link, s) for link, s in checked if s.state is LinkState.BROKEN]
    score = fraction(len(checked) - len(broken), len(checked))
    for link, status in broken:
        text = accessible_name(link)
        what = f"link {shown_href(link)!r}" + (f" ({text!r})" if text else "")
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
    score = fraction(len(checked) - len(moved), len(checked))
    for link, status in moved:
        yield Hit(
            f"link {shown_href(link)!r} redirects: {redirect_chain(status)}",
            link.location,
            score=score,
            key=link.url or "",
            fix=f"link to {status.final_url}",
        )


def _https_page(page: Page, options: Options) -> bool:
    return urlsplit(page.final_url).scheme == "https" and bool(navigation_links(page))


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
    links = navigation_links(page)
    insecure = [link for link in links if urlsplit(link.url or "").scheme == "http"]
    score = fraction(len(links) - len(insecure), len(links))
    for link in insecure:
        yield Hit(
            f"link {shown_href(link)!r} uses http: on an https page",
            link.location,
            score=score,
            key=link.url or "",
        )


# --------------------------------------------------------------------------- in-page links

#: Fragments that scroll to the top of the page without any element: "" (`#`) and
#: "top" (ASCII case-insensitive), HTML's "scroll to the fragment" steps.
_TOP = ("", "top")


def in_page_fragment(page: Page, link: Link) -> str | None:
    """The fragment of a link that stays on this page (`#x`, or `post.html#x` naming
    the page's own URL), as written; None for a link that leaves the page. A `#x`
    resolved against a `<base href>` elsewhere leaves the page, as in a browser."""
    href = link.href.strip()
    if "#" not in href or link.url is None or href.lower().startswith(NOT_PAGES):
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
                f"link {shown_href(link)!r} points at #{shown}, but no element has id={shown!r}",
                link.location,
                key=f"#{fragment}",
            )
