"""The cases to send: deterministic boundary cases plus Hypothesis-generated ones, each labelled with a rule.

Public entry point: :func:`generate_cases` (in :mod:`.driver`).  It is imported on first use,
so that the hypothesis-free modules (``profiles``, ``arns``, ``limits``...) load without
Hypothesis (the CLI imports the profiles at start-up).

Modules: ``profiles`` (how many cases), ``limits`` (read from the schemas, and the disputes),
``oracle`` (the tests' schema oracle), ``text`` (alphabets), ``arns``, ``context``
(:func:`make_case`), ``boundary`` (the deterministic table), ``draws`` and ``generated`` (the
strategies), ``backend`` (the Hypothesis provider) and ``driver`` (running them).  The signing
defects and their rules are ``conformance.suite.signing``'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conformance.suite.cases.driver import generate_cases

__all__ = ["generate_cases"]


def __getattr__(name: str) -> Any:
    if name == "generate_cases":
        from conformance.suite.cases.driver import generate_cases
        return generate_cases
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
