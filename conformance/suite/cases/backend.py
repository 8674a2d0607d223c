"""The Hypothesis backend the cases are drawn with: Hypothesis' provider, its own constants only.

Why it exists: Hypothesis' provider now and then (5% of draws) returns a constant instead of a
random value, either one of its own edge cases (-0.0, 2**63, odd Unicode...) or one found in the
source of every "local" module loaded at the time (the calling script, the CLI, a user's
package...).  The latter made the same seed give other cases under ``sgw-conformance run``, the
pytest plugin or a bench script.  The backend registered here keeps the first kind and drops the
second, so a seed fixes the cases in any process, whatever else it has loaded.

This is the only module that touches Hypothesis internals (``providers.AVAILABLE_PROVIDERS``,
``GLOBAL_CONSTANTS``, ``HypothesisProvider._maybe_draw_constant``, ``choice_constraints_key``,
``choice_permitted``; the ``backend`` setting).  Where they are missing or refused,
:func:`backend_settings` returns no settings and Hypothesis' default provider is used.
Written for Hypothesis 6.150 and later (``pyproject.toml`` allows >=6.150,<7); tested on 6.170.17
by ``tests/test_cases_backend.py``, which fails if the backend is no longer selected.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis.errors import InvalidArgument

BACKEND = "sgw-conformance"


def _own_constants_provider() -> type | None:
    """A subclass of Hypothesis' provider whose constants are Hypothesis' own (None: no such hooks)."""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.conjecture.choice import choice_constraints_key, choice_permitted
        own_constants, base = providers.GLOBAL_CONSTANTS, providers.HypothesisProvider
    except (ImportError, AttributeError):
        return None
    pools: dict[Any, tuple[Any, ...]] = {}

    def maybe_draw_constant(self: Any, choice_type: Any, constraints: Any, *, p: float = 0.05) -> Any:
        if self._random.random() > p:
            return None
        key = (choice_type, choice_constraints_key(choice_type, constraints))
        if key not in pools:
            pools[key] = tuple(c for c in own_constants.set_for_type(choice_type)
                               if choice_permitted(c, constraints))
        return self._random.choice(pools[key]) if pools[key] else None

    return type("OwnConstantsProvider", (base,), {"_maybe_draw_constant": maybe_draw_constant})


def _registered() -> bool:
    """Whether the backend is (now) among Hypothesis' providers."""
    try:
        from hypothesis.internal.conjecture import providers
        available = providers.AVAILABLE_PROVIDERS
    except (ImportError, AttributeError):
        return False
    if BACKEND not in available:
        provider = _own_constants_provider()
        if provider is None:
            return False
        available[BACKEND] = provider
    return True


def backend_settings() -> dict[str, Any]:
    """``settings`` arguments selecting the backend (none if this Hypothesis cannot have it)."""
    if not _registered():
        return {}
    try:
        settings(backend=BACKEND)
    except (InvalidArgument, TypeError):
        return {}
    return {"backend": BACKEND}
