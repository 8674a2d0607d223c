"""``sgw-conformance run``: generate the cases, send them, check every answer, report.

The target is the embedded reference endpoint (started in-process, with its own credentials)
unless ``--endpoint`` names another one.  Safety comes first and before any network activity:
an endpoint that is not loopback (judged from the URL alone, nothing is resolved) is refused
without ``--allow-live``, and cases that could create a billable snapshot are capped by
``--max-snapshots`` (5 by default on a live endpoint).  The run then

1. finds the volume (``--volume-arn``, the embedded endpoint's seeded volume, or ListVolumes),
2. generates the profile's cases (deterministic for a seed; ``ci`` uses seed 0 by default),
3. sends them (one keep-alive Transport per worker thread) and checks each answer as it comes,
   stopping early on a run of transport failures (a circuit breaker; the rest are skipped),
4. judges the failures against a baseline, if one is given (``--baseline FILE``: listed failures
   are ``known`` and do not fail the run; ``--update-baseline`` rewrites FILE, see
   :mod:`conformance.suite.baseline`),
5. prints a table of rules and writes report.json, junit.xml and report.html (the path of the
   HTML report is the last line printed).

Exit 0: every MUST rule holds (or fails only as the baseline expects); 1: some MUST rule failed;
2: usage, configuration, or an endpoint that cannot be reached at first contact.
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import os
import re
import shutil
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from conformance.errors import UsageError
from conformance.protocol.credentials import Credentials
from conformance.reports import reporting
from conformance.suite import baseline as baselines
from conformance.suite.checks import STATUSES, RuleResult, Scoreboard
from conformance.suite.model import Case, Exchange

PROFILES = ("quick", "ci", "thorough")
DEFAULT_PROFILE = "ci"
DEFAULT_SEED = 0
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_REGION = "us-east-2"          # the API reference's example region
LIVE_MAX_SNAPSHOTS = 5                # default cap on a non-loopback endpoint
MAX_TIMEOUT_S = 3600.0                # a per-request timeout beyond an hour is a mistake
MAX_RESPONSE_BYTES = 1 << 20          # read at most 1 MiB of any answer
BREAKER_THRESHOLD = 5                 # consecutive transport failures that stop the run
ENV_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


# --- configuration ----------------------------------------------------------------------------

@dataclass
class RunConfig:
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


@dataclass
class RunResult:
    """Everything a run produced; the reports and the table are made from this."""

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
    variants: tuple[str, ...] = ()     # the embedded endpoint's variants (conformance.faults.VARIANTS)

    @property
    def verdict(self) -> str:
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


# --- safety: judged from the URL alone ---------------------------------------------------------

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


def credentials_from_env() -> Credentials:
    key, secret, token = (os.environ.get(k) or None for k in ENV_KEYS)
    if not key or not secret:
        raise UsageError("an external endpoint needs credentials: set AWS_ACCESS_KEY_ID and "
                         "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN if they are temporary)")
    return Credentials(key, secret, token)


# AWS endpoint host names: storagegateway[-fips].<region>.<DNS suffix of the partition>, the suffix
# amazonaws.com, amazonaws.com.cn (aws-cn), amazonaws.eu (aws-eusc), api.aws (dual-stack), ...
SERVICE_HOST_LABELS = ("storagegateway", "storagegateway-fips")
_REGION_LABEL = re.compile(r"^[a-z]{2,}(-[a-z]+)+-[0-9]+$")     # us-east-2, cn-north-1, eusc-de-east-1


def region_for(url: str, given: str | None) -> str:
    """--region, else the region named in an AWS host name, else the environment, else us-east-2."""
    if given:
        return given
    labels = (urlsplit(url).hostname or "").lower().split(".")
    if len(labels) >= 4 and labels[0] in SERVICE_HOST_LABELS and _REGION_LABEL.match(labels[1]):
        return labels[1]
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


def missing_volume_arn(volume_arn: str, known: tuple[str, ...] = ()) -> str:
    """A well-formed ARN on the same gateway naming a volume that is not there."""
    head, sep, _ = volume_arn.rpartition("/volume/vol-")
    if not sep:
        head = volume_arn.rsplit("/", 1)[0]
    for candidate_id in ("0A1B2C3D", "0F0E0D0C", "7E6D5C4B"):
        candidate = f"{head}/volume/vol-{candidate_id}"
        if candidate != volume_arn and candidate not in known:
            return candidate
    raise UsageError("could not build the ARN of a missing volume")


# --- the target ------------------------------------------------------------------------------------

@dataclass
class Target:
    url: str
    region: str
    credentials: Credentials
    live: bool
    embedded: Any = None               # the ReferenceEndpoint, when it is the target


@contextmanager
def open_target(config: RunConfig) -> Iterator[Target]:
    """The endpoint to test: checked (safety) before anything is started or sent."""
    if config.endpoint is None:
        from conformance.endpoint import emulator, faults
        chosen = faults.resolve(config.faults)
        kwargs: dict[str, Any] = {"faults": tuple(sorted(chosen)),
                                  "variants": tuple(sorted(faults.resolve_variants(config.variants)))}
        if config.region:
            kwargs["region"] = config.region
        if config.credentials is not None:
            kwargs["credentials"] = config.credentials
        endpoint = emulator.ReferenceEndpoint(**kwargs)
        endpoint.start()
        try:
            yield Target(endpoint.url, endpoint.region, endpoint.credentials, False, endpoint)
        finally:
            endpoint.stop()
        return
    if config.faults or config.variants:
        raise UsageError("--fault and --variant apply to the embedded reference endpoint only "
                         "(drop --endpoint)")
    url, live = check_endpoint(config.endpoint, config.allow_live)
    creds = config.credentials or credentials_from_env()
    yield Target(url, region_for(url, config.region), creds, live)


# --- transports, one per worker thread ---------------------------------------------------------------

class SnapshotBudget:
    """How many requests that could create a snapshot may still go out: every send of a creating
    case counts, a re-send after a throttled or unanswered attempt too (the first attempt may have
    created one), so ``--max-snapshots`` bounds the snapshots whatever the endpoint answers."""

    def __init__(self, cap: int | None) -> None:
        self.cap, self.used = cap, 0
        self.lock = threading.Lock()

    def take(self, _case: Case | None = None) -> bool:
        with self.lock:
            if self.cap is not None and self.used >= self.cap:
                return False
            self.used += 1
            return True


class TransportPool:
    """One keep-alive Transport per thread that sends; all closed together."""

    def __init__(self, target: Target, timeout: float, budget: SnapshotBudget | None = None) -> None:
        self.target, self.timeout = target, timeout
        self.budget = budget or SnapshotBudget(None)
        self.local = threading.local()
        self.all: list[Any] = []
        self.lock = threading.Lock()

    def get(self) -> Any:
        transport = getattr(self.local, "transport", None)
        if transport is None:
            from conformance.suite.transport import Transport
            # ``timeout`` bounds each exchange, connect to last byte (wall clock).
            transport = Transport(self.target.url, self.target.region, self.target.credentials,
                                  timeout=self.timeout, max_response_bytes=MAX_RESPONSE_BYTES,
                                  may_resend_creating=self.budget.take, **retry_policy(self.target.live))
            self.local.transport = transport
            with self.lock:
                self.all.append(transport)
        return transport

    def send(self, case: Case) -> Exchange:
        return self.get().send(case)

    def close(self) -> None:
        with self.lock:
            for transport in self.all:
                transport.close()
            self.all.clear()

    def abort(self) -> None:
        """Cut every exchange in flight (Ctrl-C: the sending threads must not outlive the run)."""
        with self.lock:
            for transport in self.all:
                transport.abort()


def retry_policy(live: bool) -> dict[str, Any]:
    """How the transport retries (conformance.suite.transport): throttling answers after a backoff (1 s
    and up on a live endpoint, 50 ms on loopback); a request dropped unanswered on a reused
    keep-alive connection, except, on a live endpoint, one that could create a billable snapshot."""
    return {"throttle_base_s": 1.0 if live else 0.05, "retry_creating_on_stale": not live}


def _volume_arns(listed: Any) -> tuple[str, ...]:
    """ARNs from what Transport.list_volumes returned (ARN strings or ListVolumes items)."""
    if isinstance(listed, dict):
        listed = listed.get("VolumeInfos", [])
    arns = []
    for item in listed or ():
        arn = item.get("VolumeARN") if isinstance(item, dict) else item
        if isinstance(arn, str) and arn:
            arns.append(arn)
    return tuple(arns)


def discover_volume(pool: TransportPool, url: str) -> tuple[str, tuple[str, ...]]:
    """The first volume ListVolumes names (first contact with the endpoint)."""
    try:
        arns = _volume_arns(pool.get().list_volumes())
    except UsageError:
        raise
    except Exception as exc:  # refused, DNS, timeout, garbage: the endpoint cannot be used
        raise UsageError(f"cannot reach {url}: {one_line(exc)}") from None
    if not arns:
        raise UsageError(f"ListVolumes at {url} named no volume; pass --volume-arn ARN")
    return arns[0], arns


def one_line(exc: BaseException | str) -> str:
    text = exc if isinstance(exc, str) else (str(exc) or type(exc).__name__)
    return " ".join(text.split())[:300]


# --- planning: the snapshot cap ---------------------------------------------------------------------

def plan(cases: list[Case], max_snapshots: int | None, board: Scoreboard) -> list[Case]:
    """Cases to send: with a cap, the first ``max_snapshots`` creating cases, sent after the rest."""
    if max_snapshots is None:
        return cases
    others = [c for c in cases if not c.creates]
    creating = [c for c in cases if c.creates]
    for case in creating[max_snapshots:]:
        board.skip(case, "over --max-snapshots")
    return others + creating[:max_snapshots]


# --- progress on stderr ---------------------------------------------------------------------------

class Progress:
    """A one-line bar on a TTY (redrawn at most 10 times a second); silent otherwise."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total, self.stream = max(total, 1), stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last = 0.0

    def update(self, done: int, failing: Callable[[], int]) -> None:
        if not self.live:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and done < self.total:
            return
        self.last = now
        filled = self.WIDTH * done // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total} requests, {failing()} failing rules")
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\r" + " " * (self.WIDTH + 60) + "\r")
            self.stream.flush()


