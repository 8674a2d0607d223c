"""Cases from the grammar of JSON text (RFC 8259) and from values that have no pattern.

Three families, each a table of bodies built from the context's valid request:

* ``envelope.json-strict``: texts a lenient parser reads as a valid request and a strict one
  (Jackson's defaults, docs/protocol.md > JSON text) refuses: every extension such parsers
  allow, each placed where a lenient reading would succeed;
* ``accept.json-text``: the same request written in other valid ways (whitespace, member
  order, escapes), which must be served alike;
* ``envelope.json-robust``: structures that break naive handlers, answered with a 4xx (or,
  where the sources leave it open, success), never a 5xx;

and ``accept.plain-values``: SnapshotDescription values that only a pattern the page does not
give, or a normalisation it does not make, would refuse.  Public entry: :func:`json_text_cases`.
"""

from __future__ import annotations

import json
from typing import Any

from conformance.suite.cases.context import Context, make_case, tags_case
from conformance.suite.model import Case
from conformance.suite.rules import ANY_4XX, SUCCESS

_EITHER = (*SUCCESS, *ANY_4XX)          # an open point: any answer but a 5xx


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _lenient_bodies(ctx: Context) -> dict[str, bytes]:
    """name -> a body that only a lenient parser reads (as the valid request, so it would succeed)."""
    arn, desc = _text(ctx.volume_arn), _text("sgw-conformance")
    head = f'"VolumeARN": {arn}, "SnapshotDescription": {desc}'
    bodies = {
        "nan": f'{{{head}, "Extra": NaN}}',
        "infinity": f'{{{head}, "Extra": Infinity}}',
        "minus-infinity": f'{{{head}, "Extra": -Infinity}}',
        "block-comment": f'{{/* a comment */ {head}}}',
        "line-comment": f'{{{head} // a comment\n}}',
        "hash-comment": f'{{{head} # a comment\n}}',
        "single-quoted-value": f"{{\"VolumeARN\": {arn}, \"SnapshotDescription\": 'sgw-conformance'}}",
        "unquoted-names": f'{{VolumeARN: {arn}, SnapshotDescription: {desc}}}',
        "trailing-comma-in-array": f'{{{head}, "Tags": [{{"Key": "k", "Value": "v"}},]}}',
        "trailing-comma-in-tag": f'{{{head}, "Tags": [{{"Key": "k", "Value": "v",}}]}}',
        "leading-zero": f'{{{head}, "Extra": 007}}',
        "leading-plus": f'{{{head}, "Extra": +1}}',
        "hex-number": f'{{{head}, "Extra": 0x1F}}',
        "bare-fraction": f'{{{head}, "Extra": .5}}',
        "unescaped-tab": f'{{"VolumeARN": {arn}, "SnapshotDescription": "sgw\tconformance"}}',
        "unescaped-newline": f'{{"VolumeARN": {arn}, "SnapshotDescription": "sgw\nconformance"}}',
        "unescaped-nul": f'{{"VolumeARN": {arn}, "SnapshotDescription": "sgw\x00conformance"}}',
        "invalid-escape": f'{{"VolumeARN": {arn}, "SnapshotDescription": "sgw\\qconformance"}}',
        "trailing-object": f'{{{head}}}{{}}',
        "trailing-text": f'{{{head}}} x',
        "two-objects": f'{{{head}}}\n{{{head}}}',
    }
    raw = {name: text.encode("utf-8") for name, text in bodies.items()}
    # bytes that are not UTF-8 inside a string (a lenient decoder substitutes U+FFFD and succeeds)
    prefix = f'{{"VolumeARN": {arn}, "SnapshotDescription": "sgw'.encode()
    for name, bad in {"latin-1-byte": b"\xe9", "byte-ff": b"\xff", "lone-continuation": b"\x80",
                      "truncated-sequence": b"\xe2\x82"}.items():
        raw[f"not-utf-8:{name}"] = prefix + bad + b'conformance"}'
    return raw


def _equivalent_bodies(ctx: Context) -> dict[str, bytes]:
    """name -> the valid request in another valid RFC 8259 spelling."""
    arn, desc = _text(ctx.volume_arn), _text("sgw-conformance")
    escaped_name = '"\\u0056olume\\u0041RN"'                         # VolumeARN
    solidus = arn.replace("/", "\\/")
    escaped_value = "".join(f"\\u{ord(c):04x}" for c in "sgw-conformance")
    bodies = {
        "whitespace-everywhere": f' \t\r\n{{ \n"VolumeARN"\t:\r\n{arn} ,\n "SnapshotDescription" : {desc}'
                                 f' , "Tags" : [ {{ "Key" : "k" , "Value" : "v" }} ] \n}} \r\n\t',
        "members-reversed": f'{{"Tags": [{{"Value": "v", "Key": "k"}}], "SnapshotDescription": {desc}, '
                            f'"VolumeARN": {arn}}}',
        "escaped-member-name": f'{{{escaped_name}: {arn}, "SnapshotDescription": {desc}}}',
        "escaped-solidus": f'{{"VolumeARN": {solidus}, "SnapshotDescription": {desc}}}',
        "unicode-escapes-in-value": f'{{"VolumeARN": {arn}, "SnapshotDescription": "{escaped_value}"}}',
        "surrogate-pair-escape": f'{{"VolumeARN": {arn}, "SnapshotDescription": "snap \\ud83d\\ude00"}}',
        "empty-tags-spaced": f'{{"VolumeARN": {arn}, "SnapshotDescription": {desc}, "Tags": [ ]}}',
    }
    return {name: text.encode("utf-8") for name, text in bodies.items()}


