"""Appearance rules (S7xx): the parse records they read, JSON-LD graphs as plugins emit
them, the edge cases of dates, cards and image sizes, and the real-page corpus."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import hits, make_page
from paths import CORPUS
from postaudit.config import Config
from postaudit.judge.engine import audit_page
from postaudit.parse.build import parse_page
from postaudit.rules.structured_data import main_article

OG = (
    '<meta property="og:title" content="Post"><meta property="og:type" content="article">'
    '<meta property="og:description" content="About the post">'
    '<meta property="og:url" content="https://example.com/blog/post/">'
    '<meta property="og:image" content="https://example.com/blog/post/cover.jpg">'
)


def doc(head: str = "", body: str = "<h1>Post</h1><p>Text.</p>") -> str:
    return (
        '<html lang="en"><head><title>Post | Site</title>'
        f'<link rel="canonical" href="https://example.com/blog/post/">{head}</head>'
        f"<body><article>{body}</article></body></html>"
    )


def ld(data: Any, attrs: str = "") -> str:
    return f'<script type="application/ld+json"{attrs}>{json.dumps(data)}</script>'


# --------------------------------------------------------------------------- parse layer


def test_ld_blocks_carry_script_and_error_lines() -> None:
    html = (
        "<html><head>\n"
        '<!-- <script type="application/ld+json">{"old": 1}</script> -->\n'
        '<script type="application/ld+json">\n'
        '{"@type": "WebSite",\n'
        ' "name": "Site",}\n'
        "</script>\n"
        '<script type="application/ld+json" class="yoast-schema-graph">{"@graph": []}</script>\n'
        "</head><body></body></html>"
    )
    page = make_page(html)
    first, second = page.ld_blocks
    assert (first.line, first.data, first.error_line) == (3, None, 5)
    assert first.error and "double quotes" in first.error
    assert (second.line, second.data, second.error, second.source) == (
        7,
        {"@graph": []},
        None,
        "yoast",
    )
    assert page.json_ld == ({"@graph": []},), "json_ld keeps the valid blocks only"


def test_jekyll_seo_tag_block_is_recognised() -> None:
    html = doc(
        "<!-- Begin Jekyll SEO tag v2.8.0 -->"
        + ld({"@type": "BlogPosting", "headline": "Post"})
        + "<!-- End Jekyll SEO tag -->"
    )
    page = make_page(html)
    assert page.ld_blocks[0].source == "jekyll-seo-tag"
    (hit,) = hits("S714", html)
    assert "jekyll-seo-tag reads `image:` from the post's front matter" in hit.message


@pytest.mark.parametrize(
    ("img", "sized"),
    [
        ('<img src="a.jpg" width="800" height="600">', True),
        ('<img src="a.jpg" width="800">', False),
        ('<img src="a.jpg" style="width: 100%; height: 240px">', True),
        ('<img src="a.jpg" style="width: 100%; height: auto">', False),
        ('<img src="a.jpg" width="800" style="aspect-ratio: 4/3">', True),
        ('<img src="a.jpg" style="aspect-ratio: 4/3">', False),
        ('<img src="a.jpg" width="" height="">', False),
    ],
)
def test_image_layout_sized_like_lighthouse(img: str, sized: bool) -> None:
    (image,) = make_page(doc(body=img)).images
    assert image.layout is not None and image.layout.sized is sized
    assert bool(hits("S731", doc(body=img))) is not sized


def test_image_layout_lists_every_fetched_url() -> None:
    img = '<img src="data:image/gif;base64,R0l" data-src="/a.jpg" srcset="http://cdn.example.com/a2.jpg 2x">'
    (image,) = make_page(doc(body=img)).images
    assert image.layout is not None and image.layout.js_lazy
    assert image.layout.fetches == (
        "https://example.com/a.jpg",
        "http://cdn.example.com/a2.jpg",
    )


# --------------------------------------------------------------------------- JSON-LD graphs


YOAST = {
    "@context": "https://schema.org",
    "@graph": [
        {
            "@type": ["Article", "TechArticle"],
            "@id": "https://example.com/blog/post/#article",
            "headline": "Post",
            "author": {"@id": "https://example.com/#/schema/person/ab12"},
            "image": {"@id": "https://example.com/blog/post/#primaryimage"},
            "datePublished": "2024-05-01T09:30:00+00:00",
            "dateModified": "2024-05-02T10:00:00+00:00",
            "mainEntityOfPage": {"@id": "https://example.com/blog/post/"},
        },
        {
            "@type": "WebPage",
            "@id": "https://example.com/blog/post/",
            "url": "https://example.com/blog/post/",
        },
        {
            "@type": "ImageObject",
            "@id": "https://example.com/blog/post/#primaryimage",
            "url": "https://example.com/c.jpg",
        },
        {"@type": "Person", "@id": "https://example.com/#/schema/person/ab12", "name": "Ada"},
    ],
}


def test_yoast_graph_references_are_followed() -> None:
    html = doc(OG + ld(YOAST, ' class="yoast-schema-graph"'))
    page = make_page(html)
    art = main_article(page)
    assert art is not None and art.type == "Article"
    result = audit_page(page, Config(select=("S",)).ruleset())
    assert [f.code for f in result.findings] == []


def test_unresolved_author_reference_has_no_name_and_names_yoast() -> None:
    graph = {**YOAST, "@graph": [n for n in YOAST["@graph"] if n.get("@type") != "Person"]}
    html = doc(OG + ld(graph, ' class="yoast-schema-graph"'))
    (hit,) = hits("S717", html)
    assert "#/schema/person/ab12" in hit.message and "Yoast SEO" in hit.message


def test_listing_pages_with_many_articles_are_not_judged_as_one() -> None:
    posts = [{"@type": "BlogPosting", "url": f"https://example.com/blog/{i}/"} for i in range(3)]
    html = doc(ld({"@type": "Blog", "blogPost": posts}))
    assert main_article(make_page(html)) is None
    assert hits("S712", html) == [] and hits("S714", html) == []


@pytest.mark.parametrize(
    ("published", "modified", "codes"),
    [
        ("2024-05-01T09:30:00-0400", "2024-05-01T13:30:00Z", set()),  # same moment
        ("2024-05-01T10:00:00+02:00", "2024-05-01T09:00:00Z", set()),  # 08:00Z < 09:00Z
        ("2024-05-01T10:00:00Z", "2024-05-01T09:00:00+00:00", {"S715"}),
        ("2024-05-01 10:00", "2024-05-02T10:00:00Z", {"S715"}),
        ("2024-02-30T10:00:00Z", "2024-05-02T10:00:00Z", {"S715"}),
        ("2024-05-01", "2024-05-02T10:00:00", {"S716"}),
    ],
)
def test_article_dates(published: str, modified: str, codes: set[str]) -> None:
    data = {
        "@type": "BlogPosting",
        "headline": "Post",
        "datePublished": published,
        "dateModified": modified,
    }
    html = doc(ld(data))
    found = {code for code in ("S715", "S716") if hits(code, html)}
    assert found == codes


def test_author_forms() -> None:
    def author(value: Any) -> set[str]:
        html = doc(ld({"@type": "BlogPosting", "headline": "Post", "author": value}))
        return {code for code in ("S717", "S718") if hits(code, html)}

    assert author({"@type": "Person", "name": "Ada"}) == set()
    assert (
        author([{"@type": "Organization", "name": "Site"}, {"@type": "Person", "name": "Ada"}])
        == set()
    )
    assert author("Ada Lovelace") == {"S718"}
    assert author("https://example.com/about/") == {"S718"}
    assert author({"@type": "Person", "url": "https://example.com/about/"}) == {"S717"}
    assert author({"@type": "Thing", "name": "Ada"}) == {"S718"}


# --------------------------------------------------------------------------- cards


def test_complete_open_graph_needs_no_twitter_tags() -> None:
    assert hits("S707", doc(OG)) == []
    assert hits("S701", doc(OG)) == []


def test_one_finding_for_one_open_graph_fix() -> None:
    # no Open Graph at all: S701 names X's missing card too, S707 does not repeat it
    (hit,) = hits("S701", doc())
    assert "X shows no card" in hit.message
    assert hits("S707", doc()) == [] and hits("S702", doc()) == []
    # a twitter:card means X has its card: S701 does not speak for X
    card = '<meta name="twitter:card" content="summary">'
    (hit,) = hits("S701", doc(card))
    assert "X shows no card" not in hit.message
    # og:type and og:title there, og:description missing and no twitter:card: one
    # finding (S707, the warning) that names both consequences, not S702 as well
    head = OG.replace('<meta property="og:description" content="About the post">', "")
    (hit,) = hits("S707", doc(head))
    assert "no card on X" in hit.message and "title only" in hit.message
    assert hits("S702", doc(head)) == [] and hits("S701", doc(head)) == []
    # with a twitter:card, the missing description is S702's alone
    assert len(hits("S702", doc(head + card))) == 1 and hits("S707", doc(head + card)) == []
    # og:type missing as well: S701 (with X) and S702 (the description), no S707
    no_type = head.replace('<meta property="og:type" content="article">', "")
    assert "X shows no card" in hits("S701", doc(no_type))[0].message
    assert len(hits("S702", doc(no_type))) == 1 and hits("S707", doc(no_type)) == []


def test_article_url_and_main_entity_with_one_address_are_one_finding() -> None:
    def article(url: str, main: str) -> str:
        return ld(
            {
                "@context": "https://schema.org",
                "@type": "BlogPosting",
                "headline": "Post",
                "url": url,
                "mainEntityOfPage": {"@type": "WebPage", "@id": main},
            }
        )

    local = "http://localhost:4000/blog/post/"
    (hit,) = hits("S720", doc(article(local, local)), url="_site/blog/post/index.html")
    assert "url and mainEntityOfPage" in hit.message and "development address" in hit.message
    other = "https://example.com/"
    found = hits("S720", doc(article(local, other)), url="_site/blog/post/index.html")
    assert sorted(h.message.split(" ")[2] for h in found) == ["mainEntityOfPage", "url"]


def test_featured_image_above_the_article_is_not_a_logo() -> None:
    # Casper and many themes put the feature image outside the article text
    og = OG.replace("blog/post/cover.jpg", "content/images/cover.jpg")
    html = (
        f"<html><head><title>Post</title>{og}</head><body>"
        '<header><a href="/"><img src="/content/images/brand.png" alt="Site"></a></header>'
        '<figure><img src="/content/images/cover.jpg" alt="Cover"></figure>'
        f"<article><h1>Post</h1><p>{'Some text of the post. ' * 20}</p>"
        '<img src="/content/images/diagram.png" alt="D"></article>'
        "</body></html>"
    )
    page = make_page(html)
    assert [i.in_article for i in page.images] == [False, False, True]
    assert hits("S704", html) == []
    # the header logo (linked to the home page) as the share image is reported
    logo = html.replace('content/images/cover.jpg">', 'content/images/brand.png">', 1)
    (hit,) = hits("S704", logo)
    assert "brand.png" in hit.message and "diagram.png" in hit.message
    # the post's image is named by its file, not the address it resolves to
    assert "/content/images/diagram.png" not in hit.message


def test_og_url_matches_despite_index_html_and_case() -> None:
    head = OG.replace("https://example.com/blog/post/", "https://Example.com/blog/post/index.html")
    assert hits("S705", doc(head)) == []


def test_development_address_only_when_not_previewed_locally() -> None:
    head = OG.replace("https://example.com/blog/post/", "http://localhost:1313/blog/post/")
    html = doc(head).replace("https://example.com/blog/post/", "http://localhost:1313/blog/post/")
    (hit,) = hits("S705", html, url="public/blog/post/index.html")  # the build
    assert "development address" in hit.message
    assert hits("S705", html, url="http://localhost:1313/blog/post/") == []  # hugo server


def test_relative_canonical_in_a_file_is_not_compared() -> None:
    html = doc(OG).replace('href="https://example.com/blog/post/"', 'href="post.html"')
    assert hits("S705", html, url="public/blog/post.html") == []


def test_mixed_content_needs_an_https_page() -> None:
    body = '<h1>Post</h1><img src="http://example.com/a.jpg" width="10" height="10">'
    assert hits("S733", doc(body=body), url="http://example.com/blog/post/") == []
    assert len(hits("S733", doc(body=body), url="https://example.com/blog/post/")) == 1
    # a built file: the canonical says where it is served
    assert len(hits("S733", doc(body=body), url="public/blog/post.html")) == 1


# --------------------------------------------------------------------------- real pages


def corpus_findings(name: str) -> list[tuple[str, int | None]]:
    html = (CORPUS / name).read_text(encoding="utf-8", errors="replace")
    page = parse_page(html, f"fixtures/corpus/{name}")
    result = audit_page(page, Config(select=("S",)).ruleset())
    return [(f.code, f.location.line) for f in result.findings]


def test_corpus_hugo_template_breaks_its_json_ld() -> None:
    # Hugo's JS-context escaping (\x27) and raw newlines in strings: invalid JSON
    assert ("S711", 140) in corpus_findings("hugo_0xnf_plfeatures.html")
    assert ("S711", 143) in corpus_findings("hugo_0xnf_firefox-user-security.html")


def test_corpus_jekyll_built_with_the_development_url() -> None:
    found = corpus_findings("jekyll-minimalmistakes_bruce30262_chakrazy.html")
    assert ("S705", 23) in found  # og:url http://0.0.0.0:4000/...


def test_corpus_complete_ghost_article_has_only_the_missing_image() -> None:
    assert corpus_findings("ghost5-casper_pwningtech_blacksmith.html") == [("S714", 52)]


def test_corpus_redirect_stub_is_not_judged() -> None:
    assert corpus_findings("wordpress-static_whizzy_redirect-stub.html") == []


def test_unsized_message_names_the_missing_attribute() -> None:
    html = (
        '<html lang="en"><head><title>t</title></head><body><article><h1>t</h1>'
        '<p><img src="a.jpg" alt="a" width="450"></p><p><img src="b.jpg" alt="b" height="9"></p>'
        '<p><img src="c.jpg" alt="c"></p></article></body></html>'
    )
    messages = [h.message for h in hits("S731", html, "https://example.com/p/")]
    assert [m.split(":")[0] for m in messages] == [
        "image a.jpg has a width but no height",
        "image b.jpg has a height but no width",
        "image c.jpg has no width and height",
    ]
