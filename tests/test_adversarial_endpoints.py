"""Endpoints built to slip past a suite: each one breaks API_CreateSnapshot.md or docs/protocol.md in a way
a plausible implementation would, and the suite must fail the rule it breaks.

Each endpoint is the reference endpoint behind a small WSGI layer that answers some requests its own
(wrong) way and hands every other request on unchanged, on a real socket; the suite runs against its
URL as against any external endpoint.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.wrappers import Request, Response

from conformance.embedded import run_suite
from conformance.endpoint import ReferenceEndpoint
from conformance.suite.config import RunConfig

# Given the parsed JSON body (None if it is not JSON) and the raw bytes: an answer, or None to hand on.
Deviation = Callable[[Any, bytes], "Response | None"]
PLAIN = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "adversarial"}


def answer(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body), status=status, headers=PLAIN)


def volume_not_found() -> Response:
    return answer(400, {"__type": "InvalidGatewayRequestException", "message": "The specified volume was "
                        "not found.", "error": {"errorCode": "VolumeNotFound"}})


def internal_failure() -> Response:
    return answer(500, {"__type": "InternalFailure", "message": "unexpected keyword argument"})


def snapshot(arn: str) -> Response:
    return answer(200, {"SnapshotId": "snap-0123abcd", "VolumeARN": arn})


@pytest.fixture
def endpoint_with() -> Iterator[Callable[[Deviation], ReferenceEndpoint]]:
    started: list[ReferenceEndpoint] = []

    def start(deviation: Deviation) -> ReferenceEndpoint:
        ep = ReferenceEndpoint().start()
        started.append(ep)
        inner = ep._server.app          # werkzeug's server keeps its WSGI application here

        def app(environ: dict[str, Any], start_response: Any) -> Any:
            request = Request(environ)
            raw = request.get_data()
            environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(raw), str(len(raw))
            try:
                params = json.loads(raw)
            except ValueError:
                params = None
            own = deviation(params, raw)
            return (own or inner)(environ, start_response)

        ep._server.app = app
        return ep

    yield start
    for ep in started:
        ep.stop()


def failing_rules(ep: ReferenceEndpoint, tmp_path: Path) -> list[str]:
    config = RunConfig(endpoint=ep.url, region=ep.region, volume_arn=ep.volume_arn,
                              credentials=ep.credentials, profile="quick", report_dir=tmp_path)
    return run_suite(config).failing_rules()


def tags_of(params: Any) -> list[Any]:
    tags = params.get("Tags") if isinstance(params, dict) else None
    return tags if isinstance(tags, list) else []


def test_an_endpoint_that_crashes_on_an_unknown_member_inside_a_tag_fails_the_run(endpoint_with, tmp_path):
    def deviation(params: Any, raw: bytes) -> Response | None:
        extra = any(isinstance(t, dict) and set(t) - {"Key", "Value"} for t in tags_of(params))
        return internal_failure() if extra else None
    rules = failing_rules(endpoint_with(deviation), tmp_path)
    assert "accept.unknown-member" in rules and "envelope.no-5xx" in rules


def test_an_endpoint_that_reads_member_names_without_regard_to_case_fails_the_required_rules(
        endpoint_with, tmp_path):
    def deviation(params: Any, raw: bytes) -> Response | None:
        if not isinstance(params, dict):
            return None
        folded = {k.lower(): v for k, v in params.items()}
        tags = [{k.lower(): v for k, v in t.items()} for t in tags_of(params) if isinstance(t, dict)]
        recased = "volumearn" in folded and "snapshotdescription" in folded and \
            not ("VolumeARN" in params and "SnapshotDescription" in params
                 and all({"Key", "Value"} <= set(t) for t in tags_of(params) if isinstance(t, dict)))
        if recased and all("key" in t and "value" in t for t in tags):
            return snapshot(folded["volumearn"])
        return None
    rules = failing_rules(endpoint_with(deviation), tmp_path)
    assert {"validation.VolumeARN.required", "validation.SnapshotDescription.required",
            "validation.Tag.Key.required", "validation.Tag.Value.required"} <= set(rules)


def test_an_endpoint_that_skips_the_checks_of_an_empty_volume_arn_fails_its_minimum_length(
        endpoint_with, tmp_path):
    # `if arn and len(arn) < 50` and `if arn and not pattern.match(arn)`: "" reaches the lookup.
    def deviation(params: Any, raw: bytes) -> Response | None:
        return volume_not_found() if isinstance(params, dict) and params.get("VolumeARN") == "" else None
    assert "validation.VolumeARN.minLength" in failing_rules(endpoint_with(deviation), tmp_path)


def test_an_endpoint_that_trims_strings_before_measuring_them_fails_their_length_rules(
        endpoint_with, tmp_path):
    def trimmed_fits(text: Any, maximum: int) -> bool:
        return isinstance(text, str) and text != text.strip() and len(text) > maximum >= len(text.strip())

    def deviation(params: Any, raw: bytes) -> Response | None:
        if not isinstance(params, dict):
            return None
        if isinstance(params.get("SnapshotDescription"), str) and not params["SnapshotDescription"].strip():
            return answer(400, {"__type": "ValidationException", "message": "description is blank"})
        over = trimmed_fits(params.get("SnapshotDescription"), 255) or any(
            trimmed_fits(t.get("Key"), 128) or trimmed_fits(t.get("Value"), 256)
            for t in tags_of(params) if isinstance(t, dict))
        return snapshot(params.get("VolumeARN", "")) if over else None
    rules = failing_rules(endpoint_with(deviation), tmp_path)
    assert {"validation.SnapshotDescription.maxLength", "validation.Tag.Key.maxLength",
            "validation.Tag.Value.maxLength", "accept.boundaries"} <= set(rules)


def test_an_endpoint_whose_json_parser_allows_a_trailing_comma_fails_the_not_json_rule(
        endpoint_with, tmp_path):
    def deviation(params: Any, raw: bytes) -> Response | None:
        stripped = raw.rstrip()
        if params is None and stripped.endswith(b",}"):
            lenient = json.loads(stripped[:-2] + b"}")
            return snapshot(lenient.get("VolumeARN", ""))
        return None
    assert "envelope.body-not-json" in failing_rules(endpoint_with(deviation), tmp_path)
