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
import io
import json
import logging
import re
import selectors
import socket
import struct
import sys
import threading
import time
from typing import Any
from urllib.parse import unquote_to_bytes

from werkzeug.serving import DechunkedInput, ThreadedWSGIServer, WSGIRequestHandler

from conformance.endpoint.app import CLOSE_KEY, DROP_KEY, JSON_HEADERS, MAX_BODY_BYTES, Application
from conformance.endpoint.auth import HEADER_FIELDS_KEY
from conformance.endpoint.errors import ApiError
from conformance.endpoint.exchange import Incoming, new_request_id
from conformance.endpoint.headers import Headers, SeenHeaders
from conformance.endpoint.validation import ascii_decimal
from conformance.endpoint.variants import VariantSet
from conformance.protocol import envelope

logger = logging.getLogger(__name__)
requests_log = logging.getLogger("conformance.endpoint.requests")   # one line per answer (serve shows it)

IDLE_TIMEOUT_S = 60                     # an idle keep-alive connection is closed after this
LINGER_S, LINGER_BYTES = 3.0, 64 * 1024 * 1024


class Handler(WSGIRequestHandler):
    """werkzeug's handler, kept alive between requests, answering every request in JSON.

    werkzeug's own ``run_wsgi`` closes every connection and polls the socket after each
    answer; the application here always reads the body it is given (or asks for the
    connection to be closed), so the connection can be reused.
    """

    protocol_version = "HTTP/1.1"
    timeout = None      # the idle timeout is the kernel's (SO_RCVTIMEO), not Python's: see setup
    max_line, max_headers = 65536, 100    # http.client's limits (the variant large-header-section: more)
    server: Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without TCP_NODELAY the second waits for
        # the client's delayed ACK (~40 ms) and a keep-alive client stalls near 25 req/s.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # A Python socket timeout polls before every recv and send (two system calls more per
        # request: a fifth of the server's time); the kernel's receive timeout costs nothing
        # until it expires, when a read returns what it has, or nothing: the connection closes.
        idle = struct.pack("ll", IDLE_TIMEOUT_S, 0)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, idle)
        self.linger = False
        self.served = 0
        self.variants = self.server.application.variants
        if self.variants("http-1.0"):
            self.protocol_version = "HTTP/1.0"   # one request per connection, closed after the answer
        if self.variants("large-header-section"):
            self.max_line, self.max_headers = LARGE_LINE, LARGE_HEADERS
        self.server.opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            if self.linger:
                _linger(self.connection)
            self.server.closed(self.connection)

    def parse_request(self) -> bool:
        """The request line and headers, read here rather than by http.server's e-mail parser.

        As http.server parses them (the same refusals: 400 for a bad line or version, 505 for
        HTTP/2 and later, 431 for a line over 64 KiB or more than 100 headers; keep-alive from
        the version and ``Connection``; ``Expect: 100-continue``), except that a blank request
        line is answered, not dropped, and the target is kept exactly as sent (``//x`` too).
        """
        self.started = time.perf_counter()
        line: bytes = getattr(self, "raw_requestline", b"")
        if line in (b"\r\n", b"\n"):   # one empty line before a request is allowed
            line = self.raw_requestline = self.rfile.readline(self.max_line + 1)
            if self.variants("empty-lines-skipped"):
                line = self.raw_requestline = self._after_empty_lines(line)
        self.command, self.request_version = None, self.default_request_version  # type: ignore[assignment]
        self.close_connection = True
        self.requestline = requestline = str(line, "iso-8859-1").rstrip("\r\n")
        words = requestline.split()
        if self._fault("request-line-lenient"):   # a version left out or in lower case: read as HTTP/1.1
            words = [*words[:2], words[2].upper() if len(words) > 2 else "HTTP/1.1", *words[3:]]
        if not words:
            self.requestline, self.request_version = "", "HTTP/1.1"
            self.send_error(400, "Empty request line")
            return False
        if len(words) >= 3:
            version = _http_version(words[-1])
            if version is None:
                self.refuse_framing(400, f"Bad request version ({words[-1]!r})")
                return False
            self.request_version = words[-1]
            if version >= (2, 0) and not self._fault("http-version-unchecked"):
                self.refuse_framing(505, f"Invalid HTTP version ({words[-1]})")
                return False
            self.close_connection = not (version >= (1, 1) and self.protocol_version >= "HTTP/1.1")
        if not 2 <= len(words) <= 3:
            self.send_error(400, f"Bad request syntax ({requestline!r})")
            return False
        self.command, self.path = words[0], words[1]
        if len(words) == 2 and self.command != "GET":
            self.send_error(400, f"Bad HTTP/0.9 request type ({self.command!r})")
            return False
        headers = self._read_headers()
        if headers is None:
            return False
        self.headers = headers   # type: ignore[assignment]
        connection = headers.get("Connection", "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive" and self.protocol_version >= "HTTP/1.1":
            self.close_connection = False
        if (headers.get("Expect", "").lower() == "100-continue" and self.protocol_version >= "HTTP/1.1"
                and self.request_version >= "HTTP/1.1"):
            return bool(self.handle_expect_100())
        return True

    def _read_headers(self) -> Headers | None:
        """The header block up to the blank line (None, answered with 431, if it is too large).

        When the whole block is already buffered (the usual case) it is taken in one read and
        split, rather than read line by line; the limits are the same either way."""
        buffered = self.rfile.peek(self.max_line)   # type: ignore[attr-defined]
        end = buffered.find(b"\r\n\r\n")
        if end > 0 and buffered.count(b"\n", 0, end) == buffered.count(b"\r", 0, end) \
                == buffered.count(b"\r\n", 0, end) < self.max_headers:   # CRLF line ends only
            return Headers(self.rfile.read(end + 4)[:end].decode("iso-8859-1").split("\r\n"),
                           self._fault("header-lines-lenient"))
        lines: list[str] = []
        while True:
            raw = self.rfile.readline(self.max_line + 1)
            if len(raw) > self.max_line:
                self.send_error(431, "Line too long")
                return None
            if raw in (b"\r\n", b"\n", b""):
                break
            lines.append(raw.decode("iso-8859-1").rstrip("\r\n"))
            if len(lines) > self.max_headers:
                self.send_error(431, "Too many headers")
                return None
        return Headers(lines, self._fault("header-lines-lenient"))

    def _after_empty_lines(self, line: bytes) -> bytes:
        """The variant empty-lines-skipped: every empty line before the request line skipped."""
        while line in (b"\r\n", b"\n"):
            line = self.rfile.readline(self.max_line + 1)
        return line

    def make_environ(self) -> dict[str, Any]:
        """The WSGI environ (PEP 3333: the wire's bytes as latin-1 strings); RAW_URI as sent.

        Our own application needs only the target, the body's input and its length (the
        headers it reads from :attr:`seen_headers`): the full environ is built for any other.
        """
        target = self.path
        path, _, query = target.partition("?")
        host = None
        if "://" in path:   # absolute form: the authority is the host, the rest the path
            host, _, rest = path.split("://", 1)[1].partition("/")
            path = "/" + rest
        self.seen_headers = seen = self.headers.joined   # type: ignore[attr-defined]
        if self.server.app is self.server.application and host is None:
            return self._lean_environ(target, path, seen)
        environ: dict[str, Any] = {
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": self.rfile,
            "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False,
            "wsgi.run_once": False, "werkzeug.socket": self.connection,
            "SERVER_SOFTWARE": self.server_version, "REQUEST_METHOD": self.command, "SCRIPT_NAME": "",
            "PATH_INFO": _path_info(path), "QUERY_STRING": query,
            "REQUEST_URI": target, "RAW_URI": target, "REMOTE_ADDR": self.client_address[0],
            "REMOTE_PORT": self.client_address[1], "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]), "SERVER_PROTOCOL": self.request_version,
        }
        for name, value in seen.items():
            key = name.upper().replace("-", "_")
            environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
        self._delimit(environ, seen)
        if host is not None:
            environ["HTTP_HOST"] = host
        return environ

    def _lean_environ(self, target: str, path: str, seen: SeenHeaders) -> dict[str, Any]:
        environ: dict[str, Any] = {"wsgi.input": self.rfile, "REQUEST_METHOD": self.command,
                                   "PATH_INFO": _path_info(path), "RAW_URI": target}
        if "content-length" in seen:
            environ["CONTENT_LENGTH"] = seen["content-length"]
        self._delimit(environ, seen)
        return environ

    def _delimit(self, environ: dict[str, Any], seen: SeenHeaders) -> None:
        """A chunked body is read through werkzeug's de-chunker, to its last chunk."""
        if "chunked" in seen.get("transfer-encoding", "").lower():
            environ["wsgi.input_terminated"] = True
            environ["wsgi.input"] = DechunkedInput(self.rfile)   # type: ignore[arg-type]

    def handle_expect_100(self) -> bool:
        length = ascii_decimal(self.headers.get("Content-Length", ""))
        if length is not None and length > MAX_BODY_BYTES:
            return True   # no "100 Continue": the refusal comes straight away
        if self._fault("expect-continue-500"):   # before the body: the connection is closed after it
            self.close_connection = True
            self._send(*self._failure("Expect: 100-continue is not supported"))
            return False
        if self.variants("expect-417"):
            self.send_error(417, "No 100 Continue here: send the request without Expect")
            return False
        return super().handle_expect_100()

    def _fault(self, name: str) -> bool:
        faults = self.server.application.faults
        return bool(faults) and faults(name)

    def _failure(self, message: str) -> tuple[int, list[tuple[str, str]], bytes]:
        """A 500 InternalFailure, as the application words its errors."""
        answer = self.server.application.error_response(ApiError("InternalFailure", message, 500))
        return answer.status, answer.headers, answer.body

    def refuse_framing(self, code: int, message: str) -> None:
        """A request whose framing is broken: refused (send_error), or, with the variant
        "framing-close", the connection closed without an answer."""
        if self.variants("framing-close"):
            self.close_connection = True
        else:
            self.send_error(code, message)

    def _watch_body(self, environ: dict[str, Any]) -> _WatchedInput | None:
        """With the fault "incomplete-body-500" or the variant "framing-close": the body's input,
        watched for a body cut short or broken (None otherwise: the default path is left alone)."""
        if not (self._fault("incomplete-body-500") or self.variants("framing-close")):
            return None
        seen = self.seen_headers
        chunked = "chunked" in seen.get("transfer-encoding", "").lower()
        watched = _WatchedInput(environ["wsgi.input"], sized=not chunked)
        if not chunked and "content-length" in seen and ascii_decimal(seen["content-length"]) is None:
            watched.broken = True   # not a byte count: no length to read the body by
        environ["wsgi.input"] = watched
        return watched

    def handle_one_request(self) -> None:
        """http.server's loop step, without its method lookup (werkzeug answers every method with
        run_wsgi) and its flush (every answer is written whole)."""
        try:
            self.raw_requestline = self.rfile.readline(self.max_line + 1)
            if len(self.raw_requestline) > self.max_line:
                self.requestline, self.request_version, self.command = "", "", ""
                self.send_error(414, "Request line too long")
            elif not self.raw_requestline:
                self.close_connection = True
            elif self.parse_request():
                self.run_wsgi()
        except TimeoutError:   # a read or a write timed out: the connection is dropped
            self.close_connection = True

    def run_wsgi(self) -> None:
        if self.request_version == "HTTP/0.9":   # "GET /": no headers to carry an answer in
            self.send_error(400, "HTTP/0.9 requests are not served")
            return
        if self.variants("keep-alive-race") and self.served:
            self.close_connection = True   # the idle timeout won the race: closed, unread, unanswered
            return
        self.served += 1
        if "://" in self.path and self._fault("absolute-target-500"):
            self.close_connection = True
            self._send(*self._failure("the request target is not a path"))
            return
        self.environ = environ = self.make_environ()
        watched = self._watch_body(environ) if self.variants or self.server.application.faults else None
        status, headers, body = self._call_application(environ)
        if watched is not None and watched.broken:
            if self.variants("framing-close"):
                self.close_connection = True
                return
            status, headers, body = self._failure("the request body could not be read by its length "
                                                  "or its chunks")
            self.close_connection = True
        if environ.get(DROP_KEY):       # a fault: no status line, no headers, the connection closed
            self.close_connection = True
            return
        self.linger = bool(environ.get(CLOSE_KEY))
        self._send(status, *http_variants(self.variants, headers, body))
        self.server.application.store.flush()   # the bookkeeping after the answer (store.py)
        if requests_log.isEnabledFor(logging.INFO):
            self._log_answer(status, headers)

    def _log_answer(self, status: int, headers: list[tuple[str, str]]) -> None:
        """One line: method, operation (X-Amz-Target's last part), status, error type, time."""
        target = self.headers.get(envelope.TARGET_HEADER) or "-"
        error = next((v for n, v in headers if n.lower() == envelope.ERROR_TYPE_HEADER.lower()), "-")
        elapsed_ms = (time.perf_counter() - self.started) * 1000
        requests_log.info("%s %s %d %s %.1f ms", self.command, target.rsplit(".", 1)[-1][:64], status,
                          error.split(":", 1)[0], elapsed_ms)

    def _call_application(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        """The application's answer, in full: status code, headers, body.  Our application is
        asked directly (the WSGI calling convention cost a tenth of a request); any other WSGI
        application put in its place (a test's wrapper) is called as WSGI says."""
        if self.server.app is not self.server.application:
            return self._call_wsgi(environ)
        answer = self.server.application.answer(self._incoming(environ))
        return answer.status, answer.headers, answer.body

    def _incoming(self, environ: dict[str, Any]) -> Incoming:
        """The request as the application reads it; the body stream delimited as WSGI would."""
        stream = environ["wsgi.input"]
        if "wsgi.input_terminated" not in environ and "CONTENT_LENGTH" not in environ \
                and not self._fault("no-length-read-to-close"):
            stream = io.BytesIO()   # no length and no chunks: no body (RFC 9112 > 6.3)
        environ[HEADER_FIELDS_KEY] = self.headers.fields   # type: ignore[attr-defined]   # as received
        return Incoming(self.command, environ["PATH_INFO"], self.seen_headers, stream, environ)

    def _call_wsgi(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        answer: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer["status"], answer["headers"] = status, headers
            return lambda data: None

        chunks = self.server.app(environ, start_response)
        body = b"".join(chunks)
        getattr(chunks, "close", lambda: None)()
        return int(answer["status"].split(None, 1)[0]), answer["headers"], body

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        """Status line, Server, Date, ``headers`` and the body in one write (one segment);
        ``Connection`` among them decides keep-alive, as http.server's send_header does."""
        try:
            if self.variants("interim-100-continue") and self.request_version == "HTTP/1.1":
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.connection.sendall(self._head(status, headers) + (b"" if self.command == "HEAD" else body))
        except OSError:
            self.close_connection = True

    def _head(self, status: int, headers: list[tuple[str, str]]) -> bytes:
        """The answer's head (lower-case Server and Date with the variant "lower-case-headers")."""
        names = ("server", "date") if self.variants("lower-case-headers") else ("Server", "Date")
        reason = self.responses[status][0] if status in self.responses else ""
        lines = [f"{self.protocol_version} {status} {reason}", f"{names[0]}: {self.version_string()}",
                 f"{names[1]}: {self.date_time_string()}"]
        for name, value in headers:
            lines.append(f"{name}: {value}")
            if name.lower() == "connection":
                self.close_connection = value.lower() == "close" or (
                    self.close_connection and value.lower() != "keep-alive")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "strict")

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header's value; the current one is formatted once a second, not per answer."""
        if timestamp is not None:
            return super().date_time_string(timestamp)
        if self._fault("date-header-iso"):
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        now = int(time.time())
        if _date_cache[0] != now:
            _date_cache[:] = [now, super().date_time_string(now)]
        return str(_date_cache[1])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's answer to a request it cannot parse: JSON, 4xx (505 for a version with the
        variant "version-505"), connection closed."""
        status = code if 400 <= code < 500 or (code == 505 and self.variants("version-505")) else 400
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"   # so that a status line and headers are written
        if self._fault("oversized-500") and code in (414, 431):
            self.close_connection = True
            self._send(*self._failure(f"the request is too large: {message}"))
            return
        kind = HTTP_REFUSALS.get(status, "SerializationException")
        if self._fault("http-refusals-422"):
            status = 422
        body = json.dumps({envelope.ERROR_TYPE_FIELD: kind, "message": f"Malformed HTTP request: "
                           f"{message or code}"}).encode()
        self.close_connection = self.linger = True   # unread bytes may follow: read them, not reset
        try:
            self.send_response(status)
            for name, value in {**JSON_HEADERS, envelope.REQUEST_ID_HEADER: new_request_id(),
                                envelope.ERROR_TYPE_HEADER: kind,
                                "Content-Length": str(len(body)), "Connection": "close"}.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # the answers the application gives are logged by run_wsgi (requests_log)

    def log(self, type: str, message: str, *args: Any) -> None:
        logger.debug(message, *args)


LARGE_LINE, LARGE_HEADERS = 1 << 20, 1000   # the variant large-header-section's limits
# Refusals HTTP gives a status of their own are typed after it; any other malformed request is a
# SerializationException, which the sources give as a 400 (docs/protocol.md > Errors).
HTTP_REFUSALS = {414: "URITooLong", 417: "ExpectationFailed", 431: "RequestHeaderFieldsTooLarge",
                 505: "HTTPVersionNotSupported"}
_date_cache: list[Any] = [None, ""]     # the second and its Date value (one list: swapped whole)
_VERSION = re.compile(r"HTTP/([0-9]{1,10})\.([0-9]{1,10})")


def _path_info(path: str) -> str:
    """PATH_INFO: the path percent-decoded, its bytes as latin-1 (PEP 3333)."""
    return unquote_to_bytes(path).decode("latin-1") if "%" in path else path


def _http_version(word: str) -> tuple[int, int] | None:
    m = _VERSION.fullmatch(word)
    return (int(m[1]), int(m[2])) if m else None


class _WatchedInput:
    """A request body's input that notes whether the body broke off: fewer bytes than a length
    asked for (``sized``), or a chunked body the de-chunker could not read."""

    def __init__(self, stream: Any, sized: bool) -> None:
        self.stream, self.sized, self.broken = stream, sized, False

    def read(self, size: int = -1) -> bytes:
        try:
            data: bytes = self.stream.read(size)
        except (OSError, ValueError):
            self.broken = True
            raise
        if self.sized and size is not None and size >= 0 and len(data) < size:
            self.broken = True
        return data

    def readline(self, size: int = -1) -> bytes:
        return bytes(self.stream.readline(size))


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
    if not variants:   # none chosen (the default): as the application gave them
        return headers, body
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
