"""Bad input as a user and a hostile endpoint give it: one line, exit 0/1/2, no traceback, no hang,
no secret, no snapshot beyond the cap.

Every server here is a real TCP server on 127.0.0.1 (port 0) started by the test.
"""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from wire import LoopbackServer, http_answer, read_request

from conformance.cli import main as cli
from conformance.protocol.credentials import Credentials
from conformance.protocol.redaction import FRAGMENT_MIN, Secrets
from conformance.reports.report_json import BODY_LIMIT
from conformance.suite import pool, safety, transport
from conformance.suite.cases.arns import missing_volume_arn
from conformance.suite.config import RunConfig
from conformance.suite.engine import Session, generate
from conformance.suite.model import Case
from conformance.suite.safety import LIVE_MAX_SNAPSHOTS
from conformance.suite.target import Target

VOLUME = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
SECRET = "BADINPUTsecret0123456789abcdefghijklmnopq"
TOKEN = "BADINPUTtoken0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
GUARD_S = 30   # a thread still alive by then is hung (a guard, not a speed assertion)


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDBADINPUT")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)


def main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in err, err
    return code, out, err


# --- a scriptable endpoint -----------------------------------------------------------------------

Answer = Callable[[bytes, bytes], bytes | None]    # (head, body) -> bytes to send, None: hang


class Scripted(LoopbackServer):
    def __init__(self, respond: Answer) -> None:
        super().__init__(_Handler)
        self.respond, self.stop, self.requests = respond, threading.Event(), 0


class _Handler(socketserver.BaseRequestHandler):
    server: Scripted

    def handle(self) -> None:
        while not self.server.stop.is_set():
            try:
                head, body = read_request(self.request)
            except OSError:
                return
            if not head:
                return
            self.server.requests += 1
            out = self.server.respond(head, body)
            if out is None:
                self.server.stop.wait(120)
                return
            self.request.sendall(out)


@contextmanager
def scripted(respond: Answer) -> Iterator[Scripted]:
    server = Scripted(respond)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()


def error_answer(_head: bytes, _body: bytes) -> bytes:
    return http_answer(400, b'{"__type":"ValidationException","message":"m"}')


def run_args(url: str, tmp_path: Path, *extra: str) -> list[str]:
    return ["run", "--endpoint", url, "--volume-arn", VOLUME, "--profile", "quick", "--timeout", "2",
            "--report-dir", str(tmp_path / "r"), *extra]


