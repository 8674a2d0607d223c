"""The progress bar of a run on stderr: drawn on a terminal only, silent otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """A one-line bar on a TTY (redrawn at most 10 times a second); silent otherwise."""

    WIDTH = 30

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last = 0.0

    def __call__(self, done: int, total: int, failing: int) -> None:
        """Engine callback: ``done`` answers of ``total`` planned, ``failing`` rules failing so far."""
        if not self.live:
            return
        total = max(total, 1)
        now = time.monotonic()
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        filled = self.WIDTH * min(done, total) // total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} requests, {failing} failing rules")
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\r" + " " * (self.WIDTH + 60) + "\r")
            self.stream.flush()
