"""The conformance suite as pytest items, so that another project's CI can gate on it.

Inert unless ``--sgw-conformance`` is given.  Then one item per rule of the registry is
added to the session (``sgw-conformance::<rule id>``, so ``-k`` selects rules).  An item of a
case rule sends that rule's cases and fails when the rule fails, showing the evidence; items
of the cross-cutting rules (response shape, no 5xx, transport, SnapshotId uniqueness) run
last and judge every answer that process has seen.  A SHOULD rule that breaks is a warning,
a rule nothing exercised is skipped.

Options: ``--sgw-endpoint URL`` (default: the embedded reference endpoint, one per process),
``--sgw-region``, ``--sgw-volume-arn``, ``--sgw-profile`` (default ci), ``--sgw-seed``
(default 0), ``--sgw-allow-live``, ``--sgw-max-snapshots``, ``--sgw-timeout``: the CLI's options,
and the same engine (:class:`conformance.suite.engine.Session`) behind them.  Credentials for an
external endpoint come from ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` / ``AWS_SESSION_TOKEN``.

pytest-xdist: every worker computes the same deterministic case list and runs only the items
it is given, so each case is sent once; the snapshot budget is one for the whole session (the
workers share its counts through a locked file).  The cross-cutting and run-level rules are judged per
worker, on the answers that worker received before the item ran (SnapshotId uniqueness is
therefore checked within each worker, not across workers).
"""

from __future__ import annotations

import contextlib
import tempfile
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conformance import embedded
from conformance.cli.run import secrets_of
from conformance.errors import UsageError
from conformance.protocol.redaction import Secrets
from conformance.reports.report_json import exchange_evidence
from conformance.suite import rulebook
from conformance.suite.budget import Counts, SharedCounts
from conformance.suite.cases.profiles import PROFILES
from conformance.suite.checks import EXCHANGE_CHECKS, RUN_CHECKS
from conformance.suite.config import (
    DEFAULT_PROFILE,
    DEFAULT_SEED,
    DEFAULT_TIMEOUT_S,
    RunConfig,
    validate,
)
from conformance.suite.engine import Session
from conformance.suite.model import Case
from conformance.suite.safety import LIVE_MAX_SNAPSHOTS
from conformance.suite.scoreboard import RuleResult, Scoreboard

NAME = "sgw-conformance"
CROSS_CUTTING = frozenset(EXCHANGE_CHECKS) | frozenset(RUN_CHECKS)


class ConformanceWarning(UserWarning):
    """A SHOULD rule of the conformance suite does not hold."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(NAME, "Storage Gateway CreateSnapshot conformance suite")
    group.addoption("--sgw-conformance", action="store_true", default=False,
                    help="add one test per conformance rule")
    group.addoption("--sgw-endpoint", metavar="URL", default=None,
                    help="endpoint to test (default: the embedded reference endpoint)")
    group.addoption("--sgw-region", metavar="R", default=None, help="signing region")
    group.addoption("--sgw-volume-arn", metavar="ARN", default=None,
                    help="volume to snapshot (default: ListVolumes)")
    group.addoption("--sgw-profile", choices=tuple(PROFILES), default=DEFAULT_PROFILE,
                    help="how many cases (default: ci)")
    group.addoption("--sgw-seed", type=int, default=DEFAULT_SEED, help="generation seed (default 0)")
    group.addoption("--sgw-allow-live", action="store_true", default=False,
                    help="allow an endpoint that is not loopback (may create billable snapshots)")
    group.addoption("--sgw-timeout", type=float, default=DEFAULT_TIMEOUT_S,
                    help="per-request timeout in seconds")
    group.addoption("--sgw-max-snapshots", type=int, default=None, metavar="N",
                    help=f"cap on snapshot-creating requests, re-sends included, for the whole session "
                         f"(default: unlimited on loopback, {LIVE_MAX_SNAPSHOTS} on live)")


class RuleFailed(Exception):
    """A MUST rule failed; the message is the evidence, already redacted."""


class Suite:
    """One process's share of the run: an engine session, its cases by rule (started lazily)."""

    def __init__(self, config: RunConfig, counts: Counts | None = None) -> None:
        self.config, self.counts = config, counts
        self.stack = contextlib.ExitStack()
        self.started = False
        self.error: str | None = None
        self.by_rule: dict[str, list[Case]] = defaultdict(list)
        self.redact = Secrets.of(*secrets_of(config.credentials)).text   # usage errors (exchanges: redacted)
        self.session: Session | None = None

    @property
    def board(self) -> Scoreboard:
        assert self.session is not None
        return self.session.board

    def start(self) -> None:
        if self.started:
            if self.error:
                raise RuleFailed(self.error)
            return
        self.started = True
        self._guarded(self._start)

    def _guarded(self, step: Callable[[], None]) -> None:
        try:
            step()
        except UsageError as exc:
            self.error = self.redact(f"{NAME}: {exc}")
            raise RuleFailed(self.error) from None

    def _start(self) -> None:
        target = self.stack.enter_context(embedded.open_target(self.config))
        self.redact = Secrets.of(*secrets_of(self.config.credentials, target.credentials)).text
        self.session = Session(self.config, target, counts=self.counts)
        self.stack.callback(self.session.close)
        _, to_send = self.session.plan(self.session.volume())
        to_send = self.session.check_volume(to_send)     # the preflight: setup mistakes are one error
        for case in to_send:
            self.by_rule[case.rule_id].append(case)

    def send(self, cases: list[Case]) -> None:
        assert self.session is not None
        session = self.session
        self._guarded(lambda: session.send(cases))

    def close(self) -> None:
        self.stack.close()


