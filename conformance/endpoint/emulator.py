"""The reference endpoint: an AWS-faithful CreateSnapshot server, and ``sgw-conformance serve``.

It speaks awsJson1_1 over werkzeug's threaded HTTP/1.1 server (keep-alive, TCP_NODELAY) and
answers as PROTOCOL.md describes AWS, in this order: method (non-POST: 404
UnknownOperationException) -> X-Amz-Target -> body size -> SigV4 authentication -> body
parse -> validation (:mod:`conformance.endpoint.validation`, constraints from ``schemas/``) ->
the volume's existence (:mod:`conformance.endpoint.store`).  Every answer carries
``x-amzn-RequestId`` and ``Content-Type: application/x-amz-json-1.1``; every error is a
JSON body with ``__type`` and ``message`` (plus ``error.errorCode`` for the modelled
errors), whatever the request looked like.

Emulator choices where AWS is not documented (each disputed or unobservable):
  * any Content-Type is accepted (AWS answers a foreign one with 404; PROTOCOL.md: disputed);
  * an empty body is the empty input ``{}`` (so: ValidationException for the missing members);
  * a body over 1 MiB is refused before it is read, with 400 InvalidGatewayRequestException,
    errorCode MaximumContentLengthExceeded (an enum value of the model), and the connection
    is closed after the answer;
  * a JSON body nested deeper than 100 levels is a SerializationException;
  * an unknown volume is always VolumeNotFound (GatewayNotFound is kept for ListVolumes);
  * the request time window is 15 minutes both ways (the documented one; AWS live uses 5);
  * any session token is accepted for the known key unless one is configured;
  * an HTTP request too broken to reach the application (bad request line, bad version,
    oversized headers) gets a 4xx JSON SerializationException instead of http.server's HTML.

Faults (:mod:`conformance.endpoint.faults`) are consulted where they change a decision: routing, the
Content-Type, SigV4, body parsing, a screen before validation (null and unknown members, tag
count), the schemas' constraints, the store, and the answer's headers; "astral-connection-drop"
makes the HTTP handler close the connection without any answer.

Variants (:data:`conformance.faults.VARIANTS`) are conformant alternatives to the defaults above
(403 authentication errors, namespaced error types, a strict Content-Type, HTTP/1.0 or chunked
answers, ...); they are consulted at the same decision points, and the HTTP ones in the handler.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hmac
import json
import logging
import os
import re
import selectors
import signal
import socket
import sqlite3
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from conformance.endpoint.faults import PARTITIONS, SERVICE_NAMESPACE, FaultSet, VariantSet, variant_listing
from conformance.endpoint.faults import listing as fault_listing
from conformance.endpoint.store import Store, Volume
from conformance.endpoint.validation import Invalid, RequestValidator, WrongType
from conformance.errors import UsageError
from conformance.protocol import credentials, envelope, sigv4
from conformance.spec import javaregex, schemas

logger = logging.getLogger("conformance.endpoint.emulator")

SEED_ACCOUNT = "111122223333"           # API_CreateSnapshot.md > Examples
SEED_GATEWAY_ID = "sgw-12A3456B"
SEED_VOLUME_ID = "vol-1122AABB"
MAX_BODY_BYTES = 1024 * 1024            # issue 3: bodies over 1 MiB are refused unread
MAX_JSON_DEPTH = 100
CLOCK_WINDOW = timedelta(minutes=15)    # PROTOCOL.md > Errors: 15 min documented, 5 live
LIVE_CLOCK_WINDOW = timedelta(minutes=5)   # variant "five-minute-clock-window"
THROTTLE_EVERY = 25                     # variants "throttling", ...: every 25th request is refused
# Variants of the group "busy": the answer to every THROTTLE_EVERY-th authenticated request.
BUSY_ANSWERS: dict[str, tuple[str, str, int]] = {
    "throttling": ("ThrottlingException", "Rate exceeded", 400),
    "throttling-429": ("TooManyRequestsException", "Too many requests", 429),
    "service-unavailable": ("ServiceUnavailable", "The request has failed due to a temporary failure "
                                                  "of the server.", 503),
}
IDLE_TIMEOUT_S = 60                     # an idle keep-alive connection is closed after this
LINGER_S, LINGER_BYTES = 3.0, 64 * 1024 * 1024
DEFAULT_LIST_LIMIT = 100
MODELLED_ERRORS = frozenset({"InvalidGatewayRequestException", "InternalServerError",
                             "ServiceUnavailableError"})   # API_CreateSnapshot.md > Errors
JSON_HEADERS = {"Content-Type": envelope.JSON_CONTENT_TYPE}
REQUEST_ID_HEADER = "x-amzn-RequestId"
# Variant "auth-403": the Common Errors page's names for two authentication errors.
COMMON_ERROR_NAMES = {"MissingAuthenticationTokenException": "MissingAuthenticationToken",
                      "UnrecognizedClientException": "InvalidClientTokenId"}
CORAL_NAMESPACE = "com.amazon.coral.service"    # variant "fully-qualified-type": framework errors
# Variant "fully-qualified-type": the namespace of X-Amzn-ErrorType's suffix, where not the body's.
HEADER_NAMESPACES = {"ValidationException": "com.amazon.coral.validate"}
_CLOSE_KEY = "sgw.close-connection"     # environ flag: body left unread, close after answering
_DROP_KEY = "sgw.drop-connection"       # environ flag (fault): close the connection, answer nothing
_AMZ_DATE = re.compile(r"^[0-9]{8}T[0-9]{6}Z$")
_ASCII_DIGITS = re.compile(r"^[0-9]{1,30}$")


def seeded_gateway_arn(region: str, partition: str = "aws") -> str:
    return f"arn:{partition}:storagegateway:{region}:{SEED_ACCOUNT}:gateway/{SEED_GATEWAY_ID}"


def seeded_volume_arn(region: str, partition: str = "aws") -> str:
    return f"{seeded_gateway_arn(region, partition)}/volume/{SEED_VOLUME_ID}"


@dataclass(eq=False)
class ApiError(Exception):
    """An error answer: the AWS type, message, status, and errorCode for modelled errors."""

    type: str
    message: str
    status: int = 400
    code: str | None = None
    details: dict[str, str] = field(default_factory=dict)


@dataclass(eq=False)
class PlainAnswer(Exception):
    """An answer that is not a JSON error (variants: a strict Content-Type, non-POST methods)."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _error(type_: str, message: str, **kw: Any) -> ApiError:
    return ApiError(type_, message, **kw)


