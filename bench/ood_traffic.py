#!/usr/bin/env python3
"""Out-of-distribution traffic: what the simulator never writes, to check generalisation.

Writes a contract file (with ``truth``) of 30,000 organic signups at 5 per second (10x the
simulator's organic rate) in nine scripts (CJK, Cyrillic, Arabic, Hangul, Kana, Devanagari,
Thai, Latin), sparse optional fields, carrier-NAT-like address pools, IPv6, plus three waves
in styles no simulator scenario uses:

- ``cjk``: two CJK characters + 4 digits, a Chinese bio template with varying words, one
  mail domain, a fresh IPv4 address from anywhere per account, one user agent;
- ``cyr``: ``ivan`` + 8 digits, Cyrillic display names, 3 devices, one /24;
- ``arab``: Arabic usernames of random letters and an Arabic bio template, no e-mail, IP,
  device or user agent at all; each account follows the same 3 targets in its first minutes.

Nothing in ``detectors/`` was tuned on it. Use::

    python bench/ood_traffic.py --out /tmp/ood.jsonl
    breakwater evaluate /tmp/ood.jsonl --decisions /tmp/ood-dec.jsonl --report /tmp/ood.json
"""
from __future__ import annotations

import argparse
import json
import random

SCRIPTS = [(0x4E00, 0x9FA5), (0x0400, 0x044F), (0x0600, 0x064A), (0x3040, 0x309F), (0xAC00, 0xD7A3),
           (0x0900, 0x097F), (0x0041, 0x005A), (0x0061, 0x007A), (0x0E01, 0x0E3A)]
UAS = ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)", "Mozilla/5.0 (Linux; Android 14)",
       "okhttp/4.9.3", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"]
DOMAINS = ["gmail.com", "qq.com", "163.com", "yandex.ru", "naver.com", "outlook.com"]


def chars(rng: random.Random, lo: int, hi: int, n: int) -> str:
    return "".join(chr(rng.randint(lo, hi)) for _ in range(n))


def organic(rng: random.Random, n: int, t: float, rate: float) -> list[dict]:
    def word(k):
        return chars(rng, *rng.choice(SCRIPTS), k)

    out = []
    for i in range(n):
        t += rng.expovariate(rate)
        ev = {"type": "signup", "account_id": f"u{i}", "ts": round(t, 3),
              "username": word(rng.randint(3, 12)) + (str(rng.randint(0, 9999)) if rng.random() < .4 else "")}
        if rng.random() < .7:
            ev["display_name"] = word(rng.randint(2, 8)) + " " + word(rng.randint(2, 8))
        if rng.random() < .3:
            ev["bio"] = " ".join(word(rng.randint(2, 7)) for _ in range(rng.randint(3, 12)))
        if rng.random() < .6:
            ev["email"] = f"{rng.choice('abx')}{rng.randint(0, 10**6)}@{rng.choice(DOMAINS)}"
        if rng.random() < .6:
            if rng.random() < .2:
                ev["ip"] = "2001:db8:%x:%x::%x" % (rng.randint(0, 65535), rng.randint(0, 65535), rng.randint(1, 65535))
            else:
                ev["ip"] = rng.choice(["100.64", "10.1", "36.112", "117.136", "5.18"]) + \
                    f".{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        for field, p, values in (("user_agent", .5, UAS), ("country", .4, ["CN", "RU", "KR", "JP", "IN", "TH", "EG", "US"]),
                                 ("lang", .4, ["zh", "ru", "ko", "ja", "hi", "th", "ar", "en"]),
                                 ("signup_flow", .3, ["web", "ios", "android"])):
            if rng.random() < p:
                ev[field] = rng.choice(values)
        ev["truth"] = {"label": "benign", "wave": None}
        out.append(ev)
        if rng.random() < .5:
            for _ in range(rng.randint(1, 4)):
                out.append({"type": "activity", "account_id": ev["account_id"], "ts": round(t + rng.uniform(1, 600), 3),
                            "action": rng.choice(["post", "follow", "like"]), "target": f"t{rng.randint(0, 50000)}",
                            "truth": ev["truth"]})
    return out


def waves(rng: random.Random, t0: float) -> list[dict]:
    def cjk(n):
        return chars(rng, 0x4E00, 0x9FA5, n)

    def arab(n):
        return chars(rng, 0x0627, 0x064A, n)

    styles = {
        "cjk": (3000, 120, 8, lambda: dict(
            username=cjk(2) + str(rng.randint(1000, 9999)), display_name=cjk(3),
            bio="关注我 获取 " + cjk(2) + " 每日 更新 " + cjk(2) + " 免费 领取",
            email=f"zx{rng.randint(10**7, 10**8)}@qq.com",
            ip=f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            user_agent="Mozilla/5.0 (Linux; Android 9; SM-G960F)", country="HK", lang="zh"), False),
        "cyr": (9000, 80, 15, lambda: dict(
            username="ivan" + str(rng.randint(10**7, 10**8)),
            display_name=chars(rng, 0x0430, 0x044F, 5).title() + " " + chars(rng, 0x0430, 0x044F, 7).title(),
            device_id=f"dev-{rng.randint(1, 3)}", ip=f"91.203.44.{rng.randint(1, 254)}", lang="ru"), False),
        "arab": (15000, 100, 10, lambda: dict(
            username=arab(rng.randint(5, 9)),
            bio="تابعني " + arab(4) + " لمزيد من " + arab(5) + " يوميا " + arab(3)), True),
    }
    out = []
    for name, (start, n, gap, make, lockstep) in styles.items():
        t = t0 + start
        for i in range(n):
            t += rng.expovariate(1 / gap)
            truth = {"label": "spam", "wave": name}
            out.append(dict(type="signup", account_id=f"{name}-{i}", ts=round(t, 3), **make(), truth=truth))
            if lockstep:
                out += [dict(type="activity", account_id=f"{name}-{i}", ts=round(t + rng.uniform(30, 90) + k * 60, 3),
                             action="follow", target=f"victim{k}", truth=truth) for k in range(3)]
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                epilog="then: breakwater evaluate FILE --decisions D --report R")
    p.add_argument("--out", required=True, help="JSON Lines file to write")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = p.parse_args(argv)
    rng = random.Random(args.seed)
    t0 = 1_700_000_000.0
    events = organic(rng, 30_000, t0, 5.0) + waves(rng, t0)
    events.sort(key=lambda e: e["ts"])
    with open(args.out, "w", encoding="utf-8") as fh:
        for e in events:
            fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    print(f"{len(events):,} events ({sum(e['truth']['label'] == 'spam' and e['type'] == 'signup' for e in events)} "
          f"spam accounts in 3 waves) -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
