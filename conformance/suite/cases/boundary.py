"""The deterministic cases: every boundary and every kind of defect once, without randomness.

Limits come from the context (read from ``schemas/``); each must-case breaks exactly one rule.
A value that regex dialects, length units or the botocore model dispute is left out, or sent
as a case-level dispute (``point``) that allows both answers.  Public entry: :func:`boundary_cases`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conformance.protocol.envelope import CREATE_SNAPSHOT_TARGET, JSON_CONTENT_TYPE, TARGET_PREFIX, serialise
from conformance.spec import javaregex
from conformance.suite.cases.arns import arn_of_length, parse_arn
from conformance.suite.cases.context import Context, make_case, tags_case
from conformance.suite.cases.jsontext import json_text_cases
from conformance.suite.cases.limits import botocore_disputed, java_valid, pattern_disputed
from conformance.suite.cases.patterns import pattern_cases
from conformance.suite.cases.text import fit_utf16
from conformance.suite.model import Case
from conformance.suite.rules import ACCESS_DENIED, NOT_FOUND, SERIALIZATION, SUCCESS, VALIDATION
from conformance.suite.signing import MODES, SIGNING_RULES

# Case-level disputes widen the rule's answers with these (see rules.DISPUTES).
# A disputed ARN that passes validation names no volume: the lookup answers; a success is the
# state.unknown-volume rule's failure, not this rule's, so it is allowed here.
_LOOKUP_OR_REFUSAL = (*VALIDATION, *NOT_FOUND, *SUCCESS)
_SUCCESS_OR_REFUSAL = (*VALIDATION, *SUCCESS)
# A missing member beside an unknown one: refused as missing, or for the unknown member (rules.DISPUTES).
_REFUSAL_OR_SERIALIZATION = (*VALIDATION, *SERIALIZATION)
# An ARN of another account may be refused by authorisation before any lookup (rules.DISPUTES).
_NOT_FOUND_OR_DENIED = (*NOT_FOUND, *ACCESS_DENIED)


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
        tags_case(ctx, b, "Tags/0", []),
        tags_case(ctx, b, "Tags/1", _n_tags(1)),
        tags_case(ctx, b, "Tags/maxItems", _n_tags(lim.tags_max)),
        tags_case(ctx, b, "Tag.Key/minLength", [{"Key": "k" * k.min, "Value": "v"}]),
        tags_case(ctx, b, "Tag.Key/maxLength", [{"Key": "k" * k.max, "Value": "v"}]),
        tags_case(ctx, b, "Tag.Value/minLength", [{"Key": "k", "Value": "v" * v.min}]),
        tags_case(ctx, b, "Tag.Value/maxLength", [{"Key": "k", "Value": "v" * v.max}]),
        make_case(ctx, b, "all/maxima", params=ctx.body("d" * d.max, Tags=[
            {"Key": f"{i:03d}".ljust(k.max, "k"), "Value": "v" * v.max} for i in range(lim.tags_max)])),
    ]
    return cases


def _accept_other(ctx: Context) -> list[Case]:
    vr = "accept.valid-request"
    specials = "_.:/=+-@"
    cases = [
        make_case(ctx, vr, "valid/minimal"),
        # botocore signs Content-Type and X-Amz-Target too: SignedHeaders is the client's choice
        make_case(ctx, vr, "valid/signed-envelope", signing="sigv4-envelope"),
        make_case(ctx, vr, "valid/example", params=ctx.body("snapshot description")),
        tags_case(ctx, vr, "Tag/special-characters", [{"Key": f"k{specials}", "Value": f"v{specials} 9"}]),
        tags_case(ctx, vr, "Tag/spaces-and-digits", [{"Key": "Cost Center 42", "Value": "0 1 2"}]),
        make_case(ctx, "accept.null-optional", "Tags/null", params=ctx.body(Tags=None)),
        make_case(ctx, "accept.unknown-member", "unknown-member/string", params=ctx.body(UnknownMember="x")),
        make_case(ctx, "accept.unknown-member", "unknown-member/object",
                  params=ctx.body(Extra={"nested": [1, 2]})),
        # members are ignored (or refused) at every level: a Tag is a structure too
        tags_case(ctx, "accept.unknown-member", "unknown-member/in-tag",
                  [{"Key": "k", "Value": "v", "Extra": "x"}]),
    ]
    return cases + _unicode_cases(ctx)


def _unicode_cases(ctx: Context) -> list[Case]:
    d, k, v = ctx.limits.description, ctx.limits.key, ctx.limits.value
    unicode_bodies: list[tuple[str, Any]] = [
        ("SnapshotDescription/non-ascii", ctx.body("Sauvegarde du 1er août – ☃ 快照 снимок")),
        ("SnapshotDescription/maxLength/non-ascii", ctx.body(("é字" * d.max)[:d.max])),
        ("SnapshotDescription/astral", ctx.body(fit_utf16("😀𝄞𠀀" * d.max, d.max))),
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
    return [make_case(ctx, "accept.unicode", sig, params=body) for sig, body in unicode_bodies]


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
    return cases + _arn_pattern_cases(ctx)


def _arn_pattern_cases(ctx: Context) -> list[Case]:
    """ARNs of a valid length that break the pattern, then the disputed ones."""
    lim, p = ctx.limits.arn, ctx.arn
    arn = p.text()
    cases: list[Case] = []
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
    """A required member sent only under another case: member names are case-sensitive (docs/protocol.md >
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
        tags_case(ctx, "validation.Tags.maxItems", "Tags/maxItems+1", _n_tags(ctx.limits.tags_max + 1)),
        tags_case(ctx, "validation.Tag.Key.required", "Tag.Key/required", [{"Value": "v"}]),
        tags_case(ctx, "validation.Tag.Key.required", "Tag.Key/null", [{"Key": None, "Value": "v"}]),
        tags_case(ctx, "validation.Tag.Key.minLength", "Tag.Key/minLength-1",
                  [{"Key": "k" * (k.min - 1), "Value": "v"}]),
        tags_case(ctx, "validation.Tag.Key.maxLength", "Tag.Key/maxLength+1",
                  [{"Key": "k" * (k.max + 1), "Value": "v"}]),
        tags_case(ctx, "validation.Tag.Key.maxLength", "Tag.Key/maxLength+1/non-ascii",
                  [{"Key": "ü" * (k.max + 1), "Value": "v"}]),
        tags_case(ctx, "validation.Tag.Key.maxLength", "Tag.Key/maxLength/astral-utf16",
                  [{"Key": "k" * (k.max - 1) + "𐐀", "Value": "v"}], point="length-units",
                  allowed=_SUCCESS_OR_REFUSAL),
        tags_case(ctx, "validation.Tag.Key.maxLength", "Tag.Key/maxLength+1/trailing-space",
                  [{"Key": "k" * k.max + " ", "Value": "v"}]),
        _recased(ctx, "validation.Tag.Key.required", "Tag.Key/required/member-case",
                 ctx.body(Tags=[{"key": "k", "Value": "v"}])),
        tags_case(ctx, "validation.Tag.Value.required", "Tag.Value/required", [{"Key": "k"}]),
        _recased(ctx, "validation.Tag.Value.required", "Tag.Value/required/member-case",
                 ctx.body(Tags=[{"Key": "k", "value": "v"}])),
        tags_case(ctx, "validation.Tag.Value.required", "Tag.Value/null", [{"Key": "k", "Value": None}]),
        tags_case(ctx, "validation.Tag.Value.maxLength", "Tag.Value/maxLength+1",
                  [{"Key": "k", "Value": "v" * (v.max + 1)}]),
        tags_case(ctx, "validation.Tag.Value.maxLength", "Tag.Value/maxLength+1/trailing-space",
                  [{"Key": "k", "Value": "v" * v.max + " "}]),
        tags_case(ctx, "validation.Tag.Value.maxLength", "Tag.Value/maxLength/astral-utf16",
                  [{"Key": "k", "Value": "v" * (v.max - 1) + "𐐀"}], point="length-units",
                  allowed=_SUCCESS_OR_REFUSAL),
        tags_case(ctx, "validation.Tag.Key.pattern", "Tag.Key/pattern/second-tag",
                  [{"Key": "fine", "Value": "v"}, {"Key": "not fine!", "Value": "v"}]),
    ]
    return cases + _tag_pattern_cases(ctx)


