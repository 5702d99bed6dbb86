"""Keyword and location stuffing in one short text (an alt, a sentence, a heading).

Pure text functions shared by the alt-text rule A107 and the keywords family, so the
two judge stuffing the same way. The pattern they look for is the one local-SEO
advice produces: "… online therapy for women across Texas, including Houston, Dallas,
and Austin", a target phrase said twice in one alt, or a handful of configured
keywords and places packed into one sentence.

API (all case-insensitive where it matters, no I/O, no state):

- `find_place_list(text, locations=(), *, min_items=3)` -> the names of the longest
  comma list of `min_items`+ capitalised, place-like names ("Portland, Salem, Eugene,
  and Bend"), or [] when there is none; a region named just before "including" leads
  the list ("across Oregon, including Portland, …" -> Oregon, Portland, …). Works
  without configuration; configured `locations` only add evidence that a list is one
  of places. In an alt three places are suspicious; in running prose a three-place
  list can be natural ("whether you live in Portland, Salem, Eugene or a smaller
  town"), so prose callers may want a higher `min_items` or other evidence.
- `count_terms(text, terms)` -> {term: occurrences} for the terms that occur (whole
  words, case-insensitive, whitespace-tolerant).
- `repeated_phrases(text, min_repeats=2)` -> [(phrase, count)]: two-word phrases of
  content words said at least `min_repeats` times.
- `stuffing_reasons(text, keywords=(), locations=(), ...)` -> human-readable reasons
  the text looks stuffed ([] when it does not), each naming what was stuffed, e.g.
  `a list of 4 places (Portland, Salem, Eugene, Bend)`. A rule yields a hit when the
  list is not empty and joins the reasons with "; " in its message.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise

__all__ = [
    "CITIES",
    "REGIONS",
    "count_terms",
    "find_place_list",
    "repeated_phrases",
    "stuffing_reasons",
]


def _names(text: str, sep: str | None = None) -> frozenset[str]:
    """A lower-cased set from a word list written as one string (keeps the data compact)."""
    return frozenset(w.strip().lower() for w in text.split(sep) if w.strip())


#: Region names that make a nearby list read as places: US states (and DC), Canadian
#: provinces and territories, Australian states, the UK's nations.
REGIONS = _names(
    "alabama|alaska|alberta|arizona|arkansas|bay area|british columbia|california|"
    "colorado|connecticut|delaware|district of columbia|england|florida|georgia|"
    "hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|manitoba|"
    "maryland|massachusetts|michigan|minnesota|mississippi|missouri|montana|nebraska|"
    "nevada|new brunswick|new hampshire|new jersey|new mexico|new south wales|"
    "new york|newfoundland and labrador|north carolina|north dakota|northern ireland|"
    "northern territory|northwest territories|nova scotia|nunavut|ohio|oklahoma|"
    "ontario|oregon|pennsylvania|prince edward island|quebec|queensland|rhode island|"
    "saskatchewan|scotland|south australia|south carolina|south dakota|tasmania|"
    "tennessee|texas|the bay area|utah|vermont|victoria|virginia|wales|washington|"
    "west virginia|western australia|wisconsin|wyoming|yukon",
    "|",
)
#: Large and mid-size cities (US, Canada, UK, Ireland, Australia, New Zealand): two of
#: them in a list, or one after a weak cue ("in Houston, Dallas, and Austin"), make it a
#: list of places.
CITIES = _names(
    "abilene|adelaide|akron|albuquerque|alexandria|allentown|amarillo|anaheim|"
    "anchorage|ann arbor|arlington|arvada|ashland|athens|atlanta|auckland|augusta|"
    "aurora|austin|bakersfield|baltimore|baton rouge|beaumont|beaverton|belfast|"
    "bellevue|bend|berkeley|birmingham|boise|boston|boulder|bridgeport|brisbane|"
    "bristol|brownsville|buffalo|calgary|cambridge|canberra|cape coral|cardiff|"
    "carrollton|cary|cedar rapids|chandler|charleston|charlotte|chattanooga|"
    "chesapeake|chicago|christchurch|chula vista|cincinnati|clarksville|clearwater|"
    "cleveland|colorado springs|columbia|columbus|concord|coral springs|cork|corona|"
    "corvallis|dallas|dayton|denton|denver|des moines|detroit|dublin|durham|edinburgh|"
    "edmonton|el paso|elizabeth|elk grove|escondido|eugene|everett|fargo|fayetteville|"
    "fontana|fort collins|fort lauderdale|fort wayne|fort worth|fremont|fresno|frisco|"
    "fullerton|gainesville|garden grove|garland|gilbert|glasgow|glendale|"
    "grand prairie|grand rapids|greensboro|gresham|halifax|hamilton|hampton|hartford|"
    "hayward|henderson|hialeah|hillsboro|hollywood|honolulu|houston|huntington beach|"
    "huntsville|independence|indianapolis|irvine|irving|jackson|jacksonville|"
    "jersey city|joliet|kansas city|kent|killeen|knoxville|lafayette|lake oswego|"
    "lakewood|lancaster|laredo|las vegas|leeds|lexington|lincoln|little rock|"
    "liverpool|london|long beach|los angeles|louisville|lubbock|macon|madison|"
    "manchester|mcallen|mckinney|medford|melbourne|memphis|mesa|mesquite|miami|"
    "midland|milwaukee|minneapolis|miramar|mobile|modesto|montgomery|montreal|"
    "moreno valley|murfreesboro|naperville|nashville|new haven|new orleans|new york|"
    "newark|newport news|norfolk|norman|north las vegas|oakland|oceanside|odessa|"
    "oklahoma city|olathe|olympia|omaha|ontario|orange|orlando|ottawa|overland park|"
    "oxnard|palmdale|pasadena|paterson|pearland|pembroke pines|peoria|perth|"
    "philadelphia|phoenix|pittsburgh|plano|pomona|port st. lucie|portland|providence|"
    "provo|raleigh|rancho cucamonga|reno|richardson|richmond|rochester|rockford|"
    "roseville|round rock|sacramento|saint paul|salem|salinas|salt lake city|"
    "san antonio|san bernardino|san diego|san francisco|san jose|santa clara|"
    "santa clarita|santa rosa|savannah|scottsdale|seattle|shreveport|simi valley|"
    "sioux falls|spokane|springfield|st. louis|st. paul|st. petersburg|stamford|"
    "sterling heights|stockton|sugar land|sunnyvale|surprise|sydney|syracuse|tacoma|"
    "tallahassee|tampa|tempe|thornton|thousand oaks|tigard|toledo|topeka|toronto|"
    "torrance|tucson|tulsa|vallejo|vancouver|victoria|victorville|virginia beach|"
    "visalia|waco|warren|wellington|west valley city|wichita|wilmington|winnipeg|"
    "winston-salem|worcester|yonkers",
    "|",
)

#: Words that, just before a list, say "these are places".
_PLACE_CUES = (
    "across",
    "throughout",
    "serving",
    "serves",
    "near",
    "nearby",
    "around",
    "all over",
    "based in",
    "located in",
    "areas of",
    "areas like",
    "areas such as",
    "cities of",
    "cities like",
    "cities such as",
    "towns of",
    "towns like",
    "communities of",
    "communities like",
    "counties of",
)
#: Weaker cues: they introduce places only when a region name stands right before
#: them ("across Texas, including …", "in Oregon: …") or inside the list.
_WEAK_CUES = ("including", "in", "from", "to", "of", "like", "such as", "and")
#: Last words that make an item a place on its own.
_PLACE_SUFFIXES = _names(
    "county city beach springs heights valley township parish borough village falls "
    "harbor harbour island islands bay hills park lake creek"
)
#: Capitalised words that never make a list of places.
_NOT_PLACES = _names(
    "monday tuesday wednesday thursday friday saturday sunday january february march "
    "april may june july august september october november december i"
)
#: Lower-case words allowed inside a multi-word place name ("Stratford upon Avon").
_PARTICLES = _names("of de del la le upon on du da van von der y")

_WORD = r"[A-Z][\w'’.&-]*"
_NAME = rf"{_WORD}(?:\s+(?:(?:{'|'.join(sorted(_PARTICLES))})\s+)?{_WORD}){{0,3}}"
_SEP = r"\s*[,;]\s*(?:(?:and|or|&)\s+)?|\s+(?:and|or|&)\s+"
_LIST = re.compile(rf"(?<![\w'’])({_NAME})((?:(?:{_SEP}){_NAME})+)")
_ITEM_SPLIT = re.compile(_SEP)
_STATE_ABBR = re.compile(r"^[A-Z]{2}$")
_ACRONYM = re.compile(r"[A-Z]{2,}[\w]*")
_REGION_CASE = re.compile(
    r"(?<!\w)("
    + "|".join(re.escape(r) for r in sorted(REGIONS, key=len, reverse=True))
    + r")(?!\w)",
    re.I,
)

_STOPWORDS = _names(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself near no nor not now of off
    on once only or other our ours out over own same she should so some such than that the
    their theirs them then there these they this those through to too under until up very
    was we were what when where which while who whom why will with you your yours"""
)
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def _items(first: str, rest: str) -> tuple[list[str], str]:
    """The list's items, and a cue word the first item swallowed ("Serving Lake Oswego")."""
    cue = ""
    words = _norm(first).split()
    if len(words) > 1 and (words[0].lower() in _STOPWORDS or words[0].lower() in _PLACE_CUES):
        cue = words[0].lower()
        first = " ".join(words[1:])
    parts = [first, *(p for p in _ITEM_SPLIT.split(rest) if p and p.strip())]
    items: list[str] = []
    for part in (_norm(p) for p in parts):
        if len(part) > 3:
            part = part.rstrip(".")  # sentence end, not "St."
        # "Austin, TX" is one place, not two items
        if items and _STATE_ABBR.match(part):
            items[-1] = f"{items[-1]}, {part}"
        else:
            items.append(part)
    return items, cue


