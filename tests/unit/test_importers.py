"""Importers of the real labelled datasets in shared/data -> contract sign-up events."""
from __future__ import annotations

import argparse
import collections
import csv
import os

import orjson
import pytest

from offline import importers
from streams.contract import decode, parse_event, truth_of

DATA = os.environ.get("BREAKWATER_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data"))
DATA = os.path.abspath(DATA)
needs_data = pytest.mark.skipif(not os.path.isdir(DATA), reason=f"datasets not found at {DATA}")


def _check(events):
    """Every event validates against the contract and creation times never go back."""
    prev = -1.0
    for ev in events:
        line = orjson.dumps(ev)
        obj = decode(line)
        parsed = parse_event(obj)
        assert parsed.type == "signup"
        assert parsed.ts >= prev
        prev = parsed.ts
        assert truth_of(obj) == ev["truth"]
    return collections.Counter((e["truth"]["label"], e["truth"]["wave"]) for e in events)


@needs_data
def test_cresci_2017_spambots_file():
    evs, rep = importers.import_events("cresci", os.path.join(DATA, "cresci-2017", "social_spambots_3", "users.csv"))
    assert _check(evs) == {("spam", "social_spambots_3"): 464}
    assert rep.rows == 464 and not rep.skipped
    e = evs[0]
    assert e["account_id"].isdigit() and e["username"] and e["ts"].endswith("Z")
    assert all(e["avatar"] == "default" or len(e["avatar"]) == 32 for e in evs)


@needs_data
def test_cresci_2017_genuine_folder_keeps_rows_with_a_bad_optional_field():
    evs, rep = importers.import_events("cresci", os.path.join(DATA, "cresci-2017", "genuine_accounts"))
    assert _check(evs) == {("benign", None): 3474}
    assert sum(rep.fixed.values()) == 2  # lang "Select Language..." is longer than the contract allows
    assert any("lang" in k for k in rep.fixed)


@needs_data
def test_cresci_2015_dataset_column_and_duplicates_are_counted():
    evs, rep = importers.import_events("cresci", os.path.join(DATA, "cresci-2015-mib", "INT", "users.csv"))
    assert _check(evs) == {("spam", "INT"): 1337}


@needs_data
def test_botometer_folder_labels_and_skips():
    evs, rep = importers.import_events("botometer", os.path.join(DATA, "botometer-botometer-feedback-2019"))
    counts = _check(evs)
    assert counts == {("benign", None): 379, ("spam", "botometer-feedback-2019"): 138}
    assert sum(v for k, v in rep.skipped.items() if "CONFLICT" in k) == 1
    assert rep.rows == 518


@needs_data
def test_botometer_single_file_path():
    evs, rep = importers.import_events(
        "botometer", os.path.join(DATA, "botometer-political-bots-2019", "political-bots-2019_tweets.json"))
    assert _check(evs) == {("spam", "political-bots-2019"): 62}


@needs_data
def test_twitter_io_and_ira():
    evs, rep = importers.import_events("twitter-io", os.path.join(DATA, "twitter-io-china-082019-1"))
    assert _check(evs) == {("spam", "china_082019_1"): 744}
    assert any("hashed" in n for n in rep.notes)
    evs, rep = importers.import_events("twitter-io", os.path.join(DATA, "nbc-ira-russian-trolls-2018"))
    assert _check(evs) == {("spam", "nbc-ira-russian-trolls-2018"): 384}
    assert sum(rep.skipped.values()) == 70  # 61 without id, 9 without creation time
    assert rep.rows == 454


def test_bad_rows_are_skipped_with_reasons(tmp_path):
    d = tmp_path / "social_spambots_9"
    d.mkdir()
    cols = ["id", "name", "screen_name", "created_at", "lang", "description", "profile_image_url",
            "default_profile_image"]
    rows = [
        ["1", "Ann", "ann", "Tue Jun 11 11:20:35 +0000 2013", "en", "hi", "http://x/a.jpg", ""],
        ["2", "Bob", "", "Tue Jun 11 11:20:36 +0000 2013", "en", "", "", "1"],          # no handle
        ["", "Cy", "cy", "Tue Jun 11 11:20:37 +0000 2013", "en", "", "", ""],             # no id
        ["4", "Di", "di", "yesterday", "en", "", "", ""],                                  # bad time
        ["5", "Ed", "ed", "Mon Jun 10 10:00:00 +0000 2013", "en", "x" * 2000, "", ""],     # bio too long -> dropped
        ["1", "Ann", "ann", "Tue Jun 11 11:20:35 +0000 2013", "en", "hi", "", ""],        # duplicate id
        ["7", "Fo", "f" * 70, "Tue Jun 11 11:20:35 +0000 2013", "en", "", "", ""],         # handle too long
    ]
    with open(d / "users.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        w.writerows(rows)
    evs, rep = importers.import_events("cresci", str(tmp_path))
    assert [e["account_id"] for e in evs] == ["5", "1"]  # ordered by creation time
    _check(evs)
    assert "bio" not in evs[0] and sum(rep.fixed.values()) == 1
    reasons = " | ".join(rep.skipped)
    assert rep.rows == 7 and sum(rep.skipped.values()) == 5
    for word in ("screen name", "user id", "creation time", "already imported", "'username'"):
        assert word in reasons
    text = "\n".join(rep.lines())
    assert "skipped 5" in text


def test_cli(tmp_path, capsys):
    d = tmp_path / "io"
    d.mkdir()
    (d / "x_082099_users_csv_hashed.csv").write_text(
        "userid,user_display_name,user_screen_name,user_profile_description,account_creation_date,account_language\n"
        "11,A,a,,2019-01-02,en\n12,B,b,bio,2019-01-01,zh-cn\n13,C,c,,,en\n")
    p = argparse.ArgumentParser()
    importers.register(p.add_subparsers())
    out = tmp_path / "o.jsonl"
    args = p.parse_args(["import", "twitter-io", str(d), "--out", str(out)])
    assert args.func(args) == 0
    lines = out.read_bytes().splitlines()
    assert [orjson.loads(x)["account_id"] for x in lines] == ["12", "11"]
    assert all(parse_event(decode(x)) for x in lines)
    assert orjson.loads(lines[0])["truth"] == {"label": "spam", "wave": "x_082099"}
    err = capsys.readouterr().err
    assert "skipped 1" in err and "no account creation time" in err


@needs_data
def test_twitter_io_on_the_whole_data_folder_does_not_take_cresci_files_as_spam():
    evs, rep = importers.import_events("twitter-io", DATA)
    waves = {e["truth"]["wave"] for e in evs}
    assert waves == {"china_082019_1", "nbc-ira-russian-trolls-2018"}
    assert sum("cresci file" in n for n in rep.notes) >= 4
