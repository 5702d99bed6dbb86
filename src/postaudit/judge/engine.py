"""Run the enabled rules on a page: stamp ids and severities, apply ignores, score.

Pure and synchronous: a `Page` and the configured rules in, a `PageResult` out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from postaudit.config import RuleSettings
from postaudit.judge.scoring import category_scores, page_score
from postaudit.model import (
    SEVERITY_ORDER,
    Category,
    Finding,
    Hit,
    Location,
    PageResult,
    RuleOutcome,
    Severity,
    number_occurrences,
)
from postaudit.parse.page import Page
from postaudit.rules.base import Rule

#: The rules judged on a redirect page (`Page.redirect_to`: a meta refresh and next to
#: no text): it is not an article, so only the redirect itself is reported.
ON_REDIRECT_PAGES = frozenset({"M615"})


def stamp(url: str, settings: RuleSettings, hit: Hit) -> Finding:
    r = settings.rule
    return Finding(
        url=url,
        code=r.code,
        name=r.name,
        category=r.category,
        severity=settings.severity,
        message=hit.message,
        location=hit.location.plain(),
        fix=hit.fix or r.fix,
        key=hit.key,
    )


def run_rule(page: Page, settings: RuleSettings) -> RuleOutcome:
    r = settings.rule
    if not r.applies(page, settings.options):
        return RuleOutcome(r.code, r.category, r.weight, None, ())
    hits = list(r.check(page, settings.options))
    kept = [h for h in hits if not suppresses(h.location.suppressed, r)]
    score = rule_score(hits) if len(kept) == len(hits) else suppressed_score(hits, kept)
    findings = tuple(stamp(page.url, settings, h) for h in kept)
    return RuleOutcome(r.code, r.category, r.weight, score, findings)


def suppresses(selectors: frozenset[str], rule: Rule) -> bool:
    """True when author-written ignore selectors (`data-postaudit-ignore`, the
    `postaudit` meta tag) name `rule`: "*" (all), a code, a code prefix or a name."""
    if not selectors:
        return False
    if "*" in selectors:
        return True
    return any(rule.code.startswith(s.upper()) or rule.name == s.lower() for s in selectors)


def suppressed_score(hits: Sequence[Hit], kept: Sequence[Hit]) -> float:
    """The rule's score when some hits were suppressed by the author: they count as
    passing elements. A per-element rule gives every hit the page's pass fraction p
    (b failing of n = b / (1 - p) elements); s suppressed -> p + s * (1 - p) / b.
    Anything else (binary rules, mixed scores) scores what is left."""
    if not kept:
        return 1.0
    scores = {h.score for h in hits}
    if len(scores) == 1:
        (p,) = scores
        if p is not None and 0.0 <= p < 1.0:
            s = len(hits) - len(kept)
            return min(1.0, p + s * (1.0 - p) / len(hits))
    return rule_score(kept)


def rule_score(hits: Sequence[Hit]) -> float:
    """1.0 with no hits; else the lowest partial score a hit carries (0 when none does)."""
    if not hits:
        return 1.0
    return max(0.0, min(1.0, min(h.score if h.score is not None else 0.0 for h in hits)))


def family_facts(
    page: Page, ruleset: Sequence[RuleSettings], context: Mapping[str, Any]
) -> dict[str, Any]:
    """Facts from each rule family that has an enabled rule, in registry order.

    `context` holds the run context (keywords, locations, lang) and `findings`: the
    page's findings as configured (options, severities, ignores applied), so a fact
    table marks exactly what the report lists without running a rule twice."""
    from postaudit.rules import FAMILIES

    enabled = {s.rule.category for s in ruleset}
    out: dict[str, Any] = {}
    for category, module in FAMILIES.items():
        builder = getattr(module, "facts", None)
        if category in enabled and builder is not None:
            out.update(builder(page, context))
    return out


def audit_page(
    page: Page,
    ruleset: Sequence[RuleSettings],
    *,
    ignored: Iterable[str] = (),
    facts: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
) -> PageResult:
    """Audit one parsed page. `ignored` holds codes switched off for this URL; rules
    the page switches off itself (`<meta name="postaudit" content="ignore: ...">`) are
    skipped too. `context` (keywords, locations, lang) goes to the family fact builders."""
    skip = set(ignored)
    page_ignored = page.ignored
    redirect = page.redirect_to
    outcomes = [
        run_rule(page, s)
        for s in ruleset
        if s.rule.code not in skip
        and s.rule.category is not Category.FETCH
        and not suppresses(page_ignored, s.rule)
        and (redirect is None or s.rule.code in ON_REDIRECT_PAGES)
    ]
    if redirect is not None:  # no article to score: the redirect is reported, not graded
        outcomes = [replace(o, score=None) for o in outcomes]
    categories = category_scores(outcomes)
    findings = number_occurrences(
        sorted((f for o in outcomes for f in o.findings), key=finding_order)
    )
    all_facts: dict[str, Any] = {
        "scope": {
            "preset": page.scope_preset,
            "selector": page.scope_selector,
            "words": page.word_count,
        },
        "title": page.title,
        "lang": page.lang,
    }
    if redirect is not None:
        all_facts["redirect"] = {"to": redirect, "audited": False}
    all_facts.update(page.facts)
    if redirect is None:  # a redirect has no images, outline or prose to describe
        all_facts.update(family_facts(page, ruleset, {**(context or {}), "findings": findings}))
    all_facts.update(facts or {})
    return PageResult(
        url=page.url,
        final_url=page.final_url,
        status=page.status,
        score=page_score(categories),
        categories=categories,
        findings=findings,
        facts=all_facts,
    )


def failed_page(
    url: str,
    rule: Rule,
    message: str,
    *,
    final_url: str | None = None,
    status: int | None = None,
    severity: Severity | None = None,
    facts: Mapping[str, Any] | None = None,
) -> PageResult:
    """A page that could not be audited: one `X` finding and no scores."""
    finding = Finding(
        url=url,
        code=rule.code,
        name=rule.name,
        category=rule.category,
        severity=severity or rule.severity,
        message=message,
        location=Location(),
        fix=rule.fix,
        key=rule.code,
    )
    return PageResult(
        url=url,
        final_url=final_url,
        status=status,
        score=None,
        categories={},
        findings=(finding,),
        facts=dict(facts or {}),
        error=message,
    )


def finding_order(f: Finding) -> tuple[Any, ...]:
    """Deterministic order: category, severity (worst first), code, line, selector, message."""
    return (
        str(f.category),
        SEVERITY_ORDER.index(f.severity),
        f.code,
        f.location.line or 0,
        f.location.selector or "",
        f.message,
    )
