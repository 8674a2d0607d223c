"""Side-by-side benchmark (not a test): this suite's ``ci`` profile and schemathesis, on the
reference endpoint clean and with each of its faults.  Prints a table, asserts nothing.

    python bench/bench_vs_schemathesis.py [--faults NAME,...] [--max-examples N] [--seed N]

Needs the ``bench`` extra (schemathesis).  Every tool run gets a fresh ``ReferenceEndpoint``
(in this process, 127.0.0.1, port 0); both tools run as the subprocess a user would start, so
wall times include interpreter start-up for both.  Requests are counted at the endpoint (a WSGI
wrapper), so the probes a tool sends count too; a request refused before the WSGI application
(malformed HTTP) is not counted.

How schemathesis (4.32.x, the installed version) is driven, and why so
-----------------------------------------------------------------------
* CLI: ``st --config-file schemathesis.toml run openapi.json --url URL ...``.  The Python API
  (``schemathesis.openapi.from_dict`` + pytest's ``schema.parametrize``) is for pytest suites;
  the CLI is what a user points at an endpoint.  Hooks are a module named by the environment
  variable ``SCHEMATHESIS_HOOKS``, imported before the run: here, this very file, which then
  registers the two hooks below (``_register_schemathesis_hooks``).
* Media type: out of the box schemathesis has no serializer for ``application/x-amz-json-1.1``
  (``SerializationNotPossible``): ``schemathesis.serializer.alias(MEDIA, "application/json")``.
* SigV4: ``schemathesis.auth.set_from_requests(AWSRequestsAuth(...))``.  A ``requests`` auth
  object signs the *prepared* request, after serialization, so the payload hash covers the bytes
  sent; a ``map_headers`` / ``before_call`` hook runs before the body is serialized and could not.
  ``--generation-with-security-parameters false``: the signer alone writes Authorization.
* Checks assuming REST conventions are switched off: ``unsupported_method`` and
  ``allow_header_conformance`` (expect 405 + Allow; AWS JSON answers 404), ``ignored_auth``
  (expects 401/403; AWS JSON answers 400 MissingAuthenticationTokenException),
  ``use_after_free``, ``ensure_resource_availability``, ``object_level_authorization`` (REST
  resources and links; this API is one RPC operation).  Kept: ``not_a_server_error``,
  ``status_code_conformance``, ``content_type_conformance``, ``response_headers_conformance``,
  ``response_schema_conformance``, ``negative_data_rejection``, ``positive_data_acceptance``,
  ``missing_required_header``, with expected statuses set in ``schemathesis.toml`` for AWS:
  every error is 400 (API_CreateSnapshot.md > Errors), a valid request is 200.
* State: a valid request succeeds only on an existing volume.  A ``before_call`` hook replaces
  every well-formed generated VolumeARN (the document's own pattern and lengths) by the seeded
  volume's, in every phase and mode, so that a case reaches what it tests instead of being
  answered VolumeNotFound.  The config's ``[parameters] "body.VolumeARN"`` body override would be
  the obvious choice, but in this version it reaches only the fuzzing phase, not the coverage
  phase, and it would also overwrite ARNs a negative case broke on purpose.  Our suite is given
  the same ARN (``--volume-arn``).
* Response validation needs a deserializer for the media type too (else "Schema validation
  skipped ... missing deserializers"): ``@schemathesis.deserializer(MEDIA)`` -> ``json.loads``.
* Patterns: schemathesis reads ``pattern`` as ECMA-262 (Python ``re`` for generation after
  rewriting a closing ``$`` to ``\\Z``; jsonschema-rs for response validation).  The exported
  patterns are translated so both agree with Java (tests/test_openapi.py).
* Output: ``--output-sanitize true``; schemathesis's console output is written to a temporary
  directory and never printed (failure reproductions hold signed headers).
* Generation: defaults (phases examples, coverage, fuzzing, stateful; 100 examples per operation,
  ``--max-examples``), ``--seed`` fixed, one worker (as our suite's default).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEDIA = "application/x-amz-json-1.1"
HOOKS_ROLE = "SGW_BENCH_SCHEMATHESIS_HOOKS"     # set in schemathesis's environment only
ST_CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
             "response_headers_conformance", "response_schema_conformance", "negative_data_rejection",
             "positive_data_acceptance", "missing_required_header")
ST_EXPECTED_STATUSES = {"negative_data_rejection": ["400"], "missing_required_header": ["400"],
                        "positive_data_acceptance": ["200"]}
RUN_TIMEOUT_S = 600


def _register_schemathesis_hooks() -> None:
    """Run inside schemathesis (SCHEMATHESIS_HOOKS=bench_vs_schemathesis): media type, SigV4, volume."""
    import schemathesis
    from aws_requests_auth.aws_auth import AWSRequestsAuth

    schemathesis.serializer.alias(MEDIA, "application/json")

    @schemathesis.deserializer(MEDIA)
    def _json_1_1(ctx: Any, response: Any) -> Any:
        return json.loads(response.content)

    env = os.environ
    schemathesis.auth.set_from_requests(AWSRequestsAuth(  # type: ignore[attr-defined]
        aws_access_key=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        aws_host=env["SGW_BENCH_HOST"], aws_region=env["AWS_REGION"], aws_service="storagegateway"))
    volume_arn = os.environ["SGW_BENCH_VOLUME_ARN"]
    well_formed = _well_formed_arn()

    @schemathesis.hook
    def before_call(context: Any, case: Any, kwargs: Any) -> None:
        # A well-formed generated ARN names the existing volume instead, in every phase and mode,
        # so that what is under test is reached rather than answered VolumeNotFound.
        body = case.body
        arn = body.get("VolumeARN") if isinstance(body, dict) else None
        if isinstance(arn, str) and well_formed(arn):
            body["VolumeARN"] = volume_arn


def _well_formed_arn() -> Callable[[str], bool]:
    """The VolumeARN constraints of the exported document (its Python pattern and lengths)."""
    import re

    from conformance.spec.openapi import export_openapi

    prop = export_openapi()["components"]["schemas"]["CreateSnapshotRequest"]["properties"]["VolumeARN"]
    pattern = re.compile(prop["x-python-pattern"])
    return lambda arn: prop["minLength"] <= len(arn) <= prop["maxLength"] and bool(pattern.search(arn))


if os.environ.get(HOOKS_ROLE) == "1" and __name__ != "__main__":
    _register_schemathesis_hooks()


@dataclass
class ToolRun:
    """One tool on one endpoint."""

    exit_code: int
    requests: int
    wall_s: float
    detail: str = ""      # what the tool flagged (rules / checks), short

    @property
    def verdict(self) -> str:
        return {0: "pass", 1: "FAIL"}.get(self.exit_code, f"error({self.exit_code})")


class RequestCounter:
    """Counts the requests that reach the endpoint's WSGI application."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app, self.count, self._lock = app, 0, threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        with self._lock:
            self.count += 1
        return self.app(environ, start_response)


