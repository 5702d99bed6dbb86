"""The rule registry: an explicit tuple, and selection by code, prefix or slug."""

from __future__ import annotations

from collections.abc import Iterable

from postaudit.rules import fetch_errors, metadata
from postaudit.rules.base import Rule, rule

ALL_RULES: tuple[Rule, ...] = (
    # M: metadata
    metadata.title_missing,
    metadata.title_length,
    metadata.title_single,
    metadata.meta_description_missing,
    metadata.meta_description_length,
    metadata.html_lang_missing,
    metadata.html_lang_valid,
    metadata.canonical_missing,
    metadata.canonical_invalid,
    metadata.noindex,
    metadata.viewport_missing,
    # X: fetch and tool errors (raised by the runner)
    fetch_errors.page_unreachable,
    fetch_errors.http_error,
    fetch_errors.not_html,
    fetch_errors.page_too_large,
    fetch_errors.audit_failed,
)

BY_CODE: dict[str, Rule] = {r.code: r for r in ALL_RULES}
BY_NAME: dict[str, Rule] = {r.name: r for r in ALL_RULES}


class UnknownRuleError(ValueError):
    pass


def get(code_or_name: str) -> Rule:
    """One rule by code (case-insensitive) or slug."""
    key = code_or_name.strip()
    found = BY_CODE.get(key.upper()) or BY_NAME.get(key.lower())
    if found is None:
        raise UnknownRuleError(f"unknown rule {code_or_name!r} (see `postaudit rules`)")
    return found


def matching(selector: str) -> list[Rule]:
    """Rules matched by a code ("A104"), a prefix ("A", "A1") or a slug ("alt-too-long")."""
    key = selector.strip()
    if not key:
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
    "Rule",
    "UnknownRuleError",
    "get",
    "matching",
    "rule",
    "select",
]
