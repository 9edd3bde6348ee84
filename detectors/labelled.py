"""Templates learned from labels: the exact values that accounts labelled spam share.

A farm that signs up slowly and shares little at a time (a username pattern, a data
centre's /16, one mail domain) teaches the burst baseline its values as normal before
any of them bursts: its members link to nothing and join no wave. Moderators' labels
come an hour or two later, one account at a time. Accounts labelled spam that share
several exact values (each common alone, together rare) are a template: every signup
carrying all of them, before the labels or after, is one more account of the same farm.

A template is the values two spam seeds share, grouped (a handle, a mail address, a
network, a device, an avatar, a bio link; a client, a flow, a referrer, a country and
language). It is kept only if it spans at least ``min_groups`` groups that are not
``weak`` (context that crowds share: an app's users share its client) and if the
product over groups of the rarest value's baseline share is at most ``max_share``
(the share of signups that would carry all its values by chance, were the groups
independent; the farm's own signups raise each share, so the estimate errs high).
It acts once ``min_seeds`` accounts labelled spam carry it and none labelled benign
does, or too few to outvote them (``label_error``): two stray spam labels on a campus
share its network and its mail domain, and labels are sometimes wrong the other way too.
It must also be concentrated (``min_concentration``): for one of its groups, the
remembered signups that carry all its values must be most of those that carry all but
that group's (a farm is most of its data centre's /16; people who share a common handle
pattern and their ISP's /16 with a farm are not). A later
benign label on a carrier retires it, unless the carriers labelled spam outvote those
labelled benign (more than ``1 / label_error`` to one): a farm of hundreds gets a wrong
benign label or two among its dozens of right ones.

A wave the engine confirmed is a source of templates too (:meth:`LabelTemplates.from_wave`):
the values that ``wave_frac`` of its suspended members carry, if there are
``wave_min_members`` of them, under the same group and concentration rules and a chance
share of at most ``wave_max_share`` (a wave is many seeds, not three). Its members that
never linked to it (a slow farm whose shared values the baseline learned as they came,
members signed up before it burst or after it went quiet) carry them too.

Pure and bounded: the values of the last ``max_accounts`` signups (key ids only, no
raw data, in a ring), the last ``max_seeds`` spam seeds and ``max_templates`` templates.

References
----------
Cao, Yang, Yu, Palow. *Uncovering Large Groups of Active Malicious Accounts in Online
Social Networks*. CCS 2014 (SynchroTrap: clustering accounts on shared attributes).
Freeman. *Using Naive Bayes to Detect Spammy Names in Social Networks*. AISec 2013
(names as patterns learned from labelled accounts).

Examples
--------
>>> lt = LabelTemplates(groups=(0, 1, 2), max_share=1e-3, min_groups=2, min_seeds=2)
>>> lt.remember("a", 0.0, (11, 22, 33))
>>> lt.remember("b", 5.0, (11, 22, 44))
>>> lt.spam("a", 100.0, lambda keys, slots: [0.01] * len(keys))   # one seed: no template yet
[]
>>> [tp] = lt.spam("b", 200.0, lambda keys, slots: [0.01] * len(keys))
>>> sorted(tp.keys), tp.seeds, lt.carriers(tp)
([11, 22], 2, ['a', 'b'])
>>> lt.match((11, 22, 55)) is tp, lt.match((11, 66, 55))
(True, None)
>>> lt.remember("c", 300.0, (11, 22, 77))
>>> lt.benign("c", 400.0)
1
>>> lt.match((11, 22, 55)) is None
True
"""
from __future__ import annotations

import inspect
from collections import deque
from typing import Callable, Iterable, Optional

import numpy as np

from detectors.bounded import LRUDict

__all__ = ["LabelTemplates", "Template"]


class Template:
    """The values two or more spam seeds share: ``keys`` (key ids), ``slots`` (their
    positions in the remembered tuple), ``share`` (chance share), ``seeds``, ``hits``;
    ``origin``: the wave whose suspended members it is made of (None: spam labels)."""

    __slots__ = ("keys", "slots", "ordered", "share", "seeds", "hits", "last", "dead", "active", "tid",
                 "concentration", "origin")

    def __init__(self, tid: int, slots: tuple, ordered: tuple, share: float, seeds: int, t: float,
                 origin: Optional[str] = None):
        self.tid = tid
        self.origin = origin
        self.slots = slots
        self.ordered = ordered  # the key id at each of ``slots``
        self.keys = frozenset(ordered)
        self.share = share
        self.seeds = seeds
        self.hits = 0
        self.active = False  # seeded enough to act on
        self.concentration = 0.0  # (LabelTemplates._concentration) when it became active
        self.last = t
        self.dead = False

    def kill(self) -> None:
        """Stop acting for good (a benign label, a cleared wave, a failed activation)."""
        self.dead = True
        self.active = False

    def __setstate__(self, state):
        self.origin = None  # a snapshot from before wave templates
        for k, v in (state[1] if isinstance(state, tuple) else state).items():
            setattr(self, k, v)


