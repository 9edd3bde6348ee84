"""The circuit breaker on the suspension rate: pure, event time only."""
import pickle
import random

import pytest

from detectors.breaker import CircuitBreaker


def quiet_then_surge(b: CircuitBreaker, start=0.0, quiet_hours=3, per_min=1, surge=200):
    """Feed ``quiet_hours`` of ~per_min suspensions a minute, then a surge in 2 minutes."""
    t = start
    for _ in range(quiet_hours * 60):
        b.observe(t, per_min)
        t += 60
    tripped_at = None
    for i in range(surge):
        if b.observe(t + i * (120 / surge), 1) and tripped_at is None:
            tripped_at = i + 1
    return t + 120, tripped_at


def make():
    return CircuitBreaker(multiple=4, window=300, min_count=25, half_life=6 * 3600)


def test_quiet_traffic_never_trips():
    b = make()
    r = random.Random(1)
    t = 0.0
    for _ in range(24 * 60):
        assert not b.observe(t, r.choice([0, 1, 2, 3]))
        t += 60
    assert b.trips == 0 and 5 < b.baseline < 12


def test_trips_on_surge_and_degrades_until_confirmed():
    b = make()
    t, tripped_at = quiet_then_surge(b)
    assert tripped_at is not None and tripped_at <= 30   # within the first ~25-30 suspensions
    assert b.tripped and b.in_surge and not b.confirmed
    assert b.degraded > 100
    b.confirm(t)
    assert not b.tripped and b.confirmed
    # the same surge goes on: it stays allowed
    for i in range(100):
        assert not b.observe(t + i, 1)
    assert b.trips == 1


def test_rearms_after_the_rate_falls_back():
    b = make()
    t, _ = quiet_then_surge(b)
    b.confirm(t)
    for m in range(30):                      # back to normal for half an hour
        b.observe(t + m * 60, 1)
    assert not b.in_surge and not b.tripped
    t2 = t + 30 * 60
    tripped = [b.observe(t2 + i * 0.5, 1) for i in range(100)]
    assert any(tripped) and b.tripped and b.trips == 2   # the old confirmation does not cover it


def test_unconfirmed_surge_ends_by_itself():
    b = make()
    t, _ = quiet_then_surge(b)
    assert b.tripped
    for m in range(30):
        b.observe(t + m * 60, 1)
    assert not b.tripped and not b.in_surge


def test_confirmation_applied_before_reaching_the_surge_covers_it():
    """A worker behind the leader gets the confirmation early: same outcome."""
    b = make()
    b.confirm(3 * 3600 + 60)                 # the leader confirmed at this event time
    quiet_then_surge(b)
    assert b.in_surge and b.confirmed and not b.tripped


def test_warmup_and_min_count():
    b = make()
    assert b.warmup == max(3000, 6 * 3600 / 4)
    for i in range(100):                     # a burst right at the start: still warming up
        assert not b.observe(i, 1)
    b = CircuitBreaker(multiple=4, window=300, min_count=25, half_life=3600, warmup=0)
    for i in range(24):                      # zero baseline, but below min_count
        assert not b.observe(i, 1)
    assert b.observe(24, 1)


def test_baseline_is_frozen_during_a_surge():
    b = make()
    t, _ = quiet_then_surge(b)
    before = b.baseline
    for i in range(600):                     # ten more minutes of surge
        b.observe(t + i, 3)
    assert b.baseline == pytest.approx(before)


def test_late_events_do_not_move_time_back():
    b = make()
    b.observe(1000.0, 1)
    b.observe(10.0, 1)
    assert b.last_ts == 1000.0 and b.rate == 2


def test_long_gap_decays_baseline():
    b = make()
    for m in range(6 * 60):
        b.observe(m * 60.0, 2)
    base = b.baseline
    b.observe(6 * 3600 + 10 * 24 * 3600, 0)  # ten days later
    assert b.baseline < base / 100


def test_deterministic_and_pickles():
    def run(b):
        r = random.Random(7)
        out = []
        t = 0.0
        for i in range(20000):
            t += r.expovariate(1 / 2.0)
            n = 1 if r.random() < (0.6 if 30000 < t < 30600 else 0.02) else 0
            out.append(b.observe(t, n))
            if i == 15000:
                b = pickle.loads(pickle.dumps(b))
        return out, b.status()
    a, sa = run(make())
    b, sb = run(make())
    assert a == b and sa == sb and sa["trips"] >= 1


