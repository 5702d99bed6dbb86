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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, Tag

from postaudit.content import CHROME, Scope, find_scope
from postaudit.model import Location

HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
#: Elements whose text is never prose.
NON_TEXT = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe"})
_WS = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """Collapse whitespace (including NBSP) and strip."""
    if not text:
        return ""
    return _WS.sub(" ", text.replace("\xa0", " ")).strip()


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
    aria_hidden: bool
    focusable: bool  # tabindex >= 0 or inside a focusable control (used by the role conflict rule)
    in_article: bool
    link_href: str | None  # href of the enclosing <a>, if any
    link_only_content: bool  # the enclosing link has no other text or named content
    in_figure: bool
    caption: str | None  # the figure's <figcaption> text
    width: int | None
    height: int | None
    location: Location


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str  # visible text (img alts included)
    name: str  # accessible name: text, else aria-label / aria-labelledby / title
    in_article: bool
    location: Location
    tag: str = ""  # "h2" or "[role=heading]"


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


@dataclass(frozen=True, slots=True)
class Block:
    """A block of article prose in document order: heading, paragraph, list item, ..."""

    kind: str  # "heading" | "p" | "li" | "blockquote" | "pre" | "figcaption" | "td"
    text: str
    level: int  # heading level, else 0
    bold_only: bool  # the whole text sits in <strong>/<b> (a "fake heading" candidate)
    hidden: bool
    location: Location


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

    @property
    def title(self) -> str | None:
        return self.titles[0] if self.titles else None

    @property
    def meta_description(self) -> str | None:
        values = self.meta.get("description")
        return values[0] if values else None

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
        "viewport", "robots", "html", "head"), falling back to <head>, then nowhere."""
        return self.landmarks.get(key) or self.landmarks.get("head") or Location(selector="head")

    @property
    def h1s(self) -> tuple[Heading, ...]:
        return tuple(h for h in self.headings if h.level == 1)

    @property
    def word_count(self) -> int:
        return len(self.article_text.split())


# --------------------------------------------------------------------------- source lines

_SKIP_RE = re.compile(
    r"<!--.*?-->|<(script|style|textarea|title)\b[^>]*>.*?</\1\s*>|<!\[CDATA\[.*?\]\]>",
    re.S | re.I,
)
_TAG_RE = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b")


class SourceLines:
    """Line numbers of start tags, by tag name and order of appearance."""

    def __init__(self, html: str, names: Iterable[str]) -> None:
        wanted = {n.lower() for n in names}
        self._by_name: dict[str, list[int]] = {n: [] for n in wanted}
        pos = 0
        line = 1
        for m in _iter_tags(html):
            name = m[0].lower()
            if name in wanted:
                line += html.count("\n", pos, m[1])
                pos = m[1]
                self._by_name[name].append(line)
        self._index: dict[str, dict[int, int]] = {}

    def bind(self, soup: BeautifulSoup) -> None:
        for name, lines in self._by_name.items():
            tags = soup.find_all(name)
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
        text = clean(tag.get_text(" "))
        if len(text) > 60:
            text = text[:57] + "..."
        out = f"{opening}{text}</{tag.name}>"
    return out if len(out) <= limit else out[: limit - 3] + "..."


# --------------------------------------------------------------------------- parsing


class _Builder:
    """Holds the per-parse state (source lines, scope, resolved base URL)."""

    def __init__(self, soup: BeautifulSoup, lines: SourceLines, scope: Scope, base: str) -> None:
        self.soup = soup
        self.lines = lines
        self.scope = scope
        self.base = base
        self._scope_ids = {id(t) for t in scope.element.descendants if isinstance(t, Tag)}
        self._scope_ids.add(id(scope.element))
        self._id_index: dict[str, Tag] | None = None
        self._selectors: dict[int, str] = {}
        self._nth: dict[int, dict[int, str]] = {}

    def loc(self, tag: Tag) -> Location:
        return Location(self.selector(tag), self.lines.line(tag), excerpt(tag))

    def selector(self, tag: Tag) -> str:
        """`css_selector`, memoised per element so shared ancestors are walked once."""
        key = id(tag)
        cached = self._selectors.get(key)
        if cached is not None:
            return cached
        own = _own_id_step(tag)
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

    def in_article(self, tag: Tag) -> bool:
        if id(tag) not in self._scope_ids:
            return False
        if self.scope.chrome_excluded:
            return not any(p.name in CHROME for p in tag.parents if isinstance(p, Tag))
        return True

    def resolve(self, href: str | None) -> str | None:
        if href is None:
            return None
        href = href.strip()
        if not href:
            return None
        try:
            url = urljoin(self.base, href)
        except ValueError:
            return None
        return url

    def by_id(self, element_id: str) -> Tag | None:
        if self._id_index is None:
            self._id_index = {}
            for t in self.soup.find_all(id=True):
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
    value = tag.get(name)
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


def _collect_text(tag: Tag, parts: list[str]) -> None:
    for child in tag.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            parts.append(str(child))
        elif isinstance(child, Tag):
            if child.name in NON_TEXT or is_hidden(child):
                if child.name == "svg" and not is_hidden(child):
                    title = child.find("title")
                    if isinstance(title, Tag):
                        parts.append(title.get_text(" "))
                continue
            if child.name == "img":
                alt = attr(child, "alt")
                if alt:
                    parts.append(f" {alt} ")
                continue
            _collect_text(child, parts)


def is_hidden(tag: Tag) -> bool:
    if tag.get("hidden") is not None or attr(tag, "aria-hidden") == "true":
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


_SRC_ATTRS = ("src", "data-src", "data-image", "data-lazy-src", "data-original")


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


def _images(b: _Builder) -> list[Image]:
    out: list[Image] = []
    soup = b.soup
    candidates = soup.find_all(["img", "input", "area", "svg"])
    candidates += [t for t in soup.select("[role=img]") if t.name not in ("img", "svg")]
    seen: set[int] = set()
    for tag in candidates:
        if id(tag) in seen:
            continue
        seen.add(id(tag))
        name = tag.name
        role = (attr(tag, "role") or "").strip().lower() or None
        if name == "input" and (attr(tag, "type") or "").lower() != "image":
            continue
        if name == "area" and attr(tag, "href") is None:
            continue
        if name == "svg" and role not in ("img", "graphics-document", "graphics-symbol"):
            continue
        kind = {"img": "img", "input": "input", "area": "area", "svg": "svg"}.get(name, "role-img")
        title = attr(tag, "title")
        if name == "svg":
            t = tag.find("title")
            if isinstance(t, Tag) and clean(t.get_text()):
                title = clean(t.get_text())
        link = _enclosing(tag, "a")
        link_only = False
        if link is not None:
            others = [
                t
                for t in link.find_all(True)
                if t is not tag and t.name not in ("picture", "source", "span", "div")
            ]
            own_text = clean(
                "".join(s for s in link.find_all(string=True) if not isinstance(s, Comment))
            )
            link_only = (
                not own_text
                and not others
                and not attr(link, "aria-label")
                and not attr(link, "title")
            )
        figure = _enclosing(tag, "figure")
        caption = None
        if figure is not None:
            fc = figure.find("figcaption")
            if isinstance(fc, Tag):
                caption = clean(fc.get_text(" ")) or None
        tabindex = _int(attr(tag, "tabindex"))
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
                aria_hidden=attr(tag, "aria-hidden") == "true",
                focusable=tabindex is not None and tabindex >= 0,
                in_article=b.in_article(tag),
                link_href=attr(link, "href") if link is not None else None,
                link_only_content=link_only,
                in_figure=figure is not None,
                caption=caption,
                width=_int(attr(tag, "width")),
                height=_int(attr(tag, "height")),
                location=b.loc(tag),
            )
        )
    return out


def _is_heading_like(tag: Tag) -> bool:
    return tag.name in HEADING_TAGS or attr(tag, "role") == "heading"


def _headings(b: _Builder) -> list[Heading]:
    out: list[Heading] = []
    for tag in b.soup.find_all(_is_heading_like):
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
        if is_hidden(tag):
            continue
        text = visible_text(tag)
        name = (
            text
            or clean(attr(tag, "aria-label"))
            or (b.labelledby(tag) or "")
            or clean(attr(tag, "title"))
        )
        out.append(Heading(level, text, name, b.in_article(tag), b.loc(tag), tag_label))
    return out


def _links(b: _Builder, page_lang: str | None) -> list[Link]:
    out: list[Link] = []
    for tag in b.soup.find_all("a"):
        href = attr(tag, "href")
        if href is None:
            continue
        lang_el = tag if tag.get("lang") else tag.find_parent(lang=True)
        lang = attr(lang_el, "lang") if isinstance(lang_el, Tag) else page_lang
        hidden = is_hidden(tag) or any(is_hidden(p) for p in tag.parents if isinstance(p, Tag))
        el_id = attr(tag, "id")
        out.append(
            Link(
                href=href,
                url=b.resolve(href),
                text=visible_text(tag),
                aria_label=attr(tag, "aria-label"),
                title=attr(tag, "title"),
                rel=frozenset((attr(tag, "rel") or "").lower().split()),
                target=attr(tag, "target"),
                in_article=b.in_article(tag),
                hidden=hidden,
                lang=lang,
                location=b.loc(tag),
                classes=tuple(tag.get_attribute_list("class") or ()),
                element_id=el_id,
            )
        )
    return out


def _head_links(b: _Builder) -> list[Link]:
    out: list[Link] = []
    for tag in b.soup.find_all("link"):
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


def _blocks(b: _Builder) -> list[Block]:
    out: list[Block] = []
    root = b.scope.element
    _walk_blocks(b, root, is_hidden(root), False, out)
    return out


def _walk_blocks(b: _Builder, el: Tag, hidden: bool, in_header: bool, out: list[Block]) -> None:
    runs: list[tuple[str, bool]] = []

    def flush() -> None:
        text = clean("".join(t for t, _ in runs))
        if text:
            level = int(el.name[1]) if el.name in HEADING_TAGS else 0
            if not (in_header and not level):
                kind = "heading" if level else _BLOCK_KIND.get(el.name, "div")
                bold = kind == "p" and all(bold for t, bold in runs if t.strip())
                out.append(Block(kind, text, level, bold, hidden, b.loc(el)))
        runs.clear()

    for child in el.children:
        if isinstance(child, Tag):
            name = child.name
            if name in _NOT_PROSE or (name == "header" and b.scope.chrome_excluded):
                continue
            if name == "br":
                runs.append((" ", False))
            elif name in _BLOCK_LEVEL:
                flush()
                child_hidden = hidden or is_hidden(child)
                _walk_blocks(b, child, child_hidden, in_header or name == "header", out)
            elif name != "img" and not is_hidden(child):
                _inline_runs(child, name in ("strong", "b"), runs)
        elif isinstance(child, NavigableString) and not isinstance(child, Comment):
            runs.append((str(child), False))
    flush()


def _inline_runs(el: Tag, bold: bool, runs: list[tuple[str, bool]]) -> None:
    for child in el.children:
        if isinstance(child, Tag):
            if child.name in _NOT_PROSE or child.name == "img" or is_hidden(child):
                continue
            if child.name == "br":
                runs.append((" ", bold))
                continue
            _inline_runs(child, bold or child.name in ("strong", "b"), runs)
        elif isinstance(child, NavigableString) and not isinstance(child, Comment):
            runs.append((str(child), bold))


def _meta(soup: BeautifulSoup) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for tag in soup.find_all("meta"):
        key = attr(tag, "name") or attr(tag, "property") or attr(tag, "http-equiv")
        if not key:
            if tag.get("charset") is not None:
                out.setdefault("charset", []).append(attr(tag, "charset") or "")
            continue
        out.setdefault(key.strip().lower(), []).append(clean(attr(tag, "content")))
    return {k: tuple(v) for k, v in out.items()}


def _landmarks(b: _Builder) -> dict[str, Location]:
    soup = b.soup
    found: dict[str, Tag | None] = {
        "html": soup.find("html"),
        "head": soup.find("head"),
        "title": soup.find("title"),
        "description": soup.find("meta", attrs={"name": re.compile("^description$", re.I)}),
        "viewport": soup.find("meta", attrs={"name": re.compile("^viewport$", re.I)}),
        "robots": soup.find("meta", attrs={"name": re.compile("^(robots|googlebot)$", re.I)}),
        "canonical": next(
            (
                t
                for t in soup.find_all("link")
                if "canonical" in (attr(t, "rel") or "").lower().split()
            ),
            None,
        ),
    }
    out: dict[str, Location] = {}
    for key, tag in found.items():
        if isinstance(tag, Tag):
            loc = b.loc(tag)
            if key == "html":  # the whole document is no excerpt: keep the opening tag only
                loc = Location(loc.selector, loc.line, excerpt(tag).split(">", 1)[0] + ">")
            if key == "head":
                loc = Location("head", loc.line, "<head>")
            out[key] = loc
    return out


def _json_ld(soup: BeautifulSoup) -> list[Any]:
    out: list[Any] = []
    for tag in soup.find_all("script", type=re.compile(r"application/ld\+json", re.I)):
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


def parse_page(
    html: str,
    url: str,
    *,
    final_url: str | None = None,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    content_selector: str | None = None,
    encoding: str | None = None,
) -> Page:
    """Parse `html` (already decoded) into a `Page`. Pure: no I/O."""
    final = final_url or url
    soup = BeautifulSoup(html, "lxml")
    lines = SourceLines(html, _LINE_TAGS)
    lines.bind(soup)
    scope = find_scope(soup, content_selector)
    base_tag = soup.find("base", href=True)
    base_href = attr(base_tag, "href") if isinstance(base_tag, Tag) else None
    base = final
    if base_href:
        try:
            base = urljoin(final, base_href.strip())
        except ValueError:
            base = final
    b = _Builder(soup, lines, scope, base)
    html_tag = soup.find("html")
    lang = None
    if isinstance(html_tag, Tag):
        lang = (attr(html_tag, "lang") or "").strip() or None
    titles = tuple(clean(t.get_text()) for t in soup.find_all("title") if not t.find_parent("svg"))
    viewport_tag = soup.find("meta", attrs={"name": re.compile("^viewport$", re.I)})
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
    return Page(
        url=url,
        final_url=final,
        status=status,
        headers={k.lower(): v for k, v in (headers or {}).items()},
        lang=lang,
        titles=titles,
        meta=_meta(soup),
        canonicals=tuple(
            attr(t, "href") or ""
            for t in soup.find_all("link", href=True)
            if "canonical" in (attr(t, "rel") or "").lower().split()
        ),
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
        json_ld=tuple(_json_ld(soup)),
        source_lines_known=lines.known,
        landmarks=landmarks,
        encoding=encoding,
    )


def url_host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
