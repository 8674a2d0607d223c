"""The preflight: a setup mistake is one usage error (exit 2) with the server's own words, not
failing rules; an endpoint that does not speak the API gets its diagnosis first."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conformance.protocol import envelope
from conformance.protocol.credentials import EXAMPLE_CREDENTIALS
from conformance.suite import preflight
from conformance.suite.model import Exchange, Response, SentRequest

REPO = Path(__file__).resolve().parent.parent
VOLUME = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
_URL = re.compile(r"http://127\.0\.0\.1:\d+/")


@contextmanager
def serve(*flags: str) -> Iterator[str]:
    """``sgw-conformance serve --port 0`` in its own process; its URL once it listens."""
    process = subprocess.Popen([sys.executable, "-m", "conformance", "serve", "--port", "0", *flags],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        for line in process.stdout:
            found = _URL.search(line)
            if found:
                yield found.group(0)
                return
        raise AssertionError("serve printed no URL")
    finally:
        process.kill()
        process.wait()


def run_cli(*args: str, env: dict[str, str] | None = None,
            cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SGW_ENDPOINT"))}
    base.update({"AWS_ACCESS_KEY_ID": EXAMPLE_CREDENTIALS.access_key,
                 "AWS_SECRET_ACCESS_KEY": EXAMPLE_CREDENTIALS.secret_key,
                 "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"})
    base.update(env or {})
    return subprocess.run([sys.executable, "-m", "conformance", *args], cwd=cwd, env=base,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serve() as url:
        yield url


@pytest.mark.parametrize(("flags", "env", "says"), [
    (["--region", "us-west-1"], {}, "Credential should be scoped to the region 'us-east-2', not 'us-west-1'"),
    (["--region", "us-west-1", "--volume-arn", VOLUME], {}, "scoped to the region"),
    ([], {"AWS_SECRET_ACCESS_KEY": "not-the-secret"}, "does not match"),
    ([], {"AWS_ACCESS_KEY_ID": "AKIDNOTKNOWN"}, "access key id in the request is not known"),
    (["--volume-arn", VOLUME[:-1] + "C"], {}, "The specified volume was not found"),
], ids=["wrong-region", "wrong-region-with-volume", "wrong-secret", "unknown-key", "unknown-volume"])
def test_a_setup_mistake_against_serve_exits_2_within_seconds_in_two_lines_with_the_servers_message(
        served: str, tmp_path: Path, flags: list[str], env: dict[str, str], says: str) -> None:
    t0 = time.monotonic()
    done = run_cli("run", "--endpoint", served, "--report-dir", str(tmp_path / "r"), *flags, env=env)
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr
    assert time.monotonic() - t0 < 10
    lines = done.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2, lines
    assert says in lines[0]
    assert "hint: check" in lines[-1]
    assert "not-the-secret" not in done.stderr + done.stdout
    assert not (tmp_path / "r").exists()      # nothing was judged, so no report blames the endpoint


def test_the_hint_names_the_setting_to_check(served: str, tmp_path: Path) -> None:
    region = run_cli("run", "--endpoint", served, "--region", "us-west-1", "--report-dir", str(tmp_path))
    assert "--region" in region.stderr.splitlines()[-1]
    secret = run_cli("run", "--endpoint", served, "--report-dir", str(tmp_path),
                     env={"AWS_SECRET_ACCESS_KEY": "x" * 40})
    assert "AWS_SECRET_ACCESS_KEY" in secret.stderr.splitlines()[-1]
    volume = run_cli("run", "--endpoint", served, "--report-dir", str(tmp_path),
                     "--volume-arn", VOLUME[:-1] + "C")
    assert "--volume-arn" in volume.stderr.splitlines()[-1] and VOLUME[:-1] + "C" in volume.stderr


def test_a_correct_setup_passes_the_preflight_with_one_request_more_at_most(served: str,
                                                                          tmp_path: Path) -> None:
    done = run_cli("run", "--endpoint", served, "--report-dir", str(tmp_path / "r"), "--volume-arn", VOLUME)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["requests_sent"] <= report["cases_generated"] + 1


def _exchange(status: int, body: bytes, content_type: str) -> Exchange:
    case = preflight.auth_probe(None, "us-east-2")
    return Exchange(case, SentRequest("POST", "http://127.0.0.1:1/", {}, b"{}"),
                    Response(status, {"content-type": content_type}, body))


def test_every_probe_answered_with_one_html_500_is_diagnosed_as_not_implementing_the_api() -> None:
    html = _exchange(500, b"<!doctype html><title>500 Internal Server Error</title>",
                     "text/html; charset=utf-8")
    text = preflight.foreign_answer([html, html])
    assert text is not None and "HTTP 500 text/html" in text and "does not seem to implement" in text


@pytest.mark.parametrize("answers", [
    [(400, b'{"__type": "ValidationException", "message": "too long"}', "application/x-amz-json-1.1")] * 2,
    [(500, b"<html>a</html>", "text/html"), (404, b"<html>b</html>", "text/html")],
    [(200, b'{"SnapshotId": "snap-1"}', "application/x-amz-json-1.1")],
], ids=["aws-errors", "two-different-answers", "success"])
def test_an_aws_shaped_or_varied_answer_is_no_foreign_diagnosis(
        answers: list[tuple[int, bytes, str]]) -> None:
    assert preflight.foreign_answer([_exchange(*a) for a in answers]) is None


def test_an_authentication_error_of_each_known_type_gives_a_hint() -> None:
    for error_type in preflight.AUTH_HINTS:
        body = f'{{"__type": "{error_type}", "message": "no"}}'.encode()
        text = preflight.auth_problem(_exchange(400, body, "application/x-amz-json-1.1"), "http://h/", "r")
        assert text is not None and error_type in text and "hint: check" in text


def test_a_validation_answer_to_the_probe_is_no_setup_problem() -> None:
    body = b'{"__type": "ValidationException", "message": "1 validation error detected"}'
    answer = _exchange(400, body, "application/x-amz-json-1.1")
    assert preflight.auth_problem(answer, "http://h/", "r") is None


# --- a signature check that depends on the JSON layout is the endpoint's deviation ------------------

@pytest.fixture(scope="module")
def served_reserialising() -> Iterator[str]:
    with serve("--fault", "payload-hash-reserialised") as url:
        yield url


def test_an_endpoint_hashing_the_body_reserialised_fails_payload_hash_with_exit_1_not_a_credentials_error(
        served_reserialising: str, tmp_path: Path) -> None:
    done = run_cli("run", "--endpoint", served_reserialising, "--profile", "quick",
                   "--report-dir", str(tmp_path / "r"))
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr
    assert "refused the run's credentials" not in done.stderr + done.stdout
    first = done.stdout.splitlines()[0]
    assert first.startswith("diagnosis: the endpoint's signature check depends on how the JSON body")
    assert "the credentials are not at fault" in first and preflight.PAYLOAD_HASH_RULE in first
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert preflight.PAYLOAD_HASH_RULE in report["failing_rules"]
    rule = next(r for r in report["rules"] if r["id"] == preflight.PAYLOAD_HASH_RULE)
    evidence = rule["failures"][0]["extra"]
    assert "InvalidSignatureException" in evidence["refused"]["answer"]
    assert "ValidationException" in evidence["accepted"]["answer"]
    assert json.loads(evidence["refused"]["body"]) == json.loads(evidence["accepted"]["body"])
    assert evidence["refused"]["body"] != evidence["accepted"]["body"]


def test_a_wrong_secret_is_still_exit_2_with_its_hint_when_every_layout_is_refused(
        served_reserialising: str, tmp_path: Path) -> None:
    done = run_cli("run", "--endpoint", served_reserialising, "--report-dir", str(tmp_path / "r"),
                   env={"AWS_SECRET_ACCESS_KEY": "not-the-secret"})
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr
    lines = done.stderr.strip().splitlines()
    assert "refused the run's credentials" in lines[0] and "InvalidSignatureException" in lines[0]
    assert "hint: check the secret key (AWS_SECRET_ACCESS_KEY) and --region" in lines[-1]
    assert not (tmp_path / "r").exists()


def test_each_layout_probe_is_the_auth_probes_json_value_in_other_bytes_that_validation_refuses() -> None:
    probe = preflight.auth_probe(None, "us-east-2")
    layouts = [case for _name, case in preflight.layout_probes(probe)]
    assert len(layouts) == len(preflight.LAYOUTS) and 1 <= len(layouts) <= 2
    bodies = {case.raw_body for case in layouts}
    assert len(bodies) == len(layouts) and envelope.serialise(probe.params) not in bodies
    for case in layouts:
        assert case.raw_body is not None and json.loads(case.raw_body) == probe.params
        assert not case.creates and case.allowed == probe.allowed and case.id != probe.id


@pytest.mark.parametrize(("status", "error_type", "past"), [
    (400, "ValidationException", True),
    (200, None, True),
    (400, "InvalidSignatureException", False),
    (403, "UnrecognizedClientException", False),
    (400, "ThrottlingException", False),
    (429, "TooManyRequestsException", False),
    (500, "InternalFailure", False),
], ids=["validation", "success", "signature", "unknown-key", "throttled", "429", "500"])
def test_only_an_answer_given_after_the_signature_check_counts_as_past_authentication(
        status: int, error_type: str | None, past: bool) -> None:
    body = f'{{"__type": "{error_type}"}}'.encode() if error_type else b'{"SnapshotId": "snap-1"}'
    assert preflight.past_authentication(_exchange(status, body, "application/x-amz-json-1.1")) is past


def test_only_a_signature_error_sends_the_layout_probes() -> None:
    kinds = {t: preflight.signature_refused(_exchange(400, f'{{"__type": "{t}"}}'.encode(),
                                                      "application/x-amz-json-1.1"))
             for t in preflight.AUTH_HINTS}
    assert {t for t, refused in kinds.items() if refused} == preflight.SIGNATURE_ERRORS
