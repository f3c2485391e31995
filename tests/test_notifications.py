"""Notifications and instance settings (SPEC §6, issue 16): notifications/
with one JSON file per channel (email, discord, slack, telegram, pushover,
webhook), settings/email.json (root tokens), and the top ctl's mcp enable |
mcp disable; mounted for real over the fake in latest mode (the seed has no
such routes: the entries are absent), driven with ls, cat, grep, vim, sed -i,
echo and cp, and checked at the fake's request log."""
import errno
import json
import os

import pytest

from conftest import Fake, READ_TOKEN, RW_TOKEN, api_requests, run

CHANNELS = ["discord.json", "email.json", "pushover.json", "slack.json", "telegram.json",
            "webhook.json"]
# read and write, without read:sensitive: the API leaves the secrets out.
NOSENS_TOKEN = "7|nosens-token-000000000000000000000000000000"
# The Staging Team's owner's root token: not the root team.
STAGING_TOKEN = "8|staging-token-00000000000000000000000000000"


@pytest.fixture(scope="module")
def latest():
    f = Fake(mode="latest")
    yield f
    f.stop()


@pytest.fixture
def fresh(latest):
    latest.reset()
    latest.ctl("tokens", {"token": NOSENS_TOKEN, "abilities": ["read", "write"]})
    latest.ctl("tokens", {"token": STAGING_TOKEN, "abilities": ["root"], "team_id": "1"})
    return latest


@pytest.fixture
def mnt(fresh, mount_factory):
    return mount_factory(fresh, opts=["cache_ttl=60"])


def vim(path, command, check=True):
    """vim's :s and :wq, as a user saves a JSON file (written in place)."""
    return run("vim -Es -i NONE -N -u DEFAULTS -c '%s' -c wq '%s'" % (command, path),
               check=check)


def write_close(path, text):
    """One write() then close(): the errno of whichever failed, or 0
    (Python reports close()'s error, which bash does not)."""
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
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


def writes(fake):
    """The requests that were not reads."""
    return [r for r in api_requests(fake) if r[0] != "GET"]


def bodies(fake, method="PATCH"):
    return [json.loads(e["body"]) for e in fake.log() if e["method"] == method]


def test_channels_are_listed_and_read(mnt, fresh):
    assert "notifications" in os.listdir(mnt.path)
    assert "settings" in os.listdir(mnt.path)
    fresh.clear_log()
    d = mnt.p("notifications")
    assert sorted(os.listdir(d)) == CHANNELS
    shown = {n: json.load(open(os.path.join(d, n))) for n in CHANNELS}
    run("cat %s/*.json > /dev/null" % d)
    # One GET per channel, however often each was read (cached).
    got = sorted(p for m, p in api_requests(fresh))
    assert got == sorted("/api/v1/notifications/" + n[:-5] for n in CHANNELS)
    for name in CHANNELS:
        assert shown[name] == fresh.api("/notifications/" + name[:-5])[1]
    st = os.stat(os.path.join(d, "discord.json"))
    assert oct(st.st_mode & 0o777) == "0o600"
    assert st.st_size == len(open(os.path.join(d, "discord.json")).read())
    # grep across the channels finds what a root token may read.
    r = run(["grep", "-l", "discord.com/api/webhooks", *[os.path.join(d, n) for n in CHANNELS]])
    assert r.stdout.split() == [os.path.join(d, "discord.json")]


def test_vim_save_patches_only_what_changed(mnt, fresh):
    f = mnt.p("notifications", "email.json")
    before = fresh.api("/notifications/email")[1]
    fresh.clear_log()
    vim(f, r'%s/"smtp_port": 587/"smtp_port": 2525/')
    assert writes(fresh) == [("PATCH", "/api/v1/notifications/email")]
    # The password, host and user were in the file and left alone: not sent.
    assert bodies(fresh) == [{"smtp_port": 2525}]
    assert fresh.api("/notifications/email")[1] == dict(before, smtp_port=2525)
    assert json.load(open(f))["smtp_port"] == 2525


