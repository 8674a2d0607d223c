"""A run's settings (:class:`RunConfig`), their defaults, and the checks made before anything is sent."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from conformance.errors import UsageError
from conformance.protocol.credentials import Credentials
from conformance.suite.cases.profiles import PROFILES
from conformance.suite.safety import LIVE_MAX_SNAPSHOTS, check_endpoint

DEFAULT_PROFILE = "ci"
DEFAULT_SEED = 0
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_REGION = "us-east-2"          # the API reference's example region
MAX_TIMEOUT_S = 3600.0                # a per-request timeout beyond an hour is a mistake
MAX_RESPONSE_BYTES = 1 << 20          # read at most 1 MiB of any answer
BREAKER_THRESHOLD = 5                 # consecutive transport failures that stop the run


@dataclass
class RunConfig:
    """What to test and how; the same object drives the CLI, the pytest plugin and replay."""

    endpoint: str | None = None           # None: the embedded reference endpoint
    region: str | None = None
    volume_arn: str | None = None
    profile: str = DEFAULT_PROFILE
    seed: int = DEFAULT_SEED
    workers: int = 1
    report_dir: Path | None = None        # None: reports/<UTC time>-<host>/ under the cwd
    allow_live: bool = False
    max_snapshots: int | None = None      # None: unlimited on loopback, LIVE_MAX_SNAPSHOTS on live
    timeout: float = DEFAULT_TIMEOUT_S
    faults: tuple[str, ...] = ()          # embedded endpoint only (tests, demonstrations)
    variants: tuple[str, ...] = ()        # embedded endpoint only: conformant non-default answers
    credentials: Credentials | None = None  # None: the environment (external endpoints)
    baseline: Path | None = None          # known failures (conformance.suite.baseline)
    update_baseline: bool = False         # rewrite ``baseline`` with this run's failures
    include: tuple[str, ...] = ()         # rule-id globs whose cases are sent (none: every rule)
    exclude: tuple[str, ...] = ()         # rule-id globs whose cases are not sent

    def selects(self, rule_id: str) -> bool:
        """--include / --exclude: the rule's cases are sent (fnmatch globs, e.g. 'validation.*')."""
        from fnmatch import fnmatchcase
        if self.include and not any(fnmatchcase(rule_id, g) for g in self.include):
            return False
        return not any(fnmatchcase(rule_id, g) for g in self.exclude)

    def snapshot_cap(self, live: bool) -> int | None:
        """How many snapshot-creating requests may go out: --max-snapshots, else 5 on a live endpoint."""
        if self.max_snapshots is None and live:
            return LIVE_MAX_SNAPSHOTS
        return self.max_snapshots


def check_timeout(timeout: float) -> None:
    """A per-request timeout the transport can arm: positive, finite, at most an hour."""
    if not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT_S):
        raise UsageError(f"--timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT_S:g}, "
                         f"not {timeout:g}")


def check_snapshot_cap(max_snapshots: int | None) -> None:
    if max_snapshots is not None and max_snapshots < 0:
        raise UsageError("--max-snapshots must be 0 or more")


def validate(config: RunConfig) -> None:
    """Every setting that can be judged without the network; UsageError (exit 2) otherwise."""
    if config.profile not in PROFILES:
        raise UsageError(f"--profile must be one of {', '.join(PROFILES)}")
    if config.workers < 1:
        raise UsageError("--workers must be at least 1")
    check_timeout(config.timeout)
    check_snapshot_cap(config.max_snapshots)
    if config.update_baseline and config.baseline is None:
        raise UsageError("--update-baseline needs --baseline FILE (the file to write)")
    if config.endpoint is not None:   # safety first: judged before anything else happens
        check_endpoint(config.endpoint, config.allow_live)
