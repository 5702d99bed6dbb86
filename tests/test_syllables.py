"""The offline CMU dictionary handed to textstat."""

from __future__ import annotations

from postaudit.measure.syllables import cmu_dictionary, load_seconds, textstat_module


def test_dictionary_has_nltks_shape_and_first_pronunciations() -> None:
    cmu = cmu_dictionary()
    assert len(cmu) > 100_000
    assert cmu["anxiety"] == [["AE0", "NG", "Z", "AY1", "AH0", "T", "IY0"]]
    assert "anxiety" in cmu and "zzzxq" not in cmu
    assert cmu.syllables("counseling") == 3 and cmu.syllables("zzzxq") is None
    assert all(k == k.lower() and "(" not in k for k in list(cmu)[:5000])
    seconds = load_seconds()
    assert seconds is not None and seconds < 5


def test_textstat_counts_with_the_packaged_dictionary() -> None:
    textstat = textstat_module()
    from textstat.backend.counts import _count_syllables

    assert _count_syllables.get_cmudict("en_US") is cmu_dictionary()
    assert _count_syllables.get_cmudict("de") is None
    textstat.set_lang("en_US")
    assert textstat.syllable_count("anxiety counseling") == 7
