"""Test helper: a framing defect of conformance.suite.framing written by hand over a socket.

The probes of the reference endpoint's framing faults and variants send with this, not with the
suite's own raw sender, so that a probe does not lean on the code it is there to check.
"""

from __future__ import annotations

import json
import select
import socket
from typing import Any

from conformance.endpoint import ReferenceEndpoint
from conformance.protocol import sigv4
from conformance.suite.framing import BY_NAME

EXPECT_WAIT_S = 2.0
TIMED_OUT = b"(no answer, no close)"   # what a server still waiting after the request gave


def _to_end(sock: socket.socket) -> bytes:
    chunks: list[bytes] = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    return b"".join(chunks)


def framed_answer(ep: ReferenceEndpoint, name: str) -> bytes:
    """Every byte ``ep`` sent back to the defect ``name`` (b'' when it closed without answering).

    The request is a valid CreateSnapshot, signed over the body the defect says a correct server
    reads; the client's side is shut after it (after the body, for Expect: 100-continue, which
    is sent once a 100 came or after a wait)."""
    defect = BY_NAME[name]
    body = json.dumps({"VolumeARN": ep.volume_arn, "SnapshotDescription": "framing probe"}).encode()
    framed = defect.frame(body)
    signed = ep.signed_headers(framed.signed)
    method = defect.method or "POST"
    repeated = {"x-sgw-probe": ",".join(defect.repeat)} if defect.repeat else {}
    if defect.target is not None or repeated or method != "POST":   # signed over what is sent
        signed.update(sigv4.sign(method, defect.target or "/", f"127.0.0.1:{ep.port}", framed.signed,
                                 access_key=ep.access_key, secret=ep.secret_key, region=ep.region,
                                 service="storagegateway", extra_headers=repeated))
    fields = [("Host", f"127.0.0.1:{ep.port}"), *((k, v) for k, v in signed.items()
                                                   if k.lower() not in ("content-length", "x-sgw-probe")),
              *(("X-Sgw-Probe", value) for value in defect.repeat), *framed.fields, ("Connection", "close")]
    target = f"http://127.0.0.1:{ep.port}/" if defect.absolute else defect.target or "/"
    first = f"{defect.first_line}\r\n" if defect.first_line else ""
    head = f"{defect.lead}{method} {target} {framed.version}\r\n{first}" + "".join(
        f"{k}: {v}\r\n" for k, v in fields) + "\r\n"
    with socket.create_connection(("127.0.0.1", ep.port), timeout=10 if defect.half_close else 3) as sock:
        sock.sendall(head.encode("latin-1"))
        first = b""
        if defect.expect and select.select([sock], [], [], EXPECT_WAIT_S)[0]:
            first = sock.recv(65536)
            if not first.startswith(b"HTTP/1.1 100 "):
                return first + _to_end(sock)   # a final answer instead: the body is not sent
        try:
            sock.sendall(framed.payload)
            if defect.half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        try:
            return first + _to_end(sock)
        except TimeoutError:
            return TIMED_OUT


def framed(name: str) -> Any:
    """A probe's sender: the defect ``name`` written by hand (:func:`framed_answer`)."""
    return lambda ep, post: [framed_answer(ep, name)]


def status_line(code: int) -> Any:
    """A probe's test: the answer's status line says ``code``."""
    return lambda answers: answers[0].startswith(b"HTTP/1.1 %d " % code)
