"""What `sgw-conformance run` prints, as a user sees it: the root cause first, a table that fits the
width, a short summary with replay and curl lines, the tested endpoint named, the report paths;
the AWS conventions (AWS_ENDPOINT_URL*, the shared credentials file) and the knobs (-q, -v,
--include/--exclude, --junit-xml, SGW_ variables, [tool.sgw-conformance])."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conformance.protocol.credentials import EXAMPLE_CREDENTIALS
from conformance.reports.report_json import report_errors

REPO = Path(__file__).resolve().parent.parent
VOLUME = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
SECRET = EXAMPLE_CREDENTIALS.secret_key
_URL = re.compile(r"http://127\.0\.0\.1:\d+/?")
ANSI = "\x1b["


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "SGW_")) and k not in ("COLUMNS", "NO_COLOR")}
    env.update({"AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
                "SGW_CONFORMANCE_CACHE": "off", "SGW_CONFORMANCE_CHECK_REPORTS": "1"})
    env.update(extra)
    return env


def keys(**extra: str) -> dict[str, str]:
    return clean_env(AWS_ACCESS_KEY_ID=EXAMPLE_CREDENTIALS.access_key, AWS_SECRET_ACCESS_KEY=SECRET, **extra)


def cli(*args: str, env: dict[str, str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "conformance", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@contextmanager
def process_url(argv: list[str]) -> Iterator[str]:
    """A server in its own process (127.0.0.1, port 0); its URL once it prints it."""
    process = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=clean_env())
    try:
        assert process.stdout is not None
        for line in process.stdout:
            found = _URL.search(line)
            if found:   # keep reading its log, so that a full pipe never blocks the server
                threading.Thread(target=lambda: process.stdout.read() if process.stdout else None,
                                 daemon=True).start()
                yield found.group(0).rstrip("/") + "/"
                return
        raise AssertionError("the server printed no URL")
    finally:
        process.kill()
        process.wait()


def serve(*flags: str) -> Iterator[str]:
    return process_url([sys.executable, "-m", "conformance", "serve", "--port", "0", *flags])


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    pytest.importorskip("moto.server", reason="moto[server] is in the test extra")
    with process_url([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", "0"]) as url:
        yield url


@pytest.fixture(scope="module")
def moto_run(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("moto") / "r"
    done = cli("run", "--endpoint", moto_url, "--report-dir", str(out), env=keys(COLUMNS="100"))
    return {"done": done, "dir": out, "report": json.loads((out / "report.json").read_text())}


# --- a foreign emulator: moto's server, which has no Storage Gateway ---------------------------------

def test_moto_fails_with_exit_1_and_a_headline_naming_its_html_500s_above_the_table(moto_run: dict) -> None:
    done = moto_run["done"]
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    table_at = next(i for i, ln in enumerate(lines) if ln.split()[:1] in (["status"], ["FAIL"], ["WARN"]))
    above = " ".join(lines[:table_at])
    assert "HTTP 500 text/html" in above and "root cause:" in above
    assert "does not seem to implement Storage Gateway CreateSnapshot" in above


def test_moto_output_is_under_60_lines_at_100_columns(moto_run: dict) -> None:
    lines = moto_run["done"].stdout.splitlines()
    assert len(lines) < 60, "\n".join(lines)
    assert max(len(ln) for ln in lines) <= 100


def test_moto_report_json_and_html_carry_the_root_cause(moto_run: dict) -> None:
    report = moto_run["report"]
    assert report_errors(report) == []
    assert report["headline"] and "HTTP 500 text/html" in report["headline"]
    assert report["root_causes"][0]["status"] == 500 and report["root_causes"][0]["media_type"] == "text/html"
    html = (moto_run["dir"] / "report.html").read_text()
    assert html.index('id="headline"') < html.index('id="failures"')
    assert html.index('id="diagnosis"') < html.index('id="run"')


# --- the width, colour and the short summary -----------------------------------------------------------

FAULTS = ("--fault", "description-max-off-by-one", "--fault", "signature-unchecked")


def test_at_80_columns_no_line_is_wider_and_each_failing_reason_is_whole(tmp_path: Path) -> None:
    done = cli("run", *FAULTS, "--report-dir", str(tmp_path / "r"), env=clean_env(COLUMNS="80"))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert max(len(ln) for ln in lines) <= 80
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    flat = " ".join(" ".join(lines).split())
    for rule in report["rules"]:
        if rule["status"] == "fail":
            reason = rule["failures"][0]["reason"]
            assert rule["id"] in done.stdout             # the id on one line, not folded
            assert " ".join(reason.split()) in flat       # every word of the reason, in order


def test_a_log_gets_no_colour_and_no_color_turns_it_off_on_a_terminal_too(tmp_path: Path) -> None:
    done = cli("run", *FAULTS, "--report-dir", str(tmp_path / "r"), env=clean_env())
    assert ANSI not in done.stdout + done.stderr
    from conformance.cli.table import console_for

    class Tty:
        def isatty(self) -> bool:
            return True

        def write(self, _text: str) -> int:
            return 0

        def flush(self) -> None:
            pass

    os.environ["NO_COLOR"] = "1"
    try:
        assert console_for(Tty()).no_color  # type: ignore[arg-type]
    finally:
        del os.environ["NO_COLOR"]
    assert not console_for(Tty()).no_color  # type: ignore[arg-type]


def test_a_failing_run_ends_with_the_first_failure_its_replay_line_and_the_three_report_paths(
        tmp_path: Path) -> None:
    done = cli("run", *FAULTS, "--report-dir", "out/r", env=clean_env(), cwd=tmp_path)
    lines = done.stdout.splitlines()
    first = next(ln for ln in lines if ln.startswith("first failure"))
    assert "and 1 more failing rules" in first
    replay = next(ln for ln in lines if ln.strip().startswith("replay:")).split("replay:", 1)[1].split()
    assert replay[:3] == ["sgw-conformance", "replay", "out/r"]
    assert lines[-3:] == ["report: out/r/report.json", "junit: out/r/junit.xml",
                          "html report: out/r/report.html"]
    assert "the embedded reference endpoint (faults description-max-off-by-one, signature-unchecked)" in \
        done.stdout.replace("\n", " ")


def test_the_replay_line_still_works_after_the_tree_is_moved(tmp_path: Path) -> None:
    first = tmp_path / "a"
    first.mkdir()
    cli("run", "--profile", "quick", "--fault", "description-max-off-by-one", "--report-dir", "out/r",
        env=clean_env(), cwd=first)
    report = json.loads((first / "out" / "r" / "report.json").read_text())
    replay = next(r for r in report["rules"] if r["status"] == "fail")["failures"][0]["replay"]
    moved = tmp_path / "b"
    first.rename(moved)
    argv = replay.split()
    again = cli(*argv[1:], env=clean_env(), cwd=moved)
    assert again.returncode == 1 and "STILL FAILS" in again.stdout, again.stderr


def test_against_serve_the_summary_gives_a_curl_line_without_the_secret(tmp_path: Path) -> None:
    with serve("--fault", "description-max-off-by-one") as url:
        done = cli("run", "--endpoint", url, "--volume-arn", VOLUME, "--report-dir", str(tmp_path / "r"),
                   env=keys())
    assert done.returncode == 1
    curl = next(ln for ln in done.stdout.splitlines() if ln.strip().startswith("curl:"))
    assert "--aws-sigv4 aws:amz:us-east-2:storagegateway" in curl
    assert '"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"' in curl
    assert SECRET not in done.stdout + done.stderr


# --- AWS conventions ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STORAGE_GATEWAY"])
def test_an_aws_endpoint_url_variable_at_a_faulty_serve_is_tested_and_fails(variable: str,
                                                                            tmp_path: Path) -> None:
    with serve("--fault", "description-max-off-by-one") as url:
        done = cli("run", "--volume-arn", VOLUME, "--report-dir", str(tmp_path / "r"),
                   env=keys(**{variable: url}))
    assert done.returncode == 1, done.stderr
    summary = done.stdout.replace("\n", " ")
    assert f"requests to {url} (from {variable})" in summary


def test_the_service_variable_wins_over_the_global_one(tmp_path: Path) -> None:
    with serve() as good, serve("--fault", "description-max-off-by-one") as bad:
        done = cli("run", "--volume-arn", VOLUME, "--report-dir", str(tmp_path / "r"),
                   env=keys(AWS_ENDPOINT_URL_STORAGE_GATEWAY=good, AWS_ENDPOINT_URL=bad))
    assert done.returncode == 0 and good in done.stdout


def test_without_any_endpoint_the_summary_names_the_embedded_reference_endpoint(tmp_path: Path) -> None:
    done = cli("run", "-q", "--report-dir", str(tmp_path / "r"), env=clean_env())
    assert done.returncode == 0 and "requests to the embedded reference endpoint in" in done.stdout


def test_credentials_come_from_the_profile_of_the_shared_credentials_file(tmp_path: Path) -> None:
    creds = tmp_path / "credentials"
    creds.write_text(f"[default]\naws_access_key_id = WRONG\naws_secret_access_key = x\n\n"
                     f"[ci]\naws_access_key_id = {EXAMPLE_CREDENTIALS.access_key}\n"
                     f"aws_secret_access_key = {SECRET}\n")
    config = tmp_path / "config"
    config.write_text("[profile ci]\nregion = us-east-2\n")
    with serve() as url:
        done = cli("run", "--endpoint", url, "--volume-arn", VOLUME, "--report-dir", str(tmp_path / "r"),
                   env=clean_env(AWS_SHARED_CREDENTIALS_FILE=str(creds), AWS_CONFIG_FILE=str(config),
                                 AWS_PROFILE="ci"))
        wrong = cli("run", "--endpoint", url, "--report-dir", str(tmp_path / "w"),
                    env=clean_env(AWS_SHARED_CREDENTIALS_FILE=str(creds)))
    assert done.returncode == 0, done.stderr
    assert wrong.returncode == 2 and "UnrecognizedClientException" in wrong.stderr
    assert SECRET not in done.stdout + done.stderr + wrong.stderr


# --- knobs ---------------------------------------------------------------------------------------------

def test_include_and_exclude_choose_the_rules_whose_cases_are_sent(tmp_path: Path) -> None:
    done = cli("run", "--include", "validation.SnapshotDescription.*", "--exclude", "*.null",
               "--report-dir", str(tmp_path / "r"), env=clean_env())
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    tested = {r["id"] for r in report["rules"] if r["cases"] and r["area"] == "validation"}
    assert done.returncode == 0
    assert tested and all(t.startswith("validation.SnapshotDescription.") for t in tested)
    assert "validation.SnapshotDescription.null" not in tested
    assert report["requests_sent"] < 100


def test_settings_come_from_sgw_variables_and_pyproject_with_the_command_line_winning(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.sgw-conformance]\nprofile = "quick"\nseed = 5\n'
                                              'include = ["validation.*"]\n')
    done = cli("run", "--report-dir", "r", env=clean_env(SGW_SEED="7"), cwd=tmp_path)
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert done.returncode == 0 and report["profile"] == "quick" and report["seed"] == 7
    assert not any(r["cases"] for r in report["rules"] if r["area"] == "authentication")
    again = cli("run", "--report-dir", "r2", "--seed", "3", env=clean_env(SGW_SEED="7"), cwd=tmp_path)
    assert json.loads((tmp_path / "r2" / "report.json").read_text())["seed"] == 3 and again.returncode == 0


@pytest.mark.parametrize(("env", "pyproject", "says"), [
    ({"SGW_SEED": "many"}, "", "SGW_SEED: --seed cannot be 'many'"),
    ({"SGW_PROFILE": "huge"}, "", "--profile must be one of"),
    ({}, "[tool.sgw-conformance]\nno-such = 1\n", "unknown setting 'no-such'"),
    ({}, "[tool.sgw-conformance\n", "cannot read"),
])
def test_a_bad_setting_is_one_line_and_exit_2(env: dict[str, str], pyproject: str, says: str,
                                               tmp_path: Path) -> None:
    if pyproject:
        (tmp_path / "pyproject.toml").write_text(pyproject)
    done = cli("run", env=clean_env(**env), cwd=tmp_path)
    assert done.returncode == 2 and says in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_quiet_prints_the_summary_lines_only_and_verbose_every_rule(tmp_path: Path) -> None:
    quiet = cli("run", "-q", "--profile", "quick", "--report-dir", str(tmp_path / "q"), env=clean_env())
    assert len(quiet.stdout.splitlines()) == 4 and quiet.stdout.startswith("PASS:")
    loud = cli("run", "-v", "--profile", "quick", "--report-dir", str(tmp_path / "v"), env=clean_env())
    report = json.loads((tmp_path / "v" / "report.json").read_text())
    assert all(f" {r['id']} " in loud.stdout or loud.stdout.count(r["id"]) for r in report["rules"])


def test_junit_xml_is_also_written_where_asked_with_times_and_evidence(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET
    done = cli("run", "--profile", "quick", "--fault", "description-max-off-by-one", "--junit-xml",
               str(tmp_path / "ci" / "junit.xml"), "--report-dir", str(tmp_path / "r"), env=clean_env())
    assert done.returncode == 1 and f"junit: {tmp_path / 'ci' / 'junit.xml'}" in done.stdout
    root = ET.parse(tmp_path / "ci" / "junit.xml").getroot()
    cases = root.findall(".//testcase")
    assert any(float(c.get("time", "0")) > 0 for c in cases)
    failure = next(c for c in cases if c.find("failure") is not None).find("failure")
    assert failure is not None and failure.text is not None
    assert "request:  POST" in failure.text and "answer:   HTTP 200" in failure.text
    assert "replay:   sgw-conformance replay" in failure.text


def test_help_shows_faults_variants_exit_codes_and_credential_variables() -> None:
    text = cli("run", "--help", env=clean_env()).stdout
    for words in ("--fault", "--variant", "--include", "--exclude", "--junit-xml", "-q", "-v",
                  "exit codes:", "143", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE",
                  "AWS_ENDPOINT_URL_STORAGE_GATEWAY",
                  "SGW_", "[tool.sgw-conformance]"):
        assert words in text, words
    top = cli("--help", env=clean_env()).stdout
    assert "Test whether an endpoint answers" in top


# --- interruption ---------------------------------------------------------------------------------------

def test_sigterm_one_second_into_a_thorough_run_leaves_a_valid_incomplete_report(tmp_path: Path) -> None:
    with serve() as url:
        process = subprocess.Popen([sys.executable, "-m", "conformance", "run", "--endpoint", url,
                                    "--profile", "thorough", "--volume-arn", VOLUME,
                                    "--report-dir", str(tmp_path / "r")],
                                   cwd=REPO, env=keys(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        time.sleep(1.0)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report_errors(report) == []
    assert report["complete"] is False and report["exit_code"] == 143
    assert (tmp_path / "r" / "junit.xml").is_file() and (tmp_path / "r" / "report.html").is_file()
    assert "incomplete" in out
