"""The rule registry: an explicit tuple, and selection by code, prefix or slug."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType

from postaudit.model import Category
from postaudit.rules import (
    accessibility,
    alt_text,
    appearance,
    fetch_errors,
    headings,
    image_layout,
    keywords,
    links,
    metadata,
    readability,
    structured_data,
)
from postaudit.rules.base import Rule, rule

#: Every rule, in catalogue order. Each family module lists its rules in `RULES`.
ALL_RULES: tuple[Rule, ...] = (
    *alt_text.RULES,  # A1xx
    *keywords.RULES,  # K2xx
    *readability.RULES,  # R3xx
    *headings.RULES,  # H4xx
    *links.RULES,  # L5xx
    *metadata.RULES,  # M6xx
    *accessibility.RULES,  # M616: the viewport lets readers zoom (WCAG 1.4.4)
    *appearance.RULES,  # S70x share cards
    *structured_data.RULES,  # S71x JSON-LD
    *image_layout.RULES,  # S73x image layout
    *fetch_errors.RULES,  # X0xx
)

#: The module of each rule family. A family module may define
#: `facts(page, context) -> dict` for the figures the report shows (image table,
#: heading outline, coverage, readability); the engine calls it when any of the
#: family's rules is enabled.
FAMILIES: dict[Category, ModuleType] = {
    Category.ALT_TEXT: alt_text,
    Category.KEYWORDS: keywords,
    Category.READABILITY: readability,
    Category.HEADINGS: headings,
    Category.LINKS: links,
    Category.METADATA: metadata,
    Category.APPEARANCE: appearance,
}

BY_CODE: dict[str, Rule] = {r.code: r for r in ALL_RULES}
BY_NAME: dict[str, Rule] = {r.name: r for r in ALL_RULES}


@dataclass(frozen=True, slots=True)
class RetiredRule:
    """A code that no longer names a rule. Codes are never reused: a retired code stays
    here, so old configs that select or ignore it keep working (it matches nothing) and
    `postaudit rules CODE` says where its job went."""

    code: str
    name: str
    reason: str


#: Retired codes, in catalogue order.
RETIRED: tuple[RetiredRule, ...] = (
    RetiredRule(
        "R306",
        "passive-voice",
        'a pattern detector cannot tell a passive from an adjectival participle ("is '
        'untrusted", "were concerned") without a parser, and a passive share is a style '
        "preference: on the 41 real pages none of its 7 findings was judged right; the "
        "share stays in the readability facts (`passive_voice`)",
    ),
    RetiredRule(
        "R309",
        "readability-language-unsupported",
        "a language the readability formulas cannot measure is a note about the tool, not "
        "a problem of the page: the report now says so in the readability facts "
        "(`not_scored`), and the readability rules do not apply",
    ),
    RetiredRule(
        "H408",
        "headings-after-article",
        "theme headings (before, inside or after the article) are a fact of the heading "
        "outline, shown as not counted, never a finding; the heading rules judge the "
        "article's outline",
    ),
    RetiredRule(
        "L505",
        "pagination-missing",
        "a post without previous/next links is a theme's choice, not a defect of the page: "
        "on the 41 real posts none of its 13 findings was judged right (two were themes "
        "the detector missed). What the links a theme shows must do is still judged: "
        "L501-L506 on each page, L520-L523 across a site",
    ),
    RetiredRule(
        "L514",
        "link-blank-noopener",
        'since 2021 browsers treat target="_blank" as rel="noopener" (HTML spec change; '
        "Lighthouse dropped its audit), so a new-tab link without it opens no hole; an "
        'explicit rel="opener" is the author\'s deliberate choice, not a finding',
    ),
)
RETIRED_BY_CODE: dict[str, RetiredRule] = {r.code: r for r in RETIRED}
RETIRED_BY_NAME: dict[str, RetiredRule] = {r.name: r for r in RETIRED}


class UnknownRuleError(ValueError):
    pass


def retired(code_or_name: str) -> RetiredRule | None:
    """The retired rule a code (case-insensitive) or slug names, if any."""
    key = code_or_name.strip()
    return RETIRED_BY_CODE.get(key.upper()) or RETIRED_BY_NAME.get(key.lower())


def get(code_or_name: str) -> Rule:
    """One rule by code (case-insensitive) or slug."""
    key = code_or_name.strip()
    found = BY_CODE.get(key.upper()) or BY_NAME.get(key.lower())
    gone = retired(key)
    if found is None and gone is not None:
        raise UnknownRuleError(f"rule {gone.code} ({gone.name}) was retired: {gone.reason}")
    if found is None:
        raise UnknownRuleError(f"unknown rule {code_or_name!r} (see `postaudit rules`)")
    return found


def matching(selector: str) -> list[Rule]:
    """Rules matched by a code ("A104"), a prefix ("A", "A1") or a slug ("alt-too-long").
    A retired code or slug matches no rule (and is no error)."""
    key = selector.strip()
    if not key or retired(key) is not None:
        return []
    if key.lower() in BY_NAME:
        return [BY_NAME[key.lower()]]
    hits = [r for r in ALL_RULES if r.code.startswith(key.upper())]
    if not hits:
        raise UnknownRuleError(
            f"{selector!r} matches no rule code, prefix or name (see `postaudit rules`)"
        )
    return hits


def select(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> tuple[Rule, ...]:
    """The enabled rules: all (or those `select`ed) minus those ignored, in registry order."""
    select = list(select)
    chosen = (
        {r.code for s in select for r in matching(s)} if select else {r.code for r in ALL_RULES}
    )
    dropped = {r.code for s in ignore for r in matching(s)}
    return tuple(r for r in ALL_RULES if r.code in chosen and r.code not in dropped)


__all__ = [
    "ALL_RULES",
    "BY_CODE",
    "BY_NAME",
    "RETIRED",
    "RetiredRule",
    "Rule",
    "UnknownRuleError",
    "get",
    "matching",
    "retired",
    "rule",
    "select",
]
