"""A run with LocalStack's credentials, ``test`` / ``test``: the reports stay what they are.

Redaction used to be a text replace over the finished files, and the secret ``test`` broke
junit.xml (``<[redacted]suites``), report.json (``un[redacted]ed``), the rule ids on the terminal
and the replay line of a report directory named ``latest-tests``.  Now the secrets leave each
exchange as the transport records it, and nothing else is touched.
"""

from __future__ import annotations

import json
import os
import socketserver
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from wire import LoopbackServer, captured_signatures, http_answer, read_request

from conformance.cli import main as cli
from conformance.endpoint import ReferenceEndpoint
from conformance.protocol.credentials import Credentials
from conformance.reports.report_json import report_schema

REPO = Path(__file__).resolve().parent.parent
FAULT = "description-max-off-by-one"
FAILING = "validation.SnapshotDescription.maxLength"
TOKEN = "LOCALSTACKsessionTOKEN0123456789abcdefABCDEFdistinctive"


@pytest.fixture
def localstack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)


@pytest.fixture
def endpoint() -> Iterator[ReferenceEndpoint]:
    with ReferenceEndpoint(faults=(FAULT,), credentials=Credentials("test", "test")) as ep:
        yield ep


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def latest_tests(endpoint: ReferenceEndpoint, localstack_env: None, tmp_path: Path,
                 capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """A run with test/test against an endpoint with one fault, reported into ``latest-tests``."""
    directory = tmp_path / "latest-tests"
    with captured_signatures() as signatures:
        code, out, err = run(capsys, "run", "-v", "--endpoint", endpoint.url, "--profile", "quick",
                             "--report-dir", str(directory))
    return {"code": code, "out": out, "err": err, "dir": directory, "signatures": signatures,
            "report": json.loads((directory / "report.json").read_text("utf-8"))}


def test_with_test_test_the_run_fails_only_the_rule_its_fault_breaks(latest_tests: dict[str, Any]) -> None:
    assert latest_tests["code"] == 1, latest_tests["err"]
    assert latest_tests["report"]["failing_rules"] == [FAILING]


def test_with_test_test_junit_xml_is_still_xml_with_every_rule_id(latest_tests: dict[str, Any]) -> None:
    root = ET.parse(latest_tests["dir"] / "junit.xml").getroot()
    assert root.tag == "testsuites" and root.find("testsuite") is not None
    names = [case.get("name") for case in root.iter("testcase")]
    assert names == [rule["id"] for rule in latest_tests["report"]["rules"]]


def test_with_test_test_report_json_validates_against_its_schema(latest_tests: dict[str, Any]) -> None:
    validator = Draft202012Validator(report_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(latest_tests["report"])) == []
    assert latest_tests["report"]["summary"]["untested"] >= 0         # "untested", as spelt
    assert {rule["status"] for rule in latest_tests["report"]["rules"]} <= {
        "pass", "fail", "warn", "disputed", "untested", "known"}


def test_with_test_test_every_rule_id_of_the_run_appears_intact_on_the_terminal(
        latest_tests: dict[str, Any]) -> None:
    out = latest_tests["out"]
    for rule in latest_tests["report"]["rules"]:
        assert f" {rule['id']} " in out, rule["id"]
    assert "[redacted]" not in out
    assert f"report: {latest_tests['dir'] / 'report.json'}" in out


def test_with_test_test_the_replay_line_names_the_real_directory_and_replays(
        latest_tests: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    failure = next(r for r in latest_tests["report"]["rules"] if r["id"] == FAILING)["failures"][0]
    assert failure["replay"] == f"sgw-conformance replay {latest_tests['dir']} {failure['case_id']}"
    tool, command, directory, case_id = failure["replay"].split(" ")
    code, out, err = run(capsys, command, directory, case_id)
    assert code == 1, err
    assert FAILING in out and not any(sig in out + err for sig in latest_tests["signatures"])


def test_with_test_test_no_signature_reaches_a_file_or_the_terminal(latest_tests: dict[str, Any]) -> None:
    assert len(latest_tests["signatures"]) > 10
    files = [p.read_text("utf-8") for p in latest_tests["dir"].iterdir() if p.is_file()]
    for text in (*files, latest_tests["out"], latest_tests["err"]):
        assert not any(sig in text for sig in latest_tests["signatures"])


def test_with_test_test_x_amz_content_sha256_values_stay_visible_in_report_json(
        latest_tests: dict[str, Any]) -> None:
    import hashlib
    failure = next(r for r in latest_tests["report"]["rules"] if r["id"] == FAILING)["failures"][0]
    headers = {k.lower(): v for k, v in failure["request"]["headers"].items()}
    body = failure["request"]["body"].encode("utf-8")
    assert not failure["request"]["body_truncated"]
    assert headers["x-amz-content-sha256"] == hashlib.sha256(body).hexdigest()
    assert headers["authorization"].endswith("Signature=[redacted]")


def test_a_session_token_is_masked_and_the_reports_stay_valid(
        endpoint: ReferenceEndpoint, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    directory = tmp_path / "latest-tests"
    code, out, err = run(capsys, "run", "--endpoint", endpoint.url, "--profile", "quick",
                         "--report-dir", str(directory))
    assert code in (0, 1), err
    for path in directory.iterdir():
        assert TOKEN not in path.read_text("utf-8"), path.name
    assert TOKEN not in out + err
    ET.parse(directory / "junit.xml")


class _Echo(socketserver.BaseRequestHandler):
    """Refuses every request with a message quoting it whole (headers and body), as AWS's
    signature errors quote the canonical request."""

    def handle(self) -> None:
        while True:
            head, body = read_request(self.request)
            if not head:
                return
            quoted = head.decode("latin-1").replace("\r\n", " | ") + " | " + body.decode("utf-8", "replace")
            # the preflight's probe (a description one past its maximum) gets a validation error, so
            # the run goes on and writes its reports; every other request a signature error
            kind = "ValidationException" if b'"' + b"p" * 256 + b'"' in body else "InvalidSignatureException"
            answer = json.dumps({"__type": kind, "message": quoted}).encode()
            self.request.sendall(http_answer(400, answer, "x-amzn-RequestId: r-1\r\n"))


def test_with_test_test_an_endpoint_echoing_every_request_leaves_valid_reports_and_no_secret(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    server = LoopbackServer(_Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    directory = tmp_path / "latest-tests"
    volume = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
    try:
        with captured_signatures() as signatures:
            code, out, err = run(capsys, "run", "-v", "--endpoint", server.url, "--profile", "quick",
                                 "--volume-arn", volume, "--report-dir", str(directory))
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1, err
    report = json.loads((directory / "report.json").read_text("utf-8"))
    validator = Draft202012Validator(report_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(report)) == []
    assert ET.parse(directory / "junit.xml").getroot().tag == "testsuites"
    for rule in report["rules"]:
        assert f" {rule['id']} " in out, rule["id"]
    texts = [out, err, *(p.read_text("utf-8") for p in directory.iterdir() if p.is_file())]
    assert len(signatures) > 10
    for text in texts:
        assert TOKEN not in text and not any(sig in text for sig in signatures)
    echoed = next(f for r in report["rules"] for f in r["failures"] if f.get("response"))
    message = json.loads(echoed["response"]["body"])["message"]
    assert "Signature=[redacted]" in message and "X-Amz-Security-Token: [redacted]" in message


# --- the same through the command line: `serve` and `run` as separate processes --------------

def test_serve_and_run_as_processes_with_test_test_write_reports_that_parse(tmp_path: Path) -> None:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "SGW_ACCESS_KEY_ID": "test", "SGW_SECRET_ACCESS_KEY": "test"}
    env.pop("AWS_SESSION_TOKEN", None)
    serve = subprocess.Popen([sys.executable, "-m", "conformance.cli.main", "serve", "--port", "0",
                              "--fault", FAULT], cwd=REPO, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        url = _served_url(serve)
        directory = tmp_path / "latest-tests"
        done = subprocess.run([sys.executable, "-m", "conformance.cli.main", "run", "-v", "--endpoint", url,
                               "--profile", "quick", "--report-dir", str(directory)], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=300)
    finally:
        serve.terminate()
        serve.communicate(timeout=30)
    assert done.returncode == 1, done.stderr
    report = json.loads((directory / "report.json").read_text("utf-8"))
    assert report["failing_rules"] == [FAILING]
    assert ET.parse(directory / "junit.xml").getroot().tag == "testsuites"
    for rule in report["rules"]:
        assert f" {rule['id']} " in done.stdout, rule["id"]
    replay = next(r for r in report["rules"] if r["id"] == FAILING)["failures"][0]["replay"]
    assert replay.split(" ")[2] == str(directory)


def _served_url(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    for line in process.stdout:
        name, _, value = line.strip().partition(":")
        if name == "url":
            return value.strip()
        if name == "faults":
            break
    raise AssertionError(f"serve printed no url: {process.stderr.read() if process.stderr else ''}")


def test_with_test_test_a_conformant_endpoint_whose_volume_arn_holds_test_passes(
        localstack_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    arn = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-test/volume/vol-0E57AABB"
    with ReferenceEndpoint(credentials=Credentials("test", "test"), volumes=[arn]) as ep:
        code, out, _ = run(capsys, "run", "--endpoint", ep.url, "--volume-arn", arn, "--profile", "quick",
                           "--report-dir", str(tmp_path / "r"))
    assert code == 0, out
