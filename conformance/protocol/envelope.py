"""The awsJson1_1 envelope of Storage Gateway: target names, media type, header names, bodies.

One home for the wire facts that the suite, the checks and the reference endpoint share
(docs/protocol.md > The request, > Errors): how a body is serialised, how an answer's error
type is read (sanitised as clients do), and the names of the headers that carry them.
"""

from __future__ import annotations

import json
from typing import Any

TARGET_PREFIX = "StorageGateway_20130630"
CREATE_SNAPSHOT_TARGET = f"{TARGET_PREFIX}.CreateSnapshot"
LIST_VOLUMES_TARGET = f"{TARGET_PREFIX}.ListVolumes"
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
SERVICE = "storagegateway"

# Header names as HTTP carries them; compare them lower-cased (HTTP names are case-insensitive).
TARGET_HEADER = "X-Amz-Target"
REQUEST_ID_HEADER = "x-amzn-RequestId"
ERROR_TYPE_HEADER = "X-Amzn-ErrorType"
ERROR_TYPE_FIELD = "__type"


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type value, parameters (``; charset=...``) dropped, lower-cased."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def serialise(params: Any) -> bytes:
    """A JSON body as this suite sends it: compact, UTF-8, non-ASCII characters as they are."""
    return json.dumps(params, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sanitize_error_type(raw: str) -> str:
    """An error type as clients read it: cut at the first ':', keep what follows the last '#'."""
    head = raw.split(":", 1)[0]
    return head.rsplit("#", 1)[-1].strip()
