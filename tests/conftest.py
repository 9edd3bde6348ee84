"""Shared fixtures. Integration tests get a real Kafka broker (started here if none
answers on the test port, and stopped again at the end) and workers run as real
processes with their own topic prefix, so runs never see each other's data."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
import warnings
from pathlib import Path

import orjson
import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning, module="kafka")

TEST_BOOTSTRAP = os.environ.get("BREAKWATER_TEST_KAFKA", "127.0.0.1:19092")


@pytest.fixture(scope="session")
def kafka():
    """A real broker on the test port; yields its bootstrap address."""
    from streams.kafka_local import LocalKafka
    k = LocalKafka(TEST_BOOTSTRAP, log=lambda m: print(m, file=sys.stderr))
    started = not k.answers()
    if started:
        k.start(timeout=120)
    yield TEST_BOOTSTRAP
    if started:
        k.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Env:
    """One isolated deployment on the shared broker: prefix, app id, settings."""

    def __init__(self, bootstrap: str, tmp: Path):
        tag = uuid.uuid4().hex[:8]
        self.tmp = tmp
        self.vars = {
            "BREAKWATER_KAFKA_BOOTSTRAP": bootstrap,
            "BREAKWATER_TOPIC_PREFIX": f"it-{tag}-",
            "BREAKWATER_APP_ID": f"bw-it-{tag}",
            "BREAKWATER_DATA_DIR": str(tmp / "data"),
            "BREAKWATER_SESSION_TIMEOUT": "6",
            # Tests replay an hour in seconds (≈500x): 20 ms of wall clock would be 10 s of
            # event time. Waiting 0.5 s for a quiet partition keeps event-time order as tight
            # as the 20 ms default does at 1x, so streaming and offline stay comparable.
            "BREAKWATER_ALIGN_IDLE_SECONDS": "0.5",
        }
        from streams.settings import Settings
        self.settings = Settings.from_env(self.vars)
        self.workers: list[subprocess.Popen] = []

    def topic(self, name: str) -> str:
        return self.settings.topic(name)

    def create_topics(self):
        from streams.topics import create_topics
        create_topics(self.settings, log=lambda m: None)

    def start_worker(self, port: int | None = None, timeout: float = 90) -> tuple[subprocess.Popen, int]:
        port = port or free_port()
        env = dict(os.environ, **self.vars, BREAKWATER_WEB_PORT=str(port))
        log = open(self.tmp / f"worker-{port}.log", "ab")
        p = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker", "-l", "info"],
                             env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.workers.append(p)
        wait_ready(port, p, timeout, self.tmp / f"worker-{port}.log")
        return p, port

    def producer(self):
        from kafka import KafkaProducer
        return KafkaProducer(**self.settings.kafka_client_config(), linger_ms=1)

    def consume(self, topic: str, until, timeout: float = 30.0) -> list[dict]:
        """Read ``topic`` from the start until ``until(records)`` is true or time runs out."""
        from kafka import KafkaConsumer
        c = KafkaConsumer(self.topic(topic), **self.settings.kafka_client_config(),
                          auto_offset_reset="earliest", enable_auto_commit=False, group_id=None,
                          consumer_timeout_ms=500)
        out: list[dict] = []
        t0 = time.monotonic()
        try:
            while time.monotonic() - t0 < timeout:
                for rec in c.poll(timeout_ms=500).values():
                    out.extend(orjson.loads(r.value) for r in rec)
                if until(out):
                    break
        finally:
            c.close()
        return out

    def stop(self):
        for p in self.workers:
            if p.poll() is None:
                p.terminate()
        for p in self.workers:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def wait_ready(port: int, proc: subprocess.Popen, timeout: float, logfile: Path | None = None) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            tail = logfile.read_text(errors="replace")[-3000:] if logfile else ""
            raise RuntimeError(f"worker exited with {proc.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"worker on port {port} not ready after {timeout}s")


@pytest.fixture
def bw_env(kafka, tmp_path):
    env = Env(kafka, tmp_path)
    env.create_topics()
    yield env
    env.stop()