def counted(endpoint: Any) -> RequestCounter:
    server = endpoint._server             # werkzeug server of the in-process endpoint
    counter = RequestCounter(server.app)
    server.app = counter
    return counter


def _env(endpoint: Any) -> dict[str, str]:
    creds = endpoint.credentials
    return {**os.environ, "AWS_ACCESS_KEY_ID": creds.access_key, "AWS_SECRET_ACCESS_KEY": creds.secret_key,
            "AWS_REGION": endpoint.region, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")])}


def _timed(cmd: list[str], env: dict[str, str], log: Path) -> tuple[int, float]:
    t0 = time.perf_counter()
    with log.open("wb") as out:
        done = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=log.parent,
                              timeout=RUN_TIMEOUT_S, check=False)
    return done.returncode, time.perf_counter() - t0


def run_ours(endpoint: Any, work: Path, seed: int) -> ToolRun:
    reports = work / "ours"
    cmd = [sys.executable, "-m", "conformance.cli.main", "run", "--endpoint", endpoint.url,
           "--region", endpoint.region, "--volume-arn", endpoint.volume_arn, "--profile", "ci",
           "--seed", str(seed), "--report-dir", str(reports)]
    counter = counted(endpoint)
    code, wall = _timed(cmd, _env(endpoint), work / "ours.log")
    return ToolRun(code, counter.count, wall, ",".join(_failing_rules(reports / "report.json")))


