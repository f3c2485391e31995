"""GitHub and GitLab apps (current Coolify only: GithubController and GitlabController at
HEAD). The seed has no such routes: they answer the catch-all 404.

Learned from the source:
* Apps are addressed by their numeric `id` ({github_app_id}, {gitlab_app_id}); a non-numeric
  one is a database error the controllers do not catch (500).
* The lists hold the team's apps and every system-wide one; removeSensitiveData() shows
  `client_secret` and `webhook_secret` (GitLab: `client_secret`, `webhook_token`,
  `access_token`, `refresh_token`) only to a token that may read secrets *and* is of the app's
  own team, then serializeApiResponse(). Update, delete and the repository routes find only the
  token team's apps ("GitHub app not found", 404).
* GitHub create answers 201 with the bare model (its $hidden secrets left out, `type`
  appended, no serializeApiResponse); its uuid is Str::uuid(). GitHub update answers
  {"message","data"} with the bare model too; GitLab's with removeSensitiveData(fresh()).
* Update takes $request->only(allowed): other fields are dropped without a word; a rule is
  checked only for a value that isset() (a null is stored as null: a secret set to "" is
  wiped, the mount never sends one). 422 "Validation error" there, "Validation failed." on
  create (with the allow-list's "This field is not allowed.").
* Delete: 409 "This GitHub app is being used by N application(s). Please delete all
  applications first." (the applications whose source is the app); else the app goes, and
  with it its private key when nothing else uses it (GithubApp::booted).
* Repositories come from GitHub (GET /installation/repositories, every page), answered as
  {"repositories": [...]} sorted by name: GitHub's own objects. A public app (no private key)
  fails generateGithubInstallationToken: 500. Branches: GitHub's GET /repos/{owner}/{repo}/
  branches as {"branches": [...]}; GitHub's refusal is passed on with its status:
  {"message":"Error loading branches from GitHub.","error":"Not Found"}.
"""

import hashlib
import ipaddress
import re
import urllib.parse
import uuid as uuidlib

from . import util
from .http import fail, json_response, validate_incoming_request
from .router import LATEST, route
from .validation import check, extra_fields

GITHUB_MODEL = "App\\Models\\GithubApp"
GITLAB_MODEL = "App\\Models\\GitlabApp"

GITHUB_COLUMNS = ("id", "uuid", "name", "organization", "api_url", "html_url", "custom_user",
                  "custom_port", "app_id", "installation_id", "client_id", "client_secret",
                  "webhook_secret", "is_system_wide", "is_public", "private_key_id", "team_id",
                  "created_at", "updated_at", "contents", "metadata", "pull_requests",
                  "administration")
GITHUB_SECRETS = ("client_secret", "webhook_secret")
GITHUB_FIELDS = ("name", "organization", "api_url", "html_url", "custom_user", "custom_port",
                 "app_id", "installation_id", "client_id", "client_secret", "webhook_secret",
                 "private_key_uuid", "is_system_wide")

GITLAB_COLUMNS = ("id", "uuid", "name", "organization", "api_url", "html_url", "custom_port",
                  "custom_user", "is_system_wide", "is_public", "app_id", "app_secret",
                  "client_id", "client_secret", "access_token", "refresh_token", "expires_at",
                  "redirect_uri", "oauth_id", "group_name", "public_key", "webhook_token",
                  "deploy_key_id", "private_key_id", "team_id", "created_at", "updated_at")
# GitlabApp::$hidden; removeSensitiveData() shows all but app_secret to whom it may.
GITLAB_HIDDEN = ("webhook_token", "app_secret", "client_secret", "access_token", "refresh_token")
GITLAB_SECRETS = ("client_secret", "webhook_token", "access_token", "refresh_token")
GITLAB_FIELDS = ("name", "html_url", "api_url", "custom_user", "custom_port", "group_name",
                 "client_id", "client_secret", "webhook_token", "redirect_uri", "is_system_wide")


def demo_uuid(kind, name):
    """A uuid derived from the name (Str::uuid()'s form): the demo's apps draw nothing from
    the seeded random stream."""
    digest = hashlib.sha256(("%s:%s" % (kind, name)).encode()).digest()
    return str(uuidlib.UUID(bytes=digest[:16], version=4))


# -- SafeExternalUrl (SafeWebhookUrl) ------------------------------------------------------

