"""The fake instance's whole state, guarded by one lock.

Every API handler and every timed event runs with `State.lock` held, so the
tables below are only ever touched by one thread at a time.
"""

import heapq
import itertools
import random
import threading
import time

from . import util
from .models import DB_TYPES

SEED_VERSION = "4.0.0-beta.419"
LATEST_VERSION = "4.3.11"

# NOTES §1.2-1.4: the built-in tokens; all belong to user 0 in team "0".
BUILTIN_TOKENS = (
    (1, "root-token-0000000000000000000000000000000000", ["root"]),
    (2, "read-token-00000000000000000000000000000000000", ["read"]),
    (3, "readsens-token-000000000000000000000000000000", ["read", "read:sensitive"]),
    (4, "write-token-0000000000000000000000000000000000", ["write"]),
    (5, "deploy-token-000000000000000000000000000000000", ["deploy"]),
    (6, "readwrite-token-0000000000000000000000000000", ["read", "read:sensitive", "write", "deploy"]),
)


class Config:
    def __init__(self, mode="seed", data="demo", seed=1, latency_ms=0, rate_limit=200,
                 version_json=False):
        self.mode = mode
        self.version_json = version_json   # GET /version as the spec's JSON string
        self.data = data
        self.seed = seed
        self.latency_ms = latency_ms
        self.rate_limit = rate_limit


