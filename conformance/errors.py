"""The user-error family: mistakes in how the tool was invoked or configured.

An endpoint's deviation from the API is never raised; it is a failure recorded against a
rule (see :mod:`conformance.model`).  A :class:`UsageError` ends the command with exit 2
and its one-line message, never a traceback.
"""

from __future__ import annotations


class UsageError(Exception):
    """A bad flag, a bad configuration, or an endpoint that cannot be used (exit 2)."""

    exit_code = 2
