"""Benchmark of the suite (not a test): prints figures, asserts nothing.

1. Wall time of ``sgw-conformance run`` with the ``ci`` profile against the embedded
   reference endpoint (target: under 10 s on a 2-core machine), generation included.
2. Requests per second of the suite's send-and-check loop against a plain loop that sends
   pre-signed CreateSnapshot requests over one keep-alive ``requests.Session``, printed as a
   ratio (aim: at least 0.5).

Both measurements use the same endpoint set-up: the reference endpoint **in-process**
(``ReferenceEndpoint``, werkzeug's threaded server in a daemon thread of this process), so
client and server share this process (and its GIL) in both.

    python bench/bench_suite.py [--repeat N] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from conformance.embedded import run_suite
from conformance.endpoint import ReferenceEndpoint  # noqa: E402
from conformance.protocol import credentials, envelope, sigv4
from conformance.suite import engine
from conformance.suite.config import RunConfig
from conformance.suite.model import Exchange  # noqa: E402
from conformance.suite.results import RunResult


def suite_run(endpoint: ReferenceEndpoint | None, workers: int) -> RunResult:
    engine._generate.cache_clear()       # count case generation every time
    config = RunConfig(profile="ci", seed=0, workers=workers)
    if endpoint is not None:
        config.endpoint, config.credentials = endpoint.url, endpoint.credentials
    return run_suite(config)


Prepared = list[tuple[str, bytes, dict[str, str]]]


def presign_valid(endpoint: ReferenceEndpoint, n: int) -> Prepared:
    """n valid CreateSnapshot requests, signed in advance."""
    out = []
    for i in range(n):
        body = json.dumps({"VolumeARN": endpoint.volume_arn, "SnapshotDescription": f"bench {i}"}).encode()
        out.append(("POST", body, endpoint.signed_headers(body)))
    return out


def presign_same(endpoint: ReferenceEndpoint, exchanges: list[Exchange]) -> Prepared:
    """The suite's own requests (method, target, content type, body), correctly signed in advance."""
    host = urlsplit(endpoint.url).netloc
    creds = endpoint.credentials
    out = []
    for ex in exchanges:
        case, body = ex.case, ex.request.body
        headers = {}
        if case.content_type:
            headers["Content-Type"] = case.content_type
        if case.target:
            headers["X-Amz-Target"] = case.target
        headers.update(sigv4.sign(case.method, "/", host, body, access_key=creds.access_key,
                                  secret=creds.secret_key, region=endpoint.region, service=envelope.SERVICE))
        out.append((case.method, body, headers))
    return out


def plain_loop(url: str, prepared: Prepared) -> float:
    """Requests per second of pre-signed requests sent in a loop over one keep-alive session."""
    with requests.Session() as session:
        method, body, headers = prepared[0]
        session.request(method, url, data=body, headers=headers).close()   # open the connection
        t0 = time.perf_counter()
        for method, body, headers in prepared:
            resp = session.request(method, url, data=body, headers=headers)
            resp.content  # noqa: B018 - read the whole answer
        return len(prepared) / (time.perf_counter() - t0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    walls, suite_rps, suite_rps_all, same_rps, valid_rps = [], [], [], [], []
    sent = 0
    for _ in range(args.repeat):
        result = suite_run(None, args.workers)               # `run` as a user runs it: embedded endpoint
        assert result.exit_code == 0, result.scoreboard.failing_rules()
        walls.append(result.duration_s)
        with ReferenceEndpoint(credentials=credentials.EXAMPLE_CREDENTIALS) as endpoint:
            result = suite_run(endpoint, args.workers)       # the same endpoint for both loops
            sent = result.requests_sent
            suite_rps.append(sent / result.send_duration_s)
            suite_rps_all.append(sent / result.duration_s)
            same_rps.append(plain_loop(endpoint.url, presign_same(endpoint, result.exchanges)))
            valid_rps.append(plain_loop(endpoint.url, presign_valid(endpoint, sent)))

    med = statistics.median
    print("endpoint: ReferenceEndpoint in-process (werkzeug threaded server, daemon thread), both loops")
    print(f"ci profile, embedded endpoint: {med(walls):.2f} s wall (median of {args.repeat}; "
          f"min {min(walls):.2f}, max {max(walls):.2f}); target < 10 s; {sent} requests, "
          f"workers={args.workers}")
    print(f"suite send+check loop: {med(suite_rps):.0f} req/s "
          f"({med(suite_rps_all):.0f} req/s counting case generation)")
    print(f"plain pre-signed loop, one keep-alive requests.Session, the suite's own requests: "
          f"{med(same_rps):.0f} req/s")
    print(f"plain pre-signed loop, valid CreateSnapshot requests only: {med(valid_rps):.0f} req/s")
    print(f"ratio suite/plain (same requests): {med(suite_rps) / med(same_rps):.2f} "
          f"(with generation: {med(suite_rps_all) / med(same_rps):.2f}); aim >= 0.5")
    print(f"ratio suite/plain (valid requests): {med(suite_rps) / med(valid_rps):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
