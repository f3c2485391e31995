"""Cloud providers (current Coolify only; the seed has none of these routes):
CloudProviderTokensController (/cloud-tokens), CloudInitScriptsController
(/cloud-init-scripts), and HetznerController, DigitalOceanController and
VultrController (the providers' catalogues, and POST /servers/{provider}).

Answer shapes, from the controllers and models at HEAD:
- a token is removeSensitiveData(): id hidden, `token` hidden by the model
  ($hidden) and made visible again for root and read:sensitive tokens; the
  list and the GET add servers_count (withCount('servers')). Create answers
  201 {"uuid"}, update 200 {"uuid"} (name only), delete 400 "Cannot delete
  token that is used by servers." while a server uses it.
- validate answers 200 either way: {"valid": true, "message": "Token is
  valid."} or {"valid": false, "message": "Invalid hetzner token. Please
  check your API token."}. A create asks the provider first and answers 400
  with that message for a token the provider refuses.
- an init script hides id and team_id, and `script` unless root or
  read:sensitive; the list is newest first; create answers 201 and update 200
  with the script (as the caller may see it); the script must be a bash
  script (#!) or cloud-config YAML (ValidCloudInitYaml).
- a catalogue (GET /hetzner/locations...) needs the query parameter
  cloud_provider_token_uuid (or the deprecated cloud_provider_token_id) of a
  token of that provider: 422 without, 404 "Hetzner cloud provider token not
  found." for another's; the answer is the provider's list as a plain array
  (each service unwraps and pages it).

The providers themselves are simulated here: a token is refused by its
provider when it contains "invalid" or was revoked with /_fake/set
{"cloud_revoked": ["TOKEN", ...]}; a refused token's catalogue answers 500
"Failed to fetch Hetzner locations." as the controller's catch does.
"""

import hashlib

from . import util
from .http import fail, json_response, validate_incoming_request
from .router import LATEST, route
from .validation import validate

PROVIDERS = ("hetzner", "digitalocean", "vultr")
LABEL = {"hetzner": "Hetzner", "digitalocean": "DigitalOcean", "vultr": "Vultr"}


def demo_uuid(*parts):
    """Demo rows get uuids that do not draw from the seeded random stream."""
    digest = hashlib.sha256(("cloud:" + ":".join(parts)).encode()).digest()
    return "c" + "".join("abcdefghijklmnopqrstuvwxyz0123456789"[b % 36] for b in digest[:23])


# -- the providers' catalogues, shaped as each provider's API gives its items ------------------

def _hetzner_prices(*locations):
    return [{"location": loc, "price_hourly": {"net": "0.0060", "gross": "0.0071"},
             "price_monthly": {"net": "3.7900", "gross": "4.5101"}} for loc in locations]


