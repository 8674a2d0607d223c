"""The Hypothesis strategies every generated case is drawn from: numbers, bytes, strings.

Generation counts in the suite's requests per second, so bulk data is one choice: a string is
decoded from one drawn byte string (:func:`conformance.suite.cases.text.decode_chars`), and a
long one repeats a drawn chunk.  Strategy objects are cached, as Hypothesis checks each new one
when it is first drawn from.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from hypothesis import strategies as st

from conformance.suite.cases.text import BYTES_PER_CHAR, Alphabet, decode_chars

CHUNK = 16      # a longer string repeats a drawn chunk of at most this many characters
TRIES = 8       # draws that such_that makes before it gives up
_END = 16       # of the 256 values of a length's first byte, this many pick each end


@lru_cache(maxsize=1024)
def integers(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@lru_cache(maxsize=1024)
def byte_string(size: int) -> st.SearchStrategy[bytes]:
    """Exactly ``size`` bytes, drawn as one choice."""
    return st.binary(min_size=size, max_size=size)


@lru_cache(maxsize=1024)
def char_run(alpha: Alphabet, n: int) -> st.SearchStrategy[str]:
    """Exactly ``n`` characters of ``alpha``, drawn as one choice."""
    return byte_string(n * BYTES_PER_CHAR).map(lambda raw: decode_chars(alpha, raw))


@lru_cache(maxsize=256)
def strings(alpha: Alphabet, lo: int, hi: int) -> st.SearchStrategy[str]:
    """A string of a drawn length in lo..hi: a drawn chunk of characters, repeated (cheap at any length)."""
    @st.composite
    def build(draw: Any) -> str:
        n = draw(integers(lo, hi))
        if n == 0:
            return ""
        chunk = decode_chars(alpha, draw(byte_string(min(n, CHUNK) * BYTES_PER_CHAR)))
        return (chunk * (n // len(chunk) + 1))[:n]
    return build()


def length_of(raw: bytes, lo: int, hi: int) -> int:
    """A length in lo..hi from two drawn bytes, either end 1 time in 16 (ends matter, as in st.integers)."""
    if raw[0] < _END:
        return lo
    if raw[0] >= 256 - _END:
        return hi
    middle = (raw[0] - _END) << 8 | raw[1]          # uniform in 0 .. (256 - 2 * _END) * 256 - 1
    return lo + middle * (hi - lo + 1) // ((256 - 2 * _END) << 8)


def hex_digits(size: int) -> st.SearchStrategy[str]:
    """``size`` upper-case hex digits (drawn as bytes)."""
    return byte_string((size + 1) // 2).map(lambda b: b.hex()[:size].upper())


@st.composite
def names(draw: Any, first: Alphabet, rest: Alphabet, longest: int) -> str:
    """An identifier: one character of ``first``, then up to ``longest - 1`` of ``rest``."""
    return draw(char_run(first, 1)) + draw(strings(rest, 0, longest - 1))


# Strategies of cases may yield None: a candidate that missed its predicate after a few tries.
# Cases are drawn in batches (see driver.collect), and Hypothesis' own filter/assume would throw
# away the whole batch for one miss; collect drops the Nones instead.
def such_that(strategy: st.SearchStrategy[Any], predicate: Callable[[Any], bool]) -> st.SearchStrategy[Any]:
    """The first of up to ``TRIES`` draws of ``strategy`` that satisfies ``predicate``, else None."""
    @st.composite
    def first(draw: Any) -> Any:
        for _ in range(TRIES):
            value = draw(strategy)
            if predicate(value):
                return value
        return None
    return first()
