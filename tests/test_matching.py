"""The keyphrase and place matcher: what an editor means by "the page uses the phrase"."""

from __future__ import annotations

import pytest

from postaudit.measure.matching import keyphrase, parse_keyphrases, place, same_word, tokens


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("We offer therapy for women in the city.", 1),
        ("Women often find that therapy helps.", 1),  # any order, function words ignored
        ("Therapy for a woman who is tired.", 1),  # singular of "women"
        ("The women's therapy group meets on Mondays.", 1),  # possessive
        ("The women’s therapy group meets on Mondays.", 1),  # typographic apostrophe
        ("THERAPY FOR WOMEN", 1),  # case
        ("Therapies for women are many.", 1),  # plural of "therapy"
        ("It is for women. Therapy comes later.", 0),  # split across two sentences
        ("Retherapy is not a word, and womenfolk is another word.", 0),  # word boundaries
        ("Therapy. Women.", 0),
        ("Therapy for women, therapy for women.", 2),
        ("Women in therapy talk to other women.", 1),  # one "therapy": one occurrence
    ],
)
def test_smart_matching(text: str, count: int) -> None:
    assert keyphrase("therapy for women").count(text) == count


def test_a_line_break_ends_a_sentence() -> None:
    k = keyphrase("anxiety counseling")
    assert k.count("Anxiety at night\nCounseling helps") == 0
    assert k.count("Anxiety at night and counseling help") == 1


def test_possessive_plural_on_the_phrase_side() -> None:
    k = keyphrase("women's therapy")
    assert k.count("Therapy for women works.") == 1
    assert k.count("A woman’s therapy is her own.") == 1


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("We offer therapy for women.", 1),
        ("We offer Therapy For Women and therapy for women.", 2),
        ("Women find therapy helps.", 0),  # order matters
        ("Therapy for a woman.", 0),  # no word forms
        ("Therapy for women’s groups.", 0),  # "women's" is another word in exact mode
    ],
)
def test_exact_matching_with_double_quotes(text: str, count: int) -> None:
    assert keyphrase('"therapy for women"').count(text) == count
    assert keyphrase("“therapy for women”").count(text) == count  # typographic quotes too
    assert keyphrase('"therapy for women"').mode == "exact"


def test_synonyms_count_a_sentence_once() -> None:
    k = keyphrase("therapy for women|women's therapy")
    assert k.count("Women’s therapy helps women.") == 1  # both alternatives, one count
    assert k.count("Women's therapy. Therapy for women.") == 2
    assert k.count("Counseling for men.") == 0
    assert [f.text for f in k.forms] == ["therapy for women", "women's therapy"]


def test_a_phrase_of_function_words_keeps_all_its_words() -> None:
    k = keyphrase("near me")
    assert k.count("Find a therapist near me.") == 1
    assert k.count("Near the lake.") == 0


def test_places_match_their_words_in_order_with_possessive() -> None:
    p = place("San Antonio")
    assert p.count("Clients in San Antonio's north side.") == 1
    assert p.count("Antonio lives in San Diego.") == 0
    assert place("Portland").count("Portland’s parks") == 1
    assert place("Portland").count("Portlands") == 0
    assert place("NYC|New York City").count("We moved to New York City. NYC is loud.") == 2


def test_word_share_for_subheadings_and_slugs() -> None:
    k = keyphrase("anxiety counseling")
    assert k.word_share("Why anxiety gets louder") == 0.5
    assert k.word_share("anxiety-counseling-for-adults".replace("-", " ")) == 1.0
    assert keyphrase('"anxiety counseling"').word_share("counseling for anxiety") == 0.0


def test_other_languages_keep_word_forms() -> None:
    k = keyphrase("terapia para mulheres", "pt-BR")
    assert k.count("Mulheres procuram terapia para dormir.") == 1  # any order
    assert k.count("Mulheres procuram terapia.") == 0  # every word: no function-word list
    assert k.count("Terapias para mulheres.") == 0  # no English plural folding


def test_scripts_without_spaces_match_substrings() -> None:
    k = keyphrase("心理咨询", "zh-CN")
    assert k.count("我们提供在线心理咨询服务。") == 1


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("dog", "dogs", True),
        ("church", "churches", True),
        ("headache", "headaches", True),
        ("therapy", "therapies", True),
        ("life", "lives", True),
        ("leaf", "leaves", True),
        ("woman", "women", True),
        ("class", "classes", True),
        ("bus", "bu", False),
        ("is", "i", False),
        ("art", "start", False),
        ("stress", "stres", False),
    ],
)
def test_same_word(a: str, b: str, same: bool) -> None:
    assert same_word(a, b) is same


def test_tokens_normalise_case_and_apostrophes() -> None:
    assert tokens("Don’t stop: WOMEN’S wake-up call") == [
        "don't",
        "stop",
        "women's",
        "wake",
        "up",
        "call",
    ]


def test_parse_keyphrases_drops_empty_and_duplicate_specs() -> None:
    found = parse_keyphrases(["anxiety", " ", "Anxiety", "sleep|rest"])
    assert [p.spec for p in found] == ["anxiety", "sleep|rest"]
