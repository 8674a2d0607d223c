"""The reference endpoint's WSGI application: routing, the envelope's checks in order, the answers.

A request is answered as docs/protocol.md describes AWS, in this order: method (non-POST: 404
UnknownOperationException) -> X-Amz-Target -> body size -> SigV4 authentication
(:mod:`conformance.endpoint.auth`) -> body parse -> the operation
(:mod:`conformance.endpoint.backend`: validation, then the store).  Every answer carries
``x-amzn-RequestId`` and ``Content-Type: application/x-amz-json-1.1``; every error is a JSON
body with ``__type`` and ``message`` (plus ``error.errorCode`` for the modelled errors),
whatever the request looked like.

Choices where AWS is not documented (each disputed or unobservable):
  * any Content-Type is accepted (AWS answers a foreign one with 404; docs/protocol.md > Disputed points);
  * an empty body is the empty input ``{}`` (so: ValidationException for the missing members);
  * a body over 1 MiB is refused before it is read, with 400 InvalidGatewayRequestException,
    errorCode MaximumContentLengthExceeded (an enum value of the model), and the connection
    is closed after the answer;
  * a JSON body nested deeper than 100 levels is a SerializationException;
  * the request time window is 15 minutes both ways (the documented one; AWS live uses 5);
  * any session token is accepted for the known key unless one is configured.

Faults (:mod:`conformance.endpoint.faults`) and variants (:mod:`conformance.endpoint.variants`)
are consulted where they change a decision: here routing, the Content-Type, body parsing and
the answer's body and headers.  The application tells its server (:mod:`conformance.endpoint.http`)
through the WSGI environ when a connection must be closed (:data:`CLOSE_KEY`) or dropped
unanswered (:data:`DROP_KEY`).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import threading
import zlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from werkzeug.exceptions import HTTPException

from conformance.endpoint.auth import SigV4Verifier, clock_window
from conformance.endpoint.backend import Backend, Operation
from conformance.endpoint.errors import (
    CORAL_NAMESPACE,
    HEADER_NAMESPACES,
    MODELLED_ERRORS,
    ApiError,
    PlainAnswer,
    Unanswered,
    internal_failure,
    serialization_error,
)
from conformance.endpoint.exchange import Answer, Incoming, from_environ, new_request_id
from conformance.endpoint.faults import FaultSet
from conformance.endpoint.lenient import escaped_names, lenient_loads
from conformance.endpoint.store import Store
from conformance.endpoint.validation import ascii_decimal
from conformance.endpoint.variants import SERVICE_NAMESPACE, VariantSet
from conformance.protocol import envelope
from conformance.protocol.credentials import Credentials

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024            # issue 3: bodies over 1 MiB are refused unread
MAX_JSON_DEPTH = 100
THROTTLE_EVERY = 25                     # variants "throttling", ...: every 25th request is refused
# Variants of the group "busy": the answer to every THROTTLE_EVERY-th authenticated request.
BUSY_ANSWERS: dict[str, tuple[str, str, int]] = {
    "throttling": ("ThrottlingException", "Rate exceeded", 400),
    "throttling-429": ("TooManyRequestsException", "Too many requests", 429),
    "service-unavailable": ("ServiceUnavailable", "The request has failed due to a temporary failure "
                                                  "of the server.", 503),
}
JSON_HEADERS = {"Content-Type": envelope.JSON_CONTENT_TYPE}
CLOSE_KEY = "sgw.close-connection"      # environ flag: body left unread, close after answering
DROP_KEY = "sgw.drop-connection"        # environ flag (fault): close the connection, answer nothing


class Application:
    """The WSGI application: routing, authentication, parsing, the operation, the answer."""

    def __init__(self, region: str, credentials: Credentials | Sequence[Credentials], faults: FaultSet,
                 store: Store, variants: VariantSet | None = None) -> None:
        self.region, self.faults, self.store = region, faults, store
        self.variants = variants = variants or VariantSet()
        self.verifier = SigV4Verifier(region, credentials, faults, window=clock_window(variants),
                                      variants=variants)
        self.backend = Backend(store, faults, variants)
        self.operations: dict[str, Operation] = {f"{envelope.TARGET_PREFIX}.{name}": operation
                                                 for name, operation in self.backend.operations.items()}
        # the answer of the busy variant chosen (group "busy": at most one), None without one
        self._busy = next((answer for name, answer in BUSY_ANSWERS.items() if variants(name)), None)
        self._served = 0     # requests past authentication (variant "throttling")
        self._served_lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return self.answer(from_environ(environ)).wsgi(start_response)

    def answer(self, request: Incoming) -> Answer:
        """The answer to ``request`` (the server reads it without the WSGI calling convention)."""
        try:
            return self.handle(request)
        except Exception:  # a bug of ours: logged, answered as JSON (tests assert it never happens)
            logger.exception("internal failure answering %s %s", request.method, request.path)
            return self.error_response(ApiError("InternalFailure", "The server failed to answer", 500))

    def handle(self, request: Incoming) -> Answer:
        try:
            body = self.receive(request)
            operation = self.route(request)
            self.check_content_type(request)
            if self.faults("body-parsed-before-auth"):
                self.parse(body)
            self.verifier.verify(request, body)
            self.throttle()
            result = operation(self.parse(body))
        except ApiError as err:
            return self.error_response(err, close=bool(request.environ.get(CLOSE_KEY)))
        except PlainAnswer as answer:
            return self.plain_response(answer, close=bool(request.environ.get(CLOSE_KEY)))
        except Unanswered:
            request.environ[DROP_KEY] = True
            return Answer(500, [], b"")   # never sent: the handler closes the connection
        return self.success_response(result)

    # -- the envelope, in AWS's order ----------------------------------------------------------
    def receive(self, request: Incoming) -> bytes:
        """The body; a body left unread (too large, unreadable) closes the connection after the answer."""
        try:
            return read_body(request)
        except BodyTooLarge:
            request.environ[CLOSE_KEY] = True
            self.route(request)   # method and target are still checked first
            raise ApiError("InvalidGatewayRequestException",
                           f"The request body exceeds the maximum of {MAX_BODY_BYTES} bytes",
                           code="MaximumContentLengthExceeded") from None
        except ApiError:
            request.environ[CLOSE_KEY] = True
            raise

    def route(self, request: Incoming) -> Operation:
        if request.method != "POST" and not self.faults("method-ignored"):
            raise self.method_refusal(request.method)
        target = request.headers.get(envelope.TARGET_HEADER)
        if target is None:
            if self.faults("target-missing-accepted"):
                return self.backend.create_snapshot
            raise self.target_error("MissingAction", "The request has no X-Amz-Target header")
        operation = self.operations.get(target.strip())
        if operation is None and self.faults("target-service-ignored"):
            operation = self.backend.operations.get(target.strip().rsplit(".", 1)[-1])
        if operation is None and self.faults("target-prefix-routing"):   # the first operation it begins
            operation = next((op for name, op in self.operations.items()
                              if name.startswith(target.strip()) or target.strip().startswith(name)), None)
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

    def check_content_type(self, request: Incoming) -> None:
        """Any Content-Type is served (disputed), unless a variant or a fault refuses the foreign ones."""
        media_type = envelope.media_type(request.headers.get("Content-Type"))
        if media_type != envelope.JSON_CONTENT_TYPE and self.variants("strict-content-type"):
            # AWS's answer (docs/protocol.md > Observed answers): 404, a body not JSON, no Content-Type
            raise PlainAnswer(404, b"<UnknownOperationException/>",
                              {envelope.REQUEST_ID_HEADER: new_request_id()})
        if (media_type != envelope.JSON_CONTENT_TYPE
                and self.faults("foreign-content-type-serialization-error")):
            raise serialization_error(f"Cannot read a body of type {media_type or '(none)'}")
        if self.faults("content-type-parameters-refused") and media_type == envelope.JSON_CONTENT_TYPE \
                and request.headers.get("Content-Type") != envelope.JSON_CONTENT_TYPE:
            raise serialization_error(f"Cannot read a body of type {request.headers.get('Content-Type')}")

    def throttle(self) -> None:
        """Variants "throttling", ...: every THROTTLE_EVERY-th authenticated request is refused."""
        if self._busy is None:
            return
        with self._served_lock:
            self._served += 1
            refused = self._served % THROTTLE_EVERY == 0
        if refused:
            type_, message, status = self._busy
            raise ApiError(type_, message, status)

    def parse(self, body: bytes) -> Any:
        if not body.strip():
            if self.faults("empty-body-500"):
                raise internal_failure("Expecting value: line 1 column 1 (char 0)")
            if self.variants("empty-body-serialization"):
                raise serialization_error("The request body is empty: a JSON object is expected")
            return {}
        status = 500 if self.faults("bad-json-500") else 400
        if self.variants("bom-accepted") and body.startswith(b"\xef\xbb\xbf"):
            body = body[3:]
        decoder = _STRICT_DECODER if self.variants("duplicate-names-refused") else _DECODER
        try:
            value = decoder.decode(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            failure = ApiError("SerializationException", f"The body is not valid JSON: {exc}", status)
            if not self.faults("lenient-json"):
                raise failure from None
            try:
                value = lenient_loads(body)
            except (ValueError, RecursionError):
                raise failure from None
        if isinstance(value, dict) and self.faults("json-escaped-names-unread"):
            value = {k: v for k, v in value.items() if k not in escaped_names(body)}
        if isinstance(value, dict) and self.faults("null-tag-500") and isinstance(value.get("Tags"), list) \
                and None in value["Tags"]:
            raise internal_failure("'NoneType' object is not subscriptable")
        if not isinstance(value, dict):
            if self.faults("non-object-body-as-empty"):
                return {}
            raise serialization_error("The request body must be a JSON object")
        if _json_depth_exceeds(value, MAX_JSON_DEPTH):
            raise serialization_error(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        return value

    # -- answers -------------------------------------------------------------------------------
    def success_response(self, result: dict[str, Any]) -> Answer:
        return self._json_response(200, result, {})

    def error_response(self, err: ApiError, close: bool = False) -> Answer:
        status = 500 if err.type == "ValidationException" and self.faults("validation-500") else err.status
        body_type, header_type = self.error_type_names(err.type)
        body = self._error_body(err, body_type)
        headers = {} if self.variants("no-error-type-header") else {envelope.ERROR_TYPE_HEADER: header_type}
        if self.faults("error-type-header-mismatch"):
            headers[envelope.ERROR_TYPE_HEADER] = "InternalServerError" if err.type != "InternalServerError" \
                else "ValidationException"
        if self.faults("error-without-type"):
            body.pop(envelope.ERROR_TYPE_FIELD)
            headers.pop(envelope.ERROR_TYPE_HEADER, None)
        request_id = new_request_id()
        if self.variants("extra-response-members"):
            body.update(RequestId=request_id, Retryable=err.type == "ThrottlingException")
        if close:
            headers["Connection"] = "close"
        return self._json_response(status, body, headers, request_id)

    def _error_body(self, err: ApiError, body_type: str) -> dict[str, Any]:
        """``__type``, the message, and ``error`` (errorCode, errorDetails) for a modelled error."""
        message_key = "Message" if self.variants("capital-message") else "message"
        modelled = err.type in MODELLED_ERRORS
        message = None if self.variants("null-message") and not modelled else err.message
        body: dict[str, Any] = {envelope.ERROR_TYPE_FIELD: body_type, message_key: message}
        if err.code is not None and modelled:
            code = _upper_snake(err.code) if self.faults("error-code-invalid") else err.code
            body["error"] = {"errorCode": code} if self.variants("errors-without-details") \
                else {"errorCode": code, "errorDetails": err.details}
        return body

    def error_type_names(self, type_: str) -> tuple[str, str]:
        """The error type as the body's __type and as X-Amzn-ErrorType give it."""
        if not self.variants("fully-qualified-type"):
            return type_, type_
        namespace = SERVICE_NAMESPACE if type_ in MODELLED_ERRORS or type_ == "ValidationException" \
            else CORAL_NAMESPACE
        suffix = HEADER_NAMESPACES.get(type_, namespace)
        return f"{namespace}#{type_}", f"{type_}:http://internal.amazon.com/coral/{suffix}/"

    def plain_response(self, answer: PlainAnswer, close: bool = False) -> Answer:
        """A variant's answer that is not JSON (the HTTP variants still apply in the handler);
        without a Content-Type when it names none, as AWS's <UnknownOperationException/>."""
        headers = dict(answer.headers)
        if close:
            headers["Connection"] = "close"
        return Answer(answer.status, [*headers.items(), ("Content-Length", str(len(answer.body)))],
                      answer.body)

    def _json_response(self, status: int, body: dict[str, Any], headers: dict[str, str],
                       request_id: str | None = None) -> Answer:
        request_id_header = envelope.REQUEST_ID_HEADER
        headers = {**JSON_HEADERS, request_id_header: request_id or new_request_id(), **headers}
        if self.faults("plain-json-content-type"):
            headers["Content-Type"] = "application/json"
        if self.faults("request-id-missing"):
            del headers[request_id_header]
        data = self._json_bytes(body)
        if self.variants("extra-response-headers"):
            headers.update({"Content-Type": headers["Content-Type"] + "; charset=utf-8",
                            "x-amz-crc32": str(zlib.crc32(data)), "Vary": "Origin",
                            "x-amz-id-2": base64.b64encode(os.urandom(24)).decode("ascii")})
        if self.variants("amz-request-id") and request_id_header in headers:
            headers["x-amz-request-id"] = headers.pop(request_id_header)
        headers["Content-Length"] = str(len(data))
        return Answer(status, list(headers.items()), data)

    def _json_bytes(self, body: dict[str, Any]) -> bytes:
        if self.variants("json-formatting"):   # lone surrogates become \\udcxx escapes: still JSON
            text = json.dumps(dict(reversed(body.items())), ensure_ascii=False, indent=2)
            return text.encode("utf-8", "backslashreplace")
        return json.dumps(body).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# The request body
