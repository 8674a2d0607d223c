"""OpenAPI 3.1 export of CreateSnapshot on the awsJson1_1 wire, built from ``schemas/``.

The document lets OpenAPI tools (schemathesis, validators, code generators) reuse the
committed schemas: ``POST /`` with the ``X-Amz-Target`` header, the
``application/x-amz-json-1.1`` body, the 200 / 400 (and 403) answers and SigV4 noted as the
security scheme.  The committed patterns are java.util.regex text matched against the whole
value; an OpenAPI ``pattern`` is ECMA-262 and is *searched*.  Each pattern is therefore
rewritten with :func:`conformance.javaregex.to_ecma` (kept in ``pattern``) and
:func:`conformance.javaregex.to_python_re` (kept in ``x-python-pattern``) so that both engines
give Java's verdicts; the Java text stays in ``x-java-pattern``.  A pattern with no faithful
translation is left out and described in ``x-untranslated-pattern``.

Sources: docs/protocol.md > The request (POST /, headers, media type), docs/protocol.md > SigV4,
docs/protocol.md > Errors (400), docs/protocol.md > Disputed points (400/403 for authentication);
API_CreateSnapshot.md > Response Elements (HTTP 200).
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conformance.protocol import envelope
from conformance.spec.javaregex import UnsupportedPattern, to_ecma, to_python_re
from conformance.spec.schemas import SCHEMA_NAMES, load
from conformance.version import __version__

OPENAPI_VERSION = "3.1.0"
SECURITY_SCHEME = "sigv4"
REF_PREFIX = "#/components/schemas/"
# Request bodies: an optional member sent as JSON null is treated as absent, so the wire
# accepts null there (docs/protocol.md > The request; Smithy null tests for awsJson servers).
REQUEST_COMPONENTS = frozenset({"CreateSnapshotRequest", "Tag"})
NULL_SOURCE = "docs/protocol.md > The request (a member whose value is JSON null is treated as absent)"

# Where a translated pattern goes, by target dialect (ECMA is OpenAPI's own `pattern`).
PATTERN_TARGETS: dict[str, tuple[str, Callable[[str], str]]] = {
    "ecma": ("pattern", to_ecma),
    "python": ("x-python-pattern", to_python_re),
}
PATTERN_DIALECT_NOTE = (
    "pattern: ECMA-262, to be read with the u flag, searched (anchored here so a search gives "
    "java.util.regex's whole-match verdict); x-python-pattern: the same for Python re.search; "
    "x-java-pattern: the API reference's text (java.util.regex, Matcher.matches)"
)

SIGV4_DESCRIPTION = (
    "AWS Signature Version 4, service 'storagegateway', credential scope "
    "<yyyymmdd>/<region>/storagegateway/aws4_request; host, x-amz-date and x-amz-target are "
    "signed and the payload hash covers the body as sent. Not an API key: a client must compute "
    "the Authorization header (with X-Amz-Date) for every request, e.g. with a request hook, and a "
    "tool should not generate the header itself. A request without it is answered 400 "
    "MissingAuthenticationTokenException (403 MissingAuthenticationToken per the Common Errors page), "
    "never 401. Sources: docs/protocol.md > SigV4, docs/protocol.md > Observed answers."
)

# HTTP status -> (description, component schema); docs/protocol.md > Errors.
ERROR_RESPONSES: dict[str, tuple[str, str]] = {
    "400": ("Every error of this API (validation, serialization, unknown operation, unknown volume, "
            "authentication, throttling): the type travels in the body's __type.",
            "StorageGatewayErrorBody"),
    "403": ("Some authentication errors (MissingAuthenticationToken, InvalidClientTokenId) per the "
            "Common Errors page; AWS's JSON services answer 400 for them.",
            "StorageGatewayErrorBody"),
}

SERVER = {
    "url": "http://{host}:{port}/",
    "description": "Placeholder: the endpoint under test (an emulator). Point tools at your own; "
                   "every accepted request on AWS creates a billable snapshot.",
    "variables": {"host": {"default": "127.0.0.1"}, "port": {"default": "8080"}},
}


def export_openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 document for CreateSnapshot (a fresh dict on every call)."""
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": _info(),
        "servers": [copy.deepcopy(SERVER)],
        "security": [{SECURITY_SCHEME: []}],
        "paths": {"/": {"post": _operation()}},
        "components": {
            "schemas": {name: _component(name) for name in SCHEMA_NAMES},
            "securitySchemes": {
                SECURITY_SCHEME: {"type": "apiKey", "in": "header", "name": "Authorization",
                                  # API Gateway's own mark of a SigV4 scheme in its OpenAPI exports
                                  "x-amazon-apigateway-authtype": "awsSigv4",
                                  "description": SIGV4_DESCRIPTION},
            },
        },
    }


