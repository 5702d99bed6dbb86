"""Previous/next post links: find them wherever blog themes put them.

`find_pagination` is a DOM helper called by `page.parse_page` (like `content.py`, it
never builds a `Page`). It looks at every `<a href>` once and classifies it by the
markup of the theme that produced it, most specific first:

==================================  ===================================================
markup (as reported)                what it matches
==================================  ===================================================
squarespace .item-pagination-...    Squarespace 7.1 `a.item-pagination-link--prev/--next`
                                    (and `.blog-item-pagination` variants)
squarespace-7.0 .pagination ...     Squarespace 7.0 `nav.pagination > .newer/.older > a`
wordpress .nav-previous/.nav-next   `the_post_navigation()` (`.post-navigation`)
hexo-next .post-nav-... a[rel]      Hexo NexT `.post-nav-prev/.post-nav-next > a[rel]`
minimal-mistakes .pagination--pager Jekyll Minimal Mistakes (side from the text)
hugo-even .post-nav a.prev/a.next   Hugo theme even
landscape #article-nav-...          Hexo/Jekyll "landscape" `#article-nav-newer/-older`
ghost .read-next-story              Ghost Casper 1.x `a.read-next-story(.prev)`
chirpy .post-navigation a.btn       Jekyll Chirpy `.post-navigation > a.btn` (side from
                                    the button's place: first previous, second next)
eleventy .links-nextprev-...        eleventy-base-blog `li.links-nextprev-prev/-next > a`
docusaurus .pagination-nav__...     Docusaurus `a.pagination-nav__link--prev/--next`
                                    (and v2's `.pagination-nav__item(--next) > a`)
vitepress .pager-link.prev/.next    VitePress `VPDocFooter` `a.pager-link.prev/.next`
papermod .paginav a.prev/a.next     Hugo PaperMod (its prev is the newer post)
a[rel=prev] / a[rel=next]           any other link marked with rel
generic .<class>                    class/id words prev/previous/next/older/newer on the
                                    link or its parents inside a nav/pagination block
text 'Next'                         last resort: a link whose text starts or ends with
                                    Previous/Next/Older/Newer/«/» (and other languages)
link[rel=next]                      `<link rel=prev/next>` in the head, used only when
                                    the page shows no visible previous/next link
==================================  ===================================================

The best (first) kind of markup found on the page supplies both sides; kinds are not
mixed, so a stray "Next" in a widget cannot pair with a theme's real previous link.

Direction. `prev`/`next` are the sides as the markup names them (rel, class, id or
text); where a theme only says newer/older, its own convention decides (landscape and
Squarespace 7.0 call the newer post "prev", as Hexo does; generic markup maps older to
prev). `direction` records what the markup says about time when it says anything:
Hexo NexT's rel="next" is the OLDER post, WordPress's previous is the older one.

Disabled links (Minimal Mistakes' `<a href="#" class="disabled">Next</a>` on the newest
post, `aria-disabled`, empty or `#` hrefs) are not links: their side is listed in
`disabled` and never checked or reported as a self link. Chirpy writes its missing side
as a `<div class="btn ... disabled">` (older releases a `<span>`) in the link's place;
that side is listed in `disabled` too.

Titles. A theme's title element (`.prev_info`, `.pagination-nav__label`, ...) or a
heading names the target; else the link's text without its label chunks ("上一篇",
"Previous page") and, when the link has text, without its images' alt ("cover of
previous post" is Butterfly's, not the post's title).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, Tag

from postaudit.model import Location
from postaudit.parse.dom import attr, is_hidden
from postaudit.parse.pager_words import (
    ARROWS,
    CTA,
    DEPTH,
    DISABLED_HREFS,
    HEADINGS,
    NAV_WORDS,
    NEXT_WORDS,
    POSTISH,
    PREV_WORDS,
    STOP,
    TITLE_CLASSES,
    WIDGET_WORDS,
    WORD,
    label_shown,
    strip_labels,
    strip_marked_label,
    text_side,
    time_of,
)

Locate = Callable[[Tag], Location]


Resolve = Callable[[str | None], str | None]


TextOf = Callable[[Tag], str]


SIDES = ("prev", "next")


@dataclass(frozen=True, slots=True)
class PagerLink:
    """One previous/next link as found on the page."""

    side: str  # "prev" | "next" (as the markup names it)
    href: str  # as written
    url: str | None  # absolute; None if unusable
    title: str | None  # the target post's title as the link shows it (text, else title attr)
    text: str  # the link's whole visible text
    markup: str  # which markup matched, e.g. "wordpress .nav-next"
    direction: str | None  # "older" | "newer" when the markup says so
    location: Location

    def to_dict(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "href": self.href,
            "url": self.url,
            "title": self.title,
            "text": self.text,
            "markup": self.markup,
            "direction": self.direction,
            "selector": self.location.selector,
            "line": self.location.line,
        }


@dataclass(frozen=True, slots=True)
class Pagination:
    """The page's previous/next post links, and the head's `<link rel=prev/next>`."""

    prev: PagerLink | None = None
    next: PagerLink | None = None
    head_prev: PagerLink | None = None
    head_next: PagerLink | None = None
    disabled: tuple[str, ...] = ()  # sides shown but disabled ("next" on the newest post)

    @property
    def links(self) -> tuple[PagerLink, ...]:
        """The previous/next links in use (visible ones, else the head's)."""
        return tuple(p for p in (self.prev, self.next) if p is not None)

    @property
    def head_links(self) -> tuple[PagerLink, ...]:
        return tuple(p for p in (self.head_prev, self.head_next) if p is not None)

    @property
    def found(self) -> bool:
        """Any previous/next navigation, including a disabled side."""
        return bool(self.links or self.disabled)

    @property
    def visible(self) -> bool:
        """Found in the page body (not only as head `<link>`s)."""
        return any(p.markup != f"link[rel={p.side}]" for p in self.links) or bool(self.disabled)

    def side(self, name: str) -> PagerLink | None:
        return self.prev if name == "prev" else self.next if name == "next" else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "prev": self.prev.to_dict() if self.prev else None,
            "next": self.next.to_dict() if self.next else None,
            "head": {
                "prev": self.head_prev.url if self.head_prev else None,
                "next": self.head_next.url if self.head_next else None,
            },
            "disabled": list(self.disabled),
        }


