"""Crash safety and concurrency of `wolkenkaart run`, as separate processes.

The published warehouse starts as the sample warehouse after the previous period (a copy of
the `sample_batch` snapshot). `wolkenkaart run` for the last sample period is then SIGKILLed
at many moments — during start-up, ingest, the dbt build and (deterministically, through
killer.py) inside publishing. After every kill the published warehouse must be byte-for-byte
the previous one, and its lock free. Finally two runs are started at once while an analyst
holds a read-only connection: one refuses (lock), the other succeeds despite the reader and
the leftovers of the killed runs; the reader sees the old figures throughout; and the result
equals the uninterrupted `sample_batch` run (every marts table, byte-identical csv tables).

Everything expensive happens once, in `scene` (shared by xdist workers through a file lock).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from reliability.files import SLOW
from wolkenkaart.warehouse import contacts_path, lock_path, read_contacts, work_path

REPO = Path(__file__).resolve().parents[2]
SAMPLE_INBOX = REPO / "data" / "sample" / "inbox"

KILLER = Path(__file__).with_name("killer.py")
LOCK_MESSAGE = "another wolkenkaart command is writing"
FORMATS = "csv,xlsx,ods"

# (name, command, trigger): trigger is ("after", s) | ("file",) a new work copy | ("line", text, delay) |
# ("event", n) — the n-th publish event of killer.py.
KILL_POINTS = [
    ("start-up", "run", ("after", 0.05)),
    ("work copy made", "run", ("file",)),
    ("ingest reading", "run", ("line", "ingest …", 1.0)),
    ("ingest written", "run", ("line", "dbt build …", 0.0)),
    ("dbt build", "run", ("line", "dbt build …", 5.0)),
    ("ingest: entering publish", "ingest", ("event", 0)),
    ("ingest: before the first swap", "ingest", ("event", 1)),
]
SLOW_KILL_POINTS = [
    ("dbt build, late", "run", ("line", "dbt build …", 20.0)),
    ("checks", "run", ("line", "checks …", 1.0)),
    ("feedback", "run", ("line", "quality report and feedback …", 0.0)),
    ("reports", "run", ("line", "reports …", 0.2)),
    ("run: entering publish", "run", ("event", 0)),
    ("run: before the first swap", "run", ("event", 1)),
]


def sample_periods() -> list[str]:
    return sorted(p.name for p in SAMPLE_INBOX.iterdir() if p.is_dir())


def contacts_of(warehouse: Path) -> dict[str, list]:
    return {org: [c.get("contact_name"), c.get("contact_email")] for org, c in read_contacts(warehouse).items()}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def figures(warehouse: Path, con=None) -> dict[str, list[list[str]]]:
    """Every table of schema marts, rows as text, in a stable order."""
    own = con is None
    con = con or duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        return {t: [[str(v) for v in row] for row in con.execute(f"select * from marts.{t} order by all").fetchall()]
                for t in tables}
    finally:
        if own:
            con.close()


def lock_is_free(warehouse: Path) -> bool:
    fd = os.open(lock_path(warehouse), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


class Batch:
    """One `wolkenkaart` process (through killer.py), its output collected line by line."""

    def __init__(self, command: str, warehouse: Path, out: Path, env: dict, event: int = -1):
        period = sample_periods()[-1]
        args = [command, "--period", period, "--inbox", str(SAMPLE_INBOX / period), "--warehouse", str(warehouse)]
        if command == "run":
            args += ["--out", str(out), "--formats", FORMATS]
        self.started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, str(KILLER), str(event), *args], cwd=REPO, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, encoding="utf-8",
                                     errors="replace", start_new_session=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._collect, daemon=True)
        self.reader.start()

    def _collect(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def seen(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)

    def wait(self, timeout: float = 600) -> int:
        rc = self.proc.wait(timeout)
        self.reader.join(10)
        return rc

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


def kill_at(batch: Batch, trigger: tuple, warehouse: Path) -> float:
    """Wait for the trigger, SIGKILL the process group; return when (s after start)."""
    kind = trigger[0]
    deadline = time.monotonic() + 300
    work, started = work_path(warehouse), time.time()

    def new_work_copy() -> bool:  # a left-over work file of an earlier kill does not count
        try:
            return work.stat().st_mtime > started
        except FileNotFoundError:
            return False

    if kind != "event":
        armed_at = None
        while batch.proc.poll() is None and time.monotonic() < deadline:
            if armed_at is None:
                if kind == "after" or (kind == "file" and new_work_copy()) or (
                        kind == "line" and batch.seen(trigger[1])):
                    armed_at = time.monotonic()
            delay = trigger[1] if kind == "after" else (trigger[2] if kind == "line" else 0.0)
            if armed_at is not None and time.monotonic() - armed_at >= delay:
                if batch.proc.poll() is None:
                    batch.kill()
                break
            time.sleep(0.02)
    when = batch.elapsed
    batch.wait()
    return round(batch.elapsed if kind == "event" else when, 1)


def published_copy(before: Path, folder: Path) -> Path:
    wh = folder / "warehouse.duckdb"
    wh.parent.mkdir(parents=True)
    shutil.copyfile(before, wh)
    shutil.copyfile(contacts_path(before), contacts_path(wh))
    return wh


def contacts_case(root: Path, before: Path, env: dict) -> dict:
    """`ingest` killed between its two swaps (contacts file and warehouse), then the same inbox
    again: the contacts must end as after an uninterrupted run."""
    wh = published_copy(before, root / "contacts-case")
    killed = Batch("ingest", wh, root, env, event=2)
    killed.wait()
    rerun = Batch("ingest", wh, root, env)
    rerun.wait()
    return {"killed_rc": killed.proc.returncode, "rerun_rc": rerun.proc.returncode,
            "rerun_tail": rerun.lines[-5:], "contacts": contacts_of(wh)}


def tree_digest(folder: Path) -> str:
    """One hash over the published report files (staging folders of a run excluded)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file()
                   and not any(part.startswith((".building-", ".old-")) for part in p.parts))
    return hashlib.sha256("".join(f"{p.relative_to(folder)}:{sha256(p)}" for p in files).encode()).hexdigest()


