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
