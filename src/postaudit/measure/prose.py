"""Article prose: which blocks are measured, its sentences, words and beginnings (the
English style signals of those sentences are in `style.py`).

Pure text functions over `Page.blocks`; no textstat here (see `readability.py` for
the figures). The measured prose is what a reader reads as the article, sentences
only: paragraphs, list items written as sentences (each one a sentence), quotes and
loose text; not headings, captions, code (in `<pre>`, marked up as inline code, or
code written as a plain paragraph: `looks_like_code`), list items that are fragments
("Flour, 500 g", "Checking the clock"), tables, hidden blocks, photo credits, bylines
or pagination labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from postaudit.measure.memo import last_of
from postaudit.measure.wordcount import word_count as _word_count
from postaudit.measure.wordcount import word_parts
from postaudit.parse.page import Block

#: Block kinds that count as article prose.
PROSE_KINDS = frozenset({"p", "li", "blockquote", "dd", "div"})
#: Block kinds that are paragraphs (for the paragraph-length check).
PARAGRAPH_KINDS = frozenset({"p", "blockquote", "div"})

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00a0": " ",
    }
)


def normalize_quotes(text: str) -> str:
    """Typographic apostrophes and quotes as ASCII (’ -> ', “ ” -> "), NBSP as space."""
    # every character `_QUOTES` maps is non-ASCII: ASCII text is returned as it is
    return text if text.isascii() else text.translate(_QUOTES)


# --------------------------------------------------------------------------- boilerplate

_CREDIT = re.compile(
    r"^(?:photo|image|picture|illustration|header image|featured image|cover image)s?"
    r"(?:\s+(?:by|via|from|courtesy of)\b|\s*(?:credit)?s?\s*:)",
    re.I,
)
_STOCK = re.compile(
    r"\b(?:pexels|unsplash|pixabay|shutterstock|istock(?:photo)?|getty images|adobe stock|"
    r"canva|freepik|depositphotos|wikimedia commons)\b\s*\.?$",
    re.I,
)
_BYLINE = re.compile(r"^(?i:by|written by|posted by|author:|published by|words by)\s+(\w)")
_NAV_LABELS = frozenset(
    {
        "previous",
        "next",
        "previous post",
        "next post",
        "older",
        "newer",
        "older posts",
        "newer posts",
        "older post",
        "newer post",
        "read more",
        "share",
        "share this",
        "share this post",
        "share this:",
        "tweet",
        "comments",
        "leave a comment",
        "back to top",
        "back to blog",
        "continue reading",
    }
)
_TERMINAL = re.compile(r"[.!?…。！？]['\"”’)\]]*$")


#: A line of code: a call or keyword statement at the start, or code punctuation.
_CODE_START = re.compile(
    r"^(?:[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\(|"  # console.log( ; foo.bar(
    r"(?:var|let|const|def|function|class|import|from|return|if|elif|for|while|switch|"
    r"public|private|static|void|int|char|struct|package|func|fn|#include|#define|"
    r"echo|sudo|npm|pip|git|cd|export)\b|[$#>]\s+\w|[})\]];?$|[{}])"
)
#: Code tokens that prose does not write.
_CODE_TOKEN = re.compile(
    r"\)\s*;|[;{]\s*$|=>|->|::|===?|!=|&&|\|\||\+\+|\+=|\(\)|\w\[\w*\]|"
    r"^\S+\s*=\s*\S|\($|</?[a-z]+[ >]|\b0x[0-9a-f]+\b"
)
_CODE_CHARS = frozenset("{}()[];=<>$|&\\_/*#")
_LETTER_WORD = re.compile(r"^[^\W\d_]{2,}[.,!?:;]?$")


@lru_cache(maxsize=2048)
def looks_like_code(text: str) -> bool:
    """A paragraph that is a line (or lines) of source code or a shell command, not a
    sentence: `console.log(`, `x = foo(bar);`, `});`, `$ npm install postaudit`. Needs a
    code-shaped start or a code token, and either code punctuation dense in the text
    or fewer than half its words plain words; a sentence that mentions `foo()` stays
    prose, and so does any text with non-ASCII letters. (Remembered: the prose
    selection and the code-in-paragraph rule ask about the same blocks.)"""
    text = normalize_quotes(text).strip()  # a CMS curls the quotes of code in a <p>
    if not text or len(text) > 400 or not text.replace("\u2013", "-").isascii():
        return False  # code is ASCII; a CJK sentence writing "192 -> 112" is prose
    words = text.split()
    plain = sum(1 for w in words if _LETTER_WORD.match(w))
    if _TERMINAL.search(text) and plain >= 4 and plain * 2 > len(words):
        return False  # a sentence (that may mention code)
    start, token = _CODE_START.search(text), _CODE_TOKEN.search(text)
    if not (start or token):
        return False
    dense = sum(1 for c in text if c in _CODE_CHARS) / len(text) >= 0.06
    return bool(start and token) or (dense and plain * 2 <= len(words))


#: Fewer words than this, with no sentence punctuation, make a list item a fragment.
SENTENCE_ITEM_WORDS = 5
_WIDE = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def is_sentence_item(text: str) -> bool:
    """A list item written as a sentence: it ends like one, or runs to five words or
    more ("Write your main point on a card"). Shorter ones ("Flour, 500 g", "Checking
    the clock", "setup()") are labels, not sentences. Chinese and Japanese, written
    without spaces, count about two characters a word."""
    text = text.strip()
    if _TERMINAL.search(text):
        return True
    n = len(text.split())
    if _WIDE.search(text):
        n = max(n, len(_WIDE.findall(text)) // 2)
    return n >= SENTENCE_ITEM_WORDS


def boilerplate_reason(block: Block) -> str | None:
    """Why a prose-kind block is not article prose ("credit", "byline", "label",
    "heading" for a short bold line), or None."""
    text = block.text.strip()
    words = text.split()
    n = len(words)
    if n <= 14 and (_CREDIT.match(text) or (_STOCK.search(text) and ("|" in text or n <= 6))):
        return "credit"
    byline = _BYLINE.match(text)
    if byline and n <= 14 and byline.group(1).isupper() and not _TERMINAL.search(text):
        return "byline"  # "by Dana Whitlock, LPC"
    if text.lower().strip(" :·|»«←→<>") in _NAV_LABELS:
        return "label"
    if block.bold_only and n <= 12 and not _TERMINAL.search(text):
        return "heading"  # a bold line standing in for a heading ("fake heading")
    if block.kind == "div" and n <= 3 and not _TERMINAL.search(text):
        return "label"  # tag lists, dates, counters: loose text that is no sentence
    return None


@dataclass(frozen=True)
class Prose:
    """The measured article prose: blocks in order and what was left out (by reason).
    (No slots: `text` is worked out once, on first use.)"""

    blocks: tuple[Block, ...]
    excluded: dict[str, int]

    @cached_property
    def text(self) -> str:
        """The measured text: one block per line, each ending in sentence punctuation
        (a list item or a loose line is a sentence of its own), quotes made ASCII."""
        return "\n".join(terminated(b.text) for b in self.blocks)


def terminated(text: str) -> str:
    """`text` with ASCII quotes, ending in sentence punctuation (a "." is added if none)."""
    text = normalize_quotes(text).strip()
    if not text or _TERMINAL.search(text):
        return text
    return text.rstrip(":;,-–— ") + "."


@last_of
def article_prose(blocks: Iterable[Block]) -> Prose:
    """Select the measured prose among `blocks` (see module docstring); the same
    `Prose` again when asked about the same tuple of blocks as last time."""
    kept: list[Block] = []
    excluded: dict[str, int] = {}
    for block in blocks:
        reason: str | None
        if block.hidden:
            reason = "hidden"
        elif block.kind == "heading":
            reason = "heading"
        elif block.kind == "figcaption":
            reason = "caption"
        elif block.kind == "pre":
            reason = "code"
        elif block.kind not in PROSE_KINDS:
            reason = "table"
        elif block.code_only or looks_like_code(block.text):
            reason = "code"
        elif block.kind == "li" and not is_sentence_item(block.text):
            reason = "list fragment"
        else:
            reason = boilerplate_reason(block)
        if reason is None:
            kept.append(block)
        else:
            excluded[reason] = excluded.get(reason, 0) + 1
    return Prose(tuple(kept), dict(sorted(excluded.items())))


def sections(blocks: Sequence[Block]) -> list[list[Block]]:
    """Prose blocks grouped by the headings between them (for runs of sentences)."""
    out: list[list[Block]] = [[]]
    for block in blocks:
        if block.kind == "heading":
            if out[-1]:
                out.append([])
        elif not block.hidden:
            out[-1].append(block)
    return [s for s in out if s]


# --------------------------------------------------------------------------- sentences

#: Lower-cased abbreviations (without the dot) after which a period ends no sentence.
ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "mt",
        "ft",
        "jr",
        "sr",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "cf",
        "approx",
        "no",
        "vol",
        "fig",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "a.m",
        "p.m",
        "u.s",
        "ph.d",
    }
)
#: A sentence end: `.`, `!`, `?` or `…` (closing quotes or brackets, whitespace) before
#: what may start the next sentence, its first letter or digit captured (the lookahead
#: is tried where the whitespace ends, as the match ends there either way); or CJK
#: marks (closing quotes, whitespace if any). Both branches begin with one mark of a
#: single class, which lets the regex engine skip from mark to mark.
_BOUNDARY = re.compile(
    r"""[.!?…。！？]
    (?:
        (?<=[.!?…]) [.!?…]* ['"”’)\]]* \s+ (?=['"“‘(\[¿¡]*([\d\w]))
      | (?<=[。！？]) [。！？]* ['"”’)\]」』]* \s*
    )""",
    re.VERBOSE,
)


