#!/usr/bin/python3
"""coolifyfs benchmark (issue 6): requests, wall time and memory of the
mount against curl doing the same API calls, on the fake Coolify with a
fixed injected latency.

    /usr/bin/python3 tests/bench/bench.py [--apps 1000] [--projects 50]
        [--latency-ms 20] [--rss-resources 10000] [--watch-seconds 60]

Prints a table: goal, requests, wall time, baseline, ratio. Nothing here
asserts a time: the numbers are for people (and the closing note).
"""
import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from conftest import ROOT_TOKEN, Fake, Mount  # noqa: E402


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, executable="/bin/bash", capture_output=True,
                          text=True, **kw)


def timed(fn):
    t = time.monotonic()
    out = fn()
    return time.monotonic() - t, out


def api_gets(fake):
    return [e["path"] + ("?" + e["query"] if e.get("query") else "") for e in fake.log()
            if e["method"] == "GET"]


def curl_baseline(fake, paths, parallel):
    """Time for curl to GET the same paths: one after another (parallel=1)
    or with xargs -P parallel, each curl a new process as a script would."""
    d = tempfile.mkdtemp()
    lst = os.path.join(d, "urls")
    with open(lst, "w") as f:
        for p in paths:
            f.write(fake.url + p + "\n")
    hdr = "-H 'Accept: application/json' -H 'Authorization: Bearer %s'" % ROOT_TOKEN
    if parallel == 1:
        # One curl process reusing its connection: the best a shell
        # script can do one request at a time.
        cmd = "curl -s -o /dev/null %s $(sed 's/^/--url /' %s | tr '\\n' ' ')" % (hdr, lst)
        if len(paths) > 500:
            cmd = "xargs -n 200 curl -s -o /dev/null %s < %s" % (hdr, lst)
    else:
        cmd = "xargs -P %d -n 1 curl -s -o /dev/null %s < %s" % (parallel, hdr, lst)
    t, r = timed(lambda: sh(cmd))
    shutil.rmtree(d)
    return t


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def mirror_tree(src, dst):
    """Copies the shape of the tree at src to dst: directories, files of
    the same size and mode (their contents are not read: ls -lR does not
    read them), symbolic links with the same targets."""
    modes = []
    for top, dirs, files in os.walk(src):
        out = os.path.join(dst, os.path.relpath(top, src))
        os.makedirs(out, exist_ok=True)
        for name in dirs + files:
            p, q = os.path.join(top, name), os.path.join(out, name)
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                os.symlink(os.readlink(p), q)
            elif stat.S_ISREG(st.st_mode):
                with open(q, "wb") as f:
                    f.truncate(st.st_size)
                os.chmod(q, stat.S_IMODE(st.st_mode))
        modes.append((out, stat.S_IMODE(os.lstat(top).st_mode)))
    for out, mode in reversed(modes):  # read-only ones last
        os.chmod(out, mode)


def rss_kb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


class Row:
    def __init__(self, goal, reqs, secs, base=None, base_label="", note=""):
        self.goal, self.reqs, self.secs, self.base, self.label, self.note = \
            goal, reqs, secs, base, base_label, note

    def fmt(self):
        ratio = "%.2fx" % (self.secs / self.base) if self.base else "-"
        base = "%.2f s (%s)" % (self.base, self.label) if self.base else "-"
        return "| %s | %s | %.2f s | %s | %s | %s |" % (self.goal, self.reqs, self.secs, base,
                                                       ratio, self.note)


def mount(fake, ttl=600):
    return Mount(fake, opts=["cache_ttl=%d" % ttl])


class Rows(list):
    """The table, printed a row at a time: a long run that fails late
    still shows what it measured."""

    def append(self, row):
        if not self:
            print("| goal | requests | coolifyfs | baseline | ratio | note |")
            print("|---|---|---|---|---|---|")
        super().append(row)
        print(row.fmt(), flush=True)


