"""The rule type and the `@rule` decorator: metadata beside a pure check function.

A check reads a `Page` and its options and yields `Hit`s. It knows neither its
severity nor how it is selected; the engine stamps those. The function's docstring is
the rule's documentation (summary, why, `Fails:`/`Passes:`, options) and is what
`postaudit rules CODE` prints.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from postaudit.model import Category, Finding, Hit, Location, Severity
from postaudit.parse.page import Page

Options = Mapping[str, Any]
Check = Callable[[Page, Options], Iterable[Hit]]
Applies = Callable[[Page, Options], bool]


def findings_by_location(
    findings: Iterable[Finding], category: Category
) -> dict[Location, set[str]]:
    """The codes of a category's findings, by location (for fact tables)."""
    out: dict[Location, set[str]] = {}
    for f in findings:
        if f.category is category:
            out.setdefault(f.location, set()).add(f.code)
    return out


def always(page: Page, options: Options) -> bool:
    return True


def site_level(page: Page, options: Options) -> bool:
    """`applies` of a site-level rule (`needs=("site",)`): it is judged after a batch,
    from every audited page's compact facts (`postaudit.judge.site`), so on a single
    page it does not apply."""
    return False


@dataclass(frozen=True, slots=True)
class Rule:
    code: str  # stable, never reused: "A101"
    name: str  # kebab-case slug: "img-alt-missing"
    category: Category
    title: str  # passing form: "Images have alt text"
    fix: str  # one-line fix hint shown with every finding
    check: Check
    severity: Severity = Severity.WARNING
    weight: float = 1.0
    defaults: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    applies: Applies = always  # False -> not applicable (left out of the score)
    needs: frozenset[str] = frozenset()  # extra artifacts, e.g. {"link_status"}

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.check) or ""

    def __call__(self, page: Page, options: Options | None = None) -> list[Hit]:
        """Run the check with the defaults merged under `options` (a test convenience)."""
        merged = {**self.defaults, **(options or {})}
        return list(self.check(page, merged))


def rule(
    *,
    code: str,
    name: str,
    category: Category,
    title: str,
    fix: str,
    severity: Severity = Severity.WARNING,
    weight: float = 1.0,
    defaults: Mapping[str, Any] | None = None,
    applies: Applies = always,
    needs: Iterable[str] = (),
) -> Callable[[Check], Rule]:
    """Wrap a check function into a `Rule`. Registers nothing: see `rules.ALL_RULES`."""

    def wrap(fn: Check) -> Rule:
        return Rule(
            code=code,
            name=name,
            category=category,
            title=title,
            fix=fix,
            check=fn,
            severity=severity,
            weight=weight,
            defaults=MappingProxyType(dict(defaults or {})),
            applies=applies,
            needs=frozenset(needs),
        )

    return wrap
