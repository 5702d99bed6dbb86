"""DOM helpers every parse step shares: text cleaning, attributes (`attr`), visibility
(`is_hidden`), visible and reader text, where an element is (`css_selector`,
`excerpt`), the tag index, and source lines.

lxml does not report source lines, so `SourceLines` recovers them by scanning the raw
HTML for start tags (outside comments, scripts and styles) and pairing the k-th `<img`
in the source with the k-th img in the tree; when the counts disagree for a tag name
(the parser repaired the markup), lines for that tag are left unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, Tag

if TYPE_CHECKING:
    pass


HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


#: Elements whose text is never prose.
NON_TEXT = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe"})


#: The authors' escape hatch: `data-postaudit-ignore="A104 R3"` on an element (and its
#: subtree), `<meta name="postaudit" content="ignore: R301">` for the whole page.
IGNORE_ATTR = "data-postaudit-ignore"


IGNORE_RE = re.compile(IGNORE_ATTR, re.I)


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
        #: image-like elements in document order (`is_image_candidate`)
        self.image_like: list[Tag] = []
        for el in self.all:
            self.by_name.setdefault(el.name, []).append(el)
            if el.name in IMAGE_NAMES or ("role" in el.attrs and is_image_candidate(el)):
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
            same = [c for c in parent.contents if isinstance(c, Tag) and c.name == node.name]
            if len(same) > 1:
                step += f":nth-of-type({next(i for i, c in enumerate(same, 1) if c is node)})"
        steps.append(step)
        node = parent if isinstance(parent, Tag) else None
    return " > ".join(reversed(steps))


def own_id_step(tag: Tag) -> str | None:
    el_id = tag.get("id")
    if isinstance(el_id, str) and el_id.strip() and " " not in el_id.strip():
        return f"{tag.name}#{_css_ident(el_id.strip())}"
    return None


def head_step(tag: Tag) -> str | None:
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
    contents = tag.contents
    if len(contents) == 1:  # the common link: one string
        only = contents[0]
        if type(only) is NavigableString:
            return clean(only)
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
    for child in tag.contents:
        if isinstance(child, NavigableString):
            if not isinstance(child, Comment):
                parts.append(str(child).replace("\n", " "))
        elif isinstance(child, Tag) and child.name not in NON_TEXT and not is_hidden(child):
            if child.name == "br":
                parts.append("\n")
            elif child.name in BLOCK_LEVEL:
                parts.append("\n")
                _collect_reader_text(child, parts)
                parts.append("\n")
            else:
                _collect_reader_text(child, parts)


def _collect_text(tag: Tag, parts: list[str]) -> None:
    for child in tag.contents:
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


IMAGE_NAMES = frozenset({"img", "input", "area", "svg"})


def is_image_candidate(tag: Tag) -> bool:
    if tag.name in IMAGE_NAMES:
        return True
    role = tag.get("role")
    return isinstance(role, str) and role.strip().lower() == "img"


def first_named(tag: Tag, name: str) -> Tag | None:
    """`tag.find(name)` without building a bs4 filter: the first descendant so named."""
    return next((d for d in tag.descendants if isinstance(d, Tag) and d.name == name), None)


def strings_in(tag: Tag) -> Iterator[NavigableString]:
    """`tag.find_all(string=True)` without building a bs4 filter: every string below."""
    return (d for d in tag.descendants if isinstance(d, NavigableString))


#: Block-level elements: text directly inside one of these forms a prose block.
BLOCK_LEVEL = frozenset(
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
