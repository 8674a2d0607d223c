"""The project's protocol notes, ``docs/protocol.md``: where they are and which sections they have.

Rules, faults, variants and schemas cite the notes as ``docs/protocol.md > <Section>``
(:data:`CITATION`), ``<Section>`` being one of the file's ``##`` headings.  The file ships in
the wheel as ``conformance/docs/protocol.md``; the source tree's copy wins when present, as
for ``schemas/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

CITATION = "docs/protocol.md"          # how a source string names the notes
# A citation names its section with a letter first: a placeholder ("> <Section>") is none.
_CITED_SECTION = re.compile(re.escape(CITATION) + r" > (?=([A-Za-z][^\n]{0,80}))")
_LINE_BREAK = re.compile(r"[ \t]*\n\s*(?:#[ \t]*)?")   # a wrapped line, a wrapped comment


def protocol_notes_path() -> Path:
    """``docs/protocol.md`` of the source tree, or the copy a wheel installs as ``conformance/docs``."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "docs" / "protocol.md").is_file():
        return root / "docs" / "protocol.md"
    return Path(__file__).resolve().parents[1] / "docs" / "protocol.md"


def sections(path: Path | None = None) -> tuple[str, ...]:
    """The ``##`` headings of the notes, in order."""
    text = (path or protocol_notes_path()).read_text("utf-8")
    return tuple(line[3:].strip() for line in text.splitlines() if line.startswith("## "))


def cited_sections(text: str, known: tuple[str, ...]) -> Iterator[tuple[str, str | None]]:
    """Each ``docs/protocol.md > ...`` citation in ``text``: (what follows ``> ``, the section it names).

    Wrapped lines (and wrapped ``#`` comments) are read as one.  The section is the longest known
    heading the citation starts with, followed by the end of the text or a character that is not a
    letter or digit; ``None`` when no heading fits.
    """
    for match in _CITED_SECTION.finditer(_LINE_BREAK.sub(" ", text)):
        rest = match.group(1)
        fits = [s for s in known if rest.startswith(s) and not rest[len(s):len(s) + 1].isalnum()]
        yield rest, max(fits, key=len) if fits else None
