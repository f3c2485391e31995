"""Tests of the fake's deployment cancel, rollback and preview routes
(current Coolify only; HEAD:DeployController::cancel_deployment and
ApplicationsController::rollback_images, rollback_by_uuid,
delete_preview_by_pull_request_id), and that the seed has none of them.

    /usr/bin/python3 -m pytest tests/test_fake_deploy.py
"""
import json

import pytest

from test_fake import DEPLOY, READ, ROOT, WRITE, Fake

NOT_FOUND = {"message": "Not found.", "docs": "https://coolify.io/docs"}


@pytest.fixture(scope="module")
def server():
    s = Fake("latest")
    yield s
    s.close()


@pytest.fixture
def fake(server):
    server.ctl("reset", {})
    server.ctl("set", {"deployment_speed": 0.05})
    return server


def web(fake):
    return fake.app("web", "nixpacks")


def deployment(fake, uuid):
    return fake.ok("GET", "/api/v1/deployments/" + uuid)


def finished(fake, uuid):
    return fake.wait_for(lambda: (lambda d: d if d["status"] not in ("queued", "in_progress")
                                  else None)(deployment(fake, uuid)))


# -- cancel ------------------------------------------------------------------------------

def test_cancel_queued_and_running(fake):
    app = web(fake)["uuid"]
    fake.ctl("set", {"deployment_speed": 5})
    dep = fake.ok("POST", "/api/v1/applications/%s/start" % app)["deployment_uuid"]
    body = fake.ok("POST", "/api/v1/deployments/%s/cancel" % dep, DEPLOY)
    assert body == {"message": "Deployment cancelled successfully.", "deployment_uuid": dep,
                    "status": "cancelled-by-user"}
    row = deployment(fake, dep)
    assert row["status"] == "cancelled-by-user"
    outputs = [e["output"] for e in json.loads(row["logs"])]
    # Still queued: the container had not started.
    assert outputs[-2:] == ["Deployment cancelled by user via API.",
                            "Deployment container not yet started. Will be cancelled when job "
                            "checks status."]
    assert dep not in [d["deployment_uuid"] for d in fake.ok("GET", "/api/v1/deployments")]
    # The simulation stops: no step runs after the cancel.
    n = len(outputs)
    fake.ctl("set", {"deployment_speed": 0.05})
    status, _, again = fake.call("POST", "/api/v1/deployments/%s/cancel" % dep)
    assert (status, again) == (400, {"message": "Deployment cannot be cancelled. Current status: "
                                                "cancelled-by-user"})
    assert len(json.loads(deployment(fake, dep)["logs"])) == n

    fake.ctl("set", {"deployment_speed": 0.3})
    dep = fake.ok("POST", "/api/v1/applications/%s/restart" % app)["deployment_uuid"]
    fake.wait_for(lambda: deployment(fake, dep)["status"] == "in_progress")
    fake.ok("POST", "/api/v1/deployments/%s/cancel" % dep)
    outputs = [e["output"] for e in json.loads(deployment(fake, dep)["logs"])]
    assert outputs[-1] == "Deployment container stopped."


def test_cancel_refusals(fake):
    app = web(fake)["uuid"]
    history = fake.ok("GET", "/api/v1/deployments/applications/" + app)["deployments"]
    done = next(d for d in history if d["status"] == "finished")["deployment_uuid"]
    failed = next(d for d in history if d["status"] == "failed")["deployment_uuid"]
    for uuid, status in ((done, "finished"), (failed, "failed")):
        assert fake.call("POST", "/api/v1/deployments/%s/cancel" % uuid)[::2] == \
            (400, {"message": "Deployment cannot be cancelled. Current status: " + status})
    assert fake.call("POST", "/api/v1/deployments/nosuchdeployment/cancel")[::2] == \
        (404, {"message": "Deployment not found."})
    # api.ability:deploy: write is not enough, read neither.
    for token in (WRITE, READ):
        assert fake.call("POST", "/api/v1/deployments/%s/cancel" % done, token)[::2] == \
            (403, {"message": "Missing required permissions: deploy"})
    # GET is not a route: the catch-all.
    assert fake.call("GET", "/api/v1/deployments/%s/cancel" % done)[::2] == (404, NOT_FOUND)


def test_cancel_of_another_teams_deployment_is_403(fake):
    app = web(fake)["uuid"]
    fake.ctl("set", {"deployment_speed": 5})
    dep = fake.ok("POST", "/api/v1/applications/%s/start" % app)["deployment_uuid"]
    other = "8|other-team-token-00000000000000000000000000"
    fake.ctl("tokens", {"token": other, "abilities": ["root"], "team_id": "1"})
    assert fake.call("POST", "/api/v1/deployments/%s/cancel" % dep, other)[::2] == \
        (403, {"message": "You do not have permission to cancel this deployment."})
    assert deployment(fake, dep)["status"] in ("queued", "in_progress")


