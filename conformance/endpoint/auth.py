"""SigV4 authentication of a request to the reference endpoint (docs/protocol.md > SigV4, Observed answers).

:class:`SigV4Verifier` checks, in AWS's order, the Authorization header's presence and syntax,
the signed ``host``, the access key (and session token), the credential scope, the clock
window and the payload hash, then the signature itself, and raises
:class:`~conformance.endpoint.errors.ApiError` with AWS's error type.  The canonical request
and the signature are :mod:`conformance.protocol.sigv4`'s, the same code the suite signs with.
The faults it consults let a check go (``signature-unchecked``, ``scope-unchecked``, ...) or
canonicalise a header other than as received (``host-from-listen-address``,
``header-names-case-sensitive``); the variants change
the answer's names and status (``auth-403``, ``request-expired``).
"""

from __future__ import annotations

import functools
import hmac
import json
import re
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from conformance.endpoint.errors import (
    COMMON_ERROR_NAMES,
    ApiError,
    incomplete_signature,
    invalid_signature,
    missing_authentication,
)
from conformance.endpoint.exchange import Incoming
from conformance.endpoint.faults import FaultSet
from conformance.endpoint.variants import VariantSet
from conformance.protocol import envelope, sigv4
from conformance.protocol.credentials import Credentials

CLOCK_WINDOW = timedelta(minutes=15)    # docs/protocol.md > SigV4: 15 min documented, 5 live
LIVE_CLOCK_WINDOW = timedelta(minutes=5)   # variant "five-minute-clock-window"
_AMZ_DATE = re.compile(r"^[0-9]{8}T[0-9]{6}Z$")
# Faults that move the clock window (docs/protocol.md > SigV4: refuse beyond 15 min, accept within 5).
FAULT_WINDOWS = {"clock-window-padded": timedelta(minutes=18), "clock-window-narrow": timedelta(minutes=3)}
# environ key: the request's header fields as received, (name, value) in order, names in the case sent
# (the HTTP server leaves them there; only the fault header-names-case-sensitive reads them).
HEADER_FIELDS_KEY = "sgw.header-fields"


def clock_window(variants: VariantSet) -> timedelta:
    """How far X-Amz-Date may be from the clock, either way."""
    return LIVE_CLOCK_WINDOW if variants("five-minute-clock-window") else CLOCK_WINDOW


