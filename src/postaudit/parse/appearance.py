"""Parse-layer records for the appearance rules (`S`): JSON-LD blocks with their source
lines, and the layout attributes of an image (size, inline style, loading, every URL
it may fetch). `build.py` calls these while it builds the `Page`; rules only read the
records.

lxml keeps no source lines, so the lines of `<script type="application/ld+json">`
blocks come from a scan of the raw HTML (comments skipped), paired in order with the
script elements of the tree; when the counts differ (the parser repaired the markup),
lines are left unknown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bs4.element import Tag

#: `<!-- ... -->` or the opening tag of a script element, whatever its type.
_SCRIPT_OR_COMMENT = re.compile(r"<!--.*?-->|<script\b[^>]*>", re.S | re.I)
_TYPE_LD = re.compile(r"""\btype\s*=\s*["']?\s*application/ld\+json""", re.I)
_JEKYLL_SEO = re.compile(
    r"<!--\s*Begin Jekyll SEO tag.*?<!--\s*End Jekyll SEO tag\s*-->", re.S | re.I
)


@dataclass(frozen=True, slots=True)
class LdBlock:
    """One `<script type="application/ld+json">` block."""

    line: int | None  # source line of the <script> tag
    data: Any  # the parsed JSON; None when invalid
    error: str | None  # the JSON error ("Expecting ',' delimiter"), None when valid
    error_line: int | None  # source line of the error in the HTML
    error_text: str | None  # the JSON text around the error (a few characters each side)
    source: str | None  # "yoast" | "rank-math" | "jekyll-seo-tag" when recognisable


@dataclass(frozen=True, slots=True)
class ImageLayout:
    """What decides whether an image shifts the layout or paints late."""

    width_attr: bool  # a usable width attribute (a non-negative number)
    height_attr: bool
    style_width: bool  # inline style sets a width other than auto (px, em, %: anything)
    style_height: bool
    style_aspect: bool  # inline style sets aspect-ratio
    positioned: bool  # inline style position: absolute or fixed (out of the flow)
    loading: str | None  # the loading attribute, lower-cased
    js_lazy: bool  # the real image sits in data-src & co. (a script swaps it in)
    fetches: tuple[str, ...]  # every URL the element may load (src, data-src, srcset), resolved
    classes: tuple[str, ...] = ()

    @property
    def sized(self) -> bool:
        """Lighthouse's unsized-images: explicit width and height, or an aspect ratio
        with one of them, from attributes or (here, inline) CSS."""
        width = self.width_attr or self.style_width
        height = self.height_attr or self.style_height
        return (width and height) or (self.style_aspect and (width or height))


_NUMBER = re.compile(r"\s*\d+(\.\d+)?\s*$")
_LAZY_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-srcset", "data-lazy-srcset")


def _style(tag: Tag) -> dict[str, str]:
    raw = tag.get("style")
    out: dict[str, str] = {}
    if isinstance(raw, str):
        for part in raw.split(";"):
            name, sep, value = part.partition(":")
            if sep:
                out[name.strip().lower()] = value.replace("!important", "").strip().lower()
    return out


def _explicit(value: str | None) -> bool:
    return bool(value) and value not in ("auto", "initial", "inherit", "unset", "revert")


def _srcset_urls(value: str | None) -> list[str]:
    out = []
    for part in (value or "").split(","):
        url = part.strip().split(" ")[0] if part.strip() else ""
        if url:
            out.append(url)
    return out


def image_layout(tag: Tag, resolve: Callable[[str | None], str | None]) -> ImageLayout:
    """The layout record of an `<img>` (or `<input type=image>`)."""

    def value(name: str) -> str | None:
        raw = tag.get(name)
        return raw.strip() if isinstance(raw, str) and raw.strip() else None

    style = _style(tag)
    written: list[str] = []
    for name in ("src", "data-src", "data-lazy-src", "data-original"):
        v = value(name)
        if v:
            written.append(v)
    for name in ("srcset", "data-srcset", "data-lazy-srcset"):
        written.extend(_srcset_urls(value(name)))
    fetches: list[str] = []
    for url in written:
        if url.lower().startswith("data:"):
            continue
        resolved = resolve(url)
        if resolved and resolved not in fetches:
            fetches.append(resolved)
    src = value("src")
    js_lazy = any(value(n) for n in _LAZY_ATTRS) and (
        src is None or src.lower().startswith("data:")
    )
    classes = tag.get("class")
    return ImageLayout(
        width_attr=bool(_NUMBER.match(value("width") or "")),
        height_attr=bool(_NUMBER.match(value("height") or "")),
        style_width=_explicit(style.get("width")),
        style_height=_explicit(style.get("height")),
        style_aspect=_explicit(style.get("aspect-ratio")),
        positioned=style.get("position") in ("absolute", "fixed"),
        loading=(value("loading") or "").lower() or None,
        js_lazy=js_lazy,
        fetches=tuple(fetches),
        classes=tuple(classes) if isinstance(classes, list) else (),
    )


def _line_at(html: str, pos: int) -> int:
    return html.count("\n", 0, pos) + 1


def _source(tag: Tag, start: int | None, jekyll: Sequence[tuple[int, int]]) -> str | None:
    classes = " ".join(tag.get("class") or ()).lower()
    if "yoast" in classes:
        return "yoast"
    if "rank-math" in classes:
        return "rank-math"
    if start is not None and any(a <= start < b for a, b in jekyll):
        return "jekyll-seo-tag"
    return None


def ld_blocks(html: str, scripts: Sequence[Tag]) -> tuple[LdBlock, ...]:
    """Every ld+json block among `scripts` (the document's script elements, in order),
    parsed strictly (RFC 8259, as browsers' JSON.parse and Google's parser read it)."""
    tags = [
        t
        for t in scripts
        if isinstance(t.get("type"), str)
        and str(t.get("type")).strip().lower() == "application/ld+json"
    ]
    if not tags:
        return ()
    # opening tags and content offsets of ld+json scripts in the raw HTML, comments skipped
    raw: list[tuple[int, int]] = []
    for m in _SCRIPT_OR_COMMENT.finditer(html):
        text = m.group(0)
        if not text.startswith("<!--") and _TYPE_LD.search(text):
            raw.append((m.start(), m.end()))
    placed = len(raw) == len(tags)
    jekyll = [(m.start(), m.end()) for m in _JEKYLL_SEO.finditer(html)]
    out = []
    for i, tag in enumerate(tags):
        start, content = raw[i] if placed else (None, None)
        text = tag.string if tag.string is not None else tag.get_text()
        data: Any = None
        error: str | None = None
        error_line: int | None = None
        error_text: str | None = None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            error = exc.msg.removesuffix(" at")  # "Invalid control character at"
            error_text = " ".join(text[max(0, exc.pos - 30) : exc.pos + 30].split())
            if content is not None:
                error_line = _line_at(html, content) + exc.lineno - 1
        except (ValueError, TypeError, RecursionError) as exc:
            error = str(exc) or type(exc).__name__
        out.append(
            LdBlock(
                line=_line_at(html, start) if start is not None else None,
                data=data,
                error=error,
                error_line=error_line,
                error_text=error_text,
                source=_source(tag, start, jekyll),
            )
        )
    return tuple(out)
