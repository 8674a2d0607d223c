"""Safety, judged from the URL alone before anything is sent: loopback or live, and the live cap.

Every accepted CreateSnapshot on AWS creates a billable EBS snapshot (docs/protocol.md > Cost and
safety): an endpoint that is not loopback is refused without ``--allow-live``, and on one that
is allowed the snapshot-creating requests are capped (:class:`conformance.suite.budget.SnapshotBudget`).
No name is ever resolved to decide.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from conformance.errors import UsageError

LIVE_MAX_SNAPSHOTS = 5                # default cap on a non-loopback endpoint


def is_loopback_host(host: str) -> bool:
    """True for localhost and loopback IP literals; no name is ever resolved."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint(url: str, allow_live: bool) -> tuple[str, bool]:
    """(normalised URL, live?) or a UsageError: bad URL, or a live endpoint without --allow-live."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - validates the port
    except ValueError as exc:   # "http://[::1", a port out of range or not a number
        raise UsageError(f"--endpoint {url!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--endpoint must be an http:// or https:// URL with a host, not {url!r}")
    live = not is_loopback_host(parts.hostname)
    if live and not allow_live:
        raise UsageError(f"{parts.hostname} is not a loopback endpoint: nothing was sent. A live endpoint "
                         "can create billable snapshots; pass --allow-live to run against it "
                         f"(at most --max-snapshots, default {LIVE_MAX_SNAPSHOTS}, snapshot-creating cases)")
    return (url if parts.path else url + "/"), live
