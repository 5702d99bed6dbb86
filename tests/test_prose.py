"""Article prose: the measured blocks, sentences and the English style signals."""

from __future__ import annotations

import pytest

from postaudit.model import Location
from postaudit.page import Block
from postaudit.prose import (
    article_prose,
    beginning,
    boilerplate_reason,
    has_transition,
    is_passive,
    split_sentences,
    terminated,
    word_count,
)


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
            block("An item", "li"),
            block("Photo by A | Pexels", "figcaption"),
            block("x = 1", "pre"),
            block("cell", "td"),
            block("Secret text.", hidden=True),
            block("by Jo Lee, LPC"),
        ]
    )
    assert [b.text for b in prose.blocks] == ["A paragraph of text.", "An item"]
    assert prose.excluded == {
        "byline": 1,
        "caption": 1,
        "code": 1,
        "heading": 1,
        "hidden": 1,
        "table": 1,
    }
    assert prose.text == "A paragraph of text.\nAn item."


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
