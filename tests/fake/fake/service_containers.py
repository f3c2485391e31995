"""A service's own applications and databases, one container each (current Coolify only:
ServiceApplicationsController and ServiceDatabasesController at HEAD, routes/api.php
391-408). The seed has no such routes: they answer the catch-all 404.

Answer shapes:
* index: `$service->applications()->get()` (or databases), each item removeSensitiveData()
  then serializeApiResponse(): id and resourceable* hidden (databases also hide service and
  service_id), keys sorted; nothing else is loaded.
* show and PATCH of an application: resolveServiceApplicationForService() loads
  `service.destination.server`, which the answer carries as `service` (the service without
  its compose files, with status and server_status, and its destination with the server);
  a database hides `service`, so its answer is the row alone.
* status is the sub-container's raw stored form, "running (healthy)" or "exited" (NOTES §7.2).
* HEAD columns the seed lacks are in the answers here only: an application's
  noindex_domains (null), redirect ("both") and is_force_https_enabled (true), a database's
  public_port_timeout (3600). They are kept in the row under `_head`, so the seed's service
  JSON does not change.

PATCH takes an allow-list (anything else: 422 "This field is not allowed."); an application's
`url` is a comma-separated list of http(s) URLs stored, lowered and de-duplicated, as `fqdn`
(ServiceComposeUrl::validateUrlString), checked against the team's other domains (409 unless
force_domain_override). Logs: `docker logs -n lines` of NAME-SERVICEUUID, ANSI stripped, no
timestamps (the routes take `lines` only), 400 when the container is not running. start,
restart and stop queue a job (deploy ability); the status moves a moment later.
"""

from . import containers, util
from .applications import parse_lines
from .http import ApiError, _clean, fail, json_response, validate_incoming_request
from .router import LATEST, moved_to_post, route
from .servers import destination_nested, is_functional, nested_hide
from .services import SENSITIVE, find as find_service, service_status, set_sub_status, _sub_kind
from .validation import validate

APP_HEAD = {"noindex_domains": None, "redirect": "both", "is_force_https_enabled": True}
DB_HEAD = {"public_port_timeout": 3600}

APP_FIELDS = ("url", "noindex_domains", "human_name", "description", "image",
              "exclude_from_status", "is_log_drain_enabled", "is_gzip_enabled",
              "is_stripprefix_enabled", "is_force_https_enabled")
APP_RULES = {"url": "nullable|string", "noindex_domains": "sometimes|array|nullable",
             "human_name": "nullable|string|max:255", "description": "nullable|string",
             "image": "nullable|string", "exclude_from_status": "sometimes|boolean",
             "is_log_drain_enabled": "sometimes|boolean", "is_gzip_enabled": "sometimes|boolean",
             "is_stripprefix_enabled": "sometimes|boolean",
             "is_force_https_enabled": "sometimes|boolean"}

DB_FIELDS = ("human_name", "description", "image", "exclude_from_status", "is_log_drain_enabled",
             "is_public", "public_port", "public_port_timeout")
DB_RULES = {"human_name": "nullable|string|max:255", "description": "nullable|string",
            "image": "sometimes|string", "exclude_from_status": "sometimes|boolean",
            "is_log_drain_enabled": "sometimes|boolean", "is_public": "sometimes|boolean",
            "public_port": "nullable|integer|min:1|max:65535",
            "public_port_timeout": "nullable|integer|min:1"}

_KINDS = {
    "application": ("app_uuid", "Service application", APP_HEAD,
                    ("id", "resourceable", "resourceable_id", "resourceable_type")),
    "database": ("database_uuid", "Service database", DB_HEAD,
                 ("id", "service", "service_id", "resourceable", "resourceable_id",
                  "resourceable_type")),
}


def _head(row, kind):
    return row.setdefault("_head", dict(_KINDS[kind][2]))


def _subs(ctx, svc, kind):
    apps, dbs = ctx.state.service_subs(svc)
    return apps if kind == "application" else dbs


def _find(ctx, kind):
    svc = find_service(ctx)
    param, label, _, _ = _KINDS[kind]
    sub = next((s for s in _subs(ctx, svc, kind) if s["uuid"] == ctx[param]), None)
    if sub is None:
        fail(404, "%s not found." % label)
    return svc, sub


def _service_nested(ctx, svc):
    """The loaded `service` relation: the model's own hidden compose files go, status and
    server_status are appended, and its destination carries the server (NOTES §2.3)."""
    state = ctx.state
    data = util.without({k: v for k, v in svc.items() if not k.startswith("_")}, SENSITIVE)
    data["status"] = service_status(state, svc)
    data["server_status"] = is_functional(state, state.server_by_id(svc["server_id"]))
    data["destination"] = destination_nested(state, svc["destination_id"], nested_hide(ctx))
    return data


