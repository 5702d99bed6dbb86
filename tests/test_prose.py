"""Article prose: the measured blocks, sentences and the English style signals."""

from __future__ import annotations

import re
import sys

import pytest

from paths import CORPUS
from postaudit.measure import prose, style
from postaudit.measure.prose import (
    ABBREVIATIONS,
    article_prose,
    beginning,
    boilerplate_reason,
    has_word_count,
    normalize_quotes,
    split_sentences,
    terminated,
    word_count,
)
from postaudit.measure.style import has_transition, is_passive, sentence_tokens
from postaudit.measure.wordcount import has_wide
from postaudit.model import Location
from postaudit.parse.build import parse_page
from postaudit.parse.page import Block


def block(text: str, kind: str = "p", hidden: bool = False) -> Block:
    return Block(kind, text, 1 if kind == "heading" else 0, False, hidden, Location())


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two words here. Three!", ["One.", "Two words here.", "Three!"]),
        (
            "Dr. Smith met Mr. Jones at 3.5 p.m. today.",
            ["Dr. Smith met Mr. Jones at 3.5 p.m. today."],
        ),
        ('He said "stop." Then he left.', ['He said "stop."', "Then he left."]),
        ("See e.g. the notes. Fine.", ["See e.g. the notes.", "Fine."]),
        ("J. Smith wrote it. She agreed.", ["J. Smith wrote it.", "She agreed."]),
        ("no end mark here", ["no end mark here"]),
        ("Wait… What now?", ["Wait…", "What now?"]),
        ("lowercase after. a full stop stays one", ["lowercase after. a full stop stays one"]),
        ("第一句。第二句！", ["第一句。", "第二句！"]),
        ("", []),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


def test_terminated_adds_a_full_stop_and_ascii_quotes() -> None:
    assert terminated("Drink a glass of water") == "Drink a glass of water."
    assert terminated("What I do instead:") == "What I do instead."
    assert terminated("It’s “fine”.") == 'It\'s "fine".'
    assert terminated("Really?") == "Really?"


@pytest.mark.parametrize(
    ("text", "kind", "reason"),
    [
        ("Photo by Esra Kaya | Pexels", "p", "credit"),
        ("Image: Unsplash", "p", "credit"),
        ("Photo by Jo on Unsplash", "p", "credit"),
        ("by Dana Whitlock, LPC", "p", "byline"),
        ("By now you know the drill.", "p", None),
        ("by the way, this is a sentence", "p", None),
        ("Previous", "p", "label"),
        ("Next post", "div", "label"),
        ("misc misc", "div", "label"),
        ("Tags: sleep", "div", "label"),
        ("Photography is how I relax on weekends, by the lake.", "p", None),
        ("Fast", "li", None),  # a list item is a sentence, however short
    ],
)
def test_boilerplate(text: str, kind: str, reason: str | None) -> None:
    assert boilerplate_reason(block(text, kind)) == reason


def test_a_short_bold_line_is_a_heading_not_prose() -> None:
    bold = Block("p", "Habits that make nights harder", 0, True, False, Location())
    assert boilerplate_reason(bold) == "heading"
    sentence = Block("p", "Never skip the wind-down.", 0, True, False, Location())
    assert boilerplate_reason(sentence) is None


def test_article_prose_keeps_paragraphs_and_lists_only() -> None:
    prose = article_prose(
        [
            block("Title", "heading"),
            block("A paragraph of text."),
            block("An item written as a whole sentence", "li"),
            block("Flour, 500 g", "li"),
            block("console.log(", "p"),
            block("Photo by A | Pexels", "figcaption"),
            block("x = 1", "pre"),
            block("cell", "td"),
            block("Secret text.", hidden=True),
            block("by Jo Lee, LPC"),
        ]
    )
    assert [b.text for b in prose.blocks] == [
        "A paragraph of text.",
        "An item written as a whole sentence",
    ]
    assert prose.excluded == {
        "byline": 1,
        "caption": 1,
        "code": 2,
        "list fragment": 1,
        "heading": 1,
        "hidden": 1,
        "table": 1,
    }
    assert prose.text == "A paragraph of text.\nAn item written as a whole sentence."