def run_scene(root: Path, before: Path, reports_before: Path, env: dict, kill_points: list) -> dict:
    wh = published_copy(before, root / "published")
    out = root / "reports"
    shutil.copytree(reports_before, out)  # reports already published for this period
    base_sha, base_contacts, base_reports = sha256(wh), contacts_path(wh).read_bytes(), tree_digest(out)
    kills = []
    for name, command, trigger in kill_points:
        batch = Batch(command, wh, out, env, trigger[1] if trigger[0] == "event" else -1)
        when = kill_at(batch, trigger, wh)
        kills.append({
            "name": name, "command": command, "at_s": when, "returncode": batch.proc.returncode,
            "last_line": batch.lines[-1] if batch.lines else "",
            "unchanged": sha256(wh) == base_sha and contacts_path(wh).read_bytes() == base_contacts,
            "reports_unchanged": tree_digest(out) == base_reports,
            "lock_free": lock_is_free(wh),
            "leftover_work_file": work_path(wh).exists(),
        })
    baseline = figures(before)
    # Two batches at once, while an analyst holds a read-only connection on the published file.
    reader = duckdb.connect(str(wh), read_only=True)
    first, second = Batch("run", wh, out, env), Batch("run", wh, out, env)
    polls, stale = 0, 0
    while first.proc.poll() is None or second.proc.poll() is None:
        polls += 1
        stale += figures(wh, reader) != baseline
        time.sleep(1.0)
    codes = sorted([first.wait(), second.wait()])
    loser = first if first.proc.returncode != 0 else second
    winner = second if loser is first else first
    reader_after = figures(wh, reader) == baseline
    reader.close()
    return {
        "contacts_case": contacts_case(root, before, env),
        "kills": kills,
        "codes": codes,
        "loser_output": loser.lines,
        "winner_tail": winner.lines[-15:],
        "reader_polls": polls,
        "reader_saw_other_figures": stale,
        "reader_after_swap_sees_old": reader_after,
        "leftovers": sorted(str(p.relative_to(root)) for p in root.rglob("*")
                            if p.name.endswith((".building", ".building.wal"))
                            or p.name.startswith((".building-", ".old-"))),
        "out": str(out),
        "warehouse": str(wh),
    }


