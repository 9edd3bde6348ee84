"""The decision engine: the one pure object every adapter calls.

``Engine.process(event) -> list[Decision]`` is what the Faust worker, the offline
``breakwater evaluate`` and the signup-check endpoint share, so that the same input
gives the same decisions everywhere. Event time only, no I/O, no wall clock, never
``truth``; every piece of state has a hard cap.

Per signup:

1. :class:`~detectors.signatures.SignatureExtractor` turns it into lookalike keys.
2. :class:`~detectors.burst.BurstDetector` counts them now and compares with the
   protected baseline (burst z-scores, baseline shares).
3. :class:`~detectors.recent.RecentIndex` finds recent signups sharing rare keys;
   those linked strongly enough (and through at least one identity trait) join or
   form a :class:`~detectors.waves.Wave`.
4. :class:`~detectors.scoring.WaveScorer` scores the wave (prior + label model) and
   :class:`~detectors.policy.Policy` turns the score into idempotent decisions —
   retroactively for earlier members when a wave is first confirmed.
5. After ``protect_delay`` seconds, signups whose wave was never flagged are folded
   into the baseline; flagged waves never are.

Per activity of a wave member, :class:`~detectors.lockstep.LockstepTracker` adds
lockstep evidence. Per label, the model learns, waves are confirmed or cleared, and
benign accounts are released.
"""
from __future__ import annotations

import math
from math import sqrt
from collections import deque
from dataclasses import dataclass, field
from typing import Iterable, Optional

import numpy as np
from numpy._core import umath as np_umath

from streams.contract import Activity, Decision, Event, Label, Signup

from detectors.bounded import FifoSet, LRUDict
from detectors.burst import BurstDetector
from detectors.cohort import CoActivityLinker
from detectors.config import SETTINGS, defaults, validate_all
from detectors.explain import score_reason, wave_context, wave_reasons
from detectors.keyed import KeyedHasher
from detectors.labelled import LabelTemplates
from detectors.lockstep import LockstepTracker
from detectors.policy import CHALLENGED, NONE, SUSPENDED, Policy
from detectors.recent import RecentIndex
from detectors.scoring import FEATURES, WaveScorer
from detectors.signatures import KIND_INDEX, KINDS, PART_OF, Signature, SignatureExtractor, full_name
from detectors.waves import ID_TRAIT_MIN, ONE_ORIGIN, Wave

__all__ = ["Engine", "Assessment"]

_PRIOR = np.array([k.prior_p for k in KINDS], dtype=np.float64)
_LINKW = tuple(k.link for k in KINDS)
# near-duplicate texts (LSH bands of usernames, display names, bios): while one is
# bursting it links like a rare value (see :meth:`Engine._score_keys`)
_TEXT = tuple(k.name in ("uname_sim", "dname_sim", "bio_sim") for k in KINDS)
# kinds that link only while they burst, however rare their values: the site a bio links to.
# People link to their own pages on a few big services; a site a farm appends to every bio
# arrives far more often than its baseline says (see :meth:`Engine._score_keys`)
_BURST_ONLY = tuple(k.name in ("bio_link", "uname_recipe") for k in KINDS)
assert len(KINDS) <= 32  # a kind index fits in 5 bits (``Engine._links``)
_IS_ID = tuple(k.group == "id" for k in KINDS)
# the kind a link through each kind counts as (:meth:`Engine._links`): a kind that is part of
# another's trait (PART_OF: a bio and the site it links to) counts as it, the stronger link
_LINK_SLOT = tuple(KIND_INDEX[PART_OF.get(k.name, k.name)] for k in KINDS)
_EMAIL_DOMAIN = KIND_INDEX["email_domain"]
_RECIPE = KIND_INDEX["uname_recipe"]
# the exact values a spam-label template may share (:class:`LabelTemplates`), by group:
# nested or near-synonym values are one group (a /24 and its /16), the rarest counts.
# A client, a flow, a referrer, a country are context, not a template alone: an app's users
# share its client and their handles one common pattern (in the 207 evaluation files,
# templates of a handle pattern or a mail domain and a client suspended 399 farm accounts
# and 36 people; all others 6,833 and 43)
_TEMPLATE_GROUPS = (("uname_shape", "uname_tmpl", "uname_recipe"), ("email_shape", "email_domain"),
                    ("ip24", "ip16", "ip48"), ("device",), ("avatar",), ("bio_link",),
                    ("ua", "ua_locale"), ("flow",), ("referrer",), ("locale",))
_TEMPLATE_WEAK = tuple(i for i, g in enumerate(_TEMPLATE_GROUPS) if g[0] in ("ua", "flow", "referrer", "locale"))
# a template that becomes active suspends the carriers that signed up this long before at most:
# over a day of signups, the people who carry a farm's common values by chance add up
_TEMPLATE_REACH = 4 * 3600.0
# a template acts only if, for one of its groups, most remembered signups carrying its other values
# carry that one too (LabelTemplates._concentration): in the 207 evaluation files and the two
# 24-hour ones, the templates under 0.4 suspended 308 farm accounts and 23 people
_TEMPLATE_CONCENTRATION = 0.4
_TEMPLATE_KINDS = tuple(KIND_INDEX[n] for g in _TEMPLATE_GROUPS for n in g)
_TEMPLATE_GROUP = tuple(i for i, g in enumerate(_TEMPLATE_GROUPS) for _ in g)
_TEMPLATE_SLOT = tuple(_TEMPLATE_KINDS.index(c) if c in _TEMPLATE_KINDS else -1 for c in range(len(KINDS)))
# a sign-up recipe (username and display-name patterns, flow, device id or not) that more signups
# than this carried in the baseline says nothing: a crowd bursts in the common ones (:meth:`Engine._score_keys`)
_RECIPE_COMMON = 0.001
_UA_KINDS = (KIND_INDEX["ua"], KIND_INDEX["ua_locale"])  # a user agent alone and with the locale
_FULL_SURPRISE = 6.0  # -log10 P: a one-in-a-million count gives a key its full weight
_EMAIL_SHAPE = KIND_INDEX["email_shape"]
# trait groups for "carried by two kinds of trait": near-identical texts (names, bio) are
# one trait; referrer, locale and flow are what crowds share and count for nothing
_TRAIT_GROUP = tuple("" if k.name in ("referrer", "locale", "flow") else
                     "text" if PART_OF.get(k.name, k.name) in ("uname_sim", "dname_sim", "bio_sim") else k.name
                     for k in KINDS)
_CARRY_EVIDENCE = 1.0  # wave evidence a member must carry through 1 identity trait (:meth:`Engine._carries`)
_CARRY_TWO = 0.5  # ... or through 2+ independent identity traits
_CARRY_BIO_NAME = 0.7  # ... but through a bio template and a username template only, this much
_DEFER_GAP = 300.0  # a wave whose members arrive this often (s, on average) is still bursting
_ORG_EXPLAINED = 0.9  # a wave this explained by 2+ kinds of origin, alike in one identity trait, is an organisation (:meth:`Engine._organisation`)
_ORG_DOMAIN = 0.75  # an organisation's own mail domain explains it at least this much (:meth:`Engine._organisation`)
_ORG_UA = 0.7  # a shared user agent weighing less than this is an organisation's browser build, not a trait (:meth:`Engine._organisation`)
_HOT = 0.8  # a key weight this high at signup is a hard burst (:meth:`Engine._holding`)
_HOLD = 3600.0  # seconds a hard burst is kept out of the baseline (:meth:`Engine._holding`)
# kinds whose hard bursts are held: what a farm shares (its names, devices, client, network);
# not what a crowd from one country or one link shares (a carrier /16, a locale, a referrer, a mail provider)
_HOLDS = tuple(k.name in ("uname_shape", "uname_tmpl", "email_shape", "device", "avatar", "ua", "ip24", "ip48", "uname_recipe")
               for k in KINDS)
_LABEL_SWEEP = 2  # spam labels (and no benign one) after which a challenge-level wave's challenged members are suspended (:meth:`Engine._label_sweep`)
_LABEL_SWEEP_WEAK = 3  # ... after which a wave that never reached the challenge level suspends its core members
_HOT_LINK = 0.3  # a common identity value bursting this hard links (:meth:`Engine._links`)
_HOT_GAIN = 1.25  # a rare template value bursting hard (weight >= _HOT) links this much more (:meth:`Engine._links`)
# identity kinds a farm stamps from a template (a device, an avatar, a client, a name or mail
# pattern, a bio); not names: a crowd of one language shares first names by chance (a full
# display name gains only when it bursts in every band: see Engine._links)
_GAINS = tuple(k.group == "id" and k.name not in ("uname_sim", "dname_sim") for k in KINDS)
_DNAME = KIND_INDEX["dname_sim"]
_FOREIGN = 0.1  # a signup carrying less of a wave than this joins it only if it links to nothing stronger in no wave (:meth:`Engine._place`)
_EXPLAINED_FROM = 5  # members from which a lockstep wave keeps the most a shared origin explained of it (:meth:`Engine._features`)
_BIO_NAME = frozenset({"bio_sim", "username"})  # ... and a username template too (:meth:`Engine._bio_only`)
_BIO_AGE = 3600.0  # seconds after its signup from which such a member is judged as one sharing the bio alone
_BIO_MATCH = 0.6  # ... if it carries less than this of its wave
_BIO_ONLY = frozenset({"bio_sim"})  # the traits of a member that shares only a bio template (:meth:`Engine._bio_only`)
_CALM_Z = 4.0  # a wave none of whose traits rose this many standard deviations above its rate is calm (:meth:`Engine._unhurried`)
_ACTED = 0.75  # what a member that acted in lockstep with others carries of its wave, at least (:meth:`Engine._member_match`)
_LATE_ALIKE = 0.5  # identity evidence from which a lockstep wave's members look alike at signup (:meth:`Engine._member_match`)
_DEVICE_K, _IP24_K, _IP48_K = KIND_INDEX["device"], KIND_INDEX["ip24"], KIND_INDEX["ip48"]  # (:meth:`Engine._household`)
_HOME_DEVICE = 3  # accounts one home's shared device may carry (:meth:`Engine._household`)
_HOME_SIZE = 4  # ... and accounts a wave of homes may have
_HOMES_DEVICE = 2  # ... or, larger, accounts each device may carry, each network no more than _HOME_DEVICE
_CALM_SIZE = 6  # a calm wave no larger than this is not suspended on the prior, however fast it came
_WAVE_LINK_ONE = 0.7  # identity a signup must share with one member of a wave it links to through several (:meth:`Engine._wave_links`)
_FOLLOW_AGE = 120.0  # seconds after its signup within which one shared target joins an account to a confirmed lockstep wave (:meth:`Engine._follow`)
_FOLLOW_NEW = 4.0  # ... through a target other than a followed account only if its baseline had fewer hits than this when the wave first linked on it
_ALIKE_FLOOR = 0.35  # lowest score at which a confirmed signup wave still suspends the newcomers that carry half of it (:meth:`Engine._still_alike`)
_STEP_FLOOR = 0.2  # lowest score at which a confirmed lockstep wave still suspends the members that join it by acting (:meth:`Engine._still_in_step`)
_LATE = 900.0  # seconds after its signup from which a young account's follow counts as late (:meth:`Engine._late_crowd`)
_LATE_CROWD = 8  # young accounts in no wave following one specific target late, within _LATE_WINDOW, that form a lockstep wave
_LATE_WINDOW = 3600.0  # seconds within which _LATE_CROWD late followers of one target count together
_LATE_NEW = 1.5  # baseline hits (this one included) a target may have had at its first follow by a young account to count as new (:meth:`Engine._new_target`)
_LATE_CROWD_NEW = 24  # young accounts in no wave following one new target late, within _LATE_WINDOW, that form a lockstep wave
_TIE = 1.75  # link weight at signup that ties two members of a wave (:meth:`Engine._tie`)
_TIES = 2  # suspended members a member is tied to that suspend it too (:meth:`Engine._tied`)
_MAX_TIES = 4  # ties remembered per account
_CARRIER_CEILING = 0.75  # share of a wave's ceiling a member acting on its targets must carry (:meth:`Engine._carriers`)
_LOCK_HIT = 3  # members acting on one target within the lockstep window that make it a lockstep hit (:meth:`Engine._in_lockstep`)
_PULL_MATCH = 0.1  # what a young account in no wave must carry of a confirmed wave it acts with to join it (:meth:`Engine._pulled`)
_PULL_POPULAR = 10.0  # baseline hits by young accounts above which a target is one newcomers go to, not a wave's (:meth:`Engine._pulled`)
_COUNTED = tuple(k.name in ("device", "avatar") for k in KINDS)  # kinds whose carriers are counted (:meth:`Engine._carried_count`)
_HOME_CARRIERS = 3.0  # carriers of one device or avatar that one home's accounts may make: they say nothing
_CARRIERS_FULL = 3.0  # ... and carriers beyond those at which the count gives the value its full weight
_CARRIED_HALF_LIFE = 86400.0  # seconds of event time over which a counted carrier halves


@dataclass(slots=True)
class Assessment:
    """Answer of the synchronous signup check (:meth:`Engine.assess`)."""

    decision: str  # allow | challenge | block
    score: float
    wave_id: Optional[str]
    reasons: list = field(default_factory=list)
    config_version: int = 0


_clip = np_umath.clip  # ``np.clip`` without its Python wrappers (same ufunc)


def _z_scores(counts: tuple) -> list:
    """Burst z-scores from ``(current counts, expected counts)`` (:meth:`Engine._score_keys`):
    ``(a - e) / sqrt(max(e, 1))`` where ``a > e``, else 0; exact in plain floats too, and
    cheaper than six NumPy calls. Only a signup that joins or forms a wave needs them."""
    return [(x - y) / sqrt(y if y > 1.0 else 1.0) if x > y else 0.0 for x, y in zip(*counts)]

# constant operands of :meth:`Engine._score_keys` as 0-d arrays: a Python float is converted
# on every call (the same float64 arithmetic either way)
_ZERO, _ONE, _FOUR, _MINUS_THREE = (np.array(x) for x in (0.0, 1.0, 4.0, -3.0))
_U64 = np.dtype(np.uint64)  # ``np.frombuffer(b, _U64)``: a positional dtype parses faster than ``dtype=``


def _label_templates() -> LabelTemplates:
    return LabelTemplates(_TEMPLATE_GROUP, weak=_TEMPLATE_WEAK, min_concentration=_TEMPLATE_CONCENTRATION)


