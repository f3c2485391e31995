"""S3 storages (SPEC §6, issue 16): s3/NAME/ with s3.json, ctl (validate | delete) and
s3/new.json, mounted for real over the fake in latest mode (the seed has no such routes: the
entries are absent), driven with ls, cat, vim, mv and echo, and checked at the fake's
request log."""
import json
import os

import pytest

from conftest import Fake, READSENS_TOKEN, api_requests, run


@pytest.fixture(scope="module")
def latest():
    f = Fake(mode="latest")
    yield f
    f.stop()


@pytest.fixture
def fresh(latest):
    latest.reset()
    return latest


@pytest.fixture
def mnt(fresh, mount_factory):
    return mount_factory(fresh, opts=["cache_ttl=60"])


def storages(fake, token=None):
    kw = {"token": token} if token else {}
    return {s["name"]: s for s in fake.api("/s3-storages", **kw)[1]}


def ctl(path, line):
    return run("echo '%s' > \"%s\"" % (line, path), check=False)


def vim(path, command, check=True):
    """vim's :s and :wq, as a user saves a JSON file (written in place)."""
    return run("vim -Es -i NONE -N -u DEFAULTS -c '%s' -c wq '%s'" % (command, path),
               check=check)


def writes(fake):
    return [r for r in api_requests(fake) if r[0] != "GET"]


def patches(fake):
    return [json.loads(e["body"]) for e in fake.log() if e["method"] == "PATCH"]


def test_storages_are_listed_and_read(mnt, fresh):
    fresh.clear_log()
    assert sorted(os.listdir(mnt.p("s3"))) == ["backups-eu", "old-minio"]
    d = mnt.p("s3", "backups-eu")
    assert sorted(os.listdir(d)) == ["ctl", "s3.json"]
    shown = json.load(open(os.path.join(d, "s3.json")))
    assert open(os.path.join(d, "ctl")).read() == "validate\ndelete\n"
    uuid = shown["uuid"]
    assert api_requests(fresh) == [("GET", "/api/v1/s3-storages"),
                                   ("GET", "/api/v1/s3-storages/" + uuid)]
    # As the API shows it to this (root) token: key and secret included, in a 0600 file.
    assert shown == fresh.api("/s3-storages/" + uuid)[1] and shown["secret"]
    assert oct(os.stat(os.path.join(d, "s3.json")).st_mode & 0o777) == "0o600"


def test_a_saved_s3_json_patches_what_changed(mnt, fresh):
    f = mnt.p("s3", "backups-eu", "s3.json")
    uuid = storages(fresh)["backups-eu"]["uuid"]
    fresh.clear_log()
    vim(f, r'%s/"region": "eu-central-1"/"region": "eu-west-1"/')
    assert writes(fresh) == [("PATCH", "/api/v1/s3-storages/" + uuid)]
    assert patches(fresh) == [{"region": "eu-west-1"}]
    assert storages(fresh)["backups-eu"]["region"] == "eu-west-1"
    assert json.load(open(f))["region"] == "eu-west-1"


def test_a_refused_save_changes_nothing(mnt, fresh):
    f = mnt.p("s3", "backups-eu", "s3.json")
    before = storages(fresh)
    fresh.clear_log()
    r = vim(f, r'%s/"bucket": "acme-backups"/"bucket": "Acme_Backups"/', check=False)
    assert r.returncode != 0
    assert "must be a valid S3 bucket name" in mnt.stderr()
    assert storages(fresh) == before
    assert [r[0] for r in writes(fresh)] == ["PATCH"]
    assert json.load(open(f))["bucket"] == "acme-backups"


def test_secrets_are_never_written_back_blank(mnt, fresh):
    f = mnt.p("s3", "backups-eu", "s3.json")
    before = storages(fresh)
    fresh.clear_log()
    r = vim(f, r'%s/"secret": "[^"]*"/"secret": ""/', check=False)
    assert r.returncode != 0
    assert '"secret" would be emptied' in mnt.stderr()
    assert writes(fresh) == []
    assert storages(fresh) == before
    # A new secret is sent as written.
    vim(f, r'%s/"secret": "[^"]*"/"secret": "rotated-secret"/')
    assert patches(fresh) == [{"secret": "rotated-secret"}]