def safe_url_error(field, value, host_header="localhost"):
    """SafeWebhookUrl::validate() without DNS: loopback, private and link-local literals and
    localhost are refused; a host under .invalid (RFC 2606: never resolves) "could not be
    resolved"; other names are taken as public."""
    if not isinstance(value, str) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#]+", value):
        return "The %s must be a valid URL." % field
    parts = urllib.parse.urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        return "The %s must use the http or https scheme." % field
    host = (parts.hostname or "").lower()
    if not host:
        return "The %s must contain a valid host." % field
    if host.endswith("."):
        return "The %s host must not end with a trailing dot." % field
    private = ("The %s points to a local or private address that is not allowed. Configure "
               "allowed internal targets: http://%s/settings/advanced#endpoint-section"
               % (field, host_header))
    if host == "localhost" or host.endswith(".localhost") or host.endswith(".internal"):
        return private
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        ip = None
    if ip is not None:
        if ip.is_link_local:
            return "The %s must not point to link-local addresses." % field
        if ip.is_private or ip.is_loopback or ip.is_reserved or ip.is_unspecified:
            return private
        return None
    if host.endswith(".invalid"):
        return "The %s host could not be resolved." % field
    return None


def _url_errors(ctx, data, fields, errors):
    for field in fields:
        value = data.get(field)
        if value is None:
            continue
        message = ("The %s field must be a valid URL." % field
                   if not re.match(r"^https?://[^\s/?#]+", str(value), re.I) else
                   safe_url_error(field, value, ctx.req.header("Host") or "localhost"))
        if message:
            errors.setdefault(field, []).append(message)


def _numeric_id(ctx, param):
    # where('id', 'abc') on PostgreSQL: an uncaught QueryException.
    if not re.fullmatch(r"[0-9]+", ctx[param]):
        fail(500, "Server Error")
    return int(ctx[param])


def _key_by_uuid(ctx, key_uuid):
    for key in ctx.state.table("private_keys"):
        if key["uuid"] == key_uuid and str(key["team_id"]) == str(ctx.team_id):
            return key
    return None


def _users_of(state, model, app):
    return [a for a in state.live("applications")
            if a.get("source_type") == model and a.get("source_id") == app["id"]]


def _drop_key_if_unused(state, app):
    """GithubApp::booted(): the app's private key goes with it unless something else uses
    it."""
    key_id = app.get("private_key_id")
    if key_id is None:
        return
    used = (any(s.get("private_key_id") == key_id for s in state.live("servers"))
            or any(a.get("private_key_id") == key_id for a in state.live("applications"))
            or any(g.get("private_key_id") == key_id and g is not app
                   for g in state.table("github_apps"))
            or any(g.get("private_key_id") == key_id for g in state.table("gitlab_apps")))
    if not used:
        keys = state.table("private_keys")
        keys[:] = [k for k in keys if k["id"] != key_id]


# -- GitHub ----------------------------------------------------------------------------------

def add_github_app(state, team_id, name, ts, row_id=None, **values):
    stamp = util.iso_seconds(ts)
    row = {c: None for c in GITHUB_COLUMNS}
    row.update(id=state.seq("github_apps") if row_id is None else row_id, name=name,
               uuid=demo_uuid("github", name), custom_user="git", custom_port=22,
               is_system_wide=False, is_public=False, team_id=int(team_id),
               created_at=stamp, updated_at=stamp)
    row.update(values)
    state.bump_seq("github_apps", row["id"])
    row.setdefault("_repos", [])
    state.table("github_apps").append(row)
    return row


def _github_model(app):
    """toArray(): the columns less $hidden, with the appended type."""
    data = {k: v for k, v in app.items() if not k.startswith("_") and k not in GITHUB_SECRETS}
    data["type"] = "github"
    return data


def github_api(ctx, app):
    data = {k: v for k, v in app.items() if not k.startswith("_")}
    if not (ctx.sensitive and str(app["team_id"]) == str(ctx.team_id)):
        for field in GITHUB_SECRETS:
            data.pop(field, None)
    data["type"] = "github"
    return util.api_sort(data)


def _visible(ctx, table):
    return [a for a in ctx.state.table(table)
            if str(a["team_id"]) == str(ctx.team_id) or a.get("is_system_wide")]


def _own(ctx, table, param, message):
    app_id = _numeric_id(ctx, param)
    for app in ctx.state.table(table):
        if app["id"] == app_id and str(app["team_id"]) == str(ctx.team_id):
            return app
    fail(404, message)


def list_github_apps(ctx):
    return json_response(200, [github_api(ctx, a) for a in _visible(ctx, "github_apps")])


