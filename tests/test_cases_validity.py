"""Cases are what their labels say: valid cases are schema-valid, invalid ones break exactly their
rule, ambiguous values are never must-cases, and every case carries its rule's answers."""

from __future__ import annotations

import json

import pytest
from cases_support import ARN, SEEDS, all_cases, body_of, cases_for, must_cases, strings_with_limits

from conformance.spec import javaregex
from conformance.spec.text import utf16_len
from conformance.suite.cases.limits import botocore_disputed, length_disputed, limits, pattern_disputed
from conformance.suite.cases.oracle import violations
from conformance.suite.rulebook import load as load_rulebook
from conformance.suite.signing import MODES, SIGNING_MODES

RULES = load_rulebook().rules


# --- validity: each case breaks exactly its rule ---------------------------------------------------
def test_valid_cases_are_valid_against_the_schemas():
    valid = [c for c in all_cases() if c.rule_id in
             ("accept.valid-request", "accept.unicode", "accept.boundaries", "accept.null-optional")]
    assert len(valid) > 300
    for case in valid:
        assert violations(case.params) == set(), case.signature
        assert case.params["VolumeARN"] == ARN


# Cases that cannot break one constraint alone; every other one they break allows the same answers.
BREAKS_TWO = {"VolumeARN/empty": {"validation.VolumeARN.minLength", "validation.VolumeARN.pattern"}}


def test_every_validation_case_breaks_exactly_its_labelled_constraint():
    checked = 0
    for case in all_cases():
        if case.rule_id.startswith("validation.") and case.disputed is None:
            expected = BREAKS_TWO.get(case.signature, {case.rule_id})
            assert case.rule_id in expected
            assert violations(case.params) == expected, (case.signature, case.params)
            assert all(RULES[r].allowed == case.allowed for r in expected)
            checked += 1
    assert checked > 200


def test_an_empty_volume_arn_is_refused_as_too_short():
    case = {c.signature: c for c in cases_for(0)}["VolumeARN/empty"]
    assert case.rule_id == "validation.VolumeARN.minLength" and case.params["VolumeARN"] == ""


def known_names() -> set[str]:
    return {*limits().members, "Key", "Value"}


def test_a_required_member_sent_under_another_case_is_missing_and_never_may_succeed():
    recased = [c for c in cases_for(0) if c.signature.endswith("/member-case")]
    assert {c.rule_id for c in recased} == {"validation.VolumeARN.required",
                                            "validation.SnapshotDescription.required",
                                            "validation.Tag.Key.required", "validation.Tag.Value.required"}
    for case in recased:
        assert violations(case.params) == {case.rule_id}
        assert all(o.error_type for o in case.allowed) and case.disputed
        names = set(case.params) | {n for t in case.params.get("Tags", []) for n in t}
        recased_names = {n for n in names - known_names() if n.lower() in {k.lower() for k in known_names()}}
        assert len(recased_names) == 1, case.signature


def test_a_value_one_over_its_maximum_only_through_a_trailing_space_is_refused():
    lim = limits()
    by_sig = {c.signature: c for c in cases_for(0)}
    cases = {"SnapshotDescription/maxLength+1/trailing-space": lim.description.max,
             "Tag.Key/maxLength+1/trailing-space": lim.key.max,
             "Tag.Value/maxLength+1/trailing-space": lim.value.max}
    for sig, maximum in cases.items():
        text = [t for t, _ in strings_with_limits(by_sig[sig].params) if t.endswith(" ")][0]
        assert len(text) == maximum + 1 and len(text.strip()) == maximum
        assert by_sig[sig].rule_id.endswith(".maxLength") and by_sig[sig].disputed is None
    assert by_sig["SnapshotDescription/minLength/space"].rule_id == "accept.boundaries"


def test_wrong_json_type_cases_break_only_a_type_and_no_member_is_null():
    for case in all_cases():
        if case.rule_id == "envelope.wrong-json-type" and case.raw_body is None:   # raw: huge numbers
            assert violations(case.params) == {"envelope.wrong-json-type"}, case.signature


def test_unknown_member_cases_are_otherwise_valid_and_carry_a_member_the_api_does_not_define():
    known = set(limits().members)
    cases = [c for c in all_cases() if c.rule_id == "accept.unknown-member"]
    assert cases
    for case in cases:
        assert violations(case.params) == set()
        tags = case.params.get("Tags") or []
        assert set(case.params) - known or any(set(t) - {"Key", "Value"} for t in tags)
    assert any(c.signature == "unknown-member/in-tag" for c in cases)


def test_unknown_volume_cases_are_well_formed_arns_other_than_the_target():
    cases = [c for c in all_cases() if c.rule_id == "state.unknown-volume"]
    assert len(cases) > 20
    for case in cases:
        assert violations(case.params) == set()
        assert case.params["VolumeARN"].lower() != ARN.lower()
        assert not case.creates


def test_body_not_json_cases_cannot_be_parsed_even_leniently():
    cases = [c for c in all_cases() if c.rule_id == "envelope.body-not-json"]
    assert len(cases) > 20
    for case in cases:
        assert case.raw_body is not None and case.raw_body.strip()
        with pytest.raises(ValueError):
            json.JSONDecoder().raw_decode(case.raw_body.decode("utf-8").lstrip())


def test_body_not_object_cases_are_json_but_not_objects():
    cases = [c for c in all_cases() if c.rule_id == "envelope.body-not-object"]
    assert cases
    for case in cases:
        value = json.loads(case.raw_body or b"")
        assert value is not None and not isinstance(value, dict)


