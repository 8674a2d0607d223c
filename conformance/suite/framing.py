"""HTTP/1.1 message framing defects (RFC 9112 section 6), as data, and the raw sender that sends them.

``requests`` frames every request correctly, so a request whose framing is wrong cannot be sent
through it.  Each :class:`Defect` is one way of breaking the framing of an otherwise valid,
correctly signed CreateSnapshot request: a body without Content-Length or Transfer-Encoding, a
Content-Length longer, shorter, not a number, negative or given twice, a chunked body with a bad
chunk size, without its last chunk or with a chunk longer than declared, both Content-Length and
Transfer-Encoding, a version HTTP/1.1 servers do not speak, a request line that breaks its grammar
(no version, HTTP/0.9's form, a lower-case version or method); correct requests in forms every
HTTP/1.1 server must read: with ``Expect: 100-continue``, a chunked body, an absolute-form
target, written in several parts, a signed header in several field lines; and sizes RFC 9112
leaves to the server (a long request line, header line or header section: served or a 4xx).
The signature covers the bytes a correct server reads as the body (RFC 9112 > 6.3: none without
a length, the declared length when it is shorter; the body meant when the message is broken), so
that the framing is the only defect.

:func:`send` writes the request with :meth:`RawRequest.wire` over a new connection (TLS for
https), then shuts its sending side unless the defect keeps it open (a correct server has then
seen all it will get: a hang until the timeout is a failure), and reads one answer with
``http.client``, skipping interim ``100 Continue`` answers, under the transport's cap and
wall-clock watchdog; an answer cut before its Content-Length is marked truncated.  A TLS connection
cannot be half-closed and still read (Python's ssl module drops the session on shutdown), so on
https the client does not shut its side and a server still waiting at the timeout is not judged.
:func:`unanswered` judges an exchange that got no answer at all: a closed connection is an
answer the rule allows for a malformed request, never for a valid one.
"""

from __future__ import annotations

import http.client
import io
import select
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from conformance.suite.model import ANY_TYPE, Exchange, Outcome, RawRequest, Response
from conformance.suite.rules import ANY_4XX, SERVED_OR_NOT_FOUND, SUCCESS

FRAMING_RULE = "envelope.http-framing"
EXPECT_RULE = "accept.expect-continue"
FORMS_RULE = "accept.http-forms"
URI_RULE = "accept.canonical-uri"
VALID_RULE = "accept.valid-request"
CLOSED = "connection closed without an answer"
NO_ANSWER = "no answer within"
EXPECT_WAIT_S = 1.0     # how long the client waits for "100 Continue" before sending the body anyway
_READ_CHUNK = 64 * 1024
# RFC 9110 > 15.6.6: 505 is the status for a major version the server does not support.
VERSION_REFUSED = (*ANY_4XX, Outcome(frozenset({505}), ANY_TYPE))
SUCCESS_OR_4XX = (*SUCCESS, *ANY_4XX)
# RFC 9110 > 15.5.12: a server that needs a length refuses a chunked body with 411 (Length Required).
SUCCESS_OR_411 = (*SUCCESS, Outcome(frozenset({411}), ANY_TYPE))

PIECE_PAUSE_S = 0.02    # between the parts of a request written in pieces
FIELDS = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Framed:
    """How one defect sends a body: the version, the framing header fields, the bytes after the
    header block, and the body the signature covers."""

    version: str
    fields: FIELDS
    payload: bytes
    signed: bytes


@dataclass(frozen=True)
class Defect:
    name: str
    sends: str                                   # what is sent, in words
    rule: str
    allowed: tuple[Outcome, ...]
    frame: Callable[[bytes], Framed]
    expect: bool = False         # Expect: 100-continue: the head first, the body after 100 (or a wait)
    half_close: bool = True      # the client shuts its sending side once the request is out
    may_close: bool = True       # a connection closed without any answer is acceptable
    thorough_only: bool = False  # sent by the thorough profile only
    in_quick: bool = False       # sent by the quick profile too
    point: str | None = None     # a case-level disputed point (conformance.suite.rules.DISPUTES)
    absolute: bool = False       # the request target in absolute form (scheme://host/path)
    pieces: int = 0              # written in this many parts, PIECE_PAUSE_S apart (0: at once)
    target: str | None = None    # the request target sent and signed (path and query; None: the endpoint's)
    repeat: tuple[str, ...] = ()  # REPEATED_HEADER sent once per value, signed as the values joined by ','
    method: str | None = None    # the method on the request line, and signed (None: the case's)
    lead: str = ""               # what comes before the request line (empty lines)
    first_line: str = ""         # a header line written as is, first after the request line


