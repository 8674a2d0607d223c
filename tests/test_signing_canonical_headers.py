"""The canonical headers as received (docs/protocol.md > SigV4): the Host as sent, header names in any case.

The signing modes of :mod:`conformance.suite.signing` that bend the Host (another loopback name,
no port) and the names' case, seen on the wire by a plain socket server that keeps the header
block byte for byte; each signature verified over what arrived.  The Host is bent only for a
loopback target: for any other the modes sign the endpoint's own Host, and a run's plan (and a
compare's sending) leaves their cases out.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import compare as compare_cli
from conformance.cli import main as cli
from conformance.protocol import envelope, sigv4
from conformance.protocol.credentials import Credentials
from conformance.suite.config import RunConfig
from conformance.suite.engine import Session
from conformance.suite.model import Case
from conformance.suite.signing import (
    BY_NAME,
    CANONICAL_HEADERS_RULE,
    SIGNING_MODES,
    Signer,
    loopback_alias,
    modes_for,
    split_host,
)
from conformance.suite.target import Target
from conformance.suite.transport import Transport

CREDS = Credentials("AKIDEXAMPLEHEADERS", "canonical/Headers+Secret0000000000000000")
TOKEN_CREDS = Credentials("ASIATEMPEXAMPLE", CREDS.secret_key, "FQoGZXIvYXdzECanonicalToken==")
REGION = "us-east-2"
ARN = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
HOST_MODES = ("host-alias", "host-without-port", "host-alias-without-port")
NAME_MODES = ("header-names-mixed", "header-names-lower")


@contextmanager
def wire(host: str = "127.0.0.1") -> Iterator[tuple[str, list[tuple[list[tuple[str, str]], bytes]]]]:
    """A server on ``host`` keeping each request's header fields as they came and its body."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server = socket.socket(family, socket.SOCK_STREAM)
    server.bind((host, 0))
    server.listen(4)
    seen: list[tuple[list[tuple[str, str]], bytes]] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")[1:]
                fields = [(n, v.strip()) for n, _, v in (line.partition(":") for line in lines)]
                length = int(next(v for n, v in fields if n.lower() == "content-length"))
                while len(body) < length:
                    body += conn.recv(65536)
                seen.append((fields, body))
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
                             b"Content-Length: 2\r\nConnection: close\r\n\r\n{}")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    shown = f"[{host}]" if ":" in host else host
    try:
        yield f"http://{shown}:{server.getsockname()[1]}/", seen
    finally:
        server.close()


def send(url: str, mode: str, creds: Credentials = CREDS) -> tuple[list[tuple[str, str]], bytes]:
    case = Case(rule_id=CANONICAL_HEADERS_RULE, signature="t", signing=mode,
                params={"VolumeARN": ARN, "SnapshotDescription": "canonical headers"})
    with Transport(url, REGION, creds, timeout=5) as transport:
        exchange = transport.send(case)
    assert exchange.response is not None and exchange.response.status == 200, exchange.error
    return exchange.request.headers, exchange.request.body


def verifies(fields: list[tuple[str, str]], body: bytes, creds: Credentials = CREDS) -> bool:
    """The signature checked as a correct server checks it: names looked up in any case, values as sent."""
    by_name = {name.lower(): value for name, value in fields}
    auth = sigv4.parse_authorization(by_name["authorization"])
    canonical = sigv4.canonical_request("POST", "/", "", by_name, auth.signed_headers, sigv4.sha256_hex(body))
    return sigv4.signature(creds.secret_key, by_name["x-amz-date"], auth.scope, canonical) == auth.signature


def received(mode: str, creds: Credentials = CREDS) -> tuple[list[tuple[str, str]], bytes]:
    """The header fields and body one case of ``mode`` arrives with at a server on 127.0.0.1."""
    with wire() as (url, seen):
        send(url, mode, creds)
    return seen[-1]


def host_of(fields: list[tuple[str, str]]) -> str:
    (value,) = [v for n, v in fields if n.lower() == "host"]
    return value


