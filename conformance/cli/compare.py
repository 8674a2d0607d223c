"""``sgw-conformance compare``: hold an endpoint against a recording of another, or against a second one.

* ``compare FILE [--endpoint URL] [--region R] [--volume-arn ARN]``: every request of a recording
  (``run --record FILE``, a HAR file) is sent again through the engine
  (:class:`conformance.suite.engine.Session`: the same transport, retries, snapshot cap
  ``--max-snapshots`` and live guard ``--allow-live`` as a run), signed anew with the current
  credentials and time, the recording's volume mapped onto ``--volume-arn`` or the target's own
  (:class:`conformance.suite.compare.VolumeMap`).  Without ``--endpoint`` the target is a new
  embedded reference endpoint.
* ``compare --endpoint URL --against URL2``: the profile's cases go to both endpoints at once
  (two sessions, two threads); no recording is read.

Both answers to each case are normalised, compared and classed by :mod:`conformance.suite.compare`
(identical, allowed, different); the message text is reported apart.  The terminal shows the
parity figures and each difference with both answers; ``compare.json`` (``schemas/compare.schema.json``)
and ``compare.html`` (side by side) go to ``--report-dir`` (default ``reports/<UTC time>-<host>/``).

Exit 0: nothing differs beyond what the rulebook allows; 1: differences; 2: usage error, an
unreadable recording, or an endpoint that cannot be used.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from conformance import embedded
from conformance.cli.options import add_sending_options
from conformance.cli.run import secrets_of
from conformance.errors import UsageError
from conformance.protocol.redaction import Secrets
from conformance.reports import compare_report, layout
from conformance.suite import recording
from conformance.suite.budget import OVER_CAP
from conformance.suite.cases.profiles import PROFILES
from conformance.suite.compare import (
    ALLOWED,
    DIFFERENT,
    IDENTICAL,
    NOT_SENT,
    CompareRun,
    Side,
    VolumeMap,
    compare,
    shown,
)
from conformance.suite.config import (
    DEFAULT_PROFILE,
    DEFAULT_SEED,
    RunConfig,
    validate,
)
from conformance.suite.engine import Session, plan
from conformance.suite.model import Case, Exchange
from conformance.suite.safety import check_endpoint
from conformance.suite.signing import modes_for
from conformance.suite.target import Target

SHOWN_DIFFERENCES = 20        # differences printed in full in the terminal (all are in compare.json)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("recording", nargs="?", type=Path, metavar="FILE",
                        help="a recording written by `sgw-conformance run --record FILE` (a HAR file)")
    parser.add_argument("--endpoint", metavar="URL",
                        help="endpoint to compare (default: a new embedded reference endpoint)")
    parser.add_argument("--against", metavar="URL2",
                        help="instead of a recording: send each case to --endpoint and to URL2 at once")
    parser.add_argument("--region", metavar="R", help="signing region of --endpoint (default: the "
                        "recording's when there is no --endpoint, else as for run)")
    parser.add_argument("--volume-arn", metavar="ARN",
                        help="the volume of --endpoint the recorded volume maps onto (default: ListVolumes)")
    parser.add_argument("--against-region", metavar="R", help="signing region of URL2 (default: --region)")
    parser.add_argument("--against-volume-arn", metavar="ARN",
                        help="the volume of URL2 (default: ListVolumes)")
    parser.add_argument("--profile", choices=tuple(PROFILES), default=DEFAULT_PROFILE,
                        help="with --against: how many cases (default: ci)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="with --against: generation seed")
    parser.add_argument("--workers", type=int, default=1, metavar="N", help="requests in flight (default: 1)")
    parser.add_argument("--report-dir", type=Path, metavar="DIR",
                        help="where to write compare.json and compare.html "
                             "(default: reports/<UTC time>-<host>/)")
    add_sending_options(parser)
    parser.add_argument("--fault", action="append", default=[], metavar="NAME", help=argparse.SUPPRESS)
    parser.add_argument("--variant", action="append", default=[], metavar="NAME", help=argparse.SUPPRESS)


# --- the two sides -------------------------------------------------------------------------------

def _config(args: argparse.Namespace, endpoint: str | None, region: str | None,
            volume_arn: str | None, embedded_extras: bool) -> RunConfig:
    config = RunConfig(endpoint=endpoint, region=region, volume_arn=volume_arn, profile=args.profile,
                       seed=args.seed, workers=args.workers, allow_live=args.allow_live,
                       max_snapshots=args.max_snapshots, timeout=args.timeout,
                       faults=tuple(args.fault) if embedded_extras else (),
                       variants=tuple(args.variant) if embedded_extras else ())
    validate(config)
    return config


@contextmanager
def _session(config: RunConfig) -> Iterator[tuple[Target, Session]]:
    with embedded.open_target(config) as target:
        session = Session(config, target)
        try:
            yield target, session
        finally:
            session.close()


def _send(session: Session, cases: list[Case], workers: int) -> dict[str, Exchange]:
    # the preflight first (an external endpoint: exit 2 for an unknown --volume-arn), as a run does
    session.send(session.check_volume(plan(cases, session.budget.cap, session.board)), workers)
    return {e.case.id: e for e in session.exchanges}


# Why a recorded case that bends the Host (suite.signing: loopback targets only) is not sent again.
HOST_BENT = "its signing bends the Host, which is done for a loopback target only"


def _not_sent(session: Session) -> str:
    return session.stopped or f"{OVER_CAP} (--max-snapshots {session.budget.cap})"


def against_recording(args: argparse.Namespace) -> CompareRun:
    """Every recorded request, mapped onto the target's volume and sent again; both answers compared."""
    started, t0 = datetime.now(UTC), time.perf_counter()
    rec = recording.load(args.recording)
    region = args.region or (rec.region if not args.endpoint else None)
    config = _config(args, args.endpoint, region, args.volume_arn, not args.endpoint)
    with _session(config) as (target, session):
        volume = session.volume()
        old = rec.volume_arn or volume
        mapper = VolumeMap(old, volume, rec.region or target.region)
        cases = [mapper.case(r.case) for r in rec.entries]
        sendable = modes_for(target.url)
        answers = _send(session, [c for c in cases if c.signing in sendable], args.workers)
    reason = _not_sent(session)
    pairs = [(case, r.exchange, answers.get(case.id)) for case, r in zip(cases, rec.entries, strict=True)]
    comparison = compare(pairs, (old,), (volume,), {c.id: reason if c.signing in sendable else HOST_BENT
                                                    for c in cases if c.id not in answers})
    recorded = Side("recorded", str(rec.run.get("endpoint") or "(recording)"),
                    str(rec.region or ""), old, bool(rec.run.get("embedded")),
                    tuple(rec.run.get("faults") or ()), tuple(rec.run.get("variants") or ()))
    about = {"path": str(args.recording), "entries": len(rec.entries), **{
        k: rec.run.get(k) for k in ("endpoint", "region", "volume_arn", "profile", "seed", "started_at")}}
    return CompareRun(recorded, Side.of("this endpoint", target, volume), comparison, about, started,
                   time.perf_counter() - t0)


