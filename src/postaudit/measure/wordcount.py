"""Counting words, the one way every rule and fact counts them.

A word is a whitespace-separated part that holds a letter or digit (textstat's way:
"wake-up" and "don't" are one word each). Chinese and Japanese are written without
spaces, so a paragraph of them would be "one word": there, every two Han or kana
characters count as one word. Two is the ratio of Yoast's Japanese thresholds to its
English ones (600 characters for a 300-word text, 300 characters for a 150-word
paragraph, 40 characters for a 20-word sentence), close to the average length of a
Chinese word (1.5-2 characters) and a Japanese one; so every threshold in words means
the same length of text in either script. Korean puts spaces between words and is
counted as it is written. Scripts that do neither (Thai, Lao, Khmer, Burmese) are
counted by their spaces, which undercounts them (`textstats.UNCOUNTED_LANGUAGES`).

A leaf module: the parse layer (`Page.word_count`) and the measure layer (`prose`)
both count with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

#: Han (unified, extensions A-F, compatibility), hiragana, katakana (and its phonetic
#: extensions and half-width forms): the characters written without spaces between words.
WIDE_WORD_CHARS = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0002fa1f]"
)
#: Han and kana characters that make one word.
CHARS_PER_WORD = 2

_WORD = re.compile(r"\w")


def word_parts(parts: Iterable[str]) -> list[str]:
    """The whitespace-separated `parts` of a text that are words (hold a \\w character)."""
    # an alphanumeric first or last character is the quick yes (every such character
    # is a \w: "bread." and "(yeast" are decided without the regex); else the regex
    return [w for w in parts if w[0].isalnum() or w[-1].isalnum() or _WORD.search(w)]


def has_wide(text: str) -> bool:
    """Whether `text` holds a Han or kana character (ASCII text is the quick no)."""
    return not text.isascii() and WIDE_WORD_CHARS.search(text) is not None


@lru_cache(maxsize=256)
def word_count(text: str) -> int:
    """The number of words in `text`: whitespace-separated words, plus one word for
    every `CHARS_PER_WORD` Han and kana characters (rounded up). Remembered for recent
    texts: a page's rules count the same article text and prose more than once."""
    if not has_wide(text):
        return len(word_parts(text.split()))
    wide = len(WIDE_WORD_CHARS.findall(text))
    rest = WIDE_WORD_CHARS.sub(" ", text)
    return len(word_parts(rest.split())) + -(-wide // CHARS_PER_WORD)