def sub_api(ctx, svc, sub, kind, loaded=False):
    data = {k: v for k, v in sub.items() if not k.startswith("_")}
    data.update(_head(sub, kind))
    if loaded and kind == "application":
        data["service"] = _service_nested(ctx, svc)
    return util.api_sort(util.without(data, _KINDS[kind][3]))


def index(kind):
    def handler(ctx):
        svc = find_service(ctx)
        return json_response(200, [sub_api(ctx, svc, s, kind) for s in _subs(ctx, svc, kind)])
    return handler


def show(kind):
    def handler(ctx):
        svc, sub = _find(ctx, kind)
        return json_response(200, sub_api(ctx, svc, sub, kind, loaded=True))
    return handler


def _urls(value, force):
    """ServiceComposeUrl::validateUrlString: (errors, normalized)."""
    if value is None or value == "":
        return [], None
    text = value.strip(",").strip()
    urls = [u.strip() for u in text.split(",") if u.strip()]
    errors = []
    for url in urls:
        scheme, sep, rest = url.partition("://")
        if not sep or not scheme or not rest or " " in url:
            errors.append("Invalid URL: %s" % url)
        if scheme.lower() not in ("http", "https"):
            errors.append("Invalid URL scheme: %s for URL: %s. Only http and https are supported."
                          % (scheme if sep else "", url))
    dups = sorted({u for u in urls if urls.count(u) > 1}, key=urls.index)
    if dups and not force:
        errors.append("The current request contains duplicate URLs: %s. Use "
                      "force_domain_override=true to proceed." % ", ".join(dups))
    if errors:
        return errors, None
    seen = []
    for url in (u.lower() for u in urls):
        if url not in seen:
            seen.append(url)
    return [], ",".join(seen) or None


def _conflicts(ctx, urls, own_uuid):
    """checkIfDomainIsAlreadyUsedViaAPI: the team's applications and service applications."""
    state = ctx.state
    want = [u[:-1] if u.endswith("/") else u for u in urls]
    out = []

    def domains(fqdn):
        return [d[:-1] if d.endswith("/") else d for d in (fqdn or "").split(",") if d]

    for app in state.live("applications"):
        if app["uuid"] == own_uuid:
            continue
        for d in domains(app.get("fqdn")):
            if d in want:
                out.append({"domain": d, "resource_name": app["name"],
                            "resource_uuid": app["uuid"], "resource_type": "application",
                            "message": "Domain %s is already in use by application '%s'"
                                       % (d, app["name"])})
    for svc in state.live("services"):
        apps, _ = state.service_subs(svc)
        for sub in apps:
            if sub["uuid"] == own_uuid:
                continue
            for d in domains(sub["fqdn"]):
                if d in want:
                    out.append({"domain": d, "resource_name": svc["name"],
                                "resource_uuid": sub["uuid"], "resource_type": "service",
                                "message": "Domain %s is already in use by service '%s'"
                                           % (d, svc["name"])})
    return out


def _update_app(ctx, svc, sub, data):
    """UpdateServiceApplicationFromApi::execute."""
    force = util.laravel_boolean(ctx.req.query.get("force_domain_override"))
    head = _head(sub, "application")
    if "url" in data:
        errors, normalized = _urls(data["url"], force)
        if errors:
            raise ApiError(422, {"message": "Validation failed.", "errors": errors})
        if normalized is not None:
            found = _conflicts(ctx, normalized.split(","), sub["uuid"])
            if found and not force:
                raise ApiError(409, {
                    "message": "Domain conflicts detected. Use force_domain_override=true to proceed.",
                    "conflicts": found,
                    "warning": "Using the same domain for multiple resources can cause routing "
                               "conflicts and unpredictable behavior."})
        sub["fqdn"] = normalized
    if "noindex_domains" in data:
        # Flags are kept only for current domains (HasNoindexDomains).
        current = (sub["fqdn"] or "").split(",")
        head["noindex_domains"] = [d for d in (data["noindex_domains"] or []) if d in current]
    for field in ("human_name", "description", "image"):
        if field in data:
            sub[field] = data[field]
    for field in ("exclude_from_status", "is_gzip_enabled", "is_stripprefix_enabled"):
        if field in data:
            sub[field] = util.laravel_boolean(data[field])
    if "is_force_https_enabled" in data:
        head["is_force_https_enabled"] = util.laravel_boolean(data["is_force_https_enabled"])
    if "is_log_drain_enabled" in data:
        # The fake's servers have no log drain.
        if util.laravel_boolean(data["is_log_drain_enabled"]):
            fail(422, "Validation failed.", errors={
                "is_log_drain_enabled": ["Log drain is not enabled on the server for this service."]})
        sub["is_log_drain_enabled"] = False


