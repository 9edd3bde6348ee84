"""Burst statistics per key: how far today's rate of a key sits above its baseline.

Two count-min sketches, as in MIDAS-R: a *current* one whose counts decay with a
short half-life (the rate now) and a *baseline* one with a long half-life (history).
Decay is continuous in event time and lazy: every cell is stored multiplied by a
common growth factor, so an update touches only ``depth`` cells.

For a key with decayed current count ``a``, the baseline gives its share ``p`` of
all signups (smoothed towards a per-kind cold-start prior), hence the count expected
now, ``e = p * current_total``. The score is the MIDAS chi-squared statistic with the
variance floored at one count, ``(a - e)**2 / max(e, 1)`` when ``a > e`` (0 otherwise):
a never-seen key seen once is not a burst; seen five times in minutes, it is. The
engine weighs keys by the Poisson tail :meth:`surprise` of the same ``(a, e)``, which
is exact for the small counts of rare keys.

The baseline learns through :meth:`learn_baseline` only, which the engine calls for
signups that were *not* flagged once a short protection delay has passed, and
:meth:`unlearn_baseline` takes a signup out again if its wave is flagged later: a
wave never becomes its own baseline (river's
``AnomalyFilter(protect_anomaly_detector=True)``).

References
----------
Bhatia, Hooi, Yoon, Shin, Faloutsos. *MIDAS: Microcluster-Based Detector of
Anomalies in Edge Streams*. AAAI 2020 (MIDAS-R: decayed current counts, chi-squared
score against the history in count-min sketches).
Cormode, Muthukrishnan. *An improved data stream summary: the count-min sketch and
its applications*. J. Algorithms 2005.
"""
from __future__ import annotations

import math
import random
from typing import Optional

import numpy as np
from scipy.special import gammainc

__all__ = ["BurstDetector", "poisson_surprise"]

_RENORM = 600.0  # renormalise when the growth exponent (in half-lives) exceeds this
_SHIFT = 40  # the column of a key: bits 40.. of ``key * multiplier`` (see ``_DecayedSketch.index``)
_min_rows = np.minimum.reduce  # ``a.min(axis)`` without its Python wrapper
# floors of :meth:`BurstDetector.log_tail` as 0-d arrays: cheaper operands than Python floats
# (the same float64 arithmetic)
_FLOOR_A, _FLOOR_E, _FLOOR_P = np.array(1e-9), np.array(1e-12), np.array(1e-300)


def poisson_surprise(a: float, lam: float) -> float:
    """Scalar ``-log10 P(X >= floor(a))`` for ``X ~ Poisson(lam)``; 0 when ``a <= lam``.

    >>> round(poisson_surprise(3, 0.001), 1), poisson_surprise(2, 5.0)
    (9.8, 0.0)
    """
    k = int(a)
    if k <= lam or k <= 0:
        return 0.0
    if lam <= 0.0:
        return 300.0
    # P(X >= k) = e^-lam lam^k / k! * (1 + lam/(k+1) + lam^2/((k+1)(k+2)) + ...)
    s = term = 1.0
    j = k + 1
    while term > 1e-9 * s and j < k + 400:
        term *= lam / j
        s += term
        j += 1
    logp = -lam + k * math.log(lam) - math.lgamma(k + 1) + math.log(s)
    return min(300.0, max(0.0, -logp / math.log(10)))


