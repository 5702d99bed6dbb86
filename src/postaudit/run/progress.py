"""The batch progress bar: rich on stderr, only on a terminal.

Pages done of total, the rate in pages per second and the time left. Transient: the
bar disappears when the run ends, leaving the report alone on the terminal.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from postaudit.model import PageResult

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import Task, TaskID
    from rich.text import Text


def wanted(*, quiet: bool, stream: Any = None) -> bool:
    """Show a progress bar? Not with -q, and only when stderr is a terminal."""
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return not quiet and callable(isatty) and bool(isatty())


class BarProgress:
    """`batch.Progress` drawn with rich on stderr."""

    def __init__(self, *, no_color: bool = False) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class RateColumn(ProgressColumn):
            def render(self, task: Task) -> Text:
                speed = task.finished_speed or task.speed
                return Text("… pages/s" if speed is None else f"{speed:.1f} pages/s", style="dim")

        console = Console(stderr=True, no_color=no_color, highlight=False)
        self.progress: RichProgress = Progress(
            TextColumn("[bold]Auditing"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self.task: TaskID | None = None

    def start(self, total: int) -> None:
        self.progress.start()
        self.task = self.progress.add_task("pages", total=total)

    def advance(self, result: PageResult) -> None:
        if self.task is not None:
            self.progress.advance(self.task)

    def stop(self) -> None:
        self.progress.stop()
