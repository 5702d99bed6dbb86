"""The state of one parse (`Builder`): the tree, its source lines, the article scope,
the resolved base URL, and the caches the extraction steps share (selectors,
visibility, language, locations, texts, resolved URLs); URL resolution
(`url_origin`, `resolve_href`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from bs4.element import Tag

from postaudit.model import LazyLocation, Location
from postaudit.parse.content import CHROME_TAGS, Scope, author_cards, is_chrome_box

if TYPE_CHECKING:
    pass
from postaudit.parse.dom import (
    IGNORE_ATTR,
    SourceLines,
    TagIndex,
    attr,
    clean,
    excerpt,
    head_step,
    ignore_tokens,
    is_hidden,
    own_id_step,
    visible_text,
)

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


class Builder:
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
        own = own_id_step(tag) or head_step(tag)
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
            kids = [c for c in parent.contents if isinstance(c, Tag)]
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


def int_value(value: str | None) -> int | None:
    if value is None:
        return None
    m = re.match(r"\s*(\d+)", value)
    return int(m.group(1)) if m else None
