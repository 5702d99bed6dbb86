"""Internal vs external for a local file: the site is where the page is published."""

from __future__ import annotations

from pathlib import Path

from postaudit.parse.build import parse_page, published_url
from postaudit.rules.link_common import article_links, is_internal_link

POST = """<html lang="en"><head><title>A post about worry time</title>{head}</head>
<body><article><h1>A post</h1>
<p><a href="https://www.example.com/blog/other/" target="_blank">my other post</a>,
<a href="/about/">about me</a>, <a href="https://elsewhere.org/x" target="_blank">a study</a>.</p>
</article></body></html>"""


def _local(head: str, tmp_path: Path, site: str | None = None) -> dict[str, bool]:
    file = tmp_path / "post.html"
    page = parse_page(POST.format(head=head), str(file), final_url=file.as_uri(), site_url=site)
    return {link.href: is_internal_link(page, link) for link in article_links(page)}


def test_a_local_file_takes_its_site_from_canonical_og_url_or_base_url(tmp_path: Path) -> None:
    canonical = '<link rel="canonical" href="https://example.com/blog/post/">'
    want = {
        "https://www.example.com/blog/other/": True,  # the post's own site (www. or not)
        "/about/": True,  # a local file next to it
        "https://elsewhere.org/x": False,
    }
    assert _local(canonical, tmp_path) == want
    assert _local('<meta property="og:url" content="https://example.com/p">', tmp_path) == want
    assert _local("", tmp_path, site="https://example.com/") == want
    # without any of them, an absolute link is another site
    assert _local("", tmp_path)["https://www.example.com/blog/other/"] is False


def test_dev_host_and_relative_canonicals_name_no_site() -> None:
    file = "file:///site/post.html"
    assert published_url(file, None, ["http://0.0.0.0:4000/post/"], []) == file
    assert published_url(
        file, None, ["post.html", "http://localhost:4000/x"], ["https://a.org/p"]
    ) == ("https://a.org/p")
    assert published_url("https://b.org/p", "https://a.org/", ["https://c.org/"], []) == (
        "https://b.org/p"
    ), "a fetched page is where it was fetched"
