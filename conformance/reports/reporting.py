"""Reports of a run: ``report.json``, ``junit.xml`` and ``report.html`` in the run's report directory.

``report.json`` holds the verdict, the run's parameters and every rule with its status and
its failures; each failure carries the request and response as evidence (bodies truncated),
the case spec needed to re-send it later (``case_to_spec`` / ``case_from_spec``) and the
``sgw-conformance replay`` command that does so.  It is described by
``schemas/report.schema.json`` (:func:`report_errors`; with the environment variable
``SGW_CONFORMANCE_CHECK_REPORTS=1`` every report written is validated, as the tests do).
``junit.xml`` has one testcase per rule so that CI systems can show the run.
``report.html`` is one self-contained page for people (inline CSS, no script, no external
asset), rendered from the redacted report.json data by ``templates/report.html.j2`` with
autoescaping on.  The reports are written once, at the end of the run.

Secrets never reach a file: the transport redacts what it records, and as a defence in depth
every text written here (and everything the runner prints) goes through a :class:`Redactor`
that scrubs the secret key, the session token and anything shaped like a SigV4 signature.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shlex
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from conformance import __version__
from conformance.errors import UsageError
from conformance.spec.schemas import SCHEMA_DIR
from conformance.suite.checks import RuleResult
from conformance.suite.model import Case, Exchange, Failure, Outcome

if TYPE_CHECKING:
    from conformance.suite.baseline import Comparison
    from conformance.suite.runner import RunResult

REPORT_JSON = "report.json"
JUNIT_XML = "junit.xml"
REPORT_HTML = "report.html"
REPORT_SCHEMA = SCHEMA_DIR / "report.schema.json"
TEMPLATES = Path(__file__).resolve().parent / "templates"
CHECK_ENV = "SGW_CONFORMANCE_CHECK_REPORTS"   # "1": validate every report.json written (tests)
REPORT_STATUSES = ("fail", "known", "warn", "disputed", "pass", "untested")   # worst first
HTML_FAILURES_PER_RULE = 10   # failures shown in full per rule on the page (all are in report.json)
REPORTS_ROOT = Path("reports")
LATEST = "latest"
BODY_LIMIT = 4096          # characters of a request/response body kept in a report
REDACTED = "[redacted]"    # safe inside JSON strings and XML text alike
FRAGMENT_MIN = 8           # characters of a secret's start or end redacted on their own (cut text)
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
        text = _without_fragments(text, self.secrets)
        return _SIGNATURE_RE.sub(_sub_signature, text)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _without_fragments(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every start or end of a secret of FRAGMENT_MIN characters or more redacted:
    what is left of a secret where a message or a body was cut to length (an endpoint may echo
    the request back, and AWS's signature errors quote the canonical request, token included)."""
    spans: list[tuple[int, int]] = []
    for secret in secrets:
        if len(secret) <= FRAGMENT_MIN:
            continue
        head, tail = secret[:FRAGMENT_MIN], secret[-FRAGMENT_MIN:]
        i = text.find(head)
        while i != -1:
            spans.append((i, i + _common_prefix(text[i:], secret)))
            i = text.find(head, i + 1)
        j = text.find(tail)
        while j != -1:
            end = j + FRAGMENT_MIN
            spans.append((end - _common_prefix(text[:end][::-1], secret[::-1]), end))
            j = text.find(tail, j + 1)
    if not spans:
        return text
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out += [text[last:start], REDACTED]
        last = end
    out.append(text[last:])
    return "".join(out)


