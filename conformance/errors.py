"""The exception tree: every error the tool raises on purpose, in one module.

Two families, as schemathesis has them.  A *user's mistake* (a flag, a setting, a file, an
endpoint that cannot be used at all) is an exception below: the command prints its one line and
exits with its ``exit_code``, never a traceback.  An *endpoint's deviation* from the API is never
raised: it is a :class:`conformance.suite.model.Failure` recorded against a rule, with the
request, the answer and how to reproduce it, and the run goes on.

::

    SgwConformanceError
    ├── UsageError               exit 2: a bad flag, setting or file
    │   ├── EndpointError        exit 2: the endpoint cannot be used (no answer at first contact)
    │   │   └── DiscoveryError   exit 2: ListVolumes gave no usable answer
    │   └── ReferenceFormatError exit 2: the API reference page is not in the expected form
    └── ReportSchemaError        a written report breaks its own schema (a bug of the tool)
"""

from __future__ import annotations


class SgwConformanceError(Exception):
    """The base of every error the tool raises on purpose."""

    exit_code = 2


class UsageError(SgwConformanceError):
    """A bad flag, a bad configuration, or an endpoint that cannot be used (exit 2)."""


class EndpointError(UsageError):
    """The endpoint cannot be used at all: unreachable, or no answer to the first request."""


class DiscoveryError(EndpointError):
    """ListVolumes (to find the volume to snapshot) failed: pass --volume-arn or check the endpoint."""


class ReferenceFormatError(UsageError, ValueError):
    """The page is not an API reference page in the expected markdown form."""


class ReportSchemaError(SgwConformanceError):
    """A report the tool wrote breaks schemas/report.schema.json (a bug of the tool, not the user's)."""

    exit_code = 1
