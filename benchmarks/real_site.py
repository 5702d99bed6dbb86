"""Build a benchmark site from the real-page corpus: N URLs over the published posts.

    python benchmarks/real_site.py OUT [--posts 1000] [--base-url http://127.0.0.1:8000]

Copies every post of `fixtures/corpus/*.html` (41 pages written by 20-odd generators and
themes, see `fixtures/corpus/SOURCES.md`) byte for byte into OUT, round-robin, until
there are `--posts` of them: copy K of page NAME is `OUT/K/NAME/index.html`, served as
`BASE/K/NAME/`, so every URL is a page of its own (own path, own file) as on the
generated sites. The redirect stub (`<meta http-equiv="refresh" content="0;url=...">`,
under 50 words) is left out: it is not an article and postaudit does not audit it as
one (`M615`, docs/redirects.md), so it would only add cheap pages to the batch.

Beside the pages: `sitemap.xml` (one urlset, every URL), `robots.txt` naming it, and
`manifest.json` in the shape `floor.py` reads (`pages[].path`, plus each copy's
`source`). The pages keep their own links: their absolute links name their original
hosts, which run.py keeps postaudit from checking (`--exclude-link`, see
`link_exclusion` and docs/performance.md); their relative links resolve on the local
site and mostly answer 404 there.

Deterministic for a given corpus, post count and base URL. Standard library only.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"

#: An instant-or-delayed refresh that names a target URL (what makes a redirect stub).
_REFRESH = re.compile(
    rb"<meta\b[^>]*http-equiv\s*=\s*[\"']?refresh[\"']?[^>]*content\s*=\s*[\"']?\s*\d+\s*[;,]"
    rb"\s*url\s*=",
    re.IGNORECASE,
)
_TAG = re.compile(rb"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)
#: postaudit's threshold: a refresh page with fewer words than this is a stub.
STUB_WORDS = 50


def is_redirect_stub(data: bytes) -> bool:
    """A page whose job is to redirect: a meta refresh naming a URL, under 50 words."""
    if not _REFRESH.search(data):
        return False
    words = _TAG.sub(b" ", data).split()
    return len(words) < STUB_WORDS


@dataclass(frozen=True)
class Source:
    name: str  # the corpus file's stem
    path: Path


def corpus_pages(corpus: Path = CORPUS) -> tuple[list[Source], list[Source]]:
    """The corpus posts (sorted by name) and the redirect stubs left out."""
    posts: list[Source] = []
    stubs: list[Source] = []
    for path in sorted(corpus.glob("*.html")):
        source = Source(path.stem, path)
        (stubs if is_redirect_stub(path.read_bytes()) else posts).append(source)
    return posts, stubs


@dataclass(frozen=True)
class Copy:
    url: str
    path: str  # relative to the site folder
    source: str  # the corpus file's stem


@dataclass(frozen=True)
class RealSite:
    base_url: str
    copies: tuple[Copy, ...]
    sources: tuple[str, ...]
    skipped: tuple[str, ...]

    @property
    def sitemap_url(self) -> str:
        return f"{self.base_url}/sitemap.xml"


def plan(sources: Sequence[Source], posts: int, base_url: str) -> list[Copy]:
    """Round-robin over `sources` until there are `posts` copies, each its own path."""
    if not sources:
        raise ValueError("the corpus has no posts")
    if posts < 1:
        raise ValueError("posts must be at least 1")
    base = base_url.rstrip("/")
    width = max(3, len(str((posts - 1) // len(sources))))
    out: list[Copy] = []
    for i in range(posts):
        round_, source = divmod(i, len(sources))
        name = sources[source].name
        folder = f"{round_:0{width}d}/{name}"
        out.append(Copy(f"{base}/{folder}/", f"{folder}/index.html", name))
    return out


def sitemap_xml(urls: Sequence[str]) -> str:
    rows = "".join(f"<url><loc>{html.escape(u, quote=False)}</loc></url>\n" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + rows + "</urlset>\n"
    )


def build(
    out: Path,
    *,
    posts: int = 1000,
    base_url: str = "http://127.0.0.1:8000",
    corpus: Path = CORPUS,
) -> RealSite:
    """Write the site into `out` (created if needed) and return what is in it."""
    sources, stubs = corpus_pages(corpus)
    copies = plan(sources, posts, base_url)
    by_name = {s.name: s.path for s in sources}
    out.mkdir(parents=True, exist_ok=True)
    for copy in copies:
        target = out / copy.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(by_name[copy.source], target)
    site = RealSite(
        base_url.rstrip("/"),
        tuple(copies),
        tuple(s.name for s in sources),
        tuple(s.name for s in stubs),
    )
    (out / "sitemap.xml").write_text(sitemap_xml([c.url for c in copies]), encoding="utf-8")
    (out / "robots.txt").write_text(
        f"User-agent: *\nDisallow:\n\nSitemap: {site.sitemap_url}\n", encoding="utf-8"
    )
    manifest = {
        "corpus": "fixtures/corpus",
        "posts": posts,
        "base_url": site.base_url,
        "sitemap": site.sitemap_url,
        "sources": list(site.sources),
        "skipped": list(site.skipped),
        "pages": [{"url": c.url, "path": c.path, "source": c.source} for c in copies],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return site


def link_exclusion(base_url: str) -> str:
    """The `--exclude-link` regex that leaves only links on `base_url`'s origin checked."""
    return "^(?!" + re.escape(base_url.rstrip("/")) + "(?:[/?#]|$))"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="output folder (created if missing)")
    parser.add_argument("--posts", type=int, default=1000, help="number of URLs (default 1000)")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    site = build(args.out, posts=args.posts, base_url=args.base_url)
    took = time.perf_counter() - start
    print(
        f"{len(site.copies)} copies of {len(site.sources)} corpus posts in {args.out} "
        f"({took:.1f} s; left out: {', '.join(site.skipped) or 'none'}); "
        f"sitemap {site.sitemap_url}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
