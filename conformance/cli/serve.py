"""``sgw-conformance serve``: the reference endpoint as a local service (README.md > A local Storage Gateway).

Starts a :class:`~conformance.endpoint.ReferenceEndpoint` on :data:`DEFAULT_PORT` (or the port
asked for) with the faults, variants, volumes, state file and key pairs asked for, prints a
banner (URL, region, volumes, and the credentials to use as ``export`` lines: the documented
example pair in full; a secret you chose is named by where it came from, never printed), logs
one line per request on stderr (``--quiet`` silences them), and serves until Ctrl-C or SIGTERM.
``--reset`` empties a ``--state`` file first.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable, Iterator

from conformance.endpoint.faults import FaultSet
from conformance.endpoint.service import ReferenceEndpoint
from conformance.endpoint.validation import RequestValidator
from conformance.endpoint.variants import VariantSet
from conformance.errors import UsageError
from conformance.protocol.credentials import EXAMPLE_CREDENTIALS, Credentials

_REGION = re.compile(r"^[a-z0-9-]+$")
# A fixed port, so that a client's configuration survives a restart: not LocalStack's 4566, not
# moto's 5000, nothing of the IANA registry's well-known services.
DEFAULT_PORT = 8465
REQUEST_LOGGER = "conformance.endpoint.requests"


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of `serve`."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port (default {DEFAULT_PORT}; 0: any free port)")
    parser.add_argument("--region", help="region of the endpoint (default us-east-2, or the partition "
                                         "variant's)")
    parser.add_argument("--state", metavar="FILE", help="SQLite file keeping the state across restarts "
                                                        "(default: in memory, reset by a restart)")
    parser.add_argument("--reset", action="store_true", help="empty the --state file before serving "
                                                             "(its snapshots and added volumes)")
    parser.add_argument("--quiet", action="store_true", help="no log line per request")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME",
                        help="inject a named fault (repeatable; see --list-faults)")
    parser.add_argument("--list-faults", action="store_true", help="list the injectable faults and exit")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME",
                        help="answer in a conformant way other than the default (repeatable; see "
                             "--list-variants)")
    parser.add_argument("--list-variants", action="store_true", help="list the conformant variants and exit")
    parser.add_argument("--volume", action="append", default=[], metavar="ARN",
                        help="add a volume (and its gateway) besides the seeded one (repeatable)")
    parser.add_argument("--access-key", help="access key id to accept (env SGW_ACCESS_KEY_ID; "
                                             "default the documented example AKIDEXAMPLE)")
    parser.add_argument("--secret-key", help="its secret (env SGW_SECRET_ACCESS_KEY, preferred: "
                                             "a flag is visible to other local users)")
    parser.add_argument("--key-pair", action="append", default=[], metavar="ACCESS_KEY:SECRET",
                        help="another key pair to accept (repeatable; env SGW_KEY_PAIRS, comma-separated)")


def _credentials(args: argparse.Namespace) -> list[tuple[Credentials, str]]:
    """The key pairs to accept, each with where its secret came from (never the secret itself)."""
    pairs: list[tuple[Credentials, str]] = []
    access = args.access_key or os.environ.get("SGW_ACCESS_KEY_ID")
    secret, origin = args.secret_key, "--secret-key"
    if secret is None and os.environ.get("SGW_SECRET_ACCESS_KEY"):
        secret, origin = os.environ["SGW_SECRET_ACCESS_KEY"], "$SGW_SECRET_ACCESS_KEY"
    if access is not None or secret is not None:
        if not access or not secret:
            raise UsageError("give both an access key id and a secret key (flags or SGW_ACCESS_KEY_ID / "
                             "SGW_SECRET_ACCESS_KEY), or neither for the documented example pair")
        pairs.append((Credentials(access, secret), origin))
    listed = [(item, "--key-pair") for item in args.key_pair]
    listed += [(item.strip(), "SGW_KEY_PAIRS") for item in os.environ.get("SGW_KEY_PAIRS", "").split(",")
               if item.strip()]
    for item, where in listed:
        key, colon, value = item.partition(":")
        if not (key and colon and value):
            raise UsageError(f"{where} takes ACCESS_KEY:SECRET pairs, not {key or item!r}:...")
        pairs.append((Credentials(key, value), where))
    return pairs or [(EXAMPLE_CREDENTIALS, "example")]


def export_line(pair: Credentials, origin: str, region: str) -> str:
    """The shell line that points a client at the endpoint with ``pair``.  The documented example
    secret is printed; any other is named by where it came from ($VAR in a shell reads it)."""
    if origin == "example":
        secret = pair.secret_key
    elif origin.startswith("$"):
        secret = f'"{origin}"'
    else:
        secret = "'<the-secret-given-with-" + origin.lstrip("-") + ">'"
    return (f"export AWS_ACCESS_KEY_ID={pair.access_key} AWS_SECRET_ACCESS_KEY={secret} "
            f"AWS_DEFAULT_REGION={region}")


def _check_volumes(arns: Iterable[str], variants: VariantSet | None = None) -> list[str]:
    validator = RequestValidator(variants=variants)
    for arn in arns:
        problems = validator.violations({"VolumeARN": arn, "SnapshotDescription": "x"})
        if problems:
            raise UsageError(f"--volume {arn!r} is not a valid volume ARN: {problems[0].constraint}")
    return list(arns)


def _banner(endpoint: ReferenceEndpoint, pairs: list[tuple[Credentials, str]]) -> Iterator[str]:
    yield "sgw-conformance reference endpoint (Storage Gateway CreateSnapshot, ListVolumes)"
    yield f"  url:        {endpoint.url}"
    yield f"  region:     {endpoint.region}"
    for arn in endpoint.volume_arns:
        yield f"  volume:     {arn}"
    example = pairs[0][1] == "example"
    yield f"  credentials: {'the documented example pair' if example else 'the key pairs given'}:"
    for pair, origin in pairs:
        yield f"    {export_line(pair, origin, endpoint.region)}"
    yield f"  state:      {endpoint.state or 'in memory (a restart resets it)'}"
    yield f"  variants:   {', '.join(sorted(endpoint.variants.names)) or 'none'}"
    yield f"  faults:     {', '.join(sorted(endpoint.faults.names)) or 'none'}"
    yield f"Try: aws storagegateway list-volumes --endpoint-url {endpoint.url}"
    yield "One line per request on stderr (--quiet: none). Ctrl-C or SIGTERM stops it."


def command(args: argparse.Namespace) -> int:
    """List the faults or variants, or serve until Ctrl-C or SIGTERM."""
    if args.list_faults:
        print(FaultSet.listing())
        return 0
    if args.list_variants:
        print(VariantSet.listing())
        return 0
    endpoint, pairs = _endpoint(args)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    undo_log = _request_log(quiet=args.quiet)
    stop = threading.Event()   # handlers first: a signal arriving right after the banner still stops us
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        _serve_until(endpoint, pairs, stop, reset=args.reset)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        undo_log()
    return 0


def _request_log(quiet: bool) -> Callable[[], None]:
    """One line per request on stderr (``HH:MM:SS method operation status error-type time``);
    returns what puts the logger back as it was."""
    log = logging.getLogger(REQUEST_LOGGER)
    before = log.level, log.propagate
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log.propagate = False
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    if not quiet:
        log.addHandler(handler)

    def undo() -> None:
        log.removeHandler(handler)
        log.setLevel(before[0])
        log.propagate = before[1]
    return undo


def _endpoint(args: argparse.Namespace) -> tuple[ReferenceEndpoint, list[tuple[Credentials, str]]]:
    """The endpoint the arguments ask for (not started), and its key pairs with their origins."""
    faults, variants = FaultSet(args.fault), VariantSet(args.variant)
    if args.region is not None and not _REGION.match(args.region):
        raise UsageError(f"--region {args.region!r} is not a region name")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be 0 (any free port) to 65535, not {args.port}")
    if args.reset and not args.state:
        raise UsageError("--reset empties a --state file; the default in-memory state starts empty")
    pairs = _credentials(args)
    endpoint = ReferenceEndpoint(args.host, args.port, args.region, faults.names, args.state,
                                 [pair for pair, _ in pairs], _check_volumes(args.volume, variants),
                                 variants.names)
    return endpoint, pairs


def _serve_until(endpoint: ReferenceEndpoint, pairs: list[tuple[Credentials, str]], stop: threading.Event,
                 reset: bool = False) -> None:
    try:
        endpoint.start()
        if reset:
            endpoint.reset()
    except OSError as exc:
        raise UsageError(f"cannot serve on {endpoint.host}:{endpoint.port}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:   # a state file that cannot be used
        raise UsageError(f"cannot open the state {endpoint.state!r}: {exc}") from None
    print("\n".join(_banner(endpoint, pairs)), flush=True)
    while not stop.wait(0.5):
        pass
    endpoint.stop()
    print("stopped", flush=True)


if __name__ == "__main__":  # python -m conformance.cli.serve: the same as `sgw-conformance serve`
    _parser = argparse.ArgumentParser(prog="sgw-conformance serve")
    configure(_parser)
    sys.exit(command(_parser.parse_args()))
