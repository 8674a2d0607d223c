"""`sgw-conformance serve`: the reference endpoint in the foreground, as a user starts it."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from conformance.cli import main as cli
from conformance.protocol import credentials, envelope, sigv4

REPO = Path(__file__).resolve().parent.parent
SECRET = credentials.EXAMPLE_CREDENTIALS.secret_key


Serving = tuple[subprocess.Popen[str], dict[str, str]]
BANNER_FIELDS = ("url", "region", "volume", "credentials", "export", "state", "variants", "faults")


@contextmanager
def serving(*flags: str, env: dict[str, str] | None = None) -> Iterator[Serving]:
    """Start ``serve --port 0`` in a subprocess; yield it and the banner's fields once it listens."""
    process = subprocess.Popen([sys.executable, "-m", "conformance.cli.serve", "--port", "0", *flags],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **(env or {})})
    try:
        yield process, read_banner(process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def read_banner(process: subprocess.Popen[str], timeout_s: float = 20) -> dict[str, str]:
    """The banner's ``name: value`` lines, read until the last field (faults) is printed."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in iter(process.stdout.readline, ""):
            lines.put(line)
            if line.strip().startswith("faults:"):
                return

    threading.Thread(target=pump, daemon=True).start()
    fields: dict[str, str] = {}
    try:
        while "faults" not in fields:
            line = lines.get(timeout=timeout_s).strip()
            name, _, value = line.partition(":")
            if line.startswith("export "):
                name, value = "export", line.removeprefix("export ")
            if name in BANNER_FIELDS:
                fields.setdefault(name, value.strip())   # the first volume is the seeded one
                fields["all " + name] = f"{fields.get('all ' + name, '')}\n{value.strip()}".strip()
    except queue.Empty:
        raise AssertionError(f"no complete banner: {fields}") from None
    return fields


def signed_post(url: str, params: object, access_key: str, secret: str,
                region: str = "us-east-2") -> requests.Response:
    body = json.dumps(params).encode()
    host = url.split("//")[1].rstrip("/")
    headers = {"Content-Type": envelope.JSON_CONTENT_TYPE, "X-Amz-Target": envelope.CREATE_SNAPSHOT_TARGET,
               **sigv4.sign("POST", "/", host, body, access_key=access_key, secret=secret,
                            region=region, service=envelope.SERVICE)}
    return requests.post(url, data=body, headers=headers, timeout=10)


def stop(process: subprocess.Popen[str], sig: signal.Signals) -> tuple[int, str, str]:
    process.send_signal(sig)
    out, err = process.communicate(timeout=20)
    return process.returncode, out, err


def exported(line: str) -> dict[str, str]:
    """The variables of a banner's ``export A=x B=y`` line (quotes kept)."""
    return dict(item.split("=", 1) for item in line.split())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_its_banner_serves_and_stops_cleanly_on_a_signal(sig: signal.Signals) -> None:
    with serving() as (process, banner):
        assert banner["region"] == "us-east-2"
        assert banner["volume"].endswith("/volume/vol-1122AABB")
        answer = signed_post(banner["url"], {"VolumeARN": banner["volume"], "SnapshotDescription": "cli"},
                             "AKIDEXAMPLE", SECRET)
        assert answer.status_code == 200 and answer.json()["SnapshotId"].startswith("snap-")
        code, out, err = stop(process, sig)
    assert code == 0, err
    assert "Traceback" not in err


def test_the_banner_exports_the_documented_example_pair_and_boto3_succeeds_with_it() -> None:
    boto3 = pytest.importorskip("boto3")
    with serving() as (process, banner):
        env = exported(banner["export"])
        assert env == {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": SECRET,
                       "AWS_DEFAULT_REGION": "us-east-2"}
        client = boto3.client("storagegateway", endpoint_url=banner["url"],
                              region_name=env["AWS_DEFAULT_REGION"],
                              aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
        assert [v["VolumeARN"] for v in client.list_volumes()["VolumeInfos"]] == [banner["volume"]]
        snapshot = client.create_snapshot(VolumeARN=banner["volume"], SnapshotDescription="banner")
        assert snapshot["SnapshotId"].startswith("snap-")
        stop(process, signal.SIGTERM)


def test_serve_logs_one_line_per_request_on_stderr_and_quiet_silences_them() -> None:
    params = {"VolumeARN": "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-1/volume/vol-0000000F",
              "SnapshotDescription": "log"}
    with serving() as (process, banner):
        assert signed_post(banner["url"], {**params, "VolumeARN": banner["volume"]}, "AKIDEXAMPLE",
                           SECRET).status_code == 200
        assert signed_post(banner["url"], params, "AKIDEXAMPLE", SECRET).status_code == 400
        assert signed_post(banner["url"], params, "AKIDEXAMPLE", "wrong").status_code == 400
        _code, _out, err = stop(process, signal.SIGTERM)
    lines = [line.split() for line in err.splitlines() if " POST " in line]
    # (each answer is logged once sent, by its connection's thread: the lines may come in any order)
    assert sorted(line[1:5] for line in lines) == [
        ["POST", "CreateSnapshot", "200", "-"],
        ["POST", "CreateSnapshot", "400", "InvalidGatewayRequestException"],
        ["POST", "CreateSnapshot", "400", "InvalidSignatureException"]]
    assert all(line[-1] == "ms" and float(line[-2]) >= 0 for line in lines)
    with serving("--quiet") as (process, banner):
        signed_post(banner["url"], params, "AKIDEXAMPLE", SECRET)
        _code, _out, err = stop(process, signal.SIGTERM)
    assert " POST " not in err


def test_serve_takes_credentials_from_the_environment_and_never_prints_their_secret() -> None:
    secret = "s3cr3t-from-the-environment-0123456789"
    env = {"SGW_ACCESS_KEY_ID": "AKIDFROMENV", "SGW_SECRET_ACCESS_KEY": secret}
    with serving(env=env) as (process, banner):
        params = {"VolumeARN": banner["volume"], "SnapshotDescription": "env"}
        assert signed_post(banner["url"], params, "AKIDFROMENV", secret).status_code == 200
        assert signed_post(banner["url"], params, "AKIDEXAMPLE", SECRET).status_code == 400
        code, out, err = stop(process, signal.SIGTERM)
    assert code == 0 and exported(banner["export"])["AWS_ACCESS_KEY_ID"] == "AKIDFROMENV"
    assert exported(banner["export"])["AWS_SECRET_ACCESS_KEY"] == '"$SGW_SECRET_ACCESS_KEY"'
    assert secret not in out + err and SECRET not in out + err


def test_serve_accepts_several_key_pairs_from_flags_and_the_environment() -> None:
    pairs = {"AKIDONE": "secret-one-0123456789", "AKIDTWO": "secret-two-0123456789",
             "AKIDTHREE": "secret-three-0123456789"}
    env = {"SGW_KEY_PAIRS": "AKIDTWO:secret-two-0123456789, AKIDTHREE:secret-three-0123456789"}
    with serving("--key-pair", "AKIDONE:secret-one-0123456789", env=env) as (process, banner):
        params = {"VolumeARN": banner["volume"], "SnapshotDescription": "pairs"}
        for key, secret in pairs.items():
            assert signed_post(banner["url"], params, key, secret).status_code == 200, key
        assert signed_post(banner["url"], params, "AKIDONE", "secret-two-0123456789").status_code == 400
        assert signed_post(banner["url"], params, "AKIDEXAMPLE", SECRET).status_code == 400
        _code, out, err = stop(process, signal.SIGTERM)
    assert [exported(line)["AWS_ACCESS_KEY_ID"] for line in banner["all export"].splitlines()] == list(pairs)
    assert not any(secret in out + err for secret in pairs.values())


def test_the_default_port_is_fixed_and_documented() -> None:
    from conformance.cli import serve
    parser = __import__("argparse").ArgumentParser()
    serve.configure(parser)
    assert parser.parse_args([]).port == serve.DEFAULT_PORT not in (0, 4566, 5000)
    assert f"--port {serve.DEFAULT_PORT}" in (REPO / "README.md").read_text() or \
        f":{serve.DEFAULT_PORT}" in (REPO / "README.md").read_text()


def test_python_dash_m_conformance_serve_help_works() -> None:
    done = subprocess.run([sys.executable, "-m", "conformance", "serve", "--help"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--quiet" in done.stdout and "--key-pair" in done.stdout and "--reset" in done.stdout


def test_reset_empties_a_state_file_and_keeps_the_configured_volumes(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    extra = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-77777777/volume/vol-77777777"
    with serving("--state", str(state), "--volume", extra) as (process, banner):
        assert signed_post(banner["url"], {"VolumeARN": extra, "SnapshotDescription": "kept"},
                           "AKIDEXAMPLE", SECRET).status_code == 200
        stop(process, signal.SIGTERM)
    from conformance.endpoint.store import Store
    kept = Store(str(state))
    assert kept.snapshot_count() == 1
    kept.close()
    with serving("--state", str(state), "--reset") as (process, banner):
        stop(process, signal.SIGTERM)
    emptied = Store(str(state))
    assert emptied.snapshot_count() == 0 and [v.arn for v in emptied.volumes()] == [banner["volume"]]
    emptied.close()


def test_serve_with_faults_and_extra_volumes_says_so_in_its_banner() -> None:
    extra = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-77777777/volume/vol-77777777"
    flags = ("--fault", "auth-optional", "--fault", "validation-500", "--volume", extra)
    with serving(*flags) as (process, banner):
        code, _out, _err = stop(process, signal.SIGTERM)
    assert code == 0
    assert banner["faults"] == "auth-optional, validation-500" and extra in banner["all volume"].split()


def test_serve_with_variants_answers_in_their_style_and_says_so_in_its_banner() -> None:
    with serving("--variant", "auth-403", "--variant", "aws-cn-partition") as (process, banner):
        params = {"VolumeARN": banner["volume"], "SnapshotDescription": "cli"}
        refused = signed_post(banner["url"], params, "AKIDEXAMPLE", "not-the-secret", region="cn-north-1")
        accepted = signed_post(banner["url"], params, "AKIDEXAMPLE", SECRET, region="cn-north-1")
        code, _out, _err = stop(process, signal.SIGTERM)
    assert code == 0 and banner["variants"] == "auth-403, aws-cn-partition"
    assert banner["region"] == "cn-north-1"
    assert banner["volume"].startswith("arn:aws-cn:storagegateway:cn-north-1:")
    assert refused.status_code == 403 and accepted.status_code == 200


@pytest.mark.parametrize(("argv", "says"), [
    (["serve", "--fault", "no-such-fault"], "valid faults"),
    (["serve", "--access-key", "AKIDONLY"], "secret"),
    (["serve", "--volume", "arn:aws:s3:::bucket"], "not a valid volume ARN"),
    (["serve", "--region", "US East"], "region"),
    (["serve", "--port", "not-a-port"], "--port"),
    (["serve", "--key-pair", "AKIDNOSECRET"], "ACCESS_KEY:SECRET"),
    (["serve", "--reset"], "--state"),
    (["serve", "--state", "/nonexistent-directory/state.sqlite"], "cannot open the state"),
])
def test_serve_usage_mistakes_exit_2_with_one_line(argv: list[str], says: str,
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SGW_SECRET_ACCESS_KEY", raising=False)
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1


def test_serve_on_a_port_in_use_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        assert cli.main(["serve", "--port", str(taken.getsockname()[1])]) == 2
    assert "cannot serve" in capsys.readouterr().err