class _DecayedSketch:
    """Count-min sketch whose counts halve every ``half_life`` seconds of event time.

    Cells are addressed by flat indices into :attr:`cells` (``row * width + column``,
    see :meth:`index`): one ``take``/``put`` per read or update.
    """

    def __init__(self, width: int, depth: int, half_life: float, mult: np.ndarray):
        self.width = width
        self.mask = np.uint64(width - 1)
        self.half_life = half_life
        self.cells = np.zeros((depth, width), dtype=np.float64)
        self.total = 0.0  # scaled like the cells
        self.t0 = None  # reference time of the scale
        self.mult = mult
        self._derive()

    def _derive(self) -> None:
        # (not pickled) the column of a key is bits 40.. 40+b of ``key * mult`` (``width``
        # = 2**b): with the multipliers shifted left by 24 - b (mod 2**64, the product is
        # shifted alike) one right shift by 64 - b leaves just those bits (no mask);
        # multipliers as a column, each row's first flat index, the shift as a 0-d array
        b = self.width.bit_length() - 1
        up = max(0, 24 - b)  # a width above 2**24 takes all 24 bits left above bit 40
        self._mcol = (self.mult << np.uint64(up))[:, None]
        self._rows = np.arange(0, self.cells.size, self.width, dtype=np.uint64)[:, None]
        self._down = np.array(_SHIFT + up, dtype=np.uint64)  # 0-d: a cheaper operand than a scalar

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in ("_mcol", "_rows", "_down")}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._derive()

    def _scale(self, t: float) -> float:
        if self.t0 is None:
            self.t0 = t
        ex = (t - self.t0) / self.half_life
        if ex > _RENORM:
            f = 2.0 ** -ex
            self.cells *= f
            self.total *= f
            self.t0 = t
            ex = 0.0
        return 2.0 ** ex

    def index(self, keys: np.ndarray) -> np.ndarray:
        """Flat cell indices of ``keys``, shape ``(depth, len(keys))``."""
        x = keys * self._mcol
        x >>= self._down  # the column: (key * mult >> 40) & (width - 1)
        x |= self._rows
        return x.view(np.intp)

    def add(self, idx: np.ndarray, t: float, w: float = 1.0) -> np.ndarray:
        """Count ``w`` at ``t`` in the cells ``idx``; returns their new values."""
        g = self._scale(t) * w
        cells = self.cells
        # as ``cells[idx] += g``: a cell indexed twice is incremented once
        vals = cells.take(idx) + g
        cells.put(idx, vals)
        self.total += g
        return vals

    def read(self, idx: np.ndarray, t: float, vals: Optional[np.ndarray] = None) -> tuple[np.ndarray, float]:
        """Decayed counts of the keys at ``idx`` and the total; ``vals`` are the cells'
        values if already at hand (from :meth:`add`)."""
        if self.t0 is None:
            return np.zeros(idx.shape[1]), 0.0
        g = 2.0 ** ((t - self.t0) / self.half_life)
        return _min_rows(self.cells.take(idx) if vals is None else vals, 0) / g, self.total / g


