"""Finding a keyphrase or a place in text the way an editor means it, not as a substring.

Three ways to match, chosen per configured phrase:

- smart (the default for keyphrases; Yoast's approach): case-insensitive; typographic
  apostrophes and quotes count as plain ones (’ = '); whole words only ("art" is not
  in "start"); a word matches its plural and possessive forms ("woman", "women",
  "women's"; "therapy", "therapies"; "parents'"); for a phrase of several words, all
  its content words must stand in ONE sentence, in any order, while function words
  ("for", "the", "in", "near me") are ignored. A phrase split across two sentences
  does not match.
- exact (a keyphrase written in double quotes, `-k '"therapy for women"'`, as in
  Yoast): the words in that order, next to each other, every word counted, no other
  word forms; still case-insensitive and blind to typographic apostrophes.
- name (locations): the words of the place in order ("San Antonio", "Fort Worth"),
  case-insensitive, possessive allowed ("Portland's"), no plural.

Synonyms: alternatives separated by `|` (`therapy for women|women's therapy`) are one
keyphrase; a sentence counts once however many alternatives it matches (the most
occurrences of any one alternative).

Plural folding and function words are English; for other languages, smart matching
keeps whole words in any order inside one sentence without folding word forms. A
phrase in a script without spaces (Chinese, Japanese, Thai) is found as a substring.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from postaudit.measure.prose import normalize_quotes, split_sentences

Mode = Literal["smart", "exact", "name"]


def word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of `words` as a set (for word lists)."""
    return frozenset(words.split())


#: English function words: ignored in smart matching (a phrase made only of them keeps
#: all its words). Written for postaudit after Yoast's idea of "function words".
FUNCTION_WORDS = word_set(
    """a about above across after again against ago all almost along already also although
    always am among an and another any anybody anyone anything anywhere are around as at
    be because been before behind being below beneath beside besides between beyond both
    but by can cannot could did do does doing done down during each either else enough
    even ever every few for from further had has have having he her here hers herself him
    himself his how however i if in inside instead into is it its itself just least less
    like many may maybe me might mine more most much must my myself near nearby neither
    never no nobody none nor not nothing now of off often on once one only onto or other
    others otherwise our ours ourselves out outside over own per perhaps quite rather
    really same several shall she should since so some somebody someone something
    somewhere such than that the their theirs them themselves then there these they this
    those though through throughout thus till to too toward towards under underneath
    until up upon us very via was we well were what whatever when whenever where whereas
    wherever whether which while who whoever whole whom whose why will with within
    without would yet you your yours yourself yourselves"""
)

#: Irregular English plurals -> singular.
IRREGULAR_PLURALS = {
    "women": "woman",
    "men": "man",
    "children": "child",
    "people": "person",
    "feet": "foot",
    "teeth": "tooth",
    "geese": "goose",
    "mice": "mouse",
    "lives": "life",
    "wives": "wife",
    "knives": "knife",
    "leaves": "leaf",
    "selves": "self",
    "halves": "half",
    "wolves": "wolf",
    "shelves": "shelf",
    "thieves": "thief",
    "analyses": "analysis",
    "crises": "crisis",
    "diagnoses": "diagnosis",
    "theses": "thesis",
    "hypotheses": "hypothesis",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "data": "datum",
}

#: A word with inner apostrophes. The quantifiers are possessive: nothing follows
#: either part in the pattern, so giving characters back never finds another match
#: (the same tokens as `[^\W_]+(?:'[^\W_]+)*`); the engine keeps no backtracking points.
_TOKEN = re.compile(r"[^\W_]++(?:'[^\W_]+)*+")
#: Scripts written without spaces between words.
_NO_SPACES = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")


def normalize(text: str) -> str:
    """Case-folded, with typographic quotes and apostrophes made ASCII."""
    return normalize_quotes(text).casefold()


def tokens(text: str) -> list[str]:
    """Words of `text`, normalised: letters and digits, inner apostrophes kept
    ("don't", "women's"); hyphens, dashes and other punctuation split words."""
    return _TOKEN.findall(normalize(text))


def strip_possessive(word: str) -> str:
    """ "women's" -> "women", "portland's" -> "portland" (a trailing "s'" never reaches
    here: the tokenizer drops the final apostrophe of "parents'")."""
    return word[:-2] if word.endswith("'s") and len(word) > 2 else word


