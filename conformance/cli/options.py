"""The options every sending subcommand shares (run, replay, compare): one wording, one default.

``--allow-live``, ``--max-snapshots`` and ``--timeout`` guard a live endpoint the same way
whichever subcommand sends (docs/protocol.md > Cost and safety).
"""

from __future__ import annotations

import argparse

from conformance.suite.config import DEFAULT_TIMEOUT_S
from conformance.suite.safety import LIVE_MAX_SNAPSHOTS


def add_sending_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--allow-live", action="store_true",
                        help="allow an endpoint that is not loopback (may create billable snapshots)")
    parser.add_argument("--max-snapshots", type=int, metavar="N",
                        help=f"cap on snapshot-creating requests, re-sends included (default: unlimited "
                             f"on loopback, {LIVE_MAX_SNAPSHOTS} on live)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="S",
                        help=f"per-request timeout in seconds (default: {DEFAULT_TIMEOUT_S:g})")
