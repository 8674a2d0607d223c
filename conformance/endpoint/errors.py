"""The reference endpoint's errors: the answers that are not a success, raised where they arise.

An :class:`ApiError` is answered as awsJson1_1 error JSON (``__type``, ``message``, and
``error.errorCode`` for the errors the API models, :data:`MODELLED_ERRORS`); a
:class:`PlainAnswer` is a variant's answer that is not JSON; :class:`Unanswered` leaves the
request without any answer.  The constructors below name the errors raised in more than one
place, with AWS's wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MODELLED_ERRORS = frozenset({"InvalidGatewayRequestException", "InternalServerError",
                             "ServiceUnavailableError"})   # API_CreateSnapshot.md > Errors
# Variant "auth-403": the Common Errors page's names for two authentication errors.
COMMON_ERROR_NAMES = {"MissingAuthenticationTokenException": "MissingAuthenticationToken",
                      "UnrecognizedClientException": "InvalidClientTokenId"}
CORAL_NAMESPACE = "com.amazon.coral.service"    # variant "fully-qualified-type": framework errors
# Variant "fully-qualified-type": the namespace of X-Amzn-ErrorType's suffix, where not the body's.
HEADER_NAMESPACES = {"ValidationException": "com.amazon.coral.validate"}


@dataclass(eq=False)
class ApiError(Exception):
    """An error answer: the AWS type, message, status, and errorCode for modelled errors."""

    type: str
    message: str
    status: int = 400
    code: str | None = None
    details: dict[str, str] = field(default_factory=dict)


@dataclass(eq=False)
class PlainAnswer(Exception):
    """An answer that is not a JSON error (variants: a strict Content-Type, non-POST methods)."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class Unanswered(Exception):
    """Fault "astral-connection-drop": the worker dies; the connection is closed unanswered."""


def serialization_error(message: str) -> ApiError:
    """A body (or a member of it) that cannot be read as the operation's input."""
    return ApiError("SerializationException", message)


def volume_not_found(arn: str) -> ApiError:
    return ApiError("InvalidGatewayRequestException", "The specified volume was not found.",
                    code="VolumeNotFound", details={"volumeARN": arn})


def gateway_not_found(arn: str) -> ApiError:
    return ApiError("InvalidGatewayRequestException", "The specified gateway was not found.",
                    code="GatewayNotFound", details={"gatewayARN": arn})


def invalid_signature(message: str) -> ApiError:
    return ApiError("InvalidSignatureException", message)


def incomplete_signature(message: str) -> ApiError:
    return ApiError("IncompleteSignatureException", message)


def missing_authentication() -> ApiError:
    return ApiError("MissingAuthenticationTokenException",
                    "The request carries no Authorization header; SigV4 authentication is required")


def internal_failure(message: str) -> ApiError:
    """A crash as a server would answer it (used by the faults that model one)."""
    return ApiError("InternalFailure", message, 500)
