"""Which language the article's prose is written in, from its function words.

A small stop-word profile per language whose readability textstat scores (and
Portuguese): the share of a text's words that are the language's commonest function
words ("the", "and", "with" in English; "les", "et", "dans" in French) is high, 15-40%,
in running prose of that language and low in any other. Words that are function
words in several of these languages ("que", "se", "la", "il", "is") are left out of
every profile, so each profile only holds words that tell languages apart.

`detect` judges only with enough words (`MIN_WORDS`) and a clear margin
(`MIN_SHARE`, `MIN_RATIO`); otherwise it says nothing. Text in another script (Chinese,
Japanese, Cyrillic) has no Latin words to count and is never judged: a mixed
English/Chinese page is judged on its Latin words only when they are at least half of it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from postaudit.measure.wordcount import word_count


def _profile(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Distinctive function words (lower case) per language root.
PROFILES: dict[str, frozenset[str]] = {
    "en": _profile(
        "the and of to is that it for with as was on are be this by or have from not but "
        "they which you we an at were their has been its can will would there what so if "
        "about when who all more also these than them into only other our how"
    ),
    "fr": _profile(
        "le la les des du et est une pour que qui dans pas sur au aux avec ce cette sont "
        "nous vous il ils elle mais ou par plus ne se sa son ses leur été être fait "
        "comme tout très aussi donc où peut avons nous"
    ),
    "de": _profile(
        "der und das ist nicht mit den zu sich auf dem des ein eine einen für von "
        "werden wird auch es sie wir ich oder aber bei nach wie noch wenn kann sind "
        "nur vom zum zur im am über dann diese dieser hier"
    ),
    "es": _profile(
        "el los las del y que por para con una es un se lo como más pero sus al su "
        "este esta son está también hay muy ya o cuando sin sobre entre nos puede ser "
        "fue han porque todo"
    ),
    "it": _profile(
        "il di che è la per non una gli del della un dei con sono le si ma anche come "
        "più questo questa nel alla al ci ha essere lo delle nella è stato tra "
        "fatto molto perché"
    ),
    "nl": _profile(
        "het een van en is dat niet op te zijn voor met ook als er maar om aan bij "
        "wordt dit je ik wel nog naar kan uit zo worden tot hebben heeft deze dan of "
        "geen moet"
    ),
    "pt": _profile(
        "o os as da do das dos e que para com uma um não é em no na nos se por mais "
        "mas como ao foi são também isso esse essa pelo pela seu sua muito já ou "
        "quando você pode"
    ),
}

#: Words counted for more than one language would blur the margin: drop them.
_SHARED = {
    w
    for lang, words in PROFILES.items()
    for w in words
    if any(w in other for o, other in PROFILES.items() if o != lang)
}
PROFILES = {lang: words - _SHARED for lang, words in PROFILES.items()}

#: Names for messages.
NAMES = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "nl": "Dutch",
    "pt": "Portuguese",
}

#: Judge only from this many Latin-script words.
MIN_WORDS = 150
#: The winning language's function words are at least this share of the words ...
MIN_SHARE = 0.12
#: ... and at least this many times the runner-up's share.
MIN_RATIO = 3.0

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
_LATIN = re.compile(r"^[a-zà-ÿœ'’]+$")


@dataclass(frozen=True, slots=True)
class Detection:
    lang: str  # root, e.g. "fr"
    words: int  # Latin words considered
    share: float  # share of them that are the language's function words
    runner_up: str
    runner_up_share: float

    @property
    def name(self) -> str:
        return NAMES.get(self.lang, self.lang)


#: The language each profile word belongs to (the profiles share no word).
_LANG_OF: dict[str, str] = {w: lang for lang, words in PROFILES.items() for w in words}


@lru_cache(maxsize=8)
def detect(text: str) -> Detection | None:
    """The language `text` is clearly written in, or None when it cannot be told
    (too few words, no clear margin, mostly another script). Remembered for the last
    few texts: a page's readability rules and its language rule ask about the same
    prose."""
    n_latin = 0
    hits = dict.fromkeys(PROFILES, 0)
    if text.isascii():
        # the same words, lower-cased before they are found: every one is Latin
        words = _WORD.findall(text.lower())
        n_latin = len(words)
        counts = Counter(words)
        for profile_word, profile_lang in _LANG_OF.items():
            hits[profile_lang] += counts.get(profile_word, 0)
    else:
        # each distinct word as written is lower-cased and classified once
        for token, n in Counter(_WORD.findall(text)).items():
            word = token.lower()
            if _LATIN.match(word):
                n_latin += n
                lang = _LANG_OF.get(word)
                if lang is not None:
                    hits[lang] += n
    # A page mostly in another script (Chinese with English terms) is not judged:
    # Chinese and Japanese count two characters a word (`postaudit.measure.wordcount`).
    if n_latin < MIN_WORDS or n_latin < 0.5 * word_count(text):
        return None
    shares = sorted(((n / n_latin, lang) for lang, n in hits.items()), reverse=True)
    (best, lang), (second, other) = shares[0], shares[1]
    if best < MIN_SHARE or best < MIN_RATIO * second:
        return None
    return Detection(lang, n_latin, best, other, second)


def mismatch(text: str, declared: str | None) -> Detection | None:
    """The detected language when the prose is clearly in another language than
    `declared` (a language root with a profile); None when they agree or either is
    unknown."""
    if declared not in PROFILES:
        return None
    found = detect(text)
    if found is None or found.lang == declared:
        return None
    return found
