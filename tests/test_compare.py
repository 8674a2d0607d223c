"""Differential runs: ``run --record`` writes a HAR 1.2 recording, ``compare`` holds an endpoint against it.

One recording of the clean reference endpoint (quick profile) is made per test process and
shared.  Compared with itself it is 100% identical; with each fault of the registry it exits 1
with a difference on the fault's cases (the fault's own rule, or a case whose new answer breaks
it); with each conformant variant it exits 0 with differences only as allowed.  The recording is
HAR 1.2 as an independent reader (haralyzer) loads it, and holds no secret (a canary with a
distinctive secret key and session token).  A recording made with one volume and region is
compared against an endpoint with another; ``compare --against`` sends to two live endpoints.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main as cli
from conformance.endpoint import ReferenceEndpoint
from conformance.endpoint.faults import FAULTS, WARNING_FAULTS
from conformance.endpoint.variants import VARIANTS
from conformance.protocol.credentials import EXAMPLE_CREDENTIALS, Credentials
from conformance.reports.compare_report import compare_errors
from conformance.suite.compare import VolumeMap
from conformance.suite.model import Case

PROFILE = "quick"
OTHER_REGION = "eu-west-1"
OTHER_VOLUME = "arn:aws:storagegateway:eu-west-1:444455556666:gateway/sgw-9A8B7C6D/volume/vol-5E6F7A8B"


def cli_run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def compare_json(report_dir: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads((report_dir / "compare.json").read_text("utf-8"))
    assert compare_errors(report) == []
    return report


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("recording")
    path = where / "clean.har"
    code = cli.main(["run", "--profile", PROFILE, "--record", str(path), "--report-dir", str(where / "run")])
    assert code == 0 and path.is_file()
    return path


def compare(capsys: pytest.CaptureFixture[str], recording: Path, report_dir: Path,
            *extra: str) -> tuple[int, dict[str, Any], str]:
    code, out, _err = cli_run(capsys, "compare", str(recording), "--report-dir", str(report_dir), *extra)
    return code, compare_json(report_dir), out


# --- the recording -------------------------------------------------------------------------------

def test_the_recording_has_the_har_1_2_structure_and_what_replay_needs(recording: Path) -> None:
    har = json.loads(recording.read_text("utf-8"))
    log = har["log"]
    assert log["version"] == "1.2" and log["creator"]["name"] == "sgw-conformance"
    assert log["_sgw"]["volume_arn"] and log["_sgw"]["profile"] == PROFILE
    assert len(log["entries"]) > 100
    for entry in log["entries"]:
        assert {"startedDateTime", "time", "request", "response", "cache", "timings"} <= entry.keys()
        datetime.fromisoformat(entry["startedDateTime"])
        request, response, timings = entry["request"], entry["response"], entry["timings"]
        assert {"method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize",
                "bodySize"} <= request.keys()
        assert {"status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL",
                "headersSize", "bodySize"} <= response.keys()
        assert {"size", "mimeType"} <= response["content"].keys()
        assert all(isinstance(timings[k], int | float) and timings[k] >= 0
                   for k in ("send", "wait", "receive"))
        assert entry["time"] == pytest.approx(sum(v for v in timings.values() if v >= 0))
        assert all({"name", "value"} == set(h) for h in request["headers"] + response["headers"])
        sgw = entry["_sgw"]
        assert sgw["case_id"] == sgw["case"]["id"] and sgw["rule"] == sgw["case"]["rule_id"]
        assert sgw["signing"] == sgw["case"]["signing"]
    started = [e["startedDateTime"] for e in log["entries"]]
    assert started == sorted(started)


def test_an_independent_har_reader_loads_the_recording(recording: Path) -> None:
    haralyzer = pytest.importorskip("haralyzer")
    parser = haralyzer.HarParser.from_file(str(recording))
    assert parser.version == "1.2"
    raw = json.loads(recording.read_text("utf-8"))["log"]["entries"]
    entries = [haralyzer.HarEntry(e) for e in parser.har_data["entries"]]
    assert [e.request.method for e in entries] == [e["_sgw"]["case"]["method"] for e in raw]
    assert [e.response.status for e in entries] == [e["response"]["status"] for e in raw]
    assert {e.response.status for e in entries} >= {200, 400}
    assert all(e.startTime is not None and e.timings["wait"] >= 0 for e in entries)
    assert all(e.request.headers and e.response.headers for e in entries)


def test_a_recording_holds_no_secret_key_session_token_or_signature(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "CanarySecretKey/qd83JxZ0wR7mT2vLp9sK4nB6hYf1"
    token = "CanaryToken+IQoJb3JpZ2luX2VjEJ7//////////wEaCXVzLWVhc3QtMSJHMEUCIQDcanary=="
    creds = Credentials("AKIACANARY7EXAMPLE", secret, token)
    for name, value in (("AWS_ACCESS_KEY_ID", creds.access_key), ("AWS_SECRET_ACCESS_KEY", secret),
                        ("AWS_SESSION_TOKEN", token)):
        monkeypatch.setenv(name, value)
    path = tmp_path / "canary.har"
    with ReferenceEndpoint(credentials=creds) as ep:
        code, out, err = cli_run(capsys, "run", "--endpoint", ep.url, "--profile", PROFILE, "--record",
                                 str(path), "--report-dir", str(tmp_path / "run"))
        assert code == 0, out + err
        code, out, err = cli_run(capsys, "compare", str(path), "--endpoint", ep.url,
                                 "--report-dir", str(tmp_path / "cmp"))
        assert code == 0, out + err
    text = path.read_text("utf-8")
    assert "[redacted]" in text and "x-amz-security-token" in text.lower()
    written = [text, out, err, *(p.read_text("utf-8") for p in (tmp_path / "cmp").iterdir())]
    signatures = re.findall(r"Signature=([0-9a-f]{64})", "".join(written))
    for piece in written:
        assert secret not in piece and token not in piece and json.dumps(secret)[1:-1] not in piece
    assert signatures == []


# --- compare against a recording -----------------------------------------------------------------

def test_the_clean_endpoint_compared_with_its_own_recording_is_100_percent_identical(
        recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report, out = compare(capsys, recording, tmp_path)
    overall = report["parity"]["overall"]
    assert code == 0 and report["verdict"] == "same"
    assert overall["identical_percent"] == 100.0 and overall["allowed"] == overall["different"] == 0
    assert overall["identical"] == report["recording"]["entries"] and report["cases"] == []
    assert "100%" in out and out.rstrip().splitlines()[-1].endswith("compare.html")
    page = (tmp_path / "compare.html").read_text("utf-8")
    assert "No difference beyond the allowed" in page


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_each_fault_differs_from_the_clean_recording_on_its_cases(
        name: str, recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _out = compare(capsys, recording, tmp_path, "--fault", name)
    rule = FAULTS[name].rule
    different = [c for c in report["cases"] if c["class"] == "different"]
    assert code == 1 and report["verdict"] == "different" and different
    assert any(c["rule"] == rule or rule in c["broken"]["right"] for c in different), \
        [(c["rule"], c["broken"]) for c in different][:5]
    # every difference is explained by a MUST rule the new answer breaks (the recording is clean)
    assert all(c["broken"]["right"] and not c["broken"]["left"] for c in different)
    assert all(c["left"] and c["right"] for c in different)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_each_conformant_variant_differs_from_the_clean_recording_only_as_allowed(
        name: str, recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report, out = compare(capsys, recording, tmp_path, "--variant", name)
    assert code == 0, out[-3000:]
    assert report["parity"]["overall"]["different"] == 0
    for case in report["cases"]:
        assert case["class"] == "allowed" and case["differing"], case["case_id"]
        assert case["broken"] == {"left": [], "right": []}


@pytest.mark.parametrize("name", sorted(WARNING_FAULTS))
def test_a_fault_of_a_should_rule_is_an_allowed_difference_with_its_warning_listed(
        name: str, recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report, _out = compare(capsys, recording, tmp_path, "--fault", name)
    rule = WARNING_FAULTS[name].rule
    assert code == 0 and report["parity"]["overall"]["different"] == 0
    warned = [c for c in report["cases"] if any(w["rule"] == rule for w in c["warnings"])]
    assert warned and all(c["class"] == "allowed" for c in warned)


def test_a_recording_of_one_volume_and_region_compares_against_an_endpoint_with_another(
        recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", EXAMPLE_CREDENTIALS.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", EXAMPLE_CREDENTIALS.secret_key)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    recorded = json.loads(recording.read_text("utf-8"))["log"]["_sgw"]
    assert recorded["region"] != OTHER_REGION and recorded["volume_arn"] != OTHER_VOLUME
    with ReferenceEndpoint(region=OTHER_REGION, volumes=[OTHER_VOLUME]) as ep:
        code, report, out = compare(capsys, recording, tmp_path, "--endpoint", ep.url, "--region",
                                    OTHER_REGION, "--volume-arn", OTHER_VOLUME)
    assert code == 0, out[-3000:]
    assert report["right"]["volume_arn"] == OTHER_VOLUME and report["right"]["region"] == OTHER_REGION
    assert report["parity"]["overall"]["different"] == 0
    assert report["parity"]["overall"]["identical_percent"] > 90
    sent = [c["right"]["request"]["body"] for c in report["cases"] if c["right"]]
    assert all(recorded["volume_arn"] not in body for body in sent)


def test_the_volume_map_keeps_the_length_of_a_bent_arn_and_maps_every_letter_case() -> None:
    old = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
    mapper = VolumeMap(old, OTHER_VOLUME)
    case = Case("r", "s", params={"VolumeARN": old.lower(), "Tags": [{"Key": old, "Value": "x"}],
                                  "Other": old.replace("vol-1122AABB", "vol-0A1B2C3D")})
    mapped = mapper.case(case).params
    assert mapped["VolumeARN"] == OTHER_VOLUME.lower() and mapped["Tags"][0]["Key"] == OTHER_VOLUME
    assert mapped["Other"] == OTHER_VOLUME.replace("vol-5E6F7A8B", "vol-0A1B2C3D")
    longer = VolumeMap(old, OTHER_VOLUME.replace("eu-west-1", "ap-southeast-1"))
    padded = old.replace("vol-1122AABB", "vol-" + "F" * 40)
    assert longer.text(padded) == padded.replace("111122223333", "444455556666").replace(
        "sgw-12A3456B", "sgw-9A8B7C6D")          # the region part would change the length: kept
    raw = json.dumps({"VolumeARN": old}).replace("/", "\\/").encode()
    assert mapper.case(Case("r", "s", raw_body=raw)).raw_body == \
        json.dumps({"VolumeARN": OTHER_VOLUME}).replace("/", "\\/").encode()


# --- compare two live endpoints --------------------------------------------------------------------

@pytest.fixture
def example_credentials(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", EXAMPLE_CREDENTIALS.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", EXAMPLE_CREDENTIALS.secret_key)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    yield


@pytest.mark.usefixtures("example_credentials")
def test_compare_against_a_faulty_live_endpoint_exits_1(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    with ReferenceEndpoint() as clean, ReferenceEndpoint(faults=["validation-500"]) as faulty:
        code, out, err = cli_run(capsys, "compare", "--endpoint", clean.url, "--against", faulty.url,
                                 "--profile", PROFILE, "--report-dir", str(tmp_path / "bad"))
        report = compare_json(tmp_path / "bad")
        assert code == 1, out + err
        assert report["recording"] is None and report["right"]["endpoint"] == faulty.url
        assert any("envelope.no-5xx" in c["broken"]["right"] for c in report["cases"])
        page = (tmp_path / "bad" / "compare.html").read_text("utf-8")
        assert "DIFFERENT" in page and 'class="pair"' in page and "--against" in page
        assert "HTTP 500" in page and "HTTP 400" in page        # both answers, side by side
        code, out, err = cli_run(capsys, "compare", "--endpoint", clean.url, "--against", faulty.url.replace(
            str(faulty.port), str(clean.port)), "--profile", PROFILE, "--report-dir", str(tmp_path / "same"))
        assert code == 0 and compare_json(tmp_path / "same")["parity"]["overall"]["identical_percent"] == 100


# --- bad input: one line, exit 2 ---------------------------------------------------------------------

@pytest.mark.parametrize("argv, said", [
    (["compare"], "needs a recording FILE"),
    (["compare", "x.har", "--endpoint", "http://127.0.0.1:1/", "--against", "http://127.0.0.1:2/"],
     "not both"),
    (["compare", "--against", "http://127.0.0.1:2/"], "needs --endpoint"),
    (["compare", "missing.har"], "no recording at"),
    (["compare", "report.json"], "not a HAR file"),
    (["compare", "plain.har"], "not a sgw-conformance recording"),
    (["compare", "broken.har"], "cannot read the recording"),
    (["compare", "x.har", "--endpoint", "https://storagegateway.us-east-1.amazonaws.com"], "--allow-live"),
    (["run", "--record", "."], "is a directory"),
])
def test_bad_input_to_compare_and_record_is_one_line_and_exit_2(
        argv: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.json").write_text('{"rules": []}', "utf-8")
    (tmp_path / "plain.har").write_text('{"log": {"version": "1.2", "entries": []}}', "utf-8")
    (tmp_path / "broken.har").write_text('{"log": ', "utf-8")
    (tmp_path / "x.har").write_text('{"log": {"entries": [], "_sgw": {"format": 1}}}', "utf-8")
    code, out, err = cli_run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and said in err, err


# --- the snapshot cap ---------------------------------------------------------------------------------

class CountCreated:
    """WSGI middleware counting the answers that created a snapshot (2xx to CreateSnapshot)."""

    def __init__(self, app: Any) -> None:
        self.app, self.created = app, 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        def counting(status: str, headers: Any, exc_info: Any = None) -> Any:
            if status.startswith("2") and "CreateSnapshot" in environ.get("HTTP_X_AMZ_TARGET", ""):
                self.created += 1
            return start_response(status, headers, exc_info)
        return self.app(environ, counting)


@pytest.mark.usefixtures("example_credentials")
def test_compare_sends_a_live_endpoint_at_most_the_cap_of_snapshot_creating_requests(
        recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from conformance.suite import safety
    monkeypatch.setattr(safety, "is_loopback_host", lambda _host: False)      # judged live
    with ReferenceEndpoint() as one, ReferenceEndpoint() as two:
        counters = []
        for ep in (one, two):
            counter = CountCreated(ep._server.app)     # type: ignore[union-attr]
            ep._server.app = counter                   # type: ignore[union-attr]
            counters.append(counter)
        code, out, err = cli_run(capsys, "compare", str(recording), "--endpoint", one.url, "--allow-live",
                                 "--max-snapshots", "2", "--report-dir", str(tmp_path / "rec"))
        report = compare_json(tmp_path / "rec")
        assert code == 0, out + err
        assert counters[0].created <= 2
        assert report["parity"]["overall"]["not_sent"] > 0 and report["parity"]["overall"]["different"] == 0
        code, out, err = cli_run(capsys, "compare", "--endpoint", one.url, "--against", two.url,
                                 "--allow-live", "--max-snapshots", "1", "--profile", PROFILE,
                                 "--report-dir", str(tmp_path / "live"))
        assert code == 0, out + err
        assert counters[0].created <= 3 and counters[1].created <= 1
    code, out, err = cli_run(capsys, "compare", str(recording), "--endpoint", "http://198.51.100.7/",
                             "--report-dir", str(tmp_path / "refused"))
    assert code == 2 and "--allow-live" in err and not (tmp_path / "refused").exists()