NO_PAGINATION = Pagination()


@dataclass(frozen=True, slots=True)
class _Match:
    rank: int  # lower = more specific markup
    side: str
    markup: str
    direction: str | None
    #: The side comes from the link's place among its siblings, so the answer is not
    #: kept for other links with the same markup (`_classify_known`).
    positional: bool = False


def _classes(tag: Tag) -> list[str]:
    return [c.lower() for c in tag.get_attribute_list("class") or () if c]


@lru_cache(maxsize=4096)
def _wordset(value: str) -> frozenset[str]:
    """The lower-case words of a class or id value, cached: themes repeat the same
    class strings on every link."""
    return frozenset(WORD.findall(value.lower()))


class _Memo:
    """Per-element facts the classification reads, computed once per element and page:
    links share their parents, so a parent's classes, its navigation words and whether
    it sits in a <header> are worked out once, not again for every link below it."""

    __slots__ = (
        "_chain",
        "_chain_keys",
        "_classes",
        "_header",
        "_nav",
        "_other_text",
        "_sigs",
        "_widget",
    )

    def __init__(self) -> None:
        self._chain_keys: dict[int, tuple[tuple[str, tuple[str, ...], str | None], ...]] = {}
        self._sigs: dict[int, tuple[str, tuple[str, ...], str | None]] = {}
        self._classes: dict[int, list[str]] = {}
        self._chain: dict[int, list[Tag]] = {}
        self._nav: dict[int, bool] = {}
        self._widget: dict[int, bool] = {}
        self._header: dict[int, bool] = {}
        self._other_text: dict[int, int] = {}

    def classes(self, tag: Tag) -> list[str]:
        """`_classes(tag)`; callers must not change the list."""
        key = id(tag)
        found = self._classes.get(key)
        if found is None:
            found = self._classes[key] = _classes(tag)
        return found

    def chain_key(self, tag: Tag) -> tuple[tuple[str, tuple[str, ...], str | None], ...]:
        """What the classification reads of the element's `ancestors`: each one's
        name, classes and id (the same for siblings, so memoised by parent)."""
        parent = tag.parent
        key = id(parent)
        found = self._chain_keys.get(key)
        if found is None:
            # built from the parent's own key, as `ancestors` builds its list
            if isinstance(parent, Tag) and parent.name not in STOP:
                found = (self._sig(parent), *self.chain_key(parent)[: DEPTH - 1])
            else:
                found = ()
            self._chain_keys[key] = found
        return found

    def _sig(self, tag: Tag) -> tuple[str, tuple[str, ...], str | None]:
        key = id(tag)
        found = self._sigs.get(key)
        if found is None:
            found = self._sigs[key] = (tag.name, tuple(self.classes(tag)), attr(tag, "id"))
        return found

    def ancestors(self, tag: Tag) -> list[Tag]:
        """Up to `DEPTH` parents below <body>, nearest first, built from the parent's
        list (callers must not change it)."""
        key = id(tag)
        found = self._chain.get(key)
        if found is None:
            parent = tag.parent
            if isinstance(parent, Tag) and parent.name not in STOP:
                found = [parent, *self.ancestors(parent)[: DEPTH - 1]]
            else:
                found = []
            self._chain[key] = found
        return found

    def nav(self, p: Tag) -> bool:
        """A navigation block: <nav>, or a class/id word such as nav or pagination."""
        key = id(p)
        found = self._nav.get(key)
        if found is None:
            found = self._nav[key] = bool(
                p.name == "nav"
                or _wordset(" ".join(self.classes(p))) & NAV_WORDS
                or _wordset(attr(p, "id") or "") & NAV_WORDS
            )
        return found

    def widget(self, el: Tag) -> bool:
        """A carousel or gallery element (its class words say so)."""
        key = id(el)
        found = self._widget.get(key)
        if found is None:
            found = self._widget[key] = bool(_wordset(" ".join(self.classes(el))) & WIDGET_WORDS)
        return found

    def in_header(self, tag: Tag) -> bool:
        """A <header> among the element's ancestors."""
        parent = tag.parent
        return isinstance(parent, Tag) and self._header_or_in(parent)

    def own_text_length(self, tag: Tag) -> int:
        """Characters of text directly in the element (not in its child elements)."""
        key = id(tag)
        found = self._other_text.get(key)
        if found is None:
            found = self._other_text[key] = sum(
                len(str(s).strip())
                for s in tag.contents
                if isinstance(s, NavigableString) and not isinstance(s, Comment)
            )
        return found

    def _header_or_in(self, tag: Tag) -> bool:
        """The element is a <header> or inside one (walks up to the first known answer)."""
        chain: list[Tag] = []
        node: Tag | None = tag
        result = False
        while node is not None:
            cached = self._header.get(id(node))
            if cached is not None:
                result = cached
                break
            chain.append(node)
            parent = node.parent
            node = parent if isinstance(parent, Tag) else None
        for el in reversed(chain):
            result = result or el.name == "header"
            self._header[id(el)] = result
        return result