def _robust_cases(ctx: Context) -> list[Case]:
    r = "envelope.json-robust"
    body = ctx.body()
    arn, desc = _text(ctx.volume_arn), _text("sgw-conformance")
    deep = "[" * 5000 + "]" * 5000
    cases = [
        tags_case(ctx, r, "Tags/null-element", [None]),
        tags_case(ctx, r, "Tags/null-element-after-valid", [{"Key": "k", "Value": "v"}, None]),
        tags_case(ctx, r, "Tags/nested-list", [[{"Key": "k", "Value": "v"}]]),
        tags_case(ctx, r, "Tags/empty-object", [{}]),
        make_case(ctx, r, "SnapshotDescription/very-long", params=ctx.body("d" * 200_000)),
        make_case(ctx, r, "Tag.Key/very-long", params=ctx.body(Tags=[{"Key": "k" * 100_000, "Value": "v"}])),
        make_case(ctx, r, "VolumeARN/very-long", params=ctx.body(VolumeARN=ctx.volume_arn + "0" * 100_000)),
        make_case(ctx, r, "Tags/many", params=ctx.body(Tags=[{"Key": "k", "Value": "v"}] * 5000)),
        # a number where a string belongs, however large, is the wrong type (docs/protocol.md > JSON text)
        make_case(ctx, "envelope.wrong-json-type", "SnapshotDescription/type:huge-number",
                  raw_body=f'{{"VolumeARN": {arn}, "SnapshotDescription": {"9" * 5000}}}'.encode()),
        make_case(ctx, "envelope.wrong-json-type", "SnapshotDescription/type:huge-exponent",
                  raw_body=f'{{"VolumeARN": {arn}, "SnapshotDescription": 1e999999}}'.encode()),
    ]
    open_bodies = {
        "huge-number-in-unknown-member": f'{{"VolumeARN": {arn}, "SnapshotDescription": {desc}, '
                                         f'"Extra": {"9" * 5000}}}',
        "huge-exponent-in-unknown-member": f'{{"VolumeARN": {arn}, "SnapshotDescription": {desc}, '
                                           f'"Extra": 1e999999}}',
        "deep-nesting-in-unknown-member": f'{{"VolumeARN": {arn}, "SnapshotDescription": {desc}, '
                                          f'"Extra": {deep}}}',
        "repeated-member-name": f'{{"VolumeARN": {arn}, "SnapshotDescription": "", '
                                f'"SnapshotDescription": {desc}}}',
        "byte-order-mark": "\ufeff" + json.dumps(body),
    }
    cases += [make_case(ctx, r, f"json/open:{name}", raw_body=text.encode("utf-8"), point="json-open",
                        allowed=_EITHER) for name, text in open_bodies.items()]
    return cases


def _plain_value_cases(ctx: Context) -> list[Case]:
    d = ctx.limits.description
    p = "accept.plain-values"
    combining = ("e\u0301" * d.max)[:d.max]                # 255 code points, ~128 after NFC
    values = {
        "whitespace/ideographic-spaces": "\u3000" * 3,
        "whitespace/no-break-and-em-spaces": "\u00a0\u2003\u2009",
        "whitespace/max": " " * d.max,
        "right-to-left-marks": "\u200fשלום\u200e snapshot \u202b\u202c",
        "combining/at-maxLength": combining,
        "combining/hangul-jamo": "\u1100\u1161\u11a8" * 5,
        "zero-width-joiners": "\U0001f468\u200d\U0001f469\u200d\U0001f467",
        "variation-selectors": "\u2764\ufe0f\u270c\ufe0e",
        "specials-of-every-kind": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
        "html-and-sql-lookalikes": "<script>alert(1)</script> ' OR 1=1 --",
    }
    cases = [make_case(ctx, p, f"SnapshotDescription/{name}", params=ctx.body(value))
             for name, value in values.items()]
    cases.append(make_case(ctx, "validation.SnapshotDescription.maxLength",
                           "SnapshotDescription/maxLength+1/combining",
                           params=ctx.body(("e\u0301" * d.max)[:d.max + 1])))
    open_values = {"nul": "a\x00b", "bell": "a\x07b", "escape": "\x1b[31mred", "unit-separator": "a\x1fb",
                   "delete": "a\x7fb", "c1-control": "a\x85b", "noncharacter-fffe": "a\ufffeb",
                   "noncharacter-fdd0": "a\ufdd0b", "noncharacter-astral": "a\U0010ffffb"}
    cases += [make_case(ctx, p, f"SnapshotDescription/open:{name}", params=ctx.body(value),
                        point="control-characters", allowed=(*SUCCESS, *ANY_4XX))
              for name, value in open_values.items()]
    return cases


def json_text_cases(ctx: Context) -> list[Case]:
    """The JSON text families and the values without a pattern, each case once."""
    cases = [make_case(ctx, "envelope.json-strict", f"json/lenient:{name}", raw_body=raw)
             for name, raw in _lenient_bodies(ctx).items()]
    cases += [make_case(ctx, "accept.json-text", f"json/equivalent:{name}", raw_body=raw)
              for name, raw in _equivalent_bodies(ctx).items()]
    return cases + _robust_cases(ctx) + _plain_value_cases(ctx)

