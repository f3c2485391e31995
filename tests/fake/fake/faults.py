"""Injected faults (the control API's POST /_fake/fault)."""


class Fault:
    def __init__(self, kind, value, count, match, method, retry_after=None):
        self.kind = kind          # "status" | "garbage" | "cut" | "hang"
        self.value = value        # the status code, or the hang in ms
        self.count = count        # requests left; -1 = forever
        self.match = match or ""
        self.method = method.upper() if method else None
        self.retry_after = retry_after

    def matches(self, method, path):
        return self.match in path and (self.method is None or self.method == method)

    def describe(self):
        return {"kind": self.kind, "value": self.value, "count": self.count, "match": self.match,
                "method": self.method, "retry_after": self.retry_after}


class Faults:
    """All active faults. Guarded by State.lock, like the rest of the state."""

    def __init__(self, latency_ms=0):
        self.latency_ms = latency_ms
        self.items = []
        # None, or how the API fails to answer while "down" but listening: "close" accepts
        # each request and closes the connection without a word, "hang" never answers.
        self.unanswered = None

    def add(self, kind, value, spec):
        count = int(spec.get("count", 1 if kind != "hang" else -1))
        if kind in ("garbage", "cut") and "count" not in spec:
            count = int(value)
        self.items.append(Fault(kind, value, count, spec.get("match"), spec.get("method"),
                                spec.get("retry_after")))

    def take(self, kinds, method, path):
        """The first fault of one of `kinds` that matches, consuming one use."""
        for fault in self.items:
            if fault.kind in kinds and fault.count != 0 and fault.matches(method, path):
                if fault.count > 0:
                    fault.count -= 1
                if fault.count == 0:
                    self.items.remove(fault)
                return fault
        return None

    def hang_ms(self, method, path):
        fault = self.take(("hang",), method, path)
        return fault.value if fault else 0

    def describe(self):
        return {"latency_ms": self.latency_ms, "unanswered": self.unanswered,
                "faults": [f.describe() for f in self.items]}
