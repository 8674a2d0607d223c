"""``sgw-conformance replay REPORT_DIR CASE_ID``: send one recorded failure again and judge it.

A curl line is useless for a SigV4 request (its signature expires within minutes), so replay
rebuilds the case from the case spec that report.json keeps for every failure
(:func:`conformance.suite.case_spec.case_from_spec`), signs it afresh with the current time,
and sends it through the same engine as a run (:class:`conformance.suite.engine.Session`: the
same retries and the same snapshot cap, ``--max-snapshots``, 5 by default on a live endpoint),
then judges the new answer with the same checks.

Where it is sent:

* ``--endpoint URL``: there (credentials from ``AWS_*`` as for ``run``; a non-loopback URL
  needs ``--allow-live``) - the way to check a fix;
* otherwise the report's endpoint, with the report's region; a run of the embedded reference
  endpoint (whose port is gone) gets a new embedded endpoint with the faults the report records,
  so the command printed in the report reproduces the failure as it is.

A rule judged over the whole run (``state.snapshot-id-unique``) needs two answers to compare:
its case is sent twice.  Exit 0: every rule the case failed now holds and no other MUST rule
fails on the new answer; 1: something still fails; 2: usage error, unreadable report, unknown
case id (a few valid ones are listed), or an endpoint that gives no answer.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from conformance import embedded
from conformance.cli.options import add_sending_options
from conformance.cli.run import secrets_of
from conformance.errors import UsageError
from conformance.protocol.redaction import Secrets
from conformance.reports.layout import REPORT_JSON
from conformance.suite.case_spec import case_from_spec
from conformance.suite.checks import RUN_CHECKS
from conformance.suite.config import RunConfig, check_snapshot_cap, check_timeout
from conformance.suite.engine import Session, one_line
from conformance.suite.model import Case, Exchange
from conformance.suite.scoreboard import Scoreboard
from conformance.suite.target import Target

SHOWN_BODY = 2000          # characters of a body printed
SHOWN_IDS = 8              # valid case ids listed when the one given is unknown
ANSWERED = "transport.answered"


@dataclass
class Recorded:
    """A failing case as the report recorded it: the case, and each rule it failed and why."""

    case: Case
    failures: list[dict[str, str]]     # {"rule", "severity", "reason"}


# --- reading the report ---------------------------------------------------------------------

def report_path(where: Path) -> Path:
    return where if where.suffix == ".json" and not where.is_dir() else where / REPORT_JSON


def load_report(where: Path) -> dict[str, Any]:
    path = report_path(where)
    try:
        report = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise UsageError(f"no report at {path} (REPORT_DIR is a directory written by `sgw-conformance "
                         "run`)") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    except RecursionError:
        raise UsageError(f"{path} is not a sgw-conformance report (JSON nested too deep)") from None
    if not _report_shaped(report):
        raise UsageError(f"{path} is not a sgw-conformance report")
    return report


def _report_shaped(report: Any) -> bool:
    """The parts replay reads have the types a report gives them (a hand-edited file may not)."""
    if not isinstance(report, dict) or not isinstance(report.get("rules"), list):
        return False
    for rule in report["rules"]:
        if not (isinstance(rule, dict) and isinstance(rule.get("id"), str)
                and isinstance(rule.get("failures", []), list)):
            return False
        for failure in rule.get("failures", []):
            if not (isinstance(failure, dict) and isinstance(failure.get("case_id"), str)
                    and isinstance(failure.get("case", {}), dict)):
                return False
    texts = ("endpoint", "region")
    return all(isinstance(report.get(k), str | None) for k in texts) and all(
        isinstance(report.get(k) or [], list) for k in ("faults", "variants"))


def failing_case_ids(report: dict[str, Any]) -> list[str]:
    ids = {f["case_id"] for r in report["rules"] for f in r.get("failures", ()) if "case" in f}
    return sorted(ids)


def find_recorded(report: dict[str, Any], case_id: str, where: Path) -> Recorded:
    """The case and every failure recorded for it; UsageError naming valid ids if there is none."""
    spec: dict[str, Any] | None = None
    failures: list[dict[str, str]] = []
    for rule in report["rules"]:
        for failure in rule.get("failures", ()):
            if failure.get("case_id") == case_id and "case" in failure:
                spec = spec or failure["case"]
                failures.append({"rule": rule["id"], "severity": str(rule.get("severity", "MUST")),
                                 "reason": str(failure.get("reason", ""))})
    if spec is None:
        valid = failing_case_ids(report)
        if not valid:
            raise UsageError(f"{report_path(where)} records no failure to replay")
        more = f", ... ({len(valid)} in all)" if len(valid) > SHOWN_IDS else ""
        shown = ", ".join(valid[:SHOWN_IDS]) + more
        raise UsageError(f"no recorded failure of case {case_id!r} in {report_path(where)}; "
                         f"failing cases: {shown}")
    try:
        case = case_from_spec(spec)
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"case {case_id} in {report_path(where)} cannot be rebuilt: {exc!r}") from None
    return Recorded(case, failures)


# --- sending -----------------------------------------------------------------------------------

def target_config(report: dict[str, Any], args: argparse.Namespace) -> RunConfig:
    """Where to send: --endpoint, else the report's endpoint (a new embedded one for an embedded run)."""
    common = {"region": args.region or report.get("region"), "timeout": args.timeout,
              "max_snapshots": args.max_snapshots}
    if args.endpoint:
        return RunConfig(endpoint=args.endpoint, allow_live=args.allow_live, **common)
    if report.get("embedded"):
        return RunConfig(faults=tuple(report.get("faults") or ()),
                         variants=tuple(report.get("variants") or ()), **common)
    if not report.get("endpoint"):
        raise UsageError("the report records no endpoint: pass --endpoint URL")
    return RunConfig(endpoint=report["endpoint"], allow_live=args.allow_live, **common)


