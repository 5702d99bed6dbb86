"""Title width in a search result (M602) and malformed titles (M630)."""

from __future__ import annotations

import pytest

from postaudit.measure.titlewidth import fitting_prefix, title_width
from postaudit.parse.build import parse_page
from postaudit.rules import get
from postaudit.rules.metadata import title_flaws


def test_width_follows_the_letters_not_their_number() -> None:
    assert title_width("iiii") == 18 and title_width("WWWW") == 76  # 222 and 944 units at 20 px
    assert title_width("café") == title_width("cafe")  # an accent adds no width
    assert title_width("心理") == 40 == title_width("ＡＢ")  # wide and full-width: 1 em
    assert title_width("e\u0301") == title_width("e")  # a combining mark adds nothing
    assert title_width("") == 0


def test_fitting_prefix_is_where_the_title_is_cut() -> None:
    assert fitting_prefix("心理咨询", 60) == "心理咨"
    assert fitting_prefix("short", 600) == "short"


def _page(title: str) -> str:
    return f"<html lang='en'><head><title>{title}</title></head><body><h1>x</h1></body></html>"


def messages(code: str, title: str) -> list[str]:
    return [h.message for h in get(code)(parse_page(_page(title), "https://example.com/p"))]


def test_wide_titles_are_cut_sooner_than_sixty_characters() -> None:
    zh = "心理咨询中的眼泪：为什么有些来访者从不哭泣，以及这说明了什么问题"  # 32 characters
    (msg,) = messages("M602", zh)
    assert msg.startswith("title is about 640 px wide (32 characters); search results cut it")
    assert msg.endswith("after '心理咨询中的眼泪：为什么有些来访者从不哭泣，以及这说明了什么'")
    assert (
        messages("M602", "Little tricks I will still try this fall: lilt, trill, fill it in") == []
    )
    assert messages("M602", "Blog") == [
        "title is about 40 px wide (4 characters); make it at least 200 px"
    ]


@pytest.mark.parametrize(
    ("title", "flaws"),
    [
        ("| Brian's Home", ["starts with a separator (an empty part before it)"]),
        ("Crying in therapy ·", ["ends with a separator (an empty part after it)"]),
        ("Crying | | Riverbend", ["has two separators in a row (an empty part between them)"]),
        ("Crying || Riverbend", ["has two separators in a row (an empty part between them)"]),
        ("Crying\n | Riverbend", ["has a line break inside"]),
        (
            "\n  |\n  Towards a Secure Firefox\n",
            ["starts with a separator (an empty part before it)", "has a line break inside"],
        ),
        # hyphens inside words, colons after words, "C++", a dash between parts: fine
        ("Using git commit --amend - Brian's Blog", []),
        ("Re: the -1 offset | Blog", []),
        ("Flare-on 2019 – Hacking Tube 2.0", []),
        ("  Crying in therapy | Riverbend  \n", []),
    ],
)
def test_title_flaws(title: str, flaws: list[str]) -> None:
    assert title_flaws(title) == flaws


def test_malformed_title_message_names_every_flaw() -> None:
    assert messages("M630", "| Towards ·") == [
        "title '| Towards ·' starts with a separator (an empty part before it) and ends "
        "with a separator (an empty part after it)"
    ]
