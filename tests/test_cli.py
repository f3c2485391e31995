"""The command line and configuration (SPEC §1): every way to name an
instance, and every reason to refuse before mounting, with exit 1 and one
line naming the cause."""
import json
import os
import subprocess

import pytest

from conftest import BIN, ROOT_TOKEN, Fake, free_tmpdir, run


def coolifyfs(args, env=None, timeout=30):
    e = {k: v for k, v in os.environ.items() if not k.startswith("COOLIFY_")}
    e.update(env or {})
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=e, timeout=timeout)


def secret_file(content, mode=0o600):
    d = free_tmpdir()
    p = os.path.join(d, "secret")
    fd = os.open(p, os.O_WRONLY | os.O_CREAT, mode)
    os.write(fd, content.encode())
    os.close(fd)
    os.chmod(p, mode)
    return p


def mountpoint():
    d = os.path.join(free_tmpdir(), "mnt")
    os.mkdir(d)
    return d


def refused(r, *words):
    assert r.returncode == 1, r
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def test_help_and_version():
    r = coolifyfs(["--help"])
    assert r.returncode == 0
    for opt in ["url=", "token_file=", "context=", "config=", "cache_ttl=", "log_lines=",
                "timeout=", "cacert=", "COOLIFY_URL"]:
        assert opt in r.stdout
    r = coolifyfs(["--version"])
    assert r.returncode == 0 and r.stdout.startswith("coolifyfs ")


def test_token_on_command_line_is_refused(fake):
    line = refused(coolifyfs([mountpoint(), "-o", "url=%s,token=%s" % (fake.url, ROOT_TOKEN)]),
                   "command line")
    assert ROOT_TOKEN not in line


def test_group_readable_token_file_is_refused(fake):
    tf = secret_file(ROOT_TOKEN + "\n", 0o640)
    refused(coolifyfs([mountpoint(), "-o", "url=%s,token_file=%s" % (fake.url, tf)]),
            "chmod 600", tf)


def test_missing_and_empty_token_file(fake):
    refused(coolifyfs([mountpoint(), "-o", "url=%s,token_file=/nonexistent/t" % fake.url]),
            "/nonexistent/t")
    refused(coolifyfs([mountpoint(), "-o", "url=%s,token_file=%s" % (fake.url, secret_file("\n"))]),
            "empty")


def test_refused_token(fake):
    tf = secret_file("99|not-a-token\n")
    line = refused(coolifyfs([mountpoint(), "-o", "url=%s,token_file=%s" % (fake.url, tf)]),
                   "refused the token", "401")
    assert "not-a-token" not in line


def test_token_without_read_ability(fake):
    tf = secret_file("5|deploy-token-000000000000000000000000000000000\n")
    refused(coolifyfs([mountpoint(), "-o", "url=%s,token_file=%s" % (fake.url, tf)]),
            "403", "read")


def test_disabled_api():
    f = Fake()
    try:
        f.fault(api_enabled=False)
        tf = secret_file(ROOT_TOKEN)
        refused(coolifyfs([mountpoint(), "-o", "url=%s,token_file=%s" % (f.url, tf)]),
                "disabled")
    finally:
        f.stop()


def test_unreachable_host_and_bad_urls():
    tf = secret_file(ROOT_TOKEN)
    refused(coolifyfs([mountpoint(), "-o", "url=http://127.0.0.1:9,token_file=" + tf]),
            "connection refused")
    refused(coolifyfs([mountpoint(), "-o", "url=http://nonexistent.invalid,token_file=" + tf]),
            "nonexistent.invalid")
    refused(coolifyfs([mountpoint(), "-o", "url=ftp://x,token_file=" + tf]), "http")
    # libcurl's URL API: a host is required, and the API's path cannot
    # follow a query or a fragment.
    for url in ("http://", "http://a b", "https://x/?a=1", "https://x/#a"):
        refused(coolifyfs([mountpoint(), "-o", "url=%s,token_file=%s" % (url, tf)]),
                'bad URL "%s"' % url)


