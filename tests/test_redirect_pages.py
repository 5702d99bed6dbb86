"""A meta-refresh redirect page is reported as a redirect (M615), not audited as an article."""

from __future__ import annotations

import json

import postaudit
from conftest import hits, make_page
from paths import CORPUS

STUB = CORPUS / "wordpress-static_whizzy_redirect-stub.html"


def _page_json(path: str) -> dict[str, object]:
    report = postaudit.audit(path, config=postaudit.load_config())
    page: dict[str, object] = json.loads(postaudit.to_json(report))["pages"][0]
    return page


def test_the_real_redirect_stub_gets_one_info_finding_and_no_score() -> None:
    page = _page_json(str(STUB))
    findings = page["findings"]
    assert isinstance(findings, list)
    assert [(f["code"], f["severity"]) for f in findings] == [("M615", "info")]
    assert "redirect to '/2009/06/05/film-spotify/' at once" in findings[0]["message"]
    assert "not audited as an article" in findings[0]["message"]
    assert page["score"] is None, "a redirect has no article to score"
    facts = page["facts"]
    assert isinstance(facts, dict)
    assert facts["redirect"]["audited"] is False
    assert facts["redirect"]["to"].endswith("/2009/06/05/film-spotify/")
    assert "readability" not in facts and "outline" not in facts


def test_refresh_forms() -> None:
    def refresh(content: str) -> tuple[float, str] | None:
        return make_page(f'<head><meta http-equiv="refresh" content="{content}"></head>').refresh

    assert refresh("0;url=/a/") == (0.0, "/a/")
    assert refresh("5; URL='https://x.org/b'") == (5.0, "https://x.org/b")
    assert refresh("0; https://x.org/c") == (0.0, "https://x.org/c")
    assert refresh("300") is None, "a reload is no redirect"
    assert refresh("0; url=") is None


def test_a_delayed_redirect_says_it_is_temporary_and_resolves_against_the_page() -> None:
    html = '<head><meta http-equiv="refresh" content="3; url=../new/"></head><p>Moved.</p>'
    page = make_page(html, "https://example.com/blog/old/")
    assert page.redirect_to == "https://example.com/blog/new/"
    [hit] = hits("M615", html, url="https://example.com/blog/old/")
    assert "'../new/' after 3 s (a temporary redirect)" in hit.message


def test_an_article_with_a_refresh_is_audited_as_an_article() -> None:
    words = " ".join(["Worry time gives anxious thoughts a place to go."] * 8)
    html = (
        '<html lang="en"><head><title>Worry time</title>'
        '<meta http-equiv="refresh" content="600; url=/blog/worry-time/">'
        f"</head><body><article><h1>Worry time</h1><p>{words}</p></article></body></html>"
    )
    page = make_page(html)
    assert page.refresh is not None and page.redirect_to is None
    assert hits("M615", html) == []
    assert hits("R308", html), "the article's rules still run (this one: too short)"
