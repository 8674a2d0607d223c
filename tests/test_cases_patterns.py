"""Cases derived from the patterns' structure: branches, neighbours, repetitions, anchoring, categories.

Every partition the VolumeARN pattern's alternation allows is sent as a lookup, never as a
refusal; the neighbours of every branch, the empty repetitions and the anchoring noise are
refused by java.util.regex and disputed by no dialect; every general category inside the tag
class is accepted and every neighbouring one refused.
"""

from __future__ import annotations

import unicodedata

from cases_support import ARN, REGION

from conformance.spec import javaregex
from conformance.suite.cases import patterns
from conformance.suite.cases.context import make_context
from conformance.suite.cases.limits import limits

CTX = make_context(ARN, REGION)
CASES = patterns.pattern_cases(CTX)
BY_SIG = {c.signature: c for c in CASES}
ARN_PATTERN = limits().arn.pattern or ""


def test_every_branch_of_the_partition_alternation_is_found_in_the_syntax_tree():
    assert set(patterns.branch_minima(ARN_PATTERN)) == {"aws", "aws-cn", "aws-us-gov", "aws-iso"}
    found = set(patterns.partitions(ARN_PATTERN))
    assert {"aws-iso-b", "aws-iso-f", "aws-isoe", "aws-iso_", "aws-iso0"} <= found


def test_every_allowed_partition_is_sent_as_a_valid_arn_to_be_looked_up():
    partition_cases = [c for c in CASES if c.signature.startswith("VolumeARN/partition:")]
    assert len(partition_cases) >= 10
    for case in partition_cases:
        arn = case.params["VolumeARN"]
        assert case.rule_id == "state.valid-arn-forms"
        assert javaregex.java_fullmatch(ARN_PATTERN, arn) and 50 <= len(arn) <= 500
        assert not case.creates                      # names no volume of the target
        lookups = {"InvalidGatewayRequestException", "AccessDeniedException"}
        assert {o.error_type for o in case.allowed} <= lookups


def test_near_misses_empty_repetitions_and_anchoring_noise_are_refused_by_every_dialect():
    refused = [c for c in CASES if c.rule_id == "validation.VolumeARN.pattern"]
    assert {"VolumeARN/near-miss:aws-c", "VolumeARN/empty:gateway", "VolumeARN/empty:region",
            "VolumeARN/anchor:newline-after", "VolumeARN/anchor:nul-before"} <= {c.signature for c in refused}
    for case in refused:
        assert set(javaregex.verdicts(ARN_PATTERN, case.params["VolumeARN"]).values()) == {False}
        assert case.disputed is None


def test_a_nul_after_the_arn_is_left_out_since_java_s_S_takes_it():
    assert "VolumeARN/anchor:nul-after" not in BY_SIG
    assert javaregex.java_fullmatch(ARN_PATTERN, ARN + "\x00")


def test_every_category_inside_the_tag_class_is_accepted_and_every_neighbour_refused():
    inside = {s.split(":")[1] for s, c in BY_SIG.items() if s.startswith("Tag.Key/category:")
              and c.rule_id == "accept.unicode"}
    outside = {s.split(":")[1] for s, c in BY_SIG.items() if s.startswith("Tag.Key/category:")
               and c.rule_id == "validation.Tag.Key.pattern"}
    assert inside == set(patterns.INSIDE)
    assert outside == set(patterns.NEIGHBOURS)
    for cat, ch in patterns.category_representatives().items():
        assert unicodedata.category(ch) == unicodedata.ucd_3_2_0.category(ch) == cat


def test_the_ascii_neighbours_of_the_special_characters_are_refused():
    neighbours = {chr(int(s.rsplit(":", 1)[1], 16)) for s in BY_SIG
                  if s.startswith("Tag.Key/ascii-neighbour:")}
    assert {"^", "`", ";", "?", "<", ">", "*", ","} <= neighbours
    assert not neighbours & set("_.:/=+-@0123456789")


def test_generation_is_the_same_on_every_call():
    again = patterns.pattern_cases(CTX)
    assert [(c.signature, c.params) for c in again] == [(c.signature, c.params) for c in CASES]
