"""Signing modes: the one table of how a case is signed, the rule each defect breaks, and the signer.

``sigv4`` (aws-requests-auth over the exact bytes sent) and ``sigv4-envelope`` (Content-Type and
X-Amz-Target signed as well, as botocore signs) are correct; every other mode is one deliberate
defect the endpoint must refuse (docs/protocol.md > SigV4), made by bending one argument of a
correct signer: a wrong secret, an unknown key, another region or service in the scope, a date
out of the window, a header dropped from SignedHeaders, a body or Content-Type other than the
signed one.  Other modes are correct signatures a verifier must accept over the headers as they
arrive (docs/protocol.md > SigV4: the Host as received, header names in any case): the Host sent
as another name or address of a loopback server, or without its port, and header names in upper
or lower case.  The Host is bent only for a target that is ``localhost`` or a loopback address
(:func:`modes_for` leaves those modes out for any other; :class:`Signer` never bends another).
The cases read the rule of each mode from :data:`MODES`; the transport signs with :class:`Signer`.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from aws_requests_auth.aws_auth import AWSRequestsAuth

from conformance.protocol import sigv4
from conformance.protocol.credentials import Credentials
from conformance.protocol.envelope import JSON_CONTENT_TYPE, SERVICE

EXPIRED_BY = timedelta(minutes=20)        # beyond both the 5- and the 15-minute windows
JUST_EXPIRED_BY = timedelta(minutes=16)   # just past the documented 15, with a minute for clock noise
WITHIN_WINDOW = timedelta(minutes=4)      # inside the live 5 minutes, with a minute for clock noise
# An extra signed header whose value holds runs of spaces: signed trimmed and collapsed, sent as is.
SPACED_USER_AGENT = "sgw-conformance  probe   (spaces  inside) "
TAMPER_SIGNED_BODY = b"{}"                # body-tampered: this is signed, the case's body is sent
# header-tampered: Content-Type is signed as JSON_CONTENT_TYPE and sent as this, a value that routes
# the same (docs/protocol.md > The request: parameters such as charset are tolerated) but signs differently.
TAMPER_SENT_CONTENT_TYPE = f"{JSON_CONTENT_TYPE}; charset=utf-8"
OTHER_SERVICE = "ec2"

Headers = dict[str, str]
Sign = Callable[["Signer", str, bytes, "str | None"], Headers]


@dataclass(frozen=True)
class SigningMode:
    name: str
    rule: str | None       # the rule a defect breaks; None for a correct signature
    bend: str              # how the signer is bent
    sign: Sign
    valid_rule: str = "accept.valid-request"   # a correct signature: the rule its case is labelled with
    loopback_only: bool = False                 # bends the Host: sent to a loopback target only


CANONICAL_HEADERS_RULE = "accept.canonical-headers"


def split_host(netloc: str) -> tuple[str, str]:
    """A Host value's host and its ``:port`` part (``""`` without one): ``[::1]:80`` is ``[::1]``, ``:80``."""
    if netloc.startswith("["):
        end = netloc.find("]") + 1
        return (netloc[:end], netloc[end:]) if end else (netloc, "")
    host, colon, port = netloc.partition(":")
    return host, colon + port


def loopback_alias(netloc: str) -> str | None:
    """The other name of a loopback host (``localhost`` for a loopback address, ``127.0.0.1`` for
    ``localhost``), or None for any other host: only a server on loopback is surely the same server
    under both (a name such as ``sgw.localhost`` may be routed by a proxy on its Host, and so may a
    live endpoint's)."""
    host = split_host(netloc)[0].strip("[]").lower()
    if host == "localhost":
        return "127.0.0.1"
    try:
        return "localhost" if ipaddress.ip_address(host).is_loopback else None
    except ValueError:
        return None


def _other_region(region: str) -> str:
    return "eu-west-1" if region != "eu-west-1" else "us-west-2"


def _other_secret(secret: str) -> str:
    wrong = secret[::-1]
    return wrong if wrong != secret else secret + "x"


def _unknown_key(access_key: str) -> str:
    candidate = "AKIDEXAMPLEUNKNOWN1"
    return candidate if candidate != access_key else "AKIDEXAMPLEUNKNOWN2"


def _drop_signed_headers(authorization: str) -> str:
    """A SigV4 header without its SignedHeaders part: not complete SigV4 syntax."""
    return ", ".join(p for p in authorization.split(", ") if not p.startswith("SignedHeaders="))


