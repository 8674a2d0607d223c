"""Benchmark of the suite (not a test): prints figures, asserts nothing.

1. Wall time of ``sgw-conformance run`` with the ``ci`` profile against the embedded reference
   endpoint, generation included (no case cache).
2. Requests per second of a whole run against a plain loop that sends the same requests,
   pre-signed, over one keep-alive ``requests.Session`` to the same endpoint, printed as ratios:
   sending and checking only; counting case generation (cold: the case cache off); counting the
   case cache's load instead (warm: :mod:`conformance.suite.cases.cache`).  Measured at an
   independent endpoint (``sgw-conformance serve`` in its own process) and at an in-process one
   (which shares this process's GIL with the suite, and so slows both loops alike).

    python bench/bench_suite.py [--repeat N] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from bench_emulator import endpoint_in_subprocess  # noqa: E402  (bench/ is on sys.path)

from conformance.embedded import run_suite
from conformance.endpoint import ReferenceEndpoint  # noqa: E402
from conformance.protocol import credentials, envelope, sigv4
from conformance.suite import engine
from conformance.suite.cases import cache
from conformance.suite.config import RunConfig
from conformance.suite.model import Exchange  # noqa: E402
from conformance.suite.results import RunResult


def suite_run(url: str | None, workers: int) -> RunResult:
    engine._generate.cache_clear()       # count case generation (or the case cache's load) every time
    config = RunConfig(profile="ci", seed=0, workers=workers)
    if url is not None:
        config.endpoint, config.credentials = url, credentials.EXAMPLE_CREDENTIALS
    return run_suite(config)


Prepared = list[tuple[str, bytes, dict[str, str]]]


def presign_same(url: str, region: str, exchanges: list[Exchange]) -> Prepared:
    """The suite's own requests (method, target, content type, body), correctly signed in advance."""
    host = urlsplit(url).netloc
    creds = credentials.EXAMPLE_CREDENTIALS
    out = []
    for ex in exchanges:
        case, body = ex.case, ex.request.body
        headers = {}
        if case.content_type:
            headers["Content-Type"] = case.content_type
        if case.target:
            headers["X-Amz-Target"] = case.target
        headers.update(sigv4.sign(case.method, "/", host, body, access_key=creds.access_key,
                                  secret=creds.secret_key, region=region, service=envelope.SERVICE))
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


def measure(url: str, region: str, workers: int, repeat: int) -> dict[str, float]:
    """Median requests per second of the suite (sending only; counting generation, cold and with
    the case cache warm) and of the plain pre-signed loop of the same requests, at one endpoint."""
    figures: dict[str, list[float]] = {"send": [], "cold": [], "warm": [], "plain": []}
    with tempfile.TemporaryDirectory() as cache_dir:
        for _ in range(repeat):
            os.environ[cache.ENV] = "off"
            cold = suite_run(url, workers)
            os.environ[cache.ENV] = cache_dir          # the first warm run fills it, the rest load it
            suite_run(url, workers)
            warm = suite_run(url, workers)
            sent = cold.requests_sent
            figures["send"].append(sent / cold.send_duration_s)
            figures["cold"].append(sent / cold.duration_s)
            figures["warm"].append(warm.requests_sent / warm.duration_s)
            figures["plain"].append(plain_loop(url, presign_same(url, region, cold.exchanges)))
    os.environ.pop(cache.ENV, None)
    return {name: statistics.median(values) for name, values in figures.items()} | {"sent": sent}


def report(where: str, f: dict[str, float]) -> None:
    print(f"{where}: {f['sent']:.0f} requests; plain pre-signed loop {f['plain']:.0f} req/s; suite "
          f"{f['send']:.0f} req/s sending and checking, {f['cold']:.0f} counting generation, "
          f"{f['warm']:.0f} counting the cached cases' load")
    print(f"  ratio suite/plain: {f['send'] / f['plain']:.2f} without generation, "
          f"{f['cold'] / f['plain']:.2f} counting generation (cold), "
          f"{f['warm'] / f['plain']:.2f} counting generation (case cache warm); aim >= 0.6")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    os.environ[cache.ENV] = "off"
    walls = [suite_run(None, args.workers).duration_s for _ in range(args.repeat)]
    print(f"ci profile, embedded endpoint, no case cache: {statistics.median(walls):.2f} s wall "
          f"(median of {args.repeat}; min {min(walls):.2f}, max {max(walls):.2f}); target < 2 s")
    with endpoint_in_subprocess("us-east-2") as url:     # `serve` in its own process: no shared GIL
        report("independent endpoint (sgw-conformance serve, its own process)",
               measure(url, "us-east-2", args.workers, args.repeat))
    with ReferenceEndpoint(credentials=credentials.EXAMPLE_CREDENTIALS) as endpoint:
        report("in-process endpoint (ReferenceEndpoint, sharing this process's GIL)",
               measure(endpoint.url, endpoint.region, args.workers, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
