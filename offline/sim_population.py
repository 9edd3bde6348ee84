"""The simulated population: networks, clients, people (names, handles, bios, mail).

:class:`World` holds what all accounts of a run share (carrier NAT pools, broadband
/16s, hosting ranges, popular accounts and posts, organisations' mail domains);
:class:`People` draws organic identities. Both draw from ``self.r``; a campaign lends
its own stream with :func:`drawing_from`.
"""
from __future__ import annotations

import math
import random
import re
from bisect import bisect
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from typing import Optional

from offline import names as N
from offline import sim_world as W
from streams.contract import format_time

TWITTER_EPOCH_MS = 1288834974657

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


def rand_hex(r: random.Random, n: int) -> str:
    return f"{r.getrandbits(4 * n):0{n}x}"


def rand_uuid(r: random.Random, upper: bool = False) -> str:
    h = rand_hex(r, 32)
    s = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[r.randrange(4)]}{h[17:20]}-{h[20:]}"
    return s.upper() if upper else s


def lognormal_s(r: random.Random, median_s: float, sigma: float) -> float:
    return median_s * math.exp(r.gauss(0.0, sigma))


@contextmanager
def drawing_from(obj, r: random.Random):
    """Let ``obj`` (World, People) draw from stream ``r`` for a while (campaign-owned draws)."""
    saved, obj.r = obj.r, r
    try:
        yield obj
    finally:
        obj.r = saved


LABEL_WORDS = re.compile(r"spam|bot|wave|fake|scam|troll", re.I)
LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"})

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
            return rand_uuid(r, upper=True)
        if flow == "android":
            return rand_hex(r, 16)
        return rand_hex(r, 32)


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
        handle = LABEL_WORDS.sub(lambda m: m.group(0)[0] + "_" + m.group(0)[1:], handle[:20] or "user")[:20]
        key = handle.lower()
        while key in self.taken:
            handle = handle[:16] + str(r.randint(1, 9999 if r.random() < 0.5 else 99))
            key = handle.lower()
        self.taken.add(key)
        return handle

    def handle(self, first: str, last: str, year: int) -> str:
        r = self.r
        f, l_ = first.lower(), last.lower()
        if r.random() < 0.07:  # kept the platform's suggestion: name + 8 digits, as typed
            base = first + (last[0] if r.random() < 0.5 else "")
            return base[:7] + "".join(str(r.randrange(10)) for _ in range(8))
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
        if x < 0.63:  # creators and small businesses: promotional, with a link, yet organic
            return r.choice(W.BIO_PROMO).format(
                interest=r.choice(N.INTERESTS), place=r.choice(W.BIO_PLACES), emoji=r.choice(W.EMOJI),
                handle=first.lower() + r.choice(("", "_", ".", "official", str(r.randint(1, 99)))),
                shop=r.choice(N.NOUNS) + r.choice(("shop", "studio", "co", "designs", "crafts")))
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
        return "default" if self.r.random() < 0.52 else rand_hex(self.r, 32)

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
