"""The registry of named faults the reference endpoint can inject.

Each fault is ONE deviation from the reference behaviour (the API reference page and
PROTOCOL.md), of a kind a real emulator could plausibly have.  They exist to prove the
suite's checks: with a fault injected, the rule named by :attr:`Fault.rule` must fail.

A fault that only moves a constraint carries :class:`SchemaEdit`s: the emulator applies
them to its own copy of ``schemas/`` at start-up (see :mod:`conformance.validation`), so
the committed schemas stay the single source of the constraints.  Every other fault is
consulted by name at the one decision point it changes (see :mod:`conformance.emulator`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from conformance.errors import UsageError


class _Remove:
    """Sentinel: a :class:`SchemaEdit` that deletes the keyword instead of setting it."""

    def __repr__(self) -> str:
        return "REMOVE"


REMOVE: Any = _Remove()


@dataclass(frozen=True)
class SchemaEdit:
    """Set (or, with ``REMOVE``, delete) ``path`` inside the committed schema ``schema``."""

    schema: str                 # a name from conformance.schemas.SCHEMA_NAMES
    path: tuple[str, ...]       # keys from the schema's root to the keyword
    value: Any


@dataclass(frozen=True)
class Fault:
    name: str
    description: str            # one line, shown by `serve --list-faults`
    rule: str                   # the rule id (conformance.rules) that must fail when injected
    schema_edits: tuple[SchemaEdit, ...] = ()


_REQ = "CreateSnapshotRequest"
_DESC = ("properties", "SnapshotDescription")
_ARN = ("properties", "VolumeARN")
_KEY = ("properties", "Key")
_VALUE = ("properties", "Value")
# Tag keys limited to ASCII letters and digits (plus the same specials): Unicode refused.
ASCII_TAG_KEY_PATTERN = "^([A-Za-z0-9 _.:/=+\\-@]*)$"

_ALL: tuple[Fault, ...] = (
    Fault("description-max-off-by-one", "accepts a 256-character SnapshotDescription",
          "validation.SnapshotDescription.maxLength",
          (SchemaEdit(_REQ, (*_DESC, "maxLength"), 256),)),
    Fault("description-min-unchecked", "accepts an empty SnapshotDescription",
          "validation.SnapshotDescription.minLength",
          (SchemaEdit(_REQ, (*_DESC, "minLength"), REMOVE),)),
    Fault("description-required-unchecked", "accepts a request without SnapshotDescription",
          "validation.SnapshotDescription.required",
          (SchemaEdit(_REQ, ("required",), ["VolumeARN"]),)),
    Fault("volume-arn-pattern-unchecked",
          "does not check the VolumeARN pattern (a malformed ARN is looked up: VolumeNotFound)",
          "validation.VolumeARN.pattern",
          (SchemaEdit(_REQ, (*_ARN, "pattern"), REMOVE),)),
    Fault("volume-arn-min-off-by-one",
          "lets a 49-character well-formed VolumeARN through validation (then VolumeNotFound)",
          "validation.VolumeARN.minLength",
          (SchemaEdit(_REQ, (*_ARN, "minLength"), 49),)),
    Fault("tag-key-pattern-unchecked", "does not check the Tag.Key pattern",
          "validation.Tag.Key.pattern",
          (SchemaEdit("Tag", (*_KEY, "pattern"), REMOVE),)),
    Fault("tag-key-max-off-by-one", "accepts a 129-character tag key",
          "validation.Tag.Key.maxLength",
          (SchemaEdit("Tag", (*_KEY, "maxLength"), 129),)),
    Fault("tag-value-max-off-by-one", "accepts a 257-character tag value",
          "validation.Tag.Value.maxLength",
          (SchemaEdit("Tag", (*_VALUE, "maxLength"), 257),)),
    Fault("tag-key-ascii-only", "tag key pattern is ASCII-only: Unicode letters and digits refused",
          "accept.unicode",
          (SchemaEdit("Tag", (*_KEY, "pattern"), ASCII_TAG_KEY_PATTERN),)),
    Fault("length-in-bytes", "counts lengths in UTF-8 bytes instead of characters",
          "accept.unicode"),
    Fault("null-tags-rejected", "answers \"Tags\": null with SerializationException",
          "accept.null-optional"),
    Fault("wrong-type-coerced", "coerces a number where a string is required, and accepts it",
          "envelope.wrong-json-type"),
    Fault("bad-json-500", "answers a body that is not JSON with HTTP 500",
          "envelope.body-not-json"),
    Fault("validation-500", "sends ValidationException with HTTP 500", "envelope.no-5xx"),
    Fault("error-without-type", "error bodies carry no __type (only message)",
          "response.error-type"),
    Fault("error-type-header-mismatch", "X-Amzn-ErrorType header names another type than the body",
          "response.error-type-header"),
    Fault("error-code-invalid", "error.errorCode outside the enum (VOLUME_NOT_FOUND style)",
          "response.error-shape"),
    Fault("snapshot-id-wrong-form", "SnapshotId is snap- plus 10 hex digits",
          "response.success-schema"),
    Fault("snapshot-id-repeated", "returns the same SnapshotId for every snapshot",
          "state.snapshot-id-unique"),
    Fault("volume-arn-not-echoed", "response VolumeARN is lower-cased, not the request's",
          "response.volume-arn-echo"),
    Fault("unknown-volume-accepted", "snapshots any well-formed VolumeARN (no existence check)",
          "state.unknown-volume"),
    Fault("signature-unchecked", "accepts any signature (a wrong secret succeeds)",
          "authentication.signature"),
    Fault("auth-optional", "serves requests that carry no Authorization header",
          "authentication.missing"),
    Fault("clock-skew-unchecked", "does not compare X-Amz-Date with the clock",
          "authentication.expired"),
    Fault("scope-unchecked", "does not check the credential scope's region and service",
          "authentication.scope-region"),
    Fault("payload-unchecked",
          "trusts the x-amz-content-sha256 header instead of hashing the body received",
          "authentication.payload-hash"),
    Fault("target-missing-accepted", "treats a request without X-Amz-Target as CreateSnapshot",
          "envelope.target-missing"),
)

FAULTS: dict[str, Fault] = {f.name: f for f in _ALL}


def resolve(names: Iterable[str]) -> frozenset[str]:
    """The named faults as a set; an unknown name is a UsageError listing the valid ones."""
    chosen = frozenset(names)
    unknown = sorted(chosen - FAULTS.keys())
    if unknown:
        raise UsageError(f"unknown fault {', '.join(unknown)}; valid faults: {', '.join(FAULTS)}")
    return chosen


def listing() -> str:
    """One line per fault: name and description (what `serve --list-faults` prints)."""
    width = max(len(name) for name in FAULTS)
    return "\n".join(f"{f.name:<{width}}  {f.description}" for f in FAULTS.values())


class FaultSet:
    """The active faults; ``faults("name")`` says whether one is injected (names are checked)."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = resolve(names)

    def __call__(self, name: str) -> bool:
        if name not in FAULTS:
            raise KeyError(f"no such fault: {name}")   # a typo at a decision point is a bug
        return name in self.names

    def __bool__(self) -> bool:
        return bool(self.names)

    def schema_edits(self) -> tuple[SchemaEdit, ...]:
        return tuple(e for n in sorted(self.names) for e in FAULTS[n].schema_edits)
