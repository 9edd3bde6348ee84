"""Every rule of EVENTS.md, valid and invalid."""
import math

import orjson
import pytest

from streams.contract import (
    Activity, Decision, InvalidEvent, Label, Signup, decision_to_dict, decode, format_time,
    iter_jsonl, parse_event, parse_message, parse_time, truth_of,
)

T0 = 1566208800.0  # 2019-08-19T10:00:00Z


def signup(**kw):
    d = {"type": "signup", "account_id": "a1", "ts": "2019-08-19T10:00:00Z", "username": "alice"}
    d.update(kw)
    return d


def reason(obj, expected_type=None):
    with pytest.raises(InvalidEvent) as ei:
        parse_event(obj, expected_type)
    return ei.value


# ---------------------------------------------------------------- time

@pytest.mark.parametrize("text,expected", [
    ("2019-08-19T10:00:00Z", T0),
    ("2019-08-19T10:00:00.250Z", T0 + 0.25),
    ("2019-08-19T10:00:00.123456789Z", T0 + 0.123456789),
    ("2019-08-19t10:00:00z", T0),
    ("2019-08-19 10:00:00Z", T0),
    ("2019-08-19T18:00:00+08:00", T0),
    ("2019-08-19T05:30:00-04:30", T0),
    ("2019-08-19T10:00:00+00:00", T0),
    ("2019-08-19T10:00:00-00:00", T0),
    ("2016-12-31T23:59:60Z", 1483228800.0),  # leap second
    (1566208800, T0),
    (1566208800.25, T0 + 0.25),
    (0, 0.0),
])
def test_time_valid(text, expected):
    assert parse_time(text) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("value,code", [
    ("2019-08-19T10:00:00", "bad_time"),        # no zone
    ("2019-08-19", "bad_time"),                 # date only
    ("2019-08-19T10:00Z", "bad_time"),          # no seconds
    ("2019-02-30T10:00:00Z", "bad_time"),       # no such day
    ("2019-08-19T25:00:00Z", "bad_time"),       # no such hour
    ("2019-08-19T10:00:00+25:00", "bad_time"),  # no such offset
    ("yesterday", "bad_time"),
    ("", "bad_time"),
    ("1566208800", "bad_time"),                 # number as a string
    (-1, "bad_time"),
    (1566208800000, "bad_time"),                # milliseconds, not seconds
    (True, "wrong_type"),
    (None, "wrong_type"),
    ([1], "wrong_type"),
    ({"s": 1}, "wrong_type"),
])
def test_time_invalid(value, code):
    with pytest.raises(InvalidEvent) as ei:
        parse_time(value)
    assert ei.value.code == code
    assert "ts" in ei.value.reason


def test_format_time_roundtrip():
    for ts in (T0, T0 + 0.25, 0.0, 1.999):
        assert parse_time(format_time(ts)) == pytest.approx(ts, abs=1e-3)


# ---------------------------------------------------------------- signups

def test_signup_minimal_and_full():
    ev = parse_event(signup())
    assert isinstance(ev, Signup) and ev.account_id == "a1" and ev.ts == T0 and ev.bio is None
    full = signup(event_id="e1", display_name="Alice", bio="hi", email="a@example.com",
                  ip="203.0.113.7", user_agent="UA", device_id="d1", country="HK", lang="zh-Hant-HK",
                  signup_flow="web", referrer="https://example.com/", avatar="default")
    ev = parse_event(full)
    assert (ev.event_id, ev.display_name, ev.ip, ev.country, ev.lang, ev.avatar) == \
        ("e1", "Alice", "203.0.113.7", "HK", "zh-Hant-HK", "default")


