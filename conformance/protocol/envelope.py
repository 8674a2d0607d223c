"""The awsJson1_1 envelope of Storage Gateway: target names, media type, header names.

One home for the wire constants that the suite, the checks and the reference endpoint share
(docs/protocol.md > The request, > Errors).
"""

from __future__ import annotations

TARGET_PREFIX = "StorageGateway_20130630"
CREATE_SNAPSHOT_TARGET = f"{TARGET_PREFIX}.CreateSnapshot"
LIST_VOLUMES_TARGET = f"{TARGET_PREFIX}.ListVolumes"
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
SERVICE = "storagegateway"
