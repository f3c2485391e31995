"""Environment variables as files (SPEC §3.1) with the shell's own tools:
cat, echo, rm, mv, cp, set -C, getfattr and setfattr, envs.env."""
import os
import time


from conftest import READ_TOKEN, READSENS_TOKEN, run
from envhelp import EnvSite


def test_cat_every_value(site):
    server = site.server()
    assert sorted(os.listdir(site.envs)) == sorted(server)
    for k, v in server.items():
        assert open(site.p(k)).read() == v + "\n"


def test_preview_variables_are_separate(site):
    prev = site.server(preview=True)
    assert sorted(os.listdir(site.preview)) == sorted(prev)
    run("echo only-prod > %s" % site.p("NODE_ENV"))
    assert site.server()["NODE_ENV"] == "only-prod"
    assert site.server(preview=True)["NODE_ENV"] != "only-prod"


def test_echo_sets_with_one_request(site):
    before = site.server()
    run("echo staging > %s" % site.p("NODE_ENV"))
    assert site.server()["NODE_ENV"] == "staging"
    assert site.writes() == [("PATCH", "envs")]
    after = site.server()
    del before["NODE_ENV"], after["NODE_ENV"]
    assert before == after
    assert open(site.p("NODE_ENV")).read() == "staging\n"


def test_same_value_sends_nothing(site):
    v = site.server()["NODE_ENV"]
    run("echo %s > %s" % (v, site.p("NODE_ENV")))
    assert site.writes() == []


def test_new_key_created_and_removed(site):
    run("echo fresh > %s" % site.p("BRAND_NEW"))
    assert site.server()["BRAND_NEW"] == "fresh"
    assert "BRAND_NEW" in os.listdir(site.envs)
    assert [w for w in site.writes() if w[0] == "POST"] == [("POST", "envs")]
    run(["rm", site.p("BRAND_NEW")])
    assert "BRAND_NEW" not in site.server()
    assert "BRAND_NEW" not in os.listdir(site.envs)


def test_mv_renames(site):
    old = site.server()["NODE_ENV"]
    run(["mv", site.p("NODE_ENV"), site.p("APP_ENV")])
    s = site.server()
    assert s["APP_ENV"] == old and "NODE_ENV" not in s
    assert sorted(os.listdir(site.envs)) == sorted(s)


def test_cp_creates_and_set_C_refuses_existing(site, tmp_path):
    src = tmp_path / "v"
    src.write_text("copied\n")
    run(["cp", str(src), site.p("COPIED")])
    assert site.server()["COPIED"] == "copied"
    r = run("set -C; echo x > %s" % site.p("NODE_ENV"), check=False)
    assert r.returncode
    run("set -C; echo y > %s" % site.p("NOCLOBBER_NEW"))
    assert site.server()["NOCLOBBER_NEW"] == "y"


def test_truncate_then_append(site):
    run(": > %s" % site.p("NODE_ENV"))
    # `: >` never writes, so the empty value is committed at release,
    # which the kernel sends after close() returned (pending.h): on a
    # loaded machine the API sees it a moment later.
    for _ in range(50):
        if site.server()["NODE_ENV"] == "":
            break
        time.sleep(0.1)
    assert site.server()["NODE_ENV"] == ""
    run("echo appended >> %s" % site.p("NODE_ENV"))
    assert site.server()["NODE_ENV"] == "appended"


def test_multiline_value(site):
    run("printf 'line one\\nline two\\n' > %s" % site.p("MULTI"))
    assert site.server()["MULTI"] == "line one\nline two"
    assert open(site.p("MULTI")).read() == "line one\nline two\n"


def test_refused_value_fails_the_shell_and_keeps_the_old_one(site):
    old = site.server()["NODE_ENV"]
    site.fake.fault(status=422, count=1, match="/envs", method="PATCH")
    r = run("echo refused > %s" % site.p("NODE_ENV"), check=False)
    assert r.returncode == 1 and "Invalid argument" in r.stderr
    assert site.server()["NODE_ENV"] == old
    assert open(site.p("NODE_ENV")).read() == old + "\n"


def test_server_error_is_EIO_and_never_retried(site):
    site.fake.fault(status=500, count=1, match="/envs", method="PATCH")
    r = run("echo boom > %s" % site.p("NODE_ENV"), check=False)
    assert r.returncode == 1 and "Input/output error" in r.stderr
    assert site.writes() == [("PATCH", "envs")]


def test_xattr_flags(site):
    out = run(["getfattr", "-d", site.p("NODE_ENV")]).stdout
    for name in ["user.coolify.is_build_time", "user.coolify.is_literal", "user.coolify.uuid"]:
        assert name in out
    var = site.server_vars()["NODE_ENV"]
    assert ('user.coolify.uuid="%s"' % var["uuid"]) in out
    value = site.server()["NODE_ENV"]
    run(["setfattr", "-n", "user.coolify.is_literal", "-v", "1", site.p("NODE_ENV")])
    var = site.server_vars()["NODE_ENV"]
    assert var["is_literal"] is True
    assert site.server()["NODE_ENV"] == value, "a flag change must keep the value"
    assert run(["getfattr", "-n", "user.coolify.is_literal", "--only-values",
                site.p("NODE_ENV")]).stdout == "1"
    r = run(["setfattr", "-n", "user.coolify.is_literal", "-v", "maybe", site.p("NODE_ENV")],
            check=False)
    assert r.returncode


