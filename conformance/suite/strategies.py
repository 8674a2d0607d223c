"""Cases to send: deterministic boundary cases plus Hypothesis-generated ones, each labelled with a rule.

Valid requests cover the whole valid space of ``schemas/`` (the target volume, descriptions of
every length with non-ASCII and astral characters, tag keys from every allowed Unicode category,
empty and maximal values, 0..50 tags).  Invalid requests each break exactly one rule: one
constraint of the schemas (missing, null, wrong JSON type, too short, too long, pattern, too many
tags) or one thing beyond the body (not JSON, not an object, empty, target header, method,
Content-Type, signature defects), plus a well-formed ARN of a volume that does not exist.

Every limit and pattern is read from the schemas (:func:`limits`), never written here.  Values
are judged with :mod:`conformance.spec.javaregex`: a value whose verdict depends on the regex dialect,
or on counting code points against UTF-16 units, is never a must-accept or must-reject case; it
is either left out or sent as a *disputed* case that allows both answers.

Public entry point: :func:`generate_cases`.  Boundaries come from :func:`boundary_cases` (no
randomness); the generated part is collected from Hypothesis with a fixed seed, so the same
seed and profile give the same cases (in any process, whatever else it has loaded).

Generation is kept cheap, as it counts in the suite's requests per second: each Hypothesis
example is a batch of cases, runs are short, strategy objects are built once, and bulk data
(characters, the lengths of 50 tags) comes from one drawn byte string rather than from a draw
per character.  ``bench/bench_strategies.py`` prints the figures.
"""

from __future__ import annotations

import itertools
import json
import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import regex
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from conformance.errors import UsageError
from conformance.protocol.envelope import CREATE_SNAPSHOT_TARGET, JSON_CONTENT_TYPE, TARGET_PREFIX
from conformance.spec import javaregex, schemas
from conformance.suite.model import Case, Outcome
from conformance.suite.rules import (
    ACCESS_DENIED,
    NOT_FOUND,
    RULES,
    SERIALIZATION,
    SUCCESS,
    VALIDATION,
    alternative_patterns,
    dispute,
)

# How many generated cases of each kind a profile asks for: weight * factor (at least 1).
PROFILES: dict[str, float] = {"quick": 0.08, "ci": 1.0, "thorough": 10.0}

# Signing defect -> the rule it exercises (model.SIGNING_MODES minus the correct "sigv4").
SIGNING_RULES: dict[str, str] = {
    "none": "authentication.missing",
    "malformed": "authentication.malformed",
    "wrong-secret": "authentication.signature",
    "unknown-key": "authentication.unknown-key",
    "scope-region": "authentication.scope-region",
    "scope-service": "authentication.scope-service",
    "expired": "authentication.expired",
    "future-dated": "authentication.expired",
    "body-tampered": "authentication.payload-hash",
    "host-unsigned": "authentication.host-signed",
    "header-tampered": "authentication.signature",
    "scope-date": "authentication.scope-date",
}

# Case-level disputes widen the rule's answers with these (see rules.DISPUTES).
# A disputed ARN that passes validation names no volume: the lookup answers; a success is the
# state.unknown-volume rule's failure, not this rule's, so it is allowed here.
_LOOKUP_OR_REFUSAL = (*VALIDATION, *NOT_FOUND, *SUCCESS)
_SUCCESS_OR_REFUSAL = (*VALIDATION, *SUCCESS)
# A missing member beside an unknown one: refused as missing, or for the unknown member (rules.DISPUTES).
_REFUSAL_OR_SERIALIZATION = (*VALIDATION, *SERIALIZATION)
# An ARN of another account may be refused by authorisation before any lookup (rules.DISPUTES).
_NOT_FOUND_OR_DENIED = (*NOT_FOUND, *ACCESS_DENIED)

_UNSET: Any = object()


# ---------------------------------------------------------------------------------------------
# Limits, read from the schemas
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StringLimits:
    min: int
    max: int
    pattern: str | None


@dataclass(frozen=True)
class Limits:
    """The request constraints of ``schemas/`` (CreateSnapshotRequest and Tag)."""

    arn: StringLimits
    description: StringLimits
    tags_max: int
    key: StringLimits
    value: StringLimits
    required: tuple[str, ...]
    tag_required: tuple[str, ...]
    members: tuple[str, ...]


def _string_limits(prop: dict[str, Any]) -> StringLimits:
    return StringLimits(int(prop.get("minLength", 0)), int(prop["maxLength"]), prop.get("pattern"))


@lru_cache(maxsize=1)
def limits() -> Limits:
    request, tag = schemas.load("CreateSnapshotRequest"), schemas.load("Tag")
    props, tprops = request["properties"], tag["properties"]
    return Limits(
        arn=_string_limits(props["VolumeARN"]),
        description=_string_limits(props["SnapshotDescription"]),
        tags_max=int(props["Tags"]["maxItems"]),
        key=_string_limits(tprops["Key"]),
        value=_string_limits(tprops["Value"]),
        required=tuple(request["required"]),
        tag_required=tuple(tag["required"]),
        members=tuple(props),
    )


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def length_disputed(text: str, lim: StringLimits) -> bool:
    """Whether counting code points and counting UTF-16 units give different verdicts."""
    return (lim.min <= len(text) <= lim.max) != (lim.min <= utf16_len(text) <= lim.max)


def pattern_disputed(text: str, lim: StringLimits) -> bool:
    return lim.pattern is not None and javaregex.is_ambiguous(lim.pattern, text)


@lru_cache(maxsize=1)
def _alternatives() -> dict[str, str]:
    return alternative_patterns()


def botocore_disputed(member: str, text: str) -> bool:
    """The botocore model's own pattern for ``member`` accepts ``text`` (schemas/disputed.json)."""
    other = _alternatives().get(member)
    return other is not None and javaregex.java_fullmatch(other, text)


def java_valid(text: str, lim: StringLimits) -> bool:
    """Valid under java.util.regex, counting code points (undisputed values only)."""
    if not lim.min <= len(text) <= lim.max:
        return False
    return lim.pattern is None or javaregex.java_fullmatch(lim.pattern, text)


# ---------------------------------------------------------------------------------------------
# Classifying a body against the schemas: which rules does it break?
# ---------------------------------------------------------------------------------------------
def effective(params: Any) -> Any:
    """The body as the API reads it: optional top-level members that are null are absent."""
    if not isinstance(params, dict):
        return params
    required = limits().required
    return {k: v for k, v in params.items() if v is not None or k in required or k not in limits().members}


def _member(path: list[Any]) -> str:
    if path and path[0] == "Tags" and len(path) == 3:
        return f"Tag.{path[2]}"
    if path and path[0] == "Tags" and len(path) == 2:
        return "Tag"
    return str(path[0]) if path else ""


def _rule_of_error(err: Any) -> list[str]:
    path = list(err.absolute_path)
    if err.validator == "required":
        missing = [p for p in err.validator_value if p not in err.instance]
        base = "Tag." if path else ""
        return [f"validation.{base}{m}.required" for m in missing]
    member = _member(path)
    if err.validator == "type":
        if not path:
            return ["envelope.body-not-object"]
        if err.instance is None:
            null_rule = f"validation.{member}.null"
            return [null_rule if null_rule in RULES else f"validation.{member}.required"]
        return ["envelope.wrong-json-type"]
    return [f"validation.{member}.{err.validator}"]


def violations(params: Any) -> set[str]:
    """The rule ids a JSON body breaks according to ``schemas/`` (empty: valid)."""
    found: set[str] = set()
    for err in schemas.errors("CreateSnapshotRequest", effective(params)):
        found.update(_rule_of_error(err))
    return found


