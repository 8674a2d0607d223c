"""A request's header section as the reference endpoint reads it: fields in order, looked up
without regard to case, and the joined view WSGI hands on (RFC 9110 > 5.3: several lines of a
field are one field, their values joined by commas)."""

from __future__ import annotations

import re
from typing import Any

_HEADER_NAME = re.compile(r"[\x21-\x39\x3b-\x7e]+")   # printable ASCII but ':' (as the e-mail parser)


class SeenHeaders(dict[str, str]):
    """The environ's headers by lower-cased name (a repeated one's values joined by ','): what
    werkzeug's EnvironHeaders gives the application, looked up at a dict's cost."""

    def get(self, name: str, default: Any = None) -> Any:   # type: ignore[override]
        return super().get(name.lower(), default)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())


class Headers:
    """A request's header fields in order, looked up without regard to case (the first one wins).

    Built from the header block's lines: a line starting with a space or a tab continues the
    field before it; a line that is no ``name: value`` ends the fields (the e-mail parser's rule).
    """

    def __init__(self, lines: list[str], lenient: bool = False) -> None:
        fields: list[tuple[str, str]] = []
        for line in lines:
            if line[:1] in (" ", "\t"):
                if fields:
                    fields[-1] = (fields[-1][0], f"{fields[-1][1]} {line.strip()}")
                continue
            name, colon, value = line.partition(":")
            if not colon or not _HEADER_NAME.fullmatch(name):
                if not lenient:
                    break
                if not colon or not _HEADER_NAME.fullmatch(name := name.rstrip(" \t")):
                    continue   # the fault header-lines-lenient: the line skipped, the fields read on
            fields.append((name, value.strip(" \t")))
        self._fields = fields
        self._first: dict[str, str] = {}
        self.joined = joined = SeenHeaders()   # what WSGI hands on: repeated values joined, no '_'
        for name, value in fields:
            key = name.lower()
            self._first.setdefault(key, value)
            if "_" not in key:   # as werkzeug: such a header could pose as another one
                previous = dict.get(joined, key)
                joined[key] = value if previous is None else f"{previous},{value}"

    def get(self, name: str, default: Any = None) -> Any:
        return self._first.get(name.lower(), default)

    def __getitem__(self, name: str) -> str | None:
        return self._first.get(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._first

    def items(self) -> list[tuple[str, str]]:
        return list(self._fields)

    @property
    def fields(self) -> list[tuple[str, str]]:
        """The fields in order, names in the case sent (the list itself: not to be changed)."""
        return self._fields
