"""report.html: a self-contained page, autoescaped, redacted, and readable in headless Chromium.

The Chromium tests render the page of a real run (the embedded reference endpoint with two
faults injected and a distinctive secret key) with Debian's ``chromium`` package and read the
text of the rendered DOM; they skip, saying why, when chromium is not installed.
"""

from __future__ import annotations

import html
import io
import json
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from wire import captured_signatures

from conformance.cli.run import finish
from conformance.embedded import run_suite
from conformance.protocol.credentials import Credentials
from conformance.protocol.redaction import MARKER, Secrets
from conformance.reports.writer import write_reports
from conformance.suite import scoreboard
from conformance.suite.config import RunConfig
from conformance.suite.model import Case, Response, SentRequest
from conformance.suite.results import RunResult
from conformance.suite.rulebook import load as load_rulebook
from conformance.suite.rules import AREAS
from conformance.suite.transport import redacted

RULES = load_rulebook().rules

SECRET = "HTMLsecretQ7distinctive/KEY+forTheReportPage000"
FAULTS = ("description-max-off-by-one", "tag-key-max-off-by-one")
FAILING = ("validation.SnapshotDescription.maxLength", "validation.Tag.Key.maxLength")
VOLUME = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (Debian: apt-get install -y chromium); "
                             "the page is rendered and read with it")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")


# --- a real run with two faults ---------------------------------------------------------------

@pytest.fixture(scope="module")
def two_fault_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The run, its report directory, and every signature that went on the wire."""
    directory = tmp_path_factory.mktemp("html") / "run"
    config = RunConfig(profile="quick", faults=FAULTS, report_dir=directory,
                              credentials=Credentials("AKIDHTMLPAGETEST", SECRET))
    with captured_signatures() as signatures:
        result = run_suite(config)
    out = io.StringIO()
    code = finish(config, result, out)
    return {"dir": directory, "code": code, "out": out.getvalue(), "signatures": signatures,
            "report": json.loads((directory / "report.json").read_text("utf-8"))}


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120, check=False)


BLOCKS = {"p", "div", "td", "th", "tr", "li", "dt", "dd", "pre", "summary", "details", "section", "article",
          "header", "footer", "h1", "h2", "h3", "h4", "h5", "table", "br"}


class TextOf(HTMLParser):
    """The text of a DOM as a reader sees it (blocks apart, style aside), and every element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._skip += tag in ("style", "script", "title")
        if tag in BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script", "title") and self._skip > 0
        if tag in BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())


def parse(markup: str) -> TextOf:
    parser = TextOf()
    parser.feed(markup)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def dom(two_fault_run: dict[str, Any]) -> str:
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed (Debian: apt-get install -y chromium)")
    page = two_fault_run["dir"] / "report.html"
    done = chromium("--dump-dom", page.as_uri())
    assert done.returncode == 0 and "<html" in done.stdout, done.stderr[-2000:]
    return done.stdout


# --- in headless Chromium ------------------------------------------------------------------------

@needs_chromium
def test_the_page_of_a_two_fault_run_shows_the_verdict_and_the_run_in_chromium(
        two_fault_run: dict[str, Any], dom: str) -> None:
    report, text = two_fault_run["report"], parse(dom).text
    assert two_fault_run["code"] == 1
    assert text.startswith("FAIL CreateSnapshot conformance of " + report["endpoint"])
    assert "2 MUST rules failed: " + ", ".join(FAILING) in text
    for fact in (f"Seed {report['seed']}", "Profile quick", f"Started (UTC) {report['started_at']}",
                 f"Requests sent {report['requests_sent']} of {report['cases_generated']} cases generated",
                 "faults injected: " + ", ".join(FAULTS)):
        assert fact in text, fact


@needs_chromium
def test_the_page_shows_each_failing_rule_with_its_requests_responses_source_and_replay_in_chromium(
        two_fault_run: dict[str, Any], dom: str) -> None:
    text = parse(dom).text
    by_id = {r["id"]: r for r in two_fault_run["report"]["rules"]}
    for rule_id in FAILING:
        rule = by_id[rule_id]
        assert rule["status"] == "fail" and rule["failures"]
        assert f"FAIL {rule_id} {RULES[rule_id].statement}" in text
        assert f"source: {RULES[rule_id].source}" in text
        for failure in rule["failures"]:
            assert f"Case {failure['case_id']} · {failure['signature']}" in text
            assert failure["reason"] in text
            assert " ".join(failure["request"]["body"].split()) in text          # the request as sent
            assert " ".join(failure["response"]["body"].split()) in text         # and the answer
            assert f"HTTP {failure['response']['status']}" in text
            assert f"Replay: {failure['replay']}" in text
    assert text.index("Rules with failures: 2 fail") < text.index("All rules by area")


@needs_chromium
def test_the_page_has_a_row_for_every_rule_grouped_by_area_in_chromium(two_fault_run: dict[str, Any],
                                                                       dom: str) -> None:
    text = parse(dom).text
    section = text[text.index("All rules by area"):]
    positions = [section.index(f"{area} (") for area in AREAS if any(r.area == area for r in RULES.values())]
    assert positions == sorted(positions)
    for rule in two_fault_run["report"]["rules"]:
        label = {"fail": "FAIL", "pass": "PASS", "disputed": "DISPUTED", "untested": "UNTESTED",
                 "warn": "WARN"}[rule["status"]]
        assert f"{label} {rule['id']} {rule['severity']} {rule['cases']} {rule['failure_count']} " \
               f"{rule['statement']}" in section, rule["id"]


