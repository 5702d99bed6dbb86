"""The images of a page (`extract_images`): their sources (lazy-loading attributes
included), accessible names, the text around them, sizes and layout."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bs4.element import Comment, NavigableString, Tag

from postaudit.parse.appearance import (
    image_layout,
)

if TYPE_CHECKING:
    pass
from postaudit.parse.builder import Builder, int_value
from postaudit.parse.dom import (
    BLOCK_LEVEL,
    HEADING_TAGS,
    NON_TEXT,
    attr,
    clean,
    first_named,
    is_hidden,
    is_image_candidate,
    strings_in,
)
from postaudit.parse.page import Image

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


def hidden_from_at(tag: Tag) -> bool:
    """aria-hidden, `hidden` or display:none on the element or an ancestor, or inside
    <noscript>/<template> (never rendered when scripts run)."""
    if is_hidden(tag):
        return True
    return any(
        is_hidden(p) or p.name in ("noscript", "template")
        for p in tag.parents
        if isinstance(p, Tag)
    )


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


def _image_name(b: Builder, tag: Tag) -> str:
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


def name_from_content(b: Builder, tag: Tag) -> list[str]:
    """Name from content, as the accessible-name computation recurses (accname 2F):
    text, and for each element inside its own aria-labelledby or aria-label (an icon
    `<span aria-label="...">`), else an image's alt, else its content."""
    parts: list[str] = []
    for child in tag.contents:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            parts.append(str(child))
        elif isinstance(child, Tag) and not is_hidden(child):
            own = (b.labelledby(child) or "") or clean(attr(child, "aria-label"))
            if own:
                parts.append(f" {own} ")
            elif is_image_candidate(child):
                parts.append(f" {_image_name(b, child)} ")
            elif child.name not in NON_TEXT:
                parts.extend(name_from_content(b, child))
    return parts


def _dimensions(tag: Tag) -> tuple[int | None, int | None]:
    width, height = int_value(attr(tag, "width")), int_value(attr(tag, "height"))
    dims = attr(tag, "data-image-dimensions")  # Squarespace: "1500x1000"
    m = re.fullmatch(r"\s*(\d+)\s*x\s*(\d+)\s*", dims or "")
    if m:
        width = width if width is not None else int(m.group(1))
        height = height if height is not None else int(m.group(2))
    return width, height


def extract_images(b: Builder) -> list[Image]:
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
            if block is None and pname in BLOCK_LEVEL:
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
                or clean(" ".join(name_from_content(b, link)))
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
        tabindex = int_value(attr(tag, "tabindex"))
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
                aria_hidden=hidden_from_at(tag),
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