def _normalize_org(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return str(value).strip("/ \t\n\r\0\x0b")


_ORG_RE = re.compile(r"\A[^\s/?#]+\Z")


def create_github_app(ctx):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    data["organization"] = _normalize_org(data.get("organization"))
    errors = check(data, {
        "name": "required|string|max:255", "organization": "nullable|string|max:255",
        "api_url": "nullable|string", "html_url": "required|string",
        "custom_user": "nullable|string|max:255",
        "custom_port": "nullable|integer|min:1|max:65535", "app_id": "required|integer",
        "installation_id": "required|integer", "client_id": "required|string|max:255",
        "client_secret": "required|string", "webhook_secret": "required|string",
        "private_key_uuid": "required|string", "is_system_wide": "boolean"})
    org = data.get("organization")
    if isinstance(org, str) and not _ORG_RE.match(org) and "organization" not in errors:
        errors["organization"] = ["The organization field format is invalid."]
    _url_errors(ctx, data, [f for f in ("api_url", "html_url") if f not in errors], errors)
    for field in extra_fields(data, GITHUB_FIELDS):
        errors.setdefault(field, []).append("This field is not allowed.")
    if errors:
        fail(422, "Validation failed.", errors=errors)
    key = _key_by_uuid(ctx, data["private_key_uuid"])
    if key is None:
        fail(404, "Private key not found or does not belong to your team.")
    state = ctx.state
    stamp = util.iso_seconds(state.now())
    html_url = data["html_url"]
    payload = {
        "uuid": str(uuidlib.UUID(int=state.rng.getrandbits(128), version=4)),
        "name": data["name"], "organization": data.get("organization"),
        "api_url": data.get("api_url") or _github_api_url(html_url), "html_url": html_url,
        "custom_user": data.get("custom_user", "git"),
        "custom_port": int(data["custom_port"]) if data.get("custom_port") is not None
        else data.get("custom_port", 22),
        "app_id": int(data["app_id"]), "installation_id": int(data["installation_id"]),
        "client_id": data["client_id"], "client_secret": data["client_secret"],
        "webhook_secret": data["webhook_secret"], "private_key_id": key["id"],
        "is_public": False, "team_id": int(ctx.team_id),
        "is_system_wide": util.to_bool(data.get("is_system_wide", False)),
        "updated_at": stamp, "created_at": stamp, "id": state.seq("github_apps")}
    row = {c: None for c in GITHUB_COLUMNS}
    row.update(payload)
    row["_repos"] = []
    state.table("github_apps").append(row)
    # The created model: its attributes in the order they were set.
    answer = {k: v for k, v in payload.items() if k not in GITHUB_SECRETS}
    answer["type"] = "github"
    return json_response(201, answer)


def _github_api_url(html_url):
    """githubApiUrlFromHtmlUrl()."""
    host = (urllib.parse.urlsplit(html_url).hostname or "").lower()
    if host in ("github.com", "www.github.com"):
        return "https://api.github.com"
    if host.endswith(".ghe.com"):
        return "https://api." + host
    parts = urllib.parse.urlsplit(html_url)
    return "%s://%s/api/v3" % (parts.scheme, parts.netloc)


def update_github_app(ctx):
    app = _own(ctx, "github_apps", "github_app_id", "GitHub app not found")
    data = ctx.req.all()
    payload = {k: data[k] for k in GITHUB_FIELDS if k in data}
    if "organization" in payload:
        payload["organization"] = _normalize_org(payload["organization"])
    rules = {"name": "string", "organization": "nullable|string", "custom_user": "string",
             "custom_port": "integer|min:1|max:65535", "app_id": "integer",
             "installation_id": "integer", "client_id": "string", "client_secret": "string",
             "webhook_secret": "string", "private_key_uuid": "string",
             "is_system_wide": "boolean"}
    set_ = {k: v for k, v in payload.items() if v is not None}  # isset()
    errors = check(set_, {k: r for k, r in rules.items() if k in set_})
    org = set_.get("organization")
    if isinstance(org, str) and not _ORG_RE.match(org) and "organization" not in errors:
        errors["organization"] = ["The organization field format is invalid."]
    _url_errors(ctx, set_, [f for f in ("api_url", "html_url") if f in set_], errors)
    pk = set_.get("private_key_uuid")
    if isinstance(pk, str) and "private_key_uuid" not in errors and not re.fullmatch(
            r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", pk):
        errors["private_key_uuid"] = ["The private_key_uuid field must be a valid UUID."]
    if errors:
        fail(422, "Validation error", errors=errors)
    if set_.get("html_url") and not payload.get("api_url"):
        payload["api_url"] = _github_api_url(payload["html_url"])
    if "private_key_uuid" in set_:
        key = _key_by_uuid(ctx, payload.pop("private_key_uuid"))
        if key is None:
            fail(404, "Private key not found or does not belong to your team")
        payload["private_key_id"] = key["id"]
    payload.pop("private_key_uuid", None)
    if any(payload.get(k) is None for k in ("name", "api_url", "html_url", "custom_user",
                                            "custom_port", "is_system_wide") if k in payload):
        fail(500, "Server Error")  # a NOT NULL column: an uncaught QueryException
    for field in ("custom_port", "app_id", "installation_id"):
        if payload.get(field) is not None:
            payload[field] = int(payload[field])
    if "is_system_wide" in payload:
        payload["is_system_wide"] = util.to_bool(payload["is_system_wide"])
    app.update(payload)
    ctx.state.touch(app)
    return json_response(200, {"message": "GitHub app updated successfully",
                               "data": _github_model(app)})


def delete_github_app(ctx):
    app = _own(ctx, "github_apps", "github_app_id", "GitHub app not found")
    users = _users_of(ctx.state, GITHUB_MODEL, app)
    if users:
        fail(409, "This GitHub app is being used by %d application(s). Please delete all "
                  "applications first." % len(users))
    _drop_key_if_unused(ctx.state, app)
    ctx.state.table("github_apps").remove(app)
    return json_response(200, {"message": "GitHub app deleted successfully"})


def github_repo(owner, name, repo_id, default_branch, private, description, pushed):
    """A repository as GitHub's /installation/repositories gives it (the fields a client
    reads; GitHub sends more)."""
    full = "%s/%s" % (owner, name)
    return {"id": repo_id, "node_id": "R_kgDO%08d" % repo_id, "name": name, "full_name": full,
            "private": private,
            "owner": {"login": owner, "id": 81000000 + len(owner), "type": "Organization",
                      "html_url": "https://github.com/" + owner},
            "html_url": "https://github.com/" + full, "description": description,
            "fork": False, "url": "https://api.github.com/repos/" + full,
            "clone_url": "https://github.com/%s.git" % full,
            "ssh_url": "git@github.com:%s.git" % full, "default_branch": default_branch,
            "visibility": "private" if private else "public", "archived": False,
            "created_at": "2024-11-04T09:00:00Z", "updated_at": pushed, "pushed_at": pushed,
            "_branches": []}


def github_branch(repo, name, sha, protected=False):
    return {"name": name,
            "commit": {"sha": sha,
                       "url": "https://api.github.com/repos/%s/commits/%s" % (repo["full_name"], sha)},
            "protected": protected}


def _installation(ctx):
    app = _own(ctx, "github_apps", "github_app_id", "GitHub app not found")
    if app.get("is_public") or app.get("private_key_id") is None:
        # generateGithubInstallationToken(): $source->privateKey->private_key on null.
        fail(500, "Server Error")
    return app


def load_repositories(ctx):
    app = _installation(ctx)
    repos = sorted(app["_repos"], key=lambda r: r["name"])
    return json_response(200, {"repositories": [
        {k: v for k, v in r.items() if not k.startswith("_")} for r in repos]})


def load_branches(ctx):
    app = _installation(ctx)
    full = "%s/%s" % (ctx["owner"], ctx["repo"])
    for repo in app["_repos"]:
        if repo["full_name"].lower() == full.lower():
            return json_response(200, {"branches": repo["_branches"]})
    fail(404, "Error loading branches from GitHub.", error="Not Found")


# -- GitLab ----------------------------------------------------------------------------------

def add_gitlab_app(state, team_id, name, ts, row_id=None, **values):
    stamp = util.iso_seconds(ts)
    row = {c: None for c in GITLAB_COLUMNS}
    row.update(id=state.seq("gitlab_apps") if row_id is None else row_id, name=name,
               uuid=demo_uuid("gitlab", name), custom_user="git", custom_port=22,
               is_system_wide=False, is_public=False, team_id=int(team_id),
               created_at=stamp, updated_at=stamp)
    row.update(values)
    state.bump_seq("gitlab_apps", row["id"])
    state.table("gitlab_apps").append(row)
    return row


def gitlab_api(ctx, app):
    data = {k: v for k, v in app.items() if not k.startswith("_") and k != "app_secret"}
    if not (ctx.sensitive and str(app["team_id"]) == str(ctx.team_id)):
        for field in GITLAB_SECRETS:
            data.pop(field, None)
    return util.api_sort(data)


def list_gitlab_apps(ctx):
    return json_response(200, [gitlab_api(ctx, a) for a in _visible(ctx, "gitlab_apps")])


def create_gitlab_app(ctx):
    validate_incoming_request(ctx.req)
    data = ctx.req.all()
    errors = check(data, {
        "name": "required|string|max:255", "html_url": "required|string",
        "api_url": "nullable|string", "custom_user": "nullable|string|max:255",
        "custom_port": "nullable|integer|min:1|max:65535", "group_name": "nullable|string|max:255",
        "client_id": "nullable|string|max:255", "client_secret": "nullable|string",
        "webhook_token": "nullable|string", "redirect_uri": "nullable|string",
        "is_system_wide": "boolean"})
    _url_errors(ctx, data, [f for f in ("html_url", "api_url") if f not in errors], errors)
    redirect = data.get("redirect_uri")
    if isinstance(redirect, str) and not re.match(r"^https?://[^\s/?#]+", redirect, re.I):
        errors.setdefault("redirect_uri", []).append("The redirect_uri field must be a valid URL.")
    for field in extra_fields(data, GITLAB_FIELDS):
        errors.setdefault(field, []).append("This field is not allowed.")
    if errors:
        fail(422, "Validation failed.", errors=errors)
    state = ctx.state
    html_url = data["html_url"].rstrip("/")
    api_url = data["api_url"].rstrip("/") if data.get("api_url") else html_url + "/api/v4"
    stamp = util.iso_seconds(state.now())
    row = {c: None for c in GITLAB_COLUMNS}
    row.update(id=state.seq("gitlab_apps"), uuid=state.new_uuid(), name=data["name"],
               html_url=html_url, api_url=api_url, custom_user=data.get("custom_user", "git"),
               custom_port=int(data["custom_port"]) if data.get("custom_port") is not None
               else data.get("custom_port", 22),
               group_name=data.get("group_name"), client_id=data.get("client_id"),
               client_secret=data.get("client_secret"),
               webhook_token=data.get("webhook_token") or "".join(
                   state.rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
                   for _ in range(32)),
               redirect_uri=data.get("redirect_uri"), is_public=False, team_id=int(ctx.team_id),
               is_system_wide=util.laravel_boolean(data.get("is_system_wide", False)),
               created_at=stamp, updated_at=stamp)
    state.table("gitlab_apps").append(row)
    return json_response(201, gitlab_api(ctx, row))


def update_gitlab_app(ctx):
    app = _own(ctx, "gitlab_apps", "gitlab_app_id", "GitLab app not found")
    data = ctx.req.all()
    payload = {k: data[k] for k in GITLAB_FIELDS if k in data}
    rules = {"name": "string|max:255", "custom_user": "string|max:255",
             "custom_port": "integer|min:1|max:65535", "is_system_wide": "boolean"}
    set_ = {k: v for k, v in payload.items() if v is not None}
    errors = check(set_, {k: r for k, r in rules.items() if k in set_})
    # array_key_exists(): these are checked (nullable) whenever they are sent.
    errors.update(check(payload, {k: r for k, r in {
        "group_name": "nullable|string|max:255", "client_id": "nullable|string|max:255",
        "client_secret": "nullable|string", "webhook_token": "nullable|string",
        "redirect_uri": "nullable|string"}.items() if k in payload}))
    _url_errors(ctx, set_, [f for f in ("html_url", "api_url") if f in set_], errors)
    if errors:
        fail(422, "Validation error", errors=errors)
    if set_.get("html_url"):
        payload["html_url"] = payload["html_url"].rstrip("/")
        if not payload.get("api_url"):
            payload["api_url"] = payload["html_url"] + "/api/v4"
    if set_.get("api_url"):
        payload["api_url"] = payload["api_url"].rstrip("/")
    if any(payload.get(k) is None for k in ("name", "api_url", "html_url", "custom_user",
                                            "custom_port", "is_system_wide") if k in payload):
        fail(500, "Server Error")
    if payload.get("custom_port") is not None:
        payload["custom_port"] = int(payload["custom_port"])
    if "is_system_wide" in payload:
        payload["is_system_wide"] = util.to_bool(payload["is_system_wide"])
    app.update(payload)
    ctx.state.touch(app)
    return json_response(200, {"message": "GitLab app updated successfully",
                               "data": gitlab_api(ctx, app)})


def delete_gitlab_app(ctx):
    app = _own(ctx, "gitlab_apps", "gitlab_app_id", "GitLab app not found")
    users = _users_of(ctx.state, GITLAB_MODEL, app)
    if users:
        fail(409, "This GitLab app is being used by %d application(s). Please delete all "
                  "applications first." % len(users))
    ctx.state.table("gitlab_apps").remove(app)
    return json_response(200, {"message": "GitLab app deleted successfully"})


# -- the demo ----------------------------------------------------------------------------------

def demo(state, at, deploy_key):
    """Coolify's seeded Public GitHub (id 0: what the demo applications' source_id points at)
    and Public GitLab (id 1), a private GitHub app installed on three acme repositories, and
    a system-wide GitHub app of the Staging Team."""
    add_github_app(state, 0, "Public GitHub", at("2025-04-30 08:00:00"), row_id=0,
                   uuid="github-public", api_url="https://api.github.com",
                   html_url="https://github.com", is_public=True)
    acme = add_github_app(
        state, 0, "acme-deployer", at("2025-05-02 09:30:00"), organization="acme",
        api_url="https://api.github.com", html_url="https://github.com", app_id=1067421,
        installation_id=58211934, client_id="Iv23liAcmeDeployer01",
        client_secret="6f1c0d9e2b7a4c3f8e5d1a0b9c8d7e6f5a4b3c2d",
        webhook_secret="whsec-acme-deployer-4f2a", private_key_id=deploy_key["id"],
        contents="read", metadata="read", pull_requests="write", administration=None)
    for name, repo_id, default, private, description, pushed, branches in (
            ("website", 700101, "main", False, "Marketing site", "2025-05-27T13:05:11Z",
             ("develop", "feature/pricing", "main")),
            ("api", 700102, "main", True, "REST API", "2025-05-26T17:58:40Z", ("main", "v2")),
            ("storefront", 700103, "legacy", True, None, "2025-05-06T08:01:02Z",
             ("legacy", "main"))):
        repo = github_repo("acme", name, repo_id, default, private, description, pushed)
        for n, branch in enumerate(branches):
            sha = hashlib.sha1(("%s@%s" % (repo["full_name"], branch)).encode()).hexdigest()
            repo["_branches"].append(github_branch(repo, branch, sha, branch == default))
        acme["_repos"].append(repo)
    add_github_app(state, 1, "staging-bot", at("2025-05-12 17:00:00"), organization="acme-staging",
                   api_url="https://api.github.com", html_url="https://github.com",
                   app_id=1070001, installation_id=58300001, client_id="Iv23liStagingBot0001",
                   client_secret="staging-bot-client-secret", webhook_secret="whsec-staging",
                   is_system_wide=True)
    add_gitlab_app(state, 0, "Public GitLab", at("2025-04-30 08:00:00"), row_id=1,
                   uuid="gitlab-public", api_url="https://gitlab.com/api/v4",
                   html_url="https://gitlab.com", is_public=True)
    add_gitlab_app(state, 0, "acme-gitlab", at("2025-05-08 11:15:00"),
                   api_url="https://gitlab.acme.example/api/v4",
                   html_url="https://gitlab.acme.example", group_name="acme,acme-infra",
                   client_id="b4c0ffee0d15ea5e0123456789abcdef", client_secret="gloas-acme-0f9e8d7c",
                   webhook_token="glwt-acme-3b2a1908", redirect_uri="https://coolify.example.com/source/gitlab/callback")


ROUTES = [
    route("GET", "/github-apps", list_github_apps, "read", LATEST),
    route("POST", "/github-apps", create_github_app, "write", LATEST),
    route("PATCH", "/github-apps/{github_app_id}", update_github_app, "write", LATEST),
    route("DELETE", "/github-apps/{github_app_id}", delete_github_app, "write", LATEST),
    route("GET", "/github-apps/{github_app_id}/repositories", load_repositories, "read", LATEST),
    route("GET", "/github-apps/{github_app_id}/repositories/{owner}/{repo}/branches",
          load_branches, "read", LATEST),
    route("GET", "/gitlab-apps", list_gitlab_apps, "read", LATEST),
    route("POST", "/gitlab-apps", create_gitlab_app, "write", LATEST),
    route("PATCH", "/gitlab-apps/{gitlab_app_id}", update_gitlab_app, "write", LATEST),
    route("DELETE", "/gitlab-apps/{gitlab_app_id}", delete_gitlab_app, "write", LATEST),
]
