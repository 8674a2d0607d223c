"""awsJson1_1 over HTTP: sends a :class:`~conformance.suite.model.Case` and records the exchange.

One keep-alive ``requests`` session per :class:`Transport`.  Correct requests are signed with
aws-requests-auth over the exact bytes sent (the JSON is serialised once).  The deliberate
signing defects are made by :class:`conformance.suite.signing.Signer`, one table row a mode
(:data:`conformance.suite.signing.MODES`).
A case with ``raw_body`` sends those bytes as they are, with any method, target or Content-Type.
A framing case (``Case.framing``: a request whose HTTP framing is broken on purpose, which
``requests`` cannot send) is written byte for byte over a connection of its own by
:mod:`conformance.suite.framing`, under the same watchdog, cap, retries and redaction.

The endpoint may be hostile: redirects are not followed, at most ``max_response_bytes`` of a
body are read, and a watchdog cuts every exchange at ``timeout`` seconds of wall-clock time (a
server trickling bytes forever cannot hold us).  Transport problems never raise: they become
``Exchange.error``.

The endpoint may also be correct in ways a naive client trips over, and those are absorbed here
(conformance.endpoint.variants proves each): a body in ``Content-Encoding: gzip`` or ``deflate``
is decoded (RFC 9110 > 8.4); a throttling answer (400 ThrottlingException and kin, or 429) or
a passing unavailability (502, 503, 504) is retried after a backoff, as botocore does (never a
500: that is what a crash on some input looks like, and it is judged); a request dropped
unanswered on a *reused* keep-alive connection (the server's idle timeout won the race, RFC 9112
> 9.3.1) is re-sent on a fresh one (unless ``retry_creating_on_stale`` is off and the case could
create a snapshot).
The exchange recorded is the last attempt.

Every exchange is recorded redacted (:mod:`conformance.protocol.redaction`): the request's
signature and session token are masked, and so is any of them or the secret key an answer's
headers or body or a transport error echoes; the request body is kept as sent (it holds no
secret).  Nothing the suite holds afterwards carries a secret.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from conformance.errors import DiscoveryError, UsageError
from conformance.protocol import envelope
from conformance.protocol.credentials import Credentials
from conformance.protocol.envelope import JSON_CONTENT_TYPE, LIST_VOLUMES_TARGET
from conformance.protocol.redaction import Secrets
from conformance.suite import framing
from conformance.suite.model import Case, Exchange, Response, SentRequest
from conformance.suite.signing import Signer
from conformance.version import __version__

_READ_CHUNK = 64 * 1024
# botocore > retries (standard mode): error codes it retries as throttling; HTTP 429 too.
THROTTLING_TYPES = frozenset({"ThrottlingException", "Throttling", "ThrottledException",
                              "RequestThrottledException", "TooManyRequestsException",
                              "RequestLimitExceeded", "SlowDown", "RequestThrottled"})
# botocore > retries (standard mode): transient statuses; 500 is left out on purpose (see above).
TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})
THROTTLE_RETRIES = 4          # attempts after the first one
MAX_BACKOFF_S = 20.0
CUT_POLL_S = 0.05             # after an interrupt, how often exchanges still open are cut again
STALE_RETRIES = 3             # re-sends of a request dropped on a reused connection
# Exceptions that mean "the connection was closed before any answer" (not a timeout).
_CLOSED_UNANSWERED = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                      ConnectionAbortedError)


# ---------------------------------------------------------------------------------------------
# The watchdog: cuts an exchange that outlives its deadline by shutting its socket down
# ---------------------------------------------------------------------------------------------
_current = threading.local()   # .on_connection: callback(conn) for the exchange of this thread


class _TrackedHTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        callback = getattr(_current, "on_connection", None)
        if callback is not None:
            callback(self)
        super().request(*args, **kwargs)


class _TrackedHTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        callback = getattr(_current, "on_connection", None)
        if callback is not None:
            callback(self)
        super().request(*args, **kwargs)


class _TrackedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _TrackedHTTPConnection


class _TrackedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


class _TrackedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _TrackedHTTPPool, "https": _TrackedHTTPSPool}


class _Watchdog:
    """One daemon thread per transport; each sending thread registers a deadline and its connection."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._slots: dict[int, list[Any]] = {}     # thread id -> [deadline, connection, fired]
        self._closed = False
        self._cut_all = False          # interrupted: every exchange, even one armed later, is cut
        self._thread: threading.Thread | None = None

    def _ensure_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sgw-transport-watchdog", daemon=True)
            self._thread.start()

    def arm(self, deadline: float) -> None:
        with self._cond:
            self._ensure_thread()
            self._slots[threading.get_ident()] = [deadline, None, self._cut_all]
            self._cond.notify()

    def attach(self, conn: Any) -> None:
        with self._cond:
            slot = self._slots.get(threading.get_ident())
            if slot is not None:
                slot[1] = conn
                if slot[2]:              # cut before its connection was known
                    _shutdown(conn)

    def disarm(self) -> bool:
        """Stop watching this thread's exchange; True if the watchdog cut it."""
        with self._cond:
            slot = self._slots.pop(threading.get_ident(), None)
        return bool(slot and slot[2])

    def fired(self) -> bool:
        with self._cond:
            slot = self._slots.get(threading.get_ident())
            return bool(slot and slot[2])

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()

    def cut_all(self) -> None:
        """Cut every exchange in flight now (the run was interrupted)."""
        with self._cond:
            self._cut_all = True
            for slot in self._slots.values():
                slot[2] = True
                _shutdown(slot[1])
            self._ensure_thread()
            self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                if self._cut_all:   # again and again: a connection may have been opening at the cut
                    for slot in self._slots.values():
                        _shutdown(slot[1])
                    self._cond.wait(CUT_POLL_S)
                    continue
                now = time.monotonic()
                live = [s for s in self._slots.values() if not s[2]]
                for slot in live:
                    if slot[0] <= now:
                        slot[2] = True
                        _shutdown(slot[1])
                pending = [s[0] for s in live if not s[2]]
                self._cond.wait(min(pending) - now if pending else None)