def _caseless(char: str) -> bool:
    """A letter of a script without upper and lower case."""
    return char.isalpha() and char.lower() == char.upper()


def split_sentences(text: str) -> list[str]:
    """Sentences of one block of text.

    A sentence ends at `.`, `!`, `?` or `…` (with closing quotes or brackets) followed
    by whitespace and an upper-case letter, a digit, a letter of a script without case
    (Korean, Chinese, Japanese, Arabic, ...) or an opening quote; not after a
    known abbreviation ("Dr.", "e.g.") or a single initial ("J."). CJK full stops
    always end one. Text without any end mark is one sentence."""
    text = text.strip()
    if not text:
        return []
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if end >= len(text):
            break
        nxt = m.group(1)  # None after a CJK mark
        if nxt is not None:
            # a capital, a digit, or a letter of a script without case (Hangul, Han,
            # kana, Arabic, Hebrew, Thai...: "-음. 그래서" starts a new sentence)
            if not (nxt.isupper() or nxt.isdigit() or _caseless(nxt)):
                continue
            if text[m.start()] == "." and _is_abbreviation(text, m.start()):
                continue
        sentence = text[start:end].strip()
        if sentence:
            out.append(sentence)
        start = end
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


@lru_cache(maxsize=4096)
def block_sentences(text: str) -> tuple[str, ...]:
    """The sentences of one block's text as measured: `split_sentences(terminated(text))`,
    kept so the readability pass and the keyword phrases split each block once."""
    return tuple(split_sentences(terminated(text)))


