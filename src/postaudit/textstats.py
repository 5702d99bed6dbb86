"""Readability figures of the article prose: textstat's formulas in the page language,
and the sentence-level signals editors act on (long sentences and paragraphs, passive
voice, transition words, repeated sentence beginnings).

`measure(blocks, lang)` is pure and memoised on its arguments (the engine asks once
per readability rule and once for the facts). textstat is imported on the first
measurement only, through `syllables.textstat_module()`, which keeps it offline.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from postaudit.model import Location
from postaudit.page import Block
from postaudit.prose import (
    PARAGRAPH_KINDS,
    Prose,
    article_prose,
    beginning,
    block_sentences,
    has_transition,
    is_passive,
    sections,
    sentence_tokens,
    word_count,
)

#: Languages whose Flesch Reading Ease constants textstat carries (its LANG_CONFIGS with
#: their own `fre_*` values); any other language would be scored with English constants.
FLESCH_LANGUAGES = frozenset({"en", "de", "es", "fr", "it", "nl", "ru", "hu"})
#: Languages written without spaces between words: no word count is meaningful.
NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my"})
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

    @property
    def english(self) -> bool:
        return language_root(self.lang) == "en"

    @property
    def supported(self) -> bool:
        return self.locale is not None

    @property
    def spaced(self) -> bool:
        return language_root(self.lang) not in NO_SPACE_LANGUAGES

    @property
    def words(self) -> int:
        value = self.figures.get("words")
        return int(value) if value is not None else word_count(self.prose.text)

    def paragraphs(self) -> list[tuple[int, Block]]:
        """(words, block) for every paragraph of the measured prose, in order."""
        return [(word_count(b.text), b) for b in self.prose.blocks if b.kind in PARAGRAPH_KINDS]

    def long_sentences(self, max_words: int) -> list[Sentence]:
        return [s for s in self.sentences if s.words > max_words]

    def repeated_beginnings(self, min_run: int) -> list[tuple[str, int, int]]:
        """(beginning, run length, index of the first sentence) for every run of
        `min_run`+ consecutive sentences of one section that start the same way."""
        runs: list[tuple[str, int, int]] = []
        i = 0
        sents = self.sentences
        while i < len(sents):
            j = i + 1
            while (
                j < len(sents)
                and sents[j].beginning
                and sents[j].beginning == sents[i].beginning
                and sents[j].section == sents[i].section
            ):
                j += 1
            if sents[i].beginning and j - i >= min_run:
                runs.append((sents[i].beginning, j - i, i))
            i = j
        return runs

    def block_location(self, index: int) -> Location:
        return self.prose.blocks[index].location


def _sentences(prose: Prose, all_blocks: Sequence[Block], english: bool) -> tuple[Sentence, ...]:
    section_of: dict[int, int] = {}
    for n, sec in enumerate(sections(all_blocks)):
        for block in sec:
            section_of[id(block)] = n
    out: list[Sentence] = []
    for i, block in enumerate(prose.blocks):
        for text in block_sentences(block.text):
            n = word_count(text)
            if n == 0:
                continue
            toks = sentence_tokens(text) if english else None
            out.append(
                Sentence(
                    text=text,
                    words=n,
                    block=i,
                    section=section_of.get(id(block), 0),
                    passive=english and is_passive(text, toks),
                    transition=english and has_transition(text, toks),
                    beginning=beginning(text),
                )
            )
    return tuple(out)


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
    from postaudit.syllables import textstat_module

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
#: recur on the next page); cleared when it grows past `_MEMO_LIMIT` entries.
_MEMO: dict[tuple[str, str, int], int] = {}
_MEMO_LIMIT = 200_000


def _memo(key: tuple[str, str, int]) -> int | None:
    if len(_MEMO) > _MEMO_LIMIT:
        _MEMO.clear()
    return _MEMO.get(key)


def _word_syllables(word: str, lang: str) -> int:
    """textstat's `count_syllables(word, lang)`."""
    key = (word, lang, -1)
    found = _memo(key)
    if found is None:
        from textstat.backend import counts

        found = _MEMO[key] = counts.count_syllables(word, lang)
    return found


def _is_difficult(word: str, threshold: int, lang: str) -> bool:
    """textstat's `is_difficult_word(word, threshold, lang)`."""
    key = (word, lang, threshold)
    found = _memo(key)
    if found is None:
        from textstat.backend import validations

        found = _MEMO[key] = int(validations.is_difficult_word(word, threshold, lang))
    return bool(found)


def _text_syllables(text: str, lang: str) -> int:
    """textstat's `count_syllables(text, lang)`: its loop over the lower-cased words,
    each word's count (CMU phones with a stress digit, else pyphen's hyphenation
    points + 1) taken once per distinct word."""
    from textstat.backend import selections
    from textstat.backend.counts import _count_syllables as own  # the names it calls

    if not text:
        return 0
    cmu_dict: Any = own.get_cmudict(lang)
    pyphen: Any = own.get_pyphen(lang)
    _memo(("", lang, -2))  # bounds the memo once per text
    known = _MEMO.get
    total = 0
    for word in selections.list_words(text, lowercase=True):
        key = (word, lang, -2)
        count = known(key)
        if count is None:
            try:
                cmu_phones = cmu_dict[word][0]
                count = sum(1 for p in cmu_phones if p[-1].isdigit())
            except (TypeError, IndexError, KeyError):
                count = len(pyphen.positions(word)) + 1
            _MEMO[key] = count
        total += count
    return total


