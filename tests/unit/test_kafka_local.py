"""`breakwater kafka` errors a person can act on (no broker is started here)."""
import socket

import pytest

from streams.kafka_local import KafkaError, LocalKafka, kafka_version


def test_version_comes_from_the_pom():
    assert kafka_version().startswith("4.")


def test_only_loopback():
    with pytest.raises(KafkaError, match="127.0.0.1 only"):
        LocalKafka("10.0.0.5:9092")


def test_java_not_found(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no java, no mvn
    k = LocalKafka("127.0.0.1:1", home=tmp_path)
    with pytest.raises(KafkaError, match="java not found"):
        k.start(timeout=1)


def test_port_in_use_by_something_else(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        k = LocalKafka(f"127.0.0.1:{port}", home=tmp_path)
        with pytest.raises(KafkaError, match=f"port {port} in use"):
            k.start(timeout=1)


def test_status_without_a_broker(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: nothing answers
        with pytest.raises(KafkaError, match="no Kafka broker answers"):
            LocalKafka(f"127.0.0.1:{port}", home=tmp_path).status()


def test_cluster_id_never_looks_like_an_option(monkeypatch):
    """A random id starting with '-' made the storage tool fail once in 64 starts."""
    import uuid
    from streams import kafka_local
    ids = iter([uuid.UUID(bytes=b"\xfb" + bytes(15)), uuid.UUID(bytes=bytes(16))])  # '-w...' then 'AAA...'
    monkeypatch.setattr(kafka_local.uuid, "uuid4", lambda: next(ids))
    cid = kafka_local.new_cluster_id()
    assert not cid.startswith("-") and cid == "A" * 22
