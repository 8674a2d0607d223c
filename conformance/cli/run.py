"""``sgw-conformance run``: the suite against an endpoint, the reports, the terminal summary.

The target is the embedded reference endpoint (started in-process, with its own credentials)
unless ``--endpoint`` names another one.  Safety comes first and before any network activity:
an endpoint that is not loopback (judged from the URL alone, nothing is resolved) is refused
without ``--allow-live``, and cases that could create a billable snapshot are capped by
``--max-snapshots`` (5 by default on a live endpoint).  The engine
(:mod:`conformance.suite.engine`) then finds the volume, generates the profile's cases, sends and
checks them; with ``--baseline FILE`` listed failures are ``known`` and do not fail the run
(``--update-baseline`` rewrites FILE).  Last, this writes report.json, junit.xml and
report.html and prints (:mod:`conformance.cli.table`) the diagnosis and root cause, the rules, the
first failure with its replay and curl lines, and the report paths (the HTML report's is last).

Without ``--endpoint`` the endpoint is ``AWS_ENDPOINT_URL_STORAGE_GATEWAY``, then
``AWS_ENDPOINT_URL``, then the embedded one; every flag can also be set by ``SGW_<FLAG>`` or in
``[tool.sgw-conformance]`` of pyproject.toml (:mod:`conformance.cli.settings`).  SIGINT and
SIGTERM stop the sending; the reports of what finished are written, marked incomplete (exit 130, 143).
With ``--record FILE`` every exchange is also written to FILE as HAR 1.2, for ``compare``
(:mod:`conformance.suite.recording`).

Exit 0: every MUST rule holds (or fails only as the baseline expects); 1: some MUST rule failed;
2: usage, configuration, or an endpoint that cannot be reached at first contact.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TextIO

from conformance import embedded
from conformance.cli import settings
from conformance.cli.options import add_sending_options
from conformance.cli.progress import Progress
from conformance.cli.table import NORMAL, QUIET, VERBOSE, Printer
from conformance.errors import UsageError
from conformance.protocol.credentials import EXAMPLE_CREDENTIALS, Credentials
from conformance.protocol.redaction import Secrets
from conformance.reports import layout
from conformance.reports.writer import write_reports
from conformance.suite import baseline as baselines
from conformance.suite import recording
from conformance.suite.aws_env import endpoint_from_env
from conformance.suite.cases.profiles import PROFILES
from conformance.suite.config import (
    DEFAULT_PROFILE,
    DEFAULT_SEED,
    RunConfig,
    validate,
)
from conformance.suite.engine import Interrupted
from conformance.suite.results import RunResult
from conformance.suite.target import ENV_KEYS

EPILOG = """\
exit codes:
  0    every MUST rule holds (failures a --baseline lists aside)
  1    a MUST rule failed
  2    usage or configuration error, credentials refused, no such volume, endpoint unreachable
  130  interrupted (Ctrl-C), 143 terminated (SIGTERM): the reports of what finished are written

endpoint and credentials (an external endpoint):
  --endpoint, else AWS_ENDPOINT_URL_STORAGE_GATEWAY, else AWS_ENDPOINT_URL, else the embedded one
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; else AWS_PROFILE (or default) in
  ~/.aws/credentials or ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE)
  region: --region, the AWS host name, AWS_REGION, AWS_DEFAULT_REGION, the profile, us-east-2

settings:
  every flag can be set as SGW_<FLAG> (SGW_MAX_SNAPSHOTS=3) or in pyproject.toml:
  [tool.sgw-conformance]  max-snapshots = 3   include = ["validation.*"]
  the command line wins, then the environment, then pyproject.toml

