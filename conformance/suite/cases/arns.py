"""Volume ARNs: their parts, ARNs of any length, and the ARN of a volume that is not there.

No schema knowledge here beyond the shape ``arn:<partition>:storagegateway:<region>:<account>:
gateway/<gateway>/volume/vol-<id>``; what is valid is judged by the cases against the schemas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from conformance.errors import UsageError


@dataclass(frozen=True)
class ArnParts:
    """The parts of a volume ARN."""

    partition: str
    region: str
    account: str
    gateway: str
    volume: str           # "vol-..."

    def text(self) -> str:
        return (f"arn:{self.partition}:storagegateway:{self.region}:{self.account}:"
                f"gateway/{self.gateway}/volume/{self.volume}")


_ARN_SHAPE = re.compile(r"arn:(?P<partition>[^:]+):storagegateway:(?P<region>[^:]+):(?P<account>[^:]+):"
                        r"gateway/(?P<gateway>.+)/volume/(?P<volume>vol-.+)", re.S)

# Volume ids tried in turn for a missing volume (fixed: the same target gives the same cases).
_MISSING_VOLUME_IDS = ("0A1B2C3D", "0F0E0D0C", "7E6D5C4B")


def parse_arn(arn: str, region: str) -> ArnParts:
    """The parts of a volume ARN (a template in ``region`` if ``arn`` has another shape)."""
    m = _ARN_SHAPE.fullmatch(arn)
    if m:
        return ArnParts(**m.groupdict())
    return ArnParts("aws", region, "111122223333", "sgw-12A3456B", "vol-1122AABB")


def arn_of_length(parts: ArnParts, n: int) -> str:
    """A well-formed ARN of exactly ``n`` characters, as close to ``parts`` as the length allows."""
    base = replace(parts, volume="vol-")
    if len(base.text()) + 1 > n:
        base = ArnParts("aws", "r", "1", "g", "vol-")
    fill = n - len(base.text())
    hexdigits = "0123456789ABCDEF" * (fill // 16 + 1)
    return replace(base, volume="vol-" + hexdigits[:fill]).text()


def missing_volume_arn(volume_arn: str, known: tuple[str, ...] = ()) -> str:
    """A well-formed ARN on the same gateway naming a volume that is not there.

    Neither ``volume_arn`` nor one of the ``known`` volumes (say, the ones ListVolumes named),
    compared without regard to case; a UsageError if every candidate is taken.
    """
    taken = {volume_arn.lower(), *(arn.lower() for arn in known)}
    head, sep, _ = volume_arn.rpartition("/volume/vol-")
    if not sep:
        head = volume_arn.rsplit("/", 1)[0]
    for candidate_id in _MISSING_VOLUME_IDS:
        candidate = f"{head}/volume/vol-{candidate_id}"
        if candidate.lower() not in taken:
            return candidate
    raise UsageError("could not build the ARN of a missing volume")
