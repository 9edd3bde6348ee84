"""Co-activity links: new accounts that act on the same unusual targets together.

Some waves rotate every profile trait and are visible only in what they do after
signup: they follow the same handful of customer accounts, repost the same post and
reply with the same template within minutes. For each activity of a young account
this detector

1. keeps decayed counts per target (a followed account, a post, a near-duplicate
   text band) now and over a long baseline; a target is *specific* when its hits now
   are surprisingly many for its baseline share (the accounts every newcomer is
   suggested to follow are hit all the time, and are not);
2. finds, through a hash-chain index of recent activities, the other young accounts
   that hit the same specific target within ``window`` seconds;
3. counts, per pair of accounts, the distinct specific targets they share, and
   reports a link when a pair reaches ``min_shared``.

Everything is bounded: LRU target table, a fixed ring of recent activities, an LRU of
pair counters.

References
----------
Cao, Yang, Yu, Palow. *Uncovering large groups of active malicious accounts in online
social networks* (SynchroTrap). CCS 2014 — pairwise similarity of timestamped actions.
Beutel et al. *CopyCatch*. WWW 2013.
"""
from __future__ import annotations

import math
import zlib
from typing import Optional

from detectors.bounded import LRUDict, Memo
from detectors.burst import poisson_surprise
from detectors.keyed import KeyedHasher
from detectors.minhash import MinHashLSH, normalize_text
from detectors.recent import RecentIndex

__all__ = ["CoActivityLinker"]


