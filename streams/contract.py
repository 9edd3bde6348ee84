"""The event contract (``../shared/EVENTS.md``, version 1) in code.

Pure functions: bytes or dicts in, typed events out, or :class:`InvalidEvent` with a
reason a person understands. Used by the worker (per Kafka message), by ``evaluate``
and ``replay`` (per file line) and by the signup-check endpoint.

Times are normalised to float seconds since the Unix epoch. Unknown fields are
ignored; ``truth`` is never copied into an event (the evaluator reads it separately
with :func:`truth_of`).
"""
from __future__ import annotations

import ipaddress
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator, Optional, Union

import orjson

__all__ = [
    "InvalidEvent", "Signup", "Activity", "Label", "Event", "Decision",
    "parse_time", "parse_event", "decode", "iter_jsonl", "truth_of",
    "ACTIONS", "TOPIC_TYPES", "format_time", "decision_to_dict",
]


class InvalidEvent(ValueError):
    """An input that breaks the contract; ``reason`` says why, in plain words.

    ``code`` is a short machine-readable category drawn from a closed set
    (:data:`REASON_CODES`), safe to use as a metric label.
    """

    def __init__(self, reason: str, code: str = "contract"):
        super().__init__(reason)
        self.reason = reason
        self.code = code


#: Closed set of invalid-input categories (metric label values).
REASON_CODES = (
    "malformed_json", "not_utf8", "not_object", "empty", "unknown_type",
    "missing_field", "wrong_type", "too_long", "bad_value", "bad_time", "too_large",
    "contract", "internal",
)

#: Allowed ``activity.action`` values.
ACTIONS = frozenset(
    ("post", "reply", "repost", "like", "follow", "dm", "profile_update", "login", "other"))
LABELS = frozenset(("spam", "benign"))

#: Which event type each input topic carries (topic name without prefix).
TOPIC_TYPES = {"signups": "signup", "activity": "activity", "labels": "label"}

#: The largest message or line accepted before parsing (bytes). The longest valid
#: event (all strings at their limits, multi-byte UTF-8) stays well under this.
MAX_EVENT_BYTES = 256 * 1024


@dataclass(slots=True)
class Signup:
    account_id: str
    ts: float
    username: str
    event_id: Optional[str] = None
    display_name: Optional[str] = None
    bio: Optional[str] = None
    email: Optional[str] = None
    ip: Optional[str] = None
    user_agent: Optional[str] = None
    device_id: Optional[str] = None
    country: Optional[str] = None
    lang: Optional[str] = None
    signup_flow: Optional[str] = None
    referrer: Optional[str] = None
    avatar: Optional[str] = None
    type: str = field(default="signup", init=False)


@dataclass(slots=True)
class Activity:
    account_id: str
    ts: float
    action: str
    event_id: Optional[str] = None
    target: Optional[str] = None
    text: Optional[str] = None
    ip: Optional[str] = None
    type: str = field(default="activity", init=False)


@dataclass(slots=True)
class Label:
    account_id: str
    ts: float
    label: str
    event_id: Optional[str] = None
    source: Optional[str] = None
    type: str = field(default="label", init=False)


Event = Union[Signup, Activity, Label]


@dataclass(slots=True)
class Decision:
    """One decision in the ``actions`` contract (minus ``decided_at``, a wall-clock
    field the adapter adds when it publishes)."""

    account_id: str
    action: str  # suspend | challenge | release
    ts: float
    score: float
    reasons: list
    wave_id: Optional[str] = None
    config_version: int = 0
    mode: str = "live"


# --------------------------------------------------------------------------- time

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))$")

#: Accepted numeric range for ``ts`` (1970 .. 5138): guards against milliseconds
#: sent as seconds, which would otherwise silently land in the far future.
MAX_EPOCH = 1e11


