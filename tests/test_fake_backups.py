"""The fake's database backup routes (tests/fake/fake/backups.py), checked
against DatabasesController at HEAD: answer shapes, status codes and
messages, abilities, the order of its checks, and absence at the seed.
No mount: the fake alone, over HTTP."""
import time

import pytest

from conftest import READ_TOKEN, WRITE_TOKEN


@pytest.fixture
def api(latest):
    latest.reset()
    return latest.api


def db(api, name):
    return next(d for d in api("/databases")[1] if d["name"] == name)


def base(api, name="web-db"):
    return "/databases/%s/backups" % db(api, name)["uuid"]


def test_list_shape_newest_first_with_every_execution(api):
    st, body = api(base(api))
    assert st == 200 and [b["frequency"] for b in body] == ["weekly", "0 2 * * *"]
    nightly = body[1]
    # toArray(): nothing hidden, columns in table order, then the relation.
    assert list(nightly)[:4] == ["id", "description", "uuid", "enabled"]
    assert list(nightly)[-1] == "executions"
    assert nightly["database_type"] == "App\\Models\\StandalonePostgresql"
    assert nightly["database_backup_retention_max_storage_locally"] == 0.0
    assert [r["status"] for r in nightly["executions"]] == ["success", "failed", "success"]
    assert set(nightly["executions"][0]) >= {"id", "scheduled_database_backup_id", "finished_at",
                                             "local_storage_deleted", "s3_uploaded"}


def test_executions_are_wrapped_and_reduced(api):
    b = base(api)
    nightly = api(b)[1][1]
    st, body = api("%s/%s/executions" % (b, nightly["uuid"]))
    assert st == 200 and list(body) == ["executions"]
    first = body["executions"][0]
    assert list(first) == ["uuid", "filename", "size", "created_at", "message", "status"]
    assert first["created_at"] == "2025-05-27T02:00:00+00:00"
    assert first["uuid"] == nightly["executions"][0]["uuid"]
    assert body["executions"][1]["filename"] is None


def test_not_found_messages(api):
    b = base(api)
    assert api("/databases/nope/backups") == (404, {"message": "Database not found."})
    assert api(b + "/nope/executions") == (404, {"message": "Backup configuration not found."})
    assert api(b + "/nope", method="PATCH", body={"enabled": False}) == (
        404, {"message": "Backup config not found."})
    assert api(b + "/nope", method="DELETE") == (
        404, {"message": "Backup configuration not found."})
    nightly = api(b)[1][1]["uuid"]
    assert api("%s/%s/executions/nope" % (b, nightly), method="DELETE") == (
        404, {"message": "Backup execution not found."})


def test_abilities(api):
    b = base(api)
    nightly = api(b)[1][1]["uuid"]
    assert api(b, token=WRITE_TOKEN) == (403, {"message": "Missing required permissions: read"})
    assert api(b, token=READ_TOKEN)[0] == 200
    for method, path, body in (("POST", b, {"frequency": "daily"}),
                               ("PATCH", b + "/" + nightly, {"enabled": False}),
                               ("DELETE", b + "/" + nightly, None)):
        assert api(path, token=READ_TOKEN, method=method, body=body) == (
            403, {"message": "Missing required permissions: write"})
    assert len(api(b)[1]) == 2


def test_create_defaults_and_refusals(api):
    b = base(api)
    st, body = api(b, method="POST", body={"frequency": "daily"})
    assert st == 201 and body["message"] == "Backup configuration created successfully."
    made = next(x for x in api(b)[1] if x["uuid"] == body["uuid"])
    # The column defaults: save_s3 true even without a storage; the database's own name.
    assert (made["enabled"], made["save_s3"], made["timeout"], made["databases_to_backup"]) == (
        True, True, 3600, "postgres")
    assert made["executions"] == []
    assert api(b, method="POST", body={"enabled": True}) == (
        422, {"message": "Validation failed.", "errors": {"frequency": ["This field is required."]}})
    assert api(b, method="POST", body={"frequency": "sometimes"})[1]["errors"] == {
        "frequency": ["Invalid cron expression or frequency format."]}
    assert api(b, method="POST", body={"frequency": "daily", "save_s3": True})[1]["errors"] == {
        "s3_storage_uuid": ["The s3_storage_uuid field is required when save_s3 is true."]}
    assert api(b, method="POST", body={"frequency": "daily", "name": "x"})[1]["errors"] == {
        "name": ["This field is not allowed."]}
    bad = api(b, method="POST", body={"frequency": "daily", "databases_to_backup": "a;rm -rf /"})
    assert bad[0] == 422 and "forbidden character ';'" in bad[1]["errors"]["databases_to_backup"][0]
    assert api(base(api, "web-cache"), method="POST", body={"frequency": "daily"}) == (
        422, {"message": "Scheduled backups are not supported for this database type."})
    assert len(api(b)[1]) == 3


