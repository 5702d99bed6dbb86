"""Metadata (`M`): what a search engine reads before the article itself. The language
rules (`<html lang>`) are in `rules.html_lang`; `RULES` lists the family in catalogue order."""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from postaudit.measure.titlewidth import fitting_prefix, title_width
from postaudit.model import Category, Hit, Severity
from postaudit.parse.build import DEV_HOSTS
from postaudit.parse.page import Page
from postaudit.rules.base import Options, rule, site_level
from postaudit.rules.html_lang import html_lang_mismatch, html_lang_missing, html_lang_valid


@rule(
    code="M601",
    name="title-missing",
    category=Category.METADATA,
    title="The page has a title",
    fix="add a <title> in <head> that names the article in 30-60 characters",
    severity=Severity.ERROR,
    weight=3,
)
def title_missing(page: Page, options: Options) -> Iterator[Hit]:
    """The document has a non-empty `<title>`.

    The title is the blue link in search results, the tab label, and the first thing a
    screen reader announces (axe-core `document-title`, Lighthouse SEO).

    Fails: <head></head> ; <title>   </title>
    Passes: <title>How tears help healing in therapy</title>
    """
    if not page.title:
        what = "is empty" if page.titles else "is missing"
        yield Hit(f"the page <title> {what}", page.locate("title"))


@rule(
    code="M602",
    name="title-length",
    category=Category.METADATA,
    title="The title fits a search result (about 200-600 px wide)",
    fix="rewrite the title to fit about 600 px (50-60 Latin characters, about 30 Chinese or Japanese): the topic first, the site name last",
    defaults={"min_width": 200, "max_width": 600},
    applies=lambda page, options: bool(page.title),
)
def title_length(page: Page, options: Options) -> Iterator[Hit]:
    """The title's estimated width in a search result is between `min_width` and
    `max_width` pixels (default 200-600).

    Search engines cut titles by width, not by characters: Google sets them in 20 px
    Arial and cuts them at about 580-600 px, so a title of wide letters or of Chinese
    or Japanese characters (a full em each) is cut much sooner than 60 characters,
    and one of narrow letters later (the width is estimated from
    Arial's character widths). A title under about 200 px (Screaming Frog's lower
    bound) leaves the most visible line of the result mostly empty.

    Fails: <title>Blog</title> ; <title>心理咨询中的眼泪：为什么有些来访者从不哭泣，以及这说明了什么</title>
    Passes: <title>Crying in therapy: what tears do and don't mean</title>
    Options: min_width (200), max_width (600)
    """
    title = page.title or ""
    width = title_width(title)
    lo, hi = float(options["min_width"]), float(options["max_width"])
    n = len(title)
    size = f"about {width} px wide ({n} character{'s' if n != 1 else ''})"
    if width < lo:
        yield Hit(f"title is {size}; make it at least {lo:g} px", page.locate("title"))
    elif width > hi:
        shown = fitting_prefix(title, hi).rstrip()
        yield Hit(
            f"title is {size}; search results cut it at about {hi:g} px, after {shown!r}",
            page.locate("title"),
        )


#: Characters that separate a title's parts ("Post | Site", "Post – Site").
_SEPARATORS = "|·•–—»«/:~-"
_SEP = f"[{re.escape(_SEPARATORS)}]"
_LEADING_SEP = re.compile(rf"^{_SEP}+(?:\s|$)")
_TRAILING_SEP = re.compile(rf"(?:^|\s){_SEP}+$")
_DOUBLED_SEP = re.compile(rf"(?:^|\s)({_SEP})\s*({_SEP})(?:\s|$)|\|\|")


def title_flaws(raw: str) -> list[str]:
    """What is malformed about a title as written (empty when nothing is)."""
    text = " ".join(raw.split())
    flaws = []
    if _LEADING_SEP.search(text):
        flaws.append("starts with a separator (an empty part before it)")
    if _TRAILING_SEP.search(text) and len(text) > 1:
        flaws.append("ends with a separator (an empty part after it)")
    if _DOUBLED_SEP.search(text):
        flaws.append("has two separators in a row (an empty part between them)")
    if "\n" in raw.strip() or "\r" in raw.strip():
        flaws.append("has a line break inside")
    return flaws


