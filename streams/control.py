"""Live settings: the ``control`` topic protocol, its state, reader and writer.

Protocol
--------
``<prefix>control`` has one partition and is compacted. Each message sets one key;
its value is a JSON object::

    {"name": "suspend_threshold", "value": 0.95, "version": 7, "mode": "live",
     "action": "set", "id": "3f2a…", "batch": ["suspend_threshold"],
     "changed_by": "alice", "changed_at": "2026-11-02T10:00:00.000Z",
     "reason": "wave of fake shops", "old": 0.9}

==========================  ===========================================  =======
key                         value                                        mode
==========================  ===========================================  =======
``<setting>``               the live value (validated by                 live
                            :func:`detectors.config.validate`)
``shadow.<setting>``        a shadow candidate; ``null`` = removed       shadow
``breaker.confirmed_at``    event-time epoch seconds up to which a       breaker
                            surge is confirmed (see below)
==========================  ===========================================  =======

``version`` is one counter over all keys: a change (one ``PUT``, ``promote``, …)
is one *batch* of messages that share ``version`` and ``id`` and list their keys
in ``batch``. A message is applied when its version is above the state's, or
equal to it with the same ``id`` (the rest of that batch); anything else is stale
and ignored. The writer checks that its own batch was applied by its own reader
(read-your-writes); if another worker won the race for that version it writes
the change again with the next version, so every stale message is followed by a
newer one for the same key and a reader of the compacted log ends in the same
state as one that read everything.

``breaker.confirmed_at`` holds **event time** (the time of the detect stream, not
the wall clock): the admin API takes the ``last_ts`` of the worker's circuit
breaker when an operator confirms, so replayed or delayed streams work, and every
worker confirms the same surge however far behind it is
(:meth:`detectors.breaker.CircuitBreaker.confirm`).

Because compaction keeps only the latest message per key, each accepted change is
also written, once applied, to ``<prefix>control-audit`` (not compacted); the
history is the union of both topics, by ``(id, name)``.

:class:`ControlState` is pure (no I/O). :class:`ControlReader` (every worker runs
one) and :class:`ControlWriter` (used by the admin API) talk to Kafka.
"""
from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections import OrderedDict
from typing import Any, Callable, Iterable, Optional

import orjson

from detectors.config import SETTINGS, defaults, validate, validate_all
from streams.contract import format_time

log = logging.getLogger("breakwater.control")

CONTROL = "control"
AUDIT = "control-audit"
SHADOW_PREFIX = "shadow."
CONFIRM_KEY = "breaker.confirmed_at"
MODES = ("live", "shadow", "breaker")
ACTIONS = ("set", "shadow", "promote", "discard", "confirm-surge", "restore")
HISTORY_MAX = 1000


def control_topic(s) -> str:
    return s.topic(CONTROL)


def audit_topic(s) -> str:
    return s.topic(AUDIT)


def key_of(msg: dict) -> str:
    """The Kafka key of a control message (``name``, ``shadow.<name>`` or the breaker key)."""
    mode = msg.get("mode", "live")
    if mode == "shadow":
        return SHADOW_PREFIX + str(msg["name"])
    if mode == "breaker":
        return CONFIRM_KEY
    return str(msg["name"])


class ConflictError(Exception):
    """The change does not fit the current state (HTTP 409), e.g. nothing to promote."""


# --------------------------------------------------------------------------- state

