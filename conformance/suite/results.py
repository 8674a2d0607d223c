"""What a run produced (:class:`RunResult`): the reports, the table and the exit code are made from it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from conformance.protocol.credentials import Credentials
from conformance.suite import baseline as baselines
from conformance.suite.model import Exchange
from conformance.suite.scoreboard import RuleResult, Scoreboard


@dataclass
class RunResult:
    """Everything a run produced."""

    endpoint: str
    embedded: bool
    faults: tuple[str, ...]
    region: str
    volume_arn: str
    profile: str
    seed: int
    workers: int
    started_at: datetime
    duration_s: float                  # the whole run, generation included
    cases_generated: int
    requests_sent: int
    scoreboard: Scoreboard
    exchanges: list[Exchange] = field(default_factory=list)
    stopped: str | None = None
    send_duration_s: float = 0.0       # sending and checking only
    exit_code: int = 0
    report_paths: dict[str, Path] = field(default_factory=dict)
    credentials: Credentials | None = field(default=None, repr=False)   # for redaction only
    baseline: baselines.Comparison | None = None
    variants: tuple[str, ...] = ()     # the embedded endpoint's variants
    live: bool = False
    diagnosis: str | None = None       # the preflight's finding about the endpoint (shown first)
    endpoint_source: str | None = None  # where an external endpoint came from (an AWS_ENDPOINT_URL* variable)
    complete: bool = True              # False: interrupted (SIGINT/SIGTERM); the results of what finished

    @property
    def verdict(self) -> str:
        if not self.complete:        # exit 130/143: the verdict of what finished
            return "fail" if self.failing_rules() else "pass"
        return "fail" if self.exit_code == 1 else "pass"

    def status_of(self, result: RuleResult) -> str:
        """The rule's status in this run: the scoreboard's, or ``known`` when the baseline expects it."""
        if self.baseline is None:
            return result.status
        return self.baseline.rule_status(result.rule.id, result.status)

    def statuses(self) -> dict[str, str]:
        return {r.rule.id: self.status_of(r) for r in self.scoreboard.results()}

    def failing_rules(self) -> list[str]:
        """MUST rules that fail the run (known failures aside)."""
        return [rid for rid, status in self.statuses().items() if status == "fail"]

    def counts(self) -> Counter[str]:
        return Counter(self.statuses().values())
