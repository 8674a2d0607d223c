"""``CONFORMANCE.md``: every rule of the rulebook by area, with the faults that prove it, then the
disputed points.  Generated, never edited by hand::

    python -m conformance.reports.conformance_md > CONFORMANCE.md

(tests/test_rules.py keeps the committed file current.)  This is where the rulebook meets the
fault registry (:mod:`conformance.reports.proofs`): the rules themselves know no fault.
"""

from __future__ import annotations

import sys

from conformance.reports.proofs import rule_faults
from conformance.suite import rulebook
from conformance.suite.rules import AREAS, Rule

COMMAND = "python -m conformance.reports.conformance_md > CONFORMANCE.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rule_row(r: Rule) -> str:
    allowed = "; ".join(o.describe() for o in r.allowed) or "(checked on every exchange / run)"
    faults = ", ".join(f"`{f}`" for f in rule_faults(r.id)) or "-"
    return (f"| `{r.id}` | {r.severity} | {_cell(r.statement)} | {_cell(allowed)} | {faults} | "
            f"{_cell(r.source)} | {_cell(r.disputed or '')} |")


def _header() -> list[str]:
    return [
        "# Conformance rules",
        "",
        f"Generated from `conformance/suite/rules.py` by `{COMMAND}`; do not edit by hand.",
        "",
        "A MUST rule that fails fails the run (exit 1); a SHOULD rule that fails is a warning. "
        "\"Allowed\" lists the acceptable answers (HTTP status and sanitised error type); "
        "\"Proved by\" names the reference endpoint's faults that make the rule fail (a SHOULD "
        "rule's faults make it warn).",
        "",
    ]


def _rules_by_area() -> list[str]:
    lines: list[str] = []
    for area in AREAS:
        rules = [r for r in rulebook.load().rules.values() if r.area == area]
        if not rules:
            continue
        lines += [f"## {area}", "",
                  "| id | severity | statement | allowed | proved by | source | disputed |",
                  "|---|---|---|---|---|---|---|"]
        lines += [_rule_row(r) for r in rules]
        lines.append("")
    return lines


def _disputed_points() -> list[str]:
    lines = ["## Disputed points", "",
             "On a disputed point every listed answer is conformant.", "",
             "| point | rules | why |", "|---|---|---|"]
    for point, (rule_ids, reason) in rulebook.load().dispute_points().items():
        lines.append(f"| {point} | {', '.join(f'`{r}`' for r in rule_ids)} | {_cell(reason)} |")
    lines.append("")
    return lines


def render_conformance_md() -> str:
    """CONFORMANCE.md: every rule of the registry, by area, then the disputed points."""
    return "\n".join([*_header(), *_rules_by_area(), *_disputed_points()])


if __name__ == "__main__":
    sys.stdout.write(render_conformance_md())
