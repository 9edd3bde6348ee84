"""``breakwater import``: real labelled account datasets -> contract sign-up events.

Each public dataset in ``shared/data`` (see its ``PROVENANCE.md``) becomes a JSON Lines
file of ``signup`` events with ``truth``, ordered by account creation time:
``ts`` = creation time, ``account_id`` = the dataset's user id, ``username`` = screen
name, ``display_name`` = name, ``bio`` = description, ``lang``, and ``avatar`` = a hash
of the profile image URL (``default`` for Twitter's default image).

* ``cresci``: cresci-2017 (``genuine_accounts`` benign, ``social_spambots_N`` /
  ``traditional_spambots_N`` / ``fake_followers`` spam, wave = group name) and
  cresci-2015 (``dataset`` column: E13, TFP benign; INT, FSF, TWT spam, wave = that code).
* ``botometer``: Bot Repository folders (``<name>.tsv`` labels + ``<name>_tweets.json``
  user objects); bot -> spam (wave = dataset name), human -> benign; ids labelled both
  ways (CONFLICT) and profiles without a label (UNLABELLED) are skipped and counted.
* ``twitter-io``: information-operation user files (Twitter's hashed archive columns,
  or the NBC IRA reconstruction); every row is spam, wave = the campaign (file name).

Rows that cannot become valid events are skipped, counted and reported with reasons.
"""
from __future__ import annotations

import argparse
import collections
import csv
import gzip
import hashlib
import io
import os
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Iterator, Optional

import orjson

from streams.contract import InvalidEvent, format_time, parse_event

csv.field_size_limit(1 << 24)

KINDS = ("cresci", "botometer", "twitter-io")


@dataclass
class Report:
    """What an import read, wrote and skipped (and why)."""

    rows: int = 0
    written: int = 0
    skipped: collections.Counter = field(default_factory=collections.Counter)
    fixed: collections.Counter = field(default_factory=collections.Counter)
    labels: collections.Counter = field(default_factory=collections.Counter)
    waves: collections.Counter = field(default_factory=collections.Counter)
    files: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] += n

    def lines(self) -> list[str]:
        out = [f"read {self.rows:,} rows from {len(self.files)} file(s); wrote {self.written:,} events "
               f"({', '.join(f'{k} {v:,}' for k, v in sorted(self.labels.items())) or 'none'})"]
        for w, n in sorted(self.waves.items()):
            out.append(f"  wave {w}: {n:,}")
        total = sum(self.skipped.values())
        if total:
            out.append(f"skipped {total:,}:")
            for reason, n in self.skipped.most_common():
                out.append(f"  {n:>7,}  {reason}")
        for reason, n in self.fixed.most_common():
            out.append(f"kept {n:,} with a field dropped: {reason}")
        out.extend(self.notes)
        return out


# --------------------------------------------------------------------------- reading


def _open_text(path: str) -> io.TextIOBase:
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="")
    return open(path, "r", encoding="utf-8", errors="replace", newline="")


def _read_bytes(path: str) -> bytes:
    if path.endswith(".gz"):
        with gzip.open(path, "rb") as fh:
            return fh.read()
    with open(path, "rb") as fh:
        return fh.read()


def _files(path: str, pattern: str) -> list[str]:
    """``path`` itself if a file, else every file below it whose name matches ``pattern``."""
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise FileNotFoundError(f"no such file or folder: {path}")
    rx = re.compile(pattern)
    out = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        out.extend(os.path.join(root, f) for f in sorted(files) if rx.search(f))
    return out


def _csv_rows(path: str) -> Iterator[dict]:
    with _open_text(path) as fh:
        # NUL characters occur inside some descriptions; the csv module copes with them
        yield from csv.DictReader(fh)


_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"