CATALOGUES = {
    "hetzner": {
        "locations": [
            {"id": 1, "name": "fsn1", "description": "Falkenstein DC Park 1", "country": "DE",
             "city": "Falkenstein", "latitude": 50.47612, "longitude": 12.370071,
             "network_zone": "eu-central"},
            {"id": 2, "name": "nbg1", "description": "Nuremberg DC Park 1", "country": "DE",
             "city": "Nuremberg", "latitude": 49.452102, "longitude": 11.076665,
             "network_zone": "eu-central"},
        ],
        "server-types": [
            {"id": 22, "name": "cpx11", "description": "CPX 11", "cores": 2, "memory": 2.0,
             "disk": 40, "cpu_type": "shared", "architecture": "x86", "deprecated": False,
             "prices": _hetzner_prices("fsn1", "nbg1")},
            {"id": 45, "name": "cax11", "description": "CAX11", "cores": 2, "memory": 4.0,
             "disk": 40, "cpu_type": "shared", "architecture": "arm", "deprecated": False,
             "prices": _hetzner_prices("fsn1")},
        ],
        "images": [
            {"id": 161547269, "name": "ubuntu-24.04", "description": "Ubuntu 24.04",
             "type": "system", "os_flavor": "ubuntu", "os_version": "24.04",
             "architecture": "x86", "deprecated": None},
            {"id": 114690387, "name": "debian-12", "description": "Debian 12", "type": "system",
             "os_flavor": "debian", "os_version": "12", "architecture": "x86",
             "deprecated": None},
        ],
        "ssh-keys": [
            {"id": 2323, "name": "laptop", "fingerprint": "b7:2f:30:a0:2f:6c:58:6c:21:04:58:61:ba:06:3b:2f",
             "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGs8 laptop", "labels": {}},
        ],
        "networks": [
            {"id": 4711, "name": "private", "ip_range": "10.0.0.0/16", "servers": [],
             "subnets": [{"type": "cloud", "ip_range": "10.0.1.0/24", "network_zone": "eu-central"}]},
        ],
        "firewalls": [
            {"id": 38, "name": "web", "rules": [
                {"direction": "in", "protocol": "tcp", "port": "443",
                 "source_ips": ["0.0.0.0/0", "::/0"]}]},
        ],
    },
    "digitalocean": {
        "regions": [
            {"slug": "ams3", "name": "Amsterdam 3", "available": True,
             "sizes": ["s-1vcpu-1gb", "s-2vcpu-2gb"], "features": ["backups", "ipv6"]},
            {"slug": "fra1", "name": "Frankfurt 1", "available": True,
             "sizes": ["s-1vcpu-1gb"], "features": ["backups", "ipv6"]},
        ],
        "sizes": [
            {"slug": "s-1vcpu-1gb", "memory": 1024, "vcpus": 1, "disk": 25, "transfer": 1.0,
             "price_monthly": 6.0, "price_hourly": 0.00893, "regions": ["ams3", "fra1"],
             "available": True, "description": "Basic"},
            {"slug": "s-2vcpu-2gb", "memory": 2048, "vcpus": 2, "disk": 60, "transfer": 3.0,
             "price_monthly": 18.0, "price_hourly": 0.02679, "regions": ["ams3"],
             "available": True, "description": "Basic"},
        ],
        "images": [
            {"id": 160232537, "name": "24.04 (LTS) x64", "distribution": "Ubuntu",
             "slug": "ubuntu-24-04-x64", "public": True, "regions": ["ams3", "fra1"],
             "type": "base", "status": "available"},
        ],
        "ssh-keys": [
            {"id": 512190, "name": "laptop", "fingerprint": "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa",
             "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGs8 laptop"},
        ],
    },
    "vultr": {
        "regions": [
            {"id": "ams", "city": "Amsterdam", "country": "NL", "continent": "Europe",
             "options": ["ddos_protection"]},
        ],
        "plans": [
            {"id": "vc2-1c-1gb", "vcpu_count": 1, "ram": 1024, "disk": 25, "disk_count": 1,
             "bandwidth": 1024, "monthly_cost": 5, "type": "vc2", "locations": ["ams"]},
        ],
        "os": [
            {"id": 2284, "name": "Ubuntu 24.04 LTS x64", "arch": "x64", "family": "ubuntu"},
        ],
        "ssh-keys": [
            {"id": "3b8066a7-b438-455a-9688-44afc9a3597f", "date_created": "2025-05-01T10:00:00+00:00",
             "name": "laptop", "ssh_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGs8 laptop"},
        ],
    },
}

# What each controller's catch says when the provider's API fails.
_WHAT = {"locations": "locations", "server-types": "server types", "images": "images",
         "ssh-keys": "SSH keys", "networks": "networks", "firewalls": "firewalls",
         "regions": "regions", "sizes": "sizes", "plans": "plans", "os": "operating systems"}


def provider_accepts(state, token):
    return "invalid" not in token and token not in getattr(state, "cloud_revoked", ())


# -- rows ---------------------------------------------------------------------------------------

def add_token(state, team_id, provider, name, token, uuid=None, ts=None):
    stamp = util.iso(ts if ts is not None else state.now())
    row = {"id": state.seq("cloud_provider_tokens"), "uuid": uuid or state.new_uuid(),
           "team_id": int(team_id), "provider": provider, "token": token, "name": name,
           "description": None, "created_at": stamp, "updated_at": stamp}
    state.table("cloud_provider_tokens").append(row)
    return row


def add_script(state, team_id, name, script, uuid=None, ts=None):
    now = ts if ts is not None else state.now()
    stamp = util.iso(now)
    row = {"id": state.seq("cloud_init_scripts"), "uuid": uuid or state.new_uuid(),
           "team_id": int(team_id), "name": name, "script": script, "created_at": stamp,
           "updated_at": stamp, "_created": now + len(state.table("cloud_init_scripts")) * 1e-6}
    state.table("cloud_init_scripts").append(row)
    return row


def servers_of(state, token):
    return [s for s in state.live("servers") if s.get("_cloud_token_id") == token["id"]]


