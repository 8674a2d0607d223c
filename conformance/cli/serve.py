"""``sgw-conformance serve``: the reference endpoint in the foreground (usage: README.md > Using it).

Starts a :class:`~conformance.endpoint.ReferenceEndpoint` with the faults, variants, volumes,
state file and key pair asked for, prints a banner (never the secret), and serves until
Ctrl-C or SIGTERM.
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
from collections.abc import Iterable, Iterator

from conformance.endpoint.faults import FaultSet
from conformance.endpoint.service import ReferenceEndpoint
from conformance.endpoint.validation import RequestValidator
from conformance.endpoint.variants import VariantSet
from conformance.errors import UsageError
from conformance.protocol.credentials import EXAMPLE_CREDENTIALS, Credentials

_REGION = re.compile(r"^[a-z0-9-]+$")


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of `serve`."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    parser.add_argument("--region", help="region of the endpoint (default us-east-2, or the partition "
                                         "variant's)")
    parser.add_argument("--state", metavar="FILE", help="SQLite file keeping the state across restarts "
                                                        "(default: in memory)")
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


def _credentials(args: argparse.Namespace) -> tuple[Credentials, str]:
    """The key pair in use, and where the secret came from (never the secret itself)."""
    access = args.access_key or os.environ.get("SGW_ACCESS_KEY_ID")
    secret, origin = args.secret_key, "--secret-key"
    if secret is None and os.environ.get("SGW_SECRET_ACCESS_KEY"):
        secret, origin = os.environ["SGW_SECRET_ACCESS_KEY"], "SGW_SECRET_ACCESS_KEY"
    if access is None and secret is None:
        return EXAMPLE_CREDENTIALS, "the documented example secret"
    if not access or not secret:
        raise UsageError("give both an access key id and a secret key (flags or SGW_ACCESS_KEY_ID / "
                         "SGW_SECRET_ACCESS_KEY), or neither for the documented example pair")
    return Credentials(access, secret), f"from {origin}"


def _check_volumes(arns: Iterable[str], variants: VariantSet | None = None) -> list[str]:
    validator = RequestValidator(variants=variants)
    for arn in arns:
        problems = validator.violations({"VolumeARN": arn, "SnapshotDescription": "x"})
        if problems:
            raise UsageError(f"--volume {arn!r} is not a valid volume ARN: {problems[0].constraint}")
    return list(arns)


def _banner(endpoint: ReferenceEndpoint, secret_origin: str) -> Iterator[str]:
    yield "sgw-conformance reference endpoint (Storage Gateway CreateSnapshot, ListVolumes)"
    yield f"  url:        {endpoint.url}"
    yield f"  region:     {endpoint.region}"
    yield f"  access key: {endpoint.credentials.access_key}"
    yield f"  secret key: {secret_origin} (not shown)"
    for arn in endpoint.volume_arns:
        yield f"  volume:     {arn}"
    yield f"  state:      {endpoint.state or 'in memory'}"
    yield f"  variants:   {', '.join(sorted(endpoint.variants.names)) or 'none'}"
    yield f"  faults:     {', '.join(sorted(endpoint.faults.names)) or 'none'}"
    yield "Ctrl-C or SIGTERM stops it."


def command(args: argparse.Namespace) -> int:
    """List the faults or variants, or serve until Ctrl-C or SIGTERM."""
    if args.list_faults:
        print(FaultSet.listing())
        return 0
    if args.list_variants:
        print(VariantSet.listing())
        return 0
    endpoint, secret_origin = _endpoint(args)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stop = threading.Event()   # handlers first: a signal arriving right after the banner still stops us
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        _serve_until(endpoint, secret_origin, stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def _endpoint(args: argparse.Namespace) -> tuple[ReferenceEndpoint, str]:
    """The endpoint the arguments ask for (not started), and where its secret came from."""
    faults, variants = FaultSet(args.fault), VariantSet(args.variant)
    if args.region is not None and not _REGION.match(args.region):
        raise UsageError(f"--region {args.region!r} is not a region name")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be 0 (any free port) to 65535, not {args.port}")
    key_pair, secret_origin = _credentials(args)
    endpoint = ReferenceEndpoint(args.host, args.port, args.region, faults.names, args.state,
                                 key_pair, _check_volumes(args.volume, variants), variants.names)
    return endpoint, secret_origin


def _serve_until(endpoint: ReferenceEndpoint, secret_origin: str, stop: threading.Event) -> None:
    try:
        endpoint.start()
    except OSError as exc:
        raise UsageError(f"cannot serve on {endpoint.host}:{endpoint.port}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:   # a state file that cannot be used
        raise UsageError(f"cannot open the state {endpoint.state!r}: {exc}") from None
    print("\n".join(_banner(endpoint, secret_origin)), flush=True)
    while not stop.wait(0.5):
        pass
    endpoint.stop()
    print("stopped", flush=True)


if __name__ == "__main__":  # python -m conformance.cli.serve: the same as `sgw-conformance serve`
    _parser = argparse.ArgumentParser(prog="sgw-conformance serve")
    configure(_parser)
    sys.exit(command(_parser.parse_args()))
