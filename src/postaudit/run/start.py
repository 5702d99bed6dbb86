"""How worker processes start, with nothing but `multiprocessing` imported (so the CLI
can ask before it imports the rest): forked from a fork server that preloads
`postaudit.run.worker_preload`, or spawned where there is no fork server."""

from __future__ import annotations

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


__all__ = ["PRELOAD", "spawn_context", "worker_context"]
