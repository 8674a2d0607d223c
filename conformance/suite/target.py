"""The endpoint under test as the engine sees it: URL, region, credentials, live or not, retries.

An external endpoint is described here from the run's settings and the environment.  The
embedded reference endpoint is started by the layer above (``conformance.embedded``), which
hands the engine the same :class:`Target`: the suite never imports the endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from conformance.errors import UsageError
from conformance.protocol.credentials import Credentials
from conformance.suite.config import DEFAULT_REGION, RunConfig
from conformance.suite.safety import check_endpoint

ENV_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
# AWS endpoint host names: storagegateway[-fips].<region>.<DNS suffix of the partition>, the suffix
# amazonaws.com, amazonaws.com.cn (aws-cn), amazonaws.eu (aws-eusc), api.aws (dual-stack), ...
SERVICE_HOST_LABELS = ("storagegateway", "storagegateway-fips")
_REGION_LABEL = re.compile(r"^[a-z]{2,}(-[a-z]+)+-[0-9]+$")     # us-east-2, cn-north-1, eusc-de-east-1


@dataclass(frozen=True)
class Embedded:
    """What a run records of the embedded reference endpoint it tested."""

    volume_arn: str
    faults: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()


@dataclass
class Target:
    url: str
    region: str
    credentials: Credentials
    live: bool
    embedded: Embedded | None = None   # set when the target is the embedded reference endpoint


# How the engine gets its target: a context manager that yields it (and stops what it started).
TargetOpener = Callable[[RunConfig], AbstractContextManager[Target]]


def credentials_from_env() -> Credentials:
    """The standard chain (conformance.suite.aws_env): the environment, then the shared files."""
    from conformance.suite.aws_env import credentials_chain
    found = credentials_chain()
    if found is None:
        raise UsageError("an external endpoint needs credentials: set AWS_ACCESS_KEY_ID and "
                         "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN if they are temporary), or "
                         "AWS_PROFILE naming a profile of ~/.aws/credentials")
    return found[0]


def region_for(url: str, given: str | None) -> str:
    """--region, else the region named in an AWS host name, else the environment, else us-east-2."""
    if given:
        return given
    labels = (urlsplit(url).hostname or "").lower().split(".")
    if len(labels) >= 4 and labels[0] in SERVICE_HOST_LABELS and _REGION_LABEL.match(labels[1]):
        return labels[1]
    from conformance.suite.aws_env import region_from_env
    return region_from_env() or DEFAULT_REGION


def retry_policy(live: bool) -> dict[str, Any]:
    """How the transport retries (conformance.suite.transport): throttling answers after a backoff (1 s
    and up on a live endpoint, 50 ms on loopback); a request dropped unanswered on a reused
    keep-alive connection, except, on a live endpoint, one that could create a billable snapshot."""
    return {"throttle_base_s": 1.0 if live else 0.05, "retry_creating_on_stale": not live}


def external_target(config: RunConfig) -> Target:
    """The endpoint named by ``config.endpoint``: checked for safety, credentials from the environment."""
    assert config.endpoint is not None
    if config.faults or config.variants:
        raise UsageError("--fault and --variant apply to the embedded reference endpoint only "
                         "(drop --endpoint)")
    url, live = check_endpoint(config.endpoint, config.allow_live)
    creds = config.credentials or credentials_from_env()
    return Target(url, region_for(url, config.region), creds, live)


@contextmanager
def open_external(config: RunConfig) -> Iterator[Target]:
    """A :data:`TargetOpener` for external endpoints only (nothing to start or stop)."""
    if config.endpoint is None:
        raise UsageError("no --endpoint given, and the embedded reference endpoint is not available here")
    yield external_target(config)