def _tag_pattern_cases(ctx: Context) -> list[Case]:
    """Tag keys, then tag values, that break their pattern alone (undisputed ones only)."""
    k, v = ctx.limits.key, ctx.limits.value
    cases: list[Case] = []
    for name, key in _KEY_VIOLATORS.items():
        if not java_valid(key, k) and not pattern_disputed(key, k) and k.min <= len(key) <= k.max \
                and not botocore_disputed("Tag.Key", key):
            cases.append(tags_case(ctx, "validation.Tag.Key.pattern", f"Tag.Key/pattern/{name}",
                                  [{"Key": key, "Value": "v"}]))
    for name in ("exclamation", "combining-mark", "emoji", "angle-brackets"):
        value = _KEY_VIOLATORS[name]
        if not (java_valid(value, v) or pattern_disputed(value, v) or botocore_disputed("Tag.Value", value)):
            cases.append(tags_case(ctx, "validation.Tag.Value.pattern", f"Tag.Value/pattern/{name}",
                                  [{"Key": "k", "Value": value}]))
    return cases


# member -> (JSON kind -> a value of that kind); the member must hold another kind.
WRONG_TYPES: dict[str, dict[str, Any]] = {
    "VolumeARN": {"number": 123456789012, "boolean": True, "array": ["arn"], "object": {"arn": "x"}},
    "SnapshotDescription": {"number": 123, "boolean": False, "array": ["d"], "object": {"d": "x"}},
    "Tags": {"number": 1, "string": "k=v", "boolean": True, "object": {"Key": "k", "Value": "v"}},
    "Tag": {"number": 1, "string": "k=v", "boolean": False, "array": ["k", "v"]},
    "Tag.Key": {"number": 7, "boolean": True, "array": ["k"], "object": {"k": "v"}},
    "Tag.Value": {"number": 7.5, "boolean": False, "array": ["v"], "object": {"v": "x"}},
}


