"""schemas/report.schema.json describes report.json exactly: real reports pass, broken ones do not.

Every report.json written anywhere in the test session is also validated as it is written:
tests/conftest.py sets SGW_CONFORMANCE_CHECK_REPORTS=1, and conformance.reports.writer.write_reports
then raises ReportSchemaError for a report that breaks the schema.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from conformance.embedded import run_suite
from conformance.errors import ReportSchemaError
from conformance.reports import report_json, writer
from conformance.suite import scoreboard
from conformance.suite.cases import generate_cases
from conformance.suite.cases.profiles import PROFILES
from conformance.suite.config import RunConfig
from conformance.suite.rulebook import load as load_rulebook
from conformance.suite.rules import AREAS, SEVERITIES
from conformance.suite.signing import SIGNING_MODES

RULES = load_rulebook().rules

FAULTS = ("description-max-off-by-one", "snapshot-id-repeated")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A failing run's report.json (a case failure with evidence and a run-level failure)."""
    directory = tmp_path_factory.mktemp("schema")
    result = run_suite(RunConfig(profile="quick", faults=FAULTS))
    paths = writer.write_reports(result, directory)
    loaded: dict[str, Any] = json.loads(paths["json"].read_text("utf-8"))
    return loaded


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = report_json.report_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_the_report_of_a_failing_run_is_valid(report: dict[str, Any]) -> None:
    assert report["verdict"] == "fail" and len(report["failing_rules"]) == 2
    assert report_json.report_errors(report) == []


def test_the_schema_enums_are_the_codes(report: dict[str, Any]) -> None:
    defs = report_json.report_schema()["$defs"]
    assert set(defs["status"]["enum"]) == {*scoreboard.STATUSES, "known"}
    assert defs["rule"]["properties"]["area"]["enum"] == list(AREAS)
    assert defs["rule"]["properties"]["severity"]["enum"] == list(SEVERITIES)
    assert defs["case"]["properties"]["signing"]["enum"] == list(SIGNING_MODES)
    summary = report_json.report_schema()["properties"]["summary"]
    assert set(summary["required"]) == {*scoreboard.STATUSES, "known"}
    assert report_json.report_schema()["properties"]["profile"]["enum"] == list(PROFILES)


def _first_failure(r: dict[str, Any]) -> dict[str, Any]:
    failure: dict[str, Any] = next(f for rule in r["rules"] for f in rule["failures"] if "request" in f)
    return failure


BREAKAGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "verdict not pass/fail": lambda r: r.update(verdict="maybe"),
    "exit code 2 in a report": lambda r: r.update(exit_code=2),
    "no rules": lambda r: r.pop("rules"),
    "an unknown top-level field": lambda r: r.update(surprise=True),
    "seed as text": lambda r: r.update(seed="0"),
    "started_at not UTC": lambda r: r.update(started_at="2024-01-02 03:04:05"),
    "a rule status outside the enum": lambda r: r["rules"][0].update(status="broken"),
    "a severity outside the enum": lambda r: r["rules"][0].update(severity="MAY"),
    "an area outside the enum": lambda r: r["rules"][0].update(area="misc"),
    "negative cases": lambda r: r["rules"][0].update(cases=-1),
    "summary without known": lambda r: r["summary"].pop("known"),
    "a failure without a reason": lambda r: _first_failure(r).pop("reason"),
    "a failure without its replay command": lambda r: _first_failure(r).pop("replay"),
    "a failure with a request but no case": lambda r: _first_failure(r).pop("case"),
    "a header value that is a number": lambda r: _first_failure(r)["request"]["headers"].update(X=1),
    "a response status of 42": lambda r: _first_failure(r)["response"].update(status=42),
    "a signing mode outside the enum": lambda r: _first_failure(r)["case"].update(signing="magic"),
    "a baseline tag outside the enum": lambda r: _first_failure(r).update(baseline="maybe"),
    "a baseline without its lists": lambda r: r.update(baseline={"file": "b.json"}),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_the_schema_rejects_a_broken_report(report: dict[str, Any], breakage: str) -> None:
    broken = copy.deepcopy(report)
    BREAKAGES[breakage](broken)
    assert report_json.report_errors(broken), breakage


def test_every_report_written_in_this_session_is_validated_as_it_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert os.environ.get(report_json.CHECK_ENV) == "1"      # set by tests/conftest.py for the session
    real = report_json.build_report

    def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
        built = real(*args, **kwargs)
        built["verdict"] = "maybe"
        return built

    monkeypatch.setattr(writer, "build_report", broken)
    result = run_suite(RunConfig(profile="quick", max_snapshots=0))
    with pytest.raises(ReportSchemaError, match="verdict"):
        writer.write_reports(result, tmp_path)


def test_a_report_of_every_rule_status_and_a_baseline_is_valid(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    rule = "validation.SnapshotDescription.maxLength"
    volume = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
    signatures = {c.signature for c in generate_cases(volume, "us-east-2", "quick", 0) if c.rule_id == rule}
    baseline.write_text(json.dumps({"format": 1, "entries": [
        *({"rule": rule, "signature": signature} for signature in sorted(signatures)),
        {"rule": "validation.Tag.Key.maxLength", "signature": "no-such-signature"}]}))
    faults = ("description-max-off-by-one", "tag-key-max-off-by-one")
    config = RunConfig(profile="quick", faults=faults, baseline=baseline)
    result = run_suite(config)
    built = json.loads(writer.write_reports(result, tmp_path / "run")["json"]
                       .read_text("utf-8"))
    assert built["baseline"]["unseen"] and (built["summary"]["known"], built["summary"]["fail"]) == (1, 1)
    assert {f.get("baseline") for r in built["rules"] for f in r["failures"]} >= {"known", "new"}
    assert report_json.report_errors(built) == []


def test_the_schema_knows_every_rule_of_the_registry_by_its_id_shape() -> None:
    import re
    pattern = report_json.report_schema()["$defs"]["rule"]["properties"]["id"]["pattern"]
    assert all(re.search(pattern, rule_id) for rule_id in RULES)
