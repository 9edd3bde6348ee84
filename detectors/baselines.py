"""Two simple detectors that ``breakwater evaluate`` reports beside the engine.

* :class:`NetworkVelocityRule` — the rule most sites start with: suspend a signup when
  its /24 (IPv6 /48) has seen at least ``threshold`` signups within ``window`` seconds.
* :class:`HalfSpaceTreesBaseline` — river's unsupervised Half-Space Trees over
  per-account signup features (name and profile shape), scored then learned.

Both see only the signup, event time and keyed hashes, like the engine.

References
----------
Tan, Ting, Liu. *Fast anomaly detection for streaming data*. IJCAI 2011 (Half-Space
Trees). Thomas et al. *Trafficking fraudulent accounts*. USENIX Security 2013 (IP
velocity limits and how account merchants evade them).
"""
from __future__ import annotations

from collections import deque
from typing import Optional

from river import anomaly

from streams.contract import Signup

from detectors.bounded import LRUDict
from detectors.keyed import KeyedHasher
from detectors.signatures import digit_tail, ip_prefixes

__all__ = ["NetworkVelocityRule", "HalfSpaceTreesBaseline", "account_features"]

_FLOWS = ("web", "ios", "android", "api")


class NetworkVelocityRule:
    """Signups per /24 (or /48) in a sliding window of event time.

    Parameters
    ----------
    window
        Window length in seconds.
    threshold
        Signups in the window (this one included) at which the rule fires.
    max_networks
        Hard cap on tracked networks.
    seed
        Seed of the keyed hash of network prefixes.

    Examples
    --------
    >>> rule = NetworkVelocityRule(window=600, threshold=3)
    >>> [rule.learn_one(Signup(f"a{i}", 10.0 * i, "x", ip="203.0.113.9")) for i in range(4)]
    [1.0, 2.0, 3.0, 4.0]
    >>> rule.score_one(Signup("b", 5000.0, "y", ip="203.0.113.10"))
    1.0
    """

    def __init__(self, window: float = 600.0, threshold: int = 5, max_networks: int = 200_000, seed: int = 0):
        self.window = window
        self.threshold = threshold
        self._hasher = KeyedHasher(seed=seed + 101)
        self._nets = LRUDict(max_networks)

    def _key(self, s: Signup) -> Optional[int]:
        if not s.ip:
            return None
        p = ip_prefixes(s.ip)
        return self._hasher.key_id(p[0][0], p[0][1]) if p else None

    def score_one(self, s: Signup) -> float:
        """Signups of this network within the window, counting this one (no learning)."""
        k = self._key(s)
        if k is None:
            return 0.0
        q = self._nets.peek(k)
        n = 0 if q is None else sum(1 for t in q if t > s.ts - self.window)
        return float(n + 1)

    def learn_one(self, s: Signup) -> float:
        """Count the signup; returns its score (signups in the window)."""
        k = self._key(s)
        if k is None:
            return 0.0
        q = self._nets.get(k)
        if q is None:
            q = deque(maxlen=max(self.threshold * 4, 16))
            self._nets[k] = q
        while q and q[0] <= s.ts - self.window:
            q.popleft()
        q.append(s.ts)
        return float(len(q))

    def fires(self, score: float) -> bool:
        return score >= self.threshold


def account_features(s: Signup) -> dict:
    """Per-account features in [0, 1] from one signup.

    >>> f = account_features(Signup("a", 0.0, "bot_4821", bio="hello", signup_flow="api", avatar="default"))
    >>> f["digit_tail"], f["flow_api"], f["default_avatar"]
    (0.5, 1.0, 1.0)
    """
    name = s.username
    n = max(len(name), 1)
    digits = sum(c.isdigit() for c in name)
    upper = sum(c.isupper() for c in name)
    flow = (s.signup_flow or "").lower()
    f = {
        "name_len": min(len(name), 32) / 32,
        "name_digits": digits / n,
        "name_upper": upper / n,
        "digit_tail": min(digit_tail(name), 8) / 8,
        "has_display": 1.0 if s.display_name else 0.0,
        "display_len": min(len(s.display_name or ""), 64) / 64,
        "bio_len": min(len(s.bio or ""), 256) / 256,
        "default_avatar": 1.0 if (s.avatar or "default").lower() == "default" else 0.0,
        "has_referrer": 1.0 if s.referrer else 0.0,
        "has_email": 1.0 if s.email else 0.0,
        "has_device": 1.0 if s.device_id else 0.0,
    }
    for fl in _FLOWS:
        f["flow_" + fl] = 1.0 if flow == fl else 0.0
    return f


class HalfSpaceTreesBaseline:
    """river ``HalfSpaceTrees`` over :func:`account_features` (score, then learn).

    Parameters
    ----------
    threshold
        Anomaly score at which the baseline suspends.
    n_trees, height, window_size
        Passed to :class:`river.anomaly.HalfSpaceTrees`.
    seed
        Seed of the trees.

    Examples
    --------
    >>> hst = HalfSpaceTreesBaseline(seed=3)
    >>> scores = [hst.learn_one(Signup(f"a{i}", float(i), f"user{i % 7}")) for i in range(300)]
    >>> 0.0 <= min(scores) <= max(scores) <= 1.0
    True
    """

    def __init__(self, threshold: float = 0.8, n_trees: int = 10, height: int = 8, window_size: int = 250,
                 seed: int = 0):
        self.threshold = threshold
        self.model = anomaly.HalfSpaceTrees(n_trees=n_trees, height=height, window_size=window_size, seed=seed)

    def score_one(self, s: Signup) -> float:
        return float(self.model.score_one(account_features(s)))

    def learn_one(self, s: Signup) -> float:
        """Score, then learn; returns the score."""
        x = account_features(s)
        sc = float(self.model.score_one(x))
        self.model.learn_one(x)
        return sc

    def fires(self, score: float) -> bool:
        return score >= self.threshold
