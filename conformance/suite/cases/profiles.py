"""The generation profiles: how many generated cases of each kind a run asks for.

The one list of profile names (the CLI, the pytest plugin and :func:`generate_cases` read it).
A kind of case gets ``weight * factor`` generated cases (at least one); the boundary cases are
the same in every profile.  Importing this module does not import Hypothesis.
"""

from __future__ import annotations

PROFILES: dict[str, float] = {"quick": 0.08, "ci": 1.0, "thorough": 10.0}
