"""Every fault of the reference endpoint is caught: exit 1, and its rule is among the failing ones.

This is the proof that each check catches what it claims: one run of the suite per fault in
conformance.endpoint.faults, against the embedded reference endpoint with that single fault injected.
A fault of WARNING_FAULTS breaks only a SHOULD rule: the run passes (exit 0) and that rule,
and no other, is a warning.  The quick profile keeps each run well under a second; its cases
are generated once per process and shared by the runs (conformance.suite.engine.generate is cached).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main as cli
from conformance.endpoint.faults import FAULTS, WARNING_FAULTS

PROFILE = "quick"


def run_with_fault(name: str, report_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    code = cli.main(["run", "--profile", PROFILE, "--fault", name, "--report-dir", str(report_dir)])
    capsys.readouterr()
    return code, json.loads((report_dir / "report.json").read_text("utf-8"))


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_the_suite_fails_the_rule_each_fault_belongs_to(name: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_with_fault(name, tmp_path, capsys)
    assert code == 1 and report["verdict"] == "fail"
    assert FAULTS[name].rule in report["failing_rules"], report["failing_rules"]
    assert report["faults"] == [name]


@pytest.mark.parametrize("name", sorted(WARNING_FAULTS))
def test_a_fault_of_a_should_rule_passes_the_run_with_its_rule_a_warning(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_with_fault(name, tmp_path, capsys)
    assert code == 0 and report["verdict"] == "pass" and report["failing_rules"] == []
    warned = [r["id"] for r in report["rules"] if r["status"] == "warn"]
    assert warned == [WARNING_FAULTS[name].rule]
    assert report["faults"] == [name]
