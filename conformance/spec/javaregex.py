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
def _compiled(pattern: str, dialect: Dialect) -> regex.Pattern[str] | re.Pattern[str]:
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


# --- Export: the same verdicts from ECMA-262 and Python `re` *searches* ---------------------
# A JSON Schema / OpenAPI `pattern` is ECMA-262 and is searched, not whole-matched
# (JSON Schema 2020-12 Validation, 6.3.3 "pattern"; OpenAPI 3.1 uses that dialect).  Python
# tools (hypothesis-jsonschema, schemathesis) read the same text with `re`.  `to_ecma` and
# `to_python_re` rewrite a Java pattern so that a search in the target engine gives
# `Pattern.matches`' verdict: the pattern is anchored, Java's `.`, `\s`, `\d`, `\w` are spelt
# out, and a class using `\p{..}` is expanded into explicit ranges taken from the same Unicode
# tables `java_fullmatch` uses, so that every engine agrees with it whatever its own tables.
# Astral characters are written literally: the ECMA text must be read with the `u` flag.

_END_ANCHOR: dict[str, str] = {"ecma": "$", "python": "\\Z"}  # end of input, never before a final "\n"
_SYNTAX = frozenset("^$\\.*+?()[]{}|/")        # identity escapes ECMA's u mode allows outside a class
_CLASS_SYNTAX = frozenset("\\]^-[")            # characters escaped inside a class
_OUTSIDE: dict[str, str] = {
    "s": f"[{JAVA_SPACE}]", "S": f"[^{JAVA_SPACE}]",
    "d": f"[{JAVA_DIGIT}]", "D": f"[^{JAVA_DIGIT}]",
    "w": f"[{JAVA_WORD}]", "W": f"[^{JAVA_WORD}]",
    "t": "\\t", "n": "\\n", "r": "\\r", "f": "\\f", "a": "\\x07", "e": "\\x1b",
}
_SIMPLE_CLASS_ESCAPES: dict[str, int] = {"t": 9, "n": 10, "r": 13, "f": 12, "a": 7, "e": 27}
# An expanded \p{..} class longer than this is refused (the pattern is then left out of the export).
MAX_CLASS_RANGES = 1200
_QUANTIFIER = regex.compile(r"\{[0-9]+(?:,[0-9]*)?\}")


def to_ecma(pattern: str) -> str:
    """ECMA-262 text (``u`` flag) whose search gives ``java_fullmatch(pattern, v)``.

    Raises :class:`UnsupportedPattern` with the reason when no faithful translation exists.
    """
    return f"^(?:{_portable(pattern, _END_ANCHOR['ecma'])})$"


def to_python_re(pattern: str) -> str:
    """Python ``re`` text whose ``re.search`` gives ``java_fullmatch(pattern, v)``.

    Python's ``$`` also matches before a final newline, so the end is ``\\Z``.
    Raises :class:`UnsupportedPattern` with the reason when no faithful translation exists.
    """
    return f"^(?:{_portable(pattern, _END_ANCHOR['python'])})\\Z"


