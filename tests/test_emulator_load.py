"""Load and state: concurrent clients are safe, snapshot ids are unique, a state file survives restarts."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from conformance.endpoint import ReferenceEndpoint
from conformance.endpoint.store import Store, split_volume_arn

Created = list[tuple[str, str]]   # (description, SnapshotId)


def create_one(session: requests.Session, endpoint: ReferenceEndpoint, description: str) -> str:
    """The SnapshotId of one CreateSnapshot; raises on any other answer."""
    params = {"VolumeARN": endpoint.volume_arn, "SnapshotDescription": description}
    body = json.dumps(params).encode()
    answer = session.post(endpoint.url, data=body, headers=endpoint.signed_headers(body), timeout=30)
    if answer.status_code != 200:
        raise ValueError(f"{answer.status_code} {answer.text[:200]}")
    return str(answer.json()["SnapshotId"])


def hammer(endpoint: ReferenceEndpoint, threads: int, per_thread: int) -> tuple[Created, list[str]]:
    """``threads`` keep-alive clients each creating ``per_thread`` snapshots: what was created, errors."""
    created: Created = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        with requests.Session() as session:
            for i in range(per_thread):
                description = f"load t{n} #{i}"
                try:
                    snapshot_id = create_one(session, endpoint, description)
                except (requests.RequestException, ValueError, KeyError) as exc:
                    with lock:
                        errors.append(repr(exc))
                    continue
                with lock:
                    created.append((description, snapshot_id))

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return created, errors


def assert_all_stored(endpoint: ReferenceEndpoint, created: Created) -> None:
    assert endpoint.store is not None
    ids = [snapshot_id for _, snapshot_id in created]
    assert len(set(ids)) == len(ids)
    for description, snapshot_id in created:
        stored = endpoint.store.snapshot(snapshot_id)
        assert stored is not None and stored.description == description


@pytest.mark.slow
def test_8_threads_of_500_requests_succeed_with_unique_stored_snapshot_ids() -> None:
    with ReferenceEndpoint() as endpoint:
        created, errors = hammer(endpoint, threads=8, per_thread=500)
        assert errors == []
        assert len(created) == 4000
        assert_all_stored(endpoint, created)
        assert endpoint.store is not None and endpoint.store.snapshot_count() == 4000


def test_concurrent_clients_on_a_state_file_all_persist(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    with ReferenceEndpoint(state=state) as endpoint:
        created, errors = hammer(endpoint, threads=4, per_thread=40)
    assert errors == [] and len(created) == 160
    with ReferenceEndpoint(state=state) as restarted:
        assert_all_stored(restarted, created)


def test_snapshots_survive_a_restart_and_new_ids_never_repeat_old_ones(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    with ReferenceEndpoint(state=state) as first:
        before, errors = hammer(first, threads=2, per_thread=15)
    assert errors == []
    with ReferenceEndpoint(state=state) as second:
        assert second.store is not None
        assert {s.snapshot_id for s in second.store.snapshots()} == {i for _, i in before}
        after, errors = hammer(second, threads=2, per_thread=15)
        assert errors == []
        assert not {i for _, i in before} & {i for _, i in after}
        assert second.store.snapshot_count() == 60


def scripted(values: list[str]) -> Iterator[str]:
    yield from values
    raise AssertionError("the id source ran dry")


def test_an_id_already_in_the_store_is_drawn_again_even_across_restarts(tmp_path: Path) -> None:
    path = str(tmp_path / "state.sqlite")
    arn = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
    first_ids = scripted(["0000000a", "0000000b"])
    store = Store(path, id_source=lambda digits: next(first_ids))
    store.add_volume(arn)
    old = {store.create_snapshot(arn, "one", []), store.create_snapshot(arn, "two", [])}
    store.close()
    repeating = scripted(["0000000a", "0000000b", "0000000a", "0000000c"])
    reopened = Store(path, id_source=lambda digits: next(repeating))
    new = reopened.create_snapshot(arn, "three", [{"Key": "k", "Value": "v"}])
    assert old == {"snap-0000000a", "snap-0000000b"} and new == "snap-0000000c"
    assert [s.description for s in reopened.snapshots()] == ["one", "two", "three"]
    reopened.close()


def test_a_state_file_keeps_the_volumes_added_at_start(tmp_path: Path) -> None:
    extra = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-99999999/volume/vol-12345678"
    state = tmp_path / "state.sqlite"
    with ReferenceEndpoint(state=state, volumes=[extra]):
        pass
    with ReferenceEndpoint(state=state) as endpoint:
        assert endpoint.store is not None and endpoint.store.volume(extra) is not None
        assert endpoint.store.gateway_exists(split_volume_arn(extra)[0])


def test_descriptions_with_lone_surrogates_are_stored_as_sent() -> None:
    with ReferenceEndpoint() as endpoint:
        arn = endpoint.volume_arn.encode()
        raw = b'{"VolumeARN": "%s", "SnapshotDescription": "half \\ud800 pair"}' % arn
        answer = requests.post(endpoint.url, data=raw, headers=endpoint.signed_headers(raw), timeout=10)
        assert answer.status_code == 200, answer.text
        assert endpoint.store is not None
        stored = endpoint.store.snapshot(answer.json()["SnapshotId"])
        assert stored is not None and stored.description == "half \ud800 pair"
