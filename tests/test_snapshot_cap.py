"""The snapshot cap holds whichever entry point sends: the CLI, the pytest plugin and replay.

The endpoint is the reference endpoint behind a throttle: every request it would accept (one
that would create a billable snapshot on AWS) is answered 400 ThrottlingException instead, and
counted.  It is judged live (as an AWS endpoint would be), so the transport retries each
throttled answer; every one of those re-sends could create a snapshot too, and counts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main as cli
from conformance.endpoint import ReferenceEndpoint
from conformance.suite import pool, safety
from conformance.suite.budget import SharedCounts, SnapshotBudget
from conformance.suite.model import Case
from conformance.suite.safety import LIVE_MAX_SNAPSHOTS

pytest_plugins = ["pytester"]

CAP = 3
# When the project is installed, pytest loads the plugin from its entry point; otherwise name it.
LOAD = [] if any(ep.name == "sgw_conformance" for ep in entry_points(group="pytest11")) else [
    "-p", "conformance.pytest_plugin"]
THROTTLED = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()


class Throttle:
    """WSGI middleware: an answer that would be 2xx becomes a ThrottlingException, and is counted."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app, self.creating = app, 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.update(status=status, headers=headers)
            return lambda _data: None

        body = b"".join(self.app(environ, capture))
        creating = seen["status"].startswith("2") and "CreateSnapshot" in environ.get("HTTP_X_AMZ_TARGET", "")
        if not creating:
            start_response(seen["status"], seen["headers"])
            return [body]
        self.creating += 1
        start_response("400 Bad Request", [("Content-Type", "application/x-amz-json-1.1"),
                                           ("Content-Length", str(len(THROTTLED)))])
        return [THROTTLED]


@pytest.fixture
def throttled(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ReferenceEndpoint, Throttle]]:
    monkeypatch.setattr(safety, "is_loopback_host", lambda _host: False)      # judged live
    monkeypatch.setattr(pool, "retry_policy", lambda live: {"throttle_base_s": 0.001,
                                                            "retry_creating_on_stale": not live})
    with ReferenceEndpoint() as endpoint:
        throttle = Throttle(endpoint._server.app)    # type: ignore[union-attr]
        endpoint._server.app = throttle              # type: ignore[union-attr]
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", endpoint.credentials.access_key)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", endpoint.credentials.secret_key)
        monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
        yield endpoint, throttle


def _creating_failure(report_dir: Path) -> str:
    report = json.loads((report_dir / "report.json").read_text("utf-8"))
    return next(f["case_id"] for r in report["rules"] for f in r.get("failures", ())
                if f.get("case", {}).get("creates"))


def test_the_cli_the_plugin_and_replay_each_send_at_most_the_cap_of_snapshot_creating_requests(
        throttled: tuple[ReferenceEndpoint, Throttle], pytester: pytest.Pytester, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    endpoint, throttle = throttled
    report_dir = tmp_path / "run"
    code = cli.main(["run", "--endpoint", endpoint.url, "--allow-live", "--max-snapshots", str(CAP),
                     "--profile", "quick", "--report-dir", str(report_dir)])
    capsys.readouterr()
    assert code == 1 and 0 < throttle.creating <= CAP, ("cli", throttle.creating)

    throttle.creating = 0
    result = pytester.runpytest_inprocess(*LOAD, "-p", "no:cacheprovider",
                                          "--sgw-conformance", "--sgw-endpoint", endpoint.url,
                                          "--sgw-allow-live", "--sgw-max-snapshots", str(CAP),
                                          "--sgw-profile", "quick", "-q")
    assert result.ret == 1 and 0 < throttle.creating <= CAP, ("plugin", throttle.creating)

    throttle.creating = 0      # the plugin's default on a live endpoint is the CLI's: 5
    result = pytester.runpytest_inprocess(*LOAD, "-p", "no:cacheprovider", "--sgw-conformance",
                                          "--sgw-endpoint", endpoint.url, "--sgw-allow-live",
                                          "--sgw-profile", "quick", "-q")
    assert result.ret == 1 and 0 < throttle.creating <= LIVE_MAX_SNAPSHOTS, ("plugin", throttle.creating)

    throttle.creating = 0
    code = cli.main(["replay", str(report_dir), _creating_failure(report_dir), "--endpoint", endpoint.url,
                     "--allow-live", "--max-snapshots", "1"])
    capsys.readouterr()
    assert code == 1 and throttle.creating == 1, ("replay", throttle.creating)


def test_without_a_cap_on_loopback_the_throttled_endpoint_gets_every_retry(
        throttled: tuple[ReferenceEndpoint, Throttle], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The counter above can fail: judged loopback (no cap), far more creating requests go out."""
    endpoint, throttle = throttled
    monkeypatch.setattr(safety, "is_loopback_host", lambda _host: True)
    cli.main(["run", "--endpoint", endpoint.url, "--profile", "quick", "--report-dir", str(tmp_path)])
    capsys.readouterr()
    assert throttle.creating > 5 * CAP


def _admit_all(path: str, attempts: int) -> int:
    budget = SnapshotBudget(CAP, SharedCounts(Path(path)))
    case = Case("accept.valid-request", "valid/minimal", creates=True)
    return sum(budget.admit(case) or budget.resend(case) for _ in range(attempts))


def test_processes_sharing_a_budget_file_send_at_most_the_cap_between_them(tmp_path: Path) -> None:
    """As pytest-xdist workers do: one cap for the session, not one per worker."""
    from concurrent.futures import ProcessPoolExecutor
    path = str(tmp_path / "budget.json")
    with ProcessPoolExecutor(max_workers=3) as workers:
        admitted = sum(workers.map(_admit_all, [path] * 3, [20] * 3))
    assert admitted == CAP
