"""Where a run's reports go: the report directory, ``latest``, the file names and the replay line.

A run writes ``report.json``, ``junit.xml`` and ``report.html`` into its report directory
(``--report-dir``, or ``reports/<UTC time>-<host>/`` with ``reports/latest`` pointing at the
newest).  Every failure recorded there carries the ``sgw-conformance replay`` command that sends
it again (the directory relative to the working directory, so it survives a move of the tree), and
the terminal a ``curl --aws-sigv4`` line for it.
"""

from __future__ import annotations

import os
import re
import shlex
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from conformance.errors import UsageError
from conformance.suite.model import Exchange

TOOL = "sgw-conformance"
REPORT_JSON = "report.json"
JUNIT_XML = "junit.xml"
REPORT_HTML = "report.html"
REPORTS_ROOT = Path("reports")
LATEST = "latest"


def report_files(report_dir: Path) -> dict[str, Path]:
    """The three files of a report directory, by kind: json, junit, html."""
    return {"json": report_dir / REPORT_JSON, "junit": report_dir / JUNIT_XML,
            "html": report_dir / REPORT_HTML}


def default_report_dir(endpoint: str, now: datetime, root: Path = REPORTS_ROOT) -> Path:
    """``reports/<UTC time>-<host>/`` (a numbered suffix if that name is taken)."""
    parts = urlsplit(endpoint)
    host = re.sub(r"[^A-Za-z0-9.-]+", "_", f"{parts.hostname or 'endpoint'}_{parts.port or ''}".rstrip("_"))
    base = root / f"{now.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}-{host}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def check_report_dir(report_dir: Path) -> None:
    """UsageError unless ``report_dir`` is, or can be made, a writable directory (checked before a
    run sends anything; whatever this creates to find out is removed again)."""
    if report_dir.exists() and not report_dir.is_dir():
        raise UsageError(f"report directory {report_dir} is an existing file, not a directory")
    if report_dir.is_dir():
        if not os.access(report_dir, os.W_OK | os.X_OK):
            raise UsageError(f"report directory {report_dir} is not writable")
        return
    made: list[Path] = []
    try:
        for part in reversed([report_dir, *report_dir.parents]):
            if not part.is_dir():
                part.mkdir()
                made.append(part)
    except OSError as exc:
        raise UsageError(f"cannot create the report directory {report_dir}: {exc.strerror or exc}") from None
    finally:
        for part in reversed(made):
            try:
                part.rmdir()
            except OSError:
                pass


def update_latest(report_dir: Path) -> Path:
    """Point ``<parent>/latest`` at ``report_dir`` (atomically replaced)."""
    link = report_dir.parent / LATEST
    tmp = report_dir.parent / f".{LATEST}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(report_dir.name, target_is_directory=True)
    os.replace(tmp, link)
    return link


def replay_command(report_dir: Path, case_id: str, live: bool = False) -> str:
    """The command that re-sends a recorded case.

    The directory is named relative to the working directory when it lies below it (the usual
    ``reports/...``), so the command still works after the tree is moved or unpacked elsewhere (a CI
    artifact); a directory elsewhere keeps its absolute path.  ``live``: the run's endpoint is not
    loopback, and replay refuses one without --allow-live.
    """
    where = os.path.abspath(report_dir)
    try:
        relative = os.path.relpath(where)
        if not relative.startswith(os.pardir):
            where = relative
    except ValueError:      # another drive (Windows)
        pass
    parts = [TOOL, "replay", where, case_id, *(["--allow-live"] if live else [])]
    return " ".join(shlex.quote(str(p)) for p in parts)


# curl's --aws-sigv4 provider string: aws:amz:<region>:<service> (curl manual, --aws-sigv4).
CURL_CREDENTIALS = '--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"'
CURL_TOKEN = '-H "x-amz-security-token: $AWS_SESSION_TOKEN"'
CURL_HEADERS = ("content-type", "x-amz-target")     # what curl does not set itself; it signs them too


def curl_command(exchange: Exchange, region: str) -> str | None:
    """A curl line that sends a recorded, correctly signed request again: curl signs it with
    ``--aws-sigv4`` and takes the credentials from the environment (no secret is written here).
    None for a deliberately mis-signed case or a framing case (curl can neither bend a signature
    nor break HTTP's framing; use replay)."""
    from conformance.protocol.envelope import SERVICE
    if exchange.case.signing != "sigv4" or exchange.case.framing is not None:
        return None
    req = exchange.request
    headers = {k.lower(): v for k, v in req.headers.items()}
    parts = ["curl", "-sS", "--aws-sigv4", shlex.quote(f"aws:amz:{region}:{SERVICE}"), CURL_CREDENTIALS]
    if "x-amz-security-token" in headers:
        parts.append(CURL_TOKEN)
    parts += [f"-H {shlex.quote(f'{name}: {headers[name]}')}" for name in CURL_HEADERS if name in headers]
    if req.method != "POST":
        parts.append(f"-X {shlex.quote(req.method)}")
    parts += ["--data-binary", shlex.quote(req.body.decode("utf-8", "replace")), shlex.quote(req.url)]
    return " ".join(parts)
