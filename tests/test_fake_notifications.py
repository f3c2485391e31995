"""The fake's notification settings, instance mail settings and MCP switch
(latest mode only: NotificationsController, InstanceEmailSettingsController and
OtherController at Coolify HEAD), tested against the fake alone."""
import pytest

from conftest import Fake, READ_TOKEN, ROOT_TOKEN, RW_TOKEN, WRITE_TOKEN

CHANNELS = ("email", "discord", "slack", "telegram", "pushover", "webhook")
# A read+write token without read:sensitive, and the Staging Team's owner's.
NOSENS_TOKEN = "7|nosens-token-000000000000000000000000000000"
STAGING_TOKEN = "8|staging-token-00000000000000000000000000000"
# Alice Martin is a member (not an admin) of the Root Team.
MEMBER_TOKEN = "9|member-token-000000000000000000000000000000"


@pytest.fixture(scope="module")
def latest():
    f = Fake(mode="latest")
    yield f
    f.stop()


@pytest.fixture
def fake(latest):
    latest.reset()
    latest.ctl("tokens", {"token": NOSENS_TOKEN, "abilities": ["read", "write"]})
    latest.ctl("tokens", {"token": STAGING_TOKEN, "abilities": ["root"], "team_id": "1"})
    latest.ctl("tokens", {"token": MEMBER_TOKEN, "abilities": ["read", "write"], "user_id": 1})
    return latest


@pytest.fixture(scope="module")
def seed():
    f = Fake(mode="seed")
    yield f
    f.stop()


def test_seed_has_none_of_these_routes(seed):
    for path in ["/notifications/" + c for c in CHANNELS] + ["/settings/email"]:
        assert seed.api(path) == (404, {"message": "Not found.", "docs": "https://coolify.io/docs"})
    assert seed.api("/mcp/enable", method="POST")[0] == 404


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_channel_is_the_tokens_teams(fake, channel):
    status, out = fake.api("/notifications/" + channel)
    assert status == 200
    assert out["team_id"] == 0
    assert list(out)[0] == "id"  # serializeApiResponse: id first, then sorted keys
    assert list(out)[1:] == sorted(list(out)[1:])
    assert "created_at" not in out and "updated_at" not in out  # $timestamps = false
    assert out["%s_enabled" % ("smtp" if channel == "email" else channel)] in (True, False)


def test_secrets_are_left_out_without_read_sensitive(fake):
    _, full = fake.api("/notifications/discord")
    assert full["discord_enabled"] is True
    assert full["discord_webhook_url"].startswith("https://discord.com/api/webhooks/")
    _, shown = fake.api("/notifications/discord", token=READ_TOKEN)
    assert "discord_webhook_url" not in shown
    assert shown == {k: v for k, v in full.items() if k != "discord_webhook_url"}
    _, mail = fake.api("/notifications/email", token=READ_TOKEN)
    for hidden in ("smtp_password", "smtp_username", "smtp_host", "smtp_from_address"):
        assert hidden not in mail
    assert mail["smtp_port"] == 587 and mail["smtp_enabled"] is True
    _, tg = fake.api("/notifications/telegram", token=READ_TOKEN)
    assert not [k for k in tg if k.endswith("_thread_id") or k in ("telegram_token", "telegram_chat_id")]


def test_a_member_never_reads_secrets(fake):
    # ApiSensitiveData: the ability alone is not enough, the user must be an admin.
    fake.ctl("tokens", {"token": "10|membersens-token-00000000000000000000000000",
                        "abilities": ["read", "read:sensitive"], "user_id": 1})
    _, out = fake.api("/notifications/discord", token="10|membersens-token-00000000000000000000000000")
    assert "discord_webhook_url" not in out


def test_patch_changes_only_what_it_is_sent(fake):
    _, before = fake.api("/notifications/slack")
    status, out = fake.api("/notifications/slack", method="PATCH", body={
        "slack_enabled": True, "slack_webhook_url": "https://hooks.slack.com/services/T0/B0/xyz"})
    assert status == 200
    assert out == dict(before, slack_enabled=True,
                       slack_webhook_url="https://hooks.slack.com/services/T0/B0/xyz")
    assert fake.api("/notifications/slack")[1] == out
    # Booleans as Laravel takes them are stored as booleans; ports as integers.
    status, out = fake.api("/notifications/email", method="PATCH",
                           body={"deployment_success_email_notifications": "0", "smtp_port": "2525"})
    assert status == 200
    assert out["deployment_success_email_notifications"] is False and out["smtp_port"] == 2525