# -- rollback images and rollback --------------------------------------------------------

def test_rollback_images_are_past_successful_builds(fake):
    app = web(fake)
    history = fake.ok("GET", "/api/v1/deployments/applications/" + app["uuid"])["deployments"]
    built = [d["commit"] for d in history if d["status"] == "finished"]
    body = fake.ok("GET", "/api/v1/applications/%s/rollback-images" % app["uuid"], READ)
    assert set(body) == {"current", "images"}
    assert [i["tag"] for i in body["images"]] == built  # newest first, as docker lists them
    assert body["current"] == built[0]
    assert [i["is_current"] for i in body["images"]] == [True] + [False] * (len(built) - 1)
    assert all(i["created_at"].endswith(" +0000 UTC") for i in body["images"])
    # A failed build leaves no image.
    failed = [d["commit"] for d in history if d["status"] == "failed"]
    assert failed and not set(failed) & {i["tag"] for i in body["images"]}
    # A new build adds one.
    dep = fake.ok("POST", "/api/v1/applications/%s/start" % app["uuid"])["deployment_uuid"]
    assert finished(fake, dep)["status"] == "finished"
    after = fake.ok("GET", "/api/v1/applications/%s/rollback-images" % app["uuid"])
    assert len(after["images"]) == len(built) + 1 and after["current"] == after["images"][0]["tag"]
    assert fake.call("GET", "/api/v1/applications/nosuchapp/rollback-images")[::2] == \
        (404, {"message": "Application not found."})
    assert fake.call("GET", "/api/v1/applications/%s/rollback-images" % app["uuid"],
                     WRITE)[0] == 403


def test_rollback_queues_a_rollback_deployment(fake):
    app = web(fake)["uuid"]
    images = fake.ok("GET", "/api/v1/applications/%s/rollback-images" % app)
    old = images["images"][-1]["tag"]
    body = fake.ok("POST", "/api/v1/applications/%s/rollback" % app, DEPLOY, {"commit": old})
    assert body["message"] == "Rollback deployment queued."
    dep = body["deployment_uuid"]
    row = deployment(fake, dep)
    assert row["rollback"] is True and row["commit"] == old
    assert dep in [d["deployment_uuid"] for d in fake.ok("GET", "/api/v1/deployments")]
    listed = fake.ok("GET", "/api/v1/deployments/applications/%s?take=1" % app)["deployments"]
    assert listed[0]["deployment_uuid"] == dep
    # A rollback is never skipped as "already queued".
    second = fake.ok("POST", "/api/v1/applications/%s/rollback" % app, ROOT, {"commit": old})
    assert second["deployment_uuid"] != dep
    row = finished(fake, dep)
    assert row["status"] == "finished"
    assert "image found (%s:%s)" % (app, old) in row["logs"]
    after = fake.ok("GET", "/api/v1/applications/%s/rollback-images" % app)
    assert after["current"] == old
    assert [i["tag"] for i in after["images"]] == [i["tag"] for i in images["images"]]


def test_rollback_to_a_tag_without_an_image_fails_later(fake):
    app = web(fake)["uuid"]
    dep = fake.ok("POST", "/api/v1/applications/%s/rollback" % app, ROOT,
                  {"commit": "0123abc"})["deployment_uuid"]
    row = finished(fake, dep)
    assert row["status"] == "failed"
    assert "Image not found (%s:0123abc). Building new image." % app in row["logs"]


