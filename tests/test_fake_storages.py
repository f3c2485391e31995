"""Tests of the fake's storages routes (tests/fake/fake/storages.py), which
answer as ApplicationsController, DatabasesController, ServicesController
(storages, create_storage, update_storage, delete_storage) and
VolumeBackupsController (upsert, run, destroy) do at Coolify's HEAD. The
seed has none of them: its catch-all answers.

    /usr/bin/python3 -m pytest tests/test_fake_storages.py
"""
import time

import pytest

from test_fake import READ, READSENS, ROOT, WRITE, Fake


@pytest.fixture(scope="module", params=["seed", "latest"])
def fake(request):
    server = Fake(request.param)
    yield server
    server.close()


@pytest.fixture(autouse=True)
def fresh(fake):
    fake.ctl("reset", {})


def latest_only(fake):
    if fake.mode != "latest":
        pytest.skip("latest-mode behaviour")


def storages(fake, kind, uuid, token=ROOT):
    return fake.ok("GET", "/api/v1/%s/%s/storages" % (kind, uuid), token)


def n8n(fake):
    return next(s for s in fake.ok("GET", "/api/v1/services") if s["name"].startswith("n8n"))


def test_absent_at_the_seed(fake):
    if fake.mode != "seed":
        pytest.skip("seed-mode behaviour")
    web = fake.app("web")
    status, _, body = fake.get("/api/v1/applications/%s/storages" % web["uuid"])
    assert (status, body["message"]) == (404, "Not found.")
    status, _, body = fake.call("PUT", "/api/v1/applications/%s/storages/x/backups"
                                % web["uuid"], body={"frequency": "daily"})
    assert (status, body["message"]) == (404, "Not found.")


def test_list_shape_order_and_content(fake):
    latest_only(fake)
    web = fake.app("web")
    got = storages(fake, "applications", web["uuid"])
    assert list(got) == ["persistent_storages", "file_storages"]
    vol = got["persistent_storages"][0]
    assert list(vol) == ["id", "uuid", "name", "mount_path", "host_path",
                         "is_preview_suffix_enabled", "container_id", "resource_type",
                         "resource_id", "created_at", "updated_at"]
    assert vol["resource_type"] == "App\\Models\\Application"
    conf = got["file_storages"][0]
    assert list(conf)[:5] == ["id", "uuid", "fs_path", "mount_path", "content"]
    assert list(conf)[-2:] == ["is_binary", "is_too_large"]
    # exposeFileStorageContentIfAllowed: content only for sensitive tokens.
    plain = storages(fake, "applications", web["uuid"], READ)["file_storages"][0]
    assert "content" not in plain
    assert storages(fake, "applications", web["uuid"], READSENS)["file_storages"][0] == conf
    # read ability: a write-only token may not list.
    status, _, body = fake.get("/api/v1/applications/%s/storages" % web["uuid"], WRITE)
    assert status == 403 and body["message"] == "Missing required permissions: read"
    status, _, body = fake.get("/api/v1/applications/nope/storages")
    assert (status, body["message"]) == (404, "Application not found")


def test_service_list_merges_its_containers(fake):
    latest_only(fake)
    svc = n8n(fake)
    got = storages(fake, "services", svc["uuid"])
    vols = got["persistent_storages"]
    assert [v["name"] for v in vols] == [svc["uuid"] + "_n8n-data",
                                         svc["uuid"] + "_postgresql-data"]
    assert [v["resource_type"] for v in vols] == ["application", "database"]
    assert list(vols[0])[-1] == "resource_uuid"
    assert got["file_storages"] == []
    # Read-only: only is_preview_suffix_enabled may change, and none may go.
    path = "/api/v1/services/%s/storages" % svc["uuid"]
    status, _, body = fake.call("PATCH", path, body={"uuid": vols[0]["uuid"],
                                                     "type": "persistent", "mount_path": "/x"})
    assert status == 422 and body["read_only_fields"] == ["mount_path"]
    body = fake.ok("PATCH", path, body={"uuid": vols[0]["uuid"], "type": "persistent",
                                        "is_preview_suffix_enabled": False})
    assert body["is_preview_suffix_enabled"] is False and "resource_uuid" not in body
    status, _, body = fake.call("DELETE", path + "/" + vols[0]["uuid"])
    assert status == 422 and "cannot be deleted" in body["message"]


