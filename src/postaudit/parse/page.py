"""HTML -> Page: the one module that walks the DOM.

`parse_page` parses once with BeautifulSoup's lxml builder (about 1.5x faster than
html.parser on the corpus) and turns the tree into plain frozen records that rules
read. lxml does not report source lines, so `SourceLines` recovers them by scanning
the raw HTML for start tags (outside comments, scripts and styles) and pairing the
k-th `<img` in the source with the k-th img in the tree; when the counts disagree for
a tag name (the parser repaired the markup), lines for that tag are left unknown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, Tag

from postaudit.measure.wordcount import word_count
from postaudit.model import LazyLocation, Location
from postaudit.parse.appearance import (
    ImageLayout,
    LdBlock,
    image_layout,
    ld_blocks,
)
from postaudit.parse.content import CHROME_TAGS, Scope, author_cards, find_scope, is_chrome_box
from postaudit.parse.pagination import NO_PAGINATION, Pagination, find_pagination

if TYPE_CHECKING:
    from postaudit.model import LinkStatus

HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
#: Elements whose text is never prose.
NON_TEXT = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe"})
_WS = re.compile(r"\s+")
#: The authors' escape hatch: `data-postaudit-ignore="A104 R3"` on an element (and its
#: subtree), `<meta name="postaudit" content="ignore: R301">` for the whole page.
IGNORE_ATTR = "data-postaudit-ignore"
_IGNORE_RE = re.compile(IGNORE_ATTR, re.I)
_IGNORE_SPLIT = re.compile(r"[\s,]+")


def ignore_tokens(value: str) -> frozenset[str]:
    """Rule selectors (codes, prefixes, names) in an ignore value, space or comma
    separated; an empty value means every rule ("*")."""
    tokens = frozenset(t for t in _IGNORE_SPLIT.split(value.strip()) if t)
    return tokens or frozenset({"*"})


def clean(text: str | None) -> str:
    """Collapse whitespace (including NBSP) and strip."""
    if not text:
        return ""
    # str.split() splits on exactly the characters `\s` matches (NBSP included), and
    # costs a third of the regex substitution
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class Image:
    """An image-like element: <img>, <input type=image>, <area>, <svg role=img>, [role=img]."""

    kind: str  # "img" | "input" | "area" | "svg" | "role-img"
    src: str | None  # absolute URL from src, data-src, data-image or srcset; None if none
    alt: str | None  # the alt attribute as written (None when absent)
    aria_label: str | None
    labelledby_text: str | None  # text of the elements aria-labelledby points at
    title: str | None  # title attribute, or <title> child for svg
    role: str | None
    aria_hidden: bool  # hidden from AT: aria-hidden, hidden, display:none (or on an ancestor)
    focusable: bool  # tabindex >= 0 on the image itself (axe's presentation-role conflict)
    in_article: bool
    link_href: str | None  # href of the enclosing <a>, if any
    link_only_content: bool  # the enclosing link holds no text, only images (its name needs them)
    in_figure: bool
    caption: str | None  # the figure's <figcaption> text
    width: int | None  # width attribute, else Squarespace's data-image-dimensions
    height: int | None
    location: Location
    global_aria: bool = False  # has a global ARIA attribute (aria-label, aria-describedby, ...)
    link_name: str | None = None  # accessible name of the enclosing link ("" = none)
    #: visible text (image alts left out) of the closest a[href], button, p, li, td, th,
    #: h1-h6 or figcaption ancestor: what axe's image-redundant-alt compares the alt with
    context_text: str | None = None
    own_paragraph: bool = False  # the only content of its <p> (Markdown's `![](x.png)`)
    layout: ImageLayout | None = None  # size, style, loading, fetched URLs (img and input)


#: `<meta http-equiv="refresh" content="0; url='/new/'">`: the delay, then the URL.
_REFRESH = re.compile(
    r"""\s*(\d*(?:\.\d+)?)\s*[;,]?\s*(?:url\s*=\s*)?['"]?([^'"]*)['"]?\s*$""", re.I
)
#: A page with a meta refresh and fewer words than this is a redirect, not an article.
REDIRECT_MAX_WORDS = 50


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str  # visible text (img alts included)
    name: str  # accessible name: text, else aria-label / aria-labelledby / title
    in_article: bool
    location: Location
    tag: str = ""  # "h2" or "[role=heading]"
    after_article: bool = False  # after the article scope: pagination, related posts, comments
    #: inside a dialog (`<dialog open>`, role=dialog or alertdialog): it titles the
    #: dialog, not the page, so it is none of the page's h1s
    in_dialog: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    href: str  # as written
    url: str | None  # absolute (resolved against <base href> and the final URL); None if unusable
    text: str  # visible text, including alts of images inside
    aria_label: str | None
    title: str | None
    rel: frozenset[str]
    target: str | None
    in_article: bool
    hidden: bool
    lang: str | None  # nearest lang attribute
    location: Location
    classes: tuple[str, ...] = ()
    element_id: str | None = None
    labelledby_text: str | None = None  # text of the elements aria-labelledby points at
    #: name from content, as the accname recursion computes it, when the link has no
    #: visible text: for each element inside, its aria-labelledby, aria-label or image
    #: alt (an icon `<span aria-label="BY">` names the link)
    content_name: str = ""
    #: an empty comment-count placeholder the theme's script fills ("3 Comments"):
    #: Disqus `#disqus_thread` / `.disqus-comment-count` / `data-disqus-identifier`,
    #: Valine and Waline counters
    comment_counter: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    """A block of article prose in document order: heading, paragraph, list item, ..."""

    kind: str  # "heading" | "p" | "li" | "blockquote" | "pre" | "figcaption" | "td"
    text: str
    level: int  # heading level, else 0
    bold_only: bool  # the whole text sits in <strong>/<b> (a "fake heading" candidate)
    hidden: bool
    location: Location
    code_only: bool = False  # the whole text sits in <code>/<kbd>/<samp>/<tt> (marked as code)
    #: the first block of a callout box (`<div class="note">`, an admonition, an alert):
    #: the box's label, not a section title of the article
    box_title: bool = False


class LazyText:
    """A text worked out from the parse tree on first read, then kept (the tree is let
    go). `LazyText.of(text)` holds a known text."""

    __slots__ = ("_make", "_value")

    def __init__(self, make: Callable[[], str]) -> None:
        self._make: Callable[[], str] | None = make
        self._value: str | None = None

    @classmethod
    def of(cls, text: str) -> LazyText:
        known = cls(str)
        known._value, known._make = text, None
        return known

    @property
    def value(self) -> str:
        if self._value is None:
            assert self._make is not None
            self._value, self._make = self._make(), None
        return self._value

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyText.of, (self.value,))


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    final_url: str
    status: int | None
    headers: Mapping[str, str]
    lang: str | None
    titles: tuple[str, ...]  # every <title> in the document (text, cleaned)
    meta: Mapping[str, tuple[str, ...]]  # lower-cased meta name/property -> contents
    canonicals: tuple[str, ...]  # href values as written
    viewport: str | None
    base_href: str | None
    scope_preset: str
    scope_selector: str
    headings: tuple[Heading, ...]
    images: tuple[Image, ...]
    links: tuple[Link, ...]
    head_links: tuple[Link, ...]  # <link> elements in the document (rel, href)
    blocks: tuple[Block, ...]  # article prose blocks
    article_text: str
    json_ld: tuple[Any, ...]
    source_lines_known: bool
    landmarks: Mapping[str, Location] = field(
        default_factory=dict
    )  # html, head, title, description, ...
    encoding: str | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)
    pagination: Pagination = NO_PAGINATION  # previous/next post links (pagination.py)
    #: link phase results, keyed by `urls.link_key(url)`; empty when not checked
    link_status: Mapping[str, LinkStatus] = field(default_factory=dict)
    #: every <title>'s text as written (`titles` holds them cleaned): line breaks kept
    raw_titles: tuple[str, ...] = ()
    #: where the page is published, whose host is "the site" for internal links: the
    #: final URL when it is http(s); for a local file `--base-url`, else the canonical
    #: link, else og:url (absolute http(s), not a development host); else the final URL
    site_url: str = ""
    #: the `body_text`, worked out when first read (only keyword and place counts do)
    body: LazyText = field(default_factory=lambda: LazyText.of(""), compare=False, repr=False)
    #: what a fragment (`#x`) can scroll to: every element id and every `<a name>`
    #: in the document, as written (`fragment_targets`)
    anchors: frozenset[str] = frozenset()
    #: every ld+json block, valid or not, with source lines (`json_ld` holds the valid ones)
    ld_blocks: tuple[LdBlock, ...] = ()

    @property
    def body_text(self) -> str:
        """Visible text of the whole <body>, chrome included, one line per block: no
        image alts, no hidden elements, no scripts (where a reader sees a keyword)."""
        return self.body.value

    @property
    def title(self) -> str | None:
        return self.titles[0] if self.titles else None

    @property
    def refresh(self) -> tuple[float, str] | None:
        """The first `<meta http-equiv="refresh">` that names a URL: (delay in
        seconds, the URL as written), else None (a bare reload)."""
        for value in self.meta.get("refresh", ()):
            m = _REFRESH.match(value)
            if m and m.group(2).strip():
                return float(m.group(1) or 0), m.group(2).strip()
        return None

    @property
    def redirect_to(self) -> str | None:
        """Where a redirect page sends the reader: a meta refresh with a URL on a page
        with next to no text (under 50 words: "You are being redirected to ..."),
        resolved against where the page is published. Such a page is a redirect, not
        an article."""
        refresh = self.refresh
        if refresh is None or self.word_count >= REDIRECT_MAX_WORDS:
            return None
        return urljoin(self.site_url or self.final_url, refresh[1])

    @property
    def meta_description(self) -> str | None:
        values = self.meta.get("description")
        return values[0] if values else None

    @property
    def ignored(self) -> frozenset[str]:
        """Rule selectors the page switches off for itself:
        `<meta name="postaudit" content="ignore: R301, A1">` ("*" = every rule)."""
        out: set[str] = set()
        for value in self.meta.get("postaudit", ()):
            for directive in value.split(";"):
                name, _, rest = directive.partition(":")
                if name.strip().lower() == "ignore":
                    out |= ignore_tokens(rest)
        return frozenset(out)

    @property
    def robots(self) -> tuple[str, ...]:
        """Robots directives from <meta name=robots|googlebot> and X-Robots-Tag, lower-cased."""
        out: list[str] = []
        for name in ("robots", "googlebot"):
            for value in self.meta.get(name, ()):
                out.extend(d.strip().lower() for d in value.split(",") if d.strip())
        header = self.headers.get("x-robots-tag")
        if header:
            for part in header.split(","):
                part = part.strip().lower()
                # "googlebot: noindex" carries a user-agent prefix
                if ":" in part and not part.startswith("unavailable_after"):
                    part = part.split(":", 1)[1].strip()
                if part:
                    out.append(part)
        return tuple(out)

    def locate(self, key: str) -> Location:
        """Location of a document-level element ("title", "description", "canonical",
        "viewport", "robots", "html", "head", "og:description" and the other
        `SOCIAL_META`), falling back to <head>, then nowhere."""
        return self.landmarks.get(key) or self.landmarks.get("head") or Location(selector="head")

    @property
    def h1s(self) -> tuple[Heading, ...]:
        """The page's level-one headings; a dialog's title (a search modal's "Search")
        is not one of them."""
        return tuple(h for h in self.headings if h.level == 1 and not h.in_dialog)

    @property
    def word_count(self) -> int:
        """Words of the article's text, Chinese and Japanese included (`wordcount`)."""
        return word_count(self.article_text)


# --------------------------------------------------------------------------- source lines

#: Comments, raw-text elements and CDATA sections, where a `<tag` is no tag. The lazy
#: `.*?` of the plain form is unrolled (runs of `[^-]`, `[^<]` or `[^]]`, a check only
#: at `-`, `<` or `]`): the same matches, about 2.5x faster on script-heavy pages.
_SKIP_RE = re.compile(
    r"<!--[^-]*(?:-(?!->)[^-]*)*-->"
    r"|<(script|style|textarea|title)\b[^>]*>[^<]*(?:<(?!/\1\s*>)[^<]*)*</\1\s*>"
    r"|<!\[CDATA\[[^\]]*(?:\](?!\]>)[^\]]*)*\]\]>",
    re.I,
)
_TAG_RE = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b")


class TagIndex:
    """Every element of the document in order, and by tag name: one walk of the tree,
    shared by every extractor (bs4's `find_all` walks the whole tree on each call)."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.all: list[Tag] = [el for el in soup.descendants if isinstance(el, Tag)]
        self.by_name: dict[str, list[Tag]] = {}
        #: image-like elements in document order (`_is_image_candidate`)
        self.image_like: list[Tag] = []
        for el in self.all:
            self.by_name.setdefault(el.name, []).append(el)
            if el.name in _IMAGE_NAMES or ("role" in el.attrs and _is_image_candidate(el)):
                self.image_like.append(el)

    def named(self, name: str) -> list[Tag]:
        return self.by_name.get(name, [])

    def first(self, name: str, where: Callable[[Tag], bool] | None = None) -> Tag | None:
        return next((t for t in self.named(name) if where is None or where(t)), None)


class SourceLines:
    """Line numbers of start tags, by tag name and order of appearance."""

    def __init__(self, html: str, names: Iterable[str]) -> None:
        wanted = {n.lower() for n in names}
        self._by_name: dict[str, list[int]] = {n: [] for n in wanted}
        pos = 0
        line = 1
        old_mac = "\r" in html  # lone CR ends a line too (HTML and editors agree)
        for m in _iter_tags(html):
            name = m[0].lower()
            if name in wanted:
                line += html.count("\n", pos, m[1])
                if old_mac:
                    line += html.count("\r", pos, m[1]) - html.count("\r\n", pos, m[1])
                pos = m[1]
                self._by_name[name].append(line)
        self._index: dict[str, dict[int, int]] = {}

    def bind(self, index: TagIndex) -> None:
        for name, lines in self._by_name.items():
            tags = index.named(name)
            if len(tags) == len(lines):
                self._index[name] = {id(t): ln for t, ln in zip(tags, lines, strict=True)}

    def line(self, tag: Tag) -> int | None:
        return self._index.get(tag.name, {}).get(id(tag))

    @property
    def known(self) -> bool:
        return bool(self._index)


def _iter_tags(html: str) -> Iterable[tuple[str, int]]:
    pos = 0
    for skip in _SKIP_RE.finditer(html):
        for m in _TAG_RE.finditer(html, pos, skip.start()):
            yield m.group(1), m.start()
        # the opening tag of a skipped element (script/style/title) still counts
        opener = _TAG_RE.match(html, skip.start())
        if opener:
            yield opener.group(1), skip.start()
        pos = skip.end()
    for m in _TAG_RE.finditer(html, pos):
        yield m.group(1), m.start()


# --------------------------------------------------------------------------- locations


def css_selector(tag: Tag) -> str:
    """A short selector: `#id` when the element has one (axe-core), else a path of
    `tag:nth-of-type(n)` steps up to the nearest ancestor with an id, or to body."""
    steps: list[str] = []
    node: Tag | None = tag
    while node is not None and node.name not in ("[document]", "html"):
        el_id = node.get("id")
        if isinstance(el_id, str) and el_id.strip() and " " not in el_id.strip():
            steps.append(f"{node.name}#{_css_ident(el_id.strip())}")
            break
        if node.name == "body":
            steps.append("body")
            break
        parent = node.parent
        step = node.name
        if isinstance(parent, Tag):
            same = [c for c in parent.children if isinstance(c, Tag) and c.name == node.name]
            if len(same) > 1:
                step += f":nth-of-type({next(i for i, c in enumerate(same, 1) if c is node)})"
        steps.append(step)
        node = parent if isinstance(parent, Tag) else None
    return " > ".join(reversed(steps))


def _own_id_step(tag: Tag) -> str | None:
    el_id = tag.get("id")
    if isinstance(el_id, str) and el_id.strip() and " " not in el_id.strip():
        return f"{tag.name}#{_css_ident(el_id.strip())}"
    return None


def _head_step(tag: Tag) -> str | None:
    """`meta[name="description"]`, `link[rel="canonical"]`: readable and unique in practice."""
    if tag.name == "meta":
        for key in ("name", "property", "http-equiv"):
            value = attr(tag, key)
            if value and '"' not in value:
                return f'meta[{key}="{value}"]'
    if tag.name == "link":
        rel = attr(tag, "rel")
        if (
            rel
            and '"' not in rel
            and rel.lower() in ("canonical", "prev", "next", "manifest", "icon")
        ):
            return f'link[rel="{rel}"]'
    return None


def _css_ident(value: str) -> str:
    if re.fullmatch(r"-?[_a-zA-Z][_a-zA-Z0-9-]*", value):
        return value
    return "".join(c if c.isalnum() or c in "-_" else f"\\{c}" for c in value)


def excerpt(tag: Tag, limit: int = 160) -> str:
    """The element's opening tag, and its text when short, cut to `limit` characters."""
    attrs = []
    for key, value in tag.attrs.items():
        if isinstance(value, list):
            value = " ".join(value)
        value = clean(str(value))
        if len(value) > 80:
            value = value[:77] + "..."
        attrs.append(f'{key}="{value}"' if value else key)
    opening = f"<{tag.name}{' ' if attrs else ''}{' '.join(attrs)}>"
    if tag.name in ("img", "input", "area", "br", "hr", "meta", "link"):
        out = opening
    else:
        text = clean(_leading_text(tag, 80))
        if len(text) > 60:
            text = text[:57] + "..."
        out = f"{opening}{text}</{tag.name}>"
    return out if len(out) <= limit else out[: limit - 3] + "..."


def _leading_text(tag: Tag, enough: int) -> str:
    """The start of the element's text: stops reading once `enough` characters are in
    (an excerpt of a large container must not cost a walk of all its text)."""
    parts: list[str] = []
    size = 0
    for piece in tag.strings:
        parts.append(piece)
        size += len(piece)
        if size >= enough:
            break
    return " ".join(parts)


# --------------------------------------------------------------------------- parsing


#: An http(s) URL with a host, or a root-relative one: `urljoin(base, href)` then
#: depends only on the base's scheme and host, so it is kept across the pages of a run
#: (bounded): menus and footers repeat the same links on every page.
_SHARED_HREF = re.compile(r"/|https?://[^/?#\\\s]")
_SHARED_URLS: dict[tuple[tuple[str, str] | None, str], str | None] = {}
_SHARED_URLS_LIMIT = 50_000
_UNSEEN = object()


def url_origin(url: str) -> tuple[str, str] | None:
    """(scheme, netloc) of `url`, or None when it does not parse."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return parts.scheme, parts.netloc


def resolve_href(base: str, href: str, origin: tuple[str, str] | None = None) -> str | None:
    """`urljoin(base, href)` of the stripped href; None when empty or unusable.

    `origin` is `url_origin(base)`; when given, results for absolute http(s) and
    root-relative hrefs (which depend on nothing else of the base) are kept across
    calls, so a site's menu links are joined once per run, not once per page."""
    href = href.strip()
    if not href:
        return None
    shared = origin is not None and _SHARED_HREF.match(href) is not None
    if shared:
        found = _SHARED_URLS.get((origin, href), _UNSEEN)
        if found is not _UNSEEN:
            return found  # type: ignore[return-value]
    try:
        url: str | None = urljoin(base, href)
    except ValueError:
        url = None
    if shared:
        if len(_SHARED_URLS) >= _SHARED_URLS_LIMIT:
            _SHARED_URLS.clear()
        _SHARED_URLS[(origin, href)] = url
    return url


class _Builder:
    """Holds the per-parse state (source lines, scope, resolved base URL)."""

    def __init__(
        self, soup: BeautifulSoup, lines: SourceLines, scope: Scope, base: str, index: TagIndex
    ) -> None:
        self.soup = soup
        self.index = index
        self.lines = lines
        self.scope = scope
        self.base = base
        self.origin = url_origin(base)
        self._scope_ids = {id(t) for t in scope.element.descendants if isinstance(t, Tag)}
        self._scope_ids.add(id(scope.element))
        self._id_index: dict[str, Tag] | None = None
        self._selectors: dict[int, str] = {}
        self._nth: dict[int, dict[int, str]] = {}
        self._hidden: dict[int, bool] = {}
        self._lang: dict[int, str | None] = {}
        self.suppression = False  # set when the document holds data-postaudit-ignore
        self._suppressed: dict[int, frozenset[str]] = {}
        self._locs: dict[int, Location] = {}
        self._texts: dict[int, str] = {}
        self._urls: dict[str, str | None] = {}
        #: element id -> (inside hard chrome, inside a <header>), below the scope root
        self._chrome: dict[int, tuple[bool, bool]] = {}
        self._author_cards = author_cards(scope.element, index.named("a"), self._scope_ids)

    def loc(self, tag: Tag) -> Location:
        """The element's location, memoised (links are located again by pagination)."""
        key = id(tag)
        found = self._locs.get(key)
        if found is None:
            suppressed = self.suppressed(tag) if self.suppression else frozenset()
            found = Location(self.selector(tag), self.lines.line(tag), excerpt(tag), suppressed)
            self._locs[key] = found
        return found

    def lazy_loc(self, tag: Tag) -> Location:
        """`loc(tag)` worked out when first read (most links and prose blocks are
        never reported)."""
        return LazyLocation(lambda: self.loc(tag))

    def text(self, tag: Tag) -> str:
        """`visible_text`, memoised (pagination reads the links' text again)."""
        key = id(tag)
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = visible_text(tag)
        return found

    def suppressed(self, tag: Tag) -> frozenset[str]:
        """Ignore selectors from `data-postaudit-ignore` on `tag` and its ancestors."""
        chain: list[Tag] = []
        node: Tag | None = tag
        inherited: frozenset[str] = frozenset()
        while node is not None:
            cached = self._suppressed.get(id(node))
            if cached is not None:
                inherited = cached
                break
            chain.append(node)
            node = node.parent if isinstance(node.parent, Tag) else None
        for el in reversed(chain):
            own = attr(el, IGNORE_ATTR)
            if own is not None:
                inherited = inherited | ignore_tokens(own)
            self._suppressed[id(el)] = inherited
        return inherited

    def selector(self, tag: Tag) -> str:
        """`css_selector`, memoised per element so shared ancestors are walked once."""
        key = id(tag)
        cached = self._selectors.get(key)
        if cached is not None:
            return cached
        own = _own_id_step(tag) or _head_step(tag)
        if own is not None:
            result = own
        elif (
            tag.name == "body"
            or not isinstance(tag.parent, Tag)
            or tag.parent.name in ("[document]", "html")
        ):
            result = tag.name
        else:
            result = f"{self.selector(tag.parent)} > {self._step(tag)}"
        self._selectors[key] = result
        return result

    def _step(self, tag: Tag) -> str:
        parent = tag.parent
        assert isinstance(parent, Tag)
        steps = self._nth.get(id(parent))
        if steps is None:
            counts: dict[str, int] = {}
            kids = [c for c in parent.children if isinstance(c, Tag)]
            for c in kids:
                counts[c.name] = counts.get(c.name, 0) + 1
            seen: dict[str, int] = {}
            steps = {}
            for c in kids:
                seen[c.name] = seen.get(c.name, 0) + 1
                steps[id(c)] = (
                    c.name if counts[c.name] == 1 else f"{c.name}:nth-of-type({seen[c.name]})"
                )
            self._nth[id(parent)] = steps
        return steps[id(tag)]

    def in_article(self, tag: Tag, *, heading: bool = False) -> bool:
        """Inside the article scope and not theme chrome (`content` says what chrome is,
        by structure, the same for every preset). A heading inside an article <header>
        is the article's (its h1); other <header> content is chrome."""
        if id(tag) not in self._scope_ids:
            return False
        hard, header = self._chrome_or_in(tag)
        if hard:
            return False
        return not header or (heading and not self.scope.chrome_excluded)

    def is_chrome(self, tag: Tag) -> bool:
        """The element itself (not its ancestors) is theme chrome."""
        return (
            tag.name in CHROME_TAGS
            or id(tag) in self._author_cards
            or (tag.name == "header" and self.scope.chrome_excluded)
            or is_chrome_box(tag)
        )

    def _chrome_or_in(self, tag: Tag) -> tuple[bool, bool]:
        """(the element is chrome or inside chrome, it is inside a <header>), counting
        only elements below the scope root (memoised)."""
        root = self.scope.element
        chain: list[Tag] = []
        node: Tag | None = tag
        result = (False, False)
        while node is not None and node is not root:
            cached = self._chrome.get(id(node))
            if cached is not None:
                result = cached
                break
            chain.append(node)
            parent = node.parent
            node = parent if isinstance(parent, Tag) else None
        for el in reversed(chain):
            hard, header = result
            result = (hard or self.is_chrome(el), header or el.name == "header")
            self._chrome[id(el)] = result
        return result

    def resolve(self, href: str | None) -> str | None:
        if href is None:
            return None
        if href in self._urls:  # a page repeats its hrefs (menus, pagination, footers)
            return self._urls[href]
        url = self._resolve(href)
        self._urls[href] = url
        return url

    def _resolve(self, href: str) -> str | None:
        return resolve_href(self.base, href, self.origin)

    def hidden(self, tag: Tag) -> bool:
        """The element or an ancestor is hidden (memoised per element)."""
        key = id(tag)
        found = self._hidden.get(key)
        if found is None:
            parent = tag.parent
            found = is_hidden(tag) or (isinstance(parent, Tag) and self.hidden(parent))
            self._hidden[key] = found
        return found

    def lang_of(self, tag: Tag) -> str | None:
        """The nearest `lang` attribute on the element or an ancestor (memoised)."""
        key = id(tag)
        if key in self._lang:
            return self._lang[key]
        own = attr(tag, "lang")
        parent = tag.parent
        value = (
            own.strip() or None
            if own is not None
            else (self.lang_of(parent) if isinstance(parent, Tag) else None)
        )
        self._lang[key] = value
        return value

    def by_id(self, element_id: str) -> Tag | None:
        if self._id_index is None:
            self._id_index = {}
            for t in self.index.all:
                key = t.get("id")
                if isinstance(key, str):
                    self._id_index.setdefault(key, t)
        return self._id_index.get(element_id)

    def labelledby(self, tag: Tag) -> str | None:
        ids = attr(tag, "aria-labelledby")
        if not ids:
            return None
        parts = [clean(t.get_text(" ")) for i in ids.split() if (t := self.by_id(i)) is not None]
        text = " ".join(p for p in parts if p)
        return text or None


def attr(tag: Tag, name: str) -> str | None:
    """An attribute as one string (multi-valued attributes joined by spaces)."""
    value = tag.attrs.get(name)  # what `tag.get` returns, without its extra call
    if value is None:
        return None
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


def visible_text(tag: Tag) -> str:
    """Text a sighted reader sees, with the alt of images inside (as browsers expose it)."""
    parts: list[str] = []
    _collect_text(tag, parts)
    return clean(" ".join(parts))


def reader_text(tag: Tag) -> str:
    """Text a sighted reader sees as text: no image alts, no svg titles, nothing hidden;
    one line per block (paragraph, heading, list item, cell, ...), so that text from
    two blocks never reads as one sentence."""
    parts: list[str] = []
    _collect_reader_text(tag, parts)
    lines = (clean(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _collect_reader_text(tag: Tag, parts: list[str]) -> None:
    for child in tag.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, Comment):
                parts.append(str(child).replace("\n", " "))
        elif isinstance(child, Tag) and child.name not in NON_TEXT and not is_hidden(child):
            if child.name == "br":
                parts.append("\n")
            elif child.name in _BLOCK_LEVEL:
                parts.append("\n")
                _collect_reader_text(child, parts)
                parts.append("\n")
            else:
                _collect_reader_text(child, parts)


def _collect_text(tag: Tag, parts: list[str]) -> None:
    for child in tag.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            parts.append(str(child))
        elif isinstance(child, Tag):
            if child.name in NON_TEXT or is_hidden(child):
                if child.name == "svg" and not is_hidden(child):
                    title = first_named(child, "title")
                    if title is not None:
                        parts.append(title.get_text(" "))
                continue
            if child.name == "img":
                alt = attr(child, "alt")
                if alt:
                    parts.append(f" {alt} ")
                continue
            _collect_text(child, parts)


def is_hidden(tag: Tag) -> bool:
    """Not rendered: `hidden`, aria-hidden, display:none / visibility:hidden inline, or
    a `<dialog>` without `open` (a closed dialog is not rendered until a script opens it)."""
    if tag.attrs.get("hidden") is not None or attr(tag, "aria-hidden") == "true":
        return True
    if tag.name == "dialog" and tag.attrs.get("open") is None:
        return True
    style = attr(tag, "style")
    if style:
        s = style.replace(" ", "").lower()
        return "display:none" in s or "visibility:hidden" in s
    return False


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    m = re.match(r"\s*(\d+)", value)
    return int(m.group(1)) if m else None


#: Lazy-loading attributes first: loaders keep the real image there and a placeholder in src.
_SRC_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-image", "src")


def _image_src(tag: Tag) -> str | None:
    for name in _SRC_ATTRS:
        value = attr(tag, name)
        if value and value.strip() and not value.strip().startswith("data:"):
            return value.strip()
    srcset = attr(tag, "srcset") or attr(tag, "data-srcset")
    if srcset and srcset.strip():
        return srcset.strip().split(",")[0].strip().split(" ")[0]
    if isinstance(tag.parent, Tag) and tag.parent.name == "picture":
        source = tag.parent.find("source")
        if isinstance(source, Tag):
            srcset = attr(source, "srcset")
            if srcset:
                return srcset.strip().split(",")[0].strip().split(" ")[0]
    value = attr(tag, "src")
    return value.strip() if value and value.strip() else None


def _enclosing(tag: Tag, name: str) -> Tag | None:
    for parent in tag.parents:
        if isinstance(parent, Tag) and parent.name == name:
            return parent
    return None


#: Global ARIA attributes (WAI-ARIA 1.2): any of them on an image with
#: role="presentation"/"none" makes browsers ignore that role (axe presentation-role-conflict).
_GLOBAL_ARIA = frozenset(
    {
        "aria-atomic",
        "aria-braillelabel",
        "aria-brailleroledescription",
        "aria-busy",
        "aria-controls",
        "aria-current",
        "aria-describedby",
        "aria-description",
        "aria-details",
        "aria-dropeffect",
        "aria-flowto",
        "aria-grabbed",
        "aria-haspopup",
        "aria-invalid",
        "aria-keyshortcuts",
        "aria-label",
        "aria-labelledby",
        "aria-live",
        "aria-owns",
        "aria-relevant",
        "aria-roledescription",
    }
)
_IMAGE_ROLES = ("img", "graphics-document", "graphics-symbol")
#: Ancestors whose visible text an image's alt should not repeat (axe's
#: image-redundant-alt list, plus headings and captions).
_CONTEXT_TAGS = frozenset({"a", "button", "p", "li", "td", "th", "figcaption", *HEADING_TAGS})
_CONTEXT_LIMIT = 400  # longer context text can never equal an alt; stop collecting there


_IMAGE_NAMES = frozenset({"img", "input", "area", "svg"})


def _is_image_candidate(tag: Tag) -> bool:
    if tag.name in _IMAGE_NAMES:
        return True
    role = tag.get("role")
    return isinstance(role, str) and role.strip().lower() == "img"


def _hidden_from_at(tag: Tag) -> bool:
    """aria-hidden, `hidden` or display:none on the element or an ancestor, or inside
    <noscript>/<template> (never rendered when scripts run)."""
    if is_hidden(tag):
        return True
    return any(
        is_hidden(p) or p.name in ("noscript", "template")
        for p in tag.parents
        if isinstance(p, Tag)
    )


def first_named(tag: Tag, name: str) -> Tag | None:
    """`tag.find(name)` without building a bs4 filter: the first descendant so named."""
    return next((d for d in tag.descendants if isinstance(d, Tag) and d.name == name), None)


def strings_in(tag: Tag) -> Iterator[NavigableString]:
    """`tag.find_all(string=True)` without building a bs4 filter: every string below."""
    return (d for d in tag.descendants if isinstance(d, NavigableString))


def _text_without_alts(tag: Tag, limit: int = _CONTEXT_LIMIT) -> str | None:
    """The element's text (no image alts, no script/style), or None when over `limit`."""
    parts: list[str] = []
    total = 0
    for s in strings_in(tag):
        if isinstance(s, Comment) or (isinstance(s.parent, Tag) and s.parent.name in NON_TEXT):
            continue
        parts.append(str(s))
        total += len(s)
        if total > limit * 2:
            return None
    text = clean(" ".join(parts))
    return text if len(text) <= limit else None


def _image_name(b: _Builder, tag: Tag) -> str:
    """An image-like element's own name, as the accessible-name computation takes it."""
    named = (b.labelledby(tag) or "") or clean(attr(tag, "aria-label"))
    if named:
        return named
    if tag.name == "svg":
        t = first_named(tag, "title")
        return clean(t.get_text()) if t is not None else clean(attr(tag, "title"))
    if tag.name in ("img", "area", "input"):
        return clean(attr(tag, "alt")) or clean(attr(tag, "title"))
    return clean(attr(tag, "title"))


def _content_name(b: _Builder, tag: Tag) -> list[str]:
    """Name from content, as the accessible-name computation recurses (accname 2F):
    text, and for each element inside its own aria-labelledby or aria-label (an icon
    `<span aria-label="...">`), else an image's alt, else its content."""
    parts: list[str] = []
    for child in tag.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            parts.append(str(child))
        elif isinstance(child, Tag) and not is_hidden(child):
            own = (b.labelledby(child) or "") or clean(attr(child, "aria-label"))
            if own:
                parts.append(f" {own} ")
            elif _is_image_candidate(child):
                parts.append(f" {_image_name(b, child)} ")
            elif child.name not in NON_TEXT:
                parts.extend(_content_name(b, child))
    return parts


def _dimensions(tag: Tag) -> tuple[int | None, int | None]:
    width, height = _int(attr(tag, "width")), _int(attr(tag, "height"))
    dims = attr(tag, "data-image-dimensions")  # Squarespace: "1500x1000"
    m = re.fullmatch(r"\s*(\d+)\s*x\s*(\d+)\s*", dims or "")
    if m:
        width = width if width is not None else int(m.group(1))
        height = height if height is not None else int(m.group(2))
    return width, height


def _images(b: _Builder) -> list[Image]:
    out: list[Image] = []
    for tag in b.index.image_like:
        name = tag.name
        role = (attr(tag, "role") or "").strip().lower() or None
        if name == "input" and (attr(tag, "type") or "").strip().lower() != "image":
            continue
        if name == "area" and attr(tag, "href") is None:
            continue
        if name == "svg" and role not in _IMAGE_ROLES:
            continue
        if any(p.name in ("noscript", "template") for p in tag.parents if isinstance(p, Tag)):
            continue  # lazy-loading themes repeat each image in <noscript>: count it once
        kind = {"img": "img", "input": "input", "area": "area", "svg": "svg"}.get(name, "role-img")
        title = attr(tag, "title")
        if name == "svg":
            t = first_named(tag, "title")
            if t is not None and clean(t.get_text()):
                title = clean(t.get_text())
        link: Tag | None = None
        context: Tag | None = None
        block: Tag | None = None
        figure: Tag | None = None
        for parent in tag.parents:
            if not isinstance(parent, Tag):
                continue
            pname = parent.name
            if link is None and pname == "a" and parent.get("href") is not None:
                link = parent
            if (
                context is None
                and (pname in _CONTEXT_TAGS or attr(parent, "role") == "button")
                and (pname != "a" or parent.get("href") is not None)
            ):
                context = parent
            if block is None and pname in _BLOCK_LEVEL:
                block = parent
            if figure is None and pname == "figure":
                figure = parent
        link_only = False
        link_name: str | None = None
        if link is not None:
            link_only = not any(
                s.strip()
                for s in strings_in(link)
                if not isinstance(s, Comment)
                and not (isinstance(s.parent, Tag) and s.parent.name in NON_TEXT)
            )
            link_name = (
                (b.labelledby(link) or "")
                or clean(attr(link, "aria-label"))
                or clean(" ".join(_content_name(b, link)))
                or clean(attr(link, "title"))
            )
        caption = None
        if figure is not None:
            fc = first_named(figure, "figcaption")
            if fc is not None:
                caption = clean(fc.get_text(" ")) or None
        own_paragraph = (
            block is not None
            and block.name == "p"
            and sum(1 for d in block.descendants if isinstance(d, Tag) and d.name == "img") == 1
            and not _text_without_alts(block)
        )
        tabindex = _int(attr(tag, "tabindex"))
        width, height = _dimensions(tag)
        out.append(
            Image(
                kind=kind,
                src=b.resolve(_image_src(tag))
                if kind in ("img", "input")
                else b.resolve(attr(tag, "href")),
                alt=attr(tag, "alt"),
                aria_label=attr(tag, "aria-label"),
                labelledby_text=b.labelledby(tag),
                title=title,
                role=role,
                aria_hidden=_hidden_from_at(tag),
                focusable=tabindex is not None and tabindex >= 0,
                in_article=b.in_article(tag),
                link_href=attr(link, "href") if link is not None else None,
                link_only_content=link_only,
                in_figure=figure is not None,
                caption=caption,
                width=width,
                height=height,
                location=b.loc(tag),
                global_aria=any(a in _GLOBAL_ARIA for a in tag.attrs),
                link_name=link_name,
                context_text=_text_without_alts(context) if context is not None else None,
                own_paragraph=own_paragraph,
                layout=image_layout(tag, b.resolve) if kind in ("img", "input") else None,
            )
        )
    return out


def _is_heading_like(tag: Tag) -> bool:
    return tag.name in HEADING_TAGS or attr(tag, "role") == "heading"


class _AfterScope:
    """Whether an element comes after the article scope in document order, by comparing
    branches under their common ancestor (cheaper than walking everything after it)."""

    def __init__(self, root: Tag) -> None:
        self.root = root
        self.branch: dict[int, Tag] = {}  # ancestor id -> its child on the path to root
        child = root
        for parent in root.parents:
            if isinstance(parent, Tag):
                self.branch[id(parent)] = child
                child = parent

    def __call__(self, tag: Tag) -> bool:
        if self.root.name == "body":
            return False
        child = tag
        for parent in tag.parents:
            if not isinstance(parent, Tag):
                break
            towards_root = self.branch.get(id(parent))
            if towards_root is not None:
                if towards_root is child:
                    return False  # inside the scope
                return bool(parent.index(child) > parent.index(towards_root))
            child = parent
        return False


_DIALOG_ROLES = frozenset({"dialog", "alertdialog"})


def _in_dialog(tag: Tag) -> bool:
    """Inside a `<dialog>` or an element with role=dialog / alertdialog."""
    return any(
        p.name == "dialog" or (attr(p, "role") or "").strip().lower() in _DIALOG_ROLES
        for p in tag.parents
        if isinstance(p, Tag)
    )


def _headings(b: _Builder) -> list[Heading]:
    out: list[Heading] = []
    after = _AfterScope(b.scope.element)
    for tag in filter(_is_heading_like, b.index.all):
        if not isinstance(tag, Tag):
            continue
        role = attr(tag, "role")
        if tag.name in HEADING_TAGS:
            if role and role.strip().lower() in ("presentation", "none"):
                continue
            level = int(tag.name[1])
            tag_label = tag.name
        elif role and role.strip().lower() == "heading":
            level = 2
            tag_label = "[role=heading]"
        else:
            continue
        aria_level = _int(attr(tag, "aria-level"))
        if aria_level and 1 <= aria_level <= 9:
            level = min(aria_level, 6)
        if _hidden_from_at(tag):  # axe leaves hidden headings out (a hidden ancestor too)
            continue
        text = b.text(tag)
        name = (
            text
            or clean(attr(tag, "aria-label"))
            or (b.labelledby(tag) or "")
            or clean(attr(tag, "title"))
        )
        out.append(
            Heading(
                level,
                text,
                name,
                b.in_article(tag, heading=True),
                b.loc(tag),
                tag_label,
                after_article=after(tag),
                in_dialog=_in_dialog(tag),
            )
        )
    return out


def _links(b: _Builder, page_lang: str | None) -> list[Link]:
    out: list[Link] = []
    for tag in b.index.named("a"):
        href = attr(tag, "href")
        if href is None:
            continue
        lang = b.lang_of(tag) or page_lang
        hidden = b.hidden(tag)
        el_id = attr(tag, "id")
        text = b.text(tag)
        out.append(
            Link(
                href=href,
                url=b.resolve(href),
                text=text,
                aria_label=attr(tag, "aria-label"),
                title=attr(tag, "title"),
                rel=frozenset((attr(tag, "rel") or "").lower().split()),
                target=attr(tag, "target"),
                in_article=b.in_article(tag),
                hidden=hidden,
                lang=lang,
                location=b.lazy_loc(tag),
                classes=tuple(tag.get_attribute_list("class") or ()),
                element_id=el_id,
                labelledby_text=b.labelledby(tag),
                content_name="" if text else clean(" ".join(_content_name(b, tag))),
                comment_counter=not text and _is_comment_counter(tag),
            )
        )
    return out


#: Classes of the elements comment systems fill with a count (Disqus count.js,
#: Valine, Waline), on the link or on an element inside it.
_COUNTER_CLASSES = frozenset(
    {"disqus-comment-count", "valine-comment-count", "waline-comment-count"}
)


def _is_comment_counter(tag: Tag) -> bool:
    """A link the comment system's script fills with a count: Disqus marks it by its
    `#disqus_thread` fragment, a class or `data-disqus-identifier`; Valine and Waline
    by a counter class on the link or an element inside it."""
    href = attr(tag, "href") or ""
    if href.strip().endswith("#disqus_thread") or attr(tag, "data-disqus-identifier"):
        return True
    for el in (tag, *(d for d in tag.descendants if isinstance(d, Tag))):
        if _COUNTER_CLASSES.intersection(el.get_attribute_list("class") or ()):
            return True
    return False


def _head_links(b: _Builder) -> list[Link]:
    out: list[Link] = []
    for tag in b.index.named("link"):
        href = attr(tag, "href")
        if href is None:
            continue
        out.append(
            Link(
                href=href,
                url=b.resolve(href),
                text="",
                aria_label=None,
                title=attr(tag, "title"),
                rel=frozenset((attr(tag, "rel") or "").lower().split()),
                target=None,
                in_article=False,
                hidden=True,
                lang=attr(tag, "hreflang"),
                location=b.loc(tag),
            )
        )
    return out


#: Block-level elements: text directly inside one of these forms a prose block.
_BLOCK_LEVEL = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "li",
        "ul",
        "ol",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "td",
        "th",
        "tr",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "dd",
        "dt",
        "dl",
        "header",
        "footer",
        "nav",
        "aside",
        "form",
        "hr",
        "address",
        "details",
        "summary",
        "center",
        "body",
        "picture",
        "video",
        "audio",
        "fieldset",
        *HEADING_TAGS,
    }
)
#: Never article prose, even inside the article scope.
_NOT_PROSE = frozenset({"nav", "aside", "footer", "form", "button", "select", "label", *NON_TEXT})
_BLOCK_KIND = {
    "td": "td",
    "th": "td",
    "dd": "dd",
    "dt": "dd",
    "p": "p",
    "li": "li",
    "blockquote": "blockquote",
    "pre": "pre",
    "figcaption": "figcaption",
}


