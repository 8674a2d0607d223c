"""The progress bar of a run on stderr (rich): drawn on a terminal only, silent otherwise.

While the cases are generated it shows a spinner ("generating cases"); then a bar of the answers
received out of the requests planned, with the rate, the time left and the rules failing so far.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text


class RateColumn(ProgressColumn):
    """Requests per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} req/s" if speed else "- req/s")


class Progress:
    """The engine's progress callback: a rich bar on a TTY (and with ``enabled``), nothing otherwise."""

    def __init__(self, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = stream or sys.stderr
        self.live = enabled and bool(getattr(self.stream, "isatty", lambda: False)())
        self.bar: RichProgress | None = None
        self.task: Any = None

    def _start(self) -> RichProgress:
        console = Console(file=self.stream, force_terminal=True, highlight=False)
        self.bar = RichProgress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                MofNCompleteColumn(), RateColumn(), TimeRemainingColumn(),
                                TextColumn("{task.fields[failing]} failing rules"),
                                console=console, transient=True, refresh_per_second=10)
        self.bar.start()
        self.task = self.bar.add_task("generating cases", total=None, failing=0)
        return self.bar

    def __call__(self, done: int, total: int, failing: int) -> None:
        """``done`` answers of ``total`` planned (0: still generating), ``failing`` rules failing so far."""
        if not self.live:
            return
        bar = self.bar or self._start()
        if total:
            bar.update(self.task, description="requests", total=total, completed=done, failing=failing)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