@rule(
    code="M630",
    name="title-malformed",
    category=Category.METADATA,
    title="The title has no empty parts or stray separators",
    fix="fill in or drop the empty part of the title template (a missing post title or site name) and keep the title on one line",
    applies=lambda page, options: bool(page.title),
)
def title_malformed(page: Page, options: Options) -> Iterator[Hit]:
    """The title does not start or end with a separator, has no two separators in a
    row, and has no line break inside.

    These are the marks of a theme's title template with a part left empty: a post
    without a title ("| Brian's Home"), a site name that was never set ("Post ·"),
    a subtitle that came out blank ("Post | | Site"). Search results show the stray
    separator as the first or last thing of the result's title. A line break inside
    the title comes from a template that wrote it across lines; browsers fold it into
    a space, but feed readers and share cards do not all do so. Separators are
    `| · • – — » « / : ~ -`, standing alone (a hyphen inside a word is no separator).

    Fails: <title>| Towards a secure Firefox</title> ; <title>Crying in therapy ·</title> ; <title>Crying in therapy | | Riverbend</title>
    Passes: <title>Crying in therapy | Riverbend Counselling</title>
    """
    raw = page.raw_titles[0] if page.raw_titles else page.title or ""
    flaws = title_flaws(raw)
    if flaws:
        shown = " ".join(raw.split())
        yield Hit(f"title {shown!r} {_and(flaws)}", page.locate("title"), key="title")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@rule(
    code="M603",
    name="title-single",
    category=Category.METADATA,
    title="The page has exactly one title",
    fix="keep one <title> element in <head> and remove the others",
    applies=lambda page, options: bool(page.titles),
)
def title_single(page: Page, options: Options) -> Iterator[Hit]:
    """The document has exactly one `<title>` element.

    With several, browsers and crawlers pick one and the others are silently ignored,
    usually a theme and an SEO plugin both writing one.

    Fails: <title>One</title><title>Two</title>
    Passes: <title>One</title>
    """
    if len(page.titles) > 1:
        shown = ", ".join(repr(t) for t in page.titles[:3])
        yield Hit(f"the page has {len(page.titles)} <title> elements: {shown}", page.locate("head"))


@rule(
    code="M604",
    name="meta-description-missing",
    category=Category.METADATA,
    title="The page has a meta description",
    fix='add <meta name="description" content="..."> summarising the article in 70-160 characters',
    severity=Severity.WARNING,
    weight=2,
)
def meta_description_missing(page: Page, options: Options) -> Iterator[Hit]:
    """The page has a non-empty `<meta name="description">`.

    Search engines often show it under the title; without one they pick a fragment of
    the page, often navigation text (Lighthouse SEO `meta-description`).

    Fails: <head><title>Post</title></head> ; <meta name="description" content=" ">
    Passes: <meta name="description" content="What tears in a session mean, and what they don't.">
    """
    if not page.meta_description:
        what = "is empty" if "description" in page.meta else "is missing"
        yield Hit(f"the meta description {what}", page.locate("head"))


@rule(
    code="M605",
    name="meta-description-length",
    category=Category.METADATA,
    title="The meta description is 50-160 characters long",
    fix="rewrite the description to about 70-160 characters with the article's main point",
    defaults={"min_length": 50, "max_length": 160},
    applies=lambda page, options: bool(page.meta_description),
)
def meta_description_length(page: Page, options: Options) -> Iterator[Hit]:
    """The meta description is between `min_length` and `max_length` characters.

    Longer descriptions are cut in results; very short ones leave the snippet to chance.
    The long end follows the common 160 (Yoast 157, Screaming Frog 155). The short end
    is 50, under the tools' 70 (Screaming Frog; Yoast asks 120): a 50-69 character
    description is a complete sentence that results show whole, and real-page reviewers
    judged 52-68 characters debatable but 48 and fewer a thin snippet worth fixing.
    Aim for 70-160 all the same.

    Fails: <meta name="description" content="Therapy blog.">
    Passes: <meta name="description" content="Crying in a session is not a test you pass or fail: what tears can mean, and other signs of progress.">
    Options: min_length (50), max_length (160)
    """
    text = page.meta_description or ""
    n = len(text)
    lo, hi = int(options["min_length"]), int(options["max_length"])
    loc = page.locate("description")
    if n < lo:
        yield Hit(f"meta description is {n} characters; make it at least {lo}", loc)
    elif n > hi:
        yield Hit(f"meta description is {n} characters; results cut it after about {hi}", loc)