#: Containers whose kind the text inside keeps, however deeply nested: a <p> in a
#: <figcaption> is a caption, a <div> in a <pre> is code, a <p> in an <li> a list item.
#: Captions and code stay what they are even when they hold lists or quotes.
_CONTAINER_KIND = {
    "figcaption": "figcaption",
    "pre": "pre",
    "li": "li",
    "td": "td",
    "th": "td",
    "blockquote": "blockquote",
    "dd": "dd",
    "dt": "dd",
}


def _blocks(b: _Builder) -> list[Block]:
    out: list[Block] = []
    root = b.scope.element
    _walk_blocks(b, root, is_hidden(root), False, out)
    return out


def _walk_blocks(
    b: _Builder,
    el: Tag,
    hidden: bool,
    in_header: bool,
    out: list[Block],
    container: str | None = None,
) -> None:
    runs: list[tuple[str, bool, bool]] = []  # (text, bold, inside inline code)

    def flush() -> None:
        text = clean("".join(t for t, _, _ in runs))
        if text:
            level = int(el.name[1]) if el.name in HEADING_TAGS else 0
            if not (in_header and not level):
                kind = "heading" if level else container or _BLOCK_KIND.get(el.name, "div")
                bold = kind == "p" and all(bold for t, bold, _ in runs if t.strip())
                code = kind != "heading" and all(code for t, _, code in runs if t.strip())
                out.append(Block(kind, text, level, bold, hidden, b.lazy_loc(el), code))
        runs.clear()

    for child in el.children:
        if isinstance(child, Tag):
            name = child.name
            if name in _NOT_PROSE or b.is_chrome(child):
                continue
            if name == "br":
                runs.append((" ", False, False))
            elif name in _BLOCK_LEVEL:
                flush()
                child_hidden = hidden or is_hidden(child)
                inner = (
                    container
                    if container in ("figcaption", "pre")
                    else _CONTAINER_KIND.get(name, container)
                )
                start = len(out)
                _walk_blocks(b, child, child_hidden, in_header or name == "header", out, inner)
                if len(out) > start and _is_callout(child):
                    out[start] = replace(out[start], box_title=True)
            elif name != "img" and not is_hidden(child):
                _inline_runs(child, _is_bold(child), runs, name in _CODE_TAGS)
        elif isinstance(child, NavigableString) and not isinstance(child, Comment):
            runs.append((str(child), False, False))
    flush()


