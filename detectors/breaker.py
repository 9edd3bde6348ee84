"""Circuit breaker on the live suspension rate (event time only).

A typo in a threshold, a broken detector or a huge benign event (a celebrity
invites their fans) looks the same from here: suddenly many more suspensions than
usual — and so does a large wave attack. Which surges are degraded is the caller's
choice (:class:`detectors.decider.Decider` ``scope``: by default only while the live
settings are looser than the shipped defaults). The breaker compares the number of *intended* suspensions in a sliding
event-time window with a slowly decaying baseline of that same count. When the
rate is at least ``min_count`` and above ``multiple`` × baseline, the breaker
**trips**: the caller degrades new suspensions to challenges (friction instead of
lock-out) until a person confirms the surge (``breakwater config confirm-surge``).

A confirmation covers the surge in progress: every suspension of that episode goes
through, and when the rate falls back to normal the episode ends and the breaker
re-arms for the next one. An unconfirmed episode also ends by itself when the
rate falls back.

How a real large attack is still stopped: (1) while tripped, every wave member is
still challenged, which a spam bot rarely passes; (2) the on-call confirms with
``breakwater config confirm-surge --reason "..."`` and suspensions of the surge go
through at once; (3) nobody at hand: the ``breakwater_circuit_breaker_open`` metric
fires an alert.

The caller must feed the number of suspensions the engine *intended* (before any
degradation) — otherwise degrading lowers the rate, which closes the breaker,
which raises the rate again. It must also feed the breaker on every worker in the
deterministic path (the same events in the same order), so that a new leader's
breaker is in the same state. Pure: no wall clock, no I/O; pickles.

Examples
--------
>>> b = CircuitBreaker(multiple=3.0, window=60, min_count=10, half_life=3600, warmup=600)
>>> for minute in range(60):                 # an hour of 2 suspensions a minute
...     _ = b.observe(minute * 60.0, 2)
>>> b.tripped, round(b.baseline)
(False, 2)
>>> b.observe(3600.0, 30)                    # a burst of 30 in one minute
True
>>> b.confirm(3600.0)                        # a person confirms the surge
>>> b.tripped, b.status()["confirmed"]
(False, True)
>>> for minute in range(61, 70):             # the surge ends: back to normal
...     _ = b.observe(minute * 60.0, 2)
>>> b.status()["in_surge"], b.observe(4200.0, 40)   # re-armed: a new surge trips again
(False, True)
"""
from __future__ import annotations

import math
from collections import deque
from typing import Optional

__all__ = ["BREAKER_SCOPES", "CircuitBreaker"]

#: Which surges a caller degrades (:class:`detectors.decider.Decider` ``scope``).
BREAKER_SCOPES = ("loosened", "all")