@pytest.mark.parametrize(
    ("sentence", "passive"),
    [
        ("The form was sent by the office.", True),
        ("Your attention is rented out to many tasks.", True),
        ("It can be solved lying down.", True),
        ("The dread has been learned over years.", True),
        ("The letter was quickly taken away.", True),
        ("She got stuck in traffic.", True),
        ("It is being read right now.", True),
        ("The office sent the form.", False),
        ("I was tired after work.", False),
        ("She is interested in art.", False),
        ("They were ready to go.", False),
        ("We need a red bed.", False),
    ],
)
def test_passive_voice(sentence: str, passive: bool) -> None:
    assert is_passive(sentence) is passive


@pytest.mark.parametrize(
    ("sentence", "transition"),
    [
        ("However, it helps.", True),
        ("For example, write it down.", True),
        ("On the other hand, rest matters.", True),
        ("Write it down.", False),
        ("The example is on the table.", False),
    ],
)
def test_transition_words(sentence: str, transition: bool) -> None:
    assert has_transition(sentence) is transition


def test_beginnings_use_two_words_after_an_article() -> None:
    assert beginning("You can start now.") == "you"
    assert beginning("The cat sat.") == "the cat"
    assert beginning("“Why?” she asked.") == "why"
    assert beginning("...") == ""


def test_word_count_counts_words_with_letters_or_digits() -> None:
    assert word_count("Don't stop — it's a wake-up call, 24/7 !") == 7


# --------------------------------------------------------------------------- fast paths
# The sentence functions take shortcuts for speed; each is checked against the plain
# version it replaces (kept here as the reference) on tricky inputs and real pages.

TRICKY_SENTENCES = [
    "",
    " ",
    "...",
    "— — —",
    "' ' ' word",
    "Don't stop — it's a wake-up call, 24/7 !",
    "Rock 'n' roll, 'tis ’twas “quoted” ‘single’ ʼ ʼ okʼay.",
    "İSTANBUL is big. DOG'S bone's x'-s WON'T.",
    "naïve café Ünïcödé … ¿Qué? ¡Sí! _under_ __ ½ ² ٣",
    "He said “stop.” Then he left. (See Fig. 3.) [Note.] Done!",
    "Dr. Smith met Mr. Jones at 3.5 p.m. today. J. Smith agreed. e.g. Yes. Approx. 5.",
    "A sentence ending in an abbreviation etc. Then another. Ph.D. Holders.",
    "Wait… What now?! “Really?” ‘Yes.’ 'No.' \"Maybe.\" (Sure.) [Fine.] OK",
    "第一句。第二句！第三句？ Mixed. 第四句。",
    "Tabs\tand\nnewlines.\u00a0Non-breaking\u2003em space. \u3000Ideographic.",
    "The form was sent by the office, however it was not quickly taken away.",
    "On the other hand, it is often being read. For example: that is so.",
    "The  The  the cat. THE DOG. One two three. (The) “the” end.",
    "veryveryverylongword. Next. ab. Cd. a. B. 1. 2. x.Y. Y.",
]


def _corpus_texts() -> list[str]:
    out: list[str] = []
    for path in sorted(CORPUS.glob("*.html")):
        page = parse_page(path.read_text(encoding="utf-8", errors="replace"), str(path))
        out += [b.text for b in page.blocks]
    return out


@pytest.fixture(scope="module")
def corpus_texts() -> list[str]:
    texts = _corpus_texts()
    assert len(texts) > 500, "corpus not available"
    return texts


def test_regex_word_and_space_classes_are_the_str_methods() -> None:
    """The fast paths read \\w as `isalnum()` or "_" and \\s as `isspace()` (what
    `str.split()` splits at): true of every code point."""
    word, space = re.compile(r"\w"), re.compile(r"\s")
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        assert bool(word.match(c)) is (c.isalnum() or c == "_"), hex(code)
        assert bool(space.match(c)) is c.isspace(), hex(code)


def test_normalize_quotes_leaves_ascii_as_it_is() -> None:
    table = prose._QUOTES
    assert all(code > 127 for code in table)
    for text in TRICKY_SENTENCES:
        assert normalize_quotes(text) == text.translate(table)


_OLD_BOUNDARY = re.compile(r"[.!?…]+['\"”’)\]]*\s+|[。！？]+['\"”’)\]」』]*\s*")
_OLD_NEXT_START = re.compile(r"['\"“‘(\[¿¡]*[\d\w]")