#: Class names of callout boxes (Hexo's `note`, admonitions, Bootstrap and GitHub alerts).
_CALLOUT_CLASSES = frozenset(
    {"note", "notice", "admonition", "callout", "alert", "markdown-alert", "tip", "hint"}
)


def _is_callout(tag: Tag) -> bool:
    """A callout box: `<aside>`, or an element with a callout class."""
    if tag.name == "aside":
        return True
    classes = {c.lower() for c in tag.get_attribute_list("class") or () if c}
    return bool(classes & _CALLOUT_CLASSES)


_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)\b", re.I)


def _is_bold(tag: Tag) -> bool:
    """<strong>, <b>, or an inline style that sets a bold font weight."""
    if tag.name in ("strong", "b"):
        return True
    style = attr(tag, "style")
    return bool(style and _BOLD_STYLE.search(style))


#: Inline elements that mark their text as code.
_CODE_TAGS = frozenset({"code", "kbd", "samp", "tt", "var"})


def _inline_runs(
    el: Tag, bold: bool, runs: list[tuple[str, bool, bool]], code: bool = False
) -> None:
    for child in el.children:
        if isinstance(child, Tag):
            if child.name in _NOT_PROSE or child.name == "img" or is_hidden(child):
                continue
            if child.name == "br":
                runs.append((" ", bold, code))
                continue
            _inline_runs(child, bold or _is_bold(child), runs, code or child.name in _CODE_TAGS)
        elif isinstance(child, NavigableString) and not isinstance(child, Comment):
            runs.append((str(child), bold, code))