@rule(
    code="M608",
    name="canonical-missing",
    category=Category.METADATA,
    title="The page names its canonical URL",
    fix='add <link rel="canonical" href="https://..."> with the absolute URL of this article',
    severity=Severity.INFO,
)
def canonical_missing(page: Page, options: Options) -> Iterator[Hit]:
    """The page has a `<link rel="canonical">`.

    Blog posts are reachable under many URLs (tags, archives, tracking parameters); the
    canonical tells search engines which one to rank. It is optional: without one,
    Google picks a canonical itself and Lighthouse passes the page, hence info (a
    suggestion, not a problem the page proves).

    Fails: <head><title>Post</title></head>
    Passes: <link rel="canonical" href="https://example.com/blog/post">
    """
    if not page.canonicals:
        yield Hit(
            "the page names no canonical URL; add one so search engines rank this address "
            "when the post is reachable under several (tags, archives, tracking parameters)",
            page.locate("head"),
        )


@rule(
    code="M609",
    name="canonical-invalid",
    category=Category.METADATA,
    title="The canonical URL is absolute and unambiguous",
    fix="make the canonical an absolute http(s) URL and keep a single canonical link",
    severity=Severity.WARNING,
    applies=lambda page, options: bool(page.canonicals),
)
def canonical_invalid(page: Page, options: Options) -> Iterator[Hit]:
    """The canonical is an absolute http(s) URL, and there is only one (or they agree).

    A relative canonical is resolved differently by different crawlers; conflicting
    canonicals are ignored (Lighthouse SEO `canonical`). A development host such as
    `0.0.0.0` or `localhost` leaked from a build is also flagged.

    Fails: <link rel="canonical" href="/blog/post"> ; <link rel="canonical" href="http://0.0.0.0:4000/post/">
    Passes: <link rel="canonical" href="https://example.com/blog/post">
    """
    loc = page.locate("canonical")
    distinct = sorted(set(page.canonicals))
    if len(distinct) > 1:
        yield Hit(
            f"{len(distinct)} conflicting canonical links: {', '.join(map(repr, distinct[:3]))}",
            loc,
        )
        return
    href = distinct[0].strip()
    parts = urlsplit(href)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        yield Hit(f"canonical {href!r} is not an absolute http(s) URL", loc)
    elif (parts.hostname or "") in DEV_HOSTS and urlsplit(page.url).hostname not in DEV_HOSTS:
        # A build served by `jekyll serve` leaks its dev host; a page audited on a local
        # server may legitimately point at that same server.
        yield Hit(f"canonical {href!r} points at a development host", loc)


@rule(
    code="M610",
    name="noindex",
    category=Category.METADATA,
    title="The page can be indexed",
    fix="remove noindex from <meta name=robots> and the X-Robots-Tag header if the post should be found",
    severity=Severity.ERROR,
    weight=4,
)
def noindex(page: Page, options: Options) -> Iterator[Hit]:
    """Neither `<meta name="robots">` nor the `X-Robots-Tag` header says `noindex` or `none`.

    A noindexed article is hidden from search entirely; it is the one metadata mistake
    that undoes all the others (Lighthouse `is-crawlable` weighs it that way).

    Fails: <meta name="robots" content="noindex, follow"> ; X-Robots-Tag: noindex
    Passes: <meta name="robots" content="index, follow">
    """
    blocked = {"noindex", "none"}
    meta = {
        d.strip().lower()
        for n in ("robots", "googlebot")
        for v in page.meta.get(n, ())
        for d in v.split(",")
    }
    if meta & blocked:
        yield Hit(
            '<meta name="robots"> says noindex: the page is hidden from search',
            page.locate("robots"),
        )
    elif set(page.robots) & blocked:
        yield Hit(
            "the X-Robots-Tag header says noindex: the page is hidden from search",
            page.locate("head"),
        )


@rule(
    code="M611",
    name="viewport-missing",
    category=Category.METADATA,
    title="The page has a viewport meta tag",
    fix='add <meta name="viewport" content="width=device-width, initial-scale=1">',
    severity=Severity.WARNING,
)
def viewport_missing(page: Page, options: Options) -> Iterator[Hit]:
    """The page has `<meta name="viewport">` with a width.

    Without it, phones render the article at desktop width and search engines treat the
    page as not mobile-friendly.

    Fails: <head><title>Post</title></head>
    Passes: <meta name="viewport" content="width=device-width, initial-scale=1">
    """
    if page.viewport is None:
        yield Hit("the page has no viewport meta tag", page.locate("head"))
    elif "width" not in page.viewport.lower():
        yield Hit(f"viewport {page.viewport!r} sets no width", page.locate("viewport"))