def copies(recorded: Recorded) -> list[Case]:
    """The case to send: twice (distinct ids) when a run-level rule needs two answers to compare."""
    case = recorded.case
    if any(f["rule"] in RUN_CHECKS for f in recorded.failures):
        return [replace(case, id=f"{case.id}-a"), replace(case, id=f"{case.id}-b")]
    return [case]


def send(config: RunConfig, recorded: Recorded) -> tuple[Target, Session]:
    """The recorded case through the engine, as a run sends it (same budget, retries and checks)."""
    answer_expected = all(f["rule"] != ANSWERED for f in recorded.failures)
    with embedded.open_target(config) as target:
        session = Session(config, target, first_contact=answer_expected)
        try:
            if answer_expected:
                session.check_setup()     # the preflight: wrong credentials are a usage error (exit 2)
            session.send(copies(recorded))
        finally:
            session.close()
    return target, session


# --- judging and showing ---------------------------------------------------------------------------

@dataclass
class Verdict:
    held: list[str]                    # recorded rules that now hold
    failing: dict[str, str]            # recorded rules still failing: reason
    also: dict[str, str]               # other MUST rules failing on the new answer: reason

    @property
    def exit_code(self) -> int:
        return 1 if self.failing or self.also else 0


def judge(recorded: Recorded, board: Scoreboard) -> Verdict:
    """The recorded rules, and every other MUST rule, on the board of the new exchange(s)."""
    def reason(rule_id: str) -> str:
        tally = board.tallies[rule_id]
        return tally.failures[0].reason if tally.failures else "failed"

    rules = list(dict.fromkeys(f["rule"] for f in recorded.failures))
    failing = {rid: reason(rid) for rid in rules if board.status(rid) in ("fail", "warn")}
    held = [rid for rid in rules if rid not in failing]
    also = {rid: reason(rid) for rid in board.failing_rules() if rid not in rules}
    return Verdict(held, failing, also)


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN_BODY else text[:SHOWN_BODY] + f"... ({len(text)} characters)"


