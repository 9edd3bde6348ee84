"""``breakwater worker``: run the Faust worker (or N of them in one consumer group)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from streams.settings import Settings


def register(sub) -> None:
    p = sub.add_parser(
        "worker", help="run the stream worker (consumes signups, activity, labels; writes actions)",
        description="Run the Breakwater stream worker. Settings come from BREAKWATER_* environment "
                    "variables (logged at start); the options below override them.")
    p.add_argument("--web-port", type=int, help="port of /healthz, /readyz, /metrics and /v1/* "
                                                 "(default 6066; worker i of --workers N uses port+i)")
    p.add_argument("--workers", type=int, default=1,
                   help="start N worker processes in one consumer group (default 1)")
    p.add_argument("-l", "--loglevel", help="log level: debug, info, warn, error (default info)")
    p.add_argument("--no-create-topics", action="store_true",
                   help="do not create missing contract topics at start")
    p.set_defaults(func=run)


def run(args) -> int:
    s = Settings.from_env(web_port=args.web_port, log_level=args.loglevel)
    if not args.no_create_topics:
        from streams.topics import create_topics
        create_topics(s, log=lambda m: print(m, file=sys.stderr))
    if args.workers > 1:
        return _run_many(args, s)
    return _run_one(s)


def _run_one(s: Settings) -> int:
    from faust.worker import Worker
    from streams.app import create_app

    # Faust runs its Kafka consumer in a thread of its own; with the default 5 ms GIL
    # switch interval every wake-up of the event loop (a signup check, a heartbeat) could
    # wait 5 ms for that thread to let go. 1 ms keeps the loop's waits short.
    sys.setswitchinterval(0.001)
    app = create_app(s)
    level = {"warning": "warn"}.get(s.log_level, s.log_level)
    Worker(app, loglevel=level, redirect_stdouts=False).execute_from_commandline()
    return 0


def _run_many(args, s: Settings) -> int:
    """Supervise N single workers; Ctrl-C / SIGTERM stops them all."""
    procs = []
    for i in range(args.workers):
        env = dict(os.environ, BREAKWATER_WEB_PORT=str(s.web_port + i),
                   BREAKWATER_DATA_DIR=os.path.join(s.data_dir, f"worker-{i}"))
        cmd = [sys.executable, "-m", "streams.cli", "worker", "--no-create-topics"]
        if args.loglevel:
            cmd += ["-l", args.loglevel]
        procs.append(subprocess.Popen(cmd, env=env))
        print(f"worker {i}: pid {procs[-1].pid}, web port {s.web_port + i}", file=sys.stderr)

    def stop(*_):
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    try:
        while any(p.poll() is None for p in procs):
            time.sleep(0.5)
    except KeyboardInterrupt:
        stop()
    deadline = time.monotonic() + 30
    for p in procs:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
    return max((p.returncode or 0) for p in procs) if procs else 0
