"""Readability figures of the article prose: textstat's formulas in the page language,
and the sentence-level signals editors act on (long sentences and paragraphs, passive
voice, transition words, repeated sentence beginnings).

`measure(blocks, lang)` is pure and memoised on its arguments (the engine asks once
per readability rule and once for the facts). textstat is imported on the first
measurement only, through `syllables.textstat_module()`, which keeps it offline.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import compress
from operator import itemgetter, mul
from typing import Any

from postaudit.measure.language import Detection, mismatch
from postaudit.measure.prose import (
    PARAGRAPH_KINDS,
    Prose,
    article_prose,
    has_word_count,
    sections,
    word_count,
)
from postaudit.measure.style import block_signals, block_word_count
from postaudit.model import Location
from postaudit.parse.page import Block

#: Languages whose Flesch Reading Ease constants textstat carries (its LANG_CONFIGS with
#: their own `fre_*` values); any other language would be scored with English constants.
FLESCH_LANGUAGES = frozenset({"en", "de", "es", "fr", "it", "nl", "ru", "hu"})
#: Languages written without spaces between words: no sentence starts with a "first word".
NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my"})
#: Of those, the ones whose words `postaudit.measure.wordcount` cannot count (Chinese and
#: Japanese are counted by characters).
UNCOUNTED_LANGUAGES = frozenset({"th", "lo", "km", "my"})
#: Silent reading speed for non-fiction, words per minute (Brysbaert 2019: 238).
WORDS_PER_MINUTE = 238


def language_root(tag: str | None) -> str | None:
    """ "en-US" -> "en"; None or "" -> None."""
    if not tag or not tag.strip():
        return None
    return tag.strip().replace("_", "-").split("-", 1)[0].lower() or None


def effective_lang(option: object, page_lang: str | None) -> tuple[str, str]:
    """The language to measure in and where it came from: `--lang` ("option"), else
    `<html lang>` ("page"), else English ("default")."""
    if isinstance(option, str) and option.strip():
        return option.strip(), "option"
    if page_lang and page_lang.strip():
        return page_lang.strip(), "page"
    return "en", "default"


def textstat_lang(tag: str) -> str | None:
    """The locale textstat and pyphen are given ("en-GB" -> "en_GB", "de" -> "de"), or
    None when textstat has no Flesch constants for the language."""
    root = language_root(tag)
    if root not in FLESCH_LANGUAGES:
        return None
    parts = tag.strip().replace("-", "_").split("_")
    if len(parts) > 1 and len(parts[1]) == 2:
        import pyphen

        candidate = f"{root}_{parts[1].upper()}"
        if candidate in pyphen.LANGUAGES:
            return candidate
    return "en_US" if root == "en" else root


#: What the grade formulas ask of a word (`_word_facts`).
WordFacts = tuple[int, bool, bool, bool]


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    words: int
    block: int  # index into Measurement.prose.blocks
    section: int  # index of the heading-delimited section
    passive: bool
    transition: bool
    beginning: str


@dataclass(frozen=True, slots=True)
class Measurement:
    lang: str  # the tag measured in ("en-US")
    lang_source: str  # "option" | "page" | "default"
    locale: str | None  # what textstat was given; None = textstat does not support it
    prose: Prose
    sentences: tuple[Sentence, ...]
    figures: dict[str, float | None]  # textstat's figures (None where not applicable)
    #: `paragraphs()`, counted once (R305 and the facts read them)
    paragraph_words: tuple[tuple[int, Block], ...]
    #: The language the prose is clearly written in when it is not the one measured in
    #: (`postaudit.measure.language.mismatch`); never judged against `--lang`.
    foreign: Detection | None = None

    @property
    def english(self) -> bool:
        return language_root(self.lang) == "en"

    @property
    def supported(self) -> bool:
        return self.locale is not None

    @property
    def scored(self) -> bool:
        """Whether the formulas and the English-only detectors apply: textstat knows
        the language and the prose is not clearly in another one."""
        return self.supported and self.foreign is None

    @property
    def spaced(self) -> bool:
        return language_root(self.lang) not in NO_SPACE_LANGUAGES

    @property
    def countable(self) -> bool:
        """Whether words can be counted in the language (`postaudit.measure.wordcount`)."""
        return language_root(self.lang) not in UNCOUNTED_LANGUAGES

    @property
    def words(self) -> int:
        value = self.figures.get("words")
        return int(value) if value is not None else word_count(self.prose.text)

    def paragraphs(self) -> list[tuple[int, Block]]:
        """(words, block) for every paragraph of the measured prose, in order."""
        return list(self.paragraph_words)

    def long_sentences(self, max_words: int) -> list[Sentence]:
        return [s for s in self.sentences if s.words > max_words]

    def repeated_beginnings(
        self, min_run: int, skip_kinds: frozenset[str] = frozenset()
    ) -> list[tuple[str, int, int]]:
        """(beginning, run length, index of the first sentence) for every run of
        `min_run`+ consecutive sentences of one section that start the same way.
        Sentences of blocks of `skip_kinds`, and lines carrying a web address (a
        reference list written as paragraphs), start no run and break one."""
        runs: list[tuple[str, int, int]] = []
        i = 0
        sents = self.sentences
        blocks = self.prose.blocks
        starts = [
            "" if blocks[s.block].kind in skip_kinds or "://" in s.text else s.beginning
            for s in sents
        ]
        while i < len(sents):
            j = i + 1
            while (
                j < len(sents)
                and starts[j]
                and starts[j] == starts[i]
                and sents[j].section == sents[i].section
            ):
                j += 1
            if starts[i] and j - i >= min_run:
                runs.append((sents[i].beginning, j - i, i))
            i = j
        return runs

    def block_location(self, index: int) -> Location:
        return self.prose.blocks[index].location


def _sentences(
    prose: Prose, all_blocks: Sequence[Block], english: bool
) -> tuple[tuple[Sentence, ...], tuple[tuple[int, Block], ...]]:
    """The sentences of the measured prose with their signals (`style.block_signals`:
    each block's sentences split and tokenised once); sentences without a word are
    left out. With them, (words, block) for every paragraph (a block of a
    `PARAGRAPH_KINDS` kind), summed from the sentences' word counts
    (`style.block_word_count`)."""
    section_of: dict[int, int] = {}
    for n, sec in enumerate(sections(all_blocks)):
        for block in sec:
            section_of[id(block)] = n
    out: list[Sentence] = []
    paragraphs: list[tuple[int, Block]] = []
    for i, block in enumerate(prose.blocks):
        section = section_of.get(id(block), 0)
        signals = block_signals(block.text, english)
        for text, n, passive, transition, start in signals:
            if n:  # fields in order: text, words, block, section, passive, transition, beginning
                out.append(Sentence(text, n, i, section, passive, transition, start))
        if block.kind in PARAGRAPH_KINDS:
            paragraphs.append((block_word_count(block.text, signals), block))
    return tuple(out), tuple(paragraphs)


_FIGURES = (
    "flesch_reading_ease",
    "flesch_kincaid_grade",
    "gunning_fog",
    "smog_index",
    "coleman_liau_index",
    "dale_chall_readability_score",
)
#: Grade formulas normed on English text: computed for English only.
ENGLISH_ONLY = frozenset(_FIGURES[1:]) | {"text_standard"}


def _figures(text: str, locale: str | None) -> dict[str, float | None]:
    """textstat's figures for `text`, equal to textstat's module-level results.

    textstat's formulas each re-list the words and re-count syllables word by word
    (smog, fog, Dale-Chall and the text standard all walk the text again). Here
    textstat's own counting functions run once per text, the per-word ones once per
    distinct word, and the formulas are textstat's, term for term, on those counts.
    tests/rules/test_readability.py checks the result against textstat's own API."""
    out: dict[str, float | None] = dict.fromkeys(
        ("words", "sentences", "syllables", *_FIGURES, "text_standard")
    )
    if locale is None or not text.strip():
        return out
    from postaudit.measure.syllables import textstat_module

    textstat_module()  # installs the offline dictionary before the first count
    c = _Counts(text, locale)
    out["words"] = float(c.words)
    out["sentences"] = float(c.sentences)
    out["syllables"] = float(c.syllables)
    out["flesch_reading_ease"] = float(c.flesch_reading_ease())
    if locale.startswith("en"):
        out["flesch_kincaid_grade"] = float(c.flesch_kincaid_grade())
        out["gunning_fog"] = float(c.gunning_fog())
        out["smog_index"] = float(c.smog_index())
        out["coleman_liau_index"] = float(c.coleman_liau_index())
        out["dale_chall_readability_score"] = float(c.dale_chall_readability_score())
        out["text_standard"] = float(c.text_standard())
    return out


#: Per-word results of textstat's own functions, kept across texts (a page's words
#: recur on the next page): a dict of words per language (and syllable threshold), so
#: a text's words are looked up all at once. Dropped when they have grown past
#: `_MEMO_LIMIT` words, checked once per text (`_bound_memo`) rather than at every
#: lookup (a text being counted keeps the dicts it holds).
_SYLLABLES: dict[str, dict[str, int]] = {}  # lang -> word -> syllables of word.lower()
_FACTS: dict[tuple[str, int], dict[str, WordFacts]] = {}  # (lang, threshold) -> word -> facts
_MEMO_LIMIT = 200_000


def _bound_memo() -> None:
    for memo in (_SYLLABLES, _FACTS):
        if sum(map(len, memo.values())) > _MEMO_LIMIT:
            memo.clear()


def _word_facts(word: str, lang: str, threshold: int) -> WordFacts:
    """textstat's `count_syllables(word, lang)`, whether that is 3 or more (a
    polysyllable), `is_difficult_word(word, threshold, lang)` and
    `is_difficult_word(word, 0, lang)`: what the grade formulas ask of a word."""
    from textstat.backend import counts, validations

    syllables = counts.count_syllables(word, lang)
    return (
        syllables,
        syllables >= 3,
        validations.is_difficult_word(word, threshold, lang),
        validations.is_difficult_word(word, 0, lang),
    )


def _text_syllables(words: Counter[str], lang: str) -> int:
    """textstat's `count_syllables(text, lang)`, given the occurrences of the text's
    words (`list_words(text)`): its loop over the lower-cased words, each word's count
    (CMU phones with a stress digit, else pyphen's hyphenation points + 1) taken once
    per distinct word and multiplied by its occurrences.

    textstat lower-cases the whole text before splitting it; lower-casing word by word
    is the same, as `str.lower()` reads a letter's context (the Greek final sigma) only
    across case-ignorable characters, never across whitespace."""
    from textstat.backend.counts import _count_syllables as own  # the names it calls

    cmu_dict: Any = own.get_cmudict(lang)
    pyphen: Any = own.get_pyphen(lang)
    memo = _SYLLABLES.setdefault(lang, {})
    for word in set(words).difference(memo):  # words not seen before
        lower = word.lower()
        try:
            cmu_phones = cmu_dict[lower][0]
            count = sum(1 for p in cmu_phones if p[-1].isdigit())
        except (TypeError, IndexError, KeyError):
            count = len(pyphen.positions(lower)) + 1
        memo[word] = count
    return sum(map(mul, map(memo.__getitem__, words), words.values()))


#: textstat's sentence pattern (`count_sentences`).
_TEXTSTAT_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)