def test_unknown_fields_ignored_and_truth_not_copied():
    ev = parse_event(signup(color="blue", nested={"x": [1, 2]}, truth={"label": "spam", "wave": "w1"}))
    assert not hasattr(ev, "truth") and not hasattr(ev, "color")
    assert truth_of(signup(truth={"label": "spam", "wave": "w1"})) == {"label": "spam", "wave": "w1"}
    assert truth_of(signup(truth={"label": "benign", "wave": None})) == {"label": "benign", "wave": None}
    assert truth_of(signup()) is None


def test_unicode_counts_characters_not_bytes():
    name = "é" * 64  # 128 bytes, 64 characters: valid
    assert parse_event(signup(username=name)).username == name
    assert parse_event(signup(bio="香港" * 512)).bio == "香港" * 512
    assert parse_event(signup(display_name="🙂" * 128)).display_name == "🙂" * 128
    assert reason(signup(username="é" * 65)).code == "too_long"


@pytest.mark.parametrize("field,limit", [
    ("account_id", 128), ("username", 64), ("event_id", 64), ("display_name", 128), ("bio", 1024),
    ("email", 254), ("user_agent", 512), ("device_id", 128), ("country", 8), ("lang", 16),
    ("signup_flow", 32), ("referrer", 256), ("avatar", 128),
])
def test_signup_limits(field, limit):
    assert getattr(parse_event(signup(**{field: "x" * limit})), field) == "x" * limit
    err = reason(signup(**{field: "x" * (limit + 1)}))
    assert err.code == "too_long" and field in err.reason and str(limit) in err.reason


@pytest.mark.parametrize("field", ["account_id", "ts", "username"])
def test_signup_required(field):
    d = signup()
    del d[field]
    err = reason(d)
    assert err.code == "missing_field" and field in err.reason


@pytest.mark.parametrize("field,value", [
    ("account_id", 123), ("username", None), ("username", ["a"]), ("bio", 5), ("email", False),
    ("display_name", None), ("ip", 3232235777), ("country", {"iso": "HK"}), ("event_id", 1.5),
])
def test_signup_wrong_types(field, value):
    err = reason(signup(**{field: value}))
    assert err.code == "wrong_type" and field in err.reason


