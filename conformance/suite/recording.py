"""Recordings: a run's exchanges as a HAR 1.2 file (HTTP Archive), written and read back.

``sgw-conformance run --record FILE`` writes every exchange of the run in the HAR 1.2 format, so
that browser developer tools and HAR viewers load it: per entry the request as it was sent (the
transport already masked its signature and session token: :mod:`conformance.protocol.redaction`),
the whole answer, ``timings`` and ``startedDateTime``.  What replay needs beyond HTTP is kept in
custom fields, which HAR 1.2 allows when their names start with an underscore: ``log._sgw`` (the
run: endpoint, region, volume ARN, profile, seed) and ``entry._sgw`` (the case id, its rule, its
signing mode and the case spec of :mod:`conformance.suite.case_spec`, which rebuilds the request
exactly, raw bytes included).  ``sgw-conformance compare FILE`` reads it back with :func:`load`.

An exchange that got no answer is recorded with ``response.status`` 0, as browsers record a
request that failed, and the transport's error in ``response._error``.  A framing case (a request
written byte for byte: :mod:`conformance.suite.framing`) is recorded with its own ``httpVersion``,
every header field as written (a repeated Content-Length too), ``request._requestLine`` (the target
and version as sent), ``request._halfClosed`` and any ``_lead``/``_firstLine``.
"""

from __future__ import annotations

import base64
import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance.errors import UsageError
from conformance.suite.case_spec import case_from_spec, case_to_spec
from conformance.suite.model import Case, Exchange, RawRequest, Response, SentRequest
from conformance.suite.results import RunResult
from conformance.version import __version__

HAR_VERSION = "1.2"
FORMAT = 1                          # the version of the _sgw fields
CREATOR = "sgw-conformance"
REQUEST_HTTP_VERSION = "HTTP/1.1"   # what the transport (urllib3) sends
UNKNOWN_HTTP_VERSION = "unknown"    # the transport does not keep the answer's HTTP version
NOT_MEASURED = -1                   # HAR 1.2 > timings: -1 where a phase does not apply or is unknown


def iso(when: datetime) -> str:
    """A HAR date: ISO 8601 with milliseconds and the zone (HAR 1.2 > entries > startedDateTime)."""
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Recorder:
    """Collects exchanges as the engine takes them (``on_exchange``), each with its start time."""

    taken: list[tuple[Exchange, datetime]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self, exchange: Exchange) -> None:
        elapsed = exchange.response.elapsed_s if exchange.response is not None else 0.0
        with self._lock:
            self.taken.append((exchange, datetime.now(UTC) - timedelta(seconds=elapsed)))


# --- writing --------------------------------------------------------------------------------

def _headers(headers: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in headers.items()]


def _text_of(body: bytes) -> tuple[str, str | None]:
    """(text, encoding): the body as UTF-8 text, or base64 when it is not UTF-8 (HAR 1.2 > content)."""
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), "base64"


def _request(request: SentRequest) -> dict[str, Any]:
    content_type = next((v for k, v in request.headers.items() if k.lower() == "content-type"), "")
    raw = request.raw
    entry: dict[str, Any] = {
        "method": request.method, "url": request.url,
        "httpVersion": raw.version if raw is not None else REQUEST_HTTP_VERSION,
        "cookies": [], "headers": _headers(request.headers), "queryString": [],
        "headersSize": NOT_MEASURED, "bodySize": len(request.body),
    }
    if raw is not None:   # a framing case: every field as written (a repeated one too), in order
        entry["headers"] = [{"name": name, "value": value} for name, value in raw.fields]
        entry["_halfClosed"] = raw.half_closed
        entry["_requestLine"] = raw.line   # the target as sent (a query, /./, absolute) and the version
        if raw.lead:
            entry["_lead"] = raw.lead
        if raw.first:
            entry["_firstLine"] = raw.first
    if request.body:
        # postData has no encoding field: a body that is not UTF-8 is exact in _sgw.case only.
        entry["postData"] = {"mimeType": content_type, "text": request.body.decode("utf-8", "replace")}
    return entry


