"""Appearance (`S71x`): JSON-LD structured data, as Google's Article documentation reads
it. Every `application/ld+json` block is read (arrays, `@graph`, nesting, `@id`
references across blocks); the article checks look at the page's one main article
node (Article, BlogPosting, NewsArticle or a subtype), and not at listing pages that
carry many.

Google's Article structured data has no required properties, only recommended ones
(headline, image, datePublished, dateModified, author with name), so a missing one is
info; a value Google cannot use (a date that is not ISO 8601, an author without a
name, an article pointing at another URL) is a warning; invalid JSON, which drops the
whole block, is an error.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from postaudit.measure.memo import last_of
from postaudit.model import Category, Hit, Location, Severity
from postaudit.parse.appearance import LdBlock
from postaudit.parse.page import Page
from postaudit.rules.appearance import (
    ARTICLE_TYPES,
    absolute,
    applies_to_page,
    canonical_url,
    dev_address,
    generator,
    hint,
    is_local,
    ld_nodes,
    same_url,
    types_of,
)
from postaudit.rules.base import Options, rule

_SELECTOR = 'script[type="application/ld+json"]'


@dataclass(frozen=True, slots=True)
class Article:
    node: dict[str, Any]
    block: LdBlock
    ids: dict[str, dict[str, Any]]  # every @id on the page -> its fullest node

    @property
    def type(self) -> str:
        found = sorted(types_of(self.node) & ARTICLE_TYPES)
        return found[0] if found else "Article"

    def location(self) -> Location:
        return Location(_SELECTOR, self.block.line, f'"@type": "{self.type}"')

    def resolve(self, value: Any) -> Any:
        """An `{"@id": ...}` reference replaced by the node it names (when on the page)."""
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and "@id" in value:
            return self.ids.get(str(value["@id"]), value)
        return value


def _ids(page: Page) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for block in page.ld_blocks:
        if block.error is not None:
            continue
        for node in ld_nodes(block.data):
            key = node.get("@id")
            if isinstance(key, str) and len(node) > len(out.get(key, {})):
                out[key] = node
    return out


def _urls_of(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [v for k in ("@id", "url") if isinstance(v := value.get(k), str)]
    if isinstance(value, list):
        return [u for item in value for u in _urls_of(item)]
    return []


@last_of
def main_article(page: Page) -> Article | None:
    """The page's article node: the only one, else the one whose url is the canonical
    (worked out once per page: a dozen rules ask)."""
    ids = _ids(page)
    found: list[Article] = []
    seen: set[int] = set()
    for block in page.ld_blocks:
        if block.error is not None:
            continue
        for node in ld_nodes(block.data):
            if id(node) not in seen and types_of(node) & ARTICLE_TYPES:
                seen.add(id(node))
                found.append(Article(node, block, ids))
    if len(found) == 1:
        return found[0]
    canonical = [absolute(page, c) for c in page.canonicals if c.strip()]
    for art in found:
        urls = _urls_of(art.node.get("url")) + _urls_of(art.node.get("mainEntityOfPage"))
        if canonical and any(same_url(u, canonical[0]) for u in urls):
            return art
    return None


def _has_article(page: Page, options: Options) -> bool:
    return applies_to_page(page, options) and main_article(page) is not None


# --------------------------------------------------------------------------- rules


@rule(
    code="S711",
    name="json-ld-invalid",
    category=Category.APPEARANCE,
    title="JSON-LD blocks are valid JSON",
    fix="fix the JSON syntax (the template must JSON-encode every value it inserts)",
    severity=Severity.ERROR,
    applies=lambda page, options: bool(page.ld_blocks),
)
def json_ld_invalid(page: Page, options: Options) -> Iterator[Hit]:
    """Every `<script type="application/ld+json">` block parses as JSON.

    Search engines drop a block that does not parse, whole: none of its structured
    data counts. Templates break it by inserting values without JSON-encoding them
    (a quote, a newline, Go's `\\x27` escape from Hugo's JS context), or a trailing
    comma. The finding names the source line of the error.

    Fails: <script type="application/ld+json">{"headline": "It\\x27s here"}</script>
    Passes: <script type="application/ld+json">{"headline": "It's here"}</script>
    """
    for block in page.ld_blocks:
        if block.error is None:
            continue
        where = f" at line {block.error_line}" if block.error_line else ""
        near = f" near '{block.error_text}'" if block.error_text else ""
        extra = ""
        if block.error_text and "\\x" in block.error_text:
            extra = (
                ": \\x escapes are JavaScript, not JSON (a Hugo template printing a value "
                "inside <script> without `| jsonify`)"
            )
        elif "control character" in (block.error or "").lower():
            extra = ": a raw line break or tab inside a string (the template must JSON-encode it)"
        yield Hit(
            f"JSON-LD is not valid JSON{where}: {block.error}{near}{extra}; search engines "
            "ignore the whole block",
            Location(_SELECTOR, block.error_line or block.line, block.error_text),
            key=f"json-ld:{block.line}",
        )


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return html.unescape(value).strip() if isinstance(value, str) else ""


@rule(
    code="S712",
    name="article-headline-missing",
    category=Category.APPEARANCE,
    title="The article's structured data has a headline",
    fix='add "headline": the post\'s title, to the Article JSON-LD',
    severity=Severity.WARNING,
    applies=_has_article,
)
def article_headline_missing(page: Page, options: Options) -> Iterator[Hit]:
    """The Article (BlogPosting, NewsArticle, ...) node has a `headline`.

    The headline is the title Google shows for the article in Top stories and
    Discover; `name` is not read in its place.

    Fails: {"@type": "BlogPosting", "name": "Post"}
    Passes: {"@type": "BlogPosting", "headline": "Post"}
    """
    art = main_article(page)
    if art is not None and not _text(art.node.get("headline")):
        yield Hit(
            f"the {art.type} has no headline{hint(page, 'headline')}",
            art.location(),
            key="headline",
        )


@rule(
    code="S713",
    name="article-headline-long",
    category=Category.APPEARANCE,
    title="The structured-data headline is short",
    fix="shorten the headline (the post's title) to 110 characters or fewer",
    severity=Severity.INFO,
    defaults={"max_length": 110},
    applies=_has_article,
)
def article_headline_long(page: Page, options: Options) -> Iterator[Hit]:
    """The article's `headline` is at most 110 characters (option `max_length`).

    Google used to reject longer headlines for AMP articles and now advises a concise
    title because long ones are truncated.

    Fails: {"headline": "<a 140-character title>"}
    Passes: {"headline": "What tears can tell you"}
    """
    art = main_article(page)
    limit = int(options["max_length"])
    text = _text(art.node.get("headline")) if art is not None else ""
    if art is not None and len(text) > limit:
        yield Hit(
            f"the {art.type} headline is {len(text)} characters; keep it to {limit}",
            art.location(),
            key="headline",
        )


def _has_image(art: Article) -> bool:
    for key in ("image", "thumbnailUrl"):
        value = art.resolve(art.node.get(key))
        if isinstance(value, list):
            value = [art.resolve(v) for v in value]
        if _urls_of(value) or (isinstance(value, dict) and value.get("contentUrl")):
            return True
    return False


@rule(
    code="S714",
    name="article-image-missing",
    category=Category.APPEARANCE,
    title="The article's structured data has an image",
    fix='add "image" (the post\'s featured image URL) to the Article JSON-LD',
    severity=Severity.INFO,
    applies=_has_article,
)
def article_image_missing(page: Page, options: Options) -> Iterator[Hit]:
    """The article node has an `image` (a URL, an ImageObject or a list of them).

    Google recommends it and shows it beside the article in Top stories, Discover and
    carousels; without it the result has no picture.

    Fails: {"@type": "BlogPosting", "headline": "Post"}
    Passes: {"@type": "BlogPosting", "image": "https://example.com/cover.jpg"}
    """
    art = main_article(page)
    if art is not None and not _has_image(art):
        yield Hit(f"the {art.type} has no image{hint(page, 'image')}", art.location(), key="image")


_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$"
)


def _date(value: str) -> tuple[datetime | None, str]:
    """(the moment, "" | "no-time" | "no-zone") or (None, "invalid")."""
    m = _ISO.match(value.strip())
    if not m:
        return None, "invalid"
    year, month, day, hour, minute, second, zone = m.groups()
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None, "invalid"
    if hour is None:
        return moment, "no-time"
    if zone is None:
        return moment, "no-zone"
    if zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0)
        moment -= sign * timedelta(minutes=offset)  # to UTC
    return moment, ""


def _dates(art: Article | None) -> dict[str, tuple[str, datetime | None, str]]:
    out: dict[str, tuple[str, datetime | None, str]] = {}
    if art is None:
        return out
    for key in ("datePublished", "dateModified"):
        value = art.node.get(key)
        if isinstance(value, str) and value.strip():
            out[key] = (value.strip(), *_date(value))
    return out


@rule(
    code="S715",
    name="article-date-invalid",
    category=Category.APPEARANCE,
    title="The article's dates are valid ISO 8601",
    fix="write dates as ISO 8601 with a time zone (2024-05-01T09:30:00+02:00)",
    severity=Severity.WARNING,
    applies=lambda page, options: _has_article(page, options) and bool(_dates(main_article(page))),
)
def article_date_invalid(page: Page, options: Options) -> Iterator[Hit]:
    """datePublished and dateModified are ISO 8601 dates, and the article was not
    modified before it was published.

    Google reads these dates for the date shown in results; a value it cannot parse
    is dropped, and a modified date before the published one is a template mixing up
    its fields (or a time zone lost on the way).

    Fails: {"datePublished": "May 1, 2024", "dateModified": "2024-04-01T10:00:00Z"}
    Passes: {"datePublished": "2024-05-01T09:30:00+02:00", "dateModified": "2024-05-03T10:00:00Z"}
    """
    art = main_article(page)
    if art is None:
        return
    dates = _dates(art)
    for key, (raw, _, state) in dates.items():
        if state == "invalid":
            yield Hit(
                f"{key} {raw[:60]!r} is not an ISO 8601 date{hint(page, 'date')}",
                art.location(),
                key=key,
            )
    pub, mod = dates.get("datePublished"), dates.get("dateModified")
    if pub and mod and pub[1] and mod[1]:
        a, b = pub[1], mod[1]
        # one has a zone, one not: compare the days only
        later = b.date() < a.date() if (pub[2] == "") != (mod[2] == "") else b < a
        if later:
            yield Hit(
                f"dateModified {mod[0]!r} is before datePublished {pub[0]!r}{hint(page, 'date')}",
                art.location(),
                key="dateModified",
            )


@rule(
    code="S716",
    name="article-date-incomplete",
    category=Category.APPEARANCE,
    title="The article's dates are complete",
    fix="give datePublished and dateModified a time and a time zone",
    severity=Severity.INFO,
    applies=_has_article,
)
def article_date_incomplete(page: Page, options: Options) -> Iterator[Hit]:
    """The article has datePublished and dateModified, each with a time and time zone.

    Google recommends both dates, and a time zone on each: without one it assumes
    Googlebot's, which can move the shown date by a day.

    Fails: {"@type": "BlogPosting", "datePublished": "2024-05-01"}
    Passes: {"datePublished": "2024-05-01T09:30:00+02:00", "dateModified": "2024-05-01T09:30:00+02:00"}
    """
    art = main_article(page)
    if art is None:
        return
    dates = _dates(art)
    problems = [f"no {key}" for key in ("datePublished", "dateModified") if key not in dates]
    for key, (raw, _, state) in dates.items():
        if state == "no-time":
            problems.append(f"{key} {raw!r} has no time")
        elif state == "no-zone":
            problems.append(f"{key} {raw!r} has no time zone")
    if problems:
        yield Hit(
            f"the {art.type}: {'; '.join(problems)}{hint(page, 'date')}",
            art.location(),
            key="dates",
        )


_AUTHOR_TYPES = re.compile(r"Person|Organization|Corporation|NGO|Consortium|Team", re.I)


def _authors(art: Article | None) -> list[Any]:
    if art is None or art.node.get("author") is None:
        return []
    value = art.node["author"]
    items = value if isinstance(value, list) else [value]
    return [art.resolve(v) for v in items]


@rule(
    code="S717",
    name="article-author-no-name",
    category=Category.APPEARANCE,
    title="The article's author has a name",
    fix='give the author a "name" (the byline as shown on the page)',
    severity=Severity.WARNING,
    applies=lambda page, options: (
        _has_article(page, options) and bool(_authors(main_article(page)))
    ),
)
def article_author_no_name(page: Page, options: Options) -> Iterator[Hit]:
    """Each author object of the article has a non-empty `name`.

    Google shows the author from `author.name`; an author with an empty name, only a
    URL, or an `@id` that names no node on the page gives it nothing to show.

    Fails: {"author": {"@type": "Person", "name": ""}}
    Fails: {"author": {"@id": "https://example.com/#/schema/person/1"}} (not on the page)
    Passes: {"author": {"@type": "Person", "name": "Ada Lovelace", "url": "https://..."}}
    """
    art = main_article(page)
    if art is None:
        return
    for author in _authors(art):
        if isinstance(author, dict) and not _text(author.get("name")):
            ref = author.get("@id") or author.get("url")
            what = f" (only {str(ref)[:80]!r})" if ref else ""
            yield Hit(
                f"the {art.type}'s author has no name{what}{hint(page, 'author')}",
                art.location(),
                key="author",
            )


@rule(
    code="S718",
    name="article-author-form",
    category=Category.APPEARANCE,
    title="The article names its author as a Person or Organization",
    fix='write the author as {"@type": "Person", "name": "...", "url": "..."}',
    severity=Severity.INFO,
    applies=_has_article,
)
def article_author_form(page: Page, options: Options) -> Iterator[Hit]:
    """The article has an author, given as a Person or Organization object.

    Google's author markup best practices: give each author a `@type` (Person or
    Organization) and a `name`, with a `url` to a page about them; a bare string is
    read as a name at best, and a URL in its place is not a name at all.

    Fails: {"author": "Ada Lovelace"}
    Fails: {"@type": "BlogPosting", "headline": "Post"} (no author)
    Passes: {"author": {"@type": "Person", "name": "Ada Lovelace"}}
    """
    art = main_article(page)
    if art is None:
        return
    authors = _authors(art)
    if not authors:
        yield Hit(
            f"the {art.type} has no author{hint(page, 'author')}", art.location(), key="author"
        )
    for author in authors:
        if isinstance(author, str):
            kind = (
                "a URL" if author.strip().startswith(("http://", "https://")) else "a bare string"
            )
            yield Hit(
                f"the {art.type}'s author is {kind} ({author[:60]!r}), not a Person or "
                f"Organization{hint(page, 'author')}",
                art.location(),
                key="author",
            )
        elif isinstance(author, dict) and _text(author.get("name")):
            kinds = types_of(author)
            if not any(_AUTHOR_TYPES.search(k) for k in kinds):
                yield Hit(
                    f"the {art.type}'s author {_text(author.get('name'))[:60]!r} has "
                    f"{'type ' + ', '.join(sorted(kinds)) if kinds else 'no @type'}, not "
                    "Person or Organization",
                    art.location(),
                    key="author",
                )


_WORDS = re.compile(r"\W+")


def _norm_text(text: str) -> str:
    return " ".join(_WORDS.sub(" ", html.unescape(text).casefold()).split())


@rule(
    code="S719",
    name="article-headline-mismatch",
    category=Category.APPEARANCE,
    title="The structured-data headline is the post's title",
    fix="make the headline the post's title (the template may read another field)",
    severity=Severity.INFO,
    applies=lambda page, options: _has_article(page, options) and bool(page.h1s or page.title),
)
def article_headline_mismatch(page: Page, options: Options) -> Iterator[Hit]:
    """The article's `headline` matches the page: it is (part of) the h1 or the title.

    A headline that matches neither usually comes from the wrong template field (the
    site name, another post's title, a stale draft title), and Google may show it.
    Case, punctuation and a "| Site" suffix do not count; a headline that is the site
    name (og:site_name) is reported even though the title contains it.

    Fails: <title>What tears can tell you</title> {"headline": "Riverbend Counselling"}
    Passes: <title>What tears can tell you | Riverbend</title> {"headline": "What tears can tell you"}
    """
    art = main_article(page)
    headline = _norm_text(_text(art.node.get("headline"))) if art is not None else ""
    if art is None or not headline:
        return
    site = _norm_text(" ".join(page.meta.get("og:site_name", ())))
    if headline != site:
        for text in [h.text for h in page.h1s] + list(page.titles):
            other = _norm_text(text)
            if other and (headline in other or other in headline):
                return
    shown = page.h1s[0].text if page.h1s else page.title or ""
    yield Hit(
        f"the {art.type} headline {_text(art.node.get('headline'))[:80]!r} is neither the h1 nor "
        f"the title ({shown[:80]!r})",
        art.location(),
        key="headline",
    )


@rule(
    code="S720",
    name="article-url-mismatch",
    category=Category.APPEARANCE,
    title="The article's structured data points at this page",
    fix="make url and mainEntityOfPage the page's canonical URL",
    severity=Severity.WARNING,
    applies=_has_article,
)
def article_url_mismatch(page: Page, options: Options) -> Iterator[Hit]:
    """The article's `url` and `mainEntityOfPage` are the page's canonical URL.

    They tell Google which page the structured data describes; another URL (an old
    domain, a development address, the home page) makes the data describe something
    else. Scheme and host case, the fragment and a trailing slash do not count.

    Fails: <link rel="canonical" href="https://example.com/post/"> {"url": "https://example.com/"}
    Passes: {"url": "https://example.com/post/", "mainEntityOfPage": "https://example.com/post/"}
    """
    art = main_article(page)
    if art is None:
        return
    target = canonical_url(page)
    if (
        target is None
        and not page.canonicals
        and page.final_url.startswith(("http://", "https://"))
    ):
        target = page.final_url
    # (problem, url) -> the properties that have it: url and mainEntityOfPage with the
    # same wrong address are one fix, reported once
    problems: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for key in ("url", "mainEntityOfPage"):
        value = art.node.get(key)
        if isinstance(value, dict):
            value = art.resolve(value)
        for url in _urls_of(value)[:1]:
            full = absolute(page, url)
            if dev_address(page, full):
                problems.setdefault(("dev", full), (url, []))[1].append(key)
            elif target and not is_local(target) and not same_url(full, target):
                problems.setdefault(("other", full), (url, []))[1].append(key)
    for (problem, _full), (url, keys) in problems.items():
        verb = "are" if len(keys) > 1 else "is"
        if problem == "dev":
            what = f"{url[:100]!r} {verb} a development address{hint(page, 'url')}"
        else:
            what = f"{url[:100]!r} {verb} not this page ({(target or '')[:100]!r})"
        yield Hit(
            f"the {art.type} {' and '.join(keys)} {what}",
            art.location(),
            key=keys[0],
        )


RULES = (
    json_ld_invalid,
    article_headline_missing,
    article_headline_long,
    article_image_missing,
    article_date_invalid,
    article_date_incomplete,
    article_author_no_name,
    article_author_form,
    article_headline_mismatch,
    article_url_mismatch,
)

__all__ = ["RULES", "generator", "main_article"]