def test_patch_validation(fake):
    cases = [
        ({"smtp_port": 70000}, "smtp_port", "The smtp_port field must not be greater than 65535."),
        ({"smtp_encryption": "ssl"}, "smtp_encryption", "The selected smtp_encryption is invalid."),
        ({"smtp_enabled": "yes"}, "smtp_enabled", "The smtp_enabled field must be true or false."),
        ({"smtp_from_address": "nobody"}, "smtp_from_address",
         "The smtp_from_address field must be a valid email address."),
        ({"smtp_ehlo_domain": "not a hostname"}, "smtp_ehlo_domain",
         "The smtp_ehlo_domain contains invalid characters. Only letters (a-z, A-Z), numbers "
         "(0-9), hyphens (-), and dots (.) are allowed."),
        ({"team_id": 1}, "team_id", "This field is not allowed."),
        ({"not_a_real_field": "x"}, "not_a_real_field", "This field is not allowed."),
    ]
    _, before = fake.api("/notifications/email")
    for body, field, message in cases:
        status, out = fake.api("/notifications/email", method="PATCH", body=body)
        assert status == 422, body
        assert out["message"] == "Validation failed."
        assert out["errors"][field] == [message]
    assert fake.api("/notifications/email")[1] == before
    # SafeWebhookUrl: a URL, http(s), not local or private.
    for url, message in [
            ("nope", "The webhook_url must be a valid URL."),
            ("ftp://example.com/x", "The webhook_url must use the http or https scheme."),
            ("http://localhost/hook", "The webhook_url points to a local or private address"),
            ("http://10.0.0.5/hook", "The webhook_url points to a local or private address"),
            ("http://169.254.169.254/latest", "The webhook_url must not point to link-local addresses.")]:
        status, out = fake.api("/notifications/webhook", method="PATCH", body={"webhook_url": url})
        assert status == 422 and out["errors"]["webhook_url"][0].startswith(message), (url, out)
    # validateIncomingRequest: an empty body is a 400.
    assert fake.api("/notifications/email", method="PATCH", body={}) == \
        (400, {"message": "Invalid request.", "error": "Empty JSON."})


def test_patch_needs_write_and_an_admin(fake):
    assert fake.api("/notifications/email", token=READ_TOKEN, method="PATCH",
                    body={"smtp_enabled": False}) == \
        (403, {"message": "Missing required permissions: write"})
    assert fake.api("/notifications/email", token=MEMBER_TOKEN, method="PATCH",
                    body={"smtp_enabled": False}) == \
        (403, {"message": "This action is unauthorized."})
    assert fake.api("/notifications/email")[1]["smtp_enabled"] is True
    # A write without read:sensitive may still set a secret it cannot read back.
    status, out = fake.api("/notifications/pushover", token=NOSENS_TOKEN, method="PATCH",
                           body={"pushover_api_token": "tok"})
    assert status == 200 and "pushover_api_token" not in out
    assert fake.api("/notifications/pushover")[1]["pushover_api_token"] == "tok"


def test_each_team_has_its_own(fake):
    _, mine = fake.api("/notifications/discord", token=STAGING_TOKEN)
    assert mine["team_id"] == 1 and mine["discord_enabled"] is False
    assert mine["discord_webhook_url"] is None and mine["discord_ping_enabled"] is True
    assert mine["deployment_failure_discord_notifications"] is True
    assert mine["deployment_success_discord_notifications"] is False


def test_instance_email_settings(fake):
    status, out = fake.api("/settings/email")
    assert status == 200
    assert list(out) == ["smtp_enabled", "smtp_from_address", "smtp_from_name", "smtp_host",
                         "smtp_port", "smtp_encryption", "smtp_username", "smtp_password",
                         "smtp_timeout", "smtp_ehlo_domain", "resend_enabled", "resend_api_key"]
    _, shown = fake.api("/settings/email", token=READ_TOKEN)
    assert shown == {"smtp_enabled": out["smtp_enabled"], "smtp_port": None,
                     "smtp_encryption": None, "smtp_timeout": None, "smtp_ehlo_domain": None,
                     "resend_enabled": True}
    status, out = fake.api("/settings/email", method="PATCH",
                           body={"smtp_host": "mail.example.com", "smtp_port": 465, "nonsense": 1})
    assert status == 200 and out["smtp_host"] == "mail.example.com" and out["smtp_port"] == 465
    assert "nonsense" not in out
    assert fake.api("/settings/email", method="PATCH", body={"smtp_port": 0})[0] == 422
    # write:sensitive, not write.
    assert fake.api("/settings/email", token=RW_TOKEN, method="PATCH", body={"smtp_port": 25}) == \
        (403, {"message": "Missing required permissions: write:sensitive"})
    root_only = (403, {"message": "Instance email settings require a root-team API token."})
    assert fake.api("/settings/email", token=STAGING_TOKEN) == root_only
    assert fake.api("/settings/email", token=STAGING_TOKEN, method="PATCH",
                    body={"smtp_port": 25}) == root_only
    assert fake.api("/settings/email", token=MEMBER_TOKEN) == \
        (403, {"message": "This action is unauthorized."})


def test_mcp_enable_and_disable(fake):
    assert fake.api("/mcp/enable", method="POST") == (200, {"message": "MCP server enabled."})
    assert fake.api("/mcp/disable", method="POST") == (200, {"message": "MCP server disabled."})
    assert fake.api("/mcp/enable", token=STAGING_TOKEN, method="POST") == \
        (403, {"message": "You are not allowed to enable the MCP server."})
    assert fake.api("/mcp/enable", token=READ_TOKEN, method="POST") == \
        (403, {"message": "Missing required permissions: write"})
    assert fake.api("/mcp/enable", token=WRITE_TOKEN)[0] == 404  # no GET route
    # Like /enable, it works while the API is disabled.
    fake.set(api_enabled=False)
    assert fake.api("/mcp/enable", token=ROOT_TOKEN, method="POST")[0] == 200