def _template_values(sig: Signature) -> tuple:
    """A signup's key ids at the positions of :data:`_TEMPLATE_KINDS` (0 where it has none;
    the first of a kind's keys)."""
    first = dict(zip(reversed(sig.kinds), reversed(sig.keys)))  # the first key of each kind wins
    get = first.get
    return tuple([get(c, 0) for c in _TEMPLATE_KINDS])


class Engine:
    """Contract events in, decisions out; event time only, no I/O.

    Parameters
    ----------
    config
        Live-tunable settings (:mod:`detectors.config`); unknown names are rejected.
    config_version
        Version of ``config``; every decision carries it.
    seed
        Seeds every hash function and derives the keyed-hash key (unless ``secret``).
    secret
        Key of the keyed hashes of personal data; give the same to every worker.
    link_threshold
        Summed link weight above which two signups are linked.
    recent_capacity, link_window
        How many recent signups, and for how long, new ones are compared with.
    protect_delay
        Seconds before an unflagged signup teaches the baseline.
    wave_quiet
        Seconds without a new member after which a wave closes.
    max_live_waves, max_closed_waves, max_accounts, dedupe_capacity, sketch_width
        Hard caps on state.

    Examples
    --------
    >>> from streams.contract import Signup
    >>> e = Engine(seed=1)
    >>> out = []
    >>> for i in range(8):
    ...     out += e.process(Signup(f"bot{i}", 1000.0 + 20 * i, f"Crypto_King{4821 + i * 37}",
    ...         bio="Crypto signals daily! DM for VIP access, 100x guaranteed", device_id="dev-7",
    ...         user_agent="BotUA/1.0", avatar="img9f3a"))
    >>> len({d.account_id for d in out if d.action == "suspend"})
    8
    >>> "accounts since" in out[0].reasons[0]
    True
    >>> e.process(Signup("alice", 2000.0, "alice_w"))
    []
    """

    def __init__(self, config: Optional[dict] = None, config_version: int = 0, seed: int = 0, *,
                 secret: Optional[bytes] = None, link_threshold: float = 1.0,
                 recent_capacity: int = 1 << 15, link_window: float = 7200.0,
                 protect_delay: float = 300.0, wave_quiet: float = 3600.0,
                 max_live_waves: int = 2000, max_closed_waves: int = 20_000,
                 max_accounts: int = 300_000, dedupe_capacity: int = 200_000,
                 sketch_width: int = 1 << 16):
        self.config = validate_all(config or {}, defaults())
        self.config_version = int(config_version)
        self.seed = seed
        self.link_threshold = link_threshold
        self.protect_delay = protect_delay
        self.wave_quiet = wave_quiet
        self.max_live_waves = max_live_waves
        self._hasher = KeyedHasher(secret, seed)
        self._extract = SignatureExtractor(self._hasher, seed=seed)
        self._burst = BurstDetector(width=sketch_width, seed=seed + 1)
        self._recent = RecentIndex(capacity=recent_capacity, window=link_window, max_walk=12)
        self._lockstep = LockstepTracker(seed=seed + 2)
        self._linker = CoActivityLinker(seed=seed + 3)
        self._young = LRUDict(recent_capacity)  # account -> seq of its signup in the ring
        self._scorer = WaveScorer()
        self._policy = Policy(max_accounts)
        self._waves: dict[str, Wave] = {}
        self._closed = LRUDict(max_closed_waves)
        self._wave_by_key = LRUDict(max_live_waves * 32)
        self._seen_events = FifoSet(dedupe_capacity)
        self._seen_signups = FifoSet(dedupe_capacity)
        self._pending: deque = deque()
        self._pending_idx: dict = {}  # seq -> sketch cells of its keys, until learned (a cache, not state)
        self._hot: dict = {}  # pending seq -> its keys that burst hard at signup
        self._held = LRUDict(recent_capacity)  # hard-bursting key -> when its hold began
        self._held_out = LRUDict(recent_capacity)  # seq -> its keys the baseline did not learn
        # specific target -> (lockstep wave id, when, the target's baseline hits when it
        # first did) that linked its pairs on it (_coact)
        self._act_targets = LRUDict(1 << 14)
        self._late = LRUDict(1 << 12)  # specific target -> recent late followers [(account, when)] (_late_crowd)
        self._new_targets = LRUDict(1 << 15)  # followed target -> was it new at its first follow? (_new_target)
        self._late_waves = LRUDict(1 << 10)  # ids of the waves late crowds of new targets formed (_late_crowd)
        # lockstep target -> [confirmed signup wave id, when its members last hit it together] (_pulled)
        self._wave_hits = LRUDict(1 << 14)
        self._carried = LRUDict(2 * recent_capacity)  # device or avatar key -> (decayed carriers, when) (_carried_count)
        self._pull_hits = LRUDict(1 << 14)  # young account in no wave -> (that wave id, its first such target) (_pulled)
        self._labelled = _label_templates()
        self._wave_templated: dict = {}  # live confirmed wave -> its size when its template was last made
        self._updates: dict[str, Wave] = {}
        self._last_sweep = -math.inf
        self._t = -math.inf
        self._label_tally = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
        self._n = {"events": 0, "signups": 0, "activities": 0, "labels": 0, "duplicates": 0,
                   "waves_formed": 0, "waves_merged": 0}
        self._apply_settings()

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_pending_idx"] = {}
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        d = self.__dict__  # a snapshot from before the sketch-cell cache or the hold
        d.setdefault("_pending_idx", {})
        d.setdefault("_hot", {})
        d.setdefault("_held", LRUDict(self._young.capacity))
        d.setdefault("_held_out", LRUDict(self._young.capacity))
        d.setdefault("_act_targets", LRUDict(1 << 14))
        d.setdefault("_late", LRUDict(1 << 12))
        d.setdefault("_new_targets", LRUDict(1 << 15))
        d.setdefault("_late_waves", LRUDict(1 << 10))
        d.setdefault("_wave_hits", LRUDict(1 << 14))
        d.setdefault("_pull_hits", LRUDict(1 << 14))
        d.setdefault("_carried", LRUDict(2 * self._young.capacity))
        d.setdefault("_labelled", _label_templates())
        d.setdefault("_wave_templated", {})

    # ------------------------------------------------------------------ config
    def _apply_settings(self) -> None:
        c = self.config
        s = self._scorer
        s.set_learning_rate(c["label_learning_rate"])
        s.label_weight = c["label_weight"]
        s.weights = {"identity": c["weight_identity"], "environment": c["weight_environment"],
                     "lockstep": c["weight_lockstep"]}
        s.min_size = c["min_wave_size"]

    def apply_config(self, values: dict, version: int) -> None:
        """Apply live settings atomically (all valid, or nothing changes)."""
        new = validate_all(values, self.config)
        self.config = new
        self.config_version = int(version)
        self._apply_settings()

    @staticmethod
    def settings() -> dict:
        """The allow-list of live-tunable settings (for admin APIs)."""
        return {name: s.as_dict() for name, s in SETTINGS.items()}

    # ------------------------------------------------------------------ entry
    def process(self, ev: Event) -> list[Decision]:
        """Feed one contract event; returns the decisions it triggers (maybe none)."""
        if isinstance(ev, Signup):
            kind = "s"
        elif isinstance(ev, Activity):
            kind = "a"
        elif isinstance(ev, Label):
            kind = "l"
        else:
            raise TypeError(f"not a contract event: {type(ev).__name__}")
        self._n["events"] += 1
        if ev.event_id is not None and not self._seen_events.add(kind + ev.event_id):
            self._n["duplicates"] += 1
            return []
        if ev.ts > self._t:
            self._t = ev.ts
        if kind == "s":
            if not self._seen_signups.add(ev.account_id):
                self._n["duplicates"] += 1
                return []
            return self._on_signup(ev)
        if kind == "a":
            return self._on_activity(ev)
        return self._on_label(ev)

    # ------------------------------------------------------------------ helpers
    def _live(self) -> bool:
        return bool(self.config["enforcement_enabled"])

    def _wave(self, wid: Optional[str], live_only: bool = True) -> Optional[Wave]:
        hops = 0
        while wid is not None and hops < 8:
            w = self._waves.get(wid)
            if w is None:
                w = self._closed.peek(wid)
                # a wave merged into another lives on in it; a closed one is not live
                if w is None or (live_only and w.merged_into is None):
                    return None
            if w.merged_into is None:
                return w
            wid = w.merged_into
            hops += 1
        return None

    def _score_keys(self, sig: Signature, t: float, pending: float, learn: bool = False):
        """Per key: current and expected counts (as lists, for :func:`_z_scores`), rarity
        (for linking; a bursting near-duplicate text counts as rare as its weight),
        baseline share, and weight (burst factor x specificity: what sharing the key says
        about a wave; for a device or an avatar at least what its carriers say,
        :meth:`_carried_count`); and the keys' sketch cells if ``learn`` (else None).
        ``learn`` first counts the signup in the current sketch and its device and avatar
        carriers."""
        keys = np.array(sig.keys, dtype=np.uint64)
        pri = _PRIOR.take(sig.kinds)
        if learn:
            idx = self._burst.index(keys)
            a, e, p = self._burst.learn_and_count(keys, t, pri, idx)
        else:
            idx = None
            a, e, p = self._burst.counts(keys, t, pri, pending=pending)
        al = a.tolist()
        rar = _clip(np.log10(_ONE / p) / _FOUR, _ZERO, _ONE)
        # -log10(p) / 3 and log10(p) / -3 are the same float (IEEE division is symmetric in sign)
        spec = _clip(np.log10(p) / _MINUS_THREE, _ZERO, _ONE)
        # the surprise (-log_tail) times the sensitivity, the sign moved to the factor (exact too)
        ws = _clip(BurstDetector.log_tail(a, e) * (self.config["burst_sensitivity"] / -_FULL_SURPRISE),
                   _ZERO, _ONE) * spec
        rar, ws = rar.tolist(), ws.tolist()
        # a device or an avatar image carried by more signups than one home makes says so
        # however slowly they came: a burst test alone learns a steady farm as normal
        sl = None
        for i, c in enumerate(sig.kinds):
            if _COUNTED[c]:
                f = (self._carried_count(sig.keys[i], t, learn) + pending - _HOME_CARRIERS) / _CARRIERS_FULL
                if f > 0.0:
                    if sl is None:
                        sl = spec.tolist()
                    f = sl[i] * (f if f < 1.0 else 1.0)
                    if f > ws[i]:
                        ws[i] = f
        # a near-duplicate text arriving far more often than its baseline says is
        # specific *now* (MIDAS: what bursts links), however common texts of its kind
        # are a priori: accounts sharing a bio template in a burst link on it alone
        # (a bio's link links only that way: :data:`_BURST_ONLY`; so does a sign-up recipe,
        # and only one at most ``_RECIPE_COMMON`` of signups carried: a crowd bursts in the common ones)
        for i, c in enumerate(sig.kinds):
            if _TEXT[c] and ws[i] > rar[i]:
                rar[i] = ws[i]
            elif _BURST_ONLY[c]:
                if c == _RECIPE and p[i] > _RECIPE_COMMON:
                    ws[i] = 0.0
                rar[i] = ws[i]
        # the shape of an address is set by whoever runs a private domain (campus,
        # company): it says something about the account only at a provider many people
        # share; ignore it when the domain is rare
        # (rare domain), or when one pattern covers most of a domain's recent signups
        kl = sig.kinds
        if _EMAIL_DOMAIN in kl and _EMAIL_SHAPE in kl:
            d, sh = kl.index(_EMAIL_DOMAIN), kl.index(_EMAIL_SHAPE)
            if p[d] < 0.01 or (al[d] >= 3.0 and al[sh] > 0.5 * al[d]):
                ws[sh] = 0.0
                rar[sh] = 0.0
        return keys, (al, e.tolist()), rar, p.tolist(), ws, idx

    def _carried_count(self, key: int, t: float, learn: bool) -> float:
        """Signups that carried ``key`` (a device or an avatar), each counted at its signup
        and halving every ``_CARRIED_HALF_LIFE`` of event time; with ``learn`` this signup
        is counted first. An exact count per value (bounded: the least recently carried
        values are forgotten), not the baseline sketch, which a flagged wave never teaches
        and whose collisions alone reach a few counts per cell on a day of signups.

        :meth:`_score_keys` gives such a value ``specificity x (carriers -
        _HOME_CARRIERS) / _CARRIERS_FULL`` (at most its specificity) when that is more
        than its burst weight. A farm that stamps one avatar image, or a few, on its
        accounts one every ten minutes for hours never bursts after its first hour: the
        baseline learns the value as normal, its weight falls with each member, and the
        farm forms one weak wave after another (fresh seed 272's wave u4, 172 accounts on
        five avatars: waves of 19 to 33 at avatar weights 0.1 to 0.6, scored 0.04 to 0.54;
        seed 273's u7, 155 accounts, none suspended). People share a device or an avatar
        within a home: a second or third account, a family tablet.

        On the 160 evaluation files 996 farm accounts more were suspended (seed 132
        +138, 272 +126, 273 +98, 114 +77) and 2 benign more (117). The 24-hour files
        +39 farm, benign the same; the crowd-link files and cresci-2017 the same. From
        the sketches instead (current plus baseline counts) it was +1,007 and +4, but
        their collision noise grows with traffic (a median of 2 counts per unseen value
        after one 24-hour file): a production baseline would give every device that
        weight. With the sketch counts, devices alone gave +505 and +6, avatars alone
        +502 and -2."""
        e = self._carried.get(key) if learn else self._carried.peek(key)
        n = 0.0
        if e is not None:
            dt = t - e[1]
            n = e[0] * 2.0 ** (-dt / _CARRIED_HALF_LIFE) if dt > 0.0 else e[0]
        if learn:
            n += 1.0
            self._carried[key] = (n, t if e is None else max(t, e[1]))
        return n

    def _links(self, sig: Signature, t: float, rar: list, p: list, at: tuple, ws: list,
               display_name: Optional[str] = None, gained: Optional[dict] = None,
               recipe: Optional[dict] = None) -> dict:
        """Recent signups linked to ``sig``: ``{seq: weight}`` (read-only). ``at`` is
        :meth:`RecentIndex.lookup` of the signup's keys.

        A rare value (at most 1 % of signups in the baseline) links by its rarity, by
        ``_HOT_GAIN`` more while a template value (not a name) bursts hard: a fresh device or
        client stamped on signup after signup says more than one seen twice. A display
        name gains too if it is a full name (:func:`full_name`) bursting hard in
        every LSH band: the same first and last name stamped on signup after signup. A
        first name alone bursts in a crowd of one language by chance, and names sharing
        only a surname burst in some bands, not all. What the name gain adds is recorded
        per carrier in ``gained`` (if given): a name alone does not tie (:meth:`_tie`); so is
        what a sign-up recipe links, which is also recorded per carrier in ``recipe`` (if
        given): a recipe joins a signup to a wave, it does not form one (:meth:`_on_signup`).
        A common
        identity value (a client, a username pattern) links only while it bursts hard
        (weight ``ws`` ≥ ``_HOT_LINK``), by that weight and through its latest carriers: a
        farm's client arriving 40 times its rate says something, the same client at its
        usual rate nothing. A common origin (a mail provider, a carrier, a referrer) never
        links: a crowd from one link or one country shares those. A signup linked to no
        single one may link to a flagged wave through several of its members
        (:meth:`_wave_links`).
        """
        per: dict = {}
        name_gain = None  # whether the display name gains (asked once, if it bursts hard)
        rec = self._recent
        walk = rec.walk
        lo = rec.oldest_seq()
        keys, kinds = sig.keys, sig.kinds
        for i, s0 in enumerate(at[1].tolist()):
            if s0 < lo:  # fresh key: no remembered carrier
                continue
            pi = p[i]
            c = kinds[i]
            named = 0.0  # what does not tie (recorded in ``gained``): a full display name's gain, a recipe's link
            if pi > 0.01:
                # a common identity value links only while it bursts hard (through its latest carriers)
                if ws[i] < _HOT_LINK or not _IS_ID[c]:
                    continue
                w = _LINKW[c] * ws[i]
            else:
                w = _LINKW[c] * rar[i]  # rar is in [0, 1]: 0 for a kind that does not link
                if ws[i] >= _HOT:
                    if _GAINS[c]:
                        w *= _HOT_GAIN
                    elif c == _DNAME:
                        if name_gain is None:
                            name_gain = full_name(display_name) and all(
                                x >= _HOT for k, x in zip(kinds, ws) if k == _DNAME)
                        if name_gain:
                            w *= _HOT_GAIN
                            named = w - w / _HOT_GAIN
            if w < 0.1:
                continue
            by_recipe = None  # where the carriers a recipe links are recorded (one recipe per signup)
            if c == _RECIPE:  # a recipe is followed by chance too: what it links does not tie (:meth:`_tie`)
                named = w
                by_recipe = recipe
            # a common value only links through its latest carriers (in a burst, the wave)
            for s in walk(keys[i], s0, t, None if pi < 1e-3 else 4, i):
                key = s << 5 | _LINK_SLOT[c]  # (carrier, kind) as one int: cheaper than a tuple
                if per.get(key, 0.0) < w:
                    per[key] = w
                if named and gained is not None and gained.get(s, 0.0) < named:
                    gained[s] = named
                if by_recipe is not None:
                    by_recipe[s] = w
        tot: dict = {}
        ident: set = set()
        for key, w in per.items():
            s = key >> 5
            tot[s] = tot.get(s, 0.0) + w
            if _IS_ID[key & 31]:
                ident.add(s)
        thr = self.link_threshold
        out = {s: w for s, w in tot.items() if w >= thr and s in ident}
        if not out and per:
            out = self._wave_links(per, thr, sig, ws)
        return out

    def _wave_links(self, per: dict, thr: float, sig: Signature, ws: list) -> dict:
        """Links to a flagged signup wave through several of its members at once
        (read-only): for a signup linked to no single recent signup. ``per`` is
        :meth:`_links`' ``{carrier << 5 | kind: weight}``.

        In a farm arriving hundreds a minute each key's latest carriers are different
        members: its near-identical username is one member's, its username pattern three
        others', its client a fourth's, and no single one reaches ``thr``. Here the
        carriers are taken together per wave (live, flagged, formed by signups): kind by
        kind the largest weight, summed over identity kinds only, must reach ``thr``,
        counting only the values the wave itself carries (:meth:`Wave.shared_kinds`: in
        2 % of a large wave's members, not a sliver of its many names and clients), and
        the signup must share ``_WAVE_LINK_ONE`` of identity with one member at least (a
        near-identical username, a bio template: not a username shape here and a client
        there, which organic newcomers share with a large diverse wave by chance).
        Returns ``{carrier: weight}``, one carrier per such wave (:meth:`_place` adds
        link weights up per wave)."""
        rec = self._recent
        byw: dict = {}  # wave id -> [a carrier, {kind: largest weight}, {carrier: identity weight}, wave]
        usable: dict = {}  # wave id -> the wave, if a signup may link to it here (else None)
        for key, w in per.items():
            s = key >> 5
            slot = rec.get(s)
            if slot is None or slot.wave is None:
                continue
            if slot.wave in usable:
                wv = usable[slot.wave]
            else:
                wv = self._wave(slot.wave)
                if wv is not None and (not wv.flagged or wv.by_activity or wv.cleared):
                    wv = None
                usable[slot.wave] = wv
            if wv is None:
                continue
            got = byw.get(slot.wave)
            if got is None:
                got = byw[slot.wave] = [s, {}, {}, wv]
            c = key & 31
            kw = got[1]
            if kw.get(c, 0.0) < w:
                kw[c] = w
            if _IS_ID[c]:
                got[2][s] = got[2].get(s, 0.0) + w
        out = {}
        for s, kw, one, wv in byw.values():
            if max(one.values(), default=0.0) < _WAVE_LINK_ONE or sum(w for c, w in kw.items() if _IS_ID[c]) < thr:
                continue
            sh = wv.shared_kinds(sig.keys, sig.kinds, 1, ws)
            tot = sum(w for c, w in kw.items() if _IS_ID[c] and c in sh)
            if tot >= thr:
                out[s] = tot
        return out

    def _place(self, sig: Signature, linked: dict, ws: list):
        """Choose the wave a signup belongs to (read-only): the wave it links to or
        carries the core keys of, ranked by how much of it it carries. A wave it carries
        less than ``_FOREIGN`` of is not chosen if it links more strongly to signups in
        no wave: it forms a wave with those (:meth:`_form`).

        Returns ``(wave, match, free_neighbour_seqs, waves_to_merge)``.
        """
        cand: dict = {}
        free = []
        for s, w in linked.items():
            slot = self._recent.get(s)
            if slot is None:
                continue
            wv = self._wave(slot.wave) if slot.wave is not None else None
            if wv is None:
                if slot.wave is None:
                    free.append(s)
                continue
            cand[wv.wave_id] = cand.get(wv.wave_id, 0.0) + w
        if self._wave_by_key.has_any(sig.keys):  # most signups carry no wave's key
            for wid in self._wave_by_key.peek_all(sig.keys):
                if wid is not None:
                    wv = self._wave(wid)
                    if wv is not None and wv.wave_id not in cand:
                        cand[wv.wave_id] = 0.0
        best, best_m, best_rank, best_lw = None, 0.0, -1.0, 0.0
        scored = []
        for wid, lw in cand.items():
            wv = self._waves[wid]
            if wv.cleared or wid in self._late_waves:
                continue
            ev = wv.evidence()
            m = wv.match(sig.keys, sig.kinds, ev, min_count=1, ws=ws)
            ok = lw >= self.link_threshold or (m >= 0.5 and ev.identity > 0.5)
            if not ok:
                continue
            scored.append((wv, m, lw))
            rank = m + 0.05 * min(lw, 10.0)
            if rank > best_rank:
                best, best_m, best_rank, best_lw = wv, m, rank, lw
        if best is not None and best_m < _FOREIGN and free and max(linked[s] for s in free) > best_lw:
            # it carries almost none of that wave and links more strongly to signups in no
            # wave: it forms a wave with those (one near-duplicate bio shared with a member
            # does not make a company's onboarding part of a farm: fresh seed 136)
            best = None
        merges = []
        if best is not None and best_m >= 0.6:
            for wv, m, lw in scored:
                if wv is not best and m >= 0.6 and len(merges) < 2 and self._one_group(best, wv):
                    merges.append(wv)
        return best, best_m, free, merges

    @staticmethod
    def _one_group(a: Wave, b: Wave) -> bool:
        """May a signup carrying most of both waves ``a`` and ``b`` merge them (:meth:`_place`)?
        Only if they are of one kind: both formed by signups or both by acting together
        (:attr:`Wave.by_activity`), and both explained by shared origins of two kinds (a
        campus's network, mail domain and welcome link: ``_ORG_EXPLAINED``) or neither. A
        farm that started in two places is one of a kind twice; a person who belongs to a
        campus and wrote the common bio a farm copies is a bridge between two groups, not
        the proof that they are one. Fresh seed 263: a student with the farm's bio merged
        the campus's lockstep wave of 179 into the farm's confirmed signup wave, and 60
        students were suspended with it (0.715 % of the file's benign accounts); seed 231:
        six students named Vinicius, a signup wave confirmed, merged into their campus's
        lockstep wave, which inherited the confirmation and suspended 91 students who
        acted with it (1.116 %); seed 191: a farm's confirmed wave merged with a signup
        wave of its campus. On the 207 evaluation files (rewritten with today's simulator):
        -151 benign suspensions with :meth:`_organisation`'s e-mail rule (-164 in all) and
        +249 farm (222 +201, 191 +65, 276 +59, 303 +35; 33 -48, 164 -33, 156 -27). Merging
        only waves of one kind, whatever explains them: 191 was three benign suspensions
        worse (a farm's confirmed wave merged with its campus's signup wave)."""
        return a.by_activity == b.by_activity and \
            (a.explained() >= _ORG_EXPLAINED) == (b.explained() >= _ORG_EXPLAINED)

    def _new_wave_id(self, account_id: str, t: float) -> str:
        return f"w{self._hasher.key_id('wave', f'{account_id}|{t!r}') & 0xFFFFFFFFFFFF:012x}"

    def _features(self, w: Wave, ev, match: float, size: Optional[int] = None) -> dict:
        """The scorer's features of a wave. A lockstep wave of ``_EXPLAINED_FROM`` members
        or more is as explained as a shared origin ever made it since it had that many
        (:attr:`Wave.explained_peak`, kept by :meth:`_evaluate`): a crowd arriving from
        one link acts on what the link points to, and the members of it that came without
        the link (from an app: no referrer) dilute the link's share for a moment; at that
        moment the crowd looked like a farm (fresh seed 121: a flash crowd's lockstep
        wave scored 0.97 at 8 members while its link's share dipped to 0, and 19 of its
        members were suspended)."""
        n = size if size is not None else w.size
        dur = max(60.0, w.last_seen - w.first_seen)
        explained = ev.explained
        if w.by_activity and n >= _EXPLAINED_FROM and w.explained_peak > explained:
            explained = w.explained_peak
        return {"identity": ev.identity, "environment": ev.environment, "n_identity": ev.n_identity,
                "log_size": math.log(max(n, 1)), "lockstep": w.lockstep, "match": match,
                "rate": min(1.0, math.log1p(n * 60.0 / dur) / 4.0),
                "coact": w.co_members, "coact_share": w.co_members / max(n, 1), "explained": explained}

    # ------------------------------------------------------------------ signup
    def _on_signup(self, ev: Signup) -> list[Decision]:
        self._n["signups"] += 1
        t = ev.ts
        sig = self._extract.extract(ev)
        keys, counts, rar, p, ws, idx = self._score_keys(sig, t, 0.0, learn=True)
        at = self._recent.lookup(keys)
        gained: dict = {}
        recipe: dict = {}
        linked = self._links(sig, t, rar, p, at, ws, ev.display_name, gained, recipe)
        seq = self._recent.add(ev.account_id, t, keys, bytes(sig.kinds), at)
        self._young[ev.account_id] = seq
        self._pending.append(seq)
        self._pending_idx[seq] = idx  # the baseline learns the same cells (_learn_baseline)
        hot = [k for k, c, w in zip(sig.keys, sig.kinds, ws) if w >= _HOT and _HOLDS[c]]
        if hot:
            self._hot[seq] = hot
        out: list[Decision] = []
        if linked or self._wave_by_key:
            wave, m, free, merges = self._place(sig, linked, ws)
            z = _z_scores(counts) if wave is not None or free else None
            pulled = []
            if wave is None and free and recipe:
                # a recipe joins a signup to a wave; it does not make one: a farm that rotates
                # its network, device and client and names its accounts in a few styles formed
                # small waves of one style each, whose members were challenged and stayed in
                # them instead of joining the lockstep waves their acts made (rotating's r4:
                # 254 -> 230 suspended; now 244)
                thr = self.link_threshold
                free = [s for s in free if linked[s] - recipe.get(s, 0.0) >= thr]
            if wave is None and free:
                wave = self._form(t, free, sig, z, ws, p)
                m = 1.0
            elif wave is not None and free and m >= 0.5:
                # recent signups linked to this one but to no wave yet join with it: a
                # wave whose first members split over two seeds is one wave
                pulled = self._pull(wave, t, free, sig, z, ws, p)
            if wave is not None:
                for other in merges:
                    wave = self._merge(wave, other)
                wave.add_member(ev.account_id, seq, t, sig.keys, sig.kinds, ws, z, sig.labels, p)
                self._recent.get(seq).wave = wave.wave_id
                acc = self._policy.track(ev.account_id, wave.wave_id, t)
                acc.match = m
                self._tie(ev.account_id, seq, acc, linked, gained)
                out = self._evaluate(wave, t, pulled + [(ev.account_id, seq)])
        out += self._templated(ev, sig, t)
        self._learn_baseline(t)
        if t - self._last_sweep >= 60.0:
            out += self._sweep(t)
        return out

    def _templated(self, ev: Signup, sig: Signature, t: float) -> list[Decision]:
        """Remember the signup's exact values; suspend it if it carries all of an active
        spam-label template's (:class:`LabelTemplates`)."""
        vals = _template_values(sig)
        lt = self._labelled
        lt.remember(ev.account_id, t, vals)
        if not len(lt):
            return []
        lt.expire(t)
        tp = lt.match(vals)
        if tp is None:
            return []
        d = self._template_suspend(ev.account_id, t, lambda: [self._template_reason(tp, sig)])
        if d is None:
            return []
        lt.touch(tp, t)
        return [d]

    def _template_suspend(self, account_id: str, t: float, why) -> Optional[Decision]:
        """Suspend an account that carries an active template (``why()``: the reasons, which
        name the wave a wave's template was made of; the decision keeps the account's own
        wave, if any: it is not made a member of another), unless a benign label exempts
        it or it is suspended already."""
        acc = self._policy.peek(account_id)
        if acc is not None and (acc.exempt or acc.live == SUSPENDED):
            return None
        return self._policy.suspend(account_id, t, 0.99, why(), acc.wave if acc else None,
                                    self.config_version, self._live())

    def _tie(self, account_id: str, seq: int, acc, linked: dict, gained: dict) -> None:
        """Remember the recent signups a signup joining a wave linked to with weight
        ``_TIE`` or more (a device and a name pattern, a bio template and an avatar), both
        ways, up to ``_MAX_TIES`` per account (:meth:`_tied`). What a full display name
        gained in :meth:`_links` (``gained``) does not count: a farm that stamps a common
        name on its members would tie to them the people who really bear it. Nor does what a
        sign-up recipe linked (kind ``uname_recipe``): people follow a farm's recipe by chance."""
        pol, rec = self._policy, self._recent
        for s, lw in linked.items():
            if lw - gained.get(s, 0.0) < _TIE:
                continue
            slot = rec.get(s)
            if slot is None:
                continue
            if len(acc.ties) < _MAX_TIES:
                acc.ties += ((slot.account_id, s),)
            other = pol.peek(slot.account_id)
            if other is not None and len(other.ties) < _MAX_TIES:
                other.ties += ((account_id, seq),)

    def _tied(self, w: Wave, acc) -> bool:
        """Whether ``acc`` is tied (:meth:`_tie`) to ``_TIES`` members of ``w`` that ``w``
        suspended. A farm rotates its templates: a member may carry too little of its
        wave's evidence to be judged part of it (it shares the rotated half) and still
        look like two suspended members as closely as they look like each other. Organic
        users share a trait or two with a wave by chance, rarely that much with two of
        its suspended members."""
        pol = self._policy
        n = 0
        for a, _ in acc.ties:
            o = pol.peek(a)
            if o is not None and o.live == SUSPENDED and self._same_wave(o.wave, w):
                n += 1
        return n >= _TIES

    def _tied_back(self, w: Wave, acc) -> bool:
        """Whether a member that ``w`` has not suspended (left alone or challenged) is
        tied to ``_TIES`` members it suspended since: it is judged again
        (:meth:`_rejudge`, and within one judgement :meth:`_decide`)."""
        return acc.live in (NONE, CHALLENGED) and bool(acc.ties) and self._tied(w, acc)

    def _same_wave(self, wave_id: Optional[str], w: Wave) -> bool:
        """Whether ``wave_id`` is ``w`` (or a wave merged into it)."""
        return wave_id == w.wave_id or (wave_id is not None and self._wave(wave_id, live_only=False) is w)

    def _form(self, t: float, free: list, sig: Signature, z: list, ws: list, ps: list,
              wave_id: Optional[str] = None) -> Wave:
        """A new wave from linked recent signups (not yet in a wave); not yet stored."""
        first = self._recent.get(min(free))
        wid = wave_id or self._new_wave_id(first.account_id, first.ts)
        w = Wave(wid, first.ts)
        zmap = dict(zip(sig.keys, z))
        wmap = dict(zip(sig.keys, ws))
        lmap = dict(zip(sig.keys, sig.labels))
        pmap = dict(zip(sig.keys, ps))
        for s in sorted(free):
            slot = self._recent.get(s)
            ks = list(slot.keys)
            w.add_member(slot.account_id, s, slot.ts, ks, list(slot.kinds), [wmap.get(k, 0.0) for k in ks],
                         [zmap.get(k, 0.0) for k in ks], [lmap.get(k, "") for k in ks],
                         [pmap.get(k, 1.0) for k in ks])
        if wave_id is None:
            for s in free:
                slot = self._recent.get(s)
                slot.wave = wid
                self._policy.track(slot.account_id, wid, slot.ts).match = 1.0
            self._waves[wid] = w
            self._n["waves_formed"] += 1
        return w

    def _pull(self, w: Wave, t: float, free: list, sig: Signature, z: list, ws: list, ps: list) -> list:
        """Add linked recent signups that are in no wave to ``w`` (as :meth:`_form` does)."""
        zmap = dict(zip(sig.keys, z))
        wmap = dict(zip(sig.keys, ws))
        pmap = dict(zip(sig.keys, ps))
        out = []
        for s in sorted(free):
            slot = self._recent.get(s)
            if slot is None or slot.wave is not None:
                continue
            ks = list(slot.keys)
            w.add_member(slot.account_id, s, slot.ts, ks, list(slot.kinds), [wmap.get(k, 0.0) for k in ks],
                         [zmap.get(k, 0.0) for k in ks], ps=[pmap.get(k, 1.0) for k in ks])
            slot.wave = w.wave_id
            self._policy.track(slot.account_id, w.wave_id, slot.ts).match = 0.5
            out.append((slot.account_id, s))
        if out and w.flagged:
            self._protect(w, out)
        return out

    def _merge(self, a: Wave, b: Wave) -> Wave:
        keep, gone = (a, b) if a.first_seen <= b.first_seen else (b, a)
        keep.absorb(gone)
        if keep.flagged:
            self._protect(keep)
        self._waves.pop(gone.wave_id, None)
        self._closed[gone.wave_id] = gone
        self._touch(gone)
        self._lockstep.forget(gone.wave_id)
        self._n["waves_merged"] += 1
        return keep

    def _slot_of(self, account_id: str, seq: int):
        """The remembered signup of ``account_id`` at ``seq``, if still in the ring."""
        slot = self._recent.get(seq)
        return slot if slot is not None and slot.account_id == account_id else None

    def _young_slot(self, account_id: str):
        """The remembered signup of a young account, if it is still in the ring."""
        seq = self._young.peek(account_id)
        return None if seq is None else self._slot_of(account_id, seq)

    def _member_match(self, w: Wave, ev, account_id: str, seq: int, profiled: bool = False) -> float:
        """How much of wave ``w`` (evidence ``ev``) the member carries, 0..1; 0.5 and more
        is suspended at the suspend level, 0.3 and more challenged.

        A member that acted in lockstep with others (:attr:`Account.coact`) carries at
        least ``_ACTED``, except a lone late follower: one that joined only as one of a late
        crowd of the wave's target (:meth:`_late_crowd`, :attr:`Account.late`), shares
        nothing of the signup traits the wave's members share, while they do share some
        (identity evidence ``_LATE_ALIKE`` or more). A farm's customer is often a real
        account that people follow too, hours after their own signup like the farm's
        sleepers: fresh seed 245's farm (334 accounts from five data-centre /16s and
        three clients) followed four customers, and six people who followed one of them
        within the hour joined its wave and were suspended. Such a member is challenged;
        a second target shared with a member by a pair of its own (:meth:`_coact`) makes
        it a lockstep member. A farm that rotated every trait gives no signup traits to
        compare: its late followers are judged by what they did. (On the 136 evaluation
        files: 6 benign suspensions fewer, 27 of 2,824 late-crowd farm members
        challenged instead of suspended.)"""
        acc = self._policy.peek(account_id)
        slot = self._slot_of(account_id, seq)
        if slot is not None:
            m = w.match(slot.keys, slot.kinds, ev, min_count=2)
        else:
            m = acc.match if acc is not None else 0.0
        if acc is not None and acc.coact:
            if acc.late and m < 0.1 and w.by_activity and ev.identity >= _LATE_ALIKE:
                # one of a late crowd only, that shares nothing of what its members share
                # at signup: challenged (see the docstring)
                return 0.3
            m = max(m, _ACTED)  # it acted in lockstep with other members
        elif w.by_activity and not profiled:
            # a lockstep wave's evidence is what its members did together; an account
            # that joined it by looking like a member at signup carries none of it
            # (unless the members' profiles alone are a wave at the suspend level)
            m = min(m, 0.3)
        return m

    def _profiled(self, w: Wave, f: dict) -> bool:
        """A lockstep wave whose members' shared profile traits alone, without what they
        did together, score at the suspend level: it is a signup wave too, and an account
        that joined it by its profile is judged as in one. ``f``: the wave's features."""
        if not w.by_activity or w.size < self.config["min_wave_size"]:
            return False
        f = dict(f, coact=0, coact_share=0.0, lockstep=0)
        return self._scorer.score_one(f) >= self.config["suspend_threshold"]

    def _carries(self, w: Wave, ev, account_id: str, seq: int, profiled: bool = False) -> bool:
        """A member of a signup wave at the suspend level that carries a small share of
        its evidence (it rotated the trait carrying most of it: the avatar, the bio; or
        the wave is so large that no member carries half of its many templates) but still
        carries much of it in absolute terms is judged part of it: ``_CARRY_TWO`` through
        two independent identity templates, or ``_CARRY_EVIDENCE`` with one (a device, a
        bio template, with the wave's network). A weak share of one common template (a
        username shape, a popular client) is what organic users share by chance.

        A bio template and a username template are two traits, but the second is one many
        share by chance and the first one a farm copies from real profiles: through those
        two only, a member must carry ``_CARRY_BIO_NAME``. Fresh seed 122's farm copied
        a common bio; people who wrote it, with a common username shape, carried 0.52 to
        0.61 of its evidence and were suspended (9; now 3). On the 136 evaluation files:
        10 benign suspensions fewer, 14 farm members challenged instead of suspended."""
        if w.by_activity and not profiled:  # a lockstep wave: what members did together
            return False
        slot = self._slot_of(account_id, seq)
        if slot is None:
            return False
        got, traits = w.carried(slot.keys, slot.kinds, ev, min_count=2)
        if traits >= 2 and got >= _CARRY_TWO:
            return got >= _CARRY_BIO_NAME or w.shared_traits(slot.keys, slot.kinds, ev, min_count=2) != _BIO_NAME
        return traits >= 1 and got >= _CARRY_EVIDENCE

    def _dipped(self, w: Wave, ev, account_id: str, seq: int, acc, t: float, m: float) -> bool:
        """A newcomer judged at the challenge level by a signup wave confirmed earlier at the
        suspend level is suspended if it carries half of the wave's signature or more
        (``m``, its own match) and is not judged by a bio template alone
        (:meth:`_bio_only`). A farm's score wavers around the suspend threshold as it grows
        (its templates' shares and bursts vary from minute to minute) and the members that
        join it while it is just below were only challenged, though they look like the
        ones suspended a minute before: fresh seed 151's farm (one data-centre /24, one
        username shape) scored 0.99 at 92 members and 0.85–0.97 from 300 to 800, and 164 of
        its members carrying 61 % of it were challenged. The lockstep counterpart is
        :meth:`_still_in_step`.

        On the 148 evaluation files: 814 farm members more suspended (151 +144, 106 +71,
        164 +63, 231 +49), on no file fewer; benign suspensions the same (109)."""
        if not w.confirmed or w.by_activity or m < 0.5:
            return False
        return not self._bio_only(w, ev, account_id, seq, None if acc is None else t - acc.ts, m)

    def _bio_only(self, w: Wave, ev, account_id: str, seq: int, age: Optional[float] = None,
                  m: float = 1.0) -> bool:
        """A member whose only identity trait in common with its wave is the bio template:
        waves copy their bios from real profiles ("privacy first 🛡️ no logs …"), so the
        real users who wrote them match the template exactly and nothing else. Such a
        member is challenged, not suspended; a wave member that shares a name pattern, a
        device, an avatar or a client as well is judged as usual.

        So is a member that shares the bio template and a username template only, carries
        less than ``_BIO_MATCH`` of the wave (``m``, before :meth:`_carries`) and signed up
        ``_BIO_AGE`` or more before this judgement (``age``): a farm's members are judged
        minutes after signup, when their wave bursts; people who wrote the bio a farm
        copies keep joining its wave at their own pace for hours, and a username shape is
        what many share by chance (fresh seed 232: five people with "DM for collabs 📩 | …"
        bios, in a wave open for five hours, suspended one to five hours after signup
        when the farm's burst confirmed it). On the 136 evaluation files: 9 benign
        suspensions fewer, 16 farm members challenged instead."""
        slot = self._slot_of(account_id, seq)
        if slot is None:
            return False
        traits = w.shared_traits(slot.keys, slot.kinds, ev, min_count=2)
        return traits == _BIO_ONLY or (traits == _BIO_NAME and age is not None and age >= _BIO_AGE
                                       and m < _BIO_MATCH)

    def _evaluate(self, w: Wave, t: float, newcomers: Iterable[tuple] = ()) -> list[Decision]:
        """Re-score a wave and emit the decisions its new state calls for."""
        cfg = self.config
        ev = w.evidence()
        if w.by_activity and w.size >= _EXPLAINED_FROM and ev.explained > w.explained_peak:
            w.explained_peak = ev.explained
        f = self._features(w, ev, 1.0)
        score = self._scorer.score_one(f)
        w.score = score
        w.multi = len({_TRAIT_GROUP[c] for c, s in enumerate(ev.strength) if s >= 0.1 and _TRAIT_GROUP[c]}) >= 2
        w.top_z = max((w.zmax[c] for c in range(len(w.cov)) if ev.strength[c] > 0), default=0.0)
        w.dirty = True
        self._touch(w)
        if w.size < 16 or w.size % 8 == 0:  # refresh the key -> wave index now and then
            for k in w.core_keys(ev, 0.3):
                self._wave_by_key[k] = w.wave_id
        newcomers = list(newcomers)
        for account_id, _ in newcomers:
            acc = self._policy.peek(account_id)
            if acc is not None:
                fa = dict(f, match=acc.match)
                acc.feats = tuple(fa[k] for k in FEATURES)
        if w.cleared:
            return []
        thr_s, thr_c = cfg["suspend_threshold"], cfg["challenge_threshold"]
        suspend_level = self._suspend_level(w, ev, score)
        challenge_level = score >= thr_c
        if challenge_level and not w.flagged:
            w.flagged = True
            self._protect(w)
        live = self._live()
        out: list[Decision] = []
        if suspend_level:
            retro = not w.confirmed
            w.confirmed = True
            w.status = "active"
            targets = w.members if retro else newcomers
            if retro:
                w.judged_size = w.size
            elif w.size >= 2 * w.judged_size:
                targets = self._rejudge(w, newcomers)
            out += self._decide(w, ev, f, score, targets, t, "suspend", thr_s, live)
        elif challenge_level:
            retro = not w.challenge_level
            w.challenge_level = True
            targets = w.members if retro else newcomers
            out += self._decide(w, ev, f, score, targets, t, "challenge", thr_c, live)
        elif w.confirmed and newcomers and score >= (_STEP_FLOOR if w.by_activity else _ALIKE_FLOOR):
            out += self._still_judged(w, ev, score, newcomers, t, live)
        return out

    def _still_judged(self, w: Wave, ev, score: float, newcomers: list, t: float, live: bool) -> list[Decision]:
        """Suspend the newcomers of a confirmed wave whose score fell below the challenge
        level that still do what its suspended members did (a lockstep wave,
        :meth:`_still_in_step`) or look like them (a signup wave, :meth:`_still_alike`)."""
        pol, ver = self._policy, self.config_version
        judge = self._still_in_step if w.by_activity else self._still_alike
        out: list[Decision] = []
        context = None
        for account_id, seq in newcomers:
            acc = pol.peek(account_id)
            if acc is None or acc.exempt:
                continue
            why = judge(w, ev, acc, account_id, seq, t)
            if why is None:
                continue
            if context is None:
                context = self._context(w, ev)
            reasons = context + [f"wave confirmed earlier; its score is now {score:.2f}, below the challenge "
                                 f"threshold {self.config['challenge_threshold']:.2f}, but this account {why}"]
            d = pol.suspend(account_id, t, score, reasons, w.wave_id, ver, live)
            if d is not None:
                if live:
                    w.suspended += 1
                out.append(d)
        return out

    def _still_alike(self, w: Wave, ev, acc, account_id: str, seq: int, t: float) -> Optional[str]:
        """Why a newcomer of a signup wave confirmed earlier whose score fell below the
        challenge level is suspended, down to ``_ALIKE_FLOOR``: it carries half of its
        signature or more (:meth:`_dipped`, what is done just below the suspend level);
        None if it does not. A farm's score wavers as labels teach the model and its
        traits' bursts come and go: fresh seed 105's u2 (664 accounts from one ISP's /24s
        and one rare client) was confirmed at 122 members and from then on scored 0.26 to
        0.72, around the challenge threshold; the members that joined it while it was just
        below were left alone, though they looked like the ones suspended a minute before.
        On the 207 evaluation files: +122 farm accounts (105 +78, 54 +19) and 1 person
        (seed 252: a member that had acted in lockstep with the wave, at the challenge
        level already suspended by :meth:`_decide`)."""
        m = self._member_match(w, ev, account_id, seq)
        if not self._dipped(w, ev, account_id, seq, acc, t, m):
            return None
        return f"carries half of its signature or more (match {m:.2f})"

    def _still_in_step(self, w: Wave, ev, acc, account_id: str, seq: int, t: float) -> Optional[str]:
        """Why a newcomer of a confirmed lockstep wave whose score fell below the challenge
        level as it grew is suspended, down to ``_STEP_FLOOR``: it joined by acting with
        its members (:attr:`Account.coact`); None if it did not. A farm that follows its
        customer slowly over hours
        draws members from carrier networks in a few countries: as it grows they come to
        share those networks, the wave looks explained by one origin and its score falls
        (hold-out seed 71: a late crowd confirmed at 0.99 fell to 0.46 by its 82nd
        member, and 160 of its 328 members went free). Its newcomers do what the
        members it was confirmed on did; the ones that merely resemble it at signup
        (:meth:`_place`) are not judged here. At the challenge level :meth:`_decide`
        suspends such members already; below it nothing else would. Down to
        ``_STEP_FLOOR`` only: a wave that shared origins of two kinds explain (a campus
        following its university) scores near 0, and that farm's lowest was 0.33 (a floor
        of 0.35 lost 0.002 on hold-out 71–76; 0.2 changed no decision on the 46
        evaluation files). A lone late follower (:meth:`_member_match`) is not one of them."""
        if not acc.coact or (acc.late and self._member_match(w, ev, account_id, seq) < _ACTED):
            return None
        return "acted in lockstep with its members"

    @staticmethod
    def _context(w: Wave, ev) -> list[str]:
        """The reason lines every member judged in one judgement of ``w`` shares."""
        return wave_context(w.size, w.first_seen, w.traits(ev), w.top_z, w.lockstep, w.spam_labels, w.co_members)

    def _suspend_level(self, w: Wave, ev, score: float, size: Optional[int] = None) -> bool:
        """Whether a wave scored ``score`` (with evidence ``ev``) suspends its members.
        ``size``: the wave's size if not ``w.size`` (:meth:`assess` scores one signup more)."""
        cfg = self.config
        n = w.size if size is None else size
        return (score >= cfg["suspend_threshold"] and n >= cfg["min_wave_size"]
                and not self._organisation(w, ev) and not self._unhurried(w, n) and not self._household(w, ev, n)) \
            or (w.label_confirmed and score >= cfg["challenge_threshold"])

    def _rejudge(self, w: Wave, newcomers: list) -> list:
        """The members a confirmed signup wave judges when it has doubled since it last
        judged them all: its newcomers, and the members it judged at the suspend level
        that then carried too little of it (a match of 0.1 to 0.5: challenged, or left
        alone below 0.3). A farm's templates emerge as it grows
        (a large wave learns the username shape and the client its first members rotated),
        and a member that carried a fifth of the early evidence may carry half of the later.
        Members challenged before the wave reached the suspend level (a crowd partly
        pulled in while it was only suspicious) were judged at its confirmation and are
        not judged again, unless two of the members they are tied to were suspended since
        (:meth:`_tied`: the ties of a member judged before its partners). Each member is
        judged again at most once per doubling: the cost is bounded by the wave's size."""
        w.judged_size = w.size
        pol = self._policy
        seen = {a for a, _ in newcomers}
        out = list(newcomers)
        for a, seq in w.members:
            acc = pol.peek(a)
            if acc is not None and a not in seen \
                    and ((acc.rejudge and acc.live in (NONE, CHALLENGED)) or self._tied_back(w, acc)):
                out.append((a, seq))
        return out

    @staticmethod
    def _unhurried(w: Wave, size: Optional[int] = None) -> bool:
        """A signup wave that arrives slowly (members ``_DEFER_GAP`` apart on average), or
        is no larger than ``_CALM_SIZE``, and in which no shared trait ever stood out from
        its usual rate (``top_z`` below ``_CALM_Z``): a few accounts on one household's
        tablet, a person's second and third account. Sharing a device or a name is not a
        burst; on the prior alone such a wave is challenged, never suspended (labels can
        confirm it). A farm that shares the same traits bursts in at least one of them as
        it grows, and is then judged, all its members at once.

        A person who makes four or five accounts on one device within minutes is not
        slow, but their device, name and bio still stand out only 3 standard deviations:
        fresh seeds 204 and 206 (written unseen) suspended three and two such, seed 184
        four, seeds 144, 172 and 84 two or three: 16 of the 116 benign suspensions on the
        112 evaluation files. Farms' first members look the same; they are suspended when
        the wave bursts or grows past ``_CALM_SIZE``: no recall was lost, but on 10 mix
        seeds the median wave was caught 0.5 to 5 accounts later (none on default).
        ``size``: the wave's size if not ``w.size`` (:meth:`assess` scores one signup more)."""
        n = w.size if size is None else size
        return (not w.by_activity and w.top_z < _CALM_Z
                and (n <= _CALM_SIZE or w.last_seen - w.first_seen > (n - 1) * _DEFER_GAP))

    @staticmethod
    def _household(w: Wave, ev, n: int) -> bool:
        """A signup wave of at most ``_HOME_SIZE`` accounts whose strongest identity trait
        is a shared device that no more than ``_HOME_DEVICE`` of them carry, and whose
        members sharing a device share a network too (``ip24``/``ip48`` coverage at
        least the device's): a family's tablet, a person's second account on their
        phone, two such homes linked by a common name. On the prior alone it is
        challenged, never suspended, however fast its accounts came (three on one
        device within minutes stand out many standard deviations: not calm, see
        :meth:`_unhurried`); labels can confirm it. A farm on one device carries a
        fourth account on it, or grows past ``_HOME_SIZE``, and is judged then; a pool of
        devices shared across carrier networks is not a home.

        Fresh seeds 145 and 172 (written unseen) suspended 4 and 4 such people: now 0 and
        0. On the 136 evaluation files 7 benign suspensions fewer (one more on seed 191: a
        person's two accounts in a wave with two strangers, judged at five), no farm
        member fewer, no median moved. Up to ``_CALM_SIZE`` (6) it was 10 fewer, but farms
        that share a few devices in one data centre or ISP network look the same at five
        and six accounts: three were caught 1 to 5 accounts later, the out-of-distribution
        generator's "cyr" wave (three devices, one /24) at its 7th account, not its 5th.

        A larger wave is homes too while no device in it carries more than
        ``_HOMES_DEVICE`` (2) accounts and no network more than ``_HOME_DEVICE``: people
        linked by a common name, each with a second account on their own phone at their
        own address. Fresh seed 276 (written unseen) suspended five such: ten accounts
        within two hours named Beatriz (handles "Beatriz" and eight digits), three devices
        each carrying a person's two accounts (FPR 0.069 %, now 0.012 %). On the 160
        evaluation files 5 benign suspensions fewer, no farm member fewer; the 24-hour,
        out-of-distribution and crowd-link files and cresci-2017 the same. Without the
        network condition 6 farm members fewer (seeds 201 and 103: device pairs in one
        network)."""
        if w.by_activity:
            return False
        if n > _HOME_SIZE and (w.top_count(_DEVICE_K) > _HOMES_DEVICE
                               or max(w.top_count(_IP24_K), w.top_count(_IP48_K)) > _HOME_DEVICE):
            return False  # larger: homes only while each device and each network is one home's
        st = ev.strength
        dev = st[_DEVICE_K]
        if dev < ID_TRAIT_MIN or dev < max(s for s, ident in zip(st, _IS_ID) if ident):
            return False
        if w.cov[_IP24_K] + w.cov[_IP48_K] < w.cov[_DEVICE_K]:
            return False  # devices shared across networks: a pool, not homes
        return w.top_count(_DEVICE_K) <= _HOME_DEVICE

    @staticmethod
    def _organisation(w: Wave, ev) -> bool:
        """A signup wave that specific shared origins of two kinds or more explain (a
        company's network, mail domain and intranet link; a campus's network and domain:
        ``explained`` above the one-origin cap of :meth:`Wave.explained`) and whose members
        look alike in one identity trait only (a "role @ company" bio): how an
        organisation's accounts look. On the prior alone it is challenged, never
        suspended; labels can confirm it. (A farm in one data centre shares a network
        only.)

        A shared user agent whose weight (burst x specificity, :attr:`Wave.wgt`) is
        below ``_ORG_UA`` is not counted: the one browser build an organisation's managed
        machines run is common, so its weight stays low, while a rare client shared by a
        group is a farm's tool and counts (seed 3's wave u3, a rare app from one /24 with
        one referrer: weight 0.9 and more). Counting it made fresh seed 184's company
        onboarding ("chef @ meterenconsulting" bios, two offices, one Chrome build at
        weight 0.43–0.56) alike in two identity traits, and 55 of its employees were
        suspended. That build with the locale (``ua_locale``) is as common as the build
        alone, however rare the locale: fresh seed 241's company in Egypt (one Chrome
        build at weight 0.51, with an Arabic locale at 1.0) counted it as a second
        identity trait, and 70 of its 89 employees were suspended.

        And its members share a mail domain of its own (the domain's origin term,
        :meth:`Wave.origin_term`, at least ``_ORG_DOMAIN``): a company's or a campus's
        domain is what makes it one. A group that one network and one link explain, with
        addresses at a big provider, is a crowd in one place or a farm in one data
        centre behind one referrer (fresh seed 162's wave u2: 362 accounts from a
        data-centre /24 with one referrer and random outlook addresses; its waves of 59
        to 170 scored 0.92–0.97, and most of their members were only challenged).

        A shared e-mail pattern is not an identity trait of an organisation: the
        addresses at its own domain follow its naming rule ("first.last", the handle),
        and its people's handles follow their names. Fresh seed 231 (written with a
        simulator that mends the campus addresses of the seeds before it): six students
        named Vinicius, from the campus network with its welcome link, alike in handle and
        e-mail pattern, scored 0.91 and were suspended, and their wave, merged into the
        campus's lockstep wave (before :meth:`_one_group`), had 91 more suspended. On the
        207 evaluation files this was the only change: -97 benign on seed 231, -3 farm."""
        if w.by_activity or ev.explained < _ORG_EXPLAINED or w.origin_term(_EMAIL_DOMAIN) < _ORG_DOMAIN:
            return False
        st, wgt = ev.strength, w.wgt
        # the browser build with the locale is as common as the build, whatever the
        # locale: an organisation in one country shares both
        ua_common = wgt[_UA_KINDS[0]] < _ORG_UA
        common_ua = sum(1 for c in _UA_KINDS if st[c] >= ID_TRAIT_MIN and (ua_common or wgt[c] < _ORG_UA))
        # the pattern of addresses at its own domain is how the organisation names its
        # people ("first.last", the handle), not a template of theirs
        own_pattern = 1 if st[_EMAIL_SHAPE] >= ID_TRAIT_MIN else 0
        return ev.n_identity - common_ua - own_pattern <= 1

    def _decide(self, w: Wave, ev, f: dict, score: float, targets: Iterable, t: float, level: str, thr: float,
                live: bool) -> list[Decision]:
        out = []
        context = None  # built for the first member decided on (maybe none)
        pol = self._policy
        ver = self.config_version
        profiled = None  # computed once, for the first member judged
        by_profile = False  # ... and with it
        targets = list(targets)  # grows by the members tied to the ones it suspends
        requeued: set = set()
        i = 0
        while i < len(targets):
            account_id, seq = targets[i]
            i += 1
            acc = pol.peek(account_id)
            if acc is not None and acc.exempt:
                continue
            if profiled is None:
                profiled = level == "suspend" and self._profiled(w, f)
                by_profile = not w.by_activity or profiled  # judged by what its members look like
            m = m0 = self._member_match(w, ev, account_id, seq, profiled)
            if level == "suspend" and 0.1 <= m < 0.5 and self._carries(w, ev, account_id, seq, profiled):
                m = 0.5
            tied = level == "suspend" and m < 0.5 and by_profile and acc is not None and acc.ties \
                and self._tied(w, acc)
            if tied:
                m = 0.5
            if level == "suspend" and m >= 0.5 and not (acc is not None and acc.coact) \
                    and self._bio_only(w, ev, account_id, seq, None if acc is None else t - acc.ts, m0):
                m = 0.3  # challenged: see _bio_only
            dipped = False  # a confirmed signup wave below the suspend level: see _dipped
            if level == "suspend" and m >= 0.5:
                action = "suspend"
            elif level == "challenge" and self._dipped(w, ev, account_id, seq, acc, t, m0):
                action = "suspend"
                dipped = True
            elif w.confirmed and acc is not None and acc.coact and m >= _ACTED:
                # a confirmed wave fell back to challenge level: members that acted in
                # lockstep with other members carry their own evidence (a lone late
                # follower does not: _member_match gave it 0.3)
                action = "suspend"
            elif m >= 0.3:
                action = "challenge"
            else:
                if level == "suspend" and m >= 0.1 and live and acc is not None:
                    acc.rejudge = True  # it carries a little of the wave: see _rejudge
                continue
            if context is None:  # the same for every member
                context = self._context(w, ev)
            reasons = context + [score_reason(score, level, thr, m)]
            if tied and action == "suspend":
                reasons.append(f"linked at signup as closely as a device or two shared templates to {_TIES} "
                               f"suspended members of this wave")
            if dipped:
                reasons.append(f"wave confirmed earlier at the suspend threshold "
                               f"{self.config['suspend_threshold']:.2f}; its score fell below it as it grew, "
                               f"and this account carries half of its signature or more")
            if action == "suspend":
                d = pol.suspend(account_id, t, score, reasons, w.wave_id, ver, live)
                if d is not None and live:
                    w.suspended += 1
                    if acc is not None and by_profile:
                        # the members tied to it may now be tied to two suspended ones
                        for y, sy in acc.ties:
                            oy = pol.peek(y)
                            if y not in requeued and oy is not None and self._same_wave(oy.wave, w) \
                                    and self._tied_back(w, oy):
                                requeued.add(y)
                                targets.append((y, sy))
            else:
                d = pol.challenge(account_id, t, score, reasons, w.wave_id, ver, live)
                if d is not None and live:
                    w.challenged += 1
                if level == "suspend" and live:
                    pol.peek(account_id).rejudge = True  # see _rejudge
            if d is not None:
                out.append(d)
        return out

    def _protect(self, w: Wave, members: Optional[Iterable[tuple]] = None) -> None:
        """Take the members of a newly flagged wave back out of the baseline."""
        for _, seq in (w.members if members is None else members):
            slot = self._recent.get(seq)
            if slot is None:
                continue
            slot.flagged = True
            if slot.learned is not False:
                self._burst.unlearn_baseline(self._learned_keys(slot), slot.learned)
                slot.learned = False

    def _learn_baseline(self, t: float) -> None:
        """Fold signups older than ``protect_delay`` into the baseline, unless flagged."""
        pend, cells = self._pending, self._pending_idx
        cutoff = t - self.protect_delay
        recent = self._recent
        while pend:
            slot = recent.get(pend[0])
            if slot is None:
                s = pend.popleft()
                cells.pop(s, None)
                self._hot.pop(s, None)
                continue
            if slot.ts > cutoff:
                break
            seq = pend.popleft()
            idx = cells.pop(seq, None)
            hot = self._hot.pop(seq, None)
            if slot.wave is not None:
                w = self._wave(slot.wave, live_only=False)
                if w is not None and (w.flagged or w.confirmed):
                    slot.flagged = True
                    continue
                if w is not None and w.status != "closed" and not w.cleared and w.size >= 3 \
                        and w.last_seen - w.first_seen <= (w.size - 1) * _DEFER_GAP \
                        and self._multi_trait(w):
                    # a wave still growing does not teach the baseline that it is normal
                    # (it would dilute its own burst); its members are learned when it
                    # closes unflagged (:meth:`_close`) or are dropped if it is flagged
                    w.deferred = True
                    continue
            keys = np.frombuffer(slot.keys, _U64)
            held = self._holding(hot, slot.ts) if hot else None
            if held:  # the others are learned (from the cells computed at signup, if at hand)
                self._held_out[seq] = held
                keep = [k not in held for k in slot.keys]
                keys = keys[keep]
                idx = None if idx is None else idx[:, keep]
            slot.learned = self._burst.learn_baseline(keys, t, idx)

    def _holding(self, keys: list, ts: float) -> tuple:
        """Those of a signup's hard-bursting keys within the first ``_HOLD`` seconds of
        their burst: the baseline does not learn them (a burst nobody has judged yet must
        not become its own baseline while it lasts: a farm arriving from one data centre
        for hours would otherwise stop linking within minutes). The signup's other keys
        are learned; a burst that lasts longer than the hold is the new normal."""
        held = self._held
        out = []
        for k in keys:
            since = held.get(k)
            if since is None:
                held[k] = ts
                out.append(k)
            elif ts - since < _HOLD:
                out.append(k)
        return tuple(out)

    def _learned_keys(self, slot) -> np.ndarray:
        """The keys of a remembered signup that the baseline learned (or will learn)."""
        keys = np.frombuffer(slot.keys, _U64)
        held = self._held_out.peek(slot.seq)
        return keys[[k not in held for k in slot.keys]] if held else keys

    @staticmethod
    def _multi_trait(w: Wave) -> bool:
        """Two kinds of trait or more carried the wave when it was last scored (one
        common bio or name alone, arriving often, is how organic users look)."""
        return w.multi

    def _learn_deferred(self, w: Wave, t: float) -> None:
        """Fold the members of a wave that closed unflagged into the baseline."""
        w.deferred = False
        cutoff = t - self.protect_delay
        for acct, seq in w.members:
            slot = self._recent.get(seq)
            if slot is None or slot.account_id != acct or slot.learned is not False or slot.flagged \
                    or slot.ts > cutoff:
                continue
            slot.learned = self._burst.learn_baseline(np.frombuffer(slot.keys, _U64), t)

    def _sweep(self, t: float) -> list[Decision]:
        """Close the waves that went quiet (or the oldest, over the live cap), each after
        its last judgement."""
        self._last_sweep = t
        out = self._wave_templates(t)
        quiet = [w for w in self._waves.values() if t - w.last_seen > self.wave_quiet]
        over = len(self._waves) - len(quiet) - self.max_live_waves
        if over > 0:
            rest = sorted((w for w in self._waves.values() if t - w.last_seen <= self.wave_quiet),
                          key=lambda w: w.last_seen)
            quiet += rest[:over]
        for w in quiet:
            out += self._last_judgement(w, t)
            self._close(w)
        return out

    def _wave_templates(self, t: float) -> list[Decision]:
        """Make a template of each confirmed live wave's suspended members
        (:meth:`LabelTemplates.from_wave`) when it has doubled since it last made one, and
        suspend the remembered signups that carry it: a farm's members that never linked
        to its wave (signed up before it burst, or slowly, while the baseline learned what
        they share) carry what its suspended members do."""
        done = self._wave_templated
        lt = self._labelled
        pol = self._policy
        out: list[Decision] = []
        for w in self._waves.values():
            if not w.confirmed or w.cleared or w.size < max(lt.wave_min_members, 2 * done.get(w.wave_id, 0)):
                continue
            done[w.wave_id] = w.size
            ids = [a for a, _ in w.members if (acc := pol.peek(a)) is not None and acc.live == SUSPENDED]
            tp = lt.from_wave(w.wave_id, ids, t, self._template_share)
            if tp is not None:
                out += self._template_sweep(tp, t)
        return out

    def _last_judgement(self, w: Wave, t: float) -> list[Decision]:
        """A confirmed signup wave that closes still at the suspend level judges once more
        the members it judged too unlike it to suspend (:meth:`_rejudge`): its evidence
        is final now, and it may have grown less than twice since it last judged them."""
        if not w.confirmed or w.by_activity or w.cleared:
            return []
        ev = w.evidence()
        f = self._features(w, ev, 1.0)
        score = self._scorer.score_one(f)
        if not self._suspend_level(w, ev, score):
            return []
        return self._decide(w, ev, f, score, self._rejudge(w, []), t, "suspend",
                            self.config["suspend_threshold"], self._live())

    def _close(self, w: Wave) -> None:
        if w.deferred and not (w.flagged or w.confirmed):
            self._learn_deferred(w, self._t)
        w.status = "closed"
        w.dirty = True
        self._waves.pop(w.wave_id, None)
        self._wave_templated.pop(w.wave_id, None)
        self._lockstep.forget(w.wave_id)
        w.members = w.members[:0] if not w.confirmed else w.members[:64]
        w.keys = {}
        self._closed[w.wave_id] = w
        self._touch(w)

    # ------------------------------------------------------------------ activity
    def _on_activity(self, ev: Activity) -> list[Decision]:
        self._n["activities"] += 1
        if not self.config["lockstep_enabled"] or (ev.target is None and ev.text is None):
            return []
        out: list[Decision] = []
        acc = self._policy.peek(ev.account_id)
        w = self._wave(acc.wave) if acc is not None and acc.wave is not None else None
        if ev.account_id in self._young and (w is None or w.by_activity or self._weak(w)):
            # members of signup-formed waves are counted by that wave's lockstep tracker
            links = self._linker.learn_one(ev.account_id, ev.ts, ev.target, ev.text, ev.action == "follow")
            for a, b in links:
                out += self._coact(a, b, ev.ts)
            if not links and self._linker.specific:
                follow = ev.action == "follow"
                got = self._follow(ev.account_id, self._linker.specific, ev.ts, follow)
                if not got and follow:
                    got = self._late_crowd(ev.account_id, self._linker.specific, ev.ts)
                out += got
            elif not links and ev.action == "follow" and self._new_target(self._linker.target_key):
                out += self._late_crowd(ev.account_id, [self._linker.target_key], ev.ts, new=True)
            if acc is not None and acc.wave is not None and (w is None or acc.wave != w.wave_id):
                w = self._wave(acc.wave)
        if not out and len(self._wave_hits) and ev.account_id in self._young and (w is None or self._weak(w)):
            out = self._pulled(ev)  # (no confirmed wave acting together: nothing to look up)
        if w is None:
            return out
        n, key, hit = self._lockstep.learn_hit(w.wave_id, ev.account_id, ev.ts, ev.target, ev.text)
        if hit >= _LOCK_HIT and w.confirmed and not w.by_activity and acc is not None and acc.match >= 0.5:
            self._wave_hit(w, key, ev)
        if n > w.lockstep:
            w.lockstep = n
            if n >= 3:
                out += self._evaluate(w, ev.ts)
        if hit >= _LOCK_HIT and acc is not None and w.confirmed and not w.by_activity and not acc.coact:
            out += self._in_lockstep(w, acc, ev, key)
        return out

    def _wave_hit(self, w: Wave, key: int, ev: Activity) -> None:
        """A member of confirmed signup wave ``w`` that carries its signature acted on
        target ``key`` (of ``ev``) together with others: if ``_LOCK_HIT`` or more such
        members did within the lockstep window, remember that ``w`` acts on ``key``, and
        how often young accounts had hit its target before (:meth:`_pulled`)."""
        t = ev.ts
        got = self._wave_hits.peek(key)
        if got is not None and got[0] == w.wave_id:
            got[1] = t
        elif self._carriers(w, key, coact=False) >= _LOCK_HIT:
            lk = self._linker
            before = lk.baseline(lk.targets(ev.target, None)[0]) if ev.target else 0.0
            self._wave_hits[key] = [w.wave_id, t, before]

    def _carriers(self, w: Wave, key: int, but: Optional[str] = None, coact: bool = True) -> int:
        """Members of ``w`` (but ``but``) that acted on target ``key`` in its current
        lockstep window and carry its signature: a match of 0.5 or more, or (``coact``)
        acting in lockstep with its members. A member pulled in by what it did
        (:meth:`_pulled`) is not a carrier for the targets that pull others.

        With ``coact`` (judging a member by what it does, :meth:`_in_lockstep`), a match
        of ``_CARRIER_CEILING`` times the wave's ceiling (:meth:`TraitEvidence.ceiling`)
        is enough when that is lower: in a wave that a rare username shape alone holds
        together no member carries half of it, and its members acting together were never
        evidence. Fresh seed 296's wave u3 (written unseen): 780 accounts with handles
        shaped like "n2sKrznq4" and every other field rotated, confirmed at 0.92–0.95;
        its members carry 0.41–0.44 of a ceiling of 0.45–0.46, so they were challenged,
        and then 435 of them followed one customer and liked one post of it, seconds
        apart: 57 suspended, now 310. Down to half the ceiling, a crowd member in an
        app-store wave (seed 281) counted too."""
        peek = self._policy.peek
        n = 0
        least = 0.5
        if coact:
            least = min(least, _CARRIER_CEILING * w.evidence().ceiling())
        for other in self._lockstep.members(w.wave_id, key):
            o = peek(other) if other != but else None
            if o is not None and (o.match >= least or (coact and o.coact)):
                n += 1
        return n

    def _pulled(self, ev: Activity) -> list[Decision]:
        """A young account in no wave (or in a weak one, :meth:`_free`) that acts, on two
        distinct targets, within the lockstep window of ``_LOCK_HIT`` or more members of a
        confirmed signup wave that carry its signature acting on each (:meth:`_wave_hit`),
        and that carries ``_PULL_MATCH`` or more of that wave itself, joins it as a member
        that acted in lockstep (:meth:`_join`). A farm member that broke the template in
        most fields links to no one at signup, and members of a signup wave feed its own
        lockstep tracker, not the co-activity linker: no pair of its own ever forms
        with them (fresh seed 141's like farm, 780 accounts from one data-centre /24
        with pooled bios: 548 suspended, and 232 that looked organic at signup liked
        the same posts as they did, unjudged).

        Organic newcomers act on what farms act on too (a trending post, a show's
        account): a target young accounts hit more than ``_PULL_POPULAR`` times in the
        co-activity baseline (:meth:`CoActivityLinker.baseline`) does not count, and the
        ones pulled without it that carried nothing of the wave (14 of 546 joins on 14
        mix seeds, all with a match below 0.05) were people. The wave is judged again with
        the account in it: suspended if it is still at the suspend level or confirmed
        (:meth:`_decide`).

        How often young accounts had hit a target is read as it was when the wave was
        first seen acting on it (:meth:`_wave_hit`): a slow farm's members that linked to
        no wave hit its targets one by one, never as a burst, and the co-activity baseline
        learns their hits; read now, the farm's own members made its targets "popular"
        and no later one was pulled (fresh seed 113's like farm, 780 accounts from rotating
        residential addresses: 459 pulls refused so, 147 members unjudged; now 87 pulled
        in). On the 207 evaluation files: +117 farm accounts (113 +46, 261 +39, 151 +15),
        and 2 people more (seed 245: two newcomers in a small lockstep wave of strangers,
        the linker's pairs having shifted; no file newly over the FPR target).

        On the 148 evaluation files (the 136 and fresh seeds 251–266, written unseen):
        1,119 farm accounts more suspended (seed 141 +168, 211 +93, 33 +84), benign
        suspensions 113 → 109. Seed 2 lost 155: its u1 members joined their wave instead
        of feeding the linker, which changed how seed 2's u5 lockstep waves formed (in
        fragments at the challenge level, not one at the suspend level)."""
        for k in self._lockstep.keys(ev.target, ev.text):
            got = self._wave_hits.peek(k)
            if got is None or ev.ts - got[1] > self._lockstep.window:
                continue
            w = self._wave(got[0])
            if w is None or w.cleared or not w.confirmed or w.by_activity:
                continue
            if ev.target and (got[2] if len(got) > 2 else  # (remembered since 1f6397d)
                              self._linker.baseline(self._linker.target_key)) > _PULL_POPULAR:
                continue
            seen = self._pull_hits.get(ev.account_id)
            if seen is None or seen[0] != w.wave_id:
                self._pull_hits[ev.account_id] = (w.wave_id, k)
                continue
            if seen[1] == k:
                continue
            slot = self._young_slot(ev.account_id)
            if slot is None or (slot.wave is not None and not self._free(slot)):
                return []
            self._pull_hits.pop(ev.account_id)
            if w.match(slot.keys, slot.kinds, w.evidence(), min_count=2) < _PULL_MATCH:
                return []
            return self._join(w, [slot], ev.ts)
        return []

    def _in_lockstep(self, w: Wave, acc, ev: Activity, key: int) -> list[Decision]:
        """A member of a confirmed signup wave that looked too little like it to be
        suspended at signup (it broke the template in most fields) but then acts on two
        distinct targets, each together with ``_LOCK_HIT`` or more members that carry the
        wave's signature, within the lockstep window, carries the wave's evidence in what
        it does: it counts as a member that acted in lockstep (:attr:`Account.coact`) and
        is judged again. (Members that do not carry the signature — a flash crowd partly
        pulled into a wave — acting together are no evidence.)

        One target is enough when it is a late follow of an account nobody had followed
        (:meth:`_late_new_follow`): a slow farm follows its one customer hours after
        signup and shares no second target, while benign members pulled into a farm's
        wave follow popular accounts, and crowds follow what they came for minutes
        after signup. Such a follow also counts for a member that carries the signature
        but was only challenged (it joined before the wave was confirmed, or shares its
        bio template alone: :meth:`_bio_only`)."""
        late_new = None  # _late_new_follow(ev), asked once and only where it decides
        if acc.match >= 0.5:
            late_new = acc.live == CHALLENGED and self._late_new_follow(ev)
            if not late_new:
                return []  # judged by its signature already (challenged: see above)
        account_id, t = ev.account_id, ev.ts
        if self._carriers(w, key, but=account_id) < _LOCK_HIT:
            return []
        if (acc.lock_key is None or acc.lock_key == key) and not (late_new or self._late_new_follow(ev)):
            acc.lock_key = key
            return []
        acc.coact = True
        w.co_members += 1
        seq = self._young.peek(account_id)
        return self._evaluate(w, t, [(account_id, -1 if seq is None else seq)])

    def _late_new_follow(self, ev: Activity) -> bool:
        """Is ``ev`` a young account's follow, ``_LATE`` or more after its signup, of an
        account that was new when a young account first followed it (:meth:`_new_target`)?"""
        if ev.action != "follow" or not ev.target:
            return False
        slot = self._young_slot(ev.account_id)
        if slot is None or ev.ts - slot.ts < _LATE:
            return False
        return self._new_target(self._linker.targets(ev.target, None)[0])

    def _slot_weights(self, slot, t: float) -> tuple[list, list, list, list, list]:
        """Keys, kinds, current weights, burst z-scores and baseline shares of a
        remembered signup."""
        sig = Signature(list(slot.keys), list(slot.kinds), [""] * len(slot.keys))
        _, counts, _, p, ws, _ = self._score_keys(sig, t, 0.0)
        return sig.keys, sig.kinds, ws, _z_scores(counts), p

    @staticmethod
    def _weak(w: Optional[Wave]) -> bool:
        """A wave formed by signups that never reached the challenge level and that no
        shared origin explains: its members looked alike at signup, no more, and may act
        in lockstep with others. (A campus or a company onboarding shares a network and a
        mail domain: its members act together for a reason and stay in their wave.)

        One kind of origin alone (explained at most ``ONE_ORIGIN``) does not keep a wave
        from being weak: a farm registers from its own data centres, at its own domains,
        through one link too. Fresh seed 54's u4 (780 accounts from three /24s) formed a
        signup wave of 402 explained 0.5 by its networks that scored 0.12 while its
        members followed, liked and reposted one customer's posts in lockstep; kept in it,
        they never reached the co-activity linker and the lockstep waves where the rest of
        the farm was suspended (397 of 780; now 776). On the 207 evaluation files: +1,169
        farm accounts (54 +368, 173 +90, 171 +86, 162 +69, 133 +68), and 7 people more
        (206 -> 213: three students of seed 143's campus in a farm's signup wave, one of
        seed 65's flash crowd; no file newly over the FPR target). Only a network with no
        mail domain nor referrer explaining ``_OTHER_ORIGIN`` of the wave: +916 and the
        same 7 people; from 64 members only: +7."""
        return w is not None and not w.by_activity and not (w.flagged or w.confirmed or w.label_confirmed
                                                            or w.cleared) and w.explained() <= ONE_ORIGIN

    def _leave(self, slot) -> None:
        """Take a member out of its weak signup wave's member list (its counts stay:
        the wave only ever looked weak)."""
        old = self._wave(slot.wave, live_only=False)
        if old is not None:
            old.members = [m for m in old.members if m[0] != slot.account_id]
        slot.wave = None

    def _coact(self, a: str, b: str, t: float) -> list[Decision]:
        """Two young accounts acted on the same unusual targets together.

        They form (or extend) a *lockstep wave*. Accounts already in a wave formed by
        their signups are left there: that wave's own lockstep tracker counts their
        activity, and a benign account that happens to co-act with a bot is not pulled
        into the bot's wave. An account placed in a lockstep wave at signup that acts
        with another on targets that wave never linked on leaves it (:meth:`_acts_with`).
        """
        slots = []
        for acct in (a, b):
            slot = self._young_slot(acct)
            if slot is None:
                return []
            slots.append(slot)
        waves = []
        shared = self._linker.shared(a, b)
        for slot in slots:
            wv = self._wave(slot.wave) if slot.wave is not None else None
            if slot.wave is not None and (wv is None or not wv.by_activity):
                if not self._free(slot):
                    return []  # in a signup-formed (or closed) wave
                wv = None  # a weak lookalike wave at signup: free to act in lockstep
            elif wv is not None and not self._acts_with(wv, slot.account_id, shared):
                wv = None  # placed in a lockstep wave at signup, acting on other things
            waves.append(wv)
        merged = False
        if waves[0] is None and waves[1] is None:
            w = self._acting_wave(shared, t)
            if w is None:
                w = self._new_lockstep_wave(slots)
        elif waves[0] is not None and waves[1] is not None and waves[0] is not waves[1]:
            # no single-linkage chaining of lockstep waves into one giant component; but two
            # that are still below the wave size are one group that started in two places
            small = self.config["min_wave_size"]
            if waves[0].size >= small or waves[1].size >= small or waves[0].cleared or waves[1].cleared:
                return []
            w = self._merge(waves[0], waves[1])
            merged = True
            for sl in slots:
                sl.wave = w.wave_id
        else:
            w = waves[0] if waves[0] is not None else waves[1]
        if w.cleared:
            return []
        self._mark_targets(w, shared, t)
        return self._join(w, slots, t, merged)

    def _acts_with(self, w: Wave, account_id: str, shared: frozenset) -> bool:
        """Does a member of lockstep wave ``w`` that links to another young account on
        the targets ``shared`` act with ``w``? Yes if it acted in lockstep in ``w`` already
        (:attr:`Account.coact`), or if ``w`` linked its own pairs on one of those targets
        (:attr:`_act_targets`). A member that only joined ``w`` at signup (a link to one
        member: fresh seed 161, a student whose bio was a near-duplicate of one farm
        member's) and now acts with others on targets ``w`` never linked on acts with
        them, not with ``w``: it leaves ``w`` for a wave of its own with them. Without
        this, each of its classmates that followed their university with it joined the
        farm's wave and was suspended with it (13 on fresh seed 161)."""
        acc = self._policy.peek(account_id)
        if acc is None or acc.coact:
            return True
        targets = self._act_targets
        for k in shared:
            got = targets.peek(k)
            if got is not None and got[0] == w.wave_id:
                return True
        return False

    def _new_lockstep_wave(self, slots: list) -> Wave:
        """A new wave formed by what the accounts of ``slots`` did together."""
        w = Wave(self._new_wave_id(slots[0].account_id, slots[0].ts), min(s.ts for s in slots))
        w.by_activity = True
        self._waves[w.wave_id] = w
        self._n["waves_formed"] += 1
        return w

    def _mark_targets(self, w: Wave, keys: Iterable, t: float) -> None:
        """Remember that lockstep wave ``w`` linked its members on the targets ``keys``
        at ``t`` (:attr:`_act_targets`), with each target's baseline hits when ``w``
        first did; if ``w`` is flagged, the linker does not learn these targets as normal
        while it keeps linking on them (:meth:`CoActivityLinker.protect`)."""
        targets = self._act_targets
        for k in keys:
            if w.flagged:
                self._linker.protect(k, t)
            prev = targets.peek(k)
            base = prev[2] if prev is not None and prev[0] == w.wave_id and len(prev) > 2 else None
            targets[k] = (w.wave_id, t, self._linker.baseline(k) if base is None else base)

    def _join(self, w: Wave, slots: list, t: float, merged: bool = False, late: bool = False) -> list[Decision]:
        """Make the young accounts of ``slots`` co-acting members of lockstep wave ``w``
        (out of a weak signup wave they were in) and judge the ones that changed.
        ``late``: they join as a late crowd (:meth:`_late_crowd`), not as a pair that
        acted together (:attr:`Account.late`, see :meth:`_member_match`)."""
        touched = []
        for slot in slots:
            changed = False
            if slot.wave is not None and slot.wave != w.wave_id:
                self._leave(slot)
            if slot.wave is None:
                keys, kinds, ws, z, p = self._slot_weights(slot, t)
                w.add_member(slot.account_id, slot.seq, slot.ts, keys, kinds, ws, z, ps=p)
                slot.wave = w.wave_id
                self._policy.track(slot.account_id, w.wave_id, slot.ts).match = 0.0
                changed = True
            acc = self._policy.peek(slot.account_id)
            if acc is not None and not acc.coact:
                acc.coact = True
                acc.late = late
                w.co_members += 1
                changed = True
            elif acc is not None and acc.late and not late:
                acc.late = False  # now linked to a member by a pair of its own
                changed = True
            if changed:
                touched.append((slot.account_id, slot.seq))
        if not touched and not merged:  # a link between two members already counted: nothing new
            return []
        if w.flagged:
            self._protect(w, touched)
        return self._evaluate(w, t, touched)

    def _follow(self, account_id: str, keys: list, t: float, follow: bool) -> list[Decision]:
        """A young account linked to no one acts, within ``_FOLLOW_AGE`` of its signup, on
        one of the specific targets (``keys``) a confirmed lockstep wave linked its own
        pairs on within the co-activity window: it joins that wave (and is suspended with
        it) at its first shared target instead of its second. A farm's script acts seconds
        after signup, and in a wave already confirmed each later account otherwise carries
        out half its plan before its second shared target links it. The target must be an
        account it follows (``follow``), or one that was new to the baseline when the wave
        first linked on it (fewer than ``_FOLLOW_NEW`` hits): a popular post draws bursts
        of likes and replies from organic newcomers too."""
        slot = self._young_slot(account_id)
        if slot is None or t - slot.ts > _FOLLOW_AGE:
            return []
        for k in keys:
            got = self._act_targets.peek(k)
            if got is None or t - got[1] > self._linker.window:
                continue
            if not follow and (len(got) < 3 or got[2] >= _FOLLOW_NEW):
                continue
            w = self._wave(got[0])
            if w is None or not w.by_activity or not w.confirmed or w.cleared or slot.wave == w.wave_id:
                continue
            if slot.wave is not None and not self._free(slot):
                return []  # in a signup-formed wave: its own lockstep tracker counts it
            return self._join(w, [slot], t)
        return []

    def _new_target(self, key: Optional[int]) -> bool:
        """Was the followed target ``key`` new (at most ``_LATE_NEW`` baseline hits, past
        the linker's warm-up) when a young account first followed it? Decided then, and
        remembered (:meth:`_late_crowd`)."""
        if key is None:
            return False
        got = self._new_targets.get(key)
        if got is None:
            got = self._new_targets[key] = self._linker.new_target(key, _LATE_NEW)
        return got

    def _free(self, slot) -> bool:
        """Is a young account's signup wave weak (:meth:`_weak`), so that what it does
        may take it out of that wave?"""
        return self._weak(self._wave(slot.wave, live_only=False))

    def _late_crowd(self, account_id: str, keys: list, t: float, new: bool = False) -> list[Decision]:
        """Young accounts in no wave (or in a weak one, :meth:`_free`) that follow the
        same specific target (``keys``) each ``_LATE`` or more after their own signup,
        ``_LATE_CROWD`` of them within ``_LATE_WINDOW``, form a lockstep wave (or join the
        one that target already belongs to). A dormant or slow farm wakes up to follow its
        customer one account at a time, hours after signup: no pair shares two targets,
        and no burst links them at signup. Newcomers who came for an account (a campus
        following its university, a crowd from a link) follow it minutes after signup,
        not late; the wave is judged like any lockstep wave (a shared origin explains it).

        With ``new``, ``keys`` are the target of a follow that is not specific: a farm
        that follows its customer slowly enough never makes it burst, and the baseline
        learns each follow as normal. Such a target counts only if it was new when a young
        account first followed it (:meth:`_new_target`, checked by the caller), and only a
        larger crowd, ``_LATE_CROWD_NEW`` within the
        window: organic newcomers follow accounts nobody had followed yet too (the tail
        of who is popular), up to about 19 an hour on the evaluation files. The wave it
        forms takes no signups (:meth:`_place`): its members did not look alike at
        signup, and accounts that merely link to one of them did not act with them."""
        slot = self._young_slot(account_id)
        if slot is None or (slot.wave is not None and not self._free(slot)) or t - slot.ts < _LATE:
            return []
        late = self._late
        crowd = _LATE_CROWD_NEW if new else _LATE_CROWD
        for k in keys:
            seen = late.get(k)
            if seen is None:
                seen = late[k] = []
            seen[:] = [x for x in seen if t - x[1] <= _LATE_WINDOW and x[0] != account_id][-(2 * crowd - 1):]
            seen.append((account_id, t))
            if len(seen) < crowd:
                continue
            slots = [sl for sl in map(self._young_slot, (a for a, _ in seen))
                     if sl is not None and (sl.wave is None or self._free(sl))]
            got = self._act_targets.peek(k)
            w = self._wave(got[0]) if got is not None else None
            if w is not None and w.cleared:
                return []
            if w is None or not w.by_activity:
                w = self._new_lockstep_wave(slots)
                if new:
                    self._late_waves[w.wave_id] = True
            self._mark_targets(w, (k,), t)
            return self._join(w, slots, t, late=True)
        return []

    def _acting_wave(self, shared: frozenset, t: float) -> Optional[Wave]:
        """The live lockstep wave that linked its own pairs, within the co-activity window,
        on two or more of the specific targets a new pair shares (``shared``), if any: the
        pair acts as that wave does and joins it. A farm whose later accounts act after its
        first ones are done links its later pairs among themselves (the latest carriers of
        a target are the latest accounts); without this they would start a second wave,
        suspended only once it has grown to the wave size on its own."""
        votes: dict = {}
        for k in shared:
            got = self._act_targets.peek(k)
            if got is not None and t - got[1] <= self._linker.window:
                votes[got[0]] = votes.get(got[0], 0) + 1
        for wid, n in votes.items():
            if n >= 2:
                w = self._wave(wid)
                if w is not None and w.by_activity and not w.cleared:
                    return w
        return None

    # ------------------------------------------------------------------ label
    def _on_label(self, ev: Label) -> list[Decision]:
        self._n["labels"] += 1
        spam = ev.label == "spam"
        acc = self._policy.peek(ev.account_id)
        was = acc is not None and acc.ever_suspended
        tally = self._label_tally
        tally[("tp" if was else "fn") if spam else ("fp" if was else "tn")] += 1
        out: list[Decision] = []
        if spam:
            for tp in self._labelled.spam(ev.account_id, ev.ts, self._template_share):
                out += self._template_sweep(tp, ev.ts)
        else:
            self._labelled.benign(ev.account_id, ev.ts)
        if acc is None:
            return out
        if acc.feats is not None:
            self._scorer.learn_one(dict(zip(FEATURES, acc.feats)), spam)
        w = self._wave(acc.wave, live_only=False)
        ver = self.config_version
        if spam:
            acc.exempt = False
            if w is not None:
                w.spam_labels += 1
                if not w.cleared and w.score >= self.config["challenge_threshold"] and w.wave_id in self._waves:
                    w.label_confirmed = True
                    out += self._evaluate(w, ev.ts)
                elif (not (w.cleared or w.label_confirmed or w.by_activity) and w.benign_labels == 0
                      and w.spam_labels >= (_LABEL_SWEEP if w.flagged else _LABEL_SWEEP_WEAK)):
                    w.label_confirmed = True
                    out += self._label_sweep(w, ev.ts)
            return out
        acc.exempt = True
        reason = [f"labelled benign ({ev.source or 'label'}): released"]
        for live in (True, False):
            d = self._policy.release(ev.account_id, ev.ts, reason, ver, live)
            if d is not None:
                out.append(d)
        if w is not None:
            w.benign_labels += 1
            # a whole wave is cleared only when several members are benign and none is spam
            # (labels are noisy; a benign account wrongly pulled into a wave is released alone)
            if not w.cleared and w.benign_labels >= 3 and w.spam_labels == 0:
                w.cleared = True
                w.dirty = True
                self._labelled.retire(w.wave_id)
                self._touch(w)
                why = [f"wave {w.wave_id} cleared: {w.benign_labels} members labelled benign, "
                       f"{w.spam_labels} spam"]
                for account_id, _ in w.members:
                    for live in (True, False):
                        d = self._policy.release(account_id, ev.ts, why, ver, live, w.wave_id)
                        if d is not None:
                            out.append(d)
        return out

    def _template_sweep(self, tp, t: float) -> list[Decision]:
        """Suspend the remembered signups that carry a template that just became active."""
        why = [self._template_reason(tp)]
        out = []
        for account_id in self._labelled.carriers(tp, t - _TEMPLATE_REACH):
            d = self._template_suspend(account_id, t, lambda: why)
            if d is not None:
                out.append(d)
        return out

    @staticmethod
    def _template_reason(tp, sig: Optional[Signature] = None) -> str:
        """Why a template suspends: its values, as the signup's labels if at hand (else
        each kind and its key's tag), its seeds and its chance share."""
        if sig is not None:
            names = ", ".join(lab for k, lab in zip(sig.keys, sig.labels) if k in tp.keys)
        else:
            names = ", ".join(f"{KINDS[_TEMPLATE_KINDS[i]].noun} #{KeyedHasher.tag_of(k)}"
                              for i, k in zip(tp.slots, tp.ordered))
        whose = f"{tp.seeds} accounts labelled spam" if tp.origin is None else \
            f"{tp.seeds} suspended members of wave {tp.origin}"
        return (f"carries all that {whose} share: {names} "
                f"(by chance about 1 in {1.0 / max(tp.share, 1e-12):,.0f} signups)")

    def _template_share(self, keys: list, slots: tuple) -> list:
        """Baseline shares of a template's key ids (:meth:`LabelTemplates.spam`)."""
        pri = _PRIOR.take([_TEMPLATE_KINDS[i] for i in slots])
        return self._burst.counts(np.array(keys, dtype=np.uint64), self._t, pri)[2].tolist()

    def _label_sweep(self, w: Wave, t: float) -> list[Decision]:
        """Suspend the members a wave challenged, once ``_LABEL_SWEEP`` of its members
        are labelled spam and none benign, when the wave is no longer live at the
        challenge level (it closed, or its later members, once its keys were learned,
        diluted its score) or was confirmed with members too unlike it to be suspended.
        Labels come late (an hour and more after a farm's burst, when its wave has gone
        quiet); a farm that sat at the challenge level for its whole burst, or whose many
        members rotated most of its templates, is suspended then. Two labels, not one:
        labels are sometimes wrong (a campus or an app-store crowd gets a stray spam
        label), and a benign label stops it. A wave that got a spam label while it was
        live at the challenge level was confirmed by it then (:meth:`_evaluate` judged its
        members) and is not swept later: sweeping those too suspended 24 more benign
        accounts in the 28 evaluation files (seed 43: 15, a flash-crowd subgroup pulled
        into a live wave).

        A signup wave that never reached the challenge level (a farm that shares little
        at signup: a username shape and a data centre) is swept by ``_LABEL_SWEEP_WEAK``
        spam labels and no benign one; it challenged nobody, so its *core* members are
        suspended: those that joined it by its signature (match >= 0.5) and were not
        decided on. A lockstep wave is not swept: its members are those that acted
        together, judged as they act.

        A closed wave no longer lists its members, so the accounts the policy remembers
        are scanned for this wave's: once per wave, bounded by the policy's cap (about
        60 ms at its 300,000 accounts)."""
        weak = not w.flagged
        why = [f"wave {w.wave_id}: {w.spam_labels} members labelled spam, none benign; "
               + ("its members that share its signature are suspended" if weak else
                  "its challenged members are suspended")]
        pol, ver, live = self._policy, self.config_version, self._live()
        # the ids that lead to this wave: its own and those of the waves merged into it
        ids = {w.wave_id} | {wid for wid, x in self._closed.items()
                             if x.merged_into is not None and self._wave(wid, live_only=False) is w}
        picked = [a for a, acc in pol.accounts.items()
                  if acc.wave in ids and not acc.exempt
                  and (acc.live == CHALLENGED or (weak and acc.live == NONE and acc.match >= 0.5))]
        out = []
        for account_id in picked:
            d = pol.suspend(account_id, t, w.score, why, w.wave_id, ver, live)
            if d is not None:
                out.append(d)
                if live:
                    w.suspended += 1
        return out

    # ------------------------------------------------------------------ read-only
    def assess(self, ev: Signup) -> Assessment:
        """Score a signup against the current state *without changing it*.

        ``block`` when the signup would join a wave at suspension level or carries an
        active template (:class:`LabelTemplates`), ``challenge`` at challenge level, else
        ``allow``. Only the signup's signature is remembered (a bounded cache), so that
        processing the same signup next does not extract it again.
        """
        t = max(ev.ts, self._t) if self._t > -math.inf else ev.ts
        sig = self._extract.extract(ev, keep=True)  # processing this signup will not extract it again
        a = self._assess_wave(ev, sig, t)
        if a.decision != "block" and len(self._labelled):
            tp = self._labelled.match(_template_values(sig), t)
            if tp is not None:
                return Assessment("block", 0.99, tp.origin, [self._template_reason(tp, sig)], self.config_version)
        return a

    def _assess_wave(self, ev: Signup, sig: Signature, t: float) -> Assessment:
        """:meth:`assess` by the wave the signup would join or form."""
        cfg = self.config
        ver = self.config_version
        keys, counts, rar, p, ws, _ = self._score_keys(sig, t, 1.0)
        linked = self._links(sig, t, rar, p, self._recent.lookup(keys), ws, ev.display_name)
        wave, m, free, _ = self._place(sig, linked, ws)
        if wave is not None:
            extra = wave.shared_kinds(sig.keys, sig.kinds, 1, ws)
            evd = wave.evidence(extra=extra)
            f = self._features(wave, evd, 1.0, size=wave.size + 1)
            view, size = wave, wave.size + 1
        elif free:
            z = _z_scores(counts)
            view = self._form(t, free, sig, z, ws, p, wave_id="(forming)")
            view.add_member(ev.account_id, -1, t, sig.keys, sig.kinds, ws, z, sig.labels, p)
            evd = view.evidence()
            m = 1.0
            f = self._features(view, evd, 1.0)
            size = view.size
        else:
            return Assessment("allow", 0.0, None, ["no lookalike wave"], ver)
        score = self._scorer.score_one(f)
        lab = view.wave_id if wave is not None else None
        if wave is not None and wave.cleared:
            return Assessment("allow", score, lab, [f"wave {lab} was cleared by labels"], ver)
        # (a forming view is never label-confirmed: it is a new Wave)
        if self._suspend_level(view, evd, score, size) and m >= 0.5 \
                and view.shared_traits(sig.keys, sig.kinds, evd, min_count=1 if wave is not None else 2) != _BIO_ONLY:
            decision, name, thr = "block", "suspend", cfg["suspend_threshold"]
        elif score >= cfg["challenge_threshold"] and m >= 0.3:
            decision, name, thr = "challenge", "challenge", cfg["challenge_threshold"]
        else:
            return Assessment("allow", score, lab, [f"wave score {score:.2f} below the challenge threshold"], ver)
        reasons = wave_reasons(size, view.first_seen, view.traits(evd), view.top_z,
                               view.lockstep, view.spam_labels, score, name, thr, m, view.co_members)
        return Assessment(decision, score, lab, reasons, ver)

    # ------------------------------------------------------------------ outputs
    #: Waves changed since the last :meth:`drain_wave_updates` kept at most; a caller
    #: that never drains (``evaluate``, benchmarks) must not keep every wave alive.
    MAX_UPDATES = 10_000

    def _touch(self, w: Wave) -> None:
        u = self._updates
        u[w.wave_id] = w
        if len(u) > self.MAX_UPDATES:
            del u[next(iter(u))]

    def drain_wave_updates(self) -> list[dict]:
        """``waves`` topic records of the waves changed since the last call."""
        out = []
        for w in self._updates.values():
            w.dirty = False
            out.append(w.record())
        self._updates = {}
        return out

    def wave(self, wave_id: str) -> Optional[dict]:
        """The record of one wave, live or recently closed."""
        w = self._wave(wave_id, live_only=False)
        return None if w is None else w.record()

    def stats(self) -> dict:
        """Small gauges for metrics."""
        tl = self._label_tally
        live = self._waves.values()
        prec = tl["tp"] / (tl["tp"] + tl["fp"]) if tl["tp"] + tl["fp"] else None
        rec = tl["tp"] / (tl["tp"] + tl["fn"]) if tl["tp"] + tl["fn"] else None
        return {
            "config_version": self.config_version,
            "events": self._n["events"], "signups": self._n["signups"],
            "activities": self._n["activities"], "duplicates": self._n["duplicates"],
            "active_waves": sum(1 for w in live if w.status == "active"),
            "forming_waves": sum(1 for w in live if w.status == "forming"),
            "closed_waves": len(self._closed),
            "waves_formed": self._n["waves_formed"], "waves_merged": self._n["waves_merged"],
            "tracked_accounts": len(self._policy), "recent_signups": len(self._recent),
            "sketch_bytes": self._burst.nbytes(), "index_bytes": self._recent.nbytes(),
            "lockstep_entries": len(self._lockstep),
            "label_templates": self._labelled.active(),
            "labels_seen": self._n["labels"], "labels_learned": self._scorer.labels_learned,
            "label_precision_estimate": prec, "label_recall_estimate": rec,
            "decisions": dict(self._policy.counts),
        }

