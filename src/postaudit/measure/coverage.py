"""Where a keyphrase or a place appears on a page: the data behind the K rules and the
coverage tables. Pure functions of a `Page` and parsed phrases (`matching.Phrase`).

Placements of a keyphrase: the title, the meta description, the h1, the URL slug,
the introduction (first paragraph of the article), the subheadings (h2/h3 of the
article), the body (measured prose: count and density per 100 words), image alt
text, link text. Places of a location: the body, headings, the page's visible text
(chrome included), title, meta description, alt text, hidden places (title and
aria-label attributes, hidden elements) and structured data (JSON-LD `areaServed`,
`address`, `serviceArea`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import unquote, urlsplit

from postaudit.measure.matching import FUNCTION_WORDS, Phrase, strip_possessive, tokens, word_set
from postaudit.measure.prose import (
    PARAGRAPH_KINDS,
    Prose,
    article_prose,
    block_sentences,
    terminated,
    word_count,
)
from postaudit.model import Location
from postaudit.parse.page import Heading, Page

_EXTENSION = re.compile(r"\.(?:html?|php|aspx?|jsp|cfm)$", re.I)


def slug(url: str) -> str:
    """The URL's last meaningful path segment, decoded, without a file extension
    ("/blog/why-anxiety-gets-louder-at-night.html" -> "why-anxiety-gets-louder-at-night";
    ".../post/index.html" -> "post"); "" for a site root."""
    path = urlsplit(url).path if "://" in url else url
    parts = [unquote(p) for p in path.split("/") if p]
    while parts and _EXTENSION.sub("", parts[-1]).lower() in ("index", "default", ""):
        parts.pop()
    return _EXTENSION.sub("", parts[-1]) if parts else ""


_TITLE_SEPARATOR = re.compile(r"\s+[-–—|·•»:]\s+")


def article_title(page: Page) -> str | None:
    """The page title without the site name when the title carries it as a first or
    last segment ("Why Anxiety Gets Louder at Night — Fernwood Counseling"), the site
    name taken from `og:site_name` or `application-name`. A keyphrase that only the
    site name holds is not in the article's title."""
    title = page.title
    names = [*page.meta.get("og:site_name", ()), *page.meta.get("application-name", ())]
    if not title:
        return title
    for name in (n.strip().casefold() for n in names if n.strip()):
        seps = list(_TITLE_SEPARATOR.finditer(title))
        if not seps:
            break
        if title[seps[-1].end() :].strip().casefold() == name:
            return title[: seps[-1].start()].strip() or title
        if title[: seps[0].start()].strip().casefold() == name:
            return title[seps[0].end() :].strip() or title
    return title


def subheadings(page: Page) -> list[Heading]:
    """The article's h2 and h3 (Yoast's subheadings)."""
    return [h for h in page.headings if h.in_article and h.level in (2, 3) and h.text]


def introduction(prose: Prose) -> str | None:
    """The first paragraph of the measured prose (Yoast's introduction)."""
    for block in prose.blocks:
        if block.kind in PARAGRAPH_KINDS:
            return block.text
    return None


def count_blocks(phrase: Phrase, prose: Prose) -> int:
    """Occurrences in the measured prose (one line per block: sentences never cross
    blocks, and a list item without a full stop is a sentence of its own)."""
    return phrase.count(prose.text)


def mentions_heading(phrase: Phrase, text: str, min_share: float) -> bool:
    """A subheading "reflects" a keyphrase when it holds at least `min_share` of one
    alternative's content words (Yoast: half of them)."""
    return phrase.word_share(text) >= min_share - 1e-9


def slug_matches(phrase: Phrase, text: str) -> bool:
    """Yoast's slug test: every content word for phrases of 1-2 content words, more than
    half of them for longer ones (plural forms count)."""
    if not text:
        return False
    share = phrase.word_share(text.replace("_", " ").replace("-", " "))
    longest = max((len(f.keys) for f in phrase.forms), default=0)
    return share >= 1.0 - 1e-9 if longest <= 2 else share > 0.5


@dataclass(frozen=True, slots=True)
class Spot:
    """One place a phrase was found outside the visible text."""

    kind: str  # "alt text", "title attribute", "aria-label", "hidden text"
    location: Location


