"""The operations of the reference endpoint over its store: CreateSnapshot and ListVolumes.

No HTTP here: an operation takes the parsed JSON body and returns the result's members, or
raises :class:`~conformance.endpoint.errors.ApiError`.  CreateSnapshot answers in AWS's order:
the faults' screens before validation (null and unknown members, the tag count), validation
(:mod:`conformance.endpoint.validation`, constraints from ``schemas/``), the store's faults,
authorisation (a variant), then the volume's existence (:mod:`conformance.endpoint.store`).
An unknown volume is always VolumeNotFound (GatewayNotFound is kept for ListVolumes, and for
the variant "gateway-not-found").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from conformance.endpoint.errors import (
    ApiError,
    Unanswered,
    gateway_not_found,
    internal_failure,
    serialization_error,
    volume_not_found,
)
from conformance.endpoint.faults import FaultSet
from conformance.endpoint.store import SEED_ACCOUNT, Store, Volume
from conformance.endpoint.validation import Invalid, WrongType, ascii_decimal, operation_validators
from conformance.endpoint.variants import VariantSet
from conformance.spec import javaregex, schemas

Operation = Callable[[Any], dict[str, Any]]
DEFAULT_LIST_LIMIT = 100
# Faults that answer a null member before validation: fault -> (member, the answer it gets).
# (Correct: a null member is absent, so a required one is a ValidationException.)
NULL_MEMBER_FAULTS: dict[str, tuple[str, Callable[[], ApiError]]] = {
    "null-tags-rejected": ("Tags", lambda: serialization_error(
        "Member 'tags' must be of type array, not null")),
    "null-volume-arn-serialization-error": ("VolumeARN", lambda: serialization_error(
        "Member 'volumeARN' must be of type string, not null")),
    "null-description-500": ("SnapshotDescription", lambda: internal_failure(
        "'NoneType' object has no len()")),
}
_TAG_VALUE_PATTERN = schemas.load("Tag")["properties"]["Value"]["pattern"]   # the committed one
_TAG_MEMBERS = frozenset(schemas.load("Tag")["properties"])
# Variants "unknown-member-*": the error type that refuses a member the API does not define.
UNKNOWN_MEMBER_ANSWERS = {"unknown-member-validation": "ValidationException",
                          "unknown-member-serialization": "SerializationException"}


class Backend:
    """CreateSnapshot and ListVolumes over ``store``, as the faults and variants change them."""

    def __init__(self, store: Store, faults: FaultSet, variants: VariantSet | None = None) -> None:
        self.store, self.faults = store, faults
        self.variants = variants = variants or VariantSet()
        self.validators = operation_validators(faults, variants)
        self.operations: dict[str, Operation] = {"CreateSnapshot": self.create_snapshot,
                                                 "ListVolumes": self.list_volumes}
        self._first_snapshot_id: str | None = None   # fault "snapshot-id-repeated"
        self._id_lock = threading.Lock()

    # -- CreateSnapshot ------------------------------------------------------------------------
    def create_snapshot(self, params: Any) -> dict[str, Any]:
        if not (self.faults or self.variants):   # the default: validate, look up, store
            params = self._validated("CreateSnapshot", params)
            self._check_volume(params["VolumeARN"])
            return self._create_snapshot(params, params["VolumeARN"])
        if isinstance(params, dict):
            self._screen(params)
            self._refuse_unknown_members(params)
            if self.faults("lookup-before-validation") and isinstance(params.get("VolumeARN"), str):
                self._check_volume(params["VolumeARN"])   # the ARN alone validated first, then looked up
        params = self._validated("CreateSnapshot", params)
        self._store_faults(params)
        arn = params.get("VolumeARN", "")   # always there, unless a fault left it optional
        self._authorise(arn)
        self._check_volume(arn)
        return self._create_snapshot(params, arn)

    def _create_snapshot(self, params: dict[str, Any], arn: str) -> dict[str, Any]:
        """The snapshot of a validated request's volume, known to exist (or let through by a fault)."""
        snapshot_id = self._new_snapshot(arn, params)
        echoed = _not_echoed(arn) if self.faults("volume-arn-not-echoed") else arn
        result: dict[str, Any] = {"VolumeARN": echoed, "SnapshotId": snapshot_id}
        if self.variants("extra-response-members"):   # members a later API version might add
            result.update(SnapshotDescription=params.get("SnapshotDescription", ""),
                          Tags=params.get("Tags", []), VolumeRecoveryPointTime=time.time())
        return result

    def _screen(self, params: dict[str, Any]) -> None:
        """Faults that answer a request body before it is validated."""
        for fault, (member, answer) in NULL_MEMBER_FAULTS.items():
            if self.faults(fault) and member in params and params[member] is None:
                raise answer()
        schema = self.validators["CreateSnapshot"].schema["properties"]
        if self.faults("unknown-member-500") and set(params) - set(schema):
            raise internal_failure("__init__() got an unexpected keyword argument")
        tags = params.get("Tags")
        if self.faults("too-many-tags-exception") and isinstance(tags, list) \
                and len(tags) > int(schema["Tags"].get("maxItems", len(tags))):
            raise ApiError("TooManyTagsException", f"At most {schema['Tags']['maxItems']} tags are allowed")

    def _refuse_unknown_members(self, params: dict[str, Any]) -> None:
        """Variants "unknown-member-*": a member the API does not define is refused."""
        for variant, type_ in UNKNOWN_MEMBER_ANSWERS.items():
            if self.variants(variant):
                unknown = _unknown_members(params, self.validators["CreateSnapshot"].schema["properties"])
                if unknown:
                    raise ApiError(type_, f"Unknown member '{unknown[0]}' in the request")

    def _validated(self, operation: str, params: Any) -> Any:
        try:
            return self.validators[operation].validated(params)
        except WrongType as exc:
            raise serialization_error(str(exc)) from None
        except Invalid as exc:
            if self.variants("invalid-parameters"):
                raise ApiError("InvalidGatewayRequestException", str(exc), code="InvalidParameters",
                               details={"reason": exc.violations[0].constraint}) from None
            raise ApiError("ValidationException", str(exc)) from None

    def _store_faults(self, params: dict[str, Any]) -> None:
        """Faults of the snapshot store, reached by valid (or fault-validated) requests."""
        if self.faults("tag-value-pattern-500") and any(
                not javaregex.java_fullmatch(_TAG_VALUE_PATTERN, str(t.get("Value", "")))
                for t in params.get("Tags") or []):
            raise ApiError("InternalServerError", "The snapshot store refused a tag value", 500,
                           code="InternalError")
        if self.faults("astral-connection-drop") and any(map(_has_astral, _stored_strings(params))):
            raise Unanswered()

    def _authorise(self, arn: str) -> None:
        """Variant "foreign-account-access-denied": IAM refuses a resource of an account it does not serve."""
        if not self.variants("foreign-account-access-denied"):
            return
        accounts = {_arn_account(v.arn) for v in self.store.volumes()}
        if _arn_account(arn) not in accounts:
            raise ApiError("AccessDeniedException",
                           f"User: arn:aws:iam::{SEED_ACCOUNT}:user/conformance is not authorized to "
                           f"perform: storagegateway:CreateSnapshot on resource: {arn}")

    def _check_volume(self, arn: str) -> None:
        if self.store.volume(arn) is None and not self.faults("unknown-volume-accepted"):
            gateway = arn.rpartition("/volume/")[0]
            if self.variants("gateway-not-found") and not self.store.gateway_exists(gateway):
                raise gateway_not_found(gateway)
            raise volume_not_found(arn)

    def _new_snapshot(self, arn: str, params: dict[str, Any]) -> str:
        """Store the snapshot; its id, in the form the faults and variants give it."""
        digits = (10 if self.faults("snapshot-id-wrong-form")
                  else 17 if self.variants("long-snapshot-ids") else 8)
        snapshot_id = self.store.create_snapshot(arn, params.get("SnapshotDescription", ""),
                                                 params.get("Tags", []), digits)
        if self.variants("upper-case-snapshot-ids"):
            snapshot_id = "snap-" + snapshot_id[len("snap-"):].upper()
        if self.faults("snapshot-id-repeated"):
            with self._id_lock:
                snapshot_id = self._first_snapshot_id = self._first_snapshot_id or snapshot_id
        return snapshot_id

    # -- ListVolumes ---------------------------------------------------------------------------
    def list_volumes(self, params: Any) -> dict[str, Any]:
        params = self._validated("ListVolumes", params)
        gateway_arn = params.get("GatewayARN")
        if gateway_arn is not None and not self.store.gateway_exists(gateway_arn):
            raise gateway_not_found(gateway_arn)
        volumes = self.store.volumes(gateway_arn)
        start = _marker_offset(params.get("Marker"), len(volumes))
        end = start + int(params.get("Limit", DEFAULT_LIST_LIMIT))   # JSON 2.0 is an integer too
        result: dict[str, Any] = {"VolumeInfos": [_volume_info(v) for v in volumes[start:end]]}
        if gateway_arn is not None:
            result["GatewayARN"] = gateway_arn
        if end < len(volumes):
            result["Marker"] = str(end)
        return result


