"""`run --baseline FILE` / `--update-baseline`: known failures pass, new ones fail, fixed ones are reported.

Every run here is a real one against the embedded reference endpoint, with faults standing
for an emulator's known gaps: "today" it has one fault, then a second appears, then the first
is fixed.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main as cli
from conformance.suite import baseline
from conformance.suite.checks import RUN_CHECKS

TODAY = "description-max-off-by-one"
TODAY_RULE = "validation.SnapshotDescription.maxLength"
NEW = "tag-key-max-off-by-one"
NEW_RULE = "validation.Tag.Key.maxLength"


def run(capsys: pytest.CaptureFixture[str], report_dir: Path, *argv: str) -> tuple[int, str, dict[str, Any]]:
    code = cli.main(["run", "--profile", "quick", "--report-dir", str(report_dir), *argv])
    out, err = capsys.readouterr()
    report = json.loads((report_dir / "report.json").read_text("utf-8")) if code in (0, 1) else {}
    return code, out + err, report


def rule_of(report: dict[str, Any], rule_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in report["rules"] if r["id"] == rule_id)
    return found


@pytest.fixture
def todays(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A baseline of today's failures (one fault), written by --update-baseline."""
    path = tmp_path / "known-failures.json"
    code, out, report = run(capsys, tmp_path / "r0", "--fault", TODAY, "--baseline", str(path),
                            "--update-baseline")
    assert code == 0 and report["verdict"] == "pass"
    entries = len(json.loads(path.read_text("utf-8"))["entries"])
    assert entries >= 1  # how many cases break the rule depends on the generated cases
    assert f"baseline {path} updated: {entries} entries ({entries} added, 0 removed as fixed)" in out
    return path


def entry_count(path: Path) -> int:
    return len(json.loads(path.read_text("utf-8"))["entries"])


# --- the must-show -----------------------------------------------------------------------------------

def test_update_baseline_writes_todays_failures_sorted_with_a_header(todays: Path) -> None:
    data = json.loads(todays.read_text("utf-8"))
    assert data["format"] == 1 and "sgw-conformance baseline" in data["about"]
    keys = [(e["rule"], e["signature"]) for e in data["entries"]]
    assert keys == sorted(keys) and {rule for rule, _ in keys} == {TODAY_RULE}
    assert (TODAY_RULE, "SnapshotDescription/maxLength+1") in keys
    assert todays.read_text("utf-8") == baseline.render(keys)          # stable text, stable diffs


