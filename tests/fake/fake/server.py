"""The HTTP server: transport, the middleware chain of NOTES §1.3, faults and routing."""

import math
import os
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import applications, databases, deployments, envs, keys, other, projects
from . import servers, services, tags, teams
from . import tasks
from . import rollback
from . import moves
from . import shared_envs
from . import resource_tags
from . import backups
from . import service_containers
from . import destinations
from . import clones
from . import storages
from . import server_settings
from . import git_apps
from . import s3
from . import cloud
from . import notifications, settings
from . import control
from .http import (ApiError, NOT_FOUND, UNAUTHENTICATED, Request, Response, error_response,
                   json_response, text_response)
from .router import Ctx

# One module a line: each part of the API adds its own. shared_envs before
# projects: /projects/{uuid}/envs would match the environment route
# /projects/{uuid}/{environment} (routes/api.php registers it first too).
API_MODULES = (
    other, shared_envs, projects, applications, envs, databases, services, deployments, servers,
    keys, teams, tags,
    tasks,
    rollback,
    moves,
    resource_tags,
    backups,
    service_containers,
    destinations,
    clones,
    storages,
    server_settings,
    git_apps,
    s3,
    cloud,
    notifications, settings,
)


def all_routes():
    routes = []
    for module in API_MODULES:
        routes.extend(module.ROUTES)
    return routes


def route_log(req, resp):
    """With COOLIFY_FAKE_ROUTE_LOG set, appends "METHOD PATTERN STATUS" of each request the
    mount sent (its User-Agent) to that file: scripts/api-coverage adds up what a test run
    reached, route by route. One short write per line, O_APPEND: fakes of several tests may
    share the file."""
    where = os.environ.get("COOLIFY_FAKE_ROUTE_LOG")
    route = getattr(req, "route", None)
    if not where or route is None or not req.header("User-Agent").startswith("coolifyfs/"):
        return
    # The OpenAPI file's paths follow /api/v1; an absolute route is under /api.
    line = "%s %s%s %d\n" % (req.method, "/.." if route.absolute else "", route.pattern,
                              resp.status)
    fd = os.open(where, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


# -- the middleware chain ------------------------------------------------------------------

def authenticate(state, req):
    """Sanctum: "Bearer <id>|<secret>" or the bare secret (NOTES §1.2)."""
    header = req.header("Authorization")
    pos = header.lower().rfind("bearer ")
    if pos < 0:
        return None
    token = header[pos + 7:].split(",")[0].strip()
    if not token:
        return None
    if "|" in token:
        token_id, _, secret = token.partition("|")
        if not token_id.isdigit():
            return None
        row = state.tokens.get(int(token_id))
        if row is None or row["secret"] != secret:
            return None
    else:
        row = next((t for t in state.tokens.values() if t["secret"] == token), None)
    if row is None or row["revoked"]:
        return None
    return row


def throttle(state, key, limit):
    """NOTES §1.7: a fixed one-minute window per key; headers on every response."""
    if not limit:
        return {}
    now = time.time()
    bucket = state.rate_buckets.get(key)
    if bucket is None or now >= bucket["reset"]:
        bucket = {"count": 0, "reset": now + 60}
        state.rate_buckets[key] = bucket
    if bucket["count"] >= limit:
        retry = max(1, int(math.ceil(bucket["reset"] - now)))
        raise ApiError(429, {"message": "Too Many Attempts."}, {
            "Retry-After": str(retry), "X-RateLimit-Reset": str(int(bucket["reset"])),
            "X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0"})
    bucket["count"] += 1
    return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(limit - bucket["count"])}


def api_allowed(state, client_ip):
    """NOTES §1.6: ApiAllowed (skipped for /enable and /disable)."""
    if not state.instance["is_api_enabled"]:
        raise ApiError(403, {"success": True, "message": "API is disabled."})
    allowed = state.instance.get("allowed_ips")
    if allowed and client_ip not in allowed.split(","):
        raise ApiError(403, {"success": True, "message": "You are not allowed to access the API."})


def check_ability(token, ability):
    """NOTES §1.4: root passes; otherwise any one of the listed abilities, exact strings."""
    if ability is None or "root" in token["abilities"]:
        return
    if not any(a in token["abilities"] for a in ability):
        raise ApiError(403, {"message": "Missing required permissions: " + ", ".join(ability)})


