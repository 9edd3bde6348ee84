"""``breakwater simulate``: synthetic but realistic sign-up traffic with spam-account waves.

:func:`generate` yields contract events (``../shared/EVENTS.md``) with an evaluation-only
``truth`` object, in non-decreasing ``ts`` order, deterministically for a seed.

What is simulated
-----------------
* **Organic users** arriving with a daily rhythm per region; names from many cultures
  and scripts, handles in the styles people really use (``john_smith1987`` included),
  free-form or empty bios, skewed mail providers with a long tail, home broadband
  /24s, mobile carrier NAT pools that many unrelated people share, IPv6, skewed user
  agents (a few builds dominate), households sharing a device, referrers mostly absent.
  Early activity: onboarding follows of suggested (popular) accounts, likes, posts,
  replies; late, sparse and sometimes wrong labels.
* **Waves** (spam campaigns), each a different combination of what is shared and
  what is rotated: handle template, display-name and bio templates (spintax, near
  duplicates), mail, IP (/24 of a hosting provider, residential proxies, mobile
  proxies in carrier NAT, one IPv6 /64), user agent, device pool, flow, avatar,
  arrival (burst, trickle, pulses), lockstep activity (fast or dormant).
* **Hard negatives** (benign): flash crowd, campus behind one NAT, corporate onboarding,
  app-store feature spike.

Nothing but ``truth`` says what an account is; ids, handles and every other field are
drawn the same way for everyone.
"""
from __future__ import annotations

import argparse
import hashlib
import math
import random
import re
import sys
import time as _time
from bisect import bisect
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from typing import Callable, Iterator, Optional

import numpy as np
import orjson

from offline import names as N
from offline import sim_spam as S
from offline import sim_world as W
from streams.contract import format_time, parse_time

DEFAULT_START = "2019-08-19T00:00:00Z"
DEFAULT_HOURS = 6.0
DEFAULT_RATE = 20.0  # organic sign-ups per minute (daily mean)
TWITTER_EPOCH_MS = 1288834974657
BLOCK_HOURS = 6.0  # a scenario's campaigns span this long; longer runs get new campaigns per block

# --------------------------------------------------------------------------- helpers