def describe_exchange(exchange: Exchange) -> list[str]:
    req = exchange.request
    lines = [f"request:  {req.method} {req.url}"]
    lines += [f"  {name}: {value}" for name, value in req.headers.items()]
    lines.append(f"  body: {_cut(req.body.decode('utf-8', 'replace')) or '(empty)'}")
    resp = exchange.response
    if resp is None:
        return [*lines, f"response: none ({exchange.error or 'unknown transport error'})"]
    lines.append(f"response: HTTP {resp.status}{' (cut off)' if resp.truncated else ''}")
    lines += [f"  {name}: {value}" for name, value in resp.headers.items()]
    lines.append(f"  body: {_cut(resp.body.decode('utf-8', 'replace')) or '(empty)'}")
    return lines


def where_sent(target: Target) -> str:
    text = f"{target.url} (region {target.region}"
    if target.embedded is not None:
        faults = sorted(target.embedded.faults)
        variants = sorted(target.embedded.variants)
        text += ", a new embedded reference endpoint"
        text += f" with faults {', '.join(faults)}" if faults else ""
        text += f" with variants {', '.join(variants)}" if variants else ""
    return text + ")"


def show(out: TextIO, recorded: Recorded, target: Target, where: Path,
         exchanges: list[Exchange], verdict: Verdict) -> None:
    case = recorded.case
    lines = [f"replaying case {case.id} [{case.signature}] of {report_path(where)}",
             f"  sent to {where_sent(target)}"]
    lines += [f"recorded: {f['rule']}: {f['reason']}" for f in recorded.failures]
    for exchange in exchanges:
        lines += describe_exchange(exchange)
    lines += [f"HOLDS       {rid}" for rid in verdict.held]
    lines += [f"STILL FAILS {rid}: {why}" for rid, why in verdict.failing.items()]
    lines += [f"ALSO FAILS  {rid}: {why}" for rid, why in verdict.also.items()]
    lines.append("result: " + ("the rule now holds" if verdict.exit_code == 0 else "still failing")
                 + f" (exit {verdict.exit_code})")
    out.write("\n".join(lines) + "\n")


# --- the subcommand ---------------------------------------------------------------------------------

def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report_dir", type=Path, metavar="REPORT_DIR",
                        help="a report directory written by `sgw-conformance run` (or its report.json)")
    parser.add_argument("case_id", metavar="CASE_ID", help="a failing case of that report, e.g. c0052")
    parser.add_argument("--endpoint", metavar="URL",
                        help="send it here (e.g. your fixed build; default: the report's endpoint, or a new "
                             "embedded reference endpoint with the report's faults)")
    parser.add_argument("--region", metavar="R", help="signing region (default: the report's)")
    add_sending_options(parser)


def command(args: argparse.Namespace) -> int:
    check_timeout(args.timeout)
    check_snapshot_cap(args.max_snapshots)
    report = load_report(args.report_dir)
    recorded = find_recorded(report, args.case_id, args.report_dir)
    config = target_config(report, args)
    redact = Secrets.of(*secrets_of()).text          # usage errors only: exchanges come redacted
    try:
        target, session = send(config, recorded)
    except UsageError as exc:
        raise UsageError(redact(str(exc))) from None
    redact = Secrets.of(*secrets_of(target.credentials)).text
    exchanges = session.exchanges
    if not exchanges:
        raise UsageError(f"case {recorded.case.id} was not sent: over --max-snapshots")
    unanswered = next((e for e in exchanges if e.response is None), None)
    if unanswered is not None and all(f["rule"] != ANSWERED for f in recorded.failures):
        raise UsageError(redact(f"cannot reach {target.url}: {one_line(unanswered.error or 'no answer')}"))
    verdict = judge(recorded, session.board)
    buffer = io.StringIO()
    show(buffer, recorded, target, args.report_dir, exchanges, verdict)
    sys.stdout.write(buffer.getvalue())
    sys.stdout.flush()
    return verdict.exit_code
