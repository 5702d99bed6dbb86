"""Appearance (`S`): how the post looks before anyone reads it. This module holds the
share card rules (Open Graph, X/Twitter card, S70x) and the helpers the family shares;
`structured_data` holds the JSON-LD rules (S71x) and `image_layout` the image markup
behind layout shift and a late largest paint (S73x).

The Open Graph protocol (ogp.me) requires og:title, og:type, og:image and og:url on
every page. X reads its own `twitter:*` tags and falls back to Open Graph for the
title, description and image; without `twitter:card` it may still render a summary
card when og:type, og:title and og:description are there (X's cards markup reference),
so a page with complete Open Graph needs no twitter tags at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from postaudit.model import Category, Hit, Severity
from postaudit.parse.page import Image, Page
from postaudit.rules.alt_text import short_src
from postaudit.rules.base import Options, rule

#: Schema.org types Google reads as an article (Article and its subtypes).
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "AdvertiserContentArticle",
        "AnalysisNewsArticle",
        "AskPublicNewsArticle",
        "BackgroundNewsArticle",
        "BlogPosting",
        "DiscussionForumPosting",
        "LiveBlogPosting",
        "NewsArticle",
        "OpinionNewsArticle",
        "Report",
        "ReportageNewsArticle",
        "ReviewNewsArticle",
        "SatiricalArticle",
        "ScholarlyArticle",
        "MedicalScholarlyArticle",
        "SocialMediaPosting",
        "TechArticle",
        "APIReference",
    }
)
_LOGO_NAME = re.compile(r"(?:^|[^a-z])(?:logo|favicon|apple-touch-icon|avatar)", re.I)
_SCHEMA_PREFIX = re.compile(r"^(?:https?://schema\.org/|schema:)", re.I)

# --------------------------------------------------------------------------- helpers


def applies_to_page(page: Page, options: Options) -> bool:
    """Every page but a redirect stub (nobody shares or ranks a redirect)."""
    return page.redirect_to is None


def types_of(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {_SCHEMA_PREFIX.sub("", v.strip()) for v in values if isinstance(v, str)}


def ld_nodes(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD node (object) in a parsed block: arrays, `@graph` and nesting."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            stack.extend(reversed(list(item.values())))


def is_post(page: Page) -> bool:
    """The page says it is an article: Article-type JSON-LD or `article:` Open Graph
    times (themes emit these on posts only)."""
    if page.meta.get("article:published_time") or page.meta.get("article:modified_time"):
        return True
    return any(
        types_of(node) & ARTICLE_TYPES
        for block in page.ld_blocks
        if block.error is None
        for node in ld_nodes(block.data)
    )


def generator(page: Page) -> str | None:
    """Which plugin, tag or theme system wrote the markup, when recognisable:
    "yoast", "rank-math", "jekyll-seo-tag", "hugo", "ghost", "hexo", "wordpress"."""
    for block in page.ld_blocks:
        if block.source:
            return block.source
        if block.error is None and any(
            "/#/schema/" in str(node.get("@id", "")) for node in ld_nodes(block.data)
        ):
            return "yoast"
    for value in page.meta.get("generator", ()):
        low = value.lower()
        for name in ("jekyll", "hugo", "ghost", "hexo", "wordpress"):
            if low.startswith(name):
                return name
    return None


_HINTS: dict[tuple[str, str], str] = {
    ("yoast", "image"): "set a featured image, or an image in the post's Yoast SEO Social tab",
    ("yoast", "author"): "Yoast SEO takes it from the WordPress user: fill in the author's "
    "display name in Users > Profile",
    ("yoast", "*"): "Yoast SEO writes this: see SEO > Settings and the post's Yoast SEO box",
    ("rank-math", "image"): "set a featured image, or an image in the post's Rank Math Social tab",
    ("rank-math", "*"): "Rank Math writes this: see Rank Math > Titles & Meta and the post's "
    "Schema tab",
    ("jekyll-seo-tag", "image"): "jekyll-seo-tag reads `image:` from the post's front matter "
    "(or `defaults` in _config.yml)",
    ("jekyll-seo-tag", "author"): "jekyll-seo-tag reads `author:` from the front matter or "
    "_config.yml",
    ("jekyll-seo-tag", "url"): "jekyll-seo-tag builds URLs from `url` in _config.yml: build "
    "with JEKYLL_ENV=production and the site's public url",
    ("jekyll-seo-tag", "date"): "jekyll-seo-tag reads `date:` and `last_modified_at:` from the "
    "front matter",
    ("jekyll-seo-tag", "*"): "jekyll-seo-tag writes this from the front matter and _config.yml",
    ("jekyll", "url"): "Jekyll builds absolute URLs from `url` in _config.yml: build with "
    "JEKYLL_ENV=production and the site's public url",
    ("hugo", "image"): "set `images = [...]` in the post's front matter (Hugo's opengraph and "
    "twitter_cards templates read it) or `params.images` site-wide",
    ("hugo", "*"): "the Hugo theme's head partial or schema template writes this",
    ("ghost", "image"): "set the post's feature image (or a Facebook/X card image in the post "
    "settings)",
    ("ghost", "*"): "Ghost writes this from the post settings",
    ("hexo", "image"): "set `photos:` in the post's front matter (Hexo's open_graph helper "
    "reads it; a theme's own cover field only if the theme passes it on)",
    ("hexo", "*"): "Hexo's open_graph helper writes these from the front matter and _config.yml",
    ("wordpress", "*"): "WordPress themes do not write these: an SEO plugin (Yoast SEO, Rank "
    "Math) does",
}


def hint(page: Page, topic: str) -> str:
    """ " (how to fix it in the plugin or theme that wrote it)", or "" when unknown."""
    source = generator(page)
    if source is None:
        return ""
    text = _HINTS.get((source, topic)) or _HINTS.get((source, "*"))
    return f" ({text})" if text else ""


def meta_value(page: Page, key: str) -> str | None:
    values = [v for v in page.meta.get(key, ()) if v]
    return values[0] if values else None


_LOCAL_HOST = re.compile(
    r"^(?:localhost|0\.0\.0\.0|127\.\d+\.\d+\.\d+|\[::1\]|.+\.(?:local|localhost|test))$", re.I
)


def dev_address(page: Page, url: str) -> bool:
    """`url` is a development address while the page is not served from one (a local
    preview server, `hugo server` or the demo, writes its own address everywhere)."""
    return is_local(url) and not is_local(page.final_url)


def is_local(url: str) -> bool:
    """A development address (localhost, 0.0.0.0, 127.x, *.local, *.test)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return bool(host) and bool(_LOCAL_HOST.match(host))