class LabelTemplates:
    """Spam-label templates (see the module docstring).

    Parameters
    ----------
    groups
        The group of each position of a remembered tuple of key ids (values in one group
        are nested or near-synonyms: a /24 and its /16; only the rarest counts).
    max_share
        A template's chance share must be at most this.
    min_groups
        A template must span at least this many groups that are not ``weak``.
    min_seeds
        A template acts once this many accounts labelled spam carry it.
    weak
        Groups that do not count towards ``min_groups``.
    min_concentration
        A template acts only if its concentration (:meth:`_concentration`) is at least this.
    max_accounts, max_seeds, max_templates
        Caps: signups remembered, spam seeds compared, templates kept.
    ttl
        A template not seeded (nor renewed by its wave) for this long (event time) is dropped.
    wave_frac, wave_min_members, wave_max_share
        A wave's template (:meth:`from_wave`): the values this share of its suspended members
        carry, at least this many of them, and its chance share at most this.
    label_error
        Labels are sometimes wrong: a template dies once its remembered carriers labelled
        benign are more than this share of those labelled spam (one benign label kills a
        template with fewer than ``1 / label_error`` spam-labelled carriers).
    """

    def __init__(self, groups: tuple, max_share: float = 1e-4, min_groups: int = 2, min_seeds: int = 3,
                 weak: tuple = (), min_concentration: float = 0.0, max_accounts: int = 100_000,
                 max_seeds: int = 256, max_templates: int = 512, ttl: float = 6 * 3600.0,
                 wave_frac: float = 0.9, wave_min_members: int = 8, wave_max_share: float = 1e-3,
                 label_error: float = 0.2):
        self.groups = tuple(groups)
        self.weak = frozenset(weak)
        self.max_share = max_share
        self.wave_frac = wave_frac
        self.wave_min_members = wave_min_members
        self.wave_max_share = wave_max_share
        self.label_error = label_error
        self.min_groups = min_groups
        self.min_seeds = min_seeds
        self.min_concentration = min_concentration
        self.ttl = ttl
        # the last max_accounts signups: key ids by position (0 = none), a ring
        self._vals = np.zeros((max_accounts, len(self.groups)), dtype=np.uint64)
        self._ids: list = [None] * max_accounts
        self._benign = np.zeros(max_accounts, dtype=bool)  # labelled benign (the last label)
        self._spam = np.zeros(max_accounts, dtype=bool)  # labelled spam (the last label)
        self._ts = np.full(max_accounts, -np.inf)  # signup times
        self._row: dict = {}  # account -> its row in the ring
        self._pos = 0
        self._seeds: deque = deque(maxlen=max_seeds)  # (account, key ids)
        self._templates = LRUDict(max_templates)  # frozenset of key ids -> Template
        self._by_key: dict = {}  # key id -> {tid: Template}
        self._next = 0

    def __setstate__(self, state):
        for k in ("wave_frac", "wave_min_members", "wave_max_share", "label_error"):  # an older snapshot
            state.setdefault(k, _DEFAULTS[k])
        if "_spam" not in state:
            state["_spam"] = np.zeros(len(state["_benign"]), dtype=bool)
        self.__dict__.update(state)

    def remember(self, account_id: str, t: float, keys: tuple) -> None:
        """Keep a signup's key ids (position by position, 0 where it has none)."""
        i = self._pos
        old = self._ids[i]
        if old is not None and self._row.get(old) == i:
            del self._row[old]
        self._ids[i] = account_id
        self._vals[i] = keys
        self._benign[i] = False
        self._spam[i] = False
        self._ts[i] = t
        self._row[account_id] = i
        self._pos = (i + 1) % len(self._ids)

    def keys_of(self, account_id: str) -> Optional[tuple]:
        i = self._row.get(account_id)
        return None if i is None else tuple(self._vals[i].tolist())

    def _carrying(self, slots: tuple, ordered: tuple) -> np.ndarray:
        vals = self._vals
        mask = None
        for i, k in zip(slots, ordered):
            m = vals[:, i] == np.uint64(k)
            mask = m if mask is None else (mask & m)
        return mask

    def _concentration(self, tp: "Template", carrying: np.ndarray) -> float:
        """How much of its values' co-occurrence is the template's own: over its groups
        that are not weak, the most of (remembered signups carrying all its values) /
        (those carrying all but that group's). A farm in a data centre's /16 is most of
        the /16's signups with its other values (near 1); people who share a common
        handle pattern and their ISP's /16 with a farm are a small part of it. ``carrying``:
        :meth:`_carrying` of all its values."""
        groups = self.groups
        full = int(np.count_nonzero(carrying))
        best = 0.0
        for g in {groups[i] for i in tp.slots} - self.weak:
            rest = [(i, k) for i, k in zip(tp.slots, tp.ordered) if groups[i] != g]
            if not rest:
                continue
            n = int(np.count_nonzero(self._carrying(*zip(*rest))))
            if n and full / n > best:
                best = full / n
        tp.concentration = best
        return best

    def carriers(self, tp: "Template", since: float = -np.inf) -> list:
        """The remembered accounts signed up at ``since`` or later that carry all of
        ``tp``'s values (oldest first)."""
        rows = np.flatnonzero(self._carrying(tp.slots, tp.ordered) & (self._ts >= since)).tolist()
        ids, pos = self._ids, self._pos
        n = len(ids)
        rows.sort(key=lambda r: (r - pos) % n)
        return [ids[r] for r in rows if ids[r] is not None]

    def _carried(self, keys: Iterable) -> list:
        """The templates (dead or alive) all of whose values ``keys`` carries."""
        by = self._by_key
        if by.keys().isdisjoint(keys):  # most signups: one pass in C
            return []
        hits: dict = {}
        tps: dict = {}
        for k in keys:
            d = by.get(k)
            if d:
                for tid, tp in d.items():
                    hits[tid] = hits.get(tid, 0) + 1
                    tps[tid] = tp
        return [tp for tid, tp in tps.items() if hits[tid] == len(tp.keys)]

    def match(self, keys: Iterable, t: float = -np.inf) -> Optional[Template]:
        """The active template all of whose values ``keys`` carries (the most seeded), or
        None; at ``t``, not one due to expire (read-only)."""
        best = None
        for tp in self._carried(keys):
            if tp.active and t - tp.last <= self.ttl and (best is None or tp.seeds > best.seeds):
                best = tp
        return best

    def spam(self, account_id: str, t: float, share: Callable[[list, tuple], list]) -> list:
        """A spam label: one seed more for each template the account carries, and new
        templates of the values it shares with earlier seeds; returns the templates that
        became active (``min_seeds`` seeds, no carrier labelled benign).
        ``share(keys, slots)`` gives each key id's baseline share (``slots``: their positions)."""
        self.expire(t)
        mine = self.keys_of(account_id)
        if mine is None:
            return []
        row = self._row[account_id]
        self._spam[row], self._benign[row] = True, False
        grown = []
        for tp in self._carried(mine):
            if not tp.dead:
                tp.seeds += 1
                tp.last = t
                self._templates.get(tp.keys)  # the least recently seeded expire first
                grown.append(tp)
        for other, theirs in self._seeds:
            if other == account_id:
                continue
            slots = tuple(i for i, (a, b) in enumerate(zip(mine, theirs)) if a and a == b)
            if not slots:
                continue
            grp = {self.groups[i] for i in slots} - self.weak
            if len(grp) < self.min_groups:
                continue
            keys = frozenset(mine[i] for i in slots)
            if keys in self._templates:
                continue
            chance = self._chance(slots, [mine[i] for i in slots], share)
            if chance > self.max_share:
                continue
            # its seeds: this one and every earlier one carrying it
            seeds = 1 + sum(1 for o, th in self._seeds if o != account_id and all(th[i] == mine[i] for i in slots))
            grown.append(self._add(slots, tuple(mine[i] for i in slots), chance, seeds, t))
        self._seeds.append((account_id, mine))
        return [tp for tp in grown if not tp.active and tp.seeds >= self.min_seeds and self._activate(tp)]

    def _chance(self, slots: tuple, ordered: list, share: Callable[[list, tuple], list]) -> float:
        """The share of signups that would carry all of these values by chance: the product
        over groups of the rarest value's baseline share (``share``: see :meth:`spam`)."""
        low: dict = {}
        for i, p in zip(slots, share(ordered, slots)):
            g = self.groups[i]
            if p < low.get(g, 2.0):
                low[g] = p
        chance = 1.0
        for p in low.values():
            chance *= p
        return chance

    def _activate(self, tp: "Template") -> bool:
        """Make a template act, unless an account labelled benign carries it (a crowd with
        stray spam labels) or it is not concentrated: then it is dead."""
        carrying = self._carrying(tp.slots, tp.ordered)
        if self._outvoted(carrying) or self._concentration(tp, carrying) < self.min_concentration:
            tp.kill()
            return False
        tp.active = True
        return True

    def _outvoted(self, carrying: np.ndarray) -> bool:
        """Whether the carriers (``carrying``: :meth:`_carrying`) labelled benign are more
        than ``label_error`` of those labelled spam."""
        b = int(np.count_nonzero(self._benign & carrying))
        return b > 0 and b > self.label_error * int(np.count_nonzero(self._spam & carrying))

    def from_wave(self, wave_id: str, account_ids: list, t: float,
                  share: Callable[[list, tuple], list]) -> Optional["Template"]:
        """The template of a confirmed wave: the values that ``wave_frac`` of its suspended
        members (``account_ids``, those remembered; at least ``wave_min_members``) carry.
        Returns it if it becomes active now (a new one, or a label template it completes);
        one already active is renewed. None if the values span too few groups, are too
        common together or not concentrated, or a benign carrier blocks them."""
        rows = [r for r in map(self._row.get, account_ids) if r is not None]
        if len(rows) < self.wave_min_members:
            return None
        vals = self._vals[rows]
        slots, ordered = [], []
        for i in range(vals.shape[1]):
            v, n = np.unique(vals[:, i], return_counts=True)
            j = int(np.argmax(n))
            if v[j] and n[j] >= self.wave_frac * len(rows):
                slots.append(i)
                ordered.append(int(v[j]))
        if len({self.groups[i] for i in slots} - self.weak) < self.min_groups:
            return None
        tp = self._templates.get(frozenset(ordered))
        if tp is not None:
            if tp.dead:
                return None
            tp.last = t
            return tp if not tp.active and self._activate(tp) else None
        slots = tuple(slots)
        chance = self._chance(slots, ordered, share)
        if chance > self.wave_max_share:
            return None
        tp = self._add(slots, tuple(ordered), chance, len(rows), t, wave_id)
        return tp if self._activate(tp) else None

    def retire(self, wave_id: str) -> int:
        """A wave was cleared (its members labelled benign): retire its templates."""
        n = 0
        for tp in self._templates.values():
            if tp.origin == wave_id and not tp.dead:
                tp.kill()
                n += 1
        return n

    def benign(self, account_id: str, t: float) -> int:
        """A benign label: retire the templates the account carries whose carriers labelled
        spam do not outvote those labelled benign (:meth:`_outvoted`); returns how many."""
        mine = self.keys_of(account_id)
        if mine is None:
            return 0
        row = self._row[account_id]
        self._benign[row], self._spam[row] = True, False
        n = 0
        for tp in self._carried(mine):
            if not tp.dead and self._outvoted(self._carrying(tp.slots, tp.ordered)):
                tp.kill()
                n += 1
        return n

    def _add(self, slots: tuple, ordered: tuple, chance: float, seeds: int, t: float,
             origin: Optional[str] = None) -> Template:
        self._next += 1
        tp = Template(self._next, slots, ordered, chance, seeds, t, origin)
        keys = tp.keys
        old = None
        if len(self._templates) >= self._templates.capacity:
            old = self._templates.oldest()
        self._templates[keys] = tp
        if old is not None:
            self._drop(old[1])
        for k in keys:
            self._by_key.setdefault(k, {})[tp.tid] = tp
        return tp

    def _drop(self, tp: Template) -> None:
        for k in tp.keys:
            d = self._by_key.get(k)
            if d is not None:
                d.pop(tp.tid, None)
                if not d:
                    del self._by_key[k]

    def expire(self, t: float) -> None:
        """Drop the templates not seeded for ``ttl`` before ``t``."""
        while True:
            kv = self._templates.oldest()
            if kv is None or t - kv[1].last <= self.ttl:
                return
            self._templates.pop(kv[0])
            self._drop(kv[1])

    def touch(self, tp: Template, t: float) -> None:
        """A signup matched ``tp``: count it. (Only seeds keep a template alive: one that
        people match by chance must not live on by their signups.)"""
        tp.hits += 1

    def active(self) -> int:
        """Templates acting now."""
        return sum(1 for tp in self._templates.values() if tp.active)

    def __len__(self) -> int:
        return len(self._templates)


_DEFAULTS = {k: p.default for k, p in inspect.signature(LabelTemplates.__init__).parameters.items()}