def _shutdown(conn: Any) -> None:
    sock = getattr(conn, "sock", None)
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def redacted(secrets: Secrets, case: Case, request: SentRequest, response: Response | None = None,
             error: str | None = None) -> Exchange:
    """The exchange as the suite keeps it: every secret masked (the request body is left as sent)."""
    raw = request.raw
    if raw is not None:   # a framing case: every header field as written, masked alike
        masked = (pair for n, v in raw.fields for pair in secrets.headers({n: v}).items())
        raw = replace(raw, fields=tuple(masked))
    sent = SentRequest(request.method, request.url, secrets.headers(request.headers), request.body, raw)
    secrets = secrets.public_in(request.url, request.body)
    if response is not None:
        response = replace(response, headers=secrets.headers(response.headers),
                           body=secrets.body(response.body))
    return Exchange(case, sent, response, secrets.text(error) if error is not None else None)


# ---------------------------------------------------------------------------------------------
# The transport
# ---------------------------------------------------------------------------------------------
class Transport:
    """Sends cases to one endpoint over one keep-alive session; never raises on transport trouble.

    ``timeout`` bounds every exchange from connect to last byte (wall clock); ``total_deadline_s``
    (from construction) bounds them all: once spent, cases are not sent and get an error.
    Safe to share between threads (each thread's exchange is watched separately).
    """

    def __init__(self, endpoint: str, region: str, credentials: Credentials, timeout: float = 5.0,
                 max_response_bytes: int = 1 << 20, total_deadline_s: float | None = None,
                 pool_size: int = 8, throttle_retries: int = THROTTLE_RETRIES,
                 throttle_base_s: float = 0.05, retry_creating_on_stale: bool = True,
                 may_resend_creating: Callable[[Case], bool] | None = None) -> None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"endpoint must be an http:// or https:// URL, not {endpoint!r}")
        self.endpoint = endpoint
        self.path = parts.path or "/"
        self.url = f"{parts.scheme}://{parts.netloc}{self.path}"
        self.host = parts.netloc.rpartition("@")[2]
        self.region = region
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self.throttle_retries, self.throttle_base_s = throttle_retries, throttle_base_s
        self.retry_creating_on_stale = retry_creating_on_stale
        self.may_resend_creating = may_resend_creating   # asked before a creating case is re-sent
        self.retries: dict[str, int] = {"transient": 0, "stale-connection": 0}   # counts, for reports
        self._run_deadline = time.monotonic() + total_deadline_s if total_deadline_s is not None else None
        self._signer = Signer(self.url, self.host, self.path, region, credentials)
        self._secrets = Secrets.of(credentials.secret_key, credentials.session_token)
        self._watchdog = _Watchdog()
        self._aborted = threading.Event()
        self._adapter = _TrackedAdapter(pool_connections=2, pool_maxsize=pool_size, max_retries=0)
        self.session = self._new_session()

    def _new_session(self) -> requests.Session:
        """The keep-alive session (its adapter holds the connection pool every exchange uses)."""
        session = requests.Session()
        session.trust_env = False          # no proxies or netrc from the environment
        session.mount("http://", self._adapter)
        session.mount("https://", self._adapter)
        session.headers = CaseInsensitiveDict()
        return session

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self._watchdog.close()
        self.session.close()

    def abort(self) -> None:
        """Cut the exchanges in flight on other threads (they end at once with an error); nothing
        more is sent, and no backoff is waited out."""
        self._aborted.set()
        self._watchdog.cut_all()

    # -- building -----------------------------------------------------------------------------
    def _headers(self, case: Case, body: bytes) -> dict[str, str]:
        headers = {"Host": self.host, "User-Agent": f"sgw-conformance/{__version__}",
                   "Accept-Encoding": "identity"}
        if case.content_type is not None:
            headers["Content-Type"] = case.content_type
        if case.target is not None:
            headers["X-Amz-Target"] = case.target
        named = {name.lower(): name for name in headers}
        for name, value in self._signer.headers(case.signing, case.method, body, case.target).items():
            same = named.get(name.lower())
            if same is not None and same != name:
                del headers[same]    # a signing mode sending this header under another case of its name
            headers[name] = value
        if body or case.method not in ("GET", "HEAD"):
            headers["Content-Length"] = str(len(body))
        return headers

    def _prepared(self, method: str, headers: dict[str, str], body: bytes) -> requests.PreparedRequest:
        prep = requests.PreparedRequest()
        prep.method = method
        prep.url = self.url
        prep.headers = CaseInsensitiveDict(headers)
        prep.body = body if body or method not in ("GET", "HEAD") else None
        prep.hooks = {"response": []}
        return prep

    # -- sending ------------------------------------------------------------------------------
    def send(self, case: Case) -> Exchange:
        """Send ``case`` and record what went and what came back (errors as strings).

        Throttled or transiently unavailable answers and requests dropped on a reused connection
        are sent again (see the module's docstring); the exchange returned is the last attempt.
        """
        throttled = stale = 0
        while True:
            exchange, dropped = self._attempt(case)
            if dropped and stale < STALE_RETRIES and (self.retry_creating_on_stale or not case.creates) \
                    and self._may_resend(case):
                stale += 1
                self.retries["stale-connection"] += 1
                continue
            wait = self._throttle_wait(exchange.response, throttled)
            if wait is None or not self._may_resend(case):
                return exchange
            throttled += 1
            self.retries["transient"] += 1
            if self._aborted.wait(wait):
                return exchange

    def _attempt(self, case: Case) -> tuple[Exchange, bool]:
        """One signed send; True when it was dropped unanswered on a reused connection."""
        if case.framing is not None:
            return self._framed(case), False
        try:
            body = case.raw_body if case.raw_body is not None else envelope.serialise(case.params)
            headers = self._headers(case, body)
        except (TypeError, ValueError) as exc:
            request = SentRequest(case.method, self.url, {}, b"")
            return redacted(self._secrets, case, request, error=f"request not built: {exc}"), False
        secrets = self._secrets.with_sent(headers)
        request = SentRequest(case.method, self.url, headers, body)
        remaining = self._remaining()
        if remaining is not None and remaining <= 0:
            return redacted(secrets, case, request, error="run time budget spent: request not sent"), False
        if self._aborted.is_set():
            return redacted(secrets, case, request, error="interrupted: request not sent"), False
        budget = self.timeout if remaining is None else min(self.timeout, remaining)
        response, error, dropped = self._exchange(case.method, headers, body, budget)
        return redacted(secrets, case, request, response, error), dropped

    def _framed(self, case: Case) -> Exchange:
        """A framing case (:mod:`conformance.suite.framing`): written over a socket of its own,
        signed over the body a correct server reads."""
        try:
            defect = framing.BY_NAME[case.framing or ""]
            body = case.raw_body if case.raw_body is not None else envelope.serialise(case.params)
            read = framing.signed_body(defect, body)   # the body a correct server reads
            headers = framing.resigned(defect, self._headers(case, read), self._signer.own, case.method, read)
        except (KeyError, TypeError, ValueError) as exc:
            request = SentRequest(case.method, self.url, {}, b"")
            return redacted(self._secrets, case, request, error=f"request not built: {exc!r}")
        raw = framing.build(defect, case.method, self.path, tuple(headers.items()), body,
                            self.url.startswith("https:"))
        secrets = self._secrets.with_sent(headers)
        request = SentRequest(case.method, self.url, raw.joined(), raw.payload, raw)
        remaining = self._remaining()
        if (remaining is not None and remaining <= 0) or self._aborted.is_set():
            why = "interrupted" if self._aborted.is_set() else "run time budget spent"
            return redacted(secrets, case, request, error=f"{why}: request not sent")
        budget = self.timeout if remaining is None else min(self.timeout, remaining)
        self._watchdog.arm(time.monotonic() + budget)
        try:
            response, error = framing.send(self.url, raw, defect, budget, self.max_response_bytes,
                                           self._watchdog.attach, self._watchdog.fired)
        finally:
            self._watchdog.disarm()
        if response is not None and not response.truncated and response.body:
            data, truncated, decode_error = self._decoded(response.headers.get("content-encoding", ""),
                                                          response.body)
            response = replace(response, body=data, truncated=truncated)
            error = error or decode_error
        return redacted(secrets, case, request, response, error)

    def _may_resend(self, case: Case) -> bool:
        """A case that could create a snapshot is sent again only within the caller's budget."""
        return not case.creates or self.may_resend_creating is None or self.may_resend_creating(case)

    def _throttle_wait(self, response: Response | None, attempts: int) -> float | None:
        """Seconds to wait before re-sending a throttled request; None: not throttled, or no retry left."""
        if response is None or attempts >= self.throttle_retries or not is_transient(response):
            return None
        wait = self.throttle_base_s * 2 ** attempts
        after = response.headers.get("retry-after", "").strip()
        if after.isascii() and after.isdigit():
            wait = max(wait, float(after))
        remaining = self._remaining()
        wait = min(wait, MAX_BACKOFF_S)
        return None if remaining is not None and wait >= remaining else wait

    def _remaining(self) -> float | None:
        return None if self._run_deadline is None else self._run_deadline - time.monotonic()

    def _on_connection(self, conn: Any) -> None:
        """Called as a request goes out on ``conn``: watch it, and note whether it is reused."""
        if self._aborted.is_set():
            raise ConnectionAbortedError("interrupted: request not sent")
        conn.sgw_requests = getattr(conn, "sgw_requests", 0) + 1
        _current.reused = conn.sgw_requests > 1
        self._watchdog.attach(conn)

    def _exchange(self, method: str, headers: dict[str, str], body: bytes,
                  budget: float) -> tuple[Response | None, str | None, bool]:
        """(response, error, dropped): dropped = closed unanswered on a reused connection."""
        start = time.monotonic()
        self._watchdog.arm(start + budget)
        _current.on_connection, _current.reused = self._on_connection, False
        try:
            # The adapter directly: no cookies, no hooks, no redirect handling (redirects are answers).
            resp = self._adapter.send(self._prepared(method, headers, body), stream=True,
                                      timeout=(budget, budget), verify=True, proxies=None)
        except Exception as exc:  # every transport failure becomes an error string
            cut = self._watchdog.disarm()
            dropped = not cut and bool(getattr(_current, "reused", False)) and _closed_unanswered(exc)
            return None, _describe(exc, budget, cut), dropped
        finally:
            _current.on_connection = None
        try:
            if self._watchdog.fired():      # cut while the status line or headers trickled in
                resp.close()
                return None, f"no complete answer within {budget:g} s", False
            return (*self._read(resp, start, budget), False)
        finally:
            self._watchdog.disarm()

    def _read(self, resp: requests.Response, start: float, budget: float) -> tuple[Response, str | None]:
        chunks: list[bytes] = []
        size, truncated, error = 0, False, None
        raw = resp.raw
        try:
            while True:
                chunk = raw.read1(_READ_CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > self.max_response_bytes:
                    truncated, error = True, f"response body longer than {self.max_response_bytes} bytes"
                    break
                if time.monotonic() - start > budget:
                    truncated, error = True, f"response body not complete within {budget:g} s"
                    break
        except Exception as exc:  # reset, or the watchdog cut a trickling body
            truncated = True
            fired = self._watchdog.fired()
            error = (f"response body not complete within {budget:g} s" if fired
                     else f"response body cut: {_describe(exc, budget, fired)}")
        if not truncated and self._watchdog.fired():   # the cut looked like the end of the body
            truncated, error = True, f"response body not complete within {budget:g} s"
        data = b"".join(chunks)[: self.max_response_bytes]
        if truncated:
            resp.close()                     # never return a half-read connection to the pool
        else:
            raw.release_conn()
        headers = {k.lower(): v for k, v in resp.headers.items()}
        if not truncated and data:
            data, truncated, error = self._decoded(headers.get("content-encoding", ""), data)
        return Response(resp.status_code, headers, data, truncated, time.monotonic() - start), error

    def _decoded(self, coding: str, data: bytes) -> tuple[bytes, bool, str | None]:
        """The body without its content coding (gzip, deflate), within the read cap.

        A coding this client does not know, or data that does not decode, is left as it came
        (then it is judged as the bytes it is).
        """
        decoder = _decoder(coding.strip().lower())
        if decoder is None:
            return data, False, None
        try:
            out = decoder.decompress(data, self.max_response_bytes + 1)
        except zlib.error:
            return data, False, None
        if len(out) > self.max_response_bytes:
            return out[: self.max_response_bytes], True, \
                f"decoded response body longer than {self.max_response_bytes} bytes"
        return out, False, None

    # -- discovery ----------------------------------------------------------------------------
    def list_volumes(self, max_pages: int = 100) -> list[str]:
        """The ARNs of every volume ListVolumes returns (signed); DiscoveryError on any failure."""
        arns: list[str] = []
        marker: str | None = None
        for _ in range(max_pages):
            params = {"Marker": marker} if marker else {}
            case = Case(rule_id="discovery", signature="ListVolumes", params=params,
                        target=LIST_VOLUMES_TARGET, content_type=JSON_CONTENT_TYPE)
            page = self._volumes_page(self.send(case))
            arns += [v["VolumeARN"] for v in page.get("VolumeInfos") or []
                     if isinstance(v, dict) and isinstance(v.get("VolumeARN"), str)]
            marker = page.get("Marker") if isinstance(page.get("Marker"), str) else None
            if not marker:
                break
        return arns

    def _volumes_page(self, exchange: Exchange) -> dict[str, Any]:
        where = f"ListVolumes on {self.endpoint}"
        if exchange.response is None:
            raise DiscoveryError(f"{where}: {exchange.error}")
        resp = exchange.response
        body = resp.json()
        if resp.status != 200:
            kind = body.get("__type") if isinstance(body, dict) else None
            raise DiscoveryError(f"{where} answered HTTP {resp.status}"
                                 + (f" {envelope.sanitize_error_type(str(kind))}" if kind else ""))
        if not isinstance(body, dict):
            raise DiscoveryError(f"{where} answered 200 with a body that is not a JSON object")
        return body


# (marker in the root cause, description) in order; the first that matches describes the error.
_ERROR_KINDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("BadStatusLine", "InvalidHeader", "LineTooLong", "UnknownProtocol", "HeaderParsingError"),
     "garbage: not an HTTP response"),
    (("Refused",), "connection refused"),
    (("Reset", "RemoteDisconnected", "Aborted", "BrokenPipe", "IncompleteRead", "ProtocolError"),
     "connection reset or closed without a complete answer"),
)