class SigV4Verifier:
    """Checks a request's SigV4 signature; raises :class:`ApiError` with AWS's error type."""

    def __init__(self, region: str, credentials: Credentials | Sequence[Credentials], faults: FaultSet,
                 service: str = envelope.SERVICE, window: timedelta = CLOCK_WINDOW,
                 clock: Callable[[], float] = time.time,
                 variants: VariantSet | None = None) -> None:
        pairs = (credentials,) if isinstance(credentials, Credentials) else tuple(credentials)
        self.key_pairs = {pair.access_key: pair for pair in reversed(pairs)}   # the first pair wins
        credentials = pairs[0]
        self.region, self.credentials, self.faults = region, credentials, faults
        self.service, self.window, self.clock = service, window, clock
        self.window = next((w for name, w in FAULT_WINDOWS.items() if faults(name)), window)
        self.variants = variants or VariantSet()
        # host:port the server listens on (set by whoever binds it); only the fault
        # host-from-listen-address reads it: a correct verifier takes the Host as received.
        self.listen_address: str | None = None

    def verify(self, request: Incoming, body: bytes) -> None:
        try:
            self._verify(request, body)
        except ApiError as err:
            if self.variants("auth-403"):   # the Common Errors page's names and status
                raise ApiError(COMMON_ERROR_NAMES.get(err.type, err.type), err.message, 403) from None
            raise

    def _verify(self, request: Incoming, body: bytes) -> None:
        header = request.headers.get("Authorization")
        if header is None:
            if self.faults("auth-optional"):
                return
            raise missing_authentication()
        auth = self._parse(header)
        amz_date = self._amz_date(request)
        if "host" not in auth.signed_headers and not self.faults("host-unsigned-accepted"):
            raise incomplete_signature("The host header must be among the SignedHeaders")
        self._check_key(auth, request)
        self._check_scope(auth, amz_date)
        self._check_clock(amz_date)
        self._check_signature(auth, request, amz_date, self._payload_hash(request, body))

    def _pair(self, access_key: str) -> Credentials:
        """The accepted key pair of ``access_key`` (the first pair if none is: a fault let it in)."""
        return self.key_pairs.get(access_key, self.credentials)

    def _parse(self, header: str) -> sigv4.Authorization:
        try:
            return sigv4.parse_authorization(header)
        except sigv4.MalformedAuthorization as exc:
            if self.faults("malformed-auth-as-missing"):
                raise missing_authentication() from None
            if self.faults("auth-syntax-500"):   # the parser's own exception escapes: 500
                raise ApiError("InternalFailure", f"unpacking the credential failed: {exc}", 500) from None
            raise incomplete_signature(f"Malformed Authorization header: {exc}") from None

    @staticmethod
    def _amz_date(request: Incoming) -> str:
        value = request.headers.get("X-Amz-Date", "").strip()
        if not _AMZ_DATE.match(value):
            raise incomplete_signature("A signed request needs an X-Amz-Date header in the form "
                                       "YYYYMMDDTHHMMSSZ")
        try:
            _amz_datetime(value)
        except ValueError:
            raise incomplete_signature(f"X-Amz-Date is not a valid time: {value}") from None
        return value

    def _check_key(self, auth: sigv4.Authorization, request: Incoming) -> None:
        if auth.access_key not in self.key_pairs:
            if self.faults("unknown-key-as-signature"):
                raise invalid_signature("The signature computed by the server does not match the one "
                                        "provided")
            raise ApiError("UnrecognizedClientException", "The access key id in the request is not known")
        wanted = self._pair(auth.access_key).session_token
        if wanted is not None and request.headers.get("X-Amz-Security-Token") != wanted:
            raise ApiError("UnrecognizedClientException", "The security token in the request is not valid")

    def _check_scope(self, auth: sigv4.Authorization, amz_date: str) -> None:
        if auth.terminator != "aws4_request":
            raise invalid_signature(f"Credential should be scoped with the terminator 'aws4_request', "
                                    f"not '{auth.terminator}'")
        if not self.faults("scope-unchecked"):
            if auth.service != self.service and not self.faults("scope-service-unchecked"):
                raise invalid_signature(f"Credential should be scoped to the service '{self.service}', "
                                        f"not '{auth.service}'")
            if auth.region != self.region:
                raise invalid_signature(f"Credential should be scoped to the region '{self.region}', "
                                        f"not '{auth.region}'")
        if auth.datestamp != amz_date[:8] and not self.faults("scope-date-unchecked"):
            raise invalid_signature(f"Date in the credential scope ({auth.datestamp}) does not match "
                                    f"the date of X-Amz-Date ({amz_date[:8]})")

    def _check_clock(self, amz_date: str) -> None:
        """X-Amz-Date within the window of the clock (seconds since the epoch), either way."""
        if self.faults("clock-skew-unchecked"):
            return
        when, clock, window = _amz_datetime(amz_date).timestamp(), self.clock(), self.window.total_seconds()
        if when < clock - window:
            raise self._clock_error(amz_date, "expired", clock, -self.window)
        if when > clock + window and not self.faults("future-dates-accepted"):
            raise self._clock_error(amz_date, "not yet current", clock, self.window)

    def _clock_error(self, amz_date: str, state: str, clock: float, edge: timedelta) -> ApiError:
        now = datetime.fromtimestamp(clock, UTC)
        minutes = int(self.window.total_seconds() // 60)
        kind = "RequestExpired" if self.variants("request-expired") else "InvalidSignatureException"
        relation, sign = ("now earlier", "-") if edge < timedelta(0) else ("still later", "+")
        return ApiError(kind, f"Signature {state}: {amz_date} is {relation} than {_amz_time(now + edge)} "
                              f"({_amz_time(now)} {sign} {minutes} min.)")

    def _payload_hash(self, request: Incoming, body: bytes) -> str:
        declared = request.headers.get("X-Amz-Content-Sha256")
        if declared and self.faults("payload-unchecked"):
            return declared.strip()          # the fault: the client's word for the body's hash
        actual = sigv4.sha256_hex(self._hashed_body(body))   # the body actually received
        if declared is not None and declared.strip().lower() != actual:
            raise invalid_signature("The x-amz-content-sha256 header does not match the body received")
        return actual

    def _hashed_body(self, body: bytes) -> bytes:
        """The bytes received; the fault payload-hash-reserialised: a body that parses written again
        with Python's default separators (', ', ': '), so only that layout's signature verifies."""
        if not self.faults("payload-hash-reserialised"):
            return body
        try:
            return json.dumps(json.loads(body)).encode()
        except (ValueError, RecursionError):
            return body

    def _check_signature(self, auth: sigv4.Authorization, request: Incoming, amz_date: str,
                         payload_hash: str) -> None:
        if self.faults("signature-unchecked"):
            return
        path, query = _request_target(request)
        headers, names = self._signed_headers(auth, request)
        secret = self._pair(auth.access_key).secret_key
        # A path ending in a dot segment keeps RFC 3986's trailing slash, or not, as the SDKs do:
        # both are accepted (docs/protocol.md > SigV4).
        trailing = (False, True) if path.endswith(("/.", "/..")) else (False,)
        bent = {"normalize": not self.faults("path-not-normalised"),
                "sort_query": not self.faults("query-unsorted")}
        if not any(_digests_equal(sigv4.signature(secret, amz_date, auth.scope, sigv4.canonical_request(
                request.method, path, query, headers, names, payload_hash, rfc_trailing_slash=rfc, **bent)),
                auth.signature) for rfc in trailing):
            raise invalid_signature("The signature computed by the server does not match the one provided; "
                                    "check the secret access key and the signing method")

    def _signed_headers(self, auth: sigv4.Authorization,
                        request: Incoming) -> tuple[dict[str, str], tuple[str, ...]]:
        """The signed headers' values as received, and the names to canonicalise."""
        headers = {name: request.headers.get(name, "") for name in auth.signed_headers}
        if "host" in headers and self.faults("host-from-listen-address"):
            headers["host"] = self._own_host(request) or headers["host"]
        if self.faults("header-names-case-sensitive"):
            headers = _by_exact_name(request, auth.signed_headers)
        if self.faults("repeated-header-first-value"):
            headers = _first_values(request, auth.signed_headers)
        if self.faults("signed-headers-unread"):   # a signed Content-Type taken as expected, not read
            headers.update({k: v for k, v in _ASSUMED_SIGNED_VALUES.items() if k in headers})
        names = auth.signed_headers
        if self.faults("signed-headers-fixed"):    # the client's SignedHeaders list not followed
            names = tuple(n for n in _FIXED_SIGNED_HEADERS if n in names or n != "x-amz-security-token")
        return headers, names

    def _own_host(self, request: Incoming) -> str | None:
        """The fault host-from-listen-address: the server's own address as host:port (the address
        it was bound to, else the WSGI environ's SERVER_NAME and SERVER_PORT), not the Host sent."""
        if self.listen_address:
            return self.listen_address
        name, port = request.environ.get("SERVER_NAME"), request.environ.get("SERVER_PORT")
        return f"{name}:{port}" if name and port else None


def _by_exact_name(request: Incoming, names: Sequence[str]) -> dict[str, str]:
    """The fault header-names-case-sensitive: each signed header looked up in the fields as received
    by exact name, as SignedHeaders spells it (x-amz-date) or in title case (X-Amz-Date), the two
    spellings clients send: one sent as X-AMZ-DATE or HOST is not found (canonicalised empty)."""
    fields: dict[str, str] = {}
    for name, value in request.environ.get(HEADER_FIELDS_KEY) or ():
        fields.setdefault(name, value)
    return {name: fields.get(name, fields.get(name.title(), "")) for name in names}


def _first_values(request: Incoming, names: Sequence[str]) -> dict[str, str]:
    """The fault repeated-header-first-value: a header sent in several field lines canonicalised as
    its first line's value, not as the values joined by commas."""
    fields: dict[str, str] = {}
    for name, value in request.environ.get(HEADER_FIELDS_KEY) or ():
        fields.setdefault(name.lower(), value)
    return {name: fields.get(name, "") for name in names}


def _request_target(request: Incoming) -> tuple[str, str]:
    """The request target's path and query, as the client sent them (before any decoding)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("PATH_INFO") or "/"
    if not raw.isascii():   # RAW_URI holds the wire's bytes as latin-1 (PEP 3333)
        raw = raw.encode("latin-1").decode("utf-8", "surrogateescape")
    path, _, query = raw.partition("?")
    if "://" in path:  # absolute-form request target: keep the path part
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    return path, query


# The fault signed-headers-unread: a signed Content-Type canonicalised with the value a correct client
# sends, not the value received.
_ASSUMED_SIGNED_VALUES = {"content-type": envelope.JSON_CONTENT_TYPE}
# The fault signed-headers-fixed: these are canonicalised (the token only when signed), nothing else.
_FIXED_SIGNED_HEADERS = ("host", "x-amz-date", "x-amz-security-token")


def _digests_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


@functools.lru_cache(maxsize=256)   # a busy client sends the same X-Amz-Date many times a second
def _amz_datetime(value: str) -> datetime:
    """X-Amz-Date (already ``YYYYMMDDTHHMMSSZ`` in form) as a UTC time; ValueError if it is no
    time.  As ``strptime`` with the format would, at a tenth of its cost."""
    return datetime(int(value[0:4]), int(value[4:6]), int(value[6:8]), int(value[9:11]),
                    int(value[11:13]), int(value[13:15]), tzinfo=UTC)


def _amz_time(when: datetime) -> str:
    return when.strftime(sigv4.AMZ_DATE_FORMAT)
