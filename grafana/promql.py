"""Every PromQL expression Breakwater ships, and small tools to check them.

Used by ``tests/unit/test_observability.py`` (static checks against
``streams.metrics``) and ``tests/integration/test_prometheus.py`` (each expression run
against a real Prometheus scraping a real worker). No dependencies beyond PyYAML.

* :func:`expressions` — (where, expr) for every dashboard target, dashboard annotation,
  template query, recording rule and alert rule.
* :func:`substitute` — Grafana variables replaced by values Prometheus accepts.
* :func:`probe` — the expression with every filtering comparison turned into a ``bool``
  one, so that it returns a series whenever its inputs exist (an alert expression
  returns nothing while all is well; its probe must still return data).
* :func:`selectors` / :func:`grouping_labels` — metric names with their label matchers,
  and the labels of ``by``/``on``/``without``/``ignoring`` clauses.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DASHBOARDS = ROOT / "grafana" / "dashboards"
RULES = ROOT / "deploy" / "prometheus" / "rules"

#: Values for Grafana's variables when an expression is run outside Grafana.
GRAFANA_VARS = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "5m",
                "${instance:regex}": ".*", "$instance": ".*", "${datasource}": "", "$datasource": ""}

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
            "bool", "offset", "inf", "nan", "atan2", "start", "end"}


def dashboard_files() -> list[Path]:
    return sorted(DASHBOARDS.glob("*.json"))


def rule_files() -> list[Path]:
    return sorted(RULES.glob("*.yml"))


def _panels(panels):
    for p in panels:
        yield p
        yield from _panels(p.get("panels", []))


def expressions() -> list[tuple[str, str]]:
    """(where, expr) of every PromQL expression in the dashboards and rule files."""
    out = []
    for f in dashboard_files():
        d = json.loads(f.read_text())
        for p in _panels(d.get("panels", [])):
            for t in p.get("targets", []):
                out.append((f"{f.name}: panel {p['title']!r} {t.get('refId', '')}", t["expr"]))
        for a in d.get("annotations", {}).get("list", []):
            if a.get("expr"):
                out.append((f"{f.name}: annotation {a['name']!r}", a["expr"]))
        for v in d.get("templating", {}).get("list", []):
            query = v.get("query")
            text = query.get("query") if isinstance(query, dict) else query
            m = re.fullmatch(r"label_values\((.+),\s*\w+\)", text or "")
            if v.get("type") == "query" and m:
                out.append((f"{f.name}: variable {v['name']!r}", m.group(1)))
    for f in rule_files():
        for g in yaml.safe_load(f.read_text())["groups"]:
            for r in g["rules"]:
                name = r.get("alert") or r.get("record")
                out.append((f"{f.name}: {g['name']}/{name}", r["expr"]))
    return out


def recording_rules() -> set[str]:
    return {r["record"] for f in rule_files() for g in yaml.safe_load(f.read_text())["groups"]
            for r in g["rules"] if "record" in r}


def substitute(expr: str) -> str:
    for k in sorted(GRAFANA_VARS, key=len, reverse=True):
        expr = expr.replace(k, GRAFANA_VARS[k])
    if "$" in expr:
        raise ValueError(f"unknown Grafana variable in {expr!r}")
    return expr


def _scan(expr: str):
    """Yield (index, char, inside) where inside is True within strings or {...}/[...]."""
    depth = 0
    quote = None
    i = 0
    while i < len(expr):
        c = expr[i]
        if quote:
            if c == "\\":
                yield i, c, True
                i += 1
                yield i, expr[i], True
            elif c == quote:
                quote = None
                yield i, c, True
            else:
                yield i, c, True
        elif c in "\"'`":
            quote = c
            yield i, c, True
        elif c in "{[":
            depth += 1
            yield i, c, True
        elif c in "}]":
            depth -= 1
            yield i, c, True
        else:
            yield i, c, depth > 0
        i += 1


def strip_comments(expr: str) -> str:
    out, inside_str = [], False
    for line in expr.splitlines():
        keep = []
        for i, c, inside in _scan(line):
            if c == "#" and not inside:
                break
            keep.append(c)
        out.append("".join(keep))
    return "\n".join(out)


_CMP = re.compile(r"(==|!=|>=|<=|>|<)")


def probe(expr: str) -> str:
    """``expr`` with every comparison outside label matchers made a ``bool`` comparison."""
    expr = strip_comments(expr)
    outside = "".join(" " if inside else c for _, c, inside in _scan(expr))
    out, last = [], 0
    for m in _CMP.finditer(outside):
        if outside[m.end():].lstrip().startswith("bool"):
            continue
        out.append(expr[last:m.end()] + " bool")
        last = m.end()
    out.append(expr[last:])
    return "".join(out)


_SELECTOR = re.compile(r"([A-Za-z_:][A-Za-z0-9_:]*)\s*(\{[^}]*\})?")
_MATCHER = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?')
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")


def selectors(expr: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Metric names used in ``expr`` with their matchers [(label, op, value)]."""
    expr = strip_comments(expr)
    masked = _GROUPING.sub(lambda m: " " * len(m.group(0)), expr)
    outside = "".join(" " if inside and c not in "{}" else c for _, c, inside in _scan(masked))
    found = []
    for m in _SELECTOR.finditer(outside):
        name = m.group(1)
        after = outside[m.end():].lstrip()
        if name.lower() in KEYWORDS or after.startswith("("):
            continue
        if m.start() > 0 and (outside[m.start() - 1].isdigit() or outside[m.start() - 1] in "$."):
            continue  # a duration like 5m or a number like 1e3
        body = expr[m.start(2) + 1:m.end(2) - 1] if m.group(2) else ""
        matchers = [(a, op, v) for a, op, v in _MATCHER.findall(body)]
        found.append((name, matchers))
    return found


def grouping_labels(expr: str) -> set[str]:
    labels = set()
    for m in _GROUPING.finditer(strip_comments(expr)):
        labels.update(x.strip() for x in m.group(2).split(",") if x.strip())
    return labels
