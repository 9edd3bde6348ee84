"""A real Apache Kafka broker for development, demos and tests: ``breakwater kafka``.

The broker (``org.apache.kafka:kafka_2.13``) and its runtime dependencies are
resolved from Maven Central with ``deploy/kafka/pom.xml`` into ``.kafka/libs-<v>``
(git-ignored), storage is formatted once in KRaft mode, and one combined
broker+controller node runs on 127.0.0.1. No Docker.

Several brokers can run side by side: everything that belongs to one broker lives in
``.kafka/broker-<port>/`` and the controller listens on ``port + 1``.
"""
from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path
from typing import Optional

from streams.settings import REPO_ROOT, Settings

POM = REPO_ROOT / "deploy" / "kafka" / "pom.xml"
LOG4J = REPO_ROOT / "deploy" / "kafka" / "log4j2.properties"


class KafkaError(RuntimeError):
    """A problem with the local broker, phrased for the person at the terminal."""


def kafka_version() -> str:
    m = re.search(r"<kafka.version>([^<]+)</kafka.version>", POM.read_text())
    if not m:
        raise KafkaError(f"no <kafka.version> in {POM}")
    return m.group(1)


def new_cluster_id() -> str:
    """A random KRaft cluster id (22 characters of URL-safe base64, like Kafka's
    ``Uuid.randomUuid()``), never starting with ``-``: the storage tool would read such an
    id as an option and fail ("--cluster-id expected one argument"), once in 64 starts.

    >>> all(not new_cluster_id().startswith("-") and len(new_cluster_id()) == 22 for _ in range(500))
    True
    """
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