def test_beyond_the_body_cases_send_a_valid_body():
    beyond = ("authentication.", "envelope.target", "envelope.method", "envelope.content-type")
    for case in all_cases():
        if case.rule_id.startswith(beyond):
            assert case.raw_body is None and violations(case.params) == set(), case.signature


CORRECT_SIGNING = {m.name for m in MODES if m.rule is None}


def test_every_signing_defect_is_exercised_by_its_rule():
    signing = {c.signing: c.rule_id for c in cases_for(0) if c.signing not in CORRECT_SIGNING
               and not c.signature.startswith("order/")}     # the order of checks: a defect of two layers
    assert set(signing) == set(SIGNING_MODES) - CORRECT_SIGNING
    assert all(rule.startswith("authentication.") for rule in signing.values())
    assert all(c.signing == "sigv4" for c in cases_for(0)
               if not c.rule_id.startswith("authentication.") and c.signature != "valid/signed-envelope"
               and not c.signature.startswith(("valid/signing:", "order/")))


def test_every_other_correct_signature_is_sent_once_as_a_valid_request():
    sent = {c.signing for c in cases_for(0) if c.signature.startswith("valid/signing:")}
    assert sent == CORRECT_SIGNING - {"sigv4", "sigv4-envelope"}
    assert {"clock-behind", "clock-ahead", "spaced-header", "no-content-sha256"} <= sent


def test_one_valid_request_is_signed_over_content_type_and_target_too():
    envelope = [c for c in cases_for(0) if c.signing == "sigv4-envelope"]
    assert [(c.signature, c.rule_id) for c in envelope] == [("valid/signed-envelope", "accept.valid-request")]


# --- ambiguity ------------------------------------------------------------------------------------
def test_no_must_case_holds_a_dialect_ambiguous_value():
    for case in must_cases():
        for text, sl in strings_with_limits(body_of(case) if case.raw_body is None else None):
            assert not pattern_disputed(text, sl), (case.signature, text)


def test_no_must_case_depends_on_counting_code_points_or_utf16_units():
    astral_seen = False
    for case in must_cases():
        for text, sl in strings_with_limits(case.params):
            assert not length_disputed(text, sl), (case.signature, len(text), utf16_len(text))
            astral_seen |= utf16_len(text) > len(text)
    assert astral_seen


def test_disputed_cases_accept_both_answers():
    disputed = [c for c in all_cases() if c.disputed]
    signatures = {c.signature for c in disputed}
    assert {"VolumeARN/pattern/partition-eusc", "SnapshotDescription/maxLength/astral-utf16",
            "Tag.Key/maxLength/astral-utf16", "VolumeARN/pattern/dialect/nbsp-in-volume-id"} <= signatures
    for case in disputed:
        assert sum(len(o.statuses) for o in case.allowed) >= 2
        refusal = {o.error_type for o in case.allowed if o.error_type}
        assert refusal
        if case.signature.endswith("astral-utf16"):
            assert any(o.error_type is None for o in case.allowed)
            assert violations(case.params) == set()          # valid when counting code points
            assert any(utf16_len(t) > sl.max for t, sl in strings_with_limits(case.params))


def test_dialect_ambiguous_arns_are_really_ambiguous():
    pattern = limits().arn.pattern or ""
    for case in cases_for(0):
        if "/dialect/" in case.signature:
            assert javaregex.is_ambiguous(pattern, case.params["VolumeARN"])


# --- labels ---------------------------------------------------------------------------------------
def test_every_case_is_labelled_with_a_registered_rule_and_its_answers():
    for case in cases_for(0):
        rule = RULES[case.rule_id]
        assert case.allowed
        if case.disputed is None and case.signature != "Content-Type/charset-parameter":
            assert case.allowed == rule.allowed, case.signature


def test_signatures_carry_no_generated_values():
    sigs = {c.signature for s in SEEDS for c in cases_for(s)}
    assert len(sigs) < 450          # a stable vocabulary, not one label per value
    assert all("/gen" in s or s in {c.signature for c in cases_for(0)} for s in sigs)


def test_creates_marks_exactly_the_cases_whose_success_would_snapshot_the_target():
    by_sig = {c.signature: c for c in cases_for(0)}
    assert by_sig["valid/minimal"].creates and by_sig["signing/wrong-secret"].creates
    assert by_sig["Tag.Key/maxLength+1"].creates
    assert not by_sig["VolumeARN/unknown-volume"].creates
    assert not by_sig["body/not-json:text"].creates and not by_sig["VolumeARN/required"].creates
    # a body that is not strict JSON but holds the target's ARN: a lenient endpoint may read it
    assert by_sig["body/not-json:truncated"].creates and by_sig["json/lenient:block-comment"].creates


def test_violations_maps_schema_errors_to_rule_ids():
    assert violations({"SnapshotDescription": "x"}) == {"validation.VolumeARN.required"}
    assert violations({"VolumeARN": ARN, "SnapshotDescription": 5}) == {"envelope.wrong-json-type"}
    assert violations({"VolumeARN": ARN, "SnapshotDescription": "x", "Tags": None}) == set()
    assert violations({"VolumeARN": None, "SnapshotDescription": "x"}) == {"validation.VolumeARN.null"}
    assert violations({"VolumeARN": ARN, "SnapshotDescription": "x", "Tags": [{"Key": None, "Value": ""}]}) \
        == {"validation.Tag.Key.required"}
    assert violations([]) == {"envelope.body-not-object"}


def test_no_must_reject_arn_is_accepted_by_the_botocore_models_pattern():
    for case in must_cases():
        if case.rule_id == "validation.VolumeARN.pattern":
            assert not botocore_disputed("VolumeARN", case.params["VolumeARN"]), case.params