def with_member(ctx: Context, member: str, value: Any) -> dict[str, Any]:
    """A body with a tag whose ``member`` holds ``value``: a top-level member, a second tag ("Tag")
    or a member of the tag ("Tag.Key", "Tag.Value")."""
    if member in ("VolumeARN", "SnapshotDescription", "Tags"):
        return {**ctx.body(Tags=[{"Key": "k", "Value": "v"}]), member: value}
    if member == "Tag":
        return ctx.body(Tags=[{"Key": "k", "Value": "v"}, value])
    tag = {"Key": "k", "Value": "v", member.split(".")[1]: value}
    return ctx.body(Tags=[tag])


def _wrong_type_cases(ctx: Context) -> list[Case]:
    """Per member: a number (the coercion trap) or a string, and one structured kind; the rest generated."""
    picks = [(m, k) for m, kinds in WRONG_TYPES.items() for k in list(kinds)[:1] + list(kinds)[-1:]]
    return [make_case(ctx, "envelope.wrong-json-type", f"{member}/type:{kind}",
                      params=with_member(ctx, member, WRONG_TYPES[member][kind])) for member, kind in picks]


def _envelope_cases(ctx: Context) -> list[Case]:
    ct = "envelope.content-type"
    cases = [
        make_case(ctx, "envelope.target-missing", "X-Amz-Target/missing", target=None),
        make_case(ctx, "envelope.target-unknown", "X-Amz-Target/unknown-operation",
                  target=f"{TARGET_PREFIX}.NoSuchOperation"),
        make_case(ctx, "envelope.target-unknown", "X-Amz-Target/unknown-service",
                  target="NoSuchService_20130630.CreateSnapshot"),
        # the target's grammar (docs/protocol.md > The request): exactly the prefix, a dot, the name
        *(make_case(ctx, "envelope.target-unknown", f"X-Amz-Target/{name}", target=value) for name, value in {
            "other-version": CREATE_SNAPSHOT_TARGET.replace("20130630", "20120630"),
            "operation-prefix": CREATE_SNAPSHOT_TARGET[:-4],
            "operation-suffix": CREATE_SNAPSHOT_TARGET + "s",
            "operation-lower-case": CREATE_SNAPSHOT_TARGET.lower(),
            "no-operation": TARGET_PREFIX + ".",
            "no-dot": TARGET_PREFIX + "CreateSnapshot",
        }.items()),
        make_case(ctx, ct, "Content-Type/application-json", content_type="application/json"),
        make_case(ctx, ct, "Content-Type/text-plain", content_type="text/plain"),
        make_case(ctx, ct, "Content-Type/missing", content_type=None),
        # parameters change nothing (docs/protocol.md > The request): served, a MUST
        make_case(ctx, "accept.content-type-parameters", "Content-Type/charset-parameter",
                  content_type=f"{JSON_CONTENT_TYPE}; charset=utf-8"),
        make_case(ctx, "accept.content-type-parameters", "Content-Type/charset-parameter-unspaced",
                  content_type=f"{JSON_CONTENT_TYPE};charset=UTF-8"),
        make_case(ctx, "envelope.body-empty", "body/empty", raw_body=b""),
        make_case(ctx, "envelope.body-empty", "body/null", raw_body=b"null"),
    ]
    cases += [make_case(ctx, "envelope.method", f"method/{m}", method=m) for m in ("GET", "PUT", "DELETE")]
    return cases + _body_cases(ctx)