# --- sending and checking ---------------------------------------------------------------------------

@dataclass
class Execution:
    """The send/check loop's state: budget, breaker, counts."""

    board: Scoreboard
    max_accepted: int | None
    on_exchange: Callable[[Exchange], None] | None = None
    budget: SnapshotBudget = field(default_factory=lambda: SnapshotBudget(None))
    sent: int = 0
    accepted: int = 0
    creating_in_flight: int = 0
    consecutive_transport_failures: int = 0
    stopped: str | None = None
    exchanges: list[Exchange] = field(default_factory=list)

    def may_send(self, case: Case) -> bool:
        if self.stopped:
            return False
        if self.max_accepted is None:
            return True
        if self.accepted >= self.max_accepted:
            self.stopped = (f"snapshot cap reached: the endpoint accepted {self.accepted} requests "
                            f"(--max-snapshots {self.max_accepted})")
            return False
        if not case.creates:
            return True
        return self.accepted + self.creating_in_flight < self.max_accepted and self.budget.take(case)

    def take(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)
        self.board.record(exchange)
        resp = exchange.response
        if resp is not None and 200 <= resp.status < 300:
            self.accepted += 1
        if resp is None or resp.truncated:
            self.consecutive_transport_failures += 1
            if self.consecutive_transport_failures >= BREAKER_THRESHOLD and not self.stopped:
                self.stopped = (f"circuit breaker: {BREAKER_THRESHOLD} consecutive requests got no "
                                "complete answer; the remaining cases were not sent")
        else:
            self.consecutive_transport_failures = 0
        if self.on_exchange:
            self.on_exchange(exchange)


