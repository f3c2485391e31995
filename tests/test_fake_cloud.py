"""The fake's cloud routes (tests/fake/fake/cloud.py), checked against
CloudProviderTokensController, CloudInitScriptsController and the Hetzner,
DigitalOcean and Vultr controllers at HEAD: answer shapes, what is hidden
from whom, status codes and messages, abilities, and absence at the seed.
No mount: the fake alone, over HTTP."""
import pytest

from conftest import READ_TOKEN, READSENS_TOKEN, Fake


@pytest.fixture(scope="module")
def latest():
    f = Fake(mode="latest")
    yield f
    f.stop()


@pytest.fixture
def fake(latest):
    latest.reset()
    return latest


def token(fake, name):
    return next(t for t in fake.api("/cloud-tokens")[1] if t["name"] == name)


def test_tokens_hide_the_secret_but_from_sensitive_readers(fake):
    st, body = fake.api("/cloud-tokens", token=READ_TOKEN)
    assert st == 200 and [t["provider"] for t in body] == ["hetzner", "digitalocean"]
    hz = body[0]
    # removeSensitiveData(): id hidden; the model hides token.
    assert "id" not in hz and "token" not in hz
    assert list(hz) == ["uuid", "name", "description", "provider", "servers_count", "team_id",
                        "created_at", "updated_at"]
    assert hz["servers_count"] == 0
    assert fake.api("/cloud-tokens/" + hz["uuid"], token=READSENS_TOKEN)[1]["token"] \
        == "hz-demo-token-4d1f0c9a"
    assert fake.api("/cloud-tokens/" + hz["uuid"], token=READ_TOKEN)[1] == hz
    assert fake.api("/cloud-tokens/nope") == (404, {"message": "Cloud provider token not found."})


def test_token_create_update_validate_delete(fake):
    st, body = fake.api("/cloud-tokens", method="POST",
                        body={"provider": "vultr", "token": "v-1", "name": "v"})
    assert st == 201 and list(body) == ["uuid"]
    uuid = body["uuid"]
    st, body = fake.api("/cloud-tokens", method="POST",
                        body={"provider": "aws", "token": "x", "name": "a", "region": "eu"})
    assert st == 422 and body["errors"] == {"provider": ["The selected provider is invalid."],
                                            "region": ["This field is not allowed."]}
    assert fake.api("/cloud-tokens", method="POST",
                    body={"provider": "hetzner", "token": "invalid", "name": "n"}) == \
        (400, {"message": "Invalid hetzner token. Please check your API token."})
    assert fake.api("/cloud-tokens/" + uuid, method="PATCH", body={"name": "w"}) == \
        (200, {"uuid": uuid})
    st, body = fake.api("/cloud-tokens/" + uuid, method="PATCH", body={"token": "t2"})
    assert st == 422 and body["errors"] == {"name": ["This field is required."],
                                            "token": ["This field is not allowed."]}
    assert fake.api("/cloud-tokens/%s/validate" % uuid, method="POST") == \
        (200, {"valid": True, "message": "Token is valid."})
    fake.set(cloud_revoked=["v-1"])
    assert fake.api("/cloud-tokens/%s/validate" % uuid, method="POST") == \
        (200, {"valid": False, "message": "Invalid vultr token. Please check your API token."})
    assert fake.api("/cloud-tokens/" + uuid, method="DELETE") == \
        (200, {"message": "Cloud provider token deleted."})
    assert fake.api("/cloud-tokens/" + uuid)[0] == 404


def test_token_abilities(fake):
    assert fake.api("/cloud-tokens", token=READ_TOKEN, method="POST",
                    body={"provider": "vultr", "token": "v", "name": "v"})[0] == 403
    hz = token(fake, "hetzner-main")["uuid"]
    assert fake.api("/cloud-tokens/%s/validate" % hz, token=READ_TOKEN, method="POST")[0] == 403


