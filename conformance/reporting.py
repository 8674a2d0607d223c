"""Reports of a run: ``report.json`` and ``junit.xml`` in the run's report directory.

``report.json`` holds the verdict, the run's parameters and every rule with its status and
its failures; each failure carries the request and response as evidence (bodies truncated)
and the case spec needed to re-send it later (``case_to_spec`` / ``case_from_spec``).
``junit.xml`` has one testcase per rule so that CI systems can show the run.

Secrets never reach a file: the transport redacts what it records, and as a defence in depth
every text written here (and everything the runner prints) goes through a :class:`Redactor`
that scrubs the secret key, the session token and anything shaped like a SigV4 signature.
"""

from __future__ import annotations

import base64
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from conformance import __version__
from conformance.checks import RuleResult
from conformance.model import Case, Exchange, Failure, Outcome

if TYPE_CHECKING:
    from conformance.runner import RunResult

REPORT_JSON = "report.json"
JUNIT_XML = "junit.xml"
REPORTS_ROOT = Path("reports")
LATEST = "latest"
BODY_LIMIT = 4096          # characters of a request/response body kept in a report
REDACTED = "[redacted]"    # safe inside JSON strings and XML text alike
TOOL = "sgw-conformance"


# --- redaction ------------------------------------------------------------------------------

# SigV4 signatures: after "Signature=", or anything shaped like an HMAC-SHA256 in lower-case hex
# (64 digits mixing numbers and letters, so that runs like "dddd..." in generated values survive).
_SIGNATURE_RE = re.compile(r"(?i)(signature=)[0-9a-f]+"
                           r"|\b(?=[0-9a-f]{0,63}[0-9])(?=[0-9a-f]{0,63}[a-f])[0-9a-f]{64}\b")


def _sub_signature(match: re.Match[str]) -> str:
    return f"{match.group(1)}{REDACTED}" if match.group(1) else REDACTED


@dataclass(frozen=True)
class Redactor:
    """Scrubs known secret strings and signature-shaped text from anything about to be shown."""

    secrets: tuple[str, ...] = ()

    @staticmethod
    def for_secrets(values: Iterable[str | None]) -> Redactor:
        forms: set[str] = set()
        for value in values:
            if value and len(value) >= 4:
                # as is, as a JSON string body, percent-encoded
                forms.update({value, json.dumps(value)[1:-1], quote(value, safe="")})
        return Redactor(tuple(sorted(forms, key=len, reverse=True)))

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return _SIGNATURE_RE.sub(_sub_signature, text)


# --- case spec (for replay) -------------------------------------------------------------------

def outcome_to_spec(outcome: Outcome) -> dict[str, Any]:
    return {"statuses": sorted(outcome.statuses), "error_type": outcome.error_type,
            "error_codes": sorted(outcome.error_codes) if outcome.error_codes is not None else None}


def outcome_from_spec(spec: dict[str, Any]) -> Outcome:
    codes = spec.get("error_codes")
    return Outcome(frozenset(spec["statuses"]), spec.get("error_type"),
                   frozenset(codes) if codes is not None else None)


def case_to_spec(case: Case) -> dict[str, Any]:
    """Everything needed to send the case again (its body exactly, when it was raw bytes)."""
    return {
        "id": case.id, "rule_id": case.rule_id, "signature": case.signature,
        "params": case.params,
        "raw_body_b64": base64.b64encode(case.raw_body).decode() if case.raw_body is not None else None,
        "method": case.method, "target": case.target, "content_type": case.content_type,
        "signing": case.signing, "creates": case.creates, "disputed": case.disputed,
        "allowed": [outcome_to_spec(o) for o in case.allowed],
    }


def case_from_spec(spec: dict[str, Any]) -> Case:
    raw = spec.get("raw_body_b64")
    return Case(rule_id=spec["rule_id"], signature=spec["signature"], params=spec.get("params"),
                raw_body=base64.b64decode(raw) if raw is not None else None,
                method=spec.get("method", "POST"), target=spec.get("target"),
                content_type=spec.get("content_type"), signing=spec.get("signing", "sigv4"),
                allowed=tuple(outcome_from_spec(o) for o in spec.get("allowed", ())),
                disputed=spec.get("disputed"), creates=bool(spec.get("creates")), id=spec.get("id", ""))


# --- report.json --------------------------------------------------------------------------------

def _text(body: bytes, limit: int = BODY_LIMIT) -> tuple[str, bool]:
    text = body.decode("utf-8", "replace")
    return (text[:limit], True) if len(text) > limit else (text, False)


def exchange_evidence(exchange: Exchange) -> dict[str, Any]:
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


def replay_command(report_dir: Path, case_id: str) -> str:
    return f"{TOOL} replay {report_dir} {case_id}"


def failure_entry(failure: Failure, report_dir: Path) -> dict[str, Any]:
    exchange = failure.exchange
    entry: dict[str, Any] = {"case_id": failure.case_id,
                             "signature": exchange.case.signature if exchange else None,
                             "reason": failure.reason}
    if exchange is not None:
        entry.update(exchange_evidence(exchange))
        entry["case"] = case_to_spec(exchange.case)
    entry["replay"] = replay_command(report_dir, failure.case_id)
    entry.update(failure.extra)
    return entry


