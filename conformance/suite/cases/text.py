"""Alphabets for the string members, and strings decoded from drawn bytes.

The tag alphabets are derived from the Tag patterns of ``schemas/`` (characters a tag string
may hold, and characters it may not); the description alphabet is every assigned character
but controls.  Each is split in tiers (ASCII, the rest of the BMP, astral) so that a drawn
string holds characters of every tier equally often.  No Hypothesis here: the strategies that
draw the bytes are in :mod:`conformance.suite.cases.draws`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

from conformance.spec import javaregex
from conformance.spec.text import utf16_len

_ASTRAL_END = 0x30000   # planes 0-2: every astral letter/number assigned since Unicode 3.1

# Characters are decoded from bytes that Hypothesis draws.  Hypothesis makes every character of
# st.text / st.sampled_from a choice of its own (tens of microseconds each), but a st.binary of
# any size one choice (well under a microsecond a byte).  The bytes are ordinary choices (seeded,
# replayable; all-zero bytes, Hypothesis' simplest, decode to the first ASCII character).
BYTES_PER_CHAR = 3     # a 24-bit number: modulo 3 the tier (ASCII, other BMP, astral), the rest the index


@dataclass(frozen=True, eq=False)      # identity hash: cheap as a cache key (the tuples are large)
class Alphabet:
    """Characters in three tiers: ASCII, the rest of the Basic Multilingual Plane, astral."""

    ascii: tuple[str, ...]
    bmp: tuple[str, ...]
    astral: tuple[str, ...]

    def all(self) -> tuple[str, ...]:
        return self.ascii + self.bmp + self.astral


def _stable(ch: str) -> bool:
    """Same general category in Unicode 3.2 and today: old and new Java agree about it."""
    return unicodedata.ucd_3_2_0.category(ch) == unicodedata.category(ch)


@lru_cache(maxsize=4)
def tag_alphabets(pattern: str) -> tuple[Alphabet, Alphabet]:
    """(characters a tag string may hold, characters it may not) under ``pattern``.

    Only characters whose Unicode category is the same since Unicode 3.2 are kept (a letter
    added recently is no letter for an older Java); unassigned and surrogate code points never.
    """
    matcher = regex.compile(javaregex.translate(pattern))
    ok: list[list[str]] = [[], [], []]
    bad: list[list[str]] = [[], [], []]
    for cp in range(0x09, _ASTRAL_END):      # inline: 196,000 code points, a call each costs 25%
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if cat in ("Cs", "Cn") or (cp < 0x20 and ch not in "\t\n\r") or not _stable(ch):
            continue
        bucket = 0 if cp < 0x80 else 1 if cp < 0x10000 else 2
        (ok if matcher.fullmatch(ch) else bad)[bucket].append(ch)
    return (Alphabet(*(tuple(b) for b in ok)), Alphabet(*(tuple(b) for b in bad)))


@lru_cache(maxsize=1)
def description_alphabet() -> Alphabet:
    """Characters for descriptions (no pattern): assigned, not surrogates, no C0/C1 controls."""
    def fine(cp: int) -> bool:
        return unicodedata.category(chr(cp)) not in ("Cs", "Cn", "Cc")
    return Alphabet(tuple(chr(c) for c in range(0x20, 0x7F)),
                    tuple(chr(c) for c in range(0xA0, 0x10000) if fine(c)),
                    tuple(chr(c) for c in range(0x10000, _ASTRAL_END) if fine(c)))


@lru_cache(maxsize=8)
def ascii_only(alpha: Alphabet) -> Alphabet:
    """The ASCII tier of ``alpha`` alone."""
    return Alphabet(alpha.ascii, (), ())


def decode_chars(alpha: Alphabet, raw: bytes) -> str:
    """One character of ``alpha`` per ``BYTES_PER_CHAR`` bytes of ``raw``, its tiers equally often."""
    tiers = [t for t in (alpha.ascii, alpha.bmp, alpha.astral) if t]
    chars = []
    for i in range(0, len(raw) - BYTES_PER_CHAR + 1, BYTES_PER_CHAR):
        number = int.from_bytes(raw[i:i + BYTES_PER_CHAR], "big")
        tier = tiers[number % len(tiers)]
        chars.append(tier[number // len(tiers) % len(tier)])
    return "".join(chars)


def fit_utf16(text: str, maximum: int) -> str:
    """Shorten ``text`` until its UTF-16 length is within ``maximum`` (avoids length disputes)."""
    excess = utf16_len(text) - maximum
    end = len(text)
    while excess > 0 and end > 1:
        end -= 1
        excess -= 2 if ord(text[end]) > 0xFFFF else 1
    return text[:end]
