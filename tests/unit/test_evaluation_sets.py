"""bench/evaluation_sets.py: the seed sets and the comparison of two runs (pure, no evaluation)."""
import importlib.util
import json
from pathlib import Path

_spec = importlib.util.spec_from_file_location("evaluation_sets", Path(__file__).parents[2] / "bench" / "evaluation_sets.py")
es = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(es)


def _report(d: Path, name: str, tp: int, fp: int, spam: int = 100, benign: int = 4000) -> None:
    d.mkdir(parents=True, exist_ok=True)
    rep = {"systems": {"breakwater": {"true_positives": tp, "false_positives": fp,
                                      "precision": tp / max(tp + fp, 1)}},
           "accounts": {"spam": spam, "benign": benign}}
    (d / f"{name}.rep").write_text(json.dumps(rep))


def test_the_sets_are_the_readme_seeds_each_once():
    seeds = [n for _, s in es.SETS for n in s]
    assert len(seeds) == len(set(seeds)) == 201
    assert seeds[:9] == [1, 2, 3, 41, 42, 43, 44, 45, 46] and seeds[-1] == 366
    names = [f.name for f in es._files(Path("/x"))]
    assert names[:6] == [f"s-{s}.jsonl" for s in es.SCENARIOS] and len(names) == 207


def test_compare_pools_a_set_and_lists_the_files_that_moved(tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    for n in range(31, 37):
        _report(a, f"m{n}", 90, 1)
        _report(b, f"m{n}", 95 if n == 33 else 90, 3 if n == 34 else 1)
    assert es.main(["compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("31–36"))
    assert row.split()[1:5] == ["0.900", "0.908", "6", "8"]
    assert "farm 540 -> 545 (+5; recall 0.9000 -> 0.9083), benign 6 -> 8" in out
    moved = [line.split()[0] for line in out.splitlines() if line.startswith("  m")]
    assert moved == ["m34", "m33"]  # benign changes first
    assert "over the 0.05 % FPR target (B): m34;" in out


def test_run_without_files_says_what_to_do(tmp_path, capsys):
    assert es.main(["run", "--dir", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert "run `write` first" in capsys.readouterr().err


def _signup(account: str, ts: str, wave) -> str:
    return json.dumps({"type": "signup", "account_id": account, "ts": ts, "username": f"u{account}",
                       "truth": {"label": "spam" if wave else "benign", "wave": wave}})


def _decision(account: str, action: str, ts: str) -> str:
    return json.dumps({"account_id": account, "action": action, "ts": ts})


def test_misses_sorts_the_missed_farm_accounts_by_kind(tmp_path, capsys):
    ev, dec = tmp_path / "m1.jsonl", tmp_path / "m1.dec"
    ev.write_text("\n".join([
        _signup("1", "2019-08-19T00:00:00Z", "u1"),  # before u1's first suspension: missed
        _signup("2", "2019-08-19T00:01:00Z", "u1"),  # suspended
        _signup("3", "2019-08-19T00:02:00Z", "u1"),  # after it, no decision
        _signup("4", "2019-08-19T00:03:00Z", "u1"),  # after it, challenged only
        _signup("5", "2019-08-19T00:04:00Z", "u1"),  # suspended, then released: missed (after)
        _signup("6", "2019-08-19T00:00:30Z", "u2"),  # a wave never suspended
        _signup("7", "2019-08-19T00:00:40Z", None),  # a person: not counted
        "not json",
    ]) + "\n")
    dec.write_text("\n".join([
        _decision("2", "suspend", "2019-08-19T00:01:05Z"),
        _decision("4", "challenge", "2019-08-19T00:03:05Z"),
        _decision("5", "suspend", "2019-08-19T00:04:05Z"),
        _decision("5", "release", "2019-08-19T01:00:00Z"),
        _decision("7", "suspend", "2019-08-19T00:00:45Z"),
    ]) + "\n")
    got = es.misses_of(ev, dec)
    assert {k: got[k] for k in ("spam", *es.MISS_KINDS)} == \
        {"spam": 6, "before": 1, "after": 2, "challenged": 1, "never": 1}
    assert got["waves"]["u2"] == {"spam": 1, "before": 0, "after": 0, "challenged": 0, "never": 1}
    run = tmp_path / "run"
    run.mkdir()
    dec.rename(run / "m1.dec")
    assert es.main(["misses", "--dir", str(tmp_path), str(run)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 files: 6 farm accounts, 5 missed: 1 before, 2 after, 1 challenged, 1 never")
    assert "u1 before 1 after 2 challenged 1 of 5" in out
