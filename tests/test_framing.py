"""The HTTP framing case family: the defects' table, the raw sender, the judging of no answer, the
recording, and the cases each profile sends (conformance.suite.framing, suite.cases.http_framing)."""

from __future__ import annotations

import json
import re
import shutil
import socket
import socketserver
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from cases_support import ARN, REGION
from wire import LoopbackServer

from conformance.endpoint import ReferenceEndpoint
from conformance.protocol.credentials import Credentials
from conformance.protocol.redaction import MARKER
from conformance.reports import report_json
from conformance.reports.layout import curl_command
from conformance.suite import framing
from conformance.suite.budget import OVER_CAP
from conformance.suite.case_spec import case_from_spec, case_to_spec
from conformance.suite.cases.context import make_context
from conformance.suite.cases.http_framing import framing_cases
from conformance.suite.engine import generate, plan
from conformance.suite.model import Exchange, Response, SentRequest
from conformance.suite.recording import entry_of, recorded_of
from conformance.suite.scoreboard import Scoreboard
from conformance.suite.transport import Transport

CREDS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
CTX = make_context(ARN, REGION)
CASES = {c.framing or "": c for c in framing_cases(CTX, "thorough")}
SIGNATURE = re.compile(rb"Signature=([0-9a-f]{64})")


def send(url: str, name: str, **transport_args: float) -> Exchange:
    with Transport(url, REGION, CREDS, **transport_args) as transport:   # type: ignore[arg-type]
        return transport.send(CASES[name])


# --- raw-socket servers of a few behaviours -----------------------------------------------------
Behaviour = Callable[[socket.socket, list[bytes]], None]


