"""Where the suite meets the reference endpoint: the embedded target of a run, and ``run_suite``.

The suite never imports the endpoint; this module (above both) starts a
:class:`~conformance.endpoint.ReferenceEndpoint` when a run names no ``--endpoint`` and hands the
engine a :class:`~conformance.suite.target.Target` for it.  The CLI, the pytest plugin and replay
all open their target here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from conformance.suite import engine
from conformance.suite.config import RunConfig
from conformance.suite.results import RunResult
from conformance.suite.target import Embedded, Target, external_target


@contextmanager
def open_target(config: RunConfig) -> Iterator[Target]:
    """The endpoint to test: external (checked for safety first), or a new embedded one."""
    if config.endpoint is not None:
        yield external_target(config)
        return
    from conformance.endpoint import ReferenceEndpoint, faults, variants
    kwargs: dict[str, Any] = {"faults": tuple(sorted(faults.resolve(config.faults))),
                              "variants": tuple(sorted(variants.resolve(config.variants)))}
    if config.region:
        kwargs["region"] = config.region
    if config.credentials is not None:
        kwargs["credentials"] = config.credentials
    endpoint = ReferenceEndpoint(**kwargs)
    endpoint.start()
    try:
        facts = Embedded(endpoint.volume_arn, kwargs["faults"], kwargs["variants"])
        yield Target(endpoint.url, endpoint.region, endpoint.credentials, False, facts)
    finally:
        endpoint.stop()


def run_suite(config: RunConfig, progress: engine.Progress | None = None,
              on_exchange: engine.OnExchange | None = None) -> RunResult:
    """Run the suite as ``sgw-conformance run`` does (nothing printed, no report written)."""
    return engine.run(config, open_target, progress, on_exchange)