def _update_db(ctx, svc, sub, data):
    """ServiceDatabasesController::update after its validator."""
    head = _head(sub, "database")
    if util.laravel_boolean(data.get("is_log_drain_enabled")):
        # The fake's servers have no log drain.
        fail(422, "Validation failed.", errors={
            "is_log_drain_enabled": ["Log drain is not enabled on the server for this service."]})
    is_public = data.get("is_public", sub["is_public"])
    port = data.get("public_port") or sub["public_port"]
    if util.laravel_boolean(is_public):
        if not port:
            fail(422, "Validation failed.", errors={
                "public_port": ["A public port is required when the database is public."]})
        for db in ctx.state.all_databases():
            if db.get("is_public") and str(db.get("public_port")) == str(port):
                fail(400, "Public port already used by another database.")
    for field, value in data.items():
        if field == "public_port_timeout":
            head[field] = None if value is None else int(value)
        elif field == "public_port":
            sub[field] = None if value is None else int(value)
        elif field in ("exclude_from_status", "is_log_drain_enabled", "is_public"):
            sub[field] = util.laravel_boolean(value)
        else:
            sub[field] = value


def _payload(ctx):
    """$request->json()->all(): the body alone (trimmed), not the query string."""
    body = ctx.req.raw_json()
    return _clean(body) if isinstance(body, dict) else {}


def update(kind):
    def handler(ctx):
        validate_incoming_request(ctx.req)
        svc, sub = _find(ctx, kind)
        data = _payload(ctx)
        if kind == "application":
            validate(data, APP_RULES, APP_FIELDS)
            _update_app(ctx, svc, sub, data)
        else:
            validate(data, DB_RULES, DB_FIELDS)
            _update_db(ctx, svc, sub, data)
        ctx.state.touch(sub)
        return json_response(200, sub_api(ctx, svc, sub, kind, loaded=True))
    return handler


def _functional(ctx, svc):
    if not is_functional(ctx.state, ctx.state.server_by_id(svc["server_id"])):
        fail(400, "Server is not functional.")


def logs(kind):
    def handler(ctx):
        svc, sub = _find(ctx, kind)
        _functional(ctx, svc)
        if not (sub["status"] or "").startswith("running"):
            fail(400, "%s container is not running." % _KINDS[kind][1])
        log = containers.stream(ctx.state, sub["uuid"], _sub_kind(sub), True)
        # getContainerLogs() without timestamps: these routes read `lines` only.
        text = containers.render(ctx.state, log, parse_lines(ctx), True, False)
        return json_response(200, {"logs": util.strip_ansi(text.strip(" \t\n\r\0\x0b"))})
    return handler


def _action(kind, verb):
    messages = {"start": "deploy", "restart": "restart", "stop": "stop"}

    def handler(ctx):
        state = ctx.state
        svc, sub = _find(ctx, kind)
        _functional(ctx, svc)
        if verb == "start":
            state.schedule(0.7, lambda: set_sub_status(state, sub, "running (healthy)"))
        elif verb == "stop":
            state.schedule(0.7, lambda: set_sub_status(state, sub, "exited"))
        else:
            state.schedule(0.3, lambda: set_sub_status(state, sub, "restarting"))
            state.schedule(1.0, lambda: set_sub_status(state, sub, "running (healthy)"))
        return json_response(200, {"message": "%s %s request queued."
                                   % (_KINDS[kind][1], messages[verb])})
    return handler


def _routes():
    out = []
    for kind, prefix, param in (("application", "applications", "app_uuid"),
                                ("database", "databases", "database_uuid")):
        base = "/services/{uuid}/%s" % prefix
        one = "%s/{%s}" % (base, param)
        out += [
            route("GET", base, index(kind), "read", LATEST),
            route("GET", one, show(kind), "read", LATEST),
            route("PATCH", one, update(kind), "write", LATEST),
            # Applications' logs take GET or POST; databases' GET only.
            route(("GET", "POST") if kind == "application" else "GET", one + "/logs",
                  logs(kind), "read", LATEST),
        ]
        for verb in ("start", "restart", "stop"):
            out.append(route("POST", "%s/%s" % (one, verb), _action(kind, verb), "deploy", LATEST))
            # Only applications answer GET with "changed to a POST request".
            if kind == "application":
                out.append(route("GET", "%s/%s" % (one, verb), moved_to_post, "deploy", LATEST))
    return out


ROUTES = _routes()
