"""The HTTP/1.1 framing cases: one case per defect of :mod:`conformance.suite.framing` the profile sends.

Each carries the context's valid body for the target volume (so it counts against the snapshot
budget: a server that misreads the framing may still serve it), is labelled with its defect's
rule and answers, and is sent by the transport over a raw socket (``Case.framing``).  The list
depends on the profile only (no randomness): a few in quick, the RFC 9112 section 6 table in ci,
its less common spellings too in thorough.
"""

from __future__ import annotations

from dataclasses import replace

from conformance.suite import framing
from conformance.suite.cases.context import Context, make_case
from conformance.suite.model import Case


def framing_cases(ctx: Context, profile: str) -> list[Case]:
    """One case per defect of ``profile`` (:func:`conformance.suite.framing.for_profile`)."""
    cases = [make_case(ctx, defect.rule, f"framing/{defect.name}", point=defect.point, allowed=defect.allowed)
             for defect in framing.for_profile(profile)]
    return [replace(case, framing=defect.name, method=defect.method or case.method)
            for case, defect in zip(cases, framing.for_profile(profile), strict=True)]