def test_envs_env_round_trip_and_diff(site, tmp_path):
    text = open(os.path.join(site.dir, "envs.env")).read()
    server = site.server()
    assert len(text.splitlines()) >= len(server)
    site.fake.clear_log()
    # Saving it back unchanged sends nothing.
    run("cp %s %s/saved.env && cp %s/saved.env %s" % (
        os.path.join(site.dir, "envs.env"), tmp_path, tmp_path, os.path.join(site.dir, "envs.env")))
    assert site.writes() == []
    new = [l for l in text.splitlines() if not l.startswith("NODE_ENV=")]
    new.append('ADDED="has spaces # and a hash"')
    new.append("# a comment")
    new.append("")
    new.append("GREETING=changed")
    (tmp_path / "new.env").write_text("\n".join(new) + "\n")
    run(["cp", str(tmp_path / "new.env"), os.path.join(site.dir, "envs.env")])
    s = site.server()
    assert "NODE_ENV" not in s
    assert s["ADDED"] == "has spaces # and a hash"
    assert s["GREETING"] == "changed"
    w = site.writes()
    assert w.count(("PATCH", "bulk")) == 1
    assert [m for m, _ in w if m == "DELETE"] == ["DELETE"]


def test_envs_env_syntax_error_sends_nothing(site, tmp_path):
    before = site.server()
    (tmp_path / "bad.env").write_text('OK=1\n1BAD=2\nQ="unterminated\n')
    r = run(["cp", str(tmp_path / "bad.env"), os.path.join(site.dir, "envs.env")], check=False)
    assert r.returncode and "Invalid argument" in r.stderr
    assert site.writes() == []
    assert site.server() == before


def test_hidden_values_are_unreadable_not_empty(fake_mode, mount_factory):
    fake_mode.reset()
    m = mount_factory(fake_mode, token=READ_TOKEN)
    site = EnvSite(fake_mode, m)
    names = os.listdir(site.envs)
    assert names
    r = run(["cat", site.p(names[0])], check=False)
    assert r.returncode and "Permission denied" in r.stderr
    # SPEC §3.1: envs.env stays readable, the hidden values as comments.
    text = open(os.path.join(site.dir, "envs.env")).read()
    assert text == "".join("# %s: value not readable\n" % k for k in site.server())
    r = run(["setfattr", "-n", "user.coolify.is_literal", "-v", "1", site.p(names[0])], check=False)
    assert r.returncode


def test_read_only_token_cannot_write(fake_mode, mount_factory):
    fake_mode.reset()
    m = mount_factory(fake_mode, token=READSENS_TOKEN)
    site = EnvSite(fake_mode, m)
    old = site.server()["NODE_ENV"]
    r = run("echo nope > %s" % site.p("NODE_ENV"), check=False)
    assert r.returncode and "Permission denied" in r.stderr
    assert site.server()["NODE_ENV"] == old


def test_instance_gone_mid_save(site):
    old = site.server()["NODE_ENV"]
    site.fake.fault(down=True, up_after_ms=1500)
    r = run("echo lost > %s" % site.p("NODE_ENV"), check=False)
    assert r.returncode and "Connection refused" in r.stderr
    import time
    time.sleep(2.5)
    assert site.server()["NODE_ENV"] == old


def test_services_have_envs(fake_mode, mount_factory):
    fake_mode.reset()
    m = mount_factory(fake_mode)
    from expected import Tree
    t = Tree(fake_mode)
    svc = [(rel, o) for rel, k, o, _ in t.walk() if k == "services"][0]
    d = m.p(svc[0], "envs")
    _, server = fake_mode.api("/services/%s/envs" % svc[1]["uuid"])
    assert sorted(os.listdir(d)) == sorted(e["key"] for e in server)
    run("echo svc-value > %s/SVC_NEW" % d)
    _, server = fake_mode.api("/services/%s/envs" % svc[1]["uuid"])
    assert {e["key"]: e["value"] for e in server}["SVC_NEW"] == "svc-value"
    assert not os.path.exists(m.p(svc[0], "envs-preview"))


def test_database_envs_only_where_the_api_has_them(fake_mode, mount_factory):
    fake_mode.reset()
    m = mount_factory(fake_mode)
    from expected import Tree
    t = Tree(fake_mode)
    db = [rel for rel, k, o, _ in t.walk() if k == "databases"][0]
    latest = not fake_mode.api("/version")[1].startswith("4.0.0-beta")
    assert os.path.isdir(m.p(db, "envs")) == latest


def test_envs_env_partial_failure_is_EIO_and_logs_what_was_saved(site, mount_factory, tmp_path):
    """NOTES §10.2: the bulk endpoint saves the items before a bad one.
    A key over 255 characters passes our syntax check but not the API
    (a 422 on current Coolify, a database error on 2025 instances)."""
    text = open(os.path.join(site.dir, "envs.env")).read()
    long_key = "K" * 300
    (tmp_path / "new.env").write_text(text + "FIRST_NEW=saved\n%s=refused\n" % long_key)
    r = run(["cp", str(tmp_path / "new.env"), os.path.join(site.dir, "envs.env")], check=False)
    assert r.returncode and "Input/output error" in r.stderr, r
    assert site.server()["FIRST_NEW"] == "saved"
    assert long_key not in site.server()
    err = site.mount.stderr()
    assert "holding their new values now: FIRST_NEW\n" in err, err