@contextmanager
def serving(behaviour: Behaviour) -> Iterator[tuple[str, list[bytes]]]:
    """A loopback server running ``behaviour(connection, received)`` on each connection."""
    received: list[bytes] = []

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            behaviour(self.request, received)

    server = LoopbackServer(Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.url, received
    finally:
        server.shutdown()
        server.server_close()


def read_to_eof(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def answer_at_eof(body: bytes = b'{"__type": "SerializationException"}') -> Behaviour:
    def behaviour(sock: socket.socket, received: list[bytes]) -> None:
        received.append(read_to_eof(sock))
        sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    return behaviour


def wait_after_eof(sock: socket.socket, received: list[bytes]) -> None:
    received.append(read_to_eof(sock))
    time.sleep(1.5)   # never answers, holds the connection open past the client's timeout


def close_after_head(sock: socket.socket, received: list[bytes]) -> None:
    data = b""
    while b"\r\n\r\n" not in data and (chunk := sock.recv(65536)):
        data += chunk
    received.append(data)


# --- the table and the cases ----------------------------------------------------------------------
def test_each_profile_sends_its_framing_cases_labelled_with_their_rule_and_counted_as_creating() -> None:
    counts = {p: len(framing_cases(CTX, p)) for p in ("quick", "ci", "thorough")}
    assert counts == {"quick": 15, "ci": 32, "thorough": len(framing.DEFECTS)}
    for case in CASES.values():
        defect = framing.BY_NAME[case.framing or ""]
        assert case.rule_id == defect.rule and case.allowed == defect.allowed
        assert case.signature == f"framing/{defect.name}" and case.creates   # the target's valid body
    ci = [c for c in generate(ARN, REGION, "ci", 0, CTX.missing_volume_arn) if c.framing]
    assert [c.framing for c in ci] == [d.name for d in framing.for_profile("ci")]   # last, in order
    assert ci == [c for c in generate(ARN, REGION, "ci", 0, CTX.missing_volume_arn) if c.framing]


def test_framing_cases_are_held_back_by_the_snapshot_budget_like_every_creating_case() -> None:
    board = Scoreboard()
    assert plan(list(CASES.values()), 0, board) == []
    assert board.skipped[OVER_CAP] == len(CASES)


def test_a_framing_case_survives_the_case_spec_and_the_report_schema_lists_every_defect() -> None:
    case = replace(CASES["length-twice"], id="c0001")
    assert case_from_spec(json.loads(json.dumps(case_to_spec(case)))) == case
    enum = report_json.report_schema()["$defs"]["case"]["properties"]["framing"]["enum"]
    assert enum == [d.name for d in framing.DEFECTS]


def test_every_framing_rule_judges_an_exchange_left_unanswered() -> None:
    from conformance.suite.checks import EXCHANGE_CHECKS
    assert {d.rule for d in framing.DEFECTS} <= set(EXCHANGE_CHECKS)


def test_every_defect_changes_the_framing_only_and_is_signed_over_what_a_correct_server_reads() -> None:
    body = json.dumps(CTX.body()).encode()
    assert framing.signed_body(framing.BY_NAME["no-length"], body) == b""          # no length: no body
    assert framing.signed_body(framing.BY_NAME["length-under"], body) == body[:-1]  # the declared length
    for defect in framing.DEFECTS:
        raw = framing.build(defect, "POST", "/", (("Host", "h"), ("Content-Length", "1")), body, tls=False)
        target = b"http://h/" if defect.absolute else (defect.target or "/").encode()
        line = f"{defect.lead}POST ".encode() + target + b" "
        assert raw.wire().startswith(line) and body in raw.payload.replace(b"\r\n", b"") \
            or defect.name == "chunk-overlong"
        assert ("Host", "h") in raw.fields and ("Content-Length", "1") not in raw.fields
        assert raw.half_closed == defect.half_close


# --- against the reference endpoint --------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(CASES))
def test_the_reference_endpoint_answers_every_defect_as_its_rule_allows_and_never_as_a_bad_signature(
        name: str, reference_endpoint: ReferenceEndpoint) -> None:
    case = replace(CASES[name], params=dict(CASES[name].params, VolumeARN=reference_endpoint.volume_arn))
    with Transport(reference_endpoint.url, reference_endpoint.region, reference_endpoint.credentials,
                   timeout=5) as transport:
        exchange = transport.send(case)
    assert exchange.response is not None, exchange.error
    board = Scoreboard()
    assert board.record(exchange) == []
    kind = (exchange.response.json() or {}).get("__type", "")
    assert "Signature" not in kind and "Authentication" not in kind, exchange.response.body


# --- the raw sender --------------------------------------------------------------------------------
def test_the_client_closes_its_side_so_a_server_reading_to_the_end_sees_the_request_as_recorded() -> None:
    with serving(answer_at_eof()) as (url, received):
        exchange = send(url, "length-over", timeout=3)
    assert exchange.response is not None and exchange.response.status == 400
    assert exchange.request.raw is not None and exchange.request.raw.half_closed
    sent = received[0]
    signature = SIGNATURE.search(sent)
    assert signature is not None and signature.group(1) not in exchange.request.raw.wire()
    assert sent.replace(signature.group(1), MARKER.encode()) == exchange.request.raw.wire()
    assert sent.startswith(b"POST / HTTP/1.1\r\n") and b"\r\nContent-Length: " in sent


def test_a_server_still_waiting_after_the_client_closed_its_side_fails_the_framing_rule_at_timeout() -> None:
    with serving(wait_after_eof) as (url, _):
        start = time.monotonic()
        exchange = send(url, "chunk-last-missing", timeout=0.5)
    assert time.monotonic() - start < 1.4 and exchange.response is None
    failures = Scoreboard().record(exchange)
    assert [f.rule_id for f in failures] == [framing.FRAMING_RULE]
    assert "hang" in failures[0].reason


def test_a_close_without_an_answer_is_allowed_for_a_malformed_request_and_not_for_expect_continue(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(framing, "EXPECT_WAIT_S", 0.1)
    with serving(close_after_head) as (url, _):
        malformed = send(url, "length-negative", timeout=2)
        expecting = send(url, "expect-continue", timeout=2)
    assert malformed.response is None and malformed.error and malformed.error.startswith(framing.CLOSED)
    assert Scoreboard().record(malformed) == []
    assert [f.rule_id for f in Scoreboard().record(expecting)] == [framing.EXPECT_RULE]


def test_an_expect_continue_request_gets_its_body_sent_after_a_wait_when_no_100_comes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(framing, "EXPECT_WAIT_S", 0.2)

    def behaviour(sock: socket.socket, received: list[bytes]) -> None:
        data = b""
        while not data.endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        received.append(data)
        sock.sendall(b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n")

    with serving(behaviour) as (url, received):
        exchange = send(url, "expect-continue", timeout=3)
    assert exchange.response is not None and exchange.response.status == 417
    assert b"\r\nExpect: 100-continue\r\n" in received[0] and received[0].endswith(b"}")
    assert Scoreboard().record(exchange) == []


def test_an_answer_beyond_the_read_cap_is_cut_and_marked_truncated() -> None:
    big = b"x" * 300_000
    with serving(answer_at_eof(big)) as (url, _):
        exchange = send(url, "no-length", timeout=3, max_response_bytes=1000)
    assert exchange.response is not None and exchange.response.truncated
    assert len(exchange.response.body) == 1000 and "longer than 1000 bytes" in (exchange.error or "")


def test_an_answer_shorter_than_its_content_length_before_an_orderly_close_fails_transport_answered() -> None:
    def behaviour(sock: socket.socket, received: list[bytes]) -> None:
        received.append(read_to_eof(sock))
        sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\n"
                     b"Content-Length: 80\r\nConnection: close\r\n\r\n")   # the head only, then FIN

    with serving(behaviour) as (url, _):
        exchange = send(url, "request-line-extra-word", timeout=3)
    assert exchange.response is not None and exchange.response.truncated
    failures = Scoreboard().record(exchange)
    assert [f.rule_id for f in failures] == ["transport.answered"]
    assert "0 of the 80 bytes" in failures[0].reason


def test_a_server_waiting_for_a_body_without_length_while_the_client_keeps_its_side_open_hangs() -> None:
    def read_to_close(sock: socket.socket, received: list[bytes]) -> None:
        received.append(read_to_eof(sock))   # the client never closes: this waits past its timeout

    with serving(read_to_close) as (url, _):
        exchange = send(url, "no-length-open", timeout=0.5)
    assert exchange.request.raw is not None and not exchange.request.raw.half_closed
    failures = Scoreboard().record(exchange)
    assert [f.rule_id for f in failures] == [framing.FRAMING_RULE]
    assert "RFC 9112 > 6.3 gives it no body" in failures[0].reason


def test_a_repeated_header_is_written_one_line_per_value_and_signed_as_the_values_joined() -> None:
    with serving(answer_at_eof()) as (url, received):
        send(url, "header-repeated", timeout=3)
    head = received[0].split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = [line for line in head.split("\r\n") if line.startswith(f"{framing.REPEATED_HEADER}:")]
    assert lines == [f"{framing.REPEATED_HEADER}: {v}" for v in framing.REPEATED_VALUES]
    assert f";{framing.REPEATED_HEADER.lower()}," in head.split("SignedHeaders=", 1)[1]


def test_the_request_line_defects_write_their_method_version_and_leading_empty_lines() -> None:
    with serving(answer_at_eof()) as (url, received):
        for name in ("request-line-0.9", "method-lower-case", "empty-lines-first", "request-line-no-version",
                     "header-name-space"):
            send(url, name, timeout=3)
    assert [r.split(b"\r\n", 1)[0] for r in received[:2]] == [b"GET / ", b"post / HTTP/1.1"]
    assert received[2].startswith(b"\r\n\r\nPOST / HTTP/1.1\r\n") and received[3].startswith(b"POST / \r\n")
    assert received[4].startswith(b"POST / HTTP/1.1\r\nX-Sgw-Probe : 1\r\nHost: ")


def test_no_curl_line_is_offered_for_a_framing_case_since_curl_cannot_break_the_framing() -> None:
    with serving(answer_at_eof()) as (url, _):
        exchange = send(url, "length-over", timeout=3)
    assert curl_command(exchange, REGION) is None
    assert curl_command(replace(exchange, case=replace(exchange.case, framing=None)), REGION)


def test_an_aborted_transport_sends_no_framing_case() -> None:
    with serving(answer_at_eof()) as (url, received):
        with Transport(url, REGION, CREDS, timeout=2) as transport:
            transport.abort()
            exchange = transport.send(CASES["length-over"])
    assert exchange.error == "interrupted: request not sent" and received == []


def test_505_is_no_failure_where_the_case_allows_it_and_a_5xx_everywhere_else() -> None:
    def exchange(name: str, status: int) -> Exchange:
        return Exchange(CASES[name], SentRequest("POST", "http://127.0.0.1/", {}, b""),
                        Response(status, {}, b""))
    assert Scoreboard().record(exchange("version-2", 505)) == []
    assert {f.rule_id for f in Scoreboard().record(exchange("length-over", 505))} >= {
        framing.FRAMING_RULE, "envelope.no-5xx"}


# --- the recording ---------------------------------------------------------------------------------
def test_a_framing_exchange_round_trips_through_the_har_recording_with_its_version_and_repeated_fields(
        reference_endpoint: ReferenceEndpoint) -> None:
    for name in ("length-twice", "version-2", "target-query-unsorted", "empty-lines-first",
                 "header-name-space"):
        case = replace(CASES[name], id=f"c-{name}",
                       params=dict(CASES[name].params, VolumeARN=reference_endpoint.volume_arn))
        with Transport(reference_endpoint.url, reference_endpoint.region, reference_endpoint.credentials,
                       timeout=5) as transport:
            exchange = transport.send(case)
        entry = json.loads(json.dumps(entry_of(exchange, datetime.now(UTC))))
        back = recorded_of(entry)
        assert back.case == case and back.exchange.request.raw == exchange.request.raw
        lengths = [h for h in entry["request"]["headers"] if h["name"] == "Content-Length"]
        assert len(lengths) == (2 if name == "length-twice" else 1)
        assert entry["request"]["httpVersion"] == ("HTTP/2.0" if name == "version-2" else "HTTP/1.1")
        assert MARKER in json.dumps(entry["request"]["headers"])


# --- https -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl command; skipped without it)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl command to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


@contextmanager
def serving_tls(behaviour: Behaviour, cert: str, key: str) -> Iterator[tuple[str, list[bytes]]]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with serving(lambda sock, received: behaviour(context.wrap_socket(sock, server_side=True), received)) \
            as (url, received):
        yield url.replace("http://", "https://"), received


def answer_after_head(sock: socket.socket, received: list[bytes]) -> None:
    close_after_head(sock, received)
    sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\n{}")


def test_over_https_the_request_goes_in_tls_and_a_server_still_waiting_is_not_judged_a_hang(
        certificate: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", cert)     # the client trusts the test certificate
    with serving_tls(answer_after_head, cert, key) as (url, received):
        answered = send(url, "length-over", timeout=3)
    assert answered.response is not None and answered.response.status == 400
    assert received[0].startswith(b"POST / HTTP/1.1\r\n")
    assert answered.request.raw is not None and not answered.request.raw.half_closed   # TLS: no half-close
    with serving_tls(wait_after_eof, cert, key) as (url, _):
        waited = send(url, "length-over", timeout=0.5)
    assert waited.response is None and (waited.error or "").startswith(framing.NO_ANSWER)
    assert Scoreboard().record(waited) == []