def execute(cases: list[Case], pool: TransportPool, run: Execution, workers: int) -> None:
    """Send every case (at most ``workers`` in flight) and check each answer as it arrives."""
    pending = deque(cases)
    if workers <= 1:
        while pending:
            case = pending.popleft()
            if not run.may_send(case):
                run.board.skip(case, run.stopped or "over --max-snapshots")
                continue
            run.sent += 1
            run.take(pool.send(case))
        return
    in_flight: dict[Future[Exchange], Case] = {}
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sgw-send")
    try:
        _execute_pooled(pending, in_flight, executor, pool, run, workers)
    except BaseException:   # Ctrl-C: cut the requests in flight rather than wait out their timeout
        pool.abort()
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


def _execute_pooled(pending: deque[Case], in_flight: dict[Future[Exchange], Case],
                    executor: ThreadPoolExecutor, pool: TransportPool, run: Execution,
                    workers: int) -> None:
    while pending or in_flight:
        while pending and len(in_flight) < workers:
            case = pending.popleft()
            if not run.may_send(case):
                run.board.skip(case, run.stopped or "over --max-snapshots")
                continue
            run.sent += 1
            run.creating_in_flight += case.creates
            in_flight[executor.submit(pool.send, case)] = case
        if not in_flight:
            continue
        done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
        for future in done:
            case = in_flight.pop(future)
            run.creating_in_flight -= case.creates
            run.take(future.result())