class ControlState:
    """The settings every worker decides with, built from control messages.

    Pure and synchronous. Listeners are called by :meth:`flush` (the reader calls
    it after each fetched batch of messages, so a multi-setting change is seen at
    once), or right away by :meth:`apply` with ``notify=True`` (the default).

    >>> st = ControlState()
    >>> st.apply(dict(name="suspend_threshold", value=0.95, version=1, id="a", mode="live",
    ...               changed_by="alice", changed_at="2026-11-02T10:00:00.000Z", old=0.9))
    'applied'
    >>> st.live["suspend_threshold"], st.version, st.live_version
    (0.95, 1, 1)
    >>> st.apply(dict(name="suspend_threshold", value=0.5, version=1, id="b", mode="live"))
    'stale'
    >>> [(h["name"], h["old"], h["new"]) for h in st.history()]
    [('suspend_threshold', 0.9, 0.95)]
    """

    def __init__(self, history_max: int = HISTORY_MAX):
        self.live: dict = defaults()
        self.shadow: dict = {}                  # candidates only (name -> value)
        self.version = 0                        # highest version applied (all keys)
        self.version_id: Optional[str] = None   # id of the batch that set it
        self.live_version = 0                   # version of the last change to live values
        self._shadow_key_version = 0
        self.confirmed_at: Optional[float] = None
        self.confirm_version = 0
        self.history_max = history_max
        self._history: "OrderedDict[tuple, dict]" = OrderedDict()
        self._listeners: dict[str, list[Callable]] = {"live": [], "shadow": [], "confirm": []}
        self._dirty: set[str] = set()
        self._batch_applied: set[tuple[str, str]] = set()   # keys of the batch at `version`
        self.shadow_error: Optional[str] = None
        self.counts = {"applied": 0, "stale": 0, "duplicate": 0, "invalid": 0}

    # ------------------------------------------------------------------ views
    @property
    def shadow_version(self) -> int:
        """Version of the effective shadow configuration (0 when there is none)."""
        return max(self.live_version, self._shadow_key_version) if self.shadow else 0

    def shadow_values(self) -> Optional[dict]:
        """Live values overlaid with the candidates, or None without candidates.

        None too (with :attr:`shadow_error` set) if the combination is invalid,
        e.g. a later live change made a candidate contradict it.
        """
        if not self.shadow:
            self.shadow_error = None
            return None
        try:
            out = validate_all(self.shadow, self.live)
        except ValueError as exc:
            self.shadow_error = str(exc)
            return None
        self.shadow_error = None
        return out

    def history(self, limit: Optional[int] = None) -> list[dict]:
        """Accepted changes, oldest first (at most ``history_max``)."""
        items = sorted(self._history.values(), key=lambda h: (h["version"], h["name"]))
        return items[-limit:] if limit else items

    def snapshot(self) -> dict:
        """JSON-ready summary (``GET /v1/config``)."""
        return {"version": self.version, "live_version": self.live_version,
                "shadow_version": self.shadow_version, "live": dict(self.live),
                "shadow": dict(self.shadow) or None, "shadow_effective": self.shadow_values(),
                "shadow_error": self.shadow_error, "confirmed_at": self.confirmed_at}

    # ------------------------------------------------------------------ listeners
    def add_listener(self, on_live: Optional[Callable[[dict, int], Any]] = None,
                     on_shadow: Optional[Callable[[Optional[dict], int], Any]] = None,
                     on_confirm: Optional[Callable[[float, int], Any]] = None,
                     replay: bool = True) -> None:
        """Register callbacks; with ``replay`` they are called once with the current state.

        ``on_live(values, live_version)`` — the full live configuration.
        ``on_shadow(values_or_None, shadow_version)`` — live overlaid with the
        candidates, or None when there are none (also called when a live change
        alters the effective shadow configuration).
        ``on_confirm(confirmed_at, version)`` — event time up to which a surge is
        confirmed: pass it to :meth:`CircuitBreaker.confirm`.
        """
        for kind, cb in (("live", on_live), ("shadow", on_shadow), ("confirm", on_confirm)):
            if cb is not None:
                self._listeners[kind].append(cb)
                if replay:
                    self._notify(kind, [cb])

    def _notify(self, kind: str, callbacks: Iterable[Callable]) -> bool:
        if kind == "live":
            try:
                values = validate_all({}, self.live)
            except ValueError as exc:  # only mid-way through a partly compacted batch
                log.warning("live settings inconsistent for now (%s); waiting for the rest", exc)
                return False
            args = (values, self.live_version)
        elif kind == "shadow":
            args = (self.shadow_values(), self.shadow_version)
        else:
            if self.confirmed_at is None:
                return True
            args = (self.confirmed_at, self.confirm_version)
        for cb in callbacks:
            try:
                cb(*args)
            except Exception:  # noqa: BLE001 - a listener must not stop the reader
                log.exception("control listener %r failed", cb)
        return True

    def flush(self) -> set:
        """Call the listeners of what changed since the last flush; return those kinds."""
        done = set()
        for kind in ("live", "shadow", "confirm"):
            if kind in self._dirty and self._notify(kind, self._listeners[kind]):
                done.add(kind)
        self._dirty -= done
        return done

    # ------------------------------------------------------------------ input
    @staticmethod
    def check(msg: Any) -> tuple[str, str, Any, int]:
        """Validate one control message: (mode, name, coerced value, version) or ValueError."""
        if not isinstance(msg, dict):
            raise ValueError("control message is not a JSON object")
        mode = msg.get("mode", "live")
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        version = msg.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise ValueError(f"version must be a positive integer, got {version!r}")
        name = msg.get("name")
        value = msg.get("value")
        if mode == "breaker":
            if value is not None:
                if isinstance(value, bool) or not isinstance(value, (int, float)) \
                        or not math.isfinite(value):
                    raise ValueError(f"{CONFIRM_KEY} must be epoch seconds, got {value!r}")
                value = float(value)
            return mode, CONFIRM_KEY, value, version
        if not isinstance(name, str):
            raise ValueError("name must be a string")
        if mode == "shadow" and value is None:
            if name not in SETTINGS:
                raise ValueError(f"{name!r} is not a live-tunable setting")
            return mode, name, None, version
        return mode, name, validate(name, value), version

    def apply(self, msg: dict, notify: bool = True) -> str:
        """Apply one control message: ``applied``, ``duplicate``, ``stale`` or ``invalid``.

        Idempotent: the same message twice changes nothing the second time.
        """
        try:
            mode, name, value, version = self.check(msg)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring invalid control message %r: %s", msg, exc)
            self.counts["invalid"] += 1
            return "invalid"
        mid = msg.get("id")
        if version < self.version or (version == self.version and mid != self.version_id):
            self.counts["stale"] += 1
            return "stale"
        if version == self.version and (mode, name) in self._batch_applied:
            self.counts["duplicate"] += 1
            return "duplicate"
        if mode == "live":
            old = self.live.get(name)
            self.live[name] = value
            self.live_version = version
            self._dirty.add("live")
            if self.shadow:
                self._dirty.add("shadow")
        elif mode == "shadow":
            old = self.shadow.get(name)
            if value is None:
                self.shadow.pop(name, None)
            else:
                self.shadow[name] = value
            self._shadow_key_version = version
            self._dirty.add("shadow")
        else:
            old = self.confirmed_at
            self.confirmed_at = value
            self.confirm_version = version
            self._dirty.add("confirm")
        if version != self.version:
            self._batch_applied = set()
        self._batch_applied.add((mode, name))
        self.version, self.version_id = version, mid
        self.counts["applied"] += 1
        self._remember(msg, mode, name, value, old)
        if notify:
            self.flush()
        return "applied"

    def record_audit(self, msg: dict) -> bool:
        """Add an audit-topic record to the history (never changes settings)."""
        try:
            mode, name, value, _ = self.check(msg)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring invalid audit record %r: %s", msg, exc)
            return False
        if (msg.get("id"), name, mode) in self._history:
            return False
        self._remember(msg, mode, name, value, msg.get("old"))
        return True

    def _remember(self, msg: dict, mode: str, name: str, value: Any, old: Any) -> None:
        hkey = (msg.get("id"), name, mode)
        if hkey in self._history:
            return
        self._history[hkey] = {
            "version": msg["version"], "id": msg.get("id"), "action": msg.get("action", "set"),
            "mode": mode, "name": name, "old": msg.get("old", old), "new": value,
            "changed_by": msg.get("changed_by"), "changed_at": msg.get("changed_at"),
            "reason": msg.get("reason")}
        if len(self._history) > self.history_max * 1.25:
            keep = sorted(self._history.items(), key=lambda kv: kv[1]["version"])[-self.history_max:]
            self._history = OrderedDict(keep)


