"""Volume ARNs: well formed at any length; the missing volume is an ARN on the target's gateway."""

from __future__ import annotations

import pytest
from cases_support import ARN, REGION

from conformance.errors import UsageError
from conformance.spec import javaregex
from conformance.suite.cases.arns import arn_of_length, missing_volume_arn, parse_arn
from conformance.suite.cases.limits import java_valid, limits

GATEWAY = ARN.rsplit("/volume/", 1)[0]


@pytest.mark.parametrize("n", [49, 50, 51, 100, 500, 501])
def test_arns_of_any_length_are_well_formed(n: int):
    lim = limits().arn
    arn = arn_of_length(parse_arn(ARN, REGION), n)
    assert len(arn) == n and javaregex.java_fullmatch(lim.pattern or "", arn)


def test_an_arn_of_another_shape_parses_to_a_template_in_the_region():
    parts = parse_arn("not-an-arn", "eu-west-1")
    assert parts.region == "eu-west-1" and parts.volume.startswith("vol-")
    assert parse_arn(ARN, "eu-west-1").text() == ARN


def test_the_missing_volume_is_a_valid_arn_on_the_targets_gateway():
    missing = missing_volume_arn(ARN)
    assert missing == f"{GATEWAY}/volume/vol-0A1B2C3D"         # fixed: the same target, the same cases
    assert java_valid(missing, limits().arn) and missing != ARN


def test_the_missing_volume_is_neither_the_target_nor_a_known_volume_whatever_the_case():
    first = f"{GATEWAY}/volume/vol-0A1B2C3D"
    assert missing_volume_arn(first) == f"{GATEWAY}/volume/vol-0F0E0D0C"
    assert missing_volume_arn(ARN, (first,)) == f"{GATEWAY}/volume/vol-0F0E0D0C"
    assert missing_volume_arn(first.lower(), (f"{GATEWAY}/volume/vol-0f0e0d0c",)) \
        .endswith("/volume/vol-7E6D5C4B")


def test_no_missing_volume_when_every_candidate_is_taken():
    taken = tuple(f"{GATEWAY}/volume/vol-{v}" for v in ("0A1B2C3D", "0F0E0D0C", "7E6D5C4B"))
    with pytest.raises(UsageError):
        missing_volume_arn(ARN, taken)
