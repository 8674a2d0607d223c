"""Redaction by field (conformance.protocol.redaction): the secrets leave the exchange before
anything is serialised, and nothing else is touched."""

from __future__ import annotations

import hashlib
import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from wire import LoopbackServer, captured_signatures, http_answer, read_request

from conformance.protocol.credentials import Credentials
from conformance.protocol.redaction import FRAGMENT_MIN, MARKER, Secrets, encoded_forms, sent_signatures
from conformance.suite.model import Case
from conformance.suite.transport import Transport

SECRET = "Zq9SECRETxKEYforREDACTIONtest/0000000+0"
TOKEN = "FQoGZXIvYXdzREDACTIONsessionTOKEN0123456789abcdefABCDEF=="
SIGNATURE = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
PAYLOAD_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
AUTHORIZATION = ("AWS4-HMAC-SHA256 Credential=AKIDREDACT/20240101/us-east-2/storagegateway/aws4_request, "
                 f"SignedHeaders=host;x-amz-date;x-amz-security-token, Signature={SIGNATURE}")
SENT = {"Authorization": AUTHORIZATION, "X-Amz-Security-Token": TOKEN, "X-Amz-Date": "20240101T000000Z",
        "x-amz-content-sha256": PAYLOAD_HASH}
SECRETS = Secrets.of(SECRET, None).with_sent(SENT)


# --- headers ----------------------------------------------------------------------------------

def test_the_signature_is_masked_in_the_authorization_header_and_the_rest_of_it_kept() -> None:
    recorded = SECRETS.headers(SENT)["Authorization"]
    assert recorded == AUTHORIZATION.replace(SIGNATURE, MARKER)
    assert recorded.endswith(f"Signature={MARKER}") and "Credential=AKIDREDACT/20240101" in recorded


def test_the_session_token_header_is_masked() -> None:
    assert SECRETS.headers(SENT)["X-Amz-Security-Token"] == MARKER
    assert Secrets().headers({"x-amz-security-token": "ab"}) == {"x-amz-security-token": MARKER}


def test_x_amz_content_sha256_and_every_other_header_are_left_as_they_are() -> None:
    recorded = SECRETS.headers(SENT)
    assert recorded["x-amz-content-sha256"] == PAYLOAD_HASH and recorded["X-Amz-Date"] == SENT["X-Amz-Date"]


def test_the_signatures_of_a_request_are_read_from_its_authorization_header() -> None:
    assert sent_signatures(SENT) == (SIGNATURE,)
    assert sent_signatures({"Content-Type": "x"}) == ()


# --- bodies -------------------------------------------------------------------------------------

def test_a_secret_echoed_inside_a_json_string_value_is_masked_and_the_json_stays_the_same_json() -> None:
    body = json.dumps({"__type": "InvalidSignatureException", "message": f"key {SECRET}, token {TOKEN}",
                       "n": 5, "list": [True, None]}).encode()
    masked = SECRETS.body(body)
    assert json.loads(masked) == {"__type": "InvalidSignatureException",
                                  "message": f"key {MARKER}, token {MARKER}", "n": 5, "list": [True, None]}


def test_a_secret_is_found_however_the_json_string_escapes_it() -> None:
    escaped = "".join(f"\\u{ord(c):04x}" for c in SECRET[:5]) + SECRET[5:].replace("/", "\\/")
    body = ('{"message": "' + escaped + '", "nested": ' + json.dumps(json.dumps({"k": TOKEN})) + "}").encode()
    assert json.loads(SECRETS.body(body)) == {"message": MARKER, "nested": json.dumps({"k": MARKER})}


def test_a_body_without_a_secret_is_returned_byte_for_byte() -> None:
    body = b'{ "SnapshotId" : "snap-1a2b3c4d",\n  "Hash": "' + PAYLOAD_HASH.encode() + b'" }'
    assert SECRETS.body(body) is body
    assert SECRETS.body(b"\xff\xfe not utf-8") == b"\xff\xfe not utf-8"


def test_only_the_string_holding_the_secret_changes_in_a_json_body() -> None:
    body = b'{ "a" : "\\u00e9t\\u00e9",  "b": "' + TOKEN.encode() + b'" }'
    assert SECRETS.body(body) == b'{ "a" : "\\u00e9t\\u00e9",  "b": "' + MARKER.encode() + b'" }'


def test_a_body_that_is_not_json_is_masked_as_text_and_its_other_bytes_kept() -> None:
    body = b"<html>\xff" + SECRET.encode() + b" " + SIGNATURE.encode() + b"</html>"
    assert SECRETS.body(body) == b"<html>\xff" + MARKER.encode() + b" " + MARKER.encode() + b"</html>"


def test_the_percent_encoded_form_is_masked() -> None:
    forms = encoded_forms(SECRET)
    assert len(forms) == 2 and "%2F" in forms[1]             # its JSON form is the same as itself
    assert SECRETS.text(f"X-Amz-Credential=x&key={forms[1]}&b=1") == f"X-Amz-Credential=x&key={MARKER}&b=1"


# --- cut pieces ------------------------------------------------------------------------------------

