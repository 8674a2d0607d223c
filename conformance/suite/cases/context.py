"""What every case is built from: the target, its limits, and :func:`make_case`.

A :class:`Context` holds the target volume's ARN (and its parts), the ARN of a volume that is
not there, the region and the schema limits; :func:`make_case` labels a request with its rule
and the answers that rule (or a case-level dispute) allows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from conformance.protocol.envelope import CREATE_SNAPSHOT_TARGET, JSON_CONTENT_TYPE
from conformance.suite import rulebook
from conformance.suite.cases.arns import ArnParts, missing_volume_arn, parse_arn
from conformance.suite.cases.limits import Limits, limits
from conformance.suite.model import Case, Outcome

_UNSET: Any = object()


@dataclass(frozen=True)
class Context:
    """The target of the cases and the limits they are built against."""

    volume_arn: str
    missing_volume_arn: str
    region: str
    limits: Limits
    arn: ArnParts

    def body(self, description: str = "sgw-conformance", **extra: Any) -> dict[str, Any]:
        """A valid body for the target volume, with ``extra`` members."""
        return {"VolumeARN": self.volume_arn, "SnapshotDescription": description, **extra}


def make_context(volume_arn: str, region: str, missing: str | None = None) -> Context:
    """The context of ``volume_arn``; ``missing`` defaults to :func:`missing_volume_arn` of it."""
    return Context(volume_arn, missing or missing_volume_arn(volume_arn), region, limits(),
                   parse_arn(volume_arn, region))


def _creates(ctx: Context, params: Any, raw_body: bytes | None) -> bool:
    """Whether a success (by a correct or a faulty endpoint) would snapshot the target volume."""
    if raw_body is not None:
        try:
            params = json.loads(raw_body)
        except (ValueError, RecursionError):
            # not strict JSON: a lenient (faulty) endpoint may still read the target's ARN in it
            return ctx.volume_arn.lower().encode() in raw_body.lower()
    arn = params.get("VolumeARN") if isinstance(params, dict) else None
    return isinstance(arn, str) and arn.lower() == ctx.volume_arn.lower()


def make_case(ctx: Context, rule_id: str, signature: str, *, params: Any = _UNSET,
              raw_body: bytes | None = None, method: str = "POST",
              target: str | None = CREATE_SNAPSHOT_TARGET, content_type: str | None = JSON_CONTENT_TYPE,
              signing: str = "sigv4", point: str | None = None,
              allowed: tuple[Outcome, ...] | None = None) -> Case:
    """A case of ``rule_id``; ``point`` names a case-level dispute and ``allowed`` its answers.

    Without ``params`` and ``raw_body`` the case sends the context's valid body.
    """
    book = rulebook.load()
    rule = book.rules[rule_id]
    params = ctx.body() if params is _UNSET and raw_body is None else (None if params is _UNSET else params)
    return Case(rule_id=rule_id, signature=signature, params=params, raw_body=raw_body, method=method,
                target=target, content_type=content_type, signing=signing,
                allowed=allowed if allowed is not None else rule.allowed,
                disputed=book.dispute(point) if point else rule.disputed,
                creates=_creates(ctx, params, raw_body))


def tags_case(ctx: Context, rule_id: str, signature: str, tags: Any, **kw: Any) -> Case:
    """A case whose valid body carries ``tags``."""
    return make_case(ctx, rule_id, signature, params=ctx.body(Tags=tags), **kw)
