"""``breakwater replay``: produce a contract file into the input topics.

Events go out in file order (which the contract requires to be event-time order),
with ``truth`` stripped, keyed by ``account_id``, paced by event time (``--speed``)
or by a rate cap (``--max-rate``). Invalid lines are reported with their line number
and skipped; a summary says how many went where.
"""
from __future__ import annotations

import os
import sys
import time
import warnings
from typing import Callable, Iterable, Iterator, Optional

import orjson

from streams.contract import InvalidEvent, decode, parse_event
from streams.settings import Settings

TYPE_TOPIC = {"signup": "signups", "activity": "activity", "label": "labels"}


def strip_truth(obj: dict) -> bytes:
    """The event as it would arrive from production: no ``truth``."""
    if "truth" in obj:
        obj = {k: v for k, v in obj.items() if k != "truth"}
    return orjson.dumps(obj)


def make_producer(s: Settings, **kw):
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from kafka import KafkaProducer
    cfg = dict(linger_ms=5, batch_size=256 * 1024, acks="all", client_id="breakwater-replay",
               max_request_size=2 * 1024 * 1024)
    cfg.update(kw)
    return KafkaProducer(**s.kafka_client_config(), **cfg)


class Pacer:
    """Sleeps so that event time runs ``speed`` times faster than the wall clock
    and no more than ``max_rate`` events go out per second."""

    def __init__(self, speed: Optional[float] = None, max_rate: Optional[float] = None,
                 clock: Callable[[], float] = time.monotonic, sleep=time.sleep):
        self.speed, self.max_rate, self.clock, self.sleep = speed, max_rate, clock, sleep
        self.t0: Optional[float] = None
        self.ts0: Optional[float] = None
        self.n = 0

    def wait(self, ts: float) -> None:
        now = self.clock()
        if self.t0 is None:
            self.t0, self.ts0 = now, ts
        due = self.t0
        if self.speed:
            due = max(due, self.t0 + (ts - self.ts0) / self.speed)
        if self.max_rate:
            due = max(due, self.t0 + self.n / self.max_rate)
        self.n += 1
        if due > now:
            self.sleep(due - now)


def replay_objects(objs: Iterable[tuple[int, object]], s: Settings, producer=None,
                   speed: Optional[float] = None, max_rate: Optional[float] = None,
                   progress: Optional[Callable[[dict], None]] = None,
                   stop: Callable[[], bool] = lambda: False) -> dict:
    """Produce ``(line_no, raw_line_or_dict)`` pairs; returns counts by outcome."""
    own = producer is None
    producer = producer or make_producer(s)
    pacer = Pacer(speed, max_rate)
    counts = {"signups": 0, "activity": 0, "labels": 0, "invalid": 0}
    errors: list[str] = []
    try:
        for n, item in objs:
            if stop():
                break
            try:
                obj = item if isinstance(item, dict) else decode(item)
                ev = parse_event(obj)
            except InvalidEvent as exc:
                counts["invalid"] += 1
                if len(errors) < 1000:
                    errors.append(f"line {n}: {exc.reason}")
                print(f"line {n}: skipped: {exc.reason}", file=sys.stderr)
                continue
            pacer.wait(ev.ts)
            topic = TYPE_TOPIC[ev.type]
            producer.send(s.topic(topic), key=ev.account_id.encode(), value=strip_truth(obj))
            counts[topic] += 1
            if progress and pacer.n % 1000 == 0:
                progress(counts)
        producer.flush()
    finally:
        if own:
            producer.close()
    counts["errors"] = errors
    return counts


def iter_file(path: str) -> Iterator[tuple[int, bytes]]:
    with open(path, "rb") as fh:
        for n, line in enumerate(fh, 1):
            yield n, line.rstrip(b"\r\n")


def register(sub) -> None:
    p = sub.add_parser(
        "replay", help="produce a JSONL contract file into the input topics",
        description="Produce recorded or simulated traffic (EVENTS.md JSON Lines) into signups, "
                    "activity and labels, in file order, with `truth` removed. Invalid lines are "
                    "reported with their line numbers and skipped.")
    p.add_argument("file", help="JSON Lines file of contract events")
    p.add_argument("--speed", type=float, help="event-time speed-up: 60 plays an hour in a minute")
    p.add_argument("--max-rate", type=float, help="at most N events per second")
    p.set_defaults(func=run)


def run(args) -> int:
    from rich.progress import Progress, TextColumn, TimeElapsedColumn

    s = Settings.from_env()
    total = os.path.getsize(args.file)
    with Progress(TextColumn("[progress.description]{task.description}"), TimeElapsedColumn(),
                  transient=False, console=_stderr_console()) as bar:
        task = bar.add_task("replaying", total=None)

        def progress(c):
            bar.update(task, description=f"replaying: {c['signups']} signups, {c['activity']} "
                                         f"activity, {c['labels']} labels, {c['invalid']} invalid")

        t0 = time.monotonic()
        counts = replay_objects(iter_file(args.file), s, speed=args.speed, max_rate=args.max_rate,
                                progress=progress)
        progress(counts)
    dt = time.monotonic() - t0
    sent = counts["signups"] + counts["activity"] + counts["labels"]
    print(f"replayed {sent} events ({total} bytes) in {dt:.1f}s ({sent / max(dt, 1e-9):.0f}/s): "
          f"{counts['signups']} signups, {counts['activity']} activity, {counts['labels']} labels; "
          f"{counts['invalid']} invalid lines skipped", file=sys.stderr)
    return 0


def _stderr_console():
    from rich.console import Console
    return Console(stderr=True)