def hidden_spots(page: Page, phrase: Phrase) -> list[Spot]:
    """Where `phrase` occurs in text readers do not see: image alt text, title and
    aria-label attributes of images and links, hidden blocks of the article."""
    out: list[Spot] = []
    for img in page.images:
        if img.alt and phrase.found_in(img.alt):
            out.append(Spot("alt text", img.location))
        if img.title and phrase.found_in(img.title):
            out.append(Spot("title attribute", img.location))
        if img.aria_label and phrase.found_in(img.aria_label):
            out.append(Spot("aria-label", img.location))
    for link in page.links:
        if link.title and phrase.found_in(link.title):
            out.append(Spot("title attribute", link.location))
        if link.aria_label and phrase.found_in(link.aria_label):
            out.append(Spot("aria-label", link.location))
    for block in page.blocks:
        if block.hidden and phrase.found_in(block.text):
            out.append(Spot("hidden text", block.location))
    return out


def visible_count(page: Page, phrase: Phrase, prose: Prose) -> int:
    """Occurrences in text a reader sees: the page's visible text, or (when the page
    record has none) the article prose and headings."""
    if page.body_text:
        return phrase.count(page.body_text)
    return count_blocks(phrase, prose) + sum(phrase.count(h.text) for h in page.headings)


def describe_spots(spots: Sequence[Spot]) -> str:
    """ "alt text (2 images), a title attribute"."""
    kinds = Counter(s.kind for s in spots)
    parts = []
    for kind, n in kinds.items():
        if kind == "alt text":
            parts.append(f"alt text ({n} image{'s' if n != 1 else ''})")
        elif n == 1:
            parts.append(f"a {kind}" if kind != "hidden text" else "hidden text")
        else:
            parts.append(f"{n} {kind}s" if kind != "hidden text" else f"hidden text ({n} blocks)")
    return ", ".join(parts)


# --------------------------------------------------------------------------- keyphrases


def keyword_row(
    page: Page, phrase: Phrase, prose: Prose | None = None, *, min_share: float = 0.5
) -> dict[str, Any]:
    """The coverage of one keyphrase (plain data: the facts table and the rules)."""
    prose = prose or article_prose(page.blocks)
    words = word_count(prose.text)
    body = count_blocks(phrase, prose)
    subs = subheadings(page)
    mentioning = sum(1 for h in subs if mentions_heading(phrase, h.text, min_share))
    intro = introduction(prose)
    article_images = [i for i in page.images if i.in_article and i.alt and i.alt.strip()]
    links = [ln for ln in page.links if ln.in_article and not ln.hidden and ln.text]
    page_slug = slug(page.url)
    description = page.meta_description
    hidden = hidden_spots(page, phrase)
    visible = visible_count(page, phrase, prose)
    return {
        "keyword": phrase.spec,
        "match": phrase.mode,
        "title": _place(phrase, article_title(page)),
        "meta_description": _place(phrase, description),
        "h1": _place(phrase, " \n".join(terminated(h.text) for h in page.h1s) or None),
        "slug": {
            "slug": page_slug or None,
            "found": slug_matches(phrase, page_slug) if page_slug else None,
        },
        "introduction": _place(phrase, intro),
        "subheadings": {
            "mentioning": mentioning,
            "total": len(subs),
            "share": round(100 * mentioning / len(subs), 1) if subs else None,
        },
        "body": {
            "count": body,
            "words": words,
            "density": round(100 * body / words, 2) if words else None,
        },
        "alt_text": {
            "images": sum(1 for i in article_images if phrase.found_in(i.alt)),
            "total": len(article_images),
        },
        "link_text": {
            "links": sum(1 for ln in links if phrase.found_in(ln.text)),
            "total": len(links),
        },
        "visible": visible,
        "hidden": describe_spots(hidden) or None,
    }


def _place(phrase: Phrase, text: str | None) -> dict[str, Any]:
    if text is None or not text.strip():
        return {"found": None, "count": 0}
    n = phrase.count(text)
    return {"found": n > 0, "count": n}


# --------------------------------------------------------------------------- locations

_LD_KEYS = frozenset({"areaserved", "address", "servicearea"})


