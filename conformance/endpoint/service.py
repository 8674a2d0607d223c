"""The reference endpoint in-process (README.md > What it is, and for whom).

:class:`ReferenceEndpoint` puts the application (:mod:`conformance.endpoint.app`) behind the
HTTP server (:mod:`conformance.endpoint.http`) on a real socket, served from a daemon thread,
over a fresh :class:`~conformance.endpoint.store.Store` holding the seeded volume (and any
others asked for), with the faults and variants chosen.  It also signs requests for itself
(:meth:`ReferenceEndpoint.signed_headers`), for tests that send raw ones.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from conformance.endpoint.app import Application
from conformance.endpoint.faults import FaultSet
from conformance.endpoint.http import Server, listening_socket
from conformance.endpoint.store import Store, seeded_gateway_arn, seeded_volume_arn
from conformance.endpoint.variants import PARTITIONS, VariantSet
from conformance.protocol import envelope, sigv4
from conformance.protocol.credentials import EXAMPLE_CREDENTIALS, Credentials


class ReferenceEndpoint:
    """The reference endpoint on a real socket, served from a daemon thread (a context manager)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, region: str | None = None,
                 faults: Iterable[str] = (), state: str | os.PathLike[str] | None = None,
                 credentials: Credentials | Sequence[Credentials] = EXAMPLE_CREDENTIALS,
                 volumes: Iterable[str] = (), variants: Iterable[str] = ()) -> None:
        self.faults = FaultSet(faults)
        self.variants = VariantSet(variants)
        partition, home = next((PARTITIONS[v] for v in sorted(self.variants.names) if v in PARTITIONS),
                               ("aws", "us-east-2"))
        region = region or home    # us-east-2 (the reference's example) unless a partition variant's
        pairs = (credentials,) if isinstance(credentials, Credentials) else tuple(credentials)
        if not pairs:
            raise ValueError("at least one key pair is needed")
        self.key_pairs: tuple[Credentials, ...] = pairs      # every pair it accepts; the first signs
        self.host, self.port, self.region, self.credentials = host, port, region, pairs[0]
        self.state = os.fspath(state) if state is not None else None
        self.gateway_arn = seeded_gateway_arn(region, partition)
        self.volume_arn = seeded_volume_arn(region, partition)
        self.volume_arns = tuple(dict.fromkeys((self.volume_arn, *volumes)))
        self.url = ""
        self.store: Store | None = None
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ReferenceEndpoint:
        """Listen (raises OSError if the address is taken) and serve in a daemon thread."""
        if self._server is not None:
            return self
        store = Store(self.state)
        for arn in self.volume_arns:
            store.add_volume(arn)
        try:
            sock = listening_socket(self.host, self.port)
        except OSError:
            store.close()
            raise
        with sock:   # the server keeps its own duplicate of the descriptor
            app = Application(self.region, self.key_pairs, self.faults, store, self.variants)
            self._server = Server(self.host, self.port, app, sock.fileno())
        self.store, self.port = store, self._server.port
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{shown}:{self.port}/"
        app.verifier.listen_address = f"{shown}:{self.port}"   # what the fault host-from-listen-address signs
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"sgw-reference-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close open connections, wait for the serving thread, close the store."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.store is not None:
            self.store.close()

    @property
    def access_key(self) -> str:
        """The access key id of the first accepted pair (what a client should use)."""
        return self.credentials.access_key

    @property
    def secret_key(self) -> str:
        """Its secret (the documented example one unless chosen): for the client under test."""
        return self.credentials.secret_key

    def reset(self) -> None:
        """Forget every snapshot and every volume added since; the configured volumes stay."""
        if self.store is None:
            raise RuntimeError("the endpoint is not started")
        self.store.reset()
        for arn in self.volume_arns:
            self.store.add_volume(arn)

    def signed_headers(self, body: bytes, target: str | None = envelope.CREATE_SNAPSHOT_TARGET,
                       **sign_args: Any) -> dict[str, str]:
        """Headers of a correctly signed awsJson1_1 POST of ``body`` to this endpoint.

        ``sign_args`` go to :func:`conformance.protocol.sigv4.sign` (e.g. ``when=`` or ``secret=``);
        its ``extra_headers`` are signed and included.
        """
        host = self.url.split("://", 1)[1].rstrip("/")
        args: dict[str, Any] = {"access_key": self.credentials.access_key,
                                "secret": self.credentials.secret_key,
                                "region": self.region, "service": envelope.SERVICE, **sign_args}
        headers = {"Content-Type": envelope.JSON_CONTENT_TYPE}
        if target is not None:
            headers[envelope.TARGET_HEADER] = target
        extra = dict(sign_args.get("extra_headers") or {})
        headers = {k: v for k, v in headers.items() if k.lower() not in {e.lower() for e in extra}}
        return {**headers, **extra, **sigv4.sign("POST", "/", host, body, **args)}

    def __enter__(self) -> ReferenceEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        faults, variants = sorted(self.faults.names), sorted(self.variants.names)
        return (f"ReferenceEndpoint(url={self.url!r}, region={self.region!r}, faults={faults}, "
                f"variants={variants})")