class Weighted:
    """Fast weighted choice over a fixed population (cumulative weights + bisect)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        pairs = list(pairs)
        self.items = [p[0] for p in pairs]
        self.cum = list(accumulate(float(p[1]) for p in pairs))
        self.total = self.cum[-1]

    def pick(self, r: random.Random):
        return self.items[bisect(self.cum, r.random() * self.total)]


def zipf_weighted(items, s: float = 1.1) -> Weighted:
    return Weighted((it, 1.0 / (i + 1) ** s) for i, it in enumerate(items))


def _hex(r: random.Random, n: int) -> str:
    return f"{r.getrandbits(4 * n):0{n}x}"


def _uuid(r: random.Random, upper: bool = False) -> str:
    h = _hex(r, 32)
    s = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[r.randrange(4)]}{h[17:20]}-{h[20:]}"
    return s.upper() if upper else s


def _lognormal_s(r: random.Random, median_s: float, sigma: float) -> float:
    return median_s * math.exp(r.gauss(0.0, sigma))


@contextmanager
def drawing_from(obj, r: random.Random):
    """Let ``obj`` (World, People) draw from stream ``r`` for a while (campaign-owned draws)."""
    saved, obj.r = obj.r, r
    try:
        yield obj
    finally:
        obj.r = saved


_LABEL_WORDS = re.compile(r"spam|bot|wave|fake|scam|troll", re.I)
_LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"})

# --------------------------------------------------------------------------- time formats

_ZONES = {}


def _zone(offset_min: int) -> timezone:
    z = _ZONES.get(offset_min)
    if z is None:
        z = _ZONES[offset_min] = timezone(timedelta(minutes=offset_min))
    return z


def format_time_offset(ts_ms: int, offset_min: int) -> str:
    """Epoch milliseconds -> RFC 3339 with a numeric zone offset (``+08:00``)."""
    if offset_min == 0:
        return format_time(ts_ms / 1000)
    dt = datetime.fromtimestamp(ts_ms // 1000, _zone(offset_min))
    sign = "+" if offset_min > 0 else "-"
    h, m = divmod(abs(offset_min), 60)
    return f"{dt:%Y-%m-%dT%H:%M:%S}.{ts_ms % 1000:03d}{sign}{h:02d}:{m:02d}"


# --------------------------------------------------------------------------- world

# First octets of ordinary ISP space and of hosting providers (no private, CGNAT-reserved,
# loopback, link-local or multicast ranges).
_ISP_OCTETS = (24, 31, 37, 41, 46, 49, 58, 59, 60, 61, 62, 66, 67, 68, 69, 70, 71, 72, 73, 74,
               75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94,
               95, 96, 97, 98, 99, 101, 102, 105, 106, 109, 110, 111, 112, 113, 114, 115, 116,
               117, 118, 119, 120, 121, 122, 123, 124, 125, 175, 176, 177, 178, 179, 180, 181,
               182, 183, 186, 187, 189, 190, 191, 196, 197, 200, 201, 203, 210, 211, 212, 213,
               217, 218, 219, 220, 221, 222)
_DC_OCTETS = (5, 23, 34, 35, 45, 51, 52, 54, 64, 103, 104, 107, 134, 137, 138, 139, 141, 142,
              143, 144, 146, 149, 151, 157, 158, 159, 161, 162, 164, 165, 167, 168, 170, 172,
              173, 185, 188, 192, 193, 194, 195, 198, 199, 204, 205, 206, 207, 208, 209)


@dataclass
class CountryNet:
    country: W.Country
    broadband: list            # (a, b) /16 prefixes of home ISPs
    carriers: list             # per carrier: list of (a, b, c) NAT /24s
    carrier_w: Weighted
    v6_carrier: list           # per carrier: IPv6 /32 prefix text "2a02:1234"
    v6_home: list              # home ISPs' IPv6 /32 prefixes


class World:
    """Everything shared by all accounts of one run: networks, popular accounts, posts."""

    def __init__(self, r: random.Random, start_ms: int):
        self.r = r
        self.start_ms = start_ms
        used16: set = set()

        def new16(octets):
            while True:
                p = (octets[r.randrange(len(octets))], r.randrange(256))
                if p not in used16:
                    used16.add(p)
                    return p

        self.nets: dict[str, CountryNet] = {}
        for c in W.COUNTRIES:
            n16 = 6 + int(c.weight * 3)
            bb = [new16(_ISP_OCTETS) for _ in range(n16)]
            carriers = []
            for _ in range(c.carriers):
                a, b = new16(_ISP_OCTETS)
                carriers.append([(a, b, r.randrange(256)) for _ in range(r.randint(3, 8))])
            v6c = [f"2{r.choice('46a')}{r.randrange(16):x}{r.randrange(16):x}:{r.getrandbits(16):x}" for _ in carriers]
            v6h = [f"2{r.choice('06a')}{r.randrange(16):x}{r.randrange(16):x}:{r.getrandbits(16):x}" for _ in range(3)]
            self.nets[c.code] = CountryNet(c, bb, carriers, zipf_weighted(range(len(carriers)), 0.8), v6c, v6h)
        self.dc16 = [new16(_DC_OCTETS) for _ in range(60)]

        self.country_w = Weighted((c, c.weight) for c in W.COUNTRIES)
        self.by_code = {c.code: c for c in W.COUNTRIES}
        self.culture_w = {c.code: Weighted(c.cultures) for c in W.COUNTRIES}
        self.lang_w = {c.code: Weighted(c.langs) for c in W.COUNTRIES}
        self.mail_w = Weighted(W.GLOBAL_MAIL)
        self.web_ua = Weighted(W.WEB_UA)
        self.app_ver = Weighted(W.APP_VERSIONS)
        self.ios_dev = Weighted(W.IOS_DEVICES)
        self.ios_ver = Weighted(W.IOS_VERSIONS)
        self.and_dev = Weighted(W.ANDROID_DEVICES)
        self.and_ver = Weighted(W.ANDROID_VERSIONS)
        self.api_ua = Weighted(W.API_UA)
        self.social_ref = Weighted(W.SOCIAL_REFERRERS)
        self.other_search = Weighted(W.OTHER_SEARCH)

        # popular accounts (old ids), a per-country "suggested to follow" list, trending posts
        self.popular = [self.old_id() for _ in range(4000)]
        self.popular_w = zipf_weighted(self.popular, 1.05)
        self.suggested = {c.code: [self.popular[i] for i in sorted(r.sample(range(60), 12))] + self.popular[:3]
                          for c in W.COUNTRIES}
        self.posts = [self.old_id(recent=True) for _ in range(6000)]
        self.posts_w = zipf_weighted(self.posts, 1.0)

        # organisations: companies and universities with their own mail domains
        self.companies = [self._org_domain(r) for _ in range(250)]
        self.universities = {c.code: [self._uni_domain(r, c) for _ in range(4)] for c in W.COUNTRIES}
        self.tail_domains = [self._tail_domain(r) for _ in range(600)]

    def lang(self, r: random.Random, code: str) -> str:
        """The app's language: mostly the country's, sometimes left at English."""
        return self.lang_w[code].pick(r) if r.random() < 0.92 else "en"

    # ids --------------------------------------------------------------
    def snowflake(self, ts_ms: int) -> str:
        return str(((ts_ms - TWITTER_EPOCH_MS) << 22) | self.r.getrandbits(22))

    def old_id(self, recent: bool = False) -> str:
        span = (30 if recent else 3000) * 86400_000
        return self.snowflake(self.start_ms - self.r.randrange(span))

    # domains ----------------------------------------------------------
    @staticmethod
    def _word(r: random.Random, n: int) -> str:
        return "".join(r.choice(W.SYLLABLES) for _ in range(n))

    def _org_domain(self, r):
        style = r.random()
        if style < 0.5:
            name = self._word(r, r.randint(2, 3)) + r.choice(W.TECH_WORDS)
        elif style < 0.8:
            name = r.choice(N.LAST["en"] + N.LAST["de"])[0].lower() + r.choice(("-group", "law", "and" + r.choice(N.LAST["en"])[0].lower(), "co", ""))
        else:
            name = r.choice(N.NOUNS) + r.choice(W.TECH_WORDS)
        return name + r.choice((".com", ".com", ".com", ".io", ".net", ".co", ".de", ".co.uk", ".com.br"))

    def _uni_domain(self, r, c: W.Country):
        base = self._word(r, 2)
        return {"US": f"{base}.edu", "GB": f"{base}.ac.uk", "JP": f"{base}.ac.jp", "KR": f"{base}.ac.kr",
                "IN": f"{base}.ac.in", "AU": f"{base}.edu.au", "BR": f"{base}.edu.br",
                "MX": f"{base}.edu.mx", "DE": f"uni-{base}.de", "FR": f"univ-{base}.fr"}.get(
            c.code, f"{base}.edu.{c.tld.split('.')[-1]}")

    def _tail_domain(self, r):
        if r.random() < 0.5:
            name = self._word(r, r.randint(2, 3))
        else:
            name = r.choice(N.NOUNS) + r.choice(N.NOUNS)
        return name + r.choice((".com", ".net", ".org", ".info", ".me", ".co", ".us", ".eu", ".nl", ".ch", ".se"))

    # ips --------------------------------------------------------------
    def home_ip(self, code: str) -> str:
        r = self.r
        net = self.nets[code]
        if r.random() < 0.08:
            return self.v6(r.choice(net.v6_home))
        a, b = net.broadband[int(len(net.broadband) * r.random() ** 1.6)]
        return f"{a}.{b}.{r.randrange(256)}.{r.randint(1, 254)}"

    def carrier_ip(self, code: str) -> str:
        r = self.r
        net = self.nets[code]
        k = net.carrier_w.pick(r)
        if r.random() < net.country.v6_share:
            return self.v6(net.v6_carrier[k])
        pool = net.carriers[k]
        a, b, c = pool[int(len(pool) * r.random() ** 1.4)]
        return f"{a}.{b}.{c}.{r.randint(1, 254)}"

    def dc_ip(self, prefix=None) -> str:
        r = self.r
        a, b = prefix or self.dc16[r.randrange(len(self.dc16))]
        return f"{a}.{b}.{r.randrange(256)}.{r.randint(1, 254)}"

    def v6(self, prefix: str) -> str:
        g = self.r.getrandbits
        return f"{prefix}:{g(16):x}:{g(16):x}:{g(16):x}:{g(16):x}:{g(16):x}:{g(16):x}"

    # clients ----------------------------------------------------------
    def ua(self, flow: str, app_version: Optional[str] = None) -> str:
        r = self.r
        if flow == "ios":
            return (f"{W.APP_NAME}/{app_version or self.app_ver.pick(r)} ({self.ios_dev.pick(r)}; "
                    f"iOS {self.ios_ver.pick(r)}; Scale/{r.choice(('2.00', '3.00', '3.00'))})")
        if flow == "android":
            return (f"{W.APP_NAME}/{app_version or self.app_ver.pick(r)} (Linux; Android "
                    f"{self.and_ver.pick(r)}; {self.and_dev.pick(r)})")
        if flow == "api":
            return self.api_ua.pick(r)
        return self.web_ua.pick(r)

    def device(self, flow: str) -> str:
        r = self.r
        if flow == "ios":
            return _uuid(r, upper=True)
        if flow == "android":
            return _hex(r, 16)
        return _hex(r, 32)


# --------------------------------------------------------------------------- people


class People:
    """Organic identities: names, handles, display names, bios, mail addresses."""

    def __init__(self, world: World, r: random.Random):
        self.w = world
        self.r = r
        self.taken: set = set()

    def person(self, code: str, culture: Optional[str] = None):
        r = self.r
        cul = culture or self.w.culture_w[code].pick(r)
        first = r.choice(N.FIRST[cul])
        last = r.choice(N.LAST[cul])
        year = int(min(2006, max(1950, r.gauss(1993, 9))))
        return cul, first, last, year

    def claim(self, handle: str) -> str:
        """Reserve a handle, as the platform would: taken -> add digits.

        Words that read like a label ("spam", "bot" ...) are broken up, for every
        account alike ("itspamela" -> "its_pamela"), so no handle hints at its truth.
        """
        r = self.r
        handle = _LABEL_WORDS.sub(lambda m: m.group(0)[0] + "_" + m.group(0)[1:], handle[:20] or "user")[:20]
        key = handle.lower()
        while key in self.taken:
            handle = handle[:16] + str(r.randint(1, 9999 if r.random() < 0.5 else 99))
            key = handle.lower()
        self.taken.add(key)
        return handle

    def handle(self, first: str, last: str, year: int) -> str:
        r = self.r
        f, l_ = first.lower(), last.lower()
        x = r.random()
        if x < 0.30:
            h = r.choice((f + l_, f + "_" + l_, f + l_, f[0] + l_, f + l_[0], l_ + f, f + "_" + l_[0], f))
        elif x < 0.55:
            base = r.choice((f + l_, f + "_" + l_, f, f + l_[0], f[0] + l_, f + "_"))
            d = r.random()
            suffix = (str(year) if d < 0.35 else f"{year % 100:02d}" if d < 0.6 else
                      str(r.randint(1, 99)) if d < 0.85 else str(r.randint(100, 9999)))
            h = base + suffix
        elif x < 0.72:
            h = r.choice(N.ADJECTIVES) + r.choice(("", "_", "")) + r.choice(N.NOUNS)
            if r.random() < 0.3:
                h += str(r.randint(1, 999))
        elif x < 0.82:
            interest = r.choice(N.INTERESTS).lower()
            h = r.choice((interest + r.choice(N.HANDLE_WORDS), f + interest, interest + "_" + f,
                          r.choice(N.HANDLE_WORDS) + interest, interest + str(r.randint(1, 99))))
        elif x < 0.90:
            h = r.choice((f + r.choice(("xo", "x", "xx", "_", "__", "o", "ie", "y")),
                          "its" + f, "im" + f, "the" + f + l_[:3], f + f[-1] * r.randint(1, 3),
                          "x" + f + "x", f[:3] + l_[:3]))
        elif x < 0.95:
            h = r.choice(N.NOUNS) + str(r.randint(1, 9999))
        else:  # keyboard mash / throwaway-looking, as real people do
            h = "".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(5, 9)))
            if r.random() < 0.6:
                h += str(r.randint(0, 999))
        c = r.random()
        if c < 0.18:
            h = "".join(p.capitalize() for p in h.split("_")) if "_" in h else h.capitalize()
        elif c < 0.21:
            h = h.upper()
        return h

    def display(self, first_pair, last_pair, code: str) -> Optional[str]:
        r = self.r
        fl, fn = first_pair
        ll, ln = last_pair
        native = fn != fl
        x = r.random()
        if x < 0.05:
            return None
        if native and x < 0.55:
            if code in ("JP", "CN", "TW", "HK", "KR") or ln.isascii() is False and fn[:1] and ord(fn[0]) > 0x2e80:
                return ln + fn if r.random() < 0.7 else fn
            return fn + " " + ln if r.random() < 0.8 else fn
        if x < 0.6:
            name = fl + " " + ll
        elif x < 0.75:
            name = fl
        elif x < 0.82:
            name = (fl + " " + ll).lower()
        elif x < 0.88:
            name = f"{fl} {ll[0]}."
        elif x < 0.94:
            name = r.choice(N.ADJECTIVES).capitalize() + " " + r.choice(N.NOUNS).capitalize()
        else:
            name = fl.upper()
        if r.random() < 0.1:
            name += " " + r.choice(W.EMOJI)
        return name

    def bio(self, code: str, first: str) -> Optional[str]:
        r = self.r
        x = r.random()
        if x < 0.38:
            return None
        if x < 0.45:
            return ""
        if x < 0.58:
            return r.choice(W.BIO_COMMON)
        t = r.choice(W.BIO_TEMPLATES)
        out = t.format(
            role=r.choice(W.BIO_ROLES).replace("_", " "), interest=r.choice(N.INTERESTS),
            interest2=r.choice(N.INTERESTS), interest3=r.choice(N.INTERESTS),
            place=r.choice(W.BIO_PLACES), place2=r.choice(W.BIO_PLACES), emoji=r.choice(W.EMOJI),
            age=str(r.randint(16, 58)), company=r.choice(self.w.companies).split(".")[0].capitalize(),
            name=r.choice(N.FIRST["en"])[0], relation=r.choice(W.BIO_RELATIONS),
            opinion=r.choice(W.BIO_OPINIONS).replace("{interest}", r.choice(N.INTERESTS)),
            lang_phrase=r.choice(W.BIO_LANG_PHRASES).replace("{interest}", r.choice(N.INTERESTS)).replace(
                "{field}", r.choice(W.FIELDS)))
        if r.random() < 0.15:
            out += " " + r.choice(W.EMOJI)
        if r.random() < 0.06:
            out += f" | ig: @{first.lower()}{r.randint(1, 99)}"
        return out

    def email(self, code: str, first: str, last: str, year: int, handle: str,
              domain: Optional[str] = None) -> Optional[str]:
        r = self.r
        f, l_ = first.lower(), last.lower()
        x = r.random()
        if domain is None:
            if x < 0.08:
                return None  # phone-number sign-up
            y = r.random()
            isp = self.w.by_code[code].isp_mail
            if y < 0.66:
                domain = self.w.mail_w.pick(r)
            elif y < 0.80 and isp:
                domain = r.choice(isp)
            elif y < 0.86:
                domain = r.choice(self.w.companies)
            elif y < 0.90:
                domain = r.choice(self.w.universities[code])
            elif y < 0.99:
                domain = r.choice(self.w.tail_domains)
            else:
                domain = r.choice(W.DISPOSABLE_MAIL)
        s = r.random()
        if s < 0.2:
            local = f"{f}.{l_}"
        elif s < 0.32:
            local = f + l_
        elif s < 0.4:
            local = f"{f}_{l_}"
        elif s < 0.55:
            local = f + str(year if r.random() < 0.6 else r.randint(1, 999))
        elif s < 0.75:
            local = handle.lower()
        elif s < 0.85:
            local = f[0] + l_ + (str(r.randint(1, 99)) if r.random() < 0.4 else "")
        else:
            local = r.choice(N.NOUNS) + r.choice(N.NOUNS) + (str(r.randint(1, 999)) if r.random() < 0.5 else "")
        return f"{local}@{domain}"

    def avatar(self) -> str:
        return "default" if self.r.random() < 0.52 else _hex(self.r, 32)

    def referrer(self, code: str) -> Optional[str]:
        r = self.r
        x = r.random()
        if x < 0.66:
            return None
        if x < 0.82:
            return self.w.by_code[code].search
        if x < 0.85:
            return self.w.other_search.pick(r)
        if x < 0.96:
            return self.w.social_ref.pick(r)
        return f"https://{r.choice(self.w.tail_domains)}/{r.choice(N.NOUNS)}-{r.choice(N.NOUNS)}"


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
        for k, options in _TRAIT_CHOICES.items():
            unseen = _UNSEEN_CHOICES.get(k)
            t[k] = r.choice(unseen) if unseen and r.random() < 0.5 else r.choice(options)
        arrival = t["arrival"]
        rate = {"burst": r.choice((10, 30, 80, 250)), "trickle": r.choice((0.5, 1, 2, 4)),
                "pulses": r.choice((20, 60, 150)), "diurnal": r.choice((0.3, 0.8, 1.5)),
                "ramp": r.choice((2, 8, 40))}[arrival]
        size = int(r.choice((30, 60, 120, 250, 500, 900, 1500)) * (1 if arrival in ("burst", "pulses") else 0.5)) + 30
        waves.append(WaveSpec(f"u{i + 1}", r.uniform(0.02, 0.8), size, arrival, float(rate),
                              t["handle"], t["display"], t["bio"], t["family"], t["mail"], t["ip"],
                              t["ua"], t["device"], t["flow"], t["avatar"], t["country"], t["referrer"],
                              t["act"], t["timing"], r.uniform(0.5, 1.0)))
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


# --------------------------------------------------------------------------- simulation


@dataclass
class Account:
    t_ms: int
    code: str
    label: str
    wave: Optional[str] = None
    cohort: Optional[str] = None
    spec: object = None
    idx: int = 0


class Simulator:
    def __init__(self, seed: int = 0, hours: float = DEFAULT_HOURS, rate: float = DEFAULT_RATE,
                 scenario: str = "default", start: str = DEFAULT_START):
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}; choose from {', '.join(SCENARIOS)}")
        if hours <= 0 or rate < 0:
            raise ValueError("hours must be > 0 and rate >= 0")
        self.seed, self.hours, self.rate, self.scenario = seed, hours, rate, scenario
        self.start_ms = int(round(parse_time(start) * 1000))
        self.end_ms = self.start_ms + int(hours * 3600_000)
        # separate streams: organic traffic, scenario/waves, and the world's fixed pools
        base = hashlib.sha256(f"breakwater-sim:{seed}:{scenario}".encode()).digest()
        organic_seed = int.from_bytes(hashlib.sha256(f"breakwater-sim:{seed}".encode()).digest()[:8], "big")
        self.r = random.Random(organic_seed)
        self.rs = random.Random(int.from_bytes(base[:8], "big"))   # scenario / waves
        self.np = np.random.default_rng(organic_seed)
        self.world = World(random.Random(organic_seed ^ 0x5EED), self.start_ms)
        self.world.r = self.r
        self.people = People(self.world, self.r)
        self.out: list = []          # (ts_ms, seq, offset_min, fmt, event)
        self.seq = 0
        self.recent: list = []       # recent organic account ids (friends, dm targets)
        self.households: dict = {}   # code -> list of (ip, device, flow, ua)
        self.stats = {"accounts": 0, "spam": 0, "benign": 0}

    # ---------------------------------------------------------------- emit
    def emit(self, ts_ms: int, offset_min: int, ev: dict):
        if ts_ms >= self.end_ms:
            return
        self.seq += 1
        self.out.append((ts_ms, self.seq, offset_min, ev))

    def event_id(self) -> Optional[str]:
        return _uuid(self.r) if self.r.random() < 0.93 else None

    # ---------------------------------------------------------------- arrivals
    def organic_arrivals(self) -> list:
        """(t_ms, country code) of organic sign-ups: per minute, per country, Poisson."""
        minutes = int(math.ceil(self.hours * 60))
        if self.rate <= 0:
            return []
        codes = [c.code for c in W.COUNTRIES]
        wsum = sum(c.weight for c in W.COUNTRIES)
        mins = np.arange(minutes)
        lam = np.zeros((minutes, len(codes)))
        start_h = (self.start_ms / 3600_000) % 24
        for j, c in enumerate(W.COUNTRIES):
            local_h = (start_h + mins / 60 + c.utc_offset / 60) % 24
            lam[:, j] = self.rate * c.weight / wsum * _diurnal(local_h)
        counts = self.np.poisson(lam)
        out = []
        r = self.r
        for m, j in zip(*np.nonzero(counts)):
            base = self.start_ms + int(m) * 60_000
            for _ in range(int(counts[m, j])):
                out.append((base + r.randrange(60_000), codes[j]))
        return out

    def spec_arrivals(self, n: int, at: float, arrival: str, rate: float, minutes_hint: float = 0,
                      utc_offset: int = 0) -> list:
        r = self.rs
        t0 = self.start_ms + int(at * self.hours * 3600_000)
        out = []
        if arrival == "burst":
            t = t0
            for _ in range(n):
                t += int(r.expovariate(rate / 60_000))
                out.append(t)
        elif arrival == "trickle":
            t = t0
            for _ in range(n):  # gamma gaps: more regular than Poisson (scheduler-driven)
                t += int(r.gammavariate(4.0, 60_000 / rate / 4.0))
                out.append(t)
        elif arrival == "pulses":
            t = t0
            left = n
            while left > 0:
                k = min(left, r.randint(15, 60))
                tt = t
                for _ in range(k):
                    tt += int(r.expovariate(rate / 60_000))
                    out.append(tt)
                left -= k
                t = tt + int(r.uniform(8, 40) * 60_000)
        elif arrival == "ramp":  # starts slow, speeds up as the operator scales out
            t = t0
            for i in range(n):
                t += int(r.expovariate(rate * (0.15 + 1.7 * i / max(1, n)) / 60_000))
                out.append(t)
        elif arrival == "diurnal":  # spread over the rest of the run, following local daytime
            span = max(1, self.end_ms - t0)
            while len(out) < n:
                t = t0 + int(span * r.random())
                local_h = ((t / 3600_000) + utc_offset / 60) % 24
                if r.random() * 1.8 < float(_diurnal(local_h)):
                    out.append(t)
            out.sort()
        else:  # cohort: front-loaded within `minutes_hint`
            span = minutes_hint * 60_000
            for _ in range(n):
                out.append(t0 + int(span * min(1.0, r.expovariate(2.5) / 2.5 * 1.3 if r.random() < 0.7 else r.random())))
            out.sort()
        return out

    # ---------------------------------------------------------------- run
    def scenario_specs(self) -> tuple[list, list]:
        """The scenario's waves and cohorts; runs longer than a block repeat it with new campaigns."""
        blocks = max(1, math.ceil(self.hours / BLOCK_HOURS - 1e-9))
        waves, cohorts = [], []
        for k in range(blocks):
            ws, cs = SCENARIOS[self.scenario][0](self.rs, self.hours / blocks)
            for spec in ws + cs:
                spec.at = (k + spec.at) / blocks
                if k:
                    if isinstance(spec, WaveSpec):
                        spec.wave = f"{spec.wave}-b{k + 1}"
                    else:
                        spec.name = f"{spec.name}-b{k + 1}"
            waves += ws
            cohorts += cs
        return waves, cohorts

    def run(self) -> list:
        accounts: list = []
        for t, code in self.organic_arrivals():
            accounts.append(Account(t, code, "benign"))
        waves, cohorts = self.scenario_specs()
        scale = max(0.25, self.rate / DEFAULT_RATE) ** 0.5 if self.rate > 0 else 0.5
        for spec in waves:
            st = WaveState(self, spec)
            offset = self.world.by_code[st.home].utc_offset
            for i, t in enumerate(self.spec_arrivals(spec.size, spec.at, spec.arrival, spec.rate, 0, offset)):
                accounts.append(Account(t, st.code(), "spam", spec.wave, None, st, i))
        for c in cohorts:
            st = CohortState(self, c)
            n = max(20, int(c.size * scale))
            for i, t in enumerate(self.spec_arrivals(n, c.at, "cohort", 0, c.minutes)):
                accounts.append(Account(t, st.code(), "benign", None, c.name, st, i))
        accounts = [a for a in accounts if a.t_ms < self.end_ms]
        accounts.sort(key=lambda a: a.t_ms)
        for a in accounts:
            self.stats["accounts"] += 1
            self.stats[a.label] += 1
            if a.spec is None:
                self.organic(a)
            else:
                a.spec.account(a)
        self.out.sort(key=lambda e: (e[0], e[1]))
        return self.out

    # ---------------------------------------------------------------- organic
    def truth(self, a: Account) -> dict:
        t = {"label": a.label, "wave": a.wave}
        if a.cohort:
            t["cohort"] = a.cohort
        return t

    def profile(self, a: Account, flow: Optional[str] = None, culture: Optional[str] = None) -> dict:
        """An organic-looking sign-up profile (no ids, times or network yet)."""
        r, p, w = self.r, self.people, self.world
        code = a.code
        cul, first, last, year = p.person(code, culture)
        handle = p.claim(p.handle(first[0], last[0], year))
        if flow is None:
            x = r.random()
            mobile_heavy = code in ("IN", "ID", "BR", "NG", "PH", "VN", "EG", "PK", "MX", "CO")
            flow = ("web" if x < (0.30 if mobile_heavy else 0.44) else
                    "android" if x < (0.83 if mobile_heavy else 0.70) else
                    "ios" if x < 0.992 else "api")
        lang = w.lang(r, code)
        ev = {"type": "signup", "username": handle}
        dn = p.display(first, last, code)
        if dn is not None:
            ev["display_name"] = dn
        bio = p.bio(code, first[0])
        if bio is not None:
            ev["bio"] = bio
        mail = p.email(code, first[0], last[0], year, handle)
        if mail is not None:
            ev["email"] = mail
        ev["signup_flow"] = flow
        ev["lang"] = lang
        ev["avatar"] = p.avatar()
        ref = p.referrer(code)
        if ref is not None:
            ev["referrer"] = ref
        return ev

    def network(self, code: str, flow: str) -> tuple:
        """(ip, user_agent, device_id) of an organic client, with households."""
        r, w = self.r, self.world
        hh = self.households.setdefault(code, [])
        x = r.random()
        if hh and x < 0.035:  # same household, same shared device (family tablet)
            ip, dev, f, ua = hh[-1 - int(r.random() * min(len(hh), 50))]
            if f == flow:
                return ip, ua, dev
        ua = w.ua(flow)
        dev = w.device(flow) if r.random() < 0.97 else None
        mobile = flow in ("ios", "android") or "Mobile" in ua
        if hh and x < 0.08:
            ip = hh[-1 - int(r.random() * min(len(hh), 50))][0]  # roommates, family
        elif mobile and r.random() < 0.6:
            ip = w.carrier_ip(code)
        elif r.random() < 0.015:
            ip = w.dc_ip()  # VPN users
        else:
            ip = w.home_ip(code)
        if not ip.count(":") and not mobile:
            hh.append((ip, dev, flow, ua))
            if len(hh) > 400:
                del hh[:200]
        return ip, ua, dev

    def finish_signup(self, a: Account, ev: dict, ip, ua, dev, country: Optional[str] = None) -> str:
        aid = self.world.snowflake(a.t_ms)
        ev["account_id"] = aid
        eid = self.event_id()
        if eid:
            ev["event_id"] = eid
        if ip:
            ev["ip"] = ip
        if ua:
            ev["user_agent"] = ua
        if dev:
            ev["device_id"] = dev
        ev["country"] = country or a.code
        ev["truth"] = self.truth(a)
        self.emit(a.t_ms, self.world.by_code[a.code].utc_offset, ev)
        return aid

    def organic(self, a: Account):
        ev = self.profile(a)
        ip, ua, dev = self.network(a.code, ev["signup_flow"])
        country = a.code if self.r.random() < 0.97 else self.world.country_w.pick(self.r).code
        aid = self.finish_signup(a, ev, ip, ua, dev, country)
        self.recent.append(aid)
        if len(self.recent) > 3000:
            del self.recent[:1500]
        self.organic_activity(a, aid, ip, ev["signup_flow"])
        self.maybe_label(a, aid)
        if self.r.random() < 0.012:
            self.alt_account(a, ev, ip, ua, dev)

    def alt_account(self, a: Account, main: dict, ip, ua, dev):
        """A second account of the same person, minutes later, same device and network."""
        r, p = self.r, self.people
        b = Account(a.t_ms + int(_lognormal_s(r, 600, 1.2) * 1000), a.code, "benign")
        if b.t_ms >= self.end_ms:
            return
        self.stats["accounts"] += 1
        self.stats["benign"] += 1
        base = main["username"]
        handle = p.claim(base[:16] + r.choice(("_", "2", "_alt", "x", "__", "_priv", "bkp", "_2", "3", "_")))
        ev = {"type": "signup", "username": handle}
        if main.get("display_name") and r.random() < 0.7:
            ev["display_name"] = main["display_name"]
        if r.random() < 0.3 and "bio" in main:
            ev["bio"] = main["bio"]
        mail = main.get("email")
        if mail and r.random() < 0.4 and mail.endswith("@gmail.com"):
            local, dom = mail.split("@")
            ev["email"] = f"{local}+{r.choice(('2', 'alt', 'x', 'priv', 'a'))}@{dom}"
        else:
            m = p.email(a.code, r.choice(N.FIRST["en"])[0], r.choice(N.LAST["en"])[0], 1995, handle)
            if m:
                ev["email"] = m
        ev["signup_flow"] = main["signup_flow"]
        ev["lang"] = main["lang"]
        ev["avatar"] = main["avatar"] if r.random() < 0.4 else "default"
        aid = self.finish_signup(b, ev, ip, ua, dev, main.get("country"))
        self.organic_activity(b, aid, ip, ev["signup_flow"], onboarding=0.1)
        self.maybe_label(b, aid)

    def act(self, a: Account, aid: str, t_ms: int, action: str, target=None, text=None, ip=None):
        ev = {"type": "activity", "account_id": aid, "action": action}
        eid = self.event_id()
        if eid:
            ev["event_id"] = eid
        if target is not None:
            ev["target"] = target
        if text is not None:
            ev["text"] = text
        if ip is not None and self.r.random() < 0.95:  # some services do not forward the client IP
            ev["ip"] = ip
        ev["truth"] = self.truth(a)
        self.emit(t_ms, self.world.by_code[a.code].utc_offset, ev)

    def organic_text(self) -> str:
        r = self.r
        core = r.choice(W.POST_TEMPLATES if r.random() < 0.55 else W.MORE_POSTS)
        text = (r.choice(W.POST_OPENERS) + core + r.choice(W.POST_CLOSERS)).format(
            show=r.choice(W.SHOWS), interest=r.choice(N.INTERESTS), interest2=r.choice(N.INTERESTS),
            emoji=r.choice(W.EMOJI), food=r.choice(W.FOODS), thing=r.choice(W.THINGS),
            team=r.choice(W.TEAMS), pet=r.choice(W.PETS), artist=r.choice(W.ARTISTS),
            n=r.randint(2, 12), place=r.choice(W.BIO_PLACES), relation=r.choice(W.BIO_RELATIONS),
            handle=r.choice(N.NOUNS) + r.choice(("", "_", "")) + r.choice(N.NOUNS))
        x = r.random()
        if x < 0.12:
            text = text.capitalize()
        elif x < 0.15:
            text = text.upper()
        return text

    def organic_activity(self, a: Account, aid: str, ip: str, flow: str, extra: int = 0,
                         onboarding: Optional[float] = None):
        r, w = self.r, self.world
        t = a.t_ms
        # onboarding: the app suggests popular accounts right after sign-up
        p_onb = (0.45 if flow in ("ios", "android") else 0.25) if onboarding is None else onboarding
        if r.random() < p_onb:
            t += int(r.uniform(20, 150) * 1000)
            sugg = w.suggested[a.code]
            for target in r.sample(sugg, r.randint(2, min(10, len(sugg)))):
                t += int(r.uniform(1.5, 12) * 1000)
                self.act(a, aid, t, "follow", target, ip=ip)
        n = extra + (0 if r.random() < 0.22 else min(40, int(r.expovariate(1 / 4.0)) + 1))
        t = a.t_ms + int(_lognormal_s(r, 600, 1.4) * 1000)
        for _ in range(n):
            x = r.random()
            if x < 0.33:
                self.act(a, aid, t, "like", w.posts_w.pick(r), ip=ip)
            elif x < 0.55:
                target = w.popular_w.pick(r) if (r.random() < 0.7 or not self.recent) else r.choice(self.recent)
                self.act(a, aid, t, "follow", target, ip=ip)
            elif x < 0.67:
                self.act(a, aid, t, "post", None, self.organic_text(), ip=ip)
            elif x < 0.75:
                self.act(a, aid, t, "repost", w.posts_w.pick(r), ip=ip)
            elif x < 0.84:
                self.act(a, aid, t, "reply", w.posts_w.pick(r), r.choice(W.REPLY_TEMPLATES).format(
                    emoji=r.choice(W.EMOJI)), ip=ip)
            elif x < 0.91:
                self.act(a, aid, t, "login", ip=ip if r.random() < 0.7 else w.home_ip(a.code))
            elif x < 0.97:
                self.act(a, aid, t, "profile_update", ip=ip)
            else:
                target = r.choice(self.recent) if self.recent else w.popular_w.pick(r)
                self.act(a, aid, t, "dm", target, r.choice(W.REPLY_TEMPLATES).format(emoji=""), ip=ip)
            t += int(_lognormal_s(r, 420, 1.5) * 1000)

    def maybe_label(self, a: Account, aid: str, p: Optional[float] = None):
        r = self.r
        p = (0.06 if a.label == "spam" else 0.025) if p is None else p
        if r.random() >= p:
            return
        correct = r.random() >= 0.05
        label = a.label if correct else ("benign" if a.label == "spam" else "spam")
        if label == "spam":
            src = "report" if r.random() < 0.45 else "moderator"
        else:
            src = "appeal" if r.random() < 0.3 else "moderator"
        delay = min(30 * 3600, max(900, _lognormal_s(r, 4 * 3600, 0.9)))
        ev = {"type": "label", "account_id": aid, "label": label, "source": src}
        if r.random() < 0.8:
            ev["event_id"] = _uuid(r)
        ev["truth"] = self.truth(a)
        self.emit(a.t_ms + int(delay * 1000), 0, ev)