class BurstDetector:
    """MIDAS-R style burst score of keys against a protected, decayed baseline.

    Parameters
    ----------
    width
        Columns per sketch row (a power of two).
    depth
        Rows (independent hash functions) per sketch.
    current_half_life
        Half-life of the current counts, seconds of event time.
    baseline_half_life
        Half-life of the baseline counts.
    prior_weight
        How many signups' worth of the cold-start prior the baseline share starts from.
    seed
        Seed of the sketch hash functions.

    Examples
    --------
    >>> bd = BurstDetector(width=1024, seed=1)
    >>> for i in range(200):                       # ordinary traffic, remembered
    ...     bd.learn_one(1000 + i % 50, t=i * 10.0)
    ...     _ = bd.learn_baseline([1000 + i % 50], t=i * 10.0)
    >>> for i in range(6):                         # one new key six times in a minute
    ...     bd.learn_one(7, t=2000.0 + i * 10)
    >>> bd.score_one(7, t=2060.0) > 20, bd.score_one(1001, t=2060.0) < 2
    (True, True)
    """

    def __init__(self, width: int = 1 << 16, depth: int = 4, current_half_life: float = 900.0,
                 baseline_half_life: float = 3 * 86400.0, prior_weight: float = 30.0, seed: int = 0):
        if width < 16 or width & (width - 1):
            raise ValueError("width must be a power of two >= 16")
        if depth < 1 or current_half_life <= 0 or baseline_half_life <= current_half_life:
            raise ValueError("need depth >= 1 and 0 < current_half_life < baseline_half_life")
        rng = random.Random(seed)
        mult = np.array([rng.getrandbits(64) | 1 for _ in range(depth)], dtype=np.uint64)
        self.width, self.depth = width, depth
        self.prior_weight = prior_weight
        self._cur = _DecayedSketch(width, depth, current_half_life, mult)
        self._base = _DecayedSketch(width, depth, baseline_half_life, mult)
        self._t = -math.inf

    # ------------------------------------------------------------------ helpers
    def _time(self, t: float) -> float:
        # event time may step back a little across partitions: never decay backwards
        return t if t > self._t else self._t

    @staticmethod
    def _keys(keys) -> np.ndarray:
        if isinstance(keys, np.ndarray):
            return keys.astype(np.uint64, copy=False)
        if isinstance(keys, int):
            keys = [keys]
        return np.fromiter(keys, dtype=np.uint64, count=len(keys))

    # ------------------------------------------------------------------ learning
    def learn_one(self, keys, t: float) -> None:
        """Count one signup carrying ``keys`` *now* (current sketch only)."""
        t = self._time(t)
        self._t = t
        k = self._keys(keys)
        self._cur.add(self._cur.index(k), t, 1.0)

    def index(self, keys) -> np.ndarray:
        """The cells of ``keys``, in either sketch (both share their hash functions):
        for :meth:`learn_and_count` and, later, :meth:`learn_baseline` of the same keys."""
        return self._cur.index(self._keys(keys))

    def learn_baseline(self, keys, t: float, idx: Optional[np.ndarray] = None) -> float:
        """Fold one signup's keys into the baseline; returns the time it was counted at
        (pass it to :meth:`unlearn_baseline` to take the signup out again). ``idx``:
        :meth:`index` of the keys, if at hand."""
        t = self._time(t)
        self._base.add(self._base.index(self._keys(keys)) if idx is None else idx, t, 1.0)
        return t

    def unlearn_baseline(self, keys, learned_at: float) -> None:
        """Remove a signup counted by :meth:`learn_baseline` at ``learned_at`` (it turned
        out to belong to a flagged wave). Decay is linear, so this is exact."""
        b = self._base
        if b.t0 is None:
            return
        g = 2.0 ** ((learned_at - b.t0) / b.half_life)
        idx = b.index(self._keys(keys))
        b.cells.put(idx, np.maximum(b.cells.take(idx) - g, 0.0))
        b.total = max(b.total - g, 0.0)

    def learn_and_count(self, keys, t: float, priors, idx: Optional[np.ndarray] = None
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`learn_one` then :meth:`counts` (one hashing of the keys; none if their
        :meth:`index` is given)."""
        t = self._time(t)
        self._t = t
        if idx is None:
            idx = self._cur.index(self._keys(keys))
        return self._counts(idx, t, priors, 0.0, self._cur.add(idx, t, 1.0))

    # ------------------------------------------------------------------ scoring
    def counts(self, keys, t: float, priors=None, pending: float = 0.0
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(a, e, p)`` per key: current count, expected count, baseline share.

        ``pending`` adds a hypothetical occurrence (``assess`` scores a signup as if it
        had been counted, without counting it).
        """
        t = self._time(t)
        k = self._keys(keys)
        pri = np.full(k.shape[0], 1e-4) if priors is None else priors
        return self._counts(self._cur.index(k), t, pri, pending)

    def _counts(self, idx: np.ndarray, t: float, priors, pending: float, cur: Optional[np.ndarray] = None):
        # both sketches share their hash functions
        a, cur_total = self._cur.read(idx, t, cur)
        b, base_total = self._base.read(idx, t)
        pri = priors if type(priors) is np.ndarray and priors.dtype == np.float64 else \
            np.asarray(priors, dtype=np.float64)  # (the engine passes float64 arrays: no call)
        w = self.prior_weight
        p = (b + w * pri) / (base_total + w)
        e = p * max(cur_total + pending, 1.0)
        return (a + pending if pending else a), e, p  # (counts are never -0.0: a + 0.0 == a)

    @staticmethod
    def chi2(a: np.ndarray, e: np.ndarray) -> np.ndarray:
        """MIDAS chi-squared with the variance floored at one count (0 when not above)."""
        d = a - e
        return np.where(d > 0, d * d / np.maximum(e, 1.0), 0.0)

    @staticmethod
    def surprise(a: np.ndarray, e: np.ndarray) -> np.ndarray:
        """``-log10 P(X >= a)`` for ``X ~ Poisson(e)``: how unlikely a count this high is.

        Unlike chi-squared it is right for small counts of rare keys: three signups on
        one never-seen device within minutes are already a one-in-a-million event.
        (``P(X >= a)`` is the regularised lower incomplete gamma function ``P(a, e)``.)

        >>> [round(float(x), 1) for x in BurstDetector.surprise(np.array([2.0, 3.0, 70.0]),
        ...                                                    np.array([0.001, 0.001, 60.0]))]
        [6.3, 9.8, 1.0]
        """
        return -BurstDetector.log_tail(a, e)

    @staticmethod
    def log_tail(a: np.ndarray, e: np.ndarray) -> np.ndarray:
        """``log10 P(X >= a)`` for ``X ~ Poisson(e)`` (at most 0): :meth:`surprise` negated."""
        x = gammainc(np.maximum(a, _FLOOR_A), np.maximum(e, _FLOOR_E))
        return np.log10(np.maximum(x, _FLOOR_P, out=x), out=x)  # in place: x is ours

    def score_one(self, key: int, t: float, prior: float = 1e-4) -> float:
        """The burst score of one key at time ``t`` (does not learn)."""
        a, e, _ = self.counts([key], t, [prior])
        return float(self.chi2(a, e)[0])

    def nbytes(self) -> int:
        return self._cur.cells.nbytes + self._base.cells.nbytes