#: A word before a period longer than this is no abbreviation (nor an initial).
_ABBREVIATION_MAX = max(map(len, ABBREVIATIONS))
#: The word that ends a text: what follows its last space or opening mark.
_LAST_WORD = re.compile(r"[^\s(\"'“‘\[]*\Z")


def _is_abbreviation(text: str, dot: int) -> bool:
    # The word before the dot (back to a space or an opening mark), looked for among
    # the characters before it up to one past the longest abbreviation: a longer word
    # is cut there, and is no abbreviation either way. It may be empty, never absent.
    last = _LAST_WORD.search(text, max(0, dot - _ABBREVIATION_MAX - 1), dot)
    word = text[last.start() if last else dot : dot].lower()
    if word in ABBREVIATIONS:
        return True
    return len(word) == 1 and word.isalpha()  # an initial: "J. Smith"


_WORD = re.compile(r"\w")


def words(text: str) -> list[str]:
    """Whitespace-separated words that hold a letter or digit (textstat's way of counting:
    "wake-up" and "don't" are one word each). Han and kana are not split here: count
    with `word_count`."""
    return _words_of(text.split())


_words_of = word_parts


def word_count(text: str) -> int:
    """Words in `text`, Chinese and Japanese included (`postaudit.measure.wordcount`)."""
    return _word_count(text)


def has_word_count(text: str, n: int) -> bool:
    """`len(words(text)) >= n`, reading no further than the `n`-th word.

    The parts are split off as many at a time as words are still wanted (a split
    stopped after `k` parts gives those parts as they are, then the rest of the text,
    whose parts are the following ones): a long sentence is not split whole.

    Counts whitespace-separated words, as textstat does (`textstats._count_sentences`
    depends on it): Han and kana are not counted two characters a word here."""
    while n > 0:
        parts = text.split(None, n)
        rest = parts.pop() if len(parts) > n else None
        for w in parts:
            if w[0].isalnum() or w[-1].isalnum() or _WORD.search(w):
                n -= 1
        if rest is None:
            return n <= 0
        text = rest
    return True


# --------------------------------------------------------------------------- beginnings

#: A sentence starting with one of these is keyed by its first two words (as Yoast does):
#: "The cat ... The dog ..." are different beginnings.
_BEGINNING_PREFIXES = frozenset(
    {
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "my",
        "your",
        "our",
        "their",
        "his",
        "her",
        "its",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
    }
)
_LEADING_NOISE = re.compile(r"^[^\w]+")


def beginning(sentence: str) -> str:
    """The first word of a sentence, lower-cased (two words after an article or a number)."""
    return beginning_of_parts(normalize_quotes(sentence).split())


def beginning_of_parts(parts: Iterable[str]) -> str:
    """`beginning` of the sentence whose quote-normalised text splits into `parts`."""
    ws: list[str] = []  # the first two words that are left once stripped
    for raw in parts:
        # a part starting with a \w character (`isalnum()` or "_") has no leading noise
        if not (raw[0].isalnum() or raw[0] == "_"):
            raw = _LEADING_NOISE.sub("", raw)
        w = raw.strip(".,;:!?\"')")
        if w:
            ws.append(w.lower())
            if len(ws) == 2:
                break
    if not ws:
        return ""
    if ws[0] in _BEGINNING_PREFIXES and len(ws) > 1:
        return f"{ws[0]} {ws[1]}"
    return ws[0]
