"""The request's limits, read from ``schemas/``, and how a value is judged against them.

Every limit and pattern comes from the schemas (:func:`limits`), never from this package.
Values are judged with :mod:`conformance.spec.javaregex`: a value whose verdict depends on the
regex dialect, on counting code points against UTF-16 units, or on the botocore model's own
pattern is *disputed*; it is never a must-accept or must-reject case.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from conformance.spec import javaregex, schemas
from conformance.spec.text import utf16_len
from conformance.suite import rulebook


@dataclass(frozen=True)
class StringLimits:
    """The length range (in code points) and the pattern of one string member."""

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
    """The limits of CreateSnapshotRequest and Tag as ``schemas/`` states them."""
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


def length_disputed(text: str, lim: StringLimits) -> bool:
    """Whether counting code points and counting UTF-16 units give different verdicts."""
    return (lim.min <= len(text) <= lim.max) != (lim.min <= utf16_len(text) <= lim.max)


def pattern_disputed(text: str, lim: StringLimits) -> bool:
    """Whether regex dialects disagree about ``text`` under the member's pattern."""
    return lim.pattern is not None and javaregex.is_ambiguous(lim.pattern, text)


@lru_cache(maxsize=1)
def _alternatives() -> dict[str, str]:
    return rulebook.load().alternative_patterns()


def botocore_disputed(member: str, text: str) -> bool:
    """The botocore model's own pattern for ``member`` accepts ``text`` (schemas/disputed.json)."""
    other = _alternatives().get(member)
    return other is not None and javaregex.java_fullmatch(other, text)


def java_valid(text: str, lim: StringLimits) -> bool:
    """Valid under java.util.regex, counting code points (undisputed values only)."""
    if not lim.min <= len(text) <= lim.max:
        return False
    return lim.pattern is None or javaregex.java_fullmatch(lim.pattern, text)
