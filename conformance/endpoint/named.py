"""Named behaviours of the reference endpoint: the registry entry, its schema edits, the active set.

Faults (:mod:`conformance.endpoint.faults`) and variants (:mod:`conformance.endpoint.variants`)
are both named switches on the endpoint's behaviour.  Each may carry schema edits (:class:`SchemaEdit`)
that the endpoint applies to its own copy of ``schemas/`` at start-up (see
:mod:`conformance.endpoint.validation`), so the committed schemas stay the single source of
the constraints; every other one is consulted by name at the decision point it changes.
:class:`NamedSet` is the set of those switched on, for either registry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from conformance.errors import UsageError


class _Remove:
    """Sentinel: a :class:`SchemaEdit` that deletes the keyword instead of setting it."""

    def __repr__(self) -> str:
        return "REMOVE"


REMOVE: Any = _Remove()


@dataclass(frozen=True)
class SchemaEdit:
    """Set (or, with ``REMOVE``, delete) ``path`` inside the committed schema ``schema``."""

    schema: str                 # a name from conformance.spec.schemas.SCHEMA_NAMES
    path: tuple[str, ...]       # keys from the schema's root to the keyword
    value: Any


# Where the edits point: the request schema, and the members' paths from a schema's root.
REQUEST = "CreateSnapshotRequest"
DESCRIPTION = ("properties", "SnapshotDescription")
VOLUME_ARN = ("properties", "VolumeARN")
TAG_KEY = ("properties", "Key")
TAG_VALUE = ("properties", "Value")


class Named(Protocol):
    """A registry entry: a fault or a variant."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def schema_edits(self) -> tuple[SchemaEdit, ...]: ...


class NamedSet:
    """The active entries of a registry; ``active("name")`` says whether one is on (names are checked).

    A subclass names its registry and what an entry is called (``kind``, for messages).  Entries
    with a ``group`` are alternatives: at most one of a group may be active.
    """

    kind: ClassVar[str]
    registry: ClassVar[Mapping[str, Named]]

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = self.resolve(names)
        # every registry name -> on or off: a decision point asks about 45 times a request
        self._on = {name: name in self.names for name in self.registry}

    @classmethod
    def resolve(cls, names: Iterable[str]) -> frozenset[str]:
        """The named entries; an unknown name, or two of one group, is a UsageError."""
        chosen = frozenset(names)
        unknown = sorted(chosen - cls.registry.keys())
        if unknown:
            raise UsageError(f"unknown {cls.kind} {', '.join(unknown)}; "
                             f"valid {cls.kind}s: {', '.join(cls.registry)}")
        groups: dict[str, list[str]] = {}
        for name in sorted(chosen):
            group = getattr(cls.registry[name], "group", None)
            if group:
                groups.setdefault(str(group), []).append(name)
        clashes = [members for members in groups.values() if len(members) > 1]
        if clashes:
            raise UsageError(f"{cls.kind}s {' and '.join(clashes[0])} are alternatives: choose one")
        return chosen

    @classmethod
    def listing(cls) -> str:
        """One line per entry: name and description (what ``serve --list-<kind>s`` prints)."""
        width = max(len(name) for name in cls.registry)
        return "\n".join(f"{e.name:<{width}}  {e.description}" for e in cls.registry.values())

    def __call__(self, name: str) -> bool:
        try:
            return self._on[name]
        except KeyError:   # a typo at a decision point is a bug
            raise KeyError(f"no such {self.kind}: {name}") from None

    def __bool__(self) -> bool:
        return bool(self.names)

    def schema_edits(self) -> tuple[SchemaEdit, ...]:
        """The active entries' schema edits, in name order, each once (entries may share theirs)."""
        edits: list[SchemaEdit] = []
        for edit in (e for n in sorted(self.names) for e in self.registry[n].schema_edits):
            if edit not in edits:   # (values may be lists: not hashable)
                edits.append(edit)
        return tuple(edits)
