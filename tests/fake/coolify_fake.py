#!/usr/bin/python3
"""A fake Coolify API server for the coolifyfs tests.

    coolify_fake.py [--host 127.0.0.1] [--port 0] [--mode seed|latest]
                    [--data demo|gen:P:A[:D[:S]]] [--port-file PATH] [--seed N]
                    [--latency-ms N] [--rate-limit N] [--control-port N] [--version-json]

Prints "listening on http://127.0.0.1:PORT" once it accepts connections.
See README.md beside this file for the tokens, the datasets and the control API.
"""

import argparse
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fake.server import FakeServer  # noqa: E402
from fake.state import Config, State  # noqa: E402


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Fake Coolify API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mode", choices=("seed", "latest"), default="seed")
    parser.add_argument("--data", default="demo")
    parser.add_argument("--port-file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--rate-limit", type=int, default=200)
    parser.add_argument("--version-json", action="store_true",
                        help="answer GET /version as a JSON string, as the official spec documents")
    parser.add_argument("--control-port", type=int, default=None,
                        help="also serve /_fake/ on this port (stays up while the API is down)")
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the fake binds loopback only")
    return args


def main(argv=None):
    args = parse_args(argv)
    state = State(Config(args.mode, args.data, args.seed, args.latency_ms, args.rate_limit,
                          args.version_json))
    api = FakeServer(state, args.host, args.port)
    api.start()
    control = None
    if args.control_port is not None:
        control = FakeServer(state, args.host, args.control_port, control_only=True)
        control.peer = api
        control.start()

    stop = threading.Event()

    def ticker():
        while not stop.wait(0.1):
            state.tick()

    threading.Thread(target=ticker, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGUSR1, lambda *_: threading.Thread(target=api.go_up).start())
    signal.signal(signal.SIGUSR2, lambda *_: threading.Thread(target=api.go_down).start())

    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % api.port)
        os.replace(tmp, args.port_file)
    line = "listening on http://%s:%d" % (args.host, api.port)
    if control is not None:
        line += " (control on %d)" % control.port
    print(line, flush=True)
    while not stop.wait(1.0):
        pass
    api.stop()
    if control is not None:
        control.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
