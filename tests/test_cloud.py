"""Cloud providers (SPEC §6, issue 16): cloud/tokens/T/ (token.json, ctl:
validate | delete, catalogue/), cloud/tokens/new.json, the providers'
catalogues in cloud/hetzner/, cloud/digitalocean/ and cloud/vultr/,
cloud/init-scripts/NAME/ (script, init-script.json, ctl: delete) with
new.json, and servers/new.json's "type": hetzner | digitalocean | vultr.
Mounted for real over the fake in latest mode (the 2025 API has none of
it: cloud/ is absent), driven with ls, cat, grep, vim, echo and cp, and
checked at the fake's request log."""
import errno
import json
import os

import pytest

from conftest import READ_TOKEN, Fake, api_requests, run

HZ = ("cloud", "tokens", "hetzner-main")
DO = ("cloud", "tokens", "do-team")
SWAP = ("cloud", "init-scripts", "swap")
SECRETS = ("hz-demo-token-4d1f0c9a", "dop_v1_demo_8c2e71")


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


def tokens(fake):
    return {t["name"]: t for t in fake.api("/cloud-tokens")[1]}


def scripts(fake):
    return {s["name"]: s for s in fake.api("/cloud-init-scripts")[1]}


def writes(fake):
    """(method, path without /api/v1, parsed body) of what changed something."""
    return [(e["method"], e["path"][len("/api/v1"):],
             json.loads(e["body"]) if e.get("body") else None)
            for e in fake.log() if e["method"] != "GET"]


def gets(fake):
    """(path without /api/v1, query) of the GETs."""
    return [(e["path"][len("/api/v1"):], e["query"]) for e in fake.log() if e["method"] == "GET"]


def ctl(path, line):
    return run("echo '%s' > \"%s\"" % (line, path), check=False)


def vim(path, command, check=True):
    """vim's :s and :wq, as a user saves a file (written in place)."""
    return run("vim -Es -i NONE -N -u DEFAULTS -c '%s' -c wq '%s'" % (command, path),
               check=check)


