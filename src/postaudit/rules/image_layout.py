"""Appearance (`S73x`): image markup behind layout shift and a late largest paint.

Only the page's own markup is read (no CSS files, no rendering), so the checks are
kept to what markup decides: an image without width and height (or an inline
aspect-ratio) shifts the text below it when it loads, Lighthouse's `unsized-images`;
the first image at the top of the article is the likely Largest Contentful Paint and
should not wait for lazy loading, Lighthouse's `lcp-lazy-loaded`; an http image on an
https page is mixed content.
"""

from __future__ import annotations

from collections.abc import Iterator

from postaudit.model import Category, Hit, Severity
from postaudit.parse.page import Image, Page
from postaudit.rules.alt_text import short_src
from postaudit.rules.appearance import applies_to_page, content_images, page_is_https
from postaudit.rules.base import Options, rule

#: Classes of images that CSS always sizes (WordPress emoji and smilies).
_CSS_SIZED = frozenset({"emoji", "wp-smiley"})


def _unsized(page: Page) -> tuple[list[Image], int]:
    """(content images without a size, content images that can shift)."""
    considered = []
    for img in content_images(page):
        layout = img.layout
        if layout is None or layout.positioned or _CSS_SIZED & set(layout.classes):
            continue
        considered.append(img)
    unsized = [
        i
        for i in considered
        if i.layout is not None
        and not i.layout.sized
        # Squarespace writes the size as data-image-dimensions and lays the image out
        # in a box of that ratio
        and not (i.width is not None and i.height is not None and not i.layout.width_attr)
    ]
    return unsized, len(considered)


def _missing_size(img: Image) -> str:
    """What the image lacks: "no width and height", or "a width but no height"."""
    layout = img.layout
    width = layout is not None and (layout.width_attr or layout.style_width)
    height = layout is not None and (layout.height_attr or layout.style_height)
    if width and not height:
        return "a width but no height"
    if height and not width:
        return "a height but no width"
    return "no width and height"


@rule(
    code="S731",
    name="img-unsized",
    category=Category.APPEARANCE,
    title="Content images have width and height",
    fix='add width="..." height="..." (the image\'s pixel size) to the <img>',
    severity=Severity.INFO,
    applies=lambda page, options: applies_to_page(page, options) and _unsized(page)[1] > 0,
)
def img_unsized(page: Page, options: Options) -> Iterator[Hit]:
    """Each image in the article has width and height attributes (or, in its inline
    style, a width and height, or an aspect-ratio with one of them).

    The browser reserves the image's box from these before the file arrives; without
    them the text below jumps when the image loads (Cumulative Layout Shift, a Core
    Web Vital). CSS `max-width: 100%; height: auto` keeps the image responsive with
    the attributes set. Icons (32 px or less), SVGs, data: URIs, images positioned
    absolute or fixed and WordPress emoji are left out. Scored as the share of sized
    images.

    An info, not a warning: the shift is real but small next to a broken card or
    invalid data, and Lighthouse lists unsized images as a diagnostic, not a failed
    audit. Markdown writes no image sizes, so a post of screenshots reports every
    one: a finding per image (as the alt-text rules do), so that an ignore or a
    baseline can name one image and a newly added one shows up as new.

    Fails: <article><img src="/photo.jpg" alt="The harbour"></article>
    Passes: <article><img src="/photo.jpg" alt="The harbour" width="1200" height="800"></article>
    """
    unsized, total = _unsized(page)
    score = 1 - len(unsized) / total if total else 1.0
    for img in unsized:
        yield Hit(
            f"image {short_src(img)} has {_missing_size(img)}: the text below it "
            "shifts when it loads",
            img.location,
            score=score,
            key=img.src or "",
        )


def _first_image(page: Page) -> Image | None:
    images = content_images(page)
    return images[0] if images else None


def _words_before(page: Page, img: Image) -> int | None:
    line = img.location.line
    if line is None or not page.source_lines_known:
        return None
    words = 0
    for block in page.blocks:
        block_line = block.location.line
        if block.hidden or block.kind == "figcaption":
            continue
        if block_line is None or block_line >= line:
            break
        words += len(block.text.split())
    return words


@rule(
    code="S732",
    name="img-lcp-lazy",
    category=Category.APPEARANCE,
    title="The first image of the post is not lazy-loaded",
    fix='drop loading="lazy" (and the lazy-load class) from the post\'s first image',
    severity=Severity.WARNING,
    defaults={"max_words_before": 50},
    applies=lambda page, options: applies_to_page(page, options) and _first_image(page) is not None,
)
def img_lcp_lazy(page: Page, options: Options) -> Iterator[Hit]:
    """The article's first image, when it sits at the top (fewer than 50 words of
    text before it, option `max_words_before`), is not lazy-loaded.

    That image is the likely Largest Contentful Paint; `loading="lazy"` makes the
    browser wait for layout before fetching it, and a script lazy loader (the real
    source in data-src) waits for the script as well (Lighthouse: lcp-lazy-loaded).
    Lazy loading belongs on the images further down. Images narrower than 150 px are
    not a largest paint and are left out.

    Fails: <article><img src="/hero.jpg" loading="lazy" width="1200" height="600"> ...
    Passes: <article><img src="/hero.jpg" width="1200" height="600"> <p>...</p>
            <img src="/later.jpg" loading="lazy" ...></article>
    """
    img = _first_image(page)
    if img is None or img.layout is None or (img.width is not None and img.width < 150):
        return
    words = _words_before(page, img)
    if words is None or words >= int(options["max_words_before"]):
        return
    how = None
    if img.layout.loading == "lazy":
        how = 'loading="lazy"'
    elif img.layout.js_lazy:
        how = "a script lazy loader (its source is in data-src)"
    if how is None:
        return
    wordpress = any(v.lower().startswith("wordpress") for v in page.meta.get("generator", ()))
    extra = " (WordPress before 5.9 lazy-loads every content image)" if wordpress else ""
    yield Hit(
        f"the post's first image {short_src(img)} is the likely largest paint but "
        f"waits for {how}{extra}",
        img.location,
        key=img.src or "",
    )


def _mixed(page: Page) -> list[tuple[Image, str]]:
    out = []
    for img in page.images:
        if img.layout is None:
            continue
        http = [u for u in img.layout.fetches if u.lower().startswith("http://")]
        if http:
            out.append((img, http[0]))
    return out


@rule(
    code="S733",
    name="img-mixed-content",
    category=Category.APPEARANCE,
    title="Images on an https page load over https",
    fix="change the image URL to https:// (or a relative path)",
    severity=Severity.WARNING,
    applies=lambda page, options: applies_to_page(page, options) and page_is_https(page),
)
def img_mixed_content(page: Page, options: Options) -> Iterator[Hit]:
    """No image on an https page loads from an http:// URL (src, srcset or a lazy
    loader's data-src).

    Browsers upgrade such images to https or block them, and mark the page as not
    fully secure; when the image host has no https the picture is simply gone. Old
    posts keep these after a site moves to https.

    Fails: <img src="http://example.com/old/photo.jpg" alt="...">  (on an https page)
    Passes: <img src="https://example.com/old/photo.jpg" alt="...">
    """
    for img, url in _mixed(page):
        yield Hit(
            f"image {url[:120]} loads over http on an https page",
            img.location,
            key=url,
        )


RULES = (img_unsized, img_lcp_lazy, img_mixed_content)
