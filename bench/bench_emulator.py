"""Benchmark of the reference endpoint: requests per second for keep-alive clients (not a test).

    python bench/bench_emulator.py                       # against the plain endpoint: the ratio
    python bench/bench_emulator.py --clients 4           # the same with 4 keep-alive clients
    python bench/bench_emulator.py --alone               # in-process endpoint alone, 1 client
    python bench/bench_emulator.py --subprocess          # endpoint alone in its own process
    python bench/bench_emulator.py --url http://127.0.0.1:8080/   # an endpoint already running

The default compares the reference endpoint (``serve --quiet`` in its own process) with
``bench/plain_endpoint.py``, a plain ``ThreadingHTTPServer`` endpoint answering the same signed
requests, in alternating rounds, and prints the ratio of their requests per second.

Requests are signed before the clock starts (one pre-signed request per send), so the figure
is the endpoint's and the HTTP client's, not the signer's.  Operations: ``create``
(CreateSnapshot on the seeded volume), ``list`` (ListVolumes), ``invalid`` (a 256-character
description: ValidationException).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conformance.endpoint import ReferenceEndpoint  # noqa: E402
from conformance.endpoint.store import seeded_volume_arn  # noqa: E402
from conformance.protocol import credentials, envelope, sigv4

Prepared = tuple[bytes, dict[str, str]]
CLIENT = "http.client"      # or "requests" (--client)


def bodies(operation: str, volume_arn: str, n: int) -> Iterator[tuple[str, bytes]]:
    for i in range(n):
        if operation == "list":
            yield envelope.LIST_VOLUMES_TARGET, b"{}"
        else:
            description = "d" * 256 if operation == "invalid" else f"bench #{i}"
            params = {"VolumeARN": volume_arn, "SnapshotDescription": description}
            yield envelope.CREATE_SNAPSHOT_TARGET, json.dumps(params).encode()


def prepare(url: str, region: str, operation: str, n: int) -> list[Prepared]:
    host = url.split("://", 1)[1].rstrip("/")
    creds = credentials.EXAMPLE_CREDENTIALS
    out = []
    for target, body in bodies(operation, seeded_volume_arn(region), n):
        headers = {"Content-Type": envelope.JSON_CONTENT_TYPE, "X-Amz-Target": target,
                   **sigv4.sign("POST", "/", host, body, access_key=creds.access_key, secret=creds.secret_key,
                                region=region, service=envelope.SERVICE)}
        out.append((body, headers))
    return out


def run_client(url: str, work: list[Prepared], latencies: list[float], failures: list[int]) -> None:
    """One keep-alive client: the standard library's http.client (``CLIENT = "requests"``: a
    requests session, whose own work per request is four times the endpoint's)."""
    if CLIENT == "requests":
        return run_requests_client(url, work, latencies, failures)
    host, _, port = url.split("://", 1)[1].rstrip("/").rpartition(":")
    connection = http.client.HTTPConnection(host.strip("[]"), int(port), timeout=30)
    try:
        for body, headers in work:
            start = time.perf_counter()
            connection.request("POST", "/", body=body, headers=headers)
            answer = connection.getresponse()
            answer.read()
            latencies.append(time.perf_counter() - start)
            if answer.status >= 500 or answer.getheader("x-amzn-RequestId") is None:
                failures.append(answer.status)
    finally:
        connection.close()


def run_requests_client(url: str, work: list[Prepared], latencies: list[float], failures: list[int]) -> None:
    with requests.Session() as session:
        for body, headers in work:
            start = time.perf_counter()
            answer = session.post(url, data=body, headers=headers, timeout=30)
            latencies.append(time.perf_counter() - start)
            if answer.status_code >= 500 or "x-amzn-RequestId" not in answer.headers:
                failures.append(answer.status_code)


def measure(url: str, prepared: list[Prepared], clients: int) -> tuple[float, list[float], list[int]]:
    shares = [prepared[i::clients] for i in range(clients)]
    latencies: list[float] = []
    failures: list[int] = []
    threads = [threading.Thread(target=run_client, args=(url, share, latencies, failures))
               for share in shares]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, latencies, failures


