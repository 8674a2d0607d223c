"""One keep-alive :class:`~conformance.suite.transport.Transport` per sending thread, closed together."""

from __future__ import annotations

import threading

from conformance.suite.budget import SnapshotBudget
from conformance.suite.config import MAX_RESPONSE_BYTES
from conformance.suite.model import Case, Exchange
from conformance.suite.target import Target, retry_policy
from conformance.suite.transport import Transport


class TransportPool:
    """Transports for one target; every re-send of a creating case asks the budget first."""

    def __init__(self, target: Target, timeout: float, budget: SnapshotBudget | None = None) -> None:
        self.target, self.timeout = target, timeout
        self.budget = budget or SnapshotBudget(None)
        self.local = threading.local()
        self.all: list[Transport] = []
        self.lock = threading.Lock()
        self.aborted = False

    def get(self) -> Transport:
        transport: Transport | None = getattr(self.local, "transport", None)
        if transport is None:
            # ``timeout`` bounds each exchange, connect to last byte (wall clock).
            transport = Transport(self.target.url, self.target.region, self.target.credentials,
                                  timeout=self.timeout, max_response_bytes=MAX_RESPONSE_BYTES,
                                  may_resend_creating=self.budget.resend, **retry_policy(self.target.live))
            self.local.transport = transport
            with self.lock:
                self.all.append(transport)
                if self.aborted:          # made by a thread that started after the interrupt
                    transport.abort()
        return transport

    def send(self, case: Case) -> Exchange:
        return self.get().send(case)

    def close(self) -> None:
        with self.lock:
            for transport in self.all:
                transport.close()
            self.all.clear()

    def abort(self) -> None:
        """Cut every exchange in flight, and any a transport made later would start (Ctrl-C: the
        sending threads must not outlive the run)."""
        with self.lock:
            self.aborted = True
            for transport in self.all:
                transport.abort()
