"""The reference endpoint's HTTP server: werkzeug's threaded HTTP/1.1 server, kept alive, JSON-only.

The application (:mod:`conformance.endpoint.app`) answers every request that reaches it;
this module carries those answers over a socket: keep-alive connections with TCP_NODELAY, an
idle timeout, closing (with a linger, so that the client reads the answer rather than a
reset) when the application leaves a body unread, and closing unanswered when a fault says
so.  An HTTP request too broken to reach the application (bad request line, bad version,
oversized headers) gets a 4xx JSON SerializationException instead of http.server's HTML.
The HTTP variants (:mod:`conformance.endpoint.variants`: HTTP/1.0, chunked or gzip answers,
``Connection: close``, lower-case header names, interim 100 Continue, a keep-alive race) are
applied here, after the application.
"""

from __future__ import annotations

import gzip
import json
import logging
import selectors
import socket
import threading
import time
import uuid
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from conformance.endpoint.app import CLOSE_KEY, DROP_KEY, JSON_HEADERS, MAX_BODY_BYTES, Application
from conformance.endpoint.validation import ascii_decimal
from conformance.endpoint.variants import VariantSet
from conformance.protocol import envelope

logger = logging.getLogger(__name__)

IDLE_TIMEOUT_S = 60                     # an idle keep-alive connection is closed after this
LINGER_S, LINGER_BYTES = 3.0, 64 * 1024 * 1024