@rule(
    code="M615",
    name="meta-refresh-redirect",
    category=Category.METADATA,
    title="The page is an article, not a meta-refresh redirect",
    fix="redirect with the server (HTTP 301 to the new address) instead of a meta refresh",
    severity=Severity.INFO,
    weight=0.5,
    applies=lambda page, options: page.redirect_to is not None,
)
def meta_refresh_redirect(page: Page, options: Options) -> Iterator[Hit]:
    """A page that is only a `<meta http-equiv="refresh">` to another address (and next
    to no text, under 50 words: "You are being redirected to ...") is a redirect, not
    an article: postaudit says where it leads and audits nothing else on it (no title,
    description, heading or prose findings: the article is at the target).

    Search engines follow an instant meta refresh like a permanent redirect, but
    Google recommends a server-side 301 where the server allows it, and a delayed
    refresh is treated as temporary; browsers may also ask before following one. So
    the redirect is a suggestion (info), for hosts that can redirect (not every static
    host can).

    Fails: <head><meta http-equiv="refresh" content="0; url=/2009/06/05/new-post/"></head><body><p>You are being redirected.</p></body>
    Passes: <head><meta http-equiv="refresh" content="300"></head> (a reload, on a page with an article)
    """
    refresh = page.refresh
    target = page.redirect_to
    if refresh is None or target is None:
        return
    delay, written = refresh
    when = "at once" if delay <= 0 else f"after {delay:g} s (a temporary redirect)"
    yield Hit(
        f"the page is a meta-refresh redirect to {written!r} {when}, not audited as an "
        "article; a server-side 301 redirect is what search engines recommend",
        page.locate("refresh"),
        key=target,
    )


# --------------------------------------------------------------------------- snippet text
# The texts a search result or a social card shows, as the parse layer decoded them
# (entities resolved once, whitespace collapsed).

#: (meta key, what to call it, landmark) in the order they are reported.
_SNIPPET_TEXTS = (
    ("description", "meta description", "description"),
    ("og:title", "og:title", "og:title"),
    ("og:description", "og:description", "og:description"),
    ("twitter:title", "twitter:title", "twitter:title"),
    ("twitter:description", "twitter:description", "twitter:description"),
)


def snippet_texts(page: Page) -> Iterator[tuple[str, str, str]]:
    """(what, text, landmark) of the title and each snippet meta that has a value."""
    if page.title:
        yield "title", page.title, "title"
    for key, what, landmark in _SNIPPET_TEXTS:
        values = page.meta.get(key)
        if values and values[0]:
            yield what, values[0], landmark


def _distinct_snippets(page: Page) -> Iterator[tuple[str, bool, str, str]]:
    """(names, plural, text, landmark of the first) per distinct snippet text: a theme
    writes one excerpt into the description and both cards, one defect to report."""
    grouped: dict[str, tuple[list[str], str]] = {}
    for what, text, landmark in snippet_texts(page):
        grouped.setdefault(text, ([], landmark))[0].append(what)
    for text, (names, landmark) in grouped.items():
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        yield joined, len(names) > 1, text, landmark


#: A character reference left in decoded text: `&ldquo;`, `&#8217;`, `&#x2019;`
#: (`&amp;ldquo;` in the source). Named ones must be HTML entities, so "AT&T;" is not.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def escaped_twice(text: str) -> list[str]:
    """The character references still in `text` after one decode, in order, unique."""
    found = [
        m.group()
        for m in _ENTITY.finditer(text)
        if m.group()[1] == "#" or m.group()[1:] in html.entities.html5
    ]
    return list(dict.fromkeys(found))