def test_update_by_uuid_or_id_and_validation(fake):
    latest_only(fake)
    web = fake.app("web")
    path = "/api/v1/applications/%s/storages" % web["uuid"]
    vol = storages(fake, "applications", web["uuid"])["persistent_storages"][0]
    body = fake.ok("PATCH", path, body={"uuid": vol["uuid"], "type": "persistent",
                                        "mount_path": "media "})
    assert body["mount_path"] == "/media"
    body = fake.ok("PATCH", path, body={"id": vol["id"], "type": "persistent", "name": "up"})
    assert body["name"] == "up"
    for bad, field, message in (
            ({"uuid": vol["uuid"]}, "type", "This field is required."),
            ({"uuid": vol["uuid"], "type": "persistent", "size": 1}, "size",
             "This field is not allowed."),
            ({"uuid": vol["uuid"], "type": "persistent", "name": "-x"}, "name",
             "The name field format is invalid."),
            ({"type": "persistent"}, "uuid", "Either uuid or id is required."),
            ({"uuid": vol["uuid"], "type": "persistent", "content": "x"}, "content",
             "Field 'content' is not valid for type 'persistent'.")):
        status, _, answer = fake.call("PATCH", path, body=bad)
        assert status == 422, bad
        errors = answer["errors"][field]
        assert message in (errors if isinstance(errors, list) else [errors]), answer
    status, _, body = fake.call("PATCH", path, body={"uuid": vol["uuid"], "type": "file"})
    assert (status, body["message"]) == (404, "Storage not found.")
    status, _, body = fake.call("PATCH", path, WRITE, raw_body=b"name=x",
                                content_type="application/x-www-form-urlencoded")
    assert status == 400


def test_create_names_the_volume_after_its_owner(fake):
    latest_only(fake)
    web = fake.app("web")
    path = "/api/v1/applications/%s/storages" % web["uuid"]
    body = fake.ok("POST", path, body={"type": "persistent", "name": "logs",
                                       "mount_path": "logs"}, status=201)
    assert body["name"] == web["uuid"] + "-logs" and body["mount_path"] == "/logs"
    assert list(body)[-4:] == ["uuid", "updated_at", "created_at", "id"]
    body = fake.ok("POST", path, body={"type": "file", "mount_path": "/etc/app.ini",
                                       "content": "a=1"}, status=201)
    assert body["fs_path"] == "/data/coolify/applications/%s/etc/app.ini" % web["uuid"]
    assert body["content"] == "a=1"
    for bad, field, message in (
            ({"type": "persistent", "mount_path": "/x"}, "name",
             "The name field is required for persistent storages."),
            ({"type": "file", "mount_path": "/x", "name": "n"}, "name",
             "Field 'name' is not valid for type 'file'."),
            ({"type": "file", "mount_path": "/a/../b"}, "mount_path",
             "Invalid file storage path: relative path segments ('.' or '..') are not allowed."),
            ({"type": "file", "mount_path": "/d", "is_directory": True}, "fs_path",
             "The fs_path field is required for directory mounts.")):
        status, _, answer = fake.call("POST", path, body=bad)
        assert (status, answer["errors"][field]) == (422, message), bad
    # A service's storage goes on one of its containers.
    svc = n8n(fake)
    spath = "/api/v1/services/%s/storages" % svc["uuid"]
    status, _, answer = fake.call("POST", spath, body={"type": "persistent", "name": "x",
                                                       "mount_path": "/x"})
    assert status == 422 and answer["errors"]["resource_uuid"] == ["This field is required."]
    status, _, answer = fake.call("POST", spath, body={"type": "persistent", "name": "x",
                                                       "mount_path": "/x",
                                                       "resource_uuid": "nope"})
    assert (status, answer["message"]) == (404, "Service resource not found.")