class _Body:
    """What aws-requests-auth reads from a request: method, url, body."""

    __slots__ = ("method", "url", "body")

    def __init__(self, method: str, url: str, body: bytes) -> None:
        self.method, self.url, self.body = method, url, body


class Signer:
    """The signing primitives every mode is made of, for one endpoint and one key pair."""

    def __init__(self, url: str, host: str, path: str, region: str, creds: Credentials) -> None:
        self.url, self.host, self.path, self.region, self.creds = url, host, path, region, creds

        def auth(key: str, region_: str, service: str) -> AWSRequestsAuth:
            return AWSRequestsAuth(key, creds.secret_key, host, region_, service, creds.session_token)

        self.auths = {     # built once: aws-requests-auth derives nothing per request from these
            "sigv4": auth(creds.access_key, region, SERVICE),
            "unknown-key": auth(_unknown_key(creds.access_key), region, SERVICE),
            "scope-region": auth(creds.access_key, _other_region(region), SERVICE),
            "scope-service": auth(creds.access_key, region, OTHER_SERVICE),
        }
        self.wrong_secret = _other_secret(creds.secret_key)

    def headers(self, mode: str, method: str, body: bytes, target: str | None = None) -> Headers:
        """The signing headers of ``mode``; ``target`` is the X-Amz-Target sent (None: none)."""
        try:
            row = BY_NAME[mode]
        except KeyError:
            raise ValueError(f"unknown signing mode {mode!r}") from None
        return row.sign(self, method, body, target)

    def lib(self, which: str, method: str, body: bytes, secret: str | None = None) -> Headers:
        """aws-requests-auth's headers, with the auth object ``which`` (and another secret if given)."""
        auth = self.auths[which]
        return auth.get_aws_request_headers(_Body(method, self.url, body), auth.aws_access_key,
                                            secret or self.creds.secret_key, self.creds.session_token)

    def own(self, method: str, body: bytes, when: datetime | None, signed: list[str],
            extra: Headers | None = None, scope_date: str | None = None, host: str | None = None,
            path: str | None = None) -> Headers:
        """The project's own SigV4 (conformance.protocol.sigv4), for what the library cannot bend;
        ``host`` is the Host signed (and then sent), the endpoint's by default; ``path`` the request
        target signed (path and query), the endpoint's path by default."""
        if self.creds.session_token:
            signed = [*signed, "x-amz-security-token"]
        return sigv4.sign(method, path or self.path, host or self.host, body,
                          access_key=self.creds.access_key,
                          secret=self.creds.secret_key, region=self.region, service=SERVICE, when=when,
                          token=self.creds.session_token, extra_headers=extra, signed=signed,
                          scope_date=scope_date)

    def envelope_signed(self, method: str, body: bytes, target: str | None, sent_type: str) -> Headers:
        """Content-Type and X-Amz-Target signed; Content-Type then sent as ``sent_type``."""
        extra = {"content-type": JSON_CONTENT_TYPE, **({"x-amz-target": target} if target else {})}
        headers = self.own(method, body, None, ["host", "x-amz-date", *extra], extra)
        return {**headers, "Content-Type": sent_type}


def _malformed(s: Signer, method: str, body: bytes, _t: str | None) -> Headers:
    headers = s.lib("sigv4", method, body)
    return {**headers, "Authorization": _drop_signed_headers(headers["Authorization"])}


def _scope_dated(s: Signer, method: str, body: bytes, _t: str | None) -> Headers:
    now = datetime.now(UTC)
    return s.own(method, body, now, ["host", "x-amz-date"],
                 scope_date=(now - timedelta(days=1)).strftime("%Y%m%d"))


def _bent(transform: Callable[[str], str]) -> Sign:
    """A correct signature whose Authorization header is then rewritten by ``transform``."""
    def sign(s: Signer, method: str, body: bytes, _t: str | None) -> Headers:
        headers = s.own(method, body, None, ["host", "x-amz-date"])
        return {**headers, "Authorization": transform(headers["Authorization"])}
    return sign


def _credential_parts(authorization: str, keep: Callable[[list[str]], list[str]]) -> str:
    head, _, rest = authorization.partition("Credential=")
    credential, sep, tail = rest.partition(",")
    return f"{head}Credential={'/'.join(keep(credential.split('/')))}{sep}{tail}"


def _iso_dated(s: Signer, method: str, body: bytes, _t: str | None) -> Headers:
    """X-Amz-Date in ISO 8601's extended form, signed as sent: the basic form is required."""
    iso = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    headers = s.own(method, body, None, ["host", "x-amz-date"], {"x-amz-date": iso})
    return {**headers, "X-Amz-Date": iso}