class _Counts:
    """textstat's counts of one text, each taken once (textstat >= 0.7.10 backend).

    The methods mirror textstat.backend.metrics term for term, so the floats are the
    same bits textstat computes."""

    def __init__(self, text: str, lang: str) -> None:
        from textstat.backend import counts, selections, utils

        self.text = text
        self.lang = lang
        self.words: int = counts.count_words(text)
        self.sentences: int = counts.count_sentences(text)
        self.syllables = _text_syllables(text, lang)
        self._counts: Any = counts
        self._cfg: Any = utils.get_lang_cfg
        self._root: str = utils.get_lang_root(lang)
        self._listed: list[str] = selections.list_words(text)

    # The per-word counts serve the English-only grade formulas: computed on demand.
    @cached_property
    def _syllables_of(self) -> dict[str, int]:
        return {w: _word_syllables(w, self.lang) for w in set(self._listed)}

    def _difficult(self, threshold: int) -> int:
        hard = {w for w in set(self._listed) if _is_difficult(w, threshold, self.lang)}
        return sum(1 for w in self._listed if w in hard)

    @cached_property
    def polysyllables(self) -> int:
        per_word = self._syllables_of
        return sum(1 for w in self._listed if per_word[w] >= 3)

    @cached_property
    def difficult(self) -> int:
        """textstat's difficult words at the language's syllable threshold (fog)."""
        return self._difficult(int(self._cfg(self.lang, "syllable_threshold")))

    @cached_property
    def difficult_any(self) -> int:
        """textstat's difficult words at threshold 0 (Dale-Chall)."""
        return self._difficult(0)

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
        letters_per_word = self._ratio(self._counts.count_letters(self.text), self.words)
        sentences_per_word = self._ratio(self.sentences, self.words)
        letters = letters_per_word * 100
        sentences = sentences_per_word * 100
        if letters == 0 or sentences == 0:
            return 0.0
        return 0.058 * letters - 0.296 * sentences - 15.8

    def automated_readability_index(self) -> float:
        # textstat counts punctuation-only "words" here (rm_punctuation=False)
        a = self._ratio(
            self._counts.count_chars(self.text, True),
            self._counts.count_words(self.text, rm_punctuation=False),
        )
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
        """textstat's, with strict_lower=False and strict_upper=True (as text_standard)."""
        from textstat.backend import selections, transformations

        text_list = selections.list_words(self.text, rm_punctuation=False)
        words_list: list[str] = []
        i_text = 0
        if len(text_list) > 100:
            while i_text < len(text_list) and len(words_list) < 100:
                word = transformations.remove_punctuation(text_list[i_text], rm_apostrophe=False)
                i_text += 1
                if len(word) > 0:
                    words_list.append(word)
        else:
            words_list = selections.list_words(self.text, rm_punctuation=True)
            i_text = len(text_list)
        easy_word = 0
        difficult_word = 0
        for word in words_list:
            n_syll = self._syllables_of.get(word)
            if n_syll is None:
                n_syll = self._counts.count_syllables(word, self.lang)
            if n_syll >= 3:
                difficult_word += 1
            elif n_syll > 0:
                easy_word += 1
        head = " ".join(text_list[:i_text])
        try:
            number = float(
                (easy_word * 1 + difficult_word * 3) / self._counts.count_sentences(head)
            )
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


@lru_cache(maxsize=16)
def _measure(blocks: tuple[Block, ...], lang: str, source: str) -> Measurement:
    prose = article_prose(blocks)
    locale = textstat_lang(lang)
    english = language_root(lang) == "en"
    return Measurement(
        lang=lang,
        lang_source=source,
        locale=locale,
        prose=prose,
        sentences=_sentences(prose, blocks, english),
        figures=_figures(prose.text, locale),
    )


def measure(blocks: Sequence[Block], lang_option: object, page_lang: str | None) -> Measurement:
    """Measure the article prose among `blocks` in the effective language."""
    lang, source = effective_lang(lang_option, page_lang)
    return _measure(tuple(blocks), lang, source)


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _edge_words(text: str, n: int, *, last: bool = False) -> str:
    ws = text.split()
    return " ".join(ws[-n:] if last else ws[:n])


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
        out[name] = _round(m.figures.get(name))
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
    if m.english:
        passive = sum(1 for s in m.sentences if s.passive)
        transition = sum(1 for s in m.sentences if s.transition)
        out["passive_voice"] = {"count": passive, "share": _share(passive, sents)}
        out["transition_words"] = {"count": transition, "share": _share(transition, sents)}
    else:
        out["passive_voice"] = None
        out["transition_words"] = None
    return out