def test_rejects_bad_hyperparameters():
    with pytest.raises(ValueError):
        CircuitBreaker(multiple=1)
    with pytest.raises(ValueError):
        CircuitBreaker(window=0)


# --------------------------------------------------------------------------- Decider scope

class _SuspendAll:
    """Engine stand-in: suspends every account whose id starts with 'spam' (the Decider's
    breaker logic is what is tested here; the real engine is tested elsewhere)."""

    def __init__(self):
        from detectors.config import defaults
        self.config = defaults()

    def apply_config(self, values, version):
        from detectors.config import validate_all
        self.config = validate_all(values, self.config)

    def process(self, ev):
        from streams.contract import Decision
        if not ev.account_id.startswith("spam"):
            return []
        return [Decision(ev.account_id, "suspend", ev.ts, 0.99, ["wave"], "w1", 0, "live")]


def _decider(scope="loosened"):
    from detectors.decider import Decider
    return Decider(_SuspendAll(), make(), scope=scope)


def _feed(d, accounts_and_times):
    from streams.contract import Signup
    out = []
    for acc, ts in accounts_and_times:
        out += d.process(Signup(acc, ts, acc))
    return out


def _quiet_then_wave(start=0.0):
    """3 h of one suspension a minute, then a wave of 200 in 2 minutes."""
    quiet = [(f"spam-q{i}", start + i * 60.0) for i in range(180)]
    wave = [(f"spam-w{i}", start + 180 * 60.0 + i * 0.6) for i in range(200)]
    return quiet, wave


def test_decider_lets_a_wave_through_at_the_default_settings():
    d = _decider()
    quiet, wave = _quiet_then_wave()
    _feed(d, quiet)
    out = _feed(d, wave)
    assert [x.action for x in out] == ["suspend"] * 200
    st = d.breaker_status()
    assert st["trips"] == 1 and st["in_surge"]          # it saw the surge ...
    assert not st["open"] and not st["guarding"] and st["degraded"] == 0   # ... and let it through


def test_decider_degrades_a_surge_while_settings_are_looser_than_defaults():
    d = _decider()
    d.on_live({"suspend_threshold": 0.8}, version=2)
    quiet, wave = _quiet_then_wave()
    _feed(d, quiet)
    out = _feed(d, wave)
    acts = [x.action for x in out]
    assert acts.count("challenge") > 150 and d.breaker_open
    assert d.breaker_status()["loosened"] == ["suspend_threshold"]
    redo = d.on_confirm(wave[-1][1], version=3)     # a person confirms: suspended after all
    assert len(redo) == acts.count("challenge") and {x.action for x in redo} == {"suspend"}
    assert not d.breaker_open


def test_decider_guards_the_rest_of_a_surge_once_settings_are_loosened_during_it():
    d = _decider()
    quiet, wave = _quiet_then_wave()
    _feed(d, quiet)
    first = _feed(d, wave[:100])
    d.on_live({"weight_environment": 2.0}, version=2)
    second = _feed(d, wave[100:])
    assert {x.action for x in first} == {"suspend"} and {x.action for x in second} == {"challenge"}
    d.on_live({"weight_environment": 1.0}, version=3)   # back to the defaults: through again
    assert not d.breaker_open and _feed(d, [("spam-late", wave[-1][1] + 1)])[0].action == "suspend"


def test_decider_scope_all_degrades_every_unconfirmed_surge():
    d = _decider("all")
    quiet, wave = _quiet_then_wave()
    _feed(d, quiet)
    assert [x.action for x in _feed(d, wave)].count("challenge") > 150 and d.breaker_open
    with pytest.raises(ValueError):
        _decider("sometimes")


def test_decider_snapshot_from_before_scopes_keeps_the_old_behaviour():
    d = _decider()
    state = d.__getstate__()
    del state["scope"], state["loosened"]
    old = type(d).__new__(type(d))
    old.__setstate__(state)
    assert old.scope == "all" and old.guarding
    again = pickle.loads(pickle.dumps(d))
    assert again.scope == "loosened" and not again.guarding