def _spaced_header(s: Signer, method: str, body: bytes, _t: str | None) -> Headers:
    headers = s.own(method, body, None, ["host", "user-agent", "x-amz-date"],
                    {"user-agent": SPACED_USER_AGENT})
    return {**headers, "User-Agent": SPACED_USER_AGENT}


def _host_sent(form: Callable[[str, str, str], str]) -> Sign:
    """A correct signature over a Host of ``form(alias, host, port)``, sent as signed; the endpoint's
    own Host unless it is on loopback (nothing else is bent: see :func:`loopback_alias`)."""
    def sign(s: Signer, method: str, body: bytes, _t: str | None) -> Headers:
        alias = loopback_alias(s.host)
        host = s.host if alias is None else form(alias, *split_host(s.host))
        return {"Host": host, **s.own(method, body, None, ["host", "x-amz-date"], host=host)}
    return sign


def _names_cased(case: Callable[[str], str], authorization: str = "Authorization") -> Sign:
    """Host, X-Amz-Date, Content-Type and X-Amz-Target signed (SignedHeaders lower-case, as SigV4
    asks) and sent under the names ``case`` gives them; the Authorization header as ``authorization``."""
    def sign(s: Signer, method: str, body: bytes, target: str | None) -> Headers:
        extra = {"content-type": JSON_CONTENT_TYPE, **({"x-amz-target": target} if target else {})}
        signed = s.own(method, body, None, ["host", "x-amz-date", *extra], extra)
        sent = {"host": s.host, **extra, **{k.lower(): v for k, v in signed.items()}}
        return {authorization if name == "authorization" else case(name): value
                for name, value in sent.items()}
    return sign


def _mixed_case(name: str) -> str:
    """X-AMZ-DATE, HOST and CONTENT-TYPE upper-case, x-amz-target lower, the token X-AMZ-SECURITY-TOKEN."""
    return name if name == "x-amz-target" else name.upper()


def _library(which: str) -> Sign:
    return lambda s, method, body, _t: s.lib(which, method, body)


def _relaid(body: bytes) -> bytes:
    """body-relaid: the same JSON value written with Python's default separators (other bytes)."""
    return json.dumps(json.loads(body)).encode("utf-8")


def _dated(offset: timedelta) -> Sign:
    return lambda s, method, body, _t: s.own(method, body, datetime.now(UTC) + offset, ["host", "x-amz-date"])


