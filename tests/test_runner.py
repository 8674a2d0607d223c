"""The `run` command end to end against the reference endpoint (in-process, real HTTP on 127.0.0.1)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from wire import captured_signatures

from conformance.cli import main as cli
from conformance.cli.progress import Progress
from conformance.embedded import run_suite
from conformance.endpoint import ReferenceEndpoint
from conformance.errors import UsageError
from conformance.protocol.credentials import Credentials
from conformance.suite import engine
from conformance.suite.config import RunConfig
from conformance.suite.model import Exchange
from conformance.suite.results import RunResult
from conformance.suite.safety import is_loopback_host
from conformance.suite.target import ENV_KEYS, region_for

SECRET = "SGWsecretZZ9distinctive/Key+Value0123456789"
TOKEN = "SGWsessionTOKENdistinctive0123456789abcdefABCDEF"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["run", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def report_of(directory: Path) -> dict[str, Any]:
    return json.loads((directory / "report.json").read_text("utf-8"))


def wire_view(exchanges: list[Exchange]) -> list[tuple[Any, ...]]:
    """What was sent, signatures and dates aside, in case order."""
    volatile = {"authorization", "x-amz-date", "x-amz-security-token", "user-agent", "host"}
    return sorted((e.case.id, e.request.method, urlsplit(e.request.url).path, e.request.body,
                   tuple(sorted((k.lower(), v) for k, v in e.request.headers.items()
                                if k.lower() not in volatile)))
                  for e in exchanges)


# --- the clean reference endpoint --------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2, 31337])
def test_the_clean_reference_endpoint_passes_the_quick_profile_under_several_seeds(
        seed: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "--profile", "quick", "--seed", str(seed), "--report-dir", str(tmp_path))
    report = report_of(tmp_path)
    assert code == 0, report["failing_rules"]
    assert report["verdict"] == "pass" and report["seed"] == seed and report["requests_sent"] > 0
    assert "PASS:" in out and f"report: {tmp_path / 'report.json'}" in out


@pytest.mark.slow
def test_the_clean_reference_endpoint_passes_the_ci_profile(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "--report-dir", str(tmp_path))
    report = report_of(tmp_path)
    assert code == 0, report["failing_rules"]
    assert (report["profile"], report["seed"]) == ("ci", 0)
    assert [r["id"] for r in report["rules"] if r["status"] == "untested"] == []


def test_two_workers_send_the_same_requests_and_reach_the_same_verdict() -> None:
    one = run_suite(RunConfig(profile="quick", seed=5))
    two = run_suite(RunConfig(profile="quick", seed=5, workers=2))
    assert (one.exit_code, two.exit_code) == (0, 0)
    assert wire_view(one.exchanges) == wire_view(two.exchanges)


# --- determinism ----------------------------------------------------------------------------------

def fresh_run(**kw: Any) -> RunResult:
    engine._generate.cache_clear()   # generate the cases again, not from the per-process cache
    return run_suite(RunConfig(**kw))


def test_the_same_seed_and_profile_send_the_same_requests() -> None:
    first, second = fresh_run(profile="quick", seed=11), fresh_run(profile="quick", seed=11)
    assert wire_view(first.exchanges) == wire_view(second.exchanges)


def test_another_seed_sends_other_requests() -> None:
    first, other = fresh_run(profile="quick", seed=11), fresh_run(profile="quick", seed=12)
    assert wire_view(first.exchanges) != wire_view(other.exchanges)


WIRE_DIGEST = """
import hashlib
from conformance.embedded import run_suite
from conformance.suite.config import RunConfig
result = run_suite(RunConfig(profile="quick", seed=4))
digest = hashlib.sha256()
for e in sorted(result.exchanges, key=lambda e: e.case.id):
    headers = sorted((k.lower(), v) for k, v in e.request.headers.items()
                     if k.lower() not in ("authorization", "x-amz-date", "host"))
    digest.update(repr((e.case.id, e.request.method, e.request.body, headers)).encode())
