"""Tests for postaudit.localserver and the bundled demo blog (postaudit/demo_site)."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import itertools
import json
import re
import socket
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from postaudit.localserver import (
    DEFAULT_PLACEHOLDER,
    content_type_for,
    demo_site_root,
    serve_directory,
)

MAIN = "why-anxiety-gets-louder-at-night"
CLEAN = "wind-down-habits-for-anxious-minds"
OLDEST = "when-your-sleep-tracker-makes-anxiety-worse"
POSTS = (OLDEST, MAIN, CLEAN)  # chronological order
CITIES = ("Portland", "Salem", "Eugene", "Bend")

from paths import SEED_FINGERPRINTS  # noqa: E402


@dataclass(frozen=True)
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def request(base_url: str, raw_path: str, method: str = "GET") -> Response:
    """Send ``raw_path`` byte-for-byte (no client-side normalisation of ``..``)."""
    parts = urlsplit(base_url)
    assert parts.hostname is not None and parts.port is not None
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, raw_path)
        resp = conn.getresponse()
        return Response(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def post_path(slug: str) -> str:
    return f"/blog/{slug}.html"


@pytest.fixture(scope="module")
def site_root() -> Path:
    return demo_site_root()


@pytest.fixture(scope="module")
def base_url(site_root: Path) -> Iterator[str]:
    with serve_directory(site_root) as url:
        yield url


def demo_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


# --------------------------------------------------------------------------------------
# demo_site_root / packaging
# --------------------------------------------------------------------------------------


def test_demo_site_root_has_expected_files(site_root: Path) -> None:
    assert site_root.is_dir()
    assert site_root.name == "demo_site"
    for rel in ("index.html", "robots.txt", "sitemap.xml", *(f"blog/{s}.html" for s in POSTS)):
        assert (site_root / rel).is_file(), rel
    images = list((site_root / "images").glob("*.jpg"))
    assert len(images) >= 8
    for img in images:
        data = img.read_bytes()
        assert data[:3] == b"\xff\xd8\xff" and data[-2:] == b"\xff\xd9", img.name
        assert len(data) < 2000


# --------------------------------------------------------------------------------------
# Serving
# --------------------------------------------------------------------------------------


def test_base_url_shape(base_url: str) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url)


def test_every_demo_file_is_served_with_type_and_length(base_url: str, site_root: Path) -> None:
    expected_prefix = {
        ".html": "text/html; charset=utf-8",
        ".xml": "application/xml",
        ".txt": "text/plain",
        ".jpg": "image/jpeg",
        ".md": "text/markdown",
    }
    for path in demo_files(site_root):
        rel = path.relative_to(site_root).as_posix()
        with urllib.request.urlopen(f"{base_url}/{rel}", timeout=10) as resp:
            body = resp.read()
            assert resp.status == 200, rel
            assert resp.headers["Content-Type"].startswith(expected_prefix[path.suffix]), rel
            assert int(resp.headers["Content-Length"]) == len(body), rel
        if path.suffix == ".jpg":
            assert body == path.read_bytes()


def test_root_serves_index(base_url: str, site_root: Path) -> None:
    resp = request(base_url, "/")
    assert resp.status == 200
    assert resp.content_type == "text/html; charset=utf-8"
    assert resp.text == (site_root / "index.html").read_text("utf-8").replace(
        DEFAULT_PLACEHOLDER, base_url
    )


def test_query_string_is_ignored(base_url: str) -> None:
    resp = request(base_url, "/images/IMG_2041.jpg?format=1000w")
    assert resp.status == 200
    assert resp.content_type == "image/jpeg"


def test_extensionless_post_url_falls_back_to_html(base_url: str) -> None:
    resp = request(base_url, f"/blog/{MAIN}")
    assert resp.status == 200
    assert resp.text == request(base_url, post_path(MAIN)).text


def test_sitemap_placeholder_rewritten(base_url: str) -> None:
    resp = request(base_url, "/sitemap.xml")
    assert resp.status == 200
    assert resp.content_type.startswith("application/xml")
    assert DEFAULT_PLACEHOLDER not in resp.text
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = ET.fromstring(resp.body).findall("sm:url", ns)
    locs = [u.findtext("sm:loc", "", ns) for u in urls]
    assert sorted(locs) == sorted(f"{base_url}{post_path(s)}" for s in POSTS)
    for url in urls:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", url.findtext("sm:lastmod", "", ns))
    for loc in locs:
        with urllib.request.urlopen(loc, timeout=10) as page:
            assert page.status == 200


def test_robots_sitemap_line_rewritten(base_url: str) -> None:
    resp = request(base_url, "/robots.txt")
    assert resp.status == 200
    assert resp.content_type.startswith("text/plain")
    assert f"Sitemap: {base_url}/sitemap.xml" in resp.text.splitlines()


def test_canonical_rewritten(base_url: str) -> None:
    page = soup(request(base_url, post_path(MAIN)).text)
    canonical = page.find("link", rel="canonical")
    assert isinstance(canonical, Tag)
    assert canonical["href"] == f"{base_url}{post_path(MAIN)}"
    assert DEFAULT_PLACEHOLDER not in str(page)


def test_missing_file_404(base_url: str) -> None:
    for path in ("/nope.html", "/blog/nope.html", "/images/nope.jpg", "/sitemap.xml.gz"):
        resp = request(base_url, path)
        assert resp.status == 404, path
        assert int(resp.headers["Content-Length"]) == len(resp.body)
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{base_url}/does-not-exist.html", timeout=10)
    assert info.value.code == 404


def test_no_directory_listing(base_url: str) -> None:
    for path in ("/images/", "/images", "/blog/", "/blog"):
        resp = request(base_url, path)
        assert resp.status == 404, path
        assert b"IMG_2041" not in resp.body


@pytest.mark.parametrize(
    "raw_path",
    [
        "/../pyproject.toml",
        "/../__init__.py",
        "/%2e%2e/__init__.py",
        "/%2E%2E/__init__.py",
        "/..%2f__init__.py",
        "/%2e%2e%2f__init__.py",
        "/blog/../../__init__.py",
        "/blog/%2e%2e/%2e%2e/localserver.py",
        "/..\\__init__.py",
        "/%2e%2e%5c__init__.py",
        "/index.html%00.jpg",
        "/%ff%fe",
    ],
)
def test_traversal_refused(base_url: str, raw_path: str) -> None:
    resp = request(base_url, raw_path)
    assert resp.status in (403, 404)
    assert b"__version__" not in resp.body
    assert b"contextmanager" not in resp.body


def test_traversal_and_symlink_escape_refused(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text("<p>home</p>", "utf-8")
    (tmp_path / "secret.txt").write_text("TOPSECRET", "utf-8")
    (root / "escape.txt").symlink_to(tmp_path / "secret.txt")
    (root / ".env").write_text("TOPSECRET", "utf-8")
    with serve_directory(root) as url:
        for raw in (
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2e%2e%2fsecret.txt",
            "/./../secret.txt",
            "/escape.txt",
            "/.env",
        ):
            resp = request(url, raw)
            assert resp.status in (403, 404), raw
            assert b"TOPSECRET" not in resp.body, raw
        assert request(url, "/").status == 200


def test_head(base_url: str) -> None:
    get = request(base_url, post_path(MAIN))
    head = request(base_url, post_path(MAIN), method="HEAD")
    assert head.status == 200
    assert head.body == b""
    assert head.content_type == "text/html; charset=utf-8"
    assert int(head.headers["Content-Length"]) == len(get.body)
    assert request(base_url, "/nope.html", method="HEAD").status == 404
    req = urllib.request.Request(f"{base_url}/sitemap.xml", method="HEAD")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
        assert resp.read() == b""


def test_unsupported_method(base_url: str) -> None:
    assert request(base_url, "/", method="POST").status == 501


def test_content_types_and_rewrite_scope(tmp_path: Path) -> None:
    ph = DEFAULT_PLACEHOLDER
    files: dict[str, bytes] = {
        "a.html": f'<a href="{ph}/x">x</a>'.encode(),
        "b.xml": f"<loc>{ph}/x</loc>".encode(),
        "c.txt": f"Sitemap: {ph}/b.xml".encode(),
        "d.json": f'{{"u": "{ph}"}}'.encode(),
        "e.xml.gz": gzip.compress(f"<loc>{ph}/x</loc>".encode()),
        "f.png": b"\x89PNG\r\n\x1a\n" + ph.encode(),
        "g.jpeg": b"\xff\xd8\xff\xd9",
        "h.webp": b"RIFF",
        "i.svg": b"<svg/>",
        "j.bin": b"\x00\x01",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    expected_types = {
        "a.html": "text/html; charset=utf-8",
        "b.xml": "application/xml",
        "c.txt": "text/plain; charset=utf-8",
        "d.json": "application/json",
        "e.xml.gz": "application/gzip",
        "f.png": "image/png",
        "g.jpeg": "image/jpeg",
        "h.webp": "image/webp",
        "i.svg": "image/svg+xml",
        "j.bin": "application/octet-stream",
    }
    with serve_directory(tmp_path) as url:
        for name, ctype in expected_types.items():
            resp = request(url, f"/{name}")
            assert resp.status == 200, name
            assert resp.content_type == ctype, name
            assert content_type_for(Path(name)) == ctype
            assert int(resp.headers["Content-Length"]) == len(resp.body), name
            if name in ("a.html", "b.xml", "c.txt"):
                assert resp.body == files[name].replace(ph.encode(), url.encode()), name
            else:
                assert resp.body == files[name], name


def test_placeholder_none_disables_rewrite(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(f"{DEFAULT_PLACEHOLDER}/x", "utf-8")
    with serve_directory(tmp_path, placeholder=None) as url:
        assert request(url, "/index.html").text == f"{DEFAULT_PLACEHOLDER}/x"


def test_custom_placeholder(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("https://example.test/a", "utf-8")
    with serve_directory(tmp_path, placeholder="https://example.test") as url:
        assert request(url, "/").text == f"{url}/a"


def test_not_a_directory(tmp_path: Path) -> None:
    with (
        pytest.raises(NotADirectoryError),
        serve_directory(tmp_path / "missing"),
    ):
        pass  # pragma: no cover


def test_concurrent_requests(base_url: str) -> None:
    paths = [post_path(s) for s in POSTS] * 10 + ["/sitemap.xml", "/robots.txt"] * 5
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda p: request(base_url, p).status, paths))
    assert statuses == [200] * len(paths)


def test_keep_alive_connection_reused(base_url: str) -> None:
    parts = urlsplit(base_url)
    assert parts.hostname is not None and parts.port is not None
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        for path in ("/", "/robots.txt", "/sitemap.xml"):
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            assert resp.status == 200
    finally:
        conn.close()


def test_server_stops_on_exit(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("ok", "utf-8")
    with serve_directory(tmp_path) as url:
        assert request(url, "/").status == 200
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    with pytest.raises(OSError):
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()


# --------------------------------------------------------------------------------------
# Demo site content
# --------------------------------------------------------------------------------------


def pagination_hrefs(page: BeautifulSoup) -> tuple[str | None, str | None]:
    def href(kind: str) -> str | None:
        links = page.select(f"section.item-pagination a.item-pagination-link--{kind}")
        assert len(links) <= 1
        return str(links[0]["href"]) if links else None

    return href("prev"), href("next")


def slug_of(href: str | None) -> str | None:
    if href is None:
        return None
    match = re.fullmatch(r"/blog/([a-z0-9-]+)\.html", href)
    assert match, href
    return match.group(1)


def test_pagination_chain_is_reciprocal(base_url: str) -> None:
    pages = {slug: soup(request(base_url, post_path(slug)).text) for slug in POSTS}
    prev_of: dict[str, str | None] = {}
    next_of: dict[str, str | None] = {}
    for slug, page in pages.items():
        prev_href, next_href = pagination_hrefs(page)
        prev_of[slug], next_of[slug] = slug_of(prev_href), slug_of(next_href)
    for slug in POSTS:
        newer, older = next_of[slug], prev_of[slug]
        if newer is not None:
            assert prev_of[newer] == slug
        if older is not None:
            assert next_of[older] == slug
    assert [s for s in POSTS if prev_of[s] is None] == [OLDEST]
    assert [s for s in POSTS if next_of[s] is None] == [CLEAN]
    assert (prev_of[MAIN], next_of[MAIN]) == (OLDEST, CLEAN)
    # The pagination titles match the h1 of the page they point to.
    for page in pages.values():
        for link in page.select("a.item-pagination-link"):
            target = pages[slug_of(str(link["href"])) or ""]
            title = link.select_one("h2.item-pagination-title")
            h1 = target.find("h1")
            assert title is not None and h1 is not None
            assert title.get_text(strip=True) == h1.get_text(strip=True)
            label = link.select_one(".item-pagination-prev-next")
            assert label is not None and label.get_text(strip=True) in ("Previous", "Next")


def test_all_internal_links_and_images_resolve(base_url: str, site_root: Path) -> None:
    seen: set[str] = set()
    for html_file in site_root.rglob("*.html"):
        rel = html_file.relative_to(site_root).as_posix()
        page_url = f"{base_url}/{rel}"
        page = soup(request(base_url, f"/{rel}").text)
        refs = [str(a["href"]) for a in page.find_all("a", href=True)]
        refs += [str(i["src"]) for i in page.find_all("img", src=True)]
        refs += [str(i["data-src"]) for i in page.find_all("img", attrs={"data-src": True})]
        refs += [str(link["href"]) for link in page.find_all("link", href=True)]
        for ref in refs:
            absolute = urljoin(page_url, ref).split("#", 1)[0]
            if not absolute.startswith(base_url) or absolute in seen:
                continue
            seen.add(absolute)
            assert request(base_url, absolute[len(base_url) :] or "/").status == 200, (rel, ref)
    assert len(seen) > 15


def _visible_and_attribute_text(html: str) -> str:
    page = soup(html)
    for node in page(["script", "style"]):
        node.decompose()
    chunks = [page.get_text(" ")]
    chunks += [str(t.get("alt", "")) for t in page.find_all("img")]
    chunks += [str(t.get("content", "")) for t in page.find_all("meta")]
    return " ".join(chunks)


def _normalise(text: str) -> str:
    text = text.lower()
    text = text.translate(str.maketrans("’‘“”—", "''\"\"-"))
    return re.sub(r"\s+", " ", text).strip()


def _demo_page_texts(site_root: Path) -> dict[str, str]:
    return {
        p.relative_to(site_root).as_posix(): _normalise(
            _visible_and_attribute_text(p.read_text("utf-8"))
        )
        for p in site_root.rglob("*.html")
    }


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _seed_fingerprints() -> dict[str, set[str]]:
    """Hashes of the seed article's sentences and 6-word shingles (tests/data/README.md).

    The seed's own words are not in the repository: only these fingerprints are.
    """
    data = json.loads(SEED_FINGERPRINTS.read_text("utf-8"))
    return {"sentences": set(data["sentences"]), "shingles": set(data["shingles"])}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", _normalise(text).replace("'", ""))


def test_seed_fingerprints_catch_a_copied_sentence() -> None:
    """The check below can fail: a known seed phrase hashes into the stored set."""
    shingles = _seed_fingerprints()["shingles"]
    assert len(shingles) > 1000
    assert _fingerprint("therapy for women across texas including") in shingles
    assert _fingerprint("a calm walk through the park") not in shingles


def test_no_seed_sentence_copied(site_root: Path) -> None:
    seed = _seed_fingerprints()["sentences"]
    assert len(seed) > 20
    for name, page_text in _demo_page_texts(site_root).items():
        copied = []
        for raw in re.split(r"(?<=[.!?])\s+|\n+", page_text):
            sentence = raw.strip(" \"'")
            if len(sentence.split()) < 8:
                continue
            if {_fingerprint(sentence), _fingerprint(sentence.rstrip(".!?"))} & seed:
                copied.append(sentence)
        assert not copied, f"{name} copies seed sentences: {copied}"


def test_no_long_phrase_shared_with_seed(site_root: Path) -> None:
    n = 6
    seed = _seed_fingerprints()["shingles"]
    for name, page_text in _demo_page_texts(site_root).items():
        w = _words(page_text)
        shared = sorted(
            " ".join(w[i : i + n])
            for i in range(len(w) - n + 1)
            if _fingerprint(" ".join(w[i : i + n])) in seed
        )
        assert not shared, f"{name} shares phrases with the seed: {shared}"


def _article(page: BeautifulSoup) -> Tag:
    article = page.select_one("article.blog-item")
    assert article is not None
    return article


def _body(page: BeautifulSoup) -> Tag:
    body = page.select_one("article.blog-item div.blog-item-content-wrapper")
    assert body is not None
    return body


def _meta_description(page: BeautifulSoup) -> str:
    meta = page.find("meta", attrs={"name": "description"})
    assert isinstance(meta, Tag)
    return str(meta["content"])


def _heading_levels(scope: Tag) -> list[int]:
    return [int(h.name[1]) for h in scope.find_all(re.compile(r"^h[1-6]$"))]


def _word_count(tag: Tag) -> int:
    return len(tag.get_text(" ", strip=True).split())


def test_main_article_planted_defects(site_root: Path) -> None:
    """The demo exists to show findings: keep these defects in place."""
    page = soup((site_root / "blog" / f"{MAIN}.html").read_text("utf-8"))
    html_tag = page.find("html")
    assert isinstance(html_tag, Tag) and html_tag["lang"] == "en-US"
    assert page.find("meta", attrs={"name": "viewport"}) is not None
    assert page.title is not None and 45 <= len(page.title.get_text()) <= 60
    assert len(_meta_description(page)) < 70  # too short
    assert page.find("link", rel="canonical") is not None
    assert len(page.find_all("h1")) == 1
    body = _body(page)
    assert 900 <= _word_count(body) <= 1300
    levels = [1, *_heading_levels(body)]
    assert any(b - a > 1 for a, b in itertools.pairwise(levels))  # h2 -> h4
    fake_headings = [
        p
        for p in body.find_all("p")
        if len(p.find_all(True)) == 1
        and p.strong is not None
        and p.strong.get_text(strip=True) == p.get_text(strip=True)
    ]
    assert len(fake_headings) == 1
    assert any(_word_count(p) > 150 for p in body.find_all("p"))
    images = body.find_all("img")
    assert len(images) == 4
    alts = [img.get("alt") for img in images]
    assert sum(1 for a in alts if a is None) == 1
    assert "IMG_2041.jpg" in alts
    stuffed = [a for a in alts if a and sum(c in a for c in CITIES) >= 3]
    assert len(stuffed) == 1
    captions = [c.get_text(strip=True) for c in body.select("figure figcaption")]
    assert len(captions) == 4 and all(re.fullmatch(r"Photo by .+ \| \w+", c) for c in captions)
    # Cities appear only in alt text, never in the visible page text.
    visible = page.get_text(" ")
    assert not any(c in visible for c in CITIES)
    links = body.find_all("a", href=True)
    assert [a.get_text(strip=True) for a in links].count("here") == 1
    assert any(str(a["href"]).startswith("https://") for a in links)


def test_clean_post_is_clean(site_root: Path) -> None:
    page = soup((site_root / "blog" / f"{CLEAN}.html").read_text("utf-8"))
    assert page.title is not None and 30 <= len(page.title.get_text()) <= 60
    assert 120 <= len(_meta_description(page)) <= 160
    assert page.find("link", rel="canonical") is not None
    assert len(page.find_all("h1")) == 1
    body = _body(page)
    assert 400 <= _word_count(body) <= 700
    levels = [1, *_heading_levels(body)]
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    for img in body.find_all("img"):
        alt = img.get("alt")
        assert alt and 20 <= len(alt) <= 125 and "." not in alt
    texts = [a.get_text(strip=True).lower() for a in body.find_all("a")]
    assert all(len(t.split()) >= 3 for t in texts)
    assert "Oregon" in body.get_text(" ")


def test_oldest_post_minor_defects(site_root: Path) -> None:
    page = soup((site_root / "blog" / f"{OLDEST}.html").read_text("utf-8"))
    assert page.title is not None and len(page.title.get_text()) > 60
    assert len(_meta_description(page)) > 160
    assert page.find("link", rel="canonical") is None
    body = _body(page)
    assert 400 <= _word_count(body) <= 700
    alts = [str(img.get("alt", "")) for img in body.find_all("img")]
    assert len(alts) == 2 and all(alts)
    assert max(len(a) for a in alts) > 125
    assert _article(page).find("h1") is not None
