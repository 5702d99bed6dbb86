"""The CPU cost of parsing and judging pages, in one process, function by function.

    python benchmarks/profile_pages.py FOLDER [--top 40] [--sort tottime|cumulative]
                                       [--time-only] [--limit N] [--repeat 3]

Reads every `*.html` under FOLDER (say `fixtures/corpus`, or a blog written by
`generate_site.py`) and puts each page through what a batch worker does with it
(`postaudit.run.workers.Worker`: parse, page facts, rules; no fetch, no link checks).
Every page is judged once to warm up first (the syllable dictionaries and word memos
load once per process, as in a batch), then timed: the milliseconds per page of the
fastest of `--repeat` passes in CPU time (the least disturbed by the rest of the machine), and (unless `--time-only`) cProfile's table of a third pass. The profiler
slows small, often-called functions most: compare timings, not profiled seconds.
`profile_batch.py` profiles a whole sitemap run instead (fetch, workers, pipes).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from postaudit.config import Config
from postaudit.model import PageResult
from postaudit.run.pipeline import Document
from postaudit.run.workers import Job, Worker


def documents(folder: Path, limit: int | None = None) -> list[Document]:
    files = sorted(folder.rglob("*.html"))[:limit]
    return [
        Document(
            f"https://pages.example/{f.relative_to(folder).as_posix()}",
            f.read_text(encoding="utf-8", errors="replace"),
        )
        for f in files
    ]


def judge_all(worker: Worker, docs: Sequence[Document]) -> list[PageResult]:
    out = []
    for i, document in enumerate(docs):
        result = worker.parse(Job(i, document))
        out.append(result if isinstance(result, PageResult) else worker.apply_rules(i, {}))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--top", type=int, default=40, help="rows of the profile (default 40)")
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    parser.add_argument("--time-only", action="store_true", help="no profile, the timing only")
    parser.add_argument("--limit", type=int, help="the first N pages only")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (default 3)")
    args = parser.parse_args(argv)
    docs = documents(args.folder, args.limit)
    if not docs:
        print(f"profile_pages: no .html file under {args.folder}", file=sys.stderr)
        return 2
    worker = Worker(Config(), frozenset())
    judge_all(worker, docs)  # warm
    seconds = float("inf")
    for _ in range(max(1, args.repeat)):
        start = time.process_time()
        judge_all(worker, docs)
        seconds = min(seconds, time.process_time() - start)
    print(f"{len(docs)} pages, {1000 * seconds / len(docs):.2f} CPU ms/page (parse + rules)")
    if not args.time_only:
        profile = cProfile.Profile()
        profile.enable()
        judge_all(worker, docs)
        profile.disable()
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
