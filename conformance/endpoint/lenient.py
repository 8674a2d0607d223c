"""The lenient JSON reader of the fault ``lenient-json``: what permissive parsers accept.

Only a fault uses it (the reference endpoint parses strictly, docs/protocol.md > JSON text):
when strict parsing fails, the text is repaired the way JSON5-style parsers read it (comments
dropped, trailing commas, single quotes, unquoted names, loose numbers, bad escapes, NaN and
Infinity, control characters in strings, bytes that are not UTF-8, data after the value).
"""

from __future__ import annotations

import json
import re
from typing import Any

# (pattern, replacement), applied in order to a text strict parsing refused.
REPAIRS: tuple[tuple[str, str], ...] = (
    (r"/\*.*?\*/", ""),                                  # block comments
    (r"(?m)(//|#)[^\n\"]*$", ""),                        # line comments
    (r",\s*([}\]])", r"\1"),                             # trailing commas
    (r"'([^'\"]*)'", r'"\1"'),                           # single-quoted strings
    (r"([{,]\s*)([A-Za-z_]\w*)\s*:", r'\1"\2":'),        # unquoted member names
    (r"([:\[,]\s*)\+", r"\1"),                           # a leading '+'
    (r"([:\[,]\s*)0+(\d)", r"\1\2"),                     # leading zeros
    (r"([:\[,]\s*)0x([0-9A-Fa-f]+)", r"\g<1>1"),         # hex numbers (read as some number)
    (r"([:\[,]\s*)\.(\d)", r"\g<1>0.\2"),                # a bare fraction
    (r"\\([^\"\\/bfnrtu])", r"\1"),                      # an escape JSON does not define
)


def lenient_loads(body: bytes) -> Any:
    """The value a permissive parser reads from ``body`` (ValueError when even it cannot)."""
    text = body.decode("utf-8", errors="replace")
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    for pattern, replacement in REPAIRS:
        text = re.sub(pattern, replacement, text, flags=re.S)
    value, _end = json.JSONDecoder(strict=False).raw_decode(text.strip())
    return value


def escaped_names(body: bytes) -> set[str]:
    """The member names written with a \\u escape (decoded): the fault ``json-escaped-names-unread``."""
    text = body.decode("utf-8", errors="replace")
    names = re.findall(r'"((?:[^"\\]|\\.)*)"\s*:', text)
    return {json.loads(f'"{n}"') for n in names if "\\u" in n}