def structured_places(json_ld: Iterable[Any]) -> list[str]:
    """Every string under a JSON-LD `areaServed`, `address` or `serviceArea` key."""
    out: list[str] = []

    def strings(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(k, str) and k.lower() in _LD_KEYS:
                    out.extend(strings(v))
                else:
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for doc in json_ld:
        walk(doc)
    return out


def location_row(page: Page, place: Phrase, prose: Prose | None = None) -> dict[str, Any]:
    """Where one configured location appears (plain data)."""
    prose = prose or article_prose(page.blocks)
    hidden = hidden_spots(page, place)
    return {
        "location": place.spec,
        "body": count_blocks(place, prose),
        "headings": sum(place.count(h.text) for h in page.headings),
        "page_text": visible_count(page, place, prose),
        "title": bool(page.title) and place.found_in(page.title),
        "meta_description": bool(page.meta_description) and place.found_in(page.meta_description),
        "alt_text": sum(1 for i in page.images if i.alt and place.found_in(i.alt)),
        "hidden": sum(1 for s in hidden if s.kind != "alt text"),
        "structured_data": any(place.found_in(s) for s in structured_places(page.json_ld)),
    }


# --------------------------------------------------------------------------- top phrases

_EXTRA_STOP = word_set(
    """get gets got getting make makes made making thing things way ways lot lots use used
    using one two three first new also just like really even still much many well back
    said say says see seen go goes going went come comes came want wants know knows"""
)


#: URLs, domains, file names and dotted identifiers ("google.maps.Map2"): no phrases.
_DOTTED = re.compile(r"\S*(?:://|www\.|\w\.\w)\S*")
#: The `\w\.\w` of `_DOTTED`, looked for from the ".": the regex engine skips from
#: one "." to the next, where a pattern starting with \w is tried at every character.
_WORD_DOT_WORD = re.compile(r"\.(?<=\w\.)\w")


def _may_hold_dotted(text: str) -> bool:
    """Whether `text` holds what every `_DOTTED` match holds ("://", "www." or a "."
    between \\w characters): a cheap test before the costly substitution."""
    return "://" in text or "www." in text or _WORD_DOT_WORD.search(text) is not None


_STOP = FUNCTION_WORDS | _EXTRA_STOP
_NOT_A_PHRASE_WORD = re.compile(r"\d|'")


def _phrase_word(tok: str) -> str | None:
    """The phrase word a token stands for, or None when it breaks a run."""
    word = strip_possessive(tok)
    if word in _STOP or len(word) < 2 or _NOT_A_PHRASE_WORD.search(word):
        return None
    return word


#: Joins a block's sentences for one tokenisation: a stop word, so no run crosses it.
_RUN_BREAK = " the "


#: `_phrase_word` of the tokens seen so far in the run (pages share most words); bounded.
_PHRASE_WORDS: dict[str, str | None] = {}
_PHRASE_WORDS_LIMIT = 100_000


def _phrase_words(sentences: Iterable[str]) -> list[str | None]:
    """The phrase word of every token of the sentences, in order, None where a run of
    content words breaks (a stop word or a digit; runs never cross sentences).

    The sentences are tokenised as one text, joined by `_RUN_BREAK` (spaces around a
    stop word: no token and no `_DOTTED` match spans it, and it ends every run).
    Case folding and quote normalisation read no context, so one text gives the
    tokens of all its pieces. Each distinct token is classified once (`_phrase_word`,
    kept across pages), and the words are looked up for all tokens at once."""
    seen = _PHRASE_WORDS
    if len(seen) > _PHRASE_WORDS_LIMIT:
        seen.clear()
    pieces = list(sentences)
    text = _RUN_BREAK.join(pieces)
    if _may_hold_dotted(text):  # rare: most prose holds no URL
        # a `_DOTTED` match lies within one sentence (it holds no space): only those
        # with a hint are substituted (the regex is slow, trying every character)
        text = _RUN_BREAK.join(_DOTTED.sub(" . ", s) if _may_hold_dotted(s) else s for s in pieces)
    toks = tokens(text)
    for tok in set(toks).difference(seen):
        seen[tok] = _phrase_word(tok)
    return list(map(seen.__getitem__, toks))


def _phrase_counts(words: Sequence[str | None], n: int, min_count: int) -> dict[str, int]:
    """The `n`-word phrases of `_phrase_words` said at least `min_count` times: its
    windows of `n` words without a None (`all`: a phrase word is a non-empty string),
    joined by spaces (words hold none, so distinct phrases stay distinct)."""
    windows = zip(*(words[i:] for i in range(n)), strict=False)
    grams = Counter(cast("Iterator[tuple[str, ...]]", filter(all, windows)))
    return {" ".join(k): c for k, c in grams.items() if c >= min_count}


def top_phrases(
    prose: Prose, limit: int = 10, min_count: int = 2
) -> dict[str, list[dict[str, Any]]]:
    """The most frequent two- and three-word phrases of the measured prose, stop words
    removed (no phrase holds a function word), each said at least `min_count` times."""
    words = _phrase_words(s for block in prose.blocks for s in block_sentences(block.text))
    counts = {n: _phrase_counts(words, n, min_count) for n in (2, 3)}
    out: dict[str, list[dict[str, Any]]] = {}
    for n, name in ((2, "two_word"), (3, "three_word")):
        ranked = sorted(
            ((p, c) for p, c in counts[n].items() if c >= min_count), key=lambda pc: (-pc[1], pc[0])
        )
        out[name] = [{"phrase": p, "count": c} for p, c in ranked[:limit]]
    return out