@pytest.mark.parametrize("ip", ["203.0.113.7", "2001:db8::1", "::1", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"])
def test_ip_valid(ip):
    assert parse_event(signup(ip=ip)).ip == ip


@pytest.mark.parametrize("ip", ["300.1.1.1", "1.2.3", "not an ip", "", "1.2.3.4/24"])
def test_ip_invalid_and_not_echoed(ip):
    err = reason(signup(ip=ip))
    assert err.code == "bad_value" and "ip" in err.reason
    if ip:
        assert ip not in err.reason  # personal data never in a reason


def test_email_not_echoed_in_reasons():
    err = reason(signup(email="x" * 250 + "@e.com"))
    assert "@e.com" not in err.reason


def test_empty_required_string():
    assert reason(signup(account_id="")).code == "bad_value"
    assert reason(signup(username="")).code == "bad_value"


# ---------------------------------------------------------------- activity and labels

def test_activity():
    ev = parse_event({"type": "activity", "account_id": "a1", "ts": 1566208800, "action": "follow",
                      "target": "u9", "text": "hello", "ip": "2001:db8::2"})
    assert isinstance(ev, Activity) and ev.action == "follow" and ev.target == "u9"
    for action in ("post", "reply", "repost", "like", "follow", "dm", "profile_update", "login", "other"):
        assert parse_event({"type": "activity", "account_id": "a", "ts": 1, "action": action}).action == action
    assert reason({"type": "activity", "account_id": "a", "ts": 1, "action": "explode"}).code == "bad_value"
    assert reason({"type": "activity", "account_id": "a", "ts": 1}).code == "missing_field"
    assert reason({"type": "activity", "account_id": "a", "ts": 1, "action": "post",
                   "text": "x" * 4097}).code == "too_long"
    assert reason({"type": "activity", "account_id": "a", "ts": 1, "action": "post",
                   "target": "x" * 129}).code == "too_long"


def test_label():
    ev = parse_event({"type": "label", "account_id": "a1", "ts": "2019-08-20T00:00:00+08:00",
                      "label": "spam", "source": "moderator"})
    assert isinstance(ev, Label) and ev.label == "spam" and ev.source == "moderator"
    assert reason({"type": "label", "account_id": "a", "ts": 1, "label": "bot"}).code == "bad_value"
    assert reason({"type": "label", "account_id": "a", "ts": 1, "label": "spam",
                   "source": "x" * 33}).code == "too_long"


# ---------------------------------------------------------------- type and topic

def test_type_rules():
    d = signup()
    del d["type"]
    assert reason(d).code == "missing_field"               # files need a type
    assert isinstance(parse_event(d, "signup"), Signup)     # a topic implies it
    assert reason(signup(), "activity").code == "unknown_type"  # type disagrees with topic
    assert reason(signup(type="purchase")).code == "unknown_type"
    assert reason(signup(type=7)).code == "wrong_type"


def test_field_order_irrelevant():
    d = signup(bio="b", ip="1.2.3.4")
    assert parse_event(dict(reversed(list(d.items())))) == parse_event(d)


# ---------------------------------------------------------------- bytes

@pytest.mark.parametrize("raw,code", [
    (b"", "empty"), (b"   ", "empty"), (b"{not json", "malformed_json"), (b'{"a":1', "malformed_json"),
    (b"\xff\xfe{}", "not_utf8"), (b'{"username":"\xc3\x28"}', "not_utf8"), (b"[1,2]", "not_object"),
    (b'"text"', "not_object"), (b"null", "not_object"), (b"NaN", "malformed_json"),
    (b"x" * 300_000, "too_large"),
])
def test_bad_bytes(raw, code):
    with pytest.raises(InvalidEvent) as ei:
        parse_message(raw, "signup")
    assert ei.value.code == code and ei.value.reason


def test_large_valid_event_fits():
    big = signup(bio="ü" * 1024, display_name="ü" * 128, user_agent="u" * 512, referrer="r" * 256)
    raw = orjson.dumps(big)
    assert isinstance(parse_message(raw), Signup)


def test_jsonl_reports_line_numbers(tmp_path):
    f = tmp_path / "events.jsonl"
    lines = [orjson.dumps(signup()), b"", b"{bad", orjson.dumps(signup(account_id="a2", ts=T0 + 1)),
             b"\xff", orjson.dumps({"type": "label", "account_id": "a1", "ts": T0 + 5, "label": "benign"})]
    f.write_bytes(b"\n".join(lines) + b"\n")
    out = list(iter_jsonl(str(f)))
    assert [n for n, _, ev, _ in out if ev] == [1, 4, 6]
    bad = {n: err.code for n, _, _, err in out if err}
    assert bad == {2: "empty", 3: "malformed_json", 5: "not_utf8"}


def test_crlf_lines(tmp_path):
    f = tmp_path / "crlf.jsonl"
    f.write_bytes(orjson.dumps(signup()) + b"\r\n" + orjson.dumps(signup(account_id="b")) + b"\r\n")
    assert [ev.account_id for _, _, ev, _ in iter_jsonl(str(f))] == ["a1", "b"]


def test_decision_contract():
    d = Decision("a1", "suspend", T0, 1.7, ["412 accounts share shape"], "w-1", 3)
    out = decision_to_dict(d, T0 + 2)
    assert out == {"account_id": "a1", "action": "suspend", "ts": "2019-08-19T10:00:00.000Z",
                   "decided_at": "2019-08-19T10:00:02.000Z", "wave_id": "w-1", "score": 1.0,
                   "reasons": ["412 accounts share shape"], "config_version": 3, "mode": "live"}
    assert math.isfinite(out["score"])


def test_decode_accepts_str():
    assert decode('{"a": 1}') == {"a": 1}
