"""The generated cases: a Hypothesis strategy of cases for each kind (see :func:`generated_kinds`).

Valid requests cover the whole valid space of ``schemas/`` (descriptions of every length with
non-ASCII and astral characters, tag keys from every allowed Unicode category, empty and maximal
values, 0..50 tags); invalid ones each break exactly one rule.  A strategy of cases may yield
None (a candidate that missed its predicate): the driver drops it.
"""

from __future__ import annotations

import json
import string
from dataclasses import replace
from functools import lru_cache
from typing import Any

from hypothesis import strategies as st

from conformance.protocol.envelope import TARGET_PREFIX, serialise
from conformance.spec import javaregex
from conformance.suite.cases.arns import arn_of_length
from conformance.suite.cases.boundary import WRONG_TYPES, with_member
from conformance.suite.cases.context import Context, make_case, tags_case
from conformance.suite.cases.draws import (
    CHUNK,
    byte_string,
    char_run,
    hex_digits,
    integers,
    length_of,
    names,
    strings,
    such_that,
)
from conformance.suite.cases.limits import (
    Limits,
    StringLimits,
    botocore_disputed,
    java_valid,
    length_disputed,
    pattern_disputed,
)
from conformance.suite.cases.text import Alphabet, ascii_only, description_alphabet, fit_utf16, tag_alphabets
from conformance.suite.model import Case
from conformance.suite.signing import SIGNING_RULES


def _is_non_ascii(params: Any) -> bool:
    return not serialise(params).isascii()


@lru_cache(maxsize=16)
def descriptions(lim: StringLimits) -> st.SearchStrategy[str]:
    """Valid descriptions of every length, with non-ASCII and astral characters (no length dispute)."""
    return strings(description_alphabet(), lim.min, lim.max).map(lambda s: fit_utf16(s, lim.max))


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
    key_palettes = strings(tag_alphabets(k.pattern or "")[0], 1, CHUNK)
    value_palettes = strings(tag_alphabets(v.pattern or "")[0], 1, CHUNK)

    @st.composite
    def build(draw: Any) -> list[dict[str, str]]:
        n = draw(integers(lo, lims.tags_max if hi is None else hi))
        if n == 0:
            return []
        key_palette, value_palette = draw(key_palettes), draw(value_palettes)
        raw = draw(byte_string(n * _TAG_BYTES))
        tags: list[dict[str, str]] = []
        seen: set[str] = set()
        for i in range(0, len(raw), _TAG_BYTES):
            klen = length_of(raw[i:i + 2], max(k.min, 1), k.max)
            vlen = length_of(raw[i + 2:i + 4], v.min, v.max)
            key = _unreserve(fit_utf16(_cut(key_palette, raw[i + 4], klen), k.max))
            value = fit_utf16(_cut(value_palette, raw[i + 4], vlen), v.max)
            if key in seen or pattern_disputed(key, k) or pattern_disputed(value, v):
                continue
            seen.add(key)
            tags.append({"Key": key, "Value": value})
        return tags
    return build()


_TAGS_MEMBER = st.sampled_from(("absent", "list", "list", "null"))


def valid_bodies(ctx: Context) -> st.SearchStrategy[dict[str, Any]]:
    """Valid bodies: Tags absent, a list of valid tags, or null (then with an ASCII description)."""
    lims = ctx.limits
    ascii_descriptions = strings(ascii_only(description_alphabet()), 1, lims.description.max)

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
    """A valid body labelled with the rule it tries most (a null member, Unicode, or none of these)."""
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
    tags.insert(draw(integers(0, len(tags))), broken)
    return tags


def _bad_strings(lim: StringLimits, member: str) -> st.SearchStrategy[str | None]:
    """Strings of a valid length holding at least one character the pattern refuses."""
    ok, bad = tag_alphabets(lim.pattern or "")

    @st.composite
    def build(draw: Any) -> str:
        text = draw(strings(ok, 0, min(max(lim.max - 1, 1), 40)))
        pos = draw(integers(0, len(text)))
        return fit_utf16(text[:pos] + draw(char_run(bad, 1)) + text[pos:], lim.max)
    return such_that(build(), lambda s: len(s) >= max(lim.min, 1) and not java_valid(s, lim)
                     and not pattern_disputed(s, lim) and not length_disputed(s, lim)
                     and not botocore_disputed(member, s))


def _too_long(alpha: Alphabet, lim: StringLimits, extra: int) -> st.SearchStrategy[str]:
    return strings(alpha, lim.max + 1, lim.max + extra)


