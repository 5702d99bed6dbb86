"""Headings (`H`): an outline a reader can skim and a screen-reader user can jump through.

The page's headings come in document order with `aria-level` applied, hidden ones left
out (axe-core's view). Every heading belongs either to the article or to the theme:

* the *article outline* is the headings inside the article scope (theme chrome inside
  it left out: author boxes, share bars, comments, tables of contents in an aside…),
  preceded by the title `<h1>` when the theme puts it just outside the content;
* every other heading is the theme's (site title, sidebar, pagination, related posts,
  comments), before, inside or after the article.

H403, H405, H406 and H407 judge the article outline only; a theme heading is never a
finding of theirs. H401, H402 and H404 judge the whole page, as axe-core does. The
theme's headings are a fact, not a finding: the `outline` fact lists every heading with
`judged` false for the theme's (and `after_article` for those after it), and the text
report shows them dimmed as not counted. (H408 headings-after-article, an info finding
about theme headings after the article, is retired for that reason.)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import pairwise, takewhile
from typing import Any

from postaudit.measure.wordcount import word_count
from postaudit.model import Category, Hit, Location, Severity
from postaudit.parse.dom import clean
from postaudit.parse.page import Block, Heading, Page
from postaudit.rules.base import Options, findings_by_location, rule

#: Block kinds whose words count as body text for section length.
BODY_KINDS = frozenset({"p", "li", "blockquote", "div", "td", "dd"})

# --------------------------------------------------------------------------- helpers


def _is_article(page: Page, options: Options) -> bool:
    """A redirect page (`Page.redirect_to`) is not an article: the heading rules do
    not apply to it."""
    return page.redirect_to is None


def title_heading(page: Page) -> Heading | None:
    """The post title when the theme renders it outside the article scope: the last
    `<h1>` before the first heading inside the article (not after the article)."""
    if any(h.in_article and h.level == 1 for h in page.headings):
        return None
    title = None
    for h in page.headings:
        if h.in_article or h.after_article:
            break
        if h.level == 1:
            title = h
    return title


def article_outline(page: Page) -> list[Heading]:
    """The headings the article is judged by: its own, after its title `<h1>`."""
    inside = [h for h in page.headings if h.in_article]
    title = title_heading(page)
    return [title, *inside] if title is not None else inside


def _label(h: Heading) -> str:
    text = clean(h.name)
    shown = text if len(text) <= 60 else text[:59].rstrip() + "…"
    return f'h{h.level} "{shown}"'


def _graded(items: Sequence[Heading], failing: Sequence[tuple[Heading, str]]) -> Iterator[Hit]:
    if not failing:
        return
    score = 1 - len(failing) / max(len(items), 1)
    yield from unique_keys(
        Hit(message, h.location, score=score, key=clean(h.name) or h.location.selector or "")
        for h, message in failing
    )


def unique_keys(hits: Iterable[Hit]) -> Iterator[Hit]:
    """The hits with repeated keys told apart ("Day 1", "Day 1#2"), so two headings with
    the same text keep distinct fingerprints."""
    seen: Counter[str] = Counter()
    for hit in hits:
        seen[hit.key] += 1
        yield hit if seen[hit.key] == 1 else replace(hit, key=f"{hit.key}#{seen[hit.key]}")


def _words(text: str) -> int:
    return word_count(text)


# --------------------------------------------------------------------------- rules


@rule(
    code="H401",
    name="h1-missing",
    category=Category.HEADINGS,
    title="The page has an h1",
    fix="mark the article title up as the page's one <h1>",
    severity=Severity.WARNING,  # best practice, not a WCAG failure (was error)
    weight=2,
    applies=_is_article,
)
def h1_missing(page: Page, options: Options) -> Iterator[Hit]:
    """The page has a level-one heading: an `<h1>`, or any heading with
    `aria-level="1"` (axe-core `page-has-heading-one`). Search engines and screen-reader
    users look for it to learn what the page is about. An empty `<h1>` still counts here
    (H404 reports it); a redirect stub is not judged.

    Fails: <body><h2>Why anxiety gets louder at night</h2><p>…</p></body>
    Passes: <body><h1>Why anxiety gets louder at night</h1><p>…</p></body>
    """
    if not page.h1s:
        first = page.headings[0] if page.headings else None
        extra = f"; the first heading is {_label(first)}" if first is not None else ""
        yield Hit(f"the page has no <h1>{extra}", Location(selector="body"), key="h1")


@rule(
    code="H402",
    name="h1-multiple",
    category=Category.HEADINGS,
    title="The page has a single h1",
    fix="keep one <h1> for the article title and make the others <h2>",
    severity=Severity.WARNING,
    weight=1,
    defaults={"allow_multiple": False},
    applies=_is_article,
)
def h1_multiple(page: Page, options: Options) -> Iterator[Hit]:
    """The page has one level-one heading. HTML allows several, but with more than one
    the page's main topic is ambiguous to search engines and the outline is flat for
    screen-reader users (Yoast and Screaming Frog report it too). Reported once, at the
    second `<h1>`, naming them. Set `allow_multiple` to accept several (themes that
    make the site name an `<h1>` as well). A dialog's title is not counted: an `<h1>`
    inside a `<dialog>` or a role=dialog element (a search modal's "Search") titles the
    dialog, and a `<dialog>` without `open` is not rendered at all.

    Fails: <h1>Fernwood Counseling</h1> … <h1>Why anxiety gets louder at night</h1>
    Passes: <p class="site-title">Fernwood Counseling</p> … <h1>Why anxiety gets louder at night</h1>
    Options: allow_multiple (false)
    """
    h1s = page.h1s
    if len(h1s) < 2 or options["allow_multiple"]:
        return
    shown = ", ".join(_label(h).split(" ", 1)[1] for h in h1s[:4])
    more = ", …" if len(h1s) > 4 else ""
    yield Hit(
        f"the page has {len(h1s)} <h1> headings ({shown}{more}); keep one for the title",
        h1s[1].location,
        key="h1-multiple",
    )


@rule(
    code="H403",
    name="heading-skipped-level",
    category=Category.HEADINGS,
    title="Heading levels go down one at a time",
    fix="use the next level down (h2 then h3), and style the heading with CSS if it looks too big",
    severity=Severity.WARNING,
    weight=2,
    defaults={"scope": "article"},
    applies=lambda page, options: _is_article(page, options) and bool(_h403_pairs(page, options)),
)
def heading_skipped_level(page: Page, options: Options) -> Iterator[Hit]:
    """No heading is more than one level deeper than the heading before it on the page
    (axe-core `heading-order`): h2 then h4 fails and names both. The first heading
    always passes (a page may start at h2), and going back up by any amount is fine (h4
    then h2). With `scope = "article"` (the default) only skips *into* headings of the
    article outline (the title `<h1>` and the headings inside the article, theme chrome
    left out) are reported, so a theme's headings before, inside or after the article
    (sidebar, table of contents, pagination, related posts, comments) never count
    against the post, skips into them included, and postaudit never reports a skip
    axe-core would not; `scope = "page"` reports
    every skip on the page, exactly as axe-core does. Scored as the share of judged
    headings (after the first) that do not skip.

    Fails: <h2>What your body does after dark</h2><h4>Stress hormones</h4>
    Passes: <h2>What your body does after dark</h2><h3>Stress hormones</h3><h2>What helps</h2>
    Options: scope ("article"): "article" or "page"
    """
    pairs = _h403_pairs(page, options)
    failing = [
        (h, f"{_label(h)} follows {_label(prev)}; use h{prev.level + 1} or add the missing level")
        for prev, h in pairs
        if h.level > prev.level + 1
    ]
    yield from _graded([h for _, h in pairs], failing)


def _h403_pairs(page: Page, options: Options) -> list[tuple[Heading, Heading]]:
    """(previous heading on the page, judged heading) for every judged heading but the
    page's first."""
    if str(options.get("scope", "article")) == "page":
        judged = {id(h) for h in page.headings}
    else:
        judged = {id(h) for h in article_outline(page)}
    return [(prev, h) for prev, h in pairwise(page.headings) if id(h) in judged]


@rule(
    code="H404",
    name="heading-empty",
    category=Category.HEADINGS,
    title="Headings have text",
    fix="give the heading text, or remove the empty heading element",
    severity=Severity.ERROR,
    weight=1,
    applies=lambda page, options: _is_article(page, options) and bool(page.headings),
)
def heading_empty(page: Page, options: Options) -> Iterator[Hit]:
    """Every heading on the page has a name: visible text (the alt of an image inside
    counts, so a logo `<h1>` holding only `<img alt="Multi-Etch">` is named), or an
    `aria-label`, `aria-labelledby` or `title` (axe-core `empty-heading`). An empty
    heading is announced as "heading level 1" and nothing else.

    Fails: <h1 class="post-title"></h1> ; <h2><img src="logo.png" alt=""></h2>
    Passes: <h1><a href="/"><img src="logo.png" alt="Multi-Etch"></a></h1> ; <h2 aria-label="Contents"></h2>
    """
    headings = list(page.headings)
    failing = [
        (h, f"<{h.tag or 'h' + str(h.level)}> has no text and no accessible name")
        for h in headings
        if not clean(h.name)
    ]
    yield from _graded(headings, failing)


@rule(
    code="H405",
    name="heading-too-long",
    category=Category.HEADINGS,
    title="Headings are short",
    fix="shorten the heading to the point of the section; move the detail into the text",
    severity=Severity.INFO,
    weight=0.5,
    defaults={"max_length": 70},
    applies=lambda page, options: _is_article(page, options) and bool(article_outline(page)),
)
def heading_too_long(page: Page, options: Options) -> Iterator[Hit]:
    """Headings in the article outline are at most `max_length` characters (70, as
    Screaming Frog). A heading is a signpost; a long one is usually a sentence or a
    quote marked up as a heading.

    Fails: <h3>"This is a very important product for anyone who works with titanium every single day"</h3>
    Passes: <h3>What a jeweller says about it</h3>
    Options: max_length (70)
    """
    limit = int(options["max_length"])
    headings = article_outline(page)
    failing = [
        (h, f"heading is {len(clean(h.name))} characters; keep it under {limit}")
        for h in headings
        if len(clean(h.name)) > limit
    ]
    yield from _graded(headings, failing)


_SENTENCE_END = re.compile(r"[.!…。！]$")
#: A bold line ending like this asks a question (an FAQ entry) or leads into what
#: follows ("Ingredients:"): a run-in label, not a section title.
_NOT_TITLE_END = re.compile(r"[?？:：;；,，]$")
#: What a section title introduces: running text. A bold line before a quote, a table
#: or code leads into that block (a caption or a label), it opens no section; before a
#: list it opens one only when the items are prose (see `_prose_list`).
_SECTION_BODY = frozenset({"p", "div"})
_ITEM_SENTENCE = re.compile(r"[.!?…。！？]$")


def _prose_list(items: Sequence[Block]) -> bool:
    """List items written as running text (sentences, or a dozen words each on
    average), not short entries a bold label sums up ("Our schedule" + two lines)."""
    if not items:
        return False
    sentences = sum(1 for b in items if _ITEM_SENTENCE.search(clean(b.text)))
    words = sum(_words(b.text) for b in items) / len(items)
    return sentences * 2 > len(items) or words >= 12


_LABEL = re.compile(r"^[^\W\d_][\w'’-]*\s*[:：]\s*\S", re.UNICODE)


def fake_headings(page: Page, max_words: int) -> list[tuple[Block, int, Heading | None]]:
    """Bold-only short paragraphs followed by running text (a paragraph, or a list of
    sentences), with the suggested level and the section heading it would sit under."""
    blocks = [b for b in page.blocks if not b.hidden]
    outline = article_outline(page)
    sub_levels = [h.level for h in outline if h.level > 1]
    section_level = min(sub_levels) if sub_levels else 2
    out: list[tuple[Block, int, Heading | None]] = []
    current: Heading | None = None
    by_location = {h.location: h for h in outline}
    for i, b in enumerate(blocks):
        if b.kind == "heading":
            h = by_location.get(b.location)
            if h is not None and h.level <= section_level and h.level > 1:
                current = h
            continue
        if not (b.kind == "p" and b.bold_only) or b.box_title:
            continue
        text = clean(b.text)
        if not text or _words(text) > max_words or _SENTENCE_END.search(text):
            continue
        if _NOT_TITLE_END.search(text.rstrip("*)）\"'”’ ")):  # "How long does it take?"
            continue
        if _LABEL.match(text):  # "Tool: dnSpy", "Note: …": a label, not a section title
            continue
        rest = [n for n in blocks[i + 1 :] if clean(n.text)]
        nxt = rest[0] if rest else None
        if nxt is None or nxt.bold_only:
            continue
        if nxt.kind == "li":
            items = list(takewhile(lambda n: n.kind == "li", rest))
            if not _prose_list(items):
                continue
        elif nxt.kind not in _SECTION_BODY:
            continue
        level = current.level + 1 if current is not None else section_level
        out.append((b, min(level, 6), current))
    return out


@rule(
    code="H406",
    name="fake-heading",
    category=Category.HEADINGS,
    title="Section titles are marked up as headings",
    fix="turn the bold paragraph into a real heading at the suggested level",
    severity=Severity.WARNING,
    weight=1,
    defaults={"max_words": 12},
    applies=lambda page, options: _is_article(page, options) and bool(page.blocks),
)
def fake_heading(page: Page, options: Options) -> Iterator[Hit]:
    """A short paragraph (at most `max_words` words, not ending like a sentence) set
    entirely in bold (`<strong>`, `<b>` or a bold inline style) and followed by a
    paragraph of running text is a section title in disguise: it looks like a heading but is missing from
    the outline screen readers and search engines use (axe-core's experimental
    `p-as-heading`). The message suggests a level: one below the section it sits in
    (h3 under an h2), or the article's section level when none comes before it.
    Scored as the share of the article's section titles that are real headings.
    Not section titles, and not reported: a bold question (an FAQ entry, answered by the
    paragraph after it), a bold line ending in ":" or "," (a run-in lead-in), a label
    ("Note: …", "Tool: dnSpy"), a bold line followed by a quote, a table or code, or by
    a list of short entries (it introduces that block), or the first line of a callout
    box (`<div class="note">`, an admonition, an alert, an `<aside>`: it labels the box).
    A list of full sentences after a bold line is the section's body, so that bold line
    is reported.

    Fails: <p><strong>Habits that quietly make nights harder</strong></p><p>Checking the clock…</p>
    Passes: <h3>Habits that quietly make nights harder</h3><p>Checking the clock…</p> ; <p><strong>Call 911 if you are in danger.</strong></p> ; <p><strong>Can I nap during the day?</strong></p><p>Short naps…</p> ; <p><strong>What to pack</strong></p><ul><li>A torch</li><li>Spare socks</li></ul>
    Options: max_words (12)
    """
    found = fake_headings(page, int(options["max_words"]))
    if not found:
        return
    real = len([h for h in article_outline(page) if h.level > 1])
    score = real / (real + len(found))
    out: list[Hit] = []
    for block, level, under in found:
        where = f", under {_label(under)}" if under is not None else ""
        text = clean(block.text)
        shown = text if len(text) <= 60 else text[:59] + "…"
        message = (
            f'bold paragraph "{shown}" introduces the text after it but is not a heading; '
            f"make it an <h{level}>{where}"
        )
        out.append(Hit(message, block.location, score=score, key=text))
    yield from unique_keys(out)


def sections(page: Page) -> list[tuple[Heading | None, Block | None, int]]:
    """The article's sections: (heading that opens it or None for the introduction,
    first block, words of body text)."""
    by_location = {h.location: h for h in page.headings}
    out: list[tuple[Heading | None, Block | None, int]] = []
    heading: Heading | None = None
    first: Block | None = None
    words = 0
    started = False
    for b in page.blocks:
        if b.hidden:
            continue
        if b.kind == "heading":
            if started:
                out.append((heading, first, words))
            heading, first, words, started = by_location.get(b.location), b, 0, True
            continue
        if b.kind in BODY_KINDS:
            if not started:
                started, first = True, b
            words += _words(b.text)
    if started:
        out.append((heading, first, words))
    return out


@rule(
    code="H407",
    name="section-too-long",
    category=Category.HEADINGS,
    title="Long stretches of text have subheadings",
    fix="split the section with a subheading where the topic turns",
    severity=Severity.WARNING,
    weight=1,
    defaults={"max_words": 350, "unbroken_words": 500},
    applies=lambda page, options: _is_article(page, options) and page.word_count > 0,
)
def section_too_long(page: Page, options: Options) -> Iterator[Hit]:
    """No stretch of the article runs more than `max_words` words of body text without
    a heading (default 350: Yoast's subheading distribution aims for 300 and turns red
    over 350; a section just over 300 is a judgement call, not a wall). Readers skim by
    headings; a wall of text hides where each point starts. Code blocks and captions
    are not counted; Chinese and Japanese count two characters a word.
    Scored as the share of sections within the limit.

    A short post with no subheading at all is judged against `unbroken_words`
    (default 500) instead: it reads in about two minutes (238 words a minute), has no
    outline to skim, and a heading would only interrupt it; Yoast asks for none under
    300 words. Past 500 words the reader needs somewhere to stop.

    Fails: <h2>Quiet hours</h2><p>(400 words)</p><h2>Next</h2> ; a 700-word post with no subheading
    Passes: <h2>Quiet hours</h2><p>(180 words)</p><h3>Why it helps</h3><p>(170 words)</p> ; a 420-word post with no subheading
    Options: max_words (350), unbroken_words (500)
    """
    found = sections(page)
    limit = int(options["max_words"])
    if len(found) == 1:
        limit = max(limit, int(options["unbroken_words"]))
    long = [(h, b, n) for h, b, n in found if n > limit]
    if not long:
        return
    score = 1 - len(long) / len(found)
    out: list[Hit] = []
    for h, b, n in long:
        if h is not None and h.level > 1:
            what, loc, key = f"section {_label(h)}", h.location, clean(h.name)
        elif len(found) == 1:
            what, loc, key = "the article", (b.location if b else Location()), "article"
        else:
            what, loc, key = "the introduction", (b.location if b else Location()), "introduction"
        message = (
            f"{what} runs {n} words without a subheading; add one at least every {limit} words"
        )
        out.append(Hit(message, loc, score=score, key=key))
    yield from unique_keys(out)


RULES = (
    h1_missing,
    h1_multiple,
    heading_skipped_level,
    heading_empty,
    heading_too_long,
    fake_heading,
    section_too_long,
)

# --------------------------------------------------------------------------- facts


def facts(page: Page, context: dict[str, Any]) -> dict[str, Any]:
    """`outline`: every heading of the page in order, with `judged` (part of the article
    outline; false for the theme's headings), `in_article`, `after_article` and the
    codes the page's findings (`context["findings"]`, as configured) put on it."""
    if not page.headings:
        return {}
    found = context.get("findings", ())
    codes = findings_by_location(found, Category.HEADINGS)
    judged = {id(h) for h in article_outline(page)}
    outline = [
        {
            "level": h.level,
            "text": clean(h.name),
            "in_article": h.in_article,
            "after_article": h.after_article,
            "judged": id(h) in judged,
            "line": h.location.line,
            "codes": sorted(codes.get(h.location, ())),
        }
        for h in page.headings
    ]
    return {"outline": outline}