def _rel(tag: Tag) -> set[str]:
    return set((attr(tag, "rel") or "").lower().split())


def _rel_side(tag: Tag) -> str | None:
    rel = _rel(tag)
    if "prev" in rel or "previous" in rel:
        return "prev"
    if "next" in rel:
        return "next"
    return None


#: `_classify` answers by what it reads of a link (classes, id, rel) and its ancestors
#: (names, classes, ids): theme chrome repeats the same links on every page of a site,
#: so the answers are kept across pages (bounded). An answer that read the link's text
#: is not kept.
_CLASSIFIED: dict[tuple[Any, ...], _Match | None] = {}


_CLASSIFIED_LIMIT = 20_000
_UNSEEN = object()


def _classify_known(a: Tag, text: Callable[[], str], memo: _Memo) -> _Match | None:
    """`_classify`, from `_CLASSIFIED` when a link with the same markup was classified."""
    key = (tuple(memo.classes(a)), attr(a, "id"), attr(a, "rel"), memo.chain_key(a))
    known = _CLASSIFIED.get(key, _UNSEEN)  # one hash of the key (a tuple's is not kept)
    if known is not _UNSEEN:
        return known  # type: ignore[return-value]
    read: list[bool] = []

    def reading() -> str:
        read.append(True)
        return text()

    match = _classify(a, reading, memo)
    if not read and not (match is not None and match.positional):
        if len(_CLASSIFIED) >= _CLASSIFIED_LIMIT:
            _CLASSIFIED.clear()
        _CLASSIFIED[key] = match
    return match