class CircuitBreaker:
    """Trips when suspensions per window exceed ``multiple`` × their baseline.

    Parameters
    ----------
    multiple
        Trip when the windowed count is above ``multiple`` times the baseline.
    window
        Length of the sliding event-time window, in seconds.
    min_count
        Never trip below this many suspensions in a window (a quiet baseline of
        zero must not trip on the first small wave).
    half_life
        Half-life of the baseline (seconds of event time): how fast it forgets.
    warmup
        Event-time seconds observed before the breaker may trip, so that the
        baseline means something (``None`` = ``max(10 * window, half_life / 4)``).
    buckets
        Sub-buckets of the sliding window (its time resolution).
    reset
        The surge is over when the count is below ``min_count`` or at most
        ``reset`` × ``multiple`` × baseline (hysteresis).
    """

    def __init__(self, multiple: float = 4.0, window: float = 300.0, min_count: int = 25,
                 half_life: float = 6 * 3600.0, warmup: Optional[float] = None,
                 buckets: int = 10, reset: float = 0.5):
        if multiple <= 1 or window <= 0 or min_count < 1 or half_life <= 0 or buckets < 1:
            raise ValueError("need multiple > 1, window > 0, min_count >= 1, half_life > 0, buckets >= 1")
        if not 0 < reset <= 1:
            raise ValueError("reset must be in (0, 1]")
        self.multiple = float(multiple)
        self.window = float(window)
        self.min_count = int(min_count)
        self.half_life = float(half_life)
        self.warmup = float(max(10 * window, half_life / 4) if warmup is None else warmup)
        self.buckets = int(buckets)
        self.reset = float(reset)
        self.step = self.window / self.buckets
        # baseline update per closed bucket: EWMA with the given half-life
        self._keep = 0.5 ** (self.step / self.half_life)
        self._recent: deque = deque()        # [bucket index, count], oldest first
        self._count = 0                       # suspensions in the sliding window
        self._bucket: Optional[int] = None    # current bucket index
        self._raw = 0.0                       # EWMA of the windowed count ...
        self._w = 0.0                         # ... and of 1: bias correction at the start
        self.first_ts: Optional[float] = None
        self.last_ts: Optional[float] = None
        self.surge_start: Optional[float] = None   # event time the current episode began
        self.confirmed_at = -math.inf              # latest confirmation (event time)
        self.trips = 0
        self.degraded = 0

    # ------------------------------------------------------------------ state
    @property
    def in_surge(self) -> bool:
        return self.surge_start is not None

    @property
    def confirmed(self) -> bool:
        return self.surge_start is not None and self.surge_start <= self.confirmed_at

    @property
    def tripped(self) -> bool:
        """True while new suspensions must be degraded to challenges."""
        return self.surge_start is not None and self.surge_start > self.confirmed_at

    @property
    def baseline(self) -> float:
        """Expected suspensions per window (bias-corrected EWMA)."""
        return self._raw / self._w if self._w > 0 else 0.0

    @property
    def rate(self) -> int:
        """Suspensions in the current sliding window."""
        return self._count

    # ------------------------------------------------------------------ input
    def observe(self, ts: float, n_suspends: int = 0, degrade: bool = True) -> bool:
        """Account for ``n_suspends`` intended suspensions at event time ``ts``.

        Call it for every event (``n_suspends=0`` too: time moves on). Event time
        never goes backwards here: a late event counts in the current bucket.
        ``degrade=False`` says the caller lets these suspensions through even if
        tripped (they are not counted as degraded). Returns :attr:`tripped`.
        """
        ts = float(ts)
        if self.last_ts is not None and ts < self.last_ts:
            ts = self.last_ts
        if self.first_ts is None:
            self.first_ts = ts
        self.last_ts = ts
        bucket = int(ts // self.step)
        if bucket != self._bucket:  # most events fall in the current bucket
            self._advance(bucket)
        if n_suspends:
            if self._recent and self._recent[-1][0] == self._bucket:
                self._recent[-1][1] += n_suspends
            else:
                self._recent.append([self._bucket, n_suspends])
            self._count += n_suspends
        if self.surge_start is not None or self._count >= self.min_count:  # else :meth:`_check` does nothing
            self._check(ts)
        tripped = self.tripped
        if n_suspends and degrade and tripped:
            self.degraded += n_suspends
        return tripped

    def confirm(self, ts: float) -> None:
        """A person confirmed the surge seen at event time ``ts``.

        Lifts the episode in progress if it began at or before ``ts`` (also when
        the confirmation is applied before this breaker reaches ``ts``: workers
        lagging behind agree with the leader). Later episodes trip again.
        """
        self.confirmed_at = max(self.confirmed_at, float(ts))

    # ------------------------------------------------------------------ internals
    def _advance(self, bucket: int) -> None:
        if self._bucket is None:
            self._bucket = bucket
            return
        closed = bucket - self._bucket
        if closed <= 0:
            return
        # close the buckets between: each closing updates the baseline with the
        # windowed count at that moment (frozen during a surge, so an attack is
        # never learnt as normal)
        explicit = min(closed, self.buckets + 1)
        for i in range(1, explicit + 1):
            self._learn()
            self._expire(self._bucket + i)
        rest = closed - explicit
        if rest > 0 and self.surge_start is None:   # long gap: empty windows, closed form
            k = self._keep ** rest
            self._raw *= k
            self._w = k * self._w + (1 - k)
        self._bucket = bucket

    def _expire(self, bucket: int) -> None:
        lo = bucket - self.buckets  # buckets <= lo are out of the window
        while self._recent and self._recent[0][0] <= lo:
            self._count -= self._recent.popleft()[1]

    def _learn(self) -> None:
        if self.surge_start is None:
            self._raw = self._keep * self._raw + (1 - self._keep) * self._count
            self._w = self._keep * self._w + (1 - self._keep)

    def _check(self, ts: float) -> None:
        n = self._count
        if self.surge_start is None:
            # cheapest test first: most events see fewer than min_count suspensions
            if n >= self.min_count and ts - self.first_ts >= self.warmup and n > self.multiple * self.baseline:
                self.surge_start = ts
                self.trips += 1
        elif n < self.min_count or n <= self.reset * self.multiple * self.baseline:
            self.surge_start = None

    # ------------------------------------------------------------------ output
    def status(self) -> dict:
        """JSON-ready state for ``GET /v1/config`` and the CLI."""
        return {"tripped": self.tripped, "in_surge": self.in_surge, "confirmed": self.confirmed,
                "rate": self._count, "baseline": round(self.baseline, 3),
                "threshold": round(max(self.min_count, self.multiple * self.baseline), 3),
                "multiple": self.multiple, "window_seconds": self.window,
                "min_count": self.min_count, "surge_start": self.surge_start,
                "confirmed_at": None if self.confirmed_at == -math.inf else self.confirmed_at,
                "last_ts": self.last_ts, "trips": self.trips, "degraded": self.degraded,
                "warming_up": self.first_ts is None or (self.last_ts - self.first_ts) < self.warmup}
