"""report.json, junit.xml, the redaction pass and the report directory (hand-built runs, no server)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conformance.reports import reporting
from conformance.suite import checks
from conformance.suite.model import Case, Exchange, Outcome, Response, SentRequest
from conformance.suite.results import RunResult
from conformance.suite.rules import RULES

VOLUME = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
SECRET = "Zq9SECRETxKEYforREPORTStest0000000000000"
SIGNATURE = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
MAXLEN = "validation.SnapshotDescription.maxLength"


def make_exchange(case: Case, status: int, body: dict[str, Any]) -> Exchange:
    sent = SentRequest("POST", "http://127.0.0.1:9/", {
        "X-Amz-Target": "StorageGateway_20130630.CreateSnapshot",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-2/storagegateway/aws4_request, "
                         "SignedHeaders=host;x-amz-date, Signature=<redacted>"},
        json.dumps(case.params).encode())
    headers = {"content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "r-1"}
    return Exchange(case, sent, Response(status, headers, json.dumps(body).encode()))


def make_result(exchanges: list[Exchange]) -> RunResult:
    board = checks.Scoreboard()
    for ex in exchanges:
        board.record(ex)
    return RunResult(endpoint="http://127.0.0.1:9/", embedded=True, faults=("description-max-off-by-one",),
                     region="us-east-2", volume_arn=VOLUME, profile="quick", seed=7, workers=1,
                     started_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), duration_s=1.25,
                     cases_generated=len(exchanges), requests_sent=len(exchanges), scoreboard=board,
                     exchanges=exchanges, exit_code=1 if board.must_failed() else 0)


def failing_run() -> RunResult:
    long_case = Case(MAXLEN, f"{MAXLEN}:256-chars", {"VolumeARN": VOLUME, "SnapshotDescription": "x" * 256},
                     allowed=RULES[MAXLEN].allowed, id="c0001")
    ok_case = Case("accept.valid-request", "accept.valid-request:plain",
                   {"VolumeARN": VOLUME, "SnapshotDescription": "fine"},
                   allowed=RULES["accept.valid-request"].allowed, creates=True, id="c0002")
    # a hostile endpoint that echoes the secret and a signature back
    echo = {"SnapshotId": "snap-1a2b3c4d", "VolumeARN": VOLUME,
            "Debug": f"{SECRET} Signature={SIGNATURE} expected {SIGNATURE[::-1]}"}
    return make_result([make_exchange(long_case, 200, echo),
                        make_exchange(ok_case, 200, {"SnapshotId": "snap-0000beef", "VolumeARN": VOLUME})])


def write(tmp_path: Path, result: RunResult | None = None) -> tuple[dict[str, Any], ET.Element, Path]:
    result = result or failing_run()
    paths = reporting.write_reports(result, tmp_path / "run", reporting.Redactor.for_secrets([SECRET]))
    return (json.loads(paths["json"].read_text("utf-8")), ET.parse(paths["junit"]).getroot(),
            tmp_path / "run")


def test_report_json_carries_the_verdict_and_the_run_parameters(tmp_path: Path) -> None:
    report, _, _ = write(tmp_path)
    assert report["verdict"] == "fail"
    assert (report["requests_sent"], report["seed"], report["profile"]) == (2, 7, "quick")
    assert report["endpoint"] == "http://127.0.0.1:9/"
    assert report["started_at"] == "2024-01-02T03:04:05.000000Z"
    assert report["duration_s"] == 1.25
    assert report["tool"]["name"] == "sgw-conformance" and report["tool"]["version"]
    assert report["failing_rules"] == [MAXLEN]


def test_every_rule_is_in_the_report_in_registry_order_with_its_status(tmp_path: Path) -> None:
    report, _, _ = write(tmp_path)
    assert [r["id"] for r in report["rules"]] == list(RULES)
    by_id = {r["id"]: r for r in report["rules"]}
    assert by_id[MAXLEN]["status"] == "fail"
    assert by_id["accept.valid-request"]["status"] == "pass"
    assert by_id["validation.Tag.Key.pattern"]["status"] == "untested"
    keys = {"id", "area", "severity", "statement", "source", "status", "cases", "failures"}
    assert keys <= set(by_id[MAXLEN])


def test_a_failure_carries_request_response_reason_case_spec_and_replay_hint(tmp_path: Path) -> None:
    report, _, run_dir = write(tmp_path)
    failure = next(r for r in report["rules"] if r["id"] == MAXLEN)["failures"][0]
    assert failure["case_id"] == "c0001" and failure["signature"] == f"{MAXLEN}:256-chars"
    assert failure["reason"].startswith("expected 400 ValidationException")
    assert failure["request"]["method"] == "POST" and "x" * 256 in failure["request"]["body"]
    assert failure["response"]["status"] == 200 and "snap-1a2b3c4d" in failure["response"]["body"]
    assert failure["replay"] == f"sgw-conformance replay {run_dir} c0001"
    assert reporting.case_from_spec(failure["case"]).params["SnapshotDescription"] == "x" * 256


def test_a_case_spec_round_trips_even_with_a_raw_body_that_is_not_utf8() -> None:
    case = Case("envelope.body-not-json", "envelope.body-not-json:bytes", None, raw_body=b"\xff\xfe{",
                target=None, content_type=None, signing="none", disputed="why",
                allowed=(Outcome.error("SerializationException", 400),
                         Outcome.error("InvalidGatewayRequestException", 400, codes=("InvalidParameters",))),
                id="c0009")
    assert reporting.case_from_spec(json.loads(json.dumps(reporting.case_to_spec(case)))) == case


def test_junit_has_one_testcase_per_rule_and_a_failure_element_with_the_reason(tmp_path: Path) -> None:
    _, junit, _ = write(tmp_path)
    cases = junit.findall(".//testcase")
    assert [c.get("name") for c in cases] == list(RULES)
    failed = next(c for c in cases if c.get("name") == MAXLEN)
    assert failed.find("failure").get("message").startswith("expected 400 ValidationException")
    untested = next(c for c in cases if c.get("name") == "validation.Tag.Key.pattern")
    assert untested.find("skipped") is not None
    assert junit.find("testsuite").get("failures") == "1"


def test_a_secret_and_a_signature_echoed_by_the_endpoint_are_scrubbed_from_every_file(tmp_path: Path) -> None:
    write(tmp_path)
    for path in (tmp_path / "run").iterdir():
        text = path.read_text("utf-8")
        assert SECRET not in text and SIGNATURE not in text and SIGNATURE[::-1] not in text, path.name
    assert "[redacted]" in (tmp_path / "run" / "report.json").read_text("utf-8")


def test_the_redactor_scrubs_json_escaped_and_percent_encoded_forms_and_signature_fields() -> None:
    secret = 'ab"c/d+e'
    redact = reporting.Redactor.for_secrets([secret, None])
    text = redact(f'{json.dumps(secret)} ab%22c%2Fd%2Be Signature=0123abcd x-amz-signature=ffff')
    assert text == '"[redacted]" [redacted] Signature=[redacted] x-amz-signature=[redacted]'


def test_the_default_report_dir_is_utc_time_and_host_and_never_reused(tmp_path: Path) -> None:
    now = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    first = reporting.default_report_dir("http://127.0.0.1:8080/", now, tmp_path)
    assert first.name == "20240506T070809Z-127.0.0.1_8080"
    first.mkdir()
    assert reporting.default_report_dir("http://127.0.0.1:8080/", now, tmp_path).name == first.name + "-2"


def test_latest_points_at_the_newest_run(tmp_path: Path) -> None:
    older, newer = tmp_path / "a", tmp_path / "b"
    older.mkdir()
    newer.mkdir()
    reporting.update_latest(older)
    link = reporting.update_latest(newer)
    assert link == tmp_path / "latest" and link.resolve() == newer.resolve()


def test_the_redactor_keeps_hex_runs_that_cannot_be_signatures() -> None:
    redact = reporting.Redactor()
    assert redact("d" * 64) == "d" * 64 and redact("0" * 64) == "0" * 64
    assert redact(f"sig {SIGNATURE}.") == "sig [redacted]."
