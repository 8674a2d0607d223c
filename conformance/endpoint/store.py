"""The reference endpoint's state in SQLite: gateways, volumes and snapshots.

In memory by default; given a file path, the state persists across restarts.  One
connection is shared by every request thread behind a lock (SQLite serialises writers
anyway).  Snapshot ids are ``snap-`` plus hex digits from a random source, retried until
unique in the database, so an id is never handed out twice, even across restarts of a
persistent store (API_CreateSnapshot.md > Response Elements > SnapshotId).  In memory, an id is
reserved at once and its row written after the answer has gone, in batches of
:data:`WRITE_BATCH` rows in one transaction (:meth:`Store.flush`; every read writes what is
pending first), which takes the insert off the answer's path: one insert per answer cost about
a third of the time a request took.  Every endpoint
starts with the reference page's example gateway and volume (:func:`seeded_volume_arn`).
"""

from __future__ import annotations

import json
import random
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS gateways (
    arn        TEXT PRIMARY KEY,
    gateway_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS volumes (
    arn         TEXT PRIMARY KEY,
    gateway_arn TEXT NOT NULL REFERENCES gateways(arn),
    volume_id   TEXT NOT NULL,
    volume_type TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshots (
    snapshot_id TEXT PRIMARY KEY,
    volume_arn  TEXT NOT NULL,
    description TEXT NOT NULL,   -- JSON string (keeps lone surrogates a JSON body may carry)
    tags        TEXT NOT NULL,   -- JSON array of {"Key", "Value"}
    created_at  REAL NOT NULL
);
"""
DEFAULT_VOLUME_SIZE = 10 * 1024**3
MAX_ID_ATTEMPTS = 1000
WRITE_BATCH = 256                       # in memory: snapshot rows written this many at a time
SEED_ACCOUNT = "111122223333"           # API_CreateSnapshot.md > Examples
SEED_GATEWAY_ID = "sgw-12A3456B"
SEED_VOLUME_ID = "vol-1122AABB"


def seeded_gateway_arn(region: str, partition: str = "aws") -> str:
    return f"arn:{partition}:storagegateway:{region}:{SEED_ACCOUNT}:gateway/{SEED_GATEWAY_ID}"


def seeded_volume_arn(region: str, partition: str = "aws") -> str:
    return f"{seeded_gateway_arn(region, partition)}/volume/{SEED_VOLUME_ID}"


@dataclass(frozen=True)
class Volume:
    arn: str
    gateway_arn: str
    volume_id: str
    volume_type: str
    size_bytes: int

    @property
    def gateway_id(self) -> str:
        return gateway_id(self.gateway_arn)


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: str
    volume_arn: str
    description: str
    tags: list[dict[str, Any]]
    created_at: float


def split_volume_arn(arn: str) -> tuple[str, str]:
    """``<gateway ARN>/volume/<volume id>`` -> (gateway ARN, volume id)."""
    gateway_arn, sep, volume_id = arn.rpartition("/volume/")
    if not sep:
        raise ValueError(f"not a volume ARN: {arn}")
    return gateway_arn, volume_id


def gateway_id(gateway_arn: str) -> str:
    return gateway_arn.rpartition("gateway/")[2]


_random = random.Random(secrets.token_bytes(32))   # ids are unique (checked), not secret


def random_hex(digits: int) -> str:
    """``digits`` random hex digits (from a seeded generator: no system call per id)."""
    return format(_random.getrandbits(4 * digits), f"0{digits}x")


class Store:
    """Thread-safe access to the state; ``path=None`` keeps it in memory."""

    def __init__(self, path: str | None = None, id_source: Callable[[int], str] = random_hex) -> None:
        self.path = path
        self._id_source = id_source
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._volumes: dict[str, Volume] = {}
        # In memory, a snapshot's row is written after the answer is sent (flush(), called by the
        # server; every read flushes first): its id is reserved at once in _ids.  A state file is
        # written before the answer (durable, and its ids checked by SQLite against other processes).
        self._write_behind = not path
        self._ids: set[str] = set()
        self._pending: list[tuple[str, str, str, list[dict[str, Any]], float]] = []

    def close(self) -> None:
        with self._lock:
            self._write_pending()
            self._db.close()

    def flush(self) -> None:
        """Write the snapshots answered but not yet written once a batch is full (in memory;
        nothing to do otherwise).  Reads write every pending row first, whatever their number."""
        if len(self._pending) >= WRITE_BATCH:
            with self._lock:
                self._write_pending()

    def _write_pending(self) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        rows = [(i, arn, json.dumps(d), json.dumps(t), at) for i, arn, d, t, at in pending]
        with self._db:   # one transaction for the batch (autocommit would commit every row)
            self._db.execute("BEGIN")
            self._db.executemany("INSERT INTO snapshots VALUES (?, ?, ?, ?, ?)", rows)

    def reset(self) -> None:
        """Empty every table (in one transaction)."""
        with self._lock:
            self._pending.clear()
            self._ids.clear()
            self._db.executescript("BEGIN; DELETE FROM snapshots; DELETE FROM volumes; DELETE FROM gateways; "
                                   "COMMIT;")
            self._volumes.clear()

    def add_volume(self, arn: str, volume_type: str = "STORED",
                   size_bytes: int = DEFAULT_VOLUME_SIZE) -> Volume:
        """Add a volume (and its gateway); an existing one is kept as it is."""
        gateway_arn, volume_id = split_volume_arn(arn)
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO gateways VALUES (?, ?)",
                             (gateway_arn, gateway_id(gateway_arn)))
            self._db.execute("INSERT OR IGNORE INTO volumes VALUES (?, ?, ?, ?, ?)",
                             (arn, gateway_arn, volume_id, volume_type, size_bytes))
        volume = self.volume(arn)
        assert volume is not None
        return volume

    def gateway_exists(self, gateway_arn: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM gateways WHERE arn = ?", (gateway_arn,)).fetchone()
        return row is not None

    def volume(self, arn: str) -> Volume | None:
        known = self._volumes.get(arn)   # volumes change only through this object: kept in memory too
        if known is not None:
            return known
        with self._lock:
            row = self._db.execute("SELECT * FROM volumes WHERE arn = ?", (arn,)).fetchone()
            if row:
                self._volumes[arn] = Volume(*row)
        return Volume(*row) if row else None

    def volumes(self, gateway_arn: str | None = None) -> list[Volume]:
        """Volumes in a stable order (by ARN), of one gateway or of all."""
        query, args = "SELECT * FROM volumes", tuple[str, ...]()
        if gateway_arn is not None:
            query, args = query + " WHERE gateway_arn = ?", (gateway_arn,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY arn", args).fetchall()
        return [Volume(*row) for row in rows]

    def create_snapshot(self, volume_arn: str, description: str, tags: list[dict[str, Any]],
                        hex_digits: int = 8) -> str:
        """Record a snapshot under a fresh id (``snap-`` + ``hex_digits`` hex) and return the id."""
        if self._write_behind:
            created = time.time()
            with self._lock:
                for _ in range(MAX_ID_ATTEMPTS):
                    snapshot_id = "snap-" + self._id_source(hex_digits)
                    if snapshot_id not in self._ids:
                        self._ids.add(snapshot_id)
                        self._pending.append((snapshot_id, volume_arn, description, tags, created))
                        return snapshot_id
            raise RuntimeError(f"no unused snapshot id after {MAX_ID_ATTEMPTS} draws")
        record = (volume_arn, json.dumps(description), json.dumps(tags), time.time())
        with self._lock:
            for _ in range(MAX_ID_ATTEMPTS):
                snapshot_id = "snap-" + self._id_source(hex_digits)
                try:
                    self._db.execute("INSERT INTO snapshots VALUES (?, ?, ?, ?, ?)", (snapshot_id, *record))
                except sqlite3.IntegrityError:
                    continue  # the id is taken: draw another
                return snapshot_id
        raise RuntimeError(f"no unused snapshot id after {MAX_ID_ATTEMPTS} draws")

    def snapshot(self, snapshot_id: str) -> Snapshot | None:
        with self._lock:
            self._write_pending()
            row = self._db.execute("SELECT * FROM snapshots WHERE snapshot_id = ?", (snapshot_id,)).fetchone()
        return _snapshot(row) if row else None

    def snapshots(self) -> list[Snapshot]:
        with self._lock:
            self._write_pending()
            rows = self._db.execute("SELECT * FROM snapshots ORDER BY created_at, snapshot_id").fetchall()
        return [_snapshot(row) for row in rows]

    def snapshot_count(self) -> int:
        with self._lock:
            self._write_pending()
            return int(self._db.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0])


def _snapshot(row: tuple[Any, ...]) -> Snapshot:
    snapshot_id, volume_arn, description, tags, created_at = row
    return Snapshot(snapshot_id, volume_arn, json.loads(description), json.loads(tags), created_at)
