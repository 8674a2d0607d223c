"""The JSON-text families (RFC 8259) and the values without a pattern: each case has teeth.

A strict parser refuses every lenient body and a permissive one reads it as the valid request
(so a lenient endpoint would answer success, not SerializationException); every equivalent
spelling reads as the valid request; the open points allow success or a 4xx, never a 5xx.
"""

from __future__ import annotations

import json
import unicodedata

import pytest
from cases_support import ARN, REGION

from conformance.endpoint.lenient import lenient_loads
from conformance.suite.cases import jsontext
from conformance.suite.cases.context import make_context

CTX = make_context(ARN, REGION)
CASES = jsontext.json_text_cases(CTX)


def refuse(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def by_rule(rule_id: str) -> list:
    return [c for c in CASES if c.rule_id == rule_id]


@pytest.mark.parametrize("case", by_rule("envelope.json-strict"), ids=lambda c: c.signature)
def test_every_lenient_body_is_refused_by_a_strict_parser_and_read_as_the_request_by_a_lenient_one(case):
    with pytest.raises((ValueError, UnicodeDecodeError)):
        json.loads(case.raw_body.decode("utf-8"), parse_constant=refuse)
    read = lenient_loads(case.raw_body)
    assert read["VolumeARN"] == ARN and isinstance(read["SnapshotDescription"], str)
    assert case.creates          # a lenient endpoint would snapshot: the budget counts it


@pytest.mark.parametrize("case", by_rule("accept.json-text"), ids=lambda c: c.signature)
def test_every_equivalent_spelling_is_strict_json_of_the_valid_request(case):
    read = json.loads(case.raw_body.decode("utf-8"))
    assert read["VolumeARN"] == ARN and 1 <= len(read["SnapshotDescription"]) <= 255
    assert case.creates


def test_the_open_json_points_allow_success_or_a_4xx_and_never_a_5xx():
    open_cases = [c for c in by_rule("envelope.json-robust") if c.signature.startswith("json/open:")]
    assert {c.signature.split(":", 1)[1] for c in open_cases} >= {"repeated-member-name", "byte-order-mark",
                                                                  "deep-nesting-in-unknown-member"}
    for case in open_cases:
        statuses = set().union(*(o.statuses for o in case.allowed))
        assert 200 in statuses and set(range(400, 500)) <= statuses and not statuses & set(range(500, 600))
        assert case.disputed and "RFC 8259 leaves it open" in case.disputed


def test_the_undisputed_robust_cases_allow_only_a_4xx():
    for case in by_rule("envelope.json-robust"):
        if not case.signature.startswith("json/open:"):
            assert all(min(o.statuses) >= 400 and max(o.statuses) < 500 for o in case.allowed), case.signature


def test_combining_sequences_are_counted_as_code_points_not_normalised():
    by_sig = {c.signature: c for c in CASES}
    at_max = by_sig["SnapshotDescription/combining/at-maxLength"].params["SnapshotDescription"]
    over = by_sig["SnapshotDescription/maxLength+1/combining"]
    assert len(at_max) == 255 and len(over.params["SnapshotDescription"]) == 256
    assert len(unicodedata.normalize("NFC", over.params["SnapshotDescription"])) <= 255   # NFC would pass it
    assert over.rule_id == "validation.SnapshotDescription.maxLength" and over.disputed is None


def test_control_characters_and_noncharacters_are_an_open_point_the_rest_must_be_accepted():
    for case in by_rule("accept.plain-values"):
        value = case.params["SnapshotDescription"]
        has_open = any(unicodedata.category(ch) in ("Cc", "Cn") for ch in value)
        assert bool(case.disputed) == has_open, case.signature


def test_the_families_are_the_same_on_every_call():
    again = jsontext.json_text_cases(CTX)
    assert [(c.signature, c.raw_body, c.params) for c in again] == [(c.signature, c.raw_body, c.params)
                                                                   for c in CASES]