def _bad_tag_cases(ctx: Context) -> dict[str, st.SearchStrategy[Case | None]]:
    k, v = ctx.limits.key, ctx.limits.value
    ok_k, _ = tag_alphabets(k.pattern or "")
    ok_v, _ = tag_alphabets(v.pattern or "")

    def tagged(rule_id: str, sig: str, member: str, other: dict[str, str],
               bad: st.SearchStrategy[str | None]) -> st.SearchStrategy[Case | None]:
        tags = _with_one_bad_tag(ctx, bad.map(lambda x: None if x is None else {**other, member: x}))
        return tags.map(lambda t: None if t is None else tags_case(ctx, rule_id, sig, t))

    long_key = such_that(_too_long(ok_k, k, 200), lambda s: not pattern_disputed(s, k))
    long_value = such_that(_too_long(ok_v, v, 300), lambda s: not pattern_disputed(s, v))
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
    n = draw(integers(ctx.limits.tags_max + 1, ctx.limits.tags_max + 30))
    fillers = draw(byte_string(n))
    tags = [{"Key": f"k{i}", "Value": _TAG_FILLERS[b % len(_TAG_FILLERS)]} for i, b in enumerate(fillers)]
    return tags_case(ctx, "validation.Tags.maxItems", "Tags/maxItems/gen", tags)


_ARN_EDITS = st.sampled_from(("replace", "insert", "delete"))
_ARN_EDIT_CHARS = st.one_of(st.sampled_from(" :/-_.#@A0zZ\t"),
                            st.characters(codec="utf-8", exclude_categories=["Cs"]))


@st.composite
def _arn_pattern_violation(draw: Any, ctx: Context) -> Case | None:
    lim, arn = ctx.limits.arn, ctx.volume_arn
    structural_end = max(arn.find("/volume/vol-") + len("/volume/vol-"), 1)
    pos = draw(integers(0, min(structural_end, len(arn) - 1)))
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


def _unknown_volume(ctx: Context) -> st.SearchStrategy[Case | None]:
    def build(gw: str, vol: str, keep_gateway: bool) -> Case | None:
        gateway = ctx.arn.gateway if keep_gateway else "sgw-" + gw
        arn = replace(ctx.arn, volume="vol-" + vol, gateway=gateway).text()
        if arn.lower() == ctx.volume_arn.lower() or not java_valid(arn, ctx.limits.arn):
            return None
        return make_case(ctx, "state.unknown-volume", "VolumeARN/unknown-volume/gen",
                         params=ctx.body(VolumeARN=arn))
    return st.builds(build, hex_digits(8), st.one_of(hex_digits(8), hex_digits(17)), st.booleans())


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
    pairs = st.sampled_from([(m, k) for m, ks in WRONG_TYPES.items() for k in ks])

    @st.composite
    def build(draw: Any) -> Case:
        member, kind = draw(pairs)
        return make_case(ctx, "envelope.wrong-json-type", f"{member}/type:{kind}/gen",
                         params=with_member(ctx, member, draw(kinds[kind])))
    return build()


def _unknown_member(ctx: Context) -> st.SearchStrategy[Case | None]:
    known = {m.lower() for m in ctx.limits.members}

    def build(name: str, value: Any) -> Case | None:
        if name.lower() in known:
            return None
        return make_case(ctx, "accept.unknown-member", "unknown-member/gen", params=ctx.body(**{name: value}))
    return st.builds(build, names(_LETTERS, _LETTERS_DIGITS, 25), _JSON)


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
        body = serialise(ctx.body(draw(descriptions(ctx.limits.description))))
        op = draw(_BREAKS)
        structural = [i for i, c in enumerate(body) if c in b'{}:,"'] if op != "truncate" else []
        pos = structural[draw(integers(0, len(structural) - 1))] if structural \
            else draw(integers(1, len(body) - 1))
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
                                          raw_body=serialise(v)))


def _signing(ctx: Context) -> st.SearchStrategy[Case]:
    return st.builds(lambda body, mode: make_case(ctx, SIGNING_RULES[mode], f"signing/{mode}/gen",
                                                  params=body, signing=mode),
                     valid_bodies(ctx), st.sampled_from(sorted(SIGNING_RULES)))


_UPPER = Alphabet(tuple(string.ascii_uppercase), (), ())
_LETTERS = Alphabet(tuple(string.ascii_letters), (), ())
_LETTERS_DIGITS = Alphabet(tuple(string.ascii_letters + string.digits), (), ())


def _unknown_target(ctx: Context) -> st.SearchStrategy[Case]:
    return names(_UPPER, _LETTERS, 21).map(lambda n: make_case(
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