def same_url(a: str, b: str) -> bool:
    """Equal as addresses: scheme and host case, default ports, the fragment and a
    trailing slash do not count."""
    return _norm(a) == _norm(b)


def _norm(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    path = parts.path
    if path.endswith("/index.html"):  # the directory's index: the same page
        path = path[: -len("index.html")]
    path = path.rstrip("/") or "/"
    return urlunsplit((scheme, host, path, parts.query, ""))


def absolute(page: Page, url: str) -> str:
    """`url` resolved against the page (for files, against nothing: as written)."""
    base = page.final_url if page.final_url.startswith(("http://", "https://")) else ""
    try:
        return urljoin(base, url.strip()) if base else url.strip()
    except ValueError:
        return url.strip()


def canonical_url(page: Page) -> str | None:
    """The page's one canonical as an absolute http(s) URL (None: none, several, or a
    relative one in a file that has no URL to resolve it against)."""
    found = {absolute(page, c) for c in page.canonicals if c.strip()}
    if len(found) != 1:
        return None
    (url,) = found
    return url if url.lower().startswith(("http://", "https://")) else None


def page_is_https(page: Page) -> bool:
    """The page is served over https: its URL, or (for a built file) its canonical or
    og:url."""
    for url in (page.final_url, *page.canonicals, meta_value(page, "og:url") or ""):
        if url.startswith(("http://", "https://")):
            return url.startswith("https://")
    return False


def is_logo(img: Image) -> bool:
    """A site logo or icon by its file name or class (logo, favicon, icon, avatar)."""
    name = urlsplit(img.src or "").path.rsplit("/", 1)[-1]
    classes = " ".join(img.layout.classes) if img.layout else ""
    return bool(_LOGO_NAME.search(name) or _LOGO_NAME.search(classes))


def content_images(page: Page) -> list[Image]:
    """The post's own images: <img> in the article, visible, with a source that is not
    a data: URI, an SVG, an icon-sized image (32x32 or smaller) or a logo (themes size
    those in their CSS, which is not read)."""
    out = []
    for img in page.images:
        if img.kind != "img" or not img.in_article or img.aria_hidden or not img.src:
            continue
        if is_logo(img):
            continue
        if img.src.startswith("data:") or urlsplit(img.src).path.lower().endswith(".svg"):
            continue
        if img.width is not None and img.height is not None and max(img.width, img.height) <= 32:
            continue
        out.append(img)
    return out


# --------------------------------------------------------------------------- Open Graph

_OG_REQUIRED = ("og:title", "og:type", "og:image", "og:url")
#: What X falls back on for a summary card when there is no `twitter:card`.
_X_FALLBACK = ("og:type", "og:title", "og:description")


def _x_fallback_missing(page: Page) -> list[str]:
    """The Open Graph tags X would fall back on that are missing, when the page has no
    `twitter:card` ([] when it has one, or when the fallback is complete)."""
    if meta_value(page, "twitter:card") is not None:
        return []
    return [key for key in _X_FALLBACK if not meta_value(page, key)]


def _x_left_to_s707(page: Page) -> bool:
    """X's card fails for want of og:description alone (og:type and og:title are there,
    so S701 does not speak for X): S707 reports it, and S702 leaves it to S707."""
    return _x_fallback_missing(page) == ["og:description"]


@rule(
    code="S701",
    name="og-missing",
    category=Category.APPEARANCE,
    title="The page has the Open Graph basics",
    fix="add the missing og: meta tags (an SEO plugin or the theme's head template writes them)",
    severity=Severity.WARNING,
    applies=applies_to_page,
)
def og_missing(page: Page, options: Options) -> Iterator[Hit]:
    """The four properties the Open Graph protocol requires on every page are there:
    og:title, og:type, og:image and og:url.

    Facebook, LinkedIn, Mastodon, Slack and messengers build the share card from
    them; without og:image the card has no picture (or one the scraper picked), and
    without og:url shares of the same post under different URLs are counted apart.
    X's own `twitter:*` tags do not help these sites, so they are not counted here.
    When og:title or og:type is missing and there is no `twitter:card` either, the
    message adds that X shows no card: that is the same fix, so S707 does not report
    it again.

    Fails: <meta property="og:title" content="Post"> (no og:type, og:image, og:url)
    Passes: <meta property="og:title" ...> <meta property="og:type" content="article">
            <meta property="og:image" content="https://..."> <meta property="og:url" ...>
    """
    missing = [key for key in _OG_REQUIRED if not meta_value(page, key)]
    if missing:
        topic = "image" if missing == ["og:image"] else "og"
        x_card = (
            ", and with no twitter:card either X shows no card"
            if {"og:title", "og:type"} & set(missing) and _x_fallback_missing(page)
            else ""
        )
        yield Hit(
            f"no {', '.join(missing)}: share cards are built from these{x_card}{hint(page, topic)}",
            page.locate("head"),
            key="og-missing",
        )


@rule(
    code="S702",
    name="og-description-missing",
    category=Category.APPEARANCE,
    title="The share card has a description",
    fix='add <meta property="og:description" content="..."> (the post\'s summary)',
    severity=Severity.INFO,
    applies=lambda page, options: (
        applies_to_page(page, options)
        and bool(meta_value(page, "og:title"))
        and not _x_left_to_s707(page)
    ),
)
def og_description_missing(page: Page, options: Options) -> Iterator[Hit]:
    """A page with Open Graph tags has og:description.

    The protocol makes it optional and some sites fall back to the meta description,
    but X needs og:description (or twitter:description) to render a card without a
    `twitter:card` tag, and LinkedIn and messengers show it under the title. Pages
    without any Open Graph are reported by S701 instead, and a page whose X card
    fails for want of og:description alone (no twitter:card) by S707, which names
    both consequences.

    Fails: <meta property="og:title" content="Post"> (and no og:description)
    Passes: <meta property="og:description" content="What the post is about">
    """
    if not meta_value(page, "og:description"):
        text = "" if page.meta_description else " and the page has no meta description either"
        yield Hit(
            f"no og:description{text}: the share card shows a title only{hint(page, 'og')}",
            page.locate("head"),
            key="og:description",
        )


@rule(
    code="S703",
    name="og-image-url",
    category=Category.APPEARANCE,
    title="The share image has an absolute https URL",
    fix="write og:image as a full https:// URL of the image",
    severity=Severity.WARNING,
    applies=lambda page, options: (
        applies_to_page(page, options) and bool(meta_value(page, "og:image"))
    ),
)
def og_image_url(page: Page, options: Options) -> Iterator[Hit]:
    """og:image is an absolute URL, over https when the page is.

    Scrapers do not resolve a relative og:image against the page (the protocol asks
    for a full URL), so a relative or protocol-relative image gives a card without a
    picture; an http image on an https site is blocked or dropped by several of them.

    Fails: <meta property="og:image" content="/images/cover.jpg">
    Passes: <meta property="og:image" content="https://example.com/images/cover.jpg">
    """
    url = meta_value(page, "og:image") or ""
    where = page.locate("og:image")
    low = url.lower()
    if not low.startswith(("http://", "https://")):
        what = "protocol-relative" if url.startswith("//") else "not an absolute URL"
        yield Hit(
            f"og:image {url[:120]!r} is {what}: scrapers need the full https:// URL"
            f"{hint(page, 'url')}",
            where,
            key="og:image",
        )
    elif low.startswith("http://") and page_is_https(page):
        yield Hit(
            f"og:image {url[:120]!r} is http on an https page: serve it over https",
            where,
            key="og:image",
        )


def _home_link(page: Page, href: str | None) -> bool:
    """The link goes to the site's home page (a header logo's link)."""
    if href is None:
        return False
    target = href.strip()
    if target in ("/", "./", "../", "index.html", "/index.html") or re.fullmatch(
        r"(?:\.\./)+(?:index\.html)?", target
    ):
        return True
    full = absolute(page, target)
    parts = urlsplit(full)
    return parts.scheme in ("http", "https") and parts.path in ("", "/", "/index.html")


def _logo_urls(page: Page) -> set[str]:
    """Site logos: JSON-LD publisher/organization logos, and images outside the article
    that link to the home page (the header logo). Other images outside the article are
    not logos: themes put the post's featured image above its text."""
    out = set()
    for block in page.ld_blocks:
        if block.error is not None:
            continue
        for node in ld_nodes(block.data):
            logo = node.get("logo")
            if isinstance(logo, str):
                out.add(logo)
            elif isinstance(logo, dict) and isinstance(logo.get("url"), str):
                out.add(logo["url"])
    out.update(
        absolute(page, img.src)
        for img in page.images
        if not img.in_article and img.src and _home_link(page, img.link_href)
    )
    return {_norm(u) for u in out}


@rule(
    code="S704",
    name="og-image-logo",
    category=Category.APPEARANCE,
    title="The share image is the post's own",
    fix="give the post its own share image (its featured image or first picture)",
    severity=Severity.INFO,
    applies=lambda page, options: (
        applies_to_page(page, options)
        and bool(meta_value(page, "og:image"))
        and bool(content_images(page))
    ),
)
def og_image_logo(page: Page, options: Options) -> Iterator[Hit]:
    """og:image is not the site's logo or icon while the post has pictures of its own.

    A share card with the site logo looks the same for every post; when the article
    has images, one of them (or a featured image) makes the card recognisable. The
    logo is recognised as the JSON-LD publisher logo, an image outside the article
    that links to the home page (the header logo), or a file named logo, favicon,
    apple-touch-icon or avatar.

    Fails: <meta property="og:image" content="https://example.com/logo.png"> and
           <article><img src="/post/diagram.png" ...></article>
    Passes: <meta property="og:image" content="https://example.com/post/diagram.png">
    """
    url = meta_value(page, "og:image") or ""
    own = {_norm(absolute(page, i.src)) for i in content_images(page) if i.src}
    if _norm(url) in own:
        return
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    if _norm(url) in _logo_urls(page) or _LOGO_NAME.search(name):
        first = content_images(page)[0]
        yield Hit(
            f"og:image {name or url!r} looks like the site logo, while the post has "
            f"{len(own)} image(s) of its own (first: {short_src(first)})"
            f"{hint(page, 'image')}",
            page.locate("og:image"),
            key="og:image",
        )


@rule(
    code="S705",
    name="og-url-mismatch",
    category=Category.APPEARANCE,
    title="The share URL is the canonical URL",
    fix="make og:url the same absolute URL as the canonical link",
    severity=Severity.WARNING,
    applies=lambda page, options: (
        applies_to_page(page, options) and bool(meta_value(page, "og:url"))
    ),
)
def og_url_mismatch(page: Page, options: Options) -> Iterator[Hit]:
    """og:url is the page's public canonical address.

    Facebook and LinkedIn count shares and cache the card under og:url: one that
    differs from the canonical splits the counts, and one on a development address
    (localhost, 0.0.0.0) makes the card link to a machine nobody can reach. A
    relative og:url is not an address at all to a scraper (the protocol asks for a
    full URL, as for og:image). Scheme and host case, the fragment and a trailing
    slash are not counted as differences.

    Fails: <link rel="canonical" href="https://example.com/post/">
           <meta property="og:url" content="http://0.0.0.0:4000/post/">
    Passes: <meta property="og:url" content="https://example.com/post/">
    """
    url = meta_value(page, "og:url") or ""
    where = page.locate("og:url")
    if dev_address(page, url):
        yield Hit(
            f"og:url {url[:120]!r} is a development address{hint(page, 'url')}",
            where,
            key="og:url",
        )
        return
    if not url.strip().lower().startswith(("http://", "https://")):
        yield Hit(
            f"og:url {url[:120]!r} is not an absolute URL: scrapers need the full https:// "
            f"address{hint(page, 'url')}",
            where,
            key="og:url",
        )
        return
    canonical = canonical_url(page)
    if canonical is not None and not is_local(canonical) and not same_url(url, canonical):
        yield Hit(
            f"og:url {url[:120]!r} is not the canonical {canonical[:120]!r}",
            where,
            key="og:url",
        )


@rule(
    code="S706",
    name="og-type-not-article",
    category=Category.APPEARANCE,
    title="A post says og:type article",
    fix='write <meta property="og:type" content="article"> on posts',
    severity=Severity.INFO,
    applies=lambda page, options: (
        applies_to_page(page, options) and bool(meta_value(page, "og:type")) and is_post(page)
    ),
)
def og_type_not_article(page: Page, options: Options) -> Iterator[Hit]:
    """A post (Article JSON-LD or article: times on the page) has og:type article.

    With og:type website the article: properties (published time, author, tags) are
    not read, and the card is treated as a home page's.

    Fails: <meta property="og:type" content="website"> on a post
    Passes: <meta property="og:type" content="article">
    """
    value = (meta_value(page, "og:type") or "").strip().lower()
    if value != "article":
        yield Hit(
            f"og:type is {value!r} on a post: say article{hint(page, 'og')}",
            page.locate("og:type"),
            key="og:type",
        )


_CARDS = frozenset({"summary", "summary_large_image", "app", "player"})


@rule(
    code="S707",
    name="twitter-card-missing",
    category=Category.APPEARANCE,
    title="X can render a card",
    fix='add <meta name="twitter:card" content="summary_large_image">, or complete Open Graph',
    severity=Severity.WARNING,
    applies=applies_to_page,
)
def twitter_card_missing(page: Page, options: Options) -> Iterator[Hit]:
    """X (Twitter) has what it needs for a card: a valid `twitter:card`, or the Open
    Graph it falls back on.

    X's markup reference: without `twitter:card`, a summary card may still be rendered
    when og:type, og:title and og:description are all there; twitter:title,
    twitter:description and twitter:image fall back to their og: twins. So only a
    page with neither is reported, and a card type X does not know. When og:title or
    og:type is missing too, S701 reports it and says X shows no card: one fix, one
    finding, so this rule speaks only when og:description is all X lacks.

    Fails: <meta property="og:type" content="article"> <meta property="og:title"
           content="Post"> (no twitter:card, no og:description)
    Passes: <meta name="twitter:card" content="summary_large_image">
    Passes: <meta property="og:type" ...> <meta property="og:title" ...>
            <meta property="og:description" ...>
    """
    card = meta_value(page, "twitter:card")
    if card is not None:
        if card.strip().lower() not in _CARDS:
            yield Hit(
                f"twitter:card {card[:40]!r} is not a card type X knows "
                "(summary, summary_large_image, app, player)",
                page.locate("twitter:card"),
                key="twitter:card",
            )
        return
    if _x_left_to_s707(page):
        yield Hit(
            "no twitter:card, and no og:description for X to fall back on: links to "
            "this page show no card on X, and other share cards a title only"
            f"{hint(page, 'og')}",
            page.locate("head"),
            key="twitter:card",
        )


RULES = (
    og_missing,
    og_description_missing,
    og_image_url,
    og_image_logo,
    og_url_mismatch,
    og_type_not_article,
    twitter_card_missing,
)
