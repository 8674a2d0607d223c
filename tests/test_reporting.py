"""report.json, junit.xml and the report directory (hand-built runs, no server); the reports are
written from exchanges as the transport records them, redacted, and rewrite no text."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conformance.protocol.redaction import MARKER, Secrets
from conformance.reports.layout import default_report_dir, update_latest
from conformance.reports.writer import write_reports
from conformance.suite import scoreboard
from conformance.suite.case_spec import case_from_spec, case_to_spec
from conformance.suite.model import Case, Exchange, Outcome, Response, SentRequest
from conformance.suite.results import RunResult
from conformance.suite.rulebook import load as load_rulebook
from conformance.suite.transport import redacted

RULES = load_rulebook().rules

VOLUME = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
SECRET = "Zq9SECRETxKEYforREPORTStest0000000000000"
SIGNATURE = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
PAYLOAD_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
MAXLEN = "validation.SnapshotDescription.maxLength"


def make_exchange(case: Case, status: int, body: dict[str, Any]) -> Exchange:
    """The exchange as the transport records it: through the redaction of its secrets."""
    headers = {"X-Amz-Target": "StorageGateway_20130630.CreateSnapshot", "x-amz-content-sha256": PAYLOAD_HASH,
               "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-2/storagegateway/"
                                f"aws4_request, SignedHeaders=host;x-amz-date, Signature={SIGNATURE}"}
    sent = SentRequest("POST", "http://127.0.0.1:9/", headers, json.dumps(case.params).encode())
    answer = {"content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "r-1"}
    return redacted(Secrets.of(SECRET).with_sent(headers), case, sent,
                    Response(status, answer, json.dumps(body).encode()))


def make_result(exchanges: list[Exchange]) -> RunResult:
    board = scoreboard.Scoreboard()
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
    # a hostile endpoint that echoes the secret and the signature back, and the payload hash
    echo = {"SnapshotId": "snap-1a2b3c4d", "VolumeARN": VOLUME,
            "Debug": f"{SECRET} Signature={SIGNATURE} payload {PAYLOAD_HASH}"}
    return make_result([make_exchange(long_case, 200, echo),
                        make_exchange(ok_case, 200, {"SnapshotId": "snap-0000beef", "VolumeARN": VOLUME})])


def write(tmp_path: Path, result: RunResult | None = None) -> tuple[dict[str, Any], ET.Element, Path]:
    result = result or failing_run()
    paths = write_reports(result, tmp_path / "run")
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
    assert case_from_spec(failure["case"]).params["SnapshotDescription"] == "x" * 256


def test_a_case_spec_round_trips_even_with_a_raw_body_that_is_not_utf8() -> None:
    case = Case("envelope.body-not-json", "envelope.body-not-json:bytes", None, raw_body=b"\xff\xfe{",
                target=None, content_type=None, signing="none", disputed="why",
                allowed=(Outcome.error("SerializationException", 400),
                         Outcome.error("InvalidGatewayRequestException", 400, codes=("InvalidParameters",))),
                id="c0009")
    assert case_from_spec(json.loads(json.dumps(case_to_spec(case)))) == case


def test_junit_has_one_testcase_per_rule_and_a_failure_element_with_the_reason(tmp_path: Path) -> None:
    _, junit, _ = write(tmp_path)
    cases = junit.findall(".//testcase")
    assert [c.get("name") for c in cases] == list(RULES)
    failed = next(c for c in cases if c.get("name") == MAXLEN)
    assert failed.find("failure").get("message").startswith("expected 400 ValidationException")
    untested = next(c for c in cases if c.get("name") == "validation.Tag.Key.pattern")
    assert untested.find("skipped") is not None
    assert junit.find("testsuite").get("failures") == "1"


def test_a_secret_and_a_signature_echoed_by_the_endpoint_reach_no_file(tmp_path: Path) -> None:
    write(tmp_path)
    for path in (tmp_path / "run").iterdir():
        text = path.read_text("utf-8")
        assert SECRET not in text and SIGNATURE not in text, path.name
    report = json.loads((tmp_path / "run" / "report.json").read_text("utf-8"))
    failure = next(r for r in report["rules"] if r["id"] == MAXLEN)["failures"][0]
    assert failure["request"]["headers"]["Authorization"].endswith(f"Signature={MARKER}")
    debug = json.loads(failure["response"]["body"])["Debug"]
    assert debug == f"{MARKER} Signature={MARKER} payload {PAYLOAD_HASH}"


def test_x_amz_content_sha256_values_stay_visible_in_report_json(tmp_path: Path) -> None:
    report, _, _ = write(tmp_path)
    failure = next(r for r in report["rules"] if r["id"] == MAXLEN)["failures"][0]
    assert failure["request"]["headers"]["x-amz-content-sha256"] == PAYLOAD_HASH
    assert PAYLOAD_HASH in failure["response"]["body"]


def test_the_reports_rewrite_no_text_of_the_results(tmp_path: Path) -> None:
    case = Case(MAXLEN, "test", {"VolumeARN": VOLUME, "SnapshotDescription": "x" * 256},
                allowed=RULES[MAXLEN].allowed, id="c0001")
    sent = SentRequest("POST", "http://127.0.0.1:9/", {"X-Test": "test"}, b'{"test": "latest-tests"}')
    answer = Response(200, {"x-amz-content-sha256": SIGNATURE}, b'{"SnapshotId": "test"}')
    exchange = Exchange(case, sent, answer)
    report, _, _ = write(tmp_path, make_result([exchange]))
    failure = next(r for r in report["rules"] if r["id"] == MAXLEN)["failures"][0]
    assert failure["request"]["headers"] == {"X-Test": "test"}
    assert failure["request"]["body"] == '{"test": "latest-tests"}'
    assert failure["response"]["headers"] == {"x-amz-content-sha256": SIGNATURE}


def test_the_default_report_dir_is_utc_time_and_host_and_never_reused(tmp_path: Path) -> None:
    now = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    first = default_report_dir("http://127.0.0.1:8080/", now, tmp_path)
    assert first.name == "20240506T070809Z-127.0.0.1_8080"
    first.mkdir()
    assert default_report_dir("http://127.0.0.1:8080/", now, tmp_path).name == first.name + "-2"


def test_latest_points_at_the_newest_run(tmp_path: Path) -> None:
    older, newer = tmp_path / "a", tmp_path / "b"
    older.mkdir()
    newer.mkdir()
    update_latest(older)
    link = update_latest(newer)
    assert link == tmp_path / "latest" and link.resolve() == newer.resolve()