# --- the Host as received ----------------------------------------------------------------------------
@pytest.mark.parametrize("mode, expected", [("host-alias", "localhost:{port}"),
                                            ("host-without-port", "127.0.0.1"),
                                            ("host-alias-without-port", "localhost")])
def test_a_host_mode_sends_another_form_of_a_loopback_address_signed_as_sent(mode: str, expected: str):
    with wire() as (url, seen):
        send(url, mode)
    fields, body = seen[-1]
    port = url.rsplit(":", 1)[1].rstrip("/")
    assert host_of(fields) == expected.format(port=port)
    assert "host" in sigv4.parse_authorization(dict(fields)["Authorization"]).signed_headers
    assert verifies(fields, body)


@pytest.mark.parametrize("mode, expected", [("host-alias", "127.0.0.1:{port}"),
                                            ("host-without-port", "localhost"),
                                            ("host-alias-without-port", "127.0.0.1")])
def test_a_localhost_target_is_sent_its_loopback_address_and_the_reverse(mode: str, expected: str):
    with wire() as (url, seen):
        port = url.rsplit(":", 1)[1].rstrip("/")
        send(f"http://localhost:{port}/", mode)
    fields, body = seen[-1]
    assert host_of(fields) == expected.format(port=port) and verifies(fields, body)


def test_the_forms_of_an_ipv6_loopback_host_keep_its_brackets():
    assert split_host("[::1]:8465") == ("[::1]", ":8465") and split_host("[::1]") == ("[::1]", "")
    assert split_host("127.0.0.1:8465") == ("127.0.0.1", ":8465")
    assert split_host("localhost") == ("localhost", "")
    assert loopback_alias("[::1]:8465") == "localhost" and loopback_alias("LOCALHOST:1") == "127.0.0.1"


@pytest.mark.parametrize("host", ["storagegateway.us-east-1.amazonaws.com", "10.0.0.5:4566",
                                  "localstack:4566", "sgw.localhost:4566", "[2001:db8::1]:443"])
def test_a_host_mode_never_bends_the_host_of_an_endpoint_off_loopback(host: str):
    signer = Signer(f"https://{host}/", host, "/", REGION, CREDS)
    for mode in HOST_MODES:
        headers = signer.headers(mode, "POST", b"{}")
        assert headers["Host"] == host
        date = headers["X-Amz-Date"]
        canonical = sigv4.canonical_request("POST", "/", "", {"host": host, "x-amz-date": date},
                                            ("host", "x-amz-date"), sigv4.sha256_hex(b"{}"))
        auth = sigv4.parse_authorization(headers["Authorization"])
        assert sigv4.signature(CREDS.secret_key, date, auth.scope, canonical) == auth.signature


def test_a_run_off_loopback_plans_no_case_that_bends_the_host():
    live = modes_for("https://storagegateway.us-east-1.amazonaws.com/")
    assert live == set(SIGNING_MODES) - set(HOST_MODES) and set(NAME_MODES) <= live
    assert modes_for("http://127.0.0.1:8465/") == modes_for("http://[::1]:1/") == set(SIGNING_MODES)
    assert modes_for("http://localhost:4566/") == set(SIGNING_MODES)
    assert modes_for("http://sgw.localhost:4566/") == live
    target = Target("https://storagegateway.us-east-1.amazonaws.com/", REGION, CREDS, live=True)
    cases, _ = Session(RunConfig(profile="quick", allow_live=True), target).plan(ARN)
    signings = {c.signing for c in cases}
    assert not signings & set(HOST_MODES) and set(NAME_MODES) <= signings