class Handler(WSGIRequestHandler):
    """werkzeug's handler, kept alive between requests, answering every request in JSON.

    werkzeug's own ``run_wsgi`` closes every connection and polls the socket after each
    answer; the application here always reads the body it is given (or asks for the
    connection to be closed), so the connection can be reused.
    """

    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT_S
    server: Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without TCP_NODELAY the second waits for
        # the client's delayed ACK (~40 ms) and a keep-alive client stalls near 25 req/s.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.linger = False
        self.served = 0
        self.variants = self.server.application.variants
        if self.variants("http-1.0"):
            self.protocol_version = "HTTP/1.0"   # one request per connection, closed after the answer
        self.server.opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            if self.linger:
                _linger(self.connection)
            self.server.closed(self.connection)

    def parse_request(self) -> bool:
        """http.server's parsing, except that a blank request line is answered, not dropped."""
        line: bytes = getattr(self, "raw_requestline", b"")
        if line in (b"\r\n", b"\n"):   # one empty line before a request is allowed
            line = self.raw_requestline = self.rfile.readline(65537)
        if not str(line, "iso-8859-1").split():
            self.command = None  # type: ignore[assignment]
            self.requestline, self.request_version = "", "HTTP/1.1"
            self.send_error(400, "Empty request line")
            return False
        return bool(super().parse_request())

    def handle_expect_100(self) -> bool:
        length = ascii_decimal(self.headers.get("Content-Length", ""))
        if length is not None and length > MAX_BODY_BYTES:
            return True   # no "100 Continue": the refusal comes straight away
        return super().handle_expect_100()

    def run_wsgi(self) -> None:
        if self.request_version == "HTTP/0.9":   # "GET /": no headers to carry an answer in
            self.send_error(400, "HTTP/0.9 requests are not served")
            return
        if self.variants("keep-alive-race") and self.served:
            self.close_connection = True   # the idle timeout won the race: closed, unread, unanswered
            return
        self.served += 1
        self.environ = environ = self.make_environ()
        status, headers, body = self._call_application(environ)
        if environ.get(DROP_KEY):       # a fault: no status line, no headers, the connection closed
            self.close_connection = True
            return
        self.linger = bool(environ.get(CLOSE_KEY))
        self._send(status, *http_variants(self.variants, headers, body))

    def _call_application(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        """The WSGI application's answer, in full: status code, headers, body."""
        answer: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer["status"], answer["headers"] = status, headers
            return lambda data: None

        chunks = self.server.app(environ, start_response)
        body = b"".join(chunks)
        getattr(chunks, "close", lambda: None)()
        return int(answer["status"].split(None, 1)[0]), answer["headers"], body

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        try:
            self.send_status(status)
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            self.close_connection = True

    def send_status(self, code: int) -> None:
        """The status line, Server and Date (lower-case names with the variant "lower-case-headers")."""
        if self.variants("interim-100-continue") and self.request_version == "HTTP/1.1":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        if not self.variants("lower-case-headers"):
            self.send_response(code)
            return
        self.send_response_only(code)
        self.send_header("server", self.version_string())
        self.send_header("date", self.date_time_string())

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's answer to a request it cannot parse: JSON, 4xx, connection closed."""
        status = code if 400 <= code < 500 else 400
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"   # so that a status line and headers are written
        body = json.dumps({envelope.ERROR_TYPE_FIELD: "SerializationException",
                           "message": f"Malformed HTTP request: {message or code}"}).encode()
        self.close_connection = True
        try:
            self.send_response(status)
            for name, value in {**JSON_HEADERS, envelope.REQUEST_ID_HEADER: str(uuid.uuid4()),
                                envelope.ERROR_TYPE_HEADER: "SerializationException",
                                "Content-Length": str(len(body)), "Connection": "close"}.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # one log line per request would cost more than the request

    def log(self, type: str, message: str, *args: Any) -> None:
        logger.debug(message, *args)


def _without(headers: list[tuple[str, str]], name: str) -> list[tuple[str, str]]:
    return [(n, v) for n, v in headers if n.lower() != name]


def _chunked(body: bytes) -> bytes:
    """``body`` in Transfer-Encoding: chunked (two chunks when it has two bytes or more)."""
    half = len(body) // 2
    parts = [p for p in (body[:half], body[half:]) if p]
    return b"".join(b"%X\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def http_variants(variants: VariantSet, headers: list[tuple[str, str]],
                  body: bytes) -> tuple[list[tuple[str, str]], bytes]:
    """The answer's headers and body as the HTTP variants send them (framing, coding, header case)."""
    headers = list(headers)
    if variants("gzip-responses") and body:
        body = gzip.compress(body, mtime=0)
        headers = [*_without(headers, "content-length"), ("Content-Encoding", "gzip"),
                   ("Content-Length", str(len(body)))]
    if variants("http-1.0"):          # the body ends where the connection does
        headers = _without(headers, "content-length")
    if variants("chunked-responses"):
        headers = [*_without(headers, "content-length"), ("Transfer-Encoding", "chunked")]
        body = _chunked(body)
    if variants("connection-close"):
        headers = [*_without(headers, "connection"), ("Connection", "close")]
    if variants("lower-case-headers"):
        headers = [(n.lower(), v) for n, v in headers]
    return headers, body


def _linger(sock: socket.socket) -> None:
    """Half-close, then discard what the client still sends (so it reads our answer, not a reset)."""
    try:
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        return
    deadline, received = time.monotonic() + LINGER_S, 0
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_READ)
        while received < LINGER_BYTES and (left := deadline - time.monotonic()) > 0:
            if not selector.select(timeout=left):
                break
            try:
                data = sock.recv(256 * 1024)
            except OSError:
                break
            if not data:
                break
            received += len(data)


class Server(ThreadedWSGIServer):
    """werkzeug's threaded server that knows its open connections (to close them on stop)."""

    daemon_threads = True

    def __init__(self, host: str, port: int, app: Application, fd: int) -> None:
        super().__init__(host, port, app, handler=Handler, fd=fd)
        self.application = app
        self._connections: set[socket.socket] = set()
        self._idle = threading.Condition()

    def opened(self, conn: socket.socket) -> None:
        with self._idle:
            self._connections.add(conn)

    def closed(self, conn: socket.socket) -> None:
        with self._idle:
            self._connections.discard(conn)
            self._idle.notify_all()

    def close_connections(self, wait_s: float = 3.0) -> None:
        with self._idle:
            for conn in list(self._connections):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self._idle.wait_for(lambda: not self._connections, timeout=wait_s)


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock
