"""``report.html``: one self-contained page of a run for people (inline CSS, no script, no
external asset), rendered from the report.json data by ``templates/report.html.j2``.

Autoescaping is on: an endpoint's answers are hostile text and are shown, never interpreted.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from conformance.suite.rules import AREAS

TEMPLATES = Path(__file__).resolve().parent / "templates"
REPORT_STATUSES = ("fail", "known", "warn", "disputed", "pass", "untested")   # worst first
HTML_FAILURES_PER_RULE = 10   # failures shown in full per rule on the page (all are in report.json)


@lru_cache(maxsize=1)
def _template() -> Any:
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html.j2")


def html_context(report: dict[str, Any]) -> dict[str, Any]:
    """What the page needs beyond report.json: rules by area, failing rules worst first."""
    rules = report["rules"]
    areas = list(AREAS) + sorted({r["area"] for r in rules} - set(AREAS))
    by_area = [(area, [r for r in rules if r["area"] == area]) for area in areas]
    rank = {status: i for i, status in enumerate(REPORT_STATUSES)}
    failing = sorted((r for r in rules if r["failures"] or r["failure_count"]),
                     key=lambda r: (rank.get(r["status"], len(rank)), r["severity"] != "MUST"))
    # a case failing several rules is shown in full once, under the first rule that lists it
    shown_under: dict[str, str] = {}
    for rule in failing:
        for f in rule["failures"][:HTML_FAILURES_PER_RULE]:
            shown_under.setdefault(f["case_id"], rule["id"])
    distinct = {f["case_id"] for rule in failing for f in rule["failures"]}
    counts = [(status, sum(r["status"] == status for r in failing)) for status in REPORT_STATUSES]
    return {"r": report, "by_area": [(a, rs) for a, rs in by_area if rs], "failing": failing,
            "per_rule": HTML_FAILURES_PER_RULE, "statuses": REPORT_STATUSES, "shown_under": shown_under,
            "distinct_cases": len(distinct), "failing_counts": [(s, n) for s, n in counts if n]}


def render_html(report: dict[str, Any]) -> str:
    """The self-contained page of a report (a report.json document)."""
    rendered: str = _template().render(**html_context(report))
    return rendered