def _response(exchange: Exchange) -> dict[str, Any]:
    resp = exchange.response
    if resp is None:
        return {"status": 0, "statusText": "", "httpVersion": UNKNOWN_HTTP_VERSION, "cookies": [],
                "headers": [], "content": {"size": 0, "mimeType": ""}, "redirectURL": "",
                "headersSize": NOT_MEASURED, "bodySize": 0, "_error": exchange.error or "no answer"}
    text, encoding = _text_of(resp.body)
    content: dict[str, Any] = {"size": len(resp.body), "mimeType": resp.headers.get("content-type", ""),
                               "text": text}
    if encoding:
        content["encoding"] = encoding
    entry: dict[str, Any] = {
        "status": resp.status, "statusText": "", "httpVersion": UNKNOWN_HTTP_VERSION, "cookies": [],
        "headers": _headers(resp.headers), "content": content,
        "redirectURL": resp.headers.get("location", ""), "headersSize": NOT_MEASURED,
        "bodySize": len(resp.body),
    }
    if resp.truncated:
        entry["_truncated"] = True
    if exchange.error:
        entry["_error"] = exchange.error
    return entry


def entry_of(exchange: Exchange, started: datetime) -> dict[str, Any]:
    """One HAR entry: the request, the answer, the timings and the case that replay sends again."""
    wait_ms = round(exchange.response.elapsed_s * 1000, 3) if exchange.response is not None else 0.0
    case = exchange.case
    return {
        "startedDateTime": iso(started), "time": wait_ms,
        "request": _request(exchange.request), "response": _response(exchange), "cache": {},
        # the transport measures one span, connect to last byte: it is all 'wait' here
        "timings": {"blocked": NOT_MEASURED, "dns": NOT_MEASURED, "connect": NOT_MEASURED,
                    "ssl": NOT_MEASURED, "send": 0, "wait": wait_ms, "receive": 0},
        "_sgw": {"case_id": case.id, "rule": case.rule_id, "signing": case.signing,
                 "case": case_to_spec(case)},
    }


def har_of(recorder: Recorder, run: dict[str, Any]) -> dict[str, Any]:
    """The HAR document: the entries in the order they started, ``run`` as ``log._sgw``."""
    taken = sorted(recorder.taken, key=lambda pair: pair[1])
    return {"log": {
        "version": HAR_VERSION,
        "creator": {"name": CREATOR, "version": __version__},
        "pages": [],
        "entries": [entry_of(exchange, started) for exchange, started in taken],
        "comment": "Recorded by sgw-conformance run --record; secrets masked; replay with "
                   "sgw-conformance compare FILE",
        "_sgw": {"format": FORMAT, **run},
    }}


def write(path: Path, har: dict[str, Any]) -> Path:
    """Write the HAR file (UsageError, one line, when it cannot be written)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(har, indent=1, ensure_ascii=False) + "\n", "utf-8", errors="replace")
    except OSError as exc:
        raise UsageError(f"cannot write the recording {path}: {exc.strerror or exc}") from None
    return path


def check_writable(path: Path) -> None:
    """Before a run: the recording's place is not a directory and its folder exists or can be made."""
    if path.is_dir():
        raise UsageError(f"--record {path} is a directory; name a file (e.g. {path / 'run.har'})")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"--record {path}: {parent} is not a directory")


# --- reading --------------------------------------------------------------------------------

@dataclass
class Recorded:
    """One recorded entry: the case (to send again) and the exchange as it was recorded."""

    case: Case
    exchange: Exchange
    started: str = ""


@dataclass
class Recording:
    path: Path
    run: dict[str, Any]             # log._sgw: endpoint, region, volume_arn, profile, seed, ...
    entries: list[Recorded]

    @property
    def volume_arn(self) -> str | None:
        arn = self.run.get("volume_arn")
        return arn if isinstance(arn, str) and arn else None

    @property
    def region(self) -> str | None:
        region = self.run.get("region")
        return region if isinstance(region, str) and region else None