def parse_created(value) -> Optional[float]:
    """Twitter ``created_at`` (``Tue Jun 11 11:20:35 +0000 2013``), ISO date or date-time -> epoch."""
    if value is None:
        return None
    s = str(value).strip()
    if not s or s.upper() in ("NULL", "NONE", "NAN"):
        return None
    for fmt in (_TWITTER_TIME, "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(s, fmt).timestamp()
        except ValueError:
            pass
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:  # no zone given: the archives publish UTC
            return datetime.strptime(s, fmt).replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            pass
    return None


def _truthy(v) -> bool:
    if isinstance(v, bool):
        return v
    return str(v).strip().lower() in ("1", "1.0", "true", "t", "yes")


def _text(v) -> Optional[str]:
    if v is None:
        return None
    s = str(v)
    return None if s.strip() == "" or s == "NULL" else s


def _ident(v) -> Optional[str]:
    """A user id as text: numbers written as floats by pandas (``3610511.0``) lose the ``.0``."""
    s = _text(v)
    if s is None:
        return None
    s = s.strip()
    if re.fullmatch(r"\d+\.0+", s):
        s = s.split(".")[0]
    return s


def avatar_of(image_url: Optional[str], default_image) -> str:
    """``default`` for Twitter's default picture, else a hash of the image URL."""
    if _truthy(default_image) or not image_url or "default_profile" in image_url:
        return "default"
    return hashlib.sha1(image_url.encode("utf-8")).hexdigest()[:32]


def make_signup(account_id, created, username, label: str, wave: Optional[str], *,
                display_name=None, bio=None, lang=None, image_url=None, default_image=None,
                notes: Optional[list] = None) -> dict:
    """One sign-up event (with truth) from a dataset row; raises InvalidEvent if it cannot be.

    An optional field that breaks the contract is dropped (and said in ``notes``) rather
    than losing the whole account.
    """
    aid = _ident(account_id)
    if aid is None:
        raise InvalidEvent("no user id", "missing_field")
    ts = parse_created(created)
    if ts is None:
        raise InvalidEvent("no account creation time" if not _text(created) else
                           "creation time in an unknown format", "bad_time")
    user = _text(username)
    if user is None:
        raise InvalidEvent("no screen name", "missing_field")
    ev = {"type": "signup", "account_id": aid, "ts": format_time(ts), "username": user.strip()}
    if _text(display_name) is not None:
        ev["display_name"] = str(display_name)
    if _text(bio) is not None:
        ev["bio"] = str(bio)
    lang_s = _text(lang)
    if lang_s is not None:
        ev["lang"] = lang_s.strip()
    ev["avatar"] = avatar_of(_text(image_url), default_image)
    dropped = []
    while True:  # the contract decides what is valid
        try:
            parse_event(ev)
            break
        except InvalidEvent as exc:
            m = re.match(r"'(\w+)'", exc.reason)
            name = m.group(1) if m else None
            if name not in _OPTIONAL or name not in ev:
                raise
            del ev[name]  # an optional field the contract rejects: keep the account without it
            dropped.append(f"{exc.reason} (field dropped, row kept)")
    ev["truth"] = {"label": label, "wave": wave}
    if dropped and notes is not None:
        notes.extend(dropped)
    return ev


_OPTIONAL = ("display_name", "bio", "lang", "avatar")


class Collector:
    """Validated events from many rows, de-duplicated by account id, with a report."""

    def __init__(self):
        self.report = Report()
        self.events: dict[str, dict] = {}

    def add(self, where: str, label: Optional[str], wave: Optional[str], **row) -> None:
        self.report.rows += 1
        if label is None:
            self.report.skip(f"{where}: no label")
            return
        notes: list = []
        try:
            ev = make_signup(label=label, wave=wave, notes=notes, **row)
        except InvalidEvent as exc:
            self.report.skip(f"{where}: {exc.reason}")
            return
        for n in notes:
            self.report.fixed[f"{where}: {n}"] += 1
        prev = self.events.get(ev["account_id"])
        if prev is not None:
            why = "same label" if prev["truth"] == ev["truth"] else "different label, first kept"
            self.report.skip(f"{where}: account id already imported ({why})")
            return
        self.events[ev["account_id"]] = ev

    def sorted_events(self) -> list[dict]:
        evs = sorted(self.events.values(), key=lambda e: (e["ts"], e["account_id"]))
        for e in evs:
            self.report.written += 1
            self.report.labels[e["truth"]["label"]] += 1
            if e["truth"]["wave"]:
                self.report.waves[e["truth"]["wave"]] += 1
        return evs


# --------------------------------------------------------------------------- cresci

_CRESCI_2015 = {"E13": ("benign", None), "TFP": ("benign", None),
                "INT": ("spam", "INT"), "FSF": ("spam", "FSF"), "TWT": ("spam", "TWT")}


def _cresci_group(path: str) -> Optional[str]:
    """The cresci-2017 group a file belongs to, from its folder (or file) name."""
    parent = os.path.basename(os.path.dirname(os.path.abspath(path)))
    stem = re.sub(r"\.csv(\.gz)?$", "", os.path.basename(path))
    for name in (parent, stem):
        if re.match(r"(genuine|geniune)_accounts|social_spambots_\d|traditional_spambots_\d|fake_followers", name):
            return name.replace("geniune", "genuine")
    return None


def _csv_files(path: str, col: Collector) -> Iterator[tuple[str, dict, Iterator[dict]]]:
    """(file, first row, all rows) for each non-empty CSV file at or below ``path``."""
    for f in _files(path, r"\.csv(\.gz)?$"):
        rows = _csv_rows(f)
        first = next(rows, None)
        if first is None:
            col.report.notes.append(f"note: {f} is empty")
            continue
        yield f, first, _chain(first, rows)


def import_cresci(path: str, col: Optional[Collector] = None) -> Collector:
    col = col or Collector()
    for f, first, rows in _csv_files(path, col):
        if "screen_name" not in first or "created_at" not in first:
            col.report.notes.append(f"note: {f} is not a cresci users file (no screen_name/created_at): not read")
            continue
        group = _cresci_group(f)
        if "dataset" not in first and group is None:
            col.report.notes.append(f"note: {f}: no 'dataset' column and no cresci group folder: not read")
            continue
        col.report.files.append(f)
        where = os.path.relpath(f, path) if os.path.isdir(path) else os.path.basename(f)
        for row in rows:
            if "dataset" in row:
                label, wave = _CRESCI_2015.get((row.get("dataset") or "").strip(), (None, None))
            else:
                label = "benign" if group.startswith("genuine") else "spam"
                wave = None if label == "benign" else group
            col.add(where, label, wave, account_id=row.get("id"), created=row.get("created_at"),
                    username=row.get("screen_name"), display_name=row.get("name"),
                    bio=row.get("description"), lang=row.get("lang"),
                    image_url=row.get("profile_image_url") or row.get("profile_image_url_https"),
                    default_image=row.get("default_profile_image"))
    return col


def _chain(first, rest):
    yield first
    yield from rest


# --------------------------------------------------------------------------- botometer


def _botometer_pairs(path: str) -> list[tuple[str, str]]:
    """(labels .tsv, user objects .json[.gz]) pairs below ``path`` (or for one file)."""
    pairs = []
    if os.path.isfile(path):
        d = os.path.dirname(os.path.abspath(path))
        stem = re.sub(r"(_tweets)?\.(tsv|json)(\.gz)?$", "", os.path.basename(path))
        tsv = os.path.join(d, stem + ".tsv")
        js = [os.path.join(d, stem + s) for s in ("_tweets.json", "_tweets.json.gz")]
        js = [j for j in js if os.path.exists(j)]
        if not os.path.exists(tsv) or not js:
            raise FileNotFoundError(f"{path}: a Botometer dataset needs both {stem}.tsv and {stem}_tweets.json[.gz]")
        return [(tsv, js[0])]
    for tsv in _files(path, r"\.tsv$"):
        stem = tsv[:-4]
        for suffix in ("_tweets.json", "_tweets.json.gz"):
            if os.path.exists(stem + suffix):
                pairs.append((tsv, stem + suffix))
                break
    return pairs


def _botometer_labels(tsv: str) -> dict[str, str]:
    labels: dict[str, set] = {}
    with _open_text(tsv) as fh:
        for line in fh:
            parts = line.strip().split("\t")
            if len(parts) >= 2 and parts[0]:
                labels.setdefault(parts[0].strip(), set()).add(parts[1].strip().lower())
    return {k: (next(iter(v)) if len(v) == 1 else "CONFLICT") for k, v in labels.items()}


def import_botometer(path: str, col: Optional[Collector] = None) -> Collector:
    col = col or Collector()
    pairs = _botometer_pairs(path)
    if not pairs:
        col.report.notes.append(f"note: no <name>.tsv + <name>_tweets.json pair found under {path}")
    for tsv, js in pairs:
        name = os.path.basename(tsv)[:-4]
        col.report.files.extend([tsv, js])
        labels = _botometer_labels(tsv)
        try:
            data = orjson.loads(_read_bytes(js))
        except orjson.JSONDecodeError as exc:
            col.report.skip(f"{name}: user file is not valid JSON ({exc})")
            continue
        if isinstance(data, dict):
            data = [data]
        seen = set()
        for obj in data:
            user = obj.get("user") if isinstance(obj, dict) and isinstance(obj.get("user"), dict) else obj
            if not isinstance(user, dict):
                col.report.rows += 1
                col.report.skip(f"{name}: entry is not a user object")
                continue
            uid = _ident(user.get("id_str") or user.get("id"))
            seen.add(uid)
            lab = labels.get(uid) if uid else None
            if lab == "CONFLICT":
                col.report.rows += 1
                col.report.skip(f"{name}: CONFLICT (labelled both bot and human)")
                continue
            if lab is None:
                col.report.rows += 1
                col.report.skip(f"{name}: UNLABELLED (no label in {os.path.basename(tsv)})")
                continue
            label = {"bot": "spam", "human": "benign"}.get(lab)
            if label is None:
                col.report.rows += 1
                col.report.skip(f"{name}: unknown label {lab[:20]!r}")
                continue
            col.add(name, label, name if label == "spam" else None, account_id=uid,
                    created=user.get("created_at"), username=user.get("screen_name"),
                    display_name=user.get("name"), bio=user.get("description"), lang=user.get("lang"),
                    image_url=user.get("profile_image_url_https") or user.get("profile_image_url"),
                    default_image=user.get("default_profile_image"))
        missing = sum(1 for k in labels if k not in seen)
        if missing:
            col.report.notes.append(f"note: {name}: {missing:,} labelled ids have no user object (nothing to import)")
    return col


# --------------------------------------------------------------------------- twitter IO


def _campaign(path: str) -> str:
    stem = re.sub(r"\.csv(\.gz)?$", "", os.path.basename(path))
    stem = re.sub(r"_users(_csv)?(_hashed)?$", "", stem)
    if stem in ("users", ""):
        stem = os.path.basename(os.path.dirname(os.path.abspath(path)))
    return stem


def import_twitter_io(path: str, col: Optional[Collector] = None) -> Collector:
    col = col or Collector()
    for f, first, rows in _csv_files(path, col):
        if "userid" in first:
            cols = ("userid", "account_creation_date", "user_screen_name", "user_display_name",
                    "user_profile_description", "account_language")
        elif "dataset" in first or _cresci_group(f):
            col.report.notes.append(f"note: {f} is a cresci file (labels inside): not read; use 'import cresci'")
            continue
        elif "screen_name" in first and "created_at" in first and "id" in first:
            cols = ("id", "created_at", "screen_name", "name", "description", "lang")
        else:
            col.report.notes.append(f"note: {f} has neither Twitter IO nor user-object columns: not read")
            continue
        col.report.files.append(f)
        wave = _campaign(f)
        hashed = 0
        for row in rows:
            aid, created, user, name, desc, lang = (row.get(c) for c in cols)
            if aid and aid == user and len(aid) > 30:
                hashed += 1
            col.add(wave, "spam", wave, account_id=aid, created=created, username=user,
                    display_name=name, bio=desc, lang=lang)
        if hashed:
            col.report.notes.append(f"note: {wave}: {hashed:,} rows have Twitter-hashed id/handle (kept as is)")
    return col


IMPORTERS = {"cresci": import_cresci, "botometer": import_botometer, "twitter-io": import_twitter_io}


def import_events(kind: str, path: str) -> tuple[list[dict], Report]:
    """Events (sorted by creation time) and the report, for ``kind`` in :data:`KINDS`."""
    col = IMPORTERS[kind](path)
    evs = col.sorted_events()
    return evs, col.report


def write_jsonl(events: Iterable[dict], out: str) -> int:
    n = 0
    fh = sys.stdout.buffer if out == "-" else open(out, "wb")
    try:
        for ev in events:
            fh.write(orjson.dumps(ev) + b"\n")
            n += 1
    finally:
        if fh is not sys.stdout.buffer:
            fh.close()
    return n


# --------------------------------------------------------------------------- CLI


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "import", help="convert a real labelled dataset (shared/data) into contract sign-up events",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Convert a public labelled account dataset into a JSON Lines file of contract\n"
            "'signup' events with 'truth', ordered by account creation time (ts). Rows that\n"
            "cannot become valid events are skipped and counted, with reasons, on stderr.\n\n"
            "kinds:\n"
            "  cresci      cresci-2017 groups (genuine_accounts benign; social_spambots_N spam,\n"
            "              wave = group) and cresci-2015 files (dataset column E13/TFP benign,\n"
            "              INT/FSF/TWT spam)\n"
            "  botometer   Bot Repository folders: <name>.tsv labels + <name>_tweets.json[.gz];\n"
            "              bot -> spam (wave = <name>), human -> benign; CONFLICT and\n"
            "              UNLABELLED profiles are skipped and counted\n"
            "  twitter-io  information-operation user files (Twitter IO archive columns or the\n"
            "              NBC IRA users.csv); all spam, wave = campaign (file name)\n"),
        epilog="example:\n  breakwater import cresci /work/shared/data/cresci-2017 --out /tmp/cresci17.jsonl")
    p.add_argument("kind", choices=KINDS, help="dataset format")
    p.add_argument("path", help="a dataset folder (searched recursively) or one file")
    p.add_argument("--out", required=True, metavar="FILE.jsonl", help="output file ('-' for stdout)")
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        events, report = import_events(args.kind, args.path)
    except FileNotFoundError as exc:
        print(f"import: {exc}", file=sys.stderr)
        return 2
    write_jsonl(events, args.out)
    print(f"import {args.kind} {args.path} -> {args.out}", file=sys.stderr)
    for line in report.lines():
        print("  " + line, file=sys.stderr)
    return 0 if events else 1