def _arn_account(arn: str) -> str:
    """The account field of an ARN (the fifth ':'-separated one), '' if there is none."""
    parts = arn.split(":", 5)
    return parts[4] if len(parts) > 5 else ""


def _unknown_members(params: dict[str, Any], members: Iterable[str]) -> list[str]:
    """Non-null members of the body, or of its tags, that the API does not define (AWS's paths)."""
    known = set(members)
    found = [k[:1].lower() + k[1:] for k, v in params.items() if k not in known and v is not None]
    tags = params.get("Tags")
    for i, tag in enumerate(tags if isinstance(tags, list) else []):
        if isinstance(tag, dict):
            found += [f"tags.{i + 1}.member.{k[:1].lower() + k[1:]}" for k, v in tag.items()
                      if k not in _TAG_MEMBERS and v is not None]
    return found


def _has_astral(text: str) -> bool:
    return any(ord(ch) > 0xFFFF for ch in text)


def _stored_strings(params: dict[str, Any]) -> list[str]:
    tags = params.get("Tags") or []
    return [params.get("SnapshotDescription", ""), *(str(v) for t in tags for v in t.values())]


def _not_echoed(arn: str) -> str:
    """Fault "volume-arn-not-echoed": a lower-cased ARN (or, if already lower, the volume id upper)."""
    if arn.lower() != arn:
        return arn.lower()
    head, _, volume = arn.rpartition("/volume/")
    return f"{head}/volume/{volume.upper()}"


def _marker_offset(marker: str | None, total: int) -> int:
    if marker is None:
        return 0
    offset = ascii_decimal(marker)
    if offset is None or offset > total:
        raise ApiError("InvalidGatewayRequestException",
                       f"The marker is not one this endpoint issued: {marker}", code="InvalidParameters")
    return offset


def _volume_info(volume: Volume) -> dict[str, Any]:
    return {"VolumeARN": volume.arn, "VolumeId": volume.volume_id, "GatewayARN": volume.gateway_arn,
            "GatewayId": volume.gateway_id, "VolumeType": volume.volume_type,
            "VolumeSizeInBytes": volume.size_bytes, "VolumeAttachmentStatus": "ATTACHED"}