def rule_entry(result: RuleResult, report_dir: Path) -> dict[str, Any]:
    rule, tally = result.rule, result.tally
    return {
        "id": rule.id, "area": rule.area, "severity": rule.severity, "statement": rule.statement,
        "source": rule.source, "fault": rule.fault, "status": result.status, "cases": tally.cases,
        "failure_count": tally.failure_count,
        "failures_omitted": tally.failure_count - len(tally.failures),
        "disputed": sorted(tally.disputes) or ([rule.disputed] if rule.disputed else []),
        "answers": dict(tally.answers.most_common()),
        "alternative_answers": dict(tally.alternatives.most_common()),
        "failures": [failure_entry(f, report_dir) for f in tally.failures],
    }


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def build_report(result: RunResult, report_dir: Path) -> dict[str, Any]:
    board = result.scoreboard
    results = board.results()
    return {
        "tool": {"name": TOOL, "version": __version__},
        "verdict": "fail" if result.exit_code == 1 else "pass",
        "exit_code": result.exit_code,
        "started_at": iso(result.started_at),
        "duration_s": round(result.duration_s, 3),
        "endpoint": result.endpoint,
        "embedded": result.embedded,
        "faults": list(result.faults),
        "region": result.region,
        "volume_arn": result.volume_arn,
        "profile": result.profile,
        "seed": result.seed,
        "workers": result.workers,
        "cases_generated": result.cases_generated,
        "requests_sent": result.requests_sent,
        "cases_skipped": dict(board.skipped),
        "stopped_early": result.stopped,
        "summary": {status: sum(1 for r in results if r.status == status)
                    for status in ("pass", "fail", "warn", "disputed", "untested")},
        "failing_rules": board.failing_rules(),
        "rules": [rule_entry(r, report_dir) for r in results],
    }


# --- junit.xml ------------------------------------------------------------------------------------

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("?", text)


def _failure_text(result: RuleResult) -> str:
    lines = [f"{f.case_id} [{f.exchange.case.signature if f.exchange else '-'}]: {f.reason}"
             for f in result.tally.failures]
    omitted = result.tally.failure_count - len(result.tally.failures)
    if omitted:
        lines.append(f"... and {omitted} more")
    return "\n".join(lines)


def build_junit(result: RunResult) -> ET.Element:
    results = result.scoreboard.results()
    suite = ET.Element("testsuite", {
        "name": TOOL, "tests": str(len(results)),
        "failures": str(sum(r.status == "fail" for r in results)),
        "skipped": str(sum(r.status == "untested" for r in results)),
        "errors": "0", "time": f"{result.duration_s:.3f}", "timestamp": iso(result.started_at),
        "hostname": urlsplit(result.endpoint).hostname or "",
    })
    props = ET.SubElement(suite, "properties")
    for name in ("endpoint", "profile", "seed", "region"):
        ET.SubElement(props, "property", {"name": name, "value": str(getattr(result, name))})
    for r in results:
        case = ET.SubElement(suite, "testcase", {"classname": f"{TOOL}.{r.rule.area}", "name": r.rule.id,
                                                 "time": "0"})
        first = r.tally.failures[0].reason if r.tally.failures else ""
        if r.status == "fail":
            node = ET.SubElement(case, "failure", {"message": _xml_text(first), "type": r.rule.severity})
            node.text = _xml_text(_failure_text(r))
        elif r.status == "untested":
            ET.SubElement(case, "skipped", {"message": "no case exercised this rule"})
        elif r.status in ("warn", "disputed"):
            out = ET.SubElement(case, "system-out")
            out.text = _xml_text(f"warning (SHOULD): {_failure_text(r)}" if r.status == "warn" else
                                 "disputed: " + "; ".join(sorted(r.tally.disputes)) + "; answers seen: "
                                 + ", ".join(f"{a} x{n}" for a, n in r.tally.answers.items()))
    root = ET.Element("testsuites", {"name": TOOL, "tests": suite.attrib["tests"],
                                     "failures": suite.attrib["failures"], "time": suite.attrib["time"]})
    root.append(suite)
    return root


# --- writing ----------------------------------------------------------------------------------------

def default_report_dir(endpoint: str, now: datetime, root: Path = REPORTS_ROOT) -> Path:
    """``reports/<UTC time>-<host>/`` (a numbered suffix if that name is taken)."""
    parts = urlsplit(endpoint)
    host = re.sub(r"[^A-Za-z0-9.-]+", "_", f"{parts.hostname or 'endpoint'}_{parts.port or ''}".rstrip("_"))
    base = root / f"{now.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}-{host}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def update_latest(report_dir: Path) -> Path:
    """Point ``<parent>/latest`` at ``report_dir`` (atomically replaced)."""
    link = report_dir.parent / LATEST
    tmp = report_dir.parent / f".{LATEST}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(report_dir.name, target_is_directory=True)
    os.replace(tmp, link)
    return link


def write_reports(result: RunResult, report_dir: Path, redact: Redactor) -> dict[str, Path]:
    """Write report.json and junit.xml (both redacted); the paths written."""
    report_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": report_dir / REPORT_JSON, "junit": report_dir / JUNIT_XML}
    report = build_report(result, report_dir)
    paths["json"].write_text(redact(json.dumps(report, indent=2, ensure_ascii=False)) + "\n", "utf-8")
    xml = ET.tostring(build_junit(result), encoding="unicode", xml_declaration=True)
    paths["junit"].write_text(redact(xml) + "\n", "utf-8")
    return paths