def test_catalogues_need_a_token_of_their_provider(fake):
    hz = token(fake, "hetzner-main")["uuid"]
    do = token(fake, "do-team")["uuid"]
    st, body = fake.api("/hetzner/locations")
    assert st == 422 and set(body["errors"]) == {"cloud_provider_token_uuid",
                                                 "cloud_provider_token_id"}
    st, body = fake.api("/hetzner/locations?cloud_provider_token_uuid=" + hz, token=READ_TOKEN)
    assert st == 200 and [loc["name"] for loc in body] == ["fsn1", "nbg1"]
    # The deprecated parameter still works.
    assert fake.api("/hetzner/images?cloud_provider_token_id=" + hz)[1][0]["type"] == "system"
    assert fake.api("/hetzner/locations?cloud_provider_token_uuid=" + do) == \
        (404, {"message": "Hetzner cloud provider token not found."})
    for route in ("regions", "sizes", "images", "ssh-keys"):
        st, body = fake.api("/digitalocean/%s?cloud_provider_token_uuid=%s" % (route, do))
        assert st == 200 and isinstance(body, list) and body
    assert fake.api("/vultr/plans?cloud_provider_token_uuid=" + do) == \
        (404, {"message": "Vultr cloud provider token not found."})
    fake.set(cloud_revoked=["dop_v1_demo_8c2e71"])
    assert fake.api("/digitalocean/sizes?cloud_provider_token_uuid=" + do) == \
        (500, {"message": "Failed to fetch DigitalOcean sizes."})


def test_cloud_servers(fake):
    hz = token(fake, "hetzner-main")["uuid"]
    key = fake.api("/security/keys")[1][0]["uuid"]
    body = {"cloud_provider_token_uuid": hz, "location": "fsn1", "server_type": "cpx11",
            "image": 161547269, "private_key_uuid": key, "name": "Edge-1"}
    st, answer = fake.api("/servers/hetzner", method="POST", body=body)
    assert st == 201 and list(answer) == ["uuid", "hetzner_server_id", "ip"]
    server = fake.api("/servers/" + answer["uuid"])[1]
    assert server["name"] == "edge-1" and server["ip"] == answer["ip"]
    assert token(fake, "hetzner-main")["servers_count"] == 1
    assert fake.api("/cloud-tokens/" + hz, method="DELETE") == \
        (400, {"message": "Cannot delete token that is used by servers."})
    st, answer = fake.api("/servers/vultr", method="POST",
                          body={"cloud_provider_token_uuid": hz, "region": "ams",
                                "plan": "p", "private_key_uuid": key, "size": "x"})
    assert st == 422 and answer["errors"] == {"os_id": ["This field is required."],
                                              "size": ["This field is not allowed."]}
    st, answer = fake.api("/servers/hetzner", method="POST",
                          body=dict(body, enable_ipv4=False, enable_ipv6=False))
    assert st == 422 and "Enable at least one public IP protocol." in \
        answer["errors"]["enable_ipv4"]
    assert fake.api("/servers/digitalocean", method="POST",
                    body={"cloud_provider_token_uuid": hz, "region": "ams3", "size": "s",
                          "image": "u", "private_key_uuid": key}) == \
        (404, {"message": "DigitalOcean cloud provider token not found."})


def test_init_scripts(fake):
    st, body = fake.api("/cloud-init-scripts", token=READ_TOKEN)
    # Newest first; id, team_id and (without read:sensitive) script hidden.
    assert st == 200 and [s["name"] for s in body] == ["swap", "docker-host"]
    assert list(body[0]) == ["uuid", "name", "created_at", "updated_at"]
    uuid = body[0]["uuid"]
    assert fake.api("/cloud-init-scripts/" + uuid)[1]["script"].startswith("#!/bin/sh")
    st, made = fake.api("/cloud-init-scripts", method="POST",
                        body={"name": "cc", "script": "#cloud-config\npackages: [git]\n"})
    assert st == 201 and made["script"] == "#cloud-config\npackages: [git]"
    st, bad = fake.api("/cloud-init-scripts/" + uuid, method="PATCH",
                       body={"script": "a: [b"})
    assert st == 422 and "valid cloud-config YAML" in bad["errors"]["script"][0]
    assert fake.api("/cloud-init-scripts/" + uuid, method="PATCH", body={"name": "sw"})[1][
        "name"] == "sw"
    assert fake.api("/cloud-init-scripts/" + uuid, method="PATCH", body={"x": 1})[0] == 422
    assert fake.api("/cloud-init-scripts/" + uuid, method="DELETE") == \
        (200, {"message": "Cloud-init script deleted."})
    assert fake.api("/cloud-init-scripts/" + uuid) == \
        (404, {"message": "Cloud-init script not found."})


def test_absent_at_the_seed():
    seed = Fake(mode="seed")
    try:
        for path in ("/cloud-tokens", "/cloud-init-scripts", "/hetzner/locations",
                     "/digitalocean/regions", "/vultr/os"):
            st, body = seed.api(path)
            assert (st, body["message"]) == (404, "Not found."), path
        st, body = seed.api("/servers/hetzner", method="POST", body={"name": "x"})
        assert (st, body["message"]) == (404, "Not found.")
    finally:
        seed.stop()
