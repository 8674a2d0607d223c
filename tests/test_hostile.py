"""Hostile endpoints: the run ends in bounded time with exit 1 or 2 and never a traceback.

Each hostile server is a real TCP server on 127.0.0.1 (port 0) that misbehaves at the HTTP
level; some answer the first request(s) normally so that the run gets past first contact
and the circuit breaker has to stop it.  A live AWS endpoint must be refused before any
network activity at all.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from wire import LoopbackServer, http_answer, read_request

from conformance.cli import main as cli

PLAIN_ERROR = (b'{"__type":"ValidationException","message":"nope"}')
GUARD_S = 90   # a run that has not ended by then is hung (a guard, not a speed assertion)


class Hostile(LoopbackServer):
    def __init__(self, mode: str, good_first: int = 0, redirect_to: str = "") -> None:
        super().__init__(HostileHandler)
        self.mode, self.good_left, self.redirect_to = mode, good_first, redirect_to
        self.lock = threading.Lock()
        self.requests = 0
        self.stop = threading.Event()


class HostileHandler(socketserver.BaseRequestHandler):
    server: Hostile

    def handle(self) -> None:
        sock = self.request
        while not self.server.stop.is_set():
            try:
                if not read_request(sock)[0]:
                    return
            except OSError:
                return
            with self.server.lock:
                self.server.requests += 1
                good = self.server.good_left > 0
                self.server.good_left -= 1
            if good:
                sock.sendall(http_answer(400, PLAIN_ERROR, "x-amzn-RequestId: r\r\n"))
                continue
            getattr(self, f"do_{self.server.mode.replace('-', '_')}")(sock)
            return

    def do_hang(self, sock: socket.socket) -> None:
        self.server.stop.wait(GUARD_S)

    def do_reset(self, sock: socket.socket) -> None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()

    def do_garbage(self, sock: socket.socket) -> None:
        sock.sendall(b"\x00\xff\xfeTHIS IS NOT HTTP\r\n\x13\x37" * 64)
        sock.close()

    def do_stream_forever(self, sock: socket.socket) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b'{"SnapshotId":"' + b"7" * 8000 + b'"'
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        try:
            while not self.server.stop.is_set():
                sock.sendall(frame)
        except OSError:
            return

    def do_redirect(self, sock: socket.socket) -> None:
        sock.sendall(http_answer(307, b"", f"Location: {self.server.redirect_to}\r\n"))

    def do_empty_volume_list(self, sock: socket.socket) -> None:
        sock.sendall(http_answer(200, b'{"GatewayARN":"x","VolumeInfos":[]}', "x-amzn-RequestId: r\r\n"))


@contextmanager
def hostile(mode: str, good_first: int = 0, redirect_to: str = "") -> Iterator[Hostile]:
    server = Hostile(mode, good_first, redirect_to)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()


VOLUME = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDHOSTILE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "hostile-test-secret-0000000000000000000000")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)


def run_cli(argv: list[str]) -> int:
    """cli.main in a thread, guarded against hanging forever."""
    box: list[int] = []
    thread = threading.Thread(target=lambda: box.append(cli.main(argv)), daemon=True)
    thread.start()
    thread.join(GUARD_S)
    assert not thread.is_alive(), "the run did not end"
    return box[0]


def against(server: Hostile, tmp_path: Path, *extra: str) -> list[str]:
    return ["run", "--endpoint", server.url, "--volume-arn", VOLUME, "--profile", "quick",
            "--timeout", "0.5", "--report-dir", str(tmp_path / "r"), *extra]


def assert_clean_exit(code: int, capsys: pytest.CaptureFixture[str], expected: tuple[int, ...]) -> str:
    out, err = capsys.readouterr()
    assert code in expected, (code, out[-2000:], err[-2000:])
    assert "Traceback" not in out + err and "internal error" not in err
    return out + err


@pytest.mark.parametrize("mode", ["hang", "reset", "garbage"])
def test_an_endpoint_that_misbehaves_at_first_contact_ends_the_run_with_exit_2_and_one_line(
        mode: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with hostile(mode) as server:
        code = run_cli(against(server, tmp_path))
    text = assert_clean_exit(code, capsys, (2,))
    assert text.strip().count("\n") == 0 and "cannot reach" in text


@pytest.mark.parametrize("mode", ["hang", "reset", "garbage", "stream-forever"])
def test_an_endpoint_that_turns_hostile_mid_run_is_stopped_by_the_circuit_breaker_with_exit_1(
        mode: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with hostile(mode, good_first=2) as server:
        code = run_cli(against(server, tmp_path))
        sent = server.requests
    text = assert_clean_exit(code, capsys, (1,))
    assert "circuit breaker" in text and "transport.answered" in text
    assert sent <= 2 + 5 + 1


def test_an_endless_body_at_first_contact_is_cut_at_the_read_cap_and_fails_the_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with hostile("stream-forever") as server:
        code = run_cli(against(server, tmp_path))
    assert_clean_exit(code, capsys, (1, 2))


def test_a_redirect_is_never_followed_and_fails_the_run(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    with hostile("hang") as elsewhere, hostile("redirect", redirect_to=elsewhere.url + "stolen") as server:
        code = run_cli(against(server, tmp_path))
        followed = elsewhere.requests
    assert_clean_exit(code, capsys, (1,))
    assert followed == 0


def test_an_endpoint_whose_volume_list_is_empty_stops_with_a_clear_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with hostile("empty-volume-list") as server:
        argv = ["run", "--endpoint", server.url, "--profile", "quick", "--timeout", "0.5",
                "--report-dir", str(tmp_path / "r")]
        code = run_cli(argv)
    text = assert_clean_exit(code, capsys, (2,))
    assert "named no volume" in text and "--volume-arn" in text


def test_a_closed_port_is_unreachable_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = run_cli(["run", "--endpoint", f"http://127.0.0.1:{port}/", "--volume-arn", VOLUME,
                    "--profile", "quick", "--timeout", "0.5", "--report-dir", str(tmp_path / "r")])
    text = assert_clean_exit(code, capsys, (2,))
    assert "cannot reach" in text
    assert not (tmp_path / "r").exists()


def test_a_live_aws_endpoint_without_allow_live_is_refused_at_once_and_nothing_is_sent(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    touched: list[str] = []

    def forbidden(name: str):  # type: ignore[no-untyped-def]
        def record(*args, **kwargs):  # type: ignore[no-untyped-def]
            touched.append(name)
            raise OSError("network use is forbidden in this test")
        return record

    monkeypatch.setattr(socket, "getaddrinfo", forbidden("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", forbidden("create_connection"))
    monkeypatch.setattr(socket.socket, "connect", forbidden("connect"))
    code = cli.main(["run", "--endpoint", "https://storagegateway.us-east-2.amazonaws.com",
                     "--report-dir", str(tmp_path / "r")])
    text = assert_clean_exit(code, capsys, (2,))
    assert "--allow-live" in text and "nothing was sent" in text
    assert touched == []
    assert not (tmp_path / "r").exists()
