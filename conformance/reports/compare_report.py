"""``compare.json`` and ``compare.html``: the report of ``sgw-conformance compare``.

``compare.json`` (described by ``schemas/compare.schema.json``) holds both sides, the parity
figures (identical, allowed, different and not sent, overall and per rule), every case that is
not identical with both answers as evidence (the exchanges as the transport and the recording
hold them: already redacted), and the cases whose message text differs.  ``compare.html`` shows
the same data on one self-contained page, the two answers of each difference side by side
(``templates/compare.html.j2``, autoescaped: the answers are hostile text).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from conformance.errors import ReportSchemaError, UsageError
from conformance.reports.layout import TOOL
from conformance.reports.report_json import CHECK_ENV, exchange_evidence, iso
from conformance.spec.schemas import SCHEMA_DIR, document_errors, load_document_schema
from conformance.suite.case_spec import case_to_spec
from conformance.suite.compare import (
    ALLOWED,
    ASPECTS,
    CLASSES,
    DIFFERENT,
    IDENTICAL,
    NOT_SENT,
    CaseComparison,
    CompareRun,
    Parity,
    Side,
    View,
)
from conformance.version import __version__

COMPARE_JSON = "compare.json"
COMPARE_HTML = "compare.html"
COMPARE_SCHEMA = SCHEMA_DIR / "compare.schema.json"
TEMPLATES = Path(__file__).resolve().parent / "templates"
HTML_CASES = 200        # cases shown in full on the page, differences first (all are in compare.json)


def _counts(counts: Any) -> dict[str, Any]:
    figures = {klass.replace(" ", "_"): counts[klass] for klass in CLASSES}
    figures["identical_percent"] = Parity.percent(counts, IDENTICAL)
    figures["parity_percent"] = round(Parity.percent(counts, IDENTICAL) + Parity.percent(counts, ALLOWED), 1)
    return figures


def _side(side: Side) -> dict[str, Any]:
    return {"label": side.label, "endpoint": side.endpoint, "region": side.region,
            "volume_arn": side.volume_arn, "embedded": side.embedded, "faults": list(side.faults),
            "variants": list(side.variants)}


def _answer(view: View | None, exchange: Any) -> dict[str, Any] | None:
    if view is None or exchange is None:
        return None
    return {"summary": view.summary, "aspects": {k: view.aspects[k] for k in ASPECTS},
            "message": view.message, **exchange_evidence(exchange)}


def _case(result: CaseComparison) -> dict[str, Any]:
    case = result.case
    return {"case_id": case.id, "rule": case.rule_id, "signature": case.signature,
            "class": result.klass, "differing": list(result.differing), "reason": result.reason,
            "message_differs": result.message_differs,
            "warnings": [{"rule": rule, "reason": reason} for rule, reason in result.warnings],
            "broken": {"left": result.broken.get("left", []), "right": result.broken.get("right", [])},
            "left": _answer(result.left, result.left_exchange),
            "right": _answer(result.right, result.right_exchange), "case": case_to_spec(case)}


def build(run: CompareRun) -> dict[str, Any]:
    """The compare.json document of one comparison."""
    comparison = run.comparison
    parity = comparison.parity
    return {
        "tool": {"name": TOOL, "version": __version__},
        "kind": "compare",
        "verdict": "different" if comparison.exit_code else "same",
        "exit_code": comparison.exit_code,
        "started_at": iso(run.started_at),
        "duration_s": round(run.duration_s, 3),
        "recording": run.recording,
        "left": _side(run.left),
        "right": _side(run.right),
        "aspects": {name: why for name, (_extract, why) in ASPECTS.items()},
        "parity": {"overall": _counts(parity.overall),
                   "rules": [{"rule": rule, **_counts(counts)}
                             for rule, counts in sorted(parity.per_rule.items())]},
        "cases": [_case(r) for r in comparison.results if r.klass != IDENTICAL],
        "message_differences": [
            {"case_id": r.case.id, "rule": r.case.rule_id,
             "left": r.left.message if r.left else None, "right": r.right.message if r.right else None}
            for r in comparison.message_differences],
    }


# --- the schema --------------------------------------------------------------------------------

def compare_schema() -> dict[str, Any]:
    return load_document_schema(COMPARE_SCHEMA)


def compare_errors(report: Any) -> list[str]:
    """Every way ``report`` breaks schemas/compare.schema.json (empty: it is valid)."""
    return document_errors(COMPARE_SCHEMA, report)


# --- the page ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _template() -> Any:
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("compare.html.j2")


def render_html(report: dict[str, Any]) -> str:
    """The self-contained page of a compare.json document."""
    order = {DIFFERENT: 0, ALLOWED: 1, NOT_SENT: 2}
    cases = sorted(report["cases"], key=lambda c: (order.get(c["class"], 3), c["case_id"]))
    rendered: str = _template().render(r=report, cases=cases[:HTML_CASES], omitted=len(cases) - HTML_CASES,
                                       aspects=list(ASPECTS))
    return rendered


def write(report: dict[str, Any], report_dir: Path) -> dict[str, Path]:
    """Write compare.json and compare.html; their paths (json, html).  UsageError when unwritable."""
    paths = {"json": report_dir / COMPARE_JSON, "html": report_dir / COMPARE_HTML}
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
        text = json.dumps(report, indent=2, ensure_ascii=False)
        paths["json"].write_text(text + "\n", "utf-8", errors="replace")
        paths["html"].write_text(render_html(json.loads(text)), "utf-8", errors="replace")
    except OSError as exc:
        raise UsageError(f"cannot write the compare report to {exc.filename or report_dir}: "
                         f"{exc.strerror or exc}") from None
    import os
    if os.environ.get(CHECK_ENV) == "1":
        errors = compare_errors(json.loads(text))
        if errors:
            raise ReportSchemaError(f"{paths['json']} breaks {COMPARE_SCHEMA.name}: " + "; ".join(errors[:5]))
    return paths