MODES: tuple[SigningMode, ...] = (
    SigningMode("sigv4", None, "none: correct SigV4 over the body as sent", _library("sigv4")),
    SigningMode("sigv4-envelope", None, "none: correct SigV4 also over Content-Type and X-Amz-Target",
                lambda s, m, b, t: s.envelope_signed(m, b, t, JSON_CONTENT_TYPE)),
    SigningMode("none", "authentication.missing", "no Authorization header at all", lambda s, m, b, t: {}),
    SigningMode("malformed", "authentication.malformed", "SignedHeaders= dropped from Authorization",
                _malformed),
    SigningMode("wrong-secret", "authentication.signature", "signed with a secret that is not the key's",
                lambda s, m, b, t: s.lib("sigv4", m, b, secret=s.wrong_secret)),
    SigningMode("unknown-key", "authentication.unknown-key", "an access key id the endpoint does not know",
                _library("unknown-key")),
    SigningMode("scope-region", "authentication.scope-region", "credential scope names another region",
                _library("scope-region")),
    SigningMode("scope-service", "authentication.scope-service", "credential scope names another service",
                _library("scope-service")),
    SigningMode("expired", "authentication.expired", "X-Amz-Date and scope 20 minutes in the past",
                _dated(-EXPIRED_BY)),
    SigningMode("future-dated", "authentication.expired", "X-Amz-Date and scope 20 minutes ahead",
                _dated(EXPIRED_BY)),
    SigningMode("body-tampered", "authentication.payload-hash", "signed over {}, the case's body sent",
                lambda s, m, b, t: s.lib("sigv4", m, TAMPER_SIGNED_BODY)),
    SigningMode("body-relaid", "authentication.payload-hash", "signed over the case's JSON value in "
                "json.dumps's default layout (', ', ': '), the compact body sent",
                lambda s, m, b, t: s.lib("sigv4", m, _relaid(b))),
    SigningMode("host-unsigned", "authentication.host-signed", "host left out of SignedHeaders",
                lambda s, m, b, t: s.own(m, b, None, ["x-amz-date"])),
    SigningMode("header-tampered", "authentication.signature",
                "Content-Type signed, then sent with a charset added",
                lambda s, m, b, t: s.envelope_signed(m, b, t, TAMPER_SENT_CONTENT_TYPE)),
    SigningMode("scope-date", "authentication.scope-date", "credential scope dated the day before X-Amz-Date",
                _scope_dated),
    # -- SigV4 step by step (docs/protocol.md > SigV4) ---------------------------------------------
    SigningMode("just-expired", "authentication.expired", "X-Amz-Date and scope 16 minutes in the past",
                _dated(-JUST_EXPIRED_BY)),
    SigningMode("just-future", "authentication.expired", "X-Amz-Date and scope 16 minutes ahead",
                _dated(JUST_EXPIRED_BY)),
    SigningMode("other-algorithm", "authentication.syntax", "algorithm AWS4-HMAC-SHA512 named instead",
                _bent(lambda a: a.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512", 1))),
    SigningMode("credential-four-parts", "authentication.syntax", "the region left out of the credential",
                _bent(lambda a: _credential_parts(a, lambda p: [p[0], p[1], *p[3:]]))),
    SigningMode("credential-terminator", "authentication.syntax", "scope terminator aws4_requests",
                _bent(lambda a: _credential_parts(a, lambda p: [*p[:-1], p[-1] + "s"]))),
    SigningMode("date-extended-form", "authentication.syntax", "X-Amz-Date as 2026-12-01T10:00:00Z",
                _iso_dated),
    # correct signatures a verifier must accept
    SigningMode("clock-behind", None, "none: X-Amz-Date 4 minutes in the past", _dated(-WITHIN_WINDOW)),
    SigningMode("clock-ahead", None, "none: X-Amz-Date 4 minutes ahead", _dated(WITHIN_WINDOW)),
    SigningMode("spaced-header", None, "none: a User-Agent with runs of spaces signed (trimmed, collapsed)",
                _spaced_header),
    SigningMode("no-content-sha256", None, "none: no x-amz-content-sha256 header (as botocore signs)",
                lambda s, m, b, t: s.own(m, b, None, ["host", "x-amz-date"])),
    # the canonical headers as received: the Host as sent, names in any case (docs/protocol.md > SigV4)
    SigningMode("host-alias", None, "none: Host the loopback target's other name (localhost:<port> for "
                "127.0.0.1:<port> and back), signed as sent",
                _host_sent(lambda alias, _h, port: alias + port), CANONICAL_HEADERS_RULE, loopback_only=True),
    SigningMode("host-without-port", None, "none: Host the loopback target without its port (127.0.0.1), "
                "signed as sent", _host_sent(lambda _a, host, _p: host), CANONICAL_HEADERS_RULE,
                loopback_only=True),
    SigningMode("host-alias-without-port", None, "none: Host the loopback target's other name without the "
                "port (localhost for 127.0.0.1:<port>), signed as sent",
                _host_sent(lambda alias, _h, _p: alias), CANONICAL_HEADERS_RULE, loopback_only=True),
    SigningMode("header-names-mixed", None, "none: HOST, X-AMZ-DATE, CONTENT-TYPE and x-amz-target sent in "
                "that case, all four signed (SignedHeaders lower-case)", _names_cased(_mixed_case),
                CANONICAL_HEADERS_RULE),
    SigningMode("header-names-lower", None, "none: every signing header's name lower-case (host, x-amz-date, "
                "content-type, x-amz-target, authorization), as an HTTP/2 hop sends them",
                _names_cased(str.lower, "authorization"), CANONICAL_HEADERS_RULE),
)
BY_NAME: dict[str, SigningMode] = {mode.name: mode for mode in MODES}
SIGNING_MODES: tuple[str, ...] = tuple(BY_NAME)
# The defects and the rule each one breaks (the cases send one of each).
SIGNING_RULES: dict[str, str] = {mode.name: mode.rule for mode in MODES if mode.rule is not None}
_LOOPBACK_ONLY = frozenset(mode.name for mode in MODES if mode.loopback_only)


def modes_for(url: str) -> frozenset[str]:
    """The signing modes a run against ``url`` sends: all of them for ``localhost`` or a loopback
    address; for any other host, none that bends the Host (a live endpoint may route on it)."""
    if loopback_alias(urlsplit(url).netloc.rpartition("@")[2]) is not None:
        return frozenset(SIGNING_MODES)
    return frozenset(SIGNING_MODES) - _LOOPBACK_ONLY