def _body_cases(ctx: Context) -> list[Case]:
    """Bodies that are not JSON, then JSON bodies that are not objects."""
    body = serialise(ctx.body())
    not_json = {"truncated": body[:-1], "brace-only": b"{", "text": b"CreateSnapshot please",
                "single-quotes": body.replace(b'"', b"'"), "missing-value": b'{"VolumeARN":}',
                "trailing-comma": body[:-1] + b",}",
                "xml": b"<CreateSnapshot/>"}
    cases = [make_case(ctx, "envelope.body-not-json", f"body/not-json:{n}", raw_body=raw)
             for n, raw in not_json.items()]
    not_object = {"array": b"[]", "array-of-body": b"[" + body + b"]", "string": b'"CreateSnapshot"',
                  "number": b"42", "boolean": b"true"}
    cases += [make_case(ctx, "envelope.body-not-object", f"body/not-object:{n}", raw_body=raw)
              for n, raw in not_object.items()]
    return cases


def _order_cases(ctx: Context) -> list[Case]:
    """Pairs of defects in two layers where the sources say which answer wins (docs/protocol.md >
    Order of checks): authentication before the body; every member validated before the lookup."""
    d, first = ctx.limits.description, "envelope.order-auth-first"
    cases = [make_case(ctx, first, f"order/unsigned:{name}", signing="none", raw_body=raw)
             for name, raw in {"not-json": b"{not json", "not-object": b"[]", "empty-object": b"{}"}.items()]
    unknown = {"VolumeARN": ctx.missing_volume_arn}
    cases += [
        make_case(ctx, "validation.SnapshotDescription.maxLength", "order/long-description-unknown-volume",
                  params={**unknown, "SnapshotDescription": "d" * (d.max + 1)}),
        make_case(ctx, "validation.SnapshotDescription.minLength", "order/empty-description-unknown-volume",
                  params={**unknown, "SnapshotDescription": ""}),
        make_case(ctx, "validation.Tag.Key.pattern", "order/bad-tag-key-unknown-volume",
                  params={**unknown, "SnapshotDescription": "d", "Tags": [{"Key": "k!", "Value": "v"}]}),
        make_case(ctx, "validation.Tags.maxItems", "order/too-many-tags-unknown-volume",
                  params={**unknown, "SnapshotDescription": "d", "Tags": _n_tags(ctx.limits.tags_max + 1)}),
    ]
    return cases


def _signing_cases(ctx: Context) -> list[Case]:
    cases = [make_case(ctx, rule_id, f"signing/{mode}", signing=mode)
             for mode, rule_id in SIGNING_RULES.items()]
    # the other correct signatures (clock within the window, spaced header, no x-amz-content-sha256,
    # the Host and header names as sent), each labelled with the rule its refusal breaks
    return cases + [make_case(ctx, m.valid_rule, f"valid/signing:{m.name}", signing=m.name)
                    for m in MODES if m.rule is None and m.name not in ("sigv4", "sigv4-envelope")]


def boundary_cases(ctx: Context) -> list[Case]:
    """Every boundary and every kind of defect once, without randomness."""
    return [*_accept_boundaries(ctx), *_accept_other(ctx), *_arn_cases(ctx), *_description_cases(ctx),
            *_tag_cases(ctx), *_wrong_type_cases(ctx), *_envelope_cases(ctx), *_signing_cases(ctx),
            *_order_cases(ctx), *json_text_cases(ctx), *pattern_cases(ctx)]
