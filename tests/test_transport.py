"""Transport: signatures verified server-side, every signing defect really made, raw mode, redaction,
caps and deadlines against hostile local servers, discovery with ListVolumes."""

from __future__ import annotations

import gzip
import json
import socket
import socketserver
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from conformance.errors import DiscoveryError
from conformance.protocol import envelope, sigv4
from conformance.protocol.credentials import Credentials
from conformance.protocol.envelope import CREATE_SNAPSHOT_TARGET, JSON_CONTENT_TYPE
from conformance.protocol.redaction import MARKER
from conformance.suite.model import Case
from conformance.suite.signing import SIGNING_MODES, TAMPER_SENT_CONTENT_TYPE, TAMPER_SIGNED_BODY
from conformance.suite.transport import (
    Transport,
)

SECRET = "s3cr3t/Distinctive+SecretKey0000000000ZZ"
TOKEN = "FQoGZXIvYXdzEDistinctiveSessionToken=="
CREDS = Credentials("AKIDTESTTRANSPORT01", SECRET)
CREDS_WITH_TOKEN = Credentials("ASIATESTTRANSPORT01", SECRET, TOKEN)
REGION = "us-east-2"
ARN = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
PARAMS = {"VolumeARN": ARN, "SnapshotDescription": "Sauvegarde – 快照 😀"}


def case(**kw: Any) -> Case:
    return Case(**{"rule_id": "accept.valid-request", "signature": "t", "params": PARAMS, **kw})


# --- a recording HTTP/1.1 server ------------------------------------------------------------------
class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Any

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append({"method": self.command, "path": self.path, "body": body,
                                 "headers": {k.lower(): v for k, v in self.headers.items()},
                                 "client": self.client_address})
        status, headers, payload = self.server.answer(self)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_POST = do_GET = do_PUT = do_DELETE = _handle

    def log_message(self, *args: Any) -> None:
        pass


def ok_answer(_: Any) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": JSON_CONTENT_TYPE, "x-amzn-RequestId": "r1"}
    return 200, headers, b'{"SnapshotId":"snap-1234abcd"}'


@contextmanager
def recorder(answer: Callable[[Any], tuple[int, dict[str, str], bytes]] = ok_answer) -> Iterator[Any]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.daemon_threads = True
    server.seen, server.answer = [], answer  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/"  # type: ignore[attr-defined]
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


# --- hostile raw-socket servers -------------------------------------------------------------------
@contextmanager
def raw_server(behaviour: Callable[[socket.socket, threading.Event], None]) -> Iterator[str]:
    stop = threading.Event()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            try:
                behaviour(self.request, stop)
            except OSError:
                pass

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def read_request(sock: socket.socket) -> None:
    sock.settimeout(2)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return
        data += chunk


def hang(sock: socket.socket, stop: threading.Event) -> None:
    read_request(sock)
    stop.wait(10)


def reset(sock: socket.socket, stop: threading.Event) -> None:
    read_request(sock)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def garbage(sock: socket.socket, stop: threading.Event) -> None:
    read_request(sock)
    sock.sendall(b"\x00\x01 this is no HTTP at all\r\n\r\n")


def endless_fast(sock: socket.socket, stop: threading.Event) -> None:
    read_request(sock)
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n\r\n")
    chunk = b"x" * 65536
    while not stop.is_set():
        sock.sendall(chunk)