_HTML_TAGS = (
    "a|abbr|b|blockquote|br|code|div|em|figcaption|figure|h[1-6]|hr|i|img|li|ol|p|pre|"
    "section|small|span|strong|sub|sup|table|td|tr|u|ul"
)
#: TeX math commands that leak into excerpts of pages rendered with KaTeX or MathJax
#: (the source annotation is text too). A fixed list, so a Windows path is no TeX.
_TEX_COMMANDS = (
    "le|ge|leq|geq|neq|frac|dfrac|sqrt|sum|prod|int|times|cdot|cdots|ldots|infty|"
    "alpha|beta|gamma|delta|epsilon|theta|lambda|sigma|omega|mathbf|mathrm|mathcal|"
    "mathbb|operatorname|left|right|begin|end"
)
#: Markup and template code that has no business in a snippet. Each form is chosen to
#: be unlike prose that only names a tag ("How to center a <div>") or a template
#: language ("Liquid for beginners"): a closed pair of tags, a tag with an attribute,
#: a text that opens with <p>, an XHTML <br />, unrendered template tags and SEO-plugin
#: variables, Markdown links and bold.
_MARKUP = (
    ("HTML", re.compile(rf"<({_HTML_TAGS})(?:\s[^<>]*)?>[^<>]*</\1\s*>")),
    ("HTML", re.compile(rf"<(?:{_HTML_TAGS})\s+[a-z-]+\s*=\s*[\"'][^<>]*>")),
    ("HTML", re.compile(r"^<p(?:\s[^<>]*)?>")),
    ("HTML", re.compile(r"<br\s*/>")),
    ("template code", re.compile(r"\{\{-?\s*[\w.$@/#>^&!(\"'][^{}]*\}\}")),
    ("template code", re.compile(r"\{%-?\s*\w[^{}]*%\}")),
    ("template code", re.compile(r"%%[a-z_]+%%")),
    ("template code", re.compile(r"<\?php|<%=?\s")),
    ("Markdown", re.compile(r"!?\[[^\[\]]{1,200}\]\((?:https?://|/|\./|\.\./|#)[^()\s]*\)")),
    ("Markdown", re.compile(r"\*\*[^*\s](?:[^*]{0,200}[^*\s])?\*\*")),
    ("TeX", re.compile(rf"\\(?:{_TEX_COMMANDS})(?![A-Za-z])")),
)


def markup_in(text: str) -> tuple[str, str] | None:
    """(kind, the matched code) of the first markup or template leftover in `text`."""
    for kind, pattern in _MARKUP:
        m = pattern.search(text)
        if m:
            return kind, m.group()
    return None


def _quoted(text: str, limit: int = 60) -> str:
    """In double quotes as written (repr would double a TeX backslash)."""
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'


@rule(
    code="M612",
    name="snippet-escaped-twice",
    category=Category.METADATA,
    title="Titles and descriptions show no escaped entities",
    fix="escape the text once: write “ or &ldquo; in the HTML, not &amp;ldquo;",
    severity=Severity.WARNING,
    applies=lambda page, options: any(True for _ in snippet_texts(page)),
)
def snippet_escaped_twice(page: Page, options: Options) -> Iterator[Hit]:
    """Titles and descriptions hold no character reference once decoded.

    Judged: the title, the meta description and the social-card texts (og:title,
    og:description, twitter:title, twitter:description). A theme or SEO plugin that escapes text which is already escaped writes
    `&amp;ldquo;` into the HTML; browsers, search engines and social networks decode it
    once and show a literal "&ldquo;", "&#8217;" or "&lt;p&gt;" in the result snippet
    or the shared card. A reference left after decoding is that signature: named ones
    count only when they are real HTML entities. A post *about* HTML entities may mean
    it, hence a warning.

    Fails: <meta name="description" content="&amp;ldquo;Start small&amp;rdquo; is the advice"> ; <title>Don&amp;#8217;t panic</title>
    Passes: <meta name="description" content="&ldquo;Start small&rdquo; is the advice"> ; <title>AT&amp;T; billing explained</title>
    """
    for what, plural, text, landmark in _distinct_snippets(page):
        refs = escaped_twice(text)
        if refs:
            shown = ", ".join(f'"{r}"' for r in refs[:3])
            verb, its = ("show", "their") if plural else ("shows", "its")
            yield Hit(
                f"the {what} {verb} {shown} literally: {its} text was escaped twice",
                page.locate(landmark),
            )