def redact_tree(value: Any, redact: Redactor) -> Any:
    """Every string of a JSON-like value redacted (before it is escaped for JSON or HTML, where a
    secret's escaped form could slip past the text-level pass)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_tree(k, redact): redact_tree(v, redact) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_tree(v, redact) for v in value]
    return value


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


def replay_command(report_dir: Path, case_id: str, live: bool = False) -> str:
    """The command that re-sends a recorded case (absolute path: it works from any directory).

    ``live``: the run's endpoint is not loopback, and replay refuses one without --allow-live.
    """
    parts = [TOOL, "replay", os.path.abspath(report_dir), case_id, *(["--allow-live"] if live else [])]
    return " ".join(shlex.quote(str(p)) for p in parts)


def is_live(result: RunResult) -> bool:
    from conformance.suite.runner import is_loopback_host
    return not result.embedded and not is_loopback_host(urlsplit(result.endpoint).hostname or "")


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
        "source": rule.source, "fault": rule.fault, "status": status or result.status,
        "cases": tally.cases, "failure_count": tally.failure_count,
        "failures_omitted": tally.failure_count - len(tally.failures),
        "disputed": sorted(tally.disputes) or ([rule.disputed] if rule.disputed else []),
        "answers": dict(tally.answers.most_common()),
        "alternative_answers": dict(tally.alternatives.most_common()),
        "failures": [failure_entry(f, report_dir, live, comparison) for f in tally.failures],
    }


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def build_report(result: RunResult, report_dir: Path) -> dict[str, Any]:
    board = result.scoreboard
    results = board.results()
    statuses = result.statuses()
    live = is_live(result)
    return {
        "tool": {"name": TOOL, "version": __version__},
        "verdict": "fail" if result.exit_code == 1 else "pass",
        "exit_code": result.exit_code,
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
        "cases_skipped": dict(board.skipped),
        "stopped_early": result.stopped,
        "summary": {status: sum(1 for r in results if statuses[r.rule.id] == status)
                    for status in ("pass", "fail", "warn", "disputed", "untested", "known")},
        "failing_rules": result.failing_rules(),
        "baseline": result.baseline.to_json() if result.baseline is not None else None,
        "rules": [rule_entry(r, report_dir, statuses[r.rule.id], live, result.baseline) for r in results],
    }


# --- junit.xml ------------------------------------------------------------------------------------

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_clean(text: str) -> str:
    return _XML_INVALID.sub("?", text)


def _failure_text(result: RuleResult) -> str:
    lines = [f"{f.case_id} [{f.exchange.case.signature if f.exchange else '-'}]: {f.reason}"
             for f in result.tally.failures]
    omitted = result.tally.failure_count - len(result.tally.failures)
    if omitted:
        lines.append(f"... and {omitted} more")
    return "\n".join(lines)


def build_junit(result: RunResult, redact: Redactor | None = None) -> ET.Element:
    """One testcase per rule; every text redacted before XML escaping when ``redact`` is given."""
    scrub = redact or (lambda text: text)

    def _xml_text(text: str) -> str:
        return _xml_clean(scrub(text))

    results = result.scoreboard.results()
    statuses = result.statuses()
    suite = ET.Element("testsuite", {
        "name": TOOL, "tests": str(len(results)),
        "failures": str(sum(statuses[r.rule.id] == "fail" for r in results)),
        "skipped": str(sum(statuses[r.rule.id] in ("untested", "known") for r in results)),
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
        if statuses[r.rule.id] == "fail":
            node = ET.SubElement(case, "failure", {"message": _xml_text(first), "type": r.rule.severity})
            node.text = _xml_text(_failure_text(r))
        elif statuses[r.rule.id] == "known":
            message = _xml_text(f"known failure (baseline): {first}")
            node = ET.SubElement(case, "skipped", {"message": message})
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


def check_report_dir(report_dir: Path) -> None:
    """UsageError unless ``report_dir`` is, or can be made, a writable directory (checked before a
    run sends anything; whatever this creates to find out is removed again)."""
    if report_dir.exists() and not report_dir.is_dir():
        raise UsageError(f"report directory {report_dir} is an existing file, not a directory")
    if report_dir.is_dir():
        if not os.access(report_dir, os.W_OK | os.X_OK):
            raise UsageError(f"report directory {report_dir} is not writable")
        return
    made: list[Path] = []
    try:
        for part in reversed([report_dir, *report_dir.parents]):
            if not part.is_dir():
                part.mkdir()
                made.append(part)
    except OSError as exc:
        raise UsageError(f"cannot create the report directory {report_dir}: {exc.strerror or exc}") from None
    finally:
        for part in reversed(made):
            try:
                part.rmdir()
            except OSError:
                pass


def update_latest(report_dir: Path) -> Path:
    """Point ``<parent>/latest`` at ``report_dir`` (atomically replaced)."""
    link = report_dir.parent / LATEST
    tmp = report_dir.parent / f".{LATEST}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(report_dir.name, target_is_directory=True)
    os.replace(tmp, link)
    return link


class ReportSchemaError(Exception):
    """A report.json that breaks schemas/report.schema.json (a bug of ours; checked in the tests)."""


@lru_cache(maxsize=1)
def report_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(REPORT_SCHEMA.read_text("utf-8"))
    return loaded


def report_errors(report: Any) -> list[str]:
    """Every way ``report`` breaks schemas/report.schema.json (empty: it is valid)."""
    from jsonschema import Draft202012Validator
    validator = Draft202012Validator(report_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message[:300]}"
            for e in sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))]


def check_report(report: Any, where: Path | str = REPORT_JSON) -> None:
    errors = report_errors(report)
    if errors:
        raise ReportSchemaError(f"{where} breaks {REPORT_SCHEMA.name}: " + "; ".join(errors[:5]))


def write_reports(result: RunResult, report_dir: Path, redact: Redactor) -> dict[str, Path]:
    """Write report.json, junit.xml and report.html (all redacted); the paths written.

    UsageError (one line) when the directory or a file cannot be written.
    """
    try:
        return _write_reports(result, report_dir, redact)
    except OSError as exc:
        where = exc.filename or report_dir
        raise UsageError(f"cannot write the reports to {where}: {exc.strerror or exc}") from None


def _write_reports(result: RunResult, report_dir: Path, redact: Redactor) -> dict[str, Path]:
    report_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": report_dir / REPORT_JSON, "junit": report_dir / JUNIT_XML,
             "html": report_dir / REPORT_HTML}
    built = redact_tree(build_report(result, report_dir), redact)
    text = redact(json.dumps(built, indent=2, ensure_ascii=False))
    paths["json"].write_text(text + "\n", "utf-8", errors="replace")
    xml = ET.tostring(build_junit(result, redact), encoding="unicode", xml_declaration=True)
    paths["junit"].write_text(redact(xml) + "\n", "utf-8")
    try:
        report = json.loads(text)         # the page shows exactly what report.json says, redacted
    except ValueError:                    # a secret that spanned JSON syntax: the page is redacted below
        report = built
    paths["html"].write_text(redact(render_html(report)), "utf-8", errors="replace")
    if os.environ.get(CHECK_ENV) == "1":
        check_report(report, paths["json"])
    return paths


# --- report.html --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _template() -> Any:
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html.j2")


def _area_order() -> list[str]:
    from conformance.suite.rules import AREAS
    return list(AREAS)


def html_context(report: dict[str, Any]) -> dict[str, Any]:
    """What the page needs beyond report.json: rules by area, failing rules worst first."""
    rules = report["rules"]
    areas = _area_order() + sorted({r["area"] for r in rules} - set(_area_order()))
    by_area = [(area, [r for r in rules if r["area"] == area]) for area in areas]
    rank = {status: i for i, status in enumerate(REPORT_STATUSES)}
    failing = sorted((r for r in rules if r["failures"] or r["failure_count"]),
                     key=lambda r: (rank.get(r["status"], len(rank)), r["severity"] != "MUST"))
    return {"r": report, "by_area": [(a, rs) for a, rs in by_area if rs], "failing": failing,
            "per_rule": HTML_FAILURES_PER_RULE, "statuses": REPORT_STATUSES}


def render_html(report: dict[str, Any]) -> str:
    """The self-contained page of a report (autoescaped: endpoint answers are hostile text)."""
    rendered: str = _template().render(**html_context(report))
    return rendered
