"""The snapshot budget: one object that bounds the requests that could create a snapshot.

Every send of a creating case counts, and so does every re-send after a throttled or unanswered
attempt (the first attempt may have created one), so ``--max-snapshots`` bounds the snapshots
whatever the endpoint answers.  Any 2xx answer counts as accepted, whatever the case (a wrong
endpoint may create a snapshot for a request it should refuse): a creating case is sent only
while the accepted answers and the creating requests still in flight stay under the cap, and
once as many requests were accepted as the cap allows, nothing more is sent.  The counts may be
shared between processes (pytest-xdist workers) through a file, so that the cap holds for the
whole test session.
"""

from __future__ import annotations

import fcntl
import json
import threading
from collections.abc import Callable
from pathlib import Path

from conformance.suite.model import Case, Exchange

OVER_CAP = "over --max-snapshots"
Values = dict[str, int]
NAMES = ("attempts", "accepted", "in_flight")


class Counts:
    """The budget's counters in this process; ``update`` applies a change atomically."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.values: Values = dict.fromkeys(NAMES, 0)

    def update(self, change: Callable[[Values], bool]) -> bool:
        with self.lock:
            return change(self.values)


class SharedCounts(Counts):
    """The same counters in a JSON file under an exclusive lock: one budget for several processes."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        path.touch(exist_ok=True)

    def update(self, change: Callable[[Values], bool]) -> bool:
        with self.lock, open(self.path, "r+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)      # released when the file is closed
            text = handle.read()
            values: Values = {**dict.fromkeys(NAMES, 0), **(json.loads(text) if text.strip() else {})}
            done = change(values)
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(values))
            return done


class SnapshotBudget:
    """``cap`` snapshot-creating attempts at most (None: no cap), first sends and re-sends alike."""

    def __init__(self, cap: int | None, counts: Counts | None = None) -> None:
        self.cap = cap
        self.counts = counts or Counts()
        self.stopped: str | None = None

    def admit(self, case: Case) -> bool:
        """May ``case`` be sent now?  A creating case takes one attempt and is in flight until answered."""
        cap = self.cap
        if cap is None:
            return True
        seen: Values = {}

        def change(values: Values) -> bool:
            seen.update(values)
            if values["accepted"] >= cap:
                return False
            if not case.creates:
                return True
            if values["attempts"] >= cap or values["accepted"] + values["in_flight"] >= cap:
                return False
            values["attempts"] += 1
            values["in_flight"] += 1
            return True

        admitted = self.counts.update(change)
        if not admitted and seen.get("accepted", 0) >= cap:
            self.stopped = (f"snapshot cap reached: the endpoint accepted {seen['accepted']} requests "
                            f"(--max-snapshots {cap})")
        return admitted

    def resend(self, _case: Case | None = None) -> bool:
        """May a creating case be sent again?  The transport asks before each re-send."""
        cap = self.cap

        def change(values: Values) -> bool:
            if cap is not None and values["attempts"] >= cap:
                return False
            values["attempts"] += 1
            return True

        return self.counts.update(change)

    def answered(self, exchange: Exchange) -> None:
        """Count the answer: accepted if 2xx; a creating case is no longer in flight."""
        resp = exchange.response
        accepted = resp is not None and 200 <= resp.status < 300
        creates = exchange.case.creates and self.cap is not None

        def change(values: Values) -> bool:
            values["accepted"] += accepted
            values["in_flight"] -= creates
            return True

        if accepted or creates:
            self.counts.update(change)

    @property
    def attempts(self) -> int:
        found: Values = {}
        self.counts.update(lambda values: bool(found.update(values)) or True)
        return found["attempts"]
