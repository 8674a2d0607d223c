"""Strategies: valid cases are schema-valid, invalid ones break exactly their rule, boundaries are
always there, ambiguous values are never must-cases, and a seed fixes the list."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache
from typing import Any

import pytest

from conformance.errors import UsageError
from conformance.spec import javaregex
from conformance.suite import strategies
from conformance.suite.model import SIGNING_MODES, Case
from conformance.suite.rules import RULES
from conformance.suite.strategies import (
    generate_cases,
    length_disputed,
    limits,
    parse_arn,
    pattern_disputed,
    utf16_len,
    violations,
)

ARN = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
REGION = "us-east-2"
SEEDS = (0, 1)


@lru_cache(maxsize=8)
def cases_for(seed: int, profile: str = "ci") -> tuple[Case, ...]:
    return tuple(generate_cases(ARN, REGION, profile, seed))


def all_cases() -> list[Case]:
    return [c for s in SEEDS for c in cases_for(s)]


def body_of(case: Case) -> Any:
    return json.loads(case.raw_body) if case.raw_body is not None else case.params


def strings_with_limits(params: Any) -> list[tuple[str, strategies.StringLimits]]:
    """Every constrained string in a body with its limits."""
    lim = limits()
    out: list[tuple[str, strategies.StringLimits]] = []
    if not isinstance(params, dict):
        return out
    for name, sl in (("VolumeARN", lim.arn), ("SnapshotDescription", lim.description)):
        if isinstance(params.get(name), str):
            out.append((params[name], sl))
    tags = params.get("Tags")
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, dict):
            for name, sl in (("Key", lim.key), ("Value", lim.value)):
                if isinstance(tag.get(name), str):
                    out.append((tag[name], sl))
    return out


def must_cases() -> list[Case]:
    return [c for c in all_cases() if c.disputed is None]


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
        if case.rule_id == "envelope.wrong-json-type":
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


CORRECT_SIGNING = {"sigv4", "sigv4-envelope"}


def test_every_signing_defect_is_exercised_by_its_rule():
    signing = {c.signing: c.rule_id for c in cases_for(0) if c.signing not in CORRECT_SIGNING}
    assert set(signing) == set(SIGNING_MODES) - CORRECT_SIGNING
    assert all(rule.startswith("authentication.") for rule in signing.values())
    assert all(c.signing == "sigv4" for c in cases_for(0)
               if not c.rule_id.startswith("authentication.") and c.signature != "valid/signed-envelope")


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
    monkeypatch.setattr(strategies, "limits", lambda: changed)
    by_sig = {c.signature: c for c in generate_cases(ARN, REGION, "quick", 0)}
    assert len(by_sig["SnapshotDescription/maxLength+1"].params["SnapshotDescription"]) == 101
    assert len(by_sig["Tags/maxItems+1"].params["Tags"]) == 8


@pytest.mark.parametrize("n", [49, 50, 51, 100, 500, 501])
def test_arns_of_any_length_are_well_formed(n: int):
    lim = limits().arn
    arn = strategies.arn_of_length(parse_arn(ARN, REGION), n)
    assert len(arn) == n and javaregex.java_fullmatch(lim.pattern or "", arn)


# --- coverage of the valid space -------------------------------------------------------------------
def test_generated_valid_requests_span_lengths_scripts_and_tag_counts():
    valid = [c.params for c in cases_for(0) if c.signature in ("valid/gen", "unicode/gen")]
    descriptions = [p["SnapshotDescription"] for p in valid]
    tag_lists = [p["Tags"] for p in valid if p.get("Tags") is not None]
    keys = [t["Key"] for tags in tag_lists for t in tags]
    assert min(map(len, descriptions)) <= 5 and max(map(len, descriptions)) >= 200
    assert any(not d.isascii() for d in descriptions)
    assert any(utf16_len(d) > len(d) for d in descriptions)                     # astral characters
    assert any(len(tags) == 0 for tags in tag_lists) and max(map(len, tag_lists)) >= 30
    assert any(any(not ch.isascii() and ch.isalpha() for ch in k) for k in keys)
    assert any(len(t["Value"]) == 0 for tags in tag_lists for t in tags)
    assert any(p.get("Tags", []) is None for p in [c.params for c in cases_for(0)
                                                 if c.rule_id == "accept.null-optional"])


def test_tag_keys_in_valid_requests_are_distinct_and_avoid_the_reserved_prefix():
    for case in all_cases():
        if case.rule_id.startswith("accept.") and case.params.get("Tags"):
            keys = [t["Key"] for t in case.params["Tags"]]
            assert len(keys) == len(set(keys))
            assert not any(k.lower().startswith("aws:") for k in keys)


# --- labels ---------------------------------------------------------------------------------------
def test_every_case_is_labelled_with_a_registered_rule_and_its_answers():
    for case in cases_for(0):
        rule = RULES[case.rule_id]
        assert case.allowed
        if case.disputed is None and case.signature != "Content-Type/charset-parameter":
            assert case.allowed == rule.allowed, case.signature


def test_signatures_carry_no_generated_values():
    sigs = {c.signature for s in SEEDS for c in cases_for(s)}
    assert len(sigs) < 250          # a stable vocabulary, not one label per value
    assert all("/gen" in s or s in {c.signature for c in cases_for(0)} for s in sigs)


def test_creates_marks_exactly_the_cases_whose_success_would_snapshot_the_target():
    by_sig = {c.signature: c for c in cases_for(0)}
    assert by_sig["valid/minimal"].creates and by_sig["signing/wrong-secret"].creates
    assert by_sig["Tag.Key/maxLength+1"].creates
    assert not by_sig["VolumeARN/unknown-volume"].creates
    assert not by_sig["body/not-json:truncated"].creates and not by_sig["VolumeARN/required"].creates


def test_a_given_missing_volume_arn_is_used():
    missing = ARN.replace("vol-1122AABB", "vol-99999999")
    cases = generate_cases(ARN, REGION, "quick", 0, missing_volume_arn=missing)
    assert {c.params["VolumeARN"] for c in cases if c.signature == "VolumeARN/unknown-volume"} == {missing}


# --- determinism and profiles ---------------------------------------------------------------------
def fingerprint(cases: list[Case] | tuple[Case, ...]) -> list[tuple[Any, ...]]:
    return [(c.rule_id, c.signature, json.dumps(c.params, sort_keys=True), c.raw_body, c.method, c.target,
             c.content_type, c.signing) for c in cases]


def test_the_same_seed_and_profile_give_the_same_cases():
    assert fingerprint(generate_cases(ARN, REGION, "ci", 0)) == fingerprint(cases_for(0))


def test_another_seed_gives_other_generated_cases_but_the_same_boundaries():
    a, b = cases_for(0), cases_for(1)
    assert fingerprint(a) != fingerprint(b)
    assert [c.signature for c in a if "/gen" not in c.signature] == \
           [c.signature for c in b if "/gen" not in c.signature]


def test_profiles_scale_the_number_of_cases():
    quick, ci = generate_cases(ARN, REGION, "quick", 0), cases_for(0)
    assert len(quick) < 200 and 300 <= len(ci) <= 600


def test_an_unknown_profile_is_a_usage_error():
    with pytest.raises(UsageError):
        generate_cases(ARN, REGION, "huge", 0)


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
            assert not strategies.botocore_disputed("VolumeARN", case.params["VolumeARN"]), case.params


# --- generation machinery --------------------------------------------------------------------------
def test_drawn_bytes_decode_to_characters_of_every_tier_of_the_alphabet():
    alpha = strategies.description_alphabet()
    assert strategies.decode_chars(alpha, bytes(3 * 5)) == alpha.ascii[0] * 5     # Hypothesis' simplest
    raw = bytes(range(256)) * 12
    text = strategies.decode_chars(alpha, raw)
    assert len(text) == len(raw) // 3
    assert set(text) <= set(alpha.all())
    assert any(c in alpha.ascii for c in text) and any(c in alpha.bmp for c in text)
    assert any(c in alpha.astral for c in text)


def test_lengths_from_drawn_bytes_reach_every_value_and_both_ends():
    lengths = [strategies._length(bytes([a, b]), 0, 256) for a in range(256) for b in range(0, 256, 7)]
    assert set(lengths) == set(range(257))
    assert lengths.count(0) > 100 and lengths.count(256) > 100     # each end 1 time in 16


def test_a_text_cut_to_a_utf16_limit_is_the_longest_prefix_that_fits():
    text = strategies._fit_utf16("a😀" * 200, 255)
    assert utf16_len(text) <= 255 and utf16_len(("a😀" * 200)[:len(text) + 1]) > 255


def _numbered_cases(keep: Any) -> Any:
    from hypothesis import strategies as st
    ctx = strategies.make_context(ARN, REGION)
    return st.integers(0, 10**6).map(
        lambda i: strategies.make_case(ctx, "accept.valid-request", "valid/gen", params=ctx.body(f"d{i}"))
        if keep(i) else None)


def test_a_candidate_that_misses_is_dropped_without_losing_the_rest_of_its_batch():
    cases = strategies.collect(_numbered_cases(lambda i: i % 3 != 0), 40, "t/0", set())
    assert len(cases) == 40 and len({c.params["SnapshotDescription"] for c in cases}) == 40
    assert all(int(c.params["SnapshotDescription"][1:]) % 3 != 0 for c in cases)


def test_collecting_stops_when_no_new_case_turns_up():
    seen: set[Any] = set()
    assert strategies.collect(_numbered_cases(lambda i: False), 20, "t/1", seen) == []
    cases = strategies.collect(_numbered_cases(lambda i: i < 2), 20, "t/2", seen)
    assert {c.params["SnapshotDescription"] for c in cases} <= {"d0", "d1"}


def test_cases_already_seen_are_not_collected_again():
    seen: set[Any] = set()
    first = strategies.collect(_numbered_cases(lambda i: True), 10, "t/3", seen)
    again = strategies.collect(_numbered_cases(lambda i: True), 10, "t/3", seen)
    descriptions = {c.params["SnapshotDescription"] for c in first}
    assert first and not descriptions & {c.params["SnapshotDescription"] for c in again}


def test_without_a_seed_the_generated_cases_are_fresh_and_the_boundaries_the_same():
    a, b = generate_cases(ARN, REGION, "quick", None), generate_cases(ARN, REGION, "quick", None)
    assert [c.signature for c in a if "/gen" not in c.signature] == \
           [c.signature for c in b if "/gen" not in c.signature]
    assert fingerprint([c for c in a if "/gen" in c.signature]) != \
           fingerprint([c for c in b if "/gen" in c.signature])


# Hypothesis draws constants from the source of loaded local modules: a module full of them must
# change nothing (the CLI, the pytest plugin and a bench script load different modules).
CASES_DIGEST = """
import hashlib, json, sys
sys.path.insert(0, sys.argv[1])
if sys.argv[2] == "with-constants":
    import local_constants  # noqa: F401
