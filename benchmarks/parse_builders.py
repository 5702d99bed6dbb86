"""BeautifulSoup's lxml builder against html.parser on the real-page corpus, and what
postaudit's whole parse_page costs on the same pages (medians of several loops).

    .venv/bin/python benchmarks/parse_builders.py [CORPUS_DIR]   (default fixtures/corpus)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from bs4 import BeautifulSoup

from postaudit.parse.build import parse_page


def main() -> None:
    corpus = Path(
        sys.argv[1]
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
    )
    pages = [p.read_bytes().decode("utf-8", "replace") for p in sorted(corpus.glob("*.html"))]

    def loop(fn: object) -> float:
        start = time.perf_counter()
        for html in pages:
            fn(html)  # type: ignore[operator]
        return time.perf_counter() - start

    runs = {
        "BeautifulSoup(lxml)": lambda h: BeautifulSoup(h, "lxml"),
        "BeautifulSoup(html.parser)": lambda h: BeautifulSoup(h, "html.parser"),
        "postaudit parse_page": lambda h: parse_page(h, "https://example.com/post/"),
    }
    for fn in runs.values():
        loop(fn)
    for name, fn in runs.items():
        ms = statistics.median(loop(fn) for _ in range(5)) * 1000
        print(f"{name:28} {ms:7.0f} ms for {len(pages)} pages")


if __name__ == "__main__":
    main()
