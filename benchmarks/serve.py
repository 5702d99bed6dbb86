"""Serve a folder on 127.0.0.1 from its own process (the benchmark's "site").

    python benchmarks/serve.py ROOT [--port 0]

Prints the base URL (``http://127.0.0.1:PORT``) on the first line of stdout, then
serves until stdin is closed or the process is terminated. Uses postaudit's own
threaded static server (`postaudit.localserver.serve_directory`: HTTP/1.1 keep-alive,
``index.html`` for folders, 404 for missing files) without its placeholder rewriting,
so the files are served byte for byte.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from postaudit.localserver import serve_directory


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a folder on 127.0.0.1.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    args = parser.parse_args(argv)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    with serve_directory(args.root, port=args.port, placeholder=None) as base:
        print(base, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            sys.stdin.read()  # returns when the parent closes our stdin (or exits)
    return 0


if __name__ == "__main__":
    sys.exit(main())