def test_update_checks_in_the_controllers_order(api):
    b = base(api)
    nightly = api(b)[1][1]
    path = b + "/" + nightly["uuid"]
    # The validator runs before the lookups: a bad field wins over a missing schedule.
    assert api(b + "/nope", method="PATCH", body={"timeout": 5})[1]["errors"] == {
        "timeout": ["The timeout field must be at least 60."]}
    # Unknown fields are checked after the lookup; removeUnnecessaryFieldsFromRequest first.
    assert api(path, method="PATCH", body={"id": 1})[1]["errors"] == {
        "id": ["This field is not allowed."]}
    assert api(path, method="PATCH", body={"type": "x", "enabled": False}) == (
        200, {"message": "Database backup configuration updated"})
    now = api(b)[1][1]
    assert now["enabled"] is False and now["updated_at"] != nightly["updated_at"]
    assert api(path, method="PATCH", body={"database_backup_retention_amount_locally": "3"})[0] == 200
    assert api(b)[1][1]["database_backup_retention_amount_locally"] == 3


def test_backup_now_runs_one_that_grows_then_succeeds(api):
    b = base(api)
    path = b + "/" + api(b)[1][1]["uuid"]
    assert api(path, method="PATCH", body={"backup_now": True}) == (
        200, {"message": "Database backup configuration updated"})
    first = api(path + "/executions")[1]["executions"][0]
    assert (first["status"], first["message"], first["size"]) == ("running", None, 0)
    seen = []
    deadline = time.time() + 10
    while True:
        run = api(path + "/executions")[1]["executions"][0]
        if run["message"] and run["message"] not in seen:
            seen.append(run["message"])
        if run["status"] != "running":
            break
        assert time.time() < deadline
        time.sleep(0.1)
    assert run["status"] == "success" and run["size"] > 0
    assert run["filename"].startswith(
        "/data/coolify/backups/databases/root-team-0/web-db-%s/pg-dump-postgres-"
        % db(api, "web-db")["uuid"])
    # Each message read starts with the one before: the log only grows.
    assert len(seen) >= 2 and all(b2.startswith(a) for a, b2 in zip(seen, seen[1:]))
    # GET /databases shows it as the schedule's latest_log (NOTES §17.9).
    configs = db(api, "web-db")["backup_configs"]
    assert configs[1]["latest_log"]["uuid"] == run["uuid"]
    assert "executions" not in configs[1]


def test_a_backup_of_a_stopped_database_fails(api):
    b = base(api, "analytics")
    path = b + "/" + api(b)[1][0]["uuid"]
    api(path, method="PATCH", body={"backup_now": True})
    time.sleep(0.6)
    run = api(path + "/executions")[1]["executions"][0]
    assert run["status"] == "failed" and run["filename"] is None
    assert run["message"].endswith("is not running")


def test_deletes(api):
    b = base(api)
    nightly = api(b)[1][1]
    path = b + "/" + nightly["uuid"]
    victim = nightly["executions"][1]["uuid"]
    assert api(path + "/executions/" + victim + "?delete_s3=1", method="DELETE") == (
        200, {"message": "Backup execution deleted."})
    assert [r["uuid"] for r in api(path + "/executions")[1]["executions"]] == [
        nightly["executions"][0]["uuid"], nightly["executions"][2]["uuid"]]
    assert api(path, method="DELETE") == (
        200, {"message": "Backup configuration and all executions deleted."})
    assert [x["uuid"] for x in api(b)[1]] == [api(b)[1][0]["uuid"]]
    assert api(path + "/executions")[0] == 404


def test_absent_at_the_seed(fake):
    dbs = fake.api("/databases")[1]
    uuid = next(d["uuid"] for d in dbs if d["name"] == "shop-mysql")
    assert "backup_configs" not in dbs[0]
    assert fake.api("/databases/%s/backups" % uuid) == (
        404, {"message": "Not found.", "docs": "https://coolify.io/docs"})
    assert fake.api("/databases/%s/backups" % uuid, method="POST",
                    body={"frequency": "daily"})[0] == 404