def _classify(a: Tag, text: Callable[[], str], memo: _Memo | None = None) -> _Match | None:
    """The most specific theme markup this link matches, or None."""
    memo = memo or _Memo()
    own = memo.classes(a)
    el_id = (attr(a, "id") or "").strip().lower()
    parents = memo.ancestors(a)
    parent_classes = [memo.classes(p) for p in parents]
    near = {c for cs in parent_classes[:3] for c in cs}

    # Squarespace 7.1
    for side in SIDES:
        if f"item-pagination-link--{side}" in own:
            return _Match(0, side, f"squarespace .item-pagination-link--{side}", None)
    if any("blog-item-pagination" in cs for cs in parent_classes):
        found = text_side(text())
        named = _token_side([*own, el_id]) or _rel_side(a) or (found[0] if found else None)
        if named:
            return _Match(0, named, "squarespace .blog-item-pagination", None)
    # Squarespace 7.0: nav.pagination > div.newer|div.older > a[rel]
    if parents and parent_classes[0] and len(parents) > 1 and "pagination" in parent_classes[1]:
        when = next((w for w in ("newer", "older") if w in parent_classes[0]), None)
        if when is not None:
            side = _rel_side(a) or ("prev" if when == "newer" else "next")
            return _Match(1, side, f"squarespace-7.0 .pagination .{when}", when)
    # WordPress the_post_navigation()
    if "nav-previous" in near:
        return _Match(2, "prev", "wordpress .nav-previous", "older")
    if "nav-next" in near:
        return _Match(2, "next", "wordpress .nav-next", "newer")
    # Hexo NexT: .post-nav-next > a[rel=next] is the OLDER post
    for side in SIDES:
        if f"post-nav-{side}" in near and ("post-nav-item" in near or _rel_side(a)):
            rel = _rel_side(a) or side
            direction = "older" if rel == "next" else "newer"
            return _Match(3, rel, f"hexo-next .post-nav-{side} a[rel]", direction)
    # Jekyll Minimal Mistakes: a.pagination--pager, side from the text
    if "pagination--pager" in own:
        found = text_side(text())
        if found:
            side = found[0]
            direction = "older" if side == "prev" else "newer"
            return _Match(4, side, "minimal-mistakes .pagination--pager", direction)
    # Hugo even: nav.post-nav > a.prev / a.next
    if parents and "post-nav" in parent_classes[0]:
        for side in SIDES:
            if side in own:
                return _Match(5, side, f"hugo-even .post-nav a.{side}", None)
    # landscape (Hexo's default theme, ported to Jekyll): newer = Hexo's post.prev
    if el_id in ("article-nav-newer", "article-nav-older"):
        age = el_id.rsplit("-", 1)[1]
        return _Match(6, "prev" if age == "newer" else "next", f"landscape #{el_id}", age)
    # Ghost Casper 1.x: a.read-next-story (next_post, newer) and a.read-next-story.prev
    if "read-next-story" in own:
        if "prev" in own:
            return _Match(7, "prev", "ghost .read-next-story.prev", "older")
        return _Match(7, "next", "ghost .read-next-story", "newer")
    # Jekyll Chirpy _includes/post-nav.html: .post-navigation > a.btn, previous first;
    # Jekyll's page.previous is the older post
    if "btn" in own and parents and "post-navigation" in parent_classes[0]:
        placed = _chirpy_side(a, memo)
        if placed is not None:
            direction = "older" if placed == "prev" else "newer"
            return _Match(8, placed, "chirpy .post-navigation a.btn", direction, positional=True)
    # eleventy-base-blog _includes/layouts/post.njk: li.links-nextprev-prev > a (the
    # label is outside the link); previousPost is the older one
    if parents:
        for side, age in (("prev", "older"), ("next", "newer")):
            if f"links-nextprev-{side}" in parent_classes[0]:
                return _Match(9, side, f"eleventy .links-nextprev-{side}", age)
    # Docusaurus theme-classic PaginatorNavLink: a.pagination-nav__link--prev/--next;
    # v2 wrapped each link in .pagination-nav__item(--next)
    if "pagination-nav__link" in own:
        for side in SIDES:
            if f"pagination-nav__link--{side}" in own:
                return _Match(10, side, f"docusaurus .pagination-nav__link--{side}", None)
        if parents and "pagination-nav__item" in parent_classes[0]:
            side = "next" if "pagination-nav__item--next" in parent_classes[0] else "prev"
            return _Match(10, side, "docusaurus .pagination-nav__item a", None)
    # VitePress VPDocFooter.vue: a.pager-link.prev / a.pager-link.next
    if "pager-link" in own:
        for side in SIDES:
            if side in own:
                return _Match(11, side, f"vitepress .pager-link.{side}", None)
    # Hugo PaperMod layouts/partials/post_nav_links.html: nav.paginav > a.prev is
    # $pages.Next (the newer post), a.next the older one
    if parents and "paginav" in parent_classes[0]:
        for side, age in (("prev", "newer"), ("next", "older")):
            if side in own:
                return _Match(12, side, f"papermod .paginav a.{side}", age)
    # Any other rel=prev/next
    rel_side = _rel_side(a)
    if rel_side:
        return _Match(13, rel_side, f"a[rel={rel_side}]", None)
    # Generic class/id words inside a navigation block
    generic = _generic(a, own, el_id, parents, parent_classes, memo)
    if generic:
        return generic
    return None