def _pairs(items: Any) -> dict[str, str]:
    if not isinstance(items, list):
        raise ValueError("headers is not a list")
    return {str(h["name"]): str(h["value"]) for h in items}


def _body(content: dict[str, Any]) -> bytes:
    text = content.get("text") or ""
    if content.get("encoding") == "base64":
        return base64.b64decode(text)
    return str(text).encode("utf-8")


def recorded_of(entry: Any) -> Recorded:
    """The case and the exchange of one HAR entry (KeyError, TypeError or ValueError when damaged)."""
    sgw = entry["_sgw"]
    case = case_from_spec(sgw["case"])
    req = entry["request"]
    body = case.raw_body if case.raw_body is not None else str(
        (req.get("postData") or {}).get("text", "")).encode("utf-8")
    sent = SentRequest(str(req["method"]), str(req["url"]), _pairs(req["headers"]), body)
    if case.framing is not None:
        fields = tuple((str(h["name"]), str(h["value"])) for h in req["headers"])
        version = req.get("httpVersion", REQUEST_HTTP_VERSION)
        line = str(req.get("_requestLine") or f"{sent.method} {urlsplit(sent.url).path or '/'} {version}")
        sent.raw = RawRequest(line, fields, body, bool(req.get("_halfClosed")), str(req.get("_lead", "")),
                              str(req.get("_firstLine", "")))
    resp = entry["response"]
    response = None
    if int(resp["status"]) > 0:
        response = Response(int(resp["status"]), {k.lower(): v for k, v in _pairs(resp["headers"]).items()},
                            _body(resp.get("content") or {}), bool(resp.get("_truncated")),
                            float(entry.get("time") or 0) / 1000)
    error = resp.get("_error")
    return Recorded(case, Exchange(case, sent, response, str(error) if error else None),
                    str(entry.get("startedDateTime", "")))


def load(path: Path) -> Recording:
    """A recording written by ``run --record``; UsageError (one line) for anything else."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise UsageError(f"no recording at {path} (write one with `sgw-conformance run --record "
                         f"{path}`)") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a directory, not a recording (a .har file)") from None
    except (OSError, ValueError, RecursionError) as exc:
        raise UsageError(f"cannot read the recording {path}: {type(exc).__name__}: "
                         f"{' '.join(str(exc).split())[:200]}") from None
    log = data.get("log") if isinstance(data, dict) else None
    if not (isinstance(log, dict) and isinstance(log.get("entries"), list)):
        raise UsageError(f"{path} is not a HAR file (no log.entries)")
    run = log.get("_sgw")
    if not (isinstance(run, dict) and run.get("format") == FORMAT):
        raise UsageError(f"{path} is a HAR file but not a sgw-conformance recording (no log._sgw of "
                         f"format {FORMAT}: record one with `sgw-conformance run --record FILE`)")
    entries: list[Recorded] = []
    for i, entry in enumerate(log["entries"], 1):
        try:
            entries.append(recorded_of(entry))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise UsageError(f"{path}: entry {i} cannot be read back: {type(exc).__name__}: "
                             f"{' '.join(str(exc).split())[:160]}") from None
    if not entries:
        raise UsageError(f"{path} records no exchange")
    counts = Counter(r.case.id for r in entries)
    twice = sorted(i for i, n in counts.items() if n > 1 or not i)
    if twice:
        shown = ", ".join(twice[:5]) or "(none)"
        raise UsageError(f"{path}: every entry needs a case id of its own, not {shown}")
    return Recording(path, run, entries)


def run_of(result: RunResult) -> dict[str, Any]:
    """``log._sgw`` of a run (a :class:`conformance.suite.results.RunResult`): what compare reads."""
    return {"endpoint": result.endpoint, "embedded": result.embedded, "live": result.live,
            "faults": list(result.faults), "variants": list(result.variants), "region": result.region,
            "volume_arn": result.volume_arn, "profile": result.profile, "seed": result.seed,
            "started_at": iso(result.started_at), "exit_code": result.exit_code}
