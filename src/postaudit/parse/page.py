"""The parsed page: the plain frozen records rules read (`Page`, `Image`, `Heading`,
`Link`, `Block`, `LazyText`). `parse.build.parse_page` makes them from HTML."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from postaudit.measure.wordcount import word_count
from postaudit.model import Location
from postaudit.parse.appearance import (
    ImageLayout,
    LdBlock,
)
from postaudit.parse.pagination import NO_PAGINATION, Pagination

if TYPE_CHECKING:
    from postaudit.model import LinkStatus
from postaudit.parse.dom import ignore_tokens


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