def write_openapi(path: Path | None) -> None:
    """Write the document as UTF-8 JSON to ``path``, or to standard output when None."""
    text = json.dumps(export_openapi(), indent=2, ensure_ascii=False) + "\n"
    if path is None:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    else:
        path.write_text(text, encoding="utf-8")


def _info() -> dict[str, Any]:
    return {
        "title": "AWS Storage Gateway CreateSnapshot (awsJson1_1 wire)",
        "version": "2013-06-30",
        "description": (
            f"Generated by sgw-conformance {__version__} from its schemas/ directory. One operation, "
            f"selected by the X-Amz-Target header, on POST /. {PATTERN_DIALECT_NOTE}."
        ),
    }


def _operation() -> dict[str, Any]:
    media = envelope.JSON_CONTENT_TYPE
    return {
        "operationId": "CreateSnapshot",
        "summary": "Initiates a snapshot of a volume",
        "parameters": [{
            "name": "X-Amz-Target",
            "in": "header",
            "required": True,
            "description": "The operation, awsJson1_1 style (docs/protocol.md > The request).",
            "schema": {"type": "string", "const": envelope.CREATE_SNAPSHOT_TARGET,
                       "enum": [envelope.CREATE_SNAPSHOT_TARGET]},
        }],
        "requestBody": {
            "required": True,
            "content": {media: {"schema": {"$ref": REF_PREFIX + "CreateSnapshotRequest"}}},
        },
        "responses": {"200": _success(media), **{s: _error(s, media) for s in ERROR_RESPONSES}},
    }


def _success(media: str) -> dict[str, Any]:
    return {
        "description": "The snapshot was initiated (API_CreateSnapshot.md > Response Elements).",
        "headers": {"x-amzn-RequestId": {"schema": {"type": "string"},
                                          "description": "Request id (docs/protocol.md > The response)."}},
        "content": {media: {"schema": {"$ref": REF_PREFIX + "CreateSnapshotResponse"}}},
    }


def _error(status: str, media: str) -> dict[str, Any]:
    description, schema = ERROR_RESPONSES[status]
    return {
        "description": description,
        "headers": {"X-Amzn-ErrorType": {
            "schema": {"type": "string"},
            "description": "Optional; when present it names the same type as the body's __type."}},
        "content": {media: {"schema": {"$ref": REF_PREFIX + schema}}},
    }


def _component(name: str) -> dict[str, Any]:
    """A committed schema as an OpenAPI component: refs rewritten, patterns translated."""
    out = _walk({k: v for k, v in copy.deepcopy(load(name)).items() if k not in ("$schema", "$id")})
    if name in REQUEST_COMPONENTS:
        _allow_null_optional_members(out)
    return out


def _allow_null_optional_members(schema: dict[str, Any]) -> None:
    required = set(schema.get("required", ()))
    for member, prop in schema.get("properties", {}).items():
        if member not in required and isinstance(prop.get("type"), str):
            prop["type"] = [prop["type"], "null"]
            prop.setdefault("x-source", {})["null"] = NULL_SOURCE


def _walk(node: Any) -> Any:
    if isinstance(node, list):
        return [_walk(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _walk(v) if k not in ("x-source", "enum") else v for k, v in node.items()}
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.endswith(".schema.json"):
        out["$ref"] = REF_PREFIX + ref.rsplit("/", 1)[-1].removesuffix(".schema.json")
    if isinstance(out.get("pattern"), str) and out.get("type") == "string":
        _translate_pattern(out)
    return out


def _translate_pattern(prop: dict[str, Any]) -> None:
    """Replace a Java ``pattern`` by its translations (in place), noting what could not be."""
    java = prop.pop("pattern")
    prop.pop("x-pattern-dialect", None)
    prop["x-java-pattern"] = java
    reasons: dict[str, str] = {}
    for dialect, (key, translate) in PATTERN_TARGETS.items():
        try:
            prop[key] = translate(java)
        except UnsupportedPattern as exc:
            reasons[dialect] = str(exc)
    if reasons:
        prop["x-untranslated-pattern"] = {"java": java, "reasons": reasons}
    else:
        prop["x-pattern-dialect"] = PATTERN_DIALECT_NOTE