def _meta(index: TagIndex) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for tag in index.named("meta"):
        key = attr(tag, "name") or attr(tag, "property") or attr(tag, "http-equiv")
        if not key:
            if tag.get("charset") is not None:
                out.setdefault("charset", []).append(attr(tag, "charset") or "")
            continue
        out.setdefault(key.strip().lower(), []).append(clean(attr(tag, "content")))
    return {k: tuple(v) for k, v in out.items()}


def _meta_named(*names: str) -> Callable[[Tag], bool]:
    def match(tag: Tag) -> bool:
        return (attr(tag, "name") or "").strip().lower() in names

    return match


#: Share-card metas located as landmarks (`Page.locate("og:description")`): the ones the
#: snippet rules (M612, M613) and the appearance rules (S7xx) point at.
SOCIAL_META = (
    "og:title",
    "og:description",
    "og:image",
    "og:url",
    "og:type",
    "twitter:card",
    "twitter:title",
    "twitter:description",
)


def _meta_keyed(key: str) -> Callable[[Tag], bool]:
    """A meta whose name or property is `key` (the way `_meta` keys them)."""

    def match(tag: Tag) -> bool:
        found = attr(tag, "name") or attr(tag, "property") or ""
        return found.strip().lower() == key

    return match


def _is_canonical(tag: Tag) -> bool:
    return tag.get("href") is not None and "canonical" in (attr(tag, "rel") or "").lower().split()


