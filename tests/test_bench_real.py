"""benchmarks/: the real-page batch (site built from the corpus, its checks, its row)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import floor
import generate_site
import real_site
import run as bench

BASE = "http://127.0.0.1:8000"


# --------------------------------------------------------------------------- the site


def test_the_corpus_gives_41_posts_and_leaves_out_the_redirect_stub() -> None:
    posts, stubs = real_site.corpus_pages()
    assert len(posts) == 41
    assert [s.name for s in stubs] == ["wordpress-static_whizzy_redirect-stub"]
    assert [s.name for s in posts] == sorted(s.name for s in posts)


def test_a_refresh_with_an_article_is_not_a_stub() -> None:
    stub = b'<html><head><meta http-equiv="refresh" content="0;url=/new/"></head><body>moved</body>'
    assert real_site.is_redirect_stub(stub)
    article = stub.replace(b"moved", b"word " * 60)
    assert not real_site.is_redirect_stub(article)
    reload_only = b'<meta http-equiv="refresh" content="300"><p>short</p>'
    assert not real_site.is_redirect_stub(reload_only)


def test_plan_repeats_the_posts_round_robin_each_copy_its_own_path() -> None:
    sources = [real_site.Source(name, Path(name)) for name in ("a", "b", "c")]
    copies = real_site.plan(sources, 7, BASE + "/")
    assert [c.source for c in copies] == ["a", "b", "c", "a", "b", "c", "a"]
    assert copies[0].url == f"{BASE}/000/a/" and copies[0].path == "000/a/index.html"
    assert copies[3].path == "001/a/index.html"
    assert len({c.url for c in copies}) == len({c.path for c in copies}) == 7
    with pytest.raises(ValueError):
        real_site.plan([], 3, BASE)


def test_build_copies_the_pages_byte_for_byte_with_sitemap_and_manifest(tmp_path: Path) -> None:
    site = real_site.build(tmp_path, posts=45, base_url=BASE)
    assert len(site.copies) == 45 and len(site.sources) == 41
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["skipped"] == ["wordpress-static_whizzy_redirect-stub"]
    paths = [p["path"] for p in manifest["pages"]]  # what floor.py reads
    assert len(paths) == 45
    for page in manifest["pages"][:3] + manifest["pages"][41:]:
        original = real_site.CORPUS / f"{page['source']}.html"
        assert (tmp_path / page["path"]).read_bytes() == original.read_bytes()
    sitemap = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert re.findall(r"<loc>([^<]+)</loc>", sitemap) == [c.url for c in site.copies]
    assert f"Sitemap: {BASE}/sitemap.xml" in (tmp_path / "robots.txt").read_text()


def test_link_exclusion_leaves_only_the_local_origin() -> None:
    pattern = re.compile(real_site.link_exclusion(BASE))
    for url in (f"{BASE}/000/a/", BASE, f"{BASE}?q=1", f"{BASE}#top"):
        assert not pattern.search(url), url
    for url in (
        "https://ogobrecht.com/blog/x/",
        "http://127.0.0.1:80001/x",  # another port that starts the same
        "http://127.0.0.1/x",
        "http://localhost:8000/x",
    ):
        assert pattern.search(url), url


# --------------------------------------------------------------------------- the floor


def soup(html: str) -> Any:
    return BeautifulSoup(html, "lxml")


def test_floor_article_prefers_the_class_then_article_main_body() -> None:
    both = '<main><article>a</article><div class="entry-content">c</div></main>'
    assert floor.article_of(soup(both)).get_text() == "c"
    assert floor.article_of(soup("<main>m<article>a</article></main>")).name == "article"
    assert floor.article_of(soup("<body><main>m</main><p>x</p></body>")).name == "main"
    assert floor.article_of(soup("<p>only</p>")).name == "body"


@pytest.mark.parametrize("theme", generate_site.THEMES)
def test_floor_reads_the_same_element_on_generated_pages(tmp_path: Path, theme: str) -> None:
    generate_site.generate(tmp_path, posts=3, theme=theme)
    for page in json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["pages"]:
        parsed = soup((tmp_path / page["path"]).read_text(encoding="utf-8"))
        classes = floor.article_of(parsed).get("class") or []
        assert {"page__content", "entry-content"} & set(classes)


# --------------------------------------------------------------------------- the checks


def link(url: str, status: int | None = 404, state: str = "broken") -> dict[str, Any]:
    checked = {"state": state, "status": status, "url": url}
    return {"url": url, "status": checked}


def page(url: str, *links: dict[str, Any], codes: tuple[str, ...] = ("L501",)) -> dict[str, Any]:
    sides = dict(zip(("prev", "next"), links, strict=False))
    findings = [{"code": c, "message": f"{c} on {url}"} for c in codes]
    return {"url": url, "findings": findings, "facts": {"pagination": sides}}


SOURCES = {f"{BASE}/00{i}/a/": "a" for i in range(3)}


def test_a_clean_real_run_has_no_problems() -> None:
    excluded = link("https://elsewhere.example/p/", None, "skipped")
    pages = [page(url, link(f"{BASE}/old/"), excluded) for url in SOURCES]
    problems, counts = bench.real_checks(pages, BASE, SOURCES)
    assert problems == []
    assert counts["pagination_local_answered"] == 3
    assert counts["pagination_off_site_excluded"] == 3
    assert bench.audited(pages).failed == 0


def test_real_run_problems_are_named() -> None:
    urls = list(SOURCES)
    pages = [
        page(urls[0], link("https://elsewhere.example/p/", None, "broken")),  # left the machine
        page(urls[1], link(f"{BASE}/old/", None, "broken")),  # a local link with no answer
        page(urls[2], codes=("L501", "M604")),  # a copy unlike the others
    ]
    problems, counts = bench.real_checks(pages, BASE, SOURCES)
    assert problems[0].startswith("1 off-site previous/next links were checked")
    assert problems[1] == "1 of 1 local previous/next links got no answer"
    assert problems[2] == "copies with other findings than the rest: a (1 of 3)"
    assert counts["sources_with_differing_copies"] == 1


def test_an_x_finding_fails_the_page() -> None:
    failed = page(f"{BASE}/000/a/", codes=("X001",))
    assert bench.audited([failed, page(f"{BASE}/001/a/")]).failed == 1


# --------------------------------------------------------------------------- the row


def batch(ratio: float, *, complete: bool = True) -> dict[str, Any]:
    return {
        "pages": 300,
        "wall_s": 30.0,
        "pages_per_s": 10.0,
        "peak_rss_mb": 400.0,
        "floor": {"wall_s": 30.0 / ratio},
        "floor_pages_per_s": 10.0 * ratio,
        "ratio": ratio,
        "complete": complete,
    }


def test_only_real_gives_one_row_with_its_verdict() -> None:
    rows = bench.rows({"batch": {"real": batch(1.8)}})
    assert [r["figure"] for r in rows] == ["batch real: 300 pages"]
    assert rows[0]["postaudit"] == "30.0 s, 10 p/s, 400 MB"
    assert rows[0]["shown"] == "1.80x" and rows[0]["target"] == "<= 2x" and rows[0]["pass"]
    assert not bench.rows({"batch": {"real": batch(2.5)}})[0]["pass"]
    incomplete = bench.rows({"batch": {"real": batch(1.5, complete=False)}})[0]
    assert incomplete["figure"].endswith("INCOMPLETE") and not incomplete["pass"]


def test_the_real_row_follows_the_generated_ones() -> None:
    batches = {"real": batch(2.2), "light": batch(1.9), "heavy": batch(1.7)}
    figures = [r["figure"] for r in bench.rows({"batch": batches})]
    assert figures == [
        "batch light: 300 pages",
        "batch light: pages per second",
        "batch heavy: 300 pages",
        "batch real: 300 pages",
    ]