def is_transient(response: Response) -> bool:
    """An answer worth sending again: 429, 502, 503, 504, or a 4xx botocore retries as throttling."""
    if response.status in TRANSIENT_STATUSES:
        return True
    if not 400 <= response.status < 500:
        return False
    body = response.json()
    raw = body.get("__type") if isinstance(body, dict) else None
    return isinstance(raw, str) and envelope.sanitize_error_type(raw) in THROTTLING_TYPES


def _decoder(coding: str) -> Any:
    """A zlib decompressor for a Content-Encoding (gzip, x-gzip, deflate), or None."""
    if coding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if coding == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS)
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and those it wraps (cause, context, a wrapped first argument, urllib3's reason)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo and len(seen) < 20:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        wrapped = [item.__cause__, item.__context__, getattr(item, "reason", None),
                   item.args[0] if item.args else None]
        todo += [w for w in wrapped if isinstance(w, BaseException)]


def _closed_unanswered(exc: BaseException) -> bool:
    return any(isinstance(e, _CLOSED_UNANSWERED) for e in _chain(exc))


def _describe(exc: BaseException, budget: float, cut_by_watchdog: bool) -> str:
    """A one-line description of a transport failure (never a secret: no headers in it)."""
    if cut_by_watchdog:
        return f"no complete answer within {budget:g} s"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"connect timeout after {budget:g} s"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return f"read timeout: no answer within {budget:g} s"
    text = _root_cause(exc)
    for markers, description in _ERROR_KINDS:
        if any(m in text for m in markers):
            return f"{description} ({text})"
    return f"transport error: {text}"




def _root_cause(exc: BaseException) -> str:
    """The innermost exception's class and message, one line."""
    seen = exc
    for _ in range(10):
        nxt = seen.__cause__ or seen.__context__ or (seen.args[0] if seen.args and isinstance(
            seen.args[0], BaseException) else None)
        reason = getattr(seen, "reason", None)
        if isinstance(reason, BaseException):
            nxt = reason
        if nxt is None or nxt is seen:
            break
        seen = nxt
    message = " ".join(str(seen).split())[:200]
    return f"{type(seen).__name__}: {message}" if message else type(seen).__name__