def _old_is_abbreviation(text: str, dot: int) -> bool:
    i = dot
    while i > 0 and not text[i - 1].isspace() and text[i - 1] not in "(\"'“‘[":
        i -= 1
    word = text[i:dot].lower()
    if word in ABBREVIATIONS:
        return True
    return len(word) == 1 and word.isalpha()


def _starts_sentence(char: str) -> bool:
    """A capital, a digit, or a letter of a script without case."""
    return char.isupper() or char.isdigit() or (char.isalpha() and char.lower() == char.upper())


def _old_split_sentences(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    out: list[str] = []
    start = 0
    for m in _OLD_BOUNDARY.finditer(text):
        end = m.end()
        if end >= len(text):
            break
        mark = m.group(0)
        if mark[0] not in "。！？":
            nxt = _OLD_NEXT_START.match(text, end)
            if nxt is None or not _starts_sentence(nxt.group(0)[-1]):
                continue
            if mark[0] == "." and _old_is_abbreviation(text, m.start()):
                continue
        sentence = text[start:end].strip()
        if sentence:
            out.append(sentence)
        start = end
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def test_split_sentences_equals_the_plain_scan(corpus_texts: list[str]) -> None:
    """One regex with the next-start lookahead, a single leading class, and the word
    before a period read from a bounded window: the same sentences as before."""
    texts = [*TRICKY_SENTENCES, " ".join(TRICKY_SENTENCES), *corpus_texts]
    for text in texts:
        for variant in (text, terminated(text)):
            assert split_sentences(variant) == _old_split_sentences(variant), variant


def test_abbreviation_window_equals_the_plain_walk(corpus_texts: list[str]) -> None:
    texts = [*TRICKY_SENTENCES, "approx. Approxi. xapprox. (etc. “e.g. [no. 'vol.", "."]
    for text in [*texts, *corpus_texts[:2000]]:
        for dot in range(len(text) + 1):
            assert prose._is_abbreviation(text, dot) is _old_is_abbreviation(text, dot)


_OLD_LEADING_NOISE = re.compile(r"^[^\w]+")


def _old_beginning(sentence: str) -> str:
    ws: list[str] = []
    for raw in normalize_quotes(sentence).split():
        w = _OLD_LEADING_NOISE.sub("", raw).strip(".,;:!?\"')")
        if w:
            ws.append(w.lower())
            if len(ws) == 2:
                break
    if not ws:
        return ""
    if ws[0] in prose._BEGINNING_PREFIXES and len(ws) > 1:
        return f"{ws[0]} {ws[1]}"
    return ws[0]


def _old_is_passive(toks: list[str]) -> bool:
    for i, tok in enumerate(toks):
        if tok not in style._BE_FORMS:
            continue
        j = i + 1
        skipped = 0
        while (
            j < len(toks) and skipped < 2 and (toks[j] in style._BETWEEN or toks[j].endswith("ly"))
        ):
            j += 1
            skipped += 1
        if j < len(toks) and style._is_participle(toks[j]):
            return True
    return False


def _old_has_transition(toks: list[str]) -> bool:
    if not style.TRANSITION_WORDS.isdisjoint(toks):
        return True
    for i, tok in enumerate(toks):
        for phrase in style._PHRASES_BY_FIRST.get(tok, ()):
            if tuple(toks[i : i + len(phrase)]) == phrase:
                return True
    return False


def test_signal_functions_equal_the_plain_versions(corpus_texts: list[str]) -> None:
    """`word_count`, `beginning`, `is_passive` and `has_transition` (with their quick
    answers) against the plain versions."""
    sentences = [*TRICKY_SENTENCES]
    for text in corpus_texts:
        sentences += split_sentences(text)
    sentences += [s.replace("'", "ʼ") for s in sentences[:500]]  # a letter, not a quote
    for s in sentences:
        toks = sentence_tokens(s)
        old = (len([w for w in s.split() if re.search(r"\w", w)]), _old_beginning(s))
        assert (len(prose.words(s)), beginning(s)) == old, s
        if not has_wide(s):
            assert word_count(s) == old[0], s
        assert (is_passive(s), has_transition(s)) == (
            _old_is_passive(toks),
            _old_has_transition(toks),
        ), s


@pytest.mark.parametrize("n", [-1, 0, 1, 2, 3, 4, 50])
def test_has_word_count_is_word_count_at_least(n: int) -> None:
    for s in TRICKY_SENTENCES:
        assert has_word_count(s, n) is (len(prose.words(s)) >= n), (s, n)


# Texts for the per-block fast paths: every tricky sentence alone and in one block,
# with the characters that make a block's word count differ from its sentences'.
TRICKY_BLOCKS = [
    *TRICKY_SENTENCES,
    " ".join(TRICKY_SENTENCES),
    "okʼay ʼ . Then ʼ ʼ. (ʼ) More",
    "第一句。」a 第二句！b。c？ 。」 。 x",
    "Text\u00a0with\u00a0NBSP. And ‘quotes’ — “here” ―",
    "Ends in punctuation only —",
    "— : ; ,",
    "Trailing words, -- ; :",
    "One.\tTwo.\nThree.  Four.\u2003Five.",
]


def _signals(sentence: str, english: bool) -> tuple[int, bool, bool, str]:
    """What `block_signals` must give of one sentence: the four functions' answers."""
    return (
        word_count(sentence),
        english and is_passive(sentence),
        english and has_transition(sentence),
        beginning(sentence),
    )


def test_block_signals_are_the_four_functions(corpus_texts: list[str]) -> None:
    """`block_signals` (one loop per block, quotes not normalised again, the quick
    answers taken inline) against the four functions sentence by sentence."""
    for text in [*TRICKY_BLOCKS, *corpus_texts]:
        for english in (True, False):
            expected = tuple((s, *_signals(s, english)) for s in prose.block_sentences(text))
            assert style.block_signals(text, english) == expected, text


def test_block_word_count_is_word_count(corpus_texts: list[str]) -> None:
    """The sum of a block's sentence word counts is its word count, except where
    "ʼ", a CJK full stop or Han and kana send `block_word_count` to count again."""
    summed = 0
    for text in [*TRICKY_BLOCKS, *corpus_texts]:
        signals = style.block_signals(text, True)
        assert style.block_word_count(text, signals) == word_count(text), text
        if style._UNEVEN_SPLIT.search(text) is None and not has_wide(text):
            summed += 1
            assert sum(s[1] for s in signals) == word_count(text), text
    assert summed > 500
    # the characters that are counted again do make the sum differ
    for text in ("ʼ x.", "a。b", "一。二。"):
        signals = style.block_signals(text, True)
        assert sum(s[1] for s in signals) != word_count(text), text


_OLD_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*")


def test_possessive_token_patterns_find_the_same_tokens(corpus_texts: list[str]) -> None:
    from postaudit.measure import matching

    old_matching = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
    extra = ["a'b'c''d' 'e x'-y ''' don't'' rock'n'roll' ʼa'ʼ _a_ a_'b 1'2'3 ½'²"]
    for text in [*TRICKY_BLOCKS, *extra, *corpus_texts]:
        for variant in (text, text.lower(), text.casefold()):
            assert style._TOKEN.findall(variant) == _OLD_TOKEN.findall(variant), variant
            assert matching._TOKEN.findall(variant) == old_matching.findall(variant), variant


def test_has_word_count_on_corpus_texts(corpus_texts: list[str]) -> None:
    """`has_word_count` splits a few parts at a time: the same answer as counting."""
    spaced = ["a  b\t\t- c", " - - a ", "a - - - b c", "— a — b — — c —", "a b c  ", "  a"]
    for text in [*TRICKY_BLOCKS, *spaced, *corpus_texts[:3000]]:
        for n in (1, 2, 3, 4, 7):
            assert has_word_count(text, n) is (len(prose.words(text)) >= n), (text, n)


def test_sentences_of_scripts_without_case_are_split() -> None:
    """Korean, Chinese or Arabic text after a full stop has no capital to wait for."""
    assert split_sentences("설정이 필요함. 그래서 다시 시도함. 이제 됨.") == [
        "설정이 필요함.",
        "그래서 다시 시도함.",
        "이제 됨.",
    ]
    assert split_sentences("Use the CLI. 然后 it works. and then more.") == [
        "Use the CLI.",
        "然后 it works. and then more.",
    ]
