"""The page's declared language (`M`, metadata): `<html lang>` is present (M606), a valid
tag (M607) and the language the article is written in (M614). `metadata.RULES` lists
them in catalogue order."""

from __future__ import annotations

import re
from collections.abc import Iterator

from postaudit.measure import language
from postaudit.measure.prose import article_prose
from postaudit.model import Category, Hit, Severity
from postaudit.parse.page import Page
from postaudit.rules.base import Options, rule

#: ISO 639-1 language codes (the two-letter primary subtags a `lang` may start with).
ISO_639_1 = frozenset(
    [
        "aa",
        "ab",
        "ae",
        "af",
        "ak",
        "am",
        "an",
        "ar",
        "as",
        "av",
        "ay",
        "az",
        "ba",
        "be",
        "bg",
        "bh",
        "bi",
        "bm",
        "bn",
        "bo",
        "br",
        "bs",
        "ca",
        "ce",
        "ch",
        "co",
        "cr",
        "cs",
        "cu",
        "cv",
        "cy",
        "da",
        "de",
        "dv",
        "dz",
        "ee",
        "el",
        "en",
        "eo",
        "es",
        "et",
        "eu",
        "fa",
        "ff",
        "fi",
        "fj",
        "fo",
        "fr",
        "fy",
        "ga",
        "gd",
        "gl",
        "gn",
        "gu",
        "gv",
        "ha",
        "he",
        "hi",
        "ho",
        "hr",
        "ht",
        "hu",
        "hy",
        "hz",
        "ia",
        "id",
        "ie",
        "ig",
        "ii",
        "ik",
        "io",
        "is",
        "it",
        "iu",
        "ja",
        "jv",
        "ka",
        "kg",
        "ki",
        "kj",
        "kk",
        "kl",
        "km",
        "kn",
        "ko",
        "kr",
        "ks",
        "ku",
        "kv",
        "kw",
        "ky",
        "la",
        "lb",
        "lg",
        "li",
        "ln",
        "lo",
        "lt",
        "lu",
        "lv",
        "mg",
        "mh",
        "mi",
        "mk",
        "ml",
        "mn",
        "mr",
        "ms",
        "mt",
        "my",
        "na",
        "nb",
        "nd",
        "ne",
        "ng",
        "nl",
        "nn",
        "no",
        "nr",
        "nv",
        "ny",
        "oc",
        "oj",
        "om",
        "or",
        "os",
        "pa",
        "pi",
        "pl",
        "ps",
        "pt",
        "qu",
        "rm",
        "rn",
        "ro",
        "ru",
        "rw",
        "sa",
        "sc",
        "sd",
        "se",
        "sg",
        "si",
        "sk",
        "sl",
        "sm",
        "sn",
        "so",
        "sq",
        "sr",
        "ss",
        "st",
        "su",
        "sv",
        "sw",
        "ta",
        "te",
        "tg",
        "th",
        "ti",
        "tk",
        "tl",
        "tn",
        "to",
        "tr",
        "ts",
        "tt",
        "tw",
        "ty",
        "ug",
        "uk",
        "ur",
        "uz",
        "ve",
        "vi",
        "vo",
        "wa",
        "wo",
        "xh",
        "yi",
        "yo",
        "za",
        "zh",
        "zu",
    ]
)
_LANG_SHAPE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")


@rule(
    code="M606",
    name="html-lang-missing",
    category=Category.METADATA,
    title="The page declares its language",
    fix='add the language to the html element, e.g. <html lang="en">',
    severity=Severity.ERROR,
    weight=2,
)
def html_lang_missing(page: Page, options: Options) -> Iterator[Hit]:
    """`<html>` has a non-empty `lang` attribute (axe-core `html-has-lang`).

    Screen readers pick their pronunciation from it, and readability formulas need it.

    Fails: <html> ; <html lang="">
    Passes: <html lang="en-US">
    """
    if not page.lang:
        yield Hit("the <html> element has no lang attribute", page.locate("html"))


@rule(
    code="M607",
    name="html-lang-valid",
    category=Category.METADATA,
    title="The page language is a valid language tag",
    fix='use a BCP 47 tag whose first part is an ISO 639 code, e.g. "en", "en-GB", "pt-BR"',
    severity=Severity.ERROR,
    applies=lambda page, options: bool(page.lang),
)
def html_lang_valid(page: Page, options: Options) -> Iterator[Hit]:
    """The `lang` value is a well-formed tag with a known primary language (axe-core
    `html-lang-valid`). Two-letter codes are checked against ISO 639-1; three-letter
    codes are accepted when well formed.

    Fails: <html lang="english"> ; <html lang="xx-YY"> ; <html lang="en_US">
    Passes: <html lang="en"> ; <html lang="zh-Hant-TW">
    """
    lang = page.lang or ""
    primary = lang.split("-", 1)[0].lower()
    if not _LANG_SHAPE.match(lang) or (len(primary) == 2 and primary not in ISO_639_1):
        yield Hit(f"lang={lang!r} is not a valid language tag", page.locate("html"))


def _lang_root(page: Page) -> str | None:
    lang = (page.lang or "").strip().replace("_", "-")
    return lang.split("-", 1)[0].lower() or None


@rule(
    code="M614",
    name="html-lang-mismatch",
    category=Category.METADATA,
    title="The page language matches the language of the article",
    fix='declare the language the article is written in, e.g. <html lang="fr">',
    severity=Severity.WARNING,
    weight=2,
    applies=lambda page, options: _lang_root(page) in language.PROFILES,
)
def html_lang_mismatch(page: Page, options: Options) -> Iterator[Hit]:
    """The article's prose is in the language `<html lang>` declares (WCAG 3.1.1
    Language of Page: the language must be determined correctly, not just present).

    A theme's default `lang="en"` on a French blog makes screen readers read French
    with English pronunciation, and search engines and readability formulas take the
    page for English. The measured prose (no code, navigation or captions)
    is matched against function-word profiles of English, French, German, Spanish,
    Italian, Dutch and Portuguese; the rule judges only with
    150+ words and a clear margin (the winning language's function words at least 12%
    of the words and three times the declared language's share), and only when the
    declared language has a profile: a Chinese or Korean page, or a page mostly in
    another script, is never judged. Quotes or a passage in another language are
    fine (WCAG 3.1.2 marks them with their own `lang`); this is about the article as
    a whole. A warning, not an error: the detector is statistical.

    Fails: <html lang="en"> on a 300-word article in French
    Passes: <html lang="fr"> on it ; <html lang="en"> on an English article quoting a French line
    """
    declared = _lang_root(page)
    found = language.mismatch(article_prose(page.blocks).text, declared)
    if found is not None:
        yield Hit(
            f"the page declares lang={page.lang!r} but the article reads as {found.name} "
            f"({found.share:.0%} of its {found.words} words are {found.name} function words)",
            page.locate("html"),
            key=found.lang,
        )
