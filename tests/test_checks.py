"""Each check, on a hand-built answer that breaks it and on one that keeps it (no server needed)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.suite import checks, scoreboard
from conformance.suite.model import Case, Exchange, Response, SentRequest
from conformance.suite.rulebook import load as load_rulebook

RULES = load_rulebook().rules

REGION = "us-east-2"
VOLUME = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
JSON_CT = "application/x-amz-json-1.1"
GOOD_HEADERS = {"content-type": JSON_CT, "x-amzn-requestid": "4c1a7f5e-0000-4000-8000-000000000001"}


def case_for(rule_id: str, params: Any = None, case_id: str = "c0001", **kw: Any) -> Case:
    params = {"VolumeARN": VOLUME, "SnapshotDescription": "d"} if params is None else params
    return Case(rule_id=rule_id, signature=f"{rule_id}:test", params=params,
                allowed=RULES[rule_id].allowed, id=case_id, **kw)


def exchange(case: Case, status: int | None, body: Any = b"", headers: dict[str, str] | None = None,
             truncated: bool = False, error: str | None = None) -> Exchange:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = SentRequest("POST", "http://127.0.0.1:1/", {"x-amz-target": "t"}, b"{}")
    if status is None:
        return Exchange(case, sent, None, error or "connection reset by peer")
    hdrs = dict(GOOD_HEADERS) if headers is None else headers
    return Exchange(case, sent, Response(status, hdrs, raw, truncated=truncated))


def success(case: Case, snapshot: str = "snap-1a2b3c4d", arn: str = VOLUME, **kw: Any) -> Exchange:
    return exchange(case, 200, {"SnapshotId": snapshot, "VolumeARN": arn}, **kw)


def error_body(error_type: str, message: Any = "oops", code: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"__type": error_type, "message": message}
    if code is not None:
        body["error"] = {"errorCode": code}
    return body


def judge(*exchanges: Exchange) -> scoreboard.Scoreboard:
    board = scoreboard.Scoreboard()
    for ex in exchanges:
        board.record(ex)
    return board


def first_reason(board: scoreboard.Scoreboard, rule_id: str) -> str:
    return board.tallies[rule_id].failures[0].reason


MAXLEN = "validation.SnapshotDescription.maxLength"


# --- the case's own rule ------------------------------------------------------------------------

def test_an_accepted_invalid_request_fails_its_rule_with_the_reason_in_plain_words() -> None:
    board = judge(success(case_for(MAXLEN)))
    assert board.status(MAXLEN) == "fail"
    assert first_reason(board, MAXLEN) == (
        "expected 400 ValidationException or 400 InvalidGatewayRequestException(InvalidParameters); "
        "got 200 with SnapshotId snap-1a2b3c4d")


def test_a_validation_exception_keeps_a_validation_rule() -> None:
    board = judge(exchange(case_for(MAXLEN), 400, error_body("ValidationException")))
    assert board.status(MAXLEN) == "pass"


def test_a_namespaced_error_type_is_sanitised_before_comparison() -> None:
    raw = "com.amazonaws.storagegateway.v20130630#ValidationException:http://internal.amazon.com/x"
    board = judge(exchange(case_for(MAXLEN), 400, error_body(raw)))
    assert board.status(MAXLEN) == "pass"


def test_invalid_gateway_request_with_invalid_parameters_keeps_a_validation_rule() -> None:
    body = error_body("InvalidGatewayRequestException", code="InvalidParameters")
    assert judge(exchange(case_for(MAXLEN), 400, body)).status(MAXLEN) == "pass"


def test_volume_not_found_for_an_invalid_value_fails_because_validation_comes_before_lookup() -> None:
    body = error_body("InvalidGatewayRequestException", code="VolumeNotFound")
    board = judge(exchange(case_for(MAXLEN), 400, body))
    assert board.status(MAXLEN) == "fail"
    assert "got 400 InvalidGatewayRequestException(VolumeNotFound)" in first_reason(board, MAXLEN)


def test_an_error_type_only_in_the_header_does_not_satisfy_the_rule() -> None:
    headers = {**GOOD_HEADERS, "x-amzn-errortype": "ValidationException"}
    board = judge(exchange(case_for(MAXLEN), 400, {"message": "too long"}, headers=headers))
    assert board.status(MAXLEN) == "fail"
    assert "without a body __type" in first_reason(board, MAXLEN)


def test_the_right_type_with_the_wrong_status_fails() -> None:
    board = judge(exchange(case_for(MAXLEN), 403, error_body("ValidationException")))
    assert board.status(MAXLEN) == "fail"


def test_an_alternative_answer_on_a_disputed_rule_passes_but_is_reported_disputed() -> None:
    rule_id = "envelope.body-empty"
    board = judge(exchange(case_for(rule_id, raw_body=b""), 400, error_body("ValidationException")))
    assert board.status(rule_id) == "disputed"
    assert board.tallies[rule_id].alternatives == {"400 ValidationException": 1}
    assert not board.must_failed()


def test_the_first_answer_of_a_disputed_rule_is_a_plain_pass() -> None:
    rule_id = "envelope.body-empty"
    board = judge(exchange(case_for(rule_id, raw_body=b""), 400, error_body("SerializationException")))
    assert board.status(rule_id) == "pass"
    assert board.tallies[rule_id].disputes


def test_a_should_rule_that_breaks_is_a_warning_not_a_failure() -> None:
    rule_id = "envelope.content-type"
    case = case_for(rule_id, content_type="text/plain")
    board = judge(exchange(case, 400, error_body("ValidationException")))
    assert board.status(rule_id) == "warn"
    assert not board.must_failed()


# --- envelope.no-5xx -------------------------------------------------------------------------

def test_a_5xx_answer_to_client_input_fails_no_5xx() -> None:
    board = judge(exchange(case_for(MAXLEN), 500, error_body("ValidationException")))
    assert board.status("envelope.no-5xx") == "fail"
    assert first_reason(board, "envelope.no-5xx").startswith("HTTP 500 for a client request")


def test_a_4xx_answer_keeps_no_5xx() -> None:
    assert judge(exchange(case_for(MAXLEN), 400, error_body("ValidationException"))).status(
        "envelope.no-5xx") == "pass"


# --- response.error-type -----------------------------------------------------------------------

def test_an_error_without_type_in_the_body_fails_error_type() -> None:
    board = judge(exchange(case_for(MAXLEN), 400, {"message": "bad"}))
    assert board.status("response.error-type") == "fail"
    assert "no __type" in first_reason(board, "response.error-type")


def test_an_error_whose_body_is_not_json_fails_error_type() -> None:
    board = judge(exchange(case_for(MAXLEN), 400, b"<html>bad</html>"))
    assert board.status("response.error-type") == "fail"


def test_an_error_with_type_keeps_error_type() -> None:
    board = judge(exchange(case_for(MAXLEN), 400, error_body("ValidationException")))
    assert board.status("response.error-type") == "pass"


def test_an_untyped_answer_the_rule_allows_explicitly_is_not_held_against_error_type() -> None:
    rule_id = "envelope.content-type"   # AWS: 404 <UnknownOperationException/>, not JSON
    case = case_for(rule_id, content_type="text/plain")
    board = judge(exchange(case, 404, b"<UnknownOperationException/>", headers={"x-amzn-requestid": "r"}))
    assert board.status(rule_id) == "pass"
    assert board.status("response.error-type") == "untested"


# --- response.error-type-header -----------------------------------------------------------------

def test_an_error_type_header_naming_another_type_fails() -> None:
    headers = {**GOOD_HEADERS, "x-amzn-errortype": "SerializationException"}
    board = judge(exchange(case_for(MAXLEN), 400, error_body("ValidationException"), headers=headers))
    assert board.status("response.error-type-header") == "fail"
    assert "SerializationException" in first_reason(board, "response.error-type-header")


def test_an_error_type_header_is_sanitised_before_comparison() -> None:
    headers = {**GOOD_HEADERS, "x-amzn-errortype": "ValidationException:http://internal.amazon.com/doc"}
    board = judge(exchange(case_for(MAXLEN), 400, error_body("ValidationException"), headers=headers))
    assert board.status("response.error-type-header") == "pass"


def test_no_error_type_header_leaves_the_header_rule_untested() -> None:
    board = judge(exchange(case_for(MAXLEN), 400, error_body("ValidationException")))
    assert board.status("response.error-type-header") == "untested"


# --- response.error-shape ------------------------------------------------------------------------

def test_a_message_that_is_not_a_string_fails_error_shape() -> None:
    board = judge(exchange(case_for(MAXLEN), 400, error_body("ValidationException", message=["x"])))
    assert board.status("response.error-shape") == "fail"


def test_a_modelled_error_with_an_error_code_outside_the_enum_fails_error_shape() -> None:
    body = error_body("InvalidGatewayRequestException", code="VOLUME_NOT_FOUND")
    board = judge(exchange(case_for("state.unknown-volume"), 400, body))
    assert board.status("response.error-shape") == "fail"
    assert "VOLUME_NOT_FOUND" in first_reason(board, "response.error-shape")


def test_a_modelled_error_without_an_error_object_fails_error_shape() -> None:
    body = error_body("InvalidGatewayRequestException")
    board = judge(exchange(case_for("state.unknown-volume"), 400, body))
    assert board.status("response.error-shape") == "fail"


def test_a_modelled_error_with_an_enum_error_code_and_a_capitalised_message_keeps_error_shape() -> None:
    body = {"__type": "InvalidGatewayRequestException", "Message": "The specified volume was not found.",
            "error": {"errorCode": "VolumeNotFound", "errorDetails": {"volume": "vol-1"}}}
    board = judge(exchange(case_for("state.unknown-volume"), 400, body))
    assert board.status("response.error-shape") == "pass"
    assert board.status("state.unknown-volume") == "pass"


# --- response.success-schema ----------------------------------------------------------------------

def test_a_snapshot_id_with_ten_hex_digits_fails_the_success_schema() -> None:
    board = judge(success(case_for("accept.valid-request"), snapshot="snap-0123456789"))
    assert board.status("response.success-schema") == "fail"
    assert "SnapshotId" in first_reason(board, "response.success-schema")


def test_a_success_without_volume_arn_fails_the_success_schema() -> None:
    board = judge(exchange(case_for("accept.valid-request"), 200, {"SnapshotId": "snap-1a2b3c4d"}))
    assert board.status("response.success-schema") == "fail"
    assert first_reason(board, "response.success-schema") == "200 answer without VolumeARN"


def test_a_seventeen_digit_snapshot_id_keeps_the_success_schema() -> None:
    board = judge(success(case_for("accept.valid-request"), snapshot="snap-0123456789abcdef0"))
    assert board.status("response.success-schema") == "pass"
    assert board.status("accept.valid-request") == "pass"


# --- response.volume-arn-echo ------------------------------------------------------------------------

def test_a_lower_cased_volume_arn_in_the_answer_fails_the_echo() -> None:
    board = judge(success(case_for("accept.valid-request"), arn=VOLUME.lower()))
    assert board.status("response.volume-arn-echo") == "fail"


def test_the_request_volume_arn_echoed_keeps_the_echo() -> None:
    assert judge(success(case_for("accept.valid-request"))).status("response.volume-arn-echo") == "pass"


# --- response.content-type (MUST), response.request-id (SHOULD) ----------------------------------------

def test_a_success_served_as_text_html_fails_the_content_type_rule() -> None:
    board = judge(success(case_for("accept.valid-request"),
                          headers={"content-type": "text/html", "x-amzn-requestid": "r"}))
    assert board.status("response.content-type") == "fail"
    assert board.must_failed()


def test_a_json_content_type_with_a_charset_parameter_keeps_content_type() -> None:
    board = judge(success(case_for("accept.valid-request"),
                          headers={"content-type": JSON_CT + "; charset=utf-8", "x-amzn-requestid": "r"}))
    assert board.status("response.content-type") == "pass"


def test_an_answer_without_request_id_is_a_warning() -> None:
    board = judge(success(case_for("accept.valid-request"), headers={"content-type": JSON_CT}))
    assert board.status("response.request-id") == "warn"
    assert not board.must_failed()


def test_an_answer_with_request_id_keeps_the_request_id_rule() -> None:
    assert judge(success(case_for("accept.valid-request"))).status("response.request-id") == "pass"


# --- transport.answered --------------------------------------------------------------------------------

def test_no_answer_at_all_fails_transport_answered_and_not_the_case_rule() -> None:
    board = judge(exchange(case_for(MAXLEN), None, error="read timed out after 1.0 s"))
    assert board.status("transport.answered") == "fail"
    assert "read timed out" in first_reason(board, "transport.answered")
    assert board.status(MAXLEN) == "untested"


def test_a_body_cut_at_the_read_cap_fails_transport_answered() -> None:
    board = judge(exchange(case_for(MAXLEN), 200, b"x" * 1024, truncated=True))
    assert board.status("transport.answered") == "fail"


def test_a_complete_answer_keeps_transport_answered() -> None:
    assert judge(success(case_for("accept.valid-request"))).status("transport.answered") == "pass"


# --- state.snapshot-id-unique (run-level) --------------------------------------------------------------

def test_the_same_snapshot_id_twice_in_a_run_fails_uniqueness_naming_the_first_case() -> None:
    first = success(case_for("accept.valid-request", case_id="c0001"))
    second = success(case_for("accept.boundaries", case_id="c0002"))
    board = judge(first, second)
    assert board.status("state.snapshot-id-unique") == "fail"
    assert first_reason(board, "state.snapshot-id-unique") == (
        "SnapshotId snap-1a2b3c4d was already returned for case c0001")


def test_distinct_snapshot_ids_keep_uniqueness() -> None:
    board = judge(success(case_for("accept.valid-request", case_id="c0001"), snapshot="snap-00000001"),
                  success(case_for("accept.valid-request", case_id="c0002"), snapshot="snap-00000002"))
    assert board.status("state.snapshot-id-unique") == "pass"
    assert board.tallies["state.snapshot-id-unique"].cases == 2


# --- the scoreboard --------------------------------------------------------------------------------

def test_a_rule_nothing_exercised_is_untested() -> None:
    assert scoreboard.Scoreboard().status("validation.Tag.Key.pattern") == "untested"


def test_failures_beyond_the_evidence_limit_are_counted_but_not_kept() -> None:
    board = scoreboard.Scoreboard(max_evidence=2)
    for i in range(5):
        board.record(success(case_for(MAXLEN, case_id=f"c{i:04d}"), snapshot=f"snap-0000000{i}"))
    tally = board.tallies[MAXLEN]
    assert (tally.failure_count, len(tally.failures)) == (5, 2)


@pytest.mark.parametrize("rule_id", [*checks.EXCHANGE_CHECKS, *checks.RUN_CHECKS])
def test_every_check_belongs_to_a_registered_rule(rule_id: str) -> None:
    assert rule_id in RULES


# --- answers of other conformant styles (conformance.endpoint.variants.VARIANTS) ---

def test_a_null_message_is_an_absent_message_and_keeps_error_shape() -> None:
    board = judge(exchange(case_for("envelope.target-missing"), 400,
                           error_body("com.amazon.coral.service#UnknownOperationException", message=None)))
    assert board.status("response.error-shape") == "pass"
    assert board.status("envelope.target-missing") == "pass"


def test_error_details_as_a_string_still_fail_error_shape_as_botocore_cannot_parse_them() -> None:
    body = {"__type": "InvalidGatewayRequestException", "message": "m",
            "error": {"errorCode": "VolumeNotFound", "errorDetails": "not used"}}
    board = judge(exchange(case_for("state.unknown-volume"), 400, body))
    assert board.status("response.error-shape") == "fail"


@pytest.mark.parametrize("rule_id,status,error_type", [
    ("envelope.target-missing", 404, "UnknownOperationException"),
    ("envelope.target-missing", 400, "MissingAction"),
    ("envelope.target-unknown", 404, "UnknownOperationException"),
    ("envelope.target-unknown", 400, "InvalidAction"),
])
def test_a_target_refused_as_the_user_guide_or_with_404_is_a_disputed_pass(
        rule_id: str, status: int, error_type: str) -> None:
    board = judge(exchange(case_for(rule_id), status, error_body(error_type)))
    assert board.status(rule_id) == "disputed" and not board.must_failed()


@pytest.mark.parametrize("rule_id,status,error_type", [
    ("envelope.target-missing", 400, "InvalidAction"),          # that names an invalid target
    ("envelope.target-unknown", 400, "MissingAction"),          # that names a missing one
    ("envelope.target-unknown", 404, "ValidationException"),
])
def test_a_target_refused_with_another_type_still_fails(rule_id: str, status: int, error_type: str) -> None:
    assert judge(exchange(case_for(rule_id), status, error_body(error_type))).status(rule_id) == "fail"


EUSC_VOLUME = VOLUME.replace("arn:aws:", "arn:aws-eusc:").replace("us-east-2", "eusc-de-east-1")


def test_a_success_naming_an_eusc_volume_keeps_the_success_schema_as_the_botocore_model_allows() -> None:
    case = case_for("accept.valid-request", {"VolumeARN": EUSC_VOLUME, "SnapshotDescription": "d"})
    board = judge(success(case, arn=EUSC_VOLUME))
    assert board.status("response.success-schema") == "pass"


def test_a_success_naming_a_volume_arn_neither_pattern_allows_fails_the_success_schema() -> None:
    other = VOLUME.replace("arn:aws:", "arn:aws-xx:")
    case = case_for("accept.valid-request", {"VolumeARN": other, "SnapshotDescription": "d"})
    assert judge(success(case, arn=other)).status("response.success-schema") == "fail"


def test_a_success_with_members_the_api_does_not_define_keeps_the_success_schema() -> None:
    body = {"SnapshotId": "snap-1a2b3c4d", "VolumeARN": VOLUME, "SnapshotDescription": "d", "Tags": []}
    assert judge(exchange(case_for("accept.valid-request"), 200, body)).status("response.success-schema") \
        == "pass"


def test_a_plain_text_refusal_of_another_method_is_not_judged_on_request_id_or_content_type() -> None:
    board = judge(exchange(case_for("envelope.method", method="GET"), 405, b"Method Not Allowed",
                           headers={"content-type": "text/plain", "allow": "POST"}))
    assert board.status("envelope.method") == "pass"
    assert board.status("response.request-id") == "untested"
    assert board.status("response.content-type") == "untested"


# --- the error's status and the Date header -----------------------------------------------------

def test_a_named_error_type_with_a_status_the_sources_never_give_it_fails_response_error_status() -> None:
    case = case_for("envelope.http-framing")   # any 4xx, any type: the case alone would allow it
    board = judge(exchange(case, 401, error_body("SerializationException")))
    assert board.status("response.error-status") == "fail"
    assert first_reason(board, "response.error-status") == (
        "HTTP 401 SerializationException: the sources give SerializationException as 400 only")


def test_the_statuses_each_error_type_may_carry_come_from_every_rule_of_the_rulebook() -> None:
    table = checks.error_statuses()
    assert table["SerializationException"] == {400}
    assert table["InvalidSignatureException"] == {400, 403}
    assert table["UnknownOperationException"] == {400, 404}
    case = case_for("envelope.http-framing")
    for ok in (exchange(case, 403, error_body("InvalidSignatureException")),
               exchange(case, 400, error_body("SerializationException"))):
        assert judge(ok).status("response.error-status") == "pass"
    unnamed = exchange(case, 431, error_body("RequestHeaderFieldsTooLarge"))   # a type no source names
    assert judge(unnamed).status("response.error-status") == "untested"


@pytest.mark.parametrize("value", ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                                   "Sun Nov  6 08:49:37 1994"])
def test_a_date_header_in_any_of_the_three_http_date_forms_keeps_response_date(value: str) -> None:
    board = judge(success(case_for("accept.valid-request"), headers={**GOOD_HEADERS, "date": value}))
    assert board.status("response.date") == "pass"


@pytest.mark.parametrize("value", ["", "2026-12-01T14:00:00Z", "Sun, 06 Nov 1994 08:49:37 UTC",
                                   "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT, "
                                   "Sun, 06 Nov 1994 08:49:38 GMT"])
def test_a_date_header_that_is_no_http_date_fails_response_date(value: str) -> None:
    board = judge(success(case_for("accept.valid-request"), headers={**GOOD_HEADERS, "date": value}))
    assert board.status("response.date") == "fail"