def test_the_start_or_the_end_of_a_secret_left_by_a_cut_is_masked() -> None:
    assert SECRETS.text("message: ..." + TOKEN[:20]) == "message: ..." + MARKER
    assert SECRETS.text(TOKEN[-20:] + " and the rest") == MARKER + " and the rest"
    assert SECRETS.text(SECRET[:FRAGMENT_MIN]) == MARKER
    assert SECRETS.text(SECRET[1:FRAGMENT_MIN]) == SECRET[1:FRAGMENT_MIN]     # shorter: no secret left


def test_a_cut_piece_inside_a_json_string_is_masked_without_breaking_the_json() -> None:
    body = json.dumps({"message": "canonical request: x-amz-security-token:" + TOKEN[:30]}).encode()
    assert json.loads(SECRETS.body(body)) == {"message": "canonical request: x-amz-security-token:" + MARKER}


# --- short secrets (LocalStack's test/test) ---------------------------------------------------------

def test_a_short_secret_is_masked_only_as_a_whole_word() -> None:
    test = Secrets.of("test", "test")
    text = "latest-tests untested <testsuites> envelope.wrong-json-type un-test-ed"
    assert test.text(text) == text.replace("-test-", f"-{MARKER}-")
    assert test.text('{"k": "test"}') == '{"k": "' + MARKER + '"}'
    assert json.loads(test.body(b'{"test": "a test", "latest": "tests"}')) == {
        MARKER: f"a {MARKER}", "latest": "tests"}


def test_a_short_secret_is_masked_in_its_json_escaped_and_percent_encoded_forms() -> None:
    secret = 'ab"c/d+e'
    text = f"{json.dumps(secret)} ab%22c%2Fd%2Be"
    assert Secrets.of(secret, None).text(text) == f'"{MARKER}" {MARKER}'


def test_hex_that_is_no_signature_sent_is_left_alone() -> None:
    others = ("d" * 64, "0" * 64, PAYLOAD_HASH, SIGNATURE[::-1], f"Signature={SIGNATURE[::-1]}")
    for text in others:
        assert SECRETS.text(text) == text
    assert SECRETS.text(f"sig {SIGNATURE}.") == f"sig {MARKER}."


def test_values_too_short_to_be_credentials_and_none_mask_nothing() -> None:
    assert Secrets.of("abc", "", None).text("abc abc") == "abc abc"
    assert Secrets().body(b"abc") == b"abc"


def test_the_secrets_are_never_shown_by_repr() -> None:
    assert SECRET not in repr(SECRETS) and TOKEN not in repr(SECRETS)


# --- the transport records every exchange redacted ------------------------------------------------

class _Echo(socketserver.BaseRequestHandler):
    """Answers with the whole request quoted in a header, a JSON message and a cut copy."""

    def handle(self) -> None:
        while True:
            head, body = read_request(self.request)
            if not head:
                return
            quoted = head.decode("latin-1").replace("\r\n", " | ")
            cut = quoted[: quoted.find("X-Amz-Security-Token") + 40]
            answer = json.dumps({"__type": "InvalidSignatureException", "message": quoted, "cut": cut,
                                 "body": body.decode()}).encode()
            echo = quoted.replace(" | ", " ")[:6000]
            self.request.sendall(http_answer(400, answer, f"X-Echo: {echo}\r\n"))


@contextmanager
def echoing() -> Iterator[str]:
    server = LoopbackServer(_Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()


def test_an_exchange_with_an_endpoint_echoing_the_request_holds_no_secret_token_or_signature() -> None:
    creds = Credentials("AKIDREDACTECHO", SECRET, TOKEN)
    params = {"VolumeARN": "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-1/volume/vol-1",
              "SnapshotDescription": SECRET[::-1]}
    with echoing() as url, captured_signatures() as signatures, Transport(url, "us-east-2", creds) as t:
        exchange = t.send(Case("authentication.signature", "echo", params))
    assert exchange.response is not None and len(signatures) == 1
    resp = exchange.response
    message = json.loads(resp.body)
    dump = repr(exchange) + repr(exchange.request.headers) + repr(resp.headers) + resp.body.decode()
    for secret in (SECRET, TOKEN, signatures[0], TOKEN[:FRAGMENT_MIN + 4]):
        assert secret not in dump
    assert f"Signature={MARKER}" in message["message"] and f"Signature={MARKER}" in resp.headers["x-echo"]
    assert message["cut"].endswith(MARKER)
    assert json.loads(exchange.request.body) == params            # the request body as sent
    payload_hash = hashlib.sha256(exchange.request.body).hexdigest()
    assert f"x-amz-content-sha256: {payload_hash}" in message["message"].lower()
    assert {k.lower(): v for k, v in exchange.request.headers.items()}["x-amz-content-sha256"] == payload_hash


def test_a_short_secret_the_request_showed_in_its_volume_arn_is_left_in_the_echo_of_the_answer() -> None:
    arn = "arn:aws:storagegateway:us-east-1:111122223333:gateway/sgw-test/volume/vol-1122AABB"
    secrets = Secrets.of("test", "test")
    answer = json.dumps({"VolumeARN": arn, "message": "secret test"}).encode()
    assert secrets.body(answer) != answer                               # masked when nothing showed it
    assert secrets.public_in(arn, b"").body(answer) == answer                # the request showed it: kept
    long_secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    assert long_secret not in Secrets.of(long_secret).public_in(long_secret, b"").text(long_secret)