def _before(text: str, start: int, words: int = 4) -> str:
    """Up to `words` words before `start`, lower-cased, punctuation kept."""
    head = text[:start].rstrip()
    return " ".join(head.split()[-words:]).lower()


def _ends_with_cue(before: str, cues: Iterable[str]) -> bool:
    tail = before.rstrip(" ,:;")
    return any(tail == cue or tail.endswith(" " + cue) for cue in cues)


def _has_region(text: str) -> bool:
    low = f" {_norm(text).lower()} "
    return any(re.search(rf"[\s(]{re.escape(r)}[\s,.;:)]", low) for r in REGIONS)


def _region_before(before: str) -> str | None:
    """The region a weak cue follows: "across Texas, including" -> "Texas"."""
    tail = before.rstrip(" ,:;")
    for cue in _WEAK_CUES:
        if tail == cue or tail.endswith(" " + cue):
            head = tail[: len(tail) - len(cue)].rstrip(" ,:;")
            for region in REGIONS:
                if head == region or head.endswith(" " + region):
                    return region
    return None


def _place_like(before: str, items: Sequence[str], locations: set[str]) -> bool:
    lowered = [i.lower() for i in items]
    if any(i.split(",")[0] in _NOT_PLACES for i in lowered):
        return False
    if any(i in locations or i in REGIONS for i in lowered):
        return True
    if any("," in i for i in items):  # "Austin, TX"
        return True
    if any(i.split()[-1] in _PLACE_SUFFIXES for i in lowered if " " in i):
        return True
    if any(_ACRONYM.fullmatch(w) for i in items for w in i.split()[1:]):
        return False  # "Windows PE, Linux ELF": product names, not places
    cities = sum(1 for i in lowered if i in CITIES)
    if cities >= 2 or _ends_with_cue(before, _PLACE_CUES):
        return True
    return _ends_with_cue(before, _WEAK_CUES) and (cities >= 1 or _has_region(before))


