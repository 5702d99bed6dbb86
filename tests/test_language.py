"""The prose language detector (`postaudit.measure.language`), M614 html-lang-mismatch, and
readability not scoring prose that is clearly in another language."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import hits, make_page
from paths import CORPUS, FIXTURES
from postaudit.measure.language import MIN_WORDS, detect, mismatch
from postaudit.measure.prose import article_prose
from postaudit.measure.textstats import measure
from postaudit.rules import readability

FRENCH = FIXTURES / "rules" / "M614-html-lang-mismatch.html"
QUOTE = FIXTURES / "rules" / "M614-html-lang-mismatch-quote.html"
#: The corpus pages whose theme declares lang="en" on French posts (judged false R301s).
FRENCH_AS_ENGLISH = {
    "hugo-gokarna_scorpiosec_htb-administrator.html",
    "hugo-gokarna_scorpiosec_htb-analytics.html",
    "hugo-gokarna_scorpiosec_htb-boardlight.html",
}


def _prose(path: Path) -> str:
    return article_prose(make_page(path.read_text(encoding="utf-8")).blocks).text


def _corpus_pages() -> list[Path]:
    return sorted(CORPUS.glob("*.html"))


def test_detects_french_and_english_prose() -> None:
    french = detect(_prose(FRENCH))
    assert french is not None and french.lang == "fr" and french.runner_up != "fr"
    english = detect(_prose(QUOTE))  # English with a French quote
    assert english is not None and english.lang == "en"


def test_too_few_words_or_another_script_is_not_judged() -> None:
    words = ("le chat dort sur la table et nous le regardons " * 30).split()
    assert detect(" ".join(words[: MIN_WORDS - 1])) is None
    found = detect(" ".join(words[:MIN_WORDS]))
    assert found is not None and found.lang == "fr" and found.words == MIN_WORDS
    # Chinese prose with English terms: mostly another script, never judged
    mixed = " ".join(["我们使用这个", "the", "server", "和", "config", "文件", "是", "of"] * 60)
    assert detect(mixed) is None


def test_mismatch_needs_a_declared_language_with_a_profile() -> None:
    text = _prose(FRENCH)
    assert mismatch(text, "en") is not None
    assert mismatch(text, "fr") is None
    assert mismatch(text, "zh") is None and mismatch(text, None) is None


@pytest.mark.parametrize("path", _corpus_pages(), ids=lambda p: p.stem)
def test_corpus_mismatch_only_on_the_french_pages_declared_english(path: Path) -> None:
    html = path.read_text(encoding="utf-8")
    found = hits("M614", html, url=path.resolve().as_uri())
    if path.name in FRENCH_AS_ENGLISH:
        (hit,) = found
        assert hit.message.startswith("the page declares lang='en' but the article reads as French")
    else:
        assert found == [], [h.message for h in found]


def test_rule_message_names_the_language_and_its_share() -> None:
    (hit,) = hits("M614", FRENCH.read_text(encoding="utf-8"))
    assert hit.message.startswith("the page declares lang='en' but the article reads as French (")
    assert hit.message.endswith("French function words)")


def test_readability_does_not_score_prose_in_another_language() -> None:
    path = CORPUS / "hugo-gokarna_scorpiosec_htb-administrator.html"
    html = path.read_text(encoding="utf-8")
    page = make_page(html, path.resolve().as_uri())
    m = measure(page.blocks, None, page.lang)
    assert m.foreign is not None and m.foreign.lang == "fr" and not m.scored
    low = {"min_score": 101, "very_difficult": -100}  # would fire on any scored text
    assert hits("R301", html, options=low) == []
    assert hits("R302", html, options={"min_score": 101}) == []
    assert hits("R303", html, options={"max_grade": 1}) == []
    facts = readability.facts(page, {"lang": None})["readability"]
    assert facts["prose_lang"] == "fr" and facts["flesch_reading_ease"] is None
    assert facts["passive_voice"] is None
    assert facts["not_scored"].startswith(
        "readability is not scored: the prose reads as French ("
    ) and facts["not_scored"].endswith("not 'en' as declared")
    # word counts are not language-bound: R304/R305/R308 still apply
    assert readability.long_sentences.applies(page, dict(readability.long_sentences.defaults))
    # --lang is the user's word: it is not second-guessed
    forced = measure(page.blocks, "en", page.lang)
    assert forced.foreign is None and forced.scored
    assert hits("R301", html, options={**low, "lang": "en"}) != []


def test_capitals_and_accents_do_not_change_the_count() -> None:
    """Words count in any case, and the same ASCII prose counts the same with one accented
    word added to it (the ASCII text and every other text are read by two paths)."""
    prose = _prose(QUOTE).encode("ascii", "ignore").decode()
    plain = detect(prose)
    assert plain is not None and plain.lang == "en"
    shouted = detect(prose.upper())
    assert shouted is not None and (shouted.lang, shouted.words, shouted.share) == (
        "en",
        plain.words,
        plain.share,
    )
    accented = detect(prose + " café")
    assert accented is not None and accented.words == plain.words + 1
    assert accented.share == pytest.approx(plain.share * plain.words / (plain.words + 1))