def first_contact(case: Case, pool: TransportPool, url: str) -> Exchange:
    """Send the first case alone: no HTTP answer at all means the endpoint cannot be reached."""
    exchange = pool.send(case)
    if exchange.response is None:
        raise UsageError(f"cannot reach {url}: {one_line(exchange.error or 'no answer')}")
    return exchange


def generate(volume_arn: str, region: str, profile: str, seed: int, missing: str) -> list[Case]:
    """The profile's cases, each with its id (c0001, ...); the same arguments give the same list."""
    return list(_generate(volume_arn, region, profile, seed, missing))


@lru_cache(maxsize=8)
def _generate(volume_arn: str, region: str, profile: str, seed: int, missing: str) -> tuple[Case, ...]:
    # Deterministic, so runs in one process (tests, the pytest plugin) share the work.
    from conformance.suite.strategies import generate_cases
    cases = generate_cases(volume_arn=volume_arn, region=region, profile=profile, seed=seed,
                           missing_volume_arn=missing)
    return tuple(case if case.id else replace(case, id=f"c{i:04d}") for i, case in enumerate(cases, 1))


def run_suite(config: RunConfig, progress_stream: TextIO | None = None) -> RunResult:
    """The whole run (no printing besides the progress bar); UsageError for exit-2 conditions.

    With ``config.baseline`` the verdict is judged against it; with ``update_baseline`` every
    failure of this run is accepted (the caller writes ``result.baseline.written`` to the file).
    """
    validate(config)
    known_failures = (baselines.load(config.baseline, missing_ok=config.update_baseline)
                      if config.baseline is not None else None)
    started, t0 = datetime.now(UTC), time.perf_counter()
    with open_target(config) as target:
        max_accepted = config.max_snapshots
        if max_accepted is None and target.live:
            max_accepted = LIVE_MAX_SNAPSHOTS
        budget = SnapshotBudget(max_accepted)
        pool = TransportPool(target, config.timeout, budget)
        try:
            known: tuple[str, ...] = ()
            volume_arn = config.volume_arn
            if volume_arn is None and target.embedded is not None:
                volume_arn = target.embedded.volume_arn
            if volume_arn is None:
                volume_arn, known = discover_volume(pool, target.url)
            cases = generate(volume_arn, target.region, config.profile, config.seed,
                             missing_volume_arn(volume_arn, known))
            board = baselines.KeyedScoreboard()
            to_send = plan(cases, max_accepted, board)
            bar = Progress(len(to_send), progress_stream)
            run = Execution(board, max_accepted, (lambda _e: bar.update(
                len(run.exchanges), lambda: len(board.failing_rules()))) if bar.live else None, budget)
            t_send = time.perf_counter()
            if to_send and run.may_send(to_send[0]):
                run.sent += 1
                run.take(first_contact(to_send[0], pool, target.url))
                to_send = to_send[1:]
            try:
                execute(to_send, pool, run, config.workers)
            finally:
                bar.close()
            send_s = time.perf_counter() - t_send
        finally:
            pool.close()
        result = RunResult(
            endpoint=target.url, embedded=target.embedded is not None,
            faults=tuple(sorted(config.faults)), region=target.region, volume_arn=volume_arn,
            profile=config.profile, seed=config.seed, workers=config.workers, started_at=started,
            duration_s=time.perf_counter() - t0, cases_generated=len(cases), requests_sent=run.sent,
            scoreboard=board, exchanges=run.exchanges, stopped=run.stopped, send_duration_s=send_s,
            credentials=target.credentials, variants=tuple(sorted(config.variants)))
    if config.baseline is not None and known_failures is not None:
        result.baseline = compare_with_baseline(result, board, config.baseline, known_failures,
                                                config.update_baseline)
    result.exit_code = 1 if result.failing_rules() else 0
    return result