def _chunked(body: bytes, last: bool = True) -> bytes:
    return b"%X\r\n%s\r\n" % (len(body), body) + (b"0\r\n\r\n" if last else b"")


def _length(n: int | str) -> FIELDS:
    return (("Content-Length", str(n)),)


_CHUNKED: FIELDS = (("Transfer-Encoding", "chunked"),)
# aws4_testsuite get-header-value-order: a header given in several field lines is signed as its
# values in the order received, joined by commas (RFC 9110 > 5.3 makes the two forms one field).
REPEATED_HEADER = "X-Sgw-Probe"
REPEATED_VALUES = ("value4", "value1", "value3", "value2")
LONG, MANY = 70_000, 120    # past the 64 KiB line and the 100 fields many servers read (http.client's)
V11 = "HTTP/1.1"

DEFECTS: tuple[Defect, ...] = (
    Defect("no-length", "a body without Content-Length or Transfer-Encoding (its length is zero: the "
           "body bytes are the next request)", FRAMING_RULE, ANY_4XX,
           lambda b: Framed(V11, (), b, b""), in_quick=True),
    Defect("no-length-open", "a body without Content-Length or Transfer-Encoding, the client's side left "
           "open: its length is zero (RFC 9112 > 6.3), so waiting for more is a hang", FRAMING_RULE, ANY_4XX,
           lambda b: Framed(V11, (), b, b""), half_close=False, in_quick=True),
    Defect("length-over", "Content-Length 16 bytes more than the body, then the client's side closed",
           FRAMING_RULE, ANY_4XX, lambda b: Framed(V11, _length(len(b) + 16), b, b), in_quick=True),
    Defect("length-under", "Content-Length one byte less than the body (the JSON cut before its last "
           "brace; the brace is the next request)", FRAMING_RULE, ANY_4XX,
           lambda b: Framed(V11, _length(len(b) - 1), b, b[:-1])),
    Defect("length-not-a-number", "Content-Length in hexadecimal (0x...), not a decimal byte count",
           FRAMING_RULE, ANY_4XX, lambda b: Framed(V11, _length(hex(len(b))), b, b)),
    Defect("length-negative", "Content-Length -1", FRAMING_RULE, ANY_4XX,
           lambda b: Framed(V11, _length(-1), b, b)),
    Defect("length-twice", "two Content-Length fields that disagree (the body's length and one more)",
           FRAMING_RULE, ANY_4XX, lambda b: Framed(V11, (*_length(len(b)), *_length(len(b) + 1)), b, b)),
    Defect("chunk-size-bad", "Transfer-Encoding: chunked with a chunk size that is not hexadecimal",
           FRAMING_RULE, ANY_4XX,
           lambda b: Framed(V11, _CHUNKED, b"zz\r\n" + b + b"\r\n0\r\n\r\n", b), in_quick=True),
    Defect("chunk-last-missing", "Transfer-Encoding: chunked without the last (zero) chunk, then the "
           "client's side closed", FRAMING_RULE, ANY_4XX,
           lambda b: Framed(V11, _CHUNKED, _chunked(b, last=False), b), in_quick=True),
    Defect("chunk-overlong", "Transfer-Encoding: chunked with a chunk 4 bytes longer than its size",
           FRAMING_RULE, ANY_4XX,
           lambda b: Framed(V11, _CHUNKED, b"%X\r\n%s\r\n0\r\n\r\n" % (len(b) - 4, b), b)),
    Defect("chunked-and-length", "Transfer-Encoding: chunked and a Content-Length (of the unchunked "
           "body): read as chunked, or refused", FRAMING_RULE, SUCCESS_OR_4XX,
           lambda b: Framed(V11, (*_CHUNKED, *_length(len(b))), _chunked(b), b), point="framing-open"),
    Defect("request-line-extra-word", "a request line of four words (POST / extra HTTP/1.1): "
           "method, target and version are the only three", FRAMING_RULE, ANY_4XX,
           lambda b: Framed("extra HTTP/1.1", _length(len(b)), b, b)),
    Defect("version-2", "HTTP/2.0 on the request line of an HTTP/1.1 message", FRAMING_RULE,
           VERSION_REFUSED, lambda b: Framed("HTTP/2.0", _length(len(b)), b, b), in_quick=True,
           point="framing-open"),
    Defect("version-3", "HTTP/3.0 on the request line of an HTTP/1.1 message", FRAMING_RULE,
           VERSION_REFUSED, lambda b: Framed("HTTP/3.0", _length(len(b)), b, b), point="framing-open"),
    Defect("expect-continue", "a valid request with Expect: 100-continue, the body sent after the "
           f"100 (or after {EXPECT_WAIT_S:g} s)", EXPECT_RULE, SUCCESS_OR_4XX,
           lambda b: Framed(V11, (*_length(len(b)), ("Expect", "100-continue")), b, b),
           expect=True, half_close=False, may_close=False, in_quick=True),
    # -- well formed, in forms every HTTP/1.1 server must read (RFC 9112 > 3.2.2, 7.1) ----------
    Defect("chunked", "a valid request whose body is sent in one chunk (Transfer-Encoding: chunked): "
           "served, or refused with 411 by a server that needs a length", FORMS_RULE, SUCCESS_OR_411,
           lambda b: Framed(V11, _CHUNKED, _chunked(b), b), may_close=False, in_quick=True),
    Defect("split-writes", "a valid request written in four parts 20 ms apart, the head cut inside a "
           "line (TCP carries a stream: the parts are one message)", VALID_RULE, SUCCESS,
           lambda b: Framed(V11, _length(len(b)), b, b), may_close=False, pieces=4),
    Defect("absolute-target", "a valid request whose target is in absolute form "
           "(POST http://<host>/ HTTP/1.1)", FORMS_RULE, SUCCESS_OR_4XX,
           lambda b: Framed(V11, _length(len(b)), b, b), may_close=False, in_quick=True, absolute=True),
    # -- targets SigV4 canonicalises (aws4_testsuite get-relative, get-slashes, query order) ----
    Defect("target-dot-segment", "a valid request to /./ (its canonical URI is /)", URI_RULE,
           SERVED_OR_NOT_FOUND, lambda b: Framed(V11, _length(len(b)), b, b), may_close=False,
           in_quick=True, target="/./"),
    Defect("target-parent-segment", "a valid request to /sgw/.. (its canonical URI is /)", URI_RULE,
           SERVED_OR_NOT_FOUND, lambda b: Framed(V11, _length(len(b)), b, b), may_close=False,
           target="/sgw/.."),
    Defect("target-query-unsorted", "a valid request to /?b=2&a=1 (its canonical query is a=1&b=2)",
           URI_RULE, SERVED_OR_NOT_FOUND, lambda b: Framed(V11, _length(len(b)), b, b), may_close=False,
           in_quick=True, target="/?b=2&a=1"),
    Defect("header-repeated", f"a valid request with a signed header in {len(REPEATED_VALUES)} field lines "
           f"({REPEATED_HEADER}: {', '.join(REPEATED_VALUES)}), signed as the values joined in order",
           "accept.canonical-headers", SUCCESS, lambda b: Framed(V11, _length(len(b)), b, b),
           may_close=False, in_quick=True, repeat=REPEATED_VALUES),
    # -- the request line's grammar (RFC 9112 > 2.2, 3: method SP request-target SP HTTP-version) --
    Defect("request-line-no-version", "a request line without its version (POST /)", FRAMING_RULE,
           ANY_4XX, lambda b: Framed("", _length(len(b)), b, b), in_quick=True),
    Defect("request-line-0.9", "a request line in HTTP/0.9's form (GET /), no version", FRAMING_RULE,
           ANY_4XX, lambda b: Framed("", _length(len(b)), b, b), method="GET"),
    Defect("version-lower-case", "the version written http/1.1 (the name HTTP is case-sensitive)",
           FRAMING_RULE, ANY_4XX, lambda b: Framed("http/1.1", _length(len(b)), b, b)),
    Defect("method-lower-case", "the method written post (a method is case-sensitive: RFC 9110 > 9.1)",
           "envelope.method", ANY_4XX, lambda b: Framed(V11, _length(len(b)), b, b), method="post"),
    Defect("empty-lines-first", "a valid request after two empty lines (RFC 9112 > 2.2: a server "
           "should ignore at least one): served, or refused", FRAMING_RULE, SUCCESS_OR_4XX,
           lambda b: Framed(V11, _length(len(b)), b, b), lead="\r\n\r\n", point="framing-open"),
    # -- the header section's grammar (RFC 9112 > 5: field-name ":" OWS field-value OWS) --------
    Defect("header-line-no-colon", "a header line that is a bare token (X-Sgw-Probe, no colon) before "
           "the others", FRAMING_RULE, ANY_4XX, lambda b: Framed(V11, _length(len(b)), b, b),
           first_line="X-Sgw-Probe"),
    Defect("header-name-space", "whitespace between a header's name and its colon (X-Sgw-Probe : 1) "
           "before the others: RFC 9112 > 5.1 has it refused with 400", FRAMING_RULE, ANY_4XX,
           lambda b: Framed(V11, _length(len(b)), b, b), first_line="X-Sgw-Probe : 1", in_quick=True),
    # -- sizes RFC 9112 leaves to the server (a line, the header section): read, or refused ----
    Defect("target-long", f"a valid request whose target is {LONG:,} characters long (a query signed as "
           "sent): served, or refused with a 4xx (414)", FRAMING_RULE, SUCCESS_OR_4XX,
           lambda b: Framed(V11, _length(len(b)), b, b), point="framing-open", target="/?pad=" + "a" * LONG),
    Defect("header-long", f"a valid request with an unsigned header of {LONG:,} characters: served, or "
           "refused with a 4xx (431)", FRAMING_RULE, SUCCESS_OR_4XX,
           lambda b: Framed(V11, (*_length(len(b)), ("X-Sgw-Padding", "a" * LONG)), b, b),
           point="framing-open"),
    Defect("headers-many", f"a valid request with {MANY} more unsigned header fields: served, or refused "
           "with a 4xx (431)", FRAMING_RULE, SUCCESS_OR_4XX,
           lambda b: Framed(V11, (*_length(len(b)), *((f"X-Sgw-Pad-{i}", "1") for i in range(MANY))), b, b),
           point="framing-open", in_quick=True),
    # -- thorough ---------------------------------------------------------------------------
    Defect("length-list", "Content-Length as a list of two different counts in one field",
           FRAMING_RULE, ANY_4XX, lambda b: Framed(V11, _length(f"{len(b)}, {len(b) + 1}"), b, b),
           thorough_only=True),
    Defect("chunk-size-huge", "Transfer-Encoding: chunked with a chunk size of 2^80 - 1, then the "
           "client's side closed", FRAMING_RULE, ANY_4XX,
           lambda b: Framed(V11, _CHUNKED, b"F" * 20 + b"\r\n" + b, b), thorough_only=True),
    Defect("chunk-size-negative", "Transfer-Encoding: chunked with a chunk size -1", FRAMING_RULE, ANY_4XX,
           lambda b: Framed(V11, _CHUNKED, b"-1\r\n" + b + b"\r\n0\r\n\r\n", b), thorough_only=True),
)
BY_NAME: dict[str, Defect] = {d.name: d for d in DEFECTS}
assert len(BY_NAME) == len(DEFECTS), "defect names must be unique"