class CoActivityLinker:
    """Pairs of young accounts sharing specific targets within a short window.

    Parameters
    ----------
    window
        Seconds within which two hits of one target count together.
    min_shared
        Distinct specific targets a pair must share to be linked.
    min_surprise
        How unlikely (``-log10`` probability) a target's recent hits must be, given its
        baseline share of young-account activity, for it to be specific: the accounts
        every newcomer is suggested to follow are hit often, but not surprisingly often.
    max_share
        Largest baseline share of young-account activity a specific target may have.
    min_text
        Shortest text compared as near-duplicate.
    warmup
        Activities the baseline must have seen before any target counts as specific.
    capacity
        Recent activities remembered (ring size); also bounds the target and pair tables.
    seed
        Seed of the keyed hashes and the text MinHash.

    Examples
    --------
    >>> lk = CoActivityLinker(window=600, warmup=0, min_surprise=0.0, max_share=1.0)
    >>> links = []
    >>> for i, acct in enumerate(("a", "b", "c")):
    ...     for j, tg in enumerate(("cust1", "cust2", "post9")):
    ...         links += lk.learn_one(acct, t=100.0 + 10 * i + j, target=tg)
    >>> sorted(links)
    [('a', 'b'), ('a', 'c'), ('b', 'c')]
    >>> lk.learn_one("d", t=5000.0, target="cust1")     # an hour later: no lockstep
    []
    """

    def __init__(self, window: float = 900.0, min_shared: int = 2, min_surprise: float = 3.0,
                 max_share: float = 0.003,
                 min_text: int = 20, warmup: float = 1000.0, capacity: int = 1 << 16,
                 current_half_life: float = 900.0, baseline_half_life: float = 86400.0, seed: int = 0):
        self.window = window
        self.min_shared = min_shared
        self.min_surprise = min_surprise
        self.max_share = max_share
        self.min_text = min_text
        self.warmup = warmup
        self._h_cur = math.log(2) / current_half_life
        self._h_base = math.log(2) / baseline_half_life
        self._hasher = KeyedHasher(seed=seed + 31_337)
        self._s1 = self._hasher.key_id("crc", "1") & 0xFFFFFFFF  # targets are public ids: crc32 suffices
        self._s2 = self._hasher.key_id("crc", "2") & 0xFFFFFFFF
        self._lsh = MinHashLSH(bands=2, rows=3, ngram=4, seed=seed + 23)
        self._targets = LRUDict(capacity * 2)  # key -> (current, baseline, t)
        self._base_total = 0.0
        self._cur_total = 0.0
        self._t_total = None
        self._recent = RecentIndex(capacity=capacity, table_bits=20, window=window, max_walk=12, light=True)
        self._pairs = LRUDict(capacity * 2)  # (a, b) -> set of shared targets
        self._memo = Memo(1 << 14)  # text -> keys: templates recur

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("_memo", Memo(1 << 14))  # pickled before the memo existed

    def targets(self, target: Optional[str], text: Optional[str]) -> list[int]:
        """Keys of one activity: its target and the bands of its text."""
        out = []
        if target:
            b = target.encode("utf-8", "surrogatepass")
            out.append((zlib.crc32(b, self._s1) << 32) | zlib.crc32(b, self._s2))
        if text and len(text) >= self.min_text:
            out += self._memo.lookup(text, self._text_keys, text)
        return out

    def _text_keys(self, text: str) -> tuple:
        # a tuple (memoised): the garbage collector stops tracking a tuple of ints
        sig = self._lsh.signature(normalize_text(text))
        return tuple([self._hasher.bytes_id("text", b) for b in self._lsh.bands_of(sig)])

    def _count(self, key: int, t: float) -> float:
        """Count a hit of a target; return how surprising its recent hits are,
        ``-log10 P(X >= current)`` with ``X ~ Poisson(baseline share x current total)``."""
        if self._t_total is None:
            self._t_total = t
        dt_tot = t - self._t_total
        if dt_tot > 0.0:  # time never decays backwards
            self._base_total *= math.exp(-self._h_base * dt_tot)
            self._cur_total *= math.exp(-self._h_cur * dt_tot)
            self._t_total = t
        self._base_total += 1.0
        self._cur_total += 1.0
        # (current, baseline, time) as a tuple, replaced: the garbage collector stops
        # tracking a tuple of floats (a list it tracks for as long as it lives)
        targets = self._targets
        e = targets.get(key)
        cur, base, te = (0.0, 0.0, t) if e is None else e
        dt = t - te
        if dt > 0.0:
            cur = cur * math.exp(-self._h_cur * dt) + 1.0
            base = base * math.exp(-self._h_base * dt)
            te = t
        else:  # no time has passed: no decay (a factor of exactly 1)
            cur += 1.0
        share = (base + 0.1) / (self._base_total + 10.0)
        if cur < 1.5 or share > self.max_share:  # first recent hit, or where everyone goes
            targets[key] = (cur, base + 1.0, te)
            return 0.0
        surprise = poisson_surprise(cur, share * self._cur_total)
        if not self._bursting(surprise):
            # a protected baseline: hits of a target while it bursts do not teach it that
            # the burst is normal (a campaign hitting its customers would otherwise make
            # them "where everyone goes" within minutes and hide its own lockstep)
            base += 1.0
        targets[key] = (cur, base, te)
        return surprise

    def _bursting(self, surprise: float) -> bool:
        """Is a target with this surprise specific enough to link accounts? Not during
        warm-up: until the baseline has some volume every target looks new."""
        return surprise >= self.min_surprise and self._base_total >= self.warmup

    def learn_one(self, account_id: str, t: float, target: Optional[str] = None,
                  text: Optional[str] = None) -> list[tuple[str, str]]:
        """Record one activity of a young account; return pairs newly linked by it."""
        keys = self.targets(target, text)
        if not keys:
            return []
        specific = []
        for k in keys:
            if self._bursting(self._count(k, t)):
                specific.append(k)
        links = []
        if specific:
            seen = set()  # one activity adds at most one shared target to a pair
            for k in specific:
                for s in self._recent.carriers(k, t):
                    other = self._recent.account(s)
                    if other == account_id or other in seen:
                        continue
                    seen.add(other)
                    pk = (account_id, other) if account_id < other else (other, account_id)
                    got = self._pairs.get(pk)
                    if got is None:
                        got = set()
                        self._pairs[pk] = got
                    before = len(got)
                    if before < self.min_shared + 2:
                        got.add(k)
                    if before < self.min_shared <= len(got):
                        links.append(pk)
        self._recent.add(account_id, t, keys, b"")
        return links

    def score_one(self, a: str, b: str) -> int:
        """Distinct specific targets ``a`` and ``b`` have shared."""
        pk = (a, b) if a < b else (b, a)
        got = self._pairs.peek(pk)
        return len(got) if got else 0

    def __len__(self) -> int:
        return len(self._pairs)
