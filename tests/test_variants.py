"""The suite accepts every conformant way of answering: no false alarm on a correct endpoint.

A conformance suite is judged by the broken endpoints it catches (tests/test_faults_caught.py
proves each MUST rule by a fault) and by the correct endpoints it wrongly fails.  This module
proves the second half with conformance.endpoint.variants.VARIANTS: behaviours of the reference endpoint
that differ from its defaults and are still conformant (each cites its source).

* every variant has a probe showing that its behaviour really happens (and does not happen
  without it), so that no test below passes vacuously;
* a run of the suite against the embedded endpoint with each variant exits 0, no MUST rule
  failing and no warning but the SHOULD rules the variant names in ``warns``;
* every variant that can be combined, all together, in the ci profile for several seeds (the
  alternatives of each group in turn), and through an external URL (volume discovery included);
* every fault is still caught with the endpoint answering in another conformant style (namespaced
  types, 403 authentication errors, InvalidParameters, ...), and a handful over other HTTP
  framings: the checks judge what an answer means, not this server's way of saying it.
"""

from __future__ import annotations

import argparse
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from framing_wire import framed, status_line

from conformance.cli import main as cli
from conformance.cli import replay
from conformance.embedded import run_suite
from conformance.endpoint import ReferenceEndpoint
from conformance.endpoint.faults import FAULTS
from conformance.endpoint.variants import EUSC_VOLUME_ARN_PATTERN, VARIANTS, VariantSet
from conformance.errors import UsageError
from conformance.protocol import envelope
from conformance.suite.config import RunConfig
from conformance.suite.results import RunResult
from conformance.suite.rulebook import load as load_rulebook

RULES = load_rulebook().rules

Post = Any            # the post_to fixture
Answers = list[Any]   # requests.Response, raw HTTP bytes, or the exception raised when no answer came
PROFILE = "quick"


# --- probes: each variant's behaviour, seen on the wire ---------------------------------------------
@dataclass(frozen=True)
class Probe:
    send: Callable[[ReferenceEndpoint, Post], Answers]
    shows: Callable[[Answers], bool]


def body_of(ep: ReferenceEndpoint, **extra: Any) -> dict[str, Any]:
    return {"VolumeARN": ep.volume_arn, "SnapshotDescription": "variant probe", **extra}


def create(**extra: Any) -> Callable[[ReferenceEndpoint, Post], Answers]:
    return lambda ep, post: [post(ep, body_of(ep, **extra))]


def create_with(**post_args: Any) -> Callable[[ReferenceEndpoint, Post], Answers]:
    return lambda ep, post: [post(ep, body_of(ep), **post_args)]


def dated_ago(ago: timedelta) -> Callable[[ReferenceEndpoint, Post], Answers]:
    """A request signed ``ago`` in the past, the clock read when it is sent (not at import)."""
    return lambda ep, post: [post(ep, body_of(ep), when=datetime.now(UTC) - ago)]


def times(n: int) -> Callable[[ReferenceEndpoint, Post], Answers]:
    return lambda ep, post: [post(ep, body_of(ep)) for _ in range(n)]


def on_unknown_volume(ep: ReferenceEndpoint, post: Post) -> Answers:
    return [post(ep, body_of(ep, VolumeARN=ep.volume_arn.replace("vol-1122AABB", "vol-00000000")))]


def on_unknown_gateway(ep: ReferenceEndpoint, post: Post) -> Answers:
    arn = ep.volume_arn.replace("sgw-12A3456B", "sgw-00000000").replace("vol-1122AABB", "vol-00000000")
    return [post(ep, body_of(ep, VolumeARN=arn))]


def with_method(method: str) -> Callable[[ReferenceEndpoint, Post], Answers]:
    return lambda ep, post: [requests.request(method, ep.url, timeout=10)]


def raw_http(ep: ReferenceEndpoint, post: Post) -> Answers:
    """A signed CreateSnapshot over a bare socket (Connection: close): every byte that came back."""
    body = json.dumps(body_of(ep)).encode()
    headers = {"Host": f"127.0.0.1:{ep.port}", **ep.signed_headers(body), "Content-Length": str(len(body)),
               "Connection": "close"}
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    with socket.create_connection(("127.0.0.1", ep.port), timeout=10) as sock:
        sock.sendall(f"POST / HTTP/1.1\r\n{head}\r\n".encode() + body)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return [b"".join(chunks)]