def compare_with_baseline(result: RunResult, board: baselines.KeyedScoreboard, path: Path,
                          entries: frozenset[baselines.Key], update: bool) -> baselines.Comparison:
    checked = [r.rule.id for r in board.results() if r.tally.cases]
    answered = [e.case.signature for e in result.exchanges if e.response is not None]
    return baselines.compare(path, entries, board.failure_keys, checked, answered, update)


def check_timeout(timeout: float) -> None:
    """A per-request timeout the transport can arm: positive, finite, at most an hour."""
    if not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT_S):
        raise UsageError(f"--timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT_S:g}, "
                         f"not {timeout:g}")


def validate(config: RunConfig) -> None:
    if config.profile not in PROFILES:
        raise UsageError(f"--profile must be one of {', '.join(PROFILES)}")
    if config.workers < 1:
        raise UsageError("--workers must be at least 1")
    check_timeout(config.timeout)
    if config.max_snapshots is not None and config.max_snapshots < 0:
        raise UsageError("--max-snapshots must be 0 or more")
    if config.update_baseline and config.baseline is None:
        raise UsageError("--update-baseline needs --baseline FILE (the file to write)")
    if config.endpoint is not None:   # safety first: judged before anything else happens
        check_endpoint(config.endpoint, config.allow_live)
    reporting.check_report_dir(config.report_dir or reporting.REPORTS_ROOT)
    if config.update_baseline and config.baseline is not None:
        reporting.check_report_dir(config.baseline.parent)


# --- the terminal table -----------------------------------------------------------------------------

def _fit(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 3] + "..."


def table(result: RunResult, width: int = 160) -> str:
    """One line per rule: status, severity, cases, id, and the first failure."""
    lines = [f"{'status':<9}{'sev':<7}{'cases':>6}  {'rule':<44} first failure"]
    fixed = Counter(rule for rule, _ in result.baseline.fixed) if result.baseline else Counter()
    for r in result.scoreboard.results():
        status, notes = result.status_of(r), []
        if fixed[r.rule.id]:
            notes.append(f"fixed since the baseline ({fixed[r.rule.id]} entries)")
        if r.tally.failures:
            f = r.tally.failures[0]
            notes.append(f"{'known (baseline): ' if status == 'known' else ''}{f.case_id}: {f.reason}")
        elif r.status == "disputed":
            notes.append("accepted disputed answers: " + ", ".join(r.tally.alternatives))
        first = "; ".join(notes)
        line = f"{status.upper():<9}{r.rule.severity:<7}{r.tally.cases:>6}  {r.rule.id:<44} {first}"
        lines.append(_fit(line, width))
    return "\n".join(lines)


def baseline_lines(result: RunResult, width: int = 160) -> list[str]:
    """What the baseline made of the run: new failures, fixed and unseen entries, the update."""
    cmp = result.baseline
    if cmp is None:
        return []
    head = (f"baseline {cmp.path}: {sum(cmp.known.values())} known failures "
            f"({len(cmp.known)} entries), {len(cmp.new)} new, {len(cmp.fixed)} fixed, "
            f"{len(cmp.unseen)} not checked by this run")
    lines = [head]
    for label, keys in (("NEW", sorted(cmp.new)), ("FIXED", cmp.fixed)):
        lines += [_fit(f"  {label:<6} {rule} [{signature}]", width) for rule, signature in keys]
    if cmp.updated:
        lines.append(f"baseline {cmp.path} updated: {len(cmp.written)} entries "
                     f"({len(cmp.new)} added, {len(cmp.fixed)} removed as fixed)")
    return lines


def summary_line(result: RunResult) -> str:
    counts = result.counts()
    parts = ", ".join(f"{counts[s]} {s}" for s in (*STATUSES, "known") if counts[s])
    skipped = sum(result.scoreboard.skipped.values())
    extra = f", {skipped} cases not sent" if skipped else ""
    return (f"{result.verdict.upper()}: {result.requests_sent} requests to {result.endpoint} in "
            f"{result.duration_s:.1f} s (profile {result.profile}, seed {result.seed}); "
            f"rules: {parts}{extra}")


# --- the subcommand ---------------------------------------------------------------------------------