def _failing_rules(report: Path) -> list[str]:
    """The rules our run failed (its report.json's ``failing_rules``)."""
    try:
        rules = json.loads(report.read_text("utf-8")).get("failing_rules", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [str(r) for r in rules]


def st_config() -> str:
    """schemathesis.toml: the statuses AWS's JSON protocol answers with."""
    lines = [f'[checks.{name}]\nexpected-statuses = {json.dumps(statuses)}\n'
             for name, statuses in ST_EXPECTED_STATUSES.items()]
    return "\n".join(lines)


@dataclass(frozen=True)
class Options:
    seed: int = 0
    max_examples: int = 100                 # schemathesis: examples per operation (its default)
    st_checks: tuple[str, ...] = ST_CHECKS


def run_schemathesis(endpoint: Any, work: Path, document: Path, opts: Options) -> ToolRun:
    config = work / "schemathesis.toml"
    config.write_text(st_config(), "utf-8")
    report = work / "st-report.json"
    cmd = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run", str(document),
           "--url", endpoint.url, "--checks", ",".join(opts.st_checks), "--seed", str(opts.seed),
           "--workers", "1", "--max-examples", str(opts.max_examples),
           "--generation-with-security-parameters", "false",
           "--output-sanitize", "true", "--no-color", "--report", "json", "--report-json-path", str(report)]
    env = {**_env(endpoint), "SCHEMATHESIS_HOOKS": "bench_vs_schemathesis", HOOKS_ROLE: "1",
           "SGW_BENCH_HOST": endpoint.url.split("://", 1)[1].rstrip("/"),
           "SGW_BENCH_VOLUME_ARN": endpoint.volume_arn}
    counter = counted(endpoint)
    code, wall = _timed(cmd, env, work / "st.log")
    return ToolRun(code, counter.count, wall, "; ".join(_st_failed_checks(report)))


def _st_failed_checks(report: Path) -> list[str]:
    """The failures and errors schemathesis reported (its JSON run report)."""
    try:
        data = json.loads(report.read_text("utf-8"))
        failures, errors = data.get("failures", []), data.get("errors", [])
    except (OSError, ValueError, AttributeError):
        return []
    found = {f"{f.get('code', '?')} {f.get('title', '')}".strip() for f in failures if isinstance(f, dict)}
    found |= {f"error: {e.get('title', '?')}" for e in errors if isinstance(e, dict)}
    return sorted(found)


# --- the comparison ---------------------------------------------------------------------------

@dataclass
class Row:
    endpoint: str          # "clean" or a fault name
    rule: str              # the rule the fault must fail ("" when clean)
    ours: ToolRun
    st: ToolRun


def measure(names: Iterable[str], opts: Options, log: Callable[[str], None],
            keep: Path | None = None) -> list[Row]:
    """Both tools on each endpoint; logs and reports go to ``keep`` (kept) or a temporary directory."""
    from conformance.endpoint import ReferenceEndpoint, faults
    from conformance.spec.openapi import write_openapi

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="sgw-bench-") as scratch:
        tmp = str(keep) if keep is not None else scratch
        document = Path(tmp) / "openapi.json"
        write_openapi(document)
        for name in names:
            fault = () if name == "clean" else (name,)
            runs: dict[str, ToolRun] = {}
            for tool in ("ours", "st"):
                work = Path(tmp) / name / tool
                work.mkdir(parents=True, exist_ok=True)
                with ReferenceEndpoint(faults=fault) as endpoint:
                    runs[tool] = (run_ours(endpoint, work, opts.seed) if tool == "ours"
                                  else run_schemathesis(endpoint, work, document, opts))
            rule = "" if name == "clean" else faults.FAULTS[name].rule
            rows.append(Row(name, rule, runs["ours"], runs["st"]))
            log(f"  {name}: ours {runs['ours'].verdict}, schemathesis {runs['st'].verdict}")
    return rows