# --------------------------------------------------------------------------- changes (pure)

def build_change(state: ControlState, action: str, values: Optional[dict] = None, *,
                 changed_by: str, reason: Optional[str] = None, now: Optional[float] = None,
                 at: Optional[float] = None, change_id: Optional[str] = None,
                 keys: Optional[Iterable[tuple[str, str]]] = None) -> list[dict]:
    """The control messages of one change, validated against ``state``.

    ``action``: ``set`` (live values), ``shadow`` (candidates, merged into the
    existing ones), ``promote`` (candidates become live and are removed),
    ``discard`` (remove all candidates), ``confirm-surge`` (``at`` = event time),
    ``restore`` (re-write the current value of ``keys`` = [(mode, name)]).

    Returns ``[]`` when nothing would change. Raises ``ValueError`` with the
    reason for an invalid value or unknown name, :class:`ConflictError` when the
    action does not apply (nothing to promote).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    version = state.version + 1
    cid = change_id or uuid.uuid4().hex
    stamp = format_time(time.time() if now is None else now)
    rows: list[tuple[str, str, Any, Any]] = []   # (mode, name, value, old)
    if action in ("set", "shadow"):
        if not isinstance(values, dict) or not values:
            raise ValueError("'values' must be a non-empty object of setting name -> value")
        coerced = {n: validate(n, v) for n, v in values.items()}
        if action == "set":
            validate_all(coerced, state.live)
            rows = [("live", n, v, state.live[n]) for n, v in coerced.items() if
                    not _same(state.live[n], v)]
        else:
            validate_all({**state.shadow, **coerced}, state.live)
            rows = [("shadow", n, v, state.shadow.get(n)) for n, v in coerced.items()
                    if n not in state.shadow or not _same(state.shadow[n], v)]
    elif action == "promote":
        if not state.shadow:
            raise ConflictError("there are no shadow candidates to promote")
        validate_all(state.shadow, state.live)
        rows = [("live", n, v, state.live[n]) for n, v in sorted(state.shadow.items())]
        rows += [("shadow", n, None, v) for n, v in sorted(state.shadow.items())]
    elif action == "discard":
        rows = [("shadow", n, None, v) for n, v in sorted(state.shadow.items())]
    elif action == "confirm-surge":
        if at is None or isinstance(at, bool) or not math.isfinite(float(at)):
            raise ValueError("confirm-surge needs the event time of the surge ('at')")
        rows = [("breaker", CONFIRM_KEY, float(at), state.confirmed_at)]
    else:  # restore
        for mode, name in keys or ():
            cur = (state.live.get(name) if mode == "live" else state.shadow.get(name)
                   if mode == "shadow" else state.confirmed_at)
            rows.append((mode, name, cur, cur))
    msgs = [{"name": n, "value": v, "version": version, "mode": m, "action": action, "id": cid,
             "changed_by": changed_by, "changed_at": stamp, "reason": reason, "old": old}
            for m, n, v, old in rows]
    batch = [key_of(m) for m in msgs]
    for m in msgs:
        m["batch"] = batch
    return msgs


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


# --------------------------------------------------------------------------- Kafka

def _decode(raw: Optional[bytes]) -> Any:
    if raw is None:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw[:200]


class ControlReader:
    """Follows ``control`` and ``control-audit`` into a :class:`ControlState`.

    Every worker runs one (``await reader.run()`` in a task). No consumer group:
    it assigns both one-partition topics and reads them from the beginning. It is
    :attr:`ready` once it has read up to the end offsets taken at start; after
    that, new messages apply within tens of milliseconds (``fetch_max_wait_ms``).
    """

    def __init__(self, settings, state: ControlState, metrics=None, fetch_max_wait_ms: int = 50):
        self.s = settings
        self.state = state
        self.m = metrics
        self.fetch_max_wait_ms = fetch_max_wait_ms
        self.control = control_topic(settings)
        self.audit = audit_topic(settings)
        self.ready = False
        self._ready = asyncio.Event()
        self._waiters: dict[str, asyncio.Future] = {}
        self._pending: dict[str, dict] = {}   # change id -> outcome so far, keys seen, batch
        self.positions: dict[str, int] = {}
        self.ends: dict[str, int] = {}
        self.last_applied_at: Optional[float] = None   # wall time of the last applied change

    async def wait_ready(self, timeout: Optional[float] = None) -> None:
        """Return once the settings are current (at start: up to the end offsets)."""
        if timeout is None:
            await self._ready.wait()
        else:
            await asyncio.wait_for(self._ready.wait(), timeout)

    def expect(self, change_id: str) -> asyncio.Future:
        """A future resolved with the outcome of the batch ``change_id`` once read back."""
        fut = asyncio.get_running_loop().create_future()
        self._waiters[change_id] = fut
        return fut

    def forget(self, change_id: str) -> None:
        self._waiters.pop(change_id, None)
        self._pending.pop(change_id, None)

    async def run(self) -> None:
        """Read forever (restarts its consumer after an error, keeping its position)."""
        while True:
            try:
                await self._run_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - keep following the control topic
                log.exception("control reader failed; restarting in 1 s")
                await asyncio.sleep(1.0)

    async def _run_once(self) -> None:
        from aiokafka import AIOKafkaConsumer, TopicPartition
        from streams.detect import aiokafka_kwargs

        c = AIOKafkaConsumer(**aiokafka_kwargs(self.s), group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest", fetch_max_wait_ms=self.fetch_max_wait_ms,
                             client_id="breakwater-control")
        await c.start()
        try:
            await self._wait_topics(c)
            tps = [TopicPartition(self.control, 0), TopicPartition(self.audit, 0)]
            c.assign(tps)
            for tp in tps:
                if tp.topic in self.positions:
                    c.seek(tp, self.positions[tp.topic])
                else:
                    await c.seek_to_beginning(tp)
            if not self.ready:
                ends = await c.end_offsets(tps)
                self.ends = {tp.topic: off for tp, off in ends.items()}
                log.info("reading control state up to offsets %s", self.ends)
            t0 = time.monotonic()
            while True:
                got = await c.getmany(*tps, timeout_ms=200, max_records=2000)
                for tp, msgs in got.items():
                    for m in msgs:
                        self._handle(tp.topic, m.key, m.value)
                    if msgs:
                        self.positions[tp.topic] = msgs[-1].offset + 1
                kinds = self.state.flush()
                if kinds:
                    self.last_applied_at = time.time()
                    self._gauges()
                self._resolve()
                if not self.ready:
                    for tp in tps:
                        self.positions[tp.topic] = await c.position(tp)
                    if all(self.positions[t] >= self.ends.get(t, 0) for t in self.ends):
                        self.ready = True
                        self._ready.set()
                        self._gauges()
                        log.info("control state current: version %d (live %d) after %.2fs",
                                 self.state.version, self.state.live_version,
                                 time.monotonic() - t0)
        finally:
            await c.stop()

    async def _wait_topics(self, c) -> None:
        warned = False
        while True:
            parts = [c.partitions_for_topic(t) for t in (self.control, self.audit)]
            if all(parts):
                return
            await c._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public call
            parts = [c.partitions_for_topic(t) for t in (self.control, self.audit)]
            if all(parts):
                return
            if not warned:
                log.warning("waiting for topics %s and %s (run 'breakwater topics')",
                            self.control, self.audit)
                warned = True
            await asyncio.sleep(1.0)

    def _handle(self, topic: str, key: Optional[bytes], raw: Optional[bytes]) -> None:
        msg = _decode(raw)
        if topic == self.audit:
            if isinstance(msg, dict):
                self.state.record_audit(msg)
            return
        if msg is None:   # a real tombstone: nothing to apply
            return
        if isinstance(msg, dict) and "name" in msg and key is not None:
            try:
                expected = key_of(msg)
            except KeyError:
                expected = None
            if key.decode("utf-8", "replace") != expected:
                log.warning("ignoring control message whose key %r does not match %r", key, expected)
                self._count("invalid")
                self._outcome(msg, "invalid")
                return
        outcome = self.state.apply(msg if isinstance(msg, dict) else {"bad": str(msg)},
                                   notify=False)
        self._count({"applied": "valid", "invalid": "invalid"}.get(outcome, "duplicate"))
        if isinstance(msg, dict):
            self._outcome(msg, outcome)

    def _outcome(self, msg: dict, outcome: str) -> None:
        cid = msg.get("id")
        if cid not in self._waiters:
            return
        p = self._pending.setdefault(cid, {"outcome": "applied", "seen": set(),
                                           "batch": set(msg.get("batch") or ())})
        if outcome not in ("applied", "duplicate"):   # a batch is applied only if all of it is
            p["outcome"] = outcome
        try:
            p["seen"].add(key_of(msg))
        except KeyError:
            pass

    def _resolve(self) -> None:
        for cid in list(self._pending):
            p = self._pending[cid]
            if p["outcome"] == "applied" and not p["batch"] <= p["seen"]:
                continue   # rest of the batch still to come
            del self._pending[cid]
            fut = self._waiters.pop(cid, None)
            if fut is not None and not fut.done():
                fut.set_result(p["outcome"])

    def _count(self, outcome: str) -> None:
        if self.m is not None:
            self.m.events.labels("control", outcome).inc()

    def _gauges(self) -> None:
        if self.m is None:
            return
        st = self.state
        self.m.config_version.labels("live").set(st.live_version)
        self.m.config_version.labels("shadow").set(st.shadow_version)
        for name, v in st.live.items():
            self.m.threshold.labels(name, "live").set(float(v))
        shadow = st.shadow_values()
        for name in SETTINGS:
            if shadow is not None:
                self.m.threshold.labels(name, "shadow").set(float(shadow[name]))
            else:
                try:
                    self.m.threshold.remove(name, "shadow")
                except KeyError:
                    pass

    @property
    def lag(self) -> int:
        return sum(max(0, self.ends.get(t, 0) - self.positions.get(t, 0)) for t in self.ends) \
            if not self.ready else 0


class PublishError(Exception):
    """The change could not be written or was not read back in time (HTTP 503)."""


class ControlWriter:
    """Publishes validated changes to ``control`` and ``control-audit``.

    Each change gets ``version = state.version + 1``; the writer waits until its
    own worker's reader has applied it (so a ``200`` means the change is live on
    at least this worker), retrying with the next version if a concurrent change
    from another worker took that version first. Then it writes the audit records.
    """

    def __init__(self, settings, state: ControlState, reader: ControlReader,
                 timeout: float = 10.0, attempts: int = 3):
        self.s = settings
        self.state = state
        self.reader = reader
        self.timeout = timeout
        self.attempts = attempts
        self._producer = None
        self._lock = asyncio.Lock()

    async def _start(self):
        if self._producer is None:
            from aiokafka import AIOKafkaProducer
            from streams.detect import aiokafka_kwargs
            p = AIOKafkaProducer(**aiokafka_kwargs(self.s), acks="all", enable_idempotence=True,
                                 linger_ms=5, client_id="breakwater-control-writer")
            await p.start()
            self._producer = p
        return self._producer

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    # ------------------------------------------------------------------ API
    async def change(self, action: str, values: Optional[dict] = None, *, changed_by: str,
                     reason: Optional[str] = None, at: Optional[float] = None) -> dict:
        """Validate, publish and read back one change; return a summary.

        Raises ``ValueError`` (invalid), :class:`ConflictError` (does not apply) or
        :class:`PublishError` (Kafka trouble / not read back within ``timeout``).
        """
        async with self._lock:
            stale_keys: set[tuple[str, str]] = set()
            for _ in range(self.attempts):
                msgs = build_change(self.state, action, values, changed_by=changed_by,
                                    reason=reason, at=at)
                if not msgs:
                    await self._restore(stale_keys, changed_by)
                    return {"version": self.state.version, "live_version": self.state.live_version,
                            "changed": [], "unchanged": True}
                outcome = await self._send(msgs)
                if outcome == "applied":
                    await self._audit(msgs)
                    stale_keys -= {(m["mode"], m["name"]) for m in msgs}
                    await self._restore(stale_keys, changed_by)
                    return {"version": msgs[0]["version"], "live_version": self.state.live_version,
                            "shadow_version": self.state.shadow_version, "id": msgs[0]["id"],
                            "changed": [{k: m[k] for k in ("mode", "name", "old", "value")}
                                        for m in msgs], "unchanged": False}
                log.warning("control change v%d lost a race (%s); retrying", msgs[0]["version"],
                            outcome)
                stale_keys |= {(m["mode"], m["name"]) for m in msgs}
            await self._restore(stale_keys, changed_by)
            raise ConflictError("concurrent changes kept taking the version; try again")

    async def _send(self, msgs: list[dict]) -> str:
        p = await self._start()
        cid = msgs[0]["id"]
        fut = self.reader.expect(cid)
        topic = control_topic(self.s)
        try:
            sends = [await p.send(topic, key=key_of(m).encode(), value=orjson.dumps(m),
                                  partition=0) for m in msgs]
            await asyncio.wait_for(asyncio.gather(*sends), self.timeout)
        except Exception as exc:  # noqa: BLE001
            self.reader.forget(cid)
            raise PublishError(f"could not write to {topic}: {exc!r}") from exc
        try:
            return await asyncio.wait_for(fut, self.timeout)
        except asyncio.TimeoutError:
            self.reader.forget(cid)
            raise PublishError(f"change v{msgs[0]['version']} was written to {topic} but not read "
                               f"back within {self.timeout:.0f}s; check 'breakwater config get'") \
                from None

    async def _audit(self, msgs: list[dict]) -> None:
        p = await self._start()
        topic = audit_topic(self.s)
        try:
            sends = [await p.send(topic, key=key_of(m).encode(), value=orjson.dumps(m),
                                  partition=0) for m in msgs]
            await asyncio.wait_for(asyncio.gather(*sends), self.timeout)
        except Exception:  # noqa: BLE001 - the change is live; history still has it from control
            log.exception("change v%d applied but its audit record was not written",
                          msgs[0]["version"])

    async def _restore(self, keys: set, changed_by: str) -> None:
        """Overwrite keys whose message lost a race, so compaction cannot resurrect it."""
        if not keys:
            return
        msgs = build_change(self.state, "restore", keys=sorted(keys), changed_by="breakwater",
                            reason=f"re-assert current values after a lost race ({changed_by})")
        try:
            outcome = await self._send(msgs)
            if outcome == "applied":
                await self._audit(msgs)
        except PublishError:
            log.exception("could not re-assert %s", sorted(keys))