def _landmarks(b: _Builder) -> dict[str, Location]:
    index = b.index
    found: dict[str, Tag | None] = {
        "html": index.first("html"),
        "head": index.first("head"),
        "title": index.first("title"),
        "description": index.first("meta", _meta_named("description")),
        "viewport": index.first("meta", _meta_named("viewport")),
        "robots": index.first("meta", _meta_named("robots", "googlebot")),
        "canonical": index.first("link", _is_canonical),
        "refresh": index.first(
            "meta", lambda t: (attr(t, "http-equiv") or "").strip().lower() == "refresh"
        ),
        **{k: index.first("meta", _meta_keyed(k)) for k in SOCIAL_META},
    }
    out: dict[str, Location] = {}
    for key, tag in found.items():
        if isinstance(tag, Tag):
            loc = b.loc(tag)
            if key == "html":  # the whole document is no excerpt: keep the opening tag only
                loc = Location(
                    loc.selector, loc.line, excerpt(tag).split(">", 1)[0] + ">", loc.suppressed
                )
            if key == "head":
                loc = Location("head", loc.line, "<head>", loc.suppressed)
            out[key] = loc
    return out


def _json_ld(index: TagIndex) -> list[Any]:
    out: list[Any] = []
    for tag in index.named("script"):
        if (attr(tag, "type") or "").strip().lower() != "application/ld+json":
            continue
        raw = tag.string or tag.get_text()
        try:
            out.append(json.loads(raw))
        except (ValueError, TypeError):
            continue
    return out