def trickle_body(sock: socket.socket, stop: threading.Event) -> None:
    read_request(sock)
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n{")
    while not stop.wait(0.02):
        sock.sendall(b" ")


def trickle_headers(sock: socket.socket, stop: threading.Event) -> None:
    read_request(sock)
    sock.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    while not stop.wait(0.02):
        sock.sendall(b"a")


# --- server-side signature check ------------------------------------------------------------------
def verify(seen: dict[str, Any], secret: str = SECRET, body: bytes | None = None) -> bool:
    headers = seen["headers"]
    auth = sigv4.parse_authorization(headers["authorization"])
    payload = sigv4.sha256_hex(seen["body"] if body is None else body)
    canonical = sigv4.canonical_request(seen["method"], seen["path"], "", headers, auth.signed_headers,
                                        payload)
    return sigv4.signature(secret, headers["x-amz-date"], auth.scope, canonical) == auth.signature


def auth_of(seen: dict[str, Any]) -> sigv4.Authorization:
    return sigv4.parse_authorization(seen["headers"]["authorization"])


def amz_date(seen: dict[str, Any]) -> datetime:
    return datetime.strptime(seen["headers"]["x-amz-date"], sigv4.AMZ_DATE_FORMAT).replace(tzinfo=UTC)


def send_one(server: Any, c: Case, creds: Credentials = CREDS) -> tuple[Any, dict[str, Any]]:
    with Transport(server.url, REGION, creds, timeout=2) as t:
        exchange = t.send(c)
    return exchange, server.seen[-1]


# --- correct signing ------------------------------------------------------------------------------
def test_a_correct_signature_verifies_on_the_server_over_the_body_as_sent():
    with recorder() as server:
        exchange, seen = send_one(server, case())
    assert exchange.error is None and exchange.response.status == 200
    assert seen["body"] == envelope.serialise(PARAMS) == exchange.request.body
    assert json.loads(seen["body"]) == PARAMS
    assert verify(seen)
    auth = auth_of(seen)
    assert (auth.access_key, auth.region, auth.service) == (CREDS.access_key, REGION, "storagegateway")
    assert "host" in auth.signed_headers and seen["headers"]["host"] == server.url[len("http://"):-1]
    assert abs(datetime.now(UTC) - amz_date(seen)) < timedelta(minutes=5)
    assert seen["headers"]["x-amz-target"] == CREATE_SNAPSHOT_TARGET
    assert seen["headers"]["content-type"] == JSON_CONTENT_TYPE
    assert seen["method"] == "POST" and seen["path"] == "/"


def test_a_session_token_is_sent_signed_and_recorded_redacted():
    with recorder() as server:
        exchange, seen = send_one(server, case(), CREDS_WITH_TOKEN)
    assert seen["headers"]["x-amz-security-token"] == TOKEN
    assert "x-amz-security-token" in auth_of(seen).signed_headers and verify(seen)
    recorded = {k.lower(): v for k, v in exchange.request.headers.items()}
    assert recorded["x-amz-security-token"] == MARKER


# --- every signing defect is really that defect ---------------------------------------------------
def test_mode_none_sends_no_authorization_header():
    with recorder() as server:
        _, seen = send_one(server, case(signing="none"))
    assert "authorization" not in seen["headers"]


def test_mode_malformed_sends_an_authorization_header_that_is_not_sigv4_syntax():
    with recorder() as server:
        _, seen = send_one(server, case(signing="malformed"))
    assert seen["headers"]["authorization"].startswith("AWS4-HMAC-SHA256 Credential=")
    with pytest.raises(sigv4.MalformedAuthorization):
        auth_of(seen)


def test_mode_wrong_secret_signs_with_another_secret_only():
    with recorder() as server:
        _, seen = send_one(server, case(signing="wrong-secret"))
    auth = auth_of(seen)
    assert (auth.access_key, auth.region, auth.service) == (CREDS.access_key, REGION, "storagegateway")
    assert not verify(seen)


def test_mode_unknown_key_uses_another_access_key_with_an_otherwise_sound_signature():
    with recorder() as server:
        _, seen = send_one(server, case(signing="unknown-key"))
    assert auth_of(seen).access_key != CREDS.access_key and verify(seen)


@pytest.mark.parametrize("mode, field", [("scope-region", "region"), ("scope-service", "service")])
def test_scope_modes_name_another_region_or_service_in_a_sound_signature(mode: str, field: str):
    with recorder() as server:
        _, seen = send_one(server, case(signing=mode))
    auth = auth_of(seen)
    assert getattr(auth, field) != {"region": REGION, "service": "storagegateway"}[field]
    assert auth.access_key == CREDS.access_key and verify(seen)


def test_mode_expired_dates_a_sound_signature_twenty_minutes_back():
    with recorder() as server:
        _, seen = send_one(server, case(signing="expired"))
    assert datetime.now(UTC) - amz_date(seen) >= timedelta(minutes=20)
    assert auth_of(seen).datestamp == seen["headers"]["x-amz-date"][:8]
    assert verify(seen)


def test_mode_future_dated_dates_a_sound_signature_twenty_minutes_ahead():
    with recorder() as server:
        _, seen = send_one(server, case(signing="future-dated"))
    assert amz_date(seen) - datetime.now(UTC) >= timedelta(minutes=19)
    assert auth_of(seen).datestamp == seen["headers"]["x-amz-date"][:8]
    assert verify(seen)


def test_mode_host_unsigned_leaves_host_out_of_a_sound_signature():
    with recorder() as server:
        _, seen = send_one(server, case(signing="host-unsigned"))
    assert "host" not in auth_of(seen).signed_headers and verify(seen)


def test_mode_body_tampered_sends_another_body_than_the_one_signed():
    with recorder() as server:
        _, seen = send_one(server, case(signing="body-tampered"))
    assert seen["body"] == envelope.serialise(PARAMS)
    assert not verify(seen) and verify(seen, body=TAMPER_SIGNED_BODY)


def test_mode_scope_date_scopes_a_sound_current_signature_to_the_day_before():
    with recorder() as server:
        _, seen = send_one(server, case(signing="scope-date"))
    scope_day = datetime.strptime(auth_of(seen).datestamp, "%Y%m%d").replace(tzinfo=UTC)
    assert amz_date(seen).date() - scope_day.date() == timedelta(days=1)
    assert abs(datetime.now(UTC) - amz_date(seen)) < timedelta(minutes=5)
    assert verify(seen)


def test_mode_sigv4_envelope_signs_content_type_and_target_soundly():
    with recorder() as server:
        _, seen = send_one(server, case(signing="sigv4-envelope"), CREDS_WITH_TOKEN)
    assert {"content-type", "host", "x-amz-date", "x-amz-target", "x-amz-security-token"} <= \
        set(auth_of(seen).signed_headers)
    assert seen["headers"]["content-type"] == JSON_CONTENT_TYPE and verify(seen)


def test_mode_header_tampered_signs_content_type_and_target_then_sends_another_content_type():
    with recorder() as server:
        _, seen = send_one(server, case(signing="header-tampered"))
    auth = auth_of(seen)
    assert {"content-type", "host", "x-amz-date", "x-amz-target"} <= set(auth.signed_headers)
    assert seen["headers"]["content-type"] == TAMPER_SENT_CONTENT_TYPE != JSON_CONTENT_TYPE
    assert seen["headers"]["x-amz-target"] == CREATE_SNAPSHOT_TARGET
    assert not verify(seen)
    assert verify({**seen, "headers": {**seen["headers"], "content-type": JSON_CONTENT_TYPE}})


def test_mode_header_tampered_signs_the_session_token_too():
    with recorder() as server:
        _, seen = send_one(server, case(signing="header-tampered"), CREDS_WITH_TOKEN)
    assert "x-amz-security-token" in auth_of(seen).signed_headers
    assert verify({**seen, "headers": {**seen["headers"], "content-type": JSON_CONTENT_TYPE}})


def test_an_unknown_signing_mode_becomes_an_error_not_an_exception():
    with recorder() as server, Transport(server.url, REGION, CREDS, timeout=2) as t:
        exchange = t.send(case(signing="rot13"))
    assert exchange.response is None and "rot13" in (exchange.error or "")
    assert server.seen == []


# --- raw mode -------------------------------------------------------------------------------------
def test_raw_mode_sends_the_bytes_method_and_headers_as_given():
    raw = b'{"VolumeARN": '
    with recorder() as server:
        _, seen = send_one(server, case(raw_body=raw, method="PUT", target=None, content_type=None))
    assert seen["body"] == raw and seen["method"] == "PUT"
    assert "x-amz-target" not in seen["headers"] and "content-type" not in seen["headers"]
    assert verify(seen)


def test_an_empty_body_is_sent_with_content_length_zero():
    with recorder() as server:
        _, seen = send_one(server, case(raw_body=b""))
    assert seen["body"] == b"" and seen["headers"]["content-length"] == "0" and verify(seen)


# --- redaction ------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", SIGNING_MODES)
def test_the_recorded_exchange_holds_no_secret_no_token_and_no_signature(mode: str):
    with recorder() as server:
        exchange, seen = send_one(server, case(signing=mode), CREDS_WITH_TOKEN)
    dump = repr(exchange) + repr(exchange.request.headers)
    assert SECRET not in dump and SECRET[::-1] not in dump and TOKEN not in dump
    sent_auth = seen["headers"].get("authorization", "")
    if "Signature=" in sent_auth:
        signature = sent_auth.rsplit("Signature=", 1)[1]
        assert signature not in dump
        recorded = {k.lower(): v for k, v in exchange.request.headers.items()}["authorization"]
        assert recorded.endswith(f"Signature={MARKER}")


# --- hostile endpoints ----------------------------------------------------------------------------
def test_an_endless_body_is_cut_at_the_response_cap():
    with raw_server(endless_fast) as url, \
            Transport(url, REGION, CREDS, timeout=5, max_response_bytes=200_000) as t:
        exchange = t.send(case())
    assert exchange.response is not None and exchange.response.truncated
    assert len(exchange.response.body) == 200_000
    assert "longer than 200000 bytes" in (exchange.error or "")


def test_a_body_trickling_forever_is_cut_at_the_deadline():
    with raw_server(trickle_body) as url, Transport(url, REGION, CREDS, timeout=0.4) as t:
        exchange = t.send(case())
    assert exchange.response is not None and exchange.response.truncated
    assert exchange.response.body.startswith(b"{")
    assert "not complete within 0.4 s" in (exchange.error or "")


def test_headers_trickling_forever_are_cut_at_the_deadline():
    with raw_server(trickle_headers) as url, Transport(url, REGION, CREDS, timeout=0.4) as t:
        exchange = t.send(case())
    assert exchange.response is None and exchange.error


def test_a_server_that_never_answers_times_out_into_an_error_string():
    with raw_server(hang) as url, Transport(url, REGION, CREDS, timeout=0.3) as t:
        exchange = t.send(case())
    error = exchange.error or ""
    assert exchange.response is None and ("timeout" in error or "within" in error)


def test_a_reset_connection_becomes_an_error_string():
    with raw_server(reset) as url, Transport(url, REGION, CREDS, timeout=2) as t:
        exchange = t.send(case())
    assert exchange.response is None and "reset" in (exchange.error or "")


def test_garbage_instead_of_http_becomes_an_error_string():
    with raw_server(garbage) as url, Transport(url, REGION, CREDS, timeout=2) as t:
        exchange = t.send(case())
    assert exchange.response is None and exchange.error


def test_a_refused_connection_becomes_an_error_string():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Transport(f"http://127.0.0.1:{port}/", REGION, CREDS, timeout=2) as t:
        exchange = t.send(case())
    assert exchange.response is None and "refused" in (exchange.error or "")


def test_redirects_are_recorded_not_followed():
    with recorder() as elsewhere:
        def redirect(_: Any) -> tuple[int, dict[str, str], bytes]:
            return 307, {"Location": elsewhere.url}, b""
        with recorder(redirect) as server:
            exchange, _ = send_one(server, case())
    assert exchange.response.status == 307 and exchange.response.headers["location"] == elsewhere.url
    assert elsewhere.seen == []


def test_requests_share_one_keep_alive_connection():
    with recorder() as server, Transport(server.url, REGION, CREDS, timeout=2) as t:
        statuses = [t.send(case()).response.status for _ in range(5)]
    assert statuses == [200] * 5
    assert len({s["client"] for s in server.seen}) == 1


def test_the_connection_recovers_after_a_truncated_response():
    with recorder() as server, Transport(server.url, REGION, CREDS, timeout=2, max_response_bytes=4) as t:
        first, second = t.send(case()), t.send(case())
    assert first.response.truncated and second.response.truncated
    assert len(server.seen) == 2


def test_once_the_run_budget_is_spent_nothing_more_is_sent():
    with recorder() as server, Transport(server.url, REGION, CREDS, timeout=2, total_deadline_s=0) as t:
        exchange = t.send(case())
    assert exchange.response is None and "budget" in (exchange.error or "")
    assert server.seen == []


def test_a_response_is_recorded_with_lower_cased_headers():
    with recorder() as server:
        exchange, _ = send_one(server, case())
    assert exchange.response.headers["x-amzn-requestid"] == "r1"
    assert exchange.response.json() == {"SnapshotId": "snap-1234abcd"} and not exchange.response.truncated


# --- correct answers a naive client trips over (conformance.endpoint.variants.VARIANTS) ---
OK_BODY = b'{"SnapshotId":"snap-1234abcd"}'


def coded(coding: str, payload: bytes) -> Callable[[Any], tuple[int, dict[str, str], bytes]]:
    return lambda _: (200, {"Content-Type": JSON_CONTENT_TYPE, "Content-Encoding": coding}, payload)


@pytest.mark.parametrize("coding,compress", [
    ("gzip", gzip.compress), ("x-gzip", gzip.compress), ("deflate", zlib.compress)])
def test_a_body_in_a_content_coding_is_recorded_decoded(coding: str, compress: Callable[[bytes], bytes]):
    with recorder(coded(coding, compress(OK_BODY))) as server:
        exchange, _ = send_one(server, case())
    assert exchange.response.body == OK_BODY and not exchange.response.truncated
    assert exchange.response.headers["content-encoding"] == coding


def test_a_body_that_does_not_decode_is_recorded_as_it_came():
    with recorder(coded("gzip", b"not gzip at all")) as server:
        exchange, _ = send_one(server, case())
    assert exchange.response.body == b"not gzip at all"


def test_a_decoded_body_beyond_the_cap_is_cut():
    with recorder(coded("gzip", gzip.compress(b"x" * 100_000))) as server, \
            Transport(server.url, REGION, CREDS, timeout=2, max_response_bytes=1000) as t:
        exchange = t.send(case())
    assert exchange.response.truncated and len(exchange.response.body) == 1000


def busy_then_ok(busy: int, status: int = 400, error_type: str = "ThrottlingException"):  # type: ignore[no-untyped-def]
    def answer(handler: Any) -> tuple[int, dict[str, str], bytes]:
        if len(handler.server.seen) <= busy:
            return status, {"Content-Type": JSON_CONTENT_TYPE}, json.dumps({"__type": error_type}).encode()
        return ok_answer(handler)
    return answer


@pytest.mark.parametrize("status,error_type", [
    (400, "ThrottlingException"), (400, "com.amazon.coral.service#ThrottlingException"),
    (429, "TooManyRequestsException"), (503, "ServiceUnavailable"), (502, "BadGateway")])
def test_a_throttled_or_unavailable_answer_is_sent_again_after_a_backoff(status: int, error_type: str):
    with recorder(busy_then_ok(2, status, error_type)) as server, \
            Transport(server.url, REGION, CREDS, timeout=2, throttle_base_s=0.001) as t:
        exchange = t.send(case())
    assert exchange.response.status == 200 and len(server.seen) == 3
    assert t.retries["transient"] == 2
    assert all(verify(seen) for seen in server.seen)   # each attempt signed anew, soundly


def test_throttling_that_never_ends_is_recorded_after_the_last_retry():
    with recorder(busy_then_ok(100)) as server, \
            Transport(server.url, REGION, CREDS, timeout=2, throttle_base_s=0.001, throttle_retries=3) as t:
        exchange = t.send(case())
    assert exchange.response.status == 400 and len(server.seen) == 4


@pytest.mark.parametrize("status,error_type", [(500, "InternalFailure"), (400, "ValidationException")])
def test_a_500_or_a_plain_refusal_is_never_sent_again(status: int, error_type: str):
    with recorder(busy_then_ok(100, status, error_type)) as server, \
            Transport(server.url, REGION, CREDS, timeout=2, throttle_base_s=0.001) as t:
        exchange = t.send(case())
    assert exchange.response.status == status and len(server.seen) == 1


def answer_once_per_connection(seen: list[int]) -> Callable[[socket.socket, threading.Event], None]:
    """Answers the first request of each connection (kept alive), then closes at the next one unanswered."""
    def behaviour(sock: socket.socket, stop: threading.Event) -> None:
        read_request(sock)
        seen.append(1)
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: %d"
                     b"\r\n\r\n%s" % (len(OK_BODY), OK_BODY))
        read_request(sock)   # the next request on this connection: never answered
    return behaviour