def find_place_list(text: str, locations: Iterable[str] = (), *, min_items: int = 3) -> list[str]:
    """The names in the longest list of `min_items`+ capitalised, place-like names.

    A list is comma (or semicolon) separated with an optional final "and"/"or"; each
    item is one to four capitalised words ("San Luis Obispo", "Stratford upon Avon",
    "Austin, TX"). It counts as places when one of these holds: an item is a configured
    location or a region name (a US state, a Canadian province, …); an item carries a
    state abbreviation or ends in County/City/Beach/…; or the list follows a place cue
    ("across", "serving", "throughout", "near", …), or a weaker cue ("including", "in")
    right after a region name ("across Oregon, including Portland, Salem, and Bend").
    Lists of weekdays or months never count. Returns [] when nothing qualifies.
    """
    known = {_norm(loc).lower() for loc in locations if loc.strip()}
    best: list[str] = []
    for m in _LIST.finditer(text):
        items, cue = _items(m.group(1), m.group(2))
        before = f"{_before(text, m.start())} {cue}".strip()
        region = _region_before(before)
        if region is not None:  # "across Oregon, including Portland, …" names Oregon too
            name = next(w for w in _REGION_CASE.findall(text) if w.lower() == region)
            items = [name, *items]
        if len(items) < min_items or len(items) <= len(best):
            continue
        if _place_like(before, items, known):
            best = items
    return best


