"""`sgw-conformance replay`: a recorded failure sent again, re-signed now, and judged by the same checks.

Each fault's failure is recorded by a real run (the embedded reference endpoint with that
fault), then replayed against reference endpoints this test starts on 127.0.0.1: one with the
fault (exit 1, still failing) and a clean one (exit 0, the rule holds), the way an emulator
author checks a fix.
"""

from __future__ import annotations

import io
import json
import shlex
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from wire import captured_signatures

from conformance.cli import main as cli
from conformance.cli.run import finish
from conformance.embedded import run_suite
from conformance.endpoint import ReferenceEndpoint
from conformance.protocol.credentials import Credentials
from conformance.reports.report_json import build_report
from conformance.suite import scoreboard
from conformance.suite.config import RunConfig
from conformance.suite.model import Case, Exchange, Response, SentRequest
from conformance.suite.results import RunResult
from conformance.suite.rulebook import load as load_rulebook
from conformance.suite.target import ENV_KEYS

RULES = load_rulebook().rules

KEY = "AKIDREPLAYTEST"
SECRET = "REPLAYsecretW4distinctive/Key+0123456789abcd"
# fault -> the rule its failure is recorded against (a case rule, a run-level rule, a cross-cutting
# rule of every exchange, and an authentication rule whose case is signed with a wrong secret)
FAULT_RULES = {
    "description-max-off-by-one": "validation.SnapshotDescription.maxLength",
    "snapshot-id-repeated": "state.snapshot-id-unique",
    "validation-500": "envelope.no-5xx",
    "signature-unchecked": "authentication.signature",
}


def record(directory: Path, *faults: str, endpoint: str | None = None) -> dict[str, Any]:
    config = RunConfig(profile="quick", faults=faults, endpoint=endpoint, report_dir=directory)
    code = finish(config, run_suite(config), io.StringIO())
    assert code == 1
    report: dict[str, Any] = json.loads((directory / "report.json").read_text("utf-8"))
    return report


def failure_of(report: dict[str, Any], rule_id: str) -> dict[str, Any]:
    rule = next(r for r in report["rules"] if r["id"] == rule_id)
    assert rule["status"] == "fail" and rule["failures"], rule_id
    failure: dict[str, Any] = rule["failures"][0]
    return failure


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Any]]]:
    """fault -> (its report directory, its report)."""
    out = {}
    for fault in FAULT_RULES:
        directory = tmp_path_factory.mktemp("replay") / fault
        out[fault] = directory, record(directory, fault)
    return out


@pytest.fixture
def env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)


def endpoint(*faults: str) -> ReferenceEndpoint:
    return ReferenceEndpoint(faults=faults, credentials=Credentials(KEY, SECRET))