def test_a_request_dropped_on_a_reused_connection_is_sent_again_on_a_fresh_one():
    seen: list[int] = []
    with raw_server(answer_once_per_connection(seen)) as url, Transport(url, REGION, CREDS, timeout=2) as t:
        exchanges = [t.send(case(creates=True)) for _ in range(3)]
    assert [e.response.status for e in exchanges if e.response] == [200, 200, 200]
    assert t.retries["stale-connection"] >= 2


def test_without_retries_for_creating_cases_a_dropped_creating_request_is_reported_not_resent():
    seen: list[int] = []
    with raw_server(answer_once_per_connection(seen)) as url, \
            Transport(url, REGION, CREDS, timeout=2, retry_creating_on_stale=False) as t:
        first, second = t.send(case(creates=True)), t.send(case(creates=True))
    assert first.response is not None and second.response is None and "closed" in (second.error or "")
    assert t.retries["stale-connection"] == 0


def test_a_request_dropped_on_a_fresh_connection_is_not_sent_again():
    with raw_server(reset) as url, Transport(url, REGION, CREDS, timeout=2) as t:
        exchange = t.send(case())
    assert exchange.response is None and t.retries["stale-connection"] == 0


# --- discovery ------------------------------------------------------------------------------------
def test_list_volumes_follows_markers_and_returns_every_arn():
    pages = {None: ({"VolumeInfos": [{"VolumeARN": ARN}], "Marker": "m1"}),
             "m1": ({"VolumeInfos": [{"VolumeARN": ARN + "2"}]})}

    def answer(handler: Any) -> tuple[int, dict[str, str], bytes]:
        marker = json.loads(handler.server.seen[-1]["body"]).get("Marker")
        return 200, {"Content-Type": JSON_CONTENT_TYPE}, json.dumps(pages[marker]).encode()

    with recorder(answer) as server, Transport(server.url, REGION, CREDS, timeout=2) as t:
        arns = t.list_volumes()
    assert arns == [ARN, ARN + "2"]
    assert all(s["headers"]["x-amz-target"] == "StorageGateway_20130630.ListVolumes" for s in server.seen)
    assert all(verify(s) for s in server.seen)


def test_list_volumes_refused_raises_a_discovery_error_naming_the_error_type():
    def refuse(_: Any) -> tuple[int, dict[str, str], bytes]:
        return 400, {}, b'{"__type":"com.amazon#UnrecognizedClientException:x","message":"no"}'

    with recorder(refuse) as server, Transport(server.url, REGION, CREDS, timeout=2) as t:
        with pytest.raises(DiscoveryError, match="400 UnrecognizedClientException"):
            t.list_volumes()


def test_list_volumes_on_an_unreachable_endpoint_raises_a_discovery_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Transport(f"http://127.0.0.1:{port}/", REGION, CREDS, timeout=1) as t:
        with pytest.raises(DiscoveryError, match="refused"):
            t.list_volumes()


def test_an_endpoint_that_is_not_an_http_url_is_a_usage_error():
    from conformance.errors import UsageError
    with pytest.raises(UsageError):
        Transport("ftp://example.invalid/", REGION, CREDS)
