"""Method (c): libtmux reading every pane of one or more tmux servers.

A full cycle walks the servers the way libtmux users do (server.sessions,
session.windows, window.panes: each a list command) and captures every pane
(capture-pane -p -S -HISTORY). Prints one JSON object: the libtmux version,
each cycle's duration in ms, and the first cycle's screens keyed
"<server index> <pane id>". Warm-up cycles are not reported; with a budget,
timing stops once it has passed (after --min-cycles).

Usage: python3 libtmux_cycle.py --cycles N [--warmup N] [--budget-ms MS]
         [--min-cycles N] [--history 50] SOCKET [SOCKET...]
"""
import argparse
import json
import sys
import time

import libtmux

HIDDEN_PREFIX = "__tmo-"


def cycle(servers, history):
    captures = {}
    for index, server in enumerate(servers):
        for session in server.sessions:
            if session.session_name.startswith(HIDDEN_PREFIX):
                continue  # the benchmark's own control connection, not part of the fleet
            for window in session.windows:
                for pane in window.panes:
                    captures[f"{index} {pane.pane_id}"] = pane.capture_pane(start=-history)
    return captures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, required=True, help="timed cycles")
    parser.add_argument("--warmup", type=int, default=0, help="untimed cycles before them")
    parser.add_argument("--budget-ms", type=float, default=None, help="stop timing once this much time has passed")
    parser.add_argument("--min-cycles", type=int, default=1, help="timed cycles whatever the budget")
    parser.add_argument("--history", type=int, default=50)
    parser.add_argument("sockets", nargs="+")
    args = parser.parse_args()
    servers = [libtmux.Server(socket_path=path) for path in args.sockets]
    durations = []
    first = None
    timed_start = None
    run = 0
    while len(durations) < args.cycles:
        start = time.perf_counter()
        captures = cycle(servers, args.history)
        if run >= args.warmup:
            timed_start = start if timed_start is None else timed_start
            durations.append((time.perf_counter() - start) * 1000)
        if first is None:
            first = captures
        run += 1
        elapsed = (time.perf_counter() - timed_start) * 1000 if timed_start is not None else 0
        if args.budget_ms is not None and len(durations) >= args.min_cycles and elapsed >= args.budget_ms:
            break
    json.dump({"libtmux": libtmux.__version__, "cycles_ms": durations, "captures": first}, sys.stdout)


if __name__ == "__main__":
    main()