@pytest.fixture(scope="module")
def scene(sample_batch, session_root) -> dict:
    periods = sample_periods()
    if len(periods) < 2:
        pytest.skip("the crash test needs two sample periods")
    root = session_root / ("crash-slow" if SLOW else "crash")
    result_file = root / "result.json"
    with open(session_root / "crash.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        if not result_file.exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            env = {**os.environ, "WOLKENKAART_DBT_TARGET": str(root / "dbt-target")}
            points = KILL_POINTS + (SLOW_KILL_POINTS if SLOW else [])
            result = run_scene(root, sample_batch["after"][periods[-2]], sample_batch["out"][periods[-1]],
                               env, points)
            result_file.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    result = json.loads(result_file.read_text(encoding="utf-8"))
    result["before"] = sample_batch["after"][periods[-2]]
    result["reference"] = sample_batch["warehouse"]
    result["reference_out"] = sample_batch["out"][periods[-1]]
    return result


def test_every_kill_point_killed_a_running_batch(scene):
    assert len(scene["kills"]) >= len(KILL_POINTS)
    not_killed = [k for k in scene["kills"] if k["returncode"] != -signal.SIGKILL]
    assert not_killed == []


def test_killed_batch_leaves_warehouse_and_reports_untouched_and_unlocked(scene):
    broken = [k for k in scene["kills"] if not (k["unchanged"] and k["reports_unchanged"] and k["lock_free"])]
    assert broken == []
    con = duckdb.connect(scene["warehouse"], read_only=True)  # and it still opens
    con.close()


def test_second_batch_refuses_with_one_clear_line(scene):
    assert scene["codes"] == [0, 2], scene["winner_tail"]
    errors = [line for line in scene["loser_output"] if line.startswith("wolkenkaart:")]
    assert len(errors) == 1 and LOCK_MESSAGE in errors[0], scene["loser_output"]
    assert scene["loser_output"][-1] == errors[0]  # (an INFO log line may precede it)
    assert not any("Traceback" in line for line in scene["loser_output"])


def test_reader_sees_old_figures_until_the_swap_and_never_blocks_the_batch(scene):
    assert scene["reader_polls"] >= 3
    assert scene["reader_saw_other_figures"] == 0
    assert scene["reader_after_swap_sees_old"]
    assert figures(Path(scene["warehouse"])) != figures(scene["before"])  # the new figures are published


def test_run_after_kills_equals_an_uninterrupted_run(scene):
    assert figures(Path(scene["warehouse"])) == figures(scene["reference"])


def test_report_tables_after_kills_are_byte_identical(scene):
    ours = sorted((Path(scene["out"]) / "kamerbrief").glob("*.csv"))
    assert len(ours) == 7
    for path in ours:
        assert path.read_bytes() == (scene["reference_out"] / "kamerbrief" / path.name).read_bytes(), path.name


def test_no_leftovers_after_the_next_run(scene):
    assert any(k["leftover_work_file"] for k in scene["kills"])  # the next run did meet some
    assert scene["leftovers"] == []


def test_contacts_survive_a_kill_between_the_two_swaps(scene):
    """Killed between the two swaps of publish, then re-run on the same inbox: the contacts must
    be the new ones (with the warehouse swapped first, the re-run saw only duplicates and the new
    contacts were lost — fixed in c15b12b by swapping the contacts file first)."""
    case = scene["contacts_case"]
    assert (case["killed_rc"], case["rerun_rc"]) == (-signal.SIGKILL, 0), case["rerun_tail"]
    assert case["contacts"] == contacts_of(scene["reference"])