def parse_time(value: Any, name: str = "ts") -> float:
    """Parse a contract time (RFC 3339 string with a zone, or epoch seconds).

    >>> parse_time("2019-08-19T10:00:00.250Z")
    1566208800.25
    >>> parse_time("2019-08-19T18:00:00+08:00")
    1566208800.0
    >>> parse_time(1566208800.25)
    1566208800.25
    """
    if isinstance(value, bool):
        raise InvalidEvent(f"'{name}' must be an RFC 3339 time or epoch seconds, got a boolean", "wrong_type")
    if isinstance(value, (int, float)):
        v = float(value)
        if not math.isfinite(v) or v < 0 or v >= MAX_EPOCH:
            raise InvalidEvent(f"'{name}' = {value!r} is not a plausible number of seconds since 1970", "bad_time")
        return v
    if not isinstance(value, str):
        raise InvalidEvent(f"'{name}' must be an RFC 3339 time or epoch seconds, got {_jtype(value)}", "wrong_type")
    m = _RFC3339.match(value)
    if not m:
        raise InvalidEvent(
            f"'{name}' = {value[:40]!r} is not an RFC 3339 time with a zone "
            "(e.g. 2019-08-19T10:00:00Z or 2019-08-19T18:00:00+08:00)", "bad_time")
    y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
    frac = m.group(7)
    leap = 0
    if s == 60:  # leap second: 23:59:60 is the instant before the next minute
        s, leap = 59, 1
    try:
        if m.group(8):
            tz = timezone.utc
        else:
            oh, om = int(m.group(10)), int(m.group(11))
            if oh > 23 or om > 59:
                raise ValueError("offset out of range")
            off = timedelta(hours=oh, minutes=om)
            tz = timezone(off if m.group(9) == "+" else -off)
        dt = datetime(y, mo, d, h, mi, s, tzinfo=tz)
    except ValueError as exc:
        raise InvalidEvent(f"'{name}' = {value[:40]!r} is not a real date and time ({exc})", "bad_time") from None
    out = dt.timestamp() + leap + (float(frac) if frac else 0.0)
    if out < 0 or out >= MAX_EPOCH:
        raise InvalidEvent(f"'{name}' = {value[:40]!r} is before 1970", "bad_time")
    return round(out, 6)