def _count_sentences(text: str) -> int:
    """textstat's `count_sentences(text)`: its sentences less those of at most two words.

    textstat counts each sentence's words with `count_words` (punctuation removed, two
    regex passes). Removing punctuation never deletes a \\w character nor whitespace,
    so a sentence with three whitespace-separated parts holding a \\w character each
    (`prose.has_word_count`) has three words or more either way; only the others are
    given to textstat's `count_words`."""
    from textstat.backend.counts import count_words

    if len(text) == 0:
        return 0
    sentences = _TEXTSTAT_SENTENCE.findall(text)
    ignore_count = 0
    for sentence in sentences:
        if not has_word_count(sentence, 3) and count_words(sentence) <= 2:
            ignore_count += 1
    return max(1, len(sentences) - ignore_count)


class _Counts:
    """textstat's counts of one text, each taken once (textstat >= 0.7.10 backend).

    The methods mirror textstat.backend.metrics term for term, so the floats are the
    same bits textstat computes. The counts are integers, so each may be summed in
    any order: per distinct word times its occurrences, or from the word lists."""

    def __init__(self, text: str, lang: str) -> None:
        from textstat.backend import selections, utils

        _bound_memo()
        self.text = text
        self.lang = lang
        # textstat's `list_words(text)`; `count_words(text)` is its length
        self._listed: list[str] = selections.list_words(text)
        self.words: int = len(self._listed)
        self._distinct = Counter(self._listed)  # occurrences of each word
        self.syllables = _text_syllables(self._distinct, lang)
        self.sentences: int = _count_sentences(text)
        self._cfg: Any = utils.get_lang_cfg
        self._root: str = utils.get_lang_root(lang)

    # The counts below serve the English-only grade formulas: computed on demand.
    @cached_property
    def _split(self) -> list[str]:
        """The whitespace-separated parts of the text: textstat's
        `list_words(text, rm_punctuation=False)`."""
        return self.text.split()

    @cached_property
    def _facts_of(self) -> dict[str, WordFacts]:
        """`_word_facts` of each distinct word (and others), at the language's syllable
        threshold: the memo of the language, given the words it lacks."""
        lang = self.lang
        threshold = int(self._cfg(lang, "syllable_threshold"))
        facts = _FACTS.setdefault((lang, threshold), {})
        for w in set(self._distinct).difference(facts):
            facts[w] = _word_facts(w, lang, threshold)
        return facts

    @cached_property
    def _word_counts(self) -> tuple[int, int, int]:
        """textstat's polysyllables, difficult words at the threshold and at 0: the
        occurrences of the distinct words whose fact (1, 2, 3 of `_word_facts`) holds."""
        facts = list(map(self._facts_of.__getitem__, self._distinct))
        times = list(self._distinct.values())
        poly, difficult, difficult_any = (
            sum(compress(times, map(itemgetter(k), facts))) for k in (1, 2, 3)
        )
        return poly, difficult, difficult_any

    @property
    def polysyllables(self) -> int:
        return self._word_counts[0]

    @property
    def difficult(self) -> int:
        """textstat's difficult words at the language's syllable threshold (fog)."""
        return self._word_counts[1]

    @property
    def difficult_any(self) -> int:
        """textstat's difficult words at threshold 0 (Dale-Chall)."""
        return self._word_counts[2]

    @cached_property
    def letters(self) -> int:
        """textstat's `count_letters(text)`: the text's \\w characters (whitespace and
        all punctuation removed). textstat's words are the \\w characters plus the
        ASCII apostrophes of contractions, split at whitespace: those less the "'"."""
        joined = "".join(self._listed)
        return len(joined) - joined.count("'")

    def _words_per_sentence(self) -> float:
        try:
            return self.words / self.sentences
        except ZeroDivisionError:
            return 0.0

    def _syllables_per_word(self) -> float:
        try:
            return self.syllables / self.words
        except ZeroDivisionError:
            return 0.0

    def flesch_reading_ease(self) -> float:
        sentence_length = self._words_per_sentence()
        syllables = self._syllables_per_word()
        if sentence_length == 0 or syllables == 0:
            return 0.0
        root, cfg = self._root, self._cfg
        return float(
            cfg(root, "fre_base")
            - cfg(root, "fre_sentence_length") * sentence_length
            - cfg(root, "fre_syll_per_word") * syllables
        )

    def flesch_kincaid_grade(self) -> float:
        sentence_length = self._words_per_sentence()
        syllables = self._syllables_per_word()
        if sentence_length == 0 or syllables == 0:
            return 0.0
        return 0.39 * sentence_length + 11.8 * syllables - 15.59

    def gunning_fog(self) -> float:
        try:
            per_diff_words = 100 * self.difficult / self.words
        except ZeroDivisionError:
            return 0.0
        return 0.4 * (self._words_per_sentence() + per_diff_words)

    def smog_index(self) -> float:
        try:
            return float(1.043 * (30 * (self.polysyllables / self.sentences)) ** 0.5 + 3.1291)
        except ZeroDivisionError:
            return 0.0

    def coleman_liau_index(self) -> float:
        letters_per_word = self._ratio(self.letters, self.words)
        sentences_per_word = self._ratio(self.sentences, self.words)
        letters = letters_per_word * 100
        sentences = sentences_per_word * 100
        if letters == 0 or sentences == 0:
            return 0.0
        return 0.058 * letters - 0.296 * sentences - 15.8

    def automated_readability_index(self) -> float:
        # textstat counts punctuation-only "words" here (rm_punctuation=False), and
        # `count_chars(text, True)`, the non-whitespace characters: those of the parts
        # (regex \\s and `str.split()` take the same characters for whitespace)
        split = self._split
        a = self._ratio(sum(map(len, split)), len(split))
        b = self._words_per_sentence()
        if a == 0 or b == 0:
            return 0.0
        return 4.71 * a + 0.5 * b - 21.43

    def dale_chall_readability_score(self) -> float:
        try:
            per_difficult_words = 100 * self.difficult_any / self.words
        except ZeroDivisionError:
            return 0.0
        score = 0.1579 * per_difficult_words + 0.0496 * self._words_per_sentence()
        if per_difficult_words > 5:
            score += 3.6365
        return score

    def linsear_write_formula(self) -> float:
        """textstat's, with strict_lower=False and strict_upper=True (as text_standard).

        textstat takes the punctuation-less form of the parts up to the 100th non-empty
        one. Removing punctuation works within a part, so those forms are textstat's
        words in order, and a part keeps a character exactly when it holds a \\w one
        (an apostrophe is kept only before a letter): the words are the first 100 of
        `list_words(text)` and the parts end at the 100th part holding a \\w character."""
        text_list = self._split
        words_list: list[str]
        if len(text_list) > 100:
            words_list = self._listed[:100]
            i_text = _end_of_words(text_list, 100)
        else:
            words_list = self._listed
            i_text = len(text_list)
        easy_word = 0
        difficult_word = 0
        facts = self._facts_of
        for word in words_list:
            n_syll = facts[word][0]
            if n_syll >= 3:
                difficult_word += 1
            elif n_syll > 0:
                easy_word += 1
        head = " ".join(text_list[:i_text])
        try:
            number = float((easy_word * 1 + difficult_word * 3) / _count_sentences(head))
        except ZeroDivisionError:
            return 0.0
        if number <= 20:
            number -= 2
        return number / 2

    def text_standard(self) -> float:
        """textstat's `text_standard(text, float_output=True)`: the most common grade."""
        grade: list[int] = []
        for score in (
            self.flesch_kincaid_grade(),
            None,
            self.smog_index(),
            self.coleman_liau_index(),
            self.automated_readability_index(),
            self.dale_chall_readability_score(),
            self.linsear_write_formula(),
            self.gunning_fog(),
        ):
            if score is None:
                grade.extend(_fre_grades(self.flesch_reading_ease()))
                continue
            grade.extend([math.floor(score), math.ceil(score), round(score)])
        standard = float(Counter(grade).most_common(1)[0][0])
        return float(max(1, min(standard, 18)))

    @staticmethod
    def _ratio(part: int, whole: int) -> float:
        try:
            return part / whole
        except ZeroDivisionError:
            return 0.0