@rule(
    code="M613",
    name="snippet-markup",
    category=Category.METADATA,
    title="Titles and descriptions hold no markup or template code",
    fix="write the text plainly: strip HTML tags, render the template, drop Markdown and TeX",
    severity=Severity.WARNING,
    applies=lambda page, options: any(True for _ in snippet_texts(page)),
)
def snippet_markup(page: Page, options: Options) -> Iterator[Hit]:
    """Titles and descriptions hold no HTML, template code, Markdown or TeX.

    Judged: the title, the meta description and the social-card texts. An excerpt copied with its tags (`<p>`, `<strong>`), a template variable that was
    never rendered (`{{ page.excerpt }}`, `{% ... %}`, Yoast's `%%title%%`), Markdown
    that was never converted (`[text](url)`, `**bold**`) or the TeX source of a formula
    (`\\frac{1}{2}`, `\\le`, from KaTeX or MathJax pages) shows up as such in search
    results and shared cards. Only unmistakable forms count: a closed pair of tags, a
    tag with an attribute, a text opening with `<p>`, `<br />`, a TeX command from a
    fixed list; so a title that names a tag ("Why a <div> is not a button") passes.
    When the description and the cards share one text, it is reported once.

    Fails: <meta name="description" content="<p>Five habits for calmer mornings</p>"> ; <meta property="og:description" content="{{ page.excerpt }}">
    Passes: <title>Why a <div> is not a button</title> ; <meta name="description" content="Five habits for calmer mornings">
    """
    for what, plural, text, landmark in _distinct_snippets(page):
        found = markup_in(text)
        if found is not None:
            kind, code = found
            verb = "hold" if plural else "holds"
            yield Hit(f"the {what} {verb} {kind} {_quoted(code)}", page.locate(landmark))


# --------------------------------------------------------------------------- site level
# Computed after a batch from every audited page's compact facts (`postaudit.judge.site`):
# on a single page they do not apply.


_DUPLICATE_SCOPE = """Compared across the audited pages (`postaudit sitemap`, `postaudit merge`),
    case-insensitively with runs of whitespace collapsed. Pages that are noindexed or
    whose canonical URL names another page declare themselves duplicates and are left
    out. Every page of a duplicate group gets a finding naming the others."""


@rule(
    code="M620",
    name="duplicate-title",
    category=Category.METADATA,
    title="Every page has its own title",
    fix="give each page a title that says what only this page is about",
    severity=Severity.WARNING,
    applies=site_level,
    needs=("site",),
)
def duplicate_title(page: Page, options: Options) -> Iterator[Hit]:
    """Site level: no two audited pages share the same `<title>`.

    Search engines show one of two pages with the same title and guess which; readers
    cannot tell the results apart (Screaming Frog and Sitebulb "duplicate title").
    {scope}

    Fails: /a and /b both titled "Anxiety at night | Fernwood Counseling"
    Passes: /a "Why anxiety gets louder at night", /b "Wind-down habits for anxious minds"
    """
    yield from ()


@rule(
    code="M621",
    name="duplicate-meta-description",
    category=Category.METADATA,
    title="Every page has its own meta description",
    fix="write a meta description for each page that summarises that page only",
    severity=Severity.WARNING,
    applies=site_level,
    needs=("site",),
)
def duplicate_meta_description(page: Page, options: Options) -> Iterator[Hit]:
    """Site level: no two audited pages share the same meta description.

    A theme or SEO plugin that writes the site's tagline as every page's description
    leaves search engines to write their own snippets.
    {scope}

    Fails: every post described as "Counseling for anxious minds in Portland"
    Passes: each post's description summarises that post
    """
    yield from ()


@rule(
    code="M622",
    name="duplicate-h1",
    category=Category.METADATA,
    title="Every page has its own main heading",
    fix="give each page a main heading that names its own topic",
    severity=Severity.INFO,
    applies=site_level,
    needs=("site",),
)
def duplicate_h1(page: Page, options: Options) -> Iterator[Hit]:
    """Site level: no two audited pages share the same main h1.

    The main h1 is the page's h1; with several, those inside the article come first,
    then the one sharing the most words with the `<title>` (a logo h1 in the header is
    not the page's heading). Two posts with the same heading
    compete for the same searches and confuse readers of the archive.
    {scope}

    Fails: /a and /b both headed "Sleep and anxiety"
    Passes: /a "Why anxiety gets louder at night", /b "When a sleep tracker feeds worry"
    """
    yield from ()


for _site_rule in (duplicate_title, duplicate_meta_description, duplicate_h1):
    _site_rule.check.__doc__ = (_site_rule.check.__doc__ or "").replace("{scope}", _DUPLICATE_SCOPE)


RULES = (
    title_missing,
    title_length,
    title_single,
    title_malformed,
    meta_description_missing,
    meta_description_length,
    html_lang_missing,
    html_lang_valid,
    canonical_missing,
    canonical_invalid,
    noindex,
    viewport_missing,
    snippet_escaped_twice,
    snippet_markup,
    html_lang_mismatch,
    meta_refresh_redirect,
    duplicate_title,
    duplicate_meta_description,
    duplicate_h1,
)
