"""The fake's S3 storage routes (S3StoragesController at Coolify HEAD): GET/POST
/s3-storages, GET/PATCH/DELETE /s3-storages/{uuid}, POST .../validate. Absent at the seed."""

import pytest

from test_fake import Fake, READ, WRITE


@pytest.fixture(scope="module", params=["seed", "latest"])
def fake(request):
    server = Fake(request.param)
    yield server
    server.close()


@pytest.fixture(autouse=True)
def fresh(fake):
    fake.ctl("reset", {})


@pytest.fixture
def latest(fake):
    if fake.mode != "latest":
        pytest.skip("current Coolify only")
    return fake


def storages(fake, token=None):
    args = (token,) if token else ()
    return {s["name"]: s for s in fake.ok("GET", "/api/v1/s3-storages", *args)}


def test_absent_at_the_seed(fake):
    if fake.mode != "seed":
        pytest.skip("seed-mode behaviour")
    for method, path in (("GET", "/s3-storages"), ("POST", "/s3-storages/x/validate"),
                         ("DELETE", "/s3-storages/x")):
        status, _, body = fake.call(method, "/api/v1" + path)
        assert status == 404 and body["message"] == "Not found.", (method, path, body)


def test_list_and_get_hide_the_secrets(latest):
    all_ = storages(latest)
    assert list(all_) == ["backups-eu", "old-minio"]  # ordered by name
    eu = all_["backups-eu"]
    assert "id" not in eu and eu["secret"] and eu["key"]
    assert list(eu)[:3] == ["uuid", "description", "name"]
    plain = storages(latest, READ)["backups-eu"]
    assert "secret" not in plain and "key" not in plain
    assert latest.ok("GET", "/api/v1/s3-storages/" + eu["uuid"], READ) == plain
    assert latest.call("GET", "/api/v1/s3-storages/nope")[::2] == \
        (404, {"message": "S3 storage not found."})


def test_create(latest):
    body = {"name": "cloudflare-r2", "endpoint": "https://acct.r2.cloudflarestorage.com",
            "bucket": "acme-r2", "region": "auto", "key": " k ", "secret": "s"}
    uuid = latest.ok("POST", "/api/v1/s3-storages", body=body, status=201)["uuid"]
    got = latest.ok("GET", "/api/v1/s3-storages/" + uuid)
    assert got["key"] == "k" and got["is_usable"] is False
    status, _, err = latest.call("POST", "/api/v1/s3-storages", body={
        "name": "x", "endpoint": "http://127.0.0.1:9000", "bucket": "Bad_Bucket", "region": "r",
        "key": "k", "secret": "s", "path": "/"})
    assert status == 422 and err["message"] == "Validation failed."
    assert err["errors"]["name"] == ["The name field must be at least 3 characters."]
    assert "local or private address" in err["errors"]["endpoint"][0]
    assert err["errors"]["bucket"][0].startswith("The bucket must be a valid S3 bucket name")
    assert err["errors"]["path"] == ["This field is not allowed."]
    assert latest.call("POST", "/api/v1/s3-storages", READ, body=body)[0] == 403


def test_update(latest):
    eu = storages(latest)["backups-eu"]
    path = "/api/v1/s3-storages/" + eu["uuid"]
    assert latest.ok("PATCH", path, body={"region": "eu-west-1"}) == {"uuid": eu["uuid"]}
    assert latest.ok("GET", path)["region"] == "eu-west-1"
    # A blank secret is null, and null is no string: refused.
    status, _, err = latest.call("PATCH", path, body={"secret": "  "})
    assert status == 422 and err["errors"]["secret"] == ["The secret field must be a string."]
    assert latest.ok("GET", path)["secret"] == eu["secret"]
    # The body is validated before the storage is looked up.
    assert latest.call("PATCH", "/api/v1/s3-storages/nope", body={"bucket": "A"})[0] == 422
    assert latest.call("PATCH", "/api/v1/s3-storages/nope", body={"bucket": "abc"})[0] == 404


def test_validate(latest):
    all_ = storages(latest)
    ok = latest.ok("POST", "/api/v1/s3-storages/%s/validate" % all_["backups-eu"]["uuid"], WRITE)
    assert ok == {"valid": True, "message": "S3 storage connection is valid."}
    down = latest.ok("POST", "/api/v1/s3-storages/%s/validate" % all_["old-minio"]["uuid"])
    assert down["valid"] is False and down["message"].startswith("Could not connect")
    # The answer is stored: is_usable.
    latest.ok("PATCH", "/api/v1/s3-storages/" + all_["backups-eu"]["uuid"],
              body={"endpoint": "https://s3.offline.example.com"})
    again = latest.ok("POST", "/api/v1/s3-storages/%s/validate" % all_["backups-eu"]["uuid"])
    assert again["valid"] is False
    assert storages(latest)["backups-eu"]["is_usable"] is False
    assert latest.call("POST", "/api/v1/s3-storages/%s/validate" % all_["old-minio"]["uuid"],
                       READ)[0] == 403


def test_delete_unlinks_backups(latest):
    eu = storages(latest)["backups-eu"]
    db = next(d for d in latest.ok("GET", "/api/v1/databases") if d["name"] == "web-db")
    backup = latest.ok("GET", "/api/v1/databases/%s/backups" % db["uuid"])[0]
    latest.ok("PATCH", "/api/v1/databases/%s/backups/%s" % (db["uuid"], backup["uuid"]),
              body={"save_s3": True, "s3_storage_uuid": eu["uuid"]})
    assert latest.ok("DELETE", "/api/v1/s3-storages/" + eu["uuid"]) == \
        {"message": "S3 storage deleted."}
    backup = next(b for b in latest.ok("GET", "/api/v1/databases/%s/backups" % db["uuid"])
                  if b["uuid"] == backup["uuid"])
    assert backup["save_s3"] is False and backup["s3_storage_id"] is None
    assert latest.call("DELETE", "/api/v1/s3-storages/" + eu["uuid"])[0] == 404
