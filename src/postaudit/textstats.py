"""Readability figures of the article prose: textstat's formulas in the page language,
and the sentence-level signals editors act on (long sentences and paragraphs, passive
voice, transition words, repeated sentence beginnings).

`measure(blocks, lang)` is pure and memoised on its arguments (the engine asks once
per readability rule and once for the facts). textstat is imported on the first
measurement only, through `syllables.textstat_module()`, which keeps it offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from postaudit.model import Location
from postaudit.page import Block
from postaudit.prose import (
    PARAGRAPH_KINDS,
    Prose,
    article_prose,
    beginning,
    has_transition,
    is_passive,
    sections,
    split_sentences,
    terminated,
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
        for text in split_sentences(terminated(block.text)):
            n = word_count(text)
            if n == 0:
                continue
            out.append(
                Sentence(
                    text=text,
                    words=n,
                    block=i,
                    section=section_of.get(id(block), 0),
                    passive=english and is_passive(text),
                    transition=english and has_transition(text),
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
    out: dict[str, float | None] = dict.fromkeys(
        ("words", "sentences", "syllables", *_FIGURES, "text_standard")
    )
    if locale is None or not text.strip():
        return out
    from postaudit.syllables import textstat_module

    textstat_module()  # installs the offline dictionary before the first count
    from textstat.textstat import textstatistics

    ts: Any = textstatistics()
    ts.set_lang(locale)
    out["words"] = float(ts.lexicon_count(text))
    out["sentences"] = float(ts.sentence_count(text))
    out["syllables"] = float(ts.syllable_count(text))
    out["flesch_reading_ease"] = float(ts.flesch_reading_ease(text))
    if locale.startswith("en"):
        for name in _FIGURES[1:]:
            out[name] = float(getattr(ts, name)(text))
        out["text_standard"] = float(ts.text_standard(text, float_output=True))
    return out


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