@contextmanager
def endpoint_in_subprocess(region: str, command: list[str] | None = None) -> Iterator[str]:
    """``serve --quiet`` (or ``command``) in its own process; yields the URL its banner prints."""
    repo = Path(__file__).resolve().parent.parent
    command = command or ["-m", "conformance.cli.serve", "--port", "0", "--quiet"]
    process = subprocess.Popen([sys.executable, *command, "--region", region], cwd=repo,
                               stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(repo)})
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in iter(process.stdout.readline, "")],  # type: ignore
                     daemon=True).start()
    try:
        while not (line := lines.get(timeout=20).strip()).startswith("url:"):
            pass
        yield line.split(None, 1)[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def target(args: argparse.Namespace) -> Iterator[str]:
    if args.url:
        yield args.url
    elif args.subprocess:
        with endpoint_in_subprocess(args.region) as url:
            yield url
    else:
        with ReferenceEndpoint(region=args.region) as endpoint:
            yield endpoint.url


PLAIN = ["bench/plain_endpoint.py", "--port", "0"]


def compare(args: argparse.Namespace) -> int:
    """The reference endpoint (``serve --quiet``) against the plain one, each in its own process,
    in alternating rounds (a busy machine slows both alike); the median of the rounds' ratios."""
    rounds, per_round = args.rounds, max(1, args.requests // args.rounds)
    rates: dict[str, list[float]] = {"reference": [], "plain": []}
    with endpoint_in_subprocess(args.region) as ref_url, \
            endpoint_in_subprocess(args.region, PLAIN) as plain_url:
        urls = {"reference": ref_url, "plain": plain_url}
        for url in urls.values():
            measure(url, prepare(url, args.region, args.operation, 100), args.clients)   # warm-up
        for _ in range(rounds):
            for name, url in urls.items():
                work = prepare(url, args.region, args.operation, per_round)
                elapsed, _, failures = measure(url, work, args.clients)
                if failures and name == "reference":
                    print(f"reference: {len(failures)} answers 5xx or without a request id")
                    return 1
                rates[name].append(len(work) / elapsed)
    ratios = sorted(r / p for r, p in zip(rates["reference"], rates["plain"], strict=True))
    print(f"{args.operation}: {rounds} rounds of {per_round} requests, {args.clients} keep-alive client(s), "
          f"each endpoint in its own process")
    for name, values in rates.items():
        print(f"  {name:9} {statistics.median(values):8.0f} req/s (median of rounds)")
    print(f"  ratio reference/plain: {statistics.median(ratios):.2f} "
          f"(rounds {ratios[0]:.2f} to {ratios[-1]:.2f})")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--operation", choices=("create", "list", "invalid"), default="create")
    parser.add_argument("--region", default="us-east-2")
    parser.add_argument("--url", help="an endpoint already running (default: start one in-process)")
    parser.add_argument("--subprocess", action="store_true", help="start the endpoint in its own process")
    parser.add_argument("--alone", action="store_true",
                        help="measure the reference endpoint alone (default: against the plain endpoint)")
    parser.add_argument("--rounds", type=int, default=8, help="alternating rounds of the comparison")
    parser.add_argument("--client", choices=("http.client", "requests"), default="http.client",
                        help="the keep-alive client (default: http.client, the leanest: the figure is "
                             "most the endpoints')")
    args = parser.parse_args()
    global CLIENT
    CLIENT = args.client
    if not (args.alone or args.url or args.subprocess):
        return compare(args)
    with target(args) as url:
        prepared = prepare(url, args.region, args.operation, args.requests)
        measure(url, prepare(url, args.region, args.operation, 50), 1)   # warm-up
        elapsed, latencies, failures = measure(url, prepared, args.clients)
    where = "external" if args.url else "subprocess" if args.subprocess else "in-process"
    ms = sorted(x * 1000 for x in latencies)
    print(f"{args.operation}: {len(prepared)} requests, {args.clients} keep-alive client(s), "
          f"{where} endpoint")
    print(f"  {len(prepared) / elapsed:8.0f} req/s   p50 {statistics.median(ms):.2f} ms   "
          f"p99 {ms[int(len(ms) * 0.99) - 1]:.2f} ms   5xx/unanswered: {len(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
