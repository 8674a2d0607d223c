"""Writes a run's three reports (report.json, junit.xml, report.html) into its report directory.

They are written once, at the end of the run, from the run's results as they are: every
exchange was redacted by the transport when it was recorded, so no text is rewritten here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from conformance.errors import UsageError
from conformance.reports.html import render_html
from conformance.reports.junit import junit_text
from conformance.reports.layout import report_files
from conformance.reports.report_json import CHECK_ENV, build_report, check_report

if TYPE_CHECKING:
    from conformance.suite.results import RunResult


def write_reports(result: RunResult, report_dir: Path) -> dict[str, Path]:
    """Write report.json, junit.xml and report.html; the paths written, by kind (json, junit, html).

    UsageError (one line) when the directory or a file cannot be written.
    """
    try:
        return _write_reports(result, report_dir)
    except OSError as exc:
        where = exc.filename or report_dir
        raise UsageError(f"cannot write the reports to {where}: {exc.strerror or exc}") from None


def _write_reports(result: RunResult, report_dir: Path) -> dict[str, Path]:
    report_dir.mkdir(parents=True, exist_ok=True)
    paths = report_files(report_dir)
    text = json.dumps(build_report(result, report_dir), indent=2, ensure_ascii=False)
    paths["json"].write_text(text + "\n", "utf-8", errors="replace")
    paths["junit"].write_text(junit_text(result, report_dir), "utf-8", errors="replace")
    report = json.loads(text)        # the page shows exactly what report.json says
    paths["html"].write_text(render_html(report), "utf-8", errors="replace")
    if os.environ.get(CHECK_ENV) == "1":
        check_report(report, paths["json"])
    return paths