def against_endpoint(args: argparse.Namespace) -> CompareRun:
    """The profile's cases sent to --endpoint and --against at once (one thread each); compared."""
    started, t0 = datetime.now(UTC), time.perf_counter()
    left_config = _config(args, args.endpoint, args.region, args.volume_arn, False)
    right_config = _config(args, args.against, args.against_region or args.region,
                           args.against_volume_arn, False)
    with ExitStack() as stack:
        left_target, left = stack.enter_context(_session(left_config))
        right_target, right = stack.enter_context(_session(right_config))
        left_volume, right_volume = left.volume(), right.volume()
        cases, _planned = left.plan(left_volume)
        sendable = modes_for(right_target.url)    # left.plan kept what the left target can be sent
        cases = [c for c in cases if c.signing in sendable]
        mapper = VolumeMap(left_volume, right_volume, left_target.region)
        right_cases = [mapper.case(c) for c in cases]
        found: dict[str, dict[str, Exchange]] = {}
        errors: list[BaseException] = []

        def send(name: str, session: Session, to_send: list[Case]) -> None:
            try:
                found[name] = _send(session, to_send, args.workers)
            except BaseException as exc:   # re-raised in the main thread
                errors.append(exc)

        threads = [threading.Thread(target=send, args=(name, session, to_send), name=f"sgw-compare-{name}")
                   for name, session, to_send in (("left", left, cases), ("right", right, right_cases))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
    lefts, rights = found["left"], found["right"]
    reasons = {c.id: _not_sent(left if c.id not in lefts else right) for c in cases
               if c.id not in lefts or c.id not in rights}
    pairs = [(case, lefts.get(case.id), rights.get(case.id)) for case in right_cases]
    comparison = compare(pairs, (left_volume,), (right_volume,), reasons)
    return CompareRun(Side.of("--endpoint", left_target, left_volume),
                   Side.of("--against", right_target, right_volume), comparison, None, started,
                   time.perf_counter() - t0)


# --- the terminal ---------------------------------------------------------------------------------

def _side_line(side: Side) -> str:
    extra = "".join(f", {kind} {', '.join(names)}" for kind, names in
                    (("faults", side.faults), ("variants", side.variants)) if names)
    where = "embedded reference endpoint" if side.embedded else side.endpoint
    return f"  {side.label}: {where} (region {side.region}, volume {side.volume_arn}{extra})"


def show(out: TextIO, run: CompareRun, paths: dict[str, Path]) -> None:
    comparison = run.comparison
    overall = comparison.parity.overall
    lines = ["comparing", _side_line(run.left), _side_line(run.right)]
    for result in comparison.of(DIFFERENT)[:SHOWN_DIFFERENCES]:
        case = result.case
        lines.append(f"DIFFERENT {case.id} {case.rule_id} [{case.signature}]: {', '.join(result.differing)}")
        assert result.left is not None and result.right is not None
        lines.append(f"    {run.left.label}: {result.left.summary}")
        lines.append(f"    {run.right.label}: {result.right.summary}")
        lines += [f"    {name}: {shown(result.left.aspects[name])} | {shown(result.right.aspects[name])}"
                  for name in result.differing]
        lines.append(f"    why: {result.reason}")
    more = len(comparison.of(DIFFERENT)) - SHOWN_DIFFERENCES
    if more > 0:
        lines.append(f"... and {more} more differences (all in {paths['json']})")
    rules = [(rule, counts) for rule, counts in sorted(comparison.parity.per_rule.items())
             if counts[DIFFERENT] or counts[ALLOWED]]
    if rules:
        lines.append("rules with differences (identical / allowed / different / not sent):")
        lines += [f"  {rule:<44} {c[IDENTICAL]:>4} {c[ALLOWED]:>4} {c[DIFFERENT]:>4} {c[NOT_SENT]:>4}"
                  for rule, c in rules]
    messages = comparison.message_differences
    if messages:
        lines.append(f"message text differs on {len(messages)} cases (reported, never a difference)")
    compared = sum(overall[k] for k in (IDENTICAL, ALLOWED, DIFFERENT))
    lines.append(f"parity: {compared} compared: {overall[IDENTICAL]} identical "
                 f"({comparison.parity.percent(overall, IDENTICAL):g}%), {overall[ALLOWED]} allowed, "
                 f"{overall[DIFFERENT]} different; {overall[NOT_SENT]} not sent")
    lines.append("result: " + ("different" if comparison.exit_code else "no difference beyond the allowed")
                 + f" (exit {comparison.exit_code})")
    lines.append(f"report: {paths['json']}")
    lines.append(f"html report: {paths['html']}")
    out.write("\n".join(lines) + "\n")
    out.flush()


def command(args: argparse.Namespace) -> int:
    if args.against and args.recording is not None:
        raise UsageError("compare takes a recording FILE or --against URL2, not both")
    if args.against and not args.endpoint:
        raise UsageError("--against URL2 needs --endpoint URL (the two endpoints to compare)")
    if not args.against and args.recording is None:
        raise UsageError("compare needs a recording FILE (from `sgw-conformance run --record FILE`) "
                         "or --endpoint URL --against URL2")
    if args.endpoint and (args.fault or args.variant):
        raise UsageError("--fault and --variant apply to the embedded reference endpoint only "
                         "(drop --endpoint)")
    for url in (args.endpoint, args.against):     # safety first: judged from the URLs, before anything
        if url:
            check_endpoint(url, args.allow_live)
    if args.report_dir is not None:
        layout.check_report_dir(args.report_dir)
    redact = Secrets.of(*secrets_of()).text
    try:
        run = against_endpoint(args) if args.against else against_recording(args)
    except UsageError as exc:
        raise UsageError(redact(str(exc))) from None
    report_dir = args.report_dir or layout.default_report_dir(run.right.endpoint, run.started_at)
    paths = compare_report.write(compare_report.build(run), report_dir)
    show(sys.stdout, run, paths)
    return run.comparison.exit_code