print(len(result.exchanges), digest.hexdigest())
"""


def test_the_same_seed_sends_the_same_requests_from_separate_processes_with_other_hash_seeds() -> None:
    import subprocess
    import sys
    root = Path(__file__).resolve().parent.parent
    digests = {subprocess.run([sys.executable, "-c", WIRE_DIGEST], cwd=root, capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": str(hash_seed)}, check=True).stdout
               for hash_seed in (1, 2)}
    assert len(digests) == 1, digests


# --- external endpoints -----------------------------------------------------------------------------

@pytest.fixture
def endpoint() -> Any:
    with ReferenceEndpoint(credentials=Credentials("AKIDRUNNERTEST", SECRET, TOKEN)) as ep:
        yield ep


@pytest.fixture
def env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDRUNNERTEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)


def test_an_external_endpoint_is_tested_with_credentials_from_the_environment_and_a_listed_volume(
        endpoint: Any, env_credentials: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run_cli(capsys, "--endpoint", endpoint.url, "--profile", "quick",
                         "--report-dir", str(tmp_path))
    report = report_of(tmp_path)
    assert code == 0, report["failing_rules"]
    assert report["volume_arn"] == endpoint.volume_arn and report["embedded"] is False


def test_an_external_endpoint_without_credentials_is_a_usage_error(
        endpoint: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    code, _, err = run_cli(capsys, "--endpoint", endpoint.url, "--report-dir", str(tmp_path))
    assert code == 2 and "AWS_SECRET_ACCESS_KEY" in err


def test_a_distinctive_secret_appears_in_no_report_file_and_nowhere_on_the_terminal(
        endpoint: Any, env_credentials: None, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    with captured_signatures() as signatures:
        code, out, err = run_cli(capsys, "--endpoint", endpoint.url, "--profile", "quick",
                                 "--report-dir", str(tmp_path), "--seed", "3")
    assert code == 0 and len(signatures) > 10
    texts = [out, err] + [p.read_text("utf-8", "replace") for p in tmp_path.rglob("*") if p.is_file()]
    for text in texts:
        assert SECRET not in text and TOKEN not in text
        assert not any(sig in text for sig in signatures)


# --- options and safety ------------------------------------------------------------------------------

def test_max_snapshots_zero_sends_no_case_that_could_create_a_snapshot(tmp_path: Path) -> None:
    result = run_suite(RunConfig(profile="quick", max_snapshots=0))
    assert not any(e.case.creates for e in result.exchanges)
    assert result.scoreboard.skipped["over --max-snapshots"] > 0
    assert result.exit_code == 0


def test_a_fault_on_an_external_endpoint_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="embedded"):
        run_suite(RunConfig(endpoint="http://127.0.0.1:1/", faults=("bad-json-500",)))


def test_an_unknown_fault_is_a_usage_error_naming_the_valid_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "--fault", "no-such-fault")
    assert code == 2 and "bad-json-500" in err


@pytest.mark.parametrize("host,loopback", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("storagegateway.us-east-2.amazonaws.com", False), ("10.0.0.1", False), ("localhost.evil.com", False),
    ("0.0.0.0", False),
])
def test_loopback_is_judged_from_the_host_text_alone(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


@pytest.mark.parametrize("host,region", [
    ("storagegateway.us-east-2.amazonaws.com", "us-east-2"),
    ("storagegateway.cn-north-1.amazonaws.com.cn", "cn-north-1"),        # aws-cn
    ("storagegateway.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"),     # aws-eusc
    ("storagegateway-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
    ("storagegateway.eu-west-1.api.aws", "eu-west-1"),                    # dual-stack
    ("STORAGEGATEWAY.AP-SOUTHEAST-2.AMAZONAWS.COM", "ap-southeast-2"),
    ("storagegateway.example.amazonaws.com", "us-east-2"),                # not a region: the default
    ("localhost", "us-east-2"),
])
def test_the_region_is_read_from_the_endpoint_host_name_of_every_partition(
        host: str, region: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    assert region_for(f"https://{host}/", None) == region


def test_the_default_report_dir_is_under_reports_and_latest_points_at_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "--profile", "quick")
    latest = tmp_path / "reports" / "latest"
    assert code == 0 and latest.is_symlink()
    assert report_of(latest)["verdict"] == "pass"
    assert f"report: {Path('reports') / os.readlink(latest) / 'report.json'}" in out
    assert (latest / "report.html").is_file() and (latest / "junit.xml").is_file()
    assert out.splitlines()[-1] == f"html report: {Path('reports') / os.readlink(latest) / 'report.html'}"


def test_latest_moves_to_the_newest_run(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run_cli(capsys, "--profile", "quick")
    first = os.readlink(tmp_path / "reports" / "latest")
    code, out, _ = run_cli(capsys, "--profile", "quick", "--fault", "bad-json-500")
    second = os.readlink(tmp_path / "reports" / "latest")
    assert code == 1 and second != first and (tmp_path / "reports" / first).is_dir()
    assert report_of(tmp_path / "reports" / "latest")["faults"] == ["bad-json-500"]


def test_the_table_lists_every_rule_with_its_status(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "--profile", "quick", "--fault", "description-max-off-by-one",
                           "--report-dir", str(tmp_path))
    assert code == 1
    line = next(ln for ln in out.splitlines() if "validation.SnapshotDescription.maxLength" in ln)
    assert line.startswith("FAIL") and "expected 400 ValidationException" in line
    assert "FAIL:" in out


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("tty", [True, False])
def test_the_progress_bar_is_drawn_on_a_terminal_only(tty: bool) -> None:
    stream = FakeTerminal(tty)
    bar = Progress(stream)
    bar(0, 0, 0)          # generating
    bar(4, 4, 1)
    bar.close()
    assert ("4/4" in stream.getvalue() and "1 failing rules" in stream.getvalue()) is tty
    assert (stream.getvalue() == "") is not tty