def _portable(pattern: str, end: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        text, i = _atom(pattern, i, end)
        out.append(text)
        if out[-1] and i < len(pattern) and _is_quantifier(out[-1]):
            if pattern[i] == "+":
                raise UnsupportedPattern("possessive quantifier")
            if pattern[i] == "?":
                out.append("?")
                i += 1
    return "".join(out)


def _is_quantifier(text: str) -> bool:
    return text in ("*", "+", "?") or _QUANTIFIER.fullmatch(text) is not None


def _atom(pattern: str, i: int, end: str) -> tuple[str, int]:
    """The translation of the construct starting at ``pattern[i]`` and the index after it."""
    ch = pattern[i]
    if ch == "\\":
        return _escape(pattern, i, end)
    if ch == "[":
        stop = _class_end(pattern, i)
        return _class(pattern[i:stop]), stop
    if ch == "(":
        return _group_open(pattern, i)
    if ch == "{":
        m = _QUANTIFIER.match(pattern, i)
        if m is None:
            raise UnsupportedPattern("'{' that is not a quantifier")
        return m.group(), m.end()
    if ch == "$":
        _require_final(pattern, i + 1, "$")
        return end, i + 1
    simple = {".": f"[^{JAVA_LINE_TERMINATORS}]", "^": "^", "]": "\\]", "}": "\\}"}
    return simple.get(ch, ch if ch in "*+?|)" else _literal(ord(ch))), i + 1


def _escape(pattern: str, i: int, end: str) -> tuple[str, int]:
    if i + 1 >= len(pattern):
        raise UnsupportedPattern("trailing backslash")
    nxt = pattern[i + 1]
    if nxt in _OUTSIDE:
        return _OUTSIDE[nxt], i + 2
    if nxt in "pP":
        stop = _property_end(pattern, i)
        return _class(f"[{pattern[i:stop]}]"), stop
    if nxt == "A":
        return "^", i + 2
    if nxt == "z":
        return end, i + 2
    if nxt == "Z":
        _require_final(pattern, i + 2, "\\Z")
        return end, i + 2
    if nxt in "ux":
        cp, stop = _code_point_escape(pattern, i)
        return _literal(cp), stop
    if nxt.isalnum():
        raise UnsupportedPattern(f"\\{nxt} has no faithful translation here")
    return _literal(ord(nxt)), i + 2


def _require_final(pattern: str, after: int, what: str) -> None:
    # Java's $ and \Z also match before a final line terminator; under matches() that terminator
    # must still be consumed, so they mean "end of input" exactly when nothing can follow them.
    if pattern[after:].strip(")"):
        raise UnsupportedPattern(f"{what} followed by more pattern (Java's end-before-terminator)")


def _group_open(pattern: str, i: int) -> tuple[str, int]:
    for opener in ("(?:", "(?=", "(?!"):
        if pattern.startswith(opener, i):
            return opener, i + 3
    named = regex.match(r"\(\?<([a-zA-Z][a-zA-Z0-9]*)>", pattern[i:])
    if named:
        return "(", i + named.end()          # the name is irrelevant to a verdict
    if pattern.startswith("(?", i):
        raise UnsupportedPattern("inline flags, lookbehind or atomic group")
    return "(", i + 1


def _code_point_escape(pattern: str, i: int) -> tuple[int, int]:
    m = regex.match(r"\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|x\{([0-9a-fA-F]{1,6})\})", pattern[i:])
    if m is None:
        raise UnsupportedPattern(f"malformed escape at {i}")
    cp = int(next(g for g in m.groups() if g), 16)
    if 0xD800 <= cp <= 0xDFFF:
        raise UnsupportedPattern("surrogate code point escape")
    return cp, i + m.end()


def _property_end(pattern: str, i: int) -> int:
    if pattern.startswith("{", i + 2):
        close = pattern.find("}", i + 2)
        if close < 0:
            raise UnsupportedPattern("unterminated \\p{")
        return close + 1
    return i + 3


def _literal(cp: int) -> str:
    """One character outside a class, portable to ECMA (u), Python and Rust."""
    ch = chr(cp)
    if ch in _SYNTAX:
        return "\\" + ch
    return _plain(cp)


def _class_char(cp: int) -> str:
    ch = chr(cp)
    return "\\" + ch if ch in _CLASS_SYNTAX else _plain(cp)


def _plain(cp: int) -> str:
    if 0x20 <= cp < 0x7F:
        return chr(cp)
    if cp > 0xFFFF:
        return chr(cp)                   # astral: literal (ECMA needs the u flag)
    if 0xD800 <= cp <= 0xDFFF:
        raise UnsupportedPattern("surrogate code point in a class")
    return f"\\u{cp:04x}"


def _class_end(pattern: str, i: int) -> int:
    """Index just after the class opening at ``i`` (Java: a leading ']' is literal)."""
    j = i + 1
    if pattern.startswith("^", j):
        j += 1
    if pattern.startswith("]", j):
        j += 1
    while j < len(pattern):
        ch = pattern[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[" or pattern.startswith("&&", j):
            raise UnsupportedPattern("nested class or class intersection")
        if ch == "]":
            return j + 1
        j += 1
    raise UnsupportedPattern("unterminated character class")


def _class(java_class: str) -> str:
    """A Java class rewritten: literally when it only lists characters, else expanded."""
    items = _simple_class_items(java_class)
    if items is None:
        return _expanded_class(java_class)
    negated, parts = items
    return "[" + ("^" if negated else "") + "".join(parts) + "]"


def _simple_class_items(java_class: str) -> tuple[bool, list[str]] | None:
    """(negated, translated parts) when the class holds only characters and ranges, else None."""
    body = java_class[1:-1]
    negated = body.startswith("^")
    body = body[1:] if negated else body
    cps: list[int | None] = []          # None stands for a range operator
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1]
            if nxt in _SIMPLE_CLASS_ESCAPES:
                cps.append(_SIMPLE_CLASS_ESCAPES[nxt])
                i += 2
            elif nxt in "ux":
                cp, i = _code_point_escape(body, i)
                cps.append(cp)
            elif nxt.isalnum():
                return None              # \d, \s, \w, \p{..}, ...: expand by enumeration
            else:
                cps.append(ord(nxt))
                i += 2
            continue
        is_operator = ch == "-" and cps and cps[-1] is not None and i + 1 < len(body)
        cps.append(None if is_operator else ord(ch))
        i += 1
    return negated, _class_parts(cps)


def _class_parts(cps: list[int | None]) -> list[str]:
    parts: list[str] = []
    k = 0
    while k < len(cps):
        lo, op, hi = (cps[k : k + 3] + [None, None])[:3]
        if lo is not None and op is None and hi is not None and k + 2 < len(cps):
            parts.append(f"{_class_char(lo)}-{_class_char(hi)}")
            k += 3
        else:   # a character, or a '-' that joins nothing (after a range): literal
            parts.append(_class_char(ord("-") if lo is None else lo))
            k += 1
    return parts


@lru_cache(maxsize=1)
def _all_code_points() -> str:
    return "".join(map(chr, range(0x110000)))


@lru_cache(maxsize=64)
def class_ranges(java_class: str) -> tuple[tuple[int, int], ...]:
    """The code point ranges a Java class matches, enumerated with ``java_fullmatch``'s semantics."""
    runs = regex.compile(f"(?:{translate(java_class, 'java')})+")
    return tuple((m.start(), m.end() - 1) for m in runs.finditer(_all_code_points()))


def _expanded_class(java_class: str) -> str:
    ranges = class_ranges(java_class)
    if len(ranges) > MAX_CLASS_RANGES:
        raise UnsupportedPattern(f"{java_class} expands to {len(ranges)} ranges (> {MAX_CLASS_RANGES})")
    if not ranges:
        return "[^\\s\\S]"
    parts = [_class_char(lo) if lo == hi else f"{_class_char(lo)}-{_class_char(hi)}" for lo, hi in ranges]
    return "[" + "".join(parts) + "]"