def _end_of_words(parts: list[str], n: int) -> int:
    """The index just past the `n`-th of `parts` holding a \\w character (`len(parts)`
    when fewer do)."""
    for i, part in enumerate(parts):
        if part.isalnum() or _WORD_CHAR.search(part):
            n -= 1
            if n == 0:
                return i + 1
    return len(parts)


_WORD_CHAR = re.compile(r"\w")


def _fre_grades(score: float) -> list[int]:
    """The grades textstat's text_standard reads off a Flesch Reading Ease score."""
    if score < 100 and score >= 90:
        return [5]
    if score < 90 and score >= 80:
        return [6]
    if score < 80 and score >= 70:
        return [7]
    if score < 70 and score >= 60:
        return [8, 9]
    if score < 60 and score >= 50:
        return [10]
    if score < 50 and score >= 40:
        return [11]
    if score < 40 and score >= 30:
        return [12]
    return [13]


def _measure(blocks: tuple[Block, ...], lang: str, source: str) -> Measurement:
    prose = article_prose(blocks)
    locale = textstat_lang(lang)
    english = language_root(lang) == "en"
    sentences, paragraph_words = _sentences(prose, blocks, english)
    return Measurement(
        lang=lang,
        lang_source=source,
        locale=locale,
        prose=prose,
        sentences=sentences,
        figures=_figures(prose.text, locale),
        paragraph_words=paragraph_words,
        foreign=None if source == "option" else mismatch(prose.text, language_root(lang)),
    )


