"""java.util.regex semantics for the API reference's patterns.

AWS validates the reference's patterns with ``java.util.regex`` as a whole-string
match (``Matcher.matches()``).  Python's ``re`` and ECMA-262 read the same pattern
text differently (``.``, ``\\s``, ``\\S``, ``\\d``, anchors), so this module translates
a Java pattern into the ``regex`` library's syntax with Java's meaning, and can also
evaluate it the way a Python or an ECMA (JSON Schema, OpenAPI) tool would.  A value
whose verdict differs between those dialects is *ambiguous*: the suite never uses it
as a must-accept or must-reject case.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

import regex

Dialect = Literal["java", "python", "ecma"]
DIALECTS: tuple[Dialect, ...] = ("java", "python", "ecma")

# java.util.regex, no flags: '.' excludes the line terminators below; \s is ASCII-only.
JAVA_LINE_TERMINATORS = "\\n\\r\\u0085\\u2028\\u2029"
JAVA_SPACE = "\\t\\n\\x0b\\f\\r "
JAVA_DIGIT = "0-9"
JAVA_WORD = "a-zA-Z0-9_"
# ECMA-262 (u flag): '.' excludes LineTerminator; \s is WhiteSpace + LineTerminator.
ECMA_LINE_TERMINATORS = "\\n\\r\\u2028\\u2029"
ECMA_SPACE = (
    "\\t\\n\\x0b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)

_TABLES: dict[str, dict[str, tuple[str, str]]] = {
    # escape -> (outside a class, inside a class)
    "java": {
        "s": (f"[{JAVA_SPACE}]", JAVA_SPACE),
        "S": (f"[^{JAVA_SPACE}]", ""),
        "d": (f"[{JAVA_DIGIT}]", JAVA_DIGIT),
        "D": (f"[^{JAVA_DIGIT}]", ""),
        "w": (f"[{JAVA_WORD}]", JAVA_WORD),
        "W": (f"[^{JAVA_WORD}]", ""),
        "A": ("\\A", ""),
        "z": ("\\Z", ""),
    },
    "ecma": {
        "s": (f"[{ECMA_SPACE}]", ECMA_SPACE),
        "S": (f"[^{ECMA_SPACE}]", ""),
        "d": (f"[{JAVA_DIGIT}]", JAVA_DIGIT),
        "D": (f"[^{JAVA_DIGIT}]", ""),
        "w": (f"[{JAVA_WORD}]", JAVA_WORD),
        "W": (f"[^{JAVA_WORD}]", ""),
        # ECMA has no \A or \z; a tool translating them uses ^ and $ (whole input without m).
        "A": ("\\A", ""),
        "z": ("\\Z", ""),
    },
}
_DOT = {"java": f"[^{JAVA_LINE_TERMINATORS}]", "ecma": f"[^{ECMA_LINE_TERMINATORS}]"}
# Java's '$' (no MULTILINE) and '\Z': the end of input, or before one final line terminator
# ("\r\n" counts as one; never between its '\r' and '\n').  ECMA's '$' (no m flag): the end only.
JAVA_END_BEFORE_TERMINATOR = "(?=(?:\\r\\n|(?<!\\r)\\n|[\\r\\u0085\\u2028\\u2029])?\\Z)"
_DOLLAR = {"java": JAVA_END_BEFORE_TERMINATOR, "ecma": "\\Z"}
_TABLES["java"]["Z"] = (JAVA_END_BEFORE_TERMINATOR, "")


class UnsupportedPattern(ValueError):
    """The pattern uses a construct this translator does not handle faithfully."""


def translate(pattern: str, dialect: Literal["java", "ecma"] = "java") -> str:
    """Rewrite ``pattern`` for the ``regex`` library with ``dialect``'s meaning."""
    table, dot, dollar = _TABLES[dialect], _DOT[dialect], _DOLLAR[dialect]
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in table:
                outside, inside = table[nxt]
                if in_class and not inside:
                    raise UnsupportedPattern(f"\\{nxt} inside a character class")
                out.append(inside if in_class else outside)
            elif nxt == "Z":
                raise UnsupportedPattern("\\Z (end before a final terminator)")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]" and out and out[-1] not in ("[", "[^"):
                in_class = False
            out.append(ch)
        elif ch == "[":
            in_class = True
            if pattern.startswith("[^", i):
                out.append("[^")
                i += 2
                continue
            out.append("[")
        elif ch == ".":
            out.append(dot)
        elif ch == "^":
            out.append("\\A")
        elif ch == "$":
            out.append(dollar)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


@lru_cache(maxsize=256)
def _compiled(pattern: str, dialect: Dialect) -> "regex.Pattern[str] | re.Pattern[str]":
    if dialect == "python":
        # What a Python tool would do: the stdlib `re` if it can read the pattern,
        # otherwise the `regex` library (for \p{..}); \z is spelt \Z in Python 3.11.
        text = pattern.replace("\\z", "\\Z")
        try:
            return re.compile(text)
        except re.error:
            return regex.compile(text)
    return regex.compile(translate(pattern, dialect))


def fullmatch(pattern: str, value: str, dialect: Dialect = "java") -> bool:
    """Whether ``value`` matches ``pattern`` as a whole under ``dialect``."""
    return _compiled(pattern, dialect).fullmatch(value) is not None


def java_fullmatch(pattern: str, value: str) -> bool:
    """``Pattern.matches(pattern, value)`` as java.util.regex answers it."""
    return fullmatch(pattern, value, "java")


def verdicts(pattern: str, value: str) -> dict[Dialect, bool]:
    """The whole-match verdict of every dialect."""
    return {d: fullmatch(pattern, value, d) for d in DIALECTS}


def is_ambiguous(pattern: str, value: str) -> bool:
    """True when Java's verdict differs from a Python or an ECMA tool's."""
    return len(set(verdicts(pattern, value).values())) > 1