_LINE_TAGS = (
    "html",
    "head",
    "img",
    "input",
    "area",
    "svg",
    "a",
    "link",
    "meta",
    "title",
    "p",
    "li",
    "figcaption",
    "blockquote",
    "pre",
    *HEADING_TAGS,
)


#: Start tags that close an open <p> in HTML5 (the spec's "close a p element"). libxml2's
#: HTML parser knows the HTML 4 ones but not section, article, aside, nav, header,
#: footer, main, figure, details, dialog, ...: it leaves them inside the <p>, so a
#: `<p hidden>` left open by a theme would hide the whole article after it.
_CLOSES_P = frozenset(
    {
        "address", "article", "aside", "blockquote", "details", "dialog", "div", "dl",
        "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "hr",
        "main", "menu", "nav", "ol", "p", "pre", "section", "table", "ul", *HEADING_TAGS,
    }
)  # fmt: skip


def close_paragraphs(paragraphs: Iterable[Tag]) -> bool:
    """Move block content out of each `<p>` that holds it, as a browser's parser does:
    the block and everything after it inside the `<p>` become the paragraph's following
    siblings (document order unchanged). True when the tree changed."""
    changed = False
    for p in list(paragraphs):
        kids = p.contents
        cut = next(
            (i for i, n in enumerate(kids) if isinstance(n, Tag) and n.name in _CLOSES_P), None
        )
        if cut is None:
            continue
        for node in reversed([n.extract() for n in list(kids[cut:])]):
            p.insert_after(node)
        changed = True
    return changed