def for_profile(profile: str) -> tuple[Defect, ...]:
    """The defects a profile sends: every one in thorough, the thorough-only ones left out of ci,
    a few in quick."""
    if profile == "quick":
        return tuple(d for d in DEFECTS if d.in_quick)
    return tuple(d for d in DEFECTS if profile == "thorough" or not d.thorough_only)


def build(defect: Defect, method: str, path: str, fields: FIELDS, body: bytes, tls: bool) -> RawRequest:
    """The request of ``defect``: the request line, ``fields`` (signed over ``frame(body).signed``,
    by the caller), the framing fields, ``Connection: close``, and the payload."""
    framed = defect.frame(body)
    kept = tuple((n, v) for n, v in fields if n.lower() not in ("content-length", "transfer-encoding"))
    if defect.target is not None:
        path = defect.target
    if defect.absolute:   # the authority is the Host the request is signed for
        host = next((v for n, v in fields if n.lower() == "host"), "")
        path = f"{'https' if tls else 'http'}://{host}{path}"
    fields = (*kept, *framed.fields, ("Connection", "close"))
    if defect.repeat:   # the one signed field, joined, written as one line per value
        fields = tuple(pair for name, value in fields for pair in (
            [(name, v) for v in defect.repeat] if name == REPEATED_HEADER else [(name, value)]))
    return RawRequest(f"{method} {path} {framed.version}", fields, framed.payload,
                      half_closed=defect.half_close and not tls, lead=defect.lead, first=defect.first_line)