def token_api(ctx, row):
    data = util.without({k: v for k, v in row.items() if not k.startswith("_")}, ("id",))
    if not ctx.sensitive:
        data.pop("token")
    data["servers_count"] = len(servers_of(ctx.state, row))
    return util.api_sort(data)


def script_api(ctx, row):
    data = util.without({k: v for k, v in row.items() if not k.startswith("_")},
                        ("id", "team_id"))
    if not ctx.sensitive:
        data.pop("script")
    return util.api_sort(data)


def _team_tokens(ctx):
    return [t for t in ctx.state.table("cloud_provider_tokens")
            if str(t["team_id"]) == str(ctx.team_id)]


def _team_scripts(ctx):
    return [s for s in ctx.state.table("cloud_init_scripts")
            if str(s["team_id"]) == str(ctx.team_id)]


def _token(ctx):
    for row in _team_tokens(ctx):
        if row["uuid"] == ctx["uuid"]:
            return row
    fail(404, "Cloud provider token not found.")


def _script(ctx):
    for row in _team_scripts(ctx):
        if row["uuid"] == ctx["uuid"]:
            return row
    fail(404, "Cloud-init script not found.")


# -- validation ---------------------------------------------------------------------------------

def cloud_init_error(attribute, value):
    """ValidCloudInitYaml: a bash script (#!), or YAML (after an optional #cloud-config)."""
    if not value:
        return None
    script = value.strip()
    if script.startswith("#!"):
        return None
    import yaml
    header = script.startswith("#cloud-config")
    body = script[len("#cloud-config"):].lstrip() if header else script
    try:
        yaml.safe_load(body)
    except yaml.YAMLError as e:
        text = str(e).replace("\n", " ")
        if header:
            return "The %s must be valid YAML format. Error: %s" % (attribute, text)
        return ("The %s must be either a valid bash script (starting with #!) or valid "
                "cloud-config YAML. YAML parse error: %s" % (attribute, text))
    return None


def _check_script(data, field):
    error = cloud_init_error(field, data.get(field)) if isinstance(data.get(field), str) else None
    if error:
        fail(422, "Validation failed.", errors={field: [error]})


def _hostname_error(name):
    """ValidHostname, in short: letters, digits, hyphens and dots."""
    if name and not all(c.isalnum() or c in "-." for c in name):
        return ("The name contains invalid characters. Only letters (a-z, A-Z), numbers (0-9), "
                "hyphens (-), and dots (.) are allowed.")
    return None


def _token_param_errors(data):
    """required_without between cloud_provider_token_uuid and its deprecated _id."""
    if data.get("cloud_provider_token_uuid") or data.get("cloud_provider_token_id"):
        return {}
    return {"cloud_provider_token_uuid": [
                "The cloud provider token uuid field is required when cloud provider token id "
                "is not present."],
            "cloud_provider_token_id": [
                "The cloud provider token id field is required when cloud provider token uuid "
                "is not present."]}


def _provider_token(ctx, provider, data):
    uuid = data.get("cloud_provider_token_uuid") or data.get("cloud_provider_token_id")
    for row in _team_tokens(ctx):
        if row["uuid"] == uuid and row["provider"] == provider:
            return row
    fail(404, "%s cloud provider token not found." % LABEL[provider])


# -- tokens -------------------------------------------------------------------------------------

def list_tokens(ctx):
    return json_response(200, [token_api(ctx, t) for t in _team_tokens(ctx)])


def get_token(ctx):
    return json_response(200, token_api(ctx, _token(ctx)))


def create_token(ctx):
    validate_incoming_request(ctx.req)
    body = ctx.req.raw_json()
    validate(body, {"provider": "required|string|in:hetzner,digitalocean,vultr",
                    "token": "required|string", "name": "required|string|max:255"},
             ("provider", "token", "name"))
    if not provider_accepts(ctx.state, body["token"]):
        fail(400, "Invalid %s token. Please check your API token." % body["provider"])
    row = add_token(ctx.state, ctx.team_id, body["provider"], body["name"], body["token"])
    return json_response(201, {"uuid": row["uuid"]})


def update_token(ctx):
    validate_incoming_request(ctx.req)
    body = ctx.req.raw_json()
    validate(body, {"name": "required|string|max:255"}, ("name",))
    row = _token(ctx)
    row["name"] = body["name"]
    row["updated_at"] = util.iso(ctx.state.now())
    return json_response(200, {"uuid": row["uuid"]})