def replay(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["replay", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# --- the must-show: still failing against the faulty endpoint, holding against the clean one ------------

@pytest.mark.parametrize("fault", sorted(FAULT_RULES))
def test_a_recorded_failure_still_fails_against_the_faulty_endpoint_and_holds_against_the_clean_one(
        fault: str, recorded: dict[str, tuple[Path, dict[str, Any]]], env_credentials: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    directory, report = recorded[fault]
    rule_id = FAULT_RULES[fault]
    case_id = failure_of(report, rule_id)["case_id"]
    with endpoint(fault) as faulty, endpoint() as clean:
        code, out, err = replay(capsys, str(directory), case_id, "--endpoint", faulty.url)
        assert code == 1, out + err
        assert f"STILL FAILS {rule_id}: " in out and "result: still failing (exit 1)" in out
        code, out, err = replay(capsys, str(directory), case_id, "--endpoint", clean.url)
        assert code == 0, out + err
        assert f"HOLDS       {rule_id}" in out and "result: the rule now holds (exit 0)" in out
        assert f"sent to {clean.url} (region us-east-2)" in out


def test_the_replay_command_in_the_report_reproduces_the_failure_as_it_is(
        recorded: dict[str, tuple[Path, dict[str, Any]]], capsys: pytest.CaptureFixture[str]) -> None:
    directory, report = recorded["description-max-off-by-one"]
    failure = failure_of(report, FAULT_RULES["description-max-off-by-one"])
    argv = shlex.split(failure["replay"])
    assert argv[:2] == ["sgw-conformance", "replay"] and Path(argv[2]) == directory.resolve()
    code = cli.main(argv[1:])
    out = capsys.readouterr().out
    assert code == 1
    assert "a new embedded reference endpoint with faults description-max-off-by-one" in out


def test_without_endpoint_an_external_runs_failure_is_sent_to_the_reports_endpoint(
        tmp_path: Path, env_credentials: None, capsys: pytest.CaptureFixture[str]) -> None:
    with endpoint("tag-key-max-off-by-one") as external:
        report = record(tmp_path, endpoint=external.url)
        failure = failure_of(report, "validation.Tag.Key.maxLength")
        argv = shlex.split(failure["replay"])
        assert argv[-1] == failure["case_id"]                      # no --endpoint, no --allow-live
        code = cli.main(argv[1:])
        out = capsys.readouterr().out
    assert code == 1 and f"sent to {external.url} (region us-east-2)" in out


def test_the_new_answer_and_the_recorded_reason_are_shown(
        recorded: dict[str, tuple[Path, dict[str, Any]]], env_credentials: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    directory, report = recorded["description-max-off-by-one"]
    failure = failure_of(report, FAULT_RULES["description-max-off-by-one"])
    with endpoint() as clean:
        code, out, _ = replay(capsys, str(directory / "report.json"), failure["case_id"],
                              "--endpoint", clean.url)
    assert code == 0
    assert f"recorded: validation.SnapshotDescription.maxLength: {failure['reason']}" in out
    assert "response: HTTP 400" in out and '"__type": "ValidationException"' in out
    assert "X-Amz-Target: StorageGateway_20130630.CreateSnapshot" in out


def test_replay_shows_no_secret_and_no_signature(
        recorded: dict[str, tuple[Path, dict[str, Any]]], env_credentials: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    directory, report = recorded["signature-unchecked"]
    case_id = failure_of(report, "authentication.signature")["case_id"]
    with endpoint("signature-unchecked") as faulty, captured_signatures() as signatures:
        code, out, err = replay(capsys, str(directory), case_id, "--endpoint", faulty.url)
    assert code == 1 and signatures
    assert SECRET not in out + err and not any(sig in out + err for sig in signatures)


# --- usage errors (exit 2) ----------------------------------------------------------------------------

def test_an_unknown_case_id_is_a_usage_error_listing_valid_ones(
        recorded: dict[str, tuple[Path, dict[str, Any]]], capsys: pytest.CaptureFixture[str]) -> None:
    directory, report = recorded["description-max-off-by-one"]
    code, _, err = replay(capsys, str(directory), "c9999")
    assert code == 2 and "no recorded failure of case 'c9999'" in err
    assert failure_of(report, FAULT_RULES["description-max-off-by-one"])["case_id"] in err


def test_a_directory_without_a_report_is_a_usage_error(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = replay(capsys, str(tmp_path), "c0001")
    assert code == 2 and "no report at" in err


def test_a_live_endpoint_without_allow_live_is_refused_before_anything_is_sent(
        recorded: dict[str, tuple[Path, dict[str, Any]]], env_credentials: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    directory, report = recorded["description-max-off-by-one"]
    case_id = failure_of(report, FAULT_RULES["description-max-off-by-one"])["case_id"]
    code, _, err = replay(capsys, str(directory), case_id, "--endpoint",
                          "https://storagegateway.us-east-2.amazonaws.com")
    assert code == 2 and "--allow-live" in err and "nothing was sent" in err


def test_an_external_endpoint_without_credentials_is_a_usage_error(
        recorded: dict[str, tuple[Path, dict[str, Any]]], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    directory, report = recorded["description-max-off-by-one"]
    case_id = failure_of(report, FAULT_RULES["description-max-off-by-one"])["case_id"]
    code, _, err = replay(capsys, str(directory), case_id, "--endpoint", "http://127.0.0.1:1/")
    assert code == 2 and "AWS_SECRET_ACCESS_KEY" in err


def test_an_endpoint_that_does_not_answer_is_a_usage_error(
        recorded: dict[str, tuple[Path, dict[str, Any]]], env_credentials: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    with endpoint() as gone:
        url = gone.url
    directory, report = recorded["description-max-off-by-one"]
    case_id = failure_of(report, FAULT_RULES["description-max-off-by-one"])["case_id"]
    code, _, err = replay(capsys, str(directory), case_id, "--endpoint", url, "--timeout", "2")
    assert code == 2 and f"cannot reach {url}" in err


# --- the command recorded in a report ------------------------------------------------------------------

def hand_built(endpoint_url: str, embedded: bool) -> RunResult:
    rule = "validation.SnapshotDescription.maxLength"
    volume = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
    case = Case(rule, "SnapshotDescription/maxLength+1",
                {"VolumeARN": volume, "SnapshotDescription": "d" * 256}, allowed=RULES[rule].allowed,
                id="c0007")
    answer = json.dumps({"SnapshotId": "snap-1a2b3c4d", "VolumeARN": volume}).encode()
    exchange = Exchange(case, SentRequest("POST", endpoint_url, {}, b"{}"), Response(200, {}, answer))
    board = scoreboard.Scoreboard()
    board.record(exchange)
    return RunResult(endpoint=endpoint_url, embedded=embedded, faults=(), region="us-east-2",
                            volume_arn=volume, profile="quick", seed=0, workers=1,
                            started_at=datetime(2024, 1, 2, tzinfo=UTC), duration_s=1.0, cases_generated=1,
                            requests_sent=1, scoreboard=board, exchanges=[exchange], exit_code=1)


@pytest.mark.parametrize("url,embedded,flag", [
    ("https://storagegateway.us-east-2.amazonaws.com/", False, True),
    ("http://127.0.0.1:8080/", False, False),
    ("http://127.0.0.1:8080/", True, False),
])
def test_the_recorded_command_has_a_relative_quoted_path_and_allow_live_for_a_live_endpoint(
        url: str, embedded: bool, flag: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    report = build_report(hand_built(url, embedded), Path("my reports") / "run 1")
    command = failure_of(report, "validation.SnapshotDescription.maxLength")["replay"]
    argv = shlex.split(command)
    # relative to the working directory: it still works once the tree is moved (a CI artifact)
    assert argv[:4] == ["sgw-conformance", "replay", str(Path("my reports") / "run 1"), "c0007"]
    assert ("--allow-live" in argv) is flag and len(argv) == 4 + flag