def count_terms(text: str, terms: Iterable[str]) -> dict[str, int]:
    """Occurrences of each term in `text` (whole words, case-insensitive, any whitespace
    between a term's words), in order of first appearance; terms that do not occur are
    left out. A term inside a longer term that also matched there is not counted again."""
    norm = _norm(text)
    found: dict[str, tuple[int, int]] = {}  # term -> (first position, count)
    taken: list[tuple[int, int]] = []
    for term in sorted({_norm(t) for t in terms if t.strip()}, key=len, reverse=True):
        words = [re.escape(w) for w in term.split()]
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.I)
        for m in pattern.finditer(norm):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append((m.start(), m.end()))
            first, n = found.get(term, (m.start(), 0))
            found[term] = (first, n + 1)
    return {t: n for t, (_, n) in sorted(found.items(), key=lambda item: item[1][0])}


def repeated_phrases(text: str, min_repeats: int = 2) -> list[tuple[str, int]]:
    """Two-word phrases of content words (no stopwords, each word 3+ letters) that occur
    at least `min_repeats` times, most frequent first: "anxiety counseling" said twice
    in one alt."""
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    pairs: Counter[str] = Counter()
    for a, b in pairwise(tokens):
        if a in _STOPWORDS or b in _STOPWORDS or len(a) < 3 or len(b) < 3:
            continue
        pairs[f"{a} {b}"] += 1
    return sorted(
        ((p, n) for p, n in pairs.items() if n >= min_repeats), key=lambda pn: (-pn[1], pn[0])
    )


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def stuffing_reasons(
    text: str,
    keywords: Iterable[str] = (),
    locations: Iterable[str] = (),
    *,
    min_places: int = 3,
    min_terms: int = 3,
    min_repeats: int = 2,
    max_repeat_words: int = 60,
) -> list[str]:
    """Why `text` looks keyword- or location-stuffed; [] when it does not.

    Reasons, in this order, each naming what was stuffed:
    1. a list of `min_places`+ places (see `find_place_list`);
    2. `min_terms`+ mentions of configured keywords and locations together;
    3. a configured keyword said `min_repeats`+ times; and, in a text of at most
       `max_repeat_words` words (an alt, a sentence: long prose repeats phrases
       naturally), any two-word phrase of content words said `min_repeats`+ times.
    """
    keywords = tuple(keywords)
    locations = tuple(locations)
    reasons: list[str] = []
    places = find_place_list(text, locations, min_items=min_places)
    if places:
        reasons.append(f"a list of {len(places)} places ({', '.join(places)})")
    counts = count_terms(text, (*keywords, *locations))
    total = sum(counts.values())
    if total >= min_terms:
        shown = ", ".join(f"{t} ×{n}" if n > 1 else t for t, n in counts.items())
        reasons.append(f"{total} mentions of target keywords and locations ({shown})")
    said: set[str] = set()
    keyword_counts = count_terms(text, keywords)
    for term, n in keyword_counts.items():
        if n >= min_repeats:
            reasons.append(f'the keyword "{term}" {_times(n)}')
            said.add(term.lower())
    generic = repeated_phrases(text, min_repeats) if len(text.split()) <= max_repeat_words else []
    for phrase, n in generic:
        if not any(phrase in s or s in phrase for s in said):
            reasons.append(f'the phrase "{phrase}" {_times(n)}')
            said.add(phrase)
    return reasons
