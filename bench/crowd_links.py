#!/usr/bin/env python3
"""Crowds that post links: a stress variant of a simulated file, for what the simulator
never writes (its organic posts carry no links; only farms' posts do).

Copies a contract file (with ``truth``) and appends to the text of every post, reply or
DM of an organic account:

- a member of a crowd (``truth.cohort`` of a flash crowd, an app-store feature or a
  campus): the crowd's one page, ``https://<cohort>.news-example.com/live`` (a TV show's
  live page, a university's welcome page shared by everybody in it);
- any other organic account, 5 % of its posts: a link to a big site (a video, a post, a
  news article) with a random id.

Spam accounts' events are copied unchanged. Deterministic for ``--seed``. Use::

    python bench/crowd_links.py default.jsonl --out default-links.jsonl
    breakwater evaluate default-links.jsonl --decisions d.jsonl --report r.json
"""
from __future__ import annotations

import argparse
import json
import random
import sys

BIG_SITES = ("https://www.youtube.com/watch?v=", "https://twitter.com/i/status/", "https://www.bbc.co.uk/news/")
CROWDS = ("flash", "appstore", "campus")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("events", help="a contract JSONL file with truth (breakwater simulate)")
    ap.add_argument("--out", required=True, help="where to write the variant")
    ap.add_argument("--seed", type=int, default=5, help="seed of the 5 %% draw (default 5)")
    a = ap.parse_args(argv)
    r = random.Random(a.seed)
    who: dict = {}
    changed = lines = 0
    with open(a.events, encoding="utf-8") as src, open(a.out, "w", encoding="utf-8") as out:
        for line in src:
            lines += 1
            try:
                e = json.loads(line)
            except ValueError:
                out.write(line)  # copied as it is: evaluate reports it with its line number
                continue
            if e.get("type") == "signup":
                t = e.get("truth") or {}
                who[e.get("account_id")] = (t.get("label"), t.get("cohort") or "")
            elif e.get("type") == "activity" and e.get("text"):
                label, cohort = who.get(e.get("account_id"), (None, ""))
                if label == "benign":
                    if any(c in cohort for c in CROWDS):
                        e["text"] += f" https://{cohort}.news-example.com/live"
                        changed += 1
                    elif r.random() < 0.05:
                        e["text"] += " " + r.choice(BIG_SITES) + str(r.randrange(10 ** 9))
                        changed += 1
            out.write(json.dumps(e, ensure_ascii=False) + "\n")
    print(f"crowd_links: {lines} lines, {changed} organic posts given a link -> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