class Dispatcher:
    def __init__(self, state):
        self.state = state
        self.routes = all_routes()

    def find(self, method, path):
        """The route for `path` (below /api), or (None, None) for the catch-all."""
        method = "GET" if method == "HEAD" else method
        segments = [s for s in path[4:].split("/") if s] if path.startswith("/v1/") else None
        for r in self.routes:
            if self.state.mode not in r.modes or method not in r.methods:
                continue
            if r.absolute:
                if r.pattern == path:
                    return r, {}
            elif segments is not None:
                params = r.match(segments)
                if params is not None:
                    return r, params
        return None, None

    def dispatch(self, req, client_ip):
        """Run one API request; returns (Response, token or None)."""
        state = self.state
        if not (req.path == "/api" or req.path.startswith("/api/")):
            return text_response(404, "<!DOCTYPE html><title>Not Found</title>404 | Not Found\n"), None
        path = req.path[4:]
        route, params = self.find(req.method, path)
        req.route = route
        token = None
        rate = {}
        limit = state.config.rate_limit
        try:
            if route is None or not route.auth:
                # NOTES §1.7: unauthenticated routes are keyed by IP; "api/health" gets 1000.
                rate = throttle(state, "ip:" + client_ip + (":health" if path == "/health" else ""),
                                1000 if path == "/health" and limit else limit)
                if route is None:
                    # NOTES §1.1: the catch-all answers every verb with 404.
                    return self._finish(json_response(404, NOT_FOUND), rate), None
            else:
                token = authenticate(state, req)
                if token is None:
                    # NOTES §1.2-1.3: 401 before throttling, so no rate-limit headers.
                    return json_response(401, UNAUTHENTICATED), None
                rate = throttle(state, "user:%s" % token["user_id"], limit)
                if route.api_allowed:
                    api_allowed(state, client_ip)
                check_ability(token, route.ability)
                if token["team_id"] is None and route.needs_team:
                    # NOTES §1.2: getTeamIdFromToken() gives null.
                    raise ApiError(400, {"message": "Invalid token.",
                                         "docs": "https://coolify.io/docs/api-reference/authorization"})
            resp = route.handler(Ctx(state, req, token, params))
        except ApiError as err:
            resp = self._error(req, err)
        except Exception:  # a bug in the fake: what Laravel does with any exception
            traceback.print_exc(file=sys.stderr)
            resp = error_response(500, req.accepts_json)
        return self._finish(resp, rate), token

    @staticmethod
    def _error(req, err):
        if err.status in (429, 500):
            # NOTES §1.7, §12: JSON only with Accept: application/json.
            return error_response(err.status, req.accepts_json, err.headers)
        return json_response(err.status, err.body, err.headers)

    @staticmethod
    def _finish(resp, rate):
        for name, value in rate.items():
            resp.headers.setdefault(name, value)
        return resp


# -- transport --------------------------------------------------------------------------------

