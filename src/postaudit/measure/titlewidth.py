"""How wide a title is in a search result, estimated from character widths.

Search engines cut a title by its width, not its length: Google sets result titles in
Arial at 20 px and cuts them at about 580-600 px, so "Illuminating Williams" fits in
fewer characters than "illicit lilies". The estimate adds up Arial's advance widths
(the standard Helvetica/Arial metrics, in 1/1000 em) at 20 px; a letter with an accent
is as wide as its base letter; East Asian wide and full-width characters (Chinese,
Japanese, Korean, full-width punctuation: `unicodedata.east_asian_width` W or F) are a
full em, 20 px; combining marks and zero-width characters add nothing; anything else
is given the width of an average lower-case letter. Kerning and font fallbacks make
the real width differ by a few pixels, so messages say "about".
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: Font size of a desktop result title, px.
FONT_PX = 20
#: Arial advance widths in 1/1000 em (Adobe's Helvetica AFM, which Arial matches).
_ARIAL: dict[str, int] = {
    " ": 278,
    "!": 278,
    '"': 355,
    "#": 556,
    "$": 556,
    "%": 889,
    "&": 667,
    "'": 191,
    "(": 333,
    ")": 333,
    "*": 389,
    "+": 584,
    ",": 278,
    "-": 333,
    ".": 278,
    "/": 278,
    ":": 278,
    ";": 278,
    "<": 584,
    "=": 584,
    ">": 584,
    "?": 556,
    "@": 1015,
    "[": 278,
    "\\": 278,
    "]": 278,
    "^": 469,
    "_": 556,
    "`": 333,
    "{": 334,
    "|": 260,
    "}": 334,
    "~": 584,
    **dict.fromkeys("0123456789", 556),
    "A": 667,
    "B": 667,
    "C": 722,
    "D": 722,
    "E": 667,
    "F": 611,
    "G": 778,
    "H": 722,
    "I": 278,
    "J": 500,
    "K": 667,
    "L": 556,
    "M": 833,
    "N": 722,
    "O": 778,
    "P": 667,
    "Q": 778,
    "R": 722,
    "S": 667,
    "T": 611,
    "U": 722,
    "V": 667,
    "W": 944,
    "X": 667,
    "Y": 667,
    "Z": 611,
    "a": 556,
    "b": 556,
    "c": 500,
    "d": 556,
    "e": 556,
    "f": 278,
    "g": 556,
    "h": 556,
    "i": 222,
    "j": 222,
    "k": 500,
    "l": 222,
    "m": 833,
    "n": 556,
    "o": 556,
    "p": 556,
    "q": 556,
    "r": 333,
    "s": 500,
    "t": 278,
    "u": 556,
    "v": 500,
    "w": 722,
    "x": 500,
    "y": 500,
    "z": 500,
    # punctuation titles are made of
    "\u00a0": 278,  # no-break space
    "\u00b7": 278,  # middle dot
    "\u2022": 350,  # bullet
    "\u2013": 556,  # en dash
    "\u2014": 1000,  # em dash
    "\u2018": 222,
    "\u2019": 222,
    "\u201c": 333,
    "\u201d": 333,
    "\u2026": 1000,  # ellipsis
    "\u00ab": 556,
    "\u00bb": 556,
    "\u00ae": 737,
    "\u00a9": 737,
    "\u2122": 1000,
    "\u00df": 611,
    "\u00e6": 889,
    "\u00c6": 1000,
    "\u00f8": 611,
    "\u00d8": 778,
}
#: Anything not in the table: an average lower-case letter.
_DEFAULT = 556
_WIDE = 1000


@lru_cache(maxsize=4096)
def char_units(ch: str) -> int:
    """The advance width of one character, in 1/1000 em."""
    known = _ARIAL.get(ch)
    if known is not None:
        return known
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return _WIDE
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    base = unicodedata.normalize("NFKD", ch)[:1]
    if base and base != ch and base in _ARIAL:
        return _ARIAL[base]  # "é" is as wide as "e"
    return _DEFAULT


def title_width(text: str, font_px: int = FONT_PX) -> int:
    """The estimated width of `text` in a result title, in whole pixels."""
    return round(sum(char_units(ch) for ch in text) * font_px / 1000)


def fitting_prefix(text: str, max_px: float, font_px: int = FONT_PX) -> str:
    """The longest start of `text` no wider than `max_px` (where the title is cut)."""
    limit = max_px * 1000 / font_px
    total = 0
    for i, ch in enumerate(text):
        total += char_units(ch)
        if total > limit:
            return text[:i]
    return text
