"""The HTML report: self-contained, every page-derived string escaped, all findings."""

from __future__ import annotations

from html.parser import HTMLParser

from postaudit.model import Category, Finding, Location, PageResult, Report, Severity
from postaudit.report.dispatch import render
from postaudit.report.html import esc, link, render_html

EVIL = '"><script>alert(1)</script><img src=x onerror=alert(2)> \u202e\x1b[31m'


def finding(
    url: str, code: str = "A101", severity: Severity = Severity.ERROR, **kw: str
) -> Finding:
    return Finding(
        url=url,
        code=code,
        name=kw.get("name", "img-alt-missing"),
        category=Category.ALT_TEXT,
        severity=severity,
        message=kw.get("message", f"image {EVIL} has no alt"),
        location=Location(
            kw.get("selector", f"img[src='{EVIL}']"), 12, kw.get("excerpt", f"<img src={EVIL}>")
        ),
        fix=kw.get("fix", f"add alt {EVIL}"),
    )


def page(url: str, score: int | None, *findings: Finding, error: str | None = None) -> PageResult:
    return PageResult(
        url=url,
        final_url=url,
        status=200 if error is None else 500,
        score=score,
        categories={Category.ALT_TEXT: score} if score is not None else {},
        findings=findings,
        facts={"title": f"Title {EVIL}"},
        error=error,
    )


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def report() -> Report:
    a = "https://example.com/a"
    b = f"https://example.com/b?q={EVIL}"
    return Report(
        pages=(
            page(a, 42, finding(a), finding(a, "A104", Severity.WARNING)),
            page(b, None, error=f"HTTP 500 {EVIL}"),
            page("javascript:alert(3)", 95),
        ),
        site_findings=(finding(a, "M620", Severity.WARNING, name="duplicate-title"),),
        summary={
            "pages": 3,
            "failed": 1,
            "score": 68,
            "counts": {"error": 1, "warning": 2, "info": 0},
            "distribution": {"90-100": 1, "50-89": 0, "0-49": 1},
            "worst": [{"url": a, "score": 42, "title": f"T {EVIL}", "findings": 2}],
            "frequent": [{"code": "A101", "name": "img-alt-missing", "pages": 1, "findings": 1}],
            "skipped": {"robots": 1, "non-html:pdf": 2},
            "disallowed": [f"https://example.com/private/{EVIL}"],
            "not_audited": [],
            "complete": True,
            "sitemap": {
                "source": "https://example.com/",
                "found": 6,
                "sitemaps": [],
                "problems": [EVIL],
            },
        },
    )


def test_page_text_cannot_inject_markup() -> None:
    text = render_html(report())
    parser = Collect()
    parser.feed(text)
    tags = {t for t, _ in parser.tags}
    assert "img" not in tags, "no element comes from page text"
    assert sum(1 for t, _ in parser.tags if t == "script") == 1, "only the sorting script"
    assert "alert" not in "".join(parser.scripts)
    assert not any(k.startswith("on") for _, attrs in parser.tags for k in attrs)
    assert "\u202e" not in text and "\x1b" not in text
    hrefs = [attrs.get("href") or "" for t, attrs in parser.tags if t == "a"]
    assert not any(h.lower().startswith("javascript:") for h in hrefs), "only http(s) links"
    assert f"https://example.com/b?q={EVIL[:2]}" not in text


def test_self_contained_with_summary_and_every_finding() -> None:
    text = render_html(report())
    parser = Collect()
    parser.feed(text)
    for tag, attrs in parser.tags:
        assert tag not in ("link", "iframe", "object", "embed")
        if tag in ("script", "img"):
            assert "src" not in attrs
    assert text.count('<details class="page"') == 3
    assert text.count("img-alt-missing") >= 2 and "alt-too-long" not in text  # name given
    assert "A104" in text and "M620" in text and "duplicate-title" in text
    assert "Site score" in text and ">68<" in text
    assert "Worst pages" in text and "Most frequent findings" in text
    assert "Disallowed by robots.txt (1)" in text
    assert "1 disallowed by robots.txt, 2 not HTML (.pdf)" in text
    assert 'style="width:42%"' in text, "a score bar per page"


def test_works_for_a_single_page_report_and_through_dispatch() -> None:
    single = Report(pages=(page("https://example.com/a", 90),))
    text = render("html", single)
    assert text.startswith("<!doctype html>") and "Pages (1)" in text
    assert "No site-level findings" in text


def test_esc_and_link() -> None:
    assert esc('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
    assert esc("it's") == "it&#x27;s"
    assert esc("x" * 10, limit=5) == "xxxx…"
    assert link('https://e.com/?a=1&b="2"') == (
        '<a href="https://e.com/?a=1&amp;b=&quot;2&quot;" rel="noopener noreferrer">'
        "https://e.com/?a=1&amp;b=&quot;2&quot;</a>"
    )
    assert link("javascript:alert(1)") == "javascript:alert(1)"
    assert link("data:text/html,<b>") == "data:text/html,&lt;b&gt;"
