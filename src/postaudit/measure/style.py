"""English style signals of sentences: passive voice, transition words, and every
signal of one block's sentences in one pass (`block_signals`, which the readability
figures read).

Pure text functions over the sentences `prose` cuts; English only (the callers pass
`english`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from postaudit.measure.prose import (
    beginning_of_parts,
    block_sentences,
    normalize_quotes,
    word_count,
)
from postaudit.measure.wordcount import has_wide, word_parts
from postaudit.measure.wordcount import word_count as _word_count

# --------------------------------------------------------------------------- passive voice

_BE_FORMS = frozenset(
    {
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "get",
        "gets",
        "got",
        "gotten",
        "getting",
        "isn't",
        "aren't",
        "wasn't",
        "weren't",
        "it's",
        "that's",
        "he's",
        "she's",
        "there's",
        "what's",
        "who's",
        "they're",
        "we're",
        "you're",
        "i'm",
    }
)
#: Words that may stand between the auxiliary and the participle ("was not seen",
#: "is often called", "has been quietly removed").
_BETWEEN = frozenset(
    {"not", "never", "also", "just", "often", "always", "still", "being", "been", "all", "even"}
)
IRREGULAR_PARTICIPLES = frozenset(
    {
        "arisen",
        "awoken",
        "beaten",
        "become",
        "begun",
        "bent",
        "bitten",
        "blown",
        "born",
        "borne",
        "bought",
        "bound",
        "broken",
        "brought",
        "built",
        "burnt",
        "caught",
        "chosen",
        "dealt",
        "done",
        "drawn",
        "driven",
        "eaten",
        "fallen",
        "fed",
        "felt",
        "fought",
        "found",
        "forbidden",
        "forgiven",
        "forgotten",
        "frozen",
        "given",
        "gone",
        "grown",
        "held",
        "hidden",
        "hit",
        "hung",
        "hurt",
        "kept",
        "known",
        "laid",
        "led",
        "left",
        "lent",
        "lit",
        "lost",
        "made",
        "meant",
        "met",
        "paid",
        "put",
        "read",
        "ridden",
        "run",
        "said",
        "seen",
        "sent",
        "set",
        "shaken",
        "shot",
        "shown",
        "shut",
        "sold",
        "sought",
        "spent",
        "split",
        "spoken",
        "spread",
        "stolen",
        "struck",
        "stuck",
        "sung",
        "swept",
        "sworn",
        "taken",
        "taught",
        "thought",
        "thrown",
        "told",
        "torn",
        "understood",
        "undone",
        "upset",
        "withdrawn",
        "woken",
        "won",
        "worn",
        "written",
    }
)
#: -ed words that after "is/was" are nearly always adjectives, not passives.
_ED_ADJECTIVES = frozenset(
    {
        "tired",
        "bored",
        "excited",
        "interested",
        "worried",
        "scared",
        "married",
        "supposed",
        "used",
        "ashamed",
        "aged",
        "beloved",
        "naked",
        "wicked",
        "sacred",
        "rugged",
        "crooked",
        "dogged",
        "wretched",
        "red",
        "bed",
        "shed",
        "need",
        "seed",
        "feed",
        "speed",
        "indeed",
        "hundred",
        "kindred",
        "ragged",
        "jagged",
        "stressed",
        "relaxed",
        "confused",
        "pleased",
        "satisfied",
        "embarrassed",
        "overwhelmed",
        "frustrated",
        "depressed",
        "exhausted",
        "determined",
        "qualified",
        "experienced",
        "advanced",
        "detailed",
        "complicated",
        "sophisticated",
        "limited",
        "related",
        "based",
        "focused",
        "ready",
    }
)
#: A lower-case word with inner apostrophes. The quantifiers are possessive: nothing
#: follows either part in the pattern, so giving characters back never finds another
#: match (the same tokens as `[a-z]+(?:'[a-z]+)*`); the engine keeps no backtracking
#: points.
_TOKEN = re.compile(r"[a-z]++(?:'[a-z]+)*+")


def sentence_tokens(sentence: str) -> list[str]:
    """The lower-case word tokens `is_passive` and `has_transition` read (take them once
    and pass them to both)."""
    return _TOKEN.findall(normalize_quotes(sentence).lower())


def _is_participle(word: str) -> bool:
    if word in _ED_ADJECTIVES:
        return False
    if word in IRREGULAR_PARTICIPLES:
        return True
    return len(word) > 4 and word.endswith("ed")


def is_passive(sentence: str, toks: Sequence[str] | None = None) -> bool:
    """English passive voice: a form of "be" or "get" followed by a past participle,
    with at most two adverbs or "not" between them ("was quickly taken", "is being
    read", "got stuck"). Common -ed adjectives ("tired", "interested") are not passives."""
    if toks is None:
        toks = sentence_tokens(sentence)
    if _BE_FORMS.isdisjoint(toks):
        return False  # the common case, decided without the loop: no auxiliary at all
    for i, tok in enumerate(toks):
        if tok not in _BE_FORMS:
            continue
        j = i + 1
        skipped = 0
        while j < len(toks) and skipped < 2 and (toks[j] in _BETWEEN or toks[j].endswith("ly")):
            j += 1
            skipped += 1
        if j < len(toks) and _is_participle(toks[j]):
            return True
    return False


# --------------------------------------------------------------------------- transitions

#: English transition words and phrases (written for postaudit; the idea is Yoast's).
TRANSITION_WORDS = frozenset(
    {
        "accordingly",
        "additionally",
        "afterward",
        "afterwards",
        "also",
        "although",
        "altogether",
        "besides",
        "because",
        "consequently",
        "conversely",
        "correspondingly",
        "finally",
        "first",
        "firstly",
        "furthermore",
        "hence",
        "however",
        "instead",
        "lastly",
        "later",
        "likewise",
        "meanwhile",
        "moreover",
        "nevertheless",
        "next",
        "nonetheless",
        "notably",
        "otherwise",
        "overall",
        "second",
        "secondly",
        "similarly",
        "since",
        "specifically",
        "still",
        "subsequently",
        "then",
        "therefore",
        "third",
        "thus",
        "ultimately",
        "unless",
        "whereas",
        "while",
        "yet",
    }
)
TRANSITION_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "above all",
        "after all",
        "all in all",
        "as a result",
        "as long as",
        "as soon as",
        "as well as",
        "at first",
        "at the same time",
        "by contrast",
        "by the same token",
        "even though",
        "even so",
        "for example",
        "for instance",
        "for this reason",
        "in addition",
        "in conclusion",
        "in contrast",
        "in fact",
        "in other words",
        "in particular",
        "in short",
        "in spite of",
        "in the end",
        "in the meantime",
        "on the contrary",
        "on the other hand",
        "so that",
        "that is",
        "that said",
        "to begin with",
        "to sum up",
        "with this in mind",
    )
)


