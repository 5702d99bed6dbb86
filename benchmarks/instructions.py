"""Instructions a worker executes per page, counted by valgrind: a CPU figure that does
not move with the machine's load.

    python benchmarks/instructions.py FOLDER [--limit 40] [--src SRC ...]

Timings on a shared machine move by 5-10% between two runs of the same code, more than
most single speed steps save. The instructions a process executes do not: the same
code on the same pages counts the same from run to run. For each
`--src` (a source tree to import postaudit from, say a `git worktree` of the commit
before a change; default: the installed postaudit), this runs what
`profile_pages.py` times (`postaudit.run.workers.Worker`: parse, page facts, rules) over
the first `--limit` pages of FOLDER under `valgrind --tool=cachegrind --cache-sim=no`
twice: a warm pass alone, then the warm pass and one more, with the garbage collector
set after the warm pass as a batch worker sets it (`calm_gc`); the difference, divided
by the pages, is one pass's instructions per page (start-up, imports and the first
pass's one-time loads cancel out). Both runs set `PYTHONHASHSEED=0`, so set and dict
orders, and with them the counts, repeat; where the collector happens to run moves
the count by about 0.05% (measured by allocating 3,000 and 7,000 objects before the
measured pass).

Instructions are not time: a cache miss or a system call costs more than its count
says. Use it to compare two versions of the code on the same pages; quote timings
from `profile_pages.py` or `run.py`. Needs valgrind (`apt install valgrind`); about
50 s per 40 light posts.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: cachegrind's summary line, "==123== I   refs:      1,234,567,890" (or "I refs:").
_REFS = re.compile(r"^==\d+==\s+I\s+refs:\s+([\d,]+)\s*$", re.MULTILINE)

#: The measured program: the worker over the folder's pages, the warm pass and then
#: `passes` more (`profile_pages.documents` and `judge_all`, as timed there).
PROGRAM = """
import sys
sys.path.insert(0, {here!r})
from pathlib import Path
import profile_pages
from postaudit.config import Config
from postaudit.run.workers import Worker, calm_gc
docs = profile_pages.documents(Path({folder!r}), {limit!r})
worker = Worker(Config(), frozenset())
profile_pages.judge_all(worker, docs)
calm_gc()  # as a batch worker collects
for _ in range({passes!r}):
    profile_pages.judge_all(worker, docs)
print(len(docs))
"""


def instruction_refs(valgrind_output: str) -> int:
    """The total of cachegrind's "I refs" line."""
    found = _REFS.search(valgrind_output)
    if found is None:
        raise ValueError("no 'I refs' line in valgrind's output")
    return int(found.group(1).replace(",", ""))


def count(folder: Path, limit: int, passes: int, src: Path | None) -> tuple[int, int]:
    """(instructions, pages) of one run of PROGRAM under cachegrind."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    if src is not None:
        env["PYTHONPATH"] = str(src)
    program = PROGRAM.format(here=str(HERE), folder=str(folder), limit=limit, passes=passes)
    cmd = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        "-c",
        program,
    ]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the measured run failed: {done.stderr.strip().splitlines()[-1:]}")
    pages = int(done.stdout.split()[-1])
    return instruction_refs(done.stderr), pages


def per_page(folder: Path, limit: int, src: Path | None) -> float:
    """One pass's instructions per page: (warm + one pass) - (warm alone), over pages."""
    warm, pages = count(folder, limit, 0, src)
    both, _ = count(folder, limit, 1, src)
    if pages == 0:
        raise ValueError(f"no .html file under {folder}")
    return (both - warm) / pages


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=40, help="the first N pages (default 40)")
    parser.add_argument(
        "--src",
        type=Path,
        action="append",
        help="a source tree to import postaudit from (repeat to compare; default: installed)",
    )
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed", file=sys.stderr)
        return 2
    sources: list[Path | None] = list(args.src) if args.src else [None]
    first: float | None = None
    for src in sources:
        n = per_page(args.folder, args.limit, src)
        change = "" if first is None else f"  {100 * (n - first) / first:+.2f}%"
        first = n if first is None else first
        print(f"{src or 'installed'}: {n / 1e6:.2f}M instructions a page{change}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