def resigned(defect: Defect, headers: dict[str, str], own: Callable[..., dict[str, str]], method: str,
             read: bytes) -> dict[str, str]:
    """``headers`` signed again (with ``own``, the signer's own SigV4) over what the defect sends
    beyond the case: its target and its added fields."""
    extra = signed_extra(defect)
    if defect.target is None and not extra:
        return headers
    lower = {name.lower(): value for name, value in extra.items()}
    signed = own(method, read, None, ["host", "x-amz-date", *lower], lower, path=defect.target)
    kept = {n: v for n, v in headers.items() if n.lower() not in {k.lower() for k in signed}}
    return {**kept, **signed, **extra}


def signed_extra(defect: Defect) -> dict[str, str]:
    """Header fields the defect adds, signed (a repeated one as its values joined by commas)."""
    return {REPEATED_HEADER: ",".join(defect.repeat)} if defect.repeat else {}


def signed_body(defect: Defect, body: bytes) -> bytes:
    return defect.frame(body).signed


# --- sending --------------------------------------------------------------------------------

def _send_in_pieces(sock: socket.socket, wire: bytes, pieces: int) -> None:
    """``wire`` in ``pieces`` writes of about equal size, each its own segment, PIECE_PAUSE_S apart."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    size = -(-len(wire) // pieces)
    for i in range(0, len(wire), size):
        if i:
            time.sleep(PIECE_PAUSE_S)
        sock.sendall(wire[i:i + size])


class _Conn:
    """What the transport's watchdog cuts: an object with the exchange's socket as ``sock``."""

    def __init__(self) -> None:
        self.sock: socket.socket | None = None


class _Source:
    """``http.client.HTTPResponse`` takes a socket and calls its ``makefile``: this one hands it
    the reader the client already read from."""

    def __init__(self, reader: io.BufferedIOBase) -> None:
        self.reader = reader

    def makefile(self, mode: str) -> io.BufferedIOBase:
        return self.reader


class _Replayed(io.RawIOBase):
    """A status line already read, then the rest of the answer."""

    def __init__(self, first: bytes, rest: io.BufferedIOBase) -> None:
        self.first, self.rest = first, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.first:
            n = min(len(buffer), len(self.first))
            buffer[:n], self.first = self.first[:n], self.first[n:]
            return n
        data = self.rest.read1(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _connect(url: str, budget: float, conn: _Conn) -> socket.socket:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    sock = socket.create_connection((parts.hostname or "", port), timeout=budget)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if parts.scheme == "https":
        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=parts.hostname)
    conn.sock = sock
    return sock


def _interim(reader: io.BufferedIOBase, sock: socket.socket, wait: float) -> bytes | None:
    """After an Expect head: None when 100 Continue came (or nothing within ``wait``: send the
    body), else the status line of a final answer that came instead."""
    pending = getattr(sock, "pending", lambda: 0)()
    if not pending and not select.select([sock], [], [], wait)[0]:
        return None
    line = reader.readline(65537)
    if not line:
        raise http.client.RemoteDisconnected("closed before any answer")
    parts = line.split(None, 2)
    if len(parts) >= 2 and parts[1] == b"100":
        while reader.readline(65537) not in (b"\r\n", b"\n", b""):
            pass   # the interim answer's header fields
        return None
    return line


def send(url: str, raw: RawRequest, defect: Defect, budget: float, max_bytes: int,
         attach: Callable[[Any], None], fired: Callable[[], bool]) -> tuple[Response | None, str | None]:
    """Write ``raw`` to a new connection and read one answer: (response, error); never raises.

    ``attach`` gives the connection to the transport's watchdog (which shuts it at the
    deadline), ``fired`` says whether it did."""
    start = time.monotonic()
    conn = _Conn()
    sock: socket.socket | None = None
    try:
        attach(conn)
        sock = _connect(url, budget, conn)
        reader: io.BufferedIOBase = sock.makefile("rb")   # type: ignore[assignment]
        wire = raw.wire()
        first: bytes | None = None
        if defect.expect:
            head_end = len(wire) - len(raw.payload)
            sock.sendall(wire[:head_end])
            first = _interim(reader, sock, min(EXPECT_WAIT_S, budget))
            if first is None:
                sock.sendall(raw.payload)
        elif defect.pieces:
            _send_in_pieces(sock, wire, defect.pieces)
        else:
            sock.sendall(wire)
        if raw.half_closed:
            sock.shutdown(socket.SHUT_WR)
        if first is not None:
            reader = io.BufferedReader(_Replayed(first, reader))
        resp = http.client.HTTPResponse(_Source(reader), method=raw.line.split(" ", 1)[0])  # type: ignore[arg-type]
        resp.begin()
        return _read(resp, start, budget, max_bytes, fired)
    except Exception as exc:  # every transport failure becomes an error string
        return None, _describe(exc, budget, fired())
    finally:
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass


def _read(resp: http.client.HTTPResponse, start: float, budget: float, max_bytes: int,
          fired: Callable[[], bool]) -> tuple[Response, str | None]:
    chunks: list[bytes] = []
    size, truncated, error = 0, False, None
    try:
        while size <= max_bytes:
            chunk = resp.read1(_READ_CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            truncated, error = True, f"response body longer than {max_bytes} bytes"
        elif resp.length:   # the connection closed in order before the declared length
            truncated = True
            error = (f"response body cut: the connection closed after {size} of the {size + resp.length} "
                     "bytes its Content-Length declares")
    except Exception as exc:  # reset, or the watchdog cut a trickling body
        truncated = True
        error = (f"response body not complete within {budget:g} s" if fired()
                 else f"response body cut: {_describe(exc, budget, False)}")
    if not truncated and fired():
        truncated, error = True, f"response body not complete within {budget:g} s"
    headers: dict[str, str] = {}
    for name, value in resp.getheaders():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    body = b"".join(chunks)[:max_bytes]
    return Response(resp.status, headers, body, truncated, time.monotonic() - start), error


def _describe(exc: BaseException, budget: float, cut: bool) -> str:
    text = f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}".rstrip(": ")
    if cut or isinstance(exc, TimeoutError | socket.timeout):
        return f"{NO_ANSWER} {budget:g} s"
    if isinstance(exc, http.client.RemoteDisconnected | ConnectionResetError | BrokenPipeError
                  | ConnectionAbortedError | http.client.IncompleteRead):
        return f"{CLOSED} ({text})"
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused ({text})"
    if isinstance(exc, http.client.HTTPException):
        return f"garbage: not an HTTP response ({text})"
    return f"transport error: {text}"


# --- judging an exchange without an answer ---------------------------------------------------

def unanswered(exchange: Exchange) -> str | None:
    """Why a framing case's exchange that got no answer breaks its rule (None: it does not)."""
    defect = BY_NAME.get(exchange.case.framing or "")
    error = exchange.error or "no answer"
    if defect is None:
        return f"no HTTP answer: {error}"
    raw = exchange.request.raw
    if error.startswith(CLOSED):
        return None if defect.may_close else f"the connection was closed without an answer to a valid " \
                                              f"request ({defect.name}): {error}"
    if error.startswith(NO_ANSWER):
        if defect.half_close and not (raw is not None and raw.half_closed):
            return None   # the client could not shut its side (TLS): the server may still be waiting
        side = "the client had closed its side" if defect.half_close else "RFC 9112 > 6.3 gives it no body"
        return (f"{error} although the request was complete and {side} ({defect.name}): a hang, neither "
                "an answer nor a close")
    return f"no HTTP answer ({defect.name}): {error}"