def test_no_secret_and_no_signature_reach_any_report_file_or_the_terminal(
        two_fault_run: dict[str, Any]) -> None:
    assert len(two_fault_run["signatures"]) > 100
    files = [p.read_text("utf-8") for p in two_fault_run["dir"].iterdir()]
    assert len(files) == 3
    for text in (*files, *map(html.unescape, files), two_fault_run["out"]):
        assert SECRET not in text
        assert not any(sig in text for sig in two_fault_run["signatures"])
    page = (two_fault_run["dir"] / "report.html").read_text("utf-8")
    assert f"Signature={MARKER}" in page     # the Authorization header is shown, redacted


@needs_chromium
def test_no_secret_and_no_signature_reach_the_rendered_dom(two_fault_run: dict[str, Any], dom: str) -> None:
    assert SECRET not in dom and not any(sig in dom for sig in two_fault_run["signatures"])
    assert f"Signature={MARKER}" in dom


@needs_chromium
def test_the_page_renders_to_a_screenshot_in_chromium(two_fault_run: dict[str, Any], tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = chromium("--window-size=1300,2000", f"--screenshot={shot}",
                    (two_fault_run["dir"] / "report.html").as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- the file itself (no browser needed) -----------------------------------------------------------

def test_the_page_is_self_contained_no_script_no_external_asset(two_fault_run: dict[str, Any]) -> None:
    markup = (two_fault_run["dir"] / "report.html").read_text("utf-8")
    page = parse(markup)
    tags = {tag for tag, _ in page.elements}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
    for tag, attrs in page.elements:
        for name in ("href", "src", "action"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    assert "style" in tags and "default-src 'none'" in markup


def test_run_prints_the_html_report_path_last(two_fault_run: dict[str, Any]) -> None:
    last = two_fault_run["out"].rstrip("\n").splitlines()[-1]
    assert last == f"html report: {two_fault_run['dir'] / 'report.html'}"


def hostile_result(body: bytes, secrets: Secrets | None = None) -> RunResult:
    """A run of one exchange with a hostile answer, recorded as the transport records it."""
    rule = "validation.SnapshotDescription.maxLength"
    case = Case(rule, "SnapshotDescription/maxLength+1",
                {"VolumeARN": VOLUME, "SnapshotDescription": "<b>bold</b>" + "x" * 250},
                allowed=RULES[rule].allowed, id="c0001")
    sent = SentRequest("POST", "http://127.0.0.1:9/", {"X-Amz-Target": "<i>t</i>"},
                       json.dumps(case.params).encode())
    board = scoreboard.Scoreboard()
    exchange = redacted(secrets or Secrets(), case, sent,
                        Response(200, {"x-evil": "<script>alert(2)</script>"}, body))
    board.record(exchange)
    from datetime import UTC, datetime
    return RunResult(endpoint="http://127.0.0.1:9/", embedded=False, faults=(), region="us-east-2",
                            volume_arn=VOLUME, profile="quick", seed=0, workers=1,
                            started_at=datetime(2024, 1, 2, tzinfo=UTC), duration_s=0.5, cases_generated=1,
                            requests_sent=1, scoreboard=board, exchanges=[exchange], exit_code=1)


def test_an_endpoints_markup_is_shown_as_text_never_interpreted(tmp_path: Path) -> None:
    body = b'{"SnapshotId":"snap-1a2b3c4d","VolumeARN":"x</pre><script>alert(1)</script><img src=http://e/>"}'
    paths = write_reports(hostile_result(body), tmp_path)
    page = paths["html"].read_text("utf-8")
    parsed = parse(page)
    assert not {tag for tag, _ in parsed.elements} & {"script", "img", "b", "i"}
    assert "<script>alert(1)</script>" in parsed.text and "<b>bold</b>" in parsed.text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_a_secret_with_markup_characters_echoed_by_the_endpoint_is_scrubbed_from_every_file(
        tmp_path: Path) -> None:
    secret = "PAGEsecret<&>'\"0123456789abcdefXYZ"
    body = json.dumps({"SnapshotId": secret, "VolumeARN": VOLUME, "Echo": secret}).encode()
    paths = write_reports(hostile_result(body, Secrets.of(secret)), tmp_path)
    assert sorted(paths) == ["html", "json", "junit"]
    once = json.dumps(secret)[1:-1]                 # as inside a JSON string
    twice = json.dumps(once)[1:-1]                  # a JSON body inside a JSON string
    for path in paths.values():
        text = path.read_text("utf-8")
        for shown in (text, html.unescape(text)):
            assert all(form not in shown for form in (secret, once, twice)), path.name
        assert MARKER in text, path.name


def test_a_passing_run_says_so_and_lists_no_failing_rule(tmp_path: Path) -> None:
    result = run_suite(RunConfig(profile="quick", report_dir=tmp_path))
    paths = write_reports(result, tmp_path)
    text = parse(paths["html"].read_text("utf-8")).text
    assert text.startswith("PASS CreateSnapshot conformance of")
    assert "Every MUST rule held." in text and "No rule failed." in text