def test_echo_a_whole_object_sends_the_difference(mnt, fresh):
    f = mnt.p("notifications", "slack.json")
    now = json.load(open(f))
    want = dict(now, slack_enabled=True,
                slack_webhook_url="https://hooks.slack.com/services/T0/B0/secret")
    fresh.clear_log()
    run("echo '%s' > '%s'" % (json.dumps(want), f))
    assert writes(fresh) == [("PATCH", "/api/v1/notifications/slack")]
    assert bodies(fresh) == [{"slack_enabled": True,
                              "slack_webhook_url": "https://hooks.slack.com/services/T0/B0/secret"}]
    assert json.load(open(f)) == want
    # cp (written in place) saves the same way.
    src = os.path.join(mnt.dir, "slack-copy.json")
    with open(src, "w") as fh:
        json.dump(dict(json.load(open(f)), slack_enabled=False), fh)
    fresh.clear_log()
    run(["cp", src, f])
    assert bodies(fresh) == [{"slack_enabled": False}]
    assert fresh.api("/notifications/slack")[1]["slack_enabled"] is False


def test_a_refused_save_changes_nothing(mnt, fresh):
    f = mnt.p("notifications", "webhook.json")
    before = fresh.api("/notifications/webhook")[1]
    fresh.clear_log()
    # SafeWebhookUrl: no local targets.
    r = run("echo '{\"webhook_url\": \"http://localhost:8080/hook\"}' > '%s'" % f, check=False)
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert "points to a local or private address" in mnt.stderr()
    assert writes(fresh) == [("PATCH", "/api/v1/notifications/webhook")]
    assert fresh.api("/notifications/webhook")[1] == before
    assert json.load(open(f)) == before
    # A field the API does not take: its 422, nothing changed.
    fresh.clear_log()
    r = vim(f, r'%s/"webhook_enabled": false/"webhook_enabled": false, "team_id": 1/', check=False)
    assert r.returncode != 0
    assert "This field is not allowed." in mnt.stderr()
    assert writes(fresh) == [("PATCH", "/api/v1/notifications/webhook")]
    assert fresh.api("/notifications/webhook")[1] == before
    # Not JSON: refused at close (bash ignores close's error), nothing sent.
    fresh.clear_log()
    assert write_close(f, "webhook_enabled=true") == errno.EINVAL
    assert writes(fresh) == []
    assert json.load(open(f)) == before


def test_hidden_secrets_are_never_sent_back(fresh, mount_factory):
    m = mount_factory(fresh, token=NOSENS_TOKEN, opts=["cache_ttl=60"])
    f = m.p("notifications", "discord.json")
    shown = json.load(open(f))
    full = fresh.api("/notifications/discord")[1]
    # The token sees no webhook URL: the file has none (not an empty one).
    assert "discord_webhook_url" not in shown
    assert "api/webhooks" not in open(f).read()
    assert shown == {k: v for k, v in full.items() if k != "discord_webhook_url"}
    fresh.clear_log()
    vim(f, r'%s/"discord_ping_enabled": true/"discord_ping_enabled": false/')
    assert bodies(fresh) == [{"discord_ping_enabled": False}]
    # The secret the file never showed is as it was.
    assert fresh.api("/notifications/discord")[1]["discord_webhook_url"] == \
        full["discord_webhook_url"]
    # Setting one is writing it: sent, and still not shown back.
    fresh.clear_log()
    run("echo '%s' > '%s'" % (json.dumps(dict(
        json.load(open(f)), discord_webhook_url="https://discord.com/api/webhooks/9/new")), f))
    assert bodies(fresh) == [{"discord_webhook_url": "https://discord.com/api/webhooks/9/new"}]
    assert "discord_webhook_url" not in json.load(open(f))
    assert fresh.api("/notifications/discord")[1]["discord_webhook_url"] == \
        "https://discord.com/api/webhooks/9/new"


def test_read_token_cannot_save(fresh, mount_factory):
    m = mount_factory(fresh, token=READ_TOKEN, opts=["cache_ttl=60"])
    f = m.p("notifications", "telegram.json")
    shown = json.load(open(f))
    assert "telegram_token" not in shown and "telegram_chat_id" not in shown
    fresh.clear_log()
    r = vim(f, r'%s/"telegram_enabled": false/"telegram_enabled": true/', check=False)
    assert r.returncode != 0
    assert "Missing required permissions: write" in m.stderr()
    assert writes(fresh) == [("PATCH", "/api/v1/notifications/telegram")]
    assert fresh.api("/notifications/telegram")[1]["telegram_enabled"] is False


