"""The conformance suite as pytest items, so that another project's CI can gate on it.

Inert unless ``--sgw-conformance`` is given.  Then one item per rule of the registry is
added to the session (``sgw-conformance::<rule id>``, so ``-k`` selects rules).  An item of a
case rule sends that rule's cases and fails when the rule fails, showing the evidence; items
of the cross-cutting rules (response shape, no 5xx, transport, SnapshotId uniqueness) run
last and judge every answer that process has seen.  A SHOULD rule that breaks is a warning,
a rule nothing exercised is skipped.

Options (one table, :data:`OPTIONS`; each also an ini setting ``sgw_<name>``): ``--sgw-endpoint URL``
(default: AWS_ENDPOINT_URL_STORAGE_GATEWAY, AWS_ENDPOINT_URL, else the embedded reference endpoint,
one per process), ``--sgw-region``, ``--sgw-volume-arn``, ``--sgw-profile`` (default ci),
``--sgw-seed`` (default 0), ``--sgw-allow-live``, ``--sgw-max-snapshots``, ``--sgw-timeout``,
``--sgw-baseline`` (listed failures xfail), ``--sgw-report-dir`` (the run's three reports),
``--sgw-include`` / ``--sgw-exclude``: the CLI's options, and the same engine
(:class:`conformance.suite.engine.Session`) and preflight behind them.  A setup that cannot be used
is one error (the other items are skipped); a disputed rule is reported as DISPUTED.  Credentials for an
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
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conformance import embedded
from conformance.cli.run import secrets_of
from conformance.errors import UsageError
from conformance.protocol.redaction import Secrets
from conformance.reports.report_json import exchange_evidence
from conformance.reports.writer import write_reports
from conformance.suite import baseline as baselines
from conformance.suite import rulebook
from conformance.suite.aws_env import endpoint_from_env
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
from conformance.suite.results import RunResult
from conformance.suite.safety import LIVE_MAX_SNAPSHOTS
from conformance.suite.scoreboard import RuleResult, Scoreboard

NAME = "sgw-conformance"
CROSS_CUTTING = frozenset(EXCHANGE_CHECKS) | frozenset(RUN_CHECKS)


class ConformanceWarning(UserWarning):
    """A SHOULD rule of the conformance suite does not hold."""


@dataclass(frozen=True)
class Option:
    """One option: ``--sgw-<name>`` on the command line, ``sgw_<name>`` in the ini file (pytest.ini,
    pyproject's [tool.pytest.ini_options], ...); the command line wins, then the ini file, then
    ``default``."""

    name: str
    help: str
    convert: Callable[[str], Any] = str
    default: Any = None
    kind: str = "value"          # value | flag | list
    choices: tuple[str, ...] | None = None


def _bool(text: str) -> bool:
    return str(text).strip().lower() in ("1", "true", "yes", "on")


OPTIONS: tuple[Option, ...] = (
    Option("conformance", "add one test per conformance rule", kind="flag", default=False),
    Option("endpoint", "endpoint to test (default: AWS_ENDPOINT_URL_STORAGE_GATEWAY, AWS_ENDPOINT_URL, "
                       "else the embedded reference endpoint)"),
    Option("region", "signing region"),
    Option("volume-arn", "volume to snapshot (default: ListVolumes)"),
    Option("profile", "how many cases (default: ci)", default=DEFAULT_PROFILE, choices=tuple(PROFILES)),
    Option("seed", "generation seed (default 0)", int, DEFAULT_SEED),
    Option("allow-live", "allow an endpoint that is not loopback (may create billable snapshots)",
           kind="flag", default=False),
    Option("timeout", "per-request timeout in seconds", float, DEFAULT_TIMEOUT_S),
    Option("max-snapshots", f"cap on snapshot-creating requests, re-sends included, for the whole session "
                            f"(default: unlimited on loopback, {LIVE_MAX_SNAPSHOTS} on live)", int),
    Option("baseline", "known failures (JSON, as `sgw-conformance run --baseline` writes): their rules "
                       "xfail instead of failing", Path),
    Option("report-dir", "write report.json, junit.xml and report.html of the run there (one "
                         "subdirectory per xdist worker)", Path),
    Option("include", "send only the cases of rules matching this glob (repeatable)", kind="list",
           default=()),
    Option("exclude", "do not send the cases of rules matching this glob (repeatable)", kind="list",
           default=()),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(NAME, "Storage Gateway CreateSnapshot conformance suite")
    for option in OPTIONS:
        flag, ini = f"--sgw-{option.name}", f"sgw_{option.name.replace('-', '_')}"
        if option.kind == "flag":
            group.addoption(flag, action="store_true", default=None, help=option.help)
            parser.addini(ini, option.help, type="bool", default=None)
        elif option.kind == "list":
            group.addoption(flag, action="append", default=None, metavar="GLOB", help=option.help)
            parser.addini(ini, option.help, type="linelist", default=[])
        else:
            group.addoption(flag, default=None, type=option.convert, choices=option.choices,
                            metavar=option.name.split("-")[-1].upper(), help=option.help)
            parser.addini(ini, option.help, default=None)


def setting(config: pytest.Config, name: str) -> Any:
    """An option's value: the command line, else the ini file, else its default."""
    option = next(o for o in OPTIONS if o.name == name)
    given = config.getoption(f"--sgw-{name}", default=None)
    if given is not None:
        return tuple(given) if option.kind == "list" else given
    from_ini = config.getini(f"sgw_{name.replace('-', '_')}")
    if from_ini not in (None, "", []):
        if option.kind == "list":
            return tuple(from_ini)
        if option.kind == "flag":
            return _bool(from_ini)
        try:
            value = option.convert(from_ini)
        except (TypeError, ValueError):
            raise pytest.UsageError(f"{NAME}: ini setting sgw_{name.replace('-', '_')} cannot be "
                                    f"{from_ini!r}") from None
        if option.choices and value not in option.choices:
            raise pytest.UsageError(f"{NAME}: sgw_{name.replace('-', '_')} must be one of "
                                    f"{', '.join(option.choices)}")
        return value
    return option.default


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
        self.reported = False              # the setup error was shown once; later items are skipped
        self.known = baselines.load(config.baseline) if config.baseline is not None else None
        self.started_at, self.t0 = datetime.now(UTC), time.perf_counter()
        self.volume_arn, self.generated = config.volume_arn or "", 0

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
        self.volume_arn = self.session.volume()
        cases, to_send = self.session.plan(self.volume_arn)
        self.generated = len(cases)
        to_send = self.session.check_volume(to_send)     # the preflight: setup mistakes are one error
        for case in to_send:
            self.by_rule[case.rule_id].append(case)

    def send(self, cases: list[Case]) -> None:
        assert self.session is not None
        session = self.session
        self._guarded(lambda: session.send(cases))

    def close(self) -> None:
        self.stack.close()

    def known_failure(self, result: RuleResult) -> bool:
        """Every failure of the rule is listed in --sgw-baseline."""
        tally = result.tally
        return bool(self.known and tally.failures and tally.failure_count == len(tally.failures)
                    and all(baselines.failure_key(f) in self.known for f in tally.failures))

    def result(self) -> RunResult | None:
        """What this process ran, as `sgw-conformance run` reports it."""
        session = self.session
        if session is None:
            return None
        target = session.target
        facts = target.embedded
        result = RunResult(
            endpoint=target.url, embedded=facts is not None, faults=facts.faults if facts else (),
            variants=facts.variants if facts else (), region=target.region, volume_arn=self.volume_arn,
            profile=self.config.profile, seed=self.config.seed, workers=1, started_at=self.started_at,
            duration_s=time.perf_counter() - self.t0, cases_generated=self.generated,
            requests_sent=session.sent, scoreboard=session.board, exchanges=session.exchanges,
            stopped=session.stopped, credentials=target.credentials, live=target.live,
            diagnosis=session.diagnosis)
        result.exit_code = 1 if result.failing_rules() else 0
        return result


def _options(config: pytest.Config) -> RunConfig:
    endpoint = setting(config, "endpoint")
    if endpoint is None:                 # the AWS convention, as `sgw-conformance run` follows it
        found = endpoint_from_env()
        endpoint = found[0] if found else None
    return RunConfig(
        endpoint=endpoint, region=setting(config, "region"), volume_arn=setting(config, "volume-arn"),
        profile=setting(config, "profile"), seed=setting(config, "seed"),
        allow_live=setting(config, "allow-live"), timeout=setting(config, "timeout"),
        max_snapshots=setting(config, "max-snapshots"), baseline=setting(config, "baseline"),
        report_dir=setting(config, "report-dir"), include=setting(config, "include"),
        exclude=setting(config, "exclude"))


def _shared_counts(config: pytest.Config) -> Counts | None:
    """Under pytest-xdist, one snapshot budget for all the workers of the session (a locked file)."""
    run_id = getattr(config, "workerinput", {}).get("testrunuid")
    if not run_id:
        return None
    return SharedCounts(Path(tempfile.gettempdir()) / f"sgw-conformance-budget-{run_id}.json")


SUITE_KEY = pytest.StashKey[Suite]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sgw_conformance: a rule of the Storage Gateway conformance suite")
    if not setting(config, "conformance"):
        return
    options = _options(config)
    try:
        validate(options)   # safety: a live endpoint is refused before anything is sent
    except UsageError as exc:
        raise pytest.UsageError(f"{NAME}: {exc}") from None
    config.stash[SUITE_KEY] = Suite(options, _shared_counts(config))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """With --sgw-report-dir: the three reports of what this process ran (per xdist worker a subdirectory)."""
    suite = session.config.stash.get(SUITE_KEY, None)
    if suite is None or suite.config.report_dir is None:
        return
    result = suite.result()
    if result is None:
        return
    worker = getattr(session.config, "workerinput", {}).get("workerid")
    where = suite.config.report_dir / worker if worker else suite.config.report_dir
    try:
        result.report_paths = write_reports(result, where)
    except UsageError as exc:
        warnings.warn(ConformanceWarning(f"{NAME}: {exc}"), stacklevel=1)


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> tuple[str, str, str] | None:
    """A disputed rule is shown as such (D, DISPUTED), not as a plain pass."""
    if report.when == "call" and report.passed and ("sgw_status", "disputed") in report.user_properties:
        return "disputed", "D", "DISPUTED"
    return None


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
        if suite.error is not None and suite.reported:    # an unusable setup is one error, not one per rule
            pytest.skip(f"{NAME} could not run (see the first error): {suite.error}")
        try:
            suite.start()
            suite.send(suite.by_rule.get(self.rule_id, []))
        except RuleFailed:
            suite.reported = suite.error is not None
            raise
        board = suite.board
        rule_id = self.rule_id
        result = RuleResult(board.rules[rule_id], board.status(rule_id), board.tallies[rule_id])
        if result.status == "fail" and suite.known_failure(result):
            pytest.xfail(f"known failure (baseline {suite.config.baseline}): "
                         f"{result.tally.failures[0].reason}")
        if result.status == "fail":
            raise RuleFailed(evidence(result))
        if result.status == "disputed":
            self.user_properties.append(("sgw_status", "disputed"))
            self.user_properties.append(("sgw_accepted", ", ".join(result.tally.alternatives)))
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