#: The last measurement and the very tuple of blocks it measured (held, so its id
#: cannot be reused): every readability rule and fact table of a page asks with
#: `page.blocks`. Found by identity, not by value: hashing the blocks would cost more
#: than the lookup saves, and would work out every block's lazy location.
_LAST: list[tuple[tuple[Block, ...], str, str, Measurement]] = []


def measure(blocks: Sequence[Block], lang_option: object, page_lang: str | None) -> Measurement:
    """Measure the article prose among `blocks` in the effective language."""
    lang, source = effective_lang(lang_option, page_lang)
    key = tuple(blocks)  # the same object when `blocks` is a tuple
    if _LAST and _LAST[0][0] is key and _LAST[0][1] == lang and _LAST[0][2] == source:
        return _LAST[0][3]
    found = _measure(key, lang, source)
    _LAST[:] = [(key, lang, source, found)]
    return found


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _edge_words(text: str, n: int, *, last: bool = False) -> str:
    ws = text.split()
    return " ".join(ws[-n:] if last else ws[:n])


def not_scored(m: Measurement) -> str | None:
    """Why the readability rules did not score the page's prose, or None when they did
    (or there was no prose): a fact about the tool, not a finding."""
    if m.foreign is not None:
        declared = "declared" if m.lang_source == "page" else "assumed (no lang declared)"
        return (
            f"readability is not scored: the prose reads as {m.foreign.name} "
            f"({m.foreign.share:.0%} of its {m.foreign.words} words are {m.foreign.name} "
            f"function words), not {m.lang!r} as {declared}"
        )
    if m.supported or not m.prose.blocks:
        return None
    source = " (from --lang)" if m.lang_source == "option" else ""
    return (
        f"readability is not scored for language {m.lang!r}{source}: "
        "textstat has no Flesch formula for it"
    )