# ---------------------------------------------------------------------------------------------
# Alphabets, derived from the Tag patterns
# ---------------------------------------------------------------------------------------------
_ASTRAL_END = 0x30000   # planes 0-2: every astral letter/number assigned since Unicode 3.1


def _stable(ch: str) -> bool:
    """Same general category in Unicode 3.2 and today: old and new Java agree about it."""
    return unicodedata.ucd_3_2_0.category(ch) == unicodedata.category(ch)


@dataclass(frozen=True, eq=False)      # identity hash: cheap as a cache key (the tuples are large)
class Alphabet:
    ascii: tuple[str, ...]
    bmp: tuple[str, ...]
    astral: tuple[str, ...]

    def all(self) -> tuple[str, ...]:
        return self.ascii + self.bmp + self.astral


@lru_cache(maxsize=4)
def tag_alphabets(pattern: str) -> tuple[Alphabet, Alphabet]:
    """(characters a tag string may hold, characters it may not) under ``pattern``.

    Only characters whose Unicode category is the same since Unicode 3.2 are kept (a letter
    added recently is no letter for an older Java); unassigned and surrogate code points never.
    """
    matcher = regex.compile(javaregex.translate(pattern))
    ok: list[list[str]] = [[], [], []]
    bad: list[list[str]] = [[], [], []]
    for cp in range(0x09, _ASTRAL_END):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if cat in ("Cs", "Cn") or (cp < 0x20 and ch not in "\t\n\r") or not _stable(ch):
            continue
        bucket = 0 if cp < 0x80 else 1 if cp < 0x10000 else 2
        (ok if matcher.fullmatch(ch) else bad)[bucket].append(ch)
    return (Alphabet(*(tuple(b) for b in ok)), Alphabet(*(tuple(b) for b in bad)))


@lru_cache(maxsize=1)
def description_alphabet() -> Alphabet:
    """Characters for descriptions (no pattern): assigned, not surrogates, no C0/C1 controls."""
    def fine(cp: int) -> bool:
        return unicodedata.category(chr(cp)) not in ("Cs", "Cn", "Cc")
    return Alphabet(tuple(chr(c) for c in range(0x20, 0x7F)),
                    tuple(chr(c) for c in range(0xA0, 0x10000) if fine(c)),
                    tuple(chr(c) for c in range(0x10000, _ASTRAL_END) if fine(c)))


@lru_cache(maxsize=8)
def _ascii_only(alpha: Alphabet) -> Alphabet:
    return Alphabet(alpha.ascii, (), ())


# Characters are decoded from bytes that Hypothesis draws.  Hypothesis makes every character of
# st.text / st.sampled_from a choice of its own (tens of microseconds each), but a st.binary of
# any size one choice (well under a microsecond a byte).  The bytes are ordinary choices (seeded,
# replayable; all-zero bytes, Hypothesis' simplest, decode to the first ASCII character).
_BYTES_PER_CHAR = 3     # a 24-bit number: modulo 3 the tier (ASCII, other BMP, astral), the rest the index
_CHUNK = 16             # a longer string repeats a drawn chunk of at most this many characters


