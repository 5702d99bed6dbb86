"""Article prose: which blocks are measured, sentences, and English style signals.

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
from functools import lru_cache

from postaudit.measure.wordcount import has_wide, word_parts
from postaudit.measure.wordcount import word_count as _word_count
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


def looks_like_code(text: str) -> bool:
    """A paragraph that is a line (or lines) of source code or a shell command, not a
    sentence: `console.log(`, `x = foo(bar);`, `});`, `$ npm install postaudit`. Needs a
    code-shaped start or a code token, and either code punctuation dense in the text
    or fewer than half its words plain words; a sentence that mentions `foo()` stays
    prose, and so does any text with non-ASCII letters."""
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


@dataclass(frozen=True, slots=True)
class Prose:
    """The measured article prose: blocks in order and what was left out (by reason)."""

    blocks: tuple[Block, ...]
    excluded: dict[str, int]

    @property
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


def article_prose(blocks: Iterable[Block]) -> Prose:
    """Select the measured prose among `blocks` (see module docstring)."""
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
    return _beginning_of(normalize_quotes(sentence).split())


def _beginning_of(parts: Iterable[str]) -> str:
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
        n = _word_count(sentence) if has_wide(sentence) else len(_words_of(parts))
        start = _beginning_of(parts)
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