def test_backup_schedule_put_run_and_destroy(fake):
    latest_only(fake)
    web = fake.app("web")
    got = storages(fake, "applications", web["uuid"])
    vol, conf, cache = got["persistent_storages"][0], *got["file_storages"]
    one = "/api/v1/applications/%s/storages/%s" % (web["uuid"], vol["uuid"])
    status, _, body = fake.call("POST", one + "/backups/run")
    assert (status, body["message"]) == (404, "Storage backup schedule not found.")
    body = fake.ok("PUT", one + "/backups", body={"frequency": "0 2 * * *"}, status=201)
    assert body["message"] == "Storage backup schedule created."
    assert (body["storage_uuid"], body["storage_type"]) == (vol["uuid"], "persistent")
    assert (body["enabled"], body["retention_amount_locally"], body["timeout"]) == (True, 7, 36000)
    uuid = body["uuid"]
    body = fake.ok("PUT", one + "/backups", body={"frequency": "daily", "enabled": False})
    assert body["message"] == "Storage backup schedule updated." and body["uuid"] == uuid
    assert body["enabled"] is False
    for bad, field in (({"frequency": "sometimes"}, "frequency"),
                       ({"frequency": "daily", "disable_local_backup": True},
                        "disable_local_backup"),
                       ({"frequency": "daily", "save_s3": True}, "s3_storage_uuid"),
                       ({"frequency": "daily", "timeout": 5}, "timeout"),
                       ({"frequency": "daily", "uuid": "x"}, "uuid")):
        status, _, answer = fake.call("PUT", one + "/backups", body=bad)
        assert status == 422 and field in answer["errors"], (bad, answer)
    # Only directory mounts among the file storages.
    fone = "/api/v1/applications/%s/storages/%s" % (web["uuid"], conf["uuid"])
    status, _, answer = fake.call("PUT", fone + "/backups", body={"frequency": "daily"})
    assert answer["errors"]["storage_uuid"] == ["Only directory file storages can be backed up."]
    done = "/api/v1/applications/%s/storages/%s" % (web["uuid"], cache["uuid"])
    body = fake.ok("PUT", done + "/backups", body={"frequency": "daily"}, status=201)
    assert body["storage_type"] == "directory"
    # The volume cannot go while its schedule is there; the schedule not while it runs.
    status, _, answer = fake.call("DELETE", one)
    assert status == 422 and answer["message"] == (
        "Delete this volume backup schedule and its archives before deleting the volume.")
    body = fake.ok("POST", one + "/backups/run")
    assert body == {"message": "Storage backup queued.", "uuid": uuid}
    status, _, answer = fake.call("DELETE", one + "/backups")
    assert status == 409 and answer["message"].startswith("Wait for the")
    time.sleep(2.1)
    assert fake.ok("DELETE", one + "/backups") == {
        "message": "Storage backup schedule and archives deleted."}
    status, _, answer = fake.call("DELETE", one + "/backups")
    assert (status, answer["message"]) == (404, "Storage backup schedule not found.")
    assert fake.ok("DELETE", one) == {"message": "Storage deleted."}
    assert storages(fake, "applications", web["uuid"])["persistent_storages"] == []
    status, _, answer = fake.call("DELETE", one)
    assert (status, answer["message"]) == (404, "Storage not found.")
    # Every write needs write.
    status, _, _ = fake.call("PUT", done + "/backups", READSENS, body={"frequency": "daily"})
    assert status == 403


def test_database_storages(fake):
    latest_only(fake)
    db = next(d for d in fake.ok("GET", "/api/v1/databases") if d["name"] == "web-db")
    got = storages(fake, "databases", db["uuid"])
    assert [v["name"] for v in got["persistent_storages"]] == ["postgres-data-" + db["uuid"]]
    assert got["persistent_storages"][0]["resource_type"] == "App\\Models\\StandalonePostgresql"
    status, _, body = fake.get("/api/v1/databases/nope/storages")
    assert (status, body["message"]) == (404, "Database not found.")