def _volume_not_found(arn: str) -> ApiError:
    return ApiError("InvalidGatewayRequestException", "The specified volume was not found.",
                    code="VolumeNotFound", details={"volumeARN": arn})


def _gateway_not_found(arn: str) -> ApiError:
    return ApiError("InvalidGatewayRequestException", "The specified gateway was not found.",
                    code="GatewayNotFound", details={"gatewayARN": arn})


def _invalid_signature(message: str) -> ApiError:
    return ApiError("InvalidSignatureException", message)


def _missing_authentication() -> ApiError:
    return ApiError("MissingAuthenticationTokenException",
                    "The request carries no Authorization header; SigV4 authentication is required")


def _internal_failure(message: str) -> ApiError:
    """A crash as a server would answer it (used by the faults that model one)."""
    return ApiError("InternalFailure", message, 500)


class Unanswered(Exception):
    """Fault "astral-connection-drop": the worker dies; the connection is closed unanswered."""


def _amz_time(when: datetime) -> str:
    return when.strftime(sigv4.AMZ_DATE_FORMAT)


# ---------------------------------------------------------------------------------------------
# SigV4 verification (PROTOCOL.md > The request; > Errors)
# ---------------------------------------------------------------------------------------------
class SigV4Verifier:
    """Checks a request's SigV4 signature; raises :class:`ApiError` with AWS's error type."""

    def __init__(self, region: str, credentials: credentials.Credentials, faults: FaultSet,
                 service: str = envelope.SERVICE, window: timedelta = CLOCK_WINDOW,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 variants: VariantSet | None = None) -> None:
        self.region, self.credentials, self.faults = region, credentials, faults
        self.service, self.window, self.clock = service, window, clock
        self.variants = variants or VariantSet()

    def verify(self, request: Request, body: bytes) -> None:
        try:
            self._verify(request, body)
        except ApiError as err:
            if self.variants("auth-403"):   # the Common Errors page's names and status
                raise ApiError(COMMON_ERROR_NAMES.get(err.type, err.type), err.message, 403) from None
            raise

    def _verify(self, request: Request, body: bytes) -> None:
        header = request.headers.get("Authorization")
        if header is None:
            if self.faults("auth-optional"):
                return
            raise _missing_authentication()
        auth = self._parse(header)
        amz_date = self._amz_date(request)
        if "host" not in auth.signed_headers and not self.faults("host-unsigned-accepted"):
            raise _error("IncompleteSignatureException", "The host header must be among the SignedHeaders")
        self._check_key(auth, request)
        self._check_scope(auth, amz_date)
        self._check_clock(amz_date)
        self._check_signature(auth, request, amz_date, self._payload_hash(request, body))

    def _parse(self, header: str) -> sigv4.Authorization:
        try:
            return sigv4.parse_authorization(header)
        except sigv4.MalformedAuthorization as exc:
            if self.faults("malformed-auth-as-missing"):
                raise _missing_authentication() from None
            raise _error("IncompleteSignatureException", f"Malformed Authorization header: {exc}") from None

    @staticmethod
    def _amz_date(request: Request) -> str:
        value = request.headers.get("X-Amz-Date", "").strip()
        if not _AMZ_DATE.match(value):
            raise _error("IncompleteSignatureException",
                         "A signed request needs an X-Amz-Date header in the form YYYYMMDDTHHMMSSZ")
        try:
            datetime.strptime(value, sigv4.AMZ_DATE_FORMAT)
        except ValueError:
            raise _error("IncompleteSignatureException", f"X-Amz-Date is not a valid time: {value}") from None
        return value

    def _check_key(self, auth: sigv4.Authorization, request: Request) -> None:
        if auth.access_key != self.credentials.access_key:
            if self.faults("unknown-key-as-signature"):
                raise _invalid_signature("The signature computed by the server does not match the one "
                                         "provided")
            raise _error("UnrecognizedClientException", "The access key id in the request is not known")
        wanted = self.credentials.session_token
        if wanted is not None and request.headers.get("X-Amz-Security-Token") != wanted:
            raise _error("UnrecognizedClientException", "The security token in the request is not valid")

    def _check_scope(self, auth: sigv4.Authorization, amz_date: str) -> None:
        if auth.terminator != "aws4_request":
            raise _invalid_signature(f"Credential should be scoped with the terminator 'aws4_request', "
                                     f"not '{auth.terminator}'")
        if not self.faults("scope-unchecked"):
            if auth.service != self.service and not self.faults("scope-service-unchecked"):
                raise _invalid_signature(f"Credential should be scoped to the service '{self.service}', "
                                         f"not '{auth.service}'")
            if auth.region != self.region:
                raise _invalid_signature(f"Credential should be scoped to the region '{self.region}', "
                                         f"not '{auth.region}'")
        if auth.datestamp != amz_date[:8] and not self.faults("scope-date-unchecked"):
            raise _invalid_signature(f"Date in the credential scope ({auth.datestamp}) does not match "
                                     f"the date of X-Amz-Date ({amz_date[:8]})")

    def _check_clock(self, amz_date: str) -> None:
        if self.faults("clock-skew-unchecked"):
            return
        when = datetime.strptime(amz_date, sigv4.AMZ_DATE_FORMAT).replace(tzinfo=UTC)
        now = self.clock()
        minutes = int(self.window.total_seconds() // 60)
        kind = "RequestExpired" if self.variants("request-expired") else "InvalidSignatureException"
        if when < now - self.window:
            raise ApiError(kind, f"Signature expired: {amz_date} is now earlier than "
                                 f"{_amz_time(now - self.window)} ({_amz_time(now)} - {minutes} min.)")
        if when > now + self.window and not self.faults("future-dates-accepted"):
            raise ApiError(kind, f"Signature not yet current: {amz_date} is still later than "
                                 f"{_amz_time(now + self.window)} ({_amz_time(now)} + {minutes} min.)")

    def _payload_hash(self, request: Request, body: bytes) -> str:
        declared = request.headers.get("X-Amz-Content-Sha256")
        if declared and self.faults("payload-unchecked"):
            return declared.strip()          # the fault: the client's word for the body's hash
        actual = sigv4.sha256_hex(body)      # always the body actually received
        if declared is not None and declared.strip().lower() != actual:
            raise _invalid_signature("The x-amz-content-sha256 header does not match the body received")
        return actual

    def _check_signature(self, auth: sigv4.Authorization, request: Request, amz_date: str,
                         payload_hash: str) -> None:
        if self.faults("signature-unchecked"):
            return
        raw = request.environ.get("RAW_URI") or request.environ.get("PATH_INFO") or "/"
        path, _, query = raw.partition("?")
        if "://" in path:  # absolute-form request target: keep the path part
            path = "/" + path.split("://", 1)[1].partition("/")[2]
        headers = {name: request.headers.get(name, "") for name in auth.signed_headers}
        if self.faults("signed-headers-unread"):   # a signed Content-Type taken as expected, not read
            headers.update({k: v for k, v in _ASSUMED_SIGNED_VALUES.items() if k in headers})
        names = auth.signed_headers
        if self.faults("signed-headers-fixed"):    # the client's SignedHeaders list not followed
            names = tuple(n for n in _FIXED_SIGNED_HEADERS if n in names or n != "x-amz-security-token")
        canonical = sigv4.canonical_request(request.method, path, query, headers, names, payload_hash)
        expected = sigv4.signature(self.credentials.secret_key, amz_date, auth.scope, canonical)
        if not _digests_equal(expected, auth.signature):
            raise _invalid_signature("The signature computed by the server does not match the one provided; "
                                     "check the secret access key and the signing method")


# The fault signed-headers-unread: a signed Content-Type canonicalised with the value a correct client
# sends, not the value received.
_ASSUMED_SIGNED_VALUES = {"content-type": envelope.JSON_CONTENT_TYPE}
# The fault signed-headers-fixed: these are canonicalised (the token only when signed), nothing else.
_FIXED_SIGNED_HEADERS = ("host", "x-amz-date", "x-amz-security-token")


def _digests_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


# ---------------------------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------------------------
class BodyTooLarge(Exception):
    """The declared or streamed body exceeds MAX_BODY_BYTES (left unread)."""


def read_body(request: Request) -> bytes:
    """The request body, capped: raises BodyTooLarge (unread) or ApiError (unreadable)."""
    declared = request.headers.get("Content-Length")
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if declared is not None and not chunked:
        length = byte_count(declared)
        if length is None:
            raise _error("SerializationException", f"Content-Length is not a byte count: {declared!r}")
        if length > MAX_BODY_BYTES:
            raise BodyTooLarge()
    chunks: list[bytes] = []
    received = 0
    try:
        while received <= MAX_BODY_BYTES:
            chunk = request.stream.read(min(256 * 1024, MAX_BODY_BYTES + 1 - received))
            if not chunk:
                break
            chunks.append(chunk)
            received += len(chunk)
    except (OSError, ValueError, HTTPException):
        raise _error("SerializationException", "The request body could not be read in full") from None
    if received > MAX_BODY_BYTES:
        raise BodyTooLarge()
    return b"".join(chunks)


def byte_count(text: str) -> int | None:
    """A non-negative decimal in ASCII digits (str.isdigit also takes '²'), else None."""
    text = text.strip()
    return int(text) if _ASCII_DIGITS.match(text) else None


def _json_depth_exceeds(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _upper_snake(code: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", code).upper()


# Faults that answer a null member before validation: fault -> (member, the answer it gets).
# (Correct: a null member is absent, so a required one is a ValidationException.)
NULL_MEMBER_FAULTS: dict[str, tuple[str, Callable[[], ApiError]]] = {
    "null-tags-rejected": ("Tags", lambda: _error(
        "SerializationException", "Member 'tags' must be of type array, not null")),
    "null-volume-arn-serialization-error": ("VolumeARN", lambda: _error(
        "SerializationException", "Member 'volumeARN' must be of type string, not null")),
    "null-description-500": ("SnapshotDescription", lambda: _internal_failure(
        "'NoneType' object has no len()")),
}
_TAG_VALUE_PATTERN = schemas.load("Tag")["properties"]["Value"]["pattern"]   # the committed one
_TAG_MEMBERS = frozenset(schemas.load("Tag")["properties"])
# Variants "unknown-member-*": the error type that refuses a member the API does not define.
UNKNOWN_MEMBER_ANSWERS = {"unknown-member-validation": "ValidationException",
                          "unknown-member-serialization": "SerializationException"}


def _arn_account(arn: str) -> str:
    """The account field of an ARN (the fifth ':'-separated one), '' if there is none."""
    parts = arn.split(":", 5)
    return parts[4] if len(parts) > 5 else ""


def _unknown_members(params: dict[str, Any], members: Iterable[str]) -> list[str]:
    """Non-null members of the body, or of its tags, that the API does not define (AWS's paths)."""
    known = set(members)
    found = [k[:1].lower() + k[1:] for k, v in params.items() if k not in known and v is not None]
    tags = params.get("Tags")
    for i, tag in enumerate(tags if isinstance(tags, list) else []):
        if isinstance(tag, dict):
            found += [f"tags.{i + 1}.member.{k[:1].lower() + k[1:]}" for k, v in tag.items()
                      if k not in _TAG_MEMBERS and v is not None]
    return found


def _has_astral(text: str) -> bool:
    return any(ord(ch) > 0xFFFF for ch in text)


def _stored_strings(params: dict[str, Any]) -> list[str]:
    tags = params.get("Tags") or []
    return [params.get("SnapshotDescription", ""), *(str(v) for t in tags for v in t.values())]


def _not_echoed(arn: str) -> str:
    """Fault "volume-arn-not-echoed": a lower-cased ARN (or, if already lower, the volume id upper)."""
    if arn.lower() != arn:
        return arn.lower()
    head, _, volume = arn.rpartition("/volume/")
    return f"{head}/volume/{volume.upper()}"


class Emulator:
    """The WSGI application: routing, authentication, validation, operations, error answers."""

    def __init__(self, region: str, credentials: credentials.Credentials, faults: FaultSet, store: Store,
                 variants: VariantSet | None = None) -> None:
        self.region, self.faults, self.store = region, faults, store
        self.variants = variants = variants or VariantSet()
        window = LIVE_CLOCK_WINDOW if variants("five-minute-clock-window") else CLOCK_WINDOW
        self.verifier = SigV4Verifier(region, credentials, faults, window=window, variants=variants)
        self.validators = {"CreateSnapshot": RequestValidator("CreateSnapshotRequest", faults, variants),
                           "ListVolumes": RequestValidator("ListVolumesRequest", faults, variants)}
        self.operations: dict[str, Callable[[Any], dict[str, Any]]] = {
            envelope.CREATE_SNAPSHOT_TARGET: self.create_snapshot,
            envelope.LIST_VOLUMES_TARGET: self.list_volumes,
        }
        self._first_snapshot_id: str | None = None
        self._id_lock = threading.Lock()
        self._served = 0     # requests past authentication (variant "throttling")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self.handle(request)
        except Exception:  # a bug of ours: logged, answered as JSON (tests assert it never happens)
            logger.exception("internal failure answering %s %s", request.method, request.path)
            response = self.error_response(ApiError("InternalFailure", "The server failed to answer", 500))
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        try:
            body = self.receive(request)
            operation = self.route(request)
            self.check_content_type(request)
            self.verifier.verify(request, body)
            self.throttle()
            result = operation(self.parse(body))
        except ApiError as err:
            return self.error_response(err, close=bool(request.environ.get(_CLOSE_KEY)))
        except PlainAnswer as answer:
            return self.plain_response(answer, close=bool(request.environ.get(_CLOSE_KEY)))
        except Unanswered:
            request.environ[_DROP_KEY] = True
            return Response(b"", status=500)   # never sent: the handler closes the connection
        return self.success_response(result)

    def receive(self, request: Request) -> bytes:
        """The body; a body left unread (too large, unreadable) closes the connection after the answer."""
        try:
            return read_body(request)
        except BodyTooLarge:
            request.environ[_CLOSE_KEY] = True
            self.route(request)   # method and target are still checked first
            raise ApiError("InvalidGatewayRequestException",
                           f"The request body exceeds the maximum of {MAX_BODY_BYTES} bytes",
                           code="MaximumContentLengthExceeded") from None
        except ApiError:
            request.environ[_CLOSE_KEY] = True
            raise

    def route(self, request: Request) -> Callable[[Any], dict[str, Any]]:
        if request.method != "POST" and not self.faults("method-ignored"):
            raise self.method_refusal(request.method)
        target = request.headers.get("X-Amz-Target")
        if target is None:
            if self.faults("target-missing-accepted"):
                return self.create_snapshot
            raise self.target_error("MissingAction", "The request has no X-Amz-Target header")
        operation = self.operations.get(target.strip())
        if operation is None and self.faults("target-service-ignored"):
            by_name = {t.rsplit(".", 1)[-1]: op for t, op in self.operations.items()}
            operation = by_name.get(target.strip().rsplit(".", 1)[-1])
        if operation is None:
            raise self.target_error("InvalidAction", f"Unknown operation: {target}")
        return operation

    def method_refusal(self, method: str) -> Exception:
        """A non-POST request's answer: 404 UnknownOperationException, or a variant's."""
        if self.variants("method-405"):
            return PlainAnswer(405, b"Method Not Allowed", {"Allow": "POST", "Content-Type": "text/plain"})
        if self.variants("method-404-plain"):
            return PlainAnswer(404, b"Not Found", {"Content-Type": "text/plain"})
        status = 400 if self.variants("method-400") else 404
        return ApiError("UnknownOperationException", f"Method {method} is not supported", status)

    def target_error(self, guide_type: str, message: str) -> ApiError:
        """A missing or unknown X-Amz-Target: 400 UnknownOperationException, or a variant's answer."""
        if self.variants("user-guide-action-errors"):
            return ApiError(guide_type, message)
        status = 404 if self.variants("unknown-operation-404") else 400
        return ApiError("UnknownOperationException", message, status)

    def check_content_type(self, request: Request) -> None:
        """Any Content-Type is served (disputed), unless a variant or a fault refuses the foreign ones."""
        media_type = request.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if media_type != envelope.JSON_CONTENT_TYPE and self.variants("strict-content-type"):
            # AWS's answer (PROTOCOL.md > Errors): 404, a body that is not JSON, no Content-Type
            raise PlainAnswer(404, b"<UnknownOperationException/>", {REQUEST_ID_HEADER: str(uuid.uuid4())})
        if (media_type != envelope.JSON_CONTENT_TYPE
                and self.faults("foreign-content-type-serialization-error")):
            raise _error("SerializationException", f"Cannot read a body of type {media_type or '(none)'}")

    def throttle(self) -> None:
        """Variants "throttling", ...: every THROTTLE_EVERY-th authenticated request is refused."""
        busy = [answer for name, answer in BUSY_ANSWERS.items() if self.variants(name)]
        if not busy:
            return
        with self._id_lock:
            self._served += 1
            refused = self._served % THROTTLE_EVERY == 0
        if refused:
            type_, message, status = busy[0]
            raise ApiError(type_, message, status)

    def parse(self, body: bytes) -> Any:
        if not body.strip():
            if self.faults("empty-body-500"):
                raise _internal_failure("Expecting value: line 1 column 1 (char 0)")
            if self.variants("empty-body-serialization"):
                raise _error("SerializationException", "The request body is empty: a JSON object is expected")
            return {}
        status = 500 if self.faults("bad-json-500") else 400
        try:
            value = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise ApiError("SerializationException", f"The body is not valid JSON: {exc}", status) from None
        if not isinstance(value, dict):
            if self.faults("non-object-body-as-empty"):
                return {}
            raise _error("SerializationException", "The request body must be a JSON object")
        if _json_depth_exceeds(value, MAX_JSON_DEPTH):
            raise _error("SerializationException", f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        return value

    def _validated(self, operation: str, params: Any) -> Any:
        try:
            return self.validators[operation].validated(params)
        except WrongType as exc:
            raise _error("SerializationException", str(exc)) from None
        except Invalid as exc:
            if self.variants("invalid-parameters"):
                raise ApiError("InvalidGatewayRequestException", str(exc), code="InvalidParameters",
                               details={"reason": exc.violations[0].constraint}) from None
            raise _error("ValidationException", str(exc)) from None

    # -- operations ------------------------------------------------------------------------------
    def create_snapshot(self, params: Any) -> dict[str, Any]:
        if isinstance(params, dict):
            self._screen(params)
            self._refuse_unknown_members(params)
        params = self._validated("CreateSnapshot", params)
        self._store_faults(params)
        arn = params.get("VolumeARN", "")   # always there, unless a fault left it optional
        self._authorise(arn)
        if self.store.volume(arn) is None and not self.faults("unknown-volume-accepted"):
            gateway = arn.rpartition("/volume/")[0]
            if self.variants("gateway-not-found") and not self.store.gateway_exists(gateway):
                raise _gateway_not_found(gateway)
            raise _volume_not_found(arn)
        digits = (10 if self.faults("snapshot-id-wrong-form")
                  else 17 if self.variants("long-snapshot-ids") else 8)
        snapshot_id = self.store.create_snapshot(arn, params.get("SnapshotDescription", ""),
                                                 params.get("Tags", []), digits)
        if self.variants("upper-case-snapshot-ids"):
            snapshot_id = "snap-" + snapshot_id[len("snap-"):].upper()
        if self.faults("snapshot-id-repeated"):
            with self._id_lock:
                snapshot_id = self._first_snapshot_id = self._first_snapshot_id or snapshot_id
        echoed = _not_echoed(arn) if self.faults("volume-arn-not-echoed") else arn
        result: dict[str, Any] = {"VolumeARN": echoed, "SnapshotId": snapshot_id}
        if self.variants("extra-response-members"):   # members a later API version might add
            result.update(SnapshotDescription=params.get("SnapshotDescription", ""),
                          Tags=params.get("Tags", []), VolumeRecoveryPointTime=time.time())
        return result

    def _authorise(self, arn: str) -> None:
        """Variant "foreign-account-access-denied": IAM refuses a resource of an account it does not serve."""
        if not self.variants("foreign-account-access-denied"):
            return
        accounts = {_arn_account(v.arn) for v in self.store.volumes()}
        if _arn_account(arn) not in accounts:
            raise _error("AccessDeniedException",
                         f"User: arn:aws:iam::{SEED_ACCOUNT}:user/conformance is not authorized to perform: "
                         f"storagegateway:CreateSnapshot on resource: {arn}")

    def _refuse_unknown_members(self, params: dict[str, Any]) -> None:
        """Variants "unknown-member-*": a member the API does not define is refused."""
        for variant, type_ in UNKNOWN_MEMBER_ANSWERS.items():
            if self.variants(variant):
                unknown = _unknown_members(params, self.validators["CreateSnapshot"].schema["properties"])
                if unknown:
                    raise _error(type_, f"Unknown member '{unknown[0]}' in the request")

    def _screen(self, params: dict[str, Any]) -> None:
        """Faults that answer a request body before it is validated."""
        for fault, (member, answer) in NULL_MEMBER_FAULTS.items():
            if self.faults(fault) and member in params and params[member] is None:
                raise answer()
        schema = self.validators["CreateSnapshot"].schema["properties"]
        if self.faults("unknown-member-500") and set(params) - set(schema):
            raise _internal_failure("__init__() got an unexpected keyword argument")
        tags = params.get("Tags")
        if self.faults("too-many-tags-exception") and isinstance(tags, list) \
                and len(tags) > int(schema["Tags"].get("maxItems", len(tags))):
            raise _error("TooManyTagsException", f"At most {schema['Tags']['maxItems']} tags are allowed")

    def _store_faults(self, params: dict[str, Any]) -> None:
        """Faults of the snapshot store, reached by valid (or fault-validated) requests."""
        if self.faults("tag-value-pattern-500") and any(
                not javaregex.java_fullmatch(_TAG_VALUE_PATTERN, str(t.get("Value", "")))
                for t in params.get("Tags") or []):
            raise ApiError("InternalServerError", "The snapshot store refused a tag value", 500,
                           code="InternalError")
        if self.faults("astral-connection-drop") and any(map(_has_astral, _stored_strings(params))):
            raise Unanswered()

    def list_volumes(self, params: Any) -> dict[str, Any]:
        params = self._validated("ListVolumes", params)
        gateway_arn = params.get("GatewayARN")
        if gateway_arn is not None and not self.store.gateway_exists(gateway_arn):
            raise _gateway_not_found(gateway_arn)
        volumes = self.store.volumes(gateway_arn)
        start = _marker_offset(params.get("Marker"), len(volumes))
        end = start + int(params.get("Limit", DEFAULT_LIST_LIMIT))   # JSON 2.0 is an integer too
        result: dict[str, Any] = {"VolumeInfos": [_volume_info(v) for v in volumes[start:end]]}
        if gateway_arn is not None:
            result["GatewayARN"] = gateway_arn
        if end < len(volumes):
            result["Marker"] = str(end)
        return result

    # -- answers ---------------------------------------------------------------------------------
    def success_response(self, result: dict[str, Any]) -> Response:
        return self._json_response(200, result, {})

    def error_response(self, err: ApiError, close: bool = False) -> Response:
        status = err.status
        if err.type == "ValidationException" and self.faults("validation-500"):
            status = 500
        body_type, header_type = self.error_type_names(err.type)
        message_key = "Message" if self.variants("capital-message") else "message"
        modelled = err.type in MODELLED_ERRORS
        message = None if self.variants("null-message") and not modelled else err.message
        body: dict[str, Any] = {"__type": body_type, message_key: message}
        headers = {} if self.variants("no-error-type-header") else {"X-Amzn-ErrorType": header_type}
        if err.code is not None and modelled:
            code = _upper_snake(err.code) if self.faults("error-code-invalid") else err.code
            body["error"] = {"errorCode": code} if self.variants("errors-without-details") \
                else {"errorCode": code, "errorDetails": err.details}
        if self.faults("error-type-header-mismatch"):
            headers["X-Amzn-ErrorType"] = "InternalServerError" if err.type != "InternalServerError" \
                else "ValidationException"
        if self.faults("error-without-type"):
            body.pop("__type")
            headers.pop("X-Amzn-ErrorType", None)
        request_id = str(uuid.uuid4())
        if self.variants("extra-response-members"):
            body.update(RequestId=request_id, Retryable=err.type == "ThrottlingException")
        if close:
            headers["Connection"] = "close"
        return self._json_response(status, body, headers, request_id)

    def error_type_names(self, type_: str) -> tuple[str, str]:
        """The error type as the body's __type and as X-Amzn-ErrorType give it."""
        if not self.variants("fully-qualified-type"):
            return type_, type_
        namespace = SERVICE_NAMESPACE if type_ in MODELLED_ERRORS or type_ == "ValidationException" \
            else CORAL_NAMESPACE
        suffix = HEADER_NAMESPACES.get(type_, namespace)
        return f"{namespace}#{type_}", f"{type_}:http://internal.amazon.com/coral/{suffix}/"

    def plain_response(self, answer: PlainAnswer, close: bool = False) -> Response:
        """A variant's answer that is not JSON (the HTTP variants still apply in the handler)."""
        headers = dict(answer.headers)
        if close:
            headers["Connection"] = "close"
        response = Response(answer.body, status=answer.status, headers=headers)
        if "Content-Type" not in answer.headers:
            del response.headers["Content-Type"]   # AWS's <UnknownOperationException/> names no type
        return response

    def _json_response(self, status: int, body: dict[str, Any], headers: dict[str, str],
                       request_id: str | None = None) -> Response:
        headers = {**JSON_HEADERS, REQUEST_ID_HEADER: request_id or str(uuid.uuid4()), **headers}
        if self.faults("plain-json-content-type"):
            headers["Content-Type"] = "application/json"
        if self.faults("request-id-missing"):
            del headers[REQUEST_ID_HEADER]
        if self.variants("json-formatting"):   # lone surrogates become \\udcxx escapes: still JSON
            text = json.dumps(dict(reversed(body.items())), ensure_ascii=False, indent=2)
            data = text.encode("utf-8", "backslashreplace")
        else:
            data = json.dumps(body).encode("utf-8")
        if self.variants("extra-response-headers"):
            headers.update({"Content-Type": headers["Content-Type"] + "; charset=utf-8",
                            "x-amz-crc32": str(zlib.crc32(data)), "Vary": "Origin",
                            "x-amz-id-2": base64.b64encode(os.urandom(24)).decode("ascii")})
        if self.variants("amz-request-id") and REQUEST_ID_HEADER in headers:
            headers["x-amz-request-id"] = headers.pop(REQUEST_ID_HEADER)
        return Response(data, status=status, headers=headers)


def _marker_offset(marker: str | None, total: int) -> int:
    if marker is None:
        return 0
    offset = byte_count(marker)
    if offset is None or offset > total:
        raise ApiError("InvalidGatewayRequestException",
                       f"The marker is not one this endpoint issued: {marker}", code="InvalidParameters")
    return offset


def _volume_info(volume: Volume) -> dict[str, Any]:
    return {"VolumeARN": volume.arn, "VolumeId": volume.volume_id, "GatewayARN": volume.gateway_arn,
            "GatewayId": volume.gateway_id, "VolumeType": volume.volume_type,
            "VolumeSizeInBytes": volume.size_bytes, "VolumeAttachmentStatus": "ATTACHED"}


# ---------------------------------------------------------------------------------------------
# HTTP: werkzeug's threaded server with keep-alive, TCP_NODELAY and JSON-only answers
# ---------------------------------------------------------------------------------------------
class _Handler(WSGIRequestHandler):
    """werkzeug's handler, kept alive between requests, answering every request in JSON.

    werkzeug's own ``run_wsgi`` closes every connection and polls the socket after each
    answer; the application here always reads the body it is given (or asks for the
    connection to be closed), so the connection can be reused.
    """

    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT_S
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without TCP_NODELAY the second waits for
        # the client's delayed ACK (~40 ms) and a keep-alive client stalls near 25 req/s.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.linger = False
        self.served = 0
        self.variants = self.server.emulator.variants
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
        length = byte_count(self.headers.get("Content-Length", ""))
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
        answer: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer["status"], answer["headers"] = status, headers
            return lambda data: None

        chunks = self.server.app(environ, start_response)
        body = b"".join(chunks)
        getattr(chunks, "close", lambda: None)()
        if environ.get(_DROP_KEY):       # a fault: no status line, no headers, the connection closed
            self.close_connection = True
            return
        self.linger = bool(environ.get(_CLOSE_KEY))
        headers, body = http_variants(self.variants, answer["headers"], body)
        try:
            self.send_status(int(answer["status"].split(None, 1)[0]))
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
        body = json.dumps({"__type": "SerializationException",
                           "message": f"Malformed HTTP request: {message or code}"}).encode()
        self.close_connection = True
        try:
            self.send_response(status)
            for name, value in {**JSON_HEADERS, "x-amzn-RequestId": str(uuid.uuid4()),
                                "X-Amzn-ErrorType": "SerializationException",
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


class _Server(ThreadedWSGIServer):
    """werkzeug's threaded server that knows its open connections (to close them on stop)."""

    daemon_threads = True

    def __init__(self, host: str, port: int, app: Emulator, fd: int) -> None:
        super().__init__(host, port, app, handler=_Handler, fd=fd)
        self.emulator = app
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


def _listening_socket(host: str, port: int) -> socket.socket:
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


# ---------------------------------------------------------------------------------------------
# The in-process endpoint (contract: HELPERS.md > the reference endpoint in-process)
# ---------------------------------------------------------------------------------------------
class ReferenceEndpoint:
    """The reference endpoint on a real socket, served from a daemon thread (a context manager)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, region: str | None = None,
                 faults: Iterable[str] = (), state: str | os.PathLike[str] | None = None,
                 credentials: credentials.Credentials = credentials.EXAMPLE_CREDENTIALS,
                 volumes: Iterable[str] = (), variants: Iterable[str] = ()) -> None:
        self.faults = FaultSet(faults)
        self.variants = VariantSet(variants)
        partition, home = next((PARTITIONS[v] for v in sorted(self.variants.names) if v in PARTITIONS),
                               ("aws", "us-east-2"))
        region = region or home    # us-east-2 (the reference's example) unless a partition variant's
        self.host, self.port, self.region, self.credentials = host, port, region, credentials
        self.state = os.fspath(state) if state is not None else None
        self.gateway_arn = seeded_gateway_arn(region, partition)
        self.volume_arn = seeded_volume_arn(region, partition)
        self.volume_arns = tuple(dict.fromkeys((self.volume_arn, *volumes)))
        self.url = ""
        self.store: Store | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ReferenceEndpoint:
        """Listen (raises OSError if the address is taken) and serve in a daemon thread."""
        if self._server is not None:
            return self
        store = Store(self.state)
        for arn in self.volume_arns:
            store.add_volume(arn)
        try:
            sock = _listening_socket(self.host, self.port)
        except OSError:
            store.close()
            raise
        with sock:   # the server keeps its own duplicate of the descriptor
            app = Emulator(self.region, self.credentials, self.faults, store, self.variants)
            self._server = _Server(self.host, self.port, app, sock.fileno())
        self.store, self.port = store, self._server.port
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{shown}:{self.port}/"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"sgw-reference-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close open connections, wait for the serving thread, close the store."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.store is not None:
            self.store.close()

    def signed_headers(self, body: bytes, target: str | None = envelope.CREATE_SNAPSHOT_TARGET,
                       **sign_args: Any) -> dict[str, str]:
        """Headers of a correctly signed awsJson1_1 POST of ``body`` to this endpoint.

        ``sign_args`` go to :func:`conformance.sigv4.sign` (e.g. ``when=`` or ``secret=``);
        its ``extra_headers`` are signed and included.
        """
        host = self.url.split("://", 1)[1].rstrip("/")
        args: dict[str, Any] = {"access_key": self.credentials.access_key,
                                "secret": self.credentials.secret_key,
                                "region": self.region, "service": envelope.SERVICE, **sign_args}
        headers = {"Content-Type": envelope.JSON_CONTENT_TYPE}
        if target is not None:
            headers["X-Amz-Target"] = target
        extra = dict(sign_args.get("extra_headers") or {})
        headers = {k: v for k, v in headers.items() if k.lower() not in {e.lower() for e in extra}}
        return {**headers, **extra, **sigv4.sign("POST", "/", host, body, **args)}

    def __enter__(self) -> ReferenceEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        faults, variants = sorted(self.faults.names), sorted(self.variants.names)
        return (f"ReferenceEndpoint(url={self.url!r}, region={self.region!r}, faults={faults}, "
                f"variants={variants})")


# ---------------------------------------------------------------------------------------------
# `sgw-conformance serve` (contract: HELPERS.md > the CLI)
# ---------------------------------------------------------------------------------------------
_REGION = re.compile(r"^[a-z0-9-]+$")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    parser.add_argument("--region", help="region of the endpoint (default us-east-2, or the partition "
                                         "variant's)")
    parser.add_argument("--state", metavar="FILE", help="SQLite file keeping the state across restarts "
                                                        "(default: in memory)")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME",
                        help="inject a named fault (repeatable; see --list-faults)")
    parser.add_argument("--list-faults", action="store_true", help="list the injectable faults and exit")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME",
                        help="answer in a conformant way other than the default (repeatable; see "
                             "--list-variants)")
    parser.add_argument("--list-variants", action="store_true", help="list the conformant variants and exit")
    parser.add_argument("--volume", action="append", default=[], metavar="ARN",
                        help="add a volume (and its gateway) besides the seeded one (repeatable)")
    parser.add_argument("--access-key", help="access key id to accept (env SGW_ACCESS_KEY_ID; "
                                             "default the documented example AKIDEXAMPLE)")
    parser.add_argument("--secret-key", help="its secret (env SGW_SECRET_ACCESS_KEY, preferred: "
                                             "a flag is visible to other local users)")


def _credentials(args: argparse.Namespace) -> tuple[credentials.Credentials, str]:
    """The key pair in use, and where the secret came from (never the secret itself)."""
    access = args.access_key or os.environ.get("SGW_ACCESS_KEY_ID")
    secret, origin = args.secret_key, "--secret-key"
    if secret is None and os.environ.get("SGW_SECRET_ACCESS_KEY"):
        secret, origin = os.environ["SGW_SECRET_ACCESS_KEY"], "SGW_SECRET_ACCESS_KEY"
    if access is None and secret is None:
        return credentials.EXAMPLE_CREDENTIALS, "the documented example secret"
    if not access or not secret:
        raise UsageError("give both an access key id and a secret key (flags or SGW_ACCESS_KEY_ID / "
                         "SGW_SECRET_ACCESS_KEY), or neither for the documented example pair")
    return credentials.Credentials(access, secret), f"from {origin}"


def _check_volumes(arns: Iterable[str], variants: VariantSet | None = None) -> list[str]:
    validator = RequestValidator(variants=variants)
    for arn in arns:
        problems = validator.violations({"VolumeARN": arn, "SnapshotDescription": "x"})
        if problems:
            raise UsageError(f"--volume {arn!r} is not a valid volume ARN: {problems[0].constraint}")
    return list(arns)


def _banner(endpoint: ReferenceEndpoint, secret_origin: str) -> Iterator[str]:
    yield "sgw-conformance reference endpoint (Storage Gateway CreateSnapshot, ListVolumes)"
    yield f"  url:        {endpoint.url}"
    yield f"  region:     {endpoint.region}"
    yield f"  access key: {endpoint.credentials.access_key}"
    yield f"  secret key: {secret_origin} (not shown)"
    for arn in endpoint.volume_arns:
        yield f"  volume:     {arn}"
    yield f"  state:      {endpoint.state or 'in memory'}"
    yield f"  variants:   {', '.join(sorted(endpoint.variants.names)) or 'none'}"
    yield f"  faults:     {', '.join(sorted(endpoint.faults.names)) or 'none'}"
    yield "Ctrl-C or SIGTERM stops it."


def command(args: argparse.Namespace) -> int:
    if args.list_faults:
        print(fault_listing())
        return 0
    if args.list_variants:
        print(variant_listing())
        return 0
    faults, variants = FaultSet(args.fault), VariantSet(args.variant)
    if args.region is not None and not _REGION.match(args.region):
        raise UsageError(f"--region {args.region!r} is not a region name")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be 0 (any free port) to 65535, not {args.port}")
    credentials, secret_origin = _credentials(args)
    endpoint = ReferenceEndpoint(args.host, args.port, args.region, faults.names, args.state,
                                 credentials, _check_volumes(args.volume, variants), variants.names)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stop = threading.Event()   # handlers first: a signal arriving right after the banner still stops us
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        _serve_until(endpoint, secret_origin, stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def _serve_until(endpoint: ReferenceEndpoint, secret_origin: str, stop: threading.Event) -> None:
    try:
        endpoint.start()
    except OSError as exc:
        raise UsageError(f"cannot serve on {endpoint.host}:{endpoint.port}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:   # a state file that cannot be used
        raise UsageError(f"cannot open the state {endpoint.state!r}: {exc}") from None
    print("\n".join(_banner(endpoint, secret_origin)), flush=True)
    while not stop.wait(0.5):
        pass
    endpoint.stop()
    print("stopped", flush=True)


if __name__ == "__main__":  # python -m conformance.endpoint.emulator: the same as `sgw-conformance serve`
    _parser = argparse.ArgumentParser(prog="sgw-conformance serve")
    configure(_parser)
    sys.exit(command(_parser.parse_args()))
