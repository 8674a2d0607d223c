"""``report.json``: the verdict, the run's parameters and every rule with its status and failures.

Each failure carries the request and the response as evidence (bodies cut to BODY_LIMIT
characters), the case spec that replay sends again (:mod:`conformance.suite.case_spec`) and the
replay command line.  The evidence is the exchange as the transport recorded it, already redacted
(:mod:`conformance.protocol.redaction`): nothing here masks or rewrites text.  The format is
``schemas/report.schema.json`` (:func:`report_errors`; with ``SGW_CONFORMANCE_CHECK_REPORTS=1``
every report written is validated, as the tests do).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from conformance.errors import ReportSchemaError
from conformance.reports.layout import REPORT_JSON, TOOL, replay_command
from conformance.reports.proofs import first_fault
from conformance.spec.schemas import SCHEMA_DIR, document_errors, load_document_schema
from conformance.suite.case_spec import case_to_spec
from conformance.suite.causes import headline, root_causes
from conformance.suite.model import Exchange, Failure
from conformance.suite.safety import is_loopback_host
from conformance.suite.scoreboard import RuleResult
from conformance.version import __version__

if TYPE_CHECKING:
    from conformance.suite.baseline import Comparison
    from conformance.suite.results import RunResult

REPORT_SCHEMA = SCHEMA_DIR / "report.schema.json"
CHECK_ENV = "SGW_CONFORMANCE_CHECK_REPORTS"   # "1": validate every report.json written (tests)
BODY_LIMIT = 4096          # characters of a request/response body kept in a report


# --- evidence ---------------------------------------------------------------------------------

def _text(body: bytes, limit: int = BODY_LIMIT) -> tuple[str, bool]:
    text = body.decode("utf-8", "replace")
    return (text[:limit], True) if len(text) > limit else (text, False)


def exchange_evidence(exchange: Exchange) -> dict[str, Any]:
    """The request and the response (or the transport error) of a recorded exchange."""
    req = exchange.request
    body, cut = _text(req.body)
    evidence: dict[str, Any] = {
        "request": {"method": req.method, "url": req.url, "headers": dict(req.headers),
                    "body": body, "body_truncated": cut},
        "response": None,
        "transport_error": exchange.error,
    }
    resp = exchange.response
    if resp is not None:
        rbody, rcut = _text(resp.body)
        evidence["response"] = {"status": resp.status, "headers": dict(resp.headers), "body": rbody,
                                "body_truncated": rcut or resp.truncated,
                                "elapsed_s": round(resp.elapsed_s, 4)}
    return evidence


def failure_entry(failure: Failure, report_dir: Path, live: bool = False,
                  comparison: Comparison | None = None) -> dict[str, Any]:
    exchange = failure.exchange
    entry: dict[str, Any] = {"case_id": failure.case_id,
                             "signature": exchange.case.signature if exchange else None,
                             "reason": failure.reason}
    if exchange is not None:
        entry.update(exchange_evidence(exchange))
        entry["case"] = case_to_spec(exchange.case)
    entry["replay"] = replay_command(report_dir, failure.case_id, live)
    if comparison is not None:
        from conformance.suite.baseline import failure_key
        entry["baseline"] = "known" if comparison.accepted(failure_key(failure)) else "new"
    if failure.extra:
        entry["extra"] = dict(failure.extra)
    return entry


def rule_entry(result: RuleResult, report_dir: Path, status: str | None = None, live: bool = False,
               comparison: Comparison | None = None) -> dict[str, Any]:
    rule, tally = result.rule, result.tally
    return {
        "id": rule.id, "area": rule.area, "severity": rule.severity, "statement": rule.statement,
        "source": rule.source, "fault": first_fault(rule.id), "status": status or result.status,
        "cases": tally.cases, "failure_count": tally.failure_count,
        "failures_omitted": tally.failure_count - len(tally.failures),
        "disputed": sorted(tally.disputes) or ([rule.disputed] if rule.disputed else []),
        "answers": dict(tally.answers.most_common()),
        "alternative_answers": dict(tally.alternatives.most_common()),
        "failures": [failure_entry(f, report_dir, live, comparison) for f in tally.failures],
    }


# --- the report -------------------------------------------------------------------------------

def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def is_live(result: RunResult) -> bool:
    """The run's endpoint is not loopback (its replay lines need --allow-live)."""
    return not result.embedded and not is_loopback_host(urlsplit(result.endpoint).hostname or "")


def build_report(result: RunResult, report_dir: Path) -> dict[str, Any]:
    results = result.scoreboard.results()
    statuses = result.statuses()
    live = is_live(result)
    causes = root_causes(result.exchanges, result.scoreboard)
    return {
        "tool": {"name": TOOL, "version": __version__},
        "verdict": result.verdict,
        "exit_code": result.exit_code,
        "complete": result.complete,
        "diagnosis": result.diagnosis,
        "headline": headline(causes),
        "root_causes": [c.to_json() for c in causes],
        "endpoint_source": result.endpoint_source,
        "started_at": iso(result.started_at),
        "duration_s": round(result.duration_s, 3),
        "endpoint": result.endpoint,
        "embedded": result.embedded,
        "faults": list(result.faults),
        "variants": list(result.variants),
        "region": result.region,
        "volume_arn": result.volume_arn,
        "profile": result.profile,
        "seed": result.seed,
        "workers": result.workers,
        "cases_generated": result.cases_generated,
        "requests_sent": result.requests_sent,
        "cases_skipped": dict(result.scoreboard.skipped),
        "stopped_early": result.stopped,
        "summary": {status: sum(1 for r in results if statuses[r.rule.id] == status)
                    for status in ("pass", "fail", "warn", "disputed", "untested", "known")},
        "failing_rules": result.failing_rules(),
        "baseline": result.baseline.to_json() if result.baseline is not None else None,
        "rules": [rule_entry(r, report_dir, statuses[r.rule.id], live, result.baseline) for r in results],
    }


# --- the schema --------------------------------------------------------------------------------

def report_schema() -> dict[str, Any]:
    return load_document_schema(REPORT_SCHEMA)


def report_errors(report: Any) -> list[str]:
    """Every way ``report`` breaks schemas/report.schema.json (empty: it is valid)."""
    return document_errors(REPORT_SCHEMA, report)


def check_report(report: Any, where: Path | str = REPORT_JSON) -> None:
    errors = report_errors(report)
    if errors:
        raise ReportSchemaError(f"{where} breaks {REPORT_SCHEMA.name}: " + "; ".join(errors[:5]))
