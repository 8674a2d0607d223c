"""``sgw-conformance run``: the suite against an endpoint, the reports, the terminal summary.

The target is the embedded reference endpoint (started in-process, with its own credentials)
unless ``--endpoint`` names another one.  Safety comes first and before any network activity:
an endpoint that is not loopback (judged from the URL alone, nothing is resolved) is refused
without ``--allow-live``, and cases that could create a billable snapshot are capped by
``--max-snapshots`` (5 by default on a live endpoint).  The engine
(:mod:`conformance.suite.engine`) then finds the volume, generates the profile's cases, sends and
checks them; with ``--baseline FILE`` listed failures are ``known`` and do not fail the run
(``--update-baseline`` rewrites FILE).  Last, this prints a table of rules and writes
report.json, junit.xml and report.html (the path of the HTML report is the last line printed).
With ``--record FILE`` every exchange is also written to FILE as HAR 1.2, for ``compare``
(:mod:`conformance.suite.recording`).

Exit 0: every MUST rule holds (or fails only as the baseline expects); 1: some MUST rule failed;
2: usage, configuration, or an endpoint that cannot be reached at first contact.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import TextIO

from conformance import embedded
from conformance.cli.progress import Progress
from conformance.cli.table import baseline_lines, summary_line, table
from conformance.errors import UsageError
from conformance.protocol.credentials import EXAMPLE_CREDENTIALS, Credentials
from conformance.protocol.redaction import Secrets
from conformance.reports import layout
from conformance.reports.writer import write_reports
from conformance.suite import baseline as baselines
from conformance.suite import recording
from conformance.suite.cases.profiles import PROFILES
from conformance.suite.config import (
    DEFAULT_PROFILE,
    DEFAULT_SEED,
    DEFAULT_TIMEOUT_S,
    RunConfig,
    validate,
)
from conformance.suite.results import RunResult
from conformance.suite.safety import LIVE_MAX_SNAPSHOTS
from conformance.suite.target import ENV_KEYS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", metavar="URL",
                        help="endpoint to test (default: the embedded reference endpoint)")
    parser.add_argument("--region", metavar="R", help="signing region (default: from the host, "
                        "AWS_REGION, or us-east-2)")
    parser.add_argument("--volume-arn", metavar="ARN", help="volume to snapshot (default: ListVolumes)")
    parser.add_argument("--profile", choices=tuple(PROFILES), default=DEFAULT_PROFILE,
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
    parser.add_argument("--record", type=Path, metavar="FILE",
                        help="also write every exchange to FILE, a HAR 1.2 file, secrets removed "
                             "(`sgw-conformance compare FILE` replays it)")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME", help=argparse.SUPPRESS)
    parser.add_argument("--variant", action="append", default=[], metavar="NAME", help=argparse.SUPPRESS)


def config_from_args(args: argparse.Namespace) -> RunConfig:
    return RunConfig(endpoint=args.endpoint, region=args.region, volume_arn=args.volume_arn,
                     profile=args.profile, seed=args.seed, workers=args.workers,
                     report_dir=args.report_dir, allow_live=args.allow_live,
                     max_snapshots=args.max_snapshots, timeout=args.timeout, faults=tuple(args.fault),
                     variants=tuple(args.variant),
                     baseline=args.baseline, update_baseline=args.update_baseline)


def check_writable(config: RunConfig) -> None:
    """The report directory (and the baseline's, when it is rewritten) can be written: exit 2 if not."""
    layout.check_report_dir(config.report_dir or layout.REPORTS_ROOT)
    if config.update_baseline and config.baseline is not None:
        layout.check_report_dir(config.baseline.parent)


def secrets_of(*credentials: Credentials | None) -> list[str | None]:
    """Every secret the run could know (masked in a usage error's message; the exchanges are
    redacted by the transport as they are recorded)."""
    values: list[str | None] = [os.environ.get(k) for k in ENV_KEYS[1:]]
    for creds in (*credentials, EXAMPLE_CREDENTIALS):
        if creds is not None:
            values += [creds.secret_key, creds.session_token]
    return values


def command(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    redact = Secrets.of(*secrets_of(config.credentials)).text
    validate(config)
    check_writable(config)
    recorder = recording.Recorder() if args.record is not None else None
    if args.record is not None:
        recording.check_writable(args.record)
    bar = Progress()
    try:
        result = embedded.run_suite(config, bar if bar.live else None, recorder.take if recorder else None)
    except UsageError as exc:
        raise UsageError(redact(str(exc))) from None
    finally:
        bar.close()
    if recorder is not None:
        path = recording.write(args.record, recording.har_of(recorder, recording.run_of(result)))
        print(f"recording: {path} ({len(recorder.taken)} exchanges)")
    return finish(config, result, sys.stdout)


def finish(config: RunConfig, result: RunResult, out: TextIO) -> int:
    """After the run: the baseline file (if updated), the reports, reports/latest, the terminal output."""
    report_dir = config.report_dir
    default_dir = report_dir is None
    if report_dir is None:
        report_dir = layout.default_report_dir(result.endpoint, result.started_at)
    if result.baseline is not None and result.baseline.updated:
        baselines.write(result.baseline.path, result.baseline.written)
    result.report_paths = write_reports(result, report_dir)
    if default_dir:
        try:
            layout.update_latest(report_dir)
        except OSError as exc:   # e.g. a file system without symbolic links: the reports are written
            print(f"sgw-conformance: note: {report_dir.parent / layout.LATEST} not updated: "
                  f"{exc.strerror or exc}", file=sys.stderr)
    width = shutil.get_terminal_size((240, 24)).columns if out.isatty() else 240
    out.write(table(result, width) + "\n\n")
    for line in baseline_lines(result, width):
        out.write(line + "\n")
    if result.stopped:
        out.write(f"stopped early: {result.stopped}\n")
    out.write(summary_line(result) + "\n")
    out.write(f"report: {result.report_paths['json']}\n")
    out.write(f"html report: {result.report_paths['html']}\n")
    out.flush()
    return result.exit_code