class LocalKafka:
    """One local single-node KRaft broker on ``host:port``."""

    def __init__(self, bootstrap: str = "127.0.0.1:9092", home: Optional[Path] = None,
                 log=print):
        first = bootstrap.split(",")[0]
        host, _, port = first.rpartition(":")
        if host not in ("127.0.0.1", "localhost"):
            raise KafkaError(f"the local broker binds to 127.0.0.1 only, not {host!r}")
        self.host, self.port = "127.0.0.1", int(port)
        self.controller_port = self.port + 1
        self.home = Path(home or os.environ.get("BREAKWATER_KAFKA_HOME") or REPO_ROOT / ".kafka")
        self.version = kafka_version()
        self.libs = self.home / f"libs-{self.version}"
        self.dir = self.home / f"broker-{self.port}"
        self.log = log

    # ------------------------------------------------------------------ fetch
    def fetch(self) -> Path:
        """Resolve the broker jars from Maven Central (once; cached)."""
        if (self.libs / ".complete").exists():
            return self.libs
        mvn = shutil.which("mvn")
        if not mvn:
            raise KafkaError("mvn not found: Apache Maven is needed once to fetch the Kafka broker jars")
        self._need_java()
        self.home.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix="libs-", dir=self.home))
        self.log(f"fetching Apache Kafka {self.version} from Maven Central into {self.libs} ...")
        t0 = time.monotonic()
        proc = subprocess.run(
            [mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
             "-DincludeScope=runtime", f"-DoutputDirectory={tmp}"],
            capture_output=True, text=True)
        if proc.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise KafkaError(f"mvn could not resolve org.apache.kafka:kafka_2.13:{self.version}:\n{tail}")
        (tmp / ".complete").write_text(self.version)
        if self.libs.exists():
            shutil.rmtree(self.libs)
        tmp.rename(self.libs)
        self.log(f"fetched {len(list(self.libs.glob('*.jar')))} jars in {time.monotonic() - t0:.1f}s")
        return self.libs

    # ------------------------------------------------------------------ start / stop
    def start(self, timeout: float = 90.0) -> None:
        """Start the broker unless it already answers; return once it answers a
        metadata request. Idempotent."""
        if self.answers():
            self.log(f"Kafka already running on {self.host}:{self.port}")
            return
        java = self._need_java()
        for p in (self.port, self.controller_port):
            if _port_busy(self.host, p):
                raise KafkaError(f"port {p} in use by another process that is not a Kafka broker "
                                 f"answering on {self.host}:{self.port}; stop it or set "
                                 "BREAKWATER_KAFKA_BOOTSTRAP=127.0.0.1:<free port>")
        self.fetch()
        self._write_config()
        self._format(java)
        logs = self.dir / "logs"
        logs.mkdir(exist_ok=True)
        out = open(logs / "stdout.log", "ab")
        heap = os.environ.get("BREAKWATER_KAFKA_HEAP", "768m")
        cmd = [java, f"-Xms256m", f"-Xmx{heap}", "-XX:+UseG1GC", "-Djava.awt.headless=true",
               f"-Dkafka.logs.dir={logs}", f"-Dlog4j2.configurationFile={LOG4J}",
               "-cp", str(self.libs / "*"), "kafka.Kafka", str(self.dir / "server.properties")]
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, cwd=self.dir)
        (self.dir / "broker.pid").write_text(str(proc.pid))
        (self.dir / "version").write_text(self.version)
        self.log(f"starting Kafka {self.version} on {self.host}:{self.port} (pid {proc.pid}) ...")
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if proc.poll() is not None:
                raise KafkaError(f"the broker exited with code {proc.returncode}:\n{self._log_tail()}")
            if self.answers():
                self.log(f"Kafka {self.version} ready on {self.host}:{self.port} "
                         f"after {time.monotonic() - t0:.1f}s")
                return
            time.sleep(0.5)
        raise KafkaError(f"the broker did not answer a metadata request within {timeout:.0f}s:\n"
                         f"{self._log_tail()}")

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop the broker this folder started (SIGTERM, then SIGKILL). True if one ran."""
        pid = self.pid()
        if pid is None:
            self.log(f"no local Kafka running on port {self.port}")
            return False
        os.kill(pid, signal.SIGTERM)
        t0 = time.monotonic()
        while _alive(pid) and time.monotonic() - t0 < timeout:
            time.sleep(0.2)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            self.log("broker did not stop in time; killed")
        (self.dir / "broker.pid").unlink(missing_ok=True)
        self.log(f"Kafka on port {self.port} stopped")
        return True

    def pid(self) -> Optional[int]:
        f = self.dir / "broker.pid"
        try:
            pid = int(f.read_text())
        except (OSError, ValueError):
            return None
        return pid if _alive(pid) else None

    def answers(self, timeout: float = 3.0) -> bool:
        """True when a broker on the port answers a metadata request."""
        if not _port_busy(self.host, self.port) or not _speaks_kafka(self.host, self.port, timeout):
            return False
        try:
            admin = self.admin(timeout)
        except Exception:
            return False
        try:
            admin.describe_cluster()
            return True
        except Exception:
            return False
        finally:
            admin.close()

    def admin(self, timeout: float = 10.0):
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        from kafka import KafkaAdminClient
        return KafkaAdminClient(bootstrap_servers=f"{self.host}:{self.port}",
                                request_timeout_ms=int(timeout * 1000), client_id="breakwater-cli")

    # ------------------------------------------------------------------ internals
    def _need_java(self) -> str:
        java = shutil.which("java")
        if not java:
            raise KafkaError("java not found: the Kafka broker needs Java 17 on PATH")
        return java

    def _write_config(self) -> None:
        (self.dir / "data").mkdir(parents=True, exist_ok=True)
        h, p, c = self.host, self.port, self.controller_port
        (self.dir / "server.properties").write_text(f"""\
