"""Test helpers on the wire: the signatures really sent, and a raw-socket HTTP request and answer."""

from __future__ import annotations

import socket
import socketserver
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from requests.adapters import HTTPAdapter


@contextmanager
def captured_signatures() -> Iterator[list[str]]:
    """Collect the SigV4 signature of every request ``requests`` sends inside the block."""
    signatures: list[str] = []
    real_send = HTTPAdapter.send

    def spy(self: HTTPAdapter, request: Any, *args: Any, **kw: Any) -> Any:
        auth = request.headers.get("Authorization", "")
        if "Signature=" in auth:
            signatures.append(auth.rsplit("Signature=", 1)[1].strip())
        return real_send(self, request, *args, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(HTTPAdapter, "send", spy)
        yield signatures


def read_request(sock: socket.socket) -> tuple[bytes, bytes]:
    """One HTTP request from a raw socket: (head, Content-Length body); (b'', b'') once closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return b"", b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(v) for k, _, v in (line.partition(b":") for line in head.split(b"\r\n"))
                   if k.strip().lower() == b"content-length"), 0)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head, body


def http_answer(status: int, body: bytes, extra: str = "") -> bytes:
    """A raw HTTP/1.1 answer with an awsJson content type; ``extra`` holds more header lines."""
    return (f"HTTP/1.1 {status} X\r\nContent-Type: application/x-amz-json-1.1\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n").encode() + body


class LoopbackServer(socketserver.ThreadingTCPServer):
    """A threaded raw-socket test server on 127.0.0.1, port chosen by the system."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler: type[socketserver.BaseRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"