class State:
    def __init__(self, config):
        self.config = config
        self.initial_rate_limit = config.rate_limit
        # Guards every attribute below, the tables and the event queue.
        self.lock = threading.RLock()
        self.reset()

    # -- life cycle --------------------------------------------------------------
    def reset(self):
        """Reload the dataset from scratch; faults and the request log are cleared."""
        from . import data, faults  # late: data imports the API modules
        with self.lock:
            self.rng = random.Random(self.config.seed)
            self.tables = {name: [] for name in (
                "teams", "users", "team_user", "projects", "environments", "applications",
                "services", "service_applications", "service_databases", "envs",
                "deployments", "servers", "server_settings", "destinations", "private_keys",
                "tags", "taggables", "shared_envs", "scheduled_tasks",
                "task_executions", "application_previews", "db_backups",
                "db_backup_executions", "additional_networks", "local_persistent_volumes",
                "local_file_volumes", "scheduled_volume_backups", "docker_cleanup_executions",
                "github_apps", "gitlab_apps", "s3_storages",
                "cloud_provider_tokens", "cloud_init_scripts",
                "notification_settings")}
            for db_type in DB_TYPES:
                self.tables["db_" + db_type] = []
            self._seq = {}
            self.tokens = {}
            for token_id, secret, abilities in BUILTIN_TOKENS:
                self.add_token(token_id, secret, abilities)
            self.instance = {"is_api_enabled": True, "allowed_ips": None}
            self.faults = faults.Faults(self.config.latency_ms)
            self.request_log = []
            self.rate_buckets = {}
            self.config.rate_limit = self.initial_rate_limit
            self._events = []
            self._event_seq = itertools.count()
            self.containers = {}
            self.cloud_revoked = set()  # provider tokens their providers refuse (cloud.py)
            self.log_growth = True
            self.deployment_speed = 0.35
            self.next_deploy_outcome = None
            self.objects_for_lists = None
            self.version_json = self.config.version_json
            self.version_override = None     # /_fake/set {"version": "v4.0.0"}
            self.timestamps_ignored = False  # /_fake/set {"ignore_show_timestamps": true}
            self.development = False  # /_fake/set {"development": true}: isDev()
            data.load(self, self.config.data)

    # -- basics -----------------------------------------------------------------
    @property
    def mode(self):
        return self.config.mode

    @property
    def latest(self):
        return self.config.mode == "latest"

    @property
    def version(self):
        if self.version_override is not None:
            return self.version_override
        return LATEST_VERSION if self.latest else SEED_VERSION

    def now(self):
        return time.time()

    def seq(self, table):
        """The next id of `table`'s own sequence (every DB type has its own: NOTES §5.1)."""
        value = self._seq.get(table, 0) + 1
        self._seq[table] = value
        return value

    def bump_seq(self, table, used_id):
        if used_id >= self._seq.get(table, 0):
            self._seq[table] = used_id

    def new_uuid(self, legacy=False):
        return util.new_uuid(self.rng, legacy)

    def add_token(self, token_id, secret, abilities, team_id="0", user_id=0):
        # NOTES §1.2: team_id is a string column.
        self.tokens[int(token_id)] = {"id": int(token_id), "secret": secret,
                                      "abilities": list(abilities), "team_id": team_id,
                                      "user_id": user_id, "revoked": False}

    # -- timed events -------------------------------------------------------------
    def schedule(self, delay, fn):
        """Run fn() (with the lock held) `delay` seconds from now."""
        heapq.heappush(self._events, (self.now() + delay, next(self._event_seq), fn))

    def tick(self):
        """Run every event that is due. Called before each request and by a timer."""
        with self.lock:
            now = self.now()
            while self._events and self._events[0][0] <= now:
                _, _, fn = heapq.heappop(self._events)
                fn()

    # -- tables -------------------------------------------------------------------
    def table(self, name):
        return self.tables[name]

    def live(self, name):
        return [r for r in self.tables[name] if not r.get("_deleted")]

    def all_databases(self):
        for db_type in DB_TYPES:
            for row in self.live("db_" + db_type):
                yield row

    # -- lookups scoped to a team (NOTES §1.2) --------------------------------------
    def team_projects(self, team_id):
        return [p for p in self.tables["projects"] if str(p["team_id"]) == str(team_id)]

    def project(self, team_id, uuid):
        for p in self.team_projects(team_id):
            if p["uuid"] == uuid:
                return p
        return None

    def environments_of(self, project):
        return [e for e in self.tables["environments"] if e["project_id"] == project["id"]]

    def environment_by_id(self, env_id):
        for e in self.tables["environments"]:
            if e["id"] == env_id:
                return e
        return None

    def project_by_id(self, project_id):
        for p in self.tables["projects"]:
            if p["id"] == project_id:
                return p
        return None

    def team_of_environment(self, env_id):
        env = self.environment_by_id(env_id)
        project = env and self.project_by_id(env["project_id"])
        return None if project is None else str(project["team_id"])

    def in_team(self, row, team_id):
        return self.team_of_environment(row["environment_id"]) == str(team_id)

    def application(self, team_id, uuid):
        for a in self.live("applications"):
            if a["uuid"] == uuid and self.in_team(a, team_id):
                return a
        return None

    def database(self, team_id, uuid):
        for d in self.all_databases():
            if d["uuid"] == uuid and self.in_team(d, team_id):
                return d
        return None

    def service(self, team_id, uuid):
        for s in self.live("services"):
            if s["uuid"] == uuid and self.in_team(s, team_id):
                return s
        return None

    def server(self, team_id, uuid):
        for s in self.live("servers"):
            if s["uuid"] == uuid and str(s["team_id"]) == str(team_id):
                return s
        return None

    def server_by_id(self, server_id):
        for s in self.tables["servers"]:
            if s["id"] == server_id:
                return s
        return None

    def settings_of(self, server):
        for s in self.tables["server_settings"]:
            if s["server_id"] == server["id"]:
                return s
        return None

    def destination_by_id(self, dest_id):
        for d in self.tables["destinations"]:
            if d["id"] == dest_id:
                return d
        return None

    def team_servers(self, team_id):
        return [s for s in self.live("servers") if str(s["team_id"]) == str(team_id)]

    def server_of(self, resource):
        """The server a resource runs on (through its destination)."""
        if "service_type" in resource:  # services name their server directly
            return self.server_by_id(resource["server_id"])
        dest = self.destination_by_id(resource["destination_id"])
        return dest and self.server_by_id(dest["server_id"])

    def service_subs(self, service):
        apps = [a for a in self.tables["service_applications"] if a["service_id"] == service["id"] and not a.get("_deleted")]
        dbs = [d for d in self.tables["service_databases"] if d["service_id"] == service["id"] and not d.get("_deleted")]
        return apps, dbs

    def envs_of(self, resource_type, resource_id):
        return [e for e in self.tables["envs"]
                if e["resourceable_type"] == resource_type and e["resourceable_id"] == resource_id]

    def deployment(self, uuid):
        for d in self.tables["deployments"]:
            if d["deployment_uuid"] == uuid:
                return d
        return None

    def team(self, team_id):
        for t in self.tables["teams"]:
            if str(t["id"]) == str(team_id):
                return t
        return None

    def resource_by_uuid(self, team_id, uuid):
        """getResourceByUuid(): application, service or database (NOTES §11.4)."""
        return (self.application(team_id, uuid) or self.service(team_id, uuid)
                or self.database(team_id, uuid))

    def touch(self, row):
        row["updated_at"] = util.iso_seconds(self.now())