def _chirpy_buttons(block: Tag, memo: _Memo) -> list[Tag]:
    """The `.btn` children of Chirpy's `.post-navigation`, links and disabled ones."""
    return [c for c in block.contents if isinstance(c, Tag) and "btn" in memo.classes(c)]


def _chirpy_side(a: Tag, memo: _Memo) -> str | None:
    """Chirpy writes the previous button first and the next one second (a disabled
    `div`/`span` stands in for a missing side), so the place gives the side."""
    parent = a.parent
    if not isinstance(parent, Tag):
        return None
    buttons = _chirpy_buttons(parent, memo)
    if len(buttons) != 2:
        return None
    return "prev" if buttons[0] is a else "next" if buttons[1] is a else None


def _token_side(values: Iterable[str]) -> str | None:
    for value in values:
        words = _wordset(value)
        if words & PREV_WORDS:
            return "prev"
        if words & NEXT_WORDS:
            return "next"
    return None


def _generic(
    a: Tag,
    own: list[str],
    el_id: str,
    parents: list[Tag],
    parent_classes: list[list[str]],
    memo: _Memo,
) -> _Match | None:
    """Class/id words on the link or up to three parents, inside a navigation block."""
    candidates: list[str] = [*own, el_id]
    for p, cs in zip(parents[:3], parent_classes[:3], strict=True):
        candidates.extend(cs)
        candidates.append((attr(p, "id") or "").lower())
    for value in candidates:
        if not value:
            continue
        wordset = _wordset(value)
        side = None
        direction = None
        if wordset & PREV_WORDS:
            side = "prev"
        elif wordset & NEXT_WORDS:
            side = "next"
        elif "older" in wordset:
            side, direction = "prev", "older"
        elif "newer" in wordset:
            side, direction = "next", "newer"
        if side is None:
            continue
        if wordset & WIDGET_WORDS:
            continue
        postish = bool(wordset & POSTISH) or bool(wordset & NAV_WORDS)
        if postish or any(memo.nav(p) for p in parents):
            shown = f"#{value}" if value == el_id else f".{value}"
            return _Match(14, side, f"generic {shown}", direction)
    return None


#: Elements whose children are chunks of their own when they hold block elements
#: (Butterfly's `div.pagination-info > div.label + div.prev_info`).
_BLOCKS = frozenset({"div", "p", "section", "header", "footer", "figure", "figcaption"})


