"""How the constraints count a string: code points, UTF-16 code units, UTF-8 bytes.

The reference gives lengths in characters without saying which unit (docs/protocol.md >
Constraints): code points and UTF-16 units differ only outside the Basic Multilingual Plane.
"""

from __future__ import annotations


def utf16_len(text: str) -> int:
    """UTF-16 code units (a character outside the BMP counts two; lone surrogates one)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf8_len(text: str) -> int:
    """UTF-8 bytes (lone surrogates encoded as they are)."""
    return len(text.encode("utf-8", "surrogatepass"))
