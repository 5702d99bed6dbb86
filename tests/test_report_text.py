"""Tests for the rich terminal report (postaudit.report.text), on hand-built results."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from typing import Any

import pytest
from rich.console import Console
from rich.text import Text

from postaudit.model import (
    SCORED_CATEGORIES,
    Category,
    Finding,
    Location,
    PageResult,
    Report,
    Severity,
)
from postaudit.report.terminal import literal, safe
from postaudit.report.text import FACT_RENDERERS, location_text, render_text, score_bar, score_style

URL = "https://example.com/blog/2024/05/how-to-write-alt-text-that-actually-helps-readers"
TITLE = "How to write alt text that actually helps readers"
SCOPE = {"preset": "squarespace", "selector": ".blog-item-content", "words": 1234}

# --------------------------------------------------------------------------- builders


def finding(
    code: str = "A101",
    category: Category = Category.ALT_TEXT,
    severity: Severity = Severity.ERROR,
    message: str = "Image has no alt attribute",
    *,
    selector: str | None = "img.hero",
    line: int | None = 42,
    excerpt: str | None = '<img class="hero" src="/hero.jpg">',
    fix: str = "add alt text describing what the image shows",
    url: str = URL,
) -> Finding:
    return Finding(
        url=url,
        code=code,
        name="some-rule",
        category=category,
        severity=severity,
        message=message,
        location=Location(selector=selector, line=line, excerpt=excerpt),
        fix=fix,
    )


THREE = (
    finding(),
    finding(
        "M103",
        Category.METADATA,
        Severity.WARNING,
        "Meta description is 212 characters; keep it under 160",
        selector='meta[name="description"]',
        line=7,
        excerpt=None,
        fix="shorten the description to 120-160 characters",
    ),
    finding(
        "R201",
        Category.READABILITY,
        Severity.INFO,
        "Flesch reading ease is 48 (fairly difficult)",
        selector=None,
        line=None,
        excerpt=None,
        fix="use shorter sentences and more common words",
    ),
)


def page(
    *,
    url: str = URL,
    title: str | None = TITLE,
    score: int | None = 72,
    findings: tuple[Finding, ...] = THREE,
    categories: dict[Category, int | None] | None = None,
    error: str | None = None,
    status: int | None = 200,
    facts: dict[str, Any] | None = None,
) -> PageResult:
    if categories is None:
        categories = {
            Category.ALT_TEXT: 50,
            Category.HEADINGS: 100,
            Category.KEYWORDS: None,
            Category.READABILITY: 81,
            Category.LINKS: 95,
            Category.METADATA: 30,
        }
    all_facts: dict[str, Any] = {"title": title, "scope": SCOPE}
    all_facts.update(facts or {})
    return PageResult(
        url=url,
        final_url=None,
        status=status,
        score=score,
        categories=categories,
        findings=findings,
        facts=all_facts,
        error=error,
    )


def failed_page(url: str = "https://example.com/gone") -> PageResult:
    return PageResult(
        url=url,
        final_url=None,
        status=None,
        score=None,
        categories={},
        findings=(
            finding(
                "X001",
                Category.FETCH,
                Severity.ERROR,
                "could not resolve host example.invalid",
                selector=None,
                line=None,
                excerpt=None,
                fix="check the URL, DNS, TLS certificate",
                url=url,
            ),
        ),
        facts={},
        error="could not resolve host example.invalid",
    )


def render(
    report: Report,
    *,
    width: int = 120,
    verbose: int = 0,
    quiet: bool = False,
    color: bool = False,
) -> str:
    buf = io.StringIO()
    if color:
        console = Console(file=buf, width=width, force_terminal=True, color_system="truecolor")
    else:
        console = Console(file=buf, width=width, color_system=None)
    render_text(report, console, verbose=verbose, quiet=quiet)
    return buf.getvalue()


def flat(output: str) -> str:
    """Output with box drawing and runs of whitespace collapsed (for folded text)."""
    return re.sub(r"[\s│┃]+", " ", output)


# --------------------------------------------------------------------------- content


@pytest.mark.parametrize("width", [120, 60])
def test_page_shows_header_scores_findings_and_counts(width: int) -> None:
    out = render(Report(pages=(page(),)), width=width)
    # At 60 columns the URL folds onto two lines beside the score badge; all of it shows.
    assert "https://example.com/blog/2024/05/how-to-write" in out
    assert "alt-text-that-actually-helps-readers" in out
    assert "How to write alt text" in out
    assert "72" in out
    assert "HTTP 200" in out
    for cat in SCORED_CATEGORIES:
        assert cat.label in out
    assert "n/a" in out  # keywords not applicable
    assert "█████░░░░░" in out  # alt text 50
    for f in THREE:
        assert f.code in out
    text = flat(out)
    assert "Image has no alt attribute" in text
    assert "line 42 · img.hero" in text
    assert 'line 7 · meta[name="description"]' in text
    assert "→ add alt text describing what the image shows" in text
    assert "1 error · 1 warning · 1 info" in text
    assert "✖ error" in out and "▲ warning" in out and "● info" in out
    assert all(len(line) <= width for line in out.splitlines())


def test_scope_line() -> None:
    text = flat(render(Report(pages=(page(),))))
    assert "Article scope: .blog-item-content (squarespace preset) · 1,234 words" in text


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ({"preset": "body", "selector": "body", "words": 1}, "whole <body>"),
        (
            {"preset": "selector", "selector": "div.post", "words": 10},
            "div.post (--content-selector)",
        ),
    ],
)
def test_scope_variants(scope: dict[str, Any], expected: str) -> None:
    out = render(Report(pages=(page(facts={"scope": scope}),)))
    assert expected in out


def test_findings_grouped_by_category_order_then_severity() -> None:
    findings = (
        finding("M101", Category.METADATA, Severity.INFO, "meta info"),
        finding("A102", Category.ALT_TEXT, Severity.INFO, "alt info"),
        finding("X002", Category.FETCH, Severity.WARNING, "fetch warning"),
        finding("A101", Category.ALT_TEXT, Severity.ERROR, "alt error"),
        finding("A103", Category.ALT_TEXT, Severity.WARNING, "alt warning"),
    )
    out = render(Report(pages=(page(findings=findings),)))
    positions = [out.index(s) for s in ("alt error", "alt warning", "alt info", "meta info")]
    assert positions == sorted(positions)
    assert out.index("meta info") < out.index("fetch warning")  # FETCH after scored ones


def test_no_findings() -> None:
    out = render(Report(pages=(page(findings=(), score=100),)))
    assert "No findings" in out
    assert "0 errors · 0 warnings · 0 info" in out


def test_location_without_selector_or_line() -> None:
    assert location_text(finding(selector=None, line=12)) == "line 12"
    assert location_text(finding(selector="img", line=None)) == "img"
    assert location_text(finding(selector=None, line=None)) == ""
    assert location_text(finding(selector="img#hero", line=3)) == "line 3 · img#hero"


def test_failed_page_shows_error_prominently() -> None:
    out = render(Report(pages=(failed_page(),)))
    assert "Could not audit: could not resolve host example.invalid" in out
    assert "n/a" in out
    assert "X001" in out
    assert "Category" not in out  # no category table for a page that was never audited


def test_quiet_hides_findings_but_keeps_header_and_counts() -> None:
    out = render(Report(pages=(page(),)), quiet=True)
    assert URL in flat(out)
    assert "72" in out
    assert "1 error · 1 warning · 1 info" in flat(out)
    assert "Image has no alt attribute" not in out
    assert "→" not in out
    assert "Readability" not in out


def test_quiet_failed_page_still_shows_error() -> None:
    out = render(Report(pages=(failed_page(),)), quiet=True)
    assert "Could not audit: could not resolve host example.invalid" in out


def test_verbose_shows_excerpt() -> None:
    excerpt = '<img class="hero" src="/hero.jpg">'
    assert excerpt not in render(Report(pages=(page(),)))
    assert excerpt in render(Report(pages=(page(),)), verbose=1)


def test_multi_page_summary() -> None:
    report = Report(pages=(page(), failed_page()), summary={"score": 72, "pages": 2})
    text = flat(render(report))
    assert "Summary" in text
    assert "Pages audited 2" in text
    assert "Pages failed 1" in text
    assert "Site score 72" in text
    assert "2 errors · 1 warning · 1 info" in text


def test_site_score_falls_back_to_page_scores() -> None:
    report = Report(pages=(page(score=80), page(score=60), failed_page()))
    assert "Site score 70" in flat(render(report))
    report = Report(pages=(page(), failed_page()), summary={"score": None})
    assert "Site score n/a" in flat(render(report))


def test_single_page_has_no_summary() -> None:
    assert "Summary" not in render(Report(pages=(page(),), summary={"score": 72}))


def test_site_findings_under_site_heading() -> None:
    site = finding(
        "L301",
        Category.LINKS,
        Severity.WARNING,
        "prev/next chain disagrees between pages",
        selector='link[rel="next"]',
        line=None,
    )
    out = render(Report(pages=(page(),), site_findings=(site,)))
    assert "Site" in out
    assert out.index("Site") < out.index("prev/next chain disagrees")
    assert "L301" in out


def test_empty_report() -> None:
    assert "No pages audited" in render(Report(pages=()))


# --------------------------------------------------------------------------- facts


def test_fact_renderers_registry_is_used_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "title" not in FACT_RENDERERS and "scope" not in FACT_RENDERERS
    monkeypatch.setitem(FACT_RENDERERS, "zeta", lambda v: literal(f"zeta fact {v}"))
    monkeypatch.setitem(FACT_RENDERERS, "alpha", lambda v: literal(f"alpha fact {v}"))
    monkeypatch.setitem(FACT_RENDERERS, "absent", lambda v: Text("never shown"))
    monkeypatch.setitem(FACT_RENDERERS, "hidden", lambda v: None)
    facts = {"alpha": 1, "zeta": "[bold]2[/]", "hidden": 3}
    out = render(Report(pages=(page(facts=facts),)))
    assert out.index("zeta fact [bold]2[/]") < out.index("alpha fact 1")  # registry order
    assert out.index("Image has no alt attribute") < out.index("zeta fact")  # after findings
    assert "never shown" not in out


# --------------------------------------------------------------------------- safety

INJECTED = "[bold red]x[/] [link=http://evil.example]click[/link]"


def injected_page() -> PageResult:
    bad = finding(
        message="alt is " + INJECTED,
        selector="img[alt='[link=http://evil.example]']",
        excerpt="<img alt='[blink]hi[/blink]'>",
        fix="remove [reverse]markup[/reverse]",
    )
    return page(
        url="https://example.com/[link=http://evil.example]x", title=INJECTED, findings=(bad,)
    )


@pytest.mark.parametrize("width", [120, 60])
def test_markup_in_page_text_prints_literally(width: int) -> None:
    out = flat(render(Report(pages=(injected_page(),)), verbose=1, width=width))
    for s in ("[bold red]x[/]", "[link=http://evil.example]click[/link]", "[blink]hi[/blink]"):
        assert s.replace(" ", "") in out.replace(" ", "")
    assert "[reverse]markup[/reverse]" in out


def test_markup_injection_emits_no_hyperlink_or_injected_style() -> None:
    report = Report(pages=(injected_page(), failed_page()), summary={"score": 72})
    for quiet in (False, True):
        out = render(report, verbose=1, color=True, quiet=quiet)
        assert "\x1b]8;" not in out  # no OSC 8 hyperlink
        assert "[link=http://evil.example]" in out
        assert "\x1b[5m" not in out  # no blink


def test_ansi_and_control_characters_are_stripped() -> None:
    evil = "\x1b[31mRed\x1b[0m title\x07\x1b]0;pwned\x07 end\x1b]8;;http://x\x1b\\link"
    out = render(Report(pages=(page(title=evil),)))
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "pwned" not in out
    assert "Red title end" in out
    coloured = render(Report(pages=(page(title=evil),)), color=True)
    assert "\x1b]" not in coloured  # no OSC (title, hyperlink) reaches the terminal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain", "plain"),
        ("\x1b[1;31mred\x1b[0m", "red"),
        ("a\tb\nc\r\nd", "a b c d"),
        ("line one  \n   line two", "line one line two"),
        ("x\x00y\x7fz\x9c!", "xyz!"),
        ("osc\x1b]0;title\x07done", "oscdone"),
        ("bidi\u202eevil\u202c", "bidievil"),
        ("lone escape \x1b", "lone escape "),
        ("café ✓ 日本", "café ✓ 日本"),
    ],
)
def test_safe(raw: str, expected: str) -> None:
    assert safe(raw) == expected


def test_safe_limit() -> None:
    assert safe("abcdefghij", limit=5) == "abcd…"
    assert safe("abc", limit=5) == "abc"


def test_long_title_is_clipped() -> None:
    out = render(Report(pages=(page(title="word " * 200),)))
    assert "…" in out
    assert out.count("word") < 100


# --------------------------------------------------------------------------- colour


@pytest.mark.parametrize(
    ("score", "style"),
    [
        (100, "green"),
        (95, "green"),
        (90, "green"),
        (89, "dark_orange"),
        (50, "dark_orange"),
        (49, "red"),
        (30, "red"),
        (0, "red"),
        (None, "grey50"),
    ],
)
def test_score_style_bands(score: int | None, style: str) -> None:
    assert score_style(score) == style


def _styled(out: str, text: str) -> set[str]:
    """The SGR parameter strings rich put right before `text`."""
    return set(re.findall(r"\x1b\[([0-9;]+)m *" + re.escape(text), out))


def test_coloured_scores_in_output() -> None:
    good = page(score=95, categories=dict.fromkeys(SCORED_CATEGORIES, 95))
    out = render(Report(pages=(good,)), color=True)
    assert any(p.endswith("32") for p in _styled(out, "95"))  # green
    bad = page(score=30, categories=dict.fromkeys(SCORED_CATEGORIES, 30))
    out = render(Report(pages=(bad,)), color=True)
    assert any(p.endswith("31") for p in _styled(out, "30"))  # red
    mid = page(score=70, categories=dict.fromkeys(SCORED_CATEGORIES, 70))
    out = render(Report(pages=(mid,)), color=True)
    assert any("38;5;208" in p or "38;2;255;135;0" in p for p in _styled(out, "70"))


def test_no_colour_console_emits_no_escapes() -> None:
    out = render(Report(pages=(page(), failed_page()), summary={"score": 72}), verbose=1)
    assert "\x1b" not in out


def test_score_bar() -> None:
    assert score_bar(100).plain == "█" * 10
    assert score_bar(0).plain == "░" * 10
    assert score_bar(54).plain == "█████░░░░░"
    assert score_bar(None).plain == ""


def test_rich_is_not_imported_by_the_report_package() -> None:
    # The CLI imports this module lazily; machine formats must not pay for rich.
    code = "import sys, postaudit.report, postaudit.model; print('rich' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