def test_a_run_with_a_baseline_of_todays_failures_exits_0_and_shows_them_as_known(
        todays: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, report = run(capsys, tmp_path / "r1", "--fault", TODAY, "--baseline", str(todays))
    assert code == 0 and report["verdict"] == "pass" and report["failing_rules"] == []
    assert rule_of(report, TODAY_RULE)["status"] == "known" and report["summary"]["known"] == 1
    assert {f["baseline"] for f in rule_of(report, TODAY_RULE)["failures"]} == {"known"}
    assert report["baseline"]["new"] == [] and len(report["baseline"]["known"]) == entry_count(todays)
    line = next(ln for ln in out.splitlines() if TODAY_RULE in ln)
    assert line.startswith("KNOWN") and "known (baseline)" in line
    junit = ET.parse(tmp_path / "r1" / "junit.xml").getroot()
    case = next(c for c in junit.iter("testcase") if c.get("name") == TODAY_RULE)
    assert case.find("failure") is None and case.find("skipped") is not None
    assert "KNOWN" in (tmp_path / "r1" / "report.html").read_text("utf-8")


def test_a_new_fault_fails_the_run_naming_only_the_new_failure(
        todays: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, report = run(capsys, tmp_path / "r2", "--fault", TODAY, "--fault", NEW,
                            "--baseline", str(todays))
    assert code == 1 and report["verdict"] == "fail"
    assert report["failing_rules"] == [NEW_RULE]
    assert {e["rule"] for e in report["baseline"]["new"]} == {NEW_RULE}
    assert rule_of(report, TODAY_RULE)["status"] == "known"
    new_lines = [ln for ln in out.splitlines() if ln.strip().startswith("NEW ")]
    assert new_lines and all(NEW_RULE in ln for ln in new_lines)
    assert [ln.split()[3] for ln in out.splitlines() if ln.startswith("FAIL ")] == [NEW_RULE]


def test_a_removed_fault_reports_its_entries_as_fixed(
        todays: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = [(e["rule"], e["signature"]) for e in json.loads(todays.read_text("utf-8"))["entries"]]
    code, out, report = run(capsys, tmp_path / "r3", "--baseline", str(todays))
    assert code == 0
    assert [(e["rule"], e["signature"]) for e in report["baseline"]["fixed"]] == entries
    assert report["baseline"]["known"] == [] and report["baseline"]["unseen"] == []
    fixed_lines = [ln.split(None, 1)[1] for ln in out.splitlines() if ln.strip().startswith("FIXED ")]
    assert fixed_lines == [f"{rule} [{signature}]" for rule, signature in entries]
    n = entry_count(todays)
    line = next(ln for ln in out.splitlines() if TODAY_RULE in ln)
    assert f"fixed since the baseline ({n} entries)" in line
    page = (tmp_path / "r3" / "report.html").read_text("utf-8")
    assert "Fixed (in the baseline, now passing)" in page and page.count(">FIXED<") == n


# --- keys ----------------------------------------------------------------------------------------------

def test_entries_are_keyed_by_signature_so_another_seed_still_matches(
        todays: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, report = run(capsys, tmp_path / "r4", "--fault", TODAY, "--seed", "5", "--baseline", str(todays))
    assert code == 0 and rule_of(report, TODAY_RULE)["status"] == "known"


def test_a_run_level_failure_is_keyed_by_its_rule_and_a_fixed_signature(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "b.json"
    code, _, _ = run(capsys, tmp_path / "r5", "--fault", "snapshot-id-repeated", "--baseline", str(path),
                     "--update-baseline")
    entries = json.loads(path.read_text("utf-8"))["entries"]
    assert code == 0
    assert entries == [{"rule": "state.snapshot-id-unique", "signature": baseline.RUN_SIGNATURE}]
    assert "state.snapshot-id-unique" in RUN_CHECKS
    code, _, report = run(capsys, tmp_path / "r6", "--fault", "snapshot-id-repeated", "--baseline", str(path))
    assert code == 0 and rule_of(report, "state.snapshot-id-unique")["status"] == "known"


def test_an_entry_this_run_could_not_check_is_unseen_not_fixed_and_kept_by_an_update(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "b.json"
    path.write_text(baseline.render([(TODAY_RULE, "thorough-only/signature"),
                                     (TODAY_RULE, "SnapshotDescription/maxLength+1")]))
    code, out, report = run(capsys, tmp_path / "r7", "--baseline", str(path), "--update-baseline")
    assert code == 0
    assert report["baseline"]["unseen"] == [{"rule": TODAY_RULE, "signature": "thorough-only/signature"}]
    fixed = {"rule": TODAY_RULE, "signature": "SnapshotDescription/maxLength+1"}
    assert report["baseline"]["fixed"] == [fixed]
    assert baseline.load(path) == {(TODAY_RULE, "thorough-only/signature")}
    assert "1 not checked by this run" in out and "(0 added, 1 removed as fixed)" in out


def test_a_rule_with_both_known_and_new_failures_fails() -> None:
    cmp = baseline.compare(Path("b.json"), frozenset({("r", "a")}), Counter({("r", "a"): 2, ("r", "b"): 1}),
                           ["r"], ["a", "b"])
    assert cmp.rule_status("r", "fail") == "fail" and cmp.new == {("r", "b"): 1}
    assert cmp.rule_status("other", "pass") == "pass"
    assert baseline.compare(Path("b.json"), frozenset({("r", "a")}), Counter({("r", "a"): 2}), ["r"],
                            ["a"]).rule_status("r", "warn") == "known"


# --- usage errors (exit 2, before anything is sent) ------------------------------------------------------

@pytest.mark.parametrize("content,message", [
    (None, "not found (create it with --update-baseline)"),
    ("{not json", "is not JSON"),
    ('{"format": 1, "entries": [{"rule": "r"}]}', "needs a string rule and signature"),
    ('{"entries": []}', "is not a sgw-conformance baseline"),
])
def test_a_missing_or_broken_baseline_is_a_usage_error(content: str | None, message: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content)
    code, out, _ = run(capsys, tmp_path / "r", "--baseline", str(path))
    assert code == 2 and message in out and not (tmp_path / "r").exists()


def test_update_baseline_without_a_file_is_a_usage_error(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, tmp_path / "r", "--update-baseline")
    assert code == 2 and "--update-baseline needs --baseline FILE" in out
