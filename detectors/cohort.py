"""Co-activity links: new accounts that act on the same unusual targets together.

Some waves rotate every profile trait and are visible only in what they do after
signup: they follow the same handful of customer accounts, repost the same post and
reply with the same template within minutes. For each activity of a young account
this detector

1. keeps decayed counts per target (a followed account, a post, a near-duplicate
   text band) now and over a long baseline; a target is *specific* when its recent
   hits are a surprisingly large part of its hits (a two-sample binomial test against
   the part recent activity is of all activity, so that a young baseline asks for more
   hits) and at least ``min_ratio`` times its usual rate (the accounts every newcomer
   is suggested to follow are hit all the time, and are not; nor are they when an
   app-store feature makes them three times as busy). A followed account must be
   ``follow_ratio`` times its usual rate: an app suggests accounts per country, and a
   feature that brings a small country's newcomers makes its list several times as busy
   at once. Hits of a bursting target are held out of the baseline for up to ``hold``
   seconds;
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
from math import exp
from typing import Optional

from detectors.bounded import LRUDict, Memo
from detectors.keyed import KeyedHasher
from detectors.minhash import MinHashLSH, post_words
from detectors.recent import RecentIndex

__all__ = ["CoActivityLinker", "binomial_surprise"]

_TWIN = 0x5A5A5A5A5A5A5A5A  # a long text's band key, counted as a second shared target (``k ^ _TWIN``)
_NEVER = -math.inf  # "protected since" of a target no flagged wave linked on


def binomial_surprise(k: float, n: float, p: float) -> float:
    """``-log10`` of the Chernoff bound on ``P(X >= k)`` for ``X ~ Binomial(n, p)``
    (counts may be decayed, i.e. fractional); 0 when ``k <= n p``.

    >>> round(binomial_surprise(10, 10, 0.5), 2), binomial_surprise(3, 10, 0.5)
    (3.01, 0.0)
    """
    if n <= 0.0 or k <= n * p:
        return 0.0
    if p <= 0.0:
        return 300.0
    q = min(1.0, k / n)
    kl = q * math.log(q / p)
    if q < 1.0:
        kl += (1.0 - q) * math.log((1.0 - q) / (1.0 - p))
    return min(300.0, n * kl / math.log(10))


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
    min_ratio
        How many times its usual rate a target's recent hits must be to be specific.
    follow_ratio
        The same for a followed account (an activity learned with ``follow=True``).
        Fresh seed 314 (written unseen): an app-store feature brought 622 newcomers in
        an hour, a fifth of them from Australia, whose few newcomers are usually the
        only ones who follow the accounts the app suggests to Australians. Two of those
        accounts were followed 6.8 and 36 times their usual rate; 7 newcomers who had
        both followed them within minutes formed a wave, and 42 were suspended with it
        (seed 131: 7 of a flash crowd that followed the show's account at 5.1 times its
        rate). Likes and replies of a farm's posts run at 5 to 14 times a post's rate
        and keep ``min_ratio``.
    hold
        Seconds a target's hits are held out of the baseline while it bursts (then they
        are learned, at its next hit, bursting or not: a burst that lasts is the new
        normal, and one that ended is history).
    protect_hold
        Seconds after a flagged wave last linked a pair on a target (:meth:`protect`)
        during which every hit of it is held out of the baseline, bursting or not. Fresh
        seed 336 (written unseen): a farm liking 13 posts in bursts for five hours
        paused for half an hour after three; its first hits after the pause were too few
        to be a surprise and were learned, no pair linked, the protection lapsed an hour
        after the last link and the held hits were learned too: from the fourth hour on
        no like of the farm's was specific.
    min_text
        Shortest text compared as near-duplicate.
    long_text
        Shortest text whose near-duplicate counts as two shared targets: a farm posting
        one templated message per account (a job offer with its link) shares no second
        target, and a long text written alike by two accounts within minutes says as much
        as two (the replies a crowd writes to one post are short).
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
                 max_share: float = 0.003, min_ratio: float = 5.0, follow_ratio: float = 10.0,
                 hold: float = 3600.0, protect_hold: float = 7200.0,
                 min_text: int = 20, long_text: int = 60, warmup: float = 1000.0, capacity: int = 1 << 16,
                 current_half_life: float = 900.0, baseline_half_life: float = 86400.0, seed: int = 0):
        self.window = window
        self.min_shared = min_shared
        self.min_surprise = min_surprise
        self.max_share = max_share
        self.min_ratio = min_ratio
        self.follow_ratio = follow_ratio
        self.hold = hold
        self.protect_hold = protect_hold
        self.min_text = min_text
        self.long_text = long_text
        self.warmup = warmup
        self._h_cur = math.log(2) / current_half_life
        self._h_base = math.log(2) / baseline_half_life
        self._hasher = KeyedHasher(seed=seed + 31_337)
        self._s1 = self._hasher.key_id("crc", "1") & 0xFFFFFFFF  # targets are public ids: crc32 suffices
        self._s2 = self._hasher.key_id("crc", "2") & 0xFFFFFFFF
        self._lsh = MinHashLSH(bands=2, rows=3, ngram=4, seed=seed + 23)
        self._targets = LRUDict(capacity * 2)  # key -> [current, baseline, t(, held back, since)]
        self._base_total = 0.0
        self._cur_total = 0.0
        self._t_total = None
        self._recent = RecentIndex(capacity=capacity, table_bits=20, window=window, max_walk=12, light=True)
        self._pairs = LRUDict(capacity * 2)  # (a, b) -> set of shared targets
        self._memo = Memo(1 << 14)  # text -> keys: templates recur
        self.specific: list = []  # the specific targets of the last activity learned
        self.target_key: Optional[int] = None  # the key of the last activity's target (if it had one)
        self._protected = LRUDict(1 << 12)  # target -> when a flagged wave last linked a pair on it

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("_memo", Memo(1 << 14))  # pickled before the memo existed
        self.__dict__.setdefault("min_ratio", 5.0)  # pickled before the ratio test
        self.__dict__.setdefault("follow_ratio", 10.0)  # ... and before follows had their own
        self.__dict__.setdefault("hold", 3600.0)  # ... and before held hits were learned
        self.__dict__.setdefault("protect_hold", 7200.0)  # ... and before protection held every hit
        self.__dict__.setdefault("specific", [])
        self.__dict__.setdefault("long_text", 60)
        self.__dict__.setdefault("target_key", None)
        self.__dict__.setdefault("_protected", LRUDict(1 << 12))

    def targets(self, target: Optional[str], text: Optional[str]) -> list[int]:
        """Keys of one activity: its target and the bands of its text."""
        out = []
        if target:
            b = target.encode("utf-8", "surrogatepass")
            out.append((zlib.crc32(b, self._s1) << 32) | zlib.crc32(b, self._s2))
        if text and len(text) >= self.min_text:  # (without its links it is shorter still)
            out += self._memo.lookup(text, self._text_keys, text)
        return out

    def _text_keys(self, text: str) -> tuple:
        # a tuple (memoised): the garbage collector stops tracking a tuple of ints.
        # Posts alike in their words, not their links: a crowd sharing one page ends many
        # different sentences with the same long link (:func:`~detectors.minhash.post_words`)
        words = post_words(text, self.min_text)
        if not words:  # a post that is little more than a link: no text keys
            return ()
        sig = self._lsh.signature(words)
        return tuple([self._hasher.bytes_id("text", b) for b in self._lsh.bands_of(sig)])

    def _count(self, key: int, t: float, ratio: float) -> float:
        """Count a hit of a target; return how surprising its recent hits are against its
        history (:func:`binomial_surprise`; 0 below ``ratio`` x its usual rate)."""
        h_cur, h_base = self._h_cur, self._h_base
        if self._t_total is None:
            self._t_total = t
        dt_tot = t - self._t_total
        if dt_tot > 0.0:  # time never decays backwards
            base_total = self._base_total * exp(-h_base * dt_tot) + 1.0
            cur_total = self._cur_total * exp(-h_cur * dt_tot) + 1.0
            self._t_total = t
        else:
            base_total = self._base_total + 1.0
            cur_total = self._cur_total + 1.0
        self._base_total, self._cur_total = base_total, cur_total
        e = self._targets.get(key)
        if e is None:
            e = [0.0, 0.0, t]
            self._targets[key] = e
        dt = t - e[2]
        if dt > 0.0:
            e[0] = e[0] * exp(-h_cur * dt) + 1.0
            e[1] = e[1] * exp(-h_base * dt)
            e[2] = t
        else:  # no time has passed: no decay (a factor of exactly 1)
            e[0] += 1.0
        # the target's history: the baseline learned its recent hits too, and on a young
        # baseline a new target's own burst would otherwise be most of its history
        hist = e[1] - e[0]
        hist = hist if hist > 0.0 else 0.0  # max(0.0, ...) without the call
        rest = base_total - cur_total
        share = (hist + 0.1) / ((rest if rest > 0.0 else 0.0) + 10.0)
        if e[0] < 1.5 or share > self.max_share:  # first recent hit, or where everyone goes
            e[1] += 1.0
            return 0.0
        # are the target's recent hits a larger part of its hits than recent activity is
        # of all activity? (a two-sample test: on a young baseline, where recent activity
        # is most of it, only many hits are a surprise)
        surprise = binomial_surprise(e[0], e[0] + hist, self._cur_total / self._base_total)
        if e[0] < ratio * share * self._cur_total:
            # a few times its usual rate (the accounts an app suggests, during an
            # app-store feature) is a popular target, not a specific one
            surprise = 0.0
        # a protected baseline: hits of a target while it bursts do not teach it that the
        # burst is normal (a campaign hitting its customers would otherwise make them "where
        # everyone goes" within minutes and hide its own lockstep), nor do any hits while a
        # flagged wave links on it (:meth:`protect`: a farm's pause between bursts would
        # otherwise teach the baseline its rate) ...
        protected = t - self._protected.peek(key, _NEVER) <= self.protect_hold
        bursting = self._bursting(surprise)
        if protected or bursting:
            if len(e) == 3:
                e += [1.0, t]  # held-back hits (not decayed: held an hour at most), since when
            else:
                e[3] += 1.0
        else:
            e[1] += 1.0
        # ... held back for ``hold``, then learned unless protected: a burst that lasts is
        # the new normal, one that ended is history
        if len(e) > 3 and e[3] > 0.0 and t - e[4] > self.hold:
            if bursting:  # a target still bursting stays among the protected longest (LRU)
                protected = t - self._protected.get(key, _NEVER) <= self.protect_hold
            if not protected:
                e[1] += e[3]
                e[3] = 0.0
                e[4] = t
        return surprise

    def _bursting(self, surprise: float) -> bool:
        """Is a target with this surprise specific enough to link accounts? Not during
        warm-up: until the baseline has some volume every target looks new."""
        return surprise >= self.min_surprise and self._base_total >= self.warmup

    def learn_one(self, account_id: str, t: float, target: Optional[str] = None,
                  text: Optional[str] = None, follow: bool = False) -> list[tuple[str, str]]:
        """Record one activity of a young account; return pairs newly linked by it.
        ``follow``: ``target`` is an account it followed (:attr:`follow_ratio`)."""
        keys = self.targets(target, text)
        self.target_key = keys[0] if target else None
        if not keys:
            self.specific = []
            return []
        specific = []
        ratio = self.follow_ratio if follow and target else self.min_ratio
        for k in keys:
            # (:meth:`_bursting` inlined: it reads the total :meth:`_count` has just updated)
            if self._count(k, t, ratio) >= self.min_surprise and self._base_total >= self.warmup:
                specific.append(k)
            ratio = self.min_ratio  # a text's bands (a follow has none)
        self.specific = specific
        links = []
        if specific:
            # a long text's bands count twice (:attr:`long_text`): its keys after the target's
            twice = keys[1 if target else 0:] if text is not None and len(text) >= self.long_text else ()
            seen = set()  # one activity adds at most one shared target to a pair (two for a long text)
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
                        if k in twice:
                            got.add(k ^ _TWIN)
                    if before < self.min_shared <= len(got):
                        links.append(pk)
        self._recent.add(account_id, t, keys, b"")
        return links

    def shared(self, a: str, b: str) -> frozenset:
        """The specific targets ``a`` and ``b`` have shared (keys as in :meth:`targets`)."""
        pk = (a, b) if a < b else (b, a)
        got = self._pairs.peek(pk)
        return frozenset(got) if got else frozenset()

    def protect(self, key: int, t: float) -> None:
        """A wave flagged by the engine linked a pair on target ``key`` at ``t``: for
        ``protect_hold`` after, no hit of the target is learned (a campaign that keeps
        hitting its customers for hours would otherwise stop linking its own later
        accounts: never let a baseline learn from the wave it flags)."""
        self._protected[key] = t

    def baseline(self, key: int) -> float:
        """The hits of target ``key`` its baseline has learned (decayed; 0 if unknown)."""
        e = self._targets.peek(key)
        return e[1] if e is not None else 0.0

    def new_target(self, key: int, most: float = 1.5) -> bool:
        """Had the baseline (past its warm-up) seen target ``key`` at most ``most``
        times? (Just after its first hit: a target nobody had acted on.)"""
        return self._base_total >= self.warmup and self.baseline(key) <= most

    def score_one(self, a: str, b: str) -> int:
        """Distinct specific targets ``a`` and ``b`` have shared."""
        return len(self.shared(a, b))

    def __len__(self) -> int:
        return len(self._pairs)