# ---------------------------------------------------------------------------------------------
class BodyTooLarge(Exception):
    """The declared or streamed body exceeds MAX_BODY_BYTES (left unread)."""


def read_body(request: Incoming) -> bytes:
    """The request body, capped: raises BodyTooLarge (unread) or ApiError (unreadable)."""
    declared = request.headers.get("Content-Length")
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if declared is not None and not chunked:
        length = ascii_decimal(declared)
        if length is None:
            raise serialization_error(f"Content-Length is not a byte count: {declared!r}")
        if length > MAX_BODY_BYTES:
            raise BodyTooLarge()
        try:   # the declared length, read straight from the input (WSGI allows it: no more is read)
            data = request.environ["wsgi.input"].read(length) if length else b""
        except (OSError, ValueError):
            raise serialization_error("The request body could not be read in full") from None
        if len(data) < length:
            raise serialization_error("The request body could not be read in full")
        return bytes(data)
    chunks: list[bytes] = []
    received = 0
    try:
        while received <= MAX_BODY_BYTES:
            chunk = request.stream.read(min(256 * 1024, MAX_BODY_BYTES + 1 - received))
            if not chunk:
                break
            chunks.append(chunk)
            received += len(chunk)
    except (OSError, ValueError, HTTPException):   # werkzeug's, on a WSGI server
        raise serialization_error("The request body could not be read in full") from None
    if received > MAX_BODY_BYTES:
        raise BodyTooLarge()
    return b"".join(chunks)


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


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Variant "duplicate-names-refused": a member name given twice is not JSON this server reads."""
    names = [name for name, _value in pairs]
    if len(set(names)) != len(names):
        raise ValueError("a member name is repeated")
    return dict(pairs)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# made once (json.loads with arguments makes a decoder per call): NaN and Infinity are not JSON
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_STRICT_DECODER = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_unique_members)


def _upper_snake(code: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", code).upper()
