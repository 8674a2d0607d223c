"""A plain standard-library Storage Gateway endpoint: the yardstick of bench_emulator.py (not a test).

    python bench/plain_endpoint.py [--port 0] [--region us-east-2]

What someone would write in an afternoon with ``http.server.ThreadingHTTPServer`` and nothing
else: HTTP/1.1 keep-alive, the SigV4 signature checked (canonical request, signing key, HMAC:
written here, not the project's code), the JSON body parsed, CreateSnapshot's volume ARN and
description checked, snapshots kept in a dict, ListVolumes answered, every answer with
``x-amzn-RequestId``.  It prints ``url: <url>`` once listening, like ``sgw-conformance serve``.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import re
import secrets
import socket
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

ACCESS_KEY, SECRET_KEY = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
VOLUME_ARN_RE = re.compile(r"^arn:(aws(|-cn|-us-gov|-iso[A-Za-z0-9_-]*)):storagegateway:[a-z\-0-9]+:"
                           r"[0-9]+:gateway/(.+)/volume/vol-(\S+)$")
AUTH_RE = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/([^/]+)/([^/]+)/([^/]+)/aws4_request, "
                     r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})")


def _key(secret: str, date: str, region: str, service: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: PlainServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def answer(self, status: int, body: dict[str, object], error: str | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if error:
            self.send_header("X-Amzn-ErrorType", error)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def fail(self, error: str, message: str) -> None:
        self.answer(400, {"__type": error, "message": message}, error)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        match = AUTH_RE.fullmatch(self.headers.get("Authorization", ""))
        if not match:
            return self.fail("MissingAuthenticationTokenException", "Missing Authentication Token")
        key, date, region, service, signed, signature = match.groups()
        if key != ACCESS_KEY:
            return self.fail("UnrecognizedClientException", "The security token included is invalid")
        path, _, query = self.path.partition("?")
        names = signed.split(";")
        canonical = "\n".join([self.command, quote(path, safe="/-_.~"), query,
                               *(f"{n}:{' '.join((self.headers.get(n) or '').split())}" for n in names),
                               "", signed, hashlib.sha256(body).hexdigest()])
        amz_date = self.headers.get("X-Amz-Date", "")
        scope = f"{date}/{region}/{service}/aws4_request"
        to_sign = f"AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        key = _key(SECRET_KEY, date, region, service)
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return self.fail("InvalidSignatureException", "The request signature does not match")
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return self.fail("SerializationException", "Malformed JSON")
        target = self.headers.get("X-Amz-Target", "")
        if target == "StorageGateway_20130630.ListVolumes":
            infos = [{"VolumeARN": arn, "VolumeType": "STORED"} for arn in self.server.volumes]
            return self.answer(200, {"VolumeInfos": infos})
        if target != "StorageGateway_20130630.CreateSnapshot":
            return self.fail("UnknownOperationException", "Unknown operation")
        arn, description = params.get("VolumeARN"), params.get("SnapshotDescription")
        if not isinstance(arn, str) or not 50 <= len(arn) <= 500 or not VOLUME_ARN_RE.match(arn) \
                or not isinstance(description, str) or not 1 <= len(description) <= 255:
            return self.fail("ValidationException", "1 validation error detected")
        if arn not in self.server.volumes:
            body = {"__type": "InvalidGatewayRequestException", "message": "not found",
                    "error": {"errorCode": "VolumeNotFound"}}
            return self.answer(400, body, "InvalidGatewayRequestException")
        snapshot_id = "snap-" + secrets.token_hex(4)
        with self.server.lock:
            self.server.snapshots[snapshot_id] = (arn, description)
        self.answer(200, {"VolumeARN": arn, "SnapshotId": snapshot_id})


class PlainServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, region: str) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        gateway = f"arn:aws:storagegateway:{region}:111122223333:gateway/sgw-12A3456B"
        self.volumes = [f"{gateway}/volume/vol-1122AABB"]
        self.snapshots: dict[str, tuple[str, str]] = {}
        self.lock = threading.Lock()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--region", default="us-east-2")
    args = parser.parse_args()
    server = PlainServer(args.port, args.region)
    print(f"url: http://127.0.0.1:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
