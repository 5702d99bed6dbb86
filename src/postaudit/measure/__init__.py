"""Measure: pure figures over a `Page`'s text. Prose and sentences, readability formulas,
syllables, phrase matching, keyword coverage, stuffing, word counts, title width, language.
"""
