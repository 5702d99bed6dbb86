"""Previous/next post links: theme markup fixtures, the real corpus, and edge cases."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from postaudit.gather.decode import decode_html
from postaudit.parse.build import parse_page
from postaudit.parse.pagination import Pagination

ROOT = Path(__file__).resolve().parents[1]
THEMES = sorted((ROOT / "fixtures" / "pagination").glob("*.html"))
from paths import CORPUS  # noqa: E402

_EXPECT = re.compile(r"<!--\s*expect-pagination:\s*(\{.*?\})\s*-->", re.S)


def pagination(html: str, url: str = "https://example.com/section/this-post/") -> Pagination:
    return parse_page(html, url).pagination


@pytest.mark.parametrize("path", THEMES, ids=[p.stem for p in THEMES])
def test_theme_markup(path: Path) -> None:
    html = path.read_text(encoding="utf-8")
    m = _EXPECT.search(html)
    assert m, "each theme fixture states what it expects"
    want: dict[str, Any] = json.loads(m.group(1))
    got = pagination(html)
    for side in ("prev", "next"):
        expected = want.get(side)
        link = got.side(side)
        if expected is None:
            assert link is None, f"{side}: expected none, got {link}"
            continue
        assert link is not None, f"{side} not found"
        for key, value in expected.items():
            assert getattr(link, key) == value, f"{side}.{key}"
        assert link.location.line is not None, "the link's source line is known"
    assert list(got.disabled) == want.get("disabled", [])
    if "head" in want:
        assert {
            "prev": got.head_prev.url if got.head_prev else None,
            "next": got.head_next.url if got.head_next else None,
        } == want["head"]


def test_every_theme_fixture_is_covered() -> None:
    names = {p.stem for p in THEMES}
    for theme in (
        "squarespace-7.1",
        "squarespace-7.0",
        "wordpress",
        "ghost-casper",
        "hexo-next",
        "minimal-mistakes",
        "hugo-even",
        "landscape",
        "jekyll-chirpy",
        "jekyll-chirpy-prompt",
        "hexo-butterfly",
        "hugo-papermod",
        "docusaurus-blog",
        "vitepress",
        "eleventy-base-blog",
        "gatsby-starter-blog",
        "zola-tabi",
        "mkdocs-material",
    ):
        assert theme in names


CHIRPY = "chirpy .post-navigation a.btn"

#: What each real page of fixtures/corpus matches: (prev markup, next markup, disabled).
CORPUS_EXPECTED: dict[str, tuple[str | None, str | None, tuple[str, ...]]] = {
    "ghost5-casper_pwningtech_blacksmith.html": (None, None, ()),
    "hexo-next_brianyi_0.html": (
        "hexo-next .post-nav-prev a[rel]",
        "hexo-next .post-nav-next a[rel]",
        (),
    ),
    "hexo-next_brianyi_1091fd73.html": (
        "hexo-next .post-nav-prev a[rel]",
        "hexo-next .post-nav-next a[rel]",
        (),
    ),
    "hugo-even_ouuan_apio-noi-2020.html": (
        "hugo-even .post-nav a.prev",
        "hugo-even .post-nav a.next",
        (),
    ),
    "hugo_0xnf_firefox-user-security.html": (None, None, ()),
    "hugo_0xnf_plfeatures.html": (None, None, ()),
    "jekyll-landscape_briangenisio_calling-actions-in-directives.html": (
        "landscape #article-nav-newer",
        "landscape #article-nav-older",
        (),
    ),
    "jekyll-landscape_briangenisio_rise-of-the-nodebots.html": (
        "landscape #article-nav-newer",
        "landscape #article-nav-older",
        (),
    ),
    "jekyll-minimalmistakes_bruce30262_chakrazy.html": (
        "minimal-mistakes .pagination--pager",
        "minimal-mistakes .pagination--pager",
        (),
    ),
    "jekyll-minimalmistakes_bruce30262_flare-on-2019.html": (
        "minimal-mistakes .pagination--pager",
        None,
        ("next",),
    ),
    "postachio_devonzuegel_argentina.html": (None, None, ()),
    "quarto_0xdeadd_welcome.html": (None, None, ()),
    "squarespace70_multietch_testimonial-jeweler.html": (
        "squarespace-7.0 .pagination .newer",
        "squarespace-7.0 .pagination .older",
        (),
    ),
    "wordpress-static_whizzy_redirect-stub.html": (None, None, ()),
    "wordpress57-twentythirteen_whizzy_google-maps-js.html": (None, None, ()),
    "wordpress59_hidemiyoshi_blog-post_24.html": (
        "wordpress .nav-previous",
        "wordpress .nav-next",
        (),
    ),
    # Butterfly: nav#pagination.pagination-post > div.prev-post / div.next-post > a.
    "hexo-butterfly_3em0_about-new-blog.html": ("generic .prev-post", "generic .next-post", ()),
    # Fluid: .post-prevnext > article.post-prev / article.post-next > a.
    "hexo-fluid_billhu0_frp.html": ("generic .post-prev", "generic .post-next", ()),
    "hexo-fluid_billhu0_hexo-server.html": ("generic .post-prev", "generic .post-next", ()),
    "hexo-fluid_billhu0_lets-encrypt-ssl.html": ("generic .post-prev", "generic .post-next", ()),
    "hexo-fluid_billhu0_pixel3.html": ("generic .post-prev", "generic .post-next", ()),
    # gokarna: a.prev-post / a.next-post in .pagination.
    "hugo-gokarna_scorpiosec_htb-administrator.html": (
        "generic .prev-post",
        "generic .next-post",
        (),
    ),
    "hugo-gokarna_scorpiosec_htb-analytics.html": ("generic .prev-post", "generic .next-post", ()),
    "hugo-gokarna_scorpiosec_htb-boardlight.html": ("generic .prev-post", "generic .next-post", ()),
    # PaperMod with ShowPostNavLinks off: no prev/next block.
    "hugo-papermod_binjang_starting-dev-blog.html": (None, None, ()),
    # Chirpy: nav.post-navigation > a.btn (aria-label "이전 글" / prompt "Bisherige"), the
    # previous one first, and a disabled div.btn in the missing side's place.
    "jekyll-chirpy_eltako_access-point.html": (CHIRPY, CHIRPY, ()),
    "jekyll-chirpy_eltako_alarm-beispiel.html": (CHIRPY, CHIRPY, ()),
    "jekyll-chirpy_jhhan87_auth-header-not-found.html": (CHIRPY, None, ("next",)),
    "jekyll-chirpy_jhhan87_jekyll-management.html": (None, CHIRPY, ("prev",)),
    "jekyll-chirpy_jhhan87_out-of-memory-error.html": (CHIRPY, CHIRPY, ()),
    # minima (single post): no prev/next block.
    "jekyll-minima_3liasp_intro.html": (None, None, ()),
    # MkDocs Material blog: only <link rel=prev|next> in <head>; the footer has no links.
    "mkdocs-material_apurvamisra_ai-powered-workflows.html": ("link[rel=prev]", None, ()),
    "mkdocs-material_apurvamisra_seo-in-the-age-of-ai.html": (None, "link[rel=next]", ()),
    # Pelican mg and the custom Pelican theme: no prev/next block.
    "pelican-mg_0xddaa_0ctf-exploit-300-login.html": (None, None, ()),
    "pelican-mg_0xddaa_35c3ctf-logrotate.html": (None, None, ()),
    "pelican-mg_0xddaa_bctf-special-rsa.html": (None, None, ()),
    "pelican-mg_0xddaa_codegate-weirdshark.html": (None, None, ()),
    "pelican_eupaulo_arvores-de-diretorios-em-latex.html": (None, None, ()),
    "pelican_eupaulo_configurando-bluetooth.html": (None, None, ()),
    # tabi: nav.article-navigation > div > a[aria-label=Prev|Next] "← Prev" / "Next →"; no
    # class or rel, so the text fallback finds it.
    "zola-tabi_ogobrecht_d3js-force-network-chart.html": ("text 'Prev'", "text 'Next'", ()),
    "zola-tabi_ogobrecht_download-blobs-with-sqlplus.html": ("text 'Prev'", "text 'Next'", ()),
    "zola-tabi_ogobrecht_markdown-for-oracle-apex.html": ("text 'Prev'", "text 'Next'", ()),
}

#: Corpus pages whose previous/next links are only in `<head>` as `<link rel>`.
CORPUS_HEAD_LINKS = {
    "mkdocs-material_apurvamisra_ai-powered-workflows.html",
    "mkdocs-material_apurvamisra_seo-in-the-age-of-ai.html",
}


def corpus_pages() -> list[Path]:
    return sorted(CORPUS.glob("*.html"))


@pytest.mark.parametrize("path", corpus_pages(), ids=lambda p: p.stem)
def test_corpus_markup(path: Path) -> None:
    assert path.name in CORPUS_EXPECTED, "every corpus page has an expectation"
    text, _, _ = decode_html(path.read_bytes())
    got = pagination(text, "https://example.com/some/post/")
    prev, nxt, disabled = CORPUS_EXPECTED[path.name]
    assert (got.prev.markup if got.prev else None) == prev
    assert (got.next.markup if got.next else None) == nxt
    assert got.disabled == disabled
    assert bool(got.head_links) == (path.name in CORPUS_HEAD_LINKS)


def test_corpus_directions_and_titles() -> None:
    def load(name: str) -> Pagination:
        text, _, _ = decode_html((CORPUS / name).read_bytes())
        return pagination(text, "https://example.com/some/post/")

    hexo = load("hexo-next_brianyi_1091fd73.html")
    assert hexo.next is not None and hexo.next.direction == "older", "NexT: rel=next is older"
    assert hexo.next.title == "[leetcode]213.打家劫舍 II"
    mm = load("jekyll-minimalmistakes_bruce30262_flare-on-2019.html")
    assert mm.prev is not None and mm.prev.title == "Flare-on Challenge 2018 Write-up"
    assert mm.next is None, 'the disabled href="#" Next is not a link'
    sq = load("squarespace70_multietch_testimonial-jeweler.html")
    assert sq.prev is not None and sq.prev.direction == "newer", "7.0: .newer holds rel=prev"
    wp = load("wordpress59_hidemiyoshi_blog-post_24.html")
    assert wp.prev is not None and wp.prev.title == "メンテナンス", "aria-hidden label left out"
    assert wp.prev.url == "https://example.com/some/post/blog-post_22.html"
    land = load("jekyll-landscape_briangenisio_rise-of-the-nodebots.html")
    assert land.prev is not None
    assert land.prev.title == "Bootstrapping your Arduino with Firmata and Johnny-Five"
    # Chirpy: two identical a.btn links, told apart by their place
    chirpy = load("jekyll-chirpy_jhhan87_out-of-memory-error.html")
    assert chirpy.prev is not None and chirpy.next is not None
    assert chirpy.prev.href == "/posts/stream-portfolio-management/"
    assert chirpy.prev.title == "Jekyll 간편하게 관리할 수 있는 방법들"
    assert chirpy.prev.direction == "older"
    assert chirpy.next.href == "/posts/auth-header-not-found-error/"
    assert chirpy.next.title == "auth header not found"
    # Butterfly: the post title, not "cover of previous post 上一篇 ..."
    butterfly = load("hexo-butterfly_3em0_about-new-blog.html")
    assert butterfly.prev is not None and butterfly.prev.title == "Dem0のdiary"
    assert butterfly.next is not None and butterfly.next.title == "MRCTF-java部分"
    # tabi: the title is the paragraph aria-describedby names
    tabi = load("zola-tabi_ogobrecht_d3js-force-network-chart.html")
    assert tabi.prev is not None
    assert tabi.prev.title == "Double click on APEX report row opens first link target"


def test_in_sentence_and_widget_links_are_not_pagination() -> None:
    html = (
        '<html><body><article><p>See the <a href="/x">next steps</a> for more.</p>'
        '<div class="gallery"><a class="arrow" href="/img/2">›</a></div>'
        '<header><a href="/events">Next events</a></header></article></body></html>'
    )
    assert not pagination(html).found


def test_text_fallback_only_when_no_markup() -> None:
    html = (
        '<html><body><div><a href="/a">Previous</a></div>'
        '<nav class="post-navigation"><div class="nav-next"><a href="/b">Later post</a></div></nav>'
        "</body></html>"
    )
    got = pagination(html)
    assert got.prev is None, "kinds of markup are not mixed"
    assert got.next is not None and got.next.markup == "wordpress .nav-next"


def test_generic_class_words_inside_a_nav_block() -> None:
    html = (
        '<html><body><nav class="post-pager"><a class="older-entry" href="/o">Older</a>'
        '<a class="newer-entry" href="/n">Newer</a></nav></body></html>'
    )
    got = pagination(html)
    assert got.prev is not None and got.prev.markup == "generic .older-entry"
    assert got.prev.direction == "older"
    assert got.next is not None and got.next.href == "/n"


def test_head_links_are_kept_apart_from_visible_ones() -> None:
    html = (
        '<html><head><link rel="next" href="/head-next"></head><body>'
        '<a rel="next" href="/visible-next">Next post</a></body></html>'
    )
    got = pagination(html)
    assert got.next is not None and got.next.markup == "a[rel=next]"
    assert got.head_next is not None and got.head_next.href == "/head-next"
    assert got.visible


def test_labels_in_other_languages() -> None:
    html = '<html><body><div><a href="/p">上一篇：慢慢来</a></div></body></html>'
    got = pagination(html)
    assert got.prev is not None and got.prev.title == "慢慢来"


def test_classification_kept_across_pages_gives_the_same_answers() -> None:
    """Answers kept from one page serve the next; the text-decided ones (Minimal
    Mistakes' two identical `a.pagination--pager` links) are worked out every time."""
    from postaudit.parse import pagination
    from postaudit.parse.build import parse_page

    pages = sorted(CORPUS.glob("*.html"))
    assert len(pages) >= 10
    pagination._CLASSIFIED.clear()
    first = [parse_page(p.read_text(encoding="utf-8"), f"https://x.test/{p.stem}/") for p in pages]
    assert pagination._CLASSIFIED, "chrome links were classified and kept"
    again = [parse_page(p.read_text(encoding="utf-8"), f"https://x.test/{p.stem}/") for p in pages]
    assert [a.pagination for a in again] == [f.pagination for f in first]
    pagers = [
        f.pagination for f, p in zip(first, pages, strict=True) if "minimalmistakes" in p.name
    ]
    assert any(pg.prev and pg.next and pg.prev.markup == pg.next.markup for pg in pagers)


def test_docusaurus_v2_items_and_label_only_blocks() -> None:
    """Docusaurus v2 wraps plain `a.pagination-nav__link`s in `.pagination-nav__item`
    (`--next` for the second); the `«` in the label is not part of the title."""
    html = (
        '<html><body><nav class="pagination-nav"><div class="pagination-nav__item">'
        '<a class="pagination-nav__link" href="/blog/newer"><div class="pagination-nav__sublabel">'
        'Newer Post</div><div class="pagination-nav__label">&laquo; Spring cleaning</div></a></div>'
        '<div class="pagination-nav__item pagination-nav__item--next">'
        '<a class="pagination-nav__link" href="/blog/older"><div class="pagination-nav__sublabel">'
        'Older Post</div><div class="pagination-nav__label">Winter notes &raquo;</div></a></div>'
        "</nav></body></html>"
    )
    got = pagination(html)
    assert got.prev is not None and got.prev.markup == "docusaurus .pagination-nav__item a"
    assert got.prev.href == "/blog/newer" and got.prev.title == "Spring cleaning"
    assert got.next is not None and got.next.href == "/blog/older"
    assert got.next.title == "Winter notes"


def test_a_cover_alt_is_the_title_only_without_text() -> None:
    html = (
        '<html><body><nav class="post-pager">'
        '<a class="prev-post" href="/a"><img src="/c.png" alt="cover of previous post">'
        "<span>Previous</span><span>Quiet mornings</span></a>"
        '<a class="next-post" href="/b"><img src="/d.png" alt="Loud evenings"></a>'
        "</nav></body></html>"
    )
    got = pagination(html)
    assert got.prev is not None and got.prev.title == "Quiet mornings"
    assert got.next is not None and got.next.title == "Loud evenings"


def test_chirpy_needs_its_two_buttons() -> None:
    """A lone `.btn` in a `.post-navigation` block gives no side by place."""
    html = (
        '<html><body><div class="post-navigation">'
        '<a class="btn" href="/somewhere"><p>Somewhere</p></a></div></body></html>'
    )
    assert not pagination(html).found