def _caught(run: ToolRun) -> bool:
    return run.exit_code == 1


def _rule_hit(row: Row) -> str:
    """Whether our run failed the very rule the fault must break ('-' on the clean endpoint)."""
    return "-" if not row.rule else ("yes" if row.rule in row.ours.detail.split(",") else "no")


def table(rows: list[Row]) -> str:
    cols = f"{'verdict':>8} {'requests':>9} {'wall s':>7}"
    head = (f"{'endpoint':30} {'sgw-conformance (ci)':>26} {'':4}   {'schemathesis':>26}   "
            "schemathesis flagged")
    sub = f"{'':30} {cols} {'rule':>4}   {cols}"
    lines = [head, sub, "-" * (len(sub) + 22)]
    for r in rows:
        lines.append(f"{r.endpoint:30} {r.ours.verdict:>8} {r.ours.requests:>9} {r.ours.wall_s:>7.1f} "
                     f"{_rule_hit(r):>4}   {r.st.verdict:>8} {r.st.requests:>9} {r.st.wall_s:>7.1f}   "
                     f"{r.st.detail or '-'}")
    lines.append("rule: whether sgw-conformance failed the rule the fault must break (faults.py)")
    return "\n".join(lines)


def totals(rows: list[Row]) -> str:
    faulty = [r for r in rows if r.endpoint != "clean"]
    clean = [r for r in rows if r.endpoint == "clean"]
    out = []
    for label, pick in (("sgw-conformance (ci)", lambda r: r.ours), ("schemathesis", lambda r: r.st)):
        runs = [pick(r) for r in rows]
        caught = sum(_caught(pick(r)) for r in faulty)
        alarms = sum(pick(r).exit_code != 0 for r in clean)
        reqs, wall = sum(x.requests for x in runs), sum(x.wall_s for x in runs)
        rate = reqs / wall if wall else 0.0
        out.append(f"{label:22} faults caught {caught}/{len(faulty)}; false alarms on clean "
                   f"{alarms}/{len(clean)}; {reqs} requests in {wall:.1f} s = {rate:.0f} req/s "
                   "(wall, start-up included)")
    for r in clean:
        if r.ours.exit_code == 1:
            out.append(f"sgw-conformance false alarm on clean: {r.ours.detail}")
    return "\n".join(out)


def main() -> int:
    from conformance.endpoint import faults

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faults", help="comma-separated fault names (default: every fault)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-examples", type=int, default=100, help="schemathesis examples per operation")
    parser.add_argument("--st-checks", default=",".join(ST_CHECKS),
                        help="schemathesis checks (default: those that do not assume REST conventions)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep each run's logs and reports under DIR (they hold signed requests)")
    args = parser.parse_args()
    chosen = args.faults.split(",") if args.faults else list(faults.FAULTS)
    unknown = [n for n in chosen if n not in faults.FAULTS]
    if unknown:
        parser.error(f"unknown fault(s): {', '.join(unknown)}")
    try:
        import schemathesis
    except ImportError:
        print("schemathesis is not installed: pip install 'sgw-conformance[bench]'", file=sys.stderr)
        return 2
    print(f"schemathesis {schemathesis.__version__}; endpoints: clean + {len(chosen)} fault(s); "
          f"seed {args.seed}; schemathesis checks: {args.st_checks}", file=sys.stderr)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    opts = Options(args.seed, args.max_examples, tuple(args.st_checks.split(",")))
    rows = measure(["clean", *chosen], opts, lambda s: print(s, file=sys.stderr),
                   args.keep)
    print(table(rows))
    print()
    print(totals(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