def write_close(path, text):
    """One write() and a close; the errno of whichever failed, or 0 (bash
    reports neither for its builtins)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as e:
        return e.errno
    try:
        os.write(fd, text.encode())
    except OSError as e:
        os.close(fd)
        return e.errno
    try:
        os.close(fd)
    except OSError as e:
        return e.errno
    return 0


def key_uuid(fake):
    return fake.api("/security/keys")[1][0]["uuid"]


def test_cloud_is_listed_and_tokens_are_read(mnt, fresh):
    assert "cloud" in os.listdir(mnt.p())
    want = dict(tokens(fresh)["hetzner-main"])
    fresh.clear_log()
    assert sorted(os.listdir(mnt.p("cloud"))) == [
        "digitalocean", "hetzner", "init-scripts", "tokens", "vultr"]
    assert sorted(os.listdir(mnt.p("cloud", "tokens"))) == ["do-team", "hetzner-main"]
    assert sorted(os.listdir(mnt.p(*HZ))) == ["catalogue", "ctl", "token.json"]
    # The root token is shown the provider's token; the mount never shows it.
    assert want.pop("token") == SECRETS[0]
    assert json.load(open(mnt.p(*HZ, "token.json"))) == want
    assert open(mnt.p(*HZ, "ctl")).read() == "validate\ndelete\n"
    # token.json is the list's item: one list request, no GET per token.
    assert [g for g in gets(fresh) if "cloud-tokens" in g[0]] == [("/cloud-tokens", "")]
    r = run("grep -r -e %s -e %s %s" % (SECRETS[0], SECRETS[1], mnt.p("cloud", "tokens")),
            check=False)
    assert r.returncode == 1 and r.stdout == ""
    assert oct(os.stat(mnt.p(*HZ, "token.json")).st_mode & 0o777) == "0o600"


def test_catalogues_cost_one_request_each(mnt, fresh):
    hz = tokens(fresh)["hetzner-main"]["uuid"]
    do = tokens(fresh)["do-team"]["uuid"]
    os.listdir(mnt.p("cloud", "tokens"))
    fresh.clear_log()
    files = sorted(os.listdir(mnt.p("cloud", "hetzner")))
    assert files == ["firewalls.json", "images.json", "locations.json", "networks.json",
                     "server-types.json", "ssh-keys.json"]
    # Listing (with sizes) asks nothing per file.
    run("ls -l %s" % mnt.p("cloud", "hetzner"))
    assert gets(fresh) == []
    for name in files:
        route = "/hetzner/" + name[:-len(".json")]
        got = json.load(open(mnt.p("cloud", "hetzner", name)))
        assert got == fresh.api("%s?cloud_provider_token_uuid=%s" % (route, hz))[1]
    fresh.clear_log()
    for name in files:
        run("cat %s > /dev/null" % mnt.p("cloud", "hetzner", name))
    assert gets(fresh) == []
    fresh.reset()
    fresh.clear_log()
    run("echo refresh > %s" % mnt.p("ctl"))
    run("cat %s" % mnt.p("cloud", "digitalocean", "regions.json"))
    run("grep -q ams3 %s" % mnt.p("cloud", "digitalocean", "regions.json"))
    assert gets(fresh) == [("/cloud-tokens", ""),
                           ("/digitalocean/regions", "cloud_provider_token_uuid=" + do)]
    # A token's own catalogue/ is its provider's, read with that token.
    assert sorted(os.listdir(mnt.p(*DO, "catalogue"))) == [
        "images.json", "regions.json", "sizes.json", "ssh-keys.json"]
    fresh.clear_log()
    sizes = json.load(open(mnt.p(*DO, "catalogue", "sizes.json")))
    assert [s["slug"] for s in sizes] == ["s-1vcpu-1gb", "s-2vcpu-2gb"]
    assert gets(fresh) == [("/digitalocean/sizes", "cloud_provider_token_uuid=" + do)]
    # Read-only: nothing is written back.
    assert write_close(mnt.p(*DO, "catalogue", "sizes.json"), "[]") == errno.EACCES
    assert writes(fresh) == []


def test_a_provider_without_one_token_has_an_empty_catalogue(mnt, fresh):
    assert os.listdir(mnt.p("cloud", "vultr")) == []
    r = run("cat %s" % mnt.p("cloud", "vultr", "regions.json"), check=False)
    assert r.returncode != 0 and "No such file" in r.stderr
    assert "the team has no vultr token" in mnt.stderr()
    # A second Hetzner token: which account's SSH keys would be a guess,
    # so cloud/hetzner/ is empty and each token's catalogue/ has them.
    assert fresh.api("/cloud-tokens", method="POST",
                     body={"provider": "hetzner", "token": "hz-second", "name": "hz-2"})[0] == 201
    run("echo refresh > %s" % mnt.p("ctl"))
    assert os.listdir(mnt.p("cloud", "hetzner")) == []
    r = run("cat %s" % mnt.p("cloud", "hetzner", "locations.json"), check=False)
    assert r.returncode != 0
    assert "the team has 2 hetzner tokens" in mnt.stderr()
    second = tokens(fresh)["hz-2"]["uuid"]
    fresh.clear_log()
    keys = json.load(open(mnt.p("cloud", "tokens", "hz-2", "catalogue", "ssh-keys.json")))
    assert keys[0]["name"] == "laptop"
    assert gets(fresh) == [("/hetzner/ssh-keys", "cloud_provider_token_uuid=" + second)]


def test_token_json_save_patches_the_name(mnt, fresh):
    uuid = tokens(fresh)["hetzner-main"]["uuid"]
    f = mnt.p(*HZ, "token.json")
    fresh.clear_log()
    vim(f, r'%s/"name": "hetzner-main"/"name": "hetzner-prod"/')
    assert writes(fresh) == [("PATCH", "/cloud-tokens/" + uuid, {"name": "hetzner-prod"})]
    assert sorted(os.listdir(mnt.p("cloud", "tokens"))) == ["do-team", "hetzner-prod"]
    # mv renames too (a PATCH of the name).
    fresh.clear_log()
    os.rename(mnt.p("cloud", "tokens", "hetzner-prod"), mnt.p("cloud", "tokens", "hz"))
    assert writes(fresh) == [("PATCH", "/cloud-tokens/" + uuid, {"name": "hz"})]
    assert "hz" in tokens(fresh)
    # A save the API refuses (only the name may change) changes nothing.
    before = tokens(fresh)
    fresh.clear_log()
    r = vim(mnt.p("cloud", "tokens", "hz", "token.json"),
            r'%s/"provider": "hetzner"/"provider": "vultr"/', check=False)
    assert r.returncode != 0
    assert writes(fresh) == [("PATCH", "/cloud-tokens/" + uuid, {"provider": "vultr"})]
    assert "This field is not allowed." in mnt.stderr()
    assert tokens(fresh) == before


def test_new_json_creates_a_token(mnt, fresh):
    d = mnt.p("cloud", "tokens")
    os.listdir(d)
    fresh.clear_log()
    body = {"provider": "vultr", "token": "vultr-api-5e3d", "name": "vultr-ams"}
    run("echo '%s' > %s" % (json.dumps(body), os.path.join(d, "new.json")))
    assert writes(fresh) == [("POST", "/cloud-tokens", body)]
    assert sorted(os.listdir(d)) == ["do-team", "hetzner-main", "vultr-ams"]
    assert "token" not in json.load(open(os.path.join(d, "vultr-ams", "token.json")))
    # Now cloud/vultr/ is that token's catalogue.
    assert "plans.json" in os.listdir(mnt.p("cloud", "vultr"))
    assert json.load(open(mnt.p("cloud", "vultr", "os.json")))[0]["id"] == 2284
    # The provider refuses the token: nothing is created.
    fresh.clear_log()
    bad = {"provider": "hetzner", "token": "invalid-one", "name": "nope"}
    assert write_close(os.path.join(d, "new.json"), json.dumps(bad)) == errno.EINVAL
    assert writes(fresh) == [("POST", "/cloud-tokens", bad)]
    assert "Invalid hetzner token. Please check your API token." in mnt.stderr()
    assert "nope" not in tokens(fresh)
    assert "nope" not in os.listdir(d)


def test_validate_and_delete(mnt, fresh):
    uuid = tokens(fresh)["do-team"]["uuid"]
    os.listdir(mnt.p(*DO))
    fresh.clear_log()
    assert ctl(mnt.p(*DO, "ctl"), "validate").returncode == 0
    assert writes(fresh) == [("POST", "/cloud-tokens/%s/validate" % uuid, None)]
    # The API answers 200 {"valid": false} for a token the provider
    # refuses: the verb fails all the same.
    fresh.set(cloud_revoked=[SECRETS[1]])
    fresh.clear_log()
    r = ctl(mnt.p(*DO, "ctl"), "validate")
    assert r.returncode != 0 and "Input/output error" in r.stderr
    assert writes(fresh) == [("POST", "/cloud-tokens/%s/validate" % uuid, None)]
    assert "Invalid digitalocean token. Please check your API token." in mnt.stderr()
    # rm -r never deletes (SPEC §3.4); ctl does.
    run("rm -rf %s" % mnt.p(*DO), check=False)
    assert "do-team" in tokens(fresh)
    fresh.clear_log()
    assert ctl(mnt.p(*DO, "ctl"), "delete").returncode == 0
    assert writes(fresh) == [("DELETE", "/cloud-tokens/" + uuid, None)]
    assert "do-team" not in tokens(fresh)
    assert os.listdir(mnt.p("cloud", "tokens")) == ["hetzner-main"]


def test_cloud_servers_from_servers_new_json(mnt, fresh):
    hz = tokens(fresh)["hetzner-main"]["uuid"]
    do = tokens(fresh)["do-team"]["uuid"]
    key = key_uuid(fresh)
    os.listdir(mnt.p("servers"))
    fresh.clear_log()
    body = {"cloud_provider_token_uuid": hz, "location": "fsn1", "server_type": "cpx11",
            "image": 161547269, "private_key_uuid": key, "name": "edge-1"}
    run("echo '%s' > %s" % (json.dumps(dict(body, type="hetzner")),
                            mnt.p("servers", "new.json")))
    # The type is the endpoint, and leaves the body.
    assert writes(fresh) == [("POST", "/servers/hetzner", body)]
    assert "edge-1" in os.listdir(mnt.p("servers"))
    fresh.clear_log()
    drop = {"cloud_provider_token_uuid": do, "region": "ams3", "size": "s-1vcpu-1gb",
            "image": "ubuntu-24-04-x64", "private_key_uuid": key, "name": "drop-1"}
    assert write_close(mnt.p("servers", "new.json"),
                       json.dumps(dict(drop, type="digitalocean"))) == 0
    assert writes(fresh) == [("POST", "/servers/digitalocean", drop)]
    assert "drop-1" in os.listdir(mnt.p("servers"))
    # The API's refusal (vultr's os_id is required) creates nothing.
    fresh.clear_log()
    vultr = {"type": "vultr", "cloud_provider_token_uuid": do, "region": "ams",
             "plan": "vc2-1c-1gb", "private_key_uuid": key}
    assert write_close(mnt.p("servers", "new.json"), json.dumps(vultr)) == errno.EINVAL
    assert [w[1] for w in writes(fresh)] == ["/servers/vultr"]
    assert "os_id" in mnt.stderr()
    # An unknown type sends nothing; no type is the plain server create.
    fresh.clear_log()
    assert write_close(mnt.p("servers", "new.json"),
                       json.dumps({"type": "linode", "name": "x"})) == errno.EINVAL
    assert writes(fresh) == []
    assert '"type" must be one of hetzner, digitalocean, vultr' in mnt.stderr()
    plain = {"name": "box9", "ip": "198.51.100.99", "private_key_uuid": key}
    run("echo '%s' > %s" % (json.dumps(plain), mnt.p("servers", "new.json")))
    assert writes(fresh) == [("POST", "/servers", plain)]
    # A token a server uses cannot be deleted.
    run("echo refresh > %s" % mnt.p("ctl"))
    assert json.load(open(mnt.p(*HZ, "token.json")))["servers_count"] == 1
    fresh.clear_log()
    r = ctl(mnt.p(*HZ, "ctl"), "delete")
    assert r.returncode != 0 and "busy" in r.stderr
    assert writes(fresh) == [("DELETE", "/cloud-tokens/" + hz, None)]
    assert "Cannot delete token that is used by servers." in mnt.stderr()
    assert "hetzner-main" in tokens(fresh)


def test_init_scripts_are_read_and_edited(mnt, fresh):
    assert os.listdir(mnt.p("cloud", "init-scripts")) == ["swap", "docker-host"]
    want = scripts(fresh)["swap"]
    assert sorted(os.listdir(mnt.p(*SWAP))) == ["ctl", "init-script.json", "script"]
    assert open(mnt.p(*SWAP, "script")).read() == want["script"]
    assert json.load(open(mnt.p(*SWAP, "init-script.json"))) == want
    assert open(mnt.p(*SWAP, "ctl")).read() == "delete\n"
    fresh.clear_log()
    vim(mnt.p(*SWAP, "script"), "%s/2G/4G/")
    new = want["script"].replace("2G", "4G")
    assert writes(fresh) == [("PATCH", "/cloud-init-scripts/" + want["uuid"], {"script": new})]
    # TrimStrings (NOTES §1.1) keeps no final newline; the file adds one.
    assert scripts(fresh)["swap"]["script"] == new.rstrip("\n")
    assert open(mnt.p(*SWAP, "script")).read() == new
    # cp over it, as any tool writes a file.
    fresh.clear_log()
    text = "#cloud-config\nruncmd:\n  - [sh, -c, 'echo hi']\n"
    src = os.path.join(mnt.dir, "cc.yaml")
    open(src, "w").write(text)
    run("cp %s %s" % (src, mnt.p(*SWAP, "script")))
    assert writes(fresh) == [("PATCH", "/cloud-init-scripts/" + want["uuid"], {"script": text})]
    # Saved unchanged: nothing is sent.
    fresh.clear_log()
    vim(mnt.p(*SWAP, "script"), "%s/nothing-here//e")
    assert writes(fresh) == []
    # Neither a bash script nor YAML: refused, and nothing changes.
    before = scripts(fresh)["swap"]
    fresh.clear_log()
    assert write_close(mnt.p(*SWAP, "script"), "key: [unclosed\n") == errno.EINVAL
    assert writes(fresh) == [("PATCH", "/cloud-init-scripts/" + want["uuid"],
                              {"script": "key: [unclosed\n"})]
    assert "valid cloud-config YAML" in mnt.stderr()
    assert scripts(fresh)["swap"] == before
    assert open(mnt.p(*SWAP, "script")).read() == text


def test_new_and_delete_init_scripts(mnt, fresh):
    d = mnt.p("cloud", "init-scripts")
    os.listdir(d)
    fresh.clear_log()
    body = {"name": "motd", "script": "#!/bin/sh\necho welcome > /etc/motd\n"}
    run("echo '%s' > %s" % (json.dumps(body), os.path.join(d, "new.json")))
    assert writes(fresh) == [("POST", "/cloud-init-scripts", body)]
    assert os.listdir(d)[0] == "motd"
    assert open(os.path.join(d, "motd", "script")).read() == body["script"]
    uuid = scripts(fresh)["motd"]["uuid"]
    fresh.clear_log()
    assert ctl(os.path.join(d, "motd", "ctl"), "delete").returncode == 0
    assert writes(fresh) == [("DELETE", "/cloud-init-scripts/" + uuid, None)]
    assert sorted(os.listdir(d)) == ["docker-host", "swap"]


def test_a_script_hidden_from_the_token_is_unreadable(fresh, mount_factory):
    m = mount_factory(fresh, token=READ_TOKEN)
    f = m.p(*SWAP, "script")
    assert "script" not in json.load(open(m.p(*SWAP, "init-script.json")))
    # ls -l describes it quietly; only opening it fails, with one line.
    r = run("ls -l %s" % m.p(*SWAP))
    assert " script\n" in r.stdout and "hidden" not in m.stderr()
    with pytest.raises(PermissionError):
        open(f).read()
    assert m.stderr().count("hidden from this token") == 1
    fresh.clear_log()
    assert write_close(f, "#!/bin/sh\n") == errno.EACCES
    assert writes(fresh) == []


def test_absent_on_the_2025_api(fake, mount_factory):
    m = mount_factory(fake)
    fake.clear_log()
    assert "cloud" not in os.listdir(m.p())
    assert not os.path.exists(m.p("cloud"))
    assert not os.path.exists(m.p("cloud", "tokens"))
    assert [r for r in api_requests(fake) if "cloud" in r[1]] == []
    # servers/new.json is what it was: the body goes to /servers as written.
    body = {"type": "hetzner", "name": "x", "ip": "198.51.100.7",
            "private_key_uuid": key_uuid(fake)}
    fake.clear_log()
    write_close(m.p("servers", "new.json"), json.dumps(body))
    assert writes(fake) == [("POST", "/servers", body)]