def _chunks(a: Tag, text_of: TextOf) -> list[str]:
    """The link's visible text split by its child elements ("Previous" | "Title"), and
    by the children of a block that holds blocks. Images' alt texts are the chunks only
    when the link has no text (a cover's alt is not the target's title)."""

    out: list[str] = []
    alts: list[str] = []

    def walk(el: Tag) -> None:
        for child in el.contents:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                out.append(" ".join(str(child).split()))
            elif isinstance(child, Tag) and not is_hidden(child):
                if child.name == "img":
                    alts.append(" ".join((attr(child, "alt") or "").split()))
                elif child.name in _BLOCKS and any(
                    isinstance(c, Tag) and c.name in _BLOCKS for c in child.contents
                ):
                    walk(child)
                else:
                    out.append(text_of(child))

    walk(a)
    return [c for c in out if c] or [c for c in alts if c]


def _title_of(a: Tag, text: str, text_of: TextOf, soup: BeautifulSoup | None = None) -> str | None:
    """The target's title as the link shows it: a theme's title element, a heading,
    the text without its previous/next labels, the element `aria-describedby` names
    (Zola tabi's `<a aria-describedby="left_title">← Prev</a><p id="left_title">`),
    else the title attribute."""
    # one walk of the link's elements instead of a bs4 `find` (and its filter) per class
    inside = [d for d in a.descendants if isinstance(d, Tag)]
    classes = [d.get_attribute_list("class") for d in inside]
    for cls in TITLE_CLASSES:  # `a.find(class_=cls)`: the first element with that class
        found = next((d for d, cs in zip(inside, classes, strict=True) if cls in cs), None)
        if found is not None:
            title = text_of(found).strip(ARROWS + " \t")
            if title:
                return title
    heading = next((d for d in inside if d.name in HEADINGS), None)  # `a.find(HEADINGS)`
    if heading is not None:
        title = text_of(heading).strip(ARROWS + " \t")
        if title:
            return title
    kept = [c for c in _chunks(a, text_of) if strip_labels(c)]
    title = strip_marked_label(" ".join(kept)) if kept else ""
    if title:
        return title
    described = (attr(a, "aria-describedby") or "").split()
    if soup is not None and described:
        # read as written: tabi hides the paragraph from screen readers (aria-hidden)
        # because the link already points at it
        found = soup.find(id=described[0])
        if isinstance(found, Tag):
            title = " ".join(found.get_text(" ").split())
            if title:
                return title
    attr_title = " ".join((attr(a, "title") or "").split())
    return attr_title or None


def _disabled(a: Tag, href: str) -> bool:
    classes = _classes(a)
    return (
        "disabled" in classes
        or (attr(a, "aria-disabled") or "").strip().lower() == "true"
        or href.strip().lower() in DISABLED_HREFS
    )


def _fallback_candidate(a: Tag, href: str, memo: _Memo | None = None) -> bool:
    """A link the text fallback may take: to another page, not a widget's arrow, not
    disabled, not inside a sentence or the site header."""
    memo = memo or _Memo()
    if href.strip().startswith("#") or _disabled(a, href):
        return False
    for el in (a, *memo.ancestors(a)[:2]):
        if memo.widget(el):
            return False
    return _stands_alone(a, memo)


def _stands_alone(a: Tag, memo: _Memo | None = None) -> bool:
    """Not a link inside a sentence: outside <header>, its parent holds little other text."""
    memo = memo or _Memo()
    if memo.in_header(a):
        return False
    parent = a.parent
    if not isinstance(parent, Tag):
        return True
    return memo.own_text_length(parent) <= 3