def test_rollback_validation(fake):
    app = web(fake)["uuid"]
    path = "/api/v1/applications/%s/rollback" % app

    def refused(body, **kw):
        status, _, data = fake.call("POST", path, ROOT, body, **kw)
        return status, data

    assert refused({}) == (400, {"message": "Invalid request.", "error": "Empty JSON."})
    assert refused(None, raw_body=b"commit=x", content_type="application/x-www-form-urlencoded") \
        == (400, {"message": "Invalid request.", "error": "Content-Type must be application/json."})
    assert refused({"commit": ""}) == (422, {"message": "Validation failed.",
                                             "errors": {"commit": ["This field is required."]}})
    assert refused({"commit": 12}) == (422, {"message": "Validation failed.", "errors": {
        "commit": ["The commit field must be a string."]}})
    assert refused({"commit": "abc", "force": True}) == (422, {"message": "Validation failed.",
        "errors": {"force": ["This field is not allowed."]}})
    assert refused({"commit": "-f"}) == (422, {"message": "Validation failed.", "errors": {
        "commit": ["Invalid rollback commit: must not start with a hyphen."]}})
    assert refused({"commit": "a;b"})[1]["errors"]["commit"][0].startswith(
        "Invalid rollback commit: contains disallowed characters.")
    assert fake.call("POST", "/api/v1/applications/nosuchapp/rollback", ROOT,
                     {"commit": "abc"})[::2] == (404, {"message": "Application not found."})
    assert fake.call("POST", path, WRITE, {"commit": "abc"})[::2] == \
        (403, {"message": "Missing required permissions: deploy"})
    # Trimmed (TrimStrings), then queued.
    dep = fake.ok("POST", path, ROOT, {"commit": "  v1.2/rc-3  "})["deployment_uuid"]
    assert deployment(fake, dep)["commit"] == "v1.2/rc-3"
    assert not [d for d in fake.ctl("state")["deployments"]
                if d["rollback"] and d["deployment_uuid"] != dep]


def test_rollback_queue_limit(fake):
    app = web(fake)["uuid"]
    fake.ctl("set", {"deployment_speed": 30})
    for i in range(25):
        fake.ok("POST", "/api/v1/applications/%s/rollback" % app, ROOT, {"commit": "t%d" % i})
    assert fake.call("POST", "/api/v1/applications/%s/rollback" % app, ROOT,
                     {"commit": "t"})[::2] == \
        (400, {"message": "Deployment queue is full. Please wait for existing deployments to "
                          "complete."})


# -- previews ----------------------------------------------------------------------------

def previews(fake, app):
    ids = {a["id"] for a in fake.ctl("state")["applications"] if a["uuid"] == app}
    return sorted(p["pull_request_id"] for p in fake.ctl("state")["previews"]
                  if p["application_id"] in ids)


def test_delete_preview(fake):
    app = web(fake)["uuid"]
    assert previews(fake, app) == [7, 42]
    path = "/api/v1/applications/%s/previews/" % app
    for raw in ("abc", "0", "-4", "1.5x"):
        assert fake.call("DELETE", path + raw)[::2] == (422, {"message": "Invalid pull_request_id."})
    assert fake.call("DELETE", path + "99")[::2] == (404, {"message": "Preview not found."})
    assert fake.call("DELETE", path + "42", DEPLOY)[::2] == \
        (403, {"message": "Missing required permissions: write"})
    assert fake.call("DELETE", "/api/v1/applications/nosuchapp/previews/42")[::2] == \
        (404, {"message": "Application not found."})
    assert previews(fake, app) == [7, 42]
    assert fake.ok("DELETE", path + "42", WRITE) == {"message": "Preview deletion request queued."}
    assert previews(fake, app) == [7]
    assert fake.call("DELETE", path + "42")[::2] == (404, {"message": "Preview not found."})
    # PHP's is_numeric and (int): "7.0" is 7.
    assert fake.ok("DELETE", path + "7.0") == {"message": "Preview deletion request queued."}
    assert previews(fake, app) == []


def test_delete_preview_cancels_its_deployments(fake):
    app = web(fake)["uuid"]
    fake.ctl("set", {"deployment_speed": 5})
    dep = fake.ok("POST", "/api/v1/deploy?uuid=%s&pr=42" % app)["deployments"][0]["deployment_uuid"]
    main = fake.ok("POST", "/api/v1/applications/%s/start" % app)["deployment_uuid"]
    fake.ok("DELETE", "/api/v1/applications/%s/previews/42" % app)
    assert deployment(fake, dep)["status"] == "cancelled-by-user"
    assert deployment(fake, main)["status"] in ("queued", "in_progress")


# -- the seed ----------------------------------------------------------------------------

def test_seed_has_none_of_these_routes():
    seed = Fake("seed")
    try:
        app = seed.app("web", "nixpacks")["uuid"]
        done = seed.ok("GET", "/api/v1/deployments/applications/" + app)["deployments"][0]
        for method, path, body in (
                ("POST", "/api/v1/deployments/%s/cancel" % done["deployment_uuid"], None),
                ("GET", "/api/v1/applications/%s/rollback-images" % app, None),
                ("POST", "/api/v1/applications/%s/rollback" % app, {"commit": "abc"}),
                ("DELETE", "/api/v1/applications/%s/previews/42" % app, None)):
            assert seed.call(method, path, ROOT, body)[::2] == (404, NOT_FOUND), path
    finally:
        seed.close()