@lru_cache(maxsize=4096)
def stripped_tokens(toks: tuple[str, ...]) -> tuple[str, ...]:
    """`toks` with possessives stripped (memoised: every phrase and placement of a page
    looks at the same sentences)."""
    return tuple(strip_possessive(t) for t in toks)


@lru_cache(maxsize=256)
def tokenised_sentences(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The sentences of `text` (a line break always ends one) with their tokens: split
    once per text, however many phrases and placements count in it."""
    return tuple(
        (sentence, tuple(tokens(sentence)))
        for line in text.split("\n")
        for sentence in split_sentences(line)
    )


@lru_cache(maxsize=65536)
def same_word(a: str, b: str) -> bool:
    """`a` and `b` (normalised, possessive stripped) are one English word in singular
    or plural: dog/dogs, church/churches, therapy/therapies, life/lives, woman/women."""
    if a == b:
        return True
    if IRREGULAR_PLURALS.get(a, a) == IRREGULAR_PLURALS.get(b, b):
        return True
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if len(short) < 3:
        return False
    if long == short + "s":
        return not short.endswith("s")
    if long == short + "es":
        return short.endswith(("s", "x", "z", "ch", "sh", "o"))
    if short.endswith("y") and long == short[:-1] + "ies":
        return True
    if short.endswith("fe") and long == short[:-2] + "ves":
        return True
    return short.endswith("f") and long == short[:-1] + "ves"


@dataclass(frozen=True, slots=True)
class Form:
    """One alternative of a phrase, ready to match."""

    text: str  # as configured
    mode: Mode
    words: tuple[str, ...]  # normalised tokens, in order
    keys: tuple[str, ...]  # smart: content words (possessive stripped); else: words
    english: bool = True
    substring: bool = False  # a script without spaces: match the normalised text itself

    def occurrences(self, sentence_tokens: Sequence[str], sentence_text: str) -> int:
        """How many times this form occurs in one sentence."""
        if not self.keys:
            return 0
        if self.substring:
            return normalize(sentence_text).count("".join(self.words))
        if self.mode == "smart":
            stripped = stripped_tokens(tuple(sentence_tokens))
            counts = []
            needed: dict[str, int] = {}
            for key in self.keys:
                needed[key] = needed.get(key, 0) + 1
            for key, need in needed.items():
                if self.english:
                    have = sum(1 for t in stripped if same_word(t, key))
                else:
                    have = sum(1 for t in stripped if t == key)
                counts.append(have // need)
            return min(counts)
        toks = (
            stripped_tokens(tuple(sentence_tokens))
            if self.mode == "name"
            else tuple(sentence_tokens)
        )
        n = len(self.keys)
        found = 0
        i = 0
        while i + n <= len(toks):
            if tuple(toks[i : i + n]) == self.keys:
                found += 1
                i += n
            else:
                i += 1
        return found

    def word_share(self, text_tokens: Sequence[str]) -> float:
        """Share of this form's keys found anywhere in `text_tokens` (0..1)."""
        if not self.keys:
            return 0.0
        stripped = [strip_possessive(t) for t in text_tokens]
        found = 0
        for key in self.keys:
            if self.english and self.mode == "smart":
                hit = any(same_word(t, key) for t in stripped)
            else:
                hit = key in stripped
            found += hit
        return found / len(self.keys)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A configured keyphrase or place, with its alternatives (synonyms)."""

    spec: str  # as configured: "therapy for women|women's therapy"
    forms: tuple[Form, ...]

    @property
    def label(self) -> str:
        return self.spec

    @property
    def mode(self) -> Mode:
        return self.forms[0].mode if self.forms else "smart"

    def count(self, text: str) -> int:
        """Occurrences in `text`, sentence by sentence (see the module docstring); a line
        break always ends a sentence (blocks of a page are given one per line)."""
        return _count(self, text)

    def count_in_sentence(self, sentence: str) -> int:
        toks = tokens(sentence)
        return max((f.occurrences(toks, sentence) for f in self.forms), default=0)

    def count_all(self, texts: Iterable[str]) -> int:
        return sum(self.count(t) for t in texts)

    def found_in(self, text: str | None) -> bool:
        return bool(text) and self.count(text or "") > 0

    def word_share(self, text: str) -> float:
        """The best share of one alternative's content words present in `text`, in any
        sentence (Yoast's test for subheadings and slugs)."""
        toks = tokens(text)
        best = 0.0
        for form in self.forms:
            if form.substring:
                share = 1.0 if "".join(form.words) in normalize(text) else 0.0
            elif form.mode == "smart":
                share = form.word_share(toks)
            else:
                share = 1.0 if form.occurrences(toks, text) else 0.0
            best = max(best, share)
        return best


@lru_cache(maxsize=4096)
def _count(phrase: Phrase, text: str) -> int:
    """`Phrase.count`, memoised: the body, alt texts and headings of a page are counted
    by several rules and the coverage table."""
    return sum(
        max((f.occurrences(toks, sentence) for f in phrase.forms), default=0)
        for sentence, toks in tokenised_sentences(text)
    )


def _is_english(lang: str | None) -> bool:
    return lang is None or lang.replace("_", "-").split("-", 1)[0].strip().lower() in ("", "en")


def _form(text: str, mode: Mode, english: bool) -> Form | None:
    words = tuple(tokens(text))
    if not words:
        return None
    substring = bool(_NO_SPACES.search(text))
    if mode == "smart":
        stripped = tuple(strip_possessive(w) for w in words)
        content = tuple(w for w in stripped if w not in FUNCTION_WORDS) if english else stripped
        keys = content or stripped
    elif mode == "name":
        keys = tuple(strip_possessive(w) for w in words)
    else:
        keys = words
    return Form(text, mode, words, keys, english, substring)


def keyphrase(spec: str, lang: str | None = None) -> Phrase:
    """A configured keyphrase: `|` separates synonyms; an alternative in double quotes
    (straight or typographic) is matched exactly, the others smartly."""
    english = _is_english(lang)
    forms: list[Form] = []
    for raw in spec.split("|"):
        alt = normalize_quotes(raw).strip()
        mode: Mode = "smart"
        if len(alt) >= 2 and alt.startswith('"') and alt.endswith('"'):
            alt = alt[1:-1].strip()
            mode = "exact"
        form = _form(alt, mode, english)
        if form is not None:
            forms.append(form)
    return Phrase(spec.strip(), tuple(forms))


def place(spec: str) -> Phrase:
    """A configured location: its words in order, possessive allowed; `|` for other
    names of the same place ("NYC|New York City")."""
    forms = [f for raw in spec.split("|") if (f := _form(raw.strip(), "name", True)) is not None]
    return Phrase(spec.strip(), tuple(forms))


def parse_keyphrases(specs: Iterable[str], lang: str | None = None) -> list[Phrase]:
    """Configured keyphrases, empty ones dropped, duplicates (same spec) once."""
    out: dict[str, Phrase] = {}
    for spec in specs:
        p = keyphrase(spec, lang)
        if p.forms and p.spec.casefold() not in out:
            out[p.spec.casefold()] = p
    return list(out.values())


def parse_places(specs: Iterable[str]) -> list[Phrase]:
    out: dict[str, Phrase] = {}
    for spec in specs:
        p = place(spec)
        if p.forms and p.spec.casefold() not in out:
            out[p.spec.casefold()] = p
    return list(out.values())


#: Shown by `postaudit rules K2xx`: how keyphrases and places are found.
MATCHING_HELP = """
Matching: keyphrases (-k, `keywords = [...]`) are found the way an editor
means them: case-insensitive, typographic apostrophes and quotes equal plain
ones (’ = '), whole words only, plural and possessive forms included ("woman"
matches "women's"), and all content words of a phrase within one sentence, in
any order, with function words ("for", "in", "the", "near me") ignored:
"therapy for women" matches "women find therapy helps", not "... for women.
Therapy ..." (two sentences). Synonyms: -k "therapy for women|women's therapy".
Exact match: put the phrase in double quotes, -k '"therapy for women"' (those
words, in that order). Locations (-l) match their words in order, possessive
allowed ("Portland's"). Word forms and function words are English; other
languages match whole words in any order inside one sentence."""
