"""MOUNT/destinations/ (SPEC §6, issue 16): a link to every destination of
every server, into servers/S/destinations/D; current Coolify only. Mounted
for real over the fake, checked with ls, readlink and cat through the links,
and at the fake's request log."""
import json
import os

import pytest

from conftest import api_requests, ctl


@pytest.fixture
def fresh(latest):
    latest.reset()
    return latest


@pytest.fixture
def mnt(fresh, mount_factory):
    return mount_factory(fresh, opts=["cache_ttl=60"])


def servers_by_uuid(fake):
    return {s["uuid"]: s for s in fake.api("/servers")[1]}


def test_every_destination_links_into_its_server(mnt, fresh):
    dests = fresh.api("/destinations")[1]
    names = servers_by_uuid(fresh)
    fresh.clear_log()
    d = mnt.p("destinations")
    assert sorted(os.listdir(d)) == sorted(x["name"] for x in dests)
    # One list for the directory: its links need no request of their own
    # beyond the servers' (to name them) and each server's destinations.
    assert api_requests(fresh).count(("GET", "/api/v1/destinations")) == 1
    for dest in dests:
        server = names[dest["server_uuid"]]["name"]
        link = os.path.join(d, dest["name"])
        assert os.readlink(link) == "../servers/%s/destinations/%s" % (server, dest["name"])
        got = json.load(open(os.path.join(link, "destination.json")))
        assert got["uuid"] == dest["uuid"] and got["server_uuid"] == dest["server_uuid"]


def test_a_new_destination_shows_at_once(mnt, fresh):
    os.listdir(mnt.p("destinations"))
    srv = next(s for s in fresh.api("/servers")[1] if s["name"] == "localhost")
    with open(mnt.p("servers", "localhost", "destinations", "new.json"), "w") as f:
        json.dump({"network": "blue", "name": "localhost-blue"}, f)
    assert "localhost-blue" in os.listdir(mnt.p("destinations"))
    assert os.readlink(mnt.p("destinations", "localhost-blue")) == \
        "../servers/localhost/destinations/localhost-blue"
    # And a delete takes it away: the links are the destinations' own list.
    assert ctl(mnt.p("destinations", "localhost-blue", "ctl"), "delete").returncode == 0
    assert "localhost-blue" not in os.listdir(mnt.p("destinations"))
    assert not any(x["name"] == "localhost-blue"
                   for x in fresh.api("/servers/%s/destinations" % srv["uuid"])[1])


def test_absent_on_the_2025_api(fake, mount_factory):
    m = mount_factory(fake)
    fake.clear_log()
    assert "destinations" not in os.listdir(m.p())
    assert not os.path.exists(m.p("destinations"))
    assert [r for r in api_requests(fake) if "destinations" in r[1]] == []
