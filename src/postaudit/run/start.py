"""How worker processes start, with nothing but `multiprocessing` imported (so the CLI
can ask before it imports the rest): forked from a fork server that preloads
`postaudit.run.worker_preload`, or spawned where there is no fork server."""

from __future__ import annotations

import contextlib
import os
from typing import Any

PRELOAD = "postaudit.run.worker_preload"


def spawn_context() -> Any:
    import multiprocessing

    return multiprocessing.get_context("spawn")


def worker_context() -> Any:
    """How worker processes start: forked from a fork server that has imported the
    parser, the rules and textstat once (`postaudit.run.worker_preload`), where the
    platform has one; else spawned (each imports it all itself). Never a fork of this
    process: its event loop and threads must not be copied."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return spawn_context()
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([PRELOAD])
    return ctx


def prestart(workers: int | None) -> None:
    """Start the fork server now, when the run may use worker processes (`workers`
    more than 1, or None: chosen later from the number of pages and cores, on a machine
    with more than one core). Its preload (about 0.5 s of imports) then runs beside the
    main process's own imports and the sitemap read instead of after them; the workers
    fork from it later as before. Nothing happens where workers are spawned; a fork
    server that cannot start here is left for the workers to find out (they fall back
    to spawning)."""
    if workers == 1 or (workers is None and (os.cpu_count() or 1) <= 1):
        return
    if worker_context().get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    with contextlib.suppress(OSError):
        forkserver.ensure_running()


__all__ = ["PRELOAD", "prestart", "spawn_context", "worker_context"]
