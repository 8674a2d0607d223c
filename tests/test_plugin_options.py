"""The pytest plugin at the CLI's level: options mirroring `run` and their ini settings, an unusable
setup as one error, disputed rules shown as such, a baseline's known failures as xfail, the same
reports written."""

from __future__ import annotations

import json
import socket
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from conformance.endpoint import ReferenceEndpoint
from conformance.reports.report_json import report_errors
from conformance.suite.rulebook import load as load_rulebook

pytest_plugins = ["pytester"]
INSTALLED = any(ep.name == "sgw_conformance" for ep in entry_points(group="pytest11"))
LOAD = [] if INSTALLED else ["-p", "conformance.pytest_plugin"]
RULES = load_rulebook().rules
FAULT = "description-max-off-by-one"
FAILING = "validation.SnapshotDescription.maxLength"


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*LOAD, "-p", "no:cacheprovider", *args)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_endpoint_that_is_down_is_one_error_not_one_failure_per_rule(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x" * 40)
    result = run(pytester, "--sgw-conformance", f"--sgw-endpoint=http://127.0.0.1:{free_port()}/",
                 "--sgw-volume-arn=arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-1/volume/vol-1",
                 "-q")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed") == 1 and outcomes.get("skipped") == len(RULES) - 1
    assert "cannot reach" in result.stdout.str()


def test_credentials_refused_are_one_error_with_the_servers_message(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    with ReferenceEndpoint() as endpoint:
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", endpoint.credentials.access_key)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-" * 3)
        result = run(pytester, "--sgw-conformance", f"--sgw-endpoint={endpoint.url}", "-q")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed") == 1, result.stdout.str()[-2000:]
    assert "InvalidSignatureException" in result.stdout.str()
    assert "not-the-secret-" not in result.stdout.str()


def test_ini_settings_and_include_choose_what_is_sent_and_disputed_rules_are_visible(
        pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nsgw_conformance = true\nsgw_profile = quick\n"
                     "sgw_include =\n    validation.*\n    envelope.*\n")
    result = run(pytester, "-rA", "-v")
    text = result.stdout.str()
    assert result.ret == 0, text[-3000:]
    assert "DISPUTED" in text
    assert "disputed" in result.parseoutcomes()


def test_a_baseline_of_todays_failures_turns_them_into_xfail(
        pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conformance import RunConfig, run_suite
    from conformance.suite import baseline as baselines
    with ReferenceEndpoint(faults=(FAULT,)) as endpoint:
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", endpoint.credentials.access_key)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", endpoint.credentials.secret_key)
        today = run_suite(RunConfig(endpoint=endpoint.url, volume_arn=endpoint.volume_arn, profile="quick",
                                    baseline=tmp_path / "b.json", update_baseline=True))
        assert today.baseline is not None and today.baseline.written
        baselines.write(tmp_path / "b.json", today.baseline.written)
        args = ("--sgw-conformance", f"--sgw-endpoint={endpoint.url}",
                f"--sgw-volume-arn={endpoint.volume_arn}", "--sgw-profile=quick", "-q")
        without = run(pytester, *args)
        known = run(pytester, *args, f"--sgw-baseline={tmp_path / 'b.json'}")
    assert without.ret == 1 and without.parseoutcomes().get("failed", 0) >= 1
    assert known.ret == 0, known.stdout.str()[-2000:]
    assert known.parseoutcomes().get("xfailed", 0) == without.parseoutcomes()["failed"]


def test_report_dir_writes_the_three_reports_of_the_run(pytester: pytest.Pytester, tmp_path: Path) -> None:
    result = run(pytester, "--sgw-conformance", "--sgw-profile", "quick",
                 f"--sgw-report-dir={tmp_path / 'r'}", "--sgw-include=validation.*", "-q")
    assert result.ret == 0
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report_errors(report) == [] and report["verdict"] == "pass"
    assert (tmp_path / "r" / "junit.xml").is_file() and (tmp_path / "r" / "report.html").is_file()


def test_a_bad_ini_value_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nsgw_conformance = true\nsgw_seed = many\n")
    result = run(pytester, "-q")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "sgw_seed cannot be 'many'" in result.stderr.str()