#: Transition phrases by their first word, so a sentence is scanned once.
_PHRASES_BY_FIRST: dict[str, tuple[tuple[str, ...], ...]] = {}
for _phrase in TRANSITION_PHRASES:
    _PHRASES_BY_FIRST[_phrase[0]] = (*_PHRASES_BY_FIRST.get(_phrase[0], ()), _phrase)
_PHRASE_FIRSTS = frozenset(_PHRASES_BY_FIRST)


def has_transition(sentence: str, toks: Sequence[str] | None = None) -> bool:
    """The sentence uses an English transition word or phrase ("however", "for example")."""
    if toks is None:
        toks = sentence_tokens(sentence)
    if not TRANSITION_WORDS.isdisjoint(toks):
        return True
    if _PHRASE_FIRSTS.isdisjoint(toks):
        return False  # no word that starts a phrase: nothing to scan for
    for i, tok in enumerate(toks):
        for phrase in _PHRASES_BY_FIRST.get(tok, ()):
            if tuple(toks[i : i + len(phrase)]) == phrase:
                return True
    return False


# --------------------------------------------------------------------------- all at once


#: What `block_signals` gives of one sentence: (the sentence, `word_count`,
#: `is_passive`, `has_transition`, `beginning`).
SentenceSignals = tuple[str, int, bool, bool, str]


@lru_cache(maxsize=4096)
def block_signals(text: str, english: bool) -> tuple[SentenceSignals, ...]:
    """Every sentence of one block's text (`block_sentences`) with its `word_count`,
    `is_passive`, `has_transition` and `beginning` (passive and transition False
    unless `english`), in one loop per block (the readability pass asks for every
    sentence of every block; a block's text that recurs, on the page or across pages,
    is read once).

    The sentences come out of `terminated`, whose quotes are already ASCII: the quote
    normalisation those functions apply leaves them as they are. The
    quick answers of `is_passive` and `has_transition` (no auxiliary; a transition
    word, or no word that starts a phrase) are taken here without calling them."""
    out: list[SentenceSignals] = []
    for sentence in block_sentences(text):
        parts = sentence.split()
        n = _word_count(sentence) if has_wide(sentence) else len(word_parts(parts))
        start = beginning_of_parts(parts)
        if not english:
            out.append((sentence, n, False, False, start))
            continue
        toks = _TOKEN.findall(sentence.lower())
        passive = not _BE_FORMS.isdisjoint(toks) and is_passive(sentence, toks)
        transition = not TRANSITION_WORDS.isdisjoint(toks) or (
            not _PHRASE_FIRSTS.isdisjoint(toks) and has_transition(sentence, toks)
        )
        out.append((sentence, n, passive, transition, start))
    return tuple(out)


#: Characters with which a block's word count may differ from the sum of its
#: sentences' (see `block_word_count`).
_UNEVEN_SPLIT = re.compile("[\u02bc。！？]")


def block_word_count(text: str, signals: Iterable[SentenceSignals]) -> int:
    """`word_count(text)`, given `block_signals(text, ...)`: the sum of its sentences'
    word counts, which the sentence pass has taken already.

    The sentences are `terminated(text)` cut at whitespace (after `.`, `!`, `?`, `…`)
    and stripped, so their parts are the parts of `terminated(text)`; and as many of
    those hold a \\w character as of the parts of `text`: quote normalisation maps
    quotes (none a \\w character) to quotes and NBSP to a space, the trailing
    punctuation `terminated` strips and the "." it adds are no \\w characters. Two
    exceptions: "ʼ" (a letter, made "'") and the CJK full stops (a sentence may end
    inside a part): with either in the text, the words are counted again; so is text
    with Han or kana, whose count rounds per text."""
    if _UNEVEN_SPLIT.search(text) is None and not has_wide(text):
        return sum(s[1] for s in signals)
    return word_count(text)