def test_not_a_coolify(tmp_path):
    # A plain web server: /api/v1/version is a 404 page.
    srv = subprocess.Popen(["/usr/bin/python3", "-m", "http.server", "0", "--bind", "127.0.0.1",
                            "--directory", str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        line = srv.stdout.readline()
        port = int(line.split("port ")[1].split()[0])
        tf = secret_file(ROOT_TOKEN)
        refused(coolifyfs([mountpoint(), "-o", "url=http://127.0.0.1:%d,token_file=%s" % (port, tf)]),
                "not a Coolify")
    finally:
        srv.kill()


def test_no_instance_at_all():
    env = {"HOME": free_tmpdir(), "XDG_CONFIG_HOME": ""}
    refused(coolifyfs([mountpoint()], env=env), "COOLIFY_URL")


def write_config(instances, mode=0o600):
    home = free_tmpdir()
    d = os.path.join(home, ".config", "coolify")
    os.makedirs(d)
    p = os.path.join(d, "config.json")
    fd = os.open(p, os.O_WRONLY | os.O_CREAT, mode)
    os.write(fd, json.dumps({"instances": instances, "lastUpdateCheckTime": "2026-08-19T13:01:41+02:00"}).encode())
    os.close(fd)
    os.chmod(p, mode)
    return home, p


def mounted(args, env):
    """Mounts in the foreground, checks the version file, unmounts."""
    mnt = args[-1] if not args[-1].startswith("-") else None
    e = {k: v for k, v in os.environ.items() if not k.startswith("COOLIFY_")}
    e.update(env)
    p = subprocess.Popen([BIN, *args, "-f"], stderr=subprocess.PIPE, text=True, env=e)
    try:
        for _ in range(300):
            if os.path.ismount(mnt):
                break
            assert p.poll() is None, p.stderr.read()
            import time
            time.sleep(0.02)
        return open(os.path.join(mnt, "version")).read()
    finally:
        subprocess.run(["fusermount3", "-u", mnt])
        assert p.wait(20) == 0


def test_cli_config_default_and_named_context(fake):
    home, _ = write_config([
        {"name": "cloud", "fqdn": "https://app.coolify.io", "token": ""},
        {"name": "local", "fqdn": fake.url, "token": ROOT_TOKEN, "default": True},
    ])
    _, version = fake.api("/version")
    assert mounted([mountpoint()], {"HOME": home}) == version + "\n"
    # SOURCE as a context name
    assert mounted(["local", mountpoint()], {"HOME": home}) == version + "\n"
    # COOLIFY_CONTEXT and -o context=
    assert mounted([mountpoint()], {"HOME": home, "COOLIFY_CONTEXT": "local"}) == version + "\n"
    r = coolifyfs(["nope", mountpoint()], env={"HOME": home})
    refused(r, "nope")
    # The cloud context has no token.
    refused(coolifyfs(["-o", "context=cloud", mountpoint()], env={"HOME": home}), "no token")


def test_cli_config_readable_by_others_is_refused(fake):
    home, path = write_config([{"name": "local", "fqdn": fake.url, "token": ROOT_TOKEN,
                                "default": True}], mode=0o644)
    refused(coolifyfs([mountpoint()], env={"HOME": home}), "chmod 600", path)


def test_source_url_takes_the_token_of_its_context(fake):
    home, _ = write_config([{"name": "local", "fqdn": fake.url + "/", "token": ROOT_TOKEN}])
    _, version = fake.api("/version")
    assert mounted([fake.url, mountpoint()], {"HOME": home}) == version + "\n"


def test_environment_variables(fake):
    _, version = fake.api("/version")
    env = {"COOLIFY_URL": fake.url + "/api/v1", "COOLIFY_TOKEN": ROOT_TOKEN, "HOME": free_tmpdir()}
    assert mounted([mountpoint()], env) == version + "\n"


def test_option_beats_environment(fake):
    tf = secret_file(ROOT_TOKEN)
    env = {"COOLIFY_URL": "http://127.0.0.1:9", "COOLIFY_TOKEN": "bad"}
    _, version = fake.api("/version")
    assert mounted(["-o", "url=%s,token_file=%s" % (fake.url, tf), mountpoint()], env) == version + "\n"


def test_mount_fuse3_helper_with_fstab_options(fake):
    """mount.fuse3 runs `coolifyfs SOURCE MNT -o OPTS` through sh, the way
    an fstab line `coolifyfs#SOURCE MNT fuse noauto,user,_netdev,...` does."""
    tf = secret_file(ROOT_TOKEN)
    mnt = mountpoint()
    env = dict(os.environ, PATH=os.path.dirname(BIN) + ":" + os.environ["PATH"])
    for k in ("COOLIFY_URL", "COOLIFY_TOKEN", "COOLIFY_CONTEXT"):
        env.pop(k, None)
    r = subprocess.run(["mount.fuse3", "coolifyfs#" + fake.url, mnt, "-o",
                        "noauto,user,_netdev,nofail,cache_ttl=30,token_file=" + tf],
                       capture_output=True, text=True, env=env, timeout=30)
    try:
        assert r.returncode == 0, r.stderr
        assert os.path.ismount(mnt)
        assert open(os.path.join(mnt, "version")).read().strip() == fake.api("/version")[1].strip()
        mounts = open("/proc/mounts").read()
        assert "fuse.coolifyfs" in mounts
    finally:
        subprocess.run(["fusermount3", "-u", mnt])


def test_token_never_in_debug_output(fake, mount_factory):
    m = mount_factory(fake, args=["-d"])
    run(["ls", "-lR", m.path])
    err = m.stderr()
    assert "GET /projects" in err
    assert "root-token" not in err and ROOT_TOKEN not in err
    assert "Authorization" not in err


def logs_queries(fake):
    """The query strings of the runtime-log requests the fake received."""
    return [e["query"] for e in fake.log() if e["path"].endswith("/logs")]


def read_a_log(fake, m):
    from expected import Tree
    for rel, kind, obj, _ in Tree(fake).walk():
        if kind == "applications" and obj["status"].startswith("running"):
            return open(m.p(rel, "logs")).read()
    raise LookupError("no running application")


@pytest.mark.parametrize("mode,version,current", [
    ("seed", None, False),                 # "4.0.0-beta.419" as a JSON string
    ("seed", "v4.0.0-beta.419", False),    # the spec's "v", still the 2025 API
    ("latest", None, True),                # "4.3.11"
    ("latest", "v4.0.0", True),            # the spec's own example
])
def test_version_as_a_json_string(mode, version, current, mount_factory):
    """NOTES §13: Coolify answers /version as plain text, the official spec
    as a JSON string. Both mount, the version file shows it without quotes,
    and the 2025 API is told from current Coolify either way (seen in the
    logs request: only current Coolify is asked for timestamps)."""
    f = Fake(mode=mode, extra=("--version-json",))
    try:
        if version:
            f.set(version=version)
        status, answer = f.api("/version")
        assert status == 200 and isinstance(answer, str)
        m = mount_factory(f)
        assert open(m.p("version")).read() == answer + "\n"
        f.clear_log()
        read_a_log(f, m)
        queries = logs_queries(f)
        assert queries, f.log()
        for q in queries:
            assert ("show_timestamps=true" in q) == current, q
    finally:
        f.stop()


def test_plain_text_version_with_v_is_still_the_2025_api(mount_factory):
    f = Fake(mode="seed")
    try:
        f.set(version="v4.0.0-beta.419")
        m = mount_factory(f)
        assert open(m.p("version")).read() == "v4.0.0-beta.419\n"
        f.clear_log()
        read_a_log(f, m)
        assert logs_queries(f) and not [q for q in logs_queries(f) if "show_timestamps" in q]
    finally:
        f.stop()


def test_a_json_object_is_not_a_version(tmp_path):
    """A server whose /api/v1/version is JSON but no string is refused."""
    (tmp_path / "api" / "v1").mkdir(parents=True)
    (tmp_path / "api" / "v1" / "version").write_text('{"version": "4.3.11"}')
    srv = subprocess.Popen(["/usr/bin/python3", "-m", "http.server", "0", "--bind", "127.0.0.1",
                            "--directory", str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        line = srv.stdout.readline()
        port = int(line.split("port ")[1].split()[0])
        tf = secret_file(ROOT_TOKEN)
        refused(coolifyfs([mountpoint(), "-o", "url=http://127.0.0.1:%d,token_file=%s" % (port, tf)]),
                "does not answer like a Coolify API")
    finally:
        srv.kill()
