"""What the reference endpoint's application reads and what it gives back: a request and an answer.

:class:`Incoming` is a request as the application sees it (method, path, headers looked up
without regard to case, the body's stream, and the WSGI environ for the target as sent and the
flags the application leaves for its server).  :class:`Answer` is status, headers and body.
The HTTP server (:mod:`conformance.endpoint.http`) builds an Incoming straight from the bytes it
parsed and writes an Answer straight to the socket: werkzeug's request and response objects
cost a fifth of a request's time (bench/bench_emulator.py).  :func:`new_request_id` gives each
answer its ``x-amzn-RequestId``.  Any other WSGI server goes through
:func:`from_environ` and :meth:`Answer.wsgi`, where werkzeug does the reading.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any, Protocol, overload

_ids = random.Random(os.urandom(32))   # request ids: unique, not secret (no system call each)
_V4_MASK = ~((0xF000 << 64) | (0xC000 << 48)) & (2**128 - 1)   # RFC 4122: version and variant bits
_V4_BITS = (0x4000 << 64) | (0x8000 << 48)


def new_request_id() -> str:
    """A fresh ``x-amzn-RequestId``: a random (version 4) UUID, as AWS's."""
    h = "%032x" % (_ids.getrandbits(128) & _V4_MASK | _V4_BITS)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class HeaderLookup(Protocol):
    """Header values by name, without regard to case."""

    @overload
    def get(self, name: str, /) -> str | None: ...

    @overload
    def get(self, name: str, default: str, /) -> str: ...

    def __contains__(self, name: str, /) -> bool: ...


@dataclass
class Incoming:
    """One request: ``stream`` holds exactly the body (what Content-Length or chunking delimits)."""

    method: str
    path: str
    headers: HeaderLookup
    stream: IO[bytes]
    environ: dict[str, Any] = field(default_factory=dict)


@dataclass
class Answer:
    """One answer; ``headers`` in the order they are sent."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def wsgi(self, start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The answer through the WSGI calling convention (a status line's reason from http)."""
        from http import HTTPStatus

        try:
            reason = HTTPStatus(self.status).phrase
        except ValueError:
            reason = "Unknown"
        start_response(f"{self.status} {reason}", list(self.headers))
        return [self.body]


def from_environ(environ: dict[str, Any]) -> Incoming:
    """A WSGI environ as an Incoming (werkzeug reads the headers and delimits the body)."""
    from werkzeug.wrappers import Request

    request = Request(environ)
    return Incoming(request.method, request.path, request.headers, request.stream, environ)
