"""HTML -> Page: `parse_page`, the one place that walks the DOM.

`parse_page` parses once with BeautifulSoup's lxml builder (about 1.5x faster than
html.parser on the corpus; `parse.soup.make_soup` builds that same tree in about half
the time) and turns the tree into the plain frozen records of `parse.page` that rules
read: images (`parse.images`), text blocks (`parse.blocks`), headings, links,
metadata, landmarks and structured data (here), previous/next links
(`parse.pagination`), with the shared state of one parse in `parse.builder` and the DOM
helpers in `parse.dom`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from bs4.element import Tag

from postaudit.model import Location
from postaudit.parse.appearance import (
    ld_blocks,
)
from postaudit.parse.content import find_scope
from postaudit.parse.pagination import find_pagination
from postaudit.parse.soup import make_soup

if TYPE_CHECKING:
    pass
from postaudit.parse.blocks import extract_blocks
from postaudit.parse.builder import Builder, int_value
from postaudit.parse.dom import (
    HEADING_TAGS,
    IGNORE_RE,
    SourceLines,
    TagIndex,
    attr,
    clean,
    excerpt,
    reader_text,
)
from postaudit.parse.images import extract_images, hidden_from_at, name_from_content
from postaudit.parse.page import SOCIAL_META, Heading, LazyText, Link, Page


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


def _headings(b: Builder) -> list[Heading]:
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
        aria_level = int_value(attr(tag, "aria-level"))
        if aria_level and 1 <= aria_level <= 9:
            level = min(aria_level, 6)
        if hidden_from_at(tag):  # axe leaves hidden headings out (a hidden ancestor too)
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


def _links(b: Builder, page_lang: str | None) -> list[Link]:
    out: list[Link] = []
    append = out.append
    lang_of, hidden, text_of, resolve = b.lang_of, b.hidden, b.text, b.resolve
    in_article, lazy_loc = b.in_article, b.lazy_loc
    for tag in b.index.named("a"):
        attrs = tag.attrs  # each value read once, as `attr` gives it
        if "href" not in attrs:
            continue
        href = attr(tag, "href")
        assert href is not None
        text = text_of(tag)
        rel = attrs.get("rel")
        classes = attrs.get("class")
        append(
            Link(
                href=href,
                url=resolve(href),
                text=text,
                aria_label=attr(tag, "aria-label") if "aria-label" in attrs else None,
                title=attr(tag, "title") if "title" in attrs else None,
                rel=_NO_REL if rel is None else frozenset((attr(tag, "rel") or "").lower().split()),
                target=attr(tag, "target") if "target" in attrs else None,
                in_article=in_article(tag),
                hidden=hidden(tag),
                lang=lang_of(tag) or page_lang,
                location=lazy_loc(tag),
                classes=() if classes is None else tuple(tag.get_attribute_list("class") or ()),
                element_id=attr(tag, "id") if "id" in attrs else None,
                labelledby_text=b.labelledby(tag) if "aria-labelledby" in attrs else None,
                content_name="" if text else clean(" ".join(name_from_content(b, tag))),
                comment_counter=not text and _is_comment_counter(tag),
            )
        )
    return out


_NO_REL: frozenset[str] = frozenset()


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


def _head_links(b: Builder) -> list[Link]:
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


def _meta_keyed(key: str) -> Callable[[Tag], bool]:
    """A meta whose name or property is `key` (the way `_meta` keys them)."""

    def match(tag: Tag) -> bool:
        found = attr(tag, "name") or attr(tag, "property") or ""
        return found.strip().lower() == key

    return match


def _is_canonical(tag: Tag) -> bool:
    return tag.get("href") is not None and "canonical" in (attr(tag, "rel") or "").lower().split()


def _landmarks(b: Builder) -> dict[str, Location]:
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
    soup = make_soup(html)
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
    b = Builder(soup, lines, scope, base, index)
    b.suppression = IGNORE_RE.search(html) is not None
    html_tag = index.first("html")
    lang = None
    if isinstance(html_tag, Tag):
        lang = (attr(html_tag, "lang") or "").strip() or None
    raw_titles = tuple(t.get_text() for t in index.named("title") if not t.find_parent("svg"))
    titles = tuple(clean(t) for t in raw_titles)
    viewport_tag = index.first("meta", _meta_named("viewport"))
    landmarks = _landmarks(b)
    images = extract_images(b)
    headings = _headings(b)
    links = _links(b, lang)
    blocks = extract_blocks(b)
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
