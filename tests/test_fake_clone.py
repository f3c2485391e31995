"""Tests of the fake's destination, clone and migrate routes
(tests/fake/fake/destinations.py, clones.py), both modes: current Coolify has them
(DestinationsController; ApplicationsController::destinations, add_destination,
remove_destination; each kind's clone_by_uuid and migrate_by_uuid); the seed answers its
catch-all 404."""
import pytest

from test_fake import READ, ROOT, WRITE, Fake

NOT_FOUND = {"message": "Not found.", "docs": "https://coolify.io/docs"}


@pytest.fixture(scope="module", params=["seed", "latest"])
def fake(request):
    server = Fake(request.param)
    yield server
    server.close()


@pytest.fixture(autouse=True)
def fresh(fake):
    fake.ctl("reset", {})


def uuid_of(fake, path, name):
    return next(r["uuid"] for r in fake.ok("GET", "/api/v1" + path) if r["name"] == name)


def web(fake):
    return uuid_of(fake, "/applications", "web")


def server(fake, name):
    return uuid_of(fake, "/servers", name)


ROUTES = [("GET", "/destinations"), ("GET", "/destinations/x"), ("PATCH", "/destinations/x"),
          ("DELETE", "/destinations/x"), ("GET", "/servers/S/destinations"),
          ("POST", "/servers/S/destinations"), ("GET", "/applications/A/destinations"),
          ("POST", "/applications/A/destinations"), ("DELETE", "/applications/A/destinations/x"),
          ("POST", "/applications/A/clone"), ("POST", "/databases/A/clone"),
          ("POST", "/services/A/clone"), ("POST", "/applications/A/migrate"),
          ("POST", "/databases/A/migrate"), ("POST", "/services/A/migrate")]


def test_seed_has_none_of_the_routes(fake):
    if fake.mode != "seed":
        pytest.skip("the seed's catch-all")
    for method, path in ROUTES:
        path = path.replace("/S/", "/%s/" % server(fake, "localhost")).replace(
            "/A/", "/%s/" % web(fake))
        got, _, body = fake.call(method, "/api/v1" + path, body={} if method != "GET" else None)
        assert (got, body) == (404, NOT_FOUND), (method, path)


@pytest.fixture
def latest(fake):
    if fake.mode != "latest":
        pytest.skip("current Coolify only")
    return fake


def test_destinations_lists_and_one(latest):
    every = latest.ok("GET", "/api/v1/destinations")
    assert [d["name"] for d in every] == ["localhost-coolify", "hetzner-fsn1-coolify",
                                          "hetzner-fsn1-staging"]
    assert set(every[0]) == {"uuid", "name", "network", "type", "server_uuid", "created_at",
                             "updated_at"}
    assert every[0]["type"] == "standalone"
    hetzner = server(latest, "hetzner-fsn1")
    assert latest.ok("GET", "/api/v1/servers/%s/destinations" % hetzner) == every[1:]
    assert latest.ok("GET", "/api/v1/destinations/" + every[2]["uuid"]) == every[2]
    got, _, body = latest.call("GET", "/api/v1/destinations/nope")
    assert (got, body["message"]) == (404, "No query results for model [App\\Models\\SwarmDocker].")
    got, _, body = latest.call("GET", "/api/v1/servers/nope/destinations")
    assert (got, body["message"]) == (404, "No query results for model [App\\Models\\Server].")
    assert latest.call("GET", "/api/v1/destinations", WRITE)[0] == 403


def test_create_update_delete_a_destination(latest):
    local = server(latest, "localhost")
    path = "/api/v1/servers/%s/destinations" % local
    made = latest.ok("POST", path, body={"network": "blue"}, status=201)
    assert (made["name"], made["network"], made["server_uuid"]) == ("localhost-blue", "blue", local)
    got, _, body = latest.call("POST", path, body={"network": "blue"})
    assert (got, body["message"]) == (409, "A destination with this network already exists on the server.")
    got, _, body = latest.call("POST", path, body={"network": "-bad", "color": 1})
    assert got == 422 and body["errors"] == {"network": ["The network field format is invalid."],
                                             "color": ["This field is not allowed."]}
    got, _, body = latest.call("POST", path, body={"name": "x"})
    assert got == 422 and body["errors"] == {"network": ["This field is required."]}
    got, _, body = latest.call("POST", path, body={"network": "red", "type": "swarm"})
    assert (got, body["message"]) == (422, "Destination type must be standalone for this server.")
    one = "/api/v1/destinations/" + made["uuid"]
    assert latest.ok("PATCH", one, body={"name": "blue-net"})["name"] == "blue-net"
    got, _, body = latest.call("PATCH", one, body={"network": "red"})
    assert got == 422 and body["errors"] == {"name": ["This field is required."],
                                             "network": ["This field is not allowed."]}
    in_use = latest.ok("GET", "/api/v1/destinations")[0]["uuid"]
    got, _, body = latest.call("DELETE", "/api/v1/destinations/" + in_use)
    assert (got, body["message"]) == (409, "Destination has attached resources, detach first.")
    assert latest.ok("DELETE", one) == {"message": "Deleted."}
    assert latest.call("GET", one)[0] == 404