def test_instance_email_settings(mnt, fresh):
    assert os.listdir(mnt.p("settings")) == ["email.json"]
    f = mnt.p("settings", "email.json")
    assert json.load(open(f)) == fresh.api("/settings/email")[1]
    fresh.clear_log()
    vim(f, r'%s/"smtp_host": null/"smtp_host": "mail.example.com"/')
    assert writes(fresh) == [("PATCH", "/api/v1/settings/email")]
    assert bodies(fresh) == [{"smtp_host": "mail.example.com"}]
    assert fresh.api("/settings/email")[1]["smtp_host"] == "mail.example.com"
    # A refused value (ValidHostname): EINVAL, the API's message, unchanged.
    fresh.clear_log()
    r = vim(f, r'%s/"smtp_ehlo_domain": null/"smtp_ehlo_domain": "not a host"/', check=False)
    assert r.returncode != 0
    assert "smtp_ehlo_domain contains invalid characters" in mnt.stderr()
    assert fresh.api("/settings/email")[1]["smtp_ehlo_domain"] is None


def test_instance_email_settings_need_write_sensitive(fresh, mount_factory):
    m = mount_factory(fresh, token=RW_TOKEN, opts=["cache_ttl=60"])
    f = m.p("settings", "email.json")
    assert json.load(open(f))["resend_api_key"] == "re_s3cret_resend_key"
    fresh.clear_log()
    r = vim(f, r'%s/"smtp_enabled": false/"smtp_enabled": true/', check=False)
    assert r.returncode != 0
    assert "Missing required permissions: write:sensitive" in m.stderr()
    assert fresh.api("/settings/email")[1]["smtp_enabled"] is False


def test_instance_email_settings_refuse_other_teams(fresh, mount_factory):
    m = mount_factory(fresh, token=STAGING_TOKEN, opts=["cache_ttl=60"])
    # The file is there (the API decides who may read it), empty to stat,
    # and reading it is EACCES with the API's message.
    assert os.listdir(m.p("settings")) == ["email.json"]
    f = m.p("settings", "email.json")
    assert os.stat(f).st_size == 0
    r = run(["cat", f], check=False)
    assert r.returncode != 0 and "Permission denied" in r.stderr
    assert "Instance email settings require a root-team API token." in m.stderr()
    fresh.clear_log()
    r = run("echo '{\"smtp_enabled\": true}' > '%s'" % f, check=False)
    assert r.returncode != 0 and "Permission denied" in r.stderr
    assert writes(fresh) == []
    # The team's own notification settings are its own.
    assert json.load(open(m.p("notifications", "email.json")))["team_id"] == 1


def test_mcp_verbs(mnt, fresh):
    ctl = mnt.p("ctl")
    assert open(ctl).read().splitlines()[-2:] == ["mcp enable", "mcp disable"]
    fresh.clear_log()
    run("echo 'mcp enable' > '%s'" % ctl)
    run("echo 'mcp  disable' > '%s'" % ctl)
    assert writes(fresh) == [("POST", "/api/v1/mcp/enable"), ("POST", "/api/v1/mcp/disable")]
    fresh.clear_log()
    r = run("echo 'mcp restart' > '%s'" % ctl, check=False)
    assert r.returncode != 0 and "Invalid argument" in r.stderr
    assert writes(fresh) == []


def test_mcp_needs_the_root_team(fresh, mount_factory):
    m = mount_factory(fresh, token=STAGING_TOKEN)
    fresh.clear_log()
    r = run("echo 'mcp enable' > '%s'" % m.p("ctl"), check=False)
    assert r.returncode != 0 and "Permission denied" in r.stderr
    assert "You are not allowed to enable the MCP server." in m.stderr()
    assert writes(fresh) == [("POST", "/api/v1/mcp/enable")]


def test_seed_has_none_of_it(fake, mount_factory):
    """The 2025 API (the seed fake): no entry, no request, no verb."""
    fake_mode = fake
    fake_mode.reset()
    m = mount_factory(fake_mode)
    top = os.listdir(m.path)
    assert "notifications" not in top and "settings" not in top
    assert not os.path.exists(m.p("notifications", "email.json"))
    assert not os.path.exists(m.p("settings"))
    assert "mcp" not in open(m.p("ctl")).read()
    fake_mode.clear_log()
    r = run("echo 'mcp enable' > '%s'" % m.p("ctl"), check=False)
    assert r.returncode != 0
    assert writes(fake_mode) == []
    assert not [p for _, p, *_ in api_requests(fake_mode) if "notifications" in p or "settings" in p]