def bench(args):
    rows = Rows()
    data = "gen:%d:%d" % (args.projects, args.apps)
    fake = Fake(data=data, extra=("--latency-ms", str(args.latency_ms)), start_timeout=60)
    try:
        # 1a. cold ls -l of the collections and cat of every status
        m = mount(fake)
        fake.clear_log()
        t, _ = timed(lambda: sh("ls -l %s/projects/*/*/{applications,databases,services} >/dev/null;"
                                " cat %s/projects/*/*/*/*/status >/dev/null" % (m.path, m.path)))
        paths = api_gets(fake)
        base = curl_baseline(fake, paths, 1)
        rows.append(Row("1a cold ls -l + cat */status", len(paths), t, base, "curl, sequential",
                        "%d resources" % len(os.listdir(m.p("uuid")))))
        m.close()

        # 1b. cold ls -lR of the whole mount
        m = mount(fake)
        fake.clear_log()
        t, _ = timed(lambda: sh("ls -lR %s >/dev/null" % m.path))
        paths = api_gets(fake)
        par = curl_baseline(fake, paths, 8)
        seq = curl_baseline(fake, paths, 1)
        rows.append(Row("1b cold ls -lR", len(paths), t, par, "xargs -P8 curl",
                        "sequential curl %.2f s" % seq))

        # 2. warm ls -lR against a tmpfs copy of the same tree. Five walks
        # each, the median taken: one walk of a second swings by a third
        # on this shared 2-core machine.
        fake.clear_log()
        ours = [timed(lambda: sh("ls -lR %s >/dev/null" % m.path))[0] for _ in range(5)]
        warm_reqs = len(api_gets(fake))
        shm = tempfile.mkdtemp(dir="/dev/shm")
        mirror_tree(m.path, shm)
        theirs = [timed(lambda: sh("ls -lR %s >/dev/null" % shm))[0] for _ in range(5)]
        same = sh("ls -lR %s | wc -l" % m.path).stdout.strip() == \
            sh("ls -lR %s | wc -l" % shm).stdout.strip()
        shutil.rmtree(shm)
        rows.append(Row("2 warm ls -lR", warm_reqs, median(ours), median(theirs),
                        "ls -lR of a tmpfs copy",
                        "median of 5 (ours %.2f-%.2f s, tmpfs %.2f-%.2f s)%s"
                        % (min(ours), max(ours), min(theirs), max(theirs),
                           "" if same else "; listings differ in length!")))
        m.close()

        # 3. cold grep over every application's envs
        m = mount(fake)
        sh("ls %s/projects/*/*/applications >/dev/null" % m.path)
        fake.clear_log()
        t, _ = timed(lambda: sh("grep -r DATABASE_URL %s/projects/*/*/applications/*/envs >/dev/null"
                                % m.path))
        paths = api_gets(fake)
        env_paths = [p for p in paths if p.endswith("/envs")]
        base = curl_baseline(fake, env_paths, 8)
        rows.append(Row("3 cold grep -r envs", len(paths), t, base, "xargs -P8 curl",
                        "%d env lists" % len(env_paths)))
        m.close()

        # 5. watch cat */status, sustained
        m = mount(fake, ttl=10)
        sh("cat %s/projects/*/*/*/*/status >/dev/null" % m.path)
        fake.clear_log()
        end = time.monotonic() + args.watch_seconds
        while time.monotonic() < end:
            sh("cat %s/projects/*/*/*/*/status >/dev/null" % m.path)
            time.sleep(2)
        n = len(api_gets(fake))
        rows.append(Row("5 watch -n2 cat */status", n, args.watch_seconds, None, "",
                        "%.0f requests/min (budget 200)" % (n * 60.0 / args.watch_seconds)))
        m.close()
    finally:
        fake.stop()

    # 4. peak RSS with many resources cached
    if args.rss_resources:
        apps = args.rss_resources * 8 // 10
        dbs = args.rss_resources // 10
        svcs = args.rss_resources - apps - dbs
        fake = Fake(data="gen:%d:%d:%d:%d" % (args.projects * 2, apps, dbs, svcs),
                    start_timeout=120)
        try:
            m = mount(fake)
            # Listing every collection caches every resource. (Reading
            # every status too would time the re-reading of lists tens
            # of MB long that a status's few seconds of freshness cost
            # at this size, not the memory.)
            t, _ = timed(lambda: sh("ls -l %s/projects/*/*/* >/dev/null" % m.path))
            kb = rss_kb(m.proc.pid)
            rows.append(Row("4 peak RSS", len(api_gets(fake)), t, None, "",
                            "%.1f MB with %d resources cached" % (kb / 1024.0, args.rss_resources)))
            m.close()
        finally:
            fake.stop()

    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=50)
    ap.add_argument("--apps", type=int, default=1000)
    ap.add_argument("--latency-ms", type=int, default=20)
    ap.add_argument("--rss-resources", type=int, default=10000)
    ap.add_argument("--watch-seconds", type=int, default=60)
    bench(ap.parse_args())


if __name__ == "__main__":
    main()