def _diurnal(local_h):
    """Relative sign-up rate by local hour (mean 1 over the day): trough ~04:00, peak ~21:00."""
    x = 2 * np.pi * (local_h - 21) / 24
    y = 1 + 0.62 * np.cos(x) + 0.18 * np.cos(2 * x + 1.2)
    return y / 1.0


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
        self.avatar_pool = [_hex(r, 32) for _ in range(r.randint(2, 5))]
        self.catchall = [f"{''.join(r.choice(W.SYLLABLES) for _ in range(3))}.{r.choice(('com', 'net', 'xyz', 'info', 'site'))}"
                         for _ in range(r.randint(1, 3))]
        self.disposable = r.sample(W.DISPOSABLE_MAIL, r.randint(1, 5))
        self.free = r.sample([d for d, _ in W.GLOBAL_MAIL[:8]], r.randint(2, 4))
        self.referrer = r.choice((f"https://{self.link_domain}/", f"https://t.co/{_hex(r, 10)}",
                                  f"https://www.youtube.com/watch?v={_hex(r, 11)}", "https://www.google.com/"))
        # activity plan shared by the campaign
        self.customers = [w.snowflake(sim.start_ms - r.randrange(200 * 86400_000)) for _ in range(r.randint(3, 12))]
        self.mimic_pop = [w.popular[i] for i in r.sample(range(200), 8)]
        self.posts = [w.snowflake(sim.start_ms + r.randrange(int(sim.hours * 3600_000))) for _ in range(r.randint(1, 3))]
        self.activate = sim.start_ms + int(min(0.97, spec.at + r.uniform(0.1, 0.35)) * sim.hours * 3600_000)
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
            h = base.translate(_LEET) + "".join(r.choice("xyzqkv") for _ in range(r.randint(0, 2)))
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

    def account(self, a: Account):
        sim, s, w, r = self.sim, self.s, self.sim.world, self.sim.rs
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
            bio = _mutate(r, self.near_base)
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
            ev["email"] = f"{handle.lower() if r.random() < 0.6 else _hex(r, 10)}@{r.choice(self.disposable)}"
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
            ev["avatar"] = _hex(r, 32)
        else:
            ev["avatar"] = "default" if r.random() < 0.52 else _hex(r, 32)
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
                sim.act(a, aid, a.t_ms + int(_lognormal_s(r, 1800, 1.0) * 1000), "login", ip=ip)
            return
        if s.timing == "fast":
            t = a.t_ms + int(_lognormal_s(r, 25, 0.9) * 1000)
            gap = lambda: int(_lognormal_s(r, 4, 0.6) * 1000)  # noqa: E731
        elif s.timing == "slow":
            t = a.t_ms + int(_lognormal_s(r, 900, 0.8) * 1000)
            gap = lambda: int(_lognormal_s(r, 120, 1.0) * 1000)  # noqa: E731
        else:  # dormant: wakes up with the rest of the campaign
            t = max(a.t_ms + 600_000, self.activate + int(r.uniform(0, 20) * 60_000))
            gap = lambda: int(_lognormal_s(r, 8, 0.8) * 1000)  # noqa: E731
            if r.random() < 0.4:
                sim.act(a, aid, a.t_ms + int(_lognormal_s(r, 300, 1.0) * 1000), "login", ip=ip)
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
        self.show_ref = r.choice((f"https://www.youtube.com/watch?v={_hex(r, 11)}", f"https://t.co/{_hex(r, 10)}")
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
                local = (ev["username"].lower() if r.random() < 0.5 else
                         fl.lower().replace(" ", ".").encode("ascii", "ignore").decode() or _hex(r, 8))
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
            ev["avatar"] = "default" if r.random() < 0.7 else _hex(r, 32)
            ev["referrer"] = r.choice((f"https://intranet.{self.company}/social", "https://login.microsoftonline.com/"))
            a_, b, c = self.nat[0]
            ip = f"{a_}.{b}.{c}.{r.choice((10, 11, 12))}"
            aid = sim.finish_signup(a, ev, ip, self.corp_ua, _hex(r, 32))
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
            t = a.t_ms + int(_lognormal_s(r, 60, 0.8) * 1000)
            if r.random() < 0.7:
                sim.act(a, aid, t, "follow", self.show_account, ip=ip)
                t += int(_lognormal_s(r, 8, 0.7) * 1000)
            if r.random() < 0.5:
                sim.act(a, aid, t, "like", self.show_post, ip=ip)
                t += int(_lognormal_s(r, 10, 0.7) * 1000)
            if r.random() < 0.25:
                sim.act(a, aid, t, "reply", self.show_post, r.choice(self.reactions).expand(r), ip=ip)
            sim.organic_activity(a, aid, ip, ev["signup_flow"], onboarding=0.2)
        sim.maybe_label(a, aid)


# --------------------------------------------------------------------------- public API


def _render(sim: Simulator, item) -> dict:
    ts_ms, _, offset, ev = item
    r = sim.r
    x = r.random()
    if x < 0.6:
        ev["ts"] = format_time(ts_ms / 1000)
    elif x < 0.86:
        ev["ts"] = format_time_offset(ts_ms, offset)
    elif x < 0.97:
        ev["ts"] = ts_ms / 1000
    else:
        ev["ts"] = ts_ms // 1000 if ts_ms % 1000 == 0 else ts_ms / 1000
    return ev


def _order(ev: dict) -> dict:
    """Put type, ids and ts first (readable files), truth last."""
    out = {"type": ev["type"]}
    for k in ("event_id", "account_id", "ts"):
        if k in ev:
            out[k] = ev[k]
    for k, v in ev.items():
        if k not in out and k != "truth":
            out[k] = v
    out["truth"] = ev["truth"]
    return out


def generate(seed: int = 0, hours: float = DEFAULT_HOURS, rate: float = DEFAULT_RATE,
             scenario: str = "default", start: str = DEFAULT_START,
             stats: Optional[dict] = None) -> Iterator[dict]:
    """Yield contract events with ``truth``, in non-decreasing ``ts`` order.

    Deterministic for ``(seed, hours, rate, scenario, start)``. ``stats``, if given, is
    filled with account counts once the simulation has run.
    """
    sim = Simulator(seed, hours, rate, scenario, start)
    items = sim.run()
    if stats is not None:
        stats.update(sim.stats)
        stats["events"] = len(items)
    for item in items:
        yield _order(_render(sim, item))


def scenario_names() -> list[str]:
    return list(SCENARIOS)


# --------------------------------------------------------------------------- CLI


def register(subparsers) -> None:
    lines = "\n".join(f"  {name:<15} {desc}" for name, (_, desc) in SCENARIOS.items())
    p = subparsers.add_parser(
        "simulate", help="write synthetic sign-up traffic with labelled spam waves (JSON Lines)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Write a JSON Lines file of contract events (signup, activity, label) with a\n"
            "'truth' object on every event, in non-decreasing ts order. Organic users follow a\n"
            "daily rhythm; spam waves differ in what they share and rotate; benign look-alike\n"
            "groups (flash crowds, campuses, ...) are hard negatives. Same arguments, same bytes."),
        epilog="scenarios:\n" + lines + "\n\nexample:\n  breakwater simulate --out /tmp/sim.jsonl --seed 1 --scenario rotating")
    p.add_argument("--out", required=True, metavar="FILE.jsonl", help="output file ('-' for stdout)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--hours", type=float, default=DEFAULT_HOURS, help=f"simulated duration (default {DEFAULT_HOURS:g})")
    p.add_argument("--rate", type=float, default=DEFAULT_RATE,
                   help=f"mean organic sign-ups per minute over a day (default {DEFAULT_RATE:g})")
    p.add_argument("--scenario", default="default", choices=list(SCENARIOS), metavar="NAME",
                   help="one of: " + ", ".join(SCENARIOS) + " (default: default)")
    p.add_argument("--start", default=DEFAULT_START, help=f"simulation start, RFC 3339 (default {DEFAULT_START})")
    p.set_defaults(func=run)


def run(args) -> int:
    t0 = _time.monotonic()
    stats: dict = {}
    print(f"simulate: scenario {args.scenario}, seed {args.seed}, {args.hours:g} h, "
          f"{args.rate:g} organic sign-ups/min ...", file=sys.stderr)
    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")
    n = 0
    waves: dict = {}
    try:
        for ev in generate(args.seed, args.hours, args.rate, args.scenario, args.start, stats):
            out.write(orjson.dumps(ev) + b"\n")
            n += 1
            if ev["type"] == "signup":
                key = ev["truth"]["wave"] or ev["truth"].get("cohort")
                if key:
                    waves[key] = waves.get(key, 0) + 1
            if n % 20000 == 0:
                print(f"  {n:,} / {stats['events']:,} events written", file=sys.stderr)
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    spam = stats.get("spam", 0)
    acc = stats.get("accounts", 0) or 1
    print(f"simulate: {n:,} events, {stats.get('accounts', 0):,} accounts, {spam:,} spam "
          f"({100 * spam / acc:.1f}%) in {_time.monotonic() - t0:.1f}s -> {args.out}", file=sys.stderr)
    for k in sorted(waves):
        print(f"  {k:<24} {waves[k]:>6} accounts", file=sys.stderr)
    return 0
