"""Boundary cases: every boundary is tried whatever the profile or seed, exactly on the schema limits."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cases_support import ARN, REGION, cases_for

from conformance.suite.cases import context, generate_cases
from conformance.suite.cases.limits import limits

# --- boundaries -----------------------------------------------------------------------------------
BOUNDARY_SIGNATURES = {
    "SnapshotDescription/minLength", "SnapshotDescription/maxLength", "SnapshotDescription/minLength-1",
    "SnapshotDescription/maxLength+1", "Tags/0", "Tags/1", "Tags/maxItems", "Tags/maxItems+1",
    "Tag.Key/minLength", "Tag.Key/maxLength", "Tag.Key/minLength-1", "Tag.Key/maxLength+1",
    "Tag.Value/minLength", "Tag.Value/maxLength", "Tag.Value/maxLength+1",
    "VolumeARN/minLength-1", "VolumeARN/maxLength+1", "VolumeARN/minLength/unknown-volume",
    "VolumeARN/maxLength/unknown-volume", "VolumeARN/required", "VolumeARN/null",
    "SnapshotDescription/required", "SnapshotDescription/null", "Tag.Key/required", "Tag.Key/null",
    "Tag.Value/required", "Tag.Value/null", "Tags/null", "all/maxima",
    "X-Amz-Target/missing", "X-Amz-Target/unknown-operation", "method/GET", "body/empty",
    "Content-Type/application-json",
}


@pytest.mark.parametrize("profile, seed", [("quick", 0), ("quick", 7), ("ci", 1)])
def test_every_boundary_is_tried_whatever_the_profile_or_seed(profile: str, seed: int):
    signatures = {c.signature for c in cases_for(seed, profile)}
    assert BOUNDARY_SIGNATURES <= signatures


def test_boundary_values_sit_exactly_on_the_schema_limits():
    lim = limits()
    by_sig = {c.signature: c for c in cases_for(0)}
    assert len(by_sig["SnapshotDescription/maxLength"].params["SnapshotDescription"]) == lim.description.max
    too_long = by_sig["SnapshotDescription/maxLength+1"].params["SnapshotDescription"]
    assert len(too_long) == lim.description.max + 1
    assert len(by_sig["Tags/maxItems"].params["Tags"]) == lim.tags_max
    assert len(by_sig["Tags/maxItems+1"].params["Tags"]) == lim.tags_max + 1
    assert len(by_sig["Tag.Key/maxLength+1"].params["Tags"][0]["Key"]) == lim.key.max + 1
    assert len(by_sig["Tag.Value/maxLength"].params["Tags"][0]["Value"]) == lim.value.max
    assert len(by_sig["VolumeARN/minLength-1"].params["VolumeARN"]) == lim.arn.min - 1
    assert len(by_sig["VolumeARN/maxLength/unknown-volume"].params["VolumeARN"]) == lim.arn.max


def test_boundaries_follow_the_schemas_not_hard_coded_numbers(monkeypatch: pytest.MonkeyPatch):
    lim = limits()
    changed = replace(lim, description=replace(lim.description, max=100), tags_max=7)
    monkeypatch.setattr(context, "limits", lambda: changed)
    by_sig = {c.signature: c for c in generate_cases(ARN, REGION, "quick", 0)}
    assert len(by_sig["SnapshotDescription/maxLength+1"].params["SnapshotDescription"]) == 101
    assert len(by_sig["Tags/maxItems+1"].params["Tags"]) == 8