# Written by `breakwater kafka start`: a single-node KRaft broker on {h}.
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://{h}:{p},CONTROLLER://{h}:{c}
advertised.listeners=PLAINTEXT://{h}:{p}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.quorum.voters=1@{h}:{c}
log.dirs={self.dir / 'data'}
num.partitions=6
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
log.segment.bytes=67108864
message.max.bytes=2097152
""")

    def _format(self, java: str) -> None:
        if (self.dir / "data" / "meta.properties").exists():
            return
        cluster_id = new_cluster_id()
        proc = subprocess.run(
            [java, f"-Dkafka.logs.dir={self.dir / 'logs'}", f"-Dlog4j2.configurationFile={LOG4J}",
             "-cp", str(self.libs / "*"), "kafka.tools.StorageTool", "format",
             "--config", str(self.dir / "server.properties"), "--cluster-id", cluster_id,
             "--ignore-formatted"],
            capture_output=True, text=True)
        if proc.returncode != 0:
            raise KafkaError(f"formatting KRaft storage failed:\n{proc.stdout}{proc.stderr}")

    def _log_tail(self, n: int = 20) -> str:
        lines = []
        for name in ("stdout.log", "server.log"):
            f = self.dir / "logs" / name
            if f.exists():
                lines += f.read_text(errors="replace").splitlines()[-n:]
        return "\n".join(lines[-n:]) or "(no broker log)"

    def status(self) -> dict:
        """Version, pid and topics with partition counts (raises if not running)."""
        if not self.answers():
            raise KafkaError(f"no Kafka broker answers on {self.host}:{self.port} "
                             "(start one with `breakwater kafka start`)")
        admin = self.admin()
        try:
            names = sorted(admin.list_topics())
            topics = {t["name"]: len(t["partitions"]) for t in admin.describe_topics(names)} if names else {}
            cluster = admin.describe_cluster()
        finally:
            admin.close()
        vf = self.dir / "version"
        return {"bootstrap": f"{self.host}:{self.port}", "pid": self.pid(),
                "version": vf.read_text().strip() if vf.exists() else "unknown (not started by breakwater)",
                "cluster_id": cluster.get("cluster_id"), "topics": topics}


def _port_busy(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def _speaks_kafka(host: str, port: int, timeout: float) -> bool:
    """Does the listener answer a Kafka ApiVersions (v0) request? A quick probe, so that
    something else on the port is reported at once instead of after client retries."""
    client = b"breakwater-probe"
    body = struct.pack(">hhih", 18, 0, 7, len(client)) + client
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(struct.pack(">i", len(body)) + body)
            head = b""
            while len(head) < 8:
                chunk = s.recv(8 - len(head))
                if not chunk:
                    return False
                head += chunk
    except OSError:
        return False
    return struct.unpack(">ii", head)[1] == 7


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child still "exists": look at its state
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        return state != "Z"
    except OSError:
        return True


# ---------------------------------------------------------------------- CLI

def register(sub) -> None:
    p = sub.add_parser(
        "kafka", help="fetch, start, stop or inspect the local Apache Kafka broker",
        description="Manage a local single-node Apache Kafka broker (KRaft, 127.0.0.1) built from "
                    "Maven Central artifacts. The address comes from BREAKWATER_KAFKA_BOOTSTRAP "
                    "(default 127.0.0.1:9092); the controller uses the next port.")
    p.add_argument("action", choices=("start", "stop", "status", "fetch"),
                   help="start (idempotent; returns when the broker answers), stop, status "
                        "(version, topics, partitions), fetch (download the jars only)")
    p.add_argument("--bootstrap", help="host:port of the broker (overrides the setting)")
    p.add_argument("--timeout", type=float, default=90.0, help="seconds to wait for start (default 90)")
    p.set_defaults(func=run)


def run(args) -> int:
    s = Settings.from_env(kafka_bootstrap=args.bootstrap)
    try:
        k = LocalKafka(s.kafka_bootstrap)
        if args.action == "fetch":
            k.fetch()
        elif args.action == "start":
            k.start(args.timeout)
        elif args.action == "stop":
            k.stop()
        else:
            st = k.status()
            print(f"Kafka {st['version']} at {st['bootstrap']} (pid {st['pid'] or 'external'}, "
                  f"cluster {st['cluster_id']})")
            if not st["topics"]:
                print("  no topics")
            for name, n in sorted(st["topics"].items()):
                print(f"  {name:<48} {n:>3} partition{'s' if n != 1 else ''}")
    except KafkaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
