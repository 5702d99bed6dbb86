"""Keywords and locations (`K`): does the article say what it wants to be found for,
where readers and search engines look?

Keyphrases come from `-k/--keyword` or `keywords = [...]`, places from
`-l/--location` or `locations = [...]`. Rules that need them do not apply without
them (the category shows n/a); the facts then list the article's most frequent
phrases to pick a target from. Thresholds start from Yoast's SEO assessments (see
each rule). How phrases are matched is explained at the end of each rule's
documentation (`postaudit rules K201`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from textwrap import indent
from typing import Any

from postaudit.measure.coverage import (
    article_title,
    count_blocks,
    describe_spots,
    hidden_spots,
    introduction,
    keyword_row,
    location_row,
    mentions_heading,
    slug,
    slug_matches,
    structured_places,
    subheadings,
    top_phrases,
    visible_count,
)
from postaudit.measure.matching import MATCHING_HELP, Phrase, parse_keyphrases, parse_places
from postaudit.measure.prose import Prose, article_prose, split_sentences, terminated, word_count
from postaudit.measure.stuffing import find_place_list
from postaudit.model import Category, Hit, Location, Severity
from postaudit.parse.page import Page
from postaudit.rules.base import Check, Options, rule, site_level


def explains_matching(fn: Check) -> Check:
    """Append the shared matching explanation to a rule's documentation (indented like
    the docstring, so `inspect.getdoc` dedents both alike)."""
    fn.__doc__ = (fn.__doc__ or "").rstrip() + "\n\n" + indent(MATCHING_HELP.strip(), "    ")
    return fn


def _lang(page: Page, options: Options) -> str | None:
    lang = options.get("lang")
    return lang if isinstance(lang, str) and lang.strip() else page.lang


def _keyphrases(page: Page, options: Options) -> list[Phrase]:
    return parse_keyphrases(options.get("keywords") or (), _lang(page, options))


def _places(options: Options) -> list[Phrase]:
    return parse_places(options.get("locations") or ())


def _with_keywords(
    extra: Callable[[Page, Options], bool] | None = None,
) -> Callable[[Page, Options], bool]:
    def applies(page: Page, options: Options) -> bool:
        return bool(_keyphrases(page, options)) and (extra is None or extra(page, options))

    return applies


def _with_locations(page: Page, options: Options) -> bool:
    return bool(_places(options))


def _missing(
    phrases: Sequence[Phrase], found: Callable[[Phrase], bool]
) -> tuple[list[Phrase], float]:
    """The phrases not found, and the share that were (every hit's partial score)."""
    missing = [p for p in phrases if not found(p)]
    return missing, 1 - len(missing) / len(phrases)


def _q(text: str) -> str:
    return f'"{text}"'


# --------------------------------------------------------------------------- placements


@rule(
    code="K201",
    name="keyword-in-title",
    category=Category.KEYWORDS,
    title="The title contains the keyphrase",
    fix="work the keyphrase into the <title>, near the start",
    severity=Severity.WARNING,
    weight=3,
    applies=_with_keywords(lambda page, options: bool(page.title)),
)
@explains_matching
def keyword_in_title(page: Page, options: Options) -> Iterator[Hit]:
    """Every configured keyphrase is in the page `<title>`.

    The title is the strongest on-page signal and the blue link in the results
    (Yoast's "keyphrase in SEO title": best at the start, orange when elsewhere;
    here any position passes). A site name the title ends or starts with
    (`og:site_name`) does not count: "Anxiety Tips — Fernwood Counseling" does not
    hold "anxiety counseling". One finding per missing keyphrase; each carries the
    share of keyphrases found as its score.

    Fails: -k "anxiety counseling" with <title>Why Worry Gets Louder</title>
    Passes: <title>Anxiety Counseling: Why Worry Gets Louder at Night</title>
    """
    phrases = _keyphrases(page, options)
    title = article_title(page) or ""
    missing, score = _missing(phrases, lambda p: p.found_in(title))
    cut = " (site name left out)" if title != page.title else ""
    for p in missing:
        yield Hit(
            f"keyphrase {_q(p.spec)} is not in the title {_q(title)}{cut}",
            page.locate("title"),
            score=score,
            key=p.spec,
        )


@rule(
    code="K202",
    name="keyword-in-h1",
    category=Category.KEYWORDS,
    title="The main heading contains the keyphrase",
    fix="say the keyphrase in the article's <h1>, in words a reader would use",
    severity=Severity.WARNING,
    weight=3,
    applies=_with_keywords(lambda page, options: bool(page.h1s)),
)
@explains_matching
def keyword_in_h1(page: Page, options: Options) -> Iterator[Hit]:
    """Every configured keyphrase is in an `<h1>` of the page.

    The h1 is what readers see first and what search engines read as the topic of
    the page. Applies when the page has an h1 (a missing h1 is the headings
    family's finding). One finding per missing keyphrase, scored by the share
    found.

    Fails: -k "anxiety counseling" with <h1>Why Worry Gets Louder at Night</h1>
    Passes: <h1>Anxiety at night: what counseling can change</h1>
    """
    phrases = _keyphrases(page, options)
    h1s = page.h1s
    texts = [h.text for h in h1s]
    missing, score = _missing(phrases, lambda p: any(p.found_in(t) for t in texts))
    for p in missing:
        yield Hit(
            f"keyphrase {_q(p.spec)} is not in the h1 {_q(texts[0])}",
            h1s[0].location,
            score=score,
            key=p.spec,
        )


@rule(
    code="K203",
    name="keyword-in-meta-description",
    category=Category.KEYWORDS,
    title="The meta description contains the keyphrase",
    fix="mention the keyphrase once in the meta description, in a natural sentence",
    severity=Severity.WARNING,
    weight=2,
    applies=_with_keywords(lambda page, options: bool(page.meta_description)),
)
@explains_matching
def keyword_in_meta_description(page: Page, options: Options) -> Iterator[Hit]:
    """Every configured keyphrase is in the meta description.

    Search engines bold the searched words in the snippet they show (Yoast's
    "keyphrase in meta description"). Applies when there is a description (a
    missing one is M604's finding).

    Fails: -k "anxiety counseling" with <meta name="description" content="Sleep.">
    Passes: <meta name="description" content="How anxiety counseling helps.">
    """
    phrases = _keyphrases(page, options)
    missing, score = _missing(phrases, lambda p: p.found_in(page.meta_description))
    for p in missing:
        yield Hit(
            f"keyphrase {_q(p.spec)} is not in the meta description",
            page.locate("description"),
            score=score,
            key=p.spec,
        )


def _prose(page: Page) -> Prose:
    return article_prose(page.blocks)


@rule(
    code="K204",
    name="keyword-in-introduction",
    category=Category.KEYWORDS,
    title="The first paragraph contains the keyphrase",
    fix="name the topic in the first paragraph, in one sentence that uses the keyphrase",
    severity=Severity.WARNING,
    weight=2,
    applies=_with_keywords(lambda page, options: introduction(_prose(page)) is not None),
)
@explains_matching
def keyword_in_introduction(page: Page, options: Options) -> Iterator[Hit]:
    """Every configured keyphrase is in the article's first paragraph, within one
    sentence.

    Readers decide in the first lines whether the post answers their question
    (Yoast's "keyphrase in introduction": all content words in one sentence of the
    first paragraph). Captions, bylines and credits before it are skipped.

    Fails: -k "anxiety counseling" when the first paragraph never mentions it
    Passes: a first paragraph "Anxiety at night is common; counseling helps."
    """
    phrases = _keyphrases(page, options)
    prose = _prose(page)
    intro = introduction(prose) or ""
    block = next(b for b in prose.blocks if b.text == intro)
    missing, score = _missing(phrases, lambda p: p.found_in(terminated(intro)))
    for p in missing:
        yield Hit(
            f"keyphrase {_q(p.spec)} is not in the first paragraph",
            block.location,
            score=score,
            key=p.spec,
        )


@rule(
    code="K205",
    name="keyword-in-slug",
    category=Category.KEYWORDS,
    title="The URL slug contains the keyphrase",
    fix="use the keyphrase's words in the URL slug (and redirect the old URL)",
    severity=Severity.WARNING,
    weight=1,
    applies=_with_keywords(lambda page, options: bool(slug(page.url))),
)
@explains_matching
def keyword_in_slug(page: Page, options: Options) -> Iterator[Hit]:
    """The URL's last path segment holds the keyphrase's words.

    Yoast's "keyphrase in slug": every content word for a phrase of one or two
    content words, more than half of them for longer phrases; words in any order,
    plural forms count ("/anxiety-counselor-portland" does not hold "counseling").

    Fails: -k "anxiety counseling" on /blog/why-worry-gets-louder-at-night
    Passes: /blog/anxiety-counseling-for-sleepless-nights
    """
    phrases = _keyphrases(page, options)
    page_slug = slug(page.url)
    missing, score = _missing(phrases, lambda p: slug_matches(p, page_slug))
    for p in missing:
        yield Hit(
            f"keyphrase {_q(p.spec)} is not in the URL slug {_q(page_slug)}",
            page.locate("canonical") if page.canonicals else page.locate("html"),
            score=score,
            key=p.spec,
        )


# --------------------------------------------------------------------------- density


def _long_enough(page: Page, options: Options) -> bool:
    return word_count(_prose(page).text) >= int(options["min_words"])


def _density(page: Page, phrase: Phrase, prose: Prose) -> tuple[int, int, float]:
    words = word_count(prose.text)
    n = count_blocks(phrase, prose)
    return n, words, 100 * n / words if words else 0.0


def _article_location(page: Page, prose: Prose) -> Location:
    return prose.blocks[0].location if prose.blocks else page.locate("html")


@rule(
    code="K206",
    name="keyword-density-low",
    category=Category.KEYWORDS,
    title="The keyphrase is used often enough in the article",
    fix="use the keyphrase (or a synonym) a few more times where it fits the sentence",
    severity=Severity.WARNING,
    weight=2,
    defaults={"min_density": 0.5, "min_words": 100},
    applies=_with_keywords(_long_enough),
)
@explains_matching
def keyword_density_low(page: Page, options: Options) -> Iterator[Hit]:
    """Each keyphrase makes up at least `min_density` percent of the article's words
    (default 0.5: once per 200 words), counting sentences that match it.

    Yoast's keyphrase density band is 0.5-3%. Density = matches in the measured
    prose (see the readability family: no headings, captions or code) per 100
    words. Yoast grades texts under 100 words by counts instead; postaudit leaves
    those out (`min_words`).

    Fails: -k "anxiety counseling" said once in 1,100 words (0.09%)
    Passes: said 8 times in 1,100 words (0.73%)
    Options: min_density (0.5), min_words (100)
    """
    phrases = _keyphrases(page, options)
    prose = _prose(page)
    limit = float(options["min_density"])
    rows = [(p, *_density(page, p, prose)) for p in phrases]
    low = [r for r in rows if r[3] < limit]
    score = 1 - len(low) / len(rows)
    for p, n, words, density in low:
        times = "never appears" if n == 0 else f"appears {n} time{'s' if n != 1 else ''}"
        yield Hit(
            f"keyphrase {_q(p.spec)} {times} in {words:,} words ({density:.2f}%); "
            f"aim for {limit:g}% or more",
            _article_location(page, prose),
            score=score,
            key=p.spec,
        )


@rule(
    code="K207",
    name="keyword-stuffing",
    category=Category.KEYWORDS,
    title="The keyphrase is not overused",
    fix="replace some repetitions with synonyms or pronouns; write for the reader",
    severity=Severity.WARNING,
    weight=2,
    defaults={"max_density": 3.0, "min_words": 100},
    applies=_with_keywords(_long_enough),
)
@explains_matching
def keyword_stuffing(page: Page, options: Options) -> Iterator[Hit]:
    """No keyphrase makes up more than `max_density` percent of the article's words
    (default 3).

    Over 3% reads as keyword stuffing to readers and to search engines (Yoast: red
    over 3%, or 3.5% when it also counts word forms, as postaudit does; postaudit
    keeps 3). Texts under `min_words` words are left out.

    Fails: -k "anxiety counseling" in 12 of 30 sentences of a 300-word post (4%)
    Passes: 4 times in 600 words (0.67%)
    Options: max_density (3.0), min_words (100)
    """
    phrases = _keyphrases(page, options)
    prose = _prose(page)
    limit = float(options["max_density"])
    rows = [(p, *_density(page, p, prose)) for p in phrases]
    high = [r for r in rows if r[3] > limit]
    score = 1 - len(high) / len(rows)
    for p, n, words, density in high:
        yield Hit(
            f"keyphrase {_q(p.spec)} appears {n} times in {words:,} words ({density:.1f}%): "
            f"keyword stuffing; keep it under {limit:g}%",
            _article_location(page, prose),
            score=score,
            key=p.spec,
        )


# --------------------------------------------------------------------------- subheadings


def _subheading_share(page: Page, phrase: Phrase, min_share: float) -> tuple[int, int]:
    subs = subheadings(page)
    return sum(1 for h in subs if mentions_heading(phrase, h.text, min_share)), len(subs)


@rule(
    code="K208",
    name="keyword-subheadings-low",
    category=Category.KEYWORDS,
    title="Enough subheadings reflect the keyphrase",
    fix="work the keyphrase or its main words into a few more h2/h3 subheadings",
    severity=Severity.INFO,
    weight=1,
    defaults={"min_share": 30, "min_word_share": 0.5},
    applies=_with_keywords(lambda page, options: bool(subheadings(page))),
)
@explains_matching
def keyword_subheadings_low(page: Page, options: Options) -> Iterator[Hit]:
    """At least `min_share` percent (default 30) of the article's h2/h3 subheadings
    reflect each keyphrase.

    Yoast's "keyphrase in subheadings": a subheading reflects the keyphrase when it
    holds at least half (`min_word_share`) of its content words; 30-75% of
    subheadings is good. Under 30% is info here (a hint for skimmers), over 75% is
    `keyword-subheadings-high` (K209, a warning). With a single subheading, it must
    reflect the keyphrase.

    Fails: -k "anxiety counseling" and 1 of 6 subheadings about either word
    Passes: 3 of 6
    Options: min_share (30), min_word_share (0.5)
    """
    limit = float(options["min_share"])
    word_share = float(options["min_word_share"])
    subs = subheadings(page)
    for p in _keyphrases(page, options):
        n, total = _subheading_share(page, p, word_share)
        share = 100 * n / total
        if share < limit:
            yield Hit(
                f"{n} of {total} subheadings ({share:.0f}%) reflect keyphrase {_q(p.spec)}; "
                f"aim for {limit:g}% or more",
                subs[0].location,
                score=share / limit if limit else 0.0,
                key=p.spec,
            )


@rule(
    code="K209",
    name="keyword-subheadings-high",
    category=Category.KEYWORDS,
    title="Not every subheading repeats the keyphrase",
    fix="let some subheadings describe their section in their own words",
    severity=Severity.WARNING,
    weight=1,
    defaults={"max_share": 75, "min_word_share": 0.5},
    applies=_with_keywords(lambda page, options: len(subheadings(page)) >= 2),
)
@explains_matching
def keyword_subheadings_high(page: Page, options: Options) -> Iterator[Hit]:
    """At most `max_share` percent (default 75) of the article's h2/h3 subheadings
    reflect each keyphrase.

    Yoast flags more than 75% as over-optimised: subheadings that all repeat the
    keyphrase stop telling the reader what each section holds. Needs two or more
    subheadings. `min_word_share` as in K208.

    Fails: -k "anxiety counseling" in 4 of 4 subheadings
    Passes: in 2 of 4
    Options: max_share (75), min_word_share (0.5)
    """
    limit = float(options["max_share"])
    word_share = float(options["min_word_share"])
    subs = subheadings(page)
    for p in _keyphrases(page, options):
        n, total = _subheading_share(page, p, word_share)
        share = 100 * n / total
        if share > limit:
            yield Hit(
                f"{n} of {total} subheadings ({share:.0f}%) reflect keyphrase {_q(p.spec)}; "
                f"keep it at {limit:g}% or under",
                subs[0].location,
                key=p.spec,
            )


# --------------------------------------------------------------------------- visibility


@rule(
    code="K210",
    name="keyword-only-hidden",
    category=Category.KEYWORDS,
    title="The keyphrase appears in visible text, not only in hidden places",
    fix="use the keyphrase in the article's visible text; alt text describes the image",
    severity=Severity.WARNING,
    weight=2,
    applies=_with_keywords(),
)
@explains_matching
def keyword_only_hidden(page: Page, options: Options) -> Iterator[Hit]:
    """No keyphrase appears only in places readers do not see: image alt text, title
    or aria-label attributes, hidden elements.

    Search engines weigh visible text; a keyphrase found only in alt text is a sign
    the alt was written for search engines rather than for the people who need it.
    The page title and meta description do not make it visible.

    Fails: -k "anxiety counseling" only in <img alt="… anxiety counseling">
    Passes: the phrase is also in a paragraph or heading
    """
    prose = _prose(page)
    for p in _keyphrases(page, options):
        spots = hidden_spots(page, p)
        if spots and visible_count(page, p, prose) == 0:
            yield Hit(
                f"keyphrase {_q(p.spec)} appears only in {describe_spots(spots)}; "
                "readers never see it in the text",
                spots[0].location,
                key=p.spec,
            )


@rule(
    code="K211",
    name="location-only-hidden",
    category=Category.KEYWORDS,
    title="Target locations appear in visible text, not only in hidden places",
    fix="name the places you serve in a visible sentence (a service-area line or a heading), not in alt text",
    severity=Severity.WARNING,
    weight=2,
    applies=_with_locations,
)
@explains_matching
def location_only_hidden(page: Page, options: Options) -> Iterator[Hit]:
    """No configured location appears only in image alt text, title or aria-label
    attributes, or hidden elements.

    Local-SEO advice often ends up as city names packed into alt text, where screen
    reader users hear them and nobody else sees them; search engines and readers
    weigh the visible text. Visible text is any text of the page body (headings,
    article, header and footer). Each location found only in hidden places is one
    finding, scored by the share of locations that are visible.

    Fails: -l Portland named only in <img alt="… including Portland, Salem">
    Passes: a paragraph "We see clients across Oregon, from Portland to Bend."
    """
    places = _places(options)
    prose = _prose(page)
    rows = []
    for p in places:
        spots = hidden_spots(page, p)
        rows.append((p, spots, bool(spots) and visible_count(page, p, prose) == 0))
    bad = [r for r in rows if r[2]]
    score = 1 - len(bad) / len(rows)
    for p, spots, _ in bad:
        yield Hit(
            f"location {_q(p.spec)} appears only in {describe_spots(spots)}; "
            "readers never see it in the text",
            spots[0].location,
            score=score,
            key=p.spec,
        )


def _anywhere(page: Page, place: Phrase, prose: Prose) -> bool:
    if visible_count(page, place, prose) or hidden_spots(page, place):
        return True
    texts = [page.title or "", page.meta_description or "", *structured_places(page.json_ld)]
    return any(place.found_in(t) for t in texts)


@rule(
    code="K212",
    name="location-missing",
    category=Category.KEYWORDS,
    title="Every target location is named on the page",
    fix="name the location where it is true: where you work, who you serve, how to reach you",
    severity=Severity.WARNING,
    weight=2,
    applies=_with_locations,
)
@explains_matching
def location_missing(page: Page, options: Options) -> Iterator[Hit]:
    """Every configured location appears somewhere on the page: visible text, title,
    meta description, alt text, attributes or structured data (JSON-LD
    `areaServed`, `address`, `serviceArea`).

    A location you want to be found for that the page never names cannot be matched
    to it. One finding per missing location, scored by the share present.

    Fails: -l Eugene on a page that never says "Eugene"
    Passes: "Sessions are online for clients in Eugene and across Lane County."
    """
    places = _places(options)
    prose = _prose(page)
    missing, score = _missing(places, lambda p: _anywhere(page, p, prose))
    for p in missing:
        yield Hit(
            f"location {_q(p.spec)} is not named anywhere on the page",
            _article_location(page, prose),
            score=score,
            key=p.spec,
        )


def _text_units(page: Page, prose: Prose) -> list[tuple[str, str, Location]]:
    """(kind, text, location) of every visible text a place list could be stuffed
    into: article sentences, headings, title, meta description. Alt text is the
    alt-text family's (A107 judges lists of places in alt with the same detector)."""
    units: list[tuple[str, str, Location]] = []
    for block in prose.blocks:
        for sentence in split_sentences(terminated(block.text)):
            units.append(("sentence", sentence, block.location))
    for h in page.headings:
        units.append(("heading", h.text, h.location))
    if page.title:
        units.append(("title", page.title, page.locate("title")))
    if page.meta_description:
        units.append(("meta description", page.meta_description, page.locate("description")))
    return units


@rule(
    code="K213",
    name="location-list-stuffing",
    category=Category.KEYWORDS,
    title="Locations are not stuffed into lists in one sentence, heading or title",
    fix="name one or two places where they matter; put the full service area in one plain line or in structured data",
    severity=Severity.WARNING,
    weight=1,
    defaults={"min_places": 5, "min_places_short": 3},
    applies=_with_locations,
)
@explains_matching
def location_list_stuffing(page: Page, options: Options) -> Iterator[Hit]:
    """No article sentence packs a list of `min_places` (default 5) or more places,
    and no heading, title or meta description a list of `min_places_short`
    (default 3) ("… across Texas, including Houston, Dallas, Austin, and San
    Antonio").

    City lists written for search engines read as spam to people and add nothing a
    service-area line or JSON-LD `areaServed` does not say better. A plain sentence
    naming three places ("clients join from Portland, Salem or Eugene") is how people
    write, so prose needs a longer list. Lists in image alt text are the alt-text
    family's: A107 (alt-keyword-stuffed) judges them with the same detector,
    so a stuffed alt is reported once. Each
    finding's score is the share of texts naming a configured location that are not
    lists.

    Fails: -l Houston and "Sessions for women across Texas, including Houston, Dallas, Austin, and San Antonio."
    Passes: "Sessions are online, so clients join from Portland or Bend alike."
    Options: min_places (5), min_places_short (3)
    """
    places = _places(options)
    names = [f.text for p in places for f in p.forms]
    prose = _prose(page)
    naming = 0
    found: list[tuple[str, str, Location, list[str]]] = []
    for kind, text, loc in _text_units(page, prose):
        if not any(p.found_in(text) for p in places):
            continue
        naming += 1
        key = "min_places" if kind == "sentence" else "min_places_short"
        listed = find_place_list(text, names, min_items=int(options[key]))
        if listed:
            found.append((kind, text, loc, listed))
    score = 1 - len(found) / naming if naming else 1.0
    for kind, text, loc, listed in found:
        yield Hit(
            f"{kind} lists {len(listed)} places ({', '.join(listed)})",
            loc,
            score=score,
            key=f"{kind}:{' '.join(text.split()[:12])}",
        )


# --------------------------------------------------------------------------- site level
# Computed after a batch from every audited page's compact facts (`postaudit.judge.site`):
# on a single page it does not apply.


@rule(
    code="K220",
    name="keyword-cannibalisation",
    category=Category.KEYWORDS,
    title="Each keyphrase and location pair is targeted by one page",
    fix="pick one page for this keyphrase and place; retitle the others or link them to it",
    severity=Severity.WARNING,
    applies=site_level,
    needs=("site",),
)
@explains_matching
def keyword_cannibalisation(page: Page, options: Options) -> Iterator[Hit]:
    """Site level: no two audited pages target the same keyphrase AND location in their
    title or main h1.

    Two posts titled for "anxiety counseling" in "Portland" compete with each other
    in search: neither ranks as well as one would (keyword cannibalisation). A page
    targets a pair when the keyphrase and the place are both in its title (site name
    left out) or its main h1. Needs keyphrases (-k) and locations (-l): with
    keyphrases alone every post is meant to carry them (K201). Noindexed pages and
    pages whose canonical URL names another page are left out. Judged across the
    audited pages (`postaudit sitemap`, `postaudit merge`).

    Fails: -k "anxiety counseling" -l Portland, with /a titled "Anxiety counseling in Portland" and /b "Portland anxiety counseling that works"
    Passes: /a targets Portland, /b targets Salem
    """
    yield from ()


RULES = (
    keyword_in_title,
    keyword_in_h1,
    keyword_in_meta_description,
    keyword_in_introduction,
    keyword_in_slug,
    keyword_density_low,
    keyword_stuffing,
    keyword_subheadings_low,
    keyword_subheadings_high,
    keyword_only_hidden,
    location_only_hidden,
    location_missing,
    location_list_stuffing,
    keyword_cannibalisation,
)


def facts(page: Page, context: Options) -> dict[str, Any]:
    """Keyword coverage (one row per keyphrase), location coverage, or, with no
    keyphrase configured, the article's most frequent phrases."""
    prose = _prose(page)
    phrases = _keyphrases(page, context)
    out: dict[str, Any] = {}
    if phrases:
        out["keywords"] = [keyword_row(page, p, prose) for p in phrases]
    else:
        out["phrases"] = top_phrases(prose)
    places = _places(context)
    if places:
        out["locations"] = [location_row(page, p, prose) for p in places]
    return out
