"""``breakwater config``: read and change live settings through a worker's admin API.

    breakwater config get
    breakwater config set suspend_threshold=0.95 min_wave_size=6 --reason "INC-42: fake shops"
    breakwater config history
    breakwater config shadow suspend_threshold=0.85 --reason "try catching slower waves"
    breakwater config diff --window 3600
    breakwater config promote --reason "diff looks good"
    breakwater config discard
    breakwater config confirm-surge --reason "real attack, checked 20 accounts"

The token comes from ``BREAKWATER_ADMIN_TOKEN`` or the file named by
``BREAKWATER_ADMIN_TOKEN_FILE``; ``--url`` defaults to the worker on
``127.0.0.1:$BREAKWATER_WEB_PORT`` (6066). Exit codes: 0 done, 1 refused or failed
(the server's reason is printed), 2 usage error.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Optional

TIMEOUT = 20.0


def _default_user() -> str:
    user = os.environ.get("USER") or os.environ.get("USERNAME")
    if not user:
        try:
            import getpass
            user = getpass.getuser()
        except (KeyError, OSError):
            user = ""
    return user


def _default_url() -> str:
    port = os.environ.get("BREAKWATER_ADMIN_PORT") or ""
    if not port.strip() or port.strip() == "0":
        port = os.environ.get("BREAKWATER_WEB_PORT", "6066")
    return f"http://127.0.0.1:{port.strip()}"


def _token() -> Optional[str]:
    tok = os.environ.get("BREAKWATER_ADMIN_TOKEN")
    if tok is None and os.environ.get("BREAKWATER_ADMIN_TOKEN_FILE"):
        tok = Path(os.environ["BREAKWATER_ADMIN_TOKEN_FILE"]).read_text().strip()
    return tok or None


def _assignment(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value.strip()


def register(sub) -> None:
    p = sub.add_parser(
        "config", help="read and change live settings (thresholds, shadow, circuit breaker)",
        description="Read and change the live-tunable settings of a running Breakwater through a "
                    "worker's admin API. Changes go to the control topic and reach every worker "
                    "within seconds; each is versioned, attributed and kept in the history.",
        epilog="Token: BREAKWATER_ADMIN_TOKEN or BREAKWATER_ADMIN_TOKEN_FILE. Try a change in "
               "shadow first: 'config shadow', 'config diff', then 'config promote'.")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", default=_default_url(),
                        help="a worker's admin API (default %(default)s, from BREAKWATER_ADMIN_PORT "
                             "or BREAKWATER_WEB_PORT)")
    common.add_argument("--user", default=_default_user(),
                        help="who makes the change, for the history (default $USER: %(default)s)")
    common.add_argument("--json", action="store_true", help="print the server's JSON answer")
    acts = p.add_subparsers(dest="action", metavar="ACTION")

    def add(name, help_, desc, func, values=False, reason=None):
        a = acts.add_parser(name, help=help_, description=desc, parents=[common])
        if values:
            a.add_argument("values", nargs="+", type=_assignment, metavar="NAME=VALUE",
                           help="settings to change (see 'breakwater config get' for names and ranges)")
        if reason == "required":
            a.add_argument("--reason", required=True, help="why (incident, ticket): kept in the history")
        elif reason == "optional":
            a.add_argument("--reason", help="why: kept in the history")
        a.set_defaults(func=func)
        return a

    add("get", "show live settings, shadow candidates, versions and the breaker",
        "Show the live settings with their ranges, the shadow candidates, the config version "
        "and the circuit breaker of one worker (no token needed).", cmd_get)
    add("set", "change live settings now",
        "Change one or more live settings at once (one version). Values are checked against "
        "the allow-list; an invalid one changes nothing.", cmd_set, values=True, reason="required")
    add("history", "who changed what, when and why",
        "The accepted changes, oldest first: version, time, who, old -> new, reason.",
        cmd_history).add_argument("--limit", type=int, default=50,
                                  help="how many recent changes (default 50)")
    add("shadow", "try settings in shadow beside the live ones",
        "Set shadow candidates (merged into the current ones). Their decisions go to actions "
        "with mode 'shadow' and are never enforced; compare with 'config diff'.",
        cmd_shadow, values=True, reason="optional")
    add("promote", "make the shadow candidates live",
        "Make every shadow candidate live (one version) and clear the shadow.",
        cmd_promote, reason="optional")
    add("discard", "drop the shadow candidates",
        "Remove every shadow candidate; live settings stay as they are.", cmd_discard,
        reason="optional")
    add("diff", "what the shadow candidates would have done differently",
        "The counterfactual over a recent window: more or fewer suspensions and challenges, "
        "overlap with live, label-based precision of each.", cmd_diff
        ).add_argument("--window", type=float, default=3600.0,
                       help="seconds of recent decisions to compare (default 3600)")
    add("confirm-surge", "let a surge of suspensions through the circuit breaker",
        "While live settings are looser than the shipped defaults (the breaker's default scope), "
        "the circuit breaker degrades suspensions to challenges when their rate jumps far above "
        "its baseline. Confirm that the current surge is a real attack: its suspensions go "
        "through until the rate is back to normal, then the breaker re-arms.",
        cmd_confirm, reason="optional")


# --------------------------------------------------------------------------- HTTP

class Refused(Exception):
    pass


def call(args, method: str, path: str, body: Optional[dict] = None, auth: bool = True,
         query: Optional[dict] = None) -> dict:
    url = args.url.rstrip("/") + path + ("?" + urllib.parse.urlencode(query) if query else "")
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if auth:
        tok = _token()
        if not tok:
            raise Refused("no admin token: set BREAKWATER_ADMIN_TOKEN or BREAKWATER_ADMIN_TOKEN_FILE")
        headers["Authorization"] = f"Bearer {tok}"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as r:
            return json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            reason = json.loads(exc.read() or b"{}").get("error") or exc.reason
        except ValueError:
            reason = exc.reason
        raise Refused(f"{exc.code} {reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise Refused(f"cannot reach {args.url}: {getattr(exc, 'reason', exc)}") from None


def _run(args, fn) -> int:
    try:
        out = fn()
    except Refused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(out, indent=2, sort_keys=True))
    return 0


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _table(rows: list[list], header: list[str]) -> str:
    rows = [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def _print_change(args, res: dict) -> None:
    if args.json:
        return
    if res.get("unchanged"):
        print(f"nothing to change (version {res.get('version')})")
        return
    print(f"version {res['version']} (live version {res.get('live_version')})")
    print(_table([[c["mode"], c["name"], c["old"], c["value"]] for c in res.get("changed", [])],
                 ["mode", "name", "old", "new"]))


def _body(args, values=None) -> dict:
    if not args.user:
        raise Refused("--user is required (who makes the change)")
    b: dict = {"changed_by": args.user}
    if getattr(args, "reason", None):
        b["reason"] = args.reason
    if values is not None:
        b["values"] = dict(values)
    return b


# --------------------------------------------------------------------------- actions

def cmd_get(args) -> int:
    def go():
        c = call(args, "GET", "/v1/config", auth=False)
        if args.json:
            return c
        shadow = c.get("shadow") or {}
        print(f"version {c['version']}  live version {c['live_version']}  "
              f"shadow version {c['shadow_version'] or '-'}{'' if c.get('ready', True) else '  (loading)'}")
        rows = []
        for name, s in sorted(c["settings"].items()):
            rng = "" if s["min"] is None else f"{_fmt(s['min'])}..{_fmt(s['max'])}"
            rows.append([name, c["live"].get(name), shadow.get(name, ""), s["default"], rng,
                         s["description"][:70]])
        print(_table(rows, ["setting", "live", "shadow", "default", "range", "description"]))
        if c.get("shadow_error"):
            print(f"shadow candidates not in use: {c['shadow_error']}")
        b = c.get("breaker")
        if b:
            guarding = b.get("guarding", True)
            state = ("OPEN (suspensions degraded to challenges)" if b.get("open", b.get("tripped")) else
                     "surge confirmed" if b.get("confirmed") else
                     "armed" if guarding else "watching (settings at or stricter than the defaults)")
            print(f"circuit breaker: {state}; {b.get('rate')} suspensions in the last "
                  f"{_fmt(b.get('window_seconds'))}s, baseline {_fmt(b.get('baseline'))}, "
                  f"trips at {_fmt(b.get('threshold'))}")
            if b.get("loosened"):
                print(f"  guarding live settings looser than the defaults: {', '.join(b['loosened'])}")
        return c
    return _run(args, go)


def _change(args, method, path, values=None) -> int:
    def go():
        res = call(args, method, path, _body(args, values))
        _print_change(args, res)
        return res
    return _run(args, go)


def cmd_set(args) -> int:
    return _change(args, "PUT", "/v1/config", args.values)


def cmd_shadow(args) -> int:
    return _change(args, "PUT", "/v1/config/shadow", args.values)


def cmd_promote(args) -> int:
    return _change(args, "POST", "/v1/config/promote")


def cmd_discard(args) -> int:
    return _change(args, "POST", "/v1/config/discard")


def cmd_confirm(args) -> int:
    return _change(args, "POST", "/v1/config/confirm-surge")


def cmd_history(args) -> int:
    def go():
        h = call(args, "GET", "/v1/config/history", query={"limit": args.limit})
        if not args.json:
            rows = [[e["version"], e["changed_at"], e["changed_by"], e["action"], e["mode"], e["name"],
                     f"{_fmt(e['old'])} -> {_fmt(e['new'])}", e.get("reason") or ""]
                    for e in h["history"]]
            print(_table(rows, ["version", "changed_at", "by", "action", "mode", "name",
                                "old -> new", "reason"]) if rows else "no changes yet")
        return h
    return _run(args, go)


def cmd_diff(args) -> int:
    def go():
        d = call(args, "GET", "/v1/config/diff", auth=False, query={"window": args.window})
        if not args.json:
            print(f"shadow candidates: {d.get('shadow') or 'none'}  (window {_fmt(d['window_seconds'])}s)")
            rep = d.get("report") or {}
            flat = [[k, v] for k, v in rep.items() if not isinstance(v, (dict, list))]
            nested = [(k, v) for k, v in rep.items() if isinstance(v, dict)]
            if nested and all(isinstance(v, dict) for _, v in nested):
                keys = sorted({kk for _, v in nested for kk in v})
                print(_table([[k] + [v.get(kk) for kk in keys] for k, v in nested], [""] + keys))
            if flat:
                print(_table(flat, ["", "value"]))
        return d
    return _run(args, go)