def twice_on_one_connection(ep: ReferenceEndpoint, post: Post) -> Answers:
    answers: Answers = []
    for _ in range(2):
        try:
            answers.append(post(ep, body_of(ep)))
        except requests.ConnectionError as exc:
            answers.append(exc)
    return answers


def typed(error_type: str, status: int = 400) -> Callable[[Answers], bool]:
    return lambda a: a[0].status_code == status and a[0].json().get("__type") == error_type


def header_names(raw: bytes) -> list[str]:
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    return [line.split(":", 1)[0] for line in head if ":" in line and not line.startswith("HTTP/")]


def upper_hex_ids(answers: Answers) -> bool:
    ids = [a.json()["SnapshotId"][len("snap-"):] for a in answers]
    return all(i == i.upper() for i in ids) and any(i != i.lower() for i in ids)


TEN_MINUTES_AGO = timedelta(minutes=10)
ASTRAL_AT_THE_LIMIT = "d" * 254 + "\U0001F600"     # 255 code points, 256 UTF-16 units
FOREIGN_ARN = "arn:aws:storagegateway:r:1:gateway/g/volume/vol-01"   # account 1: not the endpoint's
FIFTY_ONE_TAGS = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]

PROBES: dict[str, Probe] = {
    "fully-qualified-type": Probe(on_unknown_volume, lambda a: a[0].json()["__type"] ==
                                  "com.amazonaws.storagegateway.v20130630#InvalidGatewayRequestException"
                                  and a[0].headers["X-Amzn-ErrorType"].startswith(
                                      "InvalidGatewayRequestException:http://internal.amazon.com/coral/")),
    "capital-message": Probe(on_unknown_volume, lambda a: "Message" in a[0].json()
                             and "message" not in a[0].json()),
    "null-message": Probe(create_with(target=None), lambda a: "message" in a[0].json()
                          and a[0].json()["message"] is None),
    "no-error-type-header": Probe(on_unknown_volume, lambda a: "X-Amzn-ErrorType" not in a[0].headers),
    "errors-without-details": Probe(on_unknown_volume,
                                    lambda a: a[0].json()["error"] == {"errorCode": "VolumeNotFound"}),
    "auth-403": Probe(create_with(authenticate=False), typed("MissingAuthenticationToken", 403)),
    "request-expired": Probe(dated_ago(timedelta(minutes=20)),
                             typed("RequestExpired")),
    "five-minute-clock-window": Probe(dated_ago(TEN_MINUTES_AGO),
                                      lambda a: a[0].status_code == 400),
    "unknown-operation-404": Probe(create_with(target=None), typed("UnknownOperationException", 404)),
    "user-guide-action-errors": Probe(create_with(target=f"{envelope.TARGET_PREFIX}.NoSuchOperation"),
                                      typed("InvalidAction")),
    "strict-content-type": Probe(create_with(headers={"Content-Type": "application/json"}),
                                 lambda a: a[0].status_code == 404
                                 and a[0].content == b"<UnknownOperationException/>"),
    "method-405": Probe(with_method("GET"), lambda a: a[0].status_code == 405
                        and a[0].headers.get("Allow") == "POST"),
    "method-404-plain": Probe(with_method("GET"), lambda a: a[0].status_code == 404
                              and a[0].content == b"Not Found"),
    "method-400": Probe(with_method("GET"), typed("UnknownOperationException")),
    "bom-accepted": Probe(lambda ep, post: [post(ep, raw=b"\xef\xbb\xbf" + json.dumps(body_of(ep)).encode())],
                          lambda a: a[0].status_code == 200),
    "duplicate-names-refused": Probe(lambda ep, post: [post(ep, raw=json.dumps(body_of(ep)).encode()[:-1]
                                                            + b', "SnapshotDescription": "again"}')],
                                     typed("SerializationException")),
    "control-characters-refused": Probe(create(SnapshotDescription="a\x07b"), typed("ValidationException")),
    "empty-body-serialization": Probe(lambda ep, post: [post(ep, raw=b"")], typed("SerializationException")),
    "invalid-parameters": Probe(create(SnapshotDescription="d" * 256), lambda a: typed(
        "InvalidGatewayRequestException")(a) and a[0].json()["error"]["errorCode"] == "InvalidParameters"),
    "utf16-lengths": Probe(create(SnapshotDescription=ASTRAL_AT_THE_LIMIT), typed("ValidationException")),
    "botocore-model": Probe(create(Tags=[{"Key": "k", "Value": "v!"}]), lambda a: a[0].status_code == 200),
    "unknown-member-validation": Probe(create(Extra="x"), typed("ValidationException")),
    "unknown-member-serialization": Probe(create(Extra="x"), typed("SerializationException")),
    "foreign-account-access-denied": Probe(create(VolumeARN=FOREIGN_ARN), typed("AccessDeniedException")),
    "gateway-not-found": Probe(on_unknown_gateway,
                               lambda a: a[0].json()["error"]["errorCode"] == "GatewayNotFound"),
    "long-snapshot-ids": Probe(create(), lambda a: len(a[0].json()["SnapshotId"]) == len("snap-") + 17),
    "upper-case-snapshot-ids": Probe(times(5), upper_hex_ids),
    "extra-response-members": Probe(create(), lambda a: set(a[0].json()) > {"SnapshotId", "VolumeARN"}),
    "extra-response-headers": Probe(create(), lambda a: "x-amz-crc32" in a[0].headers
                                    and a[0].headers["Content-Type"].endswith("; charset=utf-8")),
    "amz-request-id": Probe(create(), lambda a: "x-amz-request-id" in a[0].headers
                            and "x-amzn-RequestId" not in a[0].headers),
    "aws-cn-partition": Probe(create(), lambda a: a[0].json()["VolumeARN"].startswith("arn:aws-cn:")),
    "eusc-partition": Probe(create(), lambda a: a[0].json()["VolumeARN"].startswith("arn:aws-eusc:")),
    "connection-close": Probe(create(), lambda a: a[0].headers.get("Connection") == "close"),
    "http-1.0": Probe(raw_http, lambda a: a[0].startswith(b"HTTP/1.0 200")
                      and "content-length" not in map(str.lower, header_names(a[0]))),
    "chunked-responses": Probe(create(), lambda a: a[0].headers.get("Transfer-Encoding") == "chunked"),
    "gzip-responses": Probe(create(), lambda a: a[0].headers.get("Content-Encoding") == "gzip"
                            and "SnapshotId" in a[0].json()),
    "interim-100-continue": Probe(raw_http, lambda a: a[0].startswith(b"HTTP/1.1 100 Continue\r\n\r\n"
                                                                      b"HTTP/1.1 200")),
    "json-formatting": Probe(create(SnapshotDescription="é" * 256), lambda a: "\n" in a[0].text
                             and "é" in a[0].content.decode("utf-8")),
    "lower-case-headers": Probe(raw_http, lambda a: all(n == n.lower() for n in header_names(a[0]))
                                and "x-amzn-requestid" in header_names(a[0])),
    "throttling": Probe(times(25), lambda a: typed("ThrottlingException")(a[-1:])
                        and a[-1].json()["message"] == "Rate exceeded"),
    "throttling-429": Probe(times(25), lambda a: typed("TooManyRequestsException", 429)(a[-1:])),
    "service-unavailable": Probe(times(25), lambda a: typed("ServiceUnavailable", 503)(a[-1:])),
    "framing-close": Probe(framed("length-over"), lambda a: a[0] == b""),
    "large-header-section": Probe(framed("headers-many"), status_line(200)),
    "empty-lines-skipped": Probe(framed("empty-lines-first"), status_line(200)),
    "version-505": Probe(framed("version-2"), status_line(505)),
    "expect-417": Probe(framed("expect-continue"), status_line(417)),
    "keep-alive-race": Probe(twice_on_one_connection, lambda a: isinstance(a[0], requests.Response)
                             and isinstance(a[1], requests.ConnectionError)),
}


