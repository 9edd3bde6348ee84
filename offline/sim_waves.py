"""Spam campaigns and benign look-alike groups of the simulator, and the scenarios.

A :class:`WaveSpec` says what a campaign shares and what it rotates; :class:`WaveState`
turns it into accounts and lockstep activity. A :class:`CohortSpec` /
:class:`CohortState` is a benign group that shares traits like a wave does (flash crowd,
campus behind one NAT, corporate onboarding, app-store feature spike).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Optional

from offline import names as N
from offline import sim_spam as S
from offline import sim_world as W
from offline.sim_population import LEET, drawing_from, lognormal_s, rand_hex

if TYPE_CHECKING:
    from offline.simulate import Account, Simulator

# --------------------------------------------------------------------------- scenario specs


@dataclass
class WaveSpec:
    """One spam campaign: what it shares and what it rotates, when and how it acts.

    Every trait is a style name; :data:`_TRAIT_CHOICES` lists the styles of the tuned
    scenarios and :data:`_UNSEEN_CHOICES` those only ``mix-unseen`` uses.
    """

    wave: str                       # truth wave id (never appears outside `truth`)
    at: float                       # start, as a fraction of the run
    size: int
    arrival: str = "burst"          # how sign-ups arrive
    rate: float = 60.0              # accounts per minute while arriving
    handle: str = "word_digits"     # handle template
    display: str = "from_handle"    # display-name template
    bio: str = "family"             # bio template
    family: str = "crypto"          # key of sim_spam.MESSAGES / BIOS
    mail: str = "disposable"        # mail addresses
    ip: str = "dc24"                # network: shared, rotating within a block, or proxies
    ua: str = "fixed"               # user agents
    device: str = "pool"            # device ids
    flow: str = "api"               # signup_flow ("mix": web and apps)
    avatar: str = "default"
    country: str = "single"         # single | organic | mismatch (claimed country is not where it runs)
    referrer: str = "none"
    act: str = "follow_train"       # what accounts do after sign-up
    timing: str = "fast"            # fast | dormant (wake up together later) | slow
    active_share: float = 0.85      # share of accounts that act at all
    consistency: Optional[float] = None  # share of accounts that follow each profile template
    #                                      (the rest look organic in that trait); None: drawn


#: The organic-looking style of each profile trait: what an account that does not follow
#: the campaign's template for that trait (tool mix-ups, hand-made accounts) falls back to.
ORGANIC_STYLE = {"display": "organic", "bio": "organic", "mail": "organic", "avatar": "organic",
                 "device": "fresh", "ua": "organic", "referrer": "organic"}


@dataclass
class CohortSpec:
    """A benign group that looks like a wave (hard negative)."""

    kind: str                       # flash_crowd | campus | corporate | appstore
    name: str
    at: float
    size: int
    minutes: float


_WAVE_COLUMNS = ("wave", "at", "size", "arrival", "rate", "handle", "display", "bio", "family", "mail",
                 "ip", "ua", "device", "flow", "avatar", "country", "referrer", "act", "timing")


def _waves(table: str) -> list:
    """Wave specs from a whitespace table, one wave a line, columns as in _WAVE_COLUMNS."""
    out = []
    for line in table.strip().splitlines():
        vals = dict(zip(_WAVE_COLUMNS, line.split()))
        vals["at"], vals["size"], vals["rate"] = float(vals["at"]), int(vals["size"]), float(vals["rate"])
        out.append(WaveSpec(**vals))
    return out


def _cohorts(table: str) -> list:
    """Hard-negative specs: kind name at size minutes."""
    out = []
    for line in table.strip().splitlines():
        kind, name, at, size, minutes = line.split()
        out.append(CohortSpec(kind, name, float(at), int(size), float(minutes)))
    return out


#           id   at    size arrival  rate  handle             display     bio          family     mail           ip          ua        device flow    avatar  country  referrer act          timing
_FIXED_SCENARIOS = {
    "default": ("""
            w1  0.10  600  burst    150   word_digits        from_handle family       followers  disposable     dc24        fixed     pool   api     default single   none     follow_train fast
            w2  0.22  420  trickle  3     first_last_digits  organic     near_dup     crypto     gmail_template residential organic   fresh  web     unique  organic  none     repost       dormant
            w3  0.35  320  pulses   40    leet               family      pool         adult      mixed_free     mobile      app_fixed pool   android pool    single   none     promo_posts  fast
            w4  0.05  260  trickle  1     shape              same        none         shop       catchall       v6_64       pool      fresh  ios     same    single   fixed    dm_spam      slow
            w5  0.55  200  burst    12    organic            organic     organic      politics   organic        residential organic   fresh  mix     organic organic  organic  mimic        fast
            w6  0.70  45   burst    20    name_letters       family      family       invest     gmail_template dc16        fixed     one    web     same    mismatch none     reply_spam   fast
        """, """
            flash_crowd flash-crowd          0.45 520 12
            campus      campus               0.15 260 110
            corporate   corporate-onboarding 0.80 70  25
        """),
    "rotating": ("""
            r1  0.08  500  burst    25    word_digits        from_handle family       followers  disposable     residential organic   fresh  web     default organic  none     follow_train fast
            r2  0.30  400  trickle  4     organic            organic     near_dup     crypto     mixed_free     residential pool      pool   android same    organic  none     repost       fast
            r3  0.50  350  pulses   30    first_last_digits  family      organic_link invest     gmail_template mobile      organic   fresh  ios     unique  single   none     reply_spam   dormant
            r4  0.65  300  burst    40    shape              organic     organic      shop       organic        dc16        organic   fresh  mix     organic organic  organic  dm_spam      slow
        """, """
            campus campus 0.2 200 90
        """),
    "slow-trickle": ("""
            t1  0.02  330  trickle  1     first_last_digits  organic     near_dup     adult      gmail_template residential organic   fresh  web     unique  organic  none     dm_spam      slow
            t2  0.10  150  diurnal  0.5   syllables          from_handle family       crypto     catchall       dc16        pool      pool   api     default single   none     follow_train dormant
            t3  0.30  120  trickle  0.6   leet               family      pool         followback disposable     mobile      app_fixed pool   android pool    single   none     follow_train fast
            t4  0.40  90   trickle  0.4   organic            organic     organic_link invest     organic        v6_64       organic   fresh  ios     organic organic  none     reply_spam   slow
        """, """
            campus campus 0.3 240 150
        """),
    "burst": ("""
            b1  0.15  2500 burst    400   word_digits        from_handle family       followers  disposable     dc16        pool      fresh  api     default single   none     follow_train fast
            b2  0.45  1500 burst    220   first_last_digits  organic     near_dup     crypto     gmail_template residential organic   fresh  web     unique  organic  none     repost       fast
            b3  0.70  900  pulses   300   shape              family      pool         adult      mixed_free     mobile      app_fixed pool   android pool    single   none     promo_posts  fast
        """, """
            flash_crowd flash-crowd      0.3  900 8
            appstore    appstore-feature 0.55 600 50
        """),
    "lockstep": ("""
            l1  0.10  300  burst    15    organic            organic     organic      politics   organic        residential organic   fresh  mix     organic organic  organic  mimic        fast
            l2  0.35  250  trickle  5     first_last_digits  organic     organic      crypto     mixed_free     mobile      organic   fresh  android organic single   none     repost       dormant
            l3  0.60  200  burst    30    noun_noun          from_handle none         followback organic        residential organic   fresh  ios     default organic  none     follow_train fast
        """, """
            flash_crowd flash-crowd          0.25 600 10
            corporate   corporate-onboarding 0.5  120 30
        """),
    "hard-negatives": ("""
            h1  0.60  120  trickle  2     first_last_digits  organic     near_dup     invest     gmail_template residential organic   fresh  web     unique  organic  none     reply_spam   slow
        """, """
            flash_crowd flash-crowd          0.1  700 10
            flash_crowd flash-crowd-2        0.7  400 6
            campus      campus               0.2  350 120
            corporate   corporate-onboarding 0.45 140 35
            appstore    appstore-feature     0.55 500 60
        """),
}


def _fixed(name):
    def build(r, hours):
        waves, cohorts = _FIXED_SCENARIOS[name]
        return _waves(waves), _cohorts(cohorts)
    return build


_TRAIT_CHOICES = {
    "arrival": ("burst", "trickle", "pulses", "diurnal"),
    "handle": ("word_digits", "first_last_digits", "shape", "leet", "name_letters", "organic",
               "syllables", "noun_noun", "initials_year"),
    "display": ("from_handle", "organic", "family", "same", "none", "foreign"),
    "bio": ("family", "near_dup", "none", "organic", "pool", "organic_link"),
    "family": tuple(f for f in S.MESSAGES if f not in S.UNSEEN_FAMILIES),
    "mail": ("disposable", "gmail_template", "organic", "catchall", "none", "mixed_free"),
    "ip": ("dc24", "dc16", "residential", "mobile", "v6_64", "organic"),
    "ua": ("fixed", "pool", "organic", "app_fixed"),
    "device": ("pool", "fresh", "absent", "one"),
    "flow": ("api", "web", "ios", "android", "mix"),
    "avatar": ("default", "same", "pool", "unique", "organic"),
    "country": ("single", "organic", "mismatch"),
    "referrer": ("none", "fixed", "organic"),
    "act": ("follow_train", "repost", "promo_posts", "reply_spam", "dm_spam", "mimic", "none"),
    "timing": ("fast", "dormant", "slow"),
}

#: Styles that no tuned scenario uses: only ``mix-unseen`` draws them.
_UNSEEN_CHOICES = {
    "arrival": ("ramp",),
    "handle": ("seeded_shape", "reversed_year", "word_word_caps"),
    "display": ("initials", "words"),
    "bio": ("quote",),
    "family": S.UNSEEN_FAMILIES,
    "mail": ("outlook_random", "isp_template"),
    "ip": ("isp24", "multi_carrier"),
    "ua": ("rare_app",),
    "act": ("like_farm", "slow_follow"),
}


def _scenario_mix_unseen(r, hours):
    """Random trait combinations drawn from the seed, with styles no other scenario has.

    Meant to be held out from tuning: a detector tuned on the other scenarios meets
    handle shapes, message families, network and activity styles it has not seen.
    """
    waves = []
    for i in range(r.randint(5, 8)):
        t = {}
        stealth = r.uniform(0.2, 0.6)  # how many profile traits look organic
        for k, options in _TRAIT_CHOICES.items():
            unseen = _UNSEEN_CHOICES.get(k)
            if k in ORGANIC_STYLE and r.random() < stealth:
                t[k] = ORGANIC_STYLE[k]
            else:
                t[k] = r.choice(unseen) if unseen and r.random() < 0.5 else r.choice(options)
        arrival = t["arrival"]
        rate = {"burst": r.choice((10, 30, 80, 250)), "trickle": r.choice((0.5, 1, 2, 4)),
                "pulses": r.choice((20, 60, 150)), "diurnal": r.choice((0.3, 0.8, 1.5)),
                "ramp": r.choice((2, 8, 40))}[arrival]
        size = int(r.choice((30, 60, 120, 250, 500, 900, 1500)) * (1 if arrival in ("burst", "pulses") else 0.5)) + 30
        waves.append(WaveSpec(f"u{i + 1}", r.uniform(0.02, 0.8), size, arrival, float(rate),
                              t["handle"], t["display"], t["bio"], t["family"], t["mail"], t["ip"],
                              t["ua"], t["device"], t["flow"], t["avatar"], t["country"], t["referrer"],
                              t["act"], t["timing"], r.uniform(0.5, 1.0), r.uniform(0.6, 0.95)))
    kinds = r.sample(("flash_crowd", "campus", "corporate", "appstore"), r.randint(2, 4))
    cohorts = [CohortSpec(k, f"{k.replace('_', '-')}-{i + 1}", r.uniform(0.05, 0.8),
                          {"flash_crowd": r.randint(200, 900), "campus": r.randint(100, 400),
                           "corporate": r.randint(40, 180), "appstore": r.randint(200, 700)}[k],
                          {"flash_crowd": r.uniform(4, 20), "campus": r.uniform(40, 180),
                           "corporate": r.uniform(15, 60), "appstore": r.uniform(30, 90)}[k])
               for i, k in enumerate(kinds)]
    return waves, cohorts


SCENARIOS: dict[str, tuple[Callable, str]] = {
    "default": (_fixed("default"), "6 waves of different styles (hosting /24 burst, rotating residential "
                "trickle, mobile phone farm, IPv6 trickle, organic-looking lockstep, tiny same-device) + "
                "flash crowd, campus, corporate onboarding"),
    "rotating": (_fixed("rotating"), "4 waves that each rotate IP, device and/or user agent per account; "
                 "found only through the traits they keep"),
    "slow-trickle": (_fixed("slow-trickle"), "4 waves arriving at 0.4-1 per minute over hours"),
    "burst": (_fixed("burst"), "3 large waves at hundreds per minute + a large flash crowd and an "
              "app-store feature spike"),
    "lockstep": (_fixed("lockstep"), "3 waves with organic-looking profiles, found by what they do "
                 "after sign-up; flash crowd and corporate onboarding as look-alikes"),
    "hard-negatives": (_fixed("hard-negatives"), "1 small wave, 2 flash crowds, campus, corporate "
                       "onboarding, app-store spike: measures false positives"),
    "mix-unseen": (_scenario_mix_unseen, "5-8 waves with random trait combinations and parameters "
                   "drawn from the seed, half of the traits in styles no other scenario uses "
                   "(hold out from tuning)"),
}


# --------------------------------------------------------------------------- waves


class WaveState:
    """Per-campaign state: its templates, pools and targets, drawn once from the seed."""

    def __init__(self, sim: Simulator, spec: WaveSpec):
        self.sim, self.s = sim, spec
        r = self.r = random.Random(f"{sim.seed}:{sim.scenario}:{spec.wave}")
        w = sim.world
        self.home = w.country_w.pick(r).code
        claimed = r.choice([c.code for c in W.COUNTRIES if c.code != self.home])
        self.claimed = claimed if spec.country == "mismatch" else self.home
        self.word_pool = r.sample(N.NOUNS + N.ADJECTIVES, r.randint(6, 30))
        self.shape = r.choice(("llllllldd", "Cvcvcvdd", "lllllldddd", "Cvccvcv", "llldddlll", "Cvcvcvcdd", "llllllll"))
        self.culture = r.choice(list(N.FIRST))
        self.sep = r.choice(("_", "", "_", "."))  # "." only survives in mail local parts
        self.digits = r.choice((2, 3, 4, 4))
        fam = spec.family
        self.msgs = [S.Spintax(t) for t in r.sample(S.MESSAGES[fam], min(len(S.MESSAGES[fam]), r.randint(1, 2)))]
        self.bio_t = S.Spintax(r.choice(S.BIOS[fam]))
        self.disp_t = S.Spintax(S.DISPLAY.get(fam, "{first} {last}"))
        self.slots = {"brand": r.choice(S.BRANDS), "cand": r.choice(S.CANDIDATES),
                      "tag": r.choice(S.TAGS), "tag2": r.choice(S.TAGS), "mentor": r.choice(S.MENTORS),
                      "app": r.choice(S.APPS), "code": "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))}
        self.link_domain = f"{''.join(r.choice(W.SYLLABLES) for _ in range(3))}.{r.choice(S.TLDS_SPAM)}"
        self.link_style = r.choice(("shortener", "domain", "domain_path"))
        self.bio_pool = [self.bio_t.expand(r, link=self.link(), **self.slots) for _ in range(r.randint(3, 6))]
        self.near_base = self.bio_t.expand(r, link=self.link(), **self.slots)
        self.same_name = self.disp_t.expand(r, first=r.choice(N.FIRST[self.culture])[1],
                                            last=r.choice(N.LAST[self.culture])[1], **self.slots)
        # network pools
        self.dc24 = [(*w.dc16[r.randrange(len(w.dc16))], r.randrange(256)) for _ in range(r.randint(1, 3))]
        self.dc16 = w.dc16[r.randrange(len(w.dc16))]
        self.v6 = f"2{r.choice('06a')}{r.randrange(16):x}{r.randrange(16):x}:{r.getrandbits(16):x}:{r.getrandbits(16):x}:{r.getrandbits(16):x}"
        flows = ("web", "ios", "android")
        self.flow = spec.flow if spec.flow != "mix" else None
        self.fixed_flow = self.flow or r.choice(flows)
        old_chrome = f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{r.choice((71, 72, 73, 74))}.0.{r.randint(3500, 3700)}.{r.randint(50, 150)} Safari/537.36"
        with drawing_from(w, r):  # the campaign's UA and device pools come from its own stream
            if self.fixed_flow == "api" or spec.flow == "api":
                self.ua_pool = [r.choice(("python-requests/2.22.0", "okhttp/3.12.1", old_chrome,
                                          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.100 Safari/537.36"))]
            elif spec.ua == "rare_app":
                flow_ = self.fixed_flow if self.fixed_flow in ("ios", "android") else "android"
                self.ua_pool = [w.ua(flow_, app_version=v) for v in ("8.5.0-beta.2", "7.6.1", "8.0.3")]
            elif spec.ua == "app_fixed":
                self.ua_pool = [w.ua(self.fixed_flow, app_version=r.choice(("7.9.3", "8.1.0", "8.2.5", "8.4.1")))]
            else:
                self.ua_pool = [w.ua(self.fixed_flow) for _ in range(r.randint(3, 6))]
                if spec.ua == "fixed":
                    self.ua_pool = [old_chrome if self.fixed_flow == "web" and r.random() < 0.5 else self.ua_pool[0]]
            self.dev_pool = [w.device(self.fixed_flow) for _ in range(r.randint(4, 15))]
        self.avatar_pool = [rand_hex(r, 32) for _ in range(r.randint(2, 5))]
        self.catchall = [f"{''.join(r.choice(W.SYLLABLES) for _ in range(3))}.{r.choice(('com', 'net', 'xyz', 'info', 'site'))}"
                         for _ in range(r.randint(1, 3))]
        self.disposable = r.sample(W.DISPOSABLE_MAIL, r.randint(1, 5))
        self.free = r.sample([d for d, _ in W.GLOBAL_MAIL[:8]], r.randint(2, 4))
        self.referrer = r.choice((f"https://{self.link_domain}/", f"https://t.co/{rand_hex(r, 10)}",
                                  f"https://www.youtube.com/watch?v={rand_hex(r, 11)}", "https://www.google.com/"))
        # activity plan shared by the campaign
        # whom the campaign promotes: real accounts of the long tail (organic users follow
        # them too, now and then) or fresh ones bought into existence
        self.customers = [w.popular[r.randrange(150, 3000)] if r.random() < 0.5 else
                          w.snowflake(sim.start_ms - r.randrange(200 * 86400_000))
                          for _ in range(r.randint(3, 12))]
        self.mimic_pop = [w.popular[i] for i in r.sample(range(200), 8)]
        self.posts = [w.posts[r.randrange(100, 3000)] if r.random() < 0.5 else
                      w.snowflake(sim.start_ms + r.randrange(int(sim.hours * 3600_000)))
                      for _ in range(r.randint(1, 3))]
        self.activate = sim.start_ms + int(min(0.97, spec.at + r.uniform(0.1, 0.35)) * sim.hours * 3600_000)
        self.consistency = spec.consistency if spec.consistency is not None else r.uniform(0.8, 0.97)
        self.near_bases = [self.near_base] + [self.bio_t.expand(r, link=self.link(), **self.slots)
                                              for _ in range(r.randint(0, 3))]
        # styles only the held-out scenario uses
        self.seeded_shape = "".join(r.choice("llCvcd") for _ in range(r.randint(6, 11)))
        bb = w.nets[self.home].broadband
        self.isp24 = (*bb[r.randrange(len(bb))], r.randrange(256))
        self.carrier_countries = r.sample([c.code for c in W.COUNTRIES], r.randint(2, 5))
        self.quotes = r.sample(S.QUOTES, r.randint(2, 5))
        self.like_posts = [w.posts[i] for i in r.sample(range(300), r.randint(6, 25))]

    def code(self) -> str:
        s = self.s
        if s.country == "organic":
            return self.sim.world.country_w.pick(self.sim.rs).code
        return self.home

    def link(self) -> str:
        r = self.r
        if self.link_style == "shortener":
            return f"https://{r.choice(S.SHORTENERS)}/{''.join(r.choice('abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789') for _ in range(r.randint(5, 7)))}"
        if self.link_style == "domain":
            return f"https://{self.link_domain}"
        return f"https://{self.link_domain}/?ref={r.randint(1000, 99999)}"

    # profile parts ------------------------------------------------------
    def handle(self, r) -> tuple:
        k = self.s.handle
        first = r.choice(N.FIRST[self.culture])
        last = r.choice(N.LAST[self.culture])
        fl, ll = first[0], last[0]
        d = "".join(str(r.randrange(10)) for _ in range(self.digits))
        if k == "word_digits":
            h = r.choice(self.word_pool).capitalize() + "".join(str(r.randrange(10)) for _ in range(4))
        elif k == "first_last_digits":
            h = f"{fl}{'_' if self.sep == '.' else self.sep}{ll}{d}"
            h = h.lower() if self.digits != 3 else h
        elif k == "shape":
            h = "".join(_shape_char(r, ch) for ch in self.shape)
        elif k == "leet":
            base = r.choice(self.word_pool) + r.choice(self.word_pool)
            h = base.translate(LEET) + "".join(r.choice("xyzqkv") for _ in range(r.randint(0, 2)))
        elif k == "name_letters":
            h = fl.lower() + "".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(3, 5)))
        elif k == "syllables":
            h = "".join(r.choice(W.SYLLABLES) for _ in range(r.randint(3, 4))).capitalize() + str(r.randint(10, 99))
        elif k == "noun_noun":
            h = f"{r.choice(N.NOUNS)}_{r.choice(N.NOUNS)}{r.randint(100, 999)}"
        elif k == "seeded_shape":
            h = "".join(_shape_char(r, ch) for ch in self.seeded_shape)
        elif k == "reversed_year":
            h = f"{ll.lower()}{fl[0].lower()}{r.randint(70, 99) if r.random() < 0.6 else r.randint(0, 9):02d}"
        elif k == "word_word_caps":
            h = f"{r.choice(self.word_pool).capitalize()}{r.choice(self.word_pool).capitalize()}{r.choice(('_', ''))}{r.randint(1, 99)}"
        elif k == "initials_year":
            h = f"{fl[0]}{ll}{r.choice(('', '_'))}{r.randint(1975, 2003)}x".lower()
        else:  # organic
            year = int(min(2006, max(1950, r.gauss(1993, 9))))
            with drawing_from(self.sim.people, r) as people:
                h = people.handle(fl, ll, year)
        return h, first, last

    def variant(self, r: random.Random) -> WaveSpec:
        """This account's spec: each profile template followed with probability `consistency`."""
        off = {k: v for k, v in ORGANIC_STYLE.items() if r.random() >= self.consistency}
        return replace(self.s, **off) if off else self.s

    def account(self, a: Account):
        sim, w, r = self.sim, self.sim.world, self.sim.rs
        s = self.variant(r)
        p = sim.people
        h, first, last = self.handle(r)
        handle = p.claim(h)
        ev = {"type": "signup", "username": handle}
        # display name
        if s.display == "from_handle":
            dn = "".join(c for c in handle if not c.isdigit()).replace("_", " ").strip().title() or handle
        elif s.display == "family":
            dn = self.disp_t.expand(r, first=first[1], last=last[1], **self.slots)
        elif s.display == "same":
            dn = self.same_name
        elif s.display == "none":
            dn = None
        elif s.display == "foreign":
            f2 = r.choice(N.FIRST[r.choice(list(N.FIRST))])
            dn = f"{f2[1]} {r.choice(N.LAST[self.culture])[1]}"
        elif s.display == "initials":
            dn = f"{first[0][0]}. {last[0]}" if r.random() < 0.7 else f"{first[0]} {last[0][0]}."
        elif s.display == "words":
            dn = f"{r.choice(self.word_pool).capitalize()} {r.choice(self.word_pool).capitalize()}"
        else:
            dn = p.display(first, last, a.code)
        if dn:
            ev["display_name"] = dn[:128]
        # bio
        bio = None
        if s.bio == "family":
            bio = self.bio_t.expand(r, link=self.link(), **self.slots)
        elif s.bio == "near_dup":
            bio = _mutate(r, r.choice(self.near_bases))
        elif s.bio == "pool":
            bio = r.choice(self.bio_pool)
        elif s.bio == "organic":
            bio = p.bio(a.code, first[0])
        elif s.bio == "quote":
            bio = _mutate(r, r.choice(self.quotes)) if r.random() < 0.5 else r.choice(self.quotes)
        elif s.bio == "organic_link":
            bio = (p.bio(a.code, first[0]) or r.choice(W.BIO_COMMON)) + " " + r.choice(("👉 ", "| ", "→ ", "")) + self.link()
        if bio is not None:
            ev["bio"] = bio[:1024]
        # mail
        local_name = f"{first[0].lower()}.{last[0].lower()}{r.randint(100, 9999)}"
        m = s.mail
        if m == "disposable":
            ev["email"] = f"{handle.lower() if r.random() < 0.6 else rand_hex(r, 10)}@{r.choice(self.disposable)}"
        elif m == "gmail_template":
            ev["email"] = f"{local_name}@gmail.com"
        elif m == "catchall":
            ev["email"] = f"{handle.lower()}@{r.choice(self.catchall)}"
        elif m == "mixed_free":
            ev["email"] = f"{handle.lower()}{r.randint(1, 99) if r.random() < 0.5 else ''}@{r.choice(self.free)}"
        elif m == "organic":
            e = p.email(a.code, first[0], last[0], 1990, handle)
            if e:
                ev["email"] = e
        elif m == "outlook_random":
            ev["email"] = f"{''.join(r.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(self.digits + 7))}@{r.choice(('outlook.com', 'hotmail.com'))}"
        elif m == "isp_template":
            isp = w.by_code[self.home].isp_mail or ("gmail.com",)
            ev["email"] = f"{last[0].lower()}{first[0][0].lower()}{r.randint(10, 99)}@{r.choice(isp)}"
        # flow, ua, device
        flow = self.flow or r.choice(("web", "web", "ios", "android", "android"))
        ev["signup_flow"] = flow
        ev["lang"] = w.lang(r, self.claimed if s.country != "organic" else a.code)
        if s.avatar == "default":
            ev["avatar"] = "default"
        elif s.avatar == "same":
            ev["avatar"] = self.avatar_pool[0]
        elif s.avatar == "pool":
            ev["avatar"] = r.choice(self.avatar_pool)
        elif s.avatar == "unique":
            ev["avatar"] = rand_hex(r, 32)
        else:
            ev["avatar"] = "default" if r.random() < 0.52 else rand_hex(r, 32)
        if s.referrer == "fixed":
            ev["referrer"] = self.referrer
        elif s.referrer == "organic":
            ref = p.referrer(a.code)
            if ref:
                ev["referrer"] = ref
        ip = self.ip(a, flow)
        if s.ua in ("fixed", "app_fixed") or (s.ua in ("pool", "rare_app") and flow == self.fixed_flow):
            ua = self.ua_pool[0] if s.ua not in ("pool", "rare_app") else r.choice(self.ua_pool)
        else:
            with drawing_from(w, r):
                ua = w.ua(flow)
        if s.device == "pool":
            dev = r.choice(self.dev_pool)
        elif s.device == "one":
            dev = self.dev_pool[0]
        elif s.device == "absent":
            dev = None
        else:
            with drawing_from(w, r):
                dev = w.device(flow)
        aid = sim.finish_signup(a, ev, ip, ua, dev, self.claimed if s.country != "organic" else a.code)
        self.activity(a, aid, ip, flow)
        sim.maybe_label(a, aid)

    def ip(self, a: Account, flow: str) -> str:
        k, w, r = self.s.ip, self.sim.world, self.sim.rs
        if k == "dc24":
            a_, b, c = r.choice(self.dc24)
            return f"{a_}.{b}.{c}.{r.randint(1, 254)}"
        if k == "dc16":
            return w.dc_ip(self.dc16)
        if k == "v6_64":
            g = r.getrandbits
            return f"{self.v6}:{g(16):x}:{g(16):x}:{g(16):x}:{g(16):x}"
        with drawing_from(w, r):
            if k == "residential":  # a fresh home IP per account, anywhere in the world
                return w.home_ip(w.country_w.pick(r).code)
            if k == "mobile":       # mobile proxies inside the home country's carrier NAT
                return w.carrier_ip(self.home)
            if k == "isp24":        # a residential proxy farm: one home /24 (unseen style)
                a_, b, c = self.isp24
                return f"{a_}.{b}.{c}.{r.randint(2, 254)}"
            if k == "multi_carrier":  # mobile proxies in several countries' carrier NAT (unseen style)
                return w.carrier_ip(r.choice(self.carrier_countries))
            return w.carrier_ip(a.code) if flow in ("ios", "android") and r.random() < 0.6 else w.home_ip(a.code)

    # activity -----------------------------------------------------------
    def activity(self, a: Account, aid: str, ip: str, flow: str):
        sim, s, r, w = self.sim, self.s, self.sim.rs, self.sim.world
        if s.act == "none" or r.random() > s.active_share:
            if r.random() < 0.3:  # even idle farm accounts log in now and then
                sim.act(a, aid, a.t_ms + int(lognormal_s(r, 1800, 1.0) * 1000), "login", ip=ip)
            return
        if s.timing == "fast":
            t = a.t_ms + int(lognormal_s(r, 25, 0.9) * 1000)
            gap = lambda: int(lognormal_s(r, 4, 0.6) * 1000)  # noqa: E731
        elif s.timing == "slow":
            t = a.t_ms + int(lognormal_s(r, 900, 0.8) * 1000)
            gap = lambda: int(lognormal_s(r, 120, 1.0) * 1000)  # noqa: E731
        else:  # dormant: wakes up with the rest of the campaign
            t = max(a.t_ms + 600_000, self.activate + int(r.uniform(0, 20) * 60_000))
            gap = lambda: int(lognormal_s(r, 8, 0.8) * 1000)  # noqa: E731
            if r.random() < 0.4:
                sim.act(a, aid, a.t_ms + int(lognormal_s(r, 300, 1.0) * 1000), "login", ip=ip)
        rotate_ip = s.ip == "residential"  # proxies hand out a new exit per request

        def go(action, target=None, text=None):
            nonlocal t
            sim.act(a, aid, t, action, target, text, ip=self.ip(a, flow) if rotate_ip else ip)
            t += gap()

        plan = s.act
        if plan == "follow_train":
            targets = r.sample(self.customers, max(1, int(len(self.customers) * r.uniform(0.7, 1.0))))
            if r.random() < 0.5:
                targets += r.sample(self.mimic_pop, r.randint(1, 3))
            r.shuffle(targets)
            for tg in targets:
                go("follow", tg)
            if r.random() < 0.5:
                go("like", self.posts[0])
        elif plan == "repost":
            for tg in r.sample(self.customers, min(2, len(self.customers))):
                go("follow", tg)
            go("like", self.posts[0])
            go("repost", self.posts[0])
            if len(self.posts) > 1 and r.random() < 0.6:
                go("repost", self.posts[1])
        elif plan == "promo_posts":
            if s.bio in ("organic", "none") and r.random() < 0.5:
                go("profile_update")
            for _ in range(r.randint(1, 3)):
                go("post", None, r.choice(self.msgs).expand(r, link=self.link(), **self.slots))
        elif plan == "reply_spam":
            for _ in range(r.randint(2, 5)):
                go("reply", w.posts_w.pick(r), r.choice(self.msgs).expand(r, link=self.link(), **self.slots))
        elif plan == "dm_spam":
            for _ in range(r.randint(2, 6)):
                tg = r.choice(sim.recent) if sim.recent else w.popular_w.pick(r)
                go("dm", tg, r.choice(self.msgs).expand(r, link=self.link(), **self.slots))
        elif plan == "like_farm":  # many likes on the campaign's posts, in shuffled order
            posts = self.like_posts[:]
            r.shuffle(posts)
            for pid in posts[:r.randint(len(posts) // 2, len(posts))]:
                go("like", pid)
        elif plan == "slow_follow":  # one shared target each, spread over hours
            t = a.t_ms + int(r.uniform(0.2, 3.0) * 3600_000)
            go("follow", self.customers[0])
            if r.random() < 0.5:
                go("like", w.posts_w.pick(r))
        elif plan == "mimic":
            # organic-looking: popular follows and likes, then the shared targets
            for _ in range(r.randint(1, 3)):
                go("follow", r.choice(self.mimic_pop))
            for _ in range(r.randint(0, 2)):
                go("like", w.posts_w.pick(r))
            for tg in r.sample(self.customers, min(len(self.customers), r.randint(2, 4))):
                go("follow", tg)
            go("repost", self.posts[0])
            if r.random() < 0.5:
                go("reply", self.posts[0], r.choice(self.msgs).expand(r, link="", **self.slots))


def _shape_char(r, ch: str) -> str:
    if ch == "l":
        return r.choice("abcdefghijklmnopqrstuvwxyz")
    if ch == "d":
        return str(r.randrange(10))
    if ch == "C":
        return r.choice("BCDFGHJKLMNPRSTVZ")
    if ch == "c":
        return r.choice("bcdfghjklmnprstvz")
    if ch == "v":
        return r.choice("aeiou")
    return ch


_SYNONYMS = {"Crypto": "Bitcoin", "enthusiast": "lover", "investor": "trader", "Helping": "Teaching",
             "Shop": "Deals", "girl": "babe", "Free": "Bonus", "DM me": "DM", "Official": "Best"}


def _mutate(r: random.Random, text: str) -> str:
    """A near-duplicate: a synonym swap, a dropped or doubled letter, changed punctuation or emoji."""
    words = text.split(" ")
    for _ in range(r.randint(1, 2)):
        i = r.randrange(len(words))
        wd = words[i]
        x = r.random()
        if x < 0.3 and wd in _SYNONYMS:
            words[i] = _SYNONYMS[wd]
        elif x < 0.5 and len(wd) > 3:
            j = r.randrange(1, len(wd) - 1)
            words[i] = wd[:j] + wd[j] + wd[j:]
        elif x < 0.65 and len(wd) > 3:
            j = r.randrange(1, len(wd) - 1)
            words[i] = wd[:j] + wd[j + 1:]
        elif x < 0.8:
            words[i] = wd.upper() if r.random() < 0.5 else wd.lower()
        else:
            words.insert(i, r.choice(W.EMOJI))
    out = " ".join(words)
    if r.random() < 0.3:
        out += r.choice(("!", "!!", " ✨", ".", " 💯"))
    return out


# --------------------------------------------------------------------------- hard negatives


class CohortState:
    """A benign group that shares traits like a wave does."""

    def __init__(self, sim: Simulator, c: CohortSpec):
        self.sim, self.c = sim, c
        r = self.r = random.Random(f"{sim.seed}:{sim.scenario}:{c.name}")
        w = sim.world
        self.home = w.country_w.pick(r).code
        self.nat = [(*w.nets[self.home].broadband[r.randrange(len(w.nets[self.home].broadband))], r.randrange(256))
                    for _ in range(r.randint(1, 2))]
        self.uni = r.choice(w.universities[self.home])
        self.company = r.choice(w.companies)
        self.show_account = w.popular[r.randrange(50)]
        self.show_post = w.snowflake(sim.start_ms + int(c.at * sim.hours * 3600_000) - 600_000)
        tv = {"GB": "www.bbc.co.uk", "BR": "globoplay.globo.com", "US": "www.nbc.com", "FR": "www.tf1.fr",
              "MX": "www.televisa.com", "JP": "www.nhk.or.jp", "KR": "www.kbs.co.kr", "IN": "www.hotstar.com",
              "ES": "www.antena3.com", "DE": "www.zdf.de", "IT": "www.raiplay.it"}.get(self.home)
        self.show_ref = r.choice((f"https://www.youtube.com/watch?v={rand_hex(r, 11)}", f"https://t.co/{rand_hex(r, 10)}")
                                 + ((f"https://{tv}/live",) * 2 if tv else ()))
        self.org_account = w.old_id()
        self.org_extra = [w.old_id() for _ in range(3)]
        self.colleagues: list = []
        self.corp_ua = w.web_ua.items[0] if r.random() < 0.5 else w.web_ua.items[3]
        self.app_version = W.APP_VERSIONS[0][0]
        self.reactions = [S.Spintax(t) for t in S.HARD_NEGATIVE_REACTIONS]

    def code(self) -> str:
        if self.c.kind == "flash_crowd" and self.sim.rs.random() < 0.25:
            return self.sim.world.country_w.pick(self.sim.rs).code
        if self.c.kind == "appstore":
            return self.sim.rs.choice(("US", "US", "GB", "CA", "AU"))
        return self.home

    def account(self, a: Account):
        sim, r, w, k = self.sim, self.sim.r, self.sim.world, self.c.kind
        if k == "campus":
            ev = sim.profile(a)
            fl = ev.get("display_name") or ev["username"]
            if r.random() < 0.8:
                # a name with no Latin letters leaves only dots: the university then hands out a number
                local = (ev["username"].lower() if r.random() < 0.5 else
                         fl.lower().replace(" ", ".").encode("ascii", "ignore").decode().strip(".") or rand_hex(r, 8))
                ev["email"] = f"{local}@{self.uni}"
            if r.random() < 0.35:
                ev["referrer"] = f"https://{self.uni}/welcome"
            flow = ev["signup_flow"]
            a_, b, c = r.choice(self.nat)
            ip = f"{a_}.{b}.{c}.{r.randint(1, 254)}"
            ua = w.ua(flow)
            dev = w.device(flow)
            aid = sim.finish_signup(a, ev, ip, ua, dev)
            t = a.t_ms + int(r.uniform(30, 600) * 1000)
            if r.random() < 0.6:
                sim.act(a, aid, t, "follow", self.org_account, ip=ip)
                for tg in r.sample(self.org_extra, r.randint(0, 3)):
                    t += int(r.uniform(2, 30) * 1000)
                    sim.act(a, aid, t, "follow", tg, ip=ip)
            sim.organic_activity(a, aid, ip, flow)
        elif k == "corporate":
            first = r.choice(N.FIRST["en"] + N.FIRST["de"] + N.FIRST["hi"] + N.FIRST["es"])
            last = r.choice(N.LAST["en"] + N.LAST["de"] + N.LAST["hi"] + N.LAST["es"])
            handle = sim.people.claim(sim.people.handle(first[0], last[0], int(r.gauss(1988, 8))))
            ev = {"type": "signup", "username": handle, "display_name": f"{first[0]} {last[0]}"}
            if r.random() < 0.3:
                ev["bio"] = f"{r.choice(W.BIO_ROLES).replace('_', ' ').capitalize()} @ {self.company.split('.')[0].capitalize()}"
            ev["email"] = f"{first[0].lower()}.{last[0].lower()}@{self.company}"
            ev["signup_flow"] = "web"
            ev["lang"] = w.lang(r, a.code)
            ev["avatar"] = "default" if r.random() < 0.7 else rand_hex(r, 32)
            ev["referrer"] = r.choice((f"https://intranet.{self.company}/social", "https://login.microsoftonline.com/"))
            a_, b, c = self.nat[0]
            ip = f"{a_}.{b}.{c}.{r.choice((10, 11, 12))}"
            aid = sim.finish_signup(a, ev, ip, self.corp_ua, rand_hex(r, 32))
            t = a.t_ms + int(r.uniform(30, 300) * 1000)
            sim.act(a, aid, t, "follow", self.org_account, ip=ip)
            for tg in r.sample(self.colleagues, min(len(self.colleagues), r.randint(0, 4))):
                t += int(r.uniform(3, 40) * 1000)
                sim.act(a, aid, t, "follow", tg, ip=ip)
            self.colleagues.append(aid)
            if r.random() < 0.3:
                sim.act(a, aid, t + 60_000, "post", None, r.choice(("Hello world!", "First post from the team 👋",
                                                                     f"Excited to join {self.company.split('.')[0]}!", "testing")), ip=ip)
        elif k == "appstore":
            ev = sim.profile(a, flow="ios")
            ev.pop("referrer", None)
            ip, _, dev = sim.network(a.code, "ios")
            ua = w.ua("ios", app_version=self.app_version)
            aid = sim.finish_signup(a, ev, ip, ua, dev)
            sim.organic_activity(a, aid, ip, "ios", onboarding=0.7)
        else:  # flash crowd
            ev = sim.profile(a)
            if r.random() < 0.7:
                ev["referrer"] = self.show_ref
            ip, ua, dev = sim.network(a.code, ev["signup_flow"])
            aid = sim.finish_signup(a, ev, ip, ua, dev)
            t = a.t_ms + int(lognormal_s(r, 60, 0.8) * 1000)
            if r.random() < 0.7:
                sim.act(a, aid, t, "follow", self.show_account, ip=ip)
                t += int(lognormal_s(r, 8, 0.7) * 1000)
            if r.random() < 0.5:
                sim.act(a, aid, t, "like", self.show_post, ip=ip)
                t += int(lognormal_s(r, 10, 0.7) * 1000)
            if r.random() < 0.25:
                sim.act(a, aid, t, "reply", self.show_post, r.choice(self.reactions).expand(r), ip=ip)
            sim.organic_activity(a, aid, ip, ev["signup_flow"], onboarding=0.2)
        sim.maybe_label(a, aid)