from conformance.suite.strategies import generate_cases
cases = generate_cases("{arn}", "{region}", "quick", 3)
print(hashlib.sha256(repr([(c.signature, json.dumps(c.params, sort_keys=True), c.raw_body, c.signing)
                           for c in cases]).encode()).hexdigest())
"""


def test_the_same_seed_gives_the_same_cases_whatever_local_modules_are_loaded(tmp_path: Any):
    import subprocess
    import sys
    from pathlib import Path
    ints = ", ".join(str(i) for i in range(0, 600, 1))
    byte_strings = ", ".join(repr(bytes(range(n))) for n in range(1, 100))
    (tmp_path / "local_constants.py").write_text(
        f"INTS = [{ints}]\nBYTES = [{byte_strings}]\nSTRINGS = ['Key', 'Value', 'k0', 'v', 'arn', 'é字']\n")
    root = Path(__file__).resolve().parent.parent
    script = CASES_DIGEST.format(arn=ARN, region=REGION)
    digests = {subprocess.run([sys.executable, "-c", script, str(tmp_path), mode], cwd=root, check=True,
                              capture_output=True, text=True).stdout for mode in ("plain", "with-constants")}
    assert len(digests) == 1, digests


def test_small_quotas_are_filled_by_seeded_draws_rather_than_hypothesis_simplest_example():
    def generated(seed: int) -> set[tuple[Any, ...]]:
        return set(fingerprint([c for c in cases_for(seed, "quick") if "/gen" in c.signature]))
    a, b = generated(0), generated(7)
    assert len(a) >= 20 and len(a & b) <= len(a) // 10