def delete_token(ctx):
    row = _token(ctx)
    if servers_of(ctx.state, row):
        fail(400, "Cannot delete token that is used by servers.")
    ctx.state.table("cloud_provider_tokens").remove(row)
    return json_response(200, {"message": "Cloud provider token deleted."})


def validate_token(ctx):
    row = _token(ctx)
    if provider_accepts(ctx.state, row["token"]):
        return json_response(200, {"valid": True, "message": "Token is valid."})
    return json_response(200, {"valid": False, "message": "Invalid %s token. Please check your "
                                                          "API token." % row["provider"]})


# -- init scripts -------------------------------------------------------------------------------

def list_scripts(ctx):
    rows = sorted(_team_scripts(ctx), key=lambda r: r["_created"], reverse=True)
    return json_response(200, [script_api(ctx, r) for r in rows])


def get_script(ctx):
    return json_response(200, script_api(ctx, _script(ctx)))


def create_script(ctx):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    validate(data, {"name": "required|string|max:255", "script": "required|string"},
             ("name", "script"))
    _check_script(data, "script")
    row = add_script(ctx.state, ctx.team_id, data["name"], data["script"])
    return json_response(201, script_api(ctx, row))


def update_script(ctx):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    if data == {}:
        fail(422, "At least one field must be provided.")
    row = _script(ctx)
    validate(data, {"name": "string|max:255", "script": "string"}, ("name", "script"))
    _check_script(data, "script")
    for field in ("name", "script"):
        if field in data:
            row[field] = data[field]
    row["updated_at"] = util.iso(ctx.state.now())
    return json_response(200, script_api(ctx, row))


def delete_script(ctx):
    row = _script(ctx)
    ctx.state.table("cloud_init_scripts").remove(row)
    return json_response(200, {"message": "Cloud-init script deleted."})


# -- catalogues ---------------------------------------------------------------------------------

def catalogue(provider, name):
    def handler(ctx):
        data = ctx.req.all()
        errors = _token_param_errors(data)
        if errors:
            fail(422, "Validation failed.", errors=errors)
        row = _provider_token(ctx, provider, data)
        if not provider_accepts(ctx.state, row["token"]):
            # The controller's own answer (its catch), not an exception page.
            return json_response(500, {"message": "Failed to fetch %s %s." % (LABEL[provider],
                                                                             _WHAT[name])})
        return json_response(200, CATALOGUES[provider][name])
    return handler


# -- cloud servers ------------------------------------------------------------------------------

_SERVER_FIELDS = {
    "hetzner": ("location", "server_type", "image", "name", "private_key_uuid", "enable_ipv4",
                "enable_ipv6", "enable_backups", "hetzner_ssh_key_ids", "hetzner_firewall_ids",
                "hetzner_network_ids", "cloud_init_script", "instant_validate"),
    "digitalocean": ("region", "size", "image", "name", "private_key_uuid", "enable_ipv6",
                     "monitoring", "digitalocean_ssh_key_ids", "cloud_init_script",
                     "instant_validate"),
    "vultr": ("region", "plan", "os_id", "name", "private_key_uuid", "enable_ipv6",
              "disable_public_ipv4", "vultr_ssh_key_ids", "cloud_init_script",
              "instant_validate"),
}

_SERVER_RULES = {
    "hetzner": {"location": "required|string", "server_type": "required|string",
                "image": "required|integer", "name": "nullable|string|max:253",
                "private_key_uuid": "required|string", "enable_ipv4": "nullable|boolean",
                "enable_ipv6": "nullable|boolean", "enable_backups": "nullable|boolean",
                "hetzner_ssh_key_ids": "nullable|array", "hetzner_firewall_ids": "nullable|array",
                "hetzner_network_ids": "nullable|array", "cloud_init_script": "nullable|string",
                "instant_validate": "nullable|boolean"},
    "digitalocean": {"region": "required|string", "size": "required|string",
                     "image": "required", "name": "nullable|string|max:253",
                     "private_key_uuid": "required|string", "enable_ipv6": "nullable|boolean",
                     "monitoring": "nullable|boolean",
                     "digitalocean_ssh_key_ids": "nullable|array",
                     "cloud_init_script": "nullable|string",
                     "instant_validate": "nullable|boolean"},
    "vultr": {"region": "required|string", "plan": "required|string",
              "os_id": "required|integer", "name": "nullable|string|max:253",
              "private_key_uuid": "required|string", "enable_ipv6": "nullable|boolean",
              "disable_public_ipv4": "nullable|boolean", "vultr_ssh_key_ids": "nullable|array",
              "cloud_init_script": "nullable|string", "instant_validate": "nullable|boolean"},
}

