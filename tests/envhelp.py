"""Helpers for the env tests: where an application's envs/ is in the
mount, and what the fake Coolify holds for it."""
import os

from expected import Tree


class EnvSite:
    """One resource's envs/ in a mount, with its truth at the API."""

    def __init__(self, fake, mnt, kind="applications", name="web", env="production"):
        tree = Tree(fake)
        for rel, k, obj, (pname, ename) in tree.walk():
            if k == kind and obj.get("name") == name and ename == env:
                break
        else:
            raise LookupError(name)
        self.fake = fake
        self.mount = mnt
        self.uuid = obj["uuid"]
        self.kind = kind
        self.dir = mnt.p(rel)
        self.envs = os.path.join(self.dir, "envs")
        self.preview = os.path.join(self.dir, "envs-preview")

    def p(self, key):
        return os.path.join(self.envs, key)

    def server(self, preview=False):
        """{key: value} at the API."""
        _, l = self.fake.api("/%s/%s/envs" % (self.kind, self.uuid))
        return {e["key"]: e.get("value") for e in l if bool(e.get("is_preview")) == preview}

    def server_vars(self, preview=False):
        _, l = self.fake.api("/%s/%s/envs" % (self.kind, self.uuid))
        return {e["key"]: e for e in l if bool(e.get("is_preview")) == preview}

    def writes(self):
        """The API requests that change something, as (method, last path part)."""
        return [(e["method"], e["path"].rsplit("/", 1)[-1]) for e in self.fake.log()
                if e["method"] != "GET"]