def format_time(ts: float) -> str:
    """Epoch seconds -> RFC 3339 UTC string with milliseconds.

    >>> format_time(1566208800.25)
    '2019-08-19T10:00:00.250Z'
    """
    dt = datetime.fromtimestamp(ts, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


# --------------------------------------------------------------------------- fields

def _jtype(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "an array"
    if isinstance(v, dict):
        return "an object"
    return type(v).__name__


def _str(obj: dict, name: str, limit: Optional[int], required: bool) -> Optional[str]:
    if name not in obj:
        if required:
            raise InvalidEvent(f"required field '{name}' is missing", "missing_field")
        return None
    v = obj[name]
    if not isinstance(v, str):
        raise InvalidEvent(f"'{name}' must be a string, got {_jtype(v)}", "wrong_type")
    if limit is not None and len(v) > limit:
        raise InvalidEvent(f"'{name}' is {len(v)} characters long; the limit is {limit}", "too_long")
    if required and not v:
        raise InvalidEvent(f"required field '{name}' is empty", "bad_value")
    return v


def _ip(obj: dict) -> Optional[str]:
    v = _str(obj, "ip", 64, False)
    if v is None:
        return None
    try:
        ipaddress.ip_address(v)
    except ValueError:
        # never echo the value: it is personal data
        raise InvalidEvent("'ip' is not an IPv4 or IPv6 address in text form", "bad_value") from None
    return v


_SIGNUP_FIELDS = (  # name, limit
    ("display_name", 128), ("bio", 1024), ("email", 254), ("user_agent", 512),
    ("device_id", 128), ("country", 8), ("lang", 16), ("signup_flow", 32),
    ("referrer", 256), ("avatar", 128),
)


def _parse_signup(o: dict) -> Signup:
    ev = Signup(
        account_id=_str(o, "account_id", 128, True),
        ts=_ts(o),
        username=_str(o, "username", 64, True),
        event_id=_str(o, "event_id", 64, False),
        ip=_ip(o),
    )
    for name, limit in _SIGNUP_FIELDS:
        if name in o:
            setattr(ev, name, _str(o, name, limit, False))
    return ev


def _parse_activity(o: dict) -> Activity:
    action = _str(o, "action", 32, True)
    if action not in ACTIONS:
        raise InvalidEvent(
            f"'action' = {action[:32]!r} is not one of {', '.join(sorted(ACTIONS))}", "bad_value")
    return Activity(
        account_id=_str(o, "account_id", 128, True),
        ts=_ts(o),
        action=action,
        event_id=_str(o, "event_id", 64, False),
        target=_str(o, "target", 128, False),
        text=_str(o, "text", 4096, False),
        ip=_ip(o),
    )


def _parse_label(o: dict) -> Label:
    label = _str(o, "label", 16, True)
    if label not in LABELS:
        raise InvalidEvent(f"'label' = {label[:16]!r} must be 'spam' or 'benign'", "bad_value")
    return Label(
        account_id=_str(o, "account_id", 128, True),
        ts=_ts(o),
        label=label,
        event_id=_str(o, "event_id", 64, False),
        source=_str(o, "source", 32, False),
    )


def _ts(o: dict) -> float:
    if "ts" not in o:
        raise InvalidEvent("required field 'ts' is missing", "missing_field")
    return parse_time(o["ts"])


_PARSERS = {"signup": _parse_signup, "activity": _parse_activity, "label": _parse_label}


def parse_event(obj: Any, expected_type: Optional[str] = None) -> Event:
    """Validate a decoded JSON value as a contract event.

    ``expected_type`` is the type implied by the Kafka topic (``type`` may then be
    absent, but if present it must agree). Without it (files), ``type`` is required.
    """
    if not isinstance(obj, dict):
        raise InvalidEvent(f"an event must be a JSON object, got {_jtype(obj)}", "not_object")
    t = obj.get("type")
    if t is None and "type" not in obj:
        if expected_type is None:
            raise InvalidEvent("required field 'type' is missing (signup, activity or label)", "missing_field")
        t = expected_type
    if not isinstance(t, str):
        raise InvalidEvent(f"'type' must be a string, got {_jtype(t)}", "wrong_type")
    parser = _PARSERS.get(t)
    if parser is None:
        raise InvalidEvent(f"unknown event type {t[:32]!r} (expected signup, activity or label)", "unknown_type")
    if expected_type is not None and t != expected_type:
        raise InvalidEvent(f"event type {t!r} does not belong on this topic (expected {expected_type!r})", "unknown_type")
    return parser(obj)


def decode(raw: Union[bytes, bytearray, memoryview, str, None]) -> Any:
    """Bytes -> JSON value, with contract-level errors (size, UTF-8, syntax)."""
    if raw is None or len(raw) == 0:
        raise InvalidEvent("empty message", "empty")
    if len(raw) > MAX_EVENT_BYTES:
        raise InvalidEvent(
            f"message is {len(raw)} bytes; no valid event is larger than {MAX_EVENT_BYTES}", "too_large")
    if isinstance(raw, str):
        if not raw.strip():
            raise InvalidEvent("empty line", "empty")
        raw = raw.encode("utf-8", "surrogatepass")
    elif not bytes(raw).strip():
        raise InvalidEvent("empty line", "empty")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        msg = str(exc)
        if "utf-8" in msg.lower() or "surrogate" in msg.lower():
            raise InvalidEvent("not valid UTF-8 text", "not_utf8") from None
        raise InvalidEvent(f"not valid JSON: {msg}", "malformed_json") from None


def parse_message(raw: Any, expected_type: Optional[str] = None) -> Event:
    """``decode`` + ``parse_event`` in one call."""
    return parse_event(decode(raw), expected_type)


def truth_of(obj: dict) -> Optional[dict]:
    """The evaluation-only ``truth`` object of a decoded line, if well formed."""
    t = obj.get("truth") if isinstance(obj, dict) else None
    if isinstance(t, dict) and t.get("label") in LABELS:
        w = t.get("wave")
        return {"label": t["label"], "wave": w if isinstance(w, str) else None}
    return None


def iter_jsonl(path: str) -> Iterator[tuple[int, Optional[dict], Optional[Event], Optional[InvalidEvent]]]:
    """Yield ``(line_number, decoded_object, event, error)`` for each line of a file.

    Exactly one of ``event`` and ``error`` is set. Lines are read as bytes so that
    non-UTF-8 input is reported, not fatal. A file that goes back in time is not an
    error here (callers decide); each line stands on its own.
    """
    with open(path, "rb") as fh:
        for n, line in enumerate(fh, 1):
            obj = None
            try:
                obj = decode(line.rstrip(b"\r\n"))
                yield n, obj, parse_event(obj), None
            except InvalidEvent as exc:
                yield n, obj if isinstance(obj, dict) else None, None, exc


_BY_TYPE = {"signup": Signup, "activity": Activity, "label": Label}


def event_to_wire(ev: Event) -> dict:
    """A validated event as a plain dict (all fields, ``type`` included)."""
    return {f: getattr(ev, f) for f in ev.__slots__}


def event_from_wire(d: dict) -> Event:
    """Inverse of :func:`event_to_wire` for trusted, already validated data.

    >>> ev = Signup("a1", 5.0, "alice", bio="hi")
    >>> event_from_wire(event_to_wire(ev)) == ev
    True
    """
    cls = _BY_TYPE[d["type"]]
    return cls(**{k: v for k, v in d.items() if k != "type"})


def decision_to_dict(d: Decision, decided_at: float) -> dict:
    """A decision as the ``actions`` contract object."""
    return {
        "account_id": d.account_id,
        "action": d.action,
        "ts": format_time(d.ts),
        "decided_at": format_time(decided_at),
        "wave_id": d.wave_id,
        "score": float(min(1.0, max(0.0, d.score))),
        "reasons": list(d.reasons),
        "config_version": int(d.config_version),
        "mode": d.mode,
    }