class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    # socketserver's default backlog of 5 drops the SYNs of a client that
    # opens a few connections at once (a prefetching mount, xargs -P8
    # curl), and each dropped one costs a 1 s retransmit; nginx's is 511.
    request_queue_size = 128


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""

    def log_message(self, fmt, *args):
        pass

    def version_string(self):
        return "nginx"

    def setup(self):
        super().setup()
        # Headers and body go out in two writes; without this, Nagle and the
        # client's delayed ACK add 40 ms to every keep-alive answer (nginx,
        # in front of the real API, sets tcp_nodelay on for the same reason).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.fake.track(self.connection, True)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.fake.track(self.connection, False)

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self):
        body = self._read_body()
        req = Request(self.command, self.path, self.headers, body)
        fake = self.server.fake
        if req.path.startswith("/_fake/") or req.path == "/_fake":
            resp, after = control.handle(fake, req, self.connection)
            self._send(resp)
            if after:
                after()
            return
        if fake.control_only:
            self._send(json_response(404, NOT_FOUND))
            return
        fake.serve_api(self, req)

    def _send(self, resp, cut=False):
        body = b"" if self.command == "HEAD" else resp.body
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        self.send_header("Cache-Control", "no-cache, private")
        for name, value in resp.headers.items():
            self.send_header(name, value)
        if cut:
            self.send_header("Connection", "keep-alive")
        self.end_headers()
        if cut:
            self.wfile.write(body[: max(1, len(body) // 2)])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.wfile.write(body)
        self.wfile.flush()

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_OPTIONS = do_HEAD = _serve


GARBAGE = b'{"uuid":"x8k2w0c8","name":"web","status":"running:he<!-- upstream sent garbage -->'


class FakeServer:
    """The listening socket(s), which can go down and come back on the same port."""

    def __init__(self, state, host="127.0.0.1", port=0, control_only=False):
        self.state = state
        self.host = host
        self.port = port
        self.control_only = control_only
        self.dispatcher = Dispatcher(state)
        self.httpd = None
        self.thread = None
        # Guards `conns`.
        self.conns_lock = threading.Lock()
        self.conns = set()
        # Serialises go_up/go_down (and so `httpd`).
        self.updown_lock = threading.Lock()
        self.peer = None  # the API server, for a control-only listener

    def track(self, sock, alive):
        with self.conns_lock:
            (self.conns.add if alive else self.conns.discard)(sock)

    # -- up / down ---------------------------------------------------------------------------
    def start(self):
        for attempt in range(50):
            try:
                self.httpd = _HTTPServer((self.host, self.port), Handler)
                break
            except OSError:
                if attempt == 49 or self.port == 0:
                    raise
                time.sleep(0.1)
        self.httpd.fake = self
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    @property
    def is_up(self):
        return self.httpd is not None

    def go_down(self, keep=None):
        """Close the listening socket and every connection (but `keep`, closed by its handler)."""
        with self.updown_lock:
            httpd, self.httpd = self.httpd, None
            if httpd is None:
                return
            httpd.shutdown()
            httpd.server_close()
        with self.conns_lock:
            conns = list(self.conns)
        for sock in conns:
            if sock is keep:
                continue
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def go_up(self):
        with self.updown_lock:
            if self.httpd is None:
                self.start()

    def stop(self):
        self.go_down()

    # -- one API request ---------------------------------------------------------------------
    def _unanswered(self, handler):
        """The `down` faults "close" and "hang": no answer, not even an error. Never logged."""
        with self.state.lock:
            how = self.state.faults.unanswered
        if how == "hang":
            # Held open until the fault is cleared (or the server stops), then closed unanswered.
            while how == "hang" and self.is_up:
                time.sleep(0.05)
                with self.state.lock:
                    how = self.state.faults.unanswered
        elif how is None:
            return False
        handler.close_connection = True
        try:
            handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        return True

    def serve_api(self, handler, req):
        state = self.state
        started = time.time()
        if self._unanswered(handler):
            return
        state.tick()
        with state.lock:
            latency = state.faults.latency_ms
            hang = state.faults.hang_ms(req.method, req.raw_path)
            fault = state.faults.take(("status", "garbage", "cut"), req.method, req.raw_path)
        if latency or hang:
            time.sleep((latency + hang) / 1000.0)
        token = None
        cut = False
        if fault is not None and fault.kind == "status":
            headers = {}
            if fault.value == 429:
                retry = int(fault.retry_after or 1)
                headers = {"Retry-After": str(retry), "X-RateLimit-Reset": str(int(time.time()) + retry),
                           "X-RateLimit-Limit": str(state.config.rate_limit or 200),
                           "X-RateLimit-Remaining": "0"}
            resp = error_response(int(fault.value), req.accepts_json, headers)
        elif fault is not None and fault.kind == "garbage":
            resp = Response(200, GARBAGE, "application/json")
        else:
            cut = fault is not None
            with state.lock:
                resp, token = self.dispatcher.dispatch(req, handler.client_address[0])
        with state.lock:
            state.request_log.append({
                "method": req.method, "path": req.raw_path, "query": req.raw_query,
                "status": resp.status, "ms": round((time.time() - started) * 1000, 1),
                "t": round(started, 3), "auth": token["id"] if token else None,
                "body": req.body.decode("utf-8", "replace") if req.body else None})
        route_log(req, resp)
        handler._send(resp, cut=cut)
