"""postaudit.measure.stuffing: place lists, term counts and repeated phrases (shared by A107 and K2xx)."""

from __future__ import annotations

import pytest

from postaudit.measure.stuffing import (
    count_terms,
    find_place_list,
    repeated_phrases,
    stuffing_reasons,
)

DEMO_ALT = (
    "Woman lying awake in bed beside a glowing phone. Representing anxiety counseling and sleep "
    "support for adults across Oregon, including Portland, Salem, Eugene, and Bend, with an "
    "anxiety counselor offering online anxiety counseling near you."
)


@pytest.mark.parametrize(
    ("text", "places"),
    [
        (DEMO_ALT, ["Oregon", "Portland", "Salem", "Eugene", "Bend"]),
        (
            "online therapy across Texas, including Houston, Dallas, and Austin.",
            ["Texas", "Houston", "Dallas", "Austin"],
        ),
        (
            "therapy for women across Texas, including Houston, Dallas, and beyond",
            ["Texas", "Houston", "Dallas"],
        ),
        ("therapy in Houston, Dallas, and Austin", ["Houston", "Dallas", "Austin"]),
        ("Serving Lake Oswego, West Linn and Tigard", ["Lake Oswego", "West Linn", "Tigard"]),
        (
            "We see clients from Austin, TX, Waco, TX and Tyler, TX",
            ["Austin, TX", "Waco, TX", "Tyler, TX"],
        ),
        ("Orange County, Marin County and Napa", ["Orange County", "Marin County", "Napa"]),
        ("Written in Python, Rust, and Go.", []),
        ("Anna, Ben and Carla at the lake", []),
        ("Monday, Tuesday and Friday", []),
        ("12 challenges covering Windows PE, Linux ELF, Android apk", []),
        ("tools including NoScript, Ghostery, and Privacy Badger", []),
        ("Portland and Bend", []),
    ],
)
def test_find_place_list(text: str, places: list[str]) -> None:
    assert find_place_list(text) == places


def test_configured_locations_are_evidence() -> None:
    text = "Sessions for Riverton, Lander and Dubois families"
    assert find_place_list(text) == []
    assert find_place_list(text, ["Lander"]) == ["Riverton", "Lander", "Dubois"]
    assert find_place_list(text, ["Lander"], min_items=4) == []


def test_count_terms_whole_words_and_longest_first() -> None:
    text = "Anxiety counseling, anxiety counselor, online anxiety  counseling; Portland."
    assert count_terms(text, ["anxiety counseling", "counseling", "Portland", "Bend"]) == {
        "anxiety counseling": 2,
        "Portland": 1,
    }


def test_repeated_phrases_content_words_only() -> None:
    assert repeated_phrases("the cat and the cat") == []
    assert repeated_phrases("chocolate cake with chocolate cake icing") == [("chocolate cake", 2)]


def test_stuffing_reasons_name_what_was_stuffed() -> None:
    assert stuffing_reasons(DEMO_ALT) == [
        "a list of 5 places (Oregon, Portland, Salem, Eugene, Bend)",
        'the phrase "anxiety counseling" twice',
    ]
    configured = stuffing_reasons(
        DEMO_ALT, ["anxiety counseling"], ["Portland", "Salem", "Eugene", "Bend"]
    )
    assert configured[1].startswith("6 mentions of target keywords and locations (")
    assert configured[2] == 'the keyword "anxiety counseling" twice'
    assert stuffing_reasons("A mug of tea beside a paperback on a bedside table") == []


def test_generic_repeats_only_count_in_short_texts() -> None:
    filler = " ".join(f"filler{i}" for i in range(70))
    long = f"the main function {filler} the main function"
    assert stuffing_reasons(long) == []
    assert stuffing_reasons(long, max_repeat_words=100) == ['the phrase "main function" twice']
