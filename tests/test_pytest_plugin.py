"""The suite as a pytest plugin (run through pytester, in-process and under pytest-xdist)."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

from conformance.endpoint import ReferenceEndpoint
from conformance.protocol.credentials import Credentials
from conformance.suite.rulebook import load as load_rulebook

RULES = load_rulebook().rules

pytest_plugins = ["pytester"]

# When the project is installed, pytest loads the plugin from its entry point; otherwise name it.
INSTALLED = any(ep.name == "sgw_conformance" for ep in entry_points(group="pytest11"))
LOAD = [] if INSTALLED else ["-p", "conformance.pytest_plugin"]
REPO_ROOT = Path(__file__).resolve().parent.parent
SECRET = "PLUGINsecretDistinctive/0123456789abcdefXYZ"


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*LOAD, "-p", "no:cacheprovider", *args)


def test_the_plugin_is_inert_without_its_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_own="def test_own():\n    assert True\n")
    result = run(pytester, "-q")
    result.assert_outcomes(passed=1)
    assert "sgw-conformance" not in result.stdout.str()


def test_one_item_per_rule_is_collected_with_the_option(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--sgw-conformance", "--collect-only", "-q")
    listed = [line for line in result.stdout.lines if line.startswith("sgw-conformance::")]
    assert sorted(line.split("::", 1)[1] for line in listed) == sorted(RULES)


def test_the_clean_reference_endpoint_passes_every_rule_item(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--sgw-conformance", "--sgw-profile", "quick", "-q", "-rs")
    outcomes = result.parseoutcomes()
    assert result.ret == 0, result.stdout.str()[-3000:]
    assert outcomes.get("failed", 0) == 0 and outcomes["passed"] > len(RULES) // 2


def test_a_faulty_endpoint_fails_the_rule_item_and_shows_the_evidence(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDPLUGIN")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    creds = Credentials("AKIDPLUGIN", SECRET)
    with ReferenceEndpoint(faults=("description-max-off-by-one",), credentials=creds) as ep:
        result = run(pytester, "--sgw-conformance", "--sgw-endpoint", ep.url, "--sgw-profile", "quick",
                     "-k", "SnapshotDescription", "-q")
    text = result.stdout.str()
    assert result.ret == 1
    failed = [ln.split(" - ")[0] for ln in result.stdout.lines if ln.startswith("FAILED")]
    assert failed == ["FAILED sgw-conformance::validation.SnapshotDescription.maxLength"], failed
    assert "expected 400 ValidationException" in text and "request:  POST" in text and "response: 200" in text
    assert SECRET not in text


def test_a_live_endpoint_is_refused_as_a_usage_error(pytester: pytest.Pytester) -> None:
    live = "https://storagegateway.us-east-2.amazonaws.com"
    result = run(pytester, "--sgw-conformance", "--sgw-endpoint", live)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--allow-live" in result.stderr.str()


@pytest.mark.slow
def test_under_xdist_each_worker_runs_its_own_items_and_the_run_passes(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    result = pytester.runpytest_subprocess(*LOAD, "-p", "no:cacheprovider", "--sgw-conformance",
                                           "--sgw-profile", "quick", "-n", "2", "-q")
    outcomes: dict[str, Any] = result.parseoutcomes()
    assert result.ret == 0, result.stdout.str()[-3000:]
    assert outcomes["passed"] + outcomes.get("skipped", 0) + outcomes.get("disputed", 0) == len(RULES)