def test_every_host_and_name_case_is_a_valid_request_of_the_canonical_headers_rule():
    for mode in (*HOST_MODES, *NAME_MODES):
        row = BY_NAME[mode]
        assert row.rule is None and row.valid_rule == CANONICAL_HEADERS_RULE
        assert row.loopback_only == (mode in HOST_MODES)
    target = Target("http://127.0.0.1:8465/", REGION, CREDS, live=False)
    cases, _ = Session(RunConfig(profile="quick"), target).plan(ARN)
    mine = {c.signing: c for c in cases if c.rule_id == CANONICAL_HEADERS_RULE and c.framing is None}
    assert set(mine) == {*HOST_MODES, *NAME_MODES}
    framed = [c.framing for c in cases if c.rule_id == CANONICAL_HEADERS_RULE and c.framing]
    assert framed == ["header-repeated"]   # a header in several lines: the raw sender's (suite/framing.py)
    assert all(c.creates and c.params == {"VolumeARN": ARN, "SnapshotDescription": "sgw-conformance"}
               for c in mine.values())


# --- header names in any case ---------------------------------------------------------------------
def test_the_mixed_case_mode_sends_each_signed_header_under_its_odd_name_signed_lower_case():
    fields, body = received("header-names-mixed", TOKEN_CREDS)
    names = [n for n, _ in fields]
    assert {"HOST", "X-AMZ-DATE", "CONTENT-TYPE", "x-amz-target", "X-AMZ-SECURITY-TOKEN", "Authorization"} \
        <= set(names)
    assert not {"Host", "X-Amz-Date", "Content-Type", "X-Amz-Target"} & set(names)
    assert len(names) == len({n.lower() for n in names})     # each header once
    auth = sigv4.parse_authorization(dict(fields)["Authorization"])
    assert auth.signed_headers == ("content-type", "host", "x-amz-date", "x-amz-security-token",
                                   "x-amz-target")
    assert dict(fields)["x-amz-target"] == envelope.CREATE_SNAPSHOT_TARGET
    assert verifies(fields, body, TOKEN_CREDS)


def test_the_lower_case_mode_sends_every_signing_header_name_in_lower_case():
    fields, body = received("header-names-lower")
    names = {n for n, _ in fields}
    assert {"host", "x-amz-date", "content-type", "x-amz-target", "authorization"} <= names
    assert len(fields) == len({n.lower() for n, _ in fields})
    assert verifies(fields, body)


def test_the_reference_endpoint_serves_every_canonical_headers_case(reference_endpoint: Any):
    for mode in (*HOST_MODES, *NAME_MODES):
        case = Case(rule_id=CANONICAL_HEADERS_RULE, signature="t", signing=mode,
                    params={"VolumeARN": reference_endpoint.volume_arn, "SnapshotDescription": "as received"})
        ep = reference_endpoint
        with Transport(ep.url, ep.region, ep.credentials) as t:
            exchange = t.send(case)
        assert exchange.response is not None and exchange.response.status == 200, (mode, exchange.response)


def test_compare_sends_no_recorded_case_that_bends_the_host_to_an_endpoint_off_loopback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    har = tmp_path / "run.har"
    assert cli.main(["run", "--profile", "quick", "--record", str(har),
                     "--report-dir", str(tmp_path / "r")]) == 0
    monkeypatch.setattr(compare_cli, "modes_for", lambda _url: modes_for("https://storagegateway.example/"))
    code = cli.main(["compare", str(har), "--report-dir", str(tmp_path / "c")])
    capsys.readouterr()
    report = json.loads((tmp_path / "c" / "compare.json").read_text("utf-8"))
    assert code == 0 and report["parity"]["overall"]["not_sent"] == len(HOST_MODES)
    not_sent = {c["case"]["signing"]: c["reason"] for c in report["cases"] if c["class"] == "not sent"}
    assert not_sent == dict.fromkeys(HOST_MODES, compare_cli.HOST_BENT)


def test_the_recorded_request_names_each_header_once_as_it_was_sent():
    with wire() as (url, seen):
        recorded, _ = send(url, "header-names-mixed")
    fields, _ = seen[-1]
    assert [name for name in recorded if name.lower() != "authorization"] == \
        [name for name, _ in fields if name.lower() != "authorization"]
