"""The tree SPEC §2 says a mount must show, computed from the API itself.

This is the test oracle: it asks the fake Coolify directly (as curl would)
and applies the spec's naming rules, so tests compare the mount with the
API without hard-coding the dataset.
"""
import collections

DB_TYPES = ["postgresql", "mysql", "mariadb", "mongodb", "redis", "keydb", "dragonfly", "clickhouse"]
KINDS = {"applications": "application.json", "databases": "database.json", "services": "service.json"}


def escape(name):
    if name == "":
        return "%00"
    if name == ".":
        return "%2E"
    if name == "..":
        return "%2E%2E"
    return name.replace("%", "%25").replace("/", "%2F")


def assign(objs):
    """{entry name: obj} for siblings, NAME@UUID where names repeat."""
    counts = collections.Counter(o.get("name") or o["uuid"] for o in objs)
    out = {}
    for o in objs:
        name = o.get("name") or o["uuid"]
        e = escape(name)
        out[e + "@" + o["uuid"] if counts[name] > 1 else e] = o
    return out


def as_list(v):
    return list(v.values()) if isinstance(v, dict) else v


class Tree:
    def __init__(self, fake, token=None):
        kw = {"token": token} if token else {}
        get = lambda p: fake.api(p, **kw)[1]  # noqa: E731
        self.projects = assign(as_list(get("/projects")))
        self.details = {p["uuid"]: get("/projects/" + p["uuid"]) for p in self.projects.values()}
        self.apps = as_list(get("/applications"))
        self.dbs = as_list(get("/databases"))
        self.services = as_list(get("/services"))
        self.resources = as_list(get("/resources"))
        listed = {d["uuid"] for d in self.dbs}
        # NOTES §5.1: /databases drops some; /resources lists them all.
        self.db_members = list(self.dbs) + [
            r for r in self.resources
            if r.get("type", "").startswith("standalone-") and r["uuid"] not in listed]
        self.db_type = {r["uuid"]: r["type"][len("standalone-"):] for r in self.resources
                        if r.get("type", "").startswith("standalone-")}
        self.servers = as_list(get("/servers"))
        self.keys = as_list(get("/security/keys"))
        self.by_kind = {"applications": self.apps, "databases": self.db_members, "services": self.services}

    def envs(self, project_uuid):
        return assign(self.details[project_uuid]["environments"])

    def members(self, kind, env_id):
        return assign([o for o in self.by_kind[kind] if o.get("environment_id") == env_id])

    def walk(self):
        """Yields (relative dir path, kind, entry name, object) for every resource."""
        for pname, p in self.projects.items():
            for ename, e in self.envs(p["uuid"]).items():
                for kind in KINDS:
                    for rname, r in self.members(kind, e["id"]).items():
                        yield "projects/%s/%s/%s/%s" % (pname, ename, kind, rname), kind, r, (pname, ename)