_MACHINE_ID = {"hetzner": "hetzner_server_id", "digitalocean": "digitalocean_droplet_id",
               "vultr": "vultr_instance_id"}


def create_cloud_server(provider):
    def handler(ctx):
        from .servers import _key, _new_server
        state = ctx.state
        validate_incoming_request(ctx.req)
        data = ctx.req.all()
        allowed = ("cloud_provider_token_uuid", "cloud_provider_token_id") + _SERVER_FIELDS[provider]
        from .validation import check, extra_fields
        errors = check(data, _SERVER_RULES[provider])
        errors.update(_token_param_errors(data))
        for field in extra_fields(data, allowed):
            errors.setdefault(field, []).append("This field is not allowed.")
        host = _hostname_error(data.get("name"))
        if host:
            errors.setdefault("name", []).append(host)
        script = data.get("cloud_init_script")
        if isinstance(script, str) and cloud_init_error("cloud init script", script):
            errors.setdefault("cloud_init_script", []).append(
                cloud_init_error("cloud init script", script))
        if errors:
            fail(422, "Validation failed.", errors=errors)
        if provider == "hetzner" and data.get("enable_ipv4") is not None \
                and data.get("enable_ipv6") is not None \
                and not util.to_bool(data["enable_ipv4"]) and not util.to_bool(data["enable_ipv6"]):
            fail(422, "Validation failed.",
                 errors={"enable_ipv4": ["Enable at least one public IP protocol."],
                         "enable_ipv6": ["Enable at least one public IP protocol."]})
        if provider == "vultr" and util.to_bool(data.get("disable_public_ipv4") or False) \
                and data.get("enable_ipv6") is not None and not util.to_bool(data["enable_ipv6"]):
            fail(422, "Validation failed.",
                 errors={"enable_ipv6": ["Enable IPv6 when disabling public IPv4."]})
        token = _provider_token(ctx, provider, data)
        key = _key(state, ctx.team_id, data["private_key_uuid"])
        if not provider_accepts(state, token["token"]):
            return json_response(500, {"message": "Failed to create %s server." % LABEL[provider]})
        name = (data.get("name") or "server-" + state.new_uuid()[:8]).strip().lower()
        n = len(servers_of(state, token)) + 10
        ip = "203.0.113.%d" % n
        server = _new_server(state, ctx.team_id, name, None, ip, 22, "root", key["id"],
                             {"type": "TRAEFIK", "status": "exited"}, state.now())
        server["_cloud_token_id"] = token["id"]
        machine = 41000000 + server["id"] if provider != "vultr" else demo_uuid("vultr", name)
        settings = state.settings_of(server)
        settings["is_reachable"] = False
        settings["is_usable"] = False
        return json_response(201, {"uuid": server["uuid"], _MACHINE_ID[provider]: machine,
                                   "ip": ip})
    return handler


def _catalogue_routes():
    out = []
    for provider, items in CATALOGUES.items():
        for name in items:
            out.append(route("GET", "/%s/%s" % (provider, name), catalogue(provider, name),
                             "read", LATEST))
    return out


ROUTES = [
    route("GET", "/cloud-tokens", list_tokens, "read", LATEST),
    route("POST", "/cloud-tokens", create_token, "write", LATEST),
    route("GET", "/cloud-tokens/{uuid}", get_token, "read", LATEST),
    route("PATCH", "/cloud-tokens/{uuid}", update_token, "write", LATEST),
    route("DELETE", "/cloud-tokens/{uuid}", delete_token, "write", LATEST),
    route("POST", "/cloud-tokens/{uuid}/validate", validate_token, "write", LATEST),
    route("GET", "/cloud-init-scripts", list_scripts, "read", LATEST),
    route("POST", "/cloud-init-scripts", create_script, "write", LATEST),
    route("GET", "/cloud-init-scripts/{uuid}", get_script, "read", LATEST),
    route("PATCH", "/cloud-init-scripts/{uuid}", update_script, "write", LATEST),
    route("DELETE", "/cloud-init-scripts/{uuid}", delete_script, "write", LATEST),
] + _catalogue_routes() + [
    route("POST", "/servers/%s" % p, create_cloud_server(p), "write", LATEST) for p in PROVIDERS
]
