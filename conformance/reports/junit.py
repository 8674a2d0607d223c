"""``junit.xml``: one testcase per rule, so that CI systems can show a run.

Built as an element tree from the run's already redacted results (the XML escaping is
ElementTree's); only characters XML cannot hold at all are replaced.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from conformance.reports.layout import TOOL
from conformance.reports.report_json import iso
from conformance.suite.scoreboard import RuleResult

if TYPE_CHECKING:
    from conformance.suite.results import RunResult

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


def _outcome(case: ET.Element, result: RuleResult, status: str) -> None:
    """The failure, skipped or system-out element of one rule's testcase (none when it passed)."""
    first = result.tally.failures[0].reason if result.tally.failures else ""
    if status == "fail":
        node = ET.SubElement(case, "failure", {"message": _xml_text(first), "type": result.rule.severity})
        node.text = _xml_text(_failure_text(result))
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


def build_junit(result: RunResult) -> ET.Element:
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
    for r in results:
        case = ET.SubElement(suite, "testcase", {"classname": f"{TOOL}.{r.rule.area}", "name": r.rule.id,
                                                 "time": "0"})
        _outcome(case, r, statuses[r.rule.id])
    root = ET.Element("testsuites", {"name": TOOL, "tests": suite.attrib["tests"],
                                     "failures": suite.attrib["failures"], "time": suite.attrib["time"]})
    root.append(suite)
    return root


def junit_text(result: RunResult) -> str:
    """junit.xml as text, with its XML declaration."""
    return ET.tostring(build_junit(result), encoding="unicode", xml_declaration=True) + "\n"
