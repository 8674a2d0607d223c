"""Signature Version 4 primitives: canonical request, signing key, signature, header parsing.

The suite signs its ordinary requests with aws-requests-auth (see :mod:`conformance.suite.transport`).
This module serves the two places that library cannot: the reference endpoint, which must
*verify* signatures computed over whatever headers a client chose to sign, and the suite's
deliberately defective requests (a date in the past, ``host`` left unsigned), which need a
signer whose clock and signed-header list can be set.  Tested against botocore's signer.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import NamedTuple
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.digest(key, msg.encode("utf-8"), "sha256")   # OpenSSL's one-shot HMAC


@functools.lru_cache(maxsize=64)   # one key per secret, day, region and service: 4 HMACs saved a request
def signing_key(secret: str, datestamp: str, region: str, service: str) -> bytes:
    key = _hmac(("AWS4" + secret).encode("utf-8"), datestamp)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    return key


def _uri_encode(text: str) -> str:
    """SigV4's UriEncode: every byte but the unreserved characters as %XX, upper-case hex."""
    return quote(text, safe="-_.~", errors="surrogateescape")


def normalize_path(path: str, rfc_trailing_slash: bool = False) -> str:
    """Dot segments removed (RFC 3986 section 5.2.4) and empty segments merged, as SigV4 asks for
    every service but S3 (docs/protocol.md > SigV4): ``/example/..`` is ``/``, ``//example//`` is
    ``/example/``.  A trailing slash is kept when the path ends with one, as botocore and the
    JavaScript SDK keep it; ``rfc_trailing_slash`` also keeps one after a final ``.`` or ``..``
    segment, as RFC 3986 does (``/a/b/..`` is ``/a/`` there, ``/a`` for the SDKs)."""
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if kept:
                kept.pop()
        elif segment and segment != ".":
            kept.append(segment)
    ends = ("/", "/.", "/..") if rfc_trailing_slash else ("/",)
    trailing = "/" if kept and path.endswith(ends) else ""
    return "/" + "/".join(kept) + trailing


def canonical_path(path: str, rfc_trailing_slash: bool = False, normalize: bool = True) -> str:
    """The canonical URI: the path as sent (still percent-encoded), normalised, then URI-encoded
    again, '/' kept (so a path the client encoded once is encoded twice, as botocore does).
    ``normalize=False`` skips the normalisation (S3's rule; a verifier's mistake elsewhere)."""
    normalized = normalize_path(path or "/", rfc_trailing_slash) if normalize else (path or "/")
    return quote(normalized, safe="/-_.~", errors="surrogateescape")


def canonical_query(query: str, sort: bool = True) -> str:
    """Each name and value percent-decoded then URI-encoded, the pairs sorted by encoded name,
    then encoded value (docs/protocol.md > SigV4); ``sort=False`` keeps the order received (a
    verifier's mistake)."""
    if not query:
        return ""
    pairs = []
    for part in query.split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs.append((_uri_encode(unquote(name, errors="surrogateescape")),
                          _uri_encode(unquote(value, errors="surrogateescape"))))
    return "&".join(f"{name}={value}" for name, value in (sorted(pairs) if sort else pairs))


def canonical_header_value(value: str) -> str:
    """Leading and trailing space trimmed, runs of spaces (and folded lines) made one space."""
    return " ".join(value.split())


def canonical_request(method: str, path: str, query: str, headers: Mapping[str, str],
                      signed_headers: Sequence[str], payload_hash: str, *,
                      rfc_trailing_slash: bool = False, normalize: bool = True,
                      sort_query: bool = True) -> str:
    """The SigV4 canonical request; ``headers`` maps lower-cased names to raw values (the values
    of a repeated header joined by ',' in the order received)."""
    lines = [method, canonical_path(path, rfc_trailing_slash, normalize), canonical_query(query, sort_query)]
    lines += [f"{name}:{canonical_header_value(headers.get(name, ''))}" for name in signed_headers]
    return "\n".join(lines) + "\n\n" + ";".join(signed_headers) + "\n" + payload_hash


def credential_scope(datestamp: str, region: str, service: str) -> str:
    return f"{datestamp}/{region}/{service}/aws4_request"


def string_to_sign(amz_date: str, scope: str, canonical: str) -> str:
    return "\n".join([ALGORITHM, amz_date, scope, sha256_hex(canonical.encode("utf-8", "surrogateescape"))])


def signature(secret: str, amz_date: str, scope: str, canonical: str) -> str:
    datestamp, region, service, _ = scope.split("/")
    to_sign = string_to_sign(amz_date, scope, canonical)
    return hmac.digest(signing_key(secret, datestamp, region, service), to_sign.encode("utf-8"),
                       "sha256").hex()


def sign(method: str, url_path: str, host: str, body: bytes, *, access_key: str, secret: str,
         region: str, service: str, when: datetime | None = None, token: str | None = None,
         extra_headers: Mapping[str, str] | None = None,
         signed: Sequence[str] | None = None, scope_date: str | None = None) -> dict[str, str]:
    """Headers (Authorization, X-Amz-Date, ...) that sign a request.

    ``when`` sets the clock (default now); ``signed`` chooses which of the lower-cased
    headers are signed (default: host, x-amz-date, the token and ``extra_headers``);
    ``scope_date`` (yyyymmdd) puts another date than X-Amz-Date's in the credential scope.
    """
    when = when or datetime.now(UTC)
    amz_date = when.strftime(AMZ_DATE_FORMAT)
    headers = {"host": host, "x-amz-date": amz_date}
    if token:
        headers["x-amz-security-token"] = token
    headers.update({k.lower(): v for k, v in (extra_headers or {}).items()})
    names = sorted(signed if signed is not None else headers)
    path, _, query = url_path.partition("?")
    canonical = canonical_request(method, path, query, headers, names, sha256_hex(body))
    scope = credential_scope(scope_date or amz_date[:8], region, service)
    sig = signature(secret, amz_date, scope, canonical)
    out = {"Authorization": f"{ALGORITHM} Credential={access_key}/{scope}, "
                            f"SignedHeaders={';'.join(names)}, Signature={sig}",
           "X-Amz-Date": amz_date}
    if token:
        out["X-Amz-Security-Token"] = token
    return out


class MalformedAuthorization(ValueError):
    """The Authorization header is not SigV4 syntax."""


class Authorization(NamedTuple):
    """The parts of a SigV4 Authorization header (a tuple: built on every request a server checks)."""

    access_key: str
    datestamp: str
    region: str
    service: str
    terminator: str
    signed_headers: tuple[str, ...]
    signature: str

    @property
    def scope(self) -> str:
        return f"{self.datestamp}/{self.region}/{self.service}/{self.terminator}"


_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<cred>[^,\s]+)\s*,\s*SignedHeaders=(?P<sh>[^,\s]+)"
    r"\s*,\s*Signature=(?P<sig>[0-9a-fA-F]+)\s*$"
)


def parse_authorization(value: str) -> Authorization:
    """Split a SigV4 Authorization header; raise MalformedAuthorization if it is not one."""
    m = _AUTH_RE.match(value.strip())
    if not m:
        raise MalformedAuthorization("Authorization header is not AWS4-HMAC-SHA256 syntax")
    parts = m["cred"].split("/")
    if len(parts) != 5 or not all(parts):
        raise MalformedAuthorization("Credential must be <key>/<date>/<region>/<service>/aws4_request")
    return Authorization(parts[0], parts[1], parts[2], parts[3], parts[4],
                         tuple(m["sh"].lower().split(";")), m["sig"].lower())
