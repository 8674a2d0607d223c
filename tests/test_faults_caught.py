"""Every fault of the reference endpoint is caught: exit 1, and its rule is among the failing ones.

This is the proof that each check catches what it claims: one run of the suite per fault in
conformance.faults, against the embedded reference endpoint with that single fault injected.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance import cli
from conformance.faults import FAULTS

PROFILE = "quick"


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_the_suite_fails_the_rule_each_fault_belongs_to(name: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["run", "--profile", PROFILE, "--fault", name, "--report-dir", str(tmp_path)])
    capsys.readouterr()
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert code == 1 and report["verdict"] == "fail"
    assert FAULTS[name].rule in report["failing_rules"], report["failing_rules"]
    assert report["faults"] == [name]