def parse_page(
    html: str,
    url: str,
    *,
    final_url: str | None = None,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    content_selector: str | None = None,
    encoding: str | None = None,
    site_url: str | None = None,
) -> Page:
    """Parse `html` (already decoded) into a `Page`. Pure: no I/O. `site_url` is
    where a local file is published (`--base-url`), if known."""
    final = final_url or url
    soup = BeautifulSoup(html, "lxml")
    index = TagIndex(soup)
    if close_paragraphs(index.named("p")):
        index = TagIndex(soup)
    lines = SourceLines(html, _LINE_TAGS)
    lines.bind(index)
    scope = find_scope(soup, content_selector, tags=index.all)
    base_tag = index.first("base", lambda t: t.get("href") is not None)
    base_href = attr(base_tag, "href") if isinstance(base_tag, Tag) else None
    base = final
    if base_href:
        try:
            base = urljoin(final, base_href.strip())
        except ValueError:
            base = final
    b = _Builder(soup, lines, scope, base, index)
    b.suppression = _IGNORE_RE.search(html) is not None
    html_tag = index.first("html")
    lang = None
    if isinstance(html_tag, Tag):
        lang = (attr(html_tag, "lang") or "").strip() or None
    raw_titles = tuple(t.get_text() for t in index.named("title") if not t.find_parent("svg"))
    titles = tuple(clean(t) for t in raw_titles)
    viewport_tag = index.first("meta", _meta_named("viewport"))
    landmarks = _landmarks(b)
    images = _images(b)
    headings = _headings(b)
    links = _links(b, lang)
    blocks = _blocks(b)
    article_text = " ".join(
        bl.text
        for bl in blocks
        if not bl.hidden and bl.kind not in ("figcaption", "pre", "heading")
    )
    meta = _meta(index)
    canonicals = tuple(attr(t, "href") or "" for t in index.named("link") if _is_canonical(t))
    return Page(
        url=url,
        final_url=final,
        status=status,
        headers={k.lower(): v for k, v in (headers or {}).items()},
        lang=lang,
        titles=titles,
        raw_titles=raw_titles,
        site_url=published_url(final, site_url, canonicals, meta.get("og:url", ())),
        meta=meta,
        canonicals=canonicals,
        viewport=attr(viewport_tag, "content") if isinstance(viewport_tag, Tag) else None,
        base_href=base_href,
        scope_preset=scope.preset,
        scope_selector=scope.selector,
        headings=tuple(headings),
        images=tuple(images),
        links=tuple(links),
        head_links=tuple(_head_links(b)),
        blocks=tuple(blocks),
        article_text=article_text,
        json_ld=tuple(_json_ld(index)),
        source_lines_known=lines.known,
        landmarks=landmarks,
        encoding=encoding,
        facts=text_damage(html, encoding),
        pagination=find_pagination(
            soup, locate=b.loc, resolve=b.resolve, text_of=b.text, anchors=index.named("a")
        ),
        body=LazyText(lambda: reader_text(soup.body) if soup.body is not None else ""),
        anchors=fragment_targets(index),
        ld_blocks=ld_blocks(html, index.named("script")),
    )