def decode_chars(alpha: Alphabet, raw: bytes) -> str:
    """One character of ``alpha`` per ``_BYTES_PER_CHAR`` bytes of ``raw``, its tiers equally often."""
    tiers = [t for t in (alpha.ascii, alpha.bmp, alpha.astral) if t]
    chars = []
    for i in range(0, len(raw) - _BYTES_PER_CHAR + 1, _BYTES_PER_CHAR):
        number = int.from_bytes(raw[i:i + _BYTES_PER_CHAR], "big")
        tier = tiers[number % len(tiers)]
        chars.append(tier[number // len(tiers) % len(tier)])
    return "".join(chars)


# Strategy objects are cached: Hypothesis checks each new one when it is first drawn from.
@lru_cache(maxsize=1024)
def _integers(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@lru_cache(maxsize=1024)
def _bytes(size: int) -> st.SearchStrategy[bytes]:
    return st.binary(min_size=size, max_size=size)


@lru_cache(maxsize=1024)
def _char_run(alpha: Alphabet, n: int) -> st.SearchStrategy[str]:
    """Exactly ``n`` characters of ``alpha``, drawn as one choice."""
    return _bytes(n * _BYTES_PER_CHAR).map(lambda raw: decode_chars(alpha, raw))


@lru_cache(maxsize=256)
def _text(alpha: Alphabet, lo: int, hi: int) -> st.SearchStrategy[str]:
    """A string of a drawn length in lo..hi: a drawn chunk of characters, repeated (cheap at any length)."""
    @st.composite
    def build(draw: Any) -> str:
        n = draw(_integers(lo, hi))
        if n == 0:
            return ""
        chunk = decode_chars(alpha, draw(_bytes(min(n, _CHUNK) * _BYTES_PER_CHAR)))
        return (chunk * (n // len(chunk) + 1))[:n]
    return build()


_END = 16      # of the 256 values of a length's first byte, this many pick each end


def _length(raw: bytes, lo: int, hi: int) -> int:
    """A length in lo..hi from two drawn bytes, either end 1 time in 16 (ends matter, as in st.integers)."""
    if raw[0] < _END:
        return lo
    if raw[0] >= 256 - _END:
        return hi
    middle = (raw[0] - _END) << 8 | raw[1]          # uniform in 0 .. (256 - 2 * _END) * 256 - 1
    return lo + middle * (hi - lo + 1) // ((256 - 2 * _END) << 8)


def _fit_utf16(text: str, maximum: int) -> str:
    """Shorten ``text`` until its UTF-16 length is within ``maximum`` (avoids length disputes)."""
    excess = utf16_len(text) - maximum
    end = len(text)
    while excess > 0 and end > 1:
        end -= 1
        excess -= 2 if ord(text[end]) > 0xFFFF else 1
    return text[:end]


# ---------------------------------------------------------------------------------------------
# ARNs
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArnParts:
    partition: str
    region: str
    account: str
    gateway: str
    volume: str           # "vol-..."

    def text(self) -> str:
        return (f"arn:{self.partition}:storagegateway:{self.region}:{self.account}:"
                f"gateway/{self.gateway}/volume/{self.volume}")


_ARN_SHAPE = re.compile(r"arn:(?P<partition>[^:]+):storagegateway:(?P<region>[^:]+):(?P<account>[^:]+):"
                        r"gateway/(?P<gateway>.+)/volume/(?P<volume>vol-.+)", re.S)


def parse_arn(arn: str, region: str) -> ArnParts:
    """The parts of a volume ARN (a template in ``region`` if ``arn`` has another shape)."""
    m = _ARN_SHAPE.fullmatch(arn)
    if m:
        return ArnParts(**m.groupdict())
    return ArnParts("aws", region, "111122223333", "sgw-12A3456B", "vol-1122AABB")


def arn_of_length(parts: ArnParts, n: int) -> str:
    """A well-formed ARN of exactly ``n`` characters, as close to ``parts`` as the length allows."""
    base = replace(parts, volume="vol-")
    if len(base.text()) + 1 > n:
        base = ArnParts("aws", "r", "1", "g", "vol-")
    fill = n - len(base.text())
    hexdigits = "0123456789ABCDEF" * (fill // 16 + 1)
    return replace(base, volume="vol-" + hexdigits[:fill]).text()


def missing_arn_for(parts: ArnParts, target: str) -> str:
    """A well-formed ARN of a volume beside the target that (almost surely) does not exist."""
    vol_id = parts.volume[4:]
    for filler in "0F":
        candidate = replace(parts, volume="vol-" + filler * len(vol_id)).text()
        if candidate.lower() != target.lower():
            return candidate
    return replace(parts, volume="vol-" + "E" * (len(vol_id) + 1)).text()


# ---------------------------------------------------------------------------------------------
# Building cases
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Context:
    volume_arn: str
    missing_volume_arn: str
    region: str
    limits: Limits
    arn: ArnParts

    def body(self, description: str = "sgw-conformance", **extra: Any) -> dict[str, Any]:
        return {"VolumeARN": self.volume_arn, "SnapshotDescription": description, **extra}


def _creates(ctx: Context, params: Any, raw_body: bytes | None) -> bool:
    """Whether a success (by a correct or a faulty endpoint) would snapshot the target volume."""
    if raw_body is not None:
        try:
            params = json.loads(raw_body)
        except ValueError:
            return False
    arn = params.get("VolumeARN") if isinstance(params, dict) else None
    return isinstance(arn, str) and arn.lower() == ctx.volume_arn.lower()


def make_case(ctx: Context, rule_id: str, signature: str, *, params: Any = _UNSET,
              raw_body: bytes | None = None, method: str = "POST",
              target: str | None = CREATE_SNAPSHOT_TARGET, content_type: str | None = JSON_CONTENT_TYPE,
              signing: str = "sigv4", point: str | None = None,
              allowed: tuple[Outcome, ...] | None = None) -> Case:
    """A case of ``rule_id``; ``point`` names a case-level dispute and ``allowed`` its answers."""
    rule = RULES[rule_id]
    params = ctx.body() if params is _UNSET and raw_body is None else (None if params is _UNSET else params)
    return Case(rule_id=rule_id, signature=signature, params=params, raw_body=raw_body, method=method,
                target=target, content_type=content_type, signing=signing,
                allowed=allowed if allowed is not None else rule.allowed,
                disputed=dispute(point) if point else rule.disputed,
                creates=_creates(ctx, params, raw_body))


def _tags_case(ctx: Context, rule_id: str, signature: str, tags: Any, **kw: Any) -> Case:
    return make_case(ctx, rule_id, signature, params=ctx.body(Tags=tags), **kw)


def _is_non_ascii(params: Any) -> bool:
    return not json.dumps(params, ensure_ascii=False).isascii()


# ---------------------------------------------------------------------------------------------
# Deterministic boundary cases
# ---------------------------------------------------------------------------------------------
def _n_tags(n: int, key_len: int = 8, value_len: int = 8) -> list[dict[str, str]]:
    return [{"Key": f"{i:03d}".ljust(key_len, "k"), "Value": "v" * value_len} for i in range(n)]


def _accept_boundaries(ctx: Context) -> list[Case]:
    lim = ctx.limits
    d, k, v = lim.description, lim.key, lim.value
    b = "accept.boundaries"
    cases = [
        make_case(ctx, b, "SnapshotDescription/minLength", params=ctx.body("d" * d.min)),
        make_case(ctx, b, "SnapshotDescription/maxLength", params=ctx.body("d" * d.max)),
        # spaces are characters like any other (no pattern): a server that trims before measuring refuses it
        make_case(ctx, b, "SnapshotDescription/minLength/space", params=ctx.body(" " * d.min)),
        _tags_case(ctx, b, "Tags/0", []),
        _tags_case(ctx, b, "Tags/1", _n_tags(1)),
        _tags_case(ctx, b, "Tags/maxItems", _n_tags(lim.tags_max)),
        _tags_case(ctx, b, "Tag.Key/minLength", [{"Key": "k" * k.min, "Value": "v"}]),
        _tags_case(ctx, b, "Tag.Key/maxLength", [{"Key": "k" * k.max, "Value": "v"}]),
        _tags_case(ctx, b, "Tag.Value/minLength", [{"Key": "k", "Value": "v" * v.min}]),
        _tags_case(ctx, b, "Tag.Value/maxLength", [{"Key": "k", "Value": "v" * v.max}]),
        make_case(ctx, b, "all/maxima", params=ctx.body("d" * d.max, Tags=[
            {"Key": f"{i:03d}".ljust(k.max, "k"), "Value": "v" * v.max} for i in range(lim.tags_max)])),
    ]
    return cases


def _accept_other(ctx: Context) -> list[Case]:
    vr, uni = "accept.valid-request", "accept.unicode"
    specials = "_.:/=+-@"
    cases = [
        make_case(ctx, vr, "valid/minimal"),
        # botocore signs Content-Type and X-Amz-Target too: SignedHeaders is the client's choice
        make_case(ctx, vr, "valid/signed-envelope", signing="sigv4-envelope"),
        make_case(ctx, vr, "valid/example", params=ctx.body("snapshot description")),
        _tags_case(ctx, vr, "Tag/special-characters", [{"Key": f"k{specials}", "Value": f"v{specials} 9"}]),
        _tags_case(ctx, vr, "Tag/spaces-and-digits", [{"Key": "Cost Center 42", "Value": "0 1 2"}]),
        make_case(ctx, "accept.null-optional", "Tags/null", params=ctx.body(Tags=None)),
        make_case(ctx, "accept.unknown-member", "unknown-member/string", params=ctx.body(UnknownMember="x")),
        make_case(ctx, "accept.unknown-member", "unknown-member/object",
                  params=ctx.body(Extra={"nested": [1, 2]})),
        # members are ignored (or refused) at every level: a Tag is a structure too
        _tags_case(ctx, "accept.unknown-member", "unknown-member/in-tag",
                   [{"Key": "k", "Value": "v", "Extra": "x"}]),
    ]
    d, k, v = ctx.limits.description, ctx.limits.key, ctx.limits.value
    unicode_bodies: list[tuple[str, Any]] = [
        ("SnapshotDescription/non-ascii", ctx.body("Sauvegarde du 1er août – ☃ 快照 снимок")),
        ("SnapshotDescription/maxLength/non-ascii", ctx.body(("é字" * d.max)[:d.max])),
        ("SnapshotDescription/astral", ctx.body(_fit_utf16("😀𝄞𠀀" * d.max, d.max))),
        ("SnapshotDescription/astral-single", ctx.body("😀")),
        ("Tag.Key/letters-of-many-scripts", ctx.body(Tags=[
            {"Key": "Schlüssel", "Value": "Wert"}, {"Key": "キー", "Value": "値"},
            {"Key": "ключ", "Value": "значение"}, {"Key": "مفتاح", "Value": "قيمة"},
            {"Key": "κλειδί", "Value": "τιμή"}])),
        ("Tag.Key/unicode-numbers-and-spaces", ctx.body(Tags=[
            {"Key": "٣٤\u0966", "Value": "Ⅻ ½"}, {"Key": "a\u3000b\u00a0c", "Value": "x\u2003y"}])),
        ("Tag.Key/astral-letters", ctx.body(Tags=[{"Key": "𐐀𐐨𠀀", "Value": "𝐀"}])),
        ("Tag.Key/maxLength/non-ascii", ctx.body(Tags=[{"Key": "ü" * k.max, "Value": "v"}])),
        ("Tag.Value/maxLength/non-ascii", ctx.body(Tags=[{"Key": "k", "Value": "ß" * v.max}])),
    ]
    cases += [make_case(ctx, uni, sig, params=body) for sig, body in unicode_bodies]
    return cases


def _arn_cases(ctx: Context) -> list[Case]:
    lim, p = ctx.limits.arn, ctx.arn
    arn = p.text()
    cases = [
        make_case(ctx, "validation.VolumeARN.required", "VolumeARN/required",
                  params={"SnapshotDescription": "sgw-conformance"}),
        make_case(ctx, "validation.VolumeARN.null", "VolumeARN/null", params=ctx.body(VolumeARN=None)),
        make_case(ctx, "validation.VolumeARN.minLength", "VolumeARN/minLength-1",
                  params=ctx.body(VolumeARN=arn_of_length(p, lim.min - 1))),
        # "" is present, not absent: a server whose checks skip a falsy value would look it up
        make_case(ctx, "validation.VolumeARN.minLength", "VolumeARN/empty", params=ctx.body(VolumeARN="")),
        _recased(ctx, "validation.VolumeARN.required", "VolumeARN/required/member-case",
                 {"volumeARN": arn, "SnapshotDescription": "sgw-conformance"}),
        make_case(ctx, "validation.VolumeARN.maxLength", "VolumeARN/maxLength+1",
                  params=ctx.body(VolumeARN=arn_of_length(p, lim.max + 1))),
        _unknown_volume_case(ctx, "VolumeARN/minLength/unknown-volume", arn_of_length(p, lim.min)),
        make_case(ctx, "state.unknown-volume", "VolumeARN/maxLength/unknown-volume",
                  params=ctx.body(VolumeARN=arn_of_length(p, lim.max))),
        make_case(ctx, "state.unknown-volume", "VolumeARN/unknown-volume",
                  params=ctx.body(VolumeARN=ctx.missing_volume_arn)),
        make_case(ctx, "state.unknown-volume", "VolumeARN/unknown-gateway",
                  params=ctx.body(VolumeARN=replace(p, gateway="sgw-00000000" if p.gateway != "sgw-00000000"
                                                    else "sgw-FFFFFFFF", volume="vol-00000000").text())),
    ]
    violators = {
        "prefix-missing": arn[len("arn:"):],
        "service-wrong": arn.replace(":storagegateway:", ":ec2:", 1),
        "region-uppercase": replace(p, region=p.region.upper() + "X").text(),
        "account-not-numeric": replace(p, account=p.account + "x").text(),
        "gateway-segment-missing": arn.replace(":gateway/", ":", 1),
        "volume-prefix-missing": replace(p, volume=p.volume[4:] or "1").text(),
        "volume-id-empty": replace(p, volume="vol-").text(),
        "space-in-volume-id": replace(p, volume=p.volume[:6] + " " + p.volume[6:]).text(),
        "leading-space": " " + arn,
        "trailing-space": arn + " ",
        "partition-unknown": replace(p, partition="aws-xx").text(),
    }
    for name, value in violators.items():
        if lim.min <= len(value) <= lim.max and not javaregex.java_fullmatch(lim.pattern or "", value) \
                and not pattern_disputed(value, lim) and not botocore_disputed("VolumeARN", value):
            cases.append(make_case(ctx, "validation.VolumeARN.pattern", f"VolumeARN/pattern/{name}",
                                   params=ctx.body(VolumeARN=value)))
    cases.append(make_case(ctx, "validation.VolumeARN.pattern", "VolumeARN/pattern/partition-eusc",
                           params=ctx.body(VolumeARN=replace(p, partition="aws-eusc").text()),
                           point="partition-eusc", allowed=_LOOKUP_OR_REFUSAL))
    ambiguous = {
        "dialect/nbsp-in-volume-id": replace(p, volume=p.volume[:6] + "\u00a0" + p.volume[6:]).text(),
        "dialect/nel-in-gateway-id": replace(p, gateway=p.gateway + "\u0085x").text(),
    }
    for name, value in ambiguous.items():
        if pattern_disputed(value, lim) and lim.min <= len(value) <= lim.max:
            cases.append(make_case(ctx, "validation.VolumeARN.pattern", f"VolumeARN/pattern/{name}",
                                   params=ctx.body(VolumeARN=value), point="pattern-dialect",
                                   allowed=_LOOKUP_OR_REFUSAL))
    return cases


def _unknown_volume_case(ctx: Context, signature: str, arn: str) -> Case:
    """state.unknown-volume; an ARN of another account than the target's also allows AccessDenied."""
    if parse_arn(arn, ctx.region).account == ctx.arn.account:
        return make_case(ctx, "state.unknown-volume", signature, params=ctx.body(VolumeARN=arn))
    return make_case(ctx, "state.unknown-volume", signature, params=ctx.body(VolumeARN=arn),
                     point="foreign-arn", allowed=_NOT_FOUND_OR_DENIED)


def _recased(ctx: Context, rule_id: str, signature: str, params: dict[str, Any]) -> Case:
    """A required member sent only under another case: member names are case-sensitive (PROTOCOL.md >
    The request), so the member is missing; the wrongly cased one is an unknown member, which a
    strict server may refuse first (dispute point unknown-member): never a success."""
    return make_case(ctx, rule_id, signature, params=params, point="unknown-member",
                     allowed=_REFUSAL_OR_SERIALIZATION)


def _description_cases(ctx: Context) -> list[Case]:
    d = ctx.limits.description
    base = {"VolumeARN": ctx.volume_arn}
    v, sd = "validation.SnapshotDescription", "SnapshotDescription"
    return [
        make_case(ctx, f"{v}.required", f"{sd}/required", params=base),
        make_case(ctx, f"{v}.null", f"{sd}/null", params={**base, "SnapshotDescription": None}),
        make_case(ctx, f"{v}.minLength", f"{sd}/minLength-1", params=ctx.body("x" * (d.min - 1))),
        make_case(ctx, f"{v}.maxLength", f"{sd}/maxLength+1", params=ctx.body("d" * (d.max + 1))),
        make_case(ctx, f"{v}.maxLength", f"{sd}/maxLength+1/non-ascii", params=ctx.body("é" * (d.max + 1))),
        make_case(ctx, f"{v}.maxLength", f"{sd}/maxLength+1/trailing-space",
                  params=ctx.body("d" * d.max + " ")),
        _recased(ctx, f"{v}.required", f"{sd}/required/member-case",
                 {**base, "snapshotDescription": "sgw-conformance"}),
        make_case(ctx, f"{v}.maxLength", f"{sd}/maxLength/astral-utf16",
                  params=ctx.body("d" * (d.max - 1) + "😀"), point="length-units",
                  allowed=_SUCCESS_OR_REFUSAL),
    ]


_KEY_VIOLATORS = {"exclamation": "key!", "hash": "a#b", "tab": "a\tb", "newline": "ab\n",
                  "combining-mark": "e\u0301", "emoji": "tag😀", "asterisk": "k*", "angle-brackets": "<k>",
                  "zero-width-space": "a\u200bb", "comma": "a,b"}


def _tag_cases(ctx: Context) -> list[Case]:
    k, v = ctx.limits.key, ctx.limits.value
    cases = [
        _tags_case(ctx, "validation.Tags.maxItems", "Tags/maxItems+1", _n_tags(ctx.limits.tags_max + 1)),
        _tags_case(ctx, "validation.Tag.Key.required", "Tag.Key/required", [{"Value": "v"}]),
        _tags_case(ctx, "validation.Tag.Key.required", "Tag.Key/null", [{"Key": None, "Value": "v"}]),
        _tags_case(ctx, "validation.Tag.Key.minLength", "Tag.Key/minLength-1",
                   [{"Key": "k" * (k.min - 1), "Value": "v"}]),
        _tags_case(ctx, "validation.Tag.Key.maxLength", "Tag.Key/maxLength+1",
                   [{"Key": "k" * (k.max + 1), "Value": "v"}]),
        _tags_case(ctx, "validation.Tag.Key.maxLength", "Tag.Key/maxLength+1/non-ascii",
                   [{"Key": "ü" * (k.max + 1), "Value": "v"}]),
        _tags_case(ctx, "validation.Tag.Key.maxLength", "Tag.Key/maxLength/astral-utf16",
                   [{"Key": "k" * (k.max - 1) + "𐐀", "Value": "v"}], point="length-units",
                   allowed=_SUCCESS_OR_REFUSAL),
        _tags_case(ctx, "validation.Tag.Key.maxLength", "Tag.Key/maxLength+1/trailing-space",
                   [{"Key": "k" * k.max + " ", "Value": "v"}]),
        _recased(ctx, "validation.Tag.Key.required", "Tag.Key/required/member-case",
                 ctx.body(Tags=[{"key": "k", "Value": "v"}])),
        _tags_case(ctx, "validation.Tag.Value.required", "Tag.Value/required", [{"Key": "k"}]),
        _recased(ctx, "validation.Tag.Value.required", "Tag.Value/required/member-case",
                 ctx.body(Tags=[{"Key": "k", "value": "v"}])),
        _tags_case(ctx, "validation.Tag.Value.required", "Tag.Value/null", [{"Key": "k", "Value": None}]),
        _tags_case(ctx, "validation.Tag.Value.maxLength", "Tag.Value/maxLength+1",
                   [{"Key": "k", "Value": "v" * (v.max + 1)}]),
        _tags_case(ctx, "validation.Tag.Value.maxLength", "Tag.Value/maxLength+1/trailing-space",
                   [{"Key": "k", "Value": "v" * v.max + " "}]),
        _tags_case(ctx, "validation.Tag.Value.maxLength", "Tag.Value/maxLength/astral-utf16",
                   [{"Key": "k", "Value": "v" * (v.max - 1) + "𐐀"}], point="length-units",
                   allowed=_SUCCESS_OR_REFUSAL),
        _tags_case(ctx, "validation.Tag.Key.pattern", "Tag.Key/pattern/second-tag",
                   [{"Key": "fine", "Value": "v"}, {"Key": "not fine!", "Value": "v"}]),
    ]
    for name, key in _KEY_VIOLATORS.items():
        if not java_valid(key, k) and not pattern_disputed(key, k) and k.min <= len(key) <= k.max \
                and not botocore_disputed("Tag.Key", key):
            cases.append(_tags_case(ctx, "validation.Tag.Key.pattern", f"Tag.Key/pattern/{name}",
                                    [{"Key": key, "Value": "v"}]))
    for name in ("exclamation", "combining-mark", "emoji", "angle-brackets"):
        value = _KEY_VIOLATORS[name]
        if not (java_valid(value, v) or pattern_disputed(value, v) or botocore_disputed("Tag.Value", value)):
            cases.append(_tags_case(ctx, "validation.Tag.Value.pattern", f"Tag.Value/pattern/{name}",
                                    [{"Key": "k", "Value": value}]))
    return cases


# member -> (JSON kind -> a value of that kind); the member must hold another kind.
_WRONG_TYPES: dict[str, dict[str, Any]] = {
    "VolumeARN": {"number": 123456789012, "boolean": True, "array": ["arn"], "object": {"arn": "x"}},
    "SnapshotDescription": {"number": 123, "boolean": False, "array": ["d"], "object": {"d": "x"}},
    "Tags": {"number": 1, "string": "k=v", "boolean": True, "object": {"Key": "k", "Value": "v"}},
    "Tag": {"number": 1, "string": "k=v", "boolean": False, "array": ["k", "v"]},
    "Tag.Key": {"number": 7, "boolean": True, "array": ["k"], "object": {"k": "v"}},
    "Tag.Value": {"number": 7.5, "boolean": False, "array": ["v"], "object": {"v": "x"}},
}


def _with_member(ctx: Context, member: str, value: Any) -> dict[str, Any]:
    if member in ("VolumeARN", "SnapshotDescription", "Tags"):
        return {**ctx.body(Tags=[{"Key": "k", "Value": "v"}]), member: value}
    if member == "Tag":
        return ctx.body(Tags=[{"Key": "k", "Value": "v"}, value])
    tag = {"Key": "k", "Value": "v", member.split(".")[1]: value}
    return ctx.body(Tags=[tag])


def _wrong_type_cases(ctx: Context) -> list[Case]:
    """Per member: a number (the coercion trap) or a string, and one structured kind; the rest generated."""
    picks = [(m, k) for m, kinds in _WRONG_TYPES.items() for k in list(kinds)[:1] + list(kinds)[-1:]]
    return [make_case(ctx, "envelope.wrong-json-type", f"{member}/type:{kind}",
                      params=_with_member(ctx, member, _WRONG_TYPES[member][kind])) for member, kind in picks]


def _dumps(params: Any) -> bytes:
    return json.dumps(params, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _envelope_cases(ctx: Context) -> list[Case]:
    body = _dumps(ctx.body())
    ct = "envelope.content-type"
    cases = [
        make_case(ctx, "envelope.target-missing", "X-Amz-Target/missing", target=None),
        make_case(ctx, "envelope.target-unknown", "X-Amz-Target/unknown-operation",
                  target=f"{TARGET_PREFIX}.NoSuchOperation"),
        make_case(ctx, "envelope.target-unknown", "X-Amz-Target/unknown-service",
                  target="NoSuchService_20130630.CreateSnapshot"),
        make_case(ctx, ct, "Content-Type/application-json", content_type="application/json"),
        make_case(ctx, ct, "Content-Type/text-plain", content_type="text/plain"),
        make_case(ctx, ct, "Content-Type/missing", content_type=None),
        replace(make_case(ctx, ct, "Content-Type/charset-parameter",   # tolerated (PROTOCOL.md)
                          content_type=f"{JSON_CONTENT_TYPE}; charset=utf-8", allowed=SUCCESS),
                disputed=None),
        make_case(ctx, "envelope.body-empty", "body/empty", raw_body=b""),
        make_case(ctx, "envelope.body-empty", "body/null", raw_body=b"null"),
    ]
    cases += [make_case(ctx, "envelope.method", f"method/{m}", method=m) for m in ("GET", "PUT", "DELETE")]
    not_json = {"truncated": body[:-1], "brace-only": b"{", "text": b"CreateSnapshot please",
                "single-quotes": body.replace(b'"', b"'"), "missing-value": b'{"VolumeARN":}',
                "trailing-comma": body[:-1] + b",}",
                "xml": b"<CreateSnapshot/>"}
    cases += [make_case(ctx, "envelope.body-not-json", f"body/not-json:{n}", raw_body=raw)
              for n, raw in not_json.items()]
    not_object = {"array": b"[]", "array-of-body": b"[" + body + b"]", "string": b'"CreateSnapshot"',
                  "number": b"42", "boolean": b"true"}
    cases += [make_case(ctx, "envelope.body-not-object", f"body/not-object:{n}", raw_body=raw)
              for n, raw in not_object.items()]
    return cases


def _signing_cases(ctx: Context) -> list[Case]:
    return [make_case(ctx, rule_id, f"signing/{mode}", signing=mode)
            for mode, rule_id in SIGNING_RULES.items()]


def boundary_cases(ctx: Context) -> list[Case]:
    """Every boundary and every kind of defect once, without randomness."""
    return [*_accept_boundaries(ctx), *_accept_other(ctx), *_arn_cases(ctx), *_description_cases(ctx),
            *_tag_cases(ctx), *_wrong_type_cases(ctx), *_envelope_cases(ctx), *_signing_cases(ctx)]


# ---------------------------------------------------------------------------------------------
# Hypothesis strategies
# ---------------------------------------------------------------------------------------------
# Strategies of cases may yield None: a candidate that missed its predicate after a few tries.
# Cases are drawn in batches (see collect), and Hypothesis' own filter/assume would throw away the
# whole batch for one miss; collect drops the Nones instead.
_TRIES = 8


def _such_that(strategy: st.SearchStrategy[Any], predicate: Any) -> st.SearchStrategy[Any]:
    """The first of up to ``_TRIES`` draws of ``strategy`` that satisfies ``predicate``, else None."""
    @st.composite
    def first(draw: Any) -> Any:
        for _ in range(_TRIES):
            value = draw(strategy)
            if predicate(value):
                return value
        return None
    return first()


@lru_cache(maxsize=16)
def descriptions(lim: StringLimits) -> st.SearchStrategy[str]:
    """Valid descriptions of every length, with non-ASCII and astral characters (no length dispute)."""
    return _text(description_alphabet(), lim.min, lim.max).map(lambda s: _fit_utf16(s, lim.max))


def _reserved_key(key: str) -> bool:
    return key.lower().startswith("aws:")   # AWS reserves this prefix for its own tags


def _cut(palette: str, offset: int, n: int) -> str:
    """``n`` characters of ``palette`` read cyclically from ``offset``."""
    if n == 0:
        return ""
    start = offset % len(palette)
    rotated = palette[start:] + palette[:start]
    return (rotated * (n // len(rotated) + 1))[:n]


def _unreserve(key: str) -> str:
    return "k" + key[1:] if _reserved_key(key) else key


_TAG_BYTES = 5      # per tag: key length (2 bytes), value length (2), offset into the palettes (1)


@lru_cache(maxsize=16)
def tag_lists(lims: Limits, lo: int = 0, hi: int | None = None) -> st.SearchStrategy[list[dict[str, str]]]:
    """Lists of valid tags with distinct keys, up to lo..hi long (hi defaults to the schema maximum).

    Keys and values are cut from two drawn palettes (runs of allowed characters); the lengths and
    offsets of all tags come from one drawn byte string, so 50 maximal tags cost five draws.
    """
    k, v = lims.key, lims.value
    key_palettes = _text(tag_alphabets(k.pattern or "")[0], 1, _CHUNK)
    value_palettes = _text(tag_alphabets(v.pattern or "")[0], 1, _CHUNK)

    @st.composite
    def build(draw: Any) -> list[dict[str, str]]:
        n = draw(_integers(lo, lims.tags_max if hi is None else hi))
        if n == 0:
            return []
        key_palette, value_palette = draw(key_palettes), draw(value_palettes)
        raw = draw(_bytes(n * _TAG_BYTES))
        tags: list[dict[str, str]] = []
        seen: set[str] = set()
        for i in range(0, len(raw), _TAG_BYTES):
            klen, vlen = _length(raw[i:i + 2], max(k.min, 1), k.max), _length(raw[i + 2:i + 4], v.min, v.max)
            key = _unreserve(_fit_utf16(_cut(key_palette, raw[i + 4], klen), k.max))
            value = _fit_utf16(_cut(value_palette, raw[i + 4], vlen), v.max)
            if key in seen or pattern_disputed(key, k) or pattern_disputed(value, v):
                continue
            seen.add(key)
            tags.append({"Key": key, "Value": value})
        return tags
    return build()


_TAGS_MEMBER = st.sampled_from(("absent", "list", "list", "null"))


def valid_bodies(ctx: Context) -> st.SearchStrategy[dict[str, Any]]:
    lims = ctx.limits
    ascii_descriptions = _text(_ascii_only(description_alphabet()), 1, lims.description.max)

    @st.composite
    def build(draw: Any) -> dict[str, Any]:
        tags = draw(_TAGS_MEMBER)
        if tags == "null":      # only the null is on trial: an ASCII description
            return ctx.body(draw(ascii_descriptions), Tags=None)
        body = ctx.body(draw(descriptions(lims.description)))
        if tags == "list":
            body["Tags"] = draw(tag_lists(lims))
        return body
    return build()


def _valid_case(ctx: Context, body: dict[str, Any]) -> Case:
    if "Tags" in body and body["Tags"] is None:
        return make_case(ctx, "accept.null-optional", "Tags/null/gen", params=body)
    if _is_non_ascii(body):
        return make_case(ctx, "accept.unicode", "unicode/gen", params=body)
    return make_case(ctx, "accept.valid-request", "valid/gen", params=body)


@st.composite
def _with_one_bad_tag(draw: Any, ctx: Context,
                      bad: st.SearchStrategy[dict[str, Any] | None]) -> list[Any] | None:
    tags: list[Any] = draw(tag_lists(ctx.limits, 0, min(5, ctx.limits.tags_max - 1)))
    broken = draw(bad)
    if broken is None:
        return None
    tags = [t for t in tags if t["Key"] != broken.get("Key")]
    tags.insert(draw(_integers(0, len(tags))), broken)
    return tags


def _bad_strings(lim: StringLimits, member: str) -> st.SearchStrategy[str | None]:
    """Strings of a valid length holding at least one character the pattern refuses."""
    ok, bad = tag_alphabets(lim.pattern or "")

    @st.composite
    def build(draw: Any) -> str:
        text = draw(_text(ok, 0, min(max(lim.max - 1, 1), 40)))
        pos = draw(_integers(0, len(text)))
        return _fit_utf16(text[:pos] + draw(_char_run(bad, 1)) + text[pos:], lim.max)
    return _such_that(build(), lambda s: len(s) >= max(lim.min, 1) and not java_valid(s, lim)
                      and not pattern_disputed(s, lim) and not length_disputed(s, lim)
                      and not botocore_disputed(member, s))


def _too_long(alpha: Alphabet, lim: StringLimits, extra: int) -> st.SearchStrategy[str]:
    return _text(alpha, lim.max + 1, lim.max + extra)


def _bad_tag_cases(ctx: Context) -> dict[str, st.SearchStrategy[Case | None]]:
    k, v = ctx.limits.key, ctx.limits.value
    ok_k, _ = tag_alphabets(k.pattern or "")
    ok_v, _ = tag_alphabets(v.pattern or "")

    def tagged(rule_id: str, sig: str, member: str, other: dict[str, str],
               bad: st.SearchStrategy[str | None]) -> st.SearchStrategy[Case | None]:
        tags = _with_one_bad_tag(ctx, bad.map(lambda x: None if x is None else {**other, member: x}))
        return tags.map(lambda t: None if t is None else _tags_case(ctx, rule_id, sig, t))

    long_key = _such_that(_too_long(ok_k, k, 200), lambda s: not pattern_disputed(s, k))
    long_value = _such_that(_too_long(ok_v, v, 300), lambda s: not pattern_disputed(s, v))
    return {
        "Tag.Key/maxLength": tagged("validation.Tag.Key.maxLength", "Tag.Key/maxLength/gen",
                                    "Key", {"Value": "v"}, long_key),
        "Tag.Key/pattern": tagged("validation.Tag.Key.pattern", "Tag.Key/pattern/gen",
                                  "Key", {"Value": "v"}, _bad_strings(k, "Tag.Key")),
        "Tag.Value/maxLength": tagged("validation.Tag.Value.maxLength", "Tag.Value/maxLength/gen",
                                      "Value", {"Key": "k0"}, long_value),
        "Tag.Value/pattern": tagged("validation.Tag.Value.pattern", "Tag.Value/pattern/gen",
                                    "Value", {"Key": "k0"}, _bad_strings(v, "Tag.Value")),
    }


_TAG_FILLERS = ("", "v", "value")


@st.composite
def _too_many_tags(draw: Any, ctx: Context) -> Case:
    n = draw(_integers(ctx.limits.tags_max + 1, ctx.limits.tags_max + 30))
    fillers = draw(_bytes(n))
    tags = [{"Key": f"k{i}", "Value": _TAG_FILLERS[b % len(_TAG_FILLERS)]} for i, b in enumerate(fillers)]
    return _tags_case(ctx, "validation.Tags.maxItems", "Tags/maxItems/gen", tags)


_ARN_EDITS = st.sampled_from(("replace", "insert", "delete"))
_ARN_EDIT_CHARS = st.one_of(st.sampled_from(" :/-_.#@A0zZ\t"),
                            st.characters(codec="utf-8", exclude_categories=["Cs"]))


@st.composite
def _arn_pattern_violation(draw: Any, ctx: Context) -> Case | None:
    lim, arn = ctx.limits.arn, ctx.volume_arn
    structural_end = max(arn.find("/volume/vol-") + len("/volume/vol-"), 1)
    pos = draw(_integers(0, min(structural_end, len(arn) - 1)))
    op = draw(_ARN_EDITS)
    ch = draw(_ARN_EDIT_CHARS)
    value = {"replace": arn[:pos] + ch + arn[pos + 1:], "insert": arn[:pos] + ch + arn[pos:],
             "delete": arn[:pos] + arn[pos + 1:]}[op]
    ok = (lim.min <= len(value) <= lim.max and not javaregex.java_fullmatch(lim.pattern or "", value)
          and not pattern_disputed(value, lim) and not botocore_disputed("VolumeARN", value))
    if not ok:
        return None
    return make_case(ctx, "validation.VolumeARN.pattern", "VolumeARN/pattern/gen",
                     params=ctx.body(VolumeARN=value))


def _hex(size: int) -> st.SearchStrategy[str]:
    """``size`` upper-case hex digits (drawn as bytes)."""
    return _bytes((size + 1) // 2).map(lambda b: b.hex()[:size].upper())


def _unknown_volume(ctx: Context) -> st.SearchStrategy[Case | None]:
    def build(gw: str, vol: str, keep_gateway: bool) -> Case | None:
        gateway = ctx.arn.gateway if keep_gateway else "sgw-" + gw
        arn = replace(ctx.arn, volume="vol-" + vol, gateway=gateway).text()
        if arn.lower() == ctx.volume_arn.lower() or not java_valid(arn, ctx.limits.arn):
            return None
        return make_case(ctx, "state.unknown-volume", "VolumeARN/unknown-volume/gen",
                         params=ctx.body(VolumeARN=arn))
    return st.builds(build, _hex(8), st.one_of(_hex(8), _hex(17)), st.booleans())


_JSON_SCALARS = st.one_of(st.integers(-(2**53), 2**53), st.floats(allow_nan=False, allow_infinity=False),
                          st.booleans(), st.text(max_size=20))
_JSON = st.recursive(st.none() | _JSON_SCALARS,
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                  max_size=3), max_leaves=6)


def _wrong_type(ctx: Context) -> st.SearchStrategy[Case]:
    kinds: dict[str, st.SearchStrategy[Any]] = {
        "number": st.integers(-(2**31), 2**31) | st.floats(allow_nan=False, allow_infinity=False),
        "boolean": st.booleans(),
        "string": st.text(max_size=20),
        "array": st.lists(_JSON_SCALARS, max_size=3),
        "object": st.dictionaries(st.text(max_size=8), _JSON_SCALARS, max_size=3),
    }
    pairs = st.sampled_from([(m, k) for m, ks in _WRONG_TYPES.items() for k in ks])

    @st.composite
    def build(draw: Any) -> Case:
        member, kind = draw(pairs)
        return make_case(ctx, "envelope.wrong-json-type", f"{member}/type:{kind}/gen",
                         params=_with_member(ctx, member, draw(kinds[kind])))
    return build()


_LETTERS = Alphabet(tuple(string.ascii_letters), (), ())
_LETTERS_DIGITS = Alphabet(tuple(string.ascii_letters + string.digits), (), ())


@st.composite
def _names(draw: Any, first: Alphabet, rest: Alphabet, longest: int) -> str:
    """An identifier: one character of ``first``, then up to ``longest - 1`` of ``rest``."""
    return draw(_char_run(first, 1)) + draw(_text(rest, 0, longest - 1))


def _unknown_member(ctx: Context) -> st.SearchStrategy[Case | None]:
    known = {m.lower() for m in ctx.limits.members}

    def build(name: str, value: Any) -> Case | None:
        if name.lower() in known:
            return None
        return make_case(ctx, "accept.unknown-member", "unknown-member/gen", params=ctx.body(**{name: value}))
    return st.builds(build, _names(_LETTERS, _LETTERS_DIGITS, 25), _JSON)


def _strictly_not_json(raw: bytes) -> bool:
    """No JSON value parses from the start of ``raw`` (not even leniently), and it is not blank."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if not text.strip():
        return False
    try:
        json.JSONDecoder().raw_decode(text.lstrip())
    except ValueError:
        return True
    return False


_BREAKS = st.sampled_from(("truncate", "replace", "delete"))
_JUNK = st.sampled_from(b"{}[]:,'\\x ")


def _not_json(ctx: Context) -> st.SearchStrategy[Case | None]:
    @st.composite
    def build(draw: Any) -> Case | None:
        body = _dumps(ctx.body(draw(descriptions(ctx.limits.description))))
        op = draw(_BREAKS)
        structural = [i for i, c in enumerate(body) if c in b'{}:,"'] if op != "truncate" else []
        pos = structural[draw(_integers(0, len(structural) - 1))] if structural \
            else draw(_integers(1, len(body) - 1))
        junk = bytes([draw(_JUNK)])
        raw = {"truncate": body[:pos], "replace": body[:pos] + junk + body[pos + 1:],
               "delete": body[:pos] + body[pos + 1:]}[op]
        if not _strictly_not_json(raw):
            return None
        return make_case(ctx, "envelope.body-not-json", f"body/not-json:{op}/gen", raw_body=raw)
    return build()


def _not_object(ctx: Context) -> st.SearchStrategy[Case]:
    values = st.one_of(_JSON_SCALARS, st.lists(_JSON, max_size=4))
    return values.map(lambda v: make_case(ctx, "envelope.body-not-object", "body/not-object/gen",
                                          raw_body=_dumps(v)))


def _signing(ctx: Context) -> st.SearchStrategy[Case]:
    return st.builds(lambda body, mode: make_case(ctx, SIGNING_RULES[mode], f"signing/{mode}/gen",
                                                  params=body, signing=mode),
                     valid_bodies(ctx), st.sampled_from(sorted(SIGNING_RULES)))


_UPPER = Alphabet(tuple(string.ascii_uppercase), (), ())


def _unknown_target(ctx: Context) -> st.SearchStrategy[Case]:
    return _names(_UPPER, _LETTERS, 21).map(lambda n: make_case(
        ctx, "envelope.target-unknown", "X-Amz-Target/unknown/gen", target=f"{TARGET_PREFIX}.NoSuch{n}"))


def generated_kinds(ctx: Context) -> dict[str, tuple[int, st.SearchStrategy[Case | None]]]:
    """Kind -> (weight: cases in the ci profile, strategy of cases)."""
    lims = ctx.limits
    kinds: dict[str, tuple[int, st.SearchStrategy[Case | None]]] = {
        "valid": (140, valid_bodies(ctx).map(lambda b: _valid_case(ctx, b))),
        "SnapshotDescription/maxLength": (15, _too_long(description_alphabet(), lims.description, 300).map(
            lambda s: make_case(ctx, "validation.SnapshotDescription.maxLength",
                                "SnapshotDescription/maxLength/gen", params=ctx.body(s)))),
        "VolumeARN/pattern": (30, _arn_pattern_violation(ctx)),
        "VolumeARN/maxLength": (8, st.integers(lims.arn.max + 1, lims.arn.max + 200).map(
            lambda n: make_case(ctx, "validation.VolumeARN.maxLength", "VolumeARN/maxLength/gen",
                                params=ctx.body(VolumeARN=arn_of_length(ctx.arn, n))))),
        "state.unknown-volume": (15, _unknown_volume(ctx)),
        "Tags/maxItems": (5, _too_many_tags(ctx)),
        "wrong-type": (20, _wrong_type(ctx)),
        "unknown-member": (10, _unknown_member(ctx)),
        "not-json": (15, _not_json(ctx)),
        "not-object": (6, _not_object(ctx)),
        "signing": (27, _signing(ctx)),
        "target-unknown": (4, _unknown_target(ctx)),
    }
    weights = {"Tag.Key/maxLength": 15, "Tag.Key/pattern": 30, "Tag.Value/maxLength": 15,
               "Tag.Value/pattern": 15}
    for name, strategy in _bad_tag_cases(ctx).items():
        kinds[name] = (weights[name], strategy)
    return kinds


# ---------------------------------------------------------------------------------------------
# Collecting cases from Hypothesis
# ---------------------------------------------------------------------------------------------
# Pure generation: no example database, no shrinking or replay, no deadline, no health checks.
# One example is a batch of cases, so the engine's per-example cost is shared by up to _BATCH
# cases, and a run asks for at most ten examples (with Hypothesis' default provider, from the
# eleventh on the generate phase also mutates and re-runs earlier examples, which costs more than
# it adds here).  Measured on the ci profile: one case per example, 0.29 s; batches, 0.20 s.
_RUN_EXAMPLES = 10
_BATCH = 12


# Hypothesis' provider now and then (5% of draws) returns a constant instead of a random value:
# one of its own edge cases (-0.0, 2**63, odd Unicode...) or one found in the source of every
# "local" module loaded at the time (the calling script, the CLI, a user's package, ...).  The
# latter made the same seed give other cases under `sgw-conformance run`, the pytest plugin or a
# bench script.  Cases are therefore drawn by Hypothesis' provider with its own constants only
# (a "backend", in Hypothesis' terms); where this Hypothesis lacks those hooks, by its default.
_BACKEND = "sgw-conformance"


def _backend_settings() -> dict[str, Any]:
    """``settings`` arguments selecting that provider (none if this Hypothesis cannot have it)."""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.conjecture.choice import choice_constraints_key, choice_permitted
        own_constants, base = providers.GLOBAL_CONSTANTS, providers.HypothesisProvider
    except (ImportError, AttributeError):
        return {}
    pools: dict[Any, tuple[Any, ...]] = {}

    def maybe_draw_constant(self: Any, choice_type: Any, constraints: Any, *, p: float = 0.05) -> Any:
        if self._random.random() > p:
            return None
        key = (choice_type, choice_constraints_key(choice_type, constraints))
        if key not in pools:
            pools[key] = tuple(c for c in own_constants.set_for_type(choice_type)
                               if choice_permitted(c, constraints))
        return self._random.choice(pools[key]) if pools[key] else None

    providers.AVAILABLE_PROVIDERS.setdefault(
        _BACKEND, type("OwnConstantsProvider", (base,), {"_maybe_draw_constant": maybe_draw_constant}))
    try:
        settings(backend=_BACKEND)
    except (InvalidArgument, TypeError):
        return {}
    return {"backend": _BACKEND}


# Every setting that matters is explicit: a profile the calling program loaded must not leak in.
_GENERATE_ONLY = settings(database=None, phases=[Phase.generate], deadline=None, derandomize=False,
                          suppress_health_check=list(HealthCheck), print_blob=False,
                          verbosity=Verbosity.quiet, max_examples=_RUN_EXAMPLES, **_backend_settings())


def _run(strategy: st.SearchStrategy[Any], examples: int, seed: str | None) -> list[Any]:
    """The examples of one Hypothesis run (the same seed: the same list)."""
    out: list[Any] = []

    @settings(_GENERATE_ONLY, max_examples=examples)
    @given(strategy)
    def draw(example: Any) -> None:
        out.append(example)

    if seed is not None:
        draw = hypothesis_seed(seed)(draw)
    draw()
    return out


def collect(strategy: st.SearchStrategy[Case | None], n: int, seed: str | None,
            seen: set[tuple[Any, ...]]) -> list[Case]:
    """Up to ``n`` cases of ``strategy`` not in ``seen`` (added to it), run after run.

    The runs go on until ``n`` new cases are found or a run finds none; run ``i`` is seeded
    ``f"{seed}/{i}"``.  A run's first example is Hypothesis' simplest, the same whatever the
    seed: it is taken last, so that a small quota (the quick profile) is filled by seeded draws.
    """
    batch = min(_BATCH, -(-n // (_RUN_EXAMPLES - 2)))
    batches = st.lists(strategy, min_size=batch, max_size=batch)
    out: list[Case] = []
    for run in itertools.count():
        found = len(out)
        examples = _run(batches, min(_RUN_EXAMPLES, -(-(n - found) // batch) + 2),
                        None if seed is None else f"{seed}/{run}")
        for cases in examples[1:] + examples[:1]:
            out += _unseen((c for c in cases if c is not None), seen, n - len(out))
        if len(out) >= n or len(out) == found:
            break
    return out


def _key(case: Case) -> tuple[Any, ...]:
    body = case.raw_body if case.raw_body is not None else _dumps(case.params)
    return (case.rule_id, case.signing, case.method, case.target, case.content_type, body)


def _unseen(cases: Iterable[Case], seen: set[tuple[Any, ...]], limit: int | None = None) -> list[Case]:
    """Up to ``limit`` cases whose key is not in ``seen`` yet, each once (their keys are added)."""
    out: list[Case] = []
    for case in cases:
        if limit is not None and len(out) >= limit:
            break
        key = _key(case)
        if key not in seen:
            seen.add(key)
            out.append(case)
    return out


def make_context(volume_arn: str, region: str, missing_volume_arn: str | None = None) -> Context:
    parts = parse_arn(volume_arn, region)
    missing = missing_volume_arn or missing_arn_for(parts, volume_arn)
    return Context(volume_arn, missing, region, limits(), parts)


def generate_cases(volume_arn: str, region: str, profile: str = "ci", seed: int | None = 0,
                   missing_volume_arn: str | None = None) -> list[Case]:
    """Boundary cases followed by generated ones; the same seed and profile give the same list.

    ``seed=None`` draws fresh random cases.  ``missing_volume_arn`` is a well-formed ARN of a
    volume known not to exist (default: the target's ARN with its volume id zeroed).
    """
    if profile not in PROFILES:
        raise UsageError(f"unknown profile {profile!r} (choose from {', '.join(PROFILES)})")
    ctx = make_context(volume_arn, region, missing_volume_arn)
    seen: set[tuple[Any, ...]] = set()
    cases = _unseen(boundary_cases(ctx), seen)
    factor = PROFILES[profile]
    for kind, (weight, strategy) in generated_kinds(ctx).items():
        kind_seed = None if seed is None else f"{seed}/{kind}"
        cases += collect(strategy, max(1, round(weight * factor)), kind_seed, seen)
    return cases
