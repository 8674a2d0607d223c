"""sgw-conformance: a protocol conformance suite for the AWS Storage Gateway CreateSnapshot API.

What users call, re-exported here (loaded on first use, so that importing one layer does not
import them all)::

    from conformance import ReferenceEndpoint, RunConfig, run_suite

    with ReferenceEndpoint() as endpoint:                        # a local Storage Gateway
        result = run_suite(RunConfig(endpoint=endpoint.url, credentials=endpoint.credentials))
    assert result.exit_code == 0, result.failing_rules()

* :class:`ReferenceEndpoint`: the reference endpoint in-process (``url``, ``region``,
  ``volume_arn``, ``credentials``; faults and variants by name).
* :class:`RunConfig`, :func:`run_suite`, :class:`RunResult`: a run, as ``sgw-conformance run``
  makes it (no report written); :data:`RULES`: the rulebook by rule id, :class:`Rule`.
* The errors (:mod:`conformance.errors`): :class:`SgwConformanceError`, :class:`UsageError`,
  :class:`EndpointError`, :class:`DiscoveryError`, :class:`ReferenceFormatError`,
  :class:`ReportSchemaError`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from conformance.version import __version__

_EXPORTS: dict[str, str] = {
    "ReferenceEndpoint": "conformance.endpoint.service",
    "RunConfig": "conformance.suite.config",
    "RunResult": "conformance.suite.results",
    "run_suite": "conformance.embedded",
    "Rule": "conformance.suite.rules",
    "SgwConformanceError": "conformance.errors",
    "UsageError": "conformance.errors",
    "EndpointError": "conformance.errors",
    "DiscoveryError": "conformance.errors",
    "ReferenceFormatError": "conformance.errors",
    "ReportSchemaError": "conformance.errors",
}
__all__ = ["RULES", "DiscoveryError", "EndpointError", "ReferenceEndpoint", "ReferenceFormatError",
           "ReportSchemaError", "Rule", "RunConfig", "RunResult", "SgwConformanceError", "UsageError",
           "__version__", "run_suite"]

if TYPE_CHECKING:
    from conformance.embedded import run_suite
    from conformance.endpoint.service import ReferenceEndpoint
    from conformance.errors import (
        DiscoveryError,
        EndpointError,
        ReferenceFormatError,
        ReportSchemaError,
        SgwConformanceError,
        UsageError,
    )
    from conformance.suite.config import RunConfig
    from conformance.suite.results import RunResult
    from conformance.suite.rules import Rule

    RULES: dict[str, Rule]


def __getattr__(name: str) -> Any:
    if name == "RULES":
        return import_module("conformance.suite.rulebook").load().rules
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'conformance' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
