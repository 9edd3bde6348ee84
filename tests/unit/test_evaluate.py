"""``breakwater evaluate`` end to end on a small seeded simulation, and its file handling."""
from __future__ import annotations

import json
import os

import orjson
import pytest

from streams.cli import main

from offline.evaluate import evaluate
from offline.simulate import generate


def head(src: str, dst, lines: int = 3000, strip_truth: bool = False) -> None:
    with open(src, "rb") as fi, open(dst, "wb") as fo:
        for n, line in enumerate(fi):
            if n > lines:
                break
            if strip_truth:
                obj = orjson.loads(line)
                obj.pop("truth", None)
                line = orjson.dumps(obj) + b"\n"
            fo.write(line)


@pytest.fixture(scope="module")
def sim_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("sim") / "default.jsonl"
    with open(path, "wb") as fh:
        for ev in generate(seed=3, hours=3, rate=10, scenario="default"):
            fh.write(orjson.dumps(ev) + b"\n")
    return str(path)


@pytest.fixture(scope="module")
def report(sim_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return evaluate(sim_file, str(out / "decisions.jsonl")), out / "decisions.jsonl"


def test_catches_its_waves(report):
    r, _ = report
    m = r["systems"]["breakwater"]
    assert m["precision"] >= 0.98
    assert m["false_positive_rate"] <= 0.001
    assert m["waves_caught"] >= m["waves_total"] - 1
    caught = [w for w, v in m["per_wave"].items() if v["recall"] >= 0.75]
    assert len(caught) >= m["waves_total"] - 2, m["per_wave"]
    assert m["accounts_before_first_suspension_median_caught_only"] <= 10


def test_spares_hard_negatives(report):
    r, _ = report
    hn = r["systems"]["breakwater"]["hard_negatives"]
    assert hn, "the simulation names its look-alike groups"
    for name, g in hn.items():
        assert g["suspended"] <= max(1, g["size"] // 200), (name, g)


def test_reports_both_baselines(report):
    r, _ = report
    assert set(r["systems"]) == {"breakwater", "velocity_24", "halfspacetrees"}
    for m in r["systems"].values():
        for k in ("precision", "recall", "false_positive_rate", "accounts_before_first_suspension_median",
                  "spam_activity_before_suspension_share", "challenges", "per_wave"):
            assert k in m
    assert r["curves"]["breakwater"] and r["curves"]["halfspacetrees"]


def test_decisions_file_is_the_actions_contract(report):
    _, path = report
    rows = [json.loads(line) for line in open(path)]
    assert rows
    for row in rows:
        assert set(row) == {"account_id", "action", "ts", "decided_at", "wave_id", "score", "reasons",
                            "config_version", "mode"}
        assert row["mode"] == "live" and row["ts"] == row["decided_at"] and row["ts"].endswith("Z")


def test_truth_never_reaches_the_engine(sim_file, tmp_path):
    """Same decisions whether or not the file carries truth."""
    stripped, full = tmp_path / "stripped.jsonl", tmp_path / "head.jsonl"
    head(sim_file, stripped, strip_truth=True)
    head(sim_file, full)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    evaluate(str(full), str(a), baselines=False)
    evaluate(str(stripped), str(b), baselines=False)
    assert a.read_bytes() == b.read_bytes()


def test_invalid_lines_are_counted_with_line_numbers(tmp_path):
    path = tmp_path / "mixed.jsonl"
    good = {"type": "signup", "account_id": "a1", "ts": "2019-08-19T10:00:00Z", "username": "alice"}
    lines = [orjson.dumps(good), b"{not json", orjson.dumps(dict(good, account_id=7)), b"\xff\xfe bad bytes",
             orjson.dumps({"type": "teleport", "ts": 1}), b"", orjson.dumps(dict(good, account_id="a2", ts=1566208860))]
    path.write_bytes(b"\n".join(lines) + b"\n")
    r = evaluate(str(path), str(tmp_path / "d.jsonl"))
    assert r["invalid"]["count"] == 5
    assert [x["line"] for x in r["invalid"]["lines"]] == [2, 3, 4, 5, 6]
    assert r["events"]["total"] == 2


def test_cli_writes_report_decisions_and_plots(sim_file, tmp_path, capsys):
    small = tmp_path / "small.jsonl"
    head(sim_file, small)
    rc = main(["evaluate", str(small), "--decisions", str(tmp_path / "d.jsonl"), "--report",
               str(tmp_path / "r.json"), "--plot", str(tmp_path / "png"), "--quiet",
               "--set", "suspend_threshold=0.95"])
    assert rc == 0
    rep = json.loads((tmp_path / "r.json").read_text())
    assert rep["config"]["suspend_threshold"] == 0.95
    assert sorted(os.listdir(tmp_path / "png")) == ["detection_delay.png", "precision_recall_threshold.png"]
    assert "breakwater" in capsys.readouterr().out


def test_cli_rejects_bad_settings(tmp_path, capsys):
    rc = main(["evaluate", "x.jsonl", "--decisions", str(tmp_path / "d"), "--report", str(tmp_path / "r"),
               "--set", "suspend_threshold=7"])
    assert rc == 2 and "above the maximum" in capsys.readouterr().err
