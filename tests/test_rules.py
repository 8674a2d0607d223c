"""The rulebook: contract ids, sources, allowed answers, the faults that prove rules, disputes,
CONFORMANCE.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.endpoint import faults as fault_registry
from conformance.protocol.envelope import sanitize_error_type
from conformance.reports import proofs
from conformance.reports.conformance_md import COMMAND, render_conformance_md
from conformance.suite import rulebook, rules
from conformance.suite.model import ANY_TYPE
from conformance.suite.rulebook import load as load_rulebook
from conformance.suite.rules import Rule

RULES = load_rulebook().rules

ROOT = Path(__file__).resolve().parent.parent

CONTRACT_IDS = """
envelope.target-missing envelope.target-unknown envelope.method envelope.content-type envelope.body-not-json
envelope.body-not-object envelope.wrong-json-type envelope.body-empty envelope.no-5xx
authentication.missing authentication.malformed authentication.unknown-key authentication.signature
authentication.scope-region authentication.scope-service authentication.expired authentication.payload-hash
authentication.host-signed
validation.VolumeARN.required validation.VolumeARN.null validation.VolumeARN.minLength
validation.VolumeARN.maxLength validation.VolumeARN.pattern validation.SnapshotDescription.required
validation.SnapshotDescription.null validation.SnapshotDescription.minLength
validation.SnapshotDescription.maxLength validation.Tags.maxItems validation.Tag.Key.required
validation.Tag.Key.minLength validation.Tag.Key.maxLength validation.Tag.Key.pattern
validation.Tag.Value.required validation.Tag.Value.maxLength validation.Tag.Value.pattern
accept.valid-request accept.unicode accept.boundaries accept.null-optional accept.unknown-member
state.unknown-volume state.snapshot-id-unique
response.error-type response.error-type-header response.error-shape response.success-schema
response.volume-arn-echo response.content-type response.request-id transport.answered
""".split()

# Rules checked on every exchange or over the whole run rather than by cases of their own.
EXCHANGE_RULES = {"envelope.no-5xx", "state.snapshot-id-unique", "transport.answered"}


def test_every_contract_rule_id_is_registered():
    assert set(CONTRACT_IDS) <= set(RULES)


@pytest.mark.parametrize("rule", RULES.values(), ids=lambda r: r.id)
def test_every_rule_is_complete_and_cites_a_source(rule: Rule):
    assert rule.area == rule.id.split(".")[0]
    assert rule.severity in ("MUST", "SHOULD")
    assert rule.statement.endswith(".") and "\n" not in rule.statement
    assert any(s in rule.source for s in ("API_CreateSnapshot.md", "docs/protocol.md", "awsJson1_1", "SigV4",
                                          "botocore", "HTTP/1.1"))
    case_rule = not rule.id.startswith("response.") and rule.id not in EXCHANGE_RULES
    assert bool(rule.allowed) == case_rule


# MUST rules that no fault of the reference endpoint can prove, each with the reason.
# Keep this empty: a rule without a fault that breaks it is a check nobody has seen fail.
UNPROVABLE_MUST_RULES: dict[str, str] = {}


def test_every_fault_of_the_registry_names_a_rule_of_the_rulebook_and_proves_it():
    assert proofs.fault_rules() == {f.name: f.rule for f in fault_registry.ALL_FAULTS.values()}
    for fault, rule_id in proofs.fault_rules().items():
        assert rule_id in RULES, fault
        assert fault in proofs.rule_faults(rule_id)


def test_the_rulebook_knows_no_fault():
    assert "fault" not in Rule.__dataclass_fields__
    assert "conformance.endpoint" not in (ROOT / "conformance" / "suite" / "rules.py").read_text("utf-8")


@pytest.mark.parametrize("rule", [r for r in RULES.values() if r.severity == "MUST"], ids=lambda r: r.id)
def test_every_must_rule_is_proved_by_a_fault_that_fails_the_run(rule: Rule):
    proving = [f.name for f in fault_registry.FAULTS.values() if f.rule == rule.id]
    if rule.id in UNPROVABLE_MUST_RULES:
        assert not proving, f"{rule.id} has a fault now: drop it from UNPROVABLE_MUST_RULES"
        return
    assert proving, f"{rule.id}: add a fault to conformance.endpoint.faults.FAULTS that this rule catches"
    assert proofs.first_fault(rule.id) == proving[0]


@pytest.mark.parametrize("rule", [r for r in RULES.values() if r.severity == "SHOULD"], ids=lambda r: r.id)
def test_every_should_rule_is_proved_by_a_fault_that_only_warns(rule: Rule):
    proving = [f.name for f in fault_registry.WARNING_FAULTS.values() if f.rule == rule.id]
    assert proving and proofs.first_fault(rule.id) == proving[0]
    assert not [f for f in fault_registry.FAULTS.values() if f.rule == rule.id]   # those must exit 1


def test_a_rule_is_proved_first_by_the_first_of_its_faults():
    assert proofs.first_fault("accept.unicode") == "tag-key-ascii-only"
    assert proofs.rule_faults("accept.unicode") == ("tag-key-ascii-only", "length-in-bytes",
                                                    "tag-key-categories-partial")
    assert proofs.first_fault("envelope.method") == "method-ignored"


@pytest.mark.parametrize("rule_id", [r for r in RULES if r.startswith("validation.")])
def test_validation_rules_never_allow_a_volume_lookup_answer(rule_id: str):
    for outcome in RULES[rule_id].allowed:
        assert not (outcome.error_codes or set()) & {"VolumeNotFound", "GatewayNotFound"}
    types = {o.error_type for o in RULES[rule_id].allowed}
    assert {"ValidationException", "InvalidGatewayRequestException"} <= types


def test_invalid_gateway_request_counts_as_validation_only_with_error_code_invalid_parameters():
    outcome = next(o for o in rules.VALIDATION if o.error_type == "InvalidGatewayRequestException")
    assert outcome.error_codes == frozenset({"InvalidParameters"})


@pytest.mark.parametrize("rule_id", [r for r in RULES if r.startswith("authentication.")])
def test_authentication_rules_accept_400_and_403_and_say_why(rule_id: str):
    for outcome in RULES[rule_id].allowed:
        assert outcome.statuses == frozenset({400, 403})
    assert RULES[rule_id].disputed


def test_unknown_key_accepts_either_type_with_either_status():
    types = {o.error_type for o in RULES["authentication.unknown-key"].allowed}
    assert types == {"UnrecognizedClientException", "InvalidClientTokenId"}


@pytest.mark.parametrize("rule_id", ["validation.Tag.Value.pattern", "accept.unknown-member",
                                     "envelope.content-type"])
def test_disputed_rules_accept_success_as_well_as_refusal(rule_id: str):
    rule = RULES[rule_id]
    assert rule.disputed
    assert any(o.error_type is None and o.statuses == {200} for o in rule.allowed)
    assert any(o.error_type is not None for o in rule.allowed)


def test_undisputed_refusal_rules_never_allow_success():
    for rule in RULES.values():
        if rule.disputed or rule.area == "accept":
            continue
        assert all(o.error_type is not None for o in rule.allowed), rule.id


def test_method_rule_allows_any_4xx_and_no_success():
    (outcome,) = RULES["envelope.method"].allowed
    assert outcome.error_type == ANY_TYPE and outcome.statuses == frozenset(range(400, 500))


def test_content_type_rule_is_only_a_warning():
    assert RULES["envelope.content-type"].severity == "SHOULD"


@pytest.mark.parametrize("raw, expected", [
    ("ValidationException", "ValidationException"),
    ("com.amazonaws.storagegateway.v20130630#ValidationException", "ValidationException"),
    ("com.amazonaws.storagegateway.v20130630#ValidationException:http://internal.amazon.com/x",
     "ValidationException"),
    ("SerializationException:http://internal.amazon.com/coral/com.amazon.coral.service/",
     "SerializationException"),
    ("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/",
     "FooError"),
])
def test_sanitising_an_error_type_cuts_at_the_colon_and_keeps_what_follows_the_hash(raw: str, expected: str):
    assert sanitize_error_type(raw) == expected


def test_conformance_md_is_generated_from_the_registry_and_up_to_date():
    committed = (ROOT / "CONFORMANCE.md").read_text("utf-8")
    assert committed == render_conformance_md(), f"run: {COMMAND}"
    assert f"`{COMMAND}`" in committed


def test_conformance_md_lists_every_rule_and_every_fault():
    text = render_conformance_md()
    for rule_id in RULES:
        assert f"`{rule_id}`" in text
    for fault in fault_registry.ALL_FAULTS:
        assert f"`{fault}`" in text


RECORD = {"id": "Tag.Value.pattern", "schema": "Tag", "member": "Value", "keyword": "pattern",
          "schemas": "^x$", "botocore": None, "disputed": True, "rule": "validation.Tag.Value.pattern"}


def test_a_botocore_comparison_record_confirms_the_matching_dispute_and_names_itself():
    reasons = rulebook.build([RECORD]).reasons
    assert reasons["tag-value-pattern"].startswith(rules.DISPUTES["tag-value-pattern"])
    assert "Tag.Value.pattern" in reasons["tag-value-pattern"]
    assert reasons["partition-eusc"] == rules.DISPUTES["partition-eusc"]


def test_without_records_the_built_in_disputes_stand():
    assert rulebook.build([]).reasons == rules.DISPUTES
    registry = rulebook.build([]).rules
    assert registry["validation.Tag.Value.pattern"].disputed == rules.DISPUTES["tag-value-pattern"]


def test_fifty_one_tags_must_be_refused_the_models_silence_on_a_maximum_is_no_dispute():
    rule = rulebook.load().rules["validation.Tags.maxItems"]
    assert rule.disputed is None and rule.severity == "MUST"
    assert all(o.error_type is not None for o in rule.allowed)
    assert "tags-max" not in rulebook.load().reasons


@pytest.mark.parametrize("keyword, ours, member, rule_id", [
    ("maxItems", 50, "Tags", "validation.Tags.maxItems"),
    ("maxLength", 128, "Key", "validation.Tag.Key.maxLength"),
])
def test_a_constraint_the_botocore_model_only_leaves_out_loosens_nothing(
        keyword: str, ours: int, member: str, rule_id: str):
    record = {"id": f"x.{member}.{keyword}", "schema": "Tag", "member": member, "keyword": keyword,
              "schemas": ours, "botocore": None, "disputed": False, "rule": rule_id}
    book = rulebook.build([record])
    assert book.rules[rule_id] == rulebook.build([]).rules[rule_id]
    assert book.reasons == rules.DISPUTES and book.records == ()


def test_a_pattern_difference_gives_the_botocore_pattern_for_the_member():
    record = {"id": "x", "schema": "CreateSnapshotRequest", "member": "VolumeARN", "keyword": "pattern",
              "schemas": "a", "botocore": "b", "rule": "validation.VolumeARN.pattern"}
    assert rulebook.build([record]).alternative_patterns() == {"VolumeARN": "b"}


def test_importing_the_suite_loads_no_rulebook_it_is_loaded_explicitly_on_first_use() -> None:
    import subprocess
    import sys
    probe = ("import conformance.suite.rules, conformance.suite.checks, conformance.suite.engine\n"
             "import conformance.reports.conformance_md, conformance.pytest_plugin\n"
             "from conformance.suite import rulebook\n"
             "assert rulebook.load.cache_info().misses == 0, 'loaded at import time'\n"
             "assert rulebook.load().rules['validation.Tag.Value.pattern'].disputed\n"
             "assert rulebook.load.cache_info().misses == 1\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