def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", metavar="URL",
                        help="endpoint to test (default: the embedded reference endpoint)")
    parser.add_argument("--region", metavar="R", help="signing region (default: from the host, "
                        "AWS_REGION, or us-east-2)")
    parser.add_argument("--volume-arn", metavar="ARN", help="volume to snapshot (default: ListVolumes)")
    parser.add_argument("--profile", choices=PROFILES, default=DEFAULT_PROFILE,
                        help="how many cases (default: ci, deterministic)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generation seed (default: 0)")
    parser.add_argument("--workers", type=int, default=1, metavar="N", help="requests in flight (default: 1)")
    parser.add_argument("--report-dir", type=Path, metavar="DIR",
                        help="where to write reports (default: reports/<UTC time>-<host>/)")
    parser.add_argument("--allow-live", action="store_true",
                        help="allow an endpoint that is not loopback (may create billable snapshots)")
    parser.add_argument("--max-snapshots", type=int, metavar="N",
                        help=f"cap on snapshot-creating cases (default: unlimited on loopback, "
                             f"{LIVE_MAX_SNAPSHOTS} on live)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="S",
                        help=f"per-request timeout in seconds (default: {DEFAULT_TIMEOUT_S:g})")
    parser.add_argument("--baseline", type=Path, metavar="FILE",
                        help="known failures (JSON): listed ones do not fail the run, new ones do, "
                             "listed ones that now pass are reported as fixed")
    parser.add_argument("--update-baseline", action="store_true",
                        help="write this run's failures to the --baseline FILE (and exit 0)")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME", help=argparse.SUPPRESS)
    parser.add_argument("--variant", action="append", default=[], metavar="NAME", help=argparse.SUPPRESS)


def config_from_args(args: argparse.Namespace) -> RunConfig:
    return RunConfig(endpoint=args.endpoint, region=args.region, volume_arn=args.volume_arn,
                     profile=args.profile, seed=args.seed, workers=args.workers,
                     report_dir=args.report_dir, allow_live=args.allow_live,
                     max_snapshots=args.max_snapshots, timeout=args.timeout, faults=tuple(args.fault),
                     variants=tuple(args.variant),
                     baseline=args.baseline, update_baseline=args.update_baseline)


def secrets_of(*credentials: Credentials | None) -> list[str | None]:
    """Every secret the run could know (for the redaction pass)."""
    from conformance.protocol.credentials import EXAMPLE_CREDENTIALS
    values: list[str | None] = [os.environ.get(k) for k in ENV_KEYS[1:]]
    for creds in (*credentials, EXAMPLE_CREDENTIALS):
        if creds is not None:
            values += [creds.secret_key, creds.session_token]
    return values


def command(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    redact = reporting.Redactor.for_secrets(secrets_of(config.credentials))
    try:
        result = run_suite(config)
    except UsageError as exc:
        raise UsageError(redact(str(exc))) from None
    return finish(config, result, sys.stdout)


def finish(config: RunConfig, result: RunResult, out: TextIO) -> int:
    """After the run: the baseline file (if updated), the reports, reports/latest, the terminal output."""
    redact = reporting.Redactor.for_secrets(secrets_of(config.credentials, result.credentials))
    report_dir = config.report_dir
    default_dir = report_dir is None
    if report_dir is None:
        report_dir = reporting.default_report_dir(result.endpoint, result.started_at)
    if result.baseline is not None and result.baseline.updated:
        baselines.write(result.baseline.path, result.baseline.written)
    result.report_paths = reporting.write_reports(result, report_dir, redact)
    if default_dir:
        try:
            reporting.update_latest(report_dir)
        except OSError as exc:   # e.g. a file system without symbolic links: the reports are written
            print(f"sgw-conformance: note: {report_dir.parent / reporting.LATEST} not updated: "
                  f"{exc.strerror or exc}", file=sys.stderr)
    width = shutil.get_terminal_size((240, 24)).columns if out.isatty() else 240
    out.write(redact(table(result, width)) + "\n\n")
    for line in baseline_lines(result, width):
        out.write(redact(line) + "\n")
    if result.stopped:
        out.write(redact(f"stopped early: {result.stopped}") + "\n")
    out.write(redact(summary_line(result)) + "\n")
    out.write(f"report: {result.report_paths['json']}\n")
    out.write(f"html report: {result.report_paths['html']}\n")
    out.flush()
    return result.exit_code
