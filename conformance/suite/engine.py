"""The engine: one run session, used unchanged by the CLI, the pytest plugin and replay.

A :class:`Session` holds what a run needs between its steps: the target, the snapshot budget,
the transports, the scoreboard and the circuit breaker.  Its steps are

1. ``volume()``: the volume to snapshot (the setting, the embedded endpoint's, or ListVolumes:
   the first contact with the endpoint),
2. ``plan()``: the profile's cases (deterministic per seed), the creating ones beyond the cap
   recorded as not sent,
3. ``send(cases)``: the first case alone (no answer at all means the endpoint cannot be used:
   exit 2), then the rest, at most ``workers`` in flight, each answer checked as it arrives.

Against an external endpoint the preflight (:mod:`conformance.suite.preflight`) comes first:
``check_setup()`` (one probe, before ListVolumes) and ``check_volume(cases)`` (the first case
that should succeed, alone) turn a setup mistake into one usage error (exit 2) instead of
failing rules.  A signature error to the probe or to the first valid case (embedded target too)
is first told apart from a wrong secret by ``check_layout``: the probe's JSON value laid out
otherwise, each signed over its own bytes; if one gets past authentication, the endpoint hashes
something other than the body as sent (a payload-hash failure, the run goes on).  A run
interrupted (Ctrl-C, SIGTERM: :class:`Interrupted`) stops sending and returns what finished,
marked incomplete.

:func:`run` chains them for a whole run and returns a :class:`RunResult`; the pytest plugin calls
``send`` once per rule item, and replay sends its recorded case through the same ``send``.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from conformance.errors import DiscoveryError, EndpointError, UsageError
from conformance.suite import baseline as baselines
from conformance.suite import preflight
from conformance.suite.budget import OVER_CAP, Counts, SnapshotBudget
from conformance.suite.cases.arns import missing_volume_arn
from conformance.suite.config import BREAKER_THRESHOLD, RunConfig, validate
from conformance.suite.model import Case, Exchange
from conformance.suite.pool import TransportPool
from conformance.suite.results import RunResult
from conformance.suite.scoreboard import Scoreboard
from conformance.suite.signing import modes_for
from conformance.suite.target import Target, TargetOpener

OnExchange = Callable[[Exchange], None]
INTERRUPT_EXIT = {2: 130, 15: 143}     # SIGINT, SIGTERM: the shell's 128 + signal number


class Interrupted(KeyboardInterrupt):
    """A signal asked the run to stop (SIGINT is Python's KeyboardInterrupt; SIGTERM is raised as this)."""

    def __init__(self, signum: int = 2) -> None:
        super().__init__(f"signal {signum}")
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return INTERRUPT_EXIT.get(self.signum, 128 + self.signum)


def one_line(exc: BaseException | str) -> str:
    text = exc if isinstance(exc, str) else (str(exc) or type(exc).__name__)
    return " ".join(text.split())[:300]


def generate(volume_arn: str, region: str, profile: str, seed: int, missing: str) -> list[Case]:
    """The profile's cases, each with its id (c0001, ...); the same arguments give the same list."""
    return list(_generate(volume_arn, region, profile, seed, missing))


@lru_cache(maxsize=8)
def _generate(volume_arn: str, region: str, profile: str, seed: int, missing: str) -> tuple[Case, ...]:
    # Deterministic, so runs in one process (tests, the pytest plugin) share the work, and runs in
    # other processes load it from the disk cache (conformance.suite.cases.cache).
    from conformance.suite.cases import generate_cases
    from conformance.suite.cases.cache import cached

    def produce() -> list[Case]:
        cases = generate_cases(volume_arn=volume_arn, region=region, profile=profile, seed=seed,
                               missing_volume_arn=missing)
        return [case if case.id else replace(case, id=f"c{i:04d}") for i, case in enumerate(cases, 1)]

    return tuple(cached((volume_arn, region, profile, seed, missing), produce))


def plan(cases: list[Case], cap: int | None, board: Scoreboard) -> list[Case]:
    """Cases to send: with a cap, the first ``cap`` creating cases, sent after the rest."""
    if cap is None:
        return cases
    others = [c for c in cases if not c.creates]
    creating = [c for c in cases if c.creates]
    for case in creating[cap:]:
        board.skip(case, OVER_CAP)
    return others + creating[:cap]


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


class Session:
    """One run against one target: budget, transports, scoreboard, breaker, and what was sent."""

    def __init__(self, config: RunConfig, target: Target, *, counts: Counts | None = None,
                 on_exchange: OnExchange | None = None, first_contact: bool = True) -> None:
        self.config, self.target = config, target
        self.budget = SnapshotBudget(config.snapshot_cap(target.live), counts)
        self.pool = TransportPool(target, config.timeout, self.budget)
        self.board = baselines.KeyedScoreboard()
        self.on_exchange = on_exchange
        self.exchanges: list[Exchange] = []
        self.sent = 0
        self.contacted = not first_contact    # False: the first answer must come, or exit 2
        self.breaker: str | None = None
        self.known_volumes: tuple[str, ...] = ()
        self.unanswered_in_a_row = 0
        self.probes: list[Exchange] = []      # the preflight's answers
        self.probed = False
        self.preflighted: set[str] = set()    # ids of cases the preflight already sent
        self.diagnosis: str | None = None     # the preflight's finding, shown before everything
        self.layout_checked = False           # check_layout probed (it does once)
        self.valid_seen = False               # the first valid case was answered

    @property
    def stopped(self) -> str | None:
        return self.breaker or self.budget.stopped

    # --- 1. the volume, 2. the plan ---------------------------------------------------------

    def volume(self) -> str:
        """--volume-arn, the embedded endpoint's seeded volume, or the first that ListVolumes names."""
        if self.config.volume_arn:
            return self.config.volume_arn
        if self.target.embedded is not None:
            return self.target.embedded.volume_arn
        self.check_setup()
        self.contacted = True
        try:
            arns = _volume_arns(self.pool.get().list_volumes())
        except DiscoveryError:
            if self.probes and (self.diagnosis or preflight.foreign_answer(self.probes)):
                # not a Storage Gateway at all, or a deviation found already: judge CreateSnapshot
                # anyway, on a placeholder volume
                return preflight.auth_probe(None, self.target.region).params["VolumeARN"]
            raise
        except UsageError:
            raise
        except Exception as exc:  # refused, DNS, timeout, garbage: the endpoint cannot be used
            raise EndpointError(f"cannot reach {self.target.url}: {one_line(exc)}") from None
        if not arns:
            raise UsageError(f"ListVolumes at {self.target.url} named no volume; pass --volume-arn ARN")
        self.known_volumes = arns
        return arns[0]

    def plan(self, volume_arn: str) -> tuple[list[Case], list[Case]]:
        """(every generated case, the cases to send)."""
        cases = generate(volume_arn, self.target.region, self.config.profile, self.config.seed,
                         missing_volume_arn(volume_arn, self.known_volumes))
        sendable = modes_for(self.target.url)     # no Host bent for a target off loopback
        cases = [c for c in cases if c.signing in sendable]
        if self.config.include or self.config.exclude:     # --include / --exclude rule globs
            cases = [c for c in cases if self.config.selects(c.rule_id)]
        return cases, plan(cases, self.budget.cap, self.board)

    # --- the preflight (external targets) -------------------------------------------------------

    def check_setup(self) -> None:
        """The first request: exit 2 (UsageError) when a correctly signed request is refused for
        its credentials, region or clock; no answer at all is exit 2 as well."""
        if self.target.embedded is not None or self.probed:
            return
        self.probed = self.contacted = True
        exchange = self.pool.send(preflight.auth_probe(self.config.volume_arn, self.target.region))
        self.sent += 1
        if exchange.response is None:
            raise EndpointError(f"cannot reach {self.target.url}: {one_line(exchange.error or 'no answer')}")
        self.probes.append(exchange)
        if self.check_layout(exchange):
            return               # the endpoint's deviation, not the credentials': the run goes on
        problem = preflight.auth_problem(exchange, self.target.url, self.target.region)
        if problem:
            raise UsageError(problem)

    def check_volume(self, cases: list[Case]) -> list[Case]:
        """Send the first case that should succeed alone: exit 2 when --volume-arn names no volume
        there; the cases left to send."""
        if self.target.embedded is not None:
            return cases
        self.check_setup()
        probe = preflight.volume_probe(cases)
        if probe is not None and self._admit(probe):
            exchange = self.pool.send(probe)
            self.take(exchange)
            self.preflighted.add(probe.id)
            self.probes.append(exchange)
            problem = (preflight.volume_problem(exchange, self.config.volume_arn, self.target.url)
                       if self.config.volume_arn else None)
            if problem:
                raise UsageError(problem)
        self.diagnosis = self.diagnosis or preflight.foreign_answer(self.probes)
        return [c for c in cases if c.id not in self.preflighted]

    def check_layout(self, refused: Exchange) -> bool:
        """Once, when a correctly signed request is refused for its signature: the auth probe sent
        compact (again, unless ``refused`` is it) and in each other layout of its JSON value, each
        signed over its own bytes.  True (a payload-hash failure recorded, the diagnosis set) when
        the compact one is refused for its signature and another layout gets past authentication."""
        if self.layout_checked or not preflight.signature_refused(refused):
            return False
        self.layout_checked = True
        probe = preflight.auth_probe(self.config.volume_arn, self.target.region)
        control = refused if refused.case == probe else self._probe(probe)
        if control is None or not preflight.signature_refused(control):
            return False
        for layout, case in preflight.layout_probes(probe):
            accepted = self._probe(case)
            if accepted is not None and preflight.past_authentication(accepted):
                self.board.add_failure(preflight.layout_failure(control, accepted, layout))
                self.diagnosis = self.diagnosis or preflight.layout_diagnosis(control, accepted, layout)
                return True
        return False

    def _probe(self, case: Case) -> Exchange | None:
        """A probe sent as the volume probe is: admitted by the budget, its answer counted there."""
        if not self._admit(case):
            return None
        exchange = self.pool.send(case)
        self.budget.answered(exchange)
        return exchange

    # --- 3. sending and checking ---------------------------------------------------------------

    def send(self, cases: list[Case], workers: int = 1) -> None:
        """Send every case (first contact alone), checking each answer as it arrives."""
        pending = deque(c for c in cases if c.id not in self.preflighted)
        if pending and not self.contacted:
            self.contacted = True
            self._first_contact(pending.popleft())
        if workers <= 1:
            while pending:
                case = pending.popleft()
                if self._admit(case):
                    self.take(self.pool.send(case))
            return
        self._send_pooled(pending, workers)

    def _first_contact(self, case: Case) -> None:
        """No HTTP answer at all to the first request means the endpoint cannot be reached."""
        if not self._admit(case):
            return
        exchange = self.pool.send(case)
        if exchange.response is None:
            raise EndpointError(f"cannot reach {self.target.url}: {one_line(exchange.error or 'no answer')}")
        self.take(exchange)

    def _admit(self, case: Case) -> bool:
        if self.breaker is None and self.budget.admit(case):
            self.sent += 1
            return True
        self.board.skip(case, self.stopped or OVER_CAP)
        return False

    def _send_pooled(self, pending: deque[Case], workers: int) -> None:
        executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sgw-send")
        in_flight: dict[Future[Exchange], Case] = {}
        try:
            while pending or in_flight:
                while pending and len(in_flight) < workers:
                    case = pending.popleft()
                    if self._admit(case):
                        in_flight[executor.submit(self.pool.send, case)] = case
                if in_flight:
                    done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in done:
                        del in_flight[future]
                        self.take(future.result())
        except BaseException:   # Ctrl-C: cut the requests in flight rather than wait out their timeout
            self.pool.abort()
            executor.shutdown(wait=True, cancel_futures=True)
            raise
        executor.shutdown(wait=True)

    def take(self, exchange: Exchange) -> None:
        """Record one answer: the budget, the scoreboard, the circuit breaker."""
        self.budget.answered(exchange)
        self.exchanges.append(exchange)
        self.board.record(exchange)
        if not self.valid_seen and preflight.is_valid_case(exchange.case):
            self.valid_seen = True
            self.check_layout(exchange)       # the first valid case refused for its signature?
        self._watch_transport(exchange)
        if self.on_exchange:
            self.on_exchange(exchange)

    def _watch_transport(self, exchange: Exchange) -> None:
        resp = exchange.response
        if resp is not None and not resp.truncated:
            self.unanswered_in_a_row = 0
            return
        if resp is None and exchange.case.framing is not None:
            return   # a badly framed request may be answered by a close: no sign of a dead endpoint
        self.unanswered_in_a_row += 1
        if self.unanswered_in_a_row >= BREAKER_THRESHOLD and self.breaker is None:
            self.breaker = (f"circuit breaker: {BREAKER_THRESHOLD} consecutive requests got no "
                            "complete answer; the remaining cases were not sent")

    def close(self) -> None:
        self.pool.close()


# --- a whole run ------------------------------------------------------------------------------------

Progress = Callable[[int, int, int], None]     # (answers so far, requests planned, failing rules)


def run(config: RunConfig, open_target: TargetOpener, progress: Progress | None = None,
        on_exchange: OnExchange | None = None) -> RunResult:
    """The whole run (nothing printed); UsageError for exit-2 conditions.

    ``on_exchange`` sees every exchange as it is taken (``run --record`` writes them down).

    With ``config.baseline`` the verdict is judged against it; with ``update_baseline`` every
    failure of this run is accepted (the caller writes ``result.baseline.written`` to the file).
    """
    validate(config)
    known_failures = (baselines.load(config.baseline, missing_ok=config.update_baseline)
                      if config.baseline is not None else None)
    started, t0 = datetime.now(UTC), time.perf_counter()
    interrupted: Interrupted | None = None
    volume_arn, t_send = config.volume_arn or "", time.perf_counter()
    cases: list[Case] = []
    with open_target(config) as target:
        session = Session(config, target, on_exchange=on_exchange)
        try:
            volume_arn = session.volume()
            if progress is not None:
                progress(0, 0, 0)                 # 0 planned: the cases are being generated
            cases, to_send = session.plan(volume_arn)
            if progress is not None:
                def observe(exchange: Exchange) -> None:
                    if on_exchange is not None:
                        on_exchange(exchange)
                    progress(len(session.exchanges), len(to_send), len(session.board.failing_rules()))
                session.on_exchange = observe
            t_send = time.perf_counter()
            to_send = session.check_volume(to_send)
            session.send(to_send, config.workers)
        except KeyboardInterrupt as exc:      # SIGINT, or SIGTERM raised as Interrupted: what finished
            interrupted = exc if isinstance(exc, Interrupted) else Interrupted(2)
        finally:
            send_s = time.perf_counter() - t_send
            session.close()
    result = _result(config, target, session, volume_arn, len(cases), started, t0, send_s)
    if config.baseline is not None and known_failures is not None and interrupted is None:
        result.baseline = _compare_with_baseline(result, session.board, known_failures, config)
    result.exit_code = 1 if result.failing_rules() else 0
    if interrupted is not None:
        result.complete, result.exit_code = False, interrupted.exit_code
        result.stopped = result.stopped or f"interrupted by signal {interrupted.signum}"
    return result


def _result(config: RunConfig, target: Target, session: Session, volume_arn: str, generated: int,
            started: datetime, t0: float, send_s: float) -> RunResult:
    embedded = target.embedded
    return RunResult(
        endpoint=target.url, embedded=embedded is not None,
        faults=embedded.faults if embedded else (), variants=embedded.variants if embedded else (),
        region=target.region, volume_arn=volume_arn, profile=config.profile, seed=config.seed,
        workers=config.workers, started_at=started, duration_s=time.perf_counter() - t0,
        cases_generated=generated, requests_sent=session.sent, scoreboard=session.board,
        exchanges=session.exchanges, stopped=session.stopped, send_duration_s=send_s,
        credentials=target.credentials, live=target.live, diagnosis=session.diagnosis)


def _compare_with_baseline(result: RunResult, board: baselines.KeyedScoreboard,
                           entries: frozenset[baselines.Key], config: RunConfig) -> baselines.Comparison:
    assert config.baseline is not None
    checked = [r.rule.id for r in board.results() if r.tally.cases]
    answered = [e.case.signature for e in result.exchanges if e.response is not None]
    return baselines.compare(config.baseline, entries, board.failure_keys, checked, answered,
                             config.update_baseline)
