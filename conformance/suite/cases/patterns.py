"""Cases derived from the structure of each pattern, not from a list of known bugs.

The VolumeARN pattern is read as a syntax tree (the standard library's regex parser reads it:
it uses no construct whose meaning differs between java.util.regex and Python there), and
every atom is exercised on its valid side and just past it:

* every branch of the partition's alternation, and repetitions of its class, must pass
  validation and be looked up; near-miss neighbours of each branch are refused;
* every repetition at its minimum (one character) passes, and below it (empty) is refused;
* anchoring: a valid value with a newline, a space or a NUL before or after it is refused by
  every whole-string dialect (docs/protocol.md > Constraints), so it is no dialect dispute.

The tag key's character class is exercised by Unicode general category: one stable
representative of every category inside ``\\p{L}``, ``\\p{Z}``, ``\\p{N}`` (accepted) and of
the neighbouring ``\\p{M}``, ``\\p{C}``, ``\\p{S}``, ``\\p{P}`` (refused unless listed), and by
the ASCII neighbours of each listed special character.  Every value is judged by the oracle
(:mod:`conformance.spec.javaregex`); a value the dialects or the botocore model dispute is
left out.  Public entry: :func:`pattern_cases`.
"""

from __future__ import annotations

import re._parser as sre_parse  # type: ignore[import-not-found]
import unicodedata
from dataclasses import replace
from functools import lru_cache
from itertools import product
from typing import Any

from conformance.spec import javaregex
from conformance.suite.cases.arns import ArnParts, parse_arn
from conformance.suite.cases.context import Context, make_case, tags_case
from conformance.suite.cases.limits import StringLimits, botocore_disputed, pattern_disputed
from conformance.suite.model import Case

# General categories inside the tag character class, and their neighbours (Cs and Cn left out:
# not characters a JSON string can carry as such, or not stable between Unicode versions).
INSIDE = ("Lu", "Ll", "Lt", "Lm", "Lo", "Zs", "Zl", "Zp", "Nd", "Nl", "No")
NEIGHBOURS = ("Mn", "Mc", "Me", "Cc", "Cf", "Co", "Sm", "Sc", "Sk", "So",
              "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po")
ANCHOR_NOISE = {"newline": "\n", "space": " ", "nul": "\x00", "carriage-return": "\r"}
_MAX_INSTANCES = 16
# Partitions in use (AWS General Reference > partitions), tried besides the tree's own instances.
KNOWN_PARTITIONS = ("aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-isoe")


def _instances(items: Any, minimal: bool = False) -> list[str]:
    """A few strings matching a parsed sequence: each branch, each repeat at its minimum and (unless
    ``minimal``) one more of each member of its class."""
    options: list[list[str]] = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            options.append([chr(arg)])
        elif name == "IN":
            members = [chr(a) if str(o) == "LITERAL" else chr(a[0]) for o, a in arg
                       if str(o) in ("LITERAL", "RANGE")]
            options.append(list(dict.fromkeys(members)) or ["x"])
        elif name == "SUBPATTERN":
            options.append(_instances(arg[-1], minimal))
        elif name == "BRANCH":
            options.append([s for branch in arg[1] for s in _instances(branch, minimal)])
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, _high, sub = arg
            inner = _instances(sub, minimal)
            if minimal:
                options.append([inner[0] * low])
                continue
            more = [x * (low + 1) for x in inner] + [inner[0] * (low + 1) + inner[-1]]
            options.append([inner[0] * low, *more])
        else:
            options.append([""])
    return list(dict.fromkeys("".join(p) for p in product(*options)))[:_MAX_INSTANCES]


def _first_group(pattern: str) -> Any:
    tree = sre_parse.parse(pattern)
    return next(arg[-1] for op, arg in tree.data if str(op) == "SUBPATTERN")


@lru_cache(maxsize=4)
def partitions(pattern: str) -> tuple[str, ...]:
    """Partitions the ARN pattern's first group allows: every branch, its class repetitions."""
    return tuple(dict.fromkeys([*_instances(_first_group(pattern)), *KNOWN_PARTITIONS]))


@lru_cache(maxsize=4)
def branch_minima(pattern: str) -> tuple[str, ...]:
    """The shortest partition of each branch (aws, aws-cn, aws-us-gov, aws-iso)."""
    return tuple(_instances(_first_group(pattern), minimal=True))


def _near_misses(partition: str) -> list[str]:
    return [partition[:-1], partition + "x", partition + ".", partition.upper(), "x" + partition,
            partition.replace("-", "_", 1), partition + ":"]


def _refused(value: str, lim: StringLimits, member: str) -> bool:
    """Refused by java.util.regex inside the lengths, and disputed by no dialect nor the botocore model."""
    return (lim.min <= len(value) <= lim.max and not javaregex.java_fullmatch(lim.pattern or "", value)
            and not pattern_disputed(value, lim) and not botocore_disputed(member, value))