examples:
  sgw-conformance run --fault description-max-off-by-one   # watch it catch a bug
  sgw-conformance run --endpoint http://localhost:4566 --include 'authentication.*'
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("--endpoint", metavar="URL",
                        help="endpoint to test (default: AWS_ENDPOINT_URL_STORAGE_GATEWAY, "
                             "AWS_ENDPOINT_URL, else the embedded reference endpoint)")
    parser.add_argument("--region", metavar="R", help="signing region (default: from the host, "
                        "AWS_REGION, AWS_DEFAULT_REGION, the profile, or us-east-2)")
    parser.add_argument("--volume-arn", metavar="ARN", help="volume to snapshot (default: ListVolumes)")
    parser.add_argument("--profile", choices=tuple(PROFILES), default=DEFAULT_PROFILE,
                        help="how many cases (default: ci, deterministic)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generation seed (default: 0)")
    parser.add_argument("--workers", type=int, default=1, metavar="N", help="requests in flight (default: 1)")
    parser.add_argument("--report-dir", type=Path, metavar="DIR",
                        help="where to write reports (default: reports/<UTC time>-<host>/)")
    add_sending_options(parser)
    parser.add_argument("--baseline", type=Path, metavar="FILE",
                        help="known failures (JSON): listed ones do not fail the run, new ones do, "
                             "listed ones that now pass are reported as fixed")
    parser.add_argument("--update-baseline", action="store_true",
                        help="write this run's failures to the --baseline FILE (and exit 0)")
    parser.add_argument("--record", type=Path, metavar="FILE",
                        help="also write every exchange to FILE, a HAR 1.2 file, secrets removed "
                             "(`sgw-conformance compare FILE` replays it)")
    parser.add_argument("--include", action="append", default=[], metavar="GLOB",
                        help="send only the cases of rules matching GLOB (repeatable; e.g. 'validation.*')")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="do not send the cases of rules matching GLOB (repeatable)")
    parser.add_argument("--junit-xml", type=Path, metavar="PATH",
                        help="also write the junit.xml report to PATH (for a CI's test view)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print the summary lines only")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every rule, passing ones too")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME",
                        help="inject a named fault into the embedded reference endpoint, to see the suite "
                             "catch it (repeatable; `sgw-conformance serve --list-faults` lists them)")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME",
                        help="answer in a conformant non-default style (repeatable; `sgw-conformance "
                             "serve --list-variants`); the suite must still pass")
    try:
        settings.apply(parser)
    except UsageError as exc:     # reported when `run` itself runs, not by every subcommand's parser
        parser.set_defaults(settings_error=str(exc))


def endpoint_of(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """(--endpoint, else an AWS_ENDPOINT_URL* variable, else None: embedded; where it came from).
    --fault / --variant ask for the embedded endpoint, so the variables are not read then."""
    if args.endpoint or args.fault or args.variant:
        return args.endpoint, None
    found = endpoint_from_env()
    return (found[0], found[1]) if found else (None, None)


def config_from_args(args: argparse.Namespace) -> RunConfig:
    return RunConfig(endpoint=endpoint_of(args)[0], region=args.region, volume_arn=args.volume_arn,
                     profile=args.profile, seed=args.seed, workers=args.workers,
                     report_dir=args.report_dir, allow_live=args.allow_live,
                     max_snapshots=args.max_snapshots, timeout=args.timeout, faults=tuple(args.fault),
                     variants=tuple(args.variant),
                     baseline=args.baseline, update_baseline=args.update_baseline,
                     include=tuple(args.include), exclude=tuple(args.exclude))


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


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (how CI cancels a job) stops the run as Ctrl-C does: raised as engine.Interrupted."""
    def handler(signum: int, _frame: FrameType | None) -> None:
        raise Interrupted(signum)

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:        # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def verbosity(args: argparse.Namespace) -> int:
    return QUIET if getattr(args, "quiet", False) else VERBOSE if getattr(args, "verbose", False) else NORMAL


def command(args: argparse.Namespace) -> int:
    if getattr(args, "settings_error", None):
        raise UsageError(args.settings_error)
    config = config_from_args(args)
    redact = Secrets.of(*secrets_of(config.credentials)).text
    validate(config)
    check_writable(config)
    recorder = recording.Recorder() if args.record is not None else None
    if args.record is not None:
        recording.check_writable(args.record)
    bar = Progress(enabled=verbosity(args) > QUIET)
    try:
        with stop_on_sigterm():
            result = embedded.run_suite(config, bar if bar.live else None,
                                        recorder.take if recorder else None)
    except UsageError as exc:
        raise UsageError(redact(str(exc))) from None
    finally:
        bar.close()
    result.endpoint_source = endpoint_of(args)[1]
    if recorder is not None:
        path = recording.write(args.record, recording.har_of(recorder, recording.run_of(result)))
        print(f"recording: {path} ({len(recorder.taken)} exchanges)")
    return finish(config, result, sys.stdout, verbosity(args), args.junit_xml)


def finish(config: RunConfig, result: RunResult, out: TextIO, level: int = NORMAL,
           junit_xml: Path | None = None) -> int:
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
    if junit_xml is not None:
        try:
            junit_xml.parent.mkdir(parents=True, exist_ok=True)
            junit_xml.write_bytes(result.report_paths["junit"].read_bytes())
        except OSError as exc:
            raise UsageError(f"cannot write --junit-xml {junit_xml}: {exc.strerror or exc}") from None
        result.report_paths["junit"] = junit_xml
    Printer(result, out, level).print_all()
    out.flush()
    return result.exit_code
