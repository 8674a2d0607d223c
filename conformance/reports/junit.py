"""``junit.xml``: one testcase per rule, so that CI systems can show a run: each with the time its
answers took, a failure's text with the request, the answer and the replay line.

Built as an element tree from the run's already redacted results (the XML escaping is
ElementTree's); only characters XML cannot hold at all are replaced.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from conformance.reports.layout import TOOL, replay_command
from conformance.reports.report_json import iso
from conformance.suite.model import Failure
from conformance.suite.scoreboard import RuleResult

if TYPE_CHECKING:
    from conformance.suite.results import RunResult

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("?", text)


EVIDENCE_FAILURES = 3     # failures per testcase with their request, answer and replay line
EVIDENCE_BODY = 500       # characters of a body in the failure text (report.json has more)


def _cut(text: str) -> str:
    return text if len(text) <= EVIDENCE_BODY else text[:EVIDENCE_BODY] + f"... ({len(text)} characters)"


def _evidence(failure: Failure, report_dir: Path | None, live: bool) -> list[str]:
    exchange = failure.exchange
    lines = []
    if exchange is not None:
        req = exchange.request
        lines.append(f"    request:  {req.method} {req.url} {_cut(req.body.decode('utf-8', 'replace'))}")
        resp = exchange.response
        lines.append(f"    answer:   HTTP {resp.status} {_cut(resp.body.decode('utf-8', 'replace'))}"
                     if resp is not None else f"    answer:   none ({exchange.error})")
    if report_dir is not None:
        lines.append(f"    replay:   {replay_command(report_dir, failure.case_id, live)}")
    return lines


def _failure_text(result: RuleResult, report_dir: Path | None = None, live: bool = False) -> str:
    lines = []
    for i, f in enumerate(result.tally.failures):
        lines.append(f"{f.case_id} [{f.exchange.case.signature if f.exchange else '-'}]: {f.reason}")
        if i < EVIDENCE_FAILURES:
            lines += _evidence(f, report_dir, live)
    omitted = result.tally.failure_count - len(result.tally.failures)
    if omitted:
        lines.append(f"... and {omitted} more")
    return "\n".join(lines)


def _outcome(case: ET.Element, result: RuleResult, status: str, report_dir: Path | None = None,
             live: bool = False) -> None:
    """The failure, skipped or system-out element of one rule's testcase (none when it passed)."""
    first = result.tally.failures[0].reason if result.tally.failures else ""
    if status == "fail":
        node = ET.SubElement(case, "failure", {"message": _xml_text(first), "type": result.rule.severity})
        node.text = _xml_text(_failure_text(result, report_dir, live))
    elif status == "known":
        node = ET.SubElement(case, "skipped", {"message": _xml_text(f"known failure (baseline): {first}")})
        node.text = _xml_text(_failure_text(result))
    elif result.status == "untested":
        ET.SubElement(case, "skipped", {"message": "no case exercised this rule"})
    elif result.status == "warn":
        ET.SubElement(case, "system-out").text = _xml_text(f"warning (SHOULD): {_failure_text(result)}")
    elif result.status == "disputed":
        answers = ", ".join(f"{a} x{n}" for a, n in result.tally.answers.items())
        text = "disputed: " + "; ".join(sorted(result.tally.disputes)) + "; answers seen: " + answers
        ET.SubElement(case, "system-out").text = _xml_text(text)


def rule_times(result: RunResult) -> defaultdict[str, float]:
    """Seconds spent waiting for the answers of each rule's cases."""
    times: defaultdict[str, float] = defaultdict(float)
    for exchange in result.exchanges:
        if exchange.response is not None:
            times[exchange.case.rule_id] += exchange.response.elapsed_s
    return times


def build_junit(result: RunResult, report_dir: Path | None = None) -> ET.Element:
    """The ``testsuites`` element of a run: one testcase per rule of the registry."""
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
        ET.SubElement(props, "property", {"name": name, "value": _xml_text(str(getattr(result, name)))})
    times = rule_times(result)
    live = not result.embedded and result.live
    for r in results:
        case = ET.SubElement(suite, "testcase", {"classname": f"{TOOL}.{r.rule.area}", "name": r.rule.id,
                                                 "time": f"{times[r.rule.id]:.3f}"})
        _outcome(case, r, statuses[r.rule.id], report_dir, live)
    root = ET.Element("testsuites", {"name": TOOL, "tests": suite.attrib["tests"],
                                     "failures": suite.attrib["failures"], "time": suite.attrib["time"]})
    root.append(suite)
    return root


def junit_text(result: RunResult, report_dir: Path | None = None) -> str:
    """junit.xml as text, with its XML declaration (``report_dir``: replay lines in the failures)."""
    return ET.tostring(build_junit(result, report_dir), encoding="unicode", xml_declaration=True) + "\n"