def facts(
    m: Measurement, *, long_sentence_words: int = 20, top_paragraphs: int = 3
) -> dict[str, Any]:
    """The readability facts (plain JSON data) for the report."""
    text = m.prose.text
    words = m.words
    sents = len(m.sentences)
    paragraphs = sorted(
        ((n, i, b) for i, (n, b) in enumerate(m.paragraphs())), key=lambda t: (-t[0], t[1])
    )[:top_paragraphs]
    out: dict[str, Any] = {
        "lang": m.lang,
        "lang_source": m.lang_source,
        "supported": m.supported,
        "prose_lang": m.foreign.lang if m.foreign is not None else None,
        "not_scored": not_scored(m),
        "measured": {
            "words": words,
            "blocks": len(m.prose.blocks),
            "first_words": _edge_words(text, 8),
            "last_words": _edge_words(text, 8, last=True),
            "excluded": dict(m.prose.excluded),
        },
        "words": words,
        "sentences": int(m.figures["sentences"] or 0) if m.supported else sents,
        "sentences_analysed": sents,
        "reading_time_minutes": round(words / WORDS_PER_MINUTE, 1),
    }
    for name in (*_FIGURES, "text_standard"):
        out[name] = _round(m.figures.get(name)) if m.foreign is None else None
    long_n = len(m.long_sentences(long_sentence_words))
    out["long_sentences"] = {
        "over_words": long_sentence_words,
        "count": long_n,
        "share": _share(long_n, sents),
    }
    out["longest_paragraphs"] = [
        {
            "words": n,
            "starts": _edge_words(b.text, 8) + (" …" if len(b.text.split()) > 8 else ""),
            "selector": b.location.selector,
            "line": b.location.line,
        }
        for n, _i, b in paragraphs
    ]
    if m.english and m.foreign is None:
        passive = sum(1 for s in m.sentences if s.passive)
        transition = sum(1 for s in m.sentences if s.transition)
        out["passive_voice"] = {"count": passive, "share": _share(passive, sents)}
        out["transition_words"] = {"count": transition, "share": _share(transition, sents)}
    else:
        out["passive_voice"] = None
        out["transition_words"] = None
    return out