def test_without_read_sensitive_no_secret_is_shown_nor_sent(fresh, mount_factory):
    token = "8|s3-rw-000000000000000000000000000000000000"
    fresh.ctl("tokens", {"token": token, "abilities": ["read", "write"], "team_id": "0"})
    m = mount_factory(fresh, token=token, opts=["cache_ttl=60"])
    f = m.p("s3", "old-minio", "s3.json")
    shown = json.load(open(f))
    assert "secret" not in shown and "key" not in shown
    fresh.clear_log()
    vim(f, r'%s/"bucket": "legacy-dumps"/"bucket": "legacy-dumps-2"/')
    assert patches(fresh) == [{"bucket": "legacy-dumps-2"}]
    assert storages(fresh, READSENS_TOKEN)["old-minio"]["secret"] == "minio-acme-s3cret-2024"


def test_validate(mnt, fresh):
    all_ = storages(fresh)
    os.listdir(mnt.p("s3"))
    fresh.clear_log()
    assert ctl(mnt.p("s3", "backups-eu", "ctl"), "validate").returncode == 0
    assert writes(fresh) == [
        ("POST", "/api/v1/s3-storages/%s/validate" % all_["backups-eu"]["uuid"])]
    # The API answers 200 {"valid": false, ...}: the verb fails, and says why.
    minio = mnt.p("s3", "old-minio")
    assert json.load(open(os.path.join(minio, "s3.json")))["is_usable"] is False
    fresh.clear_log()
    r = ctl(os.path.join(minio, "ctl"), "validate")
    assert r.returncode != 0 and "Input/output error" in r.stderr
    assert "Could not connect to the S3 endpoint" in mnt.stderr()
    assert writes(fresh) == [("POST", "/api/v1/s3-storages/%s/validate" % all_["old-minio"]["uuid"])]
    # Fix the endpoint, validate again: is_usable follows at once.
    vim(os.path.join(minio, "s3.json"),
        r'%s/minio.offline.example.com/minio.acme.example.com/')
    assert ctl(os.path.join(minio, "ctl"), "validate").returncode == 0
    assert json.load(open(os.path.join(minio, "s3.json")))["is_usable"] is True


def test_new_json_rename_and_delete(mnt, fresh):
    os.listdir(mnt.p("s3"))
    fresh.clear_log()
    body = {"name": "cloudflare-r2", "endpoint": "https://acct.r2.cloudflarestorage.com",
            "bucket": "acme-r2", "region": "auto", "key": "r2-key", "secret": "r2-secret"}
    with open(mnt.p("s3", "new.json"), "w") as fh:
        json.dump(body, fh)
    assert writes(fresh) == [("POST", "/api/v1/s3-storages")]
    assert sorted(os.listdir(mnt.p("s3"))) == ["backups-eu", "cloudflare-r2", "old-minio"]
    uuid = storages(fresh)["cloudflare-r2"]["uuid"]
    fresh.clear_log()
    r = run("echo '{\"name\": \"bad\", \"endpoint\": \"http://127.0.0.1\"}' > '%s'"
            % mnt.p("s3", "new.json"), check=False)
    assert r.returncode != 0 and "local or private address" in mnt.stderr()
    assert len(storages(fresh)) == 3
    fresh.clear_log()
    os.rename(mnt.p("s3", "cloudflare-r2"), mnt.p("s3", "r2-eu"))
    assert writes(fresh) == [("PATCH", "/api/v1/s3-storages/" + uuid)]
    assert patches(fresh) == [{"name": "r2-eu"}]
    # rm -r never deletes (SPEC §3.4); ctl does.
    run("rm -rf '%s'" % mnt.p("s3", "r2-eu"), check=False)
    assert "r2-eu" in storages(fresh)
    fresh.clear_log()
    assert ctl(mnt.p("s3", "r2-eu", "ctl"), "delete").returncode == 0
    assert writes(fresh) == [("DELETE", "/api/v1/s3-storages/" + uuid)]
    assert sorted(os.listdir(mnt.p("s3"))) == ["backups-eu", "old-minio"]


def test_absent_on_the_2025_api(fake, mount_factory):
    m = mount_factory(fake)
    fake.clear_log()
    assert "s3" not in os.listdir(m.p())
    assert not os.path.exists(m.p("s3")) and not os.path.exists(m.p("s3", "new.json"))
    assert [r for r in api_requests(fake) if "s3" in r[1]] == []
