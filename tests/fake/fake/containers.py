"""Container runtime logs that grow while a resource runs (NOTES §9.1).

Each running container gains a line every INTERVAL seconds. Lines are made
lazily when someone looks (or when the status changes), so a big generated
dataset costs nothing until its logs are read.
"""

import random
import time

INTERVAL = 0.5
CAP = 10000          # lines kept per container (HEAD clamps `lines` to 10000)
BACKLOG = 40         # lines a container already has when the fake starts

_PATHS = ("/", "/api/health", "/api/orders", "/api/users/42", "/static/app.js", "/login",
          "/api/search?q=coolify", "/favicon.ico")
_METHODS = ("GET", "GET", "GET", "POST", "GET", "PATCH")


def _clock(ts, fmt="%Y-%m-%d %H:%M:%S"):
    return time.strftime(fmt, time.gmtime(ts)) + ".%03d" % int((ts % 1) * 1000)


def _app_line(rng, ts, n):
    roll = rng.random()
    stamp = _clock(ts)
    if roll < 0.08:
        return "stderr", "%s \x1b[33mWARN\x1b[39m  slow request: %s %s took %d ms" % (
            stamp, rng.choice(_METHODS), rng.choice(_PATHS), rng.randint(500, 2500))
    if roll < 0.12:
        return "stderr", "%s \x1b[31mERROR\x1b[39m upstream timed out (110: Connection timed out) while reading response header" % stamp
    if roll < 0.30:
        return "stdout", "%s \x1b[36mDEBUG\x1b[39m cache %s key=session:%04x" % (
            stamp, rng.choice(("hit", "miss")), rng.randint(0, 0xffff))
    if roll < 0.36:
        return "stdout", "[%s] worker %d processed job #%d in %d ms" % (
            stamp, rng.randint(1, 4), 1000 + n, rng.randint(3, 300))
    if roll < 0.44:
        # The application's own ISO timestamp at the start of the line
        # (pino, winston, Go's slog): not docker's, whose fraction has
        # nine digits, so a reader that strips a loose prefix eats it.
        return "stdout", "%sZ info: %s %s served in %d ms" % (
            _clock(ts, "%Y-%m-%dT%H:%M:%S"), rng.choice(_METHODS), rng.choice(_PATHS),
            rng.randint(1, 400))
    return "stdout", "%s \x1b[32mINFO\x1b[39m  %s %s %d - %.1f ms" % (
        stamp, rng.choice(_METHODS), rng.choice(_PATHS), rng.choice((200, 200, 200, 201, 304, 404)),
        rng.uniform(0.4, 90))


def _postgres_line(rng, ts, n):
    stamp = _clock(ts) + " UTC"
    if rng.random() < 0.5:
        return "stderr", "%s [%d] LOG:  checkpoint starting: time" % (stamp, rng.randint(30, 90))
    return "stderr", "%s [%d] LOG:  checkpoint complete: wrote %d buffers (0.%d%%); 0 WAL file(s) added" % (
        stamp, rng.randint(30, 90), rng.randint(1, 80), rng.randint(1, 9))


def _redis_line(rng, ts, n):
    stamp = time.strftime("%d %b %Y %H:%M:%S", time.gmtime(ts)) + ".%03d" % int((ts % 1) * 1000)
    return "stdout", "1:M %s * %d changes in 300 seconds. Saving..." % (stamp, rng.randint(1, 200))


def _generic_line(rng, ts, n):
    return "stdout", "%s level=info msg=\"tick\" n=%d" % (_clock(ts, "%Y-%m-%dT%H:%M:%S"), n)


_GENERATORS = {
    "application": _app_line,
    "postgresql": _postgres_line,
    "redis": _redis_line, "keydb": _redis_line, "dragonfly": _redis_line,
}

_STARTUP = {
    "application": ("stdout", "\x1b[1m> Listening on http://0.0.0.0:3000\x1b[22m"),
    "postgresql": ("stderr", "LOG:  database system is ready to accept connections"),
    "redis": ("stdout", "1:M * Ready to accept connections tcp"),
}


class LogStream:
    """One container's output: a list of (timestamp, stream, text)."""

    def __init__(self, kind, seed, owner):
        self.owner = owner       # the State: its log_growth switch pauses every log
        self.kind = kind
        self.rng = random.Random(seed)
        self.lines = []
        self.next_at = None      # when the next line is due; None while stopped
        self.count = 0

    def _gen(self, ts):
        self.count += 1
        return (ts,) + _GENERATORS.get(self.kind, _generic_line)(self.rng, ts, self.count)

    def advance(self, now):
        if self.next_at is None:
            return
        if not self.owner.log_growth:
            self.next_at = now + INTERVAL
            return
        if now - self.next_at > CAP * INTERVAL:
            self.next_at = now - CAP * INTERVAL
        while self.next_at <= now:
            self.lines.append(self._gen(self.next_at))
            self.next_at += INTERVAL
        if len(self.lines) > CAP:
            del self.lines[:len(self.lines) - CAP]

    def start(self, now, backlog=0):
        self.advance(now)
        begin = now - backlog * INTERVAL
        stream, text = _STARTUP.get(self.kind, ("stdout", "container started"))
        self.lines.append((begin, stream, text))
        self.next_at = begin + INTERVAL
        self.advance(now)

    def stop(self, now):
        self.advance(now)
        self.next_at = None

    def append(self, now, text, stream="stdout"):
        self.advance(now)
        for line in text.split("\n"):
            self.lines.append((now, stream, line))

    def tail(self, now, count):
        """The last `count` lines (all of them when count is None)."""
        self.advance(now)
        return self.lines if count is None else self.lines[-count:] if count > 0 else []


def stream(state, uuid, kind, running):
    """The log of the container of resource `uuid`, created on first use."""
    log = state.containers.get(uuid)
    if log is None:
        log = LogStream(kind, "%s:%s" % (state.config.seed, uuid), state)
        state.containers[uuid] = log
        if running:
            log.start(state.now(), BACKLOG)
    return log


def set_running(state, uuid, kind, was_running, running):
    """Start or stop a container's log when its status changes."""
    if was_running == running:
        return
    log = stream(state, uuid, kind, was_running)
    if running:
        log.start(state.now())
    else:
        log.stop(state.now())


def docker_timestamp(ts):
    """What `docker logs -t` puts before a line: Go's RFC3339NanoFixed in
    UTC (always nine fraction digits, `Z`) and one space."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + ".%09dZ " % int((ts % 1) * 1e9)


def render(state, log, count, latest, timestamps=False):
    """The text `docker logs -n count` prints (NOTES §9.1, §17.5)."""
    lines = log.tail(state.now(), count)
    if not latest:
        # NOTES §9.1: no 2>&1, so only stdout reaches the API at this commit.
        lines = [l for l in lines if l[1] == "stdout"]
    out = []
    for ts, _, text in lines:
        if timestamps:
            text = docker_timestamp(ts) + text
        out.append(text)
    return "\n".join(out)