def test_an_applications_destinations(latest):
    app = web(latest)
    path = "/api/v1/applications/%s/destinations" % app
    listed = latest.ok("GET", path)
    assert [(d["name"], d["is_primary"]) for d in listed] == [
        ("localhost-coolify", True), ("hetzner-fsn1-coolify", False)]
    assert set(listed[0]) == {"uuid", "name", "network", "server_uuid", "server_id", "is_primary"}
    shown = latest.ok("GET", "/api/v1/applications/" + app)
    assert shown["additional_servers_count"] == 1
    assert shown["additional_servers"][0]["uuid"] == server(latest, "hetzner-fsn1")
    primary, extra = listed[0]["uuid"], listed[1]["uuid"]
    staging = uuid_of(latest, "/destinations", "hetzner-fsn1-staging")
    for body, message in (({"destination_uuid": primary}, "Destination is already the primary destination."),
                          ({"destination_uuid": extra}, "Destination is already attached."),
                          ({"destination_uuid": staging}, "A destination on this server is already attached.")):
        got, _, answer = latest.call("POST", path, body=body)
        assert (got, answer["message"]) == (422, message)
    got, _, answer = latest.call("POST", path, body={"destination_uuid": "nope"})
    assert (got, answer["message"]) == (404, "Destination not found.")
    got, _, answer = latest.call("DELETE", path + "/" + primary)
    assert (got, answer["message"]) == (422, "Cannot remove the primary destination.")
    assert latest.ok("DELETE", path + "/" + extra) == {"message": "Destination detached."}
    got, _, answer = latest.call("DELETE", path + "/" + extra)
    assert (got, answer["message"]) == (404, "Destination not found.")
    assert latest.ok("POST", path, body={"destination_uuid": staging}, status=201) == {
        "message": "Destination attached.", "uuid": staging}
    assert [d["name"] for d in latest.ok("GET", path)] == ["localhost-coolify", "hetzner-fsn1-staging"]
    assert latest.call("POST", path, READ, body={"destination_uuid": staging})[0] == 403


def test_clone_each_kind(latest):
    dest = uuid_of(latest, "/destinations", "localhost-coolify")
    app = web(latest)
    got, _, body = latest.call("POST", "/api/v1/applications/%s/clone" % app,
                               body={"destination_uuid": dest})
    assert got == 201 and body["message"] == "Application cloned."
    copy = latest.ok("GET", "/api/v1/applications/" + body["uuid"])
    assert copy["name"] == "clone-of-web-" + body["uuid"]
    assert copy["status"] == "exited:unhealthy"
    original = latest.ok("GET", "/api/v1/applications/" + app)
    assert copy["environment_id"] == original["environment_id"]
    assert [e["key"] for e in latest.ok("GET", "/api/v1/applications/%s/envs" % body["uuid"])] == \
        [e["key"] for e in latest.ok("GET", "/api/v1/applications/%s/envs" % app)]
    db = uuid_of(latest, "/databases", "web-db")
    got, _, body = latest.call("POST", "/api/v1/databases/%s/clone" % db,
                               body={"destination_uuid": dest})
    assert got == 201 and body["message"] == "Database cloned."
    assert latest.ok("GET", "/api/v1/databases/" + body["uuid"])["name"] == "web-db-clone-" + body["uuid"]
    svc = uuid_of(latest, "/services", "uptime-kuma")
    got, _, body = latest.call("POST", "/api/v1/services/%s/clone" % svc,
                               body={"destination_uuid": dest, "name": "kuma-2"})
    assert got == 201 and body["message"] == "Service cloned."
    assert [a["name"] for a in latest.ok("GET", "/api/v1/services/" + body["uuid"])["applications"]] \
        == ["uptime-kuma"]
    got, _, body = latest.call("POST", "/api/v1/applications/%s/clone" % app,
                               body={"name": "x", "volumes": True})
    assert got == 422 and body["errors"] == {"destination_uuid": ["This field is required."],
                                             "volumes": ["This field is not allowed."]}
    got, _, body = latest.call("POST", "/api/v1/applications/%s/clone" % app,
                               body={"destination_uuid": "nope"})
    assert (got, body["message"]) == (404, "Destination not found.")
    got, _, body = latest.call("POST", "/api/v1/applications/nope/clone",
                               body={"destination_uuid": dest})
    assert (got, body["message"]) == (404, "Application not found.")


def test_migrate_is_a_development_route(latest):
    app = web(latest)
    path = "/api/v1/applications/%s/migrate" % app
    staging = uuid_of(latest, "/destinations", "hetzner-fsn1-staging")
    assert latest.call("POST", path, body={"destination_uuid": staging})[::2] == (404, {"message": ""})
    got, _, body = latest.call("POST", "/api/v1/applications/nope/migrate",
                               body={"destination_uuid": staging})
    assert (got, body["message"]) == (404, "Application not found.")
    latest.ctl("set", {"development": True})
    same = uuid_of(latest, "/destinations", "localhost-coolify")
    got, _, body = latest.call("POST", path, body={"destination_uuid": same})
    assert (got, body["errors"]) == (422, {"destination_id": ["Resource is already on the selected destination."]})
    got, _, body = latest.call("POST", path, body={"destination_uuid": staging, "force": True})
    assert (got, body["errors"]) == (422, {"force": "This field is not allowed."})
    body = latest.ok("POST", path, body={"destination_uuid": staging})
    assert body == {"message": "Resource migrated to the new server. Redeploy when ready.",
                    "uuid": app, "destination_uuid": staging, "async": False, "volume_jobs": 0}
    assert latest.ok("GET", "/api/v1/applications/" + app)["destination"]["uuid"] == staging