def find_pagination(
    soup: BeautifulSoup,
    *,
    locate: Locate,
    resolve: Resolve,
    text_of: TextOf,
    anchors: Sequence[Tag] | None = None,
) -> Pagination:
    """Find the page's previous/next post links. Pure: reads the tree, no I/O.

    `locate`, `resolve` and `text_of` are the page builder's helpers (source location,
    URL resolution against the page/base URL, visible text). `anchors` may pass the
    `<a>` elements already collected by the caller.
    """
    if anchors is None:
        anchors = soup.find_all("a")
    best: dict[str, tuple[_Match, Tag, str, str]] = {}
    best_rank = 99
    disabled_by_rank: dict[int, set[str]] = {}
    unmatched: list[tuple[Tag, str]] = []  # for the text fallback, when nothing matched
    memo = _Memo()
    for a in anchors:
        href = attr(a, "href")
        if href is None:
            continue
        texts: list[str] = []

        def lazy_text(a: Tag = a, texts: list[str] = texts) -> str:
            if not texts:
                texts.append(text_of(a))
            return texts[0]

        match = _classify_known(a, lazy_text, memo)
        if match is None:
            unmatched.append((a, href))
            continue
        if match.rank > best_rank:
            continue
        if _disabled(a, href):
            disabled_by_rank.setdefault(match.rank, set()).add(match.side)
            if match.rank < best_rank:
                best.clear()
                best_rank = match.rank
            continue
        if match.rank < best_rank:
            best.clear()
            best_rank = match.rank
        if match.positional and isinstance(a.parent, Tag):
            # Chirpy's missing side is a disabled button, not a link
            for side, button in zip(SIDES, _chirpy_buttons(a.parent, memo), strict=False):
                if "disabled" in memo.classes(button) and button.name != "a":
                    disabled_by_rank.setdefault(match.rank, set()).add(side)
        best.setdefault(match.side, (match, a, href, lazy_text()))
    sides: dict[str, PagerLink] = {}
    for side, (match, a, href, text) in best.items():
        sides[side] = PagerLink(
            side=side,
            href=href,
            url=resolve(href),
            title=_title_of(a, text, text_of, soup),
            text=text,
            markup=match.markup,
            direction=match.direction,
            location=locate(a),
        )
    disabled = tuple(
        s for s in SIDES if s in disabled_by_rank.get(best_rank, set()) and s not in sides
    )
    if not sides and not disabled:
        _text_fallback(
            soup, unmatched, sides, memo, locate=locate, resolve=resolve, text_of=text_of
        )
    head = _head_links(soup, locate=locate, resolve=resolve)
    if not sides and not disabled:
        sides = dict(head)
    return Pagination(
        prev=sides.get("prev"),
        next=sides.get("next"),
        head_prev=head.get("prev"),
        head_next=head.get("next"),
        disabled=disabled,
    )


def _text_fallback(
    soup: BeautifulSoup,
    unmatched: Sequence[tuple[Tag, str]],
    sides: dict[str, PagerLink],
    memo: _Memo,
    *,
    locate: Locate,
    resolve: Resolve,
    text_of: TextOf,
) -> None:
    """When no markup matched: links whose own text names a side ("« Older posts"),
    added to `sides`; a call to action ("Read more »") is no post link."""
    for a, href in unmatched:
        if not _fallback_candidate(a, href, memo):
            continue
        shown = text_of(a)
        found = text_side(shown) if len(shown) <= 200 else None
        if found is None or found[0] in sides:
            continue
        side, label = found
        if not any(c.isalpha() for c in label) and (
            " ".join(strip_labels(shown).lower().split()) in CTA
        ):
            continue  # "Read more »" is a teaser, not the next post
        sides[side] = PagerLink(
            side=side,
            href=href,
            url=resolve(href),
            title=_title_of(a, shown, text_of, soup),
            text=shown,
            markup=f"text {label_shown(shown, label)!r}",
            direction=time_of(label),
            location=locate(a),
        )


def _head_links(
    soup: BeautifulSoup, *, locate: Locate, resolve: Resolve
) -> Mapping[str, PagerLink]:
    out: dict[str, PagerLink] = {}
    head = soup.head
    for tag in (head or soup).find_all("link"):
        side = _rel_side(tag)
        href = attr(tag, "href")
        if side is None or side in out or href is None:
            continue
        out[side] = PagerLink(
            side=side,
            href=href,
            url=resolve(href),
            title=" ".join((attr(tag, "title") or "").split()) or None,
            text="",
            markup=f"link[rel={side}]",
            direction=None,
            location=locate(tag),
        )
    return out