def _valid(value: str, lim: StringLimits) -> bool:
    return (lim.min <= len(value) <= lim.max and javaregex.java_fullmatch(lim.pattern or "", value)
            and not pattern_disputed(value, lim))


def _padded(parts: ArnParts, n: int) -> str:
    """``parts`` with the volume id lengthened until the ARN has at least ``n`` characters."""
    short = n - len(parts.text())
    return parts.text() if short <= 0 else replace(parts, volume=parts.volume + "0" * short).text()


def _arn_cases(ctx: Context) -> list[Case]:
    lim = ctx.limits.arn
    if not lim.pattern:
        return []
    missing = parse_arn(ctx.missing_volume_arn, ctx.region)
    forms, cases = "state.valid-arn-forms", []
    seen: set[str] = set()
    found = partitions(lim.pattern)
    for part in found:
        arn = _padded(replace(missing, partition=part), lim.min)
        if _valid(arn, lim) and arn not in seen:
            seen.add(arn)
            cases.append(make_case(ctx, forms, f"VolumeARN/partition:{part}", params=ctx.body(VolumeARN=arn)))
    # the neighbours of each branch's shortest form (every partition the tree names without repetition)
    for part in branch_minima(lim.pattern):
        for miss in _near_misses(part):
            bad = _padded(replace(missing, partition=miss), lim.min)
            if _refused(bad, lim, "VolumeARN") and bad not in seen:
                seen.add(bad)
                cases.append(make_case(ctx, "validation.VolumeARN.pattern", f"VolumeARN/near-miss:{miss}",
                                       params=ctx.body(VolumeARN=bad)))
    # every repetition at its minimum (one character) and below it (none)
    for field, one in (("region", "a"), ("account", "1"), ("gateway", "g"), ("volume", "vol-0")):
        minimal = _padded(replace(missing, **{field: one}), lim.min)
        if _valid(minimal, lim):
            cases.append(make_case(ctx, forms, f"VolumeARN/minimal:{field}",
                                   params=ctx.body(VolumeARN=minimal)))
        empty = replace(missing, **{field: "vol-" if field == "volume" else ""}).text()
        if _refused(empty, lim, "VolumeARN"):
            cases.append(make_case(ctx, "validation.VolumeARN.pattern", f"VolumeARN/empty:{field}",
                                   params=ctx.body(VolumeARN=empty)))
    for name, noise in ANCHOR_NOISE.items():
        for where, value in (("before", noise + ctx.volume_arn), ("after", ctx.volume_arn + noise)):
            if _refused(value, lim, "VolumeARN"):
                cases.append(make_case(ctx, "validation.VolumeARN.pattern",
                                       f"VolumeARN/anchor:{name}-{where}", params=ctx.body(VolumeARN=value)))
    return cases


@lru_cache(maxsize=1)
def category_representatives() -> dict[str, str]:
    """One character of each general category: the first above ASCII with the same category in
    Unicode 3.2 and today (so that old and new Java agree)."""
    wanted = set(INSIDE) | set(NEIGHBOURS)
    found: dict[str, str] = {}
    for cp in range(0x80, 0x30000):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if cat in wanted and cat not in found and unicodedata.ucd_3_2_0.category(ch) == cat:
            found[cat] = ch
            if len(found) == len(wanted):
                break
    return found


def _tag_key_cases(ctx: Context) -> list[Case]:
    k = ctx.limits.key
    if not k.pattern:
        return []
    cases: list[Case] = []
    for cat, ch in category_representatives().items():
        key = f"k{ch}k"
        if cat in INSIDE and _valid(key, k):
            cases.append(tags_case(ctx, "accept.unicode", f"Tag.Key/category:{cat}",
                                   [{"Key": key, "Value": "v"}]))
        elif cat in NEIGHBOURS and _refused(key, k, "Tag.Key"):
            cases.append(tags_case(ctx, "validation.Tag.Key.pattern", f"Tag.Key/category:{cat}",
                                   [{"Key": key, "Value": "v"}]))
    specials = [c for c in "_.:/=+-@" if javaregex.java_fullmatch(k.pattern, c)]
    neighbours = dict.fromkeys(chr(ord(c) + d) for c in specials for d in (-1, 1))
    for ch in neighbours:
        key = f"k{ch}k"
        if _refused(key, k, "Tag.Key"):
            cases.append(tags_case(ctx, "validation.Tag.Key.pattern",
                                   f"Tag.Key/ascii-neighbour:{ord(ch):02x}", [{"Key": key, "Value": "v"}]))
    for name, noise in ANCHOR_NOISE.items():
        for where, key in (("before", noise + "key"), ("after", "key" + noise)):
            if _refused(key, k, "Tag.Key"):
                cases.append(tags_case(ctx, "validation.Tag.Key.pattern", f"Tag.Key/anchor:{name}-{where}",
                                       [{"Key": key, "Value": "v"}]))
    return cases


def pattern_cases(ctx: Context) -> list[Case]:
    """The VolumeARN and tag key cases derived from their patterns, each once."""
    return _arn_cases(ctx) + _tag_key_cases(ctx)