# --- flags ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["nan", "inf", "1e300"])
def test_a_timeout_that_is_not_a_sane_number_of_seconds_is_a_usage_error(
        value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with scripted(error_answer) as server:
        code, _, err = main(capsys, *run_args(server.url, tmp_path, "--timeout", value))
        assert code == 2 and "--timeout" in err and server.requests == 0


def test_replay_refuses_a_timeout_that_is_not_a_finite_number(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = main(capsys, "replay", str(tmp_path), "c0001", "--timeout", "nan")
    assert code == 2 and "--timeout" in err


def test_an_endpoint_with_an_unclosed_ipv6_bracket_is_a_usage_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = main(capsys, "run", "--endpoint", "http://[::1")
    assert code == 2 and "--endpoint" in err


def test_a_report_dir_that_is_a_file_is_refused_before_anything_is_sent(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "r").write_text("not a directory")
    with scripted(error_answer) as server:
        code, _, err = main(capsys, *run_args(server.url, tmp_path))
        assert code == 2 and "report directory" in err and server.requests == 0


def test_a_report_dir_below_a_file_is_refused_and_nothing_is_left_behind(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "f").write_text("x")
    code, _, err = main(capsys, "run", "--profile", "quick", "--report-dir", str(tmp_path / "f" / "sub"))
    assert code == 2 and "report directory" in err
    code, _, err = main(capsys, "run", "--profile", "quick", "--report-dir", str(tmp_path / "a" / "b"),
                        "--timeout", "nan")
    assert code == 2 and not (tmp_path / "a").exists()


def test_a_baseline_to_update_where_no_directory_can_be_made_is_refused_before_the_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = main(capsys, "run", "--profile", "quick", "--report-dir", str(tmp_path / "r"),
                        "--baseline", "/proc/sgw-conformance-nowhere/known.json", "--update-baseline")
    assert code == 2 and "sgw-conformance-nowhere" in err
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("content", [b"\xff\xfe{}", b"[" * 100_000 + b"]" * 100_000])
def test_a_baseline_that_is_not_utf8_or_nested_absurdly_deep_is_a_usage_error(
        content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "known.json").write_bytes(content)
    code, _, err = main(capsys, "run", "--profile", "quick", "--report-dir", str(tmp_path / "r"),
                        "--baseline", str(tmp_path / "known.json"))
    assert code == 2 and "baseline" in err


@pytest.mark.parametrize("port", ["-1", "65536"])
def test_serve_refuses_a_port_out_of_range(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = main(capsys, "serve", "--port", port)
    assert code == 2 and "--port" in err


# --- replay of a damaged report ---------------------------------------------------------------------

@pytest.mark.parametrize("report", [
    "[" * 100_000 + "]" * 100_000,
    json.dumps({"rules": [{"id": "x", "severity": "MUST", "failures": ["garbage"]}]}),
    json.dumps({"rules": ["garbage"]}),
    json.dumps({"rules": [{"id": "x", "failures": [{"case_id": "c0001", "case": "garbage"}]}]}),
])
def test_replay_of_a_damaged_report_is_a_usage_error(report: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "report.json").write_text(report)
    code, _, err = main(capsys, "replay", str(tmp_path), "c0001")
    assert code == 2 and "report" in err


def test_replay_of_a_report_without_endpoint_asks_for_one(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    spec = {"rule_id": "r", "signature": "s", "params": {}}
    report = {"embedded": False, "rules": [{"id": "accept.valid-request", "severity": "MUST", "failures": [
        {"case_id": "c0001", "reason": "x", "case": spec}]}]}
    (tmp_path / "report.json").write_text(json.dumps(report))
    code, _, err = main(capsys, "replay", str(tmp_path), "c0001")
    assert code == 2 and "--endpoint" in err


# --- hostile answers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [b"[" * 200_000 + b"]" * 200_000, b'{"a":' * 5000 + b"1" + b"}" * 5000])
def test_an_answer_nested_too_deep_to_parse_is_judged_not_json_and_the_run_ends_with_a_verdict(
        body: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with scripted(lambda _h, _b: http_answer(400, body)) as server:
        code, out, _ = main(capsys, *run_args(server.url, tmp_path))
    assert code == 1 and "FAIL" in out


def test_ctrl_c_with_requests_in_flight_cuts_them_instead_of_waiting_out_their_timeout(
        tmp_path: Path) -> None:
    answered = iter(range(10**6))
    with scripted(lambda h, b: error_answer(h, b) if next(answered) < 2 else None) as server:
        target = Target(server.url, "us-east-2", Credentials("AKIDX", SECRET), False)
        cases = generate(VOLUME, "us-east-2", "quick", 0, missing_volume_arn(VOLUME))

        def interrupt(_exchange: Any) -> None:
            raise KeyboardInterrupt

        session = Session(RunConfig(timeout=120), target, on_exchange=interrupt, first_contact=False)
        pool = session.pool
        box: list[BaseException] = []

        def go() -> None:
            try:
                session.send(cases[:12], workers=4)
            except BaseException as exc:  # noqa: BLE001 - the interrupt is what is expected
                box.append(exc)

        thread = threading.Thread(target=go, daemon=True)
        thread.start()
        thread.join(GUARD_S)
        pool.close()
        assert not thread.is_alive(), "the interrupted run waited for its requests in flight"
        assert box and isinstance(box[0], KeyboardInterrupt)


def test_on_a_live_endpoint_the_default_cap_of_5_counts_every_resend_of_a_creating_case(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    creating_attempts: list[str] = []
    attempt = transport.Transport._attempt

    def counted(self: transport.Transport, case: Case) -> Any:
        if case.creates:
            creating_attempts.append(case.id)
        return attempt(self, case)

    monkeypatch.setattr(transport.Transport, "_attempt", counted)
    monkeypatch.setattr(safety, "is_loopback_host", lambda _host: False)   # judged live
    monkeypatch.setattr(pool, "retry_policy", lambda live: {"throttle_base_s": 0.001,
                                                               "retry_creating_on_stale": not live})
    throttled = http_answer(429, b'{"__type":"ThrottlingException","message":"slow down"}')
    with scripted(lambda _h, _b: throttled) as server:
        code, _, _ = main(capsys, *run_args(server.url, tmp_path, "--allow-live"))
    assert code in (1, 2)
    assert 0 < len(creating_attempts) <= LIVE_MAX_SNAPSHOTS, creating_attempts


def _echo(head: bytes, body: bytes) -> bytes:
    """An error whose message quotes the request (as AWS's signature errors quote the canonical
    request), padded so that the session token straddles the report's body limit."""
    if b"ListVolumes" in head:
        return http_answer(200, json.dumps({"VolumeInfos": [{"VolumeARN": VOLUME}]}).encode())
    quoted = head.decode("latin-1").replace("\r\n", " | ") + " | " + body.decode("utf-8", "replace")
    prefix = '{"__type":"InvalidSignatureException","message":"'
    where = quoted.find(TOKEN)
    pad = "." * max(0, BODY_LIMIT - len(prefix) - where - len(TOKEN) // 2)
    return http_answer(400, (prefix + json.dumps(pad + quoted)[1:-1] + '"}').encode())


def test_an_endpoint_quoting_the_request_leaves_no_piece_of_the_token_in_any_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with scripted(_echo) as server:
        _, out, err = main(capsys, *run_args(server.url, tmp_path))
    texts = [out, err] + [p.read_text("utf-8", "replace") for p in (tmp_path / "r").rglob("*") if p.is_file()]
    for secret in (SECRET, TOKEN):
        pieces = {secret[:FRAGMENT_MIN + 4], secret[-FRAGMENT_MIN - 4:]}
        assert not any(piece in text for piece in pieces for text in texts), secret


def test_the_redactor_removes_the_start_or_end_of_a_secret_left_by_a_cut() -> None:
    redact = Secrets.of(SECRET).text
    assert SECRET[:20] not in redact("message: ..." + SECRET[:20])
    assert SECRET[-20:] not in redact(SECRET[-20:] + " and the rest")
    assert redact("nothing secret here") == "nothing secret here"