def shown(answers: Answers) -> list[Any]:
    return [(a.status_code, dict(a.headers), a.text[:300]) if isinstance(a, requests.Response)
            else a[:600] if isinstance(a, bytes) else repr(a) for a in answers]


def test_every_registered_variant_has_a_probe() -> None:
    assert set(PROBES) == set(VARIANTS)


def test_every_variant_says_what_it_does_and_cites_why_it_is_conformant() -> None:
    for variant in VARIANTS.values():
        assert variant.description and variant.source, variant.name
        assert all(RULES[rule].severity == "SHOULD" for rule in variant.warns), variant.name


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_each_variant_shows_its_behaviour_when_on(name: str, post_to: Post) -> None:
    with ReferenceEndpoint(variants=[name]) as endpoint:
        answers = PROBES[name].send(endpoint, post_to)
    assert PROBES[name].shows(answers), shown(answers)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_the_default_endpoint_does_not_show_the_variants_behaviour(name: str, post_to: Post) -> None:
    with ReferenceEndpoint() as endpoint:   # a fresh one: some probes count requests
        answers = PROBES[name].send(endpoint, post_to)
    assert not PROBES[name].shows(answers), shown(answers)


# --- the suite passes every variant -----------------------------------------------------------------
def run_report(args: list[str], report_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    code = cli.main(["run", *args, "--report-dir", str(report_dir)])
    capsys.readouterr()
    return code, json.loads((report_dir / "report.json").read_text("utf-8"))


def warned(report: dict[str, Any]) -> set[str]:
    return {r["id"] for r in report["rules"] if r["status"] == "warn"}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_the_suite_passes_an_endpoint_answering_with_each_variant(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_report(["--profile", PROFILE, "--variant", name], tmp_path, capsys)
    assert (code, report["failing_rules"]) == (0, []), report["failing_rules"]
    assert warned(report) <= set(VARIANTS[name].warns)
    assert report["variants"] == [name] and report["requests_sent"] > 100


def combinable(pick: int) -> tuple[str, ...]:
    """Every variant that has no group, and the ``pick``-th alternative (cyclically) of each group."""
    groups: dict[str, list[str]] = {}
    for variant in VARIANTS.values():
        groups.setdefault(variant.group or variant.name, []).append(variant.name)
    return tuple(sorted(names[pick % len(names)] for names in groups.values()))


def warnings_allowed(names: tuple[str, ...]) -> set[str]:
    return {rule for name in names for rule in VARIANTS[name].warns}


def test_each_alternative_of_each_group_is_in_some_combination() -> None:
    largest = max(sum(1 for v in VARIANTS.values() if v.group == g) for g in
                  {v.group for v in VARIANTS.values() if v.group})
    assert set().union(*(combinable(pick) for pick in range(largest))) == set(VARIANTS)
    assert largest <= 3   # the three seeds below cover every alternative


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_suite_passes_an_endpoint_with_every_combinable_variant_in_the_ci_profile(
        seed: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = combinable(seed)
    args = ["--profile", "ci", "--seed", str(seed), *(a for n in names for a in ("--variant", n))]
    code, report = run_report(args, tmp_path, capsys)
    assert (code, report["failing_rules"]) == (0, []), report["failing_rules"]
    assert warned(report) <= warnings_allowed(names)
    assert report["variants"] == list(names) and report["requests_sent"] > 400


@pytest.mark.parametrize("pick", [0, 1, 2])
def test_the_suite_passes_every_combinable_variant_behind_an_external_url_found_by_list_volumes(
        pick: int) -> None:
    names = combinable(pick)
    with ReferenceEndpoint(variants=names) as endpoint:
        config = RunConfig(endpoint=endpoint.url, region=endpoint.region,
                                  credentials=endpoint.credentials, profile=PROFILE)
        result = run_suite(config)
    assert result.volume_arn == endpoint.volume_arn        # discovered through ListVolumes
    assert (result.exit_code, result.failing_rules()) == (0, [])
    warned_rules = {r.rule.id for r in result.scoreboard.results() if r.status == "warn"}
    assert warned_rules <= warnings_allowed(names)


# --- faults are still caught when the endpoint answers in another style -----------------------------
# Conformant answers of another style than the reference's defaults: the checks must judge what
# an answer means (its status and sanitised type), not how this server words it.
STYLE = ("fully-qualified-type", "capital-message", "null-message", "no-error-type-header",
         "errors-without-details", "auth-403", "request-expired", "five-minute-clock-window",
         "user-guide-action-errors", "strict-content-type", "method-405", "empty-body-serialization",
         "invalid-parameters", "utf16-lengths", "unknown-member-validation", "gateway-not-found",
         "long-snapshot-ids", "upper-case-snapshot-ids", "extra-response-members", "extra-response-headers",
         "aws-cn-partition", "json-formatting")
# Other HTTP framings and connection handling, with one fault of each area.
HTTP_STYLE = ("connection-close", "chunked-responses", "gzip-responses", "interim-100-continue",
              "lower-case-headers", "throttling", "keep-alive-race")
HTTP_FAULTS = ("description-max-off-by-one", "error-without-type", "error-type-header-mismatch",
               "signature-unchecked", "snapshot-id-wrong-form", "volume-arn-not-echoed",
               "target-missing-accepted", "astral-connection-drop")


def fault_run(fault: str, variants: tuple[str, ...]) -> RunResult:
    return run_suite(RunConfig(profile=PROFILE, faults=(fault,), variants=variants))


def test_the_style_variants_can_be_combined() -> None:
    assert VariantSet(STYLE).names == frozenset(STYLE)
    assert VariantSet(HTTP_STYLE).names == frozenset(HTTP_STYLE)


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_every_fault_is_still_caught_when_the_endpoint_answers_in_another_conformant_style(
        fault: str) -> None:
    result = fault_run(fault, STYLE)
    assert result.exit_code == 1 and FAULTS[fault].rule in result.failing_rules(), result.failing_rules()


@pytest.mark.parametrize("fault", HTTP_FAULTS)
def test_faults_are_still_caught_over_other_http_framings(fault: str) -> None:
    result = fault_run(fault, HTTP_STYLE)
    assert result.exit_code == 1 and FAULTS[fault].rule in result.failing_rules(), result.failing_rules()


# --- the registry and its switches ----------------------------------------------------------------
def test_the_botocore_model_variant_uses_the_models_pattern_recorded_in_schemas_disputed_json() -> None:
    assert load_rulebook().alternative_patterns()["VolumeARN"] == EUSC_VOLUME_ARN_PATTERN


def test_two_alternatives_of_one_group_are_a_usage_error() -> None:
    with pytest.raises(UsageError, match="alternatives"):
        VariantSet(["method-405", "method-400"])


def test_an_unknown_variant_is_a_usage_error_listing_the_valid_ones(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UsageError) as caught:
        VariantSet(["no-such-variant"])
    assert all(name in str(caught.value) for name in VARIANTS)
    assert cli.main(["serve", "--variant", "no-such-variant"]) == 2
    assert "valid variants" in capsys.readouterr().err


def test_asking_for_an_unregistered_variant_at_a_decision_point_is_a_bug() -> None:
    with pytest.raises(KeyError):
        VariantSet(["auth-403"])("auth-404")


def test_list_variants_prints_every_variant_with_its_description(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--list-variants"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines] == list(VARIANTS)
    assert all(v.description in line for v, line in zip(VARIANTS.values(), lines, strict=True))


def test_variants_apply_to_the_embedded_endpoint_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "--endpoint", "http://127.0.0.1:9/", "--variant", "auth-403"]) == 2
    assert "embedded" in capsys.readouterr().err


def test_a_partition_variant_chooses_its_region_unless_one_is_given() -> None:
    assert ReferenceEndpoint(variants=["aws-cn-partition"]).region == "cn-north-1"
    chosen = ReferenceEndpoint(region="cn-northwest-1", variants=["aws-cn-partition"])
    assert chosen.volume_arn.startswith("arn:aws-cn:storagegateway:cn-northwest-1:")
    assert ReferenceEndpoint().volume_arn.startswith("arn:aws:storagegateway:us-east-2:")


def test_a_replay_of_an_embedded_run_starts_an_endpoint_with_the_reports_variants() -> None:
    args = argparse.Namespace(region=None, endpoint=None, allow_live=False, timeout=5.0, max_snapshots=None)
    report = {"embedded": True, "region": "us-east-2", "faults": [], "variants": ["auth-403"]}
    config = replay.target_config(report, args)
    assert config.variants == ("auth-403",) and config.endpoint is None