def fragment_targets(index: TagIndex) -> frozenset[str]:
    """What a URL fragment can point at in the document (HTML "find a potential
    indicated element"): the id of any element, and the name of an `<a>` element."""
    out = {v for t in index.all if isinstance(v := t.attrs.get("id"), str) and v}
    out.update(v for t in index.named("a") if isinstance(v := t.attrs.get("name"), str) and v)
    return frozenset(out)


def text_damage(html: str, encoding: str | None) -> dict[str, Any]:
    """The `encoding` fact, only for a document whose text is damaged: how many U+FFFD
    replacement characters (bytes that were not valid in `encoding`, or written into the
    page as such: a reader sees "�" either way) and NUL characters (which the parser
    turns into "�" too) it holds. Empty for a clean document."""
    replaced = html.count("\ufffd")
    nul = html.count("\x00")
    if not replaced and not nul:
        return {}
    return {
        "encoding": {
            "name": encoding,
            "replacement_characters": replaced,
            "nul_characters": nul,
        }
    }


#: Hosts of a development server (`jekyll serve`, `hugo server`) that leak into builds.
DEV_HOSTS = frozenset({"0.0.0.0", "localhost", "127.0.0.1", "::1"})


def published_url(
    final_url: str, given: str | None, canonicals: Iterable[str], og_urls: Iterable[str]
) -> str:
    """Where a page is published (see `Page.site_url`). A relative canonical names no
    site, and a canonical on a development host (`http://0.0.0.0:4000/...`, leaked by a
    build served locally) names no published one: both are passed over. `--base-url`
    is taken as given, a local server included."""
    if urlsplit(final_url).scheme.lower() in ("http", "https"):
        return final_url
    for candidate in (given, *canonicals, *og_urls):
        value = (candidate or "").strip()
        try:
            parts = urlsplit(value)
            host = (parts.hostname or "").lower()
        except ValueError:
            continue
        if parts.scheme.lower() not in ("http", "https") or not host:
            continue
        if host not in DEV_HOSTS or candidate is given:  # --base-url is taken as it is
            return value
    return final_url


def url_host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