def _options(config: pytest.Config) -> RunConfig:
    return RunConfig(
        endpoint=config.getoption("--sgw-endpoint"), region=config.getoption("--sgw-region"),
        volume_arn=config.getoption("--sgw-volume-arn"), profile=config.getoption("--sgw-profile"),
        seed=config.getoption("--sgw-seed"), allow_live=config.getoption("--sgw-allow-live"),
        timeout=config.getoption("--sgw-timeout"), max_snapshots=config.getoption("--sgw-max-snapshots"))


def _shared_counts(config: pytest.Config) -> Counts | None:
    """Under pytest-xdist, one snapshot budget for all the workers of the session (a locked file)."""
    run_id = getattr(config, "workerinput", {}).get("testrunuid")
    if not run_id:
        return None
    return SharedCounts(Path(tempfile.gettempdir()) / f"sgw-conformance-budget-{run_id}.json")


SUITE_KEY = pytest.StashKey[Suite]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sgw_conformance: a rule of the Storage Gateway conformance suite")
    if not config.getoption("--sgw-conformance", default=False):
        return
    options = _options(config)
    try:
        validate(options)   # safety: a live endpoint is refused before anything is sent
    except UsageError as exc:
        raise pytest.UsageError(f"{NAME}: {exc}") from None
    config.stash[SUITE_KEY] = Suite(options, _shared_counts(config))


def pytest_unconfigure(config: pytest.Config) -> None:
    suite = config.stash.get(SUITE_KEY, None)
    if suite is not None:
        suite.close()


class SuiteNode(pytest.Collector):
    """The parent of the rule items (not a file)."""

    def collect(self) -> list[pytest.Item]:
        rules = rulebook.load().rules
        ordered = [r for r in rules if r not in CROSS_CUTTING] + [r for r in rules if r in CROSS_CUTTING]
        return [RuleItem.from_parent(self, name=rule_id) for rule_id in ordered]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    if SUITE_KEY not in config.stash:
        return
    node = SuiteNode.from_parent(session, name=NAME, nodeid=NAME)
    items.extend(node.collect())


class RuleItem(pytest.Item):
    """One rule: send its cases (if it has any), then judge it on what this process has seen."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rule_id = self.name
        self.add_marker("sgw_conformance")

    @property
    def suite(self) -> Suite:
        return self.config.stash[SUITE_KEY]

    def runtest(self) -> None:
        suite = self.suite
        suite.start()
        suite.send(suite.by_rule.get(self.rule_id, []))
        board = suite.board
        rule_id = self.rule_id
        result = RuleResult(board.rules[rule_id], board.status(rule_id), board.tallies[rule_id])
        if result.status == "fail":
            raise RuleFailed(evidence(result))
        if result.status == "warn":
            warnings.warn(ConformanceWarning(f"{self.rule_id} (SHOULD): {result.tally.failures[0].reason}"),
                          stacklevel=1)
        if result.status == "untested":
            pytest.skip(f"no case exercised {self.rule_id} in this process")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, RuleFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        return NAME, None, f"{NAME}::{self.rule_id}"


def evidence(result: RuleResult, limit: int = 3) -> str:
    """The rule, its source and the first failures with request and response."""
    rule, tally = result.rule, result.tally
    lines = [f"{rule.id} ({rule.severity}) failed on {tally.failure_count} of {tally.cases} checks",
             f"  rule:   {rule.statement}", f"  source: {rule.source}"]
    for failure in tally.failures[:limit]:
        lines.append(f"- case {failure.case_id}: {failure.reason}")
        if failure.exchange is None:
            continue
        ev = exchange_evidence(failure.exchange)
        req = ev["request"]
        lines.append(f"    signature: {failure.exchange.case.signature}")
        lines.append(f"    request:  {req['method']} {req['url']} {_headers(req['headers'])}")
        lines.append(f"              {_clip(req['body'])}")
        resp = ev["response"]
        if resp is None:
            lines.append(f"    response: none ({ev['transport_error']})")
        else:
            lines.append(f"    response: {resp['status']} {_headers(resp['headers'])}")
            lines.append(f"              {_clip(resp['body'])}")
    if tally.failure_count > limit:
        lines.append(f"... and {tally.failure_count - limit} more")
    return "\n".join(lines)


def _headers(headers: dict[str, str]) -> str:
    return " ".join(f"{k}: {v};" for k, v in headers.items() if k.lower() != "authorization")


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


@pytest.fixture(scope="session")
def sgw_endpoint() -> Any:
    """The reference endpoint, serving on a free loopback port for the whole session (one per
    xdist worker), as moto's ThreadedMotoServer serves other tests: ``url``, ``region``,
    ``volume_arn``, ``access_key``, ``secret_key``; ``reset()`` forgets every snapshot.
    README.md > A local Storage Gateway."""
    from conformance.endpoint.service import ReferenceEndpoint

    with ReferenceEndpoint() as endpoint:
        yield endpoint
